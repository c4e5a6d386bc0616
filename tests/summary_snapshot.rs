//! The default run's summary.json as an insta snapshot (tests/snapshots/): a change of stream
//! (generator, seeding, a sampler, the model's arithmetic) fails here with a diff to review,
//! instead of only moving the figures in the README. When a change is meant to move them,
//! rerun with `INSTA_UPDATE=always` (or `cargo insta review`) and say why in the commit.

use assert_cmd::Command;

#[test]
fn default_summary_json_is_the_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    Command::cargo_bin("riskkalkyl")
        .unwrap()
        .args([
            "run",
            "--runs",
            "20000",
            "--seed",
            "7",
            "--threads",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let summary = std::fs::read_to_string(tmp.path().join("summary.json")).unwrap();
    // The manifest's git commit moves with every commit: kept out of the snapshot.
    let summary: String = summary
        .lines()
        .map(|l| match l.trim_start().strip_prefix("\"git_commit\": ") {
            Some(_) => "    \"git_commit\": \"(the build's commit)\",".to_string(),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("default_summary_json", summary);
}
