//! Course of conduct: the Protection from Harassment Act 1997 (England and Wales) defines
//! harassment and stalking as a course of conduct, which means conduct on at least two occasions.

use crate::log::Incident;
use serde::Serialize;

/// The law's words, paraphrased, with the "not legal advice" caveat. Shown wherever the count is.
pub const COURSE_OF_CONDUCT_LAW: &str = "In England and Wales, the Protection from Harassment Act 1997 \
says harassment and stalking involve a \"course of conduct\": conduct on at least two occasions. \
This is a plain summary of the law's wording, not legal advice. Whether an offence has been committed \
is for the police and the courts to decide, and you can report to the police whether or not you have a log.";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CourseOfConduct {
    /// The person as first written in the log.
    pub person: String,
    pub incident_ids: Vec<String>,
    /// True when the incidents meet the law's count of two or more occasions.
    pub meets_count: bool,
    pub statement: String,
}

/// Same person = same name ignoring case and extra spaces. Only people with two or more incidents
/// are listed, most incidents first.
pub fn course_of_conduct(sorted: &[&Incident]) -> Vec<CourseOfConduct> {
    let mut groups: Vec<(String, CourseOfConduct)> = vec![];
    for i in sorted {
        let Some(person) = i.details.attributed_to.as_deref() else {
            continue;
        };
        let key = normalise(person);
        if key.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.incident_ids.push(i.id.clone()),
            None => groups.push((
                key,
                CourseOfConduct {
                    person: person.trim().to_string(),
                    incident_ids: vec![i.id.clone()],
                    meets_count: false,
                    statement: String::new(),
                },
            )),
        }
    }
    let mut out: Vec<CourseOfConduct> = groups
        .into_iter()
        .map(|(_, mut g)| {
            let n = g.incident_ids.len();
            g.meets_count = n >= 2;
            g.statement = format!(
                "You have recorded {n} incidents that you believe were done by the same person. \
                 That meets the count of \"two or more occasions\" in the law's definition of a course of conduct."
            );
            g
        })
        .filter(|g| g.meets_count)
        .collect();
    out.sort_by_key(|g| std::cmp::Reverse(g.incident_ids.len()));
    out
}

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::chronological;
    use crate::insight::testdata::*;
    use crate::log::IncidentKind;
    use chrono::Duration;

    fn by(id: &str, who: Option<&str>, h: i64) -> Incident {
        let mut i = incident(id, IncidentKind::UnwantedContact, t0() + Duration::hours(h));
        i.details.attributed_to = who.map(str::to_string);
        i
    }

    #[test]
    fn two_incidents_by_the_same_person_meet_the_count() {
        let v = vec![
            by("a", Some("Sam Smith"), 1),
            by("b", Some("  sam   SMITH "), 2),
            by("c", Some("Alex"), 3),
            by("d", None, 4),
            by("e", Some("   "), 5),
        ];
        let c = course_of_conduct(&chronological(&v));
        assert_eq!(
            c.len(),
            1,
            "Alex has one incident, so no course of conduct for Alex"
        );
        assert_eq!(c[0].person, "Sam Smith");
        assert_eq!(c[0].incident_ids, ["a", "b"]);
        assert!(c[0].meets_count);
        assert!(c[0].statement.contains("2 incidents"));
        assert!(COURSE_OF_CONDUCT_LAW.contains("not legal advice"));
        assert!(COURSE_OF_CONDUCT_LAW.contains("Protection from Harassment Act 1997"));
    }

    #[test]
    fn one_incident_is_not_a_course_of_conduct() {
        let v = vec![by("a", Some("Sam"), 1)];
        assert!(course_of_conduct(&chronological(&v)).is_empty());
    }
}
