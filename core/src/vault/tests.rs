use super::*;
use crate::clock::{Clock, ManualClock};

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
    ))
}

fn new_vault(dir: &Path, c: Arc<ManualClock>) -> (Vault, RecoveryCode) {
    Vault::create(dir, "246810", CreateOptions::for_tests(c)).unwrap()
}

fn reopen(dir: &Path, c: Arc<ManualClock>) -> Vault {
    Vault::open(dir, Arc::new(SoftwarePrfNoHardware::default()), c).unwrap()
}

fn put(v: &Vault, value: &str) {
    v.write(|tx| {
        tx.conn().execute(
            "INSERT INTO meta (key, value) VALUES ('probe', ?1)",
            [value.as_bytes()],
        )?;
        Ok(())
    })
    .unwrap();
}

fn get(v: &Vault) -> Option<Vec<u8>> {
    v.read(|c| {
        Ok(
            c.query_row("SELECT value FROM meta WHERE key = 'probe'", [], |r| {
                r.get(0)
            })
            .optional()?,
        )
    })
    .unwrap()
}

#[test]
fn create_lock_unlock_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (v, _) = new_vault(dir.path(), c.clone());
    put(&v, "hello");
    v.lock();
    assert!(matches!(v.read(|_| Ok(())), Err(Error::Locked)));
    let v = reopen(dir.path(), c);
    v.unlock("246810").unwrap();
    assert_eq!(get(&v).as_deref(), Some(&b"hello"[..]));
}

#[test]
fn weak_or_reused_secrets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Vault::create(dir.path(), "1234", CreateOptions::for_tests(clock())),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        Vault::create(dir.path(), "short", CreateOptions::for_tests(clock())),
        Err(Error::InvalidInput { .. })
    ));
    assert!(!Vault::exists(dir.path()));
    new_vault(dir.path(), clock());
    assert!(matches!(
        Vault::create(dir.path(), "246810", CreateOptions::for_tests(clock())),
        Err(Error::InvalidInput { .. })
    ));
}

#[test]
fn wrong_secrets_back_off_and_the_count_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (v, _) = new_vault(dir.path(), c.clone());
    v.lock();
    for i in 1..FREE_ATTEMPTS {
        let v = reopen(dir.path(), c.clone());
        match v.unlock("999999") {
            Err(Error::WrongSecret { retry_after: None }) => {}
            other => panic!("attempt {i}: {other:?}"),
        }
    }
    let v = reopen(dir.path(), c.clone());
    let until = match v.unlock("999999") {
        Err(Error::WrongSecret {
            retry_after: Some(t),
        }) => t,
        other => panic!("{other:?}"),
    };
    assert_eq!(until, c.now() + Duration::seconds(30));
    // Even the right PIN is not tried during the delay, in any process.
    let v = reopen(dir.path(), c.clone());
    assert!(matches!(v.unlock("246810"), Err(Error::LockedOut { .. })));
    assert_eq!(v.status().unwrap().failed_attempts, FREE_ATTEMPTS);
    c.advance(Duration::seconds(31));
    match v.unlock("000000") {
        Err(Error::WrongSecret {
            retry_after: Some(t),
        }) => assert_eq!(t, c.now() + Duration::seconds(60)),
        other => panic!("{other:?}"),
    }
    c.advance(Duration::seconds(61));
    v.unlock("246810").unwrap();
    assert_eq!(v.status().unwrap().failed_attempts, 0);
}

#[test]
fn damaged_slot_reads_as_a_wrong_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = new_vault(dir.path(), clock());
    v.lock();
    let path = dir.path().join(KEY_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8 + 16 + 16 + 13 + 30] ^= 0x40; // inside the PIN slot's ciphertext
    std::fs::write(&path, &bytes).unwrap();
    let v = reopen(dir.path(), clock());
    let err = v.unlock("246810").unwrap_err();
    let wrong = v.unlock("135799").unwrap_err();
    assert_eq!(err.to_string(), wrong.to_string());
}

#[test]
fn change_secret_and_recover() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (v, code) = new_vault(dir.path(), c.clone());
    put(&v, "kept");
    v.change_secret("246810", "passphrase words").unwrap();
    v.lock();
    assert!(v.unlock("246810").is_err());
    v.unlock("passphrase words").unwrap();
    v.lock();
    let v = reopen(dir.path(), c);
    assert!(v
        .recover("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG", "111222")
        .is_err());
    v.recover(&code.as_str().to_lowercase(), "135791").unwrap();
    assert_eq!(get(&v).as_deref(), Some(&b"kept"[..]));
    v.lock();
    v.unlock("135791").unwrap();
    // The recovery code is not a PIN.
    v.lock();
    assert!(v.unlock(code.as_str()).is_err());
}

#[test]
fn duress_pin_opens_the_decoy_not_the_real_data() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (v, _) = new_vault(dir.path(), c.clone());
    put(&v, "real");
    v.set_duress_secret("246810", "975310").unwrap();
    assert_eq!(v.classify_secret("975310").unwrap(), SecretMatch::Duress);
    assert_eq!(v.classify_secret("246810").unwrap(), SecretMatch::Pin);
    v.lock();
    v.unlock("975310").unwrap();
    assert_eq!(get(&v), None);
    v.lock();
    v.unlock("246810").unwrap();
    assert_eq!(get(&v).as_deref(), Some(&b"real"[..]));
}

#[test]
fn key_file_has_a_fixed_size_whatever_is_set() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (va, _) = new_vault(a.path(), clock());
    new_vault(b.path(), clock());
    va.set_duress_secret("246810", "975310").unwrap();
    let la = std::fs::metadata(a.path().join(KEY_FILE)).unwrap().len();
    let lb = std::fs::metadata(b.path().join(KEY_FILE)).unwrap().len();
    assert_eq!(la, lb);
}

