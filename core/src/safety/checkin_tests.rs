//! Tests of the check-in state machine, its messages and its once-only delivery.

use super::checkin::*;
use super::messages::{self, Location};
use super::sms::{sms_length, SmsEncoding};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashSet};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap()
}
fn at(min: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(min)
}

fn buddies(n: usize) -> Vec<Buddy> {
    (0..n)
        .map(|i| Buddy {
            contact_id: format!("c{i}"),
            name: ["Sam", "Priya", "Jo"][i % 3].to_string(),
            phone: format!("+4477009001{i:02}"),
        })
        .collect()
}

/// 30 minutes, 15 grace, 10 step.
fn plan(n: usize) -> Plan {
    let mut p = Plan::new(
        "Mum's house, 4 Elm Road",
        Expect::WithinMinutes(30),
        buddies(n),
    );
    p.meeting = Some("Aunt Ruth".into());
    p
}

fn started(n: usize) -> CheckIn {
    let mut c = CheckIn::new("ci1", plan(n), t0()).unwrap();
    c.start(t0()).unwrap();
    c
}

/// Serialise and read back: what a restart does.
fn restart(c: &CheckIn) -> CheckIn {
    serde_json::from_str(&serde_json::to_string(c).unwrap()).unwrap()
}

fn keys(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| e.id.trim_start_matches("ci1/").to_string())
        .collect()
}

#[test]
fn on_time_check_in_walks_planned_active_checked_in() {
    let mut c = CheckIn::new("ci1", plan(2), t0()).unwrap();
    assert_eq!(c.state(), State::Planned);
    assert!(
        c.tick(at(100)).is_empty(),
        "a planned check-in sends nothing"
    );
    assert_eq!(c.next_wake(), None);
    c.start(t0()).unwrap();
    assert_eq!(c.state(), State::Active);
    assert_eq!(c.deadline(), Some(at(30)));
    let ev = c.tick(t0());
    assert_eq!(keys(&ev), ["plan/b0", "plan/b1"]);
    assert!(
        matches!(&ev[0].to, Recipient::Buddy { index: 0, phone, .. } if phone == "+447700900100")
    );
    assert!(
        ev[0].text.contains("Mum's house")
            && ev[0].text.contains("Aunt Ruth")
            && ev[0].text.contains("18:30")
    );
    assert!(
        ev[0].text.contains("18:45"),
        "the buddy learns when to act: {}",
        ev[0].text
    );
    assert!(c.tick(t0()).is_empty(), "same instant again: nothing twice");
    assert_eq!(c.next_wake(), Some(at(20)));
    assert_eq!(keys(&c.tick(at(20))), ["reminder-before/0"]);
    assert_eq!(c.state(), State::Active);
    assert_eq!(c.check_in(at(25)).unwrap(), State::CheckedIn);
    let ev = c.tick(at(25));
    assert_eq!(keys(&ev), ["all-clear/b0", "all-clear/b1"]);
    assert!(ev[0].text.contains("safe"));
    assert!(
        c.tick(at(500)).is_empty(),
        "no reminder or alert after checking in"
    );
    assert!(c.is_finished());
    assert!(c.check_in(at(26)).is_err(), "checking in twice is refused");
}

#[test]
fn missed_check_in_escalates_buddy_by_buddy_then_prompts_999() {
    let mut c = started(2);
    let mut seen: Vec<(i64, String, EventKind)> = Vec::new();
    for m in 0..=120 {
        for e in c.tick(at(m)) {
            assert!(e.due_at <= at(m));
            seen.push((m, e.id.trim_start_matches("ci1/").to_string(), e.kind));
        }
        if m == 30 {
            assert_eq!(c.state(), State::Missed);
        }
        if m == 44 {
            assert_eq!(c.state(), State::Missed);
        }
        if m == 45 {
            assert_eq!(c.state(), State::Escalated);
        }
    }
    let expect: Vec<(i64, &str, EventKind)> = vec![
        (0, "plan/b0", EventKind::Plan),
        (0, "plan/b1", EventKind::Plan),
        (20, "reminder-before/0", EventKind::Reminder),
        (30, "reminder-due/0", EventKind::Reminder),
        (45, "missed", EventKind::Missed),
        (45, "alert/b0", EventKind::Alert),
        (55, "alert/b1", EventKind::Alert),
        (65, "call-999/b0", EventKind::Call999Prompt),
        (65, "call-999/b1", EventKind::Call999Prompt),
        (65, "call-999/user", EventKind::Call999Prompt),
    ];
    let mut got: Vec<(i64, &str, EventKind)> = seen
        .iter()
        .map(|(m, k, kind)| (*m, k.as_str(), *kind))
        .collect();
    // Within one instant the order is by kind then buddy; compare as sorted lists.
    let mut expect = expect;
    got.sort();
    expect.sort();
    assert_eq!(got, expect);
    let transitions: Vec<(State, DateTime<Utc>)> =
        c.transitions().iter().map(|t| (t.to, t.at)).collect();
    assert_eq!(
        transitions,
        [
            (State::Planned, t0()),
            (State::Active, t0()),
            (State::Missed, at(30)),
            (State::Escalated, at(45))
        ]
    );
    assert_eq!(c.next_wake(), None);
    assert!(
        c.extend(30, at(121)).is_err(),
        "no extending once buddies are alerted"
    );
    assert!(
        c.cancel(at(121)).is_err(),
        "no cancelling once buddies are alerted"
    );
    assert_eq!(c.check_in(at(122)).unwrap(), State::Resolved);
    let ev = c.tick(at(122));
    assert_eq!(keys(&ev), ["all-clear/b0", "all-clear/b1"]);
    assert!(
        ev.iter().all(|e| e.text.contains("OK")),
        "alerted buddies get the 'I'm OK now' text"
    );
}

