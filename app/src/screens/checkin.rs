//! Check-in delivery: every reminder, alert and 999 prompt the core hands out becomes an effect
//! exactly once (the core records an event as delivered before returning it; the effect keeps
//! the event's id so a shell can drop a repeat). Works locked (the armed check-in) and unlocked.

use waymark_core::safety::{ArmedCheckIn, Event, EventKind, Recipient, Safety};
use waymark_core::vault::Vault;

use crate::effect::Effect;
use crate::model::{Model, SmsAbility};
use crate::time::to_system_time;

/// The id of the one wake-up the check-in needs.
pub(crate) const CHECKIN_WAKE: &str = "checkin";

#[derive(Debug, Default)]
pub(crate) struct CheckInState {
    /// A 999 prompt came: offer the call prominently until the check-in closes.
    pub call_999_offered: bool,
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
    }

    fn deliver(&mut self, e: Event) {
        if e.kind == EventKind::Call999Prompt {
            self.checkin.call_999_offered = true;
        }
        match e.to {
            Recipient::Buddy { phone, .. } => {
                let (id, to, body) = (e.id, phone, e.text);
                self.effect(match self.config.sms {
                    SmsAbility::SendSilently => Effect::SendSms { id, to, body },
                    SmsAbility::ComposeOnly => Effect::ComposeSms { id, to, body },
                });
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
}
