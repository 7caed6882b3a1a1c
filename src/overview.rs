//! The county overview (汇总): per township and per domain — checked %, compliance %,
//! 结论不同, open and overdue tasks, conflicts, last hand-over — over the assessments of a data
//! directory, a folder of bundles, or both.
//!
//! Built to stream: each assessment is read, reduced to a [`Digest`] (figures and one status
//! per item, a few kB) and dropped, so a province's 1,800 townships fit in bounded memory.
//! The figures are those of each township's own report ([`crate::report::domain_tally`]).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::library::Library;
use crate::model::assessment::{Assessment, DomainChoice, Header, Kind};
use crate::model::doc::{DocKey, DocKind};
use crate::model::rectification::{TaskResponse, TaskSpec, task_state};
use crate::model::status::{Status, Tally};

pub mod fast;

/// What the overview keeps of one assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub id: String,
    pub kind: Kind,
    pub partition: String,
    pub unit: String,
    pub county: String,
    pub round: String,
    pub created: String,
    pub reviews: Option<String>,
    /// Per involved domain, in the library's order: (catalogue id, tally).
    pub domains: Vec<(String, Tally)>,
    /// Conflicts per domain (catalogue id → documents in conflict), and elsewhere ("").
    pub conflicts: BTreeMap<String, usize>,
    /// Open and overdue tasks per domain.
    pub tasks: BTreeMap<String, (usize, usize)>,
    /// The status of every answered item: `<catalogue>/<item>` → status.
    pub statuses: BTreeMap<String, Status>,
    /// When it last arrived here (RFC 3339), if known.
    pub hand_over: Option<String>,
}

impl Digest {
    /// Reduces an assessment (its figures as on `today`, `YYYY-MM-DD`).
    pub fn of(a: &Assessment, library: &Library, today: &str) -> Digest {
        Digest::from_current(Current::of(a), library, today)
    }

    /// Reduces the current state of an assessment, however it was read.
    pub fn from_current(c: Current, library: &Library, today: &str) -> Digest {
        let choices = library.order(c.domains.values(), |d| d.checklist.as_str());
        let domains = choices
            .iter()
            .filter(|d| d.involved)
            .map(|d| (d.checklist.clone(), c.tally(library, &d.checklist)))
            .collect();
        let mut conflicts: BTreeMap<String, usize> = BTreeMap::new();
        for k in &c.conflicted {
            let domain = match k.kind {
                DocKind::Domain => k.key.clone(),
                _ => k.item_ids().map(|(c, _)| c.to_string()).unwrap_or_default(),
            };
            *conflicts.entry(domain).or_default() += 1;
        }
        let mut tasks: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (key, spec) in &c.tasks {
            let state = task_state(spec, c.responses.get(key));
            if state.is_open() {
                let e = tasks.entry(spec.checklist.clone()).or_default();
                e.0 += 1;
                if spec.is_overdue(state, today) {
                    e.1 += 1;
                }
            }
        }
        let statuses = c
            .results
            .into_iter()
            .filter(|(_, s)| s.is_checked())
            .collect();
        let h = c.header;
        Digest {
            id: c.id,
            kind: c.kind,
            partition: c.partition,
            unit: h.unit.name,
            county: h.unit.county,
            round: h.round,
            created: h.created,
            reviews: h.reviews,
            domains,
            conflicts,
            tasks,
            statuses,
            hand_over: None,
        }
    }

    fn total(&self) -> Tally {
        let mut t = Tally::default();
        for (_, d) in &self.domains {
            t.merge(d);
        }
        t
    }
}

/// The current state of one assessment, as far as the overview looks: what a [`Digest`] is
/// made of. [`Current::of`] takes it from a loaded [`Assessment`]; `fast` reads it from an
/// assessment file without building the assessment (the same value: `tests/overview_fast.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub id: String,
    pub kind: Kind,
    pub partition: String,
    /// The current header (empty when the header document is deleted).
    pub header: Header,
    /// The current domain choices, by catalogue id.
    pub domains: BTreeMap<String, DomainChoice>,
    /// The status of every item whose result is current: `<catalogue>/<item>` → status.
    pub results: BTreeMap<String, Status>,
    /// The current tasks (the inspector's part), by `<catalogue>/<item>`.
    pub tasks: BTreeMap<String, TaskSpec>,
    /// The current responses (the township's part), by `<catalogue>/<item>`.
    pub responses: BTreeMap<String, TaskResponse>,
    /// The documents with unresolved conflicts.
    pub conflicted: Vec<DocKey>,
    /// Revisions in all documents (when one assessment comes from several sources, the copy
    /// with the most counts).
    pub revisions: usize,
}

