//! The zwgk binary: parse arguments, open the data directory (lock, load) before the
//! terminal is touched, then run the app or a subcommand.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use zwgk::cli::{Cli, Command};
use zwgk::command::{self, EXIT_FAILURE};
use zwgk::library::Library;
use zwgk::state::{App, Listing};
use zwgk::store::{Store, StoreError};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => {
            eprintln!("zwgk: {e:#}");
            ExitCode::from(u8::try_from(EXIT_FAILURE).unwrap_or(1))
        }
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
    let mut out = io::stdout().lock();
    let mut err = io::stderr().lock();
    match &cli.command {
        Some(Command::Checklist(cmd)) => {
            let library = Library::load(&catalogue_dirs);
            Ok(command::checklist(
                cmd,
                &library,
                cli.lang,
                Some(&dir),
                &mut out,
                &mut err,
            )?)
        }
        Some(Command::Schema { which }) => Ok(command::schema(*which, &mut out)?),
        Some(Command::List { format }) => {
            let library = Library::load(&catalogue_dirs);
            Ok(command::list_assessments(
                &dir, &library, *format, cli.lang, &mut out, &mut err,
            )?)
        }
        Some(Command::Report {
            assessment,
            format,
            output,
        }) => {
            let library = Library::load(&catalogue_dirs);
            Ok(zwgk::report::command(
                assessment, *format, output, &dir, &library, cli.lang, &mut out, &mut err,
            )?)
        }
        Some(Command::Import { file }) => Ok(command::import_assessment(
            &dir, file, cli.lang, &mut out, &mut err,
        )?),
        Some(Command::SaveLoop { changes }) => Ok(command::save_loop(&dir, *changes, &mut out)?),
        None => {
            drop((out, err));
            let now = time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            // Errors of the data dir are said in the interface's language (the terminal is
            // not taken over yet).
            let fail = |e: StoreError| -> Result<i32> {
                eprintln!("zwgk: {}", e.message(cli.lang));
                Ok(EXIT_FAILURE)
            };
            let mut store = match Store::open(&dir, &now) {
                Ok(store) => store,
                Err(e @ StoreError::Locked { .. }) if !cli.read_only => return fail(e),
                Err(StoreError::Locked { .. }) => match Store::open_read_only(&dir) {
                    Ok(store) => store,
                    Err(e) => return fail(e),
                },
                Err(e) => return fail(e),
            };
            let library = Library::load(&catalogue_dirs);
            let listed = match store.list() {
                Ok(listed) => listed,
                Err(e) => return fail(e),
            };
            let listing = listed
                .into_iter()
                .map(|(path, loaded)| Listing {
                    backup: loaded
                        .is_err()
                        .then(|| zwgk::store::load_backup(&path))
                        .flatten(),
                    path: path.display().to_string(),
                    assessment: loaded.map_err(|e| e.message(cli.lang)),
                })
                .collect();
            let mut app = App::new(cli.lang, library, store.device().id.clone(), listing);
            app.read_only = store.is_read_only();
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
            app.role = match cli.role {
                zwgk::cli::RoleArg::Township => zwgk::model::revision::Role::Township,
                zwgk::cli::RoleArg::County => zwgk::model::revision::Role::County,
            };
            zwgk::app::run(app, store)?;
            Ok(0)
        }
    }
}
