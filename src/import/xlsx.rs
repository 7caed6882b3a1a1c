//! Workbooks (.xlsx, .xlsm, .xlsb, .xls) through calamine, with merged cells.
//!
//! The format is told by the bytes, not the name (many systems export .xlsx files named .xls).
//! Zip workbooks are checked against the import limits before calamine opens them (the sizes
//! their parts unpack to, the number of shared strings calamine reserves room for) and read
//! cell by cell with calamine's cell readers, so that a sheet is never made into a grid
//! before its used cells have been checked: calamine's `worksheet_range` would allocate the
//! bounding box of the cells at once (A1 and XFD1048576: 512 GB). An .xls is checked by
//! [`super::xls`] first, since calamine reads it whole while opening it.

use std::borrow::Cow;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Reader, Xls, Xlsb, Xlsx, XlsxError};
use quick_xml::events::Event;

use super::error::{ImportError, Where};
use super::limits::{Budget, Limit, MAX_CELLS, MAX_SHARED_STRINGS, MAX_UNZIPPED_BYTES, check_cell};
use super::table::{Place, Region, Table};
use super::xls::{CFB_MAGIC, XlsProblem};

/// Every non-empty worksheet of the workbook in `bytes`, in workbook order.
pub fn read(path: &Path, bytes: &[u8], budget: &mut Budget) -> Result<Vec<Table>, ImportError> {
    let broken = |message: String| ImportError::Workbook {
        file: path.to_path_buf(),
        message,
    };
    let too_large = |sheet: Option<String>, limit| ImportError::TooLarge {
        file: path.to_path_buf(),
        place: sheet.map(|s| Where {
            place: Place::Sheet(s),
            block: None,
            file_name: String::new(),
        }),
        limit: Box::new(limit),
    };
    if bytes.starts_with(CFB_MAGIC) {
        super::xls::check(bytes).map_err(|p| match p {
            XlsProblem::Broken(m) => broken(m),
            XlsProblem::Limit(sheet, limit) => too_large(sheet, limit),
        })?;
        return read_xls(path, bytes, budget);
    }
    if !bytes.starts_with(b"PK") {
        return Err(broken("neither an .xlsx nor an .xls workbook".into()));
    }
    let xlsb = check_zip(bytes).map_err(|p| match p {
        ZipProblem::Broken(m) => broken(m),
        ZipProblem::Limit(limit) => too_large(None, limit),
    })?;
    if xlsb {
        let mut book: Xlsb<_> = guarded(|| calamine::open_workbook_from_rs(Cursor::new(bytes)))
            .map_err(&broken)?
            .map_err(|e: calamine::XlsbError| broken(e.to_string()))?;
        let mut tables = Vec::new();
        for name in book.sheet_names() {
            let malformed = |m: String| ImportError::Sheet {
                file: path.to_path_buf(),
                sheet: name.clone(),
                message: m,
            };
            let sheet_error = |e: calamine::XlsbError| malformed(e.to_string());
            let mut reader = guarded(|| book.worksheet_cells_reader(&name))
                .map_err(malformed)?
                .map_err(sheet_error)?;
            let mut grid = Grid::default();
            while let Some(cell) = guarded(|| reader.next_cell())
                .map_err(malformed)?
                .map_err(sheet_error)?
            {
                let (r, c) = cell.get_position();
                grid.add(r, c, text(cell.get_value()), budget)
                    .map_err(|l| too_large(Some(name.clone()), l))?;
            }
            drop(reader);
            // calamine does not expose the merged cells of .xlsb sheets; they read unmerged.
            if let Some(t) = grid
                .table(&name, Vec::new(), budget)
                .map_err(|l| too_large(Some(name.clone()), l))?
            {
                tables.push(t);
            }
        }
        return Ok(tables);
    }
    let mut book: Xlsx<_> = guarded(|| calamine::open_workbook_from_rs(Cursor::new(bytes)))
        .map_err(&broken)?
        .map_err(|e: XlsxError| broken(e.to_string()))?;
    let mut tables = Vec::new();
    for name in book.sheet_names() {
        let malformed = |m: String| ImportError::Sheet {
            file: path.to_path_buf(),
            sheet: name.clone(),
            message: m,
        };
        let sheet_error = |e: XlsxError| malformed(e.to_string());
        let mut grid = Grid::default();
        match guarded(|| book.worksheet_cells_reader(&name)).map_err(malformed)? {
            Ok(mut reader) => {
                while let Some(cell) = guarded(|| reader.next_cell())
                    .map_err(malformed)?
                    .map_err(sheet_error)?
                {
                    let (r, c) = cell.get_position();
                    grid.add(r, c, text(cell.get_value()), budget)
                        .map_err(|l| too_large(Some(name.clone()), l))?;
                }
            }
            // A chart sheet or dialog sheet holds no cells.
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(sheet_error(e)),
        }
        let merges = guarded(|| book.merge_cells_by_sheet_name(&name))
            .map_err(malformed)?
            .map_err(sheet_error)?;
        if let Some(t) = grid
            .table(&name, merges, budget)
            .map_err(|l| too_large(Some(name.clone()), l))?
        {
            tables.push(t);
        }
    }
    Ok(tables)
}

