//! Signed requests. The body is sent as is; four headers carry the device key, a request id, a
//! timestamp and an Ed25519 signature over this canonical byte string (UTF-8, `\n` after each
//! line):
//!
//! ```text
//! waymark-relay request v1
//! POST
//! /v1/checkins/<id>/checkin
//! <request id: 32 lowercase hex digits>
//! <timestamp: decimal Unix seconds>
//! <device key: unpadded base64url>
//! <SHA-256 of the body: 64 lowercase hex digits>
//! ```
//!
//! Signing the method and path binds the body to one operation on one check-in; the request id
//! makes a retry recognisable (the relay answers it with its first reply); the timestamp bounds
//! how long a captured request could be replayed ([`crate::api::CLOCK_SKEW_SECONDS`]), and the
//! relay remembers request ids for longer than that window.

use crate::api::{Operation, CLOCK_SKEW_SECONDS};
use crate::device::{DeviceKey, DevicePublicKey};
use crate::ids::RequestId;

pub const HEADER_DEVICE_KEY: &str = "waymark-device-key";
pub const HEADER_REQUEST_ID: &str = "waymark-request-id";
pub const HEADER_TIMESTAMP: &str = "waymark-timestamp";
pub const HEADER_SIGNATURE: &str = "waymark-signature";

const CONTEXT: &str = "waymark-relay request v1";

/// The exact bytes signed.
pub fn signing_bytes(
    method: &str,
    path: &str,
    request_id: &RequestId,
    timestamp: u64,
    device_key: &DevicePublicKey,
    body: &[u8],
) -> Vec<u8> {
    format!(
        "{CONTEXT}\n{method}\n{path}\n{request_id}\n{timestamp}\n{device_key}\n{}\n",
        hex::encode(crate::sha256(&[body]))
    )
    .into_bytes()
}

