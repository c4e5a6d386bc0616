//! Mixtures: the risk event (nothing, or an impact drawn from another distribution) and the
//! reference-class overrun (a normal body with a capped Pareto tail).

use rand::{Rng, RngExt};

use super::input::with_point;
use super::normal::{TruncNormal, std_normal_cdf};
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
///
/// The impact is drawn whether the event occurs or not, so the numbers a draw takes do not
/// depend on `prob`: two scenarios that differ only in the probability keep their common
/// random numbers (the same impact wherever the event occurs in both), as the risk register's
/// separate occurrence and impact inputs do. (Two streams would serve as well, but `fill` must
/// give the stream of repeated `sample`, and one draw has only one generator.) The cost is an
/// impact drawn for every run, not only for the share `prob` that uses it.
#[inline]
pub(super) fn risk_event_sample<R: Rng + ?Sized>(prob: f64, impact: &Input, rng: &mut R) -> f64 {
    let occurs = rng.random::<f64>() < prob;
    let x = impact.sample(rng);
    if occurs { x } else { 0.0 }
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
    /// The body's normal before truncation, its lower bound and Φ at that bound.
    body_mean: f64,
    body_sd: f64,
    body_min: f64,
    body_p_min: f64,
    tail_scale: f64,
    inv_alpha: f64,
    tail_alpha: f64,
    tail_cap: f64,
    /// The CDF just below the cap; above it lies the atom at the cap.
    cdf_below_cap: f64,
}

/// How closely [`RefClassOverrun::quantile`] inverts the CDF: the root is bracketed to
/// `QUANTILE_TOL`·max(|x|, 1), or the CDF at it is within `QUANTILE_TOL` of u.
pub const QUANTILE_TOL: f64 = 1e-12;

