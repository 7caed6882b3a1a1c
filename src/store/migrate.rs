//! Reading version-1 assessment files and converting them to the current format, losslessly.
//!
//! Version 1 kept item results and tasks as revisioned documents but the header facts (unit,
//! round, assessor, domain choices) as fields changed in place, ids without the assessment,
//! revision ids that did not cover author and time, and one task document written by both
//! sides. The conversion:
//!
//! * checks every version-1 revision as version 1 did (its id recomputes from parent,
//!   deleted and body; generations; parents present), so a damaged file is still refused;
//! * keeps every revision with its author, time, parent structure and tombstones, re-issued
//!   under the format-2 id rule with `legacy: true` (they were made before roles were part of
//!   the model, so the role rules admit them as they were);
//! * turns the header facts into a header document and one document per domain, written by
//!   the file's assessor at the assessment's creation time (the same on every copy of the
//!   file, so two devices that convert their copies get the same documents), on a device
//!   named `migrated-from-v1`;
//! * splits each task document into the inspector's part and the township's response,
//!   following every revision: a revision that changed the inspector's fields becomes a
//!   revision of the task, one that changed the township's becomes a revision of the
//!   response (both, if it changed both);
//! * fixes the partition from the unit (its 区划代码, or a token from its name).
//!
//! The conversion is deterministic: the same version-1 file always gives the same documents.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::model::assessment::{
    Assessment, DomainChoice, Evidence, Header, ItemResult, Kind, Recheck, Unit,
};
use crate::model::catalogue::Fingerprint;
use crate::model::doc::{Body, DocError, DocKey, DocKind, DocSet, assessment_id_ok};
use crate::model::rectification::{Decision, Progress, TaskResponse, TaskSpec};
use crate::model::revision::{
    Author, Document, Hlc, RevId, Revision, RevisionError, canonical_json, legacy_revision,
};
use crate::model::status::Status;

/// The device name written on documents the conversion makes from header facts.
pub const MIGRATION_DEVICE: &str = "migrated-from-v1";

