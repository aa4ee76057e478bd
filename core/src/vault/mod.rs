//! The vault: a folder holding a key file and two SQLCipher databases (one real, one decoy, from
//! the start, so the duress PIN can open a plausible decoy without the folder looking different).
//!
//! Unlocking runs Argon2id once, passes the result through the device's hardware PRF, then tries
//! every key slot with a cheap HKDF + AEAD, so an attempt costs the same whichever slot matches.

pub(crate) mod armed_file;
mod attempts;
mod backup;
mod check;
mod duress_alert;
mod erase;
mod kdf;
pub(crate) mod keyfile;
mod lock;
mod recovery;
pub(crate) mod schema;
mod twins;

pub use armed_file::{ArmedGuard, ARMED_CAPACITY, ARMED_FILE, ARMED_FILE_LEN};
pub use attempts::WrongPins;
pub use backup::BackupSummary;
pub use duress_alert::{DURESS_ALERT_CAPACITY, FILE as DURESS_ALERT_FILE};
pub use erase::{ERASE_AFTER_MAX, ERASE_AFTER_MIN};
pub use kdf::{HardwarePrf, KdfChoice, KdfParams, SoftwarePrfNoHardware};
pub use keyfile::SlotRole;
pub use recovery::RecoveryCode;

use crate::clock::Clock;
use crate::error::{Error, Result, CANNOT_WRITE, NO_SPACE};
use chrono::{DateTime, Duration, TimeZone, Utc};
use keyfile::{random_bytes, KeyFile, SlotContent};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use zeroize::Zeroizing;

const KEY_FILE: &str = "vault.keys";
/// The one folder holding both stores' evidence files (random names, so nothing says whose).
const BLOB_DIR: &str = "files";
const DB_COUNT: u8 = 2;
/// The slots a PIN opens: the PIN's (the real store), the duress PIN's (the decoy) and the
/// decoy's own duress PIN's (the spare slot, also the decoy; see `set_duress_secret`).
const PIN_SLOTS: [SlotRole; 3] = [SlotRole::Pin, SlotRole::Duress, SlotRole::Spare];
/// Wrong attempts allowed before delays start.
pub const FREE_ATTEMPTS: u32 = 5;
const FIRST_DELAY_SECS: i64 = 30;
const MAX_DELAY_SECS: i64 = 3600;
/// How long after its key derivation every unlock returns, whichever PIN was typed. A right PIN
/// (real or duress) then opens its database, a wrong one does not: without a common finishing
/// time that difference (a few milliseconds) would tell a wrong PIN from a duress PIN. Longer
/// than opening a database takes on a phone; see the `unlock` benchmark.
pub const UNLOCK_PACE: std::time::Duration = std::time::Duration::from_millis(60);

pub struct CreateOptions {
    pub prf: Arc<dyn HardwarePrf>,
    pub clock: Arc<dyn Clock>,
    pub kdf: KdfChoice,
}

impl CreateOptions {
    pub fn new(prf: Arc<dyn HardwarePrf>, clock: Arc<dyn Clock>) -> Self {
        CreateOptions {
            prf,
            clock,
            kdf: KdfChoice::default_calibrated(),
        }
    }
    /// Cheap key derivation and the software PRF: for tests only.
    pub fn for_tests(clock: Arc<dyn Clock>) -> Self {
        CreateOptions {
            prf: Arc::new(SoftwarePrfNoHardware::default()),
            clock,
            kdf: KdfChoice::Fixed(KdfParams::MIN_FOR_TESTS),
        }
    }
}

/// What a secret opens, without unlocking anything (used to tell a duress check-in apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretMatch {
    Pin,
    Duress,
    Recovery,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct VaultStatus {
    pub unlocked: bool,
    pub failed_attempts: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub kdf_memory_kib: u32,
    pub kdf_iterations: u32,
    pub kdf_lanes: u32,
}

pub struct Vault {
    dir: PathBuf,
    prf: Arc<dyn HardwarePrf>,
    clock: Arc<dyn Clock>,
    session: Mutex<Option<Session>>,
    /// The vault id and the armed-file key: no PIN is involved, so it may outlive a session;
    /// cached because on phones each PRF call is a Keystore/Keychain round trip.
    armed_key: Mutex<Option<ArmedKey>>,
}

/// The vault id and the key sealing the armed file.
type ArmedKey = ([u8; 16], Zeroizing<[u8; 32]>);

struct Session {
    conn: Connection,
    /// Dropped after `conn` (fields drop in order): `twins::even_out` waits for both.
    _open: twins::OpenMark,
    keys: SessionKeys,
    /// Opened with the duress PIN: the decoy database is open. Only the armed check-in needs to
    /// know (the decoy must never overwrite the real plan's armed file).
    duress: bool,
    /// Which database file is open.
    db_index: u8,
    /// Opened with the duress PIN and its alert to the buddies not yet asked for (see
    /// `take_duress_unlock`).
    unlock_alert_pending: bool,
    /// Why this session can only read (a full disk, a read-only folder), if it can only read.
    read_only: Option<String>,
}

/// Keys of the open database. Dropped (and zeroized) on lock.
pub(crate) struct SessionKeys {
    data_key: Zeroizing<[u8; 32]>,
    signing_seed: Zeroizing<[u8; 32]>,
    blob_dir: PathBuf,
}

impl SessionKeys {
    pub(crate) fn subkey(&self, label: &str) -> Zeroizing<[u8; 32]> {
        kdf::hkdf32(
            b"waymark subkey v1",
            self.data_key.as_ref(),
            &[label.as_bytes()],
        )
    }
    pub(crate) fn signing_key(&self) -> Result<ring::signature::Ed25519KeyPair> {
        ring::signature::Ed25519KeyPair::from_seed_unchecked(self.signing_seed.as_ref())
            .map_err(|_| Error::integrity("the vault's signing key is damaged"))
    }
}

