//! The documents of an assessment: typed global ids, the body of each kind of document, the
//! role rule, and [`DocSet`], the one API over a set of documents that the store, hand-over
//! bundles and CouchDB replication all use (record, current value, merge, conflicts, changes
//! since a point, which revisions another copy lacks).
//!
//! A document id is global: `<partition>:<assessment kind>:<assessment id>:<doc kind>[:<key>]`,
//! e.g. `370828102:self_check:0190f5a2-…:result:compulsory-education/01`.
//!
//! * the **partition** (the unit's 区划代码, or a stable token derived from its name when it has
//!   none) is fixed when the assessment is created and never recomputed, so adding a code
//!   later changes no id; it comes first, so the ids fit a CouchDB 3 partitioned database;
//! * the **assessment** (its kind and UUID) scopes the id, so two rounds of one township, or a
//!   self-check and the inspection of it, never share a document;
//! * the **doc kind and key** name the fact: `header`, `basis`, `domain:<catalogue>`,
//!   `result|task|response:<catalogue>/<item>`.
//!
//! Because the assessment kind is part of the id, the role rule ([`may_write`]) can be decided
//! from the id alone — by this model, and by a CouchDB `validate_doc_update` function.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::assessment::{DomainChoice, Header, ItemResult, Kind};
use super::rectification::{TaskResponse, TaskSpec};
use super::revision::{Author, Document, Hlc, RevId, Revision, RevisionError, Role};

/// What a document holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// Unit, round, assessor (and, fixed at creation, the creation time and what it reviews).
    Header,
    /// An inspection's record of the self-check revisions it was started from.
    Basis,
    /// One domain's choice: involved or 不涉及 with a reason, catalogue version, 领域小结.
    Domain,
    /// One item's result.
    Result,
    /// A rectification task: the inspector's part (问题描述, 整改要求, 时限, 复核 …).
    Task,
    /// The township's response to a task (整改情况, 完成日期, 整改佐证, 已整改).
    Response,
}

impl DocKind {
    /// Every kind, in id order.
    pub const ALL: [DocKind; 6] = [
        DocKind::Header,
        DocKind::Basis,
        DocKind::Domain,
        DocKind::Result,
        DocKind::Task,
        DocKind::Response,
    ];

    /// Stable ASCII name, as used in ids and in the `type` of bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Header => "header",
            DocKind::Basis => "basis",
            DocKind::Domain => "domain",
            DocKind::Result => "result",
            DocKind::Task => "task",
            DocKind::Response => "response",
        }
    }

    fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// True for the kinds with a key (`domain:<catalogue>`, `result:<catalogue>/<item>` …).
    fn keyed(self) -> bool {
        !matches!(self, DocKind::Header | DocKind::Basis)
    }
}

/// Who may write a document: the role rule, decided here for every edit, every import and
/// (mirrored in the design document that `zwgk sync setup` installs) every CouchDB write.
///
/// * a **self-check** belongs to the township: every document of it (results, domain
///   choices, header, the township's own rectification list) is written by the township;
/// * an **inspection** belongs to the inspector (county, city or province), except the
///   township's **responses** to its tasks, which only the township writes.
///
/// So a township never writes a verdict, task or 复核, and an inspector never writes a
/// township's answers or responses; the two sides never edit the same document.
pub fn may_write(role: Role, assessment: Kind, doc: DocKind) -> bool {
    match (assessment, doc) {
        (Kind::SelfCheck, _) | (Kind::Inspection, DocKind::Response) => role == Role::Township,
        (Kind::Inspection, _) => role.is_inspector(),
    }
}

/// A document's place inside its assessment: kind and key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocKey {
    pub kind: DocKind,
    /// Empty for header and basis; the catalogue id for a domain; `<catalogue>/<item>` else.
    pub key: String,
}

impl DocKey {
    /// The header document.
    pub fn header() -> DocKey {
        DocKey {
            kind: DocKind::Header,
            key: String::new(),
        }
    }

    /// The basis document of an inspection.
    pub fn basis() -> DocKey {
        DocKey {
            kind: DocKind::Basis,
            key: String::new(),
        }
    }

    /// The domain choice of a catalogue.
    pub fn domain(checklist: &str) -> DocKey {
        DocKey {
            kind: DocKind::Domain,
            key: checklist.to_string(),
        }
    }

    /// The result, task or response of one item.
    pub fn item(kind: DocKind, checklist: &str, item: &str) -> DocKey {
        DocKey {
            kind,
            key: format!("{checklist}/{item}"),
        }
    }

    /// Catalogue and item of an item document (`None` for other kinds).
    pub fn item_ids(&self) -> Option<(&str, &str)> {
        match self.kind {
            DocKind::Result | DocKind::Task | DocKind::Response => self.key.split_once('/'),
            _ => None,
        }
    }

    /// The first and last key of a kind, for ranges.
    fn range(kind: DocKind) -> std::ops::RangeInclusive<DocKey> {
        DocKey {
            kind,
            key: String::new(),
        }..=DocKey {
            kind,
            key: "\u{10FFFF}".into(),
        }
    }
}

impl fmt::Display for DocKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind.keyed() {
            write!(f, "{}:{}", self.kind.as_str(), self.key)
        } else {
            f.write_str(self.kind.as_str())
        }
    }
}

