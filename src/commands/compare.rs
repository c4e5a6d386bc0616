//! `compare A.toml B.toml`: two scenarios on common random numbers.

use std::path::Path;

use models::{Analysis, AnalysisPlan, Model};
use reports::render::{Render, TextOptions};

use super::{deliver, note_repair};
use crate::config::{Draws, Output};
use crate::failure::Failure;

pub fn compare(a: &Path, b: &Path, d: Draws, output: &Output) -> Result<(), Failure> {
    let read = models::scenario::workbook::read_scenario_file;
    let (sa, sb) = (read(a)?.0, read(b)?.0);
    let (ma, mb) = (Model::new(&sa)?, Model::new(&sb)?);
    let silent = output.json || output.quiet;
    note_repair(&ma, silent);
    note_repair(&mb, silent);
    let plan = AnalysisPlan::new(d.runs, d.seed)?
        .with_threads(d.threads)
        .with_sampling(d.sampling);
    let (na, nb) = (a.display().to_string(), b.display().to_string());
    let analysis = models::compare::CompareAnalysis {
        b: &mb,
        names: (&na, &nb),
    };
    let summary = analysis.run(&sa, &ma, &plan)?;
    deliver(output, "compare", &summary, |x| x.text(&TextOptions::default()))
}
