//! What the log already says about each question, and which incidents show it. Pure functions
//! over the incidents, built only from what the person recorded (kinds, times, feelings, places,
//! who they believe did it): nothing is read into the free text, and the questions about the
//! stalker's history get no evidence at all.

use super::questions::{Basis, Question, Topic};
use crate::insight::{chronological, place_clusters};
use crate::log::{Incident, IncidentKind};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::Serialize;

/// "More than three times per week", in the checklist's words.
pub const VISITS_PER_WEEK_ABOVE: usize = 3;
/// Feelings at or above this ("distressed", "in fear of violence") count as very frightened.
pub const FRIGHTENED_FROM: u8 = 4;
/// Loitering incidents this close together are "the same place".
const SAME_PLACE_M: f64 = 200.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEvidence {
    /// What the log says, in a sentence or two, naming the first incidents by short id.
    pub summary: String,
    /// The incidents behind it, oldest first.
    pub incident_ids: Vec<String>,
    /// The log holds what the question asks about (the person still answers).
    pub points_to_yes: bool,
}

/// The evidence for one question, or None for the questions the log cannot answer.
pub fn evidence_for<Tz: TimeZone>(
    q: &Question,
    incidents: &[Incident],
    now: DateTime<Utc>,
    tz: &Tz,
) -> Option<LogEvidence> {
    if q.basis == Basis::AskedOnly {
        return None;
    }
    let sorted = chronological(incidents);
    Some(match q.topic {
        Topic::Frightened => frightened(&sorted, tz),
        Topic::PropertyDamage => of_kinds(
            &sorted,
            &[IncidentKind::PropertyDamage],
            "Property damaged",
            "No incident is logged as property damage.",
            tz,
        ),
        Topic::VisitsHomeOrWork => visits(&sorted, now, tz),
        Topic::Loitering => loitering(&sorted, tz),
        Topic::ThreatsOfViolence => {
            let mut e = of_kinds(
                &sorted,
                &[IncidentKind::Threats],
                "Threats",
                "No incident is logged as a threat.",
                tz,
            );
            if e.points_to_yes {
                e.summary.push_str(
                    " Whether they were threats of physical or sexual violence is for you to say.",
                );
            }
            e
        }
        Topic::ThirdParties => of_kinds(
            &sorted,
            &[IncidentKind::ContactingOthers],
            "Contacted your family, friends or colleagues",
            "No incident is logged as contacting your family, friends or colleagues.",
            tz,
        ),
        Topic::OthersDrawnIn => others_drawn_in(&sorted),
        // Asked-only topics returned above; listed so a new topic fails to compile here.
        Topic::PreviousHarassment
        | Topic::ViolentNow
        | Topic::DrugsOrAlcohol
        | Topic::ViolentBefore => return None,
    })
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}

/// "incidents 3f2a9c1e, 9d88ab01 and 3 more"
fn cite(ids: &[&Incident]) -> String {
    let shown: Vec<&str> = ids.iter().take(6).map(|i| short(&i.id)).collect();
    let more = ids.len().saturating_sub(shown.len());
    let word = if ids.len() == 1 {
        "incident"
    } else {
        "incidents"
    };
    if more > 0 {
        format!("{word} {} and {more} more", shown.join(", "))
    } else {
        format!("{word} {}", shown.join(", "))
    }
}

fn day<Tz: TimeZone>(t: DateTime<Utc>, tz: &Tz) -> String {
    t.with_timezone(tz)
        .date_naive()
        .format("%-d %b %Y")
        .to_string()
}

fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

fn ids(v: &[&Incident]) -> Vec<String> {
    v.iter().map(|i| i.id.clone()).collect()
}

fn of_kinds<Tz: TimeZone>(
    sorted: &[&Incident],
    kinds: &[IncidentKind],
    what: &str,
    none: &str,
    tz: &Tz,
) -> LogEvidence {
    let found: Vec<&Incident> = sorted
        .iter()
        .copied()
        .filter(|i| kinds.contains(&i.details.kind))
        .collect();
    let Some(last) = found.last() else {
        return LogEvidence {
            summary: none.into(),
            incident_ids: vec![],
            points_to_yes: false,
        };
    };
    LogEvidence {
        summary: format!(
            "{what} {}, most recently on {}: {}.",
            times(found.len()),
            day(last.details.occurred.start, tz),
            cite(&found)
        ),
        incident_ids: ids(&found),
        points_to_yes: true,
    }
}

fn frightened<Tz: TimeZone>(sorted: &[&Incident], tz: &Tz) -> LogEvidence {
    let found: Vec<&Incident> = sorted
        .iter()
        .copied()
        .filter(|i| i.details.feeling.is_some_and(|f| f >= FRIGHTENED_FROM))
        .collect();
    if let Some(last) = found.last() {
        let in_fear = found
            .iter()
            .filter(|i| i.details.feeling == Some(5))
            .count();
        return LogEvidence {
            summary: format!(
                "You recorded feeling distressed or in fear of violence {} ({} in fear of violence), \
                 most recently on {}: {}.",
                times(found.len()),
                in_fear,
                day(last.details.occurred.start, tz),
                cite(&found)
            ),
            incident_ids: ids(&found),
            points_to_yes: true,
        };
    }
    let highest = sorted.iter().filter_map(|i| i.details.feeling).max();
    let summary = match highest {
        Some(f) => format!(
            "The strongest feeling you recorded is {f} ({}); no incident records you as distressed \
             or in fear of violence. Only you can say how frightened you are now.",
            crate::log::feeling_label(f)
        ),
        None => "No incident records how you felt. Only you can say how frightened you are.".into(),
    };
    LogEvidence {
        summary,
        incident_ids: vec![],
        points_to_yes: false,
    }
}

