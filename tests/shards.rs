//! Sharded runs: `run --shard I/N` + `merge` must give exactly the files of the whole run, and
//! `merge` must refuse shards that do not belong together.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn riskkalkyl() -> Command {
    Command::cargo_bin("riskkalkyl").unwrap()
}

const RUNS: &str = "30000";

fn whole(dir: &Path) -> (Vec<u8>, Vec<u8>) {
    riskkalkyl()
        .args(["run", "--runs", RUNS, "--seed", "11", "--quiet", "--out"])
        .arg(dir)
        .assert()
        .success();
    files(dir)
}

fn files(dir: &Path) -> (Vec<u8>, Vec<u8>) {
    (
        std::fs::read(dir.join("summary.json")).unwrap(),
        std::fs::read(dir.join("yearly.csv")).unwrap(),
    )
}

fn shard(dir: &Path, spec: &str, seed: &str, threads: &str) -> PathBuf {
    riskkalkyl()
        .args([
            "run",
            "--runs",
            RUNS,
            "--seed",
            seed,
            "--quiet",
            "--threads",
            threads,
            "--shard",
            spec,
        ])
        .arg("--out")
        .arg(dir)
        .assert()
        .success();
    let (i, n) = spec.split_once('/').unwrap();
    let w = n.len();
    dir.join(format!("shard-{:0w$}-of-{n}.json", i.parse::<u64>().unwrap()))
}

#[test]
fn merged_shards_are_byte_identical_to_the_whole_run() {
    let tmp = tempfile::tempdir().unwrap();
    let expected = whole(&tmp.path().join("whole"));
    // 30 000 runs are 8 chunks: try even, uneven and more shards than chunks.
    for n in [1u64, 3, 10] {
        let dir = tmp.path().join(format!("shards{n}"));
        let mut paths: Vec<PathBuf> = (0..n)
            .map(|i| shard(&dir, &format!("{i}/{n}"), "11", if i % 2 == 0 { "1" } else { "2" }))
            .collect();
        // File order must not matter.
        paths.reverse();
        let out = tmp.path().join(format!("merged{n}"));
        riskkalkyl()
            .arg("merge")
            .args(&paths)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .assert()
            .success();
        assert!(files(&out) == expected, "{n} shards differ from the whole run");
        // A directory works as well as the list of its files.
        let out_dir = tmp.path().join(format!("merged_dir{n}"));
        riskkalkyl()
            .arg("merge")
            .arg(&dir)
            .arg("--out")
            .arg(&out_dir)
            .arg("--quiet")
            .assert()
            .success();
        assert!(files(&out_dir) == expected);
    }
}

fn refused(args: &[&Path], needle: &str, out: &Path) {
    riskkalkyl()
        .arg("merge")
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(needle).and(predicate::str::contains("fix:")));
    assert!(!out.join("summary.json").exists() && !out.join("yearly.csv").exists());
}

#[test]
fn merge_refuses_shards_that_do_not_belong_together() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let a0 = shard(&t.join("a"), "0/2", "11", "1");
    let a1 = shard(&t.join("a"), "1/2", "11", "1");
    let b1 = shard(&t.join("b"), "1/2", "12", "1");
    let c1 = shard(&t.join("c"), "1/3", "11", "1");
    let out = t.join("out");
    refused(&[&a0, &b1], "the seed is 12", &out);
    refused(&[&a0, &c1], "the shard count N", &out);
    refused(&[&a0], "shards missing: [1]", &out);
    refused(&[&a0, &a1, &a1], "is also given as", &out);
    // A scenario change is caught by its fingerprint.
    let default = riskkalkyl().args(["scenario", "show"]).output().unwrap().stdout;
    let text = String::from_utf8(default).unwrap();
    let changed = text.replacen("discount_rate_pct = 2.5", "discount_rate_pct = 3.0", 1);
    assert_ne!(text, changed, "the default scenario sets discount_rate_pct = 2.5");
    let file = t.join("changed.toml");
    std::fs::write(&file, changed).unwrap();
    riskkalkyl()
        .arg("--scenario")
        .arg(&file)
        .args([
            "run", "--runs", RUNS, "--seed", "11", "--quiet", "--shard", "1/2", "--out",
        ])
        .arg(t.join("d"))
        .assert()
        .success();
    refused(
        &[&a0, &t.join("d").join("shard-1-of-2.json")],
        "the scenario fingerprint",
        &out,
    );
    // Something that is not a state file.
    let junk = t.join("junk.json");
    std::fs::write(&junk, "{\"format\": \"other\"}").unwrap();
    refused(&[&a0, &junk], "not a riskkalkyl shard state file", &out);
    refused(&[&t.join("empty_dir_that_does_not_exist")], "cannot read", &out);
}

#[test]
fn bad_shard_specs_exit_2() {
    for spec in ["2/2", "1", "a/3", "0/0", "-1/2"] {
        riskkalkyl()
            .args(["run", "--runs", "1000", "--quiet", &format!("--shard={spec}")])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--shard"));
    }
    riskkalkyl()
        .args([
            "run",
            "--runs",
            "1000",
            "--quiet",
            "--shard",
            "0/2",
            "--samples",
            "x.csv",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--samples cannot be combined with --shard"));
}

/// The local twin of the Kubernetes and Slurm flows: shards in parallel with xargs -P, then merge.
#[test]
fn xargs_shard_flow_matches_the_whole_run() {
    let tmp = tempfile::tempdir().unwrap();
    let expected = whole(&tmp.path().join("whole"));
    let out = tmp.path().join("xargs");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/local/run-shards.sh");
    let status = std::process::Command::new("bash")
        .arg(script)
        .args(["4", "2"])
        .arg(&out)
        .args(["--runs", RUNS, "--seed", "11"])
        .env("RISKKALKYL", env!("CARGO_BIN_EXE_riskkalkyl"))
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read_dir(out.join("shards")).unwrap().count(), 4);
    assert!(files(&out) == expected);
}

#[test]
fn bench_json_has_the_documented_keys() {
    let out = riskkalkyl()
        .args(["bench", "--runs", "5000", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["runs"], 5000);
    let t = &v["timings"][0];
    assert_eq!(t["threads"], 1);
    for key in ["seconds", "runs_per_s", "ns_per_run"] {
        assert!(t[key].as_f64().unwrap() > 0.0, "{key}");
    }
    if v["cpus"].as_u64().unwrap() > 1 {
        assert!(v["parallel_efficiency"].as_f64().unwrap() > 0.0);
    }
    if Path::new("/proc/self/status").exists() {
        assert!(v["peak_rss_mb"].as_f64().unwrap() > 1.0);
    }
}
