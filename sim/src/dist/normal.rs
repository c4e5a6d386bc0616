//! The normal family: normal, truncated normal and lognormal, with Φ and Φ⁻¹ (AS 241).

use rand_distr::{LogNormal, Normal};
use statrs::function::erf::erfc;

use super::input::with_point;
use super::{Dist, DistError, Input, err, finite, ordered, positive, required};

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
    pub(super) fn new(mean: f64, sd: f64, lo: f64, hi: f64) -> Option<TruncNormal> {
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
    pub(super) fn quantile(&self, u: f64) -> f64 {
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

/// [`super::DistSpec::Normal`].
pub(super) fn normal(mean: f64, sd: f64, point: &Option<f64>) -> Result<Input, DistError> {
    let m = finite("mean", mean)?;
    let s = positive(
        "sd",
        sd,
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

/// [`super::DistSpec::TruncatedNormal`].
pub(super) fn truncated_normal(
    mean: f64,
    sd: f64,
    min: Option<f64>,
    max: Option<f64>,
    point: &Option<f64>,
) -> Result<Input, DistError> {
    let m = finite("mean", mean)?;
    let s = positive("sd", sd, "give a standard deviation above 0")?;
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

/// [`super::DistSpec::Lognormal`], by its mean and sd or by its 10 % and 90 % points.
pub(super) fn lognormal(
    mean: Option<f64>,
    sd: Option<f64>,
    p10: Option<f64>,
    p90: Option<f64>,
    point: &Option<f64>,
) -> Result<Input, DistError> {
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
            let m = positive("mean", required("mean", mean, hint)?, "give a mean above 0")?;
            let s = positive("sd", required("sd", sd, hint)?, "give a standard deviation above 0")?;
            let sigma2 = (1.0 + (s / m).powi(2)).ln();
            (m.ln() - 0.5 * sigma2, sigma2.sqrt(), m)
        }
        (false, true) => {
            let a = positive("p10", required("p10", p10, hint)?, "give a 10 % point above 0")?;
            let b = positive("p90", required("p90", p90, hint)?, "give a 90 % point above 0")?;
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

#[cfg(test)]
mod tests {
    use super::super::DistSpec;
    use super::super::testing::{Law, check};
    use super::*;
    use statrs::distribution::{Continuous, ContinuousCDF, LogNormal as SLogNormal, Normal as SNormal};

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
}
