//! The non-interactive subcommands. Each writes to the given writers and returns the exit code.

pub mod sync;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::cli::{ChecklistCommand, Lang, ListFormat, SchemaKind};
use crate::library::{Library, read_catalogue};
use crate::text::{pad, sanitize, width, wrap};
use crate::ui::row::item_fields;
use crate::ui::strings::strings;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: the operation failed.
pub const EXIT_FAILURE: i32 = 1;
/// Exit code: bad usage or bad input.
pub const EXIT_BAD_INPUT: i32 = 2;

/// `--read-only` never writes into the data directory: the subcommands made to change it
/// (`import`, `checklist import`, `sync`) are refused whole before anything is opened, and an
/// output named inside it (`report -o`, `summary -o`, `export -o`) is refused too; both exit
/// with [`EXIT_BAD_INPUT`] and say why. `None`: the command may run (reading only).
pub fn refuse_read_only(
    command: &crate::cli::Command,
    data_dir: &Path,
    lang: Lang,
    err: &mut dyn Write,
) -> io::Result<Option<i32>> {
    use crate::cli::Command as C;
    let s = strings(lang);
    let refused = match command {
        C::Import { .. } => Some("zwgk import"),
        C::Checklist(ChecklistCommand::Import { .. }) => Some("zwgk checklist import"),
        C::Sync { .. } => Some("zwgk sync"),
        C::SaveLoop { .. } => Some("zwgk save-loop"),
        _ => None,
    };
    if let Some(name) = refused {
        writeln!(err, "{}", s.read_only_refused.replace("{command}", name))?;
        return Ok(Some(EXIT_BAD_INPUT));
    }
    let output = match command {
        C::Report { output, .. } if output.as_os_str() != "-" => Some(output),
        C::Summary {
            output: Some(output),
            ..
        } => Some(output),
        C::Export { output, .. } => Some(output),
        _ => None,
    };
    match output {
        Some(o) if crate::store::is_inside(data_dir, o) => {
            writeln!(
                err,
                "{}",
                s.read_only_inside
                    .replace("{path}", &sanitize(&o.display().to_string(), false))
                    .replace("{dir}", &sanitize(&data_dir.display().to_string(), false))
            )?;
            Ok(Some(EXIT_BAD_INPUT))
        }
        _ => Ok(None),
    }
}

/// Runs `zwgk checklist …`. `data_dir` is where `import` writes by default.
pub fn checklist(
    cmd: &ChecklistCommand,
    library: &Library,
    lang: Lang,
    data_dir: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    match cmd {
        ChecklistCommand::List => list(library, lang, out, err),
        ChecklistCommand::Show { id } => show(library, id, lang, out, err),
        ChecklistCommand::Validate { paths } => validate(paths, lang, out, err),
        ChecklistCommand::Import { .. } => {
            crate::import::command(cmd, library, lang, data_dir, out, err)
        }
    }
}

fn list(
    library: &Library,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let s = strings(lang);
    for notice in library.notices() {
        writeln!(err, "{}", sanitize(&notice.message(lang), true))?;
    }
    let items_header = format!("{}/{}", s.col_items, s.col_guideline);
    let header = [
        s.col_id,
        s.col_name,
        s.col_group,
        s.col_version,
        items_header.as_str(),
        s.col_sample,
    ];
    let rows: Vec<[String; 6]> = library
        .entries()
        .iter()
        .map(|e| {
            let c = &e.catalogue;
            [
                sanitize(&c.id, false),
                sanitize(&c.name, false),
                s.group(c.group).to_string(),
                sanitize(&c.version, false),
                match &c.guideline_items {
                    Some(g) => format!("{}/{}", c.items.len(), g.count),
                    None => c.items.len().to_string(),
                },
                if c.sample { s.yes } else { s.no }.to_string(),
            ]
        })
        .collect();
    write_columns(out, &header, &rows)?;
    Ok(EXIT_OK)
}

/// A plain-text table: each column as wide as its widest cell (measured in terminal
/// columns), two spaces between columns, no trailing blanks.
fn write_columns<const N: usize>(
    out: &mut dyn Write,
    header: &[&str; N],
    rows: &[[String; N]],
) -> io::Result<()> {
    let mut widths = header.map(width);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |cells: [&str; N]| -> String {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| pad(c, w)).collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(*header))?;
    for row in rows {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str)))?;
    }
    Ok(())
}

