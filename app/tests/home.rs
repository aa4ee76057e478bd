//! Home: a quick log in at most two events, Undo recorded as a mistake, details added after,
//! the most used kinds first and the order stable while the screen shows.

mod common;

use common::*;
use waymark_app::{AppEvent, QuickKind, SmsAbility};
use waymark_core::log::{IncidentKind, IncidentLog, ListFilter};
use waymark_core::vault::Vault;

fn open_vault(p: &Phone) -> Vault {
    let v = p.second_handle();
    v
}

#[test]
fn a_quick_log_from_home_takes_one_event_and_is_in_the_vault() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let before = p.effects.len();
    let u = p.send(AppEvent::QuickLog {
        kind: QuickKind::Followed,
    });
    assert_eq!(p.effects.len() - before, u.effects.len());
    let h = home(&u.view);
    let card = h.logged.expect("the logged card");
    assert_eq!(card.text, "Logged: Followed");
    assert_eq!(card.undo_seconds, 10);
    assert_eq!(h.recent.len(), 1);
    assert_eq!(h.recent[0].kind, QuickKind::Followed);
    assert!(
        h.recent[0].when.starts_with("Today 17:00"),
        "{}",
        h.recent[0].when
    );

    // In the vault, after the app is gone.
    let p = p.relaunch();
    let v = open_vault(&p);
    let all = IncidentLog::new(&v).list(&ListFilter::default()).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].details.kind, IncidentKind::Followed);
    assert_eq!(all[0].details.occurred.start, start());
}

#[test]
fn undo_is_a_redaction_marked_as_a_mistake_and_only_for_a_few_seconds() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::QuickLog {
        kind: QuickKind::Threats,
    });
    let u = p.advance(4);
    assert_eq!(
        home(&u.view).logged.unwrap().undo_label.as_deref(),
        Some("Undo (6)")
    );
    let u = p.send(AppEvent::Undo);
    let h = home(&u.view);
    assert!(h.logged.is_none());
    assert!(h.recent.is_empty());
    assert!(u.view.banner.unwrap().text.contains("mistake"));

    // Too late: the button is gone and the event does nothing.
    p.send(AppEvent::QuickLog {
        kind: QuickKind::Watching,
    });
    let u = p.advance(11);
    assert_eq!(home(&u.view).logged.unwrap().undo_label, None);
    let u = p.send(AppEvent::Undo);
    assert_eq!(home(&u.view).recent.len(), 1);

    let p = p.relaunch();
    let v = open_vault(&p);
    let log = IncidentLog::new(&v);
    let report = log.verify().unwrap();
    assert_eq!(report.redacted_entries, 1, "one redaction");
    let entries = log.entries().unwrap();
    let redaction = entries
        .iter()
        .find(|e| e.entry_type == waymark_core::log::ENTRY_REDACT)
        .unwrap();
    let body = String::from_utf8_lossy(redaction.body.as_deref().unwrap_or_default()).to_string();
    assert!(body.contains("Logged by mistake"), "{body}");
}

#[test]
fn details_are_added_to_the_incident_just_logged_with_history() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let u = p.send(AppEvent::QuickLog {
        kind: QuickKind::TurnedUpHome,
    });
    let id = home(&u.view).logged.unwrap().incident_id;
    p.send(AppEvent::AddNote {
        text: "Parked outside for an hour".into(),
    });
    p.send(AppEvent::AddWitness {
        name: "Amira".into(),
    });
    let u = p.send(AppEvent::AddFeeling { level: 4 });
    assert_eq!(u.view.banner.unwrap().text, "Feeling added.");
    let u = p.send(AppEvent::AddFeeling { level: 9 });
    assert!(u.view.banner.unwrap().text.contains("feeling"));

    let p = p.relaunch();
    let v = open_vault(&p);
    let i = IncidentLog::new(&v).get(&id).unwrap();
    assert_eq!(i.incident.details.description, "Parked outside for an hour");
    assert_eq!(i.incident.details.witnesses, vec!["Amira".to_string()]);
    assert_eq!(i.incident.details.feeling, Some(4));
    assert_eq!(i.history.len(), 4, "created, then three amendments");
}

#[test]
fn most_used_kinds_come_first_but_buttons_do_not_move_while_showing() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let first = home(&p.view()).kinds[0].kind;
    assert_eq!(
        first,
        QuickKind::Followed,
        "the Helpline's order to begin with"
    );
    for _ in 0..3 {
        p.send(AppEvent::QuickLog {
            kind: QuickKind::GiftsLeft,
        });
    }
    let order: Vec<_> = home(&p.view()).kinds.iter().map(|k| k.kind).collect();
    assert_eq!(order[0], QuickKind::Followed, "stable while on screen");
    p.send(AppEvent::Open {
        to: waymark_app::Destination::Help,
    });
    p.send(AppEvent::Back);
    p.send(AppEvent::Open {
        to: waymark_app::Destination::Home,
    });
    let kinds = home(&p.view()).kinds;
    assert_eq!(kinds[0].kind, QuickKind::GiftsLeft);
    assert_eq!(kinds.len(), 14);
}

#[test]
fn the_place_is_added_when_location_is_on() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.send(AppEvent::Started);
    p.send(AppEvent::SetupStart);
    p.enter_pin(PIN);
    let g = first_run(&p.enter_pin(PIN).view).recovery_groups;
    p.send(AppEvent::RecoveryCodeWritten);
    let n = group_asked(&first_run(&p.view()));
    p.send(AppEvent::RecoveryCodeTyped {
        text: g[n - 1].clone(),
    });
    p.send(AppEvent::SetupSkip);
    p.send(AppEvent::SetupSkip);
    p.send(AppEvent::SetupLocation { on: true });
    p.send(AppEvent::Open {
        to: waymark_app::Destination::Home,
    });
    // No fix yet: the log asks for one, and the fix is added when it comes.
    let u = p.send(AppEvent::QuickLog {
        kind: QuickKind::Followed,
    });
    assert!(u.effects.contains(&waymark_app::Effect::RequestLocation));
    let u = p.send(AppEvent::LocationFix {
        lat: 51.5,
        lon: -0.12,
        accuracy_m: Some(10.0),
    });
    assert_eq!(u.view.banner.unwrap().text, "Place added.");
    // The next log takes the fresh fix at once.
    let u = p.send(AppEvent::QuickLog {
        kind: QuickKind::Watching,
    });
    assert!(!u.effects.contains(&waymark_app::Effect::RequestLocation));
    let p = p.relaunch();
    let v = open_vault(&p);
    let all = IncidentLog::new(&v).list(&ListFilter::default()).unwrap();
    assert!(all
        .iter()
        .all(|i| i.details.place.as_ref().and_then(|pl| pl.lat) == Some(51.5)));
}
