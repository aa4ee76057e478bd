//! The relay's behaviour, as scenarios run against SQLite (tests/sqlite.rs) and PostgreSQL
//! (tests/postgres.rs). Each takes a fresh database.

use std::collections::HashSet;
use std::time::Duration;

use waymark_relay_proto::*;

use super::*;

async fn setup(files: &RelayFiles, db: &Db) -> (FakeGateway, Relay, Http) {
    let gw = FakeGateway::start(Duration::ZERO).await;
    let relay = Relay::start(files, db, &gw, &RelayOptions::default());
    (gw, relay, Http::new())
}

/// No check-in: the texts go out at deadline + grace, not before, once each, with the token.
pub async fn fires_at_deadline_plus_grace(db: Db, files: &RelayFiles) {
    let (gw, relay, http) = setup(files, &db).await;
    let phone = Phone::new(files.key.public_key());
    let deadline = now_s() + 2;
    let armed = status(http.send(&relay.base, &phone.arm(deadline, 1)).await);
    assert_eq!(armed.state, CheckinState::Armed);
    assert_eq!((armed.deadline, armed.grace_seconds), (deadline, 1));

    assert!(
        gw.wait_for(Duration::from_secs(10), |g| g.posts_for(&phone.id).len()
            == 2)
            .await,
        "the alert was not sent: {}",
        relay.logs()
    );
    let posts = gw.posts_for(&phone.id);
    let fire_at_ms = ((deadline + 1) * 1000) as i64;
    for p in &posts {
        assert!(
            p.at_ms >= fire_at_ms,
            "sent {} ms early",
            fire_at_ms - p.at_ms
        );
    }
    let expected = Phone::alert();
    let mut got: Vec<(String, String)> = posts
        .iter()
        .map(|p| (p.to.clone(), p.body.clone()))
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = expected
        .messages
        .iter()
        .map(|m| (m.to.clone(), m.body.clone()))
        .collect();
    want.sort();
    assert_eq!(got, want);
    let keys: HashSet<_> = posts.iter().map(|p| p.key.clone()).collect();
    assert_eq!(keys.len(), 2, "one idempotency key per text");
    assert_eq!(gw.wrong_authorization(), 0);
    // Nothing more arrives later.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(gw.posts_for(&phone.id).len(), 2);
    assert_eq!(
        status(http.send(&relay.base, &phone.status()).await).state,
        CheckinState::Alerted
    );
    // Checking in too late changes nothing and says so.
    let late = status(http.send(&relay.base, &phone.check_in(&phone.cancel)).await);
    assert_eq!(late.state, CheckinState::Alerted);
    let (code, metrics) = http.get(&format!("{}/metrics", relay.base)).await;
    assert_eq!(code, 200);
    assert!(metrics.contains("waymark_relay_fired_total 1"), "{metrics}");
    assert!(
        metrics.contains("waymark_relay_texts_sent_total 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("waymark_relay_firing_delay_seconds_count 2"),
        "{metrics}"
    );
}

/// A check-in before the deadline: nothing is ever sent.
pub async fn check_in_before_deadline_sends_nothing(db: Db, files: &RelayFiles) {
    let (gw, relay, http) = setup(files, &db).await;
    let phone = Phone::new(files.key.public_key());
    let deadline = now_s() + 2;
    status(http.send(&relay.base, &phone.arm(deadline, 0)).await);
    let ok = status(http.send(&relay.base, &phone.check_in(&phone.cancel)).await);
    assert_eq!(ok.state, CheckinState::CheckedIn);
    // A control check-in armed at the same time does fire, so the wait below is long enough.
    let control = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &control.arm(deadline, 0)).await);
    assert!(
        gw.wait_for(Duration::from_secs(10), |g| g.posts_for(&control.id).len()
            == 2)
            .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(gw.posts_for(&phone.id).is_empty());
    assert_eq!(
        status(http.send(&relay.base, &phone.status()).await).state,
        CheckinState::CheckedIn
    );
    // After it ended, extending is refused with a reason.
    let code = refusal(
        http.send(&relay.base, &phone.extend(now_s() + 60)).await,
        409,
    );
    assert_eq!(code, "ended");
}

