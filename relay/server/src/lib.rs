//! waymark-relay: an off-phone check-in relay (issue 16). It holds each check-in's alert sealed
//! to its own key, and sends the texts through an SMS gateway when the deadline plus grace passes
//! without a check-in. The wire protocol is `waymark-relay-proto`; docs/ARCHITECTURE.md
//! ("Relay") says what is stored and why.
//!
//! - [`api`]: the HTTP service (axum): verify, rate-limit, answer retries, apply.
//! - [`store`]: storage behind one trait: SQLite ([`store::sqlite`]) for one process,
//!   PostgreSQL ([`store::postgres`]) for several processes on one database.
//! - [`sender`]: claims due check-ins and sends their outbox through the [`gateway`].
//! - [`keyfile`], [`limits`], [`metrics`]: the relay's key, per-device rate limits, counters.

pub mod api;
pub mod gateway;
pub mod keyfile;
pub mod limits;
pub mod metrics;
pub mod sender;
pub mod serve;
pub mod store;

/// Milliseconds since the Unix epoch by the system clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
