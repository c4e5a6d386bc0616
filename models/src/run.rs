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
    /// Cumulative net benefit from the base year to each year, same layout as `net_yearly`.
    /// Kept only by [`simulate_with_cumulative`] (the board report's payback charts); empty
    /// otherwise, so plain runs pay nothing for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cum_yearly: Vec<Stat>,
    pub establishment: Stat,
    pub overrun: Proportion,
    pub duration_months: Stat,
    pub saving_share_full: Stat,
}

impl RunResult {
    fn new(model: &Model, budget_msek: f64, cumulative: bool) -> RunResult {
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
            cum_yearly: if cumulative {
                vec![Stat::default(); k * n]
            } else {
                Vec::new()
            },
            establishment: Stat::default(),
            overrun: Proportion::default(),
            duration_months: Stat::default(),
            saving_share_full: Stat::default(),
        }
    }

    /// Add another result of the same scenario (other chunks or shards).
    pub fn merge(&mut self, o: &RunResult) {
        self.runs += o.runs;
        let pairs = |a: &mut [Stat], b: &[Stat]| a.iter_mut().zip(b).for_each(|(x, y)| x.merge(y));
        pairs(&mut self.npv, &o.npv);
        pairs(&mut self.net_yearly, &o.net_yearly);
        pairs(&mut self.joint_yearly, &o.joint_yearly);
        if self.cum_yearly.is_empty() {
            self.cum_yearly = o.cum_yearly.clone();
        } else {
            pairs(&mut self.cum_yearly, &o.cum_yearly);
        }
        self.net_loss.iter_mut().zip(&o.net_loss).for_each(|(x, y)| x.merge(y));
        for (a, b) in self.payback.iter_mut().zip(&o.payback) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        self.establishment.merge(&o.establishment);
        self.overrun.merge(&o.overrun);
        self.duration_months.merge(&o.duration_months);
        self.saving_share_full.merge(&o.saving_share_full);
    }

    fn record(&mut self, o: &Outcome) {
        self.runs += 1;
        let k_count = self.kommuner.len();
        let n = self.years.len();
        let mut npv_total = 0.0;
        for k in 0..k_count {
            self.npv[k].push(o.npv[k]);
            self.net_loss[k].push(o.npv[k] < 0.0);
            npv_total += o.npv[k];
            self.payback[k][payback_slot(o.payback_year[k], &self.years)] += 1;
        }
        self.npv[k_count].push(npv_total);
        self.net_loss[k_count].push(npv_total < 0.0);
        for t in 0..n {
            let (mut net, mut joint) = (0.0, 0.0);
            for k in 0..k_count {
                let i = k * n + t;
                self.net_yearly[i].push(o.net[i]);
                self.joint_yearly[i].push(o.joint[i]);
                net += o.net[i];
                joint += o.joint[i];
            }
            self.net_yearly[k_count * n + t].push(net);
            self.joint_yearly[k_count * n + t].push(joint);
        }
        self.payback[k_count][payback_slot(o.payback_year[k_count], &self.years)] += 1;
        if !self.cum_yearly.is_empty() {
            for k in 0..=k_count {
                let mut cum = 0.0;
                for t in 0..n {
                    cum += if k < k_count {
                        o.net[k * n + t]
                    } else {
                        (0..k_count).map(|j| o.net[j * n + t]).sum()
                    };
                    self.cum_yearly[k * n + t].push(cum);
                }
            }
        }
        self.establishment.push(o.establishment_msek);
        self.overrun.push(o.establishment_msek > self.budget_msek);
        self.duration_months.push(o.duration_months);
        self.saving_share_full.push(o.saving_share_full);
    }
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
}

impl Scratch {
    fn new(model: &Model) -> Scratch {
        Scratch {
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
    let mut s = Scratch::new(model);
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
    simulate_inner(model, plan, chunks, budget_msek, false)
}

/// As [`simulate`], and also keep [`RunResult::cum_yearly`]. The same draws: every other
/// statistic equals `simulate`'s to the bit.
pub fn simulate_with_cumulative(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    budget_msek: f64,
) -> Result<RunResult, RunPlanError> {
    simulate_inner(model, plan, chunks, budget_msek, true)
}

fn simulate_inner(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    budget_msek: f64,
    cumulative: bool,
) -> Result<RunResult, RunPlanError> {
    let (acc, _) = sim::run_chunks(
        plan,
        chunks,
        || (RunResult::new(model, budget_msek, cumulative), None::<Box<Scratch>>),
        |(acc, scratch), _c, range, rng| {
            let s = scratch.get_or_insert_with(|| Box::new(Scratch::new(model)));
            let len = (range.end - range.start) as usize;
            sample_chunk(model, rng, len, &mut s.columns);
            for j in 0..len {
                for (v, col) in s.row.iter_mut().zip(&s.columns) {
                    *v = col[j];
                }
                model.evaluate(&s.row, &mut s.outcome);
                acc.record(&s.outcome);
            }
        },
        |(mut a, sa), (b, sb)| {
            a.merge(&b);
            (a, sa.or(sb))
        },
    )?;
    Ok(acc)
}

#[cfg(test)]
mod cumulative_tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn cumulative_stats_change_nothing_else_and_add_up() {
        let model = Model::new(&Scenario::default_ggvv()).unwrap();
        let plan = RunPlan::new(3 * sim::CHUNK_RUNS, 5, 2).unwrap();
        let budget = model.budget_msek();
        let plain = simulate(&model, &plan, 0..plan.chunks(), budget).unwrap();
        let with = simulate_with_cumulative(&model, &plan, 0..plan.chunks(), budget).unwrap();
        assert!(plain.cum_yearly.is_empty());
        let mut stripped = with.clone();
        stripped.cum_yearly.clear();
        assert_eq!(stripped, plain);
        // Chunks merged in another grouping give the same statistics to the bit.
        let mut parts = simulate_with_cumulative(&model, &plan, 2..3, budget).unwrap();
        parts.merge(&simulate_with_cumulative(&model, &plan, 0..2, budget).unwrap());
        assert_eq!(parts.cum_yearly, with.cum_yearly);
        // The mean of a cumulative sum is the sum of the yearly means (fixed-point sums).
        let n = with.years.len();
        for k in 0..=with.kommuner.len() {
            let yearly: f64 = (0..n).map(|t| with.net_yearly[k * n + t].moments.mean()).sum();
            let cum = with.cum_yearly[k * n + n - 1].moments.mean();
            assert!((yearly - cum).abs() < 1e-6, "kommun {k}: {yearly} vs {cum}");
        }
    }
}
