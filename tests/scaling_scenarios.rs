//! The synthetic scaling scenarios under benches/scenarios stay valid and run.

use assert_cmd::Command;
use std::path::Path;

fn scenario(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/scenarios")
        .join(name)
}

#[test]
fn twelve_kommuner_scenario_runs_with_the_same_ggvv_totals() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |file: Option<&Path>, out: &Path| {
        let mut cmd = Command::cargo_bin("riskkalkyl").unwrap();
        if let Some(f) = file {
            cmd.arg("--scenario").arg(f);
        }
        cmd.args(["run", "--runs", "8192", "--seed", "5", "--quiet", "--out"])
            .arg(out)
            .assert()
            .success();
        let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let k12 = run(Some(&scenario("ggvv_x3_12_kommuner.toml")), &tmp.path().join("k12"));
    let k4 = run(None, &tmp.path().join("k4"));
    assert_eq!(k12["kommuner"].as_array().unwrap().len(), 12);
    let yearly = std::fs::read_to_string(tmp.path().join("k12/yearly.csv")).unwrap();
    assert_eq!(yearly.lines().count(), 1 + 13 * 12);
    // Thirds of each kommun: the GGVV establishment cost is the same draw for draw.
    let est = |v: &serde_json::Value| v["establishment_cost"]["mean"].as_f64().unwrap();
    assert!((est(&k12) - est(&k4)).abs() < 1e-9 * est(&k4));
}

#[test]
fn longer_horizons_are_valid() {
    for f in ["ggvv_horizon_2047.toml", "ggvv_horizon_2059.toml"] {
        Command::cargo_bin("riskkalkyl")
            .unwrap()
            .args(["scenario", "check"])
            .arg(scenario(f))
            .assert()
            .success();
    }
}
