//! Safety features in a real vault: persistence across re-opening, the Merkle log entries,
//! once-only delivery across restarts, duress, settings and the checklist.

use super::checkin::{Buddy, Expect, Plan, State};
use super::contacts::{NewContact, Role};
use super::store::Safety;
use crate::clock::ManualClock;
use crate::log::IncidentLog;
use crate::vault::{CreateOptions, SoftwarePrfNoHardware, Vault};
use crate::Error;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

const PIN: &str = "246810";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap()
}
fn at(min: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(min)
}

fn create(dir: &Path) -> (Vault, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(t0()));
    let (v, _) = Vault::create(dir, PIN, CreateOptions::for_tests(clock.clone())).unwrap();
    (v, clock)
}

/// A restart: the old handle is dropped, the vault opened and unlocked again.
fn reopen(v: Vault, dir: &Path, clock: &Arc<ManualClock>) -> Vault {
    drop(v);
    let v = Vault::open(
        dir,
        Arc::new(SoftwarePrfNoHardware::default()),
        clock.clone(),
    )
    .unwrap();
    v.unlock(PIN).unwrap();
    v
}

fn add(s: &Safety, name: &str, phone: &str) -> Buddy {
    let c = s
        .add_contact(NewContact {
            name: name.into(),
            phone: phone.into(),
            relationship: Some("friend".into()),
            roles: vec![Role::Buddy],
            region: "GB".into(),
        })
        .unwrap();
    Buddy {
        contact_id: c.id,
        name: c.name,
        phone: c.phone.to_string(),
    }
}

fn plan(buddies: Vec<Buddy>) -> Plan {
    let mut p = Plan::new(
        "The library on Elm Road",
        Expect::WithinMinutes(30),
        buddies,
    );
    p.meeting = Some("Ruth".into());
    p
}

fn transitions_in_log(v: &Vault) -> Vec<serde_json::Value> {
    IncidentLog::new(v)
        .entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.entry_type == "checkin.transition")
        .map(|e| e.parsed().unwrap().unwrap().payload)
        .collect()
}

#[test]
fn contacts_are_validated_kept_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock) = create(dir.path());
    let s = Safety::new(&v);
    let sam = add(&s, "Sam", "07700 900123");
    assert_eq!(sam.phone, "+447700900123");
    add(&s, "Priya", "+44 7700 900456");
    let dup = s.add_contact(NewContact {
        name: "sam".into(),
        phone: "07700 900999".into(),
        ..Default::default()
    });
    assert!(matches!(dup, Err(Error::InvalidInput { .. })));
    let dup = s.add_contact(NewContact {
        name: "Other".into(),
        phone: "+447700900123".into(),
        ..Default::default()
    });
    assert!(matches!(dup, Err(Error::InvalidInput { .. })));
    assert!(s
        .add_contact(NewContact {
            name: "X".into(),
            phone: "999".into(),
            ..Default::default()
        })
        .is_err());

    let v = reopen(v, dir.path(), &clock);
    let s = Safety::new(&v);
    let names: Vec<String> = s.contacts().unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Sam", "Priya"]);
    assert_eq!(
        s.find_contact("SAM").unwrap().relationship.as_deref(),
        Some("friend")
    );
    s.remove_contact("sam").unwrap();
    assert!(matches!(
        s.remove_contact("sam"),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(s.contacts().unwrap().len(), 1);
    v.lock();
    assert!(matches!(Safety::new(&v).contacts(), Err(Error::Locked)));
}

#[test]
fn a_check_in_survives_restarts_in_every_state_without_repeating_events() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock) = create(dir.path());
    let s = Safety::new(&v);
    let buddies = vec![
        add(&s, "Sam", "07700 900123"),
        add(&s, "Priya", "07700 900456"),
    ];
    let view = s.start_checkin(plan(buddies.clone())).unwrap();
    assert_eq!(view.state, State::Active);
    assert!(
        matches!(
            s.start_checkin(plan(buddies)),
            Err(Error::InvalidInput { .. })
        ),
        "one at a time"
    );

    let mut v = v;
    let mut delivered: Vec<String> = Vec::new();
    let mut states = Vec::new();
    // Tick at each minute of interest, restarting before and after each tick.
    for m in [0, 0, 20, 30, 30, 44, 45, 50, 55, 65, 70] {
        v = reopen(v, dir.path(), &clock);
        clock.set(at(m));
        let events = Safety::new(&v).tick(at(m)).unwrap();
        delivered.extend(events.iter().map(|e| e.id.clone()));
        v = reopen(v, dir.path(), &clock);
        assert!(
            Safety::new(&v).tick(at(m)).unwrap().is_empty(),
            "repeat after restart at minute {m}"
        );
        states.push(Safety::new(&v).current_checkin().unwrap().unwrap().state);
    }
    let unique: HashSet<&String> = delivered.iter().collect();
    assert_eq!(unique.len(), delivered.len());
    assert_eq!(delivered.len(), 10, "{delivered:?}");
    assert!(states.contains(&State::Missed) && states.contains(&State::Escalated));
    assert_eq!(Safety::new(&v).next_wake().unwrap(), None);

    let s = Safety::new(&v);
    assert!(s.extend(10).is_err());
    assert_eq!(s.check_in().unwrap(), State::Resolved);
    let v = reopen(v, dir.path(), &clock);
    let s = Safety::new(&v);
    assert_eq!(
        s.tick(at(71)).unwrap().len(),
        2,
        "all-clear to both buddies"
    );
    assert!(s.current_checkin().unwrap().is_none(), "finished");
    assert_eq!(s.checkin_history().unwrap()[0].state, State::Resolved);

    // Every transition is in the Merkle log, and the log still verifies.
    let log = transitions_in_log(&v);
    let to: Vec<&str> = log.iter().map(|p| p["to"].as_str().unwrap()).collect();
    assert_eq!(to, ["planned", "active", "missed", "escalated", "resolved"]);
    assert_eq!(log[1]["destination"], "The library on Elm Road");
    assert_eq!(log[2]["at"], serde_json::json!(at(30)));
    assert_eq!(IncidentLog::new(&v).verify().unwrap().entries, 5);
}

