//! The walk: the item list beside the full catalogue row and this check's result.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::assessment::Evidence;
use crate::model::catalogue::Item;
use crate::model::doc::{DocKey, DocKind};
use crate::model::status::Status;
use crate::state::{App, Filter, Overlay, Picker, Walk};
use crate::text::{pad, sanitize, truncate, width, wrap};
use crate::ui::row::item_fields;
use crate::ui::strings::{Strings, strings};
use crate::ui::theme;
use crate::ui::widgets::{
    Window, bar, block, centered, clear_popup, move_keys, one_line_popup, status_span, text_area,
    windowed,
};
use crate::update::editor_width;

pub fn view(app: &App, w: &Walk, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let (Some(session), Some(entry)) = (&app.open, app.library.get(&w.checklist)) else {
        return;
    };
    let t = app.tally(&w.checklist);
    let visible = app.visible(w);
    let reviewed = app.reviewed();
    let filter = match w.filter {
        Filter::All => s.filter_all,
        Filter::Unchecked => s.filter_unchecked,
        Filter::Problems => s.filter_problems,
    };
    let mut title = format!(
        "{} · {} {}/{} · {} {}",
        sanitize(&entry.catalogue.name, false),
        s.col_progress,
        t.checked(),
        t.total(),
        s.filter_label,
        filter
    );
    if !w.search.is_empty() {
        title.push_str(&format!(
            " · {} \"{}\"",
            s.search_label,
            sanitize(&w.search, false)
        ));
    }
    if entry.catalogue.sample {
        title.push_str(&format!(" · {}", s.sample_short));
    }
    let outer = block(&title);
    frame.render_widget(outer, area);
    let WalkAreas {
        bar: bar_row,
        list,
        detail,
    } = areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(bar(&t, usize::from(bar_row.width)))),
        bar_row,
    );

    // Item list.
    let cols = usize::from(list.width).saturating_sub(1);
    let height = usize::from(list.height);
    let win = Window::around(visible.len(), height, w.cursor);
    let keys = move_keys(crate::keymap::Mode::Walk);
    let mut lines = Vec::new();
    lines.extend(win.above_line(s.rows_above, &keys));
    for (pos, idx) in visible.iter().enumerate().skip(win.first).take(win.shown()) {
        let Some(item) = entry.catalogue.items.get(*idx) else {
            continue;
        };
        let status = session.assessment.status(&w.checklist, &item.id);
        let sel = pos == w.cursor;
        let id = pad(&sanitize(&item.id, false), 3);
        let name_w = cols.saturating_sub(width(&id) + s.status_width() + 2);
        let row_style = if sel {
            theme::selected()
        } else {
            ratatui::style::Style::default()
        };
        let recheck = session
            .assessment
            .result(&w.checklist, &item.id)
            .is_some_and(|r| r.recheck.is_some());
        let mut st = if recheck && status == Status::Unchecked {
            // Changed by a catalogue upgrade: the old answer waits for a re-check.
            Span::styled(pad(s.recheck_word, s.status_width()), theme::warn())
        } else {
            status_span(s, status)
        };
        if sel {
            st = st.style(theme::selected().patch(theme::status(status)));
        }
        // In an inspection, a verdict that differs from the township's is underlined.
        let differs = reviewed
            .and_then(|a| a.result(&w.checklist, &item.id))
            .is_some_and(|r| status.is_checked() && r.status != status);
        if differs {
            let style = st.style.add_modifier(
                ratatui::style::Modifier::UNDERLINED | ratatui::style::Modifier::BOLD,
            );
            st = st.style(style);
        }
        let mut row = vec![Span::styled(format!("{id} "), row_style), st];
        let marks = item_marks(app, s, &w.checklist, &item.id);
        let marks_w: usize = marks.iter().map(|m| width(&m.content)).sum();
        row.extend(marks);
        let name_w = name_w.saturating_sub(marks_w);
        let name = pad(&truncate(&sanitize(&item.title(), false), name_w), name_w);
        row.push(Span::styled(format!(" {name}"), row_style));
        lines.push(Line::from(row));
    }
    lines.extend(win.below_line(s.rows_below, &keys));
    if visible.is_empty() {
        lines.push(Line::from(Span::styled(s.nothing_matches, theme::dim())));
    }
    frame.render_widget(Paragraph::new(lines), list);

    // Detail: the catalogue row, then this check's result; it scrolls (J/K) and says what
    // it hides.
    if let Some(item) = app.current_item(w) {
        let lines = detail_lines(app, w, item, usize::from(detail.width));
        let window = Window::at(
            lines.len(),
            usize::from(detail.height),
            detail_offset(w, item),
        );
        let keys = crate::keymap::key_pair(
            crate::keymap::Mode::Walk,
            &crate::action::Action::ScrollDown,
            &crate::action::Action::ScrollUp,
        );
        frame.render_widget(
            Paragraph::new(windowed(
                lines,
                window,
                (s.lines_above, s.lines_below),
                &keys,
                usize::from(detail.width),
            )),
            detail,
        );
    }

    // Popups.
    match &w.overlay {
        Some(Overlay::Note(input)) => {
            let popup_w = u16::try_from(editor_width(app.width) + 2).unwrap_or(u16::MAX);
            let popup = centered(area, popup_w, (area.height * 2 / 3).max(6));
            text_area(frame, popup, s.note_title, input);
        }
        Some(Overlay::Evidence(input)) => one_line_popup(frame, area, s.evidence_title, input),
        Some(Overlay::Search(input)) => one_line_popup(frame, area, s.search_title, input),
        Some(Overlay::Findings(p)) => picker(frame, area, s, s.findings_title, p),
        Some(Overlay::Channels(p)) => picker(frame, area, s, s.channels_title, p),
        None => {}
    }
}

