//! The evidence store as the shells see it: add a file, or stream a capture chunk by chunk
//! through a writer object; attach, verify, make a sharing copy, extract.

use crate::progress::{with_progress, CancelHandle, ProgressListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use waymark_core::evidence as core_ev;

use crate::error::{Result, WaymarkError};
use crate::time::to_system_time;
use crate::vault::Vault;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CaptureMethod {
    /// Taken with the in-app camera.
    Camera,
    /// An existing original brought in from elsewhere.
    Import,
    Screenshot,
    /// An audio recording (in-app or a voicemail).
    Audio,
    /// A letter, note or other document.
    Document,
}

macro_rules! mirror_methods {
    ($($v:ident),*) => {
        impl From<core_ev::CaptureMethod> for CaptureMethod {
            fn from(m: core_ev::CaptureMethod) -> Self {
                match m { $(core_ev::CaptureMethod::$v => CaptureMethod::$v,)* }
            }
        }
        impl From<CaptureMethod> for core_ev::CaptureMethod {
            fn from(m: CaptureMethod) -> Self {
                match m { $(CaptureMethod::$v => core_ev::CaptureMethod::$v,)* }
            }
        }
    };
}
mirror_methods!(Camera, Import, Screenshot, Audio, Document);

/// Where an item was captured, if the person chose to record it.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct EvidenceLocation {
    pub lat: f64,
    pub lon: f64,
    #[uniffi(default = None)]
    pub accuracy_m: Option<f64>,
}

impl From<EvidenceLocation> for core_ev::Location {
    fn from(l: EvidenceLocation) -> Self {
        core_ev::Location {
            lat: l.lat,
            lon: l.lon,
            accuracy_m: l.accuracy_m,
        }
    }
}
impl From<core_ev::Location> for EvidenceLocation {
    fn from(l: core_ev::Location) -> Self {
        EvidenceLocation {
            lat: l.lat,
            lon: l.lon,
            accuracy_m: l.accuracy_m,
        }
    }
}

/// What the shell says about an item it is about to add.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NewEvidence {
    pub how: CaptureMethod,
    /// Kept encrypted; shown to the person only.
    #[uniffi(default = None)]
    pub original_name: Option<String>,
    #[uniffi(default = None)]
    pub location: Option<EvidenceLocation>,
}

impl From<NewEvidence> for core_ev::NewEvidence {
    fn from(n: NewEvidence) -> Self {
        core_ev::NewEvidence {
            how: n.how.into(),
            original_name: n.original_name,
            location: n.location.map(Into::into),
        }
    }
}

