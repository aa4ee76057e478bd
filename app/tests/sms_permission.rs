//! Android's SEND_SMS: asked for when a check-in starts, with the reason, on a phone that can
//! text by itself; refused, the check-in starts all the same and its texts open in the
//! messages app for the person to send (said on screen). The app model decides; the shell only
//! asks the phone and reports the answer.

mod common;

use common::*;
use waymark_app::strings::EN;
use waymark_app::{AppEvent, Destination, Effect, Permission, Screen, SmsAbility};

const SAM: &str = "+447700900123";

fn fill_form(p: &mut Phone) -> String {
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    let u = p.send(AppEvent::CheckInDestination {
        text: "the library".into(),
    });
    checkin(&u.view).form.unwrap().preview.unwrap()
}

fn asked(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RequestPermission {
                what: Permission::Sms,
                reason,
            } => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn starting_asks_with_the_reason_and_the_plan_goes_only_once_allowed() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.sms_permission = None; // the test answers
    let preview = fill_form(&mut p);
    let u = p.send(AppEvent::CheckInStart);
    assert_eq!(asked(&u.effects), [EN.checkin_sms_reason]);
    assert!(
        texts(&u.effects).is_empty(),
        "nothing sent before the answer"
    );
    assert!(checkin(&u.view).running.is_none(), "not started yet");

    let u = p.send(AppEvent::PermissionResult {
        what: Permission::Sms,
        granted: true,
    });
    let sent: Vec<_> = u
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::SendSms { .. }))
        .collect();
    assert_eq!(sent.len(), 1, "{:?}", u.effects);
    assert_eq!(texts(&u.effects)[0].1, SAM);
    assert_eq!(texts(&u.effects)[0].2, preview);
    assert!(checkin(&u.view).running.is_some());
    assert_eq!(
        u.view.banner.map(|b| b.text).as_deref(),
        Some(EN.checkin_started)
    );
    // The same answer again (a repeated callback) starts nothing more.
    let u = p.send(AppEvent::PermissionResult {
        what: Permission::Sms,
        granted: true,
    });
    assert!(texts(&u.effects).is_empty());

    // Allowed once in this run of the app: the next check-in is not asked about again.
    p.send(AppEvent::CheckInSafe);
    fill_form(&mut p);
    let u = p.send(AppEvent::CheckInStart);
    assert!(asked(&u.effects).is_empty());
    assert!(checkin(&u.view).running.unwrap().sms_note.is_none());
}

#[test]
fn refused_the_texts_open_in_the_messages_app_and_the_screen_says_so() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.sms_permission = Some(false);
    let preview = fill_form(&mut p);
    let u = p.send(AppEvent::CheckInStart);
    assert_eq!(asked(&u.effects), [EN.checkin_sms_reason]);
    let composed: Vec<_> = u
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::ComposeSms { to, body, .. } => Some((to.clone(), body.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(composed, [(SAM.to_string(), preview)]);
    assert!(!u
        .effects
        .iter()
        .any(|e| matches!(e, Effect::SendSms { .. })));
    assert!(checkin(&u.view).running.is_some(), "started all the same");
    assert_eq!(
        u.view.banner.map(|b| b.text).as_deref(),
        Some(EN.checkin_sms_refused)
    );
    // Said on the running check-in too, after the composer's outcome cleared the banner.
    let id = texts(&u.effects)[0].0.clone();
    let u = p.send(AppEvent::SmsSent { id, ok: true });
    assert_eq!(
        checkin(&u.view).running.unwrap().sms_note.as_deref(),
        Some(EN.checkin_sms_refused)
    );

    // Missed, with the vault locked: the alert too goes to the messages app.
    p.send(AppEvent::Panic);
    p.advance(46 * 60);
    let alert: Vec<_> = p
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::ComposeSms { id, .. } if id.ends_with("/alert/b0")))
        .collect();
    assert_eq!(alert.len(), 1);
    assert!(!p
        .effects
        .iter()
        .any(|e| matches!(e, Effect::SendSms { .. })));

    // The emergency PIN cannot alert anyone unseen now: settings says so.
    p.enter_pin(PIN);
    p.send(AppEvent::CheckInSafe);
    let u = p.send(AppEvent::Open {
        to: Destination::Settings,
    });
    match u.view.screen {
        Screen::Settings { settings } => {
            assert_eq!(settings.duress_body, EN.setup_duress_body_no_silent_text)
        }
        other => panic!("{other:?}"),
    }

    // The next check-in asks again (the person may have changed their mind).
    p.sms_permission = Some(true);
    fill_form(&mut p);
    let u = p.send(AppEvent::CheckInStart);
    assert_eq!(asked(&u.effects).len(), 1);
    assert!(u
        .effects
        .iter()
        .any(|e| matches!(e, Effect::SendSms { .. })));
}

#[test]
fn a_phone_that_can_only_compose_is_never_asked_and_a_late_answer_starts_nothing() {
    let mut p = Phone::new(SmsAbility::ComposeOnly);
    p.set_up();
    fill_form(&mut p);
    let u = p.send(AppEvent::CheckInStart);
    assert!(asked(&u.effects).is_empty());
    assert_eq!(texts(&u.effects).len(), 1);

    // An answer that comes after the app locked (the question was still up) starts nothing.
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.sms_permission = None;
    fill_form(&mut p);
    p.send(AppEvent::CheckInStart);
    p.send(AppEvent::Panic);
    p.enter_pin(PIN);
    let u = p.send(AppEvent::PermissionResult {
        what: Permission::Sms,
        granted: true,
    });
    assert!(texts(&u.effects).is_empty());
    assert!(home(&u.view).checkin.is_none());
}
