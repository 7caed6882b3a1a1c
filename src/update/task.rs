//! The look-back inspection: starting one from a township's self-check, taking the township's
//! answers, rectification tasks and the township's responses to them.

use crate::action::{Action, Effect};
use crate::editor::TextInput;
use crate::model::assessment::{Assessment, ItemResult, Kind};
use crate::model::doc::{Body, DocKind};
use crate::model::rectification::{
    Decision, Progress, TaskResponse, TaskSpec, TaskState, is_date, task_state,
};
use crate::model::revision::RevId;
use crate::model::status::Status;
use crate::state::{
    App, Choice, Listing, Screen, TASK_COMPLETED, TASK_DEADLINE, TASK_DESCRIPTION, TASK_PERSON,
    TASK_REQUIREMENT, TASK_RESPONSE, TASK_STATE, TASK_UNIT, TaskForm, task_field_doc,
};
use crate::ui::strings::strings;

use super::form::new_form;
use super::walk::{advance_after_status, commit, current_ids, result_or_new};
use super::{
    Ctx, FIELD_ASSESSOR, FIELD_CODE, FIELD_COUNTY, FIELD_ROUND, FIELD_UNIT, author, edit_text,
    move_cursor,
};

/// Opens the new-assessment form as an inspection of the self-check under the start cursor,
/// with the unit and the domain choices taken from it.
pub(super) fn new_inspection(app: &mut App) {
    let s = strings(app.lang);
    if !app.role.is_inspector() {
        app.message = Some(s.inspection_by_county.to_string());
        return;
    }
    let Some(Listing {
        assessment: Ok(reviewed),
        ..
    }) = app.listing.get(app.start_cursor)
    else {
        app.message = Some(s.choose_a_self_check.to_string());
        return;
    };
    if reviewed.kind != Kind::SelfCheck {
        app.message = Some(s.choose_a_self_check.to_string());
        return;
    }
    let reviewed = reviewed.clone();
    let mut f = new_form(app);
    f.kind = Kind::Inspection;
    f.reviews = Some(reviewed.id.clone());
    let unit = reviewed.unit();
    f.fields[FIELD_UNIT] = TextInput::line(&unit.name);
    f.fields[FIELD_CODE] = TextInput::line(unit.division_code.as_deref().unwrap_or(""));
    f.fields[FIELD_COUNTY] = TextInput::line(&unit.county);
    f.fields[FIELD_ROUND] = TextInput::line(&format!(
        "{}{}",
        reviewed.round(),
        s.inspection_round_suffix
    ));
    f.focus = FIELD_ASSESSOR;
    for row in &mut f.domains {
        row.choice = match reviewed.domain(&row.checklist) {
            Some(d) if d.involved => Choice::Included,
            Some(d) => Choice::NotInvolved(d.reason.clone().unwrap_or_default()),
            None => Choice::Excluded,
        };
    }
    app.screen = Screen::New(Box::new(f));
}

/// The township's current answer to an item, with its revision, from the self-check the
/// open inspection reviews.
pub(crate) fn township_answer<'a>(
    app: &'a App,
    checklist: &str,
    item: &str,
) -> Option<(&'a ItemResult, &'a RevId)> {
    let rev = app.reviewed()?.result_doc(checklist, item)?.winner()?;
    if rev.deleted {
        return None;
    }
    Some((rev.body.as_result()?, &rev.rev))
}

fn inspecting(app: &App) -> bool {
    app.open
        .as_ref()
        .is_some_and(|s| s.assessment.kind == Kind::Inspection)
}