#[test]
fn every_operation_is_stored_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock) = create(dir.path());
    let s = Safety::new(&v);
    let b = vec![add(&s, "Sam", "07700 900123")];
    assert!(matches!(s.check_in(), Err(Error::NotFound { .. })));
    s.start_checkin(plan(b.clone())).unwrap();
    clock.set(at(10));
    let new_deadline = s.extend(15).unwrap();
    assert_eq!(new_deadline, at(45));
    let v = reopen(v, dir.path(), &clock);
    let s = Safety::new(&v);
    let cur = s.current_checkin().unwrap().unwrap();
    assert_eq!((cur.state, cur.deadline), (State::Extended, Some(at(45))));
    s.tick(at(10)).unwrap(); // plan and update texts out
    s.cancel().unwrap();
    let v = reopen(v, dir.path(), &clock);
    let s = Safety::new(&v);
    let cur = s.current_checkin().unwrap().unwrap();
    assert_eq!(cur.state, State::Cancelled, "kept until the buddy is told");
    let told = s.tick(at(10)).unwrap();
    assert_eq!(told.len(), 1);
    assert!(s.tick(at(11)).unwrap().is_empty());
    assert_eq!(
        s.current_checkin().unwrap(),
        None,
        "nothing left to deliver"
    );
    assert_eq!(s.checkin_history().unwrap()[0].state, State::Cancelled);
    let to: Vec<String> = transitions_in_log(&v)
        .iter()
        .map(|p| p["to"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(to, ["planned", "active", "extended", "cancelled"]);
    // A new plan can start once the old one is closed.
    s.start_checkin(plan(b)).unwrap();
}

#[test]
fn duress_check_in_looks_normal_but_alerts_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock) = create(dir.path());
    let s = Safety::new(&v);
    let b = vec![
        add(&s, "Sam", "07700 900123"),
        add(&s, "Priya", "07700 900456"),
    ];
    s.start_checkin(plan(b)).unwrap();
    clock.set(at(5));
    assert_eq!(s.check_in_duress().unwrap(), State::CheckedIn);
    let view = s.current_checkin().unwrap().unwrap();
    assert_eq!(view.state, State::CheckedIn);
    let shown = serde_json::to_string(&view).unwrap();
    assert!(
        !shown.contains("silent") && !shown.contains("duress") && !shown.contains("urgent"),
        "{shown}"
    );
    let v = reopen(v, dir.path(), &clock);
    let events = Safety::new(&v).tick(at(5)).unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.text.contains("URGENT")));
    assert_eq!(
        transitions_in_log(&v).last().unwrap()["silent_alert"],
        true,
        "the evidence keeps the truth"
    );
}

