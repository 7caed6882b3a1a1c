//! Revisioned documents (CouchDB's document model): the audit trail and the unit of offline sync.
//!
//! Every mutable fact of an assessment (an item result, a rectification task, a domain choice,
//! …) is a [`Document`]: a tree of immutable [`Revision`]s. Each committed change adds a
//! revision whose [`RevId`] is `"N-hash"`:
//!
//! * `N` is the generation: 1 for a root, the parent's `N + 1` otherwise;
//! * `hash` is the first 32 lower-case hex digits of the SHA-256 of [`canonical_json`] of the
//!   revision's envelope `{"id", "parent", "deleted", "author", "hlc", "body"}` (plus
//!   `"legacy": true` for revisions converted from a version-1 file).
//!
//! **What a revision id covers, decided once (format 2).** The id covers the document id, the
//! parent, the body *and* who made it and when. So a revision's author and time cannot change
//! once written: a copy that claims other metadata for a known id does not hash to it and is
//! refused whole, and every replica (another laptop, a bundle, a CouchDB server that stores
//! what it is given with `new_edits: false`) holds byte-identical revisions. The price: the
//! same edit made on two devices is two revisions (a conflict with equal bodies), which
//! [`Document::conflicts`] reports like any other, so a person settles it with one key.
//!
//! The current revision is the *winner*: among the live (non-deleted) leaves, or among all
//! leaves when every leaf is a tombstone, the greatest by `(generation, hash)` — CouchDB's
//! rule, so a CouchDB server and every copy agree on it. Other live leaves are *conflicts*,
//! shown to people and settled with [`Document::resolve`]. The hybrid logical clock orders
//! and dates history only; it never picks the winner.
//!
//! Decisions:
//!
//! * **Roots.** [`Document::commit`] accepts `parent: None` only while the document is
//!   empty. A document may still hold several roots: two devices that create the same
//!   document offline produce two roots, and [`Document::merge`] keeps both (a conflict).
//! * **Tombstones** keep the body of the revision they delete, so the audit trail shows what
//!   was deleted and `B` needs no `Default`. [`Document::delete`] tombstones every live
//!   leaf. Editing a deleted document continues from its tombstone (undelete), as in CouchDB.
//! * **Bodies** must serialize to JSON without floating-point numbers (use strings or scaled
//!   integers), and equal JSON must mean equal bodies (true for ordinary derived types).
//! * **Every [`Document`] is valid**: ids recompute, parents exist, generations are
//!   consistent. Deserializing, [`Document::from_revisions`] and [`Document::merge`] check
//!   this, so a tampered file fails to load with a [`RevisionError`] naming the revision.
//! * **Cost.** Revisions are kept in a `BTreeMap` by id with the set of leaves maintained on
//!   insert: a commit or the merge of `m` revisions into `n` costs `O(m log n)`, and the
//!   winner is found among the leaves (usually one) without scanning the history.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

// ---------------------------------------------------------------------------------------------
// Canonical JSON
// ---------------------------------------------------------------------------------------------

/// Why a value has no canonical JSON form.
#[derive(Debug, Error)]
pub enum CanonError {
    /// A number that is not an integer. Bodies must not contain floating-point numbers.
    #[error(
        "the number {number} at JSON pointer {path:?} is not an integer; store decimals as \
         strings or scaled integers"
    )]
    Float {
        /// JSON pointer (RFC 6901) of the number; `""` is the whole value.
        path: String,
        /// The number as serde_json prints it.
        number: String,
    },
    /// The value could not be converted to JSON at all (e.g. a map with non-string keys).
    #[error("the value cannot be converted to JSON: {0}")]
    NotJson(#[from] serde_json::Error),
}

/// The canonical JSON text of `v`: object keys sorted by their UTF-8 bytes, no whitespace,
/// strings escaped as serde_json escapes them (`"`, `\`, control characters; everything
/// else, Chinese included, is written as is), integers as plain digits. Floating-point
/// numbers are rejected.
///
/// serde_json's `Value` keeps objects in a `BTreeMap` (sorted by the keys' bytes) unless its
/// `preserve_order` feature is on; `canonical_json_is_stable` in the tests pins the bytes
/// and a fixed hash, so switching that feature on fails the build's tests.
pub fn canonical_json(v: &Value) -> Result<String, CanonError> {
    reject_floats(v, &mut String::new())?;
    Ok(serde_json::to_string(v)?)
}

fn reject_floats(v: &Value, path: &mut String) -> Result<(), CanonError> {
    let descend = |key: &str, child: &Value, path: &mut String| {
        let len = path.len();
        path.push('/');
        path.push_str(&key.replace('~', "~0").replace('/', "~1"));
        let r = reject_floats(child, path);
        path.truncate(len);
        r
    };
    match v {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => Err(CanonError::Float {
            path: path.clone(),
            number: n.to_string(),
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| descend(&i.to_string(), item, path)),
        Value::Object(map) => map.iter().try_for_each(|(k, item)| descend(k, item, path)),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Revision ids
// ---------------------------------------------------------------------------------------------

/// A revision id, `"N-hash"`: generation `N` (≥ 1) and 32 lower-case hex digits of content hash.
///
/// Ordered by generation, then by hash (ASCII), which is the winner rule's order.
///
/// Held as the generation and the 16 bytes the hex digits stand for (no allocation: a long
/// history holds hundreds of thousands); bytes order as their lower-case hex does. Not `Copy`,
/// so that ids stay visibly cloned where they are kept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RevId {
    generation: u64,
    hash: [u8; 16],
}

/// Why a string is not a [`RevId`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseRevIdError {
    /// Not of the form `N-hash`.
    #[error("{input:?} is not a revision id; expected \"<generation>-<32 hex digits>\"")]
    Shape {
        /// The rejected text.
        input: String,
    },
    /// The generation is not a positive decimal number without leading zeros.
    #[error("revision id {input:?}: the generation must be a number from 1 without leading zeros")]
    Generation {
        /// The rejected text.
        input: String,
    },
    /// The hash is not 32 lower-case hex digits.
    #[error("revision id {input:?}: the hash must be 32 lower-case hex digits")]
    Hash {
        /// The rejected text.
        input: String,
    },
}

impl RevId {
    /// The generation: 1 for a root, the parent's + 1 otherwise.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The 32 hex digits of content hash.
    pub fn hash(&self) -> String {
        hex::encode(self.hash)
    }
}

impl fmt::Display for RevId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written as one string: a file holds hundreds of thousands of ids, and a `{:02x}`
        // per byte is most of the time of writing one.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0u8; 32];
        for (pair, b) in digits.chunks_exact_mut(2).zip(self.hash) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 0xf)];
        }
        write!(f, "{}-", self.generation)?;
        // Only ASCII digits and letters were written.
        f.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for RevId {
    type Err = ParseRevIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let input = || s.to_owned();
        let (generation, hash) = s
            .split_once('-')
            .ok_or_else(|| ParseRevIdError::Shape { input: input() })?;
        let generation = Some(generation)
            .filter(|g| !g.is_empty() && !g.starts_with('0'))
            .filter(|g| g.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|g| g.parse::<u64>().ok())
            .ok_or_else(|| ParseRevIdError::Generation { input: input() })?;
        let nibble = |b: u8| match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            _ => None,
        };
        let mut bytes = [0u8; 16];
        let hash = hash.as_bytes();
        if hash.len() != 32 {
            return Err(ParseRevIdError::Hash { input: input() });
        }
        for (b, pair) in bytes.iter_mut().zip(hash.chunks_exact(2)) {
            match (nibble(pair[0]), nibble(pair[1])) {
                (Some(hi), Some(lo)) => *b = hi << 4 | lo,
                _ => return Err(ParseRevIdError::Hash { input: input() }),
            }
        }
        Ok(RevId {
            generation,
            hash: bytes,
        })
    }
}

impl Serialize for RevId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RevId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// Parses borrowed or transient strings without an allocation.
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = RevId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a revision id \"<generation>-<32 hex digits>\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RevId, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(Visit)
    }
}

impl JsonSchema for RevId {
    fn schema_name() -> Cow<'static, str> {
        "RevId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[1-9][0-9]*-[0-9a-f]{32}$",
            "description": "Revision id: generation, '-', 32 hex digits of content hash."
        })
    }
}

