//! `riskkalkyl bench`: speed and memory of a full run, for people and for the CI record.
//!
//! Times what `run` does minus the disk write: the simulation and the building of summary.json
//! and yearly.csv, first on one worker thread, then on one per core, and reads the process's
//! peak resident memory. It measures; it never fails on a slow machine.

use std::time::Instant;

use models::{Model, RunOptions, Scenario};
use reports::{RunInfo, Summary};
use serde::Serialize;
use sim::{RunPlan, RunPlanError};

use super::deliver;
use crate::config::{Draws, Output};
use crate::failure::Failure;

/// Measure, then print or write the report as `output` says.
pub fn bench(scenario: &Scenario, model: &Model, d: Draws, output: &Output) -> Result<(), Failure> {
    let report = run(scenario, model, d)?;
    deliver(output, "bench", &report, BenchReport::to_text)
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
    /// First on one thread, then on `--threads` threads (0: `cpus`).
    pub timings: Vec<Timing>,
    /// Runs/s on all threads over runs/s on one thread, divided by the thread count.
    pub parallel_efficiency: Option<f64>,
    /// Peak resident memory of the process (VmHWM), MB; `null` where /proc is missing.
    pub peak_rss_mb: Option<f64>,
}

fn time_once(scenario: &Scenario, model: &Model, d: Draws, threads: usize) -> Result<Timing, RunPlanError> {
    let (runs, seed) = (d.runs, d.seed);
    let plan = RunPlan::new(runs, seed, threads)?;
    let estimate = model.reference_estimate_msek();
    let opts = RunOptions { sampling: d.sampling };
    let started = Instant::now();
    let result = models::simulate_with(model, &plan, 0..plan.chunks(), estimate, opts)?;
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

/// Time one run on one thread, then on `d.threads` (0: one per core) if that is more.
fn run(scenario: &Scenario, model: &Model, d: Draws) -> Result<BenchReport, RunPlanError> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let many = if d.threads == 0 { cpus } else { d.threads };
    let mut timings = vec![time_once(scenario, model, d, 1)?];
    if many > 1 {
        timings.push(time_once(scenario, model, d, many)?);
    }
    let parallel_efficiency = (many > 1).then(|| timings[1].runs_per_s / timings[0].runs_per_s / many as f64);
    Ok(BenchReport {
        riskkalkyl_version: env!("CARGO_PKG_VERSION"),
        scenario: scenario.meta.name.clone(),
        runs: d.runs,
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
    fn to_text(&self) -> String {
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
