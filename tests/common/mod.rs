//! Shared helpers for the integration tests: a fixed clock and id source, an app on the shipped
//! catalogues, keys fed through the real keymap (exactly as the runtime does), and a small
//! runtime stand-in that performs effects the way `zwgk::app::run` does.

#![allow(dead_code)]

pub mod handover;

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use zwgk::action::{Action, Effect};
use zwgk::cli::Lang;
use zwgk::keymap;
use zwgk::library::Library;
use zwgk::model::assessment::{Assessment, ItemResult};
use zwgk::model::doc::Body;
use zwgk::model::revision::Revision;
use zwgk::state::{App, Screen, Walk};
use zwgk::update::{Ctx, update};

/// 2026-11-27T06:40:05Z (14:40:05 in Beijing).
pub const NOW: u64 = 1_795_761_605_000;
/// The device id of the test app.
pub const DEVICE: &str = "0190f5a2-0000-7000-8000-00000000dev1";

pub const UNIT: &str = "胡集镇人民政府";
pub const CODE: &str = "370828102";
pub const COUNTY: &str = "金乡县";
pub const ROUND: &str = "2026年下半年自查";
pub const ASSESSOR: &str = "张三";
/// The domain the helper marks 不涉及.
pub const NOT_INVOLVED: &str = "affordable-housing";
pub const REASON: &str = "本镇无保障性住房建设任务";
/// The national domain the helpers walk.
pub const EDU: &str = "compulsory-education";

/// The row of a catalogue in the lists of domains (the domain choice of a new assessment and
/// the domains screen), which follow the library's order.
pub fn domain_row(id: &str) -> usize {
    Library::builtin()
        .entries()
        .iter()
        .position(|e| e.catalogue.id == id)
        .unwrap_or_else(|| panic!("no catalogue {id}"))
}

/// The id of the catalogue on a row of the lists of domains.
pub fn domain_at(row: usize) -> String {
    Library::builtin().entries()[row].catalogue.id.clone()
}

/// The row of 义务教育 in the lists of domains.
pub fn edu_row() -> usize {
    domain_row(EDU)
}

/// The number of items of 义务教育.
pub fn edu_items() -> usize {
    Library::builtin().get(EDU).unwrap().catalogue.items.len()
}

