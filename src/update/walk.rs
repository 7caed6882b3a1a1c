//! The walk: statuses, jumps, undo, and the popups for findings, note, evidence, channels
//! and search.

use crate::action::{Action, Effect};
use crate::editor::TextInput;
use crate::model::assessment::{Evidence, ItemResult};
use crate::model::catalogue::CANONICAL_CHANNELS;
use crate::model::doc::Body;
use crate::model::status::{FINDING_TYPES, Status};
use crate::state::{App, Filter, Overlay, Picker, Screen, SummaryView, TasksView};
use crate::ui::strings::strings;

use super::task;
use super::{Ctx, edit_text, editor_width, move_cursor, record};

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

/// Records a changed result as a revision; returns `Save` when something changed. In an
/// inspection, the verdict records the township's answer it was made beside (`seen`), so a
/// later change of the township's answer shows as 自查已修改.
pub(crate) fn commit(app: &mut App, mut body: ItemResult, ctx: &Ctx) -> Vec<Effect> {
    let Some(session) = app.open.as_ref() else {
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
    if let Some((_, rev)) = super::task::township_answer(app, &body.checklist, &body.item) {
        body.seen = Some(rev.clone());
    }
    let (checklist, item) = (body.checklist.clone(), body.item.clone());
    let effects = record(app, Body::Result(body), ctx);
    if !effects.is_empty()
        && let Some(session) = app.open.as_mut()
    {
        session.undo.push((checklist, item, before));
    }
    effects
}

pub(crate) fn current_ids(app: &App) -> Option<(String, String)> {
    let Screen::Walk(w) = &app.screen else {
        return None;
    };
    let item = app.current_item(w)?;
    Some((w.checklist.clone(), item.id.clone()))
}

pub(super) fn walk(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let Screen::Walk(w) = &mut app.screen else {
        return Vec::new();
    };
    let moved_on = std::mem::take(&mut w.moved_on);
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
            // 不适用 on an item only the county publishes: say why, unless a note says more.
            if status == Status::NotApplicable
                && body.note.trim().is_empty()
                && county_only_here(app, &checklist, &item)
            {
                body.note = s.county_only_note.to_string();
            }
            let effects = commit(app, body, ctx);
            if status.is_problem() {
                // 部分落实 / 未落实: what was wrong, then on to the next item.
                open_findings(app, &checklist, &item);
                if let Screen::Walk(w) = &mut app.screen {
                    w.advance_after = Some(item);
                }
            } else {
                advance_after_status(app, &item);
            }
            effects
        }
        Action::ScrollDown | Action::ScrollUp => {
            scroll_detail(app, action == Action::ScrollDown);
            Vec::new()
        }
        Action::NextUnchecked | Action::PrevUnchecked | Action::NextProblem => {
            // After a status key moved on, the item now under the cursor is the next one.
            jump(app, &action, moved_on && action == Action::NextUnchecked);
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
                Action::EditFindings => findings_picker(&body),
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
        Action::Undo => {
            // One `A` is undone whole.
            let n = app.open.as_mut().map_or(1, |s| s.take_undo_group());
            let mut effects = Vec::new();
            for _ in 0..n {
                for e in undo(app, ctx) {
                    if !effects.contains(&e) {
                        effects.push(e);
                    }
                }
            }
            effects
        }
        Action::OpenEvidence => open_evidence(app),
        Action::AcceptTownship => task::accept(app, ctx, false),
        Action::AcceptAllTownship => task::accept(app, ctx, true),
        Action::EditTask => {
            task::open_form(app, ctx);
            Vec::new()
        }
        Action::ShowTasks => {
            let _ = super::records::remember_place(app);
            app.screen = Screen::Tasks(TasksView::default());
            vec![Effect::RememberPlaces]
        }
        Action::ShowSummary => {
            let _ = super::records::remember_place(app);
            app.screen = Screen::Summary(SummaryView::default());
            vec![Effect::RememberPlaces]
        }
        Action::Back => {
            let _ = super::records::remember_place(app);
            let cursor = app.open.as_ref().map_or(0, |s| s.domain_cursor);
            app.screen = Screen::Domains(crate::state::DomainsView::at(cursor));
            vec![Effect::RememberPlaces]
        }
        _ => {
            let _ = s;
            Vec::new()
        }
    }
}

/// The 问题类型 picker for a result.
fn findings_picker(body: &ItemResult) -> Overlay {
    let types: Vec<String> = FINDING_TYPES.iter().map(|s| s.to_string()).collect();
    Overlay::Findings(Picker::new(&types, &body.findings))
}

/// Opens the 问题类型 picker of an item of the walk.
fn open_findings(app: &mut App, checklist: &str, item: &str) {
    let Some(body) = result_or_new(app, checklist, item) else {
        return;
    };
    if let Screen::Walk(w) = &mut app.screen {
        w.overlay = Some(findings_picker(&body));
    }
}

/// True when the open assessment is a self-check and the item's known 公开层级 leaves out the
/// township (县级 only): the township marks it 不适用.
pub fn county_only_here(app: &App, checklist: &str, item: &str) -> bool {
    let self_check = app
        .open
        .as_ref()
        .is_some_and(|s| s.assessment.kind == crate::model::assessment::Kind::SelfCheck);
    self_check
        && app
            .library
            .get(checklist)
            .and_then(|e| e.catalogue.item(item))
            .is_some_and(|i| i.applies_to(crate::model::catalogue::Tier::Township) == Some(false))
}

