//! Counters for `GET /metrics` (Prometheus text format). Only counts and times: never an id, a
//! key or anything from an alert.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::store::Gauges;

/// Upper bounds of the firing-delay histogram, in seconds.
const DELAY_BUCKETS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0];

#[derive(Default)]
pub struct Metrics {
    pub armed_total: AtomicU64,
    /// Check-ins this process moved to sending because nobody checked in in time.
    pub fired_total: AtomicU64,
    /// Check-ins ended with the duress secret (their alert sent at once). Reported only in this
    /// aggregate count.
    pub duress_total: AtomicU64,
    pub checked_in_total: AtomicU64,
    pub cancelled_total: AtomicU64,
    pub texts_sent_total: AtomicU64,
    pub texts_refused_total: AtomicU64,
    pub gateway_retries_total: AtomicU64,
    pub requests_refused_total: AtomicU64,
    delay_buckets: [AtomicU64; DELAY_BUCKETS.len()],
    delay_count: AtomicU64,
    delay_sum_ms: AtomicU64,
}

impl Metrics {
    /// One text sent `delay_ms` after it became due.
    pub fn observe_delay(&self, delay_ms: i64) {
        let ms = delay_ms.max(0) as u64;
        let secs = ms as f64 / 1000.0;
        for (i, bound) in DELAY_BUCKETS.iter().enumerate() {
            if secs <= *bound {
                self.delay_buckets[i].fetch_add(1, Relaxed);
            }
        }
        self.delay_count.fetch_add(1, Relaxed);
        self.delay_sum_ms.fetch_add(ms, Relaxed);
    }

    pub fn render(&self, gauges: Gauges) -> String {
        let mut out = String::new();
        let mut line = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        line(
            "waymark_relay_armed",
            "gauge",
            "Check-ins waiting for their deadline.",
            gauges.armed,
        );
        line(
            "waymark_relay_sending",
            "gauge",
            "Check-ins whose texts are being sent.",
            gauges.sending,
        );
        line(
            "waymark_relay_armed_total",
            "counter",
            "Check-ins armed through this process.",
            self.armed_total.load(Relaxed),
        );
        line(
            "waymark_relay_fired_total",
            "counter",
            "Missed check-ins this process started sending.",
            self.fired_total.load(Relaxed),
        );
        line(
            "waymark_relay_ended_total",
            "counter",
            "Check-ins ended by a check-in (either secret).",
            self.checked_in_total.load(Relaxed) + self.duress_total.load(Relaxed),
        );
        line(
            "waymark_relay_cancelled_total",
            "counter",
            "Check-ins called off.",
            self.cancelled_total.load(Relaxed),
        );
        line(
            "waymark_relay_texts_sent_total",
            "counter",
            "Texts the gateway accepted.",
            self.texts_sent_total.load(Relaxed),
        );
        line(
            "waymark_relay_texts_refused_total",
            "counter",
            "Texts the gateway refused for good.",
            self.texts_refused_total.load(Relaxed),
        );
        line(
            "waymark_relay_gateway_retries_total",
            "counter",
            "Gateway attempts to try again.",
            self.gateway_retries_total.load(Relaxed),
        );
        line(
            "waymark_relay_requests_refused_total",
            "counter",
            "Requests answered with a 4xx.",
            self.requests_refused_total.load(Relaxed),
        );
        let name = "waymark_relay_firing_delay_seconds";
        let _ = writeln!(out, "# HELP {name} From a text becoming due to the gateway accepting it.\n# TYPE {name} histogram");
        for (i, bound) in DELAY_BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{bound}\"}} {}",
                self.delay_buckets[i].load(Relaxed)
            );
        }
        let count = self.delay_count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "{name}_sum {}",
            self.delay_sum_ms.load(Relaxed) as f64 / 1000.0
        );
        let _ = writeln!(out, "{name}_count {count}");
        out
    }
}
