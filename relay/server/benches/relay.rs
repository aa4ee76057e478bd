//! `cargo bench -p waymark-relay --bench relay`: 10,000 armed check-ins, 1,000 of them due in the
//! same minute, on SQLite and on PostgreSQL (a throwaway cluster, as in the tests). Prints the arm
//! rate (with the rate of `GET /v1/key` through the same client and concurrency as the baseline
//! measured in the same run: HTTP and signature-free, no storage) and the firing delay of every
//! text (gateway receipt time minus deadline + grace): p50, p99, max. Each alert has two texts.
//!
//! `RELAY_BENCH_ONLY=sqlite|postgres` runs one backend; `RELAY_BENCH_TOTAL` / `RELAY_BENCH_DUE`
//! change the counts.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::pg::PgCluster;
use common::scenarios::arm_all;
use common::*;
use waymark_relay_proto::*;

const CLIENTS: usize = 16;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn key_rate(http: &Arc<Http>, base: &str, n: usize) -> f64 {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        let (http, url) = (http.clone(), format!("{base}{PATH_KEY}"));
        let share = n / CLIENTS + usize::from(c < n % CLIENTS);
        tasks.spawn(async move {
            for _ in 0..share {
                assert_eq!(http.get(&url).await.0, 200);
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

async fn run(name: &str, db: Db, files: &RelayFiles, total: usize, due: usize) {
    let gw = FakeGateway::start(Duration::ZERO).await;
    let opts = RelayOptions {
        tick_ms: 500, // the relay's default
        lease_ms: 60_000,
        ..RelayOptions::default()
    };
    let relay = Relay::start(files, &db, &gw, &opts);
    let http = Arc::new(Http::new());

    let baseline = key_rate(&http, &relay.base, 2000).await;

    // Sealing is the phone's work: done before the clock starts.
    let far = now_s() + 3600;
    let phones: Vec<Phone> = (0..total)
        .map(|_| Phone::new(files.key.public_key()))
        .collect();
    let mut arms: Vec<ArmRequest> = phones.iter().map(|p| p.arm_request(far, 0)).collect();
    let (later, soon) = phones.split_at(total - due);
    let (later_arms, soon_arms) = arms.split_at_mut(total - due);
    let later_reqs: Vec<SignedRequest> = later
        .iter()
        .zip(later_arms.iter())
        .map(|(p, a)| p.sign(Operation::Arm(a.clone())))
        .collect();

    let start = Instant::now();
    arm_all(&http, &relay.base, later_reqs, CLIENTS).await;
    // The due ones: deadlines spread over one minute that starts once they are all armed (at
    // this point's arm rate, with a margin).
    let so_far = start.elapsed().as_secs_f64();
    let rate_so_far = (total - due) as f64 / so_far.max(0.001);
    let window_start = now_s() + (due as f64 / rate_so_far * 2.0).ceil() as u64 + 5;
    let soon_reqs: Vec<SignedRequest> = soon
        .iter()
        .zip(soon_arms.iter_mut())
        .enumerate()
        .map(|(i, (p, a))| {
            a.deadline = window_start + (i as u64 * 60) / due as u64;
            p.sign(Operation::Arm(a.clone()))
        })
        .collect();
    let fire_at: std::collections::HashMap<String, i64> = soon
        .iter()
        .zip(soon_arms.iter())
        .flat_map(|(p, a)| {
            (0..2).map(move |i| (format!("wm-{}-{i}", p.id), (a.deadline * 1000) as i64))
        })
        .collect();
    arm_all(&http, &relay.base, soon_reqs, CLIENTS).await;
    let arm_secs = start.elapsed().as_secs_f64();
    assert!(now_s() < window_start, "arming ran past the firing window");
    let arm_rate = total as f64 / arm_secs;

    let texts = due * 2;
    let done = gw
        .wait_for(Duration::from_secs(600), |g| g.counts().len() >= texts)
        .await;
    assert!(done, "{name}: only {} of {texts} texts", gw.counts().len());
    let mut delays: Vec<i64> = gw
        .posts()
        .iter()
        .map(|p| p.at_ms - fire_at[&p.key])
        .collect();
    delays.sort_unstable();
    let twice = gw.posts().len() - gw.counts().len();
    println!(
        "{name}: arm {arm_rate:.0}/s ({total} check-ins, {CLIENTS} clients) = {:.2}x the \
         GET /v1/key rate of {baseline:.0}/s; firing delay over {texts} texts (tick 500 ms): \
         p50 {} ms, p99 {} ms, max {} ms, min {} ms; posted twice: {twice}",
        arm_rate / baseline,
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        delays.last().copied().unwrap_or(0),
        delays.first().copied().unwrap_or(0),
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing we need.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let total = env_usize("RELAY_BENCH_TOTAL", 10_000);
    let due = env_usize("RELAY_BENCH_DUE", 1_000);
    let only = std::env::var("RELAY_BENCH_ONLY").unwrap_or_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        if only.is_empty() || only == "sqlite" {
            let files = RelayFiles::new();
            run("SQLite", files.sqlite(), &files, total, due).await;
        }
        if only.is_empty() || only == "postgres" {
            let pg = PgCluster::start_durable();
            let files = RelayFiles::new();
            let url = pg.new_db().await;
            run("PostgreSQL", Db::Postgres(url), &files, total, due).await;
        }
    });
}
