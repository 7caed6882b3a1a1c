//! Pure data and logic: catalogues, assessments, revisions and their merge. No I/O.

pub mod catalogue;
pub mod revision;