/// Extend moves the deadline: nothing at the old one, the texts at the new one.
pub async fn extend_moves_the_deadline(db: Db, files: &RelayFiles) {
    let (gw, relay, http) = setup(files, &db).await;
    let phone = Phone::new(files.key.public_key());
    let first = now_s() + 2;
    status(http.send(&relay.base, &phone.arm(first, 0)).await);
    let later = first + 2;
    let moved = status(http.send(&relay.base, &phone.extend(later)).await);
    assert_eq!(moved.deadline, later);
    assert_eq!(
        status(http.send(&relay.base, &phone.status()).await).deadline,
        later
    );
    assert!(
        gw.wait_for(Duration::from_secs(10), |g| g.posts_for(&phone.id).len()
            == 2)
            .await
    );
    for p in gw.posts_for(&phone.id) {
        assert!(p.at_ms >= (later * 1000) as i64, "sent at the old deadline");
    }
}

/// The duress secret: the same reply as a real check-in, and the texts go out at once.
pub async fn duress_fires_at_once_with_the_same_reply(db: Db, files: &RelayFiles) {
    let (gw, relay, http) = setup(files, &db).await;
    let deadline = now_s() + 3600;
    let real = Phone::new(files.key.public_key());
    let forced = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &real.arm(deadline, 600)).await);
    status(http.send(&relay.base, &forced.arm(deadline, 600)).await);

    let a = http.send(&relay.base, &real.check_in(&real.cancel)).await;
    let started = now_ms();
    let b = http
        .send(&relay.base, &forced.check_in(&forced.duress))
        .await;
    assert_eq!(a.0, b.0);
    let same_shape = |r: &(u16, Vec<u8>), id: &CheckinId| {
        String::from_utf8(r.1.clone())
            .unwrap()
            .replace(&id.to_string(), "ID")
    };
    assert_eq!(same_shape(&a, &real.id), same_shape(&b, &forced.id));

    assert!(
        gw.wait_for(Duration::from_secs(3), |g| g.posts_for(&forced.id).len()
            == 2)
            .await,
        "the duress alert was not sent at once"
    );
    let last = gw
        .posts_for(&forced.id)
        .iter()
        .map(|p| p.at_ms)
        .max()
        .unwrap();
    assert!(last - started < 2000, "took {} ms", last - started);
    assert!(gw.posts_for(&real.id).is_empty());
    // Status says what a real check-in says, forever.
    let sa = http.send(&relay.base, &real.status()).await;
    let sb = http.send(&relay.base, &forced.status()).await;
    assert_eq!(same_shape(&sa, &real.id), same_shape(&sb, &forced.id));
    assert_eq!(status(sb).state, CheckinState::CheckedIn);

    // Cancelling with the duress secret behaves the same way.
    let third = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &third.arm(deadline, 600)).await);
    let c = status(http.send(&relay.base, &third.cancel(&third.duress)).await);
    assert_eq!(c.state, CheckinState::Cancelled);
    assert!(
        gw.wait_for(Duration::from_secs(3), |g| g.posts_for(&third.id).len()
            == 2)
            .await
    );
    // No log line tells the duress secret from the cancel secret.
    assert!(
        !relay.logs().to_lowercase().contains("duress"),
        "{}",
        relay.logs()
    );
}

/// A wrong secret is refused, changes nothing, and the alert still goes out.
pub async fn wrong_secret_is_refused_and_still_fires(db: Db, files: &RelayFiles) {
    let (gw, relay, http) = setup(files, &db).await;
    let phone = Phone::new(files.key.public_key());
    let deadline = now_s() + 2;
    status(http.send(&relay.base, &phone.arm(deadline, 0)).await);
    let wrong = CheckinSecret::random().unwrap();
    assert_eq!(
        refusal(http.send(&relay.base, &phone.check_in(&wrong)).await, 403),
        "wrong_secret"
    );
    assert_eq!(
        refusal(http.send(&relay.base, &phone.cancel(&wrong)).await, 403),
        "wrong_secret"
    );
    // Another check-in's real secret is wrong here too.
    let other = phone.next_checkin();
    assert_eq!(
        refusal(
            http.send(&relay.base, &phone.check_in(&other.cancel)).await,
            403
        ),
        "wrong_secret"
    );
    assert_eq!(
        status(http.send(&relay.base, &phone.status()).await).state,
        CheckinState::Armed
    );
    assert!(
        gw.wait_for(Duration::from_secs(10), |g| g.posts_for(&phone.id).len()
            == 2)
            .await
    );
    assert!(gw
        .posts_for(&phone.id)
        .iter()
        .all(|p| p.at_ms >= (deadline * 1000) as i64));
}

