//! Carrying the core's relay requests (issue 16): a small blocking HTTPS client and the words the
//! CLI says about the relay. The core builds and signs every request and reads every reply;
//! this file only moves bytes and tells the person plainly whether the relay holds the plan.

use std::io::Read;
use std::time::Duration;
use waymark_core::safety::relay::{self, RelayState};
use waymark_core::safety::{KeyCheck, RelayReply, RelayRequest, Safety};

use crate::app::CliError;

/// Long enough for a slow mobile link, short enough that a person is not left waiting.
const TIMEOUT: Duration = Duration::from_secs(15);
/// A relay's answers are small; a bigger one is not a relay.
const MAX_REPLY_BYTES: u64 = 64 * 1024;

/// Sends the request; `Err` is why the relay could not be reached (no answer at all).
pub fn send(req: &RelayRequest) -> Result<(u16, Vec<u8>), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        // A redirect would send the signed request somewhere the person did not choose.
        .max_redirects(0)
        .build()
        .into();
    let result = match req.method.as_str() {
        "GET" => {
            let mut r = agent.get(&req.url);
            for (n, v) in &req.headers {
                r = r.header(n.as_str(), v.as_str());
            }
            r.call()
        }
        _ => {
            let mut r = agent.post(&req.url);
            for (n, v) in &req.headers {
                r = r.header(n.as_str(), v.as_str());
            }
            r.send(&req.body[..])
        }
    };
    let mut resp = result.map_err(|e| match e {
        ureq::Error::Timeout(_) => "it did not answer in time".to_string(),
        ureq::Error::HostNotFound => "its address was not found".to_string(),
        ureq::Error::Io(_) | ureq::Error::ConnectionFailed => "no connection".to_string(),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
            "its secure connection could not be checked".to_string()
        }
        _ => "no usable answer".to_string(),
    })?;
    let status = resp.status().as_u16();
    let mut body = Vec::new();
    resp.body_mut()
        .as_reader()
        .take(MAX_REPLY_BYTES)
        .read_to_end(&mut body)
        .map_err(|_| "its answer was cut off".to_string())?;
    Ok((status, body))
}

/// `--relay URL` on `checkin start`: fetch the relay's key, pin it on first use, refuse a
/// changed key unless the person accepted its fingerprint. Returns what to say, or None (and a
/// warning) when the relay cannot be reached and no key for it is pinned.
pub fn choose(
    safety: &Safety,
    url: &str,
    accept: Option<&str>,
) -> Result<Result<Vec<String>, String>, CliError> {
    let req = relay::key_request(url)?;
    let key = match send(&req) {
        Ok((status, body)) => match relay::parse_key_document(status, &body) {
            Ok(k) => k,
            Err(e) => return Ok(Err(e.to_string())),
        },
        Err(why) => return Ok(Err(why)),
    };
    let mut said = Vec::new();
    match safety.check_relay_key(url, &key)? {
        KeyCheck::Same { .. } => {}
        KeyCheck::First { fingerprint } => {
            safety.pin_relay(url, &key)?;
            said.push(format!(
                "First use of this relay: its key is now remembered. Its fingerprint is\n  {fingerprint}\nCheck it with whoever runs the relay; if its key ever changes, Waymark will refuse it and tell you."
            ));
        }
        KeyCheck::Changed { pinned, offered } => {
            if !accept.is_some_and(|a| same_fingerprint(a, &offered)) {
                return Err(CliError::usage(format!(
                    "the relay's key has changed, so it was refused and nothing was started.\n\
                     Remembered fingerprint: {pinned}\n\
                     It now shows:           {offered}\n\
                     Someone may be pretending to be your relay. Ask whoever runs it whether they \
                     changed its key. Only if they did and the new fingerprint matches, run again \
                     with --accept-relay-key \"{offered}\". Or start without --relay."
                )));
            }
            safety.pin_relay(url, &key)?;
            said.push(format!(
                "You accepted the relay's new key. Its fingerprint is now\n  {offered}"
            ));
        }
    }
    Ok(Ok(said))
}

fn same_fingerprint(a: &str, b: &str) -> bool {
    let clean = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_hexdigit())
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    clean(a) == clean(b) && !clean(a).is_empty()
}

/// Whether the relay holds the plan after a call, in words.
pub struct Outcome {
    pub reply: Result<RelayReply, String>,
}

impl Outcome {
    pub fn of(req: Option<RelayRequest>) -> Option<Outcome> {
        let req = req?;
        let reply = send(&req).map(|(status, body)| relay::parse_reply(status, &body));
        Some(Outcome { reply })
    }

    pub fn state(&self) -> Option<RelayState> {
        match &self.reply {
            Ok(RelayReply::Status { state, .. }) => Some(*state),
            _ => None,
        }
    }

    /// Why the relay did not take the call: unreachable, or its refusal.
    pub fn problem(&self) -> Option<String> {
        match &self.reply {
            Ok(RelayReply::Status { .. }) => None,
            Ok(RelayReply::Refused { reason, .. }) => Some(format!("it refused: {reason}")),
            Err(why) => Some(format!("it could not be reached: {why}")),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "reached": self.state().is_some(),
            "state": self.state().map(|s| match s {
                RelayState::Armed => "armed",
                RelayState::CheckedIn => "checked-in",
                RelayState::Cancelled => "cancelled",
                RelayState::Alerted => "alerted",
            }),
            "problem": self.problem(),
            "deadline": match &self.reply {
                Ok(RelayReply::Status { deadline, .. }) => Some(deadline.to_rfc3339()),
                _ => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_compare_without_spaces_or_case() {
        assert!(super::same_fingerprint("ab12 CD34", "ab12cd34"));
        assert!(!super::same_fingerprint("ab12", "ab13"));
        assert!(!super::same_fingerprint("", ""));
    }
}
