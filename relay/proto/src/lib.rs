//! The wire protocol between a Waymark phone and an off-phone check-in relay (issue 16).
//!
//! Both sides build on this crate: the phone's core to arm, sign and seal, the relay
//! (`waymark-relay`) to verify and open. It has no network or async code, so the core can depend
//! on it cheaply. What each piece is for:
//!
//! - [`relay_key`]: the relay's X25519 key pair and the public-key document phones fetch and pin
//!   (with a fingerprint a person can compare).
//! - [`alert`]: the texts the relay sends if the person does not check in, sealed to the relay's
//!   key with HPKE (RFC 9180) and padded to one fixed size.
//! - [`secret`]: the cancel and duress secrets (32 random bytes each) and the hash the relay
//!   keeps of each.
//! - [`device`]: the phone's Ed25519 key that signs every request.
//! - [`sign`]: the signed request (headers + body) and its verification.
//! - [`api`]: the paths, the JSON bodies and replies, and the limits both sides check.
//!
//! docs/ARCHITECTURE.md ("Relay") says what the relay stores and why.

pub mod alert;
pub mod api;
mod b64;
pub mod device;
pub mod ids;
pub mod relay_key;
pub mod secret;
pub mod sign;

pub use alert::{Alert, AlertMessage, SealedAlert};
pub use api::*;
pub use device::{DeviceKey, DevicePublicKey};
pub use ids::{CheckinId, RequestId};
pub use relay_key::{RelayKeyDocument, RelayKeyPair, RelayPublicKey};
pub use secret::{CheckinSecret, SecretHash, SecretMatch};
pub use sign::{SignedRequest, VerifiedRequest};

/// Everything that can go wrong building, reading or checking a protocol value. The messages are
/// plain and never carry a secret, a number or a text (the relay returns them as 4xx reasons).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Error {
    #[error("malformed {0}")]
    Malformed(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("bad signature")]
    BadSignature,
    #[error("the request's time is more than {0} seconds from the relay's clock")]
    Stale(u64),
    #[error("the alert could not be opened with this relay's key")]
    CannotOpen,
    #[error("the system's random number generator failed")]
    Random,
}

pub type Result<T> = std::result::Result<T, Error>;

/// Fills `buf` from the operating system's secure random generator.
pub(crate) fn random(buf: &mut [u8]) -> Result<()> {
    use ring::rand::SecureRandom;
    ring::rand::SystemRandom::new()
        .fill(buf)
        .map_err(|_| Error::Random)
}

/// SHA-256 of the parts, one after another.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// Equality that takes the same time wherever the first difference is (for secret hashes).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}
