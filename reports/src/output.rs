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

/// A set of files to write into one directory, all or none.
pub struct OutputSet {
    dir: PathBuf,
    staged: Vec<(NamedTempFile, PathBuf)>,
}

impl OutputSet {
    /// Prepare writing into `dir`, creating it if needed.
    pub fn new(dir: &Path) -> Result<OutputSet, OutputError> {
        std::fs::create_dir_all(dir).map_err(|source| OutputError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(OutputSet {
            dir: dir.to_path_buf(),
            staged: Vec::new(),
        })
    }

    /// Stage `name` (a file name chosen by the program, never by scenario content; it may
    /// sit in a subdirectory, "charts/a.svg", which is created).
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let target = self.dir.join(name);
        let err = |source| OutputError::Write {
            path: target.clone(),
            source,
        };
        let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(err)?;
        let file_name = target
            .file_name()
            .map_or_else(|| name.to_string(), |n| n.to_string_lossy().to_string());
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{file_name}."))
            .suffix(".tmp")
            .tempfile_in(&parent)
            .map_err(err)?;
        tmp.write_all(bytes).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        self.staged.push((tmp, target));
        Ok(())
    }

    /// Rename every staged file into place. Dropping an uncommitted set removes its files.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        let mut done = Vec::new();
        for (tmp, target) in self.staged {
            tmp.persist(&target).map_err(|e| OutputError::Write {
                path: target.clone(),
                source: e.error,
            })?;
            done.push(target);
        }
        Ok(done)
    }
}

/// Write one file whole or not at all (temporary name in the same directory, then rename).
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    let mut set = OutputSet::new(&dir)?;
    set.add(&name, bytes)?;
    set.commit().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_set_leaves_nothing() {
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
}
