//! Evidence benchmark (run with `cargo bench -p waymark-cli --bench evidence`).
//!
//! 1. Ingest throughput of `EvidenceStore::add_file` (read the file, SHA-256, seal 64 KiB chunks,
//!    write, fsync, commit the row and log entry) against the floor it cannot beat: ring's
//!    SHA-256 plus ChaCha20-Poly1305 over the same bytes already in memory. Every round measures
//!    the baseline right next to each variant and keeps their ratio (this machine is shared, so
//!    absolute speeds drift); the median ratio is printed. Extra rows show where time goes: the
//!    bare stream encryptor into a sink and into a plain file with fsync, and a plain file copy.
//! 2. Peak resident memory of `waymark capture` and `waymark evidence extract` of a 1 GiB file,
//!    measured by `/usr/bin/time -v` (Debian package `time`).
//!
//! Environment: WAYMARK_BENCH_MIB (default 256) sizes part 1; WAYMARK_BENCH_RSS_MIB (default
//! 1024) sizes part 2, 0 skips it; WAYMARK_BENCH_DIR (default the temp folder) holds the files.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305};
use ring::digest::{Context, SHA256};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use waymark_core::evidence::stream::StreamEncryptor;
use waymark_core::evidence::{CaptureMethod, EvidenceStore, NewEvidence};
use waymark_core::vault::{CreateOptions, Vault};
use waymark_core::SystemClock;

const CHUNK: usize = 64 * 1024;
const ROUNDS: usize = 5;

fn env_mib(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Deterministic, incompressible-looking bytes (xorshift).
fn fill(buf: &mut [u8], seed: &mut u64) {
    for chunk in buf.chunks_mut(8) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let b = seed.to_le_bytes();
        chunk.copy_from_slice(&b[..chunk.len()]);
    }
}

fn write_source(path: &Path, mib: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut block = vec![0u8; 1 << 20];
    let mut seed = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..mib {
        fill(&mut block, &mut seed);
        f.write_all(&block).unwrap();
    }
    f.flush().unwrap();
}

/// The floor: SHA-256 of the plaintext and ChaCha20-Poly1305 of each 64 KiB chunk, in memory.
fn raw_aead_sha(data: &mut [u8]) -> Duration {
    let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &[7u8; 32]).unwrap());
    let started = Instant::now();
    let mut sha = Context::new(&SHA256);
    for (i, chunk) in data.chunks_mut(CHUNK).enumerate() {
        sha.update(chunk);
        let mut n = [0u8; 12];
        n[3..11].copy_from_slice(&(i as u64).to_be_bytes());
        let tag = key
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(n), Aad::from(b"bench"), chunk)
            .unwrap();
        let _ = std::hint::black_box(tag);
    }
    std::hint::black_box(sha.finish());
    started.elapsed()
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / d.as_secs_f64() / 1e6
}

