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
use zwgk::model::doc::{Body, ReviewBasis};
use zwgk::model::status::Status;

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
