//! The off-phone relay (issue 16), phone side: a relay holds a sealed copy of the check-in's
//! alert and sends it if the deadline plus grace passes with no check-in, so buddies are
//! alerted even if the phone is taken, switched off or smashed.
//!
//! The core builds every request and reads every reply; it does no network I/O (the CLI and
//! the app model's `Http` effect carry the bytes). The wire format, signing and sealing are
//! `waymark-relay-proto`'s.
//!
//! What lives where (never in plaintext on disk):
//! - The relay chosen and its pinned public key (`PinnedRelay`) and this phone's Ed25519 device
//!   key: the vault's `safety_settings` (SQLCipher).
//! - Per check-in (`RelayTicket`, inside the check-in record): the relay's URL and key, the
//!   relay-side check-in id, the device key's seed, the cancel secret and the duress secret. The
//!   record is stored in the database and copied into the armed file (sealed with the device-bound
//!   key), so a locked phone can still check in, or send the duress secret, with no PIN-derived key.
//! - The relay keeps only hashes of the two secrets, and the alert sealed to its own key.

use super::checkin::CheckIn;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use waymark_relay_proto as proto;
use zeroize::{Zeroize, Zeroizing};

pub use proto::CheckinState as RelayState;

/// The `safety_settings` keys.
pub(crate) const SETTING_PIN: &str = "relay.pin";
pub(crate) const SETTING_DEVICE: &str = "relay.device";

/// The relay the person chose, with the public key pinned on first use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedRelay {
    /// Normalised (see `normalise_url`).
    pub url: String,
    pub key: proto::RelayPublicKey,
}

impl PinnedRelay {
    /// What a person compares with what the relay's operator publishes: 8 groups of 4 hex digits.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint()
    }
}

/// A relay's key, compared with the one pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyCheck {
    /// No relay was pinned, or another URL was: this is first use.
    First { fingerprint: String },
    /// The pinned key.
    Same { fingerprint: String },
    /// The relay at the pinned URL now shows another key: refused until the person accepts it.
    Changed { pinned: String, offered: String },
}

/// A device seed that is wiped when dropped and stored as hex inside encrypted records only.
#[derive(Clone, PartialEq, Eq, Zeroize)]
#[zeroize(drop)]
pub(crate) struct Seed(pub [u8; 32]);

impl Serialize for Seed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&Zeroizing::new(hex::encode(self.0)))
    }
}

impl<'de> Deserialize<'de> for Seed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = Zeroizing::new(String::deserialize(d)?);
        let mut b = [0u8; 32];
        hex::decode_to_slice(text.as_bytes(), &mut b)
            .map_err(|_| serde::de::Error::custom("malformed device key"))?;
        Ok(Seed(b))
    }
}

/// What one check-in needs to talk to its relay, kept with the check-in (database and armed
/// file). Never shown; `Debug` leaves the secrets out.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct RelayTicket {
    pub(crate) url: String,
    pub(crate) relay_key: proto::RelayPublicKey,
    pub(crate) id: proto::CheckinId,
    pub(crate) device: Seed,
    pub(crate) cancel: proto::CheckinSecret,
    pub(crate) duress: proto::CheckinSecret,
}

impl std::fmt::Debug for RelayTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RelayTicket({})", self.id)
    }
}

