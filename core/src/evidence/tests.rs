//! Store tests against a real vault: round trips, tampering, crash leftovers, plaintext on disk,
//! chain of custody in the log, sharing copies and deletion.

use super::store::{ENTRY_ADD, ENTRY_ATTACH, ENTRY_DERIVE, ENTRY_REDACT, STRIP_METADATA};
use super::stream::{CHUNK_SIZE, SEALED_CHUNK_SIZE};
use super::*;
use crate::clock::{Clock, ManualClock};
use crate::error::Error;
use crate::log::{IncidentKind, IncidentLog, NewIncident, Occurred};
use crate::vault::{CreateOptions, Vault};
use chrono::{TimeZone, Utc};
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

struct Fixture {
    dir: tempfile::TempDir,
    vault: Vault,
    clock: Arc<ManualClock>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 2, 18, 30, 0).unwrap(),
    ));
    let (vault, _) = Vault::create(
        &dir.path().join("vault"),
        "246810",
        CreateOptions::for_tests(clock.clone()),
    )
    .unwrap();
    Fixture { dir, vault, clock }
}

impl Fixture {
    fn store(&self) -> EvidenceStore<'_> {
        EvidenceStore::new(&self.vault)
    }
    fn blob(&self, id: &str) -> PathBuf {
        self.vault.blob_dir().unwrap().join("evidence").join(id)
    }
    fn blob_names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.vault.blob_dir().unwrap().join("evidence"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
    fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 13) as u8 ^ seed)
        .collect()
}

fn sha_hex(data: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, data))
}

fn extract(f: &Fixture, id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    f.store().extract_to(id, &mut out).unwrap();
    out
}

fn integrity_text(r: crate::Result<impl std::fmt::Debug>) -> String {
    match r {
        Err(Error::Integrity { what }) => what,
        other => panic!("expected an integrity error, got {other:?}"),
    }
}

#[test]
fn round_trips_byte_for_byte_at_chunk_edges_and_several_mib() {
    let f = fixture();
    for (i, len) in [1, 65_535, 65_536, 65_537, 3 * 1024 * 1024 + 11]
        .into_iter()
        .enumerate()
    {
        let data = pattern(len, i as u8);
        let item = f
            .store()
            .add_reader(&mut &data[..], NewEvidence::new(CaptureMethod::Import))
            .unwrap();
        assert_eq!(item.size, len as u64);
        assert_eq!(item.sha256, sha_hex(&data));
        assert!(extract(&f, &item.id) == data, "extract differs at {len}");
        let on_disk = std::fs::metadata(f.blob(&item.id)).unwrap().len();
        assert_eq!(on_disk, (len + len.div_ceil(CHUNK_SIZE) * 16) as u64);
        // The same through a file on disk, and a path extract.
        let out = f.out(&format!("out-{len}"));
        f.store().extract_to_path(&item.id[..8], &out).unwrap();
        assert!(std::fs::read(&out).unwrap() == data);
    }
    // Chunk-by-chunk capture with awkward piece sizes.
    let data = pattern(200_003, 9);
    let mut w = f
        .store()
        .begin(NewEvidence::new(CaptureMethod::Audio))
        .unwrap();
    for piece in data.chunks(4093) {
        w.write_chunk(piece).unwrap();
    }
    let item = w.finish().unwrap();
    assert!(extract(&f, &item.id) == data);
    assert_eq!(f.store().list().unwrap().len(), 6);
    assert_eq!(f.store().verify_all().unwrap().problems, vec![]);
}

