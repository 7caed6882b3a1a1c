//! Moving an assessment's answers to a newer version of one of its catalogues.
//!
//! Pure: the caller passes the clock reading in and saves afterwards. The rules, per result
//! document of the upgraded domain:
//!
//! - **unchanged row** (the item is still there with the fingerprint the answer was made
//!   against): the answer carries over untouched;
//! - **changed row** (the item is still there, its fingerprint differs): a new revision resets
//!   the status to 未检查 and records `recheck` (previous status, previous fingerprint, both
//!   versions); findings, note, evidence and channels seen stay in the body, so the walk can
//!   show "需重新检查" beside the old answer, and "next unchecked" finds it. The body keeps the
//!   old `fingerprint`: the answer was made against that row, and the next answer replaces it;
//! - **new row** (no result yet): nothing to do, it is 未检查;
//! - **removed row** (a result whose item id is not in the new catalogue): a new revision sets
//!   `retired_in` to the new version; the answer stays as it was. Nothing is ever deleted.
//!
//! A row that comes back unchanged in a later version is restored: `retired_in` is cleared,
//! and a pending re-check whose row is back to the old fingerprint gets its old status back.
//!
//! Every change is a revision on the document (so the history keeps the old answer), and a
//! second run with the same catalogue changes nothing.

use std::cmp::Ordering;

use thiserror::Error;

use super::assessment::{Assessment, ItemResult, Recheck, RecordError};
use super::catalogue::Fingerprint;
use super::doc::{Body, DocKind};
use super::revision::Author;
use super::status::Status;
use crate::library::{Entry, compare_versions};

/// What an upgrade did to one domain of an assessment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpgradeReport {
    /// Catalogue id.
    pub checklist: String,
    /// The version the domain was on before.
    pub from_version: String,
    /// The version it is on now.
    pub to_version: String,
    /// Answers whose row did not change (carried over as they are).
    pub carried: usize,
    /// Answers whose row changed: marked 需重新检查 (including those marked by an earlier run).
    pub changed: usize,
    /// Items of the new catalogue without any answer yet (new rows, and rows never answered).
    pub new: usize,
    /// Answers whose row is gone: kept and marked retired (including those marked earlier).
    pub retired: usize,
    /// Revisions written by this run (0 when the assessment was already up to date).
    pub revisions: usize,
}

impl UpgradeReport {
    /// True when this run changed nothing (no revision, no version change).
    pub fn is_noop(&self) -> bool {
        self.revisions == 0 && self.from_version == self.to_version
    }
}

/// Why an upgrade could not be done.
#[derive(Debug, Error)]
pub enum UpgradeError {
    /// The assessment does not use this catalogue.
    #[error("the assessment does not use catalogue {checklist}")]
    NotChosen {
        /// Catalogue id.
        checklist: String,
    },
    /// The catalogue is older than the one the assessment was made against.
    #[error(
        "catalogue {checklist}: version {offered} is older than version {current} used by the assessment"
    )]
    Older {
        /// Catalogue id.
        checklist: String,
        /// The version in the assessment.
        current: String,
        /// The version offered.
        offered: String,
    },
    /// A revision could not be written.
    #[error(transparent)]
    Record(#[from] RecordError),
}

impl UpgradeError {
    /// The message in the chosen language. (`Display` is the English one, for logs.)
    pub fn message(&self, lang: crate::cli::Lang) -> String {
        if lang == crate::cli::Lang::En {
            return self.to_string();
        }
        match self {
            UpgradeError::NotChosen { checklist } => {
                format!("本次检查没有选目录 {checklist}")
            }
            UpgradeError::Older {
                checklist,
                current,
                offered,
            } => format!("目录 {checklist}:{offered} 版比本次检查用的 {current} 版旧,不能升级"),
            UpgradeError::Record(e) => e.message(lang),
        }
    }
}

/// Upgrades the assessment's domain `new.catalogue.id` to `new`'s version (see the module docs).
pub fn upgrade(
    assessment: &mut Assessment,
    new: &Entry,
    author: Author,
    now_millis: u64,
) -> Result<UpgradeReport, UpgradeError> {
    let catalogue = &new.catalogue;
    let checklist = catalogue.id.clone();
    let Some(domain) = assessment.domain(&checklist).cloned() else {
        return Err(UpgradeError::NotChosen { checklist });
    };
    let from_version = domain.version.clone();
    if compare_versions(&catalogue.version, &from_version) == Ordering::Less {
        return Err(UpgradeError::Older {
            checklist,
            current: from_version,
            offered: catalogue.version.clone(),
        });
    }
    let mut report = UpgradeReport {
        checklist: checklist.clone(),
        from_version: from_version.clone(),
        to_version: catalogue.version.clone(),
        ..UpgradeReport::default()
    };

    // Current results of this domain, by item id.
    let results: Vec<ItemResult> = assessment
        .docs
        .of_kind(DocKind::Result)
        .filter_map(|(_, doc)| doc.current().and_then(Body::as_result))
        .filter(|r| r.checklist == checklist)
        .cloned()
        .collect();

    let mut updates = Vec::new();
    for old in &results {
        let position = catalogue.items.iter().position(|i| i.id == old.item);
        let Some(position) = position else {
            report.retired += 1;
            if old.retired_in.is_none() {
                let mut body = old.clone();
                body.retired_in = Some(catalogue.version.clone());
                updates.push(body);
            }
            continue;
        };
        let fingerprint: Fingerprint = new
            .fingerprints
            .get(position)
            .cloned()
            .unwrap_or_else(|| catalogue.items[position].fingerprint());
        let mut body = old.clone();
        body.retired_in = None;
        if old.fingerprint == fingerprint {
            // The row is the one the answer was made against.
            if let Some(recheck) = body.recheck.take()
                && body.status == Status::Unchecked
            {
                body.status = recheck.previous_status;
            }
            report.carried += 1;
        } else {
            report.changed += 1;
            if body.recheck.is_none() {
                body.recheck = Some(Recheck {
                    previous_status: body.status,
                    previous_fingerprint: body.fingerprint.clone(),
                    from_version: from_version.clone(),
                    to_version: catalogue.version.clone(),
                });
                body.status = Status::Unchecked;
            }
        }
        if &body != old {
            updates.push(body);
        }
    }
    report.new = catalogue
        .items
        .iter()
        .filter(|i| !results.iter().any(|r| r.item == i.id))
        .count();

    for body in updates {
        if assessment
            .record(Body::Result(body), author.clone(), now_millis)?
            .is_some()
        {
            report.revisions += 1;
        }
    }
    // The domain now stands on the new version: a revision of its choice document.
    let mut choice = domain.clone();
    choice.version = catalogue.version.clone();
    if assessment
        .record(Body::Domain(choice), author, now_millis)?
        .is_some()
    {
        report.revisions += 1;
    }
    Ok(report)
}

/// Domains of the assessment whose catalogue in `library` is newer than the version the
/// assessment was made against: the candidates for [`upgrade`].
pub fn upgradable<'a>(
    assessment: &Assessment,
    library: &'a crate::library::Library,
) -> Vec<&'a Entry> {
    assessment
        .domains()
        .filter_map(|d| {
            let entry = library.get(&d.checklist)?;
            (compare_versions(&entry.catalogue.version, &d.version) == Ordering::Greater)
                .then_some(entry)
        })
        .collect()
}
