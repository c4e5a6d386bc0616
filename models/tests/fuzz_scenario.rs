//! Fuzzing the scenario loader and validator with mutated TOML (a property-based generator:
//! only the stable toolchain is available, so no cargo-fuzz).
//!
//! Each case applies one to four mutations to the embedded GGVV scenario (replace a value by
//! an extreme or ill-typed one, delete, duplicate, swap or insert lines, truncate, flip a
//! byte) and requires of the result: loading never panics; a refusal has a line ≥ 1 and
//! column ≥ 1 inside the file, a field path, a problem and a fix; an accepted scenario
//! compiles, and its point tables and its outcomes at the corners of the input ranges and at
//! random draws are all finite and within `MAX_OUTPUT_MSEK`.
//!
//! `FUZZ_CASES` (default 300) and `FUZZ_SEED` (default fixed) set the run; `.ci/run` runs more
//! cases in release. Any crash found is kept in `tests/fuzz_regressions/` and replayed by
//! [`regressions_stay_fixed`].

use std::sync::atomic::{AtomicU64, Ordering};

use models::scenario::MAX_OUTPUT_MSEK;
use models::{DEFAULT_SCENARIO, Model, Outcome, Scenario};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the value of the n-th `key = value` (modulo their number).
    Value(usize, String),
    /// Multiply the n-th plain number by a factor: mostly plausible scenarios that probe the
    /// bounds rather than the parser.
    Scale(usize, f64),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    InsertLine(usize, String),
    Truncate(usize),
    FlipByte(usize, u8),
}

const VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "0.5",
    "-0.0",
    "1e308",
    "-1e308",
    "1e-308",
    "nan",
    "inf",
    "-inf",
    "99999999999",
    "-2147483648",
    "2147483647",
    "100",
    "101",
    "1e9",
    "1900",
    "2300",
    "\"\"",
    "\" Gislaved\"",
    "\"../x\"",
    "\"=1+1\"",
    "\"Gislaved\"",
    "\"Gnosjö\"",
    "\"high\"",
    "\"own_costs\"",
    "\"population\"",
    "\"users\"",
    "true",
    "[]",
    "{}",
    "{ dist = \"fixed\", value = 1e300 }",
    "{ dist = \"fixed\", value = 0.0 }",
    "{ dist = \"uniform\", min = 0.0, max = 1e300 }",
    "{ dist = \"uniform\", min = 1e-300, max = 1e-299 }",
    "{ dist = \"lognormal\", mean = 1.0, sd = 1e300 }",
    "{ dist = \"lognormal\", mean = 1e300, sd = 1.0 }",
    "{ dist = \"normal\", mean = 0.0, sd = 1.0 }",
    "{ dist = \"pert\", min = 0.0, mode = 0.0, max = 0.0 }",
    "{ dist = \"pert\", min = 0.0, mode = 1.0, max = 2.0, shape = 1e300 }",
    "{ dist = \"triangular\", min = -1e300, mode = 0.0, max = 1e300 }",
    "{ dist = \"ref_class_overrun\", tail_prob = 1.0, body_mean = 0.0, body_sd = 1.0, body_min = -1.0, tail_scale = 1e-300, tail_alpha = 1e-300, tail_cap = 1e300 }",
    "{ Gislaved = 100 }",
    "{ population = 50, cost_share = 50 }",
];

const LINES: &[&str] = &[
    "[x]",
    "a = 1",
    "[[kommuner]]",
    "[[establishment.phases]]",
    "[keys.extra]",
    "}",
    "\"",
    "x = [[[[",
    "[establishment]",
    "name = \"Hylte\"",
    "shares_pct = { Hylte = 100 }",
    "cost_2024_tkr = {}",
    "\u{0}",
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(VALUES).prop_map(str::to_string),
        1 => any::<f64>().prop_map(|x| format!("{x:e}")),
        1 => any::<i64>().prop_map(|x| x.to_string()),
        1 => "[ -~]{0,12}".prop_map(|s| format!("\"{s}\"")),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        8 => (any::<usize>(), value()).prop_map(|(i, v)| Mutation::Value(i, v)),
        6 => (any::<usize>(), proptest::sample::select(&[0.0, -1.0, 0.5, 1.5, 2.0, 3.0, 10.0, 100.0, 1e3, 1e6, 1e12, -1e3][..]))
            .prop_map(|(i, f)| Mutation::Scale(i, f)),
        2 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (any::<usize>(), proptest::sample::select(LINES)).prop_map(|(i, l)| Mutation::InsertLine(i, l.to_string())),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
    ]
}

