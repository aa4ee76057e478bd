//! A check-in made with the duress PIN alerts the buddy only where nothing shows on the phone:
//! whoever forced the check-in may be watching the screen.

mod common;

use common::*;
use waymark_app::strings::EN;
use waymark_app::{AppEvent, Destination, Effect, Screen, SmsAbility};

/// Set up (buddy Sam, duress PIN), start a 30-minute check-in, lock, and check in on the lock
/// screen with the duress PIN. Returns the number of effects before that check-in.
fn duress_check_in(p: &mut Phone) -> usize {
    p.set_up();
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    p.send(AppEvent::CheckInDestination {
        text: "the station".into(),
    });
    p.send(AppEvent::CheckInStart);
    p.advance(5 * 60);
    p.send(AppEvent::Panic);
    let before = p.effects.len();
    p.type_pin(DURESS);
    p.send(AppEvent::PinCheckIn);
    // The alert is due at once; the phone wakes, goes to the background and comes back.
    p.advance(60);
    p.send(AppEvent::Backgrounded);
    p.advance(60);
    p.send(AppEvent::Foregrounded);
    p.advance(60);
    before
}

#[test]
fn where_a_text_can_be_sent_unseen_the_buddy_is_alerted_once_and_nothing_shows() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    let before = duress_check_in(&mut p);
    let after = &p.effects[before..];
    let sent = texts(after);
    assert_eq!(sent.len(), 1, "one alert to the one buddy: {sent:?}");
    assert_eq!(sent[0].1, "+447700900123");
    assert!(after
        .iter()
        .all(|e| !matches!(e, Effect::ComposeSms { .. })));
    assert!(notifications(after).is_empty());
    // A failure is not put on screen either.
    let u = p.send(AppEvent::SmsSent {
        id: sent[0].0.clone(),
        ok: false,
    });
    assert!(u.view.sms_failed.is_none(), "{:?}", u.view.sms_failed);
    assert!(u.view.banner.is_none());
}

#[test]
fn where_a_text_would_show_on_screen_nothing_is_composed_and_set_up_says_so() {
    let mut p = Phone::new(SmsAbility::ComposeOnly);
    let before = duress_check_in(&mut p);
    let after = &p.effects[before..];
    assert!(
        texts(after).is_empty(),
        "the composer would show the alert in front of whoever is watching: {:?}",
        texts(after)
    );
    assert!(notifications(after).is_empty());
    assert!(matches!(p.view().screen, Screen::Lock { .. }));

    // Set-up told the person what the duress PIN does on this phone, and what it does not.
    let mut q = Phone::new(SmsAbility::ComposeOnly);
    q.send(AppEvent::Started);
    q.send(AppEvent::SetupStart);
    q.enter_pin(PIN);
    q.enter_pin(PIN);
    let code = first_run(&q.view()).recovery_groups.clone();
    q.send(AppEvent::RecoveryCodeWritten);
    let n = group_asked(&first_run(&q.view()));
    q.send(AppEvent::RecoveryCodeTyped {
        text: code[n - 1].clone(),
    });
    let u = q.send(AppEvent::SetupSkip);
    let setup = first_run(&u.view);
    assert_eq!(setup.body, EN.setup_duress_body_no_silent_text, "{setup:?}");
}
