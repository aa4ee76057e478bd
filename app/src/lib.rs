//! The app model: every decision a Waymark screen makes, made once in Rust and tested here, so
//! the Android and iOS shells only draw view models and carry out effects.
//!
//! The shape is the Elm architecture (as in redbadger/crux), over UniFFI records: the shell
//! sends an [`AppEvent`]; [`AppCore::dispatch`] updates the state through the core and answers
//! with an [`AppUpdate`], the [`ViewModel`] to draw and the [`Effect`]s to carry out. Each
//! effect's outcome comes back as another event. The core does the work (vault, log, safety,
//! evidence, ...); this crate decides what happens and what the person reads (`strings`).
//!
//! This crate's UniFFI scaffolding is linked into waymark-ffi's library; the shells build an
//! `AppCore` with waymark-ffi's `openApp` (which owns the platform traits: the hardware PRF and
//! the clock).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

uniffi::setup_scaffolding!();

mod effect;
mod event;
mod model;
mod screens;
pub mod strings;
mod time;
mod view;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use waymark_core::vault::{HardwarePrf, KdfChoice};
use waymark_core::Clock;

pub use effect::{Effect, HapticKind, Permission};
pub use event::AppEvent;
pub use model::{AppConfig, SmsAbility};
pub use view::*;

use model::{Model, Route};
use screens::settings::Flow;

/// The app's state and logic. Thread-safe: events are handled one at a time.
///
/// Some events take a while (unlocking stretches the PIN for about half a second; first run
/// creates the vault): call `dispatch` off the main thread and draw the answer on it.
#[derive(uniffi::Object)]
pub struct AppCore {
    model: Mutex<Model>,
}

impl std::fmt::Debug for AppCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppCore").finish_non_exhaustive()
    }
}

impl AppCore {
    /// For Rust callers (tests, waymark-ffi's `openApp`): the vault folder (it may not hold a
    /// vault yet: then the first run shows), the phone's PRF and clock, and how hard a new
    /// vault stretches its PIN.
    pub fn new(
        vault_dir: PathBuf,
        prf: Arc<dyn HardwarePrf>,
        clock: Arc<dyn Clock>,
        kdf: KdfChoice,
        config: AppConfig,
    ) -> AppCore {
        AppCore {
            model: Mutex::new(Model::new(vault_dir, prf, clock, kdf, config)),
        }
    }

    /// The largest photo or file kept as one item (the core's limit unless changed here; tests
    /// lower it so the refusal can be seen without streaming gigabytes).
    pub fn set_evidence_limit(&self, bytes: u64) {
        self.model().capture.max_bytes = bytes;
    }

    fn model(&self) -> MutexGuard<'_, Model> {
        // A panic while handling an event must not make the app unusable: the state is still
        // consistent at event boundaries, so take it back.
        self.model.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[uniffi::export]
impl AppCore {
    /// Handles one event and returns what to draw and do.
    pub fn dispatch(&self, event: AppEvent) -> AppUpdate {
        let mut m = self.model();
        m.banner = None;
        m.handle(event);
        let view = m.view();
        let effects = std::mem::take(&mut m.effects);
        AppUpdate { view, effects }
    }

