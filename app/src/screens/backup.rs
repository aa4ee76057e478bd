//! Backup (settings) and restore (first run), both as long work (`work.rs`).
//!
//! Backup: the core writes one encrypted file of the whole vault into the export folder, and the
//! share sheet takes it where the person chooses (a cloud drive, a computer, "Save to Files").
//! Only the recovery code opens it. Every failure but a full disk and Cancel is said with the
//! same words ("could not be made; please try again later"): the core refuses a backup in a
//! decoy session (a decoy has no key to the real store and must never get one), and a real
//! vault says exactly that when it fails for any other reason, so the words alone do not tell
//! the decoy (see ARCHITECTURE.md, "Backup in the app", for what still does).
//!
//! Restore, from the first run's welcome: the recovery code (checked for typos at once), a PIN
//! for this phone twice, then the file. The file comes last so that it only has to stay
//! readable for the one piece of long work that reads it (the rule a map import already has),
//! and no copy of it is made on the phone. The core checks everything in a temporary folder
//! before it takes the vault folder's place: on any failure nothing is there, the person is told
//! why in words they can act on, and the flow goes back to the step that needs changing.

use waymark_core::log::IncidentLog;
use waymark_core::vault::RecoveryCode;
use waymark_core::Error;
use zeroize::Zeroizing;

use crate::effect::{Effect, HapticKind};
use crate::model::Model;
use crate::screens::work::{Hidden, Job, Outcome};
use crate::strings::fill;
use crate::view::{SetupStep, Tone};

/// The backup file's type: opaque bytes (nothing in the name or type says Waymark).
const BACKUP_MIME: &str = "application/octet-stream";

