//! Whole-or-nothing output, safe against kills, planted links and concurrent runs.
//!
//! An [`OutputSet`] writes every file first into a staging directory of its own,
//! `.riskkalkyl-stage-XXXXXX/` inside the output directory (made with `mkdtemp`, so no one else's
//! path is ever reused), each file created exclusively (`O_EXCL`) with the mode the umask gives
//! (0644 under 022). [`OutputSet::commit`] then takes the directory's lock (`flock` on the
//! directory; a `.riskkalkyl.lock` file on file systems such as NFS that cannot lock a
//! directory), renames every staged file into place, and releases it: two
//! runs into one directory publish one after the other, never interleaved, and a reader that
//! takes the lock shared sees the files of one run. A file under its final name is always
//! complete (rename is atomic).
//!
//! A staging directory holds an exclusive lock on its `lock` file for as long as its run lives.
//! Every new set sweeps the staging directories whose lock is free (their run was killed, even
//! by SIGKILL) before making its own, so debris never accumulates; and
//! [`remove_staged_files`] removes this process's own on SIGINT/SIGTERM (the CLI calls it).
//!
//! Links: the output directory itself may be a symlink (the user named it), but a directory
//! this program enters below it (`charts/`) must be a real directory, a target that exists must
//! be a regular file (a symlink there is refused, never written through), and backups of the
//! previous files are hard links inside the private staging directory.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rustix::fs::{FlockOperation, flock};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot create the output directory {path}: {source}\n  fix: choose a writable --out directory")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}\n  fix: check free space and permissions of the output directory")]
    Write { path: PathBuf, source: std::io::Error },
    #[error(
        "{path} is a symbolic link: this program does not write through a link it did not make\n  fix: remove the link, or name the real directory in --out"
    )]
    Symlink { path: PathBuf },
}

/// Name prefix of the staging directories.
pub const STAGE_PREFIX: &str = ".riskkalkyl-stage-";
/// The lock file of an output directory on a file system that cannot lock directories.
pub const LOCK_NAME: &str = ".riskkalkyl.lock";

/// Staging directories of this process that are in use: [`remove_staged_files`] removes them,
/// and the sweep leaves them alone (with POSIX locks, as on NFS, a process's own lock does not
/// exclude itself).
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Held while a commit renames: a signal's cleanup waits for it, so a set is published whole
/// or not at all.
static PUBLISHING: Mutex<()> = Mutex::new(());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Remove every staging directory of this process (for a SIGINT/SIGTERM handler, before
/// exit). Waits for a commit in progress to finish, so no set is left half published.
pub fn remove_staged_files() {
    let _publishing = PUBLISHING.lock().unwrap_or_else(|e| e.into_inner());
    for d in live().drain(..) {
        let _ = std::fs::remove_dir_all(d);
    }
}

fn io(kind: std::io::ErrorKind, why: &str) -> std::io::Error {
    std::io::Error::new(kind, why.to_string())
}

/// Open (creating it if need be) the lock file of `dir`, never through a link: the lock of a
/// directory whose file system cannot lock directories (NFS emulates `flock` with POSIX locks,
/// which need a file open for writing).
fn lock_file(dir: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join(LOCK_NAME);
    let nofollow = rustix::fs::OFlags::NOFOLLOW.bits() as i32;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(nofollow)
        .open(&path)?;
    if !file.metadata()?.is_file() {
        return Err(io(
            std::io::ErrorKind::AlreadyExists,
            "the lock file is not a regular file",
        ));
    }
    Ok(file)
}

/// Lock directory `dir` (`flock` on the directory itself, so nothing is left in it; a lock
/// file where the file system cannot lock a directory), blocking until it is free.
fn lock_dir(dir: &Path, op: FlockOperation) -> std::io::Result<File> {
    let d = File::open(dir)?;
    match flock(&d, op) {
        Ok(()) => Ok(d),
        Err(e) if e == rustix::io::Errno::INTR => lock_dir(dir, op),
        Err(_) => {
            let f = lock_file(dir)?;
            flock(&f, op)?;
            Ok(f)
        }
    }
}

/// The lock of an output directory, held until dropped.
struct DirLock(File);

impl DirLock {
    fn exclusive(dir: &Path) -> std::io::Result<DirLock> {
        lock_dir(dir, FlockOperation::LockExclusive).map(DirLock)
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = flock(&self.0, FlockOperation::Unlock);
    }
}

/// Take the lock of output directory `dir` shared, for reading a consistent set (`merge`
/// reads shard files so): it waits while a run publishes there. Released when the returned
/// file is dropped; `None` when the directory cannot be locked.
pub fn read_lock(dir: &Path) -> Option<File> {
    lock_dir(dir, FlockOperation::LockShared).ok()
}

/// One run's staging directory in `base`, locked for as long as it lives.
struct Stage {
    base: PathBuf,
    path: PathBuf,
    _alive: File,
    /// Backups of replaced files, numbered.
    backups: usize,
}

impl Stage {
    /// Sweep the dead stages of `base` and make a new one, under the directory's lock (so a
    /// sweeper never sees a stage before its owner has locked it).
    fn new(base: &Path) -> Result<Stage, OutputError> {
        let err = |source| OutputError::Write {
            path: base.to_path_buf(),
            source,
        };
        let _dir = DirLock::exclusive(base).map_err(err)?;
        sweep(base);
        let path = tempfile::Builder::new()
            .prefix(STAGE_PREFIX)
            .rand_bytes(8)
            .tempdir_in(base)
            .map_err(err)?
            .keep();
        live().push(path.clone());
        let alive = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path.join("lock"))
            .and_then(|f| {
                flock(&f, FlockOperation::NonBlockingLockExclusive)
                    .map(|_| f)
                    .map_err(Into::into)
            });
        match alive {
            Ok(f) => Ok(Stage {
                base: base.to_path_buf(),
                path,
                _alive: f,
                backups: 0,
            }),
            Err(e) => {
                forget(&path);
                Err(err(e))
            }
        }
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        forget(&self.path);
    }
}

