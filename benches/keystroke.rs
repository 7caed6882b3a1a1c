//! How long one keystroke takes in the walk (update + render at 120×40) on a 2,000-item
//! assessment, and how long autosaving that assessment takes.
//!
//! `cargo bench --bench keystroke`

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use zwgk::cli::Lang;
use zwgk::keymap::resolve;
use zwgk::library::{Library, Origin};
use zwgk::model::catalogue::Catalogue;
use zwgk::state::{App, Screen, Walk};
use zwgk::update::{Ctx, update};

const DOMAINS: usize = 25;
const ITEMS_PER_DOMAIN: usize = 80;

fn main() {
    divan::main();
}

/// A library of 25 catalogues × 80 items = 2,000 items, made from the shipped rows.
fn big_library() -> Library {
    let shipped = Library::builtin();
    let rows: Vec<_> = shipped
        .entries()
        .iter()
        .flat_map(|e| e.catalogue.items.clone())
        .collect();
    let template: Catalogue = shipped
        .get("employment")
        .map(|e| e.catalogue.clone())
        .expect("employment ships");
    let mut lib = Library::default();
    for d in 0..DOMAINS {
        let mut c = template.clone();
        c.id = format!("bench-{d:02}");
        c.name = format!("领域{d:02}");
        c.items = (0..ITEMS_PER_DOMAIN)
            .map(|i| {
                let mut item = rows[(d * ITEMS_PER_DOMAIN + i) % rows.len()].clone();
                item.id = format!("{i:03}");
                item
            })
            .collect();
        lib.insert(c, Origin::Builtin);
    }
    lib
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn ctx(n: u64) -> Ctx {
    Ctx {
        now_millis: 1_795_761_605_000 + n,
        new_id: format!("01900000-0000-7000-8000-{n:012}"),
    }
}

fn press(app: &mut App, k: KeyEvent, n: u64) -> Vec<zwgk::action::Effect> {
    match resolve(app.mode(), k) {
        Some(a) => update(app, a, &ctx(n)),
        None => Vec::new(),
    }
}

/// An app in the walk of the first domain of a 2,000-item self-check, half of it answered.
fn walking_app() -> App {
    let mut app = App::new(Lang::Zh, big_library(), "bench-device".into(), Vec::new());
    app.width = 120;
    app.page = 32;
    let mut n = 0;
    press(&mut app, key('n'), n);
    for (field, text) in ["胡集镇人民政府", "", "金乡县", "2026年下半年自查", "张三"]
        .iter()
        .enumerate()
    {
        for c in text.chars() {
            n += 1;
            press(&mut app, key(c), n);
        }
        if field < 4 {
            press(&mut app, KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE), n);
        }
    }
    press(
        &mut app,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
        n,
    );
    press(
        &mut app,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
        n,
    );
    // Answer half of every domain.
    for d in 0..DOMAINS {
        app.screen = Screen::Walk(Walk::new(&format!("bench-{d:02}")));
        for i in 0..ITEMS_PER_DOMAIN / 2 {
            n += 1;
            press(&mut app, key(if i % 5 == 0 { '2' } else { '1' }), n);
            // 部分落实 opens the findings picker; Enter closes it and moves on.
            if app.mode() == zwgk::keymap::Mode::Picker {
                press(
                    &mut app,
                    KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                    n,
                );
            }
        }
    }
    app.screen = Screen::Walk(Walk::new("bench-00"));
    app
}

#[divan::bench(sample_count = 200)]
fn status_key_update_and_render(bencher: divan::Bencher) {
    let mut app = walking_app();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let mut n: u64 = 1_000_000;
    bencher.bench_local(|| {
        n += 1;
        // Alternate 已落实 / 不适用 on the same item so every press makes a revision (both move
        // on at once; 部分落实 would open the findings picker).
        press(
            &mut app,
            key(if n.is_multiple_of(2) { '1' } else { '4' }),
            n,
        );
        press(&mut app, key('k'), n);
        term.draw(|f| zwgk::ui::view(&app, f)).expect("draw");
    });
}

#[divan::bench(sample_count = 200)]
fn move_key_update_and_render(bencher: divan::Bencher) {
    let mut app = walking_app();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let mut n = 0u64;
    bencher.bench_local(|| {
        n += 1;
        press(
            &mut app,
            key(if (n / 40).is_multiple_of(2) { 'j' } else { 'k' }),
            n,
        );
        term.draw(|f| zwgk::ui::view(&app, f)).expect("draw");
    });
}

#[divan::bench(sample_count = 30)]
fn autosave_2000_items(bencher: divan::Bencher) {
    let app = walking_app();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = zwgk::store::Store::open(dir.path(), "2026-11-27T00:00:00Z").expect("store");
    let assessment = app
        .open
        .as_ref()
        .map(|s| s.assessment.clone())
        .expect("open assessment");
    bencher.bench_local(|| {
        store.save(&assessment).expect("save");
    });
}
