//! Crash-safe file replacement: write a temp file in the same directory, flush it to disk,
//! rename it over the target, then flush the directory entry.

use std::io::{self, Write};
use std::path::Path;

/// Replaces `path` with `bytes` so that after a crash the file holds either the old or the
/// new content, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, true)
}

/// Replaces `path` with `bytes` atomically (a reader sees the old or the new content, never a
/// part) without waiting for the disk: for records that only inform, such as the lock's owner,
/// where losing the newest version in a power cut costs nothing.
pub fn replace_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, false)
}

/// A temp file in the same directory, renamed over `path`; `durable`: the file and the
/// directory entry flushed to disk too.
fn replace(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".zwgk-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    if durable {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Makes a file written for other people (a bundle, a report) readable by them: mode 0644 on
/// Unix (temporary files are created 0600); nothing to do on Windows.
#[cfg(unix)]
pub fn make_shareable(file: &std::fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

/// Makes a file written for other people readable by them (nothing to do on Windows).
#[cfg(not(unix))]
pub fn make_shareable(_file: &std::fs::File) -> io::Result<()> {
    Ok(())
}

/// Flushes a directory entry so a rename survives power loss.
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// On Windows the rename is flushed with the file (MoveFileEx with write-through is what
/// `persist` uses); directories cannot be opened for syncing.
#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, "二".as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "二");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn missing_directory_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/dir/a.json");
        assert!(write_atomic(&p, b"x").is_err());
        assert!(!p.exists());
    }
}
