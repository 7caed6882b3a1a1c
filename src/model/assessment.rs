//! An assessment: one unit's self-check or a look-back inspection of it. Every fact people
//! change — the header (unit, round, assessor), each domain choice, each item result, each
//! rectification task and response — is a revisioned document in its [`DocSet`]; the file's
//! own fields (`id`, `kind`, `partition`) are fixed when it is created.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::catalogue::Fingerprint;
use super::doc::{
    Body, DocError, DocKey, DocKind, DocSet, ReviewBasis, assessment_id_ok, may_write, partition_ok,
};
use super::rectification::{TaskResponse, TaskSpec, TaskState, task_state};
use super::revision::{Author, Clock, Document, Hlc, RevId, Revision, RevisionError, Role};
use super::status::{Status, Tally};

/// The value of the `format` field of every assessment file.
pub const ASSESSMENT_FORMAT: &str = "zwgk-assessment";
/// The newest assessment `format_version` this build reads and writes.
pub const ASSESSMENT_FORMAT_VERSION: u32 = 2;
/// How far ahead of this device's clock an imported revision's time may be before it is
/// flagged and no longer moves the local clock (one day).
pub const MAX_CLOCK_AHEAD_MS: u64 = 86_400_000;

/// Self-check or inspection.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
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

    /// The role that owns an assessment of this kind (the inspector roles for an inspection).
    pub fn owner(self) -> Role {
        match self {
            Kind::SelfCheck => Role::Township,
            Kind::Inspection => Role::County,
        }
    }
}

/// The township or street office (镇街) being assessed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// e.g. 胡集镇人民政府.
    pub name: String,
    /// 统计用区划代码 (6, 9 or 12 digits), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_code: Option<String>,
    /// The county (区县) the unit belongs to.
    #[serde(default)]
    pub county: String,
    /// The city, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

/// True for a 统计用区划代码 zwgk accepts: 6 (county), 9 (township) or 12 (village) digits.
pub fn division_code_ok(code: &str) -> bool {
    matches!(code.len(), 6 | 9 | 12) && code.bytes().all(|b| b.is_ascii_digit())
}

impl Unit {
    /// The partition of a new assessment of this unit: its 区划代码 when it has a valid one,
    /// otherwise `u` and 16 hex digits of the SHA-256 of its name (the same for every round
    /// of a unit that writes its name the same way). Fixed at creation, never recomputed.
    pub fn partition(&self) -> String {
        match self.division_code.as_deref().map(str::trim) {
            Some(code) if division_code_ok(code) => code.to_string(),
            _ => {
                let digest = Sha256::digest(self.name.trim().as_bytes());
                format!("u{}", hex::encode(&digest[..8]))
            }
        }
    }
}

/// The header facts people may change: the header document's body. `created` and
/// `reviews` are set at creation and kept by every later revision.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
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
}

/// A domain's choice: involved or 不涉及 (with the reason), and the catalogue version the
/// answers were made against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainChoice {
    /// Catalogue id.
    pub checklist: String,
    /// Catalogue version label the answers are made against.
    pub version: String,
    /// False when the unit marks the domain 不涉及.
    pub involved: bool,
    /// Why the domain is 不涉及 (for the 未涉及领域事项说明).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// 领域小结: a comment on the whole domain.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
}

/// Evidence for a result (佐证材料).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Evidence {
    /// A web page where the item is published.
    Url { url: String },
    /// A file (screenshot, photo of a notice board), identified by its SHA-256.
    File {
        /// The file's name as the user had it.
        name: String,
        /// SHA-256 of its content, 64 lower-case hex digits.
        sha256: String,
        /// Its size in bytes, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<u64>,
        /// Where it was on the device that recorded it, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
    },
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
    /// Inspection: the revision of the township's answer the verdict was made beside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<RevId>,
    /// Inspection: the township's note, carried when its answer was taken (`a`/`A`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub township_note: String,
    /// Inspection: the township's evidence, carried when its answer was taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub township_evidence: Vec<Evidence>,
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

/// A rectification task as people read it: both parts and the state they give.
#[derive(Debug, Clone, Copy)]
pub struct TaskView<'a> {
    pub spec: &'a TaskSpec,
    pub response: Option<&'a TaskResponse>,
    pub state: TaskState,
}

impl TaskView<'_> {
    /// Open and past its deadline on `today`.
    pub fn is_overdue(&self, today: &str) -> bool {
        self.spec.is_overdue(self.state, today)
    }

    /// Finished after its deadline (逾期完成).
    pub fn completed_late(&self) -> bool {
        super::rectification::completed_late(self.spec, self.response, self.state)
    }
}

