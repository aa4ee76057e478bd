use super::*;
use crate::clock::ManualClock;
use crate::vault::{CreateOptions, RecoveryCode, SecretMatch, SoftwarePrfNoHardware};
use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;

const PIN: &str = "246810";
const DURESS: &str = "975310";
const WRONG: &str = "111111";

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
    ))
}

/// A vault with a duress PIN and something in the real store, locked; the setting as given.
fn vault(dir: &Path, c: &Arc<ManualClock>, after: Option<u32>) -> Vault {
    let (v, _) = Vault::create(dir, PIN, CreateOptions::for_tests(c.clone())).unwrap();
    v.set_duress_secret(PIN, DURESS).unwrap();
    v.set_preference("probe", "real").unwrap();
    v.set_erase_after(after).unwrap();
    v.lock();
    v
}

fn reopen(dir: &Path, c: &Arc<ManualClock>) -> Vault {
    Vault::open(dir, Arc::new(SoftwarePrfNoHardware::default()), c.clone()).unwrap()
}

/// One wrong PIN from a fresh handle (as a new process would), past any back-off.
fn wrong(dir: &Path, c: &Arc<ManualClock>) -> Error {
    c.advance(Duration::hours(2));
    reopen(dir, c).unlock(WRONG).unwrap_err()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn it_is_off_by_default_and_no_number_of_wrong_pins_erases() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (v, _) = Vault::create(dir.path(), PIN, CreateOptions::for_tests(c.clone())).unwrap();
    assert_eq!(v.erase_after().unwrap(), None);
    assert!(dir.path().join(FILE).is_file(), "the file exists, off");
    v.lock();
    for _ in 0..12 {
        assert!(matches!(wrong(dir.path(), &c), Error::WrongSecret { .. }));
    }
    c.advance(Duration::hours(2));
    let v = reopen(dir.path(), &c);
    v.unlock(PIN).unwrap();
    assert_eq!(v.erase_after().unwrap(), None);
}

#[test]
fn the_nth_wrong_pin_erases_both_stores_and_the_folder_then_holds_no_vault() {
    let dir = tempfile::tempdir().unwrap();
    let keep = tempfile::tempdir().unwrap();
    let c = clock();
    vault(dir.path(), &c, Some(5));
    // Second names for the key file and the armed file, outside the folder: they show what
    // happened to the blocks themselves, after the names in the folder are gone.
    std::fs::hard_link(dir.path().join(KEY_FILE), keep.path().join("keys")).unwrap();
    std::fs::hard_link(dir.path().join(ARMED_FILE), keep.path().join("armed")).unwrap();
    let keys_before = std::fs::read(keep.path().join("keys")).unwrap();
    let armed_before = std::fs::read(keep.path().join("armed")).unwrap();
    for n in 1..5 {
        assert!(matches!(wrong(dir.path(), &c), Error::WrongSecret { .. }));
        assert!(Vault::exists(dir.path()), "still there after {n}");
    }
    assert!(matches!(
        wrong(dir.path(), &c),
        Error::WrongSecret { retry_after: None }
    ));
    assert!(!Vault::exists(dir.path()));
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
    assert!(
        dir.path().is_dir(),
        "the folder itself stays (it may be the app's own)"
    );
    // The key file's blocks hold random bytes: no slot of any secret opens, the recovery
    // code's included, and nothing of the old file is left.
    let keys_after = std::fs::read(keep.path().join("keys")).unwrap();
    assert_eq!(keys_after.len(), keys_before.len());
    assert_ne!(&keys_after[..8], &keys_before[..8], "not even the magic");
    let same = keys_after
        .iter()
        .zip(&keys_before)
        .filter(|(a, b)| a == b)
        .count();
    assert!(same < 20, "{same} bytes unchanged");
    let armed_after = std::fs::read(keep.path().join("armed")).unwrap();
    assert_ne!(armed_after, armed_before);
    // What a person then sees: no vault here.
    match Vault::open(dir.path(), Arc::new(SoftwarePrfNoHardware::default()), c) {
        Err(Error::NotFound { what }) => assert_eq!(what, "no vault in that folder"),
        other => panic!("{:?}", other.map(|_| ())),
    }
    // A new one can be made in the same folder.
    Vault::create(dir.path(), PIN, CreateOptions::for_tests(clock())).unwrap();
}

