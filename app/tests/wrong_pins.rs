//! Who tried the PIN (issue 15): after a good unlock home says how many wrong PINs were typed
//! since the person last looked and when the last was, until they tap OK; a duress unlock shows
//! the decoy's own record, never the real one.

mod common;

use common::*;
use waymark_app::{AppEvent, SmsAbility};

#[test]
fn home_tells_the_wrong_pins_until_seen_and_the_decoy_shows_only_its_own() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    assert_eq!(home(&p.view()).wrong_pins, None);
    let mut p = p.lock_and_relaunch();
    p.advance(60);
    p.enter_pin("000000");
    p.advance(240);
    p.enter_pin("000001");
    p.advance(3600);
    let u = p.enter_pin(PIN);
    let card = home(&u.view).wrong_pins.expect("the card");
    // start() is Fri 20 Nov 17:00 UTC and the phone is on UTC: the last try was 17:05.
    assert_eq!(
        card.text,
        "Since you last opened the app: 2 wrong PINs, the last on Fri 20 Nov at 17:05."
    );
    assert_eq!(card.seen_label, "OK");
    // Still there on the next view, gone once seen, and after the next unlock.
    assert!(home(&p.view()).wrong_pins.is_some());
    let u = p.send(AppEvent::WrongPinsSeen);
    assert_eq!(home(&u.view).wrong_pins, None);
    let mut p = p.lock_and_relaunch();
    let u = p.enter_pin(PIN);
    assert_eq!(home(&u.view).wrong_pins, None);

    // One wrong PIN before a duress unlock: the decoy shows it, as a real vault would.
    let mut p = p.lock_and_relaunch();
    p.advance(60);
    p.enter_pin("000002");
    let u = p.enter_pin(DURESS);
    let card = home(&u.view).wrong_pins.expect("the decoy's own card");
    assert_eq!(
        card.text,
        "Since you last opened the app: 1 wrong PIN, on Fri 20 Nov at 18:06."
    );
    p.send(AppEvent::WrongPinsSeen);
    // The real vault had nothing new since its last unlock, and shows nothing.
    let mut p = p.lock_and_relaunch();
    let u = p.enter_pin(PIN);
    assert_eq!(home(&u.view).wrong_pins, None);
}
