//! The county overview screen: one row per township — progress and compliance of its
//! self-check and inspection, differing verdicts, open and overdue tasks, conflicts, last
//! hand-over — with its domains under it on request; Enter opens its inspection.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::overview::{cells, headings};
use crate::state::{App, OverviewView};
use crate::text::{pad, truncate, width};
use crate::ui::strings::strings;
use crate::ui::theme;
use crate::ui::widgets::{Window, block, move_keys};

/// Columns shown, most important first; the rest go when the screen is narrow.
const PRIORITY: [usize; 11] = [0, 3, 5, 7, 8, 9, 10, 4, 6, 11, 1];

pub fn view(app: &App, v: &OverviewView, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let title = format!("{} · {} {}", s.overview_title, v.rows.len(), s.units_unit);
    let outer = block(&title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    if v.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(s.overview_empty, theme::dim())),
            inner,
        );
        return;
    }
    let heads = headings(app.lang);
    // Every line: (cells, is a domain line, the township row it belongs to).
    let mut body: Vec<([String; 12], bool, usize)> = Vec::new();
    for (i, r) in v.rows.iter().enumerate() {
        body.push((cells(r, None), false, i));
        if v.expanded && i == v.cursor {
            for d in &r.domains {
                body.push((cells(r, Some(d)), true, i));
            }
        }
    }
    let cols = usize::from(inner.width);
    let col_w = |c: usize| {
        body.iter()
            .map(|(r, _, _)| width(&r[c]))
            .chain([width(heads[c])])
            .max()
            .unwrap_or(2)
            .min(if c == 0 { 20 } else { 16 })
    };
    // The unit column shows the domain name on domain lines.
    let mut shown: Vec<(usize, usize)> = Vec::new();
    let mut used = 0;
    for c in PRIORITY {
        let w = if c == 0 {
            col_w(0).max(if v.expanded { col_w(2) + 2 } else { 0 })
        } else {
            col_w(c)
        };
        if used + w + 2 <= cols || shown.is_empty() {
            used += w + 2;
            shown.push((c, w));
        }
    }
    shown.sort_by_key(|(c, _)| *c);
    let line = |text: &dyn Fn(usize) -> String| -> String {
        shown
            .iter()
            .map(|(c, w)| pad(&truncate(&text(*c), *w), *w))
            .collect::<Vec<_>>()
            .join("  ")
    };
    let mut lines = vec![Line::from(Span::styled(
        truncate(&line(&|c| heads[c].to_string()), cols),
        theme::label(),
    ))];
    let height = usize::from(inner.height).saturating_sub(1);
    let cursor_line = body
        .iter()
        .position(|(_, domain, i)| !domain && *i == v.cursor)
        .unwrap_or(0);
    let win = Window::around(body.len(), height, cursor_line);
    let keys = move_keys(crate::keymap::Mode::Overview);
    lines.extend(win.above_line(s.rows_above, &keys));
    for (k, (r, domain, _)) in body.iter().enumerate().skip(win.first).take(win.shown()) {
        let text = line(&|c| {
            if c == 0 && *domain {
                format!("  {}", r[2])
            } else {
                r[c].clone()
            }
        });
        let style = if k == cursor_line {
            theme::selected()
        } else if *domain {
            theme::dim()
        } else if r[10] != "0" || r[9] != "0" {
            theme::warn()
        } else {
            ratatui::style::Style::default()
        };
        lines.push(Line::from(Span::styled(
            pad(&truncate(&text, cols), cols),
            style,
        )));
    }
    lines.extend(win.below_line(s.rows_below, &keys));
    frame.render_widget(Paragraph::new(lines), inner);
}
