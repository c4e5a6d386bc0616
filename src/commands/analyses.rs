//! `sensitivity` and the decision analyses (`keys`, `organisation`, `datacentre`,
//! `membership`, `alternatives`, `risks`): compute, then [`deliver`] as JSON or text.

use models::scenario::DecisionSettings;
use models::{Model, Scenario};

use super::{deliver, missing_section};
use crate::config::{Analysis, Draws, Output};
use crate::failure::Failure;

pub fn sensitivity(s: &Scenario, d: Draws, output: &Output, sobol_n: usize, top: usize) -> Result<(), Failure> {
    let model = Model::new(s)?;
    let r = models::sensitivity::analyse(s, &model, d.runs, d.seed, sobol_n);
    deliver(output, "sensitivity", &r, |x| {
        reports::text::sensitivity::to_text(x, top)
    })
}

/// The model and the `[decision]` section the decision analyses need.
fn decision_setup(s: &Scenario) -> Result<(Model, DecisionSettings), Failure> {
    let model = Model::new(s)?;
    let d = s
        .decision
        .clone()
        .ok_or_else(|| missing_section("[decision] section"))?;
    Ok((model, d))
}

pub fn decision(s: &Scenario, kind: Analysis, d: Draws, output: &Output) -> Result<(), Failure> {
    let (runs, seed, name) = (d.runs, d.seed, kind.name());
    match kind {
        Analysis::Keys => {
            let (model, dec) = decision_setup(s)?;
            let r = models::decision::compare_keys(s, &model, &dec, runs, seed);
            deliver(output, name, &r, reports::text::decision::keys_text)
        }
        Analysis::Organisation => {
            let (model, dec) = decision_setup(s)?;
            let r = models::decision::compare_organisation(s, &model, &dec, runs, seed, model.budget_msek());
            deliver(output, name, &r, reports::text::decision::org_text)
        }
        Analysis::Datacentre => {
            let (model, dec) = decision_setup(s)?;
            let r = models::decision::compare_data_centre(s, &model, &dec, runs, seed)
                .ok_or_else(|| missing_section("[decision.data_centre] section"))?;
            deliver(output, name, &r, reports::text::decision::dc_text)
        }
        Analysis::Membership => {
            let (model, dec) = decision_setup(s)?;
            let r = models::decision::compare_membership(s, &model, &dec, runs, seed)
                .ok_or_else(|| missing_section("[decision.membership] section"))?;
            deliver(output, name, &r, reports::text::decision::membership_text)
        }
        Analysis::Alternatives => {
            if s.alternatives.is_empty() {
                return Err(missing_section("[[alternatives]]"));
            }
            let r = models::alternatives::compare_alternatives(s, runs, seed)?;
            deliver(output, name, &r, reports::text::alternatives::alternatives_text)
        }
        Analysis::Risks => {
            let budget = Model::new(s)?.budget_msek();
            let r = models::alternatives::analyse_risks(s, runs, seed, budget)?
                .ok_or_else(|| missing_section("[risk_register]"))?;
            deliver(output, name, &r, reports::text::alternatives::risks_text)
        }
    }
}
