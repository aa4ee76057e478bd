//! Long work (a PDF report, an evidence bundle, a map import, a backup or a restore) without
//! blocking the app model.
//!
//! `dispatch` must answer quickly, and a report can take many seconds on a phone. So an event
//! that starts long work only prepares it and asks the shell for `Effect::RunWork { id }`. The
//! shell calls the blocking `AppCore::run_work(id)` on a background thread. `run_work` does not
//! hold the model's lock while it works: it shares a small status (stage, fraction) with the
//! model, which `view()` reads, so the shell can redraw the progress bar from `view()` while the
//! work runs, and `CancelWork { id }` (handled by `dispatch` at once) trips the core's
//! `CancelToken`. The core then stops at its next step, leaves nothing half-written and returns
//! `Cancelled`. When the work ends, `run_work` returns the update to draw and carry out (a
//! `ShareFile`, or a banner that says what happened).
//!
//! One piece of work at a time: it keeps the progress bar, the Cancel button and the clean-up
//! simple, and a phone has no spare cores to run two exports side by side anyway.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use waymark_core::progress::{CancelToken, Progress, ProgressSink, Stage};
use waymark_core::vault::{CreateOptions, Vault};
use waymark_core::Error;
use zeroize::Zeroizing;

use crate::effect::Effect;
use crate::model::Model;
use crate::strings::{fill, Strings};
use crate::view::Tone;

/// What a piece of long work does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Job {
    /// The PDF report of the whole log, to `out`.
    Report { out: PathBuf },
    /// An evidence bundle of the whole log, to `out` (a ".zip" path gives a ZIP).
    Bundle { out: PathBuf, zip: bool },
    /// An OpenStreetMap file the person picked, made the vault's map (the old one stays if it
    /// is refused or cancelled).
    ImportMap { path: PathBuf },
    /// A backup of the whole vault, to `out` (then the share sheet).
    Backup { out: PathBuf },
    /// The backup the person picked, restored into the app's empty vault folder with the
    /// recovery code and the new PIN. The only job that runs with no vault open.
    Restore {
        path: PathBuf,
        code: Hidden,
        pin: Hidden,
    },
}

/// A secret a job carries (the recovery code, a PIN): wiped when dropped, never printed.
#[derive(Clone, PartialEq)]
pub(crate) struct Hidden(pub Zeroizing<String>);

impl std::fmt::Debug for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

impl Job {
    /// The file or folder the job makes, if it makes one.
    pub fn output(&self) -> Option<&std::path::Path> {
        match self {
            Job::Report { out } | Job::Bundle { out, .. } | Job::Backup { out } => Some(out),
            Job::ImportMap { .. } | Job::Restore { .. } => None,
        }
    }
}

/// Where the work has got to; shared between the model (which draws it) and the thread doing
/// the work (which moves it). Its lock is never held while another lock is taken.
#[derive(Debug, Clone, Default)]
pub(crate) struct Status {
    pub stage: Option<Stage>,
    pub fraction: f64,
}

#[derive(Debug)]
pub(crate) struct Running {
    pub id: String,
    pub job: Job,
    pub token: CancelToken,
    pub status: Arc<Mutex<Status>>,
    /// `run_work` took it: a second call with the same id does nothing.
    pub taken: bool,
}

#[derive(Debug, Default)]
pub(crate) struct WorkState {
    pub running: Option<Running>,
    /// Numbers the work ids, so an old id never cancels new work.
    pub next_id: u64,
}

/// What the finished job gives back to the screen that started it.
pub(crate) enum Outcome {
    Report {
        incidents: usize,
    },
    Bundle {
        incidents: usize,
        files: usize,
        fingerprint: String,
    },
    Map {
        walk_km: f64,
    },
    Backup {
        bytes: u64,
    },
    Restored(Box<Vault>),
}

/// The progress bar's record.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WorkCard {
    /// For `CancelWork { id }`.
    pub id: String,
    /// "Making your report"
    pub title: String,
    /// What is happening now: "Drawing the pages…"
    pub stage: String,
    /// 0.0 to 1.0; never goes back.
    pub fraction: f64,
    /// "60%"
    pub percent_label: String,
    pub cancel_label: String,
    /// Cancel was pressed; the work stops at its next step.
    pub cancelling: bool,
}

