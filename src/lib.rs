//! zwgk: offline checklists for grassroots government-openness standard catalogues.
//!
//! The library does the work; `main.rs` only parses arguments and starts the runtime.

pub mod action;
pub mod app;
pub mod burst;
pub mod cli;
pub mod clock;
pub mod command;
pub mod editor;
pub mod export;
pub mod import;
pub mod input;
pub mod keymap;
pub mod library;
pub mod model;
pub mod output;
pub mod overview;
pub mod report;
pub mod schema;
pub mod state;
pub mod store;
pub mod sync;
pub mod synthetic;
pub mod text;
pub mod ui;
pub mod update;