/// One write transaction on the open database. Committed durably when the closure returns Ok.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    keys: &'a SessionKeys,
    clock: &'a dyn Clock,
}

impl<'a> Tx<'a> {
    pub fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
    pub fn subkey(&self, label: &str) -> Zeroizing<[u8; 32]> {
        self.keys.subkey(label)
    }
    pub(crate) fn keys(&self) -> &SessionKeys {
        self.keys
    }
}

/// A fresh random 128-bit identifier (incidents, evidence, plans).
pub fn random_id() -> Result<[u8; 16]> {
    random_bytes()
}

fn validate_secret(secret: &str) -> Result<()> {
    let is_pin = !secret.is_empty() && secret.chars().all(|c| c.is_ascii_digit());
    if is_pin && secret.len() < 6 {
        return Err(Error::invalid("PIN", "must be at least 6 digits"));
    }
    if !is_pin && secret.chars().count() < 8 {
        return Err(Error::invalid(
            "passphrase",
            "must be at least 8 characters (or use a PIN of 6 or more digits)",
        ));
    }
    if secret.len() > 1024 {
        return Err(Error::invalid(
            "passphrase",
            "is too long (at most 1024 bytes)",
        ));
    }
    Ok(())
}

/// Argon2id(secret) and prf(Argon2id(secret)): both are computed for every attempt.
struct Stretched {
    soft: Zeroizing<[u8; 32]>,
    hard: Zeroizing<[u8; 32]>,
}

impl Vault {
    fn key_path(&self) -> PathBuf {
        self.dir.join(KEY_FILE)
    }
    fn db_path(dir: &Path, index: u8) -> PathBuf {
        dir.join(format!("store-{index}.db"))
    }
    /// Both stores keep their files in one folder: a folder per store would show which store
    /// holds evidence. (Vaults made before kept `files-0` and `files-1`; see `gather_evidence`.)
    fn blob_path(dir: &Path) -> PathBuf {
        dir.join(BLOB_DIR)
    }

    pub fn exists(dir: &Path) -> bool {
        dir.join(KEY_FILE).is_file()
    }

