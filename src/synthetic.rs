//! Synthetic catalogues and assessments for benchmarks and scale runs (`cargo bench`,
//! `cargo run --release --example gen`): N items × up to M revisions per item, with notes,
//! evidence, an inspection with tasks and responses, and some conflicts. Deterministic for a
//! seed. Not used by the app.

use crate::library::{Library, Origin};
use crate::model::assessment::{
    Assessment, DomainChoice, Evidence, Header, ItemResult, Kind, NewAssessment, Unit, basis_of,
};
use crate::model::catalogue::Catalogue;
use crate::model::doc::{Body, DocKey, DocKind};
use crate::model::rectification::{Progress, TaskResponse, TaskSpec};
use crate::model::revision::{Author, Hlc, Role};
use crate::model::status::Status;

/// What to make.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Catalogues (domains) per assessment.
    pub domains: usize,
    /// Items per catalogue.
    pub items_per_domain: usize,
    /// Most revisions per item result (1 ..= this, skewed to few).
    pub revisions: usize,
    /// Every item result gets exactly `revisions` revisions (a long-lived file).
    pub exact_revisions: bool,
    /// Per thousand items: a conflicting answer from a second laptop.
    pub conflicts_per_mille: u32,
    /// Per thousand items: an evidence file.
    pub evidence_per_mille: u32,
    /// Per thousand items in an inspection: a task (half answered by the township).
    pub tasks_per_mille: u32,
    /// Make an inspection of every `inspect_every`-th township (0: none).
    pub inspect_every: usize,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            domains: 30,
            items_per_domain: 50,
            revisions: 3,
            exact_revisions: false,
            conflicts_per_mille: 5,
            evidence_per_mille: 20,
            tasks_per_mille: 20,
            inspect_every: 2,
            seed: 1,
        }
    }
}

/// 2026-11-27T06:40:05Z.
pub const T0: u64 = 1_795_761_605_000;

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    fn per_mille(&mut self, p: u32) -> bool {
        self.below(1000) < u64::from(p)
    }
}

/// The synthetic catalogues `gen-00` … made from the shipped rows, `items_per_domain` each.
pub fn catalogues(spec: &Spec) -> Vec<Catalogue> {
    let shipped = Library::builtin();
    let rows: Vec<_> = shipped
        .entries()
        .iter()
        .flat_map(|e| e.catalogue.items.clone())
        .collect();
    let template = shipped
        .entries()
        .first()
        .map(|e| e.catalogue.clone())
        .expect("the library ships catalogues");
    (0..spec.domains)
        .map(|d| {
            let mut c = template.clone();
            c.id = format!("gen-{d:02}");
            c.name = format!("合成领域{d:02}");
            c.group = crate::model::catalogue::Group::Local;
            c.version = "2026.11".into();
            c.items = (0..spec.items_per_domain)
                .map(|i| {
                    let mut item = rows[(d * spec.items_per_domain + i) % rows.len()].clone();
                    item.id = format!("{i:03}");
                    item
                })
                .collect();
            c
        })
        .collect()
}

/// A library of the shipped catalogues and the synthetic ones.
pub fn library(spec: &Spec) -> Library {
    let mut lib = Library::builtin();
    for c in catalogues(spec) {
        lib.insert(c, Origin::Builtin);
    }
    lib
}

/// The partition (9-digit township code) of township `t`.
pub fn partition(t: usize) -> String {
    format!("3708{:05}", 28000 + t)
}

fn uuid(kind: u8, t: usize) -> String {
    format!("0190f5a2-7c00-7{kind:03x}-8000-{t:012}")
}

/// One generated township: its self-check, perhaps an inspection, and the evidence files
/// they cite (SHA-256, bytes).
#[derive(Debug, Clone)]
pub struct Township {
    pub self_check: Assessment,
    pub inspection: Option<Assessment>,
    pub evidence: Vec<(String, Vec<u8>)>,
}

