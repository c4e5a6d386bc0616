//! Follow-up once the project runs: condition the simulation on what has been observed
//! (establishment spend per year, phase completion dates), re-forecast, and give control ranges
//! (styrintervall) for cumulative spend.
//!
//! Conditioning is by rejection (approximate Bayesian computation): a run is kept when its
//! spend in every observed year lies within the stated tolerance of the actual spend and every
//! observed phase ends within the stated number of months of the actual date. The kept runs are
//! a sample of the model's outcomes consistent with what happened.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::Summary;
use sim::stats::{Proportion, Stat};

use crate::analysis::{Analysis, AnalysisError, AnalysisPlan};
use crate::model::Model;
use crate::scenario::error::{Spans, line_col};
use crate::scenario::{MAX_AMOUNT_MSEK, MAX_ENTRIES, MAX_ESTABLISHMENT_MONTHS, MAX_YEARS, Problem, Scenario};

/// Establishment spend observed in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spend {
    pub year: i32,
    pub establishment_msek: f64,
}

/// A phase observed complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// Phase name as in the scenario's `[[establishment.phases]]`.
    pub phase: String,
    /// Months from January of the start year when the phase was completed.
    pub completed_month: f64,
}

/// The actuals file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actuals {
    /// A run's yearly spend must lie within this percent of the actual (default 10).
    #[serde(default = "default_tolerance_pct")]
    pub tolerance_pct: f64,
    /// ... and never closer than this in MSEK (default 0.5), so small years are not over-tight.
    #[serde(default = "default_tolerance_msek")]
    pub tolerance_min_msek: f64,
    /// A run's phase end must lie within this many months of the actual (default 1.5).
    #[serde(default = "default_tolerance_months")]
    pub tolerance_months: f64,
    #[serde(default)]
    pub spend: Vec<Spend>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
}

fn default_tolerance_pct() -> f64 {
    10.0
}
fn default_tolerance_msek() -> f64 {
    0.5
}
fn default_tolerance_months() -> f64 {
    1.5
}

/// Why an actuals file was refused: the file, line:column, the field path and how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {path}: {problem}\n  fix: {hint}")]
pub struct ActualsError {
    pub file: String,
    /// 1-based line and column of the offending value (of the whole file when unknown).
    pub line: usize,
    pub column: usize,
    /// Field path, or `(actuals)` for the file as a whole.
    pub path: String,
    pub problem: String,
    pub hint: String,
}

/// Largest actuals file read, bytes (the example is under 1 kB).
pub const MAX_ACTUALS_BYTES: u64 = 1 << 20;

impl Actuals {
    /// Read an actuals file once, bounded in size, kind and time ([`crate::input_file`]), and
    /// check it against the scenario it follows up.
    pub fn from_file(path: &std::path::Path, scenario: &Scenario) -> Result<Actuals, ActualsError> {
        let name = path.display().to_string();
        let whole = |problem: String, hint: &str| ActualsError {
            file: name.clone(),
            line: 1,
            column: 1,
            path: "(actuals)".into(),
            problem,
            hint: hint.into(),
        };
        let bytes =
            crate::input_file::read_capped(path, MAX_ACTUALS_BYTES).map_err(|e| whole(e.to_string(), e.hint()))?;
        let src = String::from_utf8(bytes).map_err(|e| {
            let (line, column) = line_col(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to());
            ActualsError {
                line,
                column,
                ..whole(
                    "the file is not UTF-8 text".into(),
                    "save the actuals as UTF-8 text (TOML)",
                )
            }
        })?;
        Actuals::from_toml(&src, &name, scenario)
    }

