//! Reading an input file (scenario, actuals, shard state) with a bound on everything: size,
//! time and kind.
//!
//! A regular file is read up to a size cap (a larger one is refused before it is read). A pipe
//! (`/dev/stdin` fed by `|`, `--scenario <(cat file)`, a named FIFO) is read once, up to the
//! same cap, and must reach its end within [`PIPE_DEADLINE`]: a FIFO whose writer never closes
//! is refused then instead of hanging the run. Anything else (a directory, `/dev/zero`, a
//! terminal, a socket) is refused at once. The file is opened without blocking, so opening a
//! FIFO without a writer does not hang either.

use std::io::Read;
use std::os::fd::AsFd;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a pipe may take to deliver its whole content.
pub const PIPE_DEADLINE: Duration = Duration::from_secs(10);

/// Why an input file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("it is {0}, not a regular file or a pipe")]
    NotAFile(&'static str),
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    #[error("the pipe did not reach its end within {} s", PIPE_DEADLINE.as_secs())]
    Timeout,
}

impl ReadError {
    /// How to fix it, for the caller's message.
    pub fn hint(&self) -> &'static str {
        match self {
            ReadError::Io(_) => "check the path and that the file is readable",
            ReadError::NotAFile(_) => "name a regular file (or a pipe that ends, such as `<(cat file)`)",
            ReadError::TooLarge { .. } => "check that this is the right file",
            ReadError::Timeout => "close the pipe's writing end, or save the content to a file and name that",
        }
    }
}

/// The whole content of `path`, at most `max_bytes`.
pub fn read_capped(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    use rustix::fs::{FileType, Mode, OFlags};
    let fd = rustix::fs::open(path, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())
        .map_err(std::io::Error::from)?;
    let stat = rustix::fs::fstat(&fd).map_err(std::io::Error::from)?;
    let mut file = std::fs::File::from(fd);
    let mut bytes = Vec::new();
    match FileType::from_raw_mode(stat.st_mode) {
        FileType::RegularFile => {
            if stat.st_size as u64 > max_bytes {
                return Err(ReadError::TooLarge { max: max_bytes });
            }
            // At most one byte past the limit: a file that grows while read is not slurped.
            (&mut file).take(max_bytes + 1).read_to_end(&mut bytes)?;
        }
        FileType::Fifo => read_pipe(&mut file, max_bytes, &mut bytes)?,
        FileType::Directory => return Err(ReadError::NotAFile("a directory")),
        FileType::CharacterDevice => {
            return Err(ReadError::NotAFile(
                "a character device (such as /dev/zero or a terminal)",
            ));
        }
        FileType::BlockDevice => return Err(ReadError::NotAFile("a block device")),
        FileType::Socket => return Err(ReadError::NotAFile("a socket")),
        _ => return Err(ReadError::NotAFile("not a regular file")),
    }
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge { max: max_bytes });
    }
    Ok(bytes)
}

/// Read a non-blocking pipe to its end, within the size cap and [`PIPE_DEADLINE`].
fn read_pipe(file: &mut std::fs::File, max_bytes: u64, bytes: &mut Vec<u8>) -> Result<(), ReadError> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let deadline = Instant::now() + PIPE_DEADLINE;
    let mut buf = [0u8; 64 * 1024];
    // A FIFO opened without blocking reads end-of-file while no writer has connected yet, the
    // same as when its writer has closed. Poll tells the two apart: it reports a hang-up only
    // once a writer has come and gone. So an end-of-file before any byte counts only after one.
    let mut hung_up = false;
    loop {
        match file.read(&mut buf) {
            Ok(0) if !bytes.is_empty() || hung_up => return Ok(()),
            Ok(0) => {}
            Ok(n) => {
                bytes.extend_from_slice(&buf[..n]);
                if bytes.len() as u64 > max_bytes {
                    return Err(ReadError::TooLarge { max: max_bytes });
                }
                continue;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ReadError::Timeout);
        }
        let timeout = Timespec {
            tv_sec: left.as_secs() as _,
            tv_nsec: left.subsec_nanos() as _,
        };
        let fd = file.as_fd();
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(_) => hung_up |= fds[0].revents().intersects(PollFlags::HUP | PollFlags::ERR),
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(std::io::Error::from(e).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_capped_and_special_files_refused() {
        let dir = tempfile_dir();
        let f = dir.join("a.toml");
        std::fs::write(&f, b"0123456789").unwrap();
        assert_eq!(read_capped(&f, 10).unwrap(), b"0123456789");
        assert!(matches!(read_capped(&f, 9), Err(ReadError::TooLarge { max: 9 })));
        assert!(matches!(read_capped(&dir, 9), Err(ReadError::NotAFile(_))));
        assert!(matches!(
            read_capped(Path::new("/dev/zero"), 1 << 20),
            Err(ReadError::NotAFile(_))
        ));
        assert!(matches!(read_capped(&dir.join("missing"), 9), Err(ReadError::Io(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A FIFO read before its writer connects waits for the writer instead of taking the
    /// empty read for the end; a writer that closes without writing gives an empty file.
    #[test]
    fn a_fifo_waits_for_its_writer() {
        let dir = tempfile_dir();
        let fifo = dir.join("fifo.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let late_writer = |content: &'static [u8]| {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&fifo)
                    .unwrap()
                    .write_all(content)
                    .unwrap();
            })
        };
        use std::io::Write;
        let writer = late_writer(b"name = \"x\"\n");
        assert_eq!(read_capped(&fifo, 1 << 20).unwrap(), b"name = \"x\"\n");
        writer.join().unwrap();
        let writer = late_writer(b"");
        let started = Instant::now();
        assert_eq!(read_capped(&fifo, 1 << 20).unwrap(), b"");
        assert!(started.elapsed() < PIPE_DEADLINE);
        writer.join().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let d = std::env::temp_dir().join(format!("riskkalkyl-input-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
