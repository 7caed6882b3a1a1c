//! Checking a catalogue file and reporting every problem, not only the first.
//!
//! Each problem names the file, the item (by id, or by position when it has no id), the field
//! and what is wrong, so a clerk can fix the file in an editor.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::catalogue::{
    Audience, CHECKLIST_FORMAT, CHECKLIST_FORMAT_VERSION, Catalogue, Channel, Element, Group,
    GuidelineItems, ItemField, Method, SourceRef, Tier,
};

/// Largest catalogue file read (bytes). The biggest official catalogues are well under 1 MiB.
pub const MAX_CATALOGUE_BYTES: usize = 32 * 1024 * 1024;

/// Which item a problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemRef {
    /// The item's `id`.
    Id(String),
    /// 1-based position in `items`, for items without a usable id.
    Index(usize),
}

/// One problem found in a catalogue file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user named it.
    pub file: String,
    /// Line and column in the file (1-based), for syntax errors.
    pub position: Option<(usize, usize)>,
    /// The item the problem is in, if any.
    pub item: Option<ItemRef>,
    /// The field, e.g. `audience` or `channels[2].name`.
    pub field: Option<String>,
    /// What is wrong, and where possible what to do.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        match &self.item {
            Some(ItemRef::Id(id)) => write!(f, ": item {id}")?,
            Some(ItemRef::Index(i)) => write!(f, ": item #{i}")?,
            None => {}
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Check the bytes of a catalogue file. Returns the catalogue when there is no problem,
/// otherwise every problem found.
pub fn validate_catalogue(file: &str, bytes: &[u8]) -> Result<Catalogue, Vec<Problem>> {
    let mut out = Problems {
        file,
        list: Vec::new(),
    };
    if bytes.len() > MAX_CATALOGUE_BYTES {
        out.push(
            None,
            None,
            format!(
                "file is {} bytes; catalogue files may be at most {} bytes",
                bytes.len(),
                MAX_CATALOGUE_BYTES
            ),
        );
        return Err(out.list);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        out.push(None, None, "the file is empty".into());
        return Err(out.list);
    }
    if std::str::from_utf8(bytes).is_err() {
        out.push(None, None, NOT_UTF8.into());
        return Err(out.list);
    }
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            out.list.push(Problem {
                file: file.to_string(),
                position: Some((e.line(), char_column(bytes, e.line(), e.column()))),
                item: None,
                field: None,
                message: format!("not valid JSON: {}", json_error_text(&e)),
            });
            return Err(out.list);
        }
    };
    let Value::Object(root) = &value else {
        out.push(None, None, "the file must hold one JSON object".into());
        return Err(out.list);
    };
    if !check_format(&mut out, root) {
        return Err(out.list);
    }
    check_header(&mut out, root);
    match root.get("items") {
        Some(Value::Array(items)) => check_items(&mut out, items),
        Some(_) => out.push(None, Some("items"), "must be a list of items".into()),
        None => out.push(None, Some("items"), "is missing".into()),
    }
    if !out.list.is_empty() {
        return Err(out.list);
    }
    serde_json::from_value(value).map_err(|e| {
        // Every field was checked above, so this is a gap in the checks; still report it.
        vec![Problem {
            file: file.to_string(),
            position: None,
            item: None,
            field: None,
            message: e.to_string(),
        }]
    })
}

struct Problems<'a> {
    file: &'a str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    fn push(&mut self, item: Option<ItemRef>, field: Option<&str>, message: String) {
        self.list.push(Problem {
            file: self.file.to_string(),
            position: None,
            item,
            field: field.map(str::to_string),
            message,
        });
    }
}

/// The message for a file that is not UTF-8 text.
pub const NOT_UTF8: &str =
    "the file is not UTF-8 text (saved as GBK/ANSI?); save it as UTF-8 and try again";

