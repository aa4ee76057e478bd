//! The cancel and duress secrets of one check-in, and the hash the relay keeps of each.
//!
//! The phone makes both at arm time and keeps them (vault and armed file); the relay receives
//! only their hashes. Checking in (or cancelling) sends one of the two secrets: the cancel secret
//! ends the check-in quietly; the duress secret gets the same reply but sends the alert at once.
//! A phone without a duress PIN still makes and registers a duress secret (and never uses it), so
//! the relay's rows look the same whether or not the person has one.
//!
//! Why a plain (domain-separated) SHA-256 and not a keyed or slow hash: each secret is 32 bytes
//! from the system's secure random generator, so there is nothing to guess; a salt, a relay-held
//! key (HMAC) or Argon2 protect low-entropy secrets such as PINs and would add a key to keep or a
//! cost per request without making a 256-bit preimage any harder to find. The check-in id is
//! hashed in, so the same secret used twice would still give unrelated hashes.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::b64::b64_newtype;
use crate::ids::CheckinId;

const HASH_CONTEXT: &[u8] = b"waymark-relay secret v1\0";

/// A cancel or duress secret: 32 random bytes. Never logged (`Debug` hides it), wiped on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct CheckinSecret(pub [u8; 32]);
b64_newtype!(CheckinSecret, 32, "secret");

impl std::fmt::Debug for CheckinSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckinSecret(..)")
    }
}

impl CheckinSecret {
    pub fn random() -> crate::Result<Self> {
        let mut b = [0u8; 32];
        crate::random(&mut b)?;
        Ok(CheckinSecret(b))
    }

    /// What the relay stores for this secret of this check-in.
    pub fn hash(&self, checkin: &CheckinId) -> SecretHash {
        SecretHash(crate::sha256(&[HASH_CONTEXT, checkin.as_bytes(), &self.0]))
    }
}

/// SHA-256("waymark-relay secret v1\0" ‖ check-in id (16 bytes) ‖ secret (32 bytes)).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SecretHash(pub [u8; 32]);
b64_newtype!(SecretHash, 32, "secret hash");

/// Which of a check-in's two secrets was presented.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SecretMatch {
    Cancel,
    Duress,
    Neither,
}

/// Compares a presented secret with both stored hashes, always both and in constant time, so the
/// time taken does not say which one matched.
pub fn match_secret(
    checkin: &CheckinId,
    presented: &CheckinSecret,
    cancel: &SecretHash,
    duress: &SecretHash,
) -> SecretMatch {
    let h = presented.hash(checkin);
    let is_cancel = crate::constant_time_eq(&h.0, &cancel.0);
    let is_duress = crate::constant_time_eq(&h.0, &duress.0);
    match (is_cancel, is_duress) {
        (true, _) => SecretMatch::Cancel,
        (false, true) => SecretMatch::Duress,
        _ => SecretMatch::Neither,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_secret_matches_only_its_own_hash_and_check_in() {
        let id = CheckinId::random().unwrap();
        let other = CheckinId::random().unwrap();
        let cancel = CheckinSecret::random().unwrap();
        let duress = CheckinSecret::random().unwrap();
        let (ch, dh) = (cancel.hash(&id), duress.hash(&id));
        assert_ne!(ch, dh);
        assert_eq!(match_secret(&id, &cancel, &ch, &dh), SecretMatch::Cancel);
        assert_eq!(match_secret(&id, &duress, &ch, &dh), SecretMatch::Duress);
        let wrong = CheckinSecret::random().unwrap();
        assert_eq!(match_secret(&id, &wrong, &ch, &dh), SecretMatch::Neither);
        // The same secret under another check-in id hashes differently.
        assert_ne!(cancel.hash(&other), ch);
        assert_eq!(
            match_secret(&other, &cancel, &ch, &dh),
            SecretMatch::Neither
        );
    }

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let s = CheckinSecret([7u8; 32]);
        let shown = format!("{s:?}");
        assert!(!shown.contains('7'), "{shown}");
    }

    #[test]
    fn hash_is_the_documented_sha256() {
        let id = CheckinId([1u8; 16]);
        let s = CheckinSecret([2u8; 32]);
        let mut input = b"waymark-relay secret v1\0".to_vec();
        input.extend_from_slice(&[1u8; 16]);
        input.extend_from_slice(&[2u8; 32]);
        let expect = ring::digest::digest(&ring::digest::SHA256, &input);
        assert_eq!(&s.hash(&id).0[..], expect.as_ref());
    }
}
