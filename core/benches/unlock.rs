//! Unlock timing: the real PIN, the duress PIN and a wrong PIN must take the same time (issue 15),
//! measured in one process, interleaved (real, duress, wrong, then rotated each round) so the
//! machine's load falls on all three alike. Prints the three medians and their ratios to the
//! real PIN, and the key derivation alone (`classify_secret`: the same Argon2id, PRF and slot
//! trials, no database opened) as the baseline the pace is added to.
//!
//! Run: cargo bench -p waymark-core --bench unlock   (WAYMARK_BENCH_ROUNDS=N, default 15)

use std::sync::Arc;
use std::time::{Duration, Instant};
use waymark_core::vault::{CreateOptions, SoftwarePrfNoHardware, Vault, UNLOCK_PACE};
use waymark_core::SystemClock;

const PIN: &str = "246810";
const DURESS: &str = "86420975";
const WRONG: &str = "135799";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let rounds: usize = std::env::var("WAYMARK_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    let tmp = tempfile::tempdir().expect("temporary folder");
    let dir = tmp.path().join("vault");
    let clock = Arc::new(SystemClock);
    let prf = Arc::new(SoftwarePrfNoHardware::default());
    let (vault, _) =
        Vault::create(&dir, PIN, CreateOptions::new(prf.clone(), clock.clone())).expect("create");
    vault.set_duress_secret(PIN, DURESS).expect("duress PIN");
    // Some content, so the real database is not the size of an empty one.
    for i in 0..200 {
        vault
            .set_preference(&format!("note {i}"), &"x".repeat(500))
            .expect("write");
    }
    let status = vault.status().expect("status");
    vault.lock();
    drop(vault);
    let vault = Vault::open(&dir, prf, clock).expect("open");

    let kinds = [
        ("real PIN", PIN),
        ("duress PIN", DURESS),
        ("wrong PIN", WRONG),
    ];
    let mut unlock: [Vec<Duration>; 3] = Default::default();
    let mut derive: [Vec<Duration>; 3] = Default::default();
    for round in 0..rounds {
        for k in 0..3 {
            let k = (k + round) % 3;
            let (_, secret) = kinds[k];
            let t = Instant::now();
            let r = vault.unlock(secret);
            unlock[k].push(t.elapsed());
            assert_eq!(r.is_ok(), k != 2, "{}", kinds[k].0);
            vault.lock();
            let t = Instant::now();
            let r = vault.classify_secret(secret);
            derive[k].push(t.elapsed());
            assert_eq!(r.is_ok(), k != 2);
            if k == 2 {
                // Clears the wrong-PIN counter, so no back-off starts.
                vault.classify_secret(PIN).expect("PIN");
            }
        }
    }
    println!(
        "unlock timing: Argon2id {} KiB x {} iterations, {} rounds, pace {} after the derivation",
        status.kdf_memory_kib,
        status.kdf_iterations,
        rounds,
        ms(UNLOCK_PACE)
    );
    let base = median(unlock[0].clone());
    for k in 0..3 {
        let m = median(unlock[k].clone());
        let d = median(derive[k].clone());
        println!(
            "  {:<10} unlock median {:>10}  ratio to real PIN {:.3}   derivation alone {:>10}",
            kinds[k].0,
            ms(m),
            m.as_secs_f64() / base.as_secs_f64(),
            ms(d)
        );
    }
}
