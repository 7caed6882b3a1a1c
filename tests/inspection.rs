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
    // 整改要求 and 责任人 are required: the form says which are missing and stays open.
    assert!(press(&mut app, enter()).is_empty());
    let f = app.task_form.as_ref().expect("the form stays open");
    assert_eq!(f.error.as_deref(), Some("请填写:整改要求、责任人"));
    assert_eq!(f.focus, 1, "on the first one missing");
    assert_eq!(
        f.fields[0].text(),
        "自查发现:招生政策未公开",
        "nothing typed is lost"
    );
    type_str(&mut app, "在政府网站公开");
    press(&mut app, tab());
    press(&mut app, tab());
    type_str(&mut app, "张三");
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
    assert!(first.new);
    assert!(
        first.assessment.docs == a.docs,
        "every document arrives as it was"
    );
    let here = c_store.assessment_path(&a.id);
    let bytes = std::fs::read(&here).unwrap();
    // A later session imports the same file again.
    drop(c_store);
    let mut c_store = Store::open(county.path(), "t").unwrap();
    let again = c_store.import(&file, NOW).unwrap();
    assert!(!again.new);
    assert_eq!(again.merge.added, 0);
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

#[test]
fn u_after_a_takes_back_every_answer_the_a_took() {
    let mut app = app();
    township_self_check(&mut app);
    start_inspection(&mut app);
    open_domain(&mut app, EDU);
    // One verdict of the inspector's own first, then `A` takes the other nine.
    answer(&mut app, "2");
    press(&mut app, ch('A'));
    assert_eq!(app.tally(EDU).checked(), 10);
    // One `u`: the whole `A`, and only it.
    assert_eq!(press(&mut app, ch('u')), vec![Effect::Save]);
    let t = app.tally(EDU);
    assert_eq!(t.checked(), 1, "the nine taken answers are back to 未检查");
    assert_eq!(assessment(&app).status(EDU, "01"), Status::Partial);
    // The next `u`: the inspector's own verdict.
    press(&mut app, ch('u'));
    assert_eq!(app.tally(EDU).checked(), 0);
    press(&mut app, ch('u'));
    assert_eq!(app.message.as_deref(), Some("没有可撤销的修改"));
}

/// An inspection of 义务教育 with a task on 02 (deadline 2026-12-27), set by 李四; the ledger
/// open, its cursor on that task.
fn inspection_with_task(app: &mut App) {
    township_self_check(app);
    start_inspection(app);
    open_domain(app, EDU);
    press(app, ch('j'));
    answer(app, "2");
    press(app, ch('k'));
    press(app, ch('t'));
    type_str(app, "招生计划只在公示栏公开");
    press(app, tab());
    type_str(app, "在政府网站补充公开招生计划");
    press(app, tab());
    press(app, tab());
    type_str(app, "王五");
    assert_eq!(press(app, enter()), vec![Effect::Save]);
    press(app, ch('T'));
    assert!(matches!(app.screen, Screen::Tasks(_)));
}

fn form(app: &App) -> &zwgk::state::TaskForm {
    app.task_form.as_ref().expect("the task form is open")
}

/// Moves the form's focus to a field.
fn focus(app: &mut App, field: usize) {
    while form(app).focus != field {
        press(app, tab());
    }
}

#[test]
fn the_township_adds_evidence_files_to_its_answer_in_the_task_form() {
    let mut sim = Sim::new(app());
    inspection_with_task(&mut sim.app);
    sim.app.role = Role::Township;
    sim.app.user = Some("赵六".into());
    let photo = sim.data.path().join("整改后公示栏.jpg");
    std::fs::write(&photo, b"jpeg bytes").unwrap();
    sim.press(enter());
    focus(&mut sim.app, zwgk::state::TASK_EVIDENCE);
    sim.type_str(photo.to_str().unwrap());
    // Enter in 整改佐证 adds the file; the form stays open for more.
    let fx = sim.press(enter());
    assert!(matches!(&fx[0], Effect::ResolveEvidence(p) if p.ends_with("整改后公示栏.jpg")));
    let f = form(&sim.app);
    assert_eq!(f.fields[zwgk::state::TASK_EVIDENCE].text(), "");
    assert!(
        matches!(&f.evidence[..], [zwgk::model::assessment::Evidence::File { name, .. }] if name == "整改后公示栏.jpg"),
        "{:?}",
        f.evidence
    );
    // A web address typed and left there is added when the form is saved.
    sim.type_str("https://www.example.gov.cn/zsjh.html");
    focus(&mut sim.app, zwgk::state::TASK_RESPONSE);
    sim.type_str("已在政府网站公开");
    sim.press(ctrl('s'));
    sim.press(ctrl('s'));
    assert_eq!(form(&sim.app).state, TaskState::Done);
    let fx = sim.press(esc());
    assert!(fx.contains(&Effect::Save), "{fx:?}");
    assert!(sim.app.task_form.is_none());
    let a = assessment(&sim.app);
    let r = a.response(EDU, "02").unwrap();
    assert_eq!(r.evidence.len(), 2, "{:?}", r.evidence);
    assert!(
        matches!(&r.evidence[1], zwgk::model::assessment::Evidence::Url { url } if url.ends_with("zsjh.html"))
    );
    assert_eq!(r.completed.as_deref(), Some("2026-11-27"));
    // The file travels as evidence does: copied under its SHA-256.
    let zwgk::model::assessment::Evidence::File { sha256, .. } = &r.evidence[0] else {
        panic!("a file")
    };
    assert!(sim.data.path().join("evidence").join(sha256).exists());
    // Nothing went to the walk's item.
    assert!(a.result(EDU, "02").unwrap().evidence.is_empty());
    // The ledger lists the evidence by file name.
    let lib = zwgk::library::Library::builtin();
    let report = zwgk::report::Report::build(a, &lib, "2026-11-27", zwgk::cli::Lang::Zh);
    let row = &report.ledger[0];
    assert_eq!(
        report.ledger_cell(row, zwgk::report::LedgerColumn::Evidence),
        "整改后公示栏.jpg\nhttps://www.example.gov.cn/zsjh.html"
    );
}

