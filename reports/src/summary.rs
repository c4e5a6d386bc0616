//! The key figures of a run (what summary.json holds), MSEK.

use models::RunResult;
use serde::Serialize;
use sim::stats::QuantileSketch;

/// Statistics of one output distribution, MSEK (or the unit its key names).
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub mean: f64,
    pub mean_se: f64,
    pub sd: f64,
    pub min: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p80: f64,
    pub p90: f64,
    pub p95: f64,
    pub max: f64,
    /// 95 % confidence intervals of the percentiles a board sees (P10, P50, P80, P85, P90,
    /// P95), for the NPVs and the establishment cost; absent for the other figures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quantiles_ci95: Vec<QuantileCi>,
}

/// The percentiles that carry a confidence interval ([`Stats::quantiles_ci95`]), in percent.
pub const BOARD_PERCENTILES: [u32; 6] = [10, 50, 80, 85, 90, 95];

/// A percentile with its 95 % confidence interval, MSEK: the order statistics that bracket it
/// with 95 % confidence under i.i.d. draws (distribution-free; conservative for LHS), widened
/// by the quantile sketch's relative accuracy ([`sim::stats::QuantileSketch::quantile_interval95`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QuantileCi {
    /// The percentile, e.g. 80 for P80.
    pub pct: u32,
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Stats {
    /// These statistics with the confidence intervals of [`BOARD_PERCENTILES`] from `stat`.
    fn with_intervals(mut self, stat: &sim::Stat) -> Stats {
        self.quantiles_ci95 = BOARD_PERCENTILES
            .iter()
            .map(|&pct| {
                let q = f64::from(pct) / 100.0;
                let (lo, hi) = stat.sketch.quantile_interval95(q);
                QuantileCi {
                    pct,
                    value: stat.sketch.quantile(q),
                    lo,
                    hi,
                }
            })
            .collect();
        self
    }

    /// The interval of percentile `pct` (e.g. 80), if it carries one.
    pub fn ci95(&self, pct: u32) -> Option<&QuantileCi> {
        self.quantiles_ci95.iter().find(|c| c.pct == pct)
    }
}

impl From<sim::Summary> for Stats {
    fn from(s: sim::Summary) -> Stats {
        Stats {
            mean: s.mean,
            mean_se: s.mean_se,
            sd: s.sd,
            min: s.min,
            p5: s.p5,
            p10: s.p10,
            p25: s.p25,
            p50: s.p50,
            p75: s.p75,
            p80: s.p80,
            p90: s.p90,
            p95: s.p95,
            max: s.max,
            quantiles_ci95: Vec::new(),
        }
    }
}

/// Payback year percentiles; `null` where the percentile lies beyond the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct Payback {
    pub p10: Option<i32>,
    pub p50: Option<i32>,
    pub p80: Option<i32>,
    pub p90: Option<i32>,
    /// Probability that cumulative net benefit has turned non-negative for good by the horizon.
    pub prob_by_horizon: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct KommunSummary {
    pub name: String,
    pub net_benefit_npv: Stats,
    pub prob_net_loss: f64,
    /// The binomial standard error; `null` when no run (or every run) made a loss, where it
    /// would be 0 and say nothing: read `prob_net_loss_ci95` then.
    pub prob_net_loss_se: f64,
    /// 95 % confidence interval `[lo, hi]` of P(net loss); with no loss observed `[0, bound]`,
    /// the one-sided 95 % upper bound (shown as "< bound").
    pub prob_net_loss_ci95: [f64; 2],
    pub payback_year: Payback,
}

