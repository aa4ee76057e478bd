//! The silent alert on a duress unlock (issue 15): if the person chose it in settings, opening
//! the app with the duress PIN texts every buddy, unseen, once per such unlock; the real PIN
//! never does; it is off by default; and the decoy's screens look exactly as without it.

mod common;

use common::*;
use waymark_app::strings::EN;
use waymark_app::{AppEvent, Destination, Effect, Screen, SettingsScreen, SmsAbility, ViewModel};

const BUDDY: &str = "+447700900123";

fn settings(v: &ViewModel) -> SettingsScreen {
    match &v.screen {
        Screen::Settings { settings } => settings.clone(),
        other => panic!("expected settings, got {other:?}"),
    }
}

fn open_settings(p: &mut Phone) -> SettingsScreen {
    let u = p.send(AppEvent::Open {
        to: Destination::Settings,
    });
    settings(&u.view)
}

/// Set up (buddy Sam, duress PIN), the alert on or left as it is, locked.
fn phone(sms: SmsAbility, alert: bool) -> Phone {
    let mut p = Phone::new(sms);
    p.set_up();
    if alert {
        open_settings(&mut p);
        let u = p.send(AppEvent::SettingsDuressAlert { on: true });
        // It asks for the permission to send texts (this phone answers at once, which is
        // the update the test sees).
        assert!(u.effects.iter().any(|e| matches!(
            e,
            Effect::RequestPermission { reason, .. } if reason == EN.settings_duress_alert_reason
        )));
        assert!(settings(&u.view).duress_alert_on);
    }
    p.send(AppEvent::Panic);
    p
}

/// The alert's texts among effects.
fn alerts(effects: &[Effect]) -> Vec<(String, String, String)> {
    texts(effects)
        .into_iter()
        .filter(|(_, _, body)| body.contains("I had to unlock my phone under pressure"))
        .collect()
}

/// Unlocks with `pin`, then lives a while (ticks, background, foreground). Returns the effects
/// from the unlock on, and the view right after the unlock.
fn unlock_and_live(p: &mut Phone, pin: &str) -> (Vec<Effect>, ViewModel) {
    let before = p.effects.len();
    let u = p.enter_pin(pin);
    let view = u.view.clone();
    p.advance(60);
    p.send(AppEvent::Backgrounded);
    p.advance(10);
    p.send(AppEvent::Foregrounded);
    p.advance(60);
    (p.effects[before..].to_vec(), view)
}

#[test]
fn off_by_default_nothing_is_sent_on_any_unlock() {
    let mut p = phone(SmsAbility::SendSilently, false);
    p.send(AppEvent::Panic);
    let s = {
        p.enter_pin(PIN);
        open_settings(&mut p)
    };
    assert!(!s.duress_alert_on, "off by default");
    assert!(s.duress_alert_available);
    assert_eq!(s.duress_alert_body, EN.settings_duress_alert_body);
    p.send(AppEvent::Panic);
    let (effects, _) = unlock_and_live(&mut p, DURESS);
    assert!(alerts(&effects).is_empty());
    assert!(texts(&effects).is_empty(), "{:?}", texts(&effects));
}

#[test]
fn the_duress_unlock_texts_the_buddy_once_and_the_real_unlock_never() {
    let mut p = phone(SmsAbility::SendSilently, true);
    let (effects, view) = unlock_and_live(&mut p, DURESS);
    assert!(matches!(view.screen, Screen::Home { .. }));
    let sent = alerts(&effects);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].1, BUDDY);
    // Sent unseen: never through the composer, no notification, nothing on screen.
    assert!(effects
        .iter()
        .all(|e| !matches!(e, Effect::ComposeSms { .. })));
    assert!(notifications(&effects).is_empty());
    assert!(view.banner.is_none());
    // A failure is not put on screen either.
    let u = p.send(AppEvent::SmsSent {
        id: sent[0].0.clone(),
        ok: false,
    });
    assert!(u.view.sms_failed.is_none());
    assert!(u.view.banner.is_none());

    // The real PIN never sends it.
    p.send(AppEvent::Panic);
    let (effects, _) = unlock_and_live(&mut p, PIN);
    assert!(alerts(&effects).is_empty(), "{:?}", alerts(&effects));
    // The next duress unlock sends it again, once, under a new id.
    p.send(AppEvent::Panic);
    let (effects, _) = unlock_and_live(&mut p, DURESS);
    let again = alerts(&effects);
    assert_eq!(again.len(), 1);
    assert_ne!(again[0].0, sent[0].0);
    // After a restart of the app, too.
    let mut p = p.lock_and_relaunch();
    let (effects, _) = unlock_and_live(&mut p, DURESS);
    assert_eq!(alerts(&effects).len(), 1);
}

#[test]
fn the_decoy_looks_the_same_with_or_without_the_alert() {
    let mut with = phone(SmsAbility::SendSilently, true);
    let mut without = phone(SmsAbility::SendSilently, false);
    let (_, a) = unlock_and_live(&mut with, DURESS);
    let (_, b) = unlock_and_live(&mut without, DURESS);
    assert_eq!(a, b, "the screen right after the duress unlock");
    assert_eq!(with.view(), without.view(), "and a while after");
    // The decoy's own switch is off (its own choice), in both.
    assert!(!open_settings(&mut with).duress_alert_on);
    assert!(!open_settings(&mut without).duress_alert_on);
}

#[test]
fn turning_it_off_stops_it() {
    let mut p = phone(SmsAbility::SendSilently, true);
    p.enter_pin(PIN);
    open_settings(&mut p);
    let u = p.send(AppEvent::SettingsDuressAlert { on: false });
    assert_eq!(
        u.view.banner.clone().unwrap().text,
        EN.settings_duress_alert_off
    );
    assert!(!settings(&u.view).duress_alert_on);
    p.send(AppEvent::Panic);
    let (effects, _) = unlock_and_live(&mut p, DURESS);
    assert!(alerts(&effects).is_empty());
}

#[test]
fn where_a_text_would_show_it_is_not_offered_and_nothing_is_composed() {
    let mut p = phone(SmsAbility::ComposeOnly, false);
    p.enter_pin(PIN);
    let s = open_settings(&mut p);
    assert!(!s.duress_alert_available);
    assert_eq!(s.duress_alert_body, EN.settings_duress_alert_unavailable);
    let u = p.send(AppEvent::SettingsDuressAlert { on: true });
    assert!(!settings(&u.view).duress_alert_on, "ignored here");
    p.send(AppEvent::Panic);
    let (effects, _) = unlock_and_live(&mut p, DURESS);
    assert!(texts(&effects).is_empty());
}
