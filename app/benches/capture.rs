//! How much the app model adds to streaming a capture, against the core's evidence writer fed
//! the same pieces in the same run (a ratio, not a timing). Each `CameraChunk` is one dispatch,
//! which also recomputes the view model. Run: `cargo bench -p waymark-app --bench capture`.

// The journeys' phone (a manual clock, a temporary vault); not every helper is used here.
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::*;
use waymark_app::{AppEvent, EvidenceSource, Permission, QuickKind, SmsAbility};
use waymark_core::evidence::{CaptureMethod, EvidenceStore, NewEvidence};

const TOTAL: usize = 32 << 20;

fn main() {
    for piece in [64 << 10, 256 << 10] {
        let mut p = Phone::new(SmsAbility::SendSilently);
        p.set_up();
        p.send(AppEvent::QuickLog {
            kind: QuickKind::Followed,
        });
        p.send(AppEvent::AddEvidence {
            source: EvidenceSource::TakePhoto,
        });
        p.send(AppEvent::PermissionResult {
            what: Permission::Camera,
            granted: true,
        });
        let chunk = vec![0x5Au8; piece];

        let t = Instant::now();
        for _ in 0..TOTAL / piece {
            p.app.dispatch(AppEvent::CameraChunk {
                bytes: chunk.clone(),
            });
        }
        p.app.dispatch(AppEvent::CameraDone);
        let through_app = t.elapsed();

        let v = p.second_handle();
        let store = EvidenceStore::new(&v);
        let t = Instant::now();
        let mut w = store
            .begin(NewEvidence::new(CaptureMethod::Camera))
            .unwrap();
        for _ in 0..TOTAL / piece {
            // The same copy the FFI makes when it hands the shell's bytes over.
            let bytes = chunk.clone();
            w.write_chunk(&bytes).unwrap();
        }
        w.finish().unwrap();
        let core_only = t.elapsed();
        println!(
            "{} MiB in {} KiB pieces: app model {:?}, core writer {:?}, ratio {:.2}",
            TOTAL >> 20,
            piece >> 10,
            through_app,
            core_only,
            through_app.as_secs_f64() / core_only.as_secs_f64()
        );
        assert_eq!(store.list().unwrap().len(), 2);
    }
}
