//! Input distributions.
//!
//! A [`DistSpec`] is what a scenario file says (`{ dist = "pert", min = 4, mode = 6, max = 12 }`);
//! an [`Input`] is the validated, ready-to-sample form. Construction checks every parameter
//! (NaN, infinities, order, bounds) so sampling never checks again. Each distribution also has
//! a *point value*: the deterministic figure a plan would use (by default the mode, or the
//! mean where there is no mode), which lets a model be run with all uncertainty removed.
//!
//! Every distribution can be drawn two ways: [`Input::sample`] (the fastest exact sampler,
//! for plain Monte Carlo) and [`Input::quantile`] (the inverse CDF, for Latin hypercube
//! sampling; see [`crate::sampling`]).

use rand::distr::Open01;
use rand::{Rng, RngExt};
use rand_distr::{Distribution, LogNormal, Normal, Triangular, Uniform};
use serde::{Deserialize, Serialize};
use statrs::distribution::{Beta as SBeta, ContinuousCDF};
use statrs::function::erf::erfc;
use std::sync::{Arc, OnceLock};

/// How a triple estimate's `min` and `max` are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TripleBounds {
    /// `min` and `max` are the absolute bounds (the default).
    #[default]
    Absolute,
    /// `min` and `max` are the 1 % and 99 % points. ASSUMPTION: this reading is commonly
    /// attributed to the successive principle but is unconfirmed.
    P1P99,
}

/// A distribution as written in a scenario file. Parameters are in the unit of the field that
/// holds the spec (a field named `..._msek` takes MSEK, `..._pct` takes percent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistSpec {
    /// A known constant.
    Fixed { value: f64 },
    /// Uniform on `[min, max)`; point value the midpoint.
    Uniform {
        min: f64,
        max: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// Triangular on `[min, max]` with the given mode; point value the mode.
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// (Modified) PERT: a Beta on `[min, max]` with α = 1 + s·(mode−min)/(max−min),
    /// β = 1 + s·(max−mode)/(max−min), shape s = 4 unless given (rand_distr `Pert`);
    /// mean (min + s·mode + max)/(s + 2). Point value the mode.
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shape: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// Normal with mean and standard deviation; point value the mean.
    Normal {
        mean: f64,
        sd: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// A normal N(mean, sd) cut to `[min, max]` (either bound may be left out); point value
    /// the mode, `mean` clamped to the bounds.
    TruncatedNormal {
        mean: f64,
        sd: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// Lognormal, given either by the mean and standard deviation of the variable itself (not
    /// of its logarithm; point value the mean) or by its 10 % and 90 % points `p10`, `p90`
    /// (point value the median, √(p10·p90)).
    Lognormal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sd: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p10: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p90: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// Beta(alpha, beta) scaled to `[min, max]` (default `[0, 1]`); point value the mean.
    Beta {
        alpha: f64,
        beta: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// One of `values`, drawn with probability proportional to `weights` (equal weights when
    /// left out); point value the most likely value (the first if tied).
    Discrete {
        values: Vec<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weights: Option<Vec<f64>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// A risk event: with probability `prob` it happens and costs a draw of `impact` (itself a
    /// distribution), otherwise 0. Point value 0 (the plan assumes it does not happen).
    RiskEvent {
        prob: f64,
        impact: Box<DistSpec>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// The empirical distribution of a list of observations: each is drawn with equal
    /// probability (a bootstrap). Point value their mean.
    Empirical {
        observations: Vec<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// A triple estimate in the style of the successive principle (Lichtenberg): minimum, most
    /// likely, maximum. Drawn from a PERT with shape 3 on `[min, max]`, whose mean is exactly
    /// the successive principle's (min + 3·most_likely + max)/5 and whose sd is
    /// (max − min)/√24 ≈ (max − min)/4.9 for a central most likely value, close to the rule
    /// of thumb sd = (max − min)/5 (ASSUMPTION: that rule is unconfirmed). With
    /// `bounds = "p1_p99"` (ASSUMPTION, unconfirmed reading) `min` and `max` are the 1 % and
    /// 99 % points instead and the support is widened to match. Point value the most likely.
    Triple {
        min: f64,
        most_likely: f64,
        max: f64,
        #[serde(default, skip_serializing_if = "is_absolute")]
        bounds: TripleBounds,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// Reference-class cost overrun in percent, a two-part mixture: with probability
    /// `1 − tail_prob` a normal "body" truncated below at `body_min`, with probability
    /// `tail_prob` a Pareto "black swan" tail `tail_scale · U^(−1/tail_alpha)` capped at
    /// `tail_cap`. The cap is needed because the IT tail index can be ≤ 1 (infinite mean,
    /// Flyvbjerg et al. 2025). Point value 0 (the plan), unless given.
    RefClassOverrun {
        tail_prob: f64,
        body_mean: f64,
        body_sd: f64,
        body_min: f64,
        tail_scale: f64,
        tail_alpha: f64,
        tail_cap: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
}

fn is_absolute(b: &TripleBounds) -> bool {
    *b == TripleBounds::Absolute
}

/// Why a distribution's parameters were refused: which parameter, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{param}: {problem}")]
pub struct DistError {
    /// The offending parameter as written in the file (`min`, `mode`, `impact.max`, …).
    pub param: String,
    /// What is wrong.
    pub problem: String,
    /// How to fix it.
    pub hint: String,
}

fn err(param: &str, problem: impl Into<String>, hint: impl Into<String>) -> DistError {
    DistError {
        param: param.to_string(),
        problem: problem.into(),
        hint: hint.into(),
    }
}

fn finite(param: &str, x: f64) -> Result<f64, DistError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(err(
            param,
            format!("must be a finite number, got {x}"),
            "write an ordinary number (no nan or inf)",
        ))
    }
}

fn positive(param: &str, x: f64, hint: &str) -> Result<f64, DistError> {
    let x = finite(param, x)?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err(err(param, format!("must be positive, got {x}"), hint))
    }
}

fn required(param: &str, x: Option<f64>, hint: &str) -> Result<f64, DistError> {
    match x {
        Some(v) => finite(param, v),
        None => Err(err(param, format!("{param} is missing"), hint)),
    }
}

fn ordered(lo_name: &str, lo: f64, hi_name: &str, hi: f64) -> Result<(), DistError> {
    if lo < hi {
        Ok(())
    } else {
        Err(err(
            hi_name,
            format!("{hi_name} ({hi}) must be greater than {lo_name} ({lo})"),
            format!("swap or correct {lo_name} and {hi_name} so that {lo_name} < {hi_name}"),
        ))
    }
}

fn within(name: &str, x: f64, lo: f64, hi: f64) -> Result<(), DistError> {
    if lo <= x && x <= hi {
        Ok(())
    } else {
        Err(err(
            name,
            format!("{name} ({x}) lies outside [{lo}, {hi}]"),
            format!("choose {name} between {lo} and {hi}"),
        ))
    }
}

/// Φ, the standard normal CDF (statrs' erfc, accurate in both tails).
#[inline]
pub fn std_normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Φ⁻¹, the standard normal quantile; ±∞ at 0 and 1, NaN outside [0, 1].
///
/// Wichura's PPND16 (M. J. Wichura 1988, "Algorithm AS 241: The percentage points of the
/// normal distribution", *Applied Statistics* 37(3), 477–484), accurate to about 1 part in
/// 10¹⁶: a rational function of (u − ½)² for u in [0.075, 0.925], else one of
/// √(−ln min(u, 1 − u)). It replaces statrs' erfc_inv, which is as accurate but takes a
/// logarithm for half of all u and was about 5 % of a default run (the migration overrun's
/// normal body is drawn by inversion). Checked against statrs in the tests.
#[inline]
#[allow(
    clippy::excessive_precision,
    reason = "the coefficients as AS 241 prints them, so they can be checked against it"
)]
pub fn std_normal_quantile(u: f64) -> f64 {
    // Horner's scheme from the highest coefficient, as the paper evaluates it.
    fn ratio(x: f64, num: &[f64; 8], den: &[f64; 8]) -> f64 {
        num.iter().rev().fold(0.0, |acc, &c| acc * x + c) / den.iter().rev().fold(0.0, |acc, &c| acc * x + c)
    }
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        133.141_667_891_784_377_45,
        1_971.590_950_306_551_442_7,
        13_731.693_765_509_461_125,
        45_921.953_931_549_871_457,
        67_265.770_927_008_700_853,
        33_430.575_583_588_128_105,
        2_509.080_928_730_122_672_7,
    ];
    const B: [f64; 8] = [
        1.0,
        42.313_330_701_600_911_252,
        687.187_007_492_057_908_3,
        5_394.196_021_424_751_107_7,
        21_213.794_301_586_595_867,
        39_307.895_800_092_710_61,
        28_729.085_735_721_942_674,
        5_226.495_278_852_854_561,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        0.241_780_725_177_450_611_77,
        0.022_723_844_989_269_184_583_3,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        0.689_767_334_985_100_004_55,
        0.148_103_976_427_480_074_59,
        0.015_198_666_563_616_457_196_6,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        0.296_560_571_828_504_891_23,
        0.026_532_189_526_576_123_093,
        0.001_242_660_947_388_078_438_6,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        0.599_832_206_555_887_937_69,
        0.136_929_880_922_735_805_31,
        0.014_875_361_290_850_614_852_5,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    let q = u - 0.5;
    if q.abs() <= 0.425 {
        return q * ratio(0.180_625 - q * q, &A, &B);
    }
    if !(0.0 < u && u < 1.0) {
        return if u == 0.0 {
            f64::NEG_INFINITY
        } else if u == 1.0 {
            f64::INFINITY
        } else {
            f64::NAN
        };
    }
    let r = (-(if q < 0.0 { u } else { 1.0 - u }).ln()).sqrt();
    let z = if r <= 5.0 {
        ratio(r - 1.6, &C, &D)
    } else {
        ratio(r - 5.0, &E, &F)
    };
    if q < 0.0 { -z } else { z }
}

/// A normal N(mean, sd) truncated to `[lo, hi]` (bounds may be infinite), drawn by inversion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TruncNormal {
    mean: f64,
    sd: f64,
    /// Standardised bounds.
    a: f64,
    b: f64,
    /// Work in the upper tail (by symmetry) when the interval lies above the mean, so the
    /// inversion keeps its precision far out in a tail.
    flip: bool,
    /// Φ at the (possibly mirrored) bounds.
    pa: f64,
    pb: f64,
}

impl TruncNormal {
    fn new(mean: f64, sd: f64, lo: f64, hi: f64) -> Option<TruncNormal> {
        let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
        let flip = a > 0.0;
        let (pa, pb) = if flip {
            (std_normal_cdf(-b), std_normal_cdf(-a))
        } else {
            (std_normal_cdf(a), std_normal_cdf(b))
        };
        // Less mass than this and the inversion has no digits left.
        (pb - pa > 1e-12).then_some(TruncNormal {
            mean,
            sd,
            a,
            b,
            flip,
            pa,
            pb,
        })
    }

    #[inline]
    fn quantile(&self, u: f64) -> f64 {
        let z = if self.flip {
            -std_normal_quantile(self.pb - u * (self.pb - self.pa))
        } else {
            std_normal_quantile(self.pa + u * (self.pb - self.pa))
        };
        self.mean + self.sd * z.clamp(self.a, self.b)
    }

    /// The mean of the truncated normal: m + s·(φ(a) − φ(b))/(Φ(b) − Φ(a)).
    pub fn mean(&self) -> f64 {
        let phi = |z: f64| {
            if z.is_finite() {
                (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
            } else {
                0.0
            }
        };
        self.mean + self.sd * (phi(self.a) - phi(self.b)) / (self.pb - self.pa)
    }
}

/// A Beta(α, β) scaled to `[lo, hi]`: PERT, triple estimates and the beta itself.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaledBeta {
    lo: f64,
    width: f64,
    sampler: BetaSampler,
    cdf: SBeta,
}

/// How [`ScaledBeta`] draws on `[0, 1]`: the table sampler for α, β ≥ 1 (every PERT and triple
/// estimate) up to [`BETA_TABLE_MAX_SHAPE`], Cheng's algorithm (rand_distr) otherwise: where
/// the density is unbounded (α or β < 1), or so peaked that the table rejects too often.
#[derive(Debug, Clone)]
enum BetaSampler {
    /// Built on the first draw, not with the input: checking a scenario constructs its inputs
    /// several times and never draws (a table costs ~0.2 ms to build).
    Table(OnceLock<BetaTable>),
    Cheng(rand_distr::Beta<f64>),
}

/// Two table samplers are equal when their shapes are (compared in [`ScaledBeta`]'s CDF),
/// whether or not either table has been built yet.
impl PartialEq for BetaSampler {
    fn eq(&self, other: &BetaSampler) -> bool {
        match (self, other) {
            (BetaSampler::Table(_), BetaSampler::Table(_)) => true,
            (BetaSampler::Cheng(a), BetaSampler::Cheng(b)) => a == b,
            _ => false,
        }
    }
}

impl ScaledBeta {
    fn new(alpha: f64, beta: f64, lo: f64, hi: f64) -> Option<ScaledBeta> {
        let cdf = SBeta::new(alpha, beta).ok()?;
        let sampler = if alpha >= 1.0 && beta >= 1.0 && alpha + beta - 2.0 <= BETA_TABLE_MAX_SHAPE {
            BetaSampler::Table(OnceLock::new())
        } else {
            BetaSampler::Cheng(rand_distr::Beta::new(alpha, beta).ok()?)
        };
        Some(ScaledBeta {
            lo,
            width: hi - lo,
            sampler,
            cdf,
        })
    }

    #[inline]
    fn quantile(&self, u: f64) -> f64 {
        self.lo + self.width * self.cdf.inverse_cdf(u)
    }

    /// The table of a table sampler, built on first use.
    #[inline]
    fn table<'a>(&self, cell: &'a OnceLock<BetaTable>) -> &'a BetaTable {
        cell.get_or_init(|| BetaTable::new(&self.cdf))
    }

    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.sampler {
            BetaSampler::Table(t) => self.table(t).sample(rng),
            BetaSampler::Cheng(d) => d.sample(rng),
        };
        self.lo + self.width * x
    }

    /// [`Self::sample`] into every slot of `out`, choosing the sampler once.
    fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match &self.sampler {
            BetaSampler::Table(t) => {
                let t = self.table(t);
                out.iter_mut().for_each(|x| *x = self.lo + self.width * t.sample(rng))
            }
            BetaSampler::Cheng(d) => out.iter_mut().for_each(|x| *x = self.lo + self.width * d.sample(rng)),
        }
    }
}

