//! Settings: change the PIN; set, change or remove the duress PIN (all through the core, which
//! checks the current PIN and counts a wrong one like a failed unlock); the help region; the
//! auto-lock delay; and what there is to know about the recovery code (the core shows it once,
//! at set-up, and cannot issue a new one).
//!
//! In a decoy session (opened with the duress PIN) the same screens work the same way: the core
//! answers a PIN it does not accept with the same "did not work" as anywhere else.
//!
//! "Erase everything after wrong PINs" is off unless chosen; its words say at all times that it
//! cannot be undone, and a number is set only after the person says yes to a question saying
//! so again. The decoy shows and changes the same one setting (the core keeps it per device).

use waymark_core::safety::help;
use waymark_core::safety::Safety;
use waymark_core::vault::SecretMatch;
use waymark_core::Error;
use zeroize::Zeroizing;

use crate::effect::{Effect, HapticKind, Permission};
use crate::model::{Model, Route, SmsAbility, PREF_AUTO_LOCK};
use crate::screens::lock::pad;
use crate::strings::fill;
use crate::time::short_duration;
use crate::view::{
    AutoLockChoice, EraseChoice, EraseConfirm, RegionChoice, SettingsScreen, SettingsStep, Tone,
};

/// The auto-lock delays offered (seconds; 0 locks as soon as the app leaves the screen).
const AUTO_LOCK_CHOICES: [u32; 5] = [0, 30, 60, 300, 900];

/// "Erase after wrong PINs" choices (0: off). Never fewer than the core's minimum.
const ERASE_CHOICES: [u32; 4] = [0, 5, 10, 20];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    ChangePin,
    SetDuress,
    RemoveDuress,
}

pub(crate) struct SettingsState {
    pub step: SettingsStep,
    pub flow: Option<Flow>,
    /// The current PIN, then the new one, kept only while the flow runs.
    pub current: Zeroizing<String>,
    pub new: Zeroizing<String>,
    /// "Erase after this many wrong PINs", chosen and waiting for the person's yes.
    pub erase_pending: Option<u32>,
}

impl Default for SettingsState {
    fn default() -> Self {
        SettingsState {
            step: SettingsStep::Menu,
            flow: None,
            current: Zeroizing::new(String::new()),
            new: Zeroizing::new(String::new()),
            erase_pending: None,
        }
    }
}

impl std::fmt::Debug for SettingsState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsState")
            .field("step", &self.step)
            .field("flow", &self.flow)
            .finish_non_exhaustive()
    }
}

impl Model {
    pub(crate) fn open_settings(&mut self) {
        if self.is_unlocked() {
            self.settings = SettingsState::default();
            self.go(Route::Settings);
        }
    }

    fn settings_step(&mut self, step: SettingsStep) {
        self.pin = Zeroizing::new(String::new());
        self.settings.step = step;
    }

    /// Starts one of the PIN flows: first the current PIN.
    pub(crate) fn settings_flow(&mut self, flow: Flow) {
        if self.route != Route::Settings {
            return;
        }
        self.settings = SettingsState {
            flow: Some(flow),
            ..Default::default()
        };
        self.settings_step(SettingsStep::CurrentPin);
    }

    /// Back inside settings: a question or a flow goes back to the menu; the menu goes home.
    pub(crate) fn settings_back(&mut self) {
        if self.settings.erase_pending.take().is_some() {
            return;
        }
        if self.settings.step == SettingsStep::Menu {
            self.settings = SettingsState::default();
            self.show_home();
        } else {
            self.settings = SettingsState::default();
            self.settings_step(SettingsStep::Menu);
        }
    }

    pub(crate) fn settings_pin_submit(&mut self) {
        if self.pin.len() < 6 {
            return self.say(self.s.lock_pin_too_short, Tone::Caution);
        }
        let typed = std::mem::take(&mut self.pin);
        match (self.settings.step, self.settings.flow) {
            (SettingsStep::CurrentPin, Some(Flow::RemoveDuress)) => {
                self.settings.current = typed;
                self.settings_finish();
            }
            (SettingsStep::CurrentPin, Some(flow)) => {
                // Checked now (a miss counts like a wrong unlock), so a typo is caught before
                // the new PIN is typed twice; the core checks it again when it makes the change.
                // Every flow takes the PIN or the duress PIN alike: in a decoy, "set duress PIN"
                // with the PIN that opened it works as in a real vault (the core gives the decoy
                // a duress PIN of its own, which opens the decoy, never the real record).
                let checked = match self.unlocked_vault() {
                    Some(v) => v.classify_secret(&typed).and_then(|m| match m {
                        SecretMatch::Pin | SecretMatch::Duress => Ok(()),
                        SecretMatch::Recovery => Err(Error::WrongSecret { retry_after: None }),
                    }),
                    None => return,
                };
                match checked {
                    Ok(()) => {
                        self.settings.current = typed;
                        self.settings_step(SettingsStep::NewPin);
                    }
                    Err(e) => self.settings_refused(flow, &e),
                }
            }
            (SettingsStep::NewPin, Some(flow)) => {
                if flow == Flow::SetDuress && *typed == *self.settings.current {
                    return self.say(self.s.setup_duress_same_as_pin, Tone::Caution);
                }
                self.settings.new = typed;
                self.settings_step(SettingsStep::ConfirmPin);
            }
            (SettingsStep::ConfirmPin, Some(_)) => {
                if *typed != *self.settings.new {
                    self.settings.new = Zeroizing::new(String::new());
                    self.say(self.s.setup_pins_differ, Tone::Caution);
                    return self.settings_step(SettingsStep::NewPin);
                }
                self.settings_finish();
            }
            _ => {}
        }
    }

