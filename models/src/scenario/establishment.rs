//! `[establishment]`: the project that builds the joint organisation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::DistSpec;

use super::MAX_YEARS;
use super::error::Problems;
use super::years::Years;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub name: String,
    pub internal_hours: f64,
    pub external_hours: f64,
    pub planned_year: i32,
    pub duration_months: DistSpec,
    pub migration: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOff {
    pub name: String,
    pub amount_msek: DistSpec,
    pub migration: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Establishment {
    pub planned_months: f64,
    pub project_labour_msek: DistSpec,
    pub parallel_running_msek_per_year: DistSpec,
    pub parallel_price_year: i32,
    pub parallel_growth: String,
    pub parallel_start_month: f64,
    pub schedule_overrun_pct: DistSpec,
    pub migration_overrun_pct: DistSpec,
    pub phases: Vec<Phase>,
    #[serde(default)]
    pub one_off: Vec<OneOff>,
}

impl Establishment {
    /// The plan, the parallel running and the phases (their distributions are checked with
    /// every other input's, see [`super::inputs`]).
    pub(crate) fn check(&self, y: &Years, growth: &BTreeMap<String, DistSpec>, out: &mut Problems) {
        let e = self;
        if !(e.planned_months.is_finite() && e.planned_months > 0.0 && e.planned_months <= 600.0) {
            out.bad(
                "establishment.planned_months",
                format!("planned duration {} months is not usable", e.planned_months),
                "give the planned establishment duration in months, e.g. 36",
            );
        }
        if !growth.contains_key(&e.parallel_growth) {
            out.bad(
                "establishment.parallel_growth",
                format!("unknown growth rate \"{}\"", e.parallel_growth),
                "name a rate under [growth_pct_per_year]",
            );
        }
        if !(e.parallel_start_month.is_finite()
            && e.parallel_start_month >= 0.0
            && e.parallel_start_month < e.planned_months)
        {
            out.bad(
                "establishment.parallel_start_month",
                format!(
                    "parallel running starts at month {}, outside the planned establishment",
                    e.parallel_start_month
                ),
                "give the month (0 = January of start_year) parallel running starts, before planned_months",
            );
        }
        if (i64::from(e.parallel_price_year) - i64::from(y.base_year)).abs() > i64::from(MAX_YEARS) {
            out.bad(
                "establishment.parallel_price_year",
                format!("price year {} is far from base_year", e.parallel_price_year),
                "give the year whose prices the parallel cost is stated in",
            );
        }
        if e.phases.is_empty() {
            out.bad("establishment.phases", "no phases", "add [[establishment.phases]]");
        }
        let mut total_hours = 0.0;
        for (i, p) in e.phases.iter().enumerate() {
            total_hours += p.check(i, y, out);
        }
        if !e.phases.is_empty() && !(total_hours > 0.0) {
            out.bad(
                "establishment.phases",
                "the phases have no hours",
                "give the phases their project hours",
            );
        }
    }
}

impl Phase {
    /// The `i`-th phase's hours and year; its hours.
    fn check(&self, i: usize, y: &Years, out: &mut Problems) -> f64 {
        let mut hours = 0.0;
        for (f, h) in [
            ("internal_hours", self.internal_hours),
            ("external_hours", self.external_hours),
        ] {
            if !(h.is_finite() && (0.0..=1e8).contains(&h)) {
                out.bad(
                    format!("establishment.phases[{i}].{f}"),
                    format!("hours must be a number from 0 to 1e8, got {h}"),
                    "write the phase's hours",
                );
            }
            hours += h;
        }
        if !(y.start_year <= self.planned_year && self.planned_year <= y.horizon_year) {
            out.bad(
                format!("establishment.phases[{i}].planned_year"),
                format!(
                    "planned year {} lies outside {}..{}",
                    self.planned_year, y.start_year, y.horizon_year
                ),
                "book the phase in a year between start_year and horizon_year",
            );
        }
        hours
    }
}
