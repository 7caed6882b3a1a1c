//! The data directory: one writer, read-only viewing, backups, crash leftovers, full disks.

use std::fs;
use std::path::Path;
use std::process::Command;

use zwgk::model::assessment::{
    Assessment, DomainChoice, Header, ItemResult, Kind, NewAssessment, Unit,
};
use zwgk::model::doc::{Body, DocKind};
use zwgk::model::revision::{Author, Role};
use zwgk::model::status::Status;
use zwgk::store::{Store, StoreError, load_assessment};

fn author() -> Author {
    Author {
        name: "张三".into(),
        device: "d1".into(),
        role: Role::Township,
    }
}

fn assessment(id: &str) -> Assessment {
    let unit = Unit {
        name: "胡集镇人民政府".into(),
        county: "金乡县".into(),
        ..Unit::default()
    };
    let header = Header {
        unit: unit.clone(),
        round: "2026年下半年自查".into(),
        assessor: "张三".into(),
        created: "2026-11-27T06:40:05.000Z".into(),
        reviews: None,
    };
    let domains = vec![DomainChoice {
        checklist: "employment".into(),
        version: "2026.11".into(),
        involved: true,
        reason: None,
        summary: String::new(),
    }];
    Assessment::create(
        NewAssessment {
            id: id.to_string(),
            kind: Kind::SelfCheck,
            partition: unit.partition(),
            header,
            domains,
            basis: None,
        },
        author(),
        1_795_761_605_000,
    )
    .unwrap()
}

fn record(a: &mut Assessment, item: &str, status: Status, note: &str) {
    let body = ItemResult {
        checklist: "employment".into(),
        item: item.into(),
        status,
        note: note.into(),
        ..ItemResult::default()
    };
    a.record(Body::Result(body), author(), 1_795_761_606_000)
        .unwrap();
}

#[test]
fn a_second_writer_is_told_who_holds_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let _first = Store::open(dir.path(), "2026-11-27T08:00:00Z").unwrap();
    let err = Store::open(dir.path(), "2026-11-27T08:01:00Z").unwrap_err();
    let StoreError::Locked {
        owner: Some(owner), ..
    } = &err
    else {
        panic!("expected Locked, got {err}")
    };
    assert_eq!(owner.pid, std::process::id());
    assert_eq!(owner.since, "2026-11-27T08:00:00Z");
    let text = err.to_string();
    assert!(
        text.contains(&format!("pid {}", std::process::id())),
        "{text}"
    );
    assert!(text.contains("2026-11-27T08:00:00Z"), "{text}");
    assert!(text.contains("--read-only"), "{text}");
}

#[test]
fn read_only_store_lists_but_never_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = Store::open(dir.path(), "t").unwrap();
    let mut a = assessment("0190a000-0000-7000-8000-000000000001");
    record(&mut a, "01", Status::Compliant, "");
    let path = writer.save(&a).unwrap();
    let before = fs::read(&path).unwrap();

    let mut reader = Store::open_read_only(dir.path()).unwrap();
    assert!(reader.is_read_only());
    let listed = reader.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1.as_ref().unwrap(), &a);
    record(&mut a, "02", Status::Missing, "");
    assert!(matches!(reader.save(&a), Err(StoreError::ReadOnly { .. })));
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn the_lock_of_a_killed_process_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .args(["save-loop", "--data-dir"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it holds the lock and has saved once.
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut out, &mut line).unwrap();
    assert!(line.starts_with("ack "), "{line}");
    assert!(matches!(
        Store::open(dir.path(), "t"),
        Err(StoreError::Locked { .. })
    ));
    child.kill().unwrap();
    child.wait().unwrap();
    // The owner file is left behind, but the OS lock is gone: the next start takes over.
    let mut store = Store::open(dir.path(), "t").unwrap();
    assert_eq!(store.list().unwrap().len(), 1);
}