impl Current {
    /// The current state of a loaded assessment.
    pub fn of(a: &Assessment) -> Current {
        let current = |kind: DocKind| {
            a.docs
                .of_kind(kind)
                .filter_map(|(k, d)| Some((k.key.clone(), d.current()?)))
        };
        Current {
            id: a.id.clone(),
            kind: a.kind,
            partition: a.partition.clone(),
            header: a.header().clone(),
            domains: current(DocKind::Domain)
                .filter_map(|(k, b)| Some((k, b.as_domain()?.clone())))
                .collect(),
            results: current(DocKind::Result)
                .filter_map(|(k, b)| Some((k, b.as_result()?.status)))
                .collect(),
            tasks: current(DocKind::Task)
                .filter_map(|(k, b)| Some((k, b.as_task()?.clone())))
                .collect(),
            responses: current(DocKind::Response)
                .filter_map(|(k, b)| Some((k, b.as_response()?.clone())))
                .collect(),
            conflicted: a.docs.conflicted().map(|(k, _)| k.clone()).collect(),
            revisions: a.docs.revision_count(),
        }
    }

    /// The status counts of one domain, as its report counts them
    /// ([`crate::report::domain_tally`]): every item of the catalogue, or, without the
    /// catalogue, every item that has a current result.
    fn tally(&self, library: &Library, checklist: &str) -> Tally {
        let mut t = Tally::default();
        match library.get(checklist) {
            Some(e) => {
                // One key buffer for the domain's items (a city has hundreds of thousands).
                let mut key = format!("{checklist}/");
                let stem = key.len();
                for item in &e.catalogue.items {
                    key.truncate(stem);
                    key.push_str(&item.id);
                    t.add(self.results.get(&key).copied().unwrap_or(Status::Unchecked));
                }
            }
            None => {
                for (k, s) in &self.results {
                    if k.split_once('/').is_some_and(|(c, _)| c == checklist) {
                        t.add(*s);
                    }
                }
            }
        }
        t
    }
}

/// One township (or one of its domains) in the overview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// 自查: checked items / items, compliant / applicable checked.
    pub self_check: Option<TallyFigures>,
    /// 回头看: the same over the inspection.
    pub inspection: Option<TallyFigures>,
    /// Items whose inspection verdict differs from the township's answer.
    pub differs: usize,
    pub open_tasks: usize,
    pub overdue_tasks: usize,
    pub conflicts: usize,
}

/// Counts and percentages of a tally.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TallyFigures {
    pub items: usize,
    pub checked: usize,
    pub compliant: usize,
    pub partial: usize,
    pub missing: usize,
    pub not_applicable: usize,
    /// Whole percent, rounded down, as in the reports.
    pub checked_pct: Option<usize>,
    pub compliance_pct: Option<usize>,
}

impl From<&Tally> for TallyFigures {
    fn from(t: &Tally) -> Self {
        TallyFigures {
            items: t.total(),
            checked: t.checked(),
            compliant: t.compliant,
            partial: t.partial,
            missing: t.missing,
            not_applicable: t.not_applicable,
            checked_pct: t.checked_pct(),
            compliance_pct: t.compliance_pct(),
        }
    }
}

/// One township of the overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRow {
    pub partition: String,
    pub unit: String,
    pub county: String,
    /// The self-check and inspection shown (the latest of each).
    pub self_check_id: Option<String>,
    pub inspection_id: Option<String>,
    pub round: String,
    pub figures: Figures,
    /// When something of this township last arrived here (RFC 3339).
    pub last_hand_over: Option<String>,
    /// Per domain, in the library's order: (catalogue id, domain name, figures).
    pub domains: Vec<DomainFigures>,
}

/// One domain of one township.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainFigures {
    pub checklist: String,
    pub name: String,
    pub figures: Figures,
}

/// Gathers digests and builds the overview.
#[derive(Debug, Default)]
pub struct Overview {
    digests: Vec<Digest>,
    /// Assessment files read by the overview's own reader ([`fast`]) rather than loaded.
    fast: usize,
}

impl Overview {
    /// Adds one assessment's digest.
    pub fn add(&mut self, d: Digest) {
        self.digests.push(d);
    }

