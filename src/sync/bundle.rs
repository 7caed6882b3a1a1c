//! Hand-over bundles (数据包): one immutable file per hand-over, put on a USB stick, a shared
//! folder or sent by a messaging app.
//!
//! A bundle is a zip file named like `槐荫区五里沟街道-2026年第四季度-自查-2026-12-01.zwgk`:
//!
//! ```text
//! bundle.json                 the header: producer, assessments, catalogue versions and
//!                             fingerprints, evidence, receipts, the SHA-256 of every other
//!                             entry, and a checksum over the header itself
//! assessments/<id>.json       each assessment as plain format-2 JSON (every document, every
//!                             revision: the whole ancestry the receiver needs)
//! evidence/<sha256>           every evidence file the documents cite, named by its SHA-256
//! ```
//!
//! Reading checks everything before anything changes: the zip's shape, each entry against the
//! header's SHA-256 and size, the header's checksum, every revision id of every document, and
//! then the role rules of every new revision while merging in memory. A tampered, truncated or
//! foreign bundle is refused whole. Importing is a union of revisions, so a bundle imported
//! twice, or after a newer one, changes nothing it should not.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::state::{Received, Sent, SyncState};
use crate::cli::Lang;
use crate::library::Library;
use crate::model::assessment::{Assessment, AssessmentMerge, Evidence, Kind};
use crate::model::doc::{Body, DocKind, assessment_id_ok};
use crate::model::revision::{Role, canonical_json};
use crate::store::evidence::{EvidenceStore, MAX_EVIDENCE_BYTES, is_sha256};
use crate::store::{MAX_ASSESSMENT_BYTES, Store, StoreError, parse_assessment};

/// The value of the header's `format`.
pub const BUNDLE_FORMAT: &str = "zwgk-bundle";
/// The newest bundle `format_version` this build reads and writes.
pub const BUNDLE_FORMAT_VERSION: u32 = 1;
/// The extension of bundle files.
pub const BUNDLE_EXTENSION: &str = "zwgk";
/// The header entry.
pub const HEADER_ENTRY: &str = "bundle.json";
/// Largest header read (bytes).
pub const MAX_HEADER_BYTES: u64 = 64 * 1024 * 1024;
/// Most entries a bundle may have.
pub const MAX_ENTRIES: usize = 100_000;
/// Largest bundle file read (bytes).
pub const MAX_BUNDLE_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Most bytes the entries of a bundle unpack to, added up (as its header declares them, which
/// each entry must match): a small zip of zeros cannot make zwgk inflate and hash terabytes.
pub const MAX_UNPACKED_BYTES: u64 = MAX_BUNDLE_BYTES;
/// Most bytes of all the assessments of a bundle together (they are held in memory at once):
/// the limit of one assessment file, [`MAX_ASSESSMENT_BYTES`].
pub const MAX_ASSESSMENTS_BYTES: u64 = MAX_ASSESSMENT_BYTES;

/// The header of a bundle (`bundle.json`). The JSON Schema is `zwgk schema bundle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Always `"zwgk-bundle"`.
    pub format: String,
    /// 1.
    pub format_version: u32,
    /// UUID of this hand-over.
    pub id: String,
    /// When it was made, RFC 3339 UTC.
    pub created: String,
    pub producer: Producer,
    /// The assessments carried.
    pub assessments: Vec<Carried>,
    /// The catalogue versions the assessments were made against, with a fingerprint of their
    /// rows, so the receiver can tell whether its catalogue is the same.
    pub catalogues: Vec<CatalogueRef>,
    /// Every evidence file the documents cite; `included` is false for one the producer did
    /// not have (cited by a version-1 path only).
    pub evidence: Vec<EvidenceRef>,
    /// The bundles the producer has received (ids): the other side learns they arrived.
    pub receipts: Vec<String>,
    /// Every other entry of the zip with its SHA-256 and size.
    #[serde(deserialize_with = "crate::model::doc::unique_keys")]
    pub entries: BTreeMap<String, EntryRef>,
    /// SHA-256 of the canonical JSON of this header without `checksum`.
    pub checksum: String,
}

/// Who made a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Producer {
    /// Device id.
    pub device: String,
    /// The person, as the device knows them.
    pub user: String,
    pub role: Role,
    /// The zwgk version that wrote it.
    pub app: String,
}

