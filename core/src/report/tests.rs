//! Bundles, receipts and the report against a real vault, checked with the standard tools
//! (sha256sum, openssl, pdftotext) when they are installed.

use super::bundle::{verify_bundle, BundleOutput, EvidenceSource, IncidentsFile, Manifest};
use super::keys::Signer;
use super::receipt::{parse_receipt, receipt_text, verify_since};
use super::*;
use crate::clock::{Clock, ManualClock};
use crate::log::{IncidentChanges, IncidentKind, IncidentLog, NewIncident, Occurred};
use crate::vault::{CreateOptions, Vault};
use chrono::{Duration, TimeZone, Utc};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

struct Fixture {
    _dir: tempfile::TempDir,
    out: tempfile::TempDir,
    vault: Vault,
    clock: Arc<ManualClock>,
    ids: Vec<String>,
    evidence: MemoryEvidence,
}

/// Stands in for the evidence store: originals in memory, their SHA-256 in the log.
#[derive(Default)]
struct MemoryEvidence {
    items: HashMap<String, (String, Vec<u8>, Vec<String>)>, // id -> (name, bytes, incidents)
}

impl EvidenceSource for MemoryEvidence {
    fn copy_original(&self, id: &str, out: &mut dyn Write) -> crate::Result<()> {
        let (_, bytes, _) = self
            .items
            .get(id)
            .ok_or_else(|| crate::Error::not_found("evidence"))?;
        Ok(out.write_all(bytes)?)
    }
}

impl EvidenceCatalog for MemoryEvidence {
    fn for_incident(&self, incident_id: &str) -> crate::Result<Vec<CatalogItem>> {
        let mut v: Vec<CatalogItem> = self
            .items
            .iter()
            .filter(|(_, (_, _, incs))| incs.iter().any(|i| i == incident_id))
            .map(|(id, (name, bytes, _))| CatalogItem {
                id: id.clone(),
                name: name.clone(),
                media_type: if name.ends_with(".png") {
                    "image/png".into()
                } else {
                    "application/octet-stream".into()
                },
                sha256_hex: hex::encode(
                    ring::digest::digest(&ring::digest::SHA256, bytes).as_ref(),
                ),
                size: bytes.len() as u64,
            })
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(v)
    }
}

fn setup() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap(),
    ));
    let (vault, _) = Vault::create(
        dir.path(),
        "246810",
        CreateOptions::for_tests(clock.clone()),
    )
    .unwrap();
    let log = IncidentLog::new(&vault);
    let mut ids = vec![];
    for k in 0..5 {
        let at = clock.now() - Duration::days(10 - k);
        let mut n = NewIncident::new(
            IncidentKind::Followed,
            Occurred::at(at),
            format!("SECRET-{k} followed from the station to Café Mörkö"),
        );
        n.attributed_to = Some("Sam".into());
        n.feeling = Some(3);
        ids.push(log.record(n).unwrap().id);
        clock.advance(Duration::minutes(5));
    }
    log.amend(
        &ids[1],
        IncidentChanges {
            feeling: Some(5),
            ..Default::default()
        },
        Some("remembered more".into()),
    )
    .unwrap();
    let mut evidence = MemoryEvidence::default();
    let photo = super::pdf::tests_support::png(320, 200);
    for (n, (id, bytes, incident)) in [
        ("e1e1e1e1", photo, &ids[1]),
        ("e2e2e2e2", b"voice note bytes".to_vec(), &ids[3]),
    ]
    .into_iter()
    .enumerate()
    {
        let sha = hex::encode(ring::digest::digest(&ring::digest::SHA256, &bytes).as_ref());
        vault
            .write(|tx| {
                tx.append_entry(
                    "evidence.add",
                    Some(id),
                    &serde_json::json!({"id": id, "sha256": sha, "size": bytes.len()}),
                )?;
                tx.append_entry(
                    "evidence.attach",
                    Some(id),
                    &serde_json::json!({"evidence_id": id, "incident_id": incident, "sha256": sha}),
                )
            })
            .unwrap();
        let name = if n == 0 { "gate photo.png" } else { "note.m4a" };
        evidence.items.insert(
            id.to_string(),
            (name.to_string(), bytes, vec![incident.clone()]),
        );
    }
    Fixture {
        _dir: dir,
        out: tempfile::tempdir().unwrap(),
        vault,
        clock,
        ids,
        evidence,
    }
}

