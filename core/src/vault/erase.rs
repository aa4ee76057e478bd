//! Erase after N wrong PINs: off unless the person turns it on. When the Nth wrong try in a row
//! is known to be wrong, both stores are crypto-shredded: the key file (every slot, the recovery
//! code's too) and the small device-sealed files are overwritten in place with random bytes and
//! synced, so no key that opens a database or an evidence file is left, then every file of the
//! vault folder is removed (the key file first, so the folder reads as "no vault" at once).
//! Nothing else ever erases: not damage, not a failed check, not a lock-out, not a wrong
//! recovery code (the way back for someone who forgot the PIN), not a right PIN of any kind.
//!
//! Where the setting lives: it must be read before any PIN is known, after a wrong one, so no
//! PIN-derived key can open it (a key slot cannot: a wrong PIN opens none; the attempts record
//! cannot: it is sealed to keys inside the stores). It is kept in `erase.seal`, sealed with a
//! key bound to this device and not to any PIN (derived from the armed file's key: the
//! hardware PRF over the vault id). The file always exists and has one size, on or off, so a
//! copy of the folder does not show whether it is on; on a phone the PRF key never leaves the
//! Keystore/Keychain. The CLI's software PRF has no hardware key, so there a copy can read it
//! (as it can the armed file).
//!
//! ```text
//! erase.seal = nonce (12) | ChaCha20-Poly1305(after u32 BE | zeros 12) | tag (16); 0 = off
//! key        = HKDF(armed-file key, salt = vault id, "waymark erase setting v1")
//! aad        = "WMERASE1" || vault id
//! ```
//!
//! The count is the key file's wrong-try counter (`failed_attempts`, counted under the key-file
//! lock before the key derivation, cleared by any right secret), so it holds across processes.
//! A try erases when it is known to be wrong, its own number is at least N, and the counter
//! still is at least that number under the lock (no right secret cleared it meanwhile). Two
//! processes racing wrong tries get different numbers, so the one numbered N erases, whichever
//! finishes first; a try killed half-way leaves the counter at N and the next wrong one erases.
//! A try still being checked counts as wrong until it is known to be right (as for the
//! back-off): a right PIN typed at the very moment the Nth wrong one fails in another process
//! does not save the vault.

use super::keyfile::{random_bytes, sync_dir, write_atomically, KeyFile, FILE_LEN};
use super::{attempts, duress_alert, kdf, lock, Vault, ARMED_FILE, KEY_FILE};
use crate::error::{Error, Result};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use std::io::Write;
use std::path::Path;

pub(crate) const FILE: &str = "erase.seal";
const NONCE_LEN: usize = 12;
const PLAIN: usize = 16;
const TAG_LEN: usize = 16;
const LEN: usize = NONCE_LEN + PLAIN + TAG_LEN;
/// The fewest wrong PINs it may be set to: people mistype, and a child may play with a phone.
/// It is also the number of free tries before the back-off starts.
pub const ERASE_AFTER_MIN: u32 = super::FREE_ATTEMPTS;
/// The most: beyond this the back-off (up to an hour a try) makes it meaningless.
pub const ERASE_AFTER_MAX: u32 = 100;

fn aead_key(vault_id: &[u8; 16], armed: &[u8; 32]) -> Result<LessSafeKey> {
    let k = kdf::hkdf32(vault_id, armed, &[b"waymark erase setting v1"]);
    UnboundKey::new(&aead::CHACHA20_POLY1305, k.as_ref())
        .map(LessSafeKey::new)
        .map_err(|_| Error::storage("bad key length"))
}

fn aad(vault_id: &[u8; 16]) -> [u8; 24] {
    let mut a = [0u8; 24];
    a[..8].copy_from_slice(b"WMERASE1");
    a[8..].copy_from_slice(vault_id);
    a
}

fn seal(vault_id: &[u8; 16], armed: &[u8; 32], after: u32) -> Result<Vec<u8>> {
    let nonce = random_bytes::<NONCE_LEN>()?;
    let mut buf = [0u8; PLAIN];
    buf[..4].copy_from_slice(&after.to_be_bytes());
    let tag = aead_key(vault_id, armed)?
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(vault_id)),
            &mut buf,
        )
        .map_err(|_| Error::storage("could not seal the erase setting"))?;
    let mut out = Vec::with_capacity(LEN);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&buf);
    out.extend_from_slice(tag.as_ref());
    Ok(out)
}

/// The setting in `bytes`: 0 (off) for anything that does not open. Erasing because a file
/// was damaged would be erasing for something other than wrong PINs.
fn open(vault_id: &[u8; 16], armed: &[u8; 32], bytes: &[u8]) -> u32 {
    if bytes.len() != LEN {
        return 0;
    }
    let Ok(key) = aead_key(vault_id, armed) else {
        return 0;
    };
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&bytes[..NONCE_LEN]);
    let mut buf = bytes[NONCE_LEN..].to_vec();
    match key.open_in_place(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad(vault_id)),
        &mut buf,
    ) {
        Ok(plain) => u32::from_be_bytes([plain[0], plain[1], plain[2], plain[3]]),
        Err(_) => 0,
    }
}

/// Writes the setting (0: off) for the vault in `dir`.
pub(crate) fn write(dir: &Path, vault_id: &[u8; 16], armed: &[u8; 32], after: u32) -> Result<()> {
    write_atomically(&dir.join(FILE), &seal(vault_id, armed, after)?)
}

