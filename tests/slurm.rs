//! The Slurm job array on a real Slurm: `deploy/slurm/local-cluster.sh` starts munged, slurmctld
//! and slurmd on localhost, runs the shipped `submit.sh` and sbatch scripts, and checks that the
//! merged summary.json and yearly.csv equal the unsharded run's byte for byte, that a cancelled
//! and a failed task hold the merge back and are named by `merge`, that resubmitting them
//! completes the set to the same bytes, and that a requeued task rewrites the same shard file.
//!
//! Needs root and the Debian packages slurm-wlm and munge; skips with a message otherwise,
//! unless RISKKALKYL_SLURM_REQUIRED=1 (set by .ci/run once it has installed them), where a skip
//! is a failure.

use std::io::Write;
use std::process::Command;
use std::time::Instant;

/// Exit code of local-cluster.sh when Slurm cannot run here.
const SKIP: i32 = 77;

/// Said outside the test harness's capture, so a skip is seen in a plain `cargo test`.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

#[test]
fn slurm_array_equals_the_whole_run_and_survives_cancelled_failed_and_requeued_tasks() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/slurm/local-cluster.sh");
    let started = Instant::now();
    // 45 000 runs are 11 chunks (the last one partial): 8 shards of one or two chunks each.
    let out = Command::new("bash")
        .arg(script)
        .args(["check", "faults"])
        .env("RISKKALKYL", env!("CARGO_BIN_EXE_riskkalkyl"))
        .env("RUNS", "45000")
        .env("SEED", "11")
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let required = std::env::var("RISKKALKYL_SLURM_REQUIRED").is_ok_and(|v| v == "1");
    match out.status.code() {
        Some(0) => {
            assert!(
                stderr.contains("local-cluster: all passed"),
                "local-cluster.sh exited 0 without passing its checks:\n{stderr}"
            );
            say(&format!(
                "slurm: the job array, faults and requeue passed on a one-node Slurm in {:.0} s",
                started.elapsed().as_secs_f64()
            ));
        }
        Some(SKIP) if !required => {
            let reason = stderr
                .lines()
                .find(|l| l.contains("skip:"))
                .unwrap_or("Slurm cannot run here");
            say(&format!(
                "note: skipping the Slurm test: {reason} (.ci/run installs slurm-wlm and munge)"
            ));
        }
        code => panic!("deploy/slurm/local-cluster.sh failed (exit {code:?}):\n{stderr}"),
    }
}
