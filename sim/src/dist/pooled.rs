//! A successive-calculation workshop's triple estimates pooled linearly
//! ([`DistSpec::Pooled`](super::DistSpec::Pooled)).
//!
//! Each expert's (min, most likely, max) is drawn as the triple estimate is
//! ([`DistSpec::Triple`](super::DistSpec::Triple)): a PERT with shape 3 on `[min, max]`, whose
//! mean is the successive principle's (min + 3·most likely + max)/5. PERT rather than the
//! normal approximation of Lichtenberg's triple because it keeps each expert's bounds: a draw
//! never leaves `[min, max]`, as a workshop's "minimum" and "maximum" say, and the pooled
//! support is the union of the experts' ranges. The experts are pooled linearly, a mixture
//! with the normalised weights: SHELF's linear opinion pool (O'Hagan et al. 2006, *Uncertain
//! Judgements*; SHELF's `linearpool`; UNCONFIRMED: cited from memory, not checked against the
//! source). Its mean is the weighted mean of the experts'
//! means and its variance adds the spread between the experts to their own:
//! Var = Σ wᵢ (σᵢ² + μᵢ²) − μ².

use rand::{Rng, RngExt};

use super::beta::ScaledBeta;
use super::input::with_point;
use super::mixture::invert_cdf;
use super::spec::{Expert, TripleBounds};
use super::{Dist, DistError, Input, err, positive, triangular};

/// Most experts in one pool: a workshop has a handful; every draw may search them all.
pub const MAX_EXPERTS: usize = 100;

/// The validated pool: each expert's PERT and normalised weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Pooled {
    parts: Vec<ScaledBeta>,
    /// Normalised weights, summing to 1.
    weights: Vec<f64>,
    /// Cumulative weights, the last exactly 1, for drawing an expert.
    cumulative: Vec<f64>,
    lo: f64,
    hi: f64,
    mean: f64,
    sd: f64,
}

impl Pooled {
    /// The pooled mean: Σ wᵢ (minᵢ + 3·mlᵢ + maxᵢ)/5.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The pooled standard deviation, the spread between experts included.
    pub fn sd(&self) -> f64 {
        self.sd
    }

    /// The normalised weights, in the experts' order.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The CDF: Σ wᵢ Fᵢ(x).
    pub fn cdf(&self, x: f64) -> f64 {
        if x <= self.lo {
            return 0.0;
        }
        if x >= self.hi {
            return 1.0;
        }
        let f: f64 = self.parts.iter().zip(&self.weights).map(|(p, w)| w * p.cdf(x)).sum();
        f.clamp(0.0, 1.0)
    }

    /// The inverse CDF, by [`invert_cdf`] on the pooled support: monotone in `u`, so a Latin
    /// hypercube and common random numbers work as for any other kind.
    pub(super) fn quantile(&self, u: f64) -> f64 {
        if self.parts.len() == 1 {
            return self.parts[0].quantile(u);
        }
        invert_cdf(|x| self.cdf(x), u, (self.lo, -u), (self.hi, 1.0 - u))
    }

    /// A draw by composition: an expert with probability its weight, then its PERT. Exact,
    /// and far cheaper than inverting the CDF; for plain Monte Carlo.
    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u = rng.random::<f64>();
        let i = self
            .cumulative
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.parts.len() - 1);
        self.parts[i].sample(rng)
    }
}

