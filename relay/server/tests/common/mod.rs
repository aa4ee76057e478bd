//! What the relay's tests share: a fake SMS gateway (an HTTP server in the test that records every
//! post), a relay process started from the built binary, requests built with the protocol crate,
//! a throwaway PostgreSQL cluster, and the scenarios run against both databases.

#![allow(dead_code)]

pub mod pg;
pub mod scenarios;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use waymark_relay_proto::*;

pub const TOKEN: &str = "test-gateway-token-5d1f";
/// The Twilio account the fake gateway serves (`--gateway-kind twilio`).
pub const TWILIO_SID: &str = "AC0123456789abcdef";
pub const TWILIO_FROM: &str = "+15005550006";

pub fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ---------------------------------------------------------------- the fake gateway

/// One post the gateway accepted.
#[derive(Clone, Debug)]
pub struct Posted {
    pub to: String,
    pub body: String,
    pub key: String,
    pub at_ms: i64,
    /// Twilio's `From` (empty for the JSON API).
    pub from: String,
}

#[derive(Default)]
struct GatewayState {
    posts: Vec<Posted>,
    authorization_wrong: usize,
    /// Answer this many posts with 503 before accepting any.
    fail_first: usize,
    failed: usize,
    /// Answer every post with this status (a refusal for good), recording its key.
    refuse_with: Option<StatusCode>,
    refused: Vec<String>,
    delay: Duration,
}

/// An SMS gateway inside the test: records every post; dedups nothing.
#[derive(Clone)]
pub struct FakeGateway {
    pub url: String,
    /// For a gateway behind TLS: the CA the relay must be told to trust (`--gateway-ca-file`).
    pub ca_file: Option<PathBuf>,
    state: Arc<Mutex<GatewayState>>,
}

impl FakeGateway {
    /// Starts on a loopback port; each post takes `delay` before it is answered.
    pub async fn start(delay: Duration) -> Self {
        let (state, app) = Self::app(delay);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeGateway {
            url: format!("http://{addr}"),
            ca_file: None,
            state,
        }
    }

    /// The same gateway over https, with the certificate for 127.0.0.1 in tests/fixtures/tls
    /// (signed by the test CA there, which the relay must be told to trust).
    pub async fn start_tls() -> Self {
        use rustls_pki_types::pem::PemObject;
        let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
        let certs = rustls_pki_types::CertificateDer::pem_file_iter(tls.join("gateway.pem"))
            .unwrap()
            .collect::<std::result::Result<Vec<_>, _>>()
            .unwrap();
        let key = rustls_pki_types::PrivateKeyDer::from_pem_file(tls.join("gateway.key")).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
        let (state, app) = Self::app(Duration::ZERO);
        let listener = TlsListener {
            tcp: tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
            tls: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        };
        let addr = listener.tcp.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeGateway {
            url: format!("https://{addr}"),
            ca_file: Some(tls.join("ca.pem")),
            state,
        }
    }

    /// The same gateway, for a relay not told about the test CA.
    pub fn trusting_only_mozilla_roots(&self) -> Self {
        FakeGateway {
            ca_file: None,
            ..self.clone()
        }
    }

    fn app(delay: Duration) -> (Arc<Mutex<GatewayState>>, Router) {
        let state = Arc::new(Mutex::new(GatewayState {
            delay,
            ..Default::default()
        }));
        let app = Router::new()
            .route("/messages", post(gateway_post))
            .route(
                "/2010-04-01/Accounts/{sid}/Messages.json",
                post(twilio_post),
            )
            .with_state(state.clone());
        (state, app)
    }

    pub fn fail_first(&self, n: usize) {
        self.state.lock().unwrap().fail_first = n;
    }

    /// From now on, answer every post with `status` (None: accept again).
    pub fn refuse_with(&self, status: Option<u16>) {
        self.state.lock().unwrap().refuse_with = status.map(|s| StatusCode::from_u16(s).unwrap());
    }

    /// The idempotency key of every post answered with the `refuse_with` status.
    pub fn refused(&self) -> Vec<String> {
        self.state.lock().unwrap().refused.clone()
    }

    pub fn posts(&self) -> Vec<Posted> {
        self.state.lock().unwrap().posts.clone()
    }

    pub fn failed(&self) -> usize {
        self.state.lock().unwrap().failed
    }

    pub fn wrong_authorization(&self) -> usize {
        self.state.lock().unwrap().authorization_wrong
    }