/// A global document id (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId {
    pub partition: String,
    pub kind: Kind,
    pub assessment: String,
    pub doc: DocKey,
}

/// Why a string is not a document id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{input:?} is not a document id: {reason}")]
pub struct ParseDocIdError {
    pub input: String,
    pub reason: &'static str,
}

impl DocId {
    /// The prefix of every document id of an assessment: `<partition>:<kind>:<id>:`.
    pub fn prefix(partition: &str, kind: Kind, assessment: &str) -> String {
        format!("{partition}:{}:{assessment}:", kind.as_str())
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            DocId::prefix(&self.partition, self.kind, &self.assessment),
            self.doc
        )
    }
}

impl FromStr for DocId {
    type Err = ParseDocIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParseDocIdError {
            input: s.chars().take(200).collect(),
            reason,
        };
        let mut parts = s.splitn(5, ':');
        let (Some(partition), Some(kind), Some(assessment), Some(doc_kind)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err(
                "expected <partition>:<kind>:<assessment>:<doc kind>[:<key>]",
            ));
        };
        let key = parts.next();
        if !partition_ok(partition) {
            return Err(err(
                "the partition must be 1 to 40 lower-case ASCII letters or digits",
            ));
        }
        let kind = match kind {
            "self_check" => Kind::SelfCheck,
            "inspection" => Kind::Inspection,
            _ => return Err(err("the assessment kind must be self_check or inspection")),
        };
        if !assessment_id_ok(assessment) {
            return Err(err("the assessment id must be a UUID"));
        }
        let doc = DocKey::from_parts(doc_kind, key).map_err(err)?;
        Ok(DocId {
            partition: partition.to_string(),
            kind,
            assessment: assessment.to_string(),
            doc,
        })
    }
}

impl DocKey {
    /// The key a document id ends with (`<doc kind>[:<key>]`, after the assessment's
    /// [`DocId::prefix`]), checked as [`DocId`]'s parsing checks it.
    pub fn from_id_tail(tail: &str) -> Option<DocKey> {
        let mut parts = tail.splitn(2, ':');
        DocKey::from_parts(parts.next()?, parts.next()).ok()
    }

    fn from_parts(doc_kind: &str, key: Option<&str>) -> Result<DocKey, &'static str> {
        let kind = DocKind::parse(doc_kind).ok_or("unknown document kind")?;
        let key = match (kind.keyed(), key) {
            (false, None) => String::new(),
            (true, Some(k)) if key_ok(kind, k) => k.to_string(),
            (true, Some(_)) => return Err("the key is not a catalogue id or catalogue/item"),
            (true, None) => return Err("this kind of document needs a key"),
            (false, Some(_)) => return Err("this kind of document has no key"),
        };
        Ok(DocKey { kind, key })
    }
}

/// A partition: 1–40 lower-case ASCII letters or digits (CouchDB partitions must not start
/// with `_`; these never contain `:`).
pub fn partition_ok(p: &str) -> bool {
    (1..=40).contains(&p.len())
        && p.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// An assessment id: a UUID in its hyphenated lower-case form (what zwgk writes). Ids are
/// used as file names, so nothing else is accepted.
pub fn assessment_id_ok(id: &str) -> bool {
    uuid::Uuid::try_parse(id).is_ok_and(|u| u.hyphenated().to_string() == id)
}

fn key_ok(kind: DocKind, key: &str) -> bool {
    let catalogue_ok = |c: &str| crate::model::validate::id_problem(c).is_none();
    let item_ok =
        |i: &str| !i.is_empty() && i.len() <= 200 && !i.chars().any(|c| c.is_control() || c == ':');
    match kind {
        DocKind::Domain => catalogue_ok(key),
        _ => key
            .split_once('/')
            .is_some_and(|(c, i)| catalogue_ok(c) && item_ok(i) && !i.contains('/')),
    }
}

/// The content of a document, one variant per [`DocKind`]. Stored with its kind as `"type"`,
/// so a revision read on its own (in a bundle, on a CouchDB server) says what it is.
//
// Read as the derived reading of such an enum would read it (`BodyDef`), quicker when
// `"type"` is the first key, as this zwgk writes it: the rest of the object goes straight into
// the variant instead of being buffered first (a file holds hundreds of thousands of bodies).
// A code comment, not a doc comment: doc comments become the schema's descriptions.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    Header(Header),
    Basis(ReviewBasis),
    Domain(DomainChoice),
    Result(ItemResult),
    Task(TaskSpec),
    Response(TaskResponse),
}

/// The derived reading of [`Body`], for a body whose `"type"` does not come first.
#[derive(Deserialize)]
#[serde(remote = "Body", tag = "type", rename_all = "snake_case")]
enum BodyDef {
    Header(Header),
    Basis(ReviewBasis),
    Domain(DomainChoice),
    Result(ItemResult),
    Task(TaskSpec),
    Response(TaskResponse),
}

