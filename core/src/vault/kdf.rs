//! Stretching the person's secret: Argon2id, then a hardware-bound PRF, then HKDF per slot.

use crate::error::{Error, Result};
use argon2::{Algorithm, Argon2, Params, Version};
use ring::hmac;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// A keyed PRF whose key never leaves secure hardware (Android Keystore HMAC key, iOS Keychain).
/// Because the key is on the device, a copy of the vault's files cannot be brute-forced elsewhere.
pub trait HardwarePrf: Send + Sync {
    fn prf(&self, input: &[u8; 32]) -> Result<[u8; 32]>;
}

/// HMAC-SHA256 with a key that is NOT protected by any hardware. It exists so the CLI and tests
/// run the same code path as the phones; it adds no protection against someone who copies files.
pub struct SoftwarePrfNoHardware {
    key: hmac::Key,
}

impl SoftwarePrfNoHardware {
    pub fn new(key: &[u8]) -> Self {
        SoftwarePrfNoHardware {
            key: hmac::Key::new(hmac::HMAC_SHA256, key),
        }
    }
}

impl Default for SoftwarePrfNoHardware {
    fn default() -> Self {
        Self::new(b"waymark software prf: no hardware protection")
    }
}

impl HardwarePrf for SoftwarePrfNoHardware {
    fn prf(&self, input: &[u8; 32]) -> Result<[u8; 32]> {
        let tag = hmac::sign(&self.key, input);
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        Ok(out)
    }
}

/// Argon2id parameters, stored in the key file so later unlocks use what creation chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Format version of this parameter block (1 = Argon2id v1.3, 32-byte output).
    pub version: u8,
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

pub const KDF_VERSION: u8 = 1;
/// Upper bound on memory so low-end phones are not killed by the OS: 64 MiB.
pub const MAX_MEMORY_KIB: u32 = 64 * 1024;

/// How to choose parameters when a vault is created.
#[derive(Debug, Clone, Copy)]
pub enum KdfChoice {
    /// Time Argon2id on this machine and pick parameters that take about `target`.
    Calibrate { target: Duration },
    /// Exact parameters (tests use small ones; never weaker than `KdfParams::MIN_FOR_TESTS`).
    Fixed(KdfParams),
}

impl KdfChoice {
    pub fn default_calibrated() -> Self {
        KdfChoice::Calibrate {
            target: Duration::from_millis(500),
        }
    }
}

impl KdfParams {
    /// Deliberately cheap; only for tests and throw-away demo vaults.
    pub const MIN_FOR_TESTS: KdfParams = KdfParams {
        version: KDF_VERSION,
        memory_kib: 1024,
        iterations: 1,
        lanes: 1,
    };

    pub(crate) fn validate(&self) -> Result<()> {
        let ok = self.version == KDF_VERSION
            && (8..=MAX_MEMORY_KIB).contains(&self.memory_kib)
            && (1..=64).contains(&self.iterations)
            && (1..=8).contains(&self.lanes)
            && self.memory_kib >= 8 * self.lanes;
        if ok {
            Ok(())
        } else {
            Err(Error::integrity(
                "the key file has unknown or damaged settings",
            ))
        }
    }
}

pub(crate) fn argon2id(
    secret: &[u8],
    salt: &[u8; 16],
    p: &KdfParams,
) -> Result<Zeroizing<[u8; 32]>> {
    p.validate()?;
    let params = Params::new(p.memory_kib, p.iterations, p.lanes, Some(32))
        .map_err(|_| Error::integrity("the key file has unknown or damaged settings"))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|_| Error::invalid("secret", "could not be processed"))?;
    Ok(out)
}

/// Full memory (64 MiB), then as many passes as fit in `target`. The first pass carries the
/// one-off cost of touching 64 MiB, so the estimate is refined once at the chosen pass count.
pub(crate) fn calibrate(target: Duration) -> Result<KdfParams> {
    let mut p = KdfParams {
        version: KDF_VERSION,
        memory_kib: MAX_MEMORY_KIB,
        iterations: 1,
        lanes: 1,
    };
    for _ in 0..2 {
        let start = Instant::now();
        argon2id(b"calibration", &[0u8; 16], &p)?;
        let per_pass =
            start.elapsed().max(Duration::from_millis(1)).as_secs_f64() / p.iterations as f64;
        let next = ((target.as_secs_f64() / per_pass).round() as u32).clamp(1, 64);
        if next == p.iterations {
            break;
        }
        p.iterations = next;
    }
    Ok(p)
}

/// HKDF-SHA256 expand of `ikm` with `salt` and `info` parts, 32 bytes out.
pub(crate) fn hkdf32(salt: &[u8], ikm: &[u8], info: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    struct Len32;
    impl ring::hkdf::KeyType for Len32 {
        fn len(&self) -> usize {
            32
        }
    }
    let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, salt).extract(ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    // Only fails if the output length is over 255 * 32 bytes, which 32 never is.
    if let Ok(okm) = prk.expand(info, Len32) {
        let _ = okm.fill(out.as_mut());
    }
    out
}
