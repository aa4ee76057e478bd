//! Traits the shells implement: the hardware-backed PRF (Android Keystore, iOS Keychain/Secure
//! Enclave) and, where the shell wants control over time, a wall clock.

use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use crate::error::WaymarkError;
use crate::time::to_chrono;

/// Wall-clock time from the shell (tests use a fixed or scripted clock).
#[uniffi::export(foreign)]
pub trait WallClock: Send + Sync {
    fn now(&self) -> Result<SystemTime, WaymarkError>;
}

/// Adapts a shell clock to the core's. A clock that throws or returns nonsense must not break
/// a write in progress, so the system clock answers instead and the failure is logged.
pub(crate) struct ShellClock(pub(crate) Arc<dyn WallClock>);

impl waymark_core::Clock for ShellClock {
    fn now(&self) -> DateTime<Utc> {
        match self
            .0
            .now()
            .map_err(waymark_core::Error::from)
            .and_then(|t| Ok(to_chrono(t)?))
        {
            Ok(t) => t,
            Err(_) => {
                tracing::warn!("the platform clock failed; using the system clock");
                Utc::now()
            }
        }
    }
}

/// A keyed pseudo-random function whose key never leaves secure hardware: an HMAC-SHA256 key
/// in the Android Keystore (StrongBox where present) or the iOS Keychain / Secure Enclave.
/// The vault mixes its output into every key-encryption key, so a copy of the app's files
/// cannot be attacked off the phone.
///
/// `evaluate` must be deterministic for the life of the install and return exactly 32 bytes.
#[uniffi::export(foreign)]
pub trait HardwarePrf: Send + Sync {
    fn evaluate(&self, input: Vec<u8>) -> Result<Vec<u8>, WaymarkError>;
}

/// Adapts the shell's PRF to the core's: exactly 32 bytes in and out, every failure an error.
pub(crate) struct ShellPrf(pub(crate) Arc<dyn HardwarePrf>);

impl waymark_core::vault::HardwarePrf for ShellPrf {
    fn prf(&self, input: &[u8; 32]) -> waymark_core::Result<[u8; 32]> {
        let out = self.0.evaluate(input.to_vec())?;
        <[u8; 32]>::try_from(out.as_slice()).map_err(|_| {
            waymark_core::Error::invalid("hardware PRF", "must return exactly 32 bytes")
        })
    }
}
