//! The app's state between events, and the pieces every screen shares: the vault handle, the
//! PIN typed so far, the effects gathered while an event is handled, errors turned into words.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use waymark_core::safety::help::{self, Region};
use waymark_core::safety::Location;
use waymark_core::vault::{HardwarePrf, KdfChoice, Vault};
use waymark_core::{Clock, Error};
use zeroize::Zeroizing;

use crate::effect::Effect;
use crate::screens::capture::CaptureState;
use crate::screens::checkin::CheckInState;
use crate::screens::delivery::DeliveryState;
use crate::screens::first_run::SetupState;
use crate::screens::home::HomeState;
use crate::screens::lock::LockState;
use crate::screens::settings::SettingsState;
use crate::strings::{self, fill, Strings};
use crate::view::{Banner, Tone};

/// Longest PIN the pad takes (the core allows long passphrases; a pad does not need them).
pub(crate) const MAX_PIN_DIGITS: usize = 32;
pub(crate) const DEFAULT_AUTO_LOCK_SECONDS: u32 = 60;
pub(crate) const PREF_AUTO_LOCK: &str = "app.auto_lock_seconds";
pub(crate) const PREF_LOCATION: &str = "app.location";

/// Whether the phone can send a text by itself (Android) or only open a composer (iOS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SmsAbility {
    SendSilently,
    ComposeOnly,
}

/// What the shell tells the app model once, at construction.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AppConfig {
    /// The phone's language ("en-GB"); English is used until a table for it exists.
    pub language: String,
    /// The phone's country (ISO code, "GB"): the help numbers shown while the vault is locked,
    /// and the default for a new vault. After unlocking, the person's own choice wins.
    pub region: String,
    pub sms: SmsAbility,
    /// The phone's offset from UTC in minutes now (times on screen are local).
    pub utc_offset_minutes: i32,
}

/// Which screen is showing. `Help` remembers where Back returns to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Route {
    Lock,
    FirstRun,
    Home,
    Help { back: Box<Route> },
    Export,
    Routes,
    Insights,
    Risk,
    CheckIn,
    Incidents,
    Incident { id: String },
    Settings,
}

pub(crate) struct Model {
    pub dir: PathBuf,
    pub prf: Arc<dyn HardwarePrf>,
    pub clock: Arc<dyn Clock>,
    pub kdf: KdfChoice,
    pub config: AppConfig,
    pub s: &'static Strings,
    /// None until the first run creates the vault.
    /// Shared so a capture in progress can hold it beside its writer, and with long work
    /// running on a shell's background thread (`AppCore::run_work`).
    pub vault: Option<Arc<Vault>>,
    pub route: Route,
    /// Digits typed on whichever PIN pad is showing; wiped on every screen change.
    pub pin: Zeroizing<String>,
    pub banner: Option<Banner>,
    pub effects: Vec<Effect>,
    pub lock: LockState,
    pub setup: SetupState,
    pub home: HomeState,
    pub checkin: CheckInState,
    /// The check-in relay: calls in flight, a key on offer, whether it holds the plan.
    pub relay: crate::screens::relay::RelayUi,
    /// Long work (exports, map import) and the export screen.
    pub work: crate::screens::work::WorkState,
    pub export: crate::screens::export::ExportState,
    /// The routes screen, the patterns and the risk questions as last read (only while unlocked).
    pub routes: crate::screens::routes::RoutesState,
    pub insights: Option<waymark_core::insight::Insights>,
    pub risk: Option<waymark_core::risk::RiskView>,
    pub delivery: DeliveryState,
    pub capture: CaptureState,
    pub settings: SettingsState,
    /// The person's help region, once the unlocked vault has said.
    pub region: &'static Region,
    pub background_since: Option<DateTime<Utc>>,
    pub hidden: bool,
    pub last_fix: Option<Location>,
}

impl Model {
    pub fn new(
        dir: PathBuf,
        prf: Arc<dyn HardwarePrf>,
        clock: Arc<dyn Clock>,
        kdf: KdfChoice,
        config: AppConfig,
    ) -> Model {
        let region = help::directory(&config.region)
            .or_else(|_| help::directory(help::DEFAULT_REGION))
            .unwrap_or(&help::REGIONS[0]);
        Model {
            dir,
            prf,
            clock,
            kdf,
            s: strings::for_language(&config.language),
            config,
            vault: None,
            route: Route::FirstRun,
            pin: Zeroizing::new(String::new()),
            banner: None,
            effects: Vec::new(),
            lock: LockState::default(),
            setup: SetupState::default(),
            home: HomeState::default(),
            checkin: CheckInState::default(),
            relay: Default::default(),
            work: Default::default(),
            export: Default::default(),
            routes: Default::default(),
            insights: None,
            risk: None,
            delivery: DeliveryState::default(),
            capture: CaptureState::default(),
            settings: SettingsState::default(),
            region,
            background_since: None,
            hidden: false,
            last_fix: None,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn unlocked_vault(&self) -> Option<&Vault> {
        self.vault.as_deref().filter(|v| v.is_unlocked())
    }

    pub fn is_unlocked(&self) -> bool {
        self.unlocked_vault().is_some()
    }

    pub fn go(&mut self, route: Route) {
        self.pin = Zeroizing::new(String::new());
        if self.route == Route::Home && route != Route::Home {
            self.home.leave();
        }
        self.route = route;
    }

    pub fn effect(&mut self, e: Effect) {
        self.effects.push(e);
    }

    pub fn say(&mut self, text: impl Into<String>, tone: Tone) {
        self.banner = Some(Banner {
            text: text.into(),
            tone,
        });
    }

    /// An error from the core, in words a person can act on. Core messages never carry
    /// personal text; only the field and reason of bad input are shown.
    pub fn error_text(&self, e: &Error) -> String {
        let s = self.s;
        match e {
            Error::InvalidInput { field, reason } => {
                fill(s.error_invalid, &[("reason", &format!("{field} {reason}"))])
            }
            Error::Storage { .. } => s.error_storage.to_string(),
            Error::Integrity { .. } => s.error_integrity.to_string(),
            Error::NotFound { .. } => s.error_not_found.to_string(),
            Error::Locked => s.error_locked.to_string(),
            Error::Cancelled => s.error_cancelled.to_string(),
            Error::WrongSecret { .. } | Error::LockedOut { .. } => s.lock_wrong_pin.to_string(),
        }
    }

    pub fn fail(&mut self, e: &Error) {
        let text = self.error_text(e);
        self.say(text, Tone::Danger);
    }

    /// Reads an app preference from the unlocked vault.
    pub fn preference(&self, key: &str) -> Option<String> {
        self.unlocked_vault()
            .and_then(|v| v.preference(key).ok().flatten())
    }

    pub fn auto_lock_seconds(&self) -> u32 {
        self.preference(PREF_AUTO_LOCK)
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_AUTO_LOCK_SECONDS)
    }

    pub fn location_on(&self) -> bool {
        self.preference(PREF_LOCATION).as_deref() == Some("on")
    }

    /// The vault's help region after unlock; the phone's before.
    pub fn refresh_region(&mut self) {
        if let Some(v) = self.unlocked_vault() {
            if let Ok(r) = waymark_core::safety::Safety::new(v).region() {
                self.region = r;
            }
        }
    }
}
