//! One module per subcommand or group of subcommands. Each takes its validated task
//! ([`crate::config::Task`]), loads what it needs, runs, and prints or writes.

mod analyses;
mod bench;
mod compare;
mod explain;
mod fit;
mod followup;
mod report;
mod run;
mod samples;
mod scenario;
mod serve;
mod verify;

use std::path::PathBuf;

use models::{Model, Scenario};
use reports::OutputSet;

use crate::config::{Config, Output, Task};
use crate::failure::{Failure, print};

/// Run the configured command; with `--threads T`, everything it simulates runs on T threads.
pub fn execute(config: Config) -> Result<(), Failure> {
    match config.threads {
        0 => dispatch(config),
        n => sim::with_threads(n, move || dispatch(config))?,
    }
}

fn dispatch(config: Config) -> Result<(), Failure> {
    let scenario = config.scenario;
    match config.task {
        Task::Run(t) => {
            let (s, text) = load(&scenario)?;
            run::run(t, &s, &ScenarioSource::new(&scenario, text))
        }
        Task::Merge { inputs, out, quiet } => run::merge(&inputs, &out, quiet),
        Task::Report {
            draws,
            output,
            estimate_msek,
            lang,
            analysis_runs,
        } => {
            let (s, text) = load(&scenario)?;
            report::report(
                &s,
                &ScenarioSource::new(&scenario, text),
                draws,
                &output,
                estimate_msek,
                lang,
                analysis_runs,
            )
        }
        Task::Sensitivity {
            draws,
            output,
            sobol_n,
            top,
        } => analyses::sensitivity(&load(&scenario)?.0, draws, &output, sobol_n, top),
        Task::Analysis { kind, draws, output } => analyses::decision(&load(&scenario)?.0, kind, draws, &output),
        Task::Explain { draws, output, lang } => explain::explain(&load(&scenario)?.0, draws, &output, lang),
        Task::Followup {
            draws,
            output,
            actuals,
            estimate_msek,
        } => followup::followup(&load(&scenario)?.0, draws, &output, &actuals, estimate_msek),
        Task::Compare { a, b, draws, output } => compare::compare(&a, &b, draws, &output),
        Task::Bench { draws, output } => {
            let s = load(&scenario)?.0;
            bench::bench(&s, &Model::new(&s)?, draws, &output)
        }
        Task::Serve { addr, lang, runs } => {
            let (s, text) = load(&scenario)?;
            serve::serve(s, text, &scenario, addr, lang, runs)
        }
        Task::Tables { json } => scenario::tables(&load(&scenario)?.0, json),
        Task::Verify { dir, rerun, quiet } => verify::verify(&dir, rerun, quiet),
        Task::Fit {
            data,
            column,
            range,
            json,
        } => fit::fit(&data, column.as_deref(), range.as_deref(), json),
        Task::ScenarioShow => print(&load(&scenario)?.1),
        Task::ScenarioCheck { file } => scenario::check(&file),
        Task::ScenarioExport { xlsx } => {
            let (s, text) = load(&scenario)?;
            scenario::export(&s, &text, &xlsx)
        }
    }
}

/// The scenario in use and its text: `--scenario FILE` (TOML, or a workbook by its `.xlsx`
/// name: the TOML its cells make), else the embedded default.
fn load(path: &Option<PathBuf>) -> Result<(Scenario, String), Failure> {
    match path {
        Some(p) => Ok(models::scenario::workbook::read_scenario_file(p)?),
        None => Ok((Scenario::default_ggvv(), models::DEFAULT_SCENARIO.to_string())),
    }
}

/// Where the scenario came from and its text, for the run manifest.
pub struct ScenarioSource {
    /// "embedded" or the file's path as given.
    pub source: String,
    pub text: String,
}

impl ScenarioSource {
    fn new(path: &Option<PathBuf>, text: String) -> ScenarioSource {
        ScenarioSource {
            source: path.as_ref().map_or("embedded".into(), |p| p.display().to_string()),
            text,
        }
    }
}

/// This binary's build: crate version and the git commit of build.rs.
pub fn build() -> models::run::manifest::Build {
    models::run::manifest::Build {
        version: env!("CARGO_PKG_VERSION").into(),
        git_commit: option_env!("RISKKALKYL_GIT_COMMIT").map(str::to_string),
    }
}

/// The manifest of a run of `scenario` with `plan` over `chunks` (a shard's slice or all),
/// chunk digests included: `checks` when the run computed them in its pass
/// ([`models::simulate_with_checks`]), else by running the sampled chunks again.
#[allow(clippy::too_many_arguments)]
pub fn manifest(
    scenario: &Scenario,
    source: &ScenarioSource,
    model: &Model,
    plan: &sim::RunPlan,
    opts: models::RunOptions,
    estimate_msek: f64,
    layout: models::run::manifest::ShardLayout,
    checks: Option<Vec<models::run::manifest::ChunkCheck>>,
) -> Result<models::run::manifest::Manifest, Failure> {
    use models::run::manifest::{Manifest, Platform, RunIdentity, chunk_checks};
    let sha = models::run::state::scenario_fingerprint(scenario);
    let run = RunIdentity::new(&build(), &scenario.meta.name, &sha, plan, opts.sampling, estimate_msek);
    let chunk_checks = match checks {
        Some(c) => c,
        None => chunk_checks(model, plan, layout.chunk_start..layout.chunk_end, estimate_msek, opts)?,
    };
    Ok(Manifest {
        fingerprint: run.fingerprint(),
        run,
        layout,
        platform: Platform::current(option_env!("RISKKALKYL_TARGET")),
        scenario_source: source.source.clone(),
        scenario_toml: source.text.clone(),
        chunk_checks,
        files: Vec::new(),
    })
}

/// Tell the user about the scenario's warnings (e.g. two optimism-bias corrections), and when
/// the correlation matrix was repaired and how far it moved.
fn note_repair(model: &Model, quiet: bool) {
    if !quiet {
        for w in model.warnings() {
            eprintln!("warning: {w}");
        }
    }
    if let Some(r) = model.correlation().and_then(|(rc, _)| rc.repair())
        && !quiet
    {
        eprintln!(
            "note: [correlation] matrix was not positive semi-definite (smallest eigenvalue {:.4}); repaired to the nearest valid one (Frobenius distance {:.4}, largest single change {:.4})",
            r.min_eigenvalue_before, r.frobenius, r.max_abs_change
        );
    }
}

/// Hand a result over as `output` says: `DIR/NAME.json` with `--out DIR`, and on stdout as
/// JSON (`--json`) or as the text `text` makes of it, unless `--quiet`.
fn deliver<T: serde::Serialize>(
    output: &Output,
    name: &str,
    value: &T,
    text: impl FnOnce(&T) -> String,
) -> Result<(), Failure> {
    if let Some(dir) = &output.out {
        let mut files = OutputSet::new(dir)?;
        files.add(&format!("{name}.json"), reports::export::json::pretty(value).as_bytes())?;
        files.commit()?;
    }
    if output.quiet {
        return Ok(());
    }
    print(&if output.json {
        reports::export::json::pretty(value)
    } else {
        text(value)
    })
}

/// A bad `--estimate-msek` is refused in [`crate::config`]; without one, the model's estimate.
fn estimate_or_default(given: Option<f64>, model: &Model) -> f64 {
    given.unwrap_or_else(|| model.reference_estimate_msek())
}
