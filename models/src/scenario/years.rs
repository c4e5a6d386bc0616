//! `[meta]`, `[years]` and `[finance]`.

use serde::{Deserialize, Serialize};

use super::error::Problems;
use super::{MAX_YEARS, YEAR_RANGE};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The label of the sum over the kommuner in every output ("GGVV" when not given).
    #[serde(default = "default_total_label", skip_serializing_if = "is_default_total_label")]
    pub total_label: String,
}

/// The total's label when the scenario names none.
pub const DEFAULT_TOTAL_LABEL: &str = "GGVV";

fn default_total_label() -> String {
    DEFAULT_TOTAL_LABEL.to_string()
}

fn is_default_total_label(label: &str) -> bool {
    label == DEFAULT_TOTAL_LABEL
}

impl Meta {
    pub(crate) fn check(&self, out: &mut Problems) {
        if self.name.trim().is_empty() {
            out.bad("meta.name", "the scenario name is empty", "give the scenario a name");
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Years {
    /// The year of the cost table.
    pub base_year: i32,
    /// Establishment starts in January of this year.
    pub start_year: i32,
    /// Last year of the appraisal.
    pub horizon_year: i32,
    /// Net benefit is discounted to this year.
    pub npv_base_year: i32,
    /// The `tables` command prints up to this year.
    pub tables_last_year: i32,
}

impl Years {
    /// Every year a calendar year in [`YEAR_RANGE`]; false if one is not (year arithmetic
    /// elsewhere relies on it, so nothing else is checked then).
    pub(crate) fn check_range(&self, out: &mut Problems) -> bool {
        let mut ok = true;
        for (field, year) in [
            ("base_year", self.base_year),
            ("start_year", self.start_year),
            ("horizon_year", self.horizon_year),
            ("npv_base_year", self.npv_base_year),
            ("tables_last_year", self.tables_last_year),
        ] {
            if !YEAR_RANGE.contains(&year) {
                ok = false;
                out.bad(
                    format!("years.{field}"),
                    format!("year {year} lies outside {}..{}", YEAR_RANGE.start(), YEAR_RANGE.end()),
                    "write a calendar year such as 2027",
                );
            }
        }
        ok
    }

    /// The years' order: base, start, horizon; discounting and tables within them.
    pub(crate) fn check(&self, out: &mut Problems) {
        let y = self;
        if y.base_year > y.start_year {
            out.bad(
                "years.start_year",
                format!("start_year {} is before base_year {}", y.start_year, y.base_year),
                "the establishment cannot start before the year of the cost table",
            );
        }
        if y.start_year > y.horizon_year {
            out.bad(
                "years.horizon_year",
                format!("horizon_year {} is before start_year {}", y.horizon_year, y.start_year),
                "set horizon_year at or after start_year",
            );
        } else if y.horizon_year - y.base_year >= MAX_YEARS {
            out.bad(
                "years.horizon_year",
                format!(
                    "horizon_year {} lies {} years after base_year",
                    y.horizon_year,
                    y.horizon_year - y.base_year
                ),
                "use a horizon within 100 years of base_year",
            );
        }
        if !(y.base_year <= y.npv_base_year && y.npv_base_year <= y.horizon_year) {
            out.bad(
                "years.npv_base_year",
                format!(
                    "npv_base_year {} lies outside {}..{}",
                    y.npv_base_year, y.base_year, y.horizon_year
                ),
                "discount to a year between base_year and horizon_year",
            );
        }
        if !(y.base_year <= y.tables_last_year && y.tables_last_year <= y.horizon_year) {
            out.bad(
                "years.tables_last_year",
                format!(
                    "tables_last_year {} lies outside {}..{}",
                    y.tables_last_year, y.base_year, y.horizon_year
                ),
                "choose a year between base_year and horizon_year",
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finance {
    pub discount_rate_pct: f64,
    /// Removed (issue 19: the förstudie sets no budget); read only to refuse it with a fix.
    #[serde(default, skip_serializing)]
    pub budget_msek: Option<f64>,
}

impl Finance {
    pub(crate) fn check(&self, out: &mut Problems) {
        let r = self.discount_rate_pct;
        if !(r.is_finite() && (-50.0..=100.0).contains(&r)) {
            out.bad(
                "finance.discount_rate_pct",
                format!("discount rate {r} % is not a usable rate"),
                "give a rate in percent between -50 and 100, e.g. 2.5",
            );
        }
        if let Some(b) = self.budget_msek {
            out.bad(
                "finance.budget_msek",
                format!("budget_msek = {b} is no longer read: the förstudie sets no budget, only a point estimate and a 20-40 MSEK range"),
                "delete the line; write the förstudie's estimate as [establishment] reference_estimate_msek (it is also the base of the outside view), or compare with another figure by `run --estimate-msek`",
            );
        }
    }
}
