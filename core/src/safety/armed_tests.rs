//! The armed check-in: deliveries and check-ins from a locked vault, the duress PIN, and
//! reconciliation with the real vault, across restarts, without duplicates.

use super::armed::ArmedCheckIn;
use super::checkin::{Buddy, CheckIn, Event, EventKind, Expect, Plan, State};
use super::contacts::{NewContact, Role};
use super::messages::Location;
use super::store::Safety;
use crate::clock::ManualClock;
use crate::log::IncidentLog;
use crate::vault::{CreateOptions, SoftwarePrfNoHardware, Vault, ARMED_FILE, ARMED_FILE_LEN};
use crate::Error;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

const PIN: &str = "246810";
const DURESS: &str = "135790";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap()
}
fn at(min: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(min)
}

fn prf() -> Arc<SoftwarePrfNoHardware> {
    Arc::new(SoftwarePrfNoHardware::default())
}

/// A vault with a duress PIN and two buddies; returns their snapshots for plans.
fn create(dir: &Path) -> (Vault, Arc<ManualClock>, Vec<Buddy>) {
    let clock = Arc::new(ManualClock::new(t0()));
    let (v, _) = Vault::create(dir, PIN, CreateOptions::for_tests(clock.clone())).unwrap();
    v.set_duress_secret(PIN, DURESS).unwrap();
    let s = Safety::new(&v);
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
    (v, clock, buddies)
}

fn plan(buddies: Vec<Buddy>) -> Plan {
    let mut p = Plan::new(
        "The library on Elm Road",
        Expect::WithinMinutes(30),
        buddies,
    );
    p.meeting = Some("Ruthven".into());
    p.share_location = true;
    p
}

fn unlocked(dir: &Path, clock: &Arc<ManualClock>) -> Vault {
    let v = Vault::open(dir, prf(), clock.clone()).unwrap();
    v.unlock(PIN).unwrap();
    v
}

fn armed(dir: &Path, clock: &Arc<ManualClock>) -> ArmedCheckIn {
    ArmedCheckIn::open(dir, prf(), clock.clone()).unwrap()
}

/// The event's key inside its check-in ("alert/b0"), to compare runs with different ids.
fn key(e: &Event) -> String {
    e.id.split_once('/').map(|(_, k)| k.to_string()).unwrap()
}

fn kinds(events: &[Event]) -> Vec<EventKind> {
    events.iter().map(|e| e.kind).collect()
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

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn reminders_and_alerts_fire_from_a_locked_vault_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock, buddies) = create(dir.path());
    let s = Safety::new(&v);
    s.start_checkin(plan(buddies)).unwrap();
    assert_eq!(kinds(&s.tick(at(0)).unwrap()), [EventKind::Plan; 2]);
    drop(v); // the app is killed; the vault stays locked from here on

    let a = armed(dir.path(), &clock);
    assert_eq!(a.next_wake().unwrap(), Some(at(20)));
    assert!(a.tick(at(19)).unwrap().is_empty());
    let e = a.tick(at(20)).unwrap();
    assert_eq!(kinds(&e), [EventKind::Reminder]);
    assert!(a.tick(at(20)).unwrap().is_empty(), "never twice");
    drop(a);

    // A restart: a fresh handle, still no PIN.
    let a = armed(dir.path(), &clock);
    assert_eq!(a.next_wake().unwrap(), Some(at(30)));
    assert_eq!(kinds(&a.tick(at(30)).unwrap()), [EventKind::Reminder]);
    let e = a.tick(at(45)).unwrap();
    assert_eq!(kinds(&e), [EventKind::Missed, EventKind::Alert]);
    assert!(e[1].text.contains("Elm Road"), "{}", e[1].text);
    assert!(matches!(&e[1].to, super::checkin::Recipient::Buddy { name, .. } if name == "Samwise"));
    let a = armed(dir.path(), &clock);
    assert_eq!(kinds(&a.tick(at(55)).unwrap()), [EventKind::Alert]);
    assert_eq!(
        kinds(&a.tick(at(65)).unwrap()),
        [EventKind::Call999Prompt; 3]
    );
    assert_eq!(a.next_wake().unwrap(), None);

    // The real vault learns all of it when next unlocked, and delivers none of it again.
    clock.set(at(70));
    let v = unlocked(dir.path(), &clock);
    let s = Safety::new(&v);
    assert_eq!(
        s.current_checkin().unwrap().unwrap().state,
        State::Escalated
    );
    let states: Vec<String> = transitions_in_log(&v)
        .iter()
        .map(|p| p["to"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states, ["planned", "active", "missed", "escalated"]);
    let logged = transitions_in_log(&v);
    assert_eq!(
        logged[2]["at"],
        serde_json::json!(at(30)),
        "stamped when it happened"
    );
    assert!(s.tick(at(70)).unwrap().is_empty());
    assert_eq!(s.next_wake().unwrap(), None);
    IncidentLog::new(&v).verify().unwrap();
}