/// What a new assessment starts with (see [`Assessment::create`]).
#[derive(Debug, Clone)]
pub struct NewAssessment {
    /// UUID.
    pub id: String,
    pub kind: Kind,
    /// From [`Unit::partition`], or the reviewed self-check's for an inspection.
    pub partition: String,
    pub header: Header,
    pub domains: Vec<DomainChoice>,
    /// For an inspection: what it was started from ([`basis_of`]).
    pub basis: Option<ReviewBasis>,
}

/// An assessment in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// UUID; also the file name.
    pub id: String,
    pub kind: Kind,
    /// The partition of every document id, fixed at creation.
    pub partition: String,
    /// The hybrid logical clock of this file, advanced by every change here.
    pub clock: Hlc,
    /// Every document.
    pub docs: DocSet,
}

/// The file format, as stored (the JSON Schema is generated from it).
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Assessment")]
struct AssessmentFile<D> {
    /// Always `"zwgk-assessment"`.
    format: String,
    /// Format version of this file; this build writes 2 and reads 1 and 2.
    format_version: u32,
    /// UUID (the file is `assessments/<id>.json`).
    id: String,
    kind: Kind,
    /// The partition every document id starts with: the unit's 区划代码, or `u` and 16 hex
    /// digits derived from its name. Fixed at creation.
    partition: String,
    /// This file's hybrid logical clock, advanced by every change made here.
    clock: Hlc,
    /// SHA-256 of the document lines that follow (written by zwgk into its own files, so it can
    /// read them again without recomputing every revision id; a file it did not write, or
    /// one changed since, has every revision checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checksum: Option<String>,
    /// Every document, sorted by id.
    documents: Vec<D>,
}

/// A document as stored in an assessment file.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "StoredDocument")]
struct StoredDoc<R> {
    /// Global document id: `<partition>:<kind>:<assessment>:<doc kind>[:<key>]`.
    id: String,
    /// This device's sequence number of the document's last change (local; not exchanged).
    #[serde(default)]
    seq: u64,
    /// Every revision, sorted by revision id.
    revisions: Vec<R>,
}

impl Serialize for Assessment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        AssessmentFile {
            format: ASSESSMENT_FORMAT.to_string(),
            format_version: ASSESSMENT_FORMAT_VERSION,
            id: self.id.clone(),
            kind: self.kind,
            partition: self.partition.clone(),
            clock: self.clock,
            checksum: None,
            documents: self
                .docs
                .documents()
                .map(|(doc, seq)| StoredDoc {
                    id: doc.id().to_string(),
                    seq,
                    revisions: doc.revisions().collect(),
                })
                .collect(),
        }
        .serialize(s)
    }
}

impl Assessment {
    /// The file's JSON: the fixed fields, then one document per line (compact), so a file is
    /// quick to write and read, and a person or `grep` still finds a document by its id.
    /// Parses back to the same assessment as its `Serialize` form.
    pub fn to_json_lines(&self) -> Result<Vec<u8>, serde_json::Error> {
        #[derive(Serialize)]
        struct Head<'a> {
            format: &'a str,
            format_version: u32,
            id: &'a str,
            kind: Kind,
            partition: &'a str,
            clock: Hlc,
            checksum: String,
        }
        let mut docs = Vec::with_capacity(256 * self.docs.revision_count());
        for (i, (doc, seq)) in self.docs.documents().enumerate() {
            if i > 0 {
                docs.extend_from_slice(b",\n");
            }
            serde_json::to_writer(
                &mut docs,
                &StoredDoc {
                    id: doc.id().to_string(),
                    seq,
                    revisions: doc.revisions().collect::<Vec<_>>(),
                },
            )?;
        }
        docs.extend_from_slice(b"\n]}\n");
        let head = serde_json::to_vec(&Head {
            format: ASSESSMENT_FORMAT,
            format_version: ASSESSMENT_FORMAT_VERSION,
            id: &self.id,
            kind: self.kind,
            partition: &self.partition,
            clock: self.clock,
            checksum: hex::encode(Sha256::digest(&docs)),
        })?;
        // `{…head…` without its closing brace, the documents, one a line.
        let mut out = Vec::with_capacity(head.len() + 16 + docs.len());
        out.extend_from_slice(&head[..head.len().saturating_sub(1)]);
        out.extend_from_slice(b",\"documents\":[\n");
        out.extend_from_slice(&docs);
        Ok(out)
    }

    /// Reads a file this zwgk wrote into its own data directory: when its checksum matches
    /// the document lines, the revision ids (checked before they were written) are not
    /// recomputed; otherwise every one is, as for any other file.
    pub fn from_own_file(bytes: &[u8]) -> Result<Assessment, serde_json::Error> {
        use serde::de::Error as _;
        if let Some(read) = Assessment::from_own_lines(bytes) {
            return read;
        }
        let file: AssessmentFile<StoredDoc<Revision<Body>>> = serde_json::from_slice(bytes)?;
        let intact = file.checksum.as_deref().is_some_and(|sum| {
            bytes
                .iter()
                .position(|b| *b == b'\n')
                .is_some_and(|nl| hex::encode(Sha256::digest(&bytes[nl + 1..])) == sum)
        });
        Assessment::from_file(file, intact).map_err(serde_json::Error::custom)
    }
}

