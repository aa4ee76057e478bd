//! The check-in: a buddy-system plan and the pure, deterministic state machine behind it.
//!
//! Nothing here reads a clock or touches storage. Every operation takes `now`; the
//! schedule of events is a function of the plan, the state and the set of events already
//! delivered. `tick(now)` delivers every scheduled event whose time has come and that was
//! not delivered before, and records it as delivered in the same struct, so storing the
//! struct after a tick (one transaction) makes delivery once-only across restarts, in
//! whatever order ticks, restarts and clock jumps arrive.
//!
//! Time line of one plan (D = deadline, G = grace, S = escalation step, n buddies):
//!   start          plan message to every buddy
//!   D - 10 min     reminder to the person (only if the deadline was set earlier than that)
//!   D              reminder "due now" to the person; state becomes missed
//!   D + G          "missed" notice to the person, alert to buddy 1; state becomes escalated
//!   D + G + i*S    alert to buddy i+1
//!   D + G + n*S    prompt to call 999, to the person and to every buddy
//! A check-in closes the plan (checked-in, or resolved if buddies were already being alerted)
//! and tells the buddies who hold the plan; a duress check-in looks the same to the caller but
//! sends every buddy an urgent alert instead.

use super::contacts::clean_text;
use super::messages::{self, Location, MessageContext};
use super::sms::SmsLength;
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub const DEFAULT_GRACE_MINUTES: u32 = 15;
pub const DEFAULT_STEP_MINUTES: u32 = 10;
/// The early reminder comes this long before the deadline.
pub const REMIND_BEFORE_MINUTES: i64 = 10;
pub const MAX_BUDDIES: usize = 5;
pub const DEFAULT_IF_MISSED: &str =
    "Call me. If I don't answer, call 999 and tell them where I was going.";

/// When the person expects to check in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// By a fixed time.
    At(DateTime<Utc>),
    /// Within this many minutes of starting.
    WithinMinutes(u32),
}

/// A buddy as the plan holds them: a snapshot, so later edits or removal of the contact
/// cannot change who is alerted for a plan already shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buddy {
    pub contact_id: String,
    pub name: String,
    /// E.164.
    pub phone: String,
}

/// A check-in plan as the person describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Where the person is going.
    pub destination: String,
    /// Who they are meeting, if they want to say.
    pub meeting: Option<String>,
    /// The route in words ("bus 38 then along Upper St").
    pub route: Option<String>,
    /// A reference to a planned route (the routes module's id), if one was chosen.
    pub route_ref: Option<String>,
    pub expect: Expect,
    pub grace_minutes: u32,
    pub escalation_step_minutes: u32,
    /// In order: the first is alerted first.
    pub buddies: Vec<Buddy>,
    /// What the buddy should do if no check-in comes.
    pub if_missed: String,
    /// Whether the last known location may go into alerts.
    pub share_location: bool,
    /// The help-directory region the person chose ("GB"): its emergency number goes into
    /// messages. Never derived from location.
    pub region: String,
    /// The person's UTC offset when planning, so messages show local clock times.
    pub utc_offset_minutes: i32,
}

impl Plan {
    /// A plan with the defaults filled in: 15 minutes grace, 10 minutes between alerts,
    /// the default if-missed text, UK help numbers, UTC times, no location.
    pub fn new(destination: &str, expect: Expect, buddies: Vec<Buddy>) -> Plan {
        Plan {
            destination: destination.to_string(),
            meeting: None,
            route: None,
            route_ref: None,
            expect,
            grace_minutes: DEFAULT_GRACE_MINUTES,
            escalation_step_minutes: DEFAULT_STEP_MINUTES,
            buddies,
            if_missed: DEFAULT_IF_MISSED.to_string(),
            share_location: false,
            region: "GB".to_string(),
            utc_offset_minutes: 0,
        }
    }

