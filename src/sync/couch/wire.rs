//! How a revision travels as a CouchDB document, and back. Pure: JSON values in and out.
//!
//! One CouchDB document revision per zwgk leaf revision:
//!
//! ```json
//! {
//!   "_id": "370828102:self_check:0190…:result:employment/03",
//!   "_rev": "3-9c1f…",                                  the revision id, as zwgk computed it
//!   "_revisions": {"start": 3, "ids": ["9c1f…", "51be…", "0a77…"]},   leaf first, to the root
//!   "_deleted": true,                                   only for a tombstone
//!   "zwgk_format": 1,
//!   "type": "result", "checklist": "employment", …      the body's own fields, as in the file
//!   "parent": "2-51be…", "author": {…}, "hlc": "…", "legacy": true (only if so),
//!   "zwgk_ancestors": [ {"rev": "2-51be…", "parent": …, "deleted": …, "author": …, "hlc": …,
//!                        "body": {…}}, … back to the root ]
//! }
//! ```
//!
//! * The body's fields sit at the top level, so a county can index `type`, `status` or
//!   `checklist` in CouchDB views and Mango queries.
//! * CouchDB keeps the body of leaf revisions only (compaction drops the rest), so each leaf
//!   carries the full records of its ancestors in `zwgk_ancestors`, exactly as an assessment
//!   file stores them. A replica that pulls only the leaves rebuilds the whole history and
//!   recomputes every revision id ([`Document::from_revisions`]); a server-side edit of any
//!   field, the leaf's or an ancestor's, does not hash to its id and is refused.
//! * The server stores what it is given (`new_edits: false`), so `_rev` and `_revisions` are
//!   zwgk's ids and CouchDB's winner and `_conflicts` are the ones zwgk computes.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use thiserror::Error;

use crate::model::doc::Body;
use crate::model::revision::{Document, RevId, Revision};

/// The value of `zwgk_format` this build writes and reads.
pub const WIRE_FORMAT: u64 = 1;
/// The field holding the ancestors' records.
pub const ANCESTORS: &str = "zwgk_ancestors";
/// The field naming the mapping's version.
pub const FORMAT_FIELD: &str = "zwgk_format";
/// Top-level fields that are not the body's.
const META: [&str; 6] = ["parent", "author", "hlc", "legacy", ANCESTORS, FORMAT_FIELD];
/// CouchDB's own fields that may come back with a document.
const COUCH: [&str; 6] = [
    "_id",
    "_rev",
    "_revisions",
    "_deleted",
    "_conflicts",
    "_attachments",
];

/// Why a revision cannot be written as a CouchDB document, or a CouchDB document is not a
/// zwgk revision.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WireError {
    /// A body field that would collide with the metadata or CouchDB's fields.
    #[error("document {doc}: the body field {field:?} is reserved")]
    Reserved { doc: String, field: String },
    /// Not a zwgk document, or damaged.
    #[error("document {doc}: {what}")]
    Shape { doc: String, what: String },
    /// The ancestry CouchDB reports is not the one the document carries.
    #[error(
        "document {doc}: revision {rev}: the server's revision history does not match the \
         history the document carries"
    )]
    History { doc: String, rev: String },
    /// A revision id that appears twice with different content.
    #[error("document {doc}: revision {rev} arrived twice with different content")]
    Rewritten { doc: String, rev: String },
}

/// The CouchDB document for the leaf `leaf` of `doc`, with `_revisions` and the ancestors.
pub fn to_couch(doc: &Document<Body>, leaf: &RevId) -> Result<Value, WireError> {
    let shape = |what: &str| WireError::Shape {
        doc: doc.id().to_string(),
        what: what.to_string(),
    };
    let chain = doc.history(leaf);
    let Some((rev, ancestors)) = chain.split_first() else {
        return Err(shape("no such revision"));
    };
    if chain.last().is_some_and(|root| root.parent.is_some()) {
        return Err(shape("the history is incomplete"));
    }
    let body = serde_json::to_value(&rev.body).map_err(|e| shape(&e.to_string()))?;
    let Value::Object(fields) = body else {
        return Err(shape("the body is not an object"));
    };
    let mut out = Map::new();
    out.insert("_id".into(), json!(doc.id()));
    out.insert("_rev".into(), json!(rev.rev.to_string()));
    out.insert(
        "_revisions".into(),
        json!({
            "start": rev.rev.generation(),
            "ids": chain.iter().map(|r| r.rev.hash()).collect::<Vec<_>>(),
        }),
    );
    if rev.deleted {
        out.insert("_deleted".into(), Value::Bool(true));
    }
    for (k, v) in fields {
        if k.starts_with('_') || META.contains(&k.as_str()) {
            return Err(WireError::Reserved {
                doc: doc.id().to_string(),
                field: k,
            });
        }
        out.insert(k, v);
    }
    out.insert(FORMAT_FIELD.into(), json!(WIRE_FORMAT));
    out.insert(
        "parent".into(),
        json!(rev.parent.as_ref().map(ToString::to_string)),
    );
    out.insert(
        "author".into(),
        serde_json::to_value(&rev.author).map_err(|e| shape(&e.to_string()))?,
    );
    out.insert("hlc".into(), json!(rev.hlc.to_string()));
    if rev.legacy {
        out.insert("legacy".into(), Value::Bool(true));
    }
    let ancestors = ancestors
        .iter()
        .map(|r| serde_json::to_value(r).map_err(|e| shape(&e.to_string())))
        .collect::<Result<Vec<Value>, _>>()?;
    out.insert(ANCESTORS.into(), Value::Array(ancestors));
    Ok(Value::Object(out))
}