/// The content hash of a revision: the first 16 bytes of SHA-256 of its canonical envelope.
fn content_hash<T: Serialize>(
    doc: &str,
    parent: Option<&RevId>,
    deleted: bool,
    meta: Meta<'_>,
    body: &T,
) -> Result<[u8; 16], CanonError> {
    // The envelope's keys and the author's are declared in byte order, and the body goes
    // through `Value` (whose maps are sorted), so serde_json writes the canonical JSON of
    // `{"author","body","deleted","hlc","id"[,"legacy"],"parent"}` straight into the hash.
    // `canonical_json_is_stable` pins the bytes and a revision id.
    #[derive(Serialize)]
    struct AuthorKey<'a> {
        device: &'a str,
        name: &'a str,
        role: Role,
    }
    #[derive(Serialize)]
    struct Envelope<'a> {
        author: AuthorKey<'a>,
        body: &'a Value,
        deleted: bool,
        hlc: Hlc,
        id: &'a str,
        #[serde(skip_serializing_if = "is_false")]
        legacy: bool,
        parent: Option<&'a RevId>,
    }
    let body = serde_json::to_value(body)?;
    reject_floats(&body, &mut String::from("/body"))?;
    let envelope = Envelope {
        author: AuthorKey {
            device: &meta.author.device,
            name: &meta.author.name,
            role: meta.author.role,
        },
        body: &body,
        deleted,
        hlc: meta.hlc,
        id: doc,
        legacy: meta.legacy,
        parent,
    };
    let mut hasher = HashWriter(Sha256::new());
    serde_json::to_writer(&mut hasher, &envelope)?;
    let mut hash = [0u8; 16];
    hash.copy_from_slice(&hasher.0.finalize()[..16]);
    Ok(hash)
}

/// Feeds written bytes into a SHA-256.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Who, when, and whether a revision was converted from format 1: the metadata the id covers.
#[derive(Debug, Clone, Copy)]
struct Meta<'a> {
    author: &'a Author,
    hlc: Hlc,
    legacy: bool,
}

// ---------------------------------------------------------------------------------------------
// Hybrid logical clock
// ---------------------------------------------------------------------------------------------

const MILLIS_PER_DAY: u64 = 86_400_000;

/// A hybrid logical clock reading: wall-clock milliseconds since 1970 (UTC) and a counter
/// that orders events within one millisecond. Ordered by `(millis, counter)`.
///
/// Written as `"2026-11-27T06:40:00.123Z#0003"`: RFC 3339 UTC with milliseconds, `#`, and
/// the counter with at least 4 digits. (Years after 9999 are written with more digits, so
/// that every value round-trips.) Used to display and order history, never to pick a winner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub millis: u64,
    /// Events within the same millisecond.
    pub counter: u32,
}

/// Why a string is not an [`Hlc`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseHlcError {
    /// Not `<time>#<counter>` with the time as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    #[error("{input:?} is not a clock reading; expected e.g. \"2026-11-27T06:40:00.123Z#0003\"")]
    Shape {
        /// The rejected text.
        input: String,
    },
    /// The date or time does not exist (e.g. February 30, hour 24) or is before 1970.
    #[error("clock reading {input:?}: the date or time does not exist or is before 1970")]
    Time {
        /// The rejected text.
        input: String,
    },
    /// The counter is not 4 or more digits (no extra leading zeros) fitting in 32 bits.
    #[error("clock reading {input:?}: the counter after '#' must be 4 or more digits")]
    Counter {
        /// The rejected text.
        input: String,
    },
}

impl Hlc {
    /// The greatest reading.
    pub const MAX: Hlc = Hlc::new(u64::MAX, u32::MAX);

    /// A reading from its parts.
    pub const fn new(millis: u64, counter: u32) -> Self {
        Hlc { millis, counter }
    }

    /// The next reading after `self` in the same millisecond, or the first of the next
    /// millisecond when the counter is exhausted. Saturates at [`Hlc::MAX`].
    pub fn successor(self) -> Hlc {
        match (self.counter.checked_add(1), self.millis.checked_add(1)) {
            (Some(counter), _) => Hlc::new(self.millis, counter),
            (None, Some(millis)) => Hlc::new(millis, 0),
            (None, None) => self,
        }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.millis / MILLIS_PER_DAY);
        let ms = self.millis % MILLIS_PER_DAY;
        let (hh, mm, ss, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        if y <= 9999 && self.counter <= 9999 {
            // The usual reading, written as one string (the general `write!` below is most of
            // the time of writing a file's revisions).
            let mut b = *b"0000-00-00T00:00:00.000Z#0000";
            let mut put = |at: usize, width: usize, mut v: u64| {
                for i in (at..at + width).rev() {
                    b[i] = b'0' + (v % 10) as u8;
                    v /= 10;
                }
            };
            put(0, 4, y);
            put(5, 2, m);
            put(8, 2, d);
            put(11, 2, hh);
            put(14, 2, mm);
            put(17, 2, ss);
            put(20, 3, milli);
            put(25, 4, u64::from(self.counter));
            return f.write_str(std::str::from_utf8(&b).map_err(|_| fmt::Error)?);
        }
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{milli:03}Z#{:04}",
            self.counter
        )
    }
}

impl FromStr for Hlc {
    type Err = ParseHlcError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shape = || ParseHlcError::Shape {
            input: s.to_owned(),
        };
        let (time, counter) = s.rsplit_once('#').ok_or_else(shape)?;
        // "-MM-DDTHH:MM:SS.mmmZ" after a year of 4 or more digits; '9' stands for a digit.
        const TAIL: &[u8; 20] = b"-99-99T99:99:99.999Z";
        let split = time
            .len()
            .checked_sub(TAIL.len())
            .filter(|_| time.is_ascii());
        let (year, tail) = split.map(|i| time.split_at(i)).ok_or_else(shape)?;
        let tail_ok = tail.bytes().zip(TAIL).all(|(b, &t)| {
            if t == b'9' {
                b.is_ascii_digit()
            } else {
                b == t
            }
        });
        let year_ok = year.len() >= 4
            && year.bytes().all(|b| b.is_ascii_digit())
            && (year.len() == 4 || !year.starts_with('0'));
        if !tail_ok || !year_ok {
            return Err(shape());
        }
        let field = |range: std::ops::Range<usize>| tail[range].parse::<u64>().unwrap_or(0);
        let millis = year
            .parse::<u64>()
            .ok()
            .and_then(|year| {
                let (month, day) = (field(1..3), field(4..6));
                let (hh, mm, ss, ms) = (field(7..9), field(10..12), field(13..15), field(16..19));
                if year < 1970 || hh > 23 || mm > 59 || ss > 59 {
                    return None;
                }
                let days = days_from_civil(year, month, day)?;
                let in_day = ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
                days.checked_mul(MILLIS_PER_DAY)?.checked_add(in_day)
            })
            .ok_or_else(|| ParseHlcError::Time {
                input: s.to_owned(),
            })?;
        let counter = Some(counter)
            .filter(|c| c.len() >= 4 && (c.len() == 4 || !c.starts_with('0')))
            .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|c| c.parse::<u32>().ok())
            .ok_or_else(|| ParseHlcError::Counter {
                input: s.to_owned(),
            })?;
        Ok(Hlc::new(millis, counter))
    }
}

/// (year, month, day) of the day `days` after 1970-01-01 (proleptic Gregorian calendar).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Howard Hinnant's algorithm, with eras of 400 years starting on March 1st, year 0.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + u64::from(month <= 2), month, day)
}

/// Days from 1970-01-01 to a date in 1970 or later; `None` if the date does not exist.
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let month_len = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if year < 1970 || day == 0 || day > month_len {
        return None;
    }
    let y = year - u64::from(month <= 2);
    let (era, yoe) = (y / 400, y % 400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + (153 * mp + 2) / 5 + day - 1;
    era.checked_mul(146_097)?
        .checked_add(doe)?
        .checked_sub(719_468)
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// Parses borrowed or transient strings without an allocation.
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Hlc;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a clock reading \"YYYY-MM-DDTHH:MM:SS.mmmZ#NNNN\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Hlc, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(Visit)
    }
}

impl JsonSchema for Hlc {
    fn schema_name() -> Cow<'static, str> {
        "Hlc".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z#[0-9]{4,}$",
            "description": "Hybrid logical clock: UTC time with milliseconds, '#', counter."
        })
    }
}

/// A device's hybrid logical clock. Pure: the caller passes the wall time in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    last: Hlc,
}

impl Clock {
    /// A clock that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// A clock continuing after `last` (e.g. the reading persisted at the last run).
    pub fn resume(last: Hlc) -> Self {
        Clock { last }
    }

    /// The latest reading handed out or observed.
    pub fn last(&self) -> Hlc {
        self.last
    }

    /// A new reading for a local event, greater than every earlier one even when the wall
    /// clock went backwards: `(now, 0)` if `now_millis` is ahead, else the counter advances.
    pub fn tick(&mut self, now_millis: u64) -> Hlc {
        self.last = if now_millis > self.last.millis {
            Hlc::new(now_millis, 0)
        } else {
            self.last.successor()
        };
        self.last
    }

    /// Takes in a reading seen on imported data, so that later ticks sort after it.
    pub fn observe(&mut self, seen: Hlc, now_millis: u64) {
        let base = self.last.max(seen);
        self.last = if now_millis > base.millis {
            Hlc::new(now_millis, 0)
        } else {
            base.successor()
        };
    }
}

// ---------------------------------------------------------------------------------------------
// Revisions and documents
// ---------------------------------------------------------------------------------------------

/// The administrative level a person works at.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Township or street office (乡镇、街道).
    Township,
    /// County or district (县、区).
    County,
    /// City (市).
    City,
    /// Province (省).
    Province,
}

impl Role {
    /// True for the levels that inspect (county and above): they write verdicts, tasks and 复核.
    pub fn is_inspector(self) -> bool {
        self != Role::Township
    }

