//! `waymark checkin ... --relay URL` against a relay stand-in started in the test (a small HTTP
//! server that checks every request with the protocol crate exactly as a relay must): the key is
//! pinned on first use and a changed key is refused until accepted; the sealed alert opens to the
//! very texts the CLI's own timer hands out; `ok` from the locked vault sends the cancel secret,
//! and the duress PIN the duress secret with the same output; `extend` and `cancel` reach it; an
//! unreachable relay leaves the local timer running and says plainly the plan is not held.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use waymark_relay_proto as proto;
use waymark_test_support::cli::*;
use waymark_test_support::PIN;

const DURESS: &str = "135790";

/// What the stand-in remembers of one armed check-in.
#[derive(Clone)]
struct Held {
    arm: proto::ArmRequest,
    device: proto::DevicePublicKey,
    state: proto::CheckinState,
    /// Which secret each check-in / cancel call carried.
    secrets: Vec<proto::SecretMatch>,
}

#[derive(Default)]
struct Seen {
    held: Vec<Held>,
    calls: Vec<String>,
}

struct FakeRelay {
    url: String,
    key: Arc<Mutex<proto::RelayKeyPair>>,
    seen: Arc<Mutex<Seen>>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

impl FakeRelay {
    fn start() -> FakeRelay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let key = Arc::new(Mutex::new(proto::RelayKeyPair::generate().unwrap()));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (k, s) = (key.clone(), seen.clone());
        // The thread ends with the test process.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve(stream, &k, &s);
            }
        });
        FakeRelay { url, key, seen }
    }
    fn fingerprint(&self) -> String {
        self.key.lock().unwrap().public_key().fingerprint()
    }
    fn held(&self) -> Vec<Held> {
        self.seen.lock().unwrap().held.clone()
    }
    fn calls(&self) -> Vec<String> {
        self.seen.lock().unwrap().calls.clone()
    }
}

fn serve(stream: TcpStream, key: &Mutex<proto::RelayKeyPair>, seen: &Mutex<Seen>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("").to_string(),
        parts.next().unwrap_or("").to_string(),
    );
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let (status, reply) = answer(&method, &path, &headers, &body, key, seen);
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

