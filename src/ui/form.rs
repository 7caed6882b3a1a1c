//! New-assessment form: the unit, the round, who checks, and which domains.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::state::{App, Choice, NewForm};
use crate::text::{pad, sanitize, truncate, width};
use crate::ui::strings::strings;
use crate::ui::theme;
use crate::ui::widgets::{Window, block, line_input, move_keys};

pub fn view(app: &App, f: &NewForm, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let outer = block(if f.editing.is_some() {
        s.edit_header_title
    } else if f.copy_from.is_some() {
        s.copy_title
    } else if f.kind == crate::model::assessment::Kind::Inspection {
        s.new_inspection_title
    } else {
        s.new_title
    });
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let labels = [
        s.field_unit,
        s.field_code,
        s.field_county_optional,
        s.field_round,
        s.field_assessor,
    ];
    let label_cols = labels.iter().map(|l| width(l)).max().unwrap_or(0) + 1;
    let mut cursor: Option<Position> = None;
    let mut cursor_row: Option<(u16, String)> = None;
    let mut y = inner.y;
    for (i, (label, input)) in labels.iter().zip(&f.fields).enumerate() {
        if y >= inner.bottom() {
            break;
        }
        let row = Rect {
            x: inner.x,
            y,
            width: inner.width,
            height: 1,
        };
        let focused = !f.choosing && f.focus == i;
        if let Some(p) = line_input(frame, row, label, label_cols, input, focused) {
            cursor = Some(p);
        }
        y += 1;
    }
    if let Some(e) = &f.error
        && y < inner.bottom()
    {
        frame.render_widget(
            Paragraph::new(Span::styled(e.as_str(), theme::warn())),
            Rect {
                x: inner.x,
                y,
                width: inner.width,
                height: 1,
            },
        );
    }
    y += 1;
    // Editing the header: no domains (they are changed on the domains screen).
    if f.editing.is_none() && y + 1 < inner.bottom() {
        let head = if f.choosing {
            s.choose_domains_active
        } else {
            s.choose_domains_later
        };
        frame.render_widget(
            Paragraph::new(Span::styled(head, theme::label())),
            Rect {
                x: inner.x,
                y,
                width: inner.width,
                height: 1,
            },
        );
        y += 1;
        let list = Rect {
            x: inner.x,
            y,
            width: inner.width,
            height: inner.bottom() - y,
        };
        cursor_row = domain_list(app, f, frame, list);
    }
    if let Some(input) = &f.reason {
        // Leave the domain's row visible and name it.
        let (row, name) = cursor_row.unzip();
        let popup =
            crate::ui::widgets::clear_of(area, crate::ui::widgets::one_line_width(area), 3, row);
        let title = match name {
            Some(name) => format!("{} · {name}", s.reason_title),
            None => s.reason_title.to_string(),
        };
        crate::ui::widgets::one_line_popup_in(frame, popup, &title, input);
        cursor = None;
    }
    if let Some(p) = cursor {
        frame.set_cursor_position(p);
    }
}

/// The domain choice; returns the screen row and name of the domain under the cursor.
fn domain_list(app: &App, f: &NewForm, frame: &mut Frame, area: Rect) -> Option<(u16, String)> {
    let s = strings(app.lang);
    let cols = usize::from(area.width);
    let height = usize::from(area.height);
    let win = Window::around(f.domains.len(), height, f.cursor);
    let keys = move_keys(crate::keymap::Mode::FormDomains);
    let mark_w = [s.choice_included, s.choice_excluded, s.choice_not_involved]
        .iter()
        .map(|m| width(m))
        .max()
        .unwrap_or(4);
    let mut lines: Vec<Line> = win.above_line(s.domains_above, &keys).into_iter().collect();
    let rows: Vec<Line> = f
        .domains
        .iter()
        .enumerate()
        .skip(win.first)
        .take(win.shown())
        .map(|(i, row)| {
            let entry = app.library.get(&row.checklist);
            let name = entry.map_or(row.checklist.clone(), |e| {
                sanitize(&e.catalogue.name, false)
            });
            let group = entry.map_or("", |e| s.group(e.catalogue.group));
            let (mark, style, reason) = match &row.choice {
                Choice::Included => (s.choice_included, theme::ok(), String::new()),
                Choice::Excluded => (s.choice_excluded, theme::dim(), String::new()),
                Choice::NotInvolved(r) => (
                    s.choice_not_involved,
                    theme::warn(),
                    format!(" {}", sanitize(r, false)),
                ),
            };
            let text = truncate(
                &format!(
                    "{}  {}  {}{}",
                    pad(&truncate(&name, 16), 16),
                    pad(group, 12),
                    row.checklist,
                    reason
                ),
                cols.saturating_sub(mark_w + 2),
            );
            let sel = f.choosing && i == f.cursor;
            let line_style = if sel {
                theme::selected()
            } else {
                ratatui::style::Style::default()
            };
            Line::from(vec![
                Span::styled(
                    pad(mark, mark_w),
                    if sel { theme::selected() } else { style },
                ),
                Span::styled(
                    pad(&format!("  {text}"), cols.saturating_sub(mark_w)),
                    line_style,
                ),
            ])
        })
        .collect();
    let cursor = f.cursor.checked_sub(win.first).and_then(|n| {
        let row = u16::try_from(n + lines.len()).ok()?;
        let id = &f.domains.get(f.cursor)?.checklist;
        let name = app
            .library
            .get(id)
            .map_or_else(|| id.clone(), |e| sanitize(&e.catalogue.name, false));
        Some((area.y + row, name))
    });
    lines.extend(rows);
    lines.extend(win.below_line(s.domains_below, &keys));
    frame.render_widget(Paragraph::new(lines), area);
    cursor
}
