//! `verify DIR [--rerun]`: check an output directory against its run manifest.
//!
//! Exit codes (the lowest applies when several checks fail): 0 every check holds; 3 the
//! manifest itself is wrong (unreadable, its fingerprint does not match its run identity, or
//! its scenario text does not hash to the recorded scenario SHA-256); 4 an output file is
//! missing or differs from the SHA-256 the manifest lists, or summary.json's embedded
//! manifest is not the manifest's; 5 a chunk rerun with `--rerun` does not reproduce its
//! digest; 2 DIR holds no manifest (no manifest.json and no shard state files).

use std::path::Path;

use models::run::manifest::{FILE_NAME, FORMAT, Manifest, RunIdentity, chunk_digest, sha256_hex};
use models::run::state::{ShardState, scenario_fingerprint, state_files};
use models::{Model, RunOptions, Scenario};
use sim::RunPlan;

use crate::failure::{Failure, print};

/// Exit code: the manifest itself is wrong.
const MANIFEST: u8 = 3;
/// Exit code: an output file does not match the manifest.
const FILES: u8 = 4;
/// Exit code: a rerun chunk does not reproduce.
const RERUN: u8 = 5;

/// Problems found, each with its exit code.
#[derive(Default)]
struct Findings {
    ok: Vec<String>,
    failed: Vec<(u8, String)>,
}

impl Findings {
    fn check(&mut self, holds: bool, code: u8, what: String) {
        if holds {
            self.ok.push(what);
        } else {
            self.failed.push((code, what));
        }
    }
}

pub fn verify(dir: &Path, rerun: bool, quiet: bool) -> Result<(), Failure> {
    let mut f = Findings::default();
    let manifest_path = dir.join(FILE_NAME);
    if manifest_path.exists() {
        let text = std::fs::read_to_string(&manifest_path)
            .map_err(|e| Failure::Input(format!("{}: cannot read: {e}", manifest_path.display())))?;
        match serde_json::from_str::<Manifest>(&text) {
            Err(e) => f.failed.push((
                MANIFEST,
                format!("{}: not a run manifest: {e}", manifest_path.display()),
            )),
            Ok(m) => {
                let scenario = check_manifest(&mut f, &m, &manifest_path.display().to_string());
                check_files(&mut f, dir, &m);
                if rerun && let Some(s) = scenario {
                    check_rerun(&mut f, &m, &s, &manifest_path.display().to_string())?;
                }
            }
        }
    } else {
        let shards = state_files(&[dir.to_path_buf()]).map_err(|_| {
            Failure::Input(format!(
                "{}: no {FILE_NAME} and no shard state files\n  fix: pass the --out directory of run, merge, report or run --shard",
                dir.display()
            ))
        })?;
        for path in shards {
            let state = ShardState::read(&path)?;
            let name = path.display().to_string();
            let Some(m) = &state.manifest else {
                f.failed.push((
                    MANIFEST,
                    format!("{name}: carries no run manifest (written by an older riskkalkyl)"),
                ));
                continue;
            };
            let scenario = check_manifest(&mut f, m, &name);
            f.check(
                state.scenario_sha256 == m.run.scenario_sha256 && state.seed == m.run.seed && state.runs == m.run.runs,
                FILES,
                format!("{name}: the shard's scenario SHA-256, seed and runs are the manifest's"),
            );
            if rerun && let Some(s) = scenario {
                check_rerun(&mut f, m, &s, &name)?;
            }
        }
    }
    let worst = f.failed.iter().map(|(c, _)| *c).min();
    if !quiet {
        let mut out = String::new();
        for w in &f.ok {
            out.push_str(&format!("ok      {w}\n"));
        }
        for (_, w) in &f.failed {
            out.push_str(&format!("FAILED  {w}\n"));
        }
        print(&out)?;
    }
    match worst {
        None => Ok(()),
        Some(code) => Err(Failure::Verify(
            code,
            format!(
                "{} of {} checks failed in {}{}",
                f.failed.len(),
                f.failed.len() + f.ok.len(),
                dir.display(),
                match code {
                    MANIFEST => " (the manifest itself is wrong)",
                    FILES => " (output files do not match the manifest)",
                    _ => " (a rerun does not reproduce)",
                }
            ),
        )),
    }
}