fn picker(frame: &mut Frame, area: Rect, s: &Strings, title: &str, p: &Picker) {
    let h = u16::try_from(p.entries.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let wmax = (p.entries.iter().map(|e| width(e)).max().unwrap_or(10) + 8).max(width(title) + 6);
    let popup = centered(area, u16::try_from(wmax).unwrap_or(u16::MAX).max(24), h);
    clear_popup(frame, popup);
    let b = block(title);
    let inner = b.inner(popup);
    frame.render_widget(b, popup);
    let height = usize::from(inner.height);
    let win = Window::around(p.entries.len(), height, p.cursor);
    let keys = move_keys(crate::keymap::Mode::Picker);
    let mut lines: Vec<Line> = win.above_line(s.rows_above, &keys).into_iter().collect();
    let rows: Vec<Line> = p
        .entries
        .iter()
        .zip(&p.checked)
        .enumerate()
        .skip(win.first)
        .take(win.shown())
        .map(|(i, (e, c))| {
            // [x] / [ ] are plain ASCII, so their width is never ambiguous.
            let text = format!("{} {}", if *c { "[x]" } else { "[ ]" }, sanitize(e, false));
            let style = if i == p.cursor {
                theme::selected()
            } else if *c {
                theme::ok()
            } else {
                ratatui::style::Style::default()
            };
            Line::from(Span::styled(pad(&text, usize::from(inner.width)), style))
        })
        .collect();
    lines.extend(rows);
    lines.extend(win.below_line(s.rows_below, &keys));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The parts of the walk: the progress bar, the item list and the detail pane.
#[derive(Debug, Clone, Copy)]
pub struct WalkAreas {
    pub bar: Rect,
    pub list: Rect,
    pub detail: Rect,
}

/// Where the walk draws its parts in `area` (the screen without footer and status line).
pub fn areas(area: Rect) -> WalkAreas {
    let inner = block("").inner(area);
    let [bar, main] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let list_w = (inner.width * 2 / 5).clamp(24, 60);
    let [list, detail] =
        Layout::horizontal([Constraint::Length(list_w), Constraint::Min(10)]).areas(main);
    // One blank column between list and detail.
    let detail = Rect {
        x: detail.x + 1,
        width: detail.width.saturating_sub(1),
        ..detail
    };
    WalkAreas { bar, list, detail }
}

/// The first detail line shown for `item`: the scroll position, when it is this item's.
fn detail_offset(w: &Walk, item: &Item) -> usize {
    if w.detail.item == item.id {
        w.detail.offset
    } else {
        0
    }
}

/// The detail pane of the item under the cursor as lines of `cols` columns: the catalogue row,
/// then this check's result (status, findings, channels, note, evidence, the township's answer
/// and the task in an inspection).
pub fn detail_lines(app: &App, w: &Walk, item: &Item, cols: usize) -> Vec<Line<'static>> {
    let s = strings(app.lang);
    let fingerprint = app.library.get(&w.checklist).and_then(|e| {
        let pos = e.catalogue.items.iter().position(|i| i.id == item.id)?;
        e.fingerprints.get(pos)
    });
    let mut lines = row_lines(s, item, cols);
    lines.extend(result_lines(app, s, &w.checklist, item, fingerprint, cols));
    lines
}

/// How many lines the detail pane of the walk's current item has and how many rows it shows,
/// on the terminal size the app knows (for scrolling it in `update`).
pub fn detail_extent(app: &App, w: &Walk) -> (usize, usize) {
    let body = Rect::new(0, 0, app.width, app.height.saturating_sub(2));
    let detail = areas(body).detail;
    let len = app.current_item(w).map_or(0, |item| {
        detail_lines(app, w, item, usize::from(detail.width)).len()
    });
    (len, usize::from(detail.height))
}

/// The catalogue row as labelled, wrapped lines.
fn row_lines(s: &Strings, item: &Item, cols: usize) -> Vec<Line<'static>> {
    let fields = item_fields(item, s);
    let label_w = fields
        .iter()
        .map(|(l, _)| width(l))
        .max()
        .unwrap_or(8)
        .min(12);
    let text_w = cols.saturating_sub(label_w + 1).max(4);
    let mut lines = Vec::new();
    for (label, text) in fields {
        for (i, part) in wrap(&text, text_w).into_iter().enumerate() {
            let label = if i == 0 {
                pad(&truncate(&label, label_w), label_w)
            } else {
                " ".repeat(label_w)
            };
            lines.push(Line::from(vec![
                Span::styled(label, theme::label()),
                Span::raw(" "),
                Span::raw(part),
            ]));
        }
    }
    lines
}

