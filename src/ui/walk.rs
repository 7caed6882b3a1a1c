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
    Window, bar, block, clear_of, clear_popup, fit_title, marker, move_keys, one_line_popup,
    one_line_popup_in, one_line_width, status_span, text_area, windowed,
};
use crate::update::editor_width;

pub fn view(app: &App, w: &Walk, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let (Some(_), Some(entry)) = (&app.open, app.library.get(&w.checklist)) else {
        return;
    };
    let t = app.tally(&w.checklist);
    // The visible items once per frame; the current item is taken from them.
    let visible = app.visible(w);
    let current = visible
        .get(w.cursor)
        .and_then(|&i| entry.catalogue.items.get(i));
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

    // Item list; the row of the current item stays in view under popups about it.
    let row_y = draw_list(app, w, entry, &visible, frame, list);

    // Detail: the catalogue row, then this check's result; it scrolls (J/K) and says what
    // it hides.
    if let Some(item) = current {
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

    // Popups about the current item leave its row visible and name it in their title.
    let about = |title: &str| match current {
        Some(item) => format!(
            "{title} · {} {}",
            sanitize(&item.id, false),
            sanitize(&item_label(entry, item), false)
        ),
        None => title.to_string(),
    };
    match &w.overlay {
        Some(Overlay::Note(input)) => {
            let popup_w = u16::try_from(editor_width(app.width) + 2).unwrap_or(u16::MAX);
            let popup = clear_of(area, popup_w, (area.height * 2 / 3).max(6), row_y);
            text_area(frame, popup, &about(s.note_title), input);
        }
        Some(Overlay::Evidence(input)) => {
            let popup = clear_of(area, one_line_width(area), 3, row_y);
            one_line_popup_in(frame, popup, &about(s.evidence_title), input);
        }
        Some(Overlay::Search(input)) => one_line_popup(frame, area, s.search_title, input),
        Some(Overlay::Findings(p)) => picker(frame, area, row_y, s, &about(s.findings_title), p),
        Some(Overlay::Channels(p)) => picker(frame, area, row_y, s, &about(s.channels_title), p),
        Some(Overlay::OpenEvidence(p)) => {
            picker(frame, area, row_y, s, &about(s.open_evidence_title), p)
        }
        None => {}
    }
}

/// The label of an item that no other item of its catalogue shares.
fn item_label(entry: &crate::library::Entry, item: &Item) -> String {
    entry
        .catalogue
        .items
        .iter()
        .position(|i| i.id == item.id)
        .and_then(|i| entry.labels.get(i).map(ToString::to_string))
        .unwrap_or_else(|| item.title())
}

/// A multi-select list in a popup, leaving the screen row `keep` visible.
pub fn picker(
    frame: &mut Frame,
    area: Rect,
    keep: Option<u16>,
    s: &Strings,
    title: &str,
    p: &Picker,
) {
    let h = u16::try_from(p.entries.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let wmax = (p.entries.iter().map(|e| width(e)).max().unwrap_or(10) + 8).max(width(title) + 6);
    let wmax = u16::try_from(wmax)
        .unwrap_or(u16::MAX)
        .clamp(24, area.width.saturating_sub(4).max(24));
    let popup = clear_of(area, wmax, h, keep);
    clear_popup(frame, popup);
    let b = block(&fit_title(title, popup.width));
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
    if crate::update::county_only_here(app, checklist, &item.id) {
        for part in wrap(s.county_only_hint, cols.max(4)) {
            lines.push(Line::from(Span::styled(part, theme::warn())));
        }
    }
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

/// A row of the item list: a 一级事项 heading, or the item at a position of `visible`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListRow<'a> {
    Heading(&'a str),
    Item(usize),
}

/// The rows of the item list: the visible items in catalogue order, each run of items of one
/// 一级事项 under a heading, as the official table groups them (no heading for an item that is
/// its own 一级事项).
fn list_rows<'a>(items: &'a [Item], visible: &[usize]) -> Vec<ListRow<'a>> {
    let mut rows = Vec::new();
    let mut group: Option<&str> = None;
    for (pos, idx) in visible.iter().enumerate() {
        let Some(item) = items.get(*idx) else {
            continue;
        };
        let level1 = item.level1.trim();
        if group != Some(level1) && !level1.is_empty() && level1 != item.name() {
            rows.push(ListRow::Heading(level1));
        }
        group = Some(level1);
        rows.push(ListRow::Item(pos));
    }
    rows
}

/// The item list: column headings, then the items grouped under their 一级事项, each with its
/// number, status, a label no other item of the catalogue shares, and its marks.
fn draw_list(
    app: &App,
    w: &Walk,
    entry: &crate::library::Entry,
    visible: &[usize],
    frame: &mut Frame,
    area: Rect,
) -> Option<u16> {
    let s = strings(app.lang);
    let session = app.open.as_ref()?;
    let items = &entry.catalogue.items;
    let cols = usize::from(area.width).saturating_sub(1);
    let id_w = items
        .iter()
        .map(|i| width(&i.id))
        .max()
        .unwrap_or(2)
        .clamp(2, 6);
    let status_w = s.status_width().max(width(s.recheck_word));
    let label_cols = cols.saturating_sub(id_w + status_w + 2);
    if visible.is_empty() {
        let text = if w.search.is_empty() {
            s.nothing_matches.to_string()
        } else {
            s.nothing_found
                .replace("{search}", &sanitize(&w.search, false))
        };
        let lines: Vec<Line> = wrap(&text, cols.max(4))
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme::dim())))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
        return None;
    }
    // Column headings.
    let head = format!(
        "{} {} {}",
        " ".repeat(id_w),
        pad(s.col_status, status_w),
        pad(
            s.col_item,
            label_cols.saturating_sub(width(s.col_marks) + 1)
        )
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(
            truncate(&head, cols.saturating_sub(width(s.col_marks))),
            theme::label(),
        ),
        Span::styled(s.col_marks, theme::label()),
    ])];
    let rows = list_rows(items, visible);
    let cursor_row = rows
        .iter()
        .position(|r| *r == ListRow::Item(w.cursor))
        .unwrap_or(0);
    let height = usize::from(area.height).saturating_sub(1);
    let win = Window::around(rows.len(), height, cursor_row);
    let items_in = |range: std::ops::Range<usize>| {
        rows[range]
            .iter()
            .filter(|r| matches!(r, ListRow::Item(_)))
            .count()
    };
    let keys = move_keys(crate::keymap::Mode::Walk);
    if win.markers && win.above > 0 {
        lines.push(marker(s.rows_above, items_in(0..win.first), &keys));
    }
    let mut cursor_y = None;
    // Labels fitted to the columns a row has left after its marks; one set per width.
    let mut fitted: std::collections::HashMap<usize, std::sync::Arc<Vec<String>>> =
        Default::default();
    for row in &rows[win.first..win.end] {
        let pos = match row {
            ListRow::Heading(level1) => {
                lines.push(Line::from(Span::styled(
                    truncate(&sanitize(level1, false), cols),
                    theme::title(),
                )));
                continue;
            }
            ListRow::Item(pos) => *pos,
        };
        let Some(idx) = visible.get(pos).copied() else {
            continue;
        };
        let Some(item) = items.get(idx) else {
            continue;
        };
        let sel = pos == w.cursor;
        if sel {
            cursor_y = u16::try_from(lines.len()).ok().map(|n| area.y + n);
        }
        let row_style = if sel {
            theme::selected()
        } else {
            ratatui::style::Style::default()
        };
        let marks = item_marks(app, s, &w.checklist, item);
        let marks_w: usize = marks.iter().map(|m| width(&m.content)).sum();
        let label_w = label_cols.saturating_sub(marks_w);
        let labels = fitted
            .entry(label_w)
            .or_insert_with(|| entry.labels_within(label_w));
        let label = labels.get(idx).cloned().unwrap_or_default();
        let status = session.assessment.status(&w.checklist, &item.id);
        let recheck = session
            .assessment
            .result(&w.checklist, &item.id)
            .is_some_and(|r| r.recheck.is_some());
        let mut st = if recheck && status == Status::Unchecked {
            // Changed by a catalogue upgrade: the old answer waits for a re-check.
            Span::styled(pad(s.recheck_word, status_w), theme::warn())
        } else {
            Span::styled(pad(s.status(status), status_w), theme::status(status))
        };
        if sel {
            st = st.style(theme::selected().patch(theme::status(status)));
        }
        if differs(app, &w.checklist, &item.id) {
            // In an inspection, a verdict that differs from the township's is underlined too.
            let style = st.style.add_modifier(
                ratatui::style::Modifier::UNDERLINED | ratatui::style::Modifier::BOLD,
            );
            st = st.style(style);
        }
        let mut row = vec![
            Span::styled(
                format!("{} ", pad(&sanitize(&item.id, false), id_w)),
                row_style,
            ),
            st,
            Span::styled(
                format!(" {}", pad(&sanitize(&label, false), label_w)),
                row_style,
            ),
        ];
        row.extend(marks);
        lines.push(Line::from(row));
    }
    if win.markers && win.below > 0 {
        lines.push(marker(s.rows_below, items_in(win.end..rows.len()), &keys));
    }
    frame.render_widget(Paragraph::new(lines), area);
    cursor_y
}

