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

pub use effect::{CaptureKind, Effect, HapticKind, HttpHeader, Permission, PickSource};
pub use event::AppEvent;
pub use model::{AppConfig, SmsAbility};
pub use screens::capture::{EvidenceButton, EvidenceSource};
pub use screens::disguise::Disguise;
pub use screens::export::{ExportKind, ExportOption, ExportReady, ExportScreen};
pub use screens::insights::{CountBar, InsightsScreen, PatternSignal, SignalRow};
pub use screens::risk::{
    RiskAnswerRow, RiskChoice, RiskChoiceOption, RiskQuestionCard, RiskScreen,
};
pub use screens::routes::{
    FigureRow, MapCard, ModeOption, PlaceRow, PlanCard, RouteCard, RouteDrawing, RouteLine,
    RoutesScreen, StreetLine, TravelMode, TripRow,
};
pub use screens::work::WorkCard;
pub use view::*;
pub use waymark_core::progress::Stage as WorkStage;

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

    /// As `run_work`, calling `watch` with each progress report on the working thread (no lock
    /// of the app model is held then, so `watch` may call `dispatch` or `view`, or wait for
    /// another thread that does). For tests that must act at a given point of the work.
    pub fn run_work_watched(&self, id: &str, watch: &(dyn Fn(WorkStage, f64) + Sync)) -> AppUpdate {
        self.run_work_inner(id, Some(watch))
    }

    fn run_work_inner(
        &self,
        id: &str,
        watch: Option<&(dyn Fn(WorkStage, f64) + Sync)>,
    ) -> AppUpdate {
        let taken = self.model().take_work(id);
        // The model is not locked while the work runs: `dispatch` and `view` answer meanwhile.
        let result = taken.as_ref().map(|t| screens::work::run(t, watch));
        let mut m = self.model();
        m.banner = None;
        if let Some(result) = result {
            m.finish_work(id, result);
        }
        let view = m.view();
        let effects = std::mem::take(&mut m.effects);
        AppUpdate { view, effects }
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
        let was_unlocked = m.is_unlocked();
        m.handle(event);
        m.after_event(was_unlocked);
        let view = m.view();
        let effects = std::mem::take(&mut m.effects);
        AppUpdate { view, effects }
    }

    /// The current view model, without changing anything (e.g. after the UI was re-created,
    /// or to redraw a progress bar while long work runs).
    pub fn view(&self) -> ViewModel {
        self.model().view()
    }

    /// Runs the long work `Effect::RunWork { id }` asked for. Blocks until it ends (seconds to
    /// minutes): call it on a background thread, never the main one. Meanwhile `dispatch` and
    /// `view` keep answering (progress in `ViewModel.work`; `CancelWork { id }` stops it).
    /// Returns what to draw and do when it has ended; an unknown or already-run id does nothing.
    pub fn run_work(&self, id: String) -> AppUpdate {
        self.run_work_inner(&id, None)
    }
}

