//! The catalogue file format (`zwgk-checklist`): one standard catalogue (标准目录) per domain.
//!
//! These types are the file format. They are documented for humans in
//! `checklists/README.md` and for machines by the JSON Schema generated from them
//! (`zwgk schema checklist`, committed as `schema/checklist.v1.json`).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::text::{truncate, width};

/// The value of the `format` field of every catalogue file.
pub const CHECKLIST_FORMAT: &str = "zwgk-checklist";
/// The newest catalogue `format_version` this build reads and writes.
pub const CHECKLIST_FORMAT_VERSION: u32 = 1;

/// A standard catalogue (标准目录) of one domain (领域).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Always `"zwgk-checklist"`.
    pub format: String,
    /// Format version of this file; this build understands 1.
    pub format_version: u32,
    /// Stable ASCII id, e.g. `employment`: lower-case letters, digits, `-` and `_`.
    pub id: String,
    /// Domain name shown to people, e.g. 就业.
    pub name: String,
    /// Other names of the same domain used by some localities, e.g. 就业创业.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// `national` (one of the 26), `city` (the "+1") or `local` (a "+n").
    pub group: Group,
    /// Place in the official order of its group, from 1: for the 26 national domains the
    /// order in which the 26 pilot domains are listed (1 重大建设项目 … 26 社会保险). Lists
    /// sort by group, then order; catalogues without one come after, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<u32>,
    /// Version label of this catalogue, e.g. `2020` or `2024-06`. Newer labels replace older ones.
    pub version: String,
    /// Who issued the catalogue or the guideline it follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// How many items the official guideline (标准指引) of the domain lists, where known, with
    /// its source, so that a sample catalogue shows how much of the guideline it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guideline_items: Option<GuidelineItems>,
    /// Where the catalogue comes from (URLs or document names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// True when the rows are a representative subset, not the complete official catalogue.
    #[serde(default)]
    pub sample: bool,
    /// Free remarks about the catalogue as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The rows (公开事项).
    pub items: Vec<Item>,
}

/// The number of items of a domain's official guideline (标准指引), with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuidelineItems {
    /// How many items the guideline lists.
    pub count: u32,
    /// What was counted, as the source says, e.g. 二级事项.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Where the figure comes from: a URL or a document.
    pub source: String,
    /// Remarks, e.g. how the items are grouped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Which part of "26+1+n" a catalogue belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// One of the 26 national pilot domains.
    National,
    /// The city-wide extra catalogue ("+1").
    City,
    /// A catalogue a district or township adds for itself ("+n").
    Local,
}

impl Group {
    /// Stable ASCII name, as stored in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::National => "national",
            Group::City => "city",
            Group::Local => "local",
        }
    }
}

/// One catalogue row (公开事项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable id inside the catalogue, never a row index once published, e.g. `03`.
    pub id: String,
    /// 一级事项.
    pub level1: String,
    /// 二级事项.
    pub level2: String,
    /// 三级事项, where the table has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level3: Option<String>,
    /// 公开内容(要素) as written in the table.
    #[serde(default)]
    pub content: String,
    /// Content elements with their ● mandatory / 〇 optional marks, where the table marks them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<Element>,
    /// 公开依据: laws, regulations, documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<String>,
    /// 公开时限 as written, e.g. 信息形成或者变更之日起20个工作日内.
    #[serde(default)]
    pub time_limit: String,
    /// 公开主体.
    #[serde(default)]
    pub publisher: String,
    /// 公开渠道和载体 with ■ required / □ optional marks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// 公开对象: `public` (全社会) and/or `specific_group` (特定群体).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audience: Vec<Audience>,
    /// Which 特定群体, where the table names it, e.g. 申请人.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience_group: Option<String>,
    /// 公开方式: `proactive` (主动) and/or `on_request` (依申请).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub method: Vec<Method>,
    /// 公开层级: which tiers publish the item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    /// Fields whose text was cut off (or partly unreadable) in the source as seen: the value
    /// holds only what could be read. Not part of the fingerprint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<ItemField>,
    /// Fields whose value was not read from the source but inferred (e.g. a 公开层级 column
    /// whose ticks were not visible). Not part of the fingerprint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<ItemField>,
    /// Columns of the source table that have no field here (咨询电话, 责任科室, 网站所属栏目 …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
    /// Where this row was seen. Several when counties state the same requirement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRef>,
}