    /// Number of assessments read.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// True when nothing was read.
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    /// How many assessment files [`read`] took by [`fast::read`] (the others were loaded).
    pub fn read_fast(&self) -> usize {
        self.fast
    }

    /// One row per township (partition), by county then unit name.
    pub fn rows(&self, library: &Library) -> Vec<UnitRow> {
        let mut by_unit: BTreeMap<&str, Vec<&Digest>> = BTreeMap::new();
        for d in &self.digests {
            by_unit.entry(d.partition.as_str()).or_default().push(d);
        }
        let latest = |ds: &[&Digest], kind: Kind| -> Option<usize> {
            (0..ds.len())
                .filter(|&i| ds[i].kind == kind)
                .max_by(|&a, &b| {
                    ds[a]
                        .created
                        .cmp(&ds[b].created)
                        .then(ds[a].id.cmp(&ds[b].id))
                })
        };
        let name_of = |c: &str| {
            library
                .get(c)
                .map_or_else(|| c.to_string(), |e| e.catalogue.name.clone())
        };
        let mut rows: Vec<UnitRow> = by_unit
            .into_iter()
            .map(|(partition, ds)| {
                let sc = latest(&ds, Kind::SelfCheck).map(|i| ds[i]);
                let insp = latest(&ds, Kind::Inspection).map(|i| ds[i]);
                // The self-check the inspection reviews, when it is here; else the latest.
                let reviewed = insp
                    .and_then(|i| i.reviews.as_deref())
                    .and_then(|id| ds.iter().copied().find(|d| d.id == id))
                    .or(sc);
                let main = insp.or(sc).unwrap_or(ds[0]);
                let differs_in = |domain: Option<&str>| -> usize {
                    let (Some(i), Some(s)) = (insp, reviewed) else {
                        return 0;
                    };
                    i.statuses
                        .iter()
                        .filter(|(k, _)| {
                            domain.is_none_or(|c| k.split_once('/').is_some_and(|(x, _)| x == c))
                        })
                        .filter(|(k, st)| s.statuses.get(*k).is_some_and(|t| t != *st))
                        .count()
                };
                let sum = |m: &BTreeMap<String, usize>, d: Option<&str>| -> usize {
                    m.iter()
                        .filter(|(k, _)| d.is_none_or(|c| k.as_str() == c))
                        .map(|(_, v)| v)
                        .sum()
                };
                let tasks = |d: Option<&str>| -> (usize, usize) {
                    insp.into_iter()
                        .chain(sc)
                        .flat_map(|x| x.tasks.iter())
                        .filter(|(k, _)| d.is_none_or(|c| k.as_str() == c))
                        .fold((0, 0), |acc, (_, (o, v))| (acc.0 + o, acc.1 + v))
                };
                let conflicts = |d: Option<&str>| -> usize {
                    sc.into_iter()
                        .chain(insp)
                        .map(|x| sum(&x.conflicts, d))
                        .sum()
                };
                let tally_of = |x: Option<&Digest>, d: Option<&str>| -> Option<TallyFigures> {
                    let x = x?;
                    match d {
                        None => Some((&x.total()).into()),
                        Some(c) => x
                            .domains
                            .iter()
                            .find(|(k, _)| k == c)
                            .map(|(_, t)| t.into()),
                    }
                };
                let figures = |d: Option<&str>| {
                    let (open_tasks, overdue_tasks) = tasks(d);
                    Figures {
                        self_check: tally_of(sc, d),
                        inspection: tally_of(insp, d),
                        differs: differs_in(d),
                        open_tasks,
                        overdue_tasks,
                        conflicts: conflicts(d),
                    }
                };
                let mut domain_ids: Vec<&str> = Vec::new();
                for x in sc.into_iter().chain(insp) {
                    for (c, _) in &x.domains {
                        if !domain_ids.contains(&c.as_str()) {
                            domain_ids.push(c);
                        }
                    }
                }
                let ordered = library.order(domain_ids.iter(), |c| c);
                UnitRow {
                    partition: partition.to_string(),
                    unit: main.unit.clone(),
                    county: main.county.clone(),
                    self_check_id: sc.map(|d| d.id.clone()),
                    inspection_id: insp.map(|d| d.id.clone()),
                    round: main.round.clone(),
                    figures: figures(None),
                    last_hand_over: ds.iter().filter_map(|d| d.hand_over.clone()).max(),
                    domains: ordered
                        .into_iter()
                        .map(|c| DomainFigures {
                            checklist: c.to_string(),
                            name: name_of(c),
                            figures: figures(Some(c)),
                        })
                        .collect(),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            (&a.county, &a.unit, &a.partition).cmp(&(&b.county, &b.unit, &b.partition))
        });
        rows
    }
}

// ---------------------------------------------------------------------------------------------
// Reading: data directories, bundles, folders of bundles, assessment files
// ---------------------------------------------------------------------------------------------

/// One source of assessments.
enum Source {
    /// An assessment file, with when it last arrived here (from a data dir's `sync.json`).
    File(std::path::PathBuf, Option<String>),
    /// A bundle.
    Bundle(std::path::PathBuf),
}

/// What the overview needs of an assessment file in a data directory, as
/// [`crate::store::load_own`] reads it (journals included): by [`fast::read`] when it can,
/// else by loading the assessment.
pub fn read_own(path: &std::path::Path) -> Result<Current, crate::store::StoreError> {
    read_own_counted(path).0
}

/// [`read_own`], and whether [`fast::read`] took the file.
fn read_own_counted(path: &std::path::Path) -> (Result<Current, crate::store::StoreError>, bool) {
    match fast::read(path) {
        Some(c) => (Ok(c), true),
        None => (crate::store::load_own(path).map(|a| Current::of(&a)), false),
    }
}

/// Reads every assessment under `paths` into an overview: a data directory (its
/// `assessments/`, with the hand-over times of its `sync.json`), a bundle, a folder of
/// bundles, or an assessment file. Bundles are checked whole, as an import checks them. Each
/// worker (one per core) holds one assessment at a time. When one assessment comes from
/// several sources, the copy with the most revisions counts. Returns the overview and one
/// message per source that could not be read.
pub fn read(
    paths: &[std::path::PathBuf],
    library: &Library,
    today: &str,
    lang: crate::cli::Lang,
) -> (Overview, Vec<String>) {
    let mut sources = Vec::new();
    for p in paths {
        if p.is_dir() && p.join("assessments").is_dir() {
            let state = crate::sync::state::SyncState::load(p);
            let mut arrived: HashMap<&str, &str> = HashMap::new();
            for r in &state.received {
                for (id, _) in &r.assessments {
                    let e = arrived.entry(id.as_str()).or_insert(r.imported.as_str());
                    if r.imported.as_str() > *e {
                        *e = r.imported.as_str();
                    }
                }
            }
            let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(p.join("assessments"))
                .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            files.retain(|f| f.extension().is_some_and(|x| x == "json"));
            files.sort();
            for f in files {
                let id = f.file_stem().map(|s| s.to_string_lossy().into_owned());
                let when = id
                    .as_deref()
                    .and_then(|id| arrived.get(id))
                    .map(|t| (*t).to_string());
                sources.push(Source::File(f, when));
            }
        } else {
            for f in crate::command::import_files(std::slice::from_ref(p)) {
                if crate::sync::bundle::is_bundle(&f) {
                    sources.push(Source::Bundle(f));
                } else {
                    sources.push(Source::File(f, None));
                }
            }
        }
    }
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(sources.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let digest = |c: Current, hand_over: Option<String>| {
        let (id, revisions) = (c.id.clone(), c.revisions);
        let mut d = Digest::from_current(c, library, today);
        d.hand_over = hand_over;
        (id, revisions, d)
    };
    /// One worker's digests (id, revisions, digest), the problems it met and how many files
    /// it read the fast way.
    type Found = (Vec<(String, usize, Digest)>, Vec<String>, usize);
    let results: Vec<Found> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut digests = Vec::new();
                    let mut problems = Vec::new();
                    let mut fast = 0;
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(source) = sources.get(i) else { break };
                        match source {
                            Source::File(f, when) => {
                                let (read, was_fast) = read_own_counted(f);
                                fast += usize::from(was_fast);
                                match read {
                                    Ok(c) => digests.push(digest(c, when.clone())),
                                    Err(e) => problems.push(e.message(lang)),
                                }
                            }
                            Source::Bundle(f) => match crate::sync::bundle::open(f) {
                                Ok(b) => {
                                    for a in &b.assessments {
                                        let c = Current::of(a);
                                        digests.push(digest(c, Some(b.header.created.clone())));
                                    }
                                }
                                Err(e) => problems.push(e.message(lang)),
                            },
                        }
                    }
                    (digests, problems, fast)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut best: HashMap<String, (usize, Digest)> = HashMap::new();
    let mut problems = Vec::new();
    let mut fast = 0;
    for (digests, p, f) in results {
        problems.extend(p);
        fast += f;
        for (id, revisions, d) in digests {
            match best.get(&id) {
                Some((n, _)) if *n >= revisions => {}
                _ => {
                    best.insert(id, (revisions, d));
                }
            }
        }
    }
    problems.sort();
    let mut o = Overview {
        fast,
        ..Overview::default()
    };
    let mut all: Vec<(String, (usize, Digest))> = best.into_iter().collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, (_, d)) in all {
        o.add(d);
    }
    (o, problems)
}

