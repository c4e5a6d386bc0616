//! The command line, validated once: [`Config::from_cli`] turns the parsed flags
//! ([`crate::args`]) into what the commands run, and refuses every flag a command would not
//! honour (a flag that does nothing is an error, exit 2, saying why and what to do).

use std::path::PathBuf;

use sim::Sampling;

use crate::args::{self, Cli, Command, DrawArgs, OutputArgs, SamplingArg, ScenarioCmd};
use crate::failure::Failure;

/// What to run, with every flag checked.
pub struct Config {
    /// `--scenario`; `None` is the embedded default. Only on commands that read it.
    pub scenario: Option<PathBuf>,
    /// Worker threads for everything the command runs (0 = one per core).
    pub threads: usize,
    pub task: Task,
}

/// Runs, seed and sampling of a simulating command (threads are in [`Config`]).
#[derive(Clone, Copy)]
pub struct Draws {
    pub runs: u64,
    pub seed: u64,
    pub threads: usize,
    pub sampling: Sampling,
}

/// What a command prints and writes.
pub struct Output {
    pub quiet: bool,
    pub json: bool,
    pub out: Option<PathBuf>,
}

/// A decision analysis that takes only draws and output flags.
#[derive(Clone, Copy)]
pub enum Analysis {
    Keys,
    Organisation,
    Datacentre,
    Membership,
    Alternatives,
    Risks,
}

impl Analysis {
    /// The subcommand's name, also the stem of its `--out` file.
    pub fn name(self) -> &'static str {
        match self {
            Analysis::Keys => "keys",
            Analysis::Organisation => "organisation",
            Analysis::Datacentre => "datacentre",
            Analysis::Membership => "membership",
            Analysis::Alternatives => "alternatives",
            Analysis::Risks => "risks",
        }
    }
}

pub enum Task {
    Run(RunTask),
    Report {
        draws: Draws,
        output: Output,
        estimate_msek: Option<f64>,
        lang: reports::format::Lang,
        analysis_runs: u64,
    },
    Sensitivity {
        draws: Draws,
        output: Output,
        sobol_n: usize,
        top: usize,
    },
    Explain {
        draws: Draws,
        output: Output,
        lang: reports::format::Lang,
    },
    Followup {
        draws: Draws,
        output: Output,
        actuals: PathBuf,
        estimate_msek: Option<f64>,
    },
    Analysis {
        kind: Analysis,
        draws: Draws,
        output: Output,
    },
    Compare {
        a: PathBuf,
        b: PathBuf,
        draws: Draws,
        output: Output,
    },
    Bench {
        draws: Draws,
        output: Output,
    },
    Serve {
        addr: std::net::SocketAddr,
        lang: reports::format::Lang,
        /// Runs of the quick pass and of the refinement.
        runs: (u64, u64),
    },
    Merge {
        inputs: Vec<PathBuf>,
        out: PathBuf,
        quiet: bool,
    },
    Tables {
        json: bool,
    },
    Verify {
        dir: PathBuf,
        rerun: bool,
        quiet: bool,
    },
    Fit {
        data: PathBuf,
        column: Option<String>,
        range: Option<String>,
        json: bool,
    },
    ScenarioShow,
    ScenarioCheck {
        file: PathBuf,
    },
    ScenarioExport {
        xlsx: PathBuf,
    },
}

pub struct RunTask {
    pub draws: Draws,
    pub output: Output,
    /// The output directory (`--out`, default `out`).
    pub out: PathBuf,
    pub estimate_msek: Option<f64>,
    pub until_se: Option<models::SeTarget>,
    pub batch_runs: u64,
    pub samples: Option<PathBuf>,
    pub samples_max: u64,
    pub shard: Option<args::Shard>,
}

/// The most runs of the analyses that keep every draw in memory.
const MAX_KEPT_RUNS: u64 = 10_000_000;