thread_local! {
    // libtest runs every test on its own thread, so ids are deterministic per test.
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

/// A context with the fixed clock and the next id: 0190f5a2-7c00-7000-8000-000000000001, …
pub fn ctx() -> Ctx {
    let n = NEXT_ID.with(|c| {
        let n = c.get();
        c.set(n + 1);
        n
    });
    Ctx {
        now_millis: NOW,
        new_id: format!("0190f5a2-7c00-7000-8000-{n:012}"),
    }
}

/// A fresh Chinese app on the shipped catalogues, with no assessments.
pub fn app() -> App {
    App::new(Lang::Zh, Library::builtin(), DEVICE.to_string(), Vec::new())
}

/// An app of the given language, sized like a terminal of `w`×`h` (as the runtime does).
pub fn app_sized(lang: Lang, w: u16, h: u16) -> App {
    let mut a = App::new(lang, Library::builtin(), DEVICE.to_string(), Vec::new());
    a.width = w;
    a.height = h;
    a.page = usize::from(h.saturating_sub(8)).max(1);
    a
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub fn enter() -> KeyEvent {
    key(KeyCode::Enter)
}

pub fn esc() -> KeyEvent {
    key(KeyCode::Esc)
}

pub fn tab() -> KeyEvent {
    key(KeyCode::Tab)
}

/// Feeds one key the way the runtime does: `resolve(app.mode(), key)` then `update`.
/// A key without a binding in the current mode does nothing.
pub fn press(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    match keymap::resolve(app.mode(), k) {
        Some(a) => update(app, a, &ctx()),
        None => Vec::new(),
    }
}

/// Feeds keys in order; returns every effect, in order.
pub fn keys(app: &mut App, ks: &[KeyEvent]) -> Vec<Effect> {
    ks.iter().flat_map(|k| press(app, *k)).collect()
}

/// Types text, one `KeyCode::Char` per character (as a terminal delivers IME output).
pub fn type_str(app: &mut App, s: &str) -> Vec<Effect> {
    s.chars().flat_map(|c| press(app, ch(c))).collect()
}

/// Status keys in order, one item each: after 2 (部分落实) or 3 (未落实) the findings picker
/// opens, and Enter closes it (no finding chosen) and moves on.
pub fn answer(app: &mut App, statuses: &str) {
    for k in statuses.chars() {
        press(app, ch(k));
        if app.mode() == keymap::Mode::Picker {
            press(app, enter());
        }
    }
}

/// From the start screen: Enter opens the selected assessment where the clerk stopped (the
/// walk, when there is a place), then Esc goes to its domains screen.
pub fn reopen(app: &mut App) {
    press(app, enter());
    if matches!(app.screen, Screen::Walk(_)) {
        press(app, esc());
    }
}

/// Applies one action directly (for what the runtime, not a key, produces).
pub fn act(app: &mut App, a: Action) -> Vec<Effect> {
    update(app, a, &ctx())
}

/// From the start screen: `n`, the five form fields, Enter, then in the domain choice `x` on
/// the row of 保障性住房 with a typed reason + Enter, then Enter to create.
/// Returns every effect of the whole sequence.
pub fn create_assessment(app: &mut App) -> Vec<Effect> {
    let mut fx = press(app, ch('n'));
    fx.extend(type_str(app, UNIT));
    fx.extend(press(app, tab()));
    fx.extend(type_str(app, CODE));
    fx.extend(press(app, tab()));
    fx.extend(type_str(app, COUNTY));
    fx.extend(press(app, tab()));
    fx.extend(type_str(app, ROUND));
    fx.extend(press(app, tab()));
    fx.extend(type_str(app, ASSESSOR));
    fx.extend(press(app, enter()));
    // Domain choice: the cursor starts on the first row.
    for _ in 0..domain_row(NOT_INVOLVED) {
        fx.extend(press(app, ch('j')));
    }
    fx.extend(press(app, ch('x')));
    fx.extend(type_str(app, REASON));
    fx.extend(press(app, enter()));
    fx.extend(press(app, enter()));
    fx
}

/// Creates the assessment and opens the walk of 义务教育.
pub fn open_edu_walk(app: &mut App) {
    create_assessment(app);
    for _ in 0..edu_row() {
        press(app, ch('j'));
    }
    press(app, enter());
    assert_eq!(
        walk(app).checklist,
        EDU,
        "the helper should have opened {EDU}"
    );
}

/// Creates the assessment and opens the walk of catalogue `id`.
pub fn open_walk(app: &mut App, id: &str) {
    create_assessment(app);
    for _ in 0..domain_row(id) {
        press(app, ch('j'));
    }
    press(app, enter());
    assert_eq!(
        walk(app).checklist,
        id,
        "the helper should have opened {id}"
    );
}

/// The walk state; panics when another screen is shown.
pub fn walk(app: &App) -> &Walk {
    match &app.screen {
        Screen::Walk(w) => w,
        other => panic!("expected the walk, got {other:?}"),
    }
}

/// The open assessment; panics when none is open.
pub fn assessment(app: &App) -> &Assessment {
    &app.open.as_ref().expect("an assessment is open").assessment
}

/// The id of the item under the walk's cursor.
pub fn current_id(app: &App) -> String {
    app.current_item(walk(app))
        .expect("an item under the cursor")
        .id
        .clone()
}

/// The current result of an item of 义务教育.
pub fn edu_result<'a>(app: &'a App, item: &str) -> Option<&'a ItemResult> {
    assessment(app).result(EDU, item)
}

/// The winning revision of an item of 义务教育.
pub fn edu_winner<'a>(app: &'a App, item: &str) -> &'a Revision<Body> {
    assessment(app)
        .result_doc(EDU, item)
        .and_then(|d| d.winner())
        .expect("item has a revision")
}

/// Number of revisions in the audit trail of the winner of an item of 义务教育.
pub fn edu_history_len(app: &App, item: &str) -> usize {
    let doc = assessment(app)
        .result_doc(EDU, item)
        .expect("item has a document");
    let w = doc.winner().expect("a winner");
    doc.history(&w.rev).len()
}

