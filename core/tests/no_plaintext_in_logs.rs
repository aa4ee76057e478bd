//! Every `tracing` event (they are forwarded to the phone's log) and every error message is free
//! of what the person wrote. Its own test binary: tracing caches per-callsite interest globally,
//! so a test running in parallel without a subscriber could hide events from this one.

use chrono::{TimeZone, Utc};
use std::sync::Arc;
use waymark_core::log::{IncidentChanges, IncidentKind, IncidentLog, NewIncident, Occurred, Place};
use waymark_core::vault::{CreateOptions, Vault};
use waymark_core::{Clock, ManualClock};

#[test]
fn no_plaintext_in_tracing_output_or_errors() {
    use std::io::Write;
    use std::sync::Mutex;

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl Write for Capture {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let mut errors = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("vault");
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 24, 20, 0, 0).unwrap(),
        ));
        let (vault, _) =
            Vault::create(&dir, "246810", CreateOptions::for_tests(clock.clone())).unwrap();
        let log = IncidentLog::new(&vault);
        let mut n = NewIncident::new(
            IncidentKind::Threats,
            Occurred::at(clock.now()),
            "ZQXMARKERDESC",
        );
        n.place = Some(Place {
            label: Some("ZQXMARKERPLACE".into()),
            ..Default::default()
        });
        n.attributed_to = Some("ZQXMARKERWHO".into());
        let rec = log.record(n.clone()).unwrap();
        log.amend(
            &rec.id,
            IncidentChanges {
                description: Some("ZQXMARKERAMEND".into()),
                ..Default::default()
            },
            Some("ZQXMARKERWHY".into()),
        )
        .unwrap();
        log.search("ZQXMARKERDESC").unwrap();
        // Errors caused by bad input must not echo it back either.
        let mut bad = n.clone();
        bad.description = format!("ZQXMARKERDESC{}", "x".repeat(30_000));
        errors.push(log.record(bad).unwrap_err().to_string());
        let mut bad = n;
        bad.witnesses = vec![format!("ZQXMARKERWITNESS{}", "y".repeat(300))];
        errors.push(log.record(bad).unwrap_err().to_string());
        errors.push(
            vault
                .unlock("ZQXMARKERPIN")
                .map(|_| ())
                .unwrap_err()
                .to_string(),
        );
        log.redact(&rec.id, Some("ZQXMARKERWHY".into())).unwrap();
        log.verify().unwrap();
        vault.lock();
    });
    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("incident recorded"),
        "the capture saw no events: {text}"
    );
    for e in &errors {
        assert!(!e.contains("ZQXMARKER"), "error echoes input: {e}");
    }
    assert!(
        !text.contains("ZQXMARKER") && !text.contains("246810"),
        "{text}"
    );
}
