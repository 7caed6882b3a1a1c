//! The four cases of the sync-ready documents issue, replayed through the keys and the store:
//! a 不涉及 marked after a hand-over reaches the county with its author; ids stay distinct
//! across rounds; the township cannot touch the county's verdicts (in the app and on import);
//! a conflict is shown everywhere and settled with one revision both sides then agree on.

mod common;

use common::*;
use zwgk::action::Effect;
use zwgk::cli::{Lang, ReportFormat};
use zwgk::model::assessment::{Assessment, Kind};
use zwgk::model::doc::{Body, DocKey, DocKind};
use zwgk::model::revision::{Author, Role};
use zwgk::model::status::Status;
use zwgk::state::{App, Listing, Screen};
use zwgk::store::{Store, load_own};

const TAX: &str = "tax-administration";

fn listing(app: &App, i: usize) -> &Assessment {
    match &app.listing[i] {
        Listing {
            assessment: Ok(a), ..
        } => a,
        other => panic!("listing {i}: {other:?}"),
    }
}

/// A township self-check of 义务教育 with statuses, back on the start screen.
fn self_check(app: &mut App) {
    open_edu_walk(app);
    answer(app, "1311");
    press(app, esc());
    press(app, esc());
}

/// Opens the domains screen row of a catalogue.
fn domains_row(app: &App, id: &str) -> usize {
    app.domains()
        .iter()
        .position(|d| d.checklist == id)
        .unwrap_or_else(|| panic!("{id} is not a domain"))
}

/// A device: an app with its own data dir and store.
struct Device {
    app: App,
    store: Store,
    _dir: tempfile::TempDir,
}

impl Device {
    /// The start-screen row of assessment `id`.
    fn row_of(&self, id: &str) -> usize {
        self.app
            .listing
            .iter()
            .position(|l| l.assessment.as_ref().is_ok_and(|a| a.id == id))
            .unwrap()
    }

    fn new(role: Role, user: &str) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), "2026-11-27T06:40:05Z").unwrap();
        let mut app = app();
        app.role = role;
        app.user = Some(user.into());
        app.device = store.device().id.clone();
        Device {
            app,
            store,
            _dir: dir,
        }
    }

    /// Saves every listed assessment, then what is open (as the runtime does on `Save`; the
    /// listing holds an open assessment as it was when opened).
    fn save(&mut self) {
        for l in &self.app.listing {
            if let Ok(a) = &l.assessment {
                self.store.save(a).unwrap();
            }
        }
        if let Some(s) = &self.app.open {
            self.store.save(&s.assessment).unwrap();
        }
    }

    /// Hands the file of assessment `id` to another device's store, as `import` does.
    fn hand_to(&mut self, id: &str, other: &mut Device) -> zwgk::store::Imported {
        self.save();
        other.save();
        // The file itself is handed over: fold its journal first, as closing the app does.
        self.store.close().unwrap();
        let path = self.store.assessment_path(id);
        let imported = other.store.import(&path, NOW).unwrap();
        // The receiving app shows what its store now holds.
        let a = imported.assessment.clone();
        match other
            .app
            .listing
            .iter_mut()
            .find(|l| l.assessment.as_ref().is_ok_and(|x| x.id == a.id))
        {
            Some(l) => l.assessment = Ok(a.clone()),
            None => other.app.listing.push(Listing {
                path: String::new(),
                assessment: Ok(a.clone()),
                backup: None,
            }),
        }
        if let Some(s) = other.app.open.as_mut().filter(|s| s.assessment.id == a.id) {
            s.assessment = a;
        }
        imported
    }
}

#[test]
fn case_1_a_not_involved_domain_marked_after_the_hand_over_reaches_the_county_with_its_author() {
    let mut town = Device::new(Role::Township, "张三");
    let mut county = Device::new(Role::County, "李建国");
    self_check(&mut town.app);
    let id = listing(&town.app, 0).id.clone();
    town.hand_to(&id, &mut county);
    assert!(listing(&county.app, 0).domain(TAX).unwrap().involved);

    // The township opens its self-check again and marks 税收管理 不涉及 with a reason.
    town.app.start_cursor = 0;
    reopen(&mut town.app);
    let row = domains_row(&town.app, TAX);
    press(&mut town.app, ch('g'));
    for _ in 0..row {
        press(&mut town.app, ch('j'));
    }
    press(&mut town.app, ch('x'));
    type_str(&mut town.app, "本镇无税收征管职能");
    assert_eq!(press(&mut town.app, enter()), vec![Effect::Save]);

    // Handed over again: the county now sees it, with who and when.
    let imported = town.hand_to(&id, &mut county);
    assert!(imported.merge.added >= 1);
    let a = listing(&county.app, 0);
    let tax = a.domain(TAX).unwrap();
    assert!(!tax.involved);
    assert_eq!(tax.reason.as_deref(), Some("本镇无税收征管职能"));
    let rev = a.docs.get(&DocKey::domain(TAX)).unwrap().winner().unwrap();
    assert_eq!(rev.author.name, "张三");
    assert_eq!(rev.author.role, Role::Township);
    assert_eq!(rev.author.device, town.app.device);
}

