//! Check-in: the form and the plan text as the buddy reads it, start, the countdown card on
//! home turning Caution then Danger, missed with the alert texted to the buddy exactly once and
//! 999 offered, more time, stop, a text the phone could not send, and notifications that never
//! carry a name, a number, a place or a note.

mod common;

use common::*;
use waymark_app::strings::{fill, EN};
use waymark_app::{AppEvent, Destination, Effect, SmsAbility, Tone};

const SAM: &str = "+447700900123";
const WHERE: &str = "the library on Park Road";

/// Set up, open the check-in form, fill it in (30 minutes, 15 grace; Sam is the buddy from
/// the first run) and start. Returns the preview text the form showed.
fn start_checkin(p: &mut Phone) -> String {
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    p.send(AppEvent::CheckInDestination { text: WHERE.into() });
    p.send(AppEvent::CheckInMinutes { minutes: 30 });
    let u = p.send(AppEvent::CheckInGrace { minutes: 15 });
    let form = checkin(&u.view).form.expect("the form");
    let preview = form.preview.expect("a preview");
    let u = p.send(AppEvent::CheckInStart);
    assert_eq!(
        u.view.banner.map(|b| b.text).as_deref(),
        Some(EN.checkin_started)
    );
    preview
}

/// Started at 17:00:20, a 30-minute check-in is due at 17:31 (the core's deadlines sit on whole
/// minutes): the form says the same minute as the text the buddy will read.
#[test]
fn the_form_and_the_buddys_text_name_the_same_minute() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.advance(20);
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    p.send(AppEvent::CheckInDestination { text: WHERE.into() });
    let u = p.send(AppEvent::CheckInMinutes { minutes: 30 });
    let form = checkin(&u.view).form.unwrap();
    assert_eq!(form.due_text, fill(EN.checkin_due_by, &[("time", "17:31")]));
    assert!(form.preview.unwrap().contains("17:31"));
}

fn count_ids_ending(p: &Phone, end: &str) -> usize {
    texts(&p.effects)
        .iter()
        .filter(|(id, _, _)| id.ends_with(end))
        .count()
}

