//! The zwgk binary: parse arguments, open the data directory (lock, load) before the
//! terminal is touched, then run the app or a subcommand.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use zwgk::cli::{Cli, Command};
use zwgk::command::{self, EXIT_FAILURE};
use zwgk::library::Library;
use zwgk::state::App;
use zwgk::store::{Store, StoreError};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => {
            // stderr may be gone too; there is nobody left to tell.
            let _ = writeln!(io::stderr(), "zwgk: {}", error_text(&e));
            ExitCode::from(u8::try_from(EXIT_FAILURE).unwrap_or(1))
        }
    }
}

/// The error and its causes, each once. Some error types show their source in their own
/// message as well as returning it as `source()` (e.g. `StoreError::Io`: "path: No such file
/// or directory (os error 2)"); anyhow's `{:#}` would print that cause twice.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Standard output that remembers when its reader went away (`zwgk checklist show … | head -1`).
/// Writing then fails with `BrokenPipe`; the command stops, and zwgk exits quietly with success,
/// as the reader has all it wanted.
struct Stdout<'a> {
    inner: io::StdoutLock<'a>,
    closed: bool,
}

impl Stdout<'_> {
    fn watch<T>(&mut self, r: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &r
            && e.kind() == io::ErrorKind::BrokenPipe
        {
            self.closed = true;
        }
        r
    }
}

impl Write for Stdout<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.inner.write(buf);
        self.watch(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.inner.flush();
        self.watch(r)
    }
}

fn data_dir(cli: &Cli) -> Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    directories::ProjectDirs::from("cn", "zwgk", "zwgk")
        .map(|p| p.data_dir().to_path_buf())
        .context("cannot find a home directory for the data; pass --data-dir DIR")
}

fn library_message(app: &App) -> Option<String> {
    let notices = app.library.notices();
    let first = notices.first()?;
    let first = first
        .message(app.lang)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    Some(match notices.len() {
        1 => first,
        n => format!("{first} (+{})", n - 1),
    })
}

fn run(cli: Cli) -> Result<i32> {
    let dir = data_dir(&cli)?;
    let mut catalogue_dirs = vec![dir.join("checklists")];
    catalogue_dirs.extend(cli.checklists.iter().cloned());
    let mut out = Stdout {
        inner: io::stdout().lock(),
        closed: false,
    };
    let mut err = io::stderr().lock();
    let done = subcommand(&cli, &dir, &catalogue_dirs, &mut out, &mut err);
    match done {
        Some(Err(_)) if out.closed => Ok(0),
        Some(result) => result,
        None => {
            drop((out, err));
            run_app(cli, dir, catalogue_dirs)
        }
    }
}

