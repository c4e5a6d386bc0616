//! Shard state files: the exactly mergeable result of one slice of a run.
//!
//! `riskkalkyl run --shard I/N` simulates the I-th of N contiguous slices of the run's chunks
//! (same seed, so the same random streams as the unsharded run) and writes its [`RunResult`]
//! here, with what it takes to refuse a wrong merge: the scenario's fingerprint, seed, run
//! count, the förstudie's estimate and the slice. `riskkalkyl merge` reads the N files, checks that they are the
//! slices of one run with none missing or repeated, and merges them. Every accumulator merges
//! exactly, so the merged result, and the summary.json and yearly.csv written from it, equal
//! those of the unsharded run byte for byte.
//!
//! The format is JSON (serde_json round-trips every f64 and i128 exactly): readable with any
//! tool, about 1–2 MB per shard for the default scenario, written once per shard.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{RunInfo, RunResult};
use crate::scenario::Scenario;

/// The `format` tag of a state file; a reader refuses any other.
pub const FORMAT: &str = "riskkalkyl-shard-state/2";

/// One shard's result and what identifies the run it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardState {
    pub format: String,
    /// SHA-256 (hex) of the scenario's canonical JSON form, so files of different scenarios
    /// never merge (comments and layout of the TOML file do not count).
    pub scenario_sha256: String,
    pub scenario: String,
    /// The scenario's `meta.total_label`; absent when it is the default.
    #[serde(default = "default_total_label", skip_serializing_if = "is_default_total_label")]
    pub total_label: String,
    /// Total runs of the whole (unsharded) run.
    pub runs: u64,
    pub seed: u64,
    pub horizon_year: i32,
    pub npv_base_year: i32,
    pub discount_rate_pct: f64,
    /// This shard's index, 0-based, and the number of shards.
    pub shard: u64,
    pub shards: u64,
    /// The chunks this shard ran.
    pub chunk_start: u64,
    pub chunk_end: u64,
    /// The run manifest ([`super::manifest`]), without `files`; absent in files written before
    /// manifests existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<super::manifest::Manifest>,
    pub result: RunResult,
}

/// Why shard files could not be merged. Each says which file and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(
        "no shard state files given\n  fix: pass the directories (or files) that `run --shard I/N --out DIR` wrote"
    )]
    NoFiles,
    #[error("{path}: cannot read: {source}\n  fix: check the path and its permissions")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a riskkalkyl shard state file: {problem}\n  fix: pass only files written by `run --shard`")]
    Parse { path: PathBuf, problem: String },
    #[error(
        "{path}: {field} is {found}, but {first} has {expected}: these shards are not slices of one run\n  fix: rerun the shards with the same scenario, --seed, --runs, --estimate-msek and N"
    )]
    Mismatch {
        path: PathBuf,
        first: PathBuf,
        field: &'static str,
        expected: String,
        found: String,
    },
    #[error("{path}: shard {shard}/{shards} is also given as {other}\n  fix: pass each shard once")]
    Duplicate {
        path: PathBuf,
        other: PathBuf,
        shard: u64,
        shards: u64,
    },
    #[error(
        "shards missing: {missing:?} of 0..{shards}\n  fix: run the missing shards (`run --shard I/{shards}`) and pass their files too"
    )]
    Missing { missing: Vec<u64>, shards: u64 },
}

fn default_total_label() -> String {
    crate::scenario::DEFAULT_TOTAL_LABEL.to_string()
}

fn is_default_total_label(label: &str) -> bool {
    label == crate::scenario::DEFAULT_TOTAL_LABEL
}

/// SHA-256 (hex) of the scenario's canonical JSON form.
pub fn scenario_fingerprint(s: &Scenario) -> String {
    let canonical = serde_json::to_vec(s).expect("a scenario serialises");
    Sha256::digest(&canonical).iter().map(|b| format!("{b:02x}")).collect()
}