    /// Parse and check an actuals file against the scenario it follows up.
    pub fn from_toml(src: &str, file: &str, scenario: &Scenario) -> Result<Actuals, ActualsError> {
        let error = |(line, column): (usize, usize), path: String, problem: String, hint: &str| ActualsError {
            file: file.into(),
            line,
            column,
            path,
            problem,
            hint: hint.into(),
        };
        const FORMAT: &str = "see README, section Follow-up, for the actuals format";
        let doc = Spans::parse(src).map_err(|e| {
            error(
                e.span().map_or((1, 1), |s| line_col(src, s.start)),
                "(actuals)".into(),
                format!("not valid TOML: {}", e.message().trim()),
                FORMAT,
            )
        })?;
        let a: Actuals = toml::from_str(src).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let path = doc.path_at(&span);
            let path = if path.0.is_empty() {
                "(actuals)".into()
            } else {
                path.to_string()
            };
            error(line_col(src, span.start), path, e.message().trim().to_string(), FORMAT)
        })?;
        a.check(scenario)
            .map_err(|p| error(doc.line_col_of(&p.path), p.path, p.problem, &p.hint))?;
        Ok(a)
    }

    /// The actuals against the scenario: tolerances, years, amounts and phase names.
    fn check(&self, scenario: &Scenario) -> Result<(), Problem> {
        let a = self;
        let problem = |path: String, problem: String, hint: &str| Problem {
            path,
            problem,
            hint: hint.into(),
        };
        let y = &scenario.years;
        for (name, v, hi) in [
            ("tolerance_pct", a.tolerance_pct, 1000.0),
            ("tolerance_min_msek", a.tolerance_min_msek, MAX_AMOUNT_MSEK),
            ("tolerance_months", a.tolerance_months, MAX_ESTABLISHMENT_MONTHS),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= hi) {
                return Err(problem(
                    name.into(),
                    format!("{name} = {v} must be a positive number up to {hi}"),
                    "give a positive tolerance",
                ));
            }
        }
        for (name, len, max) in [
            ("spend", a.spend.len(), MAX_YEARS as usize),
            ("milestones", a.milestones.len(), MAX_ENTRIES),
        ] {
            if len > max {
                return Err(problem(
                    name.into(),
                    format!("{len} entries, more than the {max} an actuals file may have"),
                    "give one entry per year or phase",
                ));
            }
        }
        if a.spend.is_empty() && a.milestones.is_empty() {
            return Err(problem(
                "(actuals)".into(),
                "no actuals: neither [[spend]] nor [[milestones]]".into(),
                "add what has been observed to date",
            ));
        }
        let mut seen = BTreeMap::new();
        for (i, s) in a.spend.iter().enumerate() {
            if !(y.start_year <= s.year && s.year <= y.horizon_year) {
                return Err(problem(
                    format!("spend[{i}].year"),
                    format!(
                        "year {} lies outside the establishment years {}..{}",
                        s.year, y.start_year, y.horizon_year
                    ),
                    "give a year from the start year on",
                ));
            }
            if seen.insert(s.year, i).is_some() {
                return Err(problem(
                    format!("spend[{i}].year"),
                    format!("year {} given twice", s.year),
                    "give each year once",
                ));
            }
            if !(s.establishment_msek.is_finite() && (0.0..=MAX_AMOUNT_MSEK).contains(&s.establishment_msek)) {
                return Err(problem(
                    format!("spend[{i}].establishment_msek"),
                    format!(
                        "spend {} MSEK must be zero or more, up to {MAX_AMOUNT_MSEK:e}",
                        s.establishment_msek
                    ),
                    "give the establishment spend of the year in MSEK",
                ));
            }
        }
        for (i, m) in a.milestones.iter().enumerate() {
            if !scenario.establishment.phases.iter().any(|p| p.name == m.phase) {
                return Err(problem(
                    format!("milestones[{i}].phase"),
                    format!("no phase named \"{}\" in the scenario", m.phase),
                    "use a name from [[establishment.phases]]",
                ));
            }
            if !(m.completed_month.is_finite() && m.completed_month > 0.0 && m.completed_month < 1200.0) {
                return Err(problem(
                    format!("milestones[{i}].completed_month"),
                    format!("month {} is not usable", m.completed_month),
                    "give months from January of the start year, e.g. 14",
                ));
            }
        }
        Ok(())
    }
}

