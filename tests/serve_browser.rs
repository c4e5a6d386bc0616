//! The what-if page in Chromium (tests/browser/serve.mjs: playwright-core and axe-core from
//! npm, Debian's Chromium): change the one-off cost's maximum and the allocation key, check
//! the figures against `riskkalkyl run` on the downloaded scenario, screenshots, axe-core.
//! Skips with a message without the toolchain; fails instead when RISKKALKYL_BROWSER_REQUIRED
//! is set (.ci/run sets it once it has installed the toolchain).

mod serve_common;

use std::path::Path;
use std::process::Command;

use serve_common::Server;

fn toolchain() -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !dir.join("node_modules/playwright-core").is_dir() || !dir.join("node_modules/axe-core").is_dir() {
        return Err("tests/browser/node_modules is missing (cd tests/browser && npm ci)".into());
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Err("node is not installed".into());
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Err(format!("{chromium} is missing (apt-get install chromium)"));
    }
    Ok(())
}

#[test]
fn the_page_redraws_a_change_and_its_figures_are_those_of_run() {
    if let Err(why) = toolchain() {
        assert!(
            std::env::var_os("RISKKALKYL_BROWSER_REQUIRED").is_none(),
            "RISKKALKYL_BROWSER_REQUIRED is set but {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    // A debug build: fewer runs than the defaults, so the test takes seconds, not minutes.
    let s = Server::start(&["serve", "--port", "0", "--quick-runs", "1000", "--refine-runs", "6000"]);
    let out = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/serve.mjs");
    let o = Command::new("node")
        .arg(&script)
        .args([
            "--url",
            &s.url(),
            "--bin",
            env!("CARGO_BIN_EXE_riskkalkyl"),
            "--changes",
            "3",
            "--out",
        ])
        .arg(out.path())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "serve.mjs failed:\n{stdout}\n{stderr}");
    let r: serde_json::Value = serde_json::from_str(stdout.trim().lines().last().unwrap()).unwrap();
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["blocking"], 0, "{r}");
    assert!(r["compared"].as_u64().unwrap() >= 21, "{r}");
    for shot in ["serve-before.png", "serve-after.png"] {
        let png = std::fs::read(out.path().join(shot)).unwrap();
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{shot}");
    }
    eprintln!("{r}");
}
