//! The look-back inspection: an inspector re-checks a township beside its self-check, sets
//! rectification tasks; the township answers them; the inspector verifies.

mod common;

use common::*;
use zwgk::action::Effect;
use zwgk::model::assessment::Kind;
use zwgk::model::doc::{DocKey, DocKind};
use zwgk::model::rectification::TaskState;
use zwgk::model::revision::Role;
use zwgk::model::status::Status;
use zwgk::state::{App, Listing, Screen};
use zwgk::store::Store;

/// A township self-check of 义务教育: 7 已落实, 2 未落实, 1 部分落实; back on the start screen.
fn township_self_check(app: &mut App) {
    open_edu_walk(app);
    answer(app, "1311111132");
    press(app, esc());
    press(app, esc());
    assert!(matches!(app.screen, Screen::Start));
}

/// From the start screen with the self-check selected: `r`, the inspector's name, Enter, Enter.
fn start_inspection(app: &mut App) -> Vec<Effect> {
    // The county's laptop: another role, another person.
    app.role = Role::County;
    app.user = None;
    let mut fx = press(app, ch('r'));
    match &app.screen {
        Screen::New(f) => {
            assert_eq!(f.kind, Kind::Inspection);
            assert_eq!(
                f.fields[0].text(),
                UNIT,
                "the unit comes from the self-check"
            );
            assert_eq!(f.focus, 4, "the cursor waits on the inspector's name");
        }
        other => panic!("expected the form, got {other:?}"),
    }
    fx.extend(type_str(app, "李四"));
    fx.extend(press(app, enter()));
    fx.extend(press(app, enter()));
    fx
}

fn open_domain(app: &mut App, id: &str) -> usize {
    let row = app
        .domains()
        .iter()
        .position(|d| d.checklist == id)
        .unwrap();
    press(app, ch('g'));
    for _ in 0..row {
        press(app, ch('j'));
    }
    press(app, enter());
    assert_eq!(walk(app).checklist, id);
    row + 2
}

#[test]
fn an_inspection_takes_the_township_answers_in_fewer_keys_than_items() {
    let mut app = app();
    township_self_check(&mut app);
    let self_check_id = assessment_in_listing(&app, 0).id.clone();
    let fx = start_inspection(&mut app);
    assert!(fx.contains(&Effect::Save));
    let a = assessment(&app);
    assert_eq!(a.kind, Kind::Inspection);
    assert_eq!(a.reviews(), Some(self_check_id.as_str()));
    assert!(
        !a.domain(NOT_INVOLVED).unwrap().involved,
        "不涉及 carries over"
    );

    // Keys from the domains screen: open the domain, then one key takes every answer.
    let before = 0;
    open_domain(&mut app, EDU);
    let fx = press(&mut app, ch('A'));
    assert_eq!(fx, vec![Effect::Save]);
    let keys_used = 2 + before;
    let t = app.tally(EDU);
    assert_eq!(t.checked(), 10);
    assert!(
        keys_used < t.total(),
        "{keys_used} keys for {} items",
        t.total()
    );
    assert_eq!((t.compliant, t.partial, t.missing), (7, 1, 2));
    let win = assessment(&app)
        .result_doc(EDU, "01")
        .unwrap()
        .winner()
        .unwrap();
    assert_eq!(win.author.name, "李四");
    assert_eq!(win.author.role, Role::County);
}

fn assessment_in_listing(app: &App, i: usize) -> &zwgk::model::assessment::Assessment {
    match &app.listing[i] {
        Listing {
            assessment: Ok(a), ..
        } => a,
        other => panic!("listing {i}: {other:?}"),
    }
}