    /// Stable ASCII name, as stored in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Township => "township",
            Role::County => "county",
            Role::City => "city",
            Role::Province => "province",
        }
    }
}

/// Who made a revision.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Author {
    /// The person's name as shown in the audit trail.
    pub name: String,
    /// The device (installation) that made the change.
    pub device: String,
    /// The person's level.
    pub role: Role,
}

/// What a document body must be able to do. Implemented for every such type.
pub trait Body: Serialize + DeserializeOwned + Clone + PartialEq {}

impl<T: Serialize + DeserializeOwned + Clone + PartialEq> Body for T {}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One immutable version of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision<B> {
    /// Its id, derived from the document id, `parent`, `deleted`, `author`, `hlc`, `legacy`
    /// and `body`.
    pub rev: RevId,
    /// The revision it was made from; `None` for a root.
    pub parent: Option<RevId>,
    /// True for a tombstone (the document was deleted on this branch).
    pub deleted: bool,
    /// Who made it.
    pub author: Author,
    /// When it was made.
    pub hlc: Hlc,
    /// True for a revision converted from a version-1 file, made before roles were part of
    /// the model (the role rules admit it as it was).
    #[serde(default, skip_serializing_if = "is_false")]
    pub legacy: bool,
    /// The content. Tombstones keep the body of the revision they delete.
    pub body: B,
}

impl<B> Revision<B> {
    fn meta(&self) -> Meta<'_> {
        Meta {
            author: &self.author,
            hlc: self.hlc,
            legacy: self.legacy,
        }
    }
}

/// What a merge changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Revisions that were new here.
    pub added: usize,
}

/// Why a document operation failed. Always names the document and the revision involved.
#[derive(Debug, Error)]
pub enum RevisionError {
    /// A commit named a parent that is not in the document.
    #[error(
        "document {doc}: revision {parent} does not exist here, so nothing can be built on it; \
         reload the document and edit its current revision"
    )]
    UnknownParent {
        /// The document id.
        doc: String,
        /// The missing parent.
        parent: RevId,
    },
    /// An operation named a revision that is not in the document.
    #[error(
        "document {doc}: revision {rev} does not exist here; reload the document and pick one \
         of its current revisions"
    )]
    UnknownRevision {
        /// The document id.
        doc: String,
        /// The missing revision.
        rev: RevId,
    },
    /// A root commit on a document that already has revisions.
    #[error(
        "document {doc} already has revisions (current: {winner}); edit the current revision \
         instead of starting a new history"
    )]
    RootExists {
        /// The document id.
        doc: String,
        /// The current winner.
        winner: RevId,
    },
    /// Deleting a document that has no revisions.
    #[error("document {doc} has no revisions yet, so there is nothing to delete")]
    Empty {
        /// The document id.
        doc: String,
    },
    /// Resolving in favour of a revision that is not a live leaf.
    #[error(
        "document {doc}: revision {rev} is not a current (live, unsuperseded) revision, so a \
         conflict cannot be resolved in its favour; choose one of the conflicting revisions"
    )]
    NotLiveLeaf {
        /// The document id.
        doc: String,
        /// The revision asked for.
        rev: RevId,
    },
    /// Merging two different documents.
    #[error("cannot merge document {other} into document {doc}: they are different documents")]
    IdMismatch {
        /// This document's id.
        doc: String,
        /// The other document's id.
        other: String,
    },
    /// A revision's content does not hash to its id.
    #[error(
        "document {doc}: revision {rev} does not match its content (the content hashes to \
         {computed}); this copy was altered or damaged, import the document from an intact copy"
    )]
    HashMismatch {
        /// The document id.
        doc: String,
        /// The revision as labelled.
        rev: RevId,
        /// The hash its content actually has.
        computed: String,
    },
    /// A revision's generation is not its parent's + 1 (or 1 for a root).
    #[error(
        "document {doc}: revision {rev} has generation {} but its parent is {}; this copy was \
         altered or damaged, import the document from an intact copy",
        .rev.generation(),
        .parent.as_ref().map_or("none (a root must have generation 1)".to_owned(), ToString::to_string)
    )]
    BadGeneration {
        /// The document id.
        doc: String,
        /// The revision.
        rev: RevId,
        /// Its parent.
        parent: Option<RevId>,
    },
    /// A revision whose parent is missing.
    #[error(
        "document {doc}: revision {rev} was built on {parent}, which is missing; import the \
         complete document (with the revisions it was built on) from the device that made it"
    )]
    MissingParent {
        /// The document id.
        doc: String,
        /// The orphaned revision.
        rev: RevId,
        /// The missing parent.
        parent: RevId,
    },
    /// The same revision listed twice.
    #[error("document {doc}: revision {rev} is listed twice; keep one copy")]
    Duplicate {
        /// The document id.
        doc: String,
        /// The repeated revision.
        rev: RevId,
    },
    /// A body that has no canonical JSON (e.g. it contains a float).
    #[error("document {doc}: the body of {what} cannot be hashed: {source}")]
    Body {
        /// The document id.
        doc: String,
        /// Which revision, e.g. `revision 2-…` or `a new revision on 2-…`.
        what: String,
        /// The reason.
        #[source]
        source: CanonError,
    },
    /// A parent at the greatest possible generation.
    #[error("document {doc}: revision {parent} is at the last possible generation")]
    GenerationOverflow {
        /// The document id.
        doc: String,
        /// The parent.
        parent: RevId,
    },
    /// Two different revisions for one id: impossible for honest copies, since the id covers
    /// the content; a copy that claims otherwise was altered.
    #[error(
        "document {doc}: revision {rev} differs from the copy already here (author, time or \
         content); a revision never changes once written, so this copy was altered and is refused"
    )]
    Rewritten {
        /// The document id.
        doc: String,
        /// The revision.
        rev: RevId,
    },
}

/// A document: its id and every revision it has had.
///
/// Every value satisfies [`Document::verify`]; deserializing checks it. Serialized as
/// `{"id": …, "revisions": [… sorted by RevId …]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<B> {
    id: String,
    revisions: BTreeMap<RevId, Revision<B>>,
    /// Revisions that are nobody's parent (derived, kept up to date by `insert`).
    leaves: BTreeSet<RevId>,
}

impl<B: Serialize> Serialize for Document<B> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Raw<'a, B> {
            id: &'a str,
            revisions: Vec<&'a Revision<B>>,
        }
        Raw {
            id: &self.id,
            revisions: self.revisions.values().collect(),
        }
        .serialize(s)
    }
}

impl<'de, B: Body> Deserialize<'de> for Document<B> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw<B> {
            id: String,
            revisions: Vec<Revision<B>>,
        }
        let raw = Raw::<B>::deserialize(d)?;
        Document::from_revisions(raw.id, raw.revisions).map_err(D::Error::custom)
    }
}

impl<B: JsonSchema> JsonSchema for Document<B> {
    fn schema_name() -> Cow<'static, str> {
        format!("Document_for_{}", B::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let revision = generator.subschema_for::<Revision<B>>();
        json_schema!({
            "type": "object",
            "description": "A document: its id and every revision it has had, sorted by revision id.",
            "properties": {
                "id": {"type": "string"},
                "revisions": {"type": "array", "items": revision}
            },
            "required": ["id", "revisions"],
            "additionalProperties": false
        })
    }
}

