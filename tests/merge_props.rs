//! Properties of revision merge: random edit histories on 2–4 simulated devices that exchange
//! documents in random orders must converge whatever the order.

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use zwgk::model::revision::{Author, Clock, Document, RevId, Revision, Role};

const DOC: &str = "employment/3.1";
/// 2026-11-27T06:40:00.000Z.
const T0: u64 = 1_795_761_600_000;
const STATUS: [&str; 3] = ["未公开", "已公开", "需整改"];
const NOTES: [&str; 3] = ["", "已核实", "链接\"失效\"\n"];
const ROLES: [Role; 4] = [Role::Township, Role::County, Role::City, Role::Province];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Body {
    status: String,
    note: String,
}

fn body((status, note): (usize, usize)) -> Body {
    Body {
        status: STATUS[status % STATUS.len()].into(),
        note: NOTES[note % NOTES.len()].into(),
    }
}

/// One step of a simulation. Device numbers are taken modulo the number of devices.
#[derive(Debug, Clone)]
enum Op {
    /// Edit the current revision.
    Edit { dev: usize, body: (usize, usize) },
    /// Commit on any revision (an out-of-date edit: makes conflicts).
    Branch {
        dev: usize,
        pick: usize,
        body: (usize, usize),
    },
    /// Delete the document.
    Delete { dev: usize },
    /// Resolve the conflicts, keeping one live leaf.
    Resolve {
        dev: usize,
        pick: usize,
        body: (usize, usize),
    },
    /// Send `from`'s copy to `to`.
    Sync { from: usize, to: usize },
}

#[derive(Debug, Clone)]
struct Scenario {
    devices: usize,
    /// Wall-clock error of each device, in milliseconds.
    skews: Vec<i64>,
    ops: Vec<Op>,
}

fn op() -> impl Strategy<Value = Op> {
    let dev = || 0usize..4;
    let b = || (0usize..3, 0usize..3);
    prop_oneof![
        4 => (dev(), b()).prop_map(|(dev, body)| Op::Edit { dev, body }),
        2 => (dev(), any::<usize>(), b()).prop_map(|(dev, pick, body)| Op::Branch { dev, pick, body }),
        1 => dev().prop_map(|dev| Op::Delete { dev }),
        1 => (dev(), any::<usize>(), b()).prop_map(|(dev, pick, body)| Op::Resolve { dev, pick, body }),
        3 => (dev(), dev()).prop_map(|(from, to)| Op::Sync { from, to }),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        2usize..=4,
        prop::collection::vec(-3000i64..3000, 4),
        prop::collection::vec(op(), 0..40),
    )
        .prop_map(|(devices, skews, ops)| Scenario {
            devices,
            skews,
            ops,
        })
}

struct Device {
    doc: Document<Body>,
    clock: Clock,
    author: Author,
    skew: i64,
}