/// log2 of the number of cells of [`BetaTable`].
const BETA_TABLE_BITS: u32 = 8;
/// Cells of [`BetaTable`]: 256 × 40 bytes, 10 KiB per table. Chosen by measurement: 128 cells
/// reject twice as often; 512 and 1024 are faster in isolation but no faster in a full run
/// (33 tables share the cache with the model and statistics), and cost more to build.
const BETA_CELLS: usize = 1 << BETA_TABLE_BITS;
/// Largest (α−1) + (β−1) (a PERT's shape s) drawn from the table. Rejections grow with it,
/// mostly in the end cells, where the density falls by orders of magnitude: measured 0.02 per
/// draw at 4, 0.13 at 40, 0.7 at 512, 1.05 at 1024, where the table is about as slow as Cheng's
/// algorithm (~55 ns).
const BETA_TABLE_MAX_SHAPE: f64 = 512.0;
/// 2⁻⁵³: a 53-bit integer times this is uniform on [0, 1).
const TWO_POW_M53: f64 = 1.0 / (1u64 << 53) as f64;
/// Bits of a [`BetaTable`] draw's position within its cell: steps of 2⁻³² of the cell, so
/// 2⁻⁴⁰ in probability, far finer than any run count resolves.
const POSITION_BITS: u32 = 32;
/// Bits of the acceptance uniform taken from the draw's first word: what the cell and the
/// position leave of it.
const ACCEPT_BITS: u32 = 64 - BETA_TABLE_BITS - POSITION_BITS;
/// 2⁻[`ACCEPT_BITS`].
const TWO_POW_M_ACCEPT: f64 = 1.0 / (1u64 << ACCEPT_BITS) as f64;

/// log2 of the parts of a [`Cell`] with a squeeze each.
const SQUEEZE_BITS: u32 = 2;
/// Parts of a [`Cell`] with a squeeze each.
const SQUEEZES: usize = 1 << SQUEEZE_BITS;

/// One cell `[a, a + w]` of a [`BetaTable`], holding probability 1/N, with bounds of the
/// scaled density g over it: `gmax ≥ g` over the cell, and `squeeze[j] · gmax ≤ g` over the
/// j-th of its [`SQUEEZES`] equal parts (the points `a + t·w` with t in [j/S, (j+1)/S)).
/// A squeeze per part lies closer to g than one for the whole cell, so fewer draws need g.
/// The squeezes are f32 rounded down, so a cell takes 40 bytes. Measured on 4096 draws of a
/// PERT: 21.2 µs with one squeeze per cell (2.6 % of draws evaluate g), 20.0 µs with two,
/// 17.4 µs with four (1.7 %) and with eight.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[repr(C, align(8))]
struct Cell {
    a: f64,
    w: f64,
    gmax: f64,
    squeeze: [f32; SQUEEZES],
}

impl Cell {
    /// The squeeze for the point at position `t` in [0, 1) of the cell, `t` given as the
    /// 53-bit integer `m` with t = m·2⁻⁵³.
    #[inline(always)]
    fn squeeze_at(&self, m: u64) -> f64 {
        f64::from(self.squeeze[(m >> (53 - SQUEEZE_BITS)) as usize])
    }
}

/// The point at position m·2⁻⁵³ of the cell `[a, a + w]` (`m` ≤ 2⁵³), as the sampler and the
/// table's squeezes compute it: a + t·w never decreases as `m` grows.
#[inline(always)]
fn cell_point(a: f64, w: f64, m: u64) -> f64 {
    a + m as f64 * TWO_POW_M53 * w
}

/// The largest f32 not above `x` (x ≥ 0 and finite).
fn f32_at_most(x: f64) -> f32 {
    let r = x as f32;
    if f64::from(r) > x { r.next_down() } else { r }
}

/// An exact table sampler for Beta(α, β) with α, β ≥ 1, where the density is bounded and
/// unimodal. [0, 1] is cut into N cells of probability exactly 1/N (edges F⁻¹(i/N)); a draw
/// picks a cell uniformly, then a point in it by rejection from the cell's bounding rectangle
/// (Devroye 1986, *Non-Uniform Random Variate Generation*, ch. 8: table methods and the
/// inversion–rejection principle). A lower rectangle accepts most points without evaluating
/// the density, as in the ziggurat (Marsaglia & Tsang 2000, *The ziggurat method*, J. Stat.
/// Softw. 5(8)). A rejected point is redrawn in the same cell, so the law is exactly the Beta's.
#[derive(Clone, PartialEq)]
struct BetaTable {
    cells: Arc<[Cell; BETA_CELLS]>,
    /// g(x) = exp((α−1)·ln x + (β−1)·ln(1−x) − ln_fmode): the density scaled to 1 at the
    /// mode, so that large α, β do not underflow.
    am1: f64,
    bm1: f64,
    ln_fmode: f64,
}

