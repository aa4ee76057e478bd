//! The SMS gateway adapters. The built-in one (`--gateway-kind json`): `POST
//! {GATEWAY_URL}/messages` with `{"to", "body", "idempotency_key"}` and `Authorization: Bearer
//! TOKEN`. Twilio's (`--gateway-kind twilio`): `POST
//! {GATEWAY_URL}/2010-04-01/Accounts/{SID}/Messages.json` with form-encoded `To`, `From`, `Body`,
//! basic auth from the token file (`SID:TOKEN`) and the key in `I-Twilio-Idempotency-Token`.
//! For both, a 2xx is sent; a 4xx
//! other than 408/409/429 is a permanent refusal (a number the gateway cannot reach); anything
//! else (5xx, 429, a timeout, no connection) is tried again after the lease.
//!
//! The idempotency key is the same for every attempt at one text, by any process, so a gateway
//! that honours it delivers each text once even when the relay posts it twice (a crash between
//! the gateway's answer and the relay's record of it).
//!
//! The gateway is reached over https (rustls; Mozilla's roots, or only the operator's own CA
//! with `--gateway-ca-file` for a private gateway), since each post carries a buddy's number and
//! the alert in clear. Plain http is allowed only to a loopback address (a gateway or a TLS proxy
//! on the same machine, and the tests' fake gateway).

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
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

/// Which API the gateway speaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatewayApi {
    Json,
    /// Twilio's Messages API; `from` is the sending number.
    Twilio {
        from: String,
    },
}

