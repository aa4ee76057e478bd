//! Backup and restore: one encrypted file holding every file the vault owns (both stores, their
//! evidence, whatever a later layout adds), opened on a new device with the recovery code.
//!
//! ```text
//! magic "WMBACKUP" (8) | version 1 (1) | key file header (53) | recovery slot (76)
//! | salt (32) | stream length (8) | SHA-256 of everything before (32)
//! | chunks: ChaCha20-Poly1305(64 KiB of the stream) + tag 16, nonce = chunk number,
//!   additional data = header digest | chunk number | last-chunk flag
//! stream: per file 'F' | path length u16 | path (UTF-8, '/') | size u64 | bytes;
//!         then 'E'; then zeros up to the stream length
//! ```
//! The stream key is HKDF(the real store's data key, salt): the recovery slot, opened with the
//! recovery code, gives that data key, so nothing else is needed and nothing of the device
//! (the hardware-bound PIN, duress and spare slots, the device-sealed armed file) is kept.
//! The stream is padded to a size bucket (1 MiB steps, then 1/16 of the size), so small
//! changes in either store do not change the file's size.
//!
//! The files are found by walking the vault folder, not from a list, so a file a later version
//! adds is backed up without anyone remembering to. Left out, by kind: the key file (its
//! header and recovery slot are in the backup's header), the armed file, the erase setting and
//! the duress-unlock alert (sealed to this device), lock files, temporary files, and SQLite's shared-memory index (rebuilt on open).
//!
//! Restore writes into a new temporary folder beside the target, checks everything there (the
//! log against its signed head, every evidence file, every database page, the key file), and
//! only then renames it into place: a damaged, cut or wrong backup leaves nothing behind.

use super::keyfile::{
    random_bytes, sync_dir, KeyFile, SlotContent, SlotRole, HEADER_LEN, SLOT_LEN,
};
use super::{
    armed_file, check, kdf, open_database, private_dir_builder, private_file_options, slot_kek,
    stretch, CreateOptions, RecoveryCode, Vault, ARMED_FILE, DB_COUNT, KEY_FILE,
};
use crate::error::{Error, Result};
use crate::progress::{Progress, Stage};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use rusqlite::Connection;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};
use zeroize::Zeroizing;

const MAGIC: &[u8; 8] = b"WMBACKUP";
const VERSION: u8 = 1;
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const PRE_DIGEST: usize = 8 + 1 + HEADER_LEN + SLOT_LEN + 32 + 8;
const HEADER: usize = PRE_DIGEST + 32;
const MAX_PATH: usize = 1024;
const MIB: u64 = 1 << 20;

/// What a backup wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupSummary {
    pub files: u64,
    /// The backup file's size.
    pub bytes: u64,
}

fn damaged() -> Error {
    Error::integrity("the backup is damaged, cut short or was changed; nothing was restored")
}

/// The stream length for `n` bytes of content: 1 MiB steps up to 16 MiB, then steps of 1/16
/// of the next power of two (at most about 6% more).
fn bucket(n: u64) -> u64 {
    let step = (n.next_power_of_two() / 16).max(MIB);
    n.div_ceil(step).max(1) * step
}

/// Whether a file found in the vault folder is left out, and why (see the module comment).
fn left_out(rel: &Path) -> bool {
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    let at_root = rel.parent().is_none_or(|p| p.as_os_str().is_empty());
    (at_root
        && [
            KEY_FILE,
            ARMED_FILE,
            super::erase::FILE,
            super::duress_alert::FILE,
            "vault.lock",
            "checkin.lock",
        ]
        .contains(&name))
        || name.starts_with(".tmp-")
        || name.ends_with("-shm")
}

