//! The catalogue file format (`zwgk-checklist`): one standard catalogue (标准目录) per domain.
//!
//! These types are the file format. They are documented for humans in
//! `checklists/README.md` and for machines by the JSON Schema generated from them
//! (`zwgk schema checklist`, committed as `schema/checklist.v1.json`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
    /// order in which the 26 pilot domains are listed (1 重大建设项目 … 26 社会保险).
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
}