impl std::fmt::Debug for BetaTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BetaTable")
            .field("cells", &BETA_CELLS)
            .field("alpha", &(self.am1 + 1.0))
            .field("beta", &(self.bm1 + 1.0))
            .finish()
    }
}

impl BetaTable {
    fn new(cdf: &SBeta) -> BetaTable {
        let edges = equal_mass_edges(cdf, BETA_CELLS);
        let (am1, bm1) = (cdf.shape_a() - 1.0, cdf.shape_b() - 1.0);
        // The mode; for the uniform (α = β = 1) any point will do.
        let mode = if am1 + bm1 > 0.0 { am1 / (am1 + bm1) } else { 0.5 };
        let ln_fmode = ln_beta_kernel(am1, bm1, mode);
        let g = |x: f64| (ln_beta_kernel(am1, bm1, x) - ln_fmode).exp();
        let mut cells = [Cell::default(); BETA_CELLS];
        for (i, c) in cells.iter_mut().enumerate() {
            let (a, b) = (edges[i], edges[i + 1]);
            let (ga, gb) = (g(a), g(b));
            // g is unimodal: largest at the mode if the cell holds it, else at an end.
            let top = if a <= mode && mode <= b { 1.0 } else { ga.max(gb) };
            // Widen the bounds by far more than g's rounding error, so they hold as computed.
            let gmax = top * (1.0 + 1e-12);
            let w = b - a;
            // On each part, too, g is least at an end. The ends are computed as the sampler
            // computes a point, which never decreases with its position: every point drawn in
            // part j lies between them.
            let end = |j: usize| cell_point(a, w, (j as u64) << (53 - SQUEEZE_BITS));
            let squeeze = std::array::from_fn(|j| f32_at_most(g(end(j)).min(g(end(j + 1))) / gmax * (1.0 - 1e-12)));
            *c = Cell { a, w, gmax, squeeze };
        }
        BetaTable {
            cells: Arc::new(cells),
            am1,
            bm1,
            ln_fmode,
        }
    }

    #[inline(always)]
    fn g(&self, x: f64) -> f64 {
        (ln_beta_kernel(self.am1, self.bm1, x) - self.ln_fmode).exp()
    }

    /// One draw on [0, 1], mostly from one 64-bit word: the cell from its top
    /// [`BETA_TABLE_BITS`], the position in the cell from the next [`POSITION_BITS`], and the
    /// first [`ACCEPT_BITS`] of the acceptance uniform u from the rest. Those bits place u in
    /// an interval of width 2⁻²⁴; the squeeze accepts when all of it lies below the squeeze.
    /// Otherwise a second word completes u to 53 bits for the density test, so each u is
    /// still uniform and the law still exact. One word instead of two for 98 % of draws:
    /// 4 096 PERT draws take 14.5 µs instead of 17.4 (criterion `sample_4096/pert`).
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let r = rng.next_u64();
        let c = &self.cells[(r >> (64 - BETA_TABLE_BITS)) as usize];
        let m = ((r << BETA_TABLE_BITS) >> (64 - POSITION_BITS)) << (53 - POSITION_BITS);
        let x = cell_point(c.a, c.w, m);
        let head = r & ((1 << ACCEPT_BITS) - 1);
        if (head + 1) as f64 * TWO_POW_M_ACCEPT <= c.squeeze_at(m) {
            return x;
        }
        let u = ((head << (53 - ACCEPT_BITS)) | (rng.next_u64() >> (11 + ACCEPT_BITS))) as f64 * TWO_POW_M53;
        self.sample_beyond_squeeze(c, x, u, rng)
    }

    /// The rest of [`Self::sample`] when the point `x` (with acceptance uniform `u`) is not
    /// accepted by the squeeze: the density test, and new points in the same cell until one
    /// is accepted. Out of line: it runs for a few draws in a hundred, and its calls into
    /// `ln` and `exp` would otherwise make the common path keep its values on the stack.
    #[cold]
    #[inline(never)]
    fn sample_beyond_squeeze<R: Rng + ?Sized>(&self, c: &Cell, mut x: f64, mut u: f64, rng: &mut R) -> f64 {
        // The squeeze is only a shortcut: any u below it passes the density test too.
        while u * c.gmax > self.g(x) {
            let m = rng.next_u64() >> 11;
            x = cell_point(c.a, c.w, m);
            u = (rng.next_u64() >> 11) as f64 * TWO_POW_M53;
            if u < c.squeeze_at(m) {
                break;
            }
        }
        x
    }
}

/// (α−1)·ln x + (β−1)·ln(1−x), the log of the unnormalised Beta density, given α−1 and β−1.
/// ln 0 is taken as ln of the least normal number, so that a zero exponent (α or β = 1) gives
/// 0 rather than NaN at the ends.
#[inline(always)]
fn ln_beta_kernel(am1: f64, bm1: f64, x: f64) -> f64 {
    am1 * x.max(f64::MIN_POSITIVE).ln() + bm1 * (1.0 - x).max(f64::MIN_POSITIVE).ln()
}

/// Edges 0 = x₀ < x₁ < … < x_n = 1 with F(xᵢ) = i/n, F statrs' Beta CDF, solved to rounding
/// by Newton steps on F, kept inside the bracket [x_{i−1}, 1] by bisection. The first guesses
/// are statrs' inverse CDF (AS 109, alone off by up to ~4e-10 in probability for peaked
/// shapes), the rest an extrapolation of the previous three edges, which is cheaper.
fn equal_mass_edges(cdf: &SBeta, n: usize) -> Vec<f64> {
    let (alpha, beta) = (cdf.shape_a(), cdf.shape_b());
    let ln_b = statrs::function::beta::ln_beta(alpha, beta);
    let pdf = |x: f64| (ln_beta_kernel(alpha - 1.0, beta - 1.0, x) - ln_b).exp();
    let mut x = vec![0.0; n + 1];
    x[n] = 1.0;
    for i in 1..n {
        let p = i as f64 / n as f64;
        let (mut lo, mut hi) = (x[i - 1], 1.0);
        let guess = if i > 3 {
            3.0 * x[i - 1] - 3.0 * x[i - 2] + x[i - 3]
        } else {
            cdf.inverse_cdf(p)
        };
        let mut xi = if lo < guess && guess < hi {
            guess
        } else {
            0.5 * (lo + hi)
        };
        for _ in 0..100 {
            let r = cdf.cdf(xi) - p;
            if r == 0.0 {
                break;
            }
            if r > 0.0 {
                hi = xi;
            } else {
                lo = xi;
            }
            let step = r / pdf(xi);
            let next = xi - step;
            if !(lo < next && next < hi) {
                xi = 0.5 * (lo + hi);
                if hi - lo <= f64::EPSILON * hi {
                    break;
                }
                continue;
            }
            xi = next;
            // Newton converges quadratically: after a step this small relative to the cell,
            // the error left is far below rounding.
            if step.abs() <= 1e-9 * (xi - x[i - 1]) {
                break;
            }
        }
        x[i] = xi.max(x[i - 1]);
    }
    x
}

/// The PERT shape parameters α, β on `[lo, hi]` with mode `m` and shape `s`.
fn pert_shape(lo: f64, m: f64, hi: f64, s: f64) -> (f64, f64) {
    (1.0 + s * (m - lo) / (hi - lo), 1.0 + s * (hi - m) / (hi - lo))
}

/// The reference-class overrun mixture of [`DistSpec::RefClassOverrun`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefClassOverrun {
    tail_prob: f64,
    body: TruncNormal,
    tail_scale: f64,
    inv_alpha: f64,
    tail_alpha: f64,
    tail_cap: f64,
}

impl RefClassOverrun {
    /// By composition: the first `1 − tail_prob` of the unit interval maps to the body, the
    /// rest to the tail, each by its own inverse CDF. Monotone wherever the body lies below the
    /// tail, so stratification (LHS) still pays.
    #[inline]
    fn quantile(&self, u: f64) -> f64 {
        let body = 1.0 - self.tail_prob;
        if u < body {
            // The support is [body_min, tail_cap] for the body too.
            self.body.quantile(u / body).min(self.tail_cap)
        } else {
            // v in [0, 1): 1 − v lies in (0, 1], so the power is finite.
            let v = (u - body) / self.tail_prob;
            (self.tail_scale * (1.0 - v).powf(-self.inv_alpha)).min(self.tail_cap)
        }
    }

    /// The mean of the capped tail, E[min(X, cap)] for X ~ Pareto(scale, α):
    /// scale + ∫ from scale to cap of (scale/t)^α dt.
    pub fn tail_mean(&self) -> f64 {
        let (xm, a, c) = (self.tail_scale, self.tail_alpha, self.tail_cap);
        if (a - 1.0).abs() < 1e-12 {
            xm + xm * (c / xm).ln()
        } else {
            xm + xm.powf(a) * (c.powf(1.0 - a) - xm.powf(1.0 - a)) / (1.0 - a)
        }
    }

    /// The mean of the body (the truncated normal).
    pub fn body_mean(&self) -> f64 {
        self.body.mean()
    }
}

/// Values with cumulative probabilities, for discrete and empirical distributions.
#[derive(Debug, Clone, PartialEq)]
pub struct Discrete {
    values: Vec<f64>,
    /// Cumulative probability up to and including each value; the last is exactly 1.
    cum: Vec<f64>,
}

impl Discrete {
    #[inline]
    fn quantile(&self, u: f64) -> f64 {
        let i = self.cum.partition_point(|&c| c <= u).min(self.values.len() - 1);
        self.values[i]
    }
}

