//! The lock screen: the PIN pad, the wrong-PIN message with the wait counting down, checking in
//! without unlocking (the armed check-in), and the emergency bar (drawn on every screen).
//!
//! The duress PIN opens the decoy through the same `unlock` call: nothing here can tell the two
//! apart, so nothing on screen can either.

use chrono::{DateTime, Utc};
use waymark_core::safety::ArmedCheckIn;
use waymark_core::vault::Vault;
use waymark_core::Error;

use crate::effect::{Effect, HapticKind};
use crate::model::{Model, Route, MAX_PIN_DIGITS};
use crate::strings::fill;
use crate::time::{seconds_until, short_duration};
use crate::view::{Banner, LockScreen, PinPad, Tone};

#[derive(Debug, Default)]
pub(crate) struct LockState {
    /// No try before this (wrong PINs back off; the key file keeps the count across restarts).
    pub retry_at: Option<DateTime<Utc>>,
    pub message: Option<Banner>,
    /// The message is about the wait, so it is rewritten as the countdown moves.
    pub waiting: bool,
}

/// A shared PIN pad: the digit and delete keys work the same on every screen that has one.
pub(crate) fn pin_digit(m: &mut Model, digit: u8) {
    // A greyed-out pad takes nothing.
    if m.route == Route::Lock && m.waiting_seconds().is_some() {
        return;
    }
    if digit <= 9 && m.pin.len() < MAX_PIN_DIGITS {
        m.pin.push(char::from(b'0' + digit));
    }
}

pub(crate) fn pin_delete(m: &mut Model) {
    m.pin.pop();
}

pub(crate) fn pad(m: &Model, prompt: &str, submit: &str, enabled: bool) -> PinPad {
    let dots = u32::try_from(m.pin.len()).unwrap_or(0);
    PinPad {
        prompt: prompt.to_string(),
        dots,
        dots_label: fill(m.s.digits_entered, &[("count", &dots.to_string())]),
        enabled,
        submit_label: submit.to_string(),
        delete_label: m.s.delete_digit.to_string(),
    }
}

impl Model {
    /// Shows the lock screen for the vault in the folder (opening a locked handle if needed).
    pub(crate) fn show_lock(&mut self) {
        if self.vault.is_none() {
            match Vault::open(&self.dir, self.prf.clone(), self.clock.clone()) {
                Ok(v) => self.vault = Some(std::sync::Arc::new(v)),
                Err(e) => self.fail(&e),
            }
        }
        // The wait survives restarts: the key file keeps it.
        if let Some(Ok(status)) = self.vault.as_ref().map(|v| v.status()) {
            if let Some(until) = status.locked_until {
                self.lock.retry_at = Some(until);
                self.lock.waiting = true;
            }
        }
        self.go(Route::Lock);
    }

    pub(crate) fn waiting_seconds(&self) -> Option<u32> {
        let until = self.lock.retry_at?;
        let s = seconds_until(self.now(), until);
        (s > 0).then_some(s)
    }

    /// Runs a PIN attempt; `Ok(pin)` hands the PIN to `then` only when the pad may be used.
    fn take_pin(&mut self) -> Option<zeroize::Zeroizing<String>> {
        if self.waiting_seconds().is_some() {
            return None;
        }
        if self.pin.len() < 6 {
            self.lock.message = Some(Banner {
                text: self.s.lock_pin_too_short.to_string(),
                tone: Tone::Caution,
            });
            self.lock.waiting = false;
            return None;
        }
        Some(std::mem::take(&mut self.pin))
    }

    fn wrong_pin(&mut self, e: &Error) {
        let (retry_at, text) = match e {
            Error::WrongSecret { retry_after } => (*retry_after, self.s.lock_wrong_pin),
            Error::LockedOut { until } => (Some(*until), self.s.lock_locked_out),
            other => {
                let text = self.error_text(other);
                self.lock.message = Some(Banner {
                    text,
                    tone: Tone::Danger,
                });
                self.lock.waiting = false;
                return;
            }
        };
        self.lock.retry_at = retry_at;
        self.lock.waiting = retry_at.is_some_and(|t| t > self.now());
        self.lock.message = Some(Banner {
            text: text.to_string(),
            tone: Tone::Danger,
        });
        self.effect(Effect::Haptic {
            kind: HapticKind::Warning,
        });
    }

    pub(crate) fn lock_submit(&mut self) {
        let Some(pin) = self.take_pin() else { return };
        let Some(vault) = self.vault.as_ref() else {
            return;
        };
        match vault.unlock(&pin) {
            Ok(()) => {
                self.lock = LockState::default();
                self.after_unlock();
            }
            Err(_) if !Vault::exists(&self.dir) => self.vault_erased(),
            Err(e) => self.wrong_pin(&e),
        }
    }

    /// "I'm safe" from the lock screen: the armed check-in takes the PIN without unlocking.
    /// The duress PIN gets the same answer (and, unseen, the buddies get the urgent alert).
    pub(crate) fn lock_check_in(&mut self) {
        let Some(pin) = self.take_pin() else { return };
        let armed = match ArmedCheckIn::open(&self.dir, self.prf.clone(), self.clock.clone()) {
            Ok(a) => a,
            Err(e) => return self.fail(&e),
        };
        match armed.check_in_with_relay(&pin) {
            Ok(receipt) => {
                self.checkin_closed();
                self.lock = LockState::default();
                self.lock.message = Some(Banner {
                    text: self.s.lock_checked_in.to_string(),
                    tone: Tone::Good,
                });
                // The relay is told too: with the duress secret after the duress PIN, which it
                // answers exactly like the cancel secret, so nothing here can differ.
                if let Some(req) = receipt.relay {
                    self.relay_tell_locked(req);
                }
                // The all-clear (or the silent alert) is due now: hand it to the phone.
                self.checkin_tick();
            }
            Err(_) if !Vault::exists(&self.dir) => self.vault_erased(),
            Err(Error::NotFound { .. }) => {
                self.lock.message = Some(Banner {
                    text: self.s.lock_no_checkin.to_string(),
                    tone: Tone::Neutral,
                });
                self.lock.waiting = false;
            }
            Err(e) => self.wrong_pin(&e),
        }
    }

    /// Locks at once: the panic action, auto-lock, or "Lock now".
    pub(crate) fn lock_now(&mut self) {
        // A half-taken photo goes first: its writer holds the vault.
        self.capture = Default::default();
        self.settings = Default::default();
        if let Some(v) = &self.vault {
            v.lock();
        }
        self.home = Default::default();
        // The form and the running plan are personal: gone with the lock.
        self.checkin = Default::default();
        self.relay_on_lock();
        self.lock = LockState::default();
        self.banner = None;
        self.show_lock();
    }

    pub(crate) fn lock_view(&mut self) -> LockScreen {
        let wait = self.waiting_seconds();
        if wait.is_none() && self.lock.waiting {
            // The wait is over: the pad comes back and the message goes.
            self.lock.waiting = false;
            self.lock.message = None;
            self.lock.retry_at = None;
        }
        let mut message = self.lock.message.clone();
        if let (Some(secs), Some(msg)) = (wait, message.as_mut()) {
            msg.text = format!(
                "{} {}",
                msg.text,
                fill(self.s.lock_wait, &[("time", &short_duration(secs))])
            );
        }
        let s = self.s;
        LockScreen {
            pad: pad(self, s.lock_prompt, s.unlock, wait.is_none()),
            message,
            retry_in_seconds: wait,
            check_in_label: s.lock_im_safe.to_string(),
        }
    }
}
