//! Evidence through the FFI: chunked capture, file ingest, attach, verify, extract, sharing copy,
//! and hostile input to every evidence entry point (errors, never panics).

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, UNIX_EPOCH};

use common::*;
use waymark_ffi::*;

fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => panic!("{what} panicked on hostile input"),
    }
}

fn camera() -> NewEvidence {
    NewEvidence {
        how: CaptureMethod::Camera,
        original_name: None,
        location: None,
    }
}

/// Bytes that look like nothing in particular, but differ everywhere.
fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn chunked_capture_attach_verify_and_extract() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let store = created.vault.clone().evidence_store();
    let log = created.vault.clone().incident_log();
    let incident = log
        .record(NewIncident {
            kind: IncidentKind::GiftsLeft,
            occurred_at: UNIX_EPOCH + Duration::from_secs(1_779_000_000),
            occurred_until: None,
            description: "flowers on the doorstep".into(),
            place: None,
            witnesses: vec![],
            feeling: None,
            police_ref: None,
            tags: vec![],
            attributed_to: None,
            contact_via: None,
        })
        .expect("record");

    let data = payload(300_000);
    let writer = store.begin(camera()).expect("begin");
    let id = writer.id().expect("id");
    for chunk in data.chunks(70_001) {
        writer.write_chunk(chunk.to_vec()).expect("chunk");
    }
    assert_eq!(writer.size().expect("size"), data.len() as u64);
    let item = writer.finish().expect("finish");
    assert_eq!(item.id, id);
    assert_eq!(item.size, data.len() as u64);
    assert_eq!(item.sha256.len(), 64);
    // The writer is spent: every further call is an error, not a panic.
    assert!(matches!(
        writer.write_chunk(vec![1]),
        Err(WaymarkError::InvalidInput { .. })
    ));
    assert!(writer.finish().is_err() && writer.abort().is_err() && writer.id().is_err());

    let attached = store
        .attach(id.clone(), incident.id.clone())
        .expect("attach");
    assert_eq!(attached.incidents, vec![incident.id.clone()]);
    assert_eq!(
        store
            .for_incident(incident.id.clone())
            .expect("for incident")
            .len(),
        1
    );
    assert_eq!(
        store.verify(id.clone()).expect("verify").sha256,
        item.sha256
    );
    let report = store.verify_all().expect("verify all");
    assert_eq!((report.checked, report.problems.len()), (1, 0));

    let out = tmp.path().join("out.bin");
    store
        .extract_to_path(id.clone(), out.to_string_lossy().into_owned(), None, None)
        .expect("extract");
    assert_eq!(std::fs::read(&out).expect("read back"), data);
    // Never overwrites.
    assert!(store
        .extract_to_path(id.clone(), out.to_string_lossy().into_owned(), None, None)
        .is_err());

    // Ingest from a path; an aborted capture leaves nothing.
    let file = tmp.path().join("letter.txt");
    std::fs::write(&file, "a letter pushed through the door").expect("write");
    let from_file = store
        .add_file(
            file.to_string_lossy().into_owned(),
            NewEvidence {
                how: CaptureMethod::Document,
                original_name: None,
                location: Some(EvidenceLocation {
                    lat: 51.5,
                    lon: -0.12,
                    accuracy_m: Some(10.0),
                }),
            },
            None,
            None,
        )
        .expect("add file");
    assert_eq!(from_file.original_name.as_deref(), Some("letter.txt"));
    let aborted = store.begin(camera()).expect("begin");
    aborted.write_chunk(payload(1000)).expect("chunk");
    aborted.abort().expect("abort");
    assert_eq!(store.list().expect("list").len(), 2);

    store.delete(from_file.id.clone()).expect("delete");
    assert!(matches!(
        store.get(from_file.id),
        Err(WaymarkError::NotFound { .. })
    ));
    assert!(log.verify(None, None).is_ok());
}

#[test]
fn evidence_entry_points_reject_hostile_input() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let store = created.vault.clone().evidence_store();
    let path = |p: &str| tmp.path().join(p).to_string_lossy().into_owned();
    std::fs::write(path("real.bin"), payload(10)).expect("write");

    for bad_path in [
        String::new(),
        "a\0b".into(),
        path("missing"),
        tmp.path().to_string_lossy().into_owned(),
    ] {
        assert!(
            no_panic("add_file", || store.add_file(
                bad_path.clone(),
                camera(),
                None,
                None
            ))
            .is_err(),
            "{bad_path:?}"
        );
    }
    for bad in [
        NewEvidence {
            original_name: Some("x".repeat(100_000)),
            ..camera()
        },
        NewEvidence {
            original_name: Some("a\nb\0".into()),
            ..camera()
        },
        NewEvidence {
            location: Some(EvidenceLocation {
                lat: f64::NAN,
                lon: 0.0,
                accuracy_m: None,
            }),
            ..camera()
        },
        NewEvidence {
            location: Some(EvidenceLocation {
                lat: 0.0,
                lon: 181.0,
                accuracy_m: None,
            }),
            ..camera()
        },
        NewEvidence {
            location: Some(EvidenceLocation {
                lat: 0.0,
                lon: 0.0,
                accuracy_m: Some(-1.0),
            }),
            ..camera()
        },
    ] {
        let r = no_panic("add_file", || {
            store.add_file(path("real.bin"), bad.clone(), None, None)
        });
        assert!(
            matches!(r, Err(WaymarkError::InvalidInput { .. })),
            "{bad:?}: {r:?}"
        );
        assert!(no_panic("begin", || store.begin(bad.clone())).is_err());
    }
    let item = store
        .add_file(path("real.bin"), camera(), None, None)
        .expect("add");
    for id in ["", "%", "zz", "\0", "' OR 1=1 --", &"f".repeat(100_000)] {
        assert!(
            no_panic("get", || store.get(id.into())).is_err(),
            "get({id:?})"
        );
        assert!(no_panic("verify", || store.verify(id.into())).is_err());
        assert!(no_panic("attach", || store.attach(id.into(), id.into())).is_err());
        assert!(no_panic("attach", || store.attach(item.id.clone(), id.into())).is_err());
        assert!(no_panic("for_incident", || store.for_incident(id.into()))
            .map_or(true, |v| v.is_empty()));
        assert!(no_panic("extract", || store.extract_to_path(
            id.into(),
            path("x1"),
            None,
            None
        ))
        .is_err());
        assert!(no_panic("share", || store.share_copy(id.into(), path("x2"))).is_err());
        assert!(no_panic("delete", || store.delete(id.into())).is_err());
    }
    for bad_out in [
        String::new(),
        "a\0b".into(),
        path("real.bin"),
        path("no/such/dir/x"),
    ] {
        assert!(
            no_panic("extract", || store.extract_to_path(
                item.id.clone(),
                bad_out.clone(),
                None,
                None
            ))
            .is_err(),
            "{bad_out:?}"
        );
        assert!(
            no_panic("share", || store
                .share_copy(item.id.clone(), bad_out.clone()))
            .is_err(),
            "{bad_out:?}"
        );
    }
    assert_eq!(
        std::fs::read(path("real.bin")).expect("original"),
        payload(10),
        "never overwritten"
    );
    created.vault.lock();
    assert!(matches!(store.list(), Err(WaymarkError::Locked)));
    assert!(matches!(
        store.begin(camera()).map(|_| ()),
        Err(WaymarkError::Locked)
    ));
}
