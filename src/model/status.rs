//! The vocabulary of a check: item status, finding types, rectification states.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a check established for one item. Stored as stable ASCII, shown in Chinese.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 未检查.
    #[default]
    Unchecked,
    /// 已落实: disclosed as the catalogue requires.
    Compliant,
    /// 部分落实: disclosed, but incomplete, late or on the wrong channel.
    Partial,
    /// 未落实: not disclosed.
    Missing,
    /// 不适用: the item does not apply to this unit.
    NotApplicable,
}

impl Status {
    /// All statuses in display order.
    pub const ALL: [Status; 5] = [
        Status::Unchecked,
        Status::Compliant,
        Status::Partial,
        Status::Missing,
        Status::NotApplicable,
    ];

    /// True for statuses that mean a problem was found.
    pub fn is_problem(self) -> bool {
        matches!(self, Status::Partial | Status::Missing)
    }

    /// True once the item has been looked at.
    pub fn is_checked(self) -> bool {
        self != Status::Unchecked
    }
}

/// The finding types of DESIGN §2 (问题类型). Stored as these Chinese labels so that
/// locally added types fit the same list.
pub const FINDING_TYPES: &[&str] = &[
    "未公开",
    "内容不全",
    "更新不及时/超时限",
    "渠道不符",
    "链接失效",
    "栏目空白",
    "表述不规范",
    "未作情况说明",
    "其他",
];

/// Counts of items per status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub unchecked: usize,
    pub compliant: usize,
    pub partial: usize,
    pub missing: usize,
    pub not_applicable: usize,
}

impl Tally {
    /// Adds one item.
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Unchecked => self.unchecked += 1,
            Status::Compliant => self.compliant += 1,
            Status::Partial => self.partial += 1,
            Status::Missing => self.missing += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    /// Count for one status.
    pub fn get(&self, s: Status) -> usize {
        match s {
            Status::Unchecked => self.unchecked,
            Status::Compliant => self.compliant,
            Status::Partial => self.partial,
            Status::Missing => self.missing,
            Status::NotApplicable => self.not_applicable,
        }
    }

    /// All items.
    pub fn total(&self) -> usize {
        self.unchecked + self.compliant + self.partial + self.missing + self.not_applicable
    }

    /// Items that have a status other than 未检查.
    pub fn checked(&self) -> usize {
        self.total() - self.unchecked
    }

    /// 检查进度: checked items / items, in whole percent rounded down; `None` without items.
    pub fn checked_pct(&self) -> Option<usize> {
        (self.checked() * 100).checked_div(self.total())
    }

    /// 落实率: 已落实 / (checked − 不适用), in whole percent rounded down; `None` when no
    /// checked item applies.
    pub fn compliance_pct(&self) -> Option<usize> {
        (self.compliant * 100).checked_div(self.checked() - self.not_applicable)
    }

    /// Adds another tally.
    pub fn merge(&mut self, o: &Tally) {
        self.unchecked += o.unchecked;
        self.compliant += o.compliant;
        self.partial += o.partial;
        self.missing += o.missing;
        self.not_applicable += o.not_applicable;
    }
}
