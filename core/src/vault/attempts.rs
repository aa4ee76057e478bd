//! Who tried the PIN. Every counted unlock attempt leaves a record of its time, sealed (X25519 +
//! HKDF-SHA256 + ChaCha20-Poly1305) to the public key of each store; a store's private key lives
//! only inside its encrypted database. Attempts are recorded before anything is unlocked, so
//! no secret is needed to write one, and only the vault can read one.
//!
//! ```text
//! magic "WMTRIES1" (8) | public key of store-0 (32) | public key of store-1 (32)
//! | 2 halves (one per store, by database index) x 32 records x
//!     (ephemeral public key 32 | AEAD(unix seconds 8 | zeros 8) + tag 16)
//! ```
//! The file never changes size; unused records are random bytes that look like used ones. The
//! attempt numbered n (the key file's counter, which is readable anyway) goes to record
//! (n-1) mod 32 in both halves. So a copy of the folder shows what the counter shows (that some
//! attempts happened) and not when.
//!
//! Any good unlock (PIN or duress) reads its own half, keeps what it found inside its database
//! until the person has seen it, and turns every record of both halves back into random bytes.
//! Both kinds of unlock do exactly the same to the file. The decoy therefore shows the attempts
//! since the last unlock, as a real vault would, and never the real vault's record.

use super::kdf;
use super::keyfile::{random_bytes, sync_dir, write_atomically};
use crate::error::{Error, Result};
use chrono::{DateTime, TimeZone, Utc};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use rusqlite::{Connection, OptionalExtension};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use zeroize::Zeroizing;

pub(crate) const FILE: &str = "attempts.seal";
const MAGIC: &[u8; 8] = b"WMTRIES1";
const SLOTS: u32 = 32;
const PLAIN: usize = 16;
const RECORD: usize = 32 + PLAIN + 16;
const HEADER: usize = 8 + 2 * 32;
const HALF: usize = SLOTS as usize * RECORD;
pub(crate) const FILE_LEN: usize = HEADER + 2 * HALF;
/// The store's X25519 private key, in its own `meta` table.
const SECRET_KEY: &str = "attempts_key";
/// Both stores' public keys, as the file's header must name them (each store keeps both, so
/// either can put a changed header back, and `verify` can tell).
const PUBLICS: &str = "attempts_publics";
/// Wrong attempts found at unlocks and not yet shown: count (u32) | last, unix seconds (i64).
const UNSEEN: &str = "wrong_pins";

/// Wrong PINs (or passphrases, or recovery codes) since the person last looked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WrongPins {
    pub count: u32,
    /// When the last one was made; `None` when no record of it could be read (the records were
    /// damaged, or more than 31 came in before the previous good unlock of this store).
    pub last: Option<DateTime<Utc>>,
}

/// A new X25519 key pair for one store: (private, public).
pub(crate) fn new_key_pair() -> Result<(Zeroizing<[u8; 32]>, [u8; 32])> {
    let secret = Zeroizing::new(random_bytes::<32>()?);
    let public = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(*secret));
    Ok((secret, public.to_bytes()))
}

fn public_of(secret: &[u8; 32]) -> [u8; 32] {
    x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(*secret)).to_bytes()
}

/// Gives a store its key pair (in its database) at vault creation.
pub(crate) fn init_store(conn: &Connection) -> Result<[u8; 32]> {
    let (secret, public) = new_key_pair()?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        rusqlite::params![SECRET_KEY, secret.as_slice()],
    )?;
    Ok(public)
}

/// Records in a store which public keys the header must name.
pub(crate) fn remember_publics(conn: &Connection, publics: [[u8; 32]; 2]) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        rusqlite::params![PUBLICS, publics.concat()],
    )?;
    Ok(())
}

