//! The key file: fixed size, fixed layout, every slot the same size and random-looking.
//!
//! ```text
//! magic "WMKEYS01" (8) | vault id (16) | salt (16) | kdf version (1) memory_kib (4) iterations (4) lanes (4)
//! | 4 slots x (nonce 12 | AEAD(data key 32 | database index 1 | reserved 15) + tag 16)
//! | failed attempts (4) | locked until, unix seconds (8)
//! ```
//! The attempt counter must be readable before unlocking, so it is not encrypted: a copy of the
//! file shows how many wrong attempts were made since the last good one, and nothing else.

use super::kdf::KdfParams;
use crate::error::{Error, Result};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::fs;
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

pub const MAGIC: &[u8; 8] = b"WMKEYS01";
pub const SLOT_COUNT: usize = 4;
const SLOT_PLAIN: usize = 48;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
pub const SLOT_LEN: usize = NONCE_LEN + SLOT_PLAIN + TAG_LEN;
pub(crate) const HEADER_LEN: usize = 8 + 16 + 16 + 1 + 4 + 4 + 4;
const ATTEMPTS_LEN: usize = 4 + 8;
pub const FILE_LEN: usize = HEADER_LEN + SLOT_COUNT * SLOT_LEN + ATTEMPTS_LEN;

/// Which slot holds what. The positions are fixed; that reveals nothing because unused slots are
/// random bytes that look exactly like used ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotRole {
    Pin = 0,
    Recovery = 1,
    Duress = 2,
    /// The decoy's own duress PIN, set from a decoy session; it opens the decoy.
    Spare = 3,
}

impl SlotRole {
    pub const ALL: [SlotRole; SLOT_COUNT] = [
        SlotRole::Pin,
        SlotRole::Recovery,
        SlotRole::Duress,
        SlotRole::Spare,
    ];
    /// The recovery code is kept off the phone and must work on a new phone, so its slot is not
    /// bound to this device's hardware PRF. Every other slot is.
    pub fn hardware_bound(self) -> bool {
        self != SlotRole::Recovery
    }
}

#[derive(Clone)]
pub struct KeyFile {
    pub vault_id: [u8; 16],
    pub salt: [u8; 16],
    pub kdf: KdfParams,
    pub slots: [[u8; SLOT_LEN]; SLOT_COUNT],
    pub failed_attempts: u32,
    pub locked_until: i64,
}

/// What a slot decrypts to.
pub struct SlotContent {
    pub data_key: Zeroizing<[u8; 32]>,
    pub db_index: u8,
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| Error::storage("the system random generator failed"))?;
    Ok(b)
}

impl KeyFile {
    pub fn new(kdf: KdfParams) -> Result<Self> {
        let mut slots = [[0u8; SLOT_LEN]; SLOT_COUNT];
        for s in slots.iter_mut() {
            *s = random_bytes::<SLOT_LEN>()?;
        }
        Ok(KeyFile {
            vault_id: random_bytes()?,
            salt: random_bytes()?,
            kdf,
            slots,
            failed_attempts: 0,
            locked_until: 0,
        })
    }

    fn aad(&self, role: SlotRole) -> [u8; 17] {
        let mut aad = [0u8; 17];
        aad[..16].copy_from_slice(&self.vault_id);
        aad[16] = role as u8;
        aad
    }

