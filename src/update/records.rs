//! Records a clerk manages: the header (unit, 区划代码, county, round, assessor), archiving a
//! file, the next round's self-check from this one, domains added later, 领域小结, a whole
//! domain 已落实, and where the clerk stopped.

use crate::action::{Action, Effect};
use crate::editor::TextInput;
use crate::model::assessment::{Assessment, DomainChoice, Header, ItemResult, Kind, Unit};
use crate::model::doc::{Body, DocKind};
use crate::model::status::Status;
use crate::state::{
    App, Choice, Confirmation, DomainsView, Filter, Listing, NewForm, Pending, Picker, Screen, Walk,
};
use crate::store::places::Place;
use crate::ui::strings::strings;

use super::form::new_form;
use super::walk::{commit, county_only_here, result_or_new};
use super::{
    Ctx, FIELD_ASSESSOR, FIELD_CODE, FIELD_COUNTY, FIELD_ROUND, FIELD_UNIT, edit_text,
    editor_width, move_cursor, open, record,
};

// ---------------------------------------------------------------------------------------------
// A yes/no question.
// ---------------------------------------------------------------------------------------------

/// Answers the open question: `y` does what waits, `n` its alternative (else nothing, like
/// Esc).
pub(super) fn confirm(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let pending = match action {
        Action::Yes => app.confirm.take().map(|c| c.on_yes),
        Action::No => app.confirm.take().and_then(|c| c.on_no),
        Action::Back => {
            app.confirm = None;
            None
        }
        _ => return Vec::new(),
    };
    match pending {
        Some(Pending::Archive(id)) => vec![Effect::Archive(id)],
        Some(Pending::MergeDuplicate(path)) => vec![Effect::MergeDuplicate(path)],
        Some(Pending::AllCompliant { checklist, items }) => {
            mark_compliant(app, &checklist, &items, ctx)
        }
        Some(Pending::OpenInspection(id)) => {
            super::task::open_inspection(app, &id);
            Vec::new()
        }
        Some(Pending::NewInspection) => {
            super::task::start_inspection_form(app);
            Vec::new()
        }
        Some(Pending::TaskForm) => {
            super::task::open_form_for(app, ctx);
            Vec::new()
        }
        None => {
            app.message = Some(strings(app.lang).cancelled.to_string());
            Vec::new()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Archive.
// ---------------------------------------------------------------------------------------------

/// Asks whether to move the selected assessment's file to the archive folder.
pub(super) fn begin_archive(app: &mut App) {
    let s = strings(app.lang);
    let Some(l) = app.listing.get(app.start_cursor) else {
        return;
    };
    let (id, name) = match &l.assessment {
        Ok(a) => (a.id.clone(), format!("{} · {}", a.unit().name, a.round())),
        Err(_) => {
            let stem = std::path::Path::new(&l.path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (stem.clone(), stem)
        }
    };
    if id.is_empty() {
        return;
    }
    app.confirm = Some(Confirmation {
        question: s.archive_question.replace("{name}", &name),
        on_yes: Pending::Archive(id),
        on_no: None,
    });
}

/// The runtime moved (or could not move) a file to the archive folder.
pub(super) fn archived(app: &mut App, result: Result<(String, String), String>) {
    let s = strings(app.lang);
    match result {
        Ok((id, path)) => {
            let stem_is = |l: &Listing| {
                std::path::Path::new(&l.path)
                    .file_stem()
                    .is_some_and(|s| s == id.as_str())
            };
            app.listing.retain(|l| match &l.assessment {
                Ok(a) => a.id != id,
                Err(_) => !stem_is(l),
            });
            app.start_cursor = app.start_cursor.min(app.listing.len().saturating_sub(1));
            app.message = Some(s.archived.replace("{path}", &path));
        }
        Err(e) => app.message = Some(format!("{} {e}", s.archive_failed)),
    }
}

// ---------------------------------------------------------------------------------------------
// A second file of one assessment.
// ---------------------------------------------------------------------------------------------

/// Asks whether to merge the selected second file of an assessment into its file.
pub(super) fn begin_merge_duplicate(app: &mut App) {
    let s = strings(app.lang);
    let Some(d) = app.selected_duplicate().cloned() else {
        app.message = Some(s.not_a_duplicate.to_string());
        return;
    };
    app.confirm = Some(Confirmation {
        question: s
            .merge_duplicate_question
            .replace("{copy}", &d.copy_name())
            .replace("{owner}", &d.owner_name())
            .replace("{name}", &d.label(&app.listing)),
        on_yes: Pending::MergeDuplicate(d.path),
        on_no: None,
    });
}

/// The runtime merged (or could not merge) a second file of an assessment: its row goes, the
/// assessment's row shows the merged assessment.
pub(super) fn duplicate_merged(
    app: &mut App,
    result: Result<Box<crate::action::DuplicateMerged>, String>,
) {
    let s = strings(app.lang);
    let m = match result {
        Ok(m) => m,
        Err(e) => {
            app.message = Some(format!("{}{e}", s.merge_failed));
            return;
        }
    };
    app.listing.retain(|l| l.path != m.path);
    app.duplicates.retain(|d| d.path != m.path);
    for l in &mut app.listing {
        if matches!(&l.assessment, Ok(a) if a.id == m.assessment.id) {
            l.assessment = Ok(m.assessment.clone());
        }
    }
    app.start_cursor = app.start_cursor.min(app.listing.len().saturating_sub(1));
    app.message = Some(m.message);
}

// ---------------------------------------------------------------------------------------------
// The header.
// ---------------------------------------------------------------------------------------------

/// Opens the header form: for the open assessment (domains screen), or for the one selected
/// on the start screen (opened first, so the change is saved like any other).
pub(super) fn edit_header(app: &mut App) {
    let s = strings(app.lang);
    if app.open.is_none() {
        let Some(Listing {
            assessment: Ok(a), ..
        }) = app.listing.get(app.start_cursor)
        else {
            return;
        };
        if !a.may_write(app.role, DocKind::Header) {
            app.message = Some(
                match a.kind {
                    Kind::SelfCheck => s.self_check_is_townships,
                    Kind::Inspection => s.inspection_is_countys,
                }
                .to_string(),
            );
            return;
        }
        let a = a.clone();
        open(app, a);
    }
    if let Screen::Domains(v) = &app.screen {
        let cursor = v.cursor;
        if let Some(session) = app.open.as_mut() {
            session.domain_cursor = cursor;
        }
    }
    let Some(session) = &app.open else { return };
    let a = &session.assessment;
    let h = a.header();
    let mut f = new_form(app);
    f.kind = a.kind;
    f.editing = Some(a.id.clone());
    f.domains.clear();
    f.fields[FIELD_UNIT] = TextInput::line(&h.unit.name);
    f.fields[FIELD_CODE] = TextInput::line(h.unit.division_code.as_deref().unwrap_or(""));
    f.fields[FIELD_COUNTY] = TextInput::line(&h.unit.county);
    f.fields[FIELD_ROUND] = TextInput::line(&h.round);
    f.fields[FIELD_ASSESSOR] = TextInput::line(&h.assessor);
    app.screen = Screen::New(Box::new(f));
}

/// Records the header form as a new revision of the header document (`created` and `reviews`
/// stay), then shows the domains screen again.
pub(super) fn save_header(app: &mut App, f: &NewForm, ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    let Some(session) = &app.open else {
        return Vec::new();
    };
    let old = session.assessment.header().clone();
    let text = |i: usize| f.fields[i].text().trim().to_string();
    let code = text(FIELD_CODE);
    let header = Header {
        unit: Unit {
            name: text(FIELD_UNIT),
            division_code: (!code.is_empty()).then_some(code),
            county: text(FIELD_COUNTY),
            city: old.unit.city.clone(),
        },
        round: text(FIELD_ROUND),
        assessor: text(FIELD_ASSESSOR),
        ..old
    };
    let effects = record(app, Body::Header(header), ctx);
    back_to_domains(app);
    if !effects.is_empty() {
        app.message = Some(s.header_saved.to_string());
    }
    effects
}

/// The domains screen of the open assessment, the cursor where it was.
pub(super) fn back_to_domains(app: &mut App) {
    let cursor = app.open.as_ref().map_or(0, |s| s.domain_cursor);
    app.screen = Screen::Domains(DomainsView::at(cursor));
}

// ---------------------------------------------------------------------------------------------
// The next round.
// ---------------------------------------------------------------------------------------------

/// Opens the new-assessment form for the next round of the selected self-check: unit, code,
/// county, assessor and domain choices taken from it, the round to fill in.
pub(super) fn copy_for_next_round(app: &mut App) {
    let s = strings(app.lang);
    let Some(Listing {
        assessment: Ok(source),
        ..
    }) = app.listing.get(app.start_cursor)
    else {
        app.message = Some(s.copy_needs_self_check.to_string());
        return;
    };
    if source.kind != Kind::SelfCheck {
        app.message = Some(s.copy_needs_self_check.to_string());
        return;
    }
    let source = source.clone();
    let mut f = new_form(app);
    let unit = source.unit();
    f.fields[FIELD_UNIT] = TextInput::line(&unit.name);
    f.fields[FIELD_CODE] = TextInput::line(unit.division_code.as_deref().unwrap_or(""));
    f.fields[FIELD_COUNTY] = TextInput::line(&unit.county);
    let assessor = app
        .user
        .clone()
        .unwrap_or_else(|| source.assessor().to_string());
    f.fields[FIELD_ASSESSOR] = TextInput::line(&assessor);
    f.focus = FIELD_ROUND;
    for row in &mut f.domains {
        row.choice = match source.domain(&row.checklist) {
            Some(d) if d.involved => Choice::Included,
            Some(d) => Choice::NotInvolved(d.reason.clone().unwrap_or_default()),
            None => Choice::Excluded,
        };
    }
    f.copy_from = Some(source.id.clone());
    app.screen = Screen::New(Box::new(f));
}

/// Carries each item's note and evidence from `source` into the new self-check `a` as 未检查
/// results made against today's catalogue rows; returns how many items were carried.
pub(super) fn carry(
    app: &App,
    source: &Assessment,
    a: &mut Assessment,
    author: &crate::model::revision::Author,
    ctx: &Ctx,
) -> Result<usize, crate::model::assessment::RecordError> {
    let mut n = 0;
    let involved: Vec<String> = a
        .domains()
        .filter(|d| d.involved)
        .map(|d| d.checklist.clone())
        .collect();
    for checklist in involved {
        let Some(entry) = app.library.get(&checklist) else {
            continue;
        };
        for (item, fingerprint) in entry.catalogue.items.iter().zip(&entry.fingerprints) {
            let Some(old) = source.result(&checklist, &item.id) else {
                continue;
            };
            if old.note.trim().is_empty() && old.evidence.is_empty() {
                continue;
            }
            let body = ItemResult {
                checklist: checklist.clone(),
                item: item.id.clone(),
                status: Status::Unchecked,
                note: old.note.clone(),
                evidence: old.evidence.clone(),
                fingerprint: fingerprint.clone(),
                ..ItemResult::default()
            };
            if a.record(Body::Result(body), author.clone(), ctx.now_millis)?
                .is_some()
            {
                n += 1;
            }
        }
    }
    Ok(n)
}

// ---------------------------------------------------------------------------------------------
// Domains: add one, its summary, all 已落实.
// ---------------------------------------------------------------------------------------------

/// Opens the picker of catalogues the open assessment does not have.
pub(super) fn begin_add_domain(app: &mut App) {
    let s = strings(app.lang);
    let Some(session) = &app.open else { return };
    let missing: Vec<(String, String)> = app
        .library
        .entries()
        .into_iter()
        .filter(|e| session.assessment.domain(&e.catalogue.id).is_none())
        .map(|e| {
            let c = &e.catalogue;
            (
                c.id.clone(),
                format!(
                    "{}  {}",
                    crate::text::sanitize(&c.name, false),
                    s.group(c.group)
                ),
            )
        })
        .collect();
    if missing.is_empty() {
        app.message = Some(s.all_domains_in.to_string());
        return;
    }
    let (ids, names): (Vec<String>, Vec<String>) = missing.into_iter().unzip();
    if let Screen::Domains(v) = &mut app.screen {
        v.adding = Some((Picker::new(&names, &[]), ids));
    }
}

/// Opens the 领域小结 editor of the domain under the cursor.
pub(super) fn begin_summary(app: &mut App) {
    let Screen::Domains(v) = &app.screen else {
        return;
    };
    let Some(d) = app.domains().get(v.cursor).map(|d| d.summary.clone()) else {
        return;
    };
    if let Screen::Domains(v) = &mut app.screen {
        v.summary = Some(TextInput::multiline(&d));
    }
}

/// Keys while the domains screen shows the add-domain picker or the 领域小结 editor.
pub(super) fn domains_popup(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let width = editor_width(app.width);
    let page = app.page;
    let Screen::Domains(v) = &mut app.screen else {
        return Vec::new();
    };
    if let Some((p, _)) = v.adding.as_mut() {
        if move_cursor(&mut p.cursor, p.entries.len(), &action, page) {
            return Vec::new();
        }
        return match action {
            Action::ToggleEntry => {
                if let Some(c) = p.checked.get_mut(p.cursor) {
                    *c = !*c;
                }
                Vec::new()
            }
            // Esc keeps what is ticked, like every picker.
            Action::Confirm | Action::Back => add_domains(app, ctx),
            _ => Vec::new(),
        };
    }
    if let Some(input) = v.summary.as_mut() {
        return match action {
            Action::Confirm | Action::Back => {
                let text = input.text().trim_end().to_string();
                v.summary = None;
                save_summary(app, text, ctx)
            }
            other => {
                edit_text(input, other, width);
                Vec::new()
            }
        };
    }
    Vec::new()
}

fn add_domains(app: &mut App, ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    let Screen::Domains(v) = &mut app.screen else {
        return Vec::new();
    };
    let Some((picker, ids)) = v.adding.take() else {
        return Vec::new();
    };
    let chosen: Vec<&String> = ids
        .iter()
        .zip(&picker.checked)
        .filter(|(_, c)| **c)
        .map(|(id, _)| id)
        .collect();
    let mut effects = Vec::new();
    let mut names = Vec::new();
    for id in chosen {
        let Some(entry) = app.library.get(id) else {
            continue;
        };
        let choice = DomainChoice {
            checklist: id.clone(),
            version: entry.catalogue.version.clone(),
            involved: true,
            reason: None,
            summary: String::new(),
        };
        names.push(crate::text::sanitize(&entry.catalogue.name, false));
        for e in record(app, Body::Domain(choice), ctx) {
            if !effects.contains(&e) {
                effects.push(e);
            }
        }
    }
    if !names.is_empty() && app.message.is_none() {
        app.message = Some(format!("{} {}", s.domains_added, names.join("、")));
    }
    effects
}

fn save_summary(app: &mut App, text: String, ctx: &Ctx) -> Vec<Effect> {
    let Screen::Domains(v) = &app.screen else {
        return Vec::new();
    };
    let Some(choice) = app.domains().get(v.cursor).map(|d| DomainChoice {
        summary: text,
        ..(*d).clone()
    }) else {
        return Vec::new();
    };
    record(app, Body::Domain(choice), ctx)
}

/// Asks whether to mark every unchecked item of the domain under the cursor 已落实 (items
/// only the county publishes are left out of a self-check).
pub(super) fn ask_all_compliant(app: &mut App) {
    let s = strings(app.lang);
    let Screen::Domains(v) = &app.screen else {
        return;
    };
    let Some(checklist) = app.domains().get(v.cursor).map(|d| d.checklist.clone()) else {
        return;
    };
    if !app.involved_domains().contains(&checklist.as_str()) {
        app.message = Some(s.domain_not_involved.to_string());
        return;
    }
    let (Some(session), Some(entry)) = (&app.open, app.library.get(&checklist)) else {
        return;
    };
    let unchecked: Vec<&str> = entry
        .catalogue
        .items
        .iter()
        .filter(|i| session.assessment.status(&checklist, &i.id) == Status::Unchecked)
        .map(|i| i.id.as_str())
        .collect();
    let (county, items): (Vec<&str>, Vec<&str>) = unchecked
        .into_iter()
        .partition(|id| county_only_here(app, &checklist, id));
    if items.is_empty() {
        app.message = Some(s.nothing_unchecked.to_string());
        return;
    }
    let mut question = s
        .all_compliant_question
        .replace(
            "{domain}",
            &crate::text::sanitize(&entry.catalogue.name, false),
        )
        .replace("{n}", &items.len().to_string());
    if !county.is_empty() {
        question.push_str(
            &s.all_compliant_county
                .replace("{n}", &county.len().to_string()),
        );
    }
    app.confirm = Some(Confirmation {
        question,
        on_yes: Pending::AllCompliant {
            checklist,
            items: items.into_iter().map(str::to_string).collect(),
        },
        on_no: None,
    });
}

/// Marks the items 已落实, one revision each (each can be undone in the walk).
fn mark_compliant(app: &mut App, checklist: &str, items: &[String], ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    let mut n = 0;
    let mut effects = Vec::new();
    for item in items {
        let Some(mut body) = result_or_new(app, checklist, item) else {
            continue;
        };
        if body.status != Status::Unchecked {
            continue;
        }
        body.status = Status::Compliant;
        body.recheck = None;
        let fx = commit(app, body, ctx);
        if !fx.is_empty() {
            n += 1;
        }
        for e in fx {
            if !effects.contains(&e) {
                effects.push(e);
            }
        }
    }
    app.message = Some(s.all_compliant_done.replace("{n}", &n.to_string()));
    effects
}

// ---------------------------------------------------------------------------------------------
// Where the clerk stopped.
// ---------------------------------------------------------------------------------------------

/// Remembers the domain and item under the walk's cursor for the open assessment; true when
/// the walk is shown (there was a place to remember).
pub(super) fn remember_place(app: &mut App) -> bool {
    let Screen::Walk(w) = &app.screen else {
        return false;
    };
    let Some(item) = app.current_item(w).map(|i| i.id.clone()) else {
        return false;
    };
    let Some(id) = app.open.as_ref().map(|s| s.assessment.id.clone()) else {
        return false;
    };
    let checklist = w.checklist.clone();
    let place = app.places.entry(id).or_default();
    place.items.insert(checklist.clone(), item);
    place.checklist = checklist;
    true
}

/// The walk of a catalogue of the open assessment, the cursor on the item last left there.
pub(super) fn walk_at_place(app: &App, checklist: &str) -> Walk {
    let mut w = Walk::new(checklist);
    let item = app
        .open
        .as_ref()
        .and_then(|s| app.places.get(&s.assessment.id))
        .and_then(|p: &Place| p.items.get(checklist));
    if let Some(item) = item {
        w.filter = Filter::All;
        if let Some(pos) = app.visible(&w).iter().position(|i| {
            app.library
                .get(checklist)
                .and_then(|e| e.catalogue.items.get(*i))
                .is_some_and(|x| &x.id == item)
        }) {
            w.cursor = pos;
        }
    }
    w
}

/// After opening an assessment: back to the domain and item where the clerk stopped, if the
/// domain is still walked.
pub(super) fn resume(app: &mut App) {
    let s = strings(app.lang);
    let Some(place) = app
        .open
        .as_ref()
        .and_then(|session| app.places.get(&session.assessment.id))
        .cloned()
    else {
        return;
    };
    let Some(row) = app
        .domains()
        .iter()
        .position(|d| d.checklist == place.checklist)
    else {
        return;
    };
    if let Some(session) = app.open.as_mut() {
        session.domain_cursor = row;
    }
    // The domains screen when the domain is not walked, or when opening offers a catalogue
    // upgrade (U is a key of the domains screen).
    let upgrade = app.open.as_ref().is_some_and(|session| {
        !crate::model::upgrade::upgradable(&session.assessment, &app.library).is_empty()
    });
    if upgrade || !app.involved_domains().contains(&place.checklist.as_str()) {
        app.screen = Screen::Domains(DomainsView::at(row));
        return;
    }
    let w = walk_at_place(app, &place.checklist);
    let what = app
        .current_item(&w)
        .map(|i| i.id.clone())
        .unwrap_or_default();
    let name = app
        .library
        .get(&place.checklist)
        .map(|e| crate::text::sanitize(&e.catalogue.name, false))
        .unwrap_or_default();
    app.screen = Screen::Walk(w);
    // A message from opening (a newer catalogue) stays; otherwise say where this is.
    if app.message.is_none() {
        app.message = Some(format!("{} {name} {what}", s.resumed));
    }
}
