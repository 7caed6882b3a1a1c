//! Stable item ids across re-imports, catalogue ids and names from titles, and versions.
//!
//! **Item ids.** On the first import rows are numbered `01`, `02`, … in table order. When the
//! catalogue exists already (the output file, or a catalogue with that id in the library), a
//! row keeps the id of the old item with the same fingerprint, else of the first unused old
//! item with the same (一级事项, 二级事项, 三级事项); rows matching nothing get numbers after the
//! largest number the old catalogue used, so the id of a removed row is never given to a new
//! one.
//!
//! **Catalogue ids.** One table: `--id`, else the id of the known domain its title (or the
//! Word caption, or the sheet name) names, e.g. 就业 → `employment`. Several tables: with
//! `--id X` the first is `X`, the others `X-2`, `X-3`, … in file order; without `--id` each
//! takes the id of the domain its title names. A table whose title names no known domain
//! needs `--id`. Ids that would repeat get `-2`, `-3`.
//!
//! **Versions.** `--version`, else today's date `YYYY.MM.DD`. When a catalogue with that id
//! and the same version exists, the version gets a suffix (`2026.11.27-2`, `-3` …) so the new
//! file replaces the old one. Re-importing an unchanged table (no `--version`) keeps the
//! existing version.

use std::cmp::Ordering;

use crate::library::{Library, compare_versions};
use crate::model::catalogue::{Catalogue, Item};

use super::mark::{norm_label, strip_numbering};

/// How the item ids of an import relate to the previous catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdStats {
    /// Rows that kept the id of an old item.
    pub reused: usize,
    /// Rows that got a new id.
    pub new: usize,
    /// Old item ids that no row kept.
    pub retired: Vec<String>,
}

/// Gives every item an id (see the module docs).
pub fn assign_ids(items: &mut [Item], previous: Option<&Catalogue>) -> IdStats {
    let mut stats = IdStats::default();
    let old: &[Item] = previous.map_or(&[], |c| &c.items);
    let mut used = vec![false; old.len()];
    let key = |i: &Item| {
        (
            norm_label(&i.level1),
            norm_label(&i.level2),
            norm_label(i.level3.as_deref().unwrap_or("")),
        )
    };
    let mut ids: Vec<Option<String>> = vec![None; items.len()];
    let old_fps: Vec<_> = old.iter().map(Item::fingerprint).collect();
    for (n, item) in items.iter().enumerate() {
        let fp = item.fingerprint();
        if let Some(k) = (0..old.len()).find(|&k| !used[k] && old_fps[k] == fp) {
            used[k] = true;
            ids[n] = Some(old[k].id.clone());
        }
    }
    for (n, item) in items.iter().enumerate() {
        if ids[n].is_some() {
            continue;
        }
        let want = key(item);
        if let Some(k) = (0..old.len()).find(|&k| !used[k] && key(&old[k]) == want) {
            used[k] = true;
            ids[n] = Some(old[k].id.clone());
        }
    }
    let numeric = |id: &str| -> Option<u64> {
        (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            .then(|| id.parse().ok())
            .flatten()
    };
    let mut next = old.iter().filter_map(|i| numeric(&i.id)).max().unwrap_or(0) + 1;
    let new_count = ids.iter().filter(|i| i.is_none()).count() as u64;
    let width = old
        .iter()
        .filter(|i| numeric(&i.id).is_some())
        .map(|i| i.id.len())
        .max()
        .unwrap_or(2)
        .max((next + new_count).to_string().len())
        .max(2);
    for (item, id) in items.iter_mut().zip(ids) {
        match id {
            Some(id) => {
                item.id = id;
                stats.reused += 1;
            }
            None => {
                let mut candidate = format!("{next:0width$}");
                while old.iter().any(|i| i.id == candidate) {
                    next += 1;
                    candidate = format!("{next:0width$}");
                }
                item.id = candidate;
                next += 1;
                stats.new += 1;
            }
        }
    }
    stats.retired = old
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(i, _)| i.id.clone())
        .collect();
    stats
}

