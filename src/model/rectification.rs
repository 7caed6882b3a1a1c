//! Rectification tasks (整改任务): what an inspector asks a township to fix, by whom and by
//! when, and the township's response (整改情况). One task document per item with a problem.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::assessment::Evidence;

/// Where a task stands. Stored as stable ASCII, shown in Chinese.
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
pub enum TaskState {
    /// 待整改.
    #[default]
    Pending,
    /// 整改中.
    InProgress,
    /// 已整改: the township says it is fixed.
    Done,
    /// 已复核: the inspector checked the fix.
    Verified,
    /// 无需整改.
    NotNeeded,
}

impl TaskState {
    /// All states in ledger order.
    pub const ALL: [TaskState; 5] = [
        TaskState::Pending,
        TaskState::InProgress,
        TaskState::Done,
        TaskState::Verified,
        TaskState::NotNeeded,
    ];

    /// True while the township still has to act.
    pub fn is_open(self) -> bool {
        matches!(self, TaskState::Pending | TaskState::InProgress)
    }

    /// The Chinese label used in ledgers and drop-downs.
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskState::Pending => "待整改",
            TaskState::InProgress => "整改中",
            TaskState::Done => "已整改",
            TaskState::Verified => "已复核",
            TaskState::NotNeeded => "无需整改",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            TaskState::Pending => "to fix",
            TaskState::InProgress => "in progress",
            TaskState::Done => "fixed",
            TaskState::Verified => "verified",
            TaskState::NotNeeded => "no fix needed",
        }
    }
}

/// The body of a rectification-task document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// Catalogue id of the item with the problem.
    pub checklist: String,
    /// Item id.
    pub item: String,
    /// 问题类型.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    /// 问题描述.
    #[serde(default)]
    pub description: String,
    /// 整改要求.
    #[serde(default)]
    pub requirement: String,
    /// 责任单位.
    #[serde(default)]
    pub responsible_unit: String,
    /// 责任人.
    #[serde(default)]
    pub responsible_person: String,
    /// 整改时限, `YYYY-MM-DD`.
    #[serde(default)]
    pub deadline: String,
    pub state: TaskState,
    /// 整改情况: what the township did.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub response: String,
    /// Evidence of the fix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_evidence: Vec<Evidence>,
    /// 完成日期, `YYYY-MM-DD`, set when the township marks it 已整改.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<String>,
}

impl Task {
    /// True when the deadline (`YYYY-MM-DD`) is before `today` (`YYYY-MM-DD`) and the task is
    /// still open. Dates in this form compare correctly as text.
    pub fn is_overdue(&self, today: &str) -> bool {
        self.state.is_open() && is_date(&self.deadline) && self.deadline.as_str() < today
    }
}

/// True for a well-formed `YYYY-MM-DD` date.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_needs_an_open_task_past_its_deadline() {
        let mut t = Task {
            deadline: "2026-11-20".into(),
            ..Task::default()
        };
        assert!(t.is_overdue("2026-11-27"));
        assert!(!t.is_overdue("2026-11-20"));
        t.state = TaskState::Done;
        assert!(!t.is_overdue("2026-11-27"));
        t.state = TaskState::InProgress;
        t.deadline = "下周".into();
        assert!(!t.is_overdue("2026-11-27"));
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2026-02-28"));
        assert!(!is_date("2026-02-30"));
        assert!(!is_date("2026-2-3"));
        assert!(!is_date("2026/02/03"));
    }
}