fn refuse(status: u16, code: &str) -> (u16, String) {
    (
        status,
        format!(r#"{{"error":"{code}","reason":"refused by the test relay: {code}"}}"#),
    )
}

fn answer(
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
    key: &Mutex<proto::RelayKeyPair>,
    seen: &Mutex<Seen>,
) -> (u16, String) {
    let mut seen = seen.lock().unwrap();
    seen.calls.push(format!("{method} {path}"));
    if method == "GET" && path == proto::PATH_KEY {
        return (
            200,
            serde_json::to_string(&key.lock().unwrap().document()).unwrap(),
        );
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let Ok(verified) = proto::sign::verify(method, path, header, body, now()) else {
        return refuse(401, "bad_signature");
    };
    let status = |h: &Held| {
        (
            200,
            serde_json::to_string(&proto::CheckinStatus {
                checkin_id: h.arm.checkin_id,
                state: h.state,
                deadline: h.arm.deadline,
                grace_seconds: h.arm.grace_seconds,
            })
            .unwrap(),
        )
    };
    if path == proto::PATH_ARM {
        let arm: proto::ArmRequest = serde_json::from_slice(body).unwrap();
        arm.check_times(now()).unwrap();
        assert_eq!(arm.relay_key, key.lock().unwrap().public_key());
        let h = Held {
            arm,
            device: verified.device_key,
            state: proto::CheckinState::Armed,
            secrets: Vec::new(),
        };
        let reply = status(&h);
        seen.held.push(h);
        return reply;
    }
    let mut segments = path.trim_start_matches("/v1/checkins/").split('/');
    let (id, action) = (segments.next().unwrap_or(""), segments.next().unwrap_or(""));
    let Some(h) = seen
        .held
        .iter_mut()
        .find(|h| h.arm.checkin_id.to_string() == id)
    else {
        return refuse(404, "unknown_checkin");
    };
    if h.device != verified.device_key {
        return refuse(403, "wrong_device");
    }
    match action {
        "extend" => {
            let e: proto::ExtendRequest = serde_json::from_slice(body).unwrap();
            h.arm.deadline = e.deadline;
        }
        "checkin" | "cancel" => {
            let r: proto::SecretRequest = serde_json::from_slice(body).unwrap();
            let m = proto::secret::match_secret(
                &h.arm.checkin_id,
                &r.secret,
                &h.arm.cancel_hash,
                &h.arm.duress_hash,
            );
            h.secrets.push(m);
            h.state = match (m, action) {
                (proto::SecretMatch::Neither, _) => return refuse(403, "wrong_secret"),
                (_, "checkin") => proto::CheckinState::CheckedIn,
                _ => proto::CheckinState::Cancelled,
            };
        }
        "status" => {}
        _ => return refuse(404, "unknown"),
    }
    status(h)
}

fn add_buddy(dir: &Path) {
    ok(
        dir,
        &[
            "contacts",
            "add",
            "Samwise",
            "07700 900123",
            "--role",
            "buddy",
        ],
    );
}

fn start(dir: &Path, url: &str) -> String {
    ok(
        dir,
        &[
            "checkin",
            "start",
            "--to",
            "the library on Elm Road",
            "--expect",
            "45m",
            "--relay",
            url,
        ],
    )
}

#[test]
fn the_relay_holds_exactly_the_buddys_alert_and_hears_every_step() {
    let (_tmp, dir) = new_vault();
    add_buddy(&dir);
    let relay = FakeRelay::start();
    let out = start(&dir, &relay.url);
    assert!(out.contains("First use of this relay"), "{out}");
    assert!(out.contains(&relay.fingerprint()), "{out}");
    assert!(out.contains("The relay holds your plan"), "{out}");
    let held = relay.held();
    assert_eq!(held.len(), 1);
    let arm = &held[0].arm;
    assert_eq!(arm.grace_seconds, 15 * 60);

    // The sealed alert is the text the CLI's own timer hands the buddy when nobody checks in.
    let opened = arm
        .alert
        .open(&relay.key.lock().unwrap(), &arm.checkin_id)
        .unwrap();
    let later = chrono::Utc::now() + chrono::Duration::hours(3);
    let due = json(&dir, &["checkin", "tick", "--now", &later.to_rfc3339()]);
    let alerts: Vec<(String, String)> = due
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "alert")
        .map(|e| {
            (
                e["contact"]["phone"].as_str().unwrap().to_string(),
                e["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let sealed: Vec<(String, String)> = opened
        .messages
        .iter()
        .map(|m| (m.to.clone(), m.body.clone()))
        .collect();
    assert_eq!(sealed, alerts);
    assert_eq!(sealed[0].0, "+447700900123");
    assert!(sealed[0].1.contains("Elm Road"));

    let out = ok(&dir, &["checkin", "status"]);
    assert!(out.contains("Relay: holding your plan"), "{out}");
}

#[test]
fn extend_cancel_and_ok_reach_the_relay_with_the_right_secret() {
    let (_tmp, dir) = new_vault();
    add_buddy(&dir);
    let relay = FakeRelay::start();
    start(&dir, &relay.url);
    let first = relay.held()[0].arm.deadline;
    let out = ok(&dir, &["checkin", "extend", "30"]);
    assert!(out.contains("The relay has your new time"), "{out}");
    assert!(relay.held()[0].arm.deadline >= first + 30 * 60);
    let out = ok(&dir, &["checkin", "cancel"]);
    assert!(out.contains("The relay has dropped your plan"), "{out}");
    let h = &relay.held()[0];
    assert_eq!(h.state, proto::CheckinState::Cancelled);
    assert_eq!(h.secrets, [proto::SecretMatch::Cancel]);

    // A second plan on the same relay: no new "first use", `ok` from the locked vault.
    let out = start(&dir, &relay.url);
    assert!(!out.contains("First use"), "{out}");
    let out = ok(&dir, &["checkin", "ok"]);
    assert!(out.contains("The relay has your check-in too"), "{out}");
    let h = &relay.held()[1];
    assert_eq!(h.state, proto::CheckinState::CheckedIn);
    assert_eq!(h.secrets, [proto::SecretMatch::Cancel]);
    assert_eq!(h.device, relay.held()[0].device, "one device key");
}

#[test]
fn the_duress_pin_sends_the_duress_secret_and_prints_the_same() {
    let mut outputs = Vec::new();
    for pin in [PIN, DURESS] {
        let (_tmp, dir) = new_vault();
        let out = run(
            &dir,
            &["passwd", "--duress"],
            &format!("{PIN}\n{DURESS}\n{DURESS}\n"),
        );
        assert_eq!(out.status.code(), Some(0));
        add_buddy(&dir);
        let relay = FakeRelay::start();
        start(&dir, &relay.url);
        let out = run(&dir, &["checkin", "ok"], &format!("{pin}\n"));
        assert_eq!(out.status.code(), Some(0));
        let h = &relay.held()[0];
        assert_eq!(h.state, proto::CheckinState::CheckedIn);
        let want = if pin == PIN {
            proto::SecretMatch::Cancel
        } else {
            proto::SecretMatch::Duress
        };
        assert_eq!(h.secrets, [want]);
        outputs.push(String::from_utf8(out.stdout).unwrap());
    }
    assert_eq!(
        outputs[0], outputs[1],
        "the duress PIN prints exactly the same"
    );
}

#[test]
fn an_unreachable_relay_leaves_the_local_timer_running_and_says_so() {
    let (_tmp, dir) = new_vault();
    add_buddy(&dir);
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = start(&dir, &format!("http://127.0.0.1:{port}"));
    assert!(out.contains("Your check-in has started"), "{out}");
    assert!(out.contains("The relay is NOT holding your plan"), "{out}");
    assert!(out.contains("could not be reached"), "{out}");
    // The phone's own timer runs: the alert comes from `tick` as without a relay.
    let later = chrono::Utc::now() + chrono::Duration::hours(3);
    let due = json(&dir, &["checkin", "tick", "--now", &later.to_rfc3339()]);
    assert!(due.as_array().unwrap().iter().any(|e| e["type"] == "alert"));
}

#[test]
fn a_changed_relay_key_is_refused_until_its_fingerprint_is_accepted() {
    let (_tmp, dir) = new_vault();
    add_buddy(&dir);
    let relay = FakeRelay::start();
    start(&dir, &relay.url);
    ok(&dir, &["checkin", "cancel"]);
    let old = relay.fingerprint();
    *relay.key.lock().unwrap() = proto::RelayKeyPair::generate().unwrap();
    let new = relay.fingerprint();

    let args = [
        "checkin", "start", "--to", "the gym", "--expect", "45m", "--relay", &relay.url,
    ];
    let out = run(&dir, &args, &format!("{PIN}\n"));
    let err = assert_clean_failure(&out, 1);
    assert!(
        err.contains("key has changed") && err.contains("nothing was started"),
        "{err}"
    );
    assert!(err.contains(&old) && err.contains(&new), "{err}");
    assert!(ok(&dir, &["checkin", "status"]).contains("No check-in is running"));
    assert_eq!(relay.held().len(), 1, "nothing armed with the new key");

    // A fingerprint that is not the relay's is refused too.
    let mut wrong = args.to_vec();
    wrong.extend(["--accept-relay-key", &old]);
    assert_clean_failure(&run(&dir, &wrong, &format!("{PIN}\n")), 1);

    let mut accept = args.to_vec();
    accept.extend(["--accept-relay-key", &new]);
    let out = ok(&dir, &accept);
    assert!(out.contains("You accepted the relay's new key"), "{out}");
    assert!(out.contains("The relay holds your plan"), "{out}");
    assert_eq!(relay.held().len(), 2);
    // From now on the new key is the pinned one.
    ok(&dir, &["checkin", "cancel"]);
    let out = start(&dir, &relay.url);
    assert!(!out.contains("fingerprint"), "{out}");
    // Each start asked for the key first; nothing but the protocol's calls arrived.
    let calls = relay.calls();
    assert_eq!(calls.iter().filter(|c| *c == "GET /v1/key").count(), 5);
    assert!(
        calls
            .iter()
            .all(|c| c.starts_with("GET /v1/key") || c.starts_with("POST /v1/checkins")),
        "{calls:?}"
    );
}
