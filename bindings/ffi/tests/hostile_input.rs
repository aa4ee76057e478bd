//! Every FFI entry point driven with hostile input from a shell: each must return a typed error
//! (never panic, never change anything). A panic here fails the test with the entry point's name.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use waymark_ffi::*;

/// Runs `f`, failing the test (with `what`) if it panics.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => panic!("{what} panicked on hostile input"),
    }
}

fn assert_invalid<T: std::fmt::Debug>(what: &str, r: Result<T, WaymarkError>) {
    match r {
        Err(WaymarkError::InvalidInput { .. }) => {}
        other => panic!("{what}: expected InvalidInput, got {other:?}"),
    }
}

fn assert_err<T: std::fmt::Debug>(what: &str, r: Result<T, WaymarkError>) -> WaymarkError {
    match r {
        Err(e) => e,
        Ok(v) => panic!("{what}: expected an error, got {v:?}"),
    }
}

/// A PRF that breaks every rule: wrong length, or an error.
struct BadPrf(Result<usize, ()>);
impl HardwarePrf for BadPrf {
    fn evaluate(&self, _input: Vec<u8>) -> Result<Vec<u8>, WaymarkError> {
        match self.0 {
            Ok(len) => Ok(vec![7; len]),
            Err(()) => Err(WaymarkError::Platform {
                reason: "keystore gone".into(),
            }),
        }
    }
}

/// A clock that fails or answers nonsense.
struct BadClock(Option<SystemTime>);
impl WallClock for BadClock {
    fn now(&self) -> Result<SystemTime, WaymarkError> {
        self.0.ok_or(WaymarkError::Platform {
            reason: "no time".into(),
        })
    }
}

fn far_future() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1 << 60)
}
fn far_past() -> SystemTime {
    UNIX_EPOCH - Duration::from_secs(1 << 60)
}

fn incident(description: &str) -> NewIncident {
    NewIncident {
        kind: IncidentKind::Followed,
        occurred_at: UNIX_EPOCH + Duration::from_secs(1_770_000_000),
        occurred_until: None,
        description: description.into(),
        place: None,
        witnesses: vec![],
        feeling: None,
        police_ref: None,
        tags: vec![],
        attributed_to: None,
        contact_via: None,
    }
}

#[test]
fn vault_creation_and_opening_reject_hostile_input() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let fast = KeyDerivation::MinimalForTestsOnly;
    let prf = || -> Arc<dyn HardwarePrf> { TestPrf::new() };

    for bad_dir in [String::new(), "a\0b".to_string()] {
        assert_invalid(
            "create_vault(bad dir)",
            no_panic("create_vault", || {
                create_vault(bad_dir.clone(), PIN.into(), prf(), fast, None)
            }),
        );
        assert_invalid(
            "Vault::open(bad dir)",
            no_panic("open", || Vault::open(bad_dir.clone(), prf(), None)).map(|_| ()),
        );
        assert!(!no_panic("vault_exists", || vault_exists(bad_dir.clone())));
    }
    // A file where the folder should be.
    let file = dir("a-file");
    std::fs::write(&file, b"x").expect("write");
    assert_invalid(
        "create over a file",
        create_vault(file, PIN.into(), prf(), fast, None),
    );

    for bad_secret in ["", "\0\0\0\0\0\0", "12"] {
        assert_invalid(
            "create_vault(bad secret)",
            no_panic("create_vault", || {
                create_vault(dir("v1"), bad_secret.into(), prf(), fast, None)
            }),
        );
    }
    let huge = "9".repeat(1 << 20);
    let e = assert_err(
        "create_vault(1 MiB secret)",
        no_panic("create_vault", || {
            create_vault(dir("v2"), huge.clone(), prf(), fast, None)
        }),
    );
    assert!(matches!(e, WaymarkError::InvalidInput { .. }), "{e:?}");

    for target_ms in [0, 1, u32::MAX] {
        assert_invalid(
            "calibration target",
            create_vault(
                dir("v3"),
                PIN.into(),
                prf(),
                KeyDerivation::Calibrated { target_ms },
                None,
            ),
        );
    }
    // A PRF answering the wrong length, or failing, is an error, and leaves no vault behind
    // that a later attempt would trip over.
    for bad in [Ok(0), Ok(31), Ok(64), Err(())] {
        let e = assert_err(
            "create_vault(bad PRF)",
            no_panic("create_vault", || {
                create_vault(dir("v4"), PIN.into(), Arc::new(BadPrf(bad)), fast, None)
            }),
        );
        assert!(
            matches!(
                e,
                WaymarkError::InvalidInput { .. } | WaymarkError::Storage { .. }
            ),
            "{e:?}"
        );
    }
    assert!(!vault_exists(dir("v4")));
    let e = assert_err(
        "open(no vault)",
        Vault::open(dir("nothing-here"), prf(), None).map(|_| ()),
    );
    assert!(matches!(e, WaymarkError::NotFound { .. }), "{e:?}");
}

