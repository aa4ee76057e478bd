//! Settings: change the PIN, set / change / remove the duress PIN (through the core, the current
//! PIN checked), the auto-lock delay, the help region, and the recovery code's note.

mod common;

use common::*;
use waymark_app::strings::{fill, EN};
use waymark_app::{
    AppEvent, Destination, QuickKind, Screen, SettingsScreen, SettingsStep, SmsAbility, ViewModel,
};

fn settings(v: &ViewModel) -> SettingsScreen {
    match &v.screen {
        Screen::Settings { settings } => settings.clone(),
        other => panic!("expected settings, got {other:?}"),
    }
}

fn open(p: &mut Phone) -> SettingsScreen {
    let u = p.send(AppEvent::Open {
        to: Destination::Settings,
    });
    settings(&u.view)
}

fn banner(p: &Phone) -> String {
    p.last
        .as_ref()
        .and_then(|u| u.view.banner.clone())
        .map(|b| b.text)
        .unwrap_or_default()
}

#[test]
fn changing_the_pin_needs_the_current_one_and_the_new_one_twice() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let s = open(&mut p);
    assert_eq!(s.step, SettingsStep::Menu);
    assert!(s.pad.is_none());
    assert_eq!(s.recovery_body, EN.settings_recovery_body);

    let u = p.send(AppEvent::SettingsChangePin);
    let s = settings(&u.view);
    assert_eq!(s.step, SettingsStep::CurrentPin);
    assert_eq!(s.pad.unwrap().prompt, EN.settings_current_pin);

    // A wrong current PIN: said, nothing changed, back to the current PIN.
    let u = p.enter_pin("111111");
    assert_eq!(u.view.banner.clone().unwrap().text, EN.settings_wrong_pin);
    assert_eq!(settings(&u.view).step, SettingsStep::CurrentPin);

    p.enter_pin(PIN);
    let u = p.enter_pin("975310");
    assert_eq!(settings(&u.view).step, SettingsStep::ConfirmPin);
    let u = p.enter_pin("975311");
    assert_eq!(u.view.banner.clone().unwrap().text, EN.setup_pins_differ);
    assert_eq!(settings(&u.view).step, SettingsStep::NewPin);
    p.enter_pin("975310");
    let u = p.enter_pin("975310");
    assert_eq!(u.view.banner.clone().unwrap().text, EN.settings_pin_changed);
    assert_eq!(settings(&u.view).step, SettingsStep::Menu);

    // The old PIN no longer opens it; the new one does.
    p.send(AppEvent::Panic);
    let u = p.enter_pin(PIN);
    lock(&u.view);
    let u = p.enter_pin("975310");
    home(&u.view);

    // Back from a flow goes to the menu, from the menu home.
    open(&mut p);
    p.send(AppEvent::SettingsChangePin);
    let u = p.send(AppEvent::Back);
    assert_eq!(settings(&u.view).step, SettingsStep::Menu);
    let u = p.send(AppEvent::Back);
    home(&u.view);
}

#[test]
fn the_duress_pin_can_be_changed_and_removed_through_the_core() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::QuickLog {
        kind: QuickKind::Threats,
    });
    open(&mut p);
    p.send(AppEvent::SettingsSetDuress);
    p.enter_pin(PIN);
    // The same as the PIN: refused before the core is asked.
    let u = p.enter_pin(PIN);
    assert_eq!(u.view.banner.unwrap().text, EN.setup_duress_same_as_pin);
    p.enter_pin("112358");
    let u = p.enter_pin("112358");
    assert_eq!(u.view.banner.unwrap().text, EN.settings_duress_set);

    // The new duress PIN opens the empty decoy; the old one opens nothing.
    p.send(AppEvent::Panic);
    let u = p.enter_pin(DURESS);
    lock(&u.view);
    let u = p.enter_pin("112358");
    assert!(home(&u.view).recent.is_empty(), "the decoy");
    p.send(AppEvent::Panic);
    let u = p.enter_pin(PIN);
    assert_eq!(home(&u.view).recent.len(), 1, "the real record");

    open(&mut p);
    let u = p.send(AppEvent::SettingsRemoveDuress);
    assert_eq!(settings(&u.view).step, SettingsStep::CurrentPin);
    let u = p.enter_pin(PIN);
    assert_eq!(u.view.banner.unwrap().text, EN.settings_duress_removed);
    p.send(AppEvent::Panic);
    let u = p.enter_pin("112358");
    lock(&u.view);
    assert_eq!(
        lock(&u.view).message.unwrap().text,
        EN.lock_wrong_pin,
        "a removed duress PIN is just a wrong PIN"
    );
}