/// A stand-in for `zwgk::app::run`: feeds keys through the keymap and performs effects the same
/// way (Save writes `saved`, then `Saved(Ok)` is fed back; `ResolveEvidence` is answered with
/// `EvidenceResolved(resolve_evidence(text))` into a temporary data directory; `SaveCopy` with
/// `CopySaved(Ok)` and `Archive` with `Archived(Ok)` without touching files; `MergeDuplicate`
/// with `zwgk::app::merge_duplicate` on a store of the data directory, as the runtime does;
/// `Quit` sets `quit`).
pub struct Sim {
    pub app: App,
    /// What the last Save wrote.
    pub saved: Option<Assessment>,
    pub saves: usize,
    pub quit: bool,
    /// Every effect, in order.
    pub effects: Vec<Effect>,
    /// Where evidence files are copied to (a data directory's `evidence/`).
    pub data: tempfile::TempDir,
}

impl Sim {
    pub fn new(app: App) -> Sim {
        Sim {
            app,
            saved: None,
            saves: 0,
            quit: false,
            effects: Vec::new(),
            data: tempfile::tempdir().expect("a temporary data directory"),
        }
    }

    pub fn press(&mut self, k: KeyEvent) -> Vec<Effect> {
        match keymap::resolve(self.app.mode(), k) {
            Some(a) => self.run(a),
            None => Vec::new(),
        }
    }

    pub fn keys(&mut self, ks: &[KeyEvent]) -> Vec<Effect> {
        ks.iter().flat_map(|k| self.press(*k)).collect()
    }

    pub fn type_str(&mut self, s: &str) -> Vec<Effect> {
        s.chars().flat_map(|c| self.press(ch(c))).collect()
    }

    /// Runs an action and everything it leads to, like one turn of the runtime loop.
    pub fn run(&mut self, action: Action) -> Vec<Effect> {
        assert!(!self.quit, "no action after Quit");
        let mut queue = vec![action];
        let mut out = Vec::new();
        while !queue.is_empty() {
            let a = queue.remove(0);
            for e in update(&mut self.app, a, &ctx()) {
                match &e {
                    Effect::Save => {
                        self.saved = self.app.open.as_ref().map(|s| s.assessment.clone());
                        self.saves += 1;
                        queue.push(Action::Saved(Ok("14:40:05".to_string())));
                    }
                    Effect::ResolveEvidence(text) => {
                        let store = zwgk::store::evidence::EvidenceStore::new(self.data.path());
                        queue.push(Action::EvidenceResolved(zwgk::app::resolve_evidence(
                            text,
                            Some(&store),
                            self.app.lang,
                        )));
                    }
                    // The sync key's work is tested against a server in tests/couch.rs.
                    Effect::OpenEvidence(_) | Effect::WriteBundle { .. } | Effect::Sync => {}
                    Effect::SaveCopy(path) => {
                        queue.push(Action::CopySaved(Ok(path.clone())));
                    }
                    // Files are not touched here; the store and report tests cover them.
                    Effect::ImportFile(path) | Effect::Export(path, _) => {
                        queue.push(Action::Notify(path.clone()));
                    }
                    Effect::RememberUser(_) | Effect::RememberPlaces => {}
                    // Files are not touched here: the store tests move them.
                    Effect::Archive(id) => {
                        queue.push(Action::Archived(Ok((
                            id.clone(),
                            format!("archive/{id}.json"),
                        ))));
                    }
                    // The runtime's own function, on the simulator's data directory.
                    Effect::MergeDuplicate(path) => {
                        // Another test's child process may hold the lock file for an
                        // instant after it was released (a fork before exec): wait a moment.
                        let mut opened = zwgk::store::Store::open(self.data.path(), "t");
                        for _ in 0..100 {
                            if !matches!(opened, Err(zwgk::store::StoreError::Locked { .. })) {
                                break;
                            }
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            opened = zwgk::store::Store::open(self.data.path(), "t");
                        }
                        queue.push(match opened {
                            Ok(mut store) => match store.list() {
                                Ok(_) => {
                                    zwgk::app::merge_duplicate(&mut store, path, self.app.lang, NOW)
                                }
                                Err(e) => Action::DuplicateMerged(Err(e.message(self.app.lang))),
                            },
                            Err(e) => Action::DuplicateMerged(Err(e.message(self.app.lang))),
                        });
                    }
                    Effect::Quit => self.quit = true,
                }
                out.push(e);
            }
        }
        self.effects.extend(out.iter().cloned());
        out
    }
}
