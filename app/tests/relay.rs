//! The check-in relay (issue 16) through the app model: choosing a relay and trusting its key by
//! its fingerprint; a plan given to the relay (the request verifies, the sealed alert opens to
//! the very text the phone sends the buddy) and the screen saying it holds the plan; a relay that
//! cannot be reached (plain words, the phone's own timer still alerts the buddy, try again); a
//! changed key refused until accepted; checking in from the lock screen with the PIN or the
//! duress PIN (the relay gets the cancel or the duress secret; the screen cannot tell).

mod common;

use common::*;
use waymark_app::strings::{fill, EN};
use waymark_app::{AppEvent, Destination, Effect, RelayCard, SmsAbility, Tone};
use waymark_core::Clock;
use waymark_relay_proto as proto;

const ADDRESS: &str = "https://relay.example.org/waymark";

/// An `Http` effect, as the shell receives it.
#[derive(Debug, Clone)]
struct Call {
    id: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn calls(effects: &[Effect]) -> Vec<Call> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Http {
                id,
                method,
                url,
                headers,
                body,
            } => Some(Call {
                id: id.clone(),
                method: method.clone(),
                url: url.clone(),
                headers: headers
                    .iter()
                    .map(|h| (h.name.clone(), h.value.clone()))
                    .collect(),
                body: body.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The one relay call among the effects since `before`.
fn one_call(p: &Phone, before: usize) -> Call {
    let c = calls(&p.effects[before..]);
    assert_eq!(c.len(), 1, "{c:?}");
    c[0].clone()
}

/// Checks the call as the relay does (signature, time) and returns its body.
fn verify<T: serde::de::DeserializeOwned>(p: &Phone, c: &Call) -> T {
    assert_eq!(c.method, "POST");
    let path = c.url.strip_prefix(ADDRESS).expect("the relay's address");
    let header = |name: &str| {
        c.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let now = p.clock.now().timestamp() as u64;
    proto::sign::verify("POST", path, header, &c.body, now).expect("signed");
    serde_json::from_slice(&c.body).expect("the protocol's body")
}

fn status_reply(arm: &proto::ArmRequest, state: proto::CheckinState) -> Vec<u8> {
    serde_json::to_vec(&proto::CheckinStatus {
        checkin_id: arm.checkin_id,
        state,
        deadline: arm.deadline,
        grace_seconds: arm.grace_seconds,
    })
    .unwrap()
}

fn relay_card(p: &Phone) -> RelayCard {
    checkin(&p.view()).relay
}

/// Chooses the relay and answers its key request with `key`'s document.
fn set_up_relay(p: &mut Phone, key: &proto::RelayKeyPair) -> RelayCard {
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    let before = p.effects.len();
    p.send(AppEvent::RelaySetUp {
        address: format!("{ADDRESS}/"),
    });
    let c = one_call(p, before);
    assert_eq!(c.method, "GET");
    assert_eq!(c.url, format!("{ADDRESS}/v1/key"));
    let u = p.send(AppEvent::HttpDone {
        id: c.id,
        status: 200,
        body: serde_json::to_vec(&key.document()).unwrap(),
    });
    checkin(&u.view).relay
}

/// Starts a 30-minute check-in to the library; returns the relay call it made, if any.
fn start_checkin(p: &mut Phone) -> Option<Call> {
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    p.send(AppEvent::CheckInDestination {
        text: "the library on Park Road".into(),
    });
    let before = p.effects.len();
    p.send(AppEvent::CheckInStart);
    calls(&p.effects[before..]).into_iter().next()
}

#[test]
fn a_reachable_relay_holds_the_plan_with_the_buddys_exact_alert() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let key = proto::RelayKeyPair::generate().unwrap();
    let card = set_up_relay(&mut p, &key);
    // First use: the fingerprint to compare, nothing trusted yet.
    let prompt = card.key_prompt.expect("the fingerprint to check");
    assert_eq!(prompt.fingerprint, key.public_key().fingerprint());
    assert_eq!(prompt.text, EN.relay.first_key);
    assert!(!prompt.changed && prompt.previous.is_none());
    assert_eq!(card.in_use, None);
    let u = p.send(AppEvent::RelayAcceptKey);
    assert_eq!(u.view.banner.unwrap().text, EN.relay.set_done);
    let card = relay_card(&p);
    assert_eq!(
        card.in_use,
        Some(fill(EN.relay.in_use, &[("address", ADDRESS)]))
    );
    assert!(card
        .fingerprint
        .unwrap()
        .contains(&key.public_key().fingerprint()));
    assert!(card.key_prompt.is_none());

    let arm_call = start_checkin(&mut p).expect("the plan goes to the relay");
    let arm: proto::ArmRequest = verify(&p, &arm_call);
    assert_eq!(arm.relay_key, key.public_key());
    assert_eq!(
        relay_card(&p).status.unwrap().text,
        EN.relay.asking,
        "waiting for the relay"
    );
    p.send(AppEvent::HttpDone {
        id: arm_call.id.clone(),
        status: 200,
        body: status_reply(&arm, proto::CheckinState::Armed),
    });
    let status = relay_card(&p).status.unwrap();
    assert_eq!(status.tone, Tone::Good);
    // Deadline 17:30, 15 minutes' grace: the relay texts at 17:45, when the phone would.
    assert_eq!(status.text, fill(EN.relay.holding, &[("time", "17:45")]));
    assert!(relay_card(&p).retry_label.is_none());
    // A repeated or unknown answer changes nothing.
    p.send(AppEvent::HttpFailed { id: arm_call.id });
    assert_eq!(relay_card(&p).status.unwrap().tone, Tone::Good);

    // The sealed alert is exactly the text the phone itself sends Sam when nobody checks in.
    let opened = arm.alert.open(&key, &arm.checkin_id).unwrap();
    let before = p.effects.len();
    p.advance(50 * 60);
    let alert: Vec<_> = texts(&p.effects[before..])
        .into_iter()
        .filter(|(id, _, _)| id.ends_with("/alert/b0"))
        .collect();
    assert_eq!(alert.len(), 1);
    assert_eq!(opened.messages.len(), 1);
    assert_eq!(opened.messages[0].to, alert[0].1);
    assert_eq!(opened.messages[0].body, alert[0].2);
}

#[test]
fn more_time_and_im_safe_reach_the_relay_with_the_cancel_secret() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let key = proto::RelayKeyPair::generate().unwrap();
    set_up_relay(&mut p, &key);
    p.send(AppEvent::RelayAcceptKey);
    let arm_call = start_checkin(&mut p).unwrap();
    let arm: proto::ArmRequest = verify(&p, &arm_call);
    p.send(AppEvent::HttpDone {
        id: arm_call.id,
        status: 200,
        body: status_reply(&arm, proto::CheckinState::Armed),
    });
    let before = p.effects.len();
    p.send(AppEvent::CheckInExtend { minutes: 15 });
    let ext = one_call(&p, before);
    let body: proto::ExtendRequest = verify(&p, &ext);
    assert_eq!(body.deadline, arm.deadline + 15 * 60);
    // The relay did not get it: said plainly, in danger colours.
    p.send(AppEvent::HttpFailed { id: ext.id });
    let status = relay_card(&p).status.unwrap();
    assert_eq!(status.tone, Tone::Danger);
    assert_eq!(
        status.text,
        fill(
            EN.relay.not_told_extend,
            &[("reason", EN.relay.unreachable)]
        )
    );

    let before = p.effects.len();
    p.send(AppEvent::CheckInSafe);
    let ok = one_call(&p, before);
    assert!(ok
        .url
        .ends_with(&format!("/v1/checkins/{}/checkin", arm.checkin_id)));
    let body: proto::SecretRequest = verify(&p, &ok);
    assert_eq!(
        proto::secret::match_secret(
            &arm.checkin_id,
            &body.secret,
            &arm.cancel_hash,
            &arm.duress_hash
        ),
        proto::SecretMatch::Cancel
    );
    let u = p.send(AppEvent::HttpDone {
        id: ok.id,
        status: 200,
        body: status_reply(&arm, proto::CheckinState::CheckedIn),
    });
    assert_eq!(u.view.banner.unwrap().text, EN.relay.told_checkin);
}

#[test]
fn an_unreachable_relay_is_said_plainly_and_the_phones_own_timer_still_alerts() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let key = proto::RelayKeyPair::generate().unwrap();
    set_up_relay(&mut p, &key);
    p.send(AppEvent::RelayAcceptKey);
    let arm_call = start_checkin(&mut p).unwrap();
    p.send(AppEvent::HttpFailed { id: arm_call.id });
    let card = relay_card(&p);
    let status = card.status.unwrap();
    assert_eq!(status.tone, Tone::Danger);
    assert_eq!(
        status.text,
        fill(EN.relay.not_holding, &[("reason", EN.relay.unreachable)])
    );
    assert_eq!(card.retry_label.as_deref(), Some(EN.relay.retry));
    // A relay that refuses says why, in its own plain words.
    let before = p.effects.len();
    p.send(AppEvent::RelayRetry);
    let again = one_call(&p, before);
    p.send(AppEvent::HttpDone {
        id: again.id,
        status: 429,
        body: br#"{"error":"rate_limited","reason":"too many requests; try again in a minute"}"#
            .to_vec(),
    });
    let text = relay_card(&p).status.unwrap().text;
    assert!(text.contains("too many requests"), "{text}");

    // The phone's own timer runs regardless: Sam is texted at 17:45.
    let before = p.effects.len();
    p.advance(46 * 60);
    let sent = texts(&p.effects[before..]);
    assert!(
        sent.iter()
            .any(|(id, to, _)| id.ends_with("/alert/b0") && to == "+447700900123"),
        "{sent:?}"
    );
}

#[test]
fn a_changed_key_is_refused_until_the_person_accepts_it() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let old = proto::RelayKeyPair::generate().unwrap();
    set_up_relay(&mut p, &old);
    p.send(AppEvent::RelayAcceptKey);
    let new = proto::RelayKeyPair::generate().unwrap();
    let card = set_up_relay(&mut p, &new);
    let prompt = card.key_prompt.expect("the changed key is shown, not used");
    assert!(prompt.changed);
    assert_eq!(prompt.text, EN.relay.changed_key);
    assert_eq!(prompt.fingerprint, new.public_key().fingerprint());
    assert_eq!(
        prompt.previous,
        Some(fill(
            EN.relay.pinned_was,
            &[("fingerprint", &old.public_key().fingerprint())]
        ))
    );
    assert_eq!(prompt.accept_label, EN.relay.accept_changed);
    // Until accepted, plans are sealed to the key trusted before.
    let arm_call = start_checkin(&mut p).unwrap();
    let arm: proto::ArmRequest = verify(&p, &arm_call);
    assert_eq!(arm.relay_key, old.public_key());
    p.send(AppEvent::CheckInStop);
    // Refusing keeps the old key; accepting pins the new one.
    p.send(AppEvent::RelayRejectKey);
    assert!(relay_card(&p).key_prompt.is_none());
    assert!(relay_card(&p)
        .fingerprint
        .unwrap()
        .contains(&old.public_key().fingerprint()));
    set_up_relay(&mut p, &new);
    p.send(AppEvent::RelayAcceptKey);
    assert!(relay_card(&p)
        .fingerprint
        .unwrap()
        .contains(&new.public_key().fingerprint()));
    let arm_call = start_checkin(&mut p).unwrap();
    let arm: proto::ArmRequest = verify(&p, &arm_call);
    assert_eq!(arm.relay_key, new.public_key());