/// The setting as this device reads it: 0 is off, and so is a missing file (a vault made
/// before the setting existed, or just restored) or one that does not open.
fn read(dir: &Path, vault_id: &[u8; 16], armed: &[u8; 32]) -> u32 {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(dir.join(FILE)) else {
        return 0;
    };
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return 0;
    }
    // Never more than its fixed size (plus one, to see it is too long): read before any PIN.
    let mut bytes = Vec::with_capacity(LEN + 1);
    if f.take(LEN as u64 + 1).read_to_end(&mut bytes).is_err() {
        return 0;
    }
    open(vault_id, armed, &bytes)
}

impl Vault {
    /// Turns "erase after N wrong PINs in a row" on (`Some(n)`, n from 5 to 100) or off
    /// (`None`). Once it happens it cannot be undone: not even the recovery code opens the
    /// vault after (a backup made before still restores). Needs the vault open; a decoy
    /// session (the duress PIN) sees and changes the same one setting as the real vault, so
    /// nothing here tells them apart.
    pub fn set_erase_after(&self, after: Option<u32>) -> Result<()> {
        if let Some(n) = after {
            if !(ERASE_AFTER_MIN..=ERASE_AFTER_MAX).contains(&n) {
                return Err(Error::invalid(
                    "erase after",
                    format!("must be from {ERASE_AFTER_MIN} to {ERASE_AFTER_MAX} wrong PINs"),
                ));
            }
        }
        if !self.is_unlocked() {
            return Err(Error::Locked);
        }
        let (vault_id, armed) = self.armed_key()?;
        write(&self.dir, &vault_id, &armed, after.unwrap_or(0))?;
        tracing::info!("erase setting changed");
        Ok(())
    }

    /// The setting (`None`: off). Needs the vault open, in either store: whoever can read it
    /// while the vault is locked learns whether guessing would erase.
    pub fn erase_after(&self) -> Result<Option<u32>> {
        if !self.is_unlocked() {
            return Err(Error::Locked);
        }
        let (vault_id, armed) = self.armed_key()?;
        Ok(Some(read(&self.dir, &vault_id, &armed)).filter(|n| *n > 0))
    }

    /// Gives a vault made before the setting existed its (off) setting file, so every vault
    /// folder holds the same files. No PIN is involved; called at unlock.
    pub(crate) fn ensure_erase_file(&self) {
        if self.dir.join(FILE).exists() {
            return;
        }
        let written = self
            .armed_key()
            .and_then(|(id, armed)| write(&self.dir, &id, &armed, 0));
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not write the erase setting");
        }
    }

    /// Called when the try numbered `number` (the counter it set) is known to be wrong. Erases
    /// when the setting says this is the one; returns whether it erased. Never from a handle
    /// that is unlocked (a wrong PIN typed in settings: whoever holds the open vault already
    /// sees everything, so erasing then would protect nothing), and never for a recovery code.
    pub(crate) fn erase_if_due(&self, number: u32) -> bool {
        if number < ERASE_AFTER_MIN || self.is_unlocked() {
            return false;
        }
        let Ok((vault_id, armed)) = self.armed_key() else {
            return false;
        };
        let after = read(&self.dir, &vault_id, &armed);
        if after == 0 || number < after {
            return false;
        }
        match shred(&self.dir, &vault_id, number) {
            Ok(true) => {
                tracing::warn!("vault erased after the set number of wrong PINs");
                true
            }
            Ok(false) => false,
            Err(e) => {
                // The key file is overwritten first: what could not be removed cannot be read.
                tracing::warn!(error = %e, "could not remove every file of the erased vault");
                true
            }
        }
    }
}

/// Under the key-file lock: checks once more that no right secret cleared the counter since
/// try `number` was counted, then destroys every key and removes the files. `Ok(false)`: not
/// due any more (or already erased by another process).
fn shred(dir: &Path, vault_id: &[u8; 16], number: u32) -> Result<bool> {
    let _lock = lock::lock(dir)?;
    let key_path = dir.join(KEY_FILE);
    let kf = match KeyFile::read(&key_path) {
        Ok(kf) => kf,
        Err(_) => return Ok(false),
    };
    if kf.vault_id != *vault_id || kf.failed_attempts < number {
        return Ok(false);
    }
    // Overwritten in place (the same blocks, not a new file beside them) and synced: the slots,
    // and with them the recovery code's, no longer exist anywhere on this file system's view.
    overwrite(&key_path, FILE_LEN)?;
    for small in [FILE, ARMED_FILE, duress_alert::FILE, attempts::FILE] {
        let p = dir.join(small);
        if let Ok(m) = std::fs::symlink_metadata(&p) {
            if m.is_file() {
                overwrite(&p, m.len() as usize)?;
            }
        }
    }
    std::fs::remove_file(&key_path)?;
    sync_dir(dir);
    remove_rest(dir)?;
    Ok(true)
}

/// Random bytes over the whole file, in place, synced.
fn overwrite(path: &Path, len: usize) -> Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
    let mut noise = vec![0u8; len];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut noise)
        .map_err(|_| Error::storage("the system random generator failed"))?;
    f.write_all(&noise)?;
    f.sync_all()?;
    Ok(())
}

/// Every file and folder left inside `dir` (not `dir` itself, which may be the app's own);
/// the key-file lock goes last (it is held while this runs).
fn remove_rest(dir: &Path) -> Result<()> {
    let mut failed = None;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == lock::LOCK_FILE {
            continue;
        }
        let p = entry.path();
        let removed = if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        if let Err(e) = removed {
            failed = Some(e);
        }
    }
    let _ = std::fs::remove_file(dir.join(lock::LOCK_FILE));
    sync_dir(dir);
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

#[cfg(test)]
#[path = "erase_tests.rs"]
mod tests;