/// The revisions a CouchDB document carries: the leaf first, then its ancestors to the root.
/// Checks the shape and that CouchDB's `_revisions` is this chain (or, if the server stemmed
/// it, its newest part); the revision ids themselves are checked by
/// [`Document::from_revisions`].
pub fn from_couch(value: &Value) -> Result<(String, Vec<Revision<Body>>), WireError> {
    let id = value
        .get("_id")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    let shape = |what: String| WireError::Shape {
        doc: id.clone(),
        what,
    };
    let Value::Object(map) = value else {
        return Err(shape("not a JSON object".into()));
    };
    match map.get(FORMAT_FIELD).and_then(Value::as_u64) {
        Some(WIRE_FORMAT) => {}
        Some(v) => {
            return Err(shape(format!(
                "written by a newer zwgk ({FORMAT_FIELD} {v}); update zwgk"
            )));
        }
        None => return Err(shape(format!("not written by zwgk (no {FORMAT_FIELD})"))),
    }
    let rev_text = map.get("_rev").and_then(Value::as_str).unwrap_or_default();
    let rev: RevId = rev_text
        .parse()
        .map_err(|e: crate::model::revision::ParseRevIdError| shape(e.to_string()))?;
    let mut body = Map::new();
    let mut leaf = Map::new();
    for (k, v) in map {
        if COUCH.contains(&k.as_str()) || k == FORMAT_FIELD || k == ANCESTORS {
            continue;
        }
        if k.starts_with('_') {
            return Err(shape(format!("unexpected field {k:?}")));
        }
        if META.contains(&k.as_str()) {
            leaf.insert(k.clone(), v.clone());
        } else {
            body.insert(k.clone(), v.clone());
        }
    }
    leaf.insert("rev".into(), json!(rev.to_string()));
    leaf.entry("parent").or_insert(Value::Null);
    leaf.insert(
        "deleted".into(),
        Value::Bool(map.get("_deleted").and_then(Value::as_bool) == Some(true)),
    );
    leaf.insert("body".into(), Value::Object(body));
    let leaf: Revision<Body> =
        serde_json::from_value(Value::Object(leaf)).map_err(|e| shape(e.to_string()))?;
    let ancestors: Vec<Revision<Body>> = match map.get(ANCESTORS) {
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| shape(e.to_string()))?,
        None => return Err(shape(format!("no {ANCESTORS}"))),
    };
    let mut chain = Vec::with_capacity(ancestors.len() + 1);
    chain.push(leaf);
    chain.extend(ancestors);
    // Each revision's parent is the next one; the last is a root.
    for pair in chain.windows(2) {
        if pair[0].parent.as_ref() != Some(&pair[1].rev) {
            return Err(WireError::History {
                doc: id.clone(),
                rev: pair[0].rev.to_string(),
            });
        }
    }
    if chain.last().is_some_and(|r| r.parent.is_some()) {
        return Err(shape(
            "the history does not reach its first revision".into(),
        ));
    }
    // CouchDB's own record of the ancestry must agree (it may be stemmed to the newest ids).
    let revisions = map.get("_revisions");
    let start = revisions
        .and_then(|r| r.get("start"))
        .and_then(Value::as_u64);
    let ids: Option<Vec<&str>> = revisions
        .and_then(|r| r.get("ids"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect());
    let agrees = match (start, ids) {
        (Some(start), Some(ids)) => {
            start == rev.generation()
                && !ids.is_empty()
                && ids.len() <= chain.len()
                && ids.iter().zip(&chain).all(|(h, r)| *h == r.rev.hash())
        }
        _ => false,
    };
    if !agrees {
        return Err(WireError::History {
            doc: id,
            rev: rev.to_string(),
        });
    }
    Ok((id, chain))
}

/// Gathers revisions from several leaves of one document into one list without repeats; a
/// revision id seen twice must be the same revision.
#[derive(Debug, Default)]
pub struct Gathered {
    docs: BTreeMap<String, BTreeMap<RevId, Revision<Body>>>,
}

