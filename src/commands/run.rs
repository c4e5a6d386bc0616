//! `run` (whole, in batches to a standard-error target, or one shard) and `merge` of shards.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use models::run::state::ShardState;
use models::{Model, RunOptions, Scenario};
use reports::{OutputSet, RunInfo, Summary};
use sim::RunPlan;

use models::run::manifest::{Manifest, ShardLayout};

use super::{ScenarioSource, estimate_or_default, manifest, note_repair};
use crate::config::RunTask;
use crate::failure::{Failure, print};

pub fn run(t: RunTask, scenario: &Scenario, source: &ScenarioSource) -> Result<(), Failure> {
    let model = Model::new(scenario)?;
    let estimate = estimate_or_default(t.estimate_msek, &model);
    let (d, quiet) = (t.draws, t.output.quiet);
    let opts = RunOptions { sampling: d.sampling };
    let plan = RunPlan::new(d.runs, d.seed, d.threads)?;
    let chunks = match t.shard {
        Some(sh) => models::run::state::shard_chunks(plan.chunks(), sh.index, sh.count),
        None => 0..plan.chunks(),
    };
    note_repair(&model, quiet);
    let samples_format = t.samples.as_deref().map(super::samples::Format::of).transpose()?;
    // Check the output directory before spending time on the run.
    let mut files = OutputSet::new(&t.out)?;
    let bar = progress_bar(chunks.end - chunks.start, quiet);
    let started = std::time::Instant::now();
    // The chunk digests come from the run's own pass; with --until-se the run may stop early,
    // so they are computed afterwards for the runs recorded.
    let mut checks = None;
    let result = match t.until_se {
        None => {
            let (r, c) = models::simulate_with_checks(&model, &plan, chunks.clone(), estimate, opts, &|| bar.inc(1))
                .map_err(|e| Failure::Runtime(e.to_string()))?;
            checks = Some(c);
            r
        }
        Some(target) => {
            let batch = t.batch_runs.div_ceil(sim::CHUNK_RUNS);
            let (r, met) = models::simulate_until(&model, &plan, estimate, opts, batch, target)
                .map_err(|e| Failure::Runtime(e.to_string()))?;
            if !quiet {
                let (npv, prob) = r.key_se();
                eprintln!(
                    "{} after {} runs: largest SE of a kommun's mean NPV {:.4} MSEK (target {}), SE of P(cost overrun) {:.5} (target {})",
                    if met {
                        "SE target met"
                    } else {
                        "warning: SE target NOT met"
                    },
                    r.runs,
                    npv,
                    target.npv_msek,
                    prob,
                    target.prob
                );
                if !met {
                    eprintln!("  raise --runs (the cap) to go on");
                }
            }
            r
        }
    };
    let elapsed = started.elapsed();
    bar.finish_and_clear();
    if result.out_of_range_runs > 0 {
        // Validation bounds every figure for bounded inputs; an unbounded distribution can
        // still, rarely, draw past the limit. Nothing is written.
        return Err(Failure::Input(format!(
            "{} of {} runs gave a figure that is not a finite number within ±{:e} MSEK\n  fix: replace unbounded distributions (normal, lognormal) in the scenario by bounded ones (pert, triangular, uniform) or narrow them",
            result.out_of_range_runs,
            d.runs,
            models::scenario::MAX_OUTPUT_MSEK
        )));
    }
    let info = RunInfo {
        scenario: scenario.meta.name.clone(),
        total_label: scenario.meta.total_label.clone(),
        // A shard records the whole run's count (merge checks the shards against it); with
        // --until-se the run may stop early, so record what was run.
        runs: if t.shard.is_some() { d.runs } else { result.runs },
        seed: d.seed,
        horizon_year: scenario.years.horizon_year,
        npv_base_year: model.npv_base_year(),
        discount_rate_pct: model.discount_rate_pct(),
    };
    // The run as recorded: with --until-se, as many runs as it stopped at.
    let recorded = RunPlan::new(info.runs, d.seed, d.threads)?;
    let layout = ShardLayout {
        shards: t.shard.map_or(1, |sh| sh.count),
        shard: t.shard.map(|sh| sh.index),
        chunk_start: if t.shard.is_some() { chunks.start } else { 0 },
        chunk_end: if t.shard.is_some() {
            chunks.end
        } else {
            recorded.chunks()
        },
        total_chunks: recorded.chunks(),
    };
    let manifest = manifest(scenario, source, &model, &recorded, opts, estimate, layout, checks)?;
    if let Some(sh) = t.shard {
        let (runs, name) = (result.runs, ShardState::file_name(sh.index, sh.count));
        let mut state = ShardState::new(&info, scenario, sh.index, sh.count, chunks.clone(), result);
        state.manifest = Some(manifest);
        files.add(&name, state.to_json().as_bytes())?;
        let written = files.commit()?;
        if !quiet {
            eprintln!(
                "wrote {} (shard {}/{}: chunks {}..{} of {}, {runs} of {} runs in {:.2} s); combine the shards with `riskkalkyl merge`",
                written[0].display(),
                sh.index,
                sh.count,
                chunks.start,
                chunks.end,
                plan.chunks(),
                d.runs,
                elapsed.as_secs_f64()
            );
        }
        return Ok(());
    }
    let summary = add_outputs(&mut files, &info, &result, &manifest)?;
    if let (Some(path), Some(samples_format)) = (&t.samples, samples_format) {
        let cap = t.samples_max.min(result.runs);
        super::samples::stage(
            &mut files,
            path,
            samples_format,
            &model,
            scenario,
            &plan,
            opts,
            cap,
            &info.total_label,
        )?;
        if !quiet && cap < result.runs {
            eprintln!(
                "note: --samples holds the first {cap} of {} runs (raise --samples-max for more)",
                result.runs
            );
        }
    }
    reports::export::json::stage_manifest(&mut files, &manifest)?;
    let written = files.commit()?;
    if !quiet {
        print(&if t.output.json {
            summary.to_json()
        } else {
            reports::text::run::summary(&summary)
        })?;
        eprintln!(
            "wrote {} ({} runs in {:.2} s, {:.0} runs/s)",
            names(&written),
            result.runs,
            elapsed.as_secs_f64(),
            result.runs as f64 / elapsed.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

fn names(written: &[PathBuf]) -> String {
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// Stage summary.json (with the manifest's run identity) and yearly.csv of a (whole or
/// merged) run.
fn add_outputs(
    files: &mut OutputSet,
    info: &RunInfo,
    result: &models::RunResult,
    manifest: &Manifest,
) -> Result<Summary, Failure> {
    let mut summary = Summary::new(info, result);
    summary.manifest = Some(manifest.run.clone());
    reports::export::write_run(
        files,
        &reports::export::RunOutput {
            result,
            summary: &summary,
        },
    )?;
    Ok(summary)
}

/// A progress bar with ETA over `chunks` chunks on stderr; hidden with --quiet or when stderr
/// is not a terminal.
fn progress_bar(chunks: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(chunks);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {percent:>3}% of chunks, ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Combine the shard state files under `inputs` into the unsharded run's outputs in `out`.
pub fn merge(inputs: &[PathBuf], out: &Path, quiet: bool) -> Result<(), Failure> {
    // Shared locks on the input directories: a shard being published there is waited for,
    // never read half-way.
    let _locks: Vec<_> = inputs
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|d| reports::output::read_lock(d))
        .collect();
    let mut states = Vec::new();
    for path in models::run::state::state_files(inputs)? {
        let state = ShardState::read(&path)?;
        states.push((path, state));
    }
    // The merged run's manifest: the shards' (which merge checked come from one build), over
    // the whole run, with every shard's chunk digests.
    let mut sorted: Vec<&ShardState> = states.iter().map(|(_, s)| s).collect();
    sorted.sort_by_key(|s| s.shard);
    let merged_manifest = sorted.first().and_then(|s| s.manifest.clone()).map(|mut m| {
        m.layout = ShardLayout {
            shards: m.layout.shards,
            shard: None,
            chunk_start: 0,
            chunk_end: m.layout.total_chunks,
            total_chunks: m.layout.total_chunks,
        };
        m.chunk_checks = sorted
            .iter()
            .filter_map(|s| s.manifest.as_ref())
            .flat_map(|m| m.chunk_checks.iter().cloned())
            .collect();
        m
    });
    let (info, result) = models::run::state::merge(states)?;
    let mut files = OutputSet::new(out)?;
    let manifest = merged_manifest.ok_or_else(|| {
        Failure::Input(
            "the shard state files carry no run manifest (written by an older riskkalkyl)\n  fix: rerun the shards with this version".into(),
        )
    })?;
    let summary = add_outputs(&mut files, &info, &result, &manifest)?;
    reports::export::json::stage_manifest(&mut files, &manifest)?;
    let written = files.commit()?;
    if !quiet {
        print(&reports::text::run::summary(&summary))?;
        eprintln!("wrote {} (merged {} runs)", names(&written), result.runs);
    }
    Ok(())
}
