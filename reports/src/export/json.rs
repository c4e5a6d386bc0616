//! summary.json and every `--json` output.

use serde::Serialize;

use models::run::manifest::{FILE_NAME, FileDigest, Manifest, sha256_hex};

use super::{ExportError, Exporter, RunOutput};
use crate::output::{OutputError, OutputSet};

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

/// Stage manifest.json: `manifest` with the SHA-256 of every file staged in `files` so far.
/// Call it last, just before the commit, so it covers the whole output set.
pub fn stage_manifest(files: &mut OutputSet, manifest: &Manifest) -> Result<(), ExportError> {
    let mut m = manifest.clone();
    m.files.clear();
    for (target, tmp) in files.staged() {
        let bytes = std::fs::read(&tmp).map_err(|source| OutputError::Write {
            path: target.to_path_buf(),
            source,
        })?;
        let name = match target.strip_prefix(files.dir()) {
            Ok(rel) => rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            // Outside the directory (a `--samples` file elsewhere): its absolute path.
            Err(_) => std::path::absolute(target)
                .unwrap_or_else(|_| target.to_path_buf())
                .display()
                .to_string(),
        };
        m.files.push(FileDigest {
            name,
            sha256: sha256_hex(&bytes),
            bytes: bytes.len() as u64,
        });
    }
    files.add(FILE_NAME, m.to_json().as_bytes())?;
    Ok(())
}
