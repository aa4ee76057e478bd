//! The armed file: one fixed-size file sealed with a key that is bound to this device but NOT to
//! the PIN, so a running check-in can keep alerting buddies while the vault is locked and the
//! app was killed. The safety module decides what goes in it; the vault only seals it.
//!
//! ```text
//! file  = nonce (12) | ChaCha20-Poly1305(length u32 BE | payload | zero padding) | tag (16)
//!         always ARMED_FILE_LEN bytes; an empty payload means "nothing armed"
//! key   = HKDF(hardware_prf(SHA-256("waymark armed v1" || vault id)))
//! aad   = "WMARMED1" || vault id
//! ```
//! It exists from vault creation (sealed and empty) and is replaced atomically with the same
//! size, so a copy of the folder shows whether a check-in runs by nothing but its mtime. On a
//! phone the PRF key lives in the Keystore/Keychain, so copied files cannot be opened elsewhere.
//! Whoever can use the device's PRF key can read it; it holds only what buddies would be texted.

use super::kdf::{self, HardwarePrf};
use super::keyfile::{random_bytes, write_atomically};
use crate::error::{Error, Result};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub const ARMED_FILE: &str = "checkin.armed";
const LOCK_FILE: &str = "checkin.lock";
/// 64 KiB: room for a few check-ins with five buddies each and their pre-written texts.
pub const ARMED_FILE_LEN: usize = 64 * 1024;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const SEALED_LEN: usize = ARMED_FILE_LEN - NONCE_LEN - TAG_LEN;
/// The most payload bytes the file can hold.
pub const ARMED_CAPACITY: usize = SEALED_LEN - 4;

pub fn path(dir: &Path) -> PathBuf {
    dir.join(ARMED_FILE)
}

/// The device-bound key. No PIN: the PRF input is public (derived from the vault id), the PRF
/// key is not (it never leaves secure hardware on phones).
pub fn key(vault_id: &[u8; 16], prf: &dyn HardwarePrf) -> Result<Zeroizing<[u8; 32]>> {
    let mut input = ring::digest::Context::new(&ring::digest::SHA256);
    input.update(b"waymark armed v1");
    input.update(vault_id);
    let mut block = [0u8; 32];
    block.copy_from_slice(input.finish().as_ref());
    let hard = Zeroizing::new(prf.prf(&block)?);
    Ok(kdf::hkdf32(
        vault_id,
        hard.as_ref(),
        &[b"waymark armed key v1"],
    ))
}

fn aad(vault_id: &[u8; 16]) -> [u8; 24] {
    let mut a = [0u8; 24];
    a[..8].copy_from_slice(b"WMARMED1");
    a[8..].copy_from_slice(vault_id);
    a
}

fn aead_key(key: &[u8; 32]) -> Result<LessSafeKey> {
    let k = UnboundKey::new(&aead::CHACHA20_POLY1305, key)
        .map_err(|_| Error::storage("bad key length"))?;
    Ok(LessSafeKey::new(k))
}

pub fn seal(key: &[u8; 32], vault_id: &[u8; 16], payload: &[u8]) -> Result<Vec<u8>> {
    if payload.len() > ARMED_CAPACITY {
        return Err(Error::storage(
            "too many check-ins are waiting to be delivered",
        ));
    }
    let mut plain = Zeroizing::new(vec![0u8; SEALED_LEN]);
    plain[..4].copy_from_slice(&(payload.len() as u32).to_be_bytes());
    plain[4..4 + payload.len()].copy_from_slice(payload);
    let nonce = random_bytes::<NONCE_LEN>()?;
    let tag = aead_key(key)?
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(vault_id)),
            plain.as_mut_slice(),
        )
        .map_err(|_| Error::storage("could not seal the armed check-in"))?;
    let mut out = Vec::with_capacity(ARMED_FILE_LEN);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&plain);
    out.extend_from_slice(tag.as_ref());
    Ok(out)
}

