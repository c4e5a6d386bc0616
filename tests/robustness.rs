//! Misuse of the command line and failures while writing, run as a user runs the binary.
//! Exit codes (README): 0 success, 1 runtime failure (nothing partial left), 2 invalid input.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn riskkalkyl() -> Command {
    let mut c = Command::cargo_bin("riskkalkyl").unwrap();
    c.timeout(Duration::from_secs(60));
    c
}

/// Every entry of a directory tree, relative, sorted, with file contents.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if p.is_dir() {
                out.push((rel + "/", Vec::new()));
                stack.push(p);
            } else {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn cli_misuse_gets_a_clear_error_and_the_documented_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let file = file.display().to_string();
    let dir = tmp.path().display().to_string();
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["run", "--runs", "0"], 2, "--runs"),
        (vec!["run", "--runs", "-5"], 2, "-5"),
        (vec!["run", "--runs", "lots"], 2, "--runs"),
        (vec!["run", "--runs", "10000000001"], 2, "--runs"),
        (vec!["run", "--threads", "100000"], 2, "--threads"),
        (vec!["run", "--seed", "-1"], 2, "whole number from 0 to 2^64-1"),
        (vec!["keys", "--seed", "1.5"], 2, "whole number from 0 to 2^64-1"),
        (vec!["compare", &file, &file, "--threads", "20000"], 2, "--threads"),
        (
            vec!["--scenario", &file, "compare", &file, &file],
            2,
            "--scenario is not taken by `compare`",
        ),
        (
            vec!["--scenario", &file, "merge", &dir],
            2,
            "--scenario is not taken by `merge`",
        ),
        (
            vec!["--scenario", &file, "scenario", "check", &file],
            2,
            "--scenario is not taken",
        ),
        (vec!["keys", "--sampling", "lhs"], 2, "Monte Carlo only"),
        (vec!["report", "--sampling", "lhs"], 2, "Monte Carlo only"),
        (vec!["risks", "--quiet"], 2, "--quiet without --out"),
        (vec!["run", "--quiet", "--json"], 2, "cannot be used with"),
        (
            vec!["run", "--shard", "0/2", "--json"],
            2,
            "--json cannot be combined with --shard",
        ),
        (vec!["sensitivity", "--runs", "10"], 2, "1000 to 2000000"),
        (vec!["membership", "--runs", "20000000"], 2, "1 to 10000000"),
        (vec!["report", "--budget-msek", "-3"], 2, "--budget-msek"),
        (
            vec!["followup", "--actuals", &file, "--budget-msek", "nan"],
            2,
            "--budget-msek",
        ),
        (vec!["run", "--runs", "10", "--budget-msek", "nan"], 2, "--budget-msek"),
        (vec!["run", "--runs", "10", "--budget-msek", "inf"], 2, "--budget-msek"),
        (vec!["run", "--runs", "10", "--budget-msek", "0"], 2, "--budget-msek"),
        (vec!["run", "--runs", "10", "--budget-msek", "-3"], 2, "--budget-msek"),
        (vec!["run", "--runs", "10", "--budget-msek", "28,7"], 2, "--budget-msek"),
        (vec!["run", "--lang", "xx"], 2, "--lang"),
        (vec!["run", "--shard", "3/2"], 2, "--shard"),
        (vec!["run", "--frobnicate"], 2, "--frobnicate"),
        (vec!["frobnicate"], 2, "frobnicate"),
        (vec!["scenario", "check"], 2, "<FILE>"),
        (vec!["scenario", "check", "no-such-file.toml"], 2, "no-such-file.toml"),
        (vec!["scenario", "check", &dir], 2, "a directory, not a regular file"),
        (vec!["--scenario", "/dev/zero", "tables"], 2, "not a regular file"),
        (vec!["run", "--runs", "10", "--out", &file], 1, "fix:"),
        (vec!["run", "--runs", "10", "--samples", &dir], 2, "is a directory"),
    ];
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    for (args, code, says) in cases {
        let out = riskkalkyl().current_dir(&work).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: `{says}` not in {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            std::fs::read_dir(&work).unwrap().next().is_none(),
            "{args:?} wrote into the working directory"
        );
    }
}

