//! `update`: keys in (through the real keymap), state and effects out.

mod common;

use std::collections::BTreeSet;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use zwgk::action::{Action, Effect};
use zwgk::cli::Lang;
use zwgk::keymap::Mode;
use zwgk::model::assessment::{Evidence, Kind};
use zwgk::model::doc::DocKind;
use zwgk::model::revision::Role;
use zwgk::model::status::{FINDING_TYPES, Status};
use zwgk::state::{Choice, Filter, Overlay, Screen};
use zwgk::ui::strings::ZH;
use zwgk::update::{FIELD_ASSESSOR, FIELD_ROUND, FIELD_UNIT};

fn statuses(app: &zwgk::state::App) -> Vec<Status> {
    let entry = app.library.get(EDU).unwrap();
    entry
        .catalogue
        .items
        .iter()
        .map(|i| assessment(app).status(EDU, &i.id))
        .collect()
}

fn item_id(n: usize) -> String {
    format!("{n:02}")
}

#[test]
fn creating_an_assessment_saves_it_with_the_chosen_domains() {
    let mut app = app();
    let fx = create_assessment(&mut app);
    assert_eq!(
        fx,
        vec![Effect::Save, Effect::RememberUser(ASSESSOR.into())],
        "only the final Enter creates, and it saves; the assessor is this device's user"
    );
    assert!(matches!(app.screen, Screen::Domains(_)));
    assert_eq!(app.mode(), Mode::Domains);

    let a = assessment(&app);
    assert_eq!(a.unit().name, UNIT);
    assert_eq!(a.unit().division_code.as_deref(), Some(CODE));
    assert_eq!(a.unit().county, COUNTY);
    assert_eq!(a.round(), ROUND);
    assert_eq!(a.assessor(), ASSESSOR);
    assert_eq!(a.kind, Kind::SelfCheck);
    assert!(a.id.starts_with("0190f5a2-7c00-7000-8000-"), "{}", a.id);
    assert!(a.docs.of_kind(DocKind::Result).next().is_none());

    // The 26 national catalogues and the city one; the local one is opt-in.
    let national_and_city = app
        .library
        .entries()
        .iter()
        .filter(|e| e.catalogue.group != zwgk::model::catalogue::Group::Local)
        .count();
    assert_eq!(a.domains().count(), national_and_city);
    assert!(a.domain("agricultural-funds-local").is_none());
    let ni = a.domain(NOT_INVOLVED).unwrap();
    assert!(!ni.involved);
    assert_eq!(ni.reason.as_deref(), Some(REASON));
    assert_eq!(a.domains().filter(|d| !d.involved).count(), 1);
    assert!(
        a.domains()
            .filter(|d| d.involved)
            .all(|d| d.reason.is_none())
    );
    for d in a.domains() {
        assert_eq!(
            d.version,
            app.library.get(&d.checklist).unwrap().catalogue.version
        );
    }
    assert!(!app.involved_domains().contains(&NOT_INVOLVED));

    // The start screen's listing knows it already.
    assert_eq!(app.listing.len(), 1);
    assert_eq!(app.listing[0].assessment.as_ref().unwrap().id, a.id);
}

#[test]
fn form_refuses_an_empty_unit_name() {
    let mut app = app();
    press(&mut app, ch('n'));
    assert_eq!(app.mode(), Mode::Form);
    let fx = press(&mut app, enter());
    assert!(fx.is_empty());
    let Screen::New(f) = &app.screen else {
        panic!("left the form: {:?}", app.screen)
    };
    assert!(!f.choosing);
    assert_eq!(f.focus, FIELD_UNIT);
    assert_eq!(f.error.as_deref(), Some(ZH.field_required));

    // Round and assessor filled, unit still empty: Enter goes back to the unit.
    keys(&mut app, &[tab(), tab(), tab()]);
    type_str(&mut app, ROUND);
    press(&mut app, tab());
    type_str(&mut app, ASSESSOR);
    press(&mut app, enter());
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    assert!(!f.choosing);
    assert_eq!(f.focus, FIELD_UNIT);
    assert_eq!(f.fields[FIELD_ROUND].text(), ROUND);
    assert_eq!(f.fields[FIELD_ASSESSOR].text(), ASSESSOR);

    // Blanks only do not count either.
    type_str(&mut app, "  ");
    press(&mut app, enter());
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    assert!(!f.choosing);
    assert_eq!(f.error.as_deref(), Some(ZH.field_required));

    // With a name, Enter moves on (to the empty optional field, then to the domains).
    keys(
        &mut app,
        &[key(KeyCode::Backspace), key(KeyCode::Backspace)],
    );
    type_str(&mut app, UNIT);
    press(&mut app, enter());
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    assert!(f.error.is_none());
    assert_eq!(app.mode(), Mode::Form);
    keys(&mut app, &[tab(), tab(), tab()]);
    press(&mut app, enter());
    assert_eq!(app.mode(), Mode::FormDomains);
}

#[test]
fn not_involved_needs_a_reason_and_esc_cancels() {
    let mut app = app();
    press(&mut app, ch('n'));
    type_str(&mut app, UNIT);
    keys(&mut app, &[tab(), tab(), tab()]);
    type_str(&mut app, ROUND);
    press(&mut app, tab());
    type_str(&mut app, ASSESSOR);
    press(&mut app, enter());
    assert_eq!(app.mode(), Mode::FormDomains);

    // x then Enter without a reason: refused, the row stays included.
    keys(&mut app, &[ch('x'), enter()]);
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    assert_eq!(f.domains[0].choice, Choice::Included);
    assert_eq!(f.error.as_deref(), Some(ZH.reason_required));
    assert_eq!(app.mode(), Mode::FormDomains);

    // x, typing, Esc: cancelled.
    press(&mut app, ch('x'));
    assert_eq!(app.mode(), Mode::LineInput);
    type_str(&mut app, "无");
    press(&mut app, esc());
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    assert_eq!(f.domains[0].choice, Choice::Included);

    // Space leaves a catalogue out; x with a reason marks it; x again includes it.
    let (first, second) = (domain_at(0), domain_at(1));
    keys(&mut app, &[ch('j'), key(KeyCode::Char(' '))]);
    press(&mut app, ch('x'));
    type_str(&mut app, REASON);
    press(&mut app, enter());
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    assert_eq!(f.domains[1].choice, Choice::NotInvolved(REASON.to_string()));
    press(&mut app, ch('x'));
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    assert_eq!(f.domains[1].choice, Choice::Included);
    press(&mut app, key(KeyCode::Char(' ')));
    let fx = press(&mut app, enter());
    assert_eq!(
        fx,
        vec![Effect::Save, Effect::RememberUser(ASSESSOR.into())]
    );
    let a = assessment(&app);
    assert!(a.domain(&second).is_none(), "left out with Space");
    assert!(a.domain(&first).unwrap().involved);
}

