//! The check-in screen: choose a buddy (or add one), say where and for how long, read the plan
//! text exactly as the buddy will (the core writes it, with its SMS count), start; then the
//! running check-in: its countdown card (also on home), "I'm safe", more time, stop, and where
//! the alert ladder stands (the core's schedule, with what went out and what failed).

use chrono::{DateTime, Duration, FixedOffset, Offset, Utc};
use waymark_core::safety::checkin::{ceil_minute, DEFAULT_GRACE_MINUTES, REMIND_BEFORE_MINUTES};
use waymark_core::safety::Location;
use waymark_core::safety::{
    Buddy, CheckInView, Contact, EventKind, Expect, NewContact, Plan, RelayOp, Role, Safety, State,
};
use waymark_core::Error;

use crate::model::{Model, Route, SmsAbility};
use crate::strings::fill;
use crate::time::{seconds_until, short_duration, to_system_time};
use crate::view::{
    BuddyChoice, CheckInCard, CheckInForm, CheckInScreen, LadderRow, RunningCheckIn, Tone,
};

const MINUTE_CHOICES: [u32; 6] = [15, 30, 45, 60, 90, 120];
const GRACE_CHOICES: [u32; 4] = [5, 10, 15, 30];
const DEFAULT_MINUTES: u32 = 30;
/// What "more time" adds.
pub(crate) const EXTEND_MINUTES: u32 = 15;

#[derive(Debug, Default)]
pub(crate) struct CheckInState {
    /// The running check-in as the core last said (refreshed after every change and delivery).
    pub current: Option<CheckInView>,
    /// The person's contacts, read when the screen opens.
    pub contacts: Vec<Contact>,
    pub draft: Draft,
    /// Start was pressed and the phone is asking the person whether the app may send texts.
    pub awaiting_sms_permission: bool,
}

/// The form as typed so far. Forgotten on lock.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub destination: String,
    pub minutes: u32,
    pub grace: u32,
    /// Contact ids, in the order chosen; None until the person chooses (then every contact
    /// marked as a buddy is chosen).
    pub chosen: Option<Vec<String>>,
    /// Whether alerts carry the phone's last known place; None until the person chooses (then
    /// whatever they chose for logging).
    pub share_location: Option<bool>,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            destination: String::new(),
            minutes: DEFAULT_MINUTES,
            grace: DEFAULT_GRACE_MINUTES,
            chosen: None,
            share_location: None,
        }
    }
}