/// In an inspection: the verdict is given and differs from the township's answer (结论不同).
fn differs(app: &App, checklist: &str, item: &str) -> bool {
    let Some(session) = &app.open else {
        return false;
    };
    let status = session.assessment.status(checklist, item);
    app.reviewed()
        .and_then(|a| a.result(checklist, item))
        .is_some_and(|r| status.is_checked() && r.status != status)
}

/// The marks of an item in the list, each a short word after a blank: 县级 (published by the
/// county only, by its known 公开层级), 异 (结论不同), 改 (a rectification task), 备 (a note),
/// 证 (evidence), 冲 (a conflict to settle).
fn item_marks(app: &App, s: &Strings, checklist: &str, item: &Item) -> Vec<Span<'static>> {
    let Some(session) = &app.open else {
        return Vec::new();
    };
    let a = &session.assessment;
    let result = a.result(checklist, &item.id);
    let key = DocKey::item(DocKind::Result, checklist, &item.id);
    let conflict = a.has_conflict(&key) || crate::ui::task::task_conflict(a, checklist, &item.id);
    let mut v = Vec::new();
    let mut mark = |on: bool, text: &str, style: ratatui::style::Style| {
        if on {
            v.push(Span::styled(format!(" {text}"), style));
        }
    };
    mark(
        item.applies_to(crate::model::catalogue::Tier::Township) == Some(false),
        s.mark_county,
        theme::dim(),
    );
    mark(
        differs(app, checklist, &item.id),
        s.mark_differs,
        theme::warn(),
    );
    mark(
        a.task(checklist, &item.id).is_some(),
        s.mark_task,
        theme::label(),
    );
    mark(
        result.is_some_and(|r| !r.note.trim().is_empty()),
        s.mark_note,
        theme::dim(),
    );
    mark(
        result.is_some_and(|r| !r.evidence.is_empty()),
        s.mark_evidence,
        theme::dim(),
    );
    mark(conflict, s.mark_conflict, theme::warn());
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
