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
    /// What is wrong, and where possible what to do (English).
    pub message: String,
    /// The same in Chinese.
    pub message_zh: String,
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

impl Problem {
    /// The problem in the chosen language, e.g.
    /// `a.json: 第 2 项: audience[1]: 不认识的取值 群众,可用的是 public 或 specific_group`.
    /// (`Display` is the English one, for logs.)
    pub fn message(&self, lang: crate::cli::Lang) -> String {
        if lang == crate::cli::Lang::En {
            return self.to_string();
        }
        let mut s = self.file.clone();
        if let Some((line, col)) = self.position {
            s.push_str(&format!(":{line}:{col}"));
        }
        match &self.item {
            Some(ItemRef::Id(id)) => s.push_str(&format!(": 事项 {id}")),
            Some(ItemRef::Index(i)) => s.push_str(&format!(": 第 {i} 项")),
            None => {}
        }
        if let Some(field) = &self.field {
            s.push_str(&format!(": {field}"));
        }
        s.push_str(&format!(": {}", self.message_zh));
        s
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
            format!(
                "文件有 {} 字节,目录文件最多 {} 字节",
                bytes.len(),
                MAX_CATALOGUE_BYTES
            ),
        );
        return Err(out.list);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        out.push(None, None, "the file is empty".into(), "文件是空的".into());
        return Err(out.list);
    }
    if std::str::from_utf8(bytes).is_err() {
        out.push(None, None, NOT_UTF8.into(), NOT_UTF8_ZH.into());
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
                message_zh: format!("不是有效的 JSON:{}", json_error_text_zh(&e)),
            });
            return Err(out.list);
        }
    };
    let Value::Object(root) = &value else {
        out.push(
            None,
            None,
            "the file must hold one JSON object".into(),
            "文件必须是一个 JSON 对象({ … })".into(),
        );
        return Err(out.list);
    };
    if !check_format(&mut out, root) {
        return Err(out.list);
    }
    check_header(&mut out, root);
    match root.get("items") {
        Some(Value::Array(items)) => check_items(&mut out, items),
        Some(_) => out.push(
            None,
            Some("items"),
            "must be a list of items".into(),
            "应为事项的列表 [ ]".into(),
        ),
        None => out.push(None, Some("items"), "is missing".into(), "缺少".into()),
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
            message_zh: zh_serde(&e.to_string()),
            message: e.to_string(),
        }]
    })
}

struct Problems<'a> {
    file: &'a str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    fn push(&mut self, item: Option<ItemRef>, field: Option<&str>, en: String, zh: String) {
        self.list.push(Problem {
            file: self.file.to_string(),
            position: None,
            item,
            field: field.map(str::to_string),
            message: en,
            message_zh: zh,
        });
    }

    /// A serde message, in both languages.
    fn push_serde(&mut self, item: Option<ItemRef>, field: Option<&str>, e: &serde_json::Error) {
        let en = plain(e);
        let zh = zh_serde(&en);
        self.push(item, field, en, zh);
    }
}

/// The message for a file that is not UTF-8 text.
pub const NOT_UTF8: &str =
    "the file is not UTF-8 text (saved as GBK/ANSI?); save it as UTF-8 and try again";

/// [`NOT_UTF8`] in Chinese.
pub const NOT_UTF8_ZH: &str =
    "文件不是 UTF-8 编码的文本(是否存成了 GBK/ANSI?);请另存为 UTF-8 后再试";

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

/// [`json_error_text`] in Chinese.
pub fn json_error_text_zh(e: &serde_json::Error) -> String {
    zh_json(&json_error_text(e))
}

