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
    /// The name in the English report; the name itself when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
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
    /// The name in the English report; the name itself when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub amount_msek: DistSpec,
    pub migration: bool,
}

/// Which estimate of the establishment cost the headline (and what the kommuner pay, so the
/// NPVs) uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadlineView {
    /// The reference class: the förstudie's estimate × (1 + the reference-class overrun).
    #[default]
    Outside,
    /// Bottom-up: labour, parallel running, one-off items and the risk register.
    Inside,
}

impl HeadlineView {
    fn is_default(&self) -> bool {
        *self == HeadlineView::default()
    }

    /// The name written in the scenario and the outputs.
    pub fn name(self) -> &'static str {
        match self {
            HeadlineView::Outside => "outside",
            HeadlineView::Inside => "inside",
        }
    }
}

/// No schedule uplift: the default of `schedule_overrun_pct` when it is left out.
fn no_schedule_overrun() -> DistSpec {
    DistSpec::Fixed { value: 0.0 }
}

fn is_no_schedule_overrun(d: &DistSpec) -> bool {
    *d == no_schedule_overrun()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Establishment {
    pub planned_months: f64,
    /// Which view the headline uses; the outside view when left out.
    #[serde(default, skip_serializing_if = "HeadlineView::is_default")]
    pub headline_view: HeadlineView,
    /// The förstudie's estimate of the whole one-off cost, MSEK, that the reference class is
    /// applied to (the outside view) and the costs are compared with. Left out: the inside view
    /// at point values (for GGVV the 28.7 MSEK the förstudie's tables imply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_estimate_msek: Option<f64>,
    /// The förstudie's range for the one-off cost, MSEK `[low, high]` (GGVV: 20-40); the
    /// outputs give P(cost < low) and P(cost > high). Left out: no range statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_range_msek: Option<[f64; 2]>,
    pub project_labour_msek: DistSpec,
    pub parallel_running_msek_per_year: DistSpec,
    pub parallel_price_year: i32,
    pub parallel_growth: String,
    pub parallel_start_month: f64,
    /// A schedule uplift on the drawn phase durations, percent (e.g. the Green Book's optimism
    /// bias); none when left out.
    #[serde(default = "no_schedule_overrun", skip_serializing_if = "is_no_schedule_overrun")]
    pub schedule_overrun_pct: DistSpec,
    /// The overrun of the whole establishment cost in the reference class of IT projects,
    /// percent: the outside view is `reference_estimate_msek × (1 + this / 100)`. Read under its
    /// old name `migration_overrun_pct` too.
    #[serde(alias = "migration_overrun_pct")]
    pub reference_class_overrun_pct: DistSpec,
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
        if let Some(x) = e.reference_estimate_msek
            && !(x.is_finite() && x > 0.0 && x <= 1e6)
        {
            out.bad(
                "establishment.reference_estimate_msek",
                format!("estimate {x} MSEK must be a positive number"),
                "give the förstudie's one-off cost estimate in MSEK, or leave it out to use the model at point values",
            );
        }
        if let Some([lo, hi]) = e.reference_range_msek
            && !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo < hi && hi <= 1e6)
        {
            out.bad(
                "establishment.reference_range_msek",
                format!("range [{lo}, {hi}] MSEK is not a range"),
                "give the förstudie's range as [low, high] in MSEK with low < high, e.g. [20.0, 40.0]",
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

impl Establishment {
    /// Notes on a valid but questionable setting, for the user (not errors).
    pub fn warnings(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.headline_view == HeadlineView::Outside && !is_no_schedule_overrun(&self.schedule_overrun_pct) {
            v.push(
                "establishment: schedule_overrun_pct and the outside view (headline_view = \"outside\") are two corrections for the same optimism bias: the reference class's overruns already include the slips of comparable projects, and the schedule uplift stretches the timing of the outside view's cost; remove schedule_overrun_pct, or set headline_view = \"inside\" if the uplift is meant for the bottom-up view".to_string(),
            );
        }
        v
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
