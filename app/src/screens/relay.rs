//! The check-in relay (issue 16): choosing a relay and trusting its key (the fingerprint is
//! shown on first use; a changed key is refused until the person accepts it), giving it each
//! plan, telling it about a check-in (also from the lock screen, where the duress PIN sends the
//! duress secret behind the same answer), more time and a stop, and saying plainly when it is
//! not holding the plan. The core builds and signs every request and reads every answer; the
//! shell only carries `Effect::Http` and reports `HttpDone` / `HttpFailed`.
//!
//! Nothing here is on disk: which calls are in flight and what the relay last said live in
//! memory. After a restart the check-in screen asks the relay where the plan stands.

use std::collections::BTreeMap;

use waymark_core::safety::relay::{self, RelayState};
use waymark_core::safety::{KeyCheck, RelayOp, RelayPublicKey, RelayReply, RelayRequest, Safety};

use crate::effect::{Effect, HttpHeader};
use crate::model::Model;
use crate::strings::fill;
use crate::view::{Banner, RelayCard, RelayKeyPrompt, Tone};

/// What an `Http` effect in flight was for.
#[derive(Debug, Clone)]
enum Pending {
    Key { address: String },
    Call { op: RelayOp, locked: bool },
}

/// A key fetched for `address`, waiting for the person.
#[derive(Debug, Clone)]
struct Offer {
    address: String,
    key: RelayPublicKey,
    check: KeyCheck,
}

/// Whether the relay holds the running plan, as far as this phone knows.
#[derive(Debug, Clone, PartialEq)]
enum Holding {
    Asking,
    Yes,
    No(String),
}

#[derive(Debug, Default)]
pub(crate) struct RelayUi {
    seq: u64,
    pending: BTreeMap<String, Pending>,
    offer: Option<Offer>,
    /// For the running check-in (None: not asked yet, or no relay).
    holding: Option<(String, Holding)>,
    /// The last change the relay did not get (check-in, new time, stop), in words.
    not_told: Option<String>,
}

impl Model {
    fn relay_effect(&mut self, req: RelayRequest, pending: Pending) {
        self.relay.seq += 1;
        let id = format!("relay-{}-{}", self.now().timestamp_millis(), self.relay.seq);
        self.relay.pending.insert(id.clone(), pending);
        self.effect(Effect::Http {
            id,
            method: req.method,
            url: req.url,
            headers: req
                .headers
                .into_iter()
                .map(|(name, value)| HttpHeader { name, value })
                .collect(),
            body: req.body,
        });
    }

