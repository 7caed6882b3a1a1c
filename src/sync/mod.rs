//! Hand-over between devices: bundles (files on a USB stick or a shared folder), the
//! hand-over state and receipts; CouchDB replication ([`couch`]) beside them on the same
//! documents.

pub mod ahead;
pub mod bundle;
pub mod couch;
pub mod state;

use crate::model::assessment::Assessment;

/// The assessments that travel together with `chosen`: itself, the self-check it reviews and
/// every inspection of it (so a township's 整改情况 and a county's verdicts go both ways).
pub fn companions<'a>(chosen: &'a Assessment, all: &[&'a Assessment]) -> Vec<&'a Assessment> {
    let mut out = vec![chosen];
    for a in all {
        let linked = a.id != chosen.id
            && a.partition == chosen.partition
            && (chosen.reviews() == Some(a.id.as_str()) || a.reviews() == Some(chosen.id.as_str()));
        if linked && !out.iter().any(|x| x.id == a.id) {
            out.push(a);
        }
    }
    out
}
