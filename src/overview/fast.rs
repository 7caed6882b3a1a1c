//! The overview's own reader of the assessment files in a data directory: [`Current`] straight
//! from the bytes, without building the [`Assessment`](crate::model::assessment::Assessment).
//!
//! Loading an assessment builds every revision with its body, author and time in a tree per
//! document; the overview looks at the winners only. This reader parses each document's
//! revisions (id, parent, deletion flag, author, time, body), checks the tree and that every
//! body belongs in the document, picks the winner by [`Document::winner`]'s rule (the
//! greatest live leaf by generation, then hash; else the greatest leaf), keeps the winner's
//! body and drops the rest.
//!
//! It reads only what it can read exactly as [`crate::store::load_own`] would, and says
//! `None` for everything else, so the caller loads the file the full way:
//!
//! * a file with changes waiting in a journal (`.journal` / `.folding`: the app is running, or
//!   stopped before folding them);
//! * a file that does not begin as this zwgk writes its files (an older format, a byte-order
//!   mark, another program's file), or whose checksum does not hold (edited elsewhere: the
//!   full way recomputes every revision id);
//! * anything the full way would refuse that this reader sees: bad JSON, unknown fields, a
//!   bad assessment id, partition, document id, revision id, author or time, a document of
//!   another assessment or twice, a revision twice, a missing parent, a wrong generation, no
//!   header, a body that does not parse or does not belong in its document.
//!
//! Like the full way for its own files, it does not recompute revision ids: the checksum
//! vouches for them (this zwgk checked each when it wrote the file). Everything else the full
//! way checks it checks too, every body included; it only keeps less.
//!
//! It streams: each document is taken as the parser reaches it and dropped once its winner is
//! noted, so a worker holds one file's bytes and the figures, not the file's documents.
//!
//! [`Document::winner`]: crate::model::revision::Document::winner

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::Path;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use sha2::{Digest as _, Sha256};

use super::Current;
use crate::model::assessment::{ASSESSMENT_FORMAT, ASSESSMENT_FORMAT_VERSION, Header, Kind};
use crate::model::doc::{Body, DocId, DocKey, DocKind, assessment_id_ok, partition_ok};
use crate::model::revision::{Hlc, RevId, Role};

/// A stored document (`StoredDoc`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(default)]
    #[allow(dead_code)] // local to this device; the overview does not use it
    seq: u64,
    #[serde(borrow)]
    revisions: Vec<Rev<'a>>,
}

/// A revision (`Revision<Body>`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rev<'a> {
    rev: RevId,
    parent: Option<RevId>,
    deleted: bool,
    #[serde(borrow)]
    #[allow(dead_code)] // parsed to be checked, as the full way does
    author: Author<'a>,
    #[allow(dead_code)] // parsed to be checked, as the full way does
    hlc: Hlc,
    #[serde(default)]
    #[allow(dead_code)] // parsed to be checked, as the full way does
    legacy: bool,
    body: Body,
}

/// An author (`Author`), strings borrowed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // parsed to be checked, as the full way does
struct Author<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    device: Cow<'a, str>,
    role: Role,
}

/// What the overview needs of the assessment file at `path`, when this reader can take it
/// (see the module documentation); `None` when the file must be loaded the full way.
pub fn read(path: &Path) -> Option<Current> {
    if crate::store::journal::pending(path) {
        return None;
    }
    let bytes = crate::store::read_limited(path, crate::store::MAX_ASSESSMENT_BYTES).ok()?;
    parse(&bytes)
}

/// [`read`] of a file's bytes (journals aside).
pub fn parse(bytes: &[u8]) -> Option<Current> {
    if !bytes.starts_with(crate::store::current_head().as_bytes()) {
        return None;
    }
    let newline = bytes.iter().position(|b| *b == b'\n')?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let (current, sum) = serde::Deserializer::deserialize_map(&mut de, FileVisitor).ok()?;
    de.end().ok()?;
    if hex::encode(Sha256::digest(&bytes[newline + 1..])) != sum? {
        return None;
    }
    Some(current)
}

/// Why this reader leaves a file to the full way (never shown: the full way says why).
const LEAVE: &str = "left to the full way";

/// The file (`AssessmentFile` in `model::assessment`): the fields zwgk writes before its
/// documents, then the documents one at a time. Gives the current state and the checksum.
struct FileVisitor;