#[test]
fn case_2_document_ids_are_distinct_across_two_rounds_of_one_township() {
    let mut app = app();
    create_assessment(&mut app);
    press(&mut app, esc());
    create_assessment(&mut app);
    let (a, b) = (listing(&app, 0), listing(&app, 1));
    assert_eq!(a.partition, CODE);
    assert_eq!(a.partition, b.partition, "one township, one partition");
    let ids =
        |x: &Assessment| -> Vec<String> { x.docs.iter().map(|(k, _)| x.docs.id_of(k)).collect() };
    let (ia, ib) = (ids(a), ids(b));
    assert!(!ia.is_empty());
    assert!(ia.iter().all(|i| !ib.contains(i)), "{ia:?} / {ib:?}");
    assert!(
        ia.iter()
            .all(|i| i.starts_with(&format!("{CODE}:self_check:{}:", a.id)))
    );
    // A unit without a code gets a partition from its name, fixed: adding the code later
    // changes no id.
    let mut app = common::app();
    press(&mut app, ch('n'));
    type_str(&mut app, "无代码镇");
    for _ in 0..3 {
        press(&mut app, tab());
    }
    type_str(&mut app, "2026年自查");
    press(&mut app, tab());
    type_str(&mut app, "张三");
    press(&mut app, enter());
    press(&mut app, enter());
    let a = assessment(&app).clone();
    assert!(
        a.partition.starts_with('u') && a.partition.len() == 17,
        "{}",
        a.partition
    );
    let mut header = a.header().clone();
    header.unit.division_code = Some(CODE.into());
    let mut b = a.clone();
    b.record(Body::Header(header), author_of(Role::Township), NOW + 1)
        .unwrap();
    assert_eq!(b.partition, a.partition);
    assert_eq!(b.unit().division_code.as_deref(), Some(CODE));
}

fn author_of(role: Role) -> Author {
    Author {
        name: "测试".into(),
        device: "dev".into(),
        role,
    }
}

/// The county's inspection of `town`'s self-check: 01 agreed (a), 02 judged 部分落实, a task on 02.
fn inspection(town: &mut Device, county: &mut Device) -> String {
    self_check(&mut town.app);
    let sc = listing(&town.app, 0).id.clone();
    town.hand_to(&sc, county);
    county.app.start_cursor = 0;
    press(&mut county.app, ch('r'));
    type_str(&mut county.app, "李建国、王芳");
    press(&mut county.app, enter());
    press(&mut county.app, enter());
    let row = domains_row(&county.app, EDU);
    press(&mut county.app, ch('g'));
    for _ in 0..row {
        press(&mut county.app, ch('j'));
    }
    press(&mut county.app, enter());
    press(&mut county.app, ch('a'));
    answer(&mut county.app, "2");
    press(&mut county.app, ch('k'));
    press(&mut county.app, ch('t'));
    type_str(&mut county.app, "招生政策公开不全");
    // 整改要求 and 责任人 are required too.
    press(&mut county.app, tab());
    type_str(&mut county.app, "补充公开招生政策");
    press(&mut county.app, tab());
    press(&mut county.app, tab());
    type_str(&mut county.app, "赵六");
    assert_eq!(press(&mut county.app, enter()), vec![Effect::Save]);
    let id = assessment(&county.app).id.clone();
    assert_eq!(assessment(&county.app).kind, Kind::Inspection);
    press(&mut county.app, esc());
    press(&mut county.app, esc());
    county.save();
    id
}

