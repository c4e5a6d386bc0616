//! The binary, run as a user runs it.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn riskkalkyl() -> Command {
    Command::cargo_bin("riskkalkyl").unwrap()
}

fn run_to(dir: &Path, threads: &str) -> (String, String) {
    riskkalkyl()
        .args([
            "run",
            "--runs",
            "30000",
            "--seed",
            "7",
            "--quiet",
            "--threads",
            threads,
            "--out",
        ])
        .arg(dir)
        .assert()
        .success();
    (
        std::fs::read_to_string(dir.join("summary.json")).unwrap(),
        std::fs::read_to_string(dir.join("yearly.csv")).unwrap(),
    )
}

#[test]
fn same_seed_gives_identical_files_on_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let one = run_to(&tmp.path().join("t1"), "1");
    let two = run_to(&tmp.path().join("t2"), "2");
    let three = run_to(&tmp.path().join("t3"), "3");
    assert_eq!(one, two);
    assert_eq!(one, three);
    let other = {
        let d = tmp.path().join("s8");
        riskkalkyl()
            .args(["run", "--runs", "30000", "--seed", "8", "--quiet", "--out"])
            .arg(&d)
            .assert()
            .success();
        std::fs::read_to_string(d.join("summary.json")).unwrap()
    };
    assert_ne!(one.0, other);
}

