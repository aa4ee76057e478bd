//! The same calls the Kotlin and Swift FFI benchmarks make, from Rust without crossing the FFI,
//! so the FFI's share of each can be read off (scripts/bench-ffi.sh prints all three).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use waymark_ffi::*;

/// NOT a PRF anyone should use: a fixed XOR, so the benchmark measures calls, not crypto.
struct BenchOnlyPrf;
impl HardwarePrf for BenchOnlyPrf {
    fn evaluate(&self, input: Vec<u8>) -> Result<Vec<u8>, WaymarkError> {
        Ok(input.iter().map(|b| b ^ 0x5a).collect())
    }
}

/// ns per call over `rounds` batches of `per_round` calls, after a warm-up: the fastest batch
/// (least disturbed by other processes on a shared machine) and the median.
fn measure<T>(per_round: u32, rounds: usize, mut call: impl FnMut() -> T) -> (f64, f64) {
    for _ in 0..per_round {
        black_box(call());
    }
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_round {
                black_box(call());
            }
            start.elapsed().as_nanos() as f64 / f64::from(per_round)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    (samples[0], samples[rounds / 2])
}

fn line(name: &str, m: (f64, f64), vs: Option<((f64, f64), &str)>) {
    let ratio = vs.map_or(String::new(), |(v, n)| format!("  = {:.1}x {n}", m.0 / v.0));
    println!("  {name:<28} {:12.1} ns (median {:.1}){ratio}", m.0, m.1);
}

fn main() -> Result<(), WaymarkError> {
    let tmp = tempfile::tempdir().map_err(|_| WaymarkError::Storage {
        reason: "temp dir".into(),
    })?;
    let created = create_vault(
        tmp.path().join("vault").to_string_lossy().into_owned(),
        "428613".into(),
        Arc::new(BenchOnlyPrf),
        KeyDerivation::MinimalForTestsOnly,
        None,
    )?;
    let vault = created.vault;
    let log = vault.clone().incident_log();
    let version = measure(100_000, 7, waymark_version);
    let is_unlocked = measure(100_000, 7, || vault.is_unlocked());
    let list_one = measure(2_000, 7, || {
        log.list(ListFilter {
            limit: Some(1),
            ..Default::default()
        })
    });
    let mut n = 0;
    let record = measure(200, 5, || {
        n += 1;
        log.record(NewIncident {
            kind: IncidentKind::Followed,
            occurred_at: UNIX_EPOCH + Duration::from_secs(1_780_000_000),
            occurred_until: None,
            description: format!("bench incident {n} — zażółć 😀"),
            place: None,
            witnesses: vec![],
            feeling: None,
            police_ref: None,
            tags: vec![],
            attributed_to: None,
            contact_via: None,
        })
    });
    println!("Direct Rust calls (no FFI; fastest batch, median in brackets):");
    line("waymark_version()", version, None);
    line("vault.is_unlocked()", is_unlocked, None);
    line(
        "log.list(limit 1)",
        list_one,
        Some((is_unlocked, "is_unlocked")),
    );
    line(
        "log.record(one incident)",
        record,
        Some((is_unlocked, "is_unlocked")),
    );
    Ok(())
}
