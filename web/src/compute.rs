//! One re-simulation of a what-if state against the opened scenario, on common random
//! numbers (same seed: every input draws from the stream of its field path), with every
//! figure the page shows.

use models::{Model, RunInfo, RunOptions, RunResult, Scenario};
use reports::Summary;
use serde::Serialize;
use sim::RunPlan;
use sim::stats::Stat;

use crate::Refusal;

/// Most runs one request may ask for.
pub const MAX_RUNS: u64 = 1_000_000;
/// Chunks simulated between two looks at the cancel token (4 × 4096 runs: a few
/// milliseconds on two cores).
const CHUNKS_PER_CHECK: u64 = 4;
/// Runs of the paired pass that gives the standard error of each change, and of the
/// drivers' correlations.
const PAIRED_RUNS: u64 = 3 * sim::CHUNK_RUNS;
const DRIVER_RUNS: u64 = 2 * sim::CHUNK_RUNS;
/// Drivers shown.
const TOP_DRIVERS: usize = 10;

/// The probability levels of the S-curves.
pub fn levels() -> Vec<f64> {
    let mut v = vec![0.005];
    v.extend((0..50).map(|i| 0.01 + 0.02 * f64::from(i)));
    v.push(0.995);
    v
}

fn curve(s: &Stat) -> Vec<f64> {
    levels().into_iter().map(|q| s.sketch.quantile(q)).collect()
}

/// The run of `model` over `plan`, `CHUNKS_PER_CHECK` chunks at a time; `None` once
/// `cancelled` says a newer state has come. Merging is exact: the result equals one
/// [`models::simulate_with`] over all chunks to the bit.
pub fn run(
    model: &Model,
    plan: &RunPlan,
    budget: f64,
    cancelled: &dyn Fn() -> bool,
) -> Result<Option<RunResult>, Refusal> {
    let total = plan.chunks();
    let mut acc: Option<RunResult> = None;
    let mut start = 0;
    while start < total {
        if cancelled() {
            return Ok(None);
        }
        let end = (start + CHUNKS_PER_CHECK).min(total);
        let r = models::simulate_with(model, plan, start..end, budget, RunOptions::default())
            .map_err(|e| Refusal::internal(&e.to_string()))?;
        match &mut acc {
            Some(a) => a.merge(&r),
            None => acc = Some(r),
        }
        start = end;
    }
    let r = acc.ok_or_else(|| Refusal::internal("no chunks"))?;
    if r.out_of_range_runs > 0 {
        return Err(Refusal::field(
            "(scenario)",
            format!(
                "{} of {} runs gave a figure that is not a finite number within ±{:e} MSEK",
                r.out_of_range_runs,
                plan.runs,
                models::scenario::MAX_OUTPUT_MSEK
            ),
            "replace unbounded distributions (normal, lognormal) by bounded ones or narrow them",
        ));
    }
    Ok(Some(r))
}

/// What `riskkalkyl run` would write as summary.json for this run.
pub fn summary(s: &Scenario, model: &Model, r: &RunResult, seed: u64) -> Summary {
    Summary::new(&info(s, model, r.runs, seed), r)
}

pub fn info(s: &Scenario, model: &Model, runs: u64, seed: u64) -> RunInfo {
    RunInfo {
        scenario: s.meta.name.clone(),
        total_label: s.meta.total_label.clone(),
        runs,
        seed,
        horizon_year: s.years.horizon_year,
        npv_base_year: model.npv_base_year(),
        discount_rate_pct: model.discount_rate_pct(),
    }
}

/// One side's figures beyond the summary: the S-curves and the P85 of the one-off cost.
#[derive(Debug, Clone, Serialize)]
pub struct Curves {
    /// Per kommun, then the total: NPV at [`levels`], MSEK.
    pub npv: Vec<Vec<f64>>,
    /// The one-off (establishment) cost at [`levels`], MSEK.
    pub establishment: Vec<f64>,
    pub establishment_p85: f64,
    /// Yearly net benefit per kommun (then the total): p5, p25, p50, p75, p95 per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yearly: Option<Vec<[Vec<f64>; 5]>>,
}

impl Curves {
    pub fn new(r: &RunResult, yearly: bool) -> Curves {
        let n = r.years.len();
        Curves {
            npv: r.npv.iter().map(curve).collect(),
            establishment: curve(&r.establishment),
            establishment_p85: r.establishment.sketch.quantile(0.85),
            yearly: yearly.then(|| {
                (0..=r.kommuner.len())
                    .map(|k| {
                        let row = &r.net_yearly[k * n..(k + 1) * n];
                        [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| row.iter().map(|s| s.sketch.quantile(q)).collect())
                    })
                    .collect()
            }),
        }
    }
}

/// The change of one kommun's NPV (or the total's) against the opened scenario, paired.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Mean NPV change, MSEK (from the full runs: edited mean minus opened mean).
    pub mean_msek: f64,
    /// Its standard error for the full runs, from the spread of the paired differences.
    pub mean_se_msek: f64,
    /// P(the edited scenario's NPV is higher than the opened one's in a run).
    pub p_better: f64,
    /// Paired standard error of the change of P(net loss) (see [`loss_change_se`]).
    pub loss_se: f64,
}