/// A field of an item that states the requirement, as named in files (`truncated`, `inferred`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ItemField {
    /// 一级事项.
    Level1,
    /// 二级事项.
    Level2,
    /// 三级事项.
    Level3,
    /// 公开内容.
    Content,
    /// 公开内容 marks.
    Elements,
    /// 公开依据.
    Basis,
    /// 公开时限.
    TimeLimit,
    /// 公开主体.
    Publisher,
    /// 公开渠道和载体.
    Channels,
    /// 公开对象.
    Audience,
    /// 公开对象 — 特定群体.
    AudienceGroup,
    /// 公开方式.
    Method,
    /// 公开层级.
    Tiers,
}

/// One element of 公开内容(要素).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// The element text.
    pub text: String,
    /// True for ● (mandatory), false for 〇 (optional).
    pub mandatory: bool,
}

/// One channel (公开渠道和载体) of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Canonical channel name (see `CANONICAL_CHANNELS`), a domain platform, or 其他:free text.
    pub name: String,
    /// True for ■ (marked in the table); false for □ (may be used).
    pub required: bool,
}

/// 公开对象.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// 全社会.
    Public,
    /// 特定群体.
    SpecificGroup,
}

/// 公开方式.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// 主动公开.
    Proactive,
    /// 依申请公开.
    OnRequest,
}

/// 公开层级. Local labels map onto these (区级 → county, 镇街级 → township).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 省级.
    Province,
    /// 市级 / 州级.
    City,
    /// 县级 / 区级.
    County,
    /// 乡级 / 镇级 / 街道 / 镇(街)级.
    Township,
    /// 村级 / 社区.
    Village,
}

/// Where a row was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// URL of the page that shows the row.
    pub url: String,
    /// True when the URL is a mirror of a government page rather than the page itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mirror: bool,
    /// Which unit published it, which fields were inferred or cut off, and similar remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The channel boxes of the standard catalogue templates (2019 list and the newer list
/// following the 2019 regulation), in table order.
pub const CANONICAL_CHANNELS: &[&str] = &[
    "政府网站",
    "政府公报",
    "两微一端",
    "发布会/听证会",
    "广播电视",
    "纸质媒体",
    "公开查阅点",
    "政务服务中心",
    "便民服务站",
    "入户/现场",
    "图书馆",
    "社区/企事业单位/村公示栏(电子屏)",
    "国家档案馆",
    "精准推送",
];

/// A hash of an item's requirement text (hex SHA-256). Results remember the fingerprint
/// they were made against, so a changed requirement is noticed.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct Fingerprint(pub String);

impl Fingerprint {
    /// The first 12 hex digits, for display.
    pub fn short(&self) -> &str {
        self.0.get(..12).unwrap_or(&self.0)
    }
}

