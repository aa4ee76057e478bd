//! Escalation signals. Each names the incidents behind it so the person (and the police) can
//! look at the evidence rather than take a number on trust.

use super::counts::PeriodCount;
use super::places::distance_m;
use super::trend::{mann_kendall, poisson_upper_tail, TrendDirection, TrendTest};
use super::{coordinates, short_label, InsightInput};
use crate::log::{Incident, IncidentKind};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde::Serialize;

/// Weeks needed before the rate test says anything.
const MIN_WEEKS: usize = 6;
/// Values needed before the fear and distance tests say anything.
const MIN_POINTS: usize = 6;
/// The rate test looks at no more than this many recent weeks (keeps it O(n^2)-cheap).
const MAX_WEEKS: usize = 260;
/// A week is a burst when its Bonferroni-adjusted Poisson tail is below this.
const BURST_P: f64 = 0.01;
const BURST_MIN_COUNT: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignalKind {
    RateRising,
    Burst,
    NewBehaviour,
    CloserToSavedPlace,
    FearRising,
    FearOfViolence,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EscalationSignal {
    pub kind: SignalKind,
    pub headline: String,
    pub detail: String,
    /// The incidents that show it, oldest first.
    pub incident_ids: Vec<String>,
    /// The statistical test behind it, where there is one.
    pub test: Option<TrendTest>,
}

/// How serious a kind of behaviour is, for "new behaviour" signals: 1 contact at a distance,
/// 2 physical presence or surveillance, 3 home, threats, damage.
fn tier(kind: IncidentKind) -> u8 {
    use IncidentKind::*;
    match kind {
        UnwantedContact | GiftsLeft | ContactingOthers | OnlineAccounts | Impersonation | Other => {
            1
        }
        Followed | Watching | TurnedUpWork | TurnedUpSchool | TrackerSuspected => 2,
        TurnedUpHome | PropertyDamage | Threats => 3,
    }
}

fn day<Tz: TimeZone>(t: DateTime<Utc>, tz: &Tz) -> String {
    t.with_timezone(tz)
        .date_naive()
        .format("%-d %b %Y")
        .to_string()
}

/// Returns the weekly-rate test (always) and every signal found.
pub fn escalation_signals<Tz: TimeZone>(
    sorted: &[&Incident],
    weekly: &[PeriodCount],
    input: &InsightInput,
    tz: &Tz,
) -> (TrendTest, Vec<EscalationSignal>) {
    let mut signals = vec![];
    let rate = rate_signal(weekly, input.now, tz, &mut signals);
    burst_signals(weekly, &mut signals);
    new_behaviour_signals(sorted, tz, &mut signals);
    closer_signals(sorted, input, tz, &mut signals);
    fear_signals(sorted, &mut signals);
    (rate, signals)
}

fn rate_signal<Tz: TimeZone>(
    weekly: &[PeriodCount],
    now: DateTime<Utc>,
    tz: &Tz,
    signals: &mut Vec<EscalationSignal>,
) -> TrendTest {
    // The current week is not over: its low count would bias the test towards "falling".
    let today = now.with_timezone(tz).date_naive();
    let this_week = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let complete: Vec<&PeriodCount> = weekly.iter().filter(|w| w.start < this_week).collect();
    let tested = &complete[complete.len().saturating_sub(MAX_WEEKS)..];
    let counts: Vec<f64> = tested.iter().map(|w| w.total as f64).collect();
    let test = mann_kendall(
        &counts,
        MIN_WEEKS,
        &format!(
            "weekly incident counts, last {} complete weeks",
            counts.len()
        ),
    );
    if test.direction == TrendDirection::Rising {
        let half = tested.len() / 2;
        let (earlier, recent) = tested.split_at(tested.len() - half);
        let before: u32 = earlier[earlier.len() - half..]
            .iter()
            .map(|w| w.total)
            .sum();
        let after: u32 = recent.iter().map(|w| w.total).sum();
        signals.push(EscalationSignal {
            kind: SignalKind::RateRising,
            headline: "Incidents are becoming more frequent".into(),
            detail: format!(
                "The weekly counts over the last {} complete weeks show a rising trend \
                 (Mann-Kendall trend test, p = {:.4}; the typical change is {:+.2} incidents a week, each week). \
                 There were {after} incidents in the last {half} weeks, against {before} in the {half} weeks before.",
                test.n, test.p_value, test.sen_slope
            ),
            incident_ids: recent.iter().flat_map(|w| w.incident_ids.iter().cloned()).collect(),
            test: Some(test.clone()),
        });
    }
    test
}

fn burst_signals(weekly: &[PeriodCount], signals: &mut Vec<EscalationSignal>) {
    let n = weekly.len();
    if n < 4 {
        return;
    }
    let total: u32 = weekly.iter().map(|w| w.total).sum();
    for w in weekly {
        if w.total < BURST_MIN_COUNT {
            continue;
        }
        // Expected rate from all the other weeks; a small floor so one busy week after
        // silence is judged against "rarely", not "never".
        let lambda = ((total - w.total) as f64 / (n - 1) as f64).max(0.2);
        let p = (poisson_upper_tail(w.total, lambda) * n as f64).min(1.0);
        if p < BURST_P {
            signals.push(EscalationSignal {
                kind: SignalKind::Burst,
                headline: format!("A week with far more incidents than usual ({})", w.label),
                detail: format!(
                    "{} incidents in the week starting {}, against about {:.1} a week otherwise \
                     (Poisson test, p = {:.4} after allowing for the {n} weeks checked).",
                    w.total,
                    w.start.format("%-d %b %Y"),
                    lambda,
                    p
                ),
                incident_ids: w.incident_ids.clone(),
                test: None,
            });
        }
    }
}

fn new_behaviour_signals<Tz: TimeZone>(
    sorted: &[&Incident],
    tz: &Tz,
    signals: &mut Vec<EscalationSignal>,
) {
    let mut seen: Vec<IncidentKind> = vec![];
    for i in sorted {
        if seen.contains(&i.details.kind) {
            continue;
        }
        let max_before = seen.iter().map(|k| tier(*k)).max();
        if let Some(max_before) = max_before {
            if tier(i.details.kind) >= 2 && tier(i.details.kind) >= max_before {
                let before: Vec<&str> = seen.iter().map(|k| short_label(*k)).collect();
                signals.push(EscalationSignal {
                    kind: SignalKind::NewBehaviour,
                    headline: format!(
                        "New behaviour: {}",
                        short_label(i.details.kind).to_lowercase()
                    ),
                    detail: format!(
                        "First recorded on {}. Before that, the log had only: {}.",
                        day(i.details.occurred.start, tz),
                        before.join(", ").to_lowercase()
                    ),
                    incident_ids: sorted
                        .iter()
                        .filter(|j| j.details.kind == i.details.kind)
                        .map(|j| j.id.clone())
                        .collect(),
                    test: None,
                });
            }
        }
        seen.push(i.details.kind);
    }
}

fn closer_signals<Tz: TimeZone>(
    sorted: &[&Incident],
    input: &InsightInput,
    tz: &Tz,
    signals: &mut Vec<EscalationSignal>,
) {
    let places: Vec<_> = input
        .saved_places
        .iter()
        .filter(|p| p.lat.is_finite() && p.lon.is_finite())
        .collect();
    if places.is_empty() {
        return;
    }
    // (incident, distance to the nearest saved place, that place's label), oldest first.
    let located: Vec<(&Incident, f64, &str)> = sorted
        .iter()
        .filter_map(|i| {
            let c = coordinates(i)?;
            places
                .iter()
                .map(|p| (distance_m(c, (p.lat, p.lon)), p.label.as_str()))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(d, l)| (*i, d, l))
        })
        .collect();
    let near_idx = located
        .iter()
        .position(|(_, d, _)| *d <= input.near_saved_place_m);
    if let Some(first_near) = near_idx.filter(|&k| k > 0) {
        let near: Vec<&(&Incident, f64, &str)> = located[first_near..]
            .iter()
            .filter(|(_, d, _)| *d <= input.near_saved_place_m)
            .collect();
        let (first, _, label) = located[first_near];
        signals.push(EscalationSignal {
            kind: SignalKind::CloserToSavedPlace,
            headline: format!("Incidents have started happening near {label}"),
            detail: format!(
                "Since {}, {} incident(s) happened within {:.0} m of a place you saved; the {} before were further away.",
                day(first.details.occurred.start, tz),
                near.len(),
                input.near_saved_place_m,
                first_near
            ),
            incident_ids: near.iter().map(|(i, _, _)| i.id.clone()).collect(),
            test: None,
        });
        return;
    }
    let distances: Vec<f64> = located.iter().map(|(_, d, _)| *d).collect();
    let test = mann_kendall(
        &distances,
        MIN_POINTS,
        "distance from the nearest saved place, incident by incident",
    );
    if test.direction == TrendDirection::Falling {
        let half = located.len() / 2;
        signals.push(EscalationSignal {
            kind: SignalKind::CloserToSavedPlace,
            headline: "Incidents are getting closer to places you saved".into(),
            detail: format!(
                "The distance from your saved places is falling over {} incidents with a location \
                 (Mann-Kendall trend test, p = {:.4}).",
                test.n, test.p_value
            ),
            incident_ids: located[located.len() - half..]
                .iter()
                .map(|(i, _, _)| i.id.clone())
                .collect(),
            test: Some(test),
        });
    }
}