/// "1.2 MB"
fn size_words(bytes: u64) -> String {
    let mb = bytes as f64 / 1_000_000.0;
    if mb >= 10.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

impl Model {
    pub(crate) fn settings_backup(&mut self) {
        if !self.is_unlocked() {
            return;
        }
        if self.work_busy() {
            let text = self.s.export.busy.to_string();
            return self.say(text, Tone::Caution);
        }
        let out = match self.export_path(self.s.backup.file) {
            Ok(p) => p,
            Err(e) => return self.backup_failed(&e),
        };
        self.start_work(Job::Backup { out });
    }

    /// A backup ended (see `work.rs`): the share sheet, or why not.
    pub(crate) fn backup_ended(&mut self, out: &std::path::Path, result: Result<Outcome, Error>) {
        match result {
            Ok(Outcome::Backup { bytes }) => {
                self.effect(Effect::ShareFile {
                    path: out.to_string_lossy().into_owned(),
                    mime: BACKUP_MIME.to_string(),
                });
                let text = fill(self.s.backup.made, &[("size", &size_words(bytes))]);
                self.say(text, Tone::Good);
                self.effect(Effect::Haptic {
                    kind: HapticKind::Confirm,
                });
            }
            Ok(_) => {}
            Err(Error::Cancelled) => {
                crate::screens::export::remove_leftover(out);
                self.say(self.s.backup.stopped, Tone::Neutral);
            }
            Err(e) => {
                crate::screens::export::remove_leftover(out);
                self.backup_failed(&e);
            }
        }
    }

    fn backup_failed(&mut self, e: &Error) {
        let text = if is_no_space(e) {
            self.s.backup.no_space
        } else {
            self.s.backup.failed
        };
        self.say(text, Tone::Caution);
    }

    // ----- restore (first run) -----

    pub(crate) fn restore_start(&mut self) {
        if self.setup.step == SetupStep::Welcome && !self.is_unlocked() && self.vault.is_none() {
            self.setup_step(SetupStep::RestoreCode);
        }
    }

    pub(crate) fn restore_code_typed(&mut self, text: &str) {
        if self.setup.step != SetupStep::RestoreCode {
            return;
        }
        // A typo is caught now, before a PIN is chosen and a file picked.
        match RecoveryCode::parse(text) {
            Ok(_) => {
                self.setup.code = Zeroizing::new(text.to_string());
                if self.setup.pin.is_empty() {
                    self.setup_step(SetupStep::RestorePin);
                } else {
                    // The code did not open the file: the PIN chosen stays, the file again.
                    self.setup_step(SetupStep::RestorePick);
                    self.effect(Effect::PickFile {
                        source: crate::effect::PickSource::Files,
                    });
                }
            }
            Err(e) => {
                let text = self.error_text(&e);
                self.say(text, Tone::Caution);
            }
        }
    }

    /// The PIN pad on the restore steps.
    pub(crate) fn restore_pin_submit(&mut self) {
        if self.pin.len() < 6 {
            return self.say(self.s.lock_pin_too_short, Tone::Caution);
        }
        match self.setup.step {
            SetupStep::RestorePin => {
                self.setup.pin = std::mem::take(&mut self.pin);
                self.setup_step(SetupStep::RestoreConfirmPin);
            }
            SetupStep::RestoreConfirmPin => {
                if *self.pin != *self.setup.pin {
                    self.setup.pin = Zeroizing::new(String::new());
                    self.say(self.s.setup_pins_differ, Tone::Caution);
                    return self.setup_step(SetupStep::RestorePin);
                }
                self.setup_step(SetupStep::RestorePick);
                self.effect(Effect::PickFile {
                    source: crate::effect::PickSource::Files,
                });
            }
            _ => {}
        }
    }

    pub(crate) fn restore_pick_file(&mut self) {
        if self.setup.step == SetupStep::RestorePick && !self.work_busy() {
            self.effect(Effect::PickFile {
                source: crate::effect::PickSource::Files,
            });
        }
    }

    /// Whether a picked file is the backup to restore (else it is evidence or a map).
    pub(crate) fn restore_picking(&self) -> bool {
        self.route == crate::model::Route::FirstRun && self.setup.step == SetupStep::RestorePick
    }

    pub(crate) fn restore_file_picked(&mut self, path: &str) {
        if self.work_busy() || path.is_empty() || path.contains('\0') {
            return;
        }
        let job = Job::Restore {
            path: path.into(),
            code: Hidden(self.setup.code.clone()),
            pin: Hidden(self.setup.pin.clone()),
        };
        self.setup.busy = self.start_work(job);
    }

    /// The restore ended: the vault opens at home, or the step to change again.
    pub(crate) fn restore_ended(&mut self, result: Result<Outcome, Error>) {
        self.setup.busy = false;
        // Panic was pressed while it ran: whatever came of it, the lock screen stays and says
        // nothing (a restored vault is kept, locked, for its new PIN).
        if self.route != crate::model::Route::FirstRun {
            self.setup = Default::default();
            if let Ok(Outcome::Restored(vault)) = result {
                vault.lock();
                self.vault = Some(std::sync::Arc::new(*vault));
                self.lock = Default::default();
                self.show_lock();
                self.banner = None;
            }
            return;
        }
        let b = &self.s.backup;
        match result {
            Ok(Outcome::Restored(vault)) => {
                let count = IncidentLog::new(&vault).count().unwrap_or(0);
                self.vault = Some(std::sync::Arc::new(*vault));
                self.setup = Default::default();
                self.sweep_exports();
                self.after_unlock();
                let text = fill(b.restored, &[("count", &count.to_string())]);
                self.say(text, Tone::Good);
                self.effect(Effect::Haptic {
                    kind: HapticKind::Confirm,
                });
            }
            Ok(_) => {}
            Err(Error::WrongSecret { .. }) => {
                // The code does not open this backup: type it again (the new PIN is kept).
                self.setup.code = Zeroizing::new(String::new());
                self.setup_step(SetupStep::RestoreCode);
                self.say(b.wrong_code, Tone::Danger);
                self.effect(Effect::Haptic {
                    kind: HapticKind::Warning,
                });
            }
            Err(e) => {
                let text = match &e {
                    Error::Cancelled => b.restore_stopped,
                    Error::Integrity { .. } => b.damaged,
                    Error::NotFound { .. } => b.unreadable,
                    e if is_no_space(e) => b.no_space,
                    Error::Storage { .. } => b.unreadable,
                    _ => b.damaged,
                };
                let tone = if matches!(e, Error::Cancelled) {
                    Tone::Neutral
                } else {
                    Tone::Danger
                };
                self.setup_step(SetupStep::RestorePick);
                self.say(text, tone);
            }
        }
    }

    /// Back from a restore step: one step back; from the code, to the welcome.
    pub(crate) fn restore_back(&mut self) {
        if self.setup.busy {
            return;
        }
        let to = match self.setup.step {
            SetupStep::RestoreCode => SetupStep::Welcome,
            SetupStep::RestorePin => SetupStep::RestoreCode,
            SetupStep::RestoreConfirmPin => SetupStep::RestorePin,
            SetupStep::RestorePick => SetupStep::RestorePin,
            _ => return,
        };
        if matches!(to, SetupStep::Welcome | SetupStep::RestorePin) {
            self.setup.pin = Zeroizing::new(String::new());
        }
        if to == SetupStep::Welcome {
            self.setup.code = Zeroizing::new(String::new());
        }
        self.setup_step(to);
    }
}

/// The core's words for a full disk (io::ErrorKind::StorageFull, or SQLite's ENOSPC).
fn is_no_space(e: &Error) -> bool {
    matches!(e, Error::Storage { reason } if reason == waymark_core::error::NO_SPACE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_told_apart_from_other_storage_failures() {
        assert!(is_no_space(&Error::storage(waymark_core::error::NO_SPACE)));
        assert!(!is_no_space(&Error::storage("database error")));
        assert!(!is_no_space(&Error::invalid(
            "backup",
            "could not be made; please try again later"
        )));
    }

    #[test]
    fn sizes_read_as_megabytes() {
        assert_eq!(size_words(1_048_576), "1.0 MB");
        assert_eq!(size_words(17_825_792), "18 MB");
    }
}
