//! `[risk_register]`: the risks of the establishment (seed 004 risk and vulnerability analysis).

use serde::{Deserialize, Serialize};
use sim::DistSpec;

use super::error::Problems;

/// One case (existing or new data centre) of a risk in the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskCase {
    /// The seed's description of the risk in this case.
    pub description: String,
    pub probability_pct: f64,
    /// Extra establishment cost if the risk occurs, MSEK.
    pub cost_msek: DistSpec,
    /// Delay of the establishment if the risk occurs, months (moves the savings ramp).
    pub delay_months: DistSpec,
}

/// A mitigation: its cost and how it lowers the risk's probability and impact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mitigation {
    pub description: String,
    pub cost_msek: f64,
    /// The probability becomes this percent of what it was.
    pub probability_factor_pct: f64,
    /// Cost and delay impacts become this percent of what they were.
    pub impact_factor_pct: f64,
    /// Whether the scenario applies the mitigation.
    #[serde(default)]
    pub applied: bool,
}

fn occurs_default() -> DistSpec {
    DistSpec::Uniform {
        min: 0.0,
        max: 1.0,
        point: Some(1.0),
    }
}

/// A risk of the register (seed 004 risk and vulnerability analysis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub area: String,
    /// The area's name in the English report; the area itself when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_en: Option<String>,
    pub existing: RiskCase,
    pub new: RiskCase,
    pub mitigation: Mitigation,
    /// The draw that decides occurrence (the risk occurs when it is below the probability);
    /// one uniform per risk keeps draws common when a mitigation changes the probability.
    #[serde(default = "occurs_default", skip_serializing)]
    pub occurs: DistSpec,
}

/// The risk register: which data-centre case applies, and the risks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskRegister {
    /// "existing" or "new".
    pub data_centre: String,
    pub risks: Vec<Risk>,
}

impl Risk {
    /// The case the register's data-centre choice selects.
    pub fn case(&self, data_centre: &str) -> &RiskCase {
        if data_centre == "new" {
            &self.new
        } else {
            &self.existing
        }
    }

    /// The `i`-th risk's probabilities and mitigation.
    fn check(&self, i: usize, out: &mut Problems) {
        for (case, c) in [("existing", &self.existing), ("new", &self.new)] {
            if !(0.0..=100.0).contains(&c.probability_pct) {
                out.bad(
                    format!("risk_register.risks[{i}].{case}.probability_pct"),
                    format!("probability {} % lies outside 0..100", c.probability_pct),
                    "give a probability in percent",
                );
            }
        }
        let m = &self.mitigation;
        for (f, v) in [
            ("probability_factor_pct", m.probability_factor_pct),
            ("impact_factor_pct", m.impact_factor_pct),
        ] {
            if !(0.0..=100.0).contains(&v) {
                out.bad(
                    format!("risk_register.risks[{i}].mitigation.{f}"),
                    format!("{v} % lies outside 0..100"),
                    "a mitigation keeps 0..100 % of the probability or impact",
                );
            }
        }
        if !(m.cost_msek.is_finite() && m.cost_msek >= 0.0) {
            out.bad(
                format!("risk_register.risks[{i}].mitigation.cost_msek"),
                format!("cost {} must be zero or more", m.cost_msek),
                "give the mitigation's cost in MSEK",
            );
        }
    }
}

impl RiskRegister {
    /// The data-centre case used for the risks' cost and delay: "new" or "existing" (any
    /// other value is refused by [`RiskRegister::check`]).
    pub fn case_name(&self) -> &'static str {
        if self.data_centre == "new" { "new" } else { "existing" }
    }

    /// The case and each risk (the register's size is checked with every list's, against
    /// [`super::MAX_ENTRIES`]).
    pub(crate) fn check(&self, out: &mut Problems) {
        if self.data_centre != "existing" && self.data_centre != "new" {
            out.bad(
                "risk_register.data_centre",
                format!("unknown case \"{}\"", self.data_centre),
                "write \"existing\" or \"new\"",
            );
        }
        for (i, r) in self.risks.iter().enumerate() {
            r.check(i, out);
        }
    }
}
