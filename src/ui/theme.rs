//! Colours and styles. Meaning is never carried by colour alone: every status is also a word.

use ratatui::style::{Color, Modifier, Style};

use crate::model::status::Status;

pub fn status(s: Status) -> Style {
    Style::default().fg(status_color(s))
}

pub fn status_color(s: Status) -> Color {
    match s {
        Status::Unchecked => Color::Gray,
        Status::Compliant => Color::Green,
        Status::Partial => Color::Yellow,
        Status::Missing => Color::Red,
        Status::NotApplicable => Color::Cyan,
    }
}

pub fn title() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn label() -> Style {
    Style::default().fg(Color::Cyan)
}

pub fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

pub fn selected() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

pub fn key() -> Style {
    Style::default().fg(Color::Yellow)
}

pub fn error() -> Style {
    Style::default()
        .fg(Color::White)
        .bg(Color::Red)
        .add_modifier(Modifier::BOLD)
}

pub fn ok() -> Style {
    Style::default().fg(Color::Green)
}

pub fn warn() -> Style {
    Style::default()
        .fg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}
