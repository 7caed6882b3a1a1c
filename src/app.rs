//! The runtime: the only place that touches the terminal (its events come from the `input`
//! thread), the clock and the disk. It turns events into actions, runs `update`, performs
//! the effects and draws.

use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event;
use crossterm::{execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use sha2::{Digest, Sha256};

use crate::action::{Action, Effect};
use crate::burst::{Burst, Step};
use crate::clock::{clock_time, now_millis};
use crate::input::{Input, Message};
use crate::model::assessment::Evidence;
use crate::state::App;
use crate::store::Store;
use crate::update::{Ctx, update};

fn ctx() -> Ctx {
    Ctx {
        now_millis: now_millis(),
        new_id: uuid::Uuid::now_v7().to_string(),
    }
}

/// How long the loop waits for input before it looks at the terminal, the signals and a
/// failed save again.
const TICK: Duration = Duration::from_millis(250);

/// Restores the terminal when dropped (normal exit and error paths); the panic hook covers
/// panics. A terminal that is gone is left alone.
struct TerminalGuard {
    gone: bool,
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if !self.gone && !std::thread::panicking() {
            restore_terminal();
        }
    }
}

fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
}

/// Runs the interactive app until the user quits, a stop signal comes (SIGTERM, SIGHUP,
/// SIGINT) or the terminal goes away; each way ends through `Action::Quit`, which saves.
pub fn run(mut app: App, mut store: Store) -> io::Result<()> {
    install_panic_hook();
    terminal::enable_raw_mode()?;
    let mut guard = TerminalGuard { gone: false };
    execute!(
        io::stdout(),
        terminal::EnterAlternateScreen,
        event::EnableBracketedPaste
    )?;
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = term.size()?;
    set_size(&mut app, size.width, size.height);
    let input = Input::start()?;
    let mut last_retry = Instant::now();
    let mut redraw = true;
    let mut draw_error = None;
    loop {
        let today = crate::clock::date(now_millis());
        redraw |= today != app.today;
        app.today = today;
        if redraw && !guard.gone && draw_error.is_none() {
            redraw = false;
            // A terminal that went away fails here: save and leave like Ctrl-C.
            draw_error = term.draw(|f| crate::ui::view(&app, f)).err();
        }
        let mut actions = Vec::new();
        let mut burst = Burst::default();
        let message = input.recv(TICK);
        redraw |= message.is_some();
        match message {
            Some(Message::Events(events)) => burst = Burst::new(events),
            Some(Message::Lost) => guard.gone = true,
            Some(Message::Wake) | None => {}
        }
        // Look at the terminal here too: a hang-up while the reader is busy is seen all the same.
        guard.gone |= input.terminal_gone();
        if guard.gone || draw_error.is_some() || input.stop_requested() {
            actions.push(Action::Quit);
        }
        if app.save_error.is_some() && last_retry.elapsed() > Duration::from_secs(5) {
            last_retry = Instant::now();
            redraw = true;
            let result = save(&app, &mut store);
            update(&mut app, Action::Saved(result), &ctx());
        }
        let mut quit = false;
        while let Some(action) = next_action(&mut actions, &mut burst, &mut app, quit) {
            for effect in update(&mut app, action, &ctx()) {
                match effect {
                    Effect::Save => {
                        let result = save(&app, &mut store);
                        actions.push(Action::Saved(result));
                    }
                    Effect::ResolveEvidence(text) => {
                        actions.push(Action::EvidenceResolved(resolve_evidence(&text)))
                    }
                    Effect::SaveCopy(path) => {
                        let result = match &app.open {
                            Some(session) => {
                                crate::store::save_copy(&session.assessment, Path::new(&path))
                                    .map(|()| path.clone())
                                    .map_err(|e| e.message(app.lang))
                            }
                            None => Err(path.clone()),
                        };
                        actions.push(Action::CopySaved(result));
                    }
                    Effect::ImportFile(path) => actions.push(import(&app, &mut store, &path)),
                    Effect::Export(name) => {
                        let s = crate::ui::strings::strings(app.lang);
                        let result = export(&app, &store, &name);
                        actions.push(Action::Notify(match result {
                            Ok(path) => format!("{} {path}", s.exported),
                            Err(e) => format!("{} {e}", s.export_failed),
                        }));
                    }
                    Effect::RememberUser(name) => {
                        if let Err(e) = store.set_user(&name) {
                            actions.push(Action::Notify(e.message(app.lang)));
                        }
                    }
                    Effect::Archive(id) => {
                        let result = store
                            .archive(&id)
                            .map(|to| (id.clone(), to.display().to_string()))
                            .map_err(|e| e.message(app.lang));
                        actions.push(Action::Archived(result));
                    }
                    Effect::RememberPlaces => {
                        if let Err(e) = store.save_places(&app.places) {
                            actions.push(Action::Notify(e.message(app.lang)));
                        }
                    }
                    Effect::Quit => quit = true,
                }
            }
        }
        if quit {
            break;
        }
    }
    match draw_error {
        Some(e) if !guard.gone => Err(e),
        _ => Ok(()),
    }
}

