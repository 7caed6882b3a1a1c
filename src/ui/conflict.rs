//! The conflict screen: every version of one document side by side — who made it, when, and
//! which fields differ — for a person to keep one or combine them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::assessment::Evidence;
use crate::model::doc::{Body, DocKey, DocKind};
use crate::model::rectification::{Decision, Progress};
use crate::model::revision::Revision;
use crate::state::{App, ConflictView};
use crate::text::{pad, sanitize, truncate, width, wrap};
use crate::ui::strings::{Strings, strings};
use crate::ui::theme;
use crate::ui::widgets::{block, clear_popup};

/// The labelled fields of a body, as people read them.
pub fn fields(s: &Strings, body: &Body) -> Vec<(&'static str, String)> {
    let ev = |e: &[Evidence]| {
        e.iter()
            .map(crate::report::evidence_text)
            .collect::<Vec<_>>()
            .join("\n")
    };
    match body {
        Body::Result(r) => vec![
            (s.result_label, s.status(r.status).to_string()),
            (s.findings_label, r.findings.join("、")),
            (s.note_label, r.note.clone()),
            (s.evidence_label, ev(&r.evidence)),
            (s.channels_seen_label, r.channels_seen.join("、")),
        ],
        Body::Task(t) => vec![
            (s.task_description, t.description.clone()),
            (s.task_requirement, t.requirement.clone()),
            (s.task_unit, t.responsible_unit.clone()),
            (s.task_person, t.responsible_person.clone()),
            (s.task_deadline, t.deadline.clone()),
            (
                s.field_decision,
                match t.decision {
                    Decision::Open => s.task_state(crate::model::rectification::TaskState::Pending),
                    Decision::Verified => {
                        s.task_state(crate::model::rectification::TaskState::Verified)
                    }
                    Decision::NotNeeded => {
                        s.task_state(crate::model::rectification::TaskState::NotNeeded)
                    }
                    Decision::Withdrawn => {
                        s.task_state(crate::model::rectification::TaskState::Withdrawn)
                    }
                }
                .to_string(),
            ),
            (s.field_review_comment, t.review_comment.clone()),
        ],
        Body::Response(r) => vec![
            (s.task_response, r.response.clone()),
            (s.task_completed, r.completed.clone().unwrap_or_default()),
            (
                s.field_progress,
                match r.progress {
                    Progress::InProgress => {
                        s.task_state(crate::model::rectification::TaskState::InProgress)
                    }
                    Progress::Done => s.task_state(crate::model::rectification::TaskState::Done),
                }
                .to_string(),
            ),
            (s.evidence_label, ev(&r.evidence)),
        ],
        Body::Domain(d) => vec![
            (
                s.field_involved,
                if d.involved {
                    s.yes
                } else {
                    s.choice_not_involved
                }
                .to_string(),
            ),
            (s.reason_title, d.reason.clone().unwrap_or_default()),
            (s.field_version, d.version.clone()),
            (s.field_summary, d.summary.clone()),
        ],
        Body::Header(h) => vec![
            (s.col_unit, h.unit.name.clone()),
            (
                s.field_division_code,
                h.unit.division_code.clone().unwrap_or_default(),
            ),
            (s.field_county, h.unit.county.clone()),
            (s.col_round, h.round.clone()),
            (s.field_assessor, h.assessor.clone()),
        ],
        Body::Basis(b) => vec![(s.kind_self_check, b.self_check.clone())],
    }
}

/// What the document is about, e.g. 义务教育 · 招生计划 · 整改任务.
fn subject(app: &App, s: &Strings, key: &DocKey) -> String {
    let name = |c: &str| {
        app.library
            .get(c)
            .map_or_else(|| c.to_string(), |e| e.catalogue.name.clone())
    };
    let item = |c: &str, i: &str| {
        app.library
            .get(c)
            .and_then(|e| e.catalogue.item(i))
            .map_or_else(|| i.to_string(), |it| it.title())
    };
    let text = match (key.kind, key.item_ids()) {
        (DocKind::Domain, _) => name(&key.key),
        (DocKind::Result, Some((c, i))) => format!("{} · {}", name(c), item(c, i)),
        (DocKind::Task, Some((c, i))) => {
            format!("{} · {} · {}", name(c), item(c, i), s.task_label)
        }
        (DocKind::Response, Some((c, i))) => {
            format!("{} · {} · {}", name(c), item(c, i), s.task_response)
        }
        _ => s.summary_title.to_string(),
    };
    sanitize(&text, false)
}

