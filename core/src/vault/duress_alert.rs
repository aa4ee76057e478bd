//! The duress-unlock alert's sealed record: the texts to send the buddies when the vault is
//! opened with the duress PIN ("I had to unlock my phone under pressure"), if the person chose
//! that. The safety module writes them while the real vault is open (it knows the buddies) and
//! reads them in a decoy session, which holds no key of the real store: so they are sealed with
//! a key bound to this device and not to any PIN, as the armed file is.
//!
//! ```text
//! duress.seal = nonce (12) | ChaCha20-Poly1305(length u32 BE | payload | zeros) | tag (16)
//!               always LEN bytes; an empty payload means "off"
//! key         = HKDF(armed-file key, salt = vault id, "waymark duress alert v1")
//! aad         = "WMALERT1" || vault id
//! ```
//! The file exists from creation (empty) and keeps one size, on or off, so a copy of the folder
//! does not say whether the alert is set; nothing in it is plaintext. Not in a backup (sealed to
//! this device): a restored vault has it off until the person turns it on again.

use super::keyfile::{random_bytes, write_atomically};
use super::{kdf, Vault};
use crate::error::{Error, Result};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use std::path::Path;
use zeroize::Zeroizing;

pub const FILE: &str = "duress.seal";
/// Room for the texts to a handful of buddies (each at most a few SMS segments).
const LEN: usize = 8 * 1024;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const SEALED_LEN: usize = LEN - NONCE_LEN - TAG_LEN;
/// The most payload bytes the record holds.
pub const DURESS_ALERT_CAPACITY: usize = SEALED_LEN - 4;

fn aead_key(vault_id: &[u8; 16], armed: &[u8; 32]) -> Result<LessSafeKey> {
    let k = kdf::hkdf32(vault_id, armed, &[b"waymark duress alert v1"]);
    UnboundKey::new(&aead::CHACHA20_POLY1305, k.as_ref())
        .map(LessSafeKey::new)
        .map_err(|_| Error::storage("bad key length"))
}

fn aad(vault_id: &[u8; 16]) -> [u8; 24] {
    let mut a = [0u8; 24];
    a[..8].copy_from_slice(b"WMALERT1");
    a[8..].copy_from_slice(vault_id);
    a
}

fn seal(vault_id: &[u8; 16], armed: &[u8; 32], payload: &[u8]) -> Result<Vec<u8>> {
    if payload.len() > DURESS_ALERT_CAPACITY {
        return Err(Error::invalid(
            "emergency PIN alert",
            "too many buddies to hold; choose fewer",
        ));
    }
    let mut plain = Zeroizing::new(vec![0u8; SEALED_LEN]);
    plain[..4].copy_from_slice(&(payload.len() as u32).to_be_bytes());
    plain[4..4 + payload.len()].copy_from_slice(payload);
    let nonce = random_bytes::<NONCE_LEN>()?;
    let tag = aead_key(vault_id, armed)?
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(vault_id)),
            plain.as_mut_slice(),
        )
        .map_err(|_| Error::storage("could not seal the emergency PIN alert"))?;
    let mut out = Vec::with_capacity(LEN);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&plain);
    out.extend_from_slice(tag.as_ref());
    Ok(out)
}

fn open(vault_id: &[u8; 16], armed: &[u8; 32], bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let unreadable = || Error::integrity("the emergency PIN alert cannot be read on this device");
    if bytes.len() != LEN {
        return Err(unreadable());
    }
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&bytes[..NONCE_LEN]);
    let mut buf = Zeroizing::new(bytes[NONCE_LEN..].to_vec());
    let plain = aead_key(vault_id, armed)?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(vault_id)),
            buf.as_mut_slice(),
        )
        .map_err(|_| unreadable())?;
    let len = u32::from_be_bytes([plain[0], plain[1], plain[2], plain[3]]) as usize;
    if len > DURESS_ALERT_CAPACITY {
        return Err(unreadable());
    }
    Ok(Zeroizing::new(plain[4..4 + len].to_vec()))
}

/// Writes `payload` (empty: off) for the vault in `dir`.
pub(crate) fn write(
    dir: &Path,
    vault_id: &[u8; 16],
    armed: &[u8; 32],
    payload: &[u8],
) -> Result<()> {
    write_atomically(&dir.join(FILE), &seal(vault_id, armed, payload)?)
}

impl Vault {
    /// Replaces the duress-unlock alert (empty: off). Only a session of the real store may:
    /// the decoy has no buddies of the real record to alert, and must never change its alert.
    pub(crate) fn write_duress_alert(&self, payload: &[u8]) -> Result<()> {
        if self.opened_with_duress()? {
            return Err(Error::storage(
                "the emergency PIN alert cannot be changed from here",
            ));
        }
        let (vault_id, armed) = self.armed_key()?;
        write(&self.dir, &vault_id, &armed, payload)
    }

    /// The duress-unlock alert as sealed (empty: off, or a vault made before it existed).
    /// Needs no PIN: the device key opens it.
    pub(crate) fn read_duress_alert(&self) -> Result<Zeroizing<Vec<u8>>> {
        use std::io::Read;
        let (vault_id, armed) = self.armed_key()?;
        let path = self.dir.join(FILE);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if !m.is_file() => {
                return Err(Error::integrity(
                    "the emergency PIN alert was replaced by something that is not a file",
                ))
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Zeroizing::new(Vec::new()))
            }
            Err(e) => return Err(e.into()),
        }
        // Never more than its fixed size (plus one byte, to see it is too long).
        let mut bytes = Zeroizing::new(Vec::with_capacity(LEN + 1));
        std::fs::File::open(&path)?
            .take(LEN as u64 + 1)
            .read_to_end(&mut bytes)?;
        open(&vault_id, &armed, &bytes)
    }

    /// Gives a vault made before the alert existed its (empty) file, so every vault folder
    /// holds the same files. Called at unlock; no PIN involved.
    pub(crate) fn ensure_duress_alert_file(&self) {
        if self.dir.join(FILE).exists() {
            return;
        }
        let written = self
            .armed_key()
            .and_then(|(id, armed)| write(&self.dir, &id, &armed, b""));
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not write the emergency PIN alert file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::SoftwarePrfNoHardware;

    #[test]
    fn one_size_on_or_off_and_bound_to_the_device_and_vault() {
        let id = [5u8; 16];
        let k = super::super::armed_file::key(&id, &SoftwarePrfNoHardware::default()).unwrap();
        let off = seal(&id, &k, b"").unwrap();
        let on = seal(&id, &k, &vec![7u8; DURESS_ALERT_CAPACITY]).unwrap();
        assert_eq!(off.len(), LEN);
        assert_eq!(on.len(), LEN);
        assert!(open(&id, &k, &off).unwrap().is_empty());
        assert_eq!(open(&id, &k, &on).unwrap().len(), DURESS_ALERT_CAPACITY);
        assert!(seal(&id, &k, &vec![0u8; DURESS_ALERT_CAPACITY + 1]).is_err());
        let elsewhere =
            super::super::armed_file::key(&id, &SoftwarePrfNoHardware::new(b"another phone"))
                .unwrap();
        assert!(open(&id, &elsewhere, &on).is_err());
        assert!(open(&[6u8; 16], &k, &on).is_err());
        let mut flipped = on.clone();
        flipped[100] ^= 1;
        assert!(open(&id, &k, &flipped).is_err());
    }
}