/// A simple deterministic generator, so the interleavings are varied but reproducible.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn locked_and_unlocked_ticks_and_restarts_interleaved_deliver_everything_once() {
    for seed in 0..16u64 {
        let mut rng = Lcg(seed);
        let dir = tempfile::tempdir().unwrap();
        let (v, clock, buddies) = create(dir.path());
        Safety::new(&v)
            .start_checkin(plan(buddies.clone()))
            .unwrap();
        let mut model = CheckIn::new("model", plan(buddies), t0()).unwrap();
        model.start(t0()).unwrap();
        // Some runs check in while locked, some while unlocked, some never.
        let check_in_at = match seed % 3 {
            0 => None,
            _ => Some(rng.next(100) as i64),
        };
        let mut got: Vec<Event> = Vec::new();
        let mut expected: Vec<Event> = Vec::new();
        let mut vault = Some(v);
        let mut checked_in = false;
        let mut minute = 0;
        while minute <= 130 {
            clock.set(at(minute));
            if let (Some(c), false) = (check_in_at, checked_in) {
                if minute >= c {
                    if seed % 2 == 0 {
                        let receipt = armed(dir.path(), &clock).check_in_with_texts(PIN).unwrap();
                        got.extend(receipt.events);
                    } else {
                        let v = vault.get_or_insert_with(|| unlocked(dir.path(), &clock));
                        Safety::new(v).check_in().unwrap();
                    }
                    model.check_in(at(minute)).unwrap();
                    checked_in = true;
                }
            }
            // The model is woken exactly when one of the two paths is.
            match rng.next(6) {
                0 => {
                    got.extend(armed(dir.path(), &clock).tick(at(minute)).unwrap());
                    expected.extend(model.tick(at(minute)));
                }
                1 => {
                    let v = vault.get_or_insert_with(|| unlocked(dir.path(), &clock));
                    got.extend(Safety::new(v).tick(at(minute)).unwrap());
                    expected.extend(model.tick(at(minute)));
                }
                2 => vault = None, // the app is killed: locked again
                3 => {
                    let m = 5 + rng.next(15) as u32;
                    let v = vault.get_or_insert_with(|| unlocked(dir.path(), &clock));
                    let real = Safety::new(v).extend(m).ok();
                    assert_eq!(real, model.extend(m, at(minute)).ok(), "seed {seed}");
                }
                4 => {
                    let here = Location {
                        lat: 51.5 + minute as f64 / 1000.0,
                        lon: -0.12,
                        accuracy_m: None,
                        at: at(minute),
                    };
                    let v = vault.get_or_insert_with(|| unlocked(dir.path(), &clock));
                    // Once finished the store has no current plan (an error), the model
                    // ignores it (false): the same outcome.
                    let real = Safety::new(v).record_location(here.clone());
                    let modelled = model.record_location(here);
                    assert_eq!(
                        real.unwrap_or(false),
                        modelled.unwrap_or(false),
                        "seed {seed}"
                    );
                }
                _ => {
                    let v = vault.get_or_insert_with(|| unlocked(dir.path(), &clock));
                    let _ = Safety::new(v).next_wake().unwrap();
                }
            }
            minute += 1 + rng.next(9) as i64;
        }
        let end = at(24 * 60);
        clock.set(end);
        got.extend(armed(dir.path(), &clock).tick(end).unwrap());
        let v = vault.unwrap_or_else(|| unlocked(dir.path(), &clock));
        got.extend(Safety::new(&v).tick(end).unwrap());
        expected.extend(model.tick(end));

        let ids: HashSet<&str> = got.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), got.len(), "seed {seed}: an event went out twice");
        let got: BTreeMap<String, String> = got.iter().map(|e| (key(e), e.text.clone())).collect();
        let expected: BTreeMap<String, String> =
            expected.iter().map(|e| (key(e), e.text.clone())).collect();
        assert_eq!(got, expected, "seed {seed}: lost or different events");
        let s = Safety::new(&v);
        assert_eq!(s.next_wake().unwrap(), None, "seed {seed}");
        let current = s.current_checkin().unwrap().map(|c| c.state);
        let open = check_in_at.is_none().then_some(State::Escalated);
        assert_eq!(current, open, "seed {seed}");
        let history = s.checkin_history().unwrap();
        assert_eq!(history[0].state, model.state(), "seed {seed}");
        let logged: Vec<String> = transitions_in_log(&v)
            .iter()
            .map(|p| p["to"].as_str().unwrap().to_string())
            .collect();
        let modelled: Vec<String> = model
            .transitions()
            .iter()
            .map(|t| t.to.as_str().to_string())
            .collect();
        assert_eq!(
            logged, modelled,
            "seed {seed}: every transition is in the log"
        );
        IncidentLog::new(&v).verify().unwrap();
    }
}

