//! The HTTP service. Every signed call goes through the same steps, in this order, and a refusal
//! at any step stores nothing:
//!
//! 1. the body is read up to [`MAX_REQUEST_BYTES`] (413 past that);
//! 2. the signature and the timestamp are checked (401);
//! 3. the device key's rate limit (429);
//! 4. a request id seen before: the same request gets its first reply again, another is a 409;
//! 5. the call itself, whose change is stored in one transaction with the reply.
//!
//! Replies are [`CheckinStatus`] (2xx) or [`ErrorReply`] (4xx/5xx, a code and a plain reason).
//! Logs name the call and the outcome, never an id, a key, a number or a text.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http_body_util::{BodyExt, Limited};
use tokio::sync::Notify;
use waymark_relay_proto::secret::match_secret;
use waymark_relay_proto::sign::verify;
use waymark_relay_proto::{
    check_deadline, ArmRequest, CheckinId, CheckinState, CheckinStatus, ErrorReply, ExtendRequest,
    RelayKeyPair, SecretMatch, SecretRequest, StatusRequest, VerifiedRequest, MAX_REQUEST_BYTES,
};

use crate::limits::RateLimiter;
use crate::metrics::Metrics;
use crate::sender::pack_sealed;
use crate::store::{Change, Checkin, NewCheckin, Phase, RequestRecord, Store, StoreError};

/// At most this many check-ins armed or sending per device key at once.
pub const MAX_ACTIVE_PER_DEVICE: u64 = 20;

pub struct App<S> {
    pub store: Arc<S>,
    pub key: Arc<RelayKeyPair>,
    pub limits: RateLimiter,
    pub metrics: Arc<Metrics>,
    /// Wakes the sender at once (a duress check-in).
    pub wake: Arc<Notify>,
}

pub fn router<S: Store>(app: Arc<App<S>>) -> Router {
    Router::new()
        .route("/healthz", get(health::<S>))
        .route("/metrics", get(metrics::<S>))
        .route("/v1/key", get(key_document::<S>))
        .fallback(signed::<S>)
        .with_state(app)
}

/// A refusal: status, stable code, plain reason.
#[derive(Debug)]
pub struct ApiError(StatusCode, &'static str, String);

impl ApiError {
    fn new(status: StatusCode, code: &'static str, reason: impl Into<String>) -> Self {
        ApiError(status, code, reason.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&ErrorReply {
            error: self.1.into(),
            reason: self.2,
        })
        .unwrap_or_default();
        (self.0, [("content-type", "application/json")], body).into_response()
    }
}

fn json_reply(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [("content-type", "application/json")], body).into_response()
}

fn storage(e: StoreError) -> ApiError {
    tracing::error!("storage failed: {e}");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "the relay cannot reach its storage; try again",
    )
}

async fn health<S: Store>(State(app): State<Arc<App<S>>>) -> Response {
    match app.store.gauges().await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => storage(e).into_response(),
    }
}

async fn metrics<S: Store>(State(app): State<Arc<App<S>>>) -> Response {
    match app.store.gauges().await {
        Ok(g) => (
            StatusCode::OK,
            [("content-type", "text/plain; version=0.0.4")],
            app.metrics.render(g),
        )
            .into_response(),
        Err(e) => storage(e).into_response(),
    }
}

async fn key_document<S: Store>(State(app): State<Arc<App<S>>>) -> Response {
    json_reply(
        StatusCode::OK,
        serde_json::to_vec(&app.key.document()).unwrap_or_default(),
    )
}

/// Which signed call a path names.
enum Call {
    Arm,
    Extend(CheckinId),
    CheckIn(CheckinId),
    Cancel(CheckinId),
    Status(CheckinId),
}