/// Files of at least this many bytes are read on two threads.
const PARALLEL_READ_BYTES: usize = 1 << 20;

impl Assessment {
    /// [`Assessment::from_own_file`] for a file laid out as [`Assessment::to_json_lines`]
    /// writes it: the head line alone, then the document lines (a large file's in two halves
    /// on two threads, beside the checksum). `None` when the bytes are not laid out so, the
    /// checksum does not match, or a line does not parse: the whole-file reader then checks
    /// every revision id and says where the file is wrong.
    fn from_own_lines(bytes: &[u8]) -> Option<Result<Assessment, serde_json::Error>> {
        use serde::de::Error as _;
        let nl = memchr::memchr(b'\n', bytes)?;
        let head = bytes[..nl].strip_suffix(b",\"documents\":[")?;
        let mut whole_head = Vec::with_capacity(head.len() + 20);
        whole_head.extend_from_slice(head);
        whole_head.extend_from_slice(b",\"documents\":[]}");
        let file: AssessmentFile<StoredDoc<Revision<Body>>> =
            serde_json::from_slice(&whole_head).ok()?;
        let sum = file.checksum.as_deref()?;
        let body = &bytes[nl + 1..];
        let docs = body.strip_suffix(b"\n]}\n")?;
        let intact = || hex::encode(Sha256::digest(body)) == sum;
        let (intact, documents) = if bytes.len() >= PARALLEL_READ_BYTES {
            // Two halves cut at the first line break after the middle, each split into lines
            // and parsed on a thread of its own while a third sums the file.
            let (first, second) = match memchr::memchr(b'\n', &docs[docs.len() / 2..]) {
                Some(at) => {
                    let at = docs.len() / 2 + at;
                    (&docs[..at], &docs[at + 1..])
                }
                None => (docs, &docs[..0]),
            };
            std::thread::scope(|scope| {
                let check = scope.spawn(intact);
                let second = scope.spawn(|| read_doc_lines(second));
                let first = read_doc_lines(first);
                let second = second.join().ok().flatten();
                let intact = check.join().unwrap_or(false);
                let documents = first.zip(second).map(|(mut a, b)| {
                    a.extend(b);
                    a
                });
                (intact, documents)
            })
        } else {
            (intact(), read_doc_lines(docs))
        };
        if !intact {
            return None;
        }
        let documents = documents?;
        Some(Assessment::assemble(file, documents).map_err(serde_json::Error::custom))
    }
}

/// The role rule for a revision arriving in the document `key` of `a` (an error naming the
/// document and revision when it may not be written). A revision converted from a version-1
/// file (`legacy`) was made before roles were part of the model: it is taken as it was, but
/// conversion signs every one with the role that owns the assessment, so a legacy revision
/// claiming any other role is a forgery.
fn check_role(a: &Assessment, key: &DocKey, r: &Revision<Body>) -> Result<(), MergeError> {
    let admitted = if r.legacy {
        r.author.role == a.kind.owner()
    } else {
        a.may_write(r.author.role, key.kind)
    };
    if admitted {
        return Ok(());
    }
    Err(MergeError::Doc(DocError::Role {
        doc: a.docs.id_of(key),
        rev: r.rev.clone(),
        name: r.author.name.clone(),
        role: r.author.role.as_str(),
    }))
}

/// The head of a file: format, version, id and partition as this build reads them.
fn check_head<D>(file: &AssessmentFile<D>) -> Result<(), AssessmentError> {
    if file.format != ASSESSMENT_FORMAT {
        return Err(AssessmentError::Format(file.format.clone()));
    }
    if file.format_version != ASSESSMENT_FORMAT_VERSION {
        return Err(AssessmentError::Version(file.format_version));
    }
    if !assessment_id_ok(&file.id) {
        return Err(AssessmentError::Id(file.id.clone()));
    }
    if !partition_ok(&file.partition) {
        return Err(AssessmentError::Partition(file.partition.clone()));
    }
    Ok(())
}