/// serde_json counts columns in bytes; editors count characters.
pub fn char_column(bytes: &[u8], line: usize, byte_column: usize) -> usize {
    let Some(text) = bytes.split(|b| *b == b'\n').nth(line.saturating_sub(1)) else {
        return byte_column;
    };
    let upto = &text[..byte_column.min(text.len())];
    String::from_utf8_lossy(upto).chars().count().max(1)
}

/// A serde_json error in words a clerk can act on, without the position (reported apart).
pub fn json_error_text(e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "the file ends too early (was it cut off while copying?)".into();
    }
    let text = e.to_string();
    if text.starts_with("recursion limit exceeded") {
        return "nested more than 128 levels deep; this is not a zwgk file".into();
    }
    if text.starts_with("invalid unicode code point") {
        return "the text is not UTF-8 (saved as GBK?); save the file as UTF-8".into();
    }
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Checks `format` and `format_version`; false when the rest cannot be read.
fn check_format(out: &mut Problems<'_>, root: &Map<String, Value>) -> bool {
    match root.get("format") {
        Some(Value::String(f)) if f == CHECKLIST_FORMAT => {}
        Some(Value::String(f)) => {
            out.push(
                None,
                Some("format"),
                format!(
                    "is \"{f}\", expected \"{CHECKLIST_FORMAT}\": this is not a zwgk catalogue file"
                ),
            );
            return false;
        }
        Some(_) => {
            out.push(
                None,
                Some("format"),
                format!("must be the text \"{CHECKLIST_FORMAT}\""),
            );
            return false;
        }
        None => {
            out.push(
                None,
                Some("format"),
                format!(
                    "is missing: a catalogue file starts with \"format\": \"{CHECKLIST_FORMAT}\""
                ),
            );
            return false;
        }
    }
    match root.get("format_version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(CHECKLIST_FORMAT_VERSION) => true,
        Some(v) if v > u64::from(CHECKLIST_FORMAT_VERSION) => {
            out.push(
                None,
                Some("format_version"),
                format!(
                    "is {v}, but this zwgk reads catalogue format version {CHECKLIST_FORMAT_VERSION} at most: update zwgk"
                ),
            );
            false
        }
        Some(v) => {
            out.push(
                None,
                Some("format_version"),
                format!("is {v}, which no zwgk version wrote"),
            );
            false
        }
        None if root.contains_key("format_version") => {
            out.push(
                None,
                Some("format_version"),
                "must be a whole number, e.g. 1".into(),
            );
            false
        }
        None => {
            out.push(
                None,
                Some("format_version"),
                "is missing: add \"format_version\": 1".into(),
            );
            false
        }
    }
}

const HEADER_FIELDS: &[&str] = &[
    "format",
    "format_version",
    "id",
    "name",
    "aliases",
    "group",
    "order",
    "version",
    "issuer",
    "guideline_items",
    "sources",
    "sample",
    "note",
    "items",
];

fn check_header(out: &mut Problems<'_>, root: &Map<String, Value>) {
    for key in root.keys() {
        if !HEADER_FIELDS.contains(&key.as_str()) {
            out.push(
                None,
                Some(key),
                "unknown field (a typo? extra columns belong in an item's `extra`)".into(),
            );
        }
    }
    match root.get("id") {
        Some(Value::String(id)) => {
            if let Some(msg) = id_problem(id) {
                out.push(None, Some("id"), msg);
            }
        }
        Some(_) => out.push(None, Some("id"), "must be text".into()),
        None => out.push(None, Some("id"), "is missing".into()),
    }
    required_text(out, None, root, "name");
    required_text(out, None, root, "version");
    field::<Group>(out, None, root, "group", true);
    if let Some(Some(0)) = field::<Option<u32>>(out, None, root, "order", false) {
        out.push(None, Some("order"), "must be 1 or more".into());
    }
    field::<Vec<String>>(out, None, root, "aliases", false);
    field::<Option<String>>(out, None, root, "issuer", false);
    field::<Option<GuidelineItems>>(out, None, root, "guideline_items", false);
    field::<Vec<String>>(out, None, root, "sources", false);
    field::<bool>(out, None, root, "sample", false);
    field::<Option<String>>(out, None, root, "note", false);
}

