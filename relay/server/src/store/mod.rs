//! Storage behind one small trait, so the service and the sender do not care which database
//! holds the rows. Two implementations: [`sqlite::SqliteStore`] (one process, the default) and
//! [`postgres::PgStore`] (several processes on one database; rows are claimed with
//! `FOR UPDATE SKIP LOCKED`).
//!
//! What a row holds is only what docs/ARCHITECTURE.md lists: ids, the device's public key, times,
//! two secret hashes and the sealed alert; the sealed alert and the hashes are removed when the
//! check-in ends. The outbox holds one row per text (check-in id, index, lease, done), never the
//! text: the sender opens the sealed alert again for each send.

use std::future::Future;

use waymark_relay_proto::{CheckinId, CheckinState, DevicePublicKey, RequestId, SecretHash};

pub mod postgres;
pub mod sqlite;

/// Where a check-in is in its life (the stored phase; what `status` shows is [`Checkin::shown`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for its deadline plus grace.
    Armed,
    /// Its texts are in the outbox (missed, or a duress check-in).
    Sending,
    /// Over: the sealed alert and the hashes are gone.
    Ended,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Armed => "armed",
            Phase::Sending => "sending",
            Phase::Ended => "ended",
        }
    }
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "armed" => Phase::Armed,
            "sending" => Phase::Sending,
            "ended" => Phase::Ended,
            _ => return Err(StoreError::Corrupt("phase")),
        })
    }
}

pub fn state_str(s: CheckinState) -> &'static str {
    match s {
        CheckinState::Armed => "armed",
        CheckinState::CheckedIn => "checked_in",
        CheckinState::Cancelled => "cancelled",
        CheckinState::Alerted => "alerted",
    }
}

pub fn parse_state(s: &str) -> Result<CheckinState, StoreError> {
    Ok(match s {
        "armed" => CheckinState::Armed,
        "checked_in" => CheckinState::CheckedIn,
        "cancelled" => CheckinState::Cancelled,
        "alerted" => CheckinState::Alerted,
        _ => return Err(StoreError::Corrupt("state")),
    })
}

/// A check-in as stored.
#[derive(Clone, Debug)]
pub struct Checkin {
    pub id: CheckinId,
    pub device_key: DevicePublicKey,
    pub deadline: i64,
    pub grace: i64,
    pub phase: Phase,
    /// What `status` says: a duress check-in says `checked_in`/`cancelled` like a real one.
    pub shown: CheckinState,
    pub cancel_hash: Option<SecretHash>,
    pub duress_hash: Option<SecretHash>,
}

/// A new check-in to hold.
#[derive(Clone, Debug)]
pub struct NewCheckin {
    pub id: CheckinId,
    pub device_key: DevicePublicKey,
    pub deadline: i64,
    pub grace: i64,
    pub cancel_hash: SecretHash,
    pub duress_hash: SecretHash,
    /// `enc ‖ ciphertext` of the sealed alert.
    pub sealed: Vec<u8>,
    pub message_count: u32,
}

/// A request already answered: a retry with the same id, path and body gets `reply` again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    pub request_id: RequestId,
    pub device_key: DevicePublicKey,
    pub path: String,
    pub body_sha256: [u8; 32],
    pub status: u16,
    pub reply: Vec<u8>,
    pub at_ms: i64,
}

/// A change to a check-in, applied in one transaction with the record of the request.
#[derive(Clone, Debug)]
pub enum Change {
    Arm(NewCheckin),
    /// Only while armed.
    Extend {
        id: CheckinId,
        deadline: i64,
    },
    /// Only while armed. `send` puts the alert in the outbox at once (the duress secret); else the
    /// check-in ends and its sealed alert and hashes are deleted.
    End {
        id: CheckinId,
        shown: CheckinState,
        send: bool,
    },
    /// Nothing changes; only the reply is remembered (a check-in on one that already ended).
    Nothing,
}

/// One text to send: which check-in, which text, and the sealed alert to open for it.
#[derive(Clone, Debug)]
pub struct OutboxItem {
    pub checkin_id: CheckinId,
    pub index: u32,
    pub sealed: Vec<u8>,
    /// When it became due (deadline + grace, or the duress check-in's time), for the firing delay.
    pub due_ms: i64,
}

impl OutboxItem {
    /// The gateway's idempotency key: the same for every attempt at this text, by any process.
    pub fn idempotency_key(&self) -> String {
        format!("wm-{}-{}", self.checkin_id, self.index)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    Sent,
    /// The gateway refused it for good (e.g. a number it cannot reach).
    Failed,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gauges {
    pub armed: u64,
    pub sending: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The request id, or the check-in id of an arm, is already there.
    #[error("already exists")]
    Exists,
    /// The check-in is no longer armed (it fired, or ended, meanwhile).
    #[error("not armed")]
    NotArmed,
    #[error("stored value is not as written: {0}")]
    Corrupt(&'static str),
    /// The database itself failed. The text is the driver's, which names no stored value.
    #[error("database: {0}")]
    Db(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the relay asks of its database.
pub trait Store: Send + Sync + 'static {
    fn find_request(
        &self,
        id: RequestId,
    ) -> impl Future<Output = StoreResult<Option<RequestRecord>>> + Send;

    fn get(&self, id: CheckinId) -> impl Future<Output = StoreResult<Option<Checkin>>> + Send;

    /// Check-ins this device key has armed or sending (a cap per key).
    fn active_for_device(
        &self,
        key: DevicePublicKey,
    ) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Applies `change` and stores `record`, both or neither. [`StoreError::Exists`] if the
    /// request id (or an armed check-in id) exists; [`StoreError::NotArmed`] if an extend or an
    /// end finds the check-in no longer armed.
    fn apply(
        &self,
        change: Change,
        record: RequestRecord,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Moves up to `limit` armed check-ins whose deadline + grace is at or before `now_ms` to
    /// sending, with one outbox row per text. Returns how many check-ins it moved. With several
    /// processes, each check-in is moved by exactly one.
    fn claim_due(&self, now_ms: i64, limit: u32) -> impl Future<Output = StoreResult<u32>> + Send;

    /// Leases up to `limit` unsent outbox rows whose lease has run out, until `now_ms + lease_ms`.
    /// With several processes, a row is leased by one at a time.
    fn lease_outbox(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<OutboxItem>>> + Send;

    /// Marks a text done; when it was the check-in's last, the check-in ends and its sealed alert
    /// and outbox rows are deleted.
    fn finish(
        &self,
        id: CheckinId,
        index: u32,
        outcome: SendOutcome,
        now_ms: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Forgets request ids older than `requests_before_ms` and ended check-ins that ended before
    /// `ended_before_ms`.
    fn purge(
        &self,
        requests_before_ms: i64,
        ended_before_ms: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    fn gauges(&self) -> impl Future<Output = StoreResult<Gauges>> + Send;
}

pub(crate) fn fire_at_ms(deadline: i64, grace: i64) -> i64 {
    deadline.saturating_add(grace).saturating_mul(1000)
}

pub(crate) fn array<const N: usize>(v: Vec<u8>, what: &'static str) -> StoreResult<[u8; N]> {
    v.try_into().map_err(|_| StoreError::Corrupt(what))
}