/// A gateway that fails for a while: the texts are tried again and delivered once accepted.
pub async fn gateway_failures_are_retried(db: Db, files: &RelayFiles) {
    let gw = FakeGateway::start(Duration::ZERO).await;
    gw.fail_first(3);
    let opts = RelayOptions {
        lease_ms: 300,
        ..RelayOptions::default()
    };
    let relay = Relay::start(files, &db, &gw, &opts);
    let http = Http::new();
    let phone = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &phone.arm(now_s() + 1, 0)).await);
    assert!(
        gw.wait_for(Duration::from_secs(15), |g| g.posts_for(&phone.id).len()
            == 2)
            .await,
        "{}",
        relay.logs()
    );
    assert_eq!(gw.failed(), 3);
    assert!(gw.counts().values().all(|&n| n == 1));
}

/// Bad input: a 4xx with a plain reason, nothing stored, and the relay keeps serving. Returns the
/// number of check-ins that were legitimately armed (for the caller's storage check).
pub async fn hostile_input_is_refused(db: Db, files: &RelayFiles) -> usize {
    let (gw, relay, http) = setup(files, &db).await;
    let base = relay.base.clone();
    let phone = Phone::new(files.key.public_key());
    let deadline = now_s() + 3600;

    // Oversized bodies: by content-length and by a stream that says nothing of its length.
    let mut big = phone.arm(deadline, 0);
    big.body = vec![b' '; MAX_REQUEST_BYTES + 1];
    assert_eq!(refusal(http.send(&base, &big).await, 413), "too_large");
    let large = vec![b'{'; 64 * 1024];
    let (code, _) = http
        .raw("POST", &format!("{base}{PATH_ARM}"), &[], large)
        .await;
    assert_eq!(code, 413);
    // Megabytes: refused before they are read (the relay may close the connection while the
    // client is still writing, so the client sees a 413 or a broken pipe).
    let huge = vec![b'{'; 8 * 1024 * 1024];
    if let Some((code, _)) = http
        .try_raw("POST", &format!("{base}{PATH_ARM}"), &[], huge)
        .await
    {
        assert_eq!(code, 413);
    }

    // Bad signatures: a changed body, a signature by another key, none at all.
    let mut bent = phone.arm(deadline, 0);
    let last = bent.body.len() - 2;
    bent.body[last] ^= 1;
    assert_eq!(refusal(http.send(&base, &bent).await, 401), "bad_signature");
    let mut other_key = phone.arm(deadline, 0);
    let imposter = DeviceKey::generate().unwrap();
    let forged = SignedRequest::sign(
        &imposter,
        &Operation::Arm(phone.arm_request(deadline, 0)),
        now_s(),
    )
    .unwrap();
    for (n, v) in other_key.headers.iter_mut() {
        if *n == sign::HEADER_SIGNATURE {
            *v = forged.header(sign::HEADER_SIGNATURE).unwrap().to_string();
        }
    }
    assert_eq!(
        refusal(http.send(&base, &other_key).await, 401),
        "bad_signature"
    );
    let (code, _) = http
        .raw(
            "POST",
            &format!("{base}{PATH_ARM}"),
            &[],
            phone.arm(deadline, 0).body,
        )
        .await;
    assert_eq!(code, 401);

    // Stale: signed ten minutes ago (a captured request replayed later).
    let stale = SignedRequest::sign(
        &phone.device,
        &Operation::Arm(phone.arm_request(deadline, 0)),
        now_s() - 2 * CLOCK_SKEW_SECONDS,
    )
    .unwrap();
    assert_eq!(
        refusal(http.send(&base, &stale).await, 401),
        "stale_request"
    );
    let future = SignedRequest::sign(
        &phone.device,
        &Operation::Arm(phone.arm_request(deadline, 0)),
        now_s() + 2 * CLOCK_SKEW_SECONDS,
    )
    .unwrap();
    assert_eq!(
        refusal(http.send(&base, &future).await, 401),
        "stale_request"
    );

    // Deadlines in the past or years ahead; a grace of weeks.
    assert_eq!(
        refusal(http.send(&base, &phone.arm(now_s() - 60, 0)).await, 400),
        "invalid"
    );
    assert_eq!(
        refusal(
            http.send(&base, &phone.arm(now_s() + 3 * 365 * 86400, 0))
                .await,
            400
        ),
        "invalid"
    );
    assert_eq!(
        refusal(
            http.send(&base, &phone.arm(deadline, 30 * 86400)).await,
            400
        ),
        "invalid"
    );

    // An alert sealed to another relay, or to another check-in, or bent.
    let mut foreign = phone.arm_request(deadline, 0);
    let elsewhere = RelayKeyPair::generate().unwrap().public_key();
    foreign.relay_key = elsewhere;
    assert_eq!(
        refusal(
            http.send(&base, &phone.sign(Operation::Arm(foreign))).await,
            400
        ),
        "wrong_relay_key"
    );
    let mut swapped = phone.arm_request(deadline, 0);
    swapped.alert = Phone::alert()
        .seal(&files.key.public_key(), &CheckinId::random().unwrap())
        .unwrap();
    assert_eq!(
        refusal(
            http.send(&base, &phone.sign(Operation::Arm(swapped))).await,
            400
        ),
        "bad_alert"
    );

    // Not JSON, unknown fields, a bad id in the path, an unknown call.
    let junk = SignedRequest {
        body: b"not json".to_vec(),
        ..phone.arm(deadline, 0)
    };
    // (re-signed so that only the body is wrong)
    let junk = resign(&phone.device, junk);
    assert_eq!(refusal(http.send(&base, &junk).await, 400), "invalid");
    let mut extra = serde_json::to_value(phone.arm_request(deadline, 0)).unwrap();
    extra["name"] = serde_json::Value::String(MARK_NAME.into());
    let extra = resign(
        &phone.device,
        SignedRequest {
            body: serde_json::to_vec(&extra).unwrap(),
            ..phone.arm(deadline, 0)
        },
    );
    assert_eq!(refusal(http.send(&base, &extra).await, 400), "invalid");
    let bad_path = resign(
        &phone.device,
        SignedRequest {
            path: "/v1/checkins/XYZ/status".into(),
            body: b"{}".to_vec(),
            ..phone.arm(deadline, 0)
        },
    );
    assert_eq!(refusal(http.send(&base, &bad_path).await, 400), "invalid");
    let unknown_call = resign(
        &phone.device,
        SignedRequest {
            path: format!("/v1/checkins/{}/explode", phone.id),
            body: b"{}".to_vec(),
            ..phone.arm(deadline, 0)
        },
    );
    assert_eq!(
        refusal(http.send(&base, &unknown_call).await, 404),
        "not_found"
    );

    // Unknown ids: for every call.
    let ghost = Phone::new(files.key.public_key());
    for req in [
        ghost.status(),
        ghost.extend(deadline),
        ghost.check_in(&ghost.cancel),
        ghost.cancel(&ghost.cancel),
    ] {
        assert_eq!(
            refusal(http.send(&base, &req).await, 404),
            "unknown_checkin"
        );
    }

    // Now a real arm, then: replays, reuse of its id, and another device's requests.
    let arm = phone.arm(deadline, 0);
    let first = http.send(&base, &arm).await;
    assert_eq!(first.0, 201);
    let again = http.send(&base, &arm).await;
    assert_eq!(again, first, "a retry gets the first reply");
    let mut reused = phone.arm(deadline + 60, 0);
    reused = resign_with_id(&phone.device, reused, arm.request_id);
    assert_eq!(
        refusal(http.send(&base, &reused).await, 409),
        "request_id_reused"
    );
    assert_eq!(
        refusal(http.send(&base, &phone.arm(deadline + 5, 0)).await, 409),
        "checkin_exists"
    );
    let thief = Phone {
        device: DeviceKey::generate().unwrap(),
        ..phone.next_checkin()
    };
    let thief = Phone {
        id: phone.id,
        ..thief
    };
    assert_eq!(
        refusal(http.send(&base, &thief.status()).await, 404),
        "unknown_checkin"
    );
    assert_eq!(
        refusal(http.send(&base, &thief.check_in(&phone.cancel)).await, 404),
        "unknown_checkin"
    );
    // The checked-in reply, replayed: the same answer, and still one check-in.
    let done = phone.check_in(&phone.cancel);
    let r1 = http.send(&base, &done).await;
    let r2 = http.send(&base, &done).await;
    assert_eq!(r1, r2);
    assert_eq!(status(r1).state, CheckinState::CheckedIn);

    // Methods other than POST on signed paths.
    let (code, _) = http.get(&format!("{base}{PATH_ARM}")).await;
    assert_eq!(code, 405);

    // Still serving, and only the one real arm counted.
    let (code, body) = http.get(&format!("{base}/healthz")).await;
    assert_eq!((code, body.trim()), (200, "ok"));
    let (_, metrics) = http.get(&format!("{base}/metrics")).await;
    assert!(metrics.contains("waymark_relay_armed_total 1"), "{metrics}");
    assert!(metrics.contains("waymark_relay_armed 0"), "{metrics}");
    let (code, doc) = http.get(&format!("{base}{PATH_KEY}")).await;
    assert_eq!(code, 200);
    let doc: RelayKeyDocument = serde_json::from_str(&doc).unwrap();
    assert_eq!(doc.check().unwrap(), files.key.public_key());
    assert!(gw.posts().is_empty());
    let logs = relay.logs();
    assert!(markers_in(logs.as_bytes()).is_empty(), "{logs}");
    1
}