fn publics(conn: &Connection) -> Result<Option<Vec<u8>>> {
    let v: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [PUBLICS], |r| {
            r.get(0)
        })
        .optional()?;
    match v {
        Some(v) if v.len() != 64 => Err(Error::integrity("the vault's attempt key is damaged")),
        v => Ok(v),
    }
}

/// The header this store expects: both public keys when it knows them (made with this record),
/// else its own in its half (a vault made before; the other half as it is).
fn expected_header(conn: &Connection, half: usize, own: &[u8; 32], now: &[u8]) -> Result<Vec<u8>> {
    let mut h = now.to_vec();
    match publics(conn)? {
        Some(p) if p[32 * half..32 * (half + 1)] == own[..] => h[8..72].copy_from_slice(&p),
        Some(_) => return Err(Error::integrity("the vault's attempt key is damaged")),
        None => h[8 + 32 * half..8 + 32 * (half + 1)].copy_from_slice(own),
    }
    Ok(h)
}

/// Writes a new record file for the two stores' public keys, every record random.
pub(crate) fn create(dir: &Path, publics: [[u8; 32]; 2]) -> Result<()> {
    let mut bytes = Vec::with_capacity(FILE_LEN);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&publics[0]);
    bytes.extend_from_slice(&publics[1]);
    bytes.extend_from_slice(&random_vec(2 * HALF)?);
    write_atomically(&dir.join(FILE), &bytes)
}

fn random_vec(len: usize) -> Result<Vec<u8>> {
    let mut v = vec![0u8; len];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut v)
        .map_err(|_| Error::storage("the system random generator failed"))?;
    Ok(v)
}

fn record_offset(half: usize, slot: u32) -> usize {
    HEADER + half * HALF + slot as usize * RECORD
}

fn aead_key(shared: &[u8; 32], eph: &[u8; 32], to: &[u8; 32]) -> Result<LessSafeKey> {
    let key = kdf::hkdf32(
        b"waymark attempt record v1",
        shared,
        &[eph.as_slice(), to.as_slice()],
    );
    UnboundKey::new(&aead::CHACHA20_POLY1305, key.as_ref())
        .map(LessSafeKey::new)
        .map_err(|_| Error::storage("bad key length"))
}

fn aad(half: usize, slot: u32) -> [u8; 5] {
    let mut a = [0u8; 5];
    a[0] = half as u8;
    a[1..].copy_from_slice(&slot.to_be_bytes());
    a
}

/// One record sealed to `to` (random bytes when the store has no key yet).
fn seal(to: &[u8; 32], half: usize, slot: u32, at: DateTime<Utc>) -> Result<[u8; RECORD]> {
    if to.iter().all(|b| *b == 0) {
        return random_bytes::<RECORD>();
    }
    let eph_secret = x25519_dalek::StaticSecret::from(random_bytes::<32>()?);
    let eph = x25519_dalek::PublicKey::from(&eph_secret).to_bytes();
    let shared = Zeroizing::new(
        eph_secret
            .diffie_hellman(&x25519_dalek::PublicKey::from(*to))
            .to_bytes(),
    );
    let mut buf = [0u8; PLAIN];
    buf[..8].copy_from_slice(&at.timestamp().to_be_bytes());
    // A fresh ephemeral key per record gives a fresh AEAD key: the all-zero nonce is safe.
    let tag = aead_key(&shared, &eph, to)?
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key([0u8; 12]),
            Aad::from(aad(half, slot)),
            &mut buf,
        )
        .map_err(|_| Error::storage("could not seal an attempt record"))?;
    let mut out = [0u8; RECORD];
    out[..32].copy_from_slice(&eph);
    out[32..32 + PLAIN].copy_from_slice(&buf);
    out[32 + PLAIN..].copy_from_slice(tag.as_ref());
    Ok(out)
}