#[test]
fn duress_check_in_while_locked_looks_normal_and_alerts_every_buddy() {
    let tmp = tempfile::tempdir().unwrap();
    let honest_dir = tmp.path().join("honest");
    let duress_dir = tmp.path().join("duress");
    let (v, clock, buddies) = create(&honest_dir);
    let s = Safety::new(&v);
    s.start_checkin(plan(buddies)).unwrap();
    s.tick(at(0)).unwrap();
    s.record_location(Location {
        lat: 51.5074,
        lon: -0.1278,
        accuracy_m: Some(20.0),
        at: at(5),
    })
    .unwrap();
    drop(v);
    // Two identical phones: one checks in with the PIN, the other with the duress PIN.
    copy_dir(&honest_dir, &duress_dir);
    clock.set(at(25));
    let honest = armed(&honest_dir, &clock).check_in_with_texts(PIN).unwrap();
    let coerced = armed(&duress_dir, &clock)
        .check_in_with_texts(DURESS)
        .unwrap();
    assert_eq!(honest, coerced, "the screen cannot tell them apart");
    assert_eq!(honest.state, State::CheckedIn);
    assert_eq!(kinds(&honest.events), [EventKind::AllClear; 2]);
    for d in [&honest_dir, &duress_dir] {
        let len = std::fs::metadata(d.join(ARMED_FILE)).unwrap().len();
        assert_eq!(len as usize, ARMED_FILE_LEN);
    }

    // The honest phone has nothing left; the coerced one sends an urgent alert to everyone.
    assert!(armed(&honest_dir, &clock).tick(at(25)).unwrap().is_empty());
    let a = armed(&duress_dir, &clock);
    assert_eq!(a.next_wake().unwrap(), Some(at(25)), "due at once");
    let urgent = a.tick(at(25)).unwrap();
    assert_eq!(kinds(&urgent), [EventKind::Alert; 2]);
    for e in &urgent {
        assert!(
            e.text.contains("URGENT") && e.text.contains("999"),
            "{}",
            e.text
        );
        assert!(e.text.contains("Elm Road"), "{}", e.text);
    }
    let to: Vec<String> = urgent
        .iter()
        .map(|e| match &e.to {
            super::checkin::Recipient::Buddy { name, .. } => name.clone(),
            _ => "you".into(),
        })
        .collect();
    assert_eq!(to, ["Samwise", "Priyanka"]);
    assert!(a.tick(at(90)).unwrap().is_empty(), "no alert ladder after");

    // The real vault records the duress check-in as evidence and sends nothing twice.
    let v = unlocked(&duress_dir, &clock);
    let s = Safety::new(&v);
    assert!(s.tick(at(90)).unwrap().is_empty());
    assert_eq!(s.checkin_history().unwrap()[0].state, State::CheckedIn);
    let last = transitions_in_log(&v).pop().unwrap();
    assert_eq!(last["to"], "checked-in");
    assert_eq!(last["silent_alert"], true);
    assert_eq!(last["at"], serde_json::json!(at(25)));
    let v = unlocked(&honest_dir, &clock);
    Safety::new(&v).reconcile_armed().unwrap();
    let last = transitions_in_log(&v).pop().unwrap();
    assert_eq!(last["to"], "checked-in");
    assert!(last.get("silent_alert").is_none());

    // With nothing running both secrets give the same answer too.
    let e1 = armed(&honest_dir, &clock).check_in(PIN).unwrap_err();
    let e2 = armed(&duress_dir, &clock).check_in(DURESS).unwrap_err();
    assert_eq!(e1.to_string(), e2.to_string());
}

