//! Exports from the app (`x`): a report, ledger or check table written into the data dir's
//! `reports/` (or where an absolute name says), never over an earlier file: when the name is
//! taken, `-2`, `-3` … is added before the extension.

use std::path::{Path, PathBuf};

use crate::cli::{Lang, ReportFormat, ReportKind};
use crate::library::Library;
use crate::model::assessment::Assessment;

/// `path` when nothing is there; else the first of `name-2.ext`, `name-3.ext` … that is free.
pub fn free_path(path: &Path) -> PathBuf {
    if !taken(path) {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2u32..)
        .map(|n| path.with_file_name(format!("{stem}-{n}{ext}")))
        .find(|p| !taken(p))
        .unwrap_or_else(|| path.to_path_buf())
}

/// True when a directory entry (of any kind, a dangling link too) has this name.
fn taken(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// What an export is made from.
pub struct Source<'a> {
    pub assessment: &'a Assessment,
    /// For an inspection: the self-check it reviews, when it is on this device.
    pub reviewed: Option<&'a Assessment>,
    pub library: &'a Library,
    /// The report date, `YYYY-MM-DD`.
    pub today: &'a str,
    pub lang: Lang,
}

/// Writes the report of `src` to `name` (relative: under `reports_dir`); the extension picks
/// the format. Returns the path written (never an existing file's) or the message why not.
pub fn write(
    src: &Source<'_>,
    reports_dir: &Path,
    name: &str,
    kind: ReportKind,
) -> Result<PathBuf, String> {
    let path = Path::new(name.trim());
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        reports_dir.join(path)
    };
    let format = crate::report::format_for(&path)
        .ok_or_else(|| format!("{}: .xlsx .html .csv .md", path.display()))?;
    let bytes = render(src, kind, format).map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let path = free_path(&path);
    crate::output::write_file(&path, &bytes).map_err(|e| e.message(src.lang))?;
    Ok(path)
}

/// The bytes of a report or check table of `src` in `format`.
pub fn render(
    src: &Source<'_>,
    kind: ReportKind,
    format: ReportFormat,
) -> Result<Vec<u8>, crate::report::ReportError> {
    match kind {
        ReportKind::Report => {
            let report = crate::report::Report::build_beside(
                src.assessment,
                src.reviewed,
                src.library,
                src.today,
                src.lang,
            );
            crate::report::render(&report, format)
        }
        ReportKind::Table => {
            let table = crate::report::table::CheckTable::build(
                src.assessment,
                src.library,
                src.today,
                src.lang,
            );
            crate::report::render_table(&table, format)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_the_next_free_number() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("胡集镇-2026.xlsx");
        assert_eq!(free_path(&p), p);
        std::fs::write(&p, "1").expect("write");
        assert_eq!(free_path(&p), dir.path().join("胡集镇-2026-2.xlsx"));
        std::fs::write(dir.path().join("胡集镇-2026-2.xlsx"), "2").expect("write");
        assert_eq!(free_path(&p), dir.path().join("胡集镇-2026-3.xlsx"));
        let bare = dir.path().join("report");
        std::fs::write(&bare, "").expect("write");
        assert_eq!(free_path(&bare), dir.path().join("report-2"));
    }
}
