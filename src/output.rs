//! Where a file the user names with `-o` goes, and writing it there.
//!
//! Reports and imported catalogues are written atomically (a temp file in the same folder,
//! renamed over the target), which *replaces* whatever directory entry has the name. That is
//! right for a regular file and wrong for anything else, so the target is looked at first:
//!
//! - no such file: a new regular file, mode 0644 on Unix (readable by the others who read
//!   reports; umask still applies);
//! - a regular file: replaced, keeping its permissions;
//! - a symbolic link: followed. When it ends at a regular file, that file is replaced (the
//!   link stays a link, pointing at the new content); when it ends nowhere or at anything but a
//!   regular file, the write is refused;
//! - a FIFO, a character or block device, a socket, a folder: refused with a message naming
//!   the path (`zwgk report … -o -` writes to standard output instead);
//! - on Windows, a name such as `NUL`, `CON`, `COM1.xlsx` (a device whatever its folder and
//!   extension): refused.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::cli::Lang;

/// The permissions of a new report or catalogue file on Unix.
pub const NEW_FILE_MODE: u32 = 0o644;

/// What is at a path that is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    Directory,
    Fifo,
    Device,
    Socket,
    /// A Windows reserved device name (CON, NUL, COM1 …).
    DeviceName,
    /// Something else that is not a regular file.
    Other,
}

/// Why a file cannot be written at the path given.
#[derive(Debug, Error)]
pub enum TargetError {
    /// Not a regular file (through its symbolic link, when `link` is set).
    #[error("{}: {}; zwgk writes only regular files", path.display(), special_en(*what, link.as_deref()))]
    NotRegular {
        path: PathBuf,
        what: Special,
        /// Where the symbolic link at `path` leads.
        link: Option<PathBuf>,
    },
    /// A symbolic link whose target does not exist.
    #[error("{}: a symbolic link to {}, which does not exist; nothing written", path.display(), target.display())]
    DanglingLink { path: PathBuf, target: PathBuf },
    /// The path could not be looked at.
    #[error("{}: cannot look at the output: {error}", path.display())]
    Inspect { path: PathBuf, error: io::Error },
    /// Writing failed.
    #[error("{}: cannot write: {error}", path.display())]
    Write { path: PathBuf, error: io::Error },
}

fn special_en(what: Special, link: Option<&Path>) -> String {
    let what = match what {
        Special::Directory => "a folder",
        Special::Fifo => "a named pipe (FIFO)",
        Special::Device => "a device",
        Special::Socket => "a socket",
        Special::DeviceName => "a reserved device name on Windows",
        Special::Other => "not a regular file",
    };
    match link {
        Some(t) => format!("a symbolic link to {} ({what})", t.display()),
        None => what.to_string(),
    }
}

fn special_zh(what: Special, link: Option<&Path>) -> String {
    let what = match what {
        Special::Directory => "文件夹",
        Special::Fifo => "命名管道(FIFO)",
        Special::Device => "设备文件",
        Special::Socket => "套接字",
        Special::DeviceName => "Windows 的保留设备名",
        Special::Other => "特殊文件",
    };
    match link {
        Some(t) => format!("是指向 {} 的符号链接,该处是{what}", t.display()),
        None => format!("是{what}"),
    }
}

impl TargetError {
    /// The message in the chosen language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            TargetError::NotRegular { path, what, link } => format!(
                "{}:{},不是普通文件;zwgk 只写入普通文件{}",
                path.display(),
                special_zh(*what, link.as_deref()),
                if *what == Special::Directory {
                    ",请在文件夹后加上文件名"
                } else {
                    ""
                }
            ),
            TargetError::DanglingLink { path, target } => format!(
                "{}:是指向 {} 的符号链接,但该文件不存在;未写入",
                path.display(),
                target.display()
            ),
            TargetError::Inspect { path, error } => {
                format!("{}:无法检查输出位置:{error}", path.display())
            }
            TargetError::Write { path, error } => {
                format!("{}:无法写入:{error}", path.display())
            }
        }
    }

    /// True when the target is at fault (exit 2), false when writing failed (exit 1).
    pub fn is_bad_target(&self) -> bool {
        !matches!(self, TargetError::Write { .. })
    }
}

/// The regular file to write for `path` (the path itself, or where its symbolic link leads),
/// or why nothing may be written there.
pub fn resolve(path: &Path) -> Result<PathBuf, TargetError> {
    if reserved_device_name(path) {
        return Err(TargetError::NotRegular {
            path: path.to_path_buf(),
            what: Special::DeviceName,
            link: None,
        });
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(error) => {
            return Err(TargetError::Inspect {
                path: path.to_path_buf(),
                error,
            });
        }
    };
    if meta.file_type().is_symlink() {
        let target = match std::fs::canonicalize(path) {
            Ok(t) => t,
            Err(_) => {
                let target = std::fs::read_link(path).unwrap_or_default();
                return Err(TargetError::DanglingLink {
                    path: path.to_path_buf(),
                    target,
                });
            }
        };
        let meta = std::fs::metadata(&target).map_err(|error| TargetError::Inspect {
            path: path.to_path_buf(),
            error,
        })?;
        return match special(&meta) {
            None => Ok(target),
            Some(what) => Err(TargetError::NotRegular {
                path: path.to_path_buf(),
                what,
                link: Some(target),
            }),
        };
    }
    match special(&meta) {
        None => Ok(path.to_path_buf()),
        Some(what) => Err(TargetError::NotRegular {
            path: path.to_path_buf(),
            what,
            link: None,
        }),
    }
}

/// What a non-regular file is.
fn special(meta: &std::fs::Metadata) -> Option<Special> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some(Special::Directory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some(Special::Fifo);
        }
        if t.is_char_device() || t.is_block_device() {
            return Some(Special::Device);
        }
        if t.is_socket() {
            return Some(Special::Socket);
        }
    }
    Some(Special::Other)
}

/// True on Windows when the file name is a reserved device name (`NUL`, `con.xlsx` …).
#[cfg(windows)]
fn reserved_device_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(crate::model::validate::windows_reserved)
}

#[cfg(not(windows))]
fn reserved_device_name(_path: &Path) -> bool {
    false
}

/// Writes `bytes` to the regular file at `path` (see the module docs): checks the target,
/// then replaces it atomically. A new file gets [`NEW_FILE_MODE`] on Unix; a replaced one
/// keeps its permissions.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), TargetError> {
    let target = resolve(path)?;
    let fail = |error| TargetError::Write {
        path: path.to_path_buf(),
        error,
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let existing = std::fs::metadata(&target).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".zwgk-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(NEW_FILE_MODE));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    if let Some(p) = existing {
        tmp.as_file().set_permissions(p).map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    crate::store::atomic::sync_dir(dir).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_and_regular_files_are_written_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        write_file(&p, b"one").unwrap();
        write_file(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let err = write_file(dir.path(), b"x").unwrap_err();
        assert!(matches!(
            err,
            TargetError::NotRegular {
                what: Special::Directory,
                ..
            }
        ));
        assert!(err.message(Lang::Zh).contains("是文件夹,不是普通文件"));
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_0644_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // What the umask leaves of 0666 (std::fs::write), so the test holds under any umask.
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"").unwrap();
        let umasked = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        let p = dir.path().join("a.md");
        write_file(&p, b"one").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode,
            umasked & 0o644,
            "0644 less the umask, not tempfile's 0600"
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_file(&p, b"two").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
