//! Files handed over by someone else, and a data directory that must not be written: a second
//! file of one assessment dropped into `assessments/` (merged on request, never overwritten), a
//! clock in year 9999 (flagged, never adopted), a copy that claims another author or time for
//! a known revision (refused, or kept beside it), keys written twice, `--read-only` (nothing
//! written, lock included, on a free directory and a read-only file system), and paths that
//! are devices or pipes (refused at once, nothing written).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::handover::*;
use zwgk::cli::Lang;
use zwgk::model::assessment::MAX_CLOCK_AHEAD_MS;
use zwgk::model::doc::{Body, ReviewBasis};
use zwgk::model::status::Status;
use zwgk::store::{load_own, save_copy};

// ---------------------------------------------------------------------------------------------
// Clocks and authors.
// ---------------------------------------------------------------------------------------------

/// A township laptop whose clock says 9999: its revision arrives, flagged; the receiver's clock
/// does not follow it, so its next change carries its own time.
#[test]
fn a_handed_over_clock_in_year_9999_is_flagged_and_never_adopted() {
    let town = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let me = township("张三");
    let mut a = self_check(&me);
    a.record(result("01", Status::Compliant, ""), me.clone(), NOW)
        .unwrap();
    let first = usb.path().join("first.json");
    save_copy(&a, &first).unwrap();
    // Later, on a laptop whose clock is wrong.
    a.record(
        result("02", Status::Missing, "时钟错了"),
        me.clone(),
        YEAR_9999,
    )
    .unwrap();
    let far = usb.path().join("far-future.json");
    save_copy(&a, &far).unwrap();

    let mut store = open(town.path());
    store.import(&first, NOW + 60_000).unwrap();
    let now = NOW + 3_600_000;
    let imported = store.import(&far, now).unwrap();
    let m = &imported.merge;
    assert_eq!((m.added, m.future), (1, 1), "{m:?}");
    assert_eq!(m.furthest.map(|h| h.millis), Some(YEAR_9999));
    assert_eq!(m.ahead_ms, YEAR_9999 - now);
    // The revision is kept as written (its id covers its time) …
    let doc = imported.assessment.result_doc(EDU, "02").unwrap();
    assert_eq!(doc.winner().unwrap().hlc.millis, YEAR_9999);
    // … but the clock stayed here.
    assert!(imported.assessment.clock.millis <= now + MAX_CLOCK_AHEAD_MS);
    let saved = load_own(&imported.path).unwrap();
    assert!(
        saved.clock.millis < now + DAY,
        "saved clock {}",
        saved.clock
    );

    // The message names the file and says how far ahead, in both languages.
    let report = zwgk::sync::bundle::file_report(&store, &far, imported.clone());
    let days = (YEAR_9999 - now) / DAY;
    let zh = report.message(Lang::Zh);
    assert!(zh.starts_with("far-future.json: "), "{zh}");
    assert!(
        zh.contains(&format!(
            "1 条记录的时间超前本机一天以上,最多超前约 {days} 天(最晚 9999-12-31 15:59,UTC)"
        )),
        "{zh}"
    );
    assert!(zh.contains("本机时钟未随之调整"), "{zh}");
    let en = report.message(Lang::En);
    assert!(
        en.contains(&format!("up to about {days} days ahead")),
        "{en}"
    );

    // The next change here carries this device's time, not 9999.
    let mut here = saved;
    let later = now + 60_000;
    let rev = here
        .record(result("03", Status::Compliant, ""), me.clone(), later)
        .unwrap()
        .unwrap();
    let r = here
        .result_doc(EDU, "03")
        .unwrap()
        .get(&rev)
        .unwrap()
        .clone();
    assert_eq!(r.hlc.millis, later);
    // Even on top of the 9999 revision.
    let rev = here
        .record(result("02", Status::Compliant, "已改正"), me, later + 1)
        .unwrap()
        .unwrap();
    let r = here.result_doc(EDU, "02").unwrap().get(&rev).unwrap();
    assert_eq!(r.hlc.millis, later + 1);

    // New here (nothing to merge into): the same flag, the same clock.
    let fresh = tempfile::tempdir().unwrap();
    let mut s2 = open(fresh.path());
    let imported = s2.import(&far, now).unwrap();
    assert!(imported.new);
    assert_eq!(imported.merge.future, 1);
    assert!(imported.assessment.clock.millis < now + DAY);
}

