//! The phone side and the relay together (issue 16): the real `waymark` CLI arms check-ins on a
//! real `waymark-relay` (SQLite) started here, with the fake SMS gateway. A check-in before the
//! deadline sends nothing; the duress PIN gets the same output and the relay texts the buddy at
//! once, the very alert the phone itself would send; extend moves the relay's deadline; with no
//! check-in the relay texts the buddy at deadline plus grace.
//!
//! Needs the `waymark` binary beside `waymark-relay` (`cargo test --workspace` builds both; alone:
//! `cargo build -p waymark-cli` first). A missing binary fails the test, never skips it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::*;

const PIN: &str = "246810";
const DURESS: &str = "135790";
const BUDDY: &str = "+447700900123";

fn waymark_bin() -> PathBuf {
    let relay = PathBuf::from(env!("CARGO_BIN_EXE_waymark-relay"));
    let bin = relay.with_file_name(format!("waymark{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build the CLI first (cargo build -p waymark-cli)",
        bin.display()
    );
    bin
}

/// `waymark ARGS --vault DIR --pin-stdin` fed `stdin`.
fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(waymark_bin())
        .args(args)
        .arg("--vault")
        .arg(dir)
        .arg("--pin-stdin")
        .env_remove("WAYMARK_VAULT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn ok(dir: &Path, args: &[&str], stdin: &str) -> String {
    let out = run(dir, args, stdin);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A vault with a duress PIN and one buddy.
fn vault() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    ok(&dir, &["init", "--insecure-fast-kdf"], &format!("{PIN}\n"));
    ok(
        &dir,
        &["passwd", "--duress"],
        &format!("{PIN}\n{DURESS}\n{DURESS}\n"),
    );
    ok(
        &dir,
        &[
            "contacts",
            "add",
            "Samwise",
            "07700 900123",
            "--role",
            "buddy",
        ],
        &format!("{PIN}\n"),
    );
    (tmp, dir)
}

fn start(dir: &Path, relay: &str, expect: &str, grace: &str) -> serde_json::Value {
    let out = ok(
        dir,
        &[
            "checkin",
            "start",
            "--to",
            "the library on Elm Road",
            "--expect",
            expect,
            "--grace",
            grace,
            "--relay",
            relay,
            "--json",
        ],
        &format!("{PIN}\n"),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["relay"]["reached"], true, "{v}");
    assert_eq!(v["relay"]["state"], "armed", "{v}");
    v
}

/// The alert the phone itself sends the buddy when nobody checks in, read from a copy of the
/// vault (ticking the copy changes nothing in the vault the test goes on with).
fn phones_own_alert(dir: &Path) -> String {
    let copy = tempfile::tempdir().unwrap();
    let status = Command::new("cp")
        .arg("-a")
        .arg(dir)
        .arg(copy.path().join("vault"))
        .status()
        .unwrap();
    assert!(status.success());
    let later = (chrono_now() + 3 * 3600).to_string();
    let out = ok(
        &copy.path().join("vault"),
        &["checkin", "tick", "--now", &rfc3339(&later), "--json"],
        "",
    );
    let events: serde_json::Value = serde_json::from_str(&out).unwrap();
    events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "alert")
        .map(|e| e["text"].as_str().unwrap().to_string())
        .expect("the phone's own alert")
}

fn chrono_now() -> u64 {
    now_s()
}

/// Seconds since the epoch as RFC 3339 UTC, without a date crate.
fn rfc3339(secs: &str) -> String {
    let s: i64 = secs.parse().unwrap();
    let days = s.div_euclid(86_400);
    let rem = s.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_sends_nothing_and_the_duress_pin_fires_the_buddys_alert_at_once() {
    let files = RelayFiles::new();
    let gateway = FakeGateway::start(Duration::ZERO).await;
    let relay = Relay::start(&files, &files.sqlite(), &gateway, &RelayOptions::default());
    let base = relay.base.clone();
    let (outputs, alert) = blocking(move || {
        let mut outputs = Vec::new();
        let mut alert = String::new();
        for pin in [PIN, DURESS] {
            let (_tmp, dir) = vault();
            start(&dir, &base, "30m", "15");
            if pin == DURESS {
                alert = phones_own_alert(&dir);
            }
            outputs.push(ok(&dir, &["checkin", "ok"], &format!("{pin}\n")));
        }
        (outputs, alert)
    })
    .await;
    assert_eq!(
        outputs[0], outputs[1],
        "the duress PIN prints exactly the same"
    );
    assert!(
        outputs[0].contains("The relay has your check-in too"),
        "{}",
        outputs[0]
    );
    // The duress check-in's alert reaches the gateway at once; the real one sends nothing.
    assert!(
        gateway
            .wait_for(Duration::from_secs(10), |g| !g.posts().is_empty())
            .await,
        "{}",
        relay.logs()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let posts = gateway.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].to, BUDDY);
    assert_eq!(
        posts[0].body, alert,
        "the relay sends the phone's own words"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extend_moves_the_relays_deadline_and_cancel_ends_it() {
    let files = RelayFiles::new();
    let gateway = FakeGateway::start(Duration::ZERO).await;
    let relay = Relay::start(&files, &files.sqlite(), &gateway, &RelayOptions::default());
    let base = relay.base.clone();
    blocking(move || {
        let (_tmp, dir) = vault();
        let started = start(&dir, &base, "30m", "15");
        let extended: serde_json::Value = serde_json::from_str(&ok(
            &dir,
            &["checkin", "extend", "20", "--json"],
            &format!("{PIN}\n"),
        ))
        .unwrap();
        assert_eq!(extended["relay"]["state"], "armed", "{extended}");
        let before = started["relay"]["deadline"].as_str().unwrap().to_string();
        let after = extended["relay"]["deadline"].as_str().unwrap().to_string();
        assert!(after > before, "{before} -> {after}");
        let status: serde_json::Value = serde_json::from_str(&ok(
            &dir,
            &["checkin", "status", "--json"],
            &format!("{PIN}\n"),
        ))
        .unwrap();
        assert_eq!(status["relay_status"]["deadline"], after.as_str());
        let cancelled: serde_json::Value = serde_json::from_str(&ok(
            &dir,
            &["checkin", "cancel", "--json"],
            &format!("{PIN}\n"),
        ))
        .unwrap();
        assert_eq!(cancelled["relay"]["state"], "cancelled", "{cancelled}");
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(gateway.posts().is_empty());
}

/// Real time: the CLI's deadlines sit on whole minutes, so this waits up to two minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_check_in_the_relay_texts_the_buddy_at_deadline_plus_grace() {
    let files = RelayFiles::new();
    let gateway = FakeGateway::start(Duration::ZERO).await;
    let relay = Relay::start(&files, &files.sqlite(), &gateway, &RelayOptions::default());
    let base = relay.base.clone();
    let (_vault, alert, fire_at) = blocking(move || {
        let (tmp, dir) = vault();
        let started = start(&dir, &base, "1m", "0");
        let alert = phones_own_alert(&dir);
        let due = started["checkin"]["alert_at"].as_str().unwrap().to_string();
        (tmp, alert, due)
    })
    .await;
    assert!(
        gateway
            .wait_for(Duration::from_secs(150), |g| !g.posts().is_empty())
            .await,
        "nothing sent by {fire_at}: {}",
        relay.logs()
    );
    let posts = gateway.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].to, BUDDY);
    assert_eq!(posts[0].body, alert);
    let sent_at = rfc3339(&(posts[0].at_ms / 1000).to_string());
    assert!(sent_at >= fire_at, "sent {sent_at}, due {fire_at}");
}
