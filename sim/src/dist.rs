//! Input distributions.
//!
//! A [`DistSpec`] is what a scenario file says (`{ dist = "pert", min = 4, mode = 6, max = 12 }`);
//! a [`Dist`] is the validated, ready-to-sample form. Construction checks every parameter
//! (NaN, infinities, order, bounds) so sampling never checks again. Each distribution also has
//! a *point value*: the deterministic figure a plan would use (by default the mode, or the
//! mean where there is no mode), which lets a model be run with all uncertainty removed.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, LogNormal, Normal, Pert, Triangular, Uniform};
use serde::{Deserialize, Serialize};

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
    /// β = 1 + s·(max−mode)/(max−min), shape s = 4 unless given (rand_distr `Pert`).
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
    /// Lognormal given by the mean and standard deviation of the variable itself (not of its
    /// logarithm); point value the mean.
    Lognormal {
        mean: f64,
        sd: f64,
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

/// Why a distribution's parameters were refused: which parameter, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{param}: {problem}")]
pub struct DistError {
    /// The offending parameter as written in the file (`min`, `mode`, `point`, …).
    pub param: &'static str,
    /// What is wrong.
    pub problem: String,
    /// How to fix it.
    pub hint: String,
}

fn err(param: &'static str, problem: impl Into<String>, hint: impl Into<String>) -> DistError {
    DistError {
        param,
        problem: problem.into(),
        hint: hint.into(),
    }
}

fn finite(param: &'static str, x: f64) -> Result<f64, DistError> {
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

fn ordered(lo_name: &'static str, lo: f64, hi_name: &'static str, hi: f64) -> Result<(), DistError> {
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

fn within(name: &'static str, x: f64, lo: f64, hi: f64) -> Result<(), DistError> {
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

/// The Pareto tail of [`DistSpec::RefClassOverrun`], capped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefClassOverrun {
    tail_prob: f64,
    body: Normal<f64>,
    body_min: f64,
    tail_scale: f64,
    inv_alpha: f64,
    tail_alpha: f64,
    tail_cap: f64,
}

impl RefClassOverrun {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        if rng.random::<f64>() < self.tail_prob {
            // 1 − U lies in (0, 1], so the power is finite.
            let u = 1.0 - rng.random::<f64>();
            (self.tail_scale * u.powf(-self.inv_alpha)).min(self.tail_cap)
        } else {
            // Rejection from the normal; body_min < body_mean keeps acceptance above 1/2.
            loop {
                let x = self.body.sample(rng);
                if x >= self.body_min {
                    // The support is [body_min, tail_cap] for the body too.
                    return x.min(self.tail_cap);
                }
            }
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
}

/// A validated distribution, ready to sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Fixed(f64),
    Uniform(Uniform<f64>),
    Triangular(Triangular<f64>),
    Pert(Pert<f64>),
    Normal(Normal<f64>),
    Lognormal(LogNormal<f64>),
    RefClassOverrun(RefClassOverrun),
}

/// A validated distribution with its point value and support.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Input {
    pub dist: Dist,
    /// The deterministic (plan) value used when uncertainty is removed.
    pub point: f64,
    /// Smallest possible value (may be −∞).
    pub lo: f64,
    /// Largest possible value (may be +∞).
    pub hi: f64,
}

impl Input {
    /// Validate a spec. `Err` names the parameter, the problem and a fix.
    pub fn new(spec: &DistSpec) -> Result<Input, DistError> {
        let with_point = |dist, default: f64, lo: f64, hi: f64, point: &Option<f64>| {
            let point = match point {
                Some(p) => {
                    let p = finite("point", *p)?;
                    within("point", p, lo, hi)?;
                    p
                }
                None => default,
            };
            Ok(Input { dist, point, lo, hi })
        };
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
                with_point(Dist::Triangular(d), m, lo, hi, point)
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
                let s = finite("shape", shape.unwrap_or(4.0))?;
                if s <= 0.0 {
                    return Err(err(
                        "shape",
                        format!("must be positive, got {s}"),
                        "use the default 4 or another positive number",
                    ));
                }
                let d = Pert::new(lo, hi)
                    .with_shape(s)
                    .with_mode(m)
                    .map_err(|e| err("mode", e.to_string(), "check min, mode, max and shape"))?;
                with_point(Dist::Pert(d), m, lo, hi, point)
            }
            DistSpec::Normal { mean, sd, point } => {
                let (m, s) = (finite("mean", *mean)?, finite("sd", *sd)?);
                if s <= 0.0 {
                    return Err(err(
                        "sd",
                        format!("must be positive, got {s}"),
                        "give a standard deviation above 0 (use dist = \"fixed\" for a constant)",
                    ));
                }
                let d = Normal::new(m, s).map_err(|e| err("sd", e.to_string(), "check mean and sd"))?;
                with_point(Dist::Normal(d), m, f64::NEG_INFINITY, f64::INFINITY, point)
            }
            DistSpec::Lognormal { mean, sd, point } => {
                let (m, s) = (finite("mean", *mean)?, finite("sd", *sd)?);
                if m <= 0.0 {
                    return Err(err(
                        "mean",
                        format!("must be positive for a lognormal, got {m}"),
                        "give a mean above 0",
                    ));
                }
                if s <= 0.0 {
                    return Err(err(
                        "sd",
                        format!("must be positive, got {s}"),
                        "give a standard deviation above 0",
                    ));
                }
                let sigma2 = (1.0 + (s / m).powi(2)).ln();
                let mu = m.ln() - 0.5 * sigma2;
                let d = LogNormal::new(mu, sigma2.sqrt()).map_err(|e| err("sd", e.to_string(), "check mean and sd"))?;
                with_point(Dist::Lognormal(d), m, 0.0, f64::INFINITY, point)
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
                let (bm, bs, bmin) = (
                    finite("body_mean", *body_mean)?,
                    finite("body_sd", *body_sd)?,
                    finite("body_min", *body_min)?,
                );
                if bs <= 0.0 {
                    return Err(err(
                        "body_sd",
                        format!("must be positive, got {bs}"),
                        "give a standard deviation above 0",
                    ));
                }
                ordered("body_min", bmin, "body_mean", bm)?;
                let (xm, a, cap) = (
                    finite("tail_scale", *tail_scale)?,
                    finite("tail_alpha", *tail_alpha)?,
                    finite("tail_cap", *tail_cap)?,
                );
                if xm <= 0.0 {
                    return Err(err(
                        "tail_scale",
                        format!("must be positive, got {xm}"),
                        "give the smallest black-swan overrun, above 0",
                    ));
                }
                if a <= 0.0 {
                    return Err(err(
                        "tail_alpha",
                        format!("must be positive, got {a}"),
                        "give a Pareto tail index above 0 (IT projects: about 1)",
                    ));
                }
                ordered("tail_scale", xm, "tail_cap", cap)?;
                ordered("body_mean", bm, "tail_cap", cap)?;
                let body =
                    Normal::new(bm, bs).map_err(|e| err("body_sd", e.to_string(), "check body_mean and body_sd"))?;
                let d = RefClassOverrun {
                    tail_prob: p,
                    body,
                    body_min: bmin,
                    tail_scale: xm,
                    inv_alpha: 1.0 / a,
                    tail_alpha: a,
                    tail_cap: cap,
                };
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
            Dist::Triangular(d) => d.sample(rng),
            Dist::Pert(d) => d.sample(rng),
            Dist::Normal(d) => d.sample(rng),
            Dist::Lognormal(d) => d.sample(rng),
            Dist::RefClassOverrun(d) => d.sample(rng),
        }
    }

    /// Fill `out` with independent draws.
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        for x in out {
            *x = self.sample(rng);
        }
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
    use statrs::distribution::{ContinuousCDF, Normal as SNormal, Triangular as STriangular};

    /// Kolmogorov–Smirnov distance between a sample and a CDF.
    fn ks(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
        xs.sort_by(f64::total_cmp);
        let n = xs.len() as f64;
        xs.iter()
            .enumerate()
            .map(|(i, &x)| {
                let f = cdf(x);
                (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
            })
            .fold(0.0, f64::max)
    }

    fn draws(spec: DistSpec, n: usize, seed: u64) -> Vec<f64> {
        let input = Input::new(&spec).unwrap();
        let mut rng = chunk_rng(seed, 0);
        let mut v = vec![0.0; n];
        input.fill(&mut rng, &mut v);
        v
    }

    // KS critical value at alpha = 0.001 is 1.95/sqrt(n).
    fn ks_crit(n: usize) -> f64 {
        1.95 / (n as f64).sqrt()
    }

    #[test]
    fn triangular_matches_statrs_cdf() {
        let n = 20_000;
        let xs = draws(
            DistSpec::Triangular {
                min: 4.0,
                mode: 6.0,
                max: 12.0,
                point: None,
            },
            n,
            7,
        );
        let t = STriangular::new(4.0, 12.0, 6.0).unwrap();
        let d = ks(xs, |x| t.cdf(x));
        assert!(d < ks_crit(n), "KS distance {d}");
    }

    #[test]
    fn pert_matches_beta_cdf() {
        let n = 20_000;
        let (lo, m, hi) = (11.0, 12.0, 13.5);
        let xs = draws(
            DistSpec::Pert {
                min: lo,
                mode: m,
                max: hi,
                shape: None,
                point: None,
            },
            n,
            11,
        );
        let a = 1.0 + 4.0 * (m - lo) / (hi - lo);
        let b = 1.0 + 4.0 * (hi - m) / (hi - lo);
        let beta = statrs::distribution::Beta::new(a, b).unwrap();
        let d = ks(xs, |x| beta.cdf((x - lo) / (hi - lo)));
        assert!(d < ks_crit(n), "KS distance {d}");
    }

    #[test]
    fn lognormal_by_mean_and_sd_has_that_mean() {
        let n = 200_000;
        let (m, s) = (5.0, 2.0);
        let xs = draws(
            DistSpec::Lognormal {
                mean: m,
                sd: s,
                point: None,
            },
            n,
            3,
        );
        let mean = xs.iter().sum::<f64>() / n as f64;
        let se = s / (n as f64).sqrt();
        assert!((mean - m).abs() < 4.0 * se, "mean {mean}");
        let sigma = (1.0 + (s / m).powi(2)).ln().sqrt();
        let ln = statrs::distribution::LogNormal::new(m.ln() - 0.5 * sigma * sigma, sigma).unwrap();
        let d = ks(xs[..20_000].to_vec(), |x| ln.cdf(x));
        assert!(d < ks_crit(20_000), "KS distance {d}");
    }

    #[test]
    fn overrun_mixture_mean_matches_closed_form() {
        // Calibration of the default scenario: 1 in 6 black swans (Flyvbjerg & Budzier 2011).
        let spec = DistSpec::RefClassOverrun {
            tail_prob: 1.0 / 6.0,
            body_mean: -8.0,
            body_sd: 15.0,
            body_min: -50.0,
            tail_scale: 70.0,
            tail_alpha: 1.0,
            tail_cap: 500.0,
            point: None,
        };
        let input = Input::new(&spec).unwrap();
        let Dist::RefClassOverrun(d) = input.dist else {
            unreachable!()
        };
        // Truncated-normal body mean: m + s·φ(a)/(1 − Φ(a)), a = (min − m)/s.
        let sn = SNormal::new(0.0, 1.0).unwrap();
        let a: f64 = (-50.0 - -8.0) / 15.0;
        let phi = (-0.5 * a * a).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let body_mean = -8.0 + 15.0 * phi / (1.0 - sn.cdf(a));
        let truth = 5.0 / 6.0 * body_mean + 1.0 / 6.0 * d.tail_mean();
        let n = 400_000;
        let xs = draws(spec, n, 5);
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let se = (var / n as f64).sqrt();
        assert!((mean - truth).abs() < 4.0 * se, "mean {mean} vs {truth} (se {se})");
        assert!(xs.iter().all(|&x| (-50.0..=500.0).contains(&x)));
        let tail_share = xs.iter().filter(|&&x| x >= 70.0).count() as f64 / n as f64;
        // P(x ≥ 70) = 1/6 + (5/6)·P(body ≥ 70), the body part negligible (5 sd).
        let se_p = (tail_share * (1.0 - tail_share) / n as f64).sqrt();
        assert!((tail_share - 1.0 / 6.0).abs() < 4.0 * se_p, "tail share {tail_share}");
    }

    #[test]
    fn invalid_parameters_name_the_parameter() {
        let e = Input::new(&DistSpec::Pert {
            min: 5.0,
            mode: 6.0,
            max: 4.0,
            shape: None,
            point: None,
        })
        .unwrap_err();
        assert_eq!(e.param, "max");
        let e = Input::new(&DistSpec::Triangular {
            min: 1.0,
            mode: 9.0,
            max: 4.0,
            point: None,
        })
        .unwrap_err();
        assert_eq!(e.param, "mode");
        let e = Input::new(&DistSpec::Triangular {
            min: 1.0,
            mode: 9.0,
            max: 14.0,
            point: Some(20.0),
        })
        .unwrap_err();
        assert_eq!(e.param, "point");
        let e = Input::new(&DistSpec::Uniform {
            min: f64::NAN,
            max: 1.0,
            point: None,
        })
        .unwrap_err();
        assert_eq!(e.param, "min");
        let e = Input::new(&DistSpec::Normal {
            mean: 1.0,
            sd: 0.0,
            point: None,
        })
        .unwrap_err();
        assert_eq!(e.param, "sd");
        let e = Input::new(&DistSpec::Pert {
            min: 1.0,
            mode: 0.5,
            max: 4.0,
            shape: None,
            point: None,
        })
        .unwrap_err();
        assert_eq!(e.param, "mode");
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
    }
}
