//! Autosave through the journal: a change costs one line flushed to disk beside the file;
//! folds write the file whole; readers see every saved change at every step; a cut or
//! damaged line never costs a saved change and never stops the file from loading.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use zwgk::model::assessment::{Assessment, ItemResult};
use zwgk::model::doc::{Body, DocKey, DocKind};
use zwgk::model::revision::{Author, Role};
use zwgk::model::status::Status;
use zwgk::store::journal::{folding_path, journal_path};
use zwgk::store::{Store, load_assessment, load_own};
use zwgk::synthetic::{Spec, T0, library, township};

fn spec() -> Spec {
    Spec {
        domains: 2,
        items_per_domain: 20,
        inspect_every: 0,
        ..Spec::default()
    }
}

/// A data directory holding one generated self-check, listed by a store (so its changes
/// go to the journal from now on).
fn listed() -> (tempfile::TempDir, Store, Assessment, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let a = township(&spec(), 1, &library(&spec())).self_check;
    let path = {
        let mut s = Store::open(dir.path(), "t").unwrap();
        s.save(&a).unwrap()
    };
    let mut store = Store::open(dir.path(), "t").unwrap();
    let loaded = store.list().unwrap();
    assert_eq!(loaded.len(), 1);
    let a = loaded.into_iter().next().unwrap().1.unwrap();
    (dir, store, a, path)
}

fn clerk() -> Author {
    Author {
        name: "乡镇1录入员".into(),
        device: "dev-town-1".into(),
        role: Role::Township,
    }
}

/// Records a new answer on item `i` of the first catalogue, with `note`.
fn change(a: &mut Assessment, i: usize, note: &str, n: u64) {
    let key = a
        .docs
        .of_kind(DocKind::Result)
        .nth(i)
        .map(|(k, _)| k.clone())
        .unwrap();
    let mut body: ItemResult = a.docs.current(&key).unwrap().as_result().unwrap().clone();
    body.note = note.to_string();
    body.status = if n.is_multiple_of(2) {
        Status::Compliant
    } else {
        Status::Partial
    };
    a.record(Body::Result(body), clerk(), T0 + 10_000_000 + n * 1000)
        .unwrap();
}

