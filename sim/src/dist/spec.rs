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