/// Receives the core's progress: the shared status, and an optional watcher (tests).
struct Sink<'a> {
    status: Arc<Mutex<Status>>,
    watcher: Option<&'a (dyn Fn(Stage, f64) + Sync)>,
}

impl ProgressSink for Sink<'_> {
    fn progress(&self, stage: Stage, fraction: f64) {
        let fraction = {
            let mut s = self.status.lock().unwrap_or_else(|p| p.into_inner());
            s.stage = Some(stage);
            // The core never goes back; this keeps a bar from flickering if a sub-task did.
            s.fraction = s.fraction.max(fraction);
            s.fraction
        };
        if let Some(w) = self.watcher {
            w(stage, fraction);
        }
    }
}

/// Everything `run_work` needs, taken out of the model so the model's lock can be let go.
pub(crate) struct Taken {
    pub job: Job,
    pub token: CancelToken,
    pub status: Arc<Mutex<Status>>,
    /// The unlocked vault; None only for a restore, which makes one.
    pub vault: Option<Arc<Vault>>,
    pub utc_offset_minutes: i32,
    /// Where a restore goes and how its vault is opened on this phone.
    pub dir: PathBuf,
    pub options: CreateOptions,
}

impl Model {
    pub(crate) fn work_busy(&self) -> bool {
        self.work.running.is_some()
    }

    /// Prepares long work and asks the shell to run it. False (with a banner) if other work runs.
    pub(crate) fn start_work(&mut self, job: Job) -> bool {
        if self.work_busy() {
            let text = self.s.export.busy.to_string();
            self.say(text, Tone::Caution);
            return false;
        }
        self.work.next_id += 1;
        let id = format!("work-{}", self.work.next_id);
        self.work.running = Some(Running {
            id: id.clone(),
            job,
            token: CancelToken::new(),
            status: Arc::default(),
            taken: false,
        });
        self.effect(Effect::RunWork { id });
        true
    }

    pub(crate) fn cancel_work(&mut self, id: &str) {
        if let Some(r) = self.work.running.as_ref().filter(|r| r.id == id) {
            r.token.cancel();
            if !r.taken {
                // The shell has not started it: nothing was written, so it just ends here.
                let job = r.job.clone();
                self.work.running = None;
                self.work_ended(&job, Err(Error::Cancelled));
            }
        }
    }

    /// The vault locked (panic, auto-lock): the work must not go on, or finish, without it.
    pub(crate) fn cancel_work_on_lock(&mut self) {
        if let Some(r) = &self.work.running {
            r.token.cancel();
            if !r.taken {
                // Never started, so nothing was written; forgotten without a word (the lock
                // screen must not tell that an export was under way).
                self.work.running = None;
            }
        }
    }

    pub(crate) fn take_work(&mut self, id: &str) -> Option<Taken> {
        let vault = self.vault.clone().filter(|v| v.is_unlocked());
        let options = CreateOptions {
            prf: self.prf.clone(),
            clock: self.clock.clone(),
            kdf: self.kdf,
        };
        let (dir, utc_offset_minutes) = (self.dir.clone(), self.config.utc_offset_minutes);
        let r = self.work.running.as_mut().filter(|r| r.id == id)?;
        // Every job but a restore needs the vault open (a lock cancels them).
        if r.taken || (vault.is_none() && !matches!(r.job, Job::Restore { .. })) {
            return None;
        }
        r.taken = true;
        Some(Taken {
            job: r.job.clone(),
            token: r.token.clone(),
            status: r.status.clone(),
            vault,
            utc_offset_minutes,
            dir,
            options,
        })
    }

    /// After `run_work`: forget the work and tell the screen that started it.
    pub(crate) fn finish_work(&mut self, id: &str, result: Result<Outcome, Error>) {
        let Some(r) = self.work.running.take_if(|r| r.id == id) else {
            return;
        };
        // A restore runs with no vault open, and opens one.
        if matches!(r.job, Job::Restore { .. }) {
            return self.restore_ended(result);
        }
        // Locked while it ran: whatever it made is removed, and the lock screen says nothing
        // about it (whoever holds the phone now must not learn that an export was made).
        if !self.is_unlocked() {
            if let Some(out) = r.job.output() {
                crate::screens::export::remove_leftover(out);
            }
            return;
        }
        self.work_ended(&r.job, result);
    }