/// Every file of the vault folder to back up, as (path inside the folder, size), in a fixed
/// order. A link or a device inside the folder is refused: Waymark never makes one.
fn walk(dir: &Path) -> Result<Vec<(PathBuf, u64)>> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(dir.join(&rel))? {
            let entry = entry?;
            let path = rel.join(entry.file_name());
            let meta = std::fs::symlink_metadata(dir.join(&path))?;
            if meta.is_dir() {
                stack.push(path);
            } else if left_out(&path) {
                continue;
            } else if meta.is_file() {
                found.push((path, meta.len()));
            } else {
                return Err(Error::integrity(
                    "the vault folder holds a link or device; Waymark never makes one",
                ));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn rel_text(p: &Path) -> Result<String> {
    let parts: Option<Vec<&str>> = p.components().map(|c| c.as_os_str().to_str()).collect();
    parts
        .map(|p| p.join("/"))
        .ok_or_else(|| Error::storage("a vault file has a name that is not text"))
}

fn stream_key(data_key: &[u8; 32], salt: &[u8; 32]) -> Result<LessSafeKey> {
    let k = kdf::hkdf32(salt, data_key, &[b"waymark backup v1"]);
    UnboundKey::new(&aead::CHACHA20_POLY1305, k.as_ref())
        .map(LessSafeKey::new)
        .map_err(|_| Error::storage("bad key length"))
}

fn nonce(index: u64) -> Nonce {
    let mut n = [0u8; 12];
    n[4..].copy_from_slice(&index.to_be_bytes());
    Nonce::assume_unique_for_key(n)
}

fn aad(digest: &[u8; 32], index: u64, last: bool) -> [u8; 41] {
    let mut a = [0u8; 41];
    a[..32].copy_from_slice(digest);
    a[32..40].copy_from_slice(&index.to_be_bytes());
    a[40] = u8::from(last);
    a
}

/// Encrypts the stream chunk by chunk as it is written.
struct Sealer<W: Write> {
    out: W,
    key: LessSafeKey,
    digest: [u8; 32],
    buf: Vec<u8>,
    index: u64,
    chunks: u64,
}

impl<W: Write> Sealer<W> {
    fn flush_chunk(&mut self) -> Result<()> {
        let last = self.index + 1 == self.chunks;
        let tag = self
            .key
            .seal_in_place_separate_tag(
                nonce(self.index),
                Aad::from(aad(&self.digest, self.index, last)),
                &mut self.buf,
            )
            .map_err(|_| Error::storage("could not encrypt the backup"))?;
        self.out.write_all(&self.buf)?;
        self.out.write_all(tag.as_ref())?;
        self.buf.clear();
        self.index += 1;
        Ok(())
    }
    fn put(&mut self, mut bytes: &[u8]) -> Result<()> {
        while !bytes.is_empty() {
            let n = (CHUNK - self.buf.len()).min(bytes.len());
            self.buf.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if self.buf.len() == CHUNK {
                if self.index >= self.chunks {
                    return Err(Error::storage(
                        "the vault grew while it was backed up; try again",
                    ));
                }
                self.flush_chunk()?;
            }
        }
        Ok(())
    }
}

/// Holds both stores still while their files are copied: each checkpointed, then a read
/// transaction open, so no checkpoint rewrites a database file under the copy and the
/// write-ahead log only grows (a copy of its start is a consistent state).
struct Held {
    _conns: Vec<Connection>,
    /// Dropped after the connections (see `twins::even_out`).
    _open: Vec<super::twins::OpenMark>,
}

impl Held {
    fn hold(vault: &Vault, real: &SlotContent) -> Result<Held> {
        let decoy = vault.decoy_content(real)?;
        let mut held = Vec::new();
        let mut marks = Vec::new();
        for c in [real, &decoy] {
            marks.push(super::twins::OpenMark::new(&Vault::db_path(
                &vault.dir, c.db_index,
            )));
            let conn = open_database(&Vault::db_path(&vault.dir, c.db_index), &c.data_key)?;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            conn.execute_batch("BEGIN")?;
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
            held.push(conn);
        }
        Ok(Held {
            _conns: held,
            _open: marks,
        })
    }
}

impl Vault {
    /// Writes a backup of the whole vault to `out`, a new file (an existing file is never
    /// replaced). Needs the vault opened with the PIN. Cancelled or failed, nothing is left.
    pub fn backup(&self, out: &Path, progress: Progress) -> Result<BackupSummary> {
        if self.opened_with_duress()? {
            // A decoy session cannot reach the real store's key: the backup is made with the PIN.
            return Err(Error::invalid(
                "backup",
                "could not be made; please try again later",
            ));
        }
        let db_index = self.session_db_index()?;
        let real = self.with_keys(|k| {
            Ok(SlotContent {
                data_key: k.data_key.clone(),
                db_index,
            })
        })?;
        progress.report(Stage::WritingFile, 0.0)?;
        let _held = Held::hold(self, &real)?;
        let files = walk(&self.dir)?;
        let mut content: u64 = 1;
        for (p, size) in &files {
            content += 1 + 2 + rel_text(p)?.len() as u64 + 8 + size;
        }
        let stream_len = bucket(content);
        let kf = KeyFile::read(&self.key_path())?;
        let salt = random_bytes::<32>()?;
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        header.push(VERSION);
        header.extend_from_slice(&kf.to_bytes()[..HEADER_LEN]);
        header.extend_from_slice(&kf.slots[SlotRole::Recovery as usize]);
        header.extend_from_slice(&salt);
        header.extend_from_slice(&stream_len.to_be_bytes());
        let mut digest = [0u8; 32];
        digest.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, &header).as_ref());
        header.extend_from_slice(&digest);
        let written = crate::evidence::store::write_new_file(out, |f| {
            let mut s = Sealer {
                out: f,
                key: stream_key(&real.data_key, &salt)?,
                digest,
                buf: Vec::with_capacity(CHUNK + TAG),
                index: 0,
                chunks: stream_len / CHUNK as u64,
            };
            s.out.write_all(&header)?;
            let span = progress.span(Stage::WritingFile, 0.0, 1.0);
            let mut done = 0u64;
            let mut piece = vec![0u8; CHUNK];
            for (p, size) in &files {
                let name = rel_text(p)?;
                s.put(b"F")?;
                s.put(&(name.len() as u16).to_be_bytes())?;
                s.put(name.as_bytes())?;
                s.put(&size.to_be_bytes())?;
                let mut f = File::open(self.dir.join(p)).map_err(|_| {
                    Error::storage("a vault file went away while it was backed up; try again")
                })?;
                let mut left = *size;
                while left > 0 {
                    let n = (left.min(CHUNK as u64)) as usize;
                    f.read_exact(&mut piece[..n]).map_err(|_| {
                        Error::storage("a vault file changed while it was backed up; try again")
                    })?;
                    s.put(&piece[..n])?;
                    left -= n as u64;
                    done += n as u64;
                    span.report(done as f64 / content.max(1) as f64)?;
                }
            }
            s.put(b"E")?;
            let zeros = vec![0u8; CHUNK];
            while s.index < s.chunks {
                let n = CHUNK - s.buf.len();
                s.put(&zeros[..n])?;
            }
            s.out.flush()?;
            progress.check()?;
            Ok(files.len() as u64)
        })
        .map_err(|e| progress.or_cancelled(e))?;
        progress.report(Stage::WritingFile, 1.0).ok();
        tracing::info!("backup written");
        Ok(BackupSummary {
            files: written,
            bytes: std::fs::metadata(out)?.len(),
        })
    }

    /// Restores `backup` into `dir` (a new or empty folder: never over anything), opened with
    /// the recovery `code`, and sets `new_secret` as the PIN on this device. Returns the vault,
    /// unlocked. A damaged or cut backup is `Integrity`, a wrong code `WrongSecret`; either way
    /// nothing is left at `dir`.
    pub fn restore(
        backup: &Path,
        dir: &Path,
        code: &str,
        new_secret: &str,
        options: CreateOptions,
        progress: Progress,
    ) -> Result<Vault> {
        super::validate_secret(new_secret)?;
        let code = RecoveryCode::parse(code)?;
        match std::fs::symlink_metadata(dir) {
            Ok(m) if !m.is_dir() || std::fs::read_dir(dir)?.next().is_some() => {
                return Err(Error::invalid(
                    "restore folder",
                    "is not empty; restore into a new folder (nothing was changed)",
                ))
            }
            Ok(_) | Err(_) => {}
        }
        let mut input = BufReader::new(File::open(backup).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::not_found("no backup file there"),
            _ => Error::from(e),
        })?);
        let file_len = std::fs::metadata(backup)?.len();
        let mut header = [0u8; HEADER];
        input.read_exact(&mut header).map_err(|_| damaged())?;
        let digest = ring::digest::digest(&ring::digest::SHA256, &header[..PRE_DIGEST]);
        if &header[..8] != MAGIC || header[8] != VERSION || digest.as_ref() != &header[PRE_DIGEST..]
        {
            return Err(damaged());
        }
        let mut digest_arr = [0u8; 32];
        digest_arr.copy_from_slice(digest.as_ref());
        let mut at = 9;
        let mut kf_bytes = header[at..at + HEADER_LEN].to_vec();
        at += HEADER_LEN;
        let recovery_slot = &header[at..at + SLOT_LEN];
        at += SLOT_LEN;
        let mut salt = [0u8; 32];
        salt.copy_from_slice(&header[at..at + 32]);
        at += 32;
        let stream_len = u64::from_be_bytes(header[at..at + 8].try_into().map_err(|_| damaged())?);
        let chunks = stream_len / CHUNK as u64;
        if stream_len == 0
            || stream_len % CHUNK as u64 != 0
            || file_len != HEADER as u64 + chunks * (CHUNK + TAG) as u64
        {
            return Err(damaged());
        }
        // A key file around the recovery slot: the other slots random, as unused ones are.
        for role in SlotRole::ALL {
            if role == SlotRole::Recovery {
                kf_bytes.extend_from_slice(recovery_slot);
            } else {
                kf_bytes.extend_from_slice(&random_bytes::<SLOT_LEN>()?);
            }
        }
        kf_bytes.extend_from_slice(&[0u8; 12]);
        let mut kf = KeyFile::from_bytes(&kf_bytes).map_err(|_| damaged())?;
        let rc = stretch(&kf, code.as_str(), options.prf.as_ref())?;
        let real = kf
            .open_slot(SlotRole::Recovery, &slot_kek(&kf, &rc, SlotRole::Recovery))
            .ok_or(Error::WrongSecret { retry_after: None })?;
        if real.db_index >= DB_COUNT {
            return Err(damaged());
        }
        let key = stream_key(&real.data_key, &salt)?;

        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::invalid("restore folder", "has no name"))?;
        let tmp = parent.join(format!(
            ".tmp-restore-{name}-{}",
            hex::encode(random_bytes::<6>()?)
        ));
        private_dir_builder().create(&tmp)?;
        let result = (|| -> Result<Vault> {
            let mut opener = Opener {
                input,
                key,
                digest: digest_arr,
                index: 0,
                chunks,
                plain: Zeroizing::new(Vec::with_capacity(CHUNK + TAG)),
                at: 0,
            };
            unpack(&mut opener, &tmp, progress)?;
            // The key file for this device: the backup's header and recovery slot, a new PIN.
            kf.failed_attempts = 0;
            kf.locked_until = 0;
            let pin = stretch(&kf, new_secret, options.prf.as_ref())?;
            kf.seal_slot(SlotRole::Pin, &slot_kek(&kf, &pin, SlotRole::Pin), &real)?;
            let real_conn = open_database(&Vault::db_path(&tmp, real.db_index), &real.data_key)
                .map_err(|_| damaged())?;
            for part in check::REAL_PARTS {
                check::vouch(&real_conn, part, &[&kf])?;
            }
            drop(real_conn);
            let probe = Vault {
                dir: tmp.clone(),
                prf: options.prf.clone(),
                clock: options.clock.clone(),
                session: Default::default(),
                armed_key: Default::default(),
            };
            let decoy = probe.decoy_content(&real).map_err(|_| damaged())?;
            let decoy_conn = open_database(&Vault::db_path(&tmp, decoy.db_index), &decoy.data_key)
                .map_err(|_| damaged())?;
            for part in check::DECOY_PARTS {
                check::vouch(&decoy_conn, part, &[&kf])?;
            }
            drop(decoy_conn);
            let armed_key = armed_file::key(&kf.vault_id, options.prf.as_ref())?;
            armed_file::write(&tmp, &armed_key, &kf.vault_id, b"")?;
            // Device-sealed too, so not in the backup: off until the person sets it again.
            super::erase::write(&tmp, &kf.vault_id, &armed_key, 0)?;
            super::duress_alert::write(&tmp, &kf.vault_id, &armed_key, b"")?;
            kf.write(&tmp.join(KEY_FILE))?;
            // Everything checked where it stands, before it takes the target's place.
            progress.report(Stage::CheckingLog, 0.9)?;
            probe.start_session(&real, false)?;
            check_restored(&probe)?;
            probe.lock();
            Ok(probe)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(progress.or_cancelled(e));
        }
        // An empty target folder gives way to the restored one (rename cannot replace a folder
        // on every platform).
        if dir.is_dir() {
            let _ = std::fs::remove_dir(dir);
        }
        if let Err(e) = std::fs::rename(&tmp, dir) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e.into());
        }
        sync_dir(parent);
        let vault = Vault::open(dir, options.prf, options.clock)?;
        vault.start_session(&real, false)?;
        progress.report(Stage::CheckingLog, 1.0).ok();
        tracing::info!("vault restored from a backup");
        Ok(vault)
    }

    fn session_db_index(&self) -> Result<u8> {
        let guard = self.session_guard();
        Ok(guard.as_ref().ok_or(Error::Locked)?.db_index)
    }
}