#[test]
fn the_form_shows_the_plan_as_the_buddy_reads_it_and_start_texts_exactly_that() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let u = p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    assert_eq!(u.view.title, EN.checkin_title);
    let form = checkin(&u.view).form.expect("nothing runs: the form");
    assert_eq!(form.buddies.len(), 1);
    assert_eq!(form.buddies[0].name, "Sam");
    assert!(form.buddies[0].selected, "the buddy from set-up is chosen");
    assert_eq!(form.minutes, 30);
    assert_eq!(form.grace_minutes, 15);
    assert_eq!(form.due_text, fill(EN.checkin_due_by, &[("time", "17:30")]));
    assert!(!form.can_start && form.preview.is_none());
    assert_eq!(form.problem.as_deref(), Some(EN.checkin_no_destination));
    assert_eq!(form.compose_note, None);

    p.send(AppEvent::CheckInDestination { text: WHERE.into() });
    p.send(AppEvent::CheckInMinutes { minutes: 45 });
    let u = p.send(AppEvent::CheckInGrace { minutes: 10 });
    let form = checkin(&u.view).form.unwrap();
    assert!(form.can_start && form.problem.is_none());
    let preview = form.preview.clone().unwrap();
    // The core wrote it: where, the deadline (17:45) and when the buddy should act (17:55).
    assert!(preview.contains(WHERE) && preview.contains("17:45") && preview.contains("17:55"));
    assert!(form.sms_count >= 1);
    assert_eq!(
        form.sms_count_label,
        fill(
            EN.checkin_sms_count,
            &[("count", &form.sms_count.to_string())]
        )
    );

    // Nobody chosen: no preview, and the form says why.
    let id = form.buddies[0].contact_id.clone();
    let u = p.send(AppEvent::CheckInToggleBuddy {
        contact_id: id.clone(),
    });
    let f = checkin(&u.view).form.unwrap();
    assert!(!f.buddies[0].selected && !f.can_start);
    assert_eq!(f.problem.as_deref(), Some(EN.checkin_no_buddy));
    let u = p.send(AppEvent::CheckInStart);
    assert_eq!(u.view.banner.clone().unwrap().text, EN.checkin_no_buddy);
    assert!(texts(&u.effects).is_empty());
    p.send(AppEvent::CheckInToggleBuddy { contact_id: id });

    let before = p.effects.len();
    let u = p.send(AppEvent::CheckInStart);
    let sent = texts(&p.effects[before..]);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].1, SAM);
    assert_eq!(
        sent[0].2, preview,
        "the buddy gets the text the form showed"
    );
    assert!(sent[0].0.ends_with("/plan/b0"));
    assert!(u
        .effects
        .iter()
        .any(|e| matches!(e, Effect::ScheduleWake { id, .. } if id == "checkin")));

    let running = checkin(&u.view).running.expect("running");
    assert_eq!(running.card.destination, WHERE);
    assert_eq!(running.card.due_in_seconds, 45 * 60);
    assert_eq!(running.card.tone, Tone::Neutral);
    assert_eq!(
        running.card.status,
        fill(EN.checkin_due_in, &[("time", "45 min")])
    );
    assert_eq!(running.ladder_status, EN.ladder_waiting);
    let rows: Vec<(&str, &str, bool)> = running
        .ladder
        .iter()
        .map(|r| (r.text.as_str(), r.when.as_str(), r.done))
        .collect();
    let plan_row = fill(EN.ladder_plan, &[("name", "Sam")]);
    let alert_row = fill(EN.ladder_alert, &[("name", "Sam")]);
    let call_row = fill(EN.ladder_999, &[("number", "999")]);
    assert_eq!(
        rows,
        [
            (plan_row.as_str(), "17:00", true),
            (EN.ladder_remind_before, "17:35", false),
            (EN.ladder_remind_due, "17:45", false),
            (alert_row.as_str(), "17:55", false),
            (call_row.as_str(), "18:05", false),
        ]
    );

    // Home shows the same card; Start again is refused by the core while one runs.
    let u = p.send(AppEvent::Back);
    let card = home(&u.view).checkin.expect("the card on home");
    assert_eq!(card, running.card);
    assert!(home(&u.view)
        .nav
        .iter()
        .any(|n| n.to == Destination::CheckIn && n.label == EN.nav_checkin));
}

