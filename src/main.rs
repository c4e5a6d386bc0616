//! riskkalkyl: Monte Carlo risk analysis of joint municipal IT operations.
//!
//! Thin glue: parse arguments, load and validate the scenario, run, write, map errors to exit
//! codes (0 success, 1 runtime failure such as an unwritable output, 2 invalid input: a bad
//! scenario file or bad arguments).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use models::{Model, RunOptions, Scenario, ScenarioError, SeTarget};
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
struct RunArgs {
    /// Number of simulated runs (with --until-se: the most runs).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
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
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Establishment budget in MSEK for P(cost overrun). Default: the scenario's, else the
    /// förstudie's own estimate implied by its tables.
    #[arg(long, value_name = "MSEK")]
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
    let budget = match args.budget_msek {
        Some(b) if !(b.is_finite() && b > 0.0) => {
            return Err(Failure::Input(format!(
                "--budget-msek {b}: the budget must be a positive number of MSEK"
            )));
        }
        Some(b) => b,
        None => model.budget_msek(),
    };
    let target = match (args.until_se, args.until_se_prob) {
        (None, _) => None,
        (Some(x), p) if x.is_finite() && x > 0.0 && p.is_finite() && p > 0.0 => Some(SeTarget { npv_msek: x, prob: p }),
        (Some(x), p) => {
            return Err(Failure::Input(format!(
                "--until-se {x} / --until-se-prob {p}: standard-error targets must be positive numbers"
            )));
        }
    };
    let plan = RunPlan::new(args.runs, args.seed, args.threads).map_err(|e| Failure::Input(e.to_string()))?;
    let opts = RunOptions {
        sampling: args.sampling.into(),
    };
    note_repair(&model, args.quiet);
    // Check the output directory before spending time on the run.
    let mut files = OutputSet::new(&args.out)?;
    let started = std::time::Instant::now();
    let result = match target {
        None => models::simulate_with(&model, &plan, 0..plan.chunks(), budget, opts)
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
    let info = RunInfo {
        scenario: scenario.meta.name.clone(),
        runs: result.runs,
        seed: args.seed,
        horizon_year: scenario.years.horizon_year,
        npv_base_year: model.npv_base_year(),
        discount_rate_pct: model.discount_rate_pct(),
    };
    let summary = Summary::new(&info, &result);
    files.add("summary.json", summary.to_json().as_bytes())?;
    files.add("yearly.csv", reports::csv::yearly(&result).as_bytes())?;
    if let Some(path) = &args.samples {
        let mut text = reports::csv::samples_header(model.input_names(), model.kommuner());
        let cap = args.samples_max.min(result.runs);
        let chunks = cap.div_ceil(sim::CHUNK_RUNS);
        models::run::for_each_run_with(&model, &plan, 0..chunks, opts, |run, x, o| {
            if run >= cap {
                return false;
            }
            reports::csv::samples_row(&mut text, run, x, o);
            true
        });
        reports::output::write_file_atomic(path, text.as_bytes())?;
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
    let plan = RunPlan::new(args.runs, args.seed, args.threads).map_err(|e| Failure::Input(e.to_string()))?;
    let opts = RunOptions {
        sampling: args.sampling.into(),
    };
    let r = models::compare(&ma, &mb, &plan, opts).map_err(|e| match e {
        models::compare::CompareError::Plan(e) => Failure::Runtime(e.to_string()),
        e => Failure::Input(e.to_string()),
    })?;
    let (na, nb) = (args.a.display().to_string(), args.b.display().to_string());
    let summary = models::CompareSummary::new(&na, &nb, args.seed, &r);
    print(&if args.json {
        reports::compare::to_json(&summary)
    } else {
        reports::compare::to_text(&summary)
    })
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
        Command::Compare(args) => compare(args),
        Command::Run(args) => {
            let (s, _) = load(&cli.scenario)?;
            run(args, &s)
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
