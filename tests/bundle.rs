//! Hand-over bundles: a self-check with its photos leaves a township data dir in one file,
//! arrives whole at the county, goes back with the county's verdicts and tasks; receipts tell
//! each side what arrived; a tampered, truncated, foreign or rule-breaking bundle changes
//! nothing; importing twice changes nothing.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::*;
use zwgk::cli::Lang;
use zwgk::library::Library;
use zwgk::model::assessment::{Assessment, Evidence};
use zwgk::model::doc::Body;
use zwgk::model::revision::{Author, Hlc, Role};
use zwgk::model::status::Status;
use zwgk::store::Store;
use zwgk::sync::bundle::{self, BundleError, Who};
use zwgk::sync::state::SyncState;

struct Dir {
    store: Store,
    tmp: tempfile::TempDir,
}

fn data_dir() -> Dir {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path(), "2026-11-27T06:40:05Z").unwrap();
    Dir { store, tmp }
}

/// Every file of a directory tree with its bytes (to compare "nothing changed").
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.ends_with("zwgk.lock") && !p.ends_with("zwgk.owner") {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// A self-check made through the keys, with a photo as evidence on item 03, saved in `d`.
fn township_self_check(d: &mut Dir) -> Assessment {
    let mut sim = Sim::new(app());
    open_edu_walk(&mut sim.app);
    for k in "1311".chars() {
        sim.press(ch(k));
        // 2 and 3 open the findings picker; Enter closes it and moves on.
        if sim.app.mode() == zwgk::keymap::Mode::Picker {
            sim.press(enter());
        }
    }
    sim.press(ch('k'));
    sim.press(ch('k'));
    let photo = d.tmp.path().join("公示栏.jpg");
    std::fs::write(&photo, b"\xff\xd8\xff\xe0 a photo of the notice board").unwrap();
    sim.press(ch('e'));
    sim.type_str(&photo.display().to_string());
    sim.press(enter());
    let a = sim.app.open.as_ref().unwrap().assessment.clone();
    assert!(matches!(
        a.result(EDU, "03").unwrap().evidence[0],
        Evidence::File { .. }
    ));
    // The photo was copied into the simulator's data dir; put it into this one, as the app's
    // runtime does.
    for e in std::fs::read_dir(sim.data.path().join("evidence")).unwrap() {
        let e = e.unwrap();
        std::fs::create_dir_all(d.tmp.path().join("evidence")).unwrap();
        std::fs::copy(e.path(), d.tmp.path().join("evidence").join(e.file_name())).unwrap();
    }
    d.store.save(&a).unwrap();
    a
}

fn export(d: &Dir, ids: &[&str], usb: &Path, role: Role) -> PathBuf {
    let all: Vec<Assessment> = ids
        .iter()
        .map(|id| zwgk::store::load_own(&d.store.assessment_path(id)).unwrap())
        .collect();
    let refs: Vec<&Assessment> = all.iter().collect();
    bundle::export(
        &d.store,
        &refs,
        usb,
        &Library::builtin(),
        Who {
            user: "张三", role
        },
        NOW,
        Lang::Zh,
    )
    .unwrap()
}

fn import(d: &mut Dir, file: &Path) -> Result<bundle::ImportReport, BundleError> {
    let b = bundle::open(file)?;
    bundle::import(&mut d.store, b, &Library::builtin(), NOW + 60_000)
}

#[test]
fn a_self_check_with_its_photo_arrives_whole_and_importing_twice_changes_nothing() {
    let mut town = data_dir();
    let mut county = data_dir();
    let usb = tempfile::tempdir().unwrap();
    let a = township_self_check(&mut town);
    let file = export(&town, &[&a.id], usb.path(), Role::Township);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(name, format!("{UNIT}-{ROUND}-自查-2026-11-27.zwgk"));

    let report = import(&mut county, &file).unwrap();
    let msg = report.message(Lang::Zh);
    assert!(msg.contains("新增") && msg.contains("检查结果 5"), "{msg}");
    assert!(
        !msg.contains("领域选择"),
        "a new assessment's domain choices go without saying: {msg}"
    );
    assert!(msg.contains("佐证文件 1"), "{msg}");
    let here = zwgk::store::load_own(&county.store.assessment_path(&a.id)).unwrap();
    assert_eq!(here.docs, a.docs, "every document, every revision");
    let Evidence::File { sha256, .. } = &here.result(EDU, "03").unwrap().evidence[0] else {
        panic!()
    };
    assert_eq!(
        county.store.evidence().read(sha256).unwrap(),
        b"\xff\xd8\xff\xe0 a photo of the notice board"
    );

    // Twice: nothing changes, and the message says so.
    let before = snapshot(county.tmp.path());
    let again = import(&mut county, &file).unwrap();
    assert_eq!(again.added(), 0);
    assert!(again.again);
    assert!(again.message(Lang::Zh).contains("没有新内容"));
    let after = snapshot(county.tmp.path());
    let changed: Vec<_> = after
        .iter()
        .filter(|(p, b)| before.get(*p) != Some(b))
        .map(|(p, _)| p.clone())
        .collect();
    assert!(changed.is_empty(), "{changed:?}");
    // The bundle itself was never touched.
    assert!(file.exists());
    // A second hand-over on the same day gets its own file.
    let second = export(&town, &[&a.id], usb.path(), Role::Township);
    assert_ne!(second, file);
    assert!(second.to_string_lossy().ends_with("-2.zwgk"));
}

/// Rewrites one entry of a zip (the others copied as they are).
fn rewrite_entry(src: &Path, dst: &Path, entry: &str, f: impl Fn(Vec<u8>) -> Vec<u8>) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        let bytes = if name == entry { f(bytes) } else { bytes };
        zout.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

#[test]
fn a_tampered_truncated_or_foreign_bundle_is_refused_whole_and_changes_nothing() {
    let mut town = data_dir();
    let mut county = data_dir();
    let usb = tempfile::tempdir().unwrap();
    let a = township_self_check(&mut town);
    let good = export(&town, &[&a.id], usb.path(), Role::Township);
    let entry = format!("assessments/{}.json", a.id);
    let bad = |name: &str| usb.path().join(name);

    // An assessment changed inside (a status edited by hand).
    rewrite_entry(&good, &bad("edited.zwgk"), &entry, |b| {
        String::from_utf8(b)
            .unwrap()
            .replacen("\"missing\"", "\"compliant\"", 1)
            .into_bytes()
    });
    // The header's receipt list edited, checksum left.
    rewrite_entry(&good, &bad("header.zwgk"), "bundle.json", |b| {
        String::from_utf8(b)
            .unwrap()
            .replace("\"receipts\": []", "\"receipts\": [\"x\"]")
            .into_bytes()
    });
    // A copy cut off half way.
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(bad("cut.zwgk"), &bytes[..bytes.len() / 2]).unwrap();
    // Not a zip at all, and a zip of something else.
    std::fs::write(bad("text.zwgk"), "这不是数据包").unwrap();
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(bad("foreign.zwgk")).unwrap());
        z.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(b"<w:document/>").unwrap();
        z.finish().unwrap();
    }
    // An extra file slipped in.
    rewrite_entry(&good, &bad("extra.zwgk"), "", |b| b);
    {
        let src = bad("extra.zwgk");
        let mut zin = zip::ZipArchive::new(std::fs::File::open(&src).unwrap()).unwrap();
        let dst = bad("extra2.zwgk");
        let mut zout = zip::ZipWriter::new(std::fs::File::create(&dst).unwrap());
        for i in 0..zin.len() {
            let mut e = zin.by_index(i).unwrap();
            let name = e.name().unwrap().to_string();
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            zout.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            zout.write_all(&b).unwrap();
        }
        let sha = "0".repeat(64);
        zout.start_file(
            format!("evidence/{sha}"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zout.write_all(b"slipped in").unwrap();
        zout.finish().unwrap();
    }

    let before = snapshot(county.tmp.path());
    for (name, want) in [
        ("edited.zwgk", "被改动或损坏"),
        ("header.zwgk", "被改动或损坏"),
        ("cut.zwgk", "不是 zwgk 数据包,或已损坏"),
        ("text.zwgk", "不是 zwgk 数据包,或已损坏"),
        ("foreign.zwgk", "不是 zwgk 数据包,或已损坏"),
        ("extra2.zwgk", "被改动或损坏"),
    ] {
        let e = import(&mut county, &bad(name)).unwrap_err();
        let msg = e.message(Lang::Zh);
        assert!(msg.contains(want), "{name}: {msg}");
        assert!(
            msg.contains(name),
            "{name}: the message names the file: {msg}"
        );
        assert_eq!(
            snapshot(county.tmp.path()),
            before,
            "{name} changed the data dir"
        );
    }
    // The good one still imports.
    import(&mut county, &good).unwrap();
}

/// A key written twice in the header's list of entries is refused: the parser would otherwise
/// keep the last one silently, and two readers of one bundle could see two lists.
#[test]
fn a_key_written_twice_in_the_bundle_header_is_refused() {
    let mut town = data_dir();
    let mut county = data_dir();
    let usb = tempfile::tempdir().unwrap();
    let a = township_self_check(&mut town);
    let good = export(&town, &[&a.id], usb.path(), Role::Township);
    let entry = format!("assessments/{}.json", a.id);
    let twice = usb.path().join("twice.zwgk");
    rewrite_entry(&good, &twice, "bundle.json", |b| {
        let text = String::from_utf8(b).unwrap();
        let at = text.find("\"entries\": {").unwrap() + "\"entries\": {".len();
        let bogus = format!(
            "\n    \"{entry}\": {{\"sha256\": \"{}\", \"size\": 1}},",
            "0".repeat(64)
        );
        format!("{}{bogus}{}", &text[..at], &text[at..]).into_bytes()
    });
    let before = snapshot(county.tmp.path());
    let e = import(&mut county, &twice).unwrap_err();
    assert!(matches!(e, BundleError::NotABundle { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains(&format!("duplicate field `{entry}`")), "{msg}");
    assert_eq!(snapshot(county.tmp.path()), before);
    // The bundle as written imports (the last key is the real one: without the check it
    // would have been taken).
    import(&mut county, &good).unwrap();
}

#[test]
fn a_bundle_that_breaks_the_role_rules_is_refused_whole() {
    let mut town = data_dir();
    let mut county = data_dir();
    let usb = tempfile::tempdir().unwrap();
    let a = township_self_check(&mut town);
    // A second assessment in the same bundle carries a county revision of a township answer
    // (made through the document API, which leaves roles to its caller).
    let mut forged = a.clone();
    let mut r = forged.result(EDU, "01").unwrap().clone();
    r.status = Status::Missing;
    forged
        .docs
        .record(
            Body::Result(r),
            Author {
                name: "某人".into(),
                device: "x".into(),
                role: Role::County,
            },
            Hlc::new(NOW + 10, 0),
        )
        .unwrap();
    town.store.save(&forged).unwrap();
    let file = export(&town, &[&a.id], usb.path(), Role::Township);
    let before = snapshot(county.tmp.path());
    let e = import(&mut county, &file).unwrap_err();
    let msg = e.message(Lang::Zh);
    assert!(msg.contains("county") && msg.contains(":result:"), "{msg}");
    assert_eq!(snapshot(county.tmp.path()), before);
}

#[test]
fn receipts_tell_the_township_that_the_county_has_its_bundle() {
    let mut town = data_dir();
    let mut county = data_dir();
    let usb = tempfile::tempdir().unwrap();
    let a = township_self_check(&mut town);
    let up = export(&town, &[&a.id], usb.path(), Role::Township);
    let st = SyncState::load(town.tmp.path());
    assert!(st.hand_over(&a.id).sent.is_some());
    assert!(
        !st.hand_over(&a.id).acknowledged,
        "已上报, not yet received"
    );
    import(&mut county, &up).unwrap();
    // The county's next bundle (its own copy, no change) carries the receipt.
    let down = export(&county, &[&a.id], usb.path(), Role::County);
    let report = import(&mut town, &down).unwrap();
    assert_eq!(report.acknowledged, 1);
    assert!(report.message(Lang::Zh).contains("对方已收到"));
    let st = SyncState::load(town.tmp.path());
    assert!(st.hand_over(&a.id).acknowledged, "对方已收到");
    assert_eq!(st.hand_over(&a.id).news, None, "nothing new came down");
}

#[test]
fn a_bundle_header_validates_against_the_committed_schema() {
    let mut town = data_dir();
    let usb = tempfile::tempdir().unwrap();
    let a = township_self_check(&mut town);
    let file = export(&town, &[&a.id], usb.path(), Role::Township);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name("bundle.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let header: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read("schema/bundle.v1.json").unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(&header).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The assessment inside is plain format-2 JSON that validates too.
    let mut inner = String::new();
    zip.by_name(&format!("assessments/{}.json", a.id))
        .unwrap()
        .read_to_string(&mut inner)
        .unwrap();
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read("schema/assessment.v2.json").unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    assert!(v.is_valid(&serde_json::from_str(&inner).unwrap()));
}

/// A self-check of `unit` (with 区划代码 `code`) for `round`, saved in `d`.
fn saved_self_check(d: &mut Dir, id: &str, unit: &str, code: &str, round: &str) {
    use zwgk::model::assessment::{Header, Kind, NewAssessment, Unit};
    let unit = Unit {
        name: unit.into(),
        division_code: Some(code.into()),
        county: COUNTY.into(),
        city: None,
    };
    let a = Assessment::create(
        NewAssessment {
            id: id.into(),
            kind: Kind::SelfCheck,
            partition: unit.partition(),
            header: Header {
                unit,
                round: round.into(),
                assessor: ASSESSOR.into(),
                created: "2026-11-27T06:40:05.000Z".into(),
                reviews: None,
            },
            domains: Vec::new(),
            basis: None,
        },
        Author {
            name: ASSESSOR.into(),
            device: DEVICE.into(),
            role: Role::Township,
        },
        NOW,
    )
    .unwrap();
    d.store.save(&a).unwrap();
}

/// `zwgk export KEY -o DIR` as the command runs it: the ids of the assessments in each bundle
/// written, or the exit code and what it said.
fn export_command(
    dir: &Path,
    keys: &[&str],
    usb: &Path,
) -> Result<Vec<Vec<String>>, (i32, String)> {
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let who = Who {
        user: ASSESSOR,
        role: Role::Township,
    };
    let code = zwgk::command::export(
        dir,
        &keys,
        usb,
        &Library::builtin(),
        who,
        false,
        Lang::Zh,
        &mut out,
        &mut err,
    )
    .unwrap();
    if code != 0 {
        return Err((code, String::from_utf8_lossy(&err).into_owned()));
    }
    let mut bundles: Vec<Vec<String>> = std::fs::read_dir(usb)
        .unwrap()
        .map(|e| {
            let b = bundle::open(&e.unwrap().path()).unwrap();
            let mut ids: Vec<String> = b.header.assessments.iter().map(|c| c.id.clone()).collect();
            ids.sort();
            ids
        })
        .collect();
    bundles.sort();
    Ok(bundles)
}

#[test]
fn export_takes_every_assessment_a_unit_or_its_code_names_and_refuses_an_unknown_key() {
    const A1: &str = "0190f5a2-7c00-7000-8000-0000000000a1";
    const A2: &str = "0190f5a2-7c00-7000-8000-0000000000a2";
    const B1: &str = "0190f5a2-7c00-7000-8000-0000000000b1";
    let mut town = data_dir();
    saved_self_check(&mut town, A1, UNIT, CODE, "2026年上半年自查");
    saved_self_check(&mut town, A2, UNIT, CODE, ROUND);
    saved_self_check(&mut town, B1, "金乡街道办事处", "370828001", ROUND);
    let dir = town.tmp.path().to_path_buf();
    drop(town.store);
    let by = |keys: &[&str]| {
        let usb = tempfile::tempdir().unwrap();
        export_command(&dir, keys, usb.path())
    };
    // A unit with two rounds: both, in its one bundle.
    assert_eq!(
        by(&["胡集镇"]),
        Ok(vec![vec![A1.to_string(), A2.to_string()]])
    );
    // Its 区划代码 names the same two.
    assert_eq!(by(&[CODE]), Ok(vec![vec![A1.to_string(), A2.to_string()]]));
    // One id, and a round shared by two units: one bundle per unit.
    assert_eq!(by(&[A2]), Ok(vec![vec![A2.to_string()]]));
    assert_eq!(
        by(&[ROUND]),
        Ok(vec![vec![A2.to_string()], vec![B1.to_string()]])
    );
    // Nothing named: everything; a key that names nothing: refused, nothing written.
    assert_eq!(
        by(&[]),
        Ok(vec![
            vec![A1.to_string(), A2.to_string()],
            vec![B1.to_string()]
        ])
    );
    let usb = tempfile::tempdir().unwrap();
    let (code, said) = export_command(&dir, &["马集镇"], usb.path()).unwrap_err();
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("马集镇"), "{said}");
    assert_eq!(std::fs::read_dir(usb.path()).unwrap().count(), 0);
}

/// Rewrites a bundle: `edit` changes the header (its checksum is then recomputed, as a forger
/// can) and returns entries to add, each with its bytes.
fn forge(src: &Path, dst: &Path, edit: impl Fn(&mut serde_json::Value) -> Vec<(String, Vec<u8>)>) {
    use sha2::Digest as _;
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    let mut header: serde_json::Value = {
        let mut e = zin.by_name(bundle::HEADER_ENTRY).unwrap();
        let mut b = Vec::new();
        e.read_to_end(&mut b).unwrap();
        serde_json::from_slice(&b).unwrap()
    };
    let added = edit(&mut header);
    header.as_object_mut().unwrap().remove("checksum");
    let canonical = zwgk::model::revision::canonical_json(&header).unwrap();
    header["checksum"] = hex::encode(sha2::Sha256::digest(canonical.as_bytes())).into();
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut b = Vec::new();
        e.read_to_end(&mut b).unwrap();
        if name == bundle::HEADER_ENTRY {
            b = serde_json::to_vec(&header).unwrap();
        }
        zout.start_file(name.as_str(), options).unwrap();
        zout.write_all(&b).unwrap();
    }
    for (name, bytes) in added {
        zout.start_file(name.as_str(), options).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

/// A bundle is refused before anything in it is unpacked when its entries together declare
/// more than zwgk unpacks (4 GiB), or its assessments more than one assessment file may hold
/// (256 MiB; they are held at once); an entry longer than it declares is refused once it has
/// read one byte more. Before, each entry was unpacked up to its own limit and hashed: a
/// small zip of zeros could make zwgk inflate terabytes.
#[test]
fn a_bundle_that_declares_more_than_zwgk_unpacks_is_refused_before_reading() {
    let mut town = data_dir();
    let usb = tempfile::tempdir().unwrap();
    let a = township_self_check(&mut town);
    let good = export(&town, &[&a.id], usb.path(), Role::Township);
    bundle::open(&good).expect("the bundle as written reads");
    let fake = |i: usize| format!("{i:064x}");

    // A hundred evidence entries of one byte, each declared 45 MB (under the 50 MB of one
    // evidence file): 4.5 GB together.
    let many = usb.path().join("many.zwgk");
    forge(&good, &many, |h| {
        let entries = h["entries"].as_object_mut().unwrap();
        (0..100)
            .map(|i| {
                entries.insert(
                    format!("evidence/{}", fake(i)),
                    serde_json::json!({"sha256": fake(i), "size": 45_000_000u64}),
                );
                (format!("evidence/{}", fake(i)), vec![b'x'])
            })
            .collect()
    });
    let err = bundle::open(&many).unwrap_err();
    assert!(
        matches!(err, BundleError::Unpacked { assessments: false, limit, .. } if limit == bundle::MAX_UNPACKED_BYTES),
        "{err}"
    );
    assert_eq!(
        err.message(Lang::Zh),
        format!(
            "{}: 解压后合计超过上限 4294967296 字节。整个数据包未导入,本机数据没有改动",
            many.display()
        )
    );
    assert_eq!(
        err.message(Lang::En),
        format!(
            "{}: its entries unpack to more than 4294967296 bytes together, the most zwgk reads; nothing was imported",
            many.display()
        )
    );

    // Two more assessments declared 200 MiB each (under the 256 MiB of one file).
    let big = usb.path().join("big.zwgk");
    forge(&good, &big, |h| {
        let entries = h["entries"].as_object_mut().unwrap();
        [
            "0190f5a2-7c00-7000-8000-0000000000f1",
            "0190f5a2-7c00-7000-8000-0000000000f2",
        ]
        .iter()
        .map(|id| {
            let name = format!("assessments/{id}.json");
            entries.insert(
                name.clone(),
                serde_json::json!({"sha256": fake(0), "size": 200u64 << 20}),
            );
            (name, b"{}".to_vec())
        })
        .collect()
    });
    let err = bundle::open(&big).unwrap_err();
    assert!(
        matches!(
            err,
            BundleError::Unpacked {
                assessments: true,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.message(Lang::Zh)
            .contains("所含检查文件解压后合计超过上限 268435456 字节"),
        "{}",
        err.message(Lang::Zh)
    );

    // An evidence entry longer than it declares.
    let long = usb.path().join("long.zwgk");
    forge(&good, &long, |h| {
        let name = format!("evidence/{}", fake(7));
        h["entries"].as_object_mut().unwrap().insert(
            name.clone(),
            serde_json::json!({"sha256": fake(7), "size": 10}),
        );
        vec![(name, vec![b'x'; 100_000])]
    });
    let err = bundle::open(&long).unwrap_err();
    assert!(matches!(err, BundleError::Tampered { .. }), "{err}");
}

/// The bundle `src` with assessment entry `entry` changed by `f`, everything that sums it made
/// to agree again (the file's own checksum, the entry's SHA-256 and size in the header, the
/// header's checksum): only the revision ids can tell.
fn forge_entry(src: &Path, dst: &Path, entry: &str, f: impl Fn(String) -> String) {
    use sha2::Digest as _;
    let sha = |b: &[u8]| hex::encode(sha2::Sha256::digest(b));
    let mut changed = Vec::new();
    zip::ZipArchive::new(std::fs::File::open(src).unwrap())
        .unwrap()
        .by_name(entry)
        .unwrap()
        .read_to_end(&mut changed)
        .unwrap();
    let text = f(String::from_utf8(changed).unwrap());
    let (head, docs) = text.split_once('\n').unwrap();
    let at = head.find("\"checksum\":\"").unwrap() + 12;
    let changed = format!(
        "{}{}{}\n{docs}",
        &head[..at],
        sha(docs.as_bytes()),
        &head[at + 64..]
    )
    .into_bytes();
    // The entry replaced, then the header made to agree with it.
    let mid = dst.with_extension("mid");
    rewrite_entry(src, &mid, entry, |_| changed.clone());
    forge(&mid, dst, |h| {
        h["entries"][entry]["sha256"] = sha(&changed).into();
        h["entries"][entry]["size"] = changed.len().into();
        Vec::new()
    });
    std::fs::remove_file(&mid).unwrap();
}

#[test]
fn every_revision_id_is_checked_at_import_even_when_every_checksum_agrees() {
    let mut town = data_dir();
    let mut county = data_dir();
    let usb = tempfile::tempdir().unwrap();
    let a = township_self_check(&mut town);
    let good = export(&town, &[&a.id], usb.path(), Role::Township);
    let entry = format!("assessments/{}.json", a.id);
    let forged = usb.path().join("forged.zwgk");
    // A status changed by hand, and the sums made to agree.
    forge_entry(&good, &forged, &entry, |t| {
        assert!(t.contains("\"missing\""));
        t.replacen("\"missing\"", "\"compliant\"", 1)
    });
    let same = usb.path().join("same.zwgk");
    forge_entry(&good, &same, &entry, |t| t);
    let before = snapshot(county.tmp.path());
    let e = import(&mut county, &forged).unwrap_err();
    let msg = e.message(Lang::Zh);
    assert!(msg.contains("forged.zwgk"), "{msg}");
    assert!(msg.contains("does not match its content"), "{msg}");
    assert!(msg.contains("整个数据包未导入"), "{msg}");
    assert!(
        matches!(e, BundleError::Assessment { .. }),
        "refused by the assessment's revision ids: {msg}"
    );
    assert_eq!(
        snapshot(county.tmp.path()),
        before,
        "the forged bundle changed the data dir"
    );
    // Rewritten without a change, the same sums are taken: the revision ids refused it.
    import(&mut county, &same).unwrap();
}