#[test]
fn case_3_the_township_cannot_touch_the_countys_verdicts_in_the_app_or_on_import() {
    let mut town = Device::new(Role::Township, "张三");
    let mut county = Device::new(Role::County, "李建国");
    let insp = inspection(&mut town, &mut county);
    county.hand_to(&insp, &mut town);
    let pos = town.row_of(&insp);
    // The township has no 回头看 key.
    town.app.start_cursor = 0;
    assert!(press(&mut town.app, ch('r')).is_empty());
    assert!(matches!(town.app.screen, Screen::Start));
    // It opens the inspection and walks 义务教育: every key that would change a verdict is refused.
    town.app.start_cursor = pos;
    press(&mut town.app, enter());
    let row = domains_row(&town.app, EDU);
    press(&mut town.app, ch('g'));
    for _ in 0..row {
        press(&mut town.app, ch('j'));
    }
    press(&mut town.app, enter());
    let before = assessment(&town.app).clone();
    for k in ['1', '2', '3', '4', 'f', 'n', 'e', 'c', 'a', 'A', 'u', 'E'] {
        assert!(
            press(&mut town.app, ch(k)).is_empty(),
            "key {k} changed something"
        );
        assert!(town.app.message.is_some(), "key {k} says why");
        press(&mut town.app, esc());
        if !matches!(town.app.screen, Screen::Walk(_)) {
            press(&mut town.app, enter());
        }
    }
    assert_eq!(assessment(&town.app), &before, "no verdict changed");
    assert_eq!(
        assessment(&town.app).status(EDU, "02"),
        Status::Partial,
        "the county's verdict stands"
    );
    // The footer and help offer none of those keys.
    let mode = town.app.mode();
    let keys: Vec<String> = town.app.bindings(mode).map(|b| b.key_label()).collect();
    for k in ["1", "2", "n", "a", "A"] {
        assert!(
            !keys.contains(&k.to_string()),
            "{k} offered to the township: {keys:?}"
        );
    }

    // A copy whose verdict carries a township revision (made with the document API, which
    // leaves role rules to its caller) is refused on import, whole.
    let mut a = load_own(&county.store.assessment_path(&insp)).unwrap();
    let mut verdict = a.result(EDU, "02").unwrap().clone();
    verdict.status = Status::Compliant;
    let key = DocKey::item(DocKind::Result, EDU, "02");
    let doc_before = a.docs.get(&key).unwrap().clone();
    let hlc = zwgk::model::revision::Hlc::new(NOW + 5_000, 0);
    let mut docs = a.docs.clone();
    docs.record(Body::Result(verdict), author_of(Role::Township), hlc)
        .unwrap();
    a.docs = docs;
    let file = town._dir.path().join("forged.json");
    std::fs::write(&file, serde_json::to_vec(&a).unwrap()).unwrap();
    let county_file = county.store.assessment_path(&insp);
    let bytes_before = std::fs::read(&county_file).unwrap();
    let err = county.store.import(&file, NOW).unwrap_err().to_string();
    assert!(
        err.contains(&a.docs.id_of(&key)),
        "names the document: {err}"
    );
    assert!(err.contains("township"), "{err}");
    assert_eq!(
        std::fs::read(&county_file).unwrap(),
        bytes_before,
        "nothing changed"
    );
    let kept = load_own(&county_file).unwrap();
    assert_eq!(kept.docs.get(&key), Some(&doc_before));

    // The same verdict marked as converted from a version-1 file ("legacy"): conversion signs
    // every revision with the role that owns the assessment, so a legacy township revision in
    // a county inspection is a forgery, refused the same way.
    let a = load_own(&county_file).unwrap();
    let id = a.docs.id_of(&key);
    let parent = a.docs.get(&key).unwrap().winner().unwrap().rev.clone();
    let mut verdict = a.result(EDU, "02").unwrap().clone();
    verdict.status = Status::Compliant;
    let forged = zwgk::model::revision::legacy_revision(
        &id,
        Some(&parent),
        false,
        author_of(Role::Township),
        zwgk::model::revision::Hlc::new(NOW + 6_000, 0),
        Body::Result(verdict),
    )
    .unwrap();
    let mut file_json = serde_json::to_value(&a).unwrap();
    let doc = file_json["documents"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|d| d["id"] == id.as_str())
        .unwrap();
    doc["revisions"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::to_value(&forged).unwrap());
    std::fs::write(&file, serde_json::to_vec(&file_json).unwrap()).unwrap();
    let err = county.store.import(&file, NOW).unwrap_err().to_string();
    assert!(err.contains(&id) && err.contains("township"), "{err}");
    assert_eq!(std::fs::read(&county_file).unwrap(), bytes_before);
}

