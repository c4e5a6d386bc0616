//! `scenario check` and `tables`: the scenario itself, no simulation.

use std::path::Path;

use models::{Model, Scenario};

use super::note_repair;
use crate::failure::{Failure, print};

/// Validate a scenario file: exit 0 with a line saying so, or the first problem.
pub fn check(file: &Path) -> Result<(), Failure> {
    let s = models::scenario::workbook::read_scenario_file(file)?.0;
    note_repair(&Model::new(&s)?, false);
    print(&format!(
        "{}: valid scenario \"{}\" ({} kommuner)\n",
        file.display(),
        s.meta.name,
        s.kommuner.len()
    ))
}

/// Write the scenario as a workbook (`scenario export --xlsx F.xlsx`); `text` gives comments.
pub fn export(s: &Scenario, text: &str, xlsx: &Path) -> Result<(), Failure> {
    let bytes = models::scenario::workbook::to_xlsx(s, Some(text)).map_err(|e| Failure::Runtime(e.to_string()))?;
    // Staged beside the target and renamed over it, as every output: a killed export leaves
    // no partial workbook under the name, and a symlink planted at the name is refused.
    let parent = match xlsx.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut files = reports::OutputSet::new(parent)?;
    files.add_with_at(xlsx, |w| w.write_all(&bytes))?;
    files.commit()?;
    eprintln!(
        "wrote {} ({} uncertain inputs on sheet {}); read it back with --scenario {}",
        xlsx.display(),
        s.input_ids()
            .iter()
            .filter(|id| id.kind != models::scenario::InputKind::RiskOccurs)
            .count(),
        models::scenario::workbook::INPUT_SHEET,
        xlsx.display()
    );
    Ok(())
}

/// The förstudie's three tables from the model at point values.
pub fn tables(s: &Scenario, json: bool) -> Result<(), Failure> {
    let t = Model::new(s)?.point_tables();
    print(&if json {
        reports::text::tables::to_json(&t)
    } else {
        reports::text::tables::to_text(&t)
    })
}