#[test]
fn duress_check_in_after_escalation_resolves_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock, buddies) = create(dir.path());
    Safety::new(&v).start_checkin(plan(buddies)).unwrap();
    drop(v);
    let a = armed(dir.path(), &clock);
    a.tick(at(50)).unwrap();
    clock.set(at(50));
    // The phone shell's path: nothing handed out by the check-in itself.
    assert_eq!(a.check_in(DURESS).unwrap(), State::Resolved);
    let urgent = a.tick(at(50)).unwrap();
    assert_eq!(kinds(&urgent), [EventKind::Alert; 2]);
    assert!(urgent.iter().all(|e| e.text.contains("URGENT")));
}

#[test]
fn the_decoy_never_overwrites_the_real_plan_and_still_drives_it() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock, buddies) = create(dir.path());
    Safety::new(&v).start_checkin(plan(buddies)).unwrap();
    Safety::new(&v).tick(at(0)).unwrap();
    drop(v);
    let before = std::fs::read(dir.path().join(ARMED_FILE)).unwrap();
    let decoy = Vault::open(dir.path(), prf(), clock.clone()).unwrap();
    decoy.unlock(DURESS).unwrap();
    let s = Safety::new(&decoy);
    assert_eq!(
        s.current_checkin().unwrap(),
        None,
        "the decoy shows no plan"
    );
    let decoy_buddy = s
        .add_contact(NewContact {
            name: "Alex".into(),
            phone: "07700 900777".into(),
            relationship: None,
            roles: vec![Role::Buddy],
            region: "GB".into(),
        })
        .unwrap();
    s.start_checkin(Plan::new(
        "Work",
        Expect::WithinMinutes(60),
        vec![Buddy {
            contact_id: decoy_buddy.id,
            name: decoy_buddy.name,
            phone: decoy_buddy.phone.to_string(),
        }],
    ))
    .unwrap();
    s.cancel().unwrap();
    assert_eq!(
        std::fs::read(dir.path().join(ARMED_FILE)).unwrap(),
        before,
        "the decoy did not touch the armed file"
    );
    // The real plan's deadline still reminds and alerts while the decoy is open.
    assert_eq!(
        s.next_wake().unwrap(),
        Some(at(20)),
        "the real plan's reminder"
    );
    let e = s.tick(at(45)).unwrap();
    assert!(e[3].text.contains("Elm Road"), "the real plan's alert");
    assert_eq!(
        kinds(&e),
        [
            EventKind::Reminder,
            EventKind::Reminder,
            EventKind::Missed,
            EventKind::Alert
        ]
    );
    drop(decoy);
    clock.set(at(46));
    let v = unlocked(dir.path(), &clock);
    let s = Safety::new(&v);
    assert!(s.tick(at(46)).unwrap().is_empty(), "delivered once");
    assert_eq!(
        s.current_checkin().unwrap().unwrap().state,
        State::Escalated
    );
}

