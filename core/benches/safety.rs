//! Safety benchmarks, each against a baseline measured in the same run:
//! - a shell wake-up tick on the vault with a running check-in and nothing due, vs an empty
//!   vault write transaction (the floor any stored tick pays);
//! - a stored change (extend, with its Merkle-log entry) vs a durable 4 KiB row write;
//! - a whole check-in run through the pure state machine (start to 999 prompt, 3 buddies,
//!   a tick every minute for 3 hours) vs the same number of `next_wake` calls alone;
//! - fitting the worst-case plan text into two UCS-2 segments vs measuring it once;
//! - a locked wake-up tick (armed file, no PIN, nothing due) vs the stored tick above, and
//!   reading the armed file alone (what every stored check-in call now adds).
//!
//! Run: cargo bench -p waymark-core --bench safety

use chrono::{Duration, TimeZone, Utc};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};
use waymark_core::safety::checkin::{Buddy, CheckIn, Expect, Plan};
use waymark_core::safety::sms::sms_length;
use waymark_core::safety::{ArmedCheckIn, Safety};
use waymark_core::vault::{CreateOptions, SoftwarePrfNoHardware, Vault};
use waymark_core::SystemClock;

fn median(mut v: Vec<StdDuration>) -> StdDuration {
    v.sort();
    v[v.len() / 2]
}

fn us(d: StdDuration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn time<T>(f: impl FnOnce() -> T) -> StdDuration {
    let start = Instant::now();
    black_box(f());
    start.elapsed()
}

fn buddies(n: usize) -> Vec<Buddy> {
    (0..n)
        .map(|i| Buddy {
            contact_id: format!("c{i}"),
            name: format!("Buddy {i}"),
            phone: format!("+4477009001{i:02}"),
        })
        .collect()
}

fn long_plan() -> Plan {
    let mut p = Plan::new(
        "Kraków Główny station, platform 3 - café by the main entrance, opposite the ticket hall",
        Expect::WithinMinutes(30),
        buddies(3),
    );
    p.meeting = Some("my solicitor and a support worker from the local advocacy service".into());
    p.route = Some(
        "tram 52 from the stop outside the library, then walk along the river past the castle"
            .into(),
    );
    p.if_missed = "Call me twice. If I don't answer, call 999 and tell them where I was going, who I was meeting, and that I have a court order against my ex-partner.".into();
    p
}

fn main() {
    let rounds = 200;

    // 1. Stored tick with nothing due vs an empty write transaction, interleaved.
    let tmp = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::create(
        &tmp.path().join("v"),
        "246810",
        CreateOptions::for_tests(Arc::new(SystemClock)),
    )
    .unwrap();
    let safety = Safety::new(&vault);
    let mut p = long_plan();
    p.expect = Expect::WithinMinutes(6 * 60);
    safety.start_checkin(p).unwrap();
    safety.tick(vault.now()).unwrap();
    let (mut tick, mut floor) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        floor.push(time(|| vault.write(|_| Ok(())).unwrap()));
        tick.push(time(|| safety.tick(vault.now()).unwrap()));
    }
    let (tick, floor) = (median(tick), median(floor));
    println!(
        "stored tick, nothing due:     {} (empty write transaction {}; ratio {:.2})",
        us(tick),
        us(floor),
        tick.as_secs_f64() / floor.as_secs_f64()
    );

    // 1b. A stored change (extend: load, change, store, log in the Merkle tree) vs a durable
    // write of one 4 KiB row: what any stored change pays.
    let body = "x".repeat(4096);
    vault
        .write(|tx| {
            Ok(tx.conn().execute_batch(
                "CREATE TABLE IF NOT EXISTS bench (id INTEGER PRIMARY KEY, body TEXT)",
            )?)
        })
        .unwrap();
    let (mut op, mut row) = (Vec::new(), Vec::new());
    for _ in 0..rounds / 4 {
        row.push(time(|| {
            vault
                .write(|tx| {
                    Ok(tx.conn().execute(
                        "INSERT OR REPLACE INTO bench (id, body) VALUES (1, ?1)",
                        [&body],
                    )?)
                })
                .unwrap()
        }));
        op.push(time(|| safety.extend(1).unwrap()));
    }
    let (op, row) = (median(op), median(row));
    println!(
        "extend (stored + logged):     {} (durable 4 KiB row write {}; ratio {:.2})",
        us(op),
        us(row),
        op.as_secs_f64() / row.as_secs_f64()
    );

    // 2. Whole pure run vs the same number of next_wake calls.
    let t0 = Utc.with_ymd_and_hms(2026, 11, 25, 18, 0, 0).unwrap();
    let (mut run, mut wakes) = (Vec::new(), Vec::new());
    for _ in 0..rounds / 4 {
        let mut c = CheckIn::new("bench", long_plan(), t0).unwrap();
        c.start(t0).unwrap();
        let probe = c.clone();
        wakes.push(time(|| {
            (0..180)
                .filter(|_| black_box(&probe).next_wake().is_some())
                .count()
        }));
        run.push(time(|| {
            (0..180)
                .map(|m| c.tick(t0 + Duration::minutes(m)).len())
                .sum::<usize>()
        }));
    }
    let (run, wakes) = (median(run), median(wakes));
    println!(
        "3-hour run, 180 ticks:        {} (180 next_wake calls {}; ratio {:.2})",
        us(run),
        us(wakes),
        run.as_secs_f64() / wakes.as_secs_f64()
    );

    // 3. Fitting the start text into two UCS-2 segments vs measuring it once.
    let plan = long_plan();
    let (mut fit, mut measure) = (Vec::new(), Vec::new());
    let sample = CheckIn::preview(plan.clone(), t0).unwrap()[0].text.clone();
    println!("  fitted text: {} ({:?})", sample, sms_length(&sample));
    for _ in 0..rounds {
        measure.push(time(|| sms_length(black_box(&sample))));
        fit.push(time(|| CheckIn::preview(plan.clone(), t0).unwrap()));
    }
    let (fit, measure) = (median(fit), median(measure));
    println!(
        "preview (3 fitted texts):     {} (one sms_length {}; ratio {:.1})",
        us(fit),
        us(measure),
        fit.as_secs_f64() / measure.as_secs_f64()
    );

    // 4. The locked path: a wake-up tick with nothing due, no PIN, vs the stored tick; and
    // reading the armed file (PRF + open 64 KiB) vs an empty write transaction.
    let dir = tmp.path().join("v");
    let armed = ArmedCheckIn::open(
        &dir,
        Arc::new(SoftwarePrfNoHardware::default()),
        Arc::new(SystemClock),
    )
    .unwrap();
    armed.tick(vault.now()).unwrap();
    let (mut locked, mut stored, mut read, mut floor) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        stored.push(time(|| safety.tick(vault.now()).unwrap()));
        locked.push(time(|| armed.tick(vault.now()).unwrap()));
        read.push(time(|| vault.read_armed().unwrap()));
        floor.push(time(|| vault.write(|_| Ok(())).unwrap()));
    }
    let (locked, stored) = (median(locked), median(stored));
    let (read, floor) = (median(read), median(floor));
    println!(
        "locked tick, nothing due:     {} (stored tick {}; ratio {:.2})",
        us(locked),
        us(stored),
        locked.as_secs_f64() / stored.as_secs_f64()
    );
    println!(
        "armed file read:              {} (empty write transaction {}; ratio {:.2})",
        us(read),
        us(floor),
        read.as_secs_f64() / floor.as_secs_f64()
    );
}
