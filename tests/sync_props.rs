//! Properties of whole assessments travelling between devices of both roles: random edit
//! histories on 2–4 devices (townships and county inspectors) on one self-check and its
//! inspection, exchanged in random orders with duplicates and forged copies. Merging is
//! commutative, associative and idempotent; every copy converges to the same documents and
//! conflicts; no revision is lost; the role rules hold whatever the order.

use std::collections::BTreeSet;

use proptest::prelude::*;
use zwgk::model::assessment::{
    Assessment, DomainChoice, Header, ItemResult, Kind, NewAssessment, Unit, basis_of,
};
use zwgk::model::doc::{Body, DocKind, may_write};
use zwgk::model::rectification::{Progress, TaskResponse, TaskSpec};
use zwgk::model::revision::{Author, Hlc, RevId, Role};
use zwgk::model::status::Status;

/// 2026-11-27T06:40:00.000Z.
const T0: u64 = 1_795_761_600_000;
const SC: &str = "0190f5a2-7c00-7000-8000-000000000001";
const INSP: &str = "0190f5a2-7c00-7000-8000-000000000002";
const DOMAINS: [&str; 2] = ["employment", "tax-administration"];
const ITEMS: [&str; 3] = ["01", "02", "03"];
const STATUSES: [Status; 4] = [
    Status::Compliant,
    Status::Partial,
    Status::Missing,
    Status::NotApplicable,
];
/// Devices 0 and 2 are township laptops, 1 and 3 county laptops.
const ROLES: [Role; 4] = [Role::Township, Role::County, Role::Township, Role::County];

#[derive(Debug, Clone)]
enum Op {
    /// A township answer in the self-check (refused for a county device).
    Answer {
        dev: usize,
        item: usize,
        status: usize,
    },
    /// A county verdict in the inspection (refused for a township device).
    Verdict {
        dev: usize,
        item: usize,
        status: usize,
    },
    /// The inspector's part of a task (refused for a township device).
    Task { dev: usize, item: usize, days: u8 },
    /// The township's response (refused for a county device).
    Respond { dev: usize, item: usize, text: u8 },
    /// 不涉及 / involved again, in the self-check.
    Domain { dev: usize, which: usize },
    /// Settle the first conflict the device may settle, keeping version `pick`.
    Resolve { dev: usize, pick: usize },
    /// Send both assessments from one device to another.
    Sync { from: usize, to: usize },
    /// Send a copy with a revision by the wrong role: refused whole.
    Forge { from: usize, to: usize, item: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let dev = || 0usize..4;
    prop_oneof![
        3 => (dev(), 0..ITEMS.len(), 0..STATUSES.len())
            .prop_map(|(dev, item, status)| Op::Answer { dev, item, status }),
        3 => (dev(), 0..ITEMS.len(), 0..STATUSES.len())
            .prop_map(|(dev, item, status)| Op::Verdict { dev, item, status }),
        2 => (dev(), 0..ITEMS.len(), any::<u8>()).prop_map(|(dev, item, days)| Op::Task { dev, item, days }),
        2 => (dev(), 0..ITEMS.len(), any::<u8>()).prop_map(|(dev, item, text)| Op::Respond { dev, item, text }),
        1 => (dev(), 0..DOMAINS.len()).prop_map(|(dev, which)| Op::Domain { dev, which }),
        1 => (dev(), any::<usize>()).prop_map(|(dev, pick)| Op::Resolve { dev, pick }),
        4 => (dev(), dev()).prop_map(|(from, to)| Op::Sync { from, to }),
        1 => (dev(), dev(), 0..ITEMS.len()).prop_map(|(from, to, item)| Op::Forge { from, to, item }),
    ]
}

#[derive(Debug, Clone)]
struct Scenario {
    devices: usize,
    ops: Vec<Op>,
    /// The order of the final full exchange (pairs, with repeats).
    exchange: Vec<(usize, usize)>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        2usize..=4,
        prop::collection::vec(op(), 0..30),
        prop::collection::vec((0usize..4, 0usize..4), 0..12),
    )
        .prop_map(|(devices, ops, exchange)| Scenario {
            devices,
            ops,
            exchange,
        })
}

