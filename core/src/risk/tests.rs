use super::*;
use crate::clock::ManualClock;
use crate::log::{IncidentKind, NewIncident, Occurred, Place};
use crate::vault::CreateOptions;
use chrono::Duration;
use std::collections::HashSet;
use std::sync::Arc;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 20, 0, 0).unwrap()
}

fn inc(id: &str, kind: IncidentKind, days_ago: i64) -> Incident {
    let at = now() - Duration::days(days_ago) - Duration::hours(1);
    Incident {
        id: format!("{id:0<32}"),
        recorded_at: at + Duration::minutes(10),
        amended_at: None,
        details: NewIncident::new(kind, Occurred::at(at), "what happened"),
    }
}

fn felt(mut i: Incident, f: u8) -> Incident {
    i.details.feeling = Some(f);
    i
}

fn by(mut i: Incident, who: &str) -> Incident {
    i.details.attributed_to = Some(who.into());
    i
}

fn at(mut i: Incident, lat: f64, lon: f64) -> Incident {
    i.details.place = Some(Place {
        label: Some("bus stop outside home".into()),
        lat: Some(lat),
        lon: Some(lon),
        accuracy_m: None,
    });
    i
}

/// A log built to trigger every question the log can speak to.
fn triggering_log() -> Vec<Incident> {
    use IncidentKind::*;
    vec![
        felt(by(inc("a1", Threats, 40), "Sam"), 5),
        felt(by(inc("a2", PropertyDamage, 30), "Sam"), 4),
        by(inc("a3", ContactingOthers, 20), "Sam"),
        at(by(inc("a4", Watching, 15), "Sam"), 51.5000, -0.1000),
        at(by(inc("a5", Watching, 14), "Sam"), 51.5004, -0.1003),
        at(by(inc("a6", Followed, 12), "Sam"), 51.5002, -0.0998),
        by(inc("a7", UnwantedContact, 10), "Sam's brother"),
        // Four visits in the last 7 days: more than three times a week.
        by(inc("b1", TurnedUpHome, 6), "Sam"),
        by(inc("b2", TurnedUpWork, 4), "Sam"),
        by(inc("b3", TurnedUpHome, 2), "Sam"),
        by(inc("b4", TurnedUpSchool, 1), "Sam"),
    ]
}

/// A log built not to: contact at a distance, mild feelings, one person, three visits a week.
fn calm_log() -> Vec<Incident> {
    use IncidentKind::*;
    let mut v = vec![
        felt(by(inc("c1", UnwantedContact, 30), "Sam"), 2),
        felt(by(inc("c2", GiftsLeft, 25), "Sam"), 3),
        by(inc("c3", OnlineAccounts, 24), " sam "),
    ];
    // Three visits in each of three weeks (days 3-5, 10-12, 17-19 ago): never more than three.
    for week in 0..3 {
        for d in 0..3 {
            v.push(by(
                inc(&format!("v{week}{d}"), TurnedUpHome, 3 + week * 7 + d),
                "Sam",
            ));
        }
    }
    v
}

fn ev(topic: Topic, log: &[Incident]) -> Option<LogEvidence> {
    evidence_for(questions::question(topic), log, now(), &Utc)
}

fn short(id: &str) -> String {
    format!("{id:0<32}")[..8].to_string()
}

#[test]
fn the_checklist_has_its_eleven_items_in_order_with_source_and_date() {
    assert_eq!(QUESTIONS.len(), 11);
    let topics: HashSet<Topic> = QUESTIONS.iter().map(|q| q.topic).collect();
    assert_eq!(topics.len(), 11, "each topic once");
    for (n, q) in QUESTIONS.iter().enumerate() {
        assert_eq!(q.number as usize, n + 1);
        assert_eq!(find(&q.number.to_string()).unwrap().topic, q.topic);
        assert_eq!(find(&format!("Q{}", q.number)).unwrap().topic, q.topic);
        assert_eq!(find(q.topic.id()).unwrap().topic, q.topic);
        assert!(q.text.ends_with('?') && q.checklist_item.ends_with('?'));
    }
    // The stalker's history (and violence, which the log has no kind for) is asked, not guessed.
    let asked: Vec<u8> = QUESTIONS
        .iter()
        .filter(|q| q.basis == Basis::AskedOnly)
        .map(|q| q.number)
        .collect();
    assert_eq!(asked, [2, 8, 10, 11]);
    for bad in ["0", "12", "q", "", "frightened!", "999999999999"] {
        assert!(
            matches!(find(bad), Err(Error::InvalidInput { .. })),
            "{bad}"
        );
    }
    assert_eq!(SOURCE.published, "2009");
    assert!(SOURCE.title.contains("S-DASH"));
    assert!(SOURCE.consulted.len() >= 3 && !SOURCE.consulted_on.is_empty());
    assert!(NOT_AN_ASSESSMENT.contains("not a risk assessment"));
    assert!(NOT_AN_ASSESSMENT.contains("999"));
}

