//! How much an imported file may make zwgk hold in memory.
//!
//! Table files are small, but what they declare is not: two cells at A1 and XFD1048576 span
//! 17 billion cells, a merged range copies its text into every cell it covers, a shared string
//! can be used by a million cells, and compressed XML inflates a thousandfold. Every reader
//! checks what it is about to hold against these limits *before* allocating it, and refuses
//! the file ([`super::ImportError::TooLarge`], exit 2) naming the file, the place and the limit.
//!
//! The limits are far above any real catalogue table (a few thousand rows × about 20 columns,
//! under a megabyte of text) and far below what would exhaust a 4 GB office PC. They are
//! documented for users in `checklists/README.md`.

/// Largest table file read (bytes on disk).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest total of the uncompressed sizes of the parts of an .xlsx or .docx (bytes).
pub const MAX_UNZIPPED_BYTES: u64 = 256 * 1024 * 1024;
/// Most shared strings (distinct cell texts) of a workbook.
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// Last row a non-empty cell may be in (1-based).
pub const MAX_ROWS: usize = 100_000;
/// Last column a non-empty cell may be in (1-based; 256 is column IV).
pub const MAX_COLS: usize = 256;
/// Most cells (rows × columns of each table's grid, added up over the file's tables).
pub const MAX_CELLS: usize = 2_000_000;
/// Most cell text of a file (bytes of UTF-8, added up over its tables; a merged cell counts
/// once for every cell it covers, since each of them reads as its text).
pub const MAX_TEXT_BYTES: usize = 128 * 1024 * 1024;

/// Which limit a file goes over, with what the file has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limit {
    /// The file on disk is larger than [`MAX_FILE_BYTES`].
    FileSize { size: u64 },
    /// A zip part (or all of them, `part` empty) unpacks to more than [`MAX_UNZIPPED_BYTES`].
    Unzipped { part: String, size: u64 },
    /// More shared strings than [`MAX_SHARED_STRINGS`].
    SharedStrings { count: u64 },
    /// A non-empty cell (0-based) beyond [`MAX_ROWS`] or [`MAX_COLS`].
    Cell { row: u64, col: u64 },
    /// More cells than [`MAX_CELLS`] (the count reached).
    Cells { cells: u64 },
    /// More cell text than [`MAX_TEXT_BYTES`].
    Text,
}

impl Limit {
    /// The cell position as a spreadsheet reference, e.g. `XFD1048576`.
    fn cell_name(row: u64, col: u64) -> String {
        format!(
            "{}{}",
            super::table::column_letter(usize::try_from(col).unwrap_or(usize::MAX - 1)),
            row.saturating_add(1)
        )
    }

    /// English text, after the file and place.
    pub fn english(&self) -> String {
        match self {
            Limit::FileSize { size } => format!(
                "the file is {size} bytes, more than the {MAX_FILE_BYTES} bytes a table file may have"
            ),
            Limit::Unzipped { part, size } if part.is_empty() => format!(
                "the file unpacks to {size} bytes, more than the {MAX_UNZIPPED_BYTES} bytes a table file may have"
            ),
            Limit::Unzipped { part, size } => format!(
                "{part} unpacks to {size} bytes, more than the {MAX_UNZIPPED_BYTES} bytes a table file may have"
            ),
            Limit::SharedStrings { count } => format!(
                "the workbook declares {count} shared strings, more than the {MAX_SHARED_STRINGS} a table may have"
            ),
            Limit::Cell { row, col } => format!(
                "cell {} is outside the {MAX_ROWS} rows × {MAX_COLS} columns (A1:{}) a table may use; delete what lies far below or right of the table",
                Limit::cell_name(*row, *col),
                Limit::cell_name(MAX_ROWS as u64 - 1, MAX_COLS as u64 - 1)
            ),
            Limit::Cells { cells } => format!(
                "the tables have at least {cells} cells (rows × columns, merged cells included), more than the {MAX_CELLS} a file may have"
            ),
            Limit::Text => format!(
                "the cells hold more than {} MiB of text (a merged cell counted once per cell it covers), more than a table file may have",
                MAX_TEXT_BYTES / (1024 * 1024)
            ),
        }
    }

