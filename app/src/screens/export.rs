//! Export: the PDF report, the evidence bundle (ZIP or folder) and the signed receipt, made into
//! an app-private export folder and handed to the share sheet.
//!
//! The report and the bundle are long work (see `work.rs`): progress on screen, a Cancel that
//! leaves nothing behind. The receipt is a few hundred bytes and is made at once. The export
//! folder holds at most the last export: it is emptied before each new one, when the vault is
//! unlocked again and on panic, because what is in it is not encrypted (it is meant for the
//! police or a solicitor) and should not outlive its sharing.

use std::path::{Path, PathBuf};

use chrono::{FixedOffset, Offset, Utc};
use waymark_core::evidence::EvidenceStore;
use waymark_core::log::{IncidentLog, ListFilter};
use waymark_core::progress::Progress;
use waymark_core::report::{self, ReportRequest};
use waymark_core::vault::Vault;
use waymark_core::Error;

use crate::effect::Effect;
use crate::model::{Model, Route};
use crate::screens::work::{Job, Outcome};
use crate::strings::fill;
use crate::view::Tone;

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ExportKind {
    /// The PDF report of the whole log.
    Report,
    /// The verifiable evidence bundle as one ZIP file.
    BundleZip,
    /// The same bundle as a folder (the share sheet gets the folder: iOS can share one,
    /// Android cannot, so the screen does not offer it; the event is there for shells that can).
    BundleFolder,
    /// The signed receipt of the log as it is now.
    Receipt,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ExportOption {
    /// For `StartExport { what }`.
    pub what: ExportKind,
    pub label: String,
    pub detail: String,
}

/// The last finished export, while it is still in the export folder.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ExportReady {
    pub text: String,
    /// `ShareExport`: the share sheet again, for the same file.
    pub share_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ExportScreen {
    pub intro: String,
    pub options: Vec<ExportOption>,
    /// False while an export runs (the progress is `ViewModel.work`).
    pub options_enabled: bool,
    /// What a person must know before sending: the file is not locked.
    pub warning: String,
    pub ready: Option<ExportReady>,
}

#[derive(Debug, Default)]
pub(crate) struct ExportState {
    /// The file the last export made, with its type and the words saying what it holds.
    pub ready: Option<(PathBuf, &'static str, String)>,
}

const PDF: &str = "application/pdf";
const ZIP: &str = "application/zip";
const TEXT: &str = "text/plain";
/// The export folder, beside the vault folder (app-private on both phones).
const EXPORT_FOLDER: &str = "exports";

impl Model {
    pub(crate) fn open_export(&mut self) {
        if self.is_unlocked() {
            self.go(Route::Export);
        }
    }

    pub(crate) fn export_dir(&self) -> PathBuf {
        match self.dir.parent() {
            Some(p) => p.join(EXPORT_FOLDER),
            None => self.dir.join(EXPORT_FOLDER),
        }
    }

    /// Empties the export folder (not the folder itself). Best effort: a file that cannot be
    /// removed now is removed next time.
    pub(crate) fn sweep_exports(&mut self) {
        self.export.ready = None;
        let Ok(entries) = std::fs::read_dir(self.export_dir()) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            // symlink_metadata: a link is removed, never followed.
            let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
            let removed = if is_dir {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            if removed.is_err() {
                tracing::warn!("an old export could not be removed");
            }
        }
    }

    /// A fresh path in an empty export folder, named for today.
    pub(crate) fn export_path(&mut self, template: &str) -> Result<PathBuf, Error> {
        self.sweep_exports();
        let dir = self.export_dir();
        create_private_dir(&dir)?;
        let date = self
            .now()
            .with_timezone(&local_offset(self.config.utc_offset_minutes))
            .format("%Y-%m-%d")
            .to_string();
        let name = fill(template, &[("date", &date)]);
        let mut path = dir.join(&name);
        // Only if the sweep could not remove an old one.
        let mut n = 2;
        while std::fs::symlink_metadata(&path).is_ok() && n < 100 {
            path = dir.join(format!("{n}-{name}"));
            n += 1;
        }
        Ok(path)
    }

    fn log_is_empty(&self) -> bool {
        self.unlocked_vault().is_none_or(|v| {
            IncidentLog::new(v)
                .list(&ListFilter {
                    limit: Some(1),
                    ..ListFilter::default()
                })
                .map_or(true, |l| l.is_empty())
        })
    }

    pub(crate) fn start_export(&mut self, what: ExportKind) {
        if !self.is_unlocked() {
            return;
        }
        if self.work_busy() {
            let text = self.s.export.busy.to_string();
            return self.say(text, Tone::Caution);
        }
        if self.log_is_empty() {
            let text = self.s.export.nothing_yet.to_string();
            return self.say(text, Tone::Caution);
        }
        let w = &self.s.export;
        let template = match what {
            ExportKind::Report => w.report_file,
            ExportKind::BundleZip => w.bundle_zip_file,
            ExportKind::BundleFolder => w.bundle_folder_name,
            ExportKind::Receipt => w.receipt_file,
        };
        let out = match self.export_path(template) {
            Ok(p) => p,
            Err(e) => return self.fail(&e),
        };
        match what {
            ExportKind::Report => {
                self.start_work(Job::Report { out });
            }
            ExportKind::BundleZip => {
                self.start_work(Job::Bundle { out, zip: true });
            }
            ExportKind::BundleFolder => {
                self.start_work(Job::Bundle { out, zip: false });
            }
            ExportKind::Receipt => self.export_receipt(out),
        }
    }

    /// The receipt is small and quick: made here, not as long work.
    fn export_receipt(&mut self, out: PathBuf) {
        let Some(vault) = self.unlocked_vault() else {
            return;
        };
        let made = IncidentLog::new(vault).tree_head().and_then(|head| {
            let text = report::receipt::receipt_text(&head);
            write_new(&out, text.as_bytes())
        });
        match made {
            Ok(()) => {
                let text = self.s.export.ready_receipt.to_string();
                self.hand_out(out, TEXT, text);
            }
            Err(e) => {
                remove_leftover(&out);
                self.fail(&e);
            }
        }
    }

    /// The share sheet for a finished export, and the card saying it is ready.
    fn hand_out(&mut self, path: PathBuf, mime: &'static str, text: String) {
        self.effect(Effect::ShareFile {
            path: path.to_string_lossy().into_owned(),
            mime: mime.to_string(),
        });
        self.say(text.clone(), Tone::Good);
        self.export.ready = Some((path, mime, text));
    }

    pub(crate) fn share_export(&mut self) {
        let Some((path, mime, _)) = self.export.ready.clone() else {
            return;
        };
        if std::fs::symlink_metadata(&path).is_ok() {
            self.effect(Effect::ShareFile {
                path: path.to_string_lossy().into_owned(),
                mime: mime.to_string(),
            });
        } else {
            self.export.ready = None;
            let text = self.s.error_not_found.to_string();
            self.say(text, Tone::Caution);
        }
    }

    /// A report or bundle ended (see `work.rs`).
    pub(crate) fn export_ended(&mut self, out: &Path, result: Result<Outcome, Error>) {
        let w = &self.s.export;
        match result {
            Ok(Outcome::Report { incidents }) => {
                let text = fill(w.ready_report, &[("count", &incidents.to_string())]);
                self.hand_out(out.to_path_buf(), PDF, text);
            }
            Ok(Outcome::Bundle {
                incidents,
                files,
                fingerprint,
            }) => {
                let text = fill(
                    w.ready_bundle,
                    &[
                        ("count", &incidents.to_string()),
                        ("files", &files.to_string()),
                        ("fingerprint", &fingerprint),
                    ],
                );
                let mime = if out.extension().is_some_and(|e| e == "zip") {
                    ZIP
                } else {
                    "inode/directory"
                };
                self.hand_out(out.to_path_buf(), mime, text);
            }
            // Not an export's outcome; cannot come from an export job.
            Ok(Outcome::Map { .. } | Outcome::Backup { .. } | Outcome::Restored(_)) => {}
            Err(Error::Cancelled) => {
                remove_leftover(out);
                let text = w.stopped.to_string();
                self.say(text, Tone::Neutral);
            }
            Err(e) => {
                remove_leftover(out);
                self.fail(&e);
            }
        }
    }

    pub(crate) fn export_view(&self) -> ExportScreen {
        let w = &self.s.export;
        let option = |what, label: &str, detail: &str| ExportOption {
            what,
            label: label.to_string(),
            detail: detail.to_string(),
        };
        ExportScreen {
            intro: w.intro.to_string(),
            options: vec![
                option(ExportKind::Report, w.report_label, w.report_detail),
                option(ExportKind::BundleZip, w.bundle_label, w.bundle_detail),
                option(ExportKind::Receipt, w.receipt_label, w.receipt_detail),
            ],
            options_enabled: !self.work_busy(),
            warning: w.warning.to_string(),
            ready: self.export.ready.as_ref().map(|(_, _, text)| ExportReady {
                text: text.clone(),
                share_label: w.share_again.to_string(),
            }),
        }
    }
}

pub(crate) fn run_report(
    vault: &Vault,
    out: &Path,
    utc_offset_minutes: i32,
    progress: Progress,
) -> Result<Outcome, Error> {
    let tz = FixedOffset::east_opt(utc_offset_minutes.saturating_mul(60))
        .ok_or_else(|| Error::invalid("time zone", "must be within a day of UTC"))?;
    let saved_places = waymark_core::routes::RouteStore::new(vault)
        .places()?
        .into_iter()
        .map(|p| waymark_core::insight::SavedPlace {
            label: p.name,
            lat: p.lat,
            lon: p.lon,
        })
        .collect();
    let req = ReportRequest {
        saved_places,
        ..ReportRequest::default()
    };
    let store = EvidenceStore::new(vault);
    let incidents = report::export_report_with_progress(vault, &req, &store, &tz, out, progress)?;
    Ok(Outcome::Report { incidents })
}

pub(crate) fn run_bundle(vault: &Vault, out: &Path, progress: Progress) -> Result<Outcome, Error> {
    let store = EvidenceStore::new(vault);
    let s = report::export_bundle_with_progress(vault, &[], None, out, &store, progress)?;
    Ok(Outcome::Bundle {
        incidents: s.manifest.incidents.len(),
        files: s
            .manifest
            .files
            .iter()
            .filter(|f| f.evidence_id.is_some())
            .count(),
        fingerprint: s.manifest.signing_key.fingerprint,
    })
}

/// The phone's offset (UTC if the shell sent nonsense).
fn local_offset(minutes: i32) -> FixedOffset {
    FixedOffset::east_opt(minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix())
}

/// The export folder: created private (0700) where the system allows.
fn create_private_dir(dir: &Path) -> Result<(), Error> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)?;
    Ok(())
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let mut f = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// After a failed or cancelled export: nothing of it may stay (the core already cleans up;
/// this also covers a file finished just as the vault was locked).
pub(crate) fn remove_leftover(out: &Path) {
    let Ok(m) = std::fs::symlink_metadata(out) else {
        return;
    };
    let removed = if m.is_dir() {
        std::fs::remove_dir_all(out)
    } else {
        std::fs::remove_file(out)
    };
    if removed.is_err() {
        tracing::warn!("an unfinished export could not be removed");
    }
}
