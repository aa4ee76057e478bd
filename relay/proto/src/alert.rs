//! The alert: the texts the relay sends if nobody checks in, sealed to the relay's key.
//!
//! Sealing is HPKE base mode (RFC 9180) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
//! ChaCha20Poly1305, info `"waymark-relay alert v1"` and the check-in id as associated data (an
//! alert cannot be moved to another check-in). The plaintext is padded to one fixed size
//! ([`ALERT_PLAINTEXT_BYTES`]), so a stored alert does not show how many people it goes to or how
//! long the texts are: 4 bytes of big-endian length, the JSON `{"messages":[{"to","body"}]}`,
//! then zero bytes.

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::ids::CheckinId;
use crate::relay_key::{RelayKem, RelayKeyPair, RelayPublicKey};

/// Every sealed alert's plaintext is exactly this long (length prefix + JSON + zero padding).
pub const ALERT_PLAINTEXT_BYTES: usize = 8192;
/// The sealed alert's ciphertext: the padded plaintext plus ChaCha20Poly1305's 16-byte tag.
pub const ALERT_CIPHERTEXT_BYTES: usize = ALERT_PLAINTEXT_BYTES + 16;
/// At most this many texts per alert.
pub const MAX_MESSAGES: usize = 8;
/// At most this many characters per text (ten concatenated SMS parts in GSM-7).
pub const MAX_BODY_CHARS: usize = 1600;

const INFO: &[u8] = b"waymark-relay alert v1";

/// One text to send: an E.164 number (`+` then 7 to 15 digits, e.g. `+447700900123`) and its body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertMessage {
    pub to: String,
    pub body: String,
}

impl std::fmt::Debug for AlertMessage {
    // Numbers and texts are personal: never in debug output or logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlertMessage({} chars)", self.body.chars().count())
    }
}

impl AlertMessage {
    pub fn new(to: impl Into<String>, body: impl Into<String>) -> crate::Result<Self> {
        let m = AlertMessage {
            to: to.into(),
            body: body.into(),
        };
        m.validate()?;
        Ok(m)
    }

    fn validate(&self) -> crate::Result<()> {
        let digits = self.to.strip_prefix('+').unwrap_or("");
        if !(7..=15).contains(&digits.len())
            || !digits.bytes().all(|c| c.is_ascii_digit())
            || digits.starts_with('0')
        {
            return Err(crate::Error::Invalid(
                "a number must be international: + and 7 to 15 digits, e.g. +447700900123".into(),
            ));
        }
        let chars = self.body.chars().count();
        if chars == 0 || chars > MAX_BODY_CHARS {
            return Err(crate::Error::Invalid(format!(
                "a text must have 1 to {MAX_BODY_CHARS} characters"
            )));
        }
        if self.body.chars().any(|c| c.is_control() && c != '\n') {
            return Err(crate::Error::Invalid(
                "a text may not hold control characters other than new lines".into(),
            ));
        }
        Ok(())
    }
}

/// The texts of one alert, in the order they are sent.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alert {
    pub messages: Vec<AlertMessage>,
}

impl Alert {
    pub fn new(messages: Vec<AlertMessage>) -> crate::Result<Self> {
        let a = Alert { messages };
        a.validate()?;
        Ok(a)
    }

    fn validate(&self) -> crate::Result<()> {
        if self.messages.is_empty() || self.messages.len() > MAX_MESSAGES {
            return Err(crate::Error::Invalid(format!(
                "an alert has 1 to {MAX_MESSAGES} texts"
            )));
        }
        self.messages.iter().try_for_each(AlertMessage::validate)
    }