/// Runs the scenario and returns every device's copy. Checks `verify` after every step.
fn run(s: &Scenario) -> Vec<Document<Body>> {
    let n = s.devices;
    let mut devs: Vec<Device> = (0..n)
        .map(|i| Device {
            doc: Document::new(DOC),
            clock: Clock::new(),
            author: Author {
                name: format!("用户{i}"),
                device: format!("device-{i}"),
                role: ROLES[i % ROLES.len()],
            },
            skew: s.skews[i],
        })
        .collect();
    for (step, op) in s.ops.iter().enumerate() {
        let wall = T0 + step as u64 * 1000;
        let now = |d: &Device| wall.saturating_add_signed(d.skew);
        match *op {
            Op::Edit { dev, body: b } => {
                let d = &mut devs[dev % n];
                let hlc = d.clock.tick(now(d));
                d.doc.edit(body(b), d.author.clone(), hlc).unwrap();
            }
            Op::Branch { dev, pick, body: b } => {
                let d = &mut devs[dev % n];
                let hlc = d.clock.tick(now(d));
                let revs: Vec<_> = d.doc.revisions().collect();
                let parent = (!revs.is_empty()).then(|| revs[pick % revs.len()].rev.clone());
                d.doc
                    .commit(parent.as_ref(), body(b), d.author.clone(), hlc)
                    .unwrap();
            }
            Op::Delete { dev } => {
                let d = &mut devs[dev % n];
                let hlc = d.clock.tick(now(d));
                if d.doc.winner().is_some() {
                    d.doc.delete(d.author.clone(), hlc).unwrap();
                }
            }
            Op::Resolve { dev, pick, body: b } => {
                let d = &mut devs[dev % n];
                let hlc = d.clock.tick(now(d));
                let live = live_leaves(&d.doc);
                if live.len() > 1 {
                    let keep = live[pick % live.len()].clone();
                    d.doc
                        .resolve(&keep, body(b), d.author.clone(), hlc)
                        .unwrap();
                    assert!(d.doc.conflicts().is_empty());
                }
            }
            Op::Sync { from, to } => {
                let sent = devs[from % n].doc.clone();
                let d = &mut devs[to % n];
                d.doc.merge(&sent).unwrap();
                if let Some(seen) = sent.latest_hlc() {
                    let now = now(d);
                    d.clock.observe(seen, now);
                }
            }
        }
        devs.iter().for_each(|d| d.doc.verify().unwrap());
    }
    devs.into_iter().map(|d| d.doc).collect()
}

fn live_leaves(doc: &Document<Body>) -> Vec<RevId> {
    doc.leaves()
        .into_iter()
        .filter(|r| !r.deleted)
        .map(|r| r.rev.clone())
        .collect()
}

fn merged(a: &Document<Body>, b: &Document<Body>) -> Document<Body> {
    let mut m = a.clone();
    m.merge(b).unwrap();
    m
}

fn union(docs: &[Document<Body>]) -> Document<Body> {
    docs.iter()
        .fold(Document::new(DOC), |acc, d| merged(&acc, d))
}

fn rev_set(doc: &Document<Body>) -> BTreeSet<RevId> {
    doc.revisions().map(|r| r.rev.clone()).collect()
}

/// Winner and conflicts as ids.
fn outcome(doc: &Document<Body>) -> (Option<RevId>, Vec<RevId>) {
    let winner = doc.winner().map(|w| w.rev.clone());
    let conflicts = doc.conflicts().iter().map(|r| r.rev.clone()).collect();
    (winner, conflicts)
}

/// The winner rule, restated: the greatest live leaf, else the greatest leaf; the others
/// live leaves are the conflicts.
fn check_winner_rule(doc: &Document<Body>) -> Result<(), TestCaseError> {
    let leaves = doc.leaves();
    let live = live_leaves(doc);
    let (winner, conflicts) = outcome(doc);
    let expected = live
        .iter()
        .max()
        .cloned()
        .or_else(|| leaves.iter().map(|r| r.rev.clone()).max());
    prop_assert_eq!(&winner, &expected);
    let others: Vec<RevId> = live
        .into_iter()
        .filter(|r| Some(r) != winner.as_ref())
        .collect();
    prop_assert_eq!(conflicts, others);
    Ok(())
}

