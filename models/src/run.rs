//! Many draws of the model with the `sim` engine, collected into mergeable statistics.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use sim::correlation::Scratch as CorrScratch;
use sim::stats::{Moments, Proportion, Scan, Stat, scan};
use sim::{CHUNK_RUNS, RunPlan, RunPlanError, Sampling};

use crate::model::{Field, Lanes, Model, Outcome};
use crate::scenario::{HeadlineView, MAX_OUTPUT_MSEK};

pub mod manifest;
pub mod state;

/// What the run was: its identity in shard state files and the record in summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub scenario: String,
    /// The label of the total over the kommuner (the scenario's `meta.total_label`).
    pub total_label: String,
    pub runs: u64,
    pub seed: u64,
    pub horizon_year: i32,
    pub npv_base_year: i32,
    pub discount_rate_pct: f64,
}

/// How often one view of the establishment cost lands above the förstudie's estimate, above
/// its range and below it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostCounts {
    /// Cost > the reference estimate.
    pub above_estimate: Proportion,
    /// Cost > the range's high end (no hits without a range).
    pub above_range: Proportion,
    /// Cost < the range's low end (no hits without a range).
    pub below_range: Proportion,
}

impl CostCounts {
    fn count(&mut self, costs: &[f64], estimate: f64, [lo, hi]: [f64; 2]) {
        let n = costs.len() as u64;
        for (p, hits) in [
            (
                &mut self.above_estimate,
                costs.iter().filter(|&&x| x > estimate).count(),
            ),
            (&mut self.above_range, costs.iter().filter(|&&x| x > hi).count()),
            (&mut self.below_range, costs.iter().filter(|&&x| x < lo).count()),
        ] {
            p.hits += hits as u64;
            p.n += n;
        }
    }

    pub fn merge(&mut self, o: &CostCounts) {
        self.above_estimate.merge(&o.above_estimate);
        self.above_range.merge(&o.above_range);
        self.below_range.merge(&o.below_range);
    }
}

/// Everything a run keeps: per-kommun NPV, yearly net benefit and joint cost, payback,
/// establishment cost by both views against the förstudie's estimate and range. All of it
/// merges exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub runs: u64,
    pub kommuner: Vec<String>,
    pub years: Vec<i32>,
    /// The förstudie's estimate the costs are compared with, MSEK.
    pub reference_estimate_msek: f64,
    /// The förstudie's range `[low, high]`, MSEK, if the scenario has one.
    pub reference_range_msek: Option<[f64; 2]>,
    /// Which view `establishment` (and every NPV) takes.
    pub headline_view: HeadlineView,
    /// Per kommun, then the GGVV total last.
    pub npv: Vec<Stat>,
    pub net_loss: Vec<Proportion>,
    /// Payback counts per kommun (and total): index t for year `years[t]`, the last slot for
    /// "not by the horizon".
    pub payback: Vec<Vec<u64>>,
    /// Yearly net benefit and joint cost, `[k * years + t]`, the total as the last kommun.
    /// Mean and quantiles only ([`Stat::mean_only`]: their `sd` and `mean_se` are NaN), which
    /// is what yearly.csv and the report show: the spread of 120 rows a run would be about 5 %
    /// of its time.
    pub net_yearly: Vec<Stat>,
    pub joint_yearly: Vec<Stat>,
    /// Cumulative net benefit from the base year to each year, same layout as `net_yearly`.
    /// Kept only by [`simulate_with_cumulative`] (the board report's payback charts); empty
    /// otherwise, so plain runs pay nothing for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cum_yearly: Vec<Stat>,
    /// The establishment cost by the headline view.
    pub establishment: Stat,
    /// The same runs' cost by the inside view (bottom-up) and by the outside view (reference
    /// class).
    pub establishment_inside: Stat,
    pub establishment_outside: Stat,
    /// The headline cost against the estimate and range.
    pub cost: CostCounts,
    pub cost_inside: CostCounts,
    pub cost_outside: CostCounts,
    /// Runs whose outside view exceeds their inside view.
    pub outside_above_inside: Proportion,
    pub duration_months: Stat,
    pub saving_share_full: Stat,
    /// How the inputs were drawn.
    #[serde(default)]
    pub sampling: Sampling,
    /// Means of full chunks, for the standard errors of Latin hypercube runs.
    #[serde(default)]
    pub chunk_means: ChunkMeans,
    /// Runs left out because a figure was not finite or beyond
    /// [`crate::scenario::MAX_OUTPUT_MSEK`]; validation makes this 0 for bounded inputs, and
    /// a caller must refuse a result where it is not.
    #[serde(default)]
    pub out_of_range_runs: u64,
}

/// Moments of per-chunk means over full chunks ([`CHUNK_RUNS`] runs each). Each chunk is an
/// independent replicate (its own Latin hypercube), so the spread of chunk means gives an
/// honest standard error where the i.i.d. formula sd/√n does not apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChunkMeans {
    /// Per kommun, then the total.
    pub npv: Vec<Moments>,
    pub net_loss: Vec<Moments>,
    pub establishment: Moments,
    /// Of the headline cost > the estimate.
    pub above_estimate: Moments,
}

