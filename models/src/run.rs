//! Many draws of the model with the `sim` engine, collected into mergeable statistics.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use sim::stats::{Proportion, Stat};
use sim::{ChunkRng, RunPlan, RunPlanError};

use crate::model::{Model, Outcome};

/// Everything a run keeps: per-kommun NPV, yearly net benefit and joint cost, payback,
/// establishment cost and overrun. All of it merges exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub runs: u64,
    pub kommuner: Vec<String>,
    pub years: Vec<i32>,
    pub budget_msek: f64,
    /// Per kommun, then the GGVV total last.
    pub npv: Vec<Stat>,
    pub net_loss: Vec<Proportion>,
    /// Payback counts per kommun (and total): index t for year `years[t]`, the last slot for
    /// "not by the horizon".
    pub payback: Vec<Vec<u64>>,
    /// Yearly net benefit and joint cost, `[k * years + t]`, the total as the last kommun.
    pub net_yearly: Vec<Stat>,
    pub joint_yearly: Vec<Stat>,
    pub establishment: Stat,
    pub overrun: Proportion,
    pub duration_months: Stat,
    pub saving_share_full: Stat,
    /// Runs left out because a figure was not finite or beyond
    /// [`crate::scenario::MAX_OUTPUT_MSEK`]; validation makes this 0 for bounded inputs, and
    /// a caller must refuse a result where it is not.
    #[serde(default)]
    pub out_of_range_runs: u64,
}

impl RunResult {
    fn new(model: &Model, budget_msek: f64) -> RunResult {
        let k = model.kommuner().len() + 1;
        let n = model.years().len();
        RunResult {
            runs: 0,
            kommuner: model.kommuner().to_vec(),
            years: model.years().to_vec(),
            budget_msek,
            npv: vec![Stat::default(); k],
            net_loss: vec![Proportion::default(); k],
            payback: vec![vec![0; n + 1]; k],
            net_yearly: vec![Stat::default(); k * n],
            joint_yearly: vec![Stat::default(); k * n],
            establishment: Stat::default(),
            overrun: Proportion::default(),
            duration_months: Stat::default(),
            saving_share_full: Stat::default(),
            out_of_range_runs: 0,
        }
    }

    /// Add another result of the same scenario (other chunks or shards).
    pub fn merge(&mut self, o: &RunResult) {
        self.runs += o.runs;
        let pairs = |a: &mut [Stat], b: &[Stat]| a.iter_mut().zip(b).for_each(|(x, y)| x.merge(y));
        pairs(&mut self.npv, &o.npv);
        pairs(&mut self.net_yearly, &o.net_yearly);
        pairs(&mut self.joint_yearly, &o.joint_yearly);
        self.net_loss.iter_mut().zip(&o.net_loss).for_each(|(x, y)| x.merge(y));
        for (a, b) in self.payback.iter_mut().zip(&o.payback) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        self.establishment.merge(&o.establishment);
        self.overrun.merge(&o.overrun);
        self.duration_months.merge(&o.duration_months);
        self.saving_share_full.merge(&o.saving_share_full);
        self.out_of_range_runs += o.out_of_range_runs;
    }

    /// Every [`Stat`] of the result, in the fixed order [`Block`] lays values out.
    fn stats_mut(&mut self) -> impl Iterator<Item = &mut Stat> {
        self.npv
            .iter_mut()
            .chain(self.net_yearly.iter_mut())
            .chain(self.joint_yearly.iter_mut())
            .chain([
                &mut self.establishment,
                &mut self.duration_months,
                &mut self.saving_share_full,
            ])
    }

    fn stat_count(&self) -> usize {
        self.npv.len() + self.net_yearly.len() + self.joint_yearly.len() + 3
    }

    /// Take one run's outcome into `block`; counts go straight in, values wait in the block
    /// until it is full or [`RunResult::flush`] is called.
    fn record(&mut self, o: &Outcome, block: &mut Block) {
        if !in_range(o) {
            // Never let a NaN, an infinity or an overflowing figure into the statistics.
            self.out_of_range_runs += 1;
            return;
        }
        self.runs += 1;
        let k_count = self.kommuner.len();
        let n = self.years.len();
        let j = block.len;
        let b = &mut block.values;
        let mut stat = 0;
        let mut put = |v: f64| {
            b[stat * BLOCK + j] = v;
            stat += 1;
        };
        let mut npv_total = 0.0;
        for k in 0..k_count {
            put(o.npv[k]);
            npv_total += o.npv[k];
            self.payback[k][payback_slot(o.payback_year[k], &self.years)] += 1;
        }
        put(npv_total);
        self.payback[k_count][payback_slot(o.payback_year[k_count], &self.years)] += 1;
        for values in [&o.net, &o.joint] {
            for k in 0..k_count {
                values[k * n..(k + 1) * n].iter().for_each(|&v| put(v));
            }
            for t in 0..n {
                put((0..k_count).map(|k| values[k * n + t]).sum());
            }
        }
        put(o.establishment_msek);
        put(o.duration_months);
        put(o.saving_share_full);
        block.len += 1;
        if block.len == BLOCK {
            self.flush(block);
        }
    }

    /// Push the values waiting in `block`, one statistic at a time, and empty it.
    fn flush(&mut self, block: &mut Block) {
        let len = block.len;
        if len == 0 {
            return;
        }
        let values = &block.values;
        let column = |s: usize| &values[s * BLOCK..s * BLOCK + len];
        for (s, stat) in self.stats_mut().enumerate() {
            stat.push_slice(column(s));
        }
        let hits = |xs: &[f64], f: &dyn Fn(f64) -> bool| xs.iter().filter(|&&x| f(x)).count() as u64;
        for (k, p) in self.net_loss.iter_mut().enumerate() {
            p.hits += hits(column(k), &|x| x < 0.0);
            p.n += len as u64;
        }
        let est = self.npv.len() + self.net_yearly.len() + self.joint_yearly.len();
        let budget = self.budget_msek;
        self.overrun.hits += hits(column(est), &|x| x > budget);
        self.overrun.n += len as u64;
        block.len = 0;
    }
}

