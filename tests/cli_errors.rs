//! How the binary ends when things go wrong around it: an OS error is printed once, and a
//! reader that goes away (`zwgk … | head -1`) ends zwgk quietly with success.

use std::io::Read as _;
use std::process::{Command, Stdio};

use serde_json::json;

#[test]
fn an_os_error_is_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    // The data dir would be inside a regular file: creating it fails with an OS error.
    let data = file.join("data");
    for lang in ["zh", "en"] {
        let out = Command::new(env!("CARGO_BIN_EXE_zwgk"))
            .args(["--lang", lang, "--data-dir"])
            .arg(&data)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!("zwgk: {}", data.display())),
            "{err}"
        );
        if cfg!(target_os = "linux") {
            let why = if lang == "zh" {
                "路径中有一段不是文件夹"
            } else {
                "Not a directory"
            };
            assert!(err.contains(why), "{err}");
            assert!(err.matches(why).count() == 1, "{err}");
        }
    }
}

#[test]
fn a_reader_that_goes_away_ends_zwgk_quietly_with_success() {
    // A catalogue whose listing is far larger than a pipe holds, so zwgk is still writing
    // when the reader has gone.
    let dir = tempfile::tempdir().unwrap();
    let items: Vec<_> = (0..3000)
        .map(|i| json!({"id": format!("{i:04}"), "level1": "一级事项", "level2": format!("二级事项{i}"), "content": "公开内容".repeat(10)}))
        .collect();
    let catalogue = json!({"format": "zwgk-checklist", "format_version": 1, "id": "long", "name": "很长", "group": "local", "version": "1", "items": items});
    std::fs::write(
        dir.path().join("long.json"),
        serde_json::to_vec(&catalogue).unwrap(),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--checklists")
        .arg(dir.path())
        .args(["checklist", "show", "long"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line's worth, like `head -1`, then hang up.
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(err, "");
    assert_eq!(status.code(), Some(0));
}

/// Every command that prints ends quietly with success when its reader has gone before it
/// writes (`zwgk list | head -0`, a closed pager): no "Broken pipe (os error 32)".
#[test]
fn every_printing_command_ends_quietly_when_its_reader_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let made = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .arg("--data-dir")
        .arg(&data)
        .args(["save-loop", "--changes", "3"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let file = std::fs::read_dir(data.join("assessments"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    let id = file.file_stem().unwrap().to_string_lossy().into_owned();
    let commands: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "--format", "json"],
        vec!["checklist", "list"],
        vec!["checklist", "show", "employment"],
        vec!["schema", "assessment"],
        vec!["report", &id, "-o", "-", "--format", "md"],
        vec!["report", &id, "-o", "-", "--format", "csv"],
        vec!["report", &id, "-o", "-", "--format", "html"],
        vec!["report", &id, "-o", "-", "--format", "xlsx"],
        vec!["summary"],
        vec!["summary", "--format", "json"],
        vec!["--help"],
    ];
    for args in commands {
        for lang in ["zh", "en"] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_zwgk"))
                .args(["--lang", lang, "--data-dir"])
                .arg(&data)
                .args(&args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            // The reader goes away before zwgk has written anything.
            drop(child.stdout.take());
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            let status = child.wait().unwrap();
            assert_eq!(err, "", "{args:?} {lang}");
            assert_eq!(status.code(), Some(0), "{args:?} {lang}");
        }
    }
}
