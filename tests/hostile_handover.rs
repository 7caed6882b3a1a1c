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
use common::{Sim, ch, enter};
use zwgk::cli::Lang;
use zwgk::keymap::Mode;
use zwgk::model::assessment::MAX_CLOCK_AHEAD_MS;
use zwgk::model::doc::{Body, DocKind, ReviewBasis};
use zwgk::model::status::Status;
use zwgk::state::Screen;
use zwgk::store::{Store, StoreError, load_own, save_copy};

// ---------------------------------------------------------------------------------------------
// Two files with one id.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_second_file_of_an_assessment_is_merged_into_it_and_moved_to_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (copy_path, copy) = two_files(dir);
    let owner_path = dir.join("assessments").join(format!("{INSPECTION}.json"));
    let owner_bytes = std::fs::read(&owner_path).unwrap();
    let owner_bak = std::fs::read(
        dir.join("assessments")
            .join(format!("{INSPECTION}.json.bak")),
    );
    assert!(owner_bak.is_ok(), "the second session kept a .bak");
    let copy_bytes = std::fs::read(&copy_path).unwrap();

    let mut store = open(dir);
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 2);
    let Some((_, Err(StoreError::SameId { other, id, .. }))) =
        listed.iter().find(|(p, _)| *p == copy_path)
    else {
        panic!("the copy is reported as a second file: {listed:?}")
    };
    assert_eq!((other, id.as_str()), (&owner_path, INSPECTION));

    let merged = store.merge_duplicate(&copy_path, NOW + DAY).unwrap();
    assert_eq!(merged.owner, owner_path);
    assert_eq!(
        merged.archived,
        dir.join("archive").join("county-copy.json")
    );
    let m = &merged.imported.merge;
    assert_eq!(m.added, 3, "two results and a task arrived: {m:?}");
    assert_eq!(m.added_by_kind.get(&DocKind::Result), Some(&2));
    assert_eq!(m.added_by_kind.get(&DocKind::Task), Some(&1));
    assert_eq!(m.future, 0);
    drop(store);

    // The assessment holds both: this laptop's second result and the county's results and
    // task, each with its author and time.
    let here = load_own(&owner_path).unwrap();
    assert_eq!(here.result(EDU, "01").unwrap().note, "本机第二次");
    assert_eq!(here.result(EDU, "02").unwrap().note, "未公开招生计划");
    assert_eq!(here.result(EDU, "03").unwrap().status, Status::Partial);
    assert_eq!(here.task(EDU, "02").unwrap().description, "招生计划未公开");
    for (key, doc) in copy.docs.iter() {
        for r in doc.revisions() {
            let mine = here.docs.get(key).and_then(|d| d.get(&r.rev));
            assert_eq!(
                mine,
                Some(r),
                "revision {} of {key:?} kept as written",
                r.rev
            );
        }
    }
    // The copy moved, byte for byte, with its own .bak; nothing deleted, nothing replaced.
    assert!(!copy_path.exists());
    assert!(!dir.join("assessments/county-copy.json.bak").exists());
    assert_eq!(std::fs::read(&merged.archived).unwrap(), copy_bytes);
    assert_eq!(
        std::fs::read(dir.join("archive/county-copy.json.bak")).unwrap(),
        b"the copy's own backup"
    );
    // The assessment's .bak is its file as it was before the merge (the first rewrite of
    // this session), never the copy's content.
    assert_eq!(
        std::fs::read(
            dir.join("assessments")
                .join(format!("{INSPECTION}.json.bak"))
        )
        .unwrap(),
        owner_bytes
    );

    // The list now shows one assessment.
    let mut store = open(dir);
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].1.is_ok());

    // The same copy dropped in again: nothing new arrives, and it goes to the archive under a
    // name of its own (the first archived copy is not replaced).
    std::fs::write(&copy_path, &copy_bytes).unwrap();
    store.list().unwrap();
    let before = std::fs::read(&owner_path).unwrap();
    let again = store.merge_duplicate(&copy_path, NOW + DAY).unwrap();
    assert_eq!(again.imported.merge.added, 0);
    assert_eq!(
        again.archived,
        dir.join("archive").join("county-copy-1.json")
    );
    assert_eq!(
        std::fs::read(dir.join("archive/county-copy.json")).unwrap(),
        copy_bytes
    );
    drop(store);
    assert_eq!(
        std::fs::read(&owner_path).unwrap(),
        before,
        "nothing new, not rewritten"
    );
}

