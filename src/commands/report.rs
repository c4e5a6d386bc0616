//! `report`: the board report (HTML with charts, SVG/PNG charts, Markdown, xlsx).

use models::alternatives::{AlternativesAnalysis, RisksAnalysis};
use models::analysis::if_present;
use models::decision::{DataCentreAnalysis, KeysAnalysis, MembershipAnalysis, OrganisationAnalysis};
use models::{Analysis, AnalysisPlan, Model, Scenario};
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
    let mut analyses = decision_analyses(scenario, &model, analysis_runs, d.seed, estimate)?;
    analyses.explain = explain_section(scenario, &model, analysis_runs, d.seed, lang)?;
    let mut charts = reports::chart::all(&data, &analyses).map_err(|e| Failure::Runtime(e.to_string()))?;
    charts.extend(analyses.explain.iter().flat_map(|x| x.charts.iter().cloned()));
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

/// Most runs of the report's "why it differs from the förstudie" (each is evaluated under
/// every subset of the input groups: 512 for the default).
const EXPLAIN_REPORT_RUNS: u64 = 10_000;

/// The report's explain section on at most [`EXPLAIN_REPORT_RUNS`] of the analyses' runs (none
/// when `runs` is 0).
fn explain_section(
    s: &Scenario,
    model: &Model,
    runs: u64,
    seed: u64,
    lang: Lang,
) -> Result<Option<reports::text::explain::Section>, Failure> {
    if runs == 0 {
        return Ok(None);
    }
    let plan = AnalysisPlan::new(runs.min(EXPLAIN_REPORT_RUNS), seed)?;
    let e = models::explain::ExplainAnalysis.run(s, model, &plan)?;
    let section = reports::text::explain::report_section(&e, lang).map_err(|e| Failure::Runtime(e.to_string()))?;
    Ok(Some(section))
}

/// The decision analyses the report shows, each on `runs` draws (none when `runs` is 0).
fn decision_analyses(
    s: &Scenario,
    model: &Model,
    runs: u64,
    seed: u64,
    estimate: f64,
) -> Result<reports::export::html::analyses::Analyses, Failure> {
    let mut a = reports::export::html::analyses::Analyses {
        runs,
        ..Default::default()
    };
    if runs == 0 {
        return Ok(a);
    }
    let sensitivity = models::sensitivity::SensitivityAnalysis { sobol_n: 2048 };
    a.sensitivity = Some(sensitivity.run(s, model, &AnalysisPlan::new(runs.max(1000), seed)?)?);
    let plan = AnalysisPlan::new(runs, seed)?.with_estimate_msek(estimate)?;
    a.keys = if_present(KeysAnalysis.run(s, model, &plan))?;
    a.organisation = if_present(OrganisationAnalysis.run(s, model, &plan))?;
    a.data_centre = if_present(DataCentreAnalysis.run(s, model, &plan))?;
    a.membership = if_present(MembershipAnalysis.run(s, model, &plan))?;
    a.alternatives = if_present(AlternativesAnalysis.run(s, model, &plan))?;
    a.risks = if_present(RisksAnalysis.run(s, model, &plan))?;
    Ok(a)
}