    /// The core does it; a wrong current PIN starts the flow again from the current PIN.
    fn settings_finish(&mut self) {
        let Some(flow) = self.settings.flow else {
            return;
        };
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let (current, new) = (&self.settings.current, &self.settings.new);
        let (result, done) = match flow {
            Flow::ChangePin => (v.change_secret(current, new), self.s.settings_pin_changed),
            Flow::SetDuress => (
                v.set_duress_secret(current, new),
                self.s.settings_duress_set,
            ),
            Flow::RemoveDuress => (
                v.remove_duress_secret(current),
                self.s.settings_duress_removed,
            ),
        };
        match result {
            Ok(()) => {
                self.settings = SettingsState::default();
                self.settings_step(SettingsStep::Menu);
                self.say(done, Tone::Good);
                self.effect(Effect::Haptic {
                    kind: HapticKind::Confirm,
                });
            }
            Err(e) => self.settings_refused(flow, &e),
        }
    }

    /// The core said no: say why and start the flow again from the current PIN.
    fn settings_refused(&mut self, flow: Flow, e: &Error) {
        let text = match e {
            Error::WrongSecret { .. } => self.s.settings_wrong_pin.to_string(),
            Error::LockedOut { .. } => self.s.lock_locked_out.to_string(),
            other => self.error_text(other),
        };
        self.settings = SettingsState {
            flow: Some(flow),
            ..Default::default()
        };
        self.settings_step(SettingsStep::CurrentPin);
        self.say(text, Tone::Danger);
        if matches!(e, Error::WrongSecret { .. } | Error::LockedOut { .. }) {
            self.effect(Effect::Haptic {
                kind: HapticKind::Warning,
            });
        }
    }

