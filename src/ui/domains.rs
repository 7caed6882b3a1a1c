//! Domains screen: every chosen domain with a progress bar and counts per status.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::assessment::Assessment;
use crate::model::doc::{DocKey, DocKind};
use crate::model::status::Status;
use crate::state::{App, DomainsView};
use crate::text::{pad, sanitize, truncate, width};
use crate::ui::strings::strings;
use crate::ui::theme;
use crate::ui::widgets::{
    Window, bar, block, clear_of, move_keys, one_line_popup_in, one_line_width,
};

pub fn view(app: &App, v: &DomainsView, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let Some(session) = &app.open else { return };
    let a = &session.assessment;
    let (checked, total) = app.progress(a);
    let mut title = format!(
        "{} · {} · {} {checked}/{total}",
        sanitize(&a.unit().name, false),
        sanitize(a.round(), false),
        s.col_progress
    );
    let overdue = app
        .tasks()
        .iter()
        .filter(|t| t.is_overdue(&app.today))
        .count();
    if overdue > 0 {
        title.push_str(&format!(" · {} {overdue}", s.overdue_tasks));
    }
    let outer = block(&title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let cols = usize::from(inner.width);
    let domains = app.domains();
    let name_w = domains
        .iter()
        .filter_map(|d| {
            app.library
                .get(&d.checklist)
                .map(|e| width(&sanitize(&e.catalogue.name, false)))
        })
        .max()
        .unwrap_or(8)
        .clamp(8, 20);
    let counts_w = 9;
    let bar_w = cols.saturating_sub(name_w + counts_w + 6).clamp(4, 30);
    // The 领域小结 of the domain under the cursor, when it has one, on the last row.
    let summary = domains
        .get(v.cursor)
        .map(|d| sanitize(&d.summary, false))
        .filter(|t| !t.trim().is_empty());
    let height = usize::from(inner.height).saturating_sub(usize::from(summary.is_some()));
    let win = Window::around(domains.len(), height, v.cursor);
    let keys = move_keys(crate::keymap::Mode::Domains);
    let mut lines = Vec::new();
    // The screen row and name of the domain under the cursor.
    let mut cursor: Option<(u16, String)> = None;
    lines.extend(win.above_line(s.domains_above, &keys));
    for (i, d) in domains.iter().enumerate().skip(win.first).take(win.shown()) {
        let sel = i == v.cursor;
        let name = app.library.get(&d.checklist).map_or_else(
            || d.checklist.clone(),
            |e| sanitize(&e.catalogue.name, false),
        );
        if sel {
            cursor = Some((
                inner.y + u16::try_from(lines.len()).unwrap_or(0),
                name.clone(),
            ));
        }
        let name_span = Span::styled(
            pad(&truncate(&name, name_w), name_w),
            if sel {
                theme::selected()
            } else {
                theme::title()
            },
        );
        let mut spans = vec![name_span, Span::raw("  ")];
        let conflicts = domain_conflicts(a, &d.checklist);
        if conflicts > 0 {
            spans.push(Span::styled(
                format!("{}{conflicts} ", s.conflict_mark),
                theme::warn(),
            ));
        }
        if !d.involved {
            let reason = d
                .reason
                .as_deref()
                .map(|r| sanitize(r, false))
                .unwrap_or_default();
            spans.push(Span::styled(s.choice_not_involved, theme::warn()));
            spans.push(Span::raw(format!(
                "  {}",
                truncate(&reason, cols.saturating_sub(name_w + 12))
            )));
        } else if app.library.get(&d.checklist).is_none() {
            spans.push(Span::styled(s.catalogue_missing, theme::warn()));
        } else {
            let t = app.tally(&d.checklist);
            spans.push(Span::raw(pad(
                &format!("{}/{}", t.checked(), t.total()),
                counts_w,
            )));
            spans.extend(bar(&t, bar_w));
            let mut rest = String::new();
            for st in [
                Status::Compliant,
                Status::Partial,
                Status::Missing,
                Status::NotApplicable,
            ] {
                if t.get(st) > 0 {
                    rest.push_str(&format!("  {}{}", s.status(st), t.get(st)));
                }
            }
            if let Some(e) = app.library.get(&d.checklist)
                && crate::library::compare_versions(&e.catalogue.version, &d.version)
                    == std::cmp::Ordering::Greater
            {
                rest = format!(
                    "  {} {}→{}{rest}",
                    s.newer_catalogue,
                    sanitize(&d.version, false),
                    sanitize(&e.catalogue.version, false)
                );
            }
            let room = cols.saturating_sub(name_w + 2 + counts_w + bar_w);
            spans.push(Span::styled(truncate(&rest, room), theme::dim()));
        }
        lines.push(Line::from(spans));
    }
    lines.extend(win.below_line(s.domains_below, &keys));
    if let Some(text) = summary {
        while lines.len() < height {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", s.field_summary), theme::label()),
            Span::raw(truncate(
                &text,
                cols.saturating_sub(width(s.field_summary) + 1),
            )),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(input) = &v.summary {
        let (row, name) = cursor.clone().unzip();
        let popup_w = u16::try_from(crate::update::editor_width(app.width) + 2).unwrap_or(u16::MAX);
        let popup = clear_of(area, popup_w, (area.height / 2).max(6), row);
        let title = match name {
            Some(name) => format!("{} · {name}", s.domain_summary_title),
            None => s.domain_summary_title.to_string(),
        };
        crate::ui::widgets::text_area(frame, popup, &title, input);
    }
    if let Some((p, _)) = &v.adding {
        crate::ui::walk::picker(frame, area, None, s, s.add_domain_title, p);
    }
    // The reason popup leaves the domain's row visible and names it.
    if let Some(input) = &v.reason {
        let (row, name) = cursor.unzip();
        let popup = clear_of(area, one_line_width(area), 3, row);
        let title = match name {
            Some(name) => format!("{} · {name}", s.reason_title),
            None => s.reason_title.to_string(),
        };
        one_line_popup_in(frame, popup, &title, input);
    }
}

/// Documents of one domain with unresolved conflicts: its choice, results, tasks, responses.
pub fn domain_conflicts(a: &Assessment, checklist: &str) -> usize {
    let choice = usize::from(a.has_conflict(&DocKey::domain(checklist)));
    let items = a
        .docs
        .conflicted()
        .filter(|(k, _)| {
            k.kind != DocKind::Domain && k.item_ids().is_some_and(|(c, _)| c == checklist)
        })
        .count();
    choice + items
}