fn note_of(a: &Assessment, i: usize) -> String {
    let key: DocKey = a
        .docs
        .of_kind(DocKind::Result)
        .nth(i)
        .map(|(k, _)| k.clone())
        .unwrap();
    a.docs
        .current(&key)
        .unwrap()
        .as_result()
        .unwrap()
        .note
        .clone()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir.join("assessments"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_change_is_one_line_of_the_journal_and_close_folds_it_into_the_file() {
    let (dir, mut store, mut a, path) = listed();
    let before = fs::read(&path).unwrap();
    change(&mut a, 3, "第一处更改", 1);
    store.save(&a).unwrap();
    change(&mut a, 4, "第二处更改", 2);
    store.save(&a).unwrap();
    // Saving again with nothing changed writes nothing.
    store.save(&a).unwrap();

    // The file is as it was; the journal holds two lines; a reader sees both changes.
    assert_eq!(fs::read(&path).unwrap(), before);
    let journal = fs::read_to_string(journal_path(&path)).unwrap();
    assert_eq!(journal.lines().count(), 2, "{journal}");
    let seen = load_own(&path).unwrap();
    assert_eq!(seen, a);
    assert_eq!(seen.docs.seq(), a.docs.seq());
    assert_eq!(seen.clock, a.clock);

    store.close().unwrap();
    assert!(!journal_path(&path).exists());
    assert!(!folding_path(&path).exists());
    // The folded file is plain JSON that any reader checks in full, and the previous content
    // is the backup.
    assert_eq!(load_assessment(&path).unwrap(), a);
    let mut bak = path.clone().into_os_string();
    bak.push(".bak");
    assert_eq!(fs::read(&bak).unwrap(), before);
    assert_eq!(
        names(dir.path()),
        vec![format!("{}.json", a.id), format!("{}.json.bak", a.id)]
    );
}

#[test]
fn folds_run_beside_the_changes_and_lose_none_of_them() {
    let (dir, mut store, mut a, path) = listed();
    store.set_fold_after(3);
    for n in 0..40u64 {
        change(&mut a, (n % 30) as usize, &format!("更改{n}"), n);
        store.save(&a).unwrap();
        // Readers in between (another process would do the same) see every change so far.
        if n % 7 == 0 {
            assert_eq!(load_own(&path).unwrap(), a, "after change {n}");
        }
    }
    // Folds happened on the way: the file itself has moved on from the first state.
    let folded = load_assessment(&path).unwrap();
    assert!(
        folded.docs.seq() > 3,
        "no fold ran: seq {}",
        folded.docs.seq()
    );
    drop(store); // dropping the store folds too
    assert_eq!(load_assessment(&path).unwrap(), a);
    assert!(names(dir.path()).iter().all(|n| !n.contains("journal")));
}

#[test]
fn a_line_cut_by_a_crash_is_left_out_and_the_next_run_starts_clean() {
    let (dir, mut store, mut a, path) = listed();
    change(&mut a, 1, "已保存", 1);
    store.save(&a).unwrap();
    let saved = a.clone();
    // A kill in the middle of the next line: half of it reached the disk.
    std::mem::forget(store); // no close: as if killed
    let line = fs::read(journal_path(&path)).unwrap();
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(journal_path(&path))
        .unwrap();
    f.write_all(&line[..line.len() / 2]).unwrap();
    drop(f);
    assert_eq!(load_own(&path).unwrap(), saved);

    // The next run (the lock of a process that is gone... here our own: take it over by
    // removing it, as a restart after a kill does) folds the journal at start.
    fs::remove_file(dir.path().join("zwgk.lock")).ok();
    let mut store = Store::open(dir.path(), "t").unwrap();
    let loaded = store.list().unwrap();
    assert_eq!(loaded[0].1.as_ref().unwrap(), &saved);
    assert!(!journal_path(&path).exists(), "folded at start");
    assert_eq!(load_assessment(&path).unwrap(), saved);
    assert!(names(dir.path()).iter().all(|n| !n.contains("damaged")));
    // And goes on journaling.
    let mut a = saved;
    change(&mut a, 2, "再次更改", 2);
    store.save(&a).unwrap();
    assert_eq!(load_own(&path).unwrap(), a);
}

#[test]
fn a_damaged_line_is_skipped_counted_and_kept_aside_when_folded() {
    let (dir, mut store, mut a, path) = listed();
    change(&mut a, 1, "第一行", 1);
    store.save(&a).unwrap();
    let first = a.clone();
    change(&mut a, 2, "第二行", 2);
    store.save(&a).unwrap();
    change(&mut a, 3, "第三行", 3);
    store.save(&a).unwrap();
    std::mem::forget(store);
    // A bit flipped inside the second line's JSON (a bad disk sector).
    let text = fs::read_to_string(journal_path(&path)).unwrap();
    let damaged = text.replacen("第二行", "第二杭", 1);
    assert_ne!(damaged, text);
    fs::write(journal_path(&path), &damaged).unwrap();

    // The first and third changes still load; the second is left out.
    let seen = load_own(&path).unwrap();
    assert_eq!(note_of(&seen, 1), "第一行");
    assert_eq!(note_of(&seen, 3), "第三行");
    assert_eq!(note_of(&seen, 2), note_of(&first, 2));

    // Folding keeps the damaged journal aside for a person to look at.
    fs::remove_file(dir.path().join("zwgk.lock")).ok();
    let mut store = Store::open(dir.path(), "t").unwrap();
    store.list().unwrap();
    let aside: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n.contains("damaged"))
        .collect();
    assert_eq!(aside.len(), 1, "{:?}", names(dir.path()));
    assert!(
        fs::read_to_string(dir.path().join("assessments").join(&aside[0]))
            .unwrap()
            .contains("第二杭")
    );
}

#[test]
fn a_journal_is_read_before_the_file_so_a_fold_in_between_loses_nothing() {
    // Folding by hand, step by step, with a reader at each step: rotate, fold, and a new
    // journal line meanwhile.
    let (_dir, mut store, mut a, path) = listed();
    for n in 0..5u64 {
        change(&mut a, n as usize, &format!("步骤{n}"), n);
        store.save(&a).unwrap();
    }
    std::mem::forget(store);
    zwgk::store::journal::rotate(&path).unwrap();
    assert!(folding_path(&path).exists() && !journal_path(&path).exists());
    assert_eq!(load_own(&path).unwrap(), a);
    zwgk::store::journal::fold(&path, false).unwrap();
    assert!(!folding_path(&path).exists());
    assert_eq!(load_own(&path).unwrap(), a);
    assert_eq!(load_assessment(&path).unwrap(), a);
}

#[test]
fn a_read_only_store_reads_the_journal_and_writes_nothing() {
    let (dir, mut store, mut a, _path) = listed();
    change(&mut a, 5, "只读也能看到", 1);
    store.save(&a).unwrap();
    let before = names(dir.path());
    let mut viewer = Store::open_read_only(dir.path()).unwrap();
    let seen = viewer.list().unwrap();
    assert_eq!(seen[0].1.as_ref().unwrap(), &a);
    drop(viewer);
    assert_eq!(names(dir.path()), before, "a viewer never folds");
    store.close().unwrap();
}

#[test]
fn a_large_own_file_reads_back_equal_on_two_threads_and_a_changed_one_is_checked_in_full() {
    // Over a megabyte: the document lines are read in two halves.
    let spec = Spec {
        domains: 12,
        items_per_domain: 50,
        revisions: 4,
        exact_revisions: true,
        inspect_every: 0,
        ..Spec::default()
    };
    let a = township(&spec, 3, &library(&spec)).self_check;
    let bytes = a.to_json_lines().unwrap();
    assert!(bytes.len() > 1 << 20, "{} bytes", bytes.len());
    let back = Assessment::from_own_file(&bytes).unwrap();
    assert_eq!(back, a);
    assert_eq!(back.docs.seq(), a.docs.seq());
    assert_eq!(back.clock, a.clock);

    // Pretty-printed (laid out otherwise) it still reads, through the whole-file reader.
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(&bytes).unwrap())
            .unwrap();
    assert_eq!(Assessment::from_own_file(&pretty).unwrap(), a);

    // A note changed in the last line: the checksum no longer holds, every id is checked and
    // the change is caught.
    let text = String::from_utf8(bytes).unwrap();
    let at = text.rfind("第").unwrap();
    let mut changed = text.clone();
    changed.replace_range(at..at + "第".len(), "弟");
    assert!(Assessment::from_own_file(changed.as_bytes()).is_err());
}
