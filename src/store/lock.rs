//! One writer per data directory: an OS lock on a sidecar `zwgk.lock` file, and a small
//! `zwgk.owner` file that tells a second instance who holds it. The OS releases the lock
//! when a process dies, so a lock left by a crash is taken over by the next start.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::replace_unsynced;

/// Who holds the data directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub pid: u32,
    pub host: String,
    /// RFC 3339 UTC.
    pub since: String,
}

/// A held lock; released on drop.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    owner_path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it; its owner record if readable.
    Held(Option<Owner>),
    Io(io::Error),
}

impl DirLock {
    /// Takes the lock of `dir` without waiting.
    pub fn acquire(dir: &Path, owner: &Owner) -> Result<DirLock, LockError> {
        let lock_path = dir.join("zwgk.lock");
        let owner_path = dir.join("zwgk.owner");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(LockError::Held(read_owner(&owner_path))),
            Err(TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        let text =
            serde_json::to_vec_pretty(owner).map_err(|e| LockError::Io(io::Error::other(e)))?;
        // The owner record only informs (the OS lock is what counts), so start-up does not
        // wait for the disk to write it.
        replace_unsynced(&owner_path, &text).map_err(LockError::Io)?;
        Ok(DirLock {
            _file: file,
            owner_path,
        })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Best effort: a stale owner file is harmless because the OS lock is what counts.
        let _ = std::fs::remove_file(&self.owner_path);
    }
}

/// The owner record of a data directory, if one can be read.
pub fn read_owner(path: &Path) -> Option<Owner> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() > 4096 {
        return None;
    }
    serde_json::from_slice(&bytes).ok()
}

/// The host name, for the owner record.
pub fn host_name() -> String {
    std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "?".to_string())
}