/// Why `id` is not a usable catalogue id, if it is not.
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("is empty".into());
    }
    if id.len() > 64 {
        return Some("is longer than 64 characters".into());
    }
    let ok = id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok || id.starts_with('-') {
        return Some(format!(
            "\"{id}\" may hold only lower-case ASCII letters, digits, '-' and '_', and must not start with '-'"
        ));
    }
    if windows_reserved(id) {
        return Some(format!(
            "\"{id}\" is a reserved device name on Windows (con, prn, aux, nul, com1-com9, lpt1-lpt9) and cannot name the catalogue's file; choose another id"
        ));
    }
    None
}

/// True when `name` is a device on Windows, whatever its extension and case: `CON`, `PRN`,
/// `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9` (also with ¹²³), e.g. `nul`, `Com1.json`,
/// `lpt9.tar.gz`, `con ` (trailing spaces and dots are ignored by Windows).
pub fn windows_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.trim_end_matches([' ', '.']).to_ascii_lowercase();
    match stem.as_str() {
        "con" | "prn" | "aux" | "nul" => true,
        s => {
            let (Some(head), Some(last)) = (s.get(..3), s.get(3..)) else {
                return false;
            };
            (head == "com" || head == "lpt")
                && matches!(
                    last,
                    "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
                )
        }
    }
}

const ITEM_FIELDS: &[&str] = &[
    "id",
    "level1",
    "level2",
    "level3",
    "content",
    "elements",
    "basis",
    "time_limit",
    "publisher",
    "channels",
    "audience",
    "audience_group",
    "method",
    "tiers",
    "truncated",
    "inferred",
    "extra",
    "sources",
];

fn check_items(out: &mut Problems<'_>, items: &[Value]) {
    let mut seen = BTreeSet::new();
    for (index, value) in items.iter().enumerate() {
        let Value::Object(obj) = value else {
            out.push(
                Some(ItemRef::Index(index + 1)),
                None,
                "must be an object".into(),
            );
            continue;
        };
        let item_id = obj
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string);
        // Items are named by id, unless the id cannot find them (missing, repeated, odd).
        let mut named_by_id = false;
        match &item_id {
            Some(id) if !seen.insert(id.clone()) => out.push(
                Some(ItemRef::Index(index + 1)),
                Some("id"),
                format!("duplicate item id \"{id}\": every item needs its own id"),
            ),
            Some(id) if id.chars().any(|c| c.is_control() || c == '/' || c == ':') => out.push(
                Some(ItemRef::Index(index + 1)),
                Some("id"),
                "must not contain '/', ':' or control characters".into(),
            ),
            Some(_) => named_by_id = true,
            None => out.push(
                Some(ItemRef::Index(index + 1)),
                Some("id"),
                "is missing or empty".into(),
            ),
        }
        let at = || match &item_id {
            Some(id) if named_by_id => ItemRef::Id(id.clone()),
            _ => ItemRef::Index(index + 1),
        };
        for key in obj.keys() {
            if !ITEM_FIELDS.contains(&key.as_str()) {
                out.push(
                    Some(at()),
                    Some(key),
                    "unknown field (put extra columns under `extra`)".into(),
                );
            }
        }
        required_text(out, Some(at()), obj, "level1");
        required_text(out, Some(at()), obj, "level2");
        field::<Option<String>>(out, Some(at()), obj, "level3", false);
        field::<String>(out, Some(at()), obj, "content", false);
        list::<Element>(out, Some(at()), obj, "elements");
        field::<Vec<String>>(out, Some(at()), obj, "basis", false);
        field::<String>(out, Some(at()), obj, "time_limit", false);
        field::<String>(out, Some(at()), obj, "publisher", false);
        for (i, c) in list::<Channel>(out, Some(at()), obj, "channels") {
            if c.name.trim().is_empty() {
                out.push(
                    Some(at()),
                    Some(&format!("channels[{i}].name")),
                    "is empty".into(),
                );
            }
        }
        list::<Audience>(out, Some(at()), obj, "audience");
        field::<Option<String>>(out, Some(at()), obj, "audience_group", false);
        list::<Method>(out, Some(at()), obj, "method");
        list::<Tier>(out, Some(at()), obj, "tiers");
        list::<ItemField>(out, Some(at()), obj, "truncated");
        list::<ItemField>(out, Some(at()), obj, "inferred");
        match obj.get("extra") {
            None => {}
            Some(Value::Object(extra)) => {
                for (k, v) in extra {
                    if !v.is_string() {
                        out.push(
                            Some(at()),
                            Some(&format!("extra.{k}")),
                            format!("must be text, e.g. \"{v}\""),
                        );
                    }
                }
            }
            Some(_) => out.push(
                Some(at()),
                Some("extra"),
                "must be an object of column name to text".into(),
            ),
        }
        list::<SourceRef>(out, Some(at()), obj, "sources");
    }
}

