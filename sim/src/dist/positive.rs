//! Gamma and Weibull: the positive families `riskkalkyl fit` ranks beside the lognormal.
//!
//! Plain Monte Carlo draws the gamma with rand_distr's `Gamma` (Marsaglia–Tsang) and the
//! Weibull by its closed-form inverse CDF; Latin hypercube sampling and rank correlation use
//! the inverse CDF, for the gamma θ times statrs's unit-scale `Gamma::inverse_cdf` (so the
//! quantiles scale exactly with θ).

use statrs::distribution::ContinuousCDF;

use super::input::{Dist, Input, with_point};
use super::{DistError, err, positive};

/// [`super::DistSpec::Gamma`]: shape k > 0, scale θ > 0; point value the mean kθ.
pub(super) fn gamma(shape: f64, scale: f64, point: &Option<f64>) -> Result<Input, DistError> {
    let shape = positive("shape", shape, "give the gamma a shape k > 0")?;
    let scale = positive("scale", scale, "give the gamma a scale θ > 0 (in the field's unit)")?;
    let d = rand_distr::Gamma::new(shape, scale).map_err(|e| {
        err(
            "shape",
            format!("no gamma with shape {shape}, scale {scale}: {e}"),
            "choose k, θ > 0",
        )
    })?;
    let unit = statrs::distribution::Gamma::new(shape, 1.0)
        .map_err(|e| err("shape", format!("no gamma with shape {shape}: {e}"), "choose k > 0"))?;
    let mean = shape * scale;
    if !mean.is_finite() {
        return Err(err(
            "scale",
            "shape × scale overflows",
            "choose a smaller shape or scale",
        ));
    }
    with_point(Dist::Gamma { shape, scale, d, unit }, mean, 0.0, f64::INFINITY, point)
}

/// [`super::DistSpec::Weibull`]: shape k > 0, scale λ > 0; point value the mean λ·Γ(1 + 1/k).
pub(super) fn weibull(shape: f64, scale: f64, point: &Option<f64>) -> Result<Input, DistError> {
    let shape = positive("shape", shape, "give the Weibull a shape k > 0")?;
    let scale = positive("scale", scale, "give the Weibull a scale λ > 0 (in the field's unit)")?;
    let mean = scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape);
    if !mean.is_finite() {
        return Err(err(
            "shape",
            format!("shape {shape} is so small that the mean overflows"),
            "choose a shape of 0.01 or more",
        ));
    }
    with_point(Dist::Weibull { shape, scale }, mean, 0.0, f64::INFINITY, point)
}

/// The gamma's inverse CDF at `u`: statrs's unit-scale inverse CDF, polished by Newton steps
/// on ln x. statrs stops its search at an absolute tolerance near 10⁻⁹, which in the lower
/// tail of a shape below 1 is wrong by a factor of several; the steps make it relative.
pub(super) fn gamma_quantile(scale: f64, unit: &statrs::distribution::Gamma, u: f64) -> f64 {
    use statrs::distribution::Continuous;
    let mut x = unit.inverse_cdf(u);
    if !(x > 0.0 && x.is_finite()) {
        // The lower tail F(x) ≈ x^k / Γ(k + 1).
        let k = unit.shape();
        x = (u * statrs::function::gamma::gamma(k + 1.0)).powf(1.0 / k);
    }
    for _ in 0..50 {
        let (f, p) = (unit.cdf(x), unit.pdf(x));
        if p.is_nan() || p <= 0.0 {
            break;
        }
        let step = ((f - u) / (p * x)).clamp(-2.0, 2.0);
        x *= (-step).exp();
        if step.abs() < 1e-14 {
            break;
        }
    }
    scale * x
}

/// The Weibull's inverse CDF at `u`: λ·(−ln(1 − u))^(1/k).
pub(super) fn weibull_quantile(shape: f64, scale: f64, u: f64) -> f64 {
    scale * (-(-u).ln_1p()).powf(1.0 / shape)
}

#[cfg(test)]
mod tests {
    use super::super::DistSpec;
    use super::*;
    use crate::rng::chunk_rng;
    use statrs::distribution::{Gamma, Weibull};

    fn input(spec: DistSpec) -> Input {
        Input::new(&spec).unwrap()
    }

