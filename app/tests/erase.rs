//! "Erase everything after wrong PINs" in settings (issue 15): off by default, its words say it
//! cannot be undone, a number is set only after a yes to the question, the decoy shows and
//! changes the same setting, and the wrong PIN that erases leaves the app on first run, saying
//! why.

mod common;

use common::*;
use waymark_app::strings::{fill, EN};
use waymark_app::{AppEvent, Destination, Screen, SettingsScreen, SmsAbility, ViewModel};
use waymark_core::vault::Vault;

const WRONG: &str = "111111";

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

fn selected(s: &SettingsScreen) -> u32 {
    let on: Vec<u32> = s
        .erase_choices
        .iter()
        .filter(|c| c.selected)
        .map(|c| c.after)
        .collect();
    assert_eq!(on.len(), 1, "{:?}", s.erase_choices);
    on[0]
}

fn vault_exists(p: &Phone) -> bool {
    Vault::exists(&p.dir.path().join("vault"))
}

/// Turns it on at 5 through the question, and locks.
fn on_at_five(p: &mut Phone) {
    open(p);
    p.send(AppEvent::SettingsEraseAfter { after: 5 });
    p.send(AppEvent::SettingsEraseConfirm);
    p.send(AppEvent::Panic);
}

#[test]
fn off_by_default_and_on_only_after_yes_to_a_question_that_says_it_cannot_be_undone() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let s = open(&mut p);
    assert_eq!(selected(&s), 0, "off by default");
    assert_eq!(s.erase_choices[0].label, EN.settings_erase_off);
    assert!(s.erase_choices.iter().all(|c| c.after == 0 || c.after >= 5));
    assert!(
        s.erase_body.contains("cannot be undone"),
        "{}",
        s.erase_body
    );
    assert!(s.erase_confirm.is_none());

    // Choosing a number asks first; "keep it" and Back change nothing.
    let u = p.send(AppEvent::SettingsEraseAfter { after: 10 });
    let q = settings(&u.view).erase_confirm.expect("the question");
    assert_eq!(q.after, 10);
    assert_eq!(q.text, fill(EN.settings_erase_confirm, &[("count", "10")]));
    assert!(q.text.contains("cannot be undone"));
    assert_eq!(selected(&settings(&u.view)), 0, "not yet");
    let u = p.send(AppEvent::SettingsEraseCancel);
    assert!(settings(&u.view).erase_confirm.is_none());
    assert_eq!(selected(&settings(&u.view)), 0);
    p.send(AppEvent::SettingsEraseAfter { after: 10 });
    let u = p.send(AppEvent::Back);
    let s = settings(&u.view);
    assert!(s.erase_confirm.is_none(), "Back closes the question only");
    assert_eq!(selected(&s), 0);
    // A confirm without a question does nothing; a number not offered is ignored.
    p.send(AppEvent::SettingsEraseConfirm);
    p.send(AppEvent::SettingsEraseAfter { after: 3 });
    p.send(AppEvent::SettingsEraseConfirm);
    assert_eq!(p.second_handle().erase_after().unwrap(), None);

    p.send(AppEvent::SettingsEraseAfter { after: 10 });
    let u = p.send(AppEvent::SettingsEraseConfirm);
    assert_eq!(
        u.view.banner.clone().unwrap().text,
        fill(EN.settings_erase_on, &[("count", "10")])
    );
    assert_eq!(selected(&settings(&u.view)), 10);
    assert_eq!(p.second_handle().erase_after().unwrap(), Some(10));

    // Off needs no question.
    let u = p.send(AppEvent::SettingsEraseAfter { after: 0 });
    assert_eq!(
        u.view.banner.clone().unwrap().text,
        EN.settings_erase_turned_off
    );
    assert_eq!(selected(&settings(&u.view)), 0);
    assert_eq!(p.second_handle().erase_after().unwrap(), None);
}

#[test]
fn the_nth_wrong_pin_erases_and_the_app_starts_again_saying_why() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    on_at_five(&mut p);
    // Four wrong, then the PIN: the count starts again.
    for _ in 0..4 {
        let u = p.enter_pin(WRONG);
        lock(&u.view);
    }
    let u = p.enter_pin(PIN);
    home(&u.view);
    p.send(AppEvent::Panic);
    for _ in 0..4 {
        let u = p.enter_pin(WRONG);
        assert_eq!(lock(&u.view).message.unwrap().text, EN.lock_wrong_pin);
    }
    assert!(vault_exists(&p));
    let u = p.enter_pin(WRONG);
    assert!(!vault_exists(&p));
    first_run(&u.view);
    assert_eq!(u.view.banner.clone().unwrap().text, EN.lock_erased);
    // After a restart too, the app is new.
    let mut p = p.relaunch();
    let u = p.send(AppEvent::Started);
    first_run(&u.view);
}

#[test]
fn the_decoy_shows_and_changes_the_same_setting_and_the_duress_pin_never_erases() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    on_at_five(&mut p);
    // Four wrong, then the duress PIN as the fifth try: the decoy opens, nothing is erased.
    for _ in 0..4 {
        p.enter_pin(WRONG);
    }
    let u = p.enter_pin(DURESS);
    home(&u.view);
    assert!(vault_exists(&p));
    let s = open(&mut p);
    assert_eq!(selected(&s), 5, "the decoy shows the same setting");
    let u = p.send(AppEvent::SettingsEraseAfter { after: 0 });
    assert_eq!(
        u.view.banner.clone().unwrap().text,
        EN.settings_erase_turned_off
    );
    assert_eq!(p.second_handle().erase_after().unwrap(), None);
}

#[test]
fn a_wrong_pin_at_the_lock_screens_check_in_counts_and_erases_too() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    on_at_five(&mut p);
    for _ in 0..4 {
        p.enter_pin(WRONG);
    }
    p.type_pin(WRONG);
    let u = p.send(AppEvent::PinCheckIn);
    assert!(!vault_exists(&p));
    first_run(&u.view);
    assert_eq!(u.view.banner.clone().unwrap().text, EN.lock_erased);
}
