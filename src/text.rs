//! Text helpers that measure display width (Chinese characters take two columns) and
//! clean text from files before it reaches a terminal.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Removes everything that could move the cursor or change the terminal: control characters
/// (including ESC, so no escape sequence survives), bidi overrides and zero-width characters.
/// Tabs become a space; line breaks are kept only when `keep_newlines`.
pub fn sanitize(s: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        // bidi embeddings, overrides and isolates
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || c == '\u{200E}'
        || c == '\u{200F}'
        || c == '\u{061C}'
        // zero-width and invisible formatting characters
        || ('\u{200B}'..='\u{200D}').contains(&c)
        || c == '\u{2060}'
        || c == '\u{FEFF}'
        || c == '\u{00AD}'
}

/// Pads `s` with spaces on the right to `cols` columns (never cuts).
pub fn pad(s: &str, cols: usize) -> String {
    let w = width(s);
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// Cuts `s` to at most `cols` columns, ending with `…` when something was cut.
pub fn truncate(s: &str, cols: usize) -> String {
    if width(s) <= cols {
        return s.to_string();
    }
    if cols == 0 {
        return String::new();
    }
    let mut out = String::new();
    // By grapheme (a character and its variation selector go together), and measuring the
    // whole prefix: string width is not always the sum of its pieces' widths.
    for g in s.graphemes(true) {
        let before = out.len();
        out.push_str(g);
        if width(&out) > cols - 1 {
            out.truncate(before);
            break;
        }
    }
    out.push('…');
    out
}

/// Text cut to `cols` display columns by leaving out its middle (`…` stands for what is left
/// out), so both the start and the end stay readable: the folder and the file name of a path.
pub fn shorten_middle(s: &str, cols: usize) -> String {
    if width(s) <= cols {
        return s.to_string();
    }
    if cols < 5 {
        return truncate(s, cols);
    }
    let graphemes: Vec<&str> = s.graphemes(true).collect();
    let room = cols - 1;
    // The end gets the larger half: a file name is worth more than the folders above it.
    let mut tail = String::new();
    let mut tail_w = 0;
    let mut cut = graphemes.len();
    while cut > 0 {
        let w = width(graphemes[cut - 1]);
        if tail_w + w > room - room / 3 {
            break;
        }
        tail_w += w;
        cut -= 1;
    }
    for g in &graphemes[cut..] {
        tail.push_str(g);
    }
    let mut head = String::new();
    for g in &graphemes[..cut] {
        if width(&head) + width(g) + tail_w > room {
            break;
        }
        head.push_str(g);
    }
    format!("{head}…{tail}")
}

/// Wraps text to lines of at most `cols` columns. Breaks at spaces in Latin text and
/// between any two Chinese characters; keeps explicit line breaks.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(2);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        for word in split_words(para) {
            // Measure the line with the word, not the sum of pieces: string width is not
            // always additive (combining marks, variation selectors).
            if !line.is_empty() && width(&format!("{line}{word}")) > cols {
                lines.push(line.trim_end().to_string());
                line.clear();
                if word == " " {
                    continue;
                }
            }
            if width(word) > cols {
                // A single word longer than the line: cut it between graphemes.
                for g in word.graphemes(true) {
                    if !line.is_empty() && width(&format!("{line}{g}")) > cols {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push_str(g);
                }
            } else {
                line.push_str(word);
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Punctuation that must not start a line (it stays with the character before it).
const NO_LINE_START: &str = "、,。;:!?)》」』】〉”’,.;:!?)]}%";
/// Punctuation that must not end a line (it goes with the character after it).
const NO_LINE_END: &str = "(《「『【〈“‘([{";

/// Splits into breakable units: runs of non-space ASCII, single spaces, single graphemes of
/// other text (a Chinese character, an emoji with its selector); closing punctuation joins the
/// unit before it and opening punctuation the unit after it, so no line starts with 、 or ends
/// with 《.
fn split_words(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let mut end = unit_end(rest);
        // An opening mark takes the next unit with it.
        if NO_LINE_END.contains(first) && !rest[end..].starts_with(' ') {
            end += unit_end(&rest[end..]);
        }
        // Closing marks stick to what precedes them.
        while let Some(g) = rest[end..].graphemes(true).next() {
            if !g.chars().next().is_some_and(|c| NO_LINE_START.contains(c)) {
                break;
            }
            end += g.len();
        }
        let (word, tail) = rest.split_at(end);
        rest = tail;
        Some(word)
    })
}

/// The byte length of the basic unit at the start of `s` (0 when empty).
fn unit_end(s: &str) -> usize {
    let is_word = |g: &str| g.len() == 1 && g != " " && g.is_ascii();
    let mut graphemes = s.grapheme_indices(true);
    let Some((_, first)) = graphemes.next() else {
        return 0;
    };
    if !is_word(first) {
        return first.len();
    }
    let mut end = first.len();
    for (i, g) in graphemes {
        if !is_word(g) {
            break;
        }
        end = i + g.len();
    }
    end
}

/// A file name made from free text: path separators, control and reserved characters become
/// `_` (Windows reserves `<>:"/\\|?*`), Chinese is kept.
pub fn file_name_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_middle_is_left_out_and_both_ends_stay() {
        let path =
            "已导出 /home/zhang/.local/share/zwgk/reports/胡集镇人民政府-2026年下半年回头看.xlsx";
        let short = shorten_middle(path, 40);
        assert!(width(&short) <= 40, "{short}");
        assert!(short.starts_with("已导出 /home"), "{short}");
        assert!(short.ends_with("回头看.xlsx"), "{short}");
        assert!(short.contains('…'));
        assert_eq!(shorten_middle("短", 10), "短");
    }

    #[test]
    fn width_counts_chinese_as_two() {
        assert_eq!(width("就业"), 4);
        assert_eq!(width("a就"), 3);
    }

    #[test]
    fn sanitize_drops_escapes_and_bidi() {
        assert_eq!(sanitize("a\u{1b}[31mb", false), "a[31mb");
        assert_eq!(sanitize("x\u{202E}y\u{200B}z", false), "xyz");
        assert_eq!(sanitize("1\n2\t3", false), "1 2 3");
        assert_eq!(sanitize("1\n2", true), "1\n2");
    }

    #[test]
    fn pad_and_truncate_measure_columns() {
        assert_eq!(pad("就业", 6), "就业  ");
        assert_eq!(truncate("政务公开标准", 7), "政务公…");
        assert_eq!(width(&truncate("政务公开标准", 7)), 7);
        assert_eq!(truncate("abc", 3), "abc");
    }

    #[test]
    fn wrap_breaks_between_chinese_characters() {
        let lines = wrap("政务公开标准目录", 6);
        assert_eq!(lines, vec!["政务公", "开标准", "目录"]);
        let lines = wrap("hello world 就业", 8);
        assert_eq!(lines, vec!["hello", "world 就", "业"]);
        assert!(wrap("abcdefghij", 4).iter().all(|l| width(l) <= 4));
    }

    #[test]
    fn a_character_and_its_variation_selector_are_measured_together() {
        // Fuzzing found these: each pair is 2 columns wide, not 1 + 0.
        assert!(
            wrap("a0\u{FE0F}", 2).iter().all(|l| width(l) <= 2),
            "{:?}",
            wrap("a0\u{FE0F}", 2)
        );
        assert!(
            width(&truncate("❤\u{FE0F} xx", 2)) <= 2,
            "{}",
            truncate("❤\u{FE0F} xx", 2)
        );
        assert!(wrap("a”\u{FE01}b", 3).iter().all(|l| width(l) <= 3));
        // Nothing is lost or reordered.
        assert_eq!(wrap("a0\u{FE0F}", 2).concat(), "a0\u{FE0F}");
        // A lone combining mark changes the width of what follows it: lines are measured whole.
        for line in wrap("\u{300}\u{17D8}", 2) {
            assert!(
                width(&line) <= 2 || line.graphemes(true).count() == 1,
                "{line:?}"
            );
        }
    }

    #[test]
    fn wrap_keeps_punctuation_off_line_starts() {
        // 、 would start the second line; it moves down with the character before it.
        assert_eq!(wrap("政务公开、标准", 8), vec!["政务公", "开、标准"]);
        assert_eq!(wrap("渠道(必选)", 9), vec!["渠道(必", "选)"]);
        assert_eq!(
            wrap("见《条例》第一条", 6),
            vec!["见《条", "例》第", "一条"]
        );
        for line in wrap(
            "申请指南:政策依据;补贴对象、补贴范围、补贴标准、申请程序",
            10,
        ) {
            assert!(!line.starts_with(['、', ';', ':', ')']), "{line}");
            assert!(width(&line) <= 10, "{line}");
        }
    }
}
