//! One shape for every analysis: keys, organisation, data centre, membership, alternatives,
//! risks, sensitivity, follow-up and compare each implement [`Analysis`]: given a scenario, its
//! compiled model and an [`AnalysisPlan`] (how many draws, from which seed), `run` returns the
//! analysis's serialisable report or an [`AnalysisError`].
//!
//! Every analysis draws the scenario's inputs exactly as `riskkalkyl run` does (one name-keyed
//! stream per input and chunk, [`crate::run::sample_chunk`]), so with the same seed an analysis
//! sees the very draws of the run. Inputs of its own (the data centre's amounts) draw from
//! streams keyed by their field path in the same way ([`NamedDraws`]).
//!
//! To add an analysis: a type in its module implementing [`Analysis`], its text and HTML in
//! `reports` behind `reports::render::Render`, and its subcommand in the CLI.

use serde::Serialize;
use sim::dist::Input;
use sim::{CHUNK_RUNS, DistSpec, RunPlan, RunPlanError, Sampling};

use crate::followup::TooFewRuns;
use crate::model::{Model, Outcome};
use crate::run::{RunOptions, for_each_run_with};
use crate::scenario::{Scenario, ScenarioError};

/// An analysis of a scenario on common random numbers.
pub trait Analysis {
    /// What it reports (JSON through serde; text and HTML in `reports`).
    type Report: Serialize;

    /// Run the analysis on `scenario`, whose compiled model is `model` (`Model::new(scenario)`).
    fn run(&self, scenario: &Scenario, model: &Model, plan: &AnalysisPlan) -> Result<Self::Report, AnalysisError>;
}

/// How an analysis draws: the number of runs, the master seed, the sampling and, for the
/// analyses that run in parallel (compare), the worker threads. Results never depend on the
/// thread count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisPlan {
    runs: u64,
    seed: u64,
    threads: usize,
    sampling: Sampling,
    estimate_msek: Option<f64>,
}

impl AnalysisPlan {
    /// `runs` draws (at least 1) from master seed `seed`, plain Monte Carlo, costs compared with the model's
    /// reference estimate.
    pub fn new(runs: u64, seed: u64) -> Result<AnalysisPlan, AnalysisError> {
        if runs == 0 {
            return Err(RunPlanError::NoRuns.into());
        }
        Ok(AnalysisPlan {
            runs,
            seed,
            threads: 0,
            sampling: Sampling::MonteCarlo,
            estimate_msek: None,
        })
    }

    /// Worker threads for the parallel analyses (0 = one per core).
    pub fn with_threads(self, threads: usize) -> AnalysisPlan {
        AnalysisPlan { threads, ..self }
    }

    /// How the inputs are drawn.
    pub fn with_sampling(self, sampling: Sampling) -> AnalysisPlan {
        AnalysisPlan { sampling, ..self }
    }

    /// The figure (MSEK) the establishment cost is compared with, instead of the model's
    /// reference estimate (the förstudie's); it must be a positive number. It does not change
    /// the outside view, whose base stays the scenario's estimate.
    pub fn with_estimate_msek(self, estimate_msek: f64) -> Result<AnalysisPlan, AnalysisError> {
        if !(estimate_msek.is_finite() && estimate_msek > 0.0) {
            return Err(AnalysisError::Estimate { estimate_msek });
        }
        Ok(AnalysisPlan {
            estimate_msek: Some(estimate_msek),
            ..self
        })
    }