/// Document lines of an own file (`part`: whole lines, each but the last of the file ending
/// in a comma), each parsed and built without recomputing revision ids; `None` at the first
/// that does not.
fn read_doc_lines(part: &[u8]) -> Option<Vec<(Document<Body>, u64)>> {
    if part.is_empty() {
        return Some(Vec::new());
    }
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', part).count() + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', part).chain([part.len()]) {
        let line = &part[start..end];
        let line = line.strip_suffix(b",").unwrap_or(line);
        let d: StoredDoc<Revision<Body>> = serde_json::from_slice(line).ok()?;
        let doc = Document::from_trusted_revisions(d.id, d.revisions).ok()?;
        out.push((doc, d.seq));
        start = end + 1;
    }
    Some(out)
}

/// One autosave's worth of change, as a journal line holds it (see `store::journal`).
#[derive(Serialize, Deserialize)]
struct JournalEntry<D> {
    /// The assessment's local sequence number after the change.
    seq: u64,
    /// Its clock after the change.
    clock: Hlc,
    /// Every document changed since the previous entry, whole.
    documents: Vec<D>,
}

impl Assessment {
    /// The documents changed after local sequence number `since`, whole, with the sequence
    /// number and clock they bring, as one line of JSON (no newline); `None` when nothing
    /// changed.
    pub fn journal_entry(&self, since: u64) -> Result<Option<Vec<u8>>, serde_json::Error> {
        let documents: Vec<_> = self
            .docs
            .documents()
            .filter(|(_, seq)| *seq > since)
            .map(|(doc, seq)| StoredDoc {
                id: doc.id().to_string(),
                seq,
                revisions: doc.revisions().collect::<Vec<_>>(),
            })
            .collect();
        if documents.is_empty() {
            return Ok(None);
        }
        serde_json::to_vec(&JournalEntry {
            seq: self.docs.seq(),
            clock: self.clock,
            documents,
        })
        .map(Some)
    }

    /// Applies a journal line this program wrote (its checksum already verified): the union
    /// of the revisions it holds with these, the larger sequence numbers and clock.
    pub fn replay_entry(&mut self, json: &[u8]) -> Result<(), ReplayError> {
        let entry: JournalEntry<StoredDoc<Revision<Body>>> = serde_json::from_slice(json)?;
        let mut documents = Vec::with_capacity(entry.documents.len());
        for d in entry.documents {
            let doc =
                Document::from_trusted_revisions(d.id, d.revisions).map_err(DocError::from)?;
            documents.push((doc, d.seq));
        }
        self.docs.replay(documents, entry.seq)?;
        self.clock = self.clock.max(entry.clock);
        Ok(())
    }
}

/// Why a journal line does not apply.
#[derive(Debug, Error)]
pub enum ReplayError {
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Doc(#[from] DocError),
}

impl<'de> Deserialize<'de> for Assessment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let file = AssessmentFile::<StoredDoc<Revision<Body>>>::deserialize(d)?;
        Assessment::from_file(file, false).map_err(D::Error::custom)
    }
}

impl JsonSchema for Assessment {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Assessment".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        AssessmentFile::<StoredDoc<Revision<Body>>>::json_schema(generator)
    }
}

/// Why an assessment file's content is not a valid assessment.
#[derive(Debug, Error)]
pub enum AssessmentError {
    #[error("\"format\" is {0:?}, expected \"zwgk-assessment\"")]
    Format(String),
    #[error("format_version {0} is not 2")]
    Version(u32),
    #[error("the id {0:?} is not a UUID")]
    Id(String),
    #[error("the partition {0:?} is not 1 to 40 lower-case ASCII letters or digits")]
    Partition(String),
    #[error("the header document is missing")]
    NoHeader,
    #[error(transparent)]
    Doc(#[from] DocError),
}

static EMPTY_HEADER: LazyLock<Header> = LazyLock::new(Header::default);

impl Assessment {
    /// Checks a file's content; with `trusted`, revision ids are not recomputed (see
    /// [`Assessment::from_own_file`]).
    fn from_file(
        file: AssessmentFile<StoredDoc<Revision<Body>>>,
        trusted: bool,
    ) -> Result<Self, AssessmentError> {
        // The head first: a wrong file is refused before its documents are built.
        check_head(&file)?;
        let mut documents = Vec::with_capacity(file.documents.len());
        let mut file = file;
        for d in std::mem::take(&mut file.documents) {
            let doc = if trusted {
                Document::from_trusted_revisions(d.id, d.revisions)
            } else {
                Document::from_revisions(d.id, d.revisions)
            }
            .map_err(DocError::from)?;
            documents.push((doc, d.seq));
        }
        Assessment::assemble(file, documents)
    }

