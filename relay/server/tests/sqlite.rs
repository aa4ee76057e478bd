//! The relay end to end on loopback with its default storage (SQLite), a fake SMS gateway, and
//! requests built with the protocol crate.

mod common;

use common::scenarios::*;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fires_at_deadline_plus_grace_sqlite() {
    let files = RelayFiles::new();
    fires_at_deadline_plus_grace(files.sqlite(), &files).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_in_before_deadline_sends_nothing_sqlite() {
    let files = RelayFiles::new();
    check_in_before_deadline_sends_nothing(files.sqlite(), &files).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extend_moves_the_deadline_sqlite() {
    let files = RelayFiles::new();
    extend_moves_the_deadline(files.sqlite(), &files).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duress_fires_at_once_with_the_same_reply_sqlite() {
    let files = RelayFiles::new();
    duress_fires_at_once_with_the_same_reply(files.sqlite(), &files).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_secret_is_refused_and_still_fires_sqlite() {
    let files = RelayFiles::new();
    wrong_secret_is_refused_and_still_fires(files.sqlite(), &files).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_failures_are_retried_sqlite() {
    let files = RelayFiles::new();
    gateway_failures_are_retried(files.sqlite(), &files).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_refusal_is_not_retried_sqlite() {
    for refusal in [400, 401] {
        let files = RelayFiles::new();
        gateway_refusal_is_not_retried(files.sqlite(), &files, refusal).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twilio_gateway_gets_each_text_sqlite() {
    let files = RelayFiles::new();
    twilio_gateway_gets_each_text(files.sqlite(), &files).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_forgets_old_request_ids_and_ended_checkins_sqlite() {
    let files = RelayFiles::new();
    purge_forgets_old_request_ids_and_ended_checkins(files.sqlite(), &files).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_per_device_sqlite() {
    let files = RelayFiles::new();
    rate_limits_per_device(files.sqlite(), &files).await;
}

/// Hostile input, then the file itself: only the one legitimate check-in and its requests are in
/// it (refused requests stored nothing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_is_refused_and_nothing_stored_sqlite() {
    let files = RelayFiles::new();
    let db = files.sqlite();
    hostile_input_is_refused(db.clone(), &files).await;
    // The relay has been killed (dropped); the file is free to read.
    let Db::Sqlite(path) = db else { unreachable!() };
    let conn = rusqlite::Connection::open(&path).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT count(*) FROM checkins"), 1);
    // The arm and the check-in (each answered twice, stored once).
    assert_eq!(count("SELECT count(*) FROM requests"), 2);
    assert_eq!(count("SELECT count(*) FROM outbox"), 0);
    assert_eq!(
        count("SELECT count(*) FROM checkins WHERE sealed IS NULL AND cancel_hash IS NULL"),
        1,
        "a check-in that ended keeps no sealed alert or hashes"
    );
}

/// A second process on the same SQLite file is refused: it could send the same alerts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_on_one_sqlite_file_is_refused() {
    let files = RelayFiles::new();
    let gw = FakeGateway::start(std::time::Duration::ZERO).await;
    let _first = Relay::start(&files, &files.sqlite(), &gw, &RelayOptions::default());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark-relay"))
        .arg("serve")
        .args([
            "--listen",
            "127.0.0.1:0",
            "--db",
            &files.sqlite().arg(),
            "--gateway",
            &gw.url,
        ])
        .arg("--key")
        .arg(files.dir.path().join("relay.key"))
        .arg("--gateway-token-file")
        .arg(files.dir.path().join("token"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another relay process"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_while_firing_500_sqlite() {
    let files = RelayFiles::new();
    crash_while_firing(files.sqlite(), &files, 500).await;
}

/// A copy of the relay's folder (database, write-ahead log, logs) while a check-in is armed and
/// after others ended every way holds no number, name, place or text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_and_logs_hold_no_personal_data_sqlite() {
    let files = RelayFiles::new();
    let (mut relay, _gw) = every_state(files.sqlite(), &files).await;
    let running = files_under(files.dir.path());
    assert!(running.iter().any(|(p, _)| p.ends_with("relay.db")));
    for (path, bytes) in &running {
        assert!(
            markers_in(bytes).is_empty(),
            "{} holds {:?}",
            path.display(),
            markers_in(bytes)
        );
    }
    relay.stop();
    for (path, bytes) in files_under(files.dir.path()) {
        assert!(markers_in(&bytes).is_empty(), "{}", path.display());
    }
    // The sealed alert is still there for the armed check-in, and only for it.
    let Db::Sqlite(path) = files.sqlite() else {
        unreachable!()
    };
    let conn = rusqlite::Connection::open(path).unwrap();
    let sealed: i64 = conn
        .query_row(
            "SELECT count(*) FROM checkins WHERE sealed IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sealed, 1);
}

/// An https gateway: with its CA given (`--gateway-ca-file`) the alert reaches it over TLS; a
/// relay trusting only Mozilla's roots refuses the same gateway's certificate, sends nothing in
/// clear, and keeps the text to try again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_gateway_is_reached_only_when_its_certificate_is_trusted() {
    let files = RelayFiles::new();
    let gw = FakeGateway::start_tls().await;
    let http = Http::new();

    let untrusted = gw.trusting_only_mozilla_roots();
    let relay = Relay::start(
        &files,
        &files.sqlite(),
        &untrusted,
        &RelayOptions::default(),
    );
    let refused = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &refused.arm(now_s() + 1, 1)).await);
    let end = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !relay.logs().contains("the gateway did not take a text") {
        assert!(
            std::time::Instant::now() < end,
            "no failed post: {}",
            relay.logs()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        gw.posts().is_empty(),
        "nothing got past an untrusted certificate"
    );
    drop(relay);

    let relay = Relay::start(&files, &files.sqlite(), &gw, &RelayOptions::default());
    let phone = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &phone.arm(now_s() + 1, 1)).await);
    assert!(
        gw.wait_for(std::time::Duration::from_secs(30), |g| g
            .posts_for(&phone.id)
            .len()
            == 2)
            .await,
        "the alert did not reach the https gateway: {}",
        relay.logs()
    );
    let mut got: Vec<_> = gw
        .posts_for(&phone.id)
        .into_iter()
        .map(|p| (p.to, p.body))
        .collect();
    got.sort();
    let mut want: Vec<_> = Phone::alert()
        .messages
        .into_iter()
        .map(|m| (m.to, m.body))
        .collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(gw.wrong_authorization(), 0);
}
