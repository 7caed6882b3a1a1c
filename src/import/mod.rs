//! Importing official catalogue tables (xlsx, xls, csv, docx) into catalogue files.
//!
//! `read_tables` turns a file into grids with merged cells filled ([`table::Table`]);
//! `block` finds the header (title and note rows above it skipped, two-row merged headers
//! resolved by `header`) and reads the rows (`mark` reads ■□√●〇 marks, channel lists, 公开依据);
//! `ids` keeps item ids stable across re-imports and picks catalogue ids, names and versions.
//! [`plan`] does all of that without writing; [`write`] writes the files atomically;
//! [`report`] says what was understood. [`command`] is `zwgk checklist import`.

pub mod block;
pub mod csv;
pub mod docx;
pub mod error;
pub mod header;
pub mod ids;
pub mod limits;
pub mod mark;
pub mod table;
pub mod text;
pub mod xls;
pub mod xlsx;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::cli::{ChecklistCommand, GroupArg, Lang};
use crate::command::{EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK};
use crate::library::{Library, Origin, read_catalogue};
use crate::model::catalogue::{CHECKLIST_FORMAT, CHECKLIST_FORMAT_VERSION, Catalogue, Group};
use crate::model::validate::{id_problem, validate_catalogue};
use crate::text::sanitize;

pub use error::{ImportError, Where};