/// Runs whose values are buffered before they are pushed statistic by statistic: one
/// statistic's quantile buckets then stay in cache while its values go in.
const BLOCK: usize = 256;

/// The values of up to [`BLOCK`] runs, `[stat * BLOCK + run]` in [`RunResult::stats_mut`] order.
struct Block {
    values: Vec<f64>,
    len: usize,
}

impl Block {
    fn new(result: &RunResult) -> Block {
        Block {
            values: vec![0.0; result.stat_count() * BLOCK],
            len: 0,
        }
    }
}

/// Whether every figure of an outcome is finite and within
/// [`crate::scenario::MAX_OUTPUT_MSEK`] (one pass; validation bounds the GGVV totals).
fn in_range(o: &Outcome) -> bool {
    let ok = |x: f64| x.abs() <= crate::scenario::MAX_OUTPUT_MSEK;
    o.net.iter().chain(&o.joint).chain(&o.npv).all(|&x| ok(x))
        && ok(o.establishment_msek)
        && ok(o.duration_months)
        && ok(o.saving_share_full)
}

fn payback_slot(year: Option<i32>, years: &[i32]) -> usize {
    year.and_then(|y| years.iter().position(|&x| x == y))
        .unwrap_or(years.len())
}

/// Per-worker scratch: the sampled input columns of one chunk and an outcome buffer.
struct Scratch {
    columns: Vec<Vec<f64>>,
    row: Vec<f64>,
    outcome: Outcome,
    block: Block,
}

impl Scratch {
    fn new(model: &Model, result: &RunResult) -> Scratch {
        Scratch {
            block: Block::new(result),
            columns: vec![vec![0.0; sim::CHUNK_RUNS as usize]; model.inputs().len()],
            row: vec![0.0; model.inputs().len()],
            outcome: model.new_outcome(),
        }
    }
}

/// Draw the inputs of one chunk column by column (input by input), in a fixed order.
fn sample_chunk(model: &Model, rng: &mut ChunkRng, len: usize, columns: &mut [Vec<f64>]) {
    for (input, col) in model.inputs().iter().zip(columns.iter_mut()) {
        input.fill(rng, &mut col[..len]);
    }
}

/// Visit every run of the given chunks in order, with its inputs and outcome. Sequential; for
/// per-run exports (`--samples`), which must see the very draws of the parallel run.
pub fn for_each_run(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    mut f: impl FnMut(u64, &[f64], &Outcome) -> bool,
) {
    let mut s = Scratch::new(model, &RunResult::new(model, 0.0));
    for c in chunks {
        let range = plan.chunk_runs(c);
        let len = (range.end - range.start) as usize;
        let mut rng = sim::chunk_rng(plan.seed, c);
        sample_chunk(model, &mut rng, len, &mut s.columns);
        for (j, run) in range.enumerate() {
            for (v, col) in s.row.iter_mut().zip(&s.columns) {
                *v = col[j];
            }
            model.evaluate(&s.row, &mut s.outcome);
            if !f(run, &s.row, &s.outcome) {
                return;
            }
        }
    }
}

/// Run the model over `chunks` of `plan` (all chunks: `0..plan.chunks()`).
pub fn simulate(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    budget_msek: f64,
) -> Result<RunResult, RunPlanError> {
    simulate_with_progress(model, plan, chunks, budget_msek, &|| {})
}

/// [`simulate`], calling `chunk_done` after each chunk (from worker threads, for a progress bar).
pub fn simulate_with_progress(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    budget_msek: f64,
    chunk_done: &(dyn Fn() + Sync),
) -> Result<RunResult, RunPlanError> {
    let (acc, _) = sim::run_chunks(
        plan,
        chunks,
        || (RunResult::new(model, budget_msek), None::<Box<Scratch>>),
        |(acc, scratch), _c, range, rng| {
            let s = scratch.get_or_insert_with(|| Box::new(Scratch::new(model, acc)));
            let len = (range.end - range.start) as usize;
            sample_chunk(model, rng, len, &mut s.columns);
            for j in 0..len {
                for (v, col) in s.row.iter_mut().zip(&s.columns) {
                    *v = col[j];
                }
                model.evaluate(&s.row, &mut s.outcome);
                acc.record(&s.outcome, &mut s.block);
            }
            acc.flush(&mut s.block);
            chunk_done();
        },
        |(mut a, sa), (b, sb)| {
            a.merge(&b);
            (a, sa.or(sb))
        },
    )?;
    Ok(acc)
}

#[cfg(test)]
mod guard_tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn a_non_finite_or_huge_outcome_is_counted_not_recorded() {
        let model = Model::new(&Scenario::default_ggvv()).unwrap();
        let mut o = model.new_outcome();
        model.evaluate(&model.point_values(), &mut o);
        let mut r = RunResult::new(&model, 1.0);
        let mut block = Block::new(&r);
        r.record(&o, &mut block);
        for bad in [f64::NAN, f64::INFINITY, 2e9] {
            let mut b = o.clone();
            b.net[3] = bad;
            r.record(&b, &mut block);
        }
        let mut b = o.clone();
        b.npv[0] = f64::NEG_INFINITY;
        r.record(&b, &mut block);
        r.flush(&mut block);
        assert_eq!((r.runs, r.out_of_range_runs), (1, 4));
        assert_eq!(r.npv[0].moments.count(), 1);
    }
}
