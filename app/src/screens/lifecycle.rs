//! The app's life: launch, background and foreground (auto-lock after a delay), wake-ups, the
//! clock tick, and the panic action that locks at once.

use chrono::Duration;
use waymark_core::vault::Vault;

use crate::effect::{CaptureKind, Effect};
use crate::model::{Model, Route};
use crate::screens::capture::VIDEO_MAX_SECONDS;
use crate::screens::delivery::CHECKIN_WAKE;
use crate::time::to_system_time;

/// The id of the wake-up that locks the vault in the background.
pub(crate) const AUTO_LOCK_WAKE: &str = "auto-lock";
/// While the camera or the file picker is open the app is in the background (Android starts
/// another app for it); the auto-lock waits at least this long, so the photo is not lost (for a
/// video, this long after the longest recording the camera is asked for).
pub(crate) const CAPTURE_GRACE_SECONDS: u32 = 300;

impl Model {
    pub(crate) fn started(&mut self) {
        // Screenshots and the app switcher never show Waymark's content.
        self.effect(Effect::SecureScreen { on: true });
        if self.is_unlocked() {
            return;
        }
        if Vault::exists(&self.dir) {
            self.show_lock();
        } else if self.route != Route::FirstRun {
            self.show_first_run();
        }
        // Anything a check-in owes while the app was not running goes out now.
        self.checkin_tick();
    }

    /// After the PIN (or the duress PIN: the same path) opened the vault, or set-up ended.
    pub(crate) fn after_unlock(&mut self) {
        self.refresh_region();
        self.show_home();
        self.unlock_alert();
        self.checkin_tick();
    }

    pub(crate) fn backgrounded(&mut self) {
        self.hidden = true;
        self.effect(Effect::HideContent { hidden: true });
        if !self.is_unlocked() {
            return;
        }
        let now = self.now();
        self.background_since = Some(now);
        let delay = self.lock_delay();
        if delay == 0 {
            return self.lock_now();
        }
        let at = now + Duration::seconds(i64::from(delay));
        self.effect(Effect::ScheduleWake {
            id: AUTO_LOCK_WAKE.into(),
            at: to_system_time(at),
        });
    }

    pub(crate) fn foregrounded(&mut self) {
        self.hidden = false;
        self.effect(Effect::HideContent { hidden: false });
        self.auto_lock_if_due();
        self.background_since = None;
        self.effect(Effect::CancelWake {
            id: AUTO_LOCK_WAKE.into(),
        });
        self.checkin_tick();
    }

    fn auto_lock_if_due(&mut self) {
        let Some(since) = self.background_since else {
            return;
        };
        let delay = i64::from(self.lock_delay());
        if self.is_unlocked() && (self.now() - since).num_seconds() >= delay {
            self.lock_now();
        }
    }

    /// The person's auto-lock delay, or longer while a capture waits for the camera or picker.
    fn lock_delay(&self) -> u32 {
        let delay = self.auto_lock_seconds();
        match (&self.capture.target, self.capture.kind) {
            (None, _) => delay,
            (Some(_), CaptureKind::Photo) => delay.max(CAPTURE_GRACE_SECONDS),
            (Some(_), CaptureKind::Video) => delay.max(VIDEO_MAX_SECONDS + CAPTURE_GRACE_SECONDS),
        }
    }

    pub(crate) fn wake_fired(&mut self, id: &str) {
        match id {
            AUTO_LOCK_WAKE => self.auto_lock_if_due(),
            CHECKIN_WAKE => {
                self.checkin_tick();
                // A fresh place for the alerts (kept only if the plan shares it).
                if self.checkin.current.is_some() && self.location_on() {
                    self.effect(Effect::RequestLocation);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn panic(&mut self) {
        self.lock_now();
        self.effect(Effect::HideContent { hidden: false });
    }
}
