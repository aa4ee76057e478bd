//! The capture flow: Add a photo -> the camera permission -> the camera streams its bytes in
//! uneven pieces -> each piece is encrypted into the vault as it comes (never a plaintext file)
//! -> Done attaches the photo to the incident, read back byte for byte through the core.
//! Cancelled, locked half-way or too large: nothing is left behind. A picked file the same way.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use waymark_app::strings::{fill, EN};
use waymark_app::{
    AppEvent, CaptureKind, Effect, EvidenceSource, Permission, PickSource, QuickKind, SmsAbility,
    Tone,
};
use waymark_core::evidence::{EvidenceStore, DEFAULT_MAX_FILE_BYTES};
use waymark_core::vault::Vault;

const MARKER: &[u8] = b"PLAINTEXT-PHOTO-MARKER-";

const TAKE_PHOTO: AppEvent = AppEvent::AddEvidence {
    source: EvidenceSource::TakePhoto,
};
const ADD_FILE: AppEvent = AppEvent::AddEvidence {
    source: EvidenceSource::Files,
};

/// The camera for a photo, asked to stop short of the core's 4 GiB limit.
fn photo_camera() -> Effect {
    Effect::OpenCamera {
        kind: CaptureKind::Photo,
        sound: false,
        max_seconds: None,
        max_bytes: DEFAULT_MAX_FILE_BYTES - DEFAULT_MAX_FILE_BYTES / 16,
    }
}

/// A "photo": a JPEG start, then a marker that must never be found on disk in the clear.
fn photo(len: usize) -> Vec<u8> {
    let mut v = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    while v.len() < len {
        v.extend_from_slice(MARKER);
        v.push((v.len() % 251) as u8);
    }
    v.truncate(len);
    v
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn assert_no_plaintext_on_disk(p: &Phone) {
    for f in files_under(p.dir.path()) {
        let bytes = std::fs::read(&f).unwrap_or_default();
        assert!(
            !bytes.windows(MARKER.len()).any(|w| w == MARKER),
            "plaintext of the photo in {f:?}"
        );
    }
}

fn open_vault(p: &Phone) -> Vault {
    let v = p.second_handle();
    v
}

/// Set up, log something, allow the camera; returns the incident id.
fn logged(p: &mut Phone) -> String {
    p.set_up();
    let u = p.send(AppEvent::QuickLog {
        kind: QuickKind::GiftsLeft,
    });
    home(&u.view).logged.unwrap().incident_id
}

fn send_pieces(p: &mut Phone, data: &[u8], sizes: &[usize]) {
    let mut at = 0;
    let mut i = 0;
    while at < data.len() {
        let n = sizes[i % sizes.len()].min(data.len() - at);
        p.send(AppEvent::CameraChunk {
            bytes: data[at..at + n].to_vec(),
        });
        at += n;
        i += 1;
    }
}

#[test]
fn a_photo_streamed_in_uneven_pieces_is_attached_and_reads_back_byte_for_byte() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    let incident = logged(&mut p);
    let u = p.send(TAKE_PHOTO);
    assert_eq!(
        u.effects,
        [Effect::RequestPermission {
            what: Permission::Camera,
            reason: EN.capture_camera_reason.into()
        }]
    );
    let u = p.send(AppEvent::PermissionResult {
        what: Permission::Camera,
        granted: true,
    });
    assert_eq!(u.effects, [photo_camera()]);

    let data = photo(300_000);
    send_pieces(&mut p, &data, &[1, 64 * 1024, 3, 100_000, 7, 1, 65_537]);
    // Mid-capture: every byte so far is in the vault folder, none of it readable.
    assert_no_plaintext_on_disk(&p);
    let u = p.send(AppEvent::CameraDone);
    assert_eq!(u.view.banner.as_ref().unwrap().text, EN.capture_added);
    assert!(u.effects.iter().any(|e| matches!(e, Effect::Haptic { .. })));
    // A photo is a detail: Undo of the quick log is gone.
    assert_eq!(home(&u.view).logged.unwrap().undo_label, None);
    assert_no_plaintext_on_disk(&p);

    let v = open_vault(&p);
    let items = EvidenceStore::new(&v).for_incident(&incident).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].size, data.len() as u64);
    assert_eq!(items[0].media_type, "image/jpeg");
    let mut back = Vec::new();
    EvidenceStore::new(&v)
        .extract_to(&items[0].id, &mut back)
        .unwrap();
    assert!(back == data, "read back differs");

    // The camera is allowed now: the next photo opens it at once.
    let u = p.send(TAKE_PHOTO);
    assert_eq!(u.effects, [photo_camera()]);
}

