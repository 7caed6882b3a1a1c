//! Snapshots of every screen with Chinese data at 80×24, 120×40 and 200×50, plus an English walk, and
//! the terminal cursor while Chinese text is edited.
//!
//! Review: `INSTA_UPDATE=always cargo test --test render`, read the `.snap` files, then run
//! again without it. Every rendered frame is also checked for cells hidden under a wide
//! character (text overlapping Chinese) and for wide characters cut at the right edge.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::{Backend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Position;

use zwgk::action::Action;
use zwgk::cli::Lang;
use zwgk::model::assessment::Evidence;
use zwgk::state::App;
use zwgk::text::width;
use zwgk::ui::strings::strings;
use zwgk::update::editor_width;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 50)];

/// Draws the app once on a `w`×`h` test terminal.
fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    assert_eq!(
        (app.width, app.page),
        (w, usize::from(h - 8)),
        "size the app like the runtime does"
    );
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| zwgk::ui::view(app, f)).unwrap();
    assert_clean(terminal.backend().buffer());
    terminal
}

/// No cell hidden under a wide character holds anything but a blank (something drawn over
/// Chinese text), and no wide character is cut at the right edge.
fn assert_clean(buf: &Buffer) {
    let w = usize::from(buf.area.width);
    for (y, row) in buf.content.chunks(w).enumerate() {
        let text: String = row.iter().map(|c| c.symbol()).collect();
        let mut x = 0;
        while x < w {
            let cw = width(row[x].symbol()).max(1);
            assert!(
                x + cw <= w,
                "row {y}: a wide character is cut at the right edge: {text:?}"
            );
            for hidden in row.iter().take(x + cw).skip(x + 1) {
                assert_eq!(
                    hidden.symbol(),
                    " ",
                    "row {y}, column {x}: text drawn over a wide character: {text:?}"
                );
            }
            x += cw;
        }
    }
}

/// The whole screen as text, without the blanks that follow wide characters.
fn screen_text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let w = usize::from(buf.area.width);
    let mut out = String::new();
    for row in buf.content.chunks(w) {
        let mut x = 0;
        while x < w {
            out.push_str(row[x].symbol());
            x += width(row[x].symbol()).max(1);
        }
        out.push('\n');
    }
    out
}

/// The screen row of an item of the walk list.
fn item_row(t: &Terminal<TestBackend>, id: &str) -> u16 {
    let text = screen_text(t);
    let row = text
        .lines()
        .position(|l| l.starts_with(&format!("│{id} ")))
        .unwrap_or_else(|| panic!("no row for {id}:\n{text}"));
    u16::try_from(row).unwrap()
}

/// The top row of the popup whose left border is at column `x`.
fn popup_top(t: &Terminal<TestBackend>, x: u16) -> Option<u16> {
    let buf = t.backend().buffer();
    (0..buf.area.height).find(|y| buf[(x, *y)].symbol() == "┌")
}

fn snap(name: &str, app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let terminal = draw(app, w, h);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    terminal
}

// ---------------------------------------------------------------------------------------------
// Fixtures, all made with keys through the keymap.
// ---------------------------------------------------------------------------------------------

fn sim(lang: Lang, w: u16, h: u16) -> Sim {
    Sim::new(app_sized(lang, w, h))
}

fn fill_form(s: &mut Sim) {
    s.press(ch('n'));
    s.type_str(UNIT);
    s.press(tab());
    s.type_str(CODE);
    s.press(tab());
    s.type_str(COUNTY);
    s.press(tab());
    s.type_str(ROUND);
    s.press(tab());
    s.type_str(ASSESSOR);
}

fn create(s: &mut Sim) {
    fill_form(s);
    s.press(enter());
    s.keys(&vec![ch('j'); domain_row(NOT_INVOLVED)]);
    s.press(ch('x'));
    s.type_str(REASON);
    s.keys(&[enter(), enter()]);
}