fn read_xls(path: &Path, bytes: &[u8], budget: &mut Budget) -> Result<Vec<Table>, ImportError> {
    let too_large = |sheet: &str, limit| ImportError::TooLarge {
        file: path.to_path_buf(),
        place: Some(Where {
            place: Place::Sheet(sheet.to_string()),
            block: None,
            file_name: String::new(),
        }),
        limit: Box::new(limit),
    };
    let broken = |message: String| ImportError::Workbook {
        file: path.to_path_buf(),
        message,
    };
    let mut book: Xls<_> = guarded(|| calamine::open_workbook_from_rs(Cursor::new(bytes)))
        .map_err(broken)?
        .map_err(|e: calamine::XlsError| ImportError::Workbook {
            file: path.to_path_buf(),
            message: e.to_string(),
        })?;
    let mut tables = Vec::new();
    for name in book.sheet_names() {
        let malformed = |m: String| ImportError::Sheet {
            file: path.to_path_buf(),
            sheet: name.clone(),
            message: m,
        };
        let sheet_error = |e: calamine::XlsError| malformed(e.to_string());
        let range = guarded(|| book.worksheet_range(&name))
            .map_err(malformed)?
            .map_err(sheet_error)?;
        let merges = guarded(|| book.merge_cells_by_sheet_name(&name))
            .map_err(malformed)?
            .map_err(sheet_error)?;
        let (sr, sc) = range.start().unwrap_or((0, 0));
        let mut grid = Grid::default();
        for (r, c, value) in range.used_cells() {
            let (r, c) = (sr.saturating_add(r as u32), sc.saturating_add(c as u32));
            grid.add(r, c, data_text(value), budget)
                .map_err(|l| too_large(&name, l))?;
        }
        if let Some(t) = grid
            .table(&name, merges, budget)
            .map_err(|l| too_large(&name, l))?
        {
            tables.push(t);
        }
    }
    Ok(tables)
}

/// Runs a calamine call that may panic on a malformed file, and turns the panic into an error
/// text. calamine 0.38 indexes some .xls records and .xlsb shared strings by numbers from the
/// file without checking them, and multiplies cell references without checking for overflow
/// (a panic where overflow checks are on; see fuzz/README.md). The panic hook is silenced
/// meanwhile: nothing is printed, and the app's hook, which leaves the terminal's full-screen
/// mode, does not run for a panic that is handled here. Only calamine calls go through this;
/// a panic in zwgk's own code stays a crash (and a fuzzing finding).
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    result.map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("malformed file: {what}")
    })
}

/// The non-empty cells of a sheet as read, before they become a grid.
#[derive(Default)]
struct Grid {
    cells: Vec<(usize, usize, String)>,
    rows: usize,
    cols: usize,
}

impl Grid {
    /// Adds a cell (0-based) after checking its place and taking its text from the budget.
    fn add(
        &mut self,
        row: u32,
        col: u32,
        text: Cow<'_, str>,
        budget: &mut Budget,
    ) -> Result<(), Limit> {
        if text.trim().is_empty() {
            return Ok(());
        }
        check_cell(u64::from(row), u64::from(col))?;
        if self.cells.len() >= MAX_CELLS {
            return Err(Limit::Cells {
                cells: self.cells.len() as u64 + 1,
            });
        }
        budget.text(text.len())?;
        let (row, col) = (row as usize, col as usize);
        self.rows = self.rows.max(row + 1);
        self.cols = self.cols.max(col + 1);
        self.cells.push((row, col, text.into_owned()));
        Ok(())
    }

    /// The sheet as a table (`None` when it has no text), checked against the budget.
    fn table(
        self,
        name: &str,
        merges: Vec<Dimensions>,
        budget: &mut Budget,
    ) -> Result<Option<Table>, Limit> {
        if self.cells.is_empty() {
            return Ok(None);
        }
        let area = self.rows.saturating_mul(self.cols);
        if area.saturating_add(budget.cells_used()) > MAX_CELLS {
            return Err(Limit::Cells {
                cells: area.saturating_add(budget.cells_used()) as u64,
            });
        }
        let mut cells = vec![vec![String::new(); self.cols]; self.rows];
        for (r, c, text) in self.cells {
            cells[r][c] = text;
        }
        let regions = merges
            .into_iter()
            .map(|d| Region {
                top: d.start.0 as usize,
                left: d.start.1 as usize,
                bottom: d.end.0 as usize,
                right: d.end.1 as usize,
            })
            .collect();
        Table::checked(Place::Sheet(name.to_string()), cells, regions, budget).map(Some)
    }
}

