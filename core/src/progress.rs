//! Progress and cancellation for long work (map import, reports, bundles, verification,
//! evidence in and out). One shape for all of them, so the phone shells show one kind of
//! progress bar and one "Cancel" button.
//!
//! The rule every long call keeps: a cancelled call returns [`Error::Cancelled`] and leaves
//! nothing half-written (it writes to a temporary name and renames at the end, or cleans up),
//! and whatever existed before (an imported map, a file at the output path) is untouched.

use crate::{Error, Result};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What a long call is doing now. Shells turn it into words (the app model's table), never the
/// core: stage names are not shown as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Reading an OpenStreetMap file.
    ReadingMap,
    /// Storing an imported map in the vault.
    SavingMap,
    /// Reading incidents, their history and evidence lists from the vault.
    GatheringIncidents,
    /// Decoding photos into thumbnails for a report.
    DrawingThumbnails,
    /// Laying out and drawing the PDF.
    RenderingReport,
    /// Writing the finished file (report) to disk.
    WritingFile,
    /// Copying evidence originals into a bundle.
    CopyingEvidence,
    /// Writing the bundle's manifest, signature and checksums.
    SigningBundle,
    /// Checking a bundle's files against its manifest.
    CheckingBundle,
    /// Recomputing the log's hashes and tree.
    CheckingLog,
    /// Encrypting a file into the vault.
    StoringEvidence,
    /// Decrypting an evidence original out of the vault.
    ExtractingEvidence,
}

/// Receives progress. `fraction` is of the whole call (0.0 to 1.0) and never goes back;
/// `stage` says what is happening now. Called on the thread doing the work, so it must be quick.
pub trait ProgressSink: Send + Sync {
    fn progress(&self, stage: Stage, fraction: f64);
}

/// Shared flag a screen sets to stop a long call. Cloning shares the same flag; cancelling is
/// permanent for that token.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What a long call is given: where to report (optional) and what to watch (optional).
#[derive(Clone, Copy, Default)]
pub struct Progress<'a> {
    sink: Option<&'a dyn ProgressSink>,
    cancel: Option<&'a CancelToken>,
}

impl std::fmt::Debug for Progress<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("sink", &self.sink.is_some())
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl<'a> Progress<'a> {
    /// Nobody watching, never cancelled.
    pub const NONE: Progress<'static> = Progress {
        sink: None,
        cancel: None,
    };

    pub fn new(sink: Option<&'a dyn ProgressSink>, cancel: Option<&'a CancelToken>) -> Self {
        Progress { sink, cancel }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_some_and(CancelToken::is_cancelled)
    }

    /// `Err(Cancelled)` once the token is set: call between steps.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Reports progress, then checks for cancellation.
    pub fn report(&self, stage: Stage, fraction: f64) -> Result<()> {
        if let Some(s) = self.sink {
            let f = if fraction.is_finite() {
                fraction.clamp(0.0, 1.0)
            } else {
                0.0
            };
            s.progress(stage, f);
        }
        self.check()
    }

    /// An error from work that was cancelled half-way (say an I/O error from a writer that
    /// refused to go on) becomes `Cancelled`; any other error stays what it was.
    pub fn or_cancelled(&self, e: Error) -> Error {
        if self.is_cancelled() {
            Error::Cancelled
        } else {
            e
        }
    }

    /// A view of this progress in which the sub-task's 0..1 maps to `from..to` of the whole.
    pub fn span(self, stage: Stage, from: f64, to: f64) -> Span<'a> {
        Span {
            progress: self,
            stage,
            from,
            to,
        }
    }
}

/// A stage occupying `from..to` of the whole call.
#[derive(Clone, Copy, Debug)]
pub struct Span<'a> {
    pub progress: Progress<'a>,
    pub stage: Stage,
    pub from: f64,
    pub to: f64,
}

impl Span<'_> {
    /// Reports `done` (0.0 to 1.0) of this stage; `Err(Cancelled)` once cancelled.
    pub fn report(&self, done: f64) -> Result<()> {
        let done = if done.is_finite() {
            done.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.progress
            .report(self.stage, self.from + (self.to - self.from) * done)
    }

    /// Reports `i` of `n` steps done.
    pub fn step(&self, i: usize, n: usize) -> Result<()> {
        self.report(i as f64 / n.max(1) as f64)
    }
}

