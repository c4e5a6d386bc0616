//! `report`: the board report (HTML with charts, SVG/PNG charts, Markdown, xlsx).

use models::{Model, Scenario};
use reports::export::html::analyses::Analyses;
use reports::format::Lang;
use reports::{OutputSet, RunInfo};
use sim::RunPlan;

use super::{ScenarioSource, estimate_or_default, manifest};
use crate::config::{Draws, Output};
use crate::failure::{Failure, print};

pub fn report(
    scenario: &Scenario,
    source: &ScenarioSource,
    d: Draws,
    output: &Output,
    estimate_msek: Option<f64>,
    lang: Lang,
    analysis_runs: u64,
) -> Result<(), Failure> {
    let model = Model::new(scenario)?;
    let estimate = estimate_or_default(estimate_msek, &model);
    let plan = RunPlan::new(d.runs, d.seed, d.threads)?;
    let dir = output.out.clone().unwrap_or_else(|| "rapport".into());
    let mut files = OutputSet::new(&dir)?;
    let result = models::run::simulate_with_cumulative(&model, &plan, 0..plan.chunks(), estimate)
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    let info = RunInfo {
        scenario: scenario.meta.name.clone(),
        total_label: scenario.meta.total_label.clone(),
        runs: d.runs,
        seed: d.seed,
        horizon_year: scenario.years.horizon_year,
        npv_base_year: model.npv_base_year(),
        discount_rate_pct: model.discount_rate_pct(),
    };
    let layout = models::run::manifest::ShardLayout {
        shards: 1,
        shard: None,
        chunk_start: 0,
        chunk_end: plan.chunks(),
        total_chunks: plan.chunks(),
    };
    let manifest = manifest(
        scenario,
        source,
        &model,
        &plan,
        models::RunOptions::default(),
        estimate,
        layout,
        // The report's run keeps the cumulative figures, which the digests do not cover.
        None,
    )?;
    let mut data = reports::report::ReportData::new(lang, &info, scenario, &source.text, &model, &result);
    // The cover shows the fingerprint (`data.summary.manifest`), manifest.json lists the files.
    data.summary.manifest = Some(manifest.run.clone());
    data.provenance = Some((manifest.layout.clone(), manifest.platform.clone()));
    let analyses = Analyses::compute(scenario, &model, analysis_runs, d.seed, estimate, lang)?;
    let charts = reports::chart::all(&data, &analyses).map_err(|e| Failure::Runtime(e.to_string()))?;
    let board = reports::export::BoardReport {
        data: &data,
        charts: &charts,
        analyses: &analyses,
    };
    reports::export::write_board(&mut files, &board)?;
    reports::export::json::stage_manifest(&mut files, &manifest)?;
    let written = files.commit()?;
    if !output.quiet {
        print(&if output.json {
            data.summary.to_json()
        } else {
            reports::export::markdown::summary(&data)
        })?;
        eprintln!(
            "wrote {} files to {} (rapport.html, summary.md, riskkalkyl.xlsx, {} charts as SVG and PNG)",
            written.len(),
            dir.display(),
            charts.len()
        );
    }
    Ok(())
}