/// Relative precision the between-chunk standard error of a Latin hypercube run must have
/// before it is used (and before `--until-se` may stop on it): ±10 %, one standard error of
/// the estimated SE itself.
pub const LHS_SE_RELATIVE_PRECISION: f64 = 0.10;

/// Fewest full chunks for a between-chunk standard error: an SE estimated from m independent
/// chunk means has a relative standard error of about 1/√(2(m − 1)) (normal chunk means), so
/// ±[`LHS_SE_RELATIVE_PRECISION`] needs m ≥ 1 + 1/(2·0.10²) = 51 (10 chunks gave ±24 %).
/// Below it, Latin hypercube runs report the i.i.d. standard error, an upper bound up to a
/// factor √(n/(n − 1)) (Owen 1997).
pub const MIN_CHUNKS_FOR_LHS_SE: u64 = 51;

/// How the standard errors of a run were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum SeMethod {
    /// sd/√n of independent runs (plain Monte Carlo).
    Iid,
    /// Latin hypercube with too few full chunks for a precise between-chunk SE: the i.i.d.
    /// formula, which over-states an LHS error (an upper bound).
    IidUpperBound { full_chunks: u64, needed_chunks: u64 },
    /// The spread of the means of this many independent full chunks (Latin hypercube).
    ChunkMeans { full_chunks: u64, relative_precision: f64 },
}

impl RunResult {
    fn new(model: &Model, estimate_msek: f64, cumulative: bool) -> RunResult {
        let k = model.kommuner().len() + 1;
        let n = model.years().len();
        RunResult {
            runs: 0,
            kommuner: model.kommuner().to_vec(),
            years: model.years().to_vec(),
            reference_estimate_msek: estimate_msek,
            reference_range_msek: model.reference_range_msek(),
            headline_view: model.headline_view(),
            npv: vec![Stat::default(); k],
            net_loss: vec![Proportion::default(); k],
            payback: vec![vec![0; n + 1]; k],
            net_yearly: vec![Stat::mean_only(); k * n],
            joint_yearly: vec![Stat::mean_only(); k * n],
            cum_yearly: if cumulative {
                vec![Stat::mean_only(); k * n]
            } else {
                Vec::new()
            },
            establishment: Stat::default(),
            establishment_inside: Stat::default(),
            establishment_outside: Stat::default(),
            cost: CostCounts::default(),
            cost_inside: CostCounts::default(),
            cost_outside: CostCounts::default(),
            outside_above_inside: Proportion::default(),
            duration_months: Stat::default(),
            saving_share_full: Stat::default(),
            sampling: Sampling::MonteCarlo,
            chunk_means: ChunkMeans {
                npv: vec![Moments::default(); k],
                net_loss: vec![Moments::default(); k],
                establishment: Moments::default(),
                above_estimate: Moments::default(),
            },
            out_of_range_runs: 0,
        }
    }

    /// A standard error: the i.i.d. one for plain Monte Carlo, the between-chunk one for Latin
    /// hypercube runs with enough full chunks (`chunk` holds the chunk means).
    fn se(&self, iid: f64, chunk: &Moments) -> f64 {
        match self.sampling {
            Sampling::LatinHypercube if chunk.count() >= MIN_CHUNKS_FOR_LHS_SE => {
                // Var(chunk mean)·CHUNK_RUNS is the per-run variance LHS achieves.
                (chunk.variance() * CHUNK_RUNS as f64 / self.runs as f64).sqrt()
            }
            _ => iid,
        }
    }

    /// How [`RunResult::npv_mean_se`] and the other standard errors are obtained.
    pub fn se_method(&self) -> SeMethod {
        let full_chunks = self.chunk_means.establishment.count();
        match self.sampling {
            Sampling::MonteCarlo => SeMethod::Iid,
            Sampling::LatinHypercube if full_chunks >= MIN_CHUNKS_FOR_LHS_SE => SeMethod::ChunkMeans {
                full_chunks,
                relative_precision: (1.0 / (2.0 * (full_chunks - 1) as f64)).sqrt(),
            },
            Sampling::LatinHypercube => SeMethod::IidUpperBound {
                full_chunks,
                needed_chunks: MIN_CHUNKS_FOR_LHS_SE,
            },
        }
    }

    /// Monte Carlo standard error of the mean NPV of kommun `k` (the total at `kommuner.len()`).
    pub fn npv_mean_se(&self, k: usize) -> f64 {
        self.se(self.npv[k].moments.std_error(), &self.chunk_means.npv[k])
    }

    /// Standard error of P(net loss) of kommun `k`.
    pub fn net_loss_se(&self, k: usize) -> f64 {
        self.se(self.net_loss[k].std_error(), &self.chunk_means.net_loss[k])
    }

    /// Standard error of the mean establishment cost, MSEK.
    pub fn establishment_mean_se(&self) -> f64 {
        self.se(self.establishment.moments.std_error(), &self.chunk_means.establishment)
    }

    /// Standard error of P(headline cost > the estimate).
    pub fn above_estimate_se(&self) -> f64 {
        self.se(self.cost.above_estimate.std_error(), &self.chunk_means.above_estimate)
    }