/// The text of a cell as a person sees it: whole numbers without ".0".
fn text<'a>(value: &DataRef<'a>) -> Cow<'a, str> {
    match value {
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::String(s) => Cow::Owned(s.clone()),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cow::Owned(format!("{}", *f as i64))
        }
        other => Cow::Owned(Data::from(other.clone()).to_string()),
    }
}

/// [`text`] of a cell calamine read as a whole range (.xls).
fn data_text(value: &Data) -> Cow<'_, str> {
    match value {
        Data::String(s) => Cow::Borrowed(s),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cow::Owned(format!("{}", *f as i64))
        }
        other => Cow::Owned(other.to_string()),
    }
}

/// Why a zip workbook is refused before calamine opens it.
enum ZipProblem {
    Broken(String),
    Limit(Limit),
}

/// Checks the parts of a zip workbook: what they unpack to (the zip reader refuses to inflate
/// a part past its declared size, so declared sizes bound what calamine reads) and the count
/// of shared strings (calamine reserves room for the count the table declares). Returns true
/// for an .xlsb (binary parts).
fn check_zip(bytes: &[u8]) -> Result<bool, ZipProblem> {
    let broken = |e: zip::result::ZipError| ZipProblem::Broken(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(broken)?;
    let mut total = 0u64;
    let mut shared: Vec<String> = Vec::new();
    let mut xlsb = false;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(broken)?;
        let name = entry.name().map_err(broken)?.replace('\\', "/");
        total = total.saturating_add(entry.size());
        if total > MAX_UNZIPPED_BYTES {
            return Err(ZipProblem::Limit(Limit::Unzipped {
                part: String::new(),
                size: total,
            }));
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("sharedstrings.xml") {
            shared.push(entry.name().map_err(broken)?.into_owned());
        }
        if lower.ends_with("workbook.bin") {
            xlsb = true;
        }
    }
    for name in shared {
        let entry = zip.by_name(&name).map_err(broken)?;
        check_shared_strings(entry).map_err(|e| match e {
            Some(limit) => ZipProblem::Limit(limit),
            None => ZipProblem::Broken(format!("{name}: broken XML")),
        })?;
    }
    Ok(xlsb)
}

/// Counts the shared strings (`uniqueCount` and the `si` elements) without keeping them.
/// `Err(None)`: broken XML.
fn check_shared_strings<R: Read>(part: R) -> Result<(), Option<Limit>> {
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let mut buf = Vec::new();
    let mut count = 0u64;
    let over =
        |count: u64| (count > MAX_SHARED_STRINGS).then_some(Some(Limit::SharedStrings { count }));
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "sst" => {
                    let declared = e
                        .try_get_attribute("uniqueCount")
                        .ok()
                        .flatten()
                        .and_then(|a| a.value.trim().parse().ok());
                    if let Some(err) = declared.and_then(over) {
                        return Err(err);
                    }
                }
                "si" => {
                    count += 1;
                    if let Some(err) = over(count) {
                        return Err(err);
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            // calamine reports broken XML with its own message.
            Err(_) => return Err(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_guarded_call_is_an_error() {
        let r: Result<(), String> = guarded(|| {
            let n: Vec<u8> = Vec::new();
            let i = n.len() + 3;
            let _ = n[i];
        });
        assert_eq!(
            r,
            Err("malformed file: index out of bounds: the len is 0 but the index is 3".into())
        );
        assert_eq!(guarded(|| 7), Ok(7));
    }

    #[test]
    fn numbers_read_as_people_see_them() {
        assert_eq!(text(&DataRef::Float(12.0)), "12");
        assert_eq!(text(&DataRef::Float(1.5)), "1.5");
        assert_eq!(text(&DataRef::SharedString("就业")), "就业");
    }

    #[test]
    fn shared_string_counts_over_the_limit_are_refused() {
        let xml = format!(
            r#"<sst xmlns="x" count="1" uniqueCount="{}"><si><t>a</t></si></sst>"#,
            MAX_SHARED_STRINGS + 1
        );
        assert_eq!(
            check_shared_strings(xml.as_bytes()),
            Err(Some(Limit::SharedStrings {
                count: MAX_SHARED_STRINGS + 1
            }))
        );
        let ok = r#"<sst uniqueCount="2"><si><t>a</t></si><si><t>b</t></si></sst>"#;
        assert_eq!(check_shared_strings(ok.as_bytes()), Ok(()));
    }
}