/// The next action: what the runtime queued first, then (unless quitting) the next step of
/// the burst of keys, for the mode the earlier steps left.
fn next_action(
    actions: &mut Vec<Action>,
    burst: &mut Burst,
    app: &mut App,
    quit: bool,
) -> Option<Action> {
    if !actions.is_empty() {
        return Some(actions.remove(0));
    }
    if quit {
        return None;
    }
    match burst.next(app.mode())? {
        Step::Act(action) => Some(action),
        Step::Resize(w, h) => {
            set_size(app, w, h);
            Some(Action::Resize)
        }
    }
}

/// Writes the report of the open assessment; a relative name goes into `<data dir>/reports/`.
fn export(app: &App, store: &Store, name: &str) -> Result<String, String> {
    let Some(session) = &app.open else {
        return Err(name.to_string());
    };
    let path = Path::new(name);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        store.root().join("reports").join(path)
    };
    let format = crate::report::format_for(&path)
        .ok_or_else(|| format!("{}: .xlsx .html .csv .md", path.display()))?;
    let report =
        crate::report::Report::build(&session.assessment, &app.library, &app.today, app.lang);
    let bytes = crate::report::render(&report, format).map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "{}: {}",
                dir.display(),
                crate::store::io_message(&e, app.lang)
            )
        })?;
    }
    crate::store::atomic::write_atomic(&path, &bytes).map_err(|e| {
        format!(
            "{}: {}",
            path.display(),
            crate::store::io_message(&e, app.lang)
        )
    })?;
    Ok(path.display().to_string())
}

/// Imports a file the user named on the start screen: an official table (xlsx, xls, csv,
/// docx) becomes a catalogue in the data dir's `checklists/`; a JSON file is an assessment to
/// bring in (merged with the copy here), or a catalogue file to add.
fn import(app: &App, store: &mut Store, path: &str) -> Action {
    let s = crate::ui::strings::strings(app.lang);
    let file = Path::new(path.trim_matches(['"', '\'']));
    let is_json = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let reload = |store: &Store| {
        let mut dirs = vec![store.checklist_dir()];
        dirs.extend(
            app.catalogue_dirs
                .iter()
                .filter(|d| **d != store.checklist_dir())
                .cloned(),
        );
        Box::new(crate::library::Library::load(&dirs))
    };
    if !is_json {
        let opts = crate::import::Options {
            id: None,
            name: None,
            group: crate::model::catalogue::Group::Local,
            version: None,
            output: None,
            today: crate::import::today(),
        };
        let planned = crate::import::plan(file, &opts, &app.library, Some(store.root()));
        return match planned.and_then(|plan| crate::import::write(&plan).map(|()| plan)) {
            Ok(plan) => {
                let text = crate::import::report(&plan, app.lang).replace('\n', "; ");
                Action::LibraryReloaded(reload(store), text)
            }
            Err(e) => Action::Notify(e.message(app.lang)),
        };
    }
    match store.import(file, now_millis()) {
        Ok(imported) => {
            let summary = match imported.merge {
                None => format!("{path}: {}", s.import_new),
                Some(m) => format!(
                    "{path}: {} {} {}",
                    s.import_merged, m.added, s.import_revisions
                ),
            };
            Action::Imported(Ok((Box::new(imported.assessment), summary)))
        }
        // A catalogue file: check it and add it to the local catalogues.
        Err(crate::store::StoreError::Format { found: Some(f), .. })
            if f == crate::model::catalogue::CHECKLIST_FORMAT =>
        {
            match crate::library::read_catalogue(file) {
                Ok(c) => {
                    let target = store.checklist_dir().join(format!("{}.json", c.id));
                    match std::fs::read(file)
                        .and_then(|bytes| crate::store::atomic::write_atomic(&target, &bytes))
                    {
                        Ok(()) => Action::LibraryReloaded(
                            reload(store),
                            format!("{}: {} {}", target.display(), s.import_new, c.id),
                        ),
                        Err(e) => Action::Notify(format!(
                            "{}: {}",
                            target.display(),
                            crate::store::io_message(&e, app.lang)
                        )),
                    }
                }
                Err(problems) => Action::Notify(
                    problems
                        .iter()
                        .map(|p| p.message(app.lang))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            }
        }
        Err(e) => Action::Imported(Err(e.message(app.lang))),
    }
}

fn set_size(app: &mut App, w: u16, h: u16) {
    app.width = w;
    app.height = h;
    app.page = usize::from(h.saturating_sub(8)).max(1);
}

fn save(app: &App, store: &mut Store) -> Result<String, String> {
    let Some(session) = &app.open else {
        return Ok(clock_time(now_millis()));
    };
    store
        .save(&session.assessment)
        .map(|_| clock_time(now_millis()))
        .map_err(|e| e.message(app.lang))
}

/// Classifies evidence text: a web address, an existing file (hashed), or plain text.
pub fn resolve_evidence(text: &str) -> Evidence {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Evidence::Url { url: t.to_string() };
    }
    let path = Path::new(t.trim_matches(['"', '\'']));
    if path.is_file()
        && let Ok(sha256) = hash_file(path)
    {
        let shown = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        return Evidence::File {
            name: path
                .file_name()
                .map_or_else(|| t.to_string(), |n| n.to_string_lossy().into_owned()),
            sha256,
            size: std::fs::metadata(path).ok().map(|m| m.len()),
            path: Some(shown.display().to_string()),
        };
    }
    Evidence::Text {
        text: t.to_string(),
    }
}

fn hash_file(path: &Path) -> io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}
