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

/// The keys that move a list's cursor in a mode, for its markers: `↓/↑`.
pub fn move_keys(mode: crate::keymap::Mode) -> String {
    crate::keymap::key_pair(
        mode,
        &crate::action::Action::Down,
        &crate::action::Action::Up,
    )
}

/// The part of a list of `len` rows that a pane of `height` rows shows: rows `first..end`,
/// with a marker row above them when rows are hidden above (`above` of them) and one below
/// when rows are hidden below. A pane that shows everything has no marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub first: usize,
    pub end: usize,
    /// Rows hidden above (a marker row says so when > 0).
    pub above: usize,
    /// Rows hidden below (a marker row says so when > 0).
    pub below: usize,
    /// False when the pane is too low for marker rows (under 3 rows).
    pub markers: bool,
}

impl Window {
    /// The largest `first` that still makes sense for `len` rows in `height` rows: the last
    /// rows fill the pane under the top marker.
    pub fn max_first(len: usize, height: usize) -> usize {
        if len <= height || height < 3 {
            len.saturating_sub(height)
        } else {
            len - (height - 1)
        }
    }

    /// The window starting as near `first` as the rows allow.
    pub fn at(len: usize, height: usize, first: usize) -> Window {
        if len <= height {
            return Window {
                first: 0,
                end: len,
                above: 0,
                below: 0,
                markers: true,
            };
        }
        if height < 3 {
            // No room for markers.
            let first = first.min(len - height);
            return Window {
                first,
                end: first + height,
                above: first,
                below: len - first - height,
                markers: false,
            };
        }
        let first = first.min(Window::max_first(len, height));
        let end = if first == 0 {
            height - 1
        } else if first + height > len {
            len
        } else {
            first + height - 2
        };
        Window {
            first,
            end,
            above: first,
            below: len - end,
            markers: true,
        }
    }

    /// The window that shows row `cursor`, a third of the way down when it can.
    pub fn around(len: usize, height: usize, cursor: usize) -> Window {
        let content = height.saturating_sub(2).max(1);
        let mut w = Window::at(len, height, cursor.saturating_sub(content / 3));
        if cursor < w.first {
            w = Window::at(len, height, cursor);
        }
        while cursor >= w.end && w.first < Window::max_first(len, height) {
            w = Window::at(len, height, w.first + (cursor + 1 - w.end));
        }
        w
    }

    /// Rows of the list shown.
    pub fn shown(&self) -> usize {
        self.end - self.first
    }

    /// The marker row above the rows, when rows are hidden there.
    pub fn above_line(&self, template: &str, keys: &str) -> Option<Line<'static>> {
        (self.markers && self.above > 0).then(|| marker(template, self.above, keys))
    }

    /// The marker row below the rows, when rows are hidden there.
    pub fn below_line(&self, template: &str, keys: &str) -> Option<Line<'static>> {
        (self.markers && self.below > 0).then(|| marker(template, self.below, keys))
    }

    /// Rows the markers take.
    pub fn marker_rows(&self) -> usize {
        if !self.markers {
            return 0;
        }
        usize::from(self.above > 0) + usize::from(self.below > 0)
    }
}

/// A dim marker row: `template` with `{n}` replaced by the count.
pub fn marker(template: &str, n: usize, keys: &str) -> Line<'static> {
    Line::from(Span::styled(
        template
            .replace("{n}", &n.to_string())
            .replace("{keys}", keys),
        theme::dim(),
    ))
}

/// The lines of a pane of `height` rows showing `lines` from the window, with the markers
/// `above` and `below` (templates with `{n}` and `{keys}`), each cut to `cols` columns.
pub fn windowed(
    lines: Vec<Line<'static>>,
    w: Window,
    templates: (&str, &str),
    keys: &str,
    cols: usize,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let cut = |l: Line<'static>| {
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        if width(&text) <= cols {
            l
        } else {
            Line::from(Span::styled(truncate(&text, cols), theme::dim()))
        }
    };
    if w.markers && w.above > 0 {
        out.push(cut(marker(templates.0, w.above, keys)));
    }
    out.extend(lines.into_iter().skip(w.first).take(w.end - w.first));
    if w.markers && w.below > 0 {
        out.push(cut(marker(templates.1, w.below, keys)));
    }
    out
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
    let title = fit_title(title, area.width);
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