/// Makes township `t` with the catalogues of `library` named `gen-*`.
pub fn township(spec: &Spec, t: usize, library: &Library) -> Township {
    let mut rng = Rng::new(spec.seed.wrapping_mul(1_000_003).wrapping_add(t as u64));
    let clerk = Author {
        name: format!("乡镇{t}录入员"),
        device: format!("dev-town-{t}"),
        role: Role::Township,
    };
    let laptop2 = Author {
        name: format!("乡镇{t}副职"),
        device: format!("dev-town-{t}-b"),
        role: Role::Township,
    };
    let county = Author {
        name: "区县检查员".into(),
        device: "dev-county".into(),
        role: Role::County,
    };
    let unit = Unit {
        name: format!("合成镇{t:03}"),
        division_code: Some(partition(t)),
        county: "合成县".into(),
        city: Some("合成市".into()),
    };
    let cats: Vec<_> = library
        .entries()
        .into_iter()
        .filter(|e| e.catalogue.id.starts_with("gen-"))
        .collect();
    let domains = cats
        .iter()
        .map(|e| DomainChoice {
            checklist: e.catalogue.id.clone(),
            version: e.catalogue.version.clone(),
            involved: true,
            reason: None,
            summary: String::new(),
        })
        .collect();
    let mut now = T0;
    let mut sc = Assessment::create(
        NewAssessment {
            id: uuid(1, t),
            kind: Kind::SelfCheck,
            partition: unit.partition(),
            header: Header {
                unit: unit.clone(),
                round: "2026年下半年自查".into(),
                assessor: clerk.name.clone(),
                created: crate::clock::rfc3339(now),
                reviews: None,
            },
            domains,
            basis: None,
        },
        clerk.clone(),
        now,
    )
    .expect("a generated assessment is valid");
    let statuses = [
        Status::Compliant,
        Status::Compliant,
        Status::Compliant,
        Status::Partial,
        Status::Missing,
        Status::NotApplicable,
    ];
    let mut evidence = Vec::new();
    for e in &cats {
        for (item, fp) in e.catalogue.items.iter().zip(&e.fingerprints) {
            let revs = if spec.exact_revisions {
                spec.revisions.max(1)
            } else {
                1 + match rng.below(20) {
                    0..=9 => 0,
                    10..=15 => 1,
                    16..=18 => 2,
                    _ => 3,
                }
                .min(spec.revisions.saturating_sub(1) as u64) as usize
            };
            let mut body = ItemResult {
                checklist: e.catalogue.id.clone(),
                item: item.id.clone(),
                fingerprint: fp.clone(),
                ..ItemResult::default()
            };
            for r in 0..revs {
                body.status = statuses[rng.below(statuses.len() as u64) as usize];
                if spec.exact_revisions || rng.below(3) == 0 {
                    body.note = format!("第{}次检查:网站栏目{}条信息已核对", r + 1, rng.below(50));
                }
                if r == 0 && rng.per_mille(spec.evidence_per_mille) {
                    let bytes = format!("photo {t} {} {}", e.catalogue.id, item.id).into_bytes();
                    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
                    body.evidence.push(Evidence::File {
                        name: format!("{}-{}.jpg", e.catalogue.id, item.id),
                        sha256: sha.clone(),
                        size: Some(bytes.len() as u64),
                        path: None,
                    });
                    evidence.push((sha, bytes));
                }
                now += 1000;
                sc.record(Body::Result(body.clone()), clerk.clone(), now)
                    .expect("a generated revision is valid");
            }
            if rng.per_mille(spec.conflicts_per_mille) {
                // The second laptop answered the same item from the first answer.
                let key = DocKey::item(DocKind::Result, &e.catalogue.id, &item.id);
                if let Some(doc) = sc.docs.get(&key) {
                    let mut d = doc.clone();
                    let first = d
                        .revisions()
                        .find(|r| r.parent.is_none())
                        .map(|r| r.rev.clone());
                    let mut other = body.clone();
                    other.status = Status::Missing;
                    other.note = "另一台电脑:未找到".into();
                    now += 1000;
                    if d.commit(
                        first.as_ref(),
                        Body::Result(other),
                        laptop2.clone(),
                        Hlc::new(now, 0),
                    )
                    .is_ok()
                    {
                        let mut copy = sc.empty_like();
                        copy.docs = crate::model::doc::DocSet::from_documents(
                            &sc.partition,
                            sc.kind,
                            &sc.id,
                            [(d, 0)],
                        )
                        .expect("one document of this assessment");
                        let _ = sc.merge(&copy, now);
                    }
                }
            }
        }
    }
    let inspection = (spec.inspect_every > 0 && t.is_multiple_of(spec.inspect_every)).then(|| {
        now += 60_000;
        let mut insp = Assessment::create(
            NewAssessment {
                id: uuid(2, t),
                kind: Kind::Inspection,
                partition: sc.partition.clone(),
                header: Header {
                    round: "2026年下半年回头看".into(),
                    assessor: county.name.clone(),
                    created: crate::clock::rfc3339(now),
                    reviews: Some(sc.id.clone()),
                    ..sc.header().clone()
                },
                domains: sc.domains().cloned().collect(),
                basis: Some(basis_of(&sc)),
            },
            county.clone(),
            now,
        )
        .expect("a generated inspection is valid");
        for e in &cats {
            for (item, fp) in e.catalogue.items.iter().zip(&e.fingerprints) {
                if rng.below(10) != 0 {
                    continue;
                }
                now += 1000;
                let status = statuses[rng.below(statuses.len() as u64) as usize];
                let body = ItemResult {
                    checklist: e.catalogue.id.clone(),
                    item: item.id.clone(),
                    status,
                    fingerprint: fp.clone(),
                    ..ItemResult::default()
                };
                let _ = insp.record(Body::Result(body), county.clone(), now);
                if rng.per_mille(spec.tasks_per_mille * 10) {
                    let task = TaskSpec {
                        checklist: e.catalogue.id.clone(),
                        item: item.id.clone(),
                        description: "公开内容不全".into(),
                        requirement: "15日内补全".into(),
                        responsible_person: "负责人".into(),
                        deadline: crate::clock::date_after(now, rng.below(40)),
                        ..TaskSpec::default()
                    };
                    let _ = insp.record(Body::Task(task), county.clone(), now);
                    if rng.below(2) == 0 {
                        now += 1000;
                        let resp = TaskResponse {
                            checklist: e.catalogue.id.clone(),
                            item: item.id.clone(),
                            progress: Progress::Done,
                            response: "已补全".into(),
                            completed: Some(crate::clock::date(now)),
                            ..TaskResponse::default()
                        };
                        let _ = insp.record(Body::Response(resp), clerk.clone(), now);
                    }
                }
            }
        }
        insp
    });
    Township {
        self_check: sc,
        inspection,
        evidence,
    }
}
