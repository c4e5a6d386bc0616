//! `[[savings]]` and `[staffing]`: what the joint organisation saves.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::DistSpec;

use super::error::Problems;
use super::kommuner::{VOLUME_NAMES, VOLUMES};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingPost {
    pub name: String,
    pub rate_pct: DistSpec,
    /// Share of each category (by id) the post works on, percent.
    pub applies_to_pct: BTreeMap<String, f64>,
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