/// The chunks of shard `shard` of `shards` when a run has `chunks` chunks: contiguous,
/// disjoint, covering `0..chunks` in shard order, sizes differing by at most one.
pub fn shard_chunks(chunks: u64, shard: u64, shards: u64) -> Range<u64> {
    let at = |i: u64| ((chunks as u128 * i as u128) / shards as u128) as u64;
    at(shard)..at(shard + 1)
}

impl ShardState {
    pub fn new(
        info: &RunInfo,
        scenario: &Scenario,
        shard: u64,
        shards: u64,
        chunks: Range<u64>,
        result: RunResult,
    ) -> Self {
        ShardState {
            format: FORMAT.into(),
            scenario_sha256: scenario_fingerprint(scenario),
            scenario: info.scenario.clone(),
            total_label: info.total_label.clone(),
            runs: info.runs,
            seed: info.seed,
            horizon_year: info.horizon_year,
            npv_base_year: info.npv_base_year,
            discount_rate_pct: info.discount_rate_pct,
            shard,
            shards,
            chunk_start: chunks.start,
            chunk_end: chunks.end,
            manifest: None,
            result,
        }
    }

    /// The file name a shard writes: `shard-I-of-N.json`, zero-padded so names sort by index.
    pub fn file_name(shard: u64, shards: u64) -> String {
        let w = shards.to_string().len();
        format!("shard-{shard:0w$}-of-{shards}.json")
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a shard state serialises")
    }

    pub fn info(&self) -> RunInfo {
        RunInfo {
            scenario: self.scenario.clone(),
            total_label: self.total_label.clone(),
            runs: self.runs,
            seed: self.seed,
            horizon_year: self.horizon_year,
            npv_base_year: self.npv_base_year,
            discount_rate_pct: self.discount_rate_pct,
        }
    }

    pub fn read(path: &Path) -> Result<ShardState, StateError> {
        let text = std::fs::read_to_string(path).map_err(|source| StateError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let parse = |problem: String| StateError::Parse {
            path: path.to_path_buf(),
            problem,
        };
        // The format first, so a file of another version is named as such. Read straight from
        // the text, not through serde_json::Value: a Value holds no integer beyond 64 bits, and
        // the moments' sums of squares pass 2⁶⁴ in runs of a few hundred thousand.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
        }
        let header: Header = serde_json::from_str(&text).map_err(|e| parse(e.to_string()))?;
        match header.format.as_deref() {
            Some(FORMAT) => {}
            Some(other) => return Err(parse(format!("format \"{other}\", this program reads \"{FORMAT}\""))),
            None => return Err(parse("no \"format\" field".into())),
        }
        serde_json::from_str(&text).map_err(|e| parse(e.to_string()))
    }
}

/// Files to merge from the given paths: a directory contributes its `shard-*-of-*.json` files
/// (sorted by name), a file is taken as it is.
pub fn state_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, StateError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|source| StateError::Read {
                path: p.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let name = f
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    name.starts_with("shard-") && name.contains("-of-") && name.ends_with(".json")
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    if files.is_empty() {
        return Err(StateError::NoFiles);
    }
    Ok(files)
}