fn route(path: &str) -> Result<Call, ApiError> {
    let unknown = || ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such call");
    if path == waymark_relay_proto::PATH_ARM {
        return Ok(Call::Arm);
    }
    let rest = path.strip_prefix("/v1/checkins/").ok_or_else(unknown)?;
    let (id, action) = rest.split_once('/').ok_or_else(unknown)?;
    let id: CheckinId = id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            "a check-in id is 32 lowercase hex digits",
        )
    })?;
    Ok(match action {
        "extend" => Call::Extend(id),
        "checkin" => Call::CheckIn(id),
        "cancel" => Call::Cancel(id),
        "status" => Call::Status(id),
        _ => return Err(unknown()),
    })
}

async fn signed<S: Store>(
    State(app): State<Arc<App<S>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let outcome = handle(&app, method, uri, headers, body).await;
    match outcome {
        Ok(r) => r,
        Err(e) => {
            if e.0.is_client_error() {
                app.metrics.requests_refused_total.fetch_add(1, Relaxed);
                tracing::info!(status = e.0.as_u16(), code = e.1, "request refused");
            }
            e.into_response()
        }
    }
}

async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a request body may be at most {MAX_REQUEST_BYTES} bytes"),
        )
    };
    if let Some(len) = headers.get("content-length") {
        let len: usize = len
            .to_str()
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid", "bad content-length")
            })?;
        if len > MAX_REQUEST_BYTES {
            return Err(too_large());
        }
    }
    Limited::new(body, MAX_REQUEST_BYTES)
        .collect()
        .await
        .map(|b| b.to_bytes())
        .map_err(|_| too_large())
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        // serde_json's message names the field and position, never the value.
        let reason = e.to_string();
        let reason = reason.split(" at line").next().unwrap_or("").to_string();
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            format!("the body is not a valid request: {reason}"),
        )
    })
}

fn status_of(c: &Checkin) -> CheckinStatus {
    CheckinStatus {
        checkin_id: c.id,
        state: c.shown,
        deadline: c.deadline as u64,
        grace_seconds: c.grace as u64,
    }
}

