//! Mixtures: the risk event (nothing, or an impact drawn from another distribution) and the
//! reference-class overrun (a normal body with a capped Pareto tail).

use rand::{Rng, RngExt};

use super::input::with_point;
use super::normal::TruncNormal;
use super::{Dist, DistError, DistSpec, Input, err, finite, ordered, positive, within};

/// [`DistSpec::RiskEvent`].
pub(super) fn risk_event(prob: f64, impact: &DistSpec, point: &Option<f64>) -> Result<Input, DistError> {
    let p = finite("prob", prob)?;
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

/// A draw of a risk event: the impact with probability `prob`, else 0.
#[inline]
pub(super) fn risk_event_sample<R: Rng + ?Sized>(prob: f64, impact: &Input, rng: &mut R) -> f64 {
    if rng.random::<f64>() < prob {
        impact.sample(rng)
    } else {
        0.0
    }
}

/// The risk event's inverse CDF by composition: the first `1 − prob` of the unit interval is
/// 0, the rest the impact's inverse CDF.
#[inline]
pub(super) fn risk_event_quantile(prob: f64, impact: &Input, u: f64) -> f64 {
    let none = 1.0 - prob;
    if u < none {
        0.0
    } else {
        impact.quantile(((u - none) / prob).min(1.0 - f64::EPSILON))
    }
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
    pub(super) fn quantile(&self, u: f64) -> f64 {
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

/// [`DistSpec::RefClassOverrun`].
#[allow(
    clippy::too_many_arguments,
    reason = "the spec's seven parameters and its point, as the file names them"
)]
pub(super) fn ref_class_overrun(
    tail_prob: f64,
    body_mean: f64,
    body_sd: f64,
    body_min: f64,
    tail_scale: f64,
    tail_alpha: f64,
    tail_cap: f64,
    point: &Option<f64>,
) -> Result<Input, DistError> {
    let p = finite("tail_prob", tail_prob)?;
    within("tail_prob", p, 0.0, 1.0)?;
    let (bm, bmin) = (finite("body_mean", body_mean)?, finite("body_min", body_min)?);
    let bs = positive("body_sd", body_sd, "give a standard deviation above 0")?;
    ordered("body_min", bmin, "body_mean", bm)?;
    let xm = positive(
        "tail_scale",
        tail_scale,
        "give the smallest black-swan overrun, above 0",
    )?;
    let a = positive(
        "tail_alpha",
        tail_alpha,
        "give a Pareto tail index above 0 (IT projects: about 1)",
    )?;
    let cap = finite("tail_cap", tail_cap)?;
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

#[cfg(test)]
mod tests {
    use super::super::testing::{Law, beta_var, check, draws};
    use super::*;
    use statrs::distribution::{Beta as SBeta, Continuous, ContinuousCDF, Normal as SNormal};

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
}