    /// Chinese text, after the file and place.
    pub fn chinese(&self) -> String {
        match self {
            Limit::FileSize { size } => {
                format!("文件大小 {size} 字节,超过导入上限 {MAX_FILE_BYTES} 字节")
            }
            Limit::Unzipped { part, size } if part.is_empty() => {
                format!("文件解压后共 {size} 字节,超过导入上限 {MAX_UNZIPPED_BYTES} 字节")
            }
            Limit::Unzipped { part, size } => {
                format!("文件中的 {part} 解压后 {size} 字节,超过导入上限 {MAX_UNZIPPED_BYTES} 字节")
            }
            Limit::SharedStrings { count } => {
                format!("工作簿声明了 {count} 个共享字符串,超过导入上限 {MAX_SHARED_STRINGS} 个")
            }
            Limit::Cell { row, col } => format!(
                "单元格 {} 超出导入范围(最多 {MAX_ROWS} 行 × {MAX_COLS} 列,即 A1:{});请删去表格下方或右侧远处的内容后再导入",
                Limit::cell_name(*row, *col),
                Limit::cell_name(MAX_ROWS as u64 - 1, MAX_COLS as u64 - 1)
            ),
            Limit::Cells { cells } => format!(
                "表格至少有 {cells} 个单元格(行数 × 列数,含合并单元格),超过导入上限 {MAX_CELLS} 个"
            ),
            Limit::Text => format!(
                "单元格文字超过 {} MiB(合并单元格按所占格数计),超过导入上限",
                MAX_TEXT_BYTES / (1024 * 1024)
            ),
        }
    }
}

/// What the tables of one file have used so far; every reader of the file draws on one budget.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    cells: usize,
    text: usize,
}

impl Budget {
    /// A fresh budget for one file.
    pub fn new() -> Budget {
        Budget::default()
    }

    /// Takes `n` cells.
    pub fn cells(&mut self, n: usize) -> Result<(), Limit> {
        self.cells = self.cells.saturating_add(n);
        if self.cells > MAX_CELLS {
            return Err(Limit::Cells {
                cells: self.cells as u64,
            });
        }
        Ok(())
    }

    /// Takes `n` bytes of text.
    pub fn text(&mut self, n: usize) -> Result<(), Limit> {
        self.text = self.text.saturating_add(n);
        if self.text > MAX_TEXT_BYTES {
            return Err(Limit::Text);
        }
        Ok(())
    }

    /// Cells taken so far.
    pub fn cells_used(&self) -> usize {
        self.cells
    }
}

/// Refuses a non-empty cell (0-based) outside the rows and columns a table may use.
pub fn check_cell(row: u64, col: u64) -> Result<(), Limit> {
    if row >= MAX_ROWS as u64 || col >= MAX_COLS as u64 {
        return Err(Limit::Cell { row, col });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_refuses_past_the_limits() {
        let mut b = Budget::new();
        assert!(b.cells(MAX_CELLS).is_ok());
        assert_eq!(
            b.cells(1),
            Err(Limit::Cells {
                cells: MAX_CELLS as u64 + 1
            })
        );
        let mut b = Budget::new();
        assert!(b.text(MAX_TEXT_BYTES).is_ok());
        assert_eq!(b.text(1), Err(Limit::Text));
        assert!(check_cell(MAX_ROWS as u64 - 1, MAX_COLS as u64 - 1).is_ok());
        let far = check_cell(1_048_575, 16_383).unwrap_err();
        assert!(
            far.chinese().contains("单元格 XFD1048576"),
            "{}",
            far.chinese()
        );
        assert!(
            far.english().contains("cell XFD1048576"),
            "{}",
            far.english()
        );
    }
}
