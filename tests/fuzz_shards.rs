//! Fuzzing the shard state reader and `merge` (issue 22, class 2): a shard state file is
//! untrusted input, as a scenario is.
//!
//! Each case mutates one of two valid shard states of the default scenario (replace a number
//! by an extreme one, delete or duplicate an array element, truncate, flip a byte, swap a
//! string) and requires: reading never panics; a state that reads and merges with its partner
//! gives a summary and a yearly table (everything `merge` writes) without a panic and with
//! only finite numbers and probabilities within 0..1. The mutations are drawn from a fixed
//! seed: `FUZZ_CASES` (default 40) and `FUZZ_SEED` set the run; `.ci/run` runs more cases in
//! release.

use std::path::{Path, PathBuf};

use models::run::state::{ShardState, merge, shard_chunks};
use models::{Model, RunInfo, Scenario};

const RUNS: u64 = 3 * 4096 + 100;

/// The two shard files of a small run of the default scenario.
fn shards(dir: &Path) -> Vec<(PathBuf, String)> {
    let scenario = Scenario::default_ggvv();
    let model = Model::new(&scenario).unwrap();
    let plan = sim::RunPlan::new(RUNS, 7, 1).unwrap();
    let info = RunInfo {
        scenario: scenario.meta.name.clone(),
        total_label: scenario.meta.total_label.clone(),
        runs: RUNS,
        seed: 7,
        horizon_year: scenario.years.horizon_year,
        npv_base_year: model.npv_base_year(),
        discount_rate_pct: model.discount_rate_pct(),
    };
    (0..2)
        .map(|i| {
            let chunks = shard_chunks(plan.chunks(), i, 2);
            let result = models::simulate(&model, &plan, chunks.clone(), model.reference_estimate_msek()).unwrap();
            let state = ShardState::new(&info, &scenario, i, 2, chunks, result);
            let path = dir.join(ShardState::file_name(i, 2));
            (path, state.to_json())
        })
        .collect()
}

/// A small deterministic generator (xorshift64*): the cases depend on FUZZ_SEED only.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "5000",
    "4097",
    "12388",
    "1e308",
    "-1e308",
    "1e-308",
    "18446744073709551615",
    "170141183460469231731687303715884105727",
    "-170141183460469231731687303715884105728",
    "3.5",
    "null",
    "[]",
    "{}",
    "\"x\"",
];

/// Byte spans of the number tokens of a JSON text.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut v = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if c == b'-' || c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b"-+.eE".contains(&b[i])) {
                i += 1;
            }
            v.push((start, i));
            continue;
        }
        i += 1;
    }
    v
}

/// One mutation of `text`.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut t = text.to_string();
    match rng.below(6) {
        0 | 1 => {
            let spans = numbers(&t);
            let (a, b) = spans[rng.below(spans.len())];
            t.replace_range(a..b, NUMBERS[rng.below(NUMBERS.len())]);
        }
        2 => {
            // Delete the first element of an array (or the whole content of a short one).
            let opens: Vec<usize> = t.match_indices('[').map(|(i, _)| i).collect();
            let a = opens[rng.below(opens.len())] + 1;
            let end = t[a..].find([',', ']']).map_or(t.len(), |e| a + e);
            let end = if t[end..].starts_with(',') { end + 1 } else { end };
            t.replace_range(a..end, "");
        }
        3 => {
            // Duplicate the first element of an array.
            let opens: Vec<usize> = t.match_indices('[').map(|(i, _)| i).collect();
            let a = opens[rng.below(opens.len())] + 1;
            if let Some(e) = t[a..].find(',') {
                let elem = t[a..a + e + 1].to_string();
                t.insert_str(a, &elem);
            }
        }
        4 => {
            let at = rng.below(t.len());
            t.truncate(at);
        }
        _ => {
            for (from, to) in [
                ("\"MonteCarlo\"", "\"LatinHypercube\""),
                ("\"sampling\"", "\"samplingX\""),
                ("Gislaved", "Gnosjö"),
                (
                    "\"format\":\"riskkalkyl-shard-state/1\"",
                    "\"format\":\"riskkalkyl-shard-state/2\"",
                ),
                ("\"shard\":1", "\"shard\":0"),
                ("\"mean_only\":true", "\"mean_only\":false"),
            ] {
                if t.contains(from) && rng.below(2) == 0 {
                    t = t.replacen(from, to, 1);
                    break;
                }
            }
            let at = rng.below(t.len());
            if t.is_char_boundary(at) && t.is_char_boundary(at + 1) {
                t.replace_range(at..at + 1, ["9", "\"", "}", "-", " "][rng.below(5)]);
            }
        }
    }
    t
}

