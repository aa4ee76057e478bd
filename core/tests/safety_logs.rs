//! The check-in timer's `tracing` output (forwarded to the phone's log) and the safety
//! errors never carry a buddy's name or number, a place, or the person's words, even when the
//! shell's sink fails with a message that does. Its own binary: tracing caches callsite
//! interest globally.

use chrono::{Duration, TimeZone, Utc};
use std::io::Write;
use std::sync::{Arc, Mutex};
use waymark_core::safety::checkin::{Buddy, Expect, Plan};
use waymark_core::safety::{CheckInTimer, Event, EventSink, NewContact, Safety, VaultCheckIns};
use waymark_core::vault::{CreateOptions, Vault};
use waymark_core::{Error, ManualClock};

const MARKERS: &[&str] = &[
    "ZQXBUDDY",
    "7700900987",
    "ZQXPLACE",
    "ZQXMEET",
    "ZQXIFMISSED",
    "ZQXREL",
];

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

/// A sink whose failures quote the text message, as a careless shell might.
struct LeakySink;
impl EventSink for LeakySink {
    fn deliver(&self, event: &Event) -> waymark_core::Result<()> {
        Err(Error::storage(format!(
            "could not send {} to ZQXBUDDY +447700900987",
            event.text
        )))
    }
}

#[test]
fn no_plaintext_in_timer_logs_or_safety_errors() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let mut errors: Vec<String> = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        let tmp = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap(),
        ));
        let (vault, _) = Vault::create(
            &tmp.path().join("v"),
            "246810",
            CreateOptions::for_tests(clock.clone()),
        )
        .unwrap();
        let vault = Arc::new(vault);
        let s = Safety::new(&vault);
        let c = s
            .add_contact(NewContact {
                name: "ZQXBUDDY".into(),
                phone: "07700 900987".into(),
                relationship: Some("ZQXREL".into()),
                ..Default::default()
            })
            .unwrap();
        for bad in [
            NewContact {
                name: "ZQXBUDDY".into(),
                phone: "07700 900987".into(),
                ..Default::default()
            },
            NewContact {
                name: "ZQXBUDDY2".into(),
                phone: "7700900987ZQXPLACE".into(),
                ..Default::default()
            },
            NewContact {
                name: "ZQXBUDDY\n".repeat(20),
                phone: "07700 900111".into(),
                ..Default::default()
            },
        ] {
            errors.push(s.add_contact(bad).unwrap_err().to_string());
        }
        errors.push(
            s.remove_contact("ZQXBUDDY-not-there")
                .unwrap_err()
                .to_string(),
        );
        let buddy = Buddy {
            contact_id: c.id.clone(),
            name: c.name.clone(),
            phone: c.phone.to_string(),
        };
        let mut plan = Plan::new("ZQXPLACE", Expect::WithinMinutes(5), vec![buddy.clone()]);
        plan.meeting = Some("ZQXMEET".into());
        plan.if_missed = "ZQXIFMISSED".into();
        let mut bad_plan = plan.clone();
        bad_plan.destination = "ZQXPLACE".repeat(40);
        errors.push(s.start_checkin(bad_plan).unwrap_err().to_string());
        s.start_checkin(plan.clone()).unwrap();
        errors.push(s.start_checkin(plan).unwrap_err().to_string());

        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(async {
            let timer = CheckInTimer::spawn(
                &tokio::runtime::Handle::current(),
                Arc::new(VaultCheckIns(vault.clone())),
                Arc::new(LeakySink),
                clock.clone(),
            );
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            clock.advance(Duration::minutes(30));
            timer.wake();
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            // Locked, the timer goes on through the armed file; a damaged one is a storage
            // error, logged without content.
            vault.lock();
            std::fs::write(
                tmp.path().join("v").join(waymark_core::vault::ARMED_FILE),
                vec![0u8; waymark_core::vault::ARMED_FILE_LEN],
            )
            .unwrap();
            timer.wake();
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            timer.stop();
        });
    });
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("not delivered"),
        "the failures were logged: {logs}"
    );
    assert!(
        logs.contains("could not deliver"),
        "the damaged armed file was logged: {logs}"
    );
    for m in MARKERS {
        assert!(!logs.contains(m), "{m} in logs: {logs}");
        for e in &errors {
            assert!(!e.contains(m), "{m} in error: {e}");
        }
    }
}