#[test]
fn each_log_question_is_prefilled_from_a_log_built_to_trigger_it_and_not_from_a_calm_one() {
    let hot = triggering_log();
    let calm = calm_log();
    for q in QUESTIONS.iter() {
        let (h, c) = (ev(q.topic, &hot), ev(q.topic, &calm));
        match q.basis {
            Basis::AskedOnly => {
                assert!(
                    h.is_none() && c.is_none(),
                    "{:?} must never be guessed",
                    q.topic
                );
            }
            Basis::Log => {
                let (h, c) = (h.unwrap(), c.unwrap());
                assert!(
                    h.points_to_yes,
                    "{:?} not triggered: {}",
                    q.topic, h.summary
                );
                assert!(!h.incident_ids.is_empty(), "{:?}", q.topic);
                assert!(
                    !c.points_to_yes,
                    "{:?} triggered by calm log: {}",
                    q.topic, c.summary
                );
            }
        }
    }
}

#[test]
fn the_evidence_names_the_incidents_and_says_why() {
    let hot = triggering_log();
    let f = ev(Topic::Frightened, &hot).unwrap();
    assert_eq!(
        f.incident_ids,
        [format!("{:0<32}", "a1"), format!("{:0<32}", "a2")]
    );
    assert!(
        f.summary.contains("twice (1 in fear of violence)"),
        "{}",
        f.summary
    );

    let v = ev(Topic::VisitsHomeOrWork, &hot).unwrap();
    assert_eq!(v.incident_ids.len(), 4);
    assert!(
        v.summary.starts_with(
            "Turned up at your home, work or school 4 times in the last 7 days: incidents "
        ),
        "{}",
        v.summary
    );
    for id in ["b1", "b2", "b3", "b4"] {
        assert!(v.summary.contains(&short(id)), "{}", v.summary);
    }

    let l = ev(Topic::Loitering, &hot).unwrap();
    assert_eq!(l.incident_ids.len(), 3);
    assert!(
        l.summary.contains("3 of them were within 200 m"),
        "{}",
        l.summary
    );
    assert!(l.summary.contains("bus stop outside home"));

    let t = ev(Topic::ThreatsOfViolence, &hot).unwrap();
    assert!(t.summary.contains("is for you to say"));

    let o = ev(Topic::OthersDrawnIn, &hot).unwrap();
    assert_eq!(o.incident_ids, [format!("{:0<32}", "a7")]);
    assert!(o.summary.contains("2 different people"), "{}", o.summary);

    let p = ev(Topic::PropertyDamage, &hot).unwrap();
    assert!(
        p.summary
            .starts_with("Property damaged once, most recently on 31 Oct 2026"),
        "{}",
        p.summary
    );
}

#[test]
fn the_calm_log_says_plainly_what_it_holds() {
    let calm = calm_log();
    let v = ev(Topic::VisitsHomeOrWork, &calm).unwrap();
    assert!(
        v.summary
            .contains("9 times in all, at most 3 times in any 7 days"),
        "{}",
        v.summary
    );
    assert_eq!(v.incident_ids.len(), 9, "the visits are still shown");
    let f = ev(Topic::Frightened, &calm).unwrap();
    assert!(f.summary.contains("3 (alarmed)"), "{}", f.summary);
    let o = ev(Topic::OthersDrawnIn, &calm).unwrap();
    assert!(o.summary.contains("same person (Sam)"), "{}", o.summary);
    let empty = ev(Topic::Frightened, &[]).unwrap();
    assert!(!empty.points_to_yes && empty.summary.contains("No incident records how you felt"));
}

#[test]
fn four_visits_in_one_busy_week_long_ago_still_count() {
    use IncidentKind::*;
    let log: Vec<Incident> = [60, 59, 57, 55, 20]
        .iter()
        .enumerate()
        .map(|(k, d)| inc(&format!("w{k}"), TurnedUpHome, *d))
        .collect();
    let v = ev(Topic::VisitsHomeOrWork, &log).unwrap();
    assert!(v.points_to_yes, "{}", v.summary);
    assert_eq!(v.incident_ids.len(), 4);
    assert!(
        v.summary.contains("4 times in the 7 days from"),
        "{}",
        v.summary
    );
}

// ----- the answers in the vault -----

