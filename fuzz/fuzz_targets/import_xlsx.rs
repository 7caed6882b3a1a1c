//! Workbook import: bytes -> `import::read_tables_from(_, Kind::Workbook, _)` -> header blocks
//! -> rows.
//!
//! An input that starts like a zip (`PK`) or a compound file (.xls) is the file itself. Any
//! other input is the XML of the parts, separated by `\n--part--\n`: worksheet, shared strings,
//! workbook (missing parts get a minimal default); the target packs them into a stored zip.
//!
//! Properties: never panics, whatever the bytes; errors format in both languages; no
//! allocation beyond libFuzzer's `-malloc_limit_mb` (the import limits bound what a file can
//! make zwgk hold); every block lies inside its table.
#![no_main]

#[path = "import_common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use zwgk::import::Kind;

const TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#;
const RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WB_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const WORKBOOK: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const SEP: &[u8] = b"\n--part--\n";

fn parts(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(SEP.len()).position(|w| w == SEP) {
        out.push(&rest[..i]);
        rest = &rest[i + SEP.len()..];
    }
    out.push(rest);
    out
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") || data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        common::run("fuzz.xlsx", Kind::Workbook, data);
        return;
    }
    let p = parts(data);
    let sheet = p[0];
    let shared = p.get(1).copied();
    let workbook = p.get(2).copied().unwrap_or(WORKBOOK);
    let mut files: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", WB_RELS),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(s) = shared {
        files.push(("xl/sharedStrings.xml", s));
    }
    common::run("fuzz.xlsx", Kind::Workbook, &common::zip(&files));
});