#[test]
fn cancelled_locked_half_way_or_too_large_leaves_nothing_behind() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    let incident = logged(&mut p);
    p.send(TAKE_PHOTO);
    p.send(AppEvent::PermissionResult {
        what: Permission::Camera,
        granted: true,
    });
    let before = files_under(p.dir.path());

    // Cancelled after some pieces.
    send_pieces(&mut p, &photo(200_000), &[65_536, 1, 3]);
    assert_ne!(files_under(p.dir.path()), before, "the pieces went to disk");
    let u = p.send(AppEvent::CameraCancelled);
    assert_eq!(u.view.banner.unwrap().text, EN.capture_cancelled);
    assert_eq!(files_under(p.dir.path()), before);
    // A late Done for the cancelled capture keeps nothing.
    p.send(AppEvent::CameraDone);

    // Too large (the limit lowered so it shows): refused the moment it would pass the limit.
    p.app.set_evidence_limit(1000);
    p.send(TAKE_PHOTO);
    send_pieces(&mut p, &photo(600), &[600]);
    let u = p.send(AppEvent::CameraChunk {
        bytes: vec![7; 500],
    });
    let banner = u.view.banner.unwrap();
    assert_eq!(
        banner.text,
        fill(EN.capture_too_large, &[("limit", "1000 bytes")])
    );
    assert_eq!(banner.tone, Tone::Danger);
    p.send(AppEvent::CameraChunk { bytes: vec![7; 10] });
    p.send(AppEvent::CameraDone);
    assert_eq!(files_under(p.dir.path()), before);
    p.app.set_evidence_limit(u64::MAX);

    // Locked (panic) half-way: the capture goes with the lock.
    p.send(TAKE_PHOTO);
    send_pieces(&mut p, &photo(100_000), &[4096]);
    p.send(AppEvent::Panic);
    p.send(AppEvent::CameraDone);
    p.enter_pin(PIN);
    p.send(AppEvent::CameraDone);
    assert_eq!(files_under(p.dir.path()), before);

    let p2 = p.relaunch();
    let v = open_vault(&p2);
    assert!(EvidenceStore::new(&v).list().unwrap().is_empty());
    assert!(EvidenceStore::new(&v)
        .for_incident(&incident)
        .unwrap()
        .is_empty());
}

#[test]
fn a_picked_file_is_imported_and_attached_and_over_the_limit_is_refused() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    let incident = logged(&mut p);
    let outside = tempfile::tempdir().unwrap();
    let path = outside.path().join("letter.pdf");
    let data = b"%PDF-1.4\nthe letter that was left on the car\n%%EOF\n".to_vec();
    std::fs::write(&path, &data).unwrap();

    let u = p.send(ADD_FILE);
    assert_eq!(
        u.effects,
        [Effect::PickFile {
            source: PickSource::Files
        }]
    );
    let u = p.send(AppEvent::FilePicked {
        path: path.to_string_lossy().into(),
    });
    assert_eq!(u.view.banner.unwrap().text, EN.file_added);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        data,
        "the original is untouched"
    );

    // A file that is not there: a clear error, nothing kept.
    p.send(ADD_FILE);
    let u = p.send(AppEvent::FilePicked {
        path: outside.path().join("gone.jpg").to_string_lossy().into(),
    });
    assert_eq!(u.view.banner.unwrap().tone, Tone::Danger);
    // Over the limit: the core refuses it before writing anything.
    p.app.set_evidence_limit(10);
    p.send(ADD_FILE);
    let u = p.send(AppEvent::FilePicked {
        path: path.to_string_lossy().into(),
    });
    let banner = u.view.banner.unwrap();
    assert_eq!(banner.tone, Tone::Danger);
    assert!(banner.text.contains("limit"), "{}", banner.text);
    // Picker closed: nothing.
    p.send(ADD_FILE);
    let u = p.send(AppEvent::FilePickCancelled);
    assert!(u.effects.is_empty() && u.view.banner.is_none());

    let v = open_vault(&p);
    let items = EvidenceStore::new(&v).for_incident(&incident).unwrap();
    assert_eq!(items.len(), 1);
    let mut back = Vec::new();
    EvidenceStore::new(&v)
        .extract_to(&items[0].id, &mut back)
        .unwrap();
    assert_eq!(back, data);
    assert_eq!(EvidenceStore::new(&v).list().unwrap().len(), 1);
}

