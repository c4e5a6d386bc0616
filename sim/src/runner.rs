//! The seeded parallel runner.
//!
//! A run of `runs` draws is cut into chunks of [`CHUNK_RUNS`]; chunk `c` draws from
//! `chunk_rng(seed, c)`. Rayon spreads chunks over a pool of `threads`; every chunk folds into
//! a per-thread accumulator and the accumulators are merged at the end. Because the
//! accumulators merge exactly (see [`crate::stats`]), the result is bit-identical for any
//! thread count.

use std::ops::Range;

use rayon::prelude::*;

use crate::rng::{ChunkRng, chunk_rng};

/// Runs per chunk. Part of the definition of a run's random streams: changing it changes
/// every result for a given seed.
pub const CHUNK_RUNS: u64 = 4096;

/// What to run: how many draws, from which seed, on how many threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunPlan {
    pub runs: u64,
    pub seed: u64,
    /// Worker threads; 0 means one per available core, or inside [`with_threads`] that many.
    pub threads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum RunPlanError {
    #[error("the number of runs must be at least 1")]
    NoRuns,
    #[error("could not start {threads} worker threads: {source}")]
    Pool {
        threads: usize,
        source: rayon::ThreadPoolBuildError,
    },
}

impl RunPlan {
    pub fn new(runs: u64, seed: u64, threads: usize) -> Result<RunPlan, RunPlanError> {
        if runs == 0 {
            return Err(RunPlanError::NoRuns);
        }
        Ok(RunPlan { runs, seed, threads })
    }

    pub fn chunks(&self) -> u64 {
        self.runs.div_ceil(CHUNK_RUNS)
    }

    /// The global run indices of chunk `c`.
    pub fn chunk_runs(&self, c: u64) -> Range<u64> {
        let start = c * CHUNK_RUNS;
        start..(start + CHUNK_RUNS).min(self.runs)
    }
}

/// Fewest chunks one accumulator of [`run_chunks`] folds (4 × 4096 runs, a few milliseconds).
const MIN_PIECE_CHUNKS: usize = 4;

/// Run `body` on every chunk in `chunks` (a sub-range of `0..plan.chunks()`), folding into
/// accumulators made by `init` and merged with `merge`. `body` gets the accumulator, the chunk
/// index, its run range and its generator.
pub fn run_chunks<A, I, F, M>(plan: &RunPlan, chunks: Range<u64>, init: I, body: F, merge: M) -> Result<A, RunPlanError>
where
    A: Send,
    I: Fn() -> A + Sync + Send,
    F: Fn(&mut A, u64, Range<u64>, &mut ChunkRng) + Sync + Send,
    M: Fn(A, A) -> A + Sync + Send,
{
    // Inside `with_threads` (a rayon pool), a plan that asks for 0 threads gets that pool's size.
    let threads = match plan.threads {
        0 if rayon::current_thread_index().is_some() => rayon::current_num_threads(),
        n => n,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| RunPlanError::Pool {
            threads: plan.threads,
            source,
        })?;
    let end = chunks.end.min(plan.chunks());
    let start = chunks.start.min(end);
    // Each piece rayon splits the range into folds into its own accumulator (with its own
    // scratch buffers); at most eight pieces per thread keep memory and merging bounded while
    // leaving enough pieces to balance the load, and no piece is under MIN_PIECE_CHUNKS: a
    // short run (the what-if page's 50 000) would otherwise spend as long making and merging
    // accumulators as running.
    let min_len = ((end - start) as usize / (8 * pool.current_num_threads())).max(MIN_PIECE_CHUNKS);
    Ok(pool.install(|| {
        // usize: rayon splits only indexed ranges by length, and u64 ranges are not indexed.
        (start as usize..end as usize)
            .into_par_iter()
            .with_min_len(min_len)
            .fold(&init, |mut acc, c| {
                let c = c as u64;
                let mut rng = chunk_rng(plan.seed, c);
                body(&mut acc, c, plan.chunk_runs(c), &mut rng);
                acc
            })
            // `reduce_with`, not `reduce(init, ..)`: that merges every piece into a fresh
            // empty accumulator first, which for a run's quantile sketches cost as much as
            // the merges themselves.
            .reduce_with(&merge)
            .unwrap_or_else(&init)
    }))
}

/// Run `f` so that every plan inside it that asks for 0 threads ("one per core") runs on
/// `threads` instead (0: one per core): a caller's thread limit reaches analyses that build
/// their own plans. The results do not depend on it.
pub fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> Result<R, RunPlanError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| RunPlanError::Pool { threads, source })?;
    Ok(pool.install(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Stat;
    use rand::RngExt;

    fn run(threads: usize, runs: u64) -> Stat {
        let plan = RunPlan::new(runs, 42, threads).unwrap();
        run_chunks(
            &plan,
            0..plan.chunks(),
            Stat::default,
            |acc, _, range, rng| {
                for _ in range {
                    acc.push(rng.random::<f64>() * 3.0 - 1.0);
                }
            },
            |mut a, b| {
                a.merge(&b);
                a
            },
        )
        .unwrap()
    }

    #[test]
    fn identical_for_any_thread_count() {
        let one = run(1, 50_001);
        assert_eq!(one.moments.count(), 50_001);
        assert_eq!(one, run(2, 50_001));
        assert_eq!(one, run(5, 50_001));
    }

    #[test]
    fn with_threads_sets_the_pool_of_a_plan_asking_for_zero() {
        let plan = RunPlan::new(4 * CHUNK_RUNS, 1, 0).unwrap();
        let seen = |plan: &RunPlan| {
            run_chunks(
                plan,
                0..plan.chunks(),
                || 0,
                |n, _, _, _| *n = rayon::current_num_threads(),
                |a, b| a.max(b),
            )
            .unwrap()
        };
        assert_eq!(with_threads(3, || seen(&plan)).unwrap(), 3);
        let two = RunPlan::new(4 * CHUNK_RUNS, 1, 2).unwrap();
        assert_eq!(with_threads(3, || seen(&two)).unwrap(), 2, "an explicit count wins");
        assert_eq!(with_threads(2, || run(0, 50_001)).unwrap(), run(1, 50_001));
    }

    #[test]
    fn zero_runs_is_refused() {
        assert!(matches!(RunPlan::new(0, 1, 1), Err(RunPlanError::NoRuns)));
    }
}
