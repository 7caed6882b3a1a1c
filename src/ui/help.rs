//! Help: the bindings of the current mode, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::keymap::Mode;
use crate::state::App;
use crate::text::{pad, truncate, width};
use crate::ui::strings::strings;
use crate::ui::theme;
use crate::ui::widgets::{block, centered};

pub fn view(app: &App, mode: Mode, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let rows: Vec<(String, &str)> = app
        .bindings(mode)
        .map(|b| (b.key_label(), b.help(app.lang)))
        .collect();
    let key_w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(4);
    let popup = centered(area, area.width.saturating_sub(4).min(80), area.height);
    crate::ui::widgets::clear_popup(frame, popup);
    let b = block(s.help_title);
    let inner = b.inner(popup);
    frame.render_widget(b, popup);
    let cols = usize::from(inner.width);
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(k, h)| {
            Line::from(vec![
                Span::styled(pad(k, key_w), theme::key()),
                Span::raw("  "),
                Span::raw(truncate(h, cols.saturating_sub(key_w + 2))),
            ])
        })
        .collect();
    if mode == Mode::Walk {
        lines.push(Line::from(""));
        for part in crate::text::wrap(s.marks_legend, cols.max(4)) {
            lines.push(Line::from(Span::styled(part, theme::label())));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(s.help_footer, theme::dim())));
    // Scrolls with ↑/↓ when the keys do not fit; the last row says there is more.
    let height = usize::from(inner.height);
    let first = app.help_offset.min(lines.len().saturating_sub(height));
    let mut shown: Vec<Line> = lines.into_iter().skip(first).collect();
    if shown.len() > height && height > 0 {
        shown.truncate(height - 1);
        shown.push(Line::from(Span::styled(s.help_more, theme::key())));
    }
    frame.render_widget(Paragraph::new(shown), inner);
}
