//! Workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods) through calamine, with merged cells.

use std::path::Path;

use calamine::{Data, Dimensions, Reader, Sheets, open_workbook_auto};

use super::error::{ImportError, Where};
use super::table::{MAX_CELLS, Place, Region, Table};

/// Every non-empty worksheet of the workbook, in workbook order.
pub fn read(path: &Path) -> Result<Vec<Table>, ImportError> {
    let mut book = open_workbook_auto(path).map_err(|e| ImportError::Workbook {
        file: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let names = book.sheet_names();
    let mut tables = Vec::new();
    for name in names {
        let sheet_error = |message: String| ImportError::Sheet {
            file: path.to_path_buf(),
            sheet: name.clone(),
            message,
        };
        let range = book
            .worksheet_range(&name)
            .map_err(|e| sheet_error(e.to_string()))?;
        let merges = merges(&mut book, &name).map_err(sheet_error)?;
        let mut max_row = 0;
        let mut max_col = 0;
        let mut any = false;
        for (r, c, value) in range.used_cells() {
            if !matches!(value, Data::Empty) && !text(value).trim().is_empty() {
                let (sr, sc) = range.start().unwrap_or((0, 0));
                max_row = max_row.max(sr as usize + r);
                max_col = max_col.max(sc as usize + c);
                any = true;
            }
        }
        if !any {
            continue;
        }
        let (rows, cols) = (max_row + 1, max_col + 1);
        if rows.saturating_mul(cols) > MAX_CELLS {
            return Err(ImportError::TooLarge {
                file: path.to_path_buf(),
                place: Where {
                    place: Place::Sheet(name.clone()),
                    block: None,
                    file_name: String::new(),
                },
                rows,
                cols,
            });
        }
        let mut cells = vec![vec![String::new(); cols]; rows];
        let (sr, sc) = range.start().unwrap_or((0, 0));
        for (r, c, value) in range.used_cells() {
            let (r, c) = (sr as usize + r, sc as usize + c);
            if r < rows && c < cols {
                cells[r][c] = text(value);
            }
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
        tables.push(Table::new(Place::Sheet(name.clone()), cells, regions));
    }
    Ok(tables)
}

fn merges<R: std::io::Read + std::io::Seek>(
    book: &mut Sheets<R>,
    name: &str,
) -> Result<Vec<Dimensions>, String> {
    match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).map_err(|e| e.to_string()),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).map_err(|e| e.to_string()),
        // .xlsb and .ods merges are not exposed by calamine; their cells read unmerged.
        _ => Ok(Vec::new()),
    }
}

/// The text of a cell as a person sees it: whole numbers without ".0".
fn text(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}
