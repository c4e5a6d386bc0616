//! Estimates from a range: uniform, triangular, PERT and the triple estimate (the last two
//! are betas, drawn by [`ScaledBeta`]).

use rand_distr::{Triangular, Uniform};
use statrs::distribution::{Beta as SBeta, ContinuousCDF};

use super::beta::ScaledBeta;
use super::input::with_point;
use super::{Dist, DistError, Input, TripleBounds, err, finite, ordered, positive, within};

/// [`super::DistSpec::Uniform`].
pub(super) fn uniform(min: f64, max: f64, point: &Option<f64>) -> Result<Input, DistError> {
    let (lo, hi) = (finite("min", min)?, finite("max", max)?);
    ordered("min", lo, "max", hi)?;
    let d = Uniform::new(lo, hi).map_err(|e| err("max", e.to_string(), "check min and max"))?;
    with_point(Dist::Uniform(d), 0.5 * (lo + hi), lo, hi, point)
}

/// [`super::DistSpec::Triangular`].
pub(super) fn triangular(min: f64, mode: f64, max: f64, point: &Option<f64>) -> Result<Input, DistError> {
    let (lo, m, hi) = (finite("min", min)?, finite("mode", mode)?, finite("max", max)?);
    ordered("min", lo, "max", hi)?;
    within("mode", m, lo, hi)?;
    let d = Triangular::new(lo, hi, m).map_err(|e| err("mode", e.to_string(), "check min, mode and max"))?;
    with_point(Dist::Triangular { d, mode: m }, m, lo, hi, point)
}

/// The triangular's inverse CDF at `u` on `[lo, hi]` with mode `m`.
#[inline]
pub(super) fn triangular_quantile(lo: f64, hi: f64, m: f64, u: f64) -> f64 {
    let f = (m - lo) / (hi - lo);
    if u < f {
        lo + (u * (hi - lo) * (m - lo)).sqrt()
    } else {
        hi - ((1.0 - u) * (hi - lo) * (hi - m)).sqrt()
    }
}

/// The PERT shape parameters α, β on `[lo, hi]` with mode `m` and shape `s`.
fn pert_shape(lo: f64, m: f64, hi: f64, s: f64) -> (f64, f64) {
    (1.0 + s * (m - lo) / (hi - lo), 1.0 + s * (hi - m) / (hi - lo))
}

/// [`super::DistSpec::Pert`].
pub(super) fn pert(min: f64, mode: f64, max: f64, shape: Option<f64>, point: &Option<f64>) -> Result<Input, DistError> {
    let (lo, m, hi) = (finite("min", min)?, finite("mode", mode)?, finite("max", max)?);
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

/// [`super::DistSpec::Triple`].
pub(super) fn triple(
    min: f64,
    most_likely: f64,
    max: f64,
    bounds: TripleBounds,
    point: &Option<f64>,
) -> Result<Input, DistError> {
    let (p_lo, m, p_hi) = (
        finite("min", min)?,
        finite("most_likely", most_likely)?,
        finite("max", max)?,
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

#[cfg(test)]
mod tests {
    use super::super::DistSpec;
    use super::super::testing::{Law, beta_var, check, draws};
    use super::*;
    use statrs::distribution::{ContinuousCDF, Triangular as STriangular};

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
}
