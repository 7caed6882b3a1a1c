//! Importing official catalogue tables (xlsx, xls, csv, docx) into catalogue files.

use std::io::{self, Write};
use std::path::Path;

use crate::cli::{ChecklistCommand, Lang};
use crate::library::Library;

/// Runs `zwgk checklist import`.
pub fn command(
    cmd: &ChecklistCommand,
    _library: &Library,
    _lang: Lang,
    _data_dir: Option<&Path>,
    _out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let ChecklistCommand::Import { file, .. } = cmd else {
        return Ok(crate::command::EXIT_BAD_INPUT);
    };
    writeln!(err, "{}: importing tables is not built yet", file.display())?;
    Ok(crate::command::EXIT_FAILURE)
}
