//! The Kubernetes manifests (deploy/k8s): valid against the Kubernetes API schemas
//! (kubernetes-validate from PyPI, which bundles them; --strict rejects unknown fields), and the
//! shard Job's N the same in `completions`, `parallelism` and its `--shard` argument. No cluster
//! runs here; the commands in the manifests are those deploy/local/run-shards.sh tests.
//!
//! The schema check skips with a message where kubernetes-validate is not installed, unless
//! RISKKALKYL_K8S_REQUIRED=1 (set by .ci/run once it has installed it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifests() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/k8s");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 2,
        "expected the shard and merge manifests in {}",
        dir.display()
    );
    files
}

/// `kubernetes-validate --strict FILE`: Ok(output) if valid, Err(output) if not, None if the
/// validator is not installed.
fn validate(file: &Path) -> Option<Result<String, String>> {
    let out = Command::new("kubernetes-validate")
        .args(["--strict", "--no-warn"])
        .arg(file)
        .output()
        .ok()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(if out.status.success() { Ok(text) } else { Err(text) })
}

#[test]
fn manifests_are_valid_against_the_kubernetes_schemas() {
    let files = manifests();
    let Some(_) = validate(&files[0]) else {
        let required = std::env::var("RISKKALKYL_K8S_REQUIRED").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "RISKKALKYL_K8S_REQUIRED=1 but kubernetes-validate is not on PATH"
        );
        let _ = writeln!(
            std::io::stderr(),
            "note: kubernetes-validate is not installed; skipping the manifest schema check (.ci/run installs it: pip install kubernetes-validate)"
        );
        return;
    };
    for file in &files {
        match validate(file).unwrap() {
            Ok(text) => assert!(
                text.contains("passed"),
                "{}: no resource validated:\n{text}",
                file.display()
            ),
            Err(text) => panic!("{} is not a valid Kubernetes manifest:\n{text}", file.display()),
        }
    }
    // The validator must be able to say no: a Job with a misspelt field and a count as text.
    let tmp = tempfile::tempdir().unwrap();
    let shards =
        std::fs::read_to_string(files.iter().find(|f| f.ends_with("riskkalkyl-shards.yaml")).unwrap()).unwrap();
    for (what, broken) in [
        ("a misspelt field", shards.replace("parallelism:", "paralelism:")),
        (
            "completions as text",
            shards.replace("completions: 8", "completions: eight"),
        ),
    ] {
        assert_ne!(broken, shards, "the manifest changed shape: cannot make {what}");
        let bad = tmp.path().join("broken.yaml");
        std::fs::write(&bad, broken).unwrap();
        assert!(
            validate(&bad).unwrap().is_err(),
            "kubernetes-validate accepted a Job with {what}"
        );
    }
}

/// The number after `key:` on the line that has it, once in the file.
fn count(text: &str, key: &str) -> u64 {
    let values: Vec<u64> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix(key)?.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(
        values.len(),
        1,
        "expected one `{key} N` line in the shard Job, found {values:?}"
    );
    values[0]
}

#[test]
fn the_shard_job_runs_as_many_shards_as_it_has_completions() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/k8s/riskkalkyl-shards.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("completionMode: Indexed"),
        "{}: the shard Job must be Indexed",
        path.display()
    );
    let completions = count(&text, "completions:");
    let parallelism = count(&text, "parallelism:");
    let shard_args: Vec<&str> = text
        .match_indices("--shard \"${JOB_COMPLETION_INDEX}/")
        .map(|(at, m)| {
            let rest = &text[at + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(
        shard_args.len(),
        1,
        "{}: expected one --shard \"${{JOB_COMPLETION_INDEX}}/N\"",
        path.display()
    );
    let n: u64 = shard_args[0]
        .parse()
        .unwrap_or_else(|_| panic!("--shard .../{} is not a number", shard_args[0]));
    assert_eq!(
        completions,
        n,
        "{}: completions {completions} but --shard .../{n}",
        path.display()
    );
    assert!(
        (1..=n).contains(&parallelism),
        "{}: parallelism {parallelism} must be between 1 and N = {n}",
        path.display()
    );
    // The merge reads where the shards write.
    let merge = std::fs::read_to_string(path.with_file_name("riskkalkyl-merge.yaml")).unwrap();
    assert!(text.contains("--out /results/shards") && merge.contains("\"merge\", \"/results/shards\""));
}
