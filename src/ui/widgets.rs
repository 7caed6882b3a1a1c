//! Small drawing helpers shared by the screens.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::editor::{TextInput, layout};
use crate::model::status::{Status, Tally};
use crate::text::{pad, truncate, width};
use crate::ui::strings::Strings;
use crate::ui::theme;

/// The first row to show so that `cursor` is visible in `height` rows.
pub fn scroll_offset(cursor: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    cursor.saturating_sub(height / 3).min(len - height)
}

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A status as a fixed-width coloured word.
pub fn status_span(s: &Strings, status: Status) -> Span<'static> {
    Span::styled(
        pad(s.status(status), s.status_width()),
        theme::status(status),
    )
}

/// A progress bar of `cols` columns made of coloured blanks (no ambiguous-width glyphs),
/// one colour run per status, unchecked last.
pub fn bar(t: &Tally, cols: usize) -> Vec<Span<'static>> {
    let total = t.total().max(1);
    let mut spans = Vec::new();
    let mut used = 0;
    for status in [
        Status::Compliant,
        Status::Partial,
        Status::Missing,
        Status::NotApplicable,
    ] {
        let n = t.get(status) * cols / total;
        if n > 0 {
            used += n;
            spans.push(Span::styled(
                " ".repeat(n),
                Style::default().bg(theme::status_color(status)),
            ));
        }
    }
    // Rounding: a fully checked domain fills the bar.
    let rest = cols - used.min(cols);
    if t.unchecked == 0 && rest > 0 && t.total() > 0 {
        if let Some(last) = spans.last_mut() {
            let style = last.style;
            let len = last.content.len() + rest;
            *last = Span::styled(" ".repeat(len), style);
        }
    } else if rest > 0 {
        spans.push(Span::styled(
            " ".repeat(rest),
            Style::default().bg(ratatui::style::Color::DarkGray),
        ));
    }
    spans
}

/// A one-line text box with a label; returns where the caret is, if `focused`.
pub fn line_input(
    frame: &mut Frame,
    area: Rect,
    label: &str,
    label_cols: usize,
    input: &TextInput,
    focused: bool,
) -> Option<Position> {
    let label_span = Span::styled(
        pad(label, label_cols),
        if focused {
            theme::key()
        } else {
            theme::label()
        },
    );
    let text_cols = usize::from(area.width).saturating_sub(label_cols + 1);
    // Show the tail of a long line so the caret stays visible.
    let before = &input.text()[..input.caret()];
    let mut shown_start = 0;
    while width(&input.text()[shown_start..input.caret()]) >= text_cols
        && shown_start < before.len()
    {
        shown_start += before[shown_start..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
    }
    let shown = truncate(&input.text()[shown_start..], text_cols);
    let style = if focused {
        Style::default().add_modifier(ratatui::style::Modifier::UNDERLINED)
    } else {
        Style::default()
    };
    let line = Line::from(vec![
        label_span,
        Span::raw(" "),
        Span::styled(pad(&shown, text_cols), style),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    focused.then(|| {
        let x = area.x
            + u16::try_from(label_cols + 1 + width(&input.text()[shown_start..input.caret()]))
                .unwrap_or(0);
        Position {
            x: x.min(area.right().saturating_sub(1)),
            y: area.y,
        }
    })
}

/// A multi-line editor in a bordered popup; puts the terminal cursor at the caret.
pub fn text_area(frame: &mut Frame, area: Rect, title: &str, input: &TextInput) {
    clear_popup(frame, area);
    let block = Block::bordered().title(Span::styled(format!(" {title} "), theme::title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = usize::from(inner.width);
    let l = layout(input.text(), input.caret(), cols);
    let height = usize::from(inner.height);
    let first = l.caret.0.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = l
        .rows
        .iter()
        .skip(first)
        .take(height)
        .map(|r| Line::from(input.text()[r.start..r.end].to_string()))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    let (row, col) = l.caret;
    let y = inner.y + u16::try_from(row - first).unwrap_or(0);
    let x = inner.x + u16::try_from(col).unwrap_or(0);
    frame.set_cursor_position(Position {
        x: x.min(inner.right().saturating_sub(1)),
        y: y.min(inner.bottom().saturating_sub(1)),
    });
}

/// Clears the area of a popup. A wide character that starts just left of the popup would
/// otherwise keep its second half under the popup's border, and the terminal would never
/// get the border drawn there; it is blanked too.
pub fn clear_popup(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    if area.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        if let Some(cell) = buf.cell_mut(Position { x: area.x - 1, y })
            && width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// A bordered popup holding one line of input, centred in `area`; the terminal cursor goes
/// to the caret.
pub fn one_line_popup(frame: &mut Frame, area: Rect, title: &str, input: &TextInput) {
    let popup = centered(area, area.width.saturating_sub(4).min(80), 3);
    clear_popup(frame, popup);
    let b = block(title);
    let row = b.inner(popup);
    frame.render_widget(b, popup);
    if let Some(p) = line_input(frame, row, "", 0, input, true) {
        frame.set_cursor_position(p);
    }
}

/// A bordered block with a bold title.
pub fn block(title: &str) -> Block<'static> {
    Block::bordered().title(Span::styled(format!(" {title} "), theme::title()))
}
