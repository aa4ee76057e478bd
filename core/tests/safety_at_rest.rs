//! Someone who copies the vault folder learns nothing about the person's buddies, plans or
//! check-ins: no name, number, place, message text or table name appears in any file, while
//! the vault is open or after it is closed.

use chrono::{Duration, TimeZone, Utc};
use std::path::Path;
use waymark_core::safety::checkin::{Buddy, Expect, Plan};
use waymark_core::safety::{Location, NewContact, Role, Safety};
use waymark_core::Clock;
use waymark_test_support::vault::{manual_vault, TestVault};

const MARKERS: &[&str] = &[
    "ZQXBUDDYNAME",
    "7700900987",
    "ZQXRELATION",
    "ZQXPLACE",
    "ZQXMEETING",
    "ZQXROUTE",
    "ZQXIFMISSED",
    "checkin.transition",
    "safety_checkins",
    "safety_contacts",
    "escalated",
    "osm.org",
    "51.50740",
    "Waymark ALERT",
    "change-passwords",
    "ZQXHELPLINE",
    "safety_help_custom",
    // The duress-unlock alert's words, sealed to the device (issue 15).
    "unlock my phone under pressure",
    "Waymark URGENT",
];

fn scan(dir: &Path) -> Vec<String> {
    waymark_test_support::scan::find_markers(dir, MARKERS)
}

#[test]
fn no_safety_plaintext_in_any_file_open_or_closed() {
    let TestVault {
        vault,
        clock,
        dir,
        tmp: _tmp,
        ..
    } = manual_vault(Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap());
    let s = Safety::new(&vault);
    let c = s
        .add_contact(NewContact {
            name: "ZQXBUDDYNAME".into(),
            phone: "07700 900987".into(),
            relationship: Some("ZQXRELATION".into()),
            roles: vec![Role::Buddy],
            region: "GB".into(),
        })
        .unwrap();
    // The silent alert on a duress unlock: its texts (number and words) are sealed too.
    s.set_duress_unlock_alert(true).unwrap();
    assert!(s.duress_unlock_alert().unwrap());
    s.checklist_done("change-passwords").unwrap();
    s.add_help_entry("ZQXHELPLINE", "0800 123 456", Some("ZQXHELPLINE hours"))
        .unwrap();
    for round in 0..5 {
        let buddy = Buddy {
            contact_id: c.id.clone(),
            name: c.name.clone(),
            phone: c.phone.to_string(),
        };
        let mut plan = Plan::new("ZQXPLACE", Expect::WithinMinutes(30), vec![buddy]);
        plan.meeting = Some("ZQXMEETING".into());
        plan.route = Some("ZQXROUTE".into());
        plan.if_missed = "ZQXIFMISSED".into();
        plan.share_location = true;
        s.start_checkin(plan).unwrap();
        let now = clock.now();
        s.record_location(Location {
            lat: 51.5074,
            lon: -0.1278,
            accuracy_m: Some(10.0),
            at: now,
        })
        .unwrap();
        let events = s.tick(now + Duration::hours(2)).unwrap();
        assert!(events.iter().any(|e| e.text.contains("Waymark ALERT")));
        clock.advance(Duration::minutes(1));
        if round % 2 == 0 {
            s.check_in().unwrap();
        } else {
            s.check_in_duress().unwrap();
        }
        s.tick(clock.now() + Duration::hours(3)).unwrap();
        clock.advance(Duration::hours(3));
    }
    let open_hits = scan(&dir);
    assert!(open_hits.is_empty(), "plaintext while open: {open_hits:?}");
    vault.lock();
    drop(vault);
    let closed_hits = scan(&dir);
    assert!(
        closed_hits.is_empty(),
        "plaintext after closing: {closed_hits:?}"
    );
}

/// A check-in held by a relay keeps its relay's address, the device key, the relay-side id and
/// the cancel and duress secrets in the vault and the armed file (so a locked phone can check
/// in): none of them may be readable in any file, open or closed.
#[test]
fn no_relay_secret_or_address_in_any_file() {
    use waymark_core::safety::{ArmedCheckIn, RelayOp, RelayRequest};
    use waymark_relay_proto as proto;
    let TestVault {
        vault,
        clock,
        dir,
        tmp: _tmp,
        ..
    } = manual_vault(Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap());
    const DURESS: &str = "135790";
    vault
        .set_duress_secret(waymark_test_support::PIN, DURESS)
        .unwrap();
    let s = Safety::new(&vault);
    let c = s
        .add_contact(NewContact {
            name: "ZQXBUDDYNAME".into(),
            phone: "07700 900987".into(),
            relationship: None,
            roles: vec![Role::Buddy],
            region: "GB".into(),
        })
        .unwrap();
    let relay = proto::RelayKeyPair::generate().unwrap();
    s.pin_relay("https://zqxrelay.example/zqxpath", &relay.public_key())
        .unwrap();
    let header = |r: &RelayRequest, name: &str| {
        r.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let mut markers: Vec<String> = vec!["zqxrelay".into(), "zqxpath".into()];
    drop(s);
    for secret in [waymark_test_support::PIN, DURESS] {
        let s = Safety::new(&vault);
        let buddy = Buddy {
            contact_id: c.id.clone(),
            name: c.name.clone(),
            phone: c.phone.to_string(),
        };
        let id = s
            .start_relayed_checkin(Plan::new(
                "ZQXPLACE",
                Expect::WithinMinutes(30),
                vec![buddy],
            ))
            .unwrap()
            .id;
        let arm = s.relay_request(&id, RelayOp::Arm).unwrap().unwrap();
        markers.push(header(&arm, "waymark-device-key"));
        let body: proto::ArmRequest = serde_json::from_slice(&arm.body).unwrap();
        markers.push(body.checkin_id.to_string());
        // The locked phone checks in: the request carries the secret the vault kept.
        vault.lock();
        let armed = ArmedCheckIn::open(
            &dir,
            std::sync::Arc::new(waymark_core::vault::SoftwarePrfNoHardware::default()),
            clock.clone(),
        )
        .unwrap();
        let req = armed.check_in_with_relay(secret).unwrap().relay.unwrap();
        let sent: proto::SecretRequest = serde_json::from_slice(&req.body).unwrap();
        let b64 = serde_json::to_value(&sent.secret).unwrap();
        markers.push(b64.as_str().unwrap().to_string());
        markers.push(hex::encode(sent.secret.0));
        vault.unlock(waymark_test_support::PIN).unwrap();
        let s = Safety::new(&vault);
        s.tick(clock.now() + Duration::hours(3)).unwrap();
        clock.advance(Duration::hours(3));
    }
    let markers: Vec<&str> = markers.iter().map(String::as_str).collect();
    let open_hits = waymark_test_support::scan::find_markers(&dir, &markers);
    assert!(open_hits.is_empty(), "plaintext while open: {open_hits:?}");
    vault.lock();
    drop(vault);
    let closed_hits = waymark_test_support::scan::find_markers(&dir, &markers);
    assert!(
        closed_hits.is_empty(),
        "plaintext after closing: {closed_hits:?}"
    );
}