/// Scrolls the detail pane of the current item by half of what it shows, within its lines.
fn scroll_detail(app: &mut App, down: bool) {
    let Screen::Walk(w) = &app.screen else { return };
    let Some(item) = app.current_item(w).map(|i| i.id.clone()) else {
        return;
    };
    let (len, height) = crate::ui::walk::detail_extent(app, w);
    let step = (height / 2).max(1);
    let max = crate::ui::widgets::Window::max_first(len, height);
    let Screen::Walk(w) = &mut app.screen else {
        return;
    };
    let current = if w.detail.item == item {
        w.detail.offset.min(max)
    } else {
        0
    };
    let offset = if down {
        (current + step).min(max)
    } else {
        current.saturating_sub(step)
    };
    w.detail = crate::state::DetailScroll { item, offset };
}

/// After a status key: go to the next item, unless the filter already dropped this one.
pub(crate) fn advance_after_status(app: &mut App, item: &str) {
    let Screen::Walk(w) = &app.screen else { return };
    let visible = app.visible(w);
    let still_here = app.current_item(w).is_some_and(|i| i.id == item);
    let len = visible.len();
    let all_done = app.tally(&w.checklist).unchecked == 0;
    if let Screen::Walk(w) = &mut app.screen {
        let before = w.cursor;
        if still_here {
            w.cursor = (w.cursor + 1).min(len.saturating_sub(1));
        } else {
            w.cursor = w.cursor.min(len.saturating_sub(1));
        }
        w.moved_on = w.cursor != before || !still_here;
    }
    if all_done {
        app.message = Some(strings(app.lang).domain_done.to_string());
    }
}

/// Moves to the next (previous) unchecked item or the next problem, wrapping; with
/// `include_current`, the item under the cursor counts as the next one.
fn jump(app: &mut App, action: &Action, include_current: bool) {
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
    let start = usize::from(!include_current);
    let order: Vec<usize> = match action {
        Action::PrevUnchecked => (1..=n).map(|k| (w.cursor + n - k) % n.max(1)).collect(),
        _ => (start..start + n)
            .map(|k| (w.cursor + k) % n.max(1))
            .collect(),
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
    let effects = record(app, Body::Result(body), ctx);
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

/// The walk's popups: pickers and text inputs.
pub(crate) fn popup(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let width = editor_width(app.width);
    let page = app.page;
    let Screen::Walk(w) = &mut app.screen else {
        return Vec::new();
    };
    match (&mut w.overlay, action) {
        (Some(Overlay::OpenEvidence(p)), action) => {
            if move_cursor(&mut p.cursor, p.entries.len(), &action, page) {
                return Vec::new();
            }
            let chosen = p.cursor;
            match action {
                Action::Confirm => {
                    w.overlay = None;
                    evidence_of_current(app)
                        .into_iter()
                        .nth(chosen)
                        .map(|e| vec![Effect::OpenEvidence(e)])
                        .unwrap_or_default()
                }
                Action::Back => {
                    w.overlay = None;
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
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

/// Closes the walk's popup; with `keep`, what it holds is recorded.
pub(super) fn close_overlay(app: &mut App, ctx: &Ctx, keep: bool) -> Vec<Effect> {
    let effects = close_popup(app, ctx, keep);
    let advance = match &mut app.screen {
        Screen::Walk(w) => w.advance_after.take(),
        _ => None,
    };
    if let Some(item) = advance {
        advance_after_status(app, &item);
    }
    effects
}

fn close_popup(app: &mut App, ctx: &Ctx, keep: bool) -> Vec<Effect> {
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
        Overlay::Search(_) | Overlay::Evidence(_) | Overlay::OpenEvidence(_) => {}
    }
    commit(app, body, ctx)
}

pub(super) fn add_evidence(app: &mut App, ev: Evidence, ctx: &Ctx) -> Vec<Effect> {
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

/// The evidence of the current item that can be opened: files and web addresses, the
/// inspector's own first, then the township's (in an inspection).
fn evidence_of_current(app: &App) -> Vec<Evidence> {
    let Some((checklist, item)) = current_ids(app) else {
        return Vec::new();
    };
    let Some(r) = app
        .open
        .as_ref()
        .and_then(|s| s.assessment.result(&checklist, &item))
    else {
        return Vec::new();
    };
    r.evidence
        .iter()
        .chain(&r.township_evidence)
        .filter(|e| !matches!(e, Evidence::Text { .. }))
        .cloned()
        .collect()
}

/// `o`: opens the only piece of evidence, or asks which one.
fn open_evidence(app: &mut App) -> Vec<Effect> {
    let all = evidence_of_current(app);
    match all.len() {
        0 => {
            app.message = Some(strings(app.lang).no_evidence_to_open.to_string());
            Vec::new()
        }
        1 => all.into_iter().map(Effect::OpenEvidence).collect(),
        _ => {
            let names: Vec<String> = all.iter().map(crate::report::evidence_text).collect();
            if let Screen::Walk(w) = &mut app.screen {
                w.overlay = Some(Overlay::OpenEvidence(Picker::new(&names, &[])));
            }
            Vec::new()
        }
    }
}
