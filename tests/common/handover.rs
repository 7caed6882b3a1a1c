//! Builders for the tests of handed-over files and read-only data directories
//! (`tests/hostile_handover.rs`): a county inspection and a township self-check, two files of
//! one assessment, whole-directory snapshots, the binary run with a guard against hanging, a
//! read-only bind mount.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use zwgk::cli::Lang;
use zwgk::library::Library;
use zwgk::model::assessment::{
    Assessment, DomainChoice, Header, ItemResult, Kind, NewAssessment, Unit,
};
use zwgk::model::doc::{Body, ReviewBasis};
use zwgk::model::rectification::TaskSpec;
use zwgk::model::revision::{Author, Role};
use zwgk::model::status::Status;
use zwgk::state::App;
use zwgk::store::{Store, StoreError, load_own, save_copy};

/// 2026-11-27T06:40:05Z.
pub const NOW: u64 = super::NOW;
/// 9999-12-31T15:59:59Z: still year 9999 in China.
pub const YEAR_9999: u64 = 253_402_271_999_000;
pub const DAY: u64 = 86_400_000;
pub const EDU: &str = "compulsory-education";
pub const INSPECTION: &str = "0190f5a2-7c00-7000-8000-00000000a001";
pub const SELF_CHECK: &str = "0190f5a2-7c00-7000-8000-00000000b001";

pub fn county(device: &str) -> Author {
    Author {
        name: "李四".into(),
        device: device.into(),
        role: Role::County,
    }
}

pub fn township(name: &str) -> Author {
    Author {
        name: name.into(),
        device: "township-pc".into(),
        role: Role::Township,
    }
}

pub fn unit() -> Unit {
    Unit {
        name: "胡集镇人民政府".into(),
        division_code: Some("370828102".into()),
        county: "金乡县".into(),
        city: None,
    }
}

pub fn domains() -> Vec<DomainChoice> {
    vec![DomainChoice {
        checklist: EDU.into(),
        version: "2026.11".into(),
        involved: true,
        reason: None,
        summary: String::new(),
    }]
}

/// The county's look-back inspection of the township, made at `NOW`.
pub fn inspection() -> Assessment {
    Assessment::create(
        NewAssessment {
            id: INSPECTION.into(),
            kind: Kind::Inspection,
            partition: unit().partition(),
            header: Header {
                unit: unit(),
                round: "2026年回头看".into(),
                assessor: "李四".into(),
                created: "2026-11-27T06:40:05.000Z".into(),
                reviews: Some(SELF_CHECK.into()),
            },
            domains: domains(),
            basis: Some(ReviewBasis {
                self_check: SELF_CHECK.into(),
                results: BTreeMap::new(),
            }),
        },
        county("county-pc"),
        NOW,
    )
    .unwrap()
}

/// The township's self-check, made at `NOW` by `author`.
pub fn self_check(author: &Author) -> Assessment {
    Assessment::create(
        NewAssessment {
            id: SELF_CHECK.into(),
            kind: Kind::SelfCheck,
            partition: unit().partition(),
            header: Header {
                unit: unit(),
                round: "2026年下半年自查".into(),
                assessor: author.name.clone(),
                created: "2026-11-27T06:40:05.000Z".into(),
                reviews: None,
            },
            domains: domains(),
            basis: None,
        },
        author.clone(),
        NOW,
    )
    .unwrap()
}

pub fn result(item: &str, status: Status, note: &str) -> Body {
    Body::Result(ItemResult {
        checklist: EDU.into(),
        item: item.into(),
        status,
        note: note.into(),
        ..ItemResult::default()
    })
}

pub fn task(item: &str, description: &str) -> Body {
    Body::Task(TaskSpec {
        checklist: EDU.into(),
        item: item.into(),
        description: description.into(),
        requirement: "七日内补充公开".into(),
        responsible_person: "王五".into(),
        deadline: "2026-12-15".into(),
        ..TaskSpec::default()
    })
}