    /// The assessment of a file's head (its documents already read) and its documents: the
    /// head's fields checked, the documents checked to belong to it.
    fn assemble(
        file: AssessmentFile<StoredDoc<Revision<Body>>>,
        documents: Vec<(Document<Body>, u64)>,
    ) -> Result<Self, AssessmentError> {
        check_head(&file)?;
        let docs = DocSet::from_documents(&file.partition, file.kind, &file.id, documents)?;
        if docs.get(&DocKey::header()).is_none() {
            return Err(AssessmentError::NoHeader);
        }
        Ok(Assessment {
            id: file.id,
            kind: file.kind,
            partition: file.partition,
            clock: file.clock,
            docs,
        })
    }

    /// A new assessment: the header document and one document per domain choice (and, for
    /// an inspection, the basis), all written by `author`.
    pub fn create(
        new: NewAssessment,
        author: Author,
        now_millis: u64,
    ) -> Result<Assessment, RecordError> {
        let mut a = Assessment {
            docs: DocSet::new(&new.partition, new.kind, &new.id),
            id: new.id,
            kind: new.kind,
            partition: new.partition,
            clock: Hlc::default(),
        };
        a.record(Body::Header(new.header), author.clone(), now_millis)?;
        for d in new.domains {
            a.record(Body::Domain(d), author.clone(), now_millis)?;
        }
        if let Some(b) = new.basis {
            a.record(Body::Basis(b), author, now_millis)?;
        }
        Ok(a)
    }

    /// The header (unit, round, assessor, creation, what it reviews).
    pub fn header(&self) -> &Header {
        self.docs
            .current(&DocKey::header())
            .and_then(Body::as_header)
            .unwrap_or(&EMPTY_HEADER)
    }

    /// The unit assessed.
    pub fn unit(&self) -> &Unit {
        &self.header().unit
    }

    /// The round, e.g. 2026年下半年自查.
    pub fn round(&self) -> &str {
        &self.header().round
    }

    /// Who does the check.
    pub fn assessor(&self) -> &str {
        &self.header().assessor
    }

    /// For an inspection: the id of the self-check it reviews.
    pub fn reviews(&self) -> Option<&str> {
        self.header().reviews.as_deref()
    }

    /// What an inspection was started from.
    pub fn basis(&self) -> Option<&ReviewBasis> {
        self.docs.current(&DocKey::basis()).and_then(Body::as_basis)
    }

    /// Every domain choice, by catalogue id (lists sort them in the library's order).
    pub fn domains(&self) -> impl Iterator<Item = &DomainChoice> {
        self.docs
            .of_kind(DocKind::Domain)
            .filter_map(|(_, d)| d.current().and_then(Body::as_domain))
    }

    /// The domain choice of a catalogue.
    pub fn domain(&self, checklist: &str) -> Option<&DomainChoice> {
        self.docs
            .current(&DocKey::domain(checklist))
            .and_then(Body::as_domain)
    }

    /// The current result of an item (the winning revision), if it was ever recorded.
    pub fn result(&self, checklist: &str, item: &str) -> Option<&ItemResult> {
        self.result_doc(checklist, item)?
            .current()
            .and_then(Body::as_result)
    }

    /// The document of an item result.
    pub fn result_doc(&self, checklist: &str, item: &str) -> Option<&Document<Body>> {
        self.docs
            .get(&DocKey::item(DocKind::Result, checklist, item))
    }

    /// The status of an item: 未检查 when nothing was recorded.
    pub fn status(&self, checklist: &str, item: &str) -> Status {
        self.result(checklist, item)
            .map_or(Status::Unchecked, |r| r.status)
    }

    /// The inspector's part of an item's task.
    pub fn task(&self, checklist: &str, item: &str) -> Option<&TaskSpec> {
        self.docs
            .current(&DocKey::item(DocKind::Task, checklist, item))
            .and_then(Body::as_task)
    }

    /// The township's response to an item's task.
    pub fn response(&self, checklist: &str, item: &str) -> Option<&TaskResponse> {
        self.docs
            .current(&DocKey::item(DocKind::Response, checklist, item))
            .and_then(Body::as_response)
    }

    /// An item's task with its response and state.
    pub fn task_view(&self, checklist: &str, item: &str) -> Option<TaskView<'_>> {
        let spec = self.task(checklist, item)?;
        Some(self.view_of(spec))
    }

