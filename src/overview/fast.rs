//! The overview's own reader of the assessment files in a data directory: [`Current`] straight
//! from the bytes, without building the [`Assessment`](crate::model::assessment::Assessment).
//!
//! Loading an assessment builds every revision with its body, author and time in a tree per
//! document; the overview looks at the winners only. This reader parses each revision's id,
//! parent, deletion flag, author and time, keeps its body as an unparsed slice of the file
//! ([`RawValue`]), picks the winner by [`Document::winner`]'s rule (the greatest live leaf by
//! generation, then hash; else the greatest leaf) and parses the winning body alone.
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
//!   header, a winning body that does not parse or does not belong in its document.
//!
//! What it does not look at: the body of a revision that does not win (only that it is JSON).
//! The checksum vouches for those, as it vouches for every revision id on the full way: this
//! zwgk checked each body when it wrote the file.
//!
//! [`Document::winner`]: crate::model::revision::Document::winner

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest as _, Sha256};

use super::Current;
use crate::model::assessment::{ASSESSMENT_FORMAT, ASSESSMENT_FORMAT_VERSION, Header, Kind};
use crate::model::doc::{Body, DocId, DocKey, assessment_id_ok, partition_ok};
use crate::model::revision::{Hlc, RevId, Role};

/// An assessment file as stored (`AssessmentFile` in `model::assessment`), strings borrowed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File<'a> {
    #[serde(borrow)]
    format: Cow<'a, str>,
    format_version: u32,
    #[serde(borrow)]
    id: Cow<'a, str>,
    kind: Kind,
    #[serde(borrow)]
    partition: Cow<'a, str>,
    #[allow(dead_code)] // parsed to be checked, as the full way does
    clock: Hlc,
    #[serde(default, borrow)]
    checksum: Option<Cow<'a, str>>,
    #[serde(borrow)]
    documents: Vec<Doc<'a>>,
}

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

/// A revision (`Revision<Body>`), its body left unparsed.
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
    #[serde(borrow)]
    body: &'a RawValue,
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
    let file: File = serde_json::from_slice(bytes).ok()?;
    let newline = bytes.iter().position(|b| *b == b'\n')?;
    let sum = file.checksum.as_deref()?;
    if hex::encode(Sha256::digest(&bytes[newline + 1..])) != sum {
        return None;
    }
    if file.format != ASSESSMENT_FORMAT
        || file.format_version != ASSESSMENT_FORMAT_VERSION
        || !assessment_id_ok(&file.id)
        || !partition_ok(&file.partition)
    {
        return None;
    }
    let prefix = DocId::prefix(&file.partition, file.kind, &file.id);
    let mut c = Current {
        id: file.id.into_owned(),
        kind: file.kind,
        partition: file.partition.into_owned(),
        header: Header::default(),
        domains: BTreeMap::new(),
        results: BTreeMap::new(),
        tasks: BTreeMap::new(),
        responses: BTreeMap::new(),
        conflicted: Vec::new(),
        revisions: 0,
    };
    let mut keys: BTreeSet<DocKey> = BTreeSet::new();
    for d in file.documents {
        let id: DocId = d.id.parse().ok()?;
        if !d.id.starts_with(&prefix) || id.kind != file.kind || !keys.insert(id.doc.clone()) {
            return None;
        }
        c.revisions += d.revisions.len();
        let Some(w) = winner(d.revisions).ok()? else {
            continue; // no revisions: no current value
        };
        if w.conflicted {
            c.conflicted.push(id.doc.clone());
        }
        let Some(body) = w.body else { continue }; // deleted
        let body: Body = serde_json::from_str(body.get()).ok()?;
        if body.key() != id.doc {
            return None;
        }
        let key = id.doc.key;
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
    }
    if !keys.contains(&DocKey::header()) {
        return None;
    }
    c.conflicted.sort();
    Some(c)
}

/// A document's winner, as far as the overview looks.
struct Winner<'a> {
    /// Its body; `None` when the document is deleted.
    body: Option<&'a RawValue>,
    /// Live leaves other than the winner wait for a decision.
    conflicted: bool,
}

/// A revision tree the full way refuses.
struct Broken;

/// Checks one document's revision tree as the full way does (no revision twice, every parent
/// present, each generation its parent's + 1, roots 1) and finds its winner (`None` when the
/// document has no revisions).
fn winner<'a>(mut revs: Vec<Rev<'a>>) -> Result<Option<Winner<'a>>, Broken> {
    revs.sort_unstable_by(|a, b| a.rev.cmp(&b.rev));
    if revs.windows(2).any(|w| w[0].rev == w[1].rev) {
        return Err(Broken);
    }
    let has = |id: &RevId| revs.binary_search_by(|r| r.rev.cmp(id)).is_ok();
    let mut parents: Vec<&RevId> = Vec::with_capacity(revs.len());
    for r in &revs {
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
    let leaves = revs
        .iter()
        .rev()
        .filter(|r| parents.binary_search(&&r.rev).is_err());
    if leaves.clone().next().is_none() {
        return Ok(None);
    }
    let mut live = leaves.filter(|r| !r.deleted);
    let winner = live.next();
    Ok(Some(Winner {
        body: winner.map(|w| w.body),
        conflicted: winner.is_some() && live.next().is_some(),
    }))
}