fn show(
    library: &Library,
    id: &str,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let s = strings(lang);
    let entry = match library.find(id) {
        Ok(entry) => entry,
        Err(candidates) if candidates.is_empty() => {
            writeln!(err, "{}: {}", s.unknown_catalogue, sanitize(id, false))?;
            writeln!(err, "{}", s.see_checklist_list)?;
            return Ok(EXIT_BAD_INPUT);
        }
        Err(candidates) => {
            writeln!(err, "{}: {}", s.catalogue_ambiguous, sanitize(id, false))?;
            for e in candidates {
                writeln!(
                    err,
                    "  {}  {}",
                    e.catalogue.id,
                    sanitize(&e.catalogue.name, false)
                )?;
            }
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let c = &entry.catalogue;
    let cols = terminal_columns();
    writeln!(
        out,
        "{} ({}) · {} · {} {} · {} {}",
        sanitize(&c.name, false),
        c.id,
        s.group(c.group),
        s.col_version,
        sanitize(&c.version, false),
        c.items.len(),
        s.items_unit
    )?;
    if c.sample {
        writeln!(out, "{}", s.sample_notice)?;
    }
    if !c.aliases.is_empty() {
        writeln!(
            out,
            "{}: {}",
            s.field_aliases,
            sanitize(&c.aliases.join("、"), false)
        )?;
    }
    if let Some(issuer) = &c.issuer {
        writeln!(out, "{}: {}", s.field_issuer, sanitize(issuer, false))?;
    }
    for ((item, fp), label) in c.items.iter().zip(&entry.fingerprints).zip(c.labels()) {
        writeln!(out)?;
        writeln!(
            out,
            "[{}] {}  {}",
            sanitize(&item.id, false),
            sanitize(&label.to_string(), false),
            fp.short()
        )?;
        let mut fields = item_fields(item, s);
        for src in &item.sources {
            let mirror = if src.mirror {
                format!(" ({})", s.mirror)
            } else {
                String::new()
            };
            fields.push((
                s.field_sources.to_string(),
                format!("{}{mirror}", sanitize(&src.url, false)),
            ));
        }
        let label_w = fields.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
        let text_w = cols.saturating_sub(label_w + 4).max(20);
        for (label, text) in fields {
            for (i, line) in wrap(&text, text_w).into_iter().enumerate() {
                let label = if i == 0 { label.as_str() } else { "" };
                writeln!(out, "  {}  {}", pad(label, label_w), line)?;
            }
        }
    }
    Ok(EXIT_OK)
}

fn validate(
    paths: &[PathBuf],
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let s = strings(lang);
    let mut code = EXIT_OK;
    for path in paths {
        match read_catalogue(path) {
            Ok(c) => writeln!(
                out,
                "{}: {} ({} {}, {} {})",
                path.display(),
                s.valid,
                sanitize(&c.id, false),
                sanitize(&c.version, false),
                c.items.len(),
                s.items_unit
            )?,
            Err(problems) => {
                code = EXIT_BAD_INPUT;
                for p in problems {
                    writeln!(err, "{}", sanitize(&p.message(lang), false))?;
                }
            }
        }
    }
    Ok(code)
}

/// Prints the JSON Schema of a file format.
pub fn schema(which: SchemaKind, out: &mut dyn Write) -> io::Result<i32> {
    writeln!(out, "{}", crate::schema::schema_json(which))?;
    Ok(EXIT_OK)
}

fn terminal_columns() -> usize {
    crossterm::terminal::size()
        .map(|(w, _)| usize::from(w))
        .unwrap_or(100)
        .clamp(40, 160)
}

/// `zwgk save-loop` (hidden): records a change and saves, over and over, printing `ack N`
/// once change N is on disk. The crash-safety test kills it at random moments and checks
/// that every acknowledged change survived.
pub fn save_loop(
    dir: &Path,
    changes: u64,
    out: &mut dyn Write,
) -> Result<i32, crate::store::StoreError> {
    use crate::model::assessment::{
        Assessment, DomainChoice, Header, ItemResult, Kind, NewAssessment, Unit,
    };
    use crate::model::doc::Body;
    use crate::model::revision::{Author, Role};
    use crate::model::status::Status;

    let now = crate::clock::now_millis();
    let mut store = crate::store::Store::open(dir, &crate::clock::rfc3339(now))?;
    // Folds between kills too: every few changes the journal is folded beside the loop.
    store.set_fold_after(7);
    let library = Library::builtin();
    let Some(entry) = library.get("employment") else {
        return Ok(EXIT_FAILURE);
    };
    let author = Author {
        name: "save-loop".into(),
        device: store.device().id.clone(),
        role: Role::Township,
    };
    let existing = store.list()?.into_iter().find_map(|(_, a)| a.ok());
    let invalid = |path: PathBuf, e: &dyn std::fmt::Display| crate::store::StoreError::Invalid {
        path,
        message: e.to_string(),
    };
    let mut assessment = match existing {
        Some(a) => a,
        None => {
            let unit = Unit {
                name: "测试镇".into(),
                ..Unit::default()
            };
            let header = Header {
                unit: unit.clone(),
                round: "torture".into(),
                assessor: "save-loop".into(),
                created: crate::clock::rfc3339(now),
                reviews: None,
            };
            let domains = vec![DomainChoice {
                checklist: "employment".into(),
                version: entry.catalogue.version.clone(),
                involved: true,
                reason: None,
                summary: String::new(),
            }];
            let id = uuid::Uuid::now_v7().to_string();
            Assessment::create(
                NewAssessment {
                    id: id.to_string(),
                    kind: Kind::SelfCheck,
                    partition: unit.partition(),
                    header,
                    domains,
                    basis: None,
                },
                author.clone(),
                now,
            )
            .map_err(|e| invalid(store.assessment_path(&id), &e))?
        }
    };
    let items = &entry.catalogue.items;
    let first = assessment
        .docs
        .of_kind(crate::model::doc::DocKind::Result)
        .map(|(_, d)| d.len() as u64)
        .sum::<u64>()
        + 1;
    let mut n = first;
    while changes == 0 || n < first + changes {
        let item = &items[(n as usize) % items.len()];
        let body = ItemResult {
            checklist: "employment".into(),
            item: item.id.clone(),
            status: if n % 2 == 0 {
                Status::Compliant
            } else {
                Status::Partial
            },
            note: format!("change {n}"),
            fingerprint: item.fingerprint(),
            ..ItemResult::default()
        };
        if let Err(e) = assessment.record(
            Body::Result(body),
            author.clone(),
            crate::clock::now_millis(),
        ) {
            return Err(invalid(store.assessment_path(&assessment.id), &e));
        }
        store.save(&assessment)?;
        if writeln!(out, "ack {n}").and_then(|()| out.flush()).is_err() {
            break;
        }
        n += 1;
    }
    Ok(EXIT_OK)
}

/// The files an import names: bundles and assessment files as given; a folder stands for
/// the bundles in it (sorted by name).
pub fn import_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            inside.retain(|f| crate::sync::bundle::is_bundle(f) && f.is_file());
            inside.sort();
            out.extend(inside);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// `zwgk import FILE...`: brings bundles (`.zwgk`) and assessment files (`.json`) handed over
/// into the data directory, each checked whole and merged with what is here; a folder stands
/// for the bundles in it. One line per file says what arrived; a refused file changes nothing.
pub fn import(
    dir: &Path,
    files: &[PathBuf],
    library: &Library,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let now = crate::clock::now_millis();
    let mut store = match crate::store::Store::open(dir, &crate::clock::rfc3339(now)) {
        Ok(store) => store,
        Err(e) => {
            writeln!(err, "{}", sanitize(&e.message(lang), false))?;
            return Ok(EXIT_FAILURE);
        }
    };
    let files = import_files(files);
    if files.is_empty() {
        writeln!(err, "{}", strings(lang).import_no_files)?;
        return Ok(EXIT_BAD_INPUT);
    }
    let mut code = EXIT_OK;
    let mut written = Ok(());
    // Bundles are read and checked (every revision id) a few ahead on the other cores while
    // the one before is merged here; each is merged, and said, in the order given.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    crate::sync::ahead::in_order(
        files.len(),
        workers + 1,
        |i| {
            let file = &files[i];
            crate::sync::bundle::is_bundle(file).then(|| crate::sync::bundle::open(file))
        },
        |i, opened| {
            if written.is_err() {
                return;
            }
            let file = &files[i];
            let result = match opened {
                Some(b) => b.and_then(|b| crate::sync::bundle::import(&mut store, b, library, now)),
                None => crate::sync::bundle::import_assessment_file(&mut store, file, now),
            };
            written = match result {
                Ok(report) => writeln!(out, "{}", report.message(lang)),
                Err(e) => {
                    code = match e {
                        crate::sync::bundle::BundleError::Io { .. } => EXIT_FAILURE,
                        _ => EXIT_BAD_INPUT,
                    };
                    writeln!(err, "{}", sanitize(&e.message(lang), false))
                }
            };
        },
    );
    written?;
    Ok(code)
}

#[allow(clippy::too_many_arguments)] // the command's inputs, each distinct; called once from main
/// `zwgk export [ID|UNIT ...] [-o DIR]`: one bundle per unit (partition) of the chosen
/// assessments — all when none is named — each with the assessments that travel with it.
/// With `read_only` the data directory is read as it is (no lock, nothing noted as sent).
pub fn export(
    dir: &Path,
    keys: &[String],
    output: &Path,
    library: &Library,
    who: crate::sync::bundle::Who<'_>,
    read_only: bool,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let now = crate::clock::now_millis();
    let mut store = match crate::store::Store::open_read_only(dir) {
        Ok(store) => store,
        Err(e) => {
            writeln!(err, "{}", sanitize(&e.message(lang), false))?;
            return Ok(EXIT_FAILURE);
        }
    };
    // Export takes the lock when it can, to note what was sent; a held dir is read as is.
    if !read_only && let Ok(s) = crate::store::Store::open(dir, &crate::clock::rfc3339(now)) {
        store = s;
    }
    let listed = match store.list() {
        Ok(l) => l,
        Err(e) => {
            writeln!(err, "{}", sanitize(&e.message(lang), false))?;
            return Ok(EXIT_FAILURE);
        }
    };
    let refs: Vec<&crate::model::assessment::Assessment> =
        listed.iter().filter_map(|(_, a)| a.as_ref().ok()).collect();
    let readable = |i: &usize| listed[*i].1.is_ok();
    let mut indices: Vec<usize> = Vec::new();
    for key in keys {
        // A key that names several (a unit's rounds, a county's units) exports them all.
        let found = match crate::store::find::find(&listed, key) {
            crate::store::find::Found::One(i) => vec![i],
            crate::store::find::Found::Many(all) => all,
            crate::store::find::Found::None => Vec::new(),
        };
        let found: Vec<usize> = found.into_iter().filter(readable).collect();
        if found.is_empty() {
            writeln!(
                err,
                "{}: {}",
                sanitize(key, false),
                strings(lang).no_such_assessment
            )?;
            return Ok(EXIT_BAD_INPUT);
        }
        indices.extend(found);
    }
    if keys.is_empty() {
        indices = (0..listed.len()).filter(readable).collect();
    }
    indices.sort_unstable();
    indices.dedup();
    let chosen: Vec<&crate::model::assessment::Assessment> = indices
        .iter()
        .filter_map(|&i| listed[i].1.as_ref().ok())
        .collect();
    if !output.is_dir() {
        writeln!(err, "{}: {}", output.display(), strings(lang).not_a_folder)?;
        return Ok(EXIT_BAD_INPUT);
    }
    // One bundle per unit, each with what travels with its assessments.
    let mut partitions: Vec<&str> = chosen.iter().map(|a| a.partition.as_str()).collect();
    partitions.sort();
    partitions.dedup();
    let mut code = EXIT_OK;
    for p in partitions {
        let mut group: Vec<&crate::model::assessment::Assessment> = Vec::new();
        for a in chosen.iter().filter(|a| a.partition == p) {
            for c in crate::sync::companions(a, &refs) {
                if !group.iter().any(|g| g.id == c.id) {
                    group.push(c);
                }
            }
        }
        match crate::sync::bundle::export(&store, &group, output, library, who, now, lang) {
            Ok(path) => writeln!(
                out,
                "{} {} ({} {})",
                strings(lang).bundle_written,
                path.display(),
                group.len(),
                strings(lang).assessments_unit
            )?,
            Err(e) => {
                writeln!(err, "{}", sanitize(&e.message(lang), false))?;
                code = EXIT_FAILURE;
            }
        }
    }
    Ok(code)
}

#[allow(clippy::too_many_arguments)] // the command's inputs, each distinct; called once from main
/// `zwgk summary [PATH...]`: the county overview of data dirs, bundles and folders (this data
/// dir when none is given), as a terminal table or in a file format.
pub fn summary(
    dir: &Path,
    paths: &[PathBuf],
    format: crate::cli::SummaryFormat,
    by_domain: bool,
    output: Option<&Path>,
    library: &Library,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    use crate::cli::SummaryFormat as F;
    use crate::overview::Format;
    let paths = if paths.is_empty() {
        vec![dir.to_path_buf()]
    } else {
        paths.to_vec()
    };
    let today = crate::clock::date(crate::clock::now_millis());
    let (overview, problems) = crate::overview::read(&paths, library, &today, lang);
    for p in &problems {
        writeln!(err, "{}", sanitize(p, false))?;
    }
    let rows = overview.rows(library);
    let format = match format {
        F::Table => Format::Table,
        F::Csv => Format::Csv,
        F::Xlsx => Format::Xlsx,
        F::Html => Format::Html,
        F::Json => Format::Json,
    };
    let bytes = match crate::overview::render(&rows, format, lang, by_domain, terminal_columns()) {
        Ok(b) => b,
        Err(e) => {
            writeln!(err, "{e}")?;
            return Ok(EXIT_FAILURE);
        }
    };
    match output {
        None => out.write_all(&bytes)?,
        Some(path) => {
            if let Err(e) = crate::output::write_file(path, &bytes) {
                writeln!(err, "{}", sanitize(&e.message(lang), false))?;
                return Ok(EXIT_BAD_INPUT);
            }
            writeln!(
                err,
                "{} {} ({} {})",
                strings(lang).summary_written,
                path.display(),
                rows.len(),
                strings(lang).units_unit
            )?;
        }
    }
    Ok(if problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_BAD_INPUT
    })
}