#[test]
fn summary_json_has_the_documented_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let (summary, yearly) = run_to(tmp.path(), "2");
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(v["runs"], 30000);
    assert_eq!(v["seed"], 7);
    for key in [
        "establishment_cost",
        "establishment_cost_outside",
        "establishment_cost_inside",
        "establishment_views_gap_msek",
        "prob_cost_above_estimate",
        "prob_cost_above_range",
        "prob_cost_below_range",
        "cost_frame_p80_msek",
        "cost_frame_p85_msek",
        "reference_estimate_msek",
        "reference_range_msek",
        "kommuner",
    ] {
        assert!(!v[key].is_null(), "{key}");
    }
    for gone in ["budget_msek", "prob_cost_overrun", "p80_contingency_msek"] {
        assert!(v.get(gone).is_none(), "{gone}");
    }
    assert_eq!(v["headline_view"], "outside");
    assert_eq!(v["money"], "nominal");
    assert_eq!(v["payback_discounted"], false);
    let names: Vec<&str> = v["kommuner"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Gislaved", "Gnosjö", "Vaggeryd", "Värnamo"]);
    let k = &v["kommuner"][1];
    for s in ["mean", "p5", "p10", "p50", "p80", "p90", "p95"] {
        assert!(k["net_benefit_npv"][s].is_number(), "{s}");
        assert!(v["establishment_cost"][s].is_number(), "{s}");
    }
    assert!(k["prob_net_loss"].is_number());
    assert!(k["payback_year"].is_object());
    let p = v["prob_cost_above_estimate"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    // The headline is the outside view's figures.
    assert_eq!(v["establishment_cost"]["p50"], v["establishment_cost_outside"]["p50"]);
    assert_eq!(v["cost_frame_p85_msek"], v["establishment_cost_outside"]["p85"]);
    // yearly.csv: header + (4 kommuner + total) × (2024..2035).
    assert_eq!(yearly.lines().count(), 1 + 5 * 12);
    assert!(yearly.starts_with("kommun,year,net_benefit_mean_msek"));
}

#[test]
fn tables_json_reproduces_a_seed_cell() {
    let out = riskkalkyl().args(["tables", "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["years"][0], 2024);
    // Seed 000 4.4, joint IT operations, Gnosjö 2031: 16.6 mnkr.
    let cell = v["joint"]["Gnosjö"][7].as_f64().unwrap();
    assert!((cell - 16.6).abs() <= 0.1, "{cell}");
}

#[test]
fn scenario_show_round_trips_through_check() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ggvv.toml");
    let out = riskkalkyl().args(["scenario", "show"]).output().unwrap();
    std::fs::write(&path, out.stdout).unwrap();
    riskkalkyl()
        .args(["scenario", "check"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("valid"));
}

/// Each flaw must give exit code 2, name file, line:column and field, hint a fix, and write nothing.
#[test]
fn bad_scenarios_exit_2_with_location_and_fix_and_write_nothing() {
    let default = String::from_utf8(riskkalkyl().args(["scenario", "show"]).output().unwrap().stdout).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty", String::new(), "(file)"),
        ("not_toml", "this is [not toml".into(), "(syntax)"),
        (
            "unknown_field",
            default.replacen("planned_months = 36", "planned_months = 36\nplaned = 3", 1),
            "establishment.planed",
        ),
        (
            "shares",
            default.replacen("Gislaved = 32.92", "Gislaved = 42.92", 1),
            "keys.population.shares_pct",
        ),
        (
            "min_gt_max",
            default.replacen(
                "min = 11.0, mode = 12.0, max = 13.0",
                "min = 13.5, mode = 12.0, max = 13.0",
                1,
            ),
            "establishment.project_labour_msek",
        ),
        (
            "duplicate",
            default.replacen("name = \"Vaggeryd\"", "name = \"Gnosjö\"", 1),
            "kommuner[2].name",
        ),
        (
            "wrong_type",
            default.replacen("discount_rate_pct = 2.5", "discount_rate_pct = \"2.5\"", 1),
            "finance.discount_rate_pct",
        ),
        (
            "years",
            default.replacen("horizon_year = 2035", "horizon_year = 2020", 1),
            "years.horizon_year",
        ),
        (
            "nan",
            default.replacen("discount_rate_pct = 2.5", "discount_rate_pct = nan", 1),
            "finance.discount_rate_pct",
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (name, text, path) in cases {
        let file = tmp.path().join(format!("{name}.toml"));
        std::fs::write(&file, &text).unwrap();
        let out_dir = tmp.path().join(format!("out_{name}"));
        let out = riskkalkyl()
            .arg("--scenario")
            .arg(&file)
            .args(["run", "--runs", "100", "--out"])
            .arg(&out_dir)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&format!("{name}.toml:")), "{name}: no file in {err}");
        assert!(err.contains(path), "{name}: no path {path} in {err}");
        assert!(err.contains("fix:"), "{name}: no hint in {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(!out_dir.exists(), "{name}: output written");
        // line:column is present and points into the file.
        let loc = err.split(&format!("{name}.toml:")).nth(1).unwrap();
        let line: usize = loc.split(':').next().unwrap().parse().unwrap();
        assert!(line >= 1 && line <= text.lines().count().max(1), "{name}: line {line}");
        riskkalkyl().args(["scenario", "check"]).arg(&file).assert().code(2);
    }
}

#[test]
fn cli_misuse_exits_2() {
    riskkalkyl().args(["run", "--runs", "0"]).assert().code(2);
    riskkalkyl()
        .args(["run", "--estimate-msek", "-3", "--runs", "10"])
        .assert()
        .code(2);
    riskkalkyl()
        .args(["run", "--budget-msek", "-3", "--runs", "10"])
        .assert()
        .code(2);
    riskkalkyl().args(["frobnicate"]).assert().code(2);
}

#[test]
fn unwritable_output_exits_1_without_partial_files() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    riskkalkyl()
        .args(["run", "--runs", "100", "--out"])
        .arg(blocker.join("sub"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("fix:"));
}

#[test]
fn samples_file_is_capped_and_matches_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = tmp.path().join("s.csv");
    riskkalkyl()
        .args(["run", "--runs", "5000", "--quiet", "--samples-max", "1000", "--samples"])
        .arg(&samples)
        .arg("--out")
        .arg(tmp.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(&samples).unwrap();
    assert_eq!(text.lines().count(), 1001);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("establishment.project_labour_msek")
    );
}

#[test]
fn sensitivity_json_ranks_inputs_and_values_information() {
    let out = riskkalkyl()
        .args(["sensitivity", "--runs", "5000", "--sobol-n", "512", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tornado = v["tornado"].as_array().unwrap();
    assert!(tornado.len() > 5);
    let swing = |r: &serde_json::Value| {
        (r["npv_total_at_high"].as_f64().unwrap() - r["npv_total_at_low"].as_f64().unwrap()).abs()
    };
    assert!(
        tornado.windows(2).all(|w| swing(&w[0]) >= swing(&w[1])),
        "tornado sorted by swing"
    );
    for row in v["evppi"].as_array().unwrap() {
        for (e, evpi) in row["per_kommun_msek"]
            .as_array()
            .unwrap()
            .iter()
            .zip(v["evpi_msek"].as_array().unwrap())
        {
            // EVPPI of a group cannot exceed EVPI (up to the smoother's small bias).
            assert!(e.as_f64().unwrap() <= evpi.as_f64().unwrap() + 0.05, "{row}");
        }
    }
}

#[test]
fn followup_reads_actuals_and_writes_control_ranges() {
    let tmp = tempfile::tempdir().unwrap();
    let actuals = tmp.path().join("a.toml");
    std::fs::write(&actuals, "[[spend]]\nyear = 2027\nestablishment_msek = 6.5\n").unwrap();
    riskkalkyl()
        .args(["followup", "--runs", "20000", "--actuals"])
        .arg(&actuals)
        .arg("--out")
        .arg(tmp.path().join("f"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Control range"));
    let png = std::fs::read(tmp.path().join("f/styrintervall.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(tmp.path().join("f/styrintervall.svg")).unwrap();
    assert!(svg.contains("Följer etableringen sin plan?"));
    let csv = std::fs::read_to_string(tmp.path().join("f/corridor.csv")).unwrap();
    assert!(csv.lines().nth(1).unwrap().starts_with("2027,"));
    std::fs::write(&actuals, "[[spend]]\nyear = 2027\nestablishment_msek = -1\n").unwrap();
    riskkalkyl()
        .args(["followup", "--runs", "2000", "--actuals"])
        .arg(&actuals)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fix:"));
}

#[test]
fn lhs_runs_are_reproducible_and_labelled() {
    let tmp = tempfile::tempdir().unwrap();
    let go = |d: &Path, threads: &str| {
        riskkalkyl()
            .args(["run", "--runs", "20000", "--seed", "3", "--sampling", "lhs", "--quiet"])
            .args(["--threads", threads, "--out"])
            .arg(d)
            .assert()
            .success();
        std::fs::read_to_string(d.join("summary.json")).unwrap()
    };
    let one = go(&tmp.path().join("a"), "1");
    assert_eq!(one, go(&tmp.path().join("b"), "2"));
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(v["sampling"], "lhs");
    assert!(v["kommuner"][0]["net_benefit_npv"]["mean_se"].as_f64().unwrap() > 0.0);
}

#[test]
fn until_se_stops_on_a_batch_and_reports_it() {
    let tmp = tempfile::tempdir().unwrap();
    riskkalkyl()
        .args(["run", "--seed", "3", "--runs", "400000", "--until-se", "0.2"])
        .args(["--until-se-prob", "0.01", "--batch-runs", "8192", "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("SE target met"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap()).unwrap();
    let runs = v["runs"].as_u64().unwrap();
    assert!(runs < 400_000 && runs % 8192 == 0, "{runs}");
    for k in v["kommuner"].as_array().unwrap() {
        assert!(k["net_benefit_npv"]["mean_se"].as_f64().unwrap() <= 0.2);
    }
    assert!(v["prob_cost_above_estimate_se"].as_f64().unwrap() <= 0.01);
    riskkalkyl()
        .args(["run", "--runs", "100", "--until-se", "-1", "--out"])
        .arg(tmp.path().join("x"))
        .assert()
        .code(2);
}

#[test]
fn compare_self_is_zero_and_json_is_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.toml");
    std::fs::write(&a, models::DEFAULT_SCENARIO).unwrap();
    let out = riskkalkyl()
        .args(["compare", "--runs", "10000", "--json"])
        .arg(&a)
        .arg(&a)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for k in v["kommuner"].as_array().unwrap().iter().chain([&v["total"]]) {
        assert_eq!(k["difference"]["mean"], 0.0);
        assert_eq!(k["difference"]["min"], 0.0);
        assert_eq!(k["difference"]["max"], 0.0);
        assert_eq!(k["prob_a_better"], 0.0);
        assert!(k["variance_reduction"].is_null());
        assert!(k["independent_mean_se"].as_f64().unwrap() > 0.0);
    }
    // Another option: cost-share key from 2031. Text output names both and the columns.
    let b = tmp.path().join("b.toml");
    std::fs::write(
        &b,
        models::DEFAULT_SCENARIO.replace(
            "full_effect_weights_pct = { population = 100 }",
            "full_effect_weights_pct = { cost_share = 100 }",
        ),
    )
    .unwrap();
    riskkalkyl()
        .args(["compare", "--runs", "10000"])
        .arg(&a)
        .arg(&b)
        .assert()
        .success()
        .stdout(predicate::str::contains("P(A > B)").and(predicate::str::contains("Gnosjö")));
    // A bad scenario on either side: exit 2 naming the file.
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "not toml [").unwrap();
    riskkalkyl()
        .args(["compare", "--runs", "100"])
        .arg(&a)
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"));
}

/// The simulating commands: each flattens the same draw and output flag groups.
const SIMULATING: [&str; 12] = [
    "run",
    "report",
    "sensitivity",
    "followup",
    "keys",
    "organisation",
    "datacentre",
    "membership",
    "alternatives",
    "risks",
    "compare",
    "bench",
];

fn help(args: &[&str]) -> String {
    let out = riskkalkyl().args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{args:?} --help failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The subcommands `riskkalkyl --help` lists (without `help`).
fn subcommands(parent: &[&str]) -> Vec<String> {
    let text = help(parent);
    text.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(String::from)
        .collect()
}

/// Each flag's help block (from its line to the next flag's), by long name.
fn flag_blocks(help: &str) -> Vec<(String, String)> {
    let options: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Options:"))
        .skip(1)
        .take_while(|l| !l.starts_with("Examples:"))
        .collect();
    let mut blocks: Vec<(String, String)> = Vec::new();
    for line in options {
        let t = line.trim_start();
        if t.starts_with('-') && line.starts_with("  ") && !line.starts_with("          ") {
            let long = t
                .split_whitespace()
                .find(|w| w.starts_with("--"))
                .unwrap_or(t)
                .trim_end_matches(',')
                .to_string();
            blocks.push((long, line.to_string()));
        } else if let Some((_, b)) = blocks.last_mut() {
            b.push('\n');
            b.push_str(line);
        }
    }
    blocks
}

fn default_of(block: &str) -> Option<String> {
    let (_, rest) = block.split_once("[default: ")?;
    Some(rest.split(']').next().unwrap().to_string())
}

#[test]
fn every_subcommand_help_has_a_purpose_described_flags_and_two_examples() {
    let mut commands: Vec<Vec<String>> = subcommands(&[]).into_iter().map(|c| vec![c]).collect();
    let nested: Vec<Vec<String>> = commands
        .iter()
        .flat_map(|c| {
            let parent: Vec<&str> = c.iter().map(String::as_str).collect();
            subcommands(&parent)
                .into_iter()
                .map(|s| vec![c[0].clone(), s])
                .collect::<Vec<_>>()
        })
        .collect();
    commands.extend(nested);
    assert!(commands.len() >= 17, "{commands:?}");
    for c in &commands {
        let args: Vec<&str> = c.iter().map(String::as_str).collect();
        let text = help(&args);
        let purpose = text.lines().next().unwrap();
        assert!(
            purpose.len() > 20 && !purpose.starts_with("Usage"),
            "{c:?}: no purpose line"
        );
        let examples: Vec<&str> = text
            .lines()
            .skip_while(|l| *l != "Examples:")
            .skip(1)
            .filter(|l| l.starts_with("  riskkalkyl "))
            .collect();
        assert!(examples.len() >= 2, "{c:?}: fewer than two examples in\n{text}");
        for e in &examples {
            assert!(
                e.contains(&format!(" {} ", c.last().unwrap())) || e.ends_with(c.last().unwrap().as_str()),
                "{c:?}: example {e} runs another command"
            );
        }
        for (flag, block) in flag_blocks(&text) {
            let described = block.lines().enumerate().any(|(i, l)| {
                if i == 0 {
                    l.trim().contains("  ")
                } else {
                    !l.trim().is_empty()
                }
            });
            assert!(described, "{c:?}: {flag} has no description");
        }
    }
}

#[test]
fn every_simulating_command_has_the_shared_flags_with_the_stated_defaults() {
    for c in SIMULATING {
        let text = help(&[c]);
        let blocks = flag_blocks(&text);
        let block = |flag: &str| {
            blocks
                .iter()
                .find(|(f, _)| f == flag)
                .map(|(_, b)| b.clone())
                .unwrap_or_else(|| panic!("{c} has no {flag}"))
        };
        let runs = if c == "run" || c == "bench" {
            "1000000"
        } else {
            "200000"
        };
        assert_eq!(default_of(&block("--runs")).as_deref(), Some(runs), "{c} --runs");
        assert!(
            block("--runs").contains("1 000 000 for run and bench, 200 000 for every other"),
            "{c}: --runs does not state the default rule"
        );
        assert_eq!(default_of(&block("--seed")).as_deref(), Some("20270101"), "{c} --seed");
        assert_eq!(default_of(&block("--threads")).as_deref(), Some("0"), "{c} --threads");
        assert_eq!(
            default_of(&block("--sampling")).as_deref(),
            Some("mc"),
            "{c} --sampling"
        );
        assert_eq!(default_of(&block("--quiet")), None, "{c} --quiet");
        assert_eq!(default_of(&block("--json")), None, "{c} --json");
        let out = match c {
            "run" => Some("out"),
            "report" => Some("rapport"),
            _ => None,
        };
        assert_eq!(default_of(&block("--out")).as_deref(), out, "{c} --out");
    }
}

/// The shared flags parse alike everywhere: the same bounds on every simulating command.
#[test]
fn shared_flags_have_the_same_bounds_on_every_simulating_command() {
    for c in SIMULATING {
        let positional: &[&str] = if c == "compare" { &["a.toml", "b.toml"] } else { &[] };
        for (flag, value, says) in [
            ("--runs", "0", "from 1 to 10^10"),
            ("--runs", "10000000001", "from 1 to 10^10"),
            ("--seed", "-1", "from 0 to 2^64-1"),
            ("--threads", "20000", "to 1024"),
            ("--sampling", "sobol", "possible values"),
        ] {
            let out = riskkalkyl()
                .arg(c)
                .args(positional)
                .args([flag, value])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{c} {flag} {value}: {err}");
            assert!(err.contains(says), "{c} {flag} {value}: `{says}` not in {err}");
        }
    }
}

#[test]
fn analyses_write_their_json_with_out_and_honour_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let json = |threads: &str| {
        let out = riskkalkyl()
            .args(["keys", "--runs", "4096", "--seed", "7", "--json", "--threads", threads])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let one = json("1");
    assert_eq!(one, json("2"), "keys depends on the thread count");
    riskkalkyl()
        .args(["keys", "--runs", "4096", "--seed", "7", "--quiet", "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read(tmp.path().join("keys.json")).unwrap(), one);
}

#[test]
fn run_json_prints_summary_json() {
    let tmp = tempfile::tempdir().unwrap();
    let out = riskkalkyl()
        .args(["run", "--runs", "5000", "--seed", "7", "--json", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, std::fs::read(tmp.path().join("summary.json")).unwrap());
}
