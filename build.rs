//! Build metadata for the run manifest: the git commit this binary is built from and its
//! target triple. A source tree without `.git` (a tarball, a Docker context) still builds; the
//! commit is then unknown (`null` in manifests), unless `RISKKALKYL_GIT_COMMIT` is set.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-env-changed=RISKKALKYL_GIT_COMMIT");
    if let Ok(target) = std::env::var("TARGET") {
        println!("cargo:rustc-env=RISKKALKYL_TARGET={target}");
    }
    let given = std::env::var("RISKKALKYL_GIT_COMMIT").ok().filter(|c| !c.is_empty());
    let commit = given.or_else(|| git(&["rev-parse", "HEAD"]));
    if let Some(c) = commit {
        println!("cargo:rustc-env=RISKKALKYL_GIT_COMMIT={c}");
        // Rebuild when HEAD moves: HEAD itself, the branch it points to, and packed refs.
        let mut watch = vec!["HEAD".to_string(), "packed-refs".to_string()];
        if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch.push(r);
        }
        for w in watch {
            // Only files that exist: cargo reruns a build script on every build for a missing one.
            if let Some(p) = git(&["rev-parse", "--path-format=absolute", "--git-path", &w])
                .filter(|p| std::path::Path::new(p).exists())
            {
                println!("cargo:rerun-if-changed={p}");
            }
        }
    }
}