    pub fn seal_slot(
        &mut self,
        role: SlotRole,
        kek: &[u8; 32],
        content: &SlotContent,
    ) -> Result<()> {
        let mut plain = Zeroizing::new([0u8; SLOT_PLAIN + TAG_LEN]);
        plain[..32].copy_from_slice(content.data_key.as_ref());
        plain[32] = content.db_index;
        let filler = random_bytes::<15>()?;
        plain[33..48].copy_from_slice(&filler);
        let nonce = random_bytes::<NONCE_LEN>()?;
        let key = aead_key(kek)?;
        let mut buf = plain[..SLOT_PLAIN].to_vec();
        let tag = key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(self.aad(role)),
                &mut buf,
            )
            .map_err(|_| Error::storage("could not seal a key slot"))?;
        let slot = &mut self.slots[role as usize];
        slot[..NONCE_LEN].copy_from_slice(&nonce);
        slot[NONCE_LEN..NONCE_LEN + SLOT_PLAIN].copy_from_slice(&buf);
        slot[NONCE_LEN + SLOT_PLAIN..].copy_from_slice(tag.as_ref());
        zeroize::Zeroize::zeroize(&mut buf);
        Ok(())
    }

    /// Makes a slot open with nothing: random bytes, exactly as an unused slot looks, so the
    /// file does not show that it was ever used.
    pub fn clear_slot(&mut self, role: SlotRole) -> Result<()> {
        self.slots[role as usize] = random_bytes::<SLOT_LEN>()?;
        Ok(())
    }

    /// Tries to open one slot. `None` for a wrong key and for a damaged slot alike.
    pub fn open_slot(&self, role: SlotRole, kek: &[u8; 32]) -> Option<SlotContent> {
        let slot = &self.slots[role as usize];
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&slot[..NONCE_LEN]);
        let mut buf = Zeroizing::new(slot[NONCE_LEN..].to_vec());
        let key = aead_key(kek).ok()?;
        let plain = key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(self.aad(role)),
                buf.as_mut_slice(),
            )
            .ok()?;
        let mut data_key = Zeroizing::new([0u8; 32]);
        data_key.copy_from_slice(&plain[..32]);
        Some(SlotContent {
            data_key,
            db_index: plain[32],
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(FILE_LEN);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.vault_id);
        out.extend_from_slice(&self.salt);
        out.push(self.kdf.version);
        out.extend_from_slice(&self.kdf.memory_kib.to_be_bytes());
        out.extend_from_slice(&self.kdf.iterations.to_be_bytes());
        out.extend_from_slice(&self.kdf.lanes.to_be_bytes());
        for s in &self.slots {
            out.extend_from_slice(s);
        }
        out.extend_from_slice(&self.failed_attempts.to_be_bytes());
        out.extend_from_slice(&self.locked_until.to_be_bytes());
        out
    }

    pub fn from_bytes(b: &[u8]) -> Result<Self> {
        let damaged = || Error::integrity("the vault's key file is damaged");
        if b.len() != FILE_LEN || &b[..8] != MAGIC {
            return Err(damaged());
        }
        let mut r = Reader { b, at: 8 };
        let vault_id = r.arr::<16>();
        let salt = r.arr::<16>();
        let kdf = KdfParams {
            version: r.arr::<1>()[0],
            memory_kib: u32::from_be_bytes(r.arr()),
            iterations: u32::from_be_bytes(r.arr()),
            lanes: u32::from_be_bytes(r.arr()),
        };
        kdf.validate()?;
        let mut slots = [[0u8; SLOT_LEN]; SLOT_COUNT];
        for s in slots.iter_mut() {
            *s = r.arr();
        }
        let failed_attempts = u32::from_be_bytes(r.arr());
        let locked_until = i64::from_be_bytes(r.arr());
        Ok(KeyFile {
            vault_id,
            salt,
            kdf,
            slots,
            failed_attempts,
            locked_until,
        })
    }

    pub fn read(path: &Path) -> Result<Self> {
        let bytes = fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::not_found("no vault in that folder"),
            _ => Error::from(e),
        })?;
        Self::from_bytes(&bytes)
    }

    /// Atomic replace: write a temporary file, sync it, rename over the old one, sync the folder.
    pub fn write(&self, path: &Path) -> Result<()> {
        write_atomically(path, &self.to_bytes())
    }

    /// Writes only the attempt counter, in place (12 bytes inside one sector, no new blocks), so
    /// a wrong PIN is counted even on a full disk. `false` if the vault folder is read-only:
    /// then nothing can change the file, and a copy elsewhere could be tried anyway.
    pub fn write_attempts(&self, path: &Path) -> Result<bool> {
        use std::io::{Seek, SeekFrom};
        let mut f = match fs::OpenOptions::new().write(true).open(path) {
            Ok(f) => f,
            Err(e) if super::lock::is_read_only(&e) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        let mut tail = [0u8; ATTEMPTS_LEN];
        tail[..4].copy_from_slice(&self.failed_attempts.to_be_bytes());
        tail[4..].copy_from_slice(&self.locked_until.to_be_bytes());
        f.seek(SeekFrom::Start((FILE_LEN - ATTEMPTS_LEN) as u64))?;
        f.write_all(&tail)?;
        f.sync_data()?;
        Ok(true)
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn arr<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0u8; N];
        a.copy_from_slice(&self.b[self.at..self.at + N]);
        self.at += N;
        a
    }
}

fn aead_key(kek: &[u8; 32]) -> Result<LessSafeKey> {
    let k = UnboundKey::new(&aead::CHACHA20_POLY1305, kek)
        .map_err(|_| Error::storage("bad key length"))?;
    Ok(LessSafeKey::new(k))
}

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::storage("the vault path has no folder"))?;
    let tmp = dir.join(format!(".tmp-{}", hex::encode(random_bytes::<8>()?)));
    let result = (|| -> Result<()> {
        let mut f = super::private_file_options()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        sync_dir(dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Makes a rename durable. Not every platform can open a directory; best effort there.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_fixed_size() {
        let mut kf = KeyFile::new(KdfParams::MIN_FOR_TESTS).unwrap();
        let kek = [7u8; 32];
        let content = SlotContent {
            data_key: Zeroizing::new([9u8; 32]),
            db_index: 1,
        };
        kf.seal_slot(SlotRole::Pin, &kek, &content).unwrap();
        let bytes = kf.to_bytes();
        assert_eq!(bytes.len(), FILE_LEN);
        let back = KeyFile::from_bytes(&bytes).unwrap();
        let opened = back.open_slot(SlotRole::Pin, &kek).unwrap();
        assert_eq!(*opened.data_key, [9u8; 32]);
        assert_eq!(opened.db_index, 1);
        // The same key does not open another position: the slot index is bound in the AAD.
        let mut moved = back.clone();
        moved.slots[SlotRole::Spare as usize] = moved.slots[SlotRole::Pin as usize];
        assert!(moved.open_slot(SlotRole::Spare, &kek).is_none());
        assert!(back.open_slot(SlotRole::Pin, &[8u8; 32]).is_none());
    }

    #[test]
    fn damaged_slot_does_not_open_and_damaged_header_is_reported() {
        let mut kf = KeyFile::new(KdfParams::MIN_FOR_TESTS).unwrap();
        let kek = [7u8; 32];
        kf.seal_slot(
            SlotRole::Pin,
            &kek,
            &SlotContent {
                data_key: Zeroizing::new([1u8; 32]),
                db_index: 0,
            },
        )
        .unwrap();
        let mut bytes = kf.to_bytes();
        bytes[HEADER_LEN + 20] ^= 1;
        assert!(KeyFile::from_bytes(&bytes)
            .unwrap()
            .open_slot(SlotRole::Pin, &kek)
            .is_none());
        assert!(matches!(
            KeyFile::from_bytes(&bytes[..100]),
            Err(Error::Integrity { .. })
        ));
    }
}
