//! The disguise: the name and icon the app wears on the phone's home screen, chosen at set-up
//! and in settings from a few ordinary-looking ones, so someone glancing at the phone does not
//! see a safety app. The choice is made here once; the shells carry out `SetDisguise` (Android
//! switches launcher aliases; iOS switches the alternate icon, and keeps the name it was built
//! with, which iOS cannot change at run time: the note under the choices says so).
//!
//! The choice is kept in the open vault's preferences, only to show which one is chosen: the
//! phone itself remembers the icon (the launcher, iOS), so nothing is needed while locked.

use crate::effect::{Effect, HapticKind};
use crate::model::Model;
use crate::view::{DisguiseChoice, SetupStep, Tone};

pub(crate) const PREF_DISGUISE: &str = "app.disguise";

/// A name and icon the app can wear. `Plain` is the app's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Disguise {
    Plain,
    Notes,
    Tasks,
    Weather,
    Calculator,
}

impl Disguise {
    /// In the order offered: the ordinary-looking ones first.
    pub const ALL: [Disguise; 5] = [
        Disguise::Notes,
        Disguise::Tasks,
        Disguise::Weather,
        Disguise::Calculator,
        Disguise::Plain,
    ];

    /// How it is kept in the vault's preferences (never shown).
    fn key(self) -> &'static str {
        match self {
            Disguise::Plain => "plain",
            Disguise::Notes => "notes",
            Disguise::Tasks => "tasks",
            Disguise::Weather => "weather",
            Disguise::Calculator => "calculator",
        }
    }

    fn from_key(key: &str) -> Option<Disguise> {
        Disguise::ALL.into_iter().find(|d| d.key() == key)
    }
}

impl Model {
    /// The disguise chosen, as this vault remembers it (the app's own look if never chosen).
    pub(crate) fn disguise(&self) -> Disguise {
        self.preference(PREF_DISGUISE)
            .as_deref()
            .and_then(Disguise::from_key)
            .unwrap_or(Disguise::Plain)
    }

    /// `ChooseDisguise`: on set-up's disguise step (which then ends) or in settings.
    pub(crate) fn choose_disguise(&mut self, kind: Disguise) {
        let on_setup =
            self.setup.step == SetupStep::Disguise && self.route == crate::model::Route::FirstRun;
        if !on_setup && self.route != crate::model::Route::Settings {
            return;
        }
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        if let Err(e) = v.set_preference(PREF_DISGUISE, kind.key()) {
            return self.fail(&e);
        }
        self.effect(Effect::SetDisguise { kind });
        if on_setup {
            self.setup_disguise_chosen();
        } else {
            self.say(self.s.disguise.changed, Tone::Good);
            self.effect(Effect::Haptic {
                kind: HapticKind::Confirm,
            });
        }
    }

    pub(crate) fn disguise_choices(&self) -> Vec<DisguiseChoice> {
        let w = &self.s.disguise;
        let chosen = self.disguise();
        Disguise::ALL
            .into_iter()
            .map(|kind| DisguiseChoice {
                kind,
                label: match kind {
                    Disguise::Plain => w.plain,
                    Disguise::Notes => w.notes,
                    Disguise::Tasks => w.tasks,
                    Disguise::Weather => w.weather,
                    Disguise::Calculator => w.calculator,
                }
                .to_string(),
                selected: kind == chosen,
            })
            .collect()
    }
}