    fn work_ended(&mut self, job: &Job, result: Result<Outcome, Error>) {
        match job {
            Job::Report { out } | Job::Bundle { out, .. } => self.export_ended(out, result),
            Job::ImportMap { .. } => self.map_import_ended(result),
            Job::Backup { out } => self.backup_ended(out, result),
            Job::Restore { .. } => self.restore_ended(result),
        }
    }

    pub(crate) fn work_card(&self) -> Option<WorkCard> {
        // Never on the lock screen: whoever holds the phone must not learn an export was made.
        // A restore is the exception: it runs at first run, before there is a vault.
        let r = self.work.running.as_ref()?;
        if !self.is_unlocked() && !matches!(r.job, Job::Restore { .. }) {
            return None;
        }
        let s = self.s;
        let status = r
            .status
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone());
        let title = match r.job {
            Job::Report { .. } => s.export.working_report,
            Job::Bundle { .. } => s.export.working_bundle,
            Job::ImportMap { .. } => s.export.working_map,
            Job::Backup { .. } => s.backup.working_backup,
            Job::Restore { .. } => s.backup.working_restore,
        };
        let percent = (status.fraction * 100.0).floor().clamp(0.0, 100.0) as u32;
        Some(WorkCard {
            id: r.id.clone(),
            title: title.to_string(),
            stage: stage_words(s, status.stage).to_string(),
            fraction: status.fraction,
            percent_label: fill(s.export.percent, &[("percent", &percent.to_string())]),
            cancel_label: s.cancel.to_string(),
            cancelling: r.token.is_cancelled(),
        })
    }
}

/// Runs the job on the calling thread; the model is not locked meanwhile.
pub(crate) fn run(
    t: &Taken,
    watcher: Option<&(dyn Fn(Stage, f64) + Sync)>,
) -> Result<Outcome, Error> {
    let sink = Sink {
        status: t.status.clone(),
        watcher,
    };
    let progress = Progress::new(Some(&sink), Some(&t.token));
    if let Job::Restore { path, code, pin } = &t.job {
        let options = CreateOptions {
            prf: t.options.prf.clone(),
            clock: t.options.clock.clone(),
            kdf: t.options.kdf,
        };
        let vault = Vault::restore(path, &t.dir, &code.0, &pin.0, options, progress)?;
        return Ok(Outcome::Restored(Box::new(vault)));
    }
    let vault: &Vault = t.vault.as_deref().ok_or(Error::Locked)?;
    match &t.job {
        Job::Report { out } => {
            crate::screens::export::run_report(vault, out, t.utc_offset_minutes, progress)
        }
        Job::Bundle { out, .. } => crate::screens::export::run_bundle(vault, out, progress),
        Job::ImportMap { path } => {
            let r = waymark_core::routes::RouteStore::new(vault).import_map_file(path, progress)?;
            Ok(Outcome::Map { walk_km: r.foot_km })
        }
        Job::Backup { out } => {
            let summary = vault.backup(out, progress)?;
            Ok(Outcome::Backup {
                bytes: summary.bytes,
            })
        }
        // Handled above, with no vault.
        Job::Restore { .. } => Err(Error::Locked),
    }
}

fn stage_words(s: &Strings, stage: Option<Stage>) -> &'static str {
    let w = &s.export;
    match stage {
        None => w.stage_starting,
        Some(Stage::ReadingMap) => w.stage_reading_map,
        Some(Stage::SavingMap) => w.stage_saving_map,
        Some(Stage::GatheringIncidents) => w.stage_gathering,
        Some(Stage::DrawingThumbnails) => w.stage_thumbnails,
        Some(Stage::RenderingReport) => w.stage_rendering,
        Some(Stage::WritingFile) => w.stage_writing,
        Some(Stage::CopyingEvidence) => w.stage_copying,
        Some(Stage::SigningBundle) => w.stage_signing,
        Some(Stage::CheckingBundle) => w.stage_checking_bundle,
        Some(Stage::CheckingLog) => w.stage_checking_log,
        Some(Stage::StoringEvidence) => w.stage_storing,
        Some(Stage::ExtractingEvidence) => w.stage_extracting,
    }
}
