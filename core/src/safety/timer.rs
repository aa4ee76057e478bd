//! While the process lives, a tokio task delivers check-in events on time to a sink the
//! shell provides. When the process may die, the shell asks `next_wake()` and schedules an
//! OS wake-up; both paths go through the same delivered-set, so an event is never handed
//! out twice by Waymark.
//!
//! The timer marks an event delivered only after the sink accepted it, so a failing sink
//! (no signal, SMS refused) gets the event again later instead of losing it. If the process
//! dies between the sink accepting an event and the mark being stored, the event is offered
//! once more after restart with the same `id`: sinks that send texts should skip ids they
//! already sent.

use super::checkin::{CheckIn, Event};
use crate::clock::Clock;
use crate::error::Result;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Where events go: notifications for the person, texts for buddies (a foreign trait in the shells).
pub trait EventSink: Send + Sync + 'static {
    /// Hand over one event. An error means "not delivered": it will be offered again.
    fn deliver(&self, event: &Event) -> Result<()>;
}

/// Access to the check-in(s) the timer drives: in memory for tests, the vault in the app.
pub trait CheckInDriver: Send + Sync + 'static {
    /// Apply time-driven transitions and return due, undelivered events (not yet marked).
    fn due_events(&self, now: DateTime<Utc>) -> Result<Vec<Event>>;
    /// Record events as delivered, durably.
    fn mark_delivered(&self, ids: &[String]) -> Result<()>;
    fn next_wake(&self) -> Result<Option<DateTime<Utc>>>;
}

/// A single check-in held in memory.
impl CheckInDriver for Mutex<CheckIn> {
    fn due_events(&self, now: DateTime<Utc>) -> Result<Vec<Event>> {
        Ok(self
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .due_events(now))
    }
    fn mark_delivered(&self, ids: &[String]) -> Result<()> {
        self.lock()
            .unwrap_or_else(|p| p.into_inner())
            .mark_delivered(ids.iter().map(String::as_str));
        Ok(())
    }
    fn next_wake(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(self.lock().unwrap_or_else(|p| p.into_inner()).next_wake())
    }
}

/// Even with nothing scheduled, look again this often: tokio sleeps on the monotonic clock,
/// which does not follow wall-clock changes or (on some systems) time spent suspended.
const MAX_NAP: StdDuration = StdDuration::from_secs(60);
/// After a failure (storage or sink), try again this soon.
const RETRY: StdDuration = StdDuration::from_secs(15);

/// The running timer. Dropping it stops the task.
pub struct CheckInTimer {
    notify: Arc<Notify>,
    task: JoinHandle<()>,
}

impl CheckInTimer {
    /// Start the timer on `runtime`.
    pub fn spawn(
        runtime: &tokio::runtime::Handle,
        driver: Arc<dyn CheckInDriver>,
        sink: Arc<dyn EventSink>,
        clock: Arc<dyn Clock>,
    ) -> CheckInTimer {
        let notify = Arc::new(Notify::new());
        let task = runtime.spawn(run(driver, sink, clock, notify.clone()));
        CheckInTimer { notify, task }
    }

    /// Something changed (a plan started, extended, checked in) or the clock moved: look now.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

impl Drop for CheckInTimer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Deliver what is due; true if everything due was delivered and recorded.
fn deliver_due(driver: &dyn CheckInDriver, sink: &dyn EventSink, now: DateTime<Utc>) -> bool {
    let events = match driver.due_events(now) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "check-in timer could not read its schedule");
            return false;
        }
    };
    for event in events {
        if let Err(e) = sink.deliver(&event) {
            tracing::warn!(error = %e, kind = event.kind.as_str(), "check-in event not delivered; will retry");
            return false;
        }
        if let Err(e) = driver.mark_delivered(std::slice::from_ref(&event.id)) {
            tracing::warn!(error = %e, "check-in event delivered but not recorded");
            return false;
        }
    }
    true
}

async fn run(
    driver: Arc<dyn CheckInDriver>,
    sink: Arc<dyn EventSink>,
    clock: Arc<dyn Clock>,
    notify: Arc<Notify>,
) {
    loop {
        let ok = deliver_due(driver.as_ref(), sink.as_ref(), clock.now());
        let nap = match driver.next_wake() {
            Ok(Some(wake)) => (wake - clock.now())
                .to_std()
                .unwrap_or(StdDuration::ZERO)
                .min(MAX_NAP),
            Ok(None) => MAX_NAP,
            Err(_) => RETRY,
        };
        // Something due that could not be delivered: do not spin, retry shortly.
        let nap = if ok { nap } else { RETRY };
        tokio::select! {
            _ = tokio::time::sleep(nap) => {}
            _ = notify.notified() => {}
        }
    }
}
