//! [`DistSpec`]: a distribution as a scenario file writes it.

use serde::{Deserialize, Serialize};

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

/// One participant's triple estimate in a successive-calculation workshop
/// ([`DistSpec::Pooled`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expert {
    /// Who gave the estimate (shown in reports); optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub min: f64,
    pub most_likely: f64,
    pub max: f64,
    /// Relative weight in the pool (equal weights when left out); weights need not sum to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
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
    /// A workshop's pooled estimate: each expert's triple drawn as [`DistSpec::Triple`] (PERT
    /// with shape 3 on `[min, max]`, the successive principle's mean (min + 3·ml + max)/5), the
    /// experts pooled linearly, a mixture weighted by `weight` (SHELF's linear opinion pool).
    /// Point value the pooled mean unless given.
    Pooled {
        experts: Vec<Expert>,
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
    /// Gamma with shape k and scale θ (density ∝ x^(k−1)·e^(−x/θ) on x > 0; mean kθ, sd
    /// √k·θ); point value the mean.
    Gamma {
        shape: f64,
        scale: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
    /// Weibull with shape k and scale λ (CDF 1 − e^(−(x/λ)^k) on x ≥ 0; mean λ·Γ(1 + 1/k));
    /// point value the mean.
    Weibull {
        shape: f64,
        scale: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<f64>,
    },
}

impl DistSpec {
    /// Every kind's name as a scenario file writes it (`dist = "pert"`), in declaration order:
    /// the choices a workbook's list validation offers.
    pub const KINDS: [&'static str; 16] = [
        "fixed",
        "uniform",
        "triangular",
        "pert",
        "normal",
        "truncated_normal",
        "lognormal",
        "beta",
        "discrete",
        "risk_event",
        "empirical",
        "triple",
        "pooled",
        "ref_class_overrun",
        "gamma",
        "weibull",
    ];
}

fn is_absolute(b: &TripleBounds) -> bool {
    *b == TripleBounds::Absolute
}

impl DistSpec {
    /// The distribution of `f·X` for `X` drawn from this one, `f ≥ 0`: an effort or volume
    /// factor applied to an amount. Every parameter in the field's unit is multiplied by `f`
    /// (bounds, modes, means, standard deviations, quantile points, values, observations, a
    /// risk event's impact, the point value); shapes, weights and probabilities stay as they
    /// are. Exact for every kind: each is a location-scale family in its unit parameters. A
    /// beta left on the default `[0, 1]` gets the bounds `[0, f]`; `f = 0` gives the constant 0.
    ///
    /// # Panics
    /// If `f` is negative or not finite: mirroring a distribution is not a scaling, and a
    /// caller's factor is validated before it gets here.
    pub fn scaled(&self, f: f64) -> DistSpec {
        assert!(
            f.is_finite() && f >= 0.0,
            "scale factor {f} must be finite and at least 0"
        );
        if f == 0.0 {
            return DistSpec::Fixed { value: 0.0 };
        }
        let s = |x: f64| x * f;
        let o = |x: &Option<f64>| x.map(s);
        let v = |xs: &[f64]| xs.iter().map(|&x| s(x)).collect::<Vec<f64>>();
        match self {
            DistSpec::Fixed { value } => DistSpec::Fixed { value: s(*value) },
            DistSpec::Uniform { min, max, point } => DistSpec::Uniform {
                min: s(*min),
                max: s(*max),
                point: o(point),
            },
            DistSpec::Triangular { min, mode, max, point } => DistSpec::Triangular {
                min: s(*min),
                mode: s(*mode),
                max: s(*max),
                point: o(point),
            },
            DistSpec::Pert {
                min,
                mode,
                max,
                shape,
                point,
            } => DistSpec::Pert {
                min: s(*min),
                mode: s(*mode),
                max: s(*max),
                shape: *shape,
                point: o(point),
            },
            DistSpec::Normal { mean, sd, point } => DistSpec::Normal {
                mean: s(*mean),
                sd: s(*sd),
                point: o(point),
            },
            DistSpec::TruncatedNormal {
                mean,
                sd,
                min,
                max,
                point,
            } => DistSpec::TruncatedNormal {
                mean: s(*mean),
                sd: s(*sd),
                min: o(min),
                max: o(max),
                point: o(point),
            },
            // f·X is lognormal with μ + ln f and the same σ: its mean, sd and quantiles scale.
            DistSpec::Lognormal {
                mean,
                sd,
                p10,
                p90,
                point,
            } => DistSpec::Lognormal {
                mean: o(mean),
                sd: o(sd),
                p10: o(p10),
                p90: o(p90),
                point: o(point),
            },
            DistSpec::Beta {
                alpha,
                beta,
                min,
                max,
                point,
            } => DistSpec::Beta {
                alpha: *alpha,
                beta: *beta,
                // The default bounds are [0, 1]: 0·f is the default still, 1·f is not.
                min: o(min),
                max: o(max).or((f != 1.0).then_some(f)),
                point: o(point),
            },
            DistSpec::Discrete { values, weights, point } => DistSpec::Discrete {
                values: v(values),
                weights: weights.clone(),
                point: o(point),
            },
            DistSpec::RiskEvent { prob, impact, point } => DistSpec::RiskEvent {
                prob: *prob,
                impact: Box::new(impact.scaled(f)),
                point: o(point),
            },
            DistSpec::Empirical { observations, point } => DistSpec::Empirical {
                observations: v(observations),
                point: o(point),
            },
            // The p1_p99 support is found by a fixed-point iteration that commutes with
            // scaling, to its tolerance of 1e-12 of the width.
            DistSpec::Triple {
                min,
                most_likely,
                max,
                bounds,
                point,
            } => DistSpec::Triple {
                min: s(*min),
                most_likely: s(*most_likely),
                max: s(*max),
                bounds: *bounds,
                point: o(point),
            },
            // Each expert's PERT is location-scale in its bounds; the weights stay.
            DistSpec::Pooled { experts, point } => DistSpec::Pooled {
                experts: experts
                    .iter()
                    .map(|e| Expert {
                        name: e.name.clone(),
                        min: s(e.min),
                        most_likely: s(e.most_likely),
                        max: s(e.max),
                        weight: e.weight,
                    })
                    .collect(),
                point: o(point),
            },
            // Both parts scale: f·TN(m, s, min) = TN(f·m, f·s, f·min), and
            // f·min(x_m·U^(−1/α), cap) = min(f·x_m·U^(−1/α), f·cap).
            DistSpec::RefClassOverrun {
                tail_prob,
                body_mean,
                body_sd,
                body_min,
                tail_scale,
                tail_alpha,
                tail_cap,
                point,
            } => DistSpec::RefClassOverrun {
                tail_prob: *tail_prob,
                body_mean: s(*body_mean),
                body_sd: s(*body_sd),
                body_min: s(*body_min),
                tail_scale: s(*tail_scale),
                tail_alpha: *tail_alpha,
                tail_cap: s(*tail_cap),
                point: o(point),
            },
            // Both are scale families: f·X has scale f·θ and the same shape.
            DistSpec::Gamma { shape, scale, point } => DistSpec::Gamma {
                shape: *shape,
                scale: s(*scale),
                point: o(point),
            },
            DistSpec::Weibull { shape, scale, point } => DistSpec::Weibull {
                shape: *shape,
                scale: s(*scale),
                point: o(point),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Input;
    use crate::rng::chunk_rng;

    /// One spec per kind, and a second where a kind has more than one parameterisation or
    /// sampler. Every amount is away from 0, so a parameter left unscaled shows.
    fn cases() -> Vec<DistSpec> {
        let pert = |min, mode, max, shape| DistSpec::Pert {
            min,
            mode,
            max,
            shape,
            point: None,
        };
        vec![
            DistSpec::Fixed { value: 3.5 },
            DistSpec::Uniform {
                min: 2.0,
                max: 5.0,
                point: Some(4.0),
            },
            DistSpec::Triangular {
                min: 4.0,
                mode: 6.0,
                max: 12.0,
                point: None,
            },
            pert(11.0, 12.0, 13.5, None),
            pert(1.0, 3.0, 10.0, Some(2000.0)),
            DistSpec::Normal {
                mean: 3.0,
                sd: 2.0,
                point: None,
            },
            DistSpec::TruncatedNormal {
                mean: 10.0,
                sd: 5.0,
                min: Some(8.0),
                max: Some(25.0),
                point: None,
            },
            DistSpec::TruncatedNormal {
                mean: 1.0,
                sd: 1.0,
                min: Some(4.0),
                max: None,
                point: None,
            },
            DistSpec::Lognormal {
                mean: Some(5.0),
                sd: Some(2.0),
                p10: None,
                p90: None,
                point: None,
            },
            DistSpec::Lognormal {
                mean: None,
                sd: None,
                p10: Some(3.0),
                p90: Some(12.0),
                point: Some(7.0),
            },
            DistSpec::Beta {
                alpha: 2.0,
                beta: 5.0,
                min: Some(10.0),
                max: Some(20.0),
                point: None,
            },
            // The default bounds [0, 1], and Cheng's sampler.
            DistSpec::Beta {
                alpha: 0.5,
                beta: 2.0,
                min: None,
                max: None,
                point: None,
            },
            DistSpec::Discrete {
                values: vec![5.0, 1.0, 2.0],
                weights: Some(vec![0.3, 0.2, 0.5]),
                point: None,
            },
            DistSpec::RiskEvent {
                prob: 0.3,
                impact: Box::new(pert(2.0, 4.0, 10.0, None)),
                point: None,
            },
            DistSpec::Empirical {
                observations: vec![3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0],
                point: None,
            },
            DistSpec::Triple {
                min: 10.0,
                most_likely: 12.0,
                max: 20.0,
                bounds: TripleBounds::Absolute,
                point: None,
            },
            DistSpec::Triple {
                min: 10.0,
                most_likely: 12.0,
                max: 20.0,
                bounds: TripleBounds::P1P99,
                point: Some(11.0),
            },
            DistSpec::Pooled {
                experts: vec![
                    Expert {
                        name: Some("A".into()),
                        min: 10.0,
                        most_likely: 12.0,
                        max: 20.0,
                        weight: Some(2.0),
                    },
                    Expert {
                        name: None,
                        min: 14.0,
                        most_likely: 18.0,
                        max: 30.0,
                        weight: None,
                    },
                ],
                point: None,
            },
            DistSpec::RefClassOverrun {
                tail_prob: 0.1667,
                body_mean: -8.0,
                body_sd: 15.0,
                body_min: -50.0,
                tail_scale: 70.0,
                tail_alpha: 1.0,
                tail_cap: 500.0,
                point: None,
            },
            DistSpec::Gamma {
                shape: 2.5,
                scale: 3.0,
                point: None,
            },
            // A shape below 1: rand_distr's other gamma sampler.
            DistSpec::Gamma {
                shape: 0.6,
                scale: 4.0,
                point: Some(2.0),
            },
            DistSpec::Weibull {
                shape: 1.7,
                scale: 8.0,
                point: None,
            },
        ]
    }

    /// `a` equals `f·b` up to rounding, relative to `size` (infinities must match exactly).
    fn close(a: f64, fb: f64, size: f64) -> bool {
        a == fb || (a - fb).abs() <= 1e-9 * size
    }

    #[test]
    fn scaled_scales_draws_quantiles_point_and_support_of_every_kind() {
        let us: Vec<f64> = (1..200).map(|i| i as f64 / 200.0).chain([1e-9, 1.0 - 1e-9]).collect();
        for (c, spec) in cases().iter().enumerate() {
            let x = Input::new(spec).unwrap();
            for f in [0.25, 1.4, 3.0] {
                let scaled = spec.scaled(f);
                let y = Input::new(&scaled).unwrap_or_else(|e| panic!("{spec:?} × {f}: {e}"));
                // The same stream through both: each draw of f·X is f times a draw of X.
                let (mut xs, mut ys) = (vec![0.0; 4000], vec![0.0; 4000]);
                x.fill(&mut chunk_rng(11, c as u64), &mut xs);
                y.fill(&mut chunk_rng(11, c as u64), &mut ys);
                let size = f * (1.0 + xs.iter().fold(0.0_f64, |m, v| m.max(v.abs())));
                assert!(xs.iter().any(|&v| v != 0.0), "{spec:?}: all draws 0");
                for (i, (a, b)) in xs.iter().zip(&ys).enumerate() {
                    assert!(close(*b, f * a, size), "{spec:?} × {f}: draw {i} {b} vs {}", f * a);
                }
                for &u in &us {
                    let (a, b) = (x.quantile(u), y.quantile(u));
                    assert!(close(b, f * a, size), "{spec:?} × {f}: quantile({u}) {b} vs {}", f * a);
                }
                let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
                assert!(close(mean(&ys), f * mean(&xs), size), "{spec:?} × {f}: mean");
                assert!(close(y.point, f * x.point, size), "{spec:?} × {f}: point");
                assert!(
                    close(y.lo, f * x.lo, size) && close(y.hi, f * x.hi, size),
                    "{spec:?} × {f}: support"
                );
            }
        }
    }

    #[test]
    fn scaled_by_one_is_the_spec_and_by_zero_the_constant_zero() {
        for spec in cases() {
            assert_eq!(spec.scaled(1.0), spec);
            assert_eq!(spec.scaled(0.0), DistSpec::Fixed { value: 0.0 });
        }
    }

    #[test]
    #[should_panic(expected = "must be finite and at least 0")]
    fn scaled_refuses_a_negative_factor() {
        DistSpec::Fixed { value: 1.0 }.scaled(-1.0);
    }

    #[test]
    fn every_kind_has_a_scaling_case() {
        // An exhaustive match: a new kind does not compile here until it is given a case,
        // and `scaled` (no catch-all arm either) does not compile until it scales it.
        let kind = |s: &DistSpec| match s {
            DistSpec::Fixed { .. } => 0,
            DistSpec::Uniform { .. } => 1,
            DistSpec::Triangular { .. } => 2,
            DistSpec::Pert { .. } => 3,
            DistSpec::Normal { .. } => 4,
            DistSpec::TruncatedNormal { .. } => 5,
            DistSpec::Lognormal { .. } => 6,
            DistSpec::Beta { .. } => 7,
            DistSpec::Discrete { .. } => 8,
            DistSpec::RiskEvent { .. } => 9,
            DistSpec::Empirical { .. } => 10,
            DistSpec::Triple { .. } => 11,
            DistSpec::Pooled { .. } => 12,
            DistSpec::RefClassOverrun { .. } => 13,
            DistSpec::Gamma { .. } => 14,
            DistSpec::Weibull { .. } => 15,
        };
        let mut seen = [false; 16];
        cases().iter().for_each(|s| seen[kind(s)] = true);
        assert!(seen.iter().all(|&s| s), "kinds without a scaling case: {seen:?}");
        // KINDS lists each kind's tag at its declaration index.
        for s in cases() {
            let tag = serde_json::to_value(&s).unwrap()["dist"].as_str().unwrap().to_string();
            assert_eq!(DistSpec::KINDS[kind(&s)], tag, "{s:?}");
        }
    }
}
