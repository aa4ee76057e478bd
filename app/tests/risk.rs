//! The risk questions screen (issue 17): what the log says for each question and why, answers
//! yes / no / not sure with a note, the history kept, everything stored through the core in the
//! Merkle log.

mod common;

use common::*;
use waymark_app::strings::EN;
use waymark_app::{
    AppEvent, Destination, QuickKind, RiskChoice, RiskScreen, Screen, SmsAbility, Tone, ViewModel,
};
use waymark_core::log::IncidentLog;
use waymark_core::risk::{Answer, RiskChecklist};
use waymark_core::vault::Vault;

fn risk(v: &ViewModel) -> RiskScreen {
    match &v.screen {
        Screen::Risk { risk } => risk.clone(),
        other => panic!("expected the risk questions, got {other:?}"),
    }
}

fn open_vault(p: &Phone) -> Vault {
    let v = p.second_handle();
    v
}

#[test]
fn questions_show_what_the_log_says_and_answers_are_logged_with_their_history() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    // Turned up at home four times in the last week.
    for _ in 0..4 {
        p.send(AppEvent::QuickLog {
            kind: QuickKind::TurnedUpHome,
        });
        p.advance(30 * 3600);
    }
    let u = p.send(AppEvent::Open {
        to: Destination::Risk,
    });
    assert_eq!(u.view.title, EN.risk.title);
    let r = risk(&u.view);
    assert!(
        r.intro.ends_with("If you are in danger now, call 999."),
        "{}",
        r.intro
    );
    assert!(r.source.starts_with("Questions from "), "{}", r.source);
    assert_eq!(r.questions.len(), 11);
    assert_eq!(r.progress_label, "0 of 11 answered");
    assert_eq!(
        r.choices
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>(),
        vec!["Yes", "No", "Not sure"]
    );

    // What the log says, and why: the incidents behind it.
    let visits = r
        .questions
        .iter()
        .find(|q| q.id == "visits-home-or-work")
        .unwrap();
    assert_eq!(
        visits.number_label,
        format!("Question {} of 11", visits.number)
    );
    assert!(!visits.asked_only);
    assert!(visits.points_to_yes);
    assert_eq!(visits.incident_ids.len(), 4);
    let says = visits.log_says.clone().unwrap();
    assert!(says.starts_with("What your log shows: "), "{says}");
    assert!(visits.incidents_label.starts_with("Incidents "));
    for id in &visits.incident_ids {
        let short: String = id.chars().take(8).collect();
        assert!(visits.incidents_label.contains(&short));
    }
    assert!(!visits.why.is_empty());
    // The stalker's history is asked, never guessed.
    let before = r
        .questions
        .iter()
        .find(|q| q.id == "previous-harassment")
        .unwrap();
    assert!(before.asked_only);
    assert!(before.log_says.is_none() && before.incident_ids.is_empty());
    assert!(!before.points_to_yes);
    assert_eq!(r.asked_only_text, EN.risk.asked_only);

    let size = IncidentLog::new(&open_vault(&p)).tree_head().unwrap().size;
    let u = p.send(AppEvent::AnswerRisk {
        question_id: "visits-home-or-work".into(),
        choice: RiskChoice::Yes,
        note: Some("Also at my sister's".into()),
    });
    let b = u.view.banner.clone().unwrap();
    assert_eq!((b.tone, b.text.as_str()), (Tone::Good, EN.risk.saved));
    let r = risk(&u.view);
    assert_eq!(r.progress_label, "1 of 11 answered");
    let q = r
        .questions
        .iter()
        .find(|q| q.id == "visits-home-or-work")
        .unwrap();
    let a = q.answer.clone().unwrap();
    assert_eq!(a.choice, RiskChoice::Yes);
    assert_eq!(a.text, "Yes, on 25 Nov 2026 17:00");
    assert_eq!(a.note.as_deref(), Some("Also at my sister's"));
    assert!(q.history.is_empty());

    // Changed later: the earlier answer stays, newest first.
    p.advance(3600);
    let u = p.send(AppEvent::AnswerRisk {
        question_id: "visits-home-or-work".into(),
        choice: RiskChoice::NotSure,
        note: None,
    });
    let r = risk(&u.view);
    let q = r
        .questions
        .iter()
        .find(|q| q.id == "visits-home-or-work")
        .unwrap();
    assert_eq!(q.answer.clone().unwrap().choice, RiskChoice::NotSure);
    assert_eq!(q.history.len(), 1);
    assert_eq!(q.history[0].choice, RiskChoice::Yes);
    assert_eq!(q.history[0].note.as_deref(), Some("Also at my sister's"));
    assert_eq!(r.progress_label, "1 of 11 answered");

    // In the vault, through the core: two Merkle-logged answers, the index agreeing with the log.
    let v = open_vault(&p);
    let history = RiskChecklist::new(&v).history().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].answer, Answer::Yes);
    assert_eq!(history[1].answer, Answer::Unsure);
    assert_eq!(RiskChecklist::new(&v).verify().unwrap(), 2);
    assert_eq!(IncidentLog::new(&v).tree_head().unwrap().size, size + 2);
    assert!(IncidentLog::new(&v).verify().is_ok());

    // After a restart, the answers are there.
    let mut p = p.lock_and_relaunch();
    p.enter_pin(PIN);
    let u = p.send(AppEvent::Open {
        to: Destination::Risk,
    });
    assert_eq!(risk(&u.view).progress_label, "1 of 11 answered");
}

#[test]
fn bad_answers_are_refused_plainly_and_nothing_is_stored() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::Open {
        to: Destination::Risk,
    });
    let u = p.send(AppEvent::AnswerRisk {
        question_id: "no-such-question".into(),
        choice: RiskChoice::Yes,
        note: None,
    });
    assert_eq!(u.view.banner.clone().unwrap().tone, Tone::Danger);
    let u = p.send(AppEvent::AnswerRisk {
        question_id: "frightened".into(),
        choice: RiskChoice::No,
        note: Some("x".repeat(2001)),
    });
    let b = u.view.banner.clone().unwrap();
    assert_eq!(b.tone, Tone::Danger);
    assert!(b.text.starts_with("Please check: note"), "{}", b.text);
    assert_eq!(risk(&u.view).answered, 0);
    assert!(RiskChecklist::new(&open_vault(&p))
        .history()
        .unwrap()
        .is_empty());
    // Locked, the screen is gone and an answer cannot be given.
    p.send(AppEvent::Panic);
    let u = p.send(AppEvent::AnswerRisk {
        question_id: "frightened".into(),
        choice: RiskChoice::Yes,
        note: None,
    });
    lock(&u.view);
}
