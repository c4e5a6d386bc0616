//! `riskkalkyl bench`: speed and memory of a full run, for people and for the CI record.
//!
//! Times what `run` does minus the disk write: the simulation and the building of summary.json
//! and yearly.csv, first on one worker thread, then on one per core, and reads the process's
//! peak resident memory. It measures; it never fails on a slow machine.

use std::time::Instant;

use models::{Model, Scenario};
use reports::{RunInfo, Summary};
use serde::Serialize;
use sim::{RunPlan, RunPlanError};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Runs per measurement.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    runs: u64,
    /// Master seed of the measured runs.
    #[arg(long, default_value_t = 20270101)]
    seed: u64,
    /// Print JSON (for a CI record) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// One timed run.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub threads: usize,
    pub seconds: f64,
    pub runs_per_s: f64,
    pub ns_per_run: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub riskkalkyl_version: &'static str,
    pub scenario: String,
    pub runs: u64,
    pub kommuner: usize,
    pub years: usize,
    pub cpus: usize,
    pub cpu_model: Option<String>,
    /// The 1-minute load average when the bench ended: a busy machine slows every figure.
    pub load_average_1m: Option<f64>,
    /// First on one thread, then on `cpus` threads.
    pub timings: Vec<Timing>,
    /// Runs/s on all threads over runs/s on one thread, divided by the thread count.
    pub parallel_efficiency: Option<f64>,
    /// Peak resident memory of the process (VmHWM), MB; `null` where /proc is missing.
    pub peak_rss_mb: Option<f64>,
}

fn time_once(scenario: &Scenario, model: &Model, runs: u64, seed: u64, threads: usize) -> Result<Timing, RunPlanError> {
    let plan = RunPlan::new(runs, seed, threads)?;
    let budget = model.budget_msek();
    let started = Instant::now();
    let result = models::simulate(model, &plan, 0..plan.chunks(), budget)?;
    let info = RunInfo {
        scenario: scenario.meta.name.clone(),
        total_label: scenario.meta.total_label.clone(),
        runs,
        seed,
        horizon_year: scenario.years.horizon_year,
        npv_base_year: model.npv_base_year(),
        discount_rate_pct: model.discount_rate_pct(),
    };
    let json = Summary::new(&info, &result).to_json();
    let csv = reports::export::csv::yearly(&result, &info.total_label);
    std::hint::black_box((json, csv));
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    Ok(Timing {
        threads,
        seconds,
        runs_per_s: runs as f64 / seconds,
        ns_per_run: seconds * 1e9 / runs as f64,
    })
}

/// A field of /proc/self/status in kB, e.g. `VmHWM`.
fn proc_status_kb(field: &str) -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

pub fn run(args: &BenchArgs, scenario: &Scenario, model: &Model) -> Result<BenchReport, RunPlanError> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut timings = vec![time_once(scenario, model, args.runs, args.seed, 1)?];
    if cpus > 1 {
        timings.push(time_once(scenario, model, args.runs, args.seed, cpus)?);
    }
    let parallel_efficiency = (cpus > 1).then(|| timings[1].runs_per_s / timings[0].runs_per_s / cpus as f64);
    Ok(BenchReport {
        riskkalkyl_version: env!("CARGO_PKG_VERSION"),
        scenario: scenario.meta.name.clone(),
        runs: args.runs,
        kommuner: model.kommuner().len(),
        years: model.years().len(),
        cpus,
        cpu_model: cpu_model(),
        load_average_1m: load_average(),
        timings,
        parallel_efficiency,
        peak_rss_mb: proc_status_kb("VmHWM:").map(|kb| kb / 1024.0),
    })
}

impl BenchReport {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a bench report serialises");
        s.push('\n');
        s
    }

    pub fn to_text(&self) -> String {
        let mut s = format!(
            "riskkalkyl bench: {} runs of \"{}\" ({} kommuner, {} years) on {} CPU(s){}\n",
            self.runs,
            self.scenario,
            self.kommuner,
            self.years,
            self.cpus,
            self.cpu_model.as_deref().map(|m| format!(", {m}")).unwrap_or_default()
        );
        for t in &self.timings {
            s += &format!(
                "  {} thread(s): {:.2} s, {:.0} runs/s, {:.0} ns/run\n",
                t.threads, t.seconds, t.runs_per_s, t.ns_per_run
            );
        }
        if let Some(e) = self.parallel_efficiency {
            s += &format!("  parallel efficiency: {:.0} %\n", e * 100.0);
        }
        if let Some(m) = self.peak_rss_mb {
            s += &format!("  peak RSS: {m:.1} MB\n");
        }
        if let Some(l) = self.load_average_1m {
            s += &format!("  load average (1 min): {l:.2}\n");
        }
        s
    }
}
