//! Whole-or-nothing output: files are staged under temporary names in the target directory and
//! renamed into place only when every one of them has been written.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot create the output directory {path}: {source}\n  fix: choose a writable --out directory")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}\n  fix: check free space and permissions of the output directory")]
    Write { path: PathBuf, source: std::io::Error },
}

/// A set of files to write, all or none.
pub struct OutputSet {
    dir: PathBuf,
    staged: Vec<(NamedTempFile, PathBuf)>,
    /// Directories this set created, outermost first: removed again (if still empty) when
    /// the set is dropped without a commit, so a failed run leaves no trace.
    created: Vec<PathBuf>,
}

/// Create `dir` and its missing parents; returns those it created, outermost first.
fn create_dirs(dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty() && !a.exists())
        .map(Path::to_path_buf)
        .collect();
    std::fs::create_dir_all(dir).map_err(|source| OutputError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(missing.into_iter().rev().collect())
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        // Staged files go first (their own drop), then the directories made for them.
        self.staged.clear();
        for d in self.created.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

impl OutputSet {
    /// Prepare writing into `dir`, creating it if needed.
    pub fn new(dir: &Path) -> Result<OutputSet, OutputError> {
        let created = create_dirs(dir)?;
        Ok(OutputSet {
            dir: dir.to_path_buf(),
            staged: Vec::new(),
            created,
        })
    }

    /// Stage `name` (a file name chosen by the program, never by scenario content; it may
    /// sit in a subdirectory, "charts/a.svg", which is created).
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let plain = |part: &str| !part.is_empty() && !part.starts_with('.') && !part.contains('\\');
        if !name.split('/').all(plain) {
            return Err(OutputError::Write {
                path: self.dir.join(name),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a plain file name"),
            });
        }
        let target = self.dir.join(name);
        self.add_with_at(&target, |w| w.write_all(bytes))
    }

    /// Stage a file at `target` (in any directory, created if needed), written by `write`
    /// straight into its temporary file, so a large file is never held in memory.
    pub fn add_with_at(
        &mut self,
        target: &Path,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let err = |source| OutputError::Write {
            path: target.to_path_buf(),
            source,
        };
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name")))?
            .to_string_lossy()
            .into_owned();
        if let Ok(m) = std::fs::symlink_metadata(target)
            && !m.is_file()
        {
            return Err(err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "exists and is not a regular file",
            )));
        }
        let created = create_dirs(&dir)?;
        self.created.extend(created);
        let (parent, file_name) = (dir, name);
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{file_name}."))
            .suffix(".tmp")
            .tempfile_in(&parent)
            .map_err(err)?;
        {
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            write(&mut w).map_err(err)?;
            w.flush().map_err(err)?;
        }
        tmp.as_file().sync_all().map_err(err)?;
        self.staged.push((tmp, target.to_path_buf()));
        Ok(())
    }

    /// Rename every staged file into place, all or none: files that were there before are
    /// kept aside (hard-linked) until every rename has succeeded, and restored if one fails.
    /// Dropping an uncommitted set removes its temporary files.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        self.commit_failing_after(usize::MAX)
    }

    /// [`OutputSet::commit`], failing on purpose before the rename number `fail_at` (to test
    /// the rollback).
    fn commit_failing_after(mut self, fail_at: usize) -> Result<Vec<PathBuf>, OutputError> {
        let staged = std::mem::take(&mut self.staged);
        // Before touching anything: every target is new or a regular file, and no two coincide.
        for (i, (_, target)) in staged.iter().enumerate() {
            let refuse = |why: &str| OutputError::Write {
                path: target.clone(),
                source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, why.to_string()),
            };
            if let Ok(m) = std::fs::symlink_metadata(target)
                && !m.is_file()
            {
                return Err(refuse("exists and is not a regular file"));
            }
            if staged[..i].iter().any(|(_, t)| t == target) {
                return Err(refuse("two outputs of this run would go to this file"));
            }
        }
        let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        let mut failure = None;
        for (i, (tmp, target)) in staged.into_iter().enumerate() {
            let step = || -> Result<Option<PathBuf>, std::io::Error> {
                if i == fail_at {
                    return Err(std::io::Error::other("failure injected by a test"));
                }
                let backup = if target.exists() {
                    let b = backup_path(&target);
                    std::fs::hard_link(&target, &b).or_else(|_| std::fs::copy(&target, &b).map(|_| ()))?;
                    Some(b)
                } else {
                    None
                };
                Ok(backup)
            };
            match step() {
                Err(e) => {
                    failure = Some(OutputError::Write {
                        path: target,
                        source: e,
                    });
                    break;
                }
                Ok(backup) => match tmp.persist(&target) {
                    Ok(_) => done.push((target, backup)),
                    Err(e) => {
                        if let Some(b) = backup {
                            let _ = std::fs::remove_file(b);
                        }
                        failure = Some(OutputError::Write {
                            path: target,
                            source: e.error,
                        });
                        break;
                    }
                },
            }
        }
        if failure.is_none() {
            // The directories hold the outputs now: keep them.
            self.created.clear();
        }
        match failure {
            None => Ok(done
                .into_iter()
                .map(|(target, backup)| {
                    if let Some(b) = backup {
                        let _ = std::fs::remove_file(b);
                    }
                    target
                })
                .collect()),
            Some(e) => {
                // Put back what was there before; remove what was not.
                for (target, backup) in done.into_iter().rev() {
                    let _ = match backup {
                        Some(b) => std::fs::rename(&b, &target),
                        None => std::fs::remove_file(&target),
                    };
                }
                Err(e)
            }
        }
    }
}

