//! The shipped catalogues, the committed JSON Schemas, item fingerprints, catalogue replacement
//! by id and version, and the `zwgk checklist` list/show output.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use unicode_width::UnicodeWidthStr;
use zwgk::cli::{ChecklistCommand, Lang, SchemaKind};
use zwgk::command::{self, EXIT_BAD_INPUT, EXIT_OK};
use zwgk::library::{Library, Notice, Origin, compare_versions};
use zwgk::model::catalogue::{Catalogue, Group, GuidelineItems, Item, ItemField, SourceRef, Tier};
use zwgk::model::validate::validate_catalogue;
use zwgk::schema::schema_json;
use zwgk::text::width;

/// Number of catalogue files in `checklists/`.
const SHIPPED: usize = 28;

fn checklist_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn shipped(id: &str) -> Catalogue {
    Library::builtin()
        .get(id)
        .unwrap_or_else(|| panic!("no catalogue {id}"))
        .catalogue
        .clone()
}

// ---------------------------------------------------------------------------------------------
// Shipped catalogues

#[test]
fn builtin_library_loads_every_catalogue_without_notices() {
    let lib = Library::builtin();
    let notices: Vec<String> = lib.notices().iter().map(ToString::to_string).collect();
    assert!(notices.is_empty(), "notices:\n{}", notices.join("\n"));
    assert_eq!(lib.len(), SHIPPED);
    assert_eq!(
        checklist_files().len(),
        SHIPPED,
        "a checklists/*.json file was added or removed"
    );
    assert_eq!(
        lib.group(Group::National).count(),
        26,
        "the 26 national domains"
    );
    assert_eq!(
        lib.group(Group::City).count(),
        1,
        "the \"+1\" city catalogue"
    );
    assert!(
        lib.group(Group::Local).count() >= 1,
        "at least one \"+n\" local catalogue"
    );
    assert!(lib.entries().iter().all(|e| e.origin == Origin::Builtin));
}