    /// Check and tidy every field. Errors name the field, never its content.
    pub fn validated(mut self) -> Result<Plan> {
        self.destination = clean_text("destination", &self.destination, 200)?;
        if self.destination.is_empty() {
            return Err(Error::invalid("destination", "say where you are going"));
        }
        let opt = |field: &str, v: &Option<String>, max: usize| -> Result<Option<String>> {
            match v {
                Some(v) => Ok(Some(clean_text(field, v, max)?).filter(|v| !v.is_empty())),
                None => Ok(None),
            }
        };
        self.meeting = opt("meeting", &self.meeting, 100)?;
        self.route = opt("route", &self.route, 300)?;
        self.route_ref = opt("route_ref", &self.route_ref, 100)?;
        self.if_missed = clean_text("if_missed", &self.if_missed, 300)?;
        if self.if_missed.is_empty() {
            self.if_missed = DEFAULT_IF_MISSED.to_string();
        }
        if let Expect::WithinMinutes(m) = self.expect {
            if m == 0 || m > 7 * 24 * 60 {
                return Err(Error::invalid(
                    "expect",
                    "must be between 1 minute and 7 days",
                ));
            }
        }
        if self.grace_minutes > 240 {
            return Err(Error::invalid("grace", "must be at most 240 minutes"));
        }
        if !(1..=120).contains(&self.escalation_step_minutes) {
            return Err(Error::invalid(
                "escalation_step",
                "must be between 1 and 120 minutes",
            ));
        }
        if self.buddies.is_empty() {
            return Err(Error::invalid("buddies", "choose at least one buddy"));
        }
        if self.buddies.len() > MAX_BUDDIES {
            return Err(Error::invalid(
                "buddies",
                format!("choose at most {MAX_BUDDIES} buddies"),
            ));
        }
        let phones: BTreeSet<&str> = self.buddies.iter().map(|b| b.phone.as_str()).collect();
        if phones.len() != self.buddies.len() {
            return Err(Error::invalid("buddies", "the same buddy is listed twice"));
        }
        self.region = super::help::directory(&self.region)?.code.to_string();
        if self.utc_offset_minutes.abs() > 18 * 60 {
            return Err(Error::invalid("utc_offset", "must be within 18 hours"));
        }
        Ok(self)
    }
}

/// The states the issue names. `CheckedIn` and `Resolved` are what a duress check-in
/// shows too: the caller cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Planned,
    Active,
    CheckedIn,
    Extended,
    Missed,
    Escalated,
    Resolved,
    Cancelled,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Planned => "planned",
            State::Active => "active",
            State::CheckedIn => "checked-in",
            State::Extended => "extended",
            State::Missed => "missed",
            State::Escalated => "escalated",
            State::Resolved => "resolved",
            State::Cancelled => "cancelled",
        }
    }
    /// Running: a deadline is set and nobody has closed the plan.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            State::Active | State::Extended | State::Missed | State::Escalated
        )
    }
    pub fn is_closed(self) -> bool {
        matches!(self, State::CheckedIn | State::Resolved | State::Cancelled)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    Created,
    Started,
    DeadlinePassed,
    GraceExpired,
    CheckedIn,
    Extended,
    Cancelled,
}

/// One state change, as stored and logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub from: Option<State>,
    pub to: State,
    /// When it happened: for time-driven changes the scheduled instant, not when noticed.
    pub at: DateTime<Utc>,
    pub reason: Reason,
    /// The deadline after this change.
    pub deadline: Option<DateTime<Utc>>,
    /// Set on a duress check-in. Only the stored record and the evidence log carry it;
    /// every view shown to the caller leaves it out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub silent_alert: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// The whole plan, to a buddy, when it starts.
    Plan,
    /// A new deadline, to a buddy, after an extension.
    Update,
    /// To the person: check in soon / now.
    Reminder,
    /// To the person: the grace period is over and buddies are being alerted.
    Missed,
    /// To a buddy: no check-in came (or a silent duress alert).
    Alert,
    /// To the person and every buddy: time to call the emergency number.
    #[serde(rename = "call-999-prompt")]
    Call999Prompt,
    /// To a buddy: the person checked in.
    AllClear,
    /// To a buddy: the plan is off.
    Cancelled,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Plan => "plan",
            EventKind::Update => "update",
            EventKind::Reminder => "reminder",
            EventKind::Missed => "missed",
            EventKind::Alert => "alert",
            EventKind::Call999Prompt => "call-999-prompt",
            EventKind::AllClear => "all-clear",
            EventKind::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Recipient {
    /// A notification on this phone.
    User,
    /// A text message to a buddy, sent through the phone's own SMS app.
    Buddy {
        index: usize,
        name: String,
        phone: String,
    },
}