/// Byte ranges of the values of `key = value` lines and inline-table entries.
fn value_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let start = i + 1;
            let mut end = start;
            let mut depth = 0i32;
            let mut in_str = false;
            while end < b.len() {
                match b[end] {
                    b'"' => in_str = !in_str,
                    b'{' | b'[' if !in_str => depth += 1,
                    b'}' | b']' if !in_str && depth > 0 => depth -= 1,
                    b',' | b'}' | b'\n' | b'#' if !in_str && depth == 0 => break,
                    _ => {}
                }
                end += 1;
            }
            spans.push((start, end));
        }
        i += 1;
    }
    spans
}

/// Plain numbers inside `text[a..b]`: (start, end, value).
fn number_spans(text: &str, a: usize, b: usize) -> Vec<(usize, usize, f64)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        let starts = bytes[i].is_ascii_digit() || (bytes[i] == b'-' && i + 1 < b && bytes[i + 1].is_ascii_digit());
        let after_word = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if starts && !after_word {
            let mut j = i + 1;
            while j < b && (bytes[j].is_ascii_digit() || bytes[j] == b'.' || bytes[j] == b'e') {
                j += 1;
            }
            if let Ok(x) = text[i..j].parse::<f64>() {
                out.push((i, j, x));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn apply(muts: &[Mutation]) -> String {
    let mut text = DEFAULT_SCENARIO.to_string();
    for m in muts {
        match m {
            Mutation::Value(i, v) => {
                let spans = value_spans(&text);
                if !spans.is_empty() {
                    let (a, b) = spans[i % spans.len()];
                    text.replace_range(a..b, &format!(" {v}"));
                }
            }
            Mutation::Scale(i, f) => {
                let numbers: Vec<(usize, usize, f64)> = value_spans(&text)
                    .into_iter()
                    .flat_map(|(a, b)| number_spans(&text, a, b))
                    .collect();
                if !numbers.is_empty() {
                    let (a, b, x) = numbers[i % numbers.len()];
                    text.replace_range(a..b, &format!("{:?}", x * f));
                }
            }
            Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) | Mutation::InsertLine(i, _) => {
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                let i = i % (lines.len() + 1);
                match m {
                    Mutation::DeleteLine(_) if i < lines.len() => {
                        lines.remove(i);
                    }
                    Mutation::DuplicateLine(_) if i < lines.len() => lines.insert(i, lines[i].clone()),
                    Mutation::InsertLine(_, l) => lines.insert(i, l.clone()),
                    _ => {}
                }
                text = lines.join("\n");
            }
            Mutation::SwapLines(a, b) => {
                let mut lines: Vec<&str> = text.lines().collect();
                let n = lines.len().max(1);
                if lines.len() > 1 {
                    lines.swap(a % n, b % n);
                }
                text = lines.join("\n");
            }
            Mutation::Truncate(i) => {
                let mut cut = i % (text.len() + 1);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
            }
            Mutation::FlipByte(i, byte) => {
                let mut bytes = text.into_bytes();
                if !bytes.is_empty() {
                    let i = i % bytes.len();
                    bytes[i] = *byte;
                }
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
        }
    }
    text
}

fn all_in_range(o: &Outcome) -> Result<(), String> {
    let ok = |x: f64| x.abs() <= MAX_OUTPUT_MSEK;
    for (what, v) in [
        ("current", &o.current),
        ("joint", &o.joint),
        ("net", &o.net),
        ("npv", &o.npv),
    ] {
        if let Some(x) = v.iter().find(|x| !ok(**x)) {
            return Err(format!("{what} = {x}"));
        }
    }
    for (what, x) in [
        ("establishment", o.establishment_msek),
        ("duration", o.duration_months),
        ("saving share", o.saving_share_full),
        ("staff saving", o.staff_saving),
    ] {
        if !ok(x) {
            return Err(format!("{what} = {x}"));
        }
    }
    Ok(())
}

/// The property: never a panic; a refusal is located and explained; an accepted scenario
/// gives finite, bounded figures. `Ok(true)` when the scenario was accepted.
fn check(text: &str) -> Result<bool, String> {
    match Scenario::from_toml(text, "fuzz.toml") {
        Err(e) => {
            let lines = text.lines().count().max(1);
            let Some((_, line, column)) = e.location() else {
                return Err(format!("a file's error without its place: {e}"));
            };
            if line < 1 || line > lines + 1 || column < 1 {
                return Err(format!(
                    "location {line}:{column} outside the file of {lines} lines: {e}"
                ));
            }
            if e.path().is_empty() || e.problem().is_empty() || e.hint().is_empty() {
                return Err(format!("incomplete error: {e:?}"));
            }
            Ok(false)
        }
        Ok(s) => {
            let model = Model::new(&s).map_err(|e| format!("loaded but does not compile: {e}"))?;
            let t = model.point_tables();
            for v in t.current.iter().chain(&t.joint).chain(&t.difference).flatten() {
                if !v.is_finite() {
                    return Err(format!("point table value {v}"));
                }
            }
            if !model.reference_estimate_msek().is_finite() {
                return Err("budget not finite".into());
            }
            let mut o = model.new_outcome();
            let inputs = model.inputs();
            let at = |f: &dyn Fn(&sim::dist::Input) -> f64| -> Vec<f64> {
                inputs
                    .iter()
                    .map(|i| {
                        let x = f(i);
                        if x.is_finite() { x } else { i.point }
                    })
                    .collect()
            };
            let corners = [at(&|i| i.point), at(&|i| i.lo), at(&|i| i.hi)];
            for (name, x) in ["point", "lo", "hi"].iter().zip(&corners) {
                model.evaluate(x, &mut o);
                all_in_range(&o).map_err(|e| format!("at the {name} corner: {e}"))?;
            }
            let mut rng = sim::chunk_rng(1, 0);
            let mut x = vec![0.0; inputs.len()];
            for _ in 0..20 {
                for (v, i) in x.iter_mut().zip(inputs) {
                    *v = i.sample(&mut rng);
                }
                model.evaluate(&x, &mut o);
                all_in_range(&o).map_err(|e| format!("at a random draw {x:?}: {e}"))?;
            }
            Ok(true)
        }
    }
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn mutated_scenarios_never_panic_and_accepted_ones_stay_finite() {
    let cases: u32 = env("FUZZ_CASES", 300);
    let seed: u64 = env("FUZZ_SEED", 20270101);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    let started = std::time::Instant::now();
    let counts = [AtomicU64::new(0), AtomicU64::new(0)];
    let result = runner.run(&proptest::collection::vec(mutation(), 1..=4), |muts| {
        let text = apply(&muts);
        let accepted = check(&text).map_err(|e| TestCaseError::fail(format!("{e}\n--- scenario ---\n{text}")))?;
        counts[usize::from(accepted)].fetch_add(1, Ordering::Relaxed);
        Ok(())
    });
    let (refused, accepted) = (counts[0].load(Ordering::Relaxed), counts[1].load(Ordering::Relaxed));
    eprintln!(
        "fuzz: seed {seed}, {cases} cases, {} executions ({accepted} accepted, {refused} refused) in {:.1} s",
        accepted + refused,
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Inputs that once crashed or misled the loader, kept as they were found.
#[test]
fn regressions_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            check(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            n += 1;
        }
    }
    assert!(n > 0, "no regression cases in {}", dir.display());
}