fn open(secret: &[u8; 32], half: usize, slot: u32, record: &[u8]) -> Option<DateTime<Utc>> {
    let mut eph = [0u8; 32];
    eph.copy_from_slice(&record[..32]);
    let shared = Zeroizing::new(
        x25519_dalek::StaticSecret::from(*secret)
            .diffie_hellman(&x25519_dalek::PublicKey::from(eph))
            .to_bytes(),
    );
    let mut buf = record[32..].to_vec();
    let plain = aead_key(&shared, &eph, &public_of(secret))
        .ok()?
        .open_in_place(
            Nonce::assume_unique_for_key([0u8; 12]),
            Aad::from(aad(half, slot)),
            &mut buf,
        )
        .ok()?;
    let mut secs = [0u8; 8];
    secs.copy_from_slice(&plain[..8]);
    Utc.timestamp_opt(i64::from_be_bytes(secs), 0).single()
}

/// Records the wrong attempt numbered `count` (the key file's counter after counting it), at
/// the time it began. Written in place, like the counter, so it works on a full disk; each
/// number has its own record, so no lock is needed. A vault made before this record
/// existed has no file: nothing is recorded until its next good unlock makes one.
pub(crate) fn record(dir: &Path, count: u32, at: DateTime<Utc>) -> Result<()> {
    let mut file = match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.join(FILE))
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if super::lock::is_read_only(&e) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let mut header = [0u8; HEADER];
    file.read_exact(&mut header)
        .map_err(|_| Error::integrity("the vault's attempt record is damaged"))?;
    if &header[..8] != MAGIC {
        return Err(Error::integrity("the vault's attempt record is damaged"));
    }
    let slot = count.saturating_sub(1) % SLOTS;
    for half in 0..2 {
        let mut to = [0u8; 32];
        to.copy_from_slice(&header[8 + 32 * half..8 + 32 * (half + 1)]);
        let sealed = seal(&to, half, slot, at)?;
        file.seek(SeekFrom::Start(record_offset(half, slot) as u64))?;
        file.write_all(&sealed)?;
    }
    file.sync_data()?;
    Ok(())
}

/// What a good unlock took from the file: the records of the attempts before it.
pub(crate) struct Taken {
    bytes: Vec<u8>,
    /// The counter when the good attempt ended (its own attempt included).
    count: u32,
    /// The good attempt's own record.
    own_slot: u32,
}

