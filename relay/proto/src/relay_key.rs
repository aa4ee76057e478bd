//! The relay's key pair (HPKE, X25519) and the public-key document a phone fetches, shows by its
//! fingerprint and pins.

use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, Serializable};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::b64::b64_newtype;

/// The protocol name and version both sides announce.
pub const PROTOCOL: &str = "waymark-relay/1";
/// The HPKE suite (RFC 9180 names) every alert is sealed with.
pub const SUITE: &str = "DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305";

const FINGERPRINT_CONTEXT: &[u8] = b"waymark-relay key v1\0";

pub(crate) type RelayKem = X25519HkdfSha256;

/// The relay's X25519 key pair. The private half lives only in the relay's key file.
#[derive(Clone)]
pub struct RelayKeyPair {
    secret: Zeroizing<[u8; 32]>,
    public: RelayPublicKey,
}

impl std::fmt::Debug for RelayKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RelayKeyPair({})", self.public.fingerprint())
    }
}

impl RelayKeyPair {
    /// A new key pair from the system's secure random generator.
    pub fn generate() -> crate::Result<Self> {
        let mut secret = Zeroizing::new([0u8; 32]);
        crate::random(&mut secret[..])?;
        Self::from_secret(&secret)
    }

    /// The key pair from its 32-byte X25519 private key.
    pub fn from_secret(secret: &[u8; 32]) -> crate::Result<Self> {
        let sk = <RelayKem as Kem>::PrivateKey::from_bytes(secret)
            .map_err(|_| crate::Error::Malformed("relay private key"))?;
        let pk = <RelayKem as Kem>::sk_to_pk(&sk);
        let mut public = [0u8; 32];
        public.copy_from_slice(&pk.to_bytes());
        Ok(RelayKeyPair {
            secret: Zeroizing::new(*secret),
            public: RelayPublicKey(public),
        })
    }

    /// The private key to store (secret).
    pub fn secret(&self) -> &[u8; 32] {
        &self.secret
    }

    pub fn public_key(&self) -> RelayPublicKey {
        self.public
    }

    pub(crate) fn hpke_private(&self) -> crate::Result<<RelayKem as Kem>::PrivateKey> {
        <RelayKem as Kem>::PrivateKey::from_bytes(&self.secret[..])
            .map_err(|_| crate::Error::Malformed("relay private key"))
    }

    /// The document served at [`crate::api::PATH_KEY`].
    pub fn document(&self) -> RelayKeyDocument {
        RelayKeyDocument::for_key(self.public)
    }
}

/// The relay's X25519 public key; in JSON, unpadded base64url.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelayPublicKey(pub [u8; 32]);
b64_newtype!(RelayPublicKey, 32, "relay key");

impl std::fmt::Debug for RelayPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RelayPublicKey({})", self.fingerprint())
    }
}

impl RelayPublicKey {
    /// What a person compares: the first 16 bytes of
    /// SHA-256("waymark-relay key v1\0" ‖ public key) as 8 groups of 4 lowercase hex digits,
    /// e.g. `3f2a 9c1e 0b7d 44a1 9e02 c3f8 5d16 7b90`. (The phone pins the whole key.)
    pub fn fingerprint(&self) -> String {
        let h = crate::sha256(&[FINGERPRINT_CONTEXT, &self.0]);
        let hexed = hex::encode(&h[..16]);
        hexed
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(crate) fn hpke_public(&self) -> crate::Result<<RelayKem as Kem>::PublicKey> {
        <RelayKem as Kem>::PublicKey::from_bytes(&self.0)
            .map_err(|_| crate::Error::Malformed("relay key"))
    }
}

/// `GET /v1/key`: the relay's public key and what it is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayKeyDocument {
    /// [`PROTOCOL`].
    pub protocol: String,
    /// [`SUITE`].
    pub suite: String,
    pub public_key: RelayPublicKey,
    /// [`RelayPublicKey::fingerprint`] of `public_key`.
    pub fingerprint: String,
}

impl RelayKeyDocument {
    pub fn for_key(key: RelayPublicKey) -> Self {
        RelayKeyDocument {
            protocol: PROTOCOL.into(),
            suite: SUITE.into(),
            public_key: key,
            fingerprint: key.fingerprint(),
        }
    }

    /// The key, if the document speaks this protocol and suite and its fingerprint is the key's
    /// own (a phone calls this before showing the fingerprint and pinning the key).
    pub fn check(&self) -> crate::Result<RelayPublicKey> {
        if self.protocol != PROTOCOL {
            return Err(crate::Error::Invalid(format!(
                "the relay speaks {:?}, not {PROTOCOL}",
                self.protocol
            )));
        }
        if self.suite != SUITE {
            return Err(crate::Error::Invalid(
                "the relay's key is for another cipher suite".into(),
            ));
        }
        if self.fingerprint != self.public_key.fingerprint() {
            return Err(crate::Error::Invalid(
                "the relay's fingerprint does not match its key".into(),
            ));
        }
        self.public_key.hpke_public()?;
        Ok(self.public_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_pair_round_trips_through_its_secret() {
        let k = RelayKeyPair::generate().unwrap();
        let again = RelayKeyPair::from_secret(k.secret()).unwrap();
        assert_eq!(k.public_key(), again.public_key());
        assert_ne!(
            RelayKeyPair::generate().unwrap().public_key(),
            k.public_key()
        );
    }

    #[test]
    fn fingerprint_is_eight_groups_of_four_hex_digits() {
        let fp = RelayPublicKey([9u8; 32]).fingerprint();
        let groups: Vec<_> = fp.split(' ').collect();
        assert_eq!(groups.len(), 8, "{fp}");
        assert!(groups
            .iter()
            .all(|g| g.len() == 4 && g.bytes().all(|c| c.is_ascii_hexdigit())));
        assert_ne!(fp, RelayPublicKey([8u8; 32]).fingerprint());
    }

    #[test]
    fn a_document_is_checked_before_its_key_is_used() {
        let k = RelayKeyPair::generate().unwrap();
        let doc = k.document();
        let json = serde_json::to_string(&doc).unwrap();
        let back: RelayKeyDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(back.check().unwrap(), k.public_key());

        let mut swapped = back.clone();
        swapped.public_key = RelayKeyPair::generate().unwrap().public_key();
        assert!(swapped.check().is_err(), "fingerprint of another key");
        let mut old = back.clone();
        old.protocol = "waymark-relay/0".into();
        assert!(old.check().is_err());
        let mut suite = back;
        suite.suite = "DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM".into();
        assert!(suite.check().is_err());
    }
}