#[test]
fn alert_text_has_plan_due_time_and_location_only_if_allowed() {
    let mut p = plan(1);
    p.share_location = true;
    let mut c = CheckIn::new("ci1", p, t0()).unwrap();
    c.start(t0()).unwrap();
    let loc = Location {
        lat: 51.507_4,
        lon: -0.127_8,
        accuracy_m: Some(20.0),
        at: at(10),
    };
    assert!(c.record_location(loc.clone()).unwrap());
    let ev = c.tick(at(45));
    let alert = ev.iter().find(|e| e.kind == EventKind::Alert).unwrap();
    assert!(alert.text.contains("18:30"), "{}", alert.text);
    assert!(alert.text.contains("Mum's house"));
    assert!(
        alert
            .text
            .contains("https://osm.org/?mlat=51.50740&mlon=-0.12780"),
        "{}",
        alert.text
    );
    assert!(alert.text.contains("18:10") && alert.text.contains("within 20 m"));
    assert!(alert.sms.unwrap().segments <= messages::MAX_ALERT_SEGMENTS);

    let mut c = started(1); // share_location is off by default
    assert!(!c.record_location(loc).unwrap());
    let ev = c.tick(at(45));
    let alert = ev.iter().find(|e| e.kind == EventKind::Alert).unwrap();
    assert!(!alert.text.contains("osm.org") && !alert.text.contains("Last location"));
    let bad = Location {
        lat: 91.0,
        lon: 0.0,
        accuracy_m: None,
        at: at(1),
    };
    assert!(c.record_location(bad).is_err());
}

#[test]
fn notifications_to_the_person_never_name_place_buddy_or_meeting() {
    let mut c = started(2);
    let user: Vec<Event> = c
        .tick(at(200))
        .into_iter()
        .filter(|e| e.to == Recipient::User)
        .collect();
    assert_eq!(
        user.len(),
        4,
        "reminder before, reminder due, missed, call-999"
    );
    for e in &user {
        for secret in ["Mum", "Elm", "Sam", "Priya", "Ruth"] {
            assert!(!e.text.contains(secret), "{} leaks {secret}", e.text);
        }
        assert!(e.sms.is_none());
    }
    let call = user
        .iter()
        .find(|e| e.kind == EventKind::Call999Prompt)
        .unwrap();
    assert!(
        call.text.contains("999") && call.text.contains("press 55"),
        "{}",
        call.text
    );
}