/// Reads the records of the `count` counted attempts (`own` being the good one); `None` when
/// there were no others (or no file yet). Call under the key-file lock, before the counter is
/// reset; then `Taken::clear` outside it.
pub(crate) fn take(dir: &Path, count: u32, own: u32) -> Result<Option<Taken>> {
    let path = dir.join(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if bytes.len() != FILE_LEN || &bytes[..8] != MAGIC {
        return Err(Error::integrity("the vault's attempt record is damaged"));
    }
    if count <= 1 {
        // Only the good attempt's own record: nothing to take, and nothing to hide (the next
        // attempt overwrites it, and only records below the counter are ever read).
        return Ok(None);
    }
    Ok(Some(Taken {
        bytes,
        count,
        own_slot: own.saturating_sub(1) % SLOTS,
    }))
}

impl Taken {
    /// Turns every record of both halves back into random bytes. Only tidiness, so it runs
    /// outside the lock: records at or above the reset counter are never read, and every one
    /// below it is written anew by the attempt of that number.
    pub(crate) fn clear(&self, dir: &Path) -> Result<()> {
        let mut fresh = self.bytes[..HEADER].to_vec();
        fresh.extend_from_slice(&random_vec(2 * HALF)?);
        write_atomically(&dir.join(FILE), &fresh)
    }
}

fn read_secret(conn: &Connection) -> Result<Option<Zeroizing<[u8; 32]>>> {
    let v: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [SECRET_KEY], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(mut v) = v else { return Ok(None) };
    if v.len() != 32 {
        return Err(Error::integrity("the vault's attempt key is damaged"));
    }
    let mut k = Zeroizing::new([0u8; 32]);
    k.copy_from_slice(&v);
    zeroize::Zeroize::zeroize(&mut v);
    Ok(Some(k))
}

/// Adds what `taken` says to the store's unseen count, read with the store's own key (its half
/// is its database index). Also gives a store made before this record its key pair, and puts
/// the store's public key back if the file's header was changed.
pub(crate) fn keep(
    dir: &Path,
    conn: &Connection,
    db_index: u8,
    taken: Option<Taken>,
) -> Result<()> {
    let half = usize::from(db_index & 1);
    let secret = match read_secret(conn)? {
        Some(s) => s,
        None => {
            init_store(conn)?;
            read_secret(conn)?.ok_or_else(|| Error::storage("could not keep the attempt key"))?
        }
    };
    let public = public_of(&secret);
    let mut found = (0u32, None::<DateTime<Utc>>);
    if let Some(t) = &taken {
        found.0 = t.count.saturating_sub(1);
        let header_ok = t.bytes[8 + 32 * half..8 + 32 * (half + 1)] == public;
        for k in 0..t.count.min(SLOTS) {
            let slot = (t.count - 1 - k) % SLOTS;
            if slot == t.own_slot || !header_ok {
                continue;
            }
            let at = record_offset(half, slot);
            if let Some(time) = open(&secret, half, slot, &t.bytes[at..at + RECORD]) {
                found.1 = found.1.max(Some(time));
            }
        }
    }
    put_header_back(dir, conn, half, &public)?;
    if found.0 == 0 {
        return Ok(());
    }
    let old = unseen(conn)?;
    let count = old.map_or(0, |o| o.count).saturating_add(found.0);
    let last = old.and_then(|o| o.last).max(found.1);
    let mut value = count.to_be_bytes().to_vec();
    value.extend_from_slice(&last.map_or(0, |t| t.timestamp()).to_be_bytes());
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        rusqlite::params![UNSEEN, value],
    )?;
    Ok(())
}

/// Makes the file's header what this store expects (creating the file for a vault made before
/// this record existed). Writes nothing when it already is.
fn put_header_back(dir: &Path, conn: &Connection, half: usize, public: &[u8; 32]) -> Result<()> {
    let path = dir.join(FILE);
    let (mut bytes, existed) = match std::fs::read(&path) {
        Ok(b) if b.len() == FILE_LEN && &b[..8] == MAGIC => (b, true),
        Ok(_) => return Err(Error::integrity("the vault's attempt record is damaged")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut b = MAGIC.to_vec();
            b.extend_from_slice(&[0u8; 64]);
            b.extend_from_slice(&random_vec(2 * HALF)?);
            (b, false)
        }
        Err(e) => return Err(e.into()),
    };
    let header = expected_header(conn, half, public, &bytes[..HEADER])?;
    if existed && bytes[..HEADER] == header[..] {
        return Ok(());
    }
    bytes[..HEADER].copy_from_slice(&header);
    write_atomically(&path, &bytes)?;
    sync_dir(dir);
    Ok(())
}

/// The wrong attempts not yet shown to the person (`None`: none).
pub(crate) fn unseen(conn: &Connection) -> Result<Option<WrongPins>> {
    let v: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [UNSEEN], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(v) = v else { return Ok(None) };
    if v.len() != 12 {
        return Err(Error::integrity("the vault's wrong-PIN record is damaged"));
    }
    let count = u32::from_be_bytes([v[0], v[1], v[2], v[3]]);
    let mut secs = [0u8; 8];
    secs.copy_from_slice(&v[4..]);
    let secs = i64::from_be_bytes(secs);
    let last = (secs != 0)
        .then(|| Utc.timestamp_opt(secs, 0).single())
        .flatten();
    Ok((count > 0).then_some(WrongPins { count, last }))
}

/// The person has seen them.
pub(crate) fn acknowledge(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM meta WHERE key = ?1", [UNSEEN])?;
    Ok(())
}

