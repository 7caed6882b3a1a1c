//! Hostile text and sizes: escape sequences, control, bidi and zero-width characters, very long
//! lines, a 100,000-item catalogue, deep nesting. Nothing may reach the terminal but plain
//! printable text, nothing may panic or hang.

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use common::*;
use zwgk::cli::Lang;
use zwgk::library::{Library, Origin};
use zwgk::model::catalogue::Catalogue;
use zwgk::model::validate::validate_catalogue;
use zwgk::state::{App, Screen, Walk};

const NASTY: &str =
    "\u{1b}[2J\u{1b}]0;pwned\u{7}就业\u{202e}txet\u{200b}\u{feff}\u{0}\u{8}\r\n\t政策";

fn nasty_catalogue(items: usize, long: usize) -> Catalogue {
    let items: Vec<_> = (0..items)
        .map(|i| {
            json!({
                "id": format!("{i:06}"),
                "level1": format!("一级{NASTY}"),
                "level2": format!("二级{NASTY}{i}"),
                "content": format!("{NASTY}{}", "很长的公开内容".repeat(long)),
                "basis": [NASTY],
                "time_limit": NASTY,
                "publisher": NASTY,
                "channels": [{"name": NASTY, "required": true}],
                "extra": {NASTY: NASTY},
                "sources": [{"url": format!("https://example.gov.cn/{NASTY}")}],
            })
        })
        .collect();
    let value = json!({
        "format": "zwgk-checklist", "format_version": 1, "id": "hostile",
        "name": format!("恶意{NASTY}"), "group": "local", "version": "1",
        "aliases": [NASTY], "issuer": NASTY, "note": NASTY, "items": items,
    });
    let bytes = serde_json::to_vec(&value).unwrap();
    validate_catalogue("hostile.json", &bytes).expect("control characters are valid JSON text")
}

fn app_on(c: Catalogue, w: u16, h: u16) -> App {
    let mut lib = Library::builtin();
    lib.insert(c, Origin::Builtin);
    let mut app = App::new(Lang::Zh, lib, DEVICE.into(), Vec::new());
    app.width = w;
    app.page = usize::from(h - 8);
    app
}

/// Every cell holds printable text only: no ESC, no C0/C1 control, no bidi or zero-width mark.
fn assert_clean(term: &Terminal<TestBackend>) {
    for cell in term.backend().buffer().content() {
        for c in cell.symbol().chars() {
            let bad = c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
                || ('\u{200b}'..='\u{200f}').contains(&c)
                || c == '\u{feff}';
            assert!(
                !bad,
                "unsafe character U+{:04X} reached the screen",
                c as u32
            );
        }
    }
}

fn walk_hostile(app: &mut App) {
    create_assessment(app);
    app.screen = Screen::Walk(Walk::new("hostile"));
}

#[test]
fn escape_sequences_and_invisible_characters_never_reach_the_screen() {
    let mut app = app_on(nasty_catalogue(5, 3), 100, 30);
    walk_hostile(&mut app);
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    term.draw(|f| zwgk::ui::view(&app, f)).unwrap();
    assert_clean(&term);
    // A note and a search with the same text, typed and pasted.
    press(&mut app, ch('n'));
    act(&mut app, zwgk::action::Action::Paste(NASTY.into()));
    term.draw(|f| zwgk::ui::view(&app, f)).unwrap();
    assert_clean(&term);
    press(&mut app, enter());
    press(&mut app, ch('/'));
    act(&mut app, zwgk::action::Action::Paste(NASTY.into()));
    term.draw(|f| zwgk::ui::view(&app, f)).unwrap();
    assert_clean(&term);
    press(&mut app, enter());
    press(&mut app, ch('s'));
    term.draw(|f| zwgk::ui::view(&app, f)).unwrap();
    assert_clean(&term);
}

#[test]
fn the_cli_never_prints_control_characters_from_a_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let c = nasty_catalogue(2, 1);
    std::fs::write(
        dir.path().join("hostile.json"),
        serde_json::to_vec(&c).unwrap(),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args(["--checklists"])
        .arg(dir.path())
        .args(["checklist", "show", "hostile"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("就业"));
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}

#[test]
fn very_long_lines_wrap_without_panic() {
    let mut app = app_on(nasty_catalogue(3, 20_000), 80, 24);
    walk_hostile(&mut app);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    for _ in 0..3 {
        term.draw(|f| zwgk::ui::view(&app, f)).unwrap();
        press(&mut app, ch('1'));
    }
    assert_clean(&term);
    assert_eq!(app.tally("hostile").checked(), 3);
}

/// A catalogue of `n` short items (one hostile field each), under the file size limit.
fn big_catalogue(n: usize) -> Catalogue {
    let items: Vec<_> = (0..n)
        .map(|i| json!({"id": format!("{i:06}"), "level1": "一级事项", "level2": format!("二级{NASTY}{i}"), "content": "公开内容"}))
        .collect();
    let value = json!({"format": "zwgk-checklist", "format_version": 1, "id": "hostile", "name": "十万项", "group": "local", "version": "1", "items": items});
    validate_catalogue("big.json", &serde_json::to_vec(&value).unwrap()).unwrap()
}

#[test]
fn a_hundred_thousand_item_catalogue_loads_and_walks() {
    let c = big_catalogue(100_000);
    assert_eq!(c.items.len(), 100_000);
    let mut app = app_on(c, 120, 40);
    walk_hostile(&mut app);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    // 2 and 3 open the findings picker; Enter closes it.
    for k in ['1', '2', '\n', 'G', '3', '\n', 'p', '\t'] {
        let key = match k {
            '\t' => tab(),
            '\n' => enter(),
            k => ch(k),
        };
        press(&mut app, key);
        term.draw(|f| zwgk::ui::view(&app, f)).unwrap();
    }
    assert_eq!(app.tally("hostile").total(), 100_000);
    assert_eq!(app.tally("hostile").checked(), 3);
}

#[test]
fn deeply_nested_json_is_refused_with_a_message() {
    let bytes = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let problems = validate_catalogue("deep.json", bytes.as_bytes()).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].to_string().starts_with("deep.json:1:"),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].to_string().contains("128 levels"),
        "{}",
        problems[0]
    );
}