/// Copies of the ancestry of some revisions of some devices: revisions arriving in pieces.
fn packets(docs: &[Document<Body>], keys: &[u32]) -> Vec<(u32, Document<Body>)> {
    let mut out = Vec::new();
    let mut key = keys.iter().copied().cycle();
    for doc in docs {
        out.push((key.next().unwrap_or(0), doc.clone()));
        for r in doc.revisions() {
            let k = key.next().unwrap_or(0);
            if k % 3 == 0 {
                let ancestry: Vec<Revision<Body>> =
                    doc.history(&r.rev).into_iter().cloned().collect();
                out.push((k, Document::from_revisions(DOC, ancestry).unwrap()));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn merge_is_commutative(s in scenario()) {
        let docs = run(&s);
        for a in &docs {
            for b in &docs {
                let (ab, ba) = (merged(a, b), merged(b, a));
                prop_assert_eq!(outcome(&ab), outcome(&ba));
                prop_assert_eq!(&ab, &ba);
            }
        }
    }

    #[test]
    fn merge_is_associative(s in scenario()) {
        let docs = run(&s);
        for a in &docs {
            for b in &docs {
                for c in &docs {
                    prop_assert_eq!(merged(&merged(a, b), c), merged(a, &merged(b, c)));
                }
            }
        }
    }

    #[test]
    fn merge_is_idempotent(s in scenario()) {
        let docs = run(&s);
        for a in &docs {
            let mut aa = a.clone();
            prop_assert_eq!(aa.merge(a).unwrap(), Default::default());
            prop_assert_eq!(&aa, a);
            for b in &docs {
                let ab = merged(a, b);
                let mut again = ab.clone();
                prop_assert_eq!(again.merge(b).unwrap(), Default::default());
                prop_assert_eq!(again.merge(a).unwrap(), Default::default());
                prop_assert_eq!(&again, &ab);
            }
        }
    }

    #[test]
    fn merge_is_a_union_of_identical_revisions(s in scenario()) {
        let docs = run(&s);
        for a in &docs {
            for b in &docs {
                let ab = merged(a, b);
                let expected: BTreeSet<RevId> = rev_set(a).union(&rev_set(b)).cloned().collect();
                prop_assert_eq!(rev_set(&ab), expected);
                // A revision known on both sides is the same revision, byte for byte.
                for r in ab.revisions() {
                    for copy in [a.get(&r.rev), b.get(&r.rev)].into_iter().flatten() {
                        prop_assert_eq!(r, copy);
                    }
                }
                check_winner_rule(&ab)?;
            }
        }
    }

    #[test]
    fn winner_and_conflicts_do_not_depend_on_arrival_order(
        s in scenario(),
        keys in prop::collection::vec(any::<u32>(), 1..64),
    ) {
        let docs = run(&s);
        let all = union(&docs);
        check_winner_rule(&all)?;
        let mut packets = packets(&docs, &keys);
        packets.sort_by_key(|(k, _)| *k);
        let shuffled: Vec<Document<Body>> = packets.into_iter().map(|(_, d)| d).collect();
        let forward = union(&shuffled);
        let backward = union(&shuffled.iter().rev().cloned().collect::<Vec<_>>());
        prop_assert_eq!(outcome(&forward), outcome(&all));
        prop_assert_eq!(outcome(&backward), outcome(&all));
        prop_assert_eq!(&forward, &all);
        prop_assert_eq!(&backward, &all);
    }

    #[test]
    fn no_copy_can_rewrite_who_made_a_revision_or_when(
        s in scenario(),
        pick in any::<usize>(),
        millis in T0..T0 + 100_000,
    ) {
        let docs = run(&s);
        let all = union(&docs);
        let revs: Vec<Revision<Body>> = all.revisions().cloned().collect();
        if revs.is_empty() {
            return Ok(());
        }
        let mut forged = revs.clone();
        let victim = pick % forged.len();
        forged[victim].author.name = "伪造".into();
        forged[victim].hlc = Clock::new().tick(millis);
        // The forged copy does not even load on its own, and merging it changes nothing.
        prop_assert!(Document::from_revisions(DOC, forged.clone()).is_err());
        for doc in docs.iter().chain([&all]) {
            let before = doc.clone();
            let mut target = doc.clone();
            let forged_doc: Document<Body> = serde_json::from_value(serde_json::json!({
                "id": DOC, "revisions": forged,
            })).unwrap_or_else(|_| Document::new(DOC));
            if !forged_doc.is_empty() {
                prop_assert!(target.merge(&forged_doc).is_err());
            }
            prop_assert_eq!(&target, &before);
        }
    }

    #[test]
    fn documents_round_trip_through_json(s in scenario()) {
        let docs = run(&s);
        for doc in docs.iter().chain([&union(&docs)]) {
            let json = serde_json::to_string(doc).unwrap();
            let back: Document<Body> = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, doc);
            prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
        }
    }
}