    /// Whether other users of this computer may look inside the vault folder (its mode lets
    /// group or others in). Waymark's own files are private either way; worth a warning.
    pub fn folder_open_to_others(dir: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
        }
        #[cfg(not(unix))]
        {
            let _ = dir;
            false
        }
    }

    /// Waymark never makes links: a vault file or folder that is a link to somewhere else was put
    /// there to have the vault write (or read) outside its folder.
    fn refuse_links(dir: &Path) -> Result<()> {
        let mut names: Vec<String> = vec![
            KEY_FILE.into(),
            ARMED_FILE.into(),
            attempts::FILE.into(),
            erase::FILE.into(),
            duress_alert::FILE.into(),
            BLOB_DIR.into(),
        ];
        for index in 0..DB_COUNT {
            names.push(format!("store-{index}.db"));
            names.push(format!("files-{index}"));
        }
        for name in names {
            if std::fs::symlink_metadata(dir.join(&name)).is_ok_and(|m| m.file_type().is_symlink())
            {
                return Err(Error::integrity(format!(
                    "{name} in the vault folder is a link to somewhere else; Waymark keeps \
                     everything inside the vault folder and never makes links"
                )));
            }
        }
        Ok(())
    }

    /// Creates a vault in `dir` (new or empty) and unlocks it. The recovery code is returned once
    /// and stored nowhere in plain form.
    pub fn create(
        dir: &Path,
        secret: &str,
        options: CreateOptions,
    ) -> Result<(Vault, RecoveryCode)> {
        validate_secret(secret)?;
        if Self::exists(dir) {
            return Err(Error::invalid(
                "vault folder",
                "a vault already exists there",
            ));
        }
        match std::fs::symlink_metadata(dir) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::invalid(
                    "vault folder",
                    "is a link to another folder; give the folder itself",
                ))
            }
            Ok(m) if !m.is_dir() => {
                return Err(Error::invalid("vault folder", "is a file, not a folder"))
            }
            // Someone else's folder: used only if empty, and its mode is theirs to choose.
            Ok(_) => {
                let mut entries = std::fs::read_dir(dir)?;
                if entries
                    .any(|e| e.map_or(true, |e| !is_leftover(&e.file_name().to_string_lossy())))
                {
                    return Err(Error::invalid(
                        "vault folder",
                        "is not empty and holds no vault; choose a new or empty folder",
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)?;
                }
                private_dir_builder().create(dir)?;
            }
            Err(e) => return Err(e.into()),
        }
        let params = match options.kdf {
            KdfChoice::Calibrate { target } => kdf::calibrate(target)?,
            KdfChoice::Fixed(p) => {
                p.validate()
                    .map_err(|_| Error::invalid("key derivation", "unsupported parameters"))?;
                p
            }
        };
        let mut kf = KeyFile::new(params)?;
        // Which file is the real database is itself a secret: pick at random.
        let real_index = random_bytes::<1>()?[0] & 1;
        let decoy_index = 1 - real_index;
        let real_key = Zeroizing::new(random_bytes::<32>()?);
        let decoy_key = Zeroizing::new(random_bytes::<32>()?);
        for index in 0..DB_COUNT {
            // Leftovers of a create that crashed before the key file was written are unusable.
            for suffix in ["", "-wal", "-shm"] {
                let p = PathBuf::from(format!("{}{suffix}", Self::db_path(dir, index).display()));
                let _ = std::fs::remove_file(p);
            }
        }
        if !Self::blob_path(dir).is_dir() {
            private_dir_builder().create(Self::blob_path(dir))?;
        }
        let mut publics = [[0u8; 32]; 2];
        for (index, key) in [(real_index, &real_key), (decoy_index, &decoy_key)] {
            // Created private before SQLite sees it; its -wal and -shm take the same mode.
            private_file_options()
                .write(true)
                .create_new(true)
                .open(Self::db_path(dir, index))?;
            let mut conn = open_database(&Self::db_path(dir, index), key)?;
            schema::migrate(&mut conn)?;
            let seed = Zeroizing::new(random_bytes::<32>()?);
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('signing_seed', ?1)",
                [seed.as_slice()],
            )?;
            // Only the real database knows the decoy's key (to set a duress PIN later). The decoy
            // holds zeros in that row; making the decoy fully plausible is the decoy issue's work.
            let other = if index == real_index {
                (decoy_key.as_slice(), decoy_index)
            } else {
                (&[0u8; 32][..], 0)
            };
            let mut wrapped = other.0.to_vec();
            wrapped.push(other.1);
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('other_key', ?1)",
                [&wrapped],
            )?;
            zeroize::Zeroize::zeroize(&mut wrapped);
            publics[usize::from(index)] = attempts::init_store(&conn)?;
        }
        attempts::create(dir, publics)?;
        let code = RecoveryCode::generate()?;
        let pin = stretch(&kf, secret, options.prf.as_ref())?;
        let rc = stretch(&kf, code.as_str(), options.prf.as_ref())?;
        let content = || SlotContent {
            data_key: real_key.clone(),
            db_index: real_index,
        };
        kf.seal_slot(
            SlotRole::Pin,
            &slot_kek(&kf, &pin, SlotRole::Pin),
            &content(),
        )?;
        kf.seal_slot(
            SlotRole::Recovery,
            &slot_kek(&kf, &rc, SlotRole::Recovery),
            &content(),
        )?;
        // Each database vouches for the parts of the key file its keys write (see `check`).
        for (index, key, parts) in [
            (real_index, &real_key, &check::REAL_PARTS[..]),
            (decoy_index, &decoy_key, &check::DECOY_PARTS[..]),
        ] {
            let conn = open_database(&Self::db_path(dir, index), key)?;
            attempts::remember_publics(&conn, publics)?;
            for part in parts {
                check::vouch(&conn, *part, &[&kf])?;
            }
        }
        // The armed check-in file exists from the start, sealed and empty, with its fixed size.
        let armed_key = armed_file::key(&kf.vault_id, options.prf.as_ref())?;
        armed_file::write(dir, &armed_key, &kf.vault_id, b"")?;
        drop(armed_file::lock(dir)?);
        // So are the erase setting, off (see `erase`), and the duress-unlock alert, empty.
        erase::write(dir, &kf.vault_id, &armed_key, 0)?;
        duress_alert::write(dir, &kf.vault_id, &armed_key, b"")?;
        // Written last: until it exists there is no vault, so a crash above leaves nothing usable.
        kf.write(&dir.join(KEY_FILE))?;
        twins::even_out(dir)?;
        let vault = Vault {
            dir: dir.to_path_buf(),
            prf: options.prf,
            clock: options.clock,
            session: Mutex::new(None),
            armed_key: Mutex::new(None),
        };
        vault.start_session(
            &SlotContent {
                data_key: real_key,
                db_index: real_index,
            },
            false,
        )?;
        tracing::info!("vault created");
        Ok((vault, code))
    }

    /// A locked handle on an existing vault.
    pub fn open(dir: &Path, prf: Arc<dyn HardwarePrf>, clock: Arc<dyn Clock>) -> Result<Vault> {
        if !Self::exists(dir) {
            return Err(Error::not_found("no vault in that folder"));
        }
        Self::refuse_links(dir)?;
        Ok(Vault {
            dir: dir.to_path_buf(),
            prf,
            clock,
            session: Mutex::new(None),
            armed_key: Mutex::new(None),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Opens the vault with the PIN (the real data) or the duress PIN (the decoy), indistinguishably:
    /// the same key derivation and slot trials, the same key-file writes, and every outcome
    /// returned `UNLOCK_PACE` after the derivation ended (a lock-out, refused before any
    /// derivation, returns at once whatever was typed).
    pub fn unlock(&self, secret: &str) -> Result<()> {
        let mut derived = None;
        let result = self
            .attempt_noting(secret, &PIN_SLOTS, &mut derived)
            .and_then(|(role, content)| self.start_session(&content, role != SlotRole::Pin));
        if let Some(at) = derived {
            let left = UNLOCK_PACE.saturating_sub(at.elapsed());
            if result.is_ok() && left.is_zero() {
                tracing::warn!("opening the database took longer than the unlock pace");
            }
            std::thread::sleep(left);
        }
        result
    }

    /// Which slot a secret opens, counting a miss as a failed attempt like `unlock` does.
    pub fn classify_secret(&self, secret: &str) -> Result<SecretMatch> {
        let (role, _) = self.attempt(
            secret,
            &[
                SlotRole::Pin,
                SlotRole::Duress,
                SlotRole::Recovery,
                SlotRole::Spare,
            ],
        )?;
        Ok(match role {
            SlotRole::Duress | SlotRole::Spare => SecretMatch::Duress,
            SlotRole::Recovery => SecretMatch::Recovery,
            _ => SecretMatch::Pin,
        })
    }

    /// Drops the database connection and every key, then makes both stores' files look alike
    /// again (closing the database may have written to its file).
    pub fn lock(&self) {
        let session = self.session_guard().take();
        if let Some(session) = session {
            drop(session);
            self.even_out_quietly();
        }
        tracing::info!("vault locked");
    }

    /// `twins::even_out`, for paths that cannot fail: a folder that cannot be written cannot
    /// have been changed either.
    fn even_out_quietly(&self) {
        if let Err(e) = twins::even_out(&self.dir) {
            tracing::warn!(error = %e, "could not even out the stores' files");
        }
    }

    pub fn is_unlocked(&self) -> bool {
        self.session_guard().is_some()
    }

    /// Replaces the secret that opened the vault, without re-encrypting any data. A new secret
    /// that already opens another slot is refused (see `refuse_if_opens`).
    pub fn change_secret(&self, old: &str, new: &str) -> Result<()> {
        validate_secret(new)?;
        let (role, content) = self.attempt(old, &PIN_SLOTS)?;
        let s = stretch(&KeyFile::read(&self.key_path())?, new, self.prf.as_ref())?;
        let others: Vec<SlotRole> = PIN_SLOTS.into_iter().filter(|r| *r != role).collect();
        self.refuse_if_opens(&s, &others, "new PIN")?;
        self.replace_slot(
            role,
            &content,
            |_| Ok(()),
            |kf| kf.seal_slot(role, &slot_kek(kf, &s, role), &content),
        )?;
        tracing::info!("secret changed");
        Ok(())
    }

    /// Refuses a new secret that already opens one of `slots`: two slots must never share a
    /// secret, and a decoy's must never be the real PIN (typing it would open the real store).
    /// Known weakness: typed in a decoy, this refusal says a guess is the real PIN, at one key
    /// derivation per guess and without the lock screen's back-off (see README).
    fn refuse_if_opens(&self, s: &Stretched, slots: &[SlotRole], field: &str) -> Result<()> {
        let kf = KeyFile::read(&self.key_path())?;
        if slots
            .iter()
            .any(|r| kf.open_slot(*r, &slot_kek(&kf, s, *r)).is_some())
        {
            return Err(Error::invalid(field, "choose a different one"));
        }
        Ok(())
    }

    /// Opens with the recovery code, sets a new PIN and unlocks.
    pub fn recover(&self, code: &str, new_secret: &str) -> Result<()> {
        let code = RecoveryCode::parse(code)?;
        validate_secret(new_secret)?;
        let (_, content) = self.attempt(code.as_str(), &[SlotRole::Recovery])?;
        let s = stretch(
            &KeyFile::read(&self.key_path())?,
            new_secret,
            self.prf.as_ref(),
        )?;
        self.replace_slot(
            SlotRole::Pin,
            &content,
            |_| Ok(()),
            |kf| kf.seal_slot(SlotRole::Pin, &slot_kek(kf, &s, SlotRole::Pin), &content),
        )?;
        tracing::info!("vault recovered with the recovery code");
        self.start_session(&content, false)
    }

    /// Sets (or replaces) the duress PIN of the store `pin` opens; needs that PIN, not an open
    /// session. With the real PIN: the duress PIN opens the decoy (the real database holds the
    /// decoy's key). With the duress PIN (someone in the decoy's settings): it behaves as in a
    /// real vault, the new duress PIN goes into the spare slot and opens the decoy too, since a
    /// decoy session holds no other key, and must never open the real store. A new duress PIN
    /// that is the real PIN is refused (see `refuse_if_opens`).
    pub fn set_duress_secret(&self, pin: &str, duress: &str) -> Result<()> {
        validate_secret(duress).map_err(|e| match e {
            Error::InvalidInput { field, reason } => {
                Error::invalid(format!("duress {field}"), reason)
            }
            other => other,
        })?;
        if pin == duress {
            return Err(Error::invalid("duress PIN", "must differ from your PIN"));
        }
        let (role, own) = self.attempt(pin, &PIN_SLOTS)?;
        let (slot, target) = self.duress_target(role, own)?;
        let s = stretch(&KeyFile::read(&self.key_path())?, duress, self.prf.as_ref())?;
        if role != SlotRole::Pin {
            self.refuse_if_opens(&s, &[SlotRole::Pin], "duress PIN")?;
        }
        self.replace_slot(
            slot,
            &target,
            |_| Ok(()),
            |kf| kf.seal_slot(slot, &slot_kek(kf, &s, slot), &target),
        )?;
        tracing::info!("duress PIN set");
        Ok(())
    }

    /// The duress-PIN slot of the store opened through `role`, and the store it opens: for the
    /// real store the duress slot and the decoy; for the decoy the spare slot and the decoy.
    fn duress_target(&self, role: SlotRole, own: SlotContent) -> Result<(SlotRole, SlotContent)> {
        match role {
            SlotRole::Pin | SlotRole::Recovery => Ok((SlotRole::Duress, self.decoy_content(&own)?)),
            SlotRole::Duress | SlotRole::Spare => Ok((SlotRole::Spare, own)),
        }
    }

    /// The decoy's key and file, as the real database (opened with `real`) records them.
    fn decoy_content(&self, real: &SlotContent) -> Result<SlotContent> {
        if real.db_index >= DB_COUNT {
            return Err(Error::integrity("the vault's key file is damaged"));
        }
        // Marked before it opens, so it closes first (see `twins::even_out`).
        let _open = twins::OpenMark::new(&Self::db_path(&self.dir, real.db_index));
        let conn = open_database(&Self::db_path(&self.dir, real.db_index), &real.data_key)?;
        let mut other: Zeroizing<Vec<u8>> = Zeroizing::new(conn.query_row(
            "SELECT value FROM meta WHERE key = 'other_key'",
            [],
            |r| r.get(0),
        )?);
        if other.len() != 33 || other[..32].iter().all(|b| *b == 0) || other[32] >= DB_COUNT {
            return Err(Error::integrity(
                "the vault's database does not hold the decoy's key",
            ));
        }
        let mut data_key = Zeroizing::new([0u8; 32]);
        data_key.copy_from_slice(&other[..32]);
        let db_index = other[32];
        zeroize::Zeroize::zeroize(&mut *other);
        Ok(SlotContent { data_key, db_index })
    }

    /// Changes `role`'s slot under the key-file lock. The database `content` opens vouches for
    /// that slot (see `check`): it learns the new digest before the key file changes and forgets
    /// the old one after, so a crash in between leaves a vault that checks out.
    fn replace_slot(
        &self,
        role: SlotRole,
        content: &SlotContent,
        precheck: impl FnOnce(&KeyFile) -> Result<()>,
        change: impl FnOnce(&mut KeyFile) -> Result<()>,
    ) -> Result<()> {
        let _lock = lock::lock(&self.dir)?;
        let old = KeyFile::read(&self.key_path())?;
        precheck(&old)?;
        let mut new = old.clone();
        change(&mut new)?;
        if content.db_index >= DB_COUNT {
            return Err(Error::integrity("the vault's key file is damaged"));
        }
        let _open = twins::OpenMark::new(&Self::db_path(&self.dir, content.db_index));
        let conn = open_database(
            &Self::db_path(&self.dir, content.db_index),
            &content.data_key,
        )?;
        let part = check::Part::Slot(role);
        check::vouch(&conn, part, &[&old, &new])?;
        new.write(&self.key_path())?;
        check::vouch(&conn, part, &[&new])?;
        drop(conn);
        drop(_lock);
        self.even_out_quietly();
        Ok(())
    }

    /// Checks every byte this session can vouch for: every page of the open database (and of the
    /// decoy, when this is the real one and so holds its key), the key file against what the
    /// databases recorded, and the armed file. The incident log and evidence are checked by
    /// their own modules; `IncidentLog::verify` calls this first.
    pub fn verify_storage(&self) -> Result<()> {
        let guard = self.session_guard();
        let session = guard.as_ref().ok_or(Error::Locked)?;
        let conn = &session.conn;
        check::database(conn)?;
        attempts::check(&self.dir, conn, session.db_index)?;
        let kf = KeyFile::read(&self.key_path())?;
        let other: Option<Vec<u8>> = conn
            .query_row("SELECT value FROM meta WHERE key = 'other_key'", [], |r| {
                r.get(0)
            })
            .optional()?;
        match other {
            // The real database: it vouches for its slots, and the decoy for the duress slot.
            Some(o) if o.len() == 33 && o[..32].iter().any(|b| *b != 0) && o[32] < DB_COUNT => {
                check::key_file(conn, &kf, &check::REAL_PARTS)?;
                let mut key = Zeroizing::new([0u8; 32]);
                key.copy_from_slice(&o[..32]);
                let _open = twins::OpenMark::new(&Self::db_path(&self.dir, o[32]));
                let (decoy, _) = open_or_read(&self.dir, &Self::db_path(&self.dir, o[32]), &key)?;
                check::database(&decoy)?;
                check::key_file(&decoy, &kf, &check::DECOY_PARTS)?;
                attempts::check(&self.dir, &decoy, o[32])?;
                drop(decoy);
            }
            // The decoy (opened with the duress PIN) can only check itself; what it prints is
            // the same as for the real database.
            _ => check::key_file(conn, &kf, &check::DECOY_PARTS)?,
        }
        drop(guard);
        self.even_out_quietly();
        self.read_armed()?;
        Ok(())
    }

    /// Removes the duress PIN: afterwards it opens nothing (a wrong PIN, like any other). Needs
    /// the PIN of the store whose duress PIN it is (the duress PIN removes the decoy's own, as
    /// `set_duress_secret` sets it). The slot becomes random bytes, so the key file looks the same as one that
    /// never had a duress PIN; the decoy database, which vouches for that slot, learns the new
    /// bytes (else `verify` would report the removal as tampering).
    pub fn remove_duress_secret(&self, pin: &str) -> Result<()> {
        let (role, own) = self.attempt(pin, &PIN_SLOTS)?;
        let (slot, target) = self.duress_target(role, own)?;
        self.replace_slot(slot, &target, |_| Ok(()), |kf| kf.clear_slot(slot))?;
        tracing::info!("duress PIN removed");
        Ok(())
    }

    pub fn status(&self) -> Result<VaultStatus> {
        let kf = KeyFile::read(&self.key_path())?;
        let now = self.clock.now();
        Ok(VaultStatus {
            unlocked: self.is_unlocked(),
            failed_attempts: kf.failed_attempts,
            locked_until: honoured_lockout(kf.locked_until, now),
            kdf_memory_kib: kf.kdf.memory_kib,
            kdf_iterations: kf.kdf.iterations,
            kdf_lanes: kf.kdf.lanes,
        })
    }

    /// Runs `f` on the open database (read-only use).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let guard = self.session_guard();
        let session = guard.as_ref().ok_or(Error::Locked)?;
        f(&session.conn)
    }

    /// Runs `f` in one transaction, committed durably if it returns Ok and rolled back otherwise.
    pub fn write<T>(&self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        let mut guard = self.session_guard();
        let session = guard.as_mut().ok_or(Error::Locked)?;
        if let Some(reason) = &session.read_only {
            return Err(Error::storage(reason.clone()));
        }
        let tx = session
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let wrapped = Tx {
            tx,
            keys: &session.keys,
            clock: self.clock.as_ref(),
        };
        let value = f(&wrapped).map_err(|e| explain(&self.dir, e))?;
        wrapped
            .tx
            .commit()
            .map_err(|e| explain(&self.dir, e.into()))?;
        Ok(value)
    }

    pub fn subkey(&self, label: &str) -> Result<Zeroizing<[u8; 32]>> {
        let guard = self.session_guard();
        Ok(guard.as_ref().ok_or(Error::Locked)?.keys.subkey(label))
    }

    /// Folder for encrypted files belonging to the open database.
    pub fn blob_dir(&self) -> Result<PathBuf> {
        let guard = self.session_guard();
        Ok(guard.as_ref().ok_or(Error::Locked)?.keys.blob_dir.clone())
    }

    pub(crate) fn with_keys<T>(&self, f: impl FnOnce(&SessionKeys) -> Result<T>) -> Result<T> {
        let guard = self.session_guard();
        f(&guard.as_ref().ok_or(Error::Locked)?.keys)
    }

    /// What the safety module armed for delivery while the vault is locked (empty: nothing).
    /// Needs no PIN: sealed with a key bound to this device (see `armed_file`).
    pub fn read_armed(&self) -> Result<Zeroizing<Vec<u8>>> {
        let (vault_id, key) = self.armed_key()?;
        armed_file::read(&self.dir, &key, &vault_id)
    }

    /// Replaces the armed payload atomically; the file keeps its size whatever the payload.
    /// Hold `lock_armed()` around a read-change-write.
    pub fn write_armed(&self, payload: &[u8]) -> Result<()> {
        let (vault_id, key) = self.armed_key()?;
        armed_file::write(&self.dir, &key, &vault_id, payload)
    }

    fn armed_key(&self) -> Result<ArmedKey> {
        let mut cached = self.armed_key.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((id, key)) = cached.as_ref() {
            return Ok((*id, key.clone()));
        }
        let vault_id = KeyFile::read(&self.key_path())?.vault_id;
        let key = armed_file::key(&vault_id, self.prf.as_ref())?;
        *cached = Some((vault_id, key.clone()));
        Ok((vault_id, key))
    }

    /// Exclusive use of the armed file, across threads and processes, until the guard drops.
    pub fn lock_armed(&self) -> Result<ArmedGuard> {
        armed_file::lock(&self.dir)
    }

    /// The wrong PINs (and recovery codes) typed since the person last acknowledged them, as
    /// the open store recorded them at its unlocks; `None` when there were none.
    pub fn wrong_pins(&self) -> Result<Option<WrongPins>> {
        self.read(attempts::unseen)
    }

    /// The person has seen `wrong_pins`: it starts again from none.
    pub fn acknowledge_wrong_pins(&self) -> Result<()> {
        self.write(|tx| attempts::acknowledge(tx.conn()))
    }

    /// Whether the open database is the decoy (unlocked with the duress PIN). Crate-only: no
    /// screen may ever show it; the safety module uses it so the decoy never touches the armed
    /// file of the real plan.
    pub(crate) fn opened_with_duress(&self) -> Result<bool> {
        let guard = self.session_guard();
        Ok(guard.as_ref().ok_or(Error::Locked)?.duress)
    }

    /// True once per session opened with the duress PIN (the first time it is asked), false
    /// otherwise: the safety module's duress-unlock alert goes out once per such unlock.
    pub(crate) fn take_duress_unlock(&self) -> Result<bool> {
        let mut guard = self.session_guard();
        let session = guard.as_mut().ok_or(Error::Locked)?;
        Ok(std::mem::take(&mut session.unlock_alert_pending))
    }

    /// A choice the person made in the app (stored encrypted, like everything else).
    pub fn preference(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT value FROM preferences WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })
    }

    pub fn set_preference(&self, key: &str, value: &str) -> Result<()> {
        if key.is_empty() || key.len() > 100 || value.len() > 10_000 {
            return Err(Error::invalid("preference", "key or value is too long"));
        }
        self.write(|tx| {
            tx.conn().execute(
                "INSERT INTO preferences (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
            Ok(())
        })
    }

    /// Moves committed WAL pages into the database and empties the WAL, so that removed content
    /// (redactions) does not linger in the -wal file.
    pub fn checkpoint(&self) -> Result<()> {
        self.read(|c| {
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })?;
        self.even_out_quietly();
        Ok(())
    }

    fn session_guard(&self) -> MutexGuard<'_, Option<Session>> {
        // A panic while holding the lock must not brick the vault: the state is in SQLite.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn start_session(&self, content: &SlotContent, duress: bool) -> Result<()> {
        if content.db_index >= DB_COUNT {
            return Err(Error::integrity("the vault's key file is damaged"));
        }
        let path = Self::db_path(&self.dir, content.db_index);
        let open = twins::OpenMark::new(&path);
        let (mut conn, read_only) = open_or_read(&self.dir, &path, &content.data_key)?;
        schema::migrate(&mut conn)?;
        let seed: Vec<u8> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'signing_seed'",
                [],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::integrity("the vault's signing key is missing"))?;
        let mut signing_seed = Zeroizing::new([0u8; 32]);
        if seed.len() != 32 {
            return Err(Error::integrity("the vault's signing key is damaged"));
        }
        signing_seed.copy_from_slice(&seed);
        let keys = SessionKeys {
            data_key: content.data_key.clone(),
            signing_seed,
            blob_dir: Self::blob_path(&self.dir),
        };
        let writable = read_only.is_none();
        *self.session_guard() = Some(Session {
            conn,
            _open: open,
            keys,
            duress,
            db_index: content.db_index,
            unlock_alert_pending: duress,
            read_only,
        });
        if writable {
            gather_evidence(&self.dir)?;
            self.ensure_erase_file();
            self.ensure_duress_alert_file();
            self.even_out_quietly();
        }
        tracing::info!("vault unlocked");
        Ok(())
    }

    /// One unlock attempt: throttling, one Argon2id, one PRF call, every slot tried.
    ///
    /// The attempt is counted as wrong *before* the slow work, under the key-file lock, so
    /// parallel attempts cannot outrun the counter; a right secret then clears it.
    fn attempt(&self, secret: &str, accept: &[SlotRole]) -> Result<(SlotRole, SlotContent)> {
        self.attempt_noting(secret, accept, &mut None)
    }

    /// `attempt`, noting in `derived` when the key derivation and slot trials ended.
    fn attempt_noting(
        &self,
        secret: &str,
        accept: &[SlotRole],
        derived: &mut Option<std::time::Instant>,
    ) -> Result<(SlotRole, SlotContent)> {
        let now = self.clock.now();
        // The recovery code is 128 random bits: nothing to throttle, and a lock-out planted
        // in the key file must not shut the person out of their own vault.
        let recovery_only = accept == [SlotRole::Recovery];
        let kf = {
            let _lock = lock::lock(&self.dir)?;
            let mut kf = KeyFile::read(&self.key_path())?;
            let honoured = honoured_lockout(kf.locked_until, now);
            if let Some(until) = honoured.filter(|_| !recovery_only) {
                if until.timestamp() != kf.locked_until {
                    // A lock-out beyond the longest back-off was not written by Waymark.
                    kf.locked_until = until.timestamp();
                    kf.write_attempts(&self.key_path())?;
                }
                return Err(Error::LockedOut { until });
            }
            kf.failed_attempts = kf.failed_attempts.saturating_add(1);
            kf.locked_until = backoff(kf.failed_attempts)
                .map(|d| (now + d).timestamp())
                .unwrap_or(0);
            kf.write_attempts(&self.key_path())?;
            kf
        };

        let s = stretch(&kf, secret, self.prf.as_ref())?;
        let mut found = None;
        for role in SlotRole::ALL {
            let opened = kf.open_slot(role, &slot_kek(&kf, &s, role));
            if found.is_none() && accept.contains(&role) {
                found = opened.map(|c| (role, c));
            }
        }
        *derived = Some(std::time::Instant::now());
        match found {
            Some(hit) => {
                let taken = {
                    let _lock = lock::lock(&self.dir)?;
                    let mut now_kf = KeyFile::read(&self.key_path())?;
                    let taken =
                        attempts::take(&self.dir, now_kf.failed_attempts, kf.failed_attempts);
                    now_kf.failed_attempts = 0;
                    now_kf.locked_until = 0;
                    now_kf.write_attempts(&self.key_path())?;
                    taken
                };
                // Kept in the store when there is something to keep, or no record file yet (a
                // vault made before it existed gets one): a plain unlock opens nothing more.
                if !matches!(taken, Ok(None)) || !self.dir.join(attempts::FILE).exists() {
                    self.keep_attempts(&hit.1, taken);
                }
                Ok(hit)
            }
            None => {
                // The same locked read and synced write of the key file as a right secret's
                // (the counter written again unchanged), so both take the same time.
                let rewritten = {
                    let _lock = lock::lock(&self.dir)?;
                    KeyFile::read(&self.key_path())
                        .and_then(|now_kf| now_kf.write_attempts(&self.key_path()))
                };
                // Another process's wrong try may have erased the vault meanwhile (see `erase`):
                // this one was wrong all the same.
                if let Err(e) = rewritten {
                    if Self::exists(&self.dir) {
                        return Err(e);
                    }
                    return Err(Error::WrongSecret { retry_after: None });
                }
                // The person's "erase after N wrong PINs", if on and this is the Nth. Never for
                // the recovery code alone: it is the way back for someone who forgot the PIN.
                if !recovery_only && self.erase_if_due(kf.failed_attempts) {
                    return Err(Error::WrongSecret { retry_after: None });
                }
                // Its time, sealed: the counter alone must not be all that is left of it. Only
                // once it is known to be wrong, so a good unlock does no more work than before
                // (an attempt killed half-way is counted, with no time).
                if let Err(e) = attempts::record(&self.dir, kf.failed_attempts, now) {
                    tracing::warn!(error = %e, "could not record the attempt's time");
                }
                tracing::warn!(failed_attempts = kf.failed_attempts, "wrong secret");
                Err(Error::WrongSecret {
                    retry_after: honoured_lockout(kf.locked_until, now),
                })
            }
        }
    }
}