#[test]
fn first_rewrite_keeps_a_backup_of_the_previous_file() {
    let dir = tempfile::tempdir().unwrap();
    let id = "0190a000-0000-7000-8000-000000000002";
    let mut a = assessment(id);
    record(&mut a, "01", Status::Compliant, "第一次");
    let path = {
        let mut s = Store::open(dir.path(), "t").unwrap();
        s.save(&a).unwrap()
    };
    let first = fs::read(&path).unwrap();
    let mut s = Store::open(dir.path(), "t").unwrap();
    record(&mut a, "01", Status::Partial, "第二次");
    s.save(&a).unwrap();
    record(&mut a, "02", Status::Missing, "第三次");
    s.save(&a).unwrap();
    let bak = dir
        .path()
        .join("assessments")
        .join(format!("{id}.json.bak"));
    // The backup holds the file as it was before this session first rewrote it.
    assert_eq!(fs::read(&bak).unwrap(), first);
    // The later changes wait in the journal until the store closes.
    assert_eq!(zwgk::store::load_own(&path).unwrap(), a);
    drop(s);
    assert_eq!(fs::read(&bak).unwrap(), first);
    assert_eq!(load_assessment(&path).unwrap(), a);
}

#[test]
fn stale_temp_files_are_removed_and_a_damaged_device_file_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("assessments")).unwrap();
    let stale = dir.path().join("assessments/.zwgk-abc123.tmp");
    fs::write(&stale, b"{\"half\":").unwrap();
    fs::write(dir.path().join("device.json"), b"\x00garbage").unwrap();
    let mut s = Store::open(dir.path(), "t").unwrap();
    assert!(!stale.exists());
    assert!(!s.device().id.is_empty());
    assert!(dir.path().join("device.json.damaged").exists());
    assert_eq!(s.list().unwrap().len(), 0);
}

/// Mounts a small tmpfs (root only); `None` with the reason when that is not possible here.
fn small_tmpfs(dir: &Path, size: &str) -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Err("tmpfs mounts are Linux-only".into());
    }
    let out = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run mount: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

struct Unmount<'a>(&'a Path);
impl Drop for Unmount<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_save_and_keeps_the_saved_file() {
    let dir = tempfile::tempdir().unwrap();
    if let Err(why) = small_tmpfs(dir.path(), "256k") {
        eprintln!("skipped: cannot mount a small tmpfs to fill ({why}); run as root on Linux");
        return;
    }
    let _guard = Unmount(dir.path());
    let mut s = Store::open(dir.path(), "t").unwrap();
    let mut a = assessment("0190a000-0000-7000-8000-000000000003");
    record(&mut a, "01", Status::Compliant, "已保存的内容");
    let path = s.save(&a).unwrap();
    let saved = fs::read(&path).unwrap();
    // A note far larger than the disk.
    record(&mut a, "02", Status::Missing, &"很长的备注".repeat(40_000));
    let err = s.save(&a).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()) || text.contains("assessments"),
        "{text}"
    );
    assert_eq!(
        fs::read(&path).unwrap(),
        saved,
        "the saved file must be untouched"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("assessments"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Saving the copy elsewhere works.
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("copy.json");
    zwgk::store::save_copy(&a, &copy).unwrap();
    assert_eq!(load_assessment(&copy).unwrap(), a);
}

#[test]
fn a_read_only_data_dir_fails_the_save_and_keeps_the_saved_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path(), "t").unwrap();
    let mut a = assessment("0190a000-0000-7000-8000-000000000004");
    record(&mut a, "01", Status::Compliant, "");
    let path = s.save(&a).unwrap();
    let saved = fs::read(&path).unwrap();
    // Make the assessments folder read-only with a read-only bind mount (root can write
    // through permission bits, but not through a read-only mount).
    let folder = dir.path().join("assessments");
    let bind = Command::new("mount")
        .arg("--bind")
        .arg(&folder)
        .arg(&folder)
        .output();
    match bind {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            eprintln!(
                "skipped: cannot bind-mount ({}); run as root on Linux",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return;
        }
        Err(e) => {
            eprintln!("skipped: cannot run mount ({e})");
            return;
        }
    }
    let _guard = Unmount(&folder);
    let ro = Command::new("mount")
        .args(["-o", "remount,bind,ro"])
        .arg(&folder)
        .status()
        .unwrap();
    assert!(ro.success());
    record(&mut a, "02", Status::Partial, "");
    let err = s.save(&a).unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err}");
    assert!(err.to_string().contains("assessments"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), saved);
    let saved = load_assessment(&path).unwrap();
    assert_eq!(saved.docs.of_kind(DocKind::Result).count(), 1);
}

