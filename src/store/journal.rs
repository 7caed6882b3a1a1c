//! Autosave that costs one change, not one file.
//!
//! Beside `assessments/<id>.json`, every change the app saves is appended to
//! `<id>.json.journal` as one line and flushed to disk (`fsync`) before it counts as saved:
//! the documents it changed, whole, with the assessment's sequence number and clock. A line
//! is `<64 hex digits of SHA-256 of the JSON> <JSON>\n`, so a line cut short by a crash or a
//! full disk is recognised and left out; every line before it stands.
//!
//! The journal is folded into the JSON file — written whole, atomically, as before — when the
//! app is idle, every [`FOLD_AFTER`] changes and when it closes. A fold first renames the
//! journal to `<id>.json.folding` (new changes go to a new journal), writes the folded file,
//! then removes `.folding`. Applying a line twice changes nothing (a union of revisions), so a
//! crash at any step leaves main file + `.folding` + `.journal` holding every saved change.
//!
//! Readers take the journal first, then `.folding`, then the main file: a change moves only
//! forward along that path (journal → folding → main), so a reader that runs while zwgk
//! writes never misses one.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::assessment::Assessment;

use super::atomic::{sync_dir, write_atomic};
use super::{MAX_ASSESSMENT_BYTES, StoreError, io_err};

/// Changes after which a journal is folded even when the app is never idle.
pub const FOLD_AFTER: usize = 512;

/// The journal of an assessment file.
pub fn journal_path(path: &Path) -> PathBuf {
    with_suffix(path, ".journal")
}

/// The journal being folded into an assessment file.
pub fn folding_path(path: &Path) -> PathBuf {
    with_suffix(path, ".folding")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// True when changes of this assessment file wait in a journal.
pub fn pending(path: &Path) -> bool {
    journal_path(path).exists() || folding_path(path).exists()
}

/// What reading a journal found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Replayed {
    /// Lines applied.
    pub lines: usize,
    /// Complete lines whose checksum or content did not hold (not the cut last line): they
    /// were left out, and the journal is kept aside when folded.
    pub damaged: usize,
}

/// The journal lines of `journal` (absent: none), each checked: the good ones' JSON, and how
/// many complete lines were damaged. A last line without its newline was being written when
/// the writer stopped, and is left out without counting as damage.
fn read_lines(journal: &Path) -> Result<(Vec<Vec<u8>>, usize), StoreError> {
    let bytes = match std::fs::read(journal) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(io_err(journal)(e)),
    };
    if bytes.len() as u64 > MAX_ASSESSMENT_BYTES {
        return Err(StoreError::TooLarge {
            path: journal.to_path_buf(),
            size: bytes.len() as u64,
            limit: MAX_ASSESSMENT_BYTES,
        });
    }
    let mut good = Vec::new();
    let mut damaged = 0;
    let mut rest = &bytes[..];
    while let Some(end) = rest.iter().position(|b| *b == b'\n') {
        let line = &rest[..end];
        rest = &rest[end + 1..];
        if line.is_empty() {
            continue;
        }
        match split_line(line) {
            Some(json) => good.push(json.to_vec()),
            None => damaged += 1,
        }
    }
    Ok((good, damaged))
}

/// The JSON of a line whose checksum holds.
fn split_line(line: &[u8]) -> Option<&[u8]> {
    let (sum, json) = (line.get(..64)?, line.get(65..)?);
    (line.get(64) == Some(&b' ') && hex::encode(Sha256::digest(json)).as_bytes() == sum)
        .then_some(json)
}

/// Reads the journals of `path` before its main file (see the module documentation), then
/// applies them to what `load` makes of the main file.
pub fn load_with(
    path: &Path,
    load: impl FnOnce(&Path) -> Result<Assessment, StoreError>,
) -> Result<(Assessment, Replayed), StoreError> {
    let mut read = Vec::new();
    let mut found = Replayed::default();
    for journal in [journal_path(path), folding_path(path)] {
        let (lines, damaged) = read_lines(&journal)?;
        found.damaged += damaged;
        read.extend(lines);
    }
    let mut a = load(path)?;
    for json in read {
        match a.replay_entry(&json) {
            Ok(()) => found.lines += 1,
            Err(_) => found.damaged += 1,
        }
    }
    Ok((a, found))
}