impl Vault {
    /// Moves the wrong attempts' records into the store `content` opens. Best effort: the
    /// unlock must not fail because a record could not be kept (a read-only folder).
    fn keep_attempts(&self, content: &SlotContent, taken: Result<Option<attempts::Taken>>) {
        let kept = taken.and_then(|taken| {
            if let Some(t) = &taken {
                t.clear(&self.dir)?;
            }
            if content.db_index >= DB_COUNT {
                return Err(Error::integrity("the vault's key file is damaged"));
            }
            let _open = twins::OpenMark::new(&Self::db_path(&self.dir, content.db_index));
            let conn = open_database(
                &Self::db_path(&self.dir, content.db_index),
                &content.data_key,
            )?;
            attempts::keep(&self.dir, &conn, content.db_index, taken)
        });
        if let Err(e) = kept {
            tracing::warn!(error = %e, "could not keep the record of wrong attempts");
        }
    }
}

/// The lock-out to honour: what the key file says, but never more than the longest back-off
/// from now (the field is not authenticated: it must change without the PIN).
fn honoured_lockout(locked_until: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let latest = now + Duration::seconds(MAX_DELAY_SECS);
    if locked_until <= now.timestamp() {
        return None;
    }
    Some(
        Utc.timestamp_opt(locked_until, 0)
            .single()
            .filter(|t| *t <= latest)
            .unwrap_or(latest),
    )
}