#[test]
fn a_second_file_that_breaks_the_rules_is_not_merged_and_nothing_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (copy_path, _) = two_files(dir);
    // A copy in which the township wrote the county's verdict: refused whole, like an import.
    let mut bad = inspection();
    let mut intruder = township("乡镇的人");
    intruder.device = "township-pc".into();
    // Written through the model's lower layer, which does not apply the role rule.
    bad.docs
        .record(
            result("04", Status::Compliant, "自己判的"),
            intruder,
            Default::default(),
        )
        .unwrap();
    let bad_path = dir.join("assessments").join("bad-copy.json");
    save_copy(&bad, &bad_path).unwrap();

    let mut store = open(dir);
    store.list().unwrap();
    let before = snapshot(dir);
    let err = store.merge_duplicate(&bad_path, NOW).unwrap_err();
    let zh = err.message(Lang::Zh);
    assert!(zh.starts_with(&bad_path.display().to_string()), "{zh}");
    assert!(zh.contains("不该由它填写"), "{zh}");
    // The file of the assessment itself is no copy.
    let owner = dir.join("assessments").join(format!("{INSPECTION}.json"));
    let err = store.merge_duplicate(&owner, NOW).unwrap_err();
    assert!(matches!(err, StoreError::NotACopy { .. }), "{err}");
    assert!(err.message(Lang::Zh).contains("无须合并"));
    // Nor is a file outside the assessments folder.
    let outside = dir.join("elsewhere.json");
    std::fs::copy(&copy_path, &outside).unwrap();
    let before_outside = snapshot(dir);
    assert!(matches!(
        store.merge_duplicate(&outside, NOW),
        Err(StoreError::NotACopy { .. })
    ));
    assert!(changed(&before_outside, &snapshot(dir)).is_empty());
    std::fs::remove_file(&outside).unwrap();
    assert!(changed(&before, &snapshot(dir)).is_empty());
    drop(store);

    // Read-only: refused, nothing written.
    let before = snapshot(dir);
    let mut ro = Store::open_read_only(dir).unwrap();
    ro.list().unwrap();
    assert!(matches!(
        ro.merge_duplicate(&copy_path, NOW),
        Err(StoreError::ReadOnly { .. })
    ));
    drop(ro);
    assert!(changed(&before, &snapshot(dir)).is_empty());
}