/// Something the shell must do now: notify the person or text a buddy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Stable: the same event always has the same id, so a shell can also deduplicate.
    pub id: String,
    pub checkin_id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub due_at: DateTime<Utc>,
    pub to: Recipient,
    pub text: String,
    /// For texts to buddies: encoding and segment count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms: Option<SmsLength>,
}

impl Event {
    /// The alert a duress check-in sends. The person may be watched by whoever made them check
    /// in, so it must reach the buddy without anything showing on this phone.
    pub fn is_silent_alert(&self) -> bool {
        // Ids are "<check-in id>/<slot>"; the duress slot is "urgent/b<n>".
        self.kind == EventKind::Alert && self.id.rsplitn(3, '/').nth(1) == Some("urgent")
    }
}

/// What a scheduled event is, before its text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Plan(usize),
    Update(u32, usize),
    RemindBefore(u32),
    RemindDue(u32),
    Missed,
    Alert(usize),
    Call999User,
    Call999Buddy(usize),
    AllClear(usize),
    DuressAlert(usize),
    Cancelled(usize),
}

impl Slot {
    /// The event's key inside its check-in: what the delivered set remembers.
    fn key(self) -> String {
        match self {
            Slot::Plan(b) => format!("plan/b{b}"),
            Slot::Update(g, b) => format!("update/{g}/b{b}"),
            Slot::RemindBefore(g) => format!("reminder-before/{g}"),
            Slot::RemindDue(g) => format!("reminder-due/{g}"),
            Slot::Missed => "missed".into(),
            Slot::Alert(b) => format!("alert/b{b}"),
            Slot::Call999User => "call-999/user".into(),
            Slot::Call999Buddy(b) => format!("call-999/b{b}"),
            Slot::AllClear(b) => format!("all-clear/b{b}"),
            Slot::DuressAlert(b) => format!("urgent/b{b}"),
            Slot::Cancelled(b) => format!("cancelled/b{b}"),
        }
    }
    fn kind(self) -> EventKind {
        match self {
            Slot::Plan(_) => EventKind::Plan,
            Slot::Update(..) => EventKind::Update,
            Slot::RemindBefore(_) | Slot::RemindDue(_) => EventKind::Reminder,
            Slot::Missed => EventKind::Missed,
            Slot::Alert(_) | Slot::DuressAlert(_) => EventKind::Alert,
            Slot::Call999User | Slot::Call999Buddy(_) => EventKind::Call999Prompt,
            Slot::AllClear(_) => EventKind::AllClear,
            Slot::Cancelled(_) => EventKind::Cancelled,
        }
    }
    fn buddy(self) -> Option<usize> {
        match self {
            Slot::Plan(b)
            | Slot::Update(_, b)
            | Slot::Alert(b)
            | Slot::Call999Buddy(b)
            | Slot::AllClear(b)
            | Slot::DuressAlert(b)
            | Slot::Cancelled(b) => Some(b),
            _ => None,
        }
    }
}

/// One check-in: the plan, where it stands, and which events were already delivered.
/// Serialise it whole to persist it; deserialise it to resume after a restart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    id: String,
    plan: Plan,
    state: State,
    created_at: DateTime<Utc>,
    activated_at: Option<DateTime<Utc>>,
    deadline: Option<DateTime<Utc>>,
    /// Bumped by every extension; reminders of an older deadline are no longer due.
    generation: u32,
    /// When the current deadline was set (start or latest extension).
    deadline_set_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    /// A duress check-in closed this plan. Never shown; see `check_in_duress`.
    duress: bool,
    last_location: Option<Location>,
    delivered: BTreeSet<String>,
    history: Vec<Transition>,
    /// The relay holding a sealed copy of the alert, if the person chose one (issue 16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    relay: Option<super::relay::RelayTicket>,
}

/// What the person (or whoever holds the phone) may see of a check-in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckInView {
    pub id: String,
    pub state: State,
    pub destination: String,
    pub meeting: Option<String>,
    pub buddies: Vec<String>,
    pub deadline: Option<DateTime<Utc>>,
    /// When the first buddy is (or was) alerted if no check-in comes.
    pub alert_at: Option<DateTime<Utc>>,
    pub grace_minutes: u32,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub history: Vec<(State, DateTime<Utc>)>,
    /// The relay that holds a copy of the alert (its address), if one was chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<String>,
    /// Where the alert ladder stands (running check-ins only; empty once closed). Left out
    /// of the CLI's JSON, which keeps its shape.
    #[serde(skip)]
    pub ladder: Vec<LadderStep>,
}