/// Runs a standard tool; None (with a notice) if it is not installed.
fn tool(dir: &Path, program: &str, args: &[&str]) -> Option<bool> {
    match Command::new(program).args(args).current_dir(dir).output() {
        Ok(o) => Some(o.status.success()),
        Err(_) => {
            eprintln!("NOTICE: {program} is not installed; skipping that check");
            None
        }
    }
}

fn sha256sum_ok(dir: &Path) -> Option<bool> {
    tool(dir, "sha256sum", &["-c", "--quiet", "SHA256SUMS"])
}

fn openssl_ok(dir: &Path) -> Option<bool> {
    tool(
        dir,
        "openssl",
        &[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "signing-key.pem",
            "-rawin",
            "-in",
            "manifest.json",
            "-sigfile",
            "manifest.sig",
        ],
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn selective_bundle(f: &Fixture, name: &str) -> (std::path::PathBuf, BundleSummary) {
    let out = f.out.path().join(name);
    let chosen = vec![f.ids[1].clone(), f.ids[3][..8].to_string()];
    let s = export_bundle(
        &f.vault,
        &chosen,
        Some("PC Jones, Example Police"),
        &out,
        &f.evidence,
    )
    .unwrap();
    (out, s)
}

#[test]
fn selective_bundle_verifies_with_waymark_sha256sum_and_openssl() {
    let f = setup();
    let (out, summary) = selective_bundle(&f, "bundle");
    assert_eq!(summary.format, BundleOutput::Directory);
    let r = verify_bundle(&out).unwrap();
    assert!(r.ok, "{:?}", r.first_failure);
    assert_eq!(r.incidents, 2);
    assert_eq!(r.evidence_files, 2);
    assert_eq!(r.recipient.as_deref(), Some("PC Jones, Example Police"));
    assert_ne!(sha256sum_ok(&out), Some(false), "sha256sum -c must pass");
    assert_ne!(
        openssl_ok(&out),
        Some(false),
        "openssl must verify the manifest signature"
    );

    // Only the chosen incidents are revealed.
    let mut all = String::new();
    for e in walk(&out) {
        all.push_str(&String::from_utf8_lossy(&std::fs::read(e).unwrap()));
    }
    assert!(all.contains("SECRET-1") && all.contains("SECRET-3"));
    for k in [0, 2, 4] {
        assert!(
            !all.contains(&format!("SECRET-{k}")),
            "incident {k} leaked into the bundle"
        );
        assert!(!all.contains(&f.ids[k]), "id of incident {k} leaked");
    }
    // Originals are byte-for-byte.
    let m: Manifest =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let photo = m
        .files
        .iter()
        .find(|f| f.evidence_id.as_deref() == Some("e1e1e1e1"))
        .unwrap();
    assert_eq!(
        std::fs::read(out.join(&photo.path)).unwrap(),
        f.evidence.items["e1e1e1e1"].1
    );
    assert!(photo.path.starts_with("evidence/") && !photo.path.contains(' '));
    // The amendment is in the bundle and replays to the incident shown.
    let inc: IncidentsFile =
        serde_json::from_slice(&std::fs::read(out.join("incidents.json")).unwrap()).unwrap();
    assert_eq!(inc.incidents[0].incident.details.feeling, Some(5));
    assert!(m.entries.iter().any(|e| e.entry_type == "incident.amend"));

    // The export itself is in the log, with the recipient.
    let entries = IncidentLog::new(&f.vault).entries().unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.entry_type, ENTRY_EXPORT_BUNDLE);
    assert_eq!(last.seq, summary.logged_as);
    let body = last.parsed().unwrap().unwrap();
    assert_eq!(body.payload["recipient"], "PC Jones, Example Police");
    assert_eq!(body.payload["incidents"].as_array().unwrap().len(), 2);
    // and the log still verifies after the export entry.
    IncidentLog::new(&f.vault).verify().unwrap();
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn zip_bundle_verifies_and_unpacks_to_a_checkable_folder() {
    let f = setup();
    let (out, summary) = selective_bundle(&f, "bundle.zip");
    assert_eq!(summary.format, BundleOutput::Zip);
    let r = verify_bundle(&out).unwrap();
    assert!(r.ok, "{:?}", r.first_failure);
    let dir = f.out.path().join("unzipped");
    zip::ZipArchive::new(std::fs::File::open(&out).unwrap())
        .unwrap()
        .extract(&dir)
        .unwrap();
    assert_ne!(sha256sum_ok(&dir), Some(false));
    assert_ne!(openssl_ok(&dir), Some(false));
    assert!(verify_bundle(&dir).unwrap().ok);
    // Refuses to overwrite.
    assert!(export_bundle(&f.vault, &[], None, &out, &f.evidence).is_err());
}

/// Applies `tamper` to a fresh copy of a good bundle and returns (verify's first failure,
/// sha256sum ok?, openssl ok?).
fn tampered(
    f: &Fixture,
    good: &Path,
    name: &str,
    tamper: impl FnOnce(&Path),
) -> (String, Option<bool>, Option<bool>) {
    let copy = f.out.path().join(name);
    copy_dir(good, &copy);
    tamper(&copy);
    let r = verify_bundle(&copy).unwrap();
    assert!(!r.ok, "{name}: tampering was not detected");
    (
        r.first_failure.unwrap(),
        sha256sum_ok(&copy),
        openssl_ok(&copy),
    )
}

fn edit_manifest(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let p = dir.join("manifest.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    edit(&mut v);
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap();
    bytes.push(b'\n');
    std::fs::write(p, bytes).unwrap();
}

/// An attacker who could sign (they cannot: the key is in the vault) and fixes SHA256SUMS.
fn resign_and_resum(f: &Fixture, dir: &Path) {
    let manifest = std::fs::read(dir.join("manifest.json")).unwrap();
    std::fs::write(
        dir.join("manifest.sig"),
        Signer::sign(&f.vault, &manifest).unwrap(),
    )
    .unwrap();
    let mut sums = String::new();
    let mut files: Vec<String> = walk(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .filter(|p| p != "SHA256SUMS")
        .collect();
    files.sort();
    for p in files {
        let sha = hex::encode(
            ring::digest::digest(&ring::digest::SHA256, &std::fs::read(dir.join(&p)).unwrap())
                .as_ref(),
        );
        sums.push_str(&format!("{sha}  {p}\n"));
    }
    std::fs::write(dir.join("SHA256SUMS"), sums).unwrap();
}

#[test]
fn tampered_bundles_fail_verify_and_the_standard_tools() {
    let f = setup();
    let (good, _) = selective_bundle(&f, "good");
    let m: Manifest =
        serde_json::from_slice(&std::fs::read(good.join("manifest.json")).unwrap()).unwrap();
    let photo = m
        .files
        .iter()
        .find(|f| f.evidence_id.is_some())
        .unwrap()
        .path
        .clone();

    // 1. A changed evidence file.
    let (why, sums, _) = tampered(&f, &good, "changed-file", |d| {
        let p = d.join(&photo);
        let mut b = std::fs::read(&p).unwrap();
        let last = b.len() - 1;
        b[last] ^= 1;
        std::fs::write(p, b).unwrap();
    });
    assert!(
        why.contains("file fingerprints") && why.contains(&photo),
        "{why}"
    );
    assert_ne!(sums, Some(true), "sha256sum must fail");

    // 2. A changed manifest (a later time written into it).
    let (why, _, ossl) = tampered(&f, &good, "changed-manifest", |d| {
        edit_manifest(d, |v| {
            v["created_at"] = serde_json::json!("2020-01-01T00:00:00Z")
        });
    });
    assert!(why.contains("manifest signature"), "{why}");
    assert_ne!(ossl, Some(true), "openssl must fail");

    // 3. An incident removed from incidents.json.
    let (why, sums, _) = tampered(&f, &good, "removed-incident", |d| {
        let p = d.join("incidents.json");
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        v["incidents"].as_array_mut().unwrap().remove(0);
        std::fs::write(p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    });
    assert!(why.contains("incidents.json"), "{why}");
    assert_ne!(sums, Some(true));
    // ...and removed from the manifest too: the signature breaks.
    let (why, _, ossl) = tampered(&f, &good, "removed-incident-2", |d| {
        edit_manifest(d, |v| {
            v["incidents"].as_array_mut().unwrap().remove(0);
        });
    });
    assert!(why.contains("manifest signature"), "{why}");
    assert_ne!(ossl, Some(true));

    // 4. A reordered inclusion proof.
    let reorder = |v: &mut serde_json::Value| {
        let proof = v["entries"][0]["inclusion_proof"].as_array_mut().unwrap();
        assert!(proof.len() >= 2);
        proof.swap(0, 1);
    };
    let (why, _, ossl) = tampered(&f, &good, "reordered-proof", |d| edit_manifest(d, reorder));
    assert!(why.contains("manifest signature"), "{why}");
    assert_ne!(ossl, Some(true));
    // Even someone holding the key cannot make a reordered proof pass.
    let (why, sums, ossl) = tampered(&f, &good, "reordered-proof-resigned", |d| {
        edit_manifest(d, reorder);
        resign_and_resum(&f, d);
    });
    assert!(
        why.contains("inclusion proofs") && why.contains("not proven"),
        "{why}"
    );
    assert_ne!(sums, Some(false));
    assert_ne!(ossl, Some(false));
    // ...nor an incident whose text differs from its log entries.
    let (why, _, _) = tampered(&f, &good, "rewritten-incident-resigned", |d| {
        let p = d.join("incidents.json");
        let text = std::fs::read_to_string(&p)
            .unwrap()
            .replace("SECRET-1", "SECRET-9");
        std::fs::write(&p, text).unwrap();
        let sha = hex::encode(
            ring::digest::digest(&ring::digest::SHA256, &std::fs::read(&p).unwrap()).as_ref(),
        );
        let size = std::fs::metadata(&p).unwrap().len();
        edit_manifest(d, |v| {
            for file in v["files"].as_array_mut().unwrap() {
                if file["path"] == "incidents.json" {
                    file["sha256"] = serde_json::json!(sha);
                    file["size"] = serde_json::json!(size);
                }
            }
        });
        resign_and_resum(&f, d);
    });
    assert!(why.contains("differs from its log entries"), "{why}");

    // 5. An extra file slipped in.
    let (why, _, _) = tampered(&f, &good, "extra-file", |d| {
        std::fs::write(d.join("evidence/extra.jpg"), b"x").unwrap()
    });
    assert!(why.contains("extra.jpg"), "{why}");

    // 6. A missing signature.
    let (why, _, _) = tampered(&f, &good, "no-sig", |d| {
        std::fs::remove_file(d.join("manifest.sig")).unwrap()
    });
    assert!(why.contains("required files"), "{why}");
}

#[test]
fn receipt_round_trips_and_proves_the_log_only_grew() {
    let f = setup();
    let log = IncidentLog::new(&f.vault);
    let text = receipt_text(&log.tree_head().unwrap());
    assert!(text.contains("entries: ") && text.contains("signature: "));
    let th = parse_receipt(&text).unwrap();
    // Quoted in an email reply, it still reads.
    let quoted: String = text.lines().map(|l| format!("> {l}\n")).collect();
    assert_eq!(parse_receipt(&quoted).unwrap(), th);

    f.clock.advance(Duration::hours(1));
    log.record(NewIncident::new(
        IncidentKind::Threats,
        Occurred::at(f.clock.now()),
        "later",
    ))
    .unwrap();
    let r = verify_since(&log, &text).unwrap();
    assert_eq!(r.receipt_entries, th.size);
    assert_eq!(r.added_since, 1);

    // An edited receipt fails its own signature.
    let edited = text.replace(
        &format!("entries: {}", th.size),
        &format!("entries: {}", th.size - 1),
    );
    assert!(matches!(
        parse_receipt(&edited),
        Err(crate::Error::Integrity { .. })
    ));
    assert!(parse_receipt("hello").is_err());

    // A genuinely signed head for a different history (a forked or rewritten log) is refused.
    let forged_root = [7u8; 32];
    let msg = crate::log::SignedTreeHead::message(3, &forged_root, th.signed_at);
    let sig = Signer::sign(&f.vault, &msg).unwrap();
    let forged = receipt_text(&crate::log::SignedTreeHead {
        size: 3,
        root: forged_root,
        signed_at: th.signed_at,
        signature: sig.to_vec(),
        public_key: th.public_key.clone(),
    });
    let e = verify_since(&log, &forged).unwrap_err();
    assert!(e.to_string().contains("no longer contains"), "{e}");

    // A receipt claiming more entries than the log has: entries were removed.
    let msg = crate::log::SignedTreeHead::message(th.size + 50, &forged_root, th.signed_at);
    let sig = Signer::sign(&f.vault, &msg).unwrap();
    let longer = receipt_text(&crate::log::SignedTreeHead {
        size: th.size + 50,
        root: forged_root,
        signed_at: th.signed_at,
        signature: sig.to_vec(),
        public_key: th.public_key.clone(),
    });
    assert!(verify_since(&log, &longer)
        .unwrap_err()
        .to_string()
        .contains("removed"));

    // Another vault's receipt is refused.
    let other = setup();
    let other_receipt = receipt_text(&IncidentLog::new(&other.vault).tree_head().unwrap());
    assert!(verify_since(&log, &other_receipt)
        .unwrap_err()
        .to_string()
        .contains("different Waymark log"));
}

#[test]
fn report_from_the_vault_contains_the_selected_incidents_and_is_logged() {
    let f = setup();
    let out = f.out.path().join("report.pdf");
    let req = ReportRequest {
        from: Some(f.clock.now() - Duration::days(9) - Duration::hours(1)),
        to: Some(f.clock.now() - Duration::days(7) + Duration::hours(1)),
        name: Some("Zoë".into()),
        ..Default::default()
    };
    let n = export_report(&f.vault, &req, &f.evidence, &Utc, &out).unwrap();
    assert_eq!(n, 3, "incidents 1, 2 and 3 fall in the range");
    let pdf = std::fs::read(&out).unwrap();
    let entries = IncidentLog::new(&f.vault).entries().unwrap();
    assert_eq!(entries.last().unwrap().entry_type, ENTRY_EXPORT_REPORT);
    let Some(text) = super::pdf::tests::pdftotext(&pdf) else {
        return;
    };
    for k in [1, 2, 3] {
        assert!(
            text.contains(&format!("SECRET-{k}")),
            "incident {k} missing from the report"
        );
    }
    for k in [0, 4] {
        assert!(
            !text.contains(&format!("SECRET-{k}")),
            "incident {k} is outside the range"
        );
    }
    assert!(text.contains("feeling changed to 5"), "amendment history");
    assert!(text.contains("remembered more"));
    assert!(text.contains("gate photo.png") && text.contains("note.m4a"));
    assert!(text.contains("Course of conduct") && text.contains("3 incidents"));

    let bad = ReportRequest {
        from: req.to,
        to: req.from,
        ..Default::default()
    };
    assert!(matches!(
        export_report(&f.vault, &bad, &f.evidence, &Utc, &out),
        Err(crate::Error::InvalidInput { .. })
    ));
}

/// A video from the phone's camera (streamed in, no original file name): the bundle gives it a
/// name a recipient's computer opens as a video, and says `video/mp4` beside it; the report
/// lists it with its type and the same name.
#[test]
fn a_camera_video_is_named_and_typed_as_a_video_in_bundle_and_report() {
    use crate::evidence::{CaptureMethod, EvidenceStore, NewEvidence};
    let f = setup();
    let store = EvidenceStore::new(&f.vault);
    let mut video = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    video.extend((0..200_000u32).map(|i| (i % 251) as u8));
    let mut writer = store
        .begin(NewEvidence::new(CaptureMethod::Camera))
        .unwrap();
    for piece in video.chunks(70_001) {
        writer.write_chunk(piece).unwrap();
    }
    let item = writer.finish().unwrap();
    assert_eq!(item.media_type, "video/mp4");
    store.attach(&item.id, &f.ids[2]).unwrap();

    let out = f.out.path().join("with-video");
    let s = export_bundle(
        &f.vault,
        std::slice::from_ref(&f.ids[2]),
        None,
        &out,
        &store,
    )
    .unwrap();
    assert!(verify_bundle(&out).unwrap().ok);
    let file = s
        .manifest
        .files
        .iter()
        .find(|m| m.evidence_id.as_deref() == Some(item.id.as_str()))
        .unwrap();
    let name = format!("evidence-{}.mp4", item.short_id());
    assert!(file.path.ends_with(&name), "{}", file.path);
    assert_eq!(std::fs::read(out.join(&file.path)).unwrap(), video);
    let inc: IncidentsFile =
        serde_json::from_slice(&std::fs::read(out.join("incidents.json")).unwrap()).unwrap();
    let listed = &inc.incidents[0].evidence[0];
    assert_eq!(
        (listed.media_type.as_str(), listed.file.as_str()),
        ("video/mp4", file.path.as_str())
    );

    let pdf_path = f.out.path().join("with-video.pdf");
    export_report(&f.vault, &ReportRequest::default(), &store, &Utc, &pdf_path).unwrap();
    let Some(text) = super::pdf::tests::pdftotext(&std::fs::read(&pdf_path).unwrap()) else {
        return;
    };
    // (Checked apart: a long line may wrap.)
    assert!(
        text.contains(&name) && text.contains("(video/mp4,"),
        "{text}"
    );
}

#[test]
fn real_evidence_store_feeds_bundle_and_report() {
    use crate::evidence::{CaptureMethod, EvidenceStore, NewEvidence};
    let f = setup();
    let store = EvidenceStore::new(&f.vault);
    let photo = super::pdf::tests_support::png(640, 480);
    let mut new = NewEvidence::new(CaptureMethod::Camera);
    new.original_name = Some("doorstep.png".into());
    let item = store.add_reader(&mut photo.as_slice(), new).unwrap();
    store.attach(&item.id, &f.ids[2]).unwrap();

    let out = f.out.path().join("real.zip");
    let s = export_bundle(
        &f.vault,
        std::slice::from_ref(&f.ids[2]),
        None,
        &out,
        &store,
    )
    .unwrap();
    let r = verify_bundle(&out).unwrap();
    assert!(r.ok, "{:?}", r.first_failure);
    assert_eq!(r.evidence_files, 1);
    let file = s
        .manifest
        .files
        .iter()
        .find(|m| m.evidence_id.as_deref() == Some(item.id.as_str()))
        .unwrap();
    assert_eq!(file.sha256, item.sha256);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut inside = vec![];
    std::io::Read::read_to_end(&mut zip.by_name(&file.path).unwrap(), &mut inside).unwrap();
    assert_eq!(inside, photo, "the original leaves the vault byte for byte");
    assert!(s
        .manifest
        .entries
        .iter()
        .any(|e| e.entry_type == "evidence.add"));

    let pdf_path = f.out.path().join("with-photo.pdf");
    export_report(&f.vault, &ReportRequest::default(), &store, &Utc, &pdf_path).unwrap();
    let Some(text) = super::pdf::tests::pdftotext(&std::fs::read(&pdf_path).unwrap()) else {
        return;
    };
    assert!(text.contains("doorstep.png") && text.contains(&item.sha256));
    if let Ok(o) = Command::new("pdfimages")
        .arg("-list")
        .arg(&pdf_path)
        .output()
    {
        let listing = String::from_utf8_lossy(&o.stdout);
        assert!(
            listing.lines().count() >= 3,
            "the photo is embedded as a thumbnail: {listing}"
        );
        assert!(
            listing.contains(" 240 ") && listing.contains(" 180 "),
            "{listing}"
        );
    }
}

#[test]
fn hostile_bundle_contents_fail_cleanly() {
    let f = setup();
    let (good, _) = selective_bundle(&f, "good");
    // A non-ASCII id and a path escaping the bundle, signed by someone holding the key: reported,
    // never a panic or a read outside the folder.
    let (why, _, _) = tampered(&f, &good, "hostile-id", |d| {
        let p = d.join("incidents.json");
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        v["incidents"][0]["id"] = serde_json::json!("ééééééééé\u{7}");
        std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
        let sha = hex::encode(
            ring::digest::digest(&ring::digest::SHA256, &std::fs::read(&p).unwrap()).as_ref(),
        );
        let size = std::fs::metadata(&p).unwrap().len();
        edit_manifest(d, |m| {
            for file in m["files"].as_array_mut().unwrap() {
                if file["path"] == "incidents.json" {
                    file["sha256"] = serde_json::json!(sha);
                    file["size"] = serde_json::json!(size);
                }
            }
        });
        resign_and_resum(&f, d);
    });
    assert!(why.contains("incidents"), "{why}");
    let (why, _, _) = tampered(&f, &good, "escaping-path", |d| {
        edit_manifest(d, |m| {
            m["files"][0]["path"] = serde_json::json!("../../etc/passwd")
        });
        resign_and_resum(&f, d);
    });
    assert!(why.contains("unsafe path"), "{why}");
    // Not a bundle at all.
    let junk = f.out.path().join("junk.zip");
    std::fs::write(&junk, b"PK not really").unwrap();
    assert!(verify_bundle(&junk).is_err());
    assert!(verify_bundle(&f.out.path().join("missing")).is_err());
}

/// pdftotext breaks lines where the PDF wraps them; compare with all whitespace collapsed.
fn collapsed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn report_holds_every_risk_question_and_answer_with_the_not_an_assessment_note() {
    use crate::risk::{Answer, RiskChecklist, NOT_AN_ASSESSMENT, QUESTIONS};
    let f = setup();
    let risk = RiskChecklist::new(&f.vault);
    let answers = [Answer::Yes, Answer::No, Answer::Unsure];
    risk.answer("5", Answer::No, Some("NOTE-EARLIER only once"))
        .unwrap();
    f.clock.advance(Duration::hours(1));
    for q in QUESTIONS.iter() {
        let a = answers[q.number as usize % 3];
        risk.answer(
            &q.number.to_string(),
            a,
            Some(&format!("NOTE-{} Zoë saw it", q.number)),
        )
        .unwrap();
    }
    let out = f.out.path().join("risk.pdf");
    export_report(&f.vault, &ReportRequest::default(), &f.evidence, &Utc, &out).unwrap();
    let pdf = std::fs::read(&out).unwrap();
    if let Some(dir) = std::env::var_os("WAYMARK_RISK_SAMPLE") {
        std::fs::write(Path::new(&dir), &pdf).unwrap(); // to look at the page by eye
    }
    let Some(text) = super::pdf::tests::pdftotext(&pdf) else {
        return;
    };
    let text = collapsed(&text);
    assert!(
        text.contains(&collapsed(NOT_AN_ASSESSMENT)),
        "the plain note"
    );
    assert!(text.contains("Stalking risk questions (S-DASH)"));
    assert!(text.contains("S-DASH (2009) Risk Identification Checklist"));
    for q in QUESTIONS.iter() {
        let a = answers[q.number as usize % 3];
        let line = collapsed(&format!("{}. {}", q.number, q.text));
        assert!(text.contains(&line), "question {} missing", q.number);
        assert!(
            text.contains(&collapsed(&format!(
                "Checklist item {}: {}",
                q.number, q.checklist_item
            ))),
            "checklist item {}",
            q.number
        );
        let at = text.find(&line).unwrap();
        let end = text[at..]
            .find(&format!("Checklist item {}:", q.number))
            .unwrap();
        let after = &text[at..at + end];
        assert!(
            after.contains(&format!("{} (answered", a.label())),
            "answer to {} missing",
            q.number
        );
        assert!(
            after.contains(&format!("NOTE-{} Zoë saw it", q.number)),
            "note {}",
            q.number
        );
    }
    assert!(
        text.contains("Earlier answers")
            && text.contains(
                "No (Fri 20 Nov 2026, 18:25 (UTC+00:00), note: \"NOTE-EARLIER only once\")"
            ),
        "the changed answer keeps its history"
    );
    // Five "followed" incidents: the log speaks to question 5 and cites them by number.
    let q5 = &text[text.find("5. Has this person loitered").unwrap()..];
    assert!(
        q5.contains("Followed you 5 times") || q5.contains("followed you 5 times"),
        "{}",
        &q5[..400]
    );
    assert!(
        q5.contains("#1, #2, #3, #4, #5"),
        "the report's numbers of the incidents"
    );

    let without = ReportRequest {
        without_risk_questions: true,
        ..Default::default()
    };
    let out = out.with_file_name("without-risk.pdf");
    export_report(&f.vault, &without, &f.evidence, &Utc, &out).unwrap();
    let text = super::pdf::tests::pdftotext(&std::fs::read(&out).unwrap()).unwrap();
    assert!(!text.contains("S-DASH") && !text.contains("NOTE-1 "));
}
/// A ZIP of stored (uncompressed) entries, written by hand so a test can make what no ZIP
/// library writes: a name twice, or a local entry the central directory leaves out.
fn raw_zip(entries: &[(&str, Vec<u8>, bool)]) -> Vec<u8> {
    fn crc32(b: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &x in b {
            c ^= u32::from(x);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    let (mut out, mut central, mut count) = (Vec::new(), Vec::new(), 0u16);
    for (name, data, in_directory) in entries {
        let offset = out.len() as u32;
        let (crc, len) = (crc32(data), data.len() as u32);
        let common = |h: &mut Vec<u8>| {
            h.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, stored, time, date
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&len.to_le_bytes());
            h.extend_from_slice(&len.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&[0, 0]); // extra length
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        if *in_directory {
            central.extend_from_slice(b"PK\x01\x02\x14\x00");
            common(&mut central);
            central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
            central.extend_from_slice(&0o100644u32.wrapping_shl(16).to_le_bytes());
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
            count += 1;
        }
    }
    let cd_start = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

#[test]
fn only_what_the_signed_manifest_names_may_be_in_a_bundle() {
    let f = setup();
    let (good, _) = selective_bundle(&f, "good");

    // Folder: a file added to the bundle and to the unsigned SHA256SUMS alike.
    let (why, sha256sum, _) = tampered(&f, &good, "added-file", |d| {
        let extra = b"The victim admitted making this up.\n";
        std::fs::write(d.join("STATEMENT.txt"), extra).unwrap();
        let sha = hex::encode(ring::digest::digest(&ring::digest::SHA256, extra).as_ref());
        let mut sums = std::fs::read_to_string(d.join("SHA256SUMS")).unwrap();
        sums.push_str(&format!("{sha}  STATEMENT.txt\n"));
        std::fs::write(d.join("SHA256SUMS"), sums).unwrap();
    });
    assert!(
        why.contains("STATEMENT.txt") && why.contains("signed manifest"),
        "{why}"
    );
    assert_ne!(
        sha256sum,
        Some(false),
        "the standard tool alone cannot see this"
    );

    // ZIP: the bundle's own files, stored by hand (the control: this one verifies).
    let mut files: Vec<(String, Vec<u8>)> = walk(&good)
        .iter()
        .map(|p| {
            let name = p
                .strip_prefix(&good)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(p).unwrap())
        })
        .collect();
    files.sort();
    let zip_of = |name: &str, entries: Vec<(&str, Vec<u8>, bool)>| {
        let path = f.out.path().join(name);
        std::fs::write(&path, raw_zip(&entries)).unwrap();
        verify_bundle(&path).unwrap()
    };
    let plain: Vec<(&str, Vec<u8>, bool)> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone(), true))
        .collect();
    let r = zip_of("plain.zip", plain.clone());
    assert!(r.ok, "{:?}", r.first_failure);

    // The same name twice: a tampered copy first (what `unzip -n` extracts), the genuine second.
    let (first_name, first_data) = files
        .iter()
        .find(|(n, _)| n == "incidents.json")
        .cloned()
        .unwrap();
    let mut forged = first_data.clone();
    forged.extend_from_slice(b" ");
    let mut twice = vec![(first_name.as_str(), forged, true)];
    twice.extend(plain.clone());
    let r = zip_of("twice.zip", twice);
    assert!(!r.ok, "a ZIP naming incidents.json twice passed");
    assert!(r.first_failure.unwrap().contains("more than once"));

    // A local entry the central directory never names.
    let mut hidden = vec![("evidence/planted.jpg", b"planted".to_vec(), false)];
    hidden.extend(plain.clone());
    let r = zip_of("hidden.zip", hidden);
    assert!(!r.ok, "a ZIP with a hidden local entry passed");
    assert!(r.first_failure.unwrap().contains("does not name"));

    // And one after the last named entry, just before the central directory.
    let mut trailing = plain;
    trailing.push(("planted.txt", b"planted".to_vec(), false));
    let r = zip_of("trailing.zip", trailing);
    assert!(!r.ok, "a ZIP with a hidden trailing entry passed");
}