impl Item {
    /// The fingerprint of the requirement this row states: every field that says what must
    /// be disclosed and how, but not its id, extra columns or sources.
    pub fn fingerprint(&self) -> Fingerprint {
        let mut h = Sha256::new();
        let mut field = |name: &str, value: &str| {
            // Length-prefixed so that moving text between fields changes the hash.
            h.update(name.as_bytes());
            h.update((value.len() as u64).to_le_bytes());
            h.update(value.as_bytes());
        };
        field("level1", self.level1.trim());
        field("level2", self.level2.trim());
        field("level3", self.level3.as_deref().unwrap_or("").trim());
        field("content", self.content.trim());
        for e in &self.elements {
            field(
                if e.mandatory { "element!" } else { "element?" },
                e.text.trim(),
            );
        }
        for b in &self.basis {
            field("basis", b.trim());
        }
        field("time_limit", self.time_limit.trim());
        field("publisher", self.publisher.trim());
        for c in &self.channels {
            field(
                if c.required { "channel!" } else { "channel?" },
                c.name.trim(),
            );
        }
        for a in &self.audience {
            field("audience", audience_str(*a));
        }
        field(
            "audience_group",
            self.audience_group.as_deref().unwrap_or("").trim(),
        );
        for m in &self.method {
            field("method", method_str(*m));
        }
        for t in &self.tiers {
            field("tier", tier_str(*t));
        }
        let digest = h.finalize();
        Fingerprint(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Whether the item is published at `tier`, as far as its 公开层级 is known: `None` when the
    /// item has no tiers or its tiers were inferred, not read from the source.
    pub fn applies_to(&self, tier: Tier) -> Option<bool> {
        if self.tiers.is_empty() || self.inferred.contains(&ItemField::Tiers) {
            return None;
        }
        Some(self.tiers.contains(&tier))
    }

    /// The item's name: 二级事项, or 一级事项 where the table has no 二级事项 (written `—`).
    pub fn name(&self) -> &str {
        let level2 = self.level2.trim();
        if level2.is_empty() || level2 == "—" || level2 == "-" {
            self.level1.trim()
        } else {
            level2
        }
    }

    /// 二级事项, with 三级事项 appended where there is one.
    pub fn title(&self) -> String {
        match &self.level3 {
            Some(l3) if !l3.trim().is_empty() => format!("{} / {}", self.level2, l3),
            _ => self.level2.clone(),
        }
    }
}

fn audience_str(a: Audience) -> &'static str {
    match a {
        Audience::Public => "public",
        Audience::SpecificGroup => "specific_group",
    }
}

fn method_str(m: Method) -> &'static str {
    match m {
        Method::Proactive => "proactive",
        Method::OnRequest => "on_request",
    }
}

fn tier_str(t: Tier) -> &'static str {
    match t {
        Tier::Province => "province",
        Tier::City => "city",
        Tier::County => "county",
        Tier::Township => "township",
        Tier::Village => "village",
    }
}

impl Catalogue {
    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Items whose known 公开层级 leaves out `tier`, e.g. for `Tier::Township` the rows only the
    /// county publishes (县级). Items without a known tier are not among them.
    pub fn not_for(&self, tier: Tier) -> Vec<&Item> {
        self.items
            .iter()
            .filter(|i| i.applies_to(tier) == Some(false))
            .collect()
    }

    /// Items a township (乡镇/街道) does not publish, by their known 公开层级.
    pub fn not_for_township(&self) -> Vec<&Item> {
        self.not_for(Tier::Township)
    }

    /// A short label for each item, in item order, unique within the catalogue (see [`Label`]).
    pub fn labels(&self) -> Vec<Label> {
        labels(&self.items)
    }

    /// The labels cut to `cols` display columns each, for a list of items: each is
    /// [`Label::fit`], and where two would read alike, the part they share is cut from the
    /// middle instead, so that what tells them apart stays visible.
    pub fn labels_within(&self, cols: usize) -> Vec<String> {
        fit_labels(&self.labels(), cols)
    }

    /// The order of catalogues in lists: by group (national, city, local), then by `order`;
    /// catalogues without an `order` come after those with one, by name; the id breaks ties.
    pub fn list_cmp(&self, other: &Catalogue) -> Ordering {
        self.group
            .cmp(&other.group)
            .then_with(|| match (self.order, other.order) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => self.name.cmp(&other.name),
            })
            .then_with(|| self.id.cmp(&other.id))
    }
}