impl Gathered {
    /// Adds the revisions of one CouchDB document.
    pub fn add(&mut self, id: String, revisions: Vec<Revision<Body>>) -> Result<(), WireError> {
        let doc = self.docs.entry(id.clone()).or_default();
        for r in revisions {
            match doc.get(&r.rev) {
                Some(known) if *known == r => {}
                Some(_) => {
                    return Err(WireError::Rewritten {
                        doc: id,
                        rev: r.rev.to_string(),
                    });
                }
                None => {
                    doc.insert(r.rev.clone(), r);
                }
            }
        }
        Ok(())
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Every document id with its revisions.
    pub fn into_documents(self) -> impl Iterator<Item = (String, Vec<Revision<Body>>)> {
        self.docs
            .into_iter()
            .map(|(id, revs)| (id, revs.into_values().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::assessment::{ItemResult, Kind};
    use crate::model::doc::DocSet;
    use crate::model::revision::{Author, Hlc, Role};
    use crate::model::status::Status;

    const A: &str = "0190f5a2-7c00-7000-8000-000000000001";

    fn author(device: &str) -> Author {
        Author {
            name: "张三".into(),
            device: device.into(),
            role: Role::Township,
        }
    }

    fn result(note: &str) -> Body {
        Body::Result(ItemResult {
            checklist: "employment".into(),
            item: "03".into(),
            status: Status::Partial,
            note: note.into(),
            ..ItemResult::default()
        })
    }

    /// A document with a conflict and a tombstone: 1 ← 2a, 1 ← 2b ← 3b(deleted).
    fn document() -> Document<Body> {
        let mut set = DocSet::new("370828102", Kind::SelfCheck, A);
        set.record(result("一"), author("pc-1"), Hlc::new(1, 0))
            .unwrap();
        set.record(result("二"), author("pc-1"), Hlc::new(2, 0))
            .unwrap();
        let mut doc = set.iter().next().unwrap().1.clone();
        let root = doc.history(&doc.winner().unwrap().rev.clone())[1]
            .rev
            .clone();
        doc.commit(
            Some(&root),
            result("另一台"),
            author("pc-2"),
            Hlc::new(3, 0),
        )
        .unwrap();
        doc.delete(author("pc-2"), Hlc::new(4, 0)).unwrap();
        doc
    }

    #[test]
    fn every_leaf_round_trips_to_the_same_revisions_byte_for_byte() {
        let doc = document();
        let mut gathered = Gathered::default();
        for leaf in doc.leaves() {
            let couch = to_couch(&doc, &leaf.rev).unwrap();
            assert_eq!(couch["_id"], json!(doc.id()));
            assert_eq!(couch["_rev"], json!(leaf.rev.to_string()));
            assert_eq!(couch["type"], json!("result"));
            assert_eq!(couch["author"]["device"], json!(leaf.author.device));
            assert_eq!(couch["_deleted"].as_bool(), leaf.deleted.then_some(true));
            let (id, chain) = from_couch(&couch).unwrap();
            assert_eq!(chain[0], *leaf);
            gathered.add(id, chain).unwrap();
        }
        let (id, revs) = gathered.into_documents().next().unwrap();
        let back = Document::from_revisions(id, revs).unwrap();
        assert_eq!(
            serde_json::to_vec(&back).unwrap(),
            serde_json::to_vec(&doc).unwrap()
        );
    }

    #[test]
    fn a_changed_field_or_a_foreign_history_is_refused() {
        let doc = document();
        let leaf = doc.winner().unwrap().rev.clone();
        let good = to_couch(&doc, &leaf).unwrap();
        // A field changed on the server: the shape is fine, the id no longer recomputes.
        let mut edited = good.clone();
        edited["note"] = json!("改过");
        let (id, chain) = from_couch(&edited).unwrap();
        assert!(Document::from_revisions(id, chain).is_err());
        // An ancestor's body changed.
        let mut edited = good.clone();
        edited[ANCESTORS][0]["body"]["note"] = json!("改过");
        let (id, chain) = from_couch(&edited).unwrap();
        assert!(Document::from_revisions(id, chain).is_err());
        // CouchDB's history disagrees with the one carried.
        let mut edited = good.clone();
        edited["_revisions"]["ids"][1] = json!("0".repeat(32));
        assert!(matches!(
            from_couch(&edited),
            Err(WireError::History { .. })
        ));
        // Stemmed by the server to the newest id only: still fine.
        let mut stemmed = good.clone();
        stemmed["_revisions"]["ids"] = json!([leaf.hash()]);
        assert!(from_couch(&stemmed).is_ok());
        // Not zwgk's, or an unknown field.
        let mut foreign = good.clone();
        foreign.as_object_mut().unwrap().remove(FORMAT_FIELD);
        assert!(matches!(from_couch(&foreign), Err(WireError::Shape { .. })));
        let mut extra = good.clone();
        extra["_private"] = json!(1);
        assert!(matches!(from_couch(&extra), Err(WireError::Shape { .. })));
        let mut newer = good;
        newer[FORMAT_FIELD] = json!(2);
        let e = from_couch(&newer).unwrap_err();
        assert!(e.to_string().contains("newer"), "{e}");
    }

    #[test]
    fn the_same_revision_with_other_content_is_refused_when_gathered() {
        let doc = document();
        let leaf = doc.winner().unwrap().rev.clone();
        let (id, chain) = from_couch(&to_couch(&doc, &leaf).unwrap()).unwrap();
        let mut other = chain.clone();
        other[0].hlc = Hlc::new(99, 0);
        let mut g = Gathered::default();
        g.add(id.clone(), chain).unwrap();
        assert!(matches!(g.add(id, other), Err(WireError::Rewritten { .. })));
    }
}