#[test]
fn the_auto_lock_delay_and_the_help_region_are_kept_in_the_vault() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let s = open(&mut p);
    let selected: Vec<u32> = s
        .auto_lock
        .iter()
        .filter(|c| c.selected)
        .map(|c| c.seconds)
        .collect();
    assert_eq!(selected, [60]);
    assert_eq!(s.auto_lock[0].label, EN.settings_auto_lock_now);
    assert_eq!(
        s.auto_lock[3].label,
        fill(EN.settings_auto_lock_after, &[("time", "5 min")])
    );

    let u = p.send(AppEvent::SettingsAutoLock { seconds: 300 });
    assert_eq!(u.view.banner.clone().unwrap().text, EN.settings_saved);
    assert!(settings(&u.view).auto_lock[3].selected);
    // A delay that is not offered changes nothing.
    let u = p.send(AppEvent::SettingsAutoLock { seconds: 7 });
    assert!(settings(&u.view).auto_lock[3].selected);

    p.send(AppEvent::Backgrounded);
    p.advance(200);
    let u = p.send(AppEvent::Foregrounded);
    settings(&u.view);
    p.send(AppEvent::Backgrounded);
    p.advance(301);
    let u = p.send(AppEvent::Foregrounded);
    lock(&u.view);
    p.enter_pin(PIN);

    // The region: the emergency number follows, and it is kept.
    open(&mut p);
    let u = p.send(AppEvent::SettingsRegion { code: "IE".into() });
    assert_eq!(u.view.emergency.number, "112");
    let s = settings(&u.view);
    assert_eq!(
        s.regions
            .iter()
            .filter(|r| r.selected)
            .map(|r| r.code.as_str())
            .collect::<Vec<_>>(),
        ["IE"]
    );
    p.send(AppEvent::SettingsRegion { code: "XX".into() });
    assert!(!banner(&p).is_empty());
    assert_eq!(p.view().emergency.number, "112");

    // Locked after a restart: the phone's region (GB); the person's after unlocking.
    let mut p = p.lock_and_relaunch();
    assert_eq!(p.view().emergency.number, "999");
    let u = p.enter_pin(PIN);
    assert_eq!(u.view.emergency.number, "112");
}

#[test]
fn in_the_decoy_settings_answer_as_they_would_anywhere() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::Panic);
    p.enter_pin(DURESS);
    open(&mut p);
    // The duress PIN sets a duress PIN as the PIN does in a real vault: the same steps and
    // words; it then opens the decoy (never the real record).
    p.send(AppEvent::SettingsSetDuress);
    let u = p.enter_pin(DURESS);
    assert_eq!(settings(&u.view).step, SettingsStep::NewPin);
    p.enter_pin("531086");
    let u = p.enter_pin("531086");
    assert_eq!(u.view.banner.unwrap().text, EN.settings_duress_set);
    p.send(AppEvent::Panic);
    let u = p.enter_pin("531086");
    assert!(home(&u.view).recent.is_empty());
    // The real PIN as the decoy's duress PIN is refused (it would open the real record).
    open(&mut p);
    p.send(AppEvent::SettingsSetDuress);
    p.enter_pin(DURESS);
    p.enter_pin(PIN);
    let u = p.enter_pin(PIN);
    assert_ne!(u.view.banner.unwrap().text, EN.settings_duress_set);
    // Changing "the PIN" works: it changes the one that opened this session.
    p.send(AppEvent::Back);
    p.send(AppEvent::Back);
    open(&mut p);
    p.send(AppEvent::SettingsChangePin);
    p.enter_pin(DURESS);
    p.enter_pin("864200");
    let u = p.enter_pin("864200");
    assert_eq!(u.view.banner.unwrap().text, EN.settings_pin_changed);
    p.send(AppEvent::Panic);
    let u = p.enter_pin("864200");
    assert!(home(&u.view).recent.is_empty());
    p.send(AppEvent::Panic);
    let u = p.enter_pin(PIN);
    home(&u.view);
}
