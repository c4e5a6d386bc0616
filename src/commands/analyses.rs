//! `sensitivity` and the decision analyses (`keys`, `organisation`, `datacentre`,
//! `membership`, `alternatives`, `risks`): compute with [`models::Analysis::run`], then
//! [`deliver`] as JSON or the text of [`reports::render::Render`].

use models::alternatives::{AlternativesAnalysis, RisksAnalysis};
use models::decision::{DataCentreAnalysis, KeysAnalysis, MembershipAnalysis, OrganisationAnalysis};
use models::sensitivity::SensitivityAnalysis;
use models::{AnalysisPlan, Model, Scenario};
use reports::render::{Render, TextOptions};

use super::deliver;
use crate::config::{Analysis, Draws, Output};
use crate::failure::Failure;

pub fn sensitivity(s: &Scenario, d: Draws, output: &Output, sobol_n: usize, top: usize) -> Result<(), Failure> {
    run(
        s,
        SensitivityAnalysis { sobol_n },
        d,
        output,
        "sensitivity",
        &TextOptions {
            top,
            ..Default::default()
        },
    )
}

/// Run `analysis` on `s` with the draws `d` and deliver its report as `name`.
fn run<A: models::Analysis>(
    s: &Scenario,
    analysis: A,
    d: Draws,
    output: &Output,
    name: &str,
    opts: &TextOptions,
) -> Result<(), Failure>
where
    A::Report: Render,
{
    let model = Model::new(s)?;
    let r = analysis.run(s, &model, &AnalysisPlan::new(d.runs, d.seed)?)?;
    deliver(output, name, &r, |x| x.text(opts))
}

pub fn decision(s: &Scenario, kind: Analysis, d: Draws, output: &Output) -> Result<(), Failure> {
    let (name, opts) = (kind.name(), &TextOptions::default());
    match kind {
        Analysis::Keys => run(s, KeysAnalysis, d, output, name, opts),
        Analysis::Organisation => run(s, OrganisationAnalysis, d, output, name, opts),
        Analysis::Datacentre => run(s, DataCentreAnalysis, d, output, name, opts),
        Analysis::Membership => run(s, MembershipAnalysis, d, output, name, opts),
        Analysis::Alternatives => run(s, AlternativesAnalysis, d, output, name, opts),
        Analysis::Risks => run(s, RisksAnalysis, d, output, name, opts),
    }
}
