//! The same suite against a real PostgreSQL (a throwaway cluster on a Unix socket, see
//! common/pg.rs), plus two relay processes on one database. One test function runs every
//! scenario against one cluster, so the cluster is started and stopped once. PostgreSQL missing
//! is a failure, not a skip.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use common::pg::PgCluster;
use common::scenarios::*;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_suite_on_postgresql() {
    let pg = PgCluster::start();
    let files = RelayFiles::new();
    let db = || async { Db::Postgres(pg.new_db().await) };

    fires_at_deadline_plus_grace(db().await, &files).await;
    check_in_before_deadline_sends_nothing(db().await, &files).await;
    extend_moves_the_deadline(db().await, &files).await;
    duress_fires_at_once_with_the_same_reply(db().await, &files).await;
    wrong_secret_is_refused_and_still_fires(db().await, &files).await;
    gateway_failures_are_retried(db().await, &files).await;
    rate_limits_per_device(db().await, &files).await;
    gateway_refusal_is_not_retried(db().await, &files, 400).await;
    purge_forgets_old_request_ids_and_ended_checkins(db().await, &files).await;

    // Hostile input stores nothing: one check-in, two requests.
    let hostile = pg.new_db().await;
    hostile_input_is_refused(Db::Postgres(hostile.clone()), &files).await;
    let (client, conn) = tokio_postgres::connect(&hostile, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let count = |sql: &'static str| {
        let client = &client;
        async move { client.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    assert_eq!(count("SELECT count(*) FROM checkins").await, 1);
    assert_eq!(count("SELECT count(*) FROM requests").await, 2);
    assert_eq!(count("SELECT count(*) FROM outbox").await, 0);

    // Privacy: the tables (as text) and every file of the cluster hold no personal data.
    let private = pg.new_db().await;
    let (relay, _gw) = every_state(Db::Postgres(private.clone()), &files).await;
    let dump = pg.dump(&private).await;
    assert!(dump.contains("armed"), "the dump reads the tables: {dump}");
    assert!(markers_in(dump.as_bytes()).is_empty(), "{dump}");
    drop(relay);
    for (path, bytes) in files_under(pg.data_dir()) {
        assert!(
            markers_in(&bytes).is_empty(),
            "{} holds {:?}",
            path.display(),
            markers_in(&bytes)
        );
    }

    crash_while_firing(Db::Postgres(pg.new_db().await), &files, 500).await;
    two_processes_one_database(Db::Postgres(pg.new_db().await), &files, 400).await;
}

/// Two relay processes on one database: every text of every alert is posted exactly once (the
/// gateway counts posts per idempotency key and dedups nothing), and none is missed.
async fn two_processes_one_database(db: Db, files: &RelayFiles, count: usize) {
    let gw = FakeGateway::start(Duration::from_millis(5)).await;
    let opts = RelayOptions::default();
    let a = Relay::start(files, &db, &gw, &opts);
    let b = Relay::start(files, &db, &gw, &opts);
    let http = Arc::new(Http::new());
    let phones: Vec<Phone> = (0..count)
        .map(|_| Phone::new(files.key.public_key()))
        .collect();
    let (deadline, reqs) = arms_due_in(&phones, 8);
    // Half armed through each process.
    let (first, second): (Vec<_>, Vec<_>) =
        reqs.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
    arm_all(
        &http,
        &a.base,
        first.into_iter().map(|(_, r)| r).collect(),
        4,
    )
    .await;
    arm_all(
        &http,
        &b.base,
        second.into_iter().map(|(_, r)| r).collect(),
        4,
    )
    .await;
    assert!(
        now_s() < deadline,
        "arming took too long for the test's deadline"
    );

    let total = count * 2;
    assert!(
        gw.wait_for(Duration::from_secs(60), |g| g.counts().len() == total)
            .await,
        "{} of {total}: {}",
        gw.counts().len(),
        a.logs()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let counts: HashMap<String, usize> = gw.counts();
    assert_eq!(counts.len(), total, "a text was missed");
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "posted more than once: {twice:?}");
    let sent = |r: &Relay| -> u64 {
        let m = std::fs::read_to_string(&r.log).unwrap_or_default();
        m.matches("check-ins missed").count() as u64
    };
    eprintln!(
        "two processes: {total} texts, each once; claim rounds logged by A {} and B {}",
        sent(&a),
        sent(&b)
    );
}