#[test]
fn an_oversized_scenario_file_is_refused_before_parsing() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("big.toml");
    let mut text = models::DEFAULT_SCENARIO.to_string();
    text.push_str(&format!("# {}\n", "x".repeat(2 << 20)));
    std::fs::write(&path, text).unwrap();
    let out = riskkalkyl().arg("scenario").arg("check").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("big.toml:1:1: (file)") && err.contains("fix:"), "{err}");
}

fn previous_outputs(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("summary.json"), "{\"previous\": true}\n").unwrap();
    std::fs::write(dir.join("yearly.csv"), "previous\n").unwrap();
}

/// A failure while the outputs are put in place (here: `yearly.csv` cannot be replaced)
/// leaves the previous files exactly as they were and no temporary file behind.
#[test]
fn a_failing_commit_keeps_the_previous_outputs_and_leaves_no_partial_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    previous_outputs(&out);
    std::fs::remove_file(out.join("yearly.csv")).unwrap();
    std::fs::create_dir(out.join("yearly.csv")).unwrap();
    std::fs::write(out.join("yearly.csv").join("keep"), "x").unwrap();
    let samples = tmp.path().join("samples.csv");
    std::fs::write(&samples, "previous samples\n").unwrap();
    let before = snapshot(tmp.path());
    let o = riskkalkyl()
        .args(["run", "--runs", "5000", "--quiet", "--out"])
        .arg(&out)
        .arg("--samples")
        .arg(&samples)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("yearly.csv") && err.contains("fix:"), "{err}");
    assert_eq!(snapshot(tmp.path()), before, "files changed or left behind");
}

/// A run killed half-way (power cut, OOM killer: SIGKILL, no chance to clean up) leaves the
/// previous outputs intact and no partial file under a final name; its staging directory is
/// swept by the next run into the directory (issue 22, class 3).
#[test]
fn a_run_killed_midway_leaves_the_previous_outputs_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    previous_outputs(&out);
    let samples = out.join("samples.csv");
    let before = snapshot(tmp.path());
    for _ in 0..3 {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("riskkalkyl"))
            .args(["run", "--runs", "1000000000", "--quiet", "--out"])
            .arg(&out)
            .arg("--samples")
            .arg(&samples)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let after: Vec<_> = snapshot(tmp.path())
        .into_iter()
        .filter(|(n, _)| !n.starts_with("out/.riskkalkyl-stage-"))
        .collect();
    assert_eq!(after, before);
    riskkalkyl()
        .args(["run", "--runs", "100", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let left: Vec<String> = snapshot(tmp.path())
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.contains(".riskkalkyl-stage-"))
        .collect();
    assert!(left.is_empty(), "the killed runs' staging directories stay: {left:?}");
}

/// SIGINT and SIGTERM: the run removes what it staged before it exits (130, 143), so nothing
/// is left, not even in `charts/` of a report (issue 22, class 3).
#[test]
fn an_interrupted_report_cleans_up_and_exits_128_plus_the_signal() {
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("rapport");
        previous_outputs(&out);
        std::fs::create_dir(out.join("charts")).unwrap();
        let before = snapshot(tmp.path());
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("riskkalkyl"))
            .args(["report", "--runs", "1000000000", "--quiet", "--out"])
            .arg(&out)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the report ended before the signal"
        );
        let pid = child.id().to_string();
        assert!(
            std::process::Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{signal}");
        assert_eq!(snapshot(tmp.path()), before, "{signal}: files left behind");
    }
}

/// Scenario text never names a file: a scenario called like a path writes only the two
/// documented files into --out.
#[test]
fn scenario_content_never_reaches_the_file_system() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    let text = models::DEFAULT_SCENARIO.replacen(
        "name = \"GGVV gemensam IT-drift\"",
        "name = \"../../evil/summary.json\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    riskkalkyl()
        .arg("--scenario")
        .arg(&path)
        .args(["run", "--runs", "2000", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let names: Vec<String> = snapshot(tmp.path()).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "out/",
            "out/manifest.json",
            "out/summary.json",
            "out/yearly.csv",
            "s.toml"
        ]
    );
}

