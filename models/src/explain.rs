//! Why the result differs from the förstudie: the difference between the förstudie's figure
//! (every input at its point value, as `riskkalkyl tables`) and a simulated statistic (mean,
//! P20, P50, P80), split into the contributions of named groups of assumptions by exact
//! Shapley values.
//!
//! The value of a set S of groups is `v(S) = T(Y(x_S, p_−S))`: statistic T over the runs of
//! output Y with the inputs of the groups in S at their draws (the very draws of `riskkalkyl
//! run` for the same seed and runs, correlation included) and every other input at its point
//! value. `v(∅)` is the förstudie's figure, `v(all)` the simulated statistic, and group i gets
//!
//! `φ_i = Σ_{S ⊆ N∖{i}} |S|! (k − |S| − 1)! / k! · (v(S ∪ {i}) − v(S))`
//!
//! over all 2^k subsets, so `Σ φ_i = v(all) − v(∅)` for any statistic, quantiles included.
//! "Exact": no permutations are sampled; the only Monte Carlo error is the sample of runs,
//! shared by every subset (common random numbers).
//!
//! The groups are the input registry's ([`InputGroup`]) through [`InputGroup::explain`]
//! (the savings posts together), so sensitivity, value of information and explain name the
//! same groups, and every input a scenario has is in exactly one. At most [`MAX_GROUPS`].

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sim::correlation::Scratch as CorrScratch;
use sim::{CHUNK_RUNS, Sampling};

use crate::analysis::{Analysis, AnalysisError, AnalysisPlan};
use crate::model::{Field, Model};
use crate::run::{blocks, sample_chunk};
use crate::scenario::{InputGroup, Scenario};

/// The most groups: exact Shapley values evaluate every run under 2^k subsets (1 024 at k = 10).
pub const MAX_GROUPS: usize = 10;

/// A statistic over the runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Statistic {
    Mean,
    /// The 20th percentile: for a benefit, the cautious side ("in 8 of 10 outcomes at least").
    P20,
    P50,
    P80,
}

impl Statistic {
    /// The probability of a quantile; `None` for the mean.
    pub fn probability(self) -> Option<f64> {
        match self {
            Statistic::Mean => None,
            Statistic::P20 => Some(0.2),
            Statistic::P50 => Some(0.5),
            Statistic::P80 => Some(0.8),
        }
    }
}

/// What an output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// The one-off establishment cost by the headline view (default: the outside view,
    /// reference class), nominal MSEK.
    EstablishmentCost,
    /// The same one-off cost by the inside view (bottom-up: project labour, parallel running,
    /// the one-off items, the risk register), nominal MSEK: shown beside the headline, never
    /// added to it.
    EstablishmentCostInside,
    /// A kommun's (or the total's) NPV of net benefit, MSEK.
    Npv,
}

impl OutputKind {
    /// The statistics explained for an output of this kind: a cost by its mean, median and
    /// P80 (the cautious side of a cost), a benefit also by its P20.
    pub fn statistics(self) -> &'static [Statistic] {
        match self {
            OutputKind::EstablishmentCost | OutputKind::EstablishmentCostInside => {
                &[Statistic::Mean, Statistic::P50, Statistic::P80]
            }
            OutputKind::Npv => &[Statistic::Mean, Statistic::P20, Statistic::P50, Statistic::P80],
        }
    }
}

/// One group of assumptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplainGroup {
    /// Stable identifier ([`InputGroup::id`]).
    pub id: String,
    pub name_sv: String,
    pub name_en: String,
    /// Field paths of its inputs.
    pub inputs: Vec<String>,
    /// Whether any of its inputs can take more than one value.
    pub uncertain: bool,
}

/// One statistic of one output, taken apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplainStat {
    pub stat: Statistic,
    /// The simulated statistic, v(all groups), MSEK.
    pub simulated: f64,
    /// `simulated − point`, MSEK.
    pub difference: f64,
    /// Each group's Shapley value, MSEK, in the order of [`Explain::groups`]; they sum to
    /// `difference` up to rounding.
    pub contributions: Vec<f64>,
}

