//! The pure heart of the app: `update(app, action, ctx)` changes the state and returns the
//! effects for the runtime. No files, no clock (time comes in `Ctx`), no terminal.

mod task;

pub use task::date_after as task_date;

use crate::action::{Action, Effect};
use crate::editor::TextInput;
use crate::keymap::Mode;
use crate::model::assessment::{
    ASSESSMENT_FORMAT, ASSESSMENT_FORMAT_VERSION, Assessment, DomainChoice, Evidence, ItemResult,
    Kind, Unit,
};
use crate::model::catalogue::{CANONICAL_CHANNELS, Group};
use crate::model::revision::{Author, Hlc};
use crate::model::status::{FINDING_TYPES, Status};
use crate::state::{
    App, Choice, DomainRow, DomainsView, Filter, Listing, NewForm, Overlay, Picker, Prompt,
    PromptPurpose, Screen, Session, SummaryView, TasksView, Walk,
};
use crate::ui::strings::strings;

/// What the runtime passes in with every action.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Wall-clock time, milliseconds since 1970 UTC.
    pub now_millis: u64,
    /// A fresh id (uuid v7) in case the action creates something.
    pub new_id: String,
}

/// Applies one action.
pub fn update(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    match action {
        Action::Saved(result) => {
            match result {
                Ok(at) => {
                    app.saved_at = Some(at);
                    app.save_error = None;
                }
                Err(e) => app.save_error = Some(e),
            }
            return Vec::new();
        }
        Action::Resize => return Vec::new(),
        Action::LibraryReloaded(library, text) => {
            app.library = *library;
            app.message = Some(text);
            return Vec::new();
        }
        Action::Notify(text) => {
            app.message = Some(text);
            return Vec::new();
        }
        Action::CopySaved(result) => {
            let s = strings(app.lang);
            app.message = Some(match result {
                Ok(path) => format!("{} {path}", s.copy_saved),
                Err(e) => format!("{} {e}", s.copy_failed),
            });
            return Vec::new();
        }
        Action::Quit => return quit(app, ctx),
        Action::EvidenceResolved(ev) => return add_evidence(app, ev, ctx),
        Action::Imported(result) => {
            task::imported(app, result);
            return Vec::new();
        }
        _ => {}
    }
    app.message = None;
    if let Some(mode) = app.help {
        let len = crate::keymap::bindings(mode).count();
        if matches!(action, Action::Back | Action::ShowHelp | Action::Confirm) {
            app.help = None;
        } else {
            move_cursor(&mut app.help_offset, len, &action, app.page);
        }
        return Vec::new();
    }
    if app.is_read_only() && action.changes_data() {
        app.message = Some(strings(app.lang).read_only_no_change.to_string());
        return Vec::new();
    }
    if action == Action::ShowHelp {
        app.help = Some(app.mode());
        app.help_offset = 0;
        return Vec::new();
    }
    if let Some(prompt) = app.prompt.as_mut() {
        match action {
            Action::Confirm => {
                let path = prompt.input.text().trim().to_string();
                let purpose = prompt.purpose;
                app.prompt = None;
                if !path.is_empty() {
                    return vec![match purpose {
                        PromptPurpose::SaveCopy => Effect::SaveCopy(path),
                        PromptPurpose::Import => Effect::ImportFile(path),
                        PromptPurpose::Export => Effect::Export(path),
                    }];
                }
            }
            Action::Back => app.prompt = None,
            other => edit_text(&mut prompt.input, other, usize::from(app.width)),
        }
        return Vec::new();
    }
    if action == Action::BeginExport {
        if let Some(s) = &app.open {
            let a = &s.assessment;
            let name = crate::text::file_name_safe(&format!("{}-{}.xlsx", a.unit.name, a.round));
            app.prompt = Some(Prompt {
                purpose: PromptPurpose::Export,
                input: TextInput::line(&name),
            });
        }
        return Vec::new();
    }
    if action == Action::SaveElsewhere {
        match &app.open {
            Some(s) => {
                let id = &s.assessment.id;
                let short = id.get(id.len().saturating_sub(8)..).unwrap_or(id);
                app.prompt = Some(Prompt {
                    purpose: PromptPurpose::SaveCopy,
                    input: TextInput::line(&format!("zwgk-{short}.json")),
                });
            }
            None => app.message = Some(strings(app.lang).nothing_open.to_string()),
        }
        return Vec::new();
    }
    match app.mode() {
        Mode::Start => start(app, action),
        Mode::Form | Mode::FormDomains => form(app, action, ctx),
        Mode::Domains if action == Action::UpgradeCatalogues => upgrade_catalogues(app, ctx),
        Mode::Domains => domains(app, action),
        Mode::Walk => walk(app, action, ctx),
        Mode::Editor | Mode::LineInput | Mode::Picker => overlay(app, action, ctx),
        Mode::Summary => summary(app, action),
        Mode::Tasks => task::list(app, action, ctx),
        Mode::TaskForm => task::form(app, action, ctx),
        Mode::Help => Vec::new(),
    }
}

