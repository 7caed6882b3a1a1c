//! The overview's fast reader (`overview::fast`) gives what loading the assessment gives:
//! the same [`Current`] and the same [`Digest`] for every file a data directory holds —
//! synthetic townships of several seeds (histories, conflicts, settled conflicts, deleted
//! documents, tasks and responses), and the fixtures — and it leaves to the full way what it
//! cannot read exactly so (journals, older formats, files changed elsewhere).

use std::path::{Path, PathBuf};

use zwgk::cli::Lang;
use zwgk::library::Library;
use zwgk::model::assessment::{Assessment, Kind};
use zwgk::model::doc::{Body, DocKey, DocKind, DocSet};
use zwgk::model::revision::{Author, Hlc, Role};
use zwgk::overview::{self, Current, Digest, Overview, fast};
use zwgk::store::{self, Store};
use zwgk::synthetic::{self, Spec};

/// After most deadlines of the synthetic tasks: some open tasks are overdue, some not.
const TODAY: &str = "2026-12-20";
const OPENED: &str = "2026-11-27T06:40:05Z";
/// Later than anything the generator makes.
const LATER: u64 = synthetic::T0 + 86_400_000;

fn spec(seed: u64) -> Spec {
    Spec {
        domains: 3,
        items_per_domain: 40,
        revisions: 4,
        conflicts_per_mille: 150,
        tasks_per_mille: 50,
        inspect_every: 1,
        seed,
        ..Spec::default()
    }
}

fn clerk(role: Role) -> Author {
    Author {
        name: "测试员".into(),
        device: "dev-test".into(),
        role,
    }
}

/// Replaces one document of `a` by what `change` makes of a copy (merged back: the union).
fn change_doc(
    a: &mut Assessment,
    key: &DocKey,
    change: impl FnOnce(&mut zwgk::model::revision::Document<zwgk::model::doc::Body>),
) {
    let mut d = a.docs.get(key).expect("the document").clone();
    change(&mut d);
    let mut copy = a.empty_like();
    copy.docs = DocSet::from_documents(&a.partition, a.kind, &a.id, [(d, 0)]).expect("one doc");
    a.merge(&copy, LATER).expect("merges");
}

/// Deletes some documents, settles some conflicts, each way the winner rule can go, and
/// marks a domain 不涉及 (its items then count nowhere).
fn shake(a: &mut Assessment, t: &mut u64) {
    let role = match a.kind {
        Kind::SelfCheck => Role::Township,
        Kind::Inspection => Role::County,
    };
    let mut choice = a
        .domains()
        .find(|d| d.checklist == "gen-01")
        .expect("the synthetic domain gen-01")
        .clone();
    choice.involved = false;
    choice.reason = Some("本乡镇无此职能".into());
    *t += 1000;
    a.record(Body::Domain(choice), clerk(role), *t)
        .expect("marked 不涉及");
    let keys: Vec<DocKey> = a
        .docs
        .iter()
        .filter(|(k, _)| matches!(k.kind, DocKind::Result | DocKind::Task | DocKind::Response))
        .map(|(k, _)| k.clone())
        .collect();
    for (i, key) in keys.iter().enumerate() {
        // A self-check and the responses to tasks are the township's, the rest the county's.
        let role = match (a.kind, key.kind) {
            (Kind::SelfCheck, _) | (_, DocKind::Response) => Role::Township,
            _ => Role::County,
        };
        let conflicted = a.docs.get(key).is_some_and(|d| d.has_conflicts());
        *t += 1000;
        let hlc = Hlc::new(*t, 0);
        if conflicted && i % 2 == 0 {
            // Settled for the losing leaf: the greatest leaf is now a tombstone and a lower
            // live leaf wins.
            let (keep, body) = {
                let d = a.docs.get(key).expect("the document");
                let loser = d.conflicts()[0];
                (loser.rev.clone(), loser.body.clone())
            };
            a.resolve(key, &keep, body, clerk(role), *t)
                .expect("settles");
        } else if i % 17 == 3 {
            // Deleted on every branch: no current value.
            change_doc(a, key, |d| {
                d.delete(clerk(role), hlc).expect("deletes");
            });
        }
    }
}

