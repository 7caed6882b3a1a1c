//! Upgrading an assessment to a newer catalogue version: unchanged answers carry over, answers
//! to changed rows are flagged 需重新检查 with the old answer kept, new rows start 未检查,
//! answers to removed rows are kept and marked retired; idempotent; every change a revision.

use std::collections::BTreeMap;

use zwgk::library::{Entry, Library, Origin};
use zwgk::model::assessment::{Assessment, Evidence, ItemResult, Recheck};
use zwgk::model::catalogue::{
    Audience, CHECKLIST_FORMAT, CHECKLIST_FORMAT_VERSION, Catalogue, Channel, Group, Item, Method,
    Tier,
};
use zwgk::model::doc::Body;
use zwgk::model::revision::{Author, Role};
use zwgk::model::status::Status;
use zwgk::model::upgrade::{UpgradeError, upgradable, upgrade};

const ID: &str = "town-test";
const NOW: u64 = 1_795_761_605_000;

fn item(id: &str, level2: &str, time_limit: &str) -> Item {
    Item {
        id: id.into(),
        level1: "就业信息服务".into(),
        level2: level2.into(),
        level3: None,
        content: format!("{level2}的内容"),
        elements: Vec::new(),
        basis: vec!["《中华人民共和国政府信息公开条例》".into()],
        time_limit: time_limit.into(),
        publisher: "乡镇人民政府".into(),
        channels: vec![Channel {
            name: "政府网站".into(),
            required: true,
        }],
        audience: vec![Audience::Public],
        audience_group: None,
        method: vec![Method::Proactive],
        tiers: vec![Tier::Township],
        truncated: Vec::new(),
        inferred: Vec::new(),
        extra: BTreeMap::new(),
        sources: Vec::new(),
    }
}

fn catalogue(version: &str, items: Vec<Item>) -> Catalogue {
    Catalogue {
        format: CHECKLIST_FORMAT.into(),
        format_version: CHECKLIST_FORMAT_VERSION,
        id: ID.into(),
        name: "测试领域".into(),
        aliases: Vec::new(),
        group: Group::Local,
        order: None,
        version: version.into(),
        issuer: None,
        guideline_items: None,
        sources: Vec::new(),
        sample: false,
        note: None,
        items,
    }
}

fn v1() -> Catalogue {
    catalogue(
        "2026.01",
        vec![
            item("01", "政策咨询", "20个工作日内"),
            item("02", "职业介绍", "20个工作日内"),
            item("03", "招聘信息", "实时"),
            item("04", "失业登记", "10个工作日内"),
        ],
    )
}

/// v2: 02's time limit changed, 03 removed, 05 added.
fn v2() -> Catalogue {
    catalogue(
        "2026.06",
        vec![
            item("01", "政策咨询", "20个工作日内"),
            item("02", "职业介绍", "信息形成之日起5个工作日内"),
            item("04", "失业登记", "10个工作日内"),
            item("05", "创业补贴", "及时"),
        ],
    )
}

fn entry(c: Catalogue) -> Entry {
    let mut lib = Library::default();
    lib.insert(c, Origin::Builtin);
    lib.get(ID).cloned().expect("inserted")
}

fn author() -> Author {
    Author {
        name: "张三".into(),
        device: "dev1".into(),
        role: Role::Township,
    }
}

fn new_assessment(version: &str) -> Assessment {
    let json = format!(
        r#"{{"format":"zwgk-assessment","format_version":1,
            "id":"0190f5a2-7c00-7000-8000-000000000001","kind":"self_check",
            "unit":{{"name":"胡集镇人民政府","county":"金乡县"}},
            "round":"2026年自查","assessor":"张三","created":"2026-11-27T06:40:05Z",
            "domains":[{{"checklist":"{ID}","version":"{version}","involved":true}},
                       {{"checklist":"employment","version":"2026.11","involved":true}}],
            "clock":"2026-11-27T06:40:05.000Z#0000","results":{{}}}}"#
    );
    // A version-1 file, converted as any would be on loading.
    zwgk::store::parse_assessment(std::path::Path::new("v1.json"), json.as_bytes())
        .expect("assessment JSON")
}

