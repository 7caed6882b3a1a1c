//! A text input with a caret: the note editor, search box and form fields share it.
//! Positions are byte offsets on char boundaries; layout measures display width.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Editable text with a caret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Byte offset of the caret, always on a char boundary.
    caret: usize,
    /// Single-line inputs turn pasted line breaks into spaces.
    multiline: bool,
}

impl TextInput {
    /// A one-line input holding `text`, caret at the end.
    pub fn line(text: &str) -> TextInput {
        TextInput {
            text: text.replace(['\n', '\r'], " "),
            caret: 0,
            multiline: false,
        }
        .at_end()
    }

    /// A multi-line input holding `text`, caret at the end.
    pub fn multiline(text: &str) -> TextInput {
        TextInput {
            text: text.to_string(),
            caret: 0,
            multiline: true,
        }
        .at_end()
    }

    fn at_end(mut self) -> TextInput {
        self.caret = self.text.len();
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn caret(&self) -> usize {
        self.caret
    }

    pub fn insert(&mut self, c: char) {
        if c == '\n' && !self.multiline {
            return;
        }
        if c.is_control() && c != '\n' {
            return;
        }
        self.text.insert(self.caret, c);
        self.caret += c.len_utf8();
    }

    /// Inserts pasted text: line breaks kept in multi-line inputs, control characters dropped.
    pub fn paste(&mut self, s: &str) {
        let s = s.replace("\r\n", "\n").replace('\r', "\n");
        for c in s.chars() {
            match c {
                '\n' if !self.multiline => self.insert(' '),
                '\t' => self.insert(' '),
                c => self.insert(c),
            }
        }
    }

    /// Deletes the grapheme before the caret (a character with its combining marks or
    /// variation selector goes as one).
    pub fn delete_back(&mut self) {
        let len = self.prev_len();
        self.text.replace_range(self.caret - len..self.caret, "");
        self.caret -= len;
    }

    pub fn delete_forward(&mut self) {
        let len = self.next_len();
        self.text.replace_range(self.caret..self.caret + len, "");
    }

    pub fn left(&mut self) {
        self.caret -= self.prev_len();
    }

    pub fn right(&mut self) {
        self.caret += self.next_len();
    }

    fn prev_len(&self) -> usize {
        self.text[..self.caret]
            .graphemes(true)
            .next_back()
            .map_or(0, str::len)
    }

    fn next_len(&self) -> usize {
        self.text[self.caret..]
            .graphemes(true)
            .next()
            .map_or(0, str::len)
    }

    pub fn line_start(&mut self) {
        self.caret = self.text[..self.caret].rfind('\n').map_or(0, |i| i + 1);
    }

    pub fn line_end(&mut self) {
        self.caret = self.text[self.caret..]
            .find('\n')
            .map_or(self.text.len(), |i| self.caret + i);
    }

    /// Moves the caret one visual row up or down in a layout of `cols` columns.
    pub fn vertical(&mut self, cols: usize, down: bool) {
        let layout = layout(&self.text, self.caret, cols);
        let (row, col) = layout.caret;
        let target = if down { row + 1 } else { row.wrapping_sub(1) };
        if let Some(line) = layout.rows.get(target) {
            // Find the byte offset in the target row closest to the same column.
            let mut x = 0;
            let mut offset = line.start;
            for g in self.text[line.start..line.end].graphemes(true) {
                let w = g.width();
                if x + w > col {
                    break;
                }
                x += w;
                offset += g.len();
            }
            self.caret = offset;
        }
    }
}

/// One visual row of wrapped text: a byte range of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub start: usize,
    pub end: usize,
}

/// Text wrapped to a width, with the caret's visual (row, column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub rows: Vec<Row>,
    pub caret: (usize, usize),
}

/// Wraps `text` by characters to rows of at most `cols` display columns and finds the caret.
/// A caret at the very end of a full row goes to the start of the next row, where the
/// terminal can show it.
pub fn layout(text: &str, caret: usize, cols: usize) -> Layout {
    let cols = cols.max(2);
    let mut rows = Vec::new();
    let mut caret_pos = None;
    let mut start = 0;
    let mut x = 0;
    for (i, g) in text.grapheme_indices(true) {
        if i == caret {
            caret_pos = Some((rows.len(), x));
        }
        if g == "\n" || g == "\r\n" {
            rows.push(Row { start, end: i });
            start = i + g.len();
            x = 0;
            continue;
        }
        let w = g.width();
        if x + w > cols {
            rows.push(Row { start, end: i });
            start = i;
            x = 0;
            if i == caret {
                caret_pos = Some((rows.len(), 0));
            }
        }
        x += w;
    }
    if caret_pos.is_none() {
        if x >= cols {
            rows.push(Row {
                start,
                end: text.len(),
            });
            start = text.len();
            x = 0;
        }
        caret_pos = Some((rows.len(), x));
    }
    rows.push(Row {
        start,
        end: text.len(),
    });
    Layout {
        rows,
        caret: caret_pos.unwrap_or((0, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_chinese_by_characters() {
        let mut t = TextInput::line("政务");
        t.insert('公');
        t.insert('开');
        assert_eq!(t.text(), "政务公开");
        t.left();
        t.delete_back();
        assert_eq!(t.text(), "政务开");
        t.right();
        t.delete_forward();
        assert_eq!(t.text(), "政务开");
        t.line_start();
        t.delete_forward();
        assert_eq!(t.text(), "务开");
    }

    #[test]
    fn single_line_paste_has_no_line_breaks() {
        let mut t = TextInput::line("");
        t.paste("a\r\nb\x1b[2Jc");
        assert_eq!(t.text(), "a b[2Jc");
        let mut m = TextInput::multiline("");
        m.paste("一\r\n二");
        assert_eq!(m.text(), "一\n二");
    }

    #[test]
    fn layout_places_caret_after_wide_characters() {
        let l = layout("政务公开", "政务".len(), 10);
        assert_eq!(l.caret, (0, 4));
        // 4 columns per row: the caret after two characters moves to the next row.
        let l = layout("政务公开", "政务".len(), 4);
        assert_eq!(l.caret, (1, 0));
        assert_eq!(l.rows.len(), 2);
        let l = layout("ab\n就业", "ab\n就业".len(), 10);
        assert_eq!(l.caret, (1, 4));
    }

    #[test]
    fn an_emoji_with_its_selector_is_one_step_and_two_columns() {
        let mut t = TextInput::line("好❤\u{FE0F}");
        assert_eq!(layout(t.text(), t.caret(), 10).caret, (0, 4));
        t.left();
        assert_eq!(t.caret(), "好".len());
        t.delete_forward();
        assert_eq!(t.text(), "好");
        t.insert('1');
        t.insert('\u{FE0F}');
        t.delete_back();
        assert_eq!(t.text(), "好");
    }

    #[test]
    fn vertical_moves_by_visual_rows() {
        let mut t = TextInput::multiline("政务公开\n标准目录");
        t.vertical(20, false);
        assert_eq!(t.caret(), "政务公开".len());
        t.vertical(20, true);
        assert_eq!(t.caret(), "政务公开\n标准目录".len());
    }
}
