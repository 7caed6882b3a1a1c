//! Two townships and a county exchange bundles in different orders, with duplicates and one
//! bundle corrupted on the way (and the first township's second laptop, so that a conflict
//! travels too). At the end every copy of every shared assessment holds byte-identical
//! documents, the conflict is visible everywhere, and the county's overview gives each
//! township exactly its own report's figures.

use std::path::{Path, PathBuf};

use zwgk::cli::Lang;
use zwgk::library::Library;
use zwgk::model::assessment::{
    Assessment, DomainChoice, Header, ItemResult, Kind, NewAssessment, Unit, basis_of,
};
use zwgk::model::doc::Body;
use zwgk::model::rectification::{Progress, TaskResponse, TaskSpec};
use zwgk::model::revision::{Author, Role};
use zwgk::model::status::Status;
use zwgk::report::Report;
use zwgk::store::{Store, load_own};
use zwgk::sync::bundle::{self, Who};

/// 2026-11-27T06:40:05Z.
const NOW: u64 = 1_795_761_605_000;
const EMP: &str = "employment";
const EDU: &str = "compulsory-education";

struct Device {
    name: &'static str,
    role: Role,
    store: Store,
    _tmp: tempfile::TempDir,
    clock: u64,
}

impl Device {
    fn new(name: &'static str, role: Role) -> Device {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path(), "2026-11-27T06:40:05Z").unwrap();
        Device {
            name,
            role,
            store,
            _tmp: tmp,
            clock: NOW,
        }
    }

