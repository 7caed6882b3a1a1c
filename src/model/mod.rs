//! Pure data and logic: catalogues, assessments, revisions and their merge. No I/O.

pub mod assessment;
pub mod catalogue;
pub mod doc;
pub mod rectification;
pub mod revision;
pub mod status;
pub mod upgrade;
pub mod validate;