/// A request ready to send: `POST path` with these headers and this body. To retry after a lost
/// reply, send the same value again (same request id), not a freshly signed one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRequest {
    pub method: &'static str,
    pub path: String,
    pub request_id: RequestId,
    pub timestamp: u64,
    /// The four `waymark-*` headers plus `content-type: application/json`.
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl SignedRequest {
    /// Signs `op` with the device key at time `now` (Unix seconds) under a fresh request id.
    pub fn sign(key: &DeviceKey, op: &Operation, now: u64) -> crate::Result<Self> {
        Self::sign_with_id(key, op, now, RequestId::random()?)
    }

    pub fn sign_with_id(
        key: &DeviceKey,
        op: &Operation,
        now: u64,
        request_id: RequestId,
    ) -> crate::Result<Self> {
        let path = op.path();
        let body = op.body();
        let device = key.public_key();
        let sig = key.sign(&signing_bytes(
            "POST",
            &path,
            &request_id,
            now,
            &device,
            &body,
        ));
        Ok(SignedRequest {
            method: "POST",
            headers: vec![
                ("content-type", "application/json".to_string()),
                (HEADER_DEVICE_KEY, device.to_string()),
                (HEADER_REQUEST_ID, request_id.to_string()),
                (HEADER_TIMESTAMP, now.to_string()),
                (HEADER_SIGNATURE, crate::b64::encode(&sig)),
            ],
            path,
            request_id,
            timestamp: now,
            body,
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the relay knows once a request's signature and time check out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedRequest {
    pub device_key: DevicePublicKey,
    pub request_id: RequestId,
    pub timestamp: u64,
    /// SHA-256 of the body: with the path, what a retry must repeat to be the same request.
    pub body_sha256: [u8; 32],
}

/// Checks a request as received: `header` looks a header up by (lower-case) name. Fails with
/// [`crate::Error::Malformed`] for a missing or misspelt header, [`crate::Error::BadSignature`],
/// or [`crate::Error::Stale`] when the timestamp is more than [`CLOCK_SKEW_SECONDS`] from `now`.
pub fn verify<'a>(
    method: &str,
    path: &str,
    header: impl Fn(&str) -> Option<&'a str>,
    body: &[u8],
    now: u64,
) -> crate::Result<VerifiedRequest> {
    let get = |name: &'static str| header(name).ok_or(crate::Error::Malformed(name));
    let device_key = DevicePublicKey::parse(get(HEADER_DEVICE_KEY)?)?;
    let request_id: RequestId = get(HEADER_REQUEST_ID)?.parse()?;
    let ts_text = get(HEADER_TIMESTAMP)?;
    if ts_text.is_empty() || ts_text.len() > 20 || !ts_text.bytes().all(|c| c.is_ascii_digit()) {
        return Err(crate::Error::Malformed(HEADER_TIMESTAMP));
    }
    let timestamp: u64 = ts_text
        .parse()
        .map_err(|_| crate::Error::Malformed(HEADER_TIMESTAMP))?;
    let signature: [u8; 64] = crate::b64::decode_array(get(HEADER_SIGNATURE)?, HEADER_SIGNATURE)?;
    let msg = signing_bytes(method, path, &request_id, timestamp, &device_key, body);
    device_key.verify(&msg, &signature)?;
    // Checked after the signature, so an unsigned request learns nothing about the clock.
    if timestamp.abs_diff(now) > CLOCK_SKEW_SECONDS {
        return Err(crate::Error::Stale(CLOCK_SKEW_SECONDS));
    }
    Ok(VerifiedRequest {
        device_key,
        request_id,
        timestamp,
        body_sha256: crate::sha256(&[body]),
    })
}

impl SignedRequest {
    /// Verifies this request as the relay would (tests and the phone's own checks).
    pub fn verify(&self, now: u64) -> crate::Result<VerifiedRequest> {
        verify(self.method, &self.path, |n| self.header(n), &self.body, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ExtendRequest, Operation};
    use crate::ids::CheckinId;

    const NOW: u64 = 1_800_000_000;

    fn request() -> (DeviceKey, SignedRequest) {
        let key = DeviceKey::generate().unwrap();
        let op = Operation::Extend(
            CheckinId::random().unwrap(),
            ExtendRequest { deadline: NOW + 60 },
        );
        let req = SignedRequest::sign(&key, &op, NOW).unwrap();
        (key, req)
    }

    fn set(req: &mut SignedRequest, name: &str, value: String) {
        for (n, v) in req.headers.iter_mut() {
            if *n == name {
                *v = value.clone();
            }
        }
    }

    #[test]
    fn a_signed_request_verifies_within_the_window() {
        let (key, req) = request();
        let v = req.verify(NOW).unwrap();
        assert_eq!(v.device_key, key.public_key());
        assert_eq!(v.request_id, req.request_id);
        assert!(req.verify(NOW + CLOCK_SKEW_SECONDS).is_ok());
        assert!(req.verify(NOW - CLOCK_SKEW_SECONDS).is_ok());
        assert_eq!(
            req.verify(NOW + CLOCK_SKEW_SECONDS + 1),
            Err(crate::Error::Stale(CLOCK_SKEW_SECONDS))
        );
        assert!(req.verify(NOW - CLOCK_SKEW_SECONDS - 1).is_err());
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let (_, req) = request();
        let mut body = req.clone();
        body.body.push(b' ');
        assert_eq!(body.verify(NOW), Err(crate::Error::BadSignature));
        let mut path = req.clone();
        path.path = path_of_other_checkin();
        assert_eq!(path.verify(NOW), Err(crate::Error::BadSignature));
        let mut method = req.clone();
        method.method = "PUT";
        assert_eq!(method.verify(NOW), Err(crate::Error::BadSignature));
        let mut id = req.clone();
        set(
            &mut id,
            HEADER_REQUEST_ID,
            RequestId::random().unwrap().to_string(),
        );
        assert_eq!(id.verify(NOW), Err(crate::Error::BadSignature));
        let mut ts = req.clone();
        set(&mut ts, HEADER_TIMESTAMP, (NOW + 1).to_string());
        assert_eq!(ts.verify(NOW), Err(crate::Error::BadSignature));
        let mut other_key = req.clone();
        let k2 = DeviceKey::generate().unwrap();
        set(
            &mut other_key,
            HEADER_DEVICE_KEY,
            k2.public_key().to_string(),
        );
        assert_eq!(other_key.verify(NOW), Err(crate::Error::BadSignature));
    }

    fn path_of_other_checkin() -> String {
        crate::api::path_extend(&CheckinId::random().unwrap())
    }

    #[test]
    fn malformed_headers_are_named() {
        let (_, req) = request();
        let mut missing = req.clone();
        missing.headers.retain(|(n, _)| *n != HEADER_SIGNATURE);
        assert_eq!(
            missing.verify(NOW),
            Err(crate::Error::Malformed(HEADER_SIGNATURE))
        );
        for bad in ["", "-5", "+5", "1e9", "99999999999999999999999"] {
            let mut ts = req.clone();
            set(&mut ts, HEADER_TIMESTAMP, bad.to_string());
            assert_eq!(
                ts.verify(NOW),
                Err(crate::Error::Malformed(HEADER_TIMESTAMP)),
                "{bad}"
            );
        }
        let mut sig = req.clone();
        set(&mut sig, HEADER_SIGNATURE, "AAAA".into());
        assert_eq!(
            sig.verify(NOW),
            Err(crate::Error::Malformed(HEADER_SIGNATURE))
        );
    }

    #[test]
    fn the_signed_bytes_are_the_documented_lines() {
        let key = DeviceKey::from_seed(&[5u8; 32]).unwrap();
        let id = RequestId([0xab; 16]);
        let text = String::from_utf8(signing_bytes(
            "POST",
            "/v1/checkins",
            &id,
            NOW,
            &key.public_key(),
            b"{}",
        ))
        .unwrap();
        let lines: Vec<_> = text.split('\n').collect();
        assert_eq!(lines[0], "waymark-relay request v1");
        assert_eq!(lines[1], "POST");
        assert_eq!(lines[2], "/v1/checkins");
        assert_eq!(lines[3], "ab".repeat(16));
        assert_eq!(lines[4], NOW.to_string());
        assert_eq!(lines[5], key.public_key().to_string());
        assert_eq!(
            lines[6],
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(lines[7], "");
        assert_eq!(lines.len(), 8);
    }
}