// ---------------------------------------------------------------------------------------------
// Writing: terminal table, CSV, xlsx, HTML, JSON
// ---------------------------------------------------------------------------------------------

/// Output formats of `zwgk summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Xlsx,
    Html,
    Json,
}

fn pct(p: Option<usize>) -> String {
    p.map_or_else(|| "-".into(), |p| format!("{p}%"))
}

/// The column headings of a row, in the language.
pub fn headings(lang: crate::cli::Lang) -> [&'static str; 12] {
    match lang {
        crate::cli::Lang::Zh => [
            "单位",
            "区划代码",
            "领域",
            "自查进度",
            "自查落实率",
            "复查进度",
            "复查落实率",
            "结论不同",
            "整改中",
            "逾期",
            "冲突",
            "最近交接",
        ],
        crate::cli::Lang::En => [
            "Unit",
            "Division code",
            "Domain",
            "Self-check checked",
            "Self-check compliance",
            "Inspection checked",
            "Inspection compliance",
            "Verdicts differ",
            "Open tasks",
            "Overdue",
            "Conflicts",
            "Last hand-over",
        ],
    }
}

/// The cells of one township (domain `None`) or one of its domains.
pub fn cells(row: &UnitRow, domain: Option<&DomainFigures>) -> [String; 12] {
    let f = domain.map_or(&row.figures, |d| &d.figures);
    let progress = |t: &Option<TallyFigures>| {
        t.as_ref().map_or_else(
            || "-".into(),
            |t| format!("{}/{} {}", t.checked, t.items, pct(t.checked_pct)),
        )
    };
    let compliance = |t: &Option<TallyFigures>| {
        t.as_ref()
            .map_or_else(|| "-".into(), |t| pct(t.compliance_pct))
    };
    let hand = row
        .last_hand_over
        .as_deref()
        .and_then(crate::clock::parse_rfc3339)
        .map(crate::clock::local_time)
        .unwrap_or_default();
    [
        crate::text::sanitize(&row.unit, false),
        if row.partition.starts_with('u') {
            String::new()
        } else {
            row.partition.clone()
        },
        domain.map_or_else(String::new, |d| crate::text::sanitize(&d.name, false)),
        progress(&f.self_check),
        compliance(&f.self_check),
        progress(&f.inspection),
        compliance(&f.inspection),
        f.differs.to_string(),
        f.open_tasks.to_string(),
        f.overdue_tasks.to_string(),
        f.conflicts.to_string(),
        if domain.is_some() {
            String::new()
        } else {
            hand
        },
    ]
}