/// The walk of 义务教育 with 01 已落实, 02 部分落实, 03 未落实 (findings, a two-line note, a
/// channel and a web address as evidence), 04 不适用; the cursor on 03.
fn walk_fixture(lang: Lang, w: u16, h: u16) -> Sim {
    let mut s = sim(lang, w, h);
    create(&mut s);
    s.keys(&vec![ch('j'); edu_row()]);
    s.press(enter());
    let space = key(KeyCode::Char(' '));
    // 2 and 3 ask for the findings first: none for 02; 未公开 and 栏目空白 for 03.
    s.keys(&[ch('1'), ch('2'), enter(), ch('3')]);
    s.keys(&[
        space,
        ch('j'),
        ch('j'),
        ch('j'),
        ch('j'),
        ch('j'),
        space,
        enter(),
    ]);
    s.keys(&[ch('4'), ch('k'), ch('k')]);
    s.press(ch('n'));
    s.type_str("公示栏未张贴招生范围,已要求学校补充。");
    s.press(ctrl('j'));
    s.type_str("网站“招生信息”栏目空白。");
    s.press(enter());
    s.keys(&[ch('c'), space, enter()]);
    s.press(ch('e'));
    s.type_str("https://www.jinxiang.gov.cn/col/jyxx/zsfw.html");
    s.press(enter());
    assert_eq!(current_id(&s.app), "03");
    let r = s
        .app
        .open
        .as_ref()
        .unwrap()
        .assessment
        .result(EDU, "03")
        .unwrap()
        .clone();
    assert_eq!(r.findings.len(), 2);
    assert_eq!(r.evidence.len(), 1);
    assert_eq!(r.channels_seen.len(), 1);
    assert!(r.note.contains('\n'));
    s
}

#[test]
fn start_empty() {
    for (w, h) in SIZES {
        let t = snap("start_empty", &app_sized(Lang::Zh, w, h), w, h);
        let text = screen_text(&t);
        assert!(text.contains(strings(Lang::Zh).start_empty), "{text}");
        assert!(!t.backend().cursor_visible());
    }
}

#[test]
fn start_with_one_assessment() {
    for (w, h) in SIZES {
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.keys(&[esc(), esc()]);
        let t = snap("start_listing", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains(UNIT), "{text}");
        let a = s.app.listing[0].assessment.as_ref().unwrap();
        let (checked, total) = s.app.progress(a);
        assert!(text.contains(&format!("{checked}/{total}")), "{text}");
        // The time of the last change, in Beijing time.
        assert!(text.contains("11-27 14:40"), "{text}");
    }
}

#[test]
fn form_filled() {
    for (w, h) in SIZES {
        let mut s = sim(Lang::Zh, w, h);
        fill_form(&mut s);
        let t = snap("form_filled", &s.app, w, h);
        let text = screen_text(&t);
        for v in [UNIT, CODE, COUNTY, ROUND, ASSESSOR] {
            assert!(text.contains(v), "{v} missing:\n{text}");
        }
        // Both optional fields say so.
        assert!(text.contains("区划代码(可选)"), "{text}");
        assert!(text.contains("所属区县(可选)"), "{text}");
        assert!(t.backend().cursor_visible());
    }
}

#[test]
fn form_with_an_error() {
    for (w, h) in SIZES {
        let mut s = sim(Lang::Zh, w, h);
        s.keys(&[ch('n'), enter()]);
        let t = snap("form_error", &s.app, w, h);
        assert!(screen_text(&t).contains(strings(Lang::Zh).field_required));
    }
}

#[test]
fn form_domain_choice_with_a_reason_popup() {
    for (w, h) in SIZES {
        let mut s = sim(Lang::Zh, w, h);
        fill_form(&mut s);
        s.press(enter());
        // First row (重大建设项目): not involved, with a reason.
        s.press(ch('x'));
        s.type_str("本镇无重大建设项目");
        s.press(enter());
        // Second row: leave it out; third: start typing a reason.
        s.keys(&[ch('j'), key(KeyCode::Char(' ')), ch('j'), ch('x')]);
        s.type_str("本镇预决算由县财政公开");
        let t = snap("form_domains_reason", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains(strings(Lang::Zh).reason_title), "{text}");
        assert!(text.contains("本镇预决算由县财政公开"), "{text}");
        assert!(t.backend().cursor_visible());
    }
}

#[test]
fn domains_with_progress() {
    for (w, h) in SIZES {
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.press(esc());
        let t = snap("domains", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains("义务教育"), "{text}");
        assert!(text.contains(&format!("4/{}", edu_items())), "{text}");
        assert!(text.contains(REASON) || w < 100, "{text}");
        assert!(
            text.contains(strings(Lang::Zh).choice_not_involved),
            "{text}"
        );
        // The 28 domains do not fit in 24 rows: the list says how many are above.
        if h < 30 {
            assert!(text.contains("上面还有 8 个领域(↓/↑ 移动)"), "{text}");
        }
    }
}

#[test]
fn walk_with_results() {
    for (w, h) in SIZES {
        let s = walk_fixture(Lang::Zh, w, h);
        let t = snap("walk", &s.app, w, h);
        let text = screen_text(&t);
        let zh = strings(Lang::Zh);
        for word in [
            zh.status_compliant,
            zh.status_partial,
            zh.status_missing,
            zh.status_not_applicable,
            "未公开",
        ] {
            assert!(text.contains(word), "{word} missing:\n{text}");
        }
        assert!(text.contains("公示栏未张贴"), "{text}");
        assert!(text.contains("已保存 14:40:05"), "{text}");
        assert!(!t.backend().cursor_visible());
    }
}