/// The value of `"type"`: which variant.
#[derive(Deserialize)]
#[serde(variant_identifier, rename_all = "snake_case")]
enum BodyTag {
    Header,
    Basis,
    Domain,
    Result,
    Task,
    Response,
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, MapDeserializer};
        use serde::de::{DeserializeSeed, Error as _, IntoDeserializer, MapAccess, Visitor};
        use serde_json::Value;

        /// A key: `"type"` or another (kept for the derived reading).
        enum Key {
            Type,
            Other(String),
        }
        impl<'de> Deserialize<'de> for Key {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = Key;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a field name")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
                        Ok(if v == "type" {
                            Key::Type
                        } else {
                            Key::Other(v.to_string())
                        })
                    }
                }
                d.deserialize_str(V)
            }
        }

        /// The entries after `"type"`, refusing a second `"type"` as the derived reading does.
        struct Rest<A>(A);
        impl<'de, A: MapAccess<'de>> MapAccess<'de> for Rest<A> {
            type Error = A::Error;
            fn next_key_seed<K: DeserializeSeed<'de>>(
                &mut self,
                seed: K,
            ) -> Result<Option<K::Value>, A::Error> {
                self.0.next_key_seed(NotType(seed))
            }
            fn next_value_seed<S: DeserializeSeed<'de>>(
                &mut self,
                seed: S,
            ) -> Result<S::Value, A::Error> {
                self.0.next_value_seed(seed)
            }
            fn size_hint(&self) -> Option<usize> {
                self.0.size_hint()
            }
        }
        /// A key that is not `"type"`, handed on to the variant's own reading.
        struct NotType<K>(K);
        impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for NotType<K> {
            type Value = K::Value;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<K::Value, D::Error> {
                d.deserialize_str(self)
            }
        }
        impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for NotType<K> {
            type Value = K::Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<K::Value, E> {
                if v == "type" {
                    return Err(E::duplicate_field("type"));
                }
                self.0
                    .deserialize(serde::de::value::BorrowedStrDeserializer::new(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<K::Value, E> {
                if v == "type" {
                    return Err(E::duplicate_field("type"));
                }
                self.0.deserialize(v.into_deserializer())
            }
        }

        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Body;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("internally tagged enum Body")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
                let first = match map.next_key::<Key>()? {
                    Some(Key::Type) => {
                        let tag = map.next_value::<BodyTag>()?;
                        let rest = MapAccessDeserializer::new(Rest(map));
                        return Ok(match tag {
                            BodyTag::Header => Body::Header(Deserialize::deserialize(rest)?),
                            BodyTag::Basis => Body::Basis(Deserialize::deserialize(rest)?),
                            BodyTag::Domain => Body::Domain(Deserialize::deserialize(rest)?),
                            BodyTag::Result => Body::Result(Deserialize::deserialize(rest)?),
                            BodyTag::Task => Body::Task(Deserialize::deserialize(rest)?),
                            BodyTag::Response => Body::Response(Deserialize::deserialize(rest)?),
                        });
                    }
                    Some(Key::Other(k)) => Some((k, map.next_value::<Value>()?)),
                    None => None,
                };
                // "type" later or not at all: the derived reading, over the entries as they came.
                let mut entries: Vec<(String, Value)> = first.into_iter().collect();
                while let Some(e) = map.next_entry::<String, Value>()? {
                    entries.push(e);
                }
                BodyDef::deserialize(MapDeserializer::<_, serde_json::Error>::new(
                    entries.into_iter(),
                ))
                .map_err(A::Error::custom)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Body, A::Error> {
                // The derived reading takes a list too (the tag first); so does this.
                let mut items: Vec<Value> = Vec::new();
                while let Some(v) = seq.next_element::<Value>()? {
                    items.push(v);
                }
                BodyDef::deserialize(
                    serde::de::value::SeqDeserializer::<_, serde_json::Error>::new(
                        items.into_iter(),
                    ),
                )
                .map_err(A::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl Body {
    /// The kind of document this body belongs in.
    pub fn kind(&self) -> DocKind {
        match self {
            Body::Header(_) => DocKind::Header,
            Body::Basis(_) => DocKind::Basis,
            Body::Domain(_) => DocKind::Domain,
            Body::Result(_) => DocKind::Result,
            Body::Task(_) => DocKind::Task,
            Body::Response(_) => DocKind::Response,
        }
    }

    /// The key of the document this body belongs in (derived from its own fields, so a body
    /// can never sit in another item's document).
    pub fn key(&self) -> DocKey {
        match self {
            Body::Header(_) => DocKey::header(),
            Body::Basis(_) => DocKey::basis(),
            Body::Domain(d) => DocKey::domain(&d.checklist),
            Body::Result(r) => DocKey::item(DocKind::Result, &r.checklist, &r.item),
            Body::Task(t) => DocKey::item(DocKind::Task, &t.checklist, &t.item),
            Body::Response(r) => DocKey::item(DocKind::Response, &r.checklist, &r.item),
        }
    }
}

impl Body {
    /// True when this body belongs in the document `key` (`self.key() == *key`, without
    /// building the key).
    pub fn belongs_in(&self, key: &DocKey) -> bool {
        let item = |checklist: &str, item: &str| {
            key.key
                .strip_prefix(checklist)
                .and_then(|r| r.strip_prefix('/'))
                .is_some_and(|r| r == item)
        };
        self.kind() == key.kind
            && match self {
                Body::Header(_) | Body::Basis(_) => key.key.is_empty(),
                Body::Domain(d) => key.key == d.checklist,
                Body::Result(r) => item(&r.checklist, &r.item),
                Body::Task(t) => item(&t.checklist, &t.item),
                Body::Response(r) => item(&r.checklist, &r.item),
            }
    }
}

macro_rules! accessor {
    ($name:ident, $variant:ident, $ty:ty) => {
        impl Body {
            #[doc = concat!("The body as `", stringify!($ty), "`, if it is one.")]
            pub fn $name(&self) -> Option<&$ty> {
                match self {
                    Body::$variant(b) => Some(b),
                    _ => None,
                }
            }
        }
    };
}
accessor!(as_header, Header, Header);
accessor!(as_basis, Basis, ReviewBasis);
accessor!(as_domain, Domain, DomainChoice);
accessor!(as_result, Result, ItemResult);
accessor!(as_task, Task, TaskSpec);
accessor!(as_response, Response, TaskResponse);

impl Body {
    /// One answer from concurrent versions: `self` (the version the person chose) with what
    /// the others add — lists (findings, evidence, channels) united, differing texts (notes,
    /// descriptions, reasons) kept one after another; single values (status, dates, decisions)
    /// stay the chosen version's. The person can edit the result further.
    pub fn combine(&self, others: &[&Body]) -> Body {
        let mut out = self.clone();
        for other in others {
            match (&mut out, other) {
                (Body::Result(a), Body::Result(b)) => {
                    union(&mut a.findings, &b.findings);
                    union(&mut a.evidence, &b.evidence);
                    union(&mut a.channels_seen, &b.channels_seen);
                    join(&mut a.note, &b.note, "\n");
                    join(&mut a.township_note, &b.township_note, "\n");
                    union(&mut a.township_evidence, &b.township_evidence);
                }
                (Body::Task(a), Body::Task(b)) => {
                    union(&mut a.findings, &b.findings);
                    join(&mut a.description, &b.description, ";");
                    join(&mut a.requirement, &b.requirement, ";");
                    join(&mut a.review_comment, &b.review_comment, ";");
                }
                (Body::Response(a), Body::Response(b)) => {
                    join(&mut a.response, &b.response, "\n");
                    union(&mut a.evidence, &b.evidence);
                }
                (Body::Domain(a), Body::Domain(b)) => {
                    if let Some(r) = &b.reason {
                        let mut mine = a.reason.clone().unwrap_or_default();
                        join(&mut mine, r, ";");
                        a.reason = (!mine.is_empty()).then_some(mine);
                    }
                    join(&mut a.summary, &b.summary, "\n");
                }
                // Header and basis: one version or the other.
                _ => {}
            }
        }
        out
    }
}

/// Appends the items of `b` that `a` lacks.
fn union<T: PartialEq + Clone>(a: &mut Vec<T>, b: &[T]) {
    for x in b {
        if !a.contains(x) {
            a.push(x.clone());
        }
    }
}

/// Appends `b` to `a` when it says something `a` does not.
fn join(a: &mut String, b: &str, sep: &str) {
    let b = b.trim();
    if b.is_empty() || a.contains(b) {
        return;
    }
    if a.trim().is_empty() {
        *a = b.to_string();
    } else {
        a.push_str(sep);
        a.push_str(b);
    }
}

/// What an inspection was started from: the self-check and, per item, the revision of the
/// township's answer that the inspector had in front of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBasis {
    /// The id of the self-check.
    pub self_check: String,
    /// `<catalogue>/<item>` → the self-check's winning revision of that result at the start.
    #[serde(default, deserialize_with = "unique_keys")]
    pub results: BTreeMap<String, RevId>,
}

/// A JSON object read into a map, refusing a key written twice (serde keeps the last one
/// silently, so two readers of one file could see different values). The error words it as
/// serde does for a struct field ("duplicate field `…`"), which the Chinese messages know.
pub fn unique_keys<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Deserialize<'de> + Ord + fmt::Display,
    V: Deserialize<'de>,
{
    struct Visit<K, V>(std::marker::PhantomData<(K, V)>);
    impl<'de, K, V> serde::de::Visitor<'de> for Visit<K, V>
    where
        K: Deserialize<'de> + Ord + fmt::Display,
        V: Deserialize<'de>,
    {
        type Value = BTreeMap<K, V>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<K, V>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format_args!(
                        "duplicate field `{k}`"
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(std::marker::PhantomData))
}

/// Why documents could not be taken in.
#[derive(Debug, Error)]
pub enum DocError {
    #[error(transparent)]
    Revision(#[from] RevisionError),
    /// A document id that does not parse.
    #[error(transparent)]
    BadId(#[from] ParseDocIdError),
    /// A document of another assessment.
    #[error("document {doc} does not belong to this assessment (its ids start with {prefix})")]
    Foreign { doc: String, prefix: String },
    /// A revision whose body is of another kind or item than its document.
    #[error(
        "document {doc}: revision {rev} holds a {found} body for {found_key}, which belongs in \
         another document"
    )]
    WrongBody {
        doc: String,
        rev: RevId,
        found: &'static str,
        found_key: String,
    },
    /// The same document listed twice.
    #[error("document {doc} is listed twice; keep one copy")]
    Duplicate { doc: String },
    /// A revision by a role that may not write this document.
    #[error(
        "document {doc}: revision {rev} was written by {name} as {role}, who may not write \
         this document; refused"
    )]
    Role {
        doc: String,
        rev: RevId,
        name: String,
        role: &'static str,
    },
}

/// One document with this replica's local sequence number of its last change (like
/// CouchDB's `update_seq`: local, never exchanged).
#[derive(Debug, Clone)]
struct Entry {
    doc: Document<Body>,
    seq: u64,
}

/// The documents of one assessment.
///
/// Equality compares the documents only, not the local sequence numbers.
#[derive(Debug, Clone)]
pub struct DocSet {
    prefix: String,
    kind: Kind,
    docs: BTreeMap<DocKey, Entry>,
    seq: u64,
    /// How many documents have conflicts, kept up to date by every change (the footer and
    /// the start screen ask on every frame).
    conflicted: usize,
}

impl PartialEq for DocSet {
    fn eq(&self, other: &DocSet) -> bool {
        self.prefix == other.prefix
            && self.docs.len() == other.docs.len()
            && self
                .docs
                .iter()
                .zip(&other.docs)
                .all(|((ka, a), (kb, b))| ka == kb && a.doc == b.doc)
    }
}

/// The revisions another copy brings, checked, per document (parents first).
#[derive(Debug, Default)]
pub struct Incoming {
    docs: Vec<(DocKey, Document<Body>, Vec<Revision<Body>>)>,
}

impl Incoming {
    /// Number of new revisions.
    pub fn revisions(&self) -> usize {
        self.docs.iter().map(|(_, _, r)| r.len()).sum()
    }

    /// Every new revision with its document key.
    pub fn iter(&self) -> impl Iterator<Item = (&DocKey, &Revision<Body>)> {
        self.docs
            .iter()
            .flat_map(|(k, _, revs)| revs.iter().map(move |r| (k, r)))
    }

    /// Documents that were not here at all.
    pub fn new_documents(&self) -> usize {
        self.docs.iter().filter(|(_, d, _)| d.is_empty()).count()
    }
}

impl DocSet {
    /// An empty set for the assessment `assessment` of `kind` in `partition`.
    pub fn new(partition: &str, kind: Kind, assessment: &str) -> DocSet {
        DocSet {
            prefix: DocId::prefix(partition, kind, assessment),
            kind,
            docs: BTreeMap::new(),
            seq: 0,
            conflicted: 0,
        }
    }

    /// The global id of a document of this set.
    pub fn id_of(&self, key: &DocKey) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The prefix every id of this set starts with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The local sequence number of the last change.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The document with this key.
    pub fn get(&self, key: &DocKey) -> Option<&Document<Body>> {
        self.docs.get(key).map(|e| &e.doc)
    }

    /// The current body of a document (its winner), unless empty or deleted.
    pub fn current(&self, key: &DocKey) -> Option<&Body> {
        self.get(key)?.current()
    }

    /// Every document, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&DocKey, &Document<Body>)> {
        self.docs.iter().map(|(k, e)| (k, &e.doc))
    }

    /// The documents of one kind, in key order.
    pub fn of_kind(&self, kind: DocKind) -> impl Iterator<Item = (&DocKey, &Document<Body>)> {
        self.docs
            .range(DocKey::range(kind))
            .map(|(k, e)| (k, &e.doc))
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when there is no document.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Number of revisions over every document.
    pub fn revision_count(&self) -> usize {
        self.docs.values().map(|e| e.doc.len()).sum()
    }

    /// Documents whose concurrent edits wait for a decision.
    pub fn conflicted(&self) -> impl Iterator<Item = (&DocKey, &Document<Body>)> {
        self.iter().filter(|(_, d)| d.has_conflicts())
    }

    /// How many documents have conflicts (kept as documents change: no walk over them).
    pub fn conflict_count(&self) -> usize {
        self.conflicted
    }

    /// Runs `change` on the entry of `key` (made with `new` when absent) and keeps the count
    /// of conflicted documents right.
    fn change_entry<T>(
        &mut self,
        key: DocKey,
        new: impl FnOnce() -> Entry,
        change: impl FnOnce(&mut Entry) -> T,
    ) -> T {
        let entry = self.docs.entry(key).or_insert_with(new);
        let before = entry.doc.has_conflicts();
        let out = change(entry);
        let after = entry.doc.has_conflicts();
        self.conflicted = self.conflicted + usize::from(after) - usize::from(before);
        out
    }

    /// Documents changed after the local sequence number `since` (0: all), in key order.
    pub fn changes_since(&self, since: u64) -> impl Iterator<Item = (&DocKey, &Document<Body>)> {
        self.docs
            .iter()
            .filter(move |(_, e)| e.seq > since)
            .map(|(k, e)| (k, &e.doc))
    }

    /// The leaf revisions of every document: what a peer compares with its own.
    pub fn leaf_revs(&self) -> BTreeMap<&DocKey, Vec<&RevId>> {
        self.iter()
            .map(|(k, d)| (k, d.leaves().into_iter().map(|r| &r.rev).collect()))
            .collect()
    }

    /// Of the revisions a peer has (`theirs`: key → revision ids), those missing here
    /// (CouchDB's `_revs_diff`).
    pub fn revs_diff<'a>(
        &self,
        theirs: impl IntoIterator<Item = (&'a DocKey, &'a [RevId])>,
    ) -> BTreeMap<DocKey, Vec<RevId>> {
        theirs
            .into_iter()
            .filter_map(|(k, revs)| {
                let missing = match self.get(k) {
                    Some(d) => d.missing(revs),
                    None => revs.to_vec(),
                };
                (!missing.is_empty()).then(|| (k.clone(), missing))
            })
            .collect()
    }

    /// The revisions of this set that a peer lacks, given every revision id it has per
    /// document: per document, parents first.
    pub fn lacking<'a>(
        &'a self,
        theirs: &BTreeMap<DocKey, BTreeSet<RevId>>,
    ) -> Vec<(&'a DocKey, Vec<&'a Revision<Body>>)> {
        self.iter()
            .filter_map(|(k, d)| {
                let known = theirs.get(k);
                let revs: Vec<&Revision<Body>> = d
                    .revisions()
                    .filter(|r| known.is_none_or(|s| !s.contains(&r.rev)))
                    .collect();
                (!revs.is_empty()).then_some((k, revs))
            })
            .collect()
    }

    /// Commits `body` on the winner of its document (made from the body's own key) unless
    /// the current body is equal. Role rules are the caller's ([`may_write`]).
    pub fn record(
        &mut self,
        body: Body,
        author: Author,
        hlc: Hlc,
    ) -> Result<Option<RevId>, RevisionError> {
        let key = body.key();
        if self.current(&key) == Some(&body) {
            return Ok(None);
        }
        let id = self.id_of(&key);
        self.seq += 1;
        let seq = self.seq;
        let rev = self.change_entry(
            key,
            || Entry {
                doc: Document::new(id),
                seq,
            },
            |entry| {
                let rev = entry.doc.edit(body, author, hlc)?;
                entry.seq = seq;
                Ok::<_, RevisionError>(rev)
            },
        )?;
        Ok(Some(rev))
    }

    /// Settles the conflicts of a document in favour of its live leaf `keep`, with `body`.
    pub fn resolve(
        &mut self,
        key: &DocKey,
        keep: &RevId,
        body: Body,
        author: Author,
        hlc: Hlc,
    ) -> Result<RevId, DocError> {
        let id = self.id_of(key);
        check_body(&id, key, keep, &body)?;
        if !self.docs.contains_key(key) {
            return Err(RevisionError::UnknownRevision {
                doc: id,
                rev: keep.clone(),
            }
            .into());
        }
        let seq = self.seq + 1;
        let rev = self.change_entry(
            key.clone(),
            || Entry {
                doc: Document::new(id),
                seq,
            },
            |entry| {
                let rev = entry.doc.resolve(keep, body, author, hlc)?;
                entry.seq = seq;
                Ok::<_, RevisionError>(rev)
            },
        )?;
        self.seq = seq;
        Ok(rev)
    }

    /// Checks another copy's documents against these without changing anything: each must
    /// belong to this assessment, every revision must verify, hold a body of its document's
    /// kind and key, and not rewrite a revision known here.
    pub fn incoming(&self, other: &DocSet) -> Result<Incoming, DocError> {
        if other.prefix != self.prefix {
            let doc = other
                .docs
                .keys()
                .next()
                .map_or_else(|| other.prefix.clone(), |k| other.id_of(k));
            return Err(DocError::Foreign {
                doc,
                prefix: self.prefix.clone(),
            });
        }
        let mut incoming = Incoming::default();
        for (key, theirs) in other.iter() {
            let empty;
            let mine = match self.get(key) {
                Some(d) => d,
                None => {
                    empty = Document::new(theirs.id());
                    &empty
                }
            };
            let new: Vec<Revision<Body>> = mine.incoming(theirs)?.into_iter().cloned().collect();
            for r in &new {
                check_body(theirs.id(), key, &r.rev, &r.body)?;
            }
            if !new.is_empty() {
                incoming.docs.push((key.clone(), mine.clone_shell(), new));
            }
        }
        Ok(incoming)
    }

    /// Adds checked revisions (from [`DocSet::incoming`]).
    pub fn apply(&mut self, incoming: Incoming) {
        for (key, shell, revs) in incoming.docs {
            self.seq += 1;
            let seq = self.seq;
            self.change_entry(
                key,
                || Entry { doc: shell, seq },
                |entry| {
                    entry.doc.insert_checked(revs);
                    entry.seq = seq;
                },
            );
        }
    }

    /// Takes in documents read from a file: every id parses and belongs here, every body
    /// matches its document, no document twice. `seq` is the local sequence number stored
    /// with each.
    pub fn from_documents(
        partition: &str,
        kind: Kind,
        assessment: &str,
        documents: impl IntoIterator<Item = (Document<Body>, u64)>,
    ) -> Result<DocSet, DocError> {
        let mut set = DocSet::new(partition, kind, assessment);
        for (doc, seq) in documents {
            let id: DocId = doc.id().parse()?;
            if !doc.id().starts_with(&set.prefix) || id.kind != kind {
                return Err(DocError::Foreign {
                    doc: doc.id().to_string(),
                    prefix: set.prefix.clone(),
                });
            }
            for r in doc.revisions() {
                check_body(doc.id(), &id.doc, &r.rev, &r.body)?;
            }
            if set.docs.contains_key(&id.doc) {
                return Err(DocError::Duplicate {
                    doc: doc.id().to_string(),
                });
            }
            set.seq = set.seq.max(seq);
            set.conflicted += usize::from(doc.has_conflicts());
            set.docs.insert(id.doc, Entry { doc, seq });
        }
        Ok(set)
    }

    /// Takes in documents this device journaled (trusted as its own file is): each is joined
    /// to the copy here (union of revisions; a revision known here must be the same), local
    /// sequence numbers become the larger of the two, the set's at least `seq`.
    pub(crate) fn replay(
        &mut self,
        documents: Vec<(Document<Body>, u64)>,
        seq: u64,
    ) -> Result<(), DocError> {
        for (doc, doc_seq) in documents {
            let id: DocId = doc.id().parse()?;
            if !doc.id().starts_with(&self.prefix) || id.kind != self.kind {
                return Err(DocError::Foreign {
                    doc: doc.id().to_string(),
                    prefix: self.prefix.clone(),
                });
            }
            match self.docs.get(&id.doc) {
                Some(entry) => {
                    let new: Vec<Revision<Body>> =
                        entry.doc.incoming(&doc)?.into_iter().cloned().collect();
                    for r in &new {
                        check_body(doc.id(), &id.doc, &r.rev, &r.body)?;
                    }
                    self.change_entry(
                        id.doc,
                        || Entry {
                            doc: Document::new(doc.id()),
                            seq: doc_seq,
                        },
                        |entry| {
                            entry.doc.insert_checked(new);
                            entry.seq = entry.seq.max(doc_seq);
                        },
                    );
                }
                None => {
                    for r in doc.revisions() {
                        check_body(doc.id(), &id.doc, &r.rev, &r.body)?;
                    }
                    self.conflicted += usize::from(doc.has_conflicts());
                    self.docs.insert(id.doc, Entry { doc, seq: doc_seq });
                }
            }
            self.seq = self.seq.max(doc_seq);
        }
        self.seq = self.seq.max(seq);
        Ok(())
    }

    /// Every document with its local sequence number, for saving.
    pub fn documents(&self) -> impl Iterator<Item = (&Document<Body>, u64)> {
        self.docs.values().map(|e| (&e.doc, e.seq))
    }

    /// A copy without this device's local sequence numbers: what travels.
    pub fn portable(&self) -> DocSet {
        let mut copy = self.clone();
        copy.seq = 0;
        for e in copy.docs.values_mut() {
            e.seq = 0;
        }
        copy
    }

    /// The assessment kind of this set.
    pub fn kind(&self) -> Kind {
        self.kind
    }
}

impl Document<Body> {
    /// An empty document with the same id.
    fn clone_shell(&self) -> Document<Body> {
        Document::new(self.id())
    }
}

/// A body must be of its document's kind and key.
fn check_body(doc: &str, key: &DocKey, rev: &RevId, body: &Body) -> Result<(), DocError> {
    if body.belongs_in(key) {
        return Ok(());
    }
    let found = body.key();
    Err(DocError::WrongBody {
        doc: doc.to_string(),
        rev: rev.clone(),
        found: body.kind().as_str(),
        found_key: found.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0190f5a2-7c00-7000-8000-000000000001";

    #[test]
    fn a_body_belongs_in_the_document_its_key_names_and_no_other() {
        let result = |c: &str, i: &str| {
            Body::Result(ItemResult {
                checklist: c.into(),
                item: i.into(),
                ..ItemResult::default()
            })
        };
        let bodies = [
            result("a", "1"),
            result("a/b", "c"),
            result("a", "b/c"),
            result("a", "10"),
            Body::Header(Header::default()),
            Body::Task(TaskSpec {
                checklist: "a".into(),
                item: "1".into(),
                ..TaskSpec::default()
            }),
        ];
        let keys = [
            DocKey::item(DocKind::Result, "a", "1"),
            DocKey::item(DocKind::Result, "a", "10"),
            DocKey::item(DocKind::Result, "a/b", "c"),
            DocKey::item(DocKind::Task, "a", "1"),
            DocKey::domain("a"),
            DocKey::header(),
            DocKey::basis(),
            DocKey {
                kind: DocKind::Result,
                key: "a1".into(),
            },
        ];
        let mut fits = 0;
        for b in &bodies {
            for k in &keys {
                assert_eq!(b.belongs_in(k), &b.key() == k, "{b:?} in {k}");
                fits += usize::from(b.belongs_in(k));
            }
        }
        assert_eq!(
            fits, 6,
            "each body fits one key here (a/b + c and a + b/c both a/b/c)"
        );
    }

    #[test]
    fn a_body_reads_as_the_derived_reading_reads_it_wherever_its_type_stands() {
        let fp = "\"fingerprint\":\"sha256:00\"";
        let cases = [
            // As zwgk writes it: "type" first.
            format!(r#"{{"type":"result","checklist":"c","item":"1","status":"compliant",{fp}}}"#),
            r#"{"type":"domain","checklist":"c","version":"1","involved":false,"reason":"无此职能"}"#
                .to_string(),
            // "type" later, last, missing, twice, unknown, not a string.
            format!(r#"{{"checklist":"c","type":"result","item":"1","status":"partial",{fp}}}"#),
            format!(r#"{{"checklist":"c","item":"1","status":"missing",{fp},"type":"result"}}"#),
            format!(r#"{{"checklist":"c","item":"1","status":"missing",{fp}}}"#),
            format!(
                r#"{{"type":"result","type":"result","checklist":"c","item":"1","status":"missing",{fp}}}"#
            ),
            r#"{"checklist":"c","type":"result","type":"task","item":"1"}"#.to_string(),
            r#"{"type":"verdict","checklist":"c"}"#.to_string(),
            r#"{"type":3,"checklist":"c"}"#.to_string(),
            // Unknown and missing fields, a wrong value, not an object.
            format!(
                r#"{{"type":"result","checklist":"c","item":"1","status":"compliant",{fp},"x":1}}"#
            ),
            format!(
                r#"{{"checklist":"c","item":"1","status":"compliant",{fp},"x":1,"type":"result"}}"#
            ),
            r#"{"type":"result","checklist":"c","item":"1"}"#.to_string(),
            format!(r#"{{"type":"result","checklist":"c","item":"1","status":"done",{fp}}}"#),
            "{}".to_string(),
            "[]".to_string(),
            "null".to_string(),
        ];
        let mut ok = 0;
        for json in &cases {
            let ours = serde_json::from_str::<Body>(json);
            let derived = BodyDef::deserialize(&mut serde_json::Deserializer::from_str(json));
            match (&ours, &derived) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "{json}");
                    ok += 1;
                }
                (Err(a), Err(b)) => {
                    // The same complaint; where it points may differ.
                    let what = |e: &serde_json::Error| {
                        let s = e.to_string();
                        s.split(" at line ").next().unwrap_or_default().to_string()
                    };
                    assert_eq!(what(a), what(b), "{json}");
                }
                _ => panic!("{json}: {ours:?} but derived {derived:?}"),
            }
        }
        assert_eq!(ok, 4, "the cases that read");
    }

    #[test]
    fn ids_round_trip_and_carry_the_partition_first() {
        let id: DocId = format!("370828102:self_check:{A}:result:compulsory-education/01")
            .parse()
            .unwrap();
        assert_eq!(id.partition, "370828102");
        assert_eq!(id.kind, Kind::SelfCheck);
        assert_eq!(
            id.doc,
            DocKey::item(DocKind::Result, "compulsory-education", "01")
        );
        assert_eq!(
            id.to_string(),
            format!("370828102:self_check:{A}:result:compulsory-education/01")
        );
        let header: DocId = format!("u1a2b:inspection:{A}:header").parse().unwrap();
        assert_eq!(header.doc, DocKey::header());
        assert_eq!(header.to_string(), format!("u1a2b:inspection:{A}:header"));
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            String::new(),
            format!("370828102:self_check:{A}"),
            format!("_design:self_check:{A}:header"),
            format!("3708-28102:self_check:{A}:header"),
            format!("370828102:audit:{A}:header"),
            "370828102:self_check:../../x:header".to_string(),
            format!("370828102:self_check:{}:header", A.to_uppercase()),
            format!("370828102:self_check:{A}:result"),
            format!("370828102:self_check:{A}:header:x"),
            format!("370828102:self_check:{A}:result:Edu/01"),
            format!("370828102:self_check:{A}:result:edu/0/1"),
            format!("370828102:self_check:{A}:result:edu/\u{1b}]52"),
            format!("370828102:self_check:{A}:secret:x"),
        ] {
            assert!(bad.parse::<DocId>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn combining_versions_unites_lists_and_keeps_both_texts() {
        use crate::model::status::Status;
        let a = Body::Result(ItemResult {
            checklist: "edu".into(),
            item: "01".into(),
            status: Status::Partial,
            findings: vec!["内容不全".into()],
            note: "网站栏目已开设".into(),
            ..ItemResult::default()
        });
        let b = Body::Result(ItemResult {
            checklist: "edu".into(),
            item: "01".into(),
            status: Status::Missing,
            findings: vec!["内容不全".into(), "链接失效".into()],
            note: "2 处链接失效".into(),
            ..ItemResult::default()
        });
        let Body::Result(c) = a.combine(&[&b]) else {
            panic!("a result")
        };
        assert_eq!(c.status, Status::Partial, "the chosen version's status");
        assert_eq!(c.findings, ["内容不全", "链接失效"]);
        assert_eq!(c.note, "网站栏目已开设\n2 处链接失效");
        // Combining with itself changes nothing.
        assert_eq!(a.combine(&[&a]), a);
    }

    #[test]
    fn role_rule() {
        use DocKind::*;
        for doc in DocKind::ALL {
            assert!(may_write(Role::Township, Kind::SelfCheck, doc));
            assert!(!may_write(Role::County, Kind::SelfCheck, doc));
        }
        for doc in [Header, Basis, Domain, Result, Task] {
            assert!(!may_write(Role::Township, Kind::Inspection, doc), "{doc:?}");
            for r in [Role::County, Role::City, Role::Province] {
                assert!(may_write(r, Kind::Inspection, doc));
            }
        }
        assert!(may_write(Role::Township, Kind::Inspection, Response));
        assert!(!may_write(Role::County, Kind::Inspection, Response));
    }
}