async fn handle<S: Store>(
    app: &App<S>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if method != Method::POST {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method",
            "signed calls are POST",
        ));
    }
    let path = uri.path().to_string();
    let call = route(&path)?;
    let body = read_body(&headers, body).await?;
    let now_ms = crate::now_ms();
    let now = (now_ms / 1000) as u64;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let v = verify("POST", &path, header, &body, now).map_err(|e| match e {
        waymark_relay_proto::Error::Stale(_) => {
            ApiError::new(StatusCode::UNAUTHORIZED, "stale_request", e.to_string())
        }
        waymark_relay_proto::Error::BadSignature => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "the signature does not match the request",
        ),
        other => ApiError::new(StatusCode::UNAUTHORIZED, "bad_signature", other.to_string()),
    })?;
    if !app.limits.allow(&v.device_key) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests from this device; wait a minute",
        ));
    }
    if let Some(r) = app
        .store
        .find_request(v.request_id)
        .await
        .map_err(storage)?
    {
        return answer_retry(&r, &v, &path);
    }

    let record = |status: StatusCode, reply: &CheckinStatus| RequestRecord {
        request_id: v.request_id,
        device_key: v.device_key,
        path: path.clone(),
        body_sha256: v.body_sha256,
        status: status.as_u16(),
        reply: serde_json::to_vec(reply).unwrap_or_default(),
        at_ms: now_ms,
    };
    match call {
        Call::Arm => {
            let arm: ArmRequest = parse(&body)?;
            arm.check_times(now).map_err(invalid)?;
            if arm.relay_key != app.key.public_key() {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "wrong_relay_key",
                    "the alert is sealed to another relay key; fetch /v1/key again",
                ));
            }
            let alert = arm.alert.open(&app.key, &arm.checkin_id).map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_alert",
                    "the alert does not open with this relay's key for this check-in",
                )
            })?;
            let active = app
                .store
                .active_for_device(v.device_key)
                .await
                .map_err(storage)?;
            if active >= MAX_ACTIVE_PER_DEVICE {
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_checkins",
                    format!("a device may hold at most {MAX_ACTIVE_PER_DEVICE} check-ins at once"),
                ));
            }
            let reply = CheckinStatus {
                checkin_id: arm.checkin_id,
                state: CheckinState::Armed,
                deadline: arm.deadline,
                grace_seconds: arm.grace_seconds,
            };
            let new = NewCheckin {
                id: arm.checkin_id,
                device_key: v.device_key,
                deadline: arm.deadline as i64,
                grace: arm.grace_seconds as i64,
                cancel_hash: arm.cancel_hash,
                duress_hash: arm.duress_hash,
                sealed: pack_sealed(&arm.alert),
                message_count: alert.messages.len() as u32,
            };
            drop(alert);
            commit(
                app,
                Change::Arm(new),
                record(StatusCode::CREATED, &reply),
                &v,
                &path,
            )
            .await?;
            app.metrics.armed_total.fetch_add(1, Relaxed);
            tracing::info!("armed");
            Ok(reply_status(StatusCode::CREATED, &reply))
        }
        Call::Extend(id) => {
            let ext: ExtendRequest = parse(&body)?;
            check_deadline(ext.deadline, now).map_err(invalid)?;
            let c = owned(app, id, &v).await?;
            if c.phase != Phase::Armed {
                return Err(ended(&c));
            }
            let reply = CheckinStatus {
                deadline: ext.deadline,
                ..status_of(&c)
            };
            let change = Change::Extend {
                id,
                deadline: ext.deadline as i64,
            };
            match commit(app, change, record(StatusCode::OK, &reply), &v, &path).await {
                Err(Committed::NotArmed) => {
                    let c = owned(app, id, &v).await?;
                    return Err(ended(&c));
                }
                other => other.map_err(ApiError::from)?,
            }
            tracing::info!("extended");
            Ok(reply_status(StatusCode::OK, &reply))
        }
        Call::CheckIn(id) | Call::Cancel(id) => {
            let cancelling = matches!(call, Call::Cancel(_));
            let req: SecretRequest = parse(&body)?;
            let c = owned(app, id, &v).await?;
            if c.phase != Phase::Armed {
                // Already over: say how it stands (a retry after a lost reply lands here too).
                let reply = status_of(&c);
                commit(
                    app,
                    Change::Nothing,
                    record(StatusCode::OK, &reply),
                    &v,
                    &path,
                )
                .await?;
                return Ok(reply_status(StatusCode::OK, &reply));
            }
            let (Some(cancel_hash), Some(duress_hash)) = (c.cancel_hash, c.duress_hash) else {
                return Err(storage(StoreError::Corrupt("hashes of an armed check-in")));
            };
            let shown = if cancelling {
                CheckinState::Cancelled
            } else {
                CheckinState::CheckedIn
            };
            let send = match match_secret(&id, &req.secret, &cancel_hash, &duress_hash) {
                SecretMatch::Cancel => false,
                SecretMatch::Duress => true,
                SecretMatch::Neither => {
                    return Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "wrong_secret",
                        "that secret does not end this check-in",
                    ))
                }
            };
            // The same reply for both secrets: whoever forced the check-in sees it succeed.
            let reply = CheckinStatus {
                state: shown,
                ..status_of(&c)
            };
            let change = Change::End { id, shown, send };
            match commit(app, change, record(StatusCode::OK, &reply), &v, &path).await {
                Err(Committed::NotArmed) => {
                    // It fired (or ended) meanwhile: say so.
                    let c = owned(app, id, &v).await?;
                    let reply = status_of(&c);
                    commit(
                        app,
                        Change::Nothing,
                        record(StatusCode::OK, &reply),
                        &v,
                        &path,
                    )
                    .await?;
                    return Ok(reply_status(StatusCode::OK, &reply));
                }
                other => other.map_err(ApiError::from)?,
            }
            if send {
                app.metrics.duress_total.fetch_add(1, Relaxed);
                app.wake.notify_one();
            } else if cancelling {
                app.metrics.cancelled_total.fetch_add(1, Relaxed);
            } else {
                app.metrics.checked_in_total.fetch_add(1, Relaxed);
            }
            // One log line for both secrets.
            tracing::info!(cancelled = cancelling, "ended");
            Ok(reply_status(StatusCode::OK, &reply))
        }
        Call::Status(id) => {
            let _: StatusRequest = parse(&body)?;
            let c = owned(app, id, &v).await?;
            Ok(reply_status(StatusCode::OK, &status_of(&c)))
        }
    }
}