/// Rate limits per device key: a burst, then 429; another device is not affected.
pub async fn rate_limits_per_device(db: Db, files: &RelayFiles) {
    let gw = FakeGateway::start(Duration::ZERO).await;
    let opts = RelayOptions {
        rate_burst: 3,
        rate_per_minute: 1,
        ..RelayOptions::default()
    };
    let relay = Relay::start(files, &db, &gw, &opts);
    let http = Http::new();
    let phone = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &phone.arm(now_s() + 3600, 0)).await);
    status(http.send(&relay.base, &phone.status()).await);
    status(http.send(&relay.base, &phone.status()).await);
    assert_eq!(
        refusal(http.send(&relay.base, &phone.status()).await, 429),
        "rate_limited"
    );
    let other = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &other.arm(now_s() + 3600, 0)).await);
}

fn resign(key: &DeviceKey, req: SignedRequest) -> SignedRequest {
    resign_with_id(key, req, RequestId::random().unwrap())
}

/// Signs `req`'s path and body as they are (even if they are not a valid call).
fn resign_with_id(key: &DeviceKey, req: SignedRequest, id: RequestId) -> SignedRequest {
    let now = now_s();
    let msg = sign::signing_bytes("POST", &req.path, &id, now, &key.public_key(), &req.body);
    let sig = sign_raw(key, &msg);
    let mut out = req.clone();
    out.request_id = id;
    out.timestamp = now;
    for (n, v) in out.headers.iter_mut() {
        match *n {
            sign::HEADER_REQUEST_ID => *v = id.to_string(),
            sign::HEADER_TIMESTAMP => *v = now.to_string(),
            sign::HEADER_SIGNATURE => *v = sig.clone(),
            _ => {}
        }
    }
    out
}