/// One seed's townships, saved into a data directory as zwgk writes them.
fn data_dir(seed: u64, townships: usize) -> (tempfile::TempDir, Library, Vec<PathBuf>) {
    let spec = spec(seed);
    let lib = synthetic::library(&spec);
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut store = Store::open(dir.path(), OPENED).expect("a store");
    let mut paths = Vec::new();
    let mut t = LATER;
    for n in 0..townships {
        let town = synthetic::township(&spec, n, &lib);
        let mut sc = town.self_check;
        shake(&mut sc, &mut t);
        paths.push(store.save(&sc).expect("saved"));
        if let Some(mut insp) = town.inspection {
            shake(&mut insp, &mut t);
            paths.push(store.save(&insp).expect("saved"));
        }
    }
    store.close().expect("closed");
    (dir, lib, paths)
}

/// The full way: load the assessment (journals included), then reduce it.
fn full(path: &Path) -> Current {
    Current::of(&store::load_own(path).expect("loads"))
}

#[test]
fn the_fast_reader_gives_what_loading_gives_over_synthetic_townships() {
    let builtin = Library::builtin();
    let (mut conflicts, mut deleted, mut tasks, mut responses, mut overdue) = (0, 0, 0, 0, 0);
    let (mut not_involved, mut many_revisions) = (0, 0);
    for seed in [1, 2, 3, 42] {
        let (_dir, lib, paths) = data_dir(seed, 4);
        assert!(paths.len() >= 8, "{paths:?}");
        for path in &paths {
            let fast = fast::read(path)
                .unwrap_or_else(|| panic!("the fast reader takes {}", path.display()));
            let full = full(path);
            assert_eq!(fast, full, "{}", path.display());
            // The same digest, with the catalogues and without them (items by result).
            for l in [&lib, &builtin] {
                assert_eq!(
                    Digest::from_current(fast.clone(), l, TODAY),
                    Digest::of(&store::load_own(path).expect("loads"), l, TODAY),
                    "{}",
                    path.display()
                );
            }
            let a = store::load_own(path).expect("loads");
            conflicts += fast.conflicted.len();
            deleted += a
                .docs
                .iter()
                .filter(|(_, d)| d.winner().is_some_and(|w| w.deleted))
                .count();
            not_involved += fast.domains.values().filter(|d| !d.involved).count();
            many_revisions += a.docs.iter().filter(|(_, d)| d.len() >= 3).count();
            tasks += fast.tasks.len();
            responses += fast.responses.len();
            overdue += Digest::from_current(fast, &lib, TODAY)
                .tasks
                .values()
                .map(|(_, o)| o)
                .sum::<usize>();
        }
    }
    // The data holds what the comparison is about.
    assert!(conflicts > 10, "{conflicts} conflicts");
    assert!(deleted > 10, "{deleted} deleted documents");
    assert!(
        tasks > 5 && responses > 2,
        "{tasks} tasks, {responses} responses"
    );
    assert!(overdue > 0, "no overdue task");
    assert!(not_involved >= 8, "{not_involved} domains 不涉及");
    assert!(
        many_revisions > 10,
        "{many_revisions} documents with 3 or more revisions"
    );
}

#[test]
fn a_settled_conflict_whose_greatest_leaf_is_a_tombstone_has_the_live_leaf_win() {
    let (_dir, _lib, paths) = data_dir(7, 3);
    let mut seen = 0;
    for path in &paths {
        let a = store::load_own(path).expect("loads");
        let fast = fast::read(path).expect("the fast reader takes it");
        for (k, d) in a.docs.iter() {
            let leaves = d.leaves();
            let greatest = leaves.last().expect("a leaf");
            if greatest.deleted && d.winner().is_some_and(|w| !w.deleted) {
                seen += 1;
                if k.kind == DocKind::Result {
                    let status = d.current().and_then(|b| b.as_result()).map(|r| r.status);
                    assert_eq!(fast.results.get(&k.key).copied(), status, "{k}");
                }
            }
        }
    }
    assert!(seen > 0, "no document of that shape in the data");
}

#[test]
fn the_overview_of_a_data_dir_is_the_one_of_the_loaded_assessments() {
    let (dir, lib, paths) = data_dir(5, 6);
    let (read, problems) = overview::read(&[dir.path().to_path_buf()], &lib, TODAY, Lang::Zh);
    assert!(problems.is_empty(), "{problems:?}");
    let mut loaded = Overview::default();
    let mut digests: Vec<Digest> = paths
        .iter()
        .map(|p| Digest::of(&store::load_own(p).expect("loads"), &lib, TODAY))
        .collect();
    digests.sort_by(|a, b| a.id.cmp(&b.id));
    for d in digests {
        loaded.add(d);
    }
    assert_eq!(read.len(), paths.len());
    assert_eq!(
        read.read_fast(),
        paths.len(),
        "every file of the data dir read the fast way"
    );
    assert_eq!(read.rows(&lib), loaded.rows(&lib));
    // A 不涉及 domain is no row of its township.
    let rows = read.rows(&lib);
    assert!(
        rows.iter()
            .all(|r| r.domains.iter().all(|d| d.checklist != "gen-01"))
    );
    assert!(
        rows.iter().all(|r| r.domains.len() == 2),
        "{:?}",
        rows[0].domains
    );
}

