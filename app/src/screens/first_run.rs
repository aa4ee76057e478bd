//! First run: choose a PIN (twice), create the vault, show the recovery code once and check it
//! was written down, then the optional buddy, the optional duress PIN, and location on or off.

use waymark_core::safety::{NewContact, Role, Safety};
use waymark_core::vault::{CreateOptions, Vault};
use zeroize::Zeroizing;

use crate::effect::{Effect, Permission};
use crate::model::{Model, Route, PREF_LOCATION};
use crate::screens::lock::pad;
use crate::strings::fill;
use crate::view::{FirstRunScreen, SetupStep, Tone};

pub(crate) struct SetupState {
    pub step: SetupStep,
    /// The PIN chosen, kept only until set-up ends (the duress PIN step needs it).
    pub pin: Zeroizing<String>,
    /// Shown once, then forgotten as soon as the person has typed a group back.
    pub recovery: Option<Zeroizing<String>>,
    /// Which group (1-based) the person is asked to type back.
    pub check_group: usize,
    pub busy: bool,
}

impl Default for SetupState {
    fn default() -> Self {
        SetupState {
            step: SetupStep::Welcome,
            pin: Zeroizing::new(String::new()),
            recovery: None,
            check_group: 1,
            busy: false,
        }
    }
}

fn groups(code: &str) -> Vec<String> {
    code.split('-').map(str::to_string).collect()
}

impl Model {
    fn setup_step(&mut self, step: SetupStep) {
        self.pin = Zeroizing::new(String::new());
        self.setup.step = step;
    }

    pub(crate) fn setup_start(&mut self) {
        if self.setup.step == SetupStep::Welcome {
            self.setup_step(SetupStep::ChoosePin);
        }
    }

    pub(crate) fn setup_pin_submit(&mut self) {
        match self.setup.step {
            SetupStep::ChoosePin => {
                if self.pin.len() < 6 {
                    return self.say(self.s.lock_pin_too_short, Tone::Caution);
                }
                self.setup.pin = std::mem::take(&mut self.pin);
                self.setup_step(SetupStep::ConfirmPin);
            }
            SetupStep::ConfirmPin => {
                if *self.pin != *self.setup.pin {
                    self.setup.pin = Zeroizing::new(String::new());
                    self.say(self.s.setup_pins_differ, Tone::Caution);
                    return self.setup_step(SetupStep::ChoosePin);
                }
                self.create_vault();
            }
            SetupStep::DuressPin => self.setup_duress(),
            _ => {}
        }
    }

    fn create_vault(&mut self) {
        let options = CreateOptions {
            prf: self.prf.clone(),
            clock: self.clock.clone(),
            kdf: self.kdf,
        };
        match Vault::create(&self.dir, &self.setup.pin, options) {
            Ok((vault, code)) => {
                // The person's region starts as the phone's.
                let _ = Safety::new(&vault).set_region(self.region.code);
                self.vault = Some(std::sync::Arc::new(vault));
                self.setup.recovery = Some(Zeroizing::new(code.as_str().to_string()));
                let pick = waymark_core::vault::random_id().map_or(0, |b| usize::from(b[0]));
                self.setup.check_group = pick % 7 + 1;
                self.setup_step(SetupStep::ShowRecoveryCode);
            }
            Err(e) => {
                self.fail(&e);
                self.setup_step(SetupStep::ChoosePin);
            }
        }
    }

    pub(crate) fn setup_recovery_written(&mut self) {
        if self.setup.step == SetupStep::ShowRecoveryCode {
            self.setup_step(SetupStep::ConfirmRecoveryCode);
        }
    }

    pub(crate) fn setup_recovery_typed(&mut self, text: &str) {
        if self.setup.step != SetupStep::ConfirmRecoveryCode {
            return;
        }
        let want = self
            .setup
            .recovery
            .as_ref()
            .and_then(|c| groups(c).get(self.setup.check_group - 1).cloned());
        // Read the way the core reads a recovery code: O is 0, I and L are 1.
        let typed: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        match want {
            Some(w) if w.to_ascii_uppercase() == typed => {
                self.setup.recovery = None;
                self.setup_step(SetupStep::Buddy);
            }
            _ => self.say(self.s.setup_recovery_mismatch, Tone::Caution),
        }
    }

    pub(crate) fn setup_buddy(&mut self, name: &str, phone: &str) {
        if self.setup.step != SetupStep::Buddy {
            return;
        }
        let Some(vault) = self.unlocked_vault() else {
            return;
        };
        let new = NewContact {
            name: name.to_string(),
            phone: phone.to_string(),
            relationship: None,
            roles: vec![Role::Buddy],
            region: self.region.code.to_string(),
        };
        match Safety::new(vault).add_contact(new) {
            Ok(_) => self.setup_step(SetupStep::DuressPin),
            Err(e) => self.fail(&e),
        }
    }