impl Config {
    /// Check the command line as a whole; nothing is read or written yet.
    pub fn from_cli(cli: Cli) -> Result<Config, Failure> {
        let refuse_scenario = |command: &str, why: &str| match &cli.scenario {
            Some(_) => Err(Failure::Input(format!(
                "--scenario is not taken by `{command}`: {why}\n  fix: leave --scenario out"
            ))),
            None => Ok(()),
        };
        let task = match cli.command {
            Command::Run(a) => Task::Run(run_task(a)?),
            Command::Report(a) => {
                let (draws, output) = checked("report", a.draws, a.output, Needs::Writes)?;
                mc_only("report", draws)?;
                Task::Report {
                    draws,
                    output,
                    estimate_msek: estimate(a.estimate)?,
                    lang: lang(a.lang),
                    analysis_runs: a.analysis_runs,
                }
            }
            Command::Sensitivity(a) => {
                let (draws, output) = checked("sensitivity", a.draws, a.output, Needs::Prints)?;
                mc_only("sensitivity", draws)?;
                runs_within("sensitivity", draws, 1000, 2_000_000, "it keeps every draw for EVPPI")?;
                Task::Sensitivity {
                    draws,
                    output,
                    sobol_n: a.sobol_n as usize,
                    top: a.top,
                }
            }
            Command::Explain(a) => {
                let (draws, output) = checked("explain", a.draws, a.output, Needs::Prints)?;
                mc_only("explain", draws)?;
                runs_within(
                    "explain",
                    draws,
                    100,
                    200_000,
                    "it keeps every draw and evaluates each under every subset of the input groups",
                )?;
                Task::Explain {
                    draws,
                    output,
                    lang: lang(a.lang),
                }
            }
            Command::Followup(a) => {
                let (draws, output) = checked("followup", a.draws, a.output, Needs::Prints)?;
                mc_only("followup", draws)?;
                runs_within(
                    "followup",
                    draws,
                    1000,
                    args::MAX_RUNS,
                    "it conditions on enough accepted draws",
                )?;
                Task::Followup {
                    draws,
                    output,
                    actuals: a.actuals,
                    estimate_msek: estimate(a.estimate)?,
                }
            }
            Command::Keys(a) => analysis(Analysis::Keys, a)?,
            Command::Organisation(a) => analysis(Analysis::Organisation, a)?,
            Command::Datacentre(a) => analysis(Analysis::Datacentre, a)?,
            Command::Membership(a) => analysis(Analysis::Membership, a)?,
            Command::Alternatives(a) => analysis(Analysis::Alternatives, a)?,
            Command::Risks(a) => analysis(Analysis::Risks, a)?,
            Command::Compare(a) => {
                refuse_scenario(
                    "compare",
                    "it compares the two scenario files it is given (compare A.toml B.toml)",
                )?;
                let (draws, output) = checked("compare", a.draws, a.output, Needs::Prints)?;
                Task::Compare {
                    a: a.a,
                    b: a.b,
                    draws,
                    output,
                }
            }
            Command::Serve(a) => Task::Serve {
                addr: std::net::SocketAddr::new(
                    a.listen.unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
                    a.port,
                ),
                lang: match a.lang {
                    args::ReportLang::Sv => reports::format::Lang::Sv,
                    args::ReportLang::En => reports::format::Lang::En,
                },
                runs: (a.quick_runs, a.refine_runs),
            },
            Command::Bench(a) => {
                let (draws, output) = checked("bench", a.draws, a.output, Needs::Prints)?;
                Task::Bench { draws, output }
            }
            Command::Merge(a) => {
                refuse_scenario("merge", "every shard state file holds the scenario of its run")?;
                Task::Merge {
                    inputs: a.inputs,
                    out: a.out,
                    quiet: a.quiet,
                }
            }
            Command::Tables { json } => Task::Tables { json },
            Command::Fit(a) => {
                refuse_scenario("fit", "it reads only the data file")?;
                Task::Fit {
                    data: a.data,
                    column: a.column,
                    range: a.range,
                    json: a.json,
                }
            }
            Command::Verify(a) => {
                refuse_scenario("verify", "the manifest holds the scenario of the run it checks")?;
                Task::Verify {
                    dir: a.dir,
                    rerun: a.rerun,
                    quiet: a.quiet,
                }
            }
            Command::Scenario {
                action: ScenarioCmd::Show,
            } => Task::ScenarioShow,
            Command::Scenario {
                action: ScenarioCmd::Check { file },
            } => {
                refuse_scenario("scenario check", "it checks the file it is given (scenario check FILE)")?;
                Task::ScenarioCheck { file }
            }
            Command::Scenario {
                action: ScenarioCmd::Export { xlsx },
            } => {
                if !models::scenario::workbook::is_workbook(&xlsx) {
                    return Err(Failure::Input(format!(
                        "--xlsx {}: the workbook's name must end in .xlsx\n  fix: give a name like scenario.xlsx",
                        xlsx.display()
                    )));
                }
                Task::ScenarioExport { xlsx }
            }
        };
        let threads = match &task {
            Task::Run(r) => r.draws.threads,
            Task::Report { draws, .. }
            | Task::Sensitivity { draws, .. }
            | Task::Followup { draws, .. }
            | Task::Explain { draws, .. }
            | Task::Analysis { draws, .. }
            | Task::Compare { draws, .. }
            | Task::Bench { draws, .. } => draws.threads,
            _ => 0,
        };
        Ok(Config {
            scenario: cli.scenario,
            threads,
            task,
        })
    }
}

/// Whether a command always writes files (so `--quiet` alone makes sense) or prints its result.
enum Needs {
    Writes,
    Prints,
}