fn sign_raw(key: &DeviceKey, msg: &[u8]) -> String {
    use base64::Engine;
    let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(key.seed()).unwrap();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pair.sign(msg).as_ref())
}

/// SIGKILL the relay while `count` alerts (2 texts each) are being sent, restart it: every text
/// reaches the gateway; a text is posted twice only if it was in flight at the kill (at most the
/// send concurrency), always with the same idempotency key and body, so a gateway honouring the
/// key delivers each exactly once.
pub async fn crash_while_firing(db: Db, files: &RelayFiles, count: usize) {
    let gw = FakeGateway::start(Duration::from_millis(15)).await;
    let opts = RelayOptions {
        lease_ms: 1500,
        ..RelayOptions::default()
    };
    let mut relay = Relay::start(files, &db, &gw, &opts);
    let http = Arc::new(Http::new());
    let phones: Vec<Phone> = (0..count)
        .map(|_| Phone::new(files.key.public_key()))
        .collect();
    let (deadline, reqs) = arms_due_in(&phones, 8);
    arm_all(&http, &relay.base, reqs, 8).await;
    assert!(
        now_s() < deadline,
        "arming took too long for the test's deadline"
    );

    let total = count * 2;
    assert!(
        gw.wait_for(Duration::from_secs(20), |g| g.posts().len() >= total / 5)
            .await,
        "{}",
        relay.logs()
    );
    relay.kill();
    let at_kill = gw.posts().len();
    assert!(
        at_kill < total,
        "everything was sent before the kill; the test proves nothing"
    );

    let relay = Relay::start(files, &db, &gw, &opts);
    assert!(
        gw.wait_for(Duration::from_secs(60), |g| g.counts().len() == total)
            .await,
        "only {} of {total} texts after the restart: {}",
        gw.counts().len(),
        relay.logs()
    );
    tokio::time::sleep(Duration::from_millis(2 * opts.lease_ms)).await;
    let counts = gw.counts();
    assert_eq!(counts.len(), total);
    let dupes: usize = counts.values().map(|n| n - 1).sum();
    assert!(
        dupes <= opts.concurrency,
        "{dupes} texts posted twice, more than were in flight"
    );
    // What a gateway honouring the key delivers: one text per key, always the same text.
    let mut by_key: HashMap<String, (String, String)> = HashMap::new();
    for p in gw.posts() {
        let prev = by_key.insert(p.key.clone(), (p.to.clone(), p.body.clone()));
        if let Some(prev) = prev {
            assert_eq!(prev, (p.to, p.body), "one key, two different texts");
        }
    }
    let expected: HashSet<String> = phones
        .iter()
        .flat_map(|p| (0..2).map(move |i| format!("wm-{}-{i}", p.id)))
        .collect();
    assert_eq!(by_key.keys().cloned().collect::<HashSet<_>>(), expected);
    eprintln!("crash: {at_kill} of {total} posted before SIGKILL, {dupes} posted twice");
}

