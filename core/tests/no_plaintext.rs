//! Someone who copies the vault folder learns nothing but sizes and times: no note, kind, place,
//! name or date appears in any file, while open (database, -wal, -shm) or after closing.

use chrono::{TimeZone, Utc};
use std::path::Path;
use waymark_core::log::{IncidentChanges, IncidentKind, IncidentLog, NewIncident, Occurred, Place};
use waymark_test_support::vault::{manual_vault, TestVault};

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
    let files = waymark_test_support::scan::files_under(dir).len();
    assert!(
        files >= 3,
        "expected the key file and databases, found {files} files"
    );
    waymark_test_support::scan::find_markers(dir, MARKERS)
}

#[test]
fn no_plaintext_in_any_file_open_or_closed() {
    let TestVault {
        vault,
        dir,
        tmp: _tmp,
        ..
    } = manual_vault(Utc.with_ymd_and_hms(2026, 11, 24, 20, 0, 0).unwrap());
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