/// One output taken apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplainOutput {
    /// "establishment_cost", "npv_Gislaved", …, "npv_total".
    pub id: String,
    pub kind: OutputKind,
    /// The kommun (or the total's label) of an NPV; empty for the establishment cost.
    pub kommun: String,
    /// The förstudie's figure: the model with every input at its point value, v(∅), MSEK.
    pub point: f64,
    pub stats: Vec<ExplainStat>,
}

/// Everything `riskkalkyl explain` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explain {
    pub unit: String,
    pub runs: u64,
    pub seed: u64,
    /// 2^groups: the subsets evaluated.
    pub subsets: u64,
    /// How the quantiles are taken.
    pub quantiles: String,
    pub groups: Vec<ExplainGroup>,
    pub outputs: Vec<ExplainOutput>,
}

impl Explain {
    /// The output called `id`.
    pub fn output(&self, id: &str) -> Option<&ExplainOutput> {
        self.outputs.iter().find(|o| o.id == id)
    }
}

impl ExplainOutput {
    /// The statistic `stat`, if explained for this output.
    pub fn stat(&self, stat: Statistic) -> Option<&ExplainStat> {
        self.stats.iter().find(|s| s.stat == stat)
    }
}

/// The groups of `s` for explain, in the registry's order, each with its inputs (indices into
/// the model's inputs): every input in exactly one.
pub fn groups(s: &Scenario, model: &Model) -> Vec<(InputGroup, Vec<usize>)> {
    let ids = s.input_ids();
    debug_assert_eq!(
        ids.len(),
        model.inputs().len(),
        "the model was compiled from this scenario"
    );
    let mut by_group: BTreeMap<InputGroup, Vec<usize>> = BTreeMap::new();
    for (i, id) in ids.iter().enumerate() {
        by_group.entry(id.group(s).explain()).or_default().push(i);
    }
    by_group.into_iter().collect()
}

/// Refuse more than [`MAX_GROUPS`] groups: say how many subsets that would take and how to
/// merge groups.
pub fn check_group_count(k: usize) -> Result<(), AnalysisError> {
    if k <= MAX_GROUPS {
        return Ok(());
    }
    Err(AnalysisError::Input {
        path: "explain groups".into(),
        problem: format!(
            "{k} groups of inputs: exact Shapley values evaluate every run under all 2^{k} = {} subsets; \
             at most {MAX_GROUPS} groups (1 024 subsets)",
            1u64 << k.min(63)
        ),
        hint: "merge groups in explain's grouping, `InputGroup::explain` in models/src/scenario/inputs.rs \
               (the registry's groups, coarsened in that one place)"
            .into(),
    })
}

/// The Shapley weight of a subset of `s` of `k` players: s! (k − s − 1)! / k!, per size s.
fn shapley_weights(k: usize) -> Vec<f64> {
    let fact = |n: usize| (1..=n).map(|x| x as f64).product::<f64>();
    (0..k).map(|s| fact(s) * fact(k - s - 1) / fact(k)).collect()
}

/// Exact Shapley values of a game of `k` players whose value of the subset with bit mask `m`
/// is `v(m)` (`2^k` values): player i gets the weighted mean of its marginal contributions.
pub fn shapley(k: usize, v: impl Fn(usize) -> f64) -> Vec<f64> {
    let w = shapley_weights(k);
    (0..k)
        .map(|i| {
            let bit = 1usize << i;
            (0..1usize << k)
                .filter(|m| m & bit == 0)
                .map(|m| w[m.count_ones() as usize] * (v(m | bit) - v(m)))
                .sum()
        })
        .collect()
}

/// The mean of `x`, taken about its first value: runs that are all equal give that value to
/// the bit (so v(∅) is the förstudie's figure exactly).
fn mean(x: &[f64]) -> f64 {
    let x0 = x[0];
    x0 + x.iter().map(|v| v - x0).sum::<f64>() / x.len() as f64
}

