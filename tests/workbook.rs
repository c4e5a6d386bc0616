//! `scenario export --xlsx` and `--scenario F.xlsx`: a run from the exported workbook is
//! byte-identical to the run from the TOML, for the default and every bench scenario.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn riskkalkyl() -> Command {
    Command::cargo_bin("riskkalkyl").unwrap()
}

/// The default (None) and each benches/scenarios/*.toml.
fn scenarios() -> Vec<Option<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scenarios");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 3);
    std::iter::once(None).chain(v.into_iter().map(Some)).collect()
}

fn with_scenario(file: Option<&Path>) -> Command {
    let mut cmd = riskkalkyl();
    if let Some(f) = file {
        cmd.arg("--scenario").arg(f);
    }
    cmd
}

#[test]
fn a_run_from_the_exported_workbook_is_byte_identical_to_the_toml_run() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, toml) in scenarios().iter().enumerate() {
        let xlsx = tmp.path().join(format!("s{i}.xlsx"));
        with_scenario(toml.as_deref())
            .args(["scenario", "export", "--xlsx"])
            .arg(&xlsx)
            .assert()
            .success()
            .stderr(predicate::str::contains("uncertain inputs on sheet Indata"));
        riskkalkyl()
            .args(["scenario", "check"])
            .arg(&xlsx)
            .assert()
            .success()
            .stdout(predicate::str::contains("valid scenario"));
        let (a, b) = (tmp.path().join(format!("a{i}")), tmp.path().join(format!("b{i}")));
        let run = |file: Option<&Path>, out: &Path| {
            with_scenario(file)
                .args(["run", "--runs", "3000", "--seed", "11", "--quiet", "--out"])
                .arg(out)
                .arg("--samples")
                .arg(out.join("samples.csv"))
                .assert()
                .success();
        };
        run(toml.as_deref(), &a);
        run(Some(&xlsx), &b);
        for f in ["summary.json", "yearly.csv", "samples.csv"] {
            let (x, y) = (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap());
            assert!(x == y, "{toml:?}: {f} differs between the TOML and the workbook run");
        }
        // `scenario show` of the workbook prints TOML that loads to the same scenario.
        let shown = with_scenario(Some(&xlsx)).args(["scenario", "show"]).output().unwrap();
        let back = tmp.path().join(format!("back{i}.toml"));
        std::fs::write(&back, &shown.stdout).unwrap();
        riskkalkyl().args(["scenario", "check"]).arg(&back).assert().success();
    }
}

#[test]
fn a_broken_workbook_is_refused_with_exit_2_and_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("not.xlsx");
    std::fs::write(&f, "[meta]\n").unwrap();
    riskkalkyl()
        .args(["scenario", "check"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an xlsx workbook").and(predicate::str::contains("fix:")));
    riskkalkyl()
        .args(["scenario", "export", "--xlsx"])
        .arg(tmp.path().join("s.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("must end in .xlsx"));
}

#[test]
fn export_writes_whole_files_and_refuses_a_planted_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("s.xlsx");
    // Over an existing workbook: replaced whole, no staging debris left beside it.
    std::fs::write(&f, b"old").unwrap();
    riskkalkyl()
        .args(["scenario", "export", "--xlsx"])
        .arg(&f)
        .assert()
        .success();
    assert!(std::fs::read(&f).unwrap().starts_with(b"PK"), "an xlsx is a zip");
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["s.xlsx"], "nothing but the workbook");
    // A symlink someone planted at the name: refused, its target untouched.
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    let link = tmp.path().join("planted.xlsx");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    riskkalkyl()
        .args(["scenario", "export", "--xlsx"])
        .arg(&link)
        .assert()
        .failure()
        .stderr(predicate::str::contains("planted.xlsx").and(predicate::str::contains("symbolic link")));
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
}