    /// The largest standard error of the key outputs: each kommun's NPV mean (MSEK) and
    /// P(cost > the estimate) (a probability), as `(npv_se_msek, prob_se)`.
    pub fn key_se(&self) -> (f64, f64) {
        let npv = (0..self.kommuner.len())
            .map(|k| self.npv_mean_se(k))
            .fold(0.0, f64::max);
        (npv, self.above_estimate_se())
    }

    /// The range to count against: the scenario's, or one nothing falls outside.
    fn range(&self) -> [f64; 2] {
        self.reference_range_msek.unwrap_or([f64::NEG_INFINITY, f64::INFINITY])
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
        self.establishment_inside.merge(&o.establishment_inside);
        self.establishment_outside.merge(&o.establishment_outside);
        self.cost.merge(&o.cost);
        self.cost_inside.merge(&o.cost_inside);
        self.cost_outside.merge(&o.cost_outside);
        self.outside_above_inside.merge(&o.outside_above_inside);
        self.duration_months.merge(&o.duration_months);
        self.saving_share_full.merge(&o.saving_share_full);
        let (a, b) = (&mut self.chunk_means, &o.chunk_means);
        a.npv.iter_mut().zip(&b.npv).for_each(|(x, y)| x.merge(y));
        a.net_loss.iter_mut().zip(&b.net_loss).for_each(|(x, y)| x.merge(y));
        a.establishment.merge(&b.establishment);
        a.above_estimate.merge(&b.above_estimate);
        self.out_of_range_runs += o.out_of_range_runs;
    }

    /// Record the means of one full chunk from its sums.
    fn record_chunk(&mut self, sums: &ChunkSums) {
        let n = CHUNK_RUNS as f64;
        let c = &mut self.chunk_means;
        c.npv.iter_mut().zip(&sums.npv).for_each(|(m, s)| m.push(s / n));
        c.net_loss
            .iter_mut()
            .zip(&sums.net_loss)
            .for_each(|(m, s)| m.push(s / n));
        c.establishment.push(sums.establishment / n);
        c.above_estimate.push(sums.above_estimate / n);
    }

    /// Every [`Stat`] of the result, in the order of [`stat_rows`].
    fn stats_mut(&mut self) -> impl Iterator<Item = &mut Stat> {
        self.npv
            .iter_mut()
            .chain(self.net_yearly.iter_mut())
            .chain(self.joint_yearly.iter_mut())
            .chain([
                &mut self.establishment,
                &mut self.establishment_inside,
                &mut self.establishment_outside,
                &mut self.duration_months,
                &mut self.saving_share_full,
            ])
    }

    /// Take the runs evaluated in `lanes` into the statistics and their sums into `sums`.
    /// A run with a figure out of range is counted in
    /// [`RunResult::out_of_range_runs`] instead. Returns whether every run was recorded.
    fn record(&mut self, lanes: &Lanes, sums: &mut ChunkSums, cum: &mut Vec<f64>, scans: &mut Vec<Scan>) -> bool {
        let len = lanes.len();
        let (k_count, n) = (self.kommuner.len(), self.years.len());
        // One scan per statistic's row: it checks the range here, then the statistic takes
        // it instead of scanning again.
        scans.clear();
        scans.extend(stat_rows(k_count, n).map(|(field, i)| scan(&lanes.row(field, i)[..len])));
        if stat_rows(k_count, n)
            .zip(scans.iter())
            .all(|((field, _), s)| row_in_range(field, s))
        {
            self.record_runs(lanes, 0..len, sums, cum, Some(scans));
            return true;
        }
        // Rare (validation bounds the inputs): take the runs in range one at a time.
        for j in 0..len {
            if in_range(lanes, k_count, n, j..j + 1) {
                self.record_runs(lanes, j..j + 1, sums, cum, None);
            } else {
                // Never let a NaN, an infinity or an overflowing figure into the statistics.
                self.out_of_range_runs += 1;
            }
        }
        false
    }