/// Takes the township's answer as the inspector's verdict: for the current item (then moves
/// on), or for every item of the domain the inspector has not judged yet.
pub(super) fn accept(app: &mut App, ctx: &Ctx, all: bool) -> Vec<Effect> {
    let s = strings(app.lang);
    if !inspecting(app) {
        app.message = Some(s.only_in_inspection.to_string());
        return Vec::new();
    }
    if app.reviewed().is_none() {
        app.message = Some(s.self_check_missing.to_string());
        return Vec::new();
    }
    let targets: Vec<(String, String)> = if all {
        let Screen::Walk(w) = &app.screen else {
            return Vec::new();
        };
        let Some(entry) = app.library.get(&w.checklist) else {
            return Vec::new();
        };
        let Some(session) = &app.open else {
            return Vec::new();
        };
        entry
            .catalogue
            .items
            .iter()
            .filter(|i| session.assessment.status(&w.checklist, &i.id) == Status::Unchecked)
            .map(|i| (w.checklist.clone(), i.id.clone()))
            .collect()
    } else {
        current_ids(app).into_iter().collect()
    };
    let mut effects = Vec::new();
    let mut taken = 0;
    for (checklist, item) in &targets {
        let Some((theirs, rev)) = township_answer(app, checklist, item)
            .filter(|(r, _)| r.status.is_checked())
            .map(|(r, rev)| (r.clone(), rev.clone()))
        else {
            continue;
        };
        let Some(mut body) = result_or_new(app, checklist, item) else {
            continue;
        };
        body.status = theirs.status;
        body.findings = theirs.findings;
        body.channels_seen = theirs.channels_seen;
        body.township_note = theirs.note;
        body.township_evidence = theirs.evidence;
        body.seen = Some(rev);
        body.recheck = None;
        let fx = commit(app, body, ctx);
        if !fx.is_empty() {
            taken += 1;
        }
        for e in fx {
            if !effects.contains(&e) {
                effects.push(e);
            }
        }
    }
    if all {
        app.message = Some(format!("{} {taken} {}", s.accepted_prefix, s.items_unit));
    } else if let Some((_, item)) = targets.first() {
        if township_answer(app, &targets[0].0, item).is_none_or(|(r, _)| !r.status.is_checked()) {
            app.message = Some(s.township_did_not_answer.to_string());
            return effects;
        }
        advance_after_status(app, item);
    }
    effects
}

/// Opens the task form for the item under the walk's cursor, or for the task under the task
/// list's cursor.
pub(super) fn open_form(app: &mut App, ctx: &Ctx) {
    let s = strings(app.lang);
    let target = match &app.screen {
        Screen::Walk(_) => current_ids(app),
        Screen::Tasks(v) => app
            .tasks()
            .get(v.cursor)
            .map(|t| (t.spec.checklist.clone(), t.spec.item.clone())),
        _ => None,
    };
    let Some((checklist, item)) = target else {
        return;
    };
    let Some(session) = &app.open else { return };
    let a = &session.assessment;
    let existing = a.task(&checklist, &item).cloned();
    if existing.is_none() && !a.may_write(app.role, DocKind::Task) {
        app.message = Some(s.tasks_by_county.to_string());
        return;
    }
    let spec = existing.unwrap_or_else(|| new_task(a, &checklist, &item, ctx));
    let response = a.response(&checklist, &item).cloned();
    let state = task_state(&spec, response.as_ref());
    let text = |t: &str| TextInput::line(t);
    let fields = [
        text(&spec.description),
        text(&spec.requirement),
        text(&spec.responsible_unit),
        text(&spec.responsible_person),
        text(&spec.deadline),
        text(response.as_ref().map_or("", |r| r.response.as_str())),
        text(
            response
                .as_ref()
                .and_then(|r| r.completed.as_deref())
                .unwrap_or(""),
        ),
    ];
    let focus = if a.may_write(app.role, DocKind::Task) {
        TASK_DESCRIPTION
    } else {
        TASK_RESPONSE
    };
    app.task_form = Some(TaskForm {
        checklist,
        item,
        state,
        spec,
        response,
        fields,
        focus,
        error: None,
    });
}

