//! Synthetic hand-overs at city scale: one bundle per township (a self-check of N items with
//! revision histories, notes, evidence stubs and some conflicts; every second township also an
//! inspection with tasks and responses), plus the synthetic catalogues they use.
//!
//! ```sh
//! cargo run --release --example gen -- --townships 160 --items 1500 --out /tmp/city
//! zwgk --data-dir /tmp/county --checklists /tmp/city/checklists import /tmp/city/bundles
//! zwgk --data-dir /tmp/county --checklists /tmp/city/checklists summary
//! ```

use std::path::PathBuf;

use clap::Parser;
use zwgk::cli::Lang;
use zwgk::model::revision::Role;
use zwgk::store::Store;
use zwgk::sync::bundle::{Who, export};
use zwgk::synthetic::{Spec, catalogues, library, township};

#[derive(Parser)]
struct Args {
    /// Townships (one bundle each).
    #[arg(long, default_value_t = 160)]
    townships: usize,
    /// Items per township (in catalogues of 50).
    #[arg(long, default_value_t = 1500)]
    items: usize,
    /// Most revisions per item.
    #[arg(long, default_value_t = 4)]
    revisions: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write `checklists/` and `bundles/`.
    #[arg(long)]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let spec = Spec {
        domains: args.items.div_ceil(50).max(1),
        items_per_domain: args.items.min(50),
        revisions: args.revisions,
        seed: args.seed,
        ..Spec::default()
    };
    let checklists = args.out.join("checklists");
    let bundles = args.out.join("bundles");
    std::fs::create_dir_all(&checklists)?;
    std::fs::create_dir_all(&bundles)?;
    for c in catalogues(&spec) {
        std::fs::write(
            checklists.join(format!("{}.json", c.id)),
            serde_json::to_vec_pretty(&c)?,
        )?;
    }
    let lib = library(&spec);
    let data = args.out.join(".producer");
    let store = Store::open(&data, "2026-11-27T06:40:05Z")?;
    let started = std::time::Instant::now();
    let (mut revisions, mut bytes) = (0, 0);
    for t in 0..args.townships {
        let town = township(&spec, t, &lib);
        for (sha, b) in &town.evidence {
            store.evidence().put_reader(&b[..], Some(sha))?;
        }
        let mut carried = vec![&town.self_check];
        carried.extend(town.inspection.as_ref());
        revisions += carried
            .iter()
            .map(|a| a.docs.revision_count())
            .sum::<usize>();
        let path = export(
            &store,
            &carried,
            &bundles,
            &lib,
            Who {
                user: "gen",
                role: Role::Township,
            },
            zwgk::synthetic::T0,
            Lang::Zh,
        )?;
        bytes += std::fs::metadata(&path)?.len();
    }
    println!(
        "{} bundles, {} revisions, {:.1} MB, in {:.1} s → {}",
        args.townships,
        revisions,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        bundles.display()
    );
    Ok(())
}
