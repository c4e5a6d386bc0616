//! `compare A.toml B.toml`: two scenarios on common random numbers.

use std::path::Path;

use models::{Model, RunOptions, Scenario};
use sim::RunPlan;

use super::{deliver, note_repair};
use crate::config::{Draws, Output};
use crate::failure::Failure;

pub fn compare(a: &Path, b: &Path, d: Draws, output: &Output) -> Result<(), Failure> {
    let (sa, sb) = (Scenario::from_file(a)?, Scenario::from_file(b)?);
    let (ma, mb) = (Model::new(&sa)?, Model::new(&sb)?);
    let silent = output.json || output.quiet;
    note_repair(&ma, silent);
    note_repair(&mb, silent);
    let plan = RunPlan::new(d.runs, d.seed, d.threads)?;
    let opts = RunOptions { sampling: d.sampling };
    let r = models::compare(&ma, &mb, &plan, opts).map_err(|e| match e {
        models::compare::CompareError::Plan(e) => Failure::Runtime(e.to_string()),
        e => Failure::Input(e.to_string()),
    })?;
    let (na, nb) = (a.display().to_string(), b.display().to_string());
    let summary = models::CompareSummary::new(&na, &nb, d.seed, &r);
    deliver(output, "compare", &summary, reports::text::compare::to_text)
}
