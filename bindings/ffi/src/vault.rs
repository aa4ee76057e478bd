//! The vault as the shells see it: create, open, unlock, lock, change the PIN, recover, back up
//! and restore.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use waymark_core::vault::{self as core_vault, CreateOptions, KdfChoice, KdfParams};

use crate::error::{Result, WaymarkError};
use crate::evidence::{path_arg, EvidenceStore};
use crate::log::IncidentLog;
use crate::platform::{HardwarePrf, ShellClock, ShellPrf, WallClock};
use crate::progress::{with_progress, CancelHandle, ProgressListener};
use crate::reports::Reports;
use crate::routes::Routes;
use crate::safety::Safety;
use crate::time::to_system_time;

/// How hard the PIN is stretched (Argon2id) when a vault is created.
#[derive(Debug, Clone, Copy, uniffi::Enum)]
pub enum KeyDerivation {
    /// Measure this phone and choose parameters that take about `target_ms` (500 is the app's
    /// choice). Later unlocks reuse what was chosen.
    Calibrated { target_ms: u32 },
    /// Deliberately cheap: for tests and throw-away demo vaults ONLY.
    MinimalForTestsOnly,
}

impl KeyDerivation {
    pub(crate) fn to_core(self) -> Result<KdfChoice> {
        match self {
            KeyDerivation::Calibrated { target_ms } => {
                if !(50..=10_000).contains(&target_ms) {
                    return Err(WaymarkError::invalid(
                        "key derivation",
                        "target must be between 50 and 10000 ms",
                    ));
                }
                Ok(KdfChoice::Calibrate {
                    target: Duration::from_millis(u64::from(target_ms)),
                })
            }
            KeyDerivation::MinimalForTestsOnly => Ok(KdfChoice::Fixed(KdfParams::MIN_FOR_TESTS)),
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct VaultStatus {
    pub unlocked: bool,
    /// Wrong attempts since the last success.
    pub failed_attempts: u32,
    /// Set while wrong attempts have locked the vault.
    pub locked_until: Option<SystemTime>,
    pub kdf_memory_kib: u32,
    pub kdf_iterations: u32,
    pub kdf_lanes: u32,
}

impl From<core_vault::VaultStatus> for VaultStatus {
    fn from(s: core_vault::VaultStatus) -> Self {
        VaultStatus {
            unlocked: s.unlocked,
            failed_attempts: s.failed_attempts,
            locked_until: s.locked_until.map(to_system_time),
            kdf_memory_kib: s.kdf_memory_kib,
            kdf_iterations: s.kdf_iterations,
            kdf_lanes: s.kdf_lanes,
        }
    }
}

/// A new vault (already unlocked) and its recovery code, which is shown to the person ONCE and
/// stored nowhere in plain form.
#[derive(uniffi::Record)]
pub struct CreatedVault {
    pub vault: Arc<Vault>,
    pub recovery_code: String,
}

// Debug never shows the recovery code: it could end up in a log or a crash report.
impl std::fmt::Debug for CreatedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedVault")
            .field("recovery_code", &"<hidden>")
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("unlocked", &self.inner.is_unlocked())
            .finish_non_exhaustive()
    }
}

/// An encrypted vault in one folder. Thread-safe: every method may be called from any thread.
#[derive(uniffi::Object)]
pub struct Vault {
    pub(crate) inner: core_vault::Vault,
}

pub(crate) fn vault_dir(dir: &str) -> Result<PathBuf> {
    if dir.is_empty() || dir.contains('\0') {
        return Err(WaymarkError::invalid(
            "vault folder",
            "is not a usable path",
        ));
    }
    Ok(PathBuf::from(dir))
}

pub(crate) fn clock_for(clock: Option<Arc<dyn WallClock>>) -> Arc<dyn waymark_core::Clock> {
    match clock {
        Some(c) => Arc::new(ShellClock(c)),
        None => Arc::new(waymark_core::SystemClock),
    }
}

/// Creates a vault in `dir` (new or empty) protected by `secret` and the phone's `prf`.
/// `clock` is for tests; the app passes null/nil to use the system clock.
#[uniffi::export(default(clock = None))]
pub fn create_vault(
    dir: String,
    secret: String,
    prf: Arc<dyn HardwarePrf>,
    key_derivation: KeyDerivation,
    clock: Option<Arc<dyn WallClock>>,
) -> Result<CreatedVault> {
    let options = CreateOptions {
        prf: Arc::new(ShellPrf(prf)),
        clock: clock_for(clock),
        kdf: key_derivation.to_core()?,
    };
    let (inner, code) = core_vault::Vault::create(&vault_dir(&dir)?, &secret, options)?;
    Ok(CreatedVault {
        vault: Arc::new(Vault { inner }),
        recovery_code: code.as_str().to_string(),
    })
}

/// What a backup wrote.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BackupSummary {
    /// How many files of the vault folder it holds.
    pub files: u64,
    /// The backup file's size in bytes (padded to a size step: it does not tell how much the
    /// vault holds).
    pub bytes: u64,
}