/// An assessment in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Carried {
    pub id: String,
    pub kind: Kind,
    pub partition: String,
    /// The unit's name.
    pub unit: String,
    pub county: String,
    pub round: String,
    pub documents: usize,
    pub revisions: usize,
    /// Its entry, `assessments/<id>.json`.
    pub entry: String,
}

/// A catalogue version the assessments use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueRef {
    pub id: String,
    pub version: String,
    /// SHA-256 over the rows' fingerprints in order (empty: the producer lacked it).
    pub fingerprint: String,
}

/// An evidence file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRef {
    pub sha256: String,
    /// A name it was cited under.
    pub name: String,
    /// False when the producer did not have the file.
    pub included: bool,
}

/// An entry's SHA-256 and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRef {
    pub sha256: String,
    pub size: u64,
}

/// Why a bundle could not be written or read. Every message names the file.
#[derive(Debug, Error)]
pub enum BundleError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: not a zwgk bundle, or damaged (copied incompletely?): {reason}")]
    NotABundle { path: PathBuf, reason: String },
    #[error(
        "{path}: made by a newer zwgk (bundle format {found}, this zwgk reads up to {BUNDLE_FORMAT_VERSION}); update zwgk"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error(
        "{path}: {entry} was changed or damaged after the bundle was made ({what}); the whole bundle is refused, ask for it again"
    )]
    Tampered {
        path: PathBuf,
        entry: String,
        what: String,
    },
    #[error("{path}: {entry}: {limit} is the most zwgk reads")]
    TooLarge {
        path: PathBuf,
        entry: String,
        limit: u64,
    },
    /// The entries (or the assessments among them) unpack to more than a limit, added up.
    #[error("{path}: {what} unpack to more than {limit} bytes together, the most zwgk reads; nothing was imported", what = if *.assessments { "its assessments" } else { "its entries" })]
    Unpacked {
        path: PathBuf,
        assessments: bool,
        limit: u64,
    },
    #[error("{path}: {entry}: {source}")]
    Assessment {
        path: PathBuf,
        entry: String,
        source: Box<StoreError>,
    },
    #[error("{path}: {source}")]
    Store {
        path: PathBuf,
        source: Box<StoreError>,
    },
    #[error("{path}: {message}")]
    Write { path: PathBuf, message: String },
}

impl BundleError {
    /// The message in the interface's language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En && !matches!(self, BundleError::Store { .. }) {
            return self.to_string();
        }
        match self {
            BundleError::Io { path, source } => format!(
                "{}: 读写失败:{}",
                path.display(),
                crate::store::io_message(source, lang)
            ),
            BundleError::NotABundle { path, reason } if reason == crate::store::NOT_A_FILE => {
                format!(
                    "{}: {}。本机数据没有改动",
                    path.display(),
                    crate::store::NOT_A_FILE_ZH
                )
            }
            BundleError::NotABundle { path, reason } => format!(
                "{}: 不是 zwgk 数据包,或已损坏(复制不完整?):{reason}。整个数据包未导入,本机数据没有改动",
                path.display()
            ),
            BundleError::TooNew { path, found } => format!(
                "{}: 由更新版本的 zwgk 生成(数据包格式 {found},本机只能读到 {BUNDLE_FORMAT_VERSION}),请先升级 zwgk",
                path.display()
            ),
            BundleError::Tampered { path, entry, what } => format!(
                "{}: {entry} 在生成后被改动或损坏({what})。整个数据包未导入,本机数据没有改动;请对方重新上报/下发",
                path.display()
            ),
            BundleError::Unpacked {
                path,
                assessments,
                limit,
            } => format!(
                "{}: {}解压后合计超过上限 {limit} 字节。整个数据包未导入,本机数据没有改动",
                path.display(),
                if *assessments {
                    "所含检查文件"
                } else {
                    ""
                }
            ),
            BundleError::TooLarge { path, entry, limit } => {
                format!("{}: {entry} 超过上限 {limit} 字节,未导入", path.display())
            }
            BundleError::Assessment {
                path,
                entry,
                source,
            } => format!(
                "{}: {entry}: {}。整个数据包未导入,本机数据没有改动",
                path.display(),
                source.message(lang)
            ),
            BundleError::Store { path, source } => {
                // The store's message names its file; the bundle's path only when it differs
                // (in either language).
                let text = source.message(lang);
                if text.starts_with(&path.display().to_string()) {
                    text
                } else {
                    format!("{}: {text}", path.display())
                }
            }
            BundleError::Write { path, message } => {
                format!("{}: 写入失败:{message}", path.display())
            }
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The fingerprint of a catalogue version: SHA-256 over its rows' fingerprints in order.
pub fn catalogue_fingerprint(entry: &crate::library::Entry) -> String {
    let mut h = Sha256::new();
    for (item, fp) in entry.catalogue.items.iter().zip(&entry.fingerprints) {
        h.update(item.id.as_bytes());
        h.update([0]);
        h.update(fp.0.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// Every evidence file cited anywhere in an assessment's history, with a name it was cited by.
pub fn cited_files(a: &Assessment) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut add = |evs: &[Evidence]| {
        for e in evs {
            if let Evidence::File { name, sha256, .. } = e {
                out.entry(sha256.clone()).or_insert_with(|| name.clone());
            }
        }
    };
    for (_, doc) in a.docs.iter() {
        for r in doc.revisions() {
            match &r.body {
                Body::Result(x) => {
                    add(&x.evidence);
                    add(&x.township_evidence);
                }
                Body::Response(x) => add(&x.evidence),
                _ => {}
            }
        }
    }
    out
}

/// What goes into a bundle.
#[derive(Debug)]
pub struct Outgoing<'a> {
    pub id: String,
    pub created: String,
    pub producer: Producer,
    pub assessments: Vec<&'a Assessment>,
    pub receipts: Vec<String>,
}

fn kind_word(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::SelfCheck, Lang::Zh) => "自查",
        (Kind::Inspection, Lang::Zh) => "回头看",
        (Kind::SelfCheck, Lang::En) => "self-check",
        (Kind::Inspection, Lang::En) => "inspection",
    }
}