#[test]
fn extending_moves_the_deadline_tells_buddies_and_drops_stale_reminders() {
    let mut c = started(1);
    c.tick(at(5));
    // Before the deadline: counted from the old deadline.
    assert_eq!(c.extend(20, at(10)).unwrap(), at(50));
    assert_eq!(c.state(), State::Extended);
    let ev = c.tick(at(10));
    assert_eq!(keys(&ev), ["update/1/b0"]);
    assert!(
        ev[0].text.contains("18:50") && ev[0].text.contains("19:05"),
        "{}",
        ev[0].text
    );
    assert!(
        c.tick(at(29)).is_empty(),
        "the old deadline's reminders are gone"
    );
    assert_eq!(c.next_wake(), Some(at(40)));
    assert_eq!(
        keys(&c.tick(at(50))),
        ["reminder-before/1", "reminder-due/1"]
    );
    assert_eq!(c.state(), State::Missed);
    // In the grace period: counted from now.
    assert_eq!(c.extend(15, at(55)).unwrap(), at(70));
    assert_eq!(c.state(), State::Extended);
    assert_eq!(keys(&c.tick(at(55))), ["update/2/b0"]);
    // 10 minutes before 19:10 is 19:00, after the extension at 18:55: reminded.
    assert_eq!(keys(&c.tick(at(60))), ["reminder-before/2"]);
    assert!(c.extend(0, at(61)).is_err());
    assert!(c.extend(24 * 60 + 1, at(61)).is_err());
    let states: Vec<State> = c.transitions().iter().map(|t| t.to).collect();
    assert_eq!(
        states,
        [
            State::Planned,
            State::Active,
            State::Extended,
            State::Missed,
            State::Extended
        ]
    );
}

#[test]
fn short_extension_skips_the_early_reminder() {
    let mut c = started(1);
    c.tick(at(25));
    assert_eq!(c.extend(5, at(25)).unwrap(), at(35));
    // 18:25 is not after the extension (also 18:25): no "10 minutes before" reminder.
    assert_eq!(keys(&c.tick(at(35))), ["update/1/b0", "reminder-due/1"]);
}

#[test]
fn cancelling_tells_only_buddies_who_had_the_plan() {
    let mut c = CheckIn::new("ci1", plan(2), t0()).unwrap();
    c.cancel(t0()).unwrap();
    assert_eq!(c.state(), State::Cancelled);
    assert!(
        c.tick(at(100)).is_empty(),
        "a plan never started is cancelled silently"
    );

    let mut c = started(2);
    c.cancel(at(1)).unwrap(); // before any tick: nobody had the plan
    assert!(c.tick(at(100)).is_empty());

    let mut c = started(2);
    c.tick(t0());
    c.cancel(at(40)).unwrap(); // in grace
    let ev = c.tick(at(40));
    assert_eq!(keys(&ev), ["cancelled/b0", "cancelled/b1"]);
    assert!(ev[0].text.contains("off"));
    assert!(c.cancel(at(41)).is_err());
    assert!(c.start(at(41)).is_err());
}

#[test]
fn duress_check_in_looks_normal_but_alerts_every_buddy_silently() {
    let mut normal = started(3);
    let mut duress = started(3);
    normal.tick(t0());
    duress.tick(t0());
    assert_eq!(
        normal.check_in(at(10)).unwrap(),
        duress.check_in_duress(at(10)).unwrap()
    );
    // Everything the caller can see is the same.
    assert_eq!(normal.state(), duress.state());
    assert_eq!(normal.view(), duress.view());
    assert_eq!(
        serde_json::to_string(&normal.view()).unwrap(),
        serde_json::to_string(&duress.view()).unwrap()
    );
    assert_eq!(normal.next_wake(), duress.next_wake());
    // The same error for a second check-in.
    assert_eq!(
        normal.check_in(at(11)).unwrap_err().to_string(),
        duress.check_in_duress(at(11)).unwrap_err().to_string()
    );

    let ev = duress.tick(at(10));
    assert_eq!(ev.len(), 3);
    assert!(ev
        .iter()
        .all(|e| e.kind == EventKind::Alert && matches!(e.to, Recipient::Buddy { .. })));
    assert!(
        ev[0].text.contains("URGENT")
            && ev[0].text.contains("999")
            && ev[0].text.contains("Mum's house")
    );
    assert!(ev[0].text.contains("Do not call or text me"));
    assert!(
        duress.tick(at(500)).is_empty(),
        "no reminders or prompts on the phone afterwards"
    );
    assert!(
        duress.transitions().last().unwrap().silent_alert,
        "the stored record keeps the truth"
    );
    assert!(!normal.transitions().last().unwrap().silent_alert);
    let ev = normal.tick(at(10));
    assert!(ev.iter().all(|e| e.kind == EventKind::AllClear));

    // Before any tick (plan not yet sent) every buddy is still alerted; after escalation too.
    let mut c = started(2);
    assert_eq!(c.check_in_duress(at(1)).unwrap(), State::CheckedIn);
    assert_eq!(keys(&c.tick(at(1))), ["urgent/b0", "urgent/b1"]);
    let mut c = started(2);
    c.tick(at(50));
    assert_eq!(c.check_in_duress(at(50)).unwrap(), State::Resolved);
    assert_eq!(keys(&c.tick(at(50))), ["urgent/b0", "urgent/b1"]);
    // Not started: the same refusal as a normal check-in.
    let mut a = CheckIn::new("ci1", plan(1), t0()).unwrap();
    let mut b = a.clone();
    assert_eq!(
        a.check_in(t0()).unwrap_err().to_string(),
        b.check_in_duress(t0()).unwrap_err().to_string()
    );
}

