//! Checks of an .xls (BIFF) workbook before calamine opens it.
//!
//! calamine parses every sheet of an .xls while opening it: it reserves room for the cells
//! the sheet's DIMENSIONS record declares, makes a dense grid over the bounding box of the
//! cells of each sheet (twice: values and formulas), and copies a shared string into every
//! cell that uses it. A few hundred bytes can ask for terabytes, and a failed allocation aborts
//! the process. So the Workbook stream is walked here first, record by record the way calamine
//! walks it (BOUNDSHEET offsets, nested substreams skipped, CONTINUE records), and the file is
//! refused when what calamine would allocate goes over the limits of [`super::limits`].
//! The compound file itself is read with the `cfb` crate.

use std::io::{Cursor, Read};

use super::limits::{Budget, Limit, MAX_CELLS, MAX_FILE_BYTES, MAX_SHARED_STRINGS};

/// The first bytes of a compound file (.xls, .doc, .et …).
pub const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Why an .xls is refused before calamine reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XlsProblem {
    /// Not a readable workbook (the message says why).
    Broken(String),
    /// Over a limit, in the named sheet (when known).
    Limit(Option<String>, Limit),
}

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const DIMENSIONS: u16 = 0x0200;
const LABEL_SST: u16 = 0x00FD;
const MUL_RK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
/// Cell records calamine turns into cells: Number, Label, RString, BoolErr, Rk, LabelSst,
/// MulRk, Formula.
const CELLS: &[u16] = &[
    0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, LABEL_SST, MUL_RK, FORMULA,
];

/// One record: type, data, and the data of the CONTINUE records right after it.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

/// Records from `pos` on, as calamine's `RecordIter` reads them; stops at a truncated record.
fn records(stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let (typ, data, next) = split(rest)?;
        rest = next;
        let mut cont = Vec::new();
        while let Some((CONTINUE, d, next)) = split(rest) {
            cont.push(d);
            rest = next;
        }
        Some(Record { typ, data, cont })
    })
}

fn split(s: &[u8]) -> Option<(u16, &[u8], &[u8])> {
    let typ = u16_at(s, 0)?;
    let len = usize::from(u16_at(s, 2)?);
    let body = s.get(4..4 + len)?;
    Some((typ, body, &s[4 + len..]))
}

fn u16_at(s: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(s.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(s: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(s.get(at..at + 4)?.try_into().ok()?))
}

/// Checks the workbook in `bytes` (a compound file).
pub fn check(bytes: &[u8]) -> Result<(), XlsProblem> {
    let broken = |e: std::io::Error| XlsProblem::Broken(e.to_string());
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(broken)?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| cf.is_stream(n))
        .ok_or_else(|| XlsProblem::Broken("no Workbook stream".into()))?;
    let mut stream = Vec::new();
    cf.open_stream(name)
        .map_err(broken)?
        .take(MAX_FILE_BYTES)
        .read_to_end(&mut stream)
        .map_err(broken)?;
    check_stream(&stream)
}

/// Checks a Workbook stream.
pub fn check_stream(stream: &[u8]) -> Result<(), XlsProblem> {
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut sst: Vec<usize> = Vec::new();
    for r in records(stream) {
        match r.typ {
            BOUNDSHEET => {
                let pos = u32_at(r.data, 0).map_or(usize::MAX, |p| p as usize);
                sheets.push((pos, sheet_name(r.data)));
            }
            SST => sst = sst_lengths(&r).map_err(|l| XlsProblem::Limit(None, l))?,
            EOF => break,
            _ => {}
        }
    }
    // What calamine holds at once: the grids of every sheet.
    let mut held = Budget::new();
    for (pos, name) in sheets {
        let Some(sheet) = stream.get(pos..) else {
            return Err(XlsProblem::Broken(format!(
                "sheet \"{name}\" starts at byte {pos}, past the end of the workbook"
            )));
        };
        check_sheet(sheet, &sst, &mut held).map_err(|l| XlsProblem::Limit(Some(name), l))?;
    }
    Ok(())
}

/// The sheet name of a BOUNDSHEET record, for messages (BIFF8 form; "" when unreadable).
fn sheet_name(data: &[u8]) -> String {
    let (Some(&cch), Some(&flags)) = (data.get(6), data.get(7)) else {
        return String::new();
    };
    let cch = usize::from(cch);
    let Some(rest) = data.get(8..) else {
        return String::new();
    };
    if flags & 1 == 0 {
        rest.iter().take(cch).map(|&b| char::from(b)).collect()
    } else {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .take(cch)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    }
}

