//! The new-assessment form: unit, round, assessor, and the domains with 不涉及 reasons.

use crate::action::{Action, Effect};
use crate::editor::TextInput;
use crate::model::assessment::{
    ASSESSMENT_FORMAT, ASSESSMENT_FORMAT_VERSION, Assessment, DomainChoice, Kind, Unit,
};
use crate::model::catalogue::Group;
use crate::model::revision::Hlc;
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
