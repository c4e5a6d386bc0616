//! Discrete values with weights, and the empirical distribution of observations.

use super::input::with_point;
use super::{Dist, DistError, Input, err, finite};

/// Values with cumulative probabilities, for discrete and empirical distributions.
#[derive(Debug, Clone, PartialEq)]
pub struct Discrete {
    values: Vec<f64>,
    /// Cumulative probability up to and including each value; the last is exactly 1.
    cum: Vec<f64>,
}

impl Discrete {
    #[inline]
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let i = self.cum.partition_point(|&c| c <= u).min(self.values.len() - 1);
        self.values[i]
    }
}

fn discrete(sorted: &[(f64, f64)]) -> Discrete {
    let total: f64 = sorted.iter().map(|p| p.1).sum();
    let mut acc = 0.0;
    let mut cum: Vec<f64> = sorted
        .iter()
        .map(|p| {
            acc += p.1;
            acc / total
        })
        .collect();
    *cum.last_mut().expect("at least one value") = 1.0;
    Discrete {
        values: sorted.iter().map(|p| p.0).collect(),
        cum,
    }
}

/// [`super::DistSpec::Discrete`].
pub(super) fn discrete_values(
    values: &[f64],
    weights: &Option<Vec<f64>>,
    point: &Option<f64>,
) -> Result<Input, DistError> {
    if values.is_empty() {
        return Err(err("values", "no values", "list at least one value"));
    }
    for &v in values {
        finite("values", v)?;
    }
    let w = match weights {
        None => vec![1.0; values.len()],
        Some(w) => {
            if w.len() != values.len() {
                return Err(err(
                    "weights",
                    format!("{} weights for {} values", w.len(), values.len()),
                    "give one weight per value",
                ));
            }
            for &x in w {
                if !(x.is_finite() && x >= 0.0) {
                    return Err(err(
                        "weights",
                        format!("weight {x} must be zero or more"),
                        "give non-negative weights",
                    ));
                }
            }
            w.clone()
        }
    };
    let total: f64 = w.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return Err(err(
            "weights",
            "the weights sum to 0",
            "give at least one positive weight",
        ));
    }
    // Sort by value so the quantile function is monotone.
    let mut pairs: Vec<(f64, f64)> = values.iter().copied().zip(w.iter().copied()).collect();
    let mode = pairs
        .iter()
        .fold((f64::NAN, -1.0), |best, &(v, w)| if w > best.1 { (v, w) } else { best })
        .0;
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let d = discrete(&pairs);
    let (lo, hi) = (pairs[0].0, pairs[pairs.len() - 1].0);
    with_point(Dist::Discrete(d), mode, lo, hi, point)
}

/// [`super::DistSpec::Empirical`].
pub(super) fn empirical(observations: &[f64], point: &Option<f64>) -> Result<Input, DistError> {
    if observations.is_empty() {
        return Err(err("observations", "no observations", "list at least one observation"));
    }
    for &v in observations {
        finite("observations", v)?;
    }
    let mut pairs: Vec<(f64, f64)> = observations.iter().map(|&v| (v, 1.0)).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mean = observations.iter().sum::<f64>() / observations.len() as f64;
    let (lo, hi) = (pairs[0].0, pairs[pairs.len() - 1].0);
    with_point(Dist::Discrete(discrete(&pairs)), mean, lo, hi, point)
}

#[cfg(test)]
mod tests {
    use super::super::DistSpec;
    use super::super::testing::{Law, check};
    use super::*;

    #[test]
    fn discrete_law() {
        let (v, w) = ([5.0, 1.0, 2.0], [0.3, 0.2, 0.5]);
        let cdf = |x: f64| v.iter().zip(w).filter(|(vi, _)| **vi <= x).map(|(_, wi)| wi).sum();
        let cdf_left = |x: f64| v.iter().zip(w).filter(|(vi, _)| **vi < x).map(|(_, wi)| wi).sum();
        let mean: f64 = v.iter().zip(w).map(|(a, b)| a * b).sum();
        let var = v.iter().zip(w).map(|(a, b)| b * (a - mean).powi(2)).sum();
        let spec = DistSpec::Discrete {
            values: v.to_vec(),
            weights: Some(w.to_vec()),
            point: None,
        };
        assert_eq!(Input::new(&spec).unwrap().point, 2.0);
        check(
            "discrete",
            spec,
            Law {
                cdf: &cdf,
                cdf_left: &cdf_left,
                mean,
                var,
            },
            11,
        );
    }

    #[test]
    fn empirical_law() {
        let obs = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let n = obs.len() as f64;
        let cdf = |x: f64| obs.iter().filter(|&&o| o <= x).count() as f64 / n;
        let cdf_left = |x: f64| obs.iter().filter(|&&o| o < x).count() as f64 / n;
        let mean = obs.iter().sum::<f64>() / n;
        let var = obs.iter().map(|o| (o - mean).powi(2)).sum::<f64>() / n;
        check(
            "empirical",
            DistSpec::Empirical {
                observations: obs.to_vec(),
                point: None,
            },
            Law {
                cdf: &cdf,
                cdf_left: &cdf_left,
                mean,
                var,
            },
            12,
        );
    }
}