#[test]
fn records_media_type_capture_details_and_the_clock_time() {
    let f = fixture();
    let (jpeg, _) = super::strip::tests::revealing_jpeg(false);
    let path = f.out("IMG_0001.renamed.txt");
    std::fs::write(&path, &jpeg).unwrap();
    let mut new = NewEvidence::new(CaptureMethod::Camera);
    new.location = Some(Location {
        lat: 51.5,
        lon: -0.12,
        accuracy_m: Some(8.0),
    });
    let item = f.store().add_file(&path, new).unwrap();
    assert_eq!(
        item.media_type, "image/jpeg",
        "sniffed from content, not the name"
    );
    assert_eq!(item.how, CaptureMethod::Camera);
    assert_eq!(item.captured_at, f.clock.now());
    assert_eq!(item.original_name.as_deref(), Some("IMG_0001.renamed.txt"));
    assert_eq!(f.store().get(&item.id).unwrap(), item);
    let listed = f.store().list().unwrap();
    assert_eq!(listed, vec![item]);

    let unknown = f
        .store()
        .add_reader(
            &mut &[0u8, 1, 2, 3, 0xfe][..],
            NewEvidence::new(CaptureMethod::Document),
        )
        .unwrap();
    assert_eq!(unknown.media_type, "application/octet-stream");
    assert!(unknown.media().note().is_some());
}

#[test]
fn bad_input_gives_clear_errors_and_leaves_nothing_behind() {
    let f = fixture();
    let s = f.store();
    let empty = f.out("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        s.add_file(&empty, NewEvidence::new(CaptureMethod::Import)),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        s.add_file(&f.out("gone.jpg"), NewEvidence::new(CaptureMethod::Import)),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        s.add_file(f.dir.path(), NewEvidence::new(CaptureMethod::Import)),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        s.add_reader(&mut io::empty(), NewEvidence::new(CaptureMethod::Import)),
        Err(Error::InvalidInput { .. })
    ));
    let mut bad_place = NewEvidence::new(CaptureMethod::Camera);
    bad_place.location = Some(Location {
        lat: 95.0,
        lon: 0.0,
        accuracy_m: None,
    });
    assert!(matches!(
        s.begin(bad_place),
        Err(Error::InvalidInput { .. })
    ));

    // A source that fails half-way (a file removed from a memory card mid-read).
    struct Vanishing(usize);
    impl Read for Vanishing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::new(io::ErrorKind::NotFound, "gone"));
            }
            let n = buf.len().min(self.0);
            buf[..n].fill(0x42);
            self.0 -= n;
            Ok(n)
        }
    }
    let r = s.add_reader(
        &mut Vanishing(300_000),
        NewEvidence::new(CaptureMethod::Import),
    );
    assert!(matches!(r, Err(Error::Storage { .. })), "{r:?}");

    // Aborted and dropped captures vanish too.
    let mut w = s.begin(NewEvidence::new(CaptureMethod::Camera)).unwrap();
    w.write_chunk(&pattern(100_000, 1)).unwrap();
    w.abort().unwrap();
    let mut w = s.begin(NewEvidence::new(CaptureMethod::Camera)).unwrap();
    w.write_chunk(&pattern(100_000, 1)).unwrap();
    drop(w);

    assert!(s.list().unwrap().is_empty());
    assert!(f.blob_names().is_empty(), "{:?}", f.blob_names());
    assert!(matches!(s.get("abcd1234"), Err(Error::NotFound { .. })));
    assert!(matches!(s.get("zz"), Err(Error::InvalidInput { .. })));
    // Extract never overwrites.
    let item = s
        .add_reader(
            &mut &b"hello"[..],
            NewEvidence::new(CaptureMethod::Document),
        )
        .unwrap();
    std::fs::write(f.out("taken"), b"keep me").unwrap();
    assert!(matches!(
        s.extract_to_path(&item.id, &f.out("taken")),
        Err(Error::InvalidInput { .. })
    ));
    assert_eq!(std::fs::read(f.out("taken")).unwrap(), b"keep me");
}

