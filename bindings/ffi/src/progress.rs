//! Progress and cancel for long calls (map import, report, bundle, verify, evidence in and out):
//! the shell passes a `ProgressListener` it implements and a `CancelHandle` it may cancel from
//! any thread. A cancelled call fails with `WaymarkError::Cancelled` and leaves nothing behind.

use std::sync::Arc;

use waymark_core::progress as core_progress;

use crate::error::WaymarkError;

/// What a long call is doing now (the app model turns it into words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ProgressStage {
    ReadingMap,
    SavingMap,
    GatheringIncidents,
    DrawingThumbnails,
    RenderingReport,
    WritingFile,
    CopyingEvidence,
    SigningBundle,
    CheckingBundle,
    CheckingLog,
    StoringEvidence,
    ExtractingEvidence,
}

macro_rules! mirror_stages {
    ($($v:ident),*) => {
        impl From<core_progress::Stage> for ProgressStage {
            fn from(s: core_progress::Stage) -> Self {
                match s { $(core_progress::Stage::$v => ProgressStage::$v,)* }
            }
        }
    };
}
mirror_stages!(
    ReadingMap,
    SavingMap,
    GatheringIncidents,
    DrawingThumbnails,
    RenderingReport,
    WritingFile,
    CopyingEvidence,
    SigningBundle,
    CheckingBundle,
    CheckingLog,
    StoringEvidence,
    ExtractingEvidence
);

/// Implemented by the shell. `fraction` is of the whole call (0.0 to 1.0, never going back).
/// Called on the thread doing the work: post to the main thread to draw. An error it returns is
/// ignored (a progress bar must never break an export).
#[uniffi::export(with_foreign)]
pub trait ProgressListener: Send + Sync {
    fn on_progress(&self, stage: ProgressStage, fraction: f64) -> Result<(), WaymarkError>;
}

/// A "Cancel" button: create one per long call, pass it in, call `cancel` from any thread.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelHandle {
    token: core_progress::CancelToken,
}

#[uniffi::export]
impl CancelHandle {
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(CancelHandle::default())
    }

    /// Stops the call at its next step; it then fails with `Cancelled`. Cannot be undone.
    pub fn cancel(&self) {
        self.token.cancel()
    }

    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

struct ShellProgress(Arc<dyn ProgressListener>);

impl core_progress::ProgressSink for ShellProgress {
    fn progress(&self, stage: core_progress::Stage, fraction: f64) {
        let _ = self.0.on_progress(stage.into(), fraction);
    }
}

/// Runs `f` with the core's view of the shell's listener and handle.
pub(crate) fn with_progress<T>(
    listener: Option<Arc<dyn ProgressListener>>,
    cancel: Option<Arc<CancelHandle>>,
    f: impl FnOnce(core_progress::Progress) -> T,
) -> T {
    let sink = listener.map(ShellProgress);
    let sink_ref = sink.as_ref().map(|s| s as &dyn core_progress::ProgressSink);
    let token = cancel.as_ref().map(|c| &c.token);
    f(core_progress::Progress::new(sink_ref, token))
}
