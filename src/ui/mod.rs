//! Everything the user sees. Views only draw: they read `App` and write to the frame.

pub mod conflict;
pub mod domains;
pub mod form;
pub mod help;
pub mod overview;
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
    if let Some(c) = &app.confirm {
        draw_confirm(app, c, frame, body);
    }
    draw_hints(app, frame, footer);
    draw_status(app, frame, status);
}

/// A yes/no question in a popup: the question, then its keys (from the keymap).
fn draw_confirm(app: &App, c: &crate::state::Confirmation, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let w = area.width.saturating_sub(4).min(70);
    let text_w = usize::from(w.saturating_sub(2)).max(4);
    let question = crate::text::sanitize(&c.question, false);
    let mut lines: Vec<Line> = crate::text::wrap(&question, text_w)
        .into_iter()
        .map(Line::from)
        .collect();
    lines.push(Line::from(""));
    let keys: Vec<Span> = app
        .bindings(crate::keymap::Mode::Confirm)
        .filter(|b| !b.hint_zh.is_empty())
        .flat_map(|b| {
            let hint = b.hint(app.lang);
            let key = b.key_label();
            let rest = hint.strip_prefix(key.as_str()).unwrap_or(hint).to_string();
            [
                Span::styled(key, theme::key()),
                Span::raw(format!("{rest}   ")),
            ]
        })
        .collect();
    lines.push(Line::from(keys));
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = widgets::centered(area, w, h);
    widgets::clear_popup(frame, popup);
    let b = widgets::block(s.confirm_title);
    let inner = b.inner(popup);
    frame.render_widget(b, popup);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The footer: the hints of the active mode, generated from the keymap. When they do not all
/// fit, the hints of the highest rank (least important) are left out first, `?帮助` never, and
/// the line ends with `…` to say that help lists more.
fn draw_hints(app: &App, frame: &mut Frame, area: Rect) {
    let hints = footer_hints(app);
    let shown = fit_hints(&hints, app.lang, usize::from(area.width));
    let mut spans = Vec::new();
    for (i, b) in hints.iter().enumerate() {
        if !shown.contains(&i) {
            continue;
        }
        let hint = b.hint(app.lang);
        let key_len = b.key_label().chars().count().min(hint.chars().count());
        let (k, rest): (String, String) = (
            hint.chars().take(key_len).collect(),
            hint.chars().skip(key_len).collect(),
        );
        spans.push(Span::styled(k, theme::key()));
        spans.push(Span::raw(rest));
        spans.push(Span::raw("  "));
    }
    if shown.len() < hints.len() {
        spans.push(Span::styled(ELLIPSIS, theme::dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// What the footer ends with when hints were left out.
const ELLIPSIS: &str = "…";

/// The bindings the footer would show on a line of any width, in display order.
fn footer_hints(app: &App) -> Vec<&'static crate::keymap::Binding> {
    use crate::action::Action;
    let inspection = app
        .open
        .as_ref()
        .is_some_and(|s| s.assessment.kind == crate::model::assessment::Kind::Inspection);
    // Asked only where the upgrade key is bound (the domains screen), not on every frame.
    let upgradable = || {
        app.open.as_ref().is_some_and(|s| {
            !crate::model::upgrade::upgradable(&s.assessment, &app.library).is_empty()
        })
    };
    let conflicted = app
        .open
        .as_ref()
        .is_some_and(|s| s.assessment.conflict_count() > 0);
    // Keys that come first when they apply: settling a conflict, then an inspection's own.
    let inspection_key = |b: &&crate::keymap::Binding| {
        matches!(b.action, Action::AcceptTownship | Action::EditTask)
            || (conflicted && b.action == Action::ShowConflict)
    };
    // In an inspection its own keys come first; elsewhere they are not advertised.
    let (first, rest): (Vec<_>, Vec<_>) = app.bindings(app.mode()).partition(inspection_key);
    let ordered: Vec<_> = if inspection {
        first.into_iter().chain(rest).collect()
    } else {
        first
            .into_iter()
            .filter(|b| b.action == Action::ShowConflict)
            .chain(rest)
            .collect()
    };
    ordered
        .into_iter()
        .filter(|b| {
            let upgrade_only = b.action == Action::UpgradeCatalogues;
            let conflict_only = b.action == Action::ShowConflict;
            !b.hint_zh.is_empty()
                && (!conflict_only || conflicted)
                && (!upgrade_only || upgradable())
        })
        .collect()
}

/// Which hints fit in `cols` columns (indices into `hints`): all when they fit, otherwise the
/// most important ones (lowest rank; among equals the earlier) with room left for `…`.
pub fn fit_hints(
    hints: &[&crate::keymap::Binding],
    lang: crate::cli::Lang,
    cols: usize,
) -> Vec<usize> {
    // Each hint is followed by two blanks; the last one's may hang over the edge.
    let cost = |i: usize| width(hints[i].hint(lang)) + 2;
    let total = |v: &[usize]| v.iter().map(|&i| cost(i)).sum::<usize>();
    let mut shown: Vec<usize> = (0..hints.len()).collect();
    if total(&shown) <= cols + 2 {
        return shown;
    }
    let room = cols.saturating_sub(width(ELLIPSIS));
    // The hints, their blanks and `…` after them.
    while total(&shown) > room {
        // The least important: the highest rank, the last of them; help (rank 0) stays.
        let Some(pos) = shown
            .iter()
            .enumerate()
            .filter(|(_, i)| hints[**i].rank > 0)
            .max_by_key(|(p, i)| (hints[**i].rank, *p))
            .map(|(p, _)| p)
        else {
            break;
        };
        shown.remove(pos);
    }
    shown
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