/// A new task for an item, filled from the result: findings, a description from the note,
/// the unit as the responsible unit, and a deadline 30 days out.
fn new_task(a: &Assessment, checklist: &str, item: &str, ctx: &Ctx) -> TaskSpec {
    let result = a.result(checklist, item);
    let findings = result.map(|r| r.findings.clone()).unwrap_or_default();
    let description = match result {
        Some(r) if !r.note.trim().is_empty() => r.note.replace('\n', ";"),
        _ => findings.join("、"),
    };
    TaskSpec {
        checklist: checklist.to_string(),
        item: item.to_string(),
        findings,
        description,
        responsible_unit: a.unit().name.clone(),
        deadline: crate::clock::date_after(ctx.now_millis, 30),
        ..TaskSpec::default()
    }
}

/// Which task fields the user may change: the inspector's part or the township's response.
fn editable(app: &App, field: usize) -> bool {
    match task_field_doc(field) {
        Some(kind) => app.may(kind),
        None => app.may(DocKind::Task) || app.may(DocKind::Response),
    }
}

/// The states the user may choose: the inspector decides (待整改, 已复核, 无需整改), the
/// township reports (整改中, 已整改); on a township's own list both.
fn allowed_states(app: &App) -> Vec<TaskState> {
    let mut v = Vec::new();
    if app.may(DocKind::Task) {
        v.push(TaskState::Pending);
    }
    if app.may(DocKind::Response) {
        v.extend([TaskState::InProgress, TaskState::Done]);
    }
    if app.may(DocKind::Task) {
        v.extend([TaskState::Verified, TaskState::NotNeeded]);
    }
    v
}

pub(crate) fn form(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    let width = usize::from(app.width);
    let states = allowed_states(app);
    let focus = app.task_form.as_ref().map_or(0, |f| f.focus);
    let can_edit = editable(app, focus);
    let Some(f) = app.task_form.as_mut() else {
        return Vec::new();
    };
    let fields = TASK_STATE + 1;
    match action {
        Action::NextField => f.focus = (f.focus + 1) % fields,
        Action::PrevField => f.focus = (f.focus + fields - 1) % fields,
        Action::ToggleEntry => cycle_state(f, &states),
        Action::Insert(' ') | Action::Left | Action::Right if f.focus == TASK_STATE => {
            cycle_state(f, &states)
        }
        Action::Confirm | Action::Back => return save_form(app, ctx),
        other => {
            if can_edit {
                if let Some(input) = f.fields.get_mut(f.focus) {
                    edit_text(input, other, width);
                }
            } else if matches!(
                other,
                Action::Insert(_) | Action::Paste(_) | Action::DeleteBack | Action::DeleteForward
            ) {
                f.error = Some(s.field_by_other_side.to_string());
            }
        }
    }
    Vec::new()
}

/// The next state the user may choose after the form's state, in ledger order (so the
/// inspector goes from the township's 已整改 straight to 已复核).
fn cycle_state(f: &mut TaskForm, states: &[TaskState]) {
    let all = TaskState::ALL;
    let at = all.iter().position(|st| *st == f.state).unwrap_or(0);
    if let Some(next) = (1..=all.len())
        .map(|k| all[(at + k) % all.len()])
        .find(|st| states.contains(st))
    {
        f.state = next;
    }
}

/// Saves the form: the inspector's part and the township's response, each as a revision of
/// its own document and only by the side that may write it. Both Enter and Esc save: typed
/// text is never dropped. A deadline or completion date that is not a date keeps the form
/// open with a message.
fn save_form(app: &mut App, ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    let today = crate::clock::date(ctx.now_millis);
    let Some(f) = app.task_form.as_mut() else {
        return Vec::new();
    };
    let text = |i: usize| f.fields[i].text().trim().to_string();
    let deadline = text(TASK_DEADLINE);
    let mut completed = text(TASK_COMPLETED);
    if !deadline.is_empty() && !is_date(&deadline) {
        f.focus = TASK_DEADLINE;
        f.error = Some(s.date_format.to_string());
        return Vec::new();
    }
    if !completed.is_empty() && !is_date(&completed) {
        f.focus = TASK_COMPLETED;
        f.error = Some(s.date_format.to_string());
        return Vec::new();
    }
    if f.state == TaskState::Done && completed.is_empty() {
        completed = today;
    }
    let Some(f) = app.task_form.take() else {
        return Vec::new();
    };
    record_form(app, &f, completed, ctx)
}

