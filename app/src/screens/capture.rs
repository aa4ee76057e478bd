//! The capture flow: a photo, a video, or a picture or file already on the phone, for the
//! incident just logged or open in detail. The model decides which buttons exist
//! (`evidence_buttons`). Taking a photo or video asks for the camera (once), and for a video the
//! microphone; the camera streams its bytes back as `CameraChunk`s, each encrypted by the core's
//! evidence writer as it arrives (never held whole here), and `CameraDone` seals the item and
//! attaches it. `CameraCancelled` (or a lock, or an error) throws the capture away: no row, no
//! file. A picked item (from the photo library or the files app) goes through the core's own
//! streaming import, with the core's size limit.
use std::path::PathBuf;
use std::sync::Arc;

use waymark_core::evidence::{
    human_size, CaptureMethod, EvidenceStore, EvidenceWriter, NewEvidence, DEFAULT_MAX_FILE_BYTES,
};
use waymark_core::vault::Vault;
use waymark_core::Error;

use crate::effect::{CaptureKind, Effect, HapticKind, Permission, PickSource};
use crate::model::Model;
use crate::strings::fill;
use crate::view::Tone;

/// Where a new piece of evidence comes from: one button each (`EvidenceButton`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EvidenceSource {
    /// The camera, for a photo.
    TakePhoto,
    /// The camera, for a video.
    RecordVideo,
    /// The photo library: screenshots, and photos and videos taken earlier.
    Photos,
    /// The files app: voicemails, letters, any document.
    Files,
}

/// One "add evidence" button: send `AddEvidence { source }` when tapped.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EvidenceButton {
    pub source: EvidenceSource,
    pub label: String,
}

/// The longest video the camera is asked for. Android's camera is another app, so Waymark is in
/// the background while it records; the auto-lock waits for this plus `CAPTURE_GRACE_SECONDS`
/// so a recording is not thrown away by the lock.
pub(crate) const VIDEO_MAX_SECONDS: u32 = 20 * 60;

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
    /// What the camera was opened (or is about to be opened) for.
    pub kind: CaptureKind,
    /// The permission asked for this capture and not answered yet: only its answer goes on.
    pub asked: Option<Permission>,
    pub camera_allowed: bool,
    pub microphone_allowed: bool,
    /// Largest item kept (the core's limit for an imported file; the same for the camera).
    pub max_bytes: u64,
}

