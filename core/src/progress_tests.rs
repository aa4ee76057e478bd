//! Every long call, cancelled half-way against a real vault: it says `Cancelled`, leaves no
//! file behind (in the vault or at the output), logs nothing, and keeps what was there before.

use crate::clock::{Clock, ManualClock};
use crate::evidence::{CaptureMethod, EvidenceStore, NewEvidence};
use crate::log::{IncidentKind, IncidentLog, NewIncident, Occurred};
use crate::progress::testing::CancelAt;
use crate::progress::Stage;
use crate::report::bundle::verify_bundle_with_progress;
use crate::report::{export_bundle_with_progress, export_report_with_progress, ReportRequest};
use crate::routes::{RouteStore, BUNDLED_PBF};
use crate::vault::{CreateOptions, Vault};
use crate::Error;
use chrono::{Duration, TimeZone, Utc};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

struct Fixture {
    dir: tempfile::TempDir,
    out: tempfile::TempDir,
    vault: Vault,
    clock: Arc<ManualClock>,
}

/// A vault with three incidents, one holding 3 MiB of evidence (so copying it takes many
/// progress reports and a cancel lands in the middle).
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap(),
    ));
    let (vault, _) = Vault::create(
        &dir.path().join("vault"),
        "246810",
        CreateOptions::for_tests(clock.clone()),
    )
    .unwrap();
    let log = IncidentLog::new(&vault);
    let mut incidents = vec![];
    for k in 0..3 {
        let n = NewIncident::new(
            IncidentKind::Followed,
            Occurred::at(clock.now() - Duration::days(5 - k)),
            format!("followed from the station, time {k}"),
        );
        incidents.push(log.record(n).unwrap().id);
    }
    let big = noise(3 * 1024 * 1024);
    let path = out.path().join("recording.bin");
    std::fs::write(&path, &big).unwrap();
    let store = EvidenceStore::new(&vault);
    let item = store
        .add_file(&path, NewEvidence::new(CaptureMethod::Import))
        .unwrap();
    store.attach(&item.id, &incidents[1]).unwrap();
    std::fs::remove_file(&path).unwrap();
    Fixture {
        dir,
        out,
        vault,
        clock,
    }
}

fn noise(n: usize) -> Vec<u8> {
    // Incompressible enough, and no media header.
    let mut x: u32 = 0x9e37_79b9;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// Every file under `root` (relative), apart from SQLite's own journal files.
fn files(root: &Path) -> BTreeSet<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf());
                walk(root, &p, out);
            } else {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if !(name.ends_with("-wal") || name.ends_with("-shm") || name.ends_with("-journal"))
                {
                    out.insert(p.strip_prefix(root).unwrap().to_path_buf());
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, root, &mut out);
    out
}

impl Fixture {
    fn log_size(&self) -> u64 {
        IncidentLog::new(&self.vault).tree_head().unwrap().size
    }
    /// Runs `f`, cancelled once progress reaches `at`, and checks nothing changed.
    fn assert_cancel_leaves_nothing<T: std::fmt::Debug>(
        &self,
        at: f64,
        f: impl FnOnce(&CancelAt) -> crate::Result<T>,
    ) -> Vec<(Stage, f64)> {
        let before_vault = files(self.dir.path());
        let before_out = files(self.out.path());
        let size = self.log_size();
        let c = CancelAt::new(at);
        let r = f(&c);
        assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
        assert_eq!(files(self.dir.path()), before_vault, "left in the vault");
        assert_eq!(files(self.out.path()), before_out, "left at the output");
        assert_eq!(self.log_size(), size, "a cancelled call was logged");
        c.assert_monotonic();
        c.seen()
    }
}

#[test]
fn report_export_cancelled_at_every_stage_leaves_nothing() {
    let f = fixture();
    let out = f.out.path().join("report.pdf");
    for at in [0.0, 0.2, 0.5, 0.85] {
        f.assert_cancel_leaves_nothing(at, |c| {
            export_report_with_progress(
                &f.vault,
                &ReportRequest::default(),
                &EvidenceStore::new(&f.vault),
                &Utc,
                &out,
                c.progress(),
            )
        });
    }
    // A report already at the path is never replaced: refused before any work, the old one kept.
    std::fs::write(&out, b"the old report").unwrap();
    let keep = CancelAt::new(2.0);
    let r = export_report_with_progress(
        &f.vault,
        &ReportRequest::default(),
        &EvidenceStore::new(&f.vault),
        &Utc,
        &out,
        keep.progress(),
    );
    assert!(matches!(r, Err(Error::InvalidInput { .. })), "{r:?}");
    assert_eq!(std::fs::read(&out).unwrap(), b"the old report");

    // Not cancelled: every stage shows, it ends at 1.0, and the PDF is there.
    let c = CancelAt::new(2.0);
    std::fs::remove_file(&out).unwrap();
    let n = export_report_with_progress(
        &f.vault,
        &ReportRequest::default(),
        &EvidenceStore::new(&f.vault),
        &Utc,
        &out,
        c.progress(),
    )
    .unwrap();
    assert_eq!(n, 3);
    c.assert_monotonic();
    let seen = c.seen();
    assert_eq!(seen.last().map(|s| s.1), Some(1.0));
    for stage in [
        Stage::GatheringIncidents,
        Stage::RenderingReport,
        Stage::WritingFile,
    ] {
        assert!(seen.iter().any(|s| s.0 == stage), "{stage:?} not reported");
    }
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF"));
}

