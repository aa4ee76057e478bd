//! The patterns screen: the core's analysis in the table's words, the safety note always first.

mod common;

use common::*;
use waymark_app::strings::EN;
use waymark_app::{
    AppEvent, Destination, InsightsScreen, PatternSignal, QuickKind, Screen, SmsAbility, ViewModel,
};

fn insights(v: &ViewModel) -> InsightsScreen {
    match &v.screen {
        Screen::Insights { insights } => insights.clone(),
        other => panic!("expected the patterns screen, got {other:?}"),
    }
}

#[test]
fn with_nothing_logged_the_screen_says_so_and_still_shows_the_safety_note() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let u = p.send(AppEvent::Open {
        to: Destination::Insights,
    });
    assert_eq!(u.view.title, EN.insights.title);
    let i = insights(&u.view);
    assert_eq!(
        i.safety_note,
        "Risk can rise at any time, whether or not there have been threats. If you are in danger now, call 999."
    );
    assert_eq!(i.summary, EN.insights.nothing_yet);
    assert_eq!(i.incident_count, 0);
    assert_eq!(i.trend, EN.insights.trend_not_enough);
    assert!(i.busiest_hour.is_empty() && i.busiest_day.is_empty());
    assert!(i.signals.is_empty());
    assert_eq!(i.no_signals_text, EN.insights.no_signals);
    assert_eq!(i.by_day.len(), 7);
    assert_eq!(i.by_day[0].label, "Mon");
}

#[test]
fn patterns_of_a_log_are_put_in_words_with_the_incidents_behind_them() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    // Five mornings at 08:xx on consecutive days (the clock starts Friday 20 Nov 17:00 UTC).
    p.advance(15 * 3600 + 10 * 60); // Saturday 08:10
    for day in 0..5 {
        p.send(AppEvent::QuickLog {
            kind: QuickKind::Watching,
        });
        if day == 4 {
            p.send(AppEvent::AddFeeling { level: 5 });
        }
        p.advance(24 * 3600);
    }
    p.advance(-(24 * 3600) + 600);
    let u = p.send(AppEvent::Open {
        to: Destination::Insights,
    });
    let i = insights(&u.view);
    assert_eq!(i.incident_count, 5);
    assert_eq!(i.summary, "5 incidents, from 21 Nov 2026 to 25 Nov 2026.");
    assert_eq!(
        i.busiest_hour,
        "Most often between 08:00 and 09:00 (5 incidents)."
    );
    assert_eq!(i.by_hour[8], 5);
    assert_eq!(i.by_day.iter().map(|d| d.count).sum::<u32>(), 5);
    // Sat, Sun, Mon, Tue, Wed once each: no day stands out, so none is named.
    assert_eq!(i.busiest_day, "");
    let fear = i
        .signals
        .iter()
        .find(|s| s.kind == PatternSignal::FearOfViolence)
        .expect("the fear-of-violence signal");
    assert_eq!(fear.headline, EN.insights.signal_violence);
    assert_eq!(fear.incident_ids.len(), 1);
    assert!(fear.incidents_label.starts_with("Incidents "));
    assert!(fear
        .incidents_label
        .contains(&fear.incident_ids[0].chars().take(8).collect::<String>()));
    assert!(!i.weekly.is_empty());
    assert_eq!(i.weekly.iter().map(|w| w.count).sum::<u32>(), 5);
}