#[test]
fn the_start_screen_offers_to_merge_a_second_file_and_m_then_y_merges_it() {
    let mut sim = Sim::new(common::app());
    let dir = sim.data.path().to_path_buf();
    let (copy_path, _) = two_files(&dir);
    sim.app = app_on(&dir);
    let owner = row_of(
        &sim.app,
        &dir.join("assessments").join(format!("{INSPECTION}.json")),
    );
    let copy = row_of(&sim.app, &copy_path);

    // On the assessment's own row there is nothing to merge: the key is not offered.
    sim.app.start_cursor = owner;
    assert!(
        !sim.app
            .bindings(Mode::Start)
            .any(|b| b.action == zwgk::action::Action::BeginMergeDuplicate)
    );
    sim.press(ch('m'));
    assert!(sim.app.confirm.is_none());
    assert_eq!(
        sim.app.message.as_deref(),
        Some("选中的不是同一份检查的另一个文件,无须合并")
    );

    // On the copy's row: offered (footer and help come from the same bindings), and the row
    // says what it is.
    sim.app.start_cursor = copy;
    assert!(
        sim.app
            .bindings(Mode::Start)
            .any(|b| b.action == zwgk::action::Action::BeginMergeDuplicate && b.hint_zh == "m合并")
    );
    let screen = render(&sim.app, 120, 24);
    assert!(
        screen.contains("county-copy.json:胡集镇人民政府 · 2026年回头看 的另一个文件"),
        "{screen}"
    );
    assert!(screen.contains("m合并"), "the footer offers it: {screen}");

    // Enter asks the same question as m; n keeps everything as it is.
    sim.press(enter());
    let question = sim.app.confirm.as_ref().unwrap().question.clone();
    assert_eq!(
        question,
        format!(
            "把 county-copy.json 合并进 {INSPECTION}.json(胡集镇人民政府 · 2026年回头看)?两个文件的记录全部保留,county-copy.json 随后移到 archive 文件夹"
        )
    );
    let before = snapshot(&dir);
    sim.press(ch('n'));
    assert!(sim.app.confirm.is_none());
    assert!(changed(&before, &snapshot(&dir)).is_empty());

    sim.press(ch('m'));
    assert_eq!(sim.app.confirm.as_ref().unwrap().question, question);
    let fx = sim.press(ch('y'));
    assert!(
        fx.contains(&zwgk::action::Effect::MergeDuplicate(
            copy_path.display().to_string()
        )),
        "{fx:?}"
    );
    let msg = sim.app.message.clone().unwrap();
    assert!(
        msg.starts_with(&format!(
            "已合并进 {INSPECTION}.json:county-copy.json: 新增 3 条"
        )),
        "{msg}"
    );
    assert!(
        msg.contains("检查结果 2") && msg.contains("整改任务 1"),
        "{msg}"
    );
    // Where it went, relative to the data dir: the status line is one line.
    assert!(
        msg.ends_with(&format!(
            "已移到 {}",
            Path::new("archive").join("county-copy.json").display()
        )),
        "{msg}"
    );
    assert!(dir.join("archive/county-copy.json").exists());
    // One row left, showing the merged assessment; the copy is in the archive.
    assert_eq!(sim.app.listing.len(), 1);
    assert!(sim.app.duplicates.is_empty());
    let Ok(a) = &sim.app.listing[0].assessment else {
        panic!()
    };
    assert_eq!(a.result(EDU, "02").unwrap().note, "未公开招生计划");
    assert_eq!(a.task(EDU, "02").unwrap().description, "招生计划未公开");
    assert_eq!(a.result(EDU, "01").unwrap().note, "本机第二次");
    assert!(!copy_path.exists());
    assert!(dir.join("archive/county-copy.json").exists());
    // And it opens.
    sim.press(enter());
    assert!(matches!(
        sim.app.screen,
        Screen::Domains(_) | Screen::Walk(_)
    ));
}

#[test]
fn a_read_only_app_does_not_merge_a_second_file() {
    let mut sim = Sim::new(common::app());
    let dir = sim.data.path().to_path_buf();
    let (copy_path, _) = two_files(&dir);
    sim.app = app_on(&dir);
    sim.app.read_only = true;
    sim.app.start_cursor = row_of(&sim.app, &copy_path);
    let before = snapshot(&dir);
    for k in [ch('m'), enter()] {
        sim.press(k);
        assert!(sim.app.confirm.is_none());
        assert_eq!(
            sim.app.message.as_deref(),
            Some("只读打开,不能修改(按 w 可另存一份)")
        );
    }
    assert!(changed(&before, &snapshot(&dir)).is_empty());
}

#[test]
fn a_failed_merge_is_said_and_the_rows_stay() {
    let mut sim = Sim::new(common::app());
    let dir = sim.data.path().to_path_buf();
    let (copy_path, _) = two_files(&dir);
    sim.app = app_on(&dir);
    sim.app.start_cursor = row_of(&sim.app, &copy_path);
    // The copy goes away between the listing and the answer.
    std::fs::remove_file(&copy_path).unwrap();
    sim.press(ch('m'));
    sim.press(ch('y'));
    let msg = sim.app.message.clone().unwrap();
    assert!(msg.starts_with("没有合并:"), "{msg}");
    assert!(
        msg.contains("county-copy.json") && msg.contains("找不到"),
        "{msg}"
    );
    assert_eq!(sim.app.listing.len(), 2);
}

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
// --read-only.
// ---------------------------------------------------------------------------------------------

/// A small official table for `zwgk checklist import` (two items of 社会救助).
const TABLE_CSV: &str = "序号,公开事项,,公开内容,公开依据,公开对象,,公开方式,,公开渠道和载体\n\
,一级事项,二级事项,,,全社会,特定群体,主动,依申请,\n\
1,社会救助,低保审批,申请条件,《社会救助暂行办法》,√,,√,,政府网站\n\
2,,特困供养,供养标准,《社会救助暂行办法》,,√,√,√,政府网站\n";

