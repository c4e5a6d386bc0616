//! `scenario check` and `tables`: the scenario itself, no simulation.

use std::path::Path;

use models::{Model, Scenario};

use super::note_repair;
use crate::failure::{Failure, print};

/// Validate a scenario file: exit 0 with a line saying so, or the first problem.
pub fn check(file: &Path) -> Result<(), Failure> {
    let s = Scenario::from_file(file)?;
    note_repair(&Model::new(&s)?, false);
    print(&format!(
        "{}: valid scenario \"{}\" ({} kommuner)\n",
        file.display(),
        s.meta.name,
        s.kommuner.len()
    ))
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
