//! The FFI surface used the way a shell uses it: log forwarding without personal data,
//! calls from many threads, and no unwrap/expect in the bindings' own code.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use common::*;
use waymark_ffi::*;

#[derive(Default)]
struct CollectingSink(Mutex<Vec<LogEvent>>);
impl LogSink for CollectingSink {
    fn log(&self, event: LogEvent) -> Result<(), WaymarkError> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(event);
        // A sink that fails must not break the call that logged.
        Err(WaymarkError::Platform {
            reason: "sink full".into(),
        })
    }
}

#[test]
fn tracing_reaches_the_shell_sink_without_personal_data() {
    let sink = Arc::new(CollectingSink::default());
    assert!(
        set_log_sink(sink.clone(), LogLevel::Debug),
        "no other global subscriber here"
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let log = created.vault.clone().incident_log();
    let secret_words = "Zbigniew waited outside 14 Acacia Avenue";
    let mut new = NewIncident {
        kind: IncidentKind::TurnedUpHome,
        occurred_at: UNIX_EPOCH + Duration::from_secs(1_770_000_000),
        occurred_until: None,
        description: secret_words.into(),
        place: Some(Place {
            label: Some("Acacia Avenue".into()),
            lat: Some(51.501),
            lon: Some(-0.1419),
            accuracy_m: None,
        }),
        witnesses: vec!["Agnieszka".into()],
        feeling: Some(4),
        police_ref: Some("CAD 1234/25".into()),
        tags: vec!["doorstep".into()],
        attributed_to: Some("Zbigniew".into()),
        contact_via: None,
    };
    let id = log.record(new.clone()).expect("record").id;
    new.description = "changed".into();
    log.amend(
        id.clone(),
        IncidentChanges {
            description: Some("Zbigniew again".into()),
            ..Default::default()
        },
        Some("Acacia".into()),
    )
    .expect("amend");
    created.vault.lock();
    assert!(matches!(
        created.vault.unlock("999999".into()),
        Err(WaymarkError::WrongSecret { .. })
    ));
    created.vault.unlock(PIN.into()).expect("unlock");
    clear_log_sink();

    let events = sink.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert!(
        events.len() >= 3,
        "expected vault and log events, got {events:?}"
    );
    assert!(events.iter().any(|e| e.target.starts_with("waymark_core")));
    for e in &events {
        for word in [
            "Zbigniew",
            "Acacia",
            "Agnieszka",
            "51.50",
            "-0.14",
            "CAD 1234",
            "doorstep",
            PIN,
            "999999",
        ] {
            assert!(!e.message.contains(word), "log event leaks {word:?}: {e:?}");
        }
        assert!(!e.message.contains(&created.recovery_code));
    }
    // After clearing, nothing more arrives.
    let before = events.len();
    created.vault.lock();
    assert_eq!(
        sink.0.lock().unwrap_or_else(|p| p.into_inner()).len(),
        before
    );
}

#[test]
fn many_threads_record_and_read_at_once() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let log = created.vault.clone().incident_log();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let log = log.clone();
            std::thread::spawn(move || {
                for n in 0..10 {
                    let new = NewIncident {
                        kind: IncidentKind::UnwantedContact,
                        occurred_at: UNIX_EPOCH + Duration::from_secs(1_770_000_000 + t * 100 + n),
                        occurred_until: None,
                        description: format!("thread {t} message {n} 📱"),
                        place: None,
                        witnesses: vec![],
                        feeling: Some(2),
                        police_ref: None,
                        tags: vec![],
                        attributed_to: None,
                        contact_via: Some("text".into()),
                    };
                    log.record(new).map_err(|e| e.to_string())?;
                    log.list(ListFilter {
                        limit: Some(5),
                        ..Default::default()
                    })
                    .map_err(|e| e.to_string())?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread finished").expect("no errors");
    }
    assert_eq!(log.count().expect("count"), 80);
    let report = log.verify(None, None).expect("verify");
    assert_eq!(report.entries, 80);
    assert_eq!(report.tree_head.size, 80);
}

#[test]
fn the_bindings_code_never_unwraps_or_expects() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = vec![];
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read source file");
            // Unit tests at the end of a file may unwrap; production code above them may not.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                let line = line.trim_start();
                if line.starts_with("//") {
                    continue;
                }
                for bad in [
                    ".unwrap()",
                    ".expect(",
                    "panic!(",
                    "unreachable!(",
                    "todo!(",
                    "unimplemented!(",
                ] {
                    if line.contains(bad) {
                        offenders.push(format!("{}:{}: {line}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "panicking calls in bindings code:\n{}",
        offenders.join("\n")
    );
}