/// No delay for the first few mistakes (people mistype), then 30 s doubling up to an hour.
fn backoff(failed: u32) -> Option<Duration> {
    if failed < FREE_ATTEMPTS {
        return None;
    }
    let doublings = (failed - FREE_ATTEMPTS).min(16);
    Some(Duration::seconds(
        (FIRST_DELAY_SECS << doublings).min(MAX_DELAY_SECS),
    ))
}

fn stretch(kf: &KeyFile, secret: &str, prf: &dyn HardwarePrf) -> Result<Stretched> {
    let soft = kdf::argon2id(secret.as_bytes(), &kf.salt, &kf.kdf)?;
    let hard = Zeroizing::new(prf.prf(&soft)?);
    Ok(Stretched { soft, hard })
}

fn slot_kek(kf: &KeyFile, s: &Stretched, role: SlotRole) -> Zeroizing<[u8; 32]> {
    let ikm: &[u8] = if role.hardware_bound() {
        s.hard.as_ref()
    } else {
        s.soft.as_ref()
    };
    kdf::hkdf32(&kf.vault_id, ikm, &[b"waymark slot kek v1", &[role as u8]])
}

/// Opens a SQLCipher database with a raw 256-bit key (no SQLCipher KDF: the key is already random).
fn open_database(path: &Path, key: &[u8; 32]) -> Result<Connection> {
    let conn = Connection::open(path)?;
    // First, so that every statement below waits for another process's write instead of failing.
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let hex_key = Zeroizing::new(format!("x'{}'", hex::encode(key)));
    conn.pragma_update(None, "key", hex_key.as_str())?;
    // SQLCipher otherwise logs decryption failures to stderr (logcat on Android). Its defaults are
    // applied when the first key is set, so this comes after the key.
    conn.query_row("PRAGMA cipher_log = off", [], |_| Ok(()))?;
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
    // Reading the schema fails here if the key is wrong or the file was changed.
    // Only a page that fails its HMAC is damage: a full disk or a read-only folder is not.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .map_err(|e| match Error::from(e) {
            Error::Integrity { .. } => {
                Error::integrity("the vault's database is damaged or was changed outside Waymark")
            }
            other => other,
        })?;
    // Already WAL since creation: asking again writes nothing (and works on a read-only disk).
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -16384;",
    )?;
    Ok(conn)
}