#[test]
fn every_tampering_is_detected_and_names_the_item() {
    let f = fixture();
    let s = f.store();
    let add = |seed| {
        s.add_reader(
            &mut &pattern(3 * CHUNK_SIZE + 77, seed)[..],
            NewEvidence::new(CaptureMethod::Import),
        )
        .unwrap()
    };
    let original = std::fs::read;
    type Tamper = fn(&mut Vec<u8>);
    let cases: Vec<(&str, Tamper)> = vec![
        ("flip a bit", |b| b[70_000] ^= 0x10),
        ("cut at a chunk boundary", |b| {
            b.truncate(2 * SEALED_CHUNK_SIZE)
        }),
        ("cut mid-chunk", |b| b.truncate(2 * SEALED_CHUNK_SIZE + 99)),
        ("drop the last chunk", |b| b.truncate(3 * SEALED_CHUNK_SIZE)),
        ("append bytes", |b| b.extend_from_slice(&[0; 32])),
        ("reorder chunks", |b| {
            let (a, rest) = b.split_at_mut(SEALED_CHUNK_SIZE);
            a.swap_with_slice(&mut rest[..SEALED_CHUNK_SIZE]);
        }),
        ("empty the file", |b| b.clear()),
    ];
    for (name, tamper) in cases {
        let good = add(1);
        let bad = add(2);
        let mut bytes = original(f.blob(&bad.id)).unwrap();
        tamper(&mut bytes);
        std::fs::write(f.blob(&bad.id), &bytes).unwrap();
        let what = integrity_text(s.verify(&bad.id));
        assert!(what.contains(bad.short_id()), "{name}: {what}");
        let report = s.verify_all().unwrap();
        assert_eq!(report.problems.len(), 1, "{name}: {report:?}");
        assert_eq!(report.problems[0].id, bad.id, "{name}");
        s.verify(&good.id).unwrap();
        assert!(matches!(
            s.extract_to(&bad.id, &mut io::sink()),
            Err(Error::Integrity { .. })
        ));
        s.delete(&bad.id).unwrap();
        s.delete(&good.id).unwrap();
    }

    // Two files swapped on disk: each opens under the other's id only if ids were not bound.
    let a = add(3);
    let b = add(4);
    let tmp = f.blob("swap");
    std::fs::rename(f.blob(&a.id), &tmp).unwrap();
    std::fs::rename(f.blob(&b.id), f.blob(&a.id)).unwrap();
    std::fs::rename(&tmp, f.blob(&b.id)).unwrap();
    let mut named: Vec<String> = s
        .verify_all()
        .unwrap()
        .problems
        .into_iter()
        .map(|p| p.id)
        .collect();
    named.sort();
    let mut want = vec![a.id.clone(), b.id.clone()];
    want.sort();
    assert_eq!(named, want);

    // A missing file.
    let c = add(5);
    std::fs::remove_file(f.blob(&c.id)).unwrap();
    assert!(integrity_text(s.verify(&c.id)).contains("missing"));
}

#[test]
fn a_changed_record_or_log_entry_is_detected() {
    let f = fixture();
    let s = f.store();
    let item = s
        .add_reader(
            &mut &pattern(5000, 1)[..],
            NewEvidence::new(CaptureMethod::Import),
        )
        .unwrap();
    // The stored fingerprint edited to match some other content.
    f.vault
        .write(|tx| {
            tx.conn().execute(
                "UPDATE evidence_items SET sha256 = ?1 WHERE id = ?2",
                [sha_hex(b"other"), item.id.clone()],
            )?;
            Ok(())
        })
        .unwrap();
    assert!(integrity_text(s.verify(&item.id)).contains(item.short_id()));
    // A wrapped key from another item does not open this one (its id is bound).
    let other = s
        .add_reader(
            &mut &pattern(5000, 2)[..],
            NewEvidence::new(CaptureMethod::Import),
        )
        .unwrap();
    f.vault
        .write(|tx| {
            tx.conn().execute(
                "UPDATE evidence_items SET wrapped_key = (SELECT wrapped_key FROM evidence_items WHERE id = ?1) WHERE id = ?2",
                [item.id.clone(), other.id.clone()],
            )?;
            Ok(())
        })
        .unwrap();
    assert!(integrity_text(s.verify(&other.id)).contains("key"));
}

