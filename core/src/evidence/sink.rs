//! Writing sealed chunks to disk on a helper thread, so that the write system calls and the
//! disk's work overlap with hashing and encryption instead of following them.
//!
//! Memory stays bounded: at most `QUEUE` chunks wait in the channel and a few more are kept
//! for reuse. On Linux the kernel is asked to start writing back every `KICK_EVERY` bytes, so the
//! final fsync has little left to wait for. Only ciphertext passes through here.

use std::fs::File;
use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

const QUEUE: usize = 4;
const KICK_EVERY: u64 = 8 * 1024 * 1024;

pub(crate) struct BackgroundFile {
    to_worker: Option<SyncSender<Vec<u8>>>,
    recycled: Receiver<Vec<u8>>,
    worker: Option<JoinHandle<io::Result<File>>>,
}

impl BackgroundFile {
    pub(crate) fn new(mut file: File) -> io::Result<Self> {
        let (to_worker, jobs) = sync_channel::<Vec<u8>>(QUEUE);
        let (give_back, recycled) = sync_channel::<Vec<u8>>(QUEUE + 2);
        let worker = std::thread::Builder::new()
            .name("evidence-writer".into())
            .spawn(move || -> io::Result<File> {
                let (mut written, mut kicked) = (0u64, 0u64);
                for buf in jobs {
                    file.write_all(&buf)?;
                    written += buf.len() as u64;
                    if written - kicked >= KICK_EVERY {
                        start_writeback(&file, kicked, written - kicked);
                        kicked = written;
                    }
                    let _ = give_back.try_send(buf);
                }
                Ok(file)
            })?;
        Ok(BackgroundFile {
            to_worker: Some(to_worker),
            recycled,
            worker: Some(worker),
        })
    }

    /// Waits for every queued write and returns the file (not yet synced).
    pub(crate) fn finish(mut self) -> io::Result<File> {
        self.to_worker = None;
        self.join()
    }

    fn join(&mut self) -> io::Result<File> {
        match self.worker.take() {
            Some(w) => w
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the writer thread failed"))),
            None => Err(io::Error::other("the file was already closed")),
        }
    }
}

impl Write for BackgroundFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let Some(to_worker) = &self.to_worker else {
            return Err(io::Error::other("the file was already closed"));
        };
        let mut buf = self.recycled.try_recv().unwrap_or_default();
        buf.clear();
        buf.extend_from_slice(data);
        if to_worker.send(buf).is_err() {
            // The worker stopped on an error (e.g. a full disk): report that error.
            self.to_worker = None;
            return Err(self
                .join()
                .err()
                .unwrap_or_else(|| io::Error::other("the writer stopped")));
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for BackgroundFile {
    fn drop(&mut self) {
        self.to_worker = None;
        let _ = self.join();
    }
}

#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: the descriptor is open for the lifetime of `file`; the call only schedules
    // writeback of that byte range and touches no memory of ours. Failure is harmless (the final
    // fsync does the work), so the result is ignored.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _offset: u64, _len: u64) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn writes_everything_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut bg = BackgroundFile::new(File::create(&path).unwrap()).unwrap();
        let mut want = Vec::new();
        for i in 0..500u32 {
            let piece: Vec<u8> = (0..(i * 97 % 70_000)).map(|j| (i ^ j) as u8).collect();
            bg.write_all(&piece).unwrap();
            want.extend_from_slice(&piece);
        }
        let f = bg.finish().unwrap();
        f.sync_all().unwrap();
        let mut got = Vec::new();
        File::open(&path).unwrap().read_to_end(&mut got).unwrap();
        assert!(got == want);
    }

    #[test]
    fn a_failing_disk_is_reported_not_hidden() {
        // A read-only handle makes every write fail, as a full disk would.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        File::create(&path).unwrap();
        let mut bg = BackgroundFile::new(File::open(&path).unwrap()).unwrap();
        let mut failed = false;
        for _ in 0..20 {
            if bg.write_all(&[1u8; 65_552]).is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed || bg.finish().is_err());
    }
}