#[test]
fn evidence_that_cannot_be_found_keeps_the_form_open_with_the_text() {
    let mut sim = Sim::new(app());
    inspection_with_task(&mut sim.app);
    sim.app.role = Role::Township;
    sim.app.user = Some("赵六".into());
    sim.press(enter());
    focus(&mut sim.app, zwgk::state::TASK_EVIDENCE);
    sim.type_str("/no/such/截图.png");
    sim.press(esc());
    let f = form(&sim.app);
    assert_eq!(
        f.fields[zwgk::state::TASK_EVIDENCE].text(),
        "/no/such/截图.png"
    );
    assert!(f.error.is_some());
    assert!(f.evidence.is_empty());
}

#[test]
fn quitting_keeps_typed_evidence_and_text_whatever_the_rules() {
    let mut sim = Sim::new(app());
    inspection_with_task(&mut sim.app);
    sim.app.role = Role::Township;
    sim.app.user = Some("赵六".into());
    let photo = sim.data.path().join("照片.png");
    std::fs::write(&photo, b"png").unwrap();
    sim.press(enter());
    sim.type_str("已整改");
    focus(&mut sim.app, zwgk::state::TASK_COMPLETED);
    sim.type_str("下周一");
    focus(&mut sim.app, zwgk::state::TASK_EVIDENCE);
    sim.type_str(photo.to_str().unwrap());
    sim.press(ctrl('c'));
    assert!(sim.quit);
    let saved = sim.saved.as_ref().expect("saved on quit");
    let r = saved.response(EDU, "02").expect("the response");
    assert_eq!(r.response, "已整改");
    assert_eq!(r.completed.as_deref(), Some("下周一"), "kept as typed");
    assert!(
        matches!(&r.evidence[..], [zwgk::model::assessment::Evidence::File { name, .. }] if name == "照片.png")
    );
}

