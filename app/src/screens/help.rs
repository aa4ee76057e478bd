//! Help numbers and the emergency call: usable on every screen, locked or not. The numbers come
//! from the core's help directory for the region (the phone's before unlock, the person's
//! choice after); the dialler is the phone's own, so the call carries the caller's location.

use crate::effect::Effect;
use crate::model::{Model, Route};
use crate::strings::fill;
use crate::view::{EmergencyBar, HelpLine, HelpScreen};

impl Model {
    pub(crate) fn call_emergency(&mut self) {
        let number = self.region.emergency_number.to_string();
        self.effect(Effect::Dial { number });
    }

    pub(crate) fn call_help(&mut self, id: &str) {
        match self.region.entries.iter().find(|e| e.id == id) {
            Some(entry) => self.effect(Effect::Dial {
                number: entry.dial.to_string(),
            }),
            None => {
                let text = self.s.error_not_found.to_string();
                self.say(text, crate::view::Tone::Caution);
            }
        }
    }

    pub(crate) fn open_help(&mut self) {
        if matches!(self.route, Route::Help { .. }) {
            return;
        }
        let back = Box::new(self.route.clone());
        self.go(Route::Help { back });
    }

    pub(crate) fn emergency_bar(&self) -> EmergencyBar {
        let number = self.region.emergency_number;
        EmergencyBar {
            label: fill(self.s.emergency_label, &[("number", number)]),
            number: number.to_string(),
            hint: self.region.silent_call_hint.unwrap_or("").to_string(),
            help_label: self.s.help_numbers.to_string(),
            prominent: self.urgent(),
            urgent_text: self
                .urgent()
                .then(|| fill(self.s.call_999_now, &[("number", number)])),
        }
    }

    pub(crate) fn help_view(&self) -> HelpScreen {
        let r = self.region;
        HelpScreen {
            region: r.name.to_string(),
            numbers: r
                .entries
                .iter()
                .map(|e| HelpLine {
                    id: e.id.to_string(),
                    name: e.name.to_string(),
                    number: e.number.to_string(),
                    call_label: fill(self.s.call, &[("number", e.number)]),
                    hours: e.hours.to_string(),
                    what_for: e.what_for.to_string(),
                    notes: e.notes.iter().map(|n| n.to_string()).collect(),
                    is_emergency: e.kind == waymark_core::safety::help::HelpKind::Emergency,
                })
                .collect(),
        }
    }
}
