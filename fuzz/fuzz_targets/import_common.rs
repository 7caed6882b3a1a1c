//! Shared by the import targets: run the importer on bytes and walk what it read.

use std::io::Write as _;
use std::path::Path;

use zwgk::cli::Lang;
use zwgk::import::block::{find_blocks, read_rows};
use zwgk::import::{Kind, read_tables_from};

/// Reads the tables of `bytes` as a file of `kind` named `name`, then finds the header blocks
/// and reads their rows, the way `import::plan` does. Must not panic; errors must format.
pub fn run(name: &str, kind: Kind, bytes: &[u8]) {
    match read_tables_from(Path::new(name), kind, bytes) {
        Ok(tables) => {
            assert!(!tables.is_empty(), "Ok with no table");
            for table in &tables {
                for block in find_blocks(table) {
                    let rows = read_rows(table, &block);
                    assert!(block.end <= table.height());
                    for (row, _) in &rows.items {
                        assert!(*row < table.height());
                    }
                }
            }
        }
        Err(e) => {
            let _ = e.message(Lang::Zh);
            let _ = e.to_string();
        }
    }
}

/// A zip with `parts`, stored uncompressed (so the fuzzer's changes to the XML reach the
/// parsers instead of breaking the deflate stream).
#[allow(dead_code)] // used by the xlsx and docx targets, not by csv
pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        if z.start_file(*name, opt).is_err() || z.write_all(bytes).is_err() {
            return Vec::new();
        }
    }
    z.finish().map(|c| c.into_inner()).unwrap_or_default()
}
