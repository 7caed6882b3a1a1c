//! zwgk: offline checklists for grassroots government-openness standard catalogues.

pub mod model;