#[test]
fn vault_methods_reject_hostile_input() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let clock = TestClock::new();
    let created = new_vault(tmp.path(), clock.clone());
    let vault = created.vault;

    for bad in ["", "\0", "x".repeat(100_000).as_str()] {
        assert!(no_panic("change_secret", || vault
            .change_secret(PIN.into(), bad.into()))
        .is_err());
        assert!(no_panic("recover", || vault.recover(bad.into(), "556677".into())).is_err());
        assert!(no_panic("recover", || vault
            .recover(created.recovery_code.clone(), bad.into()))
        .is_err());
        assert!(no_panic("set_duress_secret", || vault
            .set_duress_secret(PIN.into(), bad.into()))
        .is_err());
    }
    assert_invalid(
        "duress same as PIN",
        vault.set_duress_secret(PIN.into(), PIN.into()),
    );
    // Wrong PIN: typed, with a retry time once the free attempts are used up.
    vault.lock();
    let mut saw_retry_time = false;
    for _ in 0..8 {
        match no_panic("unlock", || vault.unlock("000000".into())) {
            Err(WaymarkError::WrongSecret { retry_after }) => {
                saw_retry_time |= retry_after.is_some()
            }
            Err(WaymarkError::LockedOut { until }) => {
                assert!(until > clock.now());
                saw_retry_time = true;
            }
            other => panic!("wrong PIN gave {other:?}"),
        }
    }
    assert!(saw_retry_time, "repeated wrong PINs must say when to retry");
    let status = vault.status().expect("status");
    assert!(status.failed_attempts >= 5 && !status.unlocked);
    // The right PIN still works after waiting.
    clock.advance(Duration::from_secs(2 * 3600));
    vault.unlock(PIN.into()).expect("unlock after back-off");
}

#[test]
fn a_failing_or_absurd_platform_clock_does_not_break_writes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let clock = TestClock::new();
    let created = new_vault(tmp.path(), clock);
    drop(created);
    let path = tmp.path().join("vault").to_string_lossy().into_owned();
    for bad in [None, Some(far_future()), Some(far_past())] {
        let vault = no_panic("open", || {
            Vault::open(path.clone(), TestPrf::new(), Some(Arc::new(BadClock(bad))))
        })
        .expect("open");
        // Unlock and log fall back to the system clock instead of failing or panicking.
        no_panic("unlock", || vault.unlock(PIN.into())).expect("unlock");
        let log = vault.clone().incident_log();
        let mut i = incident("noted with a broken clock");
        i.occurred_at = SystemTime::now() - Duration::from_secs(60);
        no_panic("record", || log.record(i)).expect("record");
    }
}

