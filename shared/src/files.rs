//! The local server's folders (the outbox, the events folder) written by one thread each.
//!
//! Under load, files created in one directory from many threads of the runtime's blocking
//! pool spent most of their time waiting on the directory's lock (the kernel spins on it) and
//! on the pool's hand-offs. One writer per folder creates its files one after another, takes
//! every write waiting as one batch; each caller still waits
//! for its own files to be written, so a write that fails is the caller's error, as before.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;

use tokio::sync::oneshot;

/// One file a caller needs written.
pub enum FileWrite {
    /// The whole file, created or replaced.
    Replace(PathBuf, Vec<u8>),
    /// Bytes appended to a log or a mailbox (one `write` of an `O_APPEND` file).
    Append(PathBuf, Vec<u8>),
}

impl FileWrite {
    fn path(&self) -> &std::path::Path {
        match self {
            Self::Replace(path, _) | Self::Append(path, _) => path,
        }
    }
}

struct Job {
    writes: Vec<FileWrite>,
    done: oneshot::Sender<Result<(), String>>,
}

/// A folder's writer thread; it ends when the last handle is dropped.
#[derive(Clone)]
pub struct FolderWriter {
    jobs: mpsc::Sender<Job>,
}

impl FolderWriter {
    pub fn start(name: &str) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(format!("{name}-writer"))
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    let mut batch = vec![first];
                    batch.extend(queue.try_iter());
                    for job in batch {
                        let written = job.writes.iter().try_for_each(apply);
                        let _ = job.done.send(written);
                    }
                }
            })?;
        Ok(Self { jobs })
    }

    /// Writes the files in order, stopping at the first that fails (named in the error).
    pub async fn write(&self, writes: Vec<FileWrite>) -> Result<(), String> {
        let (done, answer) = oneshot::channel();
        self.jobs
            .send(Job { writes, done })
            .map_err(|_| "the folder's writer has stopped".to_string())?;
        answer
            .await
            .map_err(|_| "the folder's writer has stopped".to_string())?
    }
}

fn apply(write: &FileWrite) -> Result<(), String> {
    let attempt = || match write {
        FileWrite::Replace(path, bytes) => std::fs::write(path, bytes),
        FileWrite::Append(path, bytes) => std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut file| file.write_all(bytes)),
    };
    let failed = |e: std::io::Error| format!("{}: {e}", write.path().display());
    match attempt() {
        // The folder was removed since (a test or a person clearing it): made again, once.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = write.path().parent() {
                std::fs::create_dir_all(dir).map_err(failed)?;
            }
            attempt().map_err(failed)
        }
        other => other.map_err(failed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_and_log_lines_are_written_and_a_removed_folder_is_made_again() {
        let dir = std::env::temp_dir().join(format!("writer-{}", crate::ids::random_base62(8)));
        let writer = FolderWriter::start("test").unwrap();
        let log = dir.join("sent.log");
        for round in 0..2 {
            writer
                .write(vec![
                    FileWrite::Replace(dir.join("a.txt"), format!("a{round}").into_bytes()),
                    FileWrite::Append(log.clone(), format!("line {round}\n").into_bytes()),
                ])
                .await
                .unwrap();
            assert_eq!(
                std::fs::read_to_string(dir.join("a.txt")).unwrap(),
                format!("a{round}")
            );
            assert_eq!(
                std::fs::read_to_string(&log).unwrap(),
                format!("line {round}\n"),
                "the log of this round alone: the folder was removed after the first"
            );
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    #[tokio::test]
    async fn a_write_that_cannot_happen_is_the_callers_error() {
        let file = std::env::temp_dir().join(format!("writer-{}", crate::ids::random_base62(8)));
        std::fs::write(&file, "a file, not a folder").unwrap();
        let writer = FolderWriter::start("test").unwrap();
        let refused = writer
            .write(vec![FileWrite::Replace(file.join("x.txt"), b"x".to_vec())])
            .await
            .unwrap_err();
        assert!(refused.contains("x.txt"), "{refused}");
        std::fs::remove_file(&file).unwrap();
    }
}