    fn setup_duress(&mut self) {
        if self.pin.len() < 6 {
            return self.say(self.s.lock_pin_too_short, Tone::Caution);
        }
        if *self.pin == *self.setup.pin {
            self.pin = Zeroizing::new(String::new());
            return self.say(self.s.setup_duress_same_as_pin, Tone::Caution);
        }
        let Some(vault) = self.vault.as_ref() else {
            return;
        };
        match vault.set_duress_secret(&self.setup.pin, &self.pin) {
            Ok(()) => self.setup_step(SetupStep::Location),
            Err(e) => {
                self.pin = Zeroizing::new(String::new());
                self.fail(&e)
            }
        }
    }

    pub(crate) fn setup_location(&mut self, on: bool) {
        if self.setup.step != SetupStep::Location {
            return;
        }
        let Some(vault) = self.unlocked_vault() else {
            return;
        };
        if let Err(e) = vault.set_preference(PREF_LOCATION, if on { "on" } else { "off" }) {
            return self.fail(&e);
        }
        if on {
            self.effect(Effect::RequestPermission {
                what: Permission::Location,
                reason: self.s.setup_location_reason.to_string(),
            });
        }
        self.setup_step(SetupStep::Disguise);
    }

    /// The disguise step ended (a choice was made, `screens::disguise`).
    pub(crate) fn setup_disguise_chosen(&mut self) {
        if self.setup.step == SetupStep::Disguise {
            self.setup_step(SetupStep::Done);
        }
    }

    pub(crate) fn setup_skip(&mut self) {
        match self.setup.step {
            SetupStep::Buddy => self.setup_step(SetupStep::DuressPin),
            SetupStep::DuressPin => self.setup_step(SetupStep::Location),
            SetupStep::Location => self.setup_location(false),
            // The app keeps its own name and icon.
            SetupStep::Disguise => self.setup_step(SetupStep::Done),
            _ => {}
        }
    }

    /// Back within set-up: only to places that do not undo what was stored.
    pub(crate) fn setup_back(&mut self) -> bool {
        match self.setup.step {
            SetupStep::ConfirmPin => {
                self.setup.pin = Zeroizing::new(String::new());
                self.setup_step(SetupStep::ChoosePin);
                true
            }
            SetupStep::ConfirmRecoveryCode => {
                self.setup_step(SetupStep::ShowRecoveryCode);
                true
            }
            _ => false,
        }
    }

    pub(crate) fn setup_finish(&mut self) {
        if self.setup.step == SetupStep::Done {
            self.setup = Default::default();
            self.after_unlock();
        }
    }

    pub(crate) fn first_run_view(&self) -> FirstRunScreen {
        let s = self.s;
        let step = self.setup.step;
        let (heading, body, primary, secondary) = match step {
            SetupStep::Welcome => (
                s.setup_welcome_title,
                s.setup_welcome_body.to_string(),
                s.setup_start,
                "",
            ),
            SetupStep::ChoosePin => (
                s.setup_choose_pin_title,
                s.setup_choose_pin_body.to_string(),
                s.next,
                "",
            ),
            SetupStep::ConfirmPin => (s.setup_confirm_pin_title, String::new(), s.next, ""),
            SetupStep::ShowRecoveryCode => (
                s.setup_recovery_title,
                s.setup_recovery_body.to_string(),
                s.setup_recovery_written,
                "",
            ),
            SetupStep::ConfirmRecoveryCode => (
                s.setup_recovery_confirm_title,
                fill(
                    s.setup_recovery_confirm_body,
                    &[("group", &self.setup.check_group.to_string())],
                ),
                s.next,
                "",
            ),
            SetupStep::Buddy => (
                s.setup_buddy_title,
                s.setup_buddy_body.to_string(),
                s.save,
                s.skip,
            ),
            SetupStep::DuressPin => (
                s.setup_duress_title,
                self.duress_body().to_string(),
                s.save,
                s.skip,
            ),
            SetupStep::Location => (
                s.setup_location_title,
                s.setup_location_body.to_string(),
                s.setup_location_on,
                s.setup_location_off,
            ),
            SetupStep::Disguise => (
                s.disguise.setup_title,
                s.disguise.setup_body.to_string(),
                "",
                s.skip,
            ),
            SetupStep::Done => (
                s.setup_done_title,
                s.setup_done_body.to_string(),
                s.done,
                "",
            ),
        };
        let pad = matches!(
            step,
            SetupStep::ChoosePin | SetupStep::ConfirmPin | SetupStep::DuressPin
        )
        .then(|| pad(self, heading, primary, true));
        let recovery_groups = match (step, &self.setup.recovery) {
            (SetupStep::ShowRecoveryCode, Some(code)) => groups(code),
            _ => Vec::new(),
        };
        FirstRunScreen {
            step,
            heading: heading.to_string(),
            body,
            pad,
            recovery_groups,
            primary_label: primary.to_string(),
            secondary_label: secondary.to_string(),
            name_label: s.setup_buddy_name.to_string(),
            phone_label: s.setup_buddy_phone.to_string(),
            busy: self.setup.busy,
            disguises: if step == SetupStep::Disguise {
                self.disguise_choices()
            } else {
                Vec::new()
            },
            disguise_note: if step == SetupStep::Disguise {
                s.disguise.note.to_string()
            } else {
                String::new()
            },
        }
    }

    pub(crate) fn show_first_run(&mut self) {
        self.setup = Default::default();
        self.go(Route::FirstRun);
    }
}
