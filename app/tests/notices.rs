//! The person's own check-in notices are scheduled with the phone when the check-in starts, so
//! they show on time even when the app is not running then (iOS runs an app in the background
//! only when it likes). Fixed ids: a later deadline replaces them, a closed check-in clears
//! them, and the notice the core hands out when the moment comes never shows twice. Their words
//! are neutral (checkin.rs scans every notification of a whole journey).

mod common;

use std::time::{Duration, SystemTime};

use common::*;
use waymark_app::strings::EN;
use waymark_app::{AppEvent, Destination, Effect, SmsAbility};

const IDS: [&str; 4] = [
    "checkin.soon",
    "checkin.due",
    "checkin.missed",
    "checkin.call-999",
];

fn at(minutes: u64) -> SystemTime {
    SystemTime::from(start()) + Duration::from_secs(minutes * 60)
}

/// A 30-minute check-in with 15 minutes' grace, started at 17:00.
fn start_checkin(p: &mut Phone) {
    p.send(AppEvent::Open {
        to: Destination::CheckIn,
    });
    p.send(AppEvent::CheckInDestination {
        text: "the library".into(),
    });
    p.send(AppEvent::CheckInMinutes { minutes: 30 });
    p.send(AppEvent::CheckInGrace { minutes: 15 });
    p.send(AppEvent::CheckInStart);
}

fn cleared(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ClearNotification { id } => Some(id.clone()),
            _ => None,
        })
        .collect()
}

fn shown_now(effects: &[Effect]) -> Vec<(String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ShowNotification { id, body, .. } => Some((id.clone(), body.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn starting_schedules_each_notice_at_its_moment_and_none_shows_twice() {
    for sms in [SmsAbility::ComposeOnly, SmsAbility::SendSilently] {
        let mut p = Phone::new(sms);
        p.set_up();
        let before = p.effects.len();
        start_checkin(&mut p);
        let s = scheduled(&p.effects[before..]);
        // 10 min before the deadline, the deadline, the end of the grace (the first alert),
        // and the prompt to call 999 one alert step later.
        assert_eq!(
            s,
            [
                (
                    "checkin.soon".into(),
                    at(20),
                    EN.notify_reminder_soon.into()
                ),
                ("checkin.due".into(), at(30), EN.notify_reminder.into()),
                ("checkin.call-999".into(), at(55), EN.notify_call_999.into()),
                ("checkin.missed".into(), at(45), EN.notify_missed.into()),
            ],
            "{sms:?}"
        );
        for e in &p.effects[before..] {
            if let Effect::ScheduleNotification { title, .. } = e {
                assert_eq!(title, EN.notify_title);
            }
        }
        // Every moment passes, part of it locked: nothing is scheduled again or shown twice.
        p.send(AppEvent::Back);
        let before = p.effects.len();
        p.advance(25 * 60);
        p.send(AppEvent::Panic);
        for _ in 0..4 {
            p.clock.advance(chrono::Duration::minutes(10));
            p.send(AppEvent::WakeFired {
                id: "checkin".into(),
            });
        }
        assert!(shown_now(&p.effects[before..]).is_empty(), "{sms:?}");
        assert!(scheduled(&p.effects[before..]).is_empty(), "{sms:?}");
    }
}

#[test]
fn more_time_moves_them_and_checking_in_clears_them_even_from_the_lock_screen() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    start_checkin(&mut p);
    p.advance(5 * 60);
    let before = p.effects.len();
    p.send(AppEvent::CheckInExtend { minutes: 15 });
    let moved = scheduled(&p.effects[before..]);
    let times: Vec<(String, SystemTime)> = moved.into_iter().map(|(id, t, _)| (id, t)).collect();
    assert_eq!(
        times,
        [
            ("checkin.soon".into(), at(35)),
            ("checkin.due".into(), at(45)),
            ("checkin.call-999".into(), at(70)),
            ("checkin.missed".into(), at(60)),
        ]
    );
    let before = p.effects.len();
    p.send(AppEvent::CheckInSafe);
    assert_eq!(cleared(&p.effects[before..]), IDS);

    // Checked in on the lock screen (no PIN unlock): cleared too, and the same way with the
    // emergency PIN, so the phone looks the same to whoever is watching.
    for pin in [PIN, DURESS] {
        start_checkin(&mut p);
        p.send(AppEvent::Panic);
        let before = p.effects.len();
        p.type_pin(pin);
        p.send(AppEvent::PinCheckIn);
        assert_eq!(cleared(&p.effects[before..]), IDS, "{pin}");
        p.enter_pin(PIN);
    }
}

#[test]
fn after_the_app_was_killed_the_cores_notice_replaces_the_scheduled_one() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    start_checkin(&mut p);
    let mut p = p.lock_and_relaunch();
    p.clock.advance(chrono::Duration::minutes(21));
    let u = p.send(AppEvent::WakeFired {
        id: "checkin".into(),
    });
    // This run of the app did not schedule it, so it shows it, under the id the phone already
    // has it by: one notice, not two.
    assert_eq!(
        shown_now(&u.effects),
        [("checkin.soon".into(), EN.notify_reminder_soon.into())]
    );
}
