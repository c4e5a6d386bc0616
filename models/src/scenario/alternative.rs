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
    /// Whether the alternative has a joint organisation. Seed 001 3.2.1 describes S without
    /// one: "de operativa aktiviteterna utförs av respektive kommun", "utan att gemensamt
    /// anställd personal behövs". Without one there is no joint cost to split by population:
    /// every kommun carries its own costs in every phase (the key [`OWN_COSTS_KEY`]), and of
    /// the register only the risks in `risk_areas` apply (no data-centre risks: no joint data
    /// centre). Default true.
    #[serde(default = "joint_default", skip_serializing_if = "is_true")]
    pub joint_organisation: bool,
    /// Without a joint organisation: the register's risk areas that still apply (coordination
    /// by agreement, seed 001 3.2.1 "svårt att skapa tillräcklig tydlighet i ansvarsfördelning
    /// och roller"); every other risk is off. Empty with a joint organisation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk_areas: Vec<String>,
}

/// The key an alternative without a joint organisation allocates by: each kommun's share of
/// today's cost, so each carries its own costs and keeps its own savings.
pub const OWN_COSTS_KEY: &str = "cost_share";

fn joint_default() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
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
        if self.joint_organisation && !self.risk_areas.is_empty() {
            out.bad(
                format!("alternatives[{i}].risk_areas"),
                "risk areas are chosen only for an alternative without a joint organisation".to_string(),
                "leave risk_areas out, or set joint_organisation = false",
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
