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
use crate::scenario::{MAX_AMOUNT_MSEK, MAX_KOMMUNER, MAX_OUTPUT_MSEK, MAX_YEARS, Scenario, YEAR_RANGE};

/// Largest state file read, bytes (the default scenario's are about 2 MB; 300 kommuner over
/// 100 years stay below this).
pub const MAX_STATE_BYTES: u64 = 1 << 30;
/// Most shards a run may be split into (merge lists the missing ones).
pub const MAX_SHARDS: u64 = 1_000_000;
/// Most runs a state file may record: the statistics' exact range (the CLI's `--runs` limit).
pub const MAX_RUNS: u64 = 10_000_000_000;

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
    /// A field that no run could have written: the file was edited or damaged.
    #[error(
        "{path}: {field}: {problem}: not a state file `run --shard` wrote (edited or damaged?)\n  fix: rerun this shard (`run --shard I/N` with the same scenario, --seed and --runs)"
    )]
    Invalid {
        path: PathBuf,
        field: String,
        problem: String,
    },
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

    /// Read and check a state file: it is untrusted input, so it is read with a bound
    /// ([`crate::input_file`], [`MAX_STATE_BYTES`]) and checked field by field
    /// ([`ShardState::check`]) before anything uses it.
    pub fn read(path: &Path) -> Result<ShardState, StateError> {
        let parse = |problem: String| StateError::Parse {
            path: path.to_path_buf(),
            problem,
        };
        let bytes = crate::input_file::read_capped(path, MAX_STATE_BYTES).map_err(|e| match e {
            crate::input_file::ReadError::Io(source) => StateError::Read {
                path: path.to_path_buf(),
                source,
            },
            e => parse(e.to_string()),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| parse("not UTF-8 text".into()))?;
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
        let state: ShardState = serde_json::from_str(&text).map_err(|e| parse(e.to_string()))?;
        state.check().map_err(|(field, problem)| StateError::Invalid {
            path: path.to_path_buf(),
            field,
            problem,
        })?;
        Ok(state)
    }

    /// Internal consistency: what every state `run --shard` writes satisfies, and what
    /// merging and the outputs rely on (lengths, counts, the slice of chunks). The error is
    /// (field, problem).
    pub fn check(&self) -> Result<(), (String, String)> {
        let bad = |field: &str, problem: String| Err((field.to_string(), problem));
        let r = &self.result;
        if !(1..=MAX_RUNS).contains(&self.runs) {
            return bad("runs", format!("{} runs, not 1 to {MAX_RUNS}", self.runs));
        }
        let plan = sim::RunPlan::new(self.runs, self.seed, 1).map_err(|e| ("runs".to_string(), e.to_string()))?;
        if !(1..=MAX_SHARDS).contains(&self.shards) || self.shard >= self.shards {
            return bad(
                "shard",
                format!("shard {} of {} (N from 1 to {MAX_SHARDS})", self.shard, self.shards),
            );
        }
        let chunks = shard_chunks(plan.chunks(), self.shard, self.shards);
        if (self.chunk_start, self.chunk_end) != (chunks.start, chunks.end) {
            return bad(
                "chunk_start",
                format!(
                    "chunks {}..{}, but shard {} of {} runs chunks {}..{}",
                    self.chunk_start, self.chunk_end, self.shard, self.shards, chunks.start, chunks.end
                ),
            );
        }
        let runs_of = |c: u64| (c * sim::CHUNK_RUNS).min(self.runs);
        let runs = runs_of(chunks.end) - runs_of(chunks.start);
        if r.runs != runs {
            return bad(
                "result.runs",
                format!("{} runs, but chunks {chunks:?} hold {runs}", r.runs),
            );
        }
        if r.out_of_range_runs != 0 {
            return bad(
                "result.out_of_range_runs",
                format!("{} (a run writes no state then)", r.out_of_range_runs),
            );
        }
        if self.scenario_sha256.len() != 64 || !self.scenario_sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return bad("scenario_sha256", "not a SHA-256 in hex".into());
        }
        for (field, year) in [
            ("horizon_year", self.horizon_year),
            ("npv_base_year", self.npv_base_year),
        ] {
            if !YEAR_RANGE.contains(&year) {
                return bad(field, format!("{year} outside {YEAR_RANGE:?}"));
            }
        }
        if !(self.discount_rate_pct.is_finite() && self.discount_rate_pct.abs() <= 100.0) {
            return bad("discount_rate_pct", format!("{}", self.discount_rate_pct));
        }
        let estimate = r.reference_estimate_msek;
        if !(estimate.is_finite() && estimate > 0.0 && estimate <= MAX_AMOUNT_MSEK) {
            return bad("result.reference_estimate_msek", format!("{estimate}"));
        }
        let k = r.kommuner.len();
        if !(1..=MAX_KOMMUNER).contains(&k) {
            return bad("result.kommuner", format!("{k} kommuner"));
        }
        let n = r.years.len();
        let consecutive = r.years.windows(2).all(|w| w[0].checked_add(1) == Some(w[1]));
        if n == 0 || n > MAX_YEARS as usize + 1 || !consecutive || r.years.last() != Some(&self.horizon_year) {
            return bad(
                "result.years",
                format!(
                    "{n} years, consecutive: {consecutive}, up to the horizon {}",
                    self.horizon_year
                ),
            );
        }
        let k1 = k + 1;
        let cum_ok = r.cum_yearly.is_empty() || r.cum_yearly.len() == k1 * n;
        for (field, len, want) in [
            ("result.npv", r.npv.len(), k1),
            ("result.net_loss", r.net_loss.len(), k1),
            ("result.payback", r.payback.len(), k1),
            ("result.net_yearly", r.net_yearly.len(), k1 * n),
            ("result.joint_yearly", r.joint_yearly.len(), k1 * n),
            (
                "result.cum_yearly",
                if cum_ok { k1 * n } else { r.cum_yearly.len() },
                k1 * n,
            ),
            ("result.chunk_means.npv", r.chunk_means.npv.len(), k1),
            ("result.chunk_means.net_loss", r.chunk_means.net_loss.len(), k1),
        ] {
            if len != want {
                return bad(
                    field,
                    format!("{len} entries, want {want} ({k} kommuner and the total, {n} years)"),
                );
            }
        }
        for (i, p) in r.payback.iter().enumerate() {
            let sum: u128 = p.iter().map(|&c| u128::from(c)).sum();
            if p.len() != n + 1 || sum != u128::from(runs) {
                return bad(
                    &format!("result.payback[{i}]"),
                    format!(
                        "{} slots adding up to {sum}, want {} adding up to {runs}",
                        p.len(),
                        n + 1
                    ),
                );
            }
        }
        let stats = r.npv.iter().enumerate().map(|(i, s)| (format!("result.npv[{i}]"), s));
        let yearly = [
            ("net_yearly", &r.net_yearly),
            ("joint_yearly", &r.joint_yearly),
            ("cum_yearly", &r.cum_yearly),
        ]
        .into_iter()
        .flat_map(|(f, v)| v.iter().enumerate().map(move |(i, s)| (format!("result.{f}[{i}]"), s)));
        let single = [
            ("result.establishment", &r.establishment),
            ("result.establishment_inside", &r.establishment_inside),
            ("result.establishment_outside", &r.establishment_outside),
            ("result.duration_months", &r.duration_months),
            ("result.saving_share_full", &r.saving_share_full),
        ]
        .into_iter()
        .map(|(f, s)| (f.to_string(), s));
        for (field, st) in stats.chain(yearly).chain(single) {
            st.check(MAX_OUTPUT_MSEK).map_err(|e| (field.clone(), e))?;
            if st.moments.count() != runs {
                return Err((
                    field,
                    format!("{} values, but the shard ran {runs}", st.moments.count()),
                ));
            }
        }
        let props = r
            .net_loss
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("result.net_loss[{i}]"), p));
        let counts = [
            ("cost", &r.cost),
            ("cost_inside", &r.cost_inside),
            ("cost_outside", &r.cost_outside),
        ]
        .into_iter()
        .flat_map(|(f, c)| {
            [
                (format!("result.{f}.above_estimate"), &c.above_estimate),
                (format!("result.{f}.above_range"), &c.above_range),
                (format!("result.{f}.below_range"), &c.below_range),
            ]
        });
        let outside = std::iter::once(("result.outside_above_inside".to_string(), &r.outside_above_inside));
        for (field, p) in props.chain(counts).chain(outside) {
            if p.n != runs || p.hits > p.n {
                return Err((field, format!("{} hits of {}, but the shard ran {runs}", p.hits, p.n)));
            }
        }
        let c = &r.chunk_means;
        let full = (chunks.end - chunks.start).min(runs / sim::CHUNK_RUNS);
        let means = c
            .npv
            .iter()
            .chain(&c.net_loss)
            .chain([&c.establishment, &c.above_estimate]);
        for m in means {
            m.check(MAX_OUTPUT_MSEK)
                .map_err(|e| ("result.chunk_means".to_string(), e))?;
            if m.count() > full {
                return bad(
                    "result.chunk_means",
                    format!("{} chunk means, the shard has {full} full chunks", m.count()),
                );
            }
        }
        Ok(())
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
        let checks: [(&'static str, String, String); 15] = [
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
                format!("{:?}", first.result.kommuner),
                format!("{:?}", s.result.kommuner),
            ),
            (
                "whether the cumulative rows are kept",
                first.result.cum_yearly.is_empty().to_string(),
                s.result.cum_yearly.is_empty().to_string(),
            ),
            (
                "the sampling",
                format!("{:?}", first.result.sampling),
                format!("{:?}", s.result.sampling),
            ),
            ("the scenario name", first.scenario.clone(), s.scenario.clone()),
            ("the total label", first.total_label.clone(), s.total_label.clone()),
            (
                "the NPV base year",
                first.npv_base_year.to_string(),
                s.npv_base_year.to_string(),
            ),
            (
                "the discount rate",
                first.discount_rate_pct.to_string(),
                s.discount_rate_pct.to_string(),
            ),
            (
                "the years",
                format!("{:?}", first.result.years),
                format!("{:?}", s.result.years),
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
        // Parsed without the consistency check: the pushed values are not a run's.
        let back = serde_json::from_str::<ShardState>(&std::fs::read_to_string(&path).unwrap());
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