/// Quitting keeps what is typed in an open editor, then saves.
fn quit(app: &mut App, ctx: &Ctx) -> Vec<Effect> {
    let mut effects = Vec::new();
    if app.task_form.is_some() {
        effects.extend(task::form(app, Action::Confirm, ctx));
        // A date that does not parse keeps the form open: keep its text rather than lose it.
        if let Some(f) = app.task_form.take() {
            effects.extend(task::save_unchecked(app, f, ctx));
        }
    }
    if matches!(app.mode(), Mode::Editor | Mode::LineInput | Mode::Picker)
        && matches!(app.screen, Screen::Walk(_))
    {
        effects = close_overlay(app, ctx, true);
    }
    if let Screen::Domains(view) = &mut app.screen
        && let Some(input) = view.reason.take()
    {
        effects.extend(mark_not_involved(app, input.text()));
    }
    if !effects.contains(&Effect::Save) && app.save_error.is_some() {
        effects.push(Effect::Save);
    }
    effects.push(Effect::Quit);
    effects
}

pub(crate) fn move_cursor(cursor: &mut usize, len: usize, action: &Action, page: usize) -> bool {
    let last = len.saturating_sub(1);
    let page = page.max(1);
    *cursor = match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (*cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(page),
        Action::PageDown => (*cursor + page).min(last),
        Action::Home => 0,
        Action::End => last,
        _ => return false,
    };
    true
}

fn start(app: &mut App, action: Action) -> Vec<Effect> {
    if move_cursor(&mut app.start_cursor, app.listing.len(), &action, app.page) {
        return Vec::new();
    }
    match action {
        Action::NewAssessment => {
            app.screen = Screen::New(Box::new(new_form(app)));
            Vec::new()
        }
        Action::NewInspection => {
            task::new_inspection(app);
            Vec::new()
        }
        Action::BeginImport => {
            app.prompt = Some(Prompt {
                purpose: PromptPurpose::Import,
                input: TextInput::line(""),
            });
            Vec::new()
        }
        Action::Confirm => {
            let s = strings(app.lang);
            match app.listing.get(app.start_cursor) {
                Some(Listing {
                    assessment: Ok(a), ..
                }) => open(app, a.clone()),
                Some(Listing {
                    backup: Some(b), ..
                }) => {
                    let b = b.clone();
                    open(app, b);
                    if let Some(session) = app.open.as_mut() {
                        session.read_only = true;
                    }
                    app.message = Some(s.opened_backup.to_string());
                }
                Some(Listing {
                    assessment: Err(e), ..
                }) => app.message = Some(format!("{}: {e}", s.cannot_open)),
                None => {}
            }
            Vec::new()
        }
        Action::Back => Vec::new(),
        _ => Vec::new(),
    }
}

pub(crate) fn new_form(app: &App) -> NewForm {
    let domains = app
        .library
        .entries()
        .iter()
        .map(|e| DomainRow {
            checklist: e.catalogue.id.clone(),
            // Every township keeps the 26 national and the city catalogue; local ones are opt-in.
            choice: if e.catalogue.group == Group::Local {
                Choice::Excluded
            } else {
                Choice::Included
            },
        })
        .collect();
    NewForm {
        fields: Default::default(),
        focus: 0,
        choosing: false,
        domains,
        cursor: 0,
        reason: None,
        error: None,
        kind: Kind::SelfCheck,
        reviews: None,
    }
}