impl Model {
    pub(crate) fn open_checkin(&mut self) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match Safety::new(v).contacts() {
            Ok(c) => self.checkin.contacts = c,
            Err(e) => self.fail(&e),
        }
        self.go(Route::CheckIn);
        self.refresh_checkin();
        self.relay_refresh();
    }

    /// Re-reads the running check-in from the core (unlocked only).
    pub(crate) fn refresh_checkin(&mut self) {
        let Some(v) = self.unlocked_vault() else {
            self.checkin.current = None;
            return;
        };
        match Safety::new(v).current_checkin() {
            Ok(c) => self.checkin.current = c.filter(|c| c.state.is_open()),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the check-in");
                self.fail(&e);
            }
        }
    }

    fn chosen_ids(&self) -> Vec<String> {
        match &self.checkin.draft.chosen {
            Some(ids) => ids.clone(),
            None => self
                .checkin
                .contacts
                .iter()
                .filter(|c| c.roles.contains(&Role::Buddy))
                .map(|c| c.id.clone())
                .collect(),
        }
    }

    pub(crate) fn checkin_destination(&mut self, text: &str) {
        self.checkin.draft.destination = text.to_string();
    }

    pub(crate) fn checkin_minutes(&mut self, minutes: u32) {
        self.checkin.draft.minutes = minutes;
    }

    pub(crate) fn checkin_grace(&mut self, minutes: u32) {
        self.checkin.draft.grace = minutes;
    }

    pub(crate) fn checkin_share_location(&mut self, on: bool) {
        self.checkin.draft.share_location = Some(on);
    }

    fn draft_shares_location(&self) -> bool {
        self.checkin
            .draft
            .share_location
            .unwrap_or_else(|| self.location_on())
    }

    /// A position fix while a check-in runs: kept for the alerts (the core ignores it unless
    /// the plan shares the place).
    pub(crate) fn checkin_location(&mut self, fix: &Location) {
        if self.checkin.current.is_none() {
            return;
        }
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        if let Err(e) = Safety::new(v).record_location(fix.clone()) {
            tracing::warn!(error = %e, "could not keep the check-in's place");
        }
    }

    pub(crate) fn checkin_toggle_buddy(&mut self, contact_id: &str) {
        if !self.checkin.contacts.iter().any(|c| c.id == contact_id) {
            return;
        }
        let mut ids = self.chosen_ids();
        if let Some(i) = ids.iter().position(|id| id == contact_id) {
            ids.remove(i);
        } else {
            ids.push(contact_id.to_string());
        }
        self.checkin.draft.chosen = Some(ids);
    }

    pub(crate) fn checkin_add_buddy(&mut self, name: &str, phone: &str) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let new = NewContact {
            name: name.to_string(),
            phone: phone.to_string(),
            relationship: None,
            roles: vec![Role::Buddy],
            region: self.region.code.to_string(),
        };
        let safety = Safety::new(v);
        match safety
            .add_contact(new)
            .and_then(|c| Ok((c, safety.contacts()?)))
        {
            Ok((added, all)) => {
                let mut ids = self.chosen_ids();
                ids.push(added.id);
                self.checkin.contacts = all;
                self.checkin.draft.chosen = Some(ids);
                self.say(self.s.checkin_buddy_added, Tone::Good);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// The plan the form describes, for the core to check, preview and start.
    fn draft_plan(&self) -> Plan {
        let d = &self.checkin.draft;
        let chosen = self.chosen_ids();
        // In the order of the contact list, so the first buddy is alerted first.
        let buddies = self
            .checkin
            .contacts
            .iter()
            .filter(|c| chosen.contains(&c.id))
            .map(|c| Buddy {
                contact_id: c.id.clone(),
                name: c.name.clone(),
                phone: c.phone.to_string(),
            })
            .collect();
        let mut plan = Plan::new(&d.destination, Expect::WithinMinutes(d.minutes), buddies);
        plan.grace_minutes = d.grace;
        plan.region = self.region.code.to_string();
        plan.utc_offset_minutes = self.config.utc_offset_minutes;
        plan.share_location = self.draft_shares_location();
        plan
    }

    /// Why the form cannot start yet, in the person's words (the core checks the rest).
    fn draft_problem(&self) -> Option<String> {
        if self.chosen_ids().is_empty() {
            return Some(self.s.checkin_no_buddy.to_string());
        }
        if self.checkin.draft.destination.trim().is_empty() {
            return Some(self.s.checkin_no_destination.to_string());
        }
        None
    }

    pub(crate) fn checkin_start(&mut self) {
        if let Some(problem) = self.draft_problem() {
            return self.say(problem, Tone::Caution);
        }
        // A phone that can text by itself asks for leave to, now, with the reason; the plan
        // starts with the answer (`sms_permission_result`). A phone that already has it answers
        // at once without asking the person.
        if self.config.sms == SmsAbility::SendSilently && self.delivery.sms_permission != Some(true)
        {
            self.checkin.awaiting_sms_permission = true;
            return self.effect(crate::effect::Effect::RequestPermission {
                what: crate::effect::Permission::Sms,
                reason: self.s.checkin_sms_reason.to_string(),
            });
        }
        self.checkin_start_now();
    }

    /// The phone's answer about sending texts. Refused: the check-in starts all the same, and
    /// its texts open in the messages app for the person to send (said on screen).
    pub(crate) fn sms_permission_result(&mut self, granted: bool) {
        self.delivery.sms_permission = Some(granted);
        if !std::mem::take(&mut self.checkin.awaiting_sms_permission)
            || self.route != Route::CheckIn
        {
            return;
        }
        self.checkin_start_now();
        if !granted && self.checkin.current.is_some() {
            self.say(self.s.checkin_sms_refused, Tone::Caution);
        }
    }

    fn checkin_start_now(&mut self) {
        if let Some(problem) = self.draft_problem() {
            return self.say(problem, Tone::Caution);
        }
        let plan = self.draft_plan();
        let share = plan.share_location;
        let relayed = self.relay_chosen();
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let safety = Safety::new(v);
        let started = if relayed {
            safety.start_relayed_checkin(plan)
        } else {
            safety.start_checkin(plan)
        };
        match started {
            Ok(view) => {
                self.relay_new_plan();
                if relayed {
                    self.relay_tell(&view.id, RelayOp::Arm);
                }
                self.checkin.draft = Draft::default();
                self.say(self.s.checkin_started, Tone::Good);
                if share {
                    self.effect(crate::effect::Effect::RequestLocation);
                }
                // The plan texts are due now.
                self.checkin_tick();
            }
            Err(e) => self.fail(&e),
        }
    }

    /// "I'm safe", "more time" and "stop" share this: do it, hand out what it made due (the
    /// all-clear, the new time, the call-off), say so.
    fn checkin_action(
        &mut self,
        act: impl FnOnce(&Safety) -> Result<(), Error>,
        done: &'static str,
        closes: bool,
        op: RelayOp,
    ) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let safety = Safety::new(v);
        let id = safety.current_checkin().ok().flatten().map(|c| c.id);
        match act(&safety) {
            Ok(()) => {
                if closes {
                    self.checkin_closed();
                }
                self.say(done, Tone::Good);
                // The relay hears after the phone's own change is stored.
                if let Some(id) = id {
                    self.relay_tell(&id, op);
                }
                self.checkin_tick();
            }
            Err(e) => {
                self.fail(&e);
                self.refresh_checkin();
            }
        }
    }

    pub(crate) fn checkin_safe(&mut self) {
        let done = self.s.checkin_safe_done;
        self.checkin_action(|s| s.check_in().map(|_| ()), done, true, RelayOp::CheckIn);
    }

    pub(crate) fn checkin_extend(&mut self, minutes: u32) {
        let done = self.s.checkin_extended;
        self.checkin_action(
            |s| s.extend(minutes).map(|_| ()),
            done,
            false,
            RelayOp::Extend,
        );
    }

    pub(crate) fn checkin_stop(&mut self) {
        let done = self.s.checkin_cancelled;
        self.checkin_action(|s| s.cancel(), done, true, RelayOp::Cancel);
    }

    /// The running check-in's deadline has passed (whether or not the core has ticked yet).
    pub(crate) fn checkin_overdue(&self) -> bool {
        self.checkin.current.as_ref().is_some_and(|c| {
            matches!(c.state, State::Missed | State::Escalated)
                || c.deadline.is_some_and(|d| d <= self.now())
        })
    }

    /// "17:45", in the phone's time zone.
    pub(crate) fn clock_text(&self, t: DateTime<Utc>) -> String {
        let minutes = self.config.utc_offset_minutes.clamp(-18 * 60, 18 * 60);
        let offset = FixedOffset::east_opt(minutes * 60).unwrap_or(Utc.fix());
        t.with_timezone(&offset).format("%H:%M").to_string()
    }

    /// The countdown card, on home and on the check-in screen.
    pub(crate) fn checkin_card(&self) -> Option<CheckInCard> {
        let c = self.checkin.current.as_ref()?;
        let deadline = c.deadline?;
        let s = self.s;
        let now = self.now();
        let due_in = seconds_until(now, deadline);
        let overdue = seconds_until(deadline, now);
        let late = self.checkin_overdue();
        let (status, tone) = if late {
            (
                fill(s.checkin_overdue, &[("time", &short_duration(overdue))]),
                Tone::Danger,
            )
        } else {
            let tone = if i64::from(due_in) <= REMIND_BEFORE_MINUTES * 60 {
                Tone::Caution
            } else {
                Tone::Neutral
            };
            (
                fill(s.checkin_due_in, &[("time", &short_duration(due_in))]),
                tone,
            )
        };
        // Once buddies are being alerted only a check-in tells them: no more time, no stop.
        let alerting = c.state == State::Escalated || c.alert_at.is_some_and(|t| t <= now);
        Some(CheckInCard {
            title: s.checkin_running.to_string(),
            destination: c.destination.clone(),
            status,
            due_in_seconds: if late { 0 } else { due_in },
            overdue_seconds: if late { overdue } else { 0 },
            deadline: to_system_time(deadline),
            deadline_text: fill(s.checkin_due_by, &[("time", &self.clock_text(deadline))]),
            tone,
            safe_label: s.checkin_im_safe.to_string(),
            extend_label: (!alerting).then(|| {
                fill(
                    s.checkin_extend,
                    &[("minutes", &EXTEND_MINUTES.to_string())],
                )
            }),
            extend_minutes: EXTEND_MINUTES,
            stop_label: (!alerting).then(|| s.checkin_stop.to_string()),
        })
    }

    fn running_view(&self) -> Option<RunningCheckIn> {
        let card = self.checkin_card()?;
        let c = self.checkin.current.as_ref()?;
        let s = self.s;
        let number = self.region.emergency_number;
        let ladder: Vec<LadderRow> = c
            .ladder
            .iter()
            .map(|step| {
                let name = step.buddy.as_deref().unwrap_or("");
                let text = match step.kind {
                    EventKind::Plan => fill(s.ladder_plan, &[("name", name)]),
                    EventKind::Update => fill(s.ladder_update, &[("name", name)]),
                    EventKind::Reminder if step.id.contains("/reminder-before/") => {
                        s.ladder_remind_before.to_string()
                    }
                    EventKind::Reminder => s.ladder_remind_due.to_string(),
                    EventKind::Alert => fill(s.ladder_alert, &[("name", name)]),
                    _ => fill(s.ladder_999, &[("number", number)]),
                };
                LadderRow {
                    text,
                    when: self.clock_text(step.at),
                    at: to_system_time(step.at),
                    done: step.delivered,
                    failed: self.delivery.failed.contains_key(&step.id),
                }
            })
            .collect();
        let alerts_out = c
            .ladder
            .iter()
            .filter(|r| r.kind == EventKind::Alert && r.delivered)
            .count();
        let prompt_out = c
            .ladder
            .iter()
            .any(|r| r.kind == EventKind::Call999Prompt && r.delivered);
        let ladder_status = if prompt_out {
            fill(s.ladder_call_999, &[("number", number)])
        } else if alerts_out > 0 {
            fill(s.ladder_alerting, &[("count", &alerts_out.to_string())])
        } else if self.checkin_overdue() {
            let at = c.alert_at.map(|t| self.clock_text(t)).unwrap_or_default();
            fill(s.ladder_due_passed, &[("time", &at)])
        } else {
            s.ladder_waiting.to_string()
        };
        let refused = self.config.sms == SmsAbility::SendSilently
            && self.sms_ability() == SmsAbility::ComposeOnly;
        Some(RunningCheckIn {
            card,
            sms_note: refused.then(|| s.checkin_sms_refused.to_string()),
            ladder_status,
            ladder,
        })
    }

    fn form_view(&self) -> CheckInForm {
        let s = self.s;
        let d = &self.checkin.draft;
        let chosen = self.chosen_ids();
        let problem = self.draft_problem();
        let preview = match (&problem, self.unlocked_vault()) {
            (None, Some(v)) => Some(Safety::new(v).preview_checkin(self.draft_plan())),
            _ => None,
        };
        let (preview, sms_count, problem) = match preview {
            Some(Ok(events)) => match events.into_iter().find(|e| e.kind == EventKind::Plan) {
                Some(e) => {
                    let n = e.sms.map_or(1, |l| l.segments);
                    (Some(e.text), u32::try_from(n).unwrap_or(u32::MAX), None)
                }
                None => (None, 0, Some(s.error_generic.to_string())),
            },
            Some(Err(e)) => (None, 0, Some(self.error_text(&e))),
            None => (None, 0, problem),
        };
        // The core puts deadlines on the next whole minute; say the minute the buddy will read.
        let due = ceil_minute(self.now() + Duration::minutes(i64::from(d.minutes)));
        CheckInForm {
            buddy_heading: s.checkin_buddy.to_string(),
            buddies: self
                .checkin
                .contacts
                .iter()
                .map(|c| BuddyChoice {
                    contact_id: c.id.clone(),
                    name: c.name.clone(),
                    phone: c.phone.to_string(),
                    selected: chosen.contains(&c.id),
                })
                .collect(),
            add_buddy_label: s.checkin_add_buddy.to_string(),
            name_label: s.setup_buddy_name.to_string(),
            phone_label: s.setup_buddy_phone.to_string(),
            destination_label: s.checkin_destination.to_string(),
            destination: d.destination.clone(),
            minutes_label: s.checkin_minutes.to_string(),
            minutes: d.minutes,
            minute_choices: MINUTE_CHOICES.to_vec(),
            due_text: fill(s.checkin_due_by, &[("time", &self.clock_text(due))]),
            grace_label: s.checkin_grace.to_string(),
            grace_minutes: d.grace,
            grace_choices: GRACE_CHOICES.to_vec(),
            preview_heading: s.checkin_preview.to_string(),
            can_start: preview.is_some(),
            preview,
            sms_count,
            sms_count_label: fill(s.checkin_sms_count, &[("count", &sms_count.to_string())]),
            compose_note: (self.sms_ability() == SmsAbility::ComposeOnly)
                .then(|| s.checkin_ios_compose.to_string()),
            problem,
            start_label: s.checkin_start.to_string(),
            share_location: self.draft_shares_location(),
            share_location_label: s.checkin_share_location.to_string(),
        }
    }

    pub(crate) fn checkin_view(&self) -> CheckInScreen {
        match self.running_view() {
            Some(running) => CheckInScreen {
                form: None,
                running: Some(running),
                relay: self.relay_card(),
            },
            None => CheckInScreen {
                form: Some(self.form_view()),
                running: None,
                relay: self.relay_card(),
            },
        }
    }
}
