//! The catalogue library: the shipped catalogues plus those found in the data dir's
//! `checklists/` and in `--checklists DIR`, which add catalogues or replace one by id.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::model::catalogue::{Catalogue, Fingerprint, Group, Label, fit_labels};
use crate::model::validate::{MAX_CATALOGUE_BYTES, Problem, validate_catalogue};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_catalogues.rs"));
}

/// Where a catalogue in the library came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into zwgk.
    Builtin,
    /// Read from this file.
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin => f.write_str("built-in"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A catalogue ready for use, with its items' fingerprints and labels computed once.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub catalogue: Catalogue,
    pub origin: Origin,
    /// Fingerprint of each item, in item order.
    pub fingerprints: Vec<Fingerprint>,
    /// The label of each item, in item order ([`Catalogue::labels`]).
    pub labels: Vec<Label>,
    /// Labels fitted to a width ([`fit_labels`]), kept per width once made: the walk draws
    /// them on every frame, and a catalogue may hold 100,000 items.
    fitted: FittedLabels,
}

impl Entry {
    fn new(catalogue: Catalogue, origin: Origin) -> Entry {
        let fingerprints = catalogue.items.iter().map(|i| i.fingerprint()).collect();
        let labels = catalogue.labels();
        Entry {
            catalogue,
            origin,
            fingerprints,
            labels,
            fitted: FittedLabels::default(),
        }
    }

    /// The labels of the items cut to `cols` columns so that no two read the same
    /// ([`Catalogue::labels_within`]), made once per width.
    pub fn labels_within(&self, cols: usize) -> Arc<Vec<String>> {
        let mut memo = match self.fitted.0.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        memo.entry(cols)
            .or_insert_with(|| Arc::new(fit_labels(&self.labels, cols)))
            .clone()
    }
}

/// A memo of fitted labels: a cache, so copies start empty and it never makes two entries
/// differ.
#[derive(Debug, Default)]
struct FittedLabels(Mutex<HashMap<usize, Arc<Vec<String>>>>);

impl Clone for FittedLabels {
    fn clone(&self) -> Self {
        FittedLabels::default()
    }
}

impl PartialEq for FittedLabels {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Something the user should know about how the library was assembled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A file replaced a catalogue of the same id with a newer version.
    Replaced {
        id: String,
        old_version: String,
        new_version: String,
        by: PathBuf,
    },
    /// A file was not used because a catalogue of the same id and a newer or equal version is loaded.
    Ignored {
        path: PathBuf,
        id: String,
        version: String,
        kept_version: String,
    },
    /// A file could not be used; the other catalogues still loaded.
    Invalid(Vec<Problem>),
    /// A directory could not be read.
    Unreadable {
        path: PathBuf,
        error: String,
        /// The error in Chinese.
        error_zh: String,
    },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::Replaced {
                id,
                old_version,
                new_version,
                by,
            } => write!(
                f,
                "catalogue {id}: version {new_version} from {} replaces version {old_version}",
                by.display()
            ),
            Notice::Ignored {
                path,
                id,
                version,
                kept_version,
            } => write!(
                f,
                "{}: catalogue {id} version {version} not used, version {kept_version} is already loaded",
                path.display()
            ),
            Notice::Invalid(problems) => {
                let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
            Notice::Unreadable { path, error, .. } => {
                write!(f, "{}: cannot read: {error}", path.display())
            }
        }
    }
}

impl Notice {
    /// The notice in the chosen language. (`Display` is the English one, for logs.)
    pub fn message(&self, lang: crate::cli::Lang) -> String {
        if lang == crate::cli::Lang::En {
            return self.to_string();
        }
        match self {
            Notice::Replaced {
                id,
                old_version,
                new_version,
                by,
            } => format!(
                "目录 {id}:{} 中的 {new_version} 版取代了 {old_version} 版",
                by.display()
            ),
            Notice::Ignored {
                path,
                id,
                version,
                kept_version,
            } => format!(
                "{}:目录 {id} 的 {version} 版未使用,已有 {kept_version} 版",
                path.display()
            ),
            Notice::Invalid(problems) => {
                let lines: Vec<String> = problems.iter().map(|p| p.message(lang)).collect();
                lines.join("\n")
            }
            Notice::Unreadable { path, error_zh, .. } => {
                format!("{}:无法读取:{error_zh}", path.display())
            }
        }
    }
}

/// All catalogues known to this run, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Library {
    entries: BTreeMap<String, Entry>,
    notices: Vec<Notice>,
}