/// The `p` quantile of `x` (reordered in place): linear interpolation between the order
/// statistics at (n − 1)·p (Hyndman & Fan type 7, R's default).
fn quantile(x: &mut [f64], p: f64) -> f64 {
    let h = (x.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let (_, a, rest) = x.select_nth_unstable_by(lo, f64::total_cmp);
    let a = *a;
    match rest.iter().copied().min_by(f64::total_cmp) {
        Some(b) => a + (h - lo as f64) * (b - a),
        None => a,
    }
}

/// `riskkalkyl explain`: the plan's runs (the draws of `run`) under every subset of groups.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExplainAnalysis;

/// What is read from one run's outcome: (kind, field, row).
fn output_rows(model: &Model) -> Vec<(OutputKind, Field, usize)> {
    let mut v = vec![
        (OutputKind::EstablishmentCost, Field::Establishment, 0),
        (OutputKind::EstablishmentCostInside, Field::EstablishmentInside, 0),
    ];
    v.extend((0..model.kommuner().len()).map(|k| (OutputKind::Npv, Field::Npv, k)));
    v.push((OutputKind::Npv, Field::NpvSum, 0));
    v
}

impl Analysis for ExplainAnalysis {
    type Report = Explain;

    fn run(&self, s: &Scenario, model: &Model, plan: &AnalysisPlan) -> Result<Explain, AnalysisError> {
        let groups = groups(s, model);
        let k = groups.len();
        check_group_count(k)?;
        let n_inputs = model.inputs().len();
        let mut group_of = vec![0usize; n_inputs];
        for (g, (_, inputs)) in groups.iter().enumerate() {
            for &i in inputs {
                group_of[i] = g;
            }
        }

        // The run's draws, chunk by chunk on the common streams, kept whole.
        let runs = plan.runs() as usize;
        let run_plan = plan.run_plan();
        let mut draws = vec![vec![0.0; runs]; n_inputs];
        let mut columns = vec![vec![0.0; CHUNK_RUNS as usize]; n_inputs];
        let mut corr = CorrScratch::default();
        for c in 0..run_plan.chunks() {
            let range = run_plan.chunk_runs(c);
            let (start, len) = (range.start as usize, (range.end - range.start) as usize);
            let sampling: Sampling = plan.sampling();
            sample_chunk(model, sampling, plan.seed(), c, len, &mut columns, &mut corr);
            for (d, col) in draws.iter_mut().zip(&columns) {
                d[start..start + len].copy_from_slice(&col[..len]);
            }
        }
        let width = blocks(runs).map(|b| b.len()).max().unwrap_or(1);
        let points: Vec<Vec<f64>> = model.point_values().iter().map(|&p| vec![p; width]).collect();
        let rows = output_rows(model);

        // v[mask]: every output's statistics, in output then statistic order.
        let values: Vec<Vec<f64>> = (0..1usize << k)
            .into_par_iter()
            .map_init(
                || (model.new_lanes(width), vec![vec![0.0; runs]; rows.len()]),
                |(lanes, outs), mask| {
                    for block in blocks(runs) {
                        let len = block.len();
                        let x = |i: usize| -> &[f64] {
                            if (mask >> group_of[i]) & 1 == 1 {
                                &draws[i][block.clone()]
                            } else {
                                &points[i][..len]
                            }
                        };
                        model.evaluate_lanes(x, len, lanes);
                        for (out, &(_, field, row)) in outs.iter_mut().zip(&rows) {
                            out[block.clone()].copy_from_slice(lanes.row(field, row));
                        }
                    }
                    let mut v = Vec::new();
                    for (out, &(kind, _, _)) in outs.iter_mut().zip(&rows) {
                        for stat in kind.statistics() {
                            v.push(match stat.probability() {
                                None => mean(out),
                                Some(p) => quantile(out, p),
                            });
                        }
                    }
                    v
                },
            )
            .collect();

        let full = (1usize << k) - 1;
        let mut outputs = Vec::new();
        let mut at = 0;
        for &(kind, field, row) in &rows {
            let (id, kommun) = match field {
                Field::Npv => (format!("npv_{}", model.kommuner()[row]), model.kommuner()[row].clone()),
                Field::NpvSum => ("npv_total".to_string(), s.meta.total_label.clone()),
                Field::EstablishmentInside => ("establishment_cost_inside".to_string(), String::new()),
                _ => ("establishment_cost".to_string(), String::new()),
            };
            let point = values[0][at];
            let stats = kind
                .statistics()
                .iter()
                .enumerate()
                .map(|(j, &stat)| {
                    let simulated = values[full][at + j];
                    ExplainStat {
                        stat,
                        simulated,
                        difference: simulated - values[0][at + j],
                        contributions: shapley(k, |m| values[m][at + j]),
                    }
                })
                .collect();
            at += kind.statistics().len();
            outputs.push(ExplainOutput {
                id,
                kind,
                kommun,
                point,
                stats,
            });
        }
        let names = model.input_names();
        Ok(Explain {
            unit: "MSEK".into(),
            runs: plan.runs(),
            seed: plan.seed(),
            subsets: 1 << k,
            quantiles: "exact sample quantiles: linear interpolation between order statistics (Hyndman & Fan type 7)"
                .into(),
            groups: groups
                .iter()
                .map(|(g, inputs)| {
                    let label = g.label(s);
                    ExplainGroup {
                        id: g.id(),
                        name_sv: label.sv,
                        name_en: label.en,
                        inputs: inputs.iter().map(|&i| names[i].clone()).collect(),
                        uncertain: inputs.iter().any(|&i| {
                            let inp = &model.inputs()[i];
                            inp.lo < inp.hi
                        }),
                    }
                })
                .collect(),
            outputs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let mut x = vec![4.0, 1.0, 3.0, 2.0, 5.0];
        assert_eq!(quantile(&mut x, 0.5), 3.0);
        assert_eq!(quantile(&mut x, 0.8), 4.2);
        assert_eq!(quantile(&mut x, 0.0), 1.0);
        assert_eq!(quantile(&mut x, 1.0), 5.0);
        let mut same = vec![0.1 + 0.2; 7];
        assert_eq!(quantile(&mut same, 0.8).to_bits(), (0.1f64 + 0.2).to_bits());
        assert_eq!(mean(&same).to_bits(), (0.1f64 + 0.2).to_bits());
    }

    #[test]
    fn shapley_weights_of_every_size_sum_to_one_per_player() {
        for k in 1..=MAX_GROUPS {
            let w = shapley_weights(k);
            // Σ over subsets of the others: C(k−1, s) subsets of size s.
            let binom = |n: usize, r: usize| (0..r).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64);
            let total: f64 = (0..k).map(|s| binom(k - 1, s) * w[s]).sum();
            assert!((total - 1.0).abs() < 1e-12, "k = {k}: {total}");
        }
    }

    #[test]
    fn a_game_is_split_exactly_symmetric_players_alike_and_a_dummy_gets_nothing() {
        // v(S) = (a·[0∈S] + a·[1∈S])² + 3·[2∈S] + 0·[3∈S]: 0 and 1 symmetric, 3 a dummy.
        let v = |m: usize| {
            let a = f64::from(u8::from(m & 1 != 0)) * 1.5 + f64::from(u8::from(m & 2 != 0)) * 1.5;
            a * a + 3.0 * f64::from(u8::from(m & 4 != 0))
        };
        let phi = shapley(4, v);
        assert_eq!(phi[0], phi[1]);
        assert_eq!(phi[3], 0.0);
        assert!((phi[2] - 3.0).abs() < 1e-12);
        assert!((phi.iter().sum::<f64>() - (v(15) - v(0))).abs() < 1e-12);
    }

    #[test]
    fn more_than_ten_groups_are_refused_with_a_fix() {
        assert!(check_group_count(MAX_GROUPS).is_ok());
        let e = check_group_count(MAX_GROUPS + 1).unwrap_err().to_string();
        assert!(e.contains("2048 subsets") && e.contains("fix: merge groups"), "{e}");
    }
}
