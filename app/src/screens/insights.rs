//! Patterns ("Insights"): the core's analysis of the whole log (counts over time, when and where
//! things happen, escalation signals with the incidents behind them, the course-of-conduct
//! count), put into words from the table. The safety note shows whatever the patterns say: a
//! quiet log is not a safe situation.

use chrono::{FixedOffset, Offset, Utc};
use waymark_core::insight::{self, Insights, SignalKind, TrendDirection};

use crate::model::{Model, Route};
use crate::strings::fill;

/// The kinds of escalation signal, as the screen names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PatternSignal {
    RateRising,
    Burst,
    NewBehaviour,
    CloserToSavedPlace,
    FearRising,
    FearOfViolence,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SignalRow {
    pub kind: PatternSignal,
    pub headline: String,
    /// "Incidents 3f2a…, 9d88…"
    pub incidents_label: String,
    pub incident_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CountBar {
    pub label: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct InsightsScreen {
    /// Always shown, first.
    pub safety_note: String,
    /// "12 incidents, from 3 Nov to 20 Nov" (or that nothing is logged yet).
    pub summary: String,
    pub incident_count: u32,
    pub trend_heading: String,
    /// Whether incidents per week are rising, in words, with the test behind it.
    pub trend: String,
    pub when_heading: String,
    /// "Most often between 08:00 and 09:00 (4 incidents)"; empty with no incidents.
    pub busiest_hour: String,
    /// "Most often on a Monday (5 incidents)"
    pub busiest_day: String,
    /// Incidents per local hour, 0 to 23.
    pub by_hour: Vec<u32>,
    /// Monday first, with their labels.
    pub by_day: Vec<CountBar>,
    /// The last weeks, oldest first ("2026-W47").
    pub weekly: Vec<CountBar>,
    pub places_heading: String,
    /// "4 incidents within 150 m of Home" / "...of one spot".
    pub places: Vec<String>,
    pub signals_heading: String,
    pub signals: Vec<SignalRow>,
    /// Shown when `signals` is empty (never "you are safe").
    pub no_signals_text: String,
    pub conduct_heading: String,
    /// One line per person named in incidents.
    pub conduct: Vec<String>,
}

fn local(minutes: i32) -> FixedOffset {
    FixedOffset::east_opt(minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix())
}

/// "3f2a…, 9d88…": the start of each id, as the report prints them.
pub(crate) fn short_ids(ids: &[String]) -> String {
    ids.iter()
        .map(|i| format!("{}…", i.chars().take(8).collect::<String>()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Model {
    pub(crate) fn open_insights(&mut self) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match insight::for_vault(v, &local(self.config.utc_offset_minutes)) {
            Ok(i) => {
                self.insights = Some(i);
                self.go(Route::Insights);
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn insights_view(&self) -> InsightsScreen {
        let w = &self.s.insights;
        let tz = local(self.config.utc_offset_minutes);
        let empty: Insights;
        let i = match &self.insights {
            Some(i) => i,
            None => {
                // An analysis of nothing, for a view drawn before the first one was read.
                empty = insight::analyse(&[], &insight::InsightInput::new(self.now()), &tz);
                &empty
            }
        };
        let date = |t: chrono::DateTime<Utc>| t.with_timezone(&tz).format("%-d %b %Y").to_string();
        let summary = match (i.first, i.last) {
            (Some(a), Some(b)) if i.incident_count > 0 => fill(
                w.summary,
                &[
                    ("count", &i.incident_count.to_string()),
                    ("first", &date(a)),
                    ("last", &date(b)),
                ],
            ),
            _ => w.nothing_yet.to_string(),
        };
        let t = &i.rate_trend;
        let trend = match t.direction {
            TrendDirection::Rising => fill(w.trend_rising, &[("p", &format!("{:.3}", t.p_value))]),
            TrendDirection::Falling => {
                fill(w.trend_falling, &[("p", &format!("{:.3}", t.p_value))])
            }
            TrendDirection::NoClearTrend => w.trend_none.to_string(),
            TrendDirection::NotEnoughData => w.trend_not_enough.to_string(),
        };
        let busiest_hour = busiest(&i.by_hour)
            .map(|(h, n)| {
                fill(
                    w.busiest_hour,
                    &[
                        ("from", &format!("{h:02}:00")),
                        ("to", &format!("{:02}:00", (h + 1) % 24)),
                        ("count", &n.to_string()),
                    ],
                )
            })
            .unwrap_or_default();
        let busiest_day = busiest(&i.by_day_of_week)
            .map(|(d, n)| {
                fill(
                    w.busiest_day,
                    &[("day", w.days_long[d]), ("count", &n.to_string())],
                )
            })
            .unwrap_or_default();
        InsightsScreen {
            safety_note: fill(w.safety_note, &[("number", self.region.emergency_number)]),
            summary,
            incident_count: u32::try_from(i.incident_count).unwrap_or(u32::MAX),
            trend_heading: w.trend_heading.to_string(),
            trend,
            when_heading: w.when_heading.to_string(),
            busiest_hour,
            busiest_day,
            by_hour: i.by_hour.to_vec(),
            by_day: i
                .by_day_of_week
                .iter()
                .zip(w.days_short)
                .map(|(n, d)| CountBar {
                    label: d.to_string(),
                    count: *n,
                })
                .collect(),
            weekly: i
                .weekly
                .iter()
                .map(|p| CountBar {
                    label: p.label.clone(),
                    count: p.total,
                })
                .collect(),
            places_heading: w.places_heading.to_string(),
            places: i
                .place_clusters
                .iter()
                .map(|c| {
                    let count = c.incident_ids.len().to_string();
                    let radius = format!("{:.0}", c.radius_m.max(1.0));
                    match &c.label {
                        Some(label) => fill(
                            w.place_named,
                            &[("count", &count), ("radius", &radius), ("place", label)],
                        ),
                        None => fill(w.place_spot, &[("count", &count), ("radius", &radius)]),
                    }
                })
                .collect(),
            signals_heading: w.signals_heading.to_string(),
            signals: i
                .escalation
                .iter()
                .map(|s| {
                    let (kind, headline) = match s.kind {
                        SignalKind::RateRising => (PatternSignal::RateRising, w.signal_rate),
                        SignalKind::Burst => (PatternSignal::Burst, w.signal_burst),
                        SignalKind::NewBehaviour => (PatternSignal::NewBehaviour, w.signal_new),
                        SignalKind::CloserToSavedPlace => {
                            (PatternSignal::CloserToSavedPlace, w.signal_closer)
                        }
                        SignalKind::FearRising => (PatternSignal::FearRising, w.signal_fear),
                        SignalKind::FearOfViolence => {
                            (PatternSignal::FearOfViolence, w.signal_violence)
                        }
                    };
                    SignalRow {
                        kind,
                        headline: headline.to_string(),
                        incidents_label: fill(w.incidents, &[("ids", &short_ids(&s.incident_ids))]),
                        incident_ids: s.incident_ids.clone(),
                    }
                })
                .collect(),
            no_signals_text: w.no_signals.to_string(),
            conduct_heading: w.conduct_heading.to_string(),
            conduct: i
                .course_of_conduct
                .iter()
                .map(|c| {
                    let template = if c.meets_count {
                        w.conduct_meets
                    } else {
                        w.conduct_once
                    };
                    fill(
                        template,
                        &[
                            ("person", &c.person),
                            ("count", &c.incident_ids.len().to_string()),
                        ],
                    )
                })
                .collect(),
        }
    }
}

/// The busiest slot and its count, when one slot clearly stands out: at least 2 incidents and
/// more than any other slot ("most often" would say nothing true otherwise).
fn busiest(counts: &[u32]) -> Option<(usize, u32)> {
    let (i, &n) = counts.iter().enumerate().max_by_key(|(_, n)| **n)?;
    let ties = counts.iter().filter(|&&c| c == n).count();
    (n >= 2 && ties == 1).then_some((i, n))
}