/// This check's result for the item.
fn result_lines(
    app: &App,
    s: &Strings,
    checklist: &str,
    item: &Item,
    fingerprint: Option<&crate::model::catalogue::Fingerprint>,
    cols: usize,
) -> Vec<Line<'static>> {
    let Some(session) = &app.open else {
        return Vec::new();
    };
    let result = session.assessment.result(checklist, &item.id);
    let status = result.map_or(Status::Unchecked, |r| r.status);
    let mut lines = vec![Line::from(Span::styled(
        "─".repeat(cols.min(200)),
        theme::dim(),
    ))];
    let mut head = vec![
        Span::styled(format!("{} ", s.result_label), theme::label()),
        status_span(s, status),
    ];
    if let (Some(r), Some(fp)) = (result, fingerprint)
        && r.status.is_checked()
        && &r.fingerprint != fp
    {
        head.push(Span::styled(
            format!("  {}", s.needs_recheck),
            theme::warn(),
        ));
    }
    if let Some(doc) = session.assessment.result_doc(checklist, &item.id) {
        if doc.has_conflicts() {
            head.push(Span::styled(format!("  {}", s.conflict), theme::warn()));
        }
        if let Some(win) = doc.winner() {
            head.push(Span::styled(
                format!(
                    "  {} {}",
                    sanitize(&win.author.name, false),
                    crate::clock::local_time(win.hlc.millis)
                ),
                theme::dim(),
            ));
        }
    }
    lines.push(Line::from(head));
    let text_w = cols.saturating_sub(10).max(4);
    let push_fields = |lines: &mut Vec<Line<'static>>, fields: Vec<(&str, String)>| {
        for (label, text) in fields {
            for (i, part) in wrap(&sanitize(&text, true), text_w).into_iter().enumerate() {
                let l = if i == 0 { pad(label, 9) } else { " ".repeat(9) };
                lines.push(Line::from(vec![
                    Span::styled(l, theme::label()),
                    Span::raw(" "),
                    Span::raw(part),
                ]));
            }
        }
    };
    if let Some(r) = result {
        if let Some(rc) = &r.recheck {
            push_fields(
                &mut lines,
                vec![(
                    s.needs_recheck_short,
                    format!("{} {}", s.previous_answer, s.status(rc.previous_status)),
                )],
            );
        }
        push_fields(&mut lines, result_fields(s, r));
    }
    // An inspection shows the township's own answer as reviewed, says when the verdicts
    // differ, and when the township changed its answer after the inspector saw it.
    if let Some(tv) = app.township_view(checklist, &item.id) {
        let shown = tv.reviewed.map_or(Status::Unchecked, |r| r.status);
        let mut head = vec![
            Span::styled(format!("{} ", s.township_label), theme::label()),
            status_span(s, shown),
        ];
        if status.is_checked() && shown != status {
            head.push(Span::styled(format!("  {}", s.differs), theme::warn()));
        }
        if tv.changed {
            head.push(Span::styled(
                format!("  {}", s.township_changed),
                theme::warn(),
            ));
        }
        lines.push(Line::from(head));
        if let Some(r) = tv.reviewed {
            push_fields(&mut lines, result_fields(s, r));
        }
        if tv.changed {
            let now = tv.current.map_or(Status::Unchecked, |r| r.status);
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", s.township_now), theme::label()),
                status_span(s, now),
            ]));
            if let Some(r) = tv.current {
                push_fields(&mut lines, result_fields(s, r));
            }
        }
    }
    if let Some(t) = session.assessment.task_view(checklist, &item.id) {
        let state = crate::ui::task::state_text(s, &t, &app.today);
        let style = if t.is_overdue(&app.today) {
            theme::warn()
        } else {
            theme::label()
        };
        let mut head = vec![
            Span::styled(format!("{} ", s.task_label), theme::label()),
            Span::styled(state, style),
            Span::styled(
                format!(
                    "  {} {}",
                    s.task_deadline,
                    sanitize(&t.spec.deadline, false)
                ),
                theme::dim(),
            ),
        ];
        if crate::ui::task::task_conflict(&session.assessment, checklist, &item.id) {
            head.push(Span::styled(format!("  {}", s.conflict), theme::warn()));
        }
        lines.push(Line::from(head));
        let mut fields = vec![(s.task_description, t.spec.description.clone())];
        if let Some(r) = t.response.filter(|r| !r.response.is_empty()) {
            fields.push((s.task_response, r.response.clone()));
        }
        push_fields(&mut lines, fields);
    }
    lines
}

