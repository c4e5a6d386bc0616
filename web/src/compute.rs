//! One re-simulation of a what-if state against the opened scenario, on common random
//! numbers (same seed: every input draws from the stream of its field path), with every
//! figure the page shows.

use models::{KeptChunk, Model, RunInfo, RunOptions, RunResult, Scenario};
use reports::Summary;
use serde::Serialize;
use sim::RunPlan;
use sim::stats::{Moments, Stat};

use crate::Refusal;

/// Most runs one request may ask for.
pub const MAX_RUNS: u64 = 1_000_000;
/// The first chunks of a run whose per-run figures are kept: the paired standard error of
/// each change and the drivers' correlations are taken over their [`PAIRED_RUNS`] runs.
const PAIRED_CHUNKS: u64 = 3;
pub const PAIRED_RUNS: u64 = PAIRED_CHUNKS * sim::CHUNK_RUNS;
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

/// A run's result and the per-run figures of its first [`PAIRED_CHUNKS`] chunks, from which
/// the paired standard errors and the drivers are taken without sampling again.
#[derive(Debug, Clone)]
pub struct Ran {
    pub result: RunResult,
    pub kept: Vec<KeptChunk>,
}

/// The run of `model` over `plan` in one pass; `None` once `cancelled` says a newer state has
/// come (it is asked before each chunk of 4096 runs, so a stale run stops within about a
/// millisecond per thread).
pub fn run(
    model: &Model,
    plan: &RunPlan,
    budget: f64,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Ran>, Refusal> {
    let run = models::simulate_keeping(
        model,
        plan,
        0..plan.chunks(),
        budget,
        RunOptions::default(),
        PAIRED_CHUNKS,
        cancelled,
    )
    .map_err(|e| Refusal::internal(&e.to_string()))?;
    let Some((r, kept)) = run else {
        return Ok(None);
    };
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
    Ok(Some(Ran { result: r, kept }))
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

/// Each kommun's NPV and then the total's in run `j` of chunk `c`, MSEK (the total summed
/// in kommun order, as [`models::compare`] sums it).
fn npvs(c: &KeptChunk, k: usize, j: usize, out: &mut [f64]) {
    for (i, v) in out[..k].iter_mut().enumerate() {
        *v = c.npv(i)[j];
    }
    out[k] = out[..k].iter().sum();
}

/// The changes against the opened scenario from the runs both sides kept (the first
/// [`PAIRED_RUNS`] runs, the same draws on both sides): per kommun and then the total, the
/// mean change from the full runs' `means` (edited, opened), its standard error from the
/// spread of the paired differences, P(better) and the paired standard error of the change
/// of P(net loss). `runs` is the request's run count, for which the standard errors hold.
///
/// With d_i = 1[NPV_i edited < 0] − 1[NPV_i opened < 0] on the same draws, the loss change's
/// SE = sqrt(var(d) / n) with var(d) the sample variance over the kept runs and `n` = `runs`;
/// a difference within rounding ([`models::compare::TIE_REL`]) is a tie, as in `compare`.
pub fn changes(edited: &[KeptChunk], base: &[KeptChunk], k: usize, runs: u64, means: &[(f64, f64)]) -> Vec<Change> {
    let mut diff = vec![Moments::default(); k + 1];
    let mut better = vec![0u64; k + 1];
    // Sums of d and d² (d² = |d|) for the loss changes.
    let mut loss = vec![(0.0, 0.0); k + 1];
    let (mut x, mut y) = (vec![0.0; k + 1], vec![0.0; k + 1]);
    let mut n = 0u64;
    for (a, b) in edited.iter().zip(base) {
        debug_assert_eq!((a.chunk, a.len), (b.chunk, b.len));
        for j in 0..a.len.min(b.len) {
            npvs(a, k, j, &mut x);
            npvs(b, k, j, &mut y);
            for i in 0..=k {
                let tie = (x[i] - y[i]).abs() <= models::compare::TIE_REL * (1.0 + x[i].abs() + y[i].abs());
                diff[i].push(if tie { 0.0 } else { x[i] - y[i] });
                better[i] += u64::from(!tie && x[i] > y[i]);
                let d = f64::from(u8::from(x[i] < 0.0)) - f64::from(u8::from(y[i] < 0.0));
                loss[i].0 += d;
                loss[i].1 += d * d;
            }
            n += 1;
        }
    }
    let nf = n as f64;
    (0..=k)
        .zip(means)
        .map(|(i, (a, b))| {
            let (s, ss) = loss[i];
            // Sample variance of d (n − 1 in the denominator).
            let var = if n > 1 { (ss - s * s / nf) / (nf - 1.0) } else { 0.0 };
            Change {
                mean_msek: a - b,
                mean_se_msek: diff[i].sd() / (runs as f64).sqrt(),
                p_better: if n > 0 { better[i] as f64 / nf } else { 0.0 },
                loss_se: (var.max(0.0) / runs as f64).sqrt(),
            }
        })
        .collect()
}

/// An input that drives the total NPV: its correlation with it over the first runs.
#[derive(Debug, Clone, Serialize)]
pub struct Driver {
    pub path: String,
    pub label: String,
    /// Pearson correlation of the input with the total NPV.
    pub corr: f64,
}

/// The inputs most correlated with the total NPV, on the runs the edited side kept.
pub fn drivers(s: &Scenario, model: &Model, kept: &[KeptChunk], en: bool) -> Vec<Driver> {
    let m = model.input_names().len();
    let k = model.kommuner().len();
    // Sums for the correlations: x, x², xy per input; y, y².
    let (mut sx, mut sxx, mut sxy) = (vec![0.0; m], vec![0.0; m], vec![0.0; m]);
    let (mut sy, mut syy, mut n) = (0.0, 0.0, 0.0);
    let mut y = vec![0.0; k + 1];
    for c in kept {
        let total: Vec<f64> = (0..c.len)
            .map(|j| {
                npvs(c, k, j, &mut y);
                y[k]
            })
            .collect();
        for i in 0..m {
            for (&x, &t) in c.input(i).iter().zip(&total) {
                sx[i] += x;
                sxx[i] += x * x;
                sxy[i] += x * t;
            }
        }
        sy += total.iter().sum::<f64>();
        syy += total.iter().map(|t| t * t).sum::<f64>();
        n += c.len as f64;
    }
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
    v
}