/// `verify`: the header names this store's own public key (a changed one would let whoever
/// changed it read the times of later attempts).
pub(crate) fn check(dir: &Path, conn: &Connection, db_index: u8) -> Result<()> {
    let Some(secret) = read_secret(conn)? else {
        return Ok(());
    };
    let bytes = match std::fs::read(dir.join(FILE)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::integrity("the vault's attempt record is missing"))
        }
        Err(e) => return Err(e.into()),
    };
    let half = usize::from(db_index & 1);
    if bytes.len() != FILE_LEN
        || &bytes[..8] != MAGIC
        || bytes[..HEADER]
            != expected_header(conn, half, &public_of(&secret), &bytes[..HEADER])?[..]
    {
        return Err(Error::integrity(
            "the vault's attempt record was changed outside Waymark",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::vault::{CreateOptions, SoftwarePrfNoHardware, Vault};
    use std::sync::Arc;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
    }

    /// Every way the time could sit in a file: seconds as 8 bytes either way round, as digits,
    /// and as text.
    fn traces(t: DateTime<Utc>) -> Vec<Vec<u8>> {
        let s = t.timestamp();
        vec![
            s.to_be_bytes().to_vec(),
            s.to_le_bytes().to_vec(),
            (s as u32).to_be_bytes().to_vec(),
            (s as u32).to_le_bytes().to_vec(),
            s.to_string().into_bytes(),
            t.format("%H:%M").to_string().into_bytes(),
            t.to_rfc3339().into_bytes(),
        ]
    }

    fn folder_holds(dir: &Path, t: DateTime<Utc>) -> Vec<String> {
        let mut hits = vec![];
        for p in waymark_test_support::scan::files_under(dir) {
            let bytes = std::fs::read(&p).unwrap();
            for needle in traces(t) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(format!("{needle:?} in {}", p.display()));
                }
            }
        }
        hits
    }

    #[test]
    fn wrong_pins_are_readable_after_a_good_unlock_and_nowhere_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at(1, 0)));
        let (v, _) = Vault::create(
            dir.path(),
            "246810",
            CreateOptions::for_tests(clock.clone()),
        )
        .unwrap();
        v.lock();
        assert_eq!(
            std::fs::metadata(dir.path().join(FILE)).unwrap().len(),
            FILE_LEN as u64
        );
        for (h, m) in [(2, 3), (2, 9), (2, 14)] {
            clock.set(at(h, m));
            assert!(matches!(v.unlock("999999"), Err(Error::WrongSecret { .. })));
        }
        assert_eq!(
            std::fs::metadata(dir.path().join(FILE)).unwrap().len(),
            FILE_LEN as u64
        );
        for (h, m) in [(2, 3), (2, 9), (2, 14)] {
            assert_eq!(folder_holds(dir.path(), at(h, m)), Vec::<String>::new());
        }
        // A copy of the folder opened elsewhere reads them too: they are in the files, sealed.
        let copy = tempfile::tempdir().unwrap();
        waymark_test_support::scan::copy_dir(dir.path(), copy.path());
        clock.set(at(9, 30));
        v.unlock("246810").unwrap();
        let seen = v.wrong_pins().unwrap();
        assert_eq!(
            seen,
            Some(WrongPins {
                count: 3,
                last: Some(at(2, 14))
            })
        );
        // Still shown until acknowledged, also after locking.
        v.lock();
        v.unlock("246810").unwrap();
        assert_eq!(v.wrong_pins().unwrap(), seen);
        v.acknowledge_wrong_pins().unwrap();
        assert_eq!(v.wrong_pins().unwrap(), None);
        // Taken at the unlock: the file holds nothing readable of them any more.
        let copied = Vault::open(
            copy.path(),
            Arc::new(SoftwarePrfNoHardware::default()),
            clock.clone(),
        )
        .unwrap();
        copied.unlock("246810").unwrap();
        assert_eq!(copied.wrong_pins().unwrap(), seen);
        v.lock();
        v.unlock("246810").unwrap();
        assert_eq!(v.wrong_pins().unwrap(), None);
        v.verify_storage().unwrap();
    }

    #[test]
    fn the_decoy_shows_only_the_attempts_since_the_last_unlock_never_the_real_record() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at(1, 0)));
        let (v, _) = Vault::create(
            dir.path(),
            "246810",
            CreateOptions::for_tests(clock.clone()),
        )
        .unwrap();
        v.lock();
        v.set_duress_secret("246810", "135791").unwrap();
        // Wrong PINs, then a real unlock: the real store keeps them.
        clock.set(at(2, 14));
        assert!(v.unlock("999999").is_err());
        clock.set(at(8, 0));
        v.unlock("246810").unwrap();
        assert_eq!(v.wrong_pins().unwrap().map(|w| w.count), Some(1));
        v.lock();
        // The duress PIN opens a decoy that knows nothing of them.
        clock.set(at(12, 0));
        v.unlock("135791").unwrap();
        assert_eq!(v.wrong_pins().unwrap(), None);
        v.lock();
        // Wrong PINs before a duress unlock are the decoy's own record, as a real vault's would be.
        clock.set(at(13, 5));
        assert!(v.unlock("999998").is_err());
        clock.set(at(13, 7));
        assert!(v.unlock("999997").is_err());
        clock.set(at(14, 0));
        v.unlock("135791").unwrap();
        assert_eq!(
            v.wrong_pins().unwrap(),
            Some(WrongPins {
                count: 2,
                last: Some(at(13, 7))
            })
        );
        v.verify_storage().unwrap();
        v.lock();
        // ...and taken by it: the real store still shows only its own earlier one.
        v.unlock("246810").unwrap();
        assert_eq!(
            v.wrong_pins().unwrap(),
            Some(WrongPins {
                count: 1,
                last: Some(at(2, 14))
            })
        );
        v.verify_storage().unwrap();
    }

    #[test]
    fn a_changed_public_key_is_tampering_and_is_put_back_at_the_next_unlock_after_a_try() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at(1, 0)));
        let (v, _) = Vault::create(
            dir.path(),
            "246810",
            CreateOptions::for_tests(clock.clone()),
        )
        .unwrap();
        let path = dir.path().join(FILE);
        let good = std::fs::read(&path).unwrap();
        let mut bad = good.clone();
        let (_, mine) = new_key_pair().unwrap();
        bad[8..72].copy_from_slice(&[mine, mine].concat());
        std::fs::write(&path, &bad).unwrap();
        assert!(matches!(v.verify_storage(), Err(Error::Integrity { .. })));
        v.lock();
        // A try sealed to the changed key: the vault cannot read its time, but counts it.
        clock.set(at(3, 0));
        assert!(v.unlock("999999").is_err());
        v.unlock("246810").unwrap();
        assert_eq!(
            v.wrong_pins().unwrap(),
            Some(WrongPins {
                count: 1,
                last: None
            })
        );
        assert_eq!(std::fs::read(&path).unwrap()[8..72], good[8..72]);
        v.verify_storage().unwrap();
    }

    #[test]
    fn a_record_opens_only_with_its_stores_key_and_in_its_place() {
        let (secret, public) = new_key_pair().unwrap();
        let (other, _) = new_key_pair().unwrap();
        let at = Utc.timestamp_opt(1_796_000_000, 0).unwrap();
        let r = seal(&public, 1, 5, at).unwrap();
        assert_eq!(open(&secret, 1, 5, &r), Some(at));
        assert_eq!(open(&other, 1, 5, &r), None);
        assert_eq!(open(&secret, 1, 6, &r), None);
        assert_eq!(open(&secret, 0, 5, &r), None);
        let mut flipped = r;
        flipped[40] ^= 1;
        assert_eq!(open(&secret, 1, 5, &flipped), None);
    }
}