#[test]
fn one_press_of_1_per_item_walks_a_domain() {
    let mut app = app();
    create_assessment(&mut app);
    for _ in 0..edu_row() {
        press(&mut app, ch('j'));
    }
    let n_items = edu_items();

    let mut presses = 0;
    let fx = press(&mut app, enter());
    presses += 1;
    assert!(fx.is_empty());
    assert_eq!(walk(&app).checklist, EDU);
    assert_eq!(walk(&app).cursor, 0);
    for n in 1..=n_items {
        assert_eq!(current_id(&app), item_id(n), "cursor moves on by itself");
        let fx = press(&mut app, ch('1'));
        presses += 1;
        assert_eq!(fx, vec![Effect::Save], "press {n}");
        let rev = edu_winner(&app, &item_id(n));
        assert_eq!(rev.body.as_result().unwrap().status, Status::Compliant);
        assert_eq!(rev.author.name, ASSESSOR);
        assert_eq!(rev.author.device, DEVICE);
        assert_eq!(rev.author.role, Role::Township);
        assert_eq!(rev.parent, None, "the first revision of {n}");
        assert_eq!(rev.hlc.millis, NOW);
        assert_eq!(
            rev.body.as_result().unwrap().fingerprint,
            app.library.get(EDU).unwrap().fingerprints[n - 1]
        );
    }
    assert_eq!(
        presses,
        n_items + 1,
        "one Enter to open and one status key per item"
    );
    assert_eq!(statuses(&app), vec![Status::Compliant; n_items]);
    let t = app.tally(EDU);
    assert_eq!((t.compliant, t.unchecked), (n_items, 0));
    assert_eq!(app.message.as_deref(), Some(ZH.domain_done));
    assert_eq!(walk(&app).cursor, n_items - 1, "stays on the last item");

    // The same status again changes nothing: no save, no revision.
    let fx = press(&mut app, ch('1'));
    assert!(fx.is_empty());
    let last = item_id(n_items);
    let doc = assessment(&app).result_doc(EDU, &last).unwrap();
    assert_eq!(doc.revisions().len(), 1);
    assert_eq!(edu_history_len(&app, &last), 1);
}

#[test]
fn disaster_relief_also_takes_ten_keys() {
    let mut app = app();
    create_assessment(&mut app);
    for _ in 0..domain_row("disaster-relief") {
        press(&mut app, ch('j'));
    }
    press(&mut app, enter());
    assert_eq!(walk(&app).checklist, "disaster-relief");
    let saves: usize = (0..10).map(|_| press(&mut app, ch('4')).len()).sum();
    assert_eq!(saves, 10);
    let t = app.tally("disaster-relief");
    assert_eq!((t.not_applicable, t.total()), (10, 10));
}

#[test]
fn two_status_changes_make_two_linked_revisions() {
    let mut app = app();
    open_edu_walk(&mut app);
    assert_eq!(press(&mut app, ch('2')), vec![Effect::Save]);
    // The findings picker asks what was wrong; Enter moves on.
    assert_eq!(app.mode(), Mode::Picker);
    assert!(press(&mut app, enter()).is_empty());
    assert_eq!(current_id(&app), "02");
    press(&mut app, ch('k'));
    assert_eq!(current_id(&app), "01");
    assert_eq!(press(&mut app, ch('3')), vec![Effect::Save]);
    press(&mut app, enter());

    let doc = assessment(&app).result_doc(EDU, "01").unwrap();
    assert_eq!(doc.revisions().len(), 2);
    let winner = doc.winner().unwrap();
    assert_eq!(winner.body.as_result().unwrap().status, Status::Missing);
    let history = doc.history(&winner.rev);
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].body.as_result().unwrap().status, Status::Partial);
    assert_eq!(winner.parent.as_ref(), Some(&history[1].rev));
    assert_eq!(history[1].parent, None);
    assert!(
        history[0].hlc > history[1].hlc,
        "the clock moves on within one millisecond"
    );
    assert!(doc.conflicts().is_empty());
}

#[test]
fn undo_records_the_previous_status_as_a_new_revision() {
    let mut app = app();
    open_edu_walk(&mut app);
    keys(&mut app, &[ch('2'), enter(), ch('k'), ch('3'), enter()]);
    press(&mut app, ch('j'));
    press(&mut app, ch('j'));
    assert_eq!(walk(&app).cursor, 3, "moved away from 01");

    let fx = press(&mut app, ch('u'));
    assert_eq!(fx, vec![Effect::Save]);
    assert_eq!(
        edu_result(&app, "01").unwrap().status,
        Status::Partial,
        "back to 部分落实"
    );
    assert_eq!(edu_history_len(&app, "01"), 3, "undo adds to the history");
    assert_eq!(
        assessment(&app)
            .result_doc(EDU, "01")
            .unwrap()
            .revisions()
            .len(),
        3
    );
    assert_eq!(current_id(&app), "01", "shows the item that changed back");
    assert_eq!(app.message.as_deref(), Some(ZH.undone));

    // Undo the first change: 未检查 again, still as a new revision.
    assert_eq!(press(&mut app, ch('u')), vec![Effect::Save]);
    assert_eq!(assessment(&app).status(EDU, "01"), Status::Unchecked);
    assert_eq!(edu_history_len(&app, "01"), 4);

    // Nothing left.
    assert!(press(&mut app, ch('u')).is_empty());
    assert_eq!(app.message.as_deref(), Some(ZH.nothing_to_undo));
    assert_eq!(edu_history_len(&app, "01"), 4);
}

#[test]
fn undo_clears_filter_and_search_to_show_the_item() {
    let mut app = app();
    open_edu_walk(&mut app);
    press(&mut app, ch('1'));
    press(&mut app, ch('v'));
    assert_eq!(walk(&app).filter, Filter::Unchecked);
    press(&mut app, ch('u'));
    assert_eq!(walk(&app).filter, Filter::All);
    assert_eq!(current_id(&app), "01");
    assert_eq!(assessment(&app).status(EDU, "01"), Status::Unchecked);
}

#[test]
fn unchecked_filter_hides_checked_items_and_keeps_the_cursor_valid() {
    let mut app = app();
    open_edu_walk(&mut app);
    let n = edu_items();
    keys(&mut app, &[ch('1'), ch('2'), enter(), ch('3'), enter()]);
    press(&mut app, ch('G'));
    assert_eq!(walk(&app).cursor, n - 1);
    press(&mut app, ch('v'));
    assert_eq!(walk(&app).filter, Filter::Unchecked);
    let visible = app.visible(walk(&app));
    assert_eq!(visible, (3..n).collect::<Vec<_>>());
    assert_eq!(walk(&app).cursor, 0);
    assert_eq!(current_id(&app), "04");

    // Marking an item drops it from the list; the cursor now shows the next one.
    press(&mut app, ch('1'));
    assert_eq!(walk(&app).cursor, 0);
    assert_eq!(current_id(&app), "05");
    // On the last row the cursor moves up instead of off the end.
    press(&mut app, ch('G'));
    assert_eq!(current_id(&app), item_id(n));
    press(&mut app, ch('4'));
    let len = app.visible(walk(&app)).len();
    assert_eq!(len, n - 5);
    assert_eq!(walk(&app).cursor, len - 1);
    assert_eq!(current_id(&app), item_id(n - 1));
    // Until nothing is left.
    for _ in 0..len {
        press(&mut app, ch('1'));
        let w = walk(&app);
        let len = app.visible(w).len();
        assert!(w.cursor < len.max(1), "cursor {} of {len}", w.cursor);
    }
    assert!(app.visible(walk(&app)).is_empty());
    assert!(app.current_item(walk(&app)).is_none());
    // Keys on an empty list do nothing and do not panic.
    for k in ['1', 'n', 'f', 'e', 'c', 'p', 'j', 'k', 'G', 'g'] {
        press(&mut app, ch(k));
        assert!(
            walk(&app).overlay.is_none(),
            "{k} opened a popup on an empty list"
        );
    }
    press(&mut app, tab());

    // Problems: 部分落实 and 未落实 only.
    press(&mut app, ch('v'));
    assert_eq!(walk(&app).filter, Filter::Problems);
    assert_eq!(app.visible(walk(&app)), vec![1, 2]);
    press(&mut app, ch('v'));
    assert_eq!(walk(&app).filter, Filter::All);
    assert_eq!(app.visible(walk(&app)).len(), n);
}