#[derive(Debug, Clone)]
struct Device {
    author: Author,
    sc: Assessment,
    insp: Assessment,
}

fn author(i: usize) -> Author {
    Author {
        name: format!("用户{i}"),
        device: format!("device-{i}"),
        role: ROLES[i],
    }
}

fn result(item: &str, status: Status, note: &str) -> ItemResult {
    ItemResult {
        checklist: DOMAINS[0].into(),
        item: item.into(),
        status,
        note: note.into(),
        ..ItemResult::default()
    }
}

/// The shared start: device 0 makes the self-check with two answers, device 1 inspects it;
/// every device has both.
fn start(n: usize) -> Vec<Device> {
    let unit = Unit {
        name: "胡集镇人民政府".into(),
        division_code: Some("370828102".into()),
        county: "金乡县".into(),
        city: None,
    };
    let domains: Vec<DomainChoice> = DOMAINS
        .iter()
        .map(|d| DomainChoice {
            checklist: (*d).into(),
            version: "2026.11".into(),
            involved: true,
            reason: None,
            summary: String::new(),
        })
        .collect();
    let header = |round: &str, reviews: Option<&str>| Header {
        unit: unit.clone(),
        round: round.into(),
        assessor: "张三".into(),
        created: "2026-11-27T06:40:00.000Z".into(),
        reviews: reviews.map(Into::into),
    };
    let mut sc = Assessment::create(
        NewAssessment {
            id: SC.into(),
            kind: Kind::SelfCheck,
            partition: unit.partition(),
            header: header("2026年自查", None),
            domains: domains.clone(),
            basis: None,
        },
        author(0),
        T0,
    )
    .unwrap();
    for (i, item) in ITEMS.iter().take(2).enumerate() {
        sc.record(
            Body::Result(result(item, STATUSES[i], "")),
            author(0),
            T0 + 1,
        )
        .unwrap();
    }
    let insp = Assessment::create(
        NewAssessment {
            id: INSP.into(),
            kind: Kind::Inspection,
            partition: sc.partition.clone(),
            header: header("2026年回头看", Some(SC)),
            domains,
            basis: Some(basis_of(&sc)),
        },
        author(1),
        T0 + 2,
    )
    .unwrap();
    (0..n)
        .map(|i| Device {
            author: author(i),
            sc: sc.clone(),
            insp: insp.clone(),
        })
        .collect()
}