/// Everything `merge` writes from a merged result must be finite and sane.
fn outputs_are_sane(info: &RunInfo, result: &models::RunResult) -> Result<(), String> {
    let summary = reports::Summary::new(info, result);
    let json = summary.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    fn walk(v: &serde_json::Value, path: &str) -> Result<(), String> {
        match v {
            serde_json::Value::Number(n) => match n.as_f64() {
                Some(x) if x.is_finite() => Ok(()),
                _ => Err(format!("{path}: {n}")),
            },
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .try_for_each(|(i, x)| walk(x, &format!("{path}[{i}]"))),
            serde_json::Value::Object(o) => o.iter().try_for_each(|(k, x)| walk(x, &format!("{path}.{k}"))),
            _ => Ok(()),
        }
    }
    walk(&v, "summary")?;
    let mut set = reports::OutputSet::new(&std::env::temp_dir().join(format!("fuzz-shards-{}", std::process::id())))
        .map_err(|e| e.to_string())?;
    reports::export::write_run(
        &mut set,
        &reports::export::RunOutput {
            result,
            summary: &summary,
        },
    )
    .map_err(|e| e.to_string())?;
    for k in 0..result.net_loss.len() {
        let p = result.net_loss[k].p();
        if !(0.0..=1.0).contains(&p) {
            return Err(format!("P(net loss) of kommun {k} is {p}"));
        }
    }
    Ok(())
}

#[test]
fn mutated_shard_states_are_refused_or_merge_sanely() {
    let cases: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20270101);
    let dir = tempfile::tempdir().unwrap();
    let files = shards(dir.path());
    for (path, text) in &files {
        std::fs::write(path, text).unwrap();
    }
    // The valid pair merges.
    let valid: Vec<(PathBuf, ShardState)> = files
        .iter()
        .map(|(p, _)| (p.clone(), ShardState::read(p).unwrap()))
        .collect();
    let (info, result) = merge(valid.clone()).unwrap();
    outputs_are_sane(&info, &result).unwrap();
    let mut rng = Rng(seed | 1);
    let (mut refused, mut merged) = (0, 0);
    let target = dir.path().join("mutated.json");
    for case in 0..cases {
        let which = rng.below(2);
        let mut text = files[which].1.clone();
        for _ in 0..1 + rng.below(2) {
            text = mutate(&text, &mut rng);
        }
        std::fs::write(&target, &text).unwrap();
        let outcome = std::panic::catch_unwind(|| {
            let state = match ShardState::read(&target) {
                Ok(s) => s,
                Err(e) => return Err(e.to_string()),
            };
            let mut states = vec![(target.clone(), state)];
            states.push(valid[1 - which].clone());
            match merge(states) {
                Ok((info, result)) => outputs_are_sane(&info, &result)
                    .map(|_| true)
                    .map_err(|e| format!("INSANE: {e}")),
                Err(e) => Err(e.to_string()),
            }
        });
        match outcome {
            Err(_) => {
                let keep = std::env::temp_dir().join(format!("fuzz-shard-panic-{seed}-{case}.json"));
                std::fs::write(&keep, &text).unwrap();
                panic!(
                    "case {case} (seed {seed}) panicked; the state is kept in {}",
                    keep.display()
                );
            }
            Ok(Err(e)) if e.starts_with("INSANE") => {
                let keep = std::env::temp_dir().join(format!("fuzz-shard-insane-{seed}-{case}.json"));
                std::fs::write(&keep, &text).unwrap();
                panic!(
                    "case {case} (seed {seed}): merged into {e}; the state is kept in {}",
                    keep.display()
                );
            }
            Ok(Err(e)) => {
                assert!(
                    e.contains("mutated.json") && e.contains("fix:"),
                    "case {case}: the refusal names no file or fix: {e}"
                );
                refused += 1;
            }
            Ok(Ok(_)) => merged += 1,
        }
    }
    eprintln!("shard fuzz: {cases} cases, {refused} refused, {merged} merged sanely");
    assert!(
        refused > cases / 2,
        "most mutations must be refused: {refused} of {cases}"
    );
}
