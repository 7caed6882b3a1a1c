//! The pure heart of the app: `update(app, action, ctx)` changes the state and returns the
//! effects for the runtime. No files, no clock (time comes in `Ctx`), no terminal.

mod conflict;
mod form;
mod records;
mod task;
mod walk;

pub use form::{FIELD_ASSESSOR, FIELD_CODE, FIELD_COUNTY, FIELD_ROUND, FIELD_UNIT};
pub use walk::county_only_here;

use form::{form, new_form};
use walk::{add_evidence, close_overlay, walk};

use crate::action::{Action, Effect};
use crate::editor::TextInput;
use crate::keymap::Mode;
use crate::model::assessment::{Assessment, DomainChoice, Kind};
use crate::model::doc::Body;
use crate::model::revision::Author;
use crate::state::{
    App, Choice, DomainsView, Listing, Prompt, PromptPurpose, Screen, Session, SummaryView,
    TasksView,
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
    // `b` is one key: 上报 for a township, 下发 for an inspector.
    let action = match action {
        Action::HandOverUp | Action::HandOverDown if app.role.is_inspector() => {
            Action::HandOverDown
        }
        Action::HandOverUp | Action::HandOverDown => Action::HandOverUp,
        other => other,
    };
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
        Action::HandOverState(state) => {
            app.hand_over = *state;
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
        // Evidence typed in the task form goes to the form; else to the walk's item.
        Action::EvidenceResolved(result) if app.task_form.is_some() => {
            return task::evidence_resolved(app, result, ctx);
        }
        Action::EvidenceResolved(Ok(ev)) => return add_evidence(app, ev, ctx),
        Action::EvidenceResolved(Err(message)) => {
            app.message = Some(message);
            return Vec::new();
        }
        Action::Imported(result) => {
            task::imported(app, result);
            if matches!(app.screen, Screen::Overview(_)) {
                let cursor = match &app.screen {
                    Screen::Overview(v) => v.cursor,
                    _ => 0,
                };
                show_overview(app);
                if let Screen::Overview(v) = &mut app.screen {
                    v.cursor = cursor.min(v.rows.len().saturating_sub(1));
                }
            }
            return Vec::new();
        }
        Action::Archived(result) => {
            records::archived(app, result);
            return Vec::new();
        }
        Action::DuplicateMerged(result) => {
            records::duplicate_merged(app, result);
            return Vec::new();
        }
        _ => {}
    }
    app.message = None;
    if let Some(mode) = app.help {
        let len = app.bindings(mode).count();
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
    if action.changes_data() && app.prompt.is_none() && !app.permits(&action) {
        app.message = Some(not_permitted(app, &action).to_string());
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
                if purpose == PromptPurpose::UserName && path.is_empty() {
                    app.message = Some(strings(app.lang).name_required.to_string());
                    return Vec::new();
                }
                // A data directory opened read-only takes no report: a name without a folder
                // would go to its reports/. The prompt stays for a full path elsewhere.
                if app.read_only
                    && matches!(purpose, PromptPurpose::Export(_))
                    && !path.is_empty()
                    && !std::path::Path::new(&path).is_absolute()
                {
                    app.message = Some(strings(app.lang).read_only_export.to_string());
                    return Vec::new();
                }
                app.prompt = None;
                if !path.is_empty() {
                    return vec![match purpose {
                        PromptPurpose::SaveCopy => Effect::SaveCopy(path),
                        PromptPurpose::Import => Effect::ImportFile(path),
                        PromptPurpose::Export(kind) => Effect::Export(path, kind),
                        PromptPurpose::Bundle => {
                            app.bundle_folder = path.clone();
                            let Some(id) = bundle_target(app) else {
                                return Vec::new();
                            };
                            Effect::WriteBundle {
                                assessment: id,
                                folder: path,
                            }
                        }
                        PromptPurpose::UserName => {
                            app.user = Some(path.clone());
                            Effect::RememberUser(path)
                        }
                    }];
                }
            }
            // The name cannot be skipped: every change is signed with it.
            Action::Back if prompt.purpose == PromptPurpose::UserName => {
                app.message = Some(strings(app.lang).name_required.to_string());
            }
            Action::Back => app.prompt = None,
            other => edit_text(&mut prompt.input, other, usize::from(app.width)),
        }
        return Vec::new();
    }
    if action == Action::Sync && app.permits(&action) {
        return vec![Effect::Sync];
    }
    if matches!(action, Action::HandOverUp | Action::HandOverDown) {
        if bundle_target(app).is_none() {
            app.message = Some(strings(app.lang).nothing_open.to_string());
            return Vec::new();
        }
        app.prompt = Some(Prompt {
            purpose: PromptPurpose::Bundle,
            input: TextInput::line(&app.bundle_folder),
        });
        return Vec::new();
    }
    if action == Action::BeginExport {
        if let Some(s) = &app.open {
            let a = &s.assessment;
            // The summary exports what the assessment is for (a self-check its 自查表, an
            // inspection its report and ledger); the ledger screen its report and ledger.
            let kind = match app.screen {
                Screen::Tasks(_) => crate::cli::ReportKind::Report,
                _ => crate::cli::ReportKind::default_for(a.kind),
            };
            let suffix = match kind {
                crate::cli::ReportKind::Table => strings(app.lang).table_file_suffix,
                crate::cli::ReportKind::Report => "",
            };
            let name = crate::text::file_name_safe(&format!(
                "{}-{}{suffix}.xlsx",
                a.unit().name,
                a.round()
            ));
            app.prompt = Some(Prompt {
                purpose: PromptPurpose::Export(kind),
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
    if action == Action::ShowConflict
        && matches!(app.mode(), Mode::Walk | Mode::Domains | Mode::Tasks)
    {
        return conflict::show(app);
    }
    match app.mode() {
        Mode::Start => start(app, action),
        Mode::Form | Mode::FormDomains => form(app, action, ctx),
        Mode::Domains if action == Action::UpgradeCatalogues => upgrade_catalogues(app, ctx),
        Mode::Domains => domains(app, action, ctx),
        Mode::Walk => walk(app, action, ctx),
        Mode::Editor | Mode::LineInput | Mode::Picker => overlay(app, action, ctx),
        Mode::Summary => summary(app, action),
        Mode::Tasks => task::list(app, action, ctx),
        Mode::TaskForm => task::form(app, action, ctx),
        Mode::Conflict => conflict::handle(app, action, ctx),
        Mode::Overview => overview(app, action),
        Mode::Confirm => records::confirm(app, action, ctx),
        Mode::Help => Vec::new(),
    }
}

/// Opens the overview, computed from the assessments listed here.
pub fn show_overview(app: &mut App) {
    let rows = app.overview_rows();
    app.screen = Screen::Overview(crate::state::OverviewView {
        cursor: 0,
        rows,
        expanded: false,
    });
}

/// Keys of the overview: move, expand a township's domains, open its inspection, back.
fn overview(app: &mut App, action: Action) -> Vec<Effect> {
    let page = app.page;
    let Screen::Overview(v) = &mut app.screen else {
        return Vec::new();
    };
    if move_cursor(&mut v.cursor, v.rows.len(), &action, page) {
        return Vec::new();
    }
    match action {
        Action::ToggleDomain => v.expanded = !v.expanded,
        Action::Back => app.screen = Screen::Start,
        Action::BeginImport => {
            app.prompt = Some(Prompt {
                purpose: PromptPurpose::Import,
                input: TextInput::line(""),
            });
        }
        Action::Confirm => {
            let Some(row) = v.rows.get(v.cursor) else {
                return Vec::new();
            };
            let Some(id) = row.inspection_id.clone().or(row.self_check_id.clone()) else {
                return Vec::new();
            };
            if let Some(pos) = app
                .listing
                .iter()
                .position(|l| l.assessment.as_ref().is_ok_and(|a| a.id == id))
            {
                app.start_cursor = pos;
                if let Some(Ok(a)) = app.listing.get(pos).map(|l| l.assessment.clone()) {
                    open(app, a);
                }
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The assessment a hand-over is about: the open one, else the one under the start cursor.
fn bundle_target(app: &App) -> Option<String> {
    match &app.open {
        Some(s) => Some(s.assessment.id.clone()),
        None => app
            .listing
            .get(app.start_cursor)
            .and_then(|l| l.assessment.as_ref().ok())
            .map(|a| a.id.clone()),
    }
}

/// Why the role may not do this here, in words a clerk or an inspector understands.
fn not_permitted(app: &App, action: &Action) -> &'static str {
    let s = strings(app.lang);
    if *action == Action::CopyForNextRound {
        return s.copy_by_township;
    }
    if *action == Action::BeginMergeDuplicate {
        return s.not_a_duplicate;
    }
    match (&app.open, app.role.is_inspector()) {
        (None, _) => s.inspection_by_county,
        (Some(session), true) if session.assessment.kind == Kind::SelfCheck => {
            s.self_check_is_townships
        }
        (Some(_), true) => s.response_is_townships,
        (Some(_), false) => s.inspection_is_countys,
    }
}

/// Quitting keeps what is typed in an open editor, then saves.
fn quit(app: &mut App, ctx: &Ctx) -> Vec<Effect> {
    let mut effects = Vec::new();
    // A question left open is not answered.
    app.confirm = None;
    let in_walk = records::remember_place(app);
    if app.task_form.is_some() {
        // Whatever was typed is kept, rules or not (typed evidence is resolved first).
        effects.extend(task::quit_form(app, ctx));
    }
    if matches!(app.mode(), Mode::Editor | Mode::LineInput | Mode::Picker)
        && matches!(app.screen, Screen::Walk(_))
    {
        effects = close_overlay(app, ctx, true);
    }
    if let Screen::Domains(view) = &mut app.screen
        && let Some(input) = view.reason.take()
    {
        effects.extend(mark_not_involved(app, input.text(), ctx));
    }
    if let Screen::Domains(view) = &app.screen
        && (view.summary.is_some() || view.adding.is_some())
    {
        effects.extend(records::domains_popup(app, Action::Confirm, ctx));
    }
    // The header being edited is saved when it can be (Esc would do the same).
    if matches!(&app.screen, Screen::New(f) if f.editing.is_some()) {
        effects.extend(form(app, Action::Back, ctx));
    }
    if !effects.contains(&Effect::Save) && app.save_error.is_some() {
        effects.push(Effect::Save);
    }
    if in_walk {
        effects.push(Effect::RememberPlaces);
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
            // A form left with Esc comes back as it was.
            if let Some(draft) = app.form_draft.take() {
                app.message = Some(strings(app.lang).form_restored.to_string());
                app.screen = Screen::New(draft);
                return Vec::new();
            }
            let mut form = new_form(app);
            // An inspector's new assessment is an inspection (of a township without a
            // self-check here); `r` starts one from a self-check.
            if app.role.is_inspector() {
                form.kind = Kind::Inspection;
            }
            app.screen = Screen::New(Box::new(form));
            Vec::new()
        }
        Action::NewInspection => {
            task::new_inspection(app);
            Vec::new()
        }
        Action::ShowOverview => {
            show_overview(app);
            Vec::new()
        }
        Action::BeginImport => {
            app.prompt = Some(Prompt {
                purpose: PromptPurpose::Import,
                input: TextInput::line(""),
            });
            Vec::new()
        }
        Action::EditHeader => {
            records::edit_header(app);
            Vec::new()
        }
        Action::BeginArchive => {
            records::begin_archive(app);
            Vec::new()
        }
        Action::BeginMergeDuplicate => {
            records::begin_merge_duplicate(app);
            Vec::new()
        }
        Action::CopyForNextRound => {
            records::copy_for_next_round(app);
            Vec::new()
        }
        // Enter on a second file of an assessment offers to merge it (read-only: says why not).
        Action::Confirm if app.selected_duplicate().is_some() => {
            if app.is_read_only() {
                app.message = Some(strings(app.lang).read_only_no_change.to_string());
            } else {
                records::begin_merge_duplicate(app);
            }
            Vec::new()
        }
        Action::Confirm => {
            let s = strings(app.lang);
            match app.listing.get(app.start_cursor) {
                Some(Listing {
                    assessment: Ok(a), ..
                }) => {
                    open(app, a.clone());
                    records::resume(app);
                }
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

pub(crate) fn open(app: &mut App, assessment: Assessment) {
    let newer = crate::model::upgrade::upgradable(&assessment, &app.library).len();
    // Changes to an assessment the other side made (the township's 整改情况 in the county's
    // inspection) are signed with this person's name, not the assessment's assessor.
    let theirs = !assessment.may_write(app.role, crate::model::doc::DocKind::Header);
    if theirs && app.user.is_none() && !app.read_only {
        app.prompt = Some(Prompt {
            purpose: PromptPurpose::UserName,
            input: TextInput::line(""),
        });
    }
    app.open = Some(Session {
        assessment,
        undo: Vec::new(),
        undo_groups: Vec::new(),
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
                app.message = Some(e.message(app.lang));
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

fn domains(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let ids: Vec<String> = app
        .involved_domains()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let all: Vec<String> = app
        .domains()
        .into_iter()
        .map(|d| d.checklist.clone())
        .collect();
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
                let walk = records::walk_at_place(app, id);
                app.screen = Screen::Walk(walk);
            } else {
                app.message = Some(strings(app.lang).domain_not_involved.to_string());
            }
        }
        Action::ToggleNotInvolved => {
            let Some(id) = all.get(view.cursor).cloned() else {
                return Vec::new();
            };
            let Some(d) = app.open.as_ref().and_then(|s| s.assessment.domain(&id)) else {
                return Vec::new();
            };
            if d.involved {
                view.reason = Some(TextInput::line(""));
            } else {
                let choice = DomainChoice {
                    involved: true,
                    reason: None,
                    ..d.clone()
                };
                return record(app, Body::Domain(choice), ctx);
            }
        }
        Action::ShowSummary => app.screen = Screen::Summary(SummaryView::default()),
        Action::ShowTasks => app.screen = Screen::Tasks(TasksView::default()),
        Action::EditHeader => records::edit_header(app),
        Action::BeginAddDomain => records::begin_add_domain(app),
        Action::EditDomainSummary => records::begin_summary(app),
        Action::AllCompliant => records::ask_all_compliant(app),
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

/// Who makes a change: the person using this device (or, when unknown, the open
/// assessment's assessor, who is then the person using it), on this device, in the role it
/// runs as.
pub(crate) fn author(app: &App) -> Author {
    let name = app.user.clone().unwrap_or_else(|| {
        app.open
            .as_ref()
            .map(|s| s.assessment.assessor().to_string())
            .unwrap_or_default()
    });
    Author {
        name,
        device: app.device.clone(),
        role: app.role,
    }
}

/// Records a change to the open assessment as a revision; `Save` when something changed.
pub(crate) fn record(app: &mut App, body: Body, ctx: &Ctx) -> Vec<Effect> {
    let author = author(app);
    let Some(session) = app.open.as_mut() else {
        return Vec::new();
    };
    match session.assessment.record(body, author, ctx.now_millis) {
        Ok(Some(_)) => vec![Effect::Save],
        Ok(None) => Vec::new(),
        Err(e) => {
            app.message = Some(e.message(app.lang));
            Vec::new()
        }
    }
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
    // Reason inputs of the form and the domains screen; the walk's own popups.
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
            Vec::new()
        }
        Screen::Domains(view) if view.summary.is_some() || view.adding.is_some() => {
            records::domains_popup(app, action, ctx)
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
                    return mark_not_involved(app, &text, ctx);
                }
                Action::Back => view.reason = None,
                other => edit_text(input, other, width),
            }
            Vec::new()
        }
        Screen::Walk(_) => walk::popup(app, action, ctx),
        _ => Vec::new(),
    }
}

/// Marks the domain under the domains cursor 不涉及 with `reason` (ignored when empty).
fn mark_not_involved(app: &mut App, reason: &str, ctx: &Ctx) -> Vec<Effect> {
    let reason = reason.trim();
    let Screen::Domains(view) = &app.screen else {
        return Vec::new();
    };
    let cursor = view.cursor;
    let choice = app.domains().get(cursor).map(|d| DomainChoice {
        involved: false,
        reason: Some(reason.to_string()),
        ..(*d).clone()
    });
    match choice {
        Some(choice) if !reason.is_empty() => record(app, Body::Domain(choice), ctx),
        _ => Vec::new(),
    }
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
    // `T` is offered on the summary too.
    if action == Action::ShowTasks {
        app.screen = Screen::Tasks(TasksView::default());
        return Vec::new();
    }
    if matches!(action, Action::ScrollDown | Action::ScrollUp) {
        let (len, height) = crate::ui::summary::problems_extent(app);
        let max = crate::ui::widgets::Window::max_first(len, height);
        let step = (height / 2).max(1);
        if let Screen::Summary(view) = &mut app.screen {
            view.problems = if action == Action::ScrollDown {
                (view.problems.min(max) + step).min(max)
            } else {
                view.problems.min(max).saturating_sub(step)
            };
        }
        return Vec::new();
    }
    if action == Action::Back {
        let cursor = app.open.as_ref().map_or(0, |s| s.domain_cursor);
        app.screen = Screen::Domains(crate::state::DomainsView::at(cursor));
    }
    Vec::new()
}
