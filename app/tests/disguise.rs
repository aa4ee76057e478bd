//! The disguise: the name and icon on the phone's home screen, chosen at set-up and in settings.
//! The app model decides and remembers it; the shells only carry out `SetDisguise`.

mod common;

use common::*;
use waymark_app::strings::EN;
use waymark_app::{AppEvent, Destination, Disguise, Effect, Screen, SettingsScreen, SmsAbility};

fn settings(p: &mut Phone) -> SettingsScreen {
    let u = p.send(AppEvent::Open {
        to: Destination::Settings,
    });
    match u.view.screen {
        Screen::Settings { settings } => settings,
        other => panic!("expected settings, got {other:?}"),
    }
}

fn chosen(choices: &[waymark_app::DisguiseChoice]) -> Vec<Disguise> {
    choices
        .iter()
        .filter(|c| c.selected)
        .map(|c| c.kind)
        .collect()
}

/// Up to set-up's disguise step (no buddy, no duress PIN, no location).
fn to_disguise_step(p: &mut Phone) {
    p.send(AppEvent::Started);
    p.send(AppEvent::SetupStart);
    p.enter_pin(PIN);
    let u = p.enter_pin(PIN);
    let groups = first_run(&u.view).recovery_groups;
    p.send(AppEvent::RecoveryCodeWritten);
    let n = group_asked(&first_run(&p.view()));
    p.send(AppEvent::RecoveryCodeTyped {
        text: groups[n - 1].clone(),
    });
    p.send(AppEvent::SetupSkip);
    p.send(AppEvent::SetupSkip);
    p.send(AppEvent::SetupLocation { on: false });
}

#[test]
fn set_up_offers_ordinary_names_and_the_choice_is_carried_out_and_kept() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    to_disguise_step(&mut p);
    let step = first_run(&p.view());
    assert_eq!(step.step, waymark_app::SetupStep::Disguise);
    assert_eq!(step.heading, EN.disguise.setup_title);
    assert_eq!(step.disguise_note, EN.disguise.note);
    assert_eq!(step.secondary_label, EN.skip);
    let labels: Vec<&str> = step.disguises.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            EN.disguise.notes,
            EN.disguise.tasks,
            EN.disguise.weather,
            EN.disguise.calculator,
            EN.disguise.plain
        ]
    );
    // Nothing chosen yet: the app's own look is what the phone shows.
    assert_eq!(chosen(&step.disguises), [Disguise::Plain]);
    // The ordinary names never name the app.
    for c in step.disguises.iter().filter(|c| c.kind != Disguise::Plain) {
        assert!(!c.label.to_lowercase().contains("waymark"), "{}", c.label);
    }

    let u = p.send(AppEvent::ChooseDisguise {
        kind: Disguise::Weather,
    });
    assert_eq!(
        u.effects,
        [Effect::SetDisguise {
            kind: Disguise::Weather
        }]
    );
    assert_eq!(first_run(&u.view).step, waymark_app::SetupStep::Done);
    assert!(first_run(&u.view).disguises.is_empty());
    p.send(AppEvent::Open {
        to: Destination::Home,
    });

    // Settings shows it chosen, also after the app was killed and opened again.
    assert_eq!(chosen(&settings(&mut p).disguises), [Disguise::Weather]);
    let mut p = p.lock_and_relaunch();
    p.enter_pin(PIN);
    let s = settings(&mut p);
    assert_eq!(s.disguise_label, EN.disguise.settings_label);
    assert_eq!(s.disguise_note, EN.disguise.note);
    assert_eq!(chosen(&s.disguises), [Disguise::Weather]);
    // Launching again does not switch anything (the phone remembers the icon).
    assert!(!p
        .effects
        .iter()
        .any(|e| matches!(e, Effect::SetDisguise { .. })));
}

#[test]
fn skipping_keeps_the_apps_own_look_and_asks_the_phone_for_nothing() {
    let mut p = Phone::new(SmsAbility::ComposeOnly);
    to_disguise_step(&mut p);
    let u = p.send(AppEvent::SetupSkip);
    assert_eq!(first_run(&u.view).step, waymark_app::SetupStep::Done);
    assert!(u.effects.is_empty());
    p.send(AppEvent::Open {
        to: Destination::Home,
    });
    assert_eq!(chosen(&settings(&mut p).disguises), [Disguise::Plain]);
}

#[test]
fn settings_changes_it_and_nothing_else_does() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    // Not from home, and not while locked.
    let u = p.send(AppEvent::ChooseDisguise {
        kind: Disguise::Tasks,
    });
    assert!(u.effects.is_empty());
    settings(&mut p);
    let u = p.send(AppEvent::ChooseDisguise {
        kind: Disguise::Calculator,
    });
    assert!(u.effects.contains(&Effect::SetDisguise {
        kind: Disguise::Calculator
    }));
    assert_eq!(
        u.view.banner.map(|b| b.text).as_deref(),
        Some(EN.disguise.changed)
    );
    match u.view.screen {
        Screen::Settings { settings } => {
            assert_eq!(chosen(&settings.disguises), [Disguise::Calculator])
        }
        other => panic!("{other:?}"),
    }
    // Back to the app's own look.
    let u = p.send(AppEvent::ChooseDisguise {
        kind: Disguise::Plain,
    });
    assert!(u.effects.contains(&Effect::SetDisguise {
        kind: Disguise::Plain
    }));
    p.send(AppEvent::Panic);
    let u = p.send(AppEvent::ChooseDisguise {
        kind: Disguise::Notes,
    });
    assert!(u.effects.is_empty(), "locked: {:?}", u.effects);
    p.enter_pin(PIN);
    assert_eq!(chosen(&settings(&mut p).disguises), [Disguise::Plain]);
}