#[test]
fn incident_log_rejects_hostile_input_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let log = created.vault.clone().incident_log();
    let kept = log
        .record(incident("the one real incident"))
        .expect("record");

    let mut hostile: Vec<(&str, NewIncident)> = vec![
        ("empty description", incident("")),
        ("blank description", incident(" \n\t ")),
        ("NUL in description", incident("a\0b")),
        ("huge description", incident(&"é".repeat(200_000))),
    ];
    let mut i = incident("far future");
    i.occurred_at = far_future();
    hostile.push(("far future time", i));
    let mut i = incident("far past");
    i.occurred_at = far_past();
    hostile.push(("far past time", i));
    let mut i = incident("end before start");
    i.occurred_until = Some(UNIX_EPOCH);
    hostile.push(("end before start", i));
    for f in [0u8, 6, 255] {
        let mut i = incident("feeling");
        i.feeling = Some(f);
        hostile.push(("feeling out of range", i));
    }
    for (lat, lon) in [
        (f64::NAN, 0.0),
        (0.0, f64::INFINITY),
        (91.0, 0.0),
        (0.0, -180.5),
    ] {
        let mut i = incident("bad place");
        i.place = Some(Place {
            label: None,
            lat: Some(lat),
            lon: Some(lon),
            accuracy_m: None,
        });
        hostile.push(("bad coordinates", i));
    }
    let mut i = incident("half a place");
    i.place = Some(Place {
        label: None,
        lat: Some(51.5),
        lon: None,
        accuracy_m: None,
    });
    hostile.push(("latitude without longitude", i));
    let mut i = incident("bad accuracy");
    i.place = Some(Place {
        label: None,
        lat: Some(51.5),
        lon: Some(0.1),
        accuracy_m: Some(f64::NAN),
    });
    hostile.push(("NaN accuracy", i));
    let mut i = incident("many witnesses");
    i.witnesses = vec!["x".repeat(10_000); 1000];
    hostile.push(("oversized witnesses", i));

    for (what, bad) in hostile {
        let r = no_panic(what, || log.record(bad));
        assert_invalid(what, r);
    }

    // Ids: unknown, empty, SQL wildcards, absurdly long, control characters.
    for id in [
        "",
        "%",
        "_",
        "' OR 1=1 --",
        "\0",
        "ffffffffffffffffffffffffffffffff",
        &"a".repeat(100_000),
    ] {
        let e = assert_err("get", no_panic("get", || log.get(id.into())));
        assert!(
            matches!(
                e,
                WaymarkError::NotFound { .. } | WaymarkError::InvalidInput { .. }
            ),
            "get({id:?}): {e:?}"
        );
        let changes = IncidentChanges {
            description: Some("changed".into()),
            ..Default::default()
        };
        assert!(
            no_panic("amend", || log.amend(id.into(), changes, None)).is_err(),
            "amend({id:?})"
        );
        assert!(
            no_panic("redact", || log.redact(id.into(), None)).is_err(),
            "redact({id:?})"
        );
    }
    assert_invalid(
        "empty amendment",
        log.amend(kept.id.clone(), IncidentChanges::default(), None),
    );
    let end_only = IncidentChanges {
        occurred_until: Some(UNIX_EPOCH),
        ..Default::default()
    };
    assert_invalid(
        "end without start",
        log.amend(kept.id.clone(), end_only, None),
    );
    let nonsense = IncidentChanges {
        feeling: Some(9),
        ..Default::default()
    };
    assert_invalid(
        "amend to a bad feeling",
        log.amend(kept.id.clone(), nonsense, None),
    );
    let huge_reason = IncidentChanges {
        description: Some("ok".into()),
        ..Default::default()
    };
    assert_invalid(
        "huge reason",
        log.amend(kept.id.clone(), huge_reason, Some("r".repeat(5000))),
    );

    // Full-text search syntax and odd text are plain words, never an FTS error or a panic.
    for q in [
        "\"", "*", "NEAR(", "a OR", "-", "\0", "", "   ", "((((", "col:val", "😀", "^",
    ] {
        match no_panic("search", || log.search(q.into())) {
            Ok(_) | Err(WaymarkError::InvalidInput { .. }) => {}
            Err(e) => panic!("search({q:?}) gave {e:?}"),
        }
    }
    for filter in [
        ListFilter {
            limit: Some(0),
            ..Default::default()
        },
        ListFilter {
            limit: Some(u32::MAX),
            ..Default::default()
        },
        ListFilter {
            from: Some(far_future()),
            ..Default::default()
        },
        ListFilter {
            to: Some(far_past()),
            ..Default::default()
        },
        ListFilter {
            from: Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000)),
            to: Some(UNIX_EPOCH),
            ..Default::default()
        },
    ] {
        match no_panic("list", || log.list(filter.clone())) {
            Ok(found) => assert!(found.len() <= 1),
            Err(WaymarkError::InvalidInput { .. }) => {}
            Err(e) => panic!("list({filter:?}) gave {e:?}"),
        }
    }
    assert_invalid("feeling_label(0)", feeling_label(0));
    assert_invalid("feeling_label(6)", feeling_label(6));

    // Nothing above changed the log: still one incident, and it verifies.
    assert_eq!(log.count().expect("count"), 1);
    assert_eq!(log.get(kept.id.clone()).expect("get").incident, kept);
    let report = log.verify(None, None).expect("verify");
    assert_eq!(report.incidents, 1);
}

#[test]
fn every_log_call_on_a_locked_vault_says_locked() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let log = created.vault.clone().incident_log();
    let id = log.record(incident("before locking")).expect("record").id;
    created.vault.lock();
    let locked = |what: &str, r: Result<(), WaymarkError>| {
        assert!(matches!(r, Err(WaymarkError::Locked)), "{what}: {r:?}");
    };
    locked("record", log.record(incident("x")).map(|_| ()));
    locked(
        "amend",
        log.amend(
            id.clone(),
            IncidentChanges {
                tags: Some(vec![]),
                ..Default::default()
            },
            None,
        )
        .map(|_| ()),
    );
    locked("redact", log.redact(id.clone(), None));
    locked("list", log.list(ListFilter::default()).map(|_| ()));
    locked("search", log.search("before".into()).map(|_| ()));
    locked("get", log.get(id.clone()).map(|_| ()));
    locked("verify", log.verify(None, None).map(|_| ()));
    locked("tree_head", log.tree_head().map(|_| ()));
    locked("count", log.count().map(|_| ()));
}

// ----- safety, routes, reports, progress (issue 10) -----

fn contact(name: &str, phone: &str) -> NewContact {
    NewContact {
        name: name.into(),
        phone: phone.into(),
        relationship: None,
        roles: vec![ContactRole::Buddy],
        region: String::new(),
    }
}

fn plan(destination: &str, expect: CheckInExpect) -> CheckInPlan {
    CheckInPlan {
        destination: destination.into(),
        expect,
        buddies: vec![],
        meeting: None,
        route: None,
        route_ref: None,
        grace_minutes: None,
        escalation_step_minutes: None,
        if_missed: None,
        share_location: true,
        region: None,
        utc_offset_minutes: 0,
    }
}

const WILD: &str = "%_'\"; DROP TABLE x; --";

