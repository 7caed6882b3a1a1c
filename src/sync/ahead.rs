//! Work done ahead on worker threads, used in order on the calling thread: `zwgk import`
//! reads and checks the next bundles (unzip, checksum, every revision id) while it merges
//! the one before into the data directory, which only one thread may touch.
//!
//! At most `ahead` results wait at any time, so memory stays bounded however many files
//! there are.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, mpsc};

/// Calls `work(i)` for every `i` in `0..n` on worker threads (one per core, at most `n`) and
/// `each(i, result)` on the calling thread in the order of `i`. A worker starts item `i` only
/// once fewer than `ahead` (at least 1) results wait before it. With one core or one item
/// everything runs on the calling thread, one item after the other.
pub fn in_order<T: Send>(
    n: usize,
    ahead: usize,
    work: impl Fn(usize) -> T + Sync,
    mut each: impl FnMut(usize, T),
) {
    let ahead = ahead.max(1);
    let workers = std::thread::available_parallelism()
        .map_or(1, |c| c.get())
        .min(ahead)
        .min(n);
    if workers <= 1 {
        for i in 0..n {
            each(i, work(i));
        }
        return;
    }
    // How many results `each` has taken, and whether it stopped (by panicking).
    let gate = Gate {
        state: Mutex::new((0, false)),
        moved: Condvar::new(),
    };
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (gate, next, work) = (&gate, &next, &work);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    {
                        let mut st = gate.lock();
                        while i >= st.0 + ahead && !st.1 {
                            st = gate.moved.wait(st).unwrap_or_else(|e| e.into_inner());
                        }
                        if st.1 {
                            break;
                        }
                    }
                    if tx.send((i, work(i))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Wakes the workers for good if `each` panics, so the scope can end.
        let _stop = Stop(&gate);
        let mut waiting: BTreeMap<usize, T> = BTreeMap::new();
        let mut want = 0;
        for (i, t) in rx {
            waiting.insert(i, t);
            while let Some(t) = waiting.remove(&want) {
                each(want, t);
                want += 1;
                gate.lock().0 = want;
                gate.moved.notify_all();
            }
        }
    });
}

struct Gate {
    state: Mutex<(usize, bool)>,
    moved: Condvar,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, (usize, bool)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Stop<'a>(&'a Gate);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.lock().1 = true;
        self.0.moved.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_result_comes_once_and_in_order_however_the_work_takes() {
        for (n, ahead) in [(0, 3), (1, 3), (2, 1), (17, 2), (50, 4)] {
            let mut seen = Vec::new();
            in_order(
                n,
                ahead,
                |i| {
                    // Uneven work, so results arrive out of order.
                    let mut x = i as u64;
                    for _ in 0..((n - i) * 2000) {
                        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    }
                    (i, x)
                },
                |i, (j, _)| {
                    assert_eq!(i, j);
                    seen.push(i);
                },
            );
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n {n}, ahead {ahead}");
        }
    }

    #[test]
    fn no_more_than_ahead_results_wait() {
        let started = AtomicUsize::new(0);
        let mut taken = 0;
        in_order(
            40,
            3,
            |i| {
                started.fetch_add(1, Ordering::SeqCst);
                i
            },
            |i, _| {
                // Work on item i may start only when fewer than 3 wait before it: item
                // `i + 3` and later cannot have started before `each` took item i.
                let s = started.load(Ordering::SeqCst);
                assert!(s <= i + 3, "item {i} taken with {s} started");
                taken += 1;
            },
        );
        assert_eq!(taken, 40);
    }

    #[test]
    fn a_panic_in_each_ends_the_workers() {
        let r = std::panic::catch_unwind(|| {
            in_order(100, 2, |i| i, |i, _| assert!(i < 5, "stop at {i}"));
        });
        assert!(r.is_err());
    }
}
