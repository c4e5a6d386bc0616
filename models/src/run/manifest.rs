//! The run manifest: what produced a set of outputs, so that every number a board sees can be
//! traced to exactly the build, scenario, seed and runs behind it.
//!
//! Two parts:
//! - [`RunIdentity`] determines the numbers: build, scenario SHA-256, seed, runs, sampling,
//!   budget. It is embedded in summary.json (`"manifest"`) and in every shard state, and it is
//!   the same for a sharded-and-merged run as for the unsharded one (so their summary.json
//!   stay byte-identical). [`RunIdentity::fingerprint`] is its short citable form.
//! - [`Manifest`] adds how this output set was made (shard layout, platform), the scenario's
//!   text (so `riskkalkyl verify` can recompute its hash and rerun it without the original
//!   file, also for the embedded default), per-chunk check digests for `verify --rerun`, and
//!   the SHA-256 of every file written beside it. It is `manifest.json` in the output
//!   directory, and embedded (without `files`) in each shard state.
//!
//! No timestamps or host names: two runs of the same thing write the same manifest.
//!
//! The manifest is a checksum, not a signature: someone who rewrites a file and its hash in
//! manifest.json consistently is not detected, but the identity's fingerprint then changes
//! unless the identity is left as it was, so a fingerprint cited in the minutes pins the run.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sim::{CHUNK_RUNS, RunPlan, RunPlanError, Sampling};

use super::{RunOptions, simulate_with};
use crate::model::Model;

/// The `format` tag of a manifest.
pub const FORMAT: &str = "riskkalkyl-manifest/1";

/// The name of the manifest file beside the outputs.
pub const FILE_NAME: &str = "manifest.json";

/// Most chunks [`chunk_sample`] picks for the rerun check.
pub const CHECK_CHUNKS: u64 = 4;

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest.
fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The riskkalkyl build that ran: the binary's crate version and the git commit it was built
/// from (`None` when built outside a git checkout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    pub version: String,
    pub git_commit: Option<String>,
}

/// What determines the numbers of a run. See the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunIdentity {
    pub format: String,
    pub riskkalkyl_version: String,
    /// `null` when the binary was built without git metadata.
    pub git_commit: Option<String>,
    pub scenario: String,
    /// SHA-256 of the scenario's canonical JSON form ([`super::state::scenario_fingerprint`]).
    pub scenario_sha256: String,
    pub seed: u64,
    /// Runs of the whole run.
    pub runs: u64,
    /// "mc" or "lhs".
    pub sampling: String,
    pub budget_msek: f64,
    /// Runs per chunk, part of the definition of the random streams.
    pub chunk_runs: u64,
}

impl RunIdentity {
    pub fn new(
        build: &Build,
        scenario: &str,
        scenario_sha256: &str,
        plan: &RunPlan,
        sampling: Sampling,
        budget_msek: f64,
    ) -> Self {
        RunIdentity {
            format: FORMAT.into(),
            riskkalkyl_version: build.version.clone(),
            git_commit: build.git_commit.clone(),
            scenario: scenario.into(),
            scenario_sha256: scenario_sha256.into(),
            seed: plan.seed,
            runs: plan.runs,
            sampling: sampling.name().into(),
            budget_msek,
            chunk_runs: CHUNK_RUNS,
        }
    }

    /// The short, citable fingerprint of the run: the first 12 hex digits (48 bits) of the
    /// SHA-256 of this identity's JSON, grouped as `1a2b-3c4d-5e6f`.
    pub fn fingerprint(&self) -> String {
        let hex = sha256_hex(serde_json::to_string(self).expect("an identity serialises").as_bytes());
        format!("{}-{}-{}", &hex[0..4], &hex[4..8], &hex[8..12])
    }

    /// The sampling as the engine's enum, `None` for an unknown name.
    pub fn sampling(&self) -> Option<Sampling> {
        match self.sampling.as_str() {
            "mc" => Some(Sampling::MonteCarlo),
            "lhs" => Some(Sampling::LatinHypercube),
            _ => None,
        }
    }
}

/// How the run was cut: `shards` slices of `total_chunks` chunks; `shard` is this file's slice
/// (a shard state), `None` for a whole or merged run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardLayout {
    pub shards: u64,
    pub shard: Option<u64>,
    pub chunk_start: u64,
    pub chunk_end: u64,
    pub total_chunks: u64,
}

/// Where it ran. Results do not depend on it (the numbers are reproducible across thread
/// counts and shards); it is recorded for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    pub os: String,
    pub arch: String,
    /// The Rust target triple the binary was built for, if known.
    pub target: Option<String>,
}

impl Platform {
    pub fn current(target: Option<&str>) -> Platform {
        Platform {
            os: std::env::consts::OS.into(),
            arch: std::env::consts::ARCH.into(),
            target: target.map(str::to_string),
        }
    }
}

/// The digest of one chunk's result, for `verify --rerun`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkCheck {
    pub chunk: u64,
    /// SHA-256 of the JSON of the chunk's [`super::RunResult`] ([`chunk_digest`]).
    pub sha256: String,
}

/// One output file and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// Path relative to the manifest's directory ('/'-separated), or as given when outside it.
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