    fn author(&self) -> Author {
        Author {
            name: self.name.into(),
            device: self.store.device().id.clone(),
            role: self.role,
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1000;
        self.clock
    }

    fn load(&self, id: &str) -> Assessment {
        load_own(&self.store.assessment_path(id)).unwrap()
    }

    fn edit(&mut self, id: &str, body: Body) {
        let mut a = self.load(id);
        let now = self.tick();
        a.record(body, self.author(), now).unwrap();
        self.store.save(&a).unwrap();
    }

    fn send(&mut self, ids: &[&str], usb: &Path) -> PathBuf {
        let all: Vec<Assessment> = ids.iter().map(|id| self.load(id)).collect();
        let refs: Vec<&Assessment> = all.iter().collect();
        let now = self.tick();
        bundle::export(
            &self.store,
            &refs,
            usb,
            &Library::builtin(),
            Who {
                user: self.name,
                role: self.role,
            },
            now,
            Lang::Zh,
        )
        .unwrap()
    }

    fn receive(&mut self, file: &Path) -> Result<bundle::ImportReport, bundle::BundleError> {
        let now = self.tick();
        let b = bundle::open(file)?;
        bundle::import(&mut self.store, b, &Library::builtin(), now)
    }
}

fn result(checklist: &str, item: &str, status: Status) -> Body {
    let lib = Library::builtin();
    let fingerprint = lib
        .get(checklist)
        .and_then(|e| {
            let i = e.catalogue.items.iter().position(|x| x.id == item)?;
            e.fingerprints.get(i).cloned()
        })
        .unwrap();
    Body::Result(ItemResult {
        checklist: checklist.into(),
        item: item.into(),
        status,
        fingerprint,
        ..ItemResult::default()
    })
}

fn self_check(d: &mut Device, id: &str, unit: &str, code: &str, statuses: &str) -> String {
    let unit = Unit {
        name: unit.into(),
        division_code: Some(code.into()),
        county: "金乡县".into(),
        city: None,
    };
    let domains = [EMP, EDU]
        .iter()
        .map(|c| DomainChoice {
            checklist: (*c).into(),
            version: Library::builtin().get(c).unwrap().catalogue.version.clone(),
            involved: true,
            reason: None,
            summary: String::new(),
        })
        .collect();
    let now = d.tick();
    let mut a = Assessment::create(
        NewAssessment {
            id: id.into(),
            kind: Kind::SelfCheck,
            partition: unit.partition(),
            header: Header {
                unit,
                round: "2026年下半年自查".into(),
                assessor: d.name.into(),
                created: zwgk::clock::rfc3339(now),
                reviews: None,
            },
            domains,
            basis: None,
        },
        d.author(),
        now,
    )
    .unwrap();
    for (i, c) in statuses.chars().enumerate() {
        let status = match c {
            '1' => Status::Compliant,
            '2' => Status::Partial,
            '3' => Status::Missing,
            _ => Status::NotApplicable,
        };
        let now = d.tick();
        a.record(
            result(EDU, &format!("{:02}", i + 1), status),
            d.author(),
            now,
        )
        .unwrap();
    }
    d.store.save(&a).unwrap();
    a.id
}

fn inspect(county: &mut Device, sc: &str, id: &str) -> String {
    let s = county.load(sc);
    let now = county.tick();
    let mut a = Assessment::create(
        NewAssessment {
            id: id.into(),
            kind: Kind::Inspection,
            partition: s.partition.clone(),
            header: Header {
                round: "2026年下半年回头看".into(),
                assessor: county.name.into(),
                created: zwgk::clock::rfc3339(now),
                reviews: Some(sc.into()),
                ..s.header().clone()
            },
            domains: s.domains().cloned().collect(),
            basis: Some(basis_of(&s)),
        },
        county.author(),
        now,
    )
    .unwrap();
    for (item, status) in [("01", Status::Compliant), ("02", Status::Partial)] {
        let now = county.tick();
        a.record(result(EDU, item, status), county.author(), now)
            .unwrap();
    }
    let now = county.tick();
    a.record(
        Body::Task(TaskSpec {
            checklist: EDU.into(),
            item: "02".into(),
            description: "未公开".into(),
            deadline: "2026-12-20".into(),
            ..TaskSpec::default()
        }),
        county.author(),
        now,
    )
    .unwrap();
    county.store.save(&a).unwrap();
    a.id
}

/// The documents of an assessment as the bytes each would be written as.
fn doc_bytes(a: &Assessment) -> Vec<(String, Vec<u8>)> {
    a.docs
        .iter()
        .map(|(k, d)| (a.docs.id_of(k), serde_json::to_vec(d).unwrap()))
        .collect()
}

#[test]
fn three_data_dirs_converge_whatever_the_order_and_the_overview_matches_the_reports() {
    let usb = tempfile::tempdir().unwrap();
    let usb = usb.path();
    let mut t1 = Device::new("张三", Role::Township);
    let mut t1b = Device::new("李娜", Role::Township); // 张三's township, a second laptop
    let mut t2 = Device::new("王五", Role::Township);
    let mut county = Device::new("李建国", Role::County);

    let s1 = self_check(
        &mut t1,
        "0190f5a2-7c00-7000-8000-000000000101",
        "胡集镇人民政府",
        "370828102",
        "1311213",
    );
    let s2 = self_check(
        &mut t2,
        "0190f5a2-7c00-7000-8000-000000000102",
        "羊山镇人民政府",
        "370828103",
        "2111",
    );
    let b1a = t1.send(&[&s1], usb);
    t1b.receive(&b1a).unwrap();
    // Apart: both laptops of township 1 answer item 05 differently.
    t1.edit(&s1, result(EDU, "05", Status::Missing));
    t1b.edit(&s1, result(EDU, "05", Status::NotApplicable));
    t1b.edit(&s1, result(EMP, "01", Status::Compliant));
    let b1b = t1b.send(&[&s1], usb);
    let b1c = t1.send(&[&s1], usb);
    let b2a = t2.send(&[&s2], usb);

    // A copy of b1b damaged on the way: a flipped byte in the middle.
    let broken = usb.join("broken.zwgk");
    let mut bytes = std::fs::read(&b1b).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(&broken, &bytes).unwrap();

    // The county imports in its own order, with duplicates and the broken copy.
    county.receive(&b2a).unwrap();
    county.receive(&b1c).unwrap();
    let before: Vec<u8> = std::fs::read(county.store.assessment_path(&s1)).unwrap();
    assert!(
        county.receive(&broken).is_err(),
        "the damaged copy is refused"
    );
    assert_eq!(
        std::fs::read(county.store.assessment_path(&s1)).unwrap(),
        before,
        "and changed nothing"
    );
    county.receive(&b1a).unwrap(); // older, already known: nothing new
    county.receive(&b1b).unwrap();
    county.receive(&b2a).unwrap(); // a duplicate
    assert_eq!(
        county.load(&s1).conflict_count(),
        1,
        "item 05 answered twice"
    );

    let i1 = inspect(&mut county, &s1, "0190f5a2-7c00-7000-8000-000000000201");
    let i2 = inspect(&mut county, &s2, "0190f5a2-7c00-7000-8000-000000000202");
    let d1 = county.send(&[&i1, &s1], usb);
    let d2 = county.send(&[&i2, &s2], usb);
    t1.receive(&d1).unwrap();
    t1.receive(&d1).unwrap();
    t2.receive(&d2).unwrap();
    t1b.receive(&d1).unwrap();

    // Township 1 answers the task; it goes up, the county's next bundle comes back down.
    t1.edit(
        &i1,
        Body::Response(TaskResponse {
            checklist: EDU.into(),
            item: "02".into(),
            progress: Progress::Done,
            response: "已公开".into(),
            completed: Some("2026-11-28".into()),
            ..TaskResponse::default()
        }),
    );
    let up = t1.send(&[&i1, &s1], usb);
    county.receive(&up).unwrap();
    let down = county.send(&[&i1, &s1], usb);
    t1b.receive(&down).unwrap();
    t1.receive(&down).unwrap();
    let down2 = county.send(&[&i2, &s2], usb);
    t2.receive(&down2).unwrap();

    // Every copy of every shared assessment: the same documents, byte for byte.
    for (id, holders) in [
        (&s1, vec![&t1, &t1b, &county]),
        (&i1, vec![&t1, &t1b, &county]),
        (&s2, vec![&t2, &county]),
        (&i2, vec![&t2, &county]),
    ] {
        let reference = doc_bytes(&holders[0].load(id));
        for h in &holders[1..] {
            assert!(
                doc_bytes(&h.load(id)) == reference,
                "{id} differs between {} and {}",
                holders[0].name,
                h.name
            );
        }
        // The conflict is the same everywhere (and visible: counted).
        let counts: Vec<usize> = holders
            .iter()
            .map(|h| h.load(id).conflict_count())
            .collect();
        assert!(counts.windows(2).all(|w| w[0] == w[1]), "{id}: {counts:?}");
    }
    assert_eq!(t1b.load(&s1).conflict_count(), 1);
    assert_eq!(
        county
            .load(&i1)
            .task_view(EDU, "02")
            .unwrap()
            .response
            .unwrap()
            .response,
        "已公开"
    );

    // The county's overview: each township's figures are its own report's.
    let lib = Library::builtin();
    let (overview, problems) = zwgk::overview::read(
        &[county._tmp.path().to_path_buf()],
        &lib,
        "2026-11-27",
        Lang::Zh,
    );
    assert!(problems.is_empty(), "{problems:?}");
    let rows = overview.rows(&lib);
    assert_eq!(rows.len(), 2);
    for (town, sc, insp) in [(&t1, &s1, &i1), (&t2, &s2, &i2)] {
        let own = Report::build(&town.load(sc), &lib, "2026-11-27", Lang::Zh);
        let row = rows
            .iter()
            .find(|r| r.self_check_id.as_deref() == Some(sc.as_str()))
            .unwrap();
        let f = row.figures.self_check.as_ref().unwrap();
        assert_eq!(
            (
                f.items,
                f.checked,
                f.compliant,
                f.partial,
                f.missing,
                f.not_applicable
            ),
            (
                own.total.tally.total(),
                own.total.tally.checked(),
                own.total.tally.compliant,
                own.total.tally.partial,
                own.total.tally.missing,
                own.total.tally.not_applicable
            ),
            "{}",
            row.unit
        );
        assert_eq!(f.compliance_pct, own.total.compliance_pct());
        for d in &own.domains {
            let mine = row
                .domains
                .iter()
                .find(|x| x.checklist == d.checklist)
                .unwrap();
            let f = mine.figures.self_check.as_ref().unwrap();
            assert_eq!((f.items, f.checked), (d.tally.total(), d.tally.checked()));
        }
        // And the inspection's figures are the inspection report's.
        let insp_report = Report::build(&county.load(insp), &lib, "2026-11-27", Lang::Zh);
        let f = row.figures.inspection.as_ref().unwrap();
        assert_eq!(f.checked, insp_report.total.tally.checked());
        assert_eq!(row.inspection_id.as_deref(), Some(insp.as_str()));
        assert!(row.last_hand_over.is_some());
    }
    // 胡集镇 said 01 已落实, 02 未落实; the county 01 已落实, 02 部分落实 → one 结论不同; the task
    // was answered (已整改, not open); the self-check conflict counts.
    let hj = rows.iter().find(|r| r.unit == "胡集镇人民政府").unwrap();
    assert_eq!(hj.figures.differs, 1);
    assert_eq!(hj.figures.open_tasks, 0);
    assert_eq!(hj.figures.conflicts, 1);
    let ys = rows.iter().find(|r| r.unit == "羊山镇人民政府").unwrap();
    assert_eq!(ys.figures.open_tasks, 1, "羊山镇 has not answered");
    assert_eq!(ys.figures.differs, 2, "羊山镇 said 01 部分落实, 02 已落实");
}
