//! `followup`: condition the model on actual spend and milestones, re-forecast.

use std::path::Path;

use models::{Analysis, AnalysisPlan, Model, Scenario};
use reports::OutputSet;
use reports::render::{Render, TextOptions};

use super::estimate_or_default;
use crate::config::{Draws, Output};
use crate::failure::{Failure, print};

pub fn followup(
    s: &Scenario,
    d: Draws,
    output: &Output,
    actuals_file: &Path,
    estimate_msek: Option<f64>,
) -> Result<(), Failure> {
    let model = Model::new(s)?;
    let actuals = models::followup::Actuals::from_file(actuals_file, s)?;
    let estimate = estimate_or_default(estimate_msek, &model);
    let plan = AnalysisPlan::new(d.runs, d.seed)?.with_estimate_msek(estimate)?;
    let f = models::followup::FollowupAnalysis { actuals: &actuals }.run(s, &model, &plan)?;
    if let Some(dir) = &output.out {
        let mut files = OutputSet::new(dir)?;
        files.add("followup.json", reports::export::json::pretty(&f).as_bytes())?;
        files.add("corridor.csv", reports::export::csv::corridor_csv(&f).as_bytes())?;
        let chart =
            reports::chart::corridor(&f, reports::format::Lang::Sv).map_err(|e| Failure::Runtime(e.to_string()))?;
        files.add("styrintervall.svg", chart.svg.as_bytes())?;
        files.add("styrintervall.png", &chart.png)?;
        files.commit()?;
    }
    if output.quiet {
        return Ok(());
    }
    print(&if output.json {
        reports::export::json::pretty(&f)
    } else {
        f.text(&TextOptions::default())
    })
}