/// The readable name of a bundle: `<unit>-<round>-<自查|回头看>-<YYYY-MM-DD>.zwgk`.
pub fn file_name(main: &Assessment, date: &str, lang: Lang) -> String {
    let stem = format!(
        "{}-{}-{}-{date}",
        main.unit().name.trim(),
        main.round().trim(),
        kind_word(main.kind, lang)
    );
    let safe = crate::text::file_name_safe(&stem);
    format!(
        "{}.{BUNDLE_EXTENSION}",
        if safe.is_empty() { "zwgk" } else { &safe }
    )
}

/// A path in `dir` for `name` that does not exist yet (`name-2.zwgk`, `name-3.zwgk` …):
/// bundles are never overwritten.
fn free_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The header's checksum: SHA-256 of its canonical JSON without `checksum`.
fn header_checksum(h: &Header) -> String {
    let mut v = serde_json::to_value(h).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.remove("checksum");
    }
    canonical_json(&v)
        .map(|c| sha256_hex(c.as_bytes()))
        .unwrap_or_default()
}

/// Writes a bundle into `dir` and returns its path. The file is written atomically and never
/// replaces an existing one.
pub fn write(
    dir: &Path,
    out: &Outgoing<'_>,
    library: &Library,
    evidence: &EvidenceStore,
    lang: Lang,
) -> Result<PathBuf, BundleError> {
    let main = out.assessments.first().ok_or_else(|| BundleError::Write {
        path: dir.to_path_buf(),
        message: "nothing to hand over".into(),
    })?;
    let date = out.created.get(..10).unwrap_or("");
    let date =
        crate::clock::parse_rfc3339(&out.created).map_or(date.to_string(), crate::clock::date);
    let target = free_path(dir, &file_name(main, &date, lang));
    let mut tmp = tempfile::Builder::new()
        .prefix(".zwgk-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err(dir))?;
    let mut entries = BTreeMap::new();
    let mut carried = Vec::new();
    let mut catalogues = BTreeSet::new();
    let mut cited = BTreeMap::new();
    {
        let mut zip = zip::ZipWriter::new(tmp.as_file_mut());
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        let zerr = |e: zip::result::ZipError| BundleError::Write {
            path: target.clone(),
            message: e.to_string(),
        };
        for a in &out.assessments {
            let entry = format!("assessments/{}.json", a.id);
            let bytes = a
                .portable()
                .to_json_lines()
                .map_err(|e| BundleError::Write {
                    path: target.clone(),
                    message: e.to_string(),
                })?;
            zip.start_file(entry.as_str(), deflated).map_err(zerr)?;
            zip.write_all(&bytes).map_err(io_err(&target))?;
            entries.insert(
                entry.clone(),
                EntryRef {
                    sha256: sha256_hex(&bytes),
                    size: bytes.len() as u64,
                },
            );
            let unit = a.unit();
            carried.push(Carried {
                id: a.id.clone(),
                kind: a.kind,
                partition: a.partition.clone(),
                unit: unit.name.clone(),
                county: unit.county.clone(),
                round: a.round().to_string(),
                documents: a.docs.len(),
                revisions: a.docs.revision_count(),
                entry,
            });
            for d in a.domains() {
                catalogues.insert(CatalogueRef {
                    id: d.checklist.clone(),
                    version: d.version.clone(),
                    fingerprint: library
                        .get(&d.checklist)
                        .filter(|e| e.catalogue.version == d.version)
                        .map(catalogue_fingerprint)
                        .unwrap_or_default(),
                });
            }
            cited.extend(cited_files(a));
        }
        let mut refs = Vec::new();
        for (sha256, name) in &cited {
            let included = evidence.has(sha256);
            if included {
                let entry = format!("evidence/{sha256}");
                let bytes = evidence.read(sha256).map_err(|e| BundleError::Write {
                    path: target.clone(),
                    message: e.to_string(),
                })?;
                zip.start_file(entry.as_str(), stored).map_err(zerr)?;
                zip.write_all(&bytes).map_err(io_err(&target))?;
                entries.insert(
                    entry,
                    EntryRef {
                        sha256: sha256.clone(),
                        size: bytes.len() as u64,
                    },
                );
            }
            refs.push(EvidenceRef {
                sha256: sha256.clone(),
                name: name.clone(),
                included,
            });
        }
        let mut header = Header {
            format: BUNDLE_FORMAT.into(),
            format_version: BUNDLE_FORMAT_VERSION,
            id: out.id.clone(),
            created: out.created.clone(),
            producer: out.producer.clone(),
            assessments: carried,
            catalogues: catalogues.into_iter().collect(),
            evidence: refs,
            receipts: out.receipts.clone(),
            entries,
            checksum: String::new(),
        };
        header.checksum = header_checksum(&header);
        let bytes = serde_json::to_vec_pretty(&header).map_err(|e| BundleError::Write {
            path: target.clone(),
            message: e.to_string(),
        })?;
        zip.start_file(HEADER_ENTRY, deflated).map_err(zerr)?;
        zip.write_all(&bytes).map_err(io_err(&target))?;
        zip.finish().map_err(zerr)?;
    }
    tmp.as_file().sync_all().map_err(io_err(&target))?;
    crate::store::atomic::make_shareable(tmp.as_file()).map_err(io_err(&target))?;
    tmp.persist_noclobber(&target)
        .map_err(|e| io_err(&target)(e.error))?;
    crate::store::atomic::sync_dir(dir).map_err(io_err(dir))?;
    Ok(target)
}

/// A bundle that passed every check, with its assessments parsed and verified.
#[derive(Debug)]
pub struct Verified {
    pub path: PathBuf,
    pub header: Header,
    pub assessments: Vec<Assessment>,
}

/// Reads at most `limit` bytes of a zip entry, or fails.
fn read_limited(
    path: &Path,
    entry: &str,
    mut r: impl Read,
    limit: u64,
) -> Result<Vec<u8>, BundleError> {
    let mut bytes = Vec::new();
    r.by_ref()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| BundleError::NotABundle {
            path: path.to_path_buf(),
            reason: format!("{entry}: {e}"),
        })?;
    if bytes.len() as u64 > limit {
        return Err(BundleError::TooLarge {
            path: path.to_path_buf(),
            entry: entry.to_string(),
            limit,
        });
    }
    Ok(bytes)
}