fn open(app: &mut App, assessment: Assessment) {
    let newer = crate::model::upgrade::upgradable(&assessment, &app.library).len();
    app.open = Some(Session {
        assessment,
        undo: Vec::new(),
        domain_cursor: 0,
        read_only: false,
    });
    app.saved_at = None;
    app.screen = Screen::Domains(DomainsView::default());
    if newer > 0 {
        let s = strings(app.lang);
        app.message = Some(format!("{newer} {}", s.upgrade_offer));
    }
}

/// Upgrades every domain whose catalogue in the library is newer; one summary message.
fn upgrade_catalogues(app: &mut App, ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    let author = author(app);
    let Some(session) = app.open.as_mut() else {
        return Vec::new();
    };
    let entries: Vec<crate::library::Entry> =
        crate::model::upgrade::upgradable(&session.assessment, &app.library)
            .into_iter()
            .cloned()
            .collect();
    if entries.is_empty() {
        app.message = Some(s.upgrade_none.to_string());
        return Vec::new();
    }
    let (mut changed, mut retired, mut carried, mut domains) = (0, 0, 0, 0);
    for entry in &entries {
        match crate::model::upgrade::upgrade(
            &mut session.assessment,
            entry,
            author.clone(),
            ctx.now_millis,
        ) {
            Ok(r) => {
                domains += 1;
                changed += r.changed;
                retired += r.retired;
                carried += r.carried;
            }
            Err(e) => {
                app.message = Some(e.to_string());
                return vec![Effect::Save];
            }
        }
    }
    app.message = Some(format!(
        "{} {domains} · {} {carried} · {} {changed} · {} {retired}",
        s.upgrade_done, s.upgrade_carried, s.upgrade_changed, s.upgrade_retired
    ));
    vec![Effect::Save]
}

/// Field indices of the new-assessment form.
pub const FIELD_UNIT: usize = 0;
pub const FIELD_CODE: usize = 1;
pub const FIELD_COUNTY: usize = 2;
pub const FIELD_ROUND: usize = 3;
pub const FIELD_ASSESSOR: usize = 4;

fn form(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    let page = app.page;
    let Screen::New(f) = &mut app.screen else {
        return Vec::new();
    };
    if !f.choosing {
        let field = &mut f.fields[f.focus];
        match action {
            Action::NextField => f.focus = (f.focus + 1) % f.fields.len(),
            Action::PrevField => f.focus = (f.focus + f.fields.len() - 1) % f.fields.len(),
            Action::Confirm => {
                let missing = [FIELD_UNIT, FIELD_ROUND, FIELD_ASSESSOR]
                    .into_iter()
                    .find(|i| f.fields[*i].text().trim().is_empty());
                match missing {
                    Some(i) => {
                        f.focus = i;
                        f.error = Some(s.field_required.to_string());
                    }
                    None if f.focus + 1 < f.fields.len()
                        && f.fields[f.focus + 1].text().is_empty() =>
                    {
                        f.focus += 1;
                        f.error = None;
                    }
                    None => {
                        f.choosing = true;
                        f.error = None;
                    }
                }
            }
            Action::Back => app.screen = Screen::Start,
            other => edit_text(field, other, usize::from(app.width)),
        }
        return Vec::new();
    }
    if move_cursor(&mut f.cursor, f.domains.len(), &action, page) {
        return Vec::new();
    }
    match action {
        Action::ToggleDomain => {
            if let Some(row) = f.domains.get_mut(f.cursor) {
                row.choice = match row.choice {
                    Choice::Included => Choice::Excluded,
                    _ => Choice::Included,
                };
            }
        }
        Action::ToggleNotInvolved => {
            if let Some(row) = f.domains.get_mut(f.cursor) {
                if matches!(row.choice, Choice::NotInvolved(_)) {
                    row.choice = Choice::Included;
                } else {
                    f.reason = Some(TextInput::line(""));
                }
            }
        }
        Action::Back => f.choosing = false,
        Action::Confirm => {
            if !f.domains.iter().any(|d| d.choice == Choice::Included) {
                f.error = Some(s.choose_a_domain.to_string());
                return Vec::new();
            }
            let assessment = create_assessment(f, &app.library, ctx);
            let summary = Listing {
                path: String::new(),
                assessment: Ok(assessment.clone()),
                backup: None,
            };
            app.listing.push(summary);
            app.start_cursor = app.listing.len() - 1;
            open(app, assessment);
            return vec![Effect::Save];
        }
        _ => {}
    }
    Vec::new()
}