/// The manifest's own consistency; returns its scenario when that parses and matches.
fn check_manifest(f: &mut Findings, m: &Manifest, name: &str) -> Option<Scenario> {
    f.check(
        m.run.format == FORMAT,
        MANIFEST,
        format!("{name}: format \"{}\" (this program reads \"{FORMAT}\")", m.run.format),
    );
    f.check(
        m.fingerprint == m.run.fingerprint(),
        MANIFEST,
        format!(
            "{name}: fingerprint {} is that of its run identity ({})",
            m.fingerprint,
            m.run.fingerprint()
        ),
    );
    match Scenario::from_toml(&m.scenario_toml, &format!("{name} (scenario_toml)")) {
        Err(e) => {
            f.failed
                .push((MANIFEST, format!("{name}: its scenario text does not load: {e}")));
            None
        }
        Ok(s) => {
            let sha = scenario_fingerprint(&s);
            let holds = sha == m.run.scenario_sha256;
            f.check(
                holds,
                MANIFEST,
                format!(
                    "{name}: scenario \"{}\" ({}) hashes to the recorded SHA-256 {}",
                    m.run.scenario, m.scenario_source, m.run.scenario_sha256
                ),
            );
            holds.then_some(s)
        }
    }
}

/// Every listed file against its SHA-256, and summary.json's embedded identity.
fn check_files(f: &mut Findings, dir: &Path, m: &Manifest) {
    for file in &m.files {
        let path = if Path::new(&file.name).is_absolute() {
            Path::new(&file.name).to_path_buf()
        } else {
            dir.join(&file.name)
        };
        match std::fs::read(&path) {
            Err(e) => f
                .failed
                .push((FILES, format!("{}: missing or unreadable: {e}", file.name))),
            Ok(bytes) => {
                let sha = sha256_hex(&bytes);
                f.check(
                    sha == file.sha256,
                    FILES,
                    if sha == file.sha256 {
                        format!("{}: SHA-256 {}", file.name, file.sha256)
                    } else {
                        format!("{}: SHA-256 is {sha}, the manifest lists {}", file.name, file.sha256)
                    },
                );
                // The board report's cover cites the run's fingerprint (as the minutes do).
                if file.name.ends_with(".html") {
                    let cover = format!("id=\"run-fingerprint\">{}<", m.fingerprint);
                    let cited = String::from_utf8_lossy(&bytes).contains(&cover);
                    f.check(
                        cited,
                        FILES,
                        if cited {
                            format!("{}: its cover cites the run fingerprint {}", file.name, m.fingerprint)
                        } else {
                            format!(
                                "{}: its cover does not cite the run fingerprint {}",
                                file.name, m.fingerprint
                            )
                        },
                    );
                }
                if file.name == "summary.json" {
                    #[derive(serde::Deserialize)]
                    struct Embedded {
                        manifest: Option<RunIdentity>,
                    }
                    let embedded = serde_json::from_slice::<Embedded>(&bytes).ok().and_then(|e| e.manifest);
                    f.check(
                        embedded.as_ref() == Some(&m.run),
                        FILES,
                        "summary.json: its embedded manifest is the manifest's run identity".into(),
                    );
                }
            }
        }
    }
    f.check(
        !m.files.is_empty(),
        FILES,
        format!("{FILE_NAME} lists {} files", m.files.len()),
    );
}

/// Rerun the chunks the manifest keeps digests of.
fn check_rerun(f: &mut Findings, m: &Manifest, s: &Scenario, name: &str) -> Result<(), Failure> {
    let model = Model::new(s)?;
    let plan = RunPlan::new(m.run.runs, m.run.seed, 0)?;
    let Some(sampling) = m.run.sampling() else {
        f.failed
            .push((MANIFEST, format!("{name}: unknown sampling \"{}\"", m.run.sampling)));
        return Ok(());
    };
    let opts = RunOptions { sampling };
    for c in &m.chunk_checks {
        let got = chunk_digest(&model, &plan, c.chunk, m.run.budget_msek, opts)?;
        f.check(
            got == c.sha256,
            RERUN,
            format!("{name}: chunk {} rerun reproduces its digest", c.chunk),
        );
    }
    f.check(
        !m.chunk_checks.is_empty(),
        RERUN,
        format!("{name}: {} chunks rerun", m.chunk_checks.len()),
    );
    Ok(())
}