/// The version to write and, when it was changed, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionNote {
    /// The requested version existed; this one replaces it.
    Bumped { existing: String },
    /// The requested version is older than the one in use, which stays in use.
    Older { existing: String },
    /// The table is unchanged; the existing version is kept.
    Unchanged,
}

/// Picks the version (see the module docs). `existing` are the versions of the catalogues with
/// the same id (output file, library).
pub fn choose_version(
    requested: Option<&str>,
    today: &str,
    existing: &[&str],
) -> (String, Option<VersionNote>) {
    let base = requested.unwrap_or(today).trim().to_string();
    let Some(newest) = existing
        .iter()
        .copied()
        .max_by(|a, b| compare_versions(a, b))
    else {
        return (base, None);
    };
    if compare_versions(&base, newest) == Ordering::Greater {
        return (base, None);
    }
    if newest == base || newest.starts_with(&format!("{base}-")) {
        for n in 2..100_000u32 {
            let candidate = format!("{base}-{n}");
            if compare_versions(&candidate, newest) == Ordering::Greater {
                return (
                    candidate,
                    Some(VersionNote::Bumped {
                        existing: newest.to_string(),
                    }),
                );
            }
        }
    }
    (
        base,
        Some(VersionNote::Older {
            existing: newest.to_string(),
        }),
    )
}

/// The catalogue of the library whose name or alias the texts mention (the longest match),
/// with the name or alias as written there.
pub fn known_domain<'a>(library: &'a Library, texts: &[&str]) -> Option<(&'a Catalogue, String)> {
    for text in texts {
        let text = norm_label(text);
        let mut best: Option<(usize, &Catalogue, &String)> = None;
        for entry in library.entries() {
            let c = &entry.catalogue;
            for name in std::iter::once(&c.name).chain(&c.aliases) {
                let n = norm_label(name);
                let len = n.chars().count();
                if !n.is_empty() && text.contains(&n) && best.is_none_or(|(l, _, _)| len > l) {
                    best = Some((len, c, name));
                }
            }
        }
        if let Some((_, c, name)) = best {
            return Some((c, name.clone()));
        }
    }
    None
}

/// A domain name from a title: "(一)就业领域基层政务公开标准目录" → "就业".
pub fn name_from_title(title: &str) -> String {
    let t = strip_numbering(title).trim();
    if let Some(i) = t.find("领域") {
        let name = t[..i].trim();
        if !name.is_empty() {
            return name.to_string();
        }
    }
    let mut t = t.to_string();
    for suffix in [
        "基层政务公开标准目录",
        "政务公开标准目录",
        "政务公开事项标准目录",
        "公开标准目录",
        "标准目录",
        "事项目录",
        "目录",
        "事项清单",
        "清单",
    ] {
        if let Some(s) = t.strip_suffix(suffix) {
            t = s.to_string();
            break;
        }
    }
    t.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(choose_version(None, "2026.11.27", &[]).0, "2026.11.27");
        assert_eq!(
            choose_version(None, "2026.11.27", &["2026.11.27"]).0,
            "2026.11.27-2"
        );
        assert_eq!(
            choose_version(None, "2026.11.27", &["2026.11", "2026.11.27-2"]).0,
            "2026.11.27-3"
        );
        assert_eq!(
            choose_version(Some("2020"), "2026.11.27", &["2026.11"]),
            (
                "2020".to_string(),
                Some(VersionNote::Older {
                    existing: "2026.11".into()
                })
            )
        );
        assert_eq!(
            choose_version(None, "2026.11.27", &["2026.11"]).0,
            "2026.11.27"
        );
    }

    #[test]
    fn names() {
        assert_eq!(name_from_title("就业领域基层政务公开标准目录"), "就业");
        assert_eq!(
            name_from_title("一、涉农资金基层政务公开标准目录"),
            "涉农资金"
        );
        assert_eq!(
            known_domain(&Library::builtin(), &["胡集镇就业创业领域标准目录"])
                .map(|(c, n)| (c.id.clone(), n)),
            Some(("employment".to_string(), "就业创业".to_string()))
        );
    }
}