/// "Derived from sha256 X by strip-metadata".
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Derivation {
    pub from_id: String,
    pub from_sha256: String,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EvidenceItem {
    pub id: String,
    /// Hex SHA-256 of the original bytes, computed as they streamed in.
    pub sha256: String,
    pub size: u64,
    /// Recognised from the content, never from the file name.
    pub media_type: String,
    pub how: CaptureMethod,
    pub captured_at: SystemTime,
    pub location: Option<EvidenceLocation>,
    pub original_name: Option<String>,
    pub derived_from: Option<Derivation>,
    /// Ids of the incidents it is attached to.
    pub incidents: Vec<String>,
    /// The log entry that recorded it.
    pub log_seq: u64,
}

impl From<core_ev::EvidenceItem> for EvidenceItem {
    fn from(i: core_ev::EvidenceItem) -> Self {
        EvidenceItem {
            id: i.id,
            sha256: i.sha256,
            size: i.size,
            media_type: i.media_type,
            how: i.how.into(),
            captured_at: to_system_time(i.captured_at),
            location: i.location.map(Into::into),
            original_name: i.original_name,
            derived_from: i.derived_from.map(|d| Derivation {
                from_id: d.from_id,
                from_sha256: d.from_sha256,
                method: d.method,
            }),
            incidents: i.incidents,
            log_seq: i.log_seq,
        }
    }
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ItemProblem {
    pub id: String,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EvidenceVerifyReport {
    pub checked: u64,
    /// Empty when every item and its log entry check out.
    pub problems: Vec<ItemProblem>,
}

/// A sharing copy: the new item, and in plain words what it no longer carries.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SharingCopy {
    pub item: EvidenceItem,
    pub removed: Vec<String>,
    pub kept_orientation: bool,
}

pub(crate) fn path_arg(field: &str, path: &str) -> Result<PathBuf> {
    if path.is_empty() || path.contains('\0') {
        return Err(WaymarkError::invalid(field, "is not a usable path"));
    }
    Ok(PathBuf::from(path))
}

/// The evidence kept in a vault. Every call needs the vault unlocked (`Locked` otherwise).
#[derive(uniffi::Object)]
pub struct EvidenceStore {
    pub(crate) vault: Arc<Vault>,
}

impl EvidenceStore {
    fn core(&self) -> core_ev::EvidenceStore<'_> {
        core_ev::EvidenceStore::new(&self.vault.inner)
    }
}

#[uniffi::export]
impl EvidenceStore {
    /// Adds the file at `path` (read, never modified); its name is kept encrypted. Long for a
    /// video: off the main thread. Cancelled, nothing of it is kept.
    #[uniffi::method(default(listener = None, cancel = None))]
    pub fn add_file(
        &self,
        path: String,
        new: NewEvidence,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<EvidenceItem> {
        let path = path_arg("path", &path)?;
        let item = with_progress(listener, cancel, |p| {
            self.core().add_file_with_progress(&path, new.into(), p)
        })?;
        Ok(item.into())
    }

    /// Starts an item whose bytes arrive piece by piece (camera, microphone).
    pub fn begin(&self, new: NewEvidence) -> Result<Arc<EvidenceWriter>> {
        let cell = WriterCell::try_new(self.vault.clone(), |vault| {
            core_ev::EvidenceStore::new(&vault.inner)
                .begin(new.into())
                .map(Some)
        })?;
        Ok(Arc::new(EvidenceWriter {
            cell: Mutex::new(cell),
        }))
    }

    /// Attaches an item to an incident (either may be a unique prefix).
    pub fn attach(&self, evidence_id: String, incident_id: String) -> Result<EvidenceItem> {
        Ok(self.core().attach(&evidence_id, &incident_id)?.into())
    }

    /// Every item, newest capture first.
    pub fn list(&self) -> Result<Vec<EvidenceItem>> {
        Ok(self.core().list()?.into_iter().map(Into::into).collect())
    }

    pub fn get(&self, id: String) -> Result<EvidenceItem> {
        Ok(self.core().get(&id)?.into())
    }

    /// Items attached to an incident (full incident id).
    pub fn for_incident(&self, incident_id: String) -> Result<Vec<EvidenceItem>> {
        Ok(self
            .core()
            .for_incident(&incident_id)?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Checks one item end to end; `Integrity` names it if anything fails.
    pub fn verify(&self, id: String) -> Result<EvidenceItem> {
        Ok(self.core().verify(&id)?.into())
    }

    /// Checks every item and the log entries that record them.
    pub fn verify_all(&self) -> Result<EvidenceVerifyReport> {
        let r = self.core().verify_all()?;
        Ok(EvidenceVerifyReport {
            checked: r.checked,
            problems: r
                .problems
                .into_iter()
                .map(|p| ItemProblem {
                    id: p.id,
                    problem: p.problem,
                })
                .collect(),
        })
    }

    /// Writes a copy without location, serial numbers or thumbnails to `out_path` (a new file),
    /// for sharing; it is kept as an item derived from the original.
    pub fn share_copy(&self, id: String, out_path: String) -> Result<SharingCopy> {
        let copy = self
            .core()
            .share_copy(&id, &path_arg("output path", &out_path)?)?;
        Ok(SharingCopy {
            item: copy.item.into(),
            removed: copy
                .report
                .removed
                .iter()
                .map(|r| r.describe().to_string())
                .collect(),
            kept_orientation: copy.report.kept_orientation,
        })
    }

    /// Writes the checked original to a new file at `out_path` (never overwrites). Cancelled,
    /// no partial file is left.
    #[uniffi::method(default(listener = None, cancel = None))]
    pub fn extract_to_path(
        &self,
        id: String,
        out_path: String,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<EvidenceItem> {
        let out = path_arg("output path", &out_path)?;
        let item = with_progress(listener, cancel, |p| {
            self.core().extract_to_path_with_progress(&id, &out, p)
        })?;
        Ok(item.into())
    }

    /// Removes what interrupted captures left behind (a crash, a killed app); returns how many.
    /// Captures in progress are kept.
    pub fn sweep_leftovers(&self) -> Result<u64> {
        Ok(u64::try_from(self.core().sweep_leftovers()?).unwrap_or(u64::MAX))
    }

    /// Crypto-shreds an item; the log keeps only hashes and a record that it was deleted.
    pub fn delete(&self, id: String) -> Result<()> {
        Ok(self.core().delete(&id)?)
    }
}

type WriterSlot<'v> = Option<core_ev::EvidenceWriter<'v>>;

self_cell::self_cell!(
    /// The core's writer borrows the vault; this keeps the vault alive beside it.
    struct WriterCell {
        owner: Arc<Vault>,
        #[not_covariant]
        dependent: WriterSlot,
    }
);

/// One capture in progress. Chunks are encrypted as they arrive; nothing becomes visible until
/// `finish`. Dropping it (or `abort`) leaves no trace. Thread-safe, but chunks must come in order.
#[derive(uniffi::Object)]
pub struct EvidenceWriter {
    cell: Mutex<WriterCell>,
}

fn ended() -> WaymarkError {
    WaymarkError::invalid("evidence", "this capture already ended")
}

impl EvidenceWriter {
    fn with<T>(&self, f: impl FnOnce(&mut WriterSlot<'_>) -> Result<T>) -> Result<T> {
        let mut cell = self.cell.lock().unwrap_or_else(|p| p.into_inner());
        cell.with_dependent_mut(|_, slot| f(slot))
    }
}

#[uniffi::export]
impl EvidenceWriter {
    /// The id the item will have.
    pub fn id(&self) -> Result<String> {
        self.with(|slot| Ok(slot.as_ref().ok_or_else(ended)?.id().to_string()))
    }

    /// Bytes accepted so far.
    pub fn size(&self) -> Result<u64> {
        self.with(|slot| Ok(slot.as_ref().ok_or_else(ended)?.size()))
    }

    pub fn write_chunk(&self, bytes: Vec<u8>) -> Result<()> {
        self.with(|slot| Ok(slot.as_mut().ok_or_else(ended)?.write_chunk(&bytes)?))
    }

    /// Seals and records the item; the writer cannot be used afterwards.
    pub fn finish(&self) -> Result<EvidenceItem> {
        self.with(|slot| Ok(slot.take().ok_or_else(ended)?.finish()?.into()))
    }

    /// Throws the capture away.
    pub fn abort(&self) -> Result<()> {
        self.with(|slot| Ok(slot.take().ok_or_else(ended)?.abort()?))
    }
}