#[test]
fn tab_jumps_to_the_next_unchecked_item_and_wraps() {
    let mut app = app();
    open_edu_walk(&mut app);
    let n = edu_items();
    keys(&mut app, &[ch('1'), ch('1')]);
    press(&mut app, ch('G'));
    press(&mut app, ch('1'));
    assert_eq!(walk(&app).cursor, n - 1);
    press(&mut app, tab());
    assert_eq!(walk(&app).cursor, 2, "wraps past the end to 03");
    press(&mut app, tab());
    assert_eq!(walk(&app).cursor, 3);
    // Shift-Tab goes back, wrapping past the start and skipping checked items.
    press(&mut app, ch('g'));
    press(
        &mut app,
        KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
    );
    assert_eq!(walk(&app).cursor, n - 2);

    // With everything checked, Tab stays and says so.
    for _ in 0..n {
        press(&mut app, ch('g'));
        press(&mut app, tab());
        press(&mut app, ch('1'));
    }
    assert_eq!(app.tally(EDU).unchecked, 0);
    let before = walk(&app).cursor;
    press(&mut app, tab());
    assert_eq!(walk(&app).cursor, before);
    assert_eq!(app.message.as_deref(), Some(ZH.no_unchecked_left));
}

#[test]
fn p_finds_the_next_partial_or_missing_item() {
    let mut app = app();
    open_edu_walk(&mut app);
    keys(
        &mut app,
        &[
            ch('1'),
            ch('2'),
            enter(),
            ch('1'),
            ch('3'),
            enter(),
            ch('4'),
        ],
    );
    assert_eq!(walk(&app).cursor, 5);
    press(&mut app, ch('p'));
    assert_eq!(current_id(&app), "02", "wraps to the first problem");
    press(&mut app, ch('p'));
    assert_eq!(current_id(&app), "04");
    press(&mut app, ch('p'));
    assert_eq!(current_id(&app), "02");

    // No problems left.
    keys(&mut app, &[ch('1')]);
    press(&mut app, ch('p'));
    assert_eq!(current_id(&app), "04");
    press(&mut app, ch('1'));
    let at = walk(&app).cursor;
    press(&mut app, ch('p'));
    assert_eq!(walk(&app).cursor, at);
    assert_eq!(app.message.as_deref(), Some(ZH.no_problem_left));
}

#[test]
fn search_filters_by_name_and_content() {
    let mut app = app();
    open_edu_walk(&mut app);
    press(&mut app, ch('/'));
    assert_eq!(app.mode(), Mode::LineInput);
    // Letters that are list keys elsewhere are text here.
    type_str(&mut app, "招生");
    let fx = press(&mut app, enter());
    assert!(fx.is_empty());
    let w = walk(&app);
    assert!(w.overlay.is_none());
    assert_eq!(w.search, "招生");
    // 招生管理 (level 1: 04–07 and 11) and the content 各校招生工作实施方案.
    assert_eq!(app.visible(w), vec![3, 4, 5, 6, 10]);
    assert_eq!(current_id(&app), "04");

    // By content only: 两免一补 appears only in the content of 09.
    press(&mut app, ch('/'));
    keys(
        &mut app,
        &[key(KeyCode::Backspace), key(KeyCode::Backspace)],
    );
    type_str(&mut app, "两免一补");
    press(&mut app, enter());
    assert_eq!(app.visible(walk(&app)), vec![8]);
    // A status key acts on the found item.
    assert_eq!(press(&mut app, ch('2')), vec![Effect::Save]);
    assert_eq!(assessment(&app).status(EDU, "09"), Status::Partial);
    press(&mut app, enter());

    // Nothing matches.
    press(&mut app, ch('/'));
    type_str(&mut app, "zzz");
    press(&mut app, enter());
    assert!(app.visible(walk(&app)).is_empty());

    // An empty search shows everything again.
    press(&mut app, ch('/'));
    for _ in 0.."两免一补zzz".chars().count() {
        press(&mut app, key(KeyCode::Backspace));
    }
    press(&mut app, enter());
    assert_eq!(walk(&app).search, "");
    assert_eq!(app.visible(walk(&app)).len(), edu_items());
}

#[test]
fn note_editor_keeps_chinese_and_line_breaks() {
    let mut app = app();
    open_edu_walk(&mut app);
    assert!(press(&mut app, ch('n')).is_empty());
    assert_eq!(app.mode(), Mode::Editor);
    // q, j, k, 1 are text in the editor.
    type_str(&mut app, "公示栏已张贴q1");
    keys(
        &mut app,
        &[key(KeyCode::Backspace), key(KeyCode::Backspace)],
    );
    press(&mut app, ctrl('j'));
    type_str(&mut app, "网站未更新");
    let fx = press(&mut app, enter());
    assert_eq!(fx, vec![Effect::Save]);
    assert!(walk(&app).overlay.is_none());
    let r = edu_result(&app, "01").unwrap();
    assert_eq!(r.note, "公示栏已张贴\n网站未更新");
    assert_eq!(
        r.status,
        Status::Unchecked,
        "a note alone does not set a status"
    );
    assert_eq!(current_id(&app), "01", "the cursor stays");

    // Reopen: the text is there; Esc keeps an edit too.
    press(&mut app, ch('n'));
    let Some(Overlay::Note(input)) = &walk(&app).overlay else {
        panic!("note editor not open")
    };
    assert_eq!(input.text(), "公示栏已张贴\n网站未更新");
    press(&mut app, key(KeyCode::Backspace));
    let fx = press(&mut app, esc());
    assert_eq!(fx, vec![Effect::Save]);
    assert_eq!(
        edu_result(&app, "01").unwrap().note,
        "公示栏已张贴\n网站未更"
    );

    // Opening and closing without a change saves nothing.
    press(&mut app, ch('n'));
    assert!(press(&mut app, enter()).is_empty());
    assert_eq!(edu_history_len(&app, "01"), 2);
}

#[test]
fn ctrl_c_in_the_note_editor_saves_the_typed_text_then_quits() {
    let mut sim = Sim::new(app());
    create_assessment(&mut sim.app);
    sim.keys(&vec![ch('j'); edu_row()]);
    sim.keys(&[enter(), ch('3'), enter(), ch('k'), ch('n')]);
    sim.type_str("公示栏未张贴招生范围");
    let fx = sim.press(ctrl('c'));
    // The place in the walk is kept for the next start too.
    assert_eq!(fx, vec![Effect::Save, Effect::RememberPlaces, Effect::Quit]);
    assert!(sim.quit);
    assert_eq!(
        edu_result(&sim.app, "01").unwrap().note,
        "公示栏未张贴招生范围"
    );
    let saved = sim.saved.as_ref().unwrap();
    let r = saved.result(EDU, "01").unwrap();
    assert_eq!(r.note, "公示栏未张贴招生范围");
    assert_eq!(r.status, Status::Missing);
}

