//! Writes the seed corpus (`fuzz/corpus/*`) from real Waymark output, so the seeds are what the
//! app really reads: run `cargo test -p waymark-fuzz --test seeds -- --ignored` to regenerate.
//! Ignored by default: the seeds are committed, and regenerating changes random keys and ids.

use chrono::{TimeZone, Utc};
use std::path::Path;
use std::sync::Arc;
use waymark_core::evidence::{CaptureMethod, EvidenceStore, NewEvidence};
use waymark_core::log::{IncidentKind, IncidentLog, NewIncident, Occurred};
use waymark_core::report::receipt::receipt_text;
use waymark_core::safety::checkin::{Buddy, CheckIn, Expect, Plan};
use waymark_core::vault::{CreateOptions, Vault};
use waymark_core::ManualClock;

fn put(target: &str, name: &str, bytes: &[u8]) {
    let dir = waymark_fuzz::corpus_dir(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in kind.iter().chain(data) {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                0xEDB8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
        }
    }
    let mut v = (data.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(data);
    v.extend_from_slice(&(!crc).to_be_bytes());
    v
}

/// A 2x2 grey PNG with a zlib "stored" IDAT.
fn tiny_png(extra: &[Vec<u8>]) -> Vec<u8> {
    let raw = [0u8, 10, 20, 0, 30, 40];
    let mut z = vec![
        0x78,
        0x01,
        0x01,
        raw.len() as u8,
        0,
        !(raw.len() as u8),
        0xFF,
    ];
    z.extend_from_slice(&raw);
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
    p.extend(png_chunk(b"IHDR", &[0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0]));
    for c in extra {
        p.extend_from_slice(c);
    }
    p.extend(png_chunk(b"IDAT", &z));
    p.extend(png_chunk(b"IEND", &[]));
    p
}

fn tiny_jpeg(w: u16, h: u16) -> Vec<u8> {
    let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h) * 3)
        .map(|i| (i as u8).wrapping_mul(37))
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

fn pictures() {
    let jpeg = tiny_jpeg(8, 8);
    put("strip", "plain.jpg", &jpeg);
    let mut meta = vec![0xFF, 0xD8];
    meta.extend(segment(
        0xE1,
        b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0",
    ));
    meta.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01profile"));
    meta.extend(segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01"));
    meta.extend(segment(0xFE, b"a comment"));
    meta.extend(segment(0xF0, b"extension"));
    meta.extend_from_slice(&jpeg[2..]);
    meta.extend_from_slice(b"trailer");
    put("strip", "metadata.jpg", &meta);
    let mut progressive = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut progressive, 70);
    enc.set_progressive(true);
    enc.set_restart_interval(2);
    enc.encode(&[200u8; 16 * 8 * 3], 16, 8, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    put("strip", "progressive-restart.jpg", &progressive);
    put("strip", "plain.png", &tiny_png(&[]));
    put(
        "strip",
        "chunks.png",
        &tiny_png(&[
            png_chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]),
            png_chunk(b"tEXt", b"Author\0someone"),
            png_chunk(b"iCCP", b"name\0\0\x78\x01"),
            png_chunk(b"eXIf", b"MM\0*\0\0\0\x08\0\0\0\0\0\0"),
            png_chunk(b"tRNS", &[0, 5]),
        ]),
    );
    put("strip", "text.txt", b"hello, this is plain text\n");
    put("strip", "mp4.bin", b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom");
}

fn times() {
    for (i, t) in [
        "now",
        "2 hours ago",
        "yesterday 18:30",
        "today 9am",
        "18:30",
        "2026-11-20 18:30",
        "2026-11-20T18:30:00+01:00",
        "12:05pm",
        "3 weeks ago",
    ]
    .iter()
    .enumerate()
    {
        put("when", &format!("seed-{i}"), t.as_bytes());
    }
}

#[test]
#[ignore]
fn write_seed_corpus() {
    pictures();
    times();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(now));
    let (vault, _) =
        Vault::create(&dir, "246810", CreateOptions::for_tests(clock.clone())).unwrap();
    put(
        "key_file",
        "vault.keys",
        &std::fs::read(dir.join("vault.keys")).unwrap(),
    );

    // Check-ins as the armed file holds them: the sealed file, and payloads in the clear.
    let buddy = Buddy {
        contact_id: "c1".into(),
        name: "Sam".into(),
        phone: "+447700900123".into(),
    };
    let mut c = CheckIn::new(
        "ck1",
        Plan::new("the gym", Expect::WithinMinutes(45), vec![buddy]),
        now,
    )
    .unwrap();
    c.start(now).unwrap();
    let armed = |cs: &[&CheckIn]| {
        serde_json::to_vec(&serde_json::json!({ "v": 1, "checkins": cs })).unwrap()
    };
    put("armed_file", "running.json", &armed(&[&c]));
    let _ = c.tick(now + chrono::Duration::minutes(70));
    put("armed_file", "alerting.json", &armed(&[&c]));
    put("armed_file", "empty", b"");
    put(
        "armed_file",
        "sealed",
        &std::fs::read(dir.join("checkin.armed")).unwrap(),
    );

    // A log, its receipt, and bundles (folder and ZIP) with a photo.
    let log = IncidentLog::new(&vault);
    let mut ids = vec![];
    for (i, kind) in [IncidentKind::Followed, IncidentKind::GiftsLeft]
        .into_iter()
        .enumerate()
    {
        let at = now - chrono::Duration::days(3 - i as i64);
        ids.push(
            log.record(NewIncident::new(
                kind,
                Occurred::at(at),
                "seen at the station",
            ))
            .unwrap()
            .id,
        );
    }
    put(
        "receipt",
        "receipt.txt",
        receipt_text(&log.tree_head().unwrap()).as_bytes(),
    );
    put(
        "receipt",
        "quoted.txt",
        receipt_text(&log.tree_head().unwrap())
            .lines()
            .map(|l| format!("> {l}\n"))
            .collect::<String>()
            .as_bytes(),
    );
    let store = EvidenceStore::new(&vault);
    let item = store
        .add_reader(
            &mut tiny_png(&[]).as_slice(),
            NewEvidence::new(CaptureMethod::Camera),
        )
        .unwrap();
    store.attach(&item.id, &ids[0]).unwrap();
    let zip = tmp.path().join("bundle.zip");
    waymark_core::report::export_bundle(&vault, &ids[..1], Some("PC Jones"), &zip, &store).unwrap();
    put("bundle_zip", "bundle.zip", &std::fs::read(&zip).unwrap());
    let folder = tmp.path().join("bundle");
    waymark_core::report::export_bundle(&vault, &ids[..1], None, &folder, &store).unwrap();
    // The folder target's input format: name line, length line, bytes; for every file.
    let mut packed = Vec::new();
    let mut files = vec![];
    walk(&folder, &folder, &mut files);
    files.sort();
    for (name, bytes) in files {
        packed.extend_from_slice(format!("{name}\n{}\n", bytes.len()).as_bytes());
        packed.extend_from_slice(&bytes);
    }
    put("bundle_dir", "bundle", &packed);
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            let name = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            out.push((name, std::fs::read(&p).unwrap()));
        }
    }
}
