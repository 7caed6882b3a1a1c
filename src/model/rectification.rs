//! Rectification tasks (整改任务): what an inspector asks a township to fix, by whom and by
//! when ([`TaskSpec`], the inspector's document), and the township's response (整改情况,
//! [`TaskResponse`], the township's document). One pair of documents per item with a
//! problem; the two sides never write the same document, so they never conflict.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::assessment::Evidence;

/// Where a task stands, as people read it: derived from the inspector's part
/// ([`TaskSpec::decision`], [`TaskSpec::returned`]) and the township's part
/// ([`TaskResponse`]) by [`task_state`]. Never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskState {
    /// 待整改.
    Pending,
    /// 整改中: the township started.
    InProgress,
    /// 已整改: the township says it is fixed.
    Done,
    /// 退回整改: the inspector sent the fix back; the township answers again.
    Returned,
    /// 已复核: the inspector checked the fix.
    Verified,
    /// 无需整改.
    NotNeeded,
    /// 已撤销: the inspector withdrew the task (with a reason).
    Withdrawn,
}

impl TaskState {
    /// All states in ledger order.
    pub const ALL: [TaskState; 7] = [
        TaskState::Pending,
        TaskState::InProgress,
        TaskState::Done,
        TaskState::Returned,
        TaskState::Verified,
        TaskState::NotNeeded,
        TaskState::Withdrawn,
    ];

    /// True while the township still has to act.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TaskState::Pending | TaskState::InProgress | TaskState::Returned
        )
    }

    /// The Chinese label used in ledgers and drop-downs.
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskState::Pending => "待整改",
            TaskState::InProgress => "整改中",
            TaskState::Done => "已整改",
            TaskState::Returned => "退回整改",
            TaskState::Verified => "已复核",
            TaskState::NotNeeded => "无需整改",
            TaskState::Withdrawn => "已撤销",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            TaskState::Pending => "to fix",
            TaskState::InProgress => "in progress",
            TaskState::Done => "fixed",
            TaskState::Returned => "sent back",
            TaskState::Verified => "verified",
            TaskState::NotNeeded => "no fix needed",
            TaskState::Withdrawn => "withdrawn",
        }
    }
}

/// The inspector's decision on a task.
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
pub enum Decision {
    /// The task stands: the township is to fix it (again, after a 退回).
    #[default]
    Open,
    /// 已复核: the fix was checked.
    Verified,
    /// 无需整改.
    NotNeeded,
    /// 已撤销, with the reason in `review_comment`.
    Withdrawn,
}

/// How far the township got with a task.
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
pub enum Progress {
    /// 整改中.
    #[default]
    InProgress,
    /// 已整改.
    Done,
}

/// The inspector's part of a rectification task (整改任务). Written only by the inspector
/// (in a self-check, by the township for its own list).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
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
    /// The inspector's decision.
    #[serde(default)]
    pub decision: Decision,
    /// How many times the fix was sent back (退回整改); a response answers one round.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub returned: u32,
    /// 复核意见 (or, for a withdrawn task, why it was withdrawn).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub review_comment: String,
    /// 复核人.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    /// 复核日期, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_date: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The township's part of a task (整改情况). Written only by the township.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskResponse {
    /// Catalogue id.
    pub checklist: String,
    /// Item id.
    pub item: String,
    /// Which round of the task this answers ([`TaskSpec::returned`] when it was written).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub round: u32,
    /// 整改中 or 已整改.
    #[serde(default)]
    pub progress: Progress,
    /// 整改情况: what the township did.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub response: String,
    /// 完成日期, `YYYY-MM-DD`, set when the township marks it 已整改.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<String>,
    /// 整改佐证.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// The state of a task from both parts: the inspector's decision first; otherwise the
/// township's response to the current round; otherwise 退回整改 after a send-back, or 待整改.
pub fn task_state(spec: &TaskSpec, response: Option<&TaskResponse>) -> TaskState {
    match spec.decision {
        Decision::Verified => TaskState::Verified,
        Decision::NotNeeded => TaskState::NotNeeded,
        Decision::Withdrawn => TaskState::Withdrawn,
        Decision::Open => match response.filter(|r| r.round == spec.returned) {
            Some(r) if r.progress == Progress::Done => TaskState::Done,
            Some(_) => TaskState::InProgress,
            None if spec.returned > 0 => TaskState::Returned,
            None => TaskState::Pending,
        },
    }
}

impl TaskSpec {
    /// True when the deadline (`YYYY-MM-DD`) is before `today` (`YYYY-MM-DD`) and the task,
    /// in `state`, is still open. Dates in this form compare correctly as text.
    pub fn is_overdue(&self, state: TaskState, today: &str) -> bool {
        state.is_open() && is_date(&self.deadline) && self.deadline.as_str() < today
    }
}

/// True when the township finished the task (已整改, or 已复核 after it) on a 完成日期 after the
/// 整改时限: the ledger keeps the trace that it was late (逾期完成) after the task is closed.
pub fn completed_late(spec: &TaskSpec, response: Option<&TaskResponse>, state: TaskState) -> bool {
    let Some(done) = response.and_then(|r| r.completed.as_deref()) else {
        return false;
    };
    matches!(state, TaskState::Done | TaskState::Verified)
        && is_date(&spec.deadline)
        && is_date(done)
        && done > spec.deadline.as_str()
}

