//! The rectification ledger screen (整改台账) and the task form.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::assessment::{Assessment, TaskView};
use crate::model::doc::{DocKey, DocKind};
use crate::state::{App, TASK_EVIDENCE, TASK_STATE, TaskForm, TasksView};
use crate::text::{pad, sanitize, truncate, width};
use crate::ui::strings::{Strings, strings};
use crate::ui::theme;
use crate::ui::widgets::{Window, block, centered, clear_popup, line_input, move_keys};

/// A task's state as shown: the state, and 逾期 when it is past its deadline, or 逾期完成
/// when it was finished after it (the ledger keeps that trace after the task is closed).
pub fn state_text(s: &Strings, t: &TaskView<'_>, today: &str) -> String {
    if t.is_overdue(today) {
        format!("{}({})", s.task_state(t.state), s.overdue)
    } else if t.completed_late() {
        format!("{}({})", s.task_state(t.state), s.completed_late)
    } else {
        s.task_state(t.state).to_string()
    }
}

/// True when an item's task or the township's response to it waits for a decision.
pub fn task_conflict(a: &Assessment, checklist: &str, item: &str) -> bool {
    [DocKind::Task, DocKind::Response]
        .into_iter()
        .any(|k| a.has_conflict(&DocKey::item(k, checklist, item)))
}