#[test]
fn quick_capture_then_attach_is_in_the_signed_log_with_the_hash() {
    let f = fixture();
    let s = f.store();
    let log = IncidentLog::new(&f.vault);
    let item = s
        .add_reader(
            &mut &b"voicemail bytes"[..],
            NewEvidence::new(CaptureMethod::Audio),
        )
        .unwrap();
    assert!(item.incidents.is_empty());
    f.clock.advance(chrono::Duration::hours(2));
    let incident = log
        .record(NewIncident::new(
            IncidentKind::UnwantedContact,
            Occurred::at(f.clock.now()),
            "left a voicemail",
        ))
        .unwrap();
    let attached = s.attach(&item.id[..8], &incident.id[..8]).unwrap();
    assert_eq!(attached.incidents, vec![incident.id.clone()]);
    assert_eq!(
        s.for_incident(&incident.id).unwrap(),
        vec![attached.clone()]
    );
    assert!(matches!(
        s.attach(&item.id, &incident.id),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        s.attach(&item.id, "ffffffff"),
        Err(Error::NotFound { .. })
    ));

    let entries = log.entries().unwrap();
    let bodies: Vec<_> = entries.iter().filter_map(|e| e.parsed().unwrap()).collect();
    let add = bodies.iter().find(|b| b.entry_type == ENTRY_ADD).unwrap();
    assert_eq!(add.subject.as_deref(), Some(item.id.as_str()));
    assert_eq!(add.payload["sha256"], item.sha256);
    let att = bodies
        .iter()
        .find(|b| b.entry_type == ENTRY_ATTACH)
        .unwrap();
    assert_eq!(att.payload["sha256"], item.sha256);
    assert_eq!(att.payload["incident_id"], incident.id);
    let head = log.tree_head().unwrap();
    assert_eq!(head.size, entries.len() as u64);
    assert!(head.signature_is_valid());
    log.verify().unwrap();
    assert_eq!(s.verify_all().unwrap().problems, vec![]);
}

/// Every file under the vault folder, read whole.
fn all_vault_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
fn no_plaintext_marker_reaches_any_file_in_the_vault() {
    let f = fixture();
    let s = f.store();
    let marker = b"WAYMARK-MARKER-7f3a9c";
    let mut data = pattern(300_000, 3);
    for at in [0, 65_530, 150_000, 299_000] {
        data[at..at + marker.len()].copy_from_slice(marker);
    }
    let path = f.out("WAYMARK-MARKER-7f3a9c.txt");
    std::fs::write(&path, &data).unwrap();
    let a = s
        .add_file(&path, NewEvidence::new(CaptureMethod::Document))
        .unwrap();
    let text = b"He said WAYMARK-MARKER-7f3a9c again".repeat(100);
    let b = s
        .add_reader(&mut &text[..], NewEvidence::new(CaptureMethod::Screenshot))
        .unwrap();
    let (jpeg, _) = super::strip::tests::revealing_jpeg(false);
    let mut jpeg_marked = jpeg.clone();
    jpeg_marked.extend_from_slice(marker);
    let c = s
        .add_reader(
            &mut &jpeg_marked[..],
            NewEvidence::new(CaptureMethod::Camera),
        )
        .unwrap();
    s.share_copy(&c.id, &f.out("shared.jpg")).unwrap();
    s.delete(&b.id).unwrap();
    assert_eq!(extract(&f, &a.id), data);
    f.vault.checkpoint().unwrap();
    let files = all_vault_bytes(&f.dir.path().join("vault"));
    assert!(files.len() >= 4);
    for (p, bytes) in files {
        for needle in [&marker[..], b"OWNER NAME", b"SERIAL-XYZ"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "plaintext found in {}",
                p.display()
            );
        }
    }
}

