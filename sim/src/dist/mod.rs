//! Input distributions.
//!
//! A [`DistSpec`] is what a scenario file says (`{ dist = "pert", min = 4, mode = 6, max = 12 }`);
//! an [`Input`] is the validated, ready-to-sample form. Construction checks every parameter
//! (NaN, infinities, order, bounds) so sampling never checks again. Each distribution also has
//! a *point value*: the deterministic figure a plan would use (by default the mode, or the
//! mean where there is no mode), which lets a model be run with all uncertainty removed.
//!
//! Every distribution can be drawn two ways: [`Input::sample`] (the fastest exact sampler,
//! for plain Monte Carlo) and [`Input::quantile`] (the inverse CDF, for Latin hypercube
//! sampling; see [`crate::sampling`]).
//!
//! One file per family:
//! - `spec.rs`: [`DistSpec`], the kinds as written, and [`DistSpec::scaled`];
//! - `input.rs`: [`Input`] and [`Dist`], the validated form, and the dispatch of construction,
//!   sampling and the inverse CDF to the families;
//! - `triangular.rs`: uniform, triangular, PERT and the triple estimate;
//! - `normal.rs`: normal, truncated normal, lognormal, and Φ, Φ⁻¹ (AS 241);
//! - `beta.rs`: the scaled beta (behind PERT and triple too) and its table sampler;
//! - `discrete.rs`: discrete values and empirical observations;
//! - `mixture.rs`: the risk event and the reference-class overrun, and the numeric inversion
//!   of a mixture's CDF;
//! - `pooled.rs`: a workshop's triple estimates pooled linearly;
//! - `positive.rs`: gamma and Weibull.
//!
//! A new kind is a variant of [`DistSpec`] and of [`Dist`]; every match over them is
//! exhaustive, so the compiler lists each place that must handle it (construction, sampling,
//! the inverse CDF, [`DistSpec::scaled`], the value-stability test).

mod beta;
mod discrete;
mod input;
mod mixture;
mod normal;
mod pooled;
mod positive;
mod spec;
#[cfg(test)]
mod testing;
mod triangular;

pub use beta::ScaledBeta;
pub use discrete::Discrete;
pub use input::{Dist, Input};
pub use mixture::RefClassOverrun;
pub use normal::{TruncNormal, std_normal_cdf, std_normal_quantile};
pub use pooled::Pooled;
pub use spec::{DistSpec, Expert, TripleBounds};

/// Why a distribution's parameters were refused: which parameter, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{param}: {problem}")]
pub struct DistError {
    /// The offending parameter as written in the file (`min`, `mode`, `impact.max`, …).
    pub param: String,
    /// What is wrong.
    pub problem: String,
    /// How to fix it.
    pub hint: String,
}

fn err(param: &str, problem: impl Into<String>, hint: impl Into<String>) -> DistError {
    DistError {
        param: param.to_string(),
        problem: problem.into(),
        hint: hint.into(),
    }
}

fn finite(param: &str, x: f64) -> Result<f64, DistError> {
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

fn positive(param: &str, x: f64, hint: &str) -> Result<f64, DistError> {
    let x = finite(param, x)?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err(err(param, format!("must be positive, got {x}"), hint))
    }
}

fn required(param: &str, x: Option<f64>, hint: &str) -> Result<f64, DistError> {
    match x {
        Some(v) => finite(param, v),
        None => Err(err(param, format!("{param} is missing"), hint)),
    }
}

fn ordered(lo_name: &str, lo: f64, hi_name: &str, hi: f64) -> Result<(), DistError> {
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

fn within(name: &str, x: f64, lo: f64, hi: f64) -> Result<(), DistError> {
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

/// Kept for callers that only need the parameter check.
pub fn validate(spec: &DistSpec) -> Result<(), DistError> {
    Input::new(spec).map(|_| ())
}
