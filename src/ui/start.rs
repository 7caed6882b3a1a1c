//! Start screen: the assessments on this device.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::state::App;
use crate::text::{pad, sanitize, truncate, width};
use crate::ui::strings::strings;
use crate::ui::theme;
use crate::ui::widgets::{Window, block, move_keys};

pub fn view(app: &App, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let outer = block(s.start_title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    if app.listing.is_empty() {
        let lines = vec![
            Line::from(""),
            Line::from(Span::styled(s.start_empty, theme::label())),
        ];
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let cols = usize::from(inner.width);
    // unit | kind | round | progress | last change
    let kind_w = width(s.kind_self_check).max(width(s.kind_inspection));
    let progress_w = 14;
    let time_w = 16;
    let fixed = kind_w + progress_w + time_w + 4 * 2;
    let rest = cols.saturating_sub(fixed);
    let unit_w = (rest / 2).max(6);
    let round_w = rest.saturating_sub(unit_w).max(4);
    let header = format!(
        "{}  {}  {}  {}  {}",
        pad(s.col_unit, unit_w),
        pad(s.col_kind, kind_w),
        pad(s.col_round, round_w),
        pad(s.col_progress, progress_w),
        s.col_last_change
    );
    let mut lines = vec![Line::from(Span::styled(
        truncate(&header, cols),
        theme::label(),
    ))];
    let height = usize::from(inner.height).saturating_sub(1);
    let win = Window::around(app.listing.len(), height, app.start_cursor);
    let keys = move_keys(crate::keymap::Mode::Start);
    lines.extend(win.above_line(s.rows_above, &keys));
    for (i, l) in app
        .listing
        .iter()
        .enumerate()
        .skip(win.first)
        .take(win.shown())
    {
        let text = match &l.assessment {
            Ok(a) => {
                let (checked, total) = app.progress(a);
                let kind = match a.kind {
                    crate::model::assessment::Kind::SelfCheck => s.kind_self_check,
                    crate::model::assessment::Kind::Inspection => s.kind_inspection,
                };
                format!(
                    "{}  {}  {}  {}  {}",
                    pad(&truncate(&sanitize(&a.unit().name, false), unit_w), unit_w),
                    pad(kind, kind_w),
                    pad(&truncate(&sanitize(a.round(), false), round_w), round_w),
                    pad(&progress_text(s, a, checked, total, &app.today), progress_w),
                    crate::clock::local_time(a.clock.millis)
                )
            }
            Err(e) if l.backup.is_some() => format!(
                "{} ({})  {}",
                s.cannot_open,
                s.backup_available,
                sanitize(e, false)
            ),
            Err(e) => format!("{}  {}", s.cannot_open, sanitize(e, false)),
        };
        let text = truncate(&text, cols);
        let style = match (&l.assessment, i == app.start_cursor) {
            (_, true) => theme::selected(),
            (Err(_), false) => theme::warn(),
            _ => ratatui::style::Style::default(),
        };
        lines.push(Line::from(Span::styled(pad(&text, cols), style)));
    }
    lines.extend(win.below_line(s.rows_below, &keys));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `checked/total`, plus the overdue rectification tasks and the conflicts when there are any.
fn progress_text(
    s: &crate::ui::strings::Strings,
    a: &crate::model::assessment::Assessment,
    checked: usize,
    total: usize,
    today: &str,
) -> String {
    let overdue = a.tasks().filter(|t| t.is_overdue(today)).count();
    let conflicts = a.conflict_count();
    let mut text = format!("{checked}/{total}");
    if overdue > 0 {
        text.push_str(&format!(" {}{overdue}", s.overdue));
    }
    if conflicts > 0 {
        text.push_str(&format!(" {}{conflicts}", s.conflict_mark));
    }
    text
}