/// The rows as cell lists: each township, then (with `by_domain`) its domains.
fn table_rows(rows: &[UnitRow], by_domain: bool) -> Vec<[String; 12]> {
    let mut out = Vec::new();
    for r in rows {
        out.push(cells(r, None));
        if by_domain {
            for d in &r.domains {
                out.push(cells(r, Some(d)));
            }
        }
    }
    out
}

/// Writes the overview in a format. The terminal table fits `width` columns (CJK measured).
pub fn render(
    rows: &[UnitRow],
    format: Format,
    lang: crate::cli::Lang,
    by_domain: bool,
    width: usize,
) -> Result<Vec<u8>, String> {
    let heads = headings(lang);
    match format {
        Format::Json => serde_json::to_vec_pretty(rows).map_err(|e| e.to_string()),
        Format::Csv => {
            let mut w = ::csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
            w.write_record(heads).map_err(|e| e.to_string())?;
            for r in table_rows(rows, true) {
                w.write_record(r.iter().map(|c| crate::report::formula_safe(c)))
                    .map_err(|e| e.to_string())?;
            }
            w.into_inner().map_err(|e| e.to_string())
        }
        Format::Html => Ok(html(rows, lang, &heads).into_bytes()),
        Format::Xlsx => xlsx(rows, &heads, lang).map_err(|e| e.to_string()),
        Format::Table => Ok(table(rows, &heads, by_domain, width).into_bytes()),
    }
}