fn create_assessment(f: &NewForm, library: &crate::library::Library, ctx: &Ctx) -> Assessment {
    let text = |i: usize| f.fields[i].text().trim().to_string();
    let domains = f
        .domains
        .iter()
        .filter_map(|row| {
            let version = library.get(&row.checklist)?.catalogue.version.clone();
            let (involved, reason) = match &row.choice {
                Choice::Included => (true, None),
                Choice::NotInvolved(r) => (false, Some(r.clone())),
                Choice::Excluded => return None,
            };
            Some(DomainChoice {
                checklist: row.checklist.clone(),
                version,
                involved,
                reason,
            })
        })
        .collect();
    let code = text(FIELD_CODE);
    Assessment {
        format: ASSESSMENT_FORMAT.to_string(),
        format_version: ASSESSMENT_FORMAT_VERSION,
        id: ctx.new_id.clone(),
        kind: f.kind,
        unit: Unit {
            name: text(FIELD_UNIT),
            division_code: if code.is_empty() { None } else { Some(code) },
            county: text(FIELD_COUNTY),
            city: None,
        },
        round: text(FIELD_ROUND),
        assessor: text(FIELD_ASSESSOR),
        created: Hlc {
            millis: ctx.now_millis,
            counter: 0,
        }
        .to_string(),
        reviews: f.reviews.clone(),
        domains,
        clock: Hlc {
            millis: ctx.now_millis,
            counter: 0,
        },
        results: Default::default(),
        tasks: Default::default(),
    }
}

fn domains(app: &mut App, action: Action) -> Vec<Effect> {
    let ids: Vec<String> = app
        .involved_domains()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let all: Vec<String> = match &app.open {
        Some(s) => s
            .assessment
            .domains
            .iter()
            .map(|d| d.checklist.clone())
            .collect(),
        None => Vec::new(),
    };
    let page = app.page;
    let Screen::Domains(view) = &mut app.screen else {
        return Vec::new();
    };
    if move_cursor(&mut view.cursor, all.len(), &action, page) {
        return Vec::new();
    }
    match action {
        Action::Confirm => {
            let Some(id) = all.get(view.cursor) else {
                return Vec::new();
            };
            if ids.contains(id) {
                if let Some(s) = app.open.as_mut() {
                    s.domain_cursor = view.cursor;
                }
                app.screen = Screen::Walk(Walk {
                    checklist: id.clone(),
                    cursor: 0,
                    filter: Filter::All,
                    search: String::new(),
                    overlay: None,
                });
            } else {
                app.message = Some(strings(app.lang).domain_not_involved.to_string());
            }
        }
        Action::ToggleNotInvolved => {
            let Some(id) = all.get(view.cursor).cloned() else {
                return Vec::new();
            };
            let Some(s) = app.open.as_mut() else {
                return Vec::new();
            };
            if let Some(d) = s.assessment.domains.iter_mut().find(|d| d.checklist == id) {
                if d.involved {
                    view.reason = Some(TextInput::line(""));
                } else {
                    d.involved = true;
                    d.reason = None;
                    return vec![Effect::Save];
                }
            }
        }
        Action::ShowSummary => app.screen = Screen::Summary(SummaryView::default()),
        Action::ShowTasks => app.screen = Screen::Tasks(TasksView::default()),
        Action::Back => close_assessment(app),
        _ => {}
    }
    Vec::new()
}

