//! CSV import: bytes -> `import::read_tables_from(_, Kind::Csv, _)` -> header blocks -> rows.
//!
//! Properties: never panics, whatever the bytes (any encoding: UTF-8, UTF-16 with BOM,
//! GB18030); errors format in both languages; no allocation beyond libFuzzer's
//! `-malloc_limit_mb`; every block lies inside its table.
#![no_main]

#[path = "import_common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use zwgk::import::Kind;

fuzz_target!(|data: &[u8]| {
    common::run("fuzz.csv", Kind::Csv, data);
});
