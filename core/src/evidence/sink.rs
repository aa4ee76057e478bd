//! The ingest pipeline: the same sealed format as [`StreamEncryptor`](super::stream::StreamEncryptor),
//! split over two threads so that hashing, encryption and disk writes overlap.
//!
//! The caller's thread reads plaintext straight into a chunk buffer and hashes it (SHA-256); the
//! buffer itself (no copy) then goes to a helper thread that seals it in place and writes it.
//! Sealed buffers come back for reuse, so memory stays bounded at a few chunks whatever the size.
//! On Linux the kernel is asked to start writing back every `KICK_EVERY` bytes, so the final
//! fsync has little left to wait for.

use super::stream::{
    aead_key, chunk_aad, chunk_nonce, StreamSummary, CHUNK_SIZE, KEY_LEN, SEALED_CHUNK_SIZE,
};
use ring::aead::Aad;
use ring::digest::{Context, SHA256};
use std::fs::File;
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;
use zeroize::Zeroizing;

/// Chunks waiting for the sealing thread.
const QUEUE: usize = 4;
const KICK_EVERY: u64 = 8 * 1024 * 1024;

/// Which side of [`ParallelSealer::read_from`] failed.
#[derive(Debug)]
pub(crate) enum PumpError {
    /// Reading the source (a vanished or unreadable file).
    Input,
    /// Sealing or writing the encrypted file (e.g. a full disk).
    Output(io::Error),
}

struct Job {
    buf: Zeroizing<Vec<u8>>,
    last: bool,
}

pub(crate) struct ParallelSealer {
    to_worker: Option<SyncSender<Job>>,
    /// Buffers the worker has sealed and written (ciphertext only), to be filled again.
    recycled: Receiver<Zeroizing<Vec<u8>>>,
    /// Plaintext of the chunk being filled.
    current: Zeroizing<Vec<u8>>,
    sha: Context,
    size: u64,
    worker: Option<JoinHandle<io::Result<File>>>,
}