/// A rectangle of at most `w`×`h` in `area`, centred across, that leaves the screen row `keep`
/// visible: below it when there is room, else above it, else on the side with more room
/// (then lower). Without a row to keep, centred.
pub fn clear_of(area: Rect, w: u16, h: u16, keep: Option<u16>) -> Rect {
    let Some(row) = keep.filter(|r| (area.top()..area.bottom()).contains(r)) else {
        return centered(area, w, h);
    };
    let w = w.min(area.width);
    let x = area.x + (area.width - w) / 2;
    let below = area.bottom() - (row + 1);
    let above = row - area.y;
    let (y, h) = if below >= h {
        (row + 1, h)
    } else if above >= h {
        (row - h, h)
    } else if below >= above {
        (row + 1, below)
    } else {
        (area.y, above)
    };
    Rect {
        x,
        y,
        width: w,
        height: h,
    }
}

/// The size of a one-line popup in `area`.
pub fn one_line_width(area: Rect) -> u16 {
    area.width.saturating_sub(4).min(80)
}

/// A bordered popup holding one line of input, centred in `area`; the terminal cursor goes
/// to the caret.
pub fn one_line_popup(frame: &mut Frame, area: Rect, title: &str, input: &TextInput) {
    let popup = centered(area, one_line_width(area), 3);
    one_line_popup_in(frame, popup, title, input);
}

/// A bordered one-line input in the rectangle `popup`, its title cut to fit; the terminal
/// cursor goes to the caret.
pub fn one_line_popup_in(frame: &mut Frame, popup: Rect, title: &str, input: &TextInput) {
    clear_popup(frame, popup);
    let b = block(&fit_title(title, popup.width));
    let row = b.inner(popup);
    frame.render_widget(b, popup);
    if let Some(p) = line_input(frame, row, "", 0, input, true) {
        frame.set_cursor_position(p);
    }
}

/// A popup title cut to fit a popup `width` columns wide (borders and blanks around it).
pub fn fit_title(title: &str, width: u16) -> String {
    truncate(title, usize::from(width).saturating_sub(4))
}

/// A bordered block with a bold title.
pub fn block(title: &str) -> Block<'static> {
    Block::bordered().title(Span::styled(format!(" {title} "), theme::title()))
}

#[cfg(test)]
mod tests {
    use super::Window;

    #[test]
    fn a_window_says_what_it_hides_and_never_hides_the_cursor() {
        // Everything fits: no markers.
        assert_eq!(
            Window::at(5, 5, 3),
            Window {
                first: 0,
                end: 5,
                above: 0,
                below: 0,
                markers: true
            }
        );
        // At the top: rows 0..9 and a marker for the 11 below.
        let w = Window::at(20, 10, 0);
        assert_eq!((w.first, w.end, w.above, w.below), (0, 9, 0, 11));
        // In the middle: a marker on each side.
        let w = Window::at(20, 10, 5);
        assert_eq!((w.first, w.end, w.above, w.below), (5, 13, 5, 7));
        // At the end: the last 9 rows under one marker; asking for more stops there.
        let w = Window::at(20, 10, 50);
        assert_eq!((w.first, w.end, w.above, w.below), (11, 20, 11, 0));
        assert_eq!(Window::max_first(20, 10), 11);
        for len in 0..40 {
            for height in 1..12 {
                for cursor in 0..len {
                    let w = Window::around(len, height, cursor);
                    assert!(
                        w.first <= cursor && cursor < w.end,
                        "{len} {height} {cursor}: {w:?}"
                    );
                    assert!(w.end - w.first + w.marker_rows() <= height.max(1));
                    assert_eq!(w.above + (w.end - w.first) + w.below, len);
                }
            }
        }
    }
}
