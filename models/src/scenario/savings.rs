//! `[[savings]]` and `[staffing]`: what the joint organisation saves.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::DistSpec;

use super::error::Problems;
use super::kommuner::{VOLUME_NAMES, VOLUMES};
use super::{MAX_ESTABLISHMENT_MONTHS, MAX_YEARS};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingPost {
    pub name: String,
    pub rate_pct: DistSpec,
    /// Share of each category (by id) the post works on, percent.
    pub applies_to_pct: BTreeMap<String, f64>,
}

/// When the savings take effect after migration ends. Left out of a file, the förstudie's
/// ramp (seed 000 4.4: half effect 2030 and full effect from 2031, migration ending 2029).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsRamp {
    /// Share of the full saving realised in the months right after migration ends, percent.
    pub half_effect_pct: f64,
    /// How long that share holds, months from the end of migration; the full saving after.
    pub half_effect_months: f64,
    /// Years after the year migration ends in from which the full-effect allocation key applies
    /// and the saving share at full effect is measured; the years between take the transition
    /// key. At least 1.
    pub full_effect_years_after_migration: u32,
}

impl Default for SavingsRamp {
    fn default() -> Self {
        SavingsRamp {
            half_effect_pct: 50.0,
            half_effect_months: 12.0,
            full_effect_years_after_migration: 2,
        }
    }
}

impl SavingsRamp {
    pub(crate) fn is_default(&self) -> bool {
        *self == SavingsRamp::default()
    }

    /// Each value in its range.
    pub(crate) fn check(&self, out: &mut Problems) {
        if !(0.0..=100.0).contains(&self.half_effect_pct) {
            out.bad(
                "savings_ramp.half_effect_pct",
                format!("{} % lies outside 0..100", self.half_effect_pct),
                "give the share of the full saving realised during the ramp, 0..100 (the förstudie: 50)",
            );
        }
        if !(0.0..=MAX_ESTABLISHMENT_MONTHS).contains(&self.half_effect_months) {
            out.bad(
                "savings_ramp.half_effect_months",
                format!(
                    "{} months lies outside 0..{MAX_ESTABLISHMENT_MONTHS}",
                    self.half_effect_months
                ),
                "give the months at half effect after migration ends (the förstudie: 12)",
            );
        }
        let years = self.full_effect_years_after_migration;
        if !(1..=MAX_YEARS as u32).contains(&years) {
            out.bad(
                "savings_ramp.full_effect_years_after_migration",
                format!("{years} lies outside 1..{MAX_YEARS}"),
                "give the years after the migration-end year from which full effect counts (the förstudie: 2)",
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    /// A kommun volume: users, inhabitants, employees, pcs, servers, network_units.
    pub volume: String,
    /// Volume served per FTE.
    pub per_fte: DistSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staffing {
    pub today_fte: f64,
    pub managers_fte: f64,
    pub strategic_fte: DistSpec,
    pub applies_to_pct: BTreeMap<String, f64>,
    pub roles: Vec<Role>,
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
