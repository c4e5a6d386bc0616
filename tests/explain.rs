//! `riskkalkyl explain`, run as a user runs it: the table, --json, --out and the refusals.

use assert_cmd::Command;
use predicates::prelude::*;

fn riskkalkyl() -> Command {
    Command::cargo_bin("riskkalkyl").unwrap()
}

#[test]
fn json_contributions_add_up_and_round_trip_the_table() {
    let out = riskkalkyl()
        .args(["explain", "--runs", "150", "--seed", "7", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["runs"], 150);
    assert_eq!(v["seed"], 7);
    let groups = v["groups"].as_array().unwrap().len();
    assert!((2..=10).contains(&groups));
    assert_eq!(v["subsets"], 1u64 << groups);
    let outputs = v["outputs"].as_array().unwrap();
    assert_eq!(outputs[0]["id"], "establishment_cost");
    assert_eq!(outputs.last().unwrap()["id"], "npv_total");
    for o in outputs {
        let point = o["point"].as_f64().unwrap();
        for st in o["stats"].as_array().unwrap() {
            let c: Vec<f64> = st["contributions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            assert_eq!(c.len(), groups);
            let (sim, diff) = (st["simulated"].as_f64().unwrap(), st["difference"].as_f64().unwrap());
            assert_eq!(diff, sim - point);
            assert!((c.iter().sum::<f64>() - diff).abs() <= 1e-9 * sim.abs().max(1.0), "{o}");
        }
    }
    // The table prints the same figures.
    let text = riskkalkyl()
        .args(["explain", "--runs", "150", "--seed", "7"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with("Varför resultatet skiljer sig från förstudien — 150 dragningar, slumpfrö 7"),
        "{text}"
    );
    let cost_point = outputs[0]["point"].as_f64().unwrap();
    let shown = format!("förstudien {:.1}", cost_point).replace('.', ",");
    assert!(text.contains(&shown), "{shown} in\n{text}");
    for g in v["groups"].as_array().unwrap() {
        assert!(text.contains(g["name_sv"].as_str().unwrap()), "{g}");
    }
}

#[test]
fn english_table_and_out_directory_with_the_waterfalls() {
    let dir = tempfile::tempdir().unwrap();
    riskkalkyl()
        .args(["explain", "--runs", "100", "--lang", "en", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Why the result differs from the förstudie"))
        .stdout(predicate::str::contains("= simulated"));
    let json = std::fs::read_to_string(dir.path().join("explain.json")).unwrap();
    let _: serde_json::Value = serde_json::from_str(&json).unwrap();
    for stem in ["forklaring_establishment_cost_p50", "forklaring_npv_total_p50"] {
        let png = std::fs::read(dir.path().join(format!("{stem}.png"))).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{stem}");
        let svg = std::fs::read_to_string(dir.path().join(format!("{stem}.svg"))).unwrap();
        assert!(svg.contains("Simulated"), "{stem}");
    }
}

#[test]
fn too_few_runs_and_latin_hypercube_are_refused_with_a_fix() {
    riskkalkyl()
        .args(["explain", "--runs", "50"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`explain` takes 100 to 200000 runs"))
        .stderr(predicate::str::contains("fix:"));
    riskkalkyl()
        .args(["explain", "--sampling", "lhs"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fix:"));
}

#[test]
fn the_help_says_the_default_runs_and_how_long_they_take() {
    riskkalkyl()
        .args(["explain", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("default 10 000"))
        .stdout(predicate::str::contains("[default: 10000]"));
}
