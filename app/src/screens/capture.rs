//! The capture flow: a photo (or a file) for the incident just logged or open in detail.
//! AddPhoto asks for the camera (once), the camera streams its bytes back as `CameraChunk`s,
//! each encrypted by the core's evidence writer as it arrives (never held whole here, never a
//! plaintext file), and `CameraDone` seals the item and attaches it. `CameraCancelled` (or a
//! lock, or an error) throws the capture away: no row, no file. A picked file goes through the
//! core's own import, with the core's size limit.

use std::path::PathBuf;
use std::sync::Arc;

use waymark_core::evidence::{
    human_size, CaptureMethod, EvidenceStore, EvidenceWriter, NewEvidence, DEFAULT_MAX_FILE_BYTES,
};
use waymark_core::vault::Vault;
use waymark_core::Error;

use crate::effect::{Effect, HapticKind, Permission};
use crate::model::Model;
use crate::strings::fill;
use crate::view::Tone;

type WriterSlot<'v> = Option<EvidenceWriter<'v>>;

self_cell::self_cell!(
    /// The core's writer borrows the vault; this keeps the vault alive beside it.
    pub(crate) struct WriterCell {
        owner: Arc<Vault>,
        #[not_covariant]
        dependent: WriterSlot,
    }
);

impl std::fmt::Debug for WriterCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriterCell")
    }
}

#[derive(Debug)]
pub(crate) struct CaptureState {
    /// The incident the camera or the picker was opened for.
    pub target: Option<String>,
    /// The capture in progress, from its first chunk to done or cancelled. Dropping it throws
    /// the capture away (the core removes its encrypted temporary file).
    pub writer: Option<WriterCell>,
    pub camera_allowed: bool,
    /// Largest item kept (the core's limit for an imported file; the same for the camera).
    pub max_bytes: u64,
}

impl Default for CaptureState {
    fn default() -> Self {
        CaptureState {
            target: None,
            writer: None,
            camera_allowed: false,
            max_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

impl CaptureState {
    /// Throws away whatever is half-captured.
    pub fn reset(&mut self) {
        self.writer = None;
        self.target = None;
    }
}

impl Model {
    /// The incident a photo or file goes to: the one open in detail, else the one just logged.
    fn capture_target(&self) -> Option<String> {
        self.detail_incident()
            .or_else(|| self.home.last.as_ref().map(|l| l.id.clone()))
    }

    pub(crate) fn add_photo(&mut self) {
        let Some(target) = self.capture_target() else {
            return self.say(self.s.capture_nothing_to_attach, Tone::Caution);
        };
        self.capture.reset();
        self.capture.target = Some(target);
        if self.capture.camera_allowed {
            self.effect(Effect::OpenCamera);
        } else {
            self.effect(Effect::RequestPermission {
                what: Permission::Camera,
                reason: self.s.capture_camera_reason.to_string(),
            });
        }
    }

    pub(crate) fn add_file(&mut self) {
        let Some(target) = self.capture_target() else {
            return self.say(self.s.capture_nothing_to_attach, Tone::Caution);
        };
        self.capture.reset();
        self.capture.target = Some(target);
        self.effect(Effect::PickFile);
    }

    pub(crate) fn permission_result(&mut self, what: Permission, granted: bool) {
        if what != Permission::Camera {
            return;
        }
        self.capture.camera_allowed = granted;
        if self.capture.target.is_none() {
            return;
        }
        if granted {
            self.effect(Effect::OpenCamera);
        } else {
            self.capture.reset();
            self.say(self.s.capture_denied, Tone::Caution);
        }
    }

    /// A piece of the photo: encrypted into the vault at once.
    pub(crate) fn camera_chunk(&mut self, bytes: &[u8]) {
        if self.capture.target.is_none() {
            return;
        }
        if self.capture.writer.is_none() {
            let Some(vault) = self.vault.clone().filter(|v| v.is_unlocked()) else {
                return;
            };
            let begun = WriterCell::try_new(vault, |v| {
                EvidenceStore::new(v)
                    .begin(NewEvidence::new(CaptureMethod::Camera))
                    .map(Some)
            });
            match begun {
                Ok(cell) => self.capture.writer = Some(cell),
                Err(e) => return self.capture_failed(&e),
            }
        }
        let max = self.capture.max_bytes;
        let written = self.capture.writer.as_mut().map(|cell| {
            cell.with_dependent_mut(|_, slot| match slot.as_mut() {
                Some(w) if w.size().saturating_add(bytes.len() as u64) > max => Ok(false),
                Some(w) => w.write_chunk(bytes).map(|()| true),
                None => Ok(false),
            })
        });
        match written {
            Some(Ok(true)) | None => {}
            Some(Ok(false)) => {
                self.capture.reset();
                let limit = human_size(max);
                self.say(
                    fill(self.s.capture_too_large, &[("limit", &limit)]),
                    Tone::Danger,
                );
            }
            Some(Err(e)) => self.capture_failed(&e),
        }
    }

    pub(crate) fn camera_done(&mut self) {
        let Some(target) = self.capture.target.clone() else {
            return;
        };
        let Some(mut cell) = self.capture.writer.take() else {
            // The camera ended without a single byte: nothing to keep.
            self.capture.reset();
            return self.say(self.s.capture_cancelled, Tone::Neutral);
        };
        let finished = cell.with_dependent_mut(|_, slot| match slot.take() {
            Some(w) => w.finish(),
            None => Err(Error::invalid("evidence", "this capture already ended")),
        });
        drop(cell);
        self.capture.reset();
        match finished {
            Ok(item) => self.attach(&item.id, &target, self.s.capture_added),
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn camera_cancelled(&mut self) {
        let pending = self.capture.target.is_some();
        self.capture.reset();
        if pending {
            self.say(self.s.capture_cancelled, Tone::Neutral);
        }
    }

    /// A file the person picked: imported by the core (refused over the limit before anything
    /// is written), then attached.
    pub(crate) fn file_picked(&mut self, path: &str) {
        let Some(target) = self.capture.target.clone() else {
            return;
        };
        self.capture.reset();
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let path = PathBuf::from(path);
        let new = NewEvidence::new(CaptureMethod::Import);
        match EvidenceStore::new(v).add_file_limited(&path, new, self.capture.max_bytes) {
            Ok(item) => self.attach(&item.id, &target, self.s.file_added),
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn file_pick_cancelled(&mut self) {
        self.capture.reset();
    }

    fn attach(&mut self, evidence_id: &str, incident_id: &str, done: &'static str) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match EvidenceStore::new(v).attach(evidence_id, incident_id) {
            Ok(_) => {
                self.say(done, Tone::Good);
                self.effect(Effect::Haptic {
                    kind: HapticKind::Confirm,
                });
                // A photo is a detail: Undo of the quick log would throw it away too.
                if let Some(l) = self.home.last.as_mut() {
                    l.undo_until = l.at;
                }
            }
            Err(e) => self.fail(&e),
        }
    }

    fn capture_failed(&mut self, e: &Error) {
        self.capture.reset();
        self.fail(e);
    }
}