    /// Push runs `runs` of `lanes`, one statistic at a time: its buckets stay in cache while
    /// its values go in.
    fn record_runs(
        &mut self,
        lanes: &Lanes,
        runs: Range<usize>,
        sums: &mut ChunkSums,
        cum: &mut Vec<f64>,
        scans: Option<&[Scan]>,
    ) {
        let k_count = self.kommuner.len();
        let n = self.years.len();
        let row = |(field, i): (Field, usize)| &lanes.row(field, i)[runs.clone()];
        self.runs += runs.len() as u64;
        for (i, (stat, r)) in self.stats_mut().zip(stat_rows(k_count, n)).enumerate() {
            match scans {
                Some(scans) => stat.push_scanned(row(r), scans[i]),
                None => stat.push_slice(row(r)),
            }
        }
        let npv = |k: usize| {
            row(if k < k_count {
                (Field::Npv, k)
            } else {
                (Field::NpvSum, 0)
            })
        };
        for (k, p) in self.net_loss.iter_mut().enumerate() {
            p.hits += npv(k).iter().filter(|&&x| x < 0.0).count() as u64;
            p.n += runs.len() as u64;
        }
        let (estimate, range) = (self.reference_estimate_msek, self.range());
        let establishment = row((Field::Establishment, 0));
        let (inside, outside) = (
            row((Field::EstablishmentInside, 0)),
            row((Field::EstablishmentOutside, 0)),
        );
        self.cost.count(establishment, estimate, range);
        self.cost_inside.count(inside, estimate, range);
        self.cost_outside.count(outside, estimate, range);
        self.outside_above_inside.hits += outside.iter().zip(inside).filter(|(o, i)| o > i).count() as u64;
        self.outside_above_inside.n += runs.len() as u64;
        for (k, counts) in self.payback.iter_mut().enumerate() {
            for &year in &lanes.payback_year(k)[runs.clone()] {
                counts[payback_slot(year, &self.years)] += 1;
            }
        }
        if !self.cum_yearly.is_empty() {
            for k in 0..=k_count {
                cum.clear();
                cum.resize(runs.len(), 0.0);
                for t in 0..n {
                    let net = row(if k < k_count {
                        (Field::Net, k * n + t)
                    } else {
                        (Field::NetSum, t)
                    });
                    cum.iter_mut().zip(net).for_each(|(c, x)| *c += x);
                    self.cum_yearly[k * n + t].push_slice(cum);
                }
            }
        }
        // The sums of chunk means, run by run in run order for each figure.
        for k in 0..=k_count {
            for &x in npv(k) {
                sums.npv[k] += x;
                sums.net_loss[k] += f64::from(u8::from(x < 0.0));
            }
        }
        for &x in establishment {
            sums.establishment += x;
            sums.above_estimate += f64::from(u8::from(x > estimate));
        }
    }
}

/// Runs evaluated together: a statistic's values go in a block at a time.
const BLOCK: usize = 256;

/// The blocks of at most [`BLOCK`] runs that cover `0..len`, in order.
pub(crate) fn blocks(len: usize) -> impl Iterator<Item = Range<usize>> {
    (0..len)
        .step_by(BLOCK)
        .map(move |first| first..(first + BLOCK).min(len))
}

/// The rows of [`Lanes`] the statistics of [`RunResult::stats_mut`] take, in its order: per
/// kommun and the total, NPV, then yearly net benefit and joint cost, then three scalars.
fn stat_rows(k_count: usize, n: usize) -> impl Iterator<Item = (Field, usize)> {
    let yearly = move |each: Field, sum: Field| {
        (0..k_count * n)
            .map(move |i| (each, i))
            .chain((0..n).map(move |t| (sum, t)))
    };
    (0..k_count)
        .map(|k| (Field::Npv, k))
        .chain([(Field::NpvSum, 0)])
        .chain(yearly(Field::Net, Field::NetSum))
        .chain(yearly(Field::Joint, Field::JointSum))
        .chain([
            (Field::Establishment, 0),
            (Field::EstablishmentInside, 0),
            (Field::EstablishmentOutside, 0),
            (Field::Duration, 0),
            (Field::SavingShareFull, 0),
        ])
}

/// Whether a statistic row of `field` with [`scan`] `s` may go in: every figure finite and
/// within [`MAX_OUTPUT_MSEK`], except in the sums over the kommuner, which are not checked
/// (validation bounds the GGVV totals).
fn row_in_range(field: Field, s: &Scan) -> bool {
    matches!(field, Field::NpvSum | Field::NetSum | Field::JointSum) || s.bounded(MAX_OUTPUT_MSEK)
}

/// Whether every statistic row of runs `runs` is [`row_in_range`].
fn in_range(lanes: &Lanes, k_count: usize, n: usize, runs: Range<usize>) -> bool {
    stat_rows(k_count, n).all(|(field, i)| row_in_range(field, &scan(&lanes.row(field, i)[runs.clone()])))
}

/// The payback slot of `year`: its index in the consecutive `years`, or `years.len()` for
/// "not by the horizon" ([`crate::model::NO_PAYBACK`]).
fn payback_slot(year: i32, years: &[i32]) -> usize {
    usize::try_from(i64::from(year) - i64::from(years[0]))
        .ok()
        .filter(|&t| t < years.len())
        .unwrap_or(years.len())
}

/// Sums over one chunk's runs of the outputs whose chunk means are kept.
#[derive(Debug, Clone, Default)]
struct ChunkSums {
    npv: Vec<f64>,
    net_loss: Vec<f64>,
    establishment: f64,
    above_estimate: f64,
}

impl ChunkSums {
    fn clear(&mut self, k: usize) {
        self.npv.clear();
        self.npv.resize(k, 0.0);
        self.net_loss.clear();
        self.net_loss.resize(k, 0.0);
        self.establishment = 0.0;
        self.above_estimate = 0.0;
    }
}

/// How a run draws its inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    pub sampling: Sampling,
}

/// Per-worker scratch: the sampled input columns of one chunk and an outcome buffer.
pub(crate) struct Scratch {
    pub(crate) columns: Vec<Vec<f64>>,
    pub(crate) row: Vec<f64>,
    pub(crate) outcome: Outcome,
    corr: CorrScratch,
    sums: ChunkSums,
    lanes: Lanes,
    cum: Vec<f64>,
    scans: Vec<Scan>,
}