    // No relay from now on.
    p.send(AppEvent::CheckInStop);
    p.send(AppEvent::RelayForget);
    assert_eq!(relay_card(&p).in_use, None);
    assert!(start_checkin(&mut p).is_none());
}

#[test]
fn a_key_that_cannot_be_fetched_changes_nothing() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    let u = p.send(AppEvent::RelaySetUp {
        address: "http://relay.example.org".into(),
    });
    assert!(
        calls(&u.effects).is_empty(),
        "plain http only to this phone"
    );
    assert_eq!(u.view.banner.unwrap().tone, Tone::Danger);
    let before = p.effects.len();
    p.send(AppEvent::RelaySetUp {
        address: ADDRESS.into(),
    });
    let c = one_call(&p, before);
    let u = p.send(AppEvent::HttpFailed { id: c.id });
    assert_eq!(
        u.view.banner.unwrap().text,
        fill(
            EN.relay.key_unreachable,
            &[("reason", EN.relay.unreachable)]
        )
    );
    assert!(relay_card(&p).key_prompt.is_none() && relay_card(&p).in_use.is_none());
}

/// Checks in on the lock screen with `pin`; returns the secret the relay got and the lock
/// screen as drawn after the relay's answer (`reachable`) or its silence.
fn lock_screen_check_in(
    pin: &str,
    reachable: bool,
) -> (proto::SecretMatch, waymark_app::LockScreen) {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let key = proto::RelayKeyPair::generate().unwrap();
    set_up_relay(&mut p, &key);
    p.send(AppEvent::RelayAcceptKey);
    let arm_call = start_checkin(&mut p).unwrap();
    let arm: proto::ArmRequest = verify(&p, &arm_call);
    p.advance(5 * 60);
    p.send(AppEvent::Panic);
    let before = p.effects.len();
    p.type_pin(pin);
    p.send(AppEvent::PinCheckIn);
    let c = one_call(&p, before);
    let body: proto::SecretRequest = verify(&p, &c);
    let secret = proto::secret::match_secret(
        &arm.checkin_id,
        &body.secret,
        &arm.cancel_hash,
        &arm.duress_hash,
    );
    let u = if reachable {
        p.send(AppEvent::HttpDone {
            id: c.id,
            status: 200,
            body: status_reply(&arm, proto::CheckinState::CheckedIn),
        })
    } else {
        p.send(AppEvent::HttpFailed { id: c.id })
    };
    (secret, lock(&u.view))
}