/// Vaults made before both stores shared one evidence folder kept `files-0/evidence` and
/// `files-1/evidence`, which showed which store held evidence. Their files move into the shared
/// folder (no key needed: every name is a random id) and the old folders go.
fn gather_evidence(dir: &Path) -> Result<()> {
    let pool = Vault::blob_path(dir).join("evidence");
    for index in 0..DB_COUNT {
        let old = dir.join(format!("files-{index}"));
        if !old.is_dir() {
            continue;
        }
        let old_evidence = old.join("evidence");
        if old_evidence.is_dir() {
            if !Vault::blob_path(dir).is_dir() {
                private_dir_builder().create(Vault::blob_path(dir))?;
            }
            std::fs::create_dir_all(&pool)?;
            for entry in std::fs::read_dir(&old_evidence)? {
                let entry = entry?;
                let to = pool.join(entry.file_name());
                // Names are random 128-bit ids: a clash means this ran before and was cut short.
                if !to.exists() {
                    std::fs::rename(entry.path(), to)?;
                }
            }
            keyfile::sync_dir(&pool);
            // Not empty only if something unexpected is in it: left where it is.
            let _ = std::fs::remove_dir(&old_evidence);
        }
        let _ = std::fs::remove_dir(&old);
    }
    Ok(())
}