/// What the run was: for the record in summary.json (defined with the run, in `models`).
pub use models::RunInfo;

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub runs: u64,
    pub seed: u64,
    /// How inputs were drawn: "mc" (plain Monte Carlo) or "lhs" (Latin hypercube per chunk).
    pub sampling: &'static str,
    pub unit: &'static str,
    pub horizon_year: i32,
    pub npv_base_year: i32,
    pub discount_rate_pct: f64,
    pub budget_msek: f64,
    pub prob_cost_overrun: f64,
    /// `null` when no run (or every run) overran; see `prob_cost_overrun_ci95`.
    pub prob_cost_overrun_se: f64,
    /// 95 % confidence interval `[lo, hi]` of P(cost overrun), as for `prob_net_loss_ci95`.
    pub prob_cost_overrun_ci95: [f64; 2],
    /// P80 of the establishment cost minus the budget: the contingency a P80 budget needs.
    pub p80_contingency_msek: f64,
    pub establishment_cost: Stats,
    pub establishment_duration_months: Stats,
    /// Saving at full effect as a share of the current cost.
    pub saving_share_full_effect: Stats,
    pub kommuner: Vec<KommunSummary>,
    /// The four kommuner together.
    pub total: KommunSummary,
    /// Largest relative error of a reported percentile against the exact order statistic.
    pub quantile_relative_accuracy: f64,
    /// How the standard errors (`mean_se`, `*_se`) were obtained: `{"method": "iid"}`, or for
    /// Latin hypercube runs `chunk_means` (with the number of full chunks and the relative
    /// precision of the SE itself) or `iid_upper_bound` (too few chunks for that precision).
    pub standard_errors: models::run::SeMethod,
    /// What produced these numbers ([`models::run::manifest::RunIdentity`]): build, scenario
    /// SHA-256, seed, runs, sampling, budget; its `fingerprint()` is the short form a board's
    /// minutes cite. Set by the caller; absent when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<models::run::manifest::RunIdentity>,
}

/// A proportion's standard error as summary.json shows it: NaN (written `null`) when it is
/// 0 because no run or every run was a hit.
fn honest_se(p: &sim::Proportion, se: f64) -> f64 {
    if p.hits == 0 || p.hits == p.n { f64::NAN } else { se }
}

fn ci(p: &sim::Proportion) -> [f64; 2] {
    let (lo, hi) = p.interval95();
    [lo, hi]
}

fn payback(counts: &[u64], years: &[i32]) -> Payback {
    let n: u64 = counts.iter().sum();
    let pct = |p: f64| {
        let need = (p * n as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (t, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= need {
                return years.get(t).copied();
            }
        }
        None
    };
    Payback {
        p10: pct(0.10),
        p50: pct(0.50),
        p80: pct(0.80),
        p90: pct(0.90),
        prob_by_horizon: 1.0 - counts[years.len()] as f64 / n as f64,
    }
}

impl Summary {
    pub fn new(info: &RunInfo, r: &RunResult) -> Summary {
        // Standard errors from the run: i.i.d. for plain sampling, between chunks for LHS.
        let kommun = |i: usize, name: &str| KommunSummary {
            name: name.to_string(),
            net_benefit_npv: Stats::from(sim::Summary {
                mean_se: r.npv_mean_se(i),
                ..r.npv[i].summary()
            })
            .with_intervals(&r.npv[i]),
            prob_net_loss: r.net_loss[i].p(),
            prob_net_loss_se: honest_se(&r.net_loss[i], r.net_loss_se(i)),
            prob_net_loss_ci95: ci(&r.net_loss[i]),
            payback_year: payback(&r.payback[i], &r.years),
        };
        let est = sim::Summary {
            mean_se: r.establishment_mean_se(),
            ..r.establishment.summary()
        };
        Summary {
            scenario: info.scenario.clone(),
            runs: r.runs,
            seed: info.seed,
            sampling: r.sampling.name(),
            unit: "MSEK",
            horizon_year: info.horizon_year,
            npv_base_year: info.npv_base_year,
            discount_rate_pct: info.discount_rate_pct,
            budget_msek: r.budget_msek,
            prob_cost_overrun: r.overrun.p(),
            prob_cost_overrun_se: honest_se(&r.overrun, r.overrun_se()),
            prob_cost_overrun_ci95: ci(&r.overrun),
            p80_contingency_msek: est.p80 - r.budget_msek,
            establishment_cost: Stats::from(est).with_intervals(&r.establishment),
            establishment_duration_months: r.duration_months.summary().into(),
            saving_share_full_effect: r.saving_share_full.summary().into(),
            kommuner: r.kommuner.iter().enumerate().map(|(i, n)| kommun(i, n)).collect(),
            total: kommun(r.kommuner.len(), &info.total_label),
            quantile_relative_accuracy: QuantileSketch::RELATIVE_ACCURACY,
            standard_errors: r.se_method(),
            manifest: None,
        }
    }

    /// summary.json's text.
    pub fn to_json(&self) -> String {
        crate::export::json::pretty(self)
    }
}