#[test]
fn the_lock_screen_check_in_tells_the_relay_and_the_duress_pin_looks_the_same() {
    let (real, real_screen) = lock_screen_check_in(PIN, true);
    let (duress, duress_screen) = lock_screen_check_in(DURESS, true);
    assert_eq!(real, proto::SecretMatch::Cancel);
    assert_eq!(duress, proto::SecretMatch::Duress);
    assert_eq!(real_screen, duress_screen);
    assert_eq!(real_screen.message.unwrap().text, EN.lock_checked_in);

    // Not reached: said on the lock screen, the same for either PIN, without naming the app.
    let (_, real_screen) = lock_screen_check_in(PIN, false);
    let (_, duress_screen) = lock_screen_check_in(DURESS, false);
    assert_eq!(real_screen, duress_screen);
    assert_eq!(real_screen.message.unwrap().text, EN.relay.lock_not_told);
}

#[test]
fn a_retried_plan_the_relay_already_has_is_confirmed_and_a_late_check_in_is_said() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let key = proto::RelayKeyPair::generate().unwrap();
    set_up_relay(&mut p, &key);
    p.send(AppEvent::RelayAcceptKey);
    let arm_call = start_checkin(&mut p).unwrap();
    let arm: proto::ArmRequest = verify(&p, &arm_call);
    // The first answer was lost; the retry (a new request) finds the plan already there.
    p.send(AppEvent::HttpFailed { id: arm_call.id });
    let before = p.effects.len();
    p.send(AppEvent::RelayRetry);
    let retry = one_call(&p, before);
    let before = p.effects.len();
    p.send(AppEvent::HttpDone {
        id: retry.id,
        status: 409,
        body: br#"{"error":"checkin_exists","reason":"this check-in is already held"}"#.to_vec(),
    });
    let status_call = one_call(&p, before);
    assert!(status_call.url.ends_with("/status"));
    let _: proto::StatusRequest = verify(&p, &status_call);
    p.send(AppEvent::HttpDone {
        id: status_call.id,
        status: 200,
        body: status_reply(&arm, proto::CheckinState::Armed),
    });
    assert_eq!(relay_card(&p).status.unwrap().tone, Tone::Good);

    // "I'm safe" after the relay had already fired: the person is told to reassure the buddy.
    let before = p.effects.len();
    p.send(AppEvent::CheckInSafe);
    let ok = one_call(&p, before);
    p.send(AppEvent::HttpDone {
        id: ok.id,
        status: 200,
        body: status_reply(&arm, proto::CheckinState::Alerted),
    });
    let status = relay_card(&p).status.unwrap();
    assert_eq!(status.text, EN.relay.already_alerted);
    assert_eq!(status.tone, Tone::Danger);
}