impl<B: Body> Document<B> {
    /// An empty document (no revisions yet).
    pub fn new(id: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            revisions: BTreeMap::new(),
            leaves: BTreeSet::new(),
        }
    }

    /// A document from stored revisions, in any order; checked like [`Document::verify`].
    pub fn from_revisions(
        id: impl Into<String>,
        revisions: Vec<Revision<B>>,
    ) -> Result<Self, RevisionError> {
        Self::from_checked(id, revisions, false)
    }

    /// A document from revisions whose ids were checked when they were written by this
    /// program (its own files, guarded by a whole-file checksum): the tree is checked (no
    /// duplicates, parents present, generations), the ids are not recomputed.
    pub fn from_trusted_revisions(
        id: impl Into<String>,
        revisions: Vec<Revision<B>>,
    ) -> Result<Self, RevisionError> {
        Self::from_checked(id, revisions, true)
    }

    /// A document from revisions in any order, each checked before any is taken: its place
    /// in the tree, and its id recomputed unless `trusted`.
    fn from_checked(
        id: impl Into<String>,
        revisions: Vec<Revision<B>>,
        trusted: bool,
    ) -> Result<Self, RevisionError> {
        let mut doc = Document::new(id);
        let mut by_id = BTreeMap::new();
        for r in revisions {
            if by_id.contains_key(&r.rev) {
                let rev = r.rev.clone();
                return Err(RevisionError::Duplicate { doc: doc.id, rev });
            }
            by_id.insert(r.rev.clone(), r);
        }
        for r in by_id.values() {
            let has = |p: &RevId| by_id.contains_key(p);
            if trusted {
                check_joins(&doc.id, r, has)?;
            } else {
                check_revision(&doc.id, r, has)?;
            }
        }
        // Ids order by generation first, so the map hands parents out before their children.
        for r in by_id.into_values() {
            doc.insert(r);
        }
        Ok(doc)
    }

    /// The document id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// All revisions, sorted by [`RevId`].
    pub fn revisions(&self) -> impl ExactSizeIterator<Item = &Revision<B>> + Clone {
        self.revisions.values()
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// True when the document has no revision yet.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// The revision with this id.
    pub fn get(&self, rev: &RevId) -> Option<&Revision<B>> {
        self.revisions.get(rev)
    }

    /// True when the document holds this revision.
    pub fn contains(&self, rev: &RevId) -> bool {
        self.revisions.contains_key(rev)
    }

    /// The greatest clock reading in the document; pass it to [`Clock::observe`] after an import.
    pub fn latest_hlc(&self) -> Option<Hlc> {
        self.revisions.values().map(|r| r.hlc).max()
    }

    /// Adds a revision with `body` on `parent`, or a root when `parent` is `None` (allowed only
    /// while the document is empty). Any existing revision may be the parent, also a superseded
    /// one (that makes a conflict) or a tombstone (that undeletes). Committing a revision that
    /// exists already (same parent, body, author and time) adds nothing and returns its id.
    pub fn commit(
        &mut self,
        parent: Option<&RevId>,
        body: B,
        author: Author,
        hlc: Hlc,
    ) -> Result<RevId, RevisionError> {
        if parent.is_none()
            && let Some(winner) = self.winner()
        {
            let winner = winner.rev.clone();
            return Err(RevisionError::RootExists {
                doc: self.id.clone(),
                winner,
            });
        }
        let revision = self.child(parent, false, body, author, hlc)?;
        let rev = revision.rev.clone();
        self.insert(revision);
        Ok(rev)
    }

    /// Commits `body` on the winner (or as the root of an empty document). If the winner is
    /// live and has this body already, adds nothing and returns the winner's id. Editing a
    /// deleted document undeletes it.
    pub fn edit(&mut self, body: B, author: Author, hlc: Hlc) -> Result<RevId, RevisionError> {
        let parent = match self.winner() {
            Some(w) if !w.deleted && w.body == body => return Ok(w.rev.clone()),
            Some(w) => Some(w.rev.clone()),
            None => None,
        };
        self.commit(parent.as_ref(), body, author, hlc)
    }

    /// Deletes the document: a tombstone (keeping the deleted body) on every live leaf, so no
    /// conflict survives. Returns the new winner, the greatest tombstone. Deleting a deleted
    /// document adds nothing.
    pub fn delete(&mut self, author: Author, hlc: Hlc) -> Result<RevId, RevisionError> {
        let (deleted, winner) = self
            .winner()
            .map(|w| (w.deleted, w.rev.clone()))
            .ok_or_else(|| RevisionError::Empty {
                doc: self.id.clone(),
            })?;
        if !deleted {
            for t in self.tombstones(None, &author, hlc)? {
                self.insert(t);
            }
        }
        Ok(self.winner().map_or(winner, |w| w.rev.clone()))
    }

    /// Settles all conflicts in favour of the live leaf `keep`: `body` is committed on `keep`
    /// (unless `keep` has that body already) and every other live leaf gets a tombstone.
    /// Returns the id of the new winner.
    pub fn resolve(
        &mut self,
        keep: &RevId,
        body: B,
        author: Author,
        hlc: Hlc,
    ) -> Result<RevId, RevisionError> {
        let kept =
            self.live_leaves()
                .find(|r| &r.rev == keep)
                .ok_or_else(|| match self.get(keep) {
                    Some(_) => RevisionError::NotLiveLeaf {
                        doc: self.id.clone(),
                        rev: keep.clone(),
                    },
                    None => RevisionError::UnknownRevision {
                        doc: self.id.clone(),
                        rev: keep.clone(),
                    },
                })?;
        let new = if kept.body == body {
            None
        } else {
            Some(self.child(Some(keep), false, body, author.clone(), hlc)?)
        };
        let tombstones = self.tombstones(Some(keep), &author, hlc)?;
        let result = new.as_ref().map_or_else(|| keep.clone(), |r| r.rev.clone());
        for r in new.into_iter().chain(tombstones) {
            self.insert(r);
        }
        Ok(result)
    }

    /// Revisions that are nobody's parent, sorted by [`RevId`].
    pub fn leaves(&self) -> Vec<&Revision<B>> {
        self.leaves
            .iter()
            .filter_map(|r| self.revisions.get(r))
            .collect()
    }

    /// The current revision: the greatest live leaf by `(generation, hash)`, or the greatest
    /// leaf if all leaves are tombstones (then the document is deleted). `None` when empty.
    pub fn winner(&self) -> Option<&Revision<B>> {
        let mut leaves = self
            .leaves
            .iter()
            .rev()
            .filter_map(|r| self.revisions.get(r));
        let greatest = leaves.clone().next();
        leaves.find(|r| !r.deleted).or(greatest)
    }

    /// The current body, unless the document is empty or deleted.
    pub fn current(&self) -> Option<&B> {
        self.winner().filter(|r| !r.deleted).map(|r| &r.body)
    }

    /// The live leaves other than the winner, sorted by [`RevId`]: concurrent edits that
    /// need a decision.
    pub fn conflicts(&self) -> Vec<&Revision<B>> {
        let winner = self.winner().map(|w| &w.rev);
        let mut v: Vec<&Revision<B>> = self
            .live_leaves()
            .filter(|r| Some(&r.rev) != winner)
            .collect();
        v.reverse();
        v
    }

    /// True when concurrent edits wait for a decision.
    pub fn has_conflicts(&self) -> bool {
        self.live_leaves().nth(1).is_some()
    }

    /// Every live leaf, the winner first: the versions a person chooses between.
    pub fn versions(&self) -> Vec<&Revision<B>> {
        let winner = self.winner();
        winner
            .into_iter()
            .filter(|w| !w.deleted)
            .chain(self.conflicts())
            .collect()
    }

    /// The audit trail of `rev`: `rev` first, then its parent, … back to the root. Empty if
    /// `rev` is not in the document.
    pub fn history(&self, rev: &RevId) -> Vec<&Revision<B>> {
        let mut chain = Vec::new();
        let mut next = self.get(rev);
        while let Some(r) = next.filter(|_| chain.len() < self.revisions.len()) {
            chain.push(r);
            next = r.parent.as_ref().and_then(|p| self.get(p));
        }
        chain
    }

    /// Of the revisions `revs`, those this document does not have (CouchDB's `_revs_diff`).
    pub fn missing<'a>(&self, revs: impl IntoIterator<Item = &'a RevId>) -> Vec<RevId> {
        revs.into_iter()
            .filter(|r| !self.contains(r))
            .cloned()
            .collect()
    }

    /// Checks the other copy's revisions against this one without changing anything: every
    /// revision's id recomputes, its generation is the parent's + 1, its parent is in either
    /// copy, and a revision known here is byte-for-byte the one here. Returns the revisions
    /// that are new here, parents first.
    pub fn incoming<'a>(
        &self,
        other: &'a Document<B>,
    ) -> Result<Vec<&'a Revision<B>>, RevisionError> {
        if other.id != self.id {
            return Err(RevisionError::IdMismatch {
                doc: self.id.clone(),
                other: other.id.clone(),
            });
        }
        let mut new = Vec::new();
        for r in other.revisions.values() {
            match self.revisions.get(&r.rev) {
                Some(mine) if mine == r => {}
                Some(_) => {
                    return Err(RevisionError::Rewritten {
                        doc: self.id.clone(),
                        rev: r.rev.clone(),
                    });
                }
                // Every `Document` is valid (its ids recompute: checked when it was read or
                // built), so only how it joins this copy is left to check.
                None => {
                    check_joins(&self.id, r, |p| self.contains(p) || other.contains(p))?;
                    new.push(r);
                }
            }
        }
        new.sort_by_key(|r| r.rev.generation);
        Ok(new)
    }

    /// Adds the other copy's revisions to this one, checked as [`Document::incoming`] says;
    /// on any error nothing changes.
    pub fn merge(&mut self, other: &Document<B>) -> Result<MergeStats, RevisionError> {
        let new: Vec<Revision<B>> = self.incoming(other)?.into_iter().cloned().collect();
        let added = new.len();
        for r in new {
            self.insert(r);
        }
        Ok(MergeStats { added })
    }

    /// Adds revisions already checked by [`Document::incoming`] (parents first).
    pub(crate) fn insert_checked(&mut self, revisions: impl IntoIterator<Item = Revision<B>>) {
        for r in revisions {
            self.insert(r);
        }
    }

    /// Checks the invariants: every id recomputes from its content, every parent exists,
    /// every generation is its parent's + 1 (roots: 1).
    pub fn verify(&self) -> Result<(), RevisionError> {
        self.revisions
            .values()
            .try_for_each(|r| check_revision(&self.id, r, |p| self.contains(p)))
    }

    fn live_leaves(&self) -> impl Iterator<Item = &Revision<B>> {
        self.leaves
            .iter()
            .rev()
            .filter_map(|r| self.revisions.get(r))
            .filter(|r| !r.deleted)
    }

    /// Tombstones for every live leaf except `except`.
    fn tombstones(
        &self,
        except: Option<&RevId>,
        author: &Author,
        hlc: Hlc,
    ) -> Result<Vec<Revision<B>>, RevisionError> {
        self.live_leaves()
            .filter(|r| Some(&r.rev) != except)
            .map(|r| self.child(Some(&r.rev), true, r.body.clone(), author.clone(), hlc))
            .collect()
    }

    /// A new revision on `parent` (which must exist), not yet inserted.
    fn child(
        &self,
        parent: Option<&RevId>,
        deleted: bool,
        body: B,
        author: Author,
        hlc: Hlc,
    ) -> Result<Revision<B>, RevisionError> {
        let doc = || self.id.clone();
        let generation =
            match parent {
                None => 1,
                Some(p) if !self.contains(p) => {
                    return Err(RevisionError::UnknownParent {
                        doc: doc(),
                        parent: p.clone(),
                    });
                }
                Some(p) => p.generation.checked_add(1).ok_or_else(|| {
                    RevisionError::GenerationOverflow {
                        doc: doc(),
                        parent: p.clone(),
                    }
                })?,
            };
        let meta = Meta {
            author: &author,
            hlc,
            legacy: false,
        };
        let hash = content_hash(&self.id, parent, deleted, meta, &body).map_err(|source| {
            RevisionError::Body {
                doc: doc(),
                what: parent.map_or("a new root revision".to_owned(), |p| {
                    format!("a new revision on {p}")
                }),
                source,
            }
        })?;
        Ok(Revision {
            rev: RevId { generation, hash },
            parent: parent.cloned(),
            deleted,
            author,
            hlc,
            legacy: false,
            body,
        })
    }

    /// Inserts a checked revision whose parent is here; keeps the leaves up to date.
    fn insert(&mut self, r: Revision<B>) {
        if self.revisions.contains_key(&r.rev) {
            return;
        }
        // Parents always come first (callers insert in generation order), so a new revision
        // has no child yet: it is a leaf, and its parent no longer is.
        if let Some(p) = &r.parent {
            self.leaves.remove(p);
        }
        self.leaves.insert(r.rev.clone());
        self.revisions.insert(r.rev.clone(), r);
    }
}