#[test]
fn missed_alerts_the_buddy_exactly_once_and_offers_999_even_across_a_lock() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    start_checkin(&mut p);
    p.send(AppEvent::Back);
    let u = p.advance(19 * 60);
    let card = home(&u.view).checkin.unwrap();
    assert_eq!(card.tone, Tone::Neutral);
    assert!(!u.view.emergency.prominent);

    // Ten minutes left: the reminder, and the card turns Caution.
    let u = p.advance(60);
    let card = home(&u.view).checkin.unwrap();
    assert_eq!(card.tone, Tone::Caution);
    assert_eq!(card.due_in_seconds, 600);
    // The reminder was scheduled with the phone when the check-in started (tests/notices.rs):
    // it shows then on its own, and is not shown a second time now.
    assert!(notifications(&u.effects).is_empty());
    assert!(scheduled(&p.effects)
        .iter()
        .any(|n| n.0 == "checkin.soon" && n.2 == EN.notify_reminder_soon));

    // The deadline: Danger, overdue, 999 drawn large.
    let u = p.advance(10 * 60 + 30);
    let card = home(&u.view).checkin.unwrap();
    assert_eq!(card.tone, Tone::Danger);
    assert_eq!(card.overdue_seconds, 30);
    assert_eq!(card.status, fill(EN.checkin_overdue, &[("time", "30 s")]));
    assert!(card.extend_label.is_some() && card.stop_label.is_some());
    assert!(u.view.emergency.prominent);
    assert_eq!(
        u.view.emergency.urgent_text,
        Some(fill(EN.call_999_now, &[("number", "999")]))
    );

    // Locked (panic) when the grace runs out: the alert goes from the lock screen.
    p.send(AppEvent::Panic);
    p.clock.advance(chrono::Duration::minutes(15));
    let u = p.send(AppEvent::WakeFired {
        id: "checkin".into(),
    });
    let alerts: Vec<_> = texts(&u.effects)
        .into_iter()
        .filter(|(id, _, _)| id.ends_with("/alert/b0"))
        .collect();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].1, SAM);
    assert!(alerts[0].2.contains(WHERE), "{}", alerts[0].2);
    // The "missed" notice was scheduled for this moment: not shown twice.
    assert!(notifications(&u.effects).is_empty());
    assert!(u.view.emergency.prominent, "999 offered on the lock screen");
    lock(&u.view);

    // Every way the phone can poke the app again: nothing is texted twice.
    for _ in 0..3 {
        p.send(AppEvent::Tick);
        p.send(AppEvent::WakeFired {
            id: "checkin".into(),
        });
    }
    p.send(AppEvent::Foregrounded);
    p.enter_pin(PIN);
    for _ in 0..3 {
        p.send(AppEvent::Tick);
        p.send(AppEvent::WakeFired {
            id: "checkin".into(),
        });
    }
    assert_eq!(count_ids_ending(&p, "/alert/b0"), 1);
    assert_eq!(count_ids_ending(&p, "/plan/b0"), 1);

    // Buddies are being alerted: only checking in tells them, so no more time and no stop.
    let u = p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    let running = checkin(&u.view).running.unwrap();
    assert_eq!(running.card.extend_label, None);
    assert_eq!(running.card.stop_label, None);
    assert_eq!(
        running.ladder_status,
        fill(EN.ladder_alerting, &[("count", "1")])
    );
    assert!(running.ladder[3].done && !running.ladder[4].done);

    // Ten minutes later: the prompt to call 999, to the person and the buddy.
    let u = p.advance(10 * 60);
    assert!(scheduled(&p.effects)
        .iter()
        .any(|n| n.0 == "checkin.call-999" && n.2 == EN.notify_call_999));
    assert!(notifications(&u.effects).is_empty());
    assert_eq!(count_ids_ending(&p, "/call-999/b0"), 1);
    let running = checkin(&u.view).running.unwrap();
    assert_eq!(
        running.ladder_status,
        fill(EN.ladder_call_999, &[("number", "999")])
    );
    assert!(u.view.emergency.prominent);
    let u = p.send(AppEvent::CallEmergency);
    assert_eq!(
        u.effects,
        [Effect::Dial {
            number: "999".into()
        }]
    );

    // Safe: the buddy is told, once; the card goes and 999 is back to normal size.
    let u = p.send(AppEvent::CheckInSafe);
    assert_eq!(u.view.banner.clone().unwrap().text, EN.checkin_safe_done);
    assert_eq!(count_ids_ending(&p, "/all-clear/b0"), 1);
    assert!(checkin(&u.view).running.is_none());
    assert!(!u.view.emergency.prominent);
    p.send(AppEvent::Tick);
    assert_eq!(count_ids_ending(&p, "/all-clear/b0"), 1);
    let u = p.send(AppEvent::Back);
    assert!(home(&u.view).checkin.is_none());
}

#[test]
fn a_text_the_phone_could_not_send_is_said_plainly_can_be_retried_and_keeps_999_offered() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    start_checkin(&mut p);
    let (plan_id, to, body) = texts(&p.effects).pop().unwrap();
    let u = p.send(AppEvent::SmsSent {
        id: plan_id.clone(),
        ok: false,
    });
    let failure = u.view.sms_failed.clone().expect("said plainly");
    assert_eq!(failure.text, EN.sms_failed);
    assert!(failure.text.contains("NOT texted"));
    assert_eq!(failure.id, plan_id);
    assert_eq!(failure.count, 1);
    assert_eq!(failure.retry_label, EN.sms_try_again);
    assert_eq!(failure.compose_label, EN.sms_send_yourself);
    assert!(u.view.emergency.prominent, "999 stays offered");
    assert!(checkin(&u.view).running.unwrap().ladder[0].failed);

    // Try again: the same text to the same number, under a new id (shells drop repeats).
    let u = p.send(AppEvent::SmsRetry {
        id: plan_id.clone(),
    });
    let again = texts(&u.effects);
    assert_eq!(again.len(), 1);
    assert_ne!(again[0].0, plan_id);
    assert_eq!((&again[0].1, &again[0].2), (&to, &body));
    let u = p.send(AppEvent::SmsSent {
        id: again[0].0.clone(),
        ok: false,
    });
    assert!(u.view.sms_failed.is_some());

    // Still failing, and the app is locked: the lock screen says it too, and retries work.
    let u = p.send(AppEvent::Panic);
    lock(&u.view);
    assert_eq!(u.view.sms_failed.as_ref().unwrap().id, plan_id);
    assert!(u.view.emergency.prominent);
    let u = p.send(AppEvent::SmsCompose {
        id: plan_id.clone(),
    });
    let by_hand = match u.effects.as_slice() {
        [Effect::ComposeSms { id, to: t, body: b }] => {
            assert_eq!((t, b), (&to, &body));
            id.clone()
        }
        other => panic!("expected the composer, got {other:?}"),
    };
    assert!(by_hand != plan_id && by_hand != again[0].0);
    let u = p.send(AppEvent::SmsSent {
        id: by_hand,
        ok: true,
    });
    assert_eq!(u.view.sms_failed, None);
    assert!(!u.view.emergency.prominent);

    // A report for an id the app never handed out changes nothing.
    let u = p.send(AppEvent::SmsSent {
        id: "nonsense".into(),
        ok: false,
    });
    assert_eq!(u.view.sms_failed, None);
}

