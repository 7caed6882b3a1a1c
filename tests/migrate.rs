//! Version-1 assessment files (written by the last version-1 build, `tests/fixtures/v1/`)
//! load, convert losslessly to the current format, and are saved as the current format with
//! the version-1 file kept as `.bak`.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use zwgk::model::assessment::{ASSESSMENT_FORMAT_VERSION, Assessment, Kind};
use zwgk::model::doc::{DocKey, DocKind};
use zwgk::model::rectification::TaskState;
use zwgk::model::revision::{Hlc, Role};
use zwgk::store::{Store, load_assessment};

const V1: &str = "tests/fixtures/v1";
const FILES: [&str; 5] = [
    "self-check",
    "inspection",
    "self-check-conflict",
    "inspection-task-conflict",
    "self-check-upgraded",
];

fn v1_json(name: &str) -> Value {
    let bytes = std::fs::read(Path::new(V1).join(format!("{name}.json"))).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn load(name: &str) -> Assessment {
    load_assessment(&Path::new(V1).join(format!("{name}.json")))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// (author name, device, role, time, status-or-state text) of every revision of a v1 file's
/// results or tasks.
fn v1_revisions(v: &Value, section: &str) -> BTreeSet<(String, String, String, String)> {
    let mut out = BTreeSet::new();
    if let Some(docs) = v[section].as_object() {
        for doc in docs.values() {
            for r in doc["revisions"].as_array().unwrap() {
                out.insert((
                    r["author"]["name"].as_str().unwrap().to_string(),
                    r["author"]["device"].as_str().unwrap().to_string(),
                    r["author"]["role"].as_str().unwrap().to_string(),
                    r["hlc"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out
}

fn v2_revisions(a: &Assessment, kinds: &[DocKind]) -> BTreeSet<(String, String, String, String)> {
    a.docs
        .iter()
        .filter(|(k, _)| kinds.contains(&k.kind))
        .flat_map(|(_, d)| d.revisions())
        .map(|r| {
            (
                r.author.name.clone(),
                r.author.device.clone(),
                r.author.role.as_str().to_string(),
                r.hlc.to_string(),
            )
        })
        .collect()
}

#[test]
fn every_v1_fixture_converts_keeping_every_result_revision_with_its_author_and_time() {
    for name in FILES {
        let v = v1_json(name);
        let a = load(name);
        assert_eq!(a.id, v["id"].as_str().unwrap(), "{name}");
        // Every result revision is there, with the same author, device, role and time.
        assert_eq!(
            v2_revisions(&a, &[DocKind::Result]),
            v1_revisions(&v, "results"),
            "{name}: result revisions"
        );
        let v1_count: usize = v["results"]
            .as_object()
            .unwrap()
            .values()
            .map(|d| d["revisions"].as_array().unwrap().len())
            .sum();
        let v2_count: usize = a.docs.of_kind(DocKind::Result).map(|(_, d)| d.len()).sum();
        assert_eq!(v2_count, v1_count, "{name}: number of result revisions");
        // The current answers are the same.
        for doc in v["results"].as_object().unwrap().values() {
            let revs = doc["revisions"].as_array().unwrap();
            let body = &revs[0]["body"];
            let (c, i) = (
                body["checklist"].as_str().unwrap(),
                body["item"].as_str().unwrap(),
            );
            assert!(a.result_doc(c, i).is_some(), "{name}: {c}/{i}");
        }
        // Every converted revision is marked legacy and verifies under the format-2 rule.
        assert!(a.docs.iter().all(|(_, d)| d.revisions().all(|r| r.legacy)));
        // Header facts became documents by the assessor at the creation time.
        let h = a.header();
        assert_eq!(h.unit.name, v["unit"]["name"].as_str().unwrap());
        assert_eq!(h.round, v["round"].as_str().unwrap());
        assert_eq!(h.assessor, v["assessor"].as_str().unwrap());
        let header_rev = a.docs.get(&DocKey::header()).unwrap().winner().unwrap();
        assert_eq!(header_rev.author.name, h.assessor);
        let created: Hlc = v["created"].as_str().unwrap().parse().unwrap();
        assert_eq!(header_rev.hlc, created);
        for d in v["domains"].as_array().unwrap() {
            let c = d["checklist"].as_str().unwrap();
            let choice = a.domain(c).unwrap_or_else(|| panic!("{name}: domain {c}"));
            assert_eq!(choice.involved, d["involved"].as_bool().unwrap());
            assert_eq!(choice.version, d["version"].as_str().unwrap());
            assert_eq!(choice.reason.as_deref(), d["reason"].as_str());
        }
        assert_eq!(a.clock.to_string(), v["clock"].as_str().unwrap());
        // And it writes as the current format and reads back equal.
        let text = serde_json::to_string_pretty(&a).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["format_version"], ASSESSMENT_FORMAT_VERSION);
        let again = zwgk::store::parse_assessment(Path::new("x.json"), text.as_bytes()).unwrap();
        assert_eq!(again, a, "{name}: round trip");
    }
}

#[test]
fn the_not_involved_domain_and_its_reason_survive() {
    let a = load("self-check");
    let d = a.domain("affordable-housing").unwrap();
    assert!(!d.involved);
    assert_eq!(d.reason.as_deref(), Some("本镇无保障性住房建设任务"));
}

#[test]
fn conversion_is_deterministic_so_two_devices_converting_their_copies_agree() {
    for name in FILES {
        assert_eq!(load(name), load(name), "{name}");
    }
    // The same self-check on two devices (one with a later clock) converts to the same header.
    let a = load("self-check");
    let b = load("self-check-conflict");
    assert_eq!(
        a.docs.get(&DocKey::header()),
        b.docs.get(&DocKey::header()),
        "header documents differ between two copies of one assessment"
    );
    // The converted copies merge, and the merge brings the conflict, nothing else breaks.
    let mut merged = a.clone();
    let stats = merged.merge(&b, 1_795_761_605_000).unwrap();
    assert!(stats.added > 0);
    assert_eq!(merged.conflict_count(), b.conflict_count());
}

#[test]
fn a_v1_task_splits_into_the_inspectors_part_and_the_townships_response() {
    let a = load("inspection");
    assert_eq!(a.kind, Kind::Inspection);
    let tasks: Vec<_> = a.tasks().collect();
    assert_eq!(tasks.len(), 1);
    let t = tasks[0];
    assert_eq!(t.spec.description, "招生政策未公开");
    assert_eq!(t.spec.requirement, "7日内在网站公开招生政策");
    let r = t.response.expect("the township's response");
    assert_eq!(r.response, "已在网站公开招生政策");
    assert_eq!(r.completed.as_deref(), Some("2026-11-28"));
    assert_eq!(t.state, TaskState::Done);
    // The response's revision is the township's, the task's the county's.
    let key = DocKey::item(DocKind::Response, &t.spec.checklist, &t.spec.item);
    let resp = a.docs.get(&key).unwrap().winner().unwrap();
    assert_eq!(resp.author.role, Role::Township);
    let key = DocKey::item(DocKind::Task, &t.spec.checklist, &t.spec.item);
    assert!(
        a.docs
            .get(&key)
            .unwrap()
            .revisions()
            .all(|r| r.author.role == Role::County)
    );
}

#[test]
fn the_v1_task_conflict_is_no_conflict_once_the_two_sides_have_their_own_documents() {
    let a = load("inspection-task-conflict");
    let t = a.tasks().next().unwrap();
    // The county's later deadline and requirement and the township's response both stand.
    assert_eq!(t.spec.deadline, "2026-12-20");
    assert_eq!(t.spec.requirement, "7日内在网站和公示栏公开");
    assert_eq!(t.response.unwrap().response, "已在网站公开招生政策");
    assert_eq!(a.conflict_count(), 0);
}

#[test]
fn the_result_conflict_stays_a_conflict() {
    let a = load("self-check-conflict");
    assert_eq!(a.conflict_count(), 1);
    let doc = a.result_doc("compulsory-education", "05").unwrap();
    assert_eq!(doc.versions().len(), 2);
}

#[test]
fn the_upgrade_recheck_and_domain_version_survive() {
    let a = load("self-check-upgraded");
    let v = v1_json("self-check-upgraded");
    let edu = v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["checklist"] == "compulsory-education")
        .unwrap();
    assert_eq!(
        a.domain("compulsory-education").unwrap().version,
        edu["version"].as_str().unwrap()
    );
    assert!(
        a.result("compulsory-education", "02")
            .unwrap()
            .recheck
            .is_some()
    );
}

#[test]
fn saving_a_converted_file_writes_version_2_and_keeps_version_1_as_bak() {
    let dir = tempfile::tempdir().unwrap();
    let assessments = dir.path().join("assessments");
    std::fs::create_dir_all(&assessments).unwrap();
    let original = std::fs::read(Path::new(V1).join("self-check.json")).unwrap();
    let a = load("self-check");
    let path = assessments.join(format!("{}.json", a.id));
    std::fs::write(&path, &original).unwrap();
    let mut store = Store::open(dir.path(), "2026-11-30T00:00:00Z").unwrap();
    let listed = store.list().unwrap();
    let loaded = listed[0].1.as_ref().unwrap().clone();
    store.save(&loaded).unwrap();
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["format_version"], 2);
    let mut bak = path.clone().into_os_string();
    bak.push(".bak");
    assert_eq!(std::fs::read(&bak).unwrap(), original);
    assert_eq!(load_assessment(&path).unwrap(), loaded);
}

#[test]
fn files_validate_against_the_committed_schemas_of_their_version() {
    let schema = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(format!("schema/{name}")).unwrap()).unwrap()
    };
    let v1 = jsonschema::validator_for(&schema("assessment.v1.json")).unwrap();
    let v2 = jsonschema::validator_for(&schema("assessment.v2.json")).unwrap();
    for name in FILES {
        let old = v1_json(name);
        assert!(v1.is_valid(&old), "{name} against the version-1 schema");
        let new = serde_json::to_value(load(name)).unwrap();
        let errors: Vec<String> = v2.iter_errors(&new).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert!(
            !v2.is_valid(&old),
            "a version-1 file is not a version-2 file"
        );
    }
}
