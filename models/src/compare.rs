//! Paired comparison of two scenarios on common random numbers.
//!
//! Both scenarios are run on the same chunks with the same seed. Each input draws from a
//! stream derived from (seed, chunk, its field path) (see [`crate::run::sample_chunk`]), so an
//! input both scenarios name alike gets the very same draws in both: the difference of their
//! outcomes carries only the effect of what differs, not sampling noise. A scenario compared
//! with itself gives a difference of exactly zero.
//!
//! The variance reduction is reported against independent draws, for which the variance of
//! the difference would be Var(A) + Var(B): the ratio (Var(A) + Var(B)) / Var(A − B) is how
//! many times more runs independent sampling needs for the same standard error.

use serde::{Deserialize, Serialize};
use sim::stats::{Moments, Proportion, Stat};
use sim::{CHUNK_RUNS, RunPlan, Sampling};

use crate::analysis::{Analysis, AnalysisError, AnalysisPlan};
use crate::model::{Field, Lanes, Model};
use crate::run::{MIN_CHUNKS_FOR_LHS_SE, RunOptions, Scratch, blocks};
use crate::scenario::Scenario;

/// Relative difference below which two NPVs count as equal: floating-point rounding of the
/// same amounts summed in another order (10⁻¹² of a 100 MSEK total is 0.1 öre).
pub const TIE_REL: f64 = 1e-12;

/// Per kommun (and the total): mergeable accumulators of the paired runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PairAcc {
    pub npv_a: Moments,
    pub npv_b: Moments,
    /// NPV(A) − NPV(B), MSEK.
    pub diff: Stat,
    pub a_better: Proportion,
    pub b_better: Proportion,
    /// Means of the difference over full chunks (standard error of Latin hypercube runs).
    pub diff_chunk_means: Moments,
}

/// A paired comparison's raw result; merges exactly, like [`crate::RunResult`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareResult {
    pub runs: u64,
    pub sampling: Sampling,
    pub kommuner: Vec<String>,
    /// Per kommun, the total last.
    pub pairs: Vec<PairAcc>,
}

impl CompareResult {
    fn new(kommuner: &[String], sampling: Sampling) -> CompareResult {
        CompareResult {
            runs: 0,
            sampling,
            kommuner: kommuner.to_vec(),
            pairs: vec![PairAcc::default(); kommuner.len() + 1],
        }
    }

    pub fn merge(&mut self, o: &CompareResult) {
        self.runs += o.runs;
        for (a, b) in self.pairs.iter_mut().zip(&o.pairs) {
            a.npv_a.merge(&b.npv_a);
            a.npv_b.merge(&b.npv_b);
            a.diff.merge(&b.diff);
            a.a_better.merge(&b.a_better);
            a.b_better.merge(&b.b_better);
            a.diff_chunk_means.merge(&b.diff_chunk_means);
        }
    }

    /// The standard error of the mean difference of pair `k`.
    pub fn diff_se(&self, k: usize) -> f64 {
        let p = &self.pairs[k];
        match self.sampling {
            Sampling::LatinHypercube if p.diff_chunk_means.count() >= MIN_CHUNKS_FOR_LHS_SE => {
                (p.diff_chunk_means.variance() * CHUNK_RUNS as f64 / self.runs as f64).sqrt()
            }
            _ => p.diff.moments.std_error(),
        }
    }
}

/// Run `a` and `b` on common random numbers over all chunks of `plan`.
pub fn compare(a: &Model, b: &Model, plan: &RunPlan, opts: RunOptions) -> Result<CompareResult, AnalysisError> {
    if a.kommuner() != b.kommuner() {
        return Err(AnalysisError::Kommuner {
            a: a.kommuner().join(", "),
            b: b.kommuner().join(", "),
        });
    }
    let k = a.kommuner().len();
    let init = || {
        (
            CompareResult::new(a.kommuner(), opts.sampling),
            None::<Box<(Scratch, Scratch)>>,
        )
    };
    let (acc, _) = sim::run_chunks(
        plan,
        0..plan.chunks(),
        init,
        |(acc, scratch), c, range, _rng| {
            let s = scratch.get_or_insert_with(|| Box::new((Scratch::new(a), Scratch::new(b))));
            let (sa, sb) = (&mut s.0, &mut s.1);
            let len = (range.end - range.start) as usize;
            sa.sample(a, opts.sampling, plan.seed, c, len);
            sb.sample(b, opts.sampling, plan.seed, c, len);
            let mut sums = vec![0.0; k + 1];
            for block in blocks(len) {
                let (la, lb) = (sa.evaluate_block(a, block.clone()), sb.evaluate_block(b, block.clone()));
                for j in 0..block.len() {
                    acc.runs += 1;
                    let npv = |l: &Lanes, i: usize| l.row(Field::Npv, i)[j];
                    let (ta, tb) = (
                        (0..k).map(|i| npv(la, i)).sum::<f64>(),
                        (0..k).map(|i| npv(lb, i)).sum::<f64>(),
                    );
                    for (i, (p, sum)) in acc.pairs.iter_mut().zip(sums.iter_mut()).enumerate() {
                        let (x, y) = if i < k { (npv(la, i), npv(lb, i)) } else { (ta, tb) };
                        p.npv_a.push(x);
                        p.npv_b.push(y);
                        // Equal up to floating-point rounding (sums taken in another order) is a tie.
                        let tie = (x - y).abs() <= TIE_REL * (1.0 + x.abs() + y.abs());
                        p.diff.push(if tie { 0.0 } else { x - y });
                        p.a_better.push(!tie && x > y);
                        p.b_better.push(!tie && y > x);
                        *sum += x - y;
                    }
                }
            }
            if len == CHUNK_RUNS as usize {
                for (p, s) in acc.pairs.iter_mut().zip(sums.iter()) {
                    p.diff_chunk_means.push(s / CHUNK_RUNS as f64);
                }
            }
        },
        |(mut x, sx), (y, sy)| {
            x.merge(&y);
            (x, sx.or(sy))
        },
    )?;
    Ok(acc)
}