impl Library {
    /// The shipped catalogues only.
    pub fn builtin() -> Library {
        let mut lib = Library::default();
        for (name, text) in builtin::BUILTIN {
            // The shipped files are fixed at build time and a test validates every one, so
            // they are read straight into their types; one that would not read still gets
            // the full check and its problems.
            if let Ok(c) = serde_json::from_str::<Catalogue>(text) {
                lib.add(c, Origin::Builtin);
                continue;
            }
            match validate_catalogue(name, text.as_bytes()) {
                Ok(c) => lib.add(c, Origin::Builtin),
                // A test checks every shipped file; keep going if one is broken anyway.
                Err(problems) => lib.notices.push(Notice::Invalid(problems)),
            }
        }
        lib
    }

    /// The shipped catalogues, then every `*.json` in each directory, in order.
    /// Directories that do not exist are skipped silently.
    pub fn load(dirs: &[PathBuf]) -> Library {
        let mut lib = Library::builtin();
        for dir in dirs {
            lib.add_dir(dir);
        }
        lib
    }

    /// Adds every `*.json` file of `dir` (sorted by name).
    pub fn add_dir(&mut self, dir: &Path) {
        let read = match std::fs::read_dir(dir) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => {
                self.notices.push(Notice::Unreadable {
                    path: dir.to_path_buf(),
                    error: e.to_string(),
                    error_zh: crate::store::io_message(&e, crate::cli::Lang::Zh),
                });
                return;
            }
        };
        let mut files: Vec<PathBuf> = read
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            })
            .collect();
        files.sort();
        for path in files {
            self.add_file(&path);
        }
    }

    /// Adds one catalogue file; problems become notices.
    pub fn add_file(&mut self, path: &Path) {
        match read_catalogue(path) {
            Ok(c) => self.add(c, Origin::File(path.to_path_buf())),
            Err(problems) => self.notices.push(Notice::Invalid(problems)),
        }
    }

    /// Adds a catalogue held in memory (tests, benchmarks, imports), with the same
    /// replace-by-newer-version rule as files.
    pub fn insert(&mut self, catalogue: Catalogue, origin: Origin) {
        self.add(catalogue, origin);
    }

    fn add(&mut self, catalogue: Catalogue, origin: Origin) {
        let id = catalogue.id.clone();
        if let Some(old) = self.entries.get(&id) {
            if compare_versions(&catalogue.version, &old.catalogue.version) != Ordering::Greater {
                if let Origin::File(path) = origin {
                    self.notices.push(Notice::Ignored {
                        path,
                        id,
                        version: catalogue.version,
                        kept_version: old.catalogue.version.clone(),
                    });
                }
                return;
            }
            if let Origin::File(by) = &origin {
                self.notices.push(Notice::Replaced {
                    id: id.clone(),
                    old_version: old.catalogue.version.clone(),
                    new_version: catalogue.version.clone(),
                    by: by.clone(),
                });
            }
        }
        self.entries.insert(id, Entry::new(catalogue, origin));
    }

    /// The catalogue with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// The catalogue a person names: by id, by name (就业) or by an alias, exactly; else the one
    /// catalogue whose id starts with, or whose name or an alias contains, the text. `Err`
    /// with the candidates (empty: none) when it names no single catalogue.
    pub fn find(&self, name: &str) -> Result<&Entry, Vec<&Entry>> {
        let key = name.trim();
        if key.is_empty() {
            return Err(Vec::new());
        }
        if let Some(e) = self.get(key) {
            return Ok(e);
        }
        let entries = self.entries();
        let lower = key.to_lowercase();
        let exact = |e: &&Entry| {
            let c = &e.catalogue;
            c.name.trim() == key
                || c.aliases
                    .iter()
                    .any(|a| a.trim() == key || a.trim().to_lowercase() == lower)
        };
        let partial = |e: &&Entry| {
            let c = &e.catalogue;
            c.id.starts_with(&lower)
                || c.name.contains(key)
                || c.aliases.iter().any(|a| a.to_lowercase().contains(&lower))
        };
        for way in [&exact as &dyn Fn(&&Entry) -> bool, &partial] {
            let hits: Vec<&Entry> = entries.iter().copied().filter(|e| way(e)).collect();
            match hits.as_slice() {
                [] => continue,
                [one] => return Ok(one),
                _ => return Err(hits),
            }
        }
        Err(Vec::new())
    }

    /// Every catalogue in list order: national first, then city, then local; inside a group by
    /// `order` (the official order of the 26), then those without one by name
    /// (see [`Catalogue::list_cmp`]). Every list of domains follows it.
    pub fn entries(&self) -> Vec<&Entry> {
        let mut v: Vec<&Entry> = self.entries.values().collect();
        v.sort_by(|a, b| a.catalogue.list_cmp(&b.catalogue));
        v
    }

    /// Sorts the domain choices of an assessment in the library's order (catalogues not in
    /// the library last, by id).
    pub fn order<'a, T>(
        &self,
        items: impl IntoIterator<Item = &'a T>,
        id: impl Fn(&T) -> &str,
    ) -> Vec<&'a T> {
        let rank: std::collections::HashMap<&str, usize> = self
            .entries()
            .into_iter()
            .enumerate()
            .map(|(i, e)| (e.catalogue.id.as_str(), i))
            .collect();
        let mut v: Vec<&T> = items.into_iter().collect();
        v.sort_by(|a, b| {
            let key = |x: &'a T| {
                (
                    rank.get(id(x)).copied().unwrap_or(usize::MAX),
                    id(x).to_string(),
                )
            };
            key(a).cmp(&key(b))
        });
        v
    }

    /// What happened while loading.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Number of catalogues.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no catalogue is loaded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Items checked and items in total over the involved domains of an assessment.
    pub fn progress(&self, a: &crate::model::assessment::Assessment) -> (usize, usize) {
        let mut t = crate::model::status::Tally::default();
        for d in a.domains().filter(|d| d.involved) {
            if let Some(e) = self.get(&d.checklist) {
                t.merge(&a.tally(
                    &d.checklist,
                    e.catalogue.items.iter().map(|i| i.id.as_str()),
                ));
            }
        }
        (t.checked(), t.total())
    }

    /// Catalogues of one group.
    pub fn group(&self, group: Group) -> impl Iterator<Item = &Entry> {
        self.entries()
            .into_iter()
            .filter(move |e| e.catalogue.group == group)
    }
}