/// Files of the data directory carry a checksum of their document lines: while it matches,
/// revision ids are trusted as written; a changed byte brings back the full check, and files
/// from elsewhere are always checked in full.
#[test]
fn own_files_are_trusted_only_while_their_checksum_matches() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let id = "0190f5a2-7c4e-7000-8000-00000000c0de";
    let mut a = assessment(id);
    record(&mut a, "01", Status::Compliant, "第一次");
    let path = Store::open(dir.path(), "t").unwrap().save(&a).unwrap();
    assert_eq!(zwgk::store::load_own(&path).unwrap(), a);
    assert_eq!(load_assessment(&path).unwrap(), a);

    // A note changed by hand: the checksum no longer matches, the revision id is checked.
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("第一次"));
    let edited = text.replace("第一次", "第二次");
    fs::write(&path, &edited).unwrap();
    for err in [
        zwgk::store::load_own(&path).unwrap_err(),
        load_assessment(&path).unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
        assert!(err.to_string().contains("revision"), "{err}");
    }

    // The same edit with its checksum recomputed reads as the data directory's own file,
    // but never as a file from elsewhere: importing it is refused.
    let nl = edited.find('\n').unwrap();
    let fresh = hex::encode(Sha256::digest(&edited.as_bytes()[nl + 1..]));
    let start = edited.find("\"checksum\":\"").unwrap() + "\"checksum\":\"".len();
    let sum = edited[start..start + 64].to_string();
    assert_ne!(sum, fresh);
    let resummed = edited.replacen(&sum, &fresh, 1);
    fs::write(&path, &resummed).unwrap();
    assert!(zwgk::store::load_own(&path).is_ok());
    assert!(load_assessment(&path).is_err());
    let other = tempfile::tempdir().unwrap();
    let mut there = Store::open(other.path(), "t").unwrap();
    assert!(there.import(&path, 1_795_761_605_000).is_err());
}

#[test]
fn archive_moves_the_file_and_its_backup_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), "2026-11-27T06:40:05Z").unwrap();
    let id = "0190f5a2-7c00-7000-8000-000000000001";
    let mut a = assessment(id);
    store.save(&a).unwrap();
    // A later session's first save keeps a .bak.
    drop(store);
    let mut store = Store::open(dir.path(), "2026-11-27T06:40:05Z").unwrap();
    record(&mut a, "01", Status::Compliant, "");
    store.save(&a).unwrap();
    let file = dir.path().join("assessments").join(format!("{id}.json"));
    assert!(
        file.exists()
            && dir
                .path()
                .join("assessments")
                .join(format!("{id}.json.bak"))
                .exists()
    );

    let to = store.archive(id).unwrap();
    assert_eq!(to, dir.path().join("archive").join(format!("{id}.json")));
    assert!(!file.exists(), "moved, not copied");
    assert_eq!(load_assessment(&to).unwrap(), a, "moved whole");
    assert!(
        dir.path()
            .join("archive")
            .join(format!("{id}.json.bak"))
            .exists()
    );
    assert!(store.list().unwrap().is_empty());

    // The same assessment archived again (a copy put back, say) gets a name of its own.
    store.save(&a).unwrap();
    let again = store.archive(id).unwrap();
    assert_eq!(
        again,
        dir.path().join("archive").join(format!("{id}-1.json"))
    );
    assert!(to.exists(), "the first archived copy is left alone");

    // An id that names no file is an error, not a silent success.
    assert!(matches!(store.archive(id), Err(StoreError::Io { .. })));
    // Read-only: nothing moves.
    let mut ro = Store::open_read_only(dir.path()).unwrap();
    assert!(matches!(ro.archive(id), Err(StoreError::ReadOnly { .. })));
}

#[test]
fn places_are_kept_in_the_data_dir_not_in_the_assessment() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "2026-11-27T06:40:05Z").unwrap();
    assert!(store.places().is_empty());
    let mut places = zwgk::store::places::Places::new();
    let place = places.entry("a1".into()).or_default();
    place.checklist = "employment".into();
    place.items.insert("employment".into(), "03".into());
    store.save_places(&places).unwrap();
    assert_eq!(store.places(), places);
    assert!(dir.path().join("places.json").exists());
    // A damaged file is no loss: no places.
    fs::write(dir.path().join("places.json"), b"{not json").unwrap();
    assert!(store.places().is_empty());
}