fn close_assessment(app: &mut App) {
    if let Some(s) = app.open.take() {
        let id = s.assessment.id.clone();
        match app
            .listing
            .iter_mut()
            .find(|l| l.assessment.as_ref().is_ok_and(|a| a.id == id))
        {
            Some(l) => l.assessment = Ok(s.assessment),
            None => app.listing.push(Listing {
                path: String::new(),
                assessment: Ok(s.assessment),
                backup: None,
            }),
        }
    }
    app.screen = Screen::Start;
}

pub(crate) fn author(app: &App) -> Author {
    let name = app
        .open
        .as_ref()
        .map(|s| s.assessment.assessor.clone())
        .unwrap_or_default();
    Author {
        name,
        device: app.device.clone(),
        role: app.role,
    }
}

/// A 未检查 result with nothing recorded, made against the current catalogue row.
fn fresh_result(library: &crate::library::Library, checklist: &str, item: &str) -> ItemResult {
    let fingerprint = library
        .get(checklist)
        .and_then(|e| {
            let pos = e.catalogue.items.iter().position(|i| i.id == item)?;
            e.fingerprints.get(pos).cloned()
        })
        .unwrap_or_default();
    ItemResult {
        checklist: checklist.to_string(),
        item: item.to_string(),
        fingerprint,
        ..ItemResult::default()
    }
}

/// The current result of an item, or a fresh 未检查 one made against the current catalogue row.
pub(crate) fn result_or_new(app: &App, checklist: &str, item: &str) -> Option<ItemResult> {
    let session = app.open.as_ref()?;
    app.library.get(checklist)?.catalogue.item(item)?;
    let fresh = fresh_result(&app.library, checklist, item);
    Some(match session.assessment.result(checklist, item) {
        // Editing a result re-checks it against the current row.
        Some(r) => ItemResult {
            fingerprint: fresh.fingerprint,
            ..r.clone()
        },
        None => fresh,
    })
}

/// Records a changed result as a revision; returns `Save` when something changed.
pub(crate) fn commit(app: &mut App, body: ItemResult, ctx: &Ctx) -> Vec<Effect> {
    let author = author(app);
    let Some(session) = app.open.as_mut() else {
        return Vec::new();
    };
    let before = session
        .assessment
        .result(&body.checklist, &body.item)
        .cloned();
    if before.is_none() && body == fresh_result(&app.library, &body.checklist, &body.item) {
        // Nothing was ever recorded and nothing is now: no revision.
        return Vec::new();
    }
    let (checklist, item) = (body.checklist.clone(), body.item.clone());
    match session.assessment.record(body, author, ctx.now_millis) {
        Ok(Some(_)) => {
            session.undo.push((checklist, item, before));
            vec![Effect::Save]
        }
        Ok(None) => Vec::new(),
        Err(e) => {
            app.message = Some(e.to_string());
            Vec::new()
        }
    }
}

pub(crate) fn current_ids(app: &App) -> Option<(String, String)> {
    let Screen::Walk(w) = &app.screen else {
        return None;
    };
    let item = app.current_item(w)?;
    Some((w.checklist.clone(), item.id.clone()))
}

