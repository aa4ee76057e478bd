//! Shared by the integration tests: Rust stand-ins for what the shells implement.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use waymark_core::vault::{HardwarePrf as CorePrf, SoftwarePrfNoHardware};
use waymark_ffi::{
    create_vault, CreatedVault, HardwarePrf, KeyDerivation, WallClock, WaymarkError,
};

/// What a shell's Keystore PRF does, in software (the core's test PRF behind the FFI trait).
pub struct TestPrf(SoftwarePrfNoHardware);

impl TestPrf {
    pub fn new() -> Arc<Self> {
        Arc::new(TestPrf(SoftwarePrfNoHardware::default()))
    }
}

impl HardwarePrf for TestPrf {
    fn evaluate(&self, input: Vec<u8>) -> Result<Vec<u8>, WaymarkError> {
        let input: [u8; 32] = input.try_into().map_err(|_| WaymarkError::InvalidInput {
            field: "input".into(),
            reason: "not 32 bytes".into(),
        })?;
        let out = self.0.prf(&input).map_err(WaymarkError::from)?;
        Ok(out.to_vec())
    }
}

/// A clock the test moves by hand.
pub struct TestClock(pub Mutex<SystemTime>);

impl TestClock {
    pub fn new() -> Arc<Self> {
        Arc::new(TestClock(Mutex::new(
            UNIX_EPOCH + Duration::from_secs(1_780_000_000),
        )))
    }
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
    pub fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl WallClock for TestClock {
    fn now(&self) -> Result<SystemTime, WaymarkError> {
        Ok(TestClock::now(self))
    }
}

pub const PIN: &str = "428613";

pub fn new_vault(dir: &std::path::Path, clock: Arc<TestClock>) -> CreatedVault {
    match create_vault(
        dir.join("vault").to_string_lossy().into_owned(),
        PIN.into(),
        TestPrf::new(),
        KeyDerivation::MinimalForTestsOnly,
        Some(clock),
    ) {
        Ok(v) => v,
        Err(e) => panic!("creating a test vault failed: {e}"),
    }
}