#[test]
fn safety_calls_reject_hostile_input_and_change_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let safety = created.vault.clone().safety();
    let huge = "x".repeat(1 << 20);
    let long_id = "a".repeat(100_000);

    // Before any buddy: a plan has nobody to alert.
    assert_invalid(
        "start_checkin(no buddy)",
        no_panic("start_checkin", || {
            safety.start_checkin(plan("home", CheckInExpect::WithinMinutes { minutes: 30 }))
        }),
    );
    let kept = safety
        .add_contact(contact("Alex", "07700 900123"))
        .expect("add");
    for (what, bad) in [
        ("empty name", contact("", "07700 900124")),
        ("NUL name", contact("A\0B", "07700 900124")),
        ("1 MiB name", contact(&huge, "07700 900124")),
        ("letters for a phone", contact("Sam", "call me")),
        ("empty phone", contact("Sam", "")),
        ("1 MiB phone", contact("Sam", &"7".repeat(1 << 20))),
        ("duplicate", contact("alex", "07700 900999")),
        (
            "bad region",
            NewContact {
                region: "Z\0".into(),
                ..contact("Sam", "07700 900124")
            },
        ),
    ] {
        assert_err(
            what,
            no_panic("add_contact", || safety.add_contact(bad.clone())),
        );
        if what != "duplicate" {
            assert_err(
                what,
                no_panic("edit_contact", || {
                    safety.edit_contact(kept.id.clone(), bad.clone())
                }),
            );
        }
    }
    for id in [String::new(), "\0".into(), long_id.clone(), WILD.into()] {
        assert_err(
            "edit_contact(bad id)",
            no_panic("edit_contact", || {
                safety.edit_contact(id.clone(), contact("Sam", "07700 900124"))
            }),
        );
        assert_err(
            "remove_contact(bad id)",
            no_panic("remove_contact", || safety.remove_contact(id.clone())),
        );
    }
    assert_eq!(safety.contacts().expect("contacts"), vec![kept.clone()]);

    // Check-ins: nonsense plans, and every call with nothing running.
    for (what, bad) in [
        (
            "NUL destination",
            plan("a\0b", CheckInExpect::WithinMinutes { minutes: 30 }),
        ),
        (
            "empty destination",
            plan("", CheckInExpect::WithinMinutes { minutes: 30 }),
        ),
        (
            "1 MiB destination",
            plan(&huge, CheckInExpect::WithinMinutes { minutes: 30 }),
        ),
        (
            "0 minutes",
            plan("home", CheckInExpect::WithinMinutes { minutes: 0 }),
        ),
        (
            "u32::MAX minutes",
            plan("home", CheckInExpect::WithinMinutes { minutes: u32::MAX }),
        ),
        (
            "far future",
            plan("home", CheckInExpect::At { time: far_future() }),
        ),
        (
            "far past",
            plan("home", CheckInExpect::At { time: far_past() }),
        ),
        (
            "epoch",
            plan("home", CheckInExpect::At { time: UNIX_EPOCH }),
        ),
        (
            "unknown buddy",
            CheckInPlan {
                buddies: vec![WILD.into(), long_id.clone()],
                ..plan("home", CheckInExpect::WithinMinutes { minutes: 30 })
            },
        ),
        (
            "absurd grace",
            CheckInPlan {
                grace_minutes: Some(u32::MAX),
                escalation_step_minutes: Some(0),
                ..plan("home", CheckInExpect::WithinMinutes { minutes: 30 })
            },
        ),
        (
            "bad region",
            CheckInPlan {
                region: Some("\0".into()),
                ..plan("home", CheckInExpect::WithinMinutes { minutes: 30 })
            },
        ),
        (
            "absurd offset",
            CheckInPlan {
                utc_offset_minutes: i32::MAX,
                ..plan("home", CheckInExpect::WithinMinutes { minutes: 30 })
            },
        ),
    ] {
        assert_err(
            what,
            no_panic("preview_checkin", || safety.preview_checkin(bad.clone())),
        );
        assert_err(
            what,
            no_panic("start_checkin", || safety.start_checkin(bad.clone())),
        );
    }
    assert_eq!(safety.current_checkin().expect("current"), None);
    assert_err("check_in(none)", no_panic("check_in", || safety.check_in()));
    assert_err(
        "check_in_duress(none)",
        no_panic("check_in_duress", || safety.check_in_duress()),
    );
    assert_err(
        "extend(none)",
        no_panic("extend", || safety.extend_checkin(u32::MAX)),
    );
    assert_err(
        "cancel(none)",
        no_panic("cancel", || safety.cancel_checkin()),
    );
    for t in [far_future(), far_past()] {
        assert_invalid(
            "tick(absurd time)",
            no_panic("tick", || safety.tick(Some(t))),
        );
    }
    assert!(safety.tick(None).expect("tick").is_empty());
    assert_eq!(safety.next_wake().expect("next wake"), None);

    // A running check-in refuses bad positions and extensions, and stays as it was.
    let running = safety
        .start_checkin(plan("home", CheckInExpect::WithinMinutes { minutes: 30 }))
        .expect("start");
    for (lat, lon, acc) in [
        (f64::NAN, 0.0, None),
        (0.0, f64::INFINITY, None),
        (91.0, 0.0, None),
        (0.0, -181.0, None),
        (51.5, -0.1, Some(f64::NAN)),
        (51.5, -0.1, Some(-1.0)),
    ] {
        assert_invalid(
            "record_location",
            no_panic("record_location", || {
                safety.record_location(CheckInLocation {
                    lat,
                    lon,
                    accuracy_m: acc,
                    at: SystemTime::now(),
                })
            }),
        );
    }
    assert_err(
        "record_location(far future)",
        no_panic("record_location", || {
            safety.record_location(CheckInLocation {
                lat: 51.5,
                lon: -0.1,
                accuracy_m: None,
                at: far_future(),
            })
        }),
    );
    for minutes in [0, u32::MAX] {
        assert_err(
            "extend(absurd)",
            no_panic("extend", || safety.extend_checkin(minutes)),
        );
    }
    assert_err(
        "second start",
        no_panic("start_checkin", || {
            safety.start_checkin(plan("work", CheckInExpect::WithinMinutes { minutes: 30 }))
        }),
    );
    let now = safety.current_checkin().expect("current").expect("running");
    assert_eq!((now.id, now.deadline), (running.id, running.deadline));

    // Help numbers and the checklist.
    for code in ["", "\0", "ZZ", WILD, huge.as_str()] {
        assert_invalid(
            "help_directory",
            no_panic("help_directory", || help_directory(code.into())),
        );
        assert_invalid(
            "set_help_region",
            no_panic("set_help_region", || safety.set_help_region(code.into())),
        );
    }
    assert_eq!(safety.help_region().expect("region").code, "GB");
    for (name, number) in [
        ("", "0800 123"),
        ("Line", "call me"),
        ("Line", "1"),
        ("L\0", "0800 123"),
    ] {
        assert_invalid(
            "add_help_number",
            no_panic("add_help_number", || {
                safety.add_help_number(name.into(), number.into(), Some(huge.clone()))
            }),
        );
    }
    assert_err(
        "remove_help_number",
        no_panic("remove_help_number", || {
            safety.remove_help_number(WILD.into())
        }),
    );
    assert!(safety.custom_help_numbers().expect("mine").is_empty());
    for item in ["", "0", "999999999999999999999", "-1", WILD, "\0"] {
        assert_invalid(
            "checklist_done",
            no_panic("checklist_done", || safety.checklist_done(item.into())),
        );
        assert_invalid(
            "checklist_undo",
            no_panic("checklist_undo", || safety.checklist_undo(item.into())),
        );
    }
    assert_eq!(safety.checklist_next_reminder().expect("reminder"), None);

    // The duress PIN cannot be removed with a wrong PIN.
    assert!(matches!(
        no_panic("remove_duress_secret", || {
            created.vault.remove_duress_secret("000000".into())
        }),
        Err(WaymarkError::WrongSecret { .. })
    ));
}

