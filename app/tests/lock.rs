//! The lock screen: wrong PINs back off with a countdown, the duress PIN looks the same, panic
//! and auto-lock lock at once, and the emergency number works without the PIN.

mod common;

use common::*;
use waymark_app::{AppEvent, Destination, Effect, Screen, SmsAbility};

#[test]
fn six_wrong_pins_back_off_with_a_countdown_and_the_right_pin_still_opens() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let mut p = p.lock_and_relaunch();
    lock(&p.view());

    for attempt in 1..=5 {
        let u = p.enter_pin("000000");
        let l = lock(&u.view);
        assert!(l.message.is_some(), "attempt {attempt}: a message");
        assert_eq!(l.pad.dots, 0, "the pad is cleared");
        assert!(u.effects.iter().any(|e| matches!(e, Effect::Haptic { .. })));
        if l.retry_in_seconds.is_some() {
            // The back-off may start on the fifth: then it must be the last free one.
            assert_eq!(attempt, 5);
        }
    }
    // Wait out any delay from the fifth, then the sixth wrong PIN must set one.
    p.advance(3600);
    let u = p.enter_pin("000000");
    let l = lock(&u.view);
    let wait = l.retry_in_seconds.expect("the sixth wrong PIN sets a wait");
    assert!(wait >= 30, "{wait}");
    assert!(!l.pad.enabled);
    let text = &l.message.expect("message").text;
    assert!(text.contains("Try again in"), "{text}");

    // While waiting, digits are not even taken, and the right PIN is not tried.
    p.type_pin(PIN);
    let u = p.send(AppEvent::PinSubmit);
    lock(&u.view);
    assert_eq!(lock(&u.view).pad.dots, 0);

    // The countdown moves with the clock.
    let u = p.advance(10);
    let later = lock(&u.view).retry_in_seconds.expect("still waiting");
    assert_eq!(later, wait - 10);

    // After the wait the pad is back and the right PIN opens.
    let u = p.advance(i64::from(later));
    let l = lock(&u.view);
    assert!(l.pad.enabled);
    assert_eq!(l.retry_in_seconds, None);
    let u = p.enter_pin(PIN);
    home(&u.view);
}

#[test]
fn the_wait_survives_a_restart() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let mut p = p.lock_and_relaunch();
    for _ in 0..6 {
        p.advance(3600);
        p.enter_pin("000000");
    }
    assert!(lock(&p.view()).retry_in_seconds.is_some());
    let p = p.lock_and_relaunch();
    let l = lock(&p.view());
    assert!(
        l.retry_in_seconds.is_some(),
        "still waiting after a restart"
    );
    assert!(!l.pad.enabled);
}

#[test]
fn the_duress_pin_opens_a_home_screen_that_looks_the_same() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let mut p = p.lock_and_relaunch();
    let real = p.enter_pin(PIN);
    p.send(AppEvent::Panic);
    let decoy = p.enter_pin(DURESS);
    // Nothing logged yet in either: the whole view model is the same, words and all.
    assert_eq!(real.view, decoy.view);
    let kinds = |e: &[Effect]| e.iter().map(std::mem::discriminant).collect::<Vec<_>>();
    assert_eq!(kinds(&real.effects), kinds(&decoy.effects));

    // What is logged in the decoy stays there: the real vault does not have it.
    p.send(AppEvent::QuickLog {
        kind: waymark_app::QuickKind::Threats,
    });
    assert_eq!(home(&p.view()).recent.len(), 1);
    p.send(AppEvent::Panic);
    let u = p.enter_pin(PIN);
    assert!(home(&u.view).recent.is_empty());
}

#[test]
fn panic_locks_at_once_and_shows_the_lock_screen() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let u = p.send(AppEvent::Panic);
    let l = lock(&u.view);
    assert_eq!(l.pad.dots, 0);
    assert!(!format!("{:?}", u.view).contains("Sam"));
    // Home events are ignored while locked.
    let u = p.send(AppEvent::QuickLog {
        kind: waymark_app::QuickKind::Followed,
    });
    lock(&u.view);
}

#[test]
fn auto_lock_after_the_delay_in_the_background_and_not_before() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let u = p.send(AppEvent::Backgrounded);
    assert!(u.view.hide_content);
    assert!(u.effects.contains(&Effect::HideContent { hidden: true }));
    assert!(u
        .effects
        .iter()
        .any(|e| matches!(e, Effect::ScheduleWake { id, .. } if id == "auto-lock")));
    // Back within the delay: still open.
    p.advance(30);
    let u = p.send(AppEvent::Foregrounded);
    home(&u.view);
    assert!(!u.view.hide_content);
    // Away longer than the delay: locked on return.
    p.send(AppEvent::Backgrounded);
    p.advance(61);
    let u = p.send(AppEvent::Foregrounded);
    lock(&u.view);
    // Or locked by the wake-up while still in the background.
    p.enter_pin(PIN);
    p.send(AppEvent::Backgrounded);
    p.advance(61);
    let u = p.send(AppEvent::WakeFired {
        id: "auto-lock".into(),
    });
    lock(&u.view);
}

#[test]
fn emergency_and_help_numbers_work_without_unlocking() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let mut p = p.lock_and_relaunch();
    let u = p.send(AppEvent::CallEmergency);
    assert_eq!(
        u.effects,
        vec![Effect::Dial {
            number: "999".into()
        }]
    );
    assert_eq!(u.view.emergency.label, "Emergency: 999");
    let u = p.send(AppEvent::Open {
        to: Destination::Help,
    });
    let Screen::Help { help } = &u.view.screen else {
        panic!("help")
    };
    assert!(help
        .numbers
        .iter()
        .any(|n| n.number.contains("0808 802 0300")));
    let helpline = help
        .numbers
        .iter()
        .find(|n| n.number.contains("0808"))
        .unwrap()
        .id
        .clone();
    let u = p.send(AppEvent::CallHelp { id: helpline });
    assert!(matches!(&u.effects[..], [Effect::Dial { number }] if number == "08088020300"));
    let u = p.send(AppEvent::Back);
    lock(&u.view);
}