#[test]
fn region_and_checklist_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock) = create(dir.path());
    let s = Safety::new(&v);
    assert_eq!(s.region().unwrap().emergency_number, "999");
    assert!(s.set_region("Narnia").is_err());
    s.set_region("au").unwrap();
    s.add_help_entry("Local IDVA service", "020 7946 0999", Some("Tuesdays"))
        .unwrap();
    assert!(
        s.add_help_entry("local idva service", "0800 000", None)
            .is_err(),
        "names are unique"
    );
    let e = s.checklist_done("change-passwords").unwrap();
    assert!(matches!(
        e.status,
        super::checklist::ItemStatus::Done { .. }
    ));
    let v = reopen(v, dir.path(), &clock);
    let s = Safety::new(&v);
    assert_eq!(s.region().unwrap().code, "AU");
    let mine = s.help_entries().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].dial, "02079460999");
    s.remove_help_entry("LOCAL IDVA SERVICE").unwrap();
    assert!(s.help_entries().unwrap().is_empty());
    assert!(matches!(
        s.remove_help_entry("x"),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(
        s.checklist_next_reminder().unwrap(),
        Some(t0() + Duration::days(90))
    );
    clock.set(t0() + Duration::days(91));
    let pw = s
        .checklist()
        .unwrap()
        .into_iter()
        .find(|e| e.item.id == "change-passwords")
        .unwrap();
    assert!(matches!(
        pw.status,
        super::checklist::ItemStatus::DueAgain { .. }
    ));
    s.checklist_undo("5").unwrap();
    let pw = s
        .checklist()
        .unwrap()
        .into_iter()
        .find(|e| e.item.id == "change-passwords")
        .unwrap();
    assert_eq!(pw.status, super::checklist::ItemStatus::NotDone);
}

#[test]
fn a_tick_during_a_timer_round_does_not_hand_out_the_same_event() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _clock) = create(dir.path());
    let v = Arc::new(v);
    let s = Safety::new(&v);
    let b = vec![
        add(&s, "Sam", "07700 900123"),
        add(&s, "Priya", "07700 900456"),
    ];
    s.start_checkin(plan(b)).unwrap();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let round = {
        let v = v.clone();
        std::thread::spawn(move || {
            let mut got = Vec::new();
            let all = Safety::new(&v)
                .deliver_due(at(200), &mut |e| {
                    let _ = started_tx.send(());
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    got.push(e.id.clone());
                    true
                })
                .unwrap();
            assert!(all);
            got
        })
    };
    started_rx.recv().unwrap(); // the round is under way
    let ticked: Vec<String> = Safety::new(&v)
        .tick(at(200))
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    let delivered = round.join().unwrap();
    assert_eq!(delivered.len(), 10);
    assert!(ticked.is_empty(), "{ticked:?}");

    // A sink that refuses stops the round; the refused event is offered again next time.
    let mut refused = None;
    let mut first = true;
    let mut seen = Vec::new();
    s.check_in().unwrap();
    let all = s
        .deliver_due(at(201), &mut |e| {
            if first {
                first = false;
                refused = Some(e.id.clone());
                return false;
            }
            seen.push(e.id.clone());
            true
        })
        .unwrap();
    assert!(!all && seen.is_empty());
    let again: Vec<String> = s.tick(at(201)).unwrap().into_iter().map(|e| e.id).collect();
    assert_eq!(again.len(), 2);
    assert!(again.contains(&refused.unwrap()));
}

#[test]
fn edit_contact_keeps_its_id_and_refuses_a_clash() {
    let tmp = tempfile::tempdir().unwrap();
    let (v, _) = create(tmp.path());
    let s = Safety::new(&v);
    let alex = add(&s, "Alex", "07700 900123");
    add(&s, "Sam", "07700 900456");
    let edited = s
        .edit_contact(
            "alex",
            NewContact {
                name: "Alex B".into(),
                phone: "07700 900999".into(),
                relationship: None,
                roles: vec![Role::Emergency],
                region: "GB".into(),
            },
        )
        .unwrap();
    assert_eq!(edited.id, alex.contact_id);
    assert_eq!(edited.phone.as_str(), "+447700900999");
    assert_eq!(s.contacts().unwrap().len(), 2);
    assert_eq!(s.find_contact("Alex B").unwrap(), edited);
    // Sam's number is Sam's.
    let clash = s.edit_contact(
        "Alex B",
        NewContact {
            name: "Alex B".into(),
            phone: "07700 900456".into(),
            roles: vec![Role::Buddy],
            region: "GB".into(),
            ..Default::default()
        },
    );
    assert!(matches!(clash, Err(Error::InvalidInput { field, .. }) if field == "phone"));
    assert!(matches!(
        s.edit_contact("nobody", NewContact::default()),
        Err(Error::NotFound { .. })
    ));
    // Only Sam is a buddy now: he is the default for a plan; naming Alex still works.
    let b = s.buddies(&[]).unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].name, "Sam");
    assert_eq!(
        s.buddies(&["Alex B".into()]).unwrap()[0].contact_id,
        alex.contact_id
    );
    s.remove_contact("Sam").unwrap();
    assert!(matches!(s.buddies(&[]), Err(Error::InvalidInput { .. })));
}
