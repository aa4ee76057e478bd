//! Backup and restore through the FFI, as the shells' settings and first run use them: progress
//! that never goes back, Cancel leaving nothing, a restore on a "new phone" (another folder and
//! PRF key) finding the same incidents, and every failure typed with nothing left behind.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use common::*;
use waymark_ffi::*;

/// Records progress; cancels once `cancel_at` is reached.
struct Recorder {
    seen: Mutex<Vec<(ProgressStage, f64)>>,
    cancel_at: Option<(f64, Arc<CancelHandle>)>,
}

impl Recorder {
    fn new(cancel_at: Option<(f64, Arc<CancelHandle>)>) -> Arc<Self> {
        Arc::new(Recorder {
            seen: Mutex::new(Vec::new()),
            cancel_at,
        })
    }
    fn fractions(&self) -> Vec<f64> {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.iter().map(|(_, f)| *f).collect()
    }
}

impl ProgressListener for Recorder {
    fn on_progress(&self, stage: ProgressStage, fraction: f64) -> Result<(), WaymarkError> {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((stage, fraction));
        if let Some((at, c)) = &self.cancel_at {
            if fraction >= *at {
                c.cancel();
            }
        }
        // A listener that fails must not break the backup.
        Err(WaymarkError::Platform {
            reason: "listener broke".into(),
        })
    }
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn incident(description: &str, secs: u64) -> NewIncident {
    NewIncident {
        kind: IncidentKind::Followed,
        occurred_at: UNIX_EPOCH + Duration::from_secs(secs),
        occurred_until: None,
        description: description.into(),
        place: None,
        witnesses: vec![],
        feeling: Some(3),
        police_ref: None,
        tags: vec![],
        attributed_to: None,
        contact_via: None,
    }
}

fn descriptions(vault: &Arc<Vault>) -> Vec<String> {
    let mut all: Vec<String> = vault
        .clone()
        .incident_log()
        .list(ListFilter::default())
        .expect("list")
        .into_iter()
        .map(|i| i.details.description)
        .collect();
    all.sort();
    all
}

fn rising(fractions: &[f64]) -> bool {
    fractions.windows(2).all(|w| w[0] <= w[1])
}

#[test]
fn a_backup_restores_on_a_new_phone_with_the_recovery_code_and_progress() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let clock = TestClock::new();
    let created = new_vault(tmp.path(), clock.clone());
    let vault = created.vault.clone();
    let log = vault.clone().incident_log();
    for (i, d) in [
        "Grey car at the station",
        "Flowers left at the door",
        "Ząbki 🚗",
    ]
    .iter()
    .enumerate()
    {
        log.record(incident(d, 1_770_000_000 + i as u64 * 3600))
            .expect("record");
    }
    let photo = tmp.path().join("photo.jpg");
    std::fs::write(&photo, vec![7u8; 200_000]).expect("photo");
    let item = vault
        .clone()
        .evidence_store()
        .add_file(
            path(&photo),
            NewEvidence {
                how: CaptureMethod::Import,
                original_name: None,
                location: None,
            },
            None,
            None,
        )
        .expect("add");

    let out = tmp.path().join("waymark.backup");
    let progress = Recorder::new(None);
    let summary = vault
        .backup(path(&out), Some(progress.clone()), None)
        .expect("backup");
    assert!(summary.files >= 3, "{summary:?}");
    assert_eq!(summary.bytes, std::fs::metadata(&out).expect("file").len());
    let f = progress.fractions();
    assert!(rising(&f), "progress went back: {f:?}");
    assert_eq!(f.last().copied(), Some(1.0));
    // Never over a file that is there.
    let e = vault
        .backup(path(&out), None, None)
        .expect_err("over a file");
    assert!(matches!(e, WaymarkError::InvalidInput { .. }), "{e:?}");

    // The new phone: another folder, another PRF key (TestPrf is fixed, so use the code only).
    let new_dir = tmp.path().join("new-phone").join("vault");
    let progress = Recorder::new(None);
    let restored = restore_vault(
        path(&out),
        path(&new_dir),
        created.recovery_code.clone(),
        "97531086".into(),
        TestPrf::new(),
        KeyDerivation::MinimalForTestsOnly,
        Some(clock.clone()),
        Some(progress.clone()),
        None,
    )
    .expect("restore");
    assert!(restored.is_unlocked());
    assert_eq!(descriptions(&restored), descriptions(&vault));
    let ev = restored.clone().evidence_store();
    ev.verify(item.id.clone()).expect("the photo checks out");
    let f = progress.fractions();
    assert!(rising(&f), "restore progress went back: {f:?}");
    assert_eq!(f.last().copied(), Some(1.0));
    // The new PIN opens it; the old one does not (it was never carried).
    restored.lock();
    assert!(matches!(
        restored.unlock(PIN.into()),
        Err(WaymarkError::WrongSecret { .. })
    ));
    restored.unlock("97531086".into()).expect("new PIN");
}

