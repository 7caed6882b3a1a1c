//! The runtime: the only place that touches the terminal (its events come from the `input`
//! thread), the clock and the disk. It turns events into actions, runs `update`, performs
//! the effects and draws.

use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event;
use crossterm::{execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

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
/// How long nobody types before the journal is folded into its file.
const IDLE_FOLD: Duration = Duration::from_secs(2);

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
    let mut last_input = Instant::now();
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
        if message.is_some() {
            last_input = Instant::now();
        } else if store.has_journal() && last_input.elapsed() >= IDLE_FOLD {
            // Nobody is typing: fold the journal into the file, beside the app.
            if let Err(e) = store.fold_idle() {
                let s = crate::ui::strings::strings(app.lang);
                actions.push(Action::Notify(format!("{} {e}", s.journal_fold_failed)));
            }
        }
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
                        let evidence = (!store.is_read_only()).then(|| store.evidence());
                        actions.push(Action::EvidenceResolved(resolve_evidence(
                            &text,
                            evidence.as_ref(),
                            app.lang,
                        )))
                    }
                    Effect::OpenEvidence(ev) => {
                        let s = crate::ui::strings::strings(app.lang);
                        actions.push(Action::Notify(match open_evidence(&store, &ev) {
                            Ok(target) => format!("{} {target}", s.evidence_opened),
                            Err(e) => format!("{} {e}", s.evidence_open_failed),
                        }));
                    }
                    Effect::SaveCopy(path) => {
                        let result = match (&app.open, outside_read_only(&app, &store, &path)) {
                            (_, Err(e)) => Err(e),
                            (Some(session), Ok(())) => {
                                crate::store::save_copy(&session.assessment, Path::new(&path))
                                    .map(|()| path.clone())
                                    .map_err(|e| e.message(app.lang))
                            }
                            (None, Ok(())) => Err(path.clone()),
                        };
                        actions.push(Action::CopySaved(result));
                    }
                    Effect::ImportFile(path) => {
                        actions.push(import(&app, &mut store, &path));
                        actions.push(Action::HandOverState(Box::new(
                            crate::sync::state::SyncState::load(store.root()),
                        )));
                    }
                    Effect::Export(name, kind) => {
                        let s = crate::ui::strings::strings(app.lang);
                        let result = export(&app, &store, &name, kind);
                        actions.push(Action::Notify(match result {
                            Ok(path) => format!("{} {path}", s.exported),
                            Err(e) => format!("{} {e}", s.export_failed),
                        }));
                    }
                    Effect::WriteBundle { assessment, folder } => {
                        let result = match outside_read_only(&app, &store, folder.trim()) {
                            Ok(()) => write_bundle(&app, &store, &assessment, &folder),
                            Err(e) => e,
                        };
                        actions.push(Action::HandOverState(Box::new(
                            crate::sync::state::SyncState::load(store.root()),
                        )));
                        actions.push(Action::Notify(result));
                    }
                    Effect::Sync => actions.push(sync(&app, &mut store)),
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
                    Effect::MergeDuplicate(path) => {
                        actions.push(merge_duplicate(&mut store, &path, app.lang, now_millis()));
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
    // Every change is in its journal already; folding leaves plain JSON files behind.
    let closed = store.close().map_err(|e| {
        let s = crate::ui::strings::strings(app.lang);
        io::Error::other(format!("{} {e}", s.journal_fold_failed))
    });
    match draw_error {
        Some(e) if !guard.gone => Err(e),
        _ => closed,
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

/// Replicates with the configured CouchDB server; what changed here is shown as an import.
fn sync(app: &App, store: &mut Store) -> Action {
    let role = app.role;
    match crate::command::sync::replicate_configured(store, role, app.lang) {
        Ok((changed, text)) => Action::Imported(Ok((changed, text))),
        Err(e) => Action::Imported(Err(e)),
    }
}

/// Writes the report of the open assessment; a relative name goes into `<data dir>/reports/`,
/// and an existing file is never replaced (see [`crate::export`]).
fn export(
    app: &App,
    store: &Store,
    name: &str,
    kind: crate::cli::ReportKind,
) -> Result<String, String> {
    let Some(session) = &app.open else {
        return Err(name.to_string());
    };
    let reports = store.root().join("reports");
    if store.is_read_only() && crate::store::is_inside(store.root(), &reports.join(name.trim())) {
        return Err(crate::ui::strings::strings(app.lang)
            .read_only_export
            .to_string());
    }
    let src = crate::export::Source {
        assessment: &session.assessment,
        reviewed: app.reviewed(),
        library: &app.library,
        today: &app.today,
        lang: app.lang,
    };
    crate::export::write(&src, &reports, name, kind).map(|p| p.display().to_string())
}

/// Opened read-only, nothing is written into the data directory: `Err` (the message) when
/// `path` (a copy, a bundle's folder) lies in it.
fn outside_read_only(app: &App, store: &Store, path: &str) -> Result<(), String> {
    let path = Path::new(path.trim_matches(['"', '\'']));
    if !store.is_read_only() || !crate::store::is_inside(store.root(), path) {
        return Ok(());
    }
    Err(crate::ui::strings::strings(app.lang)
        .read_only_inside
        .replace("{path}", &path.display().to_string())
        .replace("{dir}", &store.root().display().to_string()))
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
    if file.is_dir() {
        return import_folder(app, store, file);
    }
    if crate::sync::bundle::is_bundle(file) {
        return match crate::sync::bundle::open(file)
            .and_then(|b| crate::sync::bundle::import(store, b, &app.library, now_millis()))
        {
            Ok(report) => imported(store, &report, app.lang),
            Err(e) => Action::Imported(Err(e.message(app.lang))),
        };
    }
    match crate::sync::bundle::import_assessment_file(store, file, now_millis()) {
        Ok(report) => imported(store, &report, app.lang),
        // A catalogue file: check it and add it to the local catalogues.
        Err(crate::sync::bundle::BundleError::Store { source, .. })
            if matches!(&*source, crate::store::StoreError::Format { found: Some(f), .. }
                if f == crate::model::catalogue::CHECKLIST_FORMAT) =>
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
        Err(crate::sync::bundle::BundleError::Store { source, .. }) => {
            Action::Imported(Err(source.message(app.lang)))
        }
        Err(e) => Action::Imported(Err(e.message(app.lang))),
    }
}

/// Writes a hand-over bundle of an assessment and those that travel with it (the freshest
/// copies: the open one, else the listing's); the message says where.
fn write_bundle(app: &App, store: &Store, id: &str, folder: &str) -> String {
    let s = crate::ui::strings::strings(app.lang);
    let mut all: Vec<&crate::model::assessment::Assessment> = app
        .listing
        .iter()
        .filter_map(|l| l.assessment.as_ref().ok())
        .filter(|a| app.open.as_ref().is_none_or(|o| o.assessment.id != a.id))
        .collect();
    if let Some(o) = &app.open {
        all.push(&o.assessment);
    }
    let Some(chosen) = all.iter().copied().find(|a| a.id == id) else {
        return s.nothing_open.to_string();
    };
    let group = crate::sync::companions(chosen, &all);
    let dir = Path::new(folder.trim().trim_matches(['"', '\'']));
    if !dir.is_dir() {
        return format!("{}: {}", dir.display(), s.not_a_folder);
    }
    let user = app.user.clone().unwrap_or_default();
    let who = crate::sync::bundle::Who {
        user: &user,
        role: app.role,
    };
    match crate::sync::bundle::export(
        store,
        &group,
        dir,
        &app.library,
        who,
        now_millis(),
        app.lang,
    ) {
        Ok(path) => format!("{} {}", s.bundle_written, path.display()),
        Err(e) => e.message(app.lang),
    }
}

/// Imports every bundle of a folder (a USB stick with several townships' files): each checked
/// whole; the message lists what each brought or why it was refused.
fn import_folder(app: &App, store: &mut Store, dir: &Path) -> Action {
    let files = crate::command::import_files(&[dir.to_path_buf()]);
    if files.is_empty() {
        let s = crate::ui::strings::strings(app.lang);
        return Action::Imported(Err(format!("{}: {}", dir.display(), s.import_no_files)));
    }
    let mut assessments = Vec::new();
    let mut lines = Vec::new();
    for f in &files {
        match crate::sync::bundle::open(f)
            .and_then(|b| crate::sync::bundle::import(store, b, &app.library, now_millis()))
        {
            Ok(report) => {
                lines.push(report.message(app.lang));
                assessments.extend(
                    report
                        .arrived
                        .iter()
                        .filter_map(|a| crate::store::load_own(&store.assessment_path(&a.id)).ok()),
                );
            }
            Err(e) => lines.push(e.message(app.lang)),
        }
    }
    Action::Imported(Ok((assessments, lines.join(" | "))))
}

/// The assessments an import brought, as the start screen shows them, and its message.
fn imported(
    store: &Store,
    report: &crate::sync::bundle::ImportReport,
    lang: crate::cli::Lang,
) -> Action {
    let assessments = report
        .arrived
        .iter()
        .filter_map(|a| crate::store::load_own(&store.assessment_path(&a.id)).ok())
        .collect();
    Action::Imported(Ok((assessments, report.message(lang))))
}

/// Loads the catalogues on a thread of their own while the data directory is read: the two
/// are independent, so on a two-core laptop start-up takes about the longer of the two
/// instead of their sum.
pub fn load_and_list(
    store: &mut Store,
    catalogue_dirs: &[std::path::PathBuf],
) -> (
    crate::library::Library,
    Result<Vec<crate::store::Loaded>, crate::store::StoreError>,
) {
    std::thread::scope(|s| {
        let library = s.spawn(|| crate::library::Library::load(catalogue_dirs));
        let listed = store.list();
        let library = library
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (library, listed)
    })
}

/// The start screen's rows of what [`Store::list`] found: each file with its assessment or
/// why it could not be read (and then its `.bak`, if that one reads), and the second files of
/// an assessment, offered to merge.
pub fn listing(
    listed: Vec<crate::store::Loaded>,
    lang: crate::cli::Lang,
) -> (Vec<crate::state::Listing>, Vec<crate::state::Duplicate>) {
    let duplicates = listed
        .iter()
        .filter_map(|(_, loaded)| match loaded {
            Err(crate::store::StoreError::SameId { path, id, other }) => {
                Some(crate::state::Duplicate {
                    path: path.display().to_string(),
                    id: id.clone(),
                    owner: other.display().to_string(),
                })
            }
            _ => None,
        })
        .collect();
    let listing = listed
        .into_iter()
        .map(|(path, loaded)| crate::state::Listing {
            // A second file of an assessment is offered to merge, not to open from its .bak.
            backup:
                matches!(&loaded, Err(e) if !matches!(e, crate::store::StoreError::SameId { .. }))
                    .then(|| crate::store::load_backup(&path))
                    .flatten(),
            path: path.display().to_string(),
            assessment: loaded.map_err(|e| e.message(lang)),
        })
        .collect();
    (listing, duplicates)
}

/// Merges the second file of an assessment at `path` (as its start-screen row names it) into
/// the assessment's file and moves it to the archive folder ([`Store::merge_duplicate`]); the
/// message says what arrived and where the copy went. The test driver performs the effect
/// with this same function.
pub fn merge_duplicate(
    store: &mut Store,
    path: &str,
    lang: crate::cli::Lang,
    now_millis: u64,
) -> Action {
    let s = crate::ui::strings::strings(lang);
    let file = Path::new(path);
    let result = store.merge_duplicate(file, now_millis).map(|m| {
        let name = |p: &Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        // Said relative to the data dir (archive/…): the status line is one line.
        let archived = m
            .archived
            .strip_prefix(store.root())
            .unwrap_or(&m.archived)
            .display()
            .to_string();
        let owner = name(&m.owner);
        let assessment = m.imported.assessment.clone();
        let report = crate::sync::bundle::file_report(store, file, m.imported).message(lang);
        let message = s
            .duplicate_merged
            .replace("{owner}", &owner)
            .replace("{report}", &report)
            .replace("{copy}", &name(file))
            .replace("{archived}", &archived);
        Box::new(crate::action::DuplicateMerged {
            path: path.to_string(),
            assessment,
            message: crate::text::sanitize(&message, false),
        })
    });
    Action::DuplicateMerged(result.map_err(|e| e.message(lang)))
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

/// Resolves typed evidence: a web address, a file (copied into the data directory's
/// evidence under its SHA-256), or text. A path that does not exist, a folder or a file over
/// the size limit is refused with a message.
pub fn resolve_evidence(
    text: &str,
    evidence: Option<&crate::store::evidence::EvidenceStore>,
    lang: crate::cli::Lang,
) -> Result<Evidence, String> {
    use crate::store::evidence::Typed;
    match crate::store::evidence::classify(text) {
        Typed::Url(url) => Ok(Evidence::Url { url }),
        Typed::Text(text) => Ok(Evidence::Text { text }),
        Typed::Path(path) => match evidence {
            Some(store) => store.add_file(&path).map_err(|e| e.message(lang)),
            None => Err(crate::ui::strings::strings(lang)
                .read_only_no_change
                .to_string()),
        },
    }
}

/// Opens evidence with the system's viewer: a web address in the browser, a stored file as a
/// copy under its own name in the temporary folder (so the viewer knows its type).
fn open_evidence(store: &Store, ev: &Evidence) -> Result<String, String> {
    let target = match ev {
        Evidence::Url { url } => url.clone(),
        Evidence::File { name, sha256, .. } => {
            let bytes = store.evidence().read(sha256).map_err(|e| e.to_string())?;
            let dir = std::env::temp_dir()
                .join("zwgk-evidence")
                .join(&sha256[..12]);
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let safe = crate::text::file_name_safe(name);
            let path = dir.join(if safe.is_empty() {
                sha256.clone()
            } else {
                safe
            });
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            path.display().to_string()
        }
        Evidence::Text { text } => return Err(text.clone()),
    };
    system_open(&target).map_err(|e| format!("{target} ({e})"))?;
    Ok(target)
}

/// Starts the system's handler for a file or web address, detached from the terminal.
fn system_open(target: &str) -> io::Result<()> {
    use std::process::{Command, Stdio};
    #[cfg(windows)]
    let mut cmd = {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", "", target]);
        c
    };
    #[cfg(target_os = "macos")]
    let mut cmd = {
        let mut c = Command::new("open");
        c.arg(target);
        c
    };
    #[cfg(all(unix, not(target_os = "macos")))]
    let mut cmd = {
        let mut c = Command::new("xdg-open");
        c.arg(target);
        c
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
}
