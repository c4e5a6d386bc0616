//! riskkalkyl: Monte Carlo risk analysis of joint municipal IT operations.
//!
//! Thin glue: parse arguments, load and validate the scenario, run, write, map errors to exit
//! codes (0 success, 1 runtime failure such as an unwritable output, 2 invalid input: a bad
//! scenario file or bad arguments).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use models::{Model, Scenario, ScenarioError};
use reports::{OutputSet, RunInfo, Summary};
use sim::RunPlan;

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

#[derive(clap::Args)]
struct RunArgs {
    /// Number of simulated runs.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    runs: u64,
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
    let plan = RunPlan::new(args.runs, args.seed, args.threads).map_err(|e| Failure::Input(e.to_string()))?;
    // Check the output directory before spending time on the run.
    let mut files = OutputSet::new(&args.out)?;
    let started = std::time::Instant::now();
    let result =
        models::simulate(&model, &plan, 0..plan.chunks(), budget).map_err(|e| Failure::Runtime(e.to_string()))?;
    let elapsed = started.elapsed();
    let info = RunInfo {
        scenario: scenario.meta.name.clone(),
        runs: args.runs,
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
        let cap = args.samples_max.min(args.runs);
        let chunks = cap.div_ceil(sim::CHUNK_RUNS);
        models::run::for_each_run(&model, &plan, 0..chunks, |run, x, o| {
            if run >= cap {
                return false;
            }
            reports::csv::samples_row(&mut text, run, x, o);
            true
        });
        reports::output::write_file_atomic(path, text.as_bytes())?;
        if !args.quiet && cap < args.runs {
            eprintln!(
                "note: --samples holds the first {cap} of {} runs (raise --samples-max for more)",
                args.runs
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
            args.runs,
            elapsed.as_secs_f64(),
            args.runs as f64 / elapsed.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

fn report(args: ReportArgs, scenario: &Scenario, text: &str) -> Result<(), Failure> {
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
    files.add("rapport.html", reports::html::page(&data, &charts).as_bytes())?;
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

fn main_inner(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Scenario {
            action: ScenarioCmd::Check { file },
        } => {
            let s = Scenario::from_file(&file)?;
            Model::new(&s)?;
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
        Command::Run(args) => {
            let (s, _) = load(&cli.scenario)?;
            run(args, &s)
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