/// `zwgk import` of that file: exit 0, the message on standard output names the file and how
/// far ahead; the file saved here keeps this computer's clock.
#[test]
fn zwgk_import_says_how_far_ahead_a_handed_over_clock_is() {
    let data = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let me = township("张三");
    let mut a = self_check(&me);
    a.record(result("01", Status::Compliant, ""), me.clone(), YEAR_9999)
        .unwrap();
    let far = usb.path().join("far-future.json");
    save_copy(&a, &far).unwrap();
    let out = zwgk(&[
        os("--data-dir"),
        data.path().as_os_str(),
        os("import"),
        far.as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("far-future.json: "), "{stdout}");
    assert!(
        stdout.contains("1 条记录的时间超前本机一天以上,最多超前约 "),
        "{stdout}"
    );
    assert!(stdout.contains("最晚 9999-12-31 15:59"), "{stdout}");
    let saved = load_own(
        &data
            .path()
            .join("assessments")
            .join(format!("{SELF_CHECK}.json")),
    )
    .unwrap();
    assert!(
        saved.clock.to_string().starts_with("20"),
        "this computer's clock, not 9999: {}",
        saved.clock
    );
    assert_eq!(
        saved
            .result_doc(EDU, "01")
            .unwrap()
            .winner()
            .unwrap()
            .hlc
            .millis,
        YEAR_9999
    );
}

/// A revision's author and time are part of its id: a copy that claims another author or
/// time under a known id is refused whole; a revision made again with another author is a
/// revision of its own, beside the first, which keeps who and when.
#[test]
fn a_copy_cannot_rewrite_who_made_a_revision_or_when() {
    let tmp = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let me = township("张三");
    let base = self_check(&me);
    let mut a = base.clone();
    let rev = a
        .record(
            result("01", Status::Missing, "未公开"),
            me.clone(),
            NOW + 60_000,
        )
        .unwrap()
        .unwrap();
    let mut store = open(tmp.path());
    let path = store.save(&a).unwrap();
    drop(store);

    // The same revision id with another author and an older time, written into a copy.
    let text = String::from_utf8(a.to_json_lines().unwrap()).unwrap();
    let doc_id = format!(":result:{EDU}/01\"");
    let forge = |line: &str| {
        if !line.contains(&doc_id) {
            return line.to_string();
        }
        assert!(line.contains(&format!("\"rev\":\"{rev}\"")));
        let who = "\"author\":{\"name\":\"张三\"";
        let when = "\"hlc\":\"2026-11-27T06:41:05.000Z#0000\"";
        assert!(line.contains(who) && line.contains(when), "{line}");
        line.replace(who, "\"author\":{\"name\":\"王五\"")
            .replace(when, "\"hlc\":\"2026-11-20T00:00:00.000Z#0000\"")
    };
    let forged_text: Vec<String> = text.lines().map(forge).collect();
    let forged = usb.path().join("forged.json");
    std::fs::write(&forged, forged_text.join("\n")).unwrap();
    assert_ne!(std::fs::read(&forged).unwrap(), text.trim_end().as_bytes());
    let mut store = open(tmp.path());
    store.list().unwrap();
    let before = snapshot(tmp.path());
    let err = store.import(&forged, NOW + DAY).unwrap_err();
    let zh = err.message(Lang::Zh);
    assert!(zh.starts_with(&forged.display().to_string()), "{zh}");
    assert!(zh.contains("已损坏或被改动"), "{zh}");
    assert!(err.to_string().contains("revision"), "{err}");
    assert!(changed(&before, &snapshot(tmp.path())).is_empty());

    // Made again by someone else, earlier: a revision with its own id, kept beside the first
    // as a conflict; the first keeps its author and time.
    let mut other = base;
    other
        .record(
            result("01", Status::Missing, "未公开"),
            township("王五"),
            NOW - DAY,
        )
        .unwrap();
    let again = usb.path().join("again.json");
    save_copy(&other, &again).unwrap();
    let imported = store.import(&again, NOW + DAY).unwrap();
    assert_eq!(imported.merge.added, 1);
    assert_eq!(imported.merge.new_conflicts, 1);
    drop(store);
    let here = load_own(&path).unwrap();
    let doc = here.result_doc(EDU, "01").unwrap();
    let first = doc.get(&rev).unwrap();
    assert_eq!(first.author.name, "张三");
    assert_eq!(first.hlc.millis, NOW + 60_000);
    assert_eq!(doc.revisions().count(), 2);
}

// ---------------------------------------------------------------------------------------------
// Keys written twice.
// ---------------------------------------------------------------------------------------------

/// A key written twice in a map of the file (the inspection's basis) is refused, not silently
/// resolved to the last one: two readers could otherwise see two different files.
#[test]
fn a_key_written_twice_in_the_basis_is_refused() {
    let me = township("张三");
    let mut sc = self_check(&me);
    let rev = sc
        .record(result("01", Status::Compliant, ""), me, NOW)
        .unwrap()
        .unwrap();
    let mut insp = inspection();
    let mut results = BTreeMap::new();
    results.insert(format!("{EDU}/01"), rev.clone());
    insp.record(
        Body::Basis(ReviewBasis {
            self_check: SELF_CHECK.into(),
            results,
        }),
        county("county-pc"),
        NOW + 1,
    )
    .unwrap();
    let text = String::from_utf8(insp.to_json_lines().unwrap()).unwrap();
    let key = format!("\"{EDU}/01\":\"{rev}\"");
    assert_eq!(text.matches(&key).count(), 1);
    // As written, the file reads (so the test can fail) …
    let path = Path::new("basis.json");
    zwgk::store::parse_assessment(path, text.as_bytes()).unwrap();
    // … with the key twice (the first value another revision), it does not.
    let twice = text.replacen(
        &key,
        &format!("\"{EDU}/01\":\"1-00000000000000000000000000000000\",{key}"),
        1,
    );
    let err = zwgk::store::parse_assessment(path, twice.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("duplicate field `{EDU}/01`")),
        "{err}"
    );
    let zh = err.message(Lang::Zh);
    assert!(zh.contains(&format!("字段 {EDU}/01 写了两次")), "{zh}");
}

