//! riskkalkyl: Monte Carlo risk analysis of joint municipal IT operations.
//!
//! Thin glue: parse arguments, load and validate the scenario, run, write, map errors to exit
//! codes (0 success, 1 runtime failure such as an unwritable output, 2 invalid input: a bad
//! scenario file or bad arguments).

mod bench;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use models::alternatives::{AlternativesAnalysis, RisksAnalysis};
use models::analysis::if_present;
use models::decision::{DataCentreAnalysis, KeysAnalysis, MembershipAnalysis, OrganisationAnalysis};
use models::{Analysis, AnalysisError, AnalysisPlan, Model, RunOptions, Scenario, ScenarioError, SeTarget};
use reports::render::{Render, TextOptions};
use reports::state::ShardState;
use reports::{OutputSet, RunInfo, Summary};
use sim::{RunPlan, Sampling};

#[derive(Parser)]
#[command(
    name = "riskkalkyl",
    version,
    about = "Monte Carlo risk simulator for joint municipal IT operations (GGVV by default)"
)]
struct Cli {
    /// Scenario file (TOML). Default: the embedded GGVV scenario (`riskkalkyl scenario show`).
    #[arg(long, global = true, value_name = "FILE")]
    scenario: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate: NPV of net benefit per kommun, establishment cost, P(cost overrun).
    Run(RunArgs),
    /// Print the förstudie's three tables (seed 000 4.4) from the model at point values.
    Tables {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Board report: rapport.html with charts, charts/*.svg+png, summary.md, riskkalkyl.xlsx.
    Report(ReportArgs),
    /// What drives the risk: tornado, rank contributions, Sobol indices, EVPPI per input group.
    Sensitivity(SensitivityArgs),
    /// Follow-up: condition on actual spend and milestones, re-forecast, control ranges.
    Followup(FollowupArgs),
    /// Allocation keys and financing models side by side on the same draws, per kommun.
    Keys(DecisionArgs),
    /// AB versus kommunalförbund: corporate tax by pricing policy, liability in a bad outcome.
    Organisation(DecisionArgs),
    /// Existing versus new data centre, and the owner's compensation, per kommun.
    Datacentre(DecisionArgs),
    /// A member leaving and a new member joining: cost to the leaver, the entrant and the rest.
    Membership(DecisionArgs),
    /// The first study's alternatives (S, 1 Teknik, 1 Tjänst, 2) against staying as today.
    Alternatives(DecisionArgs),
    /// The risk register: each risk's expected cost, share of the P80 contingency, mitigations.
    Risks(DecisionArgs),
    /// Merge the shard state files of `run --shard I/N` into summary.json and yearly.csv,
    /// byte-identical to those of the unsharded run.
    Merge(MergeArgs),
    /// Measure speed and memory: runs/s, ns per run on 1 and all threads, peak RSS.
    Bench(bench::BenchArgs),
    /// Compare two scenarios on common random numbers: per kommun the distribution of
    /// NPV(A) − NPV(B), P(A better than B) and the variance reduction against independent draws.
    Compare(CompareArgs),
    /// Show or check scenario files.
    Scenario {
        #[command(subcommand)]
        action: ScenarioCmd,
    },
}

#[derive(Subcommand)]
enum ScenarioCmd {
    /// Print the scenario in use (the embedded default unless --scenario is given).
    Show,
    /// Validate a scenario file; exit 0 if valid, 2 with the problem if not.
    Check { file: PathBuf },
}

/// How inputs are drawn.
#[derive(Clone, Copy, clap::ValueEnum)]
enum SamplingArg {
    /// Plain Monte Carlo: independent draws.
    Mc,
    /// Latin hypercube sampling, one hypercube per chunk of 4096 runs.
    Lhs,
}

impl From<SamplingArg> for Sampling {
    fn from(s: SamplingArg) -> Sampling {
        match s {
            SamplingArg::Mc => Sampling::MonteCarlo,
            SamplingArg::Lhs => Sampling::LatinHypercube,
        }
    }
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Scenario A (TOML).
    a: PathBuf,
    /// Scenario B (TOML).
    b: PathBuf,
    /// Number of paired runs.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..))]
    runs: u64,
    /// Master seed, shared by both scenarios.
    #[arg(long, default_value_t = 20270101)]
    seed: u64,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// How inputs are drawn.
    #[arg(long, value_enum, default_value = "mc")]
    sampling: SamplingArg,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct SensitivityArgs {
    /// Simulated runs for rank contributions and EVPPI.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1000..=2_000_000))]
    runs: u64,
    /// Base samples for the Sobol indices (N·(k+2) model evaluations).
    #[arg(long, default_value_t = 8192, value_parser = clap::value_parser!(u64).range(256..=1_000_000))]
    sobol_n: u64,
    #[arg(long, default_value_t = 20270101)]
    seed: u64,
    /// Rows shown per table.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct FollowupArgs {
    /// Actuals to date (TOML: [[spend]] year, establishment_msek; [[milestones]] phase, completed_month).
    #[arg(long, value_name = "FILE")]
    actuals: PathBuf,
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1000..))]
    runs: u64,
    #[arg(long, default_value_t = 20270101)]
    seed: u64,
    /// Establishment budget in MSEK (default: the scenario's, else the förstudie's estimate).
    #[arg(long, value_name = "MSEK")]
    budget_msek: Option<f64>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Also write followup.json and corridor.csv into this directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct DecisionArgs {
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    runs: u64,
    #[arg(long, default_value_t = 20270101)]
    seed: u64,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Number of simulated runs (with --until-se: the most runs; at most 10^10, the statistics'
    /// exact range).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000_000))]
    runs: u64,
    /// How inputs are drawn: plain Monte Carlo or Latin hypercube.
    #[arg(long, value_enum, default_value = "mc")]
    sampling: SamplingArg,
    /// Run in batches until the standard error of every kommun's mean NPV is at most this many
    /// MSEK (and that of P(cost overrun) at most --until-se-prob), or --runs runs are done.
    #[arg(long, value_name = "MSEK")]
    until_se: Option<f64>,
    /// With --until-se: the largest standard error of P(cost overrun), as a probability
    /// (0.001 = 0.1 percentage point).
    #[arg(long, value_name = "P", default_value_t = 0.001, requires = "until_se")]
    until_se_prob: f64,
    /// With --until-se: runs per batch, rounded up to whole chunks of 4096.
    #[arg(long, value_name = "N", default_value_t = 65_536, requires = "until_se",
          value_parser = clap::value_parser!(u64).range(1..))]
    batch_runs: u64,
    /// Master seed: the same scenario, seed and runs give the same numbers on any thread count.
    #[arg(long, default_value_t = 20270101)]
    seed: u64,
    /// Worker threads (0 = one per core; at most 1024).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1024))]
    threads: u16,
    /// Establishment budget in MSEK for P(cost overrun). Default: the scenario's, else the
    /// förstudie's own estimate implied by its tables.
    #[arg(long, value_name = "MSEK", allow_negative_numbers = true)]
    budget_msek: Option<f64>,
    /// Output directory for summary.json and yearly.csv.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Also write per-run inputs and outputs to this CSV file (the first --samples-max runs).
    #[arg(long, value_name = "FILE.csv")]
    samples: Option<PathBuf>,
    /// Cap on the rows of --samples.
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    samples_max: u64,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
    /// Run only slice I of N of the run's chunks (I from 0; same seed, so the same draws as the
    /// whole run) and write a state file `shard-I-of-N.json` into --out for `riskkalkyl merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
}

#[derive(clap::Args)]
struct MergeArgs {
    /// Directories holding shard-*-of-*.json files (or the files themselves).
    #[arg(required = true, value_name = "DIR")]
    inputs: Vec<PathBuf>,
    /// Output directory for summary.json and yearly.csv.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

/// Slice `index` of `count` of a run (`--shard I/N`).
#[derive(Debug, Clone, Copy)]
struct Shard {
    index: u64,
    count: u64,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("expected I/N such as 0/4 (slice I of N, I from 0), got \"{s}\""))?;
    let num = |part: &str, what: &str| {
        part.trim()
            .parse::<u64>()
            .map_err(|_| format!("{what} in I/N must be a whole number, got \"{part}\""))
    };
    let (index, count) = (num(i, "I")?, num(n, "N")?);
    if count == 0 {
        return Err("N in I/N must be at least 1".into());
    }
    if index >= count {
        return Err(format!(
            "I must be below N (slices are numbered 0 to N-1), got {index}/{count}"
        ));
    }
    Ok(Shard { index, count })
}

#[derive(clap::Args)]
struct ReportArgs {
    /// Number of simulated runs (fewer than `run`'s default: the charts need less precision).
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..))]
    runs: u64,
    /// Master seed: the same seed and runs give the numbers `run` gives.
    #[arg(long, default_value_t = 20270101)]
    seed: u64,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Establishment budget in MSEK. Default: the scenario's, else the förstudie's estimate.
    #[arg(long, value_name = "MSEK")]
    budget_msek: Option<f64>,
    /// Language of the report.
    #[arg(long, value_enum, default_value = "sv")]
    lang: ReportLang,
    /// Output directory.
    #[arg(long, default_value = "rapport")]
    out: PathBuf,
    /// Runs for each decision analysis in the report (value of information, keys, organisation
    /// form, data centre, membership, alternatives, risk register); 0 leaves them out.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    analysis_runs: u64,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportLang {
    Sv,
    En,
}

/// A failure and its exit code.
enum Failure {
    Input(String),
    Runtime(String),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Failure {
        Failure::Input(format!("invalid scenario: {e}"))
    }
}

impl From<AnalysisError> for Failure {
    fn from(e: AnalysisError) -> Failure {
        match e {
            AnalysisError::Plan(e) => Failure::Runtime(e.to_string()),
            AnalysisError::Scenario(e) => e.into(),
            e => Failure::Input(e.to_string()),
        }
    }
}

impl From<reports::state::StateError> for Failure {
    fn from(e: reports::state::StateError) -> Failure {
        Failure::Input(e.to_string())
    }
}

impl From<reports::OutputError> for Failure {
    fn from(e: reports::OutputError) -> Failure {
        Failure::Runtime(e.to_string())
    }
}

fn load(path: &Option<PathBuf>) -> Result<(Scenario, String), Failure> {
    match path {
        Some(p) => {
            let s = Scenario::from_file(p)?;
            Ok((s, std::fs::read_to_string(p).unwrap_or_default()))
        }
        None => Ok((Scenario::default_ggvv(), models::DEFAULT_SCENARIO.to_string())),
    }
}

/// Print an analysis's report as JSON, or as its text.
fn emit<T: serde::Serialize + Render>(json: bool, value: &T, opts: &TextOptions) -> Result<(), Failure> {
    print(&if json {
        reports::json::pretty(value)
    } else {
        value.text(opts)
    })
}

/// Run `analysis` on the `--scenario` with the subcommand's runs and seed, and print it.
fn analysis_command<A: Analysis>(path: &Option<PathBuf>, analysis: A, args: &DecisionArgs) -> Result<(), Failure>
where
    A::Report: Render,
{
    let (s, _) = load(path)?;
    let model = Model::new(&s)?;
    let plan = AnalysisPlan::new(args.runs, args.seed)?;
    emit(args.json, &analysis.run(&s, &model, &plan)?, &TextOptions::default())
}

/// The `--budget-msek` given, checked, or the model's default budget.
fn budget_or_default(given: Option<f64>, model: &Model) -> Result<f64, Failure> {
    match given {
        Some(b) if !(b.is_finite() && b > 0.0) => Err(Failure::Input(format!(
            "--budget-msek {b}: the budget must be a positive number of MSEK"
        ))),
        Some(b) => Ok(b),
        None => Ok(model.budget_msek()),
    }
}

fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`| head`) is not an error worth reporting.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Runtime(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

fn run(args: RunArgs, scenario: &Scenario) -> Result<(), Failure> {
    let model = Model::new(scenario)?;
    let budget = budget_or_default(args.budget_msek, &model)?;
    let target = match (args.until_se, args.until_se_prob) {
        (None, _) => None,
        (Some(x), p) if x.is_finite() && x > 0.0 && p.is_finite() && p > 0.0 => Some(SeTarget { npv_msek: x, prob: p }),
        (Some(x), p) => {
            return Err(Failure::Input(format!(
                "--until-se {x} / --until-se-prob {p}: standard-error targets must be positive numbers"
            )));
        }
    };
    let opts = RunOptions {
        sampling: args.sampling.into(),
    };
    let plan =
        RunPlan::new(args.runs, args.seed, usize::from(args.threads)).map_err(|e| Failure::Input(e.to_string()))?;
    if args.shard.is_some() && args.samples.is_some() {
        return Err(Failure::Input(
            "--samples cannot be combined with --shard: write samples from an unsharded run".into(),
        ));
    }
    let chunks = match args.shard {
        Some(sh) => reports::state::shard_chunks(plan.chunks(), sh.index, sh.count),
        None => 0..plan.chunks(),
    };
    if target.is_some() && args.shard.is_some() {
        return Err(Failure::Input(
            "--until-se cannot be combined with --shard: a shard is a fixed slice of the run".into(),
        ));
    }
    note_repair(&model, args.quiet);
    // Check the output directory before spending time on the run.
    let mut files = OutputSet::new(&args.out)?;
    let bar = progress_bar(chunks.end - chunks.start, args.quiet);
    let started = std::time::Instant::now();
    let result = match target {
        None => models::simulate_with_progress(&model, &plan, chunks.clone(), budget, opts, &|| bar.inc(1))
            .map_err(|e| Failure::Runtime(e.to_string()))?,
        Some(t) => {
            let batch = args.batch_runs.div_ceil(sim::CHUNK_RUNS);
            let (r, met) = models::simulate_until(&model, &plan, budget, opts, batch, t)
                .map_err(|e| Failure::Runtime(e.to_string()))?;
            if !args.quiet {
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
                    t.npv_msek,
                    prob,
                    t.prob
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
            args.runs,
            models::scenario::MAX_OUTPUT_MSEK
        )));
    }
    let info = RunInfo {
        scenario: scenario.meta.name.clone(),
        // A shard records the whole run's count (merge checks the shards against it); with
        // --until-se the run may stop early, so record what was run.
        runs: if args.shard.is_some() { args.runs } else { result.runs },
        seed: args.seed,
        horizon_year: scenario.years.horizon_year,
        npv_base_year: model.npv_base_year(),
        discount_rate_pct: model.discount_rate_pct(),
    };
    if let Some(sh) = args.shard {
        let (runs, name) = (result.runs, ShardState::file_name(sh.index, sh.count));
        let state = ShardState::new(&info, scenario, sh.index, sh.count, chunks.clone(), result);
        files.add(&name, state.to_json().as_bytes())?;
        let written = files.commit()?;
        if !args.quiet {
            eprintln!(
                "wrote {} (shard {}/{}: chunks {}..{} of {}, {runs} of {} runs in {:.2} s); combine the shards with `riskkalkyl merge`",
                written[0].display(),
                sh.index,
                sh.count,
                chunks.start,
                chunks.end,
                plan.chunks(),
                args.runs,
                elapsed.as_secs_f64()
            );
        }
        return Ok(());
    }
    let summary = add_outputs(&mut files, &info, &result)?;
    if let Some(path) = &args.samples {
        let cap = args.samples_max.min(result.runs);
        let chunks = cap.div_ceil(sim::CHUNK_RUNS);
        // Streamed into the staged file row by row: memory does not grow with --samples-max.
        files.add_with_at(path, |w| {
            w.write_all(reports::csv::samples_header(model.input_names(), model.kommuner()).as_bytes())?;
            let mut row = String::new();
            let mut result = Ok(());
            models::run::for_each_run_with(&model, &plan, 0..chunks, opts, |run, x, o| {
                if run >= cap {
                    return false;
                }
                row.clear();
                reports::csv::samples_row(&mut row, run, x, o);
                result = w.write_all(row.as_bytes());
                result.is_ok()
            });
            result
        })?;
        if !args.quiet && cap < result.runs {
            eprintln!(
                "note: --samples holds the first {cap} of {} runs (raise --samples-max for more)",
                result.runs
            );
        }
    }
    let written = files.commit()?;
    if !args.quiet {
        print(&reports::console::summary(&summary))?;
        let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "wrote {} ({} runs in {:.2} s, {:.0} runs/s)",
            names.join(", "),
            result.runs,
            elapsed.as_secs_f64(),
            result.runs as f64 / elapsed.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

/// Stage summary.json and yearly.csv of a (whole or merged) run.
fn add_outputs(files: &mut OutputSet, info: &RunInfo, result: &models::RunResult) -> Result<Summary, Failure> {
    let summary = Summary::new(info, result);
    files.add("summary.json", summary.to_json().as_bytes())?;
    files.add("yearly.csv", reports::csv::yearly(result).as_bytes())?;
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

fn merge(args: MergeArgs) -> Result<(), Failure> {
    let mut states = Vec::new();
    for path in reports::state::state_files(&args.inputs)? {
        let state = ShardState::read(&path)?;
        states.push((path, state));
    }
    let (info, result) = reports::state::merge(states)?;
    let mut files = OutputSet::new(&args.out)?;
    let summary = add_outputs(&mut files, &info, &result)?;
    let written = files.commit()?;
    if !args.quiet {
        print(&reports::console::summary(&summary))?;
        let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        eprintln!("wrote {} (merged {} runs)", names.join(", "), result.runs);
    }
    Ok(())
}

/// The decision analyses the report shows, each on `runs` draws (none when `runs` is 0).
fn decision_analyses(
    s: &Scenario,
    model: &Model,
    runs: u64,
    seed: u64,
    budget: f64,
) -> Result<reports::analyses::Analyses, Failure> {
    let mut a = reports::analyses::Analyses {
        runs,
        ..Default::default()
    };
    if runs == 0 {
        return Ok(a);
    }
    let sensitivity = models::sensitivity::SensitivityAnalysis { sobol_n: 2048 };
    a.sensitivity = Some(sensitivity.run(s, model, &AnalysisPlan::new(runs.max(1000), seed)?)?);
    let plan = AnalysisPlan::new(runs, seed)?.with_budget_msek(budget)?;
    a.keys = if_present(KeysAnalysis.run(s, model, &plan))?;
    a.organisation = if_present(OrganisationAnalysis.run(s, model, &plan))?;
    a.data_centre = if_present(DataCentreAnalysis.run(s, model, &plan))?;
    a.membership = if_present(MembershipAnalysis.run(s, model, &plan))?;
    a.alternatives = if_present(AlternativesAnalysis.run(s, model, &plan))?;
    a.risks = if_present(RisksAnalysis.run(s, model, &plan))?;
    Ok(a)
}

fn report(args: ReportArgs, scenario: &Scenario, text: &str) -> Result<(), Failure> {
    let model = Model::new(scenario)?;
    let budget = budget_or_default(args.budget_msek, &model)?;
    let plan = RunPlan::new(args.runs, args.seed, args.threads).map_err(|e| Failure::Input(e.to_string()))?;
    let mut files = OutputSet::new(&args.out)?;
    let result = models::run::simulate_with_cumulative(&model, &plan, 0..plan.chunks(), budget)
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    let info = RunInfo {
        scenario: scenario.meta.name.clone(),
        runs: args.runs,
        seed: args.seed,
        horizon_year: scenario.years.horizon_year,
        npv_base_year: model.npv_base_year(),
        discount_rate_pct: model.discount_rate_pct(),
    };
    let lang = match args.lang {
        ReportLang::Sv => reports::format::Lang::Sv,
        ReportLang::En => reports::format::Lang::En,
    };
    let data = reports::report::ReportData::new(lang, &info, scenario, text, &model, &result);
    let charts = reports::chart::all(&data).map_err(|e| Failure::Runtime(e.to_string()))?;
    for c in &charts {
        files.add(&format!("charts/{}.svg", c.name), c.svg.as_bytes())?;
        files.add(&format!("charts/{}.png", c.name), &c.png)?;
    }
    let analyses = decision_analyses(scenario, &model, args.analysis_runs, args.seed, budget)?;
    let extra = reports::analyses::html_sections(&analyses, lang);
    files.add(
        "rapport.html",
        reports::html::page_with(&data, &charts, &extra).as_bytes(),
    )?;
    files.add("summary.md", reports::markdown::summary(&data).as_bytes())?;
    let xlsx = reports::xlsx::workbook(&data).map_err(|e| Failure::Runtime(e.to_string()))?;
    files.add("riskkalkyl.xlsx", &xlsx)?;
    let written = files.commit()?;
    if !args.quiet {
        print(&reports::markdown::summary(&data))?;
        eprintln!(
            "wrote {} files to {} (rapport.html, summary.md, riskkalkyl.xlsx, {} charts as SVG and PNG)",
            written.len(),
            args.out.display(),
            charts.len()
        );
    }
    Ok(())
}

/// Tell the user when the correlation matrix was repaired, and how far it moved.
fn note_repair(model: &Model, quiet: bool) {
    if let Some(r) = model.correlation().and_then(|(rc, _)| rc.repair())
        && !quiet
    {
        eprintln!(
            "note: [correlation] matrix was not positive semi-definite (smallest eigenvalue {:.4}); repaired to the nearest valid one (Frobenius distance {:.4}, largest single change {:.4})",
            r.min_eigenvalue_before, r.frobenius, r.max_abs_change
        );
    }
}

fn compare(args: CompareArgs) -> Result<(), Failure> {
    let (sa, sb) = (Scenario::from_file(&args.a)?, Scenario::from_file(&args.b)?);
    let (ma, mb) = (Model::new(&sa)?, Model::new(&sb)?);
    note_repair(&ma, args.json);
    note_repair(&mb, args.json);
    let plan = AnalysisPlan::new(args.runs, args.seed)?
        .with_threads(args.threads)
        .with_sampling(args.sampling.into());
    let (na, nb) = (args.a.display().to_string(), args.b.display().to_string());
    let analysis = models::compare::CompareAnalysis {
        b: &mb,
        names: (&na, &nb),
    };
    emit(args.json, &analysis.run(&sa, &ma, &plan)?, &TextOptions::default())
}

fn main_inner(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Scenario {
            action: ScenarioCmd::Check { file },
        } => {
            let s = Scenario::from_file(&file)?;
            note_repair(&Model::new(&s)?, false);
            print(&format!(
                "{}: valid scenario \"{}\" ({} kommuner)\n",
                file.display(),
                s.meta.name,
                s.kommuner.len()
            ))
        }
        Command::Scenario {
            action: ScenarioCmd::Show,
        } => {
            let (_, text) = load(&cli.scenario)?;
            print(&text)
        }
        Command::Tables { json } => {
            let (s, _) = load(&cli.scenario)?;
            let t = Model::new(&s)?.point_tables();
            print(&if json {
                reports::tables::to_json(&t)
            } else {
                reports::tables::to_text(&t)
            })
        }
        Command::Sensitivity(a) => {
            let (s, _) = load(&cli.scenario)?;
            let model = Model::new(&s)?;
            let analysis = models::sensitivity::SensitivityAnalysis {
                sobol_n: a.sobol_n as usize,
            };
            let r = analysis.run(&s, &model, &AnalysisPlan::new(a.runs, a.seed)?)?;
            emit(a.json, &r, &TextOptions { top: a.top })
        }
        Command::Followup(a) => {
            let (s, _) = load(&cli.scenario)?;
            let model = Model::new(&s)?;
            let name = a.actuals.display().to_string();
            let text = std::fs::read_to_string(&a.actuals).map_err(|e| {
                Failure::Input(format!(
                    "{name}: cannot read the actuals file: {e}\n  fix: check the path"
                ))
            })?;
            let actuals = models::followup::Actuals::from_toml(&text, &name, &s)?;
            let budget = budget_or_default(a.budget_msek, &model)?;
            let plan = AnalysisPlan::new(a.runs, a.seed)?.with_budget_msek(budget)?;
            let f = models::followup::FollowupAnalysis { actuals: &actuals }.run(&s, &model, &plan)?;
            if let Some(dir) = &a.out {
                let mut files = OutputSet::new(dir)?;
                files.add("followup.json", reports::json::pretty(&f).as_bytes())?;
                files.add("corridor.csv", reports::followup::corridor_csv(&f).as_bytes())?;
                let chart = reports::chart::corridor(&f, reports::format::Lang::Sv)
                    .map_err(|e| Failure::Runtime(e.to_string()))?;
                files.add("styrintervall.svg", chart.svg.as_bytes())?;
                files.add("styrintervall.png", &chart.png)?;
                files.commit()?;
            }
            emit(a.json, &f, &TextOptions::default())
        }
        Command::Keys(a) => analysis_command(&cli.scenario, KeysAnalysis, &a),
        Command::Organisation(a) => analysis_command(&cli.scenario, OrganisationAnalysis, &a),
        Command::Datacentre(a) => analysis_command(&cli.scenario, DataCentreAnalysis, &a),
        Command::Membership(a) => analysis_command(&cli.scenario, MembershipAnalysis, &a),
        Command::Alternatives(a) => analysis_command(&cli.scenario, AlternativesAnalysis, &a),
        Command::Risks(a) => analysis_command(&cli.scenario, RisksAnalysis, &a),
        Command::Compare(args) => compare(args),
        Command::Run(args) => {
            let (s, _) = load(&cli.scenario)?;
            run(args, &s)
        }
        Command::Merge(args) => merge(args),
        Command::Bench(args) => {
            let (s, _) = load(&cli.scenario)?;
            let model = Model::new(&s)?;
            let report = bench::run(&args, &s, &model).map_err(|e| Failure::Runtime(e.to_string()))?;
            print(&if args.json { report.to_json() } else { report.to_text() })
        }
        Command::Report(args) => {
            let (s, text) = load(&cli.scenario)?;
            report(args, &s, &text)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match main_inner(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}
