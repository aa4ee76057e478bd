//! The relay requests the core builds: each verifies with the protocol crate as the relay would
//! check it, the sealed alert opens to exactly the texts the phone itself sends each buddy, the
//! secrets survive locking and work from the armed file (the duress PIN sends the duress secret),
//! and the pinned key refuses a changed one.

use super::armed::ArmedCheckIn;
use super::checkin::{Buddy, EventKind, Expect, Plan, Recipient};
use super::contacts::{NewContact, Role};
use super::relay::{self, KeyCheck, RelayOp, RelayReply, RelayRequest};
use super::store::Safety;
use crate::clock::ManualClock;
use crate::vault::{CreateOptions, SoftwarePrfNoHardware, Vault};
use crate::Clock;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::path::Path;
use std::sync::Arc;
use waymark_relay_proto as proto;

const PIN: &str = "246810";
const DURESS: &str = "135790";
const URL: &str = "https://relay.example.org/waymark";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap()
}

fn prf() -> Arc<SoftwarePrfNoHardware> {
    Arc::new(SoftwarePrfNoHardware::default())
}

struct Setup {
    vault: Vault,
    clock: Arc<ManualClock>,
    relay: proto::RelayKeyPair,
    buddies: Vec<Buddy>,
}

fn create(dir: &Path) -> Setup {
    let clock = Arc::new(ManualClock::new(t0()));
    let (vault, _) = Vault::create(dir, PIN, CreateOptions::for_tests(clock.clone())).unwrap();
    vault.set_duress_secret(PIN, DURESS).unwrap();
    let s = Safety::new(&vault);
    let buddies = [("Samwise", "07700 900123"), ("Priyanka", "07700 900456")]
        .into_iter()
        .map(|(name, phone)| {
            let c = s
                .add_contact(NewContact {
                    name: name.into(),
                    phone: phone.into(),
                    relationship: None,
                    roles: vec![Role::Buddy],
                    region: "GB".into(),
                })
                .unwrap();
            Buddy {
                contact_id: c.id,
                name: c.name,
                phone: c.phone.to_string(),
            }
        })
        .collect();
    let relay = proto::RelayKeyPair::generate().unwrap();
    Setup {
        vault,
        clock,
        relay,
        buddies,
    }
}

fn plan(buddies: Vec<Buddy>) -> Plan {
    let mut p = Plan::new(
        "The library on Elm Road",
        Expect::WithinMinutes(30),
        buddies,
    );
    p.meeting = Some("Ruthven".into());
    p
}

fn unix(t: DateTime<Utc>) -> u64 {
    t.timestamp() as u64
}