#[test]
fn the_inspector_sends_a_fix_back_with_a_comment_and_the_review_is_signed() {
    let mut app = app();
    inspection_with_task(&mut app);
    // The township says it is fixed.
    app.role = Role::Township;
    app.user = Some("赵六".into());
    press(&mut app, enter());
    type_str(&mut app, "已公开");
    press(&mut app, ctrl('s'));
    press(&mut app, ctrl('s'));
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    // The inspector: 已复核, then 退回整改; without a comment the form says so.
    app.role = Role::County;
    app.user = Some("李四".into());
    press(&mut app, enter());
    press(&mut app, ctrl('s'));
    assert_eq!(form(&app).state, TaskState::Verified);
    press(&mut app, ctrl('s'));
    assert_eq!(form(&app).state, TaskState::Returned);
    assert!(press(&mut app, enter()).is_empty());
    assert_eq!(
        form(&app).error.as_deref(),
        Some("退回整改请在复核意见中写明原因")
    );
    assert_eq!(form(&app).focus, zwgk::state::TASK_REVIEW);
    type_str(&mut app, "招生计划缺少学区划分");
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    let t = assessment(&app).task_view(EDU, "02").unwrap();
    assert_eq!(t.state, TaskState::Returned);
    assert_eq!(t.spec.returned, 1);
    assert_eq!(t.spec.review_comment, "招生计划缺少学区划分");
    assert_eq!(t.spec.reviewer, "李四");
    assert_eq!(t.spec.review_date.as_deref(), Some("2026-11-27"));
    assert_eq!(
        t.response.unwrap().round,
        0,
        "the old answer is for the round before"
    );
    // Opening it again does not send it back twice.
    press(&mut app, enter());
    assert_eq!(form(&app).state, TaskState::Returned);
    press(&mut app, esc());
    assert_eq!(assessment(&app).task(EDU, "02").unwrap().returned, 1);
    // The township answers the new round; its old completion date is not offered again.
    app.role = Role::Township;
    app.user = Some("赵六".into());
    press(&mut app, enter());
    assert_eq!(
        form(&app).fields[zwgk::state::TASK_RESPONSE].text(),
        "已公开"
    );
    assert_eq!(form(&app).fields[zwgk::state::TASK_COMPLETED].text(), "");
    press(&mut app, ctrl('s'));
    press(&mut app, ctrl('s'));
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    let t = assessment(&app).task_view(EDU, "02").unwrap();
    assert_eq!((t.state, t.response.unwrap().round), (TaskState::Done, 1));
    // Withdrawing needs the reason.
    app.role = Role::County;
    press(&mut app, enter());
    while form(&app).state != TaskState::Withdrawn {
        press(&mut app, ctrl('s'));
    }
    focus(&mut app, zwgk::state::TASK_REVIEW);
    for _ in 0..20 {
        press(&mut app, key(crossterm::event::KeyCode::Backspace));
    }
    assert!(press(&mut app, enter()).is_empty());
    assert_eq!(
        form(&app).error.as_deref(),
        Some("撤销任务请在复核意见中写明理由")
    );
    type_str(&mut app, "该项已纳入县级统一整改");
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    let t = assessment(&app).task_view(EDU, "02").unwrap();
    assert_eq!(t.state, TaskState::Withdrawn);
    assert_eq!(t.spec.review_comment, "该项已纳入县级统一整改");
}

#[test]
fn dates_are_read_as_typed_and_the_rules_say_what_is_wrong() {
    let mut app = app();
    inspection_with_task(&mut app);
    press(&mut app, enter());
    focus(&mut app, zwgk::state::TASK_DEADLINE);
    for _ in 0..10 {
        press(&mut app, key(crossterm::event::KeyCode::Backspace));
    }
    type_str(&mut app, "12/15");
    assert!(press(&mut app, enter()).is_empty());
    assert_eq!(
        form(&app).error.as_deref(),
        Some("日期请写成 2026-12-15、2026/12/15、2026.12.15、2026年12月15日 或 12月15日")
    );
    assert_eq!(
        form(&app).fields[4].text(),
        "12/15",
        "nothing typed is lost"
    );
    for _ in 0..5 {
        press(&mut app, key(crossterm::event::KeyCode::Backspace));
    }
    type_str(&mut app, "12月15日");
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    assert_eq!(
        assessment(&app).task(EDU, "02").unwrap().deadline,
        "2026-12-15"
    );
    // A deadline already past: warned once, saved when confirmed with Enter again.
    press(&mut app, enter());
    focus(&mut app, zwgk::state::TASK_DEADLINE);
    for _ in 0..10 {
        press(&mut app, key(crossterm::event::KeyCode::Backspace));
    }
    type_str(&mut app, "2026年11月1日");
    assert!(press(&mut app, enter()).is_empty());
    assert_eq!(
        form(&app).error.as_deref(),
        Some("整改时限早于今天;确认无误请再按一次回车保存")
    );
    assert_eq!(form(&app).fields[4].text(), "2026-11-01", "normalised");
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    assert_eq!(
        assessment(&app).task(EDU, "02").unwrap().deadline,
        "2026-11-01"
    );

    // The township: 已整改 needs 整改情况; a completion date cannot be in the future.
    app.role = Role::Township;
    app.user = Some("赵六".into());
    press(&mut app, enter());
    press(&mut app, ctrl('s'));
    press(&mut app, ctrl('s'));
    assert!(press(&mut app, enter()).is_empty());
    assert_eq!(
        form(&app).error.as_deref(),
        Some("标记已整改前请先填写整改情况")
    );
    assert_eq!(form(&app).focus, zwgk::state::TASK_RESPONSE);
    type_str(&mut app, "已公开");
    press(&mut app, tab());
    type_str(&mut app, "2026.12.1");
    assert!(press(&mut app, enter()).is_empty());
    assert_eq!(form(&app).error.as_deref(), Some("完成日期不能晚于今天"));
    for _ in 0..9 {
        press(&mut app, key(crossterm::event::KeyCode::Backspace));
    }
    type_str(&mut app, "2026/11/26");
    assert_eq!(press(&mut app, esc()), vec![Effect::Save], "Esc saves too");
    let r = assessment(&app).response(EDU, "02").unwrap();
    assert_eq!(r.completed.as_deref(), Some("2026-11-26"));
}