fn fear_signals(sorted: &[&Incident], signals: &mut Vec<EscalationSignal>) {
    let felt: Vec<(&Incident, u8)> = sorted
        .iter()
        .filter_map(|i| {
            i.details
                .feeling
                .filter(|f| (1..=5).contains(f))
                .map(|f| (*i, f))
        })
        .collect();
    let values: Vec<f64> = felt.iter().map(|(_, f)| *f as f64).collect();
    let test = mann_kendall(
        &values,
        MIN_POINTS,
        "how you felt (1 uneasy to 5 in fear of violence), incident by incident",
    );
    if test.direction == TrendDirection::Rising {
        let half = felt.len() / 2;
        signals.push(EscalationSignal {
            kind: SignalKind::FearRising,
            headline: "You have been feeling more afraid".into(),
            detail: format!(
                "How you said you felt has risen over {} incidents (Mann-Kendall trend test, p = {:.4}). \
                 Your fear matters: tell the police or the Helpline how you feel, not only what happened.",
                test.n, test.p_value
            ),
            incident_ids: felt[felt.len() - half..].iter().map(|(i, _)| i.id.clone()).collect(),
            test: Some(test),
        });
    }
    let afraid: Vec<String> = felt
        .iter()
        .filter(|(_, f)| *f == 5)
        .map(|(i, _)| i.id.clone())
        .collect();
    if !afraid.is_empty() {
        signals.push(EscalationSignal {
            kind: SignalKind::FearOfViolence,
            headline: "You recorded being in fear of violence".into(),
            detail: format!(
                "On {} occasion(s) you said you were in fear of violence. Tell the police or the Helpline this.",
                afraid.len()
            ),
            incident_ids: afraid,
            test: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::testdata::*;
    use crate::insight::{analyse, SavedPlace};
    use chrono::Duration;

    /// Analyse a weekly series, "now" being the Wednesday after the last week.
    fn run(counts: &[u32]) -> crate::insight::Insights {
        let v = weekly_series(counts, IncidentKind::UnwantedContact);
        let now = t0() + Duration::weeks(counts.len() as i64) + Duration::days(2);
        analyse(&v, &InsightInput::new(now), &Utc)
    }

    fn kinds(i: &crate::insight::Insights) -> Vec<SignalKind> {
        i.escalation.iter().map(|s| s.kind).collect()
    }

    #[test]
    fn flat_series_has_no_trend_and_no_signal() {
        let i = run(&[2, 3, 2, 1, 2, 3, 2, 2, 1, 3, 2, 2]);
        assert_eq!(i.rate_trend.direction, TrendDirection::NoClearTrend);
        assert!(i.rate_trend.p_value > 0.05);
        assert!(i.rate_trend.method.contains("Mann-Kendall"));
        assert_eq!(
            i.rate_trend.n, 12,
            "the incomplete current week is left out"
        );
        assert!(kinds(&i).is_empty(), "{:?}", i.escalation);
    }

    #[test]
    fn rising_series_is_flagged_with_its_recent_incidents() {
        let i = run(&[1, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7]);
        assert_eq!(i.rate_trend.direction, TrendDirection::Rising);
        assert!(i.rate_trend.p_value < 0.001, "{}", i.rate_trend.p_value);
        assert!(i.rate_trend.sen_slope > 0.4);
        assert_eq!(kinds(&i), vec![SignalKind::RateRising]);
        let s = &i.escalation[0];
        // The last 6 weeks hold 3+4+5+5+6+7 = 30 incidents.
        assert_eq!(s.incident_ids.len(), 30);
        assert!(s.incident_ids.iter().all(|id| id.starts_with('w')
            && id[1..].split('-').next().unwrap().parse::<u32>().unwrap() >= 6));
        assert!(s
            .detail
            .contains("30 incidents in the last 6 weeks, against 10"));
    }

    #[test]
    fn falling_series_is_not_an_escalation() {
        let i = run(&[7, 6, 6, 5, 4, 4, 3, 2, 2, 1, 1, 0]);
        assert_eq!(i.rate_trend.direction, TrendDirection::Falling);
        assert!(kinds(&i).is_empty(), "{:?}", i.escalation);
        // The warning is still there: quiet does not mean safe.
        assert!(i.safety_note.contains("Risk can rise at any time"));
        assert!(i.safety_note.contains("0808 802 0300") && i.safety_note.contains("999"));
    }

    #[test]
    fn bursty_series_has_no_trend_but_flags_the_burst_week() {
        let i = run(&[1, 0, 1, 0, 9, 1, 0, 1, 0, 1, 0, 1]);
        assert_eq!(i.rate_trend.direction, TrendDirection::NoClearTrend);
        assert_eq!(kinds(&i), vec![SignalKind::Burst]);
        assert_eq!(i.escalation[0].incident_ids.len(), 9);
        assert!(i.escalation[0]
            .incident_ids
            .iter()
            .all(|id| id.starts_with("w4-")));
    }

    #[test]
    fn too_few_weeks_is_not_guessed() {
        let i = run(&[1, 2, 3]);
        assert_eq!(i.rate_trend.direction, TrendDirection::NotEnoughData);
    }

    #[test]
    fn threats_and_turning_up_at_home_after_only_messages_are_new_behaviour() {
        let h = |n| t0() + Duration::days(n);
        let v = vec![
            incident("m1", IncidentKind::UnwantedContact, h(0)),
            incident("m2", IncidentKind::OnlineAccounts, h(1)),
            incident("m3", IncidentKind::UnwantedContact, h(2)),
            incident("home", IncidentKind::TurnedUpHome, h(3)),
            incident("threat", IncidentKind::Threats, h(4)),
            incident("m4", IncidentKind::GiftsLeft, h(5)),
            incident("watch", IncidentKind::Watching, h(6)), // less serious than what came before
            incident("threat2", IncidentKind::Threats, h(7)),
        ];
        let i = analyse(&v, &InsightInput::new(h(8)), &Utc);
        let nb: Vec<&EscalationSignal> = i
            .escalation
            .iter()
            .filter(|s| s.kind == SignalKind::NewBehaviour)
            .collect();
        assert_eq!(nb.len(), 2, "{nb:?}");
        assert_eq!(nb[0].incident_ids, ["home"]);
        assert!(nb[0]
            .detail
            .contains("unwanted contact, online accounts interfered with"));
        assert_eq!(nb[1].incident_ids, ["threat", "threat2"]);
    }

    #[test]
    fn incidents_arriving_near_home_are_flagged() {
        let home = SavedPlace {
            label: "home".into(),
            lat: 51.5,
            lon: -0.1,
        };
        let h = |n| t0() + Duration::days(n);
        let k = IncidentKind::Watching;
        let v = vec![
            at_place(incident("far1", k, h(0)), 51.55, -0.1),
            at_place(incident("far2", k, h(1)), 51.54, -0.1),
            at_place(incident("near1", k, h(2)), 51.501, -0.1), // ~111 m
            at_place(incident("far3", k, h(3)), 51.56, -0.1),
            at_place(incident("near2", k, h(4)), 51.5, -0.1015),
        ];
        let mut input = InsightInput::new(h(5));
        input.saved_places = vec![home];
        let i = analyse(&v, &input, &Utc);
        let s: Vec<_> = i
            .escalation
            .iter()
            .filter(|s| s.kind == SignalKind::CloserToSavedPlace)
            .collect();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].incident_ids, ["near1", "near2"]);
        assert!(s[0].headline.contains("near home"));

        // Steadily approaching but never within 400 m: the trend test catches it.
        let v: Vec<Incident> = (0..8)
            .map(|n| {
                at_place(
                    incident(&format!("a{n}"), k, h(n)),
                    51.5 + 0.02 * (8 - n) as f64,
                    -0.1,
                )
            })
            .collect();
        let i = analyse(&v, &input, &Utc);
        let s: Vec<_> = i
            .escalation
            .iter()
            .filter(|s| s.kind == SignalKind::CloserToSavedPlace)
            .collect();
        assert_eq!(s.len(), 1, "{:?}", i.escalation);
        assert_eq!(
            s[0].test.as_ref().unwrap().direction,
            TrendDirection::Falling
        );
        assert_eq!(s[0].incident_ids, ["a4", "a5", "a6", "a7"]);

        // Without saved places there is nothing to compare with.
        assert!(analyse(&v, &InsightInput::new(h(9)), &Utc)
            .escalation
            .iter()
            .all(|s| s.kind != SignalKind::CloserToSavedPlace));
    }

    #[test]
    fn rising_fear_and_fear_of_violence_are_flagged() {
        let h = |n| t0() + Duration::days(n);
        let feelings = [1u8, 2, 2, 3, 3, 4, 4, 5];
        let v: Vec<Incident> = feelings
            .iter()
            .enumerate()
            .map(|(n, f)| {
                let mut i = incident(&format!("f{n}"), IncidentKind::UnwantedContact, h(n as i64));
                i.details.feeling = Some(*f);
                i
            })
            .collect();
        let i = analyse(&v, &InsightInput::new(h(9)), &Utc);
        let k = kinds(&i);
        assert!(k.contains(&SignalKind::FearRising), "{k:?}");
        let fv = i
            .escalation
            .iter()
            .find(|s| s.kind == SignalKind::FearOfViolence)
            .unwrap();
        assert_eq!(fv.incident_ids, ["f7"]);

        // Steady, low feelings: nothing.
        let mut calm = v.clone();
        for c in &mut calm {
            c.details.feeling = Some(2);
        }
        let i = analyse(&calm, &InsightInput::new(h(9)), &Utc);
        assert!(i.escalation.is_empty(), "{:?}", i.escalation);
    }

    #[test]
    fn empty_log_is_fine() {
        let i = analyse(&[], &InsightInput::new(t0()), &Utc);
        assert_eq!(i.incident_count, 0);
        assert!(i.weekly.is_empty() && i.escalation.is_empty());
        assert_eq!(i.rate_trend.direction, TrendDirection::NotEnoughData);
    }
}