impl RelayTicket {
    pub(crate) fn new(relay: &PinnedRelay, device: &Seed) -> Result<RelayTicket> {
        Ok(RelayTicket {
            url: relay.url.clone(),
            relay_key: relay.key,
            id: proto::CheckinId::random().map_err(random_failed)?,
            device: device.clone(),
            cancel: proto::CheckinSecret::random().map_err(random_failed)?,
            duress: proto::CheckinSecret::random().map_err(random_failed)?,
        })
    }
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The relay-side id (not the phone's check-in id: the two are not linkable by number).
    pub fn relay_id(&self) -> String {
        self.id.to_string()
    }
    fn device_key(&self) -> Result<proto::DeviceKey> {
        proto::DeviceKey::from_seed(&self.device.0)
            .map_err(|_| Error::integrity("the relay device key is unreadable"))
    }
}

fn random_failed(_: proto::Error) -> Error {
    Error::storage("the system's random number generator failed")
}

pub(crate) fn new_device_seed() -> Result<Seed> {
    let key = proto::DeviceKey::generate().map_err(random_failed)?;
    Ok(Seed(*key.seed()))
}

/// A call to the relay: what the CLI or the shell sends, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayRequest {
    pub op: RelayOp,
    /// "GET" or "POST".
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RelayOp {
    /// Fetch the relay's public key document.
    Key,
    Arm,
    Extend,
    /// Check in: the cancel secret, or the duress secret after a duress check-in.
    CheckIn,
    Cancel,
    Status,
}

/// The relay's answer to a signed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayReply {
    /// It answered with where the check-in stands (armed, checked in, cancelled, alerted).
    Status {
        state: RelayState,
        deadline: DateTime<Utc>,
    },
    /// It refused (4xx/5xx) with its plain reason, or answered with something unreadable.
    Refused {
        status: u16,
        code: String,
        reason: String,
    },
}

impl RelayReply {
    /// The relay accepted the call and holds (or held) the check-in.
    pub fn ok(&self) -> bool {
        matches!(self, RelayReply::Status { .. })
    }
}

/// `https://host[:port][/path]`, or `http://` only to this machine (a relay on loopback, for
/// tests and a person's own set-up): anything else would show the relay's requests to the
/// network. No query, fragment or user name; no trailing slash.
pub fn normalise_url(url: &str) -> Result<String> {
    let url = url.trim();
    let bad = |why: &str| Error::invalid("relay", why.to_string());
    if url.len() > 300 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("is not a web address"));
    }
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = lower
        .split_once("://")
        .ok_or_else(|| bad("must start with https://"))?;
    let host_port = rest.split('/').next().unwrap_or("");
    if host_port.is_empty() || host_port.contains('@') || rest.contains(['?', '#']) {
        return Err(bad("must be https://host/path with no query"));
    }
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match scheme {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(bad("must use https:// (plain http only to this machine)")),
        _ => return Err(bad("must start with https://")),
    }
    // Keep the person's spelling of the path; only the scheme and host are case-insensitive.
    let start = scheme.len() + 3 + host_port.len();
    Ok(format!(
        "{scheme}://{host_port}{}",
        url[start..].trim_end_matches('/')
    ))
}

/// `GET <relay>/v1/key`.
pub fn key_request(url: &str) -> Result<RelayRequest> {
    let url = normalise_url(url)?;
    Ok(RelayRequest {
        op: RelayOp::Key,
        method: "GET".into(),
        url: format!("{url}{}", proto::PATH_KEY),
        headers: vec![("accept".into(), "application/json".into())],
        body: Vec::new(),
    })
}

/// The relay's key from its key document (checked: protocol, suite, fingerprint).
pub fn parse_key_document(status: u16, body: &[u8]) -> Result<proto::RelayPublicKey> {
    if !(200..300).contains(&status) {
        return Err(Error::invalid(
            "relay",
            format!("answered {status} when asked for its key"),
        ));
    }
    let doc: proto::RelayKeyDocument = serde_json::from_slice(body)
        .map_err(|_| Error::invalid("relay", "did not send a Waymark relay key"))?;
    doc.check()
        .map_err(|e| Error::invalid("relay", format!("key refused: {e}")))
}

/// Reads the answer to a signed call.
pub fn parse_reply(status: u16, body: &[u8]) -> RelayReply {
    if (200..300).contains(&status) {
        if let Ok(s) = serde_json::from_slice::<proto::CheckinStatus>(body) {
            let deadline = i64::try_from(s.deadline)
                .ok()
                .and_then(|t| DateTime::from_timestamp(t, 0));
            if let Some(deadline) = deadline {
                return RelayReply::Status {
                    state: s.state,
                    deadline,
                };
            }
        }
        return RelayReply::Refused {
            status,
            code: "unreadable".into(),
            reason: "the relay's answer could not be read".into(),
        };
    }
    match serde_json::from_slice::<proto::ErrorReply>(body) {
        Ok(e) => RelayReply::Refused {
            status,
            code: clip(&e.error, 40),
            reason: clip(&e.reason, 200),
        },
        Err(_) => RelayReply::Refused {
            status,
            code: "http".into(),
            reason: format!("the relay answered {status}"),
        },
    }
}