#[test]
fn walk_in_english() {
    let (w, h) = (80, 24);
    let s = walk_fixture(Lang::En, w, h);
    let t = snap("walk_en", &s.app, w, h);
    let text = screen_text(&t);
    assert!(text.contains("missing"), "{text}");
    assert!(
        text.contains("公示栏未张贴"),
        "the note stays Chinese:\n{text}"
    );
}

#[test]
fn walk_with_the_note_editor() {
    for (w, h) in SIZES {
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.keys(&[ch('j'), ch('n')]);
        s.type_str("公示栏照片");
        let mut t = snap("walk_note_editor", &s.app, w, h);
        assert!(t.backend().cursor_visible());
        // The popup: editor_width + 2 wide, 2/3 of the body high (at least 6), centred across
        // and below the row of the item it is about (04), which stays visible; text starts
        // inside the border.
        let body_h = h - 2;
        let popup_w = u16::try_from(editor_width(w) + 2).unwrap().min(w);
        let popup_h = (body_h * 2 / 3).max(6).min(body_h);
        let px = (w - popup_w) / 2;
        let row = item_row(&t, "04");
        let py = if body_h - (row + 1) >= popup_h {
            row + 1
        } else if row >= popup_h {
            row - popup_h
        } else {
            row + 1
        };
        assert_eq!(popup_top(&t, px), Some(py), "{w}x{h}");
        let expected = Position {
            x: px + 1 + 10,
            y: py + 1,
        };
        let cursor = t.backend_mut().get_cursor_position().unwrap();
        assert_eq!(
            cursor, expected,
            "caret right after 5 wide characters at {w}x{h}"
        );
        // The same numbers written out.
        let literal = match w {
            80 => Position { x: 14, y: 11 },
            120 => Position { x: 20, y: 12 },
            _ => Position { x: 60, y: 12 },
        };
        assert_eq!(cursor, literal);
        // The title names the item.
        assert!(screen_text(&t).contains("备注(回车保存"), "{w}x{h}");
        // The characters sit just left of the caret.
        let buf = t.backend().buffer();
        assert_eq!(buf[(cursor.x - 2, cursor.y)].symbol(), "片");
        assert_eq!(buf[(cursor.x - 10, cursor.y)].symbol(), "公");
    }
}

#[test]
fn note_editor_cursor_follows_line_breaks_and_wrapping() {
    let (w, h) = (80, 24);
    let mut s = walk_fixture(Lang::Zh, w, h);
    s.keys(&[ch('j'), ch('n')]);
    s.type_str("公示栏");
    s.press(ctrl('j'));
    s.type_str("ab照片");
    let mut t1 = draw(&s.app, w, h);
    // The popup's first text row.
    let top = popup_top(&t1, 3).unwrap() + 1;
    // Second row, after "ab" (2) and 照片 (4).
    assert_eq!(
        t1.backend_mut().get_cursor_position().unwrap(),
        Position {
            x: 4 + 6,
            y: top + 1
        }
    );
    // A full row of 36 wide characters (72 columns) moves the caret to the next row.
    s.press(ctrl('j'));
    s.type_str(&"政".repeat(36));
    let mut t2 = draw(&s.app, w, h);
    assert_eq!(
        t2.backend_mut().get_cursor_position().unwrap(),
        Position { x: 4, y: top + 3 }
    );
    // Left over a wide character moves two columns.
    s.press(key(KeyCode::Left));
    let mut t3 = draw(&s.app, w, h);
    assert_eq!(
        t3.backend_mut().get_cursor_position().unwrap(),
        Position {
            x: 4 + 70,
            y: top + 2
        }
    );
}

#[test]
fn form_cursor_after_a_chinese_unit_name() {
    for (w, h) in SIZES {
        let mut s = sim(Lang::Zh, w, h);
        s.press(ch('n'));
        s.type_str(UNIT);
        let mut t = draw(&s.app, w, h);
        let zh = strings(Lang::Zh);
        let labels = [
            zh.field_unit,
            zh.field_code,
            zh.field_county_optional,
            zh.field_round,
            zh.field_assessor,
        ];
        let label_cols = labels.iter().map(|l| width(l)).max().unwrap() + 1;
        // Inside the border (1), the label column, one blank, then 7 wide characters.
        let x = 1 + label_cols + 1 + width(UNIT);
        let expected = Position {
            x: u16::try_from(x).unwrap(),
            y: 1,
        };
        let cursor = t.backend_mut().get_cursor_position().unwrap();
        assert_eq!(cursor, expected, "{w}x{h}");
        assert_eq!(cursor, Position { x: 31, y: 1 });
        assert_eq!(t.backend().buffer()[(cursor.x - 2, 1)].symbol(), "府");
        // Left twice: two wide characters back, four columns.
        s.keys(&[key(KeyCode::Left), key(KeyCode::Left)]);
        let mut t = draw(&s.app, w, h);
        assert_eq!(
            t.backend_mut().get_cursor_position().unwrap(),
            Position { x: 27, y: 1 }
        );
    }
}