#[derive(Clone)]
pub struct Gateway {
    api: GatewayApi,
    url: String,
    authorization: Zeroizing<String>,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl Gateway {
    /// `base` is `https://host[:port][/prefix]` (or `http://` to a loopback address); `token`
    /// is the bearer token, or `SID:TOKEN` for Twilio (from a file); `ca_file`, if given, holds
    /// the only CA certificates (PEM) trusted for the gateway, in place of Mozilla's roots.
    pub fn new(
        base: &str,
        api: GatewayApi,
        token: &str,
        ca_file: Option<&Path>,
        timeout: Duration,
    ) -> Result<Self, String> {
        let base = base.trim_end_matches('/');
        let token = token.trim();
        let (path, authorization) = match &api {
            GatewayApi::Json => ("/messages".to_string(), format!("Bearer {token}")),
            GatewayApi::Twilio { from } => {
                // Never echo the file's content: it is a credential.
                let sid = match token.split_once(':') {
                    Some((sid, secret))
                        if !sid.is_empty()
                            && !secret.is_empty()
                            && sid.bytes().all(|b| b.is_ascii_alphanumeric()) =>
                    {
                        sid
                    }
                    _ => return Err("for --gateway-kind twilio the gateway token file must hold ACCOUNT_SID:AUTH_TOKEN".into()),
                };
                if from.trim().is_empty() {
                    return Err(
                        "--gateway-kind twilio needs --gateway-from (the sending number)".into(),
                    );
                }
                let basic = base64::engine::general_purpose::STANDARD.encode(token);
                (
                    format!("/2010-04-01/Accounts/{sid}/Messages.json"),
                    format!("Basic {basic}"),
                )
            }
        };
        let uri: hyper::Uri = format!("{base}{path}")
            .parse()
            .map_err(|_| "the gateway URL is not valid".to_string())?;
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if is_loopback(uri.host()) => {}
            _ => {
                return Err(
                    "the gateway URL must be https:// (http:// only to a loopback \
                            address, such as a TLS proxy on this machine)"
                        .into(),
                )
            }
        }
        let roots = match ca_file {
            Some(path) => own_roots(path)?,
            None => rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            },
        };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(timeout));
        http.set_nodelay(true);
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Gateway {
            api,
            url: uri.to_string(),
            authorization: Zeroizing::new(authorization),
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
        let (body, content_type, key_header) = match &self.api {
            GatewayApi::Json => (
                serde_json::to_vec(&Out {
                    to: &msg.to,
                    body: &msg.body,
                    idempotency_key,
                })
                .map_err(|_| GatewayError::Retry)?,
                "application/json",
                "idempotency-key",
            ),
            GatewayApi::Twilio { from } => (
                form(&[("To", &msg.to), ("From", from), ("Body", &msg.body)]).into_bytes(),
                "application/x-www-form-urlencoded",
                "i-twilio-idempotency-token",
            ),
        };
        let body = Zeroizing::new(body);
        let req = hyper::Request::post(&self.url)
            .header("content-type", content_type)
            .header("authorization", self.authorization.as_str())
            .header(key_header, idempotency_key)
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

/// `application/x-www-form-urlencoded`: every byte but A-Z a-z 0-9 - . _ ~ as %XX.
fn form(fields: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        for (j, part) in [name, value].iter().enumerate() {
            if j > 0 {
                out.push('=');
            }
            for b in part.bytes() {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

fn is_loopback(host: Option<&str>) -> bool {
    match host {
        Some("localhost") => true,
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// The operator's CA certificates (PEM), the only roots trusted for the gateway.
fn own_roots(path: &Path) -> Result<rustls::RootCertStore, String> {
    use rustls_pki_types::pem::PemObject;
    let bad = |why: String| format!("the gateway CA file {}: {why}", path.display());
    let mut roots = rustls::RootCertStore::empty();
    for cert in
        rustls_pki_types::CertificateDer::pem_file_iter(path).map_err(|e| bad(e.to_string()))?
    {
        let cert = cert.map_err(|e| bad(e.to_string()))?;
        roots.add(cert).map_err(|e| bad(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(bad("no certificate in it".into()));
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        let t = Duration::from_secs(1);
        for ok in [
            "https://sms.example.org",
            "http://127.0.0.1:9",
            "http://localhost:9/x",
            "http://[::1]:9",
        ] {
            assert!(
                Gateway::new(ok, GatewayApi::Json, "t", None, t).is_ok(),
                "{ok}"
            );
        }
        for refused in [
            "http://sms.example.org",
            "http://10.0.0.2",
            "ftp://127.0.0.1",
        ] {
            let err = Gateway::new(refused, GatewayApi::Json, "t", None, t)
                .err()
                .expect(refused);
            assert!(err.contains("https://"), "{refused}: {err}");
        }
    }

    #[test]
    fn twilio_needs_sid_token_and_a_sending_number_and_says_so_without_the_token() {
        let t = Duration::from_secs(1);
        let twilio = |from: &str| GatewayApi::Twilio { from: from.into() };
        let g = Gateway::new(
            "https://api.twilio.com",
            twilio("+15005550006"),
            "AC12ab:s3cret\n",
            None,
            t,
        )
        .unwrap();
        assert_eq!(
            g.url,
            "https://api.twilio.com/2010-04-01/Accounts/AC12ab/Messages.json"
        );
        assert_eq!(g.authorization.as_str(), "Basic QUMxMmFiOnMzY3JldA==");
        for bad in ["s3cret", ":s3cret", "AC12ab:", "AC/../x:s3cret"] {
            let err = Gateway::new("https://api.twilio.com", twilio("+1"), bad, None, t)
                .err()
                .unwrap();
            assert!(
                err.contains("ACCOUNT_SID:AUTH_TOKEN") && !err.contains("s3cret"),
                "{err}"
            );
        }
        let err = Gateway::new("https://api.twilio.com", twilio(" "), "AC1:x", None, t)
            .err()
            .unwrap();
        assert!(err.contains("--gateway-from"), "{err}");
    }

    #[test]
    fn form_encoding_escapes_everything_but_unreserved_bytes() {
        assert_eq!(
            form(&[("To", "+447700900123"), ("Body", "Hi & bye=1\nÄ ~ok.")]),
            "To=%2B447700900123&Body=Hi%20%26%20bye%3D1%0A%C3%84%20~ok."
        );
    }

    #[test]
    fn a_ca_file_without_a_certificate_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = Gateway::new(
            "https://sms.example.org",
            GatewayApi::Json,
            "t",
            Some(&path),
            Duration::from_secs(1),
        )
        .err()
        .unwrap();
        assert!(err.contains("no certificate"), "{err}");
        let missing = dir.path().join("absent.pem");
        assert!(Gateway::new(
            "https://sms.example.org",
            GatewayApi::Json,
            "t",
            Some(&missing),
            Duration::from_secs(1)
        )
        .is_err());
    }
}