/// Every file and folder under `dir` (a folder with `None`), lock files included: "nothing
/// written" means nothing, not even `zwgk.lock`.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.insert(p.clone(), None);
                stack.push(p);
            } else {
                out.insert(p.clone(), Some(std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

/// The paths that differ between two snapshots.
pub fn changed(
    before: &BTreeMap<PathBuf, Option<Vec<u8>>>,
    after: &BTreeMap<PathBuf, Option<Vec<u8>>>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = after
        .iter()
        .filter(|(p, b)| before.get(*p) != Some(b))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    out
}

/// Runs the binary with `args`; a run that has not ended within 60 s is killed and fails the
/// test (a pipe that is waited on, a device read forever). Standard input is empty.
pub fn zwgk(args: &[&std::ffi::OsStr]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "zwgk {args:?} did not end: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `Store::open`, waiting a moment while the lock is held: a test in another thread that
/// starts the binary may hold this directory's lock file for an instant (a forked child has
/// the parent's open files until it runs zwgk), after the store that took it was dropped.
pub fn open(dir: &Path) -> Store {
    for _ in 0..100 {
        match Store::open(dir, "t") {
            Err(StoreError::Locked { .. }) => std::thread::sleep(Duration::from_millis(20)),
            other => return other.unwrap(),
        }
    }
    panic!("{} stays locked", dir.display())
}

pub fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// The data directory of the issue: the inspection's own file `<id>.json` (saved in two
/// sessions, so it has a `.bak`) and, dropped in by hand beside it, the county's copy with
/// more results and a task (and a `.bak` of its own). Returns the store's root, the copy's
/// path and the copy as written.
pub fn two_files(dir: &Path) -> (PathBuf, Assessment) {
    let first = inspection();
    {
        let mut s = open(dir);
        s.save(&first).unwrap();
    }
    {
        // A second session on this laptop: one more result, so the file has a .bak.
        let mut s = open(dir);
        s.list().unwrap();
        let mut a = load_own(&s.assessment_path(INSPECTION)).unwrap();
        a.record(
            result("01", Status::Compliant, "本机第二次"),
            county("county-pc"),
            NOW + 60_000,
        )
        .unwrap();
        s.save(&a).unwrap();
    }
    // The county's copy, made on another laptop from the first version: its results and
    // its task are what the issue saw lost.
    let mut copy = first.clone();
    let other = county("county-laptop-2");
    copy.record(
        result("02", Status::Missing, "未公开招生计划"),
        other.clone(),
        NOW + 120_000,
    )
    .unwrap();
    copy.record(
        result("03", Status::Partial, "内容不全"),
        other.clone(),
        NOW + 180_000,
    )
    .unwrap();
    copy.record(task("02", "招生计划未公开"), other, NOW + 240_000)
        .unwrap();
    let path = dir.join("assessments").join("county-copy.json");
    save_copy(&copy, &path).unwrap();
    std::fs::write(
        dir.join("assessments").join("county-copy.json.bak"),
        b"the copy's own backup",
    )
    .unwrap();
    (path, copy)
}

/// The app on the data directory of `two_files`, as `zwgk` starts it.
pub fn app_on(dir: &Path) -> App {
    let mut store = open(dir);
    let (listing, duplicates) = zwgk::app::listing(store.list().unwrap(), Lang::Zh);
    let mut app = App::new(Lang::Zh, Library::builtin(), "dev".into(), listing);
    app.duplicates = duplicates;
    app.role = Role::County;
    app
}

pub fn row_of(app: &App, path: &Path) -> usize {
    let path = path.display().to_string();
    app.listing.iter().position(|l| l.path == path).unwrap()
}

pub fn render(app: &App, w: u16, h: u16) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    term.draw(|f| zwgk::ui::view(app, f)).unwrap();
    // The whole screen as text, without the blanks that follow wide characters.
    let buf = term.backend().buffer();
    let w = usize::from(w);
    let mut out = String::new();
    for row in buf.content.chunks(w) {
        let mut x = 0;
        while x < w {
            out.push_str(row[x].symbol());
            x += unicode_width::UnicodeWidthStr::width(row[x].symbol()).max(1);
        }
        out.push('\n');
    }
    out
}

/// A data directory with one assessment, made and closed (no lock held).
pub fn closed_data_dir(dir: &Path) {
    let me = township("张三");
    let mut a = self_check(&me);
    a.record(result("01", Status::Compliant, ""), me, NOW)
        .unwrap();
    let mut s = open(dir);
    s.save(&a).unwrap();
}

/// A data directory as a backup or a stick carries it: the self-check's file with one result,
/// and nothing else (no lock file, no device file, no journal). Returns the file's path.
pub fn bare_data_dir(dir: &Path) -> PathBuf {
    let me = township("张三");
    let mut a = self_check(&me);
    a.record(result("01", Status::Compliant, "已公开"), me, NOW)
        .unwrap();
    let path = dir.join("assessments").join(format!("{SELF_CHECK}.json"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    save_copy(&a, &path).unwrap();
    path
}

/// Every file and folder under `dir` with its bytes (a folder: `None`) and its modification
/// time: a file rewritten with the same bytes, or one made and removed again in a folder,
/// shows as well.
pub fn snapshot_times(dir: &Path) -> BTreeMap<PathBuf, (Option<Vec<u8>>, std::time::SystemTime)> {
    let mut out: BTreeMap<PathBuf, (Option<Vec<u8>>, std::time::SystemTime)> = snapshot(dir)
        .into_iter()
        .map(|(p, bytes)| {
            let mtime = std::fs::symlink_metadata(&p).unwrap().modified().unwrap();
            (p, (bytes, mtime))
        })
        .collect();
    let mtime = std::fs::metadata(dir).unwrap().modified().unwrap();
    out.insert(dir.to_path_buf(), (None, mtime));
    out
}

/// Mounts `dir` on itself read-only (root on Linux); the guard unmounts it. Without root this
/// test cannot run: it says so, except under `CI`, where it fails.
pub struct ReadOnlyMount(PathBuf);

impl ReadOnlyMount {
    pub fn new(dir: &Path) -> Option<ReadOnlyMount> {
        let fail = |why: String| -> Option<ReadOnlyMount> {
            assert!(
                std::env::var_os("CI").is_none(),
                "cannot make a read-only mount ({why}); under CI this test must run: run it as root on Linux"
            );
            eprintln!("skipped: cannot make a read-only mount ({why}); run as root on Linux");
            None
        };
        if !cfg!(target_os = "linux") {
            return fail("bind mounts are Linux-only".into());
        }
        let bind = Command::new("mount")
            .arg("--bind")
            .arg(dir)
            .arg(dir)
            .output();
        match bind {
            Ok(out) if out.status.success() => {}
            Ok(out) => return fail(String::from_utf8_lossy(&out.stderr).trim().to_string()),
            Err(e) => return fail(e.to_string()),
        }
        let guard = ReadOnlyMount(dir.to_path_buf());
        let ro = Command::new("mount")
            .args(["-o", "remount,bind,ro"])
            .arg(dir)
            .status()
            .unwrap();
        assert!(ro.success());
        Some(guard)
    }
}

impl Drop for ReadOnlyMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}