/// Opens and checks a bundle (see the module docs); nothing is written.
pub fn open(path: &Path) -> Result<Verified, BundleError> {
    let not = |reason: String| BundleError::NotABundle {
        path: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(not(crate::store::NOT_A_FILE.into()));
    }
    if meta.len() > MAX_BUNDLE_BYTES {
        return Err(BundleError::TooLarge {
            path: path.to_path_buf(),
            entry: String::new(),
            limit: MAX_BUNDLE_BYTES,
        });
    }
    let file = File::open(path).map_err(io_err(path))?;
    read(path, file)
}

/// Checks the bundle `reader` holds, as [`open`] does after looking at the file (`path` names
/// it in messages); nothing is written. The fuzz target `bundle_merge` reads from memory.
pub fn read<R: Read + io::Seek>(path: &Path, reader: R) -> Result<Verified, BundleError> {
    let not = |reason: String| BundleError::NotABundle {
        path: path.to_path_buf(),
        reason,
    };
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| not(e.to_string()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(not(format!("{} entries", zip.len())));
    }
    let names: BTreeSet<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| not(e.to_string()))?;
    if names.len() != zip.len() {
        return Err(not("an entry is listed twice".into()));
    }
    for n in &names {
        let known = n == HEADER_ENTRY
            || n.strip_prefix("assessments/")
                .and_then(|r| r.strip_suffix(".json"))
                .is_some_and(assessment_id_ok)
            || n.strip_prefix("evidence/").is_some_and(is_sha256);
        if !known {
            return Err(not(format!(
                "unexpected entry {:?}",
                crate::text::sanitize(n, false)
            )));
        }
    }
    let header: Header = {
        let entry = zip
            .by_name(HEADER_ENTRY)
            .map_err(|_| not(format!("no {HEADER_ENTRY}")))?;
        let bytes = read_limited(path, HEADER_ENTRY, entry, MAX_HEADER_BYTES)?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| not(format!("{HEADER_ENTRY}: {e}")))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(BUNDLE_FORMAT) {
            return Err(not(format!("{HEADER_ENTRY} is not a zwgk bundle header")));
        }
        match value.get("format_version").and_then(|v| v.as_u64()) {
            Some(v) if v > u64::from(BUNDLE_FORMAT_VERSION) => {
                return Err(BundleError::TooNew {
                    path: path.to_path_buf(),
                    found: u32::try_from(v).unwrap_or(u32::MAX),
                });
            }
            Some(v) if v == u64::from(BUNDLE_FORMAT_VERSION) => {}
            _ => return Err(not(format!("{HEADER_ENTRY}: bad format_version"))),
        }
        // From the bytes, not the value: a key written twice is refused, not collapsed.
        serde_json::from_slice(&bytes).map_err(|e| not(format!("{HEADER_ENTRY}: {e}")))?
    };
    let tampered = |entry: &str, what: String| BundleError::Tampered {
        path: path.to_path_buf(),
        entry: entry.to_string(),
        what,
    };
    if header_checksum(&header) != header.checksum {
        return Err(tampered(HEADER_ENTRY, "checksum".into()));
    }
    let listed: BTreeSet<String> = header.entries.keys().cloned().collect();
    let present: BTreeSet<String> = names
        .iter()
        .filter(|n| *n != HEADER_ENTRY)
        .cloned()
        .collect();
    if let Some(missing) = listed.difference(&present).next() {
        return Err(tampered(missing, "missing".into()));
    }
    if let Some(extra) = present.difference(&listed).next() {
        return Err(tampered(extra, "not listed in the header".into()));
    }
    // What the entries unpack to, from the header, before any is read: each entry must be
    // exactly its declared size, so these bound the work and the memory.
    let declared = |assessments: bool| {
        header
            .entries
            .iter()
            .filter(|(n, _)| !assessments || n.starts_with("assessments/"))
            .fold(0u64, |sum, (_, e)| sum.saturating_add(e.size))
    };
    for (assessments, limit) in [(false, MAX_UNPACKED_BYTES), (true, MAX_ASSESSMENTS_BYTES)] {
        if declared(assessments) > limit {
            return Err(BundleError::Unpacked {
                path: path.to_path_buf(),
                assessments,
                limit,
            });
        }
    }
    let mut texts: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (name, want) in &header.entries {
        let entry = zip.by_name(name).map_err(|e| not(format!("{name}: {e}")))?;
        let is_assessment = name.starts_with("assessments/");
        let limit = if is_assessment {
            MAX_ASSESSMENT_BYTES
        } else {
            MAX_EVIDENCE_BYTES
        };
        if want.size > limit || entry.size() > limit {
            return Err(BundleError::TooLarge {
                path: path.to_path_buf(),
                entry: name.clone(),
                limit,
            });
        }
        // No more than it declares: a longer entry is as wrong as a changed one.
        let bytes = match read_limited(path, name, entry, want.size) {
            Err(BundleError::TooLarge { .. }) => return Err(tampered(name, "SHA-256".into())),
            read => read?,
        };
        if bytes.len() as u64 != want.size || sha256_hex(&bytes) != want.sha256 {
            return Err(tampered(name, "SHA-256".into()));
        }
        if is_assessment {
            texts.insert(name.clone(), bytes);
        }
    }
    let mut assessments = Vec::new();
    for c in &header.assessments {
        let bytes = texts
            .get(&c.entry)
            .ok_or_else(|| tampered(&c.entry, "missing".into()))?;
        let label = path.join(&c.entry);
        let a = parse_assessment(&label, bytes).map_err(|source| BundleError::Assessment {
            path: path.to_path_buf(),
            entry: c.entry.clone(),
            source: Box::new(source),
        })?;
        if a.id != c.id || a.kind != c.kind || a.partition != c.partition {
            return Err(tampered(&c.entry, "id, kind or partition".into()));
        }
        assessments.push(a);
    }
    for e in header.evidence.iter().filter(|e| e.included) {
        if !header
            .entries
            .contains_key(&format!("evidence/{}", e.sha256))
        {
            return Err(tampered(
                &format!("evidence/{}", e.sha256),
                "missing".into(),
            ));
        }
    }
    Ok(Verified {
        path: path.to_path_buf(),
        header,
        assessments,
    })
}