pub fn view(app: &App, v: &TasksView, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let Some(session) = &app.open else { return };
    let a = &session.assessment;
    let tasks = app.tasks();
    let overdue = tasks.iter().filter(|t| t.is_overdue(&app.today)).count();
    let title = format!(
        "{} · {} · {} {overdue}",
        s.tasks_title,
        tasks.len(),
        s.overdue
    );
    let outer = block(&title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    if tasks.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(s.no_tasks, theme::dim())),
            inner,
        );
        return;
    }
    let cols = usize::from(inner.width);
    // 已复核(逾期完成), with room for the conflict mark.
    let state_w = 18;
    let date_w = 10;
    let domain_w = 10;
    let item_w = (cols.saturating_sub(state_w + date_w + domain_w + 8) / 2).max(6);
    let header = format!(
        "{}  {}  {}  {}  {}",
        pad(s.task_state, state_w),
        pad(s.task_deadline, date_w),
        pad(s.col_domain, domain_w),
        pad(s.field_level2, item_w),
        s.task_description
    );
    let mut lines = vec![Line::from(Span::styled(
        truncate(&header, cols),
        theme::label(),
    ))];
    let height = usize::from(inner.height).saturating_sub(1);
    let win = Window::around(tasks.len(), height, v.cursor);
    let keys = move_keys(crate::keymap::Mode::Tasks);
    lines.extend(win.above_line(s.rows_above, &keys));
    for (i, t) in tasks.iter().enumerate().skip(win.first).take(win.shown()) {
        let domain = app.library.get(&t.spec.checklist).map_or_else(
            || t.spec.checklist.clone(),
            |e| sanitize(&e.catalogue.name, false),
        );
        let item = app
            .library
            .get(&t.spec.checklist)
            .and_then(|e| e.catalogue.item(&t.spec.item))
            .map_or_else(|| t.spec.item.clone(), |i| sanitize(&i.title(), false));
        let mut state = state_text(s, t, &app.today);
        if task_conflict(a, &t.spec.checklist, &t.spec.item) {
            state = format!("{} {state}", s.conflict_mark);
        }
        let rest_w = cols.saturating_sub(state_w + date_w + domain_w + item_w + 8);
        let text = format!(
            "{}  {}  {}  {}  {}",
            pad(&truncate(&state, state_w), state_w),
            pad(
                &truncate(&sanitize(&t.spec.deadline, false), date_w),
                date_w
            ),
            pad(&truncate(&domain, domain_w), domain_w),
            pad(&truncate(&item, item_w), item_w),
            truncate(&sanitize(&t.spec.description, false), rest_w)
        );
        let style = if i == v.cursor {
            theme::selected()
        } else if t.is_overdue(&app.today) {
            theme::warn()
        } else {
            ratatui::style::Style::default()
        };
        lines.push(Line::from(Span::styled(
            pad(&truncate(&text, cols), cols),
            style,
        )));
    }
    lines.extend(win.below_line(s.rows_below, &keys));
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn form_view(app: &App, f: &TaskForm, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    // Rows in field order (TASK_DESCRIPTION … TASK_STATE); 整改佐证 has its list under it.
    let labels = [
        s.task_description,
        s.task_requirement,
        s.task_unit,
        s.task_person,
        s.task_deadline,
        s.task_response,
        s.task_completed,
        s.task_evidence,
        s.field_review_comment,
        s.task_state,
    ];
    let label_w = labels.iter().map(|l| width(l)).max().unwrap_or(8) + 1;
    let rows = labels.len() + 1;
    let h = u16::try_from(rows + 4).unwrap_or(u16::MAX);
    let popup = centered(area, area.width.saturating_sub(4).min(90), h);
    clear_popup(frame, popup);
    let item = app
        .library
        .get(&f.checklist)
        .and_then(|e| e.catalogue.item(&f.item))
        .map_or_else(|| f.item.clone(), |i| sanitize(&i.title(), false));
    let b = block(&format!("{} · {}", s.task_form_title, item));
    let inner = b.inner(popup);
    frame.render_widget(b, popup);
    let mut cursor: Option<Position> = None;
    let text_w = usize::from(inner.width).saturating_sub(label_w + 1);
    let mut y = inner.y;
    for (i, label) in labels.iter().enumerate() {
        if y >= inner.bottom() {
            break;
        }
        let row = Rect {
            x: inner.x,
            y,
            width: inner.width,
            height: 1,
        };
        y += 1;
        let focused = f.focus == i;
        if i == TASK_STATE {
            let style = if focused {
                theme::selected()
            } else {
                theme::status(crate::model::status::Status::Partial)
            };
            let line = Line::from(vec![
                Span::styled(
                    pad(label, label_w),
                    if focused {
                        theme::key()
                    } else {
                        theme::label()
                    },
                ),
                Span::raw(" "),
                Span::styled(format!(" {} ", s.task_state(f.state)), style),
            ]);
            frame.render_widget(Paragraph::new(line), row);
            continue;
        }
        let Some(input) = f.fields.get(i) else {
            continue;
        };
        let locked = crate::state::task_field_doc(i).is_some_and(|k| !app.may(k));
        if i == TASK_EVIDENCE && locked {
            // The other side sees the list only.
            let line = Line::from(vec![
                Span::styled(pad(label, label_w), theme::dim()),
                Span::raw(" "),
                Span::styled(truncate(&evidence_list(s, f), text_w), theme::dim()),
            ]);
            frame.render_widget(Paragraph::new(line), row);
            continue;
        }
        if locked {
            let line = Line::from(vec![
                Span::styled(pad(label, label_w), theme::dim()),
                Span::raw(" "),
                Span::styled(
                    truncate(&sanitize(input.text(), false), text_w),
                    theme::dim(),
                ),
            ]);
            frame.render_widget(Paragraph::new(line), row);
        } else if let Some(p) = line_input(frame, row, label, label_w, input, focused) {
            cursor = Some(p);
        }
        if i == TASK_EVIDENCE && y < inner.bottom() {
            // What is there already, and how to add.
            let list = evidence_list(s, f);
            let hint = if focused {
                format!("{list} · {}", s.task_evidence_hint)
            } else {
                list
            };
            let line = Line::from(vec![
                Span::raw(" ".repeat(label_w + 1)),
                Span::styled(truncate(&hint, text_w), theme::dim()),
            ]);
            frame.render_widget(
                Paragraph::new(line),
                Rect {
                    x: inner.x,
                    y,
                    width: inner.width,
                    height: 1,
                },
            );
            y += 1;
        }
    }
    let msg_y = y + 1;
    if let Some(e) = &f.error
        && msg_y < inner.bottom()
    {
        frame.render_widget(
            Paragraph::new(Span::styled(e.as_str(), theme::warn())),
            Rect {
                x: inner.x,
                y: msg_y,
                width: inner.width,
                height: 1,
            },
        );
    }
    if let Some(p) = cursor {
        frame.set_cursor_position(p);
    }
}

/// The form's evidence by name, or that there is none.
fn evidence_list(s: &Strings, f: &TaskForm) -> String {
    if f.evidence.is_empty() {
        return s.task_evidence_none.to_string();
    }
    sanitize(
        &f.evidence
            .iter()
            .map(crate::report::evidence_name)
            .collect::<Vec<_>>()
            .join("、"),
        false,
    )
}