#[test]
fn a_different_verdict_a_task_then_the_township_answers_and_the_inspector_verifies() {
    let mut app = app();
    township_self_check(&mut app);
    start_inspection(&mut app);
    open_domain(&mut app, EDU);
    // Item 01: the township said 已落实; the inspector agrees with `a` and moves on.
    assert_eq!(press(&mut app, ch('a')), vec![Effect::Save]);
    assert_eq!(assessment(&app).status(EDU, "01"), Status::Compliant);
    assert_eq!(current_id(&app), "02");
    // Item 02: the township said 未落实 too; the inspector finds it 部分落实: a different verdict.
    press(&mut app, ch('2'));
    assert_eq!(assessment(&app).status(EDU, "02"), Status::Partial);
    let theirs = app.reviewed().unwrap().status(EDU, "02");
    assert_eq!(theirs, Status::Missing);
    // The findings picker asks what was wrong; Enter moves on. Then back for a task.
    press(&mut app, ch(' '));
    press(&mut app, enter());
    press(&mut app, ch('k'));
    press(&mut app, ch('t'));
    let form = app.task_form.as_ref().expect("the task form opens");
    assert_eq!(
        form.fields[0].text(),
        "未公开",
        "the description starts from the findings"
    );
    assert_eq!(
        form.fields[2].text(),
        UNIT,
        "the unit is responsible by default"
    );
    assert_eq!(
        form.fields[4].text(),
        "2026-12-27",
        "30 days from today (2026-11-27 in Beijing)"
    );
    press(&mut app, tab());
    type_str(&mut app, "在政府网站补充公开招生计划");
    press(&mut app, tab());
    press(&mut app, tab());
    type_str(&mut app, "王五");
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    let task = assessment(&app).task_view(EDU, "02").unwrap();
    assert_eq!(task.spec.requirement, "在政府网站补充公开招生计划");
    assert_eq!(task.spec.responsible_person, "王五");
    assert_eq!(task.state, TaskState::Pending);
    assert!(!task.is_overdue("2026-11-27"));
    assert!(task.is_overdue("2026-12-28"));

    // The township (another device, role township) answers in the ledger.
    app.role = Role::Township;
    press(&mut app, ch('T'));
    assert!(matches!(app.screen, Screen::Tasks(_)));
    press(&mut app, enter());
    let form = app.task_form.as_ref().unwrap();
    assert_eq!(form.focus, 5, "the township starts on 整改情况");
    type_str(&mut app, "已在政府网站公开");
    // The township cannot change what the county asked.
    press(&mut app, zwgk_key_backtab());
    press(&mut app, zwgk_key_backtab());
    press(&mut app, zwgk_key_backtab());
    press(&mut app, ch('x'));
    assert!(app.task_form.as_ref().unwrap().error.is_some());
    press(&mut app, ctrl('s')); // 整改中
    press(&mut app, ctrl('s')); // 已整改
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    let task = assessment(&app).task_view(EDU, "02").unwrap();
    assert_eq!(task.state, TaskState::Done);
    let response = task.response.unwrap();
    assert_eq!(response.response, "已在政府网站公开");
    assert_eq!(response.completed.as_deref(), Some("2026-11-27"));
    assert_eq!(task.spec.responsible_person, "王五");
    // The response is the township's own document; the task stays the county's.
    let a = assessment(&app);
    let resp_doc = a
        .docs
        .get(&DocKey::item(DocKind::Response, EDU, "02"))
        .unwrap();
    assert_eq!(resp_doc.winner().unwrap().author.role, Role::Township);
    let task_doc = a.docs.get(&DocKey::item(DocKind::Task, EDU, "02")).unwrap();
    assert_eq!(task_doc.len(), 1, "the township wrote nothing of the task");
    // The township may not verify its own fix: its states are 整改中 and 已整改.
    press(&mut app, enter());
    press(&mut app, ctrl('s'));
    assert_eq!(app.task_form.as_ref().unwrap().state, TaskState::InProgress);
    // Back to 已整改; Esc keeps the form's content, which is now unchanged: no revision.
    press(&mut app, ctrl('s'));
    assert!(press(&mut app, esc()).is_empty());
    assert!(app.task_form.is_none());

    // The inspector verifies.
    app.role = Role::County;
    press(&mut app, enter());
    press(&mut app, ctrl('s'));
    assert_eq!(app.task_form.as_ref().unwrap().state, TaskState::Verified);
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    assert_eq!(
        assessment(&app).task_view(EDU, "02").unwrap().state,
        TaskState::Verified
    );
    // Every step is in the history of its side's document.
    let a = assessment(&app);
    let doc = a.docs.get(&DocKey::item(DocKind::Task, EDU, "02")).unwrap();
    let win = doc.winner().unwrap();
    assert_eq!(doc.history(&win.rev).len(), 2, "created, verified");
    assert_eq!(win.author.role, Role::County);
    let doc = a
        .docs
        .get(&DocKey::item(DocKind::Response, EDU, "02"))
        .unwrap();
    assert_eq!(doc.len(), 1, "answered");
}

fn zwgk_key_backtab() -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::BackTab,
        crossterm::event::KeyModifiers::SHIFT,
    )
}

#[test]
fn a_township_keeps_its_own_tasks_in_a_self_check_but_takes_no_answers() {
    let mut app = app();
    open_edu_walk(&mut app);
    answer(&mut app, "3");
    press(&mut app, ch('k'));
    // Its own rectification list: the township writes both parts of the task.
    press(&mut app, ch('t'));
    assert!(app.task_form.is_some(), "{:?}", app.message);
    type_str(&mut app, "自查发现:招生政策未公开");
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    let item = current_id(&app);
    let task = assessment(&app)
        .task_view(EDU, &item)
        .expect("the township's own task");
    assert_eq!(task.spec.description, "自查发现:招生政策未公开");
    // `a` and `A` take the township's answers in an inspection only.
    assert!(press(&mut app, ch('a')).is_empty());
    assert!(press(&mut app, ch('A')).is_empty());
}

#[test]
fn importing_a_self_check_twice_merges_without_duplicates() {
    let township = tempfile::tempdir().unwrap();
    let county = tempfile::tempdir().unwrap();
    let mut app = app();
    township_self_check(&mut app);
    let a = assessment_in_listing(&app, 0).clone();
    let mut t_store = Store::open(township.path(), "t").unwrap();
    let file = t_store.save(&a).unwrap();
    let mut c_store = Store::open(county.path(), "t").unwrap();
    let first = c_store.import(&file, NOW).unwrap();
    assert!(first.merge.is_none());
    assert_eq!(first.assessment, a);
    let here = c_store.assessment_path(&a.id);
    let bytes = std::fs::read(&here).unwrap();
    // A later session imports the same file again.
    drop(c_store);
    let mut c_store = Store::open(county.path(), "t").unwrap();
    let again = c_store.import(&file, NOW).unwrap();
    assert_eq!(again.merge.unwrap().added, 0);
    assert_eq!(
        std::fs::read(&here).unwrap(),
        bytes,
        "nothing new: the file is left alone"
    );
    let mut bak = here.clone().into_os_string();
    bak.push(".bak");
    assert!(
        !std::path::Path::new(&bak).exists(),
        "no rewrite, so no backup either"
    );
    assert_eq!(c_store.list().unwrap().len(), 1);
}