/// Drive a scenario with and without a restart after every step: the same events come out.
fn run_scenario(restart_each_step: bool) -> Vec<(i64, Vec<String>)> {
    let mut c = CheckIn::new("ci1", plan(2), t0()).unwrap();
    let mut out = Vec::new();
    type Step = Box<dyn Fn(&mut CheckIn)>;
    let steps: Vec<Step> = vec![
        Box::new(|c| c.start(t0()).unwrap()),
        Box::new(|_| {}),
        Box::new(|c| {
            c.extend(10, at(25)).unwrap();
        }),
        Box::new(|_| {}),
        Box::new(|_| {}),
        Box::new(|_| {}),
        Box::new(|c| {
            c.check_in(at(120)).unwrap();
        }),
        Box::new(|_| {}),
    ];
    let ticks = [0, 20, 25, 40, 60, 75, 120, 200];
    for (step, m) in steps.iter().zip(ticks) {
        if restart_each_step {
            c = restart(&c);
        }
        step(&mut c);
        if restart_each_step {
            c = restart(&c);
        }
        out.push((m, keys(&c.tick(at(m)))));
        if restart_each_step {
            c = restart(&c);
            assert!(
                c.tick(at(m)).is_empty(),
                "nothing again after a restart at minute {m}"
            );
        }
    }
    out
}

#[test]
fn restarts_in_every_state_neither_duplicate_nor_lose_events() {
    let plain = run_scenario(false);
    let restarted = run_scenario(true);
    assert_eq!(plain, restarted);
    let all: Vec<&String> = plain.iter().flat_map(|(_, k)| k).collect();
    let unique: HashSet<&&String> = all.iter().collect();
    assert_eq!(all.len(), unique.len());
    assert!(all.iter().any(|k| k.as_str() == "alert/b1"), "{plain:?}");

    // A restart in each of the eight states keeps state, deadline and the delivered set.
    let mut states_seen = BTreeSet::new();
    let mut check = |c: &CheckIn| {
        let r = restart(c);
        assert_eq!(&r, c);
        assert_eq!(r.next_wake(), c.next_wake());
        states_seen.insert(c.state().as_str());
    };
    let mut c = CheckIn::new("ci1", plan(1), t0()).unwrap();
    check(&c);
    c.start(t0()).unwrap();
    c.tick(t0());
    check(&c);
    c.extend(5, at(1)).unwrap();
    check(&c);
    c.tick(at(36));
    check(&c);
    c.tick(at(55));
    check(&c);
    c.check_in(at(56)).unwrap();
    check(&c);
    let mut c2 = started(1);
    c2.check_in(at(2)).unwrap();
    check(&c2);
    let mut c3 = started(1);
    c3.cancel(at(2)).unwrap();
    check(&c3);
    assert_eq!(states_seen.len(), 8, "{states_seen:?}");
}

#[test]
fn clock_jumping_forward_delivers_everything_once_in_order() {
    let mut c = started(2);
    let ev = c.tick(at(24 * 60));
    assert_eq!(ev.len(), 10);
    assert!(ev.windows(2).all(|w| w[0].due_at <= w[1].due_at));
    assert_eq!(c.state(), State::Escalated);
    // Transitions carry the scheduled instants, not the late tick's.
    let tr: Vec<(State, DateTime<Utc>)> = c
        .transitions()
        .iter()
        .skip(2)
        .map(|t| (t.to, t.at))
        .collect();
    assert_eq!(tr, [(State::Missed, at(30)), (State::Escalated, at(45))]);
    assert!(c.tick(at(24 * 60 + 1)).is_empty());
}