#[test]
fn armed_check_in_rejects_hostile_input() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let dir = tmp.path().join("vault").to_string_lossy().into_owned();
    for bad in [String::new(), "a\0b".into()] {
        assert_invalid(
            "ArmedCheckIn::open(bad dir)",
            no_panic("armed open", || {
                ArmedCheckIn::open(bad.clone(), TestPrf::new(), None)
            })
            .map(|_| ()),
        );
    }
    let armed = ArmedCheckIn::open(dir.clone(), TestPrf::new(), None).expect("open");
    for t in [far_future(), far_past()] {
        assert_invalid("armed tick", no_panic("armed tick", || armed.tick(Some(t))));
    }
    assert_eq!(armed.next_wake().expect("next wake"), None);
    let huge = "9".repeat(1 << 20);
    for secret in ["", "\0", "000000", huge.as_str()] {
        assert_err(
            "armed check_in(bad secret)",
            no_panic("armed check_in", || armed.check_in(secret.into())),
        );
    }
    // A broken PRF is an error, not a crash.
    let broken = ArmedCheckIn::open(dir, Arc::new(BadPrf(Err(()))), None).expect("open");
    assert_err(
        "armed check_in(broken prf)",
        no_panic("armed check_in", || broken.check_in(PIN.into())),
    );
    drop(created);
}

