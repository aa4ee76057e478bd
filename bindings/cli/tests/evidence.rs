//! Evidence through the real binary: capture, attach, list, extract, verify (exit 2 on
//! tampering), sharing copies, delete, clear errors, and SIGKILL in the middle of an ingest.

use serde_json::Value;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use waymark_test_support::cli::*;
use waymark_test_support::PIN;

fn items(dir: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&ok(dir, &["evidence", "list", "--json"])).unwrap();
    v.as_array().unwrap().clone()
}

fn evidence_dir(vault: &Path) -> PathBuf {
    // One folder for the evidence of both stores (real and decoy).
    let p = vault.join("files").join("evidence");
    assert!(p.is_dir(), "no evidence folder");
    p
}

#[test]
fn capture_attach_extract_verify_tamper_delete() {
    let (t, dir) = new_vault();
    let photo = t.path().join("holiday.jpg");
    let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&photo, &data).unwrap();
    let note = t.path().join("letter.txt");
    std::fs::write(&note, "I know where you live.\n").unwrap();

    let out = ok(
        &dir,
        &["capture", photo.to_str().unwrap(), "--how", "camera"],
    );
    assert!(out.contains("Kept"), "{out}");
    let incident: Value = serde_json::from_str(&ok(
        &dir,
        &["log", "gifts-left", "a letter on the doormat", "--json"],
    ))
    .unwrap();
    let inc = incident["id"].as_str().unwrap();
    let attached: Value = serde_json::from_str(&ok(
        &dir,
        &[
            "attach",
            &inc[..8],
            note.to_str().unwrap(),
            "--how",
            "document",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(attached[0]["incidents"][0], inc);
    assert_eq!(attached[0]["media_type"], "text/plain; charset=utf-8");

    let listed = items(&dir);
    assert_eq!(listed.len(), 2);
    let photo_item = listed.iter().find(|i| i["size"] == 200_000).unwrap();
    assert_eq!(photo_item["how"], "camera");
    assert_eq!(photo_item["original_name"], "holiday.jpg");
    assert_eq!(
        photo_item["media_type"], "application/octet-stream",
        "content, not the name, decides"
    );
    let id = photo_item["id"].as_str().unwrap().to_string();

    // Quick capture first, attach later.
    ok(&dir, &["evidence", "link", &id[..8], &inc[..8]]);
    let text = ok(&dir, &["evidence", "list"]);
    assert!(
        text.contains(&id[..8]) && text.contains("with incident"),
        "{text}"
    );

    let back = t.path().join("back.jpg");
    ok(
        &dir,
        &["evidence", "extract", &id[..8], back.to_str().unwrap()],
    );
    assert!(std::fs::read(&back).unwrap() == data);
    ok(&dir, &["evidence", "verify"]);
    ok(&dir, &["evidence", "verify", &id[..8]]);

    // Tamper with the stored file: exit 2, the item named, nothing extracted.
    let blob = evidence_dir(&dir).join(&id);
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[100_000] ^= 0x40;
    std::fs::write(&blob, &bytes).unwrap();
    let err = assert_clean_failure(&run(&dir, &["evidence", "verify"], &format!("{PIN}\n")), 2);
    assert!(err.contains(&id[..8]), "{err}");
    let err = assert_clean_failure(
        &run(&dir, &["evidence", "verify", &id[..8]], &format!("{PIN}\n")),
        2,
    );
    assert!(err.contains(&id[..8]), "{err}");
    let bad_out = t.path().join("bad.jpg");
    assert_clean_failure(
        &run(
            &dir,
            &["evidence", "extract", &id[..8], bad_out.to_str().unwrap()],
            &format!("{PIN}\n"),
        ),
        2,
    );
    assert!(!bad_out.exists(), "no half-written copy");
    assert!(std::fs::read_dir(t.path()).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".part")));

    // Delete (crypto-shred): the file is gone, the rest verifies, the log still verifies.
    ok(&dir, &["evidence", "delete", &id[..8]]);
    assert!(!blob.exists());
    assert_eq!(items(&dir).len(), 1);
    ok(&dir, &["evidence", "verify"]);
    ok(&dir, &["verify"]);
}