/// Check that `states` are all the shards of one run and merge them, in shard order.
pub fn merge(mut states: Vec<(PathBuf, ShardState)>) -> Result<(RunInfo, RunResult), StateError> {
    if states.is_empty() {
        return Err(StateError::NoFiles);
    }
    states.sort_by_key(|(_, s)| s.shard);
    let (first_path, first) = (&states[0].0, &states[0].1);
    for (path, s) in &states[1..] {
        let build = |s: &ShardState| {
            s.manifest.as_ref().map_or("unknown".to_string(), |m| {
                format!(
                    "{} {}",
                    m.run.riskkalkyl_version,
                    m.run.git_commit.as_deref().unwrap_or("(no commit)")
                )
            })
        };
        let checks: [(&'static str, String, String); 8] = [
            ("the riskkalkyl build", build(first), build(s)),
            (
                "the scenario fingerprint",
                first.scenario_sha256.clone(),
                s.scenario_sha256.clone(),
            ),
            ("the seed", first.seed.to_string(), s.seed.to_string()),
            ("the run count", first.runs.to_string(), s.runs.to_string()),
            ("the shard count N", first.shards.to_string(), s.shards.to_string()),
            (
                "the förstudie's estimate (MSEK)",
                first.result.reference_estimate_msek.to_string(),
                s.result.reference_estimate_msek.to_string(),
            ),
            (
                "the horizon year",
                first.horizon_year.to_string(),
                s.horizon_year.to_string(),
            ),
            (
                "the kommuner",
                first.result.kommuner.join(", "),
                s.result.kommuner.join(", "),
            ),
        ];
        for (field, expected, found) in checks {
            if expected != found {
                return Err(StateError::Mismatch {
                    path: path.clone(),
                    first: first_path.clone(),
                    field,
                    expected,
                    found,
                });
            }
        }
    }
    for w in states.windows(2) {
        if w[0].1.shard == w[1].1.shard {
            return Err(StateError::Duplicate {
                path: w[1].0.clone(),
                other: w[0].0.clone(),
                shard: w[1].1.shard,
                shards: w[1].1.shards,
            });
        }
    }
    let shards = first.shards;
    let present: Vec<u64> = states.iter().map(|(_, s)| s.shard).collect();
    let missing: Vec<u64> = (0..shards).filter(|i| !present.contains(i)).collect();
    if !missing.is_empty() || present.len() as u64 != shards {
        return Err(StateError::Missing { missing, shards });
    }
    let info = first.info();
    let mut merged = first.result.clone();
    for (_, s) in &states[1..] {
        merged.merge(&s.result);
    }
    Ok((info, merged))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_chunks_partition_the_run() {
        for (chunks, shards) in [(245, 1), (245, 2), (245, 7), (3, 5), (1000, 1000), (0, 3)] {
            let mut next = 0;
            for i in 0..shards {
                let r = shard_chunks(chunks, i, shards);
                assert_eq!(r.start, next);
                assert!(r.end - r.start <= chunks.div_ceil(shards));
                next = r.end;
            }
            assert_eq!(next, chunks);
        }
    }

    #[test]
    fn a_state_with_sums_beyond_64_bits_reads_back_equal() {
        // A value of 10⁹ MSEK (the largest a run takes) has q² ≈ 4·10²⁷ in Σq², far beyond
        // 2⁶⁴; a few hundred thousand runs of GGVV's joint cost pass 2⁶⁴ too.
        let scenario = Scenario::default_ggvv();
        let model = crate::Model::new(&scenario).unwrap();
        let plan = sim::RunPlan::new(4096, 1, 1).unwrap();
        let mut result = crate::simulate(&model, &plan, 0..plan.chunks(), 28.7).unwrap();
        result.npv[0].push(1e9);
        result.establishment.push(-1e9);
        let info = RunInfo {
            scenario: scenario.meta.name.clone(),
            total_label: "GGVV".into(),
            runs: 4096,
            seed: 1,
            horizon_year: scenario.years.horizon_year,
            npv_base_year: model.npv_base_year(),
            discount_rate_pct: model.discount_rate_pct(),
        };
        let state = ShardState::new(&info, &scenario, 0, 1, 0..plan.chunks(), result);
        let dir = std::env::temp_dir().join(format!("riskkalkyl-state-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(ShardState::file_name(0, 1));
        std::fs::write(&path, state.to_json()).unwrap();
        let back = ShardState::read(&path);
        std::fs::remove_dir_all(&dir).unwrap();
        let back = back.unwrap();
        assert_eq!(back.result.npv[0], state.result.npv[0]);
        assert_eq!(back.to_json(), state.to_json());
    }

    #[test]
    fn fingerprint_ignores_layout_but_not_content() {
        let a = Scenario::default_ggvv();
        let mut b = a.clone();
        assert_eq!(scenario_fingerprint(&a), scenario_fingerprint(&b));
        b.finance.discount_rate_pct += 0.5;
        assert_ne!(scenario_fingerprint(&a), scenario_fingerprint(&b));
    }
}
