//! Handed-over files merged into one another: arbitrary bytes split into two halves, each read
//! with the real loader (a `PK` half as a hand-over bundle through `sync::bundle::read`, any
//! other as an assessment file through `store::parse_assessment`, which recomputes every
//! revision id), and every assessment of the first half merged with every one of the second
//! (`Assessment::merge`, what `zwgk import` and `Store::merge_duplicate` do in memory).
//!
//! The halves: split at the first `\n--other--\n` when there is one (the seeds), else in the
//! middle.
//!
//! Mutated files rarely keep every revision id right, so few such inputs get past the loader
//! to the merge. An input that starts with `#` is therefore a script instead: two copies of one
//! new assessment are edited apart, three bytes an edit (which copy, who — a township clerk on
//! one of two laptops or the county inspector —, which item, what status, at what time, through
//! the role-checked `Assessment::record` or the unchecked `DocSet::record` that a forger's
//! program would use, a clock far ahead, a hand-over between the copies half way); each copy is
//! then written and read back with the real loader, and merged as above, both ways round.
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
use zwgk::model::assessment::{
    Assessment, DomainChoice, Header, ItemResult, Kind, MAX_CLOCK_AHEAD_MS, MergeError,
    NewAssessment, Unit,
};
use zwgk::model::doc::{Body, ReviewBasis};
use zwgk::model::rectification::TaskSpec;
use zwgk::model::revision::{Author, Hlc, Role};
use zwgk::model::status::Status;
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

const EDU: &str = "compulsory-education";
/// 9999-12-31T15:59:59Z: the latest clock reading a file can hold.
const YEAR_9999: u64 = 253_402_271_999_000;

fn author(who: u8) -> Author {
    match who % 3 {
        0 => Author {
            name: "张三".into(),
            device: "township-pc".into(),
            role: Role::Township,
        },
        1 => Author {
            name: "李明".into(),
            device: "township-laptop".into(),
            role: Role::Township,
        },
        _ => Author {
            name: "李四".into(),
            device: "county-pc".into(),
            role: Role::County,
        },
    }
}

fn base(inspection: bool) -> Option<Assessment> {
    let unit = Unit {
        name: "胡集镇人民政府".into(),
        division_code: Some("370828102".into()),
        county: "金乡县".into(),
        city: None,
    };
    let (kind, reviews, basis, owner) = if inspection {
        let sc = "0190f5a2-7c00-7000-8000-00000000b001".to_string();
        let basis = ReviewBasis {
            self_check: sc.clone(),
            results: Default::default(),
        };
        (Kind::Inspection, Some(sc), Some(basis), author(2))
    } else {
        (Kind::SelfCheck, None, None, author(0))
    };
    Assessment::create(
        NewAssessment {
            id: "0190f5a2-7c00-7000-8000-00000000a001".into(),
            kind,
            partition: unit.partition(),
            header: Header {
                unit,
                round: "2026年回头看".into(),
                assessor: owner.name.clone(),
                created: "2026-11-27T06:40:05.000Z".into(),
                reviews,
            },
            domains: vec![DomainChoice {
                checklist: EDU.into(),
                version: "2026.11".into(),
                involved: true,
                reason: None,
                summary: String::new(),
            }],
            basis,
        },
        owner,
        NOW,
    )
    .ok()
}

/// Two copies of one assessment edited apart by the script `ops`, each written and read back.
fn scripted(ops: &[u8]) -> Option<(Assessment, Assessment)> {
    let (&first, ops) = ops.split_first()?;
    let start = base(first % 2 == 1)?;
    let mut sides = [start.clone(), start];
    for (step, op) in ops.chunks_exact(3).take(64).enumerate() {
        let (code, x, y) = (op[0], op[1], op[2]);
        let side = usize::from(code >> 7);
        let who = author(x);
        let item = format!("{:02}", y % 6 + 1);
        let status = [
            Status::Unchecked,
            Status::Compliant,
            Status::Partial,
            Status::Missing,
            Status::NotApplicable,
        ][usize::from(y >> 3) % 5];
        let result = Body::Result(ItemResult {
            checklist: EDU.into(),
            item: item.clone(),
            status,
            note: format!("第 {x} 条"),
            ..ItemResult::default()
        });
        let now = NOW + 60_000 * step as u64 + u64::from(x);
        let a = &mut sides[side];
        match code % 8 {
            0 | 1 => {
                let _ = a.record(result, who, now);
            }
            // A forger's program: no role rule, any time up to year 9999.
            2 => {
                let millis = (u64::from(x) << 8 | u64::from(y)) * 3_900_000_000;
                let _ = a
                    .docs
                    .record(result, who, Hlc::new(millis.min(YEAR_9999), 0));
            }
            3 => {
                let task = Body::Task(TaskSpec {
                    checklist: EDU.into(),
                    item,
                    description: format!("问题 {y}"),
                    requirement: "七日内补充公开".into(),
                    responsible_person: "王五".into(),
                    deadline: "2026-12-15".into(),
                    ..TaskSpec::default()
                });
                let _ = a.record(task, who, now);
            }
            // A clock far ahead on this copy.
            4 => {
                let _ = a.record(result, who, YEAR_9999 - u64::from(y));
            }
            // A hand-over half way: the other copy takes this one in.
            5 | 6 => {
                let from = sides[side].clone();
                let _ = sides[1 - side].merge(&from, now);
            }
            _ => {
                let _ = a
                    .docs
                    .record(result, who, Hlc::new(u64::from(y), u32::from(x)));
            }
        }
    }
    let [l, r] = sides;
    let back = |a: &Assessment| {
        let bytes = a.to_json_lines().expect("an edited assessment serializes");
        match parse_assessment(Path::new("copy.json"), &bytes) {
            Ok(b) => Some(b),
            Err(e) => {
                let _ = e.message(Lang::Zh);
                None
            }
        }
    };
    Some((back(&l)?, back(&r)?))
}

fuzz_target!(|data: &[u8]| {
    if let Some(ops) = data.strip_prefix(b"#") {
        if let Some((l, r)) = scripted(ops) {
            check_admit(&l);
            check_admit(&r);
            check(&l, &r);
            check(&r, &l);
        }
        return;
    }
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