#[test]
fn clock_jumping_backwards_changes_nothing_and_repeats_nothing() {
    let mut c = started(2);
    let first = c.tick(at(50)); // plan, reminders, missed, alert b0
    assert_eq!(first.len(), 6);
    assert!(c.tick(at(-60)).is_empty());
    assert!(c.tick(t0()).is_empty());
    assert_eq!(c.state(), State::Escalated, "states never go back");
    assert!(c.tick(at(50)).is_empty());
    assert_eq!(keys(&c.tick(at(55))), ["alert/b1"]);
    // A check-in stamped in the "past" still closes the plan.
    assert_eq!(c.check_in(at(-30)).unwrap(), State::Resolved);
    assert!(
        c.tick(at(-31)).is_empty(),
        "the all-clear is due at the check-in instant"
    );
    assert_eq!(keys(&c.tick(at(-30))), ["all-clear/b0", "all-clear/b1"]);

    // Back in time then an extension: counted from the later of now and the deadline.
    let mut c = started(1);
    c.tick(at(40)); // missed
    assert_eq!(c.extend(10, at(0)).unwrap(), at(40));
}

#[test]
fn next_wake_walks_the_schedule() {
    let mut c = started(2);
    assert_eq!(c.next_wake(), Some(t0()), "plan messages are due at once");
    let mut wakes = Vec::new();
    let mut now = t0();
    while let Some(w) = c.next_wake() {
        now = now.max(w);
        wakes.push((w - t0()).num_minutes());
        assert!(!c.tick(now).is_empty() || c.state() == State::Missed);
    }
    assert_eq!(wakes, [0, 20, 30, 45, 55, 65]);
}

#[test]
fn fixed_time_deadlines_are_checked() {
    let mut p = plan(1);
    p.expect = Expect::At(at(-1));
    let mut c = CheckIn::new("ci1", p.clone(), t0()).unwrap();
    assert!(c.start(t0()).is_err(), "a time already passed is refused");
    assert_eq!(c.state(), State::Planned);
    p.expect = Expect::At(at(90));
    let mut c = CheckIn::new("ci1", p.clone(), t0()).unwrap();
    c.start(t0()).unwrap();
    assert_eq!(c.deadline(), Some(at(90)));
    p.expect = Expect::At(at(8 * 24 * 60));
    assert!(CheckIn::new("ci1", p, t0()).unwrap().start(t0()).is_err());
}

#[test]
fn plans_are_validated_without_echoing_their_text() {
    let bad = |f: &dyn Fn(&mut Plan)| {
        let mut p = plan(2);
        f(&mut p);
        let e = CheckIn::new("ci1", p, t0()).unwrap_err();
        assert!(
            !e.to_string().contains("Mum") && !e.to_string().contains("Sam"),
            "{e}"
        );
    };
    bad(&|p| p.buddies.clear());
    bad(&|p| p.buddies = buddies(6));
    bad(&|p| p.buddies[1].phone = p.buddies[0].phone.clone());
    bad(&|p| p.destination = "   ".into());
    bad(&|p| p.destination = "Mum\nhouse".into());
    bad(&|p| p.destination = "M".repeat(201));
    bad(&|p| p.grace_minutes = 241);
    bad(&|p| p.escalation_step_minutes = 0);
    bad(&|p| p.expect = Expect::WithinMinutes(0));
    bad(&|p| p.region = "Atlantis".into());
    bad(&|p| p.utc_offset_minutes = 19 * 60);
    assert!(CheckIn::new("bad id!", plan(1), t0()).is_err());
    let mut p = plan(1);
    p.if_missed = "  ".into();
    let c = CheckIn::new("ci1", p, t0()).unwrap();
    assert_eq!(c.plan().if_missed, DEFAULT_IF_MISSED);
}