/// The log against its signed head, every evidence file, every page and the key file: any
/// problem in a restored vault is damage to the backup.
fn check_restored(vault: &Vault) -> Result<()> {
    let as_damage = |e: Error| match e {
        Error::Integrity { .. } => damaged(),
        other => other,
    };
    crate::log::IncidentLog::new(vault)
        .verify()
        .map_err(as_damage)?;
    let evidence = crate::evidence::EvidenceStore::new(vault)
        .verify_all()
        .map_err(as_damage)?;
    if !evidence.problems.is_empty() {
        return Err(damaged());
    }
    Ok(())
}

/// Decrypts the stream chunk by chunk as it is read.
struct Opener<R: Read> {
    input: R,
    key: LessSafeKey,
    digest: [u8; 32],
    index: u64,
    chunks: u64,
    plain: Zeroizing<Vec<u8>>,
    at: usize,
}

impl<R: Read> Opener<R> {
    fn next_chunk(&mut self) -> Result<()> {
        if self.index >= self.chunks {
            return Err(damaged());
        }
        self.plain.resize(CHUNK + TAG, 0);
        self.input
            .read_exact(&mut self.plain)
            .map_err(|_| damaged())?;
        let last = self.index + 1 == self.chunks;
        let n = self
            .key
            .open_in_place(
                nonce(self.index),
                Aad::from(aad(&self.digest, self.index, last)),
                &mut self.plain,
            )
            .map_err(|_| damaged())?
            .len();
        self.plain.truncate(n);
        self.index += 1;
        self.at = 0;
        Ok(())
    }
    fn take(&mut self, mut out: &mut [u8]) -> Result<()> {
        while !out.is_empty() {
            if self.at == self.plain.len() {
                self.next_chunk()?;
            }
            let n = (self.plain.len() - self.at).min(out.len());
            out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
            self.at += n;
            out = &mut out[n..];
        }
        Ok(())
    }
    fn byte(&mut self) -> Result<u8> {
        let mut b = [0u8; 1];
        self.take(&mut b)?;
        Ok(b[0])
    }
}

