//! The look-back inspection: starting one from a township's self-check, taking the township's
//! answers, rectification tasks and the township's responses to them.

use crate::action::{Action, Effect};
use crate::editor::TextInput;
use crate::model::assessment::{Assessment, Evidence, ItemResult, Kind};
use crate::model::doc::{Body, DocKind};
use crate::model::rectification::{
    Decision, Progress, TaskResponse, TaskSpec, TaskState, parse_date, task_state,
};
use crate::model::revision::RevId;
use crate::model::status::Status;
use crate::state::{
    App, Choice, Closing, Confirmation, Listing, Pending, Screen, TASK_COMPLETED, TASK_DEADLINE,
    TASK_DESCRIPTION, TASK_EVIDENCE, TASK_PERSON, TASK_REQUIREMENT, TASK_RESPONSE, TASK_REVIEW,
    TASK_STATE, TASK_UNIT, TaskForm, task_field_doc,
};
use crate::ui::strings::strings;

use super::form::new_form;
use super::walk::{advance_after_status, commit, current_ids, result_or_new};
use super::{
    Ctx, FIELD_ASSESSOR, FIELD_CODE, FIELD_COUNTY, FIELD_ROUND, FIELD_UNIT, author, edit_text,
    move_cursor, record,
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
    // One inspection per self-check is the rule; a second one only when asked for.
    let existing = app.listing.iter().find_map(|l| {
        l.assessment
            .as_ref()
            .ok()
            .filter(|a| a.kind == Kind::Inspection && a.reviews() == Some(reviewed.id.as_str()))
    });
    if let Some(found) = existing {
        app.confirm = Some(Confirmation {
            question: format!(
                "{}:{}。{}",
                s.inspection_exists,
                crate::text::sanitize(found.round(), false),
                s.open_existing_question
            ),
            on_yes: Pending::OpenInspection(found.id.clone()),
            on_no: Some(Pending::NewInspection),
        });
        return;
    }
    start_inspection_form(app);
}

