//! A table read from a file: a grid of cell texts with its merged regions, whatever the format.

use super::limits::{Budget, Limit};

/// Where a table was found in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A worksheet of a workbook, by name.
    Sheet(String),
    /// The n-th table (1-based) of a Word document.
    DocxTable(usize),
    /// The whole CSV file.
    Csv,
}

/// A merged region, inclusive, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub top: usize,
    pub left: usize,
    pub bottom: usize,
    pub right: usize,
}

impl Region {
    fn contains(&self, row: usize, col: usize) -> bool {
        (self.top..=self.bottom).contains(&row) && (self.left..=self.right).contains(&col)
    }
}

/// A rectangular grid of cell texts. Every cell of a merged region reads as the region's
/// top-left cell, so a 一级事项 merged over five rows reads the same on each of them.
#[derive(Debug, Clone)]
pub struct Table {
    /// Where the table is.
    pub place: Place,
    /// Text just above the table in a Word document (usually its title).
    pub caption: Option<String>,
    /// Text encoding, for CSV files.
    pub encoding: Option<&'static str>,
    cells: Vec<Vec<String>>,
    /// For each cell inside a merged region, the index of the region in `regions`.
    region_of: Vec<Vec<Option<usize>>>,
    regions: Vec<Region>,
    width: usize,
}

impl Table {
    /// A table from raw rows (which may differ in length) and merged regions. Regions outside
    /// the grid are cut to it; cells of a region take the text of its top-left cell. No limits:
    /// for tables built by zwgk itself; readers of files use [`Table::checked`].
    pub fn new(place: Place, cells: Vec<Vec<String>>, regions: Vec<Region>) -> Table {
        let (cells, width) = trim(cells);
        let regions = clip(regions, cells.len(), width);
        Table::fill(place, cells, width, regions)
    }

    /// [`Table::new`], after taking the grid (rows × columns), the cells of merged regions and
    /// the text those regions copy from the file's budget; refuses the table, before making its
    /// grid, when that goes over a limit. The readers have taken the text of the cells as read.
    pub fn checked(
        place: Place,
        cells: Vec<Vec<String>>,
        regions: Vec<Region>,
        budget: &mut Budget,
    ) -> Result<Table, Limit> {
        let (cells, width) = trim(cells);
        budget.cells(cells.len().saturating_mul(width))?;
        let regions = clip(regions, cells.len(), width);
        for r in &regions {
            let area = (r.bottom - r.top + 1).saturating_mul(r.right - r.left + 1);
            budget.cells(area)?;
            let text = cells.get(r.top).and_then(|row| row.get(r.left));
            budget.text(text.map_or(0, String::len).saturating_mul(area - 1))?;
        }
        Ok(Table::fill(place, cells, width, regions))
    }

    /// Pads the rows to `width` and fills the regions (already cut to the grid).
    fn fill(
        place: Place,
        mut cells: Vec<Vec<String>>,
        width: usize,
        regions: Vec<Region>,
    ) -> Table {
        for row in &mut cells {
            row.resize(width, String::new());
        }
        let height = cells.len();
        let mut region_of = vec![vec![None; width]; height];
        let mut kept = Vec::new();
        for r in regions {
            let index = kept.len();
            let text = cells[r.top][r.left].clone();
            for (row, marks) in cells
                .iter_mut()
                .zip(region_of.iter_mut())
                .take(r.bottom + 1)
                .skip(r.top)
            {
                for col in r.left..=r.right {
                    if marks[col].is_none() {
                        marks[col] = Some(index);
                        row[col] = text.clone();
                    }
                }
            }
            kept.push(r);
        }
        Table {
            place,
            caption: None,
            encoding: None,
            cells,
            region_of,
            regions: kept,
            width,
        }
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.cells.len()
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The text of a cell (of its merged region's top-left cell), or "" outside the grid.
    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.cells
            .get(row)
            .and_then(|r| r.get(col))
            .map_or("", String::as_str)
    }

    /// The merged region a cell belongs to.
    pub fn region(&self, row: usize, col: usize) -> Option<Region> {
        let i = (*self.region_of.get(row)?.get(col)?)?;
        self.regions.get(i).copied()
    }

    /// True when the cell is inside a merged region but not its top-left cell: it repeats text
    /// that was written once.
    pub fn is_continuation(&self, row: usize, col: usize) -> bool {
        self.region(row, col)
            .is_some_and(|r| (r.top, r.left) != (row, col))
    }

    /// True when (row, col) and (row - 1, col) are in the same merged region.
    pub fn merged_with_above(&self, row: usize, col: usize) -> bool {
        row > 0
            && self
                .region(row, col)
                .is_some_and(|r| r.top < row && r.contains(row - 1, col))
    }

    /// True when the cell's merged region spans more than one column.
    pub fn merged_across(&self, row: usize, col: usize) -> bool {
        self.region(row, col).is_some_and(|r| r.right > r.left)
    }

    /// True when every cell of the row is blank.
    pub fn row_is_blank(&self, row: usize) -> bool {
        (0..self.width).all(|c| self.cell(row, c).trim().is_empty())
    }

    /// The different non-blank texts of a row, in column order.
    pub fn distinct_texts(&self, row: usize) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for c in 0..self.width {
            let t = self.cell(row, c).trim();
            if !t.is_empty() && !seen.contains(&t) {
                seen.push(t);
            }
        }
        seen
    }
}

/// Drops trailing empty rows and columns; returns the rows and the width of the widest one.
fn trim(mut cells: Vec<Vec<String>>) -> (Vec<Vec<String>>, usize) {
    while cells
        .last()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        cells.pop();
    }
    let width = cells
        .iter()
        .map(|r| {
            r.iter()
                .rposition(|c| !c.trim().is_empty())
                .map_or(0, |i| i + 1)
        })
        .max()
        .unwrap_or(0);
    for row in &mut cells {
        row.truncate(width);
    }
    (cells, width)
}

/// The regions that cover more than one cell of a `height` × `width` grid, cut to it.
fn clip(regions: Vec<Region>, height: usize, width: usize) -> Vec<Region> {
    regions
        .into_iter()
        .filter(|r| r.top < height && r.left < width && r.bottom >= r.top && r.right >= r.left)
        .map(|r| Region {
            bottom: r.bottom.min(height - 1),
            right: r.right.min(width - 1),
            ..r
        })
        .filter(|r| r.top != r.bottom || r.left != r.right)
        .collect()
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn merged_cells_repeat_the_top_left_text() {
        let t = Table::new(
            Place::Csv,
            s(&[&["a", "", "x"], &["", "", "y"], &["", "", ""]]),
            vec![Region {
                top: 0,
                left: 0,
                bottom: 1,
                right: 1,
            }],
        );
        assert_eq!(t.height(), 2, "trailing blank row dropped");
        assert_eq!(t.cell(1, 1), "a");
        assert!(t.is_continuation(1, 0));
        assert!(!t.is_continuation(0, 0));
        assert!(t.merged_with_above(1, 1));
        assert!(t.merged_across(0, 0));
        assert_eq!(t.cell(5, 5), "");
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }
}