/// The open journal of one assessment file.
#[derive(Debug)]
pub struct Writer {
    file: File,
    /// Bytes known to be whole lines.
    len: u64,
    /// A write failed and its bytes may be in the file: start the next line on a new line.
    broken: bool,
    /// Lines written since the journal was started.
    pub lines: usize,
}

impl Writer {
    /// Opens (creating) the journal of `path` for appending.
    pub fn open(path: &Path) -> Result<Writer, StoreError> {
        let journal = journal_path(path);
        let existed = journal.exists();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal)
            .map_err(io_err(&journal))?;
        let mut len = file.metadata().map_err(io_err(&journal))?.len();
        if !existed {
            // The new name must survive a power cut along with the first line.
            if let Some(dir) = journal.parent() {
                sync_dir(dir).map_err(io_err(&journal))?;
            }
        }
        if len > 0 {
            // A journal left by a run that stopped mid-line (it is normally folded at start,
            // so this is rare): cut the unfinished line, which was never acknowledged.
            let bytes = std::fs::read(&journal).map_err(io_err(&journal))?;
            let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) as u64;
            if whole < len {
                file.set_len(whole).map_err(io_err(&journal))?;
                len = whole;
            }
        }
        Ok(Writer {
            file,
            len,
            broken: false,
            lines: 0,
        })
    }

    /// Appends one entry and flushes it to disk. On failure the file is cut back to its last
    /// whole line where possible; a part left behind is never read as a change.
    pub fn append(&mut self, path: &Path, json: &[u8]) -> Result<(), StoreError> {
        let mut line = Vec::with_capacity(json.len() + 67);
        if self.broken {
            line.push(b'\n');
        }
        line.extend_from_slice(hex::encode(Sha256::digest(json)).as_bytes());
        line.push(b' ');
        line.extend_from_slice(json);
        line.push(b'\n');
        let written = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.sync_data());
        match written {
            Ok(()) => {
                self.len += line.len() as u64;
                self.broken = false;
                self.lines += 1;
                Ok(())
            }
            Err(e) => {
                self.broken = self.file.set_len(self.len).is_err() || self.broken;
                Err(io_err(&journal_path(path))(e))
            }
        }
    }
}

/// Folds the journal renamed to `.folding` into the main file: reads the main file, applies
/// `.folding`, writes the result atomically (first keeping the main file as `.bak` when
/// `backup`), then removes `.folding`. A `.folding` with damaged lines is kept aside as
/// `.folding.damaged-<n>` for a person to look at. Runs beside the app (one fold at a time);
/// the app only ever appends to the new journal meanwhile.
pub fn fold(path: &Path, backup: bool) -> Result<(), StoreError> {
    let folding = folding_path(path);
    let bytes = super::read_limited(path, MAX_ASSESSMENT_BYTES)?;
    if backup {
        write_atomic(&with_suffix(path, ".bak"), &bytes).map_err(io_err(path))?;
    }
    let mut a = super::parse(path, &bytes, true)?;
    let (lines, damaged) = read_lines(&folding)?;
    let mut damaged = damaged;
    for json in lines {
        if a.replay_entry(&json).is_err() {
            damaged += 1;
        }
    }
    let out = a.to_json_lines().map_err(|e| StoreError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_atomic(path, &out).map_err(io_err(path))?;
    if damaged > 0 {
        set_aside(&folding)?;
    } else {
        match std::fs::remove_file(&folding) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&folding)(e)),
        }
    }
    Ok(())
}

/// Renames a damaged journal to the first free `<name>.damaged-<n>`.
fn set_aside(journal: &Path) -> Result<(), StoreError> {
    for n in 1.. {
        let aside = with_suffix(journal, &format!(".damaged-{n}"));
        if !aside.exists() {
            return std::fs::rename(journal, &aside).map_err(io_err(journal));
        }
    }
    Ok(())
}

/// Starts a fold: the journal becomes `.folding` (unless a `.folding` is still there from a
/// fold that did not finish: that one is folded first) and new changes go to a new journal.
pub fn rotate(path: &Path) -> Result<(), StoreError> {
    let folding = folding_path(path);
    if folding.exists() {
        return Ok(());
    }
    let journal = journal_path(path);
    match std::fs::rename(&journal, &folding) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(&journal)(e)),
    }
    if let Some(dir) = path.parent() {
        sync_dir(dir).map_err(io_err(path))?;
    }
    Ok(())
}
