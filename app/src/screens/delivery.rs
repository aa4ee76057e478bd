//! Check-in delivery: every reminder, alert and 999 prompt the core hands out becomes an effect
//! exactly once (the core records an event as delivered before returning it; the effect keeps
//! the event's id so a shell can drop a repeat). Works locked (the armed check-in) and unlocked.
//!
//! The phone reports each text's outcome (`SmsSent`). A text that did not go is kept here, in
//! memory only, and said plainly on every screen until it is sent again or by hand: the core has
//! already counted it as delivered, so nothing else would ever send it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use waymark_core::safety::{ArmedCheckIn, Event, EventKind, Recipient, Safety};
use waymark_core::vault::Vault;

use crate::effect::Effect;
use crate::model::{Model, SmsAbility};
use crate::time::to_system_time;
use crate::view::SmsFailure;

/// The id of the one wake-up the check-in needs.
pub(crate) const CHECKIN_WAKE: &str = "checkin";

/// A text handed to the phone, until it reports the outcome.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    /// The core event's id (a retry has its own effect id, since shells drop repeated ids).
    pub event_id: String,
    pub to: String,
    pub body: String,
    pub attempts: u32,
}

#[derive(Debug, Default)]
pub(crate) struct DeliveryState {
    /// By effect id: texts the phone has not reported on yet.
    pub outbox: BTreeMap<String, Outgoing>,
    /// By event id, oldest first: texts the phone could not send.
    pub failed: BTreeMap<String, Outgoing>,
    /// The order failures came in (event ids), so the oldest shows first.
    pub failed_order: Vec<String>,
    /// A 999 prompt or a missed check-in came: offer the call prominently until the check-in
    /// closes.
    pub call_999_offered: bool,
    /// When the core next has something due (so `Tick` delivers it even if no wake-up fires).
    pub next_wake: Option<DateTime<Utc>>,
}