/// Builds a revision converted from a version-1 file: `legacy`, with its id computed under
/// the format-2 rule on the given (already converted) parent.
pub fn legacy_revision<B: Body>(
    doc: &str,
    parent: Option<&RevId>,
    deleted: bool,
    author: Author,
    hlc: Hlc,
    body: B,
) -> Result<Revision<B>, RevisionError> {
    let generation = match parent {
        None => 1,
        Some(p) => {
            p.generation
                .checked_add(1)
                .ok_or_else(|| RevisionError::GenerationOverflow {
                    doc: doc.to_owned(),
                    parent: p.clone(),
                })?
        }
    };
    let meta = Meta {
        author: &author,
        hlc,
        legacy: true,
    };
    let hash =
        content_hash(doc, parent, deleted, meta, &body).map_err(|source| RevisionError::Body {
            doc: doc.to_owned(),
            what: "a converted version-1 revision".to_owned(),
            source,
        })?;
    Ok(Revision {
        rev: RevId { generation, hash },
        parent: parent.cloned(),
        deleted,
        author,
        hlc,
        legacy: true,
        body,
    })
}

/// Checks one revision: id recomputes, parent present (`has`), generation consistent.
fn check_revision<B: Body>(
    doc: &str,
    r: &Revision<B>,
    has: impl Fn(&RevId) -> bool,
) -> Result<(), RevisionError> {
    let computed =
        content_hash(doc, r.parent.as_ref(), r.deleted, r.meta(), &r.body).map_err(|source| {
            RevisionError::Body {
                doc: doc.to_owned(),
                what: format!("revision {}", r.rev),
                source,
            }
        })?;
    if computed != r.rev.hash {
        return Err(RevisionError::HashMismatch {
            doc: doc.to_owned(),
            rev: r.rev.clone(),
            computed: hex::encode(computed),
        });
    }
    check_joins(doc, r, has)
}