impl Scratch {
    pub(crate) fn new(model: &Model) -> Scratch {
        Scratch {
            columns: vec![vec![0.0; CHUNK_RUNS as usize]; model.inputs().len()],
            row: vec![0.0; model.inputs().len()],
            outcome: model.new_outcome(),
            corr: CorrScratch::default(),
            sums: ChunkSums::default(),
            lanes: model.new_lanes(BLOCK),
            cum: Vec::new(),
            scans: Vec::new(),
        }
    }

    /// Copy run `j` of the chunk's columns into `row`.
    #[inline]
    pub(crate) fn load_row(&mut self, j: usize) {
        for (v, col) in self.row.iter_mut().zip(&self.columns) {
            *v = col[j];
        }
    }

    /// Evaluate runs `runs` of the chunk's columns (one of [`blocks`]) side by side.
    pub(crate) fn evaluate_block(&mut self, model: &Model, runs: Range<usize>) -> &Lanes {
        let columns = &self.columns;
        let len = runs.len();
        model.evaluate_lanes(|i| &columns[i][runs.clone()], len, &mut self.lanes);
        &self.lanes
    }

    /// Draw chunk `chunk` of a run with master seed `seed` into the columns.
    pub(crate) fn sample(&mut self, model: &Model, sampling: Sampling, seed: u64, chunk: u64, len: usize) {
        sample_chunk(model, sampling, seed, chunk, len, &mut self.columns, &mut self.corr);
    }
}

/// The stream the Iman–Conover score permutations are drawn from.
const CORRELATION_STREAM: &str = "[correlation]";

/// Draw the inputs of one chunk, column by column. Each input draws from its own stream,
/// derived from (seed, chunk, its name): results do not depend on the thread count, and two
/// scenarios that share an input name share its draws (common random numbers, see
/// [`crate::compare`]). The rank correlation, if any, then re-orders the correlated columns.
pub fn sample_chunk(
    model: &Model,
    sampling: Sampling,
    seed: u64,
    chunk: u64,
    len: usize,
    columns: &mut [Vec<f64>],
    corr: &mut CorrScratch,
) {
    for ((input, col), &stream) in model.inputs().iter().zip(columns.iter_mut()).zip(model.streams()) {
        let mut rng = sim::input_rng(seed, chunk, stream);
        sampling.fill(input, &mut rng, &mut col[..len]);
    }
    if let Some((rc, which)) = model.correlation() {
        let mut rng = sim::input_rng(seed, chunk, sim::stream_id(CORRELATION_STREAM));
        rc.apply(columns, which, len, &mut rng, corr);
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
    for_each_run_with(model, plan, chunks, RunOptions::default(), &mut f)
}

/// [`for_each_run`] with the given sampling.
pub fn for_each_run_with(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    opts: RunOptions,
    mut f: impl FnMut(u64, &[f64], &Outcome) -> bool,
) {
    let mut s = Scratch::new(model);
    for c in chunks {
        let range = plan.chunk_runs(c);
        let len = (range.end - range.start) as usize;
        s.sample(model, opts.sampling, plan.seed, c, len);
        for block in blocks(len) {
            s.evaluate_block(model, block.clone());
            for j in block.clone() {
                s.load_row(j);
                model.read_run(&s.lanes, j - block.start, &mut s.outcome);
                if !f(range.start + j as u64, &s.row, &s.outcome) {
                    return;
                }
            }
        }
    }
}

/// Run the model over `chunks` of `plan` (all chunks: `0..plan.chunks()`) with plain Monte
/// Carlo sampling.
pub fn simulate(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    estimate_msek: f64,
) -> Result<RunResult, RunPlanError> {
    simulate_with(model, plan, chunks, estimate_msek, RunOptions::default())
}

/// Run the model over `chunks` of `plan` with the given options.
pub fn simulate_with(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    estimate_msek: f64,
    opts: RunOptions,
) -> Result<RunResult, RunPlanError> {
    simulate_with_progress(model, plan, chunks, estimate_msek, opts, &|| {})
}

/// [`simulate_with`], calling `chunk_done` after each chunk (from worker threads, for a
/// progress bar).
pub fn simulate_with_progress(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    estimate_msek: f64,
    opts: RunOptions,
    chunk_done: &(dyn Fn() + Sync),
) -> Result<RunResult, RunPlanError> {
    simulate_inner(
        model,
        plan,
        chunks,
        estimate_msek,
        opts,
        chunk_done,
        false,
        Extras::default(),
    )
}

/// [`simulate_with_progress`], and from the same pass the manifest's digests of the chunks
/// [`manifest::chunk_sample`] picks: the same digests [`manifest::chunk_checks`] gives by
/// running those chunks again (each is recorded alone, digested, then merged: the result
/// does not depend on how the chunks are split).
pub fn simulate_with_checks(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    estimate_msek: f64,
    opts: RunOptions,
    chunk_done: &(dyn Fn() + Sync),
) -> Result<(RunResult, Vec<manifest::ChunkCheck>), RunPlanError> {
    let sample = manifest::chunk_sample(chunks.clone());
    let checks = std::sync::Mutex::new(Vec::with_capacity(sample.len()));
    let r = simulate_inner(
        model,
        plan,
        chunks,
        estimate_msek,
        opts,
        chunk_done,
        false,
        Extras {
            checked: Some((&sample, &checks)),
            ..Extras::default()
        },
    )?;
    let mut checks = checks.into_inner().unwrap_or_else(|e| e.into_inner());
    checks.sort_by_key(|c| c.chunk);
    Ok((r, checks))
}

/// As [`simulate`], and also keep [`RunResult::cum_yearly`]. The same draws: every other
/// statistic equals `simulate`'s to the bit.
pub fn simulate_with_cumulative(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    estimate_msek: f64,
) -> Result<RunResult, RunPlanError> {
    simulate_inner(
        model,
        plan,
        chunks,
        estimate_msek,
        RunOptions::default(),
        &|| {},
        true,
        Extras::default(),
    )
}

/// The per-run figures of one chunk of a run, kept for statistics that pair runs across
/// two scenarios (the what-if page's paired standard errors) or relate inputs to outcomes
/// (its drivers) without sampling the chunk again.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptChunk {
    pub chunk: u64,
    /// Runs in the chunk.
    pub len: usize,
    /// Each kommun's NPV, kommun-major (kommun `i`, run `j` at `i * len + j`), MSEK.
    pub npv: Vec<f64>,
    /// The sampled inputs in [`Model::input_names`] order, input-major (input `i`, run `j`
    /// at `i * len + j`).
    pub inputs: Vec<f64>,
}

