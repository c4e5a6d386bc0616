//! The command line as typed (clap derive): flags, their parsing and their help. Nothing here
//! checks how flags combine; [`crate::config`] turns these into a validated configuration.
//!
//! Every simulating command flattens the same two groups, [`DrawArgs`] (`--runs --seed
//! --threads --sampling`) and [`OutputArgs`] (`--quiet --json --out`), so they parse, bound
//! and default alike. The one default rule: `--runs` 1 000 000 for `run` and `bench`, 200 000
//! for every other simulating command; `--seed` 20270101; `--threads` 0 (one per core);
//! `--sampling mc`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The default master seed of every simulating command.
pub const DEFAULT_SEED: u64 = 20270101;
/// The most runs any command accepts: the statistics' exact range.
pub const MAX_RUNS: u64 = 10_000_000_000;
/// The most worker threads any command accepts.
pub const MAX_THREADS: usize = 1024;

/// The default rule, said in the top-level help and in every `--runs`.
const RUNS_RULE: &str = "default: 1 000 000 for run and bench, 200 000 for every other simulating command";

#[derive(Parser)]
#[command(
    name = "riskkalkyl",
    version,
    about = "Monte Carlo risk simulator for joint municipal IT operations (GGVV by default)",
    after_help = "Defaults of every simulating command: --runs 1 000 000 for run and bench, 200 000 for the \
                  others; --seed 20270101; --threads 0 (one per core); --sampling mc.\n\n\
                  Examples:\n  riskkalkyl run\n  riskkalkyl --scenario my.toml report --lang en --out rapport-en"
)]
pub struct Cli {
    /// Scenario file (TOML, or a workbook ending in .xlsx). Default: the embedded GGVV scenario (`riskkalkyl scenario show`).
    /// Not taken by compare (it names its two scenarios), merge (the shards hold theirs) or
    /// scenario check (it names its file).
    #[arg(long, global = true, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Simulate: NPV of net benefit per kommun, establishment cost, P(cost overrun).
    #[command(
        mut_arg("runs", |a| a.default_value("1000000")
            .help(format!("Simulated runs (with --until-se: the most runs), 1 to 10^10; {RUNS_RULE}"))),
        mut_arg("out", |a| a.default_value("out").help("Output directory for summary.json and yearly.csv")),
        mut_arg("json", |a| a.help("Print summary.json to stdout instead of the text summary")),
        after_help = "Examples:\n  riskkalkyl run --runs 200000 --seed 7 --out out\n  \
                      riskkalkyl --scenario my.toml run --until-se 0.05 --samples draws.csv"
    )]
    Run(RunArgs),
    /// Print the förstudie's three tables (seed 000 4.4) from the model at point values.
    #[command(after_help = "Examples:\n  riskkalkyl tables\n  riskkalkyl --scenario my.toml tables --json")]
    Tables {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Board report: rapport.html with charts, charts/*.svg+png, summary.md, riskkalkyl.xlsx.
    #[command(
        mut_arg("out", |a| a.default_value("rapport").help("Output directory of the report")),
        mut_arg("json", |a| a.help("Print the run's summary.json to stdout instead of summary.md")),
        mut_arg("sampling", |a| a.help("How inputs are drawn; the report supports mc only")),
        after_help = "Examples:\n  riskkalkyl report\n  riskkalkyl report --lang en --runs 50000 --analysis-runs 0 --out rapport-en"
    )]
    Report(ReportArgs),
    /// What drives the risk: tornado, rank contributions, Sobol indices, EVPPI per input group.
    #[command(
        mut_arg("runs", |a| a.help(format!("Simulated runs for rank contributions and EVPPI, 1000 to 2 000 000 (every draw is kept: the default takes about 0.6 GB); {RUNS_RULE}"))),
        after_help = "Examples:\n  riskkalkyl sensitivity --top 5\n  riskkalkyl sensitivity --runs 50000 --sobol-n 1024 --json --out sens"
    )]
    Sensitivity(SensitivityArgs),
    /// Why the result differs from the förstudie: the difference between its point estimate and
    /// the simulated mean, P20/P50/P80, split by exact Shapley values over the input groups.
    #[command(
        mut_arg("runs", |a| a.default_value(EXPLAIN_RUNS).help(EXPLAIN_RUNS_HELP)),
        mut_arg("out", |a| a.help(out_json_help("explain"))),
        mut_arg("sampling", |a| a.help("How inputs are drawn; explain supports mc only")),
        after_help = "Examples:\n  riskkalkyl explain\n  riskkalkyl explain --lang en --runs 20000 --json --out forklaring"
    )]
    Explain(ExplainArgs),
    /// Follow-up: condition on actual spend and milestones, re-forecast, control ranges.
    #[command(
        mut_arg("runs", |a| a.help(format!("Simulated runs, 1000 to 10^10 (the conditioning needs enough accepted draws); {RUNS_RULE}"))),
        mut_arg("out", |a| a.help("Also write followup.json, corridor.csv and styrintervall.svg/png into this directory")),
        after_help = "Examples:\n  riskkalkyl followup --actuals examples/actuals.toml\n  \
                      riskkalkyl followup --actuals actuals.toml --estimate-msek 30 --out uppfoljning"
    )]
    Followup(FollowupArgs),
    /// Allocation keys and financing models side by side on the same draws, per kommun.
    #[command(
        mut_arg("runs", |a| a.help(decision_runs_help())),
        mut_arg("out", |a| a.help(out_json_help("keys"))),
        after_help = "Examples:\n  riskkalkyl keys\n  riskkalkyl keys --runs 50000 --json"
    )]
    Keys(DecisionArgs),
    /// AB versus kommunalförbund: corporate tax by pricing policy, liability in a bad outcome.
    #[command(
        mut_arg("runs", |a| a.help(decision_runs_help())),
        mut_arg("out", |a| a.help(out_json_help("organisation"))),
        after_help = "Examples:\n  riskkalkyl organisation\n  riskkalkyl organisation --json --out beslut"
    )]
    Organisation(DecisionArgs),
    /// Existing versus new data centre, and the owner's compensation, per kommun.
    #[command(
        mut_arg("runs", |a| a.help(decision_runs_help())),
        mut_arg("out", |a| a.help(out_json_help("datacentre"))),
        after_help = "Examples:\n  riskkalkyl datacentre\n  riskkalkyl --scenario my.toml datacentre --seed 7 --json"
    )]
    Datacentre(DecisionArgs),
    /// A member leaving and a new member joining: cost to the leaver, the entrant and the rest.
    #[command(
        mut_arg("runs", |a| a.help(decision_runs_help())),
        mut_arg("out", |a| a.help(out_json_help("membership"))),
        after_help = "Examples:\n  riskkalkyl membership\n  riskkalkyl membership --runs 50000 --quiet --out beslut"
    )]
    Membership(DecisionArgs),
    /// The first study's alternatives (S, 1 Teknik, 1 Tjänst, 2) against staying as today.
    #[command(
        mut_arg("runs", |a| a.help(decision_runs_help())),
        mut_arg("out", |a| a.help(out_json_help("alternatives"))),
        after_help = "Examples:\n  riskkalkyl alternatives\n  riskkalkyl alternatives --json --out beslut"
    )]
    Alternatives(DecisionArgs),
    /// The risk register: each risk's expected cost, share of the P80 contingency, mitigations.
    #[command(
        mut_arg("runs", |a| a.help(decision_runs_help())),
        mut_arg("out", |a| a.help(out_json_help("risks"))),
        after_help = "Examples:\n  riskkalkyl risks\n  riskkalkyl --scenario my.toml risks --runs 50000 --json"
    )]
    Risks(DecisionArgs),
    /// Merge the shard state files of `run --shard I/N` into summary.json and yearly.csv,
    /// byte-identical to those of the unsharded run.
    #[command(after_help = "Examples:\n  riskkalkyl merge shards/ --out out\n  \
                            riskkalkyl merge node1/shard-0-of-2.json node2/shard-1-of-2.json --quiet")]
    Merge(MergeArgs),
    /// Measure speed and memory: runs/s, ns per run on one thread and on --threads, peak RSS.
    #[command(
        mut_arg("runs", |a| a.default_value("1000000").help(format!("Runs per measurement, 1 to 10^10; {RUNS_RULE}"))),
        mut_arg("threads", |a| a.help("Threads of the second measurement, 0 to 1024 (0 = one per core); the first is on one thread")),
        mut_arg("json", |a| a.help("Print JSON (for a CI record) instead of text")),
        mut_arg("out", |a| a.help(out_json_help("bench"))),
        after_help = "Examples:\n  riskkalkyl bench\n  riskkalkyl bench --runs 200000 --json --out ci-record"
    )]
    Bench(BenchArgs),
    /// Compare two scenarios on common random numbers: per kommun the distribution of
    /// NPV(A) − NPV(B), P(A better than B) and the variance reduction against independent draws.
    #[command(
        mut_arg("runs", |a| a.help(format!("Number of paired runs, 1 to 10^10; {RUNS_RULE}"))),
        mut_arg("out", |a| a.help(out_json_help("compare"))),
        after_help = "Examples:\n  riskkalkyl compare today.toml proposal.toml\n  \
                      riskkalkyl compare a.toml b.toml --runs 50000 --sampling lhs --json"
    )]
    Compare(CompareArgs),
    /// Check an output directory against its run manifest: the scenario's SHA-256, every
    /// file's SHA-256, and with --rerun that a sample of chunks reproduces. Exit 0 when all
    /// hold, 3 when the manifest itself is wrong, 4 when a file differs from it, 5 when a
    /// rerun chunk does not reproduce (the lowest applies), 2 when DIR has no manifest.
    #[command(after_help = "Examples:\n  riskkalkyl verify out\n  riskkalkyl verify rapport --rerun")]
    Verify(VerifyArgs),
    /// Fit distributions to a column of data (normal, lognormal, gamma, Weibull; with --range
    /// also truncated normal, beta, PERT), ranked by AIC and BIC with KS and Anderson–Darling,
    /// and print the best as a scenario snippet and a workbook row.
    #[command(
        after_help = "Examples:\n  riskkalkyl fit overruns.csv\n  riskkalkyl fit licences.csv --column pris_kr --range 0,2000 --json"
    )]
    Fit(FitArgs),
    /// The what-if page: a local web server (127.0.0.1) where every assumption can be moved
    /// and every kommun's distribution is redrawn against the scenario opened.
    #[command(
        after_help = "Examples:\n  riskkalkyl serve\n  riskkalkyl --scenario my.toml serve --port 8080 --lang en"
    )]
    Serve(ServeArgs),
    /// Show or check scenario files.
    #[command(
        after_help = "Examples:\n  riskkalkyl scenario show > my.toml\n  riskkalkyl scenario check my.toml\n  \
                      riskkalkyl scenario export --xlsx my.xlsx"
    )]
    Scenario {
        #[command(subcommand)]
        action: ScenarioCmd,
    },
}

/// `explain`'s default runs: every run is evaluated under all 2^k subsets of the groups (512
/// for the default's 9), so 10 000 runs are 5.1 million model evaluations.
const EXPLAIN_RUNS: &str = "10000";
const EXPLAIN_RUNS_HELP: &str = "Simulated runs, 100 to 200 000, each evaluated under all 2^k subsets of the \
     input groups (512 for the default scenario's 9); default 10 000, about 15 s on 2 cores for the default \
     scenario (the time grows with runs × 2^k)";

fn decision_runs_help() -> String {
    format!("Simulated runs, 1 to 10 000 000 (every draw is kept); {RUNS_RULE}")
}

fn out_json_help(name: &str) -> String {
    format!("Also write the JSON result to DIR/{name}.json (default: write no file)")
}

#[derive(Subcommand)]
pub enum ScenarioCmd {
    /// Print the scenario in use (the embedded default unless --scenario is given).
    #[command(after_help = "Examples:\n  riskkalkyl scenario show\n  riskkalkyl --scenario my.toml scenario show")]
    Show,
    /// Validate a scenario file; exit 0 if valid, 2 with the problem if not.
    #[command(
        after_help = "Examples:\n  riskkalkyl scenario check my.toml\n  riskkalkyl scenario check benches/scenarios/ggvv_horizon_2047.toml"
    )]
    Check {
        /// The scenario file (TOML, or a workbook ending in .xlsx) to validate.
        file: PathBuf,
    },
    /// Write the scenario in use as an Excel workbook to edit; read it back with --scenario F.xlsx.
    #[command(after_help = "Examples:\n  riskkalkyl scenario export --xlsx scenario.xlsx\n  \
                            riskkalkyl --scenario benches/scenarios/ggvv_x3_12_kommuner.toml scenario export --xlsx x3.xlsx")]
    Export {
        /// The workbook to write (.xlsx).
        #[arg(long, value_name = "FILE")]
        xlsx: PathBuf,
    },
}

/// How many runs, from which seed, on how many threads, drawn how: the same on every
/// simulating command (`run` and `bench` raise the default of `--runs`).
#[derive(Args)]
pub struct DrawArgs {
    /// Simulated runs, 1 to 10^10 (default: 1 000 000 for run and bench, 200 000 for every other
    /// simulating command).
    #[arg(long, value_name = "N", default_value = "200000", value_parser = parse_runs, allow_negative_numbers = true)]
    pub runs: u64,
    /// Master seed, a whole number 0 to 2^64-1: the same scenario, seed and runs give the same
    /// numbers on any thread count.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED, value_parser = parse_seed,
          allow_negative_numbers = true)]
    pub seed: u64,
    /// Worker threads, 0 to 1024 (0 = one per core); the numbers do not depend on it.
    #[arg(long, value_name = "T", default_value_t = 0, value_parser = parse_threads, allow_negative_numbers = true)]
    pub threads: usize,
    /// How inputs are drawn: plain Monte Carlo or Latin hypercube (run, compare and bench only).
    #[arg(long, value_enum, default_value = "mc")]
    pub sampling: SamplingArg,
}

/// What a simulating command prints and writes: the same flags on every one.
#[derive(Args)]
pub struct OutputArgs {
    /// Print nothing but errors (a command that only prints its result needs --out with it).
    #[arg(long, conflicts_with = "json")]
    pub quiet: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Output directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The figure the establishment cost is compared with: the same flag on `run`, `report` and
/// `followup`.
#[derive(Args)]
pub struct EstimateArgs {
    /// The figure in MSEK the establishment cost is compared with (P(cost > estimate), the
    /// reserves over it). Default: the förstudie's estimate (the scenario's
    /// establishment.reference_estimate_msek, else the inside view at point values). It does
    /// not move the outside view's base. There is no budget: the förstudie sets none.
    #[arg(long, value_name = "MSEK", allow_negative_numbers = true)]
    pub estimate_msek: Option<f64>,
    /// Deprecated name of --estimate-msek (read with a note).
    #[arg(
        long,
        value_name = "MSEK",
        allow_negative_numbers = true,
        hide = true,
        conflicts_with = "estimate_msek"
    )]
    pub budget_msek: Option<f64>,
}

/// How inputs are drawn.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SamplingArg {
    /// Plain Monte Carlo: independent draws.
    Mc,
    /// Latin hypercube sampling, one hypercube per chunk of 4096 runs.
    Lhs,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub draws: DrawArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Run in batches until the standard error of every kommun's mean NPV is at most this many
    /// MSEK (and that of P(cost overrun) at most --until-se-prob), or --runs runs are done.
    #[arg(long, value_name = "MSEK", allow_negative_numbers = true)]
    pub until_se: Option<f64>,
    /// With --until-se: the largest standard error of P(cost overrun), as a probability
    /// (0.001 = 0.1 percentage point).
    #[arg(
        long,
        value_name = "P",
        default_value_t = 0.001,
        requires = "until_se",
        allow_negative_numbers = true
    )]
    pub until_se_prob: f64,
    /// With --until-se: runs per batch, rounded up to whole chunks of 4096.
    #[arg(long, value_name = "N", default_value_t = 65_536, requires = "until_se",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub batch_runs: u64,
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// Also write per-run inputs and outputs to this file, CSV (.csv) or Parquet (.parquet)
    /// (the first --samples-max runs).
    #[arg(long, value_name = "FILE.csv|FILE.parquet")]
    pub samples: Option<PathBuf>,
    /// Cap on the rows of --samples.
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub samples_max: u64,
    /// Run only slice I of N of the run's chunks (I from 0; same seed, so the same draws as the
    /// whole run) and write a state file `shard-I-of-N.json` into --out for `riskkalkyl merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub draws: DrawArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// Language of the report.
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: ReportLang,
    /// Runs for each decision analysis in the report (value of information, keys, organisation
    /// form, data centre, membership, alternatives, risk register); 0 leaves them out.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub analysis_runs: u64,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port; the address is printed).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// Listen on this IP address instead of loopback (then anyone who can reach it can use
    /// the page; a warning is printed).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::IpAddr>,
    /// Language of the page (and of its report).
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: ReportLang,
    /// Runs of the quick pass that answers each change first.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub quick_runs: u64,
    /// Runs of the refinement that replaces it.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub refine_runs: u64,
}

/// Language of the board report.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ReportLang {
    /// Swedish.
    Sv,
    /// English.
    En,
}

#[derive(Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub draws: DrawArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Base samples for the Sobol indices (N·(k+2) model evaluations).
    #[arg(long, default_value_t = 8192, value_parser = clap::value_parser!(u64).range(256..=1_000_000))]
    pub sobol_n: u64,
    /// Rows shown per table.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

#[derive(Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub draws: DrawArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Language of the console table.
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: ReportLang,
}

#[derive(Args)]
pub struct FollowupArgs {
    #[command(flatten)]
    pub draws: DrawArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Actuals to date (TOML: [[spend]] year, establishment_msek; [[milestones]] phase, completed_month).
    #[arg(long, value_name = "FILE")]
    pub actuals: PathBuf,
    #[command(flatten)]
    pub estimate: EstimateArgs,
}

#[derive(Args)]
pub struct DecisionArgs {
    #[command(flatten)]
    pub draws: DrawArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub draws: DrawArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args)]
pub struct CompareArgs {
    /// Scenario A (TOML).
    pub a: PathBuf,
    /// Scenario B (TOML).
    pub b: PathBuf,
    #[command(flatten)]
    pub draws: DrawArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args)]
pub struct MergeArgs {
    /// Directories holding shard-*-of-*.json files (or the files themselves).
    #[arg(required = true, value_name = "DIR")]
    pub inputs: Vec<PathBuf>,
    /// Output directory for summary.json and yearly.csv.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct FitArgs {
    /// CSV file with a header row (`,` or `;` separated).
    #[arg(value_name = "DATA.csv")]
    pub data: PathBuf,
    /// The column to fit, by header name or number (needed when the file has several).
    #[arg(long)]
    pub column: Option<String>,
    /// The stated range LO,HI of the quantity (fits truncated normal, beta and PERT on it).
    #[arg(long, value_name = "LO,HI", allow_hyphen_values = true)]
    pub range: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Output directory of run, merge or report (with manifest.json), or of `run --shard`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Also rerun the chunks the manifest keeps digests of and check that they reproduce.
    #[arg(long)]
    pub rerun: bool,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

/// Slice `index` of `count` of a run (`--shard I/N`).
#[derive(Debug, Clone, Copy)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

/// A whole number of runs, 1 to 10^10.
fn parse_runs(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=MAX_RUNS).contains(&n) => Ok(n),
        _ => Err(format!(
            "runs must be a whole number from 1 to 10^10 (10000000000), got \"{s}\""
        )),
    }
}

/// A master seed: a whole number 0 to 2^64-1.
fn parse_seed(s: &str) -> Result<u64, String> {
    s.trim().parse::<u64>().map_err(|_| {
        format!(
            "the seed must be a whole number from 0 to 2^64-1 ({}), got \"{s}\"",
            u64::MAX
        )
    })
}

/// Worker threads, 0 to 1024.
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n <= MAX_THREADS => Ok(n),
        _ => Err(format!(
            "threads must be a whole number from 0 (one per core) to {MAX_THREADS}, got \"{s}\""
        )),
    }
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