fn setup() -> (tempfile::TempDir, Vault, Arc<ManualClock>) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(now()));
    let (v, _) = Vault::create(
        dir.path(),
        "246810",
        CreateOptions::for_tests(clock.clone()),
    )
    .unwrap();
    (dir, v, clock)
}

fn record(v: &Vault, kind: IncidentKind, days_ago: i64, feeling: Option<u8>) -> Incident {
    let mut n = NewIncident::new(
        kind,
        Occurred::at(now() - Duration::days(days_ago)),
        "what happened",
    );
    n.feeling = feeling;
    IncidentLog::new(v).record(n).unwrap()
}

#[test]
fn answers_are_logged_and_changing_one_keeps_the_earlier_in_the_history() {
    let (_d, v, clock) = setup();
    let scared = record(&v, IncidentKind::Threats, 2, Some(5));
    let risk = RiskChecklist::new(&v);
    let first = risk.answer("1", Answer::No, None).unwrap();
    assert_eq!(first.evidence_incident_ids, [scared.id.clone()]);
    clock.advance(Duration::hours(3));
    let second = risk
        .answer(
            "frightened",
            Answer::Yes,
            Some("  I no longer go out alone  "),
        )
        .unwrap();
    assert_eq!(second.note.as_deref(), Some("I no longer go out alone"));
    assert!(second.logged_as > first.logged_as);
    assert_eq!(second.answered_at, now() + Duration::hours(3));
    // The same answer again is not a new entry.
    let again = risk
        .answer("q1", Answer::Yes, Some("I no longer go out alone"))
        .unwrap();
    assert_eq!(again, second);
    risk.answer(
        "drugs-or-alcohol",
        Answer::Unsure,
        Some("he drinks, I think"),
    )
    .unwrap();

    let view = risk.view(&Utc).unwrap();
    assert_eq!(view.answered, 2);
    let q1 = &view.questions[0];
    assert_eq!(q1.answer.as_ref().unwrap().answer, Answer::Yes);
    assert_eq!(q1.earlier.len(), 1);
    assert_eq!(q1.earlier[0].answer, Answer::No);
    assert_eq!(
        q1.evidence.as_ref().unwrap().incident_ids,
        [scared.id.clone()]
    );
    assert!(view.questions[9].evidence.is_none());
    assert_eq!(
        view.questions[9].answer.as_ref().unwrap().answer,
        Answer::Unsure
    );

    // In the Merkle log like everything else, and the log still verifies.
    let log = IncidentLog::new(&v);
    let report = log.verify().unwrap();
    assert_eq!(report.entries, 4, "one incident and three answers");
    let answers: Vec<_> = log
        .entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.entry_type == ENTRY_ANSWER)
        .collect();
    assert_eq!(answers.len(), 3);
    let body = answers[1].parsed().unwrap().unwrap();
    assert_eq!(body.payload["answer"], "yes");
    assert_eq!(body.payload["item"], 1);
    assert_eq!(risk.verify().unwrap(), 3);
    assert_eq!(risk.history().unwrap().len(), 3);
}

#[test]
fn bad_answers_are_refused_and_change_nothing() {
    let (_d, v, _c) = setup();
    let risk = RiskChecklist::new(&v);
    let long = "x".repeat(MAX_NOTE_CHARS + 1);
    assert!(matches!(
        risk.answer("1", Answer::Yes, Some(&long)),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        risk.answer("12", Answer::Yes, None),
        Err(Error::InvalidInput { .. })
    ));
    assert!(risk.history().unwrap().is_empty());
    assert_eq!(IncidentLog::new(&v).verify().unwrap().entries, 0);
    v.lock();
    assert!(matches!(
        risk.answer("1", Answer::Yes, None),
        Err(Error::Locked)
    ));
    assert!(matches!(risk.view(&Utc), Err(Error::Locked)));
}

#[test]
fn an_index_that_disagrees_with_the_log_is_an_integrity_error() {
    let (_d, v, _c) = setup();
    let risk = RiskChecklist::new(&v);
    risk.answer("3", Answer::Yes, None).unwrap();
    risk.answer("4", Answer::No, None).unwrap();
    v.write(|tx| {
        tx.conn().execute(
            "UPDATE risk_answers SET question = 'loitering' WHERE question = 'property-damage'",
            [],
        )?;
        Ok(())
    })
    .unwrap();
    assert!(matches!(risk.verify(), Err(Error::Integrity { .. })));
    v.write(|tx| {
        tx.conn().execute("DELETE FROM risk_answers", [])?;
        Ok(())
    })
    .unwrap();
    assert!(matches!(risk.verify(), Err(Error::Integrity { .. })));
}