#[test]
fn bundle_export_cancelled_while_copying_evidence_leaves_nothing() {
    let f = fixture();
    for name in ["bundle", "bundle.zip"] {
        let out = f.out.path().join(name);
        let seen = f.assert_cancel_leaves_nothing(0.5, |c| {
            export_bundle_with_progress(
                &f.vault,
                &[],
                None,
                &out,
                &EvidenceStore::new(&f.vault),
                c.progress(),
            )
        });
        // The cancel landed in the middle of the evidence, not before or after it.
        let copying: Vec<f64> = seen
            .iter()
            .filter(|s| s.0 == Stage::CopyingEvidence)
            .map(|s| s.1)
            .collect();
        assert!(copying.len() >= 3, "{seen:?}");
        assert!(copying.iter().any(|&x| x > 0.1 && x < 0.9), "{seen:?}");

        // And uncancelled, the same export completes and verifies.
        let c = CancelAt::new(2.0);
        let summary = export_bundle_with_progress(
            &f.vault,
            &[],
            None,
            &out,
            &EvidenceStore::new(&f.vault),
            c.progress(),
        )
        .unwrap();
        assert_eq!(summary.manifest.incidents.len(), 3);
        assert_eq!(c.seen().last().map(|s| s.1), Some(1.0));
        c.assert_monotonic();

        // Verifying it, cancelled half-way through hashing, is `Cancelled`, not a report.
        let v = CancelAt::new(0.5);
        let r = verify_bundle_with_progress(&out, v.progress());
        assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
        let v = CancelAt::new(2.0);
        assert!(verify_bundle_with_progress(&out, v.progress()).unwrap().ok);
        v.assert_monotonic();
        assert_eq!(v.seen().last().map(|s| s.1), Some(1.0));
    }
}

#[test]
fn evidence_ingest_and_extract_cancelled_half_way_leave_nothing() {
    let f = fixture();
    let src_dir = tempfile::tempdir().unwrap();
    let src = src_dir.path().join("video.bin");
    std::fs::write(&src, noise(4 * 1024 * 1024)).unwrap();
    let store = EvidenceStore::new(&f.vault);
    let count = store.list().unwrap().len();
    f.assert_cancel_leaves_nothing(0.5, |c| {
        store.add_file_with_progress(&src, NewEvidence::new(CaptureMethod::Import), c.progress())
    });
    assert_eq!(store.list().unwrap().len(), count);

    let id = store.list().unwrap()[0].id.clone();
    let out = f.out.path().join("copy.bin");
    f.assert_cancel_leaves_nothing(0.5, |c| {
        store.extract_to_path_with_progress(&id, &out, c.progress())
    });
    assert!(!out.exists());

    // Uncancelled, both run to 1.0.
    let c = CancelAt::new(2.0);
    let item = store
        .add_file_with_progress(&src, NewEvidence::new(CaptureMethod::Import), c.progress())
        .unwrap();
    assert_eq!(c.seen().last().map(|s| s.1), Some(1.0));
    let c = CancelAt::new(2.0);
    store
        .extract_to_path_with_progress(&item.id, &out, c.progress())
        .unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&src).unwrap());
    c.assert_monotonic();
}

#[test]
fn log_verify_cancelled_says_so() {
    let f = fixture();
    let log = IncidentLog::new(&f.vault);
    let c = CancelAt::new(0.05);
    assert!(matches!(
        log.verify_with_progress(c.progress()),
        Err(Error::Cancelled)
    ));
    let c = CancelAt::new(2.0);
    let r = log.verify_with_progress(c.progress()).unwrap();
    assert_eq!(r.incidents, 3);
    assert_eq!(c.seen().last().map(|s| s.1), Some(1.0));
}

#[test]
fn map_import_cancelled_keeps_the_old_map() {
    let f = fixture();
    let routes = RouteStore::new(&f.vault);
    let path = f.out.path().join("centre.osm.pbf");
    std::fs::write(&path, BUNDLED_PBF).unwrap();
    routes
        .import_map_file(&path, crate::Progress::NONE)
        .unwrap();
    let before = routes.map_info().unwrap();
    // A later import would record a later time: the old map's time must stay.
    f.clock.advance(Duration::hours(1));
    for at in [0.3, 0.7, 0.9] {
        f.assert_cancel_leaves_nothing(at, |c| routes.import_map_file(&path, c.progress()));
        assert_eq!(routes.map_info().unwrap(), before);
    }
    let c = CancelAt::new(2.0);
    routes.import_map_file(&path, c.progress()).unwrap();
    c.assert_monotonic();
    let seen = c.seen();
    assert!(seen.iter().any(|s| s.0 == Stage::ReadingMap));
    assert_eq!(seen.last(), Some(&(Stage::SavingMap, 1.0)));
    assert!(matches!(
        routes.import_map_file(&f.out.path().join("missing.pbf"), crate::Progress::NONE),
        Err(Error::NotFound { .. })
    ));
    // Not a regular file: refused before reading (reading /dev/zero would never end).
    #[cfg(unix)]
    assert!(matches!(
        routes.import_map_file(std::path::Path::new("/dev/zero"), crate::Progress::NONE),
        Err(Error::InvalidInput { .. })
    ));
}

#[test]
fn a_report_cover_name_must_be_one_sensible_line() {
    let f = fixture();
    let out = f.out.path().join("r.pdf");
    for name in ["a\0b".to_string(), "line\nbreak".into(), "n".repeat(201)] {
        let r = export_report_with_progress(
            &f.vault,
            &ReportRequest {
                name: Some(name),
                ..Default::default()
            },
            &EvidenceStore::new(&f.vault),
            &Utc,
            &out,
            crate::Progress::NONE,
        );
        assert!(matches!(r, Err(Error::InvalidInput { ref field, .. }) if field == "name"));
        assert!(!out.exists());
    }
}
