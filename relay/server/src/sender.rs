//! The sending loop: every tick, move due check-ins to sending (one outbox row per text), lease
//! unsent rows, open each row's sealed alert, post its text to the gateway, and mark it done.
//!
//! Exactly once, precisely: a row is marked done only after the gateway accepted the text, so a
//! crash between the two makes the relay post that text again (after the lease runs out, or at
//! once on restart with SQLite). Every post of one text carries the same idempotency key, so a
//! gateway that honours the key (as the adapter's contract asks) delivers each text exactly once;
//! the relay itself posts each text at least once, and more than once only for texts in flight
//! when it crashed (at most [`SenderConfig::concurrency`] per crashed process).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use waymark_relay_proto::alert::{EncappedKey, SealedAlert};
use waymark_relay_proto::{Alert, CheckinId, RelayKeyPair};

use crate::gateway::{Gateway, GatewayError};
use crate::metrics::Metrics;
use crate::store::{OutboxItem, SendOutcome, Store};

#[derive(Clone, Debug)]
pub struct SenderConfig {
    /// How often to look for due check-ins.
    pub tick: Duration,
    /// How long a leased text is left to its process before another may send it.
    pub lease: Duration,
    /// Texts posted at the same time.
    pub concurrency: usize,
    /// Rows claimed or leased per round.
    pub batch: u32,
}

impl Default for SenderConfig {
    fn default() -> Self {
        SenderConfig {
            tick: Duration::from_millis(500),
            lease: Duration::from_secs(60),
            concurrency: 16,
            batch: 256,
        }
    }
}

/// Splits the stored `enc ‖ ciphertext` back into a sealed alert.
pub fn unpack_sealed(stored: &[u8]) -> Option<SealedAlert> {
    if stored.len() < 32 {
        return None;
    }
    let mut enc = [0u8; 32];
    enc.copy_from_slice(&stored[..32]);
    Some(SealedAlert {
        enc: EncappedKey(enc),
        ciphertext: stored[32..].to_vec(),
    })
}

pub fn pack_sealed(sealed: &SealedAlert) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + sealed.ciphertext.len());
    out.extend_from_slice(&sealed.enc.0);
    out.extend_from_slice(&sealed.ciphertext);
    out
}

pub async fn run<S: Store>(
    store: Arc<S>,
    key: Arc<RelayKeyPair>,
    gateway: Gateway,
    metrics: Arc<Metrics>,
    wake: Arc<Notify>,
    config: SenderConfig,
) {
    let permits = Arc::new(Semaphore::new(config.concurrency.max(1)));
    let mut last_purge = 0i64;
    loop {
        let busy = round(&store, &key, &gateway, &metrics, &permits, &config).await;
        let now = crate::now_ms();
        if now - last_purge > 60_000 {
            last_purge = now;
            // Request ids outlive the replay window (twice the allowed clock skew, plus margin);
            // ended check-ins answer `status` for a week.
            let skew_ms = waymark_relay_proto::CLOCK_SKEW_SECONDS as i64 * 1000;
            if let Err(e) = store
                .purge(now - 2 * skew_ms - 60_000, now - 7 * 86_400_000)
                .await
            {
                tracing::warn!("purge failed: {e}");
            }
        }
        if !busy {
            tokio::select! {
                _ = tokio::time::sleep(config.tick) => {}
                _ = wake.notified() => {}
            }
        }
    }
}

/// One round; true if there may be more to do at once.
async fn round<S: Store>(
    store: &Arc<S>,
    key: &Arc<RelayKeyPair>,
    gateway: &Gateway,
    metrics: &Arc<Metrics>,
    permits: &Arc<Semaphore>,
    config: &SenderConfig,
) -> bool {
    let now = crate::now_ms();
    let claimed = match store.claim_due(now, config.batch).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!("claiming due check-ins failed: {e}");
            return false;
        }
    };
    if claimed > 0 {
        metrics
            .fired_total
            .fetch_add(claimed as u64, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(count = claimed, "check-ins missed: sending their alerts");
    }
    let items = match store
        .lease_outbox(now, config.lease.as_millis() as i64, config.batch)
        .await
    {
        Ok(items) => items,
        Err(e) => {
            tracing::warn!("leasing the outbox failed: {e}");
            return false;
        }
    };
    let leased = items.len() as u32;
    // Open each check-in's alert once per round.
    let mut opened: HashMap<CheckinId, Option<Arc<Alert>>> = HashMap::new();
    let mut tasks = JoinSet::new();
    for item in items {
        let alert = opened
            .entry(item.checkin_id)
            .or_insert_with(|| {
                unpack_sealed(&item.sealed)
                    .and_then(|s| s.open(key, &item.checkin_id).ok())
                    .map(Arc::new)
            })
            .clone();
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        let (store, gateway, metrics) = (store.clone(), gateway.clone(), metrics.clone());
        tasks.spawn(async move {
            let _permit = permit;
            send_one(&*store, &gateway, &metrics, item, alert).await;
        });
    }
    while tasks.join_next().await.is_some() {}
    claimed == config.batch || leased == config.batch
}

async fn send_one<S: Store>(
    store: &S,
    gateway: &Gateway,
    metrics: &Metrics,
    item: OutboxItem,
    alert: Option<Arc<Alert>>,
) {
    use std::sync::atomic::Ordering::Relaxed;
    // An alert that no longer opens (checked at arm time, so only a changed key or a damaged
    // row) or a text index past its end cannot be sent: count it refused so the check-in ends.
    let message = alert
        .as_ref()
        .and_then(|a| a.messages.get(item.index as usize));
    let outcome = match message {
        None => {
            tracing::error!("a stored alert could not be opened; its text is dropped");
            SendOutcome::Failed
        }
        Some(m) => match gateway.send(m, &item.idempotency_key()).await {
            Ok(()) => {
                metrics.texts_sent_total.fetch_add(1, Relaxed);
                metrics.observe_delay(crate::now_ms() - item.due_ms);
                SendOutcome::Sent
            }
            Err(GatewayError::Refused(status)) => {
                metrics.texts_refused_total.fetch_add(1, Relaxed);
                tracing::warn!(status, "the gateway refused a text for good");
                SendOutcome::Failed
            }
            Err(GatewayError::Retry) => {
                metrics.gateway_retries_total.fetch_add(1, Relaxed);
                tracing::warn!("the gateway did not take a text; trying again after the lease");
                return;
            }
        },
    };
    if let Err(e) = store
        .finish(item.checkin_id, item.index, outcome, crate::now_ms())
        .await
    {
        tracing::warn!("recording a sent text failed (it will be posted again): {e}");
    }
}