#[test]
fn plan_messages_fit_two_segments_in_gsm7_and_ucs2() {
    // Short plan: one GSM-7 segment is not realistic with the if-missed text, two at most.
    let mut c = started(1);
    let m = &c.tick(t0())[0];
    assert_eq!(m.sms.unwrap().encoding, SmsEncoding::Gsm7);
    assert!(m.sms.unwrap().segments <= 2);
    assert!(m.text.contains(DEFAULT_IF_MISSED), "{}", m.text);

    // Long text everywhere: shortened to fit, with the route going first.
    let mut p = plan(1);
    p.destination =
        "The Old Fire Station community centre, 84 Upper Street, Islington, London N1".into();
    p.meeting = Some("my solicitor and a support worker from the local advocacy service".into());
    p.route = Some("bus 38 from the stop outside the library, then walk along Upper Street past the green and the town hall".into());
    p.if_missed = "Call me twice. If I don't answer, call 999 and tell them where I was going, who I was meeting, and that I have a non-molestation order against my ex-partner.".into();
    let mut c = CheckIn::new("ci1", p.clone(), t0()).unwrap();
    c.start(t0()).unwrap();
    let m = c.tick(t0()).remove(0);
    let len = sms_length(&m.text);
    assert_eq!(len.encoding, SmsEncoding::Gsm7);
    assert!(len.segments <= 2 && len.units <= 306, "{len:?}: {}", m.text);
    assert!(m.text.contains("The Old Fire Station"), "{}", m.text);
    assert!(m.text.contains("18:30") && m.text.contains("18:45"));

    // A place name outside GSM-7 forces UCS-2: still two segments (134 units) at most.
    p.destination = "Kraków Główny station, platform 3 - café by the main entrance".into();
    let mut c = CheckIn::new("ci1", p.clone(), t0()).unwrap();
    c.start(t0()).unwrap();
    let m = c.tick(t0()).remove(0);
    let len = sms_length(&m.text);
    assert_eq!(len.encoding, SmsEncoding::Ucs2);
    assert!(len.segments <= 2 && len.units <= 134, "{len:?}: {}", m.text);
    assert!(m.text.contains("Kraków"));

    // Curly apostrophes typed on a phone do not force UCS-2.
    let mut p = plan(1);
    p.destination = "Jo\u{2019}s flat".into();
    p.meeting = None;
    let mut c = CheckIn::new("ci1", p, t0()).unwrap();
    c.start(t0()).unwrap();
    let m = c.tick(t0()).remove(0);
    assert!(m.text.contains("Jo's flat"));
    assert_eq!(m.sms.unwrap().encoding, SmsEncoding::Gsm7);

    // Every buddy text of a long plan stays within its limit.
    let mut c = CheckIn::new("ci1", plan(2), t0()).unwrap();
    c.start(t0()).unwrap();
    for e in c.tick(at(300)).iter().filter(|e| e.sms.is_some()) {
        assert!(
            e.sms.unwrap().segments <= messages::MAX_ALERT_SEGMENTS,
            "{}",
            e.text
        );
    }
}

#[test]
fn times_on_another_day_and_in_local_time() {
    let mut p = plan(1);
    p.utc_offset_minutes = 60; // CET
    p.expect = Expect::WithinMinutes(8 * 60); // 18:00Z + 8h = 03:00 CET next day
    let mut c = CheckIn::new("ci1", p, t0()).unwrap();
    c.start(t0()).unwrap();
    let m = c.tick(t0()).remove(0);
    assert!(m.text.contains("03:00 Thu 26 Nov"), "{}", m.text);
    let due = c
        .tick(at(8 * 60))
        .into_iter()
        .find(|e| e.kind == EventKind::Reminder && e.id.contains("due"))
        .unwrap();
    assert!(
        due.text.contains("(03:00)"),
        "same day as sending: no date: {}",
        due.text
    );
}

// ----- property test against a simple model -----

#[derive(Debug, Clone)]
enum Op {
    Tick(i64),
    CheckIn(i64),
    Duress(i64),
    Extend(i64, u32),
    Cancel(i64),
    Restart,
}

fn op() -> impl Strategy<Value = Op> {
    let t = -30i64..240;
    prop_oneof![
        6 => t.clone().prop_map(Op::Tick),
        1 => t.clone().prop_map(Op::CheckIn),
        1 => t.clone().prop_map(Op::Duress),
        2 => (t.clone(), 1u32..60).prop_map(|(t, m)| Op::Extend(t, m)),
        1 => t.prop_map(Op::Cancel),
        2 => Just(Op::Restart),
    ]
}

#[derive(PartialEq)]
enum Phase {
    Open,
    Closed,
}

/// The model: every event written out as a list when the deadline is set, delivered when
/// a tick reaches it. Deliberately a different shape from the real schedule computation.
struct Model {
    n: usize,
    grace: i64,
    step: i64,
    deadline: DateTime<Utc>,
    set_at: DateTime<Utc>,
    generation: u32,
    phase: Phase,
    missed: bool,
    escalated: bool,
    closed_state: State,
    pending: Vec<(DateTime<Utc>, String)>,
    plan_delivered: Vec<bool>,
}

