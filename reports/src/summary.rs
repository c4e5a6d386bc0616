//! The key figures of a run (what summary.json holds), MSEK.

use models::{CostCounts, RunResult};
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
        }
    }
}

/// One view of the establishment cost: its distribution, the P85, and how it lies against the
/// förstudie's estimate and range.
#[derive(Debug, Clone, Serialize)]
pub struct CostView {
    #[serde(flatten)]
    pub stats: Stats,
    /// The P85 cost frame (P85: a confidence level used for large Swedish infrastructure
    /// investments, Trafikverket practice, unconfirmed here).
    pub p85: f64,
    pub prob_above_estimate: f64,
    /// `null` without a range in the scenario.
    pub prob_above_range: Option<f64>,
    pub prob_below_range: Option<f64>,
}

impl CostView {
    fn new(stat: &sim::Stat, counts: &CostCounts, range: bool) -> CostView {
        CostView {
            stats: stat.summary().into(),
            p85: stat.sketch.quantile(0.85),
            prob_above_estimate: counts.above_estimate.p(),
            prob_above_range: range.then(|| counts.above_range.p()),
            prob_below_range: range.then(|| counts.below_range.p()),
        }
    }
}

/// How far the outside view lies from the inside view: outside − inside, MSEK, per figure.
#[derive(Debug, Clone, Serialize)]
pub struct ViewsGap {
    pub mean: f64,
    pub p50: f64,
    pub p80: f64,
    pub p85: f64,
    pub p95: f64,
    /// Share of runs whose outside view exceeds their own inside view (the same draw).
    pub prob_outside_above_inside: f64,
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
    pub prob_net_loss_se: f64,
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
    /// Amounts are nominal (each year's own prices), never "today's money"; NPVs discount them
    /// at the scenario's rate used as kalkylränta.
    pub money: &'static str,
    /// The payback year sums undiscounted nominal net benefit.
    pub payback_discounted: bool,
    /// Which view of the establishment cost the headline, the joint cost and every NPV take:
    /// "outside" (reference class) or "inside" (bottom-up).
    pub headline_view: &'static str,
    /// The förstudie's one-off estimate, MSEK, the costs are compared with (no budget: the
    /// förstudie sets none).
    pub reference_estimate_msek: f64,
    /// The förstudie's range `[low, high]`, MSEK, or `null`.
    pub reference_range_msek: Option<[f64; 2]>,
    /// P(headline cost > the estimate), and its standard error.
    pub prob_cost_above_estimate: f64,
    pub prob_cost_above_estimate_se: f64,
    /// P(headline cost > the range's high end) and P(< its low end); `null` without a range.
    pub prob_cost_above_range: Option<f64>,
    pub prob_cost_above_range_se: Option<f64>,
    pub prob_cost_below_range: Option<f64>,
    pub prob_cost_below_range_se: Option<f64>,
    /// The headline cost's P80 and P85: cost frames (kostnadsramar) at those confidence levels.
    pub cost_frame_p80_msek: f64,
    pub cost_frame_p85_msek: f64,
    /// The frames less the estimate: the reserve each needs over the förstudie's figure.
    pub reserve_p80_over_estimate_msek: f64,
    pub reserve_p85_over_estimate_msek: f64,
    /// The headline view of the establishment cost.
    pub establishment_cost: Stats,
    /// Both views on the same draws, and how far apart they are.
    pub establishment_cost_outside: CostView,
    pub establishment_cost_inside: CostView,
    pub establishment_views_gap_msek: ViewsGap,
    pub establishment_duration_months: Stats,
    /// Saving at full effect as a share of the current cost.
    pub saving_share_full_effect: Stats,
    pub kommuner: Vec<KommunSummary>,
    /// The four kommuner together.
    pub total: KommunSummary,
    /// Largest relative error of a reported percentile against the exact order statistic.
    pub quantile_relative_accuracy: f64,
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
            net_benefit_npv: sim::Summary {
                mean_se: r.npv_mean_se(i),
                ..r.npv[i].summary()
            }
            .into(),
            prob_net_loss: r.net_loss[i].p(),
            prob_net_loss_se: r.net_loss_se(i),
            payback_year: payback(&r.payback[i], &r.years),
        };
        let est = sim::Summary {
            mean_se: r.establishment_mean_se(),
            ..r.establishment.summary()
        };
        let p85 = r.establishment.sketch.quantile(0.85);
        let range = r.reference_range_msek.is_some();
        let (outside, inside) = (
            CostView::new(&r.establishment_outside, &r.cost_outside, range),
            CostView::new(&r.establishment_inside, &r.cost_inside, range),
        );
        let gap = ViewsGap {
            mean: outside.stats.mean - inside.stats.mean,
            p50: outside.stats.p50 - inside.stats.p50,
            p80: outside.stats.p80 - inside.stats.p80,
            p85: outside.p85 - inside.p85,
            p95: outside.stats.p95 - inside.stats.p95,
            prob_outside_above_inside: r.outside_above_inside.p(),
        };
        let se = |p: &sim::stats::Proportion| range.then(|| p.std_error());
        Summary {
            scenario: info.scenario.clone(),
            runs: r.runs,
            seed: info.seed,
            sampling: r.sampling.name(),
            unit: "MSEK",
            horizon_year: info.horizon_year,
            npv_base_year: info.npv_base_year,
            discount_rate_pct: info.discount_rate_pct,
            money: "nominal",
            payback_discounted: false,
            headline_view: r.headline_view.name(),
            reference_estimate_msek: r.reference_estimate_msek,
            reference_range_msek: r.reference_range_msek,
            prob_cost_above_estimate: r.cost.above_estimate.p(),
            prob_cost_above_estimate_se: r.above_estimate_se(),
            prob_cost_above_range: range.then(|| r.cost.above_range.p()),
            prob_cost_above_range_se: se(&r.cost.above_range),
            prob_cost_below_range: range.then(|| r.cost.below_range.p()),
            prob_cost_below_range_se: se(&r.cost.below_range),
            cost_frame_p80_msek: est.p80,
            cost_frame_p85_msek: p85,
            reserve_p80_over_estimate_msek: est.p80 - r.reference_estimate_msek,
            reserve_p85_over_estimate_msek: p85 - r.reference_estimate_msek,
            establishment_cost: est.into(),
            establishment_cost_outside: outside,
            establishment_cost_inside: inside,
            establishment_views_gap_msek: gap,
            establishment_duration_months: r.duration_months.summary().into(),
            saving_share_full_effect: r.saving_share_full.summary().into(),
            kommuner: r.kommuner.iter().enumerate().map(|(i, n)| kommun(i, n)).collect(),
            total: kommun(r.kommuner.len(), &info.total_label),
            quantile_relative_accuracy: QuantileSketch::RELATIVE_ACCURACY,
        }
    }

    /// summary.json's text.
    pub fn to_json(&self) -> String {
        crate::export::json::pretty(self)
    }
}