#[test]
fn leftovers_of_a_crash_are_invisible_and_swept() {
    let f = fixture();
    let s = f.store();
    let item = s
        .add_reader(&mut &b"kept"[..], NewEvidence::new(CaptureMethod::Import))
        .unwrap();
    let dir = f.vault.blob_dir().unwrap().join("evidence");
    // What a killed process leaves: an unlocked half-written temp file and a renamed but
    // uncommitted file.
    std::fs::write(
        dir.join(".incoming-deadbeefdeadbeefdeadbeef"),
        pattern(70_000, 1),
    )
    .unwrap();
    let orphan =
        super::store::new_id(&*f.vault.subkey(super::store::OWNER_LABEL).unwrap()).unwrap();
    std::fs::write(dir.join(&orphan), pattern(70_000, 2)).unwrap();
    // The other store's files share the folder: a name this store did not make is never swept.
    let other = "0123456789abcdef0123456789abcdef";
    std::fs::write(dir.join(other), pattern(70_000, 3)).unwrap();
    // A capture in progress right now must survive the sweep.
    let mut live = s.begin(NewEvidence::new(CaptureMethod::Camera)).unwrap();
    live.write_chunk(b"in progress").unwrap();
    assert_eq!(s.list().unwrap().len(), 1);
    let report = s.verify_all().unwrap();
    assert_eq!(report.checked, 1);
    assert!(report.problems.is_empty());
    let names = f.blob_names();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&item.id));
    assert!(!names.contains(&orphan));
    assert!(names.iter().any(|n| n.starts_with(".incoming-")));
    let live_item = live.finish().unwrap();
    assert_eq!(extract(&f, &live_item.id), b"in progress");
    let mut names = f.blob_names();
    names.sort();
    let mut want = vec![item.id, live_item.id, other.to_string()];
    want.sort();
    assert_eq!(names, want);
}

#[test]
fn sharing_copy_loses_location_and_serials_and_is_recorded_as_derived() {
    let f = fixture();
    let s = f.store();
    let (jpeg, _) = super::strip::tests::revealing_jpeg(true);
    let original = s
        .add_reader(&mut &jpeg[..], NewEvidence::new(CaptureMethod::Camera))
        .unwrap();
    let out = f.out("to-share.jpg");
    let copy = s.share_copy(&original.id[..8], &out).unwrap();
    let shared = std::fs::read(&out).unwrap();

    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&shared))
        .unwrap();
    for field in exif.fields() {
        assert!(
            !matches!(
                field.tag,
                exif::Tag::GPSLatitude
                    | exif::Tag::GPSLongitude
                    | exif::Tag::BodySerialNumber
                    | exif::Tag::LensSerialNumber
            ),
            "{:?} survived",
            field.tag
        );
    }
    assert!(copy.report.removed.contains(&strip::Removed::Location));
    // The original is untouched and still verifies with the same fingerprint.
    assert_eq!(extract(&f, &original.id), jpeg);
    assert_eq!(s.verify(&original.id).unwrap().sha256, sha_hex(&jpeg));
    // The copy is kept as its own item, derived from the original.
    assert_eq!(copy.item.sha256, sha_hex(&shared));
    let d = copy.item.derived_from.clone().unwrap();
    assert_eq!(
        (
            d.from_id.as_str(),
            d.from_sha256.as_str(),
            d.method.as_str()
        ),
        (
            original.id.as_str(),
            original.sha256.as_str(),
            STRIP_METADATA
        )
    );
    assert_eq!(extract(&f, &copy.item.id), shared);
    let log = IncidentLog::new(&f.vault);
    let derive = log
        .entries()
        .unwrap()
        .iter()
        .filter_map(|e| e.parsed().unwrap())
        .find(|b| b.entry_type == ENTRY_DERIVE)
        .unwrap();
    assert_eq!(derive.payload["from_sha256"], original.sha256);
    assert_eq!(derive.payload["sha256"], copy.item.sha256);
    assert_eq!(derive.payload["method"], STRIP_METADATA);
    assert_eq!(s.verify_all().unwrap().problems, vec![]);

    // Not a picture: a clear refusal, nothing written.
    let text = s
        .add_reader(
            &mut &b"just words"[..],
            NewEvidence::new(CaptureMethod::Document),
        )
        .unwrap();
    assert!(matches!(
        s.share_copy(&text.id, &f.out("no.txt")),
        Err(Error::InvalidInput { .. })
    ));
    assert!(!f.out("no.txt").exists());
    // A tampered original: no copy appears and no derived item is kept.
    let before = s.list().unwrap().len();
    let mut bytes = std::fs::read(f.blob(&original.id)).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(f.blob(&original.id), &bytes).unwrap();
    let what = integrity_text(s.share_copy(&original.id, &f.out("bad.jpg")));
    assert!(what.contains(original.short_id()));
    assert!(!f.out("bad.jpg").exists());
    assert_eq!(s.list().unwrap().len(), before);
}