#[test]
fn backoff_grows_and_is_capped() {
    assert_eq!(backoff(4), None);
    assert_eq!(backoff(5), Some(Duration::seconds(30)));
    assert_eq!(backoff(6), Some(Duration::seconds(60)));
    assert_eq!(backoff(40), Some(Duration::seconds(MAX_DELAY_SECS)));
}

#[test]
fn removed_duress_pin_opens_nothing_and_the_pin_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = new_vault(dir.path(), clock());
    put(&v, "real");
    v.set_duress_secret("246810", "975310").unwrap();
    // A wrong PIN cannot remove it; the duress PIN removes only the decoy's own duress PIN.
    assert!(matches!(
        v.remove_duress_secret("111111"),
        Err(Error::WrongSecret { .. })
    ));
    v.remove_duress_secret("975310").unwrap();
    assert_eq!(v.classify_secret("975310").unwrap(), SecretMatch::Duress);
    let before = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().len();
    v.remove_duress_secret("246810").unwrap();
    assert_eq!(
        std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().len(),
        before
    );
    v.lock();
    assert!(matches!(v.unlock("975310"), Err(Error::WrongSecret { .. })));
    v.unlock("246810").unwrap();
    assert_eq!(get(&v).as_deref(), Some(&b"real"[..]));
}

#[test]
fn duress_pin_is_set_and_removed_with_the_pin_alone_and_verify_still_passes() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (v, _) = new_vault(dir.path(), c.clone());
    put(&v, "real");
    // No session is needed: the PIN's slot leads to the decoy's key.
    v.lock();
    let locked = reopen(dir.path(), c.clone());
    locked.set_duress_secret("246810", "975310").unwrap();
    assert!(!locked.is_unlocked());
    locked.unlock("975310").unwrap();
    assert_eq!(get(&locked), None);
    locked.verify_storage().unwrap();
    locked.lock();
    locked.remove_duress_secret("246810").unwrap();
    assert!(matches!(
        locked.unlock("975310"),
        Err(Error::WrongSecret { .. })
    ));
    // The decoy vouches for the duress slot: removing it must not look like tampering.
    locked.unlock("246810").unwrap();
    locked.verify_storage().unwrap();
    assert_eq!(get(&locked).as_deref(), Some(&b"real"[..]));
}

/// In a decoy, "set duress PIN" behaves as in a real vault (issue 15): the duress PIN sets the
/// decoy's own duress PIN, which then opens something (the decoy again, never the real store),
/// can be changed and removed, and `verify` passes with every PIN. The real PIN chosen as that
/// duress PIN, or as the decoy's PIN, is refused (it would open the real store).
#[test]
fn the_duress_pin_manages_the_decoys_own_duress_pin_as_a_real_vault_does() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock();
    let (v, _) = new_vault(dir.path(), c.clone());
    put(&v, "real");
    v.set_duress_secret("246810", "975310").unwrap();
    v.lock();
    v.unlock("975310").unwrap();
    put(&v, "decoy");
    v.set_duress_secret("975310", "864200").unwrap();
    assert_eq!(v.status().unwrap().failed_attempts, 0);
    v.lock();
    for (secret, seen) in [("864200", "decoy"), ("975310", "decoy"), ("246810", "real")] {
        v.unlock(secret).unwrap();
        assert_eq!(get(&v).as_deref(), Some(seen.as_bytes()), "{secret}");
        v.verify_storage().unwrap();
        v.lock();
    }
    assert_eq!(v.classify_secret("864200").unwrap(), SecretMatch::Duress);
    // Changed and removed from the decoy; the real PIN and the real duress PIN are untouched.
    v.set_duress_secret("975310", "531086").unwrap();
    assert!(matches!(v.unlock("864200"), Err(Error::WrongSecret { .. })));
    v.remove_duress_secret("975310").unwrap();
    assert!(matches!(v.unlock("531086"), Err(Error::WrongSecret { .. })));
    // The decoy's "PIN" changed to the real PIN would open the real store: refused.
    let err = v.set_duress_secret("975310", "246810").unwrap_err();
    assert_eq!(err.to_string(), "duress PIN: choose a different one");
    let err = v.change_secret("975310", "246810").unwrap_err();
    assert_eq!(err.to_string(), "new PIN: choose a different one");
    for (secret, seen) in [("975310", "decoy"), ("246810", "real")] {
        v.unlock(secret).unwrap();
        assert_eq!(get(&v).as_deref(), Some(seen.as_bytes()), "{secret}");
        v.verify_storage().unwrap();
        v.lock();
    }
    // The real PIN changed to the decoy's duress PIN would hand it the real store: refused.
    v.set_duress_secret("975310", "864200").unwrap();
    assert!(v.change_secret("246810", "864200").is_err());
    v.unlock("864200").unwrap();
    assert_eq!(get(&v).as_deref(), Some(&b"decoy"[..]));
}

#[test]
fn a_weak_duress_pin_is_named_as_the_duress_pin() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = new_vault(dir.path(), clock());
    let err = v.set_duress_secret("246810", "1234").unwrap_err();
    assert_eq!(err.to_string(), "duress PIN: must be at least 6 digits");
    let err = v.set_duress_secret("246810", "short").unwrap_err();
    assert!(err.to_string().starts_with("duress passphrase: "), "{err}");
    let err = v.set_duress_secret("246810", "246810").unwrap_err();
    assert_eq!(err.to_string(), "duress PIN: must differ from your PIN");
}
