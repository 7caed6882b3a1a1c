//! Word import: bytes -> `import::read_tables_from(_, Kind::Docx, _)` -> header blocks -> rows.
//!
//! An input that starts with `PK` is the .docx itself; any other input is `word/document.xml`,
//! which the target packs into a stored zip.
//!
//! Properties: never panics, whatever the bytes; errors format in both languages; no
//! allocation beyond libFuzzer's `-malloc_limit_mb`; every block lies inside its table.
#![no_main]

#[path = "import_common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use zwgk::import::Kind;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        common::run("fuzz.docx", Kind::Docx, data);
    } else {
        let docx = common::zip(&[("word/document.xml", data)]);
        common::run("fuzz.docx", Kind::Docx, &docx);
    }
});