impl ParallelSealer {
    pub(crate) fn new(key: &[u8; KEY_LEN], evidence_id: &str, mut file: File) -> io::Result<Self> {
        let key = aead_key(key);
        let aad = chunk_aad(evidence_id);
        let (to_worker, jobs) = sync_channel::<Job>(QUEUE);
        let (give_back, recycled) = sync_channel(QUEUE + 2);
        let worker = std::thread::Builder::new()
            .name("evidence-sealer".into())
            .spawn(move || -> io::Result<File> {
                let (mut counter, mut written, mut kicked) = (0u64, 0u64, 0u64);
                for Job { mut buf, last } in jobs {
                    let tag = key
                        .seal_in_place_separate_tag(
                            chunk_nonce(counter, last),
                            Aad::from(&aad),
                            &mut buf,
                        )
                        .map_err(|_| io::Error::other("encryption failed"))?;
                    buf.extend_from_slice(tag.as_ref());
                    file.write_all(&buf)?;
                    counter += 1;
                    written += buf.len() as u64;
                    if written - kicked >= KICK_EVERY {
                        start_writeback(&file, kicked, written - kicked);
                        kicked = written;
                    }
                    buf.clear();
                    let _ = give_back.try_send(buf);
                }
                Ok(file)
            })?;
        Ok(ParallelSealer {
            to_worker: Some(to_worker),
            recycled,
            current: Zeroizing::new(Vec::with_capacity(SEALED_CHUNK_SIZE)),
            sha: Context::new(&SHA256),
            size: 0,
            worker: Some(worker),
        })
    }

    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Adds plaintext. A full chunk is handed over only once more data arrives, because whether
    /// it is the last one is not known before then.
    pub(crate) fn push(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            self.hand_over_if_full()?;
            let take = (CHUNK_SIZE - self.current.len()).min(data.len());
            let (now, rest) = data.split_at(take);
            self.sha.update(now);
            self.current.extend_from_slice(now);
            self.size += take as u64;
            data = rest;
        }
        Ok(())
    }

    /// Reads from `input` straight into a chunk buffer (no intermediate copy). Returns the
    /// number of bytes read, 0 at the end of `input`. `seen` gets the new plaintext bytes.
    pub(crate) fn read_from(
        &mut self,
        input: &mut impl Read,
        seen: impl FnOnce(&[u8]),
    ) -> Result<usize, PumpError> {
        let full = self.current.len() == CHUNK_SIZE;
        // A full chunk is handed over only once more data is known to follow (it would
        // otherwise have to be the last one), so the next piece goes into a fresh buffer.
        let mut target = if full {
            let mut next = self.recycled.try_recv().unwrap_or_default();
            next.clear();
            next.reserve(SEALED_CHUNK_SIZE);
            next
        } else {
            std::mem::take(&mut self.current)
        };
        let start = target.len();
        target.resize(CHUNK_SIZE, 0);
        let got = loop {
            match input.read(&mut target[start..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        target.truncate(start + *got.as_ref().unwrap_or(&0));
        let spare = if full {
            Some(target)
        } else {
            self.current = target;
            None
        };
        let n = got.map_err(|_| PumpError::Input)?;
        if n == 0 {
            return Ok(0);
        }
        if let Some(next) = spare {
            let done = std::mem::replace(&mut self.current, next);
            self.send(Job {
                buf: done,
                last: false,
            })
            .map_err(PumpError::Output)?;
        }
        let new = &self.current[start..];
        self.sha.update(new);
        seen(new);
        self.size += n as u64;
        Ok(n)
    }

    /// Seals the final chunk, waits for every write and returns the file (not yet synced).
    pub(crate) fn finish(mut self) -> io::Result<(File, StreamSummary)> {
        let last = std::mem::take(&mut self.current);
        self.send(Job {
            buf: last,
            last: true,
        })?;
        self.to_worker = None;
        let file = self.join()?;
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(self.sha.clone().finish().as_ref());
        Ok((
            file,
            StreamSummary {
                sha256,
                size: self.size,
            },
        ))
    }

    fn hand_over_if_full(&mut self) -> io::Result<()> {
        if self.current.len() == CHUNK_SIZE {
            let mut next = self.recycled.try_recv().unwrap_or_default();
            next.reserve(SEALED_CHUNK_SIZE);
            let full = std::mem::replace(&mut self.current, next);
            self.send(Job {
                buf: full,
                last: false,
            })?;
        }
        Ok(())
    }

    fn send(&mut self, job: Job) -> io::Result<()> {
        let sent = match &self.to_worker {
            Some(tx) => tx.send(job).is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        // The worker stopped on an error (e.g. a full disk): report that error.
        self.to_worker = None;
        Err(self
            .join()
            .err()
            .unwrap_or_else(|| io::Error::other("the writer stopped")))
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

impl Drop for ParallelSealer {
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
    use super::super::stream::StreamEncryptor;
    use super::*;

    fn sealed_by_both(
        data: &[u8],
        piece: usize,
    ) -> (Vec<u8>, Vec<u8>, StreamSummary, StreamSummary) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut p = ParallelSealer::new(&[3u8; 32], "ev", File::create(&path).unwrap()).unwrap();
        for c in data.chunks(piece.max(1)) {
            p.push(c).unwrap();
        }
        let (_, s1) = p.finish().unwrap();
        let mut e = StreamEncryptor::new(&[3u8; 32], "ev", Vec::new());
        e.push(data).unwrap();
        let (reference, s2) = e.finish().unwrap();
        (std::fs::read(&path).unwrap(), reference, s1, s2)
    }

    #[test]
    fn produces_exactly_the_stream_format() {
        for (len, piece) in [
            (0, 1),
            (1, 1),
            (65_535, 4096),
            (65_536, 65_536),
            (65_537, 7),
            (1_000_003, 70_001),
        ] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let (ours, reference, s1, s2) = sealed_by_both(&data, piece);
            assert!(ours == reference, "format differs at {len}");
            assert_eq!(s1, s2);
        }
    }

    #[test]
    fn read_from_equals_push() {
        for len in [1usize, 65_535, 65_536, 65_537, 300_001] {
            read_from_equals_push_at(len);
        }
    }

    fn read_from_equals_push_at(len: usize) {
        let data: Vec<u8> = (0..len as u32).map(|i| (i % 241) as u8).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut p = ParallelSealer::new(&[3u8; 32], "ev", File::create(&path).unwrap()).unwrap();
        let mut seen = 0usize;
        let mut src = &data[..];
        while p.read_from(&mut src, |b| seen += b.len()).unwrap() > 0 {}
        let (_, s) = p.finish().unwrap();
        assert_eq!(seen, data.len());
        assert_eq!(s.size, data.len() as u64);
        let (_, reference, _, s2) = sealed_by_both(&data, 1000);
        assert!(
            std::fs::read(&path).unwrap() == reference,
            "differs at {len}"
        );
        assert_eq!(s, s2);
    }

    #[test]
    fn a_failing_disk_is_reported_not_hidden() {
        // A read-only handle makes every write fail, as a full disk would.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        File::create(&path).unwrap();
        let mut p = ParallelSealer::new(&[3u8; 32], "ev", File::open(&path).unwrap()).unwrap();
        let mut failed = false;
        for _ in 0..20 {
            if p.push(&[1u8; 65_536]).is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed || p.finish().is_err());
    }
}
