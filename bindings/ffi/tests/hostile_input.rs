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
    let report = log.verify().expect("verify");
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
    locked("verify", log.verify().map(|_| ()));
    locked("tree_head", log.tree_head().map(|_| ()));
    locked("count", log.count().map(|_| ()));
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