#[test]
fn delete_shreds_the_key_then_the_file_and_leaves_a_redact_entry() {
    let f = fixture();
    let s = f.store();
    let log = IncidentLog::new(&f.vault);
    let incident = log
        .record(NewIncident::new(
            IncidentKind::GiftsLeft,
            Occurred::at(f.clock.now()),
            "flowers",
        ))
        .unwrap();
    let keep = s
        .add_reader(&mut &b"keep"[..], NewEvidence::new(CaptureMethod::Camera))
        .unwrap();
    let mut new = NewEvidence::new(CaptureMethod::Camera);
    new.original_name = Some("front door.jpg".into());
    let gone = s.add_reader(&mut &pattern(100_000, 7)[..], new).unwrap();
    s.attach(&gone.id, &incident.id).unwrap();
    s.delete(&gone.id[..8]).unwrap();

    assert!(!f.blob(&gone.id).exists());
    assert!(matches!(s.get(&gone.id), Err(Error::NotFound { .. })));
    assert!(matches!(
        s.extract_to(&gone.id, &mut io::sink()),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(s.delete(&gone.id), Err(Error::NotFound { .. })));
    assert_eq!(s.list().unwrap(), vec![keep]);
    let about: Vec<_> = log
        .entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.subject.as_deref() == Some(gone.id.as_str()))
        .collect();
    assert_eq!(about.len(), 3, "add, attach, redact");
    assert!(
        about[..2].iter().all(|e| e.body.is_none()),
        "earlier bodies dropped, hashes kept"
    );
    assert_eq!(about[2].entry_type, ENTRY_REDACT);
    log.verify().unwrap();
    assert_eq!(s.verify_all().unwrap().problems, vec![]);
    let files = all_vault_bytes(&f.dir.path().join("vault"));
    for (p, bytes) in files {
        assert!(
            !bytes.windows(10).any(|w| w == b"front door"),
            "{}",
            p.display()
        );
    }
}

#[test]
fn a_locked_vault_refuses_everything() {
    let f = fixture();
    let item = f
        .store()
        .add_reader(&mut &b"x1"[..], NewEvidence::new(CaptureMethod::Import))
        .unwrap();
    f.vault.lock();
    let s = f.store();
    assert!(matches!(s.list(), Err(Error::Locked)));
    assert!(matches!(
        s.extract_to(&item.id, &mut io::sink()),
        Err(Error::Locked)
    ));
    assert!(matches!(
        s.begin(NewEvidence::new(CaptureMethod::Import)),
        Err(Error::Locked)
    ));

    // Locked in the middle of a capture: nothing is kept, nothing is left behind.
    f.vault.unlock("246810").unwrap();
    let mut w = f
        .store()
        .begin(NewEvidence::new(CaptureMethod::Camera))
        .unwrap();
    w.write_chunk(&pattern(70_000, 4)).unwrap();
    f.vault.lock();
    assert!(matches!(w.finish(), Err(Error::Locked)));
    f.vault.unlock("246810").unwrap();
    assert_eq!(f.blob_names(), vec![item.id.clone()]);
    assert_eq!(f.store().list().unwrap().len(), 1);
}