fn walk(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let Screen::Walk(w) = &app.screen else {
        return Vec::new();
    };
    let len = app.visible(w).len();
    let page = app.page;
    if let Screen::Walk(w) = &mut app.screen
        && move_cursor(&mut w.cursor, len, &action, page)
    {
        return Vec::new();
    }
    let s = strings(app.lang);
    match action {
        Action::SetStatus(status) => {
            let Some((checklist, item)) = current_ids(app) else {
                return Vec::new();
            };
            let Some(mut body) = result_or_new(app, &checklist, &item) else {
                return Vec::new();
            };
            body.status = status;
            // A new answer is the re-check a catalogue upgrade asked for.
            body.recheck = None;
            let effects = commit(app, body, ctx);
            advance_after_status(app, &item);
            effects
        }
        Action::NextUnchecked | Action::PrevUnchecked | Action::NextProblem => {
            jump(app, &action);
            Vec::new()
        }
        Action::CycleFilter => {
            if let Screen::Walk(w) = &mut app.screen {
                w.filter = match w.filter {
                    Filter::All => Filter::Unchecked,
                    Filter::Unchecked => Filter::Problems,
                    Filter::Problems => Filter::All,
                };
                w.cursor = 0;
            }
            Vec::new()
        }
        Action::BeginSearch => {
            if let Screen::Walk(w) = &mut app.screen {
                w.overlay = Some(Overlay::Search(TextInput::line(&w.search)));
            }
            Vec::new()
        }
        Action::BeginEditNote
        | Action::BeginAddEvidence
        | Action::EditFindings
        | Action::EditChannels => {
            let Some((checklist, item)) = current_ids(app) else {
                return Vec::new();
            };
            let Some(body) = result_or_new(app, &checklist, &item) else {
                return Vec::new();
            };
            let overlay = match action {
                Action::BeginEditNote => Overlay::Note(TextInput::multiline(&body.note)),
                Action::BeginAddEvidence => Overlay::Evidence(TextInput::line("")),
                Action::EditFindings => {
                    let types: Vec<String> = FINDING_TYPES.iter().map(|s| s.to_string()).collect();
                    Overlay::Findings(Picker::new(&types, &body.findings))
                }
                _ => {
                    let mut names: Vec<String> = app
                        .library
                        .get(&checklist)
                        .and_then(|e| e.catalogue.item(&item))
                        .map(|i| i.channels.iter().map(|c| c.name.clone()).collect())
                        .unwrap_or_default();
                    for c in CANONICAL_CHANNELS {
                        if !names.iter().any(|n| n == c) {
                            names.push(c.to_string());
                        }
                    }
                    Overlay::Channels(Picker::new(&names, &body.channels_seen))
                }
            };
            if let Screen::Walk(w) = &mut app.screen {
                w.overlay = Some(overlay);
            }
            Vec::new()
        }
        Action::RemoveEvidence => {
            let Some((checklist, item)) = current_ids(app) else {
                return Vec::new();
            };
            let Some(mut body) = result_or_new(app, &checklist, &item) else {
                return Vec::new();
            };
            if body.evidence.pop().is_none() {
                return Vec::new();
            }
            commit(app, body, ctx)
        }
        Action::Undo => undo(app, ctx),
        Action::AcceptTownship => task::accept(app, ctx, false),
        Action::AcceptAllTownship => task::accept(app, ctx, true),
        Action::EditTask => {
            task::open_form(app, ctx);
            Vec::new()
        }
        Action::ShowTasks => {
            app.screen = Screen::Tasks(TasksView::default());
            Vec::new()
        }
        Action::ShowSummary => {
            app.screen = Screen::Summary(SummaryView::default());
            Vec::new()
        }
        Action::Back => {
            let cursor = app.open.as_ref().map_or(0, |s| s.domain_cursor);
            app.screen = Screen::Domains(DomainsView {
                cursor,
                reason: None,
            });
            Vec::new()
        }
        _ => {
            let _ = s;
            Vec::new()
        }
    }
}

/// After a status key: go to the next item, unless the filter already dropped this one.
pub(crate) fn advance_after_status(app: &mut App, item: &str) {
    let Screen::Walk(w) = &app.screen else { return };
    let visible = app.visible(w);
    let still_here = app.current_item(w).is_some_and(|i| i.id == item);
    let len = visible.len();
    let all_done = app.tally(&w.checklist).unchecked == 0;
    if let Screen::Walk(w) = &mut app.screen {
        if still_here {
            w.cursor = (w.cursor + 1).min(len.saturating_sub(1));
        } else {
            w.cursor = w.cursor.min(len.saturating_sub(1));
        }
    }
    if all_done {
        app.message = Some(strings(app.lang).domain_done.to_string());
    }
}