fn checked(command: &str, d: DrawArgs, o: OutputArgs, needs: Needs) -> Result<(Draws, Output), Failure> {
    if o.quiet && o.out.is_none() && matches!(needs, Needs::Prints) {
        return Err(Failure::Input(format!(
            "--quiet without --out: `{command}` would print nothing and write nothing\n  \
             fix: add --out DIR to keep the result in files, or leave --quiet out"
        )));
    }
    let draws = Draws {
        runs: d.runs,
        seed: d.seed,
        threads: d.threads,
        sampling: match d.sampling {
            SamplingArg::Mc => Sampling::MonteCarlo,
            SamplingArg::Lhs => Sampling::LatinHypercube,
        },
    };
    let output = Output {
        quiet: o.quiet,
        json: o.json,
        out: o.out,
    };
    Ok((draws, output))
}

fn mc_only(command: &str, draws: Draws) -> Result<(), Failure> {
    match draws.sampling {
        Sampling::MonteCarlo => Ok(()),
        Sampling::LatinHypercube => Err(Failure::Input(format!(
            "--sampling lhs: `{command}` draws plain Monte Carlo only\n  \
             fix: leave --sampling out; run, compare and bench take --sampling lhs"
        ))),
    }
}

fn runs_within(command: &str, draws: Draws, min: u64, max: u64, why: &str) -> Result<(), Failure> {
    if (min..=max).contains(&draws.runs) {
        return Ok(());
    }
    Err(Failure::Input(format!(
        "--runs {}: `{command}` takes {min} to {max} runs ({why})\n  fix: choose --runs in that range",
        draws.runs
    )))
}

fn analysis(kind: Analysis, a: args::DecisionArgs) -> Result<Task, Failure> {
    let (draws, output) = checked(kind.name(), a.draws, a.output, Needs::Prints)?;
    mc_only(kind.name(), draws)?;
    runs_within(kind.name(), draws, 1, MAX_KEPT_RUNS, "it keeps every draw")?;
    Ok(Task::Analysis { kind, draws, output })
}

fn lang(l: args::ReportLang) -> reports::format::Lang {
    match l {
        args::ReportLang::Sv => reports::format::Lang::Sv,
        args::ReportLang::En => reports::format::Lang::En,
    }
}

/// `--estimate-msek` (or its deprecated name `--budget-msek`, read with a note), if given, must
/// be a positive number of MSEK.
fn estimate(a: args::EstimateArgs) -> Result<Option<f64>, Failure> {
    let (flag, given) = match (a.estimate_msek, a.budget_msek) {
        (None, Some(b)) => {
            eprintln!(
                "note: --budget-msek is deprecated (the förstudie sets no budget): read as --estimate-msek {b}, the figure the cost is compared with"
            );
            ("--budget-msek", Some(b))
        }
        (g, _) => ("--estimate-msek", g),
    };
    match given {
        Some(b) if !(b.is_finite() && b > 0.0) => Err(Failure::Input(format!(
            "{flag} {b}: the figure to compare the cost with must be a positive number of MSEK"
        ))),
        b => Ok(b),
    }
}

fn run_task(a: args::RunArgs) -> Result<RunTask, Failure> {
    let (draws, output) = checked("run", a.draws, a.output, Needs::Writes)?;
    let estimate_msek = estimate(a.estimate)?;
    let until_se = match (a.until_se, a.until_se_prob) {
        (None, _) => None,
        (Some(x), p) if x.is_finite() && x > 0.0 && p.is_finite() && p > 0.0 => {
            Some(models::SeTarget { npv_msek: x, prob: p })
        }
        (Some(x), p) => {
            return Err(Failure::Input(format!(
                "--until-se {x} / --until-se-prob {p}: standard-error targets must be positive numbers"
            )));
        }
    };
    if a.shard.is_some() {
        let refused = [
            (
                a.samples.is_some(),
                "--samples cannot be combined with --shard: write samples from an unsharded run",
            ),
            (
                until_se.is_some(),
                "--until-se cannot be combined with --shard: a shard is a fixed slice of the run",
            ),
            (
                output.json,
                "--json cannot be combined with --shard: a shard has no summary; `riskkalkyl merge` prints it",
            ),
        ];
        if let Some((_, msg)) = refused.iter().find(|(bad, _)| *bad) {
            return Err(Failure::Input((*msg).into()));
        }
    }
    let out = output.out.clone().unwrap_or_else(|| PathBuf::from("out"));
    Ok(RunTask {
        draws,
        output,
        out,
        estimate_msek,
        until_se,
        batch_runs: a.batch_runs,
        samples: a.samples,
        samples_max: a.samples_max,
        shard: a.shard,
    })
}