#[test]
fn n_minus_one_wrong_pins_then_the_right_one_start_the_count_again() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    vault(dir.path(), &c, Some(5));
    for _ in 0..4 {
        wrong(dir.path(), &c);
    }
    let v = reopen(dir.path(), &c);
    v.unlock(PIN).unwrap();
    assert_eq!(v.status().unwrap().failed_attempts, 0);
    v.lock();
    for _ in 0..4 {
        wrong(dir.path(), &c);
    }
    assert!(
        Vault::exists(dir.path()),
        "8 wrong PINs, but not 5 in a row"
    );
    wrong(dir.path(), &c);
    assert!(!Vault::exists(dir.path()));
}

#[test]
fn a_right_pin_or_the_duress_pin_as_the_nth_try_never_erases() {
    for right in [PIN, DURESS] {
        let dir = tempfile::tempdir().unwrap();
        let c = clock();
        vault(dir.path(), &c, Some(5));
        for _ in 0..4 {
            wrong(dir.path(), &c);
        }
        c.advance(Duration::hours(2));
        // Counted as try number 5 before it is known to be right.
        let v = reopen(dir.path(), &c);
        v.unlock(right).unwrap();
        assert!(Vault::exists(dir.path()));
        assert_eq!(v.status().unwrap().failed_attempts, 0);
        // The duress PIN opened the decoy, which sees the same setting.
        assert_eq!(v.erase_after().unwrap(), Some(5));
        v.lock();
        // Also through the check that takes a PIN without unlocking (settings, check-ins).
        for _ in 0..4 {
            wrong(dir.path(), &c);
        }
        assert_ne!(
            reopen(dir.path(), &c).classify_secret(right).unwrap(),
            SecretMatch::Recovery
        );
        assert!(Vault::exists(dir.path()));
        let v = reopen(dir.path(), &c);
        v.unlock(PIN).unwrap();
        assert_eq!(
            v.preference("probe").unwrap().as_deref(),
            Some("real"),
            "nothing of the real store was lost"
        );
    }
}

#[test]
fn the_decoy_sees_and_sets_the_same_one_setting() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let v = vault(dir.path(), &c, Some(6));
    v.unlock(DURESS).unwrap();
    assert_eq!(v.preference("probe").unwrap(), None, "this is the decoy");
    assert_eq!(v.erase_after().unwrap(), Some(6));
    v.set_erase_after(None).unwrap();
    v.lock();
    v.unlock(PIN).unwrap();
    assert_eq!(v.erase_after().unwrap(), None);
    v.lock();
    v.unlock(DURESS).unwrap();
    v.set_erase_after(Some(7)).unwrap();
    v.lock();
    v.unlock(PIN).unwrap();
    assert_eq!(v.erase_after().unwrap(), Some(7));
    v.lock();
    for _ in 0..6 {
        wrong(dir.path(), &c);
    }
    assert!(Vault::exists(dir.path()));
    wrong(dir.path(), &c);
    assert!(!Vault::exists(dir.path()));
}

#[test]
fn bad_numbers_are_refused_and_a_locked_vault_neither_shows_nor_changes_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let v = vault(dir.path(), &c, Some(5));
    for bad in [0, 4, 101] {
        assert!(matches!(
            {
                v.unlock(PIN).unwrap();
                let r = v.set_erase_after(Some(bad));
                v.lock();
                r
            },
            Err(Error::InvalidInput { .. })
        ));
    }
    assert!(matches!(v.erase_after(), Err(Error::Locked)));
    assert!(matches!(v.set_erase_after(None), Err(Error::Locked)));
    v.unlock(PIN).unwrap();
    assert_eq!(
        v.erase_after().unwrap(),
        Some(5),
        "unchanged by the refusals"
    );
}