fn run(s: &Scenario) -> Result<Vec<Device>, TestCaseError> {
    let n = s.devices;
    let mut devs = start(n);
    for (step, op) in s.ops.iter().enumerate() {
        let now = T0 + 10_000 + step as u64 * 1000;
        match *op {
            Op::Answer { dev, item, status } => {
                let d = &mut devs[dev % n];
                let body = Body::Result(result(ITEMS[item], STATUSES[status], "自查"));
                let before = d.sc.clone();
                let r = d.sc.record(body, d.author.clone(), now);
                prop_assert_eq!(r.is_ok(), d.author.role == Role::Township);
                if r.is_err() {
                    prop_assert_eq!(&d.sc, &before);
                }
            }
            Op::Verdict { dev, item, status } => {
                let d = &mut devs[dev % n];
                let body = Body::Result(result(ITEMS[item], STATUSES[status], "复查"));
                let before = d.insp.clone();
                let r = d.insp.record(body, d.author.clone(), now);
                prop_assert_eq!(r.is_ok(), d.author.role.is_inspector());
                if r.is_err() {
                    prop_assert_eq!(&d.insp, &before);
                }
            }
            Op::Task { dev, item, days } => {
                let d = &mut devs[dev % n];
                let body = Body::Task(TaskSpec {
                    checklist: DOMAINS[0].into(),
                    item: ITEMS[item].into(),
                    deadline: zwgk::clock::date_after(now, u64::from(days % 40)),
                    ..TaskSpec::default()
                });
                let r = d.insp.record(body, d.author.clone(), now);
                prop_assert_eq!(r.is_ok(), d.author.role.is_inspector());
            }
            Op::Respond { dev, item, text } => {
                let d = &mut devs[dev % n];
                let body = Body::Response(TaskResponse {
                    checklist: DOMAINS[0].into(),
                    item: ITEMS[item].into(),
                    progress: if text % 2 == 0 {
                        Progress::Done
                    } else {
                        Progress::InProgress
                    },
                    response: format!("整改情况{}", text % 4),
                    ..TaskResponse::default()
                });
                let r = d.insp.record(body, d.author.clone(), now);
                prop_assert_eq!(r.is_ok(), d.author.role == Role::Township);
            }
            Op::Domain { dev, which } => {
                let d = &mut devs[dev % n];
                let Some(mut choice) = d.sc.domain(DOMAINS[which]).cloned() else {
                    continue;
                };
                choice.involved = !choice.involved;
                choice.reason = (!choice.involved).then(|| "本镇不涉及".to_string());
                let r = d.sc.record(Body::Domain(choice), d.author.clone(), now);
                prop_assert_eq!(r.is_ok(), d.author.role == Role::Township);
            }
            Op::Resolve { dev, pick } => {
                let d = &mut devs[dev % n];
                let role = d.author.role;
                for a in [&mut d.sc, &mut d.insp] {
                    let target = a
                        .docs
                        .conflicted()
                        .find(|(k, _)| a.may_write(role, k.kind))
                        .map(|(k, doc)| {
                            let v = doc.versions();
                            let chosen = v[pick % v.len()];
                            (k.clone(), chosen.rev.clone(), chosen.body.clone())
                        });
                    if let Some((key, keep, body)) = target {
                        a.resolve(&key, &keep, body, d.author.clone(), now).unwrap();
                        prop_assert!(!a.has_conflict(&key));
                        break;
                    }
                }
            }
            Op::Sync { from, to } => {
                let (sc, insp) = (devs[from % n].sc.clone(), devs[from % n].insp.clone());
                let d = &mut devs[to % n];
                d.sc.merge(&sc, now).unwrap();
                d.insp.merge(&insp, now).unwrap();
            }
            Op::Forge { from, to, item } => {
                // A township revision of a verdict (or a county revision of a township answer),
                // made through the document API, which leaves the role rule to its caller.
                let forger = &devs[from % n];
                let (mut copy, wrong) = if forger.author.role == Role::Township {
                    (
                        forger.insp.clone(),
                        Body::Result(result(ITEMS[item], Status::Compliant, "伪造")),
                    )
                } else {
                    (
                        forger.sc.clone(),
                        Body::Result(result(ITEMS[item], Status::Missing, "伪造")),
                    )
                };
                copy.docs
                    .record(wrong, forger.author.clone(), Hlc::new(now, 0))
                    .unwrap();
                let d = &mut devs[to % n];
                let target = if copy.kind == Kind::Inspection {
                    &mut d.insp
                } else {
                    &mut d.sc
                };
                let before = target.clone();
                prop_assert!(target.merge(&copy, now).is_err(), "a forged copy was taken");
                prop_assert_eq!(&*target, &before);
            }
        }
    }
    Ok(devs)
}

fn merged(a: &Assessment, b: &Assessment) -> Assessment {
    let mut m = a.clone();
    m.merge(b, T0 + 1_000_000).unwrap();
    m
}

fn revs(a: &Assessment) -> BTreeSet<(String, RevId)> {
    a.docs
        .iter()
        .flat_map(|(k, d)| d.revisions().map(move |r| (a.docs.id_of(k), r.rev.clone())))
        .collect()
}

