//! Where the clerk stopped in each assessment: a small file of this device's data dir
//! (`places.json`), never part of an assessment file (which travels to other devices).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Largest places file read; a bigger one is ignored (it is only a convenience).
const MAX_PLACES_BYTES: u64 = 1024 * 1024;

/// Where the clerk stopped in one assessment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The catalogue of the domain last walked.
    pub checklist: String,
    /// The item last under the cursor, per catalogue.
    #[serde(default)]
    pub items: BTreeMap<String, String>,
}

/// Places by assessment id.
pub type Places = BTreeMap<String, Place>;

/// The places file in a data dir.
pub fn path(root: &Path) -> std::path::PathBuf {
    root.join("places.json")
}

/// The places kept in a data dir; none when the file is missing, too big or unreadable (it
/// is a convenience: losing it loses nothing recorded).
pub fn load(root: &Path) -> Places {
    let path = path(root);
    match std::fs::metadata(&path) {
        Ok(m) if m.len() <= MAX_PLACES_BYTES => {}
        _ => return Places::new(),
    }
    std::fs::read(&path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}
