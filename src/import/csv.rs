//! CSV files in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GBK/GB18030
//! (what Chinese-locale Excel and WPS write).

use std::path::Path;

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use super::error::{ImportError, Where};
use super::limits::{Budget, Limit, MAX_CELLS, MAX_ROWS, check_cell};
use super::table::{Place, Table};

/// The bytes of a CSV file as one table (the file's size was checked by the caller).
pub fn read(path: &Path, bytes: &[u8], budget: &mut Budget) -> Result<Table, ImportError> {
    let (text, encoding) = decode(bytes);
    parse(path, &text, encoding, budget)
}

/// Decodes the bytes: a BOM decides; otherwise valid UTF-8 is UTF-8 and anything else is read
/// as GB18030 (a superset of GBK and GB2312). Returns the text and the encoding's name.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8");
    }
    if bytes.starts_with(b"\xFF\xFE") {
        let (text, _, _) = UTF_16LE.decode(bytes);
        return (text.into_owned(), "UTF-16");
    }
    if bytes.starts_with(b"\xFE\xFF") {
        let (text, _, _) = UTF_16BE.decode(bytes);
        return (text.into_owned(), "UTF-16");
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = GB18030.decode(bytes);
            (text.into_owned(), "GBK/GB18030")
        }
    }
}

fn parse(
    path: &Path,
    text: &str,
    encoding: &'static str,
    budget: &mut Budget,
) -> Result<Table, ImportError> {
    let delimiter = sniff_delimiter(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let too_large = |limit| too_large(path, limit);
    let mut rows: Vec<Vec<String>> = Vec::new();
    // Cells held so far: rows are cut after their last non-empty field, empty rows past the
    // last row a table may use are not kept, so this bounds what the file can make us hold.
    let mut held = 0usize;
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ImportError::Csv {
            file: path.to_path_buf(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        let used = (0..record.len())
            .rev()
            .find(|&i| record.get(i).is_some_and(|f| !f.trim().is_empty()))
            .map_or(0, |i| i + 1);
        if used == 0 && r >= MAX_ROWS {
            continue;
        }
        if used > 0 {
            check_cell(r as u64, (used - 1) as u64).map_err(too_large)?;
        }
        held = held.saturating_add(used.max(1));
        if held > MAX_CELLS {
            return Err(too_large(Limit::Cells { cells: held as u64 }));
        }
        let row: Vec<String> = record.iter().take(used).map(str::to_string).collect();
        budget
            .text(row.iter().map(String::len).sum())
            .map_err(too_large)?;
        rows.push(row);
    }
    let mut table = Table::checked(Place::Csv, rows, Vec::new(), budget).map_err(too_large)?;
    table.encoding = Some(encoding);
    Ok(table)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Comma, unless the first lines hold more tabs (tab-separated "Unicode text").
fn sniff_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let count = |c: char| head.chars().filter(|&x| x == c).count();
    if count('\t') > count(',') {
        b'\t'
    } else {
        b','
    }
}

/// The error for a CSV file over a limit.
fn too_large(path: &Path, limit: Limit) -> ImportError {
    ImportError::TooLarge {
        file: path.to_path_buf(),
        place: Some(Where {
            place: Place::Csv,
            block: None,
            file_name: file_name(path),
        }),
        limit: Box::new(limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings() {
        let (t, e) = decode("\u{feff}序号,公开事项".as_bytes());
        assert_eq!((t.as_str(), e), ("序号,公开事项", "UTF-8"));
        let (gbk, _, _) = GB18030.encode("序号,公开事项");
        let (t, e) = decode(&gbk);
        assert_eq!((t.as_str(), e), ("序号,公开事项", "GBK/GB18030"));
        let (t, e) = decode("a,b".as_bytes());
        assert_eq!((t.as_str(), e), ("a,b", "UTF-8"));
    }
}