#[test]
fn case_4_a_conflict_is_shown_everywhere_and_settled_with_one_revision_both_sides_agree_on() {
    let mut town = Device::new(Role::Township, "张三");
    let mut county = Device::new(Role::County, "李建国");
    let insp = inspection(&mut town, &mut county);
    county.hand_to(&insp, &mut town);
    // A second inspector's laptop has the same inspection.
    let mut county2 = Device::new(Role::County, "王芳");
    county.hand_to(&insp, &mut county2);

    // While apart: the county changes the task's deadline and requirement; the township fills
    // 整改情况 on the same task; the second inspector sets another deadline.
    let edit_task = |d: &mut Device, deadline: &str, requirement: &str| {
        let pos = d.row_of(&insp);
        d.app.start_cursor = pos;
        press(&mut d.app, enter());
        press(&mut d.app, ch('T'));
        press(&mut d.app, enter());
        let f = d.app.task_form.as_mut().unwrap();
        f.fields[1] = zwgk::editor::TextInput::line(requirement);
        f.fields[4] = zwgk::editor::TextInput::line(deadline);
        assert_eq!(press(&mut d.app, enter()), vec![Effect::Save]);
        press(&mut d.app, esc());
        press(&mut d.app, esc());
    };
    edit_task(&mut county, "2026-12-20", "7日内在网站和公示栏公开");
    edit_task(&mut county2, "2026-12-31", "在网站公开");
    {
        let pos = town.row_of(&insp);
        town.app.start_cursor = pos;
        press(&mut town.app, enter());
        press(&mut town.app, ch('T'));
        press(&mut town.app, enter());
        type_str(&mut town.app, "已在网站公开招生政策");
        assert_eq!(press(&mut town.app, enter()), vec![Effect::Save]);
        press(&mut town.app, esc());
        press(&mut town.app, esc());
    }
    // Everything meets at the county.
    town.hand_to(&insp, &mut county);
    county2.hand_to(&insp, &mut county);
    let a = listing_range(&county.app, 0..county.app.listing.len())
        .into_iter()
        .find(|a| a.id == insp)
        .unwrap()
        .clone();
    let task = a.task_view(EDU, "02").unwrap();
    assert_eq!(
        task.response.unwrap().response,
        "已在网站公开招生政策",
        "the township's response never conflicts with the county's task"
    );
    let key = DocKey::item(DocKind::Task, EDU, "02");
    assert!(
        a.has_conflict(&key),
        "the two inspectors' deadlines conflict"
    );
    assert_eq!(a.conflict_count(), 1);

    // Shown in the app: start listing, domains screen, walk list, ledger.
    let pos = county
        .app
        .listing
        .iter()
        .position(|l| l.assessment.as_ref().is_ok_and(|x| x.id == insp))
        .unwrap();
    county.app.start_cursor = pos;
    let screen = render_text(&county.app, 120, 40);
    assert!(screen.contains("冲突1"), "start listing:\n{screen}");
    reopen(&mut county.app);
    let screen = render_text(&county.app, 120, 40);
    assert!(screen.contains("冲突1"), "domains screen:\n{screen}");
    let row = domains_row(&county.app, EDU);
    press(&mut county.app, ch('g'));
    for _ in 0..row {
        press(&mut county.app, ch('j'));
    }
    press(&mut county.app, enter());
    let screen = render_text(&county.app, 120, 40);
    assert!(screen.contains("冲突"), "walk:\n{screen}");
    press(&mut county.app, ch('T'));
    let screen = render_text(&county.app, 120, 40);
    assert!(screen.contains("冲突"), "ledger:\n{screen}");

    // Counted in every report format.
    let lib = zwgk::library::Library::builtin();
    let report = zwgk::report::Report::build(&a, &lib, "2026-11-27", Lang::Zh);
    assert_eq!(report.conflicts, 1);
    for format in [
        ReportFormat::Md,
        ReportFormat::Html,
        ReportFormat::Csv,
        ReportFormat::Xlsx,
    ] {
        let bytes = zwgk::report::render(&report, format).unwrap();
        let text = match format {
            ReportFormat::Xlsx => xlsx_text(&bytes),
            _ => String::from_utf8(bytes).unwrap(),
        };
        assert!(
            text.contains("冲突"),
            "{format:?} does not show the conflict"
        );
    }

    // Settled: C shows both versions side by side; Enter keeps the second.
    assert!(press(&mut county.app, ch('C')).is_empty());
    let view = county.app.conflict.clone().expect("the versions are shown");
    assert_eq!(view.key, key);
    let screen = render_text(&county.app, 120, 40);
    assert!(
        screen.contains("2026-12-20") && screen.contains("2026-12-31"),
        "both deadlines side by side:\n{screen}"
    );
    assert!(
        screen.contains("李建国") && screen.contains("王芳"),
        "who:\n{screen}"
    );
    press(&mut county.app, key_right());
    assert_eq!(press(&mut county.app, enter()), vec![Effect::Save]);
    let settled = assessment(&county.app).clone();
    assert!(!settled.has_conflict(&key));
    let kept = settled.task(EDU, "02").unwrap().deadline.clone();
    assert!(kept == "2026-12-20" || kept == "2026-12-31");
    // One revision (the kept one continues; the other gets a tombstone) that both sides agree on.
    county.save();
    county.hand_to(&insp, &mut county2);
    county.hand_to(&insp, &mut town);
    for d in [&county2, &town] {
        let theirs = listing_range(&d.app, 0..d.app.listing.len())
            .into_iter()
            .find(|a| a.id == insp)
            .unwrap();
        assert!(!theirs.has_conflict(&key));
        assert_eq!(theirs.task(EDU, "02").unwrap().deadline, kept);
        assert_eq!(theirs.docs.get(&key), settled.docs.get(&key));
    }
}