/// Remove a stage of this process and take it off the live list.
fn forget(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
    live().retain(|p| p != path);
}

/// Remove the staging directories in `base` whose run is gone (their lock is free).
fn sweep(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    let mine = live().clone();
    for e in entries.flatten() {
        let path = e.path();
        let is_stage = e.file_name().to_string_lossy().starts_with(STAGE_PREFIX)
            && e.file_type().is_ok_and(|t| t.is_dir())
            && !mine.contains(&path);
        if !is_stage {
            continue;
        }
        let dead = match File::open(path.join("lock")) {
            Ok(f) => flock(&f, FlockOperation::NonBlockingLockExclusive).is_ok(),
            // Killed between making the directory and its lock: no one holds it.
            Err(_) => true,
        };
        if dead {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// A set of files to write, all or none.
pub struct OutputSet {
    dir: PathBuf,
    stages: Vec<Stage>,
    /// (stage index, path relative to the stage's base, final path).
    staged: Vec<(usize, PathBuf, PathBuf)>,
    /// Directories this set created, outermost first: removed again (if still empty) when
    /// the set is dropped without a commit, so a failed run leaves no trace.
    created: Vec<PathBuf>,
}

/// Create `dir` and its missing parents; returns those it created, outermost first.
fn create_dirs(dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty() && std::fs::symlink_metadata(a).is_err())
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
        // The stages go first (their own drop), then the directories made for them.
        self.stages.clear();
        for d in self.created.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

impl OutputSet {
    /// Prepare writing into `dir`, creating it if needed, and sweep what killed runs left.
    pub fn new(dir: &Path) -> Result<OutputSet, OutputError> {
        let created = create_dirs(dir)?;
        let mut set = OutputSet {
            dir: dir.to_path_buf(),
            stages: Vec::new(),
            staged: Vec::new(),
            created,
        };
        set.stage_for(dir)?;
        Ok(set)
    }

    /// The index of the stage in `base`, made if need be.
    fn stage_for(&mut self, base: &Path) -> Result<usize, OutputError> {
        if let Some(i) = self.stages.iter().position(|s| s.base == base) {
            return Ok(i);
        }
        self.stages.push(Stage::new(base)?);
        Ok(self.stages.len() - 1)
    }

    /// Stage `name` (a file name chosen by the program, never by scenario content; it may
    /// sit in a subdirectory, "charts/a.svg", which is created on commit).
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let plain = |part: &str| !part.is_empty() && !part.starts_with('.') && !part.contains('\\');
        if !name.split('/').all(plain) {
            return Err(OutputError::Write {
                path: self.dir.join(name),
                source: io(std::io::ErrorKind::InvalidInput, "not a plain file name"),
            });
        }
        let target = self.dir.join(name);
        self.add_with_at(&target, |w| w.write_all(bytes))
    }

    /// Stage a file at `target` (in the output directory, or in any other, which must exist
    /// or is created), written by `write` straight into its staged file, so a large file is
    /// never held in memory.
    pub fn add_with_at(
        &mut self,
        target: &Path,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let err = |source| OutputError::Write {
            path: target.to_path_buf(),
            source,
        };
        if target.file_name().is_none() {
            return Err(err(io(std::io::ErrorKind::InvalidInput, "no file name")));
        }
        // Below the output directory: staged in its stage under the same relative path; a
        // file elsewhere (--samples) in a stage beside it, which the user named.
        let (base, rel) = match target.strip_prefix(&self.dir) {
            Ok(rel) if rel.components().all(|c| matches!(c, Component::Normal(_))) => {
                (self.dir.clone(), rel.to_path_buf())
            }
            _ => {
                let parent = match target.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let created = create_dirs(&parent)?;
                self.created.extend(created);
                (parent, PathBuf::from(target.file_name().expect("checked above")))
            }
        };
        check_below(&base, &rel)?;
        if let Ok(m) = std::fs::symlink_metadata(target)
            && !m.is_file()
        {
            return Err(if m.file_type().is_symlink() {
                OutputError::Symlink {
                    path: target.to_path_buf(),
                }
            } else {
                err(io(
                    std::io::ErrorKind::AlreadyExists,
                    "exists and is not a regular file",
                ))
            });
        }
        let stage = self.stage_for(&base)?;
        let staged = self.stages[stage].path.join(&rel);
        if let Some(p) = staged.parent() {
            std::fs::create_dir_all(p).map_err(err)?;
        }
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&staged)
            .map_err(err)?;
        let mut w = std::io::BufWriter::new(file);
        write(&mut w).map_err(err)?;
        w.flush().map_err(err)?;
        w.get_ref().sync_all().map_err(err)?;
        self.staged.push((stage, rel, target.to_path_buf()));
        Ok(())
    }

    /// Rename every staged file into place, all or none, under the directories' locks: files
    /// that were there before are kept aside (hard-linked into the stage) until every rename
    /// has succeeded, and restored if one fails. Dropping an uncommitted set removes its
    /// staged files.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        self.commit_failing_after(usize::MAX)
    }

    /// [`OutputSet::commit`], failing on purpose before the rename number `fail_at` (to test
    /// the rollback).
    fn commit_failing_after(mut self, fail_at: usize) -> Result<Vec<PathBuf>, OutputError> {
        let staged = std::mem::take(&mut self.staged);
        let mut bases: Vec<PathBuf> = self.stages.iter().map(|s| s.base.clone()).collect();
        bases.sort();
        let mut locks = Vec::new();
        for b in &bases {
            locks.push(DirLock::exclusive(b).map_err(|source| OutputError::Write {
                path: b.clone(),
                source,
            })?);
        }
        let _publishing = PUBLISHING.lock().unwrap_or_else(|e| e.into_inner());
        // Before touching anything: every target is new or a regular file, its directories
        // are real ones, and no two targets coincide.
        for (i, (stage, rel, target)) in staged.iter().enumerate() {
            let refuse = |why: &str| OutputError::Write {
                path: target.clone(),
                source: io(std::io::ErrorKind::AlreadyExists, why),
            };
            check_below(&self.stages[*stage].base, rel)?;
            if let Ok(m) = std::fs::symlink_metadata(target)
                && !m.is_file()
            {
                return Err(if m.file_type().is_symlink() {
                    OutputError::Symlink { path: target.clone() }
                } else {
                    refuse("exists and is not a regular file")
                });
            }
            if staged[..i].iter().any(|(_, _, t)| t == target) {
                return Err(refuse("two outputs of this run would go to this file"));
            }
        }
        let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        let mut failure = None;
        for (i, (stage, rel, target)) in staged.into_iter().enumerate() {
            let s = &mut self.stages[stage];
            let mut step = || -> Result<Option<PathBuf>, OutputError> {
                let werr = |source| OutputError::Write {
                    path: target.clone(),
                    source,
                };
                if i == fail_at {
                    return Err(werr(std::io::Error::other("failure injected by a test")));
                }
                if let Some(parent) = target.parent() {
                    let made = create_dirs(parent)?;
                    self.created.extend(made);
                }
                let backup = if std::fs::symlink_metadata(&target).is_ok() {
                    s.backups += 1;
                    let b = s.path.join(format!("backup-{}", s.backups));
                    std::fs::hard_link(&target, &b)
                        .or_else(|_| {
                            let mut from = File::open(&target)?;
                            let mut to = OpenOptions::new().write(true).create_new(true).open(&b)?;
                            std::io::copy(&mut from, &mut to).map(|_| ())
                        })
                        .map_err(werr)?;
                    Some(b)
                } else {
                    None
                };
                if let Err(e) = std::fs::rename(s.path.join(&rel), &target) {
                    return Err(werr(e));
                }
                Ok(backup)
            };
            match step() {
                Ok(backup) => done.push((target, backup)),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        match failure {
            None => {
                // The directories hold the outputs now: keep them.
                self.created.clear();
                Ok(done.into_iter().map(|(t, _)| t).collect())
            }
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

/// The directories between `base` (named by the user) and the file `rel` must be real
/// directories where they exist: never a link someone else planted.
fn check_below(base: &Path, rel: &Path) -> Result<(), OutputError> {
    let mut p = base.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for c in &parts[..parts.len().saturating_sub(1)] {
        p.push(c);
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => return Err(OutputError::Symlink { path: p }),
            Ok(m) if !m.is_dir() => {
                return Err(OutputError::Write {
                    path: p,
                    source: io(std::io::ErrorKind::AlreadyExists, "exists and is not a directory"),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != LOCK_NAME)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn uncommitted_set_leaves_nothing() {
        let parent = tempfile::tempdir().unwrap();
        let deep = parent.path().join("x/y");
        {
            let mut set = OutputSet::new(&deep).unwrap();
            set.add("a.json", b"{}").unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        {
            let mut set = OutputSet::new(dir.path()).unwrap();
            set.add("a.json", b"{}").unwrap();
            set.add("charts/b.svg", b"{}").unwrap();
        }
        assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
        let mut set = OutputSet::new(dir.path()).unwrap();
        set.add("a.json", b"{}").unwrap();
        set.commit().unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), b"{}");
        assert_eq!(listing(dir.path()), ["a.json"]);
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
        assert!(
            set.add_with_at(&dir.path().join("a.json"), |w| w.write_all(b"2"))
                .is_err()
        );
        drop(set);
        assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), b"old a");
        assert!(OutputSet::new(dir.path()).unwrap().add("../x", b"").is_err());
    }

    /// Class 3 of issue 22: what a killed run left is swept by the next one; a live run's
    /// stage is not.
    #[test]
    fn stages_of_dead_runs_are_swept_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A dead run's stage: no one holds its lock (and one killed before it made its lock).
        for (name, with_lock) in [("abc", true), ("def", false)] {
            let d = dir.path().join(format!("{STAGE_PREFIX}{name}"));
            std::fs::create_dir_all(d.join("charts")).unwrap();
            std::fs::write(d.join("charts/x.svg"), b"partial").unwrap();
            if with_lock {
                std::fs::write(d.join("lock"), b"").unwrap();
            }
        }
        let live = OutputSet::new(dir.path()).unwrap();
        assert_eq!(listing(dir.path()).len(), 1, "{:?}", listing(dir.path()));
        // Another process's live stage (its lock held through another open file) stays.
        let other = dir.path().join(format!("{STAGE_PREFIX}live"));
        std::fs::create_dir(&other).unwrap();
        let held = File::create(other.join("lock")).unwrap();
        flock(&held, FlockOperation::LockExclusive).unwrap();
        let mut set = OutputSet::new(dir.path()).unwrap();
        assert_eq!(listing(dir.path()).len(), 3, "{:?}", listing(dir.path()));
        set.add("a.json", b"{}").unwrap();
        set.commit().unwrap();
        drop(live);
        drop(held);
        OutputSet::new(dir.path()).unwrap().commit().unwrap();
        assert_eq!(listing(dir.path()), ["a.json"]);
    }

    /// Class 4: links planted beside or below the output.
    #[test]
    fn planted_links_are_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let victim = elsewhere.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        // A link at a target name is refused, planted before staging or before the commit.
        std::os::unix::fs::symlink(&victim, dir.path().join("a.json")).unwrap();
        let mut set = OutputSet::new(dir.path()).unwrap();
        assert!(matches!(set.add("a.json", b"new"), Err(OutputError::Symlink { .. })));
        set.add("b.json", b"new").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("b.json")).unwrap();
        assert!(matches!(set.commit(), Err(OutputError::Symlink { .. })));
        std::fs::remove_file(dir.path().join("b.json")).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        // A `charts/` that is a link to another directory is refused.
        std::fs::remove_file(dir.path().join("a.json")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("charts")).unwrap();
        let mut set = OutputSet::new(dir.path()).unwrap();
        let e = set.add("charts/x.svg", b"<svg/>").unwrap_err();
        assert!(matches!(e, OutputError::Symlink { .. }), "{e}");
        assert_eq!(listing(elsewhere.path()), ["victim"]);
        // A link planted at the lock file's name is not followed either.
        let d2 = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&victim, d2.path().join(LOCK_NAME)).unwrap();
        assert!(lock_file(d2.path()).is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        // The output directory itself may be a link: the user named it.
        let link = elsewhere.path().join("out-link");
        std::os::unix::fs::symlink(dir.path(), &link).unwrap();
        let mut set = OutputSet::new(&link).unwrap();
        set.add("b.json", b"{}").unwrap();
        set.commit().unwrap();
        assert_eq!(std::fs::read(dir.path().join("b.json")).unwrap(), b"{}");
    }

    /// Class 6: files get the mode the umask gives (the test process's umask is read back).
    #[test]
    fn outputs_get_the_umask_mode() {
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe");
        std::fs::write(&probe, b"").unwrap();
        let want = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
        let mut set = OutputSet::new(dir.path()).unwrap();
        set.add("a.json", b"{}").unwrap();
        set.add("charts/b.svg", b"{}").unwrap();
        set.commit().unwrap();
        for f in ["a.json", "charts/b.svg"] {
            let mode = std::fs::metadata(dir.path().join(f)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, want, "{f}: {mode:o}, want {want:o} (as std::fs::write makes)");
        }
    }

    /// Class 5: sets committed at once into one directory never interleave.
    #[test]
    fn concurrent_sets_publish_one_after_the_other() {
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (0..40).map(|i| format!("f{i:02}.txt")).collect();
        for round in 0..5 {
            std::thread::scope(|s| {
                for t in 0..6 {
                    let (dir, names) = (dir.path(), &names);
                    s.spawn(move || {
                        let mut set = OutputSet::new(dir).unwrap();
                        for n in names {
                            set.add(n, format!("{round}-{t}").as_bytes()).unwrap();
                        }
                        set.commit().unwrap();
                    });
                }
            });
            let tags: std::collections::BTreeSet<Vec<u8>> = names
                .iter()
                .map(|n| std::fs::read(dir.path().join(n)).unwrap())
                .collect();
            assert_eq!(tags.len(), 1, "round {round}: files of several runs: {tags:?}");
        }
        assert_eq!(listing(dir.path()).len(), names.len());
    }
}
