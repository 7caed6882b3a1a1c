//! A yes/no question over the screen (y, n; Esc cancels).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::state::{App, Question};
use crate::text::{sanitize, width};
use crate::ui::strings::strings;
use crate::ui::widgets::{block, centered, clear_popup};

pub fn view(app: &App, q: &Question, frame: &mut Frame, area: Rect) {
    let s = strings(app.lang);
    let text = match q {
        Question::OpenInspection { round, .. } => format!(
            "{}:{}。{}",
            s.inspection_exists,
            sanitize(round, false),
            s.open_existing_question
        ),
        Question::TaskOnCompliant => s.task_on_compliant.to_string(),
    };
    let w = area.width.saturating_sub(4).min(70);
    let inner_w = usize::from(w.saturating_sub(2)).max(1);
    let lines = u16::try_from(width(&text).div_ceil(inner_w)).unwrap_or(1);
    let popup = centered(area, w, lines + 2);
    clear_popup(frame, popup);
    let b = block(s.question_title);
    let inner = b.inner(popup);
    frame.render_widget(b, popup);
    frame.render_widget(
        Paragraph::new(Line::from(text)).wrap(Wrap { trim: false }),
        inner,
    );
}