/// The full manifest. See the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub run: RunIdentity,
    /// [`RunIdentity::fingerprint`] of `run`; `verify` recomputes it, so an edited identity
    /// is caught.
    pub fingerprint: String,
    pub layout: ShardLayout,
    pub platform: Platform,
    /// "embedded" (the built-in default) or the scenario file's path as given.
    pub scenario_source: String,
    /// The scenario's TOML text, as read.
    pub scenario_toml: String,
    pub chunk_checks: Vec<ChunkCheck>,
    /// The files written beside the manifest (empty inside a shard state).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileDigest>,
}

impl Manifest {
    /// The citable short fingerprint (see [`RunIdentity::fingerprint`]).
    pub fn fingerprint(&self) -> String {
        self.run.fingerprint()
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest serialises");
        s.push('\n');
        s
    }
}

/// The chunks of `chunks` whose digests a manifest keeps: at most [`CHECK_CHUNKS`], spread
/// evenly (the first, the last and between), so a rerun touches both ends of the run.
pub fn chunk_sample(chunks: Range<u64>) -> Vec<u64> {
    let len = chunks.end.saturating_sub(chunks.start);
    if len == 0 {
        return Vec::new();
    }
    let k = len.min(CHECK_CHUNKS);
    let mut v: Vec<u64> = (0..k)
        .map(|i| chunks.start + if k == 1 { 0 } else { i * (len - 1) / (k - 1) })
        .collect();
    v.dedup();
    v
}

/// The digest of chunk `chunk` of `plan` run alone with `simulate_with`.
pub fn chunk_digest(
    model: &Model,
    plan: &RunPlan,
    chunk: u64,
    budget_msek: f64,
    opts: RunOptions,
) -> Result<String, RunPlanError> {
    let r = simulate_with(model, plan, chunk..chunk + 1, budget_msek, opts)?;
    Ok(result_digest(&r))
}

/// The SHA-256 of a chunk's result, as [`ChunkCheck::sha256`] records it.
pub(crate) fn result_digest(r: &super::RunResult) -> String {
    // The digest form of the quantile sketches (their non-zero buckets) streamed into the
    // hash: the state-file form's full pages made this 40 % of a 40 960-run `run`.
    let mut hasher = HashWriter(Sha256::new());
    sim::stats::with_digest_form(|| serde_json::to_writer(&mut hasher, r)).expect("a result serialises");
    hex(&hasher.0.finalize())
}

/// An [`std::io::Write`] that feeds a SHA-256.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// [`ChunkCheck`]s of the [`chunk_sample`] of `chunks`.
pub fn chunk_checks(
    model: &Model,
    plan: &RunPlan,
    chunks: Range<u64>,
    budget_msek: f64,
    opts: RunOptions,
) -> Result<Vec<ChunkCheck>, RunPlanError> {
    chunk_sample(chunks)
        .into_iter()
        .map(|chunk| {
            Ok(ChunkCheck {
                chunk,
                sha256: chunk_digest(model, plan, chunk, budget_msek, opts)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digests a run takes in its own pass are those of the chunks run again alone, and
    /// taking them leaves the run's result as it is, on one thread and on three.
    #[test]
    fn digests_from_the_run_equal_digests_of_chunks_run_again() {
        let model = Model::new(&crate::Scenario::default_ggvv()).unwrap();
        let opts = RunOptions::default();
        for threads in [1, 3] {
            // 6 chunks, the last one short; a shard's slice starting at chunk 1.
            let plan = RunPlan::new(5 * CHUNK_RUNS + 100, 9, threads).unwrap();
            for chunks in [0..6, 1..6] {
                let (r, checks) =
                    crate::run::simulate_with_checks(&model, &plan, chunks.clone(), 28.7, opts, &|| {}).unwrap();
                assert_eq!(checks, chunk_checks(&model, &plan, chunks.clone(), 28.7, opts).unwrap());
                assert_eq!(checks.len(), 4);
                let alone = simulate_with(&model, &plan, chunks, 28.7, opts).unwrap();
                assert_eq!(
                    serde_json::to_string(&r).unwrap(),
                    serde_json::to_string(&alone).unwrap()
                );
            }
        }
    }

    #[test]
    fn chunk_sample_spreads_over_the_range_and_stays_inside() {
        assert_eq!(chunk_sample(0..0), Vec::<u64>::new());
        assert_eq!(chunk_sample(5..6), vec![5]);
        assert_eq!(chunk_sample(0..3), vec![0, 1, 2]);
        assert_eq!(chunk_sample(0..245), vec![0, 81, 162, 244]);
        assert_eq!(chunk_sample(10..20), vec![10, 13, 16, 19]);
    }

    #[test]
    fn the_fingerprint_changes_with_every_field_of_the_identity() {
        let build = Build {
            version: "0.1.0".into(),
            git_commit: Some("abc".into()),
        };
        let plan = RunPlan::new(1000, 7, 1).unwrap();
        let a = RunIdentity::new(&build, "s", "00ff", &plan, Sampling::MonteCarlo, 28.7);
        let f = a.fingerprint();
        assert_eq!(f.len(), 14);
        assert_eq!(f, a.clone().fingerprint());
        let mut b = a.clone();
        b.seed = 8;
        assert_ne!(b.fingerprint(), f);
        let mut c = a.clone();
        c.git_commit = None;
        assert_ne!(c.fingerprint(), f);
        let mut d = a;
        d.sampling = "lhs".into();
        assert_ne!(d.fingerprint(), f);
    }
}