#[test]
fn walk_with_the_findings_picker() {
    for (w, h) in SIZES {
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.press(ch('f'));
        let t = snap("walk_findings", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains("[x] 未公开"), "{text}");
        assert!(text.contains("[ ] 内容不全"), "{text}");
    }
}

#[test]
fn walk_with_the_search_popup() {
    for (w, h) in SIZES {
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.press(ch('/'));
        s.type_str("招生");
        let mut t = snap("walk_search", &s.app, w, h);
        assert!(screen_text(&t).contains(strings(Lang::Zh).search_title));
        // One-line popup: min(w-4, 80) wide, 3 high, centred in the body; caret after 招生.
        let pw = (w - 4).min(80);
        let (px, py) = ((w - pw) / 2, (h - 2 - 3) / 2);
        assert_eq!(
            t.backend_mut().get_cursor_position().unwrap(),
            Position {
                x: px + 1 + 1 + 4,
                y: py + 1
            }
        );
        // After Enter the title names the search and the list shows 04–07.
        s.press(enter());
        let t = draw(&s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains("\"招生\""), "{text}");
        assert!(!text.contains("义务教育学校名录"), "{text}");
    }
}

#[test]
fn summary() {
    for (w, h) in SIZES {
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.press(ch('s'));
        let t = snap("summary", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains("义务教育"), "{text}");
        assert!(text.contains(strings(Lang::Zh).total_label), "{text}");
        // 义务教育: 16 items, 1/1/1/1, 25% checked, compliance 1 of 3. At 80×24 the table has
        // no room for its row (the 23rd domain); the total row shows the same compliance.
        let table_row = |l: &&str| {
            l.strip_prefix("│义务教育")
                .is_some_and(|rest| rest.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        };
        match text.lines().find(table_row) {
            Some(row) => assert!(row.contains("25%") && row.contains("33%"), "{row}"),
            None => assert!(h < 40, "the 义务教育 row is missing at {w}x{h}:\n{text}"),
        }
        assert!(text.contains("33%"), "{text}");
    }
}

#[test]
fn help_overlay() {
    for (w, h) in SIZES {
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.press(ch('?'));
        let t = snap("help", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains(strings(Lang::Zh).help_title), "{text}");
        assert!(text.contains("标记为已落实"), "{text}");
    }
}

#[test]
fn evidence_popup_and_runtime_answer_render() {
    // At 80×24 the result pane is cut after the first evidence line (see the report), so this
    // is checked at 120×40.
    let (w, h) = (120, 40);
    let mut s = walk_fixture(Lang::Zh, w, h);
    s.press(ch('e'));
    s.type_str("镇政府公示栏照片");
    let mut t = draw(&s.app, w, h);
    assert!(screen_text(&t).contains(strings(Lang::Zh).evidence_title));
    let pw = (w - 4).min(80);
    // Below the row of 03, the item it is about.
    let (px, py) = ((w - pw) / 2, item_row(&t, "03") + 1);
    assert_eq!(popup_top(&t, px), Some(py));
    assert_eq!(
        t.backend_mut().get_cursor_position().unwrap(),
        Position {
            x: px + 2 + 16,
            y: py + 1
        }
    );
    s.press(enter());
    let r = s
        .app
        .open
        .as_ref()
        .unwrap()
        .assessment
        .result(EDU, "03")
        .unwrap();
    assert_eq!(
        r.evidence.last(),
        Some(&Evidence::Text {
            text: "镇政府公示栏照片".into()
        })
    );
    let t = draw(&s.app, w, h);
    assert!(screen_text(&t).contains("镇政府公示栏照片"));
}

#[test]
fn long_text_never_overlaps_at_narrow_and_odd_widths() {
    // Odd widths put wide characters against borders and column edges.
    for (w, h) in [(81, 24), (79, 23), (100, 30), (61, 20)] {
        let mut s = walk_fixture(Lang::Zh, w, h);
        draw(&s.app, w, h);
        s.press(ch('n'));
        s.run(Action::Paste("很长的备注".repeat(30)));
        draw(&s.app, w, h);
        s.press(enter());
        draw(&s.app, w, h);
        s.keys(&[esc()]);
        draw(&s.app, w, h);
        s.press(ch('s'));
        draw(&s.app, w, h);
        s.keys(&[esc(), esc()]);
        draw(&s.app, w, h);
        s.press(ch('n'));
        s.type_str(&"胡集镇".repeat(20));
        draw(&s.app, w, h);
    }
}

// Regression test: popups clear a wide character straddling their left edge.
//
/// A popup whose left edge falls on the second half of a Chinese character behind it loses its
/// left border in a real terminal: `Clear` resets the popup's cells, but the wide character that
/// starts one column to the left keeps its width, so the border cell is hidden under it and
/// ratatui's diff never sends it. The backend shows e.g. `义务教育学生资[ ] 链接失效` with no `│`.
/// The frame buffer (what `view` drew) has the border hidden under the wide character.
#[test]
fn popups_keep_their_left_border_next_to_wide_characters() {
    for (w, keys) in [
        (80, vec![ch('f')]),
        (79, vec![ch('c')]),
        (100, vec![ch('/')]),
        (100, vec![ch('e')]),
        (90, vec![ch('?')]),
    ] {
        let h = 24;
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.keys(&keys);
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        let frame = terminal.draw(|f| zwgk::ui::view(&s.app, f)).unwrap();
        assert_clean(frame.buffer);
    }
}

/// An inspection of the walk fixture's self-check: the county takes 01, finds 02 未落实 (the
/// township said 部分落实) and sets a task on it; the cursor on 02.
fn inspection_fixture(w: u16, h: u16) -> Sim {
    let mut s = walk_fixture(Lang::Zh, w, h);
    s.keys(&[esc(), esc()]);
    s.app.role = zwgk::model::revision::Role::County;
    s.app.user = None;
    s.press(ch('r'));
    s.type_str("李四");
    s.keys(&[enter(), enter()]);
    s.keys(&vec![ch('j'); edu_row()]);
    s.press(enter());
    s.keys(&[ch('a'), ch('3'), enter(), ch('k')]);
    s.press(ch('t'));
    // 问题描述, 整改要求 and 责任人 are required.
    s.type_str("未公开学校名录");
    s.press(tab());
    s.type_str("在政府网站补充公开义务教育学校名录");
    s.keys(&[tab(), tab()]);
    s.type_str("王五");
    s.press(enter());
    assert_eq!(current_id(&s.app), "02");
    assert!(
        s.app
            .open
            .as_ref()
            .unwrap()
            .assessment
            .task(EDU, "02")
            .is_some()
    );
    s
}

#[test]
fn inspection_walk_shows_the_township_answer_and_the_task() {
    for (w, h) in SIZES {
        let s = inspection_fixture(w, h);
        let t = snap("inspection_walk", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains(strings(Lang::Zh).township_label), "{text}");
        assert!(text.contains(strings(Lang::Zh).differs), "{text}");
    }
}

#[test]
fn task_form_and_ledger() {
    for (w, h) in SIZES {
        let mut s = inspection_fixture(w, h);
        s.press(ch('t'));
        let t = snap("task_form", &s.app, w, h);
        assert!(screen_text(&t).contains("王五"));
        s.press(esc());
        s.press(ch('T'));
        let t = snap("ledger", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains("待整改"), "{text}");
        assert!(text.contains("义务教育学校名录"), "{text}");
    }
}

#[test]
fn a_failed_save_is_said_plainly_with_the_way_out() {
    let mut s = walk_fixture(Lang::Zh, 80, 24);
    s.run(zwgk::action::Action::Saved(Err(
        "/data/assessments/x.json: No space left on device (os error 28)".into(),
    )));
    let text = screen_text(&draw(&s.app, 80, 24));
    assert!(text.contains(strings(Lang::Zh).save_failed_short), "{text}");
    // The way out and the start of the reason fit in 80 columns.
    assert!(text.contains(strings(Lang::Zh).save_failed_hint), "{text}");
    assert!(text.contains("/data/assessments/x.json"), "{text}");
    // The next successful save clears it.
    s.run(zwgk::action::Action::Saved(Ok("14:41:00".into())));
    let text = screen_text(&draw(&s.app, 80, 24));
    assert!(
        !text.contains(strings(Lang::Zh).save_failed_short),
        "{text}"
    );
    assert!(text.contains("14:41:00"), "{text}");
}

/// The walk fixture's self-check with a conflict on item 03: a second laptop answered it
/// 已落实 with another note while this one said 未落实; merged.
fn conflict_fixture(w: u16, h: u16) -> Sim {
    use zwgk::model::doc::Body;
    use zwgk::model::revision::{Author, Role};
    let mut s = walk_fixture(Lang::Zh, w, h);
    let session = s.app.open.as_mut().unwrap();
    let mut other = session.assessment.clone();
    let doc = other.result_doc(EDU, "03").unwrap().clone();
    // The other laptop saw the result before the note, findings and evidence were added.
    let first = doc
        .history(&doc.winner().unwrap().rev)
        .last()
        .cloned()
        .unwrap();
    let mut body = first.body.as_result().unwrap().clone();
    body.status = zwgk::model::status::Status::Compliant;
    body.note = "网站已公开招生范围(另一台电脑)".into();
    let author = Author {
        name: "李娜".into(),
        device: "0190f5a2-0000-7000-8000-00000000dev2".into(),
        role: Role::Township,
    };
    let key = zwgk::model::doc::DocKey::item(zwgk::model::doc::DocKind::Result, EDU, "03");
    // A branch from the first revision: the two laptops edited apart.
    let mut d = other.docs.get(&key).unwrap().clone();
    d.commit(
        Some(&first.rev),
        Body::Result(body),
        author,
        zwgk::model::revision::Hlc::new(NOW + 60_000, 0),
    )
    .unwrap();
    other.docs =
        zwgk::model::doc::DocSet::from_documents(&other.partition, other.kind, &other.id, [(d, 1)])
            .unwrap();
    session.assessment.merge(&other, NOW).unwrap();
    assert_eq!(session.assessment.conflict_count(), 1);
    s
}

#[test]
fn conflict_marks_and_the_versions_side_by_side() {
    for (w, h) in SIZES {
        let mut s = conflict_fixture(w, h);
        let t = snap("walk_conflict", &s.app, w, h);
        assert!(screen_text(&t).contains("冲突"));
        s.press(ch('C'));
        let t = snap("conflict", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains("李娜"), "{text}");
        assert!(text.contains("张三"), "{text}");
        s.press(key(KeyCode::Right));
        snap("conflict_second", &s.app, w, h);
    }
}

#[test]
fn a_long_export_path_loses_its_middle_not_its_end() {
    let mut s = walk_fixture(Lang::Zh, 80, 24);
    let path =
        "/home/zhangsan/.local/share/zwgk/reports/胡集镇人民政府-2026年下半年自查-自查表-2.xlsx";
    s.run(zwgk::action::Action::Notify(format!("已导出 {path}")));
    let text = screen_text(&draw(&s.app, 80, 24));
    let status = text.lines().last().expect("a status line");
    assert!(status.starts_with("已导出 /home/"), "{status}");
    assert!(status.contains("自查表-2.xlsx"), "{status}");
    assert!(status.contains('…'), "{status}");
}

/// The footer row of a drawn screen.
fn footer(t: &Terminal<TestBackend>) -> String {
    let text = screen_text(t);
    let rows: Vec<&str> = text.lines().collect();
    rows[rows.len() - 2].trim_end().to_string()
}

#[test]
fn the_footer_always_offers_help_and_says_when_it_left_hints_out() {
    for lang in [Lang::Zh, Lang::En] {
        let help = if lang == Lang::Zh {
            "?帮助"
        } else {
            "? help"
        };
        for (w, h) in SIZES {
            let mut s = walk_fixture(lang, w, h);
            let walk = footer(&draw(&s.app, w, h));
            assert!(walk.contains(help), "{w}x{h}: {walk}");
            // At 80 columns not every key of the walk fits: the line says so.
            assert_eq!(walk.ends_with('…'), w < 200, "{w}x{h}: {walk}");
            assert!(width(&walk) <= usize::from(w), "{walk}");
            // The status keys and the note come first.
            for key in ["1", "2", "3", "4", "n"] {
                assert!(
                    walk.split("  ").any(|hint| hint.starts_with(key)),
                    "{key} missing at {w}x{h}: {walk}"
                );
            }
            s.press(esc());
            let domains = footer(&draw(&s.app, w, h));
            assert!(domains.contains(help), "{domains}");
            s.press(ch('s'));
            let summary = footer(&draw(&s.app, w, h));
            assert!(summary.contains(help), "{summary}");
        }
    }
}

#[test]
fn a_long_note_leaves_the_row_whole_and_the_detail_scrolls_to_the_evidence() {
    for (w, h) in SIZES {
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.press(ch('n'));
        s.run(Action::Paste("公示栏的照片已经拍下并存档。".repeat(150)));
        s.press(enter());
        let t = draw(&s.app, w, h);
        let text = screen_text(&t);
        // The catalogue row is whole: the note comes after it.
        for field in ["公开时限", "公开主体", "公开渠道"] {
            assert!(text.contains(field), "{field} hidden at {w}x{h}:\n{text}");
        }
        assert!(text.contains("下面还有"), "{text}");
        assert!(text.contains("J/K 翻看"), "{text}");
        assert!(!text.contains("zsfw.html"), "{text}");
        // J until the evidence shows; the top says what is above.
        for _ in 0..100 {
            if screen_text(&draw(&s.app, w, h)).contains("zsfw.html") {
                break;
            }
            s.press(ch('J'));
        }
        let text = screen_text(&draw(&s.app, w, h));
        assert!(text.contains("zsfw.html"), "{w}x{h}:\n{text}");
        assert!(text.contains("上面还有"), "{text}");
        if w == 80 {
            snap("walk_detail_scrolled", &s.app, w, h);
        }
        // More J stays at the end; K goes back to the top.
        let before = screen_text(&draw(&s.app, w, h));
        s.press(ch('J'));
        assert_eq!(screen_text(&draw(&s.app, w, h)), before);
        for _ in 0..100 {
            s.press(ch('K'));
        }
        let text = screen_text(&draw(&s.app, w, h));
        assert!(!text.contains("上面还有"), "{text}");
        assert!(text.contains("一级事项"), "{text}");
        // Another item starts at its top.
        s.press(ch('J'));
        s.press(ch('j'));
        let text = screen_text(&draw(&s.app, w, h));
        assert!(text.contains("一级事项"), "{text}");
    }
}

/// The walk fixture with five more problems (05–09 部分落实 / 未落实): seven in all; then the
/// summary.
fn summary_with_seven_problems(w: u16, h: u16) -> Sim {
    let mut s = walk_fixture(Lang::Zh, w, h);
    s.keys(&[ch('j'), ch('j')]);
    for k in ['2', '3', '2', '3', '2'] {
        s.press(ch(k));
        if s.app.mode() == zwgk::keymap::Mode::Picker {
            s.press(enter());
        }
    }
    s.press(ch('s'));
    s
}

#[test]
fn the_summary_says_what_it_hides_and_its_problem_list_scrolls() {
    for (w, h) in SIZES {
        let mut s = summary_with_seven_problems(w, h);
        let t = snap("summary_seven_problems", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains("发现的问题 7"), "{text}");
        // Every domain row is shown or counted.
        let last = "综合政务信息";
        assert!(
            text.contains(last) || text.contains("下面还有"),
            "{w}x{h}: the last domain vanished without a word:\n{text}"
        );
        let shown = |text: &str| {
            text.lines()
                .filter(|l| l.contains("部分落实  ") || l.contains("未落实    "))
                .count()
        };
        if shown(&text) < 7 {
            assert!(text.contains("个问题(J/K 翻看)"), "{text}");
            for _ in 0..10 {
                s.press(ch('J'));
            }
            let text = screen_text(&draw(&s.app, w, h));
            assert!(text.contains("上面还有"), "{text}");
            // The last problem (08 财务信息) is now on screen.
            assert!(text.contains("财务信息"), "{w}x{h}:\n{text}");
        }
        // Going down the table reaches the last domain.
        s.press(key(KeyCode::End));
        let text = screen_text(&draw(&s.app, w, h));
        assert!(text.contains(last), "{w}x{h}:\n{text}");
    }
}

#[test]
fn the_walk_list_groups_items_under_their_level1_with_distinct_labels_and_marks() {
    for (w, h) in SIZES {
        let s = walk_fixture(Lang::Zh, w, h);
        let text = screen_text(&draw(&s.app, w, h));
        let rows: Vec<&str> = text.lines().collect();
        // Column headings, then 一级事项 headings above their items.
        assert!(
            rows[2].contains("状态") && rows[2].contains("事项"),
            "{text}"
        );
        let at = |needle: &str| {
            rows.iter()
                .position(|r| r.contains(needle))
                .unwrap_or_else(|| panic!("{needle} missing at {w}x{h}:\n{text}"))
        };
        assert_eq!(at("│政策文件") + 1, at("│01 "), "{text}");
        assert_eq!(at("│招生管理") + 1, at("│04 "), "{text}");
        // 04 and 07 are both 招生政策: their labels differ.
        let label = |id: &str| {
            let row = rows[at(&format!("│{id} "))];
            row.split("  ")
                .filter(|p| !p.trim().is_empty())
                .nth(1)
                .map(str::to_string)
        };
        assert_ne!(label("04"), label("07"), "{text}");
        // 03 has a note and evidence.
        assert!(rows[at("│03 ")].contains("备 证"), "{text}");
    }
    // An inspection marks the differing verdict and the task.
    let s = inspection_fixture(120, 40);
    let text = screen_text(&draw(&s.app, 120, 40));
    let row = text.lines().find(|r| r.starts_with("│02 ")).unwrap();
    assert!(row.contains("异 改"), "{text}");
}

#[test]
fn an_empty_list_says_why_and_how_to_get_items_back_in_full() {
    for (w, h) in SIZES {
        let mut s = walk_fixture(Lang::Zh, w, h);
        // A search that finds nothing: the way out is the search, not the filter.
        s.press(ch('/'));
        s.type_str("不存在的事项");
        s.press(enter());
        let text = screen_text(&draw(&s.app, w, h));
        // The message, wrapped, without blanks.
        let joined: String = text
            .chars()
            .filter(|c| !matches!(c, '│' | ' ' | '\n'))
            .collect();
        assert!(
            joined.contains("没有事项含“不存在的事项”。按/清空搜索内容后回车,即可取消搜索"),
            "{w}x{h}:\n{text}"
        );
        assert!(!joined.contains("按v"), "{text}");
        // A filter that leaves nothing: 有问题 in a domain without problems.
        let mut s = sim(Lang::Zh, w, h);
        create(&mut s);
        s.keys(&vec![ch('j'); edu_row()]);
        s.keys(&[enter(), ch('v'), ch('v')]);
        let text = screen_text(&draw(&s.app, w, h));
        let joined: String = text
            .chars()
            .filter(|c| !matches!(c, '│' | ' ' | '\n'))
            .collect();
        assert!(
            joined.contains("没有符合筛选条件的事项。按v切换筛选(全部/未检查/有问题)"),
            "{w}x{h}:\n{text}"
        );
    }
}

#[test]
fn county_only_items_are_marked_and_the_detail_offers_4() {
    for (w, h) in SIZES {
        let mut s = sim(Lang::Zh, w, h);
        create(&mut s);
        s.keys(&vec![ch('j'); domain_row("elderly-care")]);
        s.press(enter());
        let t = snap("walk_county_only", &s.app, w, h);
        let text = screen_text(&t);
        let row = text.lines().find(|r| r.starts_with("│01 ")).unwrap();
        assert!(row.contains("县级"), "{text}");
        let joined: String = text
            .chars()
            .filter(|c| !matches!(c, '│' | ' ' | '\n'))
            .collect();
        assert!(
            joined.contains("公开层级为县级:乡镇一般不涉及,按4标记不适用"),
            "{text}"
        );
    }
}

#[test]
fn popups_about_an_item_leave_its_row_visible_and_name_it() {
    for (w, h) in SIZES {
        for k in ['n', 'e', 'c', 'f'] {
            let mut s = walk_fixture(Lang::Zh, w, h);
            s.press(ch(k));
            let text = screen_text(&draw(&s.app, w, h));
            assert!(
                text.lines()
                    .any(|l| l.starts_with("│03 未落实   民办学校办")),
                "{k} hides the row of 03 at {w}x{h}:\n{text}"
            );
            assert!(
                text.contains(" · 03 民办学校办学基本信息"),
                "{k}: the popup does not name 03 at {w}x{h}:\n{text}"
            );
        }
        // The reason for a domain 不涉及 leaves the domain's row visible and names it.
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.press(esc());
        s.press(ch('x'));
        let text = screen_text(&draw(&s.app, w, h));
        assert!(
            text.lines().any(|l| l.starts_with("│义务教育  ")),
            "{w}x{h}:\n{text}"
        );
        assert!(text.contains("Esc 取消) · 义务教育"), "{w}x{h}:\n{text}");
    }
}

#[test]
fn records_a_clerk_manages_render() {
    for (w, h) in SIZES {
        // The header form over an open assessment.
        let mut s = walk_fixture(Lang::Zh, w, h);
        s.press(esc());
        s.press(ch('e'));
        let t = snap("header_form", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains(strings(Lang::Zh).edit_header_title), "{text}");
        assert!(!text.contains("选择领域"), "{text}");
        s.press(esc());
        // A domain summary under the list; the add-domain picker.
        s.press(ch('n'));
        s.type_str("招生栏目需补充");
        s.press(enter());
        s.press(ch('+'));
        let t = snap("domains_summary_and_add", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains("领域小结 招生栏目需补充"), "{text}");
        assert!(text.contains("[ ] 涉农资金"), "{text}");
        s.press(esc());
        // The question before a whole domain becomes 已落实.
        s.press(ch('1'));
        let t = snap("all_compliant_question", &s.app, w, h);
        let text = screen_text(&t);
        assert!(text.contains("个未检查的事项都标为已落实?"), "{text}");
        assert!(text.contains("y确定") && text.contains("n取消"), "{text}");
    }
}
