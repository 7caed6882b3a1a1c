//! Crash safety, measured: the real binary saves change after change and is killed with
//! SIGKILL at random moments. After every kill the assessment must parse and hold every
//! change the binary acknowledged as saved. Changes go to the journal beside the file and are
//! folded into it every few changes (beside the loop) and at start after a kill, so kills land
//! in appends, in folds, in renames and in the recovery itself.
//!
//! `ZWGK_KILLS=N` sets the number of kills (default 200); the seed is printed so a failing
//! run can be repeated with `ZWGK_SEED=...`. `ZWGK_BIN=PATH` runs another build of zwgk (for
//! long runs against a copy of the release binary while the tree is rebuilt).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use zwgk::store::load_own;

/// A small deterministic generator (xorshift), so a seed reproduces a run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_change() {
    let kills = env_u64("ZWGK_KILLS").unwrap_or(200);
    let seed = env_u64("ZWGK_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1
    });
    eprintln!("crash test: {kills} kills, ZWGK_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let mut last_acked = 0u64;
    let mut total_acks = 0u64;
    let started = Instant::now();
    for kill in 0..kills {
        let bin = std::env::var_os("ZWGK_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_zwgk").into());
        let mut child = Command::new(bin)
            .args(["save-loop", "--data-dir"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(n) = line
                    .strip_prefix("ack ")
                    .and_then(|n| n.parse::<u64>().ok())
                {
                    let _ = tx.send(n);
                }
            }
        });
        // Kill at a random moment: a third of the time during start-up, otherwise in the
        // middle of the save stream (after a random number of acknowledged saves, plus a
        // random fraction of the next save).
        let mut early = Vec::new();
        if rng.below(3) == 0 {
            std::thread::sleep(Duration::from_micros(rng.below(30_000)));
        } else {
            let wanted = 1 + rng.below(5) as usize;
            let deadline = Instant::now() + Duration::from_secs(10);
            while early.len() < wanted && Instant::now() < deadline {
                match rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(n) => early.push(n),
                    Err(mpsc::RecvTimeoutError::Timeout) => continue,
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
            std::thread::sleep(Duration::from_micros(rng.below(3_000)));
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        reader.join().unwrap();
        let mut acks = early;
        acks.extend(rx.try_iter());
        if let Some(&n) = acks.last() {
            assert!(n > last_acked, "acks must grow: {n} after {last_acked}");
            last_acked = n;
        }
        total_acks += acks.len() as u64;
        if last_acked == 0 {
            continue; // nothing saved yet
        }
        let files: Vec<_> = std::fs::read_dir(dir.path().join("assessments"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        assert_eq!(files.len(), 1, "kill {kill}: {files:?}");
        // Only the file, its journals, its backup and temporary files: never a journal set
        // aside as damaged (a line cut by a kill is the unacknowledged last one).
        let names: Vec<String> = std::fs::read_dir(dir.path().join("assessments"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.contains("damaged")),
            "kill {kill}: {names:?}"
        );
        let a = load_own(&files[0]).unwrap_or_else(|e| panic!("kill {kill} ({status}): {e}"));
        // Every change up to the last acknowledged one is in the file.
        let notes: std::collections::BTreeSet<u64> = a
            .docs
            .iter()
            .flat_map(|(_, d)| d.revisions())
            .filter_map(|r| r.body.as_result())
            .filter_map(|r| r.note.strip_prefix("change ").and_then(|n| n.parse().ok()))
            .collect();
        for n in 1..=last_acked {
            assert!(
                notes.contains(&n),
                "kill {kill}: acknowledged change {n} is missing (seed {seed})"
            );
        }
    }
    eprintln!(
        "crash test: {kills} kills survived, {total_acks} acknowledged saves, last change {last_acked}, 0 lost, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(last_acked > 0, "the writer never saved anything");

    // A run that ends normally folds every journal: the data directory holds the plain JSON
    // file again, which any reader checks in full, with every change.
    let bin = std::env::var_os("ZWGK_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_zwgk").into());
    let out = Command::new(bin)
        .args(["save-loop", "--changes", "20", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = std::fs::read_dir(dir.path().join("assessments"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".journal") || n.ends_with(".folding") || n.ends_with(".tmp"))
        .collect();
    assert!(names.is_empty(), "left after a normal end: {names:?}");
    let file = std::fs::read_dir(dir.path().join("assessments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    let a = zwgk::store::load_assessment(&file).unwrap();
    let changes = a
        .docs
        .iter()
        .flat_map(|(_, d)| d.revisions())
        .filter_map(|r| r.body.as_result())
        .filter(|r| r.note.starts_with("change "))
        .count() as u64;
    assert!(
        changes >= last_acked + 20,
        "{changes} changes after {last_acked} + 20"
    );
}