impl<'de> Visitor<'de> for FileVisitor {
    type Value = (Current, Option<&'de str>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an assessment file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        fn once<T, E: serde::de::Error>(
            slot: &mut Option<T>,
            v: T,
            name: &'static str,
        ) -> Result<(), E> {
            match slot.replace(v) {
                Some(_) => Err(E::duplicate_field(name)),
                None => Ok(()),
            }
        }
        let (mut format, mut version, mut id, mut kind, mut partition) = (
            None::<&str>,
            None::<u32>,
            None::<&str>,
            None::<Kind>,
            None::<&str>,
        );
        let (mut clock, mut checksum, mut current) = (None::<Hlc>, None::<Option<&str>>, None);
        while let Some(key) = map.next_key::<&str>()? {
            match key {
                "format" => once(&mut format, map.next_value()?, "format")?,
                "format_version" => once(&mut version, map.next_value()?, "format_version")?,
                "id" => once(&mut id, map.next_value()?, "id")?,
                "kind" => once(&mut kind, map.next_value()?, "kind")?,
                "partition" => once(&mut partition, map.next_value()?, "partition")?,
                "clock" => once(&mut clock, map.next_value()?, "clock")?,
                "checksum" => once(&mut checksum, map.next_value()?, "checksum")?,
                "documents" => {
                    // zwgk writes what names the assessment before its documents.
                    let (Some(id), Some(kind), Some(partition)) = (id, kind, partition) else {
                        return Err(A::Error::custom(LEAVE));
                    };
                    if format != Some(ASSESSMENT_FORMAT)
                        || version != Some(ASSESSMENT_FORMAT_VERSION)
                        || !assessment_id_ok(id)
                        || !partition_ok(partition)
                        || current.is_some()
                    {
                        return Err(A::Error::custom(LEAVE));
                    }
                    let mut docs = Docs {
                        prefix: DocId::prefix(partition, kind, id),
                        current: Current {
                            id: id.to_string(),
                            kind,
                            partition: partition.to_string(),
                            header: Header::default(),
                            domains: BTreeMap::new(),
                            results: BTreeMap::new(),
                            tasks: BTreeMap::new(),
                            responses: BTreeMap::new(),
                            conflicted: Vec::new(),
                            revisions: 0,
                        },
                        keys: Vec::new(),
                        header: false,
                    };
                    map.next_value_seed(&mut docs)?;
                    // No document twice (a hash seen twice may be two keys: the full way
                    // decides).
                    docs.keys.sort_unstable();
                    if docs.keys.windows(2).any(|w| w[0] == w[1]) || !docs.header {
                        return Err(A::Error::custom(LEAVE));
                    }
                    docs.current.conflicted.sort();
                    current = Some(docs.current);
                }
                _ => return Err(A::Error::custom(LEAVE)),
            }
        }
        match (current, clock) {
            (Some(c), Some(_)) => Ok((c, checksum.flatten())),
            _ => Err(A::Error::custom(LEAVE)),
        }
    }
}

/// The documents, each reduced to its part of the current state as it is read.
struct Docs {
    /// `<partition>:<kind>:<assessment>:`, which every document id begins with.
    prefix: String,
    current: Current,
    /// A hash of each document's key, to find one twice.
    keys: Vec<u64>,
    /// The header document was seen.
    header: bool,
}

impl<'de> DeserializeSeed<'de> for &mut Docs {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for &mut Docs {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of documents")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(d) = seq.next_element::<Doc<'de>>()? {
            self.add(d).ok_or_else(|| A::Error::custom(LEAVE))?;
        }
        Ok(())
    }
}

impl Docs {
    /// Notes one document's winner; `None` when the full way would refuse the document.
    fn add(&mut self, mut d: Doc<'_>) -> Option<()> {
        let key = DocKey::from_id_tail(d.id.strip_prefix(self.prefix.as_str())?)?;
        let mut h = std::hash::DefaultHasher::new();
        key.hash(&mut h);
        self.keys.push(h.finish());
        self.header |= key.kind == DocKind::Header;
        let c = &mut self.current;
        c.revisions += d.revisions.len();
        let Some(w) = winner(&mut d.revisions).ok()? else {
            return Some(()); // no revisions: no current value
        };
        if w.conflicted {
            c.conflicted.push(key.clone());
        }
        // Every body must belong in its document, as the full way requires; the winner's is
        // kept.
        if !d.revisions.iter().all(|r| r.body.belongs_in(&key)) {
            return None;
        }
        let current = w.live.map(|i| d.revisions.swap_remove(i).body);
        let Some(body) = current else {
            return Some(()); // deleted
        };
        let key = key.key;
        match body {
            Body::Header(h) => c.header = h,
            Body::Basis(_) => {}
            Body::Domain(x) => {
                c.domains.insert(key, x);
            }
            Body::Result(x) => {
                c.results.insert(key, x.status);
            }
            Body::Task(x) => {
                c.tasks.insert(key, x);
            }
            Body::Response(x) => {
                c.responses.insert(key, x);
            }
        }
        Some(())
    }
}

/// A document's winner, as far as the overview looks.
struct Winner {
    /// The winning revision's place (in the sorted revisions) when it is live; `None` when
    /// the document is deleted.
    live: Option<usize>,
    /// Live leaves other than the winner wait for a decision.
    conflicted: bool,
}

/// A revision tree the full way refuses.
struct Broken;

/// Checks one document's revision tree as the full way does (no revision twice, every parent
/// present, each generation its parent's + 1, roots 1), sorts the revisions by id and finds
/// the winner (`None` when the document has no revisions).
fn winner(revs: &mut [Rev<'_>]) -> Result<Option<Winner>, Broken> {
    revs.sort_unstable_by(|a, b| a.rev.cmp(&b.rev));
    if revs.windows(2).any(|w| w[0].rev == w[1].rev) {
        return Err(Broken);
    }
    let has = |id: &RevId| revs.binary_search_by(|r| r.rev.cmp(id)).is_ok();
    let mut parents: Vec<&RevId> = Vec::with_capacity(revs.len());
    for r in revs.iter() {
        let expected = match &r.parent {
            None => Some(1),
            Some(p) if !has(p) => return Err(Broken),
            Some(p) => p.generation().checked_add(1),
        };
        if expected != Some(r.rev.generation()) {
            return Err(Broken);
        }
        parents.extend(r.parent.as_ref());
    }
    parents.sort_unstable();
    // Leaves, greatest first: the winner is the first live one, else the first.
    let leaves = (0..revs.len())
        .rev()
        .filter(|&i| parents.binary_search(&&revs[i].rev).is_err());
    if leaves.clone().next().is_none() {
        return Ok(None);
    }
    let mut live = leaves.filter(|&i| !revs[i].deleted);
    let winner = live.next();
    Ok(Some(Winner {
        live: winner,
        conflicted: winner.is_some() && live.next().is_some(),
    }))
}