// ---------------------------------------------------------------------------------------------
// Devices and pipes.
// ---------------------------------------------------------------------------------------------

/// `zwgk import` and `zwgk checklist import` of a device or a FIFO end at once with exit 2
/// and a Chinese message naming the path; nothing is written into the data directory.
#[cfg(unix)]
#[test]
fn devices_and_pipes_are_refused_at_once_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    closed_data_dir(&data);
    let place = tmp.path().join("handed");
    std::fs::create_dir(&place).unwrap();
    let fifo = |name: &str| {
        let p = place.join(name);
        assert!(Command::new("mkfifo").arg(&p).status().unwrap().success());
        p
    };
    let zero = |name: &str| {
        let p = place.join(name);
        std::os::unix::fs::symlink("/dev/zero", &p).unwrap();
        p
    };
    let not_a_file = "不是普通文件(而是设备、管道或文件夹),没有读取";
    let cases: Vec<(Vec<&std::ffi::OsStr>, PathBuf, String)> = vec![];
    let mut cases = cases;
    let dev_zero = PathBuf::from("/dev/zero");
    for (path, sep, tail) in [
        (dev_zero.clone(), ":", String::new()),
        (fifo("pipe.json"), ":", String::new()),
        (zero("zero.zwgk"), ": ", "。本机数据没有改动".to_string()),
        (fifo("pipe.zwgk"), ": ", "。本机数据没有改动".to_string()),
    ] {
        let expected = format!("{}{sep}{not_a_file}{tail}\n", path.display());
        cases.push((vec![os("import")], path, expected));
    }
    for path in [zero("zero.xlsx"), fifo("pipe.csv"), fifo("pipe.docx")] {
        let expected = format!("{}:{not_a_file}\n", path.display());
        cases.push((vec![os("checklist"), os("import")], path, expected));
    }
    // /dev/zero itself has no table extension: said as such, at once.
    cases.push((
        vec![os("checklist"), os("import")],
        dev_zero.clone(),
        "/dev/zero:无法识别的表格格式;请导入 .xlsx、.xls、.csv 或 .docx 文件\n".to_string(),
    ));
    for (cmd, path, expected) in cases {
        let before = snapshot(&data);
        let mut args = vec![os("--data-dir"), data.as_os_str()];
        args.extend(cmd.iter().copied());
        args.push(path.as_os_str());
        let out = zwgk(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err, expected, "{cmd:?} {}", path.display());
        assert_eq!(out.status.code(), Some(2), "{cmd:?} {}", path.display());
        // Nothing written (the lock file a writer takes and leaves empty aside).
        let mut after = snapshot(&data);
        after.remove(&data.join("zwgk.lock"));
        let mut before = before;
        before.remove(&data.join("zwgk.lock"));
        assert!(
            changed(&before, &after).is_empty(),
            "{cmd:?} {}: {:?}",
            path.display(),
            changed(&before, &after)
        );
    }
    // In English too.
    let out = zwgk(&[
        os("--lang"),
        os("en"),
        os("--data-dir"),
        data.as_os_str(),
        os("import"),
        os("/dev/zero"),
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "/dev/zero: not a regular file (a device, a pipe or a folder); not read\n"
    );
    assert_eq!(out.status.code(), Some(2));
}
