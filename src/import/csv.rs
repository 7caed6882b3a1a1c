//! CSV files in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GBK/GB18030
//! (what Chinese-locale Excel and WPS write).

use std::path::Path;

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use super::error::{ImportError, Where};
use super::table::{MAX_CELLS, Place, Table};

/// Largest CSV file read (bytes).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The file as one table.
pub fn read(path: &Path) -> Result<Table, ImportError> {
    let io = |source| ImportError::Io {
        file: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_BYTES {
        return Err(too_large(path, 0, 0));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let (text, encoding) = decode(&bytes);
    parse(path, &text, encoding)
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

fn parse(path: &Path, text: &str, encoding: &'static str) -> Result<Table, ImportError> {
    let delimiter = sniff_delimiter(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Csv {
            file: path.to_path_buf(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        rows.push(record.iter().map(str::to_string).collect::<Vec<_>>());
    }
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    if rows.len().saturating_mul(cols) > MAX_CELLS {
        return Err(too_large(path, rows.len(), cols));
    }
    let mut table = Table::new(Place::Csv, rows, Vec::new());
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

/// The error for a CSV file over the size or cell limit.
fn too_large(path: &Path, rows: usize, cols: usize) -> ImportError {
    ImportError::TooLarge {
        file: path.to_path_buf(),
        place: Where {
            place: Place::Csv,
            block: None,
            file_name: file_name(path),
        },
        rows,
        cols,
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