fn refused_read_only(command: &str) -> String {
    format!(
        "以只读方式(--read-only)运行时不写数据目录里的任何文件,不能执行 {command};什么也没有写入。去掉 --read-only 再试\n"
    )
}

/// Runs the read-only commands of a clerk looking at a data directory, and the refused ones,
/// checking each one's exit code and message; `elsewhere` takes the outputs.
fn read_only_commands(data: &Path, elsewhere: &Path) {
    let handed = elsewhere.join("handed.json");
    save_copy(&inspection(), &handed).unwrap();
    let table = elsewhere.join("table.csv");
    std::fs::write(&table, TABLE_CSV).unwrap();
    let ro = |args: &[&std::ffi::OsStr]| {
        let mut all = vec![os("--read-only"), os("--data-dir"), data.as_os_str()];
        all.extend_from_slice(args);
        zwgk(&all)
    };
    let ok = |args: &[&std::ffi::OsStr]| {
        let out = ro(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let refused = |args: &[&std::ffi::OsStr], expected: &str| {
        let out = ro(args);
        assert_eq!(String::from_utf8_lossy(&out.stderr), expected, "{args:?}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    };

    // Reading: the list, a report on standard output and into a file elsewhere, a bundle
    // written elsewhere.
    assert!(ok(&[os("list")]).contains("胡集镇人民政府"));
    assert!(
        ok(&[
            os("report"),
            os(SELF_CHECK),
            os("-o"),
            os("-"),
            os("--format"),
            os("csv")
        ])
        .contains("已落实")
    );
    let report = elsewhere.join("自查表.csv");
    ok(&[os("report"), os(SELF_CHECK), os("-o"), report.as_os_str()]);
    assert!(std::fs::read(&report).unwrap().len() > 100);
    let bundles = elsewhere.join("bundles");
    std::fs::create_dir(&bundles).unwrap();
    assert!(ok(&[os("export"), os("-o"), bundles.as_os_str()]).contains(".zwgk"));
    assert_eq!(std::fs::read_dir(&bundles).unwrap().count(), 1);

    // Writing into the data directory: refused whole, exit 2, said in Chinese.
    refused(
        &[os("import"), handed.as_os_str()],
        &refused_read_only("zwgk import"),
    );
    refused(
        &[
            os("checklist"),
            os("import"),
            table.as_os_str(),
            os("--id"),
            os("social-aid"),
        ],
        &refused_read_only("zwgk checklist import"),
    );
    let catalogue = elsewhere.join("social-aid.json");
    refused(
        &[
            os("checklist"),
            os("import"),
            table.as_os_str(),
            os("-o"),
            catalogue.as_os_str(),
        ],
        &refused_read_only("zwgk checklist import"),
    );
    assert!(!catalogue.exists());
    refused(
        &[os("sync"), os("http://127.0.0.1:9/zwgk_370828")],
        &refused_read_only("zwgk sync"),
    );
    let inside = data.join("reports").join("台账.xlsx");
    refused(
        &[os("report"), os(SELF_CHECK), os("-o"), inside.as_os_str()],
        &format!(
            "{}:在数据目录 {} 里;以只读方式(--read-only)运行时不往数据目录写任何文件,什么也没有写入;请写到别处\n",
            inside.display(),
            data.display()
        ),
    );
    let out = zwgk(&[
        os("--lang"),
        os("en"),
        os("--read-only"),
        os("--data-dir"),
        data.as_os_str(),
        os("import"),
        handed.as_os_str(),
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "--read-only writes nothing in the data directory, so zwgk import is refused; nothing was written. Run it without --read-only\n"
    );
    assert_eq!(out.status.code(), Some(2));
}

/// Issue 14, item 7: on a data directory no zwgk holds, `--read-only` used to take the lock
/// and save; now nothing in it changes: no lock file, no device file, no journal, no report,
/// every file's bytes and time as they were.
#[test]
fn read_only_writes_nothing_on_a_free_data_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    bare_data_dir(&data);
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let before = snapshot_times(&data);
    read_only_commands(&data, &elsewhere);
    let after = snapshot_times(&data);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "no file made or removed"
    );
    assert!(before == after, "nothing rewritten");
    assert!(!data.join("zwgk.lock").exists());
    assert!(!data.join("device.json").exists());

    // The same import without --read-only does write (the snapshot sees it).
    let handed = elsewhere.join("handed.json");
    let out = zwgk(&[
        os("--data-dir"),
        data.as_os_str(),
        os("import"),
        handed.as_os_str(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = snapshot_times(&data);
    assert!(written.contains_key(&data.join("zwgk.lock")));
    assert!(written.contains_key(&data.join("assessments").join(format!("{INSPECTION}.json"))));
}

/// `--read-only` on a read-only file system (a write-protected stick, a backup): the data
/// directory opens and reads; what would write is refused with the same message.
#[test]
fn read_only_works_on_a_read_only_file_system() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    bare_data_dir(&data);
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let Some(_mount) = ReadOnlyMount::new(&data) else {
        return;
    };
    // The mount holds: writing there fails.
    assert!(std::fs::write(data.join("probe"), b"x").is_err());
    let before = snapshot_times(&data);
    read_only_commands(&data, &elsewhere);
    assert!(before == snapshot_times(&data));
}

/// `zwgk checklist import` writes into the data directory's `checklists/` only under its lock:
/// while a zwgk holds the directory it is refused, said as every other writer says it; a
/// catalogue written elsewhere (`-o`) needs no lock.
#[test]
fn checklist_import_into_a_data_dir_held_by_the_app_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    closed_data_dir(&data);
    let table = tmp.path().join("table.csv");
    std::fs::write(&table, TABLE_CSV).unwrap();
    let import = |extra: &[&std::ffi::OsStr]| {
        let mut args = vec![
            os("--data-dir"),
            data.as_os_str(),
            os("checklist"),
            os("import"),
            table.as_os_str(),
            os("--id"),
            os("social-aid"),
            os("--name"),
            os("社会救助"),
        ];
        args.extend_from_slice(extra);
        zwgk(&args)
    };
    let target = data.join("checklists").join("social-aid.json");
    let held = open(&data);
    let before = snapshot(&data.join("checklists"));
    let out = import(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "{}:数据目录正被另一个 zwgk 使用(进程 {}",
            data.display(),
            std::process::id()
        )),
        "{err}"
    );
    // It says to close the app, not to look with --read-only, which this command refuses.
    assert!(
        !err.contains("--read-only") && err.contains("再来导入"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(!target.exists());
    assert!(changed(&before, &snapshot(&data.join("checklists"))).is_empty());
    // Elsewhere: written while the directory is held.
    let elsewhere = tmp.path().join("social-aid.json");
    let out = import(&[os("-o"), elsewhere.as_os_str()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(elsewhere.exists());
    // -o into the data directory is the data directory: refused.
    let out = import(&[os("-o"), target.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!target.exists());
    // Once the app is closed, the catalogue goes in.
    drop(held);
    let out = import(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(target.exists());
}

/// In an app opened read-only, `x` takes no report into the data directory's `reports/`: a bare
/// name keeps the prompt open with what to do; a full path elsewhere is written.
#[test]
fn a_read_only_app_exports_only_to_a_full_path_elsewhere() {
    let mut sim = Sim::new(common::app());
    let dir = sim.data.path().to_path_buf();
    two_files(&dir);
    sim.app = app_on(&dir);
    sim.app.read_only = true;
    sim.app.start_cursor = row_of(
        &sim.app,
        &dir.join("assessments").join(format!("{INSPECTION}.json")),
    );
    sim.press(enter());
    sim.press(ch('s'));
    assert!(
        matches!(sim.app.screen, Screen::Summary(_)),
        "{:?}",
        sim.app.screen
    );
    sim.press(ch('x'));
    assert!(sim.app.prompt.is_some());
    let fx = sim.press(enter());
    assert!(fx.is_empty(), "{fx:?}");
    assert!(sim.app.prompt.is_some(), "the prompt stays");
    assert_eq!(
        sim.app.message.as_deref(),
        Some(
            "只读打开:报告不写进数据目录;请输入完整路径,写到别处(例如 /media/u盘/台账.xlsx 或 D:\\台账.xlsx)"
        )
    );
    // A full path: the report is written there.
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("台账.xlsx").display().to_string();
    if let Some(p) = sim.app.prompt.as_mut() {
        p.input = zwgk::editor::TextInput::line(&path);
    }
    let fx = sim.press(enter());
    assert!(
        fx.iter()
            .any(|e| matches!(e, zwgk::action::Effect::Export(p, _) if *p == path)),
        "{fx:?}"
    );
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

// ---------------------------------------------------------------------------------------------
// Seeds of the fuzz target bundle_merge.
// ---------------------------------------------------------------------------------------------

/// Writes the seeds of `fuzz/fuzz_targets/bundle_merge.rs` into `fuzz/seeds/bundle_merge/`:
/// two handed-over files of one assessment (a JSON copy or a bundle) with `\n--other--\n`
/// between them, as the target splits its input. Run on purpose:
/// `cargo test --test hostile_handover -- --ignored write_bundle_merge_seeds`.
#[test]
#[ignore = "writes files into fuzz/seeds/"]
fn write_bundle_merge_seeds() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/bundle_merge");
    std::fs::create_dir_all(&out).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let file = |a: &zwgk::model::assessment::Assessment| {
        let p = tmp.path().join("copy.json");
        save_copy(a, &p).unwrap();
        std::fs::read(&p).unwrap()
    };
    let seed = |name: &str, left: &[u8], right: &[u8]| {
        std::fs::write(out.join(name), [left, b"\n--other--\n", right].concat()).unwrap();
    };

    // The county's inspection on this laptop, and its copy from another laptop (issue 14, 3).
    let first = inspection();
    let mut here = first.clone();
    here.record(
        result("01", Status::Compliant, "本机第二次"),
        county("county-pc"),
        NOW + 60_000,
    )
    .unwrap();
    let mut copy = first.clone();
    let other = county("county-laptop-2");
    copy.record(
        result("02", Status::Missing, "未公开招生计划"),
        other.clone(),
        NOW + 120_000,
    )
    .unwrap();
    copy.record(task("02", "招生计划未公开"), other.clone(), NOW + 240_000)
        .unwrap();
    seed("inspection-two-laptops.txt", &file(&here), &file(&copy));

    // The township's self-check changed on two computers: a conflict on 01.
    let me = township("张三");
    let base = self_check(&me);
    let mut a = base.clone();
    a.record(
        result("01", Status::Compliant, "已公开"),
        me.clone(),
        NOW + 1_000,
    )
    .unwrap();
    let mut b = base.clone();
    let mut colleague = township("李明");
    colleague.device = "township-laptop".into();
    b.record(
        result("01", Status::Partial, "栏目空白"),
        colleague.clone(),
        NOW + 2_000,
    )
    .unwrap();
    b.record(
        result("02", Status::NotApplicable, "不涉及"),
        colleague,
        NOW + 3_000,
    )
    .unwrap();
    seed("self-check-conflict.txt", &file(&a), &file(&b));

    // A clock in year 9999 (flagged, never adopted).
    let mut future = base.clone();
    future
        .record(result("03", Status::Compliant, ""), me.clone(), YEAR_9999)
        .unwrap();
    seed("clock-9999.txt", &file(&a), &file(&future));

    // The township writing the county's verdict (refused whole).
    let mut bad = inspection();
    bad.docs
        .record(
            result("04", Status::Compliant, "自己判的"),
            township("乡镇的人"),
            Default::default(),
        )
        .unwrap();
    seed("township-writes-verdict.txt", &file(&here), &file(&bad));

    // Two different assessments (refused).
    seed("different-assessments.txt", &file(&a), &file(&here));

    // A bundle of the self-check, and a copy with one more result; both ways round.
    let data = tmp.path().join("data");
    let usb = tmp.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let mut store = open(&data);
    store.save(&a).unwrap();
    let who = zwgk::sync::bundle::Who {
        user: "张三",
        role: zwgk::model::revision::Role::Township,
    };
    let library = zwgk::library::Library::builtin();
    let bundle =
        zwgk::sync::bundle::export(&store, &[&a], &usb, &library, who, NOW + 5_000, Lang::Zh)
            .unwrap();
    let bundle = std::fs::read(bundle).unwrap();
    seed("bundle-then-copy.txt", &bundle, &file(&b));
    seed("copy-then-bundle.txt", &file(&b), &bundle);
}