/// [`DistSpec::Pooled`](super::DistSpec::Pooled).
pub(super) fn pooled(experts: &[Expert], point: &Option<f64>) -> Result<Input, DistError> {
    if experts.is_empty() || experts.len() > MAX_EXPERTS {
        return Err(err(
            "experts",
            format!("{} experts; a pool needs 1 to {MAX_EXPERTS}", experts.len()),
            "list each expert as { min = .., most_likely = .., max = .. }",
        ));
    }
    let mut parts = Vec::with_capacity(experts.len());
    let mut raw = Vec::with_capacity(experts.len());
    for (i, e) in experts.iter().enumerate() {
        let at = |e: DistError| DistError {
            param: format!("experts[{i}].{}", e.param),
            ..e
        };
        let one = triangular::triple(e.min, e.most_likely, e.max, TripleBounds::Absolute, &None).map_err(at)?;
        let Dist::Beta(b) = one.dist else {
            unreachable!("a triple estimate is a scaled beta")
        };
        parts.push(b);
        raw.push(match e.weight {
            None => 1.0,
            Some(w) => positive("weight", w, "give each expert a weight above 0, or leave weights out").map_err(at)?,
        });
    }
    let total: f64 = raw.iter().sum();
    let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
    let mut cumulative: Vec<f64> = weights
        .iter()
        .scan(0.0, |c, w| {
            *c += w;
            Some(*c)
        })
        .collect();
    *cumulative.last_mut().expect("at least one expert") = 1.0;
    let moments: Vec<(f64, f64)> = parts.iter().map(ScaledBeta::moments).collect();
    let mean: f64 = moments.iter().zip(&weights).map(|((m, _), w)| w * m).sum();
    let second: f64 = moments.iter().zip(&weights).map(|((m, v), w)| w * (v + m * m)).sum();
    let sd = (second - mean * mean).max(0.0).sqrt();
    let lo = experts.iter().map(|e| e.min).fold(f64::INFINITY, f64::min);
    let hi = experts.iter().map(|e| e.max).fold(f64::NEG_INFINITY, f64::max);
    let d = Pooled {
        parts,
        weights,
        cumulative,
        lo,
        hi,
        mean,
        sd,
    };
    with_point(Dist::Pooled(d), mean, lo, hi, point)
}

#[cfg(test)]
mod tests {
    use super::super::DistSpec;
    use super::super::testing::{Law, check};
    use super::*;
    use statrs::distribution::{Beta as SBeta, ContinuousCDF};

    fn expert(min: f64, most_likely: f64, max: f64, weight: Option<f64>) -> Expert {
        Expert {
            name: None,
            min,
            most_likely,
            max,
            weight,
        }
    }

    /// Three experts who disagree: overlapping, skewed ranges and unequal weights.
    fn workshop() -> Vec<Expert> {
        vec![
            expert(8.0, 10.0, 16.0, Some(2.0)),
            expert(9.0, 13.0, 15.0, Some(1.0)),
            expert(12.0, 18.0, 30.0, Some(1.0)),
        ]
    }

    /// The truth, written from the definitions: each expert a Beta(1 + 3(ml−a)/(b−a),
    /// 1 + 3(b−ml)/(b−a)) on [a, b] (statrs), mixed with weights w/Σw.
    struct Truth {
        parts: Vec<(f64, f64, f64, SBeta)>,
    }

    impl Truth {
        fn new(experts: &[Expert]) -> Truth {
            let total: f64 = experts.iter().map(|e| e.weight.unwrap_or(1.0)).sum();
            let parts = experts
                .iter()
                .map(|e| {
                    let w = e.max - e.min;
                    let a = 1.0 + 3.0 * (e.most_likely - e.min) / w;
                    let b = 1.0 + 3.0 * (e.max - e.most_likely) / w;
                    (e.weight.unwrap_or(1.0) / total, e.min, w, SBeta::new(a, b).unwrap())
                })
                .collect();
            Truth { parts }
        }

        fn cdf(&self, x: f64) -> f64 {
            self.parts
                .iter()
                .map(|(w, lo, width, b)| w * b.cdf(((x - lo) / width).clamp(0.0, 1.0)))
                .sum()
        }