/// What an import brought, per assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrived {
    pub id: String,
    pub kind: Kind,
    pub unit: String,
    pub round: String,
    pub new: bool,
    pub merge: AssessmentMerge,
}

/// A note about a catalogue version the bundle uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogueNote {
    /// Not in the library here.
    Missing { id: String, version: String },
    /// The library here has another version.
    OtherVersion {
        id: String,
        theirs: String,
        ours: String,
    },
    /// Same version, different rows.
    Differs { id: String, version: String },
}

/// What importing a bundle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub path: PathBuf,
    pub bundle: String,
    pub producer: Producer,
    pub arrived: Vec<Arrived>,
    /// Evidence files new here.
    pub evidence_added: usize,
    /// Cited files the producer did not have.
    pub evidence_missing: usize,
    /// Our bundles the other side says it received.
    pub acknowledged: usize,
    /// True when this bundle had been imported before.
    pub again: bool,
    pub catalogues: Vec<CatalogueNote>,
}

impl ImportReport {
    /// New revisions over every assessment.
    pub fn added(&self) -> usize {
        self.arrived.iter().map(|a| a.merge.added).sum()
    }

    /// One line for the status bar or the terminal, in the interface's language.
    pub fn message(&self, lang: Lang) -> String {
        let s = crate::ui::strings::strings(lang);
        let name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut parts = Vec::new();
        // Per kind of document; a new assessment's header and domain choices go without saying.
        let by = |k: DocKind| -> usize {
            self.arrived
                .iter()
                .filter(|a| !a.new || !matches!(k, DocKind::Header | DocKind::Domain))
                .map(|a| a.merge.added_by_kind.get(&k).copied().unwrap_or(0))
                .sum()
        };
        let added: usize = DocKind::ALL.into_iter().map(by).sum();
        if self.added() == 0 {
            parts.push(s.import_nothing_new.to_string());
        } else {
            let mut kinds = Vec::new();
            for (k, label) in [
                (DocKind::Result, s.import_results),
                (DocKind::Task, s.import_tasks),
                (DocKind::Response, s.import_responses),
                (DocKind::Domain, s.import_domains),
                (DocKind::Header, s.import_headers),
            ] {
                let n = by(k);
                if n > 0 {
                    kinds.push(format!("{label} {n}"));
                }
            }
            parts.push(format!(
                "{} {added} {}({})",
                s.import_added,
                s.import_revisions,
                kinds.join("、")
            ));
        }
        let new_units: Vec<String> = self
            .arrived
            .iter()
            .filter(|a| a.new)
            .map(|a| crate::text::sanitize(&format!("{} {}", a.unit, a.round), false))
            .collect();
        if !new_units.is_empty() {
            parts.push(format!("{} {}", s.import_new, new_units.join("、")));
        }
        let conflicts: usize = self.arrived.iter().map(|a| a.merge.new_conflicts).sum();
        if conflicts > 0 {
            parts.push(format!("{conflicts} {}", s.import_conflicts));
        }
        if self.evidence_added > 0 {
            parts.push(format!("{} {}", s.import_evidence, self.evidence_added));
        }
        if self.evidence_missing > 0 {
            parts.push(format!(
                "{} {}",
                s.import_evidence_missing, self.evidence_missing
            ));
        }
        if self.acknowledged > 0 {
            parts.push(format!("{} {}", s.import_acknowledged, self.acknowledged));
        }
        let future: usize = self.arrived.iter().map(|a| a.merge.future).sum();
        if future > 0 {
            let ahead = self.arrived.iter().map(|a| a.merge.ahead_ms).max();
            let furthest = self.arrived.iter().filter_map(|a| a.merge.furthest).max();
            parts.push(
                s.import_future
                    .replace("{n}", &future.to_string())
                    .replace("{days}", &(ahead.unwrap_or(0) / 86_400_000).to_string())
                    .replace(
                        "{until}",
                        &furthest.map_or_else(String::new, |h| {
                            let t = crate::clock::rfc3339(h.millis).replacen('T', " ", 1);
                            t.get(..16).unwrap_or(&t).to_string()
                        }),
                    ),
            );
        }
        for n in &self.catalogues {
            parts.push(match n {
                CatalogueNote::Missing { id, version } => {
                    format!("{} {id} {version}", s.import_catalogue_missing)
                }
                CatalogueNote::OtherVersion { id, theirs, ours } => {
                    format!("{} {id} {theirs}/{ours}", s.import_catalogue_version)
                }
                CatalogueNote::Differs { id, version } => {
                    format!("{} {id} {version}", s.import_catalogue_differs)
                }
            });
        }
        if self.again {
            parts.push(s.import_again.to_string());
        }
        crate::text::sanitize(&format!("{name}: {}", parts.join(";")), false)
    }
}