    pub fn runs(&self) -> u64 {
        self.runs
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn sampling(&self) -> Sampling {
        self.sampling
    }

    /// The figure given, or `model`'s reference estimate (MSEK).
    pub fn estimate_msek(&self, model: &Model) -> f64 {
        self.estimate_msek.unwrap_or_else(|| model.reference_estimate_msek())
    }

    /// The same plan with at most `runs` runs.
    pub(crate) fn at_most(&self, runs: u64) -> AnalysisPlan {
        AnalysisPlan {
            runs: self.runs.min(runs),
            ..*self
        }
    }

    /// The engine's plan: every chunk, on the plan's threads.
    pub(crate) fn run_plan(&self) -> RunPlan {
        RunPlan {
            runs: self.runs,
            seed: self.seed,
            threads: self.threads,
        }
    }

    pub(crate) fn run_options(&self) -> RunOptions {
        RunOptions {
            sampling: self.sampling,
        }
    }

    /// Visit every run of `model` in order with its inputs and outcome: the draws of
    /// `riskkalkyl run` with this seed and sampling.
    pub(crate) fn for_each_run(&self, model: &Model, f: impl FnMut(u64, &[f64], &Outcome) -> bool) {
        let plan = self.run_plan();
        for_each_run_with(model, &plan, 0..plan.chunks(), self.run_options(), f)
    }
}

/// Why an analysis cannot be run.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Plan(#[from] RunPlanError),
    #[error("--estimate-msek {estimate_msek}: the figure to compare with must be a positive number of MSEK")]
    Estimate { estimate_msek: f64 },
    /// The scenario lacks the section the analysis needs.
    #[error("the scenario has no {section}\n  fix: add it; `riskkalkyl scenario show` prints the default scenario's")]
    MissingSection { section: &'static str },
    /// An input of the analysis is not usable (a scenario built in code skips validation).
    #[error("{path}: {problem}\n  fix: {hint}")]
    Input {
        path: String,
        problem: String,
        hint: String,
    },
    /// A variant of the scenario the analysis builds (an alternative, a risk switched off) or
    /// the other scenario of a comparison is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("the scenarios have different kommuner ({a} vs {b}): a paired comparison needs the same kommuner")]
    Kommuner { a: String, b: String },
    #[error(transparent)]
    TooFewRuns(#[from] TooFewRuns),
}

/// The report of `result`, or `None` when the scenario lacks the analysis's section: for the
/// board report, which shows the analyses a scenario has.
pub fn if_present<R>(result: Result<R, AnalysisError>) -> Result<Option<R>, AnalysisError> {
    match result {
        Ok(r) => Ok(Some(r)),
        Err(AnalysisError::MissingSection { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// An analysis's own uncertain inputs, drawn chunk by chunk on the common streams: each from
/// the stream named by its field path ([`sim::input_rng`], [`sim::stream_id`]), as the model's
/// inputs are. One column per input and chunk, allocated once.
pub(crate) struct NamedDraws {
    inputs: Vec<(u64, Input)>,
    columns: Vec<Vec<f64>>,
    plan: AnalysisPlan,
    chunk: Option<u64>,
}

impl NamedDraws {
    /// `inputs` as (field path, distribution); an invalid distribution is an error naming its
    /// field path.
    pub(crate) fn new<'a>(
        inputs: impl IntoIterator<Item = (String, &'a DistSpec)>,
        plan: &AnalysisPlan,
    ) -> Result<NamedDraws, AnalysisError> {
        let inputs = inputs
            .into_iter()
            .map(|(path, spec)| match Input::new(spec) {
                Ok(input) => Ok((sim::stream_id(&path), input)),
                Err(e) => Err(AnalysisError::Input {
                    path: format!("{path}.{}", e.param),
                    problem: e.problem,
                    hint: e.hint,
                }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let columns = vec![vec![0.0; CHUNK_RUNS as usize]; inputs.len()];
        Ok(NamedDraws {
            inputs,
            columns,
            plan: *plan,
            chunk: None,
        })
    }

    /// The draw of input `i` in run `run` (global run index).
    pub(crate) fn get(&mut self, i: usize, run: u64) -> f64 {
        let chunk = run / CHUNK_RUNS;
        if self.chunk != Some(chunk) {
            let plan = self.plan.run_plan();
            let range = plan.chunk_runs(chunk);
            let len = (range.end - range.start) as usize;
            for ((stream, input), col) in self.inputs.iter().zip(&mut self.columns) {
                let mut rng = sim::input_rng(plan.seed, chunk, *stream);
                self.plan.sampling.fill(input, &mut rng, &mut col[..len]);
            }
            self.chunk = Some(chunk);
        }
        self.columns[i][(run % CHUNK_RUNS) as usize]
    }
}