/// A date as people type it, as `YYYY-MM-DD`: 2026-12-15, 2026/12/15, 2026.12.15,
/// 2026年12月15日 (also with one-digit month or day, full-width digits, spaces around the
/// separators), or 12月15日 (in the year of `today`, `YYYY-MM-DD`). `None` when it is not a
/// date of the calendar (the `time` crate decides: 2026-02-30 is not).
pub fn parse_date(text: &str, today: &str) -> Option<String> {
    use time::macros::format_description as fd;
    // Full-width digits and separators (a Chinese input method's) become ASCII; spaces go.
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c),
            '－' | '—' | '–' => '-',
            '／' => '/',
            '．' | '。' => '.',
            c => c,
        })
        .collect();
    let dashed = t.replace(['/', '.'], "-");
    let with_year = |year: &str| format!("{year}年{t}");
    let year = today.get(..4).unwrap_or("");
    let parsed = time::Date::parse(
        &dashed,
        fd!("[year]-[month padding:none]-[day padding:none]"),
    )
    .or_else(|_| {
        time::Date::parse(
            t.trim_end_matches('日'),
            fd!("[year]年[month padding:none]月[day padding:none]"),
        )
    })
    .or_else(|_| {
        if t.contains('年') {
            return Err(());
        }
        time::Date::parse(
            with_year(year).trim_end_matches('日'),
            fd!("[year]年[month padding:none]月[day padding:none]"),
        )
        .map_err(|_| ())
    })
    .ok()?;
    if !(1900..=2999).contains(&parsed.year()) {
        return None;
    }
    parsed.format(fd!("[year]-[month]-[day]")).ok()
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
        let t = TaskSpec {
            deadline: "2026-11-20".into(),
            ..TaskSpec::default()
        };
        assert!(t.is_overdue(TaskState::Pending, "2026-11-27"));
        assert!(!t.is_overdue(TaskState::Pending, "2026-11-20"));
        assert!(!t.is_overdue(TaskState::Done, "2026-11-27"));
        assert!(t.is_overdue(TaskState::Returned, "2026-11-27"));
        let vague = TaskSpec {
            deadline: "下周".into(),
            ..TaskSpec::default()
        };
        assert!(!vague.is_overdue(TaskState::InProgress, "2026-11-27"));
    }

    #[test]
    fn state_comes_from_the_decision_then_the_response_to_the_current_round() {
        let mut spec = TaskSpec::default();
        assert_eq!(task_state(&spec, None), TaskState::Pending);
        let mut resp = TaskResponse::default();
        assert_eq!(task_state(&spec, Some(&resp)), TaskState::InProgress);
        resp.progress = Progress::Done;
        assert_eq!(task_state(&spec, Some(&resp)), TaskState::Done);
        // Sent back: the old response answers the previous round.
        spec.returned = 1;
        assert_eq!(task_state(&spec, Some(&resp)), TaskState::Returned);
        resp.round = 1;
        assert_eq!(task_state(&spec, Some(&resp)), TaskState::Done);
        spec.decision = Decision::Verified;
        assert_eq!(task_state(&spec, Some(&resp)), TaskState::Verified);
        spec.decision = Decision::Withdrawn;
        assert_eq!(task_state(&spec, None), TaskState::Withdrawn);
    }

    #[test]
    fn late_completion_is_kept_after_the_task_is_closed() {
        let spec = TaskSpec {
            deadline: "2026-11-20".into(),
            ..TaskSpec::default()
        };
        let mut resp = TaskResponse {
            progress: Progress::Done,
            completed: Some("2026-11-25".into()),
            ..TaskResponse::default()
        };
        assert!(completed_late(&spec, Some(&resp), TaskState::Done));
        assert!(completed_late(&spec, Some(&resp), TaskState::Verified));
        assert!(!completed_late(&spec, Some(&resp), TaskState::Returned));
        resp.completed = Some("2026-11-20".into());
        assert!(
            !completed_late(&spec, Some(&resp), TaskState::Done),
            "on the day is in time"
        );
        assert!(!completed_late(&spec, None, TaskState::Verified));
    }

    #[test]
    fn dates_are_read_as_people_type_them() {
        let today = "2026-11-27";
        for typed in [
            "2026-12-15",
            "2026/12/15",
            "2026.12.15",
            "2026年12月15日",
            "2026年12月15",
            "12月15日",
            " 2026 - 12 - 15 ",
            "２０２６年１２月１５日",
            "2026／12／15",
        ] {
            assert_eq!(
                parse_date(typed, today).as_deref(),
                Some("2026-12-15"),
                "{typed:?}"
            );
        }
        assert_eq!(parse_date("2026-1-5", today).as_deref(), Some("2026-01-05"));
        assert_eq!(parse_date("1月5日", today).as_deref(), Some("2026-01-05"));
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "下周",
            "",
            "12-15",
            "2026年13月1日",
            "0026-01-01",
        ] {
            assert_eq!(parse_date(bad, today), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2026-02-28"));
        assert!(!is_date("2026-02-30"));
        assert!(!is_date("2026-2-3"));
        assert!(!is_date("2026/02/03"));
    }
}