    /// The quantiles against statrs's inverse CDF (gamma) and CDF (both), at fixed u.
    #[test]
    fn quantiles_match_statrs() {
        let g = input(DistSpec::Gamma {
            shape: 2.5,
            scale: 3.0,
            point: None,
        });
        let w = input(DistSpec::Weibull {
            shape: 1.7,
            scale: 8.0,
            point: None,
        });
        let sg = Gamma::new(2.5, 1.0 / 3.0).unwrap();
        let sw = Weibull::new(1.7, 8.0).unwrap();
        for u in [1e-6, 0.01, 0.1, 0.3, 0.5, 0.8, 0.95, 0.999] {
            let (xg, xw) = (g.quantile(u), w.quantile(u));
            assert!(
                (sg.inverse_cdf(u) - xg).abs() <= 1e-6 * xg.max(1.0),
                "gamma q({u}) {xg}"
            );
            assert!((sg.cdf(xg) - u).abs() < 1e-8, "gamma cdf(q({u}))");
            assert!((sw.cdf(xw) - u).abs() < 1e-12, "weibull cdf(q({u})) {}", sw.cdf(xw));
        }
    }

    /// A spec, its mean and variance in closed form, and statrs's CDF.
    type Case = (DistSpec, f64, f64, Box<dyn Fn(f64) -> f64>);

    /// Sample mean and variance of plain draws against the closed forms, within 5 MC standard
    /// errors (fixed seed), and a KS distance against statrs's CDF below its 0.1 % critical value.
    #[test]
    fn draws_match_mean_variance_and_cdf() {
        let n = 200_000;
        let cases: Vec<Case> = vec![
            {
                let d = Gamma::new(2.5, 1.0 / 3.0).unwrap();
                (
                    DistSpec::Gamma {
                        shape: 2.5,
                        scale: 3.0,
                        point: None,
                    },
                    7.5,
                    22.5,
                    Box::new(move |x| d.cdf(x)),
                )
            },
            {
                let d = Gamma::new(0.6, 0.25).unwrap();
                (
                    DistSpec::Gamma {
                        shape: 0.6,
                        scale: 4.0,
                        point: None,
                    },
                    2.4,
                    9.6,
                    Box::new(move |x| d.cdf(x)),
                )
            },
            {
                let d = Weibull::new(1.7, 8.0).unwrap();
                let g = statrs::function::gamma::gamma;
                let m = 8.0 * g(1.0 + 1.0 / 1.7);
                let v = 64.0 * g(1.0 + 2.0 / 1.7) - m * m;
                (
                    DistSpec::Weibull {
                        shape: 1.7,
                        scale: 8.0,
                        point: None,
                    },
                    m,
                    v,
                    Box::new(move |x| d.cdf(x)),
                )
            },
        ];
        for (c, (spec, mean, var, cdf)) in cases.into_iter().enumerate() {
            let x = input(spec.clone());
            assert!((x.point - mean).abs() < 1e-12 * mean, "{spec:?}: point");
            let mut xs = vec![0.0; n];
            x.fill(&mut chunk_rng(25, c as u64), &mut xs);
            let m = xs.iter().sum::<f64>() / n as f64;
            let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
            let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n as f64;
            let se_m = (var / n as f64).sqrt();
            let se_v = ((m4 - v * v) / n as f64).sqrt();
            assert!(
                (m - mean).abs() < 5.0 * se_m,
                "{spec:?}: mean {m} vs {mean} (se {se_m})"
            );
            assert!((v - var).abs() < 5.0 * se_v, "{spec:?}: var {v} vs {var} (se {se_v})");
            xs.sort_by(f64::total_cmp);
            let ks = xs
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    let f = cdf(x);
                    (f - i as f64 / n as f64).max((i + 1) as f64 / n as f64 - f)
                })
                .fold(0.0, f64::max);
            assert!(ks < 1.95 / (n as f64).sqrt(), "{spec:?}: KS {ks}");
        }
    }

    #[test]
    fn bad_parameters_are_refused() {
        for (shape, scale, param) in [(0.0, 1.0, "shape"), (1.0, -1.0, "scale"), (f64::NAN, 1.0, "shape")] {
            assert_eq!(
                Input::new(&DistSpec::Gamma {
                    shape,
                    scale,
                    point: None
                })
                .unwrap_err()
                .param,
                param
            );
            assert_eq!(
                Input::new(&DistSpec::Weibull {
                    shape,
                    scale,
                    point: None
                })
                .unwrap_err()
                .param,
                param
            );
        }
        assert!(
            Input::new(&DistSpec::Weibull {
                shape: 1e-4,
                scale: 1.0,
                point: None
            })
            .is_err()
        );
        assert!(
            Input::new(&DistSpec::Gamma {
                shape: 2.0,
                scale: 1.0,
                point: Some(-1.0)
            })
            .is_err()
        );
    }
}