impl Default for CaptureState {
    fn default() -> Self {
        CaptureState {
            target: None,
            writer: None,
            kind: CaptureKind::Photo,
            asked: None,
            camera_allowed: false,
            microphone_allowed: false,
            max_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

impl CaptureState {
    /// Throws away whatever is half-captured.
    pub fn reset(&mut self) {
        self.writer = None;
        self.target = None;
        self.asked = None;
        // A picker waits like a photo: only a video's camera gets the long grace.
        self.kind = CaptureKind::Photo;
    }
}

impl Model {
    /// The incident a photo or file goes to: the one open in detail, else the one just logged.
    fn capture_target(&self) -> Option<String> {
        self.detail_incident()
            .or_else(|| self.home.last.as_ref().map(|l| l.id.clone()))
    }

    /// The "add evidence" buttons, in the order shown.
    pub(crate) fn evidence_buttons(&self) -> Vec<EvidenceButton> {
        let s = self.s;
        [
            (EvidenceSource::TakePhoto, s.add_take_photo),
            (EvidenceSource::RecordVideo, s.add_record_video),
            (EvidenceSource::Photos, s.add_from_photos),
            (EvidenceSource::Files, s.home_add_file),
        ]
        .into_iter()
        .map(|(source, label)| EvidenceButton {
            source,
            label: label.to_string(),
        })
        .collect()
    }

    pub(crate) fn add_evidence(&mut self, source: EvidenceSource) {
        let Some(target) = self.capture_target() else {
            return self.say(self.s.capture_nothing_to_attach, Tone::Caution);
        };
        self.capture.reset();
        self.capture.target = Some(target);
        match source {
            EvidenceSource::TakePhoto => self.camera_next(CaptureKind::Photo),
            EvidenceSource::RecordVideo => self.camera_next(CaptureKind::Video),
            EvidenceSource::Photos => self.effect(Effect::PickFile {
                source: PickSource::Photos,
            }),
            EvidenceSource::Files => self.effect(Effect::PickFile {
                source: PickSource::Files,
            }),
        }
    }

    /// The next step towards the camera: its permission, then (for a video) the microphone's,
    /// then the camera itself.
    fn camera_next(&mut self, kind: CaptureKind) {
        self.capture.kind = kind;
        let ask = |what, reason: &str| Effect::RequestPermission {
            what,
            reason: reason.to_string(),
        };
        if !self.capture.camera_allowed {
            self.capture.asked = Some(Permission::Camera);
            self.effect(ask(Permission::Camera, self.s.capture_camera_reason));
        } else if kind == CaptureKind::Video
            && !self.capture.microphone_allowed
            && self.capture.asked != Some(Permission::Microphone)
        {
            self.capture.asked = Some(Permission::Microphone);
            self.effect(ask(
                Permission::Microphone,
                self.s.capture_microphone_reason,
            ));
        } else {
            self.capture.asked = None;
            let video = kind == CaptureKind::Video;
            let sound = video && self.capture.microphone_allowed;
            if video && !sound {
                self.say(self.s.capture_video_no_sound, Tone::Caution);
            }
            // Cameras stop near a size limit, not exactly at it: leave a sixteenth spare.
            let max = self.capture.max_bytes;
            self.effect(Effect::OpenCamera {
                kind,
                sound,
                max_seconds: video.then_some(VIDEO_MAX_SECONDS),
                max_bytes: max - max / 16,
            });
        }
    }

    pub(crate) fn permission_result(&mut self, what: Permission, granted: bool) {
        match what {
            Permission::Camera => self.capture.camera_allowed = granted,
            Permission::Microphone => self.capture.microphone_allowed = granted,
            _ => return,
        }
        // Only the answer to the question this capture asked goes on (a late or unasked
        // answer is remembered, nothing more).
        if self.capture.target.is_none() || self.capture.asked != Some(what) {
            return;
        }
        if what == Permission::Camera && !granted {
            self.capture.reset();
            return self.say(self.s.capture_denied, Tone::Caution);
        }
        // The microphone refused: the video goes on without sound.
        self.camera_next(self.capture.kind);
    }

    /// A piece of the photo or video: encrypted into the vault at once.
    pub(crate) fn camera_chunk(&mut self, bytes: &[u8]) {
        // Only while the camera is open (not while a permission is still being asked).
        if self.capture.target.is_none() || self.capture.asked.is_some() {
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
            let nothing = self.nothing_kept();
            self.capture.reset();
            return self.say(nothing, Tone::Neutral);
        };
        let finished = cell.with_dependent_mut(|_, slot| match slot.take() {
            Some(w) => w.finish(),
            None => Err(Error::invalid("evidence", "this capture already ended")),
        });
        drop(cell);
        self.capture.reset();
        match finished {
            Ok(item) => {
                let done = self.added_words(&item.how, &item.media_type);
                self.attach(&item.id, &target, done)
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn camera_cancelled(&mut self) {
        let pending = self.capture.target.is_some();
        let nothing = self.nothing_kept();
        self.capture.reset();
        if pending {
            self.say(nothing, Tone::Neutral);
        }
    }

    fn nothing_kept(&self) -> &'static str {
        match self.capture.kind {
            CaptureKind::Photo => self.s.capture_cancelled,
            CaptureKind::Video => self.s.video_cancelled,
        }
    }

    /// "Video added." and so on, from what the core found the content to be.
    fn added_words(&self, how: &CaptureMethod, media_type: &str) -> &'static str {
        match evidence_class(media_type) {
            EvidenceClass::Video => self.s.video_added,
            EvidenceClass::Picture if *how == CaptureMethod::Camera => self.s.capture_added,
            EvidenceClass::Picture => self.s.picture_added,
            EvidenceClass::Sound | EvidenceClass::Other => self.s.file_added,
        }
    }

    /// The evidence list's word for an item: "Photo", "Video", "Picture", ...
    pub(crate) fn evidence_label(&self, how: &CaptureMethod, media_type: &str) -> &'static str {
        let s = self.s;
        match evidence_class(media_type) {
            EvidenceClass::Video => s.evidence_video,
            EvidenceClass::Picture if *how == CaptureMethod::Camera => s.evidence_photo,
            EvidenceClass::Picture => s.evidence_picture,
            EvidenceClass::Sound => s.evidence_sound,
            EvidenceClass::Other => s.evidence_file,
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
            Ok(item) => {
                let done = self.added_words(&item.how, &item.media_type);
                self.attach(&item.id, &target, done)
            }
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

enum EvidenceClass {
    Picture,
    Video,
    Sound,
    Other,
}

/// The kind of content, from the media type the core read from the bytes (never a file name).
fn evidence_class(media_type: &str) -> EvidenceClass {
    match media_type.split('/').next() {
        Some("image") => EvidenceClass::Picture,
        Some("video") => EvidenceClass::Video,
        Some("audio") => EvidenceClass::Sound,
        _ => EvidenceClass::Other,
    }
}