/// Marks in the item list: 冲突 when the result or the task waits for a decision.
fn item_marks(app: &App, s: &Strings, checklist: &str, item: &str) -> Vec<Span<'static>> {
    let Some(session) = &app.open else {
        return Vec::new();
    };
    let a = &session.assessment;
    let result = DocKey::item(DocKind::Result, checklist, item);
    let conflict = a.has_conflict(&result) || crate::ui::task::task_conflict(a, checklist, item);
    let mut v = Vec::new();
    if conflict {
        v.push(Span::styled(format!(" {}", s.conflict_mark), theme::warn()));
    }
    v
}

/// The recorded parts of a result as (label, text), evidence last.
fn result_fields<'a>(
    s: &'a Strings,
    r: &crate::model::assessment::ItemResult,
) -> Vec<(&'a str, String)> {
    let mut v = Vec::new();
    if !r.findings.is_empty() {
        v.push((s.findings_label, r.findings.join("、")));
    }
    if !r.channels_seen.is_empty() {
        v.push((s.channels_seen_label, r.channels_seen.join("、")));
    }
    if !r.note.is_empty() {
        v.push((s.note_label, r.note.clone()));
    }
    for e in &r.evidence {
        let text = match e {
            Evidence::Url { url } => url.clone(),
            Evidence::File { name, sha256, .. } => {
                format!("{name} (sha256 {})", sha256.get(..12).unwrap_or(sha256))
            }
            Evidence::Text { text } => text.clone(),
        };
        v.push((s.evidence_label, text));
    }
    v
}