use block::{Skip, find_blocks, read_rows};
use header::Header;
use ids::{IdStats, VersionNote, assign_ids, choose_version, known_domain, name_from_title};
use table::{Place, Table, column_letter};
use text::{count_rows, field, place, quote, rows, words};

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--id`.
    pub id: Option<String>,
    /// `--name`.
    pub name: Option<String>,
    /// `--group`.
    pub group: Group,
    /// `--version`.
    pub version: Option<String>,
    /// `-o`: a file, or a folder for several catalogues.
    pub output: Option<PathBuf>,
    /// Today's date as a version label, `YYYY.MM.DD`.
    pub today: String,
}

/// One catalogue to be written, with what was understood on the way.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Where the table is in the file.
    pub place: Place,
    /// 1-based block number inside the table, and the number of blocks there.
    pub block: (usize, usize),
    /// The title row (0-based) and text, or the Word caption.
    pub title: Option<(Option<usize>, String)>,
    pub header: Header,
    /// Columns without a header that held values (0-based).
    pub unlabeled_used: Vec<usize>,
    /// The data rows looked at (0-based, exclusive end).
    pub data_rows: (usize, usize),
    /// Rows that became items (0-based).
    pub item_rows: Vec<usize>,
    /// Rows that did not, with why (0-based).
    pub skipped: Vec<(usize, Skip)>,
    pub catalogue: Catalogue,
    pub path: PathBuf,
    pub ids: IdStats,
    pub version_note: Option<VersionNote>,
    /// The catalogue of the library this one replaces: (version, where it came from).
    pub replaces: Option<(String, Origin)>,
}

/// The result of reading a file: every catalogue it holds, ready to write.
#[derive(Debug, Clone)]
pub struct Plan {
    pub file: PathBuf,
    /// CSV text encoding.
    pub encoding: Option<&'static str>,
    pub catalogues: Vec<Planned>,
}

/// The table formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// .xlsx, .xlsm, .xlsb, .xls (told apart by their bytes).
    Workbook,
    /// .csv, .txt, .tsv.
    Csv,
    /// .docx.
    Docx,
}

/// The format a file's name says, or why it cannot be read.
pub fn kind_of(path: &Path) -> Result<Kind, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" => Ok(Kind::Workbook),
        "csv" | "txt" | "tsv" => Ok(Kind::Csv),
        "docx" => Ok(Kind::Docx),
        "doc" | "wps" => Err(ImportError::Convert {
            file: path.to_path_buf(),
            ext,
            to: "docx",
        }),
        // calamine reads .ods whole while opening it, with no way to check its repeated rows
        // and columns first; WPS and LibreOffice save it as .xlsx.
        "et" | "ett" | "ods" => Err(ImportError::Convert {
            file: path.to_path_buf(),
            ext,
            to: "xlsx",
        }),
        _ => Err(ImportError::UnknownFormat {
            file: path.to_path_buf(),
        }),
    }
}

/// Reads every table of a file.
pub fn read_tables(path: &Path) -> Result<Vec<Table>, ImportError> {
    let kind = kind_of(path)?;
    let io = |error| ImportError::Io {
        file: path.to_path_buf(),
        error,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    // A device (/dev/zero) or a FIFO is never opened: one reads forever, the other waits.
    if !meta.is_file() {
        return Err(ImportError::NotAFile {
            file: path.to_path_buf(),
        });
    }
    let size = meta.len();
    if size > limits::MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            file: path.to_path_buf(),
            place: None,
            limit: Box::new(limits::Limit::FileSize { size }),
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limits::MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            file: path.to_path_buf(),
            place: None,
            limit: Box::new(limits::Limit::FileSize {
                size: bytes.len() as u64,
            }),
        });
    }
    read_tables_from(path, kind, &bytes)
}

/// Reads every table of a file's bytes; `path` names the file in messages. Every limit of
/// [`limits`] is checked before what it bounds is allocated, so any bytes give tables or an
/// error within bounded memory (the fuzz targets call this).
pub fn read_tables_from(path: &Path, kind: Kind, bytes: &[u8]) -> Result<Vec<Table>, ImportError> {
    let mut budget = limits::Budget::new();
    let tables = match kind {
        Kind::Workbook => xlsx::read(path, bytes, &mut budget)?,
        Kind::Csv => vec![csv::read(path, bytes, &mut budget)?],
        Kind::Docx => docx::read(path, bytes, &mut budget)?,
    };
    if tables.is_empty() {
        return Err(ImportError::NoTable {
            file: path.to_path_buf(),
        });
    }
    Ok(tables)
}

struct Found<'t> {
    table: &'t Table,
    block: block::Block,
    number: (usize, usize),
}

/// Reads the file and builds every catalogue in it, without writing anything.
pub fn plan(
    path: &Path,
    opts: &Options,
    library: &Library,
    data_dir: Option<&Path>,
) -> Result<Plan, ImportError> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(id) = &opts.id
        && let Some(problem) = id_problem(id)
    {
        return Err(ImportError::BadId {
            id: id.clone(),
            problem,
        });
    }
    let tables = read_tables(path)?;
    let encoding = tables.iter().find_map(|t| t.encoding);
    // Every block of every table; a sheet without a header is left out when others have one
    // (a cover sheet, a notes sheet), and is an error when none has.
    let mut found: Vec<Found<'_>> = Vec::new();
    let mut first_headerless: Option<&Table> = None;
    for table in &tables {
        let blocks = find_blocks(table);
        if blocks.is_empty() {
            first_headerless.get_or_insert(table);
        }
        let n = blocks.len();
        for (i, block) in blocks.into_iter().enumerate() {
            found.push(Found {
                table,
                block,
                number: (i + 1, n),
            });
        }
    }
    if found.is_empty() {
        return Err(ImportError::NoHeader {
            file: path.to_path_buf(),
            place: Where {
                place: first_headerless.map_or(Place::Csv, |t| t.place.clone()),
                block: None,
                file_name: file_name.clone(),
            },
        });
    }
    let several = found.len() > 1;
    let mut used_ids: BTreeSet<String> = BTreeSet::new();
    let mut planned = Vec::new();
    for (k, f) in found.iter().enumerate() {
        let table = f.table;
        let where_ = || Where {
            place: table.place.clone(),
            block: (f.number.1 > 1).then_some(f.number.0),
            file_name: file_name.clone(),
        };
        let title: Option<(Option<usize>, String)> = f
            .block
            .title
            .clone()
            .map(|(r, t)| (Some(r), t))
            .or_else(|| table.caption.clone().map(|c| (None, c)));
        let sheet_name = match &table.place {
            Place::Sheet(s) => s.clone(),
            _ => String::new(),
        };
        let title_text = title.as_ref().map(|(_, t)| t.clone()).unwrap_or_default();
        let caption = table.caption.clone().unwrap_or_default();
        let domain = known_domain(library, &[&title_text, &caption, &sheet_name]);

        // Catalogue id and group.
        let (mut id, group) = match (&opts.id, several) {
            (Some(id), false) => (id.clone(), opts.group),
            (Some(id), true) if k == 0 => (id.clone(), opts.group),
            (Some(id), true) => (format!("{id}-{}", k + 1), opts.group),
            (None, _) => match domain {
                Some((c, _)) => (c.id.clone(), c.group),
                None => {
                    return Err(ImportError::NeedId {
                        file: path.to_path_buf(),
                        place: where_(),
                    });
                }
            },
        };
        if used_ids.contains(&id) {
            let base = id.clone();
            let mut n = 2;
            while used_ids.contains(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
        }
        if let Some(problem) = id_problem(&id) {
            return Err(ImportError::BadId { id, problem });
        }
        used_ids.insert(id.clone());

        // Name: --name (one table), the domain named in the title, the title, the sheet name.
        let from_title = name_from_title(&title_text);
        let name = match (&opts.name, &domain) {
            (Some(n), _) if !several => n.clone(),
            (_, Some((_, matched))) => matched.clone(),
            _ if !from_title.is_empty() => from_title,
            _ if !is_default_sheet_name(&sheet_name) => sheet_name.clone(),
            _ => opts.name.clone().unwrap_or_else(|| file_stem(path)),
        };

        // Rows.
        let read = read_rows(table, &f.block);
        let first_data = f.block.header.row + f.block.header.height;
        if read.items.is_empty() {
            return Err(ImportError::NoItems {
                file: path.to_path_buf(),
                place: where_(),
                header_row: f.block.header.row + 1,
            });
        }
        let item_rows: Vec<usize> = read.items.iter().map(|(r, _)| *r).collect();
        let mut items: Vec<_> = read.items.into_iter().map(|(_, i)| i).collect();
        for item in &mut items {
            if item.level1.is_empty() {
                item.level1 = name.clone();
            }
            if item.level2.is_empty() {
                item.level2 = item.level1.clone();
            }
        }
        let unlabeled_used: Vec<usize> = f
            .block
            .header
            .columns
            .iter()
            .filter(|c| c.field == header::Field::Unlabeled)
            .filter(|c| {
                item_rows
                    .iter()
                    .any(|&r| !table.cell(r, c.index).trim().is_empty())
            })
            .map(|c| c.index)
            .collect();

        // Output and the catalogue it replaces.
        let out_path = output_path(opts, data_dir, &id, found.len())?;
        crate::output::resolve(&out_path)?;
        let from_file = if out_path.is_file() {
            read_catalogue(&out_path).ok().filter(|c| c.id == id)
        } else {
            None
        };
        let from_library = library.get(&id).map(|e| e.catalogue.clone());
        let replaces = library
            .get(&id)
            .filter(|e| e.origin != Origin::File(out_path.clone()))
            .map(|e| (e.catalogue.version.clone(), e.origin.clone()));
        let previous = from_file.clone().or_else(|| from_library.clone());
        let ids = assign_ids(&mut items, previous.as_ref());
        let mut aliases: Vec<String> = Vec::new();
        if let Some(p) = &previous {
            for a in p.aliases.iter().chain(std::iter::once(&p.name)) {
                if a != &name && !aliases.contains(a) {
                    aliases.push(a.clone());
                }
            }
        }
        // A table that replaces a catalogue of the same domain keeps its place in the official
        // order and the guideline's item count.
        let same_domain = previous.as_ref().filter(|p| p.group == group);
        let mut catalogue = Catalogue {
            format: CHECKLIST_FORMAT.into(),
            format_version: CHECKLIST_FORMAT_VERSION,
            id: id.clone(),
            name,
            aliases,
            group,
            order: same_domain.and_then(|p| p.order),
            version: String::new(),
            issuer: None,
            guideline_items: same_domain.and_then(|p| p.guideline_items.clone()),
            sources: vec![match &table.place {
                Place::Sheet(s) => format!("{file_name} ({s})"),
                Place::DocxTable(n) => format!("{file_name} (#{n})"),
                Place::Csv => file_name.clone(),
            }],
            sample: false,
            note: None,
            items,
        };
        let existing: Vec<&str> = [&from_file, &from_library]
            .into_iter()
            .flatten()
            .map(|c| c.version.as_str())
            .collect();
        let unchanged = opts.version.is_none()
            && previous.as_ref().is_some_and(|p| {
                let mut same = catalogue.clone();
                same.version = p.version.clone();
                &same == p
            });
        let (version, version_note) = if let (true, Some(p)) = (unchanged, &previous) {
            (p.version.clone(), Some(VersionNote::Unchanged))
        } else {
            choose_version(opts.version.as_deref(), &opts.today, &existing)
        };
        catalogue.version = version;
        let json = to_json(&catalogue);
        if let Err(problems) = validate_catalogue(&out_path.display().to_string(), json.as_bytes())
        {
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            return Err(ImportError::Invalid {
                file: path.to_path_buf(),
                place: where_(),
                problems: lines.join("\n"),
            });
        }
        planned.push(Planned {
            place: table.place.clone(),
            block: f.number,
            title,
            header: f.block.header.clone(),
            unlabeled_used,
            data_rows: (first_data, f.block.end),
            item_rows,
            skipped: read.skipped,
            catalogue,
            path: out_path,
            ids,
            version_note,
            replaces,
        });
    }
    Ok(Plan {
        file: path.to_path_buf(),
        encoding,
        catalogues: planned,
    })
}

fn to_json(c: &Catalogue) -> String {
    // A catalogue of strings, lists and maps always serializes.
    let mut s = serde_json::to_string_pretty(c).unwrap_or_default();
    s.push('\n');
    s
}

fn is_default_sheet_name(s: &str) -> bool {
    let t = s.trim().to_ascii_lowercase();
    t.is_empty()
        || t.starts_with("sheet")
        || t.starts_with("工作表")
        || t.starts_with("表")
        || t.chars().all(|c| c.is_ascii_digit())
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Where a catalogue goes: `-o FILE`, `-o DIR/<id>.json`, or `<data dir>/checklists/<id>.json`.
fn output_path(
    opts: &Options,
    data_dir: Option<&Path>,
    id: &str,
    count: usize,
) -> Result<PathBuf, ImportError> {
    let file = format!("{id}.json");
    match &opts.output {
        Some(o) if count > 1 => {
            if o.is_file() {
                return Err(ImportError::OutputNotFolder {
                    path: o.clone(),
                    count,
                });
            }
            Ok(o.join(file))
        }
        Some(o) => {
            let dir_like = o.is_dir()
                || o.as_os_str()
                    .to_string_lossy()
                    .ends_with(['/', std::path::MAIN_SEPARATOR]);
            Ok(if dir_like { o.join(file) } else { o.clone() })
        }
        None => data_dir
            .map(|d| d.join("checklists").join(file))
            .ok_or(ImportError::NoOutput),
    }
}

/// Writes every planned catalogue (atomically, one file each; regular files only, see
/// [`crate::output`]).
pub fn write(plan: &Plan) -> Result<(), ImportError> {
    for p in &plan.catalogues {
        if let Some(dir) = p.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|error| ImportError::Folder {
                path: dir.to_path_buf(),
                error,
            })?;
        }
        crate::output::write_file(&p.path, to_json(&p.catalogue).as_bytes())?;
    }
    Ok(())
}

/// What was understood, table by table (see the module docs of `text` for the words).
pub fn report(plan: &Plan, lang: Lang) -> String {
    let w = words(lang);
    let file_name = plan
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut s = String::new();
    let _ = write!(s, "{} {}", w.reading, plan.file.display());
    if let Some(e) = plan.encoding {
        let _ = write!(s, " ({} {e})", w.encoding);
    }
    s.push('\n');
    let total = plan.catalogues.len();
    for (k, p) in plan.catalogues.iter().enumerate() {
        let _ = write!(
            s,
            "[{}/{total}] {}",
            k + 1,
            place(lang, &p.place, &file_name)
        );
        if p.block.1 > 1 {
            let _ = match lang {
                Lang::Zh => write!(s, " 第 {} {}", p.block.0, w.block),
                Lang::En => write!(s, " {} {}", w.block, p.block.0),
            };
        }
        if let Some((row, t)) = &p.title {
            let _ = write!(s, "{}{}{}", w.sep, w.title, w.colon);
            let _ = write!(s, "{}", quote(lang, t));
            if let Some(r) = row {
                let _ = write!(s, " ({})", rows(lang, r + 1, r + 1));
            }
        }
        s.push('\n');
        let h = &p.header;
        let _ = writeln!(
            s,
            "  {}{}{}",
            w.header,
            w.colon,
            rows(lang, h.row + 1, h.row + h.height)
        );
        let _ = writeln!(s, "  {}{}", w.columns, w.colon.trim_end());
        for c in &h.columns {
            if c.field == header::Field::Unlabeled && !p.unlabeled_used.contains(&c.index) {
                continue;
            }
            let label = if c.label.is_empty() {
                "—".to_string()
            } else {
                c.label.replace('\n', " ")
            };
            let _ = writeln!(
                s,
                "    {} {} → {}",
                column_letter(c.index),
                quote(lang, &label),
                field(lang, &c.field)
            );
        }
        let (from, to) = p.data_rows;
        let looked = to.saturating_sub(from);
        let _ = write!(s, "  {}{}", w.data_rows, w.colon);
        if looked > 0 {
            let _ = write!(s, "{}{}", rows(lang, from + 1, to), w.comma);
        }
        let _ = writeln!(
            s,
            "{} {}{}{} {}",
            w.imported,
            count_rows(lang, p.item_rows.len()),
            w.sep,
            w.skipped,
            count_rows(lang, p.skipped.len())
        );
        const SHOWN: usize = 30;
        for (row, why) in p.skipped.iter().take(SHOWN) {
            let reason = match why {
                Skip::Blank => w.blank.to_string(),
                Skip::Separator(t) => match lang {
                    Lang::Zh => format!("{}{}", w.separator, quote(lang, t)),
                    Lang::En => format!("{} {}", w.separator, quote(lang, t)),
                },
                Skip::NoItem => w.no_item.to_string(),
                Skip::RepeatedHeader => w.repeated_header.to_string(),
            };
            let _ = writeln!(s, "    {}{}{reason}", rows(lang, row + 1, row + 1), w.colon);
        }
        if p.skipped.len() > SHOWN {
            let _ = writeln!(
                s,
                "    … {} {}",
                w.more,
                count_rows(lang, p.skipped.len() - SHOWN)
            );
        }
        let c = &p.catalogue;
        let _ = write!(
            s,
            "  {} {} {} {} {}{}{} {}",
            w.catalogue,
            c.id,
            quote(lang, &c.name),
            w.version,
            c.version,
            w.colon,
            c.items.len(),
            w.items
        );
        let ids = &p.ids;
        if ids.reused > 0 || !ids.retired.is_empty() {
            let _ = write!(
                s,
                " ({} {}{}{} {}",
                w.ids_kept, ids.reused, w.sep, w.ids_new, ids.new
            );
            if !ids.retired.is_empty() {
                const LISTED: usize = 20;
                let mut list = ids.retired[..ids.retired.len().min(LISTED)].join(", ");
                if ids.retired.len() > LISTED {
                    list.push_str(", …");
                }
                let _ = write!(
                    s,
                    "{}{} {}{}{list}",
                    w.sep,
                    w.ids_retired,
                    ids.retired.len(),
                    w.colon,
                );
            }
            s.push(')');
        }
        s.push('\n');
        match &p.version_note {
            Some(VersionNote::Bumped { existing }) => {
                let _ = writeln!(s, "  {} {} ({existing})", w.bumped, c.version);
            }
            Some(VersionNote::Older { existing }) => {
                let _ = writeln!(s, "  {} {existing}", w.older);
            }
            Some(VersionNote::Unchanged) => {
                let _ = writeln!(s, "  {}", w.unchanged);
            }
            None => {}
        }
        let older = matches!(p.version_note, Some(VersionNote::Older { .. }));
        if let Some((version, origin)) = p.replaces.as_ref().filter(|_| !older) {
            let from = match origin {
                Origin::Builtin => w.builtin.to_string(),
                Origin::File(path) => path.display().to_string(),
            };
            let _ = writeln!(
                s,
                "  {} {} ({} {version}, {from})",
                w.replaces, c.id, w.version
            );
        }
        let _ = writeln!(s, "  {} {}", w.written, p.path.display());
    }
    sanitize(&s, true)
}

/// Today's date in China time as a version label, `YYYY.MM.DD`.
pub fn today() -> String {
    crate::clock::version_label(crate::clock::now_millis())
}

fn group_of(g: GroupArg) -> Group {
    match g {
        GroupArg::National => Group::National,
        GroupArg::City => Group::City,
        GroupArg::Local => Group::Local,
    }
}

/// Runs `zwgk checklist import`.
pub fn command(
    cmd: &ChecklistCommand,
    library: &Library,
    lang: Lang,
    data_dir: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let ChecklistCommand::Import {
        file,
        id,
        name,
        group,
        version,
        output,
    } = cmd
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let opts = Options {
        id: id.clone(),
        name: name.clone(),
        group: group_of(*group),
        version: version.clone(),
        output: output.clone(),
        today: today(),
    };
    let fail = |e: ImportError, err: &mut dyn Write| -> io::Result<i32> {
        writeln!(err, "{}", sanitize(&e.message(lang), true))?;
        Ok(if e.is_bad_input() {
            EXIT_BAD_INPUT
        } else {
            EXIT_FAILURE
        })
    };
    let plan = match plan(file, &opts, library, data_dir) {
        Ok(p) => p,
        Err(e) => return fail(e, err),
    };
    // Into the data directory only under its lock, as every writer there: a running app holds
    // it (its `i` writes catalogues while it holds it), and then this is refused.
    let _lock = match data_dir {
        Some(dir)
            if plan
                .catalogues
                .iter()
                .any(|p| crate::store::is_inside(dir, &p.path)) =>
        {
            let now = crate::clock::rfc3339(crate::clock::now_millis());
            let locked = std::fs::create_dir_all(dir)
                .map_err(|source| crate::store::StoreError::Io {
                    path: dir.to_path_buf(),
                    source,
                })
                .and_then(|()| crate::store::lock_dir(dir, &now));
            match locked {
                Ok(lock) => Some(lock),
                Err(e) => {
                    writeln!(err, "{}", sanitize(&e.message_for_writer(lang), false))?;
                    return Ok(EXIT_FAILURE);
                }
            }
        }
        _ => None,
    };
    if let Err(e) = write(&plan) {
        return fail(e, err);
    }
    write!(out, "{}", report(&plan, lang))?;
    Ok(EXIT_OK)
}