#[test]
fn more_time_moves_the_deadline_and_tells_the_buddy_and_stop_calls_it_off() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    start_checkin(&mut p);
    let u = p.advance(25 * 60);
    assert_eq!(checkin(&u.view).running.unwrap().card.tone, Tone::Caution);
    let u = p.send(AppEvent::CheckInExtend { minutes: 15 });
    assert_eq!(u.view.banner.clone().unwrap().text, EN.checkin_extended);
    let card = checkin(&u.view).running.unwrap().card;
    assert_eq!(card.due_in_seconds, 20 * 60);
    assert_eq!(card.tone, Tone::Neutral);
    assert_eq!(
        card.deadline_text,
        fill(EN.checkin_due_by, &[("time", "17:45")])
    );
    let update: Vec<_> = texts(&u.effects);
    assert_eq!(update.len(), 1);
    assert!(update[0].0.contains("/update/1/b0") && update[0].1 == SAM);

    let u = p.send(AppEvent::CheckInStop);
    assert_eq!(u.view.banner.clone().unwrap().text, EN.checkin_cancelled);
    assert_eq!(count_ids_ending(&p, "/cancelled/b0"), 1);
    let screen = checkin(&u.view);
    assert!(screen.running.is_none() && screen.form.is_some());
    // Nothing more is due: the wake-up is cancelled, and later ticks send nothing.
    assert!(u
        .effects
        .iter()
        .any(|e| matches!(e, Effect::CancelWake { id } if id == "checkin")));
    let before = p.effects.len();
    p.advance(3 * 3600);
    assert!(texts(&p.effects[before..]).is_empty());
    assert!(notifications(&p.effects[before..]).is_empty());
}

#[test]
fn a_buddy_can_be_added_from_the_form_and_bad_numbers_are_refused() {
    let mut p = Phone::new(SmsAbility::ComposeOnly);
    p.set_up();
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    let u = p.send(AppEvent::CheckInAddBuddy {
        name: "Priya".into(),
        phone: "not a number".into(),
    });
    assert_eq!(u.view.banner.clone().unwrap().tone, Tone::Danger);
    assert_eq!(checkin(&u.view).form.unwrap().buddies.len(), 1);
    let u = p.send(AppEvent::CheckInAddBuddy {
        name: "Priya".into(),
        phone: "07700 900456".into(),
    });
    assert_eq!(u.view.banner.clone().unwrap().text, EN.checkin_buddy_added);
    let form = checkin(&u.view).form.unwrap();
    let names: Vec<(&str, bool)> = form
        .buddies
        .iter()
        .map(|b| (b.name.as_str(), b.selected))
        .collect();
    assert_eq!(names, [("Sam", true), ("Priya", true)]);
    // iOS: the form says Messages will open.
    assert_eq!(form.compose_note.as_deref(), Some(EN.checkin_ios_compose));

    p.send(AppEvent::CheckInDestination { text: WHERE.into() });
    let before = p.effects.len();
    p.send(AppEvent::CheckInStart);
    let sent: Vec<_> = p.effects[before..]
        .iter()
        .filter_map(|e| match e {
            Effect::ComposeSms { to, .. } => Some(to.clone()),
            Effect::SendSms { .. } => panic!("iOS cannot send silently"),
            _ => None,
        })
        .collect();
    assert_eq!(sent, [SAM.to_string(), "+447700900456".to_string()]);
}