    /// The current view model, without changing anything (e.g. after the UI was re-created).
    pub fn view(&self) -> ViewModel {
        self.model().view()
    }
}

impl Model {
    fn handle(&mut self, event: AppEvent) {
        use AppEvent as E;
        match event {
            E::Started => self.started(),
            E::Backgrounded => self.backgrounded(),
            E::Foregrounded => self.foregrounded(),
            E::Tick => self.tick(),
            E::WakeFired { id } => self.wake_fired(&id),
            E::Panic => self.panic(),
            E::CallEmergency => self.call_emergency(),
            E::CallHelp { id } => self.call_help(&id),
            E::Open { to } => self.open(to),
            E::Back => self.back(),
            E::PinDigit { digit } => screens::lock::pin_digit(self, digit),
            E::PinDelete => screens::lock::pin_delete(self),
            E::PinSubmit => match self.route {
                Route::Lock => self.lock_submit(),
                Route::FirstRun => self.setup_pin_submit(),
                Route::Settings if self.is_unlocked() => self.settings_pin_submit(),
                _ => {}
            },
            E::PinCheckIn => {
                if self.route == Route::Lock {
                    self.lock_check_in()
                }
            }
            E::SetupStart => self.setup_start(),
            E::RecoveryCodeWritten => self.setup_recovery_written(),
            E::RecoveryCodeTyped { text } => self.setup_recovery_typed(&text),
            E::SetupBuddy { name, phone } => self.setup_buddy(&name, &phone),
            E::SetupLocation { on } => self.setup_location(on),
            E::SetupSkip => self.setup_skip(),
            // A text's outcome and its retry work locked too: a check-in runs while locked.
            E::SmsSent { id, ok } => self.sms_sent(&id, ok),
            E::SmsRetry { id } => self.sms_retry(&id, false),
            E::SmsCompose { id } => self.sms_retry(&id, true),
            E::LocationFix {
                lat,
                lon,
                accuracy_m,
            } => self.location_fix(lat, lon, accuracy_m),
            // Everything below needs the vault open.
            other if !self.is_unlocked() => {
                tracing::debug!("event ignored while locked");
                let _ = other;
            }
            E::QuickLog { kind } => self.quick_log(kind),
            E::Undo => self.undo(),
            E::AddNote { text } => self.add_note(&text),
            E::AddWitness { name } => self.add_witness(&name),
            E::AddFeeling { level } => self.add_feeling(level),
            E::CheckInDestination { text } => self.checkin_destination(&text),
            E::CheckInMinutes { minutes } => self.checkin_minutes(minutes),
            E::CheckInGrace { minutes } => self.checkin_grace(minutes),
            E::CheckInToggleBuddy { contact_id } => self.checkin_toggle_buddy(&contact_id),
            E::CheckInAddBuddy { name, phone } => self.checkin_add_buddy(&name, &phone),
            E::CheckInStart => self.checkin_start(),
            E::CheckInSafe => self.checkin_safe(),
            E::CheckInExtend { minutes } => self.checkin_extend(minutes),
            E::CheckInStop => self.checkin_stop(),
            E::AddPhoto => self.add_photo(),
            E::AddFile => self.add_file(),
            E::OpenIncident { id } => self.open_incident(&id),
            E::SettingsChangePin => self.settings_flow(Flow::ChangePin),
            E::SettingsSetDuress => self.settings_flow(Flow::SetDuress),
            E::SettingsRemoveDuress => self.settings_flow(Flow::RemoveDuress),
            E::SettingsAutoLock { seconds } => self.settings_auto_lock(seconds),
            E::SettingsRegion { code } => self.settings_region(&code),
            E::PermissionResult { what, granted } => self.permission_result(what, granted),
            E::CameraChunk { bytes } => self.camera_chunk(&bytes),
            E::CameraDone => self.camera_done(),
            E::CameraCancelled => self.camera_cancelled(),
            E::FilePicked { path } => self.file_picked(&path),
            E::FilePickCancelled => self.file_pick_cancelled(),
            E::EditIncident {
                kind,
                description,
                reason,
            } => self.edit_incident(kind, &description, &reason),
            E::RemoveIncident { reason } => self.remove_incident(&reason),
        }
    }

    fn open(&mut self, to: Destination) {
        match to {
            Destination::Help => self.open_help(),
            Destination::CheckIn => {
                if self.is_unlocked() {
                    self.open_checkin();
                }
            }
            Destination::Incidents => self.open_incidents(),
            Destination::Settings => self.open_settings(),
            Destination::Home => {
                if self.route == Route::FirstRun {
                    self.setup_finish();
                } else if self.is_unlocked() {
                    self.show_home();
                }
            }
        }
    }

    fn back(&mut self) {
        match self.route.clone() {
            Route::Help { back } => self.go(*back),
            Route::FirstRun => {
                self.setup_back();
            }
            Route::CheckIn | Route::Incidents => self.show_home(),
            Route::Incident { .. } => self.incident_back(),
            Route::Settings => self.settings_back(),
            Route::Lock | Route::Home => {}
        }
    }

    fn view(&mut self) -> ViewModel {
        let s = self.s;
        let (title, screen, back) = match self.route.clone() {
            Route::Lock => (
                s.lock_title,
                Screen::Lock {
                    lock: self.lock_view(),
                },
                false,
            ),
            Route::FirstRun => (
                s.app_name,
                Screen::FirstRun {
                    setup: self.first_run_view(),
                },
                matches!(
                    self.setup.step,
                    SetupStep::ConfirmPin | SetupStep::ConfirmRecoveryCode
                ),
            ),
            Route::Home => (
                s.home_title,
                Screen::Home {
                    home: self.home_view(),
                },
                false,
            ),
            Route::Help { .. } => (
                s.help_title,
                Screen::Help {
                    help: self.help_view(),
                },
                true,
            ),
            Route::CheckIn => (
                s.checkin_title,
                Screen::CheckIn {
                    checkin: self.checkin_view(),
                },
                true,
            ),
            Route::Incident { .. } => match self.incident_detail_view() {
                Some(incident) => (s.incident_title, Screen::Incident { incident }, true),
                // Gone (removed elsewhere): the list instead.
                None => (
                    s.incidents_title,
                    Screen::Incidents {
                        incidents: self.incident_list_view(),
                    },
                    true,
                ),
            },
            Route::Incidents => (
                s.incidents_title,
                Screen::Incidents {
                    incidents: self.incident_list_view(),
                },
                true,
            ),
            Route::Settings => (
                s.nav_settings,
                Screen::Settings {
                    settings: self.settings_view(),
                },
                true,
            ),
        };
        ViewModel {
            title: title.to_string(),
            screen,
            banner: self.banner.clone(),
            emergency: self.emergency_bar(),
            back_label: back.then(|| s.back.to_string()),
            hide_content: self.hidden,
            sms_failed: self.sms_failure_view(),
        }
    }
}