fn jump(app: &mut App, action: &Action) {
    let Screen::Walk(w) = &app.screen else { return };
    let Some(session) = &app.open else { return };
    let Some(entry) = app.library.get(&w.checklist) else {
        return;
    };
    let visible = app.visible(w);
    let wanted = |pos: usize| {
        let status = visible
            .get(pos)
            .and_then(|i| entry.catalogue.items.get(*i))
            .map_or(Status::Unchecked, |item| {
                session.assessment.status(&w.checklist, &item.id)
            });
        match action {
            Action::NextProblem => status.is_problem(),
            _ => status == Status::Unchecked,
        }
    };
    let n = visible.len();
    let order: Vec<usize> = match action {
        Action::PrevUnchecked => (1..=n).map(|k| (w.cursor + n - k) % n.max(1)).collect(),
        _ => (1..=n).map(|k| (w.cursor + k) % n.max(1)).collect(),
    };
    let found = order.into_iter().find(|p| wanted(*p));
    let s = strings(app.lang);
    match found {
        Some(p) => {
            if let Screen::Walk(w) = &mut app.screen {
                w.cursor = p;
            }
        }
        None => {
            app.message = Some(
                if *action == Action::NextProblem {
                    s.no_problem_left
                } else {
                    s.no_unchecked_left
                }
                .to_string(),
            )
        }
    }
}

fn undo(app: &mut App, ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    let Some(session) = app.open.as_mut() else {
        return Vec::new();
    };
    let Some((checklist, item, before)) = session.undo.pop() else {
        app.message = Some(s.nothing_to_undo.to_string());
        return Vec::new();
    };
    let body = before.unwrap_or_else(|| fresh_result(&app.library, &checklist, &item));
    let author = author(app);
    let Some(session) = app.open.as_mut() else {
        return Vec::new();
    };
    let effects = match session.assessment.record(body, author, ctx.now_millis) {
        Ok(Some(_)) => vec![Effect::Save],
        Ok(None) => Vec::new(),
        Err(e) => {
            app.message = Some(e.to_string());
            return Vec::new();
        }
    };
    // Show the item that changed back.
    if let Screen::Walk(w) = &mut app.screen
        && w.checklist == checklist
    {
        w.filter = Filter::All;
        w.search.clear();
        if let Some(pos) = app
            .library
            .get(&checklist)
            .and_then(|e| e.catalogue.items.iter().position(|i| i.id == item))
        {
            w.cursor = pos;
        }
    }
    app.message = Some(s.undone.to_string());
    effects
}

pub(crate) fn edit_text(input: &mut TextInput, action: Action, width: usize) {
    match action {
        Action::Insert(c) => input.insert(c),
        Action::Paste(t) => input.paste(&t),
        Action::Newline => input.insert('\n'),
        Action::DeleteBack => input.delete_back(),
        Action::DeleteForward => input.delete_forward(),
        Action::Left => input.left(),
        Action::Right => input.right(),
        Action::LineStart => input.line_start(),
        Action::LineEnd => input.line_end(),
        Action::Up => input.vertical(width, false),
        Action::Down => input.vertical(width, true),
        _ => {}
    }
}

/// Width of the note editor's text area for a terminal width; the view uses the same.
pub fn editor_width(terminal_width: u16) -> usize {
    usize::from(terminal_width).saturating_sub(8).clamp(10, 100)
}

