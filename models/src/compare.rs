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
    /// Means of NPV(A) and NPV(B) over full chunks: the standard errors independent Latin
    /// hypercube runs of A and B would have, beside that of the paired difference.
    #[serde(default)]
    pub a_chunk_means: Moments,
    #[serde(default)]
    pub b_chunk_means: Moments,
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
            a.a_chunk_means.merge(&b.a_chunk_means);
            a.b_chunk_means.merge(&b.b_chunk_means);
        }
    }

    /// Whether the standard errors come from chunk means (Latin hypercube with at least
    /// [`MIN_CHUNKS_FOR_LHS_SE`] full chunks) rather than from the i.i.d. formula.
    fn chunk_se(&self, k: usize) -> bool {
        self.sampling == Sampling::LatinHypercube && self.pairs[k].diff_chunk_means.count() >= MIN_CHUNKS_FOR_LHS_SE
    }

    /// The per-run variances behind the standard errors of pair `k`, as `(A, B, A − B)`:
    /// of single runs for plain Monte Carlo (SE² = V/n), or CHUNK_RUNS times the variance of
    /// chunk means for Latin hypercube (the per-run variance LHS achieves), so the standard
    /// errors and the variance ratio are always of one kind.
    fn variances(&self, k: usize) -> (f64, f64, f64) {
        let p = &self.pairs[k];
        if self.chunk_se(k) {
            let c = CHUNK_RUNS as f64;
            return (
                p.a_chunk_means.variance() * c,
                p.b_chunk_means.variance() * c,
                p.diff_chunk_means.variance() * c,
            );
        }
        (p.npv_a.variance(), p.npv_b.variance(), p.diff.moments.variance())
    }

    /// The standard error of the mean difference of pair `k`.
    pub fn diff_se(&self, k: usize) -> f64 {
        if self.chunk_se(k) {
            return (self.variances(k).2 / self.runs as f64).sqrt();
        }
        self.pairs[k].diff.moments.std_error()
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
            // Per pair: the sums of A − B, A and B over the chunk.
            let mut sums = vec![[0.0; 3]; k + 1];
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
                        sum[0] += x - y;
                        sum[1] += x;
                        sum[2] += y;
                    }
                }
            }
            if len == CHUNK_RUNS as usize {
                for (p, s) in acc.pairs.iter_mut().zip(sums.iter()) {
                    p.diff_chunk_means.push(s[0] / CHUNK_RUNS as f64);
                    p.a_chunk_means.push(s[1] / CHUNK_RUNS as f64);
                    p.b_chunk_means.push(s[2] / CHUNK_RUNS as f64);
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
    /// The standard error the same number of independent draws, sampled the same way, would
    /// give: √((Var A + Var B)/n), with the variances of the same kind as
    /// `difference_mean_se` (per run for plain Monte Carlo, from chunk means for LHS).
    pub independent_mean_se: f64,
    /// (Var A + Var B) / Var(A − B) = (independent_mean_se / difference_mean_se)²: how many
    /// times more independent runs give the same standard error. `null` when the difference
    /// has no variance (A and B agree in every run).
    pub variance_reduction: Option<f64>,
    /// How the standard errors were obtained: "iid", or "chunk_means" (LHS with at least
    /// [`MIN_CHUNKS_FOR_LHS_SE`] full chunks).
    pub se_method: &'static str,
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
            let (va, vb, vd) = r.variances(i);
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
                se_method: if r.chunk_se(i) { "chunk_means" } else { "iid" },
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A result whose pair 0 holds `chunks` chunks: per chunk the means of A, B and A − B
    /// (B = A/2 + noise), and per run values with another spread, as LHS gives.
    fn result(sampling: Sampling, chunks: u64) -> CompareResult {
        let mut r = CompareResult::new(&["K".to_string()], sampling);
        // Four runs stand for each chunk's 4096: the count the i.i.d. formulas divide by.
        r.runs = chunks * 4;
        for c in 0..chunks {
            let a = 10.0 + (c % 5) as f64 * 0.1;
            let b = a / 2.0 + (c % 3) as f64 * 0.01;
            let p = &mut r.pairs[0];
            p.a_chunk_means.push(a);
            p.b_chunk_means.push(b);
            p.diff_chunk_means.push(a - b);
            for j in 0..4 {
                let (x, y) = (a + j as f64, b + j as f64 * 0.6);
                p.npv_a.push(x);
                p.npv_b.push(y);
                p.diff.push(x - y);
            }
        }
        r
    }

    #[test]
    fn the_variance_ratio_is_that_of_the_standard_errors_beside_it() {
        for (sampling, chunks, method) in [
            (Sampling::MonteCarlo, 60, "iid"),
            (Sampling::LatinHypercube, 60, "chunk_means"),
            (Sampling::LatinHypercube, 20, "iid"),
        ] {
            let r = result(sampling, chunks);
            let s = CompareSummary::new("a", "b", 1, &r);
            let k = &s.kommuner[0];
            assert_eq!(k.se_method, method);
            let ratio = (k.independent_mean_se / k.difference_mean_se).powi(2);
            let vr = k.variance_reduction.unwrap();
            assert!(
                (vr / ratio - 1.0).abs() < 1e-9,
                "{method}: {vr} vs ({} / {})²",
                k.independent_mean_se,
                k.difference_mean_se
            );
        }
        // Under LHS with enough chunks the independent SE is that of two independent LHS runs:
        // √(SE_A² + SE_B²) from the chunk means, not the plain-MC per-run formula.
        let r = result(Sampling::LatinHypercube, 60);
        let p = &r.pairs[0];
        let se = |m: &Moments| (m.variance() * CHUNK_RUNS as f64 / r.runs as f64).sqrt();
        let want = (se(&p.a_chunk_means).powi(2) + se(&p.b_chunk_means).powi(2)).sqrt();
        let s = CompareSummary::new("a", "b", 1, &r);
        assert!((s.kommuner[0].independent_mean_se / want - 1.0).abs() < 1e-12);
        let mc = ((p.npv_a.variance() + p.npv_b.variance()) / r.runs as f64).sqrt();
        assert!(
            (s.kommuner[0].independent_mean_se / mc - 1.0).abs() > 0.5,
            "not the plain-MC figure"
        );
    }
}