/// Runs the subcommand, or `None` for the app.
fn subcommand(
    cli: &Cli,
    dir: &std::path::Path,
    catalogue_dirs: &[PathBuf],
    out: &mut Stdout<'_>,
    err: &mut dyn Write,
) -> Option<Result<i32>> {
    if cli.read_only
        && let Some(cmd) = &cli.command
    {
        match command::refuse_read_only(cmd, dir, cli.lang, err) {
            Ok(None) => {}
            Ok(Some(code)) => return Some(Ok(code)),
            Err(e) => return Some(Err(e.into())),
        }
    }
    let result = match &cli.command {
        Some(Command::Checklist(cmd)) => {
            let library = Library::load(catalogue_dirs);
            command::checklist(cmd, &library, cli.lang, Some(dir), out, err).map_err(Into::into)
        }
        Some(Command::Schema { which }) => command::schema(*which, out).map_err(Into::into),
        Some(Command::List { format }) => {
            let library = Library::load(catalogue_dirs);
            command::list_assessments(dir, &library, *format, cli.lang, out, err)
                .map_err(Into::into)
        }
        Some(Command::Report {
            assessment,
            format,
            output,
            kind,
        }) => {
            let library = Library::load(catalogue_dirs);
            zwgk::report::command(
                assessment, *format, *kind, output, dir, &library, cli.lang, out, err,
            )
            .map_err(Into::into)
        }
        Some(Command::Import { files }) => {
            let library = Library::load(catalogue_dirs);
            command::import(dir, files, &library, cli.lang, out, err).map_err(Into::into)
        }
        Some(Command::Export { keys, output }) => {
            let library = Library::load(catalogue_dirs);
            let user = cli.user.clone().unwrap_or_default();
            let who = zwgk::sync::bundle::Who {
                user: &user,
                role: role_of(cli.role),
            };
            command::export(
                dir,
                keys,
                output,
                &library,
                who,
                cli.read_only,
                cli.lang,
                out,
                err,
            )
            .map_err(Into::into)
        }
        Some(Command::Summary {
            paths,
            format,
            by_domain,
            output,
        }) => {
            let library = Library::load(catalogue_dirs);
            command::summary(
                dir,
                paths,
                *format,
                *by_domain,
                output.as_deref(),
                &library,
                cli.lang,
                out,
                err,
            )
            .map_err(Into::into)
        }
        Some(Command::Sync { action, url }) => command::sync::run(
            dir,
            action.as_ref(),
            url.as_deref(),
            role_of(cli.role),
            cli.lang,
            &|k| std::env::var(k).ok(),
            out,
            err,
        )
        .map_err(Into::into),
        Some(Command::SaveLoop { changes }) => {
            command::save_loop(dir, *changes, out).map_err(Into::into)
        }
        None => return None,
    };
    Some(result)
}

/// Opens the data directory and runs the app.
fn run_app(cli: Cli, dir: PathBuf, catalogue_dirs: Vec<PathBuf>) -> Result<i32> {
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    // Errors of the data dir are said in the interface's language (the terminal is not taken
    // over yet).
    let fail = |e: StoreError| -> Result<i32> {
        eprintln!("zwgk: {}", e.message(cli.lang));
        Ok(EXIT_FAILURE)
    };
    // --read-only writes nothing: no lock file, no device file, no journal (a write-protected
    // USB stick or a backup opens as well as a free folder).
    let opened = if cli.read_only {
        Store::open_read_only(&dir)
    } else {
        Store::open(&dir, &now)
    };
    let mut store = match opened {
        Ok(store) => store,
        Err(e @ StoreError::Locked { .. }) if !cli.read_only => return fail(e),
        Err(StoreError::Locked { .. }) => match Store::open_read_only(&dir) {
            Ok(store) => store,
            Err(e) => return fail(e),
        },
        Err(e) => return fail(e),
    };
    let (library, listed) = zwgk::app::load_and_list(&mut store, &catalogue_dirs);
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => return fail(e),
    };
    let (listing, duplicates) = zwgk::app::listing(listed, cli.lang);
    let mut app = App::new(cli.lang, library, store.device().id.clone(), listing);
    app.read_only = store.is_read_only();
    app.duplicates = duplicates;
    app.hand_over = zwgk::sync::state::SyncState::load(&dir);
    app.user = cli
        .user
        .clone()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| store.device().user.clone());
    app.catalogue_dirs = catalogue_dirs.clone();
    // Where the clerk stopped in each assessment, on this device.
    app.places = store.places();
    // What happened while loading catalogues (a bad file, a replaced catalogue) is shown
    // on the start screen, where it is seen; stderr would be hidden by the full screen.
    app.message = library_message(&app);
    app.role = role_of(cli.role);
    app.sync_server = zwgk::sync::couch::config::load(&dir)
        .ok()
        .flatten()
        .map(|c| c.url);
    // An inspector starts on the overview of every township.
    if app.role.is_inspector() {
        zwgk::update::show_overview(&mut app);
    }
    zwgk::app::run(app, store)?;
    Ok(0)
}

fn role_of(r: zwgk::cli::RoleArg) -> zwgk::model::revision::Role {
    match r {
        zwgk::cli::RoleArg::Township => zwgk::model::revision::Role::Township,
        zwgk::cli::RoleArg::County => zwgk::model::revision::Role::County,
    }
}