/// No NaN or infinity in any output of a valid run: JSON numbers and CSV cells are finite.
#[test]
fn outputs_hold_only_finite_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let samples = tmp.path().join("s.csv");
    riskkalkyl()
        .args(["run", "--runs", "3000", "--quiet", "--samples-max", "500", "--out"])
        .arg(&out)
        .arg("--samples")
        .arg(&samples)
        .assert()
        .success();
    let json = std::fs::read_to_string(out.join("summary.json")).unwrap();
    for bad in ["NaN", "nan", "inf", "Infinity"] {
        assert!(!json.contains(bad), "summary.json holds {bad}");
    }
    fn walk(v: &serde_json::Value, path: &str) {
        match v {
            serde_json::Value::Number(n) => assert!(n.as_f64().unwrap().is_finite(), "{path}"),
            // Payback percentiles beyond the horizon, a proportion's standard error when no run
            // (or every run) was a hit (its `_ci95` bound says it instead), and the manifest's
            // git commit of a build without one are the only nulls.
            serde_json::Value::Null => assert!(
                path.contains("payback_year") || path.ends_with("_se") || path.ends_with("git_commit"),
                "null at {path}"
            ),
            serde_json::Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| walk(x, &format!("{path}[{i}]"))),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, &format!("{path}.{k}"))),
            _ => {}
        }
    }
    walk(&serde_json::from_str(&json).unwrap(), "");
    for file in [out.join("yearly.csv"), samples] {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().skip(1) {
            for cell in line.split(',').skip(1) {
                if let Ok(x) = cell.parse::<f64>() {
                    assert!(x.is_finite(), "{}: {cell}", file.display());
                }
                assert!(
                    !cell.eq_ignore_ascii_case("nan") && !cell.contains("inf"),
                    "{}: {cell}",
                    file.display()
                );
            }
        }
    }
}

/// Issue 22, class 8: a FIFO whose writer never closes is refused within the pipe deadline
/// instead of hanging; a character device is refused at once; an actuals file is capped and
/// located like a scenario.
#[test]
fn special_files_are_refused_or_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A writer that opens the FIFO and never closes it.
    let mut writer = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec 3>'{}'; sleep 60", fifo.display()))
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let o = riskkalkyl().args(["scenario", "check"]).arg(&fifo).output().unwrap();
    let _ = writer.kill();
    let _ = writer.wait();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("did not reach its end") && err.contains("fix:"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(40));
    let actuals = tmp.path().join("big.toml");
    std::fs::write(&actuals, "# padding\n".repeat(200_000)).unwrap();
    for (file, want) in [
        (Path::new("/dev/zero"), "not a regular file"),
        (actuals.as_path(), "larger than"),
    ] {
        let o = riskkalkyl()
            .args(["followup", "--runs", "1000", "--actuals"])
            .arg(file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("invalid actuals") && err.contains(want), "{err}");
    }
    let bad = tmp.path().join("a.toml");
    std::fs::write(&bad, "[[spend]]\nyear = 2027\nestablishment_msek = 1e308\n").unwrap();
    let o = riskkalkyl()
        .args(["followup", "--runs", "1000", "--actuals"])
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "invalid actuals: {}:3:22: spend[0].establishment_msek",
            bad.display()
        )),
        "{err}"
    );
}

/// Issue 22, class 9: a scenario read from a pipe is read once: the report cites the same
/// sources as for the file itself.
#[test]
fn a_piped_scenario_gives_the_same_report_as_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, models::DEFAULT_SCENARIO).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("riskkalkyl");
    let report = |scenario: &str, out: &str| {
        let st = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "'{}' report --scenario {scenario} --runs 2000 --analysis-runs 0 --quiet --out '{}'",
                bin.display(),
                tmp.path().join(out).display()
            ))
            .status()
            .unwrap();
        assert!(st.success());
        std::fs::read_to_string(tmp.path().join(out).join("summary.md")).unwrap()
    };
    let from_file = report(&format!("'{}'", file.display()), "a");
    let from_pipe = report(&format!("<(cat '{}')", file.display()), "b");
    let html = |d: &str| std::fs::read_to_string(tmp.path().join(d).join("rapport.html")).unwrap();
    assert_eq!(from_file, from_pipe);
    assert_eq!(html("a").matches("seed").count(), html("b").matches("seed").count());
}

