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
