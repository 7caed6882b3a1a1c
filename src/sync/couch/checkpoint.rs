//! Replication logs (checkpoints), as the CouchDB replication protocol keeps them: one
//! `_local/<replication id>` document on the server and the same record in the data
//! directory (`<data dir>/couchdb-checkpoints.json`), written on both sides after each step.
//! A run starts from the last sequence both sides agree on: the same `session_id`, else the
//! newest session in both histories, else from the beginning.
//!
//! * **Push** (this device → server): the source sequence is this device's per-assessment
//!   sequence ([`crate::model::doc::DocSet::seq`]), so `source_last_seq` is an object
//!   `{"<assessment id>": seq, …}`.
//! * **Pull** (server → this device): the server's `_changes` sequence, kept as the server
//!   gave it (a number for PouchDB, an opaque string for CouchDB 3).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::store::atomic::write_atomic;

/// The file of the local replication logs.
pub const CHECKPOINT_FILE: &str = "couchdb-checkpoints.json";
/// How the replication id is made; part of every log.
pub const REPLICATION_ID_VERSION: u64 = 1;
/// Sessions kept in a log's history.
pub const MAX_HISTORY: usize = 20;

/// Which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Push,
    Pull,
}

/// The replication id: the same for every run between this device and this database in one
/// direction.
pub fn replication_id(direction: Direction, device: &str, url: &str) -> String {
    let way = match direction {
        Direction::Push => "push",
        Direction::Pull => "pull",
    };
    let text = format!("zwgk-replication-v{REPLICATION_ID_VERSION}\n{way}\n{device}\n{url}");
    hex::encode(&Sha256::digest(text.as_bytes())[..16])
}

/// One session of a log's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub session_id: String,
    pub recorded_seq: Value,
    #[serde(default)]
    pub start_time: String,
    #[serde(default)]
    pub end_time: String,
    #[serde(default)]
    pub missing_checked: u64,
    #[serde(default)]
    pub missing_found: u64,
    #[serde(default)]
    pub docs_read: u64,
    #[serde(default)]
    pub docs_written: u64,
    #[serde(default)]
    pub doc_write_failures: u64,
}

/// A replication log (the body of `_local/<replication id>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Log {
    /// The server's revision of the `_local` document (absent in the local file).
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub session_id: String,
    pub source_last_seq: Value,
    pub replication_id_version: u64,
    #[serde(default)]
    pub history: Vec<Session>,
}

impl Log {
    /// A log whose latest session is `session`.
    pub fn record(previous: Option<&Log>, session: Session) -> Log {
        let mut history: Vec<Session> = previous
            .map(|p| p.history.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|s| s.session_id != session.session_id)
            .collect();
        history.insert(0, session.clone());
        history.truncate(MAX_HISTORY);
        Log {
            rev: previous.and_then(|p| p.rev.clone()),
            session_id: session.session_id,
            source_last_seq: session.recorded_seq,
            replication_id_version: REPLICATION_ID_VERSION,
            history,
        }
    }
}

/// Where a run starts: the sequence both logs agree on, or `None` for a full replication.
pub fn startup(source: Option<&Log>, target: Option<&Log>) -> Option<Value> {
    let (source, target) = (source?, target?);
    if source.session_id == target.session_id {
        return Some(source.source_last_seq.clone());
    }
    // The newest session of the source's history that the target also recorded.
    source.history.iter().find_map(|s| {
        target
            .history
            .iter()
            .any(|t| t.session_id == s.session_id)
            .then(|| s.recorded_seq.clone())
    })
}

/// The local logs of a data directory, by replication id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalLogs {
    #[serde(default)]
    pub logs: BTreeMap<String, Log>,
}

impl LocalLogs {
    fn path(dir: &Path) -> PathBuf {
        dir.join(CHECKPOINT_FILE)
    }

    /// Reads the logs; a missing or damaged file means none (the next run is a full one, which
    /// sends nothing the server has).
    pub fn load(dir: &Path) -> LocalLogs {
        std::fs::read(Self::path(dir))
            .ok()
            .filter(|b| b.len() < 16 * 1024 * 1024)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes the logs atomically.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(&Self::path(dir), &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn session(id: &str, seq: u64) -> Session {
        Session {
            session_id: id.into(),
            recorded_seq: json!(seq),
            start_time: String::new(),
            end_time: String::new(),
            missing_checked: 0,
            missing_found: 0,
            docs_read: 0,
            docs_written: 0,
            doc_write_failures: 0,
        }
    }

    #[test]
    fn both_sides_must_agree_on_where_to_start() {
        let a = Log::record(None, session("s1", 5));
        let b = Log::record(Some(&a), session("s2", 9));
        assert_eq!(startup(Some(&b), Some(&b)), Some(json!(9)));
        // The target missed the second checkpoint: back to the common session.
        assert_eq!(startup(Some(&b), Some(&a)), Some(json!(5)));
        assert_eq!(startup(Some(&a), None), None);
        let other = Log::record(None, session("x", 3));
        assert_eq!(startup(Some(&b), Some(&other)), None);
        assert_eq!(b.history.len(), 2);
        let ids = [
            replication_id(Direction::Push, "d", "http://h/db"),
            replication_id(Direction::Pull, "d", "http://h/db"),
            replication_id(Direction::Push, "e", "http://h/db"),
        ];
        assert!(ids[0] != ids[1] && ids[0] != ids[2] && ids[0].len() == 32);
    }
}