/// Checks the request as the relay does: signature, path, time; returns the JSON body.
fn verify<T: serde::de::DeserializeOwned>(r: &RelayRequest, now: DateTime<Utc>) -> T {
    assert_eq!(r.method, "POST");
    let path = r.url.strip_prefix(URL).expect("the relay's URL");
    let header = |name: &str| {
        r.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    proto::sign::verify("POST", path, header, &r.body, unix(now)).expect("a valid signature");
    serde_json::from_slice(&r.body).expect("the protocol's body")
}

fn start(s: &Setup) -> String {
    let safety = Safety::new(&s.vault);
    safety.pin_relay(URL, &s.relay.public_key()).unwrap();
    safety
        .start_relayed_checkin(plan(s.buddies.clone()))
        .unwrap()
        .id
}

#[test]
fn the_sealed_alert_opens_to_exactly_the_texts_the_phone_sends_each_buddy() {
    let dir = tempfile::tempdir().unwrap();
    let s = create(dir.path());
    let id = start(&s);
    let safety = Safety::new(&s.vault);
    let arm = safety.relay_request(&id, RelayOp::Arm).unwrap().unwrap();
    let body: proto::ArmRequest = verify(&arm, t0());
    assert_eq!(body.relay_key, s.relay.public_key());
    // Deadline 18:30, grace 15 minutes: the relay fires when the phone alerts the first buddy.
    assert_eq!(body.deadline, unix(t0() + Duration::minutes(30)));
    assert_eq!(body.grace_seconds, 15 * 60);
    let opened = body.alert.open(&s.relay, &body.checkin_id).unwrap();

    // What the phone itself hands out, once every buddy has been alerted.
    let mut sent = safety.tick(t0() + Duration::hours(3)).unwrap();
    sent.retain(|e| e.kind == EventKind::Alert);
    let phone: Vec<(String, String)> = sent
        .into_iter()
        .map(|e| match e.to {
            Recipient::Buddy { phone, .. } => (phone, e.text),
            Recipient::User => panic!("an alert to the person"),
        })
        .collect();
    let relayed: Vec<(String, String)> = opened
        .messages
        .iter()
        .map(|m| (m.to.clone(), m.body.clone()))
        .collect();
    assert_eq!(relayed, phone);
    assert_eq!(relayed.len(), 2);
    assert!(relayed[0].1.contains("Elm Road") && relayed[0].0 == "+447700900123");
    // Another key cannot open it, and the body holds no number or place in the clear.
    let other = proto::RelayKeyPair::generate().unwrap();
    assert!(body.alert.open(&other, &body.checkin_id).is_err());
    let text = String::from_utf8(arm.body.clone()).unwrap();
    assert!(
        !text.contains("7700900") && !text.contains("Elm Road"),
        "{text}"
    );
}

#[test]
fn extend_cancel_and_status_are_signed_for_the_same_check_in() {
    let dir = tempfile::tempdir().unwrap();
    let s = create(dir.path());
    let id = start(&s);
    let safety = Safety::new(&s.vault);
    let arm: proto::ArmRequest = verify(
        &safety.relay_request(&id, RelayOp::Arm).unwrap().unwrap(),
        t0(),
    );

    s.clock.advance(Duration::minutes(10));
    let deadline = safety.extend(20).unwrap();
    let ext = safety.relay_request(&id, RelayOp::Extend).unwrap().unwrap();
    assert!(ext
        .url
        .ends_with(&format!("/v1/checkins/{}/extend", arm.checkin_id)));
    let body: proto::ExtendRequest = verify(&ext, s.clock.now());
    assert_eq!(body.deadline, unix(deadline));

    let status = safety.relay_request(&id, RelayOp::Status).unwrap().unwrap();
    let _: proto::StatusRequest = verify(&status, s.clock.now());

    safety.cancel().unwrap();
    let cancel = safety.relay_request(&id, RelayOp::Cancel).unwrap().unwrap();
    let body: proto::SecretRequest = verify(&cancel, s.clock.now());
    assert_eq!(
        proto::secret::match_secret(
            &arm.checkin_id,
            &body.secret,
            &arm.cancel_hash,
            &arm.duress_hash
        ),
        proto::SecretMatch::Cancel
    );
    // Nothing left to arm or extend once the plan is off.
    assert_eq!(safety.relay_request(&id, RelayOp::Arm).unwrap(), None);
    assert_eq!(safety.relay_request(&id, RelayOp::Extend).unwrap(), None);
}

/// Check in from the locked phone with `secret`; returns which secret reached the relay.
fn locked_check_in(secret: &str) -> proto::SecretMatch {
    let dir = tempfile::tempdir().unwrap();
    let s = create(dir.path());
    let id = start(&s);
    let arm: proto::ArmRequest = verify(
        &Safety::new(&s.vault)
            .relay_request(&id, RelayOp::Arm)
            .unwrap()
            .unwrap(),
        t0(),
    );
    s.vault.lock();
    drop(s.vault);
    s.clock.advance(Duration::minutes(5));
    let armed = ArmedCheckIn::open(dir.path(), prf(), s.clock.clone()).unwrap();
    let receipt = armed.check_in_with_relay(secret).unwrap();
    let req = receipt.relay.expect("the relay is told");
    assert!(req
        .url
        .ends_with(&format!("/v1/checkins/{}/checkin", arm.checkin_id)));
    let body: proto::SecretRequest = verify(&req, s.clock.now());
    // The device key is the one that armed it.
    let key = |r: &RelayRequest| {
        r.headers
            .iter()
            .find(|(n, _)| n == "waymark-device-key")
            .map(|(_, v)| v.clone())
    };
    let arm_req = {
        // After the lock and unlock the same device key signs.
        let v = Vault::open(dir.path(), prf(), s.clock.clone()).unwrap();
        v.unlock(PIN).unwrap();
        Safety::new(&v)
            .relay_request(&id, RelayOp::Status)
            .unwrap()
            .unwrap()
    };
    assert_eq!(key(&req), key(&arm_req));
    proto::secret::match_secret(
        &arm.checkin_id,
        &body.secret,
        &arm.cancel_hash,
        &arm.duress_hash,
    )
}

#[test]
fn a_locked_phone_checks_in_with_the_cancel_secret_from_the_armed_file() {
    assert_eq!(locked_check_in(PIN), proto::SecretMatch::Cancel);
}

#[test]
fn the_duress_pin_sends_the_duress_secret_and_looks_the_same() {
    assert_eq!(locked_check_in(DURESS), proto::SecretMatch::Duress);
}

#[test]
fn the_secrets_survive_lock_and_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let s = create(dir.path());
    let id = start(&s);
    let before = Safety::new(&s.vault)
        .relay_request(&id, RelayOp::Arm)
        .unwrap()
        .unwrap();
    let before: proto::ArmRequest = verify(&before, t0());
    s.vault.lock();
    s.vault.unlock(PIN).unwrap();
    let safety = Safety::new(&s.vault);
    let after: proto::ArmRequest = verify(
        &safety.relay_request(&id, RelayOp::Arm).unwrap().unwrap(),
        t0(),
    );
    assert_eq!(after.checkin_id, before.checkin_id);
    assert_eq!(after.cancel_hash, before.cancel_hash);
    assert_eq!(after.duress_hash, before.duress_hash);
    safety.check_in().unwrap();
    let ok = safety
        .relay_request(&id, RelayOp::CheckIn)
        .unwrap()
        .unwrap();
    let body: proto::SecretRequest = verify(&ok, t0());
    assert_eq!(
        proto::secret::match_secret(
            &before.checkin_id,
            &body.secret,
            &before.cancel_hash,
            &before.duress_hash
        ),
        proto::SecretMatch::Cancel
    );
}