fn answer(a: &mut Assessment, c: &Catalogue, id: &str, status: Status, note: &str) {
    let it = c.item(id).expect("item");
    let body = ItemResult {
        checklist: ID.into(),
        item: id.into(),
        status,
        note: note.into(),
        findings: if status.is_problem() {
            vec!["内容不全".into()]
        } else {
            Vec::new()
        },
        evidence: vec![Evidence::Url {
            url: format!("http://example.gov.cn/{id}"),
        }],
        fingerprint: it.fingerprint(),
        ..ItemResult::default()
    };
    a.record(Body::Result(body), author(), NOW).expect("record");
}

/// An assessment against v1 with answers to 01 (compliant), 02 (partial), 03 (missing).
fn answered() -> Assessment {
    let c = v1();
    let mut a = new_assessment(&c.version);
    answer(&mut a, &c, "01", Status::Compliant, "网站已公开");
    answer(&mut a, &c, "02", Status::Partial, "缺少办理流程");
    answer(&mut a, &c, "03", Status::Missing, "未公开");
    a
}

fn history_len(a: &Assessment, item: &str) -> usize {
    a.result_doc(ID, item).map_or(0, |d| d.revisions().len())
}

#[test]
fn upgrade_carries_flags_adds_and_retires() {
    let mut a = answered();
    let before = a.clone();
    let old_01 = a.result(ID, "01").cloned().expect("01");
    let old_02 = a.result(ID, "02").cloned().expect("02");
    let old_03 = a.result(ID, "03").cloned().expect("03");

    let report = upgrade(&mut a, &entry(v2()), author(), NOW + 60_000).expect("upgrade");
    assert_eq!(
        (report.carried, report.changed, report.new, report.retired),
        (1, 1, 2, 1),
        "{report:?}"
    );
    assert_eq!(
        report.revisions, 3,
        "one revision for 02, one for 03, one for the domain's version"
    );
    assert_eq!(report.from_version, "2026.01");
    assert_eq!(report.to_version, "2026.06");

    // Unchanged: identical, no new revision.
    assert_eq!(a.result(ID, "01"), Some(&old_01));
    assert_eq!(history_len(&a, "01"), history_len(&before, "01"));

    // Changed: 需重新检查, status 未检查, the old answer kept beside it; history +1.
    let r02 = a.result(ID, "02").expect("02 kept");
    assert_eq!(r02.status, Status::Unchecked);
    assert_eq!(
        r02.recheck,
        Some(Recheck {
            previous_status: Status::Partial,
            previous_fingerprint: old_02.fingerprint.clone(),
            from_version: "2026.01".into(),
            to_version: "2026.06".into(),
        })
    );
    assert_eq!(r02.note, old_02.note);
    assert_eq!(r02.findings, old_02.findings);
    assert_eq!(r02.evidence, old_02.evidence);
    assert_eq!(
        r02.fingerprint, old_02.fingerprint,
        "made against the old row"
    );
    assert_eq!(history_len(&a, "02"), history_len(&before, "02") + 1);
    let doc = a.result_doc(ID, "02").expect("doc");
    let winner = doc.winner().expect("winner");
    let parent = winner
        .parent
        .as_ref()
        .and_then(|p| doc.get(p))
        .expect("parent");
    assert_eq!(
        parent.body,
        Body::Result(old_02),
        "history keeps the old answer"
    );
    assert_eq!(winner.author, author());

    // New: no document, 未检查.
    assert!(a.result_doc(ID, "05").is_none());
    assert_eq!(a.status(ID, "05"), Status::Unchecked);

    // Removed: kept with its answer, marked retired.
    let r03 = a.result(ID, "03").expect("03 kept");
    assert_eq!(r03.retired_in.as_deref(), Some("2026.06"));
    assert_eq!(r03.status, Status::Missing);
    assert_eq!(r03.note, old_03.note);
    assert_eq!(history_len(&a, "03"), history_len(&before, "03") + 1);

    // Version updated for this domain only.
    assert_eq!(a.domain(ID).map(|d| d.version.as_str()), Some("2026.06"));
    assert_eq!(
        a.domain("employment").map(|d| d.version.as_str()),
        Some("2026.11")
    );
    assert!(a.clock > before.clock, "the clock moved with the revisions");
}

