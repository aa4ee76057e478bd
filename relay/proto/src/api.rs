//! Paths, request and reply bodies, and the limits both sides check.
//!
//! Every call but `GET /v1/key` is a `POST` of a small JSON body signed by the device key (see
//! [`crate::sign`]). Times are whole seconds since the Unix epoch (UTC).

use serde::{Deserialize, Serialize};

use crate::alert::SealedAlert;
use crate::ids::CheckinId;
use crate::relay_key::RelayPublicKey;
use crate::secret::{CheckinSecret, SecretHash};

/// `GET`: the relay's [`crate::RelayKeyDocument`]. Not signed.
pub const PATH_KEY: &str = "/v1/key";
/// `POST` [`ArmRequest`]: start holding a check-in.
pub const PATH_ARM: &str = "/v1/checkins";

/// Largest request body the relay reads (a sealed alert is about 11 KB in JSON).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// A signed request's timestamp may be this far from the relay's clock, either way. Request ids
/// are remembered for longer than twice this, so a request can be replayed neither inside nor
/// outside the window (inside, the relay answers with its first reply and changes nothing).
pub const CLOCK_SKEW_SECONDS: u64 = 300;
/// A deadline may be at most this far ahead (a check-in is for hours, not months).
pub const MAX_DEADLINE_AHEAD_SECONDS: u64 = 7 * 24 * 3600;
/// The grace after the deadline may be at most this long.
pub const MAX_GRACE_SECONDS: u64 = 24 * 3600;

/// `POST`: move the deadline ([`ExtendRequest`]).
pub fn path_extend(id: &CheckinId) -> String {
    format!("/v1/checkins/{id}/extend")
}
/// `POST`: check in with a secret ([`SecretRequest`]): the check-in ends, no alert (cancel
/// secret), or the same reply and the alert is sent at once (duress secret).
pub fn path_check_in(id: &CheckinId) -> String {
    format!("/v1/checkins/{id}/checkin")
}
/// `POST`: call the plan off with a secret ([`SecretRequest`]); the duress secret again sends the
/// alert at once behind the same reply.
pub fn path_cancel(id: &CheckinId) -> String {
    format!("/v1/checkins/{id}/cancel")
}
/// `POST` `{}`: where the check-in stands ([`CheckinStatus`]).
pub fn path_status(id: &CheckinId) -> String {
    format!("/v1/checkins/{id}/status")
}

/// Arm: everything the relay keeps about a check-in. It keeps no account, name or number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmRequest {
    /// Chosen by the phone (random), so a retried arm is recognised.
    pub checkin_id: CheckinId,
    /// The key the alert was sealed to (the relay refuses an alert for another key, e.g. after
    /// it was given a new one, rather than hold one it cannot open).
    pub relay_key: RelayPublicKey,
    /// When the person expects to be back.
    pub deadline: u64,
    /// How long after the deadline the alert goes out.
    pub grace_seconds: u64,
    pub cancel_hash: SecretHash,
    pub duress_hash: SecretHash,
    pub alert: SealedAlert,
}

impl ArmRequest {
    /// Checks the times against `now` (both sides call this).
    pub fn check_times(&self, now: u64) -> crate::Result<()> {
        check_deadline(self.deadline, now)?;
        if self.grace_seconds > MAX_GRACE_SECONDS {
            return Err(crate::Error::Invalid(format!(
                "the grace may be at most {} hours",
                MAX_GRACE_SECONDS / 3600
            )));
        }
        Ok(())
    }

    /// When the relay sends the alert if nobody checks in.
    pub fn fire_at(&self) -> u64 {
        self.deadline.saturating_add(self.grace_seconds)
    }
}

/// A deadline must be after `now` and at most [`MAX_DEADLINE_AHEAD_SECONDS`] ahead.
pub fn check_deadline(deadline: u64, now: u64) -> crate::Result<()> {
    if deadline <= now {
        return Err(crate::Error::Invalid(
            "the deadline has already passed".into(),
        ));
    }
    if deadline - now > MAX_DEADLINE_AHEAD_SECONDS {
        return Err(crate::Error::Invalid(format!(
            "the deadline may be at most {} days ahead",
            MAX_DEADLINE_AHEAD_SECONDS / 86400
        )));
    }
    Ok(())
}

/// Extend: the new deadline (the grace stays as armed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    pub deadline: u64,
}

/// Check in or cancel: the cancel secret, or the duress secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRequest {
    pub secret: CheckinSecret,
}

/// Status: an empty object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {}

/// Where a check-in stands, as the relay tells it. A check-in ended with the duress secret says
/// `checked_in` (or `cancelled`) forever, exactly as one ended with the cancel secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckinState {
    /// Held: the alert goes out at deadline + grace unless the person checks in.
    Armed,
    CheckedIn,
    Cancelled,
    /// Nobody checked in in time: the alert was (or is being) sent.
    Alerted,
}

/// The reply to every signed call that succeeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinStatus {
    pub checkin_id: CheckinId,
    pub state: CheckinState,
    pub deadline: u64,
    pub grace_seconds: u64,
}

/// The body of every 4xx and 5xx reply: a stable code and a plain reason (never personal data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorReply {
    /// e.g. `bad_signature`, `stale_request`, `unknown_checkin`, `wrong_secret`, `too_large`,
    /// `rate_limited`, `invalid`, `conflict`, `ended`.
    pub error: String,
    pub reason: String,
}

/// One signed call, ready to sign with [`crate::SignedRequest::sign`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
    Arm(ArmRequest),
    Extend(CheckinId, ExtendRequest),
    CheckIn(CheckinId, SecretRequest),
    Cancel(CheckinId, SecretRequest),
    Status(CheckinId),
}

impl Operation {
    pub fn path(&self) -> String {
        match self {
            Operation::Arm(_) => PATH_ARM.to_string(),
            Operation::Extend(id, _) => path_extend(id),
            Operation::CheckIn(id, _) => path_check_in(id),
            Operation::Cancel(id, _) => path_cancel(id),
            Operation::Status(id) => path_status(id),
        }
    }

    pub fn body(&self) -> Vec<u8> {
        let json = match self {
            Operation::Arm(r) => serde_json::to_vec(r),
            Operation::Extend(_, r) => serde_json::to_vec(r),
            Operation::CheckIn(_, r) | Operation::Cancel(_, r) => serde_json::to_vec(r),
            Operation::Status(_) => serde_json::to_vec(&StatusRequest {}),
        };
        // Serialising these plain structs to a Vec cannot fail.
        json.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_must_be_ahead_but_not_far_ahead() {
        let now = 1_800_000_000;
        assert!(check_deadline(now, now).is_err());
        assert!(check_deadline(now - 1, now).is_err());
        assert!(check_deadline(now + 1, now).is_ok());
        assert!(check_deadline(now + MAX_DEADLINE_AHEAD_SECONDS, now).is_ok());
        assert!(check_deadline(now + MAX_DEADLINE_AHEAD_SECONDS + 1, now).is_err());
        assert!(check_deadline(u64::MAX, now).is_err());
    }

    #[test]
    fn states_are_snake_case_words() {
        assert_eq!(
            serde_json::to_string(&CheckinState::CheckedIn).unwrap(),
            "\"checked_in\""
        );
        let parsed: Result<ExtendRequest, _> = serde_json::from_str(r#"{"deadline":5,"extra":1}"#);
        assert!(parsed.is_err(), "unknown fields are refused");
    }
}