    fn view_of<'a>(&'a self, spec: &'a TaskSpec) -> TaskView<'a> {
        let response = self.response(&spec.checklist, &spec.item);
        TaskView {
            spec,
            response,
            state: task_state(spec, response),
        }
    }

    /// Every current task, by catalogue and item id.
    pub fn tasks(&self) -> impl Iterator<Item = TaskView<'_>> {
        self.docs
            .of_kind(DocKind::Task)
            .filter_map(|(_, d)| d.current().and_then(Body::as_task))
            .map(|spec| self.view_of(spec))
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
        self.docs.conflict_count()
    }

    /// True when the document has concurrent versions waiting for a decision.
    pub fn has_conflict(&self, key: &DocKey) -> bool {
        self.docs.get(key).is_some_and(Document::has_conflicts)
    }

    /// True when someone with `role` may write this assessment's documents of `kind`.
    pub fn may_write(&self, role: Role, kind: DocKind) -> bool {
        may_write(role, self.kind, kind)
    }

    fn tick(&mut self, now_millis: u64) -> Hlc {
        let mut clock = Clock::resume(self.clock);
        let hlc = clock.tick(now_millis);
        self.clock = hlc;
        hlc
    }

    /// Records `body` as a new revision of its document, on top of the current one, if the
    /// author's role may write it. `None` when the body equals the current one.
    pub fn record(
        &mut self,
        body: Body,
        author: Author,
        now_millis: u64,
    ) -> Result<Option<RevId>, RecordError> {
        let key = body.key();
        self.check_role(&key, &author)?;
        if let Body::Header(h) = &body {
            self.check_header(h)?;
        }
        if self.docs.current(&key) == Some(&body) {
            return Ok(None);
        }
        let hlc = self.tick(now_millis);
        Ok(self.docs.record(body, author, hlc)?)
    }

    /// Settles a document's conflict: `body` on the live leaf `keep`, tombstones on the others.
    pub fn resolve(
        &mut self,
        key: &DocKey,
        keep: &RevId,
        body: Body,
        author: Author,
        now_millis: u64,
    ) -> Result<RevId, RecordError> {
        self.check_role(key, &author)?;
        if let Body::Header(h) = &body {
            self.check_header(h)?;
        }
        let hlc = self.tick(now_millis);
        Ok(self.docs.resolve(key, keep, body, author, hlc)?)
    }

    fn check_role(&self, key: &DocKey, author: &Author) -> Result<(), RecordError> {
        if self.may_write(author.role, key.kind) {
            return Ok(());
        }
        Err(RecordError::Role {
            doc: self.docs.id_of(key),
            role: author.role,
        })
    }

    /// `created` and `reviews` never change once the header exists.
    fn check_header(&self, h: &Header) -> Result<(), RecordError> {
        let Some(current) = self.docs.get(&DocKey::header()).and_then(Document::winner) else {
            return Ok(());
        };
        let Some(old) = current.body.as_header() else {
            return Ok(());
        };
        if old.created != h.created || old.reviews != h.reviews {
            return Err(RecordError::FixedHeader {
                doc: self.docs.id_of(&DocKey::header()),
            });
        }
        Ok(())
    }

    /// Merges another copy of the same assessment: the union of every document's revisions
    /// (nothing is dropped; concurrent edits become visible conflicts). Everything is checked
    /// first — the same assessment, every revision verifies, no revision rewritten, every new
    /// revision written by a role that may write its document, the fixed header facts
    /// unchanged — and on any error nothing changes. Clock readings more than
    /// [`MAX_CLOCK_AHEAD_MS`] ahead of `now_millis` are counted in `future` and do not move
    /// this file's clock.
    pub fn merge(
        &mut self,
        other: &Assessment,
        now_millis: u64,
    ) -> Result<AssessmentMerge, MergeError> {
        if self.id != other.id || self.kind != other.kind || self.partition != other.partition {
            return Err(MergeError::Different {
                ours: self.docs.prefix().to_string(),
                theirs: other.docs.prefix().to_string(),
            });
        }
        let incoming = self.docs.incoming(&other.docs)?;
        let fixed = self.header().clone();
        let mut stats = AssessmentMerge {
            added: incoming.revisions(),
            new_documents: incoming.new_documents(),
            ..AssessmentMerge::default()
        };
        let mut seen = self.clock;
        for (key, r) in incoming.iter() {
            *stats.added_by_kind.entry(key.kind).or_default() += 1;
            check_role(self, key, r)?;
            if let Body::Header(h) = &r.body
                && self.docs.get(&DocKey::header()).is_some()
                && (h.created != fixed.created || h.reviews != fixed.reviews)
            {
                return Err(MergeError::FixedHeader {
                    doc: self.docs.id_of(key),
                    rev: r.rev.clone(),
                });
            }
            stats.clock_seen(r.hlc, now_millis, &mut seen);
        }
        let conflicted_before = self.conflict_count();
        self.docs.apply(incoming);
        let mut clock = Clock::resume(self.clock);
        if seen > self.clock {
            clock.observe(seen, now_millis);
        }
        self.clock = clock.last();
        stats.conflicts = self.conflict_count();
        stats.new_conflicts = stats.conflicts.saturating_sub(conflicted_before);
        Ok(stats)
    }
}

