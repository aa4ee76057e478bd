//! Keeps the two stores looking alike to someone who copies the vault folder.
//!
//! The real and the decoy database sit side by side as `store-0.db` and `store-1.db`. Whatever
//! is done with either, once the vault is locked both files have the same size and the same
//! modification time, so a copy of the folder does not say which one was used or which one holds
//! more. Evidence files of both stores share one folder (see `Vault::blob_path`).
//!
//! How: after every session (and every other change to a database file) both files are padded
//! with random bytes up to one common size, rounded up to a bucket, and both get the same
//! modification time. Padding needs no key, so a decoy session pads the real file as well as the
//! real session pads the decoy. SQLite never reads past the page count in its header, so the
//! padding is never read as data; new pages are written over it, and `check::database` does not
//! count an unauthenticated page past that count as damage (it was never part of the database).
//! SQLCipher pages are random-looking without the key, so padding and pages look the same.

use super::{lock, private_file_options, Vault, DB_COUNT};
use crate::error::Result;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// SQLCipher's page size: padding keeps every file a whole number of pages.
const PAGE: u64 = 4096;
/// The smallest step a database grows by.
const MIN_STEP: u64 = 16 * PAGE;

/// The size both files are padded to: at least `len`, in steps of an eighth of the next power of
/// two (so at most about 12% is padding), and never less than one step. Steps hide the exact
/// size and keep growth to a few padding writes in a vault's life.
pub(crate) fn bucket(len: u64) -> u64 {
    let len = len.max(1);
    let step = (len.next_power_of_two() / 8).max(MIN_STEP);
    len.div_ceil(step) * step
}

/// Pads both database files to one bucket and gives them one modification time. Needs no key.
/// Files are handled in index order, never "open store first", so not even the order of the
/// change times says which one was in use.
pub(crate) fn even_out(dir: &Path) -> Result<()> {
    // Opening and closing a database file releases every POSIX lock this process holds on it,
    // SQLite's included: never while a connection of this process has one open (every
    // connection to a vault's database, a session's or a short-lived one on another thread,
    // is marked before it opens; the last to close evens out). The register stays locked to
    // the end, so no connection opens while the files are padded (`OpenMark::new` waits).
    // The key-file lock comes first: a slot change marks its connection while holding it.
    let _lock = lock::lock(dir)?;
    let open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
    if (0..DB_COUNT).any(|i| open.get(&Vault::db_path(dir, i)).is_some_and(|n| *n > 0)) {
        return Ok(());
    }
    let paths: Vec<_> = (0..DB_COUNT).map(|i| Vault::db_path(dir, i)).collect();
    let mut sizes = Vec::with_capacity(paths.len());
    for p in &paths {
        match std::fs::metadata(p) {
            Ok(m) => sizes.push(m.len()),
            // A vault being created, or a read-only copy: nothing to even out.
            Err(_) => return Ok(()),
        }
    }
    let target = bucket(sizes.iter().copied().max().unwrap_or(0));
    let mut files: Vec<File> = Vec::with_capacity(paths.len());
    for (p, size) in paths.iter().zip(&sizes) {
        // Appending only: another process's SQLite may be writing pages past the size read
        // above (a checkpoint), and padding must never land on them.
        let mut f = match private_file_options().append(true).open(p) {
            Ok(f) => f,
            Err(e) if lock::is_read_only(&e) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        if *size < target {
            pad(&mut f, *size, target)?;
        }
        files.push(f);
    }
    let now = SystemTime::now();
    let times = std::fs::FileTimes::new()
        .set_modified(now)
        .set_accessed(now);
    for f in &files {
        f.set_times(times)?;
    }
    // The files close before the register opens again.
    drop(files);
    drop(open);
    Ok(())
}

/// Database files this process has a session open on, and how many.
static OPEN: std::sync::Mutex<BTreeMap<PathBuf, usize>> = std::sync::Mutex::new(BTreeMap::new());

/// Marks a database file as open in this process while it lives (see `even_out`). Make it
/// before the connection and drop it after: `let _open = OpenMark::new(&path);` first.
pub(crate) struct OpenMark(PathBuf);

impl OpenMark {
    pub(crate) fn new(path: &Path) -> OpenMark {
        let mut open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
        *open.entry(path.to_path_buf()).or_insert(0) += 1;
        OpenMark(path.to_path_buf())
    }
}

impl Drop for OpenMark {
    fn drop(&mut self) {
        let mut open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.0) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.0);
            }
        }
    }
}