#[test]
fn routes_calls_reject_hostile_input() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let routes = created.vault.clone().routes();
    let junk = tmp.path().join("junk.pbf");
    std::fs::write(&junk, b"not a map at all").expect("write");
    let empty = tmp.path().join("empty.pbf");
    std::fs::write(&empty, b"").expect("write");
    let p = |p: &std::path::Path| p.to_string_lossy().into_owned();
    for path in [
        String::new(),
        "a\0b".into(),
        p(tmp.path()),
        p(&junk),
        p(&empty),
        p(&tmp.path().join("missing.pbf")),
    ] {
        assert_err(
            "import_map",
            no_panic("import_map", || routes.import_map(path.clone(), None, None)),
        );
    }
    assert!(!routes.map_info().expect("info").imported);

    let huge = "x".repeat(1 << 20);
    for (name, lat, lon) in [
        ("", 60.17, 24.94),
        ("a\0b", 60.17, 24.94),
        (huge.as_str(), 60.17, 24.94),
        ("60.1,24.9", 60.17, 24.94),
        ("Home", f64::NAN, 24.94),
        ("Home", 60.17, f64::NEG_INFINITY),
        ("Home", 90.5, 24.94),
    ] {
        assert_invalid(
            "add_place",
            no_panic("add_place", || routes.add_place(name.into(), lat, lon)),
        );
    }
    routes
        .add_place("Home".into(), 60.1690, 24.9400)
        .expect("home");
    routes
        .add_place("Work".into(), 60.1760, 24.9480)
        .expect("work");
    assert_invalid(
        "add_place(duplicate)",
        routes.add_place("home".into(), 60.17, 24.94),
    );
    assert_err("remove_place", routes.remove_place(WILD.into()));

    let avoid = |radius_m: f64, spots: Vec<AvoidSpot>| AvoidOptions {
        incidents: true,
        spots,
        radius_m,
    };
    for (from, to, n, a) in [
        ("Home", "Work", 0, avoid(100.0, vec![])),
        ("Home", "Work", 11, avoid(100.0, vec![])),
        ("Home", "Work", u32::MAX, avoid(100.0, vec![])),
        (WILD, "Work", 3, avoid(100.0, vec![])),
        ("Home", "", 3, avoid(100.0, vec![])),
        ("Home", "91,0", 3, avoid(100.0, vec![])),
        ("Home", "0,0", 3, avoid(100.0, vec![])), // off the map
        ("Home", "Work", 3, avoid(f64::NAN, vec![])),
        ("Home", "Work", 3, avoid(0.0, vec![])),
        ("Home", "Work", 3, avoid(1e12, vec![])),
        (
            "Home",
            "Work",
            3,
            avoid(
                100.0,
                vec![AvoidSpot {
                    lat: f64::NAN,
                    lon: 0.0,
                }],
            ),
        ),
    ] {
        assert_err(
            "routes",
            no_panic("routes", || {
                routes.routes(from.into(), to.into(), TravelProfile::Foot, n, a.clone())
            }),
        );
    }
    let request = || PlanRequest {
        from: "Home".into(),
        to: "Work".into(),
        profile: TravelProfile::Foot,
        first_day: UNIX_EPOCH + Duration::from_secs(1_780_000_000),
        utc_offset_minutes: 0,
        days: 7,
        arrive_by_minute: None,
        leave_after_minute: None,
        extra_minutes: 15,
        watcher_wait_minutes: 10,
        avoid: avoid(100.0, vec![]),
    };
    for bad in [
        PlanRequest {
            days: 0,
            ..request()
        },
        PlanRequest {
            days: u32::MAX,
            ..request()
        },
        PlanRequest {
            arrive_by_minute: Some(1440),
            ..request()
        },
        PlanRequest {
            leave_after_minute: Some(u32::MAX),
            ..request()
        },
        PlanRequest {
            utc_offset_minutes: i32::MAX,
            ..request()
        },
        PlanRequest {
            utc_offset_minutes: i32::MIN,
            ..request()
        },
        PlanRequest {
            first_day: far_future(),
            ..request()
        },
        PlanRequest {
            first_day: far_past(),
            ..request()
        },
        PlanRequest {
            extra_minutes: u32::MAX,
            ..request()
        },
        PlanRequest {
            watcher_wait_minutes: 0,
            ..request()
        },
        PlanRequest {
            from: "\0".into(),
            ..request()
        },
    ] {
        assert_err("plan", no_panic("plan", || routes.plan(bad.clone())));
    }
    assert_eq!(routes.latest_plan().expect("latest"), None);
    assert_eq!(routes.places().expect("places").len(), 2);
}