/// Arm requests for every phone, all due `secs` from now (no grace). Sealing takes a while in a
/// debug build, so the alerts are sealed first, then the deadline is picked and each is signed.
pub fn arms_due_in(phones: &[Phone], secs: u64) -> (u64, Vec<SignedRequest>) {
    let mut arms: Vec<ArmRequest> = phones.iter().map(|p| p.arm_request(0, 0)).collect();
    let deadline = now_s() + secs;
    let reqs = phones
        .iter()
        .zip(arms.iter_mut())
        .map(|(p, a)| {
            a.deadline = deadline;
            p.sign(Operation::Arm(a.clone()))
        })
        .collect();
    (deadline, reqs)
}

/// Arms every request with `parallel` at a time; each must be accepted.
pub async fn arm_all(http: &Arc<Http>, base: &str, reqs: Vec<SignedRequest>, parallel: usize) {
    let queue = Arc::new(Mutex::new(reqs));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..parallel {
        let (queue, http, base) = (queue.clone(), http.clone(), base.to_string());
        tasks.spawn(async move {
            loop {
                let Some(req) = queue.lock().unwrap().pop() else {
                    break;
                };
                let r = http.send(&base, &req).await;
                assert_eq!(r.0, 201, "{}", String::from_utf8_lossy(&r.1));
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
}

/// Check-ins in every state (armed, checked in, cancelled, duress, fired), their texts delivered
/// where due. Returns the running relay and its gateway for the caller to inspect storage; the
/// markers are in what the gateway received, so a search for them can find something.
pub async fn every_state(db: Db, files: &RelayFiles) -> (Relay, FakeGateway) {
    let (gw, relay, http) = setup(files, &db).await;
    let far = now_s() + 3600;
    let armed = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &armed.arm(far, 600)).await);
    let checked = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &checked.arm(far, 600)).await);
    status(
        http.send(&relay.base, &checked.check_in(&checked.cancel))
            .await,
    );
    let cancelled = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &cancelled.arm(far, 600)).await);
    status(
        http.send(&relay.base, &cancelled.cancel(&cancelled.cancel))
            .await,
    );
    let forced = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &forced.arm(far, 600)).await);
    status(
        http.send(&relay.base, &forced.check_in(&forced.duress))
            .await,
    );
    let missed = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &missed.arm(now_s() + 1, 0)).await);
    assert!(
        gw.wait_for(Duration::from_secs(10), |g| g.posts().len() == 4)
            .await
    );
    let all: String = gw
        .posts()
        .iter()
        .map(|p| format!("{} {}\n", p.to, p.body))
        .collect();
    assert_eq!(
        markers_in(all.as_bytes()).len(),
        9,
        "the gateway got the marked texts (so the search below can find them)"
    );
    assert!(
        markers_in(relay.logs().as_bytes()).is_empty(),
        "{}",
        relay.logs()
    );
    (relay, gw)
}

