//! Someone who copies the vault folder learns nothing but sizes and times: no note, kind, place,
//! name or date appears in any file, while open (database, -wal, -shm) or after closing.

use chrono::{TimeZone, Utc};
use std::path::Path;
use std::sync::Arc;
use waymark_core::log::{IncidentChanges, IncidentKind, IncidentLog, NewIncident, Occurred, Place};
use waymark_core::vault::{CreateOptions, Vault};
use waymark_core::ManualClock;

const MARKERS: &[&str] = &[
    "ZQXMARKERDESC",
    "ZQXMARKERPLACE",
    "ZQXMARKERWITNESS",
    "ZQXMARKERTAG",
    "ZQXMARKERPOLICE",
    "ZQXMARKERWHO",
    "ZQXMARKERAMEND",
    "turned-up-home",
    "incident.create",
    "2026-11-2",
    "CREATE TABLE",
    "SQLite format",
    "60.1699",
    "24.9384",
];

fn scan(dir: &Path) -> Vec<String> {
    let mut hits = Vec::new();
    let mut files = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            files += 1;
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
    assert!(
        files >= 3,
        "expected the key file and databases, found {files} files"
    );
    hits
}

#[test]
fn no_plaintext_in_any_file_open_or_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 24, 20, 0, 0).unwrap(),
    ));
    let (vault, _) =
        Vault::create(&dir, "246810", CreateOptions::for_tests(clock.clone())).unwrap();
    let log = IncidentLog::new(&vault);
    for i in 0..40 {
        let mut n = NewIncident::new(
            IncidentKind::TurnedUpHome,
            Occurred::at(Utc.with_ymd_and_hms(2026, 11, 23, 18, i % 60, 0).unwrap()),
            format!("ZQXMARKERDESC number {i}"),
        );
        n.place = Some(Place {
            label: Some("ZQXMARKERPLACE".into()),
            lat: Some(60.1699),
            lon: Some(24.9384),
            accuracy_m: None,
        });
        n.witnesses = vec!["ZQXMARKERWITNESS".into()];
        n.tags = vec!["ZQXMARKERTAG".into()];
        n.police_ref = Some("ZQXMARKERPOLICE".into());
        n.attributed_to = Some("ZQXMARKERWHO".into());
        let rec = log.record(n).unwrap();
        if i % 5 == 0 {
            let c = IncidentChanges {
                description: Some("ZQXMARKERAMEND".into()),
                ..Default::default()
            };
            log.amend(&rec.id, c, None).unwrap();
        }
    }
    // While open: the -wal and -shm files exist and hold recent pages.
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
