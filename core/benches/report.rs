//! Report and bundle benchmarks, each against a baseline measured in the same run:
//! - PDF report of 1,000 incidents with 200 photos (12 MP JPEGs, as phones take them): wall time
//!   and peak memory, against reading the same incidents from the vault and against the same
//!   report without photos;
//! - evidence bundle of 1 GiB of evidence (8 files of 128 MiB) as a folder and as a ZIP, and
//!   `bundle verify` of it, against a plain copy (std::fs::copy + fsync) of the same files.
//!
//! Run: cargo bench -p waymark-core --bench report
//! (WAYMARK_BENCH_BUNDLE_MIB=256 for a smaller bundle run.)

use chrono::{Duration, Utc};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use waymark_core::log::{IncidentKind, IncidentLog, ListFilter, NewIncident, Occurred, Place};
use waymark_core::report::bundle::{verify_bundle, EvidenceSource};
use waymark_core::report::{
    build_report, export_bundle, CatalogItem, EvidenceCatalog, NoEvidence, ReportRequest,
};
use waymark_core::vault::{CreateOptions, Vault};
use waymark_core::{ManualClock, Result};

/// Evidence kept in memory (photos) or in plain files (bundle run), attached to incidents.
struct BenchEvidence {
    by_incident: HashMap<String, Vec<CatalogItem>>,
    bytes: HashMap<String, Arc<Vec<u8>>>,
    files: HashMap<String, PathBuf>,
}

impl EvidenceSource for BenchEvidence {
    fn copy_original(&self, id: &str, out: &mut dyn Write) -> Result<()> {
        if let Some(b) = self.bytes.get(id) {
            out.write_all(b)?;
            return Ok(());
        }
        let mut f = std::fs::File::open(&self.files[id])?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            out.write_all(&buf[..n])?;
        }
    }
}

impl EvidenceCatalog for BenchEvidence {
    fn for_incident(&self, id: &str) -> Result<Vec<CatalogItem>> {
        Ok(self.by_incident.get(id).cloned().unwrap_or_default())
    }
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, b).as_ref())
}

/// Peak resident memory (VmHWM) in MiB, and a way to reset it (Linux).
fn peak_rss_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
fn current_rss_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A 4032x3024 JPEG with smooth gradients and noise, roughly like a phone photo in size.
fn photo(seed: u32) -> Vec<u8> {
    let (w, h) = (4032u16, 3024u16);
    let mut px = Vec::with_capacity(w as usize * h as usize * 3);
    let mut x: u32 = seed.wrapping_mul(2654435761) | 1;
    for y in 0..h as u32 {
        for xx in 0..w as u32 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let n = (x & 15) as u8;
            px.extend_from_slice(&[
                (xx / 16) as u8 ^ n,
                (y / 12) as u8 + n,
                ((xx + y) / 28) as u8,
            ]);
        }
    }
    let mut out = vec![];
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&px, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