fn overlay(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let width = editor_width(app.width);
    let page = app.page;
    // Reason inputs of the form and the domains screen.
    match &mut app.screen {
        Screen::New(f) => {
            let Some(input) = f.reason.as_mut() else {
                return Vec::new();
            };
            match action {
                Action::Confirm | Action::Back => {
                    let reason = input.text().trim().to_string();
                    f.reason = None;
                    if action == Action::Confirm && !reason.is_empty() {
                        if let Some(row) = f.domains.get_mut(f.cursor) {
                            row.choice = Choice::NotInvolved(reason);
                        }
                    } else if action == Action::Confirm {
                        f.error = Some(strings(app.lang).reason_required.to_string());
                    }
                }
                other => edit_text(input, other, width),
            }
            return Vec::new();
        }
        Screen::Domains(view) => {
            let Some(input) = view.reason.as_mut() else {
                return Vec::new();
            };
            match action {
                Action::Confirm => {
                    let text = input.text().to_string();
                    if text.trim().is_empty() {
                        app.message = Some(strings(app.lang).reason_required.to_string());
                        return Vec::new();
                    }
                    view.reason = None;
                    return mark_not_involved(app, &text);
                }
                Action::Back => view.reason = None,
                other => edit_text(input, other, width),
            }
            return Vec::new();
        }
        _ => {}
    }
    let Screen::Walk(w) = &mut app.screen else {
        return Vec::new();
    };
    match (&mut w.overlay, action) {
        (Some(Overlay::Findings(p) | Overlay::Channels(p)), action) => {
            if move_cursor(&mut p.cursor, p.entries.len(), &action, page) {
                return Vec::new();
            }
            match action {
                Action::ToggleEntry => {
                    if let Some(c) = p.checked.get_mut(p.cursor) {
                        *c = !*c;
                    }
                    Vec::new()
                }
                Action::Confirm | Action::Back => close_overlay(app, ctx, true),
                _ => Vec::new(),
            }
        }
        (
            Some(Overlay::Note(input) | Overlay::Evidence(input) | Overlay::Search(input)),
            action,
        ) => match action {
            Action::Confirm | Action::Back => close_overlay(app, ctx, true),
            other => {
                edit_text(input, other, width);
                Vec::new()
            }
        },
        (None, _) => Vec::new(),
    }
}

/// Marks the domain under the domains cursor 不涉及 with `reason` (ignored when empty).
fn mark_not_involved(app: &mut App, reason: &str) -> Vec<Effect> {
    let reason = reason.trim();
    let Screen::Domains(view) = &app.screen else {
        return Vec::new();
    };
    let cursor = view.cursor;
    match app
        .open
        .as_mut()
        .and_then(|s| s.assessment.domains.get_mut(cursor))
    {
        Some(d) if !reason.is_empty() => {
            d.involved = false;
            d.reason = Some(reason.to_string());
            vec![Effect::Save]
        }
        _ => Vec::new(),
    }
}

/// Closes the walk's popup; with `keep`, what it holds is recorded.
fn close_overlay(app: &mut App, ctx: &Ctx, keep: bool) -> Vec<Effect> {
    let Screen::Walk(w) = &mut app.screen else {
        return Vec::new();
    };
    let Some(overlay) = w.overlay.take() else {
        return Vec::new();
    };
    if !keep {
        return Vec::new();
    }
    if let Overlay::Search(input) = &overlay {
        w.search = input.text().trim().to_string();
        w.cursor = 0;
        return Vec::new();
    }
    if let Overlay::Evidence(input) = &overlay {
        let text = input.text().trim().to_string();
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![Effect::ResolveEvidence(text)]
        };
    }
    let Some((checklist, item)) = current_ids(app) else {
        return Vec::new();
    };
    let Some(mut body) = result_or_new(app, &checklist, &item) else {
        return Vec::new();
    };
    match overlay {
        Overlay::Note(input) => body.note = input.text().trim_end().to_string(),
        Overlay::Findings(p) => body.findings = p.selected(),
        Overlay::Channels(p) => body.channels_seen = p.selected(),
        Overlay::Search(_) | Overlay::Evidence(_) => {}
    }
    commit(app, body, ctx)
}

fn add_evidence(app: &mut App, ev: Evidence, ctx: &Ctx) -> Vec<Effect> {
    let Some((checklist, item)) = current_ids(app) else {
        return Vec::new();
    };
    let Some(mut body) = result_or_new(app, &checklist, &item) else {
        return Vec::new();
    };
    if body.evidence.contains(&ev) {
        return Vec::new();
    }
    body.evidence.push(ev);
    commit(app, body, ctx)
}

fn summary(app: &mut App, action: Action) -> Vec<Effect> {
    let ids: Vec<String> = app
        .involved_domains()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let page = app.page;
    let Screen::Summary(view) = &mut app.screen else {
        return Vec::new();
    };
    if move_cursor(&mut view.cursor, ids.len(), &action, page) {
        return Vec::new();
    }
    if action == Action::Back {
        let cursor = app.open.as_ref().map_or(0, |s| s.domain_cursor);
        app.screen = Screen::Domains(DomainsView {
            cursor,
            reason: None,
        });
    }
    Vec::new()
}
