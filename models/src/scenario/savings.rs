//! `[[savings]]` and `[staffing]`: what the joint organisation saves.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::DistSpec;

use super::MAX_YEARS;
use super::error::Problems;
use super::kommuner::{VOLUME_NAMES, VOLUMES};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingPost {
    pub name: String,
    /// The name in the English report; the name itself when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub rate_pct: DistSpec,
    /// Share of each category (by id) the post works on, percent.
    pub applies_to_pct: BTreeMap<String, f64>,
}

/// When the savings take effect after migration ends. Left out of a file, the förstudie's
/// ramp (seed 000 4.4: half effect 2030 and full effect from 2031, migration ending 2029).
///
/// The saving rises linearly from 0 at the end of migration to full effect `ramp_months`
/// later; the allocation keys follow the same months: the transition key while the saving
/// ramps up, the full-effect key from full effect on (issue 23 point 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsRamp {
    /// Months from the end of migration to full effect (0: full effect at once). A linear ramp
    /// over 12 months from a year boundary averages one half in its year: the förstudie's half
    /// effect year.
    #[serde(default = "default_ramp_months")]
    pub ramp_months: DistSpec,
    /// Years after the year migration ends in whose costs the saving share at full effect is
    /// measured. At least 1.
    pub full_effect_years_after_migration: u32,
    /// The step ramp this section had before (a share for some months, then all): refused
    /// with a pointer to `ramp_months`.
    #[serde(default, skip_serializing)]
    pub half_effect_pct: Option<f64>,
    #[serde(default, skip_serializing)]
    pub half_effect_months: Option<f64>,
}

fn default_ramp_months() -> DistSpec {
    DistSpec::Fixed { value: 12.0 }
}

impl Default for SavingsRamp {
    fn default() -> Self {
        SavingsRamp {
            ramp_months: default_ramp_months(),
            full_effect_years_after_migration: 2,
            half_effect_pct: None,
            half_effect_months: None,
        }
    }
}

impl SavingsRamp {
    pub(crate) fn is_default(&self) -> bool {
        *self == SavingsRamp::default()
    }

    /// Each value in its range (the ramp's months are an input: the registry checks them).
    pub(crate) fn check(&self, out: &mut Problems) {
        for (field, set) in [
            ("half_effect_pct", self.half_effect_pct.is_some()),
            ("half_effect_months", self.half_effect_months.is_some()),
        ] {
            if set {
                out.bad(
                    format!("savings_ramp.{field}"),
                    "the half-effect step was replaced by a linear ramp to full effect",
                    "remove it and give `ramp_months` (12 gives the förstudie's half effect the year after migration)",
                );
            }
        }
        let years = self.full_effect_years_after_migration;
        if !(1..=MAX_YEARS as u32).contains(&years) {
            out.bad(
                "savings_ramp.full_effect_years_after_migration",
                format!("{years} lies outside 1..{MAX_YEARS}"),
                "give the years after the migration-end year in which the saving share at full effect is measured (the förstudie: 2)",
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    /// The name in the English report; the name itself when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// A kommun volume: users, inhabitants, employees, pcs, servers, network_units.
    pub volume: String,
    /// Volume served per FTE.
    pub per_fte: DistSpec,
}

/// The joint organisation's staff, against today's. Either a total (`total_fte`) or built from
/// Atea's ratios (`roles` + `managers_fte` + `strategic_fte`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staffing {
    pub today_fte: f64,
    /// The joint organisation's whole staff, FTE; instead of the roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_fte: Option<DistSpec>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub managers_fte: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategic_fte: Option<DistSpec>,
    pub applies_to_pct: BTreeMap<String, f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// IT staff each kommun keeps or builds up itself after joining (beställarkompetens,
    /// verksamhetsnära IT-stöd), FTE per kommun: each kommun's own cost, outside the keys,
    /// priced at today's staff cost per IT FTE of the same year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_fte_per_kommun: Option<DistSpec>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl Staffing {
    /// Today's staff, the managers and the roles' volumes.
    pub(crate) fn check(&self, out: &mut Problems) {
        let st = self;
        if !(st.today_fte.is_finite() && st.today_fte > 0.0) {
            out.bad(
                "staffing.today_fte",
                format!("today's staff {} FTE must be positive", st.today_fte),
                "give today's IT staff in FTE",
            );
        }
        if !(st.managers_fte.is_finite() && (0.0..=1e6).contains(&st.managers_fte)) {
            out.bad(
                "staffing.managers_fte",
                format!("managers {} FTE must be zero or more", st.managers_fte),
                "give the joint organisation's managers in FTE",
            );
        }
        let built = !st.roles.is_empty() || st.strategic_fte.is_some() || st.managers_fte != 0.0;
        if st.total_fte.is_some() && built {
            out.bad(
                "staffing.total_fte",
                "`staffing.total_fte` and `staffing.roles` (with managers_fte, strategic_fte) are two ways to set the staff need",
                "keep one: the total, or the roles with managers and strategic support",
            );
        } else if st.total_fte.is_none() && st.strategic_fte.is_none() {
            out.bad(
                "staffing",
                "no staff need: neither `total_fte` nor `strategic_fte` is given",
                "give `total_fte` (the joint organisation's FTE), or `strategic_fte` with the roles",
            );
        }
        for (i, role) in st.roles.iter().enumerate() {
            if !VOLUME_NAMES.contains(&role.volume.as_str()) {
                out.bad(
                    format!("staffing.roles[{i}].volume"),
                    format!("unknown volume \"{}\"", role.volume),
                    &format!("use one of: {VOLUMES}"),
                );
            }
        }
    }
}

/// The shares of each category the savings posts and the staff saving work on: known
/// categories, 0..100 each, at most 100 together.
pub(crate) fn check_shares(savings: &[SavingPost], staffing: &Staffing, ids: &[&str], out: &mut Problems) {
    let mut share = vec![0.0; ids.len()];
    let mut applies = |path: String, map: &BTreeMap<String, f64>, out: &mut Problems| {
        for (cat, &x) in map {
            match ids.iter().position(|c| c == cat) {
                None => out.bad(
                    format!("{path}.{cat}"),
                    format!("unknown category \"{cat}\""),
                    "use the ids of [[categories]]",
                ),
                Some(ci) => {
                    if !(x.is_finite() && (0.0..=100.0).contains(&x)) {
                        out.bad(
                            format!("{path}.{cat}"),
                            format!("share {x} % lies outside 0..100"),
                            "give the share of the category the post works on, 0..100",
                        );
                    } else {
                        share[ci] += x;
                    }
                }
            }
        }
    };
    for (i, s) in savings.iter().enumerate() {
        applies(format!("savings[{i}].applies_to_pct"), &s.applies_to_pct, out);
    }
    applies("staffing.applies_to_pct".into(), &staffing.applies_to_pct, out);
    for (ci, s) in share.iter().enumerate() {
        if *s > 100.0 + 1e-9 {
            out.bad(
                "savings",
                format!(
                    "the savings posts and staffing together work on {s} % of category \"{}\"",
                    ids[ci]
                ),
                "let the applies_to_pct shares of one category add up to at most 100",
            );
        }
    }
}

/// `savings_capture_pct` of the scenario or an alternative: 0..150.
pub(crate) fn check_capture(path: String, capture_pct: f64, out: &mut Problems) {
    if !(capture_pct.is_finite() && (0.0..=150.0).contains(&capture_pct)) {
        out.bad(
            path,
            format!("{capture_pct} % lies outside 0..150"),
            "give the share of the savings potential captured, 0..150",
        );
    }
}