#[test]
fn an_extension_made_unlocked_moves_the_locked_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock, buddies) = create(dir.path());
    let s = Safety::new(&v);
    s.start_checkin(plan(buddies)).unwrap();
    s.tick(at(0)).unwrap();
    clock.set(at(25));
    assert_eq!(s.extend(30).unwrap(), at(60));
    drop(v);
    let a = armed(dir.path(), &clock);
    assert_eq!(kinds(&a.tick(at(25)).unwrap()), [EventKind::Update; 2]);
    assert!(
        a.tick(at(45)).unwrap().is_empty(),
        "the old deadline is gone"
    );
    assert_eq!(a.next_wake().unwrap(), Some(at(50)));
    assert_eq!(kinds(&a.tick(at(60)).unwrap()), [EventKind::Reminder; 2]);
}

#[test]
fn the_armed_file_keeps_its_size_and_shows_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock, buddies) = create(dir.path());
    let file = dir.path().join(ARMED_FILE);
    let size = || std::fs::metadata(&file).unwrap().len() as usize;
    assert_eq!(size(), ARMED_FILE_LEN, "exists, full size, from creation");
    let idle = std::fs::read(&file).unwrap();
    let s = Safety::new(&v);
    s.start_checkin(plan(buddies)).unwrap();
    s.record_location(Location {
        lat: 51.50741,
        lon: -0.12782,
        accuracy_m: None,
        at: at(1),
    })
    .unwrap();
    assert_eq!(size(), ARMED_FILE_LEN);
    assert_ne!(std::fs::read(&file).unwrap(), idle);
    let armed_bytes = std::fs::read(&file).unwrap();
    drop(v);
    armed(dir.path(), &clock).tick(at(50)).unwrap();
    assert_eq!(size(), ARMED_FILE_LEN);
    // Each at least 6 bytes: random ciphertext holds a given 3-byte string by chance (the buddy
    // was once "Sam", found in an encrypted database about once in twenty runs).
    let secrets = [
        "Samwise",
        "Priyanka",
        "447700900123",
        "7700 900456",
        "Elm Road",
        "Ruthven",
        "51.5074",
        "0.1278",
        "URGENT",
        "reminder",
    ];
    for bytes in [&armed_bytes, &std::fs::read(&file).unwrap()] {
        for needle in secrets {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} in the armed file"
            );
        }
    }
    // Nor anywhere else in the folder (the lock file is empty).
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            for needle in secrets {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{needle} in {}",
                    p.display()
                );
            }
        }
    }
}

#[test]
fn a_copied_folder_cannot_be_read_with_another_device_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("phone");
    let (v, clock, buddies) = create(&dir);
    Safety::new(&v).start_checkin(plan(buddies)).unwrap();
    drop(v);
    let copy = tmp.path().join("copy");
    copy_dir(&dir, &copy);
    let elsewhere = ArmedCheckIn::open(
        &copy,
        Arc::new(SoftwarePrfNoHardware::new(b"a different phone")),
        clock.clone(),
    )
    .unwrap();
    for err in [
        elsewhere.tick(at(60)).unwrap_err(),
        elsewhere.next_wake().unwrap_err(),
    ] {
        assert!(matches!(err, Error::Integrity { .. }), "{err}");
        let text = err.to_string();
        assert!(!text.contains("Elm") && !text.contains("Samwise"), "{text}");
    }
    // The original device still can.
    assert!(!armed(&dir, &clock).tick(at(60)).unwrap().is_empty());
}