/// Checks how a revision joins a tree: parent present (`has`), generation consistent.
fn check_joins<B>(
    doc: &str,
    r: &Revision<B>,
    has: impl Fn(&RevId) -> bool,
) -> Result<(), RevisionError> {
    let expected = match &r.parent {
        None => Some(1),
        Some(p) if !has(p) => {
            return Err(RevisionError::MissingParent {
                doc: doc.to_owned(),
                rev: r.rev.clone(),
                parent: p.clone(),
            });
        }
        Some(p) => p.generation.checked_add(1),
    };
    if expected != Some(r.rev.generation) {
        return Err(RevisionError::BadGeneration {
            doc: doc.to_owned(),
            rev: r.rev.clone(),
            parent: r.parent.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    struct Note {
        status: String,
        note: String,
    }

    fn note(status: &str, note: &str) -> Note {
        Note {
            status: status.into(),
            note: note.into(),
        }
    }

    fn author(name: &str, device: &str) -> Author {
        Author {
            name: name.into(),
            device: device.into(),
            role: Role::Township,
        }
    }

    fn hlc(millis: u64) -> Hlc {
        Hlc::new(millis, 0)
    }

    /// A document with a root and one edit: 1-… ← 2-….
    fn two_revisions() -> (Document<Note>, RevId, RevId) {
        let mut doc = Document::new("item-1");
        let a = author("张三", "pc-1");
        let r1 = doc.edit(note("未公开", ""), a.clone(), hlc(1)).unwrap();
        let r2 = doc.edit(note("已公开", ""), a, hlc(2)).unwrap();
        (doc, r1, r2)
    }

    fn rev_strings(revs: &[&Revision<Note>]) -> Vec<String> {
        revs.iter().map(|r| r.rev.to_string()).collect()
    }

    // --- RevId -----------------------------------------------------------------------------

    #[test]
    fn rev_id_format_and_determinism() {
        let (doc, r1, r2) = two_revisions();
        for rev in [&r1, &r2] {
            let text = rev.to_string();
            let (n, hash) = text.split_once('-').unwrap();
            assert_eq!(n, rev.generation().to_string());
            assert_eq!(hash.len(), 32);
            assert!(
                hash.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert_eq!(text.parse::<RevId>().unwrap(), *rev);
            assert_eq!(serde_json::to_string(rev).unwrap(), format!("\"{text}\""));
        }
        assert_eq!((r1.generation(), r2.generation()), (1, 2));
        // The id is the documented hash of the documented envelope, nothing else.
        let envelope = concat!(
            r#"{"author":{"device":"pc-1","name":"张三","role":"township"},"#,
            r#""body":{"note":"","status":"未公开"},"deleted":false,"#,
            r#""hlc":"1970-01-01T00:00:00.001Z#0000","id":"item-1","parent":null}"#
        );
        let digest = Sha256::digest(envelope.as_bytes());
        assert_eq!(r1.hash(), hex::encode(&digest[..16]));
        // The same edit by the same person at the same time on the same document: same id.
        let mut again = Document::new("item-1");
        let a = author("张三", "pc-1");
        assert_eq!(
            again.edit(note("未公开", ""), a.clone(), hlc(1)).unwrap(),
            r1
        );
        assert_eq!(
            again.edit(note("已公开", ""), a.clone(), hlc(2)).unwrap(),
            r2
        );
        // Another author, time or document: another id.
        let other = |doc: &str, who: Author, at: u64| {
            Document::new(doc)
                .edit(note("未公开", ""), who, hlc(at))
                .unwrap()
        };
        assert_ne!(other("item-1", author("李四", "pc-1"), 1), r1);
        assert_ne!(other("item-1", author("张三", "phone-9"), 1), r1);
        assert_ne!(other("item-1", a.clone(), 2), r1);
        assert_ne!(other("item-2", a, 1), r1);
        assert_eq!(doc.get(&r2).unwrap().parent.as_ref(), Some(&r1));
    }

    #[test]
    fn rev_id_parse_rejects_malformed() {
        let hash = "0123456789abcdef0123456789abcdef";
        assert!(format!("1-{hash}").parse::<RevId>().is_ok());
        let cases = [
            ("", "shape"),
            ("12", "shape"),
            (&format!("0-{hash}"), "generation"),
            (&format!("01-{hash}"), "generation"),
            (&format!("-{hash}"), "generation"),
            (&format!("+1-{hash}"), "generation"),
            (&format!("99999999999999999999-{hash}"), "generation"),
            ("1-0123", "hash"),
            (&format!("1-{}", hash.to_uppercase()), "hash"),
            (&format!("1-{hash}0"), "hash"),
            (&format!("1-{hash}-2"), "hash"),
        ];
        for (input, kind) in cases {
            let got = input.parse::<RevId>();
            let ok = match (&got, kind) {
                (Err(ParseRevIdError::Shape { input: i }), "shape") => i == input,
                (Err(ParseRevIdError::Generation { input: i }), "generation") => i == input,
                (Err(ParseRevIdError::Hash { input: i }), "hash") => i == input,
                _ => false,
            };
            assert!(ok, "{input:?}: expected {kind} error, got {got:?}");
        }
        assert!(serde_json::from_str::<RevId>("\"1-abc\"").is_err());
        let ordered: Vec<RevId> = [
            format!("1-{}", "f".repeat(32)),
            format!("2-{}", "0".repeat(32)),
            format!("2-{}", "a".repeat(32)),
            format!("10-{}", "0".repeat(32)),
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        assert!(ordered.windows(2).all(|w| w[0] < w[1]));
    }

    // --- Commit, edit, winner, conflicts ------------------------------------------------------

    #[test]
    fn the_same_edit_by_two_people_is_two_revisions() {
        let (mut doc, r1, r2) = two_revisions();
        let before = doc.len();
        // Committing a revision that exists (same parent, body, author, time) adds nothing.
        let same = doc
            .commit(
                Some(&r1),
                note("已公开", ""),
                author("张三", "pc-1"),
                hlc(2),
            )
            .unwrap();
        assert_eq!((same, doc.len()), (r2.clone(), before));
        // Another person making the same change on the same parent: a sibling (a conflict
        // whose versions read the same), never a rewrite of r2's author or time.
        let twin = doc
            .commit(
                Some(&r1),
                note("已公开", ""),
                author("李四", "phone-9"),
                hlc(50),
            )
            .unwrap();
        assert_ne!(twin, r2);
        assert_eq!(doc.len(), before + 1);
        assert_eq!(doc.get(&r2).unwrap().author.name, "张三");
        assert!(doc.has_conflicts());
        assert_eq!(doc.versions().len(), 2);
        // Editing to the winner's body adds nothing.
        let w = doc.winner().unwrap().rev.clone();
        assert_eq!(
            doc.edit(note("已公开", ""), author("王五", "pc-2"), hlc(60))
                .unwrap(),
            w
        );
        assert_eq!(doc.len(), before + 1);
    }

    #[test]
    fn different_parents_give_different_ids() {
        let (mut doc, r1, r2) = two_revisions();
        let body = note("需整改", "链接失效");
        let on1 = doc
            .commit(Some(&r1), body.clone(), author("a", "d"), hlc(3))
            .unwrap();
        let on2 = doc
            .commit(Some(&r2), body.clone(), author("a", "d"), hlc(3))
            .unwrap();
        assert_ne!(on1, on2);
        assert_ne!(on1.hash(), on2.hash());
        // Deleted-ness is part of the id too.
        let tomb = doc
            .child(Some(&r1), true, body, author("a", "d"), hlc(3))
            .unwrap();
        assert_ne!(tomb.rev, on1);
    }

    #[test]
    fn commit_rules() {
        let (mut doc, _, r2) = two_revisions();
        let unknown: RevId = format!("2-{}", "0".repeat(32)).parse().unwrap();
        let err = doc
            .commit(Some(&unknown), note("x", ""), author("a", "d"), hlc(3))
            .unwrap_err();
        assert!(matches!(&err, RevisionError::UnknownParent { doc, parent }
            if doc == "item-1" && parent == &unknown));
        assert!(
            err.to_string().contains("item-1") && err.to_string().contains(&unknown.to_string())
        );
        let err = doc
            .commit(None, note("x", ""), author("a", "d"), hlc(3))
            .unwrap_err();
        assert!(matches!(&err, RevisionError::RootExists { winner, .. } if winner == &r2));
        assert_eq!(doc.revisions().len(), 2);
        let floats = Document::<Value>::new("f")
            .commit(None, json!({"score": 0.5}), author("a", "d"), hlc(1))
            .unwrap_err();
        assert!(
            matches!(&floats, RevisionError::Body { source: CanonError::Float { path, .. }, .. }
            if path == "/body/score")
        );
    }

    #[test]
    fn winner_prefers_longer_history_then_higher_hash() {
        let (mut doc, r1, r2) = two_revisions();
        // A sibling of r2 at the same generation: the higher hash wins.
        let sib = doc
            .commit(Some(&r1), note("需整改", ""), author("b", "e"), hlc(9))
            .unwrap();
        let higher = if sib.hash() > r2.hash() { &sib } else { &r2 };
        assert_eq!(&doc.winner().unwrap().rev, higher);
        // Extending the lower one makes the longer history win, whatever the hashes and clocks.
        let lower = if higher == &sib {
            r2.clone()
        } else {
            sib.clone()
        };
        let r3 = doc
            .commit(Some(&lower), note("已整改", ""), author("c", "f"), hlc(0))
            .unwrap();
        assert_eq!(r3.generation(), 3);
        assert_eq!(doc.winner().unwrap().rev, r3);
        assert_eq!(rev_strings(&doc.conflicts()), vec![higher.to_string()]);
    }

    #[test]
    fn concurrent_edits_conflict_and_resolve_removes_it() {
        let (base, _, _) = two_revisions();
        let (mut a, mut b) = (base.clone(), base);
        let ra = a
            .edit(note("已公开", "县级已核"), author("张三", "pc-1"), hlc(10))
            .unwrap();
        let rb = b
            .edit(note("需整改", "链接失效"), author("李四", "pc-2"), hlc(11))
            .unwrap();
        assert!(a.conflicts().is_empty() && b.conflicts().is_empty());
        a.merge(&b).unwrap();
        let (win, lose) = if ra > rb { (&ra, &rb) } else { (&rb, &ra) };
        assert_eq!(&a.winner().unwrap().rev, win);
        assert_eq!(rev_strings(&a.conflicts()), vec![lose.to_string()]);
        assert_eq!(rev_strings(&a.leaves()).len(), 2);
        // Resolve in favour of the loser with a combined body.
        let merged = note("需整改", "县级已核；链接失效");
        let res = a
            .resolve(lose, merged.clone(), author("王五", "pc-3"), hlc(20))
            .unwrap();
        assert!(a.conflicts().is_empty());
        let w = a.winner().unwrap();
        assert_eq!(
            (&w.rev, &w.body, w.parent.as_ref()),
            (&res, &merged, Some(lose))
        );
        let tomb = a.leaves().into_iter().find(|r| r.deleted).unwrap();
        assert_eq!(
            (tomb.parent.as_ref(), &tomb.body),
            (Some(win), &b.winner().unwrap().body)
        );
        // The other device converges on the same resolution.
        b.merge(&a).unwrap();
        assert_eq!(b, a);
        a.verify().unwrap();
    }

    #[test]
    fn resolve_keeping_a_body_adds_only_tombstones() {
        let (base, r1, _) = two_revisions();
        let mut doc = base;
        let sib = doc
            .commit(Some(&r1), note("x", ""), author("b", "e"), hlc(9))
            .unwrap();
        let before = doc.revisions().len();
        let body = doc.get(&sib).unwrap().body.clone();
        assert_eq!(
            doc.resolve(&sib, body, author("c", "f"), hlc(10)).unwrap(),
            sib
        );
        assert_eq!(doc.revisions().len(), before + 1);
        assert_eq!(doc.winner().unwrap().rev, sib);
        assert!(doc.conflicts().is_empty());
    }

    #[test]
    fn resolve_rejects_a_revision_that_is_not_a_live_leaf() {
        let (mut doc, r1, _) = two_revisions();
        let err = doc
            .resolve(&r1, note("x", ""), author("a", "d"), hlc(5))
            .unwrap_err();
        assert!(matches!(err, RevisionError::NotLiveLeaf { rev, .. } if rev == r1));
        let unknown: RevId = format!("9-{}", "0".repeat(32)).parse().unwrap();
        let err = doc
            .resolve(&unknown, note("x", ""), author("a", "d"), hlc(5))
            .unwrap_err();
        assert!(matches!(err, RevisionError::UnknownRevision { .. }));
        assert_eq!(doc.revisions().len(), 2);
    }

    #[test]
    fn tombstones() {
        let (mut doc, _, r2) = two_revisions();
        let old_body = doc.get(&r2).unwrap().body.clone();
        let t = doc.delete(author("a", "d"), hlc(5)).unwrap();
        let w = doc.winner().unwrap();
        assert!(w.deleted);
        assert_eq!(
            (&w.rev, w.parent.as_ref(), &w.body),
            (&t, Some(&r2), &old_body)
        );
        assert_eq!(t.generation(), 3);
        assert!(doc.conflicts().is_empty());
        // Deleting again changes nothing.
        assert_eq!(doc.delete(author("b", "e"), hlc(6)).unwrap(), t);
        assert_eq!(doc.revisions().len(), 3);
        // Editing undeletes, on top of the tombstone, even with the deleted body.
        let back = doc.edit(old_body, author("a", "d"), hlc(7)).unwrap();
        let w = doc.winner().unwrap();
        assert!(!w.deleted);
        assert_eq!((&w.rev, w.parent.as_ref()), (&back, Some(&t)));
        assert_eq!(doc.history(&back).len(), 4);
        // Empty documents cannot be deleted.
        let err = Document::<Note>::new("x")
            .delete(author("a", "d"), hlc(1))
            .unwrap_err();
        assert!(matches!(err, RevisionError::Empty { doc } if doc == "x"));
    }

    #[test]
    fn delete_tombstones_every_live_leaf() {
        let (mut doc, r1, _) = two_revisions();
        doc.commit(Some(&r1), note("x", ""), author("b", "e"), hlc(9))
            .unwrap();
        assert_eq!(doc.conflicts().len(), 1);
        let t = doc.delete(author("a", "d"), hlc(10)).unwrap();
        assert!(doc.leaves().iter().all(|r| r.deleted));
        assert_eq!(doc.leaves().len(), 2);
        assert_eq!(doc.winner().unwrap().rev, t);
        assert!(doc.conflicts().is_empty());
    }

    #[test]
    fn history_walks_back_to_the_root() {
        let (mut doc, r1, r2) = two_revisions();
        let r3 = doc
            .edit(note("需整改", ""), author("李四", "pc-2"), hlc(3))
            .unwrap();
        let trail: Vec<_> = doc
            .history(&r3)
            .iter()
            .map(|r| (r.rev.clone(), r.author.name.clone(), r.body.status.clone()))
            .collect();
        assert_eq!(
            trail,
            vec![
                (r3, "李四".into(), "需整改".into()),
                (r2, "张三".into(), "已公开".into()),
                (r1, "张三".into(), "未公开".into()),
            ]
        );
        let unknown: RevId = format!("1-{}", "0".repeat(32)).parse().unwrap();
        assert!(doc.history(&unknown).is_empty());
    }

    // --- Merge and verification ----------------------------------------------------------------

    #[test]
    fn a_copy_that_rewrites_the_audit_trail_is_refused() {
        let (mine, _, r2) = two_revisions();
        let before = mine.clone();
        // A copy claiming that r2 was made by someone else, earlier.
        let forged = tampered(&mine, &r2, |r| {
            r.author.name = "伪造者".into();
            r.hlc = hlc(0);
        });
        let mut target = mine.clone();
        let e = target.merge(&forged).unwrap_err();
        assert!(
            matches!(&e, RevisionError::Rewritten { rev, .. } if rev == &r2),
            "{e}"
        );
        assert_eq!(target, before, "a refused merge changed the document");
        // Anywhere else, the forged copy cannot even be read: it does not hash to its id.
        let json = serde_json::to_string(&forged).unwrap();
        let e = serde_json::from_str::<Document<Note>>(&json).unwrap_err();
        assert!(e.to_string().contains("does not match its content"), "{e}");
    }

    #[test]
    fn merge_adds_the_other_revisions() {
        let (base, _, _) = two_revisions();
        let mut a = base.clone();
        let mut b = base;
        let ra = a.edit(note("a", ""), author("甲", "pc-1"), hlc(5)).unwrap();
        let rb1 = b.edit(note("b", ""), author("乙", "pc-2"), hlc(5)).unwrap();
        let rb2 = b.edit(note("c", ""), author("乙", "pc-2"), hlc(6)).unwrap();
        let stats = a.merge(&b).unwrap();
        assert_eq!(stats, MergeStats { added: 2 });
        assert_eq!(a.merge(&b).unwrap(), MergeStats { added: 0 });
        assert!(a.get(&ra).is_some() && a.get(&rb1).is_some());
        assert_eq!(a.winner().unwrap().rev, rb2);
        assert_eq!(a.latest_hlc(), Some(hlc(6)));
        let revs: Vec<_> = a.revisions().collect();
        assert!(revs.windows(2).all(|w| w[0].rev < w[1].rev));
        a.verify().unwrap();
    }

    /// `doc` with revision `rev` changed by `f`, bypassing every check.
    fn tampered(
        doc: &Document<Note>,
        rev: &RevId,
        f: impl Fn(&mut Revision<Note>),
    ) -> Document<Note> {
        let mut revs: Vec<Revision<Note>> = doc.revisions().cloned().collect();
        for r in revs.iter_mut().filter(|r| &r.rev == rev) {
            f(r);
        }
        unchecked(&doc.id, revs)
    }

    /// A document holding `revs` as they are, without any check.
    fn unchecked(id: &str, revs: Vec<Revision<Note>>) -> Document<Note> {
        let parents: BTreeSet<RevId> = revs.iter().filter_map(|r| r.parent.clone()).collect();
        Document {
            id: id.into(),
            leaves: revs
                .iter()
                .map(|r| r.rev.clone())
                .filter(|r| !parents.contains(r))
                .collect(),
            revisions: revs.into_iter().map(|r| (r.rev.clone(), r)).collect(),
        }
    }

    #[test]
    fn tampered_revision_is_rejected_by_merge_and_verify() {
        let (base, r1, r2) = two_revisions();
        // Mine shares no revision with theirs, so theirs must be complete on its own.
        let mut mine = Document::new("item-1");
        mine.edit(note("mine", ""), author("a", "d"), hlc(7))
            .unwrap();
        let before = mine.clone();
        let mut theirs = base.clone();
        let r3 = theirs
            .edit(note("theirs", ""), author("b", "e"), hlc(8))
            .unwrap();

        let body = tampered(&theirs, &r2, |r| r.body.status = "伪造".into());
        let parent = tampered(&theirs, &r3, |r| r.parent = Some(r1.clone()));
        let generation = tampered(&theirs, &r3, |r| r.rev.generation = 7);
        let orphan = unchecked(
            &theirs.id,
            theirs
                .revisions()
                .filter(|r| r.rev != r2)
                .cloned()
                .collect(),
        );
        type Expect<'a> = &'a dyn Fn(&RevisionError) -> bool;
        let cases: [(&Document<Note>, Expect); 4] = [
            (&body, &|e| matches!(e, RevisionError::HashMismatch { .. })),
            (&parent, &|e| {
                matches!(e, RevisionError::HashMismatch { .. })
            }),
            (&generation, &|e| {
                matches!(e, RevisionError::BadGeneration { .. })
            }),
            (
                &orphan,
                &|e| matches!(e, RevisionError::MissingParent { parent, .. } if parent == &r2),
            ),
        ];
        // A damaged copy never becomes a `Document`: reading it (file, bundle, server) checks
        // every revision, so `merge` only ever meets valid documents. The structural faults are
        // also caught by `merge` itself.
        for (bad, expected) in cases {
            let e = bad.verify().unwrap_err();
            assert!(expected(&e), "verify: {e}");
            assert!(e.to_string().contains("item-1"), "{e}");
            let json = serde_json::to_string(bad).unwrap();
            let revs: Vec<Revision<Note>> = bad.revisions().cloned().collect();
            let e = Document::from_revisions("item-1", revs).unwrap_err();
            assert!(expected(&e), "from_revisions: {e}");
            assert!(serde_json::from_str::<Document<Note>>(&json).is_err());
        }
        for bad in [&generation, &orphan] {
            assert!(mine.merge(bad).is_err());
            assert_eq!(mine, before, "a failed merge changed the document");
        }
        // An orphan is fine when this copy has its parent.
        let mut has_parent = base;
        has_parent.merge(&orphan).unwrap();
        assert!(has_parent.get(&r3).is_some());
    }

    #[test]
    fn from_revisions_rejects_duplicates_and_accepts_any_order() {
        let (doc, _, _) = two_revisions();
        let mut dup: Vec<_> = doc.revisions().cloned().collect();
        dup.push(dup[0].clone());
        let err = Document::from_revisions("item-1", dup).unwrap_err();
        assert!(matches!(err, RevisionError::Duplicate { .. }));
        let mut reversed: Vec<_> = doc.revisions().cloned().collect();
        reversed.reverse();
        assert_eq!(Document::from_revisions("item-1", reversed).unwrap(), doc);
    }

    #[test]
    fn document_json_round_trips_and_matches_its_schema() {
        let (mut doc, r1, _) = two_revisions();
        doc.commit(
            Some(&r1),
            note("需整改", "\"引号\"\n"),
            author("李四", "pc-2"),
            Hlc::new(1_795_000_000_123, 3),
        )
        .unwrap();
        doc.delete(author("王五", "pc-3"), hlc(4)).unwrap();
        let json = serde_json::to_string_pretty(&doc).unwrap();
        let back: Document<Note> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
        assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);
        assert!(json.contains("\"hlc\": \"2026-11-18T"), "{json}");
        let schema = serde_json::to_value(schemars::schema_for!(Document<Note>)).unwrap();
        let value: Value = serde_json::from_str(&json).unwrap();
        assert!(jsonschema::is_valid(&schema, &value));
        let mut bad = value.clone();
        bad["revisions"][0]["hlc"] = json!("2026-11-18 06:40:00#1");
        assert!(!jsonschema::is_valid(&schema, &bad));
        let mut bad = value;
        bad["revisions"][0]["extra"] = json!(1);
        assert!(serde_json::from_value::<Document<Note>>(bad).is_err());
    }

    // --- Canonical JSON ---------------------------------------------------------------------

    #[test]
    fn canonical_json_sorts_keys_by_utf8_bytes() {
        let v = json!({"b": 1, "a": [true, null, {"z": -2, "y": "x"}], "A": {}, "": 18446744073709551615u64});
        assert_eq!(
            canonical_json(&v).unwrap(),
            r#"{"":18446744073709551615,"A":{},"a":[true,null,{"y":"x","z":-2}],"b":1}"#
        );
        // U+FF61 sorts before U+1F600 in UTF-8 (EF… < F0…) but after it in UTF-16.
        let v = json!({"😀": 1, "｡": 2, "状态": 3, "备注": 4});
        assert_eq!(
            canonical_json(&v).unwrap(),
            r#"{"备注":4,"状态":3,"｡":2,"😀":1}"#
        );
        let mut m = serde_json::Map::new();
        for k in ["c", "b", "a"] {
            m.insert(k.into(), json!(k));
        }
        assert_eq!(
            canonical_json(&Value::Object(m)).unwrap(),
            r#"{"a":"a","b":"b","c":"c"}"#
        );
    }

    #[test]
    fn canonical_json_rejects_floats_with_their_path() {
        for (v, at) in [
            (json!(1.0), ""),
            (json!({"a": [0, {"b/c~": 2.5}]}), "/a/1/b~1c~0"),
            (json!([-0.0]), "/0"),
        ] {
            let err = canonical_json(&v).unwrap_err();
            assert!(
                matches!(&err, CanonError::Float { path, .. } if path == at),
                "{err}"
            );
        }
        assert!(canonical_json(&json!({"n": -9223372036854775808i64})).is_ok());
    }

    #[test]
    fn canonical_json_escapes_like_serde_json_and_keeps_chinese() {
        let v = json!({"note": "已公开：\"网址\"\\\n\t\u{1}\u{1f}\u{7f}\u{2028}"});
        assert_eq!(
            canonical_json(&v).unwrap(),
            "{\"note\":\"已公开：\\\"网址\\\"\\\\\\n\\t\\u0001\\u001f\u{7f}\u{2028}\"}"
        );
    }

    /// The tripwire for serde_json's key order (its `preserve_order` feature) and escaping:
    /// fixed bytes and a fixed revision id.
    #[test]
    fn canonical_json_is_stable() {
        let v = json!({"状态": "已公开", "b": [2, {"y": null, "x": "\u{1}"}], "a": true});
        let text = canonical_json(&v).unwrap();
        assert_eq!(
            text,
            r#"{"a":true,"b":[2,{"x":"\u0001","y":null}],"状态":"已公开"}"#
        );
        let (_, r1, _) = two_revisions();
        assert_eq!(r1.to_string(), "1-f8e41dde799bd9270e9ba1fd35140207");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn prop_canonical_json_parses_back(v in json_value()) {
            let text = canonical_json(&v).unwrap();
            prop_assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v.clone());
            prop_assert!(!text.contains(": ") && !text.contains(", "));
            prop_assert_eq!(canonical_json(&serde_json::from_str(&text).unwrap()).unwrap(), text);
        }
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            "[a-z状态 \"\\\\\n]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-c状]{0,2}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    // --- Hybrid logical clock ----------------------------------------------------------------

    #[test]
    fn hlc_string_round_trip() {
        let h: Hlc = "2026-11-27T06:40:00.123Z#0003".parse().unwrap();
        assert_eq!(h, Hlc::new(1_795_761_600_123, 3));
        assert_eq!(h.to_string(), "2026-11-27T06:40:00.123Z#0003");
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            "\"2026-11-27T06:40:00.123Z#0003\""
        );
        assert_eq!(
            serde_json::from_str::<Hlc>("\"2026-11-27T06:40:00.123Z#0003\"").unwrap(),
            h
        );
        for (text, value) in [
            ("1970-01-01T00:00:00.000Z#0000", Hlc::default()),
            (
                "2024-02-29T23:59:59.999Z#12345",
                Hlc::new(1_709_251_199_999, 12_345),
            ),
            ("584556019-04-03T14:25:51.615Z#4294967295", Hlc::MAX),
        ] {
            assert_eq!(text.parse::<Hlc>().unwrap(), value, "{text}");
            assert_eq!(value.to_string(), text);
        }
        assert!(Hlc::new(5, 9) < Hlc::new(6, 0) && Hlc::new(6, 0) < Hlc::new(6, 1));
    }

    #[test]
    fn hlc_parse_rejects_malformed() {
        let shape = [
            "",
            "2026-11-27T06:40:00.123Z",
            "2026-11-27T06:40:00.123+08:00#0003",
            "2026-11-27 06:40:00.123Z#0003",
            "2026-11-27T06:40:00Z#0003",
            "2026-11-27T06:40:00.1234Z#0003",
            "226-11-27T06:40:00.123Z#0003",
            "02026-11-27T06:40:00.123Z#0003",
            "+2026-11-27T06:40:00.123Z#0003",
            "２026-11-27T06:40:00.123Z#0003",
        ];
        for s in shape {
            assert_eq!(
                s.parse::<Hlc>(),
                Err(ParseHlcError::Shape { input: s.into() }),
                "{s}"
            );
        }
        let time = [
            "2025-02-29T00:00:00.000Z#0000",
            "2026-13-01T00:00:00.000Z#0000",
            "2026-04-31T00:00:00.000Z#0000",
            "2026-00-10T00:00:00.000Z#0000",
            "2026-01-00T00:00:00.000Z#0000",
            "2026-01-01T24:00:00.000Z#0000",
            "2026-01-01T23:60:00.000Z#0000",
            "2026-12-31T23:59:60.000Z#0000",
            "1969-12-31T23:59:59.999Z#0000",
            "584556019-04-03T14:25:51.616Z#0000",
        ];
        for s in time {
            assert_eq!(
                s.parse::<Hlc>(),
                Err(ParseHlcError::Time { input: s.into() }),
                "{s}"
            );
        }
        let counter = ["#003", "#00003", "#-001", "#4294967296", "#00a1", "#"];
        for c in counter {
            let s = format!("2026-11-27T06:40:00.123Z{c}");
            assert_eq!(
                s.parse::<Hlc>(),
                Err(ParseHlcError::Counter { input: s.clone() }),
                "{s}"
            );
        }
        assert!(serde_json::from_str::<Hlc>("\"yesterday\"").is_err());
    }

    #[test]
    fn clock_is_monotonic_when_wall_time_goes_backwards() {
        let mut c = Clock::new();
        assert_eq!(c.tick(1000), Hlc::new(1000, 0));
        assert_eq!(c.tick(1000), Hlc::new(1000, 1));
        assert_eq!(c.tick(400), Hlc::new(1000, 2));
        assert_eq!(c.tick(1001), Hlc::new(1001, 0));
        let mut full = Clock::resume(Hlc::new(7, u32::MAX));
        assert_eq!(full.tick(3), Hlc::new(8, 0));
        let mut end = Clock::resume(Hlc::MAX);
        assert_eq!(end.tick(0), Hlc::MAX);
    }

    #[test]
    fn observe_moves_the_clock_past_a_seen_reading() {
        let mut c = Clock::new();
        c.tick(1000);
        let seen = Hlc::new(5000, 7);
        c.observe(seen, 1200);
        assert_eq!(c.last(), Hlc::new(5000, 8));
        assert!(c.tick(1300) > seen);
        // Same millisecond as both: past the larger counter.
        let mut c = Clock::resume(Hlc::new(5000, 9));
        c.observe(Hlc::new(5000, 3), 10);
        assert_eq!(c.last(), Hlc::new(5000, 10));
        // A wall clock ahead of everything wins.
        c.observe(Hlc::new(6000, 3), 7000);
        assert_eq!(c.last(), Hlc::new(7000, 0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn prop_hlc_round_trips(millis in any::<u64>(), counter in any::<u32>()) {
            let h = Hlc::new(millis, counter);
            prop_assert_eq!(h.to_string().parse::<Hlc>(), Ok(h));
        }

        #[test]
        fn prop_hlc_text_is_rfc3339_up_to_year_9999(
            millis in 0u64..=253_402_300_799_999,
            counter in any::<u32>(),
        ) {
            let nanos = i128::from(millis) * 1_000_000;
            let t = time::OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap();
            let format = time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            );
            let expected = format!("{}#{counter:04}", t.format(&format).unwrap());
            prop_assert_eq!(Hlc::new(millis, counter).to_string(), expected);
        }

        #[test]
        fn prop_clock_ticks_strictly_increase(
            start in any::<u64>().prop_map(|m| m % 4_000_000_000_000),
            steps in prop::collection::vec((-5000i64..5000, any::<bool>(), any::<u32>()), 1..40),
        ) {
            let mut c = Clock::new();
            let mut now = start;
            let mut last = c.last();
            for (step, observe, counter) in steps {
                now = now.saturating_add_signed(step);
                if observe {
                    let seen = Hlc::new(now.saturating_add_signed(step), counter);
                    c.observe(seen, now);
                    prop_assert!(c.last() > seen && c.last() >= last);
                } else {
                    let h = c.tick(now);
                    prop_assert!(h > last && h.millis >= now);
                }
                last = c.last();
            }
        }
    }
}