/// Issue 22, class 2: shard files edited by hand are refused with exit 2 naming the file and
/// the field, never merged and never a panic.
#[test]
fn merge_refuses_edited_shard_states() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sh");
    for (i, sampling) in [(0, "mc"), (1, "lhs")] {
        riskkalkyl()
            .args(["run", "--runs", "9000", "--quiet", "--sampling", sampling, "--shard"])
            .arg(format!("{i}/2"))
            .arg("--out")
            .arg(&dir)
            .assert()
            .success();
    }
    let merge = |dir: &Path| {
        let o = riskkalkyl()
            .arg("merge")
            .arg(dir)
            .arg("--out")
            .arg(tmp.path().join("merged"))
            .output()
            .unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (code, err) = merge(&dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("the sampling"), "mc and lhs shards merged: {err}");
    riskkalkyl()
        .args(["run", "--runs", "9000", "--quiet", "--shard", "1/2", "--out"])
        .arg(&dir)
        .assert()
        .success();
    assert_eq!(merge(&dir).0, Some(0));
    let file = dir.join("shard-1-of-2.json");
    let text = std::fs::read_to_string(&file).unwrap();
    for (from, to, field) in [
        ("\"hits\":", "\"hits\":5000000", "result.net_loss"),
        ("\"runs\":9000", "\"runs\":0", "runs"),
        ("\"years\":[2024,", "\"years\":[", "result.net_yearly"),
        ("\"kommuner\":[\"Gislaved\",", "\"kommuner\":[", "result.npv"),
    ] {
        assert!(text.contains(from), "{from}");
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
        let (code, err) = merge(&dir);
        assert_eq!(code, Some(2), "{from}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            err.contains("shard-") && err.contains("fix:"),
            "{from}: the refusal names no file or fix: {err}"
        );
        assert!(err.contains(field), "{from}: the refusal does not name {field}: {err}");
    }
}

/// Issue 22, class 7: text from a scenario (its name, a one-off item, a risk area, an
/// alternative) reaches every report file as text: escaped in the HTML pages and summary.md,
/// a plain string cell (never a formula) in the workbook.
#[test]
fn scenario_text_is_escaped_in_every_report_file() {
    let hostile = [
        ("GGVV gemensam IT-drift", "GGVV <script>alert(1)</script> | *x*"),
        (
            "Avveckling av äldre system och tjänster",
            "=HYPERLINK(\"http://x\") <img src=x onerror=alert(2)>",
        ),
        ("IT-säkerhet", "@SUM(1) <script>alert(3)</script>"),
        ("S – samordning av egen IT-drift", "+1 <b>fet</b> [l](http://x)"),
    ];
    let mut text = models::DEFAULT_SCENARIO.to_string();
    for (from, to) in hostile {
        assert!(text.contains(&format!("\"{from}\"")), "{from}");
        text = text.replace(&format!("\"{from}\""), &format!("{to:?}"));
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    riskkalkyl()
        .timeout(Duration::from_secs(300))
        .arg("--scenario")
        .arg(&path)
        .args([
            "report",
            "--runs",
            "4000",
            "--analysis-runs",
            "2000",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let html: String = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let md = read("summary.md");
    for raw in ["<script>alert", "<img src=x", "<b>fet"] {
        assert!(!html.contains(raw), "raw {raw} in an HTML page");
        assert!(!md.contains(raw), "raw {raw} in summary.md");
    }
    // The texts did reach the pages, escaped: the test would see a name that vanished.
    for (_, to) in hostile {
        let escaped = to
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        assert!(html.contains(&escaped), "{escaped} in no HTML page");
    }
    assert!(
        md.contains(r"GGVV &lt;script&gt;alert(1)&lt;/script&gt; \| \*x\*"),
        "{md}"
    );

    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(out.join("riskkalkyl.xlsx")).unwrap();
    let mut strings = Vec::new();
    for sheet in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&sheet).unwrap();
        assert!(
            formulas
                .used_cells()
                .all(|(_, _, f)| !f.contains("HYPERLINK") && !f.contains("SUM")),
            "{sheet}"
        );
        let range = wb.worksheet_range(&sheet).unwrap();
        strings.extend(range.used_cells().filter_map(|(_, _, v)| match v {
            Data::String(s) => Some(s.clone()),
            _ => None,
        }));
    }
    let hyperlink = hostile[1].1;
    assert!(
        strings.iter().any(|s| s.contains(hyperlink)),
        "the one-off item as a text cell"
    );
}