#[test]
fn a_wrong_secret_counts_and_backs_off_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock, buddies) = create(dir.path());
    Safety::new(&v).start_checkin(plan(buddies)).unwrap();
    Safety::new(&v).tick(at(0)).unwrap();
    drop(v);
    let a = armed(dir.path(), &clock);
    for i in 1..=crate::vault::FREE_ATTEMPTS {
        match a.check_in_with_texts("000000") {
            Err(Error::WrongSecret { retry_after }) => {
                assert_eq!(retry_after.is_some(), i == crate::vault::FREE_ATTEMPTS)
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(
        matches!(a.check_in(PIN), Err(Error::LockedOut { .. })),
        "even the right PIN waits"
    );
    assert!(matches!(a.check_in(DURESS), Err(Error::LockedOut { .. })));
    // Meanwhile the plan is untouched and keeps running.
    assert_eq!(a.next_wake().unwrap(), Some(at(20)));
    clock.set(at(1));
    assert_eq!(a.check_in(PIN).unwrap(), State::CheckedIn);
    let v = unlocked(dir.path(), &clock);
    assert_eq!(v.status().unwrap().failed_attempts, 0);
}

#[test]
fn a_vault_from_before_armed_files_starts_arming_on_first_use() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock, buddies) = create(dir.path());
    drop(v);
    std::fs::remove_file(dir.path().join(ARMED_FILE)).unwrap();
    let a = armed(dir.path(), &clock);
    assert_eq!(a.next_wake().unwrap(), None);
    assert!(a.tick(at(0)).unwrap().is_empty());
    let v = unlocked(dir.path(), &clock);
    Safety::new(&v).start_checkin(plan(buddies)).unwrap();
    assert_eq!(
        std::fs::metadata(dir.path().join(ARMED_FILE))
            .unwrap()
            .len() as usize,
        ARMED_FILE_LEN
    );
    assert_eq!(kinds(&a.tick(at(0)).unwrap()), [EventKind::Plan; 2]);
    Safety::new(&v).reconcile_armed().unwrap();
    drop(v);

    // A plan started before the upgrade is not armed yet; checking in still works.
    std::fs::remove_file(dir.path().join(ARMED_FILE)).unwrap();
    let other = tempfile::tempdir().unwrap();
    let coerced = other.path().join("coerced");
    copy_dir(dir.path(), &coerced);
    clock.set(at(10));
    let receipt = a.check_in_with_texts(PIN).unwrap();
    assert_eq!(receipt.state, State::CheckedIn);
    assert_eq!(kinds(&receipt.events), [EventKind::AllClear; 2]);
    assert!(
        a.tick(at(10)).unwrap().is_empty(),
        "given out once, re-armed"
    );
    // The duress PIN opens the decoy there, which has no plan: "nothing running".
    let e = armed(&coerced, &clock).check_in(DURESS).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e}");
    let finished = a.check_in(PIN).unwrap_err();
    assert_eq!(e.to_string(), finished.to_string(), "the same answer");
}

#[test]
fn a_damaged_armed_file_never_stops_the_real_vault() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock, buddies) = create(dir.path());
    drop(v);
    std::fs::write(dir.path().join(ARMED_FILE), vec![0u8; ARMED_FILE_LEN]).unwrap();
    assert!(armed(dir.path(), &clock).tick(at(0)).is_err());
    let v = unlocked(dir.path(), &clock);
    Safety::new(&v).start_checkin(plan(buddies)).unwrap();
    drop(v);
    assert_eq!(
        kinds(&armed(dir.path(), &clock).tick(at(0)).unwrap()),
        [EventKind::Plan; 2],
        "re-armed from the vault"
    );
    // Damaged while a plan runs: checking in with the PIN still closes it and tells buddies
    // (those the vault knows got the plan: deliveries not yet folded in are lost with the file).
    Safety::new(&unlocked(dir.path(), &clock))
        .reconcile_armed()
        .unwrap();
    std::fs::write(dir.path().join(ARMED_FILE), vec![1u8; ARMED_FILE_LEN]).unwrap();
    clock.set(at(5));
    let receipt = armed(dir.path(), &clock).check_in_with_texts(PIN).unwrap();
    assert_eq!(receipt.state, State::CheckedIn);
    assert_eq!(kinds(&receipt.events), [EventKind::AllClear; 2]);
    assert!(armed(dir.path(), &clock).tick(at(90)).unwrap().is_empty());
}

/// Wall-clock time that follows tokio's paused test clock.
struct TokioClock {
    base: DateTime<Utc>,
    start: tokio::time::Instant,
}
impl crate::clock::Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        self.base + Duration::from_std(self.start.elapsed()).unwrap_or_default()
    }
}