impl KeptChunk {
    /// Kommun `i`'s NPV in each run, MSEK.
    pub fn npv(&self, i: usize) -> &[f64] {
        &self.npv[i * self.len..(i + 1) * self.len]
    }

    /// Input `i`'s draw in each run.
    pub fn input(&self, i: usize) -> &[f64] {
        &self.inputs[i * self.len..(i + 1) * self.len]
    }
}

/// [`simulate_with`], and the per-run figures ([`KeptChunk`]) of the chunks of `chunks`
/// below `keep_below`, in chunk order. The same result as `simulate_with` to the bit, or
/// `None` if `stop` said so: it is asked before each chunk (a chunk of 4096 runs takes about
/// a millisecond), and once it is true no further chunk is simulated.
pub fn simulate_keeping(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    estimate_msek: f64,
    opts: RunOptions,
    keep_below: u64,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<(RunResult, Vec<KeptChunk>)>, RunPlanError> {
    let kept = std::sync::Mutex::new(Vec::new());
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let extras = Extras {
        kept: Some((keep_below, &kept)),
        stop: Some((stop, &stopped)),
        ..Extras::default()
    };
    let r = simulate_inner(model, plan, chunks, estimate_msek, opts, &|| {}, false, extras)?;
    if stopped.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(None);
    }
    let mut kept = kept.into_inner().unwrap_or_else(|e| e.into_inner());
    kept.sort_by_key(|c: &KeptChunk| c.chunk);
    Ok(Some((r, kept)))
}

/// The chunks to digest alone and where their [`manifest::ChunkCheck`]s go.
type Checked<'a> = (&'a [u64], &'a std::sync::Mutex<Vec<manifest::ChunkCheck>>);
/// The chunks below which runs are kept and where their [`KeptChunk`]s go.
type Kept<'a> = (u64, &'a std::sync::Mutex<Vec<KeptChunk>>);

/// Asked before each chunk whether to stop, and what says that it did.
type Stop<'a> = (&'a (dyn Fn() -> bool + Sync), &'a std::sync::atomic::AtomicBool);

/// What a run collects beside its result, and when it stops early.
#[derive(Clone, Copy, Default)]
struct Extras<'a> {
    checked: Option<Checked<'a>>,
    kept: Option<Kept<'a>>,
    stop: Option<Stop<'a>>,
}

#[allow(clippy::too_many_arguments)]
fn simulate_inner(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    estimate_msek: f64,
    opts: RunOptions,
    chunk_done: &(dyn Fn() + Sync),
    cumulative: bool,
    extras: Extras,
) -> Result<RunResult, RunPlanError> {
    let k = model.kommuner().len() + 1;
    let fresh = || {
        let mut r = RunResult::new(model, estimate_msek, cumulative);
        r.sampling = opts.sampling;
        r
    };
    let init = || (fresh(), None::<Box<Scratch>>);
    let (acc, _) = sim::run_chunks(
        plan,
        chunks,
        init,
        |(acc, scratch), c, range, _rng| {
            if let Some((stop, stopped)) = extras.stop {
                use std::sync::atomic::Ordering::Relaxed;
                if stopped.load(Relaxed) || stop() {
                    stopped.store(true, Relaxed);
                    return;
                }
            }
            let s = scratch.get_or_insert_with(|| Box::new(Scratch::new(model)));
            let len = (range.end - range.start) as usize;
            s.sample(model, opts.sampling, plan.seed, c, len);
            s.sums.clear(k);
            let mut keep = extras.kept.filter(|&(below, _)| c < below).map(|(_, to)| {
                let inputs = s.columns.iter().flat_map(|col| &col[..len]).copied().collect();
                (
                    KeptChunk {
                        chunk: c,
                        len,
                        npv: vec![0.0; (k - 1) * len],
                        inputs,
                    },
                    to,
                )
            });
            let mut record = |acc: &mut RunResult, s: &mut Scratch| {
                let mut whole = len == CHUNK_RUNS as usize;
                for block in blocks(len) {
                    s.evaluate_block(model, block.clone());
                    if let Some((kc, _)) = &mut keep {
                        for i in 0..k - 1 {
                            kc.npv[i * len + block.start..i * len + block.end]
                                .copy_from_slice(s.lanes.row(Field::Npv, i));
                        }
                    }
                    whole &= acc.record(&s.lanes, &mut s.sums, &mut s.cum, &mut s.scans);
                }
                if whole {
                    acc.record_chunk(&s.sums);
                }
            };
            match extras.checked {
                Some((sample, checks)) if sample.binary_search(&c).is_ok() => {
                    let mut one = fresh();
                    record(&mut one, s);
                    let check = manifest::ChunkCheck {
                        chunk: c,
                        sha256: manifest::result_digest(&one),
                    };
                    checks.lock().unwrap_or_else(|e| e.into_inner()).push(check);
                    acc.merge(&one);
                }
                _ => record(acc, s),
            }
            if let Some((kc, to)) = keep {
                to.lock().unwrap_or_else(|e| e.into_inner()).push(kc);
            }
            chunk_done();
        },
        |(mut a, sa), (b, sb)| {
            a.merge(&b);
            (a, sa.or(sb))
        },
    )?;
    Ok(acc)
}