fn required_text(
    out: &mut Problems<'_>,
    item: Option<ItemRef>,
    obj: &Map<String, Value>,
    key: &str,
) {
    match obj.get(key) {
        Some(Value::String(s)) if s.trim().is_empty() => {
            out.push(item, Some(key), "is empty".into())
        }
        Some(Value::String(_)) => {}
        Some(_) => out.push(item, Some(key), "must be text".into()),
        None => out.push(item, Some(key), "is missing".into()),
    }
}

/// Checks a list field element by element, so each bad element is named (`tiers[2]`).
/// Returns the good elements with their 1-based positions.
fn list<T: DeserializeOwned>(
    out: &mut Problems<'_>,
    item: Option<ItemRef>,
    obj: &Map<String, Value>,
    key: &str,
) -> Vec<(usize, T)> {
    match obj.get(key) {
        None => Vec::new(),
        Some(Value::Array(values)) => values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match T::deserialize(v) {
                Ok(t) => Some((i + 1, t)),
                Err(e) => {
                    out.push(item.clone(), Some(&format!("{key}[{}]", i + 1)), plain(&e));
                    None
                }
            })
            .collect(),
        Some(_) => {
            out.push(
                item,
                Some(key),
                "must be a list: put the values in [ ]".into(),
            );
            Vec::new()
        }
    }
}

/// A serde message in words a clerk can act on.
fn plain(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = text.replace("expected a sequence", "expected a list in [ ]");
    let text = text.replace("expected a boolean", "expected true or false");
    let text = text.replace("expected u32", "expected a whole number");
    text.replace(
        "expected struct SourceRef",
        "expected an object like {\"url\": \"https://...\"}",
    )
    .replace(
        "expected struct Channel",
        "expected an object like {\"name\": \"政府网站\", \"required\": true}",
    )
    .replace(
        "expected struct GuidelineItems",
        "expected an object like {\"count\": 25, \"source\": \"https://...\"}",
    )
    .replace(
        "expected struct Element",
        "expected an object like {\"text\": \"...\", \"mandatory\": true}",
    )
}

/// Deserializes one field on its own so that each bad field gets its own problem.
fn field<T: DeserializeOwned>(
    out: &mut Problems<'_>,
    item: Option<ItemRef>,
    obj: &Map<String, Value>,
    key: &str,
    required: bool,
) -> Option<T> {
    match obj.get(key) {
        None if required => {
            out.push(item, Some(key), "is missing".into());
            None
        }
        None => None,
        Some(v) => match T::deserialize(v) {
            Ok(t) => Some(t),
            Err(e) => {
                out.push(item, Some(key), plain(&e));
                None
            }
        },
    }
}