/// A validated distribution, ready to sample.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Fixed(f64),
    Uniform(Uniform<f64>),
    Triangular {
        d: Triangular<f64>,
        mode: f64,
    },
    /// PERT, beta and triple estimates.
    Beta(ScaledBeta),
    Normal {
        mean: f64,
        sd: f64,
        d: Normal<f64>,
    },
    TruncatedNormal(TruncNormal),
    Lognormal {
        mu: f64,
        sigma: f64,
        d: LogNormal<f64>,
    },
    /// Discrete values and empirical observations.
    Discrete(Discrete),
    RiskEvent {
        prob: f64,
        impact: Box<Input>,
    },
    RefClassOverrun(RefClassOverrun),
}

/// A validated distribution with its point value and support.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub dist: Dist,
    /// The deterministic (plan) value used when uncertainty is removed.
    pub point: f64,
    /// Smallest possible value (may be −∞).
    pub lo: f64,
    /// Largest possible value (may be +∞).
    pub hi: f64,
}

fn with_point(dist: Dist, default: f64, lo: f64, hi: f64, point: &Option<f64>) -> Result<Input, DistError> {
    let point = match point {
        Some(p) => {
            let p = finite("point", *p)?;
            within("point", p, lo, hi)?;
            p
        }
        None => default,
    };
    Ok(Input { dist, point, lo, hi })
}

/// The support `[a, b]` of a PERT with shape 3 and mode `m` whose 1 % and 99 % points are
/// `p1` and `p99`: fixed-point iteration on the support, the beta's shape following the mode.
fn triple_p1_p99_support(p1: f64, m: f64, p99: f64) -> Option<(f64, f64)> {
    let (mut a, mut b) = (p1, p99);
    for _ in 0..200 {
        let (al, be) = pert_shape(a, m, b, 3.0);
        let beta = SBeta::new(al, be).ok()?;
        let (z1, z99) = (beta.inverse_cdf(0.01), beta.inverse_cdf(0.99));
        let w = (p99 - p1) / (z99 - z1);
        let (na, nb) = (p1 - w * z1, p1 - w * z1 + w);
        let moved = (na - a).abs().max((nb - b).abs());
        (a, b) = (na, nb);
        if !(a < m && m < b) {
            return None;
        }
        if moved <= 1e-12 * (p99 - p1) {
            return Some((a, b));
        }
    }
    None
}

impl Input {
    /// Validate a spec. `Err` names the parameter, the problem and a fix.
    pub fn new(spec: &DistSpec) -> Result<Input, DistError> {
        match spec {
            DistSpec::Fixed { value } => {
                let v = finite("value", *value)?;
                Ok(Input {
                    dist: Dist::Fixed(v),
                    point: v,
                    lo: v,
                    hi: v,
                })
            }
            DistSpec::Uniform { min, max, point } => {
                let (lo, hi) = (finite("min", *min)?, finite("max", *max)?);
                ordered("min", lo, "max", hi)?;
                let d = Uniform::new(lo, hi).map_err(|e| err("max", e.to_string(), "check min and max"))?;
                with_point(Dist::Uniform(d), 0.5 * (lo + hi), lo, hi, point)
            }
            DistSpec::Triangular { min, mode, max, point } => {
                let (lo, m, hi) = (finite("min", *min)?, finite("mode", *mode)?, finite("max", *max)?);
                ordered("min", lo, "max", hi)?;
                within("mode", m, lo, hi)?;
                let d =
                    Triangular::new(lo, hi, m).map_err(|e| err("mode", e.to_string(), "check min, mode and max"))?;
                with_point(Dist::Triangular { d, mode: m }, m, lo, hi, point)
            }
            DistSpec::Pert {
                min,
                mode,
                max,
                shape,
                point,
            } => {
                let (lo, m, hi) = (finite("min", *min)?, finite("mode", *mode)?, finite("max", *max)?);
                ordered("min", lo, "max", hi)?;
                within("mode", m, lo, hi)?;
                let s = positive(
                    "shape",
                    shape.unwrap_or(4.0),
                    "use the default 4 or another positive number",
                )?;
                let (a, b) = pert_shape(lo, m, hi, s);
                let d = ScaledBeta::new(a, b, lo, hi)
                    .ok_or_else(|| err("shape", "gives an unusable beta", "check min, mode, max and shape"))?;
                with_point(Dist::Beta(d), m, lo, hi, point)
            }
            DistSpec::Triple {
                min,
                most_likely,
                max,
                bounds,
                point,
            } => {
                let (p_lo, m, p_hi) = (
                    finite("min", *min)?,
                    finite("most_likely", *most_likely)?,
                    finite("max", *max)?,
                );
                ordered("min", p_lo, "max", p_hi)?;
                within("most_likely", m, p_lo, p_hi)?;
                let (lo, hi) = match bounds {
                    TripleBounds::Absolute => (p_lo, p_hi),
                    TripleBounds::P1P99 => {
                        if !(p_lo < m && m < p_hi) {
                            return Err(err(
                                "most_likely",
                                "with bounds = \"p1_p99\" the most likely value must lie strictly between min and max",
                                "move most_likely inside (min, max) or use the default absolute bounds",
                            ));
                        }
                        triple_p1_p99_support(p_lo, m, p_hi).ok_or_else(|| {
                            err(
                                "bounds",
                                "no PERT has these 1 % and 99 % points with this most likely value",
                                "use bounds = \"absolute\" or a less lopsided triple",
                            )
                        })?
                    }
                };
                let (a, b) = pert_shape(lo, m, hi, 3.0);
                let d = ScaledBeta::new(a, b, lo, hi).ok_or_else(|| {
                    err(
                        "most_likely",
                        "gives an unusable beta",
                        "check min, most_likely and max",
                    )
                })?;
                with_point(Dist::Beta(d), m, lo, hi, point)
            }
            DistSpec::Beta {
                alpha,
                beta,
                min,
                max,
                point,
            } => {
                let a = positive("alpha", *alpha, "give a shape parameter above 0")?;
                let b = positive("beta", *beta, "give a shape parameter above 0")?;
                let (lo, hi) = (finite("min", min.unwrap_or(0.0))?, finite("max", max.unwrap_or(1.0))?);
                ordered("min", lo, "max", hi)?;
                let d = ScaledBeta::new(a, b, lo, hi)
                    .ok_or_else(|| err("alpha", "gives an unusable beta", "check alpha and beta"))?;
                with_point(Dist::Beta(d), lo + (hi - lo) * a / (a + b), lo, hi, point)
            }
            DistSpec::Normal { mean, sd, point } => {
                let m = finite("mean", *mean)?;
                let s = positive(
                    "sd",
                    *sd,
                    "give a standard deviation above 0 (use dist = \"fixed\" for a constant)",
                )?;
                let d = Normal::new(m, s).map_err(|e| err("sd", e.to_string(), "check mean and sd"))?;
                with_point(
                    Dist::Normal { mean: m, sd: s, d },
                    m,
                    f64::NEG_INFINITY,
                    f64::INFINITY,
                    point,
                )
            }
            DistSpec::TruncatedNormal {
                mean,
                sd,
                min,
                max,
                point,
            } => {
                let m = finite("mean", *mean)?;
                let s = positive("sd", *sd, "give a standard deviation above 0")?;
                let lo = min.map(|x| finite("min", x)).transpose()?.unwrap_or(f64::NEG_INFINITY);
                let hi = max.map(|x| finite("max", x)).transpose()?.unwrap_or(f64::INFINITY);
                if min.is_none() && max.is_none() {
                    return Err(err(
                        "min",
                        "a truncated normal needs min, max or both",
                        "give min and/or max, or use dist = \"normal\"",
                    ));
                }
                ordered("min", lo, "max", hi)?;
                let d = TruncNormal::new(m, s, lo, hi).ok_or_else(|| {
                    err(
                        "max",
                        format!("[{lo}, {hi}] holds almost none of N({m}, {s})"),
                        "move the bounds nearer the mean or widen sd",
                    )
                })?;
                with_point(Dist::TruncatedNormal(d), m.clamp(lo, hi), lo, hi, point)
            }
            DistSpec::Lognormal {
                mean,
                sd,
                p10,
                p90,
                point,
            } => {
                let by_moments = mean.is_some() || sd.is_some();
                let by_points = p10.is_some() || p90.is_some();
                let hint = "give either mean and sd, or p10 and p90";
                let (mu, sigma, default) = match (by_moments, by_points) {
                    (true, true) => {
                        return Err(err(
                            if mean.is_some() { "mean" } else { "sd" },
                            "mixes mean/sd with p10/p90",
                            hint,
                        ));
                    }
                    (false, false) => return Err(err("mean", "no parameters", hint)),
                    (true, false) => {
                        let m = positive("mean", required("mean", *mean, hint)?, "give a mean above 0")?;
                        let s = positive("sd", required("sd", *sd, hint)?, "give a standard deviation above 0")?;
                        let sigma2 = (1.0 + (s / m).powi(2)).ln();
                        (m.ln() - 0.5 * sigma2, sigma2.sqrt(), m)
                    }
                    (false, true) => {
                        let a = positive("p10", required("p10", *p10, hint)?, "give a 10 % point above 0")?;
                        let b = positive("p90", required("p90", *p90, hint)?, "give a 90 % point above 0")?;
                        ordered("p10", a, "p90", b)?;
                        // ln X is normal: its 10 % and 90 % points are μ ∓ z·σ, z = Φ⁻¹(0.9).
                        let z = std_normal_quantile(0.9);
                        let mu = 0.5 * (a.ln() + b.ln());
                        (mu, (b.ln() - a.ln()) / (2.0 * z), mu.exp())
                    }
                };
                let d = LogNormal::new(mu, sigma).map_err(|e| err("sd", e.to_string(), hint))?;
                with_point(Dist::Lognormal { mu, sigma, d }, default, 0.0, f64::INFINITY, point)
            }
            DistSpec::Discrete { values, weights, point } => {
                if values.is_empty() {
                    return Err(err("values", "no values", "list at least one value"));
                }
                for &v in values {
                    finite("values", v)?;
                }
                let w = match weights {
                    None => vec![1.0; values.len()],
                    Some(w) => {
                        if w.len() != values.len() {
                            return Err(err(
                                "weights",
                                format!("{} weights for {} values", w.len(), values.len()),
                                "give one weight per value",
                            ));
                        }
                        for &x in w {
                            if !(x.is_finite() && x >= 0.0) {
                                return Err(err(
                                    "weights",
                                    format!("weight {x} must be zero or more"),
                                    "give non-negative weights",
                                ));
                            }
                        }
                        w.clone()
                    }
                };
                let total: f64 = w.iter().sum();
                if total.is_nan() || total <= 0.0 {
                    return Err(err(
                        "weights",
                        "the weights sum to 0",
                        "give at least one positive weight",
                    ));
                }
                // Sort by value so the quantile function is monotone.
                let mut pairs: Vec<(f64, f64)> = values.iter().copied().zip(w.iter().copied()).collect();
                let mode = pairs
                    .iter()
                    .fold((f64::NAN, -1.0), |best, &(v, w)| if w > best.1 { (v, w) } else { best })
                    .0;
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let d = discrete(&pairs);
                let (lo, hi) = (pairs[0].0, pairs[pairs.len() - 1].0);
                with_point(Dist::Discrete(d), mode, lo, hi, point)
            }
            DistSpec::Empirical { observations, point } => {
                if observations.is_empty() {
                    return Err(err("observations", "no observations", "list at least one observation"));
                }
                for &v in observations {
                    finite("observations", v)?;
                }
                let mut pairs: Vec<(f64, f64)> = observations.iter().map(|&v| (v, 1.0)).collect();
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mean = observations.iter().sum::<f64>() / observations.len() as f64;
                let (lo, hi) = (pairs[0].0, pairs[pairs.len() - 1].0);
                with_point(Dist::Discrete(discrete(&pairs)), mean, lo, hi, point)
            }
            DistSpec::RiskEvent { prob, impact, point } => {
                let p = finite("prob", *prob)?;
                within("prob", p, 0.0, 1.0)?;
                let impact = Input::new(impact).map_err(|e| DistError {
                    param: format!("impact.{}", e.param),
                    ..e
                })?;
                let (lo, hi) = (impact.lo.min(0.0), impact.hi.max(0.0));
                with_point(
                    Dist::RiskEvent {
                        prob: p,
                        impact: Box::new(impact),
                    },
                    0.0,
                    lo,
                    hi,
                    point,
                )
            }
            DistSpec::RefClassOverrun {
                tail_prob,
                body_mean,
                body_sd,
                body_min,
                tail_scale,
                tail_alpha,
                tail_cap,
                point,
            } => {
                let p = finite("tail_prob", *tail_prob)?;
                within("tail_prob", p, 0.0, 1.0)?;
                let (bm, bmin) = (finite("body_mean", *body_mean)?, finite("body_min", *body_min)?);
                let bs = positive("body_sd", *body_sd, "give a standard deviation above 0")?;
                ordered("body_min", bmin, "body_mean", bm)?;
                let xm = positive(
                    "tail_scale",
                    *tail_scale,
                    "give the smallest black-swan overrun, above 0",
                )?;
                let a = positive(
                    "tail_alpha",
                    *tail_alpha,
                    "give a Pareto tail index above 0 (IT projects: about 1)",
                )?;
                let cap = finite("tail_cap", *tail_cap)?;
                ordered("tail_scale", xm, "tail_cap", cap)?;
                ordered("body_mean", bm, "tail_cap", cap)?;
                let body = TruncNormal::new(bm, bs, bmin, f64::INFINITY)
                    .ok_or_else(|| err("body_sd", "unusable body", "check body_mean and body_sd"))?;
                let d = RefClassOverrun {
                    tail_prob: p,
                    body,
                    tail_scale: xm,
                    inv_alpha: 1.0 / a,
                    tail_alpha: a,
                    tail_cap: cap,
                };
                // The body is unbounded above; the support's top is the larger of the cap and
                // wherever the body reaches (it is reported as the cap: the body's chance of
                // passing it is nil for any sane calibration).
                with_point(Dist::RefClassOverrun(d), 0.0_f64.clamp(bmin, cap), bmin, cap, point)
            }
        }
    }