        /// Mean and variance: the successive principle's means (a + 3·ml + b)/5 and PERT's
        /// variance αβ/((α+β)²(α+β+1))·width², mixed.
        fn moments(experts: &[Expert]) -> (f64, f64) {
            let total: f64 = experts.iter().map(|e| e.weight.unwrap_or(1.0)).sum();
            let (mut m1, mut m2) = (0.0, 0.0);
            for e in experts {
                let w = e.weight.unwrap_or(1.0) / total;
                let mu = (e.min + 3.0 * e.most_likely + e.max) / 5.0;
                let (a, b) = (
                    1.0 + 3.0 * (e.most_likely - e.min) / (e.max - e.min),
                    1.0 + 3.0 * (e.max - e.most_likely) / (e.max - e.min),
                );
                let var = a * b / (25.0 * 6.0) * (e.max - e.min).powi(2);
                m1 += w * mu;
                m2 += w * (var + mu * mu);
            }
            (m1, m2 - m1 * m1)
        }
    }

    #[test]
    fn the_pool_has_the_mixture_law_by_both_samplers() {
        for (seed, experts) in [
            (1, workshop()),
            // Equal weights left out, disjoint ranges (a bimodal pool).
            (2, vec![expert(0.0, 1.0, 2.0, None), expert(5.0, 6.0, 9.0, None)]),
            // One expert: the triple estimate itself.
            (3, vec![expert(10.0, 12.0, 20.0, None)]),
        ] {
            let truth = Truth::new(&experts);
            let (mean, var) = Truth::moments(&experts);
            let cdf = |x: f64| truth.cdf(x);
            let spec = DistSpec::Pooled {
                experts: experts.clone(),
                point: None,
            };
            check(
                &format!("pooled {seed}"),
                spec.clone(),
                Law {
                    cdf: &cdf,
                    cdf_left: &cdf,
                    mean,
                    var,
                },
                seed,
            );
            let input = Input::new(&spec).unwrap();
            let Dist::Pooled(p) = &input.dist else { panic!() };
            assert!((p.mean() - mean).abs() < 1e-12 * mean.abs().max(1.0), "{seed}: mean");
            assert!((p.sd() - var.sqrt()).abs() < 1e-12 * var.sqrt(), "{seed}: sd");
            assert_eq!(input.point, p.mean(), "the point value is the pooled mean");
            for i in 0..=200 {
                let x = input.lo - 1.0 + (input.hi - input.lo + 2.0) * i as f64 / 200.0;
                assert!((p.cdf(x) - truth.cdf(x)).abs() < 1e-12, "{seed}: cdf({x})");
            }
        }
    }

    #[test]
    fn the_inverse_cdf_is_monotone_and_inverts_the_cdf() {
        let input = Input::new(&DistSpec::Pooled {
            experts: workshop(),
            point: None,
        })
        .unwrap();
        let Dist::Pooled(p) = &input.dist else { panic!() };
        let mut last = f64::NEG_INFINITY;
        for i in 1..4096 {
            let u = i as f64 / 4096.0;
            let x = input.quantile(u);
            assert!(x >= last, "quantile not monotone at {u}");
            assert!((p.cdf(x) - u).abs() < 1e-9, "F(Q({u})) = {}", p.cdf(x));
            last = x;
        }
        assert_eq!((input.lo, input.hi), (8.0, 30.0));
    }

    #[test]
    fn bad_experts_are_refused_naming_the_expert_and_field() {
        let bad = |experts: Vec<Expert>| Input::new(&DistSpec::Pooled { experts, point: None }).unwrap_err();
        let e = bad(vec![expert(1.0, 2.0, 3.0, None), expert(5.0, 9.0, 6.0, None)]);
        assert_eq!(e.param, "experts[1].most_likely", "{e}");
        let e = bad(vec![expert(1.0, 2.0, 3.0, Some(0.0))]);
        assert_eq!(e.param, "experts[0].weight", "{e}");
        assert!(e.hint.contains("weight"), "{e}");
        let e = bad(vec![expert(1.0, 2.0, 3.0, Some(f64::NAN))]);
        assert_eq!(e.param, "experts[0].weight", "{e}");
        let e = bad(vec![]);
        assert_eq!(e.param, "experts");
    }
}