/// One rung of a running check-in's alert ladder, as the person may see it: what is sent
/// when, and whether it was handed out yet. A closed check-in has no ladder, which also keeps
/// a duress check-in's alerts out of every view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LadderStep {
    /// The id the event has (or will have) when it is handed out.
    pub id: String,
    pub kind: EventKind,
    pub at: DateTime<Utc>,
    /// The buddy it texts, by name (plan, update, alert); None for the person's own reminders
    /// and the prompt to call the emergency number.
    pub buddy: Option<String>,
    pub delivered: bool,
}

fn minutes(m: impl Into<i64>) -> Duration {
    Duration::minutes(m.into())
}

/// The latest deadline allowed: 7 days ahead. Errors (instead of overflowing) for a clock
/// at the very end of the representable range, so later arithmetic on the deadline is safe.
fn horizon(now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    now.checked_add_signed(Duration::days(8))
        .map(|_| now + Duration::days(7))
        .ok_or_else(|| Error::invalid("now", "the clock is out of range"))
}

/// Deadlines sit on whole minutes: messages show "18:31", so the deadline must not be 18:30:43.
/// Public so a screen showing a deadline before the plan starts shows the same minute.
pub fn ceil_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{DurationRound, Timelike};
    let floor = t.duration_trunc(Duration::minutes(1)).unwrap_or(t);
    if floor == t && t.nanosecond() == 0 {
        t
    } else {
        floor + Duration::minutes(1)
    }
}

