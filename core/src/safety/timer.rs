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
    /// One delivery round, excluding any other round or tick: apply time-driven transitions,
    /// offer every due, undelivered event to `deliver` in order, durably record each one it
    /// accepts, and stop at the first refusal. Ok(true) when every due event was delivered.
    fn deliver_due(
        &self,
        now: DateTime<Utc>,
        deliver: &mut dyn FnMut(&Event) -> bool,
    ) -> Result<bool>;
    fn next_wake(&self) -> Result<Option<DateTime<Utc>>>;
}

/// A single check-in held in memory; the lock is held for the whole round.
impl CheckInDriver for Mutex<CheckIn> {
    fn deliver_due(
        &self,
        now: DateTime<Utc>,
        deliver: &mut dyn FnMut(&Event) -> bool,
    ) -> Result<bool> {
        let mut c = self.lock().unwrap_or_else(|p| p.into_inner());
        for event in c.due_events(now) {
            if !deliver(&event) {
                return Ok(false);
            }
            c.mark_delivered([event.id.as_str()]);
        }
        Ok(true)
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
    let mut offer = |event: &Event| match sink.deliver(event) {
        Ok(()) => true,
        // The sink is the shell's: its error text may name the buddy or number, so it is not logged.
        Err(_) => {
            tracing::warn!(
                kind = event.kind.as_str(),
                "check-in event not delivered; will retry"
            );
            false
        }
    };
    match driver.deliver_due(now, &mut offer) {
        Ok(all) => all,
        Err(e) => {
            tracing::warn!(error = %e, "check-in timer could not deliver");
            false
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safety::checkin::{Buddy, EventKind, Expect, Plan, State};
    use crate::safety::store::{Safety, VaultCheckIns};
    use crate::vault::{CreateOptions, Vault};
    use chrono::{Duration, TimeZone};
    use std::collections::HashSet;

    /// Wall-clock time that follows tokio's (paused, auto-advancing) test clock.
    struct TokioClock {
        base: DateTime<Utc>,
        start: tokio::time::Instant,
    }
    impl Clock for TokioClock {
        fn now(&self) -> DateTime<Utc> {
            self.base + Duration::from_std(self.start.elapsed()).unwrap_or_default()
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap()
    }

    fn clock() -> Arc<TokioClock> {
        Arc::new(TokioClock {
            base: t0(),
            start: tokio::time::Instant::now(),
        })
    }

    /// Records what it was given and when; refuses the first `fail_first` deliveries.
    struct Recorder {
        clock: Arc<TokioClock>,
        got: Mutex<Vec<(DateTime<Utc>, Event)>>,
        fail_first: Mutex<usize>,
    }
    impl Recorder {
        fn new(clock: Arc<TokioClock>, fail_first: usize) -> Arc<Self> {
            Arc::new(Recorder {
                clock,
                got: Mutex::new(Vec::new()),
                fail_first: Mutex::new(fail_first),
            })
        }
        fn events(&self) -> Vec<(DateTime<Utc>, Event)> {
            self.got.lock().unwrap().clone()
        }
    }
    impl EventSink for Recorder {
        fn deliver(&self, event: &Event) -> Result<()> {
            let mut fail = self.fail_first.lock().unwrap();
            if *fail > 0 {
                *fail -= 1;
                return Err(crate::Error::storage("no signal"));
            }
            self.got
                .lock()
                .unwrap()
                .push((self.clock.now(), event.clone()));
            Ok(())
        }
    }

    fn buddies() -> Vec<Buddy> {
        vec![
            Buddy {
                contact_id: "a".into(),
                name: "Sam".into(),
                phone: "+447700900123".into(),
            },
            Buddy {
                contact_id: "b".into(),
                name: "Priya".into(),
                phone: "+447700900456".into(),
            },
        ]
    }

    fn started(now: DateTime<Utc>) -> Arc<Mutex<CheckIn>> {
        let mut c = CheckIn::new(
            "ci1",
            Plan::new("Elm Road", Expect::WithinMinutes(30), buddies()),
            now,
        )
        .unwrap();
        c.start(now).unwrap();
        Arc::new(Mutex::new(c))
    }

    fn assert_unique(events: &[(DateTime<Utc>, Event)]) {
        let ids: HashSet<&str> = events.iter().map(|(_, e)| e.id.as_str()).collect();
        assert_eq!(ids.len(), events.len(), "an event was delivered twice");
    }

    #[tokio::test(start_paused = true)]
    async fn delivers_each_event_on_time_and_once() {
        let clock = clock();
        let driver = started(clock.now());
        let sink = Recorder::new(clock.clone(), 0);
        let timer = CheckInTimer::spawn(
            &tokio::runtime::Handle::current(),
            driver.clone(),
            sink.clone(),
            clock.clone(),
        );
        tokio::time::sleep(std::time::Duration::from_secs(3 * 3600)).await;
        let got = sink.events();
        assert_eq!(got.len(), 10);
        assert_unique(&got);
        for (delivered_at, e) in &got {
            let late = *delivered_at - e.due_at;
            assert!(
                late >= Duration::zero() && late < Duration::seconds(1),
                "{} was {late} late",
                e.id
            );
        }
        assert_eq!(driver.lock().unwrap().state(), State::Escalated);
        timer.stop();
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_sink_gets_the_event_again_and_nothing_twice() {
        let clock = clock();
        let driver = started(clock.now());
        let sink = Recorder::new(clock.clone(), 3);
        let _timer = CheckInTimer::spawn(
            &tokio::runtime::Handle::current(),
            driver.clone(),
            sink.clone(),
            clock.clone(),
        );
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        let got = sink.events();
        assert_eq!(got.len(), 2, "both plan texts went out after retrying");
        assert!(
            got[0].0 - t0() >= Duration::seconds(15 * 3),
            "three retries were needed"
        );
        tokio::time::sleep(std::time::Duration::from_secs(3 * 3600)).await;
        let got = sink.events();
        assert_eq!(got.len(), 10);
        assert_unique(&got);
    }

    #[tokio::test(start_paused = true)]
    async fn a_restarted_timer_and_manual_ticks_share_one_delivered_set() {
        let clock = clock();
        let driver = started(clock.now());
        let first = Recorder::new(clock.clone(), 0);
        let timer = CheckInTimer::spawn(
            &tokio::runtime::Handle::current(),
            driver.clone(),
            first.clone(),
            clock.clone(),
        );
        tokio::time::sleep(std::time::Duration::from_secs(25 * 60)).await;
        timer.stop();
        // While no timer runs, the shell's own wake-up ticks (the app was killed and woken).
        tokio::time::sleep(std::time::Duration::from_secs(10 * 60)).await;
        let manual = driver.lock().unwrap().tick(clock.now());
        let second = Recorder::new(clock.clone(), 0);
        let timer = CheckInTimer::spawn(
            &tokio::runtime::Handle::current(),
            driver.clone(),
            second.clone(),
            clock.clone(),
        );
        tokio::time::sleep(std::time::Duration::from_secs(3 * 3600)).await;
        let mut all = first.events();
        all.extend(manual.into_iter().map(|e| (e.due_at, e)));
        all.extend(second.events());
        assert_eq!(all.len(), 10);
        assert_unique(&all);
        drop(timer);
    }

    #[tokio::test(start_paused = true)]
    async fn wake_delivers_the_all_clear_at_once_and_stops_the_ladder() {
        let clock = clock();
        let driver = started(clock.now());
        let sink = Recorder::new(clock.clone(), 0);
        let timer = CheckInTimer::spawn(
            &tokio::runtime::Handle::current(),
            driver.clone(),
            sink.clone(),
            clock.clone(),
        );
        tokio::time::sleep(std::time::Duration::from_secs(40 * 60)).await; // in grace
        driver.lock().unwrap().check_in(clock.now()).unwrap();
        timer.wake();
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        let got = sink.events();
        let kinds: Vec<EventKind> = got.iter().map(|(_, e)| e.kind).collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == EventKind::AllClear).count(),
            2,
            "{kinds:?}"
        );
        tokio::time::sleep(std::time::Duration::from_secs(3 * 3600)).await;
        assert_eq!(
            sink.events().len(),
            got.len(),
            "no alert after the check-in"
        );
        assert!(!sink
            .events()
            .iter()
            .any(|(_, e)| e.kind == EventKind::Alert));
    }

    #[tokio::test(start_paused = true)]
    async fn drives_check_ins_stored_in_the_vault() {
        let clock = clock();
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) = Vault::create(
            dir.path(),
            "246810",
            CreateOptions::for_tests(clock.clone()),
        )
        .unwrap();
        let vault = Arc::new(vault);
        Safety::new(&vault)
            .start_checkin(Plan::new("Elm Road", Expect::WithinMinutes(30), buddies()))
            .unwrap();
        let sink = Recorder::new(clock.clone(), 1);
        let driver = Arc::new(VaultCheckIns(vault.clone()));
        let _timer = CheckInTimer::spawn(
            &tokio::runtime::Handle::current(),
            driver,
            sink.clone(),
            clock.clone(),
        );
        tokio::time::sleep(std::time::Duration::from_secs(20 * 60 + 30)).await;
        // A shell wake-up tick in between delivers nothing the timer already delivered.
        let manual = Safety::new(&vault).tick(clock.now()).unwrap();
        assert!(manual.is_empty(), "{manual:?}");
        tokio::time::sleep(std::time::Duration::from_secs(3 * 3600)).await;
        let got = sink.events();
        assert_eq!(got.len(), 10);
        assert_unique(&got);
        assert_eq!(Safety::new(&vault).next_wake().unwrap(), None);
    }
}