fn main() {
    // WAYMARK_BENCH_ONLY=report or =bundle runs one half.
    let only = std::env::var("WAYMARK_BENCH_ONLY").unwrap_or_default();
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let (vault, _) = Vault::create(
        &tmp.path().join("v"),
        "246810",
        CreateOptions::for_tests(clock.clone()),
    )
    .unwrap();
    let log = IncidentLog::new(&vault);

    // 1,000 incidents over about a year.
    let start = clock_now(&clock) - Duration::days(400);
    let mut ids = vec![];
    for i in 0..1000usize {
        let mut n = NewIncident::new(
            IncidentKind::ALL[i % IncidentKind::ALL.len()],
            Occurred::at(start + Duration::hours(9 * i as i64)),
            format!("Incident {i}: he was outside the station again at the corner by the bakery and followed me for ten minutes; I went into a shop and waited until he left. Zoë saw it."),
        );
        n.place = Some(Place {
            label: Some("Station".into()),
            lat: Some(51.5 + (i % 7) as f64 * 0.001),
            lon: Some(-0.12),
            accuracy_m: Some(10.0),
        });
        n.witnesses = vec!["Zoë".into()];
        n.feeling = Some((i % 5 + 1) as u8);
        n.attributed_to = Some("Sam".into());
        ids.push(log.record(n).unwrap().id);
    }
    println!("setup: 1,000 incidents logged");

    if only == "bundle" {
        bundle_bench(&vault, &clock, &ids, tmp.path());
        return;
    }
    // 200 photos: 10 distinct 12 MP JPEGs, each attached as 20 separate items.
    let t = Instant::now();
    let distinct: Vec<Arc<Vec<u8>>> = (0..10).map(|s| Arc::new(photo(s))).collect();
    let avg_photo = distinct.iter().map(|p| p.len()).sum::<usize>() / distinct.len();
    println!(
        "setup: 10 distinct 4032x3024 JPEGs of ~{:.1} MB each made in {:.1} s",
        avg_photo as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let mut ev = BenchEvidence {
        by_incident: HashMap::new(),
        bytes: HashMap::new(),
        files: HashMap::new(),
    };
    for p in 0..200usize {
        let id = format!("{:032x}", p + 1);
        let bytes = distinct[p % distinct.len()].clone();
        ev.by_incident
            .entry(ids[p * 5].clone())
            .or_default()
            .push(CatalogItem {
                id: id.clone(),
                name: format!("IMG_{p:04}.jpg"),
                media_type: "image/jpeg".into(),
                sha256_hex: sha256_hex(&bytes),
                size: bytes.len() as u64,
            });
        ev.bytes.insert(id, bytes);
    }

    // Baseline 1: reading the same incidents (list + full history) from the vault.
    let t = Instant::now();
    let listed = log.list(&ListFilter::default()).unwrap();
    for i in &listed {
        log.get(&i.id).unwrap();
    }
    let read_s = t.elapsed().as_secs_f64();

    // Baseline 2: the same report without photos.
    let req = ReportRequest::default();
    let t = Instant::now();
    let (pdf_plain, _) = build_report(&vault, &req, &NoEvidence, &Utc).unwrap();
    let plain_s = t.elapsed().as_secs_f64();

    reset_peak_rss();
    let rss_before = current_rss_mib();
    let t = Instant::now();
    let (pdf, n) = build_report(&vault, &req, &ev, &Utc).unwrap();
    let full_s = t.elapsed().as_secs_f64();
    let peak = peak_rss_mib();
    assert_eq!(n.len(), 1000);
    println!("\nPDF report, 1,000 incidents, 200 photos (12 MP JPEG thumbnails):");
    println!(
        "  report with photos:        {full_s:8.2} s   PDF {:.1} MB",
        pdf.len() as f64 / 1e6
    );
    println!(
        "  report without photos:     {plain_s:8.2} s   PDF {:.1} MB   (photos cost {:.1}x)",
        pdf_plain.len() as f64 / 1e6,
        full_s / plain_s
    );
    println!(
        "  baseline: read incidents:  {read_s:8.2} s   (report is {:.1}x the raw read)",
        full_s / read_s
    );
    println!("  peak memory: {peak:.0} MiB (resident before the report: {rss_before:.0} MiB, of which ~{:.0} MiB are the in-memory test photos)", distinct.iter().map(|p| p.len()).sum::<usize>() as f64 / 1048576.0);
    drop(pdf);
    drop(pdf_plain);
    if only == "report" {
        return;
    }
    bundle_bench(&vault, &clock, &ids, tmp.path());
}

fn clock_now(c: &ManualClock) -> chrono::DateTime<Utc> {
    use waymark_core::Clock;
    c.now()
}

fn bundle_bench(vault: &Vault, clock: &ManualClock, ids: &[String], dir: &Path) {
    let mib: u64 = std::env::var("WAYMARK_BENCH_BUNDLE_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let files = 8u64;
    let per_file = mib * 1024 * 1024 / files;
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let mut ev = BenchEvidence {
        by_incident: HashMap::new(),
        bytes: HashMap::new(),
        files: HashMap::new(),
    };
    let mut block = vec![0u8; 1 << 20];
    for f in 0..files {
        let id = format!("{:032x}", 0xb000 + f);
        let path = src.join(format!("video{f}.mp4"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        let mut x: u64 = 0x9E3779B97F4A7C15 ^ f;
        for _ in 0..per_file / block.len() as u64 {
            for chunk in block.chunks_exact_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chunk.copy_from_slice(&x.to_le_bytes());
            }
            ctx.update(&block);
            out.write_all(&block).unwrap();
        }
        out.into_inner().unwrap().sync_all().unwrap();
        let sha = hex::encode(ctx.finish().as_ref());
        vault
            .write(|tx| {
                tx.append_entry(
                    "evidence.add",
                    Some(&id),
                    &serde_json::json!({"id": id, "sha256": sha, "size": per_file}),
                )
            })
            .unwrap();
        ev.by_incident
            .entry(ids[f as usize].clone())
            .or_default()
            .push(CatalogItem {
                id: id.clone(),
                name: format!("video{f}.mp4"),
                media_type: "video/mp4".into(),
                sha256_hex: sha,
                size: per_file,
            });
        ev.files.insert(id, path);
    }
    clock.advance(Duration::seconds(1));
    let total = (per_file * files) as f64;
    let gib = total / (1u64 << 30) as f64;
    let chosen: Vec<String> = ids[..files as usize].to_vec();
    println!(
        "\nEvidence bundle of {gib:.2} GiB ({files} files of {} MiB), {} incidents:",
        per_file >> 20,
        chosen.len()
    );

    // Baseline: a plain copy of the same files, made durable like the bundle.
    let copy = dir.join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    let t = Instant::now();
    for f in 0..files {
        let to = copy.join(format!("video{f}.mp4"));
        std::fs::copy(src.join(format!("video{f}.mp4")), &to).unwrap();
        std::fs::File::open(&to).unwrap().sync_all().unwrap();
    }
    let copy_s = t.elapsed().as_secs_f64();
    std::fs::remove_dir_all(&copy).unwrap();
    let rate = |s: f64| total / s / 1e6;
    println!(
        "  baseline: plain copy + fsync    {copy_s:7.2} s  {:7.0} MB/s",
        rate(copy_s)
    );

    // Two rounds, alternating, so disk write-back from one run does not all land on the next.
    let rounds = [
        ("folder", "bundle"),
        ("ZIP", "bundle.zip"),
        ("folder", "bundle"),
        ("ZIP", "bundle.zip"),
    ];
    for (round, (kind, file)) in rounds.into_iter().enumerate() {
        let out = dir.join(file);
        let name = format!("{kind}, round {}", round / 2 + 1);
        let t = Instant::now();
        export_bundle(vault, &chosen, Some("bench"), &out, &ev).unwrap();
        let s = t.elapsed().as_secs_f64();
        println!(
            "  bundle ({name:15})         {s:7.2} s  {:7.0} MB/s  ({:.2}x the copy time)",
            rate(s),
            s / copy_s
        );
        let t = Instant::now();
        let r = verify_bundle(&out).unwrap();
        let vs = t.elapsed().as_secs_f64();
        assert!(r.ok, "{:?}", r.first_failure);
        println!(
            "  verify ({name:15})         {vs:7.2} s  {:7.0} MB/s  ({:.2}x the copy time)",
            rate(vs),
            vs / copy_s
        );
        if out.is_dir() {
            std::fs::remove_dir_all(&out).unwrap();
        } else {
            std::fs::remove_file(&out).unwrap();
        }
    }

    // The real path: the same files kept in the encrypted evidence store, decrypted and
    // authenticated as they stream into the bundle.
    let store = waymark_core::evidence::EvidenceStore::new(vault);
    let t = Instant::now();
    let real: Vec<String> = ids[files as usize..2 * files as usize].to_vec();
    for (f, incident) in real.iter().enumerate() {
        let item = store
            .add_file(
                &src.join(format!("video{f}.mp4")),
                waymark_core::evidence::NewEvidence::new(
                    waymark_core::evidence::CaptureMethod::Import,
                ),
            )
            .unwrap();
        store.attach(&item.id, incident).unwrap();
    }
    println!(
        "  (kept the same files in the encrypted evidence store in {:.2} s)",
        t.elapsed().as_secs_f64()
    );
    for file in ["store-bundle", "store-bundle.zip"] {
        let out = dir.join(file);
        let t = Instant::now();
        export_bundle(vault, &real, None, &out, &store).unwrap();
        let s = t.elapsed().as_secs_f64();
        println!(
            "  bundle from the encrypted store ({})  {s:7.2} s  {:7.0} MB/s  ({:.2}x the copy time)",
            if file.ends_with(".zip") { "ZIP   " } else { "folder" },
            rate(s),
            s / copy_s
        );
        assert!(verify_bundle(&out).unwrap().ok);
    }
}
