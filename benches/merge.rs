//! What merging costs when a document has many concurrent versions: N conflicting roots of one
//! item result arrive in a copy whose same document already has N others (issue 14, item 8:
//! with each revision inserted into a sorted `Vec` this took 8.7 s, 33 s and 120 s for
//! N = 12,500, 25,000 and 50,000).
//!
//! - `assessment_merge`: `Assessment::merge` in memory (every check of an import: revisions
//!   compared, role rule, clock bound, conflicts counted).
//! - `store_import`: `Store::import` of the other copy as a file handed over: reading it,
//!   recomputing every revision id, merging and saving the result (the whole `zwgk import`).
//!
//! `cargo bench --bench merge`. Each N is built once; every sample merges into a fresh copy.

use std::sync::LazyLock;

use zwgk::model::assessment::{
    Assessment, DomainChoice, Header, ItemResult, Kind, NewAssessment, Unit,
};
use zwgk::model::doc::{Body, DocKey, DocKind, DocSet};
use zwgk::model::revision::{Author, Document, Hlc, Role};
use zwgk::model::status::Status;
use zwgk::store::Store;

fn main() {
    divan::main();
}

/// 2026-11-27T06:40:05Z.
const T0: u64 = 1_795_761_605_000;
const EDU: &str = "compulsory-education";
const SIZES: [usize; 3] = [12_500, 25_000, 50_000];

fn author(i: usize) -> Author {
    Author {
        name: format!("乡镇{}", i % 7),
        device: format!("laptop-{}", i % 13),
        role: Role::Township,
    }
}

fn base() -> Assessment {
    let unit = Unit {
        name: "胡集镇人民政府".into(),
        division_code: Some("370828102".into()),
        county: "金乡县".into(),
        city: None,
    };
    Assessment::create(
        NewAssessment {
            id: "0190f5a2-7c00-7000-8000-0000000be7c4".into(),
            kind: Kind::SelfCheck,
            partition: unit.partition(),
            header: Header {
                unit,
                round: "2026年下半年自查".into(),
                assessor: "张三".into(),
                created: "2026-11-27T06:40:05.000Z".into(),
                reviews: None,
            },
            domains: vec![DomainChoice {
                checklist: EDU.into(),
                version: "2026.11".into(),
                involved: true,
                reason: None,
                summary: String::new(),
            }],
            basis: None,
        },
        author(0),
        T0,
    )
    .expect("a new assessment")
}

/// The assessment whose result of item 01 has the roots `from..from + n`: each a version of
/// its own made apart (another note, author and time), all in conflict.
fn with_roots(from: usize, n: usize) -> Assessment {
    let a = base();
    let key = DocKey::item(DocKind::Result, EDU, "01");
    let id = a.docs.id_of(&key);
    let mut doc: Document<Body> = Document::new(id.clone());
    for i in from..from + n {
        let body = Body::Result(ItemResult {
            checklist: EDU.into(),
            item: "01".into(),
            status: if i % 2 == 0 {
                Status::Compliant
            } else {
                Status::Partial
            },
            note: format!("第 {i} 个版本"),
            ..ItemResult::default()
        });
        let mut root: Document<Body> = Document::new(id.clone());
        root.commit(None, body, author(i), Hlc::new(T0 + 1_000 + i as u64, 0))
            .expect("a root");
        doc.merge(&root).expect("roots of one document merge");
    }
    let mut documents: Vec<(Document<Body>, u64)> = a
        .docs
        .documents()
        .map(|(d, seq)| (d.clone(), seq))
        .collect();
    documents.push((doc, 0));
    let docs = DocSet::from_documents(&a.partition, a.kind, &a.id, documents)
        .expect("the documents of one assessment");
    Assessment { docs, ..a }
}

struct Pair {
    here: Assessment,
    there: Assessment,
}

fn pair(n: usize) -> Pair {
    Pair {
        here: with_roots(0, n),
        there: with_roots(n, n),
    }
}

static PAIRS: LazyLock<Vec<(usize, Pair)>> =
    LazyLock::new(|| SIZES.iter().map(|&n| (n, pair(n))).collect());

fn pair_of(n: usize) -> &'static Pair {
    &PAIRS
        .iter()
        .find(|(m, _)| *m == n)
        .expect("a size of SIZES")
        .1
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn assessment_merge(bencher: divan::Bencher, n: usize) {
    let p = pair_of(n);
    bencher
        .with_inputs(|| p.here.clone())
        .bench_local_values(|mut here| {
            let m = here.merge(&p.there, T0 + 3_600_000).expect("merges");
            assert_eq!(m.added, n);
            here
        });
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn store_import(bencher: divan::Bencher, n: usize) {
    let p = pair_of(n);
    bencher
        .with_inputs(|| {
            let dir = tempfile::tempdir().expect("a temporary data dir");
            let mut store = Store::open(dir.path(), "t").expect("the data dir opens");
            store.save(&p.here).expect("saved");
            store.list().expect("listed");
            let file = dir.path().join("handed-over.json");
            zwgk::store::save_copy(&p.there, &file).expect("written");
            (dir, store, file)
        })
        .bench_local_values(|(dir, mut store, file)| {
            let imported = store.import(&file, T0 + 3_600_000).expect("imports");
            assert_eq!(imported.merge.added, n);
            (dir, store)
        });
}