/// A message of [`json_error_text`] in Chinese.
pub fn zh_json(text: &str) -> String {
    let fixed = [
        (
            "the file ends too early (was it cut off while copying?)",
            "文件不完整(是否在复制时被截断?)",
        ),
        (
            "nested more than 128 levels deep; this is not a zwgk file",
            "嵌套超过 128 层,这不是 zwgk 的文件",
        ),
        (
            "the text is not UTF-8 (saved as GBK?); save the file as UTF-8",
            "文字不是 UTF-8 编码(是否存成了 GBK?);请另存为 UTF-8",
        ),
        ("expected value", "这里应是一个值"),
        ("expected `,` or `}`", "这里应是逗号或 }"),
        ("expected `,` or `]`", "这里应是逗号或 ]"),
        ("expected `:`", "这里应是冒号"),
        ("expected ident", "这里应是 true、false 或 null"),
        ("trailing characters", "末尾有多余的字符"),
        ("trailing comma", "多了一个逗号"),
        ("key must be a string", "键必须是带引号的文本"),
        ("invalid escape", "无效的转义字符"),
        ("invalid number", "无效的数字"),
        ("number out of range", "数字超出范围"),
        ("lone leading surrogate in hex escape", "无效的 \\u 转义"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "文本中有控制字符(\\u0000-\\u001F),请删除或写成转义",
        ),
        ("the file is empty", "文件是空的"),
        (NOT_UTF8, NOT_UTF8_ZH),
    ];
    if let Some((_, zh)) = fixed.iter().find(|(en, _)| *en == text) {
        return (*zh).to_string();
    }
    zh_serde(text)
}

/// A serde message (as [`plain`] words it) in Chinese: unknown values and fields, wrong
/// types, missing fields. Values and field names stay as written in the file.
pub fn zh_serde(text: &str) -> String {
    // The values between backticks, in order.
    let quoted = |t: &str| -> Vec<String> {
        t.split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, v)| v.to_string())
            .collect()
    };
    if let Some(rest) = text.strip_prefix("unknown variant ") {
        let values = quoted(rest);
        if let Some((found, allowed)) = values.split_first() {
            let allowed = match allowed {
                [a, b] => format!("{a} 或 {b}"),
                many => many.join("、"),
            };
            return format!("不认识的取值 {found},可用的是 {allowed}");
        }
    }
    if let Some(rest) = text.strip_prefix("unknown field ")
        && let Some(field) = quoted(rest).first()
    {
        return format!("不认识的字段 {field}");
    }
    if let Some(rest) = text.strip_prefix("missing field ")
        && let Some(field) = quoted(rest).first()
    {
        return format!("缺少字段 {field}");
    }
    if let Some(rest) = text.strip_prefix("duplicate field ")
        && let Some(field) = quoted(rest).first()
    {
        return format!("字段 {field} 写了两次");
    }
    if let Some(rest) = text.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "类型不对:应为{},这里是{}",
            zh_expected(expected),
            zh_found(found)
        );
    }
    if let Some(rest) = text.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "取值不对:应为{},这里是{}",
            zh_expected(expected),
            zh_found(found)
        );
    }
    format!("格式不对({text})")
}

/// What serde expected, in Chinese.
fn zh_expected(expected: &str) -> String {
    let table = [
        ("a list in [ ]", "列表 [ ]"),
        ("true or false", "true 或 false"),
        ("a whole number", "整数"),
        ("a string", "文本"),
        ("a sequence", "列表 [ ]"),
        ("a map", "对象 { }"),
    ];
    if let Some((_, zh)) = table.iter().find(|(en, _)| *en == expected) {
        return (*zh).to_string();
    }
    if let Some(example) = expected.strip_prefix("an object like ") {
        return format!("形如 {example} 的对象");
    }
    expected.to_string()
}

