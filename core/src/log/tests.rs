use super::*;
use crate::clock::{Clock, ManualClock};
use crate::vault::CreateOptions;
use chrono::{Duration, TimeZone};
use std::sync::Arc;

fn setup() -> (tempfile::TempDir, Vault, Arc<ManualClock>) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap(),
    ));
    let (v, _) = Vault::create(
        dir.path(),
        "246810",
        CreateOptions::for_tests(clock.clone()),
    )
    .unwrap();
    (dir, v, clock)
}

fn incident(kind: IncidentKind, at: DateTime<Utc>, text: &str) -> NewIncident {
    NewIncident::new(kind, Occurred::at(at), text)
}

#[test]
fn record_list_filter_and_search() {
    let (_d, v, clock) = setup();
    let log = IncidentLog::new(&v);
    let now = clock.now();
    let a = log
        .record(incident(
            IncidentKind::Followed,
            now - Duration::days(3),
            "Followed from the station to Café Mörkö",
        ))
        .unwrap();
    let mut b = incident(
        IncidentKind::UnwantedContact,
        now - Duration::days(1),
        "Twelve texts overnight",
    );
    b.witnesses = vec!["Amira".into()];
    b.feeling = Some(4);
    let b = log.record(b).unwrap();
    let listed = log.list(&ListFilter::default()).unwrap();
    assert_eq!(
        listed.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
        vec![b.id.clone(), a.id.clone()]
    );
    let only = log
        .list(&ListFilter {
            kinds: vec![IncidentKind::Followed],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(only, vec![a.clone()]);
    let recent = log
        .list(&ListFilter {
            from: Some(now - Duration::days(2)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(recent, vec![b.clone()]);
    // Accents and case are ignored, words match as prefixes, other fields are searched too.
    assert_eq!(log.search("cafe morko").unwrap(), vec![a.clone()]);
    assert_eq!(log.search("amir").unwrap(), vec![b.clone()]);
    assert!(log.search("bicycle").unwrap().is_empty());
    assert!(log.search("\"*) OR").is_ok());
    assert!(log.search("  ").is_err());
    assert_eq!(log.get(&a.id[..8]).unwrap().incident, a);
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let (_d, v, clock) = setup();
    let log = IncidentLog::new(&v);
    let now = clock.now();
    let cases = [
        incident(IncidentKind::Other, now + Duration::hours(2), "future"),
        incident(IncidentKind::Other, now, "   "),
        incident(
            IncidentKind::Other,
            now,
            &"x".repeat(MAX_DESCRIPTION_CHARS + 1),
        ),
        NewIncident {
            feeling: Some(9),
            ..incident(IncidentKind::Other, now, "x")
        },
        NewIncident {
            place: Some(Place {
                lat: Some(95.0),
                lon: Some(0.0),
                ..Default::default()
            }),
            ..incident(IncidentKind::Other, now, "x")
        },
        NewIncident {
            occurred: Occurred {
                start: now,
                end: Some(now - Duration::hours(1)),
            },
            ..incident(IncidentKind::Other, now, "x")
        },
    ];
    for c in cases {
        assert!(matches!(log.record(c), Err(Error::InvalidInput { .. })));
    }
    assert_eq!(log.count().unwrap(), 0);
    assert_eq!(log.verify().unwrap().entries, 0);
}

#[test]
fn amend_keeps_history_and_redact_removes_content_but_still_verifies() {
    let (_d, v, clock) = setup();
    let log = IncidentLog::new(&v);
    let a = log
        .record(incident(
            IncidentKind::Watching,
            clock.now(),
            "Parked outside the flat",
        ))
        .unwrap();
    let keep = log
        .record(incident(
            IncidentKind::Threats,
            clock.now(),
            "Said I would regret it",
        ))
        .unwrap();
    clock.advance(Duration::minutes(10));
    let changes = IncidentChanges {
        description: Some("Parked outside the flat for two hours".into()),
        ..Default::default()
    };
    let amended = log
        .amend(&a.id, changes, Some("remembered more".into()))
        .unwrap();
    assert_eq!(amended.amended_at, Some(clock.now()));
    let shown = log.get(&a.id).unwrap();
    assert_eq!(shown.history.len(), 2);
    assert_eq!(
        shown.history[0].details["description"],
        "Parked outside the flat"
    );
    assert!(log.amend(&a.id, IncidentChanges::default(), None).is_err());
    let report = log.verify().unwrap();
    assert_eq!((report.entries, report.incidents), (3, 2));

    log.redact(&a.id, None).unwrap();
    assert!(matches!(log.get(&a.id), Err(Error::NotFound { .. })));
    assert!(log.search("parked").unwrap().is_empty());
    let report = log.verify().unwrap();
    assert_eq!(
        (report.entries, report.redacted_entries, report.incidents),
        (4, 2, 1)
    );
    assert!(report.tree_head.signature_is_valid());
    assert_eq!(log.list(&ListFilter::default()).unwrap(), vec![keep]);
}

#[test]
fn verify_names_the_first_changed_entry() {
    let (_d, v, clock) = setup();
    let log = IncidentLog::new(&v);
    for i in 0..5 {
        log.record(incident(
            IncidentKind::Followed,
            clock.now(),
            &format!("incident {i}"),
        ))
        .unwrap();
    }
    // Someone with the key rewrites entry 2's body (back-dating it, say).
    v.write(|tx| {
        let body: Vec<u8> =
            tx.conn()
                .query_row("SELECT body FROM log_entries WHERE seq = 2", [], |r| {
                    r.get(0)
                })?;
        let forged = String::from_utf8(body)
            .unwrap()
            .replace("incident 2", "incident X");
        tx.conn().execute(
            "UPDATE log_entries SET body = ?1 WHERE seq = 2",
            [forged.as_bytes()],
        )?;
        Ok(())
    })
    .unwrap();
    let err = log.verify().unwrap_err().to_string();
    assert!(err.contains("#2"), "{err}");
}

#[test]
fn verify_catches_a_changed_incident_a_dropped_entry_and_a_forged_head() {
    let (_d, v, clock) = setup();
    let log = IncidentLog::new(&v);
    let a = log
        .record(incident(IncidentKind::Followed, clock.now(), "one"))
        .unwrap();
    log.record(incident(IncidentKind::Followed, clock.now(), "two"))
        .unwrap();
    let sql = |s: &str| v.write(|tx| Ok(tx.conn().execute_batch(s)?)).unwrap();
    sql(&format!(
        "UPDATE incidents SET doc = replace(doc, 'one', 'uno') WHERE id = '{}'",
        a.id
    ));
    assert!(log.verify().unwrap_err().to_string().contains(&a.id[..8]));
    sql(&format!(
        "UPDATE incidents SET doc = replace(doc, 'uno', 'one') WHERE id = '{}'",
        a.id
    ));
    log.verify().unwrap();
    sql("DELETE FROM log_entries WHERE seq = 1");
    assert!(matches!(log.verify(), Err(Error::Integrity { .. })));
}

#[test]
fn inclusion_and_consistency_proofs_match_the_signed_head() {
    let (_d, v, clock) = setup();
    let log = IncidentLog::new(&v);
    log.record(incident(IncidentKind::Followed, clock.now(), "one"))
        .unwrap();
    log.record(incident(IncidentKind::Followed, clock.now(), "two"))
        .unwrap();
    let old = log.tree_head().unwrap();
    for i in 0..5 {
        log.record(incident(
            IncidentKind::Other,
            clock.now(),
            &format!("later {i}"),
        ))
        .unwrap();
    }
    let head = log.tree_head().unwrap();
    assert_eq!(head.size, 7);
    let leaves = log.leaf_hashes().unwrap();
    let proof = log.inclusion_proof(1).unwrap();
    assert!(merkle::verify_inclusion(
        &leaves[1], 1, head.size, &proof, &head.root
    ));
    let cproof = log.consistency_proof(old.size).unwrap();
    assert!(merkle::verify_consistency(
        old.size, head.size, &old.root, &head.root, &cproof
    ));
}

#[test]
fn stored_form_is_the_same_json_as_the_public_incident() {
    let (_d, v, clock) = setup();
    let mut n = incident(IncidentKind::Followed, clock.now(), "x");
    n.occurred.end = Some(clock.now());
    n.place = Some(Place {
        label: Some("p".into()),
        lat: Some(1.0),
        lon: Some(2.0),
        accuracy_m: None,
    });
    n.witnesses = vec!["w".into()];
    n.feeling = Some(2);
    let i = IncidentLog::new(&v).record(n).unwrap();
    assert_eq!(encode(&i).unwrap(), serde_json::to_string(&i).unwrap());
    assert_eq!(decode(&encode(&i).unwrap()).unwrap(), i);
}