    /// `RelaySetUp { address }`: fetch the relay's key; nothing is kept until it is accepted.
    pub(crate) fn relay_set_up(&mut self, address: &str) {
        match relay::normalise_url(address).and_then(|a| Ok((relay::key_request(&a)?, a))) {
            Ok((req, address)) => {
                self.relay.offer = None;
                self.relay_effect(req, Pending::Key { address });
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn relay_accept_key(&mut self) {
        let Some(offer) = self.relay.offer.take() else {
            return;
        };
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match Safety::new(v).pin_relay(&offer.address, &offer.key) {
            Ok(_) => self.say(self.s.relay.set_done, Tone::Good),
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn relay_reject_key(&mut self) {
        self.relay.offer = None;
    }

    pub(crate) fn relay_forget(&mut self) {
        self.relay.offer = None;
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match Safety::new(v).forget_relay() {
            Ok(()) => self.say(self.s.relay.forgotten, Tone::Neutral),
            Err(e) => self.fail(&e),
        }
    }

    /// Whether new check-ins go to a relay.
    pub(crate) fn relay_chosen(&self) -> bool {
        self.unlocked_vault()
            .and_then(|v| Safety::new(v).relay().ok().flatten())
            .is_some()
    }

    /// Send `op` for check-in `id` to its relay, if it has one (after the local change).
    pub(crate) fn relay_tell(&mut self, id: &str, op: RelayOp) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match Safety::new(v).relay_request(id, op) {
            Ok(Some(req)) => {
                if matches!(op, RelayOp::Arm | RelayOp::Status) {
                    self.relay.holding = Some((id.to_string(), Holding::Asking));
                }
                if matches!(op, RelayOp::Arm) {
                    self.relay.not_told = None;
                }
                self.relay_effect(req, Pending::Call { op, locked: false });
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "could not build the relay request");
                if op == RelayOp::Arm {
                    let reason = self.error_text(&e);
                    self.relay.holding = Some((id.to_string(), Holding::No(reason)));
                }
            }
        }
    }

    /// The lock screen's check-in made this request (PIN or duress PIN alike).
    pub(crate) fn relay_tell_locked(&mut self, req: RelayRequest) {
        self.relay_effect(
            req,
            Pending::Call {
                op: RelayOp::CheckIn,
                locked: true,
            },
        );
    }

    /// `RelayRetry`: the plan again, to a relay that did not take it.
    pub(crate) fn relay_retry(&mut self) {
        if let Some(id) = self.checkin.current.as_ref().map(|c| c.id.clone()) {
            self.relay_tell(&id, RelayOp::Arm);
        }
    }

    /// The check-in screen opened: if the running plan has a relay and this run of the app has
    /// not heard from it, ask where it stands.
    pub(crate) fn relay_refresh(&mut self) {
        let Some(c) = self.checkin.current.as_ref() else {
            return;
        };
        if c.relay.is_none()
            || self
                .relay
                .holding
                .as_ref()
                .is_some_and(|(id, _)| *id == c.id)
        {
            return;
        }
        let id = c.id.clone();
        self.relay_tell(&id, RelayOp::Status);
    }

    /// `HttpDone` / `HttpFailed` (`answer` None). Unknown ids change nothing.
    pub(crate) fn http_answer(&mut self, id: &str, answer: Option<(u16, &[u8])>) {
        let Some(pending) = self.relay.pending.remove(id) else {
            return;
        };
        let r = &self.s.relay;
        match pending {
            Pending::Key { address } => {
                let key = match answer {
                    Some((status, body)) => relay::parse_key_document(status, body),
                    None => Err(waymark_core::Error::invalid("relay", r.unreachable)),
                };
                let Some(v) = self.unlocked_vault() else {
                    return;
                };
                let checked =
                    key.and_then(|k| Ok((k, Safety::new(v).check_relay_key(&address, &k)?)));
                match checked {
                    Ok((_, KeyCheck::Same { .. })) => self.say(r.set_done, Tone::Good),
                    Ok((key, check)) => {
                        self.relay.offer = Some(Offer {
                            address,
                            key,
                            check,
                        })
                    }
                    Err(e) => {
                        let reason = match e {
                            waymark_core::Error::InvalidInput { reason, .. } => reason,
                            other => self.error_text(&other),
                        };
                        self.say(
                            fill(r.key_unreachable, &[("reason", &reason)]),
                            Tone::Danger,
                        );
                    }
                }
            }
            Pending::Call { op, locked } => {
                let reply = answer.map(|(status, body)| relay::parse_reply(status, body));
                // An arm whose first answer was lost: the relay has it; ask where it stands.
                if let (RelayOp::Arm, Some(RelayReply::Refused { code, .. })) = (op, &reply) {
                    if code == "checkin_exists" {
                        if let Some(id) = self.checkin.current.as_ref().map(|c| c.id.clone()) {
                            self.relay_tell(&id, RelayOp::Status);
                            return;
                        }
                    }
                }
                // A check-in or stop that came after the relay had already sent the alert.
                if let (
                    RelayOp::CheckIn | RelayOp::Cancel,
                    Some(RelayReply::Status { state, .. }),
                ) = (op, &reply)
                {
                    if *state == RelayState::Alerted {
                        let text = r.already_alerted.to_string();
                        if locked || !self.is_unlocked() {
                            self.lock.message = Some(Banner {
                                text,
                                tone: Tone::Danger,
                            });
                        } else {
                            self.relay.not_told = Some(text);
                        }
                        return;
                    }
                }
                let problem = match &reply {
                    Some(RelayReply::Status { state, .. }) => match (op, state) {
                        (RelayOp::Arm | RelayOp::Extend | RelayOp::Status, RelayState::Armed) => {
                            None
                        }
                        (RelayOp::Arm | RelayOp::Extend | RelayOp::Status, _) => {
                            Some(r.no_longer_held.to_string())
                        }
                        _ => None,
                    },
                    Some(RelayReply::Refused { reason, .. }) => {
                        Some(fill(r.refused, &[("reason", reason)]))
                    }
                    None => Some(r.unreachable.to_string()),
                };
                self.relay_outcome(op, locked, problem);
            }
        }
    }

    fn relay_outcome(&mut self, op: RelayOp, locked: bool, problem: Option<String>) {
        let r = &self.s.relay;
        let running = self.checkin.current.as_ref().map(|c| c.id.clone());
        match (op, problem) {
            (RelayOp::Arm | RelayOp::Status, p) => {
                if let Some(id) = running {
                    let h = p.map_or(Holding::Yes, Holding::No);
                    self.relay.holding = Some((id, h));
                }
            }
            (RelayOp::Extend, None) => {
                if let Some(id) = running {
                    self.relay.holding = Some((id, Holding::Yes));
                }
            }
            (RelayOp::Extend, Some(p)) => {
                self.relay.not_told = Some(fill(r.not_told_extend, &[("reason", &p)]));
            }
            (RelayOp::CheckIn, None) => {
                if !locked {
                    self.say(r.told_checkin, Tone::Good);
                }
            }
            (RelayOp::CheckIn, Some(p)) => {
                if locked || !self.is_unlocked() {
                    self.lock.message = Some(Banner {
                        text: r.lock_not_told.to_string(),
                        tone: Tone::Danger,
                    });
                } else {
                    self.relay.not_told = Some(fill(r.not_told_checkin, &[("reason", &p)]));
                }
            }
            (RelayOp::Cancel, Some(p)) => {
                self.relay.not_told = Some(fill(r.not_told_stop, &[("reason", &p)]));
            }
            (RelayOp::Cancel | RelayOp::Key, _) => {}
        }
    }

    /// The relay card of the check-in screen.
    pub(crate) fn relay_card(&self) -> RelayCard {
        let r = &self.s.relay;
        let pinned = self
            .unlocked_vault()
            .and_then(|v| Safety::new(v).relay().ok().flatten());
        let key_prompt = self.relay.offer.as_ref().map(|o| {
            let (changed, fingerprint, previous) = match &o.check {
                KeyCheck::Changed { pinned, offered } => {
                    (true, offered.clone(), Some(pinned.clone()))
                }
                KeyCheck::First { fingerprint } | KeyCheck::Same { fingerprint } => {
                    (false, fingerprint.clone(), None)
                }
            };
            RelayKeyPrompt {
                text: if changed { r.changed_key } else { r.first_key }.to_string(),
                address: o.address.clone(),
                fingerprint,
                changed,
                previous: previous.map(|p| fill(r.pinned_was, &[("fingerprint", &p)])),
                accept_label: if changed { r.accept_changed } else { r.accept }.to_string(),
                reject_label: r.reject.to_string(),
            }
        });
        let running = self.checkin.current.as_ref();
        let holding = match (running, &self.relay.holding) {
            (Some(c), Some((id, h))) if *id == c.id && c.relay.is_some() => Some(h),
            _ => None,
        };
        let alert_time = running
            .and_then(|c| c.alert_at)
            .map(|t| self.clock_text(t))
            .unwrap_or_default();
        let status = match (holding, &self.relay.not_told) {
            (_, Some(text)) => Some(Banner {
                text: text.clone(),
                tone: Tone::Danger,
            }),
            (Some(Holding::Asking), _) => Some(Banner {
                text: r.asking.to_string(),
                tone: Tone::Caution,
            }),
            (Some(Holding::Yes), _) => Some(Banner {
                text: fill(r.holding, &[("time", &alert_time)]),
                tone: Tone::Good,
            }),
            (Some(Holding::No(reason)), _) => Some(Banner {
                text: fill(r.not_holding, &[("reason", reason)]),
                tone: Tone::Danger,
            }),
            (None, None) => None,
        };
        RelayCard {
            heading: r.heading.to_string(),
            about: r.about.to_string(),
            address_label: r.address_label.to_string(),
            set_label: r.set.to_string(),
            in_use: pinned
                .as_ref()
                .map(|p| fill(r.in_use, &[("address", &p.url)])),
            fingerprint: pinned
                .as_ref()
                .map(|p| fill(r.fingerprint, &[("fingerprint", &p.fingerprint())])),
            forget_label: pinned.as_ref().map(|_| r.forget.to_string()),
            key_prompt,
            retry_label: matches!(holding, Some(Holding::No(_))).then(|| r.retry.to_string()),
            status,
        }
    }

    /// A new plan starts: what the relay did not get about the last one no longer matters here.
    pub(crate) fn relay_new_plan(&mut self) {
        self.relay.not_told = None;
    }

    /// Locking forgets the key on offer (the person confirms it unlocked) and what the screen
    /// said; calls in flight are still answered.
    pub(crate) fn relay_on_lock(&mut self) {
        self.relay.offer = None;
        self.relay.holding = None;
        self.relay.not_told = None;
    }
}
