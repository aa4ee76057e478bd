//! The built-in SMS gateway adapter: `POST {GATEWAY_URL}/messages` with
//! `{"to", "body", "idempotency_key"}` and `Authorization: Bearer TOKEN`. A 2xx is sent; a 4xx
//! other than 408/409/429 is a permanent refusal (a number the gateway cannot reach); anything
//! else (5xx, 429, a timeout, no connection) is tried again after the lease.
//!
//! The idempotency key is the same for every attempt at one text, by any process, so a gateway
//! that honours it delivers each text once even when the relay posts it twice (a crash between
//! the gateway's answer and the relay's record of it).
//!
//! Plain HTTP only: run the gateway, or a TLS-terminating proxy in front of it, on loopback or a
//! private network. (No TLS stack is built in, to keep the relay's dependencies small.)

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use waymark_relay_proto::AlertMessage;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayError {
    /// Try again later.
    Retry,
    /// The gateway refused this text for good.
    Refused(u16),
}

#[derive(Clone)]
pub struct Gateway {
    url: String,
    authorization: Zeroizing<String>,
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

impl Gateway {
    /// `base` is `http://host:port[/prefix]`; `token` is the bearer token (from a file).
    pub fn new(base: &str, token: &str, timeout: Duration) -> Result<Self, String> {
        let base = base.trim_end_matches('/');
        let uri: hyper::Uri = format!("{base}/messages")
            .parse()
            .map_err(|_| "the gateway URL is not valid".to_string())?;
        if uri.scheme_str() != Some("http") {
            return Err(
                "the gateway URL must be http:// (put a TLS proxy on loopback in front of an \
                 https gateway)"
                    .into(),
            );
        }
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeout));
        connector.set_nodelay(true);
        Ok(Gateway {
            url: uri.to_string(),
            authorization: Zeroizing::new(format!("Bearer {}", token.trim())),
            client: Client::builder(TokioExecutor::new()).build(connector),
            timeout,
        })
    }

    pub async fn send(
        &self,
        msg: &AlertMessage,
        idempotency_key: &str,
    ) -> Result<(), GatewayError> {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            to: &'a str,
            body: &'a str,
            idempotency_key: &'a str,
        }
        let body = Zeroizing::new(
            serde_json::to_vec(&Out {
                to: &msg.to,
                body: &msg.body,
                idempotency_key,
            })
            .map_err(|_| GatewayError::Retry)?,
        );
        let req = hyper::Request::post(&self.url)
            .header("content-type", "application/json")
            .header("authorization", self.authorization.as_str())
            .header("idempotency-key", idempotency_key)
            .body(Full::new(Bytes::copy_from_slice(&body)))
            .map_err(|_| GatewayError::Retry)?;
        let resp = tokio::time::timeout(self.timeout, async {
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|_| GatewayError::Retry)?;
            let status = resp.status().as_u16();
            // Read (and drop) the reply so the connection can be reused.
            let _ = resp.into_body().collect().await;
            Ok::<u16, GatewayError>(status)
        })
        .await
        .map_err(|_| GatewayError::Retry)??;
        match resp {
            200..=299 => Ok(()),
            408 | 409 | 425 | 429 => Err(GatewayError::Retry),
            400..=499 => Err(GatewayError::Refused(resp)),
            _ => Err(GatewayError::Retry),
        }
    }
}
