//! `riskkalkyl verify`: the manifest of run, merge and shards checked against the files, a
//! tampered file (exit 4), a tampered manifest (exit 3), a chunk that does not reproduce
//! (exit 5), no manifest (exit 2).

use std::path::Path;

use assert_cmd::Command;

fn riskkalkyl() -> Command {
    Command::cargo_bin("riskkalkyl").unwrap()
}

fn run_into(dir: &Path, extra: &[&str]) {
    riskkalkyl()
        .args([
            "run",
            "--runs",
            "9000",
            "--seed",
            "11",
            "--threads",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(dir)
        .args(extra)
        .assert()
        .success();
}

fn verify(dir: &Path, rerun: bool) -> (i32, String) {
    let mut c = riskkalkyl();
    c.arg("verify").arg(dir);
    if rerun {
        c.arg("--rerun");
    }
    let out = c.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap(), text)
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn a_run_verifies_and_a_tampered_file_or_manifest_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    run_into(&dir, &[]);
    let (code, text) = verify(&dir, true);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("chunk 2 rerun reproduces"), "{text}");
    let m = manifest(&dir);
    let names: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["summary.json", "yearly.csv"]);
    // summary.json carries the identity; its fingerprint is the manifest's.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["manifest"], m["run"]);
    assert_eq!(m["run"]["seed"], 11);
    assert_eq!(m["run"]["runs"], 9000);
    assert_eq!(m["scenario_source"], "embedded");

    // One figure of yearly.csv changed: a file does not match, exit 4.
    let yearly = dir.join("yearly.csv");
    let csv = std::fs::read_to_string(&yearly).unwrap();
    let pos = csv.find(|c: char| c.is_ascii_digit() && c != '0').unwrap();
    let mut bytes = csv.into_bytes();
    bytes[pos] = if bytes[pos] == b'9' { b'8' } else { bytes[pos] + 1 };
    std::fs::write(&yearly, &bytes).unwrap();
    let (code, text) = verify(&dir, false);
    assert_eq!(code, 4, "{text}");
    assert!(text.contains("FAILED  yearly.csv: SHA-256 is"), "{text}");

    // A fresh run; then the seed in manifest.json is edited: the fingerprint no longer fits,
    // and summary.json's embedded identity no longer equals it. The manifest's fault wins: 3.
    run_into(&dir, &[]);
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"seed\": 11", "\"seed\": 12", 1)).unwrap();
    let (code, out) = verify(&dir, false);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("FAILED  ") && out.contains("fingerprint"), "{out}");

    // The scenario text edited (a discount rate): its hash no longer matches, exit 3.
    run_into(&dir, &[]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("discount_rate_pct = 2.5"));
    std::fs::write(
        &path,
        text.replacen("discount_rate_pct = 2.5", "discount_rate_pct = 3.5", 1),
    )
    .unwrap();
    let (code, out) = verify(&dir, true);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("FAILED  ") && out.contains("hashes to the recorded SHA-256"),
        "{out}"
    );

    // A chunk digest that does not reproduce (as a changed build would): exit 5.
    run_into(&dir, &[]);
    let mut m = manifest(&dir);
    m["chunk_checks"][1]["sha256"] = serde_json::Value::String("0".repeat(64));
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let (code, out) = verify(&dir, false);
    assert_eq!(code, 0, "without --rerun the chunks are not rerun: {out}");
    let (code, out) = verify(&dir, true);
    assert_eq!(code, 5, "{out}");

    // No manifest at all: exit 2.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, out) = verify(&empty, false);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn shards_carry_the_manifest_and_the_merge_has_the_unsharded_identity() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, shards, merged) = (
        tmp.path().join("whole"),
        tmp.path().join("shards"),
        tmp.path().join("merged"),
    );
    run_into(&whole, &[]);
    for i in 0..2 {
        run_into(&shards, &["--shard", &format!("{i}/2")]);
    }
    assert!(
        !shards.join("manifest.json").exists(),
        "shards share a directory: no manifest.json"
    );
    let (code, text) = verify(&shards, true);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("shard-0-of-2.json: chunk 0 rerun reproduces"), "{text}");
    riskkalkyl()
        .arg("merge")
        .arg(&shards)
        .arg("--out")
        .arg(&merged)
        .arg("--quiet")
        .assert()
        .success();
    let (code, text) = verify(&merged, true);
    assert_eq!(code, 0, "{text}");
    // Byte-identical outputs, the same identity; only the layout says how it was made.
    for f in ["summary.json", "yearly.csv"] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f}"
        );
    }
    let (a, b) = (manifest(&whole), manifest(&merged));
    assert_eq!(a["run"], b["run"]);
    assert_eq!(a["fingerprint"], b["fingerprint"]);
    assert_eq!(
        (a["layout"]["shards"].as_u64(), b["layout"]["shards"].as_u64()),
        (Some(1), Some(2))
    );
    // A tampered shard state: its seed no longer matches its manifest, exit 4.
    let shard = shards.join("shard-1-of-2.json");
    let text = std::fs::read_to_string(&shard).unwrap();
    std::fs::write(&shard, text.replacen("\"seed\":11", "\"seed\":13", 1)).unwrap();
    let (code, out) = verify(&shards, false);
    assert_eq!(code, 4, "{out}");
}

#[test]
fn a_report_lists_every_file_it_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("rapport");
    riskkalkyl()
        .args(["report", "--runs", "5000", "--analysis-runs", "0", "--quiet", "--out"])
        .arg(&dir)
        .assert()
        .success();
    let m = manifest(&dir);
    let names: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for want in ["rapport.html", "summary.md", "riskkalkyl.xlsx"] {
        assert!(names.contains(&want), "{names:?}");
    }
    assert!(
        names.iter().any(|n| n.starts_with("charts/") && n.ends_with(".png")),
        "{names:?}"
    );
    let (code, text) = verify(&dir, false);
    assert_eq!(code, 0, "{text}");

    // The cover cites the run's fingerprint, the manifest's; verify checks that it does.
    let fp = m["fingerprint"].as_str().unwrap().to_string();
    // The workbook's about sheet carries the same identity.
    {
        use calamine::{Reader, Xlsx, open_workbook};
        let mut wb: Xlsx<_> = open_workbook(dir.join("riskkalkyl.xlsx")).unwrap();
        let about = wb.worksheet_range("Om körningen").unwrap();
        let cell = |r: u32| about.get_value((r, 1)).map(|v| v.to_string()).unwrap_or_default();
        assert_eq!(cell(1), fp, "the about sheet's fingerprint");
        assert_eq!(cell(6), m["run"]["seed"].to_string());
        assert_eq!(cell(7), m["run"]["runs"].to_string());
        assert_eq!(cell(5), m["run"]["scenario_sha256"].as_str().unwrap());
        assert!(cell(11).starts_with("1 (chunks 0–"), "{}", cell(11));
        assert!(
            cell(12).starts_with(m["platform"]["os"].as_str().unwrap()),
            "{}",
            cell(12)
        );
    }
    let html = std::fs::read_to_string(dir.join("rapport.html")).unwrap();
    assert!(
        html.contains(&format!("id=\"run-fingerprint\">{fp}<")),
        "cover without {fp}"
    );
    std::fs::write(dir.join("rapport.html"), html.replace(&fp, "0000-0000-0000")).unwrap();
    let (code, text) = verify(&dir, false);
    assert_ne!(code, 0, "{text}");
    assert!(
        text.contains(&format!("does not cite the run fingerprint {fp}")),
        "{text}"
    );
}
