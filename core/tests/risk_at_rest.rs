//! Someone who copies the vault folder learns nothing about the risk answers: no note text, no
//! question id, entry type or table name appears in any file, open or closed.

use chrono::{Duration, TimeZone, Utc};
use std::path::Path;
use std::sync::Arc;
use waymark_core::log::{IncidentKind, IncidentLog, NewIncident, Occurred};
use waymark_core::risk::{Answer, RiskChecklist, QUESTIONS};
use waymark_core::vault::{CreateOptions, Vault};
use waymark_core::{Clock, ManualClock};

const MARKERS: &[&str] = &[
    "ZQXRISKNOTE",
    "risk.answer",
    "risk_answers",
    "visits-home-or-work",
    "drugs-or-alcohol",
    "frightened",
    "unsure",
];

fn scan(dir: &Path) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            for m in MARKERS {
                let utf16: Vec<u8> = m.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
                for needle in [m.as_bytes(), &utf16[..]] {
                    if bytes.windows(needle.len()).any(|w| w == needle) {
                        hits.push(format!("{m} in {}", p.display()));
                    }
                }
            }
        }
    }
    hits
}

#[test]
fn no_risk_answer_plaintext_in_any_file_open_or_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap(),
    ));
    let (vault, _) =
        Vault::create(&dir, "246810", CreateOptions::for_tests(clock.clone())).unwrap();
    let now = clock.now();
    IncidentLog::new(&vault)
        .record(NewIncident::new(
            IncidentKind::TurnedUpHome,
            Occurred::at(now - Duration::hours(2)),
            "at the door",
        ))
        .unwrap();
    let risk = RiskChecklist::new(&vault);
    for round in 0..3 {
        for q in QUESTIONS.iter() {
            let a = [Answer::Yes, Answer::No, Answer::Unsure][(q.number as usize + round) % 3];
            risk.answer(
                q.topic.id(),
                a,
                Some(&format!("ZQXRISKNOTE {round} ZQXRISKNOTE")),
            )
            .unwrap();
            clock.advance(Duration::minutes(1));
        }
    }
    assert_eq!(risk.history().unwrap().len(), 33);
    let open_hits = scan(&dir);
    assert!(open_hits.is_empty(), "plaintext while open: {open_hits:?}");
    vault.lock();
    drop(vault);
    let closed_hits = scan(&dir);
    assert!(
        closed_hits.is_empty(),
        "plaintext after closing: {closed_hits:?}"
    );
}