#[test]
fn second_upgrade_is_a_no_op() {
    let mut a = answered();
    let new = entry(v2());
    upgrade(&mut a, &new, author(), NOW + 60_000).expect("first");
    let after_first = a.clone();
    let report = upgrade(&mut a, &new, author(), NOW + 120_000).expect("second");
    assert!(report.is_noop(), "{report:?}");
    assert_eq!(a, after_first, "nothing changed the second time");
    assert_eq!(
        (report.carried, report.changed, report.new, report.retired),
        (1, 1, 2, 1)
    );
}

#[test]
fn upgraded_assessment_round_trips_through_json() {
    let mut a = answered();
    upgrade(&mut a, &entry(v2()), author(), NOW + 60_000).expect("upgrade");
    let json = serde_json::to_string_pretty(&a).expect("serialize");
    assert!(json.contains("\"recheck\""));
    assert!(json.contains("\"retired_in\": \"2026.06\""));
    let back: Assessment = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, a);
    assert!(back.result(ID, "02").is_some_and(|r| r.recheck.is_some()));
    assert!(
        back.result(ID, "03")
            .is_some_and(|r| r.retired_in.is_some())
    );
}

#[test]
fn files_without_the_new_fields_still_load() {
    let a = answered();
    let json = serde_json::to_string(&a).expect("serialize");
    assert!(!json.contains("recheck") && !json.contains("retired_in"));
    // A result body as an older zwgk wrote it (no recheck, no retired_in).
    let old_body = r#"{"checklist":"x","item":"01","status":"compliant","fingerprint":"ab"}"#;
    let body: ItemResult = serde_json::from_str(old_body).expect("old body");
    assert_eq!(body.recheck, None);
    assert_eq!(body.retired_in, None);
    // Revision ids recompute on load, so old revisions still verify.
    let back: Assessment = serde_json::from_str(&json).expect("old file loads");
    assert_eq!(back, a);
}

#[test]
fn a_row_restored_in_a_later_version_gets_its_answer_back() {
    let mut a = answered();
    upgrade(&mut a, &entry(v2()), author(), NOW + 60_000).expect("v2");
    // v3 puts 03 back unchanged and 02 back to its v1 text.
    let mut v3 = v1();
    v3.version = "2026.09".into();
    let report = upgrade(&mut a, &entry(v3), author(), NOW + 120_000).expect("v3");
    assert_eq!(report.retired, 0);
    let r02 = a.result(ID, "02").expect("02");
    assert_eq!(r02.status, Status::Partial, "old status back");
    assert_eq!(r02.recheck, None);
    let r03 = a.result(ID, "03").expect("03");
    assert_eq!(r03.retired_in, None);
    assert_eq!(r03.status, Status::Missing);
    assert_eq!(report.revisions, 3, "02, 03 and the domain's version");
}

#[test]
fn older_or_unknown_catalogues_are_refused() {
    let mut a = answered();
    let mut old = v1();
    old.version = "2025.01".into();
    assert!(matches!(
        upgrade(&mut a, &entry(old), author(), NOW),
        Err(UpgradeError::Older { .. })
    ));
    let mut other = v2();
    other.id = "not-chosen".into();
    let mut lib = Library::default();
    lib.insert(other, Origin::Builtin);
    let e = lib.get("not-chosen").cloned().expect("entry");
    assert!(matches!(
        upgrade(&mut a, &e, author(), NOW),
        Err(UpgradeError::NotChosen { .. })
    ));
}

#[test]
fn upgradable_lists_domains_with_a_newer_catalogue() {
    let a = answered();
    let mut lib = Library::default();
    lib.insert(v2(), Origin::Builtin);
    let ids: Vec<&str> = upgradable(&a, &lib)
        .iter()
        .map(|e| e.catalogue.id.as_str())
        .collect();
    assert_eq!(ids, vec![ID]);
    let mut lib = Library::default();
    lib.insert(v1(), Origin::Builtin);
    assert!(upgradable(&a, &lib).is_empty());
}
