//! Text helpers: arbitrary bytes (as lossy UTF-8) -> `text::sanitize`, `text::wrap`,
//! `text::truncate`.
//!
//! Properties:
//! * `sanitize(s, keep_newlines)` leaves no char for which `char::is_control()` holds, except
//!   `'\n'` when `keep_newlines`; and sanitizing again changes nothing;
//! * `wrap(t, cols)` for cols in 2..80: no line holds `'\n'`, every line is at most `cols`
//!   columns wide by `text::width` (unless the line is a single char wider than that), and
//!   no non-whitespace char is lost or reordered;
//! * `truncate(t, cols)` for cols in 0..80: at most `cols` columns by `text::width`; `t`
//!   itself when it fits; otherwise a prefix of `t` followed by `…` (for cols > 0).
//!
//! `t` is the text as the app passes it: `sanitize(s, true)` for `wrap` and
//! `sanitize(s, false)` for `truncate` (the UI sanitizes file text before measuring it).
//! With `ZWGK_FUZZ_RAW=1` in the environment the width properties are checked on the raw
//! `s` as well; that mode fails at once on control characters (see fuzz/README.md).
//! Without it, `wrap` and `truncate` still run on the raw `s` and must not panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use unicode_segmentation::UnicodeSegmentation;
use zwgk::text::{sanitize, truncate, width, wrap};

fn raw_mode() -> bool {
    static RAW: OnceLock<bool> = OnceLock::new();
    *RAW.get_or_init(|| std::env::var_os("ZWGK_FUZZ_RAW").is_some_and(|v| v == "1"))
}

fn check_wrap(s: &str) {
    let visible: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    for cols in 2..80 {
        let lines = wrap(s, cols);
        for line in &lines {
            assert!(
                !line.contains('\n'),
                "wrap({s:?}, {cols}) line {line:?} holds a newline"
            );
            let w = width(line);
            assert!(
                w <= cols || line.graphemes(true).count() == 1,
                "wrap({s:?}, {cols}) gave line {line:?} of width {w}"
            );
        }
        let kept: String = lines
            .concat()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert_eq!(
            kept, visible,
            "wrap({s:?}, {cols}) lost or moved text: {lines:?}"
        );
    }
}

fn check_truncate(s: &str) {
    let total = width(s);
    for cols in 0..80 {
        let t = truncate(s, cols);
        let w = width(&t);
        assert!(w <= cols, "truncate({s:?}, {cols}) = {t:?} has width {w}");
        if total <= cols {
            assert_eq!(t, s, "truncate({s:?}, {cols}) changed text that fits");
        } else if cols > 0 {
            let head = t.strip_suffix('…').unwrap_or_else(|| {
                panic!("truncate({s:?}, {cols}) = {t:?} cut without an ellipsis")
            });
            assert!(
                s.starts_with(head),
                "truncate({s:?}, {cols}) = {t:?} is not a prefix"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let s: &str = &s;

    for keep_newlines in [true, false] {
        let clean = sanitize(s, keep_newlines);
        for c in clean.chars() {
            assert!(
                !c.is_control() || (keep_newlines && c == '\n'),
                "sanitize({s:?}, {keep_newlines}) kept control char {c:?}: {clean:?}"
            );
        }
        assert_eq!(
            sanitize(&clean, keep_newlines),
            clean,
            "sanitize is not idempotent"
        );
    }

    check_wrap(&sanitize(s, true));
    check_truncate(&sanitize(s, false));

    if raw_mode() {
        check_wrap(s);
        check_truncate(s);
    } else {
        for cols in [2, 7, 40] {
            let _ = wrap(s, cols);
        }
        for cols in [0, 1, 7, 40] {
            let _ = truncate(s, cols);
        }
    }
});