#[test]
fn bad_input_is_refused_with_plain_words() {
    let (t, dir) = new_vault();
    let empty = t.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    let err = assert_clean_failure(
        &run(
            &dir,
            &["capture", empty.to_str().unwrap()],
            &format!("{PIN}\n"),
        ),
        1,
    );
    assert!(err.contains("empty"), "{err}");
    let missing = t.path().join("missing.jpg");
    let err = assert_clean_failure(
        &run(
            &dir,
            &["capture", missing.to_str().unwrap()],
            &format!("{PIN}\n"),
        ),
        1,
    );
    assert!(err.contains("not found"), "{err}");
    let err = assert_clean_failure(
        &run(
            &dir,
            &["capture", t.path().to_str().unwrap(), "--how", "telepathy"],
            &format!("{PIN}\n"),
        ),
        1,
    );
    assert!(err.contains("camera"), "{err}");
    assert_clean_failure(
        &run(
            &dir,
            &["attach", "ffffffff", empty.to_str().unwrap()],
            &format!("{PIN}\n"),
        ),
        1,
    );
    assert_clean_failure(
        &run(
            &dir,
            &["evidence", "extract", "abcdef12", "x"],
            &format!("{PIN}\n"),
        ),
        1,
    );
    assert_clean_failure(
        &run(&dir, &["evidence", "delete", "zz"], &format!("{PIN}\n")),
        1,
    );

    let unknown = t.path().join("blob.dat");
    std::fs::write(&unknown, [0u8, 159, 146, 150, 0, 1]).unwrap();
    let out = ok(&dir, &["capture", unknown.to_str().unwrap()]);
    assert!(out.contains("could not tell what kind of file"), "{out}");
    let id = items(&dir)[0]["id"].as_str().unwrap().to_string();
    let share = t.path().join("share.dat");
    let err = assert_clean_failure(
        &run(
            &dir,
            &["evidence", "share-copy", &id[..8], share.to_str().unwrap()],
            &format!("{PIN}\n"),
        ),
        1,
    );
    assert!(err.contains("JPEG or PNG"), "{err}");
    assert!(!share.exists());
    // Extract never overwrites an existing file.
    let existing = t.path().join("existing");
    std::fs::write(&existing, b"mine").unwrap();
    assert_clean_failure(
        &run(
            &dir,
            &["evidence", "extract", &id[..8], existing.to_str().unwrap()],
            &format!("{PIN}\n"),
        ),
        1,
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"mine");
    // Nothing half-kept by any of the failures.
    assert_eq!(items(&dir).len(), 1);
    assert_eq!(std::fs::read_dir(evidence_dir(&dir)).unwrap().count(), 1);
}

/// A JPEG whose Exif holds a GPS position and a body serial number.
fn jpeg_with_location() -> Vec<u8> {
    use exif::experimental::Writer;
    use exif::{Field, In, Rational, Tag, Value as V};
    let pixels: Vec<u8> = (0..16 * 16 * 3).map(|i| (i * 13 % 256) as u8).collect();
    let mut image = Vec::new();
    jpeg_encoder::Encoder::new(&mut image, 85)
        .encode(&pixels, 16, 16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let fields = [
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: V::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: V::Rational(vec![Rational { num: 51, denom: 1 }; 3]),
        },
        Field {
            tag: Tag::BodySerialNumber,
            ifd_num: In::PRIMARY,
            value: V::Ascii(vec![b"SN-4455".to_vec()]),
        },
    ];
    let mut w = Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    w.write(&mut tiff, false).unwrap();
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff.into_inner());
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE1];
    j.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    j.extend(payload);
    j.extend_from_slice(&image[2..]);
    j
}

