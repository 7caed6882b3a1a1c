//! An assessment: one unit's self-check or a look-back inspection of it, with the result of
//! every item kept as a document with revision history.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::catalogue::Fingerprint;
use super::rectification::Task;
use super::revision::{Author, Clock, Document, Hlc, RevId, RevisionError};
use super::status::{Status, Tally};

/// The value of the `format` field of every assessment file.
pub const ASSESSMENT_FORMAT: &str = "zwgk-assessment";
/// The newest assessment `format_version` this build reads and writes.
pub const ASSESSMENT_FORMAT_VERSION: u32 = 1;

/// Self-check or inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 自查 by the township itself.
    SelfCheck,
    /// 回头看 look-back inspection by the county.
    Inspection,
}

impl Kind {
    /// Stable ASCII name, as used in document ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SelfCheck => "self_check",
            Kind::Inspection => "inspection",
        }
    }
}

/// The township or street office (镇街) being assessed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// e.g. 胡集镇人民政府.
    pub name: String,
    /// 统计用区划代码 (9 or 12 digits), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_code: Option<String>,
    /// The county (区县) the unit belongs to.
    #[serde(default)]
    pub county: String,
    /// The city, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

impl Unit {
    /// The key used as the document-id partition: the division code when there is one,
    /// otherwise the unit name.
    pub fn key(&self) -> &str {
        match &self.division_code {
            Some(code) if !code.trim().is_empty() => code,
            _ => &self.name,
        }
    }
}

/// A domain chosen for this assessment, with the catalogue version it was made against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainChoice {
    /// Catalogue id.
    pub checklist: String,
    /// Catalogue version label at the time of choosing.
    pub version: String,
    /// False when the unit marks the domain 不涉及.
    pub involved: bool,
    /// Why the domain is 不涉及 (for the 未涉及领域事项说明).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Evidence for a result (佐证材料).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Evidence {
    /// A web page where the item is published.
    Url { url: String },
    /// A file (screenshot, photo of a notice board), with its SHA-256 at the time it was recorded.
    File { path: String, sha256: String },
    /// A written description.
    Text { text: String },
}

/// The body of an item-result document: what one check established for one item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemResult {
    /// Catalogue id.
    pub checklist: String,
    /// Item id inside the catalogue.
    pub item: String,
    pub status: Status,
    /// Finding types (问题类型), see `FINDING_TYPES`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Channels on which the item was actually found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels_seen: Vec<String>,
    /// Fingerprint of the catalogue row this result was made against.
    pub fingerprint: Fingerprint,
    /// Set when a newer catalogue version changed the row after this answer was given
    /// (需重新检查): the status was reset to 未检查 and the old answer is kept here and in the
    /// body (findings, note, evidence). Cleared by the next answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recheck: Option<Recheck>,
    /// The catalogue version that no longer has this item (已停用). The result is kept, never deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_in: Option<String>,
}

/// Why a result needs a re-check after a catalogue upgrade, with the answer it had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recheck {
    /// The status the answer had before the upgrade.
    pub previous_status: Status,
    /// Fingerprint of the row the answer was made against (also kept in `fingerprint`).
    pub previous_fingerprint: Fingerprint,
    /// The catalogue version the answer was made against.
    pub from_version: String,
    /// The catalogue version whose row differs.
    pub to_version: String,
}

/// An assessment in memory, exactly as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// Always `"zwgk-assessment"`.
    pub format: String,
    /// Format version of this file; this build understands 1.
    pub format_version: u32,
    /// UUID v7.
    pub id: String,
    pub kind: Kind,
    pub unit: Unit,
    /// e.g. 2026年下半年自查.
    pub round: String,
    /// Who does the check.
    pub assessor: String,
    /// RFC 3339 UTC time of creation.
    pub created: String,
    /// For an inspection: the id of the self-check it reviews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews: Option<String>,
    /// Chosen domains, in the order the unit walks them.
    pub domains: Vec<DomainChoice>,
    /// The hybrid logical clock of this file, advanced by every change.
    pub clock: Hlc,
    /// One document per item result, keyed by document id.
    pub results: BTreeMap<String, Document<ItemResult>>,
    /// Rectification tasks (整改任务) of an inspection, keyed by document id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tasks: BTreeMap<String, Document<Task>>,
}

impl Assessment {
    /// The document id of an item result: `<unit>:<kind>:<checklist>/<item>`.
    pub fn result_id(&self, checklist: &str, item: &str) -> String {
        format!(
            "{}:{}:{checklist}/{item}",
            self.unit.key(),
            self.kind.as_str()
        )
    }

    /// The current result of an item (the winning revision), if it was ever recorded.
    pub fn result(&self, checklist: &str, item: &str) -> Option<&ItemResult> {
        let doc = self.results.get(&self.result_id(checklist, item))?;
        doc.winner().filter(|r| !r.deleted).map(|r| &r.body)
    }

    /// The document of an item result.
    pub fn result_doc(&self, checklist: &str, item: &str) -> Option<&Document<ItemResult>> {
        self.results.get(&self.result_id(checklist, item))
    }