#[test]
fn no_incident_or_no_camera_says_what_to_do_instead() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let u = p.send(TAKE_PHOTO);
    assert!(u.effects.is_empty());
    assert_eq!(u.view.banner.unwrap().text, EN.capture_nothing_to_attach);
    // Stray camera events without a capture change nothing.
    p.send(AppEvent::CameraChunk { bytes: vec![1; 10] });
    p.send(AppEvent::CameraDone);

    p.send(AppEvent::QuickLog {
        kind: QuickKind::Followed,
    });
    p.send(TAKE_PHOTO);
    let u = p.send(AppEvent::PermissionResult {
        what: Permission::Camera,
        granted: false,
    });
    assert!(!u.effects.contains(&photo_camera()));
    assert_eq!(u.view.banner.unwrap().text, EN.capture_denied);

    // From the incident's detail, the photo goes to that incident.
    let id = home(&p.view()).recent[0].id.clone();
    p.send(AppEvent::OpenIncident { id: id.clone() });
    p.send(TAKE_PHOTO);
    p.send(AppEvent::PermissionResult {
        what: Permission::Camera,
        granted: true,
    });
    send_pieces(&mut p, &photo(5000), &[999]);
    let u = p.send(AppEvent::CameraDone);
    // The detail lists it.
    let rows = match &u.view.screen {
        waymark_app::Screen::Incident { incident } => incident.evidence.clone(),
        other => panic!("expected the incident, got {other:?}"),
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].label, EN.evidence_photo);
    assert_eq!((rows[0].size, rows[0].size_text.as_str()), (5000, "4.9 KB"));
    assert_eq!(rows[0].media_type, "image/jpeg");
    let v = open_vault(&p);
    assert_eq!(EvidenceStore::new(&v).for_incident(&id).unwrap().len(), 1);
}

#[test]
fn the_camera_sending_the_app_to_the_background_does_not_lose_the_photo() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    // Lock at once when leaving the app...
    p.send(AppEvent::Open {
        to: waymark_app::Destination::Settings,
    });
    p.send(AppEvent::SettingsAutoLock { seconds: 0 });
    p.send(AppEvent::Back);
    let u = p.send(AppEvent::QuickLog {
        kind: QuickKind::Watching,
    });
    let incident = home(&u.view).logged.unwrap().incident_id;
    // ...but the camera (another app on Android) gets a few minutes.
    p.send(TAKE_PHOTO);
    p.send(AppEvent::PermissionResult {
        what: Permission::Camera,
        granted: true,
    });
    p.send(AppEvent::Backgrounded);
    p.advance(120);
    let u = p.send(AppEvent::Foregrounded);
    home(&u.view);
    send_pieces(&mut p, &photo(10_000), &[4096]);
    let u = p.send(AppEvent::CameraDone);
    assert_eq!(u.view.banner.unwrap().text, EN.capture_added);
    // Without a capture, leaving locks at once again.
    let u = p.send(AppEvent::Backgrounded);
    lock(&u.view);
    // And a camera left open too long: locked, nothing kept.
    p.enter_pin(PIN);
    p.send(AppEvent::OpenIncident {
        id: incident.clone(),
    });
    p.send(TAKE_PHOTO);
    p.send(AppEvent::Backgrounded);
    p.advance(301);
    let u = p.send(AppEvent::Foregrounded);
    lock(&u.view);
    p.send(AppEvent::CameraChunk { bytes: photo(100) });
    p.send(AppEvent::CameraDone);
    let v = open_vault(&p);
    assert_eq!(
        EvidenceStore::new(&v)
            .for_incident(&incident)
            .unwrap()
            .len(),
        1
    );
}