pub fn view(app: &App, v: &ConflictView, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let Some(session) = &app.open else { return };
    let Some(doc) = session.assessment.docs.get(&v.key) else {
        return;
    };
    let versions = doc.versions();
    if versions.is_empty() {
        return;
    }
    let popup = area;
    clear_popup(frame, popup);
    let title = format!(
        "{} · {} · {} {}",
        s.conflict_title,
        subject(app, s, &v.key),
        versions.len(),
        s.conflict_version
    );
    let b = block(&title);
    let inner = b.inner(popup);
    frame.render_widget(b, popup);
    let cols = usize::from(inner.width);
    let mut lines: Vec<Line<'static>> = wrap(s.conflict_help, cols.max(10))
        .into_iter()
        .map(|l| Line::from(Span::styled(l, theme::dim())))
        .collect();
    let all: Vec<Vec<(&str, String)>> = versions.iter().map(|r| fields(s, &r.body)).collect();
    let differs = |row: usize| {
        let first = all[0].get(row).map(|(_, v)| v);
        all.iter().any(|f| f.get(row).map(|(_, v)| v) != first)
    };
    // Side by side when every version gets 28 columns or more; else the chosen one alone.
    // Room for the label and the `*` that marks a field whose versions differ.
    let label_w = all[0]
        .iter()
        .map(|(l, _)| width(l) + 1)
        .max()
        .unwrap_or(6)
        .min(11);
    let n = versions.len();
    let side_by_side = cols >= label_w + 1 + n * 29;
    let shown: Vec<usize> = if side_by_side {
        (0..n).collect()
    } else {
        vec![v.cursor.min(n - 1)]
    };
    let col_w = (cols.saturating_sub(label_w + 1) / shown.len()).max(8) - 1;
    // Header: one per shown version.
    let mut head = vec![Span::raw(" ".repeat(label_w + 1))];
    for &i in &shown {
        let mark = if i == 0 {
            format!(" ({})", s.conflict_current)
        } else {
            String::new()
        };
        let text = format!("{} {}/{n}{mark}", s.conflict_version, i + 1);
        let style = if i == v.cursor {
            theme::selected()
        } else {
            theme::title()
        };
        head.push(Span::styled(pad(&truncate(&text, col_w), col_w), style));
        head.push(Span::raw(" "));
    }
    lines.push(Line::from(head));
    let mut who = vec![Span::raw(" ".repeat(label_w + 1))];
    for &i in &shown {
        who.push(Span::styled(
            pad(&truncate(&by(versions[i]), col_w), col_w),
            theme::dim(),
        ));
        who.push(Span::raw(" "));
    }
    lines.push(Line::from(who));
    for (row, (label, _)) in all[0].iter().enumerate() {
        let style = if differs(row) {
            theme::warn()
        } else {
            ratatui::style::Style::default()
        };
        let cells: Vec<Vec<String>> = shown
            .iter()
            .map(|&i| {
                let value = all[i].get(row).map_or("", |(_, v)| v.as_str());
                let text = sanitize(value, true);
                let mut w = wrap(&text, col_w.max(4));
                if w.is_empty() {
                    w.push("-".into());
                }
                w
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let l = if k == 0 {
                let mark = if differs(row) {
                    format!("{label}*")
                } else {
                    label.to_string()
                };
                pad(&truncate(&mark, label_w), label_w)
            } else {
                " ".repeat(label_w)
            };
            let mut spans = vec![Span::styled(l, theme::label()), Span::raw(" ")];
            for c in &cells {
                let part = c.get(k).map_or("", String::as_str);
                spans.push(Span::styled(pad(part, col_w), style));
                spans.push(Span::raw(" "));
            }
            lines.push(Line::from(spans));
        }
    }
    if !side_by_side {
        lines.push(Line::from(Span::styled(
            format!("←→ {} {}/{n}", s.conflict_version, v.cursor + 1),
            theme::key(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Who made a version and when: `张三 · 2026-11-27 14:40 · 00000dev1` (the end of the device
/// id, its random part).
fn by<B>(r: &Revision<B>) -> String {
    let chars: Vec<char> = r.author.device.chars().collect();
    let device: String = chars[chars.len().saturating_sub(8)..].iter().collect();
    format!(
        "{} · {} · {device}",
        sanitize(&r.author.name, false),
        crate::clock::local_time(r.hlc.millis)
    )
}
