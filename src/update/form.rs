//! The new-assessment form: unit, round, assessor, and the domains with 不涉及 reasons.

use crate::action::{Action, Effect};
use crate::editor::TextInput;
use crate::model::assessment::{
    Assessment, DomainChoice, Header, Kind, NewAssessment, Unit, basis_of, division_code_ok,
};
use crate::model::catalogue::Group;
use crate::state::{App, Choice, DomainRow, Listing, NewForm, Screen};
use crate::ui::strings::strings;

use super::{Ctx, edit_text, move_cursor, open};

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
        editing: None,
        copy_from: None,
    }
}

/// Why the form's text cannot be saved as a header, if it cannot.
fn header_problem(f: &NewForm, s: &'static crate::ui::strings::Strings) -> Option<&'static str> {
    let missing = [FIELD_UNIT, FIELD_ROUND, FIELD_ASSESSOR]
        .into_iter()
        .any(|i| f.fields[i].text().trim().is_empty());
    let code = f.fields[FIELD_CODE].text().trim();
    if missing {
        Some(s.header_fields_required)
    } else if !code.is_empty() && !division_code_ok(code) {
        Some(s.division_code_invalid)
    } else {
        None
    }
}

/// Field indices of the new-assessment form.
pub const FIELD_UNIT: usize = 0;

pub const FIELD_CODE: usize = 1;

pub const FIELD_COUNTY: usize = 2;

pub const FIELD_ROUND: usize = 3;

pub const FIELD_ASSESSOR: usize = 4;

pub(super) fn form(app: &mut App, action: Action, ctx: &Ctx) -> Vec<Effect> {
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
                let code = f.fields[FIELD_CODE].text().trim();
                let bad_code = !code.is_empty() && !division_code_ok(code);
                match missing {
                    Some(i) => {
                        f.focus = i;
                        f.error = Some(s.field_required.to_string());
                    }
                    None if bad_code => {
                        f.focus = FIELD_CODE;
                        f.error = Some(s.division_code_invalid.to_string());
                    }
                    // Editing the header: saved at once, no domain choice.
                    None if f.editing.is_some() => {
                        if let Screen::New(form) = std::mem::replace(&mut app.screen, Screen::Start)
                        {
                            return super::records::save_header(app, &form, ctx);
                        }
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
            // Esc keeps what was typed: the header edit is saved when it can be.
            Action::Back if f.editing.is_some() => {
                let problem = header_problem(f, s);
                if let Screen::New(form) = std::mem::replace(&mut app.screen, Screen::Start) {
                    match problem {
                        None => return super::records::save_header(app, &form, ctx),
                        Some(why) => {
                            super::records::back_to_domains(app);
                            app.message = Some(format!("{} {why}", s.header_not_saved));
                        }
                    }
                }
            }
            Action::Back => {
                // What was typed is kept: `n` brings the form back as it was.
                let typed = f.fields.iter().any(|i| !i.text().trim().is_empty());
                if let Screen::New(form) = std::mem::replace(&mut app.screen, Screen::Start)
                    && typed
                {
                    app.form_draft = Some(form);
                    app.message = Some(s.form_kept.to_string());
                }
            }
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
            let assessor = f.fields[FIELD_ASSESSOR].text().trim().to_string();
            let form = match std::mem::replace(&mut app.screen, Screen::Start) {
                Screen::New(form) => form,
                other => {
                    app.screen = other;
                    return Vec::new();
                }
            };
            // Whoever creates the assessment is the person using this device, unless known.
            let mut effects = vec![Effect::Save];
            if app.user.is_none() && !assessor.is_empty() {
                app.user = Some(assessor.clone());
                effects.push(Effect::RememberUser(assessor.clone()));
            }
            let name = app.user.clone().unwrap_or(assessor);
            let author = crate::model::revision::Author {
                name,
                device: app.device.clone(),
                role: app.role,
            };
            let mut assessment = match create_assessment(&form, app, author.clone(), ctx) {
                Ok(a) => a,
                Err(e) => {
                    app.message = Some(e.message(app.lang));
                    app.screen = Screen::New(form);
                    return Vec::new();
                }
            };
            // The next round's self-check starts from the last one's notes and evidence.
            let source = form.copy_from.as_ref().and_then(|id| {
                app.listing
                    .iter()
                    .find_map(|l| l.assessment.as_ref().ok().filter(|a| &a.id == id))
                    .cloned()
            });
            let mut carried = None;
            if let Some(source) = source {
                match super::records::carry(app, &source, &mut assessment, &author, ctx) {
                    Ok(n) => carried = Some(n),
                    Err(e) => app.message = Some(e.message(app.lang)),
                }
            }
            let summary = Listing {
                path: String::new(),
                assessment: Ok(assessment.clone()),
                backup: None,
            };
            app.listing.push(summary);
            app.start_cursor = app.listing.len() - 1;
            open(app, assessment);
            if let Some(n) = carried {
                app.message = Some(s.carried.replace("{n}", &n.to_string()));
            }
            return effects;
        }
        _ => {}
    }
    Vec::new()
}

/// The assessment the form describes, with its header and domain choices as the first
/// revisions, written by `author`. An inspection takes its partition from the self-check it
/// reviews and records what it was started from.
fn create_assessment(
    f: &NewForm,
    app: &App,
    author: crate::model::revision::Author,
    ctx: &Ctx,
) -> Result<Assessment, crate::model::assessment::RecordError> {
    let text = |i: usize| f.fields[i].text().trim().to_string();
    let domains = f
        .domains
        .iter()
        .filter_map(|row| {
            let version = app.library.get(&row.checklist)?.catalogue.version.clone();
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
                summary: String::new(),
            })
        })
        .collect();
    let code = text(FIELD_CODE);
    let unit = Unit {
        name: text(FIELD_UNIT),
        division_code: if code.is_empty() { None } else { Some(code) },
        county: text(FIELD_COUNTY),
        city: None,
    };
    let reviewed = f.reviews.as_ref().and_then(|id| {
        app.listing
            .iter()
            .find_map(|l| l.assessment.as_ref().ok().filter(|a| &a.id == id))
    });
    let partition = reviewed.map_or_else(|| unit.partition(), |r| r.partition.clone());
    let header = Header {
        unit,
        round: text(FIELD_ROUND),
        assessor: text(FIELD_ASSESSOR),
        created: crate::clock::rfc3339(ctx.now_millis),
        reviews: f.reviews.clone(),
    };
    Assessment::create(
        NewAssessment {
            id: ctx.new_id.clone(),
            kind: f.kind,
            partition,
            header,
            domains,
            basis: reviewed.map(basis_of),
        },
        author,
        ctx.now_millis,
    )
}