    /// Seals the alert to the relay's key for this check-in.
    pub fn seal(&self, relay: &RelayPublicKey, checkin: &CheckinId) -> crate::Result<SealedAlert> {
        self.validate()?;
        let json =
            Zeroizing::new(serde_json::to_vec(self).map_err(|_| crate::Error::Malformed("alert"))?);
        if json.len() > ALERT_PLAINTEXT_BYTES - 4 {
            return Err(crate::Error::Invalid(format!(
                "the alert's texts are too long together (at most {} bytes)",
                ALERT_PLAINTEXT_BYTES - 4
            )));
        }
        let mut padded = Zeroizing::new(vec![0u8; ALERT_PLAINTEXT_BYTES]);
        padded[..4].copy_from_slice(&(json.len() as u32).to_be_bytes());
        padded[4..4 + json.len()].copy_from_slice(&json);
        let (enc, ciphertext) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, RelayKem>(
            &OpModeS::Base,
            &relay.hpke_public()?,
            INFO,
            &padded,
            checkin.as_bytes(),
        )
        .map_err(|_| crate::Error::Invalid("the alert could not be sealed".into()))?;
        let mut enc_bytes = [0u8; 32];
        enc_bytes.copy_from_slice(&enc.to_bytes());
        Ok(SealedAlert {
            enc: EncappedKey(enc_bytes),
            ciphertext,
        })
    }
}

/// HPKE's encapsulated key (the sender's ephemeral X25519 public key).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EncappedKey(pub [u8; 32]);
crate::b64::b64_newtype!(EncappedKey, 32, "encapsulated key");

/// An alert sealed to a relay's key: what the relay stores until the check-in ends.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedAlert {
    pub enc: EncappedKey,
    #[serde(with = "crate::b64::bytes")]
    pub ciphertext: Vec<u8>,
}

