//! The vault's Ed25519 key as standard tools see it: SubjectPublicKeyInfo PEM for openssl, and a
//! short fingerprint people can compare by eye.

use crate::{Error, Result};
use base64::Engine;
use ring::signature::{UnparsedPublicKey, ED25519};

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 },
/// BIT STRING { key } }.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

pub fn public_key_pem(key: &[u8; 32]) -> String {
    let mut der = SPKI_PREFIX.to_vec();
    der.extend_from_slice(key);
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    format!("-----BEGIN PUBLIC KEY-----\n{b64}\n-----END PUBLIC KEY-----\n")
}

pub fn parse_public_key_pem(pem: &str) -> Result<[u8; 32]> {
    let bad = || Error::integrity("signing-key.pem is not an Ed25519 public key");
    let body: String = pem
        .lines()
        .map(str::trim)
        .skip_while(|l| *l != "-----BEGIN PUBLIC KEY-----")
        .skip(1)
        .take_while(|l| *l != "-----END PUBLIC KEY-----")
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| bad())?;
    if der.len() != 44 || der[..12] != SPKI_PREFIX {
        return Err(bad());
    }
    der[12..].try_into().map_err(|_| bad())
}

pub fn verify_signature(key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, key)
        .verify(message, signature)
        .is_ok()
}

/// First 16 hex digits of SHA-256(key), grouped: enough to compare a key read over the phone.
pub fn fingerprint(key: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, key);
    let hex = hex::encode(&d.as_ref()[..8]);
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Signs with the vault's log key: one key signs tree heads and manifests, so the PEM in a bundle
/// checks both. Tree-head messages start with "waymark tree head v1\n" and manifests with "{",
/// so a signature over one can never pass as the other.
pub trait Signer {
    fn public_key(&self) -> Result<[u8; 32]>;
    fn sign(&self, message: &[u8]) -> Result<[u8; 64]>;
}

impl Signer for crate::vault::Vault {
    fn public_key(&self) -> Result<[u8; 32]> {
        let key = crate::log::IncidentLog::new(self).signing_public_key()?;
        key.try_into()
            .map_err(|_| Error::integrity("the signing key is damaged"))
    }
    fn sign(&self, message: &[u8]) -> Result<[u8; 64]> {
        self.with_keys(|k| {
            let sig = k.signing_key()?.sign(message);
            sig.as_ref()
                .try_into()
                .map_err(|_| Error::integrity("the signing key is damaged"))
        })
    }
}

#[cfg(test)]
pub(crate) struct TestSigner(pub ring::signature::Ed25519KeyPair);

#[cfg(test)]
impl TestSigner {
    pub fn new(seed: u8) -> Self {
        TestSigner(ring::signature::Ed25519KeyPair::from_seed_unchecked(&[seed; 32]).unwrap())
    }
}

#[cfg(test)]
impl Signer for TestSigner {
    fn public_key(&self) -> Result<[u8; 32]> {
        use ring::signature::KeyPair;
        Ok(self.0.public_key().as_ref().try_into().unwrap())
    }
    fn sign(&self, message: &[u8]) -> Result<[u8; 64]> {
        Ok(self.0.sign(message).as_ref().try_into().unwrap())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trips_and_openssl_reads_it() {
        let s = TestSigner::new(7);
        let key = s.public_key().unwrap();
        let pem = public_key_pem(&key);
        assert_eq!(parse_public_key_pem(&pem).unwrap(), key);
        assert!(parse_public_key_pem(
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
        )
        .is_err());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("k.pem"), &pem).unwrap();
        std::fs::write(dir.path().join("m"), b"{hello}").unwrap();
        std::fs::write(dir.path().join("s"), s.sign(b"{hello}").unwrap()).unwrap();
        match std::process::Command::new("openssl")
            .args([
                "pkeyutl", "-verify", "-pubin", "-inkey", "k.pem", "-rawin", "-in", "m",
                "-sigfile", "s",
            ])
            .current_dir(dir.path())
            .output()
        {
            Ok(out) => assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(_) => eprintln!("NOTICE: openssl not installed; skipping the openssl check"),
        }
    }
}