#[test]
fn every_shipped_catalogue_is_a_complete_sample() {
    let lib = Library::builtin();
    let mut problems = Vec::new();
    for entry in lib.entries() {
        let c = &entry.catalogue;
        if c.items.is_empty() {
            problems.push(format!("{}: no items", c.id));
        }
        if !c.sample {
            problems.push(format!("{}: sample is not true", c.id));
        }
        assert_eq!(entry.fingerprints.len(), c.items.len());
        let mut ids = BTreeSet::new();
        for item in &c.items {
            if !ids.insert(item.id.as_str()) {
                problems.push(format!("{}: duplicate item id {}", c.id, item.id));
            }
            if item.level1.trim().is_empty() {
                problems.push(format!("{} item {}: empty level1", c.id, item.id));
            }
            if item.level2.trim().is_empty() {
                problems.push(format!("{} item {}: empty level2", c.id, item.id));
            }
            if !item
                .sources
                .iter()
                .any(|s| s.url.starts_with("http://") || s.url.starts_with("https://"))
            {
                problems.push(format!("{} item {}: no source URL", c.id, item.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_checklist_file_validates_and_is_canonical() {
    let mut problems = Vec::new();
    for path in checklist_files() {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = fs::read_to_string(&path).unwrap();
        let catalogue = match validate_catalogue(&name, text.as_bytes()) {
            Ok(c) => c,
            Err(ps) => {
                problems.extend(ps.iter().map(ToString::to_string));
                continue;
            }
        };
        assert_eq!(
            format!("{}.json", catalogue.id),
            name,
            "file name should be the catalogue id"
        );
        // The app reads the shipped files straight into their types: the same catalogue.
        assert_eq!(
            Library::builtin().get(&catalogue.id).map(|e| &e.catalogue),
            Some(&catalogue),
            "{name}"
        );
        let canonical = serde_json::to_string_pretty(&catalogue).unwrap() + "\n";
        if canonical != text {
            let line = canonical
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || "at the end".to_string(),
                    |i| format!("from line {}", i + 1),
                );
            problems.push(format!("{name}: not in canonical form (differs {line})"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// The ledger of item ids and fingerprints (`tools/catalogue-ledger.json`)

fn ledger() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tools")
        .join("catalogue-ledger.json");
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The ledger entry of one catalogue.
fn ledger_of<'a>(ledger: &'a Value, id: &str) -> &'a Value {
    ledger["catalogues"]
        .get(id)
        .unwrap_or_else(|| panic!("catalogue {id} is not in tools/catalogue-ledger.json"))
}

#[test]
fn the_ledger_holds_every_shipped_item_with_its_fingerprint() {
    let ledger = ledger();
    let lib = Library::builtin();
    let mut problems = Vec::new();
    for entry in lib.entries() {
        let c = &entry.catalogue;
        let l = ledger_of(&ledger, &c.id);
        let versions = l["versions"].as_array().unwrap();
        if versions.last().and_then(Value::as_str) != Some(c.version.as_str()) {
            problems.push(format!(
                "{}: version {} is not the ledger's last version",
                c.id, c.version
            ));
        }
        for (item, fp) in c.items.iter().zip(&entry.fingerprints) {
            let recorded = &l["items"][&item.id]["fingerprints"][&c.version];
            if recorded.as_str() != Some(fp.0.as_str()) {
                problems.push(format!(
                    "{} item {}: fingerprint {} in the file, {recorded} in the ledger",
                    c.id, item.id, fp.0
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "run tools/build_checklists.py again:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_ledger_accounts_for_every_reference_row() {
    let ledger = ledger();
    let lib = Library::builtin();
    let total: u64 = ledger["reference_rows"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(
        total, 266,
        "216 rows in catalogue-rows.json and 50 in catalogue-rows-more.json"
    );
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for (id, l) in ledger["catalogues"].as_object().unwrap() {
        let c = &lib
            .get(id)
            .unwrap_or_else(|| panic!("{id} is not shipped"))
            .catalogue;
        for (item_id, rec) in l["items"].as_object().unwrap() {
            let rows = rec["rows"].as_array().unwrap();
            for row in rows {
                if !seen.insert(row.as_str().unwrap().to_string()) {
                    problems.push(format!("{row} is held by two items"));
                }
            }
            match (c.item(item_id), rec.get("retired")) {
                (Some(_), Some(_)) => problems.push(format!("{id} {item_id}: retired but shipped")),
                (None, None) => {
                    problems.push(format!("{id} {item_id}: neither shipped nor retired"))
                }
                (None, Some(_)) if !rows.is_empty() => {
                    problems.push(format!("{id} {item_id}: retired but holds rows"))
                }
                // Each row the item holds is one of its sources.
                (Some(item), None) if item.sources.len() != rows.len() => problems.push(format!(
                    "{id} {item_id}: {} sources, {} rows",
                    item.sources.len(),
                    rows.len()
                )),
                _ => {}
            }
        }
    }
    for row in ledger["left_out"].as_object().unwrap().keys() {
        if !seen.insert(row.clone()) {
            problems.push(format!("{row} is left out and held by an item"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        seen.len() as u64,
        total,
        "every reference row is accounted for once"
    );
}

#[test]
fn versions_move_on_where_items_changed_and_unchanged_rows_keep_their_fingerprints() {
    let ledger = ledger();
    let lib = Library::builtin();
    let mut problems = Vec::new();
    let mut bumped = 0;
    let mut changed = Vec::new();
    for entry in lib.entries() {
        let c = &entry.catalogue;
        let l = ledger_of(&ledger, &c.id);
        let versions: Vec<&str> = l["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for pair in versions.windows(2) {
            if compare_versions(pair[1], pair[0]) != std::cmp::Ordering::Greater {
                problems.push(format!("{}: version {} after {}", c.id, pair[1], pair[0]));
            }
        }
        let [.., previous, current] = versions.as_slice() else {
            continue; // one version only: nothing to compare
        };
        bumped += 1;
        for (item_id, rec) in l["items"].as_object().unwrap() {
            let before = rec["fingerprints"].get(*previous).and_then(Value::as_str);
            let now = rec["fingerprints"].get(*current).and_then(Value::as_str);
            let why = rec.get("changes").and_then(|w| w.get(*current));
            match (before, now) {
                (Some(b), Some(n)) if b != n => {
                    changed.push(format!("{} {item_id}", c.id));
                    if why.is_none() {
                        problems.push(format!(
                            "{} {item_id}: fingerprint changed in {current} without a reason",
                            c.id
                        ));
                    }
                }
                (Some(_), Some(_)) if why.is_some() => {
                    problems.push(format!(
                        "{} {item_id}: a reason for a change that did not happen",
                        c.id
                    ));
                }
                (Some(_), None)
                    if rec
                        .get("retired")
                        .and_then(|r| r.get("in"))
                        .and_then(Value::as_str)
                        != Some(*current) =>
                {
                    problems.push(format!(
                        "{} {item_id}: gone in {current} but not retired in it",
                        c.id
                    ));
                }
                (None, Some(_)) => {} // a new item
                _ => {}
            }
        }
        if c.version != *current {
            problems.push(format!(
                "{}: shipped {} but the ledger ends at {current}",
                c.id, c.version
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(bumped > 0, "the ledger records at least one upgrade");
    // The rows whose requirement changed in 2026.11.30 (tools/rows-accounted.md says why): a
    // merge, and names in brackets that were the reference's description, not the table's.
    changed.sort();
    assert_eq!(
        changed,
        [
            "affordable-housing 01",
            "agricultural-funds-local 01",
            "agricultural-funds-local 02",
            "disaster-relief 08",
            "disaster-relief 09",
            "ecological-environment 02",
            "medical-health 02",
            "medical-health 03",
        ]
    );
}

#[test]
fn every_item_has_a_label_of_its_own_in_every_shipped_catalogue() {
    let mut problems = Vec::new();
    for entry in Library::builtin().entries() {
        let c = &entry.catalogue;
        let labels = c.labels();
        assert_eq!(labels.len(), c.items.len());
        // In full, and cut to the widths of the walk's list (80 to 160 columns, either language).
        for cols in std::iter::once(usize::MAX).chain(16..=60) {
            let shown: Vec<String> = if cols == usize::MAX {
                labels.iter().map(ToString::to_string).collect()
            } else {
                c.labels_within(cols)
            };
            for s in &shown {
                if cols != usize::MAX && width(s) > cols {
                    problems.push(format!("{} at {cols} columns: {s:?} is wider", c.id));
                }
            }
            for (i, a) in shown.iter().enumerate() {
                if let Some(j) = shown.iter().skip(i + 1).position(|b| b == a) {
                    problems.push(format!(
                        "{} at {cols} columns: items {} and {} both read {a:?}",
                        c.id,
                        c.items[i].id,
                        c.items[i + 1 + j].id
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn items_that_read_alike_are_told_apart_by_their_labels() {
    let label = |id: &str, item: &str| {
        let c = shipped(id);
        let i = c.items.iter().position(|it| it.id == item).unwrap();
        c.labels()[i].to_string()
    };
    // 养老服务 01 and 07: the same long 二级事项, under different 一级事项.
    assert_eq!(
        label("elderly-care", "01"),
        "国家和地方层面养老服务相关法律、法规、政策文件 · 养老服务通用政策"
    );
    assert_eq!(
        label("elderly-care", "07"),
        "国家和地方层面养老服务相关法律、法规、政策文件 · 养老服务政策"
    );
    // 义务教育 04 and 07 (招生政策): one's content holds the other's, so the publisher tells.
    assert_eq!(
        label("compulsory-education", "04"),
        "招生政策 · 民众镇教体文旅局"
    );
    assert_eq!(
        label("compulsory-education", "07"),
        "招生政策 · 翔安区教育局"
    );
    // 救灾 08 and 09 have no 二级事项 (the reference's "(受灾情况)" was not the table's text).
    assert_eq!(label("disaster-relief", "08"), "灾后救助");
    assert_eq!(label("disaster-relief", "09"), "款物管理");
    // 生态环境: the table's 三级事项.
    assert_eq!(
        label("ecological-environment", "13"),
        "机构、人事信息 · 领导信息"
    );
    // 保障性住房 08 was the same requirement as 01: merged, its id retired.
    let housing = shipped("affordable-housing");
    assert!(housing.item("08").is_none());
    assert_eq!(housing.item("01").unwrap().sources.len(), 2);
    assert_eq!(label("affordable-housing", "01"), "法律法规");
}

#[test]
fn shipped_catalogues_come_in_the_official_order() {
    let lib = Library::builtin();
    let national: Vec<(Option<u32>, &str)> = lib
        .group(Group::National)
        .map(|e| (e.catalogue.order, e.catalogue.name.as_str()))
        .collect();
    let official = [
        "重大建设项目",
        "公共资源交易",
        "财政预决算",
        "安全生产",
        "税收管理",
        "征地补偿",
        "国有土地上房屋征收与补偿",
        "农村危房改造",
        "生态环境",
        "公共法律服务",
        "扶贫",
        "救灾",
        "食品药品监管",
        "城市综合执法",
        "就业",
        "社会救助",
        "养老服务",
        "户籍管理",
        "涉农补贴",
        "医疗卫生",
        "市政服务",
        "保障性住房",
        "义务教育",
        "公共文化服务",
        "城乡规划",
        "社会保险",
    ];
    let expected: Vec<(Option<u32>, &str)> = official
        .iter()
        .enumerate()
        .map(|(i, name)| (Some(i as u32 + 1), *name))
        .collect();
    assert_eq!(national, expected);
    let groups: Vec<Group> = lib.entries().iter().map(|e| e.catalogue.group).collect();
    assert_eq!(groups[26..], [Group::City, Group::Local]);
}

#[test]
fn lists_sort_by_group_then_order_then_name() {
    let dir = tempfile::tempdir().unwrap();
    let local = |id: &str, name: &str, order: Option<u32>| {
        let mut c = employment_variant("1");
        c.id = id.into();
        c.name = name.into();
        c.group = Group::Local;
        c.order = order;
        write_catalogue(dir.path(), &format!("{id}.json"), &c);
    };
    // File names (and ids) in the opposite order of the expected list.
    local("a-town-b", "B 本镇", None);
    local("b-town-a", "A 本镇", None);
    local("c-second", "Z 第二", Some(2));
    local("d-first", "Y 第一", Some(1));
    let lib = Library::load(&[dir.path().to_path_buf()]);
    assert!(lib.notices().is_empty(), "{:?}", lib.notices());
    let locals: Vec<&str> = lib
        .group(Group::Local)
        .map(|e| e.catalogue.id.as_str())
        .collect();
    // The shipped 涉农资金 example has no order either: by name, after "A"/"B".
    assert_eq!(
        locals,
        [
            "d-first",
            "c-second",
            "b-town-a",
            "a-town-b",
            "agricultural-funds-local"
        ]
    );
}

#[test]
fn county_only_items_are_not_for_the_township() {
    let c = shipped("major-construction-projects");
    let not: Vec<&str> = c.not_for_township().iter().map(|i| i.id.as_str()).collect();
    assert!(
        not.contains(&"10"),
        "建筑工程施工许可证核发 is 县级 only: {not:?}"
    );
    assert_eq!(c.item("10").unwrap().applies_to(Tier::County), Some(true));
    // Tiers the reference inferred are not known tiers.
    let employment = shipped("employment");
    let guessed = employment.item("03").unwrap();
    assert_eq!(guessed.tiers, [Tier::County]);
    assert_eq!(guessed.inferred, [ItemField::Tiers]);
    assert_eq!(guessed.applies_to(Tier::Township), None);
    // Across the library: every item the township need not publish has known tiers without it.
    for entry in Library::builtin().entries() {
        for item in entry.catalogue.not_for_township() {
            assert!(!item.tiers.contains(&Tier::Township));
            assert!(!item.inferred.contains(&ItemField::Tiers));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Schemas

fn committed_schema(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(file);
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn committed_schemas_match_the_code() {
    for (kind, name, file) in [
        (SchemaKind::Checklist, "checklist", "checklist.v1.json"),
        (SchemaKind::Assessment, "assessment", "assessment.v2.json"),
        (SchemaKind::Bundle, "bundle", "bundle.v1.json"),
    ] {
        let generated: Value = serde_json::from_str(&schema_json(kind)).unwrap();
        assert_eq!(
            committed_schema(file),
            generated,
            "schema/{file} is out of date: regenerate it with `cargo run -- schema {name} > schema/{file}`"
        );
    }
}

#[test]
fn shipped_catalogues_validate_against_the_committed_schema() {
    let schema = committed_schema("checklist.v1.json");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut problems = Vec::new();
    for path in checklist_files() {
        let instance: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        if !validator.is_valid(&instance) {
            for e in validator.iter_errors(&instance) {
                problems.push(format!("{}: {}: {e}", path.display(), e.instance_path()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn committed_schema_rejects_a_broken_catalogue() {
    // Guards the test above against a schema that accepts anything.
    let validator = jsonschema::validator_for(&committed_schema("checklist.v1.json")).unwrap();
    let mut bad: Value = serde_json::to_value(shipped("employment")).unwrap();
    bad["items"][0]["audience"] = serde_json::json!(["everyone"]);
    assert!(!validator.is_valid(&bad));
    let mut bad: Value = serde_json::to_value(shipped("employment")).unwrap();
    bad["unknown"] = Value::Bool(true);
    assert!(!validator.is_valid(&bad));
    let mut bad: Value = serde_json::to_value(shipped("employment")).unwrap();
    bad.as_object_mut().unwrap().remove("items");
    assert!(!validator.is_valid(&bad));
}

// ---------------------------------------------------------------------------------------------
// Fingerprints

fn sample_item() -> Item {
    let item = shipped("employment").items[0].clone();
    assert!(
        !item.channels.is_empty(),
        "the first employment item should have channels"
    );
    item
}

#[test]
fn fingerprint_is_stable() {
    let item = sample_item();
    let fp = item.fingerprint();
    assert_eq!(fp, item.clone().fingerprint());
    assert_eq!(fp.0.len(), 64);
    assert!(fp.0.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(fp.short(), &fp.0[..12]);
    // Same as the library computed.
    let lib = Library::builtin();
    assert_eq!(lib.get("employment").unwrap().fingerprints[0], fp);
    // Round trip through the file format keeps it.
    let back: Item = serde_json::from_str(&serde_json::to_string(&item).unwrap()).unwrap();
    assert_eq!(back.fingerprint(), fp);
}

#[test]
fn fingerprint_changes_with_the_requirement() {
    let item = sample_item();
    let fp = item.fingerprint();

    let mut changed = item.clone();
    changed.time_limit.push_str("(延长)");
    assert_ne!(changed.fingerprint(), fp, "time_limit");

    let mut changed = item.clone();
    changed.channels[0].required = !changed.channels[0].required;
    assert_ne!(changed.fingerprint(), fp, "a channel's required flag");

    let mut changed = item.clone();
    changed.level2.push('2');
    assert_ne!(changed.fingerprint(), fp, "level2");

    // Moving text from one field to the next is a different requirement.
    let mut a = item.clone();
    a.level1 = "AB".into();
    a.level2 = "C".into();
    let mut b = item.clone();
    b.level1 = "A".into();
    b.level2 = "BC".into();
    assert_ne!(
        a.fingerprint(),
        b.fingerprint(),
        "text moved between fields"
    );
}

#[test]
fn fingerprint_ignores_id_extra_and_sources() {
    let item = sample_item();
    let fp = item.fingerprint();

    let mut changed = item.clone();
    changed.id = "99-renumbered".into();
    assert_eq!(changed.fingerprint(), fp, "id");

    let mut changed = item.clone();
    changed
        .extra
        .insert("咨询电话".into(), "0000-1234567".into());
    assert_eq!(changed.fingerprint(), fp, "extra");

    let mut changed = item.clone();
    changed.sources.push(SourceRef {
        url: "https://example.gov.cn/another-county.html".into(),
        mirror: true,
        note: Some("另一县".into()),
    });
    assert_eq!(changed.fingerprint(), fp, "sources added");
    changed.sources.clear();
    assert_eq!(changed.fingerprint(), fp, "sources removed");
}

// ---------------------------------------------------------------------------------------------
// Replacing and adding catalogues

/// The shipped employment catalogue with another version and a single new item.
fn employment_variant(version: &str) -> Catalogue {
    let mut c = shipped("employment");
    c.version = version.into();
    let mut item = c.items[0].clone();
    item.id = "local-1".into();
    item.level2 = "本地新增事项".into();
    c.items = vec![item];
    c
}

fn write_catalogue(dir: &Path, file: &str, c: &Catalogue) -> PathBuf {
    let path = dir.join(file);
    fs::write(&path, serde_json::to_string_pretty(c).unwrap()).unwrap();
    path
}

#[test]
fn newer_version_replaces_the_builtin() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_catalogue(dir.path(), "employment.json", &employment_variant("2027.1"));
    let builtin_version = shipped("employment").version;
    let lib = Library::load(&[dir.path().to_path_buf()]);
    assert_eq!(
        lib.notices(),
        &[Notice::Replaced {
            id: "employment".into(),
            old_version: builtin_version,
            new_version: "2027.1".into(),
            by: path.clone(),
        }]
    );
    let entry = lib.get("employment").unwrap();
    assert_eq!(entry.origin, Origin::File(path));
    assert_eq!(entry.catalogue.version, "2027.1");
    let ids: Vec<&str> = entry
        .catalogue
        .items
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids, ["local-1"]);
    assert_eq!(
        entry.fingerprints,
        vec![entry.catalogue.items[0].fingerprint()]
    );
    assert_eq!(lib.len(), SHIPPED);
}

#[test]
fn older_or_equal_version_is_ignored() {
    let builtin = shipped("employment");
    for version in ["2020", builtin.version.as_str()] {
        let dir = tempfile::tempdir().unwrap();
        let path = write_catalogue(dir.path(), "employment.json", &employment_variant(version));
        let lib = Library::load(&[dir.path().to_path_buf()]);
        assert_eq!(
            lib.notices(),
            &[Notice::Ignored {
                path,
                id: "employment".into(),
                version: version.into(),
                kept_version: builtin.version.clone(),
            }],
            "version {version}"
        );
        let entry = lib.get("employment").unwrap();
        assert_eq!(entry.origin, Origin::Builtin);
        assert_eq!(entry.catalogue, builtin);
    }
}

#[test]
fn bad_file_is_reported_and_the_rest_still_load() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("a-broken.json");
    fs::write(
        &bad,
        "{\"format\": \"zwgk-checklist\", \"format_version\": 1, \"id\": \"Broken\"",
    )
    .unwrap();
    let mut added = employment_variant("1");
    added.id = "zz-added".into();
    write_catalogue(dir.path(), "zz-added.json", &added);
    let lib = Library::load(&[dir.path().to_path_buf()]);
    let [Notice::Invalid(problems)] = lib.notices() else {
        panic!("expected one Invalid notice, got {:?}", lib.notices());
    };
    assert!(!problems.is_empty());
    assert!(
        problems.iter().all(|p| p.file == bad.display().to_string()),
        "{problems:?}"
    );
    assert_eq!(
        lib.len(),
        SHIPPED + 1,
        "the other file and every builtin still load"
    );
    assert!(lib.get("zz-added").is_some());
    assert_eq!(lib.get("employment").unwrap().origin, Origin::Builtin);
}

#[test]
fn new_id_adds_a_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = employment_variant("2026.01");
    c.id = "town-jobs".into();
    c.name = "镇级就业".into();
    c.group = Group::Local;
    let path = write_catalogue(dir.path(), "town-jobs.json", &c);
    // Not a .json file: skipped.
    fs::write(dir.path().join("notes.txt"), "not a catalogue").unwrap();
    let lib = Library::load(&[dir.path().to_path_buf(), dir.path().join("does-not-exist")]);
    assert!(lib.notices().is_empty(), "{:?}", lib.notices());
    assert_eq!(lib.len(), SHIPPED + 1);
    let entry = lib.get("town-jobs").unwrap();
    assert_eq!(entry.origin, Origin::File(path));
    assert_eq!(entry.catalogue, c);
    assert!(
        lib.group(Group::Local)
            .any(|e| e.catalogue.id == "town-jobs")
    );
    assert_eq!(
        lib.get("employment").unwrap().catalogue,
        shipped("employment")
    );
}

// ---------------------------------------------------------------------------------------------
// `zwgk checklist list` and `show`

fn run(cmd: ChecklistCommand, lib: &Library, lang: Lang) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = command::checklist(&cmd, lib, lang, None, &mut out, &mut err).unwrap();
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// Display column (0-based) at which `needle` starts in `line`, searched after `from_byte`.
fn column_of(line: &str, needle: &str, from_byte: usize) -> usize {
    let at = line[from_byte..]
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {line:?}"))
        + from_byte;
    line[..at].width()
}

fn check_list(lang: Lang, header_words: [&str; 6]) -> String {
    let lib = Library::builtin();
    let (code, out, err) = run(ChecklistCommand::List, &lib, lang);
    assert_eq!(code, EXIT_OK);
    assert_eq!(err, "");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        SHIPPED + 1,
        "header + one row per catalogue:\n{out}"
    );
    let header = lines[0];
    let mut at = 0;
    for word in header_words {
        let i = header[at..]
            .find(word)
            .unwrap_or_else(|| panic!("{word:?} not in header {header:?}"))
            + at;
        at = i + word.len();
    }
    // Every row starts with its catalogue id; the version column starts at the same display
    // column on every row, whatever width the Chinese names have.
    let version_col = column_of(header, header_words[3], 0);
    let items_col = column_of(header, header_words[4], 0);
    let entries = lib.entries();
    for (line, entry) in lines[1..].iter().zip(&entries) {
        let c = &entry.catalogue;
        assert!(
            line.starts_with(&format!("{}  ", c.id)) || line.starts_with(&format!("{} ", c.id)),
            "{line:?}"
        );
        let name_at = line
            .find(c.name.as_str())
            .unwrap_or_else(|| panic!("{} not in {line:?}", c.name));
        let version = format!("  {}", c.version);
        let version_at = name_at + line[name_at..].find(&version).unwrap() + 2;
        assert_eq!(
            line[..version_at].width(),
            version_col,
            "version column of {line:?}"
        );
        let count = format!("  {}", c.items.len());
        let count_at = version_at + line[version_at..].find(&count).unwrap() + 2;
        assert_eq!(
            line[..count_at].width(),
            items_col,
            "items column of {line:?}"
        );
        assert_eq!(*line, line.trim_end(), "no trailing spaces");
    }
    out
}

#[test]
fn list_prints_every_catalogue_in_aligned_columns() {
    let out = check_list(Lang::Zh, ["编号", "名称", "分组", "版本", "事项数", "示例"]);
    assert!(out.contains("就业"), "{out}");
    assert!(out.contains("综合政务信息"), "{out}");
    // Names of different display widths (就业 vs 综合政务信息) are padded to one column.
    let widths: BTreeSet<usize> = Library::builtin()
        .entries()
        .iter()
        .map(|e| e.catalogue.name.width())
        .collect();
    assert!(
        widths.len() > 1,
        "the alignment check needs names of different widths"
    );
}

#[test]
fn list_shows_the_shipped_items_against_the_guideline_and_show_says_what_was_cut() {
    let lib = Library::builtin();
    let (_, out, _) = run(ChecklistCommand::List, &lib, Lang::Zh);
    let row = |id: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap()
            .to_string()
    };
    assert!(row("employment").contains("  5/25  "), "{out}");
    assert!(row("public-resource-trading").contains("  7/40  "), "{out}");
    // The list follows the official order: 重大建设项目 first, 社会保险 last of the 26.
    let ids: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(ids[0], "major-construction-projects");
    assert_eq!(ids[25], "social-insurance");

    let (code, show, _) = run(
        ChecklistCommand::Show {
            id: "land-expropriation-compensation".into(),
        },
        &lib,
        Lang::Zh,
    );
    assert_eq!(code, EXIT_OK);
    let at = show.find("[07] 征地补偿安置方案听证").expect("item 07");
    let item07 = &show[at..];
    assert!(item07.contains("原文情况  截断: 公开内容"), "{item07}");
}

#[test]
fn list_in_english_has_english_headers() {
    let out = check_list(
        Lang::En,
        ["id", "name", "group", "version", "items", "sample"],
    );
    assert!(out.lines().next().unwrap().starts_with("id "), "{out}");
    assert!(!out.lines().next().unwrap().contains("编号"), "{out}");
    assert!(out.contains("employment"), "{out}");
}

#[test]
fn list_prints_library_notices_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write_catalogue(dir.path(), "employment.json", &employment_variant("2027.1"));
    let lib = Library::load(&[dir.path().to_path_buf()]);
    let (code, out, err) = run(ChecklistCommand::List, &lib, Lang::Zh);
    assert_eq!(code, EXIT_OK);
    // In the interface's language.
    assert!(err.contains("目录 employment:"), "{err}");
    assert!(err.contains("中的 2027.1 版取代了"), "{err}");
    let (_, _, err) = run(ChecklistCommand::List, &lib, Lang::En);
    assert!(
        err.contains("catalogue employment: version 2027.1"),
        "{err}"
    );
    let row = out.lines().find(|l| l.starts_with("employment ")).unwrap();
    assert!(row.contains("2027.1"), "{row}");
}

#[test]
fn show_prints_every_item_and_the_sample_notice() {
    let lib = Library::builtin();
    let (code, out, err) = run(
        ChecklistCommand::Show {
            id: "employment".into(),
        },
        &lib,
        Lang::Zh,
    );
    assert_eq!(code, EXIT_OK);
    assert_eq!(err, "");
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("就业 (employment)"), "{first}");
    assert!(out.contains("示例目录"), "{out}");
    let entry = lib.get("employment").unwrap();
    let labels = entry.catalogue.labels();
    for ((item, fp), label) in entry
        .catalogue
        .items
        .iter()
        .zip(&entry.fingerprints)
        .zip(labels)
    {
        let heading = format!("[{}] {label}  {}", item.id, fp.short());
        assert!(
            out.lines().any(|l| l == heading),
            "{heading:?} missing in\n{out}"
        );
        assert!(out.contains(&item.level2), "{} missing", item.level2);
    }
}

#[test]
fn list_shows_items_against_the_guideline_and_show_says_what_was_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = employment_variant("2027.1");
    c.guideline_items = Some(GuidelineItems {
        count: 25,
        unit: Some("二级事项".into()),
        source: "https://example.gov.cn/guideline.html".into(),
        note: None,
    });
    c.items[0].truncated = vec![ItemField::Content, ItemField::Channels];
    c.items[0].inferred = vec![ItemField::Tiers];
    write_catalogue(dir.path(), "employment.json", &c);
    let lib = Library::load(&[dir.path().to_path_buf()]);

    let (code, out, _) = run(ChecklistCommand::List, &lib, Lang::Zh);
    assert_eq!(code, EXIT_OK);
    assert!(out.lines().next().unwrap().contains("事项数/指引"), "{out}");
    let row = out.lines().find(|l| l.starts_with("employment ")).unwrap();
    assert!(row.contains("  1/25  "), "{row}");
    let other = out
        .lines()
        .find(|l| l.starts_with("fiscal-budget "))
        .unwrap();
    assert!(
        !other.contains('/'),
        "no guideline figure, no fraction: {other}"
    );

    let show = |lang| {
        let (code, out, _) = run(
            ChecklistCommand::Show {
                id: "employment".into(),
            },
            &lib,
            lang,
        );
        assert_eq!(code, EXIT_OK);
        out
    };
    let zh = show(Lang::Zh);
    assert!(
        zh.lines()
            .any(|l| l.contains("原文情况")
                && l.contains("截断: 公开内容、公开渠道; 推断: 公开层级")),
        "{zh}"
    );
    let en = show(Lang::En);
    assert!(
        en.lines()
            .any(|l| l.contains("As seen")
                && l.contains("cut off: Content, Channels; inferred: Tiers")),
        "{en}"
    );
}

#[test]
fn show_in_english_uses_the_english_notice() {
    let lib = Library::builtin();
    let (code, out, _) = run(
        ChecklistCommand::Show {
            id: "employment".into(),
        },
        &lib,
        Lang::En,
    );
    assert_eq!(code, EXIT_OK);
    assert!(out.contains("Sample catalogue"), "{out}");
}

#[test]
fn show_unknown_catalogue_exits_2() {
    let lib = Library::builtin();
    let (code, out, err) = run(ChecklistCommand::Show { id: "nope".into() }, &lib, Lang::Zh);
    assert_eq!(code, EXIT_BAD_INPUT);
    assert_eq!(out, "");
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn show_takes_the_chinese_name_or_an_alias_when_it_names_one_catalogue() {
    let lib = Library::builtin();
    let show = |id: &str| run(ChecklistCommand::Show { id: id.into() }, &lib, Lang::Zh);
    for name in ["就业", "就业创业", "employment", "EMPLOYMENT"] {
        let (code, out, err) = show(name);
        assert_eq!(code, EXIT_OK, "{name}: {err}");
        assert!(out.starts_with("就业 (employment)"), "{name}: {out}");
    }
    // Part of a name, when only one catalogue has it.
    let (code, out, _) = show("危房");
    assert_eq!(code, EXIT_OK);
    assert!(
        out.starts_with("农村危房改造 (rural-dilapidated-housing)"),
        "{out}"
    );
    // Several: exit 2, the candidates listed.
    let (code, out, err) = show("社会");
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(out.is_empty());
    assert!(err.contains("不止一个目录与之相符"), "{err}");
    assert!(err.contains("social-assistance  社会救助"), "{err}");
    assert!(err.contains("social-insurance  社会保险"), "{err}");
    // None: exit 2, how to find one.
    let (code, _, err) = show("马术");
    assert_eq!(code, EXIT_BAD_INPUT);
    assert!(err.contains("没有这个目录: 马术"), "{err}");
    assert!(err.contains("zwgk checklist list"), "{err}");
}
