//! Everything the user sees. Views only draw: they read `App` and write to the frame.

pub mod conflict;
pub mod domains;
pub mod form;
pub mod help;
pub mod overview;
pub mod question;
pub mod row;
pub mod start;
pub mod strings;
pub mod summary;
pub mod task;
pub mod theme;
pub mod walk;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::state::{App, Screen};
use crate::text::width;
use strings::strings;

/// Draws the whole screen.
pub fn view(app: &App, frame: &mut Frame) {
    let [body, footer, status] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    match &app.screen {
        Screen::Start => start::view(app, frame, body),
        Screen::New(f) => form::view(app, f, frame, body),
        Screen::Domains(d) => domains::view(app, d, frame, body),
        Screen::Walk(w) => walk::view(app, w, frame, body),
        Screen::Summary(s) => summary::view(app, s, frame, body),
        Screen::Tasks(t) => task::view(app, t, frame, body),
        Screen::Overview(o) => overview::view(app, o, frame, body),
    }
    if let Some(c) = &app.conflict {
        conflict::view(app, c, frame, body);
    }
    if let Some(mode) = app.help {
        help::view(app, mode, frame, body);
    }
    if let Some(prompt) = &app.prompt {
        let s = strings(app.lang);
        let title = match prompt.purpose {
            crate::state::PromptPurpose::SaveCopy => s.save_as_title,
            crate::state::PromptPurpose::Import => s.import_title,
            crate::state::PromptPurpose::Export(_) => s.export_title,
            crate::state::PromptPurpose::UserName => s.user_name_title,
            crate::state::PromptPurpose::Bundle => s.bundle_title,
        };
        widgets::one_line_popup(frame, body, title, &prompt.input);
    }
    if let Some(form) = &app.task_form {
        task::form_view(app, form, frame, body);
    }
    if let Some(q) = &app.question {
        question::view(app, q, frame, body);
    }
    draw_hints(app, frame, footer);
    draw_status(app, frame, status);
}

/// The footer: the hints of the active mode, generated from the keymap, cut to fit.
fn draw_hints(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    let mut used = 0;
    let inspection = app
        .open
        .as_ref()
        .is_some_and(|s| s.assessment.kind == crate::model::assessment::Kind::Inspection);
    let upgradable = app.open.as_ref().is_some_and(|s| {
        !crate::model::upgrade::upgradable(&s.assessment, &app.library).is_empty()
    });
    let conflicted = app
        .open
        .as_ref()
        .is_some_and(|s| s.assessment.conflict_count() > 0);
    // Keys that come first when they apply: settling a conflict, then an inspection's own.
    let inspection_key = |b: &&crate::keymap::Binding| {
        matches!(
            b.action,
            crate::action::Action::AcceptTownship | crate::action::Action::EditTask
        ) || (conflicted && b.action == crate::action::Action::ShowConflict)
    };
    // In an inspection its own keys come first; elsewhere they are not advertised.
    let (first, rest): (Vec<_>, Vec<_>) = app.bindings(app.mode()).partition(inspection_key);
    let ordered: Vec<_> = if inspection {
        first.into_iter().chain(rest).collect()
    } else {
        first
            .into_iter()
            .filter(|b| b.action == crate::action::Action::ShowConflict)
            .chain(rest)
            .collect()
    };
    for b in ordered {
        let hint = b.hint(app.lang);
        let upgrade_only = b.action == crate::action::Action::UpgradeCatalogues;
        let conflict_only = b.action == crate::action::Action::ShowConflict;
        if hint.is_empty() || (upgrade_only && !upgradable) || (conflict_only && !conflicted) {
            continue;
        }
        let w = width(hint) + 2;
        if used + w > usize::from(area.width) {
            break;
        }
        used += w;
        let key_len = b.key_label().chars().count().min(hint.chars().count());
        let (k, rest): (String, String) = (
            hint.chars().take(key_len).collect(),
            hint.chars().skip(key_len).collect(),
        );
        spans.push(Span::styled(k, theme::key()));
        spans.push(Span::raw(rest));
        spans.push(Span::raw("  "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The status line: save state on the right, messages on the left.
fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let right = match (&app.save_error, &app.saved_at) {
        _ if app.is_read_only() => Span::styled(format!(" {} ", s.read_only_badge), theme::warn()),
        (Some(_), _) => Span::styled(format!(" {} ", s.save_failed_short), theme::error()),
        (None, Some(at)) => Span::styled(format!("{} {at}", s.saved_at), theme::ok()),
        (None, None) if app.open.is_some() => Span::styled(s.all_saved, theme::ok()),
        (None, None) => Span::raw(""),
    };
    let left = match (&app.save_error, &app.message) {
        (Some(e), _) => Span::styled(
            crate::text::sanitize(
                &format!("{} {} · {e}", s.save_failed_long, s.save_failed_hint),
                false,
            ),
            theme::warn(),
        ),
        (None, Some(m)) => Span::styled(crate::text::sanitize(m, false), theme::warn()),
        (None, None) => Span::raw(""),
    };
    let rw = u16::try_from(right.width())
        .unwrap_or(area.width)
        .min(area.width);
    let [l, r] = Layout::horizontal([Constraint::Min(0), Constraint::Length(rw)]).areas(area);
    // A long message (a path written) loses its middle, not its end; a failed save keeps
    // its start (the way out).
    let left = if app.save_error.is_none() {
        Span::styled(
            crate::text::shorten_middle(&left.content, usize::from(l.width)),
            left.style,
        )
    } else {
        left
    };
    frame.render_widget(Paragraph::new(Line::from(left)), l);
    frame.render_widget(Paragraph::new(Line::from(right)), r);
}
