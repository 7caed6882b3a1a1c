//! Tables of Word documents (.docx): `word/document.xml` read with zip + quick-xml.
//!
//! Each top-level `w:tbl` is a table; `w:gridSpan` merges cells across, `w:vMerge` down
//! (`restart` opens a region, no value or `continue` extends it). A table nested in a cell
//! adds its text to that cell. The last paragraph(s) above a table are its caption (title).

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::error::{ImportError, Where};
use super::limits::{Budget, Limit, MAX_CELLS, MAX_COLS, MAX_ROWS, MAX_UNZIPPED_BYTES};
use super::table::{Place, Region, Table};

/// Every top-level table of the document (the bytes of a .docx file), in order.
pub fn read(path: &Path, bytes: &[u8], budget: &mut Budget) -> Result<Vec<Table>, ImportError> {
    let fail = |message: String| ImportError::Docx {
        file: path.to_path_buf(),
        message,
    };
    let too_large = |place: Option<Place>, limit| ImportError::TooLarge {
        file: path.to_path_buf(),
        place: place.map(|place| Where {
            place,
            block: None,
            file_name: String::new(),
        }),
        limit: Box::new(limit),
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| fail(e.to_string()))?;
    let name = zip
        .file_names()
        .flatten()
        .find(|n| {
            n.replace('\\', "/")
                .eq_ignore_ascii_case("word/document.xml")
        })
        .map(|n| n.into_owned())
        .ok_or_else(|| fail("word/document.xml is missing".into()))?;
    let entry = zip.by_name(&name).map_err(|e| fail(e.to_string()))?;
    // The zip reader refuses to inflate a part past its declared size, so the declared size
    // bounds what is read.
    if entry.size() > MAX_UNZIPPED_BYTES {
        return Err(too_large(
            None,
            Limit::Unzipped {
                part: name,
                size: entry.size(),
            },
        ));
    }
    let mut xml = String::new();
    entry
        .take(MAX_UNZIPPED_BYTES)
        .read_to_string(&mut xml)
        .map_err(|e| fail(e.to_string()))?;
    parse(&xml, budget).map_err(|e| match e {
        Fail::Xml(message) => fail(message),
        Fail::Limit(n, limit) => too_large(Some(Place::DocxTable(n)), limit),
    })
}

/// Why a document's tables could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fail {
    /// The XML is broken.
    Xml(String),
    /// Table n (1-based) goes over a limit.
    Limit(usize, Limit),
}

#[derive(Default)]
struct CellB {
    text: String,
    span: usize,
    vmerge: Option<bool>, // Some(true): restart, Some(false): continue
}

#[derive(Default)]
struct RowB {
    before: usize,
    cells: Vec<CellB>,
}

/// The tables of a `word/document.xml`. Cells past [`MAX_COLS`] in a row are left out; more
/// than [`MAX_ROWS`] rows in a table, or more than [`MAX_CELLS`] cells in the document, is
/// refused while reading.
pub fn parse(xml: &str, budget: &mut Budget) -> Result<Vec<Table>, Fail> {
    let mut reader = Reader::from_str(xml);
    // Cells held by the rows read so far, over all tables.
    let mut held = 0usize;
    let mut depth = 0usize;
    let mut rows: Vec<RowB> = Vec::new();
    let mut row: Option<RowB> = None;
    let mut cell: Option<CellB> = None;
    let mut in_text = false;
    let mut paragraph = String::new();
    let mut recent: Vec<String> = Vec::new();
    let mut caption: Option<String> = None;
    let mut tables = Vec::new();

    loop {
        let event = reader.read_event().map_err(|e| {
            Fail::Xml(format!(
                "XML error at byte {}: {e}",
                reader.buffer_position()
            ))
        })?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "tbl" => {
                        depth += 1;
                        if depth == 1 {
                            rows.clear();
                            caption = pick_caption(&recent);
                        }
                    }
                    "tr" if depth == 1 => {
                        row = Some(RowB::default());
                    }
                    "tc" if depth == 1 => {
                        cell = Some(CellB {
                            span: 1,
                            ..CellB::default()
                        });
                    }
                    "t" => in_text = true,
                    _ => property(&e, depth, row.as_mut(), cell.as_mut()),
                }
            }
            Event::Empty(e) => {
                let name = e.local_name();
                let push = match name.as_ref() {
                    "tab" => Some(' '),
                    "br" | "cr" => Some('\n'),
                    "sym" => symbol(&e),
                    _ => {
                        property(&e, depth, row.as_mut(), cell.as_mut());
                        None
                    }
                };
                if let Some(c) = push {
                    target(depth, &mut cell, &mut paragraph).push(c);
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "t" => in_text = false,
                    "p" => {
                        if depth == 0 {
                            let text = paragraph.trim().to_string();
                            paragraph.clear();
                            if !text.is_empty() {
                                recent.push(text);
                            }
                        } else if let Some(c) = cell.as_mut() {
                            c.text.push('\n');
                        }
                    }
                    "tc" if depth == 1 => {
                        if let (Some(r), Some(c)) = (row.as_mut(), cell.take())
                            && r.cells.len() < MAX_COLS
                        {
                            held += 1;
                            if held > MAX_CELLS {
                                return Err(Fail::Limit(
                                    tables.len() + 1,
                                    Limit::Cells { cells: held as u64 },
                                ));
                            }
                            r.cells.push(c);
                        }
                    }
                    "tr" if depth == 1 => {
                        if let Some(r) = row.take() {
                            if rows.len() >= MAX_ROWS {
                                return Err(Fail::Limit(
                                    tables.len() + 1,
                                    Limit::Cell {
                                        row: rows.len() as u64,
                                        col: 0,
                                    },
                                ));
                            }
                            held += 1;
                            rows.push(r);
                        }
                    }
                    "tbl" => {
                        if depth == 1 {
                            let n = tables.len() + 1;
                            let mut table = build(std::mem::take(&mut rows), budget)
                                .map_err(|limit| Fail::Limit(n, limit))?;
                            table.place = Place::DocxTable(n);
                            table.caption = caption.take();
                            tables.push(table);
                            recent.clear();
                        }
                        depth = depth.saturating_sub(1);
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => {
                target(depth, &mut cell, &mut paragraph).push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.xml10_content().as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    target(depth, &mut cell, &mut paragraph).push(c);
                }
            }
            _ => {}
        }
    }
    Ok(tables)
}

