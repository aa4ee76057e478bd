//! First run: PIN twice, the recovery code shown once and checked, buddy, duress PIN, location.

mod common;

use common::*;
use waymark_app::{AppEvent, Disguise, Effect, Permission, Screen, SetupStep, SmsAbility};

#[test]
fn first_run_creates_the_vault_shows_the_code_once_and_ends_at_home() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    let u = p.send(AppEvent::Started);
    assert!(u.effects.contains(&Effect::SecureScreen { on: true }));
    assert_eq!(first_run(&u.view).step, SetupStep::Welcome);
    // The emergency number is there before anything else.
    assert_eq!(u.view.emergency.number, "999");
    assert!(u.view.emergency.hint.contains("55"));

    p.send(AppEvent::SetupStart);
    // Too short: refused, still choosing.
    let u = p.enter_pin("12345");
    assert_eq!(first_run(&u.view).step, SetupStep::ChoosePin);
    assert!(u.view.banner.is_some());
    p.send(AppEvent::PinDelete); // nothing typed: harmless
    let u = p.enter_pin(PIN);
    assert_eq!(first_run(&u.view).step, SetupStep::ConfirmPin);
    assert_eq!(first_run(&u.view).pad.as_ref().map(|p| p.dots), Some(0));
    // A different PIN sends the person back to choose again.
    let u = p.enter_pin("999999");
    assert_eq!(first_run(&u.view).step, SetupStep::ChoosePin);
    p.enter_pin(PIN);
    let u = p.enter_pin(PIN);
    let shown = first_run(&u.view);
    assert_eq!(shown.step, SetupStep::ShowRecoveryCode);
    assert_eq!(shown.recovery_groups.len(), 7);
    assert!(shown.recovery_groups.iter().all(|g| g.len() == 4));
    let code = shown.recovery_groups.join("-");

    let u = p.send(AppEvent::RecoveryCodeWritten);
    let ask = first_run(&u.view);
    assert!(
        ask.recovery_groups.is_empty(),
        "the code is not shown while checking it"
    );
    let n = group_asked(&ask);
    let u = p.send(AppEvent::RecoveryCodeTyped {
        text: "ZZZZ".into(),
    });
    assert_eq!(first_run(&u.view).step, SetupStep::ConfirmRecoveryCode);
    assert!(u.view.banner.is_some());
    let u = p.send(AppEvent::RecoveryCodeTyped {
        text: shown.recovery_groups[n - 1].to_lowercase(),
    });
    assert_eq!(first_run(&u.view).step, SetupStep::Buddy);

    // A bad number is refused with a reason; a good one is stored.
    let u = p.send(AppEvent::SetupBuddy {
        name: "Sam".into(),
        phone: "12".into(),
    });
    assert_eq!(first_run(&u.view).step, SetupStep::Buddy);
    assert!(u
        .view
        .banner
        .as_ref()
        .is_some_and(|b| b.text.contains("phone")));
    let u = p.send(AppEvent::SetupBuddy {
        name: "Sam".into(),
        phone: "07700 900123".into(),
    });
    assert_eq!(first_run(&u.view).step, SetupStep::DuressPin);

    // The duress PIN may not be the PIN.
    let u = p.enter_pin(PIN);
    assert_eq!(first_run(&u.view).step, SetupStep::DuressPin);
    let u = p.enter_pin(DURESS);
    assert_eq!(first_run(&u.view).step, SetupStep::Location);

    let u = p.send(AppEvent::SetupLocation { on: true });
    assert!(u.effects.iter().any(|e| matches!(
        e,
        Effect::RequestPermission {
            what: Permission::Location,
            ..
        }
    )));
    assert_eq!(first_run(&u.view).step, SetupStep::Disguise);
    // The name and icon on the home screen (tests/disguise.rs has the rest).
    let u = p.send(AppEvent::ChooseDisguise {
        kind: Disguise::Notes,
    });
    assert!(u.effects.contains(&Effect::SetDisguise {
        kind: Disguise::Notes
    }));
    assert_eq!(first_run(&u.view).step, SetupStep::Done);
    let u = p.send(AppEvent::Open {
        to: waymark_app::Destination::Home,
    });
    assert!(matches!(u.view.screen, Screen::Home { .. }));
    // Location was turned on: home asks for a fix.
    assert!(u.effects.contains(&Effect::RequestLocation));

    // The code never shows again, anywhere.
    let mut p = p.lock_and_relaunch();
    let v = p.view();
    lock(&v);
    assert!(!format!("{v:?}").contains(&code));
    let u = p.enter_pin(PIN);
    assert!(!format!("{u:?}").contains(&code));
    home(&u.view);
}

#[test]
fn skipping_the_optional_steps_still_ends_at_home() {
    let mut p = Phone::new(SmsAbility::ComposeOnly);
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
    let u = p.send(AppEvent::SetupSkip);
    assert_eq!(first_run(&u.view).step, SetupStep::Disguise);
    assert!(u.effects.is_empty(), "location off asks for no permission");
    let u = p.send(AppEvent::SetupSkip);
    assert_eq!(first_run(&u.view).step, SetupStep::Done);
    assert!(u.effects.is_empty(), "the app keeps its own name and icon");
    let u = p.send(AppEvent::Open {
        to: waymark_app::Destination::Home,
    });
    home(&u.view);
    assert!(!u.effects.contains(&Effect::RequestLocation));
}
