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

fn decision_setup(s: &Scenario) -> Result<(Model, models::decision::DecisionSettings), Failure> {
    let model = Model::new(s)?;
    let d = s.decision.clone().ok_or_else(|| {
        Failure::Input(
            "the scenario has no [decision] section\n  fix: add one; `riskkalkyl scenario show` prints the default's"
                .into(),
        )
    })?;
    Ok((model, d))
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
        Command::Sensitivity(a) => {
            let (s, _) = load(&cli.scenario)?;
            let model = Model::new(&s)?;
            let r = models::sensitivity::analyse(&s, &model, a.runs, a.seed, a.sobol_n as usize);
            print(&if a.json {
                reports::sensitivity::to_json(&r)
            } else {
                reports::sensitivity::to_text(&r, a.top)
            })
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
            let budget = match a.budget_msek {
                Some(b) if !(b.is_finite() && b > 0.0) => {
                    return Err(Failure::Input(format!(
                        "--budget-msek {b}: the budget must be a positive number of MSEK"
                    )));
                }
                Some(b) => b,
                None => model.budget_msek(),
            };
            let f = models::followup::followup(&s, &model, &actuals, a.runs, a.seed, budget)
                .map_err(|e| Failure::Input(e.to_string()))?;
            if let Some(dir) = &a.out {
                let mut files = OutputSet::new(dir)?;
                files.add("followup.json", reports::followup::to_json(&f).as_bytes())?;
                files.add("corridor.csv", reports::followup::corridor_csv(&f).as_bytes())?;
                files.commit()?;
            }
            print(&if a.json {
                reports::followup::to_json(&f)
            } else {
                reports::followup::to_text(&f)
            })
        }
        Command::Keys(a) => {
            let (s, _) = load(&cli.scenario)?;
            let (model, d) = decision_setup(&s)?;
            let r = models::decision::compare_keys(&s, &model, &d, a.runs, a.seed);
            print(&if a.json {
                reports::decision::keys_json(&r)
            } else {
                reports::decision::keys_text(&r)
            })
        }
        Command::Organisation(a) => {
            let (s, _) = load(&cli.scenario)?;
            let (model, d) = decision_setup(&s)?;
            let budget = model.budget_msek();
            let r = models::decision::compare_organisation(&s, &model, &d, a.runs, a.seed, budget);
            print(&if a.json {
                reports::decision::org_json(&r)
            } else {
                reports::decision::org_text(&r)
            })
        }
        Command::Datacentre(a) => {
            let (s, _) = load(&cli.scenario)?;
            let (model, d) = decision_setup(&s)?;
            let r = models::decision::compare_data_centre(&s, &model, &d, a.runs, a.seed).ok_or_else(|| {
                Failure::Input("the scenario has no [decision.data_centre] section\n  fix: add one; `riskkalkyl scenario show` prints the default's".into())
            })?;
            print(&if a.json {
                reports::decision::dc_json(&r)
            } else {
                reports::decision::dc_text(&r)
            })
        }
        Command::Membership(a) => {
            let (s, _) = load(&cli.scenario)?;
            let (model, d) = decision_setup(&s)?;
            let r = models::decision::compare_membership(&s, &model, &d, a.runs, a.seed).ok_or_else(|| {
                Failure::Input("the scenario has no [decision.membership] section\n  fix: add one; `riskkalkyl scenario show` prints the default's".into())
            })?;
            print(&if a.json {
                reports::decision::membership_json(&r)
            } else {
                reports::decision::membership_text(&r)
            })
        }
        Command::Alternatives(a) => {
            let (s, _) = load(&cli.scenario)?;
            if s.alternatives.is_empty() {
                return Err(Failure::Input(
                    "the scenario has no [[alternatives]]\n  fix: add them; `riskkalkyl scenario show` prints the default's".into(),
                ));
            }
            let r = models::alternatives::compare_alternatives(&s, a.runs, a.seed)?;
            print(&if a.json {
                reports::alternatives::alternatives_json(&r)
            } else {
                reports::alternatives::alternatives_text(&r)
            })
        }
        Command::Risks(a) => {
            let (s, _) = load(&cli.scenario)?;
            let budget = Model::new(&s)?.budget_msek();
            let r = models::alternatives::analyse_risks(&s, a.runs, a.seed, budget)?.ok_or_else(|| {
                Failure::Input("the scenario has no [risk_register]\n  fix: add one; `riskkalkyl scenario show` prints the default's".into())
            })?;
            print(&if a.json {
                reports::alternatives::risks_json(&r)
            } else {
                reports::alternatives::risks_text(&r)
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