fn table(rows: &[UnitRow], heads: &[&str; 12], by_domain: bool, width: usize) -> String {
    use crate::text::{pad, truncate, width as w};
    let body = table_rows(rows, by_domain);
    // Which columns: the domain column only by domain; the code only when wide enough.
    let mut shown: Vec<usize> = (0..12).collect();
    if !by_domain {
        shown.retain(|&c| c != 2);
    }
    let col_w = |c: usize| {
        body.iter()
            .map(|r| w(&r[c]))
            .chain([w(heads[c])])
            .max()
            .unwrap_or(2)
            .min(if c == 0 || c == 2 { 16 } else { 18 })
    };
    let mut widths: Vec<(usize, usize)> = shown.iter().map(|&c| (c, col_w(c))).collect();
    while widths.iter().map(|(_, x)| x + 2).sum::<usize>() > width && widths.len() > 4 {
        // Drop the least needed column first: code, last hand-over, then the rest from the right.
        let drop = [1, 11, 6, 4]
            .into_iter()
            .find(|c| widths.iter().any(|(x, _)| x == c))
            .unwrap_or(widths[widths.len() - 1].0);
        widths.retain(|(c, _)| *c != drop);
    }
    let line = |cells: &dyn Fn(usize) -> String| {
        widths
            .iter()
            .map(|(c, cw)| pad(&truncate(&cells(*c), *cw), *cw))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(&|c| heads[c].to_string());
    out.push('\n');
    for r in &body {
        out.push_str(&line(&|c| r[c].clone()));
        out.push('\n');
    }
    out
}

fn html(rows: &[UnitRow], lang: crate::cli::Lang, heads: &[&str; 12]) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let title = match lang {
        crate::cli::Lang::Zh => "政务公开检查汇总",
        crate::cli::Lang::En => "Government openness overview",
    };
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:2px 6px;white-space:nowrap}}td.n{{text-align:right}}tr.unit td{{font-weight:bold;background:#f3f3f3}}@page{{size:A4 landscape;margin:12mm}}</style></head><body>\n<h1>{title}</h1>\n<table>\n<thead><tr>",
        match lang {
            crate::cli::Lang::Zh => "zh-CN",
            crate::cli::Lang::En => "en",
        }
    );
    for h in heads {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        for (domain, class) in
            std::iter::once((None, "unit")).chain(r.domains.iter().map(|d| (Some(d), "domain")))
        {
            s.push_str(&format!("<tr class=\"{class}\">"));
            for (i, c) in cells(r, domain).iter().enumerate() {
                let cls = if i >= 3 { " class=\"n\"" } else { "" };
                s.push_str(&format!("<td{cls}>{}</td>", esc(c)));
            }
            s.push_str("</tr>\n");
        }
    }
    s.push_str("</tbody></table>\n</body></html>\n");
    s
}

fn xlsx(
    rows: &[UnitRow],
    heads: &[&str; 12],
    lang: crate::cli::Lang,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as XFormat, Workbook};
    let mut wb = Workbook::new();
    let bold = XFormat::new().set_bold();
    let (units, domains) = match lang {
        crate::cli::Lang::Zh => ("按单位", "按领域"),
        crate::cli::Lang::En => ("By unit", "By domain"),
    };
    for (name, by_domain) in [(units, false), (domains, true)] {
        let sheet = wb.add_worksheet();
        sheet.set_name(name)?;
        for (c, h) in heads.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
            let cw = if c < 3 { 18.0 } else { 12.0 };
            sheet.set_column_width(c as u16, cw)?;
        }
        let body: Vec<[String; 12]> = if by_domain {
            rows.iter()
                .flat_map(|r| r.domains.iter().map(move |d| cells(r, Some(d))))
                .collect()
        } else {
            rows.iter().map(|r| cells(r, None)).collect()
        };
        for (i, r) in body.iter().enumerate() {
            for (c, v) in r.iter().enumerate() {
                let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
                match v.parse::<f64>() {
                    Ok(n) if (7..=10).contains(&c) => {
                        sheet.write_number(row, c as u16, n)?;
                    }
                    _ => {
                        sheet.write_string(row, c as u16, v.as_str())?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 1)?;
        sheet.autofilter(0, 0, u32::try_from(body.len()).unwrap_or(0), 11)?;
    }
    wb.save_to_buffer()
}