impl Model {
    /// Hands out what is due now, and asks the phone to wake the app for what comes next.
    pub(crate) fn checkin_tick(&mut self) {
        if !Vault::exists(&self.dir) {
            return;
        }
        let now = self.now();
        let due_and_next = match self.unlocked_vault() {
            Some(v) => {
                let safety = Safety::new(v);
                safety
                    .tick(now)
                    .and_then(|events| Ok((events, safety.next_wake()?)))
            }
            None => ArmedCheckIn::open(&self.dir, self.prf.clone(), self.clock.clone())
                .and_then(|a| Ok((a.tick(now)?, a.next_wake()?))),
        };
        match due_and_next {
            Ok((events, next)) => {
                for e in events {
                    self.deliver(e);
                }
                self.delivery.next_wake = next;
                self.effect(match next {
                    Some(at) => Effect::ScheduleWake {
                        id: CHECKIN_WAKE.into(),
                        at: to_system_time(at),
                    },
                    None => Effect::CancelWake {
                        id: CHECKIN_WAKE.into(),
                    },
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "check-in tick failed");
                if self.is_unlocked() {
                    self.fail(&e);
                }
            }
        }
        self.refresh_checkin();
    }

    /// The clock moved: deliver if something fell due (a wake-up may come late or not at all
    /// while the app is in front).
    pub(crate) fn tick(&mut self) {
        if self.delivery.next_wake.is_some_and(|t| t <= self.now()) {
            self.checkin_tick();
        }
    }

    fn deliver(&mut self, e: Event) {
        if matches!(e.kind, EventKind::Call999Prompt | EventKind::Missed) {
            self.delivery.call_999_offered = true;
        }
        match e.to {
            // A duress check-in's alert: whoever forced the check-in may be watching. It is
            // sent only where nothing shows (Android's silent send) and a failure is not put on
            // screen; a phone that can only open the messages app with the text filled in
            // (iOS) does not send it at all, and set-up says so (`duress_body`).
            Recipient::Buddy { phone, .. } if e.is_silent_alert() => {
                if self.config.sms == SmsAbility::SendSilently {
                    self.effect(Effect::SendSms {
                        id: e.id,
                        to: phone,
                        body: e.text,
                    });
                } else {
                    tracing::info!("a silent alert cannot be sent unseen on this phone");
                }
            }
            Recipient::Buddy { phone, .. } => {
                let out = Outgoing {
                    event_id: e.id.clone(),
                    to: phone,
                    body: e.text,
                    attempts: 1,
                };
                self.send_text(e.id, out, self.config.sms);
            }
            // The person's notifications can be read off a lock screen by anyone: the words
            // come from the table and never carry the plan.
            Recipient::User => {
                let s = self.s;
                let body = match e.kind {
                    EventKind::Missed => s.notify_missed,
                    EventKind::Call999Prompt => s.notify_call_999,
                    _ => s.notify_reminder,
                };
                self.effect(Effect::ShowNotification {
                    id: e.id,
                    title: s.notify_title.to_string(),
                    body: body.to_string(),
                });
            }
        }
    }

    fn send_text(&mut self, effect_id: String, out: Outgoing, how: SmsAbility) {
        let (id, to, body) = (effect_id.clone(), out.to.clone(), out.body.clone());
        self.effect(match how {
            SmsAbility::SendSilently => Effect::SendSms { id, to, body },
            SmsAbility::ComposeOnly => Effect::ComposeSms { id, to, body },
        });
        self.delivery.outbox.insert(effect_id, out);
    }

    /// The phone's report on a text. Unknown ids (a report after a restart) change nothing.
    pub(crate) fn sms_sent(&mut self, id: &str, ok: bool) {
        let Some(out) = self.delivery.outbox.remove(id) else {
            return;
        };
        let d = &mut self.delivery;
        if ok {
            d.failed.remove(&out.event_id);
            d.failed_order.retain(|e| *e != out.event_id);
        } else {
            if !d.failed_order.contains(&out.event_id) {
                d.failed_order.push(out.event_id.clone());
            }
            d.failed.insert(out.event_id.clone(), out);
        }
    }

    /// Try a failed text again (`compose`: in the messages app, by hand). A new effect id,
    /// since a shell drops an id it has handled.
    pub(crate) fn sms_retry(&mut self, event_id: &str, compose: bool) {
        let Some(f) = self.delivery.failed.get_mut(event_id) else {
            return;
        };
        f.attempts += 1;
        let out = f.clone();
        let effect_id = format!("{event_id}#{}", out.attempts);
        let how = if compose {
            SmsAbility::ComposeOnly
        } else {
            self.config.sms
        };
        self.send_text(effect_id, out, how);
    }

    /// The check-in closed: nothing is urgent any more (failed texts still show until sent).
    pub(crate) fn checkin_closed(&mut self) {
        self.delivery.call_999_offered = false;
    }

    pub(crate) fn sms_failure_view(&self) -> Option<SmsFailure> {
        let d = &self.delivery;
        let id = d.failed_order.first()?.clone();
        let s = self.s;
        Some(SmsFailure {
            text: s.sms_failed.to_string(),
            count: u32::try_from(d.failed.len()).unwrap_or(u32::MAX),
            id,
            retry_label: s.sms_try_again.to_string(),
            compose_label: s.sms_send_yourself.to_string(),
        })
    }

    /// Whether the emergency call is drawn large: a check-in is overdue or was missed, the
    /// 999 prompt came, or a buddy was not texted.
    pub(crate) fn urgent(&self) -> bool {
        self.delivery.call_999_offered || !self.delivery.failed.is_empty() || self.checkin_overdue()
    }
}

impl Model {
    /// What the duress PIN does, as set-up and settings explain it: on a phone that cannot
    /// text unseen, checking in with it alerts nobody (see `deliver`).
    pub(crate) fn duress_body(&self) -> &'static str {
        match self.config.sms {
            SmsAbility::SendSilently => self.s.setup_duress_body,
            SmsAbility::ComposeOnly => self.s.setup_duress_body_no_silent_text,
        }
    }
}