/// A short display label of an item: its name (二级事项, or 一级事项 where there is no
/// 二级事项), and where that is not enough to tell it from the other items of its catalogue, a
/// detail: its 三级事项, and for items that still share a name, what sets them apart — their
/// 一级事项 if those differ, else the first part of 公开内容 the others do not have, else the
/// 公开主体, else the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// 二级事项 (or 一级事项).
    pub name: String,
    /// What tells the item apart, if anything is needed.
    pub detail: Option<String>,
}

/// Between name and detail.
const LABEL_SEPARATOR: &str = " · ";

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.detail {
            Some(d) => write!(f, "{}{LABEL_SEPARATOR}{d}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

impl Label {
    /// The label cut to `cols` display columns, cutting the name before the detail so that
    /// what tells items apart stays visible.
    pub fn fit(&self, cols: usize) -> String {
        let full = self.to_string();
        let Some(detail) = &self.detail else {
            return truncate(&full, cols);
        };
        if width(&full) <= cols {
            return full;
        }
        let sep = width(LABEL_SEPARATOR);
        if cols < sep + 4 {
            return truncate(&full, cols);
        }
        let room = cols - sep;
        // The detail may take all but a third of the room; the name gets the rest.
        let name_min = width(&self.name).min(room / 3);
        let detail_cols = width(detail).min(room - name_min);
        let detail = truncate(detail, detail_cols);
        let name = truncate(&self.name, room - width(&detail));
        format!("{name}{LABEL_SEPARATOR}{detail}")
    }
}

/// See [`Catalogue::labels_within`].
pub fn fit_labels(labels: &[Label], cols: usize) -> Vec<String> {
    let mut out: Vec<String> = labels.iter().map(|l| l.fit(cols)).collect();
    let full: Vec<String> = labels.iter().map(ToString::to_string).collect();
    // Labels that read alike once cut, found by hashing (a catalogue may hold 100,000 items);
    // a second round catches a cut that happens to read like another label.
    for _ in 0..2 {
        let mut alike: std::collections::HashMap<&str, Vec<usize>> = Default::default();
        for (i, o) in out.iter().enumerate() {
            alike.entry(o.as_str()).or_default().push(i);
        }
        let mut groups: Vec<Vec<usize>> = alike.into_values().filter(|g| g.len() > 1).collect();
        if groups.is_empty() {
            break;
        }
        groups.sort();
        for group in groups {
            // Characters all of them share at the start.
            let first: Vec<char> = full[group[0]].chars().collect();
            let shared = group.iter().skip(1).fold(first.len(), |n, &j| {
                full[j]
                    .chars()
                    .zip(&first)
                    .take(n)
                    .take_while(|(a, b)| a == *b)
                    .count()
            });
            for &j in &group {
                let start: String = full[j].chars().take(shared).collect();
                let rest: String = full[j].chars().skip(shared).collect();
                out[j] = cut_middle(&start, &rest, cols);
            }
        }
    }
    out
}

/// `start` + `rest` in `cols` columns, keeping as much of `rest` as leaves a third for `start`.
fn cut_middle(start: &str, rest: &str, cols: usize) -> String {
    if rest.is_empty() || width(start) + width(rest) <= cols || cols < 4 {
        return truncate(&format!("{start}{rest}"), cols);
    }
    let rest = truncate(rest, width(rest).min(cols - (cols / 3).min(width(start))));
    let room = cols.saturating_sub(width(&rest));
    if width(start) <= room {
        return format!("{start}{rest}");
    }
    // `truncate` ends what it cuts with `…`, which here stands for the middle left out.
    format!("{}{rest}", truncate(start, room))
}

/// See [`Catalogue::labels`].
pub fn labels(items: &[Item]) -> Vec<Label> {
    let mut out: Vec<Label> = items
        .iter()
        .map(|i| Label {
            name: i.name().to_string(),
            detail: i
                .level3
                .as_deref()
                .map(str::trim)
                .filter(|l3| !l3.is_empty())
                .map(str::to_string),
        })
        .collect();
    // Items that share name and 三级事项, by the index of the first of them (hashed: a
    // catalogue may hold 100,000 items).
    let mut by_label: std::collections::HashMap<(&str, Option<&str>), Vec<usize>> =
        Default::default();
    for (i, l) in out.iter().enumerate() {
        by_label
            .entry((l.name.as_str(), l.detail.as_deref()))
            .or_default()
            .push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_label.into_values().collect();
    groups.sort();
    for group in groups.into_iter().filter(|g| g.len() > 1) {
        let members: Vec<&Item> = group.iter().map(|&i| &items[i]).collect();
        let extra = distinguishing(&members);
        for (&i, e) in group.iter().zip(extra) {
            let label = &mut out[i];
            label.detail = Some(match label.detail.take() {
                Some(l3) => format!("{l3}{LABEL_SEPARATOR}{e}"),
                None => e,
            });
        }
    }
    out
}

/// For items of one name: what tells each apart from the others (see [`Label`]).
fn distinguishing(members: &[&Item]) -> Vec<String> {
    let all_distinct = |v: &[String]| {
        v.iter().all(|x| !x.is_empty())
            && v.iter()
                .enumerate()
                .all(|(i, x)| v.iter().skip(i + 1).all(|y| y != x))
    };
    // 一级事项, unless it is the name itself (items without 二级事项).
    if members.iter().all(|m| m.name() != m.level1.trim()) {
        let level1: Vec<String> = members
            .iter()
            .map(|m| m.level1.trim().to_string())
            .collect();
        if all_distinct(&level1) {
            return level1;
        }
    }
    // The first part of 公开内容 that the others do not have.
    let contents: Vec<String> = members.iter().map(|m| plain_content(&m.content)).collect();
    let own: Vec<Option<String>> = (0..members.len())
        .map(|i| {
            content_segments(&contents[i]).into_iter().find(|seg| {
                contents
                    .iter()
                    .enumerate()
                    .all(|(j, other)| j == i || !other.contains(seg.as_str()))
            })
        })
        .collect();
    if own.iter().all(Option::is_some) {
        let all: Vec<String> = own.iter().flatten().cloned().collect();
        if all_distinct(&all) {
            return all;
        }
    }
    // The publisher, where every item names its own.
    let publishers: Vec<String> = members
        .iter()
        .map(|m| m.publisher.trim().to_string())
        .collect();
    if all_distinct(&publishers) {
        return publishers;
    }
    // Item by item: its own part of 公开内容, else all of it, else the publisher, else the id.
    let mut out: Vec<String> = own
        .into_iter()
        .zip(&contents)
        .map(|(o, c)| o.unwrap_or_else(|| c.clone()))
        .collect();
    let clashes = |out: &[String]| -> Vec<bool> {
        (0..out.len())
            .map(|i| {
                out[i].is_empty() || out.iter().enumerate().any(|(j, o)| j != i && *o == out[i])
            })
            .collect()
    };
    for (i, clash) in clashes(&out).into_iter().enumerate() {
        if clash {
            out[i] = publishers[i].clone();
        }
    }
    for (i, clash) in clashes(&out).into_iter().enumerate() {
        if clash {
            out[i] = members[i].id.clone();
        }
    }
    out
}

/// 公开内容 without ●/〇 marks, their legend ("(●=必选要素, 〇=可选要素)") and list numbers.
fn plain_content(content: &str) -> String {
    let mut text = content.to_string();
    if let Some(at) = text.find("必选要素") {
        let open = text[..at].rfind(['(', '\u{FF08}']);
        let close = text[at..].find([')', '\u{FF09}']).map(|i| {
            let end = at + i;
            end + text[end..].chars().next().map_or(0, char::len_utf8)
        });
        if let (Some(open), Some(close)) = (open, close) {
            text.replace_range(open..close, "");
        }
    }
    text.retain(|c| !matches!(c, '●' | '〇' | '○' | '·' | '•'));
    text.trim().to_string()
}

/// The parts of a 公开内容 text between separators (; , 、 。 and spaces, ASCII or full-width)
/// outside brackets, without list numbers.
fn content_segments(content: &str) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in content.chars() {
        match c {
            '(' | '\u{FF08}' | '《' | '【' => depth += 1,
            ')' | '\u{FF09}' | '》' | '】' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let separator =
            matches!(c, ';' | '\u{FF1B}' | ',' | '\u{FF0C}' | '、' | '。') || c.is_whitespace();
        if separator && depth == 0 {
            segments.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    segments.push(current);
    segments
        .into_iter()
        .map(|seg| {
            seg.trim()
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(['.', '\u{FF0E}', '、'])
                .trim()
                .to_string()
        })
        .filter(|seg| !seg.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, level1: &str, level2: &str, content: &str, publisher: &str) -> Item {
        Item {
            id: id.into(),
            level1: level1.into(),
            level2: level2.into(),
            level3: None,
            content: content.into(),
            elements: Vec::new(),
            basis: Vec::new(),
            time_limit: String::new(),
            publisher: publisher.into(),
            channels: Vec::new(),
            audience: Vec::new(),
            audience_group: None,
            method: Vec::new(),
            tiers: Vec::new(),
            truncated: Vec::new(),
            inferred: Vec::new(),
            extra: BTreeMap::new(),
            sources: Vec::new(),
        }
    }

    fn shown(items: &[Item]) -> Vec<String> {
        labels(items).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_unique_name_is_the_label() {
        let items = [
            item("01", "招生管理", "招生计划", "各校本年度招生计划", ""),
            item("02", "征地法定公告", "—", "征收土地预公告", ""),
        ];
        assert_eq!(shown(&items), ["招生计划", "征地法定公告"]);
    }

    #[test]
    fn level3_is_the_detail() {
        let mut a = item("01", "基础信息", "机构、人事信息", "", "");
        a.level3 = Some("领导信息".into());
        let mut b = a.clone();
        b.id = "02".into();
        b.level3 = Some("人事信息".into());
        assert_eq!(
            shown(&[a, b]),
            ["机构、人事信息 · 领导信息", "机构、人事信息 · 人事信息"]
        );
    }

    #[test]
    fn differing_level1_tells_a_shared_name_apart() {
        let items = [
            item(
                "01",
                "综合业务",
                "政策法规文件",
                "《社会救助暂行办法》",
                "民政部门",
            ),
            item("03", "最低生活保障", "政策法规文件", "低保文件", "民政部门"),
            item(
                "09",
                "特困人员救助供养",
                "政策法规文件",
                "特困文件",
                "民政部门",
            ),
        ];
        assert_eq!(
            shown(&items),
            [
                "政策法规文件 · 综合业务",
                "政策法规文件 · 最低生活保障",
                "政策法规文件 · 特困人员救助供养"
            ]
        );
    }

    #[test]
    fn otherwise_the_first_part_of_the_content_the_other_lacks() {
        let items = [
            item(
                "04",
                "招生管理",
                "招生政策",
                "各校招生工作实施方案;随迁子女入学办法",
                "同一部门",
            ),
            item(
                "07",
                "招生管理",
                "招生政策",
                "●招生范围(学区) ●随迁子女入学办法",
                "同一部门",
            ),
        ];
        assert_eq!(
            shown(&items),
            [
                "招生政策 · 各校招生工作实施方案",
                "招生政策 · 招生范围(学区)"
            ]
        );
    }

    #[test]
    fn content_contained_in_the_other_falls_back_to_the_publisher_then_the_id() {
        let items = [
            item(
                "01",
                "政策文件",
                "法律法规",
                "与救灾有关的法律、法规",
                "镇级人民政府",
            ),
            item(
                "10",
                "政策文件",
                "法律法规",
                "与救灾有关的法律、法规(国家/自治区自然灾害救助应急预案)",
                "应急管理部门",
            ),
        ];
        assert_eq!(
            shown(&items),
            ["法律法规 · 镇级人民政府", "法律法规 · 应急管理部门"]
        );
        let same = [
            item("01", "政策文件", "法律法规", "法律、法规", "应急管理部门"),
            item("02", "政策文件", "法律法规", "法律、法规", "应急管理部门"),
        ];
        assert_eq!(shown(&same), ["法律法规 · 01", "法律法规 · 02"]);
    }

    #[test]
    fn fit_cuts_the_name_before_the_detail() {
        let label = Label {
            name: "国家和地方层面养老服务相关法律、法规、政策文件".into(),
            detail: Some("养老服务通用政策".into()),
        };
        let fitted = label.fit(30);
        assert!(width(&fitted) <= 30, "{fitted}");
        assert!(fitted.ends_with(" · 养老服务通用政策"), "{fitted}");
        assert!(fitted.starts_with("国家和"), "{fitted}");
        // A short label is not changed; a label without detail is cut like any text.
        assert_eq!(label.fit(200), label.to_string());
        let plain = Label {
            name: "招生计划".into(),
            detail: None,
        };
        assert_eq!(plain.fit(5), "招生…");
    }

    #[test]
    fn labels_cut_to_a_width_keep_what_tells_them_apart() {
        let items = [
            item("06", "城市园林绿化管理", "城市园林绿化行政审批", "", ""),
            item("07", "城市园林绿化管理", "城市园林绿化行政处罚", "", ""),
            item(
                "08",
                "市政设施建设类审批",
                "特殊车辆在城市道路上行驶",
                "",
                "",
            ),
        ];
        let plain = labels(&items);
        // Cut at the end, the first two would read alike.
        assert_eq!(plain[0].fit(16), plain[1].fit(16));
        let fitted = fit_labels(&plain, 16);
        assert_eq!(
            fitted,
            ["城市园林绿…审批", "城市园林绿…处罚", "特殊车辆在城市…"]
        );
        assert!(fitted.iter().all(|l| width(l) <= 16));
        // With room enough, nothing is cut.
        assert_eq!(
            fit_labels(&plain, 40),
            [
                "城市园林绿化行政审批",
                "城市园林绿化行政处罚",
                "特殊车辆在城市道路上行驶"
            ]
        );
    }

    #[test]
    fn tiers_say_where_an_item_applies_when_they_are_known() {
        let mut county = item("01", "政策文件", "法律法规", "", "");
        county.tiers = vec![Tier::County];
        let mut both = county.clone();
        both.id = "02".into();
        both.tiers = vec![Tier::County, Tier::Township];
        let mut unknown = county.clone();
        unknown.id = "03".into();
        unknown.tiers.clear();
        let mut guessed = county.clone();
        guessed.id = "04".into();
        guessed.inferred = vec![ItemField::Tiers];

        assert_eq!(county.applies_to(Tier::Township), Some(false));
        assert_eq!(county.applies_to(Tier::County), Some(true));
        assert_eq!(both.applies_to(Tier::Township), Some(true));
        assert_eq!(unknown.applies_to(Tier::Township), None);
        assert_eq!(guessed.applies_to(Tier::Township), None);

        let c = Catalogue {
            format: CHECKLIST_FORMAT.into(),
            format_version: CHECKLIST_FORMAT_VERSION,
            id: "t".into(),
            name: "测试".into(),
            aliases: Vec::new(),
            group: Group::Local,
            order: None,
            version: "1".into(),
            issuer: None,
            guideline_items: None,
            sources: Vec::new(),
            sample: false,
            note: None,
            items: vec![county, both, unknown, guessed],
        };
        let ids: Vec<&str> = c.not_for_township().iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["01"]);
    }
}