/// What serde found, in Chinese: `string "x"` → 文本 "x".
fn zh_found(found: &str) -> String {
    let kinds = [
        ("string ", "文本 "),
        ("integer ", "整数 "),
        ("floating point ", "小数 "),
        ("boolean ", "布尔值 "),
        ("map", "对象 { }"),
        ("sequence", "列表 [ ]"),
        ("null", "null"),
        ("unit", "null"),
    ];
    for (en, zh) in kinds {
        if let Some(rest) = found.strip_prefix(en) {
            return format!("{zh}{}", rest.trim_matches('`'));
        }
    }
    found.to_string()
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
                format!("是 \"{f}\",应为 \"{CHECKLIST_FORMAT}\":这不是 zwgk 的目录文件"),
            );
            return false;
        }
        Some(_) => {
            out.push(
                None,
                Some("format"),
                format!("must be the text \"{CHECKLIST_FORMAT}\""),
                format!("应为文本 \"{CHECKLIST_FORMAT}\""),
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
                format!("缺少:目录文件以 \"format\": \"{CHECKLIST_FORMAT}\" 开头"),
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
                format!(
                    "是 {v},本程序最高读取目录格式版本 {CHECKLIST_FORMAT_VERSION}:请更新 zwgk"
                ),
            );
            false
        }
        Some(v) => {
            out.push(
                None,
                Some("format_version"),
                format!("is {v}, which no zwgk version wrote"),
                format!("是 {v},没有哪个 zwgk 版本写过这个版本号"),
            );
            false
        }
        None if root.contains_key("format_version") => {
            out.push(
                None,
                Some("format_version"),
                "must be a whole number, e.g. 1".into(),
                "应为整数,如 1".into(),
            );
            false
        }
        None => {
            out.push(
                None,
                Some("format_version"),
                "is missing: add \"format_version\": 1".into(),
                "缺少:请加上 \"format_version\": 1".into(),
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
                "不认识的字段(写错了?多出的列应放在事项的 extra 里)".into(),
            );
        }
    }
    match root.get("id") {
        Some(Value::String(id)) => {
            if let Some(msg) = id_problem(id) {
                let zh = id_problem_zh(id).unwrap_or_default();
                out.push(None, Some("id"), msg, zh);
            }
        }
        Some(_) => out.push(None, Some("id"), "must be text".into(), "应为文本".into()),
        None => out.push(None, Some("id"), "is missing".into(), "缺少".into()),
    }
    required_text(out, None, root, "name");
    required_text(out, None, root, "version");
    field::<Group>(out, None, root, "group", true);
    if let Some(Some(0)) = field::<Option<u32>>(out, None, root, "order", false) {
        out.push(
            None,
            Some("order"),
            "must be 1 or more".into(),
            "应为 1 或更大的整数".into(),
        );
    }
    field::<Vec<String>>(out, None, root, "aliases", false);
    field::<Option<String>>(out, None, root, "issuer", false);
    field::<Option<GuidelineItems>>(out, None, root, "guideline_items", false);
    field::<Vec<String>>(out, None, root, "sources", false);
    field::<bool>(out, None, root, "sample", false);
    field::<Option<String>>(out, None, root, "note", false);
}

/// [`id_problem`] in Chinese.
pub fn id_problem_zh(id: &str) -> Option<String> {
    id_problem(id)?;
    if id.is_empty() {
        return Some("是空的".into());
    }
    if id.len() > 64 {
        return Some("超过 64 个字符".into());
    }
    if windows_reserved(id) {
        return Some(format!(
            "\"{id}\" 是 Windows 保留的设备名(con、prn、aux、nul、com1-com9、lpt1-lpt9),不能用作目录文件名,请换一个编号"
        ));
    }
    Some(format!(
        "\"{id}\" 只能由小写英文字母、数字、- 和 _ 组成,且不能以 - 开头"
    ))
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
                "应为对象 { }".into(),
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
                format!("事项编号 \"{id}\" 重复:每个事项要有自己的编号"),
            ),
            Some(id) if id.chars().any(|c| c.is_control() || c == '/' || c == ':') => out.push(
                Some(ItemRef::Index(index + 1)),
                Some("id"),
                "must not contain '/', ':' or control characters".into(),
                "不能含有 /、: 或控制字符".into(),
            ),
            Some(_) => named_by_id = true,
            None => out.push(
                Some(ItemRef::Index(index + 1)),
                Some("id"),
                "is missing or empty".into(),
                "缺少或为空".into(),
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
                    "不认识的字段(多出的列请放在 extra 里)".into(),
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
                    "是空的".into(),
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
                            format!("应为文本,如 \"{v}\""),
                        );
                    }
                }
            }
            Some(_) => out.push(
                Some(at()),
                Some("extra"),
                "must be an object of column name to text".into(),
                "应为“列名: 文本”的对象".into(),
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
            out.push(item, Some(key), "is empty".into(), "是空的".into())
        }
        Some(Value::String(_)) => {}
        Some(_) => out.push(item, Some(key), "must be text".into(), "应为文本".into()),
        None => out.push(item, Some(key), "is missing".into(), "缺少".into()),
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
                    out.push_serde(item.clone(), Some(&format!("{key}[{}]", i + 1)), &e);
                    None
                }
            })
            .collect(),
        Some(_) => {
            out.push(
                item,
                Some(key),
                "must be a list: put the values in [ ]".into(),
                "应为列表:请把各个值放在 [ ] 里".into(),
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
            out.push(item, Some(key), "is missing".into(), "缺少".into());
            None
        }
        None => None,
        Some(v) => match T::deserialize(v) {
            Ok(t) => Some(t),
            Err(e) => {
                out.push_serde(item, Some(key), &e);
                None
            }
        },
    }
}