impl RefClassOverrun {
    /// By composition: the first `1 − tail_prob` of the unit interval maps to the body, the
    /// rest to the tail, each by its own inverse CDF. An exact sampler of the law (a uniform
    /// picks the part, the rest of it the draw), but not monotone where body and tail overlap,
    /// so for plain Monte Carlo only.
    #[inline]
    pub(super) fn composed(&self, u: f64) -> f64 {
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

    /// The CDF: (1 − p)·F_body(x) + p·F_tail(x), both capped at `tail_cap`. From the tail's
    /// scale up it is 1 minus the survivals, which keeps its absolute error at the survivals'
    /// (small) size there.
    pub fn cdf(&self, x: f64) -> f64 {
        if x >= self.tail_cap {
            return 1.0;
        }
        if x < self.body_min {
            return 0.0;
        }
        let z = (x - self.body_mean) / self.body_sd;
        if x < self.tail_scale {
            let fb = (std_normal_cdf(z) - self.body_p_min) / (1.0 - self.body_p_min);
            return (1.0 - self.tail_prob) * fb.clamp(0.0, 1.0);
        }
        let sb = (std_normal_cdf(-z) / (1.0 - self.body_p_min)).min(1.0);
        let st = (self.tail_scale / x).powf(self.tail_alpha);
        1.0 - (1.0 - self.tail_prob) * sb - self.tail_prob * st
    }

    /// The inverse of the mixture CDF at `u`: monotone in `u` even where body and tail
    /// overlap, so a Latin hypercube puts one draw in each stratum of the law (composing the
    /// parts' inverses put hundreds of draws per chunk of 4096 into shared strata). Below the
    /// tail's scale only the body has mass and the composition is exact; above it the root of
    /// F(x) = u is found by Illinois regula falsi on [tail_scale, tail_cap), bracketed to
    /// [`QUANTILE_TOL`]·max(|x|, 1). F is evaluated with statrs' erfc, whose error is about
    /// 10⁻¹¹ relative (checked against mpmath), so the draw's probability is exact to
    /// about that: far inside its stratum of 1/4096.
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let x0 = self.composed(u);
        if u < 1.0 - self.tail_prob && x0 < self.tail_scale {
            return x0;
        }
        if u > self.cdf_below_cap {
            return self.tail_cap;
        }
        // The root lies in [tail_scale, tail_cap): F(tail_scale) is at most the body's share.
        let (mut a, mut b) = (self.tail_scale, self.tail_cap);
        let (mut fa, mut fb) = (self.cdf(a) - u, self.cdf_below_cap - u);
        // Where the parts barely overlap the composed value is close: try a narrow bracket.
        let d = QUANTILE_TOL.sqrt() * x0.abs().max(1.0);
        let (l, h) = ((x0 - d).max(a), (x0 + d).min(b));
        let (fl, fh) = (self.cdf(l) - u, self.cdf(h) - u);
        if fl <= 0.0 && fh >= 0.0 {
            (a, b, fa, fb) = (l, h, fl, fh);
        }
        if fa >= 0.0 {
            return a;
        }
        invert_cdf(|x| self.cdf(x), u, (a, fa), (b, fb))
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

/// The root of F(x) = u in a bracket `(a, F(a) − u < 0)`, `(b, F(b) − u ≥ 0)` of a
/// non-decreasing CDF `cdf`, by Illinois regula falsi: bracketed to
/// [`QUANTILE_TOL`]·max(|x|, 1), or the CDF at it within `QUANTILE_TOL`/100 of u. Monotone in
/// `u`, which a Latin hypercube needs; the mixtures' inverse CDFs all go through it.
pub(super) fn invert_cdf(cdf: impl Fn(f64) -> f64, u: f64, lo: (f64, f64), hi: (f64, f64)) -> f64 {
    let ((mut a, mut fa), (mut b, mut fb)) = (lo, hi);
    let mut side = 0i8;
    for _ in 0..200 {
        if b - a <= QUANTILE_TOL * a.abs().max(b.abs()).max(1.0) {
            break;
        }
        let mut x = (a * fb - b * fa) / (fb - fa);
        if !(x > a && x < b) {
            x = 0.5 * (a + b);
        }
        let fx = cdf(x) - u;
        if fx.abs() <= QUANTILE_TOL * 1e-2 {
            return x;
        }
        if fx < 0.0 {
            (a, fa) = (x, fx);
            if side == -1 {
                fb *= 0.5;
            }
            side = -1;
        } else {
            (b, fb) = (x, fx);
            if side == 1 {
                fa *= 0.5;
            }
            side = 1;
        }
    }
    b
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
    let body_p_min = std_normal_cdf((bmin - bm) / bs);
    let mut d = RefClassOverrun {
        tail_prob: p,
        body,
        body_mean: bm,
        body_sd: bs,
        body_min: bmin,
        body_p_min,
        tail_scale: xm,
        inv_alpha: 1.0 / a,
        tail_alpha: a,
        tail_cap: cap,
        cdf_below_cap: 1.0,
    };
    let sb_cap = (std_normal_cdf(-(cap - bm) / bs) / (1.0 - body_p_min)).min(1.0);
    d.cdf_below_cap = 1.0 - (1.0 - p) * sb_cap - p * (xm / cap).powf(a);
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

#[cfg(test)]
mod quantile_tests {
    use super::*;

    #[test]
    fn ref_class_quantile_inverts_the_mixture_cdf_and_is_monotone() {
        // Body N(60, 40) above −20 and tail Pareto(50, 1.5) capped at 400 overlap widely.
        let spec = DistSpec::RefClassOverrun {
            tail_prob: 0.3,
            body_mean: 60.0,
            body_sd: 40.0,
            body_min: -20.0,
            tail_scale: 50.0,
            tail_alpha: 1.5,
            tail_cap: 400.0,
            point: None,
        };
        let Dist::RefClassOverrun(d) = Input::new(&spec).unwrap().dist else {
            unreachable!()
        };
        let mut last = f64::NEG_INFINITY;
        for i in 1..100_000 {
            let u = i as f64 / 100_000.0;
            let x = d.quantile(u);
            assert!(x >= last, "not monotone at u = {u}: {x} < {last}");
            last = x;
            if x < 400.0 {
                assert!((d.cdf(x) - u).abs() < 1e-10, "F(Q({u})) = {}", d.cdf(x));
            }
        }
        // The composition is not monotone here (what LHS used to get).
        assert!((1..1000).any(|i| d.composed(i as f64 / 1000.0) < d.composed((i - 1) as f64 / 1000.0)));
    }
}
