//! Summary: per-domain counts, checked and compliance percentages, and the problems found.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::status::{Status, Tally};
use crate::report::percent_text;
use crate::state::{App, SummaryView};
use crate::text::{pad, sanitize, truncate, width};
use crate::ui::strings::strings;
use crate::ui::theme;
use crate::ui::widgets::{Window, bar, block, windowed};

pub fn view(app: &App, v: &SummaryView, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let Some(session) = &app.open else { return };
    let a = &session.assessment;
    let outer = block(&format!(
        "{} · {}",
        s.summary_title,
        sanitize(&a.unit().name, false)
    ));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let cols = usize::from(inner.width);
    let ids = app.involved_domains();
    let name_w = 12;
    let num_w = 6;
    let heads = [
        s.col_items,
        s.status(Status::Compliant),
        s.status(Status::Partial),
        s.status(Status::Missing),
        s.status(Status::NotApplicable),
        s.col_checked_pct,
        s.col_compliance_pct,
    ];
    let num_w = heads
        .iter()
        .map(|h| width(h))
        .max()
        .unwrap_or(num_w)
        .max(num_w);
    let bar_w = cols.saturating_sub(name_w + (num_w + 1) * heads.len() + 1);
    let header: String = std::iter::once(pad(s.col_domain, name_w))
        .chain(heads.iter().map(|h| format!(" {}", pad(h, num_w))))
        .collect();
    let mut lines = vec![Line::from(Span::styled(
        truncate(&header, cols),
        theme::label(),
    ))];
    let mut total = Tally::default();
    // Each domain is counted once per frame.
    let tallies: Vec<Tally> = ids.iter().map(|id| app.tally(id)).collect();
    for t in &tallies {
        total.merge(t);
    }
    let problems = problems(app, &ids);
    let not_involved: Vec<String> = app
        .domains()
        .into_iter()
        .filter(|d| !d.involved)
        .map(|d| {
            app.library.get(&d.checklist).map_or_else(
                || d.checklist.clone(),
                |e| sanitize(&e.catalogue.name, false),
            )
        })
        .collect();
    let rows = split(
        usize::from(inner.height),
        ids.len(),
        problems.len(),
        !not_involved.is_empty(),
    );
    // The table: as many domains as fit around the cursor, saying how many are hidden.
    let table: Vec<Line<'static>> = ids
        .iter()
        .zip(&tallies)
        .enumerate()
        .map(|(i, (id, t))| {
            let name = app
                .library
                .get(id)
                .map_or_else(|| id.to_string(), |e| sanitize(&e.catalogue.name, false));
            row(&name, t, name_w, num_w, bar_w, i == v.cursor)
        })
        .collect();
    let move_keys = crate::keymap::key_pair(
        crate::keymap::Mode::Summary,
        &crate::action::Action::Down,
        &crate::action::Action::Up,
    );
    lines.extend(windowed(
        table,
        Window::around(ids.len(), rows.table, v.cursor),
        (s.domains_above, s.domains_below),
        &move_keys,
        cols,
    ));
    lines.push(row(s.total_label, &total, name_w, num_w, bar_w, false));
    if !not_involved.is_empty() {
        lines.push(Line::from(Span::styled(
            truncate(
                &format!("{}: {}", s.choice_not_involved, not_involved.join("、")),
                cols,
            ),
            theme::dim(),
        )));
    }
    // The problems found: they scroll (J/K) and say how many are hidden.
    if !problems.is_empty() && rows.problems > 0 {
        lines.push(Line::from(Span::styled(
            format!("{} {}", s.problems_label, problems.len()),
            theme::label(),
        )));
        let problem_lines: Vec<Line<'static>> = problems
            .iter()
            .map(|(domain, title, status, findings)| {
                let head = format!(
                    "{}  {}  ",
                    pad(&truncate(domain, 10), 10),
                    pad(s.status(*status), s.status_width())
                );
                let rest = truncate(
                    &format!("{title}  {findings}"),
                    cols.saturating_sub(width(&head)),
                );
                Line::from(vec![
                    Span::raw(pad(&truncate(domain, 10), 10)),
                    Span::raw("  "),
                    Span::styled(
                        pad(s.status(*status), s.status_width()),
                        theme::status(*status),
                    ),
                    Span::raw("  "),
                    Span::raw(rest),
                ])
            })
            .collect();
        let scroll_keys = crate::keymap::key_pair(
            crate::keymap::Mode::Summary,
            &crate::action::Action::ScrollDown,
            &crate::action::Action::ScrollUp,
        );
        lines.extend(windowed(
            problem_lines,
            Window::at(problems.len(), rows.problems, v.problems),
            (s.problems_above, s.problems_below),
            &scroll_keys,
            cols,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Rows of the summary's two lists: the domain table and the problems under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryRows {
    pub table: usize,
    pub problems: usize,
}

/// How the summary's `height` rows are shared: the header, the total and the not-involved
/// line are fixed; the domain table and the problem list share the rest. When both do not
/// fit, the problems get what they need up to two fifths, at least three rows.
pub fn split(height: usize, domains: usize, problems: usize, not_involved: bool) -> SummaryRows {
    let fixed = 2 + usize::from(not_involved) + usize::from(problems > 0);
    let rest = height.saturating_sub(fixed);
    if domains + problems <= rest {
        return SummaryRows {
            table: domains,
            problems,
        };
    }
    let share = (rest * 2 / 5).max(3).min(problems);
    let table = rest.saturating_sub(share).max(3.min(rest));
    SummaryRows {
        table,
        problems: rest.saturating_sub(table),
    }
}

/// The number of problems and the rows the summary shows them in, on the terminal size the
/// app knows (for scrolling them in `update`).
pub fn problems_extent(app: &App) -> (usize, usize) {
    let body = Rect::new(0, 0, app.width, app.height.saturating_sub(2));
    let inner = block("").inner(body);
    let ids = app.involved_domains();
    let n = problems(app, &ids).len();
    let not_involved = app.domains().iter().any(|d| !d.involved);
    let rows = split(usize::from(inner.height), ids.len(), n, not_involved);
    (n, rows.problems)
}

/// (domain name, item title, status, findings) of every 部分落实/未落实 item, in walk order.
fn problems(app: &App, ids: &[&str]) -> Vec<(String, String, Status, String)> {
    let Some(session) = &app.open else {
        return Vec::new();
    };
    let mut v = Vec::new();
    for id in ids {
        let Some(entry) = app.library.get(id) else {
            continue;
        };
        let name = sanitize(&entry.catalogue.name, false);
        for item in &entry.catalogue.items {
            if let Some(r) = session
                .assessment
                .result(id, &item.id)
                .filter(|r| r.status.is_problem())
            {
                v.push((
                    name.clone(),
                    sanitize(&item.title(), false),
                    r.status,
                    sanitize(&r.findings.join("、"), false),
                ));
            }
        }
    }
    v
}

fn row(
    name: &str,
    t: &Tally,
    name_w: usize,
    num_w: usize,
    bar_w: usize,
    sel: bool,
) -> Line<'static> {
    let cells = [
        t.total().to_string(),
        t.compliant.to_string(),
        t.partial.to_string(),
        t.missing.to_string(),
        t.not_applicable.to_string(),
        percent_text(t.checked_pct()),
        percent_text(t.compliance_pct()),
    ];
    let text: String = std::iter::once(pad(&truncate(name, name_w), name_w))
        .chain(cells.iter().map(|c| format!(" {}", pad(c, num_w))))
        .collect();
    let mut spans = vec![
        Span::styled(
            text,
            if sel {
                theme::selected()
            } else {
                ratatui::style::Style::default()
            },
        ),
        Span::raw(" "),
    ];
    if bar_w > 3 {
        spans.extend(bar(t, bar_w - 1));
    }
    Line::from(spans)
}
