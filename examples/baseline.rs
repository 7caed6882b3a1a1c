//! The bare floor for `zwgk summary` (issue 10's yardstick): read the same assessment files a
//! county data directory holds, parse each once with serde_json into a hash map of documents
//! (document id → revisions, bodies as `serde_json::Value`), and pick every document's winner
//! with CouchDB's rule (the greatest live leaf by generation then hash, else the greatest
//! leaf). No checksum, no revision id, no catalogue, no figures: what any reader must at least
//! spend. Prints the wall time and the process's peak RSS.
//!
//! ```sh
//! cargo run --release --example baseline -- /dev/shm/county            # a data dir
//! cargo run --release --example baseline -- --threads 1 /dev/shm/county
//! ```
//!
//! `tools/city-scale.sh` runs it beside `zwgk summary` on the same data, in one run.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::Parser;
use serde::Deserialize;

#[derive(Parser)]
struct Args {
    /// Worker threads (default: one per core, as `zwgk summary` uses).
    #[arg(long)]
    threads: Option<usize>,
    /// A data directory (its `assessments/*.json`).
    data_dir: PathBuf,
}

#[derive(Deserialize)]
struct File {
    documents: Vec<Doc>,
}

#[derive(Deserialize)]
struct Doc {
    id: String,
    revisions: Vec<Rev>,
}

#[derive(Deserialize)]
struct Rev {
    rev: String,
    parent: Option<String>,
    deleted: bool,
    body: serde_json::Value,
}

/// `N-hash` as (generation, hash) for the winner rule; `None` when malformed.
fn rank(rev: &str) -> Option<(u64, &str)> {
    let (g, h) = rev.split_once('-')?;
    Some((g.parse().ok()?, h))
}

/// What one file gave: documents, revisions, winners that are live, documents in conflict.
#[derive(Default)]
struct Count {
    files: usize,
    documents: usize,
    revisions: usize,
    live: usize,
    conflicted: usize,
}

fn read(path: &Path, count: &mut Count) -> anyhow::Result<()> {
    let bytes = std::fs::read(path)?;
    let file: File = serde_json::from_slice(&bytes)?;
    drop(bytes);
    let docs: HashMap<String, Vec<Rev>> = file
        .documents
        .into_iter()
        .map(|d| (d.id, d.revisions))
        .collect();
    count.files += 1;
    for revs in docs.values() {
        count.documents += 1;
        count.revisions += revs.len();
        let parents: HashSet<&str> = revs.iter().filter_map(|r| r.parent.as_deref()).collect();
        let mut leaves: Vec<&Rev> = revs
            .iter()
            .filter(|r| !parents.contains(r.rev.as_str()))
            .collect();
        leaves.sort_by_key(|r| std::cmp::Reverse(rank(&r.rev)));
        let winner = leaves.iter().find(|r| !r.deleted).or(leaves.first());
        if winner.is_some_and(|w| !w.deleted && !w.body.is_null()) {
            count.live += 1;
        }
        if leaves.iter().filter(|r| !r.deleted).count() > 1 {
            count.conflicted += 1;
        }
    }
    Ok(())
}

/// The peak resident set size of this process (Linux: `VmHWM`), in kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let mut files: Vec<PathBuf> = std::fs::read_dir(args.data_dir.join("assessments"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 64);
    let next = AtomicUsize::new(0);
    let counts: Vec<anyhow::Result<Count>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut c = Count::default();
                    while let Some(f) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                        read(f, &mut c)?;
                    }
                    Ok(c)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a worker panicked")))
            })
            .collect()
    });
    let mut total = Count::default();
    for c in counts {
        let c = c?;
        total.files += c.files;
        total.documents += c.documents;
        total.revisions += c.revisions;
        total.live += c.live;
        total.conflicted += c.conflicted;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "baseline: {} files, {} documents, {} revisions, {} live winners, {} in conflict; \
         {seconds:.3} s, peak RSS {} MB ({threads} threads)",
        total.files,
        total.documents,
        total.revisions,
        total.live,
        total.conflicted,
        peak_rss_kb().map_or_else(|| "?".into(), |k| format!("{:.1}", k as f64 / 1024.0)),
    );
    Ok(())
}