/// The new-assessment form for an inspection of the self-check under the start cursor.
pub(super) fn start_inspection_form(app: &mut App) {
    let s = strings(app.lang);
    let Some(Listing {
        assessment: Ok(reviewed),
        ..
    }) = app.listing.get(app.start_cursor)
    else {
        return;
    };
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
    let undo_start = app.open.as_ref().map_or(0, |s| s.undo.len());
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
        if let Some(session) = app.open.as_mut() {
            session.group_undo_from(undo_start);
        }
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

/// Opens the inspection `id` of the listing (the answer yes to "open the one already here?").
pub(super) fn open_inspection(app: &mut App, id: &str) {
    if let Some(Ok(a)) = app
        .listing
        .iter()
        .find(|l| l.assessment.as_ref().is_ok_and(|a| a.id == id))
        .map(|l| l.assessment.clone())
    {
        super::open(app, a);
    }
}

/// The item the task form is about: under the walk's cursor, or the task under the task
/// list's cursor.
fn form_target(app: &App) -> Option<(String, String)> {
    match &app.screen {
        Screen::Walk(_) => current_ids(app),
        Screen::Tasks(v) => app
            .tasks()
            .get(v.cursor)
            .map(|t| (t.spec.checklist.clone(), t.spec.item.clone())),
        _ => None,
    }
}

/// Opens the task form for the item under the walk's cursor, or for the task under the task
/// list's cursor. A new task on an item judged 已落实 is asked about first.
pub(super) fn open_form(app: &mut App, ctx: &Ctx) {
    let Some((checklist, item)) = form_target(app) else {
        return;
    };
    let Some(session) = &app.open else { return };
    let a = &session.assessment;
    if a.task(&checklist, &item).is_none()
        && a.may_write(app.role, DocKind::Task)
        && a.status(&checklist, &item) == Status::Compliant
    {
        app.confirm = Some(Confirmation {
            question: strings(app.lang).task_on_compliant.to_string(),
            on_yes: Pending::TaskForm,
            on_no: None,
        });
        return;
    }
    open_form_for(app, ctx);
}

pub(super) fn open_form_for(app: &mut App, ctx: &Ctx) {
    let s = strings(app.lang);
    let Some((checklist, item)) = form_target(app) else {
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
    // After a send-back the old answer is offered to amend; its 完成日期 was for the round before.
    let current_round = response.as_ref().is_some_and(|r| r.round == spec.returned);
    let texts: [String; 9] = [
        spec.description.clone(),
        spec.requirement.clone(),
        spec.responsible_unit.clone(),
        spec.responsible_person.clone(),
        spec.deadline.clone(),
        response
            .as_ref()
            .map_or(String::new(), |r| r.response.clone()),
        response
            .as_ref()
            .filter(|_| current_round)
            .and_then(|r| r.completed.clone())
            .unwrap_or_default(),
        String::new(),
        spec.review_comment.clone(),
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
        evidence: response
            .as_ref()
            .map(|r| r.evidence.clone())
            .unwrap_or_default(),
        spec,
        response,
        fields: texts.clone().map(|t| TextInput::line(&t)),
        opened: texts,
        focus,
        error: None,
        warned_deadline: None,
        closing: None,
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

/// The states the user may choose: the inspector decides (待整改, 已复核, 退回整改 once the
/// township answered, 无需整改, 已撤销), the township reports (整改中, 已整改); on a township's
/// own list both.
fn allowed_states(app: &App) -> Vec<TaskState> {
    let answered = app.task_form.as_ref().is_some_and(|f| {
        matches!(
            task_state(&f.spec, f.response.as_ref()),
            TaskState::Done | TaskState::Verified | TaskState::Returned
        )
    });
    let mut v = Vec::new();
    if app.may(DocKind::Task) {
        v.push(TaskState::Pending);
    }
    if app.may(DocKind::Response) {
        v.extend([TaskState::InProgress, TaskState::Done]);
    }
    if app.may(DocKind::Task) {
        v.push(TaskState::Verified);
        if answered {
            v.push(TaskState::Returned);
        }
        v.extend([TaskState::NotNeeded, TaskState::Withdrawn]);
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
    if f.closing.is_some() {
        // Waiting for the typed evidence; the runtime answers before the next key.
        return Vec::new();
    }
    let fields = TASK_STATE + 1;
    match action {
        Action::NextField => f.focus = (f.focus + 1) % fields,
        Action::PrevField => f.focus = (f.focus + fields - 1) % fields,
        Action::ToggleEntry => cycle_state(f, &states),
        Action::Insert(' ') | Action::Left | Action::Right if f.focus == TASK_STATE => {
            cycle_state(f, &states)
        }
        // Enter in 整改佐证 with something typed adds it (the form stays open).
        Action::Confirm
            if f.focus == TASK_EVIDENCE
                && can_edit
                && !f.fields[TASK_EVIDENCE].text().trim().is_empty() =>
        {
            f.error = None;
            return vec![Effect::ResolveEvidence(
                f.fields[TASK_EVIDENCE].text().trim().to_string(),
            )];
        }
        Action::Confirm | Action::Back => {
            // A new task nobody typed in is dropped on Esc; Enter says what it still needs.
            if f.untouched() && (action == Action::Back || app_has_task(app)) {
                app.task_form = None;
                return Vec::new();
            }
            return save_form(app, ctx);
        }
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

/// True when the form's task is already recorded.
fn app_has_task(app: &App) -> bool {
    let (Some(f), Some(session)) = (&app.task_form, &app.open) else {
        return false;
    };
    session.assessment.task(&f.checklist, &f.item).is_some()
}

/// The next state the user may choose after the form's state (so the inspector goes from
/// the township's 已整改 straight to 已复核, then 退回整改).
fn cycle_state(f: &mut TaskForm, states: &[TaskState]) {
    const ORDER: [TaskState; 7] = [
        TaskState::Pending,
        TaskState::InProgress,
        TaskState::Done,
        TaskState::Verified,
        TaskState::Returned,
        TaskState::NotNeeded,
        TaskState::Withdrawn,
    ];
    let at = ORDER.iter().position(|st| *st == f.state).unwrap_or(0);
    if let Some(next) = (1..=ORDER.len())
        .map(|k| ORDER[(at + k) % ORDER.len()])
        .find(|st| states.contains(st))
    {
        f.state = next;
    }
}

/// Evidence typed in the form was resolved (or refused): added to the form's list; the form
/// then closes if it was closing. A refusal keeps the form open with the text and the reason
/// (on quit the text is kept as a written piece of evidence instead).
pub(super) fn evidence_resolved(
    app: &mut App,
    result: Result<Evidence, String>,
    ctx: &Ctx,
) -> Vec<Effect> {
    let s = strings(app.lang);
    let Some(f) = app.task_form.as_mut() else {
        return Vec::new();
    };
    let closing = f.closing.take();
    match result {
        Ok(ev) => {
            if !f.evidence.contains(&ev) {
                f.evidence.push(ev);
            }
            f.fields[TASK_EVIDENCE] = TextInput::line("");
            f.error = Some(s.evidence_added.to_string());
        }
        Err(message) if closing == Some(Closing::Quit) => {
            let text = f.fields[TASK_EVIDENCE].text().trim().to_string();
            f.evidence.push(Evidence::Text { text });
            f.fields[TASK_EVIDENCE] = TextInput::line("");
            app.message = Some(message);
        }
        Err(message) => {
            f.error = Some(message);
            return Vec::new();
        }
    }
    match closing {
        Some(Closing::Save) => save_form(app, ctx),
        Some(Closing::Quit) => match app.task_form.take() {
            Some(f) => save_unchecked(app, f, ctx),
            None => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// On quit: whatever was typed is saved, rules or not; typed evidence is resolved first.
pub(super) fn quit_form(app: &mut App, ctx: &Ctx) -> Vec<Effect> {
    let Some(f) = app.task_form.as_mut() else {
        return Vec::new();
    };
    if f.untouched() {
        app.task_form = None;
        return Vec::new();
    }
    let typed = f.fields[TASK_EVIDENCE].text().trim().to_string();
    if !typed.is_empty() && f.closing.is_none() {
        f.closing = Some(Closing::Quit);
        return vec![Effect::ResolveEvidence(typed)];
    }
    match app.task_form.take() {
        Some(f) => save_unchecked(app, f, ctx),
        None => Vec::new(),
    }
}

/// Saves the form: the inspector's part and the township's response, each as a revision of
/// its own document and only by the side that may write it. Both Enter and Esc save: typed
/// text is never dropped. A rule that refuses keeps the form open with the message.
fn save_form(app: &mut App, ctx: &Ctx) -> Vec<Effect> {
    let s = strings(app.lang);
    let today = crate::clock::date(ctx.now_millis);
    let county = app.may(DocKind::Task);
    let township = app.may(DocKind::Response);
    let Some(f) = app.task_form.as_mut() else {
        return Vec::new();
    };
    // Typed evidence first: the form saves once it is resolved.
    let typed = f.fields[TASK_EVIDENCE].text().trim().to_string();
    if township && !typed.is_empty() {
        f.closing = Some(Closing::Save);
        return vec![Effect::ResolveEvidence(typed)];
    }
    match check_form(f, county, township, &today, s) {
        Ok(()) => {}
        Err((field, message)) => {
            f.focus = field;
            f.error = Some(message);
            return Vec::new();
        }
    }
    let Some(f) = app.task_form.take() else {
        return Vec::new();
    };
    record_form(app, &f, ctx)
}

/// The rules of a task form, for the parts the user writes: the field to go to and the
/// message when one refuses. Dates are normalised in the form (`YYYY-MM-DD`).
fn check_form(
    f: &mut TaskForm,
    county: bool,
    township: bool,
    today: &str,
    s: &crate::ui::strings::Strings,
) -> Result<(), (usize, String)> {
    let text = |f: &TaskForm, i: usize| f.fields[i].text().trim().to_string();
    if county {
        let missing: Vec<(usize, &str)> = [
            (TASK_DESCRIPTION, s.task_description),
            (TASK_REQUIREMENT, s.task_requirement),
            (TASK_PERSON, s.task_person),
        ]
        .into_iter()
        .filter(|(i, _)| text(f, *i).is_empty())
        .collect();
        if let Some((first, _)) = missing.first() {
            let names: Vec<&str> = missing.iter().map(|(_, n)| *n).collect();
            return Err((*first, format!("{}{}", s.task_missing, names.join("、"))));
        }
        let deadline = text(f, TASK_DEADLINE);
        if !deadline.is_empty() {
            let Some(date) = parse_date(&deadline, today) else {
                return Err((TASK_DEADLINE, s.task_date_format.to_string()));
            };
            f.fields[TASK_DEADLINE] = TextInput::line(&date);
            // A deadline already past: said once, saved when Enter comes again.
            if date.as_str() < today
                && date != f.spec.deadline
                && f.warned_deadline.as_deref() != Some(date.as_str())
            {
                f.warned_deadline = Some(date);
                return Err((TASK_DEADLINE, s.task_deadline_past.to_string()));
            }
        }
        let was = task_state(&f.spec, f.response.as_ref());
        let comment = text(f, TASK_REVIEW);
        if f.state == TaskState::Returned && was != TaskState::Returned && comment.is_empty() {
            return Err((TASK_REVIEW, s.task_return_needs_comment.to_string()));
        }
        if f.state == TaskState::Withdrawn && comment.is_empty() {
            return Err((TASK_REVIEW, s.task_withdraw_needs_reason.to_string()));
        }
    }
    if township {
        let completed = text(f, TASK_COMPLETED);
        if !completed.is_empty() {
            let Some(date) = parse_date(&completed, today) else {
                return Err((TASK_COMPLETED, s.task_date_format.to_string()));
            };
            if date.as_str() > today {
                return Err((TASK_COMPLETED, s.task_completed_future.to_string()));
            }
            f.fields[TASK_COMPLETED] = TextInput::line(&date);
        }
        if f.state == TaskState::Done && text(f, TASK_RESPONSE).is_empty() {
            return Err((TASK_RESPONSE, s.task_done_needs_response.to_string()));
        }
        if f.state == TaskState::Done && text(f, TASK_COMPLETED).is_empty() {
            f.fields[TASK_COMPLETED] = TextInput::line(today);
        }
    }
    Ok(())
}

/// Saves a form as it is, without the rules (on quit): the text is kept as typed, dates that
/// can be read normalised.
pub(super) fn save_unchecked(app: &mut App, mut f: TaskForm, ctx: &Ctx) -> Vec<Effect> {
    let today = crate::clock::date(ctx.now_millis);
    for i in [TASK_DEADLINE, TASK_COMPLETED] {
        if let Some(date) = parse_date(f.fields[i].text(), &today) {
            f.fields[i] = TextInput::line(&date);
        }
    }
    record_form(app, &f, ctx)
}

/// Records the parts of the form the user may write. Sending a task back (退回整改) counts a
/// round (`returned`), so the township's answer so far answers the round before; a review
/// (复核, 退回, 撤销, 无需整改, or a changed 复核意见) is signed with the user's name and today.
fn record_form(app: &mut App, f: &TaskForm, ctx: &Ctx) -> Vec<Effect> {
    let text = |i: usize| f.fields[i].text().trim().to_string();
    let today = crate::clock::date(ctx.now_millis);
    let was = task_state(&f.spec, f.response.as_ref());
    let mut bodies = Vec::new();
    if app.may(DocKind::Task) {
        let comment = text(TASK_REVIEW);
        let sent_back = f.state == TaskState::Returned && was != TaskState::Returned;
        let reviewed = f.state != was
            && matches!(
                f.state,
                TaskState::Verified
                    | TaskState::Returned
                    | TaskState::NotNeeded
                    | TaskState::Withdrawn
            );
        let mut spec = TaskSpec {
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
            returned: f.spec.returned + u32::from(sent_back),
            review_comment: comment.clone(),
            ..f.spec.clone()
        };
        if reviewed || comment != f.spec.review_comment {
            spec.reviewer = author(app).name;
            spec.review_date = Some(today.clone());
        }
        bodies.push(Body::Task(spec));
    }
    if app.may(DocKind::Response) {
        let completed = text(TASK_COMPLETED);
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
            evidence: f.evidence.clone(),
        };
        // A response is written once the township says something.
        let said = f.response.is_some()
            || matches!(f.state, TaskState::InProgress | TaskState::Done)
            || !response.response.is_empty()
            || !response.evidence.is_empty();
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

/// The runtime imported a file: show what it brought on the start screen (and in the open
/// assessment, if it is one of them).
pub(super) fn imported(app: &mut App, result: Result<(Vec<Assessment>, String), String>) {
    match result {
        Ok((assessments, summary)) => {
            for a in assessments {
                if let Some(session) = app.open.as_mut().filter(|s| s.assessment.id == a.id) {
                    session.assessment = a.clone();
                }
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
            }
            app.message = Some(summary);
        }
        Err(e) => app.message = Some(e),
    }
}