#[test]
fn store_errors_are_told_in_chinese_where_the_interface_is_chinese() {
    use zwgk::cli::Lang;
    let dir = tempfile::tempdir().unwrap();
    let _first = Store::open(dir.path(), "2026-11-27T08:00:00Z").unwrap();
    // A second zwgk on the same data dir: the binary says who holds it, in Chinese.
    let out = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "数据目录正被另一个 zwgk 使用(进程 {}",
            std::process::id()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("--read-only"), "{stderr}");
    assert!(!stderr.contains("in use"), "{stderr}");
    // With --lang en, English.
    let out = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .args(["--lang", "en", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("is in use by zwgk"));

    // A file that is not there: no "No such file or directory (os error 2)".
    let other = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .arg("--data-dir")
        .arg(other.path())
        .args(["import", "/nonexistent/自查.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/自查.json:找不到这个文件或文件夹"),
        "{stderr}"
    );
    assert!(!stderr.contains("os error"), "{stderr}");

    // Every kind of store error has a Chinese message that names the file.
    let p = Path::new("/data/assessments/x.json");
    let io = |kind| StoreError::Io {
        path: p.into(),
        source: std::io::Error::from(kind),
    };
    for (e, words) in [
        (io(std::io::ErrorKind::PermissionDenied), "没有权限"),
        (io(std::io::ErrorKind::StorageFull), "磁盘已满"),
        (
            StoreError::Invalid {
                path: p.into(),
                message: "the file is empty".into(),
            },
            "文件是空的",
        ),
        (
            StoreError::Syntax {
                path: p.into(),
                line: 3,
                column: 7,
                message: "expected value".into(),
            },
            "第 3 行第 7 列:这里应是一个值",
        ),
        (
            StoreError::TooNew {
                path: p.into(),
                found: 9,
            },
            "请更新 zwgk",
        ),
        (StoreError::ReadOnly { path: p.into() }, "只读"),
    ] {
        let zh = e.message(Lang::Zh);
        assert!(zh.starts_with("/data/assessments/x.json"), "{zh}");
        assert!(zh.contains(words), "{zh}");
        assert_eq!(e.message(Lang::En), e.to_string());
    }
}

#[test]
fn zwgk_list_shows_each_assessment_as_a_table_or_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), "2026-11-27T06:40:05Z").unwrap();
    let id = "0190f5a2-7c00-7000-8000-000000000001";
    let mut a = assessment(id);
    record(&mut a, "01", Status::Compliant, "");
    record(&mut a, "02", Status::Missing, "");
    store.save(&a).unwrap();
    drop(store);
    fs::write(
        dir.path().join("assessments").join("broken.json"),
        b"{\"format\": \"zwgk-assessment\"",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_zwgk"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let total = zwgk::library::Library::builtin()
        .get("employment")
        .unwrap()
        .catalogue
        .items
        .len();
    let text = run(&["list"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("编号"), "{text}");
    for col in ["单位", "类型", "轮次", "进度", "最后修改"] {
        assert!(lines[0].contains(col), "{text}");
    }
    let row = lines.iter().find(|l| l.starts_with(id)).unwrap();
    for cell in [
        "胡集镇人民政府",
        "自查",
        "2026年下半年自查",
        &format!("2/{total}"),
        "2026-11-27 14:40",
    ] {
        assert!(row.contains(cell), "{cell} missing: {row}");
    }
    let broken = lines.iter().find(|l| l.starts_with("broken")).unwrap();
    assert!(broken.contains("无法打开"), "{broken}");
    // The row stays narrow; why it cannot be opened follows the table, naming the file.
    assert!(zwgk::text::width(broken) < 80, "{broken}");
    let why = lines
        .iter()
        .rev()
        .find(|l| l.contains("broken.json"))
        .unwrap();
    assert!(!lines[..=lines.iter().position(|l| l.starts_with("broken")).unwrap()].contains(why));
    assert!(!text.contains("EOF"), "{text}");

    let json: serde_json::Value =
        serde_json::from_str(&run(&["list", "--format", "json"])).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let r = rows.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(r["unit"], "胡集镇人民政府");
    assert_eq!(r["kind"], "self_check");
    assert_eq!(r["round"], "2026年下半年自查");
    assert_eq!(r["checked"], 2);
    assert_eq!(r["total"], total);
    assert_eq!(r["last_change"], zwgk::clock::rfc3339(a.clock.millis));
    let b = rows.iter().find(|r| r["id"] == "broken").unwrap();
    assert!(b["error"].as_str().unwrap().contains("broken.json"), "{b}");
    // Read without taking the lock; English with --lang en.
    assert!(!dir.path().join("zwgk.owner").exists());
    assert!(run(&["--lang", "en", "list"]).starts_with("id"));
}
