//! `[correlation]`: rank correlation between uncertain inputs.

use serde::{Deserialize, Serialize};
use sim::DistSpec;

use super::error::Problems;

/// Rank correlation between uncertain inputs (Spearman), imposed with the Iman–Conover method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correlation {
    /// The correlated inputs by field path, as [`super::Scenario::inputs`] names them (e.g.
    /// `establishment.reference_class_overrun_pct`), in the order of the matrix rows.
    pub inputs: Vec<String>,
    /// Spearman rank correlations, one row per input: symmetric, unit diagonal, positive
    /// semi-definite.
    pub matrix: Vec<Vec<f64>>,
    /// Replace a matrix that is not positive semi-definite by the nearest one (Higham 2002)
    /// instead of refusing it; the run reports how far it moved.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repair: bool,
}

impl Correlation {
    /// Names against the scenario's `inputs` (path and spec), then the matrix.
    pub(crate) fn check(&self, inputs: &[(String, DistSpec)], example: &str, out: &mut Problems) {
        use sim::correlation::{CorrelationError as E, RankCorrelation};
        let c = self;
        let mut ok = true;
        for (i, name) in c.inputs.iter().enumerate() {
            match inputs.iter().find(|(n, _)| n == name) {
                None => {
                    ok = false;
                    let near: Vec<&str> = inputs
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .filter(|n| name.split('.').next().is_some_and(|head| n.starts_with(head)))
                        .take(6)
                        .collect();
                    let hint = if near.is_empty() {
                        format!("name an uncertain input by its field path, e.g. \"{example}\"")
                    } else {
                        format!(
                            "name an uncertain input by its field path, e.g. one of: {}",
                            near.join(", ")
                        )
                    };
                    out.bad(
                        format!("correlation.inputs[{i}]"),
                        format!("\"{name}\" is not an uncertain input of this scenario"),
                        &hint,
                    );
                }
                Some((_, DistSpec::Fixed { .. })) => {
                    ok = false;
                    out.bad(
                        format!("correlation.inputs[{i}]"),
                        format!("\"{name}\" is a fixed value: it cannot be correlated"),
                        "remove it from the correlation, or give it a distribution",
                    );
                }
                Some(_) => {}
            }
            if c.inputs[..i].contains(name) {
                ok = false;
                out.bad(
                    format!("correlation.inputs[{i}]"),
                    format!("\"{name}\" is listed twice"),
                    "list each input once",
                );
            }
        }
        if !ok {
            return;
        }
        if c.matrix.len() != c.inputs.len() {
            out.bad(
                "correlation.matrix",
                format!("{} rows for {} inputs", c.matrix.len(), c.inputs.len()),
                "give one row per input, in the order of correlation.inputs",
            );
            return;
        }
        if let Err(e) = RankCorrelation::new(&c.matrix, c.repair) {
            let (path, hint) = match &e {
                E::Rows { .. } => (
                    "correlation.matrix".to_string(),
                    "give one row per input, in the order of correlation.inputs",
                ),
                E::Row { row, .. } => (
                    format!("correlation.matrix[{row}]"),
                    "give each row one entry per input",
                ),
                E::Range { row, col, .. } => (
                    format!("correlation.matrix[{row}][{col}]"),
                    "a rank correlation lies between -1 and 1",
                ),
                E::Diagonal { row, .. } => (
                    format!("correlation.matrix[{row}][{row}]"),
                    "an input correlates 1.0 with itself: write 1.0 on the diagonal",
                ),
                E::Asymmetric { row, col, .. } => (
                    format!("correlation.matrix[{row}][{col}]"),
                    "the matrix must be symmetric: write the same value at [i][j] and [j][i]",
                ),
                E::NotPsd { .. } => (
                    "correlation.matrix".to_string(),
                    "weaken the strongest correlations (some of them contradict each other), or set repair = true to use the nearest valid matrix",
                ),
            };
            out.bad(path, e.to_string(), hint);
        }
    }
}
