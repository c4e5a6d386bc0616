//! summary.json and every `--json` output.

use serde::Serialize;

use super::{ExportError, Exporter, RunOutput};

/// Any result as pretty JSON with a final newline (every `--json` output and JSON file).
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("results serialise: plain structs of numbers and text");
    s.push('\n');
    s
}

/// summary.json of a run.
pub struct SummaryJson;

impl Exporter<RunOutput<'_>> for SummaryJson {
    fn file_name(&self) -> &'static str {
        "summary.json"
    }

    fn serialize(&self, run: &RunOutput) -> Result<Vec<u8>, ExportError> {
        Ok(run.summary.to_json().into_bytes())
    }
}