#[test]
fn ctrl_c_without_an_editor_just_quits() {
    let mut app = app();
    assert_eq!(press(&mut app, ctrl('c')), vec![Effect::Quit]);
    let mut app = common::app();
    open_edu_walk(&mut app);
    press(&mut app, ch('1'));
    // Nothing to save; where the walk stands is kept for the next start.
    assert_eq!(
        press(&mut app, ctrl('c')),
        vec![Effect::RememberPlaces, Effect::Quit]
    );
    // q on the start screen quits too.
    let mut app = common::app();
    assert_eq!(press(&mut app, ch('q')), vec![Effect::Quit]);
}

#[test]
fn findings_picker_toggles_entries() {
    let mut app = app();
    open_edu_walk(&mut app);
    // 3 asks at once what was wrong with 01.
    press(&mut app, ch('3'));
    assert_eq!(app.mode(), Mode::Picker);
    assert_eq!(current_id(&app), "01");
    let Some(Overlay::Findings(p)) = &walk(&app).overlay else {
        panic!("findings picker not open")
    };
    assert_eq!(
        p.entries,
        FINDING_TYPES
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    assert!(p.checked.iter().all(|c| !c));

    let space = key(KeyCode::Char(' '));
    // 未公开 on, 内容不全 on then off again, 链接失效 on.
    keys(
        &mut app,
        &[
            space,
            ch('j'),
            space,
            space,
            ch('j'),
            ch('j'),
            ch('j'),
            space,
        ],
    );
    let Some(Overlay::Findings(p)) = &walk(&app).overlay else {
        panic!()
    };
    assert_eq!(
        p.selected(),
        vec!["未公开".to_string(), "链接失效".to_string()]
    );
    let fx = press(&mut app, enter());
    assert_eq!(fx, vec![Effect::Save]);
    let r = edu_result(&app, "01").unwrap();
    assert_eq!(r.findings, vec!["未公开", "链接失效"]);
    assert_eq!(r.status, Status::Missing);
    assert_eq!(current_id(&app), "02", "closing the picker moves on");

    // Reopened, it shows what is recorded; Esc without a change saves nothing.
    press(&mut app, ch('k'));
    press(&mut app, ch('f'));
    let Some(Overlay::Findings(p)) = &walk(&app).overlay else {
        panic!()
    };
    assert_eq!(
        p.selected(),
        vec!["未公开".to_string(), "链接失效".to_string()]
    );
    assert!(press(&mut app, esc()).is_empty());

    // Channels: the item's own channels first, then the canonical ones.
    press(&mut app, ch('c'));
    let Some(Overlay::Channels(p)) = &walk(&app).overlay else {
        panic!("channels picker not open")
    };
    let names: BTreeSet<&str> = p.entries.iter().map(String::as_str).collect();
    for c in zwgk::model::catalogue::CANONICAL_CHANNELS {
        assert!(names.contains(c), "{c} missing");
    }
    let first = p.entries[0].clone();
    press(&mut app, space);
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    assert_eq!(edu_result(&app, "01").unwrap().channels_seen, vec![first]);
}

#[test]
fn evidence_is_resolved_by_the_runtime_and_recorded() {
    let mut app = app();
    open_edu_walk(&mut app);
    press(&mut app, ch('e'));
    assert_eq!(app.mode(), Mode::LineInput);
    let url = "https://www.jinxiang.gov.cn/col/jyxx/zsfw.html";
    type_str(&mut app, url);
    let fx = press(&mut app, enter());
    assert_eq!(fx, vec![Effect::ResolveEvidence(url.to_string())]);
    assert!(walk(&app).overlay.is_none());
    assert!(
        edu_result(&app, "01").is_none(),
        "nothing recorded before the runtime answers"
    );

    let ev = zwgk::app::resolve_evidence(url, None, Lang::Zh).unwrap();
    assert_eq!(
        ev,
        Evidence::Url {
            url: url.to_string()
        }
    );
    let fx = act(&mut app, Action::EvidenceResolved(Ok(ev.clone())));
    assert_eq!(fx, vec![Effect::Save]);
    assert_eq!(edu_result(&app, "01").unwrap().evidence, vec![ev.clone()]);
    // The same evidence twice is kept once.
    assert!(act(&mut app, Action::EvidenceResolved(Ok(ev.clone()))).is_empty());

    // Plain text, then E removes the newest entry.
    press(&mut app, ch('e'));
    type_str(&mut app, "镇政府公示栏照片");
    let fx = press(&mut app, enter());
    let [Effect::ResolveEvidence(text)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let ev2 = zwgk::app::resolve_evidence(text, None, Lang::Zh).unwrap();
    assert_eq!(
        ev2,
        Evidence::Text {
            text: "镇政府公示栏照片".to_string()
        }
    );
    act(&mut app, Action::EvidenceResolved(Ok(ev2)));
    assert_eq!(edu_result(&app, "01").unwrap().evidence.len(), 2);
    assert_eq!(press(&mut app, ch('E')), vec![Effect::Save]);
    assert_eq!(edu_result(&app, "01").unwrap().evidence, vec![ev]);

    // Empty evidence asks nothing of the runtime.
    press(&mut app, ch('e'));
    type_str(&mut app, "   ");
    assert!(press(&mut app, enter()).is_empty());
}

#[test]
fn evidence_files_are_copied_into_the_data_dir_under_their_hash() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let store = zwgk::store::evidence::EvidenceStore::new(data.path());
    let path = dir.path().join("公示栏.jpg");
    std::fs::write(&path, b"abc").unwrap();
    let ev =
        zwgk::app::resolve_evidence(&format!("  {}  ", path.display()), Some(&store), Lang::Zh)
            .unwrap();
    let Evidence::File {
        name,
        path: Some(shown),
        sha256,
        size,
    } = ev
    else {
        panic!("{ev:?}")
    };
    assert_eq!(
        sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert!(shown.ends_with("公示栏.jpg"), "{shown}");
    assert_eq!(name, "公示栏.jpg");
    assert_eq!(size, Some(3));
    // The bytes are in the data dir, so they travel even if the original is deleted.
    std::fs::remove_file(&path).unwrap();
    assert_eq!(store.read(&sha256).unwrap(), b"abc");
    // A path that does not exist is refused with a message, never stored as text.
    let missing = dir.path().join("none.jpg").display().to_string();
    let err = zwgk::app::resolve_evidence(&missing, Some(&store), Lang::Zh).unwrap_err();
    assert!(
        err.contains("none.jpg") && err.contains("文件不存在"),
        "{err}"
    );
    // Through the keys: the message shows and nothing is recorded.
    let mut sim = Sim::new(app());
    open_edu_walk(&mut sim.app);
    sim.press(ch('e'));
    sim.type_str(&missing);
    sim.press(enter());
    assert!(
        sim.app
            .message
            .as_deref()
            .is_some_and(|m| m.contains("文件不存在"))
    );
    assert!(edu_result(&sim.app, &current_id(&sim.app)).is_none());
}

#[test]
fn paste_goes_into_the_note_with_its_line_breaks() {
    let mut app = app();
    open_edu_walk(&mut app);
    press(&mut app, ch('n'));
    type_str(&mut app, "见:");
    assert!(
        act(
            &mut app,
            Action::Paste("第一行\r\n第二行\t末尾\u{1b}[2J".to_string())
        )
        .is_empty()
    );
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    assert_eq!(
        edu_result(&app, "01").unwrap().note,
        "见:第一行\n第二行 末尾[2J"
    );

    // Into the one-line search, line breaks become spaces.
    press(&mut app, ch('/'));
    act(&mut app, Action::Paste("招生\n计划".to_string()));
    press(&mut app, enter());
    assert_eq!(walk(&app).search, "招生 计划");
}

#[test]
fn help_overlay_shows_and_swallows_keys() {
    let mut app = app();
    open_edu_walk(&mut app);
    press(&mut app, ch('?'));
    assert_eq!(app.help, Some(Mode::Walk));
    assert_eq!(app.mode(), Mode::Help);
    assert!(press(&mut app, ch('1')).is_empty());
    assert_eq!(assessment(&app).status(EDU, "01"), Status::Unchecked);
    press(&mut app, esc());
    assert_eq!(app.help, None);
    assert_eq!(app.mode(), Mode::Walk, "Esc closes help, not the walk");
}

#[test]
fn esc_goes_back_to_domains_then_start_with_progress_in_the_listing() {
    let mut app = app();
    open_edu_walk(&mut app);
    keys(&mut app, &[ch('1'), ch('2'), enter(), ch('3'), enter()]);
    press(&mut app, esc());
    let Screen::Domains(d) = &app.screen else {
        panic!("{:?}", app.screen)
    };
    assert_eq!(d.cursor, edu_row(), "the domains cursor is where it was");
    let id = assessment(&app).id.clone();
    press(&mut app, esc());
    assert!(matches!(app.screen, Screen::Start));
    assert!(app.open.is_none());
    assert_eq!(app.listing.len(), 1);
    let a = app.listing[0].assessment.as_ref().unwrap();
    assert_eq!(a.id, id);
    let total: usize = a
        .domains()
        .filter(|d| d.involved)
        .map(|d| app.library.get(&d.checklist).unwrap().catalogue.items.len())
        .sum();
    assert_eq!(app.progress(a), (3, total));

    // Enter opens it again, with the results, in the walk where it was left.
    press(&mut app, enter());
    assert_eq!(walk(&app).checklist, EDU);
    assert_eq!(assessment(&app).status(EDU, "02"), Status::Partial);
    // Esc on the start screen does nothing.
    press(&mut app, esc());
    press(&mut app, esc());
    press(&mut app, esc());
    assert!(matches!(app.screen, Screen::Start));
    assert_eq!(
        app.listing.len(),
        1,
        "closing again does not duplicate the listing"
    );
}

#[test]
fn domains_screen_marks_and_unmarks_not_involved() {
    let mut app = app();
    create_assessment(&mut app);
    // 涉农补贴: x, reason, Enter.
    for _ in 0..domain_row("agricultural-subsidies") {
        press(&mut app, ch('j'));
    }
    press(&mut app, ch('x'));
    assert_eq!(app.mode(), Mode::LineInput);
    assert!(press(&mut app, enter()).is_empty(), "a reason is required");
    assert_eq!(app.message.as_deref(), Some(ZH.reason_required));
    type_str(&mut app, "本镇无涉农补贴发放");
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    let d = assessment(&app).domain("agricultural-subsidies").unwrap();
    assert!(!d.involved);
    assert_eq!(d.reason.as_deref(), Some("本镇无涉农补贴发放"));
    // Enter on a 不涉及 domain does not open it.
    press(&mut app, enter());
    assert!(matches!(app.screen, Screen::Domains(_)));
    assert_eq!(app.message.as_deref(), Some(ZH.domain_not_involved));
    // x again: involved, reason gone.
    assert_eq!(press(&mut app, ch('x')), vec![Effect::Save]);
    let d = assessment(&app).domain("agricultural-subsidies").unwrap();
    assert!(d.involved);
    assert!(d.reason.is_none());
    // s: summary, Esc: back to the domains.
    press(&mut app, ch('s'));
    assert!(matches!(app.screen, Screen::Summary(_)));
    press(&mut app, esc());
    assert!(matches!(app.screen, Screen::Domains(_)));
}

/// Every turn that changes the open assessment must ask for a save, so quitting at any point
/// loses nothing. The simulated runtime saves on `Save`; after every key the saved copy must
/// equal the assessment in memory.
#[test]
fn quitting_never_loses_a_change() {
    let mut sim = Sim::new(app());
    let space = key(KeyCode::Char(' '));
    let mut script: Vec<KeyEvent> = Vec::new();
    let text = |s: &str| s.chars().map(ch).collect::<Vec<_>>();
    script.push(ch('n'));
    script.extend(text(UNIT));
    script.push(tab());
    script.extend(text(CODE));
    script.extend([tab(), tab()]);
    script.extend(text(ROUND));
    script.push(tab());
    script.extend(text(ASSESSOR));
    script.push(enter());
    script.extend(vec![ch('j'); domain_row(NOT_INVOLVED)]);
    script.push(ch('x'));
    script.extend(text(REASON));
    script.extend([enter(), enter()]);
    // Domains: mark 涉农补贴 not involved and back, open 义务教育.
    let agri = domain_row("agricultural-subsidies");
    assert!(agri < edu_row());
    script.extend(vec![ch('j'); agri]);
    script.push(ch('x'));
    script.extend(text("无"));
    script.extend([enter(), ch('x')]);
    script.extend(vec![ch('j'); edu_row() - agri]);
    script.push(enter());
    // Walk: statuses, same status, clear, undo, note, findings, channels, filters, search.
    script.extend([
        ch('1'),
        ch('2'),
        ch('3'),
        ch('k'),
        ch('3'),
        ch('0'),
        ch('u'),
        ch('u'),
    ]);
    script.push(ch('n'));
    script.extend(text("已核实"));
    script.extend([ctrl('j')]);
    script.extend(text("待整改"));
    script.extend([
        enter(),
        ch('f'),
        space,
        ch('j'),
        space,
        enter(),
        ch('c'),
        space,
        esc(),
    ]);
    script.extend([ch('v'), ch('1'), ch('1'), ch('v'), ch('p'), ch('/')]);
    script.extend(text("招生"));
    script.extend([
        enter(),
        ch('4'),
        ch('/'),
        key(KeyCode::Backspace),
        key(KeyCode::Backspace),
        enter(),
    ]);
    script.extend([ch('e')]);
    script.extend(text("https://www.jinxiang.gov.cn/"));
    script.extend([enter(), ch('E'), ch('u'), ch('s'), esc()]);
    // Back to the walk and an open editor at the end.
    script.extend([enter(), tab(), ch('n')]);
    script.extend(text("未写完的备注"));
    script.push(ctrl('c'));

    let mut turns_with_change = 0;
    for (i, k) in script.iter().enumerate() {
        let before = sim.app.open.as_ref().map(|s| s.assessment.clone());
        sim.press(*k);
        let after = sim.app.open.as_ref().map(|s| s.assessment.clone());
        if let Some(after) = &after {
            assert_eq!(
                sim.saved.as_ref(),
                Some(after),
                "key {i} ({k:?}) left a change unsaved"
            );
            if before.as_ref() != Some(after) {
                turns_with_change += 1;
            }
        }
    }
    assert!(sim.quit, "the script ends with Ctrl-C");
    assert!(
        turns_with_change >= 12,
        "the script changed things {turns_with_change} times"
    );
    let saved = sim.saved.as_ref().unwrap();
    let id = current_id(&sim.app);
    assert_eq!(
        saved.result(EDU, &id).unwrap().note,
        "未写完的备注",
        "the open editor's text was saved"
    );
    // Every Save came with a change: no empty saves.
    assert_eq!(sim.saves, turns_with_change);
}

#[test]
fn keys_without_a_binding_do_nothing() {
    let mut app = app();
    open_edu_walk(&mut app);
    for k in [ch('z'), ch('9'), key(KeyCode::F(5)), ctrl('x')] {
        assert_eq!(zwgk::keymap::resolve(app.mode(), k), None, "{k:?}");
        assert!(press(&mut app, k).is_empty());
    }
    assert!(
        assessment(&app)
            .docs
            .of_kind(DocKind::Result)
            .next()
            .is_none()
    );
}

// Regression tests for bugs found in review.

/// Ctrl-C (or SIGTERM) while typing a 不涉及 reason on the domains screen keeps the text.
#[test]
fn ctrl_c_while_typing_a_domain_reason_keeps_it() {
    let mut sim = Sim::new(app());
    sim.press(ch('n'));
    sim.type_str(UNIT);
    sim.keys(&[tab(), tab(), tab()]);
    sim.type_str(ROUND);
    sim.press(tab());
    sim.type_str(ASSESSOR);
    sim.keys(&[enter(), enter()]);
    sim.keys(&vec![ch('j'); domain_row("agricultural-subsidies")]);
    sim.press(ch('x'));
    sim.type_str("本镇无涉农补贴发放");
    let fx = sim.press(ctrl('c'));
    assert_eq!(fx, vec![Effect::Save, Effect::Quit]);
    let d = sim
        .saved
        .as_ref()
        .unwrap()
        .domain("agricultural-subsidies")
        .unwrap();
    assert!(!d.involved);
    assert_eq!(d.reason.as_deref(), Some("本镇无涉农补贴发放"));
}

/// Clearing (0) an item that was never checked, or opening and closing the note editor or the
/// findings picker on it without typing anything, records an empty 未检查 revision and saves.
#[test]
fn no_revision_for_an_unchanged_never_checked_item() {
    let mut app = app();
    open_edu_walk(&mut app);
    assert!(press(&mut app, ch('0')).is_empty(), "0 on 01");
    press(&mut app, ch('g'));
    press(&mut app, ch('n'));
    assert!(press(&mut app, enter()).is_empty(), "n Enter on 01");
    press(&mut app, ch('f'));
    assert!(press(&mut app, esc()).is_empty(), "f Esc on 01");
    press(&mut app, ch('n'));
    assert_eq!(
        press(&mut app, ctrl('c')),
        vec![Effect::RememberPlaces, Effect::Quit],
        "Ctrl-C with an empty editor: no save"
    );
    assert!(
        assessment(&app)
            .docs
            .of_kind(DocKind::Result)
            .next()
            .is_none()
    );
}

#[test]
fn four_on_a_county_only_item_of_a_self_check_says_why() {
    // 养老服务 01–03 are published by the county only (公开层级 县级).
    let mut app = app();
    open_walk(&mut app, "elderly-care");
    let items = app
        .library
        .get("elderly-care")
        .unwrap()
        .catalogue
        .items
        .clone();
    assert_eq!(
        items[0].applies_to(zwgk::model::catalogue::Tier::Township),
        Some(false)
    );
    let township_item = items
        .iter()
        .position(|i| i.applies_to(zwgk::model::catalogue::Tier::Township) != Some(false))
        .unwrap();
    press(&mut app, ch('4'));
    let r = assessment(&app).result("elderly-care", "01").unwrap();
    assert_eq!(r.status, Status::NotApplicable);
    assert_eq!(r.note, ZH.county_only_note);
    // A note already written is kept.
    press(&mut app, ch('n'));
    type_str(&mut app, "本镇另有说明");
    press(&mut app, enter());
    assert_eq!(current_id(&app), "02");
    press(&mut app, ch('4'));
    let r = assessment(&app).result("elderly-care", "02").unwrap();
    assert_eq!(r.note, "本镇另有说明");
    // An item the township publishes gets no such note.
    let id = items[township_item].id.clone();
    while current_id(&app) != id {
        press(&mut app, ch('j'));
    }
    press(&mut app, ch('4'));
    assert_eq!(
        assessment(&app).result("elderly-care", &id).unwrap().note,
        ""
    );
}

#[test]
fn search_also_finds_notes_and_findings() {
    let mut app = app();
    open_edu_walk(&mut app);
    // 02: a note; 05: a finding.
    press(&mut app, ch('j'));
    press(&mut app, ch('n'));
    type_str(&mut app, "公示栏照片待补拍");
    press(&mut app, enter());
    keys(&mut app, &[ch('j'), ch('j'), ch('j'), ch('f')]);
    assert_eq!(current_id(&app), "05");
    // 链接失效 is the fifth finding type.
    keys(
        &mut app,
        &[
            ch('j'),
            ch('j'),
            ch('j'),
            ch('j'),
            key(KeyCode::Char(' ')),
            enter(),
        ],
    );
    assert_eq!(edu_result(&app, "05").unwrap().findings, vec!["链接失效"]);
    press(&mut app, ch('/'));
    type_str(&mut app, "补拍");
    press(&mut app, enter());
    assert_eq!(app.visible(walk(&app)), vec![1]);
    press(&mut app, ch('/'));
    keys(
        &mut app,
        &[key(KeyCode::Backspace), key(KeyCode::Backspace)],
    );
    type_str(&mut app, "链接失效");
    press(&mut app, enter());
    assert_eq!(app.visible(walk(&app)), vec![4]);
}

#[test]
fn tab_after_a_status_key_lands_on_the_unchecked_item_the_cursor_moved_to() {
    let mut app = app();
    open_edu_walk(&mut app);
    // 1 on 01 moves on to 02, which is unchecked: Tab stays there.
    press(&mut app, ch('1'));
    assert_eq!(current_id(&app), "02");
    press(&mut app, tab());
    assert_eq!(current_id(&app), "02", "02 is the next unchecked item");
    // Once there, Tab goes on.
    press(&mut app, tab());
    assert_eq!(current_id(&app), "03");
    // Moving by hand onto an unchecked item and pressing Tab goes to the next one.
    press(&mut app, ch('j'));
    press(&mut app, tab());
    assert_eq!(current_id(&app), "05");
    // After 1 on 05, the cursor is on 06: Tab keeps it; if 06 is checked, it skips it.
    keys(&mut app, &[ch('j'), ch('1'), ch('k'), ch('k'), ch('1')]);
    assert_eq!(current_id(&app), "06");
    assert_eq!(assessment(&app).status(EDU, "06"), Status::Compliant);
    press(&mut app, tab());
    assert_eq!(current_id(&app), "07");
}

#[test]
fn two_and_three_ask_what_was_wrong_then_move_on() {
    let mut app = app();
    open_edu_walk(&mut app);
    // 1 moves on at once: all-compliant stays one key per item.
    press(&mut app, ch('1'));
    assert_eq!(app.mode(), Mode::Walk);
    // 2: the findings picker of 02 opens; the cursor stays on 02 until it closes.
    assert_eq!(press(&mut app, ch('2')), vec![Effect::Save]);
    assert_eq!(app.mode(), Mode::Picker);
    assert!(matches!(walk(&app).overlay, Some(Overlay::Findings(_))));
    assert_eq!(current_id(&app), "02");
    keys(&mut app, &[key(KeyCode::Char(' ')), enter()]);
    assert_eq!(edu_result(&app, "02").unwrap().findings, vec!["未公开"]);
    assert_eq!(current_id(&app), "03");
    // 3, then Esc: the picker closes (keeping what is ticked) and the walk moves on too.
    press(&mut app, ch('3'));
    assert_eq!(app.mode(), Mode::Picker);
    press(&mut app, esc());
    assert_eq!(app.mode(), Mode::Walk);
    assert_eq!(assessment(&app).status(EDU, "03"), Status::Missing);
    assert_eq!(current_id(&app), "04");
    // f later on opens the picker without moving on when it closes.
    press(&mut app, ch('k'));
    keys(&mut app, &[ch('f'), enter()]);
    assert_eq!(current_id(&app), "03");
}

#[test]
fn the_form_refuses_a_division_code_that_is_not_6_9_or_12_digits() {
    let mut app = app();
    press(&mut app, ch('n'));
    type_str(&mut app, UNIT);
    press(&mut app, tab());
    type_str(&mut app, "370112-002");
    keys(&mut app, &[tab(), tab()]);
    type_str(&mut app, ROUND);
    press(&mut app, tab());
    type_str(&mut app, ASSESSOR);
    press(&mut app, enter());
    let Screen::New(f) = &app.screen else {
        panic!("left the form: {:?}", app.screen)
    };
    assert!(!f.choosing, "a bad code does not reach the domain choice");
    assert_eq!(f.focus, zwgk::update::FIELD_CODE);
    assert_eq!(f.error.as_deref(), Some(ZH.division_code_invalid));
    // Nine digits pass; so does an empty code.
    for _ in 0.."370112-002".chars().count() {
        press(&mut app, key(KeyCode::Backspace));
    }
    type_str(&mut app, "370112002");
    press(&mut app, enter());
    press(&mut app, enter());
    assert_eq!(app.mode(), Mode::FormDomains);
}

#[test]
fn esc_in_the_new_form_keeps_what_was_typed_for_the_next_n() {
    let mut app = app();
    press(&mut app, ch('n'));
    type_str(&mut app, UNIT);
    press(&mut app, tab());
    type_str(&mut app, CODE);
    press(&mut app, esc());
    assert!(matches!(app.screen, Screen::Start));
    assert_eq!(app.message.as_deref(), Some(ZH.form_kept));
    press(&mut app, ch('n'));
    let Screen::New(f) = &app.screen else {
        panic!("{:?}", app.screen)
    };
    assert_eq!(f.fields[FIELD_UNIT].text(), UNIT);
    assert_eq!(f.fields[zwgk::update::FIELD_CODE].text(), CODE);
    assert_eq!(f.focus, zwgk::update::FIELD_CODE, "where it was left");
    // An empty form left with Esc keeps nothing.
    let mut fresh = common::app();
    keys(&mut fresh, &[ch('n'), esc(), ch('n')]);
    let Screen::New(f) = &fresh.screen else {
        panic!()
    };
    assert!(f.fields.iter().all(|i| i.text().is_empty()));
}

// ---------------------------------------------------------------------------------------------
// Records a clerk manages.
// ---------------------------------------------------------------------------------------------

/// Replaces the text of the focused form field.
fn retype(app: &mut zwgk::state::App, text: &str) {
    for _ in 0..40 {
        press(app, key(KeyCode::Backspace));
    }
    type_str(app, text);
}

#[test]
fn the_header_is_edited_as_a_new_revision_from_the_domains_screen() {
    let mut app = app();
    create_assessment(&mut app);
    let before = assessment(&app).header().clone();
    let doc_len = |app: &zwgk::state::App| {
        assessment(app)
            .docs
            .get(&zwgk::model::doc::DocKey::header())
            .unwrap()
            .len()
    };
    assert_eq!(doc_len(&app), 1);
    press(&mut app, ch('e'));
    assert_eq!(app.mode(), Mode::Form);
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    assert_eq!(f.fields[FIELD_UNIT].text(), UNIT);
    assert_eq!(f.fields[FIELD_ROUND].text(), ROUND);
    // 区划代码 is checked here too.
    press(&mut app, tab());
    retype(&mut app, "370112-002");
    assert!(press(&mut app, enter()).is_empty());
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    assert_eq!(f.error.as_deref(), Some(ZH.division_code_invalid));
    retype(&mut app, "370828102");
    keys(&mut app, &[tab(), tab()]);
    retype(&mut app, "2027年上半年自查");
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    assert!(matches!(app.screen, Screen::Domains(_)));
    let after = assessment(&app).header().clone();
    assert_eq!(after.round, "2027年上半年自查");
    assert_eq!(after.unit.name, UNIT);
    assert_eq!(after.created, before.created, "created stays");
    assert_eq!(after.reviews, before.reviews);
    assert_eq!(doc_len(&app), 2, "a new revision of the header document");
    assert_eq!(app.message.as_deref(), Some(ZH.header_saved));
}

#[test]
fn the_header_is_edited_from_the_start_screen_and_esc_keeps_what_was_typed() {
    let mut app = app();
    create_assessment(&mut app);
    press(&mut app, esc());
    assert!(matches!(app.screen, Screen::Start));
    press(&mut app, ch('e'));
    assert_eq!(app.mode(), Mode::Form);
    retype(&mut app, "胡集镇");
    // Esc saves what was typed (as help says of editors).
    assert_eq!(press(&mut app, esc()), vec![Effect::Save]);
    assert_eq!(assessment(&app).unit().name, "胡集镇");
    // An emptied name is not saved: Esc says so and leaves the header as it was.
    press(&mut app, ch('e'));
    retype(&mut app, "");
    assert!(press(&mut app, esc()).is_empty());
    assert_eq!(assessment(&app).unit().name, "胡集镇");
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .starts_with(ZH.header_not_saved)
    );
}

#[test]
fn archiving_asks_first_then_moves_the_file_and_says_where() {
    let mut sim = Sim::new(app());
    create_assessment(&mut sim.app);
    sim.press(esc());
    let id = sim.app.listing[0].assessment.as_ref().unwrap().id.clone();
    sim.press(ch('d'));
    assert_eq!(sim.app.mode(), Mode::Confirm);
    assert!(sim.app.confirm.as_ref().unwrap().question.contains(UNIT));
    // n: nothing happens.
    assert!(sim.press(ch('n')).is_empty());
    assert_eq!(sim.app.listing.len(), 1);
    assert_eq!(sim.app.message.as_deref(), Some(ZH.cancelled));
    // y: the runtime moves the file; the list forgets it and says where it went.
    sim.press(ch('d'));
    assert_eq!(sim.press(ch('y')), vec![Effect::Archive(id.clone())]);
    assert!(sim.app.listing.is_empty());
    let m = sim.app.message.clone().unwrap();
    assert!(m.contains(&format!("archive/{id}.json")), "{m}");
    assert!(m.contains("放回 assessments"), "{m}");
}

#[test]
fn the_next_round_starts_from_the_last_one_with_notes_and_evidence_and_no_statuses() {
    let mut app = app();
    open_edu_walk(&mut app);
    // 01 已落实 with a note; 02 未落实 with evidence; 03 已落实 with nothing else.
    press(&mut app, ch('n'));
    type_str(&mut app, "公示栏有照片");
    press(&mut app, enter());
    press(&mut app, ch('1'));
    press(&mut app, ch('e'));
    type_str(&mut app, "https://www.jinxiang.gov.cn/zsfw.html");
    press(&mut app, enter());
    act(
        &mut app,
        Action::EvidenceResolved(Ok(Evidence::Url {
            url: "https://www.jinxiang.gov.cn/zsfw.html".into(),
        })),
    );
    answer(&mut app, "31");
    keys(&mut app, &[esc(), esc()]);
    let old = app.listing[0].assessment.as_ref().unwrap().clone();

    press(&mut app, ch('c'));
    let Screen::New(f) = &app.screen else {
        panic!("{:?}", app.screen)
    };
    assert_eq!(f.fields[FIELD_UNIT].text(), UNIT);
    assert_eq!(
        f.fields[FIELD_ROUND].text(),
        "",
        "the new round is to be named"
    );
    assert_eq!(f.focus, FIELD_ROUND);
    type_str(&mut app, "2027年上半年自查");
    press(&mut app, enter());
    assert_eq!(app.mode(), Mode::FormDomains);
    // The domain choices come from the last round.
    let Screen::New(f) = &app.screen else {
        panic!()
    };
    let ni = f
        .domains
        .iter()
        .find(|d| d.checklist == NOT_INVOLVED)
        .unwrap();
    assert_eq!(ni.choice, Choice::NotInvolved(REASON.into()));
    press(&mut app, enter());
    let new = assessment(&app);
    assert_ne!(new.id, old.id);
    assert_eq!(new.round(), "2027年上半年自查");
    assert_eq!(new.kind, Kind::SelfCheck);
    let r1 = new.result(EDU, "01").unwrap();
    assert_eq!(
        (r1.status, r1.note.as_str()),
        (Status::Unchecked, "公示栏有照片")
    );
    let r2 = new.result(EDU, "02").unwrap();
    assert_eq!(r2.status, Status::Unchecked);
    assert_eq!(r2.evidence, old.result(EDU, "02").unwrap().evidence);
    assert!(new.result(EDU, "03").is_none(), "nothing to carry");
    assert_eq!(app.tally(EDU).checked(), 0);
    assert_eq!(
        app.message.as_deref(),
        Some("已从上一轮带入 2 个事项的备注和佐证;状态均为未检查")
    );
    // The last round is untouched.
    assert_eq!(app.listing[0].assessment.as_ref().unwrap(), &old);
}

#[test]
fn a_domain_left_out_at_creation_is_added_later() {
    let mut app = app();
    create_assessment(&mut app);
    let local = "agricultural-funds-local";
    assert!(assessment(&app).domain(local).is_none());
    press(&mut app, ch('+'));
    assert_eq!(app.mode(), Mode::Picker);
    let Screen::Domains(v) = &app.screen else {
        panic!()
    };
    let (_, ids) = v.adding.as_ref().unwrap();
    assert_eq!(ids, &vec![local.to_string()]);
    keys(&mut app, &[key(KeyCode::Char(' ')), enter()]);
    let d = assessment(&app).domain(local).expect("added");
    assert!(d.involved);
    assert!(app.involved_domains().contains(&local));
    // Nothing more to add.
    press(&mut app, ch('+'));
    assert_eq!(app.mode(), Mode::Domains);
    assert_eq!(app.message.as_deref(), Some(ZH.all_domains_in));
}

#[test]
fn a_domain_summary_is_written_on_the_domains_screen() {
    let mut app = app();
    open_edu_walk(&mut app);
    press(&mut app, esc());
    press(&mut app, ch('n'));
    assert_eq!(app.mode(), Mode::Editor);
    type_str(&mut app, "总体较好");
    press(&mut app, ctrl('j'));
    type_str(&mut app, "招生栏目需补充");
    assert_eq!(press(&mut app, enter()), vec![Effect::Save]);
    assert_eq!(
        assessment(&app).domain(EDU).unwrap().summary,
        "总体较好\n招生栏目需补充"
    );
}

#[test]
fn one_key_and_y_mark_a_whole_domain_compliant_leaving_county_only_items() {
    let mut app = app();
    open_walk(&mut app, "elderly-care");
    // 04 answered 未落实 first: it stays.
    keys(&mut app, &[ch('j'), ch('j'), ch('j')]);
    answer(&mut app, "3");
    press(&mut app, esc());
    press(&mut app, ch('1'));
    assert_eq!(app.mode(), Mode::Confirm);
    let q = app.confirm.as_ref().unwrap().question.clone();
    // 8 items: 04 answered, 01–03 only the county publishes.
    assert!(q.contains("4 个未检查的事项"), "{q}");
    assert!(q.contains("县级事项 3 个不在内"), "{q}");
    assert_eq!(press(&mut app, ch('y')), vec![Effect::Save]);
    let a = assessment(&app);
    for (id, st) in [
        ("01", Status::Unchecked),
        ("04", Status::Missing),
        ("05", Status::Compliant),
        ("08", Status::Compliant),
    ] {
        assert_eq!(a.status("elderly-care", id), st, "{id}");
    }
    // Nothing left to ask about.
    press(&mut app, ch('1'));
    assert_eq!(app.mode(), Mode::Domains);
    assert_eq!(app.message.as_deref(), Some(ZH.nothing_unchecked));
    // Each one is a revision of its own (after 04's), undone one by one in the walk.
    assert_eq!(app.open.as_ref().unwrap().undo.len(), 5);
}

#[test]
fn reopening_lands_where_the_clerk_stopped() {
    let mut sim = Sim::new(app());
    create_assessment(&mut sim.app);
    sim.keys(&vec![ch('j'); edu_row()]);
    sim.press(enter());
    sim.keys(&[ch('1'), ch('1'), ch('j'), ch('j')]);
    assert_eq!(current_id(&sim.app), "05");
    // Leaving the walk remembers the place (and asks the runtime to keep it).
    let fx = sim.press(esc());
    assert!(fx.contains(&Effect::RememberPlaces), "{fx:?}");
    sim.press(esc());
    assert!(matches!(sim.app.screen, Screen::Start));
    sim.press(enter());
    assert_eq!(walk(&sim.app).checklist, EDU);
    assert_eq!(current_id(&sim.app), "05");
    assert!(sim.app.message.as_deref().unwrap().starts_with(ZH.resumed));
    // Esc goes to the domains screen with that domain under the cursor.
    sim.press(esc());
    let Screen::Domains(v) = &sim.app.screen else {
        panic!()
    };
    assert_eq!(v.cursor, edu_row());
    // Entering another domain and back: each domain keeps its own item.
    sim.press(enter());
    assert_eq!(current_id(&sim.app), "05");
    // Quitting remembers too, for the next start (main.rs reads the file into App::places).
    sim.press(ch('j'));
    let fx = sim.press(ctrl('c'));
    assert!(fx.contains(&Effect::RememberPlaces));
    let id = assessment(&sim.app).id.clone();
    let place = &sim.app.places[&id];
    assert_eq!(place.checklist, EDU);
    assert_eq!(place.items[EDU], "06");
}

#[test]
fn ctrl_c_while_editing_the_header_keeps_the_edit() {
    let mut app = app();
    create_assessment(&mut app);
    press(&mut app, ch('e'));
    keys(&mut app, &[tab(), tab(), tab()]);
    retype(&mut app, "2027年上半年自查");
    let fx = press(&mut app, ctrl('c'));
    assert_eq!(fx, vec![Effect::Save, Effect::Quit]);
    assert_eq!(assessment(&app).round(), "2027年上半年自查");
}