#[test]
fn a_failed_or_cancelled_backup_or_restore_leaves_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let clock = TestClock::new();
    let created = new_vault(tmp.path(), clock.clone());
    let vault = created.vault.clone();
    // Enough to take several steps.
    let big = tmp.path().join("big.bin");
    std::fs::write(&big, vec![3u8; 3 << 20]).expect("big");
    vault
        .clone()
        .evidence_store()
        .add_file(
            path(&big),
            NewEvidence {
                how: CaptureMethod::Import,
                original_name: None,
                location: None,
            },
            None,
            None,
        )
        .expect("add");

    // Cancelled half-way: Cancelled, no file.
    let out = tmp.path().join("cancelled.backup");
    let cancel = CancelHandle::new();
    let e = vault
        .backup(
            path(&out),
            Some(Recorder::new(Some((0.3, cancel.clone())))),
            Some(cancel),
        )
        .expect_err("cancelled");
    assert!(matches!(e, WaymarkError::Cancelled), "{e:?}");
    assert!(!out.exists());

    let out = tmp.path().join("good.backup");
    vault.backup(path(&out), None, None).expect("backup");
    let restore = |from: &Path, to: &Path, code: &str, cancel: Option<Arc<CancelHandle>>| {
        restore_vault(
            path(from),
            path(to),
            code.into(),
            "97531086".into(),
            TestPrf::new(),
            KeyDerivation::MinimalForTestsOnly,
            Some(clock.clone()),
            cancel
                .clone()
                .map(|c| Recorder::new(Some((0.3, c))) as Arc<dyn ProgressListener>),
            cancel,
        )
    };
    let leftovers = |parent: &Path| -> Vec<String> {
        std::fs::read_dir(parent)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let phone = tmp.path().join("phone");
    std::fs::create_dir_all(&phone).expect("phone");
    let target = phone.join("vault");

    // Another vault's code: WrongSecret, not counted (no retry time), nothing left.
    let other = tempfile::tempdir().expect("temp dir");
    let other_code = new_vault(other.path(), clock.clone()).recovery_code;
    let e = restore(&out, &target, &other_code, None).expect_err("wrong code");
    assert!(
        matches!(e, WaymarkError::WrongSecret { retry_after: None }),
        "{e:?}"
    );
    assert!(leftovers(&phone).is_empty(), "{:?}", leftovers(&phone));

    // Not a code at all: InvalidInput.
    let e = restore(&out, &target, "not a code", None).expect_err("bad code");
    assert!(matches!(e, WaymarkError::InvalidInput { .. }), "{e:?}");

    // A flipped byte in the middle, or cut short: Integrity, nothing left.
    let bytes = std::fs::read(&out).expect("read");
    let flipped = tmp.path().join("flipped.backup");
    let mut f = bytes.clone();
    let mid = f.len() / 2;
    f[mid] ^= 1;
    std::fs::write(&flipped, f).expect("write");
    let cut = tmp.path().join("cut.backup");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).expect("write");
    for damaged in [&flipped, &cut] {
        let e = restore(damaged, &target, &created.recovery_code, None).expect_err("damaged");
        assert!(matches!(e, WaymarkError::Integrity { .. }), "{e:?}");
        assert!(leftovers(&phone).is_empty(), "{:?}", leftovers(&phone));
    }

    // Cancelled half-way: Cancelled, nothing left.
    let e = restore(
        &out,
        &target,
        &created.recovery_code,
        Some(CancelHandle::new()),
    )
    .expect_err("cancelled");
    assert!(matches!(e, WaymarkError::Cancelled), "{e:?}");
    assert!(leftovers(&phone).is_empty(), "{:?}", leftovers(&phone));

    // Never over a vault: the first one stays exactly as it was.
    let e = restore(
        &out,
        &tmp.path().join("vault"),
        &created.recovery_code,
        None,
    )
    .expect_err("over a vault");
    assert!(matches!(e, WaymarkError::InvalidInput { .. }), "{e:?}");
    vault.lock();
    vault
        .unlock(PIN.into())
        .expect("the first vault still opens");
}

#[test]
fn backup_and_restore_take_hostile_input_without_panicking() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let clock = TestClock::new();
    let created = new_vault(tmp.path(), clock.clone());
    let vault = created.vault.clone();
    for bad in [String::new(), "a\0b".to_string()] {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            vault.backup(bad.clone(), None, None)
        }))
        .expect("backup panicked");
        assert!(matches!(r, Err(WaymarkError::InvalidInput { .. })), "{r:?}");
        for (from, to, code, pin) in [
            (
                bad.clone(),
                path(&tmp.path().join("x")),
                created.recovery_code.clone(),
                "97531086".to_string(),
            ),
            (
                path(&tmp.path().join("none")),
                bad.clone(),
                created.recovery_code.clone(),
                "97531086".to_string(),
            ),
            (
                path(&tmp.path().join("none")),
                path(&tmp.path().join("x")),
                bad.clone(),
                "97531086".to_string(),
            ),
            (
                path(&tmp.path().join("none")),
                path(&tmp.path().join("x")),
                created.recovery_code.clone(),
                bad.clone(),
            ),
        ] {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                restore_vault(
                    from,
                    to,
                    code,
                    pin,
                    TestPrf::new(),
                    KeyDerivation::MinimalForTestsOnly,
                    Some(clock.clone()),
                    None,
                    None,
                )
                .map(|_| ())
            }))
            .expect("restore panicked");
            assert!(r.is_err(), "{r:?}");
        }
    }
    // No backup file there: NotFound.
    let r = restore_vault(
        path(&tmp.path().join("none")),
        path(&tmp.path().join("x")),
        created.recovery_code.clone(),
        "97531086".into(),
        TestPrf::new(),
        KeyDerivation::MinimalForTestsOnly,
        Some(clock.clone()),
        None,
        None,
    );
    assert!(
        matches!(r, Err(WaymarkError::NotFound { .. })),
        "{:?}",
        r.map(|_| ())
    );
    // Locked: Locked.
    vault.lock();
    let r = vault.backup(path(&tmp.path().join("locked.backup")), None, None);
    assert!(matches!(r, Err(WaymarkError::Locked)), "{r:?}");
    assert!(!tmp.path().join("locked.backup").exists());
}
