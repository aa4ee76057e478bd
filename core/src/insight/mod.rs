//! Patterns in the incident log: counts over time, when and where things happen, escalation
//! signals (each with the incidents behind it) and the "course of conduct" count.
//!
//! Everything here is a pure function over a slice of incidents, so the same analysis serves the
//! app, the CLI and the PDF report. Time-of-day and weeks use the person's time zone (passed in),
//! because "he turns up at 8 in the morning" is a local-time pattern.

mod conduct;
mod counts;
mod escalation;
mod places;
pub mod trend;

pub use conduct::{course_of_conduct, CourseOfConduct, COURSE_OF_CONDUCT_LAW};
pub use counts::{by_day_of_week, by_hour, monthly_counts, weekly_counts, PeriodCount};
pub use escalation::{escalation_signals, EscalationSignal, SignalKind};
pub use places::{place_clusters, PlaceCluster};
pub use trend::{TrendDirection, TrendTest};

use crate::log::Incident;
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

/// Shown with every view of patterns, whatever they say: a quiet log is not a safe situation.
pub const SAFETY_NOTE: &str = "Risk can rise at any time, whether or not there have been threats. \
If you are in danger now, call 999 (if you cannot speak, stay on the line and press 55 when asked). \
For advice and support, call the National Stalking Helpline on 0808 802 0300.";

/// The analysis of every incident in the vault, with the saved places of the routes module.
pub fn for_vault<Tz: TimeZone>(vault: &crate::vault::Vault, tz: &Tz) -> crate::Result<Insights> {
    let mut incidents =
        crate::log::IncidentLog::new(vault).list(&crate::log::ListFilter::default())?;
    incidents.reverse();
    let saved_places = crate::routes::RouteStore::new(vault)
        .places()?
        .into_iter()
        .map(|p| SavedPlace {
            label: p.name,
            lat: p.lat,
            lon: p.lon,
        })
        .collect();
    let input = InsightInput {
        saved_places,
        ..InsightInput::new(vault.now())
    };
    Ok(analyse(&incidents, &input, tz))
}

/// A place that matters to the person (home, work, school); routes owns these later.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedPlace {
    pub label: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone)]
pub struct InsightInput {
    /// "Today": the weekly series runs up to this time.
    pub now: DateTime<Utc>,
    pub saved_places: Vec<SavedPlace>,
    /// Incidents within this distance of each other form a place cluster.
    pub cluster_radius_m: f64,
    /// An incident this close to a saved place counts as "near" it.
    pub near_saved_place_m: f64,
}

impl InsightInput {
    pub fn new(now: DateTime<Utc>) -> Self {
        InsightInput {
            now,
            saved_places: Vec::new(),
            cluster_radius_m: 200.0,
            near_saved_place_m: 400.0,
        }
    }
}

/// The whole picture, ready to show or serialise.
#[derive(Debug, Clone, Serialize)]
pub struct Insights {
    pub safety_note: String,
    pub incident_count: usize,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub weekly: Vec<PeriodCount>,
    pub monthly: Vec<PeriodCount>,
    /// Local hour 0..=23 of when incidents started.
    pub by_hour: [u32; 24],
    /// Monday first.
    pub by_day_of_week: [u32; 7],
    pub place_clusters: Vec<PlaceCluster>,
    /// The weekly-rate test, always reported (even when it finds nothing).
    pub rate_trend: TrendTest,
    pub escalation: Vec<EscalationSignal>,
    pub course_of_conduct: Vec<CourseOfConduct>,
    pub course_of_conduct_law: String,
}

/// Runs every analysis. `tz` is the person's time zone (chrono::Local in the CLI).
pub fn analyse<Tz: TimeZone>(incidents: &[Incident], input: &InsightInput, tz: &Tz) -> Insights {
    let sorted = chronological(incidents);
    let weekly = weekly_counts(&sorted, input.now, tz);
    let (rate_trend, escalation) = escalation_signals(&sorted, &weekly, input, tz);
    Insights {
        safety_note: SAFETY_NOTE.to_string(),
        incident_count: sorted.len(),
        first: sorted.first().map(|i| i.details.occurred.start),
        last: sorted.last().map(|i| i.details.occurred.start),
        monthly: monthly_counts(&sorted, input.now, tz),
        weekly,
        by_hour: by_hour(&sorted, tz),
        by_day_of_week: by_day_of_week(&sorted, tz),
        place_clusters: place_clusters(&sorted, input.cluster_radius_m),
        rate_trend,
        escalation,
        course_of_conduct: course_of_conduct(&sorted),
        course_of_conduct_law: COURSE_OF_CONDUCT_LAW.to_string(),
    }
}

/// Oldest first, ties broken by when they were written down, then id (deterministic output).
pub fn chronological(incidents: &[Incident]) -> Vec<&Incident> {
    let mut v: Vec<&Incident> = incidents.iter().collect();
    v.sort_by(|a, b| {
        (a.details.occurred.start, a.recorded_at, &a.id).cmp(&(
            b.details.occurred.start,
            b.recorded_at,
            &b.id,
        ))
    });
    v
}

/// A kind's label without its examples: "Unwanted contact (call, text...)" -> "Unwanted contact".
pub fn short_label(kind: crate::log::IncidentKind) -> &'static str {
    kind.label().split(" (").next().unwrap_or_default()
}

/// A valid coordinate pair, or None (bad data is skipped, never trusted or panicked on).
pub(crate) fn coordinates(incident: &Incident) -> Option<(f64, f64)> {
    let place = incident.details.place.as_ref()?;
    let (lat, lon) = (place.lat?, place.lon?);
    let ok = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
    ok.then_some((lat, lon))
}

#[cfg(test)]
pub(crate) mod testdata {
    use crate::log::{Incident, IncidentKind, NewIncident, Occurred, Place};
    use chrono::{DateTime, Duration, TimeZone, Utc};

    pub fn t0() -> DateTime<Utc> {
        // A Monday.
        Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
    }

    pub fn incident(id: &str, kind: IncidentKind, at: DateTime<Utc>) -> Incident {
        let mut details = NewIncident::new(
            kind,
            Occurred {
                start: at,
                end: None,
            },
            format!("description of {id}"),
        );
        details.place = None;
        Incident {
            id: id.to_string(),
            recorded_at: at + Duration::hours(1),
            amended_at: None,
            details,
        }
    }

    pub fn at_place(mut i: Incident, lat: f64, lon: f64) -> Incident {
        i.details.place = Some(Place {
            label: Some("corner shop".into()),
            lat: Some(lat),
            lon: Some(lon),
            accuracy_m: None,
        });
        i
    }

    /// One incident series with `counts[w]` incidents in week w (Tuesdays, spread over the day).
    pub fn weekly_series(counts: &[u32], kind: IncidentKind) -> Vec<Incident> {
        let mut out = vec![];
        for (w, &c) in counts.iter().enumerate() {
            for k in 0..c {
                let at = t0()
                    + Duration::weeks(w as i64)
                    + Duration::days(1)
                    + Duration::minutes(37 * k as i64);
                out.push(incident(&format!("w{w}-{k}"), kind, at));
            }
        }
        out
    }
}
