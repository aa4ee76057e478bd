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

/// The person's own notices of a running check-in, scheduled ahead with the phone so they show
/// on time even when the app is not running then (iOS runs an app in the background only when
/// it likes). One fixed id per purpose: a newer time replaces the older, a closed check-in
/// clears all of them, and the notice the core hands out when the moment comes has the same id,
/// so it never shows twice.
pub(crate) const NOTICE_SOON: &str = "checkin.soon";
pub(crate) const NOTICE_DUE: &str = "checkin.due";
pub(crate) const NOTICE_MISSED: &str = "checkin.missed";
pub(crate) const NOTICE_CALL_999: &str = "checkin.call-999";
const NOTICES: [&str; 4] = [NOTICE_SOON, NOTICE_DUE, NOTICE_MISSED, NOTICE_CALL_999];

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
    /// The notices scheduled with the phone by this process, by id, with their time.
    pub notices: BTreeMap<&'static str, DateTime<Utc>>,
    /// Whether the phone lets the app send texts by itself (Android's SEND_SMS), as last asked;
    /// None until asked in this process (revoking a permission restarts an Android app).
    pub sms_permission: Option<bool>,
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
        self.schedule_notices();
    }

    /// Which notice an event for the person is, and its words (neutral: they can be read off
    /// the lock screen).
    fn notice(&self, e: &Event) -> (&'static str, &'static str) {
        let s = self.s;
        match e.kind {
            EventKind::Missed => (NOTICE_MISSED, s.notify_missed),
            EventKind::Call999Prompt => (NOTICE_CALL_999, s.notify_call_999),
            EventKind::Reminder if e.id.contains("/reminder-before/") => {
                (NOTICE_SOON, s.notify_reminder_soon)
            }
            _ => (NOTICE_DUE, s.notify_reminder),
        }
    }

    /// Schedules the running check-in's notices still to come with the phone (only what
    /// changed). Unlocked only: the ladder is read from the open vault; notices scheduled
    /// before the lock stay with the phone.
    fn schedule_notices(&mut self) {
        if !self.is_unlocked() {
            return;
        }
        let Some(c) = self.checkin.current.clone() else {
            if !self.delivery.notices.is_empty() {
                self.clear_notices();
            }
            return;
        };
        let now = self.now();
        let s = self.s;
        let mut coming: Vec<(&'static str, &'static str, DateTime<Utc>)> = c
            .ladder
            .iter()
            .filter(|r| r.buddy.is_none() && !r.delivered && r.at > now)
            .filter_map(|r| match r.kind {
                EventKind::Reminder if r.id.contains("/reminder-before/") => {
                    Some((NOTICE_SOON, s.notify_reminder_soon, r.at))
                }
                EventKind::Reminder => Some((NOTICE_DUE, s.notify_reminder, r.at)),
                EventKind::Call999Prompt => Some((NOTICE_CALL_999, s.notify_call_999, r.at)),
                _ => None,
            })
            .collect();
        // The "missed" notice comes with the first alert (the ladder lists only the alert).
        if let Some(at) = c.alert_at.filter(|t| *t > now) {
            coming.push((NOTICE_MISSED, s.notify_missed, at));
        }
        for (id, body, at) in coming {
            if self.delivery.notices.get(id) == Some(&at) {
                continue;
            }
            self.delivery.notices.insert(id, at);
            self.effect(Effect::ScheduleNotification {
                id: id.to_string(),
                at: to_system_time(at),
                title: s.notify_title.to_string(),
                body: body.to_string(),
            });
        }
    }

    /// The check-in closed: its notices, shown or still to come, go (by their fixed ids, so
    /// ones a previous run of the app scheduled go too).
    fn clear_notices(&mut self) {
        self.delivery.notices.clear();
        for id in NOTICES {
            self.effect(Effect::ClearNotification { id: id.to_string() });
        }
    }

    /// How texts go out now: a phone that may send by itself but was refused the permission
    /// opens the messages app instead.
    pub(crate) fn sms_ability(&self) -> SmsAbility {
        match (self.config.sms, self.delivery.sms_permission) {
            (SmsAbility::SendSilently, Some(false)) => SmsAbility::ComposeOnly,
            (how, _) => how,
        }
    }

    /// The clock moved: deliver if something fell due (a wake-up may come late or not at all
    /// while the app is in front).
    pub(crate) fn tick(&mut self) {
        if self.delivery.next_wake.is_some_and(|t| t <= self.now()) {
            self.checkin_tick();
        }
    }

    pub(crate) fn deliver(&mut self, e: Event) {
        if matches!(e.kind, EventKind::Call999Prompt | EventKind::Missed) {
            self.delivery.call_999_offered = true;
        }
        match e.to {
            // A duress check-in's alert: whoever forced the check-in may be watching. It is
            // sent only where nothing shows (Android's silent send) and a failure is not put on
            // screen; a phone that can only open the messages app with the text filled in
            // (iOS) does not send it at all, and set-up says so (`duress_body`).
            Recipient::Buddy { phone, .. } if e.is_silent_alert() => {
                if self.sms_ability() == SmsAbility::SendSilently {
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
                self.send_text(e.id, out, self.sms_ability());
            }
            // The person's notifications can be read off a lock screen by anyone: the words
            // come from the table and never carry the plan.
            Recipient::User => {
                let (id, body) = self.notice(&e);
                // Scheduled ahead by this run of the app: the phone has shown it on time.
                if self.delivery.notices.contains_key(id) {
                    return;
                }
                self.effect(Effect::ShowNotification {
                    id: id.to_string(),
                    title: self.s.notify_title.to_string(),
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
            self.sms_ability()
        };
        self.send_text(effect_id, out, how);
    }

    /// The check-in closed: nothing is urgent any more (failed texts still show until sent).
    pub(crate) fn checkin_closed(&mut self) {
        self.delivery.call_999_offered = false;
        self.clear_notices();
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
        match self.sms_ability() {
            SmsAbility::SendSilently => self.s.setup_duress_body,
            SmsAbility::ComposeOnly => self.s.setup_duress_body_no_silent_text,
        }
    }
}
