//! The phone's signing key: Ed25519 (ring). The phone keeps the 32-byte seed (vault and armed
//! file, so a locked phone can still check in); the relay sees only the public key.

use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use zeroize::Zeroizing;

use crate::b64::b64_newtype;

/// An Ed25519 key pair made from a 32-byte seed.
pub struct DeviceKey {
    seed: Zeroizing<[u8; 32]>,
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceKey({})", self.public_key())
    }
}

impl DeviceKey {
    /// A new key from the system's secure random generator.
    pub fn generate() -> crate::Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        crate::random(&mut seed[..])?;
        Self::from_seed(&seed)
    }

    /// The key kept as its seed.
    pub fn from_seed(seed: &[u8; 32]) -> crate::Result<Self> {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed)
            .map_err(|_| crate::Error::Malformed("device key seed"))?;
        Ok(DeviceKey {
            seed: Zeroizing::new(*seed),
            pair,
        })
    }

    /// The seed to store (secret).
    pub fn seed(&self) -> &[u8; 32] {
        &self.seed
    }

    pub fn public_key(&self) -> DevicePublicKey {
        let mut b = [0u8; 32];
        b.copy_from_slice(self.pair.public_key().as_ref());
        DevicePublicKey(b)
    }

    pub(crate) fn sign(&self, msg: &[u8]) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(self.pair.sign(msg).as_ref());
        out
    }
}

/// A device's Ed25519 public key; in JSON and headers, unpadded base64url.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DevicePublicKey(pub [u8; 32]);
b64_newtype!(DevicePublicKey, 32, "device key");

impl DevicePublicKey {
    pub fn verify(&self, msg: &[u8], signature: &[u8]) -> crate::Result<()> {
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(msg, signature)
            .map_err(|_| crate::Error::BadSignature)
    }

    pub fn parse(text: &str) -> crate::Result<Self> {
        crate::b64::decode_array(text, "device key").map(DevicePublicKey)
    }
}

impl std::fmt::Display for DevicePublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::b64::encode(&self.0))
    }
}

impl std::fmt::Debug for DevicePublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DevicePublicKey({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_restored_from_its_seed_signs_the_same() {
        let k = DeviceKey::generate().unwrap();
        let again = DeviceKey::from_seed(k.seed()).unwrap();
        assert_eq!(k.public_key(), again.public_key());
        let sig = again.sign(b"hello");
        k.public_key().verify(b"hello", &sig).unwrap();
        assert_eq!(
            k.public_key().verify(b"hellp", &sig),
            Err(crate::Error::BadSignature)
        );
        let other = DeviceKey::generate().unwrap();
        assert!(other.public_key().verify(b"hello", &sig).is_err());
        assert_eq!(
            DevicePublicKey::parse(&k.public_key().to_string()).unwrap(),
            k.public_key()
        );
    }
}
