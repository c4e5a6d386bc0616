//! [`Input`]: a validated distribution, and the dispatch of construction, sampling and the
//! inverse CDF from a kind to its family.

use rand::distr::Open01;
use rand::{Rng, RngExt};
use rand_distr::{Distribution, LogNormal, Normal, Triangular, Uniform};

use super::beta::{self, ScaledBeta};
use super::discrete::{self, Discrete};
use super::mixture::{self, RefClassOverrun};
use super::normal::{self, TruncNormal, std_normal_quantile};
use super::pooled::{self, Pooled};
use super::positive;
use super::triangular;
use super::{DistError, DistSpec, finite, within};

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
    Pooled(Pooled),
    Gamma {
        shape: f64,
        scale: f64,
        d: rand_distr::Gamma<f64>,
        /// The unit-scale gamma, for the inverse CDF.
        unit: statrs::distribution::Gamma,
    },
    Weibull {
        shape: f64,
        scale: f64,
    },
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

pub(super) fn with_point(dist: Dist, default: f64, lo: f64, hi: f64, point: &Option<f64>) -> Result<Input, DistError> {
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
            DistSpec::Uniform { min, max, point } => triangular::uniform(*min, *max, point),
            DistSpec::Triangular { min, mode, max, point } => triangular::triangular(*min, *mode, *max, point),
            DistSpec::Pert {
                min,
                mode,
                max,
                shape,
                point,
            } => triangular::pert(*min, *mode, *max, *shape, point),
            DistSpec::Triple {
                min,
                most_likely,
                max,
                bounds,
                point,
            } => triangular::triple(*min, *most_likely, *max, *bounds, point),
            DistSpec::Beta {
                alpha,
                beta,
                min,
                max,
                point,
            } => beta::beta(*alpha, *beta, *min, *max, point),
            DistSpec::Normal { mean, sd, point } => normal::normal(*mean, *sd, point),
            DistSpec::TruncatedNormal {
                mean,
                sd,
                min,
                max,
                point,
            } => normal::truncated_normal(*mean, *sd, *min, *max, point),
            DistSpec::Lognormal {
                mean,
                sd,
                p10,
                p90,
                point,
            } => normal::lognormal(*mean, *sd, *p10, *p90, point),
            DistSpec::Discrete { values, weights, point } => discrete::discrete_values(values, weights, point),
            DistSpec::Empirical { observations, point } => discrete::empirical(observations, point),
            DistSpec::RiskEvent { prob, impact, point } => mixture::risk_event(*prob, impact, point),
            DistSpec::Pooled { experts, point } => pooled::pooled(experts, point),
            DistSpec::RefClassOverrun {
                tail_prob,
                body_mean,
                body_sd,
                body_min,
                tail_scale,
                tail_alpha,
                tail_cap,
                point,
            } => mixture::ref_class_overrun(
                *tail_prob,
                *body_mean,
                *body_sd,
                *body_min,
                *tail_scale,
                *tail_alpha,
                *tail_cap,
                point,
            ),
            DistSpec::Gamma { shape, scale, point } => positive::gamma(*shape, *scale, point),
            DistSpec::Weibull { shape, scale, point } => positive::weibull(*shape, *scale, point),
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
            Dist::RiskEvent { prob, impact } => mixture::risk_event_sample(*prob, impact, rng),
            // The mixture by composition: exact, and far cheaper than inverting its CDF.
            Dist::RefClassOverrun(d) => d.composed(rng.sample(Open01)),
            Dist::Pooled(d) => d.sample(rng),
            Dist::Gamma { d, .. } => d.sample(rng),
            // No faster exact sampler than the inverse CDF.
            Dist::TruncatedNormal(_) | Dist::Discrete(_) | Dist::Weibull { .. } => self.quantile(rng.sample(Open01)),
        }
    }

    /// The inverse CDF at `u` in (0, 1): the value below which a share `u` of draws falls.
    /// A risk event maps `u` by composition (0, then the impact): monotone for an impact that
    /// is not negative. The reference-class overrun inverts its mixture CDF numerically (see
    /// [`RefClassOverrun`]), monotone however its body and tail overlap.
    pub fn quantile(&self, u: f64) -> f64 {
        match &self.dist {
            Dist::Fixed(v) => *v,
            Dist::Uniform(_) => self.lo + u * (self.hi - self.lo),
            Dist::Triangular { mode, .. } => triangular::triangular_quantile(self.lo, self.hi, *mode, u),
            Dist::Beta(b) => b.quantile(u),
            Dist::Normal { mean, sd, .. } => mean + sd * std_normal_quantile(u),
            Dist::TruncatedNormal(t) => t.quantile(u),
            Dist::Lognormal { mu, sigma, .. } => (mu + sigma * std_normal_quantile(u)).exp(),
            Dist::Discrete(d) => d.quantile(u),
            Dist::RiskEvent { prob, impact } => mixture::risk_event_quantile(*prob, impact, u),
            Dist::RefClassOverrun(d) => d.quantile(u),
            Dist::Pooled(d) => d.quantile(u),
            Dist::Gamma { scale, unit, .. } => positive::gamma_quantile(*scale, unit, u),
            Dist::Weibull { shape, scale } => positive::weibull_quantile(*shape, *scale, u),
        }
    }

    /// The range draws stay in: the support where it is finite, else the values an unbounded
    /// tail passes with probability below 10⁻¹⁵ per draw (8 standard deviations of the normal
    /// or of the lognormal's logarithm). An open side without such a bound (a truncated
    /// normal's, a risk event's with an unbounded impact) counts with a thousand times the
    /// point value. For range checks of a model's outputs.
    pub fn far_range(&self) -> (f64, f64) {
        const Z: f64 = 8.0;
        let wide = self.point.abs().max(1.0) * 1e3;
        let (lo, hi) = match &self.dist {
            Dist::Normal { mean, sd, .. } => (mean - Z * sd, mean + Z * sd),
            Dist::Lognormal { mu, sigma, .. } => (0.0, (mu + Z * sigma).exp()),
            Dist::Fixed(_)
            | Dist::Uniform(_)
            | Dist::Triangular { .. }
            | Dist::Beta(_)
            | Dist::TruncatedNormal(_)
            | Dist::Discrete(_)
            | Dist::RiskEvent { .. }
            | Dist::RefClassOverrun(_)
            | Dist::Pooled(_)
            | Dist::Gamma { .. }
            | Dist::Weibull { .. } => (-wide, wide),
        };
        (
            if self.lo.is_finite() { self.lo } else { lo },
            if self.hi.is_finite() { self.hi } else { hi },
        )
    }

    /// Fill `out` with independent draws.
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match &self.dist {
            Dist::Beta(b) => b.fill(rng, out),
            // The same draws as `sample`, without its dispatch on every value.
            Dist::Uniform(d) => out.iter_mut().for_each(|x| *x = d.sample(rng)),
            Dist::Fixed(_)
            | Dist::Triangular { .. }
            | Dist::Normal { .. }
            | Dist::TruncatedNormal(_)
            | Dist::Lognormal { .. }
            | Dist::Discrete(_)
            | Dist::RiskEvent { .. }
            | Dist::RefClassOverrun(_)
            | Dist::Pooled(_)
            | Dist::Gamma { .. }
            | Dist::Weibull { .. } => out.iter_mut().for_each(|x| *x = self.sample(rng)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::TripleBounds;
    use super::*;

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
    fn far_range_is_the_support_or_far_out_in_an_open_tail() {
        let range = |s: DistSpec| Input::new(&s).unwrap().far_range();
        assert_eq!(
            range(DistSpec::Pert {
                min: 2.0,
                mode: 3.0,
                max: 9.0,
                shape: None,
                point: None,
            }),
            (2.0, 9.0)
        );
        assert_eq!(
            range(DistSpec::Normal {
                mean: 3.0,
                sd: 2.0,
                point: None,
            }),
            (-13.0, 19.0)
        );
        let (lo, hi) = range(DistSpec::Lognormal {
            mean: None,
            sd: None,
            p10: Some(3.0),
            p90: Some(12.0),
            point: None,
        });
        // ln X ~ N(ln 6, σ) with σ = ln 4 / (2·Φ⁻¹(0.9)).
        let sigma = 4f64.ln() / (2.0 * 1.281_551_565_544_600_5);
        assert_eq!(lo, 0.0);
        assert!((hi / (6f64.ln() + 8.0 * sigma).exp() - 1.0).abs() < 1e-12, "{hi}");
        assert_eq!(
            range(DistSpec::TruncatedNormal {
                mean: 5.0,
                sd: 1.0,
                min: Some(4.0),
                max: None,
                point: None,
            }),
            (4.0, 5e3)
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