impl SealedAlert {
    /// Opens and checks the alert (the relay, with its key pair). Fails alike for a wrong key, a
    /// wrong check-in id, a changed byte, wrong padding or texts that break the limits.
    pub fn open(&self, relay: &RelayKeyPair, checkin: &CheckinId) -> crate::Result<Alert> {
        if self.ciphertext.len() != ALERT_CIPHERTEXT_BYTES {
            return Err(crate::Error::Malformed("sealed alert (wrong length)"));
        }
        let enc = <RelayKem as hpke::Kem>::EncappedKey::from_bytes(&self.enc.0)
            .map_err(|_| crate::Error::CannotOpen)?;
        let padded = Zeroizing::new(
            hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, RelayKem>(
                &OpModeR::Base,
                &relay.hpke_private()?,
                &enc,
                INFO,
                &self.ciphertext,
                checkin.as_bytes(),
            )
            .map_err(|_| crate::Error::CannotOpen)?,
        );
        let mut len = [0u8; 4];
        len.copy_from_slice(&padded[..4]);
        let len = u32::from_be_bytes(len) as usize;
        if len > ALERT_PLAINTEXT_BYTES - 4 || padded[4 + len..].iter().any(|&b| b != 0) {
            return Err(crate::Error::Malformed("alert padding"));
        }
        let alert: Alert = serde_json::from_slice(&padded[4..4 + len])
            .map_err(|_| crate::Error::Malformed("alert"))?;
        alert.validate()?;
        Ok(alert)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert() -> Alert {
        Alert::new(vec![
            AlertMessage::new("+447700900123", "Sam has not checked in. Plan: the gym.").unwrap(),
            AlertMessage::new("+447700900456", "Second buddy: please call Sam.\nThanks").unwrap(),
        ])
        .unwrap()
    }

    #[test]
    fn seal_then_open_gives_the_same_texts() {
        let relay = RelayKeyPair::generate().unwrap();
        let id = CheckinId::random().unwrap();
        let sealed = alert().seal(&relay.public_key(), &id).unwrap();
        assert_eq!(sealed.ciphertext.len(), ALERT_CIPHERTEXT_BYTES);
        assert_eq!(sealed.open(&relay, &id).unwrap(), alert());
        // JSON round trip, as stored and sent.
        let json = serde_json::to_string(&sealed).unwrap();
        let back: SealedAlert = serde_json::from_str(&json).unwrap();
        assert_eq!(back.open(&relay, &id).unwrap(), alert());
        assert!(!json.contains("7700900"), "sealed JSON holds a number");
    }

    #[test]
    fn every_sealed_alert_has_the_same_size() {
        let relay = RelayKeyPair::generate().unwrap();
        let id = CheckinId::random().unwrap();
        let short = Alert::new(vec![AlertMessage::new("+4477009001", "x").unwrap()]).unwrap();
        let long = Alert::new(
            (0..MAX_MESSAGES)
                .map(|i| AlertMessage::new(format!("+44770090012{i}"), "y".repeat(900)).unwrap())
                .collect(),
        )
        .unwrap();
        let a = short.seal(&relay.public_key(), &id).unwrap();
        let b = long.seal(&relay.public_key(), &id).unwrap();
        assert_eq!(a.ciphertext.len(), b.ciphertext.len());
        assert_eq!(b.open(&relay, &id).unwrap(), long);
    }

    #[test]
    fn only_the_right_key_and_check_in_open_it() {
        let relay = RelayKeyPair::generate().unwrap();
        let id = CheckinId::random().unwrap();
        let sealed = alert().seal(&relay.public_key(), &id).unwrap();
        let other = RelayKeyPair::generate().unwrap();
        assert_eq!(sealed.open(&other, &id), Err(crate::Error::CannotOpen));
        let other_id = CheckinId::random().unwrap();
        assert_eq!(
            sealed.open(&relay, &other_id),
            Err(crate::Error::CannotOpen)
        );
        for i in [0, 100, ALERT_CIPHERTEXT_BYTES - 1] {
            let mut bent = sealed.clone();
            bent.ciphertext[i] ^= 1;
            assert_eq!(bent.open(&relay, &id), Err(crate::Error::CannotOpen));
        }
        let mut bent = sealed.clone();
        bent.enc.0[3] ^= 1;
        assert!(bent.open(&relay, &id).is_err());
        let mut cut = sealed;
        cut.ciphertext.pop();
        assert!(cut.open(&relay, &id).is_err());
    }

    #[test]
    fn bad_texts_are_refused_before_sealing() {
        assert!(
            AlertMessage::new("07700900123", "hi").is_err(),
            "not international"
        );
        assert!(
            AlertMessage::new("+44 7700 900123", "hi").is_err(),
            "spaces"
        );
        assert!(AlertMessage::new("+0447700900123", "hi").is_err());
        assert!(AlertMessage::new("+123456", "hi").is_err(), "too short");
        assert!(
            AlertMessage::new("+1234567890123456", "hi").is_err(),
            "too long"
        );
        assert!(AlertMessage::new("+447700900123", "").is_err());
        assert!(AlertMessage::new("+447700900123", "a\u{1b}[2J").is_err());
        assert!(AlertMessage::new("+447700900123", "x".repeat(MAX_BODY_CHARS + 1)).is_err());
        assert!(Alert::new(vec![]).is_err());
        let m = AlertMessage::new("+447700900123", "hi").unwrap();
        assert!(Alert::new(vec![m; MAX_MESSAGES + 1]).is_err());
        // Within every per-text limit but too long together for the fixed size.
        let big = Alert::new(
            (0..MAX_MESSAGES)
                .map(|_| AlertMessage::new("+447700900123", "é".repeat(MAX_BODY_CHARS)).unwrap())
                .collect(),
        )
        .unwrap();
        let relay = RelayKeyPair::generate().unwrap();
        assert!(big
            .seal(&relay.public_key(), &CheckinId::random().unwrap())
            .is_err());
    }

    #[test]
    fn debug_output_shows_no_number_or_text() {
        let shown = format!("{:?}", alert());
        assert!(!shown.contains("7700") && !shown.contains("gym"), "{shown}");
    }
}