    /// Draw one value.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.dist {
            Dist::Fixed(v) => *v,
            Dist::Uniform(d) => d.sample(rng),
            Dist::Triangular { d, .. } => d.sample(rng),
            Dist::Beta(b) => b.sample(rng),
            Dist::Normal { d, .. } => d.sample(rng),
            Dist::Lognormal { d, .. } => d.sample(rng),
            Dist::RiskEvent { prob, impact } => {
                if rng.random::<f64>() < *prob {
                    impact.sample(rng)
                } else {
                    0.0
                }
            }
            _ => self.quantile(rng.sample(Open01)),
        }
    }

    /// The inverse CDF at `u` in (0, 1): the value below which a share `u` of draws falls.
    /// Mixtures (risk events, reference-class overruns) map `u` by composition: the same law,
    /// monotone where the components do not overlap.
    pub fn quantile(&self, u: f64) -> f64 {
        match &self.dist {
            Dist::Fixed(v) => *v,
            Dist::Uniform(_) => self.lo + u * (self.hi - self.lo),
            Dist::Triangular { mode, .. } => {
                let (lo, hi, m) = (self.lo, self.hi, *mode);
                let f = (m - lo) / (hi - lo);
                if u < f {
                    lo + (u * (hi - lo) * (m - lo)).sqrt()
                } else {
                    hi - ((1.0 - u) * (hi - lo) * (hi - m)).sqrt()
                }
            }
            Dist::Beta(b) => b.quantile(u),
            Dist::Normal { mean, sd, .. } => mean + sd * std_normal_quantile(u),
            Dist::TruncatedNormal(t) => t.quantile(u),
            Dist::Lognormal { mu, sigma, .. } => (mu + sigma * std_normal_quantile(u)).exp(),
            Dist::Discrete(d) => d.quantile(u),
            Dist::RiskEvent { prob, impact } => {
                let none = 1.0 - prob;
                if u < none {
                    0.0
                } else {
                    impact.quantile(((u - none) / prob).min(1.0 - f64::EPSILON))
                }
            }
            Dist::RefClassOverrun(d) => d.quantile(u),
        }
    }

    /// Fill `out` with independent draws.
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match &self.dist {
            Dist::Beta(b) => b.fill(rng, out),
            // The same draws as `sample`, without its dispatch on every value.
            Dist::Uniform(d) => out.iter_mut().for_each(|x| *x = d.sample(rng)),
            _ => out.iter_mut().for_each(|x| *x = self.sample(rng)),
        }
    }
}

fn discrete(sorted: &[(f64, f64)]) -> Discrete {
    let total: f64 = sorted.iter().map(|p| p.1).sum();
    let mut acc = 0.0;
    let mut cum: Vec<f64> = sorted
        .iter()
        .map(|p| {
            acc += p.1;
            acc / total
        })
        .collect();
    *cum.last_mut().expect("at least one value") = 1.0;
    Discrete {
        values: sorted.iter().map(|p| p.0).collect(),
        cum,
    }
}