    /// The status of an item: 未检查 when nothing was recorded.
    pub fn status(&self, checklist: &str, item: &str) -> Status {
        self.result(checklist, item)
            .map_or(Status::Unchecked, |r| r.status)
    }

    /// Records a new result as a revision on top of the current one. Returns `None` when the
    /// body equals the current result (nothing to save).
    pub fn record(
        &mut self,
        body: ItemResult,
        author: Author,
        now_millis: u64,
    ) -> Result<Option<RevId>, RevisionError> {
        if self.result(&body.checklist, &body.item) == Some(&body) {
            return Ok(None);
        }
        let id = self.result_id(&body.checklist, &body.item);
        let hlc = Clock::resume(self.clock).tick(now_millis);
        let doc = self
            .results
            .entry(id.clone())
            .or_insert_with(|| Document::new(id));
        let rev = doc.edit(body, author, hlc)?;
        self.clock = hlc;
        Ok(Some(rev))
    }

    /// The document id of an item's rectification task: `<unit>:task:<checklist>/<item>`.
    pub fn task_id(&self, checklist: &str, item: &str) -> String {
        format!("{}:task:{checklist}/{item}", self.unit.key())
    }

    /// The current rectification task of an item.
    pub fn task(&self, checklist: &str, item: &str) -> Option<&Task> {
        let doc = self.tasks.get(&self.task_id(checklist, item))?;
        doc.winner().filter(|r| !r.deleted).map(|r| &r.body)
    }

    /// Records a task as a revision on top of the current one; `None` when unchanged.
    pub fn record_task(
        &mut self,
        body: Task,
        author: Author,
        now_millis: u64,
    ) -> Result<Option<RevId>, RevisionError> {
        if self.task(&body.checklist, &body.item) == Some(&body) {
            return Ok(None);
        }
        let id = self.task_id(&body.checklist, &body.item);
        let hlc = Clock::resume(self.clock).tick(now_millis);
        let doc = self
            .tasks
            .entry(id.clone())
            .or_insert_with(|| Document::new(id));
        let rev = doc.edit(body, author, hlc)?;
        self.clock = hlc;
        Ok(Some(rev))
    }

    /// The chosen domain with this catalogue id.
    pub fn domain(&self, checklist: &str) -> Option<&DomainChoice> {
        self.domains.iter().find(|d| d.checklist == checklist)
    }

    /// Status counts of the given items of one catalogue.
    pub fn tally<'a>(&self, checklist: &str, items: impl IntoIterator<Item = &'a str>) -> Tally {
        let mut t = Tally::default();
        for item in items {
            t.add(self.status(checklist, item));
        }
        t
    }

    /// Number of documents with unresolved conflicts.
    pub fn conflict_count(&self) -> usize {
        self.results
            .values()
            .filter(|d| !d.conflicts().is_empty())
            .count()
    }
}

/// What merging another copy of an assessment changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssessmentMerge {
    /// Revisions that were new here.
    pub added: usize,
    /// Documents that were new here.
    pub new_documents: usize,
    /// Documents that have a conflict after the merge.
    pub conflicts: usize,
}

/// Why two copies cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(
        "assessment {ours} cannot take documents of assessment {theirs}: they are different assessments"
    )]
    Different { ours: String, theirs: String },
    #[error(transparent)]
    Revision(#[from] RevisionError),
}

impl Assessment {
    /// Merges another copy of the same assessment: the union of every document's revisions
    /// (nothing is dropped; concurrent edits become visible conflicts). Header fields stay as
    /// they are here, except that domains only the other copy has are added and the clock
    /// moves past the other copy's. Checks everything before changing anything.
    pub fn merge(&mut self, other: &Assessment) -> Result<AssessmentMerge, MergeError> {
        if self.id != other.id {
            return Err(MergeError::Different {
                ours: self.id.clone(),
                theirs: other.id.clone(),
            });
        }
        // Merge into copies first, so a bad document leaves `self` untouched.
        let mut results = self.results.clone();
        let mut tasks = self.tasks.clone();
        let mut stats = AssessmentMerge::default();
        merge_docs(&mut results, &other.results, &mut stats)?;
        merge_docs(&mut tasks, &other.tasks, &mut stats)?;
        stats.conflicts = results
            .values()
            .filter(|d| !d.conflicts().is_empty())
            .count()
            + tasks.values().filter(|d| !d.conflicts().is_empty()).count();
        self.results = results;
        self.tasks = tasks;
        for d in &other.domains {
            if self.domain(&d.checklist).is_none() {
                self.domains.push(d.clone());
            }
        }
        self.clock = self.clock.max(other.clock);
        Ok(stats)
    }
}

fn merge_docs<B: super::revision::Body>(
    ours: &mut BTreeMap<String, Document<B>>,
    theirs: &BTreeMap<String, Document<B>>,
    stats: &mut AssessmentMerge,
) -> Result<(), RevisionError> {
    for (id, doc) in theirs {
        match ours.get_mut(id) {
            Some(mine) => stats.added += mine.merge(doc)?.added,
            None => {
                doc.verify()?;
                stats.new_documents += 1;
                stats.added += doc.revisions().len();
                ours.insert(id.clone(), doc.clone());
            }
        }
    }
    Ok(())
}
