//! `[[alternatives]]`: other ways to organise the cooperation (seed 001 3.2).

use serde::{Deserialize, Serialize};

use super::error::Problems;
use super::savings::check_capture;

/// An alternative way to organise the cooperation (seed 001 3.2), as changes to the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    pub name: String,
    /// The seed's wording of the alternative.
    pub seed_wording: String,
    /// Share of the savings potential the alternative captures, percent.
    pub savings_capture_pct: f64,
    /// Establishment effort (project labour, parallel running, one-off items) as a percent of
    /// the default's.
    pub establishment_effort_pct: f64,
    /// Planned establishment duration, months.
    pub planned_months: f64,
    /// How easily it is reversed (text, for the report).
    pub reversibility: String,
}

impl Alternative {
    /// The `i`-th alternative's capture, effort and duration.
    pub(crate) fn check(&self, i: usize, out: &mut Problems) {
        check_capture(
            format!("alternatives[{i}].savings_capture_pct"),
            self.savings_capture_pct,
            out,
        );
        if !(self.establishment_effort_pct.is_finite() && (0.0..=500.0).contains(&self.establishment_effort_pct)) {
            out.bad(
                format!("alternatives[{i}].establishment_effort_pct"),
                format!("{} % is not usable", self.establishment_effort_pct),
                "give the effort as a percent of the default's, 0..500",
            );
        }
        if !(self.planned_months.is_finite() && self.planned_months > 0.0 && self.planned_months <= 600.0) {
            out.bad(
                format!("alternatives[{i}].planned_months"),
                format!("{} months is not usable", self.planned_months),
                "give the planned establishment in months",
            );
        }
    }
}