/// Turned up at home, work or school: the last 7 days if they already pass the checklist's
/// "more than three times a week", else the busiest 7 days in the log.
fn visits<Tz: TimeZone>(sorted: &[&Incident], now: DateTime<Utc>, tz: &Tz) -> LogEvidence {
    use IncidentKind::*;
    let found: Vec<&Incident> = sorted
        .iter()
        .copied()
        .filter(|i| matches!(i.details.kind, TurnedUpHome | TurnedUpWork | TurnedUpSchool))
        .collect();
    if found.is_empty() {
        return LogEvidence {
            summary: "No incident is logged as turning up at your home, work or school.".into(),
            incident_ids: vec![],
            points_to_yes: false,
        };
    }
    let week = Duration::days(7);
    let recent: Vec<&Incident> = found
        .iter()
        .copied()
        .filter(|i| i.details.occurred.start > now - week && i.details.occurred.start <= now)
        .collect();
    // Busiest window: for each visit, the visits in the 7 days starting then (latest on ties).
    let mut best: &[&Incident] = &found[..1];
    for start in 0..found.len() {
        let from = found[start].details.occurred.start;
        let end = found[start..]
            .iter()
            .take_while(|i| i.details.occurred.start < from + week)
            .count();
        if end >= best.len() {
            best = &found[start..start + end];
        }
    }
    let total = found.len();
    let (window, when) = if recent.len() > VISITS_PER_WEEK_ABOVE {
        (recent.as_slice(), "in the last 7 days".to_string())
    } else {
        let a = best[0].details.occurred.start;
        (
            best,
            format!(
                "in the 7 days from {} to {}",
                day(a, tz),
                day(a + Duration::days(6), tz)
            ),
        )
    };
    let most = window.len();
    let points_to_yes = most > VISITS_PER_WEEK_ABOVE;
    let summary = if points_to_yes {
        format!(
            "Turned up at your home, work or school {} {when}: {} ({} in all).",
            times(most),
            cite(window),
            times(total)
        )
    } else {
        format!(
            "Turned up at your home, work or school {} in all, at most {} in any 7 days \
             (the checklist asks about more than three times a week): {}.",
            times(total),
            times(most),
            cite(&found)
        )
    };
    LogEvidence {
        summary,
        incident_ids: if points_to_yes {
            ids(window)
        } else {
            ids(&found)
        },
        points_to_yes,
    }
}

fn loitering<Tz: TimeZone>(sorted: &[&Incident], tz: &Tz) -> LogEvidence {
    let found: Vec<&Incident> = sorted
        .iter()
        .copied()
        .filter(|i| {
            matches!(
                i.details.kind,
                IncidentKind::Watching | IncidentKind::Followed
            )
        })
        .collect();
    let mut e = of_kinds(
        sorted,
        &[IncidentKind::Watching, IncidentKind::Followed],
        "Watched you, waited nearby or followed you",
        "No incident is logged as watching, loitering nearby or following you.",
        tz,
    );
    // Using the insight module's clustering: the same spot again and again is what loitering is.
    if let Some(c) = place_clusters(&found, SAME_PLACE_M).first() {
        let place = c
            .label
            .as_deref()
            .map(|l| format!(" (\"{l}\")"))
            .unwrap_or_default();
        e.summary.push_str(&format!(
            " {} of them were within {:.0} m of each other{place}.",
            c.incident_ids.len(),
            SAME_PLACE_M
        ));
    }
    e
}

/// More than one person named as responsible may mean others have been drawn in.
fn others_drawn_in(sorted: &[&Incident]) -> LogEvidence {
    let mut people: Vec<(String, String, Vec<&Incident>)> = vec![]; // (key, as written, incidents)
    for i in sorted {
        let Some(name) = i.details.attributed_to.as_deref() else {
            continue;
        };
        let key = name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if key.is_empty() {
            continue;
        }
        match people.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, v)) => v.push(i),
            None => people.push((key, name.trim().to_string(), vec![i])),
        }
    }
    // Most incidents first; the first is taken to be the person stalking you.
    people.sort_by_key(|(_, _, v)| std::cmp::Reverse(v.len()));
    match people.len() {
        0 => LogEvidence {
            summary: "No incident records who you believe did it.".into(),
            incident_ids: vec![],
            points_to_yes: false,
        },
        1 => LogEvidence {
            summary: format!(
                "Every incident that names someone names the same person ({}).",
                people[0].1
            ),
            incident_ids: vec![],
            points_to_yes: false,
        },
        _ => {
            let listed: Vec<String> = people
                .iter()
                .map(|(_, n, v)| format!("{n} ({})", v.len()))
                .collect();
            let mut others: Vec<&Incident> = people[1..]
                .iter()
                .flat_map(|(_, _, v)| v.iter().copied())
                .collect();
            others.sort_by_key(|i| (i.details.occurred.start, i.recorded_at));
            LogEvidence {
                summary: format!(
                    "Your log names {} different people as responsible: {}. \
                     If any of them acted for the same person, answer yes. Naming someone \
                     other than {}: {}.",
                    people.len(),
                    listed.join(", "),
                    people[0].1,
                    cite(&others)
                ),
                incident_ids: ids(&others),
                points_to_yes: true,
            }
        }
    }
}
