//! A vault created in a temporary folder, on a clock the test moves by hand.

use crate::PIN;
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;
use waymark_core::vault::{CreateOptions, RecoveryCode, Vault};
use waymark_core::ManualClock;

pub struct TestVault {
    pub vault: Vault,
    pub recovery: RecoveryCode,
    pub clock: Arc<ManualClock>,
    /// The vault folder (inside `tmp`).
    pub dir: PathBuf,
    pub tmp: tempfile::TempDir,
}

/// A vault with the test PIN, the cheap test key derivation, and a manual clock set to `start`.
pub fn manual_vault(start: DateTime<Utc>) -> TestVault {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let dir = tmp.path().join("vault");
    let clock = Arc::new(ManualClock::new(start));
    let (vault, recovery) =
        Vault::create(&dir, PIN, CreateOptions::for_tests(clock.clone())).expect("create a vault");
    TestVault {
        vault,
        recovery,
        clock,
        dir,
        tmp,
    }
}