impl Model {
    /// What follows any event: locking stops long work and forgets what the later screens held;
    /// unlocking empties the export folder of what an earlier session left.
    fn after_event(&mut self, was_unlocked: bool) {
        let unlocked = self.is_unlocked();
        if was_unlocked && !unlocked {
            self.cancel_work_on_lock();
            self.sweep_exports();
            self.routes = Default::default();
            self.insights = None;
            self.risk = None;
        } else if !was_unlocked && unlocked {
            self.sweep_exports();
        }
    }

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
            E::WrongPinsSeen => self.wrong_pins_seen(),
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
            } => {
                self.location_fix(lat, lon, accuracy_m);
                self.routes_fix_arrived();
            }
            // The relay's answers come locked too: a check-in from the lock screen tells it.
            E::HttpDone { id, status, body } => self.http_answer(&id, Some((status, &body))),
            E::HttpFailed { id } => self.http_answer(&id, None),
            E::CancelWork { id } => self.cancel_work(&id),
            E::FilePicked { path } if self.routes.picking_map => self.map_file_picked(&path),
            E::FilePickCancelled if self.routes.picking_map => self.map_pick_cancelled(),
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
            E::StartExport { what } => self.start_export(what),
            E::ShareExport => self.share_export(),
            E::AddPlaceHere { name } => self.add_place_here(&name),
            E::AddPlace { name, lat, lon } => self.add_place(&name, lat, lon),
            E::RemovePlace { name } => self.remove_place(&name),
            E::FindRoutes { from, to, mode } => self.find_routes(&from, &to, mode),
            E::SelectRoute { index } => self.select_route(index),
            E::PlanTrips {
                from,
                to,
                mode,
                arrive_by_minute,
            } => self.plan_trips(&from, &to, mode, arrive_by_minute),
            E::ImportMap => self.import_map(),
            E::ForgetMap => self.forget_map(),
            E::AnswerRisk {
                question_id,
                choice,
                note,
            } => self.answer_risk(&question_id, choice, note.as_deref()),
            E::CheckInDestination { text } => self.checkin_destination(&text),
            E::CheckInMinutes { minutes } => self.checkin_minutes(minutes),
            E::CheckInGrace { minutes } => self.checkin_grace(minutes),
            E::CheckInShareLocation { on } => self.checkin_share_location(on),
            E::CheckInToggleBuddy { contact_id } => self.checkin_toggle_buddy(&contact_id),
            E::CheckInAddBuddy { name, phone } => self.checkin_add_buddy(&name, &phone),
            E::CheckInStart => self.checkin_start(),
            E::CheckInSafe => self.checkin_safe(),
            E::CheckInExtend { minutes } => self.checkin_extend(minutes),
            E::CheckInStop => self.checkin_stop(),
            E::RelaySetUp { address } => self.relay_set_up(&address),
            E::RelayAcceptKey => self.relay_accept_key(),
            E::RelayRejectKey => self.relay_reject_key(),
            E::RelayForget => self.relay_forget(),
            E::RelayRetry => self.relay_retry(),
            E::AddEvidence { source } => self.add_evidence(source),
            E::OpenIncident { id } => self.open_incident(&id),
            E::SettingsChangePin => self.settings_flow(Flow::ChangePin),
            E::SettingsSetDuress => self.settings_flow(Flow::SetDuress),
            E::SettingsRemoveDuress => self.settings_flow(Flow::RemoveDuress),
            E::SettingsAutoLock { seconds } => self.settings_auto_lock(seconds),
            E::SettingsRegion { code } => self.settings_region(&code),
            E::SettingsEraseAfter { after } => self.settings_erase_after(after),
            E::SettingsEraseConfirm => self.settings_erase_confirm(),
            E::SettingsEraseCancel => self.settings_erase_cancel(),
            E::SettingsDuressAlert { on } => self.settings_duress_alert(on),
            E::ChooseDisguise { kind } => self.choose_disguise(kind),
            E::PermissionResult {
                what: Permission::Sms,
                granted,
            } => self.sms_permission_result(granted),
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
            Destination::Export => self.open_export(),
            Destination::Routes => self.open_routes(),
            Destination::Insights => self.open_insights(),
            Destination::Risk => self.open_risk(),
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
            Route::Export | Route::Routes | Route::Insights | Route::Risk => self.show_home(),
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
            Route::Export => (
                s.export.title,
                Screen::Export {
                    export: self.export_view(),
                },
                true,
            ),
            Route::Routes => (
                s.routes.title,
                Screen::Routes {
                    routes: self.routes_view(),
                },
                true,
            ),
            Route::Insights => (
                s.insights.title,
                Screen::Insights {
                    insights: self.insights_view(),
                },
                true,
            ),
            Route::Risk => (
                s.risk.title,
                Screen::Risk {
                    risk: self.risk_view(),
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
            work: self.work_card(),
            sms_failed: self.sms_failure_view(),
        }
    }
}