#[test]
fn the_first_key_is_pinned_and_a_changed_one_is_refused_until_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let s = create(dir.path());
    let safety = Safety::new(&s.vault);
    let key = s.relay.public_key();
    let fp = key.fingerprint();
    assert_eq!(
        safety.check_relay_key(URL, &key).unwrap(),
        KeyCheck::First {
            fingerprint: fp.clone()
        }
    );
    assert!(
        safety
            .start_relayed_checkin(plan(s.buddies.clone()))
            .is_err(),
        "no relay pinned yet"
    );
    safety.pin_relay(&format!("{URL}/"), &key).unwrap();
    assert_eq!(safety.relay().unwrap().unwrap().url, URL);
    assert_eq!(
        safety.check_relay_key(URL, &key).unwrap(),
        KeyCheck::Same {
            fingerprint: fp.clone()
        }
    );
    let new = proto::RelayKeyPair::generate().unwrap().public_key();
    assert_eq!(
        safety.check_relay_key(URL, &new).unwrap(),
        KeyCheck::Changed {
            pinned: fp.clone(),
            offered: new.fingerprint()
        }
    );
    // Another relay entirely is a first use.
    assert!(matches!(
        safety
            .check_relay_key("https://other.example", &new)
            .unwrap(),
        KeyCheck::First { .. }
    ));
    safety.pin_relay(URL, &new).unwrap();
    assert!(matches!(
        safety.check_relay_key(URL, &new).unwrap(),
        KeyCheck::Same { .. }
    ));
    safety.forget_relay().unwrap();
    assert_eq!(safety.relay().unwrap(), None);
}

#[test]
fn relay_addresses_must_be_https_except_to_this_machine() {
    for (given, want) in [
        ("https://relay.example.org/", "https://relay.example.org"),
        (
            "HTTPS://Relay.Example.org/Path/",
            "https://relay.example.org/Path",
        ),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:9/x", "http://localhost:9/x"),
        ("http://[::1]:80", "http://[::1]:80"),
    ] {
        assert_eq!(relay::normalise_url(given).unwrap(), want, "{given}");
    }
    for bad in [
        "http://relay.example.org",
        "relay.example.org",
        "ftp://x",
        "https://",
        "https://user@host",
        "https://host/?q=1",
        "https://ho st",
        "http://127.evil.example",
    ] {
        assert!(relay::normalise_url(bad).is_err(), "{bad}");
    }
}

#[test]
fn replies_are_read_and_refusals_keep_the_relays_plain_reason() {
    let id = proto::CheckinId::random().unwrap();
    let ok = serde_json::to_vec(&proto::CheckinStatus {
        checkin_id: id,
        state: proto::CheckinState::Armed,
        deadline: unix(t0()),
        grace_seconds: 900,
    })
    .unwrap();
    assert_eq!(
        relay::parse_reply(200, &ok),
        RelayReply::Status {
            state: proto::CheckinState::Armed,
            deadline: t0()
        }
    );
    let refused = br#"{"error":"wrong_secret","reason":"that secret is not this check-in's"}"#;
    assert_eq!(
        relay::parse_reply(403, refused),
        RelayReply::Refused {
            status: 403,
            code: "wrong_secret".into(),
            reason: "that secret is not this check-in's".into()
        }
    );
    assert!(!relay::parse_reply(200, b"<html>").ok());
    assert!(!relay::parse_reply(502, b"bad gateway").ok());
    // The key document: checked, or refused with a reason.
    let doc = serde_json::to_vec(&proto::RelayKeyPair::generate().unwrap().document()).unwrap();
    assert!(relay::parse_key_document(200, &doc).is_ok());
    assert!(relay::parse_key_document(404, &doc).is_err());
    let mut bent: serde_json::Value = serde_json::from_slice(&doc).unwrap();
    bent["fingerprint"] = "0000 0000".into();
    assert!(relay::parse_key_document(200, &serde_json::to_vec(&bent).unwrap()).is_err());
}