/// One year's control range of cumulative establishment spend.
#[derive(Debug, Clone, Serialize)]
pub struct Corridor {
    pub year: i32,
    pub p10_msek: f64,
    pub p50_msek: f64,
    pub p90_msek: f64,
    /// Actual cumulative spend to the end of this year, where observed.
    pub actual_msek: Option<f64>,
    /// "below", "inside" or "above" the P10–P90 corridor, where observed.
    pub status: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KommunForecast {
    pub name: String,
    pub npv_before: Summary,
    pub npv_after: Summary,
    pub prob_net_loss_before: f64,
    pub prob_net_loss_after: f64,
}

/// The re-forecast.
#[derive(Debug, Clone, Serialize)]
pub struct Followup {
    pub unit: &'static str,
    pub runs: u64,
    pub accepted: u64,
    pub spent_to_date_msek: f64,
    /// The förstudie's estimate (or the plan's figure) the cost is compared with, MSEK.
    pub reference_estimate_msek: f64,
    pub establishment_before: Summary,
    pub establishment_after: Summary,
    pub remaining_after: Summary,
    pub duration_months_before: Summary,
    pub duration_months_after: Summary,
    /// P80 of the conditioned total minus the estimate: the reserve a P80 frame needs.
    pub reserve_p80_over_estimate_msek: f64,
    /// P(conditioned total > the estimate).
    pub prob_cost_above_estimate_after: f64,
    pub corridor: Vec<Corridor>,
    pub kommuner: Vec<KommunForecast>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "only {accepted} of {runs} runs are consistent with the actuals: the observations lie outside what the scenario \
     considers possible\n  fix: check the actuals and the scenario, widen tolerance_pct / tolerance_months, or raise --runs"
)]
pub struct TooFewRuns {
    pub accepted: u64,
    pub runs: u64,
}

/// `riskkalkyl followup`: condition the plan's draws on `actuals` (checked against the
/// scenario by [`Actuals::from_toml`]) and re-forecast; cost against the förstudie's estimate.
#[derive(Debug, Clone, Copy)]
pub struct FollowupAnalysis<'a> {
    pub actuals: &'a Actuals,
}