/// Where text goes: the open cell of the top-level table, or the paragraph outside tables.
fn target<'a>(
    depth: usize,
    cell: &'a mut Option<CellB>,
    paragraph: &'a mut String,
) -> &'a mut String {
    match cell {
        Some(c) if depth >= 1 => &mut c.text,
        _ => paragraph,
    }
}

/// Cell and row properties of the top-level table: gridSpan, vMerge, gridBefore.
fn property(e: &BytesStart<'_>, depth: usize, row: Option<&mut RowB>, cell: Option<&mut CellB>) {
    if depth != 1 {
        return;
    }
    let name = e.local_name();
    match (name.as_ref(), cell, row) {
        ("gridSpan", Some(c), _) => {
            c.span = val(e)
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
                .clamp(1, 512);
        }
        ("vMerge", Some(c), _) => {
            c.vmerge = Some(val(e).as_deref() == Some("restart"));
        }
        ("gridBefore", None, Some(r)) => {
            r.before = val(e).and_then(|v| v.parse().ok()).unwrap_or(0).min(512);
        }
        _ => {}
    }
}

fn val(e: &BytesStart<'_>) -> Option<String> {
    attr(e, "val")
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A `w:sym` check box or bullet from the Wingdings fonts, as the Unicode mark it shows.
fn symbol(e: &BytesStart<'_>) -> Option<char> {
    let font = attr(e, "font").unwrap_or_default();
    let code = u32::from_str_radix(&attr(e, "char")?, 16).ok()?;
    let code = if code >= 0xF000 { code - 0xF000 } else { code };
    let wingdings2 = font.eq_ignore_ascii_case("Wingdings 2");
    match (wingdings2, code) {
        (false, 0xFE) | (true, 0x52) => Some('☑'),
        (false, 0xFD) | (true, 0x53) | (true, 0x54) => Some('☒'),
        (false, 0xFC) | (true, 0x50) => Some('√'),
        (false, 0xA8) | (false, 0x6F) | (false, 0x71) | (true, 0xA3) | (true, 0x2A) => Some('□'),
        (false, 0x6E) => Some('■'),
        (false, 0x6C) => Some('●'),
        (false, 0xA1) => Some('○'),
        _ => None,
    }
}

/// The caption of a table: the last paragraph above it that reads like a title, else the last one.
fn pick_caption(recent: &[String]) -> Option<String> {
    recent
        .iter()
        .rev()
        .take(3)
        .find(|p| p.contains("目录") || p.contains("领域") || p.contains("清单"))
        .or_else(|| recent.last())
        .cloned()
}

/// The grid of one table, with gridSpan and vMerge as merged regions.
fn build(rows: Vec<RowB>, budget: &mut Budget) -> Result<Table, Limit> {
    let mut cells: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    let mut regions: Vec<Region> = Vec::new();
    // Column → index of the vertical merge region open in that column.
    let mut open: HashMap<usize, usize> = HashMap::new();
    for (r, row) in rows.into_iter().enumerate() {
        let mut line = vec![String::new(); row.before];
        let mut col = row.before;
        for cell in row.cells {
            if col >= MAX_COLS {
                break;
            }
            let span = cell.span.clamp(1, MAX_COLS - col);
            if line.len() < col + span {
                line.resize(col + span, String::new());
            }
            match (cell.vmerge, open.get(&col)) {
                (Some(false), Some(&i)) => {
                    if let Some(region) = regions.get_mut(i) {
                        region.bottom = r;
                    }
                }
                _ => {
                    line[col] = cell.text.trim_end().to_string();
                    let restart = cell.vmerge == Some(true);
                    if span > 1 || restart {
                        regions.push(Region {
                            top: r,
                            left: col,
                            bottom: r,
                            right: col + span - 1,
                        });
                    }
                    if restart {
                        open.insert(col, regions.len() - 1);
                    } else {
                        open.remove(&col);
                    }
                }
            }
            col += span;
        }
        budget.text(line.iter().map(String::len).sum())?;
        cells.push(line);
    }
    Table::checked(Place::DocxTable(0), cells, regions, budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_merges_and_captions() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>就业领域基层政务公开标准目录</w:t></w:r></w:p>
            <w:tbl>
              <w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>公开事项</w:t></w:r></w:p></w:tc>
                    <w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>A&amp;B</w:t></w:r></w:p></w:tc></w:tr>
              <w:tr><w:tc><w:p><w:r><w:t>一级</w:t></w:r></w:p><w:p><w:r><w:t>事项</w:t></w:r></w:p></w:tc>
                    <w:tc><w:p><w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r></w:p></w:tc>
                    <w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>
            </w:tbl></w:body></w:document>"#;
        let tables = parse(xml, &mut Budget::new()).unwrap();
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!(t.caption.as_deref(), Some("就业领域基层政务公开标准目录"));
        assert_eq!(t.cell(0, 1), "公开事项");
        assert_eq!(t.cell(1, 0), "一级\n事项");
        assert_eq!(t.cell(1, 1), "☑");
        assert_eq!(t.cell(1, 2), "A&B");
        assert!(t.merged_with_above(1, 2));
    }
}