/// `riskkalkyl compare`: the scenario run as A against `b` as B on common random numbers,
/// with the plan's sampling and threads. `names` label A and B in the summary.
#[derive(Debug, Clone, Copy)]
pub struct CompareAnalysis<'a> {
    pub b: &'a Model,
    pub names: (&'a str, &'a str),
}

impl Analysis for CompareAnalysis<'_> {
    type Report = CompareSummary;

    fn run(&self, _s: &Scenario, a: &Model, plan: &AnalysisPlan) -> Result<CompareSummary, AnalysisError> {
        let r = compare(a, self.b, &plan.run_plan(), plan.run_options())?;
        Ok(CompareSummary::new(self.names.0, self.names.1, plan.seed(), &r))
    }
}

/// One kommun's comparison, MSEK.
#[derive(Debug, Clone, Serialize)]
pub struct PairSummary {
    pub name: String,
    pub npv_mean_a: f64,
    pub npv_mean_b: f64,
    /// Distribution of NPV(A) − NPV(B).
    pub difference: sim::Summary,
    /// Standard error of the mean difference with common random numbers (as run).
    pub difference_mean_se: f64,
    /// The standard error the same number of independent draws would give:
    /// √((Var A + Var B)/n).
    pub independent_mean_se: f64,
    /// (Var A + Var B) / Var(A − B): how many times more independent runs give the same
    /// standard error. `null` when the difference has no variance (A and B agree in every run).
    pub variance_reduction: Option<f64>,
    /// P(NPV(A) > NPV(B)); ties (equal up to rounding, see [`TIE_REL`]) count for neither.
    pub prob_a_better: f64,
    pub prob_a_better_se: f64,
    pub prob_b_better: f64,
}

/// The JSON form of a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CompareSummary {
    pub scenario_a: String,
    pub scenario_b: String,
    pub runs: u64,
    pub seed: u64,
    pub sampling: &'static str,
    pub unit: &'static str,
    pub kommuner: Vec<PairSummary>,
    pub total: PairSummary,
}

impl CompareSummary {
    pub fn new(a: &str, b: &str, seed: u64, r: &CompareResult) -> CompareSummary {
        let pair = |i: usize, name: &str| {
            let p = &r.pairs[i];
            let n = r.runs as f64;
            let (va, vb, vd) = (p.npv_a.variance(), p.npv_b.variance(), p.diff.moments.variance());
            let mut difference = p.diff.summary();
            difference.mean_se = r.diff_se(i);
            PairSummary {
                name: name.to_string(),
                npv_mean_a: p.npv_a.mean(),
                npv_mean_b: p.npv_b.mean(),
                difference_mean_se: difference.mean_se,
                difference,
                independent_mean_se: ((va + vb) / n).sqrt(),
                variance_reduction: (vd > 0.0).then(|| (va + vb) / vd),
                prob_a_better: p.a_better.p(),
                prob_a_better_se: p.a_better.std_error(),
                prob_b_better: p.b_better.p(),
            }
        };
        CompareSummary {
            scenario_a: a.to_string(),
            scenario_b: b.to_string(),
            runs: r.runs,
            seed,
            sampling: r.sampling.name(),
            unit: "MSEK",
            kommuner: r.kommuner.iter().enumerate().map(|(i, n)| pair(i, n)).collect(),
            total: pair(r.kommuner.len(), "GGVV"),
        }
    }
}