pub fn open(key: &[u8; 32], vault_id: &[u8; 16], bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let unreadable =
        || Error::integrity("the armed check-in file cannot be read on this device or was changed");
    if bytes.len() != ARMED_FILE_LEN {
        return Err(unreadable());
    }
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&bytes[..NONCE_LEN]);
    let mut buf = Zeroizing::new(bytes[NONCE_LEN..].to_vec());
    let plain = aead_key(key)?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(vault_id)),
            buf.as_mut_slice(),
        )
        .map_err(|_| unreadable())?;
    let mut len = [0u8; 4];
    len.copy_from_slice(&plain[..4]);
    let len = u32::from_be_bytes(len) as usize;
    if len > ARMED_CAPACITY {
        return Err(unreadable());
    }
    Ok(Zeroizing::new(plain[4..4 + len].to_vec()))
}

/// Reads the payload; a vault made before armed files existed has none: nothing is armed.
/// The file has a fixed size, so at most that size (plus one byte, to see it is too long) is
/// read: whatever someone puts there, a wake-up (which needs no PIN) never loads more.
pub fn read(dir: &Path, key: &[u8; 32], vault_id: &[u8; 16]) -> Result<Zeroizing<Vec<u8>>> {
    use std::io::Read;
    let replaced =
        || Error::integrity("the armed check-in file was replaced by something that is not a file");
    // Looked at before it is opened: opening a pipe put in its place would wait for a writer.
    match std::fs::metadata(path(dir)) {
        Ok(m) if !m.is_file() => return Err(replaced()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Zeroizing::new(Vec::new()))
        }
        Err(e) => return Err(e.into()),
    }
    let file = std::fs::File::open(path(dir))?;
    if !file.metadata()?.is_file() {
        return Err(replaced());
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(ARMED_FILE_LEN + 1));
    file.take(ARMED_FILE_LEN as u64 + 1)
        .read_to_end(&mut bytes)?;
    open(key, vault_id, &bytes)
}

pub fn write(dir: &Path, key: &[u8; 32], vault_id: &[u8; 16], payload: &[u8]) -> Result<()> {
    write_atomically(&path(dir), &seal(key, vault_id, payload)?)
}

/// Exclusive use of the armed file across threads and processes (a shell's wake-up tick and the
/// app, or two `waymark` commands), held for a whole read-change-write.
pub struct ArmedGuard {
    _file: std::fs::File,
    _in_process: std::sync::MutexGuard<'static, ()>,
}

static IN_PROCESS: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn lock(dir: &Path) -> Result<ArmedGuard> {
    let in_process = IN_PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))?;
    match file.lock() {
        Ok(()) => {}
        // A platform without file locks still gets the in-process exclusion.
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {}
        Err(e) => return Err(e.into()),
    }
    Ok(ArmedGuard {
        _file: file,
        _in_process: in_process,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::SoftwarePrfNoHardware;

    #[test]
    fn fixed_size_round_trip_and_bound_to_the_prf_key_and_vault() {
        let id = [3u8; 16];
        let k = key(&id, &SoftwarePrfNoHardware::default()).unwrap();
        let empty = seal(&k, &id, b"").unwrap();
        let full = seal(&k, &id, &vec![7u8; ARMED_CAPACITY]).unwrap();
        assert_eq!(empty.len(), ARMED_FILE_LEN);
        assert_eq!(full.len(), ARMED_FILE_LEN);
        assert!(open(&k, &id, &empty).unwrap().is_empty());
        assert_eq!(open(&k, &id, &full).unwrap().len(), ARMED_CAPACITY);
        assert!(seal(&k, &id, &vec![0u8; ARMED_CAPACITY + 1]).is_err());
        let other = key(&id, &SoftwarePrfNoHardware::new(b"another phone")).unwrap();
        assert!(matches!(
            open(&other, &id, &full),
            Err(Error::Integrity { .. })
        ));
        assert!(
            open(&k, &[4u8; 16], &full).is_err(),
            "bound to the vault id"
        );
        let mut flipped = full.clone();
        flipped[100] ^= 1;
        assert!(open(&k, &id, &flipped).is_err());
    }
}