/// Restores the backup at `backup_path` into `dir` (a new or empty folder: never over anything),
/// opened with the `recovery_code`; `new_secret` becomes the PIN on this phone (its `prf`).
/// Returns the vault, unlocked. Everything is checked in a temporary folder beside `dir` before
/// it takes its place, so on any failure nothing is left at `dir`: a damaged, cut or changed
/// backup is `Integrity`, a code that does not open it `WrongSecret` (no retry time: it is not
/// counted, the file is not a vault), a full disk `Storage`, Cancel `Cancelled`. The duress PIN
/// is not carried over (it is bound to the old phone): set it again. Long: off the main thread.
#[allow(clippy::too_many_arguments)]
#[uniffi::export(default(clock = None, listener = None, cancel = None))]
pub fn restore_vault(
    backup_path: String,
    dir: String,
    recovery_code: String,
    new_secret: String,
    prf: Arc<dyn HardwarePrf>,
    key_derivation: KeyDerivation,
    clock: Option<Arc<dyn WallClock>>,
    listener: Option<Arc<dyn ProgressListener>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<Arc<Vault>> {
    let backup = path_arg("backup path", &backup_path)?;
    let dir = vault_dir(&dir)?;
    let options = CreateOptions {
        prf: Arc::new(ShellPrf(prf)),
        clock: clock_for(clock),
        kdf: key_derivation.to_core()?,
    };
    let inner = with_progress(listener, cancel, |p| {
        core_vault::Vault::restore(&backup, &dir, &recovery_code, &new_secret, options, p)
    })?;
    Ok(Arc::new(Vault { inner }))
}

/// Whether `dir` holds a vault (to choose between the set-up and the unlock screen).
#[uniffi::export]
pub fn vault_exists(dir: String) -> bool {
    vault_dir(&dir).is_ok_and(|d| core_vault::Vault::exists(&d))
}

#[uniffi::export]
impl Vault {
    /// A locked handle on the vault in `dir`.
    #[uniffi::constructor(default(clock = None))]
    pub fn open(
        dir: String,
        prf: Arc<dyn HardwarePrf>,
        clock: Option<Arc<dyn WallClock>>,
    ) -> Result<Arc<Self>> {
        let inner =
            core_vault::Vault::open(&vault_dir(&dir)?, Arc::new(ShellPrf(prf)), clock_for(clock))?;
        Ok(Arc::new(Vault { inner }))
    }

    /// Opens with the PIN (or the duress PIN, which opens the decoy: the caller cannot tell).
    /// Wrong: `WrongSecret` with when to retry; too many: `LockedOut`.
    pub fn unlock(&self, secret: String) -> Result<()> {
        Ok(self.inner.unlock(&secret)?)
    }

    /// Forgets every key; reads and writes fail with `Locked` until the next unlock.
    pub fn lock(&self) {
        self.inner.lock()
    }

    pub fn is_unlocked(&self) -> bool {
        self.inner.is_unlocked()
    }

    pub fn change_secret(&self, old_secret: String, new_secret: String) -> Result<()> {
        Ok(self.inner.change_secret(&old_secret, &new_secret)?)
    }

    /// Sets a new PIN with the recovery code, and unlocks.
    pub fn recover(&self, recovery_code: String, new_secret: String) -> Result<()> {
        Ok(self.inner.recover(&recovery_code, &new_secret)?)
    }

    /// Sets the duress PIN, which opens a plausible decoy vault. Needs the real PIN.
    pub fn set_duress_secret(&self, secret: String, duress_secret: String) -> Result<()> {
        Ok(self.inner.set_duress_secret(&secret, &duress_secret)?)
    }

    /// Removes the duress PIN (it then opens nothing). Needs the real PIN.
    pub fn remove_duress_secret(&self, secret: String) -> Result<()> {
        Ok(self.inner.remove_duress_secret(&secret)?)
    }

    /// Writes one encrypted file holding the whole vault (both stores, every evidence file) to
    /// `out_path`, a new file (an existing one is never replaced: InvalidInput). Only the
    /// recovery code opens it (`restoreVault`), on any phone. Needs the vault opened with the
    /// PIN. Cancelled or failed, nothing is left at `out_path`. Long: off the main thread.
    #[uniffi::method(default(listener = None, cancel = None))]
    pub fn backup(
        &self,
        out_path: String,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<BackupSummary> {
        let out = path_arg("output path", &out_path)?;
        let s = with_progress(listener, cancel, |p| self.inner.backup(&out, p))?;
        Ok(BackupSummary {
            files: s.files,
            bytes: s.bytes,
        })
    }

    pub fn status(&self) -> Result<VaultStatus> {
        Ok(self.inner.status()?.into())
    }

    /// "Erase after N wrong PINs in a row": `after` from 5 to 100 turns it on, `None` off. It
    /// cannot be undone once it happens; tell the person so, and ask them to confirm, before
    /// calling with a number. Needs the vault open; the decoy sets the same one setting.
    pub fn set_erase_after(&self, after: Option<u32>) -> Result<()> {
        Ok(self.inner.set_erase_after(after)?)
    }

    /// The setting (`None`: off). Needs the vault open. A wrong PIN that erases answers
    /// `WrongSecret`; afterwards `vaultExists(dir)` is false.
    pub fn erase_after(&self) -> Result<Option<u32>> {
        Ok(self.inner.erase_after()?)
    }

    /// The incident log kept in this vault.
    pub fn incident_log(self: Arc<Self>) -> Arc<IncidentLog> {
        Arc::new(IncidentLog { vault: self })
    }

    /// Contacts, check-ins, help numbers and the checklist.
    pub fn safety(self: Arc<Self>) -> Arc<Safety> {
        Arc::new(Safety { vault: self })
    }

    /// The map, saved places, routes and plans.
    pub fn routes(self: Arc<Self>) -> Arc<Routes> {
        Arc::new(Routes { vault: self })
    }

    /// The PDF report, evidence bundles, receipts and insights.
    pub fn reports(self: Arc<Self>) -> Arc<Reports> {
        Arc::new(Reports { vault: self })
    }

    /// The photos, recordings and documents kept in this vault.
    pub fn evidence_store(self: Arc<Self>) -> Arc<EvidenceStore> {
        Arc::new(EvidenceStore { vault: self })
    }

    /// The police's stalking risk questions with the log's evidence and the person's answers.
    pub fn risk_checklist(self: Arc<Self>) -> Arc<crate::risk::RiskChecklist> {
        Arc::new(crate::risk::RiskChecklist { vault: self })
    }
}
