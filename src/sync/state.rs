//! What this device sent and received (`<data dir>/sync.json`): local bookkeeping for the
//! hand-over status on the start screen (已上报 / 对方已收到 / 有新下发) and for the receipts a
//! bundle carries back. Never travels itself, except as the ids in a bundle's `receipts`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::atomic::write_atomic;

/// The file name of the hand-over state in the data directory.
pub const STATE_FILE: &str = "sync.json";
/// Receipts carried per bundle (the newest ones).
pub const MAX_RECEIPTS: usize = 500;

/// A bundle this device wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// Bundle id.
    pub bundle: String,
    /// RFC 3339 UTC.
    pub created: String,
    /// Where it was written.
    pub file: String,
    /// The assessments it carried.
    pub assessments: Vec<String>,
    /// When a bundle from the other side said it had arrived (RFC 3339 UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
}

/// A bundle this device imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    /// Bundle id.
    pub bundle: String,
    /// When the other side made it (RFC 3339 UTC).
    pub created: String,
    /// When it was imported here (RFC 3339 UTC).
    pub imported: String,
    /// The producing device.
    pub device: String,
    /// Per assessment: its id and how many revisions were new here.
    pub assessments: Vec<(String, usize)>,
}

/// The hand-over state of a data directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    #[serde(default)]
    pub sent: Vec<Sent>,
    #[serde(default)]
    pub received: Vec<Received>,
}

/// Where an assessment stands in the hand-over, for the start screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandOver {
    /// When it last left this device (RFC 3339 UTC).
    pub sent: Option<String>,
    /// Whether the other side said that bundle arrived.
    pub acknowledged: bool,
    /// When a bundle last brought something new for it after it was last sent.
    pub news: Option<String>,
}

impl SyncState {
    /// Reads the state of a data directory; a missing or damaged file is an empty state (it
    /// is bookkeeping only: the assessments are complete without it).
    pub fn load(root: &Path) -> SyncState {
        let path = root.join(STATE_FILE);
        std::fs::read(&path)
            .ok()
            .filter(|b| b.len() < 64 * 1024 * 1024)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes the state atomically.
    pub fn save(&self, root: &Path) -> std::io::Result<PathBuf> {
        let path = root.join(STATE_FILE);
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(&path, &bytes)?;
        Ok(path)
    }

    /// The ids of the bundles received, newest last, at most [`MAX_RECEIPTS`]: what a bundle
    /// from here tells the other side.
    pub fn receipts(&self) -> Vec<String> {
        let skip = self.received.len().saturating_sub(MAX_RECEIPTS);
        self.received
            .iter()
            .skip(skip)
            .map(|r| r.bundle.clone())
            .collect()
    }

    /// True when this bundle was imported here before.
    pub fn has_received(&self, bundle: &str) -> bool {
        self.received.iter().any(|r| r.bundle == bundle)
    }

    /// Notes the receipts another side sent: each of our bundles it names has arrived there.
    /// Returns how many bundles were newly acknowledged.
    pub fn acknowledge(&mut self, receipts: &[String], now: &str) -> usize {
        let mut n = 0;
        for s in &mut self.sent {
            if s.acknowledged.is_none() && receipts.contains(&s.bundle) {
                s.acknowledged = Some(now.to_string());
                n += 1;
            }
        }
        n
    }

    /// Where one assessment stands.
    pub fn hand_over(&self, assessment: &str) -> HandOver {
        let sent = self
            .sent
            .iter()
            .filter(|s| s.assessments.iter().any(|a| a == assessment))
            .max_by(|a, b| a.created.cmp(&b.created));
        let news = self
            .received
            .iter()
            .filter(|r| r.assessments.iter().any(|(a, n)| a == assessment && *n > 0))
            .filter(|r| sent.is_none_or(|s| r.imported > s.created))
            .map(|r| r.imported.clone())
            .max();
        HandOver {
            sent: sent.map(|s| s.created.clone()),
            acknowledged: sent.is_some_and(|s| s.acknowledged.is_some()),
            news,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_acknowledge_what_was_sent_and_news_is_what_came_after() {
        let mut st = SyncState::default();
        st.sent.push(Sent {
            bundle: "b1".into(),
            created: "2026-12-01T01:00:00.000Z".into(),
            file: "x.zwgk".into(),
            assessments: vec!["a".into()],
            acknowledged: None,
        });
        assert_eq!(
            st.hand_over("a"),
            HandOver {
                sent: Some("2026-12-01T01:00:00.000Z".into()),
                acknowledged: false,
                news: None
            }
        );
        assert_eq!(st.acknowledge(&["zz".into(), "b1".into()], "t"), 1);
        assert_eq!(st.acknowledge(&["b1".into()], "t2"), 0);
        st.received.push(Received {
            bundle: "r1".into(),
            created: "2026-12-01T02:00:00.000Z".into(),
            imported: "2026-12-01T03:00:00.000Z".into(),
            device: "d".into(),
            assessments: vec![("a".into(), 3), ("b".into(), 0)],
        });
        let h = st.hand_over("a");
        assert!(h.acknowledged);
        assert_eq!(h.news.as_deref(), Some("2026-12-01T03:00:00.000Z"));
        assert_eq!(st.hand_over("b").news, None, "nothing new for b");
        assert_eq!(st.receipts(), ["r1"]);
    }
}