/// Saves a form whose dates did not parse (on quit): the text is kept as typed.
pub(super) fn save_unchecked(app: &mut App, f: TaskForm, ctx: &Ctx) -> Vec<Effect> {
    let completed = f.fields[TASK_COMPLETED].text().trim().to_string();
    record_form(app, &f, completed, ctx)
}

/// Records the parts of the form the user may write.
fn record_form(app: &mut App, f: &TaskForm, completed: String, ctx: &Ctx) -> Vec<Effect> {
    let text = |i: usize| f.fields[i].text().trim().to_string();
    let mut bodies = Vec::new();
    if app.may(DocKind::Task) {
        bodies.push(Body::Task(TaskSpec {
            description: text(TASK_DESCRIPTION),
            requirement: text(TASK_REQUIREMENT),
            responsible_unit: text(TASK_UNIT),
            responsible_person: text(TASK_PERSON),
            deadline: text(TASK_DEADLINE),
            decision: match f.state {
                TaskState::Verified => Decision::Verified,
                TaskState::NotNeeded => Decision::NotNeeded,
                TaskState::Withdrawn => Decision::Withdrawn,
                _ => Decision::Open,
            },
            ..f.spec.clone()
        }));
    }
    if app.may(DocKind::Response) {
        let response = TaskResponse {
            checklist: f.checklist.clone(),
            item: f.item.clone(),
            round: f.spec.returned,
            progress: if f.state == TaskState::Done {
                Progress::Done
            } else {
                Progress::InProgress
            },
            response: text(TASK_RESPONSE),
            completed: (!completed.is_empty()).then_some(completed),
            evidence: f
                .response
                .as_ref()
                .map(|r| r.evidence.clone())
                .unwrap_or_default(),
        };
        // A response is written once the township says something.
        let said = f.response.is_some()
            || matches!(f.state, TaskState::InProgress | TaskState::Done)
            || !response.response.is_empty();
        if said {
            bodies.push(Body::Response(response));
        }
    }
    let mut effects = Vec::new();
    for body in bodies {
        for e in record(app, body, ctx) {
            if !effects.contains(&e) {
                effects.push(e);
            }
        }
    }
    effects
}

fn record(app: &mut App, body: Body, ctx: &Ctx) -> Vec<Effect> {
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

/// The task list: move, open a task, go back.
pub(super) fn list(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
    let len = app.tasks().len();
    let page = app.page;
    let Screen::Tasks(v) = &mut app.screen else {
        return Vec::new();
    };
    if move_cursor(&mut v.cursor, len, &action, page) {
        return Vec::new();
    }
    match action {
        Action::Confirm => {
            if app.is_read_only() {
                app.message = Some(strings(app.lang).read_only_no_change.to_string());
            } else {
                open_form(app, ctx);
            }
        }
        Action::Back => {
            let cursor = app.open.as_ref().map_or(0, |s| s.domain_cursor);
            app.screen = Screen::Domains(crate::state::DomainsView::at(cursor));
        }
        _ => {}
    }
    Vec::new()
}

/// The runtime imported a file: show it on the start screen.
pub(super) fn imported(app: &mut App, result: Result<(Box<Assessment>, String), String>) {
    match result {
        Ok((a, summary)) => {
            let a = *a;
            match app
                .listing
                .iter_mut()
                .position(|l| l.assessment.as_ref().is_ok_and(|x| x.id == a.id))
            {
                Some(i) => {
                    app.listing[i].assessment = Ok(a);
                    app.start_cursor = i;
                }
                None => {
                    app.listing.push(Listing {
                        path: String::new(),
                        assessment: Ok(a),
                        backup: None,
                    });
                    app.start_cursor = app.listing.len() - 1;
                }
            }
            app.message = Some(summary);
        }
        Err(e) => app.message = Some(e),
    }
}
