//! Start time and memory of the app on one long-lived assessment: `items` items in catalogues
//! of 50, every item answered `revisions` times (`zwgk::synthetic`), written into a data
//! directory with its catalogues. Measures, in this process, what `zwgk` does before its first
//! frame (catalogues, data directory, every assessment read, the start screen drawn), then
//! opens the assessment in the walk and reports the peak resident memory.
//!
//! ```sh
//! cargo run --release --example app_scale -- --items 20000 --dir /tmp/zwgk-20k --write
//! cargo run --release --example app_scale -- --dir /tmp/zwgk-20k
//! cargo run --release --example app_scale -- --dir /tmp/zwgk-20k --memory
//! ```
//! `--write` makes the data directory and stops; other processes measure, so that the peak
//! memory is the app's, not the generator's, and `--memory` starts only once.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zwgk::cli::Lang;
use zwgk::state::{App, Screen};
use zwgk::store::Store;
use zwgk::synthetic::{Spec, catalogues, library, township};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 2000)]
    items: usize,
    #[arg(long, default_value_t = 10)]
    revisions: usize,
    /// The data directory to write (replaced).
    #[arg(long)]
    dir: PathBuf,
    /// Start-ups to time.
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// Write the data directory and stop.
    #[arg(long)]
    write: bool,
    /// Start once, open the assessment in the walk and report the peak memory (no timing:
    /// repeated start-ups would leave the allocator's free memory in the figure).
    #[arg(long)]
    memory: bool,
}

/// Peak and current resident memory (Linux), in MB.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or("n/a".to_string(), |kb| {
                format!("{:.0} MB", kb as f64 / 1024.0)
            })
    };
    format!("peak {} (now {})", field("VmHWM:"), field("VmRSS:"))
}

fn start(dir: &std::path::Path) -> anyhow::Result<(App, Store, [Duration; 4])> {
    let t0 = Instant::now();
    let mut store = Store::open(dir, "2026-11-27T06:40:05Z")?;
    let t1 = Instant::now();
    // As `zwgk` starts: catalogues on a thread of their own while the data dir is read.
    let (library, listed) = zwgk::app::load_and_list(&mut store, &[dir.join("checklists")]);
    let (listing, _) = zwgk::app::listing(listed?, Lang::Zh);
    let t2 = Instant::now();
    let mut app = App::new(Lang::Zh, library, store.device().id.clone(), listing);
    app.width = 120;
    app.page = 32;
    let mut term = Terminal::new(TestBackend::new(120, 40))?;
    term.draw(|f| zwgk::ui::view(&app, f))?;
    let t3 = Instant::now();
    Ok((app, store, [t1 - t0, t2 - t1, t3 - t2, t3 - t0]))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let spec = Spec {
        domains: args.items.div_ceil(50).max(1),
        items_per_domain: 50,
        revisions: args.revisions,
        exact_revisions: true,
        inspect_every: 0,
        ..Spec::default()
    };
    if args.write {
        let lib = library(&spec);
        let a = township(&spec, 1, &lib).self_check;
        let _ = std::fs::remove_dir_all(&args.dir);
        Store::open(&args.dir, "2026-11-27T06:40:05Z")?.save(&a)?;
        for c in catalogues(&spec) {
            std::fs::write(
                args.dir.join("checklists").join(format!("{}.json", c.id)),
                serde_json::to_vec_pretty(&c)?,
            )?;
        }
        let size = std::fs::read_dir(args.dir.join("assessments"))?
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum::<u64>();
        println!(
            "{} items × {} revisions: {} revisions, file {:.1} MB",
            args.items,
            args.revisions,
            a.docs.revision_count(),
            size as f64 / 1e6
        );
        return Ok(());
    }
    if args.memory {
        return open_and_measure(&args.dir);
    }
    let mut times = Vec::new();
    for _ in 0..args.runs {
        let (_app, _store, t) = start(&args.dir)?;
        times.push(t);
    }
    times.sort_by_key(|t| t[3]);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let med = times[times.len() / 2];
    println!(
        "start to first frame: median {:.1} ms (min {:.1}, max {:.1}) = lock and device {:.1} + catalogues beside the data dir {:.1} + app and frame {:.1}",
        ms(med[3]),
        ms(times[0][3]),
        ms(times[times.len() - 1][3]),
        ms(med[0]),
        ms(med[1]),
        ms(med[2])
    );
    // The two halves of start-up alone, one after the other, to see which bounds it.
    let mut alone = Vec::new();
    for _ in 0..args.runs {
        let t0 = Instant::now();
        let library = zwgk::library::Library::load(&[args.dir.join("checklists")]);
        let t1 = Instant::now();
        let mut store = Store::open_read_only(&args.dir)?;
        let listed = store.list()?;
        let t2 = Instant::now();
        drop((library, listed));
        alone.push((t1 - t0, t2 - t1));
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        ms(v[v.len() / 2])
    };
    println!(
        "alone: catalogues {:.1} ms, data dir {:.1} ms (medians)",
        median(alone.iter().map(|a| a.0).collect()),
        median(alone.iter().map(|a| a.1).collect())
    );
    Ok(())
}

/// Opens the assessment in the walk, as the clerk does, then looks at the memory.
fn open_and_measure(dir: &std::path::Path) -> anyhow::Result<()> {
    let (mut app, _store, _) = start(dir)?;
    let mut term = Terminal::new(TestBackend::new(120, 40))?;
    for _ in 0..3 {
        if matches!(app.screen, Screen::Walk(_)) {
            break;
        }
        let ctx = zwgk::update::Ctx {
            now_millis: zwgk::synthetic::T0,
            new_id: String::new(),
        };
        zwgk::update::update(&mut app, zwgk::action::Action::Confirm, &ctx);
        term.draw(|f| zwgk::ui::view(&app, f))?;
    }
    println!(
        "open in the walk ({}): memory {}",
        matches!(app.screen, Screen::Walk(_)),
        memory()
    );
    Ok(())
}