/// The assessments listed in a range of the start screen.
fn listing_range(app: &App, r: std::ops::Range<usize>) -> Vec<&Assessment> {
    r.filter_map(|i| app.listing[i].assessment.as_ref().ok())
        .collect()
}

fn key_right() -> crossterm::event::KeyEvent {
    key(crossterm::event::KeyCode::Right)
}

/// The screen as text at `w`×`h`.
fn render_text(app: &App, w: u16, h: u16) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    term.draw(|f| zwgk::ui::view(app, f)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut x = 0;
        while x < w {
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            // A wide character covers the next cell too.
            x += u16::try_from(zwgk::text::width(sym).max(1)).unwrap_or(1);
        }
        out.push('\n');
    }
    out
}

/// Every shared string of an xlsx file.
fn xlsx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.ends_with(".xml")) {
            f.read_to_string(&mut out).unwrap();
        }
    }
    out
}

#[test]
fn a_township_answer_changed_after_the_inspection_began_shows_both_values() {
    let mut town = Device::new(Role::Township, "张三");
    let mut county = Device::new(Role::County, "李建国");
    let insp = inspection(&mut town, &mut county);
    // The township changes its answer to item 03 (已落实 → 未落实).
    let sc = listing(&town.app, 0).id.clone();
    town.app.start_cursor = 0;
    reopen(&mut town.app);
    let row = domains_row(&town.app, EDU);
    press(&mut town.app, ch('g'));
    for _ in 0..row {
        press(&mut town.app, ch('j'));
    }
    press(&mut town.app, enter());
    // The walk opens where it was left; g goes to the first item.
    press(&mut town.app, ch('g'));
    press(&mut town.app, ch('j'));
    press(&mut town.app, ch('j'));
    assert_eq!(current_id(&town.app), "03");
    answer(&mut town.app, "3");
    press(&mut town.app, esc());
    press(&mut town.app, esc());
    town.hand_to(&sc, &mut county);

    // The county opens its inspection: 03 was not judged yet, the basis says 已落实.
    let pos = county.row_of(&insp);
    county.app.start_cursor = pos;
    reopen(&mut county.app);
    let tv = county.app.township_view(EDU, "03").unwrap();
    assert!(tv.changed, "自查已修改");
    assert_eq!(
        tv.reviewed.unwrap().status,
        Status::Compliant,
        "as reviewed"
    );
    assert_eq!(tv.current.unwrap().status, Status::Missing, "now");
    // 01 was taken with `a` and has not changed since.
    assert!(!county.app.township_view(EDU, "01").unwrap().changed);
    let row = domains_row(&county.app, EDU);
    press(&mut county.app, ch('g'));
    for _ in 0..row {
        press(&mut county.app, ch('j'));
    }
    press(&mut county.app, enter());
    press(&mut county.app, ch('g'));
    press(&mut county.app, ch('j'));
    press(&mut county.app, ch('j'));
    let screen = render_text(&county.app, 120, 40);
    assert!(screen.contains("自查已修改"), "{screen}");
    assert!(screen.contains("现为"), "{screen}");
    // Judging the item now records what the inspector saw: no longer marked.
    press(&mut county.app, ch('1'));
    assert!(!county.app.township_view(EDU, "03").unwrap().changed);
}