#[test]
fn no_notification_ever_carries_a_name_a_number_a_place_or_a_note() {
    const NAME: &str = "Zebedee Quartermaine";
    const PLACE: &str = "Marmalade Wharf 42";
    const NOTE: &str = "rhubarb-custard-note";
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    // A note in the log, a buddy and a destination that are easy to spot.
    p.send(AppEvent::QuickLog {
        kind: waymark_app::QuickKind::Followed,
    });
    p.send(AppEvent::AddNote { text: NOTE.into() });
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    let u = p.send(AppEvent::CheckInAddBuddy {
        name: NAME.into(),
        phone: "07700 900987".into(),
    });
    let sam = checkin(&u.view).form.unwrap().buddies[0].contact_id.clone();
    p.send(AppEvent::CheckInToggleBuddy { contact_id: sam });
    p.send(AppEvent::CheckInDestination { text: PLACE.into() });
    p.send(AppEvent::CheckInStart);
    // The whole ladder, part of it locked, a failed text, and a duress check-in.
    for _ in 0..7 {
        p.advance(10 * 60);
    }
    let (id, _, _) = texts(&p.effects).pop().unwrap();
    p.send(AppEvent::SmsSent { id, ok: false });
    p.send(AppEvent::Panic);
    p.advance(10 * 60);
    p.type_pin(DURESS);
    p.send(AppEvent::PinCheckIn);
    p.advance(60);
    p.enter_pin(PIN);
    p.advance(60);

    // The scan can fail: the texts do carry them, in the forms looked for.
    let all_texts: String = texts(&p.effects)
        .into_iter()
        .map(|t| format!("{} {}", t.1, t.2))
        .collect();
    assert!(all_texts.contains(PLACE) && all_texts.contains("+447700900987"));
    let shown = notifications(&p.effects);
    assert!(shown.len() >= 4, "{shown:?}");
    let markers = [
        NAME,
        "Zebedee",
        "Quartermaine",
        PLACE,
        "Marmalade",
        NOTE,
        "rhubarb",
        "900987",
        "447700",
        "07700",
    ];
    // Shown now or scheduled ahead with the phone (iOS shows those at their time, whatever
    // the app is doing): neither names anything, nor the app.
    assert!(shown.iter().any(|n| n.0 == "checkin.due"), "{shown:?}");
    for (id, title, body) in &shown {
        for m in markers.iter().chain(&["waymark"]) {
            for field in [id, title, body] {
                assert!(
                    !field.to_lowercase().contains(&m.to_lowercase()),
                    "a notification carries {m:?}: {id} {title} {body}"
                );
            }
        }
    }
}

#[test]
fn alerts_carry_the_last_known_place_only_when_the_person_chose_it() {
    for share in [true, false] {
        let mut p = Phone::new(SmsAbility::SendSilently);
        p.set_up();
        let u = p.send(AppEvent::Open {
            to: Destination::CheckIn,
        });
        let form = checkin(&u.view).form.unwrap();
        assert!(!form.share_location, "location was left off at set-up");
        assert_eq!(form.share_location_label, EN.checkin_share_location);
        let u = p.send(AppEvent::CheckInShareLocation { on: share });
        assert_eq!(checkin(&u.view).form.unwrap().share_location, share);
        p.send(AppEvent::CheckInDestination { text: WHERE.into() });
        let u = p.send(AppEvent::CheckInStart);
        assert_eq!(u.effects.contains(&Effect::RequestLocation), share);
        p.advance(10 * 60);
        p.send(AppEvent::LocationFix {
            lat: 51.5,
            lon: -0.12,
            accuracy_m: Some(20.0),
        });
        p.advance(35 * 60);
        let alert = texts(&p.effects)
            .into_iter()
            .find(|t| t.0.ends_with("/alert/b0"))
            .expect("the alert");
        assert_eq!(
            alert.2.contains("osm.org/?mlat=51.50000&mlon=-0.12000"),
            share,
            "{}",
            alert.2
        );
    }
}