impl Analysis for FollowupAnalysis<'_> {
    type Report = Followup;

    fn run(&self, s: &Scenario, model: &Model, plan: &AnalysisPlan) -> Result<Followup, AnalysisError> {
        let actuals = self.actuals;
        let (runs, estimate_msek) = (plan.runs(), plan.estimate_msek(model));
        let years = model.years().to_vec();
        let start_t = (model.start_year() - years[0]) as usize;
        let k = model.kommuner().len();
        let spend: Vec<(usize, f64)> = actuals
            .spend
            .iter()
            .map(|s| ((s.year - years[0]) as usize, s.establishment_msek))
            .collect();
        let phase_idx: Vec<(usize, f64)> = actuals
            .milestones
            .iter()
            .map(|m| {
                (
                    s.establishment
                        .phases
                        .iter()
                        .position(|p| p.name == m.phase)
                        .unwrap_or(0),
                    m.completed_month,
                )
            })
            .collect();
        let spent_to_date: f64 = actuals.spend.iter().map(|s| s.establishment_msek).sum();
        let last_observed = actuals.spend.iter().map(|s| (s.year - years[0]) as usize).max();

        let mut cum_all: Vec<Stat> = vec![Stat::default(); years.len()];
        let (mut est_b, mut est_a, mut rem_a) = (Stat::default(), Stat::default(), Stat::default());
        let (mut dur_b, mut dur_a) = (Stat::default(), Stat::default());
        let mut npv_b: Vec<Stat> = vec![Stat::default(); k];
        let mut npv_a: Vec<Stat> = vec![Stat::default(); k];
        let mut loss_b = vec![Proportion::default(); k];
        let mut loss_a = vec![Proportion::default(); k];
        let mut over_a = Proportion::default();
        let mut accepted = 0u64;
        plan.for_each_run(model, |_, _, o| {
            let by_year = o.establishment_by_year();
            let mut cum = 0.0;
            for (t, v) in by_year.iter().enumerate().skip(start_t) {
                cum += v;
                cum_all[t].push(cum);
            }
            est_b.push(o.establishment_msek);
            dur_b.push(o.duration_months);
            for kk in 0..k {
                npv_b[kk].push(o.npv[kk]);
                loss_b[kk].push(o.npv[kk] < 0.0);
            }
            let keep = spend.iter().all(|&(t, actual)| {
                let tol = (actual * actuals.tolerance_pct / 100.0).max(actuals.tolerance_min_msek);
                (by_year[t] - actual).abs() <= tol
            }) && phase_idx.iter().all(|&(i, month)| {
                (model.phase_end_month(i, o.duration_months) - month).abs() <= actuals.tolerance_months
            });
            if keep {
                accepted += 1;
                est_a.push(o.establishment_msek);
                let spent_sim: f64 = last_observed.map_or(0.0, |last| by_year[start_t..=last].iter().sum());
                rem_a.push(o.establishment_msek - spent_sim);
                dur_a.push(o.duration_months);
                over_a.push(o.establishment_msek > estimate_msek);
                for kk in 0..k {
                    npv_a[kk].push(o.npv[kk]);
                    loss_a[kk].push(o.npv[kk] < 0.0);
                }
            }
            true
        });
        if accepted < 500 {
            return Err(TooFewRuns { accepted, runs }.into());
        }
        let actual_cum: BTreeMap<usize, f64> = {
            let mut m = BTreeMap::new();
            let mut c = 0.0;
            let mut sorted = spend.clone();
            sorted.sort_by_key(|s| s.0);
            // Cumulative actuals are known only while every earlier year is observed.
            for (expected, (t, v)) in (start_t..).zip(sorted) {
                if t != expected {
                    break;
                }
                c += v;
                m.insert(t, c);
            }
            m
        };
        let corridor = (start_t..years.len())
            .filter(|&t| cum_all[t].moments.count() > 0)
            .map(|t| {
                let s = cum_all[t].summary();
                let actual = actual_cum.get(&t).copied();
                Corridor {
                    year: years[t],
                    p10_msek: s.p10,
                    p50_msek: s.p50,
                    p90_msek: s.p90,
                    actual_msek: actual,
                    status: actual.map(|a| {
                        if a < s.p10 {
                            "below"
                        } else if a > s.p90 {
                            "above"
                        } else {
                            "inside"
                        }
                    }),
                }
            })
            .collect();
        let after = est_a.summary();
        Ok(Followup {
            unit: "MSEK",
            runs,
            accepted,
            spent_to_date_msek: spent_to_date,
            reference_estimate_msek: estimate_msek,
            establishment_before: est_b.summary(),
            establishment_after: after,
            remaining_after: rem_a.summary(),
            duration_months_before: dur_b.summary(),
            duration_months_after: dur_a.summary(),
            reserve_p80_over_estimate_msek: after.p80 - estimate_msek,
            prob_cost_above_estimate_after: over_a.p(),
            corridor,
            kommuner: (0..k)
                .map(|kk| KommunForecast {
                    name: model.kommuner()[kk].clone(),
                    npv_before: npv_b[kk].summary(),
                    npv_after: npv_a[kk].summary(),
                    prob_net_loss_before: loss_b[kk].p(),
                    prob_net_loss_after: loss_a[kk].p(),
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod loading_tests {
    use super::*;

    #[test]
    fn actuals_errors_point_at_the_value() {
        let s = Scenario::default_ggvv();
        let text =
            "[[spend]]\nyear = 2027\nestablishment_msek = 6.5\n\n[[spend]]\nyear = 2028\nestablishment_msek = -1\n";
        let e = Actuals::from_toml(text, "a.toml", &s).unwrap_err();
        assert_eq!(e.path, "spend[1].establishment_msek");
        assert_eq!((e.line, e.column), (7, 22), "{e}");
        assert!(
            e.to_string().starts_with("a.toml:7:22: spend[1].establishment_msek: "),
            "{e}"
        );

        let e = Actuals::from_toml("[[spend]]\nyear = 2027\nestablishment = 1\n", "a.toml", &s).unwrap_err();
        assert!(e.problem.contains("unknown field"), "{e}");
        assert_eq!(e.path, "spend[0].establishment");
        assert_eq!(e.line, 3, "{e}");

        let e = Actuals::from_toml("[[spend]\n", "a.toml", &s).unwrap_err();
        assert_eq!((e.path.as_str(), e.line), ("(actuals)", 1), "{e}");
        assert!(e.problem.starts_with("not valid TOML"), "{e}");
    }
}