/// `zwgk list`: the assessments of the data directory (read without taking its lock): id,
/// unit, kind, round, progress and last change, as a table or as JSON. A file that cannot be
/// read is listed with the reason.
pub fn list_assessments(
    dir: &Path,
    library: &Library,
    format: ListFormat,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    use crate::model::assessment::Kind;
    let s = strings(lang);
    let listed = match crate::store::Store::open_read_only(dir).and_then(|mut st| st.list()) {
        Ok(listed) => listed,
        Err(e) => {
            writeln!(err, "{}", sanitize(&e.message(lang), false))?;
            return Ok(EXIT_FAILURE);
        }
    };
    let kind_word = |k: Kind| match k {
        Kind::SelfCheck => s.kind_self_check,
        Kind::Inspection => s.kind_inspection,
    };
    if format == ListFormat::Json {
        let rows: Vec<serde_json::Value> = listed
            .iter()
            .map(|(path, loaded)| match loaded {
                Ok(a) => {
                    let (checked, total) = library.progress(a);
                    let unit = a.unit();
                    serde_json::json!({
                        "id": a.id,
                        "file": path.display().to_string(),
                        "kind": a.kind.as_str(),
                        "unit": unit.name,
                        "division_code": unit.division_code,
                        "county": unit.county,
                        "round": a.round(),
                        "assessor": a.assessor(),
                        "checked": checked,
                        "total": total,
                        "conflicts": a.conflict_count(),
                        "last_change": crate::clock::rfc3339(a.clock.millis),
                    })
                }
                Err(e) => serde_json::json!({
                    "id": path.file_stem().map(|s| s.to_string_lossy().into_owned()),
                    "file": path.display().to_string(),
                    "error": e.message(lang),
                }),
            })
            .collect();
        let text = serde_json::to_string_pretty(&rows).map_err(io::Error::other)?;
        writeln!(out, "{text}")?;
        return Ok(EXIT_OK);
    }
    let header = [
        s.col_id,
        s.col_unit,
        s.col_kind,
        s.col_round,
        s.col_progress,
        s.col_last_change,
    ];
    let rows: Vec<[String; 6]> = listed
        .iter()
        .map(|(path, loaded)| match loaded {
            Ok(a) => {
                let (checked, total) = library.progress(a);
                let mut progress = format!("{checked}/{total}");
                if a.conflict_count() > 0 {
                    progress.push_str(&format!(" {}{}", s.conflict_mark, a.conflict_count()));
                }
                [
                    a.id.clone(),
                    sanitize(&a.unit().name, false),
                    kind_word(a.kind).to_string(),
                    sanitize(a.round(), false),
                    progress,
                    crate::clock::local_time(a.clock.millis),
                ]
            }
            // Only the word here: a message is too long for a column; each follows the table.
            Err(_) => [
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                s.cannot_open.to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    if rows.is_empty() {
        writeln!(err, "{}", s.list_empty)?;
        return Ok(EXIT_OK);
    }
    write_columns(out, &header, &rows)?;
    let mut first = true;
    for (_, loaded) in &listed {
        if let Err(e) = loaded {
            if std::mem::take(&mut first) {
                writeln!(out)?;
            }
            writeln!(out, "{}", sanitize(&e.message(lang), false))?;
        }
    }
    Ok(EXIT_OK)
}