/// Polls the relay's /metrics until `pred` holds (at most `limit`); returns the last page.
async fn metrics_until(
    http: &Http,
    relay: &Relay,
    limit: Duration,
    pred: impl Fn(&str) -> bool,
) -> String {
    let end = std::time::Instant::now() + limit;
    loop {
        let (code, page) = http.get(&format!("{}/metrics", relay.base)).await;
        assert_eq!(code, 200);
        if pred(&page) || std::time::Instant::now() > end {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A gateway that refuses texts for good (`refusal`: 400 for a number it cannot reach, 401 for a
/// token it no longer takes): each text is posted once and never again, counted as refused, the
/// check-in ends (nothing is left in the outbox to try again), and the log says so with the
/// status only: no number, name, place or text.
pub async fn gateway_refusal_is_not_retried(db: Db, files: &RelayFiles, refusal: u16) {
    let gw = FakeGateway::start(Duration::ZERO).await;
    gw.refuse_with(Some(refusal));
    // A short lease: a text left in the outbox would be posted again within 300 ms.
    let opts = RelayOptions {
        lease_ms: 300,
        ..RelayOptions::default()
    };
    let relay = Relay::start(files, &db, &gw, &opts);
    let http = Http::new();
    let phone = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &phone.arm(now_s() + 1, 0)).await);

    let page = metrics_until(&http, &relay, Duration::from_secs(15), |p| {
        metric(p, "waymark_relay_texts_refused_total") == Some(2)
            && metric(p, "waymark_relay_armed") == Some(0)
            && metric(p, "waymark_relay_sending") == Some(0)
    })
    .await;
    assert_eq!(
        metric(&page, "waymark_relay_texts_refused_total"),
        Some(2),
        "{page}\n{}",
        relay.logs()
    );
    assert_eq!(metric(&page, "waymark_relay_sending"), Some(0), "{page}");
    assert_eq!(metric(&page, "waymark_relay_texts_sent_total"), Some(0));
    assert_eq!(metric(&page, "waymark_relay_fired_total"), Some(1));

    // The gateway takes texts again; another missed check-in's texts go through. Many sender
    // rounds and leases later, the refused texts were still posted once each.
    gw.refuse_with(None);
    let control = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &control.arm(now_s() + 1, 0)).await);
    assert!(
        gw.wait_for(Duration::from_secs(15), |g| g.posts_for(&control.id).len()
            == 2)
            .await,
        "{}",
        relay.logs()
    );
    let refused = gw.refused();
    let prefix = format!("wm-{}-", phone.id);
    assert_eq!(
        refused.len(),
        2,
        "each refused text posted once: {refused:?}"
    );
    assert!(
        refused.iter().all(|k| k.starts_with(&prefix)),
        "{refused:?}"
    );
    assert_ne!(refused[0], refused[1]);
    assert!(gw.posts_for(&phone.id).is_empty());
    let page = metrics_until(&http, &relay, Duration::ZERO, |_| true).await;
    assert_eq!(
        metric(&page, "waymark_relay_gateway_retries_total"),
        Some(0)
    );
    assert_eq!(metric(&page, "waymark_relay_texts_refused_total"), Some(2));
    assert_eq!(metric(&page, "waymark_relay_texts_sent_total"), Some(2));
    // The protocol has no "could not be sent" state: the phone hears `alerted` (README says so).
    assert_eq!(
        status(http.send(&relay.base, &phone.status()).await).state,
        CheckinState::Alerted
    );

    let logs = relay.logs();
    let said = logs
        .lines()
        .filter(|l| l.contains("refused a text for good"))
        .collect::<Vec<_>>();
    assert_eq!(said.len(), 2, "{logs}");
    assert!(
        said.iter()
            .all(|l| l.contains(&format!("status={refusal}"))),
        "{logs}"
    );
    assert!(markers_in(logs.as_bytes()).is_empty(), "{logs}");
}