/// Kept for callers that only need the parameter check.
pub fn validate(spec: &DistSpec) -> Result<(), DistError> {
    Input::new(spec).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::chunk_rng;
    use statrs::distribution::{
        Beta as SBeta, Continuous, LogNormal as SLogNormal, Normal as SNormal, Triangular as STriangular,
    };

    /// Kolmogorov–Smirnov distance between a sample and a CDF, correct with ties (atoms):
    /// at each distinct value the ECDF's left limit is compared with `cdf_left` (P(X < x)) and
    /// its value with `cdf` (P(X ≤ x)). For a continuous law pass the CDF twice.
    fn ks(mut xs: Vec<f64>, cdf: &dyn Fn(f64) -> f64, cdf_left: &dyn Fn(f64) -> f64) -> f64 {
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        let (mut d, mut i) = (0.0_f64, 0);
        while i < n {
            let x = xs[i];
            let mut j = i;
            while j < n && xs[j] == x {
                j += 1;
            }
            d = d
                .max((cdf_left(x) - i as f64 / n as f64).abs())
                .max((cdf(x) - j as f64 / n as f64).abs());
            i = j;
        }
        d
    }

    /// KS critical value at alpha = 0.001 (asymptotic, 1.95/√n); conservative for atoms.
    fn ks_crit(n: usize) -> f64 {
        1.95 / (n as f64).sqrt()
    }

    fn draws(spec: &DistSpec, n: usize, seed: u64) -> Vec<f64> {
        let input = Input::new(spec).unwrap();
        let mut rng = chunk_rng(seed, 0);
        let mut v = vec![0.0; n];
        input.fill(&mut rng, &mut v);
        v
    }

    /// Draws through the inverse CDF (the path Latin hypercube sampling uses).
    fn quantile_draws(spec: &DistSpec, n: usize, seed: u64) -> Vec<f64> {
        let input = Input::new(spec).unwrap();
        let mut rng = chunk_rng(seed, 1);
        (0..n).map(|_| input.quantile(rng.sample(Open01))).collect()
    }

    struct Law<'a> {
        cdf: &'a dyn Fn(f64) -> f64,
        cdf_left: &'a dyn Fn(f64) -> f64,
        mean: f64,
        var: f64,
    }

    /// The law's test: KS of both samplers against the CDF at alpha 0.001, and the sample mean
    /// and variance within 4 standard errors of the closed forms (the variance's standard
    /// error from the sample's fourth central moment).
    fn check(name: &str, spec: DistSpec, law: Law, seed: u64) {
        let n = 20_000;
        for (how, xs) in [
            ("sample", draws(&spec, n, seed)),
            ("quantile", quantile_draws(&spec, n, seed)),
        ] {
            let d = ks(xs, law.cdf, law.cdf_left);
            assert!(d < ks_crit(n), "{name} ({how}): KS distance {d} ≥ {}", ks_crit(n));
        }
        let n = 400_000;
        let xs = draws(&spec, n, seed + 1000);
        let nf = n as f64;
        let mean = xs.iter().sum::<f64>() / nf;
        let m2 = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / nf;
        let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / nf;
        let var = m2 * nf / (nf - 1.0);
        let se_mean = (m2 / nf).sqrt();
        let se_var = ((m4 - m2 * m2) / nf).sqrt();
        assert!(
            (mean - law.mean).abs() < 4.0 * se_mean,
            "{name}: mean {mean} vs {} (se {se_mean})",
            law.mean
        );
        assert!(
            (var - law.var).abs() < 4.0 * se_var,
            "{name}: variance {var} vs {} (se {se_var})",
            law.var
        );
    }

    fn beta_var(a: f64, b: f64, w: f64) -> f64 {
        a * b / ((a + b).powi(2) * (a + b + 1.0)) * w * w
    }

    /// The beta table sampler of a spec.
    fn table(spec: &DistSpec) -> (BetaTable, SBeta) {
        let Dist::Beta(b) = Input::new(spec).unwrap().dist else {
            unreachable!()
        };
        let BetaSampler::Table(t) = &b.sampler else {
            panic!("{spec:?}: no table sampler")
        };
        (b.table(t).clone(), b.cdf)
    }

    fn table_shapes() -> Vec<DistSpec> {
        let pert = |min, mode, max, shape| DistSpec::Pert {
            min,
            mode,
            max,
            shape,
            point: None,
        };
        vec![
            pert(0.0, 2.0, 20.0, None),
            pert(30.0, 45.0, 60.0, None),
            pert(0.0, 0.5, 2.0, None),
            pert(0.0, 0.0, 1.0, None),
            pert(0.0, 1.0, 10.0, Some(40.0)),
            // Peaked: statrs' inverse CDF alone is off by ~4e-10 here.
            pert(0.0, 0.0, 1.0, Some(400.0)),
            pert(0.0, 0.3, 1.0, Some(BETA_TABLE_MAX_SHAPE)),
            DistSpec::Beta {
                alpha: 1.0,
                beta: 1.0,
                min: None,
                max: None,
                point: None,
            },
        ]
    }

    #[test]
    fn beta_sampler_by_shape() {
        let sampler = |spec: DistSpec| match Input::new(&spec).unwrap().dist {
            Dist::Beta(b) => b.sampler,
            _ => unreachable!(),
        };
        let pert = |shape| DistSpec::Pert {
            min: 0.0,
            mode: 3.0,
            max: 10.0,
            shape: Some(shape),
            point: None,
        };
        let beta = |alpha, beta| DistSpec::Beta {
            alpha,
            beta,
            min: None,
            max: None,
            point: None,
        };
        assert!(matches!(sampler(pert(4.0)), BetaSampler::Table(_)));
        assert!(matches!(sampler(pert(BETA_TABLE_MAX_SHAPE)), BetaSampler::Table(_)));
        assert!(matches!(
            sampler(pert(2.0 * BETA_TABLE_MAX_SHAPE)),
            BetaSampler::Cheng(_)
        ));
        assert!(matches!(sampler(beta(1.0, 1.0)), BetaSampler::Table(_)));
        assert!(matches!(sampler(beta(0.5, 2.0)), BetaSampler::Cheng(_)));
        assert!(matches!(sampler(beta(3.0, 0.99)), BetaSampler::Cheng(_)));
    }

    #[test]
    fn beta_table_cells_hold_equal_probability() {
        for spec in table_shapes() {
            let (t, cdf) = table(&spec);
            let n = BETA_CELLS as f64;
            assert_eq!(t.cells[0].a, 0.0);
            let last = t.cells[BETA_CELLS - 1];
            assert_eq!(last.a + last.w, 1.0, "{spec:?}");
            for (i, c) in t.cells.iter().enumerate() {
                assert!(c.w > 0.0, "{spec:?}: cell {i} is empty");
                let err = (cdf.cdf(c.a) - i as f64 / n).abs();
                assert!(err < 1e-12, "{spec:?}: F(x_{i}) off by {err}");
            }
        }
    }

    #[test]
    fn beta_table_bounds_hold_inside_every_cell() {
        // squeeze·gmax ≤ g(x) ≤ gmax across each part of each cell, ends included, at points
        // computed as the sampler computes them: the rejection step is exact only if gmax
        // bounds g, the squeezes only if they lie below g.
        let per_part = 16;
        for spec in table_shapes() {
            let (t, _) = table(&spec);
            for (i, c) in t.cells.iter().enumerate() {
                for (j, &squeeze) in c.squeeze.iter().enumerate() {
                    assert!(
                        (0.0..1.0).contains(&squeeze),
                        "{spec:?}: cell {i} part {j} squeeze {squeeze}"
                    );
                    for k in 0..=per_part {
                        // m/2⁵³ runs from j/S to (j+1)/S; the last point is the next part's first.
                        let m = ((j * per_part + k) as u64) << (53 - SQUEEZE_BITS) >> per_part.ilog2();
                        let x = cell_point(c.a, c.w, m);
                        let g = t.g(x);
                        assert!(g <= c.gmax, "{spec:?}: cell {i}, g({x}) = {g} > gmax {}", c.gmax);
                        if k < per_part {
                            assert_eq!(c.squeeze_at(m), f64::from(squeeze));
                        }
                        assert!(
                            f64::from(squeeze) * c.gmax <= g,
                            "{spec:?}: cell {i} part {j}, g({x}) = {g} under the squeeze"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn normal_quantile_agrees_with_statrs() {
        // statrs' Φ⁻¹ (−√2·erfc⁻¹(2u)) as the independent truth: a digit miscopied from AS 241
        // moves the result far more than the 4e-15 allowed. u runs over each of the three
        // approximations and the split points, down to 1e-300 in both tails.
        let truth = |u: f64| -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * u);
        let mut us: Vec<f64> = (1..1000).map(|i| i as f64 / 1000.0).collect();
        us.extend([0.075, 0.925, 0.074_999, 0.925_001]);
        for e in 1..=300 {
            let tail = 10f64.powi(-e);
            us.extend(
                [tail, 1.0 - tail, 3.7 * tail, 1.0 - 3.7 * tail]
                    .into_iter()
                    .filter(|u| 0.0 < *u && *u < 1.0),
            );
        }
        for u in us {
            let (z, t) = (std_normal_quantile(u), truth(u));
            assert!((z - t).abs() <= 4e-15 * t.abs().max(1.0), "Φ⁻¹({u}) = {z}, statrs {t}");
        }
        // Published values: Φ⁻¹(0.975) = 1.959963984540054, Φ⁻¹(10⁻¹⁰) = −6.361340902404056.
        assert!((std_normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-15);
        assert!((std_normal_quantile(1e-10) + 6.361_340_902_404_056).abs() < 1e-14);
        assert_eq!(std_normal_quantile(0.5), 0.0);
        assert_eq!(std_normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(std_normal_quantile(1.0), f64::INFINITY);
        assert!(
            std_normal_quantile(1.5).is_nan()
                && std_normal_quantile(-0.1).is_nan()
                && std_normal_quantile(f64::NAN).is_nan()
        );
    }

    /// Words in a script, then zeros, counting how many were taken.
    struct Script {
        words: Vec<u64>,
        taken: usize,
    }

    impl rand::TryRng for Script {
        type Error = std::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(self.try_next_u64()? as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            self.taken += 1;
            Ok(self.words.get(self.taken - 1).copied().unwrap_or(0))
        }
        /// Bytes from the next words, little-endian, as rand_core's generators fill them.
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for chunk in dst.chunks_mut(8) {
                let word = self.try_next_u64()?.to_le_bytes();
                chunk.copy_from_slice(&word[..chunk.len()]);
            }
            Ok(())
        }
    }

    #[test]
    fn beta_table_squeeze_accepts_from_one_word_only_below_the_squeeze() {
        // The first word's low 24 bits place u in [h, h + 1)·2⁻²⁴. The squeeze may accept from
        // that word alone only if the whole interval lies below it: h = ⌊s·2²⁴⌋ − 1 is the
        // last such h, and h = ⌊s·2²⁴⌋ must take a second word to complete u. A zero second
        // word leaves u = h·2⁻²⁴ < s, which the density test accepts.
        let (t, _) = table(&table_shapes()[0]);
        let mut tried = 0;
        for cell in [0, 1, BETA_CELLS / 2, BETA_CELLS - 1] {
            let c = &t.cells[cell];
            // A squeeze below 2⁻²³ (at an end where the density is 0) accepts no h.
            for (j, &squeeze) in c
                .squeeze
                .iter()
                .enumerate()
                .filter(|(_, s)| f64::from(**s) >= 2.0 * TWO_POW_M_ACCEPT)
            {
                tried += 1;
                let last = (f64::from(squeeze) / TWO_POW_M_ACCEPT).floor() as u64 - 1;
                let position = (j as u64) << (POSITION_BITS - SQUEEZE_BITS);
                let word = |head: u64| ((cell as u64) << (64 - BETA_TABLE_BITS)) | (position << ACCEPT_BITS) | head;
                let x = cell_point(c.a, c.w, position << (53 - POSITION_BITS));
                for (head, words) in [(0, 1), (last, 1), (last + 1, 2)] {
                    let mut rng = Script {
                        words: vec![word(head)],
                        taken: 0,
                    };
                    assert_eq!(t.sample(&mut rng), x, "cell {cell} part {j} head {head}");
                    assert_eq!(rng.taken, words, "cell {cell} part {j} head {head}");
                }
            }
        }
        assert!(tried >= 12, "only {tried} parts tried");
    }

    #[test]
    fn uniform_law() {
        let cdf = |x: f64| ((x - 2.0) / 3.0).clamp(0.0, 1.0);
        let spec = DistSpec::Uniform {
            min: 2.0,
            max: 5.0,
            point: None,
        };
        check(
            "uniform",
            spec,
            Law {
                cdf: &cdf,
                cdf_left: &cdf,
                mean: 3.5,
                var: 9.0 / 12.0,
            },
            1,
        );
    }

    #[test]
    fn triangular_law() {
        let t = STriangular::new(4.0, 12.0, 6.0).unwrap();
        let cdf = |x: f64| t.cdf(x);
        let (a, b, c): (f64, f64, f64) = (4.0, 12.0, 6.0);
        check(
            "triangular",
            DistSpec::Triangular {
                min: 4.0,
                mode: 6.0,
                max: 12.0,
                point: None,
            },
            Law {
                cdf: &cdf,
                cdf_left: &cdf,
                mean: (a + b + c) / 3.0,
                var: (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
            },
            2,
        );
    }

    #[test]
    fn pert_law_default_and_other_shape() {
        for (s, seed) in [(None, 3), (Some(2.0), 4)] {
            let (lo, m, hi) = (11.0, 12.0, 13.5);
            let sv = s.unwrap_or(4.0);
            let a = 1.0 + sv * (m - lo) / (hi - lo);
            let b = 1.0 + sv * (hi - m) / (hi - lo);
            let beta = SBeta::new(a, b).unwrap();
            let cdf = |x: f64| beta.cdf(((x - lo) / (hi - lo)).clamp(0.0, 1.0));
            check(
                "pert",
                DistSpec::Pert {
                    min: lo,
                    mode: m,
                    max: hi,
                    shape: s,
                    point: None,
                },
                Law {
                    cdf: &cdf,
                    cdf_left: &cdf,
                    mean: (lo + sv * m + hi) / (sv + 2.0),
                    var: beta_var(a, b, hi - lo),
                },
                seed,
            );
        }
    }

    #[test]
    fn normal_law() {
        let nd = SNormal::new(3.0, 2.0).unwrap();
        let cdf = |x: f64| nd.cdf(x);
        check(
            "normal",
            DistSpec::Normal {
                mean: 3.0,
                sd: 2.0,
                point: None,
            },
            Law {
                cdf: &cdf,
                cdf_left: &cdf,
                mean: 3.0,
                var: 4.0,
            },
            5,
        );
    }

    #[test]
    fn truncated_normal_law_both_sides_and_far_tail() {
        let sn = SNormal::new(0.0, 1.0).unwrap();
        // (mean, sd, min, max): two-sided, and a one-sided cut 3 sd out (the mirrored path).
        for (m, s, lo, hi, seed) in [(10.0, 5.0, 8.0, 25.0, 6), (0.0, 1.0, 3.0, f64::INFINITY, 7)] {
            let (a, b) = ((lo - m) / s, (hi - m) / s);
            let z = sn.cdf(b) - sn.cdf(a);
            let pdf = |t: f64| if t.is_finite() { sn.pdf(t) } else { 0.0 };
            let tb = if b.is_finite() { b * pdf(b) } else { 0.0 };
            let r = (pdf(a) - pdf(b)) / z;
            let mean = m + s * r;
            let var = s * s * (1.0 + (a * pdf(a) - tb) / z - r * r);
            let cdf = |x: f64| ((sn.cdf((x - m) / s) - sn.cdf(a)) / z).clamp(0.0, 1.0);
            check(
                "truncated normal",
                DistSpec::TruncatedNormal {
                    mean: m,
                    sd: s,
                    min: Some(lo),
                    max: hi.is_finite().then_some(hi),
                    point: None,
                },
                Law {
                    cdf: &cdf,
                    cdf_left: &cdf,
                    mean,
                    var,
                },
                seed,
            );
        }
    }

    #[test]
    fn lognormal_law_by_mean_sd() {
        let (m, s) = (5.0_f64, 2.0_f64);
        let sigma2 = (1.0 + (s / m).powi(2)).ln();
        let ln = SLogNormal::new(m.ln() - 0.5 * sigma2, sigma2.sqrt()).unwrap();
        let cdf = |x: f64| if x <= 0.0 { 0.0 } else { ln.cdf(x) };
        check(
            "lognormal(mean, sd)",
            DistSpec::Lognormal {
                mean: Some(m),
                sd: Some(s),
                p10: None,
                p90: None,
                point: None,
            },
            Law {
                cdf: &cdf,
                cdf_left: &cdf,
                mean: m,
                var: s * s,
            },
            8,
        );
    }

    #[test]
    fn lognormal_law_by_p10_p90() {
        let (p10, p90) = (3.0_f64, 12.0_f64);
        // Independent of the code: Φ⁻¹(0.9) from statrs.
        let z = SNormal::new(0.0, 1.0).unwrap().inverse_cdf(0.9);
        let mu = (p10 * p90).sqrt().ln();
        let sigma = (p90 / p10).ln() / (2.0 * z);
        let ln = SLogNormal::new(mu, sigma).unwrap();
        assert!((ln.cdf(p10) - 0.1).abs() < 1e-9 && (ln.cdf(p90) - 0.9).abs() < 1e-9);
        let cdf = |x: f64| if x <= 0.0 { 0.0 } else { ln.cdf(x) };
        let spec = DistSpec::Lognormal {
            mean: None,
            sd: None,
            p10: Some(p10),
            p90: Some(p90),
            point: None,
        };
        assert!((Input::new(&spec).unwrap().point - 6.0).abs() < 1e-12);
        check(
            "lognormal(p10, p90)",
            spec,
            Law {
                cdf: &cdf,
                cdf_left: &cdf,
                mean: (mu + sigma * sigma / 2.0).exp(),
                var: ((sigma * sigma).exp() - 1.0) * (2.0 * mu + sigma * sigma).exp(),
            },
            9,
        );
    }

    #[test]
    fn beta_law() {
        let (a, b, lo, hi) = (2.0, 5.0, 10.0, 20.0);
        let beta = SBeta::new(a, b).unwrap();
        let cdf = |x: f64| beta.cdf(((x - lo) / (hi - lo)).clamp(0.0, 1.0));
        check(
            "beta",
            DistSpec::Beta {
                alpha: a,
                beta: b,
                min: Some(lo),
                max: Some(hi),
                point: None,
            },
            Law {
                cdf: &cdf,
                cdf_left: &cdf,
                mean: lo + (hi - lo) * a / (a + b),
                var: beta_var(a, b, hi - lo),
            },
            10,
        );
    }

    #[test]
    fn discrete_law() {
        let (v, w) = ([5.0, 1.0, 2.0], [0.3, 0.2, 0.5]);
        let cdf = |x: f64| v.iter().zip(w).filter(|(vi, _)| **vi <= x).map(|(_, wi)| wi).sum();
        let cdf_left = |x: f64| v.iter().zip(w).filter(|(vi, _)| **vi < x).map(|(_, wi)| wi).sum();
        let mean: f64 = v.iter().zip(w).map(|(a, b)| a * b).sum();
        let var = v.iter().zip(w).map(|(a, b)| b * (a - mean).powi(2)).sum();
        let spec = DistSpec::Discrete {
            values: v.to_vec(),
            weights: Some(w.to_vec()),
            point: None,
        };
        assert_eq!(Input::new(&spec).unwrap().point, 2.0);
        check(
            "discrete",
            spec,
            Law {
                cdf: &cdf,
                cdf_left: &cdf_left,
                mean,
                var,
            },
            11,
        );
    }

    #[test]
    fn empirical_law() {
        let obs = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let n = obs.len() as f64;
        let cdf = |x: f64| obs.iter().filter(|&&o| o <= x).count() as f64 / n;
        let cdf_left = |x: f64| obs.iter().filter(|&&o| o < x).count() as f64 / n;
        let mean = obs.iter().sum::<f64>() / n;
        let var = obs.iter().map(|o| (o - mean).powi(2)).sum::<f64>() / n;
        check(
            "empirical",
            DistSpec::Empirical {
                observations: obs.to_vec(),
                point: None,
            },
            Law {
                cdf: &cdf,
                cdf_left: &cdf_left,
                mean,
                var,
            },
            12,
        );
    }

    #[test]
    fn risk_event_law() {
        let (p, lo, m, hi) = (0.3, 2.0, 4.0, 10.0);
        let (a, b) = (1.0 + 4.0 * (m - lo) / (hi - lo), 1.0 + 4.0 * (hi - m) / (hi - lo));
        let beta = SBeta::new(a, b).unwrap();
        let fi = |x: f64| beta.cdf(((x - lo) / (hi - lo)).clamp(0.0, 1.0));
        let cdf = |x: f64| if x < 0.0 { 0.0 } else { 1.0 - p + p * fi(x) };
        let cdf_left = |x: f64| if x <= 0.0 { 0.0 } else { 1.0 - p + p * fi(x) };
        let ei = (lo + 4.0 * m + hi) / 6.0;
        let ei2 = beta_var(a, b, hi - lo) + ei * ei;
        check(
            "risk event",
            DistSpec::RiskEvent {
                prob: p,
                impact: Box::new(DistSpec::Pert {
                    min: lo,
                    mode: m,
                    max: hi,
                    shape: None,
                    point: None,
                }),
                point: None,
            },
            Law {
                cdf: &cdf,
                cdf_left: &cdf_left,
                mean: p * ei,
                var: p * ei2 - (p * ei).powi(2),
            },
            13,
        );
    }

    #[test]
    fn triple_estimate_has_the_successive_mean() {
        let (lo, ml, hi) = (10.0, 12.0, 20.0);
        // Lichtenberg's successive principle: mean = (min + 3·ML + max)/5 (confirmed).
        let successive_mean = (lo + 3.0 * ml + hi) / 5.0;
        let (a, b) = (1.0 + 3.0 * (ml - lo) / (hi - lo), 1.0 + 3.0 * (hi - ml) / (hi - lo));
        let beta = SBeta::new(a, b).unwrap();
        let cdf = |x: f64| beta.cdf(((x - lo) / (hi - lo)).clamp(0.0, 1.0));
        check(
            "triple",
            DistSpec::Triple {
                min: lo,
                most_likely: ml,
                max: hi,
                bounds: TripleBounds::Absolute,
                point: None,
            },
            Law {
                cdf: &cdf,
                cdf_left: &cdf,
                mean: successive_mean,
                var: beta_var(a, b, hi - lo),
            },
            14,
        );
    }

    #[test]
    fn triple_p1_p99_puts_min_and_max_at_the_1_and_99_percent_points() {
        let (p1, ml, p99) = (10.0, 12.0, 20.0);
        let spec = DistSpec::Triple {
            min: p1,
            most_likely: ml,
            max: p99,
            bounds: TripleBounds::P1P99,
            point: None,
        };
        let input = Input::new(&spec).unwrap();
        let (lo, hi) = (input.lo, input.hi);
        assert!(lo < p1 && hi > p99);
        let (a, b) = (1.0 + 3.0 * (ml - lo) / (hi - lo), 1.0 + 3.0 * (hi - ml) / (hi - lo));
        let beta = SBeta::new(a, b).unwrap();
        let cdf = |x: f64| beta.cdf(((x - lo) / (hi - lo)).clamp(0.0, 1.0));
        assert!((cdf(p1) - 0.01).abs() < 1e-9, "{}", cdf(p1));
        assert!((cdf(p99) - 0.99).abs() < 1e-9, "{}", cdf(p99));
        let n = 200_000;
        let xs = draws(&spec, n, 15);
        let below = xs.iter().filter(|&&x| x < p1).count() as f64 / n as f64;
        let se = (0.01 * 0.99 / n as f64).sqrt();
        assert!((below - 0.01).abs() < 4.0 * se, "share below min {below}");
    }

    #[test]
    fn ref_class_overrun_law_and_mean() {
        // Calibration of the default scenario: 1 in 6 black swans (Flyvbjerg & Budzier 2011).
        let (p, bm, bs, bmin, xm, al, cap) = (1.0 / 6.0, -8.0, 15.0, -50.0, 70.0, 1.0, 500.0);
        let spec = DistSpec::RefClassOverrun {
            tail_prob: p,
            body_mean: bm,
            body_sd: bs,
            body_min: bmin,
            tail_scale: xm,
            tail_alpha: al,
            tail_cap: cap,
            point: None,
        };
        let sn = SNormal::new(0.0, 1.0).unwrap();
        // Truncated-normal body: mean m + s·φ(a)/(1 − Φ(a)), a = (min − m)/s.
        let a: f64 = (bmin - bm) / bs;
        let z = 1.0 - sn.cdf(a);
        let body_mean = bm + bs * sn.pdf(a) / z;
        let body_var = bs * bs * (1.0 + a * sn.pdf(a) / z - (sn.pdf(a) / z).powi(2));
        // Capped Pareto(70, 1): E = xm(1 + ln(cap/xm)), E[X²] = xm² + 2·xm·(cap − xm) for α = 1.
        let tail_mean = xm * (1.0 + (cap / xm).ln());
        let tail_m2 = xm * xm + 2.0 * xm * (cap - xm);
        let mean = (1.0 - p) * body_mean + p * tail_mean;
        let m2 = (1.0 - p) * (body_var + body_mean * body_mean) + p * tail_m2;
        let fb = |x: f64| ((sn.cdf((x - bm) / bs) - sn.cdf(a)) / z).max(0.0);
        let ft = |x: f64| if x < xm { 0.0 } else { 1.0 - xm / x };
        let cdf = |x: f64| (1.0 - p) * fb(x) + p * if x >= cap { 1.0 } else { ft(x) };
        let cdf_left = |x: f64| (1.0 - p) * fb(x) + p * ft(x.min(cap));
        check(
            "ref_class_overrun",
            spec.clone(),
            Law {
                cdf: &cdf,
                cdf_left: &cdf_left,
                mean,
                var: m2 - mean * mean,
            },
            16,
        );
        let Dist::RefClassOverrun(d) = Input::new(&spec).unwrap().dist else {
            unreachable!()
        };
        assert!((d.tail_mean() - tail_mean).abs() < 1e-9);
        assert!((d.body_mean() - body_mean).abs() < 1e-9);
        let xs = draws(&spec, 100_000, 17);
        assert!(xs.iter().all(|&x| (bmin..=cap).contains(&x)));
    }

    #[test]
    fn quantile_inverts_the_cdf_at_the_edges() {
        let spec = DistSpec::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            min: Some(6.0),
            max: None,
            point: None,
        };
        let t = Input::new(&spec).unwrap();
        for u in [1e-9, 0.5, 1.0 - 1e-9] {
            let x = t.quantile(u);
            assert!(x >= 6.0 && x.is_finite(), "{u} → {x}");
        }
    }

    #[test]
    fn invalid_parameters_name_the_parameter() {
        let param = |s: DistSpec| Input::new(&s).unwrap_err().param;
        assert_eq!(
            param(DistSpec::Pert {
                min: 5.0,
                mode: 6.0,
                max: 4.0,
                shape: None,
                point: None,
            }),
            "max"
        );
        assert_eq!(
            param(DistSpec::Triangular {
                min: 1.0,
                mode: 9.0,
                max: 4.0,
                point: None,
            }),
            "mode"
        );
        assert_eq!(
            param(DistSpec::Triangular {
                min: 1.0,
                mode: 9.0,
                max: 14.0,
                point: Some(20.0),
            }),
            "point"
        );
        assert_eq!(
            param(DistSpec::Uniform {
                min: f64::NAN,
                max: 1.0,
                point: None,
            }),
            "min"
        );
        assert_eq!(
            param(DistSpec::Normal {
                mean: 1.0,
                sd: 0.0,
                point: None,
            }),
            "sd"
        );
        assert_eq!(
            param(DistSpec::Pert {
                min: 1.0,
                mode: 0.5,
                max: 4.0,
                shape: None,
                point: None,
            }),
            "mode"
        );
        assert_eq!(
            param(DistSpec::Lognormal {
                mean: None,
                sd: None,
                p10: Some(9.0),
                p90: Some(3.0),
                point: None,
            }),
            "p90"
        );
        assert_eq!(
            param(DistSpec::Lognormal {
                mean: Some(1.0),
                sd: None,
                p10: Some(1.0),
                p90: Some(3.0),
                point: None,
            }),
            "mean"
        );
        assert_eq!(
            param(DistSpec::Beta {
                alpha: -1.0,
                beta: 1.0,
                min: None,
                max: None,
                point: None,
            }),
            "alpha"
        );
        assert_eq!(
            param(DistSpec::Discrete {
                values: vec![1.0, 2.0],
                weights: Some(vec![1.0]),
                point: None,
            }),
            "weights"
        );
        assert_eq!(
            param(DistSpec::Discrete {
                values: vec![1.0, 2.0],
                weights: Some(vec![0.0, 0.0]),
                point: None,
            }),
            "weights"
        );
        assert_eq!(
            param(DistSpec::Empirical {
                observations: vec![],
                point: None,
            }),
            "observations"
        );
        assert_eq!(
            param(DistSpec::RiskEvent {
                prob: 0.2,
                impact: Box::new(DistSpec::Uniform {
                    min: 3.0,
                    max: 1.0,
                    point: None
                }),
                point: None,
            }),
            "impact.max"
        );
        assert_eq!(
            param(DistSpec::RiskEvent {
                prob: 1.2,
                impact: Box::new(DistSpec::Fixed { value: 1.0 }),
                point: None,
            }),
            "prob"
        );
        assert_eq!(
            param(DistSpec::TruncatedNormal {
                mean: 0.0,
                sd: 1.0,
                min: Some(50.0),
                max: None,
                point: None,
            }),
            "max"
        );
        assert_eq!(
            param(DistSpec::Triple {
                min: 1.0,
                most_likely: 5.0,
                max: 4.0,
                bounds: TripleBounds::Absolute,
                point: None,
            }),
            "most_likely"
        );
    }

    #[test]
    fn point_defaults() {
        let p = |s: DistSpec| Input::new(&s).unwrap().point;
        assert_eq!(
            p(DistSpec::Uniform {
                min: 2.0,
                max: 4.0,
                point: None
            }),
            3.0
        );
        assert_eq!(
            p(DistSpec::Pert {
                min: 2.0,
                mode: 3.5,
                max: 4.0,
                shape: None,
                point: None
            }),
            3.5
        );
        assert_eq!(
            p(DistSpec::Pert {
                min: 2.0,
                mode: 3.5,
                max: 4.0,
                shape: None,
                point: Some(2.5)
            }),
            2.5
        );
        assert_eq!(
            p(DistSpec::RiskEvent {
                prob: 0.9,
                impact: Box::new(DistSpec::Fixed { value: 3.0 }),
                point: None
            }),
            0.0
        );
    }
}