/// Counts bytes on their way to `inner`, reports them against `total`, and fails the write once
/// cancelled (the caller turns that failure into `Cancelled` with [`Progress::or_cancelled`]).
pub struct ProgressWriter<'a, W: Write + ?Sized> {
    pub inner: &'a mut W,
    pub span: Span<'a>,
    pub done: u64,
    pub total: u64,
    /// Report at most every this many bytes, so a sink is not called per tiny write.
    last_reported: u64,
}

/// Bytes between two reports from a [`ProgressWriter`].
const REPORT_EVERY: u64 = 256 * 1024;

impl<'a, W: Write + ?Sized> ProgressWriter<'a, W> {
    pub fn new(inner: &'a mut W, span: Span<'a>, done: u64, total: u64) -> Self {
        ProgressWriter {
            inner,
            span,
            done,
            total,
            last_reported: done,
        }
    }
}

impl<W: Write + ?Sized> Write for ProgressWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.span.progress.is_cancelled() {
            return Err(io::Error::other("cancelled"));
        }
        let n = self.inner.write(buf)?;
        self.done += n as u64;
        if self.done - self.last_reported >= REPORT_EVERY {
            self.last_reported = self.done;
            let fraction = self.done as f64 / self.total.max(1) as f64;
            if self.span.report(fraction).is_err() {
                return Err(io::Error::other("cancelled"));
            }
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod cancel_tests;

#[cfg(test)]
pub(crate) mod testing {
    //! A sink that records what it saw and cancels its token once a fraction is reached, for
    //! the "cancel half-way and nothing is left" tests of every long call.
    use super::*;
    use std::sync::Mutex;

    pub struct CancelAt {
        pub at: f64,
        pub token: CancelToken,
        pub seen: Mutex<Vec<(Stage, f64)>>,
    }

    impl CancelAt {
        pub fn new(at: f64) -> Self {
            CancelAt {
                at,
                token: CancelToken::new(),
                seen: Mutex::new(vec![]),
            }
        }
        pub fn progress(&self) -> Progress<'_> {
            Progress::new(Some(self), Some(&self.token))
        }
        pub fn seen(&self) -> Vec<(Stage, f64)> {
            self.seen.lock().map(|s| s.clone()).unwrap_or_default()
        }
        /// Fractions never went back, and the stages listed were all reported.
        pub fn assert_monotonic(&self) {
            let seen = self.seen();
            assert!(!seen.is_empty(), "no progress was reported");
            for w in seen.windows(2) {
                assert!(w[1].1 >= w[0].1, "progress went back: {w:?}");
            }
        }
    }

    impl ProgressSink for CancelAt {
        fn progress(&self, stage: Stage, fraction: f64) {
            if let Ok(mut s) = self.seen.lock() {
                s.push((stage, fraction));
            }
            if fraction >= self.at {
                self.token.cancel();
            }
        }
    }

    #[test]
    fn cancel_token_is_shared_and_permanent() {
        let t = CancelToken::new();
        let t2 = t.clone();
        assert!(Progress::new(None, Some(&t)).check().is_ok());
        t2.cancel();
        assert!(matches!(
            Progress::new(None, Some(&t)).check(),
            Err(Error::Cancelled)
        ));
        assert!(Progress::NONE.check().is_ok());
    }

    #[test]
    fn span_maps_into_the_whole_and_clamps_nonsense() {
        let c = CancelAt::new(2.0);
        let span = c.progress().span(Stage::CheckingLog, 0.5, 0.75);
        span.report(0.0).unwrap();
        span.report(1.0).unwrap();
        span.report(f64::NAN).unwrap();
        span.report(7.0).unwrap();
        let f: Vec<f64> = c.seen().iter().map(|s| s.1).collect();
        assert_eq!(f, vec![0.5, 0.75, 0.5, 0.75]);
    }

    #[test]
    fn writer_stops_once_cancelled() {
        let c = CancelAt::new(0.5);
        let mut out = Vec::new();
        let span = c.progress().span(Stage::WritingFile, 0.0, 1.0);
        let mut w = ProgressWriter::new(&mut out, span, 0, 1024 * 1024);
        let chunk = vec![0u8; 64 * 1024];
        let mut failed = false;
        for _ in 0..16 {
            if w.write_all(&chunk).is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed, "the writer went on after cancel");
        assert!(out.len() < 1024 * 1024);
        assert!(c.token.is_cancelled());
    }
}