#[test]
fn report_calls_reject_hostile_input_and_leave_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let reports = created.vault.clone().reports();
    let log = created.vault.clone().incident_log();
    // An empty log has nothing to export or receipt.
    assert_err("receipt(empty)", reports.receipt());
    log.record(incident("followed again")).expect("record");
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).expect("mkdir");
    let p = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let options = || ReportOptions {
        from: None,
        to: None,
        kinds: vec![],
        name: None,
        utc_offset_minutes: 0,
        without_risk_questions: false,
    };
    for (i, path, opts) in [
        (String::new(), options()),
        ("a\0b".into(), options()),
        ("/".into(), options()),
        (p(&out_dir.join("no/such/dir/r.pdf")), options()),
        (
            p(&out_dir.join("r.pdf")),
            ReportOptions {
                from: Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000)),
                to: Some(UNIX_EPOCH),
                ..options()
            },
        ),
        (
            p(&out_dir.join("r.pdf")),
            ReportOptions {
                from: Some(far_past()),
                ..options()
            },
        ),
        (
            p(&out_dir.join("r.pdf")),
            ReportOptions {
                utc_offset_minutes: i32::MIN,
                ..options()
            },
        ),
        (
            p(&out_dir.join("r.pdf")),
            ReportOptions {
                name: Some("n\0".repeat(1 << 19)),
                ..options()
            },
        ),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (path, opts))| (i, path, opts))
    {
        let case = i;
        assert_err(
            &format!("export_report(case {case})"),
            no_panic("export_report", || {
                reports.export_report(path.clone(), opts.clone(), None, None)
            }),
        );
    }
    // Cancelled before it starts: Cancelled, and no file.
    let cancel = CancelHandle::new();
    cancel.cancel();
    assert!(matches!(
        reports.export_report(
            p(&out_dir.join("r.pdf")),
            options(),
            None,
            Some(cancel.clone())
        ),
        Err(WaymarkError::Cancelled)
    ));
    assert!(matches!(
        reports.export_bundle(
            p(&out_dir.join("b.zip")),
            vec![],
            None,
            None,
            Some(cancel.clone())
        ),
        Err(WaymarkError::Cancelled)
    ));
    for (path, ids, to) in [
        (String::new(), vec![], None),
        ("\0".into(), vec![], None),
        (p(&out_dir), vec![], None), // exists
        (p(&out_dir.join("b")), vec![WILD.to_string()], None),
        (p(&out_dir.join("b")), vec!["a".repeat(100_000)], None),
        (p(&out_dir.join("b")), vec![], Some("w".repeat(1 << 20))),
    ] {
        assert_err(
            "export_bundle",
            no_panic("export_bundle", || {
                reports.export_bundle(path.clone(), ids.clone(), to.clone(), None, None)
            }),
        );
    }
    let junk = tmp.path().join("junk.zip");
    std::fs::write(&junk, b"PK not really").expect("write");
    for path in [
        String::new(),
        "\0".into(),
        p(&junk),
        p(&tmp.path().join("missing")),
    ] {
        assert_err(
            "verify_bundle",
            no_panic("verify_bundle", || {
                verify_bundle(path.clone(), None, Some(cancel.clone()))
            }),
        );
        assert_err(
            "verify_bundle",
            no_panic("verify_bundle", || verify_bundle(path.clone(), None, None)),
        );
    }
    let receipt = reports.receipt().expect("receipt");
    for bad in [
        String::new(),
        "\0".into(),
        "x".repeat(1 << 20),
        receipt.replace('a', "b"),
        receipt.chars().take(receipt.len() / 2).collect(),
    ] {
        assert_err(
            "verify_since",
            no_panic("verify_since", || reports.verify_since(bad.clone())),
        );
    }
    for offset in [i32::MIN, i32::MAX, 24 * 60 + 1] {
        assert_invalid(
            "insights(offset)",
            no_panic("insights", || reports.insights(offset)),
        );
    }
    // Nothing was written anywhere, and nothing was logged as exported.
    assert_eq!(
        std::fs::read_dir(&out_dir).expect("read dir").count(),
        0,
        "a refused or cancelled export left a file"
    );
    assert_eq!(log.verify(None, None).expect("verify").entries, 1);
    assert_eq!(reports.verify_since(receipt).expect("since").added_since, 0);
}