#[test]
fn a_wrong_recovery_code_or_a_wrong_pin_typed_while_unlocked_does_not_erase() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    vault(dir.path(), &c, Some(5));
    for _ in 0..4 {
        wrong(dir.path(), &c);
    }
    // Someone who forgot the PIN tries the recovery code: counted, never erasing.
    let other = RecoveryCode::generate().unwrap();
    c.advance(Duration::hours(2));
    assert!(matches!(
        reopen(dir.path(), &c).recover(other.as_str(), "135791"),
        Err(Error::WrongSecret { .. })
    ));
    assert!(Vault::exists(dir.path()));
    assert_eq!(reopen(dir.path(), &c).status().unwrap().failed_attempts, 5);
    // In settings, the vault open: the current PIN mistyped is counted but cannot erase.
    c.advance(Duration::hours(2));
    let open = reopen(dir.path(), &c);
    open.unlock(PIN).unwrap();
    for _ in 0..6 {
        c.advance(Duration::hours(2));
        assert!(open.classify_secret(WRONG).is_err());
    }
    assert!(Vault::exists(dir.path()));
    drop(open);
    // The next wrong PIN at the lock screen is the 7th in a row.
    wrong(dir.path(), &c);
    assert!(!Vault::exists(dir.path()));
}

#[test]
fn a_damaged_or_missing_setting_reads_as_off() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    vault(dir.path(), &c, Some(5));
    let mut bytes = std::fs::read(dir.path().join(FILE)).unwrap();
    bytes[14] ^= 1;
    std::fs::write(dir.path().join(FILE), &bytes).unwrap();
    for _ in 0..6 {
        wrong(dir.path(), &c);
    }
    assert!(Vault::exists(dir.path()));
    std::fs::remove_file(dir.path().join(FILE)).unwrap();
    wrong(dir.path(), &c);
    assert!(Vault::exists(dir.path()));
    // The next unlock gives the vault its file back, off.
    c.advance(Duration::hours(2));
    let v = reopen(dir.path(), &c);
    v.unlock(PIN).unwrap();
    assert!(dir.path().join(FILE).is_file());
    assert_eq!(v.erase_after().unwrap(), None);
}

/// A copy of the folder, opened with another device's key (another phone): the file has one
/// size on or off, and does not open there.
#[test]
fn the_file_has_one_size_on_or_off_and_does_not_open_on_another_device() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let v = vault(dir.path(), &c, None);
    let off = std::fs::metadata(dir.path().join(FILE)).unwrap().len();
    v.unlock(PIN).unwrap();
    v.set_erase_after(Some(5)).unwrap();
    let on = std::fs::read(dir.path().join(FILE)).unwrap();
    assert_eq!(on.len() as u64, off);
    let vault_id = KeyFile::read(&dir.path().join(KEY_FILE)).unwrap().vault_id;
    let elsewhere =
        super::super::armed_file::key(&vault_id, &SoftwarePrfNoHardware::new(b"another phone"))
            .unwrap();
    assert_eq!(open(&vault_id, &elsewhere, &on), 0);
    let here = super::super::armed_file::key(&vault_id, &SoftwarePrfNoHardware::default()).unwrap();
    assert_eq!(open(&vault_id, &here, &on), 5);
}

/// Two handles (as two processes: each takes the key-file lock through its own open file)
/// typing wrong PINs at once: the try numbered N erases whichever finishes first.
#[test]
fn two_racing_wrong_pins_do_not_both_miss_the_trigger() {
    for round in 0..4 {
        let dir = tempfile::tempdir().unwrap();
        let c = clock();
        vault(dir.path(), &c, Some(5));
        for _ in 0..3 {
            wrong(dir.path(), &c);
        }
        c.advance(Duration::hours(2));
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let results: Vec<Error> = (0..2)
            .map(|_| {
                let (dir, c, barrier) = (dir.path().to_path_buf(), c.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let v = reopen(&dir, &c);
                    barrier.wait();
                    v.unlock(WRONG).unwrap_err()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        for r in &results {
            assert!(
                matches!(r, Error::WrongSecret { .. }),
                "round {round}: {r:?}"
            );
        }
        assert!(!Vault::exists(dir.path()), "round {round}");
        // The slower try may have taken the key-file lock after the erase, which makes its
        // (empty) lock file again: nothing else.
        let left = files_in(dir.path());
        assert!(
            left.iter().all(|n| n == "vault.lock"),
            "round {round}: {left:?}"
        );
    }
}