#[test]
fn a_task_on_an_item_judged_compliant_is_asked_about_and_an_untouched_one_is_not_kept() {
    let mut app = app();
    township_self_check(&mut app);
    start_inspection(&mut app);
    open_domain(&mut app, EDU);
    press(&mut app, ch('a'));
    press(&mut app, ch('k'));
    assert_eq!(assessment(&app).status(EDU, "01"), Status::Compliant);
    press(&mut app, ch('t'));
    assert!(app.task_form.is_none());
    assert!(
        matches!(&app.confirm, Some(c) if c.on_yes == zwgk::state::Pending::TaskForm),
        "{:?}",
        app.confirm
    );
    press(&mut app, ch('n'));
    assert!(app.confirm.is_none() && app.task_form.is_none());
    press(&mut app, ch('t'));
    press(&mut app, ch('y'));
    assert!(app.task_form.is_some());
    // Nothing typed: Esc leaves no task behind.
    assert!(press(&mut app, esc()).is_empty());
    assert!(app.task_form.is_none());
    assert!(assessment(&app).task(EDU, "01").is_none());
}

#[test]
fn r_on_a_self_check_with_an_inspection_offers_to_open_it() {
    let mut app = app();
    township_self_check(&mut app);
    start_inspection(&mut app);
    let first = assessment(&app).id.clone();
    press(&mut app, esc());
    press(&mut app, esc());
    assert!(matches!(app.screen, Screen::Start));
    let row = app
        .listing
        .iter()
        .position(|l| {
            l.assessment
                .as_ref()
                .is_ok_and(|a| a.kind == Kind::SelfCheck)
        })
        .unwrap();
    app.start_cursor = row;
    press(&mut app, ch('r'));
    assert!(
        matches!(&app.confirm, Some(c) if c.on_yes == zwgk::state::Pending::OpenInspection(first.clone())),
        "{:?}",
        app.confirm
    );
    // y opens the one already there.
    press(&mut app, ch('y'));
    assert_eq!(assessment(&app).id, first);
    press(&mut app, esc());
    app.start_cursor = row;
    // n makes a second one, as before.
    press(&mut app, ch('r'));
    press(&mut app, ch('n'));
    assert!(matches!(&app.screen, Screen::New(f) if f.kind == Kind::Inspection));
    // Esc on the question changes nothing.
    press(&mut app, esc());
    press(&mut app, ch('r'));
    assert!(app.confirm.is_some());
    press(&mut app, esc());
    assert!(app.confirm.is_none() && matches!(app.screen, Screen::Start));
}

#[test]
fn x_exports_a_self_checks_table_from_the_summary_and_never_over_an_earlier_file() {
    let mut app = app();
    open_edu_walk(&mut app);
    press(&mut app, ch('1'));
    press(&mut app, ch('s'));
    press(&mut app, ch('x'));
    let prompt = app.prompt.as_ref().expect("asks for the name");
    assert_eq!(
        prompt.purpose,
        zwgk::state::PromptPurpose::Export(zwgk::cli::ReportKind::Table)
    );
    let name = prompt.input.text().to_string();
    assert_eq!(name, format!("{UNIT}-{ROUND}-自查表.xlsx"));
    assert_eq!(
        press(&mut app, enter()),
        vec![Effect::Export(name.clone(), zwgk::cli::ReportKind::Table)]
    );
    // The ledger screen exports the report and ledger.
    press(&mut app, ch('T'));
    press(&mut app, ch('x'));
    assert_eq!(
        app.prompt.as_ref().unwrap().purpose,
        zwgk::state::PromptPurpose::Export(zwgk::cli::ReportKind::Report)
    );
    press(&mut app, esc());

    // What the runtime does with it: the first export keeps the name, the next one is -2.
    let dir = tempfile::tempdir().unwrap();
    let lib = zwgk::library::Library::builtin();
    let src = zwgk::export::Source {
        assessment: assessment(&app),
        reviewed: None,
        library: &lib,
        today: "2026-11-27",
        lang: zwgk::cli::Lang::Zh,
    };
    let kind = zwgk::cli::ReportKind::Table;
    let first = zwgk::export::write(&src, dir.path(), &name, kind).unwrap();
    assert_eq!(first, dir.path().join(&name));
    let before = std::fs::read(&first).unwrap();
    let second = zwgk::export::write(&src, dir.path(), &name, kind).unwrap();
    assert_eq!(
        second,
        dir.path().join(format!("{UNIT}-{ROUND}-自查表-2.xlsx"))
    );
    assert_eq!(
        std::fs::read(&first).unwrap(),
        before,
        "the first is untouched"
    );
}