/// Imports a checked bundle into a data directory: merges every assessment in memory first
/// (any refusal changes nothing), then stores the evidence files, the assessments and the
/// hand-over state.
pub fn import(
    store: &mut Store,
    bundle: Verified,
    library: &Library,
    now_millis: u64,
) -> Result<ImportReport, BundleError> {
    let Verified {
        path,
        header,
        assessments,
    } = bundle;
    let path = &path;
    if store.is_read_only() {
        return Err(BundleError::Store {
            path: path.clone(),
            source: Box::new(StoreError::ReadOnly {
                path: store.root().to_path_buf(),
            }),
        });
    }
    let mut planned = Vec::new();
    for a in assessments {
        let (imported, changed) =
            store
                .plan_import(path, a, now_millis)
                .map_err(|source| BundleError::Store {
                    path: path.clone(),
                    source: Box::new(source),
                })?;
        planned.push((imported, changed));
    }
    // Evidence first: content-addressed, so storing it can never hurt.
    let evidence = store.evidence();
    let mut evidence_added = 0;
    let file = File::open(path).map_err(io_err(path))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| BundleError::NotABundle {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    for e in header.evidence.iter().filter(|e| e.included) {
        if evidence.has(&e.sha256) {
            continue;
        }
        let name = format!("evidence/{}", e.sha256);
        let entry = zip.by_name(&name).map_err(|err| BundleError::NotABundle {
            path: path.clone(),
            reason: format!("{name}: {err}"),
        })?;
        evidence
            .put_reader(entry, Some(&e.sha256))
            .map_err(|err| BundleError::Write {
                path: path.clone(),
                message: err.to_string(),
            })?;
        evidence_added += 1;
    }
    let mut arrived = Vec::new();
    for (imported, changed) in planned {
        if changed {
            store
                .save(&imported.assessment)
                .map_err(|source| BundleError::Store {
                    path: path.clone(),
                    source: Box::new(source),
                })?;
        }
        let a = &imported.assessment;
        arrived.push(Arrived {
            id: a.id.clone(),
            kind: a.kind,
            unit: a.unit().name.clone(),
            round: a.round().to_string(),
            new: imported.new,
            merge: imported.merge,
        });
    }
    let now = crate::clock::rfc3339(now_millis);
    let mut state = SyncState::load(store.root());
    let again = state.has_received(&header.id);
    let acknowledged = state.acknowledge(&header.receipts, &now);
    if !again {
        state.received.push(Received {
            bundle: header.id.clone(),
            created: header.created.clone(),
            imported: now,
            device: header.producer.device.clone(),
            assessments: arrived
                .iter()
                .map(|a| (a.id.clone(), a.merge.added))
                .collect(),
        });
    }
    state.save(store.root()).map_err(io_err(store.root()))?;
    Ok(ImportReport {
        path: path.clone(),
        bundle: header.id.clone(),
        producer: header.producer.clone(),
        arrived,
        evidence_added,
        evidence_missing: header.evidence.iter().filter(|e| !e.included).count(),
        acknowledged,
        again,
        catalogues: catalogue_notes(&header, library),
    })
}

/// How the bundle's catalogue versions compare with the library here.
pub fn catalogue_notes(header: &Header, library: &Library) -> Vec<CatalogueNote> {
    header
        .catalogues
        .iter()
        .filter_map(|c| match library.get(&c.id) {
            None => Some(CatalogueNote::Missing {
                id: c.id.clone(),
                version: c.version.clone(),
            }),
            Some(e) if e.catalogue.version != c.version => Some(CatalogueNote::OtherVersion {
                id: c.id.clone(),
                theirs: c.version.clone(),
                ours: e.catalogue.version.clone(),
            }),
            Some(e) if !c.fingerprint.is_empty() && catalogue_fingerprint(e) != c.fingerprint => {
                Some(CatalogueNote::Differs {
                    id: c.id.clone(),
                    version: c.version.clone(),
                })
            }
            Some(_) => None,
        })
        .collect()
}

/// Who hands over.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub user: &'a str,
    pub role: Role,
}