/// Appends `to - from` random bytes, synced. A crash half-way leaves a shorter tail, which the
/// next `even_out` completes; a file that grew meanwhile ends a little longer, evened out next
/// time.
fn pad(f: &mut File, from: u64, to: u64) -> Result<()> {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut left = to - from;
    let rng = ring::rand::SystemRandom::new();
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        ring::rand::SecureRandom::fill(&rng, &mut chunk[..n])
            .map_err(|_| crate::error::Error::storage("no randomness available"))?;
        f.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    f.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_whole_pages_and_grow_by_at_most_an_eighth() {
        for len in [
            1,
            4096,
            65_536,
            65_537,
            172_032,
            1 << 20,
            (1 << 20) + 1,
            77_777_777,
        ] {
            let b = bucket(len);
            assert!(b >= len);
            assert_eq!(b % PAGE, 0, "{len}");
            assert!(b - len < MIN_STEP.max(len / 4), "{len} -> {b}");
            assert_eq!(bucket(b), b, "a bucket is its own bucket");
        }
    }

    /// A short-lived connection on another thread (a slot change, verify opening the decoy,
    /// an unlock keeping its wrong-try records) is marked like a session: evening out leaves
    /// both files alone until it is gone, then does its work.
    #[test]
    fn a_marked_connection_on_another_thread_holds_evening_out_off() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(Vault::db_path(dir.path(), 0), vec![1u8; 3 * 4096]).unwrap();
        std::fs::write(Vault::db_path(dir.path(), 1), vec![2u8; 70_000]).unwrap();
        let path = Vault::db_path(dir.path(), 1);
        let (marked_tx, marked_rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let holder = std::thread::spawn(move || {
            let _open = OpenMark::new(&path);
            marked_tx.send(()).unwrap();
            done_rx.recv().unwrap();
        });
        marked_rx.recv().unwrap();
        even_out(dir.path()).unwrap();
        let len = |i| {
            std::fs::metadata(Vault::db_path(dir.path(), i))
                .unwrap()
                .len()
        };
        assert_eq!(
            len(0),
            3 * 4096,
            "untouched while the other thread's connection is open"
        );
        done_tx.send(()).unwrap();
        holder.join().unwrap();
        even_out(dir.path()).unwrap();
        assert_eq!(len(0), len(1));
    }

    #[test]
    fn even_out_pads_the_smaller_file_and_sets_one_time() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(Vault::db_path(dir.path(), 0), vec![1u8; 3 * 4096]).unwrap();
        std::fs::write(Vault::db_path(dir.path(), 1), vec![2u8; 70_000]).unwrap();
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::OpenOptions::new()
            .write(true)
            .open(Vault::db_path(dir.path(), 0))
            .unwrap()
            .set_modified(old)
            .unwrap();
        even_out(dir.path()).unwrap();
        let m: Vec<_> = (0..2)
            .map(|i| std::fs::metadata(Vault::db_path(dir.path(), i)).unwrap())
            .collect();
        assert_eq!(m[0].len(), bucket(70_000));
        assert_eq!(m[0].len(), m[1].len());
        assert_eq!(m[0].modified().unwrap(), m[1].modified().unwrap());
        assert_ne!(m[0].modified().unwrap(), old);
        // The original bytes are untouched, the padding is not a run of one byte.
        let bytes = std::fs::read(Vault::db_path(dir.path(), 0)).unwrap();
        assert!(bytes[..3 * 4096].iter().all(|b| *b == 1));
        assert!(bytes[3 * 4096..].iter().any(|b| *b != bytes[3 * 4096]));
    }
}