#[test]
fn changes_waiting_in_a_journal_are_read_the_full_way() {
    let spec = spec(11);
    let lib = synthetic::library(&spec);
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut store = Store::open(dir.path(), OPENED).expect("a store");
    let mut sc = synthetic::township(&spec, 0, &lib).self_check;
    let path = store.save(&sc).expect("saved");
    let before = fast::read(&path).expect("the fast reader takes it");
    // The next save of a file this store wrote goes to its journal.
    let key = DocKey::item(DocKind::Result, "gen-00", "000");
    let mut r = sc
        .docs
        .current(&key)
        .and_then(|b| b.as_result())
        .expect("a result")
        .clone();
    r.status = if r.status == zwgk::model::status::Status::Missing {
        zwgk::model::status::Status::Compliant
    } else {
        zwgk::model::status::Status::Missing
    };
    sc.record(
        zwgk::model::doc::Body::Result(r.clone()),
        clerk(Role::Township),
        LATER,
    )
    .expect("recorded");
    store.save(&sc).expect("saved");
    assert!(
        store::journal::pending(&path),
        "the change waits in the journal"
    );
    assert!(
        fast::read(&path).is_none(),
        "a journal is left to the full way"
    );
    let read = overview::read_own(&path).expect("reads");
    assert_eq!(read, full(&path));
    assert_eq!(read.results.get(&key.key), Some(&r.status));
    assert_ne!(read, before);
    // Folded: the fast reader takes the file again, with the change.
    store.close().expect("closed");
    assert_eq!(fast::read(&path).as_ref(), Some(&read));
}

#[test]
fn a_file_changed_elsewhere_is_read_the_full_way_and_refused_alike() {
    let (_dir, _lib, paths) = data_dir(13, 1);
    let path = &paths[0];
    let bytes = std::fs::read(path).expect("reads");
    // Another status in one revision: the checksum no longer holds, nor the revision id.
    let text = String::from_utf8(bytes).expect("UTF-8");
    let changed = text.replacen("\"status\":\"partial\"", "\"status\":\"compliant\"", 1);
    assert_ne!(changed, text);
    std::fs::write(path, &changed).expect("writes");
    assert!(fast::read(path).is_none());
    let full = store::load_own(path).map(|a| Current::of(&a));
    let mine = overview::read_own(path);
    assert!(full.is_err(), "a changed revision is refused");
    assert_eq!(
        mine.map_err(|e| e.to_string()),
        full.map_err(|e| e.to_string())
    );
    // Without its checksum the file is read the full way, every revision id verified.
    let unsummed = text.replacen("\"checksum\":", "\"_checksum\":", 1);
    std::fs::write(path, &unsummed).expect("writes");
    assert!(fast::read(path).is_none());
    assert_eq!(
        overview::read_own(path).map_err(|e| e.to_string()),
        store::load_own(path)
            .map(|a| Current::of(&a))
            .map_err(|e| e.to_string())
    );
}

#[test]
fn the_fixtures_read_alike_as_they_are_and_as_zwgk_writes_them() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1");
    let lib = Library::builtin();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("the fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    for f in &files {
        // As they are (version 1): the full way, with its conversion.
        assert!(fast::read(f).is_none(), "{}", f.display());
        assert_eq!(
            overview::read_own(f).map_err(|e| e.to_string()),
            store::load_own(f)
                .map(|a| Current::of(&a))
                .map_err(|e| e.to_string()),
            "{}",
            f.display()
        );
        // As zwgk writes them into its data dir (one each: some share an id): the fast
        // way, the same value.
        let a = store::load_assessment(f).expect("a fixture loads");
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut store = Store::open(dir.path(), OPENED).expect("a store");
        let path = store.save(&a).expect("saved");
        let fast = fast::read(&path).unwrap_or_else(|| panic!("fast: {}", f.display()));
        assert_eq!(fast, full(&path), "{}", f.display());
        assert_eq!(
            Digest::from_current(fast, &lib, TODAY),
            Digest::of(&a, &lib, TODAY),
            "{}",
            f.display()
        );
    }
}