struct Collect(std::sync::Mutex<Vec<Event>>);
impl super::timer::EventSink for Collect {
    fn deliver(&self, event: &Event) -> crate::Result<()> {
        self.0.lock().unwrap().push(event.clone());
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn the_in_process_timer_keeps_alerting_after_the_vault_is_locked() {
    use super::store::VaultCheckIns;
    use super::timer::CheckInTimer;
    let clock = Arc::new(TokioClock {
        base: t0(),
        start: tokio::time::Instant::now(),
    });
    let dir = tempfile::tempdir().unwrap();
    let (first, _, buddies) = create(dir.path());
    drop(first);
    let v = Arc::new(Vault::open(dir.path(), prf(), clock.clone()).unwrap());
    v.unlock(PIN).unwrap();
    Safety::new(&v).start_checkin(plan(buddies)).unwrap();
    let sink = Arc::new(Collect(std::sync::Mutex::new(Vec::new())));
    let _timer = CheckInTimer::spawn(
        &tokio::runtime::Handle::current(),
        Arc::new(VaultCheckIns(v.clone())),
        sink.clone(),
        clock.clone(),
    );
    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    assert_eq!(kinds(&sink.0.lock().unwrap()), [EventKind::Plan; 2]);
    v.lock(); // the person locks the app; the process lives on
    tokio::time::sleep(std::time::Duration::from_secs(3 * 3600)).await;
    let got = sink.0.lock().unwrap().clone();
    assert_eq!(got.len(), 10, "{:?}", kinds(&got));
    let ids: HashSet<&str> = got.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), got.len());
    v.unlock(PIN).unwrap();
    assert!(Safety::new(&v).tick(v.now()).unwrap().is_empty());
    assert_eq!(
        Safety::new(&v).current_checkin().unwrap().unwrap().state,
        State::Escalated
    );
    drop(v);
}

#[test]
fn the_largest_check_ins_fit_the_fixed_size_several_times_over() {
    // Every text field at its limit, in 4-byte characters; five buddies; many extensions.
    let wide = |n: usize| "🚌".repeat(n);
    let buddies: Vec<Buddy> = (0..5)
        .map(|i| Buddy {
            contact_id: format!("{i:032}"),
            name: wide(80),
            phone: format!("+4477009001{i:02}"),
        })
        .collect();
    let mut p = Plan::new(&wide(200), Expect::WithinMinutes(60), buddies);
    p.meeting = Some(wide(100));
    p.route = Some(wide(300));
    p.route_ref = Some(wide(100));
    p.if_missed = wide(300);
    p.share_location = true;
    let mut c = CheckIn::new("a".repeat(64), p, t0()).unwrap();
    c.start(t0()).unwrap();
    for i in 0..200 {
        c.extend(1, at(i)).unwrap();
        c.tick(at(i));
    }
    c.record_location(Location {
        lat: -33.123456789,
        lon: 151.123456789,
        accuracy_m: Some(12345.678),
        at: at(200),
    })
    .unwrap();
    let all: Vec<CheckIn> = std::iter::repeat_n(c, 6).collect();
    let size = super::armed::payload(&all).unwrap().len();
    assert!(
        size < crate::vault::ARMED_CAPACITY,
        "{size} bytes for six worst-case check-ins"
    );
}

#[test]
fn concurrent_locked_and_unlocked_ticks_never_hand_out_an_event_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (v, clock, buddies) = create(dir.path());
    Safety::new(&v).start_checkin(plan(buddies)).unwrap();
    drop(v);
    let got = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for worker in 0..4 {
            let (dir, clock, got) = (dir.path(), &clock, &got);
            scope.spawn(move || {
                // Two workers are shells woken without the PIN, two are the open app.
                let vault = (worker % 2 == 1).then(|| unlocked(dir, clock));
                let armed = armed(dir, clock);
                for minute in (0..=90).step_by(3) {
                    let events = match &vault {
                        Some(v) => Safety::new(v).tick(at(minute)).unwrap(),
                        None => armed.tick(at(minute)).unwrap(),
                    };
                    got.lock().unwrap().extend(events);
                }
            });
        }
    });
    let got = got.into_inner().unwrap();
    let ids: HashSet<&str> = got.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), got.len(), "an event went out twice");
    assert_eq!(got.len(), 10, "{:?}", kinds(&got));
}