/// Why a version-1 file cannot be converted.
#[derive(Debug, Error)]
pub enum MigrateError {
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error("the id {0:?} is not a UUID")]
    Id(String),
    #[error(
        "document {doc}: revision {rev} does not match its content; this copy was altered or damaged, import it from an intact copy"
    )]
    Hash { doc: String, rev: String },
    #[error("document {doc}: revision {rev}: {reason}")]
    Tree {
        doc: String,
        rev: String,
        reason: &'static str,
    },
    #[error("two documents hold the results of {key}")]
    Duplicate { key: String },
    #[error(transparent)]
    Revision(#[from] RevisionError),
    #[error(transparent)]
    Doc(#[from] DocError),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1File {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    format_version: u32,
    id: String,
    kind: Kind,
    unit: Unit,
    round: String,
    assessor: String,
    created: String,
    #[serde(default)]
    reviews: Option<String>,
    domains: Vec<V1Domain>,
    clock: Hlc,
    results: BTreeMap<String, V1Doc<V1Result>>,
    #[serde(default)]
    tasks: BTreeMap<String, V1Doc<V1Task>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Domain {
    checklist: String,
    version: String,
    involved: bool,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Doc<B> {
    id: String,
    revisions: Vec<V1Rev<B>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Rev<B> {
    rev: RevId,
    parent: Option<RevId>,
    deleted: bool,
    author: Author,
    hlc: Hlc,
    body: B,
}

/// Version-1 evidence, exactly as version 1 wrote it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum V1Evidence {
    Url { url: String },
    File { path: String, sha256: String },
    Text { text: String },
}

/// A version-1 item result, exactly as version 1 wrote it (its JSON is what was hashed).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Result {
    checklist: String,
    item: String,
    status: Status,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    findings: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<V1Evidence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    channels_seen: Vec<String>,
    fingerprint: Fingerprint,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recheck: Option<Recheck>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retired_in: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum V1TaskState {
    Pending,
    InProgress,
    Done,
    Verified,
    NotNeeded,
}

/// A version-1 task, exactly as version 1 wrote it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Task {
    checklist: String,
    item: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    findings: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    requirement: String,
    #[serde(default)]
    responsible_unit: String,
    #[serde(default)]
    responsible_person: String,
    #[serde(default)]
    deadline: String,
    state: V1TaskState,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    response: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    response_evidence: Vec<V1Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    completed: Option<String>,
}

impl V1Evidence {
    fn convert(&self) -> Evidence {
        match self {
            V1Evidence::Url { url } => Evidence::Url { url: url.clone() },
            V1Evidence::Text { text } => Evidence::Text { text: text.clone() },
            V1Evidence::File { path, sha256 } => Evidence::File {
                name: file_name(path),
                sha256: sha256.clone(),
                size: None,
                path: Some(path.clone()),
            },
        }
    }
}

/// The last component of a path written on Windows or Unix.
fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\'])
        .find(|s| !s.is_empty())
        .unwrap_or(path)
        .to_string()
}

impl V1Result {
    fn convert(&self) -> ItemResult {
        ItemResult {
            checklist: self.checklist.clone(),
            item: self.item.clone(),
            status: self.status,
            findings: self.findings.clone(),
            note: self.note.clone(),
            evidence: self.evidence.iter().map(V1Evidence::convert).collect(),
            channels_seen: self.channels_seen.clone(),
            fingerprint: self.fingerprint.clone(),
            recheck: self.recheck.clone(),
            retired_in: self.retired_in.clone(),
            ..ItemResult::default()
        }
    }
}

impl V1Task {
    /// The inspector's part.
    fn spec(&self) -> TaskSpec {
        TaskSpec {
            checklist: self.checklist.clone(),
            item: self.item.clone(),
            findings: self.findings.clone(),
            description: self.description.clone(),
            requirement: self.requirement.clone(),
            responsible_unit: self.responsible_unit.clone(),
            responsible_person: self.responsible_person.clone(),
            deadline: self.deadline.clone(),
            decision: match self.state {
                V1TaskState::Verified => Decision::Verified,
                V1TaskState::NotNeeded => Decision::NotNeeded,
                _ => Decision::Open,
            },
            ..TaskSpec::default()
        }
    }

    /// The township's part, if it said anything.
    fn response(&self) -> Option<TaskResponse> {
        let progress = match self.state {
            V1TaskState::Done | V1TaskState::Verified => Progress::Done,
            V1TaskState::InProgress => Progress::InProgress,
            V1TaskState::Pending | V1TaskState::NotNeeded => {
                if self.response.is_empty()
                    && self.response_evidence.is_empty()
                    && self.completed.is_none()
                {
                    return None;
                }
                Progress::InProgress
            }
        };
        Some(TaskResponse {
            checklist: self.checklist.clone(),
            item: self.item.clone(),
            round: 0,
            progress,
            response: self.response.clone(),
            completed: self.completed.clone(),
            evidence: self
                .response_evidence
                .iter()
                .map(V1Evidence::convert)
                .collect(),
        })
    }
}

/// Checks a version-1 document as version 1 did and returns its revisions parents first.
fn checked_v1<B: Serialize>(doc: &V1Doc<B>) -> Result<Vec<&V1Rev<B>>, MigrateError> {
    let mut by_id: HashMap<&RevId, &V1Rev<B>> = HashMap::new();
    for r in &doc.revisions {
        if by_id.insert(&r.rev, r).is_some() {
            return Err(tree(doc, r, "is listed twice"));
        }
    }
    for r in &doc.revisions {
        let envelope = serde_json::json!({
            "parent": r.parent.as_ref().map(ToString::to_string),
            "deleted": r.deleted,
            "body": serde_json::to_value(&r.body)?,
        });
        let canonical = canonical_json(&envelope).map_err(|_| MigrateError::Hash {
            doc: doc.id.clone(),
            rev: r.rev.to_string(),
        })?;
        let hash = hex::encode(&Sha256::digest(canonical.as_bytes())[..16]);
        if hash != r.rev.hash() {
            return Err(MigrateError::Hash {
                doc: doc.id.clone(),
                rev: r.rev.to_string(),
            });
        }
        let generation = match &r.parent {
            None => 1,
            Some(p) if !by_id.contains_key(p) => return Err(tree(doc, r, "its parent is missing")),
            Some(p) => p.generation() + 1,
        };
        if generation != r.rev.generation() {
            return Err(tree(doc, r, "its generation does not follow its parent's"));
        }
    }
    let mut ordered: Vec<&V1Rev<B>> = doc.revisions.iter().collect();
    ordered.sort_by(|a, b| a.rev.cmp(&b.rev));
    Ok(ordered)
}

fn tree<B>(doc: &V1Doc<B>, r: &V1Rev<B>, reason: &'static str) -> MigrateError {
    MigrateError::Tree {
        doc: doc.id.clone(),
        rev: r.rev.to_string(),
        reason,
    }
}

/// Builds format-2 documents from converted revisions.
struct Builder {
    prefix: String,
    docs: BTreeMap<DocKey, BTreeMap<RevId, Revision<Body>>>,
}

impl Builder {
    fn add(
        &mut self,
        parent: Option<&RevId>,
        deleted: bool,
        author: &Author,
        hlc: Hlc,
        body: Body,
    ) -> Result<RevId, MigrateError> {
        let key = body.key();
        let id = format!("{}{key}", self.prefix);
        let r = legacy_revision(&id, parent, deleted, author.clone(), hlc, body)?;
        let rev = r.rev.clone();
        self.docs.entry(key).or_default().insert(rev.clone(), r);
        Ok(rev)
    }
}

/// Converts the bytes of a version-1 assessment file (format and version already checked).
pub fn from_v1(bytes: &[u8]) -> Result<Assessment, MigrateError> {
    let v1: V1File = serde_json::from_slice(bytes)?;
    if !assessment_id_ok(&v1.id) {
        return Err(MigrateError::Id(v1.id));
    }
    let partition = v1.unit.partition();
    let prefix = crate::model::doc::DocId::prefix(&partition, v1.kind, &v1.id);
    let mut b = Builder {
        prefix,
        docs: BTreeMap::new(),
    };
    // Version 1 wrote `created` as a clock reading; any RFC 3339 time is taken too. Never the
    // file's own clock, which differs between copies of one assessment.
    let created = v1
        .created
        .parse::<Hlc>()
        .ok()
        .or_else(|| crate::clock::parse_rfc3339(&v1.created).map(|ms| Hlc::new(ms, 0)))
        .unwrap_or_default();
    let assessor = Author {
        name: v1.assessor.clone(),
        device: MIGRATION_DEVICE.to_string(),
        role: v1.kind.owner(),
    };
    let header = Header {
        unit: v1.unit.clone(),
        round: v1.round.clone(),
        assessor: v1.assessor.clone(),
        created: v1.created.clone(),
        reviews: v1.reviews.clone(),
    };
    b.add(None, false, &assessor, created, Body::Header(header))?;
    for d in &v1.domains {
        let choice = DomainChoice {
            checklist: d.checklist.clone(),
            version: d.version.clone(),
            involved: d.involved,
            reason: d.reason.clone(),
            summary: String::new(),
        };
        if b.docs.contains_key(&DocKey::domain(&d.checklist)) {
            return Err(MigrateError::Duplicate {
                key: d.checklist.clone(),
            });
        }
        b.add(None, false, &assessor, created, Body::Domain(choice))?;
    }

    for doc in v1.results.values() {
        let mut map: HashMap<&RevId, RevId> = HashMap::new();
        let mut key = None;
        for r in checked_v1(doc)? {
            let body = r.body.convert();
            let k = DocKey::item(DocKind::Result, &body.checklist, &body.item);
            if key.is_none() && b.docs.contains_key(&k) {
                return Err(MigrateError::Duplicate { key: k.key });
            }
            key = Some(k);
            let parent = r.parent.as_ref().and_then(|p| map.get(p));
            let new = b.add(parent, r.deleted, &r.author, r.hlc, Body::Result(body))?;
            map.insert(&r.rev, new);
        }
    }

    for doc in v1.tasks.values() {
        split_task(&mut b, doc)?;
    }

    let mut documents = Vec::new();
    for (key, revs) in b.docs {
        let id = format!("{}{key}", b.prefix);
        documents.push((
            Document::from_revisions(id, revs.into_values().collect())?,
            0,
        ));
    }
    let docs = DocSet::from_documents(&partition, v1.kind, &v1.id, documents)?;
    Ok(Assessment {
        id: v1.id,
        kind: v1.kind,
        partition,
        clock: v1.clock,
        docs,
    })
}

/// Splits one version-1 task document into the task and the response documents.
fn split_task(b: &mut Builder, doc: &V1Doc<V1Task>) -> Result<(), MigrateError> {
    // For every version-1 revision: the converted revisions its state stands on.
    struct At {
        spec: Option<(RevId, TaskSpec)>,
        response: Option<(RevId, TaskResponse)>,
    }
    let mut at: HashMap<&RevId, At> = HashMap::new();
    for r in checked_v1(doc)? {
        let before = r.parent.as_ref().and_then(|p| at.get(p));
        let spec = r.body.spec();
        let spec_at = match before.and_then(|a| a.spec.as_ref()) {
            Some((rev, old)) if *old == spec && !r.deleted => Some((rev.clone(), spec)),
            prev => {
                let parent = prev.map(|(rev, _)| rev);
                let rev = b.add(
                    parent,
                    r.deleted,
                    &r.author,
                    r.hlc,
                    Body::Task(spec.clone()),
                )?;
                Some((rev, spec))
            }
        };
        let prev_response = before.and_then(|a| a.response.as_ref());
        let response_at = match (r.body.response(), prev_response) {
            (Some(new), Some((rev, old))) if *old == new && !r.deleted => Some((rev.clone(), new)),
            (Some(new), prev) => {
                let parent = prev.map(|(rev, _)| rev);
                let body = Body::Response(new.clone());
                let rev = b.add(parent, r.deleted, &r.author, r.hlc, body)?;
                Some((rev, new))
            }
            (None, Some((rev, old))) if r.deleted => {
                let body = Body::Response(old.clone());
                let rev = b.add(Some(rev), true, &r.author, r.hlc, body)?;
                Some((rev, old.clone()))
            }
            (None, prev) => prev.cloned(),
        };
        at.insert(
            &r.rev,
            At {
                spec: spec_at,
                response: response_at,
            },
        );
    }
    Ok(())
}

/// True when the JSON value is a version-1 assessment (by its `format_version`).
pub fn is_v1(value: &Value) -> bool {
    value.get("format_version").and_then(Value::as_u64) == Some(1)
}