/// Standard-error targets for [`simulate_until`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeTarget {
    /// Largest allowed standard error of each kommun's mean NPV, MSEK.
    pub npv_msek: f64,
    /// Largest allowed standard error of P(cost > the estimate), as a probability.
    pub prob: f64,
}

/// Run in batches of `batch_chunks` chunks until the key standard errors
/// ([`RunResult::key_se`]) are at or below `target`, or `plan.runs` runs are done. Returns
/// the result and whether the target was met. Deterministic: the result is that of a plain
/// run of as many whole batches as were needed, on any thread count.
pub fn simulate_until(
    model: &Model,
    plan: &RunPlan,
    estimate_msek: f64,
    opts: RunOptions,
    batch_chunks: u64,
    target: SeTarget,
) -> Result<(RunResult, bool), RunPlanError> {
    let batch = batch_chunks.max(1);
    let total = plan.chunks();
    let mut acc: Option<RunResult> = None;
    let mut start = 0;
    while start < total {
        let end = (start + batch).min(total);
        let r = simulate_with(model, plan, start..end, estimate_msek, opts)?;
        let acc = match &mut acc {
            Some(a) => {
                a.merge(&r);
                a
            }
            None => acc.insert(r),
        };
        start = end;
        let (npv, prob) = acc.key_se();
        if npv <= target.npv_msek && prob <= target.prob {
            return Ok((acc.clone(), true));
        }
    }
    Ok((acc.expect("a plan has at least one chunk"), false))
}

#[cfg(test)]
mod guard_tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn a_non_finite_or_huge_outcome_is_counted_not_recorded() {
        let model = Model::new(&Scenario::default_ggvv()).unwrap();
        let columns: Vec<Vec<f64>> = model.point_values().iter().map(|&x| vec![x; 6]).collect();
        let mut lanes = model.new_lanes(8);
        model.evaluate_lanes(|i| &columns[i], 6, &mut lanes);
        // Runs 1-3 get a bad yearly figure, run 5 a bad NPV; runs 0 and 4 stay good.
        for (j, bad) in [(1, f64::NAN), (2, f64::INFINITY), (3, 2e9)] {
            lanes.row_mut(Field::Net, 3)[j] = bad;
        }
        lanes.row_mut(Field::Npv, 0)[5] = f64::NEG_INFINITY;
        let mut r = RunResult::new(&model, 1.0, true);
        let mut sums = ChunkSums::default();
        sums.clear(model.kommuner().len() + 1);
        assert!(!r.record(&lanes, &mut sums, &mut Vec::new(), &mut Vec::new()));
        assert_eq!((r.runs, r.out_of_range_runs), (2, 4));
        assert_eq!(r.npv[0].moments.count(), 2);
        assert_eq!(r.cum_yearly[3].moments.count(), 2);
        assert_eq!(r.payback[0].iter().sum::<u64>(), 2);
        assert_eq!(sums.npv[0], 2.0 * lanes.row(Field::Npv, 0)[0]);
    }
}

#[cfg(test)]
mod se_tests {
    use super::*;
    use crate::Scenario;

    /// An LHS result of `runs` runs whose chunk means of the establishment cost are `means`
    /// (the other figures' chunk means alike), for the standard-error rule alone.
    fn lhs_result(runs: u64, means: &[f64]) -> RunResult {
        let model = Model::new(&Scenario::default_ggvv()).unwrap();
        let mut r = RunResult::new(&model, 28.7, false);
        r.sampling = Sampling::LatinHypercube;
        r.runs = runs;
        for &m in means {
            r.establishment.push(m);
            r.chunk_means.establishment.push(m);
            r.chunk_means.above_estimate.push(m / 100.0);
            r.chunk_means.npv.iter_mut().for_each(|c| c.push(m));
        }
        r
    }