    pub(crate) fn settings_auto_lock(&mut self, seconds: u32) {
        if !AUTO_LOCK_CHOICES.contains(&seconds) {
            return;
        }
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match v.set_preference(PREF_AUTO_LOCK, &seconds.to_string()) {
            Ok(()) => self.say(self.s.settings_saved, Tone::Good),
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn settings_region(&mut self, code: &str) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match Safety::new(v).set_region(code) {
            Ok(r) => {
                self.region = r;
                self.say(self.s.settings_saved, Tone::Good);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// A choice of "erase after wrong PINs": off at once; a number only after the question.
    pub(crate) fn settings_erase_after(&mut self, after: u32) {
        if self.route != Route::Settings
            || self.settings.step != SettingsStep::Menu
            || !ERASE_CHOICES.contains(&after)
        {
            return;
        }
        if after > 0 {
            self.settings.erase_pending = Some(after);
            return;
        }
        self.settings.erase_pending = None;
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match v.set_erase_after(None) {
            Ok(()) => self.say(self.s.settings_erase_turned_off, Tone::Good),
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn settings_erase_confirm(&mut self) {
        if self.route != Route::Settings {
            return;
        }
        let Some(after) = self.settings.erase_pending.take() else {
            return;
        };
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match v.set_erase_after(Some(after)) {
            Ok(()) => {
                let text = fill(self.s.settings_erase_on, &[("count", &after.to_string())]);
                self.say(text, Tone::Caution);
                self.effect(Effect::Haptic {
                    kind: HapticKind::Confirm,
                });
            }
            Err(e) => self.fail(&e),
        }
    }

    /// The silent alert on a duress unlock. Offered only where a text can go unseen; turning it
    /// on asks for the permission to send texts (a phone that allows it answers at once).
    pub(crate) fn settings_duress_alert(&mut self, on: bool) {
        if self.route != Route::Settings || self.sms_ability() != SmsAbility::SendSilently {
            return;
        }
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match Safety::new(v).set_duress_unlock_alert(on) {
            Ok(()) if on => {
                self.say(self.s.settings_duress_alert_on, Tone::Good);
                self.effect(Effect::RequestPermission {
                    what: Permission::Sms,
                    reason: self.s.settings_duress_alert_reason.to_string(),
                });
            }
            Ok(()) => self.say(self.s.settings_duress_alert_off, Tone::Good),
            Err(e) => self.fail(&e),
        }
    }

    /// After every unlock (either PIN): the core hands out the silent alert of a duress unlock
    /// when the person chose it, and nothing otherwise; it goes out as a duress check-in's alert
    /// does, unseen, a failure never shown.
    pub(crate) fn unlock_alert(&mut self) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match Safety::new(v).take_unlock_alert() {
            Ok(events) => {
                for e in events {
                    self.deliver(e);
                }
            }
            // Never on screen: the screen must look the same whichever PIN opened it.
            Err(e) => tracing::warn!(error = %e, "unlock alert failed"),
        }
    }

    pub(crate) fn settings_erase_cancel(&mut self) {
        self.settings.erase_pending = None;
    }

    /// The vault is gone: the wrong PIN just typed was the last one the person's "erase after
    /// wrong PINs" allowed. First run, saying so (whoever typed it learns nothing more than the
    /// empty app would tell them).
    pub(crate) fn vault_erased(&mut self) {
        self.vault = None;
        self.lock = Default::default();
        self.show_first_run();
        self.say(self.s.lock_erased, Tone::Neutral);
    }

    fn erase_choices(&self) -> Vec<EraseChoice> {
        let current = self
            .unlocked_vault()
            .and_then(|v| v.erase_after().ok().flatten())
            .unwrap_or(0);
        ERASE_CHOICES
            .iter()
            .map(|&after| EraseChoice {
                after,
                label: if after == 0 {
                    self.s.settings_erase_off.to_string()
                } else {
                    fill(
                        self.s.settings_erase_after,
                        &[("count", &after.to_string())],
                    )
                },
                selected: after == current,
            })
            .collect()
    }

    fn auto_lock_label(&self, seconds: u32) -> String {
        if seconds == 0 {
            self.s.settings_auto_lock_now.to_string()
        } else {
            fill(
                self.s.settings_auto_lock_after,
                &[("time", &short_duration(seconds))],
            )
        }
    }

    pub(crate) fn settings_view(&self) -> SettingsScreen {
        let s = self.s;
        let step = self.settings.step;
        let flow = self.settings.flow;
        let prompt = match (step, flow) {
            (SettingsStep::CurrentPin, _) => s.settings_current_pin,
            (SettingsStep::NewPin, Some(Flow::SetDuress)) => s.settings_new_duress,
            (SettingsStep::ConfirmPin, Some(Flow::SetDuress)) => s.settings_confirm_duress,
            (SettingsStep::NewPin, _) => s.settings_new_pin,
            (SettingsStep::ConfirmPin, _) => s.settings_confirm_pin,
            (SettingsStep::Menu, _) => "",
        };
        let heading = match flow {
            Some(Flow::ChangePin) => s.settings_change_pin,
            Some(Flow::SetDuress) => s.settings_set_duress,
            Some(Flow::RemoveDuress) => s.settings_remove_duress,
            None => s.nav_settings,
        };
        let auto_lock = self.auto_lock_seconds();
        SettingsScreen {
            step,
            heading: heading.to_string(),
            pad: (step != SettingsStep::Menu).then(|| pad(self, prompt, s.next, true)),
            change_pin_label: s.settings_change_pin.to_string(),
            set_duress_label: s.settings_set_duress.to_string(),
            remove_duress_label: s.settings_remove_duress.to_string(),
            duress_body: self.duress_body().to_string(),
            auto_lock_label: s.settings_auto_lock.to_string(),
            auto_lock: AUTO_LOCK_CHOICES
                .iter()
                .map(|&seconds| AutoLockChoice {
                    seconds,
                    label: self.auto_lock_label(seconds),
                    selected: seconds == auto_lock,
                })
                .collect(),
            region_label: s.settings_region.to_string(),
            regions: help::REGIONS
                .iter()
                .map(|r| RegionChoice {
                    code: r.code.to_string(),
                    name: r.name.to_string(),
                    selected: r.code == self.region.code,
                })
                .collect(),
            recovery_heading: s.settings_recovery_title.to_string(),
            recovery_body: s.settings_recovery_body.to_string(),
            disguise_label: s.disguise.settings_label.to_string(),
            disguises: self.disguise_choices(),
            disguise_note: s.disguise.note.to_string(),
            duress_alert_label: s.settings_duress_alert.to_string(),
            duress_alert_body: if self.sms_ability() == SmsAbility::SendSilently {
                s.settings_duress_alert_body.to_string()
            } else {
                s.settings_duress_alert_unavailable.to_string()
            },
            duress_alert_available: self.sms_ability() == SmsAbility::SendSilently,
            duress_alert_on: self
                .unlocked_vault()
                .and_then(|v| Safety::new(v).duress_unlock_alert().ok())
                .unwrap_or(false),
            erase_label: s.settings_erase.to_string(),
            erase_body: s.settings_erase_body.to_string(),
            erase_choices: self.erase_choices(),
            erase_confirm: self.settings.erase_pending.map(|after| EraseConfirm {
                after,
                text: fill(s.settings_erase_confirm, &[("count", &after.to_string())]),
                confirm_label: s.settings_erase_confirm_yes.to_string(),
                cancel_label: s.settings_erase_confirm_no.to_string(),
            }),
        }
    }
}
