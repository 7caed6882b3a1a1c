//! CSV: the 整改台账 only — one table per file, so Excel's filter and sort work on it (the
//! domain summary and the problem list are in the Markdown, HTML and xlsx reports).
//!
//! UTF-8 with a byte-order mark so Excel and WPS open it without mojibake; CRLF line ends;
//! fields quoted when needed by the `csv` crate. A cell that starts with `=`, `+`, `-` or `@`,
//! also after leading whitespace (space, tab, CR, LF, NBSP U+00A0, ideographic space U+3000 or
//! any other Unicode space, which Excel and WPS skip), gets a leading `'` so a spreadsheet
//! shows it as text instead of running it as a formula. (The xlsx report needs no such guard:
//! it writes every text as a string cell, which is never evaluated.)

use super::{Report, ReportError};

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the ledger as CSV: a header row, then one row per task.
pub fn write(r: &Report) -> Result<Vec<u8>, ReportError> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    w.write_record(r.ledger_headers())?;
    for row in &r.ledger {
        w.write_record(r.ledger_cells(row).iter().map(|c| formula_safe(c)))?;
    }
    w.into_inner()
        .map_err(|e| ReportError::Csv(::csv::Error::from(e.into_error())))
}

/// The cell as a spreadsheet will show it as text.
pub fn formula_safe(cell: &str) -> String {
    if cell
        .trim_start_matches(char::is_whitespace)
        .starts_with(['=', '+', '-', '@'])
    {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for f in ["=1+1", "+1", "-1", "@SUM(A1)"] {
            assert_eq!(formula_safe(f), format!("'{f}"));
        }
        for f in [
            " =1+1",
            "\u{a0}=HYPERLINK(\"http://x\")",
            "\u{3000}+1",
            "\t-1",
            "\n@SUM(A1)",
            "\r\n =cmd|' /C calc'!A0",
            "\u{2003}=1",
        ] {
            assert_eq!(formula_safe(f), format!("'{f}"), "{f:?}");
        }
        assert_eq!(formula_safe("2026-11-20"), "2026-11-20");
        assert_eq!(formula_safe("a=b"), "a=b");
        assert_eq!(formula_safe(" 整改 = 完成"), " 整改 = 完成");
        assert_eq!(formula_safe(""), "");
        assert_eq!(formula_safe("\u{3000}"), "\u{3000}");
    }
}
