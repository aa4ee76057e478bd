//! Incidents: the list opening the detail, the detail with its evidence and its history, an
//! edit recorded as an amendment with its reason (the original stays in the history), details
//! added from the detail, and removal recorded as a redaction.

mod common;

use common::*;
use waymark_app::strings::{fill, EN};
use waymark_app::{
    AppEvent, Destination, IncidentDetailScreen, IncidentListScreen, QuickKind, Screen, SmsAbility,
    ViewModel,
};
use waymark_core::log::IncidentLog;

fn detail(v: &ViewModel) -> IncidentDetailScreen {
    match &v.screen {
        Screen::Incident { incident } => incident.clone(),
        other => panic!("expected an incident, got {other:?}"),
    }
}

fn list(v: &ViewModel) -> IncidentListScreen {
    match &v.screen {
        Screen::Incidents { incidents } => incidents.clone(),
        other => panic!("expected the list, got {other:?}"),
    }
}

fn history(d: &IncidentDetailScreen) -> Vec<(String, Option<String>)> {
    d.history
        .iter()
        .map(|h| (h.text.clone(), h.reason.clone()))
        .collect()
}

#[test]
fn the_list_opens_the_detail_and_an_edit_keeps_the_original_in_the_history() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::QuickLog {
        kind: QuickKind::Followed,
    });
    p.send(AppEvent::AddNote {
        text: "Grey car behind me from the station".into(),
    });
    p.advance(3600);
    p.send(AppEvent::QuickLog {
        kind: QuickKind::GiftsLeft,
    });

    let u = p.send(AppEvent::Open {
        to: Destination::Incidents,
    });
    assert_eq!(u.view.title, EN.incidents_title);
    let rows = list(&u.view).rows;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].kind, QuickKind::GiftsLeft, "newest first");
    let id = rows[1].id.clone();

    let u = p.send(AppEvent::OpenIncident { id: id.clone() });
    let d = detail(&u.view);
    assert_eq!(d.id, id);
    assert_eq!(d.kind_label, "Followed");
    assert_eq!(d.description, "Grey car behind me from the station");
    assert_eq!(d.when, "Today 17:00");
    assert!(d.evidence.is_empty());
    assert_eq!(d.no_evidence_text, EN.evidence_none);
    let changed_note = fill(EN.history_changed, &[("fields", EN.field_note)]);
    assert_eq!(
        history(&d),
        [
            (EN.history_created.to_string(), None),
            (changed_note.clone(), None)
        ]
    );

    // Nothing changed: nothing recorded.
    let u = p.send(AppEvent::EditIncident {
        kind: QuickKind::Followed,
        description: d.description.clone(),
        reason: String::new(),
    });
    assert_eq!(
        u.view.banner.clone().unwrap().text,
        EN.incident_nothing_changed
    );
    assert_eq!(detail(&u.view).history.len(), 2);

    let u = p.send(AppEvent::EditIncident {
        kind: QuickKind::Watching,
        description: "Grey car outside the station, watching".into(),
        reason: "  I wrote it down wrong  ".into(),
    });
    assert_eq!(u.view.banner.as_ref().unwrap().text, EN.incident_saved);
    let d = detail(&u.view);
    assert_eq!(d.kind, QuickKind::Watching);
    assert_eq!(d.description, "Grey car outside the station, watching");
    let fields = format!("{}, {}", EN.field_note, EN.field_kind);
    assert_eq!(
        history(&d)[2],
        (
            fill(EN.history_changed, &[("fields", &fields)]),
            Some(fill(
                EN.history_reason,
                &[("reason", "I wrote it down wrong")]
            ))
        )
    );

    // The details bar works on the incident open here.
    let u = p.send(AppEvent::AddWitness {
        name: "Mrs Patel".into(),
    });
    let d = detail(&u.view);
    assert_eq!(d.witnesses, ["Mrs Patel"]);
    let u = p.send(AppEvent::AddFeeling { level: 3 });
    assert_eq!(detail(&u.view).feeling.as_deref(), Some("Alarmed"));
    assert_eq!(detail(&u.view).history.len(), 5);

    // The core has the original too.
    let v = p.second_handle();
    let h = IncidentLog::new(&v).get(&id).unwrap().history;
    assert_eq!(h[0].entry_type, "incident.create");
    assert!(h[0].details.to_string().contains("quick log"));

    // Back goes to the list, then home; home's recent rows open the same detail.
    let u = p.send(AppEvent::Back);
    list(&u.view);
    let u = p.send(AppEvent::Back);
    let recent = home(&u.view).recent;
    let u = p.send(AppEvent::OpenIncident {
        id: recent[1].id.clone(),
    });
    assert_eq!(detail(&u.view).id, id);
}

#[test]
fn remove_is_a_redaction_with_its_reason_and_the_incident_is_gone() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::QuickLog {
        kind: QuickKind::Threats,
    });
    let id = home(&p.view()).recent[0].id.clone();
    let u = p.send(AppEvent::OpenIncident { id: id.clone() });
    assert_eq!(detail(&u.view).remove_warning, EN.incident_remove_warning);
    let u = p.send(AppEvent::RemoveIncident {
        reason: "Logged the wrong day".into(),
    });
    assert_eq!(u.view.banner.clone().unwrap().text, EN.incident_removed);
    assert!(list(&u.view).rows.is_empty());
    assert_eq!(list(&u.view).empty_text, EN.home_no_incidents);
    // Opening it again: it is no longer there.
    let u = p.send(AppEvent::OpenIncident { id: id.clone() });
    assert_eq!(u.view.banner.clone().unwrap().text, EN.error_not_found);

    let v = p.second_handle();
    let log = IncidentLog::new(&v);
    assert!(log.get(&id).is_err());
    let entries = log.entries().unwrap();
    let redact = entries
        .iter()
        .find(|e| e.entry_type == "incident.redact")
        .expect("the log keeps the removal");
    let body = String::from_utf8_lossy(redact.body.as_deref().unwrap_or_default());
    assert!(body.contains("Logged the wrong day"), "{body}");

    // Locked, nothing opens.
    p.send(AppEvent::Panic);
    let u = p.send(AppEvent::Open {
        to: Destination::Incidents,
    });
    lock(&u.view);
}