fn invalid(e: waymark_relay_proto::Error) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid", e.to_string())
}

fn ended(c: &Checkin) -> ApiError {
    let state = crate::store::state_str(c.shown);
    ApiError::new(
        StatusCode::CONFLICT,
        "ended",
        format!("the check-in is no longer running ({state})"),
    )
}

fn reply_status(status: StatusCode, reply: &CheckinStatus) -> Response {
    json_reply(status, serde_json::to_vec(reply).unwrap_or_default())
}

/// The check-in, if it exists and this device armed it (otherwise 404 either way, so another key
/// learns nothing about which ids exist).
async fn owned<S: Store>(
    app: &App<S>,
    id: CheckinId,
    v: &VerifiedRequest,
) -> Result<Checkin, ApiError> {
    match app.store.get(id).await.map_err(storage)? {
        Some(c) if c.device_key == v.device_key => Ok(c),
        _ => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_checkin",
            "no check-in with that id for this device",
        )),
    }
}

fn answer_retry(r: &RequestRecord, v: &VerifiedRequest, path: &str) -> Result<Response, ApiError> {
    if r.device_key == v.device_key && r.path == path && r.body_sha256 == v.body_sha256 {
        let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
        Ok(json_reply(status, r.reply.clone()))
    } else {
        Err(ApiError::new(
            StatusCode::CONFLICT,
            "request_id_reused",
            "this request id was already used for another request",
        ))
    }
}

enum Committed {
    NotArmed,
    Other(ApiError),
}

impl From<Committed> for ApiError {
    fn from(c: Committed) -> Self {
        match c {
            Committed::NotArmed => ApiError::new(
                StatusCode::CONFLICT,
                "ended",
                "the check-in is no longer running",
            ),
            Committed::Other(e) => e,
        }
    }
}

impl From<ApiError> for Committed {
    fn from(e: ApiError) -> Self {
        Committed::Other(e)
    }
}

async fn commit<S: Store>(
    app: &App<S>,
    change: Change,
    record: RequestRecord,
    v: &VerifiedRequest,
    path: &str,
) -> Result<(), Committed> {
    let is_arm = matches!(change, Change::Arm(_));
    match app.store.apply(change, record).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotArmed) => Err(Committed::NotArmed),
        Err(StoreError::Exists) => {
            // Either the same request raced in twice (answer like a retry), or an arm reused a
            // check-in id.
            match app.store.find_request(v.request_id).await {
                Ok(Some(r)) => match answer_retry(&r, v, path) {
                    Ok(_) => Ok(()),
                    Err(e) => Err(Committed::Other(e)),
                },
                Ok(None) if is_arm => Err(Committed::Other(ApiError::new(
                    StatusCode::CONFLICT,
                    "checkin_exists",
                    "a check-in with this id already exists",
                ))),
                Ok(None) => Err(Committed::Other(storage(StoreError::Exists))),
                Err(e) => Err(Committed::Other(storage(e))),
            }
        }
        Err(e) => Err(Committed::Other(storage(e))),
    }
}

impl From<Committed> for Response {
    fn from(c: Committed) -> Self {
        ApiError::from(c).into_response()
    }
}
