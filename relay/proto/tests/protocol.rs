//! The protocol as both sides use it: the phone builds and signs, the relay verifies and opens.

use waymark_relay_proto::*;

const NOW: u64 = 1_800_000_000;

/// An alert sealed by this crate when the protocol was first written (relay private key 0x42 x 32,
/// check-in id 0x11 x 16): if this stops opening, phones and relays of different versions could
/// no longer talk, so the change needs a new protocol version, not an edited fixture.
#[test]
fn an_alert_sealed_by_version_1_still_opens() {
    let relay = RelayKeyPair::from_secret(&[0x42; 32]).unwrap();
    assert_eq!(
        serde_json::to_string(&relay.public_key()).unwrap(),
        "\"EyxEK-AQ-9V-cmAzKKp25x_MwVA6riGTJ9FNnJmT9HI\""
    );
    assert_eq!(
        relay.public_key().fingerprint(),
        "f9b8 dff0 f221 1aa6 931a c7b3 da08 66c2"
    );
    let sealed: SealedAlert =
        serde_json::from_str(include_str!("data/sealed-alert-v1.json")).unwrap();
    let alert = sealed.open(&relay, &CheckinId([0x11; 16])).unwrap();
    assert_eq!(
        alert,
        Alert::new(vec![
            AlertMessage::new("+447700900123", "Golden text").unwrap()
        ])
        .unwrap()
    );
}

#[test]
fn phone_arms_and_checks_in_relay_verifies_and_opens() {
    // Relay side, once: a key pair; the phone fetches the document and checks it.
    let relay = RelayKeyPair::generate().unwrap();
    let doc: RelayKeyDocument =
        serde_json::from_slice(&serde_json::to_vec(&relay.document()).unwrap()).unwrap();
    let relay_key = doc.check().unwrap();

    // Phone side: a device key, the secrets, the sealed alert, the signed arm request.
    let device = DeviceKey::generate().unwrap();
    let id = CheckinId::random().unwrap();
    let cancel = CheckinSecret::random().unwrap();
    let duress = CheckinSecret::random().unwrap();
    let alert = Alert::new(vec![AlertMessage::new(
        "+447700900123",
        "Sam went to the gym and has not checked in.",
    )
    .unwrap()])
    .unwrap();
    let arm = ArmRequest {
        checkin_id: id,
        relay_key,
        deadline: NOW + 3600,
        grace_seconds: 900,
        cancel_hash: cancel.hash(&id),
        duress_hash: duress.hash(&id),
        alert: alert.seal(&relay_key, &id).unwrap(),
    };
    arm.check_times(NOW).unwrap();
    let req = SignedRequest::sign(&device, &Operation::Arm(arm.clone()), NOW).unwrap();
    assert_eq!(req.path, PATH_ARM);
    assert!(req.body.len() <= MAX_REQUEST_BYTES, "{}", req.body.len());
    let body = String::from_utf8(req.body.clone()).unwrap();
    assert!(
        !body.contains("7700") && !body.contains("gym"),
        "arm body leaks"
    );

    // Relay side: verify the signature on the received bytes, parse, open.
    let header = |name: &str| req.header(name);
    let v = sign::verify("POST", &req.path, header, &req.body, NOW + 2).unwrap();
    assert_eq!(v.device_key, device.public_key());
    let got: ArmRequest = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(got, arm);
    assert_eq!(got.fire_at(), NOW + 3600 + 900);
    assert_eq!(got.alert.open(&relay, &id).unwrap(), alert);

    // Later: check in with the duress secret; the relay tells which it was, the reply would not.
    let op = Operation::CheckIn(
        id,
        SecretRequest {
            secret: duress.clone(),
        },
    );
    let req = SignedRequest::sign(&device, &op, NOW + 60).unwrap();
    assert_eq!(req.path, path_check_in(&id));
    req.verify(NOW + 60).unwrap();
    let got: SecretRequest = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        secret::match_secret(&id, &got.secret, &arm.cancel_hash, &arm.duress_hash),
        SecretMatch::Duress
    );
}

#[test]
fn arm_requests_with_bad_times_are_refused() {
    let relay = RelayKeyPair::generate().unwrap();
    let id = CheckinId::random().unwrap();
    let s = CheckinSecret::random().unwrap();
    let mut arm = ArmRequest {
        checkin_id: id,
        relay_key: relay.public_key(),
        deadline: NOW - 1,
        grace_seconds: 0,
        cancel_hash: s.hash(&id),
        duress_hash: s.hash(&id),
        alert: Alert::new(vec![AlertMessage::new("+447700900123", "x").unwrap()])
            .unwrap()
            .seal(&relay.public_key(), &id)
            .unwrap(),
    };
    assert!(arm.check_times(NOW).is_err());
    arm.deadline = NOW + 10 * 365 * 86400;
    assert!(arm.check_times(NOW).is_err());
    arm.deadline = NOW + 60;
    arm.grace_seconds = MAX_GRACE_SECONDS + 1;
    assert!(arm.check_times(NOW).is_err());
    arm.grace_seconds = MAX_GRACE_SECONDS;
    assert!(arm.check_times(NOW).is_ok());
}