/// A fresh name beside `target` for keeping its previous version during a commit.
fn backup_path(target: &Path) -> PathBuf {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    target.with_file_name(format!(".{name}.{}.{n}.bak", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_set_leaves_nothing() {
        let parent = tempfile::tempdir().unwrap();
        let deep = parent.path().join("x/y");
        {
            let mut set = OutputSet::new(&deep).unwrap();
            set.add("a.json", b"{}").unwrap();
        }
        assert!(
            !parent.path().join("x").exists(),
            "directories made for a failed set stay"
        );
        let dir = tempfile::tempdir().unwrap();
        {
            let mut set = OutputSet::new(dir.path()).unwrap();
            set.add("a.json", b"{}").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut set = OutputSet::new(dir.path()).unwrap();
        set.add("a.json", b"{}").unwrap();
        set.commit().unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), b"{}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failure_in_the_middle_of_a_commit_restores_the_previous_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), b"old a").unwrap();
        std::fs::write(dir.path().join("b.csv"), b"old b").unwrap();
        for fail_at in 0..3 {
            let mut set = OutputSet::new(dir.path()).unwrap();
            set.add("a.json", b"new a").unwrap();
            set.add("b.csv", b"new b").unwrap();
            set.add("c.txt", b"new c").unwrap();
            assert!(set.commit_failing_after(fail_at).is_err());
            assert_eq!(
                std::fs::read(dir.path().join("a.json")).unwrap(),
                b"old a",
                "fail at {fail_at}"
            );
            assert_eq!(
                std::fs::read(dir.path().join("b.csv")).unwrap(),
                b"old b",
                "fail at {fail_at}"
            );
            assert_eq!(listing(dir.path()), ["a.json", "b.csv"], "fail at {fail_at}");
        }
        let mut set = OutputSet::new(dir.path()).unwrap();
        set.add("a.json", b"new a").unwrap();
        set.add("c.txt", b"new c").unwrap();
        set.commit().unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), b"new a");
        assert_eq!(listing(dir.path()), ["a.json", "b.csv", "c.txt"]);
    }

    #[test]
    fn a_target_that_is_a_directory_or_a_duplicate_fails_before_any_rename() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), b"old a").unwrap();
        let mut set = OutputSet::new(dir.path()).unwrap();
        set.add("a.json", b"new a").unwrap();
        set.add("b.csv", b"new b").unwrap();
        // Something else makes b.csv a directory between staging and commit.
        std::fs::create_dir(dir.path().join("b.csv")).unwrap();
        assert!(set.commit().is_err());
        assert!(OutputSet::new(dir.path()).unwrap().add("b.csv", b"").is_err());
        assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), b"old a");
        assert_eq!(listing(dir.path()), ["a.json", "b.csv"]);
        let mut set = OutputSet::new(dir.path()).unwrap();
        set.add("a.json", b"1").unwrap();
        set.add_with_at(&dir.path().join("a.json"), |w| w.write_all(b"2"))
            .unwrap();
        assert!(set.commit().is_err());
        assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), b"old a");
        assert!(OutputSet::new(dir.path()).unwrap().add("../x", b"").is_err());
    }
}