/// What a vault creation that crashed before writing the key file may have left behind.
fn is_leftover(name: &str) -> bool {
    name.starts_with("store-")
        || name.starts_with("files")
        || name.starts_with(".tmp-")
        || [
            ARMED_FILE,
            attempts::FILE,
            erase::FILE,
            duress_alert::FILE,
            "checkin.lock",
            "vault.lock",
        ]
        .contains(&name)
}

/// Opens a database to read and write, or only to read when the folder cannot be written (then
/// with the reason, which every write in the session returns): reading keeps working.
fn open_or_read(dir: &Path, path: &Path, key: &[u8; 32]) -> Result<(Connection, Option<String>)> {
    match open_database(path, key).map_err(|e| explain(dir, e)) {
        Ok(conn) => Ok((conn, None)),
        Err(Error::Storage { reason }) if reason == NO_SPACE || reason == CANNOT_WRITE => {
            Ok((open_database_to_read(path, key)?, Some(reason)))
        }
        Err(e) => Err(e),
    }
}

/// SQLite reports a write that failed for lack of space as a plain I/O error at times; a small
/// probe write in the vault folder tells a full disk or a read-only folder apart from a fault.
fn explain(dir: &Path, e: Error) -> Error {
    let Error::Storage { reason } = &e else {
        return e;
    };
    if !reason.starts_with("database error") {
        return e;
    }
    let probe = dir.join(format!(".tmp-probe-{}", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        use std::io::Write;
        let mut f = private_file_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&probe)?;
        f.write_all(&[0u8; 64 * 1024])?;
        f.sync_all()
    })();
    let _ = std::fs::remove_file(&probe);
    match written {
        Err(io) => match Error::from(io) {
            Error::Storage { reason } if reason == NO_SPACE || reason == CANNOT_WRITE => {
                Error::storage(reason)
            }
            _ => e,
        },
        Ok(()) => e,
    }
}