#[test]
fn every_new_call_on_a_locked_vault_says_locked() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let safety = created.vault.clone().safety();
    let routes = created.vault.clone().routes();
    let reports = created.vault.clone().reports();
    let evidence = created.vault.clone().evidence_store();
    created
        .vault
        .clone()
        .incident_log()
        .record(incident("before locking"))
        .expect("record");
    let receipt = reports.receipt().expect("receipt");
    created.vault.lock();
    let out = tmp.path().join("x").to_string_lossy().into_owned();
    let locked = |what: &str, r: Result<(), WaymarkError>| {
        assert!(matches!(r, Err(WaymarkError::Locked)), "{what}: {r:?}");
    };
    locked(
        "add_contact",
        safety.add_contact(contact("A", "07700 900123")).map(|_| ()),
    );
    locked("contacts", safety.contacts().map(|_| ()));
    locked(
        "edit_contact",
        safety
            .edit_contact("A".into(), contact("A", "07700 900123"))
            .map(|_| ()),
    );
    locked("remove_contact", safety.remove_contact("A".into()));
    let p = plan("home", CheckInExpect::WithinMinutes { minutes: 30 });
    locked("start_checkin", safety.start_checkin(p.clone()).map(|_| ()));
    locked("preview_checkin", safety.preview_checkin(p).map(|_| ()));
    locked("current_checkin", safety.current_checkin().map(|_| ()));
    locked("checkin_history", safety.checkin_history().map(|_| ()));
    locked("check_in", safety.check_in().map(|_| ()));
    locked("check_in_duress", safety.check_in_duress().map(|_| ()));
    locked("extend", safety.extend_checkin(10).map(|_| ()));
    locked("cancel", safety.cancel_checkin());
    locked(
        "record_location",
        safety
            .record_location(CheckInLocation {
                lat: 51.5,
                lon: -0.1,
                accuracy_m: None,
                at: SystemTime::now(),
            })
            .map(|_| ()),
    );
    locked("tick", safety.tick(None).map(|_| ()));
    locked("next_wake", safety.next_wake().map(|_| ()));
    locked("reconcile_armed", safety.reconcile_armed());
    locked("help_region", safety.help_region().map(|_| ()));
    locked(
        "set_help_region",
        safety.set_help_region("IE".into()).map(|_| ()),
    );
    locked(
        "add_help_number",
        safety
            .add_help_number("L".into(), "0800 123 456".into(), None)
            .map(|_| ()),
    );
    locked(
        "custom_help_numbers",
        safety.custom_help_numbers().map(|_| ()),
    );
    locked("remove_help_number", safety.remove_help_number("L".into()));
    locked("checklist", safety.checklist().map(|_| ()));
    locked(
        "checklist_done",
        safety.checklist_done("1".into()).map(|_| ()),
    );
    locked("checklist_undo", safety.checklist_undo("1".into()));
    locked(
        "checklist_next_reminder",
        safety.checklist_next_reminder().map(|_| ()),
    );
    locked(
        "import_map",
        routes.import_map(out.clone(), None, None).map(|_| ()),
    );
    locked("map_info", routes.map_info().map(|_| ()));
    locked("forget_map", routes.forget_map());
    locked(
        "add_place",
        routes.add_place("H".into(), 60.17, 24.94).map(|_| ()),
    );
    locked("places", routes.places().map(|_| ()));
    locked("remove_place", routes.remove_place("H".into()));
    locked(
        "routes",
        routes
            .routes(
                "60.169,24.94".into(),
                "60.176,24.948".into(),
                TravelProfile::Foot,
                3,
                AvoidOptions {
                    incidents: false,
                    spots: vec![],
                    radius_m: 100.0,
                },
            )
            .map(|_| ()),
    );
    locked("latest_plan", routes.latest_plan().map(|_| ()));
    locked(
        "export_report",
        reports
            .export_report(
                out.clone(),
                ReportOptions {
                    from: None,
                    to: None,
                    kinds: vec![],
                    name: None,
                    utc_offset_minutes: 0,
                    without_risk_questions: false,
                },
                None,
                None,
            )
            .map(|_| ()),
    );
    locked(
        "export_bundle",
        reports
            .export_bundle(out.clone(), vec![], None, None, None)
            .map(|_| ()),
    );
    locked("receipt", reports.receipt().map(|_| ()));
    locked("verify_since", reports.verify_since(receipt).map(|_| ()));
    locked("insights", reports.insights(0).map(|_| ()));
    locked("sweep_leftovers", evidence.sweep_leftovers().map(|_| ()));
    assert!(!std::path::Path::new(&out).exists());
}

#[test]
fn risk_checklist_rejects_hostile_input_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let risk = created.vault.clone().risk_checklist();
    let kept = risk
        .answer("1".into(), RiskAnswer::Yes, Some("kept".into()))
        .expect("answer");
    let huge = "é".repeat(100_000);
    for q in [
        "",
        "0",
        "12",
        "-1",
        "q",
        "%",
        "1; DROP TABLE risk_answers",
        "\0",
        huge.as_str(),
        "340282366920938463463374607431768211456",
    ] {
        assert_invalid(
            "risk answer with a hostile question",
            no_panic("risk.answer", || {
                risk.answer(q.into(), RiskAnswer::No, None)
            }),
        );
    }
    assert_invalid(
        "risk answer with a huge note",
        no_panic("risk.answer", || {
            risk.answer("2".into(), RiskAnswer::No, Some(huge.clone()))
        }),
    );
    for offset in [i32::MIN, i32::MAX, 1440, -1440, 35_791_395] {
        assert_invalid(
            "risk view with an absurd UTC offset",
            no_panic("risk.view", || risk.view(offset)),
        );
    }
    // A NUL or emoji in a note is just text.
    let odd = no_panic("risk.answer", || {
        risk.answer("3".into(), RiskAnswer::Unsure, Some("a\0b 🫠".into()))
    })
    .expect("odd but valid note");
    assert_eq!(odd.note.as_deref(), Some("a\0b 🫠"));
    let history = risk.history().expect("history");
    assert_eq!(history.len(), 2, "only the two valid answers were kept");
    assert_eq!(history[0], kept);
    assert_eq!(risk.verify().expect("verify"), 2);
    let view = risk.view(60).expect("view");
    assert_eq!(view.questions.len(), 11);
    assert_eq!(view.answered, 2);

    created.vault.lock();
    let locked = |what: &str, r: Result<(), WaymarkError>| {
        assert!(matches!(r, Err(WaymarkError::Locked)), "{what}: {r:?}");
    };
    locked("risk.view", risk.view(0).map(|_| ()));
    locked(
        "risk.answer",
        risk.answer("1".into(), RiskAnswer::No, None).map(|_| ()),
    );
    locked("risk.history", risk.history().map(|_| ()));
    locked("risk.verify", risk.verify().map(|_| ()));
}