/// `text` with its checksum made to hold again over what follows its first line, as if this
/// zwgk had written it.
fn resum(text: &str) -> String {
    use sha2::Digest as _;
    let (head, docs) = text.split_once('\n').expect("a head line");
    let sum = hex::encode(sha2::Sha256::digest(docs.as_bytes()));
    let at = head.find("\"checksum\":\"").expect("a checksum") + "\"checksum\":\"".len();
    format!("{}{sum}{}\n{docs}", &head[..at], &head[at + 64..])
}

/// The document lines of a file (`{…},` each, the last without the comma).
fn doc_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.strip_suffix(',').unwrap_or(l))
        .collect()
}

/// A document line with at least `n` revisions and the given kind (`:result:` …).
fn line_with<'a>(text: &'a str, kind: &str, n: usize) -> &'a str {
    doc_lines(text)
        .into_iter()
        .find(|l| l.contains(kind) && l.matches("\"rev\":").count() >= n)
        .unwrap_or_else(|| panic!("a {kind} line with {n} revisions"))
}

/// The same line with `old` replaced once by `new`, in the file.
fn in_line(text: &str, line: &str, old: &str, new: &str) -> String {
    assert!(line.contains(old), "{old} in {line}");
    text.replacen(line, &line.replacen(old, new, 1), 1)
}

