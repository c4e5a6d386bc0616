//! The corpus of invalid scenarios (`tests/bad_scenarios/`): one flaw per file.
//!
//! Every file must be refused by `run`, `tables` and `scenario check` with exit code 2 and a
//! message `FILE:LINE:COLUMN: FIELD.PATH: problem` plus a `fix:` line, without a panic, and
//! without writing anything. The expected field path is in the file's header
//! (`# expect-path: …`, optionally `# expect-line-has: …`, a text the reported line must
//! contain) or, for files that cannot carry a comment (empty, binary), in `NAME.expect`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn riskkalkyl() -> Command {
    Command::cargo_bin("riskkalkyl").unwrap()
}

struct Case {
    file: PathBuf,
    text: String,
    path: String,
    line_has: Option<String>,
}

fn expectation(header: &str, key: &str) -> Option<String> {
    header
        .lines()
        .filter_map(|l| l.trim_start_matches('#').trim().strip_prefix(key))
        .map(|v| v.trim().to_string())
        .next()
}

fn corpus() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(&file).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let sidecar = file.with_extension("expect");
            let header = if sidecar.exists() {
                std::fs::read_to_string(&sidecar).unwrap()
            } else {
                text.clone()
            };
            let path = expectation(&header, "expect-path:")
                .unwrap_or_else(|| panic!("{}: no `expect-path:` in its header or .expect file", file.display()));
            let line_has = expectation(&header, "expect-line-has:");
            Case {
                file,
                text,
                path,
                line_has,
            }
        })
        .collect()
}

/// Split `…FILE:LINE:COL: PATH: problem` into (line, column, path, problem).
fn locate(stderr: &str, file: &str) -> Option<(usize, usize, String, String)> {
    let rest = stderr.split(&format!("{file}:")).nth(1)?;
    let mut parts = rest.splitn(4, ':');
    let line = parts.next()?.parse().ok()?;
    let column = parts.next()?.parse().ok()?;
    let path = parts.next()?.trim().to_string();
    let problem = parts.next()?.lines().next()?.trim().to_string();
    Some((line, column, path, problem))
}

#[test]
fn every_bad_scenario_is_refused_with_place_field_and_fix_and_nothing_written() {
    let cases = corpus();
    assert!(
        cases.len() >= 40,
        "the corpus holds {} cases, want at least 40",
        cases.len()
    );
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file.display().to_string();
        let out_dir = tmp.path().join("out");
        let samples = tmp.path().join("samples.csv");
        let invocations: [Vec<String>; 3] = [
            vec![
                "--scenario".into(),
                name.clone(),
                "run".into(),
                "--runs".into(),
                "100".into(),
                "--out".into(),
                out_dir.display().to_string(),
                "--samples".into(),
                samples.display().to_string(),
            ],
            vec!["--scenario".into(), name.clone(), "tables".into()],
            vec!["scenario".into(), "check".into(), name.clone()],
        ];
        for args in invocations {
            // A hang is a failure too (an absurd duration once made the run loop for ever).
            let out = riskkalkyl()
                .args(&args)
                .timeout(std::time::Duration::from_secs(30))
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            let what = format!("{} ({})", case.file.file_name().unwrap().to_string_lossy(), args[2]);
            if out.status.code() != Some(2) {
                failures.push(format!("{what}: exit {:?}, want 2: {err}", out.status.code()));
                continue;
            }
            if err.contains("panicked") {
                failures.push(format!("{what}: panicked: {err}"));
            }
            if !out.stdout.is_empty() {
                failures.push(format!("{what}: printed to stdout"));
            }
            match locate(&err, &name) {
                None => failures.push(format!("{what}: no FILE:LINE:COL: PATH: in {err}")),
                Some((line, column, path, problem)) => {
                    let lines: Vec<&str> = case.text.lines().collect();
                    if line < 1 || line > lines.len().max(1) || column < 1 {
                        failures.push(format!("{what}: location {line}:{column} outside the file"));
                    } else if let Some(has) = &case.line_has
                        && !lines[line - 1].contains(has.as_str())
                    {
                        failures.push(format!(
                            "{what}: line {line} `{}` does not contain `{has}`",
                            lines[line - 1]
                        ));
                    }
                    if path != case.path {
                        failures.push(format!("{what}: field path `{path}`, want `{}`: {err}", case.path));
                    }
                    if problem.is_empty() {
                        failures.push(format!("{what}: no problem stated"));
                    }
                }
            }
            let hint = err.split("fix:").nth(1).map(str::trim).unwrap_or("");
            if hint.len() < 10 {
                failures.push(format!("{what}: no fix hint: {err}"));
            }
        }
        if out_dir.exists() || samples.exists() {
            failures.push(format!("{}: wrote output", case.file.display()));
        }
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        if !left.is_empty() {
            failures.push(format!(
                "{}: left {} entries in the temp dir",
                case.file.display(),
                left.len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "bad-scenario corpus: {} cases × 3 commands refused as expected",
        cases.len()
    );
}