impl Model {
    fn deadline_events(&mut self) {
        let (d, g) = (self.deadline, self.generation);
        if d - Duration::minutes(10) > self.set_at {
            self.pending
                .push((d - Duration::minutes(10), format!("reminder-before/{g}")));
        }
        self.pending.push((d, format!("reminder-due/{g}")));
        let esc = d + Duration::minutes(self.grace);
        self.pending.push((esc, "missed".into()));
        for b in 0..self.n {
            self.pending.push((
                esc + Duration::minutes(self.step * b as i64),
                format!("alert/b{b}"),
            ));
        }
        let last = esc + Duration::minutes(self.step * self.n as i64);
        self.pending.push((last, "call-999/user".into()));
        for b in 0..self.n {
            self.pending.push((last, format!("call-999/b{b}")));
        }
    }
    fn advance(&mut self, now: DateTime<Utc>) {
        if self.phase == Phase::Open {
            if now >= self.deadline {
                self.missed = true;
            }
            if now >= self.deadline + Duration::minutes(self.grace) {
                self.escalated = true;
            }
        }
    }
    fn state(&self) -> State {
        match self.phase {
            Phase::Closed => self.closed_state,
            Phase::Open if self.escalated => State::Escalated,
            Phase::Open if self.missed => State::Missed,
            Phase::Open if self.generation > 0 => State::Extended,
            Phase::Open => State::Active,
        }
    }
    fn close(&mut self, now: DateTime<Utc>, to: State, key: &str, all: bool) {
        self.phase = Phase::Closed;
        self.closed_state = to;
        self.pending = (0..self.n)
            .filter(|&b| all || self.plan_delivered[b])
            .map(|b| (now, format!("{key}/b{b}")))
            .collect();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn random_ticks_check_ins_extensions_and_restarts_match_the_model(
        n in 1usize..=3, grace in 0u32..=30, step in 1u32..=15, within in 1u32..=120,
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        let mut p = plan(n);
        p.grace_minutes = grace;
        p.escalation_step_minutes = step;
        p.expect = Expect::WithinMinutes(within);
        let mut c = CheckIn::new("ci1", p, t0()).unwrap();
        c.start(t0()).unwrap();
        let mut m = Model {
            n, grace: grace.into(), step: step.into(), deadline: at(within.into()), set_at: t0(), generation: 0,
            phase: Phase::Open, missed: false, escalated: false, closed_state: State::Active,
            pending: (0..n).map(|b| (t0(), format!("plan/b{b}"))).collect(), plan_delivered: vec![false; n],
        };
        m.deadline_events();
        let mut ever: HashSet<String> = HashSet::new();
        let far = at(10 * 24 * 60);
        for op in ops.iter().cloned().chain([Op::Tick(10 * 24 * 60)]) {
            match op {
                Op::Restart => c = restart(&c),
                Op::Tick(t) => {
                    let now = at(t);
                    m.advance(now);
                    let got = c.tick(now);
                    prop_assert!(got.windows(2).all(|w| w[0].due_at <= w[1].due_at));
                    let got_keys: BTreeSet<String> = keys(&got).into_iter().collect();
                    prop_assert_eq!(got_keys.len(), got.len());
                    let (due, rest): (Vec<_>, Vec<_>) = m.pending.drain(..).partition(|(d, _)| *d <= now);
                    m.pending = rest;
                    let want: BTreeSet<String> = due.into_iter().map(|(_, k)| k).collect();
                    prop_assert_eq!(&got_keys, &want, "tick at {}", t);
                    for k in got_keys {
                        if let Some(b) = k.strip_prefix("plan/b") { m.plan_delivered[b.parse::<usize>().unwrap()] = true; }
                        prop_assert!(ever.insert(k.clone()), "{} delivered twice", k);
                    }
                    for e in &got { prop_assert!(e.due_at <= now); }
                }
                Op::CheckIn(t) | Op::Duress(t) => {
                    let now = at(t);
                    m.advance(now);
                    let duress = matches!(op, Op::Duress(_));
                    let r = if duress { c.check_in_duress(now) } else { c.check_in(now) };
                    if m.phase == Phase::Closed {
                        prop_assert!(r.is_err());
                    } else {
                        let to = if m.escalated { State::Resolved } else { State::CheckedIn };
                        prop_assert_eq!(r.unwrap(), to);
                        m.close(now, to, if duress { "urgent" } else { "all-clear" }, duress);
                    }
                }
                Op::Extend(t, mins) => {
                    let now = at(t);
                    m.advance(now);
                    let r = c.extend(mins, now);
                    if m.phase == Phase::Closed || m.escalated {
                        prop_assert!(r.is_err());
                    } else {
                        let new = m.deadline.max(now) + Duration::minutes(mins.into());
                        prop_assert_eq!(r.unwrap(), new);
                        m.deadline = new;
                        m.set_at = now;
                        m.generation += 1;
                        m.missed = false;
                        m.pending.retain(|(_, k)| k.starts_with("plan/"));
                        let g = m.generation;
                        for b in 0..n { m.pending.push((now, format!("update/{g}/b{b}"))); }
                        m.deadline_events();
                    }
                }
                Op::Cancel(t) => {
                    let now = at(t);
                    m.advance(now);
                    let r = c.cancel(now);
                    if m.phase == Phase::Closed || m.escalated {
                        prop_assert!(r.is_err());
                    } else {
                        r.unwrap();
                        m.close(now, State::Cancelled, "cancelled", false);
                    }
                }
            }
            prop_assert_eq!(c.state(), m.state());
        }
        prop_assert!(m.pending.is_empty());
        prop_assert_eq!(c.next_wake(), None);
        prop_assert!(c.tick(far).is_empty());
    }
}

#[test]
fn deadlines_fall_on_whole_minutes_so_messages_tell_the_truth() {
    let start = t0() + Duration::seconds(43);
    let mut c = CheckIn::new("ci1", plan(1), start).unwrap();
    c.start(start).unwrap();
    assert_eq!(c.deadline(), Some(at(31)));
    let m = c.tick(start).remove(0);
    assert!(m.text.contains("by 18:31"), "{}", m.text);
    assert_eq!(c.extend(5, start + Duration::seconds(1)).unwrap(), at(36));
}

#[test]
fn preview_shows_the_start_texts_without_starting() {
    let ev = CheckIn::preview(plan(2), t0()).unwrap();
    assert_eq!(ev.len(), 2);
    assert!(ev
        .iter()
        .all(|e| e.kind == EventKind::Plan && e.sms.is_some()));
    let mut real = started(2);
    let sent = real.tick(t0());
    assert_eq!(
        ev.iter().map(|e| &e.text).collect::<Vec<_>>(),
        sent.iter().map(|e| &e.text).collect::<Vec<_>>()
    );
    let mut bad = plan(1);
    bad.buddies.clear();
    assert!(CheckIn::preview(bad, t0()).is_err());
}

#[test]
fn a_clock_at_the_end_of_time_is_an_error_not_a_panic() {
    let end = DateTime::<Utc>::MAX_UTC - Duration::days(1);
    let mut c = CheckIn::new("ci1", plan(1), end).unwrap();
    assert!(c.start(end).is_err());
    let mut c = started(1);
    assert!(c.extend(10, DateTime::<Utc>::MAX_UTC).is_err());
    let mut p = plan(1);
    p.share_location = true;
    p.utc_offset_minutes = 600;
    let mut c = CheckIn::new("ci1", p, t0()).unwrap();
    c.start(t0()).unwrap();
    c.record_location(Location {
        lat: 0.0,
        lon: 0.0,
        accuracy_m: None,
        at: DateTime::<Utc>::MAX_UTC,
    })
    .unwrap();
    assert_eq!(
        c.tick(at(300)).len(),
        7,
        "no panic formatting a far-future location time"
    );
}

#[test]
fn the_ladder_lists_each_rung_once_marks_what_went_out_and_ends_with_the_plan() {
    let mut c = started(2);
    let rungs = |c: &CheckIn| -> Vec<(String, DateTime<Utc>, Option<String>, bool)> {
        c.view()
            .ladder
            .into_iter()
            .map(|s| {
                (
                    s.id.trim_start_matches("ci1/").to_string(),
                    s.at,
                    s.buddy,
                    s.delivered,
                )
            })
            .collect()
    };
    let sam = Some("Sam".to_string());
    let priya = Some("Priya".to_string());
    assert_eq!(
        rungs(&c),
        [
            ("plan/b0".to_string(), t0(), sam.clone(), false),
            ("plan/b1".to_string(), t0(), priya.clone(), false),
            ("reminder-before/0".to_string(), at(20), None, false),
            ("reminder-due/0".to_string(), at(30), None, false),
            ("alert/b0".to_string(), at(45), sam.clone(), false),
            ("alert/b1".to_string(), at(55), priya.clone(), false),
            ("call-999/user".to_string(), at(65), None, false),
        ]
    );
    // The rung ids are the ids the events get.
    let handed: Vec<String> = c.tick(at(45)).into_iter().map(|e| e.id).collect();
    for r in c.view().ladder {
        assert_eq!(r.delivered, handed.contains(&r.id), "{}", r.id);
    }
    assert!(c.view().ladder[4].delivered && !c.view().ladder[5].delivered);

    // Closed (normally or under duress): no ladder, so the urgent alerts never show.
    let mut normal = started(2);
    let mut duress = started(2);
    normal.check_in(at(5)).unwrap();
    duress.check_in_duress(at(5)).unwrap();
    assert!(normal.view().ladder.is_empty() && duress.view().ladder.is_empty());
}