impl CheckIn {
    /// A drafted plan (state planned): nothing is sent until `start`.
    pub fn new(id: impl Into<String>, plan: Plan, now: DateTime<Utc>) -> Result<CheckIn> {
        let id = id.into();
        if id.is_empty()
            || id.len() > 64
            || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(Error::invalid(
                "id",
                "must be 1-64 letters, digits or dashes",
            ));
        }
        let plan = plan.validated()?;
        let mut c = CheckIn {
            id,
            plan,
            state: State::Planned,
            created_at: now,
            activated_at: None,
            deadline: None,
            generation: 0,
            deadline_set_at: None,
            closed_at: None,
            duress: false,
            last_location: None,
            delivered: BTreeSet::new(),
            history: Vec::new(),
            relay: None,
        };
        c.history.push(Transition {
            from: None,
            to: State::Planned,
            at: now,
            reason: Reason::Created,
            deadline: None,
            silent_alert: false,
        });
        Ok(c)
    }

    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn plan(&self) -> &Plan {
        &self.plan
    }
    /// The state as anyone may see it (a duress check-in shows as checked-in or resolved).
    pub fn state(&self) -> State {
        self.state
    }
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.deadline
    }
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    /// Every transition, including the silent-alert flag: for storage and the evidence log only.
    pub fn transitions(&self) -> &[Transition] {
        &self.history
    }
    pub fn last_location(&self) -> Option<&Location> {
        self.last_location.as_ref()
    }
    /// The relay this check-in is held by, if any.
    pub fn relay(&self) -> Option<&super::relay::RelayTicket> {
        self.relay.as_ref()
    }
    /// Give a check-in that has not started yet its relay.
    pub(crate) fn set_relay(&mut self, ticket: super::relay::RelayTicket) {
        self.relay = Some(ticket);
    }
    /// Closed by a duress check-in (never shown; the relay is sent the duress secret).
    pub(crate) fn closed_by_duress(&self) -> bool {
        self.duress
    }

    /// The alert each buddy is texted when no check-in comes, exactly as `tick` will hand it out
    /// at its time on the ladder (the relay holds a sealed copy). Empty unless running.
    pub fn alert_events(&self) -> Vec<Event> {
        let (Some(esc), true) = (self.escalation_at(), self.state.is_open()) else {
            return Vec::new();
        };
        let step = minutes(self.plan.escalation_step_minutes);
        (0..self.plan.buddies.len())
            .map(|b| {
                let at = esc + step * i32::try_from(b).unwrap_or(i32::MAX);
                self.event(at, Slot::Alert(b))
            })
            .collect()
    }

    pub fn view(&self) -> CheckInView {
        CheckInView {
            id: self.id.clone(),
            state: self.state,
            destination: self.plan.destination.clone(),
            meeting: self.plan.meeting.clone(),
            buddies: self.plan.buddies.iter().map(|b| b.name.clone()).collect(),
            deadline: self.deadline,
            alert_at: self.escalation_at(),
            grace_minutes: self.plan.grace_minutes,
            created_at: self.created_at,
            closed_at: self.closed_at,
            history: self.history.iter().map(|t| (t.to, t.at)).collect(),
            relay: self.relay.as_ref().map(|t| t.url().to_string()),
            ladder: self.ladder(),
        }
    }

    /// The schedule of a running check-in, one rung per thing that happens: the plan (and any
    /// update) to each buddy, the reminders, each buddy's alert, the prompt to call 999. The
    /// person's own "missed" notice and the buddies' copies of the 999 prompt share their
    /// instants with rungs already listed, so they are left out.
    fn ladder(&self) -> Vec<LadderStep> {
        if !self.state.is_open() {
            return Vec::new();
        }
        self.schedule()
            .into_iter()
            .filter(|(_, s)| {
                matches!(
                    s,
                    Slot::Plan(_)
                        | Slot::Update(..)
                        | Slot::RemindBefore(_)
                        | Slot::RemindDue(_)
                        | Slot::Alert(_)
                        | Slot::Call999User
                )
            })
            .map(|(at, s)| LadderStep {
                id: format!("{}/{}", self.id, s.key()),
                kind: s.kind(),
                at,
                buddy: s
                    .buddy()
                    .and_then(|b| self.plan.buddies.get(b))
                    .map(|b| b.name.clone()),
                delivered: self.delivered.contains(&s.key()),
            })
            .collect()
    }

    fn escalation_at(&self) -> Option<DateTime<Utc>> {
        self.deadline.map(|d| d + minutes(self.plan.grace_minutes))
    }

    fn transition(&mut self, to: State, at: DateTime<Utc>, reason: Reason) {
        let from = self.state;
        self.state = to;
        self.history.push(Transition {
            from: Some(from),
            to,
            at,
            reason,
            deadline: self.deadline,
            silent_alert: false,
        });
    }

    /// Apply the changes time alone causes, stamped with their scheduled instants, so the
    /// result does not depend on how often or how late ticks come. States only move forward:
    /// a clock that jumps back changes nothing.
    fn advance(&mut self, now: DateTime<Utc>) {
        loop {
            match (self.state, self.deadline) {
                (State::Active | State::Extended, Some(d)) if now >= d => {
                    self.transition(State::Missed, d, Reason::DeadlinePassed)
                }
                (State::Missed, Some(d)) if now >= d + minutes(self.plan.grace_minutes) => self
                    .transition(
                        State::Escalated,
                        d + minutes(self.plan.grace_minutes),
                        Reason::GraceExpired,
                    ),
                _ => break,
            }
        }
    }

    /// Start the plan: the buddies' plan messages become due at once.
    pub fn start(&mut self, now: DateTime<Utc>) -> Result<()> {
        if self.state != State::Planned {
            return Err(Error::invalid(
                "checkin",
                "this check-in has already started",
            ));
        }
        let limit = horizon(now)?;
        let deadline = match self.plan.expect {
            Expect::At(t) if t <= now => {
                return Err(Error::invalid("expect", "that time has already passed"))
            }
            Expect::At(t) if t > limit => {
                return Err(Error::invalid("expect", "must be within 7 days"))
            }
            Expect::At(t) => ceil_minute(t),
            Expect::WithinMinutes(m) => ceil_minute(now + minutes(m)),
        };
        self.activated_at = Some(now);
        self.deadline = Some(deadline);
        self.deadline_set_at = Some(now);
        self.transition(State::Active, now, Reason::Started);
        Ok(())
    }

    /// What starting `plan` now would send, without starting anything: so the person sees
    /// exactly what each buddy will get, and how many texts it takes, before agreeing.
    pub fn preview(plan: Plan, now: DateTime<Utc>) -> Result<Vec<Event>> {
        let mut c = CheckIn::new("preview", plan, now)?;
        c.start(now)?;
        Ok(c.tick(now))
    }

    /// The person is safe. Returns the state they will see.
    pub fn check_in(&mut self, now: DateTime<Utc>) -> Result<State> {
        self.close_by_check_in(now, false)
    }

    /// A check-in made under duress (the lead wires this to the duress PIN). To the caller it
    /// is indistinguishable from `check_in`: same result, same errors, same view afterwards.
    /// Underneath, every buddy is sent an urgent alert at once, and no further reminder or
    /// notification appears on this phone.
    pub fn check_in_duress(&mut self, now: DateTime<Utc>) -> Result<State> {
        self.close_by_check_in(now, true)
    }

    fn close_by_check_in(&mut self, now: DateTime<Utc>, duress: bool) -> Result<State> {
        self.advance(now);
        let to = match self.state {
            State::Planned => {
                return Err(Error::invalid("checkin", "this check-in has not started"))
            }
            State::Active | State::Extended | State::Missed => State::CheckedIn,
            State::Escalated => State::Resolved,
            State::CheckedIn | State::Resolved | State::Cancelled => {
                return Err(Error::invalid(
                    "checkin",
                    "this check-in is already finished",
                ))
            }
        };
        self.closed_at = Some(now);
        self.duress = duress;
        self.transition(to, now, Reason::CheckedIn);
        if let Some(t) = self.history.last_mut() {
            t.silent_alert = duress;
        }
        Ok(to)
    }

    /// More time: the deadline moves to `minutes` after the later of now and the old deadline.
    /// Not possible once buddies are being alerted: checking in is what tells them.
    pub fn extend(&mut self, by_minutes: u32, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        if by_minutes == 0 || by_minutes > 24 * 60 {
            return Err(Error::invalid("minutes", "must be between 1 and 1440"));
        }
        self.advance(now);
        let old =
            match (self.state, self.deadline) {
                (State::Active | State::Extended | State::Missed, Some(d)) => d,
                (State::Escalated, _) => return Err(Error::invalid(
                    "checkin",
                    "your buddies are already being alerted; check in to tell them you are safe",
                )),
                (State::Planned, _) => {
                    return Err(Error::invalid("checkin", "this check-in has not started"))
                }
                _ => {
                    return Err(Error::invalid(
                        "checkin",
                        "this check-in is already finished",
                    ))
                }
            };
        let limit = horizon(now)?;
        if old.max(now) > limit {
            return Err(Error::invalid(
                "minutes",
                "the check-in must stay within 7 days",
            ));
        }
        let new = ceil_minute(old.max(now) + minutes(by_minutes));
        if new > limit {
            return Err(Error::invalid(
                "minutes",
                "the check-in must stay within 7 days",
            ));
        }
        self.deadline = Some(new);
        self.deadline_set_at = Some(now);
        self.generation += 1;
        self.transition(State::Extended, now, Reason::Extended);
        Ok(new)
    }

    /// Call the plan off. Not possible once buddies are being alerted (check in instead).
    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<()> {
        self.advance(now);
        match self.state {
            State::Planned | State::Active | State::Extended | State::Missed => {
                self.closed_at = Some(now);
                self.transition(State::Cancelled, now, Reason::Cancelled);
                Ok(())
            }
            State::Escalated => Err(Error::invalid(
                "checkin",
                "your buddies are already being alerted; check in to tell them you are safe",
            )),
            _ => Err(Error::invalid(
                "checkin",
                "this check-in is already finished",
            )),
        }
    }

    /// Remember where the phone last was, for alerts. Ignored (false) unless the person
    /// allowed location in this plan and the plan is running.
    pub fn record_location(&mut self, location: Location) -> Result<bool> {
        location.validate()?;
        if !self.plan.share_location || !self.state.is_open() {
            return Ok(false);
        }
        if self
            .last_location
            .as_ref()
            .is_some_and(|l| l.at > location.at)
        {
            return Ok(false);
        }
        self.last_location = Some(location);
        Ok(true)
    }

    /// Every event the current state schedules, delivered or not, in delivery order.
    fn schedule(&self) -> Vec<(DateTime<Utc>, Slot)> {
        let mut out = Vec::new();
        let n = self.plan.buddies.len();
        let plan_delivered = |b: usize| self.delivered.contains(&Slot::Plan(b).key());
        match (
            self.state,
            self.activated_at,
            self.deadline,
            self.deadline_set_at,
        ) {
            (State::Planned, ..) => {}
            (s, Some(start), Some(d), Some(set_at)) if s.is_open() => {
                out.extend((0..n).map(|b| (start, Slot::Plan(b))));
                let g = self.generation;
                if g > 0 {
                    out.extend((0..n).map(|b| (set_at, Slot::Update(g, b))));
                }
                let before = d - minutes(REMIND_BEFORE_MINUTES);
                if before > set_at {
                    out.push((before, Slot::RemindBefore(g)));
                }
                out.push((d, Slot::RemindDue(g)));
                let esc = d + minutes(self.plan.grace_minutes);
                let step = minutes(self.plan.escalation_step_minutes);
                out.push((esc, Slot::Missed));
                let mut t = esc;
                for b in 0..n {
                    out.push((t, Slot::Alert(b)));
                    t += step;
                }
                out.push((t, Slot::Call999User));
                out.extend((0..n).map(|b| (t, Slot::Call999Buddy(b))));
            }
            (State::CheckedIn | State::Resolved, _, _, _) if self.duress => {
                let at = self.closed_at.unwrap_or(self.created_at);
                out.extend((0..n).map(|b| (at, Slot::DuressAlert(b))));
            }
            (State::CheckedIn | State::Resolved, ..) => {
                let at = self.closed_at.unwrap_or(self.created_at);
                out.extend(
                    (0..n)
                        .filter(|&b| plan_delivered(b))
                        .map(|b| (at, Slot::AllClear(b))),
                );
            }
            (State::Cancelled, ..) => {
                let at = self.closed_at.unwrap_or(self.created_at);
                out.extend(
                    (0..n)
                        .filter(|&b| plan_delivered(b))
                        .map(|b| (at, Slot::Cancelled(b))),
                );
            }
            _ => {}
        }
        // Stable order: time, then kind, then buddy order.
        out.sort_by_key(|(t, s)| (*t, s.kind(), s.buddy()));
        out
    }

    /// Events due at `now` that were not delivered yet. Applies time-driven transitions
    /// first but does not mark anything delivered (see `mark_delivered`).
    pub fn due_events(&mut self, now: DateTime<Utc>) -> Vec<Event> {
        self.advance(now);
        self.schedule()
            .into_iter()
            .filter(|(t, s)| *t <= now && !self.delivered.contains(&s.key()))
            .map(|(t, s)| self.event(t, s))
            .collect()
    }

    /// Remember events as delivered; ids of other check-ins or unknown ids are ignored.
    pub fn mark_delivered<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        let prefix = format!("{}/", self.id);
        for id in ids {
            if let Some(key) = id.strip_prefix(&prefix) {
                self.delivered.insert(key.to_string());
            }
        }
    }

    /// Deliver: every due event not delivered before, each exactly once.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<Event> {
        let events = self.due_events(now);
        let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        self.mark_delivered(ids.iter().map(String::as_str));
        events
    }

    /// The earliest instant at which something will be due: the shell must be woken then
    /// (an instant in the past means "now"). None when nothing more will happen.
    pub fn next_wake(&self) -> Option<DateTime<Utc>> {
        let mut wake = self
            .schedule()
            .into_iter()
            .filter(|(_, s)| !self.delivered.contains(&s.key()))
            .map(|(t, _)| t)
            .min();
        // Time-driven transitions must be recorded on time even when their event was delivered.
        if let (State::Active | State::Extended, Some(d)) = (self.state, self.deadline) {
            wake = Some(wake.map_or(d, |w| w.min(d)));
        }
        if let (State::Missed, Some(e)) = (self.state, self.escalation_at()) {
            wake = Some(wake.map_or(e, |w| w.min(e)));
        }
        wake
    }

    /// Apply the state changes time alone causes up to `now` (each stamped with its scheduled
    /// instant), without delivering anything.
    pub(crate) fn catch_up(&mut self, now: DateTime<Utc>) {
        self.advance(now);
    }

    /// Fold in a copy of this check-in that moved on elsewhere (the armed file, driven while
    /// the vault was locked). Everything a check-in records only moves forward, so this is a
    /// union: deliveries, a later deadline, a newer location, and the plan being closed (check-in,
    /// duress check-in or cancel) at the instant it really happened. A copy of another check-in
    /// changes nothing. Returns whether anything changed.
    pub(crate) fn absorb(&mut self, other: &CheckIn) -> bool {
        if other.id != self.id {
            return false;
        }
        let before = self.clone();
        self.delivered.extend(other.delivered.iter().cloned());
        if let Some(loc) = &other.last_location {
            let newer = self.last_location.as_ref().is_none_or(|l| l.at < loc.at);
            if self.plan.share_location && self.state.is_open() && newer {
                self.last_location = Some(loc.clone());
            }
        }
        // Only possible if a crash came between sealing the armed copy and committing.
        if other.generation > self.generation {
            if let (Some(d), Some(set_at)) = (other.deadline, other.deadline_set_at) {
                self.advance(set_at);
                if matches!(self.state, State::Active | State::Extended | State::Missed) {
                    self.deadline = Some(d);
                    self.deadline_set_at = Some(set_at);
                    self.generation = other.generation;
                    self.transition(State::Extended, set_at, Reason::Extended);
                }
            }
        }
        // States time moved the copy into (its clock may have run ahead of this one's).
        if other.generation == self.generation && other.deadline == self.deadline {
            let reached = match (other.state, other.deadline) {
                (State::Missed, Some(d)) => Some(d),
                (State::Escalated, Some(d)) => Some(d + minutes(self.plan.grace_minutes)),
                _ => None,
            };
            if let Some(t) = reached {
                self.advance(t);
            }
        }
        if other.state.is_closed() && !self.state.is_closed() {
            if let Some(at) = other.closed_at {
                // An impossible close (the copies disagree about escalation) is left out: the
                // stored plan keeps running and alerting, the safe side.
                let _ = match other.state {
                    State::Cancelled => self.cancel(at),
                    _ => self.close_by_check_in(at, other.duress).map(|_| ()),
                };
            }
        }
        *self != before
    }

    /// The copy kept in the armed file: the schedule needs the plan, the state and the
    /// deliveries of the current deadline; deliveries of superseded deadlines and older
    /// transitions stay in the database only.
    pub(crate) fn armed_copy(&self) -> CheckIn {
        const KEEP_TRANSITIONS: usize = 4;
        let mut c = self.clone();
        let g = self.generation;
        c.delivered.retain(|key| {
            let mut parts = key.split('/');
            match (parts.next(), parts.next().map(str::parse::<u32>)) {
                (Some("update" | "reminder-before" | "reminder-due"), Some(Ok(kg))) => kg == g,
                _ => true,
            }
        });
        let drop = c.history.len().saturating_sub(KEEP_TRANSITIONS);
        c.history.drain(..drop);
        c
    }

    /// Nothing is left to deliver and the plan is finished.
    pub fn is_finished(&self) -> bool {
        self.state.is_closed() && self.next_wake().is_none()
    }

    fn event(&self, due_at: DateTime<Utc>, slot: Slot) -> Event {
        let ctx = MessageContext {
            plan: &self.plan,
            deadline: self.deadline.unwrap_or(due_at),
            alert_at: self.escalation_at().unwrap_or(due_at),
            sent_at: due_at,
            location: if self.plan.share_location {
                self.last_location.as_ref()
            } else {
                None
            },
        };
        let was_alerted = |b: usize| {
            self.delivered.contains(&Slot::Alert(b).key())
                || self.delivered.contains(&Slot::Call999Buddy(b).key())
        };
        let text = match slot {
            Slot::Plan(_) => messages::plan_message(&ctx),
            Slot::Update(..) => messages::update_message(&ctx),
            Slot::RemindBefore(_) => messages::reminder_before(&ctx),
            Slot::RemindDue(_) => messages::reminder_due(&ctx),
            Slot::Missed => messages::missed_notice(&ctx),
            Slot::Alert(_) => messages::alert_message(&ctx),
            Slot::Call999User => messages::call_999_user(&ctx),
            Slot::Call999Buddy(_) => messages::call_999_buddy(&ctx),
            Slot::AllClear(b) => messages::all_clear(was_alerted(b)),
            Slot::DuressAlert(_) => messages::duress_alert(&ctx),
            Slot::Cancelled(_) => messages::cancelled_message(&ctx),
        };
        let to = match slot
            .buddy()
            .and_then(|b| self.plan.buddies.get(b).map(|x| (b, x)))
        {
            Some((index, b)) => Recipient::Buddy {
                index,
                name: b.name.clone(),
                phone: b.phone.clone(),
            },
            None => Recipient::User,
        };
        let sms = match to {
            Recipient::Buddy { .. } => Some(super::sms::sms_length(&text)),
            Recipient::User => None,
        };
        Event {
            id: format!("{}/{}", self.id, slot.key()),
            checkin_id: self.id.clone(),
            kind: slot.kind(),
            due_at,
            to,
            text,
            sms,
        }
    }
}