#[test]
fn sharing_copy_has_no_location_and_the_original_is_unchanged() {
    let (t, dir) = new_vault();
    let photo = t.path().join("door.jpg");
    let jpeg = jpeg_with_location();
    std::fs::write(&photo, &jpeg).unwrap();
    ok(
        &dir,
        &["capture", photo.to_str().unwrap(), "--how", "camera"],
    );
    let original = items(&dir)[0].clone();
    let id = original["id"].as_str().unwrap();
    let share = t.path().join("door-share.jpg");
    let out = ok(
        &dir,
        &["evidence", "share-copy", &id[..8], share.to_str().unwrap()],
    );
    assert!(out.contains("where the photo was taken"), "{out}");
    let copy = std::fs::read(&share).unwrap();
    let found = exif::Reader::new().read_from_container(&mut Cursor::new(&copy));
    if let Ok(exif) = found {
        for f in exif.fields() {
            assert!(
                !matches!(f.tag, exif::Tag::GPSLatitude | exif::Tag::BodySerialNumber),
                "{:?}",
                f.tag
            );
        }
    }
    assert!(!copy.windows(7).any(|w| w == b"SN-4455"));
    let after = items(&dir);
    assert_eq!(after.len(), 2);
    let still = after.iter().find(|i| i["id"] == original["id"]).unwrap();
    assert_eq!(
        still["sha256"], original["sha256"],
        "the original's fingerprint is unchanged"
    );
    let derived = after.iter().find(|i| i["id"] != original["id"]).unwrap();
    assert_eq!(derived["derived_from"]["from_sha256"], original["sha256"]);
    assert_eq!(derived["derived_from"]["method"], "strip-metadata");
    let back = t.path().join("door-back.jpg");
    ok(
        &dir,
        &["evidence", "extract", &id[..8], back.to_str().unwrap()],
    );
    assert_eq!(std::fs::read(&back).unwrap(), jpeg);
    ok(&dir, &["evidence", "verify"]);
}

#[test]
fn sigkill_during_ingest_leaves_no_partial_item_and_a_vault_that_verifies() {
    let (t, dir) = new_vault();
    let big = t.path().join("video.mp4");
    {
        // 24 MiB: long enough to be killed mid-stream in a debug build.
        let mut f = std::fs::File::create(&big).unwrap();
        let mut block = vec![0u8; 1 << 20];
        for i in 0..24u32 {
            for (j, b) in block.iter_mut().enumerate() {
                *b = (j as u32).wrapping_mul(31).wrapping_add(i) as u8;
            }
            f.write_all(&block).unwrap();
        }
    }
    let source = std::fs::read(&big).unwrap();
    // How long one whole capture takes here, so that kills land inside the ingest.
    let started = Instant::now();
    ok(&dir, &["capture", big.to_str().unwrap()]);
    let whole = started.elapsed().as_micros() as u64;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let (mut killed, mut completed) = (0, 1);
    for _ in 0..12 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(whole / 10 + seed % (whole * 8 / 10));
        let mut child = waymark()
            .args([
                "capture",
                big.to_str().unwrap(),
                "--how",
                "camera",
                "--vault",
            ])
            .arg(&dir)
            .arg("--pin-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PIN}\n").as_bytes());
        let started = Instant::now();
        loop {
            if let Some(s) = child.try_wait().unwrap() {
                assert!(s.success());
                completed += 1;
                break;
            }
            if started.elapsed() >= delay {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                killed += 1;
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        // Whatever is listed is complete and byte-identical; nothing partial is visible.
        for item in items(&dir) {
            assert_eq!(item["size"], source.len() as u64);
            let out = t
                .path()
                .join(format!("check-{}", item["id"].as_str().unwrap()));
            if !out.exists() {
                ok(
                    &dir,
                    &[
                        "evidence",
                        "extract",
                        item["id"].as_str().unwrap(),
                        out.to_str().unwrap(),
                    ],
                );
                assert!(std::fs::read(&out).unwrap() == source);
            }
        }
    }
    assert!(
        killed >= 6,
        "too few kills to mean anything: {killed} killed, {completed} completed"
    );
    ok(&dir, &["evidence", "verify"]);
    ok(&dir, &["verify"]);
    // After verify swept leftovers, the folder holds exactly the listed items.
    let listed = items(&dir).len();
    let files: Vec<String> = std::fs::read_dir(evidence_dir(&dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), listed, "{files:?}");
    eprintln!("{killed} killed, {completed} completed, {listed} listed");
}