fn check_sheet(sheet: &[u8], sst: &[usize], held: &mut Budget) -> Result<(), Limit> {
    let mut depth = 0usize;
    let mut seen_bof = false;
    // Bounding box of the cells: (first row, last row, first col, last col).
    let mut bbox: Option<(u32, u32, u32, u32)> = None;
    let mut grow = |row: u32, first: u32, last: u32| {
        let b = bbox.get_or_insert((row, row, first, last));
        *b = (b.0.min(row), b.1.max(row), b.2.min(first), b.3.max(last));
    };
    let mut text = Budget::new();
    for r in records(sheet) {
        if depth > 0 {
            match r.typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match r.typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => {
                // What calamine reserves, computed as it does (u32 arithmetic that wraps).
                let (rf, rl, mut cf, cl) = match r.data.len() {
                    10 => (
                        u32::from(u16_at(r.data, 0).unwrap_or(0)),
                        u32::from(u16_at(r.data, 2).unwrap_or(0)),
                        u32::from(u16_at(r.data, 4).unwrap_or(0)),
                        u32::from(u16_at(r.data, 6).unwrap_or(0)),
                    ),
                    14 | 16 => (
                        u32_at(r.data, 0).unwrap_or(0),
                        u32_at(r.data, 4).unwrap_or(0),
                        u32::from(u16_at(r.data, 8).unwrap_or(0)),
                        u32::from(u16_at(r.data, 10).unwrap_or(0)),
                    ),
                    _ => continue,
                };
                if 0xFF < cf || cl < cf {
                    cf = 0;
                }
                if rl >= 1 && cl >= 1 {
                    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1) as usize;
                    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1) as usize;
                    let cells = rows.saturating_mul(cols);
                    if rows == 0 || cols == 0 || cells > MAX_CELLS {
                        return Err(Limit::Cells {
                            cells: cells as u64,
                        });
                    }
                }
            }
            typ if CELLS.contains(&typ) => {
                let (Some(row), Some(col)) = (u16_at(r.data, 0), u16_at(r.data, 2)) else {
                    continue;
                };
                let (row, col) = (u32::from(row), u32::from(col));
                match typ {
                    MUL_RK => {
                        let last = r
                            .data
                            .len()
                            .checked_sub(2)
                            .and_then(|at| u16_at(r.data, at))
                            .map_or(col, u32::from);
                        grow(row, col, last.max(col));
                    }
                    LABEL_SST => {
                        let len = u32_at(r.data, 6)
                            .and_then(|i| sst.get(i as usize))
                            .copied()
                            .unwrap_or(0);
                        // UTF-16 code units become at most 3 bytes of UTF-8 each.
                        text.text(len.saturating_mul(3))?;
                        grow(row, col, col);
                    }
                    _ => {
                        text.text(r.data.len().saturating_mul(2))?;
                        grow(row, col, col);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((r0, r1, c0, c1)) = bbox {
        let area = (r1 - r0 + 1) as usize * (c1 - c0 + 1) as usize;
        // Values and formulas each get a grid over the cells.
        held.cells(area.saturating_mul(2))?;
    }
    Ok(())
}

/// The length (UTF-16 code units) of each string of the shared string table, read the way
/// calamine reads it (flags, rich-text runs and phonetic blocks, strings split over CONTINUE
/// records with a new flags byte). Stops where the table is malformed.
fn sst_lengths<'a>(r: &Record<'a>) -> Result<Vec<usize>, Limit> {
    let mut out = Vec::new();
    let Some(mut data): Option<&'a [u8]> = r.data.get(8..) else {
        return Ok(out);
    };
    let mut cont = r.cont.iter();
    let mut next = |data: &mut &'a [u8]| match cont.next() {
        Some(d) => {
            *data = d;
            true
        }
        None => false,
    };
    while !data.is_empty() || next(&mut data) {
        if data.is_empty() {
            out.push(0);
            continue;
        }
        let (Some(cch), Some(&flags)) = (u16_at(data, 0), data.get(2)) else {
            break;
        };
        data = &data[3..];
        let mut skip = 0usize;
        if flags & 0x8 != 0 {
            let Some(runs) = u16_at(data, 0) else { break };
            skip += usize::from(runs) * 4;
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(ext) = u32_at(data, 0) else { break };
            skip = skip.saturating_add(ext as usize);
            data = &data[4..];
        }
        let mut left = usize::from(cch);
        let mut wide = flags & 1 != 0;
        let mut complete = true;
        while left > 0 {
            let unit = if wide { 2 } else { 1 };
            let n = left.min(data.len() / unit);
            data = &data[n * unit..];
            left -= n;
            if left > 0 {
                if !next(&mut data) || data.is_empty() {
                    complete = false;
                    break;
                }
                wide = data[0] & 1 != 0;
                data = &data[1..];
            }
        }
        out.push(usize::from(cch));
        if out.len() as u64 > MAX_SHARED_STRINGS {
            return Err(Limit::SharedStrings {
                count: out.len() as u64,
            });
        }
        if !complete {
            break;
        }
        while skip > 0 {
            if data.is_empty() && !next(&mut data) {
                break;
            }
            let n = skip.min(data.len());
            data = &data[n..];
            skip -= n;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }

    #[test]
    fn shared_strings_across_continue_records() {
        // Two strings: "ab" (compressed) and "中文" split over a CONTINUE record.
        let mut sst = vec![2, 0, 0, 0, 2, 0, 0, 0];
        sst.extend([2, 0, 0, b'a', b'b']);
        sst.extend([2, 0, 1, 0x2d, 0x4e]);
        let mut stream = rec(SST, &sst);
        stream.extend(rec(CONTINUE, &[1, 0x87, 0x65]));
        let r = records(&stream).next().unwrap();
        assert_eq!(sst_lengths(&r), Ok(vec![2, 2]));
    }

    #[test]
    fn declared_dimensions_and_far_cells_are_refused() {
        let mut stream = rec(BOF, &[0; 16]);
        stream.extend(rec(DIMENSIONS, &[0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]));
        stream.extend(rec(EOF, &[]));
        let err = check_sheet(&stream, &[], &mut Budget::new()).unwrap_err();
        assert_eq!(
            err,
            Limit::Cells {
                cells: 65_536 * 256
            }
        );

        let mut stream = rec(BOF, &[0; 16]);
        let number = |row: u16, col: u16| {
            let mut d = row.to_le_bytes().to_vec();
            d.extend(col.to_le_bytes());
            d.extend([0; 10]);
            rec(0x0203, &d)
        };
        stream.extend(number(0, 0));
        stream.extend(number(65_535, 255));
        stream.extend(rec(EOF, &[]));
        let err = check_sheet(&stream, &[], &mut Budget::new()).unwrap_err();
        assert_eq!(
            err,
            Limit::Cells {
                cells: 2 * 65_536 * 256
            }
        );
    }
}
