//! Start screen: the assessments on this device.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::state::App;
use crate::text::{pad, sanitize, truncate, width};
use crate::ui::strings::strings;
use crate::ui::theme;
use crate::ui::widgets::{Window, block, move_keys};

pub fn view(app: &App, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let outer = block(s.start_title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    if app.listing.is_empty() {
        let lines = vec![
            Line::from(""),
            Line::from(Span::styled(s.start_empty, theme::label())),
        ];
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let cols = usize::from(inner.width);
    // unit | kind | round | progress | hand-over | last change
    let kind_w = width(s.kind_self_check).max(width(s.kind_inspection));
    let progress_w = 14;
    // The hand-over column only once something was handed over.
    let any_hand_over = app
        .listing
        .iter()
        .filter_map(|l| l.assessment.as_ref().ok())
        .any(|a| !hand_over_text(app, &a.id).is_empty());
    let hand_w = if any_hand_over { 14 } else { 0 };
    let time_w = 11;
    let gaps = if any_hand_over { 5 } else { 4 };
    let fixed = kind_w + progress_w + hand_w + time_w + gaps * 2;
    let rest = cols.saturating_sub(fixed);
    let unit_w = (rest / 2).max(6);
    let round_w = rest.saturating_sub(unit_w).max(4);
    let hand = |text: &str| {
        if any_hand_over {
            format!("{}  ", pad(&truncate(text, hand_w), hand_w))
        } else {
            String::new()
        }
    };
    let header = format!(
        "{}  {}  {}  {}  {}{}",
        pad(s.col_unit, unit_w),
        pad(s.col_kind, kind_w),
        pad(s.col_round, round_w),
        pad(s.col_progress, progress_w),
        hand(s.col_hand_over),
        s.col_last_change
    );
    let mut lines = vec![Line::from(Span::styled(
        truncate(&header, cols),
        theme::label(),
    ))];
    let height = usize::from(inner.height).saturating_sub(1);
    let win = Window::around(app.listing.len(), height, app.start_cursor);
    let keys = move_keys(crate::keymap::Mode::Start);
    lines.extend(win.above_line(s.rows_above, &keys));
    for (i, l) in app
        .listing
        .iter()
        .enumerate()
        .skip(win.first)
        .take(win.shown())
    {
        let duplicate = app.duplicates.iter().find(|d| d.path == l.path);
        let text = match &l.assessment {
            Err(_) if duplicate.is_some() => duplicate
                .map(|d| {
                    let text = s
                        .duplicate_row
                        .replace("{copy}", &d.copy_name())
                        .replace("{name}", &d.label(&app.listing))
                        .replace("{owner}", &d.owner_name());
                    sanitize(&text, false)
                })
                .unwrap_or_default(),
            Ok(a) => {
                let (checked, total) = app.progress(a);
                let kind = match a.kind {
                    crate::model::assessment::Kind::SelfCheck => s.kind_self_check,
                    crate::model::assessment::Kind::Inspection => s.kind_inspection,
                };
                let changed = crate::clock::local_time(a.clock.millis);
                format!(
                    "{}  {}  {}  {}  {}{}",
                    pad(&truncate(&sanitize(&a.unit().name, false), unit_w), unit_w),
                    pad(kind, kind_w),
                    pad(&truncate(&sanitize(a.round(), false), round_w), round_w),
                    pad(&progress_text(s, a, checked, total, &app.today), progress_w),
                    hand(&hand_over_text(app, &a.id)),
                    changed.get(5..).unwrap_or(&changed)
                )
            }
            Err(e) if l.backup.is_some() => format!(
                "{} ({})  {}",
                s.cannot_open,
                s.backup_available,
                sanitize(e, false)
            ),
            Err(e) => format!("{}  {}", s.cannot_open, sanitize(e, false)),
        };
        let text = truncate(&text, cols);
        let style = match (&l.assessment, i == app.start_cursor) {
            (_, true) => theme::selected(),
            (Err(_), false) => theme::warn(),
            _ => ratatui::style::Style::default(),
        };
        lines.push(Line::from(Span::styled(pad(&text, cols), style)));
    }
    lines.extend(win.below_line(s.rows_below, &keys));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `checked/total`, plus the overdue rectification tasks and the conflicts when there are any.
fn progress_text(
    s: &crate::ui::strings::Strings,
    a: &crate::model::assessment::Assessment,
    checked: usize,
    total: usize,
    today: &str,
) -> String {
    let overdue = a.tasks().filter(|t| t.is_overdue(today)).count();
    let conflicts = a.conflict_count();
    let mut text = format!("{checked}/{total}");
    if overdue > 0 {
        text.push_str(&format!(" {}{overdue}", s.overdue));
    }
    if conflicts > 0 {
        text.push_str(&format!(" {}{conflicts}", s.conflict_mark));
    }
    text
}

/// Where an assessment stands in the hand-over: 已上报 / 对方已收到 (with the date), or 有新下发
/// when a bundle brought news after it was last sent; the county's words are 已下发 / 有新上报.
fn hand_over_text(app: &App, id: &str) -> String {
    let s = strings(app.lang);
    let h = app.hand_over.hand_over(id);
    let day = |t: &str| {
        crate::clock::parse_rfc3339(t)
            .map(crate::clock::date)
            .map(|d| d.get(5..).unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    let township = !app.role.is_inspector();
    if let Some(t) = &h.news {
        let word = if township {
            s.hand_news_down
        } else {
            s.hand_news_up
        };
        return format!("{word} {}", day(t));
    }
    match &h.sent {
        Some(t) if h.acknowledged => format!("{} {}", s.hand_received, day(t)),
        Some(t) => {
            let word = if township {
                s.hand_sent_up
            } else {
                s.hand_sent_down
            };
            format!("{word} {}", day(t))
        }
        None => String::new(),
    }
}
