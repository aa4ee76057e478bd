//! Foundation benchmarks, each against a baseline measured in the same run:
//! - quick log (one durable, encrypted, chained incident) vs a bare SQLCipher single-row insert
//!   with the same durability settings (WAL, synchronous=FULL, secure_delete);
//! - list and verify 10,000 incidents (targets 50 ms and 250 ms) vs a raw read of the same rows;
//! - unlock time with the Argon2id parameters calibrated on this machine.
//!
//! Run: cargo bench -p waymark-core --bench foundation

use chrono::{Duration, Utc};
use rusqlite::Connection;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};
use waymark_core::log::{IncidentKind, IncidentLog, ListFilter, NewIncident, Occurred, Place};
use waymark_core::vault::{CreateOptions, SoftwarePrfNoHardware, Vault};
use waymark_core::SystemClock;

fn median(mut v: Vec<StdDuration>) -> StdDuration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: StdDuration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn sample_incident(i: usize) -> NewIncident {
    let mut n = NewIncident::new(
        IncidentKind::ALL[i % IncidentKind::ALL.len()],
        Occurred::at(Utc::now() - Duration::minutes(i as i64 + 1)),
        format!("Saw him again outside the station at the corner by the bakery, he followed me for ten minutes ({i})"),
    );
    n.place = Some(Place {
        label: Some("Station".into()),
        lat: Some(60.17),
        lon: Some(24.94),
        accuracy_m: Some(12.0),
    });
    n.witnesses = vec!["A neighbour".into()];
    n.feeling = Some(3);
    n
}

fn bare_sqlcipher(path: &std::path::Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.pragma_update(None, "key", format!("x'{}'", "ab".repeat(32)))
        .unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;
         CREATE TABLE t (id INTEGER PRIMARY KEY, doc BLOB NOT NULL);",
    )
    .unwrap();
    c
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);

    // Quick log vs bare insert, interleaved so both see the same disk and noise.
    let (vault, _) = Vault::create(
        &tmp.path().join("v"),
        "246810",
        CreateOptions::for_tests(clock.clone()),
    )
    .unwrap();
    let log = IncidentLog::new(&vault);
    let bare = bare_sqlcipher(&tmp.path().join("bare.db"));
    let doc = serde_json::to_vec(&sample_incident(0)).unwrap();
    let (mut t_bare, mut t_log) = (Vec::new(), Vec::new());
    for i in 0..300 {
        let s = Instant::now();
        bare.execute("INSERT INTO t (doc) VALUES (?1)", [&doc])
            .unwrap();
        t_bare.push(s.elapsed());
        let s = Instant::now();
        log.record(sample_incident(i)).unwrap();
        t_log.push(s.elapsed());
    }
    let (b, l) = (median(t_bare), median(t_log));
    println!(
        "quick log: median {} vs bare SQLCipher insert {} => ratio {:.2}x (target <= 2x)",
        ms(l),
        ms(b),
        l.as_secs_f64() / b.as_secs_f64()
    );

    // 10,000 incidents: list and verify.
    let (big, _) = Vault::create(
        &tmp.path().join("big"),
        "246810",
        CreateOptions::for_tests(clock.clone()),
    )
    .unwrap();
    let big_log = IncidentLog::new(&big);
    for chunk in 0..10 {
        big_log
            .record_many(
                (0..1000)
                    .map(|i| sample_incident(chunk * 1000 + i))
                    .collect(),
            )
            .unwrap();
    }
    let mut t_list = Vec::new();
    let mut t_raw = Vec::new();
    for _ in 0..15 {
        let s = Instant::now();
        let all = big_log.list(&ListFilter::default()).unwrap();
        t_list.push(s.elapsed());
        assert_eq!(all.len(), 10_000);
        let s = Instant::now();
        let n: usize = big
            .read(|c| {
                let mut st = c.prepare("SELECT doc FROM incidents ORDER BY occurred_start DESC")?;
                let rows = st.query_map([], |r| r.get::<_, String>(0))?;
                Ok(rows
                    .map(|r| r.map(|s| s.len()))
                    .collect::<Result<Vec<_>, _>>()?
                    .len())
            })
            .unwrap();
        t_raw.push(s.elapsed());
        assert_eq!(n, 10_000);
    }
    let (lt, rt) = (median(t_list), median(t_raw));
    println!("list 10,000: median {} (target <= 50 ms); raw encrypted read of the same rows {} => ratio {:.2}x", ms(lt), ms(rt), lt.as_secs_f64() / rt.as_secs_f64());
    let mut t_verify = Vec::new();
    for _ in 0..7 {
        let s = Instant::now();
        let r = big_log.verify().unwrap();
        t_verify.push(s.elapsed());
        assert_eq!(r.entries, 10_000);
    }
    let vt = median(t_verify);
    println!(
        "verify 10,000 entries: median {} (target <= 250 ms) => {:.2}x the list time",
        ms(vt),
        vt.as_secs_f64() / lt.as_secs_f64()
    );

    // Unlock with parameters calibrated here.
    let dir = tmp.path().join("calibrated");
    let prf = Arc::new(SoftwarePrfNoHardware::default());
    let (v, _) = Vault::create(
        &dir,
        "246810",
        CreateOptions::new(prf.clone(), clock.clone()),
    )
    .unwrap();
    let st = v.status().unwrap();
    v.lock();
    let mut t_unlock = Vec::new();
    for _ in 0..5 {
        let s = Instant::now();
        v.unlock("246810").unwrap();
        t_unlock.push(s.elapsed());
        v.lock();
    }
    let mut t_wrong = Vec::new();
    for _ in 0..3 {
        let s = Instant::now();
        let _ = v.unlock("999999");
        t_wrong.push(s.elapsed());
    }
    println!(
        "unlock: median {} with Argon2id m={} MiB, t={}, p={} (target about 500 ms); a wrong PIN takes {} (same work)",
        ms(median(t_unlock)),
        st.kdf_memory_kib / 1024,
        st.kdf_iterations,
        st.kdf_lanes,
        ms(median(t_wrong))
    );
}