impl Assessment {
    /// Takes in a copy that is new here: the checks of merging it into an empty assessment —
    /// every revision written by a role that may write its document, the fixed header facts the
    /// same in every header revision, the clock bound — without copying it. The clock becomes
    /// this device's reading past the newest admitted revision.
    pub fn admit(mut self, now_millis: u64) -> Result<(Assessment, AssessmentMerge), MergeError> {
        let mut stats = AssessmentMerge {
            new_documents: self.docs.len(),
            ..AssessmentMerge::default()
        };
        let mut seen = Hlc::default();
        let mut fixed: Option<(&str, Option<&str>)> = None;
        for (key, doc) in self.docs.iter() {
            for r in doc.revisions() {
                stats.added += 1;
                *stats.added_by_kind.entry(key.kind).or_default() += 1;
                check_role(&self, key, r)?;
                if let Body::Header(h) = &r.body {
                    let these = (h.created.as_str(), h.reviews.as_deref());
                    if *fixed.get_or_insert(these) != these {
                        return Err(MergeError::FixedHeader {
                            doc: self.docs.id_of(key),
                            rev: r.rev.clone(),
                        });
                    }
                }
                stats.clock_seen(r.hlc, now_millis, &mut seen);
            }
        }
        let mut clock = Clock::new();
        clock.observe(seen, now_millis);
        self.clock = clock.last();
        stats.conflicts = self.conflict_count();
        stats.new_conflicts = stats.conflicts;
        Ok((self, stats))
    }
}

/// Why a change could not be recorded.
#[derive(Debug, Error)]
pub enum RecordError {
    /// The author's role may not write this document.
    #[error("document {doc}: a {} may not change it", .role.as_str())]
    Role { doc: String, role: Role },
    /// A header revision that changes the creation time or the reviewed self-check.
    #[error("document {doc}: the creation time and the reviewed self-check never change")]
    FixedHeader { doc: String },
    #[error(transparent)]
    Revision(#[from] RevisionError),
    #[error(transparent)]
    Doc(#[from] DocError),
}

impl RecordError {
    /// The message in the chosen language. (`Display` is the English one, for logs.)
    pub fn message(&self, lang: crate::cli::Lang) -> String {
        if lang == crate::cli::Lang::En {
            return self.to_string();
        }
        match self {
            RecordError::Role { .. } => {
                "这份记录由另一方填写,这里不能修改(乡镇填自查和整改情况,区县填回头看结论、整改任务和复核)"
                    .to_string()
            }
            RecordError::FixedHeader { .. } => {
                "检查的创建时间和所检查的自查一经建立就不能修改".to_string()
            }
            RecordError::Revision(_) | RecordError::Doc(_) => {
                "修改没有记下:这份检查的修改记录有误;请另存一份(w)并联系维护人员".to_string()
            }
        }
    }
}

/// What merging another copy of an assessment changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssessmentMerge {
    /// Revisions that were new here.
    pub added: usize,
    /// Of those, how many per kind of document (results, tasks, responses …).
    pub added_by_kind: BTreeMap<DocKind, usize>,
    /// Documents that were new here.
    pub new_documents: usize,
    /// Documents that have a conflict after the merge.
    pub conflicts: usize,
    /// Of those, how many more than before.
    pub new_conflicts: usize,
    /// New revisions dated more than a day ahead of this device's clock
    /// ([`MAX_CLOCK_AHEAD_MS`]): kept (their ids cover their time), but this file's clock does
    /// not move to them, so later local changes carry this device's time.
    pub future: usize,
    /// The latest of those readings.
    pub furthest: Option<Hlc>,
    /// How far the latest of them is ahead of this device's clock (milliseconds).
    pub ahead_ms: u64,
}

impl AssessmentMerge {
    /// Counts an arriving revision's clock reading: one more than [`MAX_CLOCK_AHEAD_MS`] ahead
    /// of `now_millis` is counted as in the future; any other advances `seen`, the reading this
    /// file's clock may move to.
    fn clock_seen(&mut self, hlc: Hlc, now_millis: u64, seen: &mut Hlc) {
        if hlc.millis > now_millis.saturating_add(MAX_CLOCK_AHEAD_MS) {
            self.future += 1;
            self.furthest = self.furthest.max(Some(hlc));
            self.ahead_ms = self.ahead_ms.max(hlc.millis.saturating_sub(now_millis));
        } else {
            *seen = (*seen).max(hlc);
        }
    }
}

/// Why two copies cannot be merged.
#[derive(Debug, Error)]
pub enum MergeError {
    #[error(
        "the documents {theirs}… cannot be merged into {ours}…: they belong to different assessments"
    )]
    Different { ours: String, theirs: String },
    #[error(
        "document {doc}: revision {rev} changes the creation time or the reviewed self-check, \
         which never change; refused"
    )]
    FixedHeader { doc: String, rev: RevId },
    #[error(transparent)]
    Doc(#[from] DocError),
}