fn conflicts(a: &Assessment) -> Vec<(String, RevId)> {
    a.docs
        .conflicted()
        .flat_map(|(k, d)| {
            d.conflicts()
                .into_iter()
                .map(move |r| (a.docs.id_of(k), r.rev.clone()))
        })
        .collect()
}

fn roles_hold(a: &Assessment) -> Result<(), TestCaseError> {
    for (k, d) in a.docs.iter() {
        for r in d.revisions() {
            prop_assert!(
                may_write(r.author.role, a.kind, k.kind),
                "{} written by {:?}",
                a.docs.id_of(k),
                r.author.role
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn merge_is_commutative_associative_and_idempotent(s in scenario()) {
        let devs = run(&s)?;
        let pick = |f: fn(&Device) -> &Assessment| devs.iter().map(f).collect::<Vec<_>>();
        for copies in [pick(|d| &d.sc), pick(|d| &d.insp)] {
            for a in &copies {
                prop_assert_eq!(&merged(a, a).docs, &a.docs);
                for b in &copies {
                    let ab = merged(a, b);
                    prop_assert_eq!(&ab.docs, &merged(b, a).docs);
                    prop_assert_eq!(&merged(&ab, b).docs, &ab.docs);
                    for c in &copies {
                        prop_assert_eq!(
                            &merged(&ab, c).docs,
                            &merged(a, &merged(b, c)).docs
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_copy_converges_losing_nothing_and_roles_hold(s in scenario()) {
        let mut devs = run(&s)?;
        let n = devs.len();
        let all_sc: BTreeSet<_> = devs.iter().flat_map(|d| revs(&d.sc)).collect();
        let all_insp: BTreeSet<_> = devs.iter().flat_map(|d| revs(&d.insp)).collect();
        // The random exchanges first (duplicates included), then everyone meets everyone.
        let mut order: Vec<(usize, usize)> = s.exchange.iter().map(|(a, b)| (a % n, b % n)).collect();
        for round in 0..2 {
            for a in 0..n {
                for b in 0..n {
                    order.push(if round == 0 { (a, b) } else { (b, a) });
                }
            }
        }
        for (from, to) in order {
            let (sc, insp) = (devs[from].sc.clone(), devs[from].insp.clone());
            devs[to].sc.merge(&sc, T0 + 1_000_000).unwrap();
            devs[to].insp.merge(&insp, T0 + 1_000_000).unwrap();
        }
        for d in &devs {
            prop_assert_eq!(&d.sc.docs, &devs[0].sc.docs);
            prop_assert_eq!(&d.insp.docs, &devs[0].insp.docs);
            prop_assert_eq!(conflicts(&d.sc), conflicts(&devs[0].sc));
            prop_assert_eq!(conflicts(&d.insp), conflicts(&devs[0].insp));
            // The kept count of conflicted documents is the count of them, after every way
            // of changing documents (edits, settles, merges).
            for a in [&d.sc, &d.insp] {
                prop_assert_eq!(a.conflict_count(), a.docs.conflicted().count());
            }
            prop_assert_eq!(d.sc.header(), devs[0].sc.header());
            for item in ITEMS {
                prop_assert_eq!(d.insp.task_view(DOMAINS[0], item).map(|t| t.state),
                    devs[0].insp.task_view(DOMAINS[0], item).map(|t| t.state));
            }
            roles_hold(&d.sc)?;
            roles_hold(&d.insp)?;
        }
        prop_assert_eq!(revs(&devs[0].sc), all_sc, "a self-check revision was lost");
        prop_assert_eq!(revs(&devs[0].insp), all_insp, "an inspection revision was lost");
        // The task (county) and the response (township) never conflict with each other:
        // they are different documents, so a task conflict needs two county laptops.
        if n < 4 {
            for (k, _) in devs[0].insp.docs.conflicted() {
                prop_assert_ne!(k.kind, DocKind::Task, "one county laptop cannot conflict with itself");
            }
        }
    }
}
