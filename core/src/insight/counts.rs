//! Counts per week and per month (by kind), and time-of-day / day-of-week distributions,
//! all in the person's local time.

use crate::log::Incident;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Incidents in one week (Monday start) or one calendar month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodCount {
    /// First day of the period (local date).
    pub start: NaiveDate,
    /// "2026-W05" for weeks, "2026-02" for months.
    pub label: String,
    pub total: u32,
    /// Kind (serde name) -> count; kinds with no incidents are left out.
    pub by_kind: BTreeMap<String, u32>,
    #[serde(skip)]
    pub incident_ids: Vec<String>,
}

impl PeriodCount {
    fn new(start: NaiveDate, label: String) -> Self {
        PeriodCount {
            start,
            label,
            total: 0,
            by_kind: BTreeMap::new(),
            incident_ids: vec![],
        }
    }
    fn add(&mut self, incident: &Incident) {
        self.total += 1;
        *self
            .by_kind
            .entry(incident.details.kind.as_str().to_string())
            .or_default() += 1;
        self.incident_ids.push(incident.id.clone());
    }
}

fn local_date<Tz: TimeZone>(t: DateTime<Utc>, tz: &Tz) -> NaiveDate {
    t.with_timezone(tz).date_naive()
}

fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// Every week from the first incident's week to the week containing `now` (or the last
/// incident, if later), including empty weeks: quiet weeks are data for the trend test.
pub fn weekly_counts<Tz: TimeZone>(
    sorted: &[&Incident],
    now: DateTime<Utc>,
    tz: &Tz,
) -> Vec<PeriodCount> {
    let Some(first) = sorted.first() else {
        return vec![];
    };
    let last = sorted
        .last()
        .map(|i| i.details.occurred.start)
        .unwrap_or(now)
        .max(now);
    let first_week = week_start(local_date(first.details.occurred.start, tz));
    let last_week = week_start(local_date(last, tz));
    let mut weeks = Vec::new();
    let mut w = first_week;
    while w <= last_week {
        let iso = w.iso_week();
        weeks.push(PeriodCount::new(
            w,
            format!("{}-W{:02}", iso.year(), iso.week()),
        ));
        w += Duration::weeks(1);
    }
    for i in sorted {
        let idx = (week_start(local_date(i.details.occurred.start, tz)) - first_week).num_weeks();
        if let Some(p) = usize::try_from(idx).ok().and_then(|idx| weeks.get_mut(idx)) {
            p.add(i);
        }
    }
    weeks
}

/// Every calendar month from the first incident to `now` (or the last incident, if later).
pub fn monthly_counts<Tz: TimeZone>(
    sorted: &[&Incident],
    now: DateTime<Utc>,
    tz: &Tz,
) -> Vec<PeriodCount> {
    let Some(first) = sorted.first() else {
        return vec![];
    };
    let last = sorted
        .last()
        .map(|i| i.details.occurred.start)
        .unwrap_or(now)
        .max(now);
    let month_index = |d: NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    let first_m = month_index(local_date(first.details.occurred.start, tz));
    let last_m = month_index(local_date(last, tz));
    let mut months = Vec::new();
    for m in first_m..=last_m {
        let (y, mo) = (m.div_euclid(12) as i32, m.rem_euclid(12) as u32 + 1);
        if let Some(start) = NaiveDate::from_ymd_opt(y, mo, 1) {
            months.push(PeriodCount::new(start, format!("{y:04}-{mo:02}")));
        }
    }
    for i in sorted {
        let idx = month_index(local_date(i.details.occurred.start, tz)) - first_m;
        if let Some(p) = usize::try_from(idx)
            .ok()
            .and_then(|idx| months.get_mut(idx))
        {
            p.add(i);
        }
    }
    months
}

/// How many incidents started in each local hour of the day.
pub fn by_hour<Tz: TimeZone>(sorted: &[&Incident], tz: &Tz) -> [u32; 24] {
    let mut out = [0u32; 24];
    for i in sorted {
        out[i.details.occurred.start.with_timezone(tz).hour() as usize % 24] += 1;
    }
    out
}

/// How many incidents happened on each local day of the week, Monday first.
pub fn by_day_of_week<Tz: TimeZone>(sorted: &[&Incident], tz: &Tz) -> [u32; 7] {
    let mut out = [0u32; 7];
    for i in sorted {
        out[local_date(i.details.occurred.start, tz)
            .weekday()
            .num_days_from_monday() as usize
            % 7] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::chronological;
    use crate::insight::testdata::*;
    use crate::log::IncidentKind;
    use chrono::FixedOffset;

    #[test]
    fn weeks_include_quiet_weeks_and_split_by_kind() {
        let mut v = weekly_series(&[2, 0, 1], IncidentKind::Followed);
        v.push(incident(
            "t",
            IncidentKind::Threats,
            t0() + Duration::days(2),
        ));
        let s = chronological(&v);
        let now = t0() + Duration::weeks(3) + Duration::days(1);
        let w = weekly_counts(&s, now, &Utc);
        assert_eq!(
            w.iter().map(|p| p.total).collect::<Vec<_>>(),
            vec![3, 0, 1, 0]
        );
        assert_eq!(w[0].by_kind.get("followed"), Some(&2));
        assert_eq!(w[0].by_kind.get("threats"), Some(&1));
        assert_eq!(w[0].label, "2026-W02");
        assert_eq!(w[0].start, NaiveDate::from_ymd_opt(2026, 1, 5).unwrap());
        let m = monthly_counts(&s, now, &Utc);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].total, 4);
    }

    #[test]
    fn hours_and_days_are_local() {
        // 23:30 UTC on a Monday is 01:30 on Tuesday at UTC+2.
        let at = Utc.with_ymd_and_hms(2026, 1, 5, 23, 30, 0).unwrap();
        let v = [incident("a", IncidentKind::Watching, at)];
        let s = chronological(&v);
        let tz = FixedOffset::east_opt(2 * 3600).unwrap();
        assert_eq!(by_hour(&s, &tz)[1], 1);
        assert_eq!(by_day_of_week(&s, &tz)[1], 1);
        assert_eq!(by_hour(&s, &Utc)[23], 1);
        assert_eq!(by_day_of_week(&s, &Utc)[0], 1);
    }

    #[test]
    fn months_span_year_end() {
        let v = [
            incident(
                "a",
                IncidentKind::Watching,
                Utc.with_ymd_and_hms(2025, 11, 20, 12, 0, 0).unwrap(),
            ),
            incident(
                "b",
                IncidentKind::Watching,
                Utc.with_ymd_and_hms(2026, 2, 1, 12, 0, 0).unwrap(),
            ),
        ];
        let s = chronological(&v);
        let m = monthly_counts(&s, Utc.with_ymd_and_hms(2026, 2, 2, 0, 0, 0).unwrap(), &Utc);
        let labels: Vec<_> = m.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(
            m.iter().map(|p| p.total).collect::<Vec<_>>(),
            vec![1, 0, 0, 1]
        );
    }
}