    /// Posts per idempotency key.
    pub fn counts(&self) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for p in self.posts() {
            *m.entry(p.key).or_insert(0) += 1;
        }
        m
    }

    pub fn posts_for(&self, id: &CheckinId) -> Vec<Posted> {
        let prefix = format!("wm-{id}-");
        self.posts()
            .into_iter()
            .filter(|p| p.key.starts_with(&prefix))
            .collect()
    }

    /// Waits until `pred` holds, at most `limit`.
    pub async fn wait_for(&self, limit: Duration, pred: impl Fn(&FakeGateway) -> bool) -> bool {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if pred(self) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        pred(self)
    }
}

async fn gateway_post(
    State(state): State<Arc<Mutex<GatewayState>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    // Records first, then takes `delay` to answer: a text the gateway has taken but whose reply
    // the relay has not seen yet (what a crash at the wrong moment leaves behind).
    let (reply, delay) = {
        let mut s = state.lock().unwrap();
        let reply = if headers.get("authorization").and_then(|v| v.to_str().ok())
            != Some(&format!("Bearer {TOKEN}"))
        {
            s.authorization_wrong += 1;
            StatusCode::UNAUTHORIZED
        } else if let Some(refusal) = s.refuse_with {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let key = v["idempotency_key"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            s.refused.push(key);
            refusal
        } else if s.failed < s.fail_first {
            s.failed += 1;
            StatusCode::SERVICE_UNAVAILABLE
        } else if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) {
            let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            s.posts.push(Posted {
                to: field("to"),
                body: field("body"),
                key: field("idempotency_key"),
                at_ms: now_ms(),
                from: String::new(),
            });
            StatusCode::ACCEPTED
        } else {
            StatusCode::BAD_REQUEST
        };
        (reply, s.delay)
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    reply
}

/// Twilio's Messages API as far as the relay uses it: basic auth `SID:TOKEN` for the account in
/// the path, form-encoded To/From/Body, the key in `I-Twilio-Idempotency-Token`; 201 Created.
async fn twilio_post(
    State(state): State<Arc<Mutex<GatewayState>>>,
    axum::extract::Path(sid): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    use base64::Engine as _;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{TWILIO_SID}:{TOKEN}"));
    let mut s = state.lock().unwrap();
    if sid != TWILIO_SID || header("authorization") != format!("Basic {basic}") {
        s.authorization_wrong += 1;
        return StatusCode::UNAUTHORIZED;
    }
    let form = form_decode(&body);
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    if header("content-type") != "application/x-www-form-urlencoded" || form.len() != 3 {
        return StatusCode::BAD_REQUEST;
    }
    s.posts.push(Posted {
        to: field("To"),
        body: field("Body"),
        key: header("i-twilio-idempotency-token"),
        at_ms: now_ms(),
        from: field("From"),
    });
    StatusCode::CREATED
}

/// `a=b&c=d` with %XX and `+` decoded.
fn form_decode(body: &[u8]) -> HashMap<String, String> {
    let decode = |part: &str| {
        let bytes = part.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    };
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// Accepts TLS connections for `axum::serve`; a failed handshake (a relay that does not trust
/// the certificate) is dropped and the next connection waited for.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    tls: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            if let Ok(stream) = self.tls.accept(tcp).await {
                return (stream, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

// ---------------------------------------------------------------- the relay process

/// Where a relay keeps its data.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Db {
    pub fn arg(&self) -> String {
        match self {
            Db::Sqlite(p) => format!("sqlite:{}", p.display()),
            Db::Postgres(url) => url.clone(),
        }
    }
}

/// Files one relay (or several on one database) share: its key and the gateway token.
pub struct RelayFiles {
    pub dir: tempfile::TempDir,
    pub key: RelayKeyPair,
}

impl RelayFiles {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_waymark-relay"))
            .args(["keygen", "--key"])
            .arg(dir.path().join("relay.key"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let key = waymark_relay::keyfile::load(&dir.path().join("relay.key")).unwrap();
        assert!(
            stdout.contains(&key.public_key().fingerprint()),
            "keygen prints the fingerprint: {stdout}"
        );
        std::fs::write(dir.path().join("token"), format!("{TOKEN}\n")).unwrap();
        std::fs::write(
            dir.path().join("twilio-token"),
            format!("{TWILIO_SID}:{TOKEN}\n"),
        )
        .unwrap();
        RelayFiles { dir, key }
    }

    pub fn sqlite(&self) -> Db {
        Db::Sqlite(self.dir.path().join("relay.db"))
    }
}

#[derive(Clone, Debug)]
pub struct RelayOptions {
    pub tick_ms: u64,
    pub lease_ms: u64,
    pub concurrency: usize,
    pub rate_burst: u32,
    pub rate_per_minute: u32,
    /// Speak Twilio's API to the gateway (from `TWILIO_FROM`, account `TWILIO_SID`).
    pub twilio: bool,
}

impl Default for RelayOptions {
    fn default() -> Self {
        RelayOptions {
            tick_ms: 50,
            lease_ms: 3000,
            concurrency: 16,
            rate_burst: 10_000,
            rate_per_minute: 10_000,
            twilio: false,
        }
    }
}

pub struct Relay {
    pub child: Child,
    pub base: String,
    pub log: PathBuf,
}

impl Relay {
    pub fn start(files: &RelayFiles, db: &Db, gateway: &FakeGateway, opts: &RelayOptions) -> Self {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let log = files.dir.path().join(format!(
            "relay-{}.log",
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let mut child = Command::new(env!("CARGO_BIN_EXE_waymark-relay"))
            .arg("serve")
            .args([
                "--listen",
                "127.0.0.1:0",
                "--db",
                &db.arg(),
                "--gateway",
                &gateway.url,
            ])
            .arg("--key")
            .arg(files.dir.path().join("relay.key"))
            .arg("--gateway-token-file")
            .arg(
                files
                    .dir
                    .path()
                    .join(if opts.twilio { "twilio-token" } else { "token" }),
            )
            .args(if opts.twilio {
                vec!["--gateway-kind", "twilio", "--gateway-from", TWILIO_FROM]
            } else {
                vec![]
            })
            .args(
                gateway
                    .ca_file
                    .iter()
                    .flat_map(|ca| [std::ffi::OsStr::new("--gateway-ca-file"), ca.as_os_str()]),
            )
            .args(["--tick-ms", &opts.tick_ms.to_string()])
            .args(["--lease-ms", &opts.lease_ms.to_string()])
            .args(["--send-concurrency", &opts.concurrency.to_string()])
            .args(["--rate-burst", &opts.rate_burst.to_string()])
            .args(["--rate-per-minute", &opts.rate_per_minute.to_string()])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let addr: SocketAddr = match line.trim().strip_prefix("listening on ") {
            Some(a) => a.parse().unwrap(),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the relay did not start: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        };
        Relay {
            child,
            base: format!("http://{addr}"),
            log,
        }
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait (the database is closed cleanly).
    pub fn stop(&mut self) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------- HTTP client

pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Http {
    pub fn new() -> Self {
        Http {
            client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
        }
    }

    pub async fn raw(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> (u16, Vec<u8>) {
        self.try_raw(method, url, headers, body)
            .await
            .expect("the relay did not answer")
    }

    /// None if the connection broke before a reply.
    pub async fn try_raw(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Option<(u16, Vec<u8>)> {
        let mut b = hyper::Request::builder().method(method).uri(url);
        for (n, v) in headers {
            b = b.header(*n, v);
        }
        let resp = self
            .client
            .request(b.body(Full::new(Bytes::from(body))).unwrap())
            .await
            .ok()?;
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await.ok()?.to_bytes().to_vec();
        Some((status, body))
    }

    pub async fn send(&self, base: &str, req: &SignedRequest) -> (u16, Vec<u8>) {
        let headers: Vec<(&str, String)> =
            req.headers.iter().map(|(n, v)| (*n, v.clone())).collect();
        self.raw(
            req.method,
            &format!("{base}{}", req.path),
            &headers,
            req.body.clone(),
        )
        .await
    }

    pub async fn get(&self, url: &str) -> (u16, String) {
        let (s, b) = self.raw("GET", url, &[], vec![]).await;
        (s, String::from_utf8_lossy(&b).to_string())
    }
}

/// The value of metric `name` in a /metrics page (None if it is not there).
pub fn metric(page: &str, name: &str) -> Option<u64> {
    page.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// Runs `sql` on the relay's database and returns the rows it changed. SQLite: only while no
/// relay has the file open (it holds it exclusively).
pub async fn db_execute(db: &Db, sql: &str) -> u64 {
    match db {
        Db::Sqlite(path) => rusqlite::Connection::open(path)
            .unwrap()
            .execute(sql, [])
            .unwrap() as u64,
        Db::Postgres(url) => pg_client(url).await.execute(sql, &[]).await.unwrap(),
    }
}

/// The single integer `sql` selects (see [`db_execute`] for SQLite).
pub async fn db_count(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(path) => rusqlite::Connection::open(path)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap(),
        Db::Postgres(url) => pg_client(url)
            .await
            .query_one(sql, &[])
            .await
            .unwrap()
            .get(0),
    }
}

async fn pg_client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

/// A 2xx reply's status, or a panic naming the error.
pub fn status(reply: (u16, Vec<u8>)) -> CheckinStatus {
    assert!(
        (200..300).contains(&reply.0),
        "{} {}",
        reply.0,
        String::from_utf8_lossy(&reply.1)
    );
    serde_json::from_slice(&reply.1).unwrap()
}

/// A 4xx reply's code.
pub fn refusal(reply: (u16, Vec<u8>), expect_status: u16) -> String {
    assert_eq!(
        reply.0,
        expect_status,
        "{}",
        String::from_utf8_lossy(&reply.1)
    );
    let e: ErrorReply = serde_json::from_slice(&reply.1).unwrap();
    assert!(!e.reason.is_empty());
    e.error
}

// ---------------------------------------------------------------- phones

/// Made-up personal data: none of it may appear in the relay's database or logs.
pub const MARK_NUMBER: &str = "+447700900123";
pub const MARK_NUMBER2: &str = "+447700900456";
pub const MARK_NAME: &str = "Zanzibar Quokkafield";
pub const MARK_PLACE: &str = "Gasworks Lane Allotments";
pub const MARK_TEXT: &str = "has not checked in after the climbing wall";

/// One phone and one check-in it holds on the relay.
pub struct Phone {
    pub device: DeviceKey,
    pub relay_key: RelayPublicKey,
    pub id: CheckinId,
    pub cancel: CheckinSecret,
    pub duress: CheckinSecret,
}

impl Phone {
    pub fn new(relay_key: RelayPublicKey) -> Self {
        Phone {
            device: DeviceKey::generate().unwrap(),
            relay_key,
            id: CheckinId::random().unwrap(),
            cancel: CheckinSecret::random().unwrap(),
            duress: CheckinSecret::random().unwrap(),
        }
    }

    /// The same device, a new check-in.
    pub fn next_checkin(&self) -> Self {
        Phone {
            device: DeviceKey::from_seed(self.device.seed()).unwrap(),
            relay_key: self.relay_key,
            id: CheckinId::random().unwrap(),
            cancel: CheckinSecret::random().unwrap(),
            duress: CheckinSecret::random().unwrap(),
        }
    }

    pub fn alert() -> Alert {
        Alert::new(vec![
            AlertMessage::new(
                MARK_NUMBER,
                format!("{MARK_NAME} {MARK_TEXT} near {MARK_PLACE}. Please call them."),
            )
            .unwrap(),
            AlertMessage::new(
                MARK_NUMBER2,
                format!("Second buddy: {MARK_NAME} {MARK_TEXT}."),
            )
            .unwrap(),
        ])
        .unwrap()
    }

    pub fn arm_request(&self, deadline: u64, grace: u64) -> ArmRequest {
        ArmRequest {
            checkin_id: self.id,
            relay_key: self.relay_key,
            deadline,
            grace_seconds: grace,
            cancel_hash: self.cancel.hash(&self.id),
            duress_hash: self.duress.hash(&self.id),
            alert: Self::alert().seal(&self.relay_key, &self.id).unwrap(),
        }
    }

    pub fn sign(&self, op: Operation) -> SignedRequest {
        SignedRequest::sign(&self.device, &op, now_s()).unwrap()
    }

    pub fn arm(&self, deadline: u64, grace: u64) -> SignedRequest {
        self.sign(Operation::Arm(self.arm_request(deadline, grace)))
    }

    pub fn check_in(&self, secret: &CheckinSecret) -> SignedRequest {
        self.sign(Operation::CheckIn(
            self.id,
            SecretRequest {
                secret: secret.clone(),
            },
        ))
    }

    pub fn cancel(&self, secret: &CheckinSecret) -> SignedRequest {
        self.sign(Operation::Cancel(
            self.id,
            SecretRequest {
                secret: secret.clone(),
            },
        ))
    }

    pub fn extend(&self, deadline: u64) -> SignedRequest {
        self.sign(Operation::Extend(self.id, ExtendRequest { deadline }))
    }

    pub fn status(&self) -> SignedRequest {
        self.sign(Operation::Status(self.id))
    }
}

/// Every file under `dir`, read raw.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, bytes));
            }
        }
    }
    out
}

/// The markers found in `bytes` (as UTF-8 and, for the number, its digits alone).
pub fn markers_in(bytes: &[u8]) -> Vec<&'static str> {
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    [
        MARK_NUMBER,
        "447700900123",
        "7700900456",
        MARK_NAME,
        "Quokkafield",
        MARK_PLACE,
        "Gasworks",
        MARK_TEXT,
        "climbing wall",
    ]
    .into_iter()
    .filter(|m| find(m.as_bytes()))
    .collect()
}
