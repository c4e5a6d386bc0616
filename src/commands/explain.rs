//! `explain`: why the result differs from the förstudie, by exact Shapley values over the
//! input groups ([`models::explain`]); the table in Swedish or English, `--json`, and with
//! `--out` also explain.json and the report's waterfall charts (SVG and PNG).

use models::explain::ExplainAnalysis;
use models::{Analysis, AnalysisPlan, Model, Scenario};
use reports::OutputSet;
use reports::format::Lang;
use reports::render::{Render, TextOptions};

use super::deliver;
use crate::config::{Draws, Output};
use crate::failure::Failure;

pub fn explain(s: &Scenario, d: Draws, output: &Output, lang: Lang) -> Result<(), Failure> {
    let model = Model::new(s)?;
    let r = ExplainAnalysis.run(s, &model, &AnalysisPlan::new(d.runs, d.seed)?)?;
    let opts = TextOptions {
        lang,
        ..Default::default()
    };
    deliver(output, "explain", &r, |x| x.text(&opts))?;
    if let Some(dir) = &output.out {
        let section = reports::text::explain::report_section(&r, lang).map_err(|e| Failure::Runtime(e.to_string()))?;
        let mut files = OutputSet::new(dir)?;
        for c in &section.charts {
            files.add(&format!("{}.svg", c.name), c.svg.as_bytes())?;
            files.add(&format!("{}.png", c.name), &c.png)?;
        }
        files.commit()?;
    }
    Ok(())
}
