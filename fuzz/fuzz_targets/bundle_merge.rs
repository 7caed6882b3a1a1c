//! Handed-over files merged into one another: arbitrary bytes split into two halves, each read
//! with the real loader (a `PK` half as a hand-over bundle through `sync::bundle::read`, any
//! other as an assessment file through `store::parse_assessment`, which recomputes every
//! revision id), and every assessment of the first half merged with every one of the second
//! (`Assessment::merge`, what `zwgk import` and `Store::merge_duplicate` do in memory).
//!
//! The halves: split at the first `\n--other--\n` when there is one (the seeds), else in the
//! middle.
//!
//! Properties:
//! * never panics, whatever the bytes (errors must format, in both languages);
//! * two different assessments are refused (`MergeError::Different`) and the first is left
//!   unchanged; so is any refused merge;
//! * a merge keeps every revision that was there, each unchanged (author, time, body);
//! * merging the same copy again adds nothing;
//! * the merged assessment serializes and parses again to an equal assessment;
//! * the clock never moves past `NOW + MAX_CLOCK_AHEAD_MS` because of what arrived.
#![no_main]

use std::io::Cursor;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zwgk::cli::Lang;
use zwgk::model::assessment::{Assessment, MAX_CLOCK_AHEAD_MS, MergeError};
use zwgk::store::parse_assessment;

/// 2026-11-27T06:40:05Z: "now" on the receiving computer.
const NOW: u64 = 1_795_761_605_000;
const SEPARATOR: &[u8] = b"\n--other--\n";

fn halves(data: &[u8]) -> (&[u8], &[u8]) {
    match data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        Some(i) => (&data[..i], &data[i + SEPARATOR.len()..]),
        None => data.split_at(data.len() / 2),
    }
}

/// The assessments of one half, or `None` when the loader refuses it.
fn load(name: &str, bytes: &[u8]) -> Option<Vec<Assessment>> {
    if bytes.starts_with(b"PK") {
        let path = Path::new(name).with_extension("zwgk");
        match zwgk::sync::bundle::read(&path, Cursor::new(bytes)) {
            Ok(v) => Some(v.assessments),
            Err(e) => {
                let _ = (e.message(Lang::Zh), e.message(Lang::En));
                None
            }
        }
    } else {
        let path = Path::new(name).with_extension("json");
        match parse_assessment(&path, bytes) {
            Ok(a) => Some(vec![a]),
            Err(e) => {
                let _ = (e.message(Lang::Zh), e.message(Lang::En));
                None
            }
        }
    }
}

fn check(ours: &Assessment, theirs: &Assessment) {
    let mut merged = ours.clone();
    match merged.merge(theirs, NOW) {
        Ok(stats) => {
            assert_eq!(ours.id, theirs.id, "assessments of different ids merged");
            assert!(stats.added >= stats.new_documents);
            // Nothing that was there is lost or rewritten.
            for (key, doc) in ours.docs.iter() {
                for r in doc.revisions() {
                    let kept = merged.docs.get(key).and_then(|d| d.get(&r.rev));
                    assert_eq!(
                        kept,
                        Some(r),
                        "revision {} of {key:?} lost or changed",
                        r.rev
                    );
                }
            }
            // What arrived does not push the clock past the bound.
            let bound = NOW.saturating_add(MAX_CLOCK_AHEAD_MS);
            assert!(
                merged.clock.millis <= ours.clock.millis.max(bound),
                "clock moved to {} (ours {}, bound {bound})",
                merged.clock.millis,
                ours.clock.millis
            );
            // The same copy again adds nothing.
            let mut again = merged.clone();
            let twice = again
                .merge(theirs, NOW)
                .expect("a copy that merged once merges again");
            assert_eq!(twice.added, 0, "the same copy added revisions twice");
            let _ = merged.conflict_count();
            let json = serde_json::to_string(&merged).expect("a merged assessment serializes");
            match parse_assessment(Path::new("merged.json"), json.as_bytes()) {
                Ok(back) => assert_eq!(back, merged, "round trip changed the merged assessment"),
                Err(e) => panic!("the merged assessment no longer parses: {e}"),
            }
        }
        Err(e) => {
            // Said as the store says it.
            let said = zwgk::store::StoreError::Invalid {
                path: "right.json".into(),
                message: e.to_string(),
            };
            let _ = (said.message(Lang::Zh), said.message(Lang::En));
            if ours.id != theirs.id {
                assert!(matches!(e, MergeError::Different { .. }), "{e}");
            }
            assert_eq!(&merged, ours, "a refused merge changed the assessment");
        }
    }
}

/// A copy new here is admitted whole or refused, its revisions as they were.
fn check_admit(theirs: &Assessment) {
    if let Ok((admitted, stats)) = theirs.clone().admit(NOW) {
        assert_eq!(
            admitted.docs, theirs.docs,
            "admitting changed the documents"
        );
        assert_eq!(
            stats.added,
            theirs
                .docs
                .iter()
                .map(|(_, d)| d.revisions().count())
                .sum::<usize>()
        );
        let bound = NOW.saturating_add(MAX_CLOCK_AHEAD_MS);
        assert!(
            admitted.clock.millis <= bound.max(NOW),
            "admitted clock {}",
            admitted.clock.millis
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let (a, b) = halves(data);
    let (Some(left), Some(right)) = (load("left", a), load("right", b)) else {
        return;
    };
    for theirs in &right {
        check_admit(theirs);
    }
    for ours in &left {
        for theirs in &right {
            check(ours, theirs);
        }
    }
});
