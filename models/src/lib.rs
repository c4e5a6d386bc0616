//! The GGVV case: the scenario schema, the cost model and the allocation keys.
//!
//! A [`Scenario`] is loaded and validated from TOML ([`scenario`]); [`Model::new`] compiles it
//! into an allocation-free evaluator that turns one draw of the uncertain inputs into one
//! outcome per kommun and year ([`model`]); [`simulate`] runs the model over many draws with
//! the `sim` engine and collects mergeable statistics ([`run`]); [`compare()`] runs two
//! scenarios on common random numbers ([`compare`]). Every analysis (keys, organisation, data
//! centre, membership, alternatives, risks, sensitivity, follow-up, compare) implements
//! [`Analysis`] ([`analysis`]) and draws the run's own inputs.

// Checks are written `!(x is good)` on purpose: the negation also rejects NaN (STYLE 6).
#![allow(clippy::neg_cmp_op_on_partial_ord)]
// Code compiled for a CPU feature goes through `sim::kernels`, except the model's own lane loop
// (`model/lanes.rs`: the generic dispatch's closure cost it 225 instructions per run).
#![deny(unsafe_code)]

pub mod alternatives;
pub mod analysis;
pub mod compare;
pub mod decision;
pub mod explain;
pub mod fit;
pub mod followup;
pub mod input_file;
pub mod model;
pub mod run;
pub mod scenario;
pub mod sensitivity;

pub use analysis::{Analysis, AnalysisError, AnalysisPlan};
pub use compare::{CompareResult, CompareSummary, compare};
pub use model::{Field, Lanes, Model, NO_PAYBACK, Outcome, PointTables};
pub use run::{
    CostCounts, KeptChunk, RunInfo, RunOptions, RunResult, SeTarget, simulate, simulate_keeping, simulate_until,
    simulate_with, simulate_with_checks, simulate_with_progress,
};
pub use scenario::{DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME, HeadlineView, Scenario, ScenarioError};