/// Writes a bundle of `assessments` from a data directory into `dir`, and notes it as sent.
pub fn export(
    store: &Store,
    assessments: &[&Assessment],
    dir: &Path,
    library: &Library,
    who: Who<'_>,
    now_millis: u64,
    lang: Lang,
) -> Result<PathBuf, BundleError> {
    let mut state = SyncState::load(store.root());
    let out = Outgoing {
        id: uuid::Uuid::now_v7().to_string(),
        created: crate::clock::rfc3339(now_millis),
        producer: Producer {
            device: store.device().id.clone(),
            user: who.user.to_string(),
            role: who.role,
            app: env!("CARGO_PKG_VERSION").to_string(),
        },
        assessments: assessments.to_vec(),
        receipts: state.receipts(),
    };
    let path = write(dir, &out, library, &store.evidence(), lang)?;
    if !store.is_read_only() {
        state.sent.push(Sent {
            bundle: out.id.clone(),
            created: out.created.clone(),
            file: path.display().to_string(),
            assessments: assessments.iter().map(|a| a.id.clone()).collect(),
            acknowledged: None,
        });
        state.save(store.root()).map_err(io_err(store.root()))?;
    }
    Ok(path)
}

/// Imports a plain assessment file (`.json`, e.g. from an older zwgk or `w`): the same checks
/// and merge as a bundle's assessment, without evidence files or receipts.
pub fn import_assessment_file(
    store: &mut Store,
    path: &Path,
    now_millis: u64,
) -> Result<ImportReport, BundleError> {
    let store_err = |source| BundleError::Store {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    let incoming = crate::store::load_assessment(path).map_err(store_err)?;
    let imported = store
        .import_assessment(path, incoming, now_millis)
        .map_err(store_err)?;
    Ok(file_report(store, path, imported))
}

/// What an assessment file (not a bundle) brought into `store`: [`import_assessment_file`],
/// and a second file of an assessment merged into its file ([`Store::merge_duplicate`]).
pub fn file_report(store: &Store, path: &Path, imported: crate::store::Imported) -> ImportReport {
    let a = &imported.assessment;
    let evidence_missing = cited_files(a)
        .keys()
        .filter(|sha| !store.evidence().has(sha))
        .count();
    ImportReport {
        path: path.to_path_buf(),
        bundle: String::new(),
        producer: Producer {
            device: String::new(),
            user: String::new(),
            role: a.kind.owner(),
            app: String::new(),
        },
        arrived: vec![Arrived {
            id: a.id.clone(),
            kind: a.kind,
            unit: a.unit().name.clone(),
            round: a.round().to_string(),
            new: imported.new,
            merge: imported.merge,
        }],
        evidence_added: 0,
        evidence_missing,
        acknowledged: 0,
        again: false,
        catalogues: Vec::new(),
    }
}

/// True when the path names a bundle (by its extension).
pub fn is_bundle(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(BUNDLE_EXTENSION))
}