/// Opens a database for reading only, when the folder cannot be written (a full disk cannot
/// even hold the shared-memory index, a read-only one cannot create it). Only when the
/// write-ahead log is empty (every commit is in the database file, as after a clean close): the
/// file is then read as it is ("immutable"), with no index, lock or log file written.
fn open_database_to_read(path: &Path, key: &[u8; 32]) -> Result<Connection> {
    use rusqlite::OpenFlags;
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(Error::storage(
            "cannot open the vault: the disk is full or read-only and the last changes are \
             still in its write-ahead log; free some space (or make it writable) and try again",
        ));
    }
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'%' | b'?' | b'#' => uri.push_str(&format!("%{b:02X}")),
            _ => uri.push(b as char),
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    let conn = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let hex_key = Zeroizing::new(format!("x'{}'", hex::encode(key)));
    conn.pragma_update(None, "key", hex_key.as_str())?;
    conn.query_row("PRAGMA cipher_log = off", [], |_| Ok(()))?;
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .map_err(|e| match Error::from(e) {
            Error::Integrity { .. } => {
                Error::integrity("the vault's database is damaged or was changed outside Waymark")
            }
            other => other,
        })?;
    conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;")?;
    Ok(conn)
}

/// Options for a file only this user may read (0600 on Unix), whatever the folder's mode.
pub(crate) fn private_file_options() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

/// A folder only this user may open (0700 on Unix).
fn private_dir_builder() -> std::fs::DirBuilder {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b
}

/// A handle dropped while unlocked locks, so the stores' files are evened out as on `lock`.
impl Drop for Vault {
    fn drop(&mut self) {
        if self.is_unlocked() {
            self.lock();
        }
    }
}

#[cfg(test)]
mod tests;