/// Reads and validates one catalogue file, refusing files over the size limit before reading them.
pub fn read_catalogue(path: &Path) -> Result<Catalogue, Vec<Problem>> {
    let name = path.display().to_string();
    let fail = |message: String, message_zh: String| {
        vec![Problem {
            file: name.clone(),
            position: None,
            item: None,
            field: None,
            message,
            message_zh,
        }]
    };
    let unreadable = |e: std::io::Error| {
        fail(
            format!("cannot read: {e}"),
            format!(
                "无法读取:{}",
                crate::store::io_message(&e, crate::cli::Lang::Zh)
            ),
        )
    };
    let too_large = |size: u64| {
        fail(
            format!(
                "file is {size} bytes; catalogue files may be at most {MAX_CATALOGUE_BYTES} bytes"
            ),
            format!("文件有 {size} 字节,目录文件最多 {MAX_CATALOGUE_BYTES} 字节"),
        )
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    // A device (/dev/zero) or a FIFO named *.json is never opened: one reads forever, the
    // other waits for a writer (at start-up, in the data dir's checklists/).
    if !meta.is_file() {
        return Err(fail(
            crate::store::NOT_A_FILE.to_string(),
            crate::store::NOT_A_FILE_ZH.to_string(),
        ));
    }
    if meta.len() > MAX_CATALOGUE_BYTES as u64 {
        return Err(too_large(meta.len()));
    }
    // Read through the limit: the file may grow while it is read.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            use std::io::Read;
            f.take(MAX_CATALOGUE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(unreadable)?;
    if bytes.len() > MAX_CATALOGUE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    validate_catalogue(&name, &bytes)
}

/// Orders version labels the way people read them: runs of digits compare as numbers,
/// so `2024.10` is newer than `2024.9`.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let mut x = chunks(a);
    let mut y = chunks(b);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let ord = match (p.parse::<u128>(), q.parse::<u128>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    _ => p.cmp(q),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

fn chunks(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() != digit)
            .map_or(rest.len(), |(i, _)| i);
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("2024.10", "2024.9"), Ordering::Greater);
        assert_eq!(compare_versions("2020", "2021"), Ordering::Less);
        assert_eq!(compare_versions("v2", "v2"), Ordering::Equal);
        assert_eq!(compare_versions("2024.1", "2024"), Ordering::Greater);
        assert_eq!(compare_versions("2024-b", "2024-a"), Ordering::Greater);
    }
}