    #[test]
    fn lhs_uses_chunk_means_only_from_51_chunks_with_the_stated_precision() {
        // 1 + 1/(2·0.1²) = 51.
        assert_eq!(
            MIN_CHUNKS_FOR_LHS_SE,
            1 + (1.0 / (2.0 * LHS_SE_RELATIVE_PRECISION.powi(2))).ceil() as u64
        );
        for m in [10u64, 50, 51, 200] {
            let means: Vec<f64> = (0..m).map(|i| 40.0 + (i % 7) as f64 * 0.01).collect();
            let r = lhs_result(m * CHUNK_RUNS, &means);
            let iid = r.establishment.moments.std_error();
            let chunk = (r.chunk_means.establishment.variance() * CHUNK_RUNS as f64 / r.runs as f64).sqrt();
            let se = r.establishment_mean_se();
            if m < MIN_CHUNKS_FOR_LHS_SE {
                assert_eq!(se, iid, "{m} chunks");
                assert_eq!(
                    r.se_method(),
                    SeMethod::IidUpperBound {
                        full_chunks: m,
                        needed_chunks: 51
                    }
                );
            } else {
                assert_eq!(se, chunk, "{m} chunks");
                let SeMethod::ChunkMeans { relative_precision, .. } = r.se_method() else {
                    panic!("{m} chunks: {:?}", r.se_method())
                };
                assert!(relative_precision <= LHS_SE_RELATIVE_PRECISION);
            }
        }
    }

    /// The precision the threshold promises: the SE from m = 51 chunk means of a normal law
    /// scatters by about 1/√(2·50) = 10 % (checked over 400 replicates: the sd of the
    /// estimated SE over its true value is within 10 % ± 1.5 %).
    #[test]
    fn an_se_from_51_chunk_means_is_precise_to_10_percent() {
        use rand::RngExt;
        let mut rng = sim::chunk_rng(3, 0);
        let sd = 2.0;
        let ratios: Vec<f64> = (0..400)
            .map(|_| {
                let mut m = Moments::default();
                for _ in 0..MIN_CHUNKS_FOR_LHS_SE {
                    // Box–Muller: a normal chunk mean.
                    let (u, v): (f64, f64) = (rng.random(), rng.random());
                    m.push(sd * (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos());
                }
                m.sd() / sd
            })
            .collect();
        let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
        let spread = (ratios.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (ratios.len() - 1) as f64).sqrt();
        assert!(
            (spread - LHS_SE_RELATIVE_PRECISION).abs() < 0.015,
            "relative sd of the SE {spread}"
        );
    }
}

#[cfg(test)]
mod kept_tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn kept_runs_are_the_draws_and_npvs_of_the_run_and_change_nothing_else() {
        let model = Model::new(&Scenario::default_ggvv()).unwrap();
        // 2.5 chunks on 3 threads: a short last chunk is kept too, and the order is the chunks'.
        let plan = RunPlan::new(2 * CHUNK_RUNS + 1000, 7, 3).unwrap();
        let plain = simulate_with(&model, &plan, 0..plan.chunks(), 28.7, RunOptions::default()).unwrap();
        let go = || false;
        let (r, kept) = simulate_keeping(&model, &plan, 0..plan.chunks(), 28.7, RunOptions::default(), 5, &go)
            .unwrap()
            .unwrap();
        assert_eq!(manifest::result_digest(&r), manifest::result_digest(&plain));
        assert_eq!(
            kept.iter().map(|c| (c.chunk, c.len)).collect::<Vec<_>>(),
            [(0, 4096), (1, 4096), (2, 1000)]
        );
        // Against the sequential visit of every run (inputs as drawn, the outcome's NPVs).
        let k = model.kommuner().len();
        let mut n = 0;
        for_each_run(&model, &plan, 0..plan.chunks(), |run, x, o| {
            let (c, j) = ((run / CHUNK_RUNS) as usize, (run % CHUNK_RUNS) as usize);
            let kc = &kept[c];
            assert!((0..x.len()).all(|i| kc.input(i)[j] == x[i]), "run {run}: inputs differ");
            assert!((0..k).all(|i| kc.npv(i)[j] == o.npv[i]), "run {run}: NPVs differ");
            n += 1;
            true
        });
        assert_eq!(n, plan.runs);
        // Only the chunks below the bound.
        let (_, first) = simulate_keeping(&model, &plan, 0..plan.chunks(), 28.7, RunOptions::default(), 1, &go)
            .unwrap()
            .unwrap();
        assert_eq!(first, kept[..1]);
    }

    #[test]
    fn a_stop_ends_the_run_between_chunks_and_gives_nothing() {
        let model = Model::new(&Scenario::default_ggvv()).unwrap();
        let plan = RunPlan::new(40 * CHUNK_RUNS, 7, 2).unwrap();
        let asked = std::sync::atomic::AtomicU64::new(0);
        // Stop once three chunks have begun: the rest are never simulated.
        let stop = || asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 3;
        let r = simulate_keeping(&model, &plan, 0..plan.chunks(), 28.7, RunOptions::default(), 2, &stop).unwrap();
        assert!(r.is_none());
        let asked = asked.into_inner();
        assert!(
            (4..=6).contains(&asked),
            "asked {asked} times for 40 chunks on 2 threads"
        );
    }
}