fn throughput(tmp: &Path) {
    let mib = env_mib("WAYMARK_BENCH_MIB", 256);
    let bytes = mib << 20;
    let source = tmp.join("source.bin");
    write_source(&source, mib);
    let mut in_memory = std::fs::read(&source).unwrap();

    let (vault, _) = Vault::create(
        &tmp.join("vault"),
        "246810",
        CreateOptions::for_tests(Arc::new(SystemClock)),
    )
    .unwrap();
    let store = EvidenceStore::new(&vault);

    // Each round measures the baseline next to every variant and keeps their ratio: this machine
    // is shared, so throughput drifts between rounds, while a pair measured back to back is fair.
    let mut rows: Vec<(&str, Vec<f64>, Vec<f64>)> = vec![
        (
            "ingest   EvidenceStore::add_file: read, hash, seal, write, fsync, commit",
            vec![],
            vec![],
        ),
        (
            "verify   EvidenceStore::extract_to(sink): read, open, hash, compare     ",
            vec![],
            vec![],
        ),
        (
            "(part)   StreamEncryptor from memory into a sink                        ",
            vec![],
            vec![],
        ),
        (
            "(part)   StreamEncryptor from memory into a plain File + fsync          ",
            vec![],
            vec![],
        ),
        (
            "(disk)   plain copy of the file + fsync, no hashing or encryption       ",
            vec![],
            vec![],
        ),
    ];
    let mut baseline = Vec::new();
    for _ in 0..ROUNDS {
        let raw = raw_aead_sha(&mut in_memory);
        baseline.push(mb_per_s(bytes, raw));
        let mut times = Vec::new();

        let started = Instant::now();
        let item = store
            .add_file(&source, NewEvidence::new(CaptureMethod::Import))
            .unwrap();
        times.push(started.elapsed());
        let started = Instant::now();
        store.extract_to(&item.id, &mut std::io::sink()).unwrap();
        times.push(started.elapsed());
        store.delete(&item.id).unwrap();

        let started = Instant::now();
        let mut enc = StreamEncryptor::new(&[9u8; 32], "bench", std::io::sink());
        enc.push(&in_memory).unwrap();
        enc.finish().unwrap();
        times.push(started.elapsed());
        let path = tmp.join("sealed.bin");
        let started = Instant::now();
        let mut enc =
            StreamEncryptor::new(&[9u8; 32], "bench", std::fs::File::create(&path).unwrap());
        enc.push(&in_memory).unwrap();
        enc.finish().unwrap().0.sync_all().unwrap();
        times.push(started.elapsed());
        std::fs::remove_file(&path).unwrap();
        let started = Instant::now();
        std::fs::copy(&source, &path).unwrap();
        std::fs::File::open(&path).unwrap().sync_all().unwrap();
        times.push(started.elapsed());
        std::fs::remove_file(&path).unwrap();
        for (row, t) in rows.iter_mut().zip(times) {
            row.1.push(mb_per_s(bytes, t));
            row.2.push(raw.as_secs_f64() / t.as_secs_f64());
        }
    }
    println!("evidence throughput, {mib} MiB, {ROUNDS} rounds (median; ratio = same-round baseline time / time):");
    println!(
        "  baseline raw ring ChaCha20-Poly1305 + SHA-256 over the bytes in memory     {:7.1} MB/s",
        median(&mut baseline)
    );
    for (i, (what, speeds, ratios)) in rows.iter_mut().enumerate() {
        let target = if i == 0 { "  (target >= 70%)" } else { "" };
        println!(
            "  {what} {:7.1} MB/s  {:5.1}% of baseline (rounds {:.0}%..{:.0}%){target}",
            median(speeds),
            100.0 * median(ratios),
            100.0 * ratios.iter().cloned().fold(f64::MAX, f64::min),
            100.0 * ratios.iter().cloned().fold(0.0, f64::max),
        );
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn peak_rss_kib(vault: &Path, args: &[&str]) -> Option<u64> {
    let mut child = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .arg("--vault")
        .arg(vault)
        .arg("--pin-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(b"246810\n").ok()?;
    let out = child.wait_with_output().ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        eprintln!("waymark {args:?} failed: {text}");
        return None;
    }
    text.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
}

fn peak_memory(tmp: &Path) {
    let mib = env_mib("WAYMARK_BENCH_RSS_MIB", 1024);
    if mib == 0 {
        return;
    }
    if !Path::new("/usr/bin/time").exists() {
        println!("peak memory: skipped (install the `time` package for /usr/bin/time)");
        return;
    }
    let vault = tmp.join("rss-vault");
    let mut init = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["init", "--insecure-fast-kdf", "--pin-stdin", "--vault"])
        .arg(&vault)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    init.stdin.take().unwrap().write_all(b"246810\n").unwrap();
    assert!(init.wait().unwrap().success());
    let big = tmp.join("big.bin");
    write_source(&big, mib);
    let ingest = peak_rss_kib(&vault, &["capture", big.to_str().unwrap()]);
    std::fs::remove_file(&big).unwrap();
    let list = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["evidence", "list", "--json", "--pin-stdin", "--vault"])
        .arg(&vault)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(b"246810\n")?;
            c.wait_with_output()
        })
        .unwrap();
    let items: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let id = items[0]["id"].as_str().unwrap().to_string();
    let out = tmp.join("extracted.bin");
    let extract = peak_rss_kib(&vault, &["evidence", "extract", &id, out.to_str().unwrap()]);
    let size_ok = std::fs::metadata(&out)
        .map(|m| m.len() == (mib as u64) << 20)
        .unwrap_or(false);
    let _ = std::fs::remove_file(&out);
    let show = |kib: Option<u64>| {
        kib.map_or("n/a".to_string(), |k| {
            format!("{:.1} MiB", k as f64 / 1024.0)
        })
    };
    println!("peak resident memory (/usr/bin/time -v), {mib} MiB file (target < 64 MiB):");
    println!("  waymark capture           {}", show(ingest));
    println!(
        "  waymark evidence extract  {}  (output complete: {size_ok})",
        show(extract)
    );
}

fn main() {
    // `cargo bench` passes `--bench`; listing (`--list`) must print nothing and exit.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let tmp = tempfile::tempdir_in(
        std::env::var_os("WAYMARK_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into),
    )
    .unwrap();
    throughput(tmp.path());
    peak_memory(tmp.path());
}