/// A path from the backup, only if it stays inside the folder and is not one restore writes.
fn safe_path(name: &str) -> Result<PathBuf> {
    let p = PathBuf::from(name);
    let plain = !name.is_empty()
        && !name.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain || left_out(&p) {
        return Err(damaged());
    }
    Ok(p)
}

fn unpack<R: Read>(o: &mut Opener<R>, tmp: &Path, progress: Progress) -> Result<()> {
    let span = progress.span(Stage::WritingFile, 0.0, 0.9);
    let total = o.chunks.max(1) as f64;
    let mut seen = std::collections::HashSet::new();
    let mut piece = vec![0u8; CHUNK];
    loop {
        match o.byte()? {
            b'F' => {}
            b'E' => break,
            _ => return Err(damaged()),
        }
        let mut len = [0u8; 2];
        o.take(&mut len)?;
        let len = usize::from(u16::from_be_bytes(len));
        if len == 0 || len > MAX_PATH {
            return Err(damaged());
        }
        let mut name = vec![0u8; len];
        o.take(&mut name)?;
        let name = String::from_utf8(name).map_err(|_| damaged())?;
        let rel = safe_path(&name)?;
        if !seen.insert(rel.clone()) {
            return Err(damaged());
        }
        let mut size = [0u8; 8];
        o.take(&mut size)?;
        let mut left = u64::from_be_bytes(size);
        let path = tmp.join(&rel);
        if let Some(parent) = path.parent() {
            private_dir_builder().recursive(true).create(parent)?;
        }
        let mut f = BufWriter::new(
            private_file_options()
                .write(true)
                .create_new(true)
                .open(&path)?,
        );
        while left > 0 {
            let n = left.min(CHUNK as u64) as usize;
            o.take(&mut piece[..n])?;
            f.write_all(&piece[..n])?;
            left -= n as u64;
            span.report(o.index as f64 / total)?;
        }
        f.into_inner()
            .map_err(|e| Error::from(e.into_error()))?
            .sync_all()?;
    }
    // The rest is padding: zeros to the end, every chunk authenticated, the last one last.
    loop {
        if o.plain[o.at..].iter().any(|b| *b != 0) {
            return Err(damaged());
        }
        o.at = o.plain.len();
        if o.index == o.chunks {
            break;
        }
        o.next_chunk()?;
    }
    let mut extra = [0u8; 1];
    if o.input.read(&mut extra)? != 0 {
        return Err(damaged());
    }
    Ok(())
}