/// A relay's words go on a screen: short, one line.
fn clip(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect::<String>()
}

fn unix(t: DateTime<Utc>) -> Result<u64> {
    u64::try_from(t.timestamp()).map_err(|_| Error::invalid("now", "the clock is out of range"))
}

/// The signed request for `op` on this check-in, at `now`. `None` when there is nothing to send:
/// the check-in has no relay, or (arm, extend) it is no longer running.
pub(crate) fn request(
    c: &CheckIn,
    op: RelayOp,
    now: DateTime<Utc>,
) -> Result<Option<RelayRequest>> {
    let Some(t) = c.relay() else {
        return Ok(None);
    };
    let operation = match op {
        RelayOp::Key => return key_request(&t.url).map(Some),
        RelayOp::Arm => {
            let Some(deadline) = c.deadline().filter(|_| c.state().is_open()) else {
                return Ok(None);
            };
            let alert = alert(c)?;
            let sealed = alert
                .seal(&t.relay_key, &t.id)
                .map_err(|e| Error::invalid("relay", e.to_string()))?;
            proto::Operation::Arm(proto::ArmRequest {
                checkin_id: t.id,
                relay_key: t.relay_key,
                deadline: unix(deadline)?,
                grace_seconds: u64::from(c.plan().grace_minutes) * 60,
                cancel_hash: t.cancel.hash(&t.id),
                duress_hash: t.duress.hash(&t.id),
                alert: sealed,
            })
        }
        RelayOp::Extend => {
            let Some(deadline) = c.deadline().filter(|_| c.state().is_open()) else {
                return Ok(None);
            };
            proto::Operation::Extend(
                t.id,
                proto::ExtendRequest {
                    deadline: unix(deadline)?,
                },
            )
        }
        // A duress check-in sends the duress secret: the relay answers exactly as for the
        // cancel secret, and sends the alert at once.
        RelayOp::CheckIn => proto::Operation::CheckIn(
            t.id,
            proto::SecretRequest {
                secret: if c.closed_by_duress() {
                    t.duress.clone()
                } else {
                    t.cancel.clone()
                },
            },
        ),
        RelayOp::Cancel => proto::Operation::Cancel(
            t.id,
            proto::SecretRequest {
                secret: t.cancel.clone(),
            },
        ),
        RelayOp::Status => proto::Operation::Status(t.id),
    };
    let signed = proto::SignedRequest::sign(&t.device_key()?, &operation, unix(now)?)
        .map_err(|e| Error::invalid("relay", e.to_string()))?;
    Ok(Some(RelayRequest {
        op,
        method: signed.method.to_string(),
        url: format!("{}{}", t.url, signed.path),
        headers: signed
            .headers
            .into_iter()
            .map(|(n, v)| (n.to_string(), v))
            .collect(),
        body: signed.body,
    }))
}

/// The alert the relay holds: for each buddy, exactly the text this phone sends them when no
/// check-in comes (the core's own alert message, as `tick` would hand it out).
pub(crate) fn alert(c: &CheckIn) -> Result<proto::Alert> {
    let messages = c
        .alert_events()
        .into_iter()
        .filter_map(|e| match e.to {
            super::checkin::Recipient::Buddy { phone, .. } => Some((phone, e.text)),
            super::checkin::Recipient::User => None,
        })
        .map(|(to, body)| proto::AlertMessage::new(to, body))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::invalid("relay", e.to_string()))?;
    proto::Alert::new(messages).map_err(|e| Error::invalid("relay", e.to_string()))
}