/// Paired differences on the first [`PAIRED_RUNS`] runs: the standard error of each change.
pub fn changes(
    edited: &Model,
    base: &Model,
    runs: u64,
    seed: u64,
    means: &[(f64, f64)],
) -> Result<Vec<Change>, Refusal> {
    let loss = loss_change_se(edited, base, runs, seed)?;
    let plan = RunPlan::new(runs.min(PAIRED_RUNS), seed, 0).map_err(|e| Refusal::internal(&e.to_string()))?;
    let c =
        models::compare(edited, base, &plan, RunOptions::default()).map_err(|e| Refusal::internal(&e.to_string()))?;
    Ok(c.pairs
        .iter()
        .zip(means)
        .zip(loss)
        .map(|((p, (a, b)), loss_se)| Change {
            mean_msek: a - b,
            mean_se_msek: p.diff.moments.sd() / (runs as f64).sqrt(),
            p_better: p.a_better.p(),
            loss_se,
        })
        .collect())
}

/// The paired (common random numbers) standard error of the change of P(net loss) of each
/// kommun, then the total: with d_i = 1[NPV_i edited < 0] − 1[NPV_i opened < 0] on the same
/// draws, SE = sqrt(var(d) / n), var(d) taken over the first [`PAIRED_RUNS`] runs and `n` the
/// runs of the request (as the mean change's standard error).
pub fn loss_change_se(edited: &Model, base: &Model, runs: u64, seed: u64) -> Result<Vec<f64>, Refusal> {
    let plan = RunPlan::new(runs.min(PAIRED_RUNS), seed, 0).map_err(|e| Refusal::internal(&e.to_string()))?;
    // Per run, a bit per kommun and one for the total: whether its NPV is negative.
    let losses = |m: &Model| {
        let mut v: Vec<u64> = Vec::with_capacity(plan.runs as usize);
        models::run::for_each_run(m, &plan, 0..plan.chunks(), |_, _, o| {
            let mut bits = 0u64;
            for (k, &x) in o.npv.iter().enumerate() {
                bits |= u64::from(x < 0.0) << k;
            }
            bits |= u64::from(o.npv.iter().sum::<f64>() < 0.0) << o.npv.len();
            v.push(bits);
            true
        });
        v
    };
    let (a, b) = std::thread::scope(|sc| {
        let h = sc.spawn(|| losses(base));
        let a = losses(edited);
        (a, h.join())
    });
    let b = b.map_err(|_| Refusal::internal("the paired pass panicked"))?;
    let k = edited.kommuner().len();
    if k >= 63 {
        return Err(Refusal::internal("more than 62 kommuner"));
    }
    let n = a.len() as f64;
    Ok((0..=k)
        .map(|j| {
            let (mut s, mut ss) = (0.0, 0.0);
            for (x, y) in a.iter().zip(&b) {
                let d = f64::from(u8::from(x >> j & 1 == 1)) - f64::from(u8::from(y >> j & 1 == 1));
                s += d;
                ss += d * d;
            }
            // Sample variance of d (n − 1 in the denominator).
            let var = if n > 1.0 { (ss - s * s / n) / (n - 1.0) } else { 0.0 };
            (var.max(0.0) / runs as f64).sqrt()
        })
        .collect())
}

/// An input that drives the total NPV: its correlation with it over the first runs.
#[derive(Debug, Clone, Serialize)]
pub struct Driver {
    pub path: String,
    pub label: String,
    /// Pearson correlation of the input with the total NPV.
    pub corr: f64,
}

/// The inputs most correlated with the total NPV, on the first [`DRIVER_RUNS`] runs.
pub fn drivers(s: &Scenario, model: &Model, runs: u64, seed: u64, en: bool) -> Result<Vec<Driver>, Refusal> {
    let runs = runs.min(DRIVER_RUNS);
    let plan = RunPlan::new(runs, seed, 1).map_err(|e| Refusal::internal(&e.to_string()))?;
    let m = model.input_names().len();
    // Sums for the correlations: x, x², xy per input; y, y².
    let (mut sx, mut sxx, mut sxy) = (vec![0.0; m], vec![0.0; m], vec![0.0; m]);
    let (mut sy, mut syy, mut n) = (0.0, 0.0, 0.0);
    models::run::for_each_run(model, &plan, 0..plan.chunks(), |_, x, o| {
        let y: f64 = o.npv.iter().sum();
        for i in 0..m {
            sx[i] += x[i];
            sxx[i] += x[i] * x[i];
            sxy[i] += x[i] * y;
        }
        sy += y;
        syy += y * y;
        n += 1.0;
        true
    });
    let vy = syy - sy * sy / n;
    let mut v: Vec<Driver> = (0..m)
        .filter_map(|i| {
            let vx = sxx[i] - sx[i] * sx[i] / n;
            let c = (sxy[i] - sx[i] * sy / n) / (vx * vy).sqrt();
            let path = &model.input_names()[i];
            let label = s
                .input_id(path)
                .map_or_else(|| path.clone(), |id| if en { id.label(s).en } else { id.label(s).sv });
            c.is_finite().then(|| Driver {
                path: path.clone(),
                label,
                corr: c,
            })
        })
        .collect();
    v.sort_by(|a, b| b.corr.abs().total_cmp(&a.corr.abs()));
    v.truncate(TOP_DRIVERS);
    Ok(v)
}