impl From<RevisionError> for MergeError {
    fn from(e: RevisionError) -> Self {
        MergeError::Doc(DocError::Revision(e))
    }
}

impl Assessment {
    /// A copy as it travels: without this device's local sequence numbers.
    pub fn portable(&self) -> Assessment {
        Assessment {
            docs: self.docs.portable(),
            ..self.clone()
        }
    }

    /// An assessment with this one's id, kind and partition and no document: what a copy
    /// arriving for the first time is merged into, so it passes every check a merge makes.
    pub fn empty_like(&self) -> Assessment {
        Assessment {
            id: self.id.clone(),
            kind: self.kind,
            partition: self.partition.clone(),
            clock: Hlc::default(),
            docs: DocSet::new(&self.partition, self.kind, &self.id),
        }
    }
}

/// Per-item map of a self-check's current result revisions: an inspection's basis.
pub fn basis_of(self_check: &Assessment) -> ReviewBasis {
    let results: BTreeMap<String, RevId> = self_check
        .docs
        .of_kind(DocKind::Result)
        .filter_map(|(k, d)| Some((k.key.clone(), d.winner()?.rev.clone())))
        .collect();
    ReviewBasis {
        self_check: self_check.id.clone(),
        results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_form_has_one_document_a_line_and_reads_back_equal() {
        let unit = Unit {
            name: "胡集镇".into(),
            ..Unit::default()
        };
        let author = Author {
            name: "张三".into(),
            device: "d".into(),
            role: Role::Township,
        };
        let mut a = Assessment::create(
            NewAssessment {
                id: "0190f5a2-7c00-7000-8000-000000000001".into(),
                kind: Kind::SelfCheck,
                partition: unit.partition(),
                header: Header {
                    unit,
                    round: "2026年自查".into(),
                    assessor: "张三".into(),
                    created: "2026-11-27T06:40:05.000Z".into(),
                    reviews: None,
                },
                domains: vec![DomainChoice {
                    checklist: "employment".into(),
                    version: "1".into(),
                    involved: true,
                    reason: None,
                    summary: String::new(),
                }],
                basis: None,
            },
            author.clone(),
            1_795_761_605_000,
        )
        .unwrap();
        a.record(
            Body::Result(ItemResult {
                checklist: "employment".into(),
                item: "01".into(),
                status: Status::Partial,
                note: "第一行\n\"第二行\"".into(),
                ..ItemResult::default()
            }),
            author,
            1_795_761_606_000,
        )
        .unwrap();
        let bytes = a.to_json_lines().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + a.docs.len() + 1, "{text}");
        assert!(lines[0].starts_with("{\"format\":\"zwgk-assessment\",\"format_version\":2,"));
        assert!(lines[1].starts_with("{\"id\":\""), "{}", lines[1]);
        let back: Assessment = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, a);
        assert_eq!(back.docs.seq(), a.docs.seq(), "local sequence numbers kept");
        // The same value as the serde form, plus the checksum of the document lines.
        let mut v1: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let sum = v1.as_object_mut().and_then(|o| o.remove("checksum"));
        let nl = text.find('\n').unwrap();
        let expected = hex::encode(Sha256::digest(&bytes[nl + 1..]));
        assert_eq!(
            sum.as_ref().and_then(|s| s.as_str()),
            Some(expected.as_str())
        );
        let v2 = serde_json::to_value(&a).unwrap();
        assert_eq!(v1, v2);
    }
}