/// The relay forgets request ids once they are past the replay window (11 minutes: twice the
/// allowed clock skew and a minute) and ended check-ins a week after they ended; an armed one
/// stays. It purges when it starts and then every minute, so the rows are aged while it is
/// stopped and the restart purges them.
pub async fn purge_forgets_old_request_ids_and_ended_checkins(db: Db, files: &RelayFiles) {
    let (gw, mut relay, http) = setup(files, &db).await;
    let far = now_s() + 3600;
    let armed = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &armed.arm(far, 600)).await);
    let cancelled = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &cancelled.arm(far, 600)).await);
    status(
        http.send(&relay.base, &cancelled.cancel(&cancelled.cancel))
            .await,
    );
    let checked = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &checked.arm(far, 600)).await);
    status(
        http.send(&relay.base, &checked.check_in(&checked.cancel))
            .await,
    );
    relay.stop();

    const MINUTE: i64 = 60_000;
    const DAY: i64 = 86_400_000;
    let age = |sql: String| {
        let db = db.clone();
        async move { db_execute(&db, &sql).await }
    };
    // Ended eight days ago (gone) and six days ago (kept).
    let aged = age(format!(
        "UPDATE checkins SET ended_ms = ended_ms - {} WHERE shown = 'cancelled'",
        8 * DAY
    ));
    assert_eq!(aged.await, 1);
    let aged = age(format!(
        "UPDATE checkins SET ended_ms = ended_ms - {} WHERE shown = 'checked_in'",
        6 * DAY
    ));
    assert_eq!(aged.await, 1);
    // The three arms' request ids 12 minutes old (gone), the check-in's and the stop's 10 (kept).
    let aged = age(format!(
        "UPDATE requests SET at_ms = at_ms - {} WHERE path = '/v1/checkins'",
        12 * MINUTE
    ));
    assert_eq!(aged.await, 3);
    let aged = age(format!(
        "UPDATE requests SET at_ms = at_ms - {} WHERE path <> '/v1/checkins'",
        10 * MINUTE
    ));
    assert_eq!(aged.await, 2);

    let mut relay = Relay::start(files, &db, &gw, &RelayOptions::default());
    // The check-in that ended eight days ago is unknown once the first purge ran.
    let end = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let reply = http.send(&relay.base, &cancelled.status()).await;
        if reply.0 == 404 {
            assert_eq!(refusal(reply, 404), "unknown_checkin");
            break;
        }
        assert_eq!(status(reply).state, CheckinState::Cancelled);
        assert!(
            std::time::Instant::now() < end,
            "not purged: {}",
            relay.logs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        status(http.send(&relay.base, &checked.status()).await).state,
        CheckinState::CheckedIn
    );
    assert_eq!(
        status(http.send(&relay.base, &armed.status()).await).state,
        CheckinState::Armed
    );
    relay.stop();

    let count = |sql: &'static str| {
        let db = db.clone();
        async move { db_count(&db, sql).await }
    };
    assert_eq!(count("SELECT count(*) FROM checkins").await, 2);
    assert_eq!(
        count("SELECT count(*) FROM checkins WHERE shown = 'cancelled'").await,
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM requests WHERE path = '/v1/checkins'").await,
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM requests WHERE path LIKE '%/cancel' OR path LIKE '%/checkin'")
            .await,
        2
    );
    assert_eq!(gw.posts().len(), 0);
}

/// `--gateway-kind twilio`: each text of a missed check-in is posted once to the account's
/// Messages.json, form-encoded To/From/Body exactly as sealed, with basic auth from the token
/// file and one idempotency token per text.
pub async fn twilio_gateway_gets_each_text(db: Db, files: &RelayFiles) {
    let gw = FakeGateway::start(Duration::ZERO).await;
    let opts = RelayOptions {
        twilio: true,
        ..RelayOptions::default()
    };
    let relay = Relay::start(files, &db, &gw, &opts);
    let http = Http::new();
    let phone = Phone::new(files.key.public_key());
    status(http.send(&relay.base, &phone.arm(now_s() + 1, 0)).await);
    assert!(
        gw.wait_for(Duration::from_secs(15), |g| g.posts_for(&phone.id).len()
            == 2)
            .await,
        "{}",
        relay.logs()
    );
    assert_eq!(gw.wrong_authorization(), 0);
    let mut got: Vec<(String, String, String)> = gw
        .posts_for(&phone.id)
        .iter()
        .map(|p| (p.from.clone(), p.to.clone(), p.body.clone()))
        .collect();
    got.sort();
    let mut want: Vec<(String, String, String)> = Phone::alert()
        .messages
        .iter()
        .map(|m| (TWILIO_FROM.to_string(), m.to.clone(), m.body.clone()))
        .collect();
    want.sort();
    assert_eq!(got, want);
    assert!(gw.counts().values().all(|&n| n == 1));
    assert_eq!(gw.counts().len(), 2, "one idempotency token per text");
}