#[test]
fn a_file_the_fast_reader_cannot_vouch_for_is_read_or_refused_as_the_full_way_does() {
    let (_dir, _lib, paths) = data_dir(17, 2);
    let path = &paths[0];
    let text = std::fs::read_to_string(path).expect("reads");
    assert!(fast::read(path).is_some());
    let header = doc_lines(&text)
        .into_iter()
        .find(|l| l.contains(":header\""))
        .expect("the header line");
    let two = line_with(&text, ":result:", 2);
    let rev_of = |line: &str| {
        let at = line.find("\"rev\":\"").expect("a rev") + 7;
        line[at..at + line[at..].find('"').expect("its end")].to_string()
    };
    let first_rev = rev_of(two);
    let not_a_uuid = text
        .split_once('\n')
        .map(|(h, _)| h)
        .and_then(|h| h.split("\"id\":\"").nth(1))
        .and_then(|r| r.split('"').next())
        .expect("the assessment id")
        .to_string();
    let other_id = not_a_uuid.replace('0', "1");
    let mut cases: Vec<(&str, String)> = vec![
        // Damaged or foreign: no valid checksum.
        ("truncated", {
            let mut cut = text.len() / 2;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }),
        ("not JSON", "这不是 JSON".to_string()),
        ("another program's JSON", "{\"documents\":[]}\n".to_string()),
        ("a byte-order mark", format!("\u{feff}{text}")),
        (
            "a changed status",
            text.replacen("\"status\":\"missing\"", "\"status\":\"compliant\"", 1),
        ),
        ("no checksum", {
            let at = text.find("\"checksum\":").expect("a checksum");
            format!(
                "{}{}",
                &text[..at],
                &text[at + "\"checksum\":\"\",".len() + 64..]
            )
        }),
    ];
    // Checksum made to hold again: only what the full way checks besides it can tell.
    let resummed: Vec<(&str, String)> = vec![
        ("intact", text.clone()),
        (
            "a space more",
            text.replacen("\"deleted\":false", "\"deleted\": false", 1),
        ),
        (
            "a document twice",
            text.replacen(two, &format!("{two},\n{two}"), 1),
        ),
        (
            "a document of another assessment",
            in_line(&text, two, &not_a_uuid, &other_id),
        ),
        ("no header", text.replacen(&format!("{header},\n"), "", 1)),
        ("a missing parent", {
            let flipped = if first_rev.ends_with('0') { "1" } else { "0" };
            let other = format!("{}{flipped}", &first_rev[..first_rev.len() - 1]);
            in_line(
                &text,
                two,
                &format!("\"parent\":\"{first_rev}\""),
                &format!("\"parent\":\"{other}\""),
            )
        }),
        ("a revision twice", {
            let (pre, rest) = two.split_once("\"revisions\":[").expect("revisions");
            let first = &rest[..rest.find(",{\"rev\"").expect("two revisions")];
            text.replacen(two, &format!("{pre}\"revisions\":[{first},{rest}"), 1)
        }),
        (
            "an unknown field in a revision",
            in_line(&text, two, "\"deleted\":", "\"x\":1,\"deleted\":"),
        ),
        (
            "an unknown field in a losing body",
            in_line(
                &text,
                two,
                "\"type\":\"result\",",
                "\"type\":\"result\",\"x\":1,",
            ),
        ),
        ("a losing body of another item", {
            let item = two
                .split("\"item\":\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .expect("an item");
            in_line(
                &text,
                two,
                &format!("\"item\":\"{item}\""),
                "\"item\":\"zzz\"",
            )
        }),
        (
            "a bad clock",
            in_line(&text, two, "\"hlc\":\"2026-", "\"hlc\":\"2026-13"),
        ),
        (
            "a bad role",
            in_line(&text, two, "\"role\":\"township\"", "\"role\":\"mayor\""),
        ),
        (
            "a bad generation",
            in_line(
                &text,
                two,
                &format!("\"rev\":\"{first_rev}\""),
                &format!("\"rev\":\"7{}\"", &first_rev[1..]),
            ),
        ),
        (
            "an unknown head field",
            text.replacen("\"clock\":", "\"x\":1,\"clock\":", 1),
        ),
        (
            "a bad status",
            in_line(&text, two, "\"status\":\"", "\"status\":\"x"),
        ),
    ];
    cases.extend(resummed.into_iter().map(|(what, t)| (what, resum(&t))));
    let (mut read, mut fast_taken) = (Vec::new(), Vec::new());
    for (what, content) in &cases {
        std::fs::write(path, content).expect("writes");
        let full = store::load_own(path).map(|a| Current::of(&a));
        let fast = fast::read(path);
        if full.is_err() {
            assert!(
                fast.is_none(),
                "{what}: the fast reader takes what the full way refuses"
            );
        } else {
            read.push(*what);
        }
        if let Some(f) = &fast {
            assert_eq!(Some(f), full.as_ref().ok(), "{what}");
            fast_taken.push(*what);
        }
        assert_eq!(
            overview::read_own(path).map_err(|e| e.to_string()),
            full.map_err(|e| e.to_string()),
            "{what}"
        );
    }
    // Each damaged, foreign or inconsistent file is refused; the intact ones read, those
    // laid out as this zwgk writes its files the fast way.
    assert_eq!(
        read,
        ["a byte-order mark", "no checksum", "intact", "a space more"]
    );
    assert_eq!(fast_taken, ["intact", "a space more"]);
}

#[test]
fn after_an_import_of_bundles_the_county_reads_every_file_the_fast_way() {
    use zwgk::sync::bundle::{self, Who};
    let spec = spec(23);
    let lib = synthetic::library(&spec);
    let producer = tempfile::tempdir().expect("a temp dir");
    let store = Store::open(producer.path(), OPENED).expect("a store");
    let out = tempfile::tempdir().expect("a temp dir");
    let mut loaded = Vec::new();
    for t in 0..3 {
        let town = synthetic::township(&spec, t, &lib);
        for (sha, b) in &town.evidence {
            store
                .evidence()
                .put_reader(&b[..], Some(sha))
                .expect("evidence");
        }
        let mut carried = vec![&town.self_check];
        carried.extend(town.inspection.as_ref());
        bundle::export(
            &store,
            &carried,
            out.path(),
            &lib,
            Who {
                user: "测试",
                role: Role::Township,
            },
            synthetic::T0,
            Lang::Zh,
        )
        .expect("exported");
        loaded.extend(carried.into_iter().map(|a| Digest::of(a, &lib, TODAY)));
    }
    let county = tempfile::tempdir().expect("a temp dir");
    let (mut said, mut complained) = (Vec::new(), Vec::new());
    let code = zwgk::command::import(
        county.path(),
        &[out.path().to_path_buf()],
        &lib,
        Lang::Zh,
        &mut said,
        &mut complained,
    )
    .expect("runs");
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&complained));
    assert_eq!(String::from_utf8_lossy(&said).lines().count(), 3);
    let (read, problems) = overview::read(&[county.path().to_path_buf()], &lib, TODAY, Lang::Zh);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(read.len(), loaded.len());
    assert_eq!(
        read.read_fast(),
        loaded.len(),
        "every imported file the fast way"
    );
    let mut expected = Overview::default();
    loaded.sort_by(|a, b| a.id.cmp(&b.id));
    for d in loaded {
        expected.add(d);
    }
    // The same figures as the assessments that were handed over (hand-over times aside).
    let strip = |rows: Vec<zwgk::overview::UnitRow>| {
        rows.into_iter()
            .map(|mut r| {
                r.last_hand_over = None;
                r
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(read.rows(&lib)), strip(expected.rows(&lib)));
}
