//! Safety as the shells see it: trusted contacts, the check-in (with the PIN-less armed path for
//! a locked vault), help numbers and the digital-safety checklist. Records mirror the core's.

use std::sync::Arc;
use std::time::SystemTime;

use waymark_core::safety::{self as core_safety, checklist as core_checklist, help as core_help};

use crate::error::Result;
use crate::platform::{HardwarePrf, ShellPrf};
use crate::time::{to_chrono, to_system_time};
use crate::vault::{clock_for, vault_dir, Vault};
use crate::WallClock;

// ----- contacts -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ContactRole {
    /// Receives check-in plans and alerts.
    Buddy,
    /// Someone to call in an emergency.
    Emergency,
}

impl From<core_safety::Role> for ContactRole {
    fn from(r: core_safety::Role) -> Self {
        match r {
            core_safety::Role::Buddy => ContactRole::Buddy,
            core_safety::Role::Emergency => ContactRole::Emergency,
        }
    }
}
impl From<ContactRole> for core_safety::Role {
    fn from(r: ContactRole) -> Self {
        match r {
            ContactRole::Buddy => core_safety::Role::Buddy,
            ContactRole::Emergency => core_safety::Role::Emergency,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Contact {
    pub id: String,
    pub name: String,
    /// E.164 ("+447700900123").
    pub phone: String,
    pub relationship: Option<String>,
    pub roles: Vec<ContactRole>,
    pub added_at: SystemTime,
}

impl From<core_safety::Contact> for Contact {
    fn from(c: core_safety::Contact) -> Self {
        Contact {
            id: c.id,
            name: c.name,
            phone: c.phone.to_string(),
            relationship: c.relationship,
            roles: c.roles.into_iter().map(Into::into).collect(),
            added_at: to_system_time(c.added_at),
        }
    }
}

/// What the person typed; national numbers are read in `region` ("GB" when empty).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewContact {
    pub name: String,
    pub phone: String,
    #[uniffi(default = None)]
    pub relationship: Option<String>,
    pub roles: Vec<ContactRole>,
    #[uniffi(default = "")]
    pub region: String,
}

impl From<NewContact> for core_safety::NewContact {
    fn from(n: NewContact) -> Self {
        core_safety::NewContact {
            name: n.name,
            phone: n.phone,
            relationship: n.relationship,
            roles: n.roles.into_iter().map(Into::into).collect(),
            region: n.region,
        }
    }
}

// ----- check-ins -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CheckInState {
    Planned,
    Active,
    CheckedIn,
    Extended,
    Missed,
    Escalated,
    Resolved,
    Cancelled,
}

impl From<core_safety::State> for CheckInState {
    fn from(s: core_safety::State) -> Self {
        use core_safety::State as S;
        match s {
            S::Planned => CheckInState::Planned,
            S::Active => CheckInState::Active,
            S::CheckedIn => CheckInState::CheckedIn,
            S::Extended => CheckInState::Extended,
            S::Missed => CheckInState::Missed,
            S::Escalated => CheckInState::Escalated,
            S::Resolved => CheckInState::Resolved,
            S::Cancelled => CheckInState::Cancelled,
        }
    }
}

/// When the person expects to check in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CheckInExpect {
    At { time: SystemTime },
    WithinMinutes { minutes: u32 },
}

/// A check-in plan as the person describes it. Unset numbers take the core's defaults
/// (15 minutes' grace, 10 minutes between alerts, the default "if missed" text).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CheckInPlan {
    pub destination: String,
    pub expect: CheckInExpect,
    /// Contacts by name or id, first alerted first; empty means every contact with the buddy role.
    #[uniffi(default)]
    pub buddies: Vec<String>,
    #[uniffi(default = None)]
    pub meeting: Option<String>,
    #[uniffi(default = None)]
    pub route: Option<String>,
    #[uniffi(default = None)]
    pub route_ref: Option<String>,
    #[uniffi(default = None)]
    pub grace_minutes: Option<u32>,
    #[uniffi(default = None)]
    pub escalation_step_minutes: Option<u32>,
    #[uniffi(default = None)]
    pub if_missed: Option<String>,
    #[uniffi(default = false)]
    pub share_location: bool,
    /// Help-directory region whose emergency number goes into messages ("GB" when unset).
    #[uniffi(default = None)]
    pub region: Option<String>,
    /// The person's UTC offset now, so texts show local clock times.
    #[uniffi(default = 0)]
    pub utc_offset_minutes: i32,
}

impl CheckInPlan {
    fn into_core(self, safety: &core_safety::Safety) -> Result<core_safety::Plan> {
        let expect = match self.expect {
            CheckInExpect::At { time } => core_safety::Expect::At(to_chrono(time)?),
            CheckInExpect::WithinMinutes { minutes } => core_safety::Expect::WithinMinutes(minutes),
        };
        let buddies = safety.buddies(&self.buddies)?;
        let mut plan = core_safety::Plan::new(&self.destination, expect, buddies);
        plan.meeting = self.meeting;
        plan.route = self.route;
        plan.route_ref = self.route_ref;
        if let Some(g) = self.grace_minutes {
            plan.grace_minutes = g;
        }
        if let Some(s) = self.escalation_step_minutes {
            plan.escalation_step_minutes = s;
        }
        if let Some(t) = self.if_missed {
            plan.if_missed = t;
        }
        plan.share_location = self.share_location;
        if let Some(r) = self.region {
            plan.region = r;
        }
        plan.utc_offset_minutes = self.utc_offset_minutes;
        Ok(plan)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct CheckInStateChange {
    pub state: CheckInState,
    pub at: SystemTime,
}

/// What the person (or whoever holds the phone) may see of a check-in.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CheckInView {
    pub id: String,
    pub state: CheckInState,
    pub destination: String,
    pub meeting: Option<String>,
    pub buddies: Vec<String>,
    pub deadline: Option<SystemTime>,
    /// When the first buddy is (or was) alerted if no check-in comes.
    pub alert_at: Option<SystemTime>,
    pub grace_minutes: u32,
    pub created_at: SystemTime,
    pub closed_at: Option<SystemTime>,
    pub history: Vec<CheckInStateChange>,
}

impl From<core_safety::CheckInView> for CheckInView {
    fn from(v: core_safety::CheckInView) -> Self {
        CheckInView {
            id: v.id,
            state: v.state.into(),
            destination: v.destination,
            meeting: v.meeting,
            buddies: v.buddies,
            deadline: v.deadline.map(to_system_time),
            alert_at: v.alert_at.map(to_system_time),
            grace_minutes: v.grace_minutes,
            created_at: to_system_time(v.created_at),
            closed_at: v.closed_at.map(to_system_time),
            history: v
                .history
                .into_iter()
                .map(|(state, at)| CheckInStateChange {
                    state: state.into(),
                    at: to_system_time(at),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CheckInEventKind {
    Plan,
    Update,
    Reminder,
    Missed,
    Alert,
    Call999Prompt,
    AllClear,
    Cancelled,
}

impl From<core_safety::EventKind> for CheckInEventKind {
    fn from(k: core_safety::EventKind) -> Self {
        use core_safety::EventKind as K;
        match k {
            K::Plan => CheckInEventKind::Plan,
            K::Update => CheckInEventKind::Update,
            K::Reminder => CheckInEventKind::Reminder,
            K::Missed => CheckInEventKind::Missed,
            K::Alert => CheckInEventKind::Alert,
            K::Call999Prompt => CheckInEventKind::Call999Prompt,
            K::AllClear => CheckInEventKind::AllClear,
            K::Cancelled => CheckInEventKind::Cancelled,
        }
    }
}

/// Who an event is for: a notification on this phone, or a text to a buddy.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum EventRecipient {
    User,
    Buddy {
        index: u32,
        name: String,
        phone: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

/// How a text goes over SMS: its encoding and how many messages it costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct SmsLength {
    pub encoding: SmsEncoding,
    pub units: u32,
    pub segments: u32,
}

/// Something the shell must do now: notify the person or text a buddy. `id` is stable, so a
/// shell can deduplicate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckInEvent {
    pub id: String,
    pub checkin_id: String,
    pub kind: CheckInEventKind,
    pub due_at: SystemTime,
    pub to: EventRecipient,
    pub text: String,
    pub sms: Option<SmsLength>,
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<core_safety::Event> for CheckInEvent {
    fn from(e: core_safety::Event) -> Self {
        use core_safety::messages as m;
        CheckInEvent {
            id: e.id,
            checkin_id: e.checkin_id,
            kind: e.kind.into(),
            due_at: to_system_time(e.due_at),
            to: match e.to {
                core_safety::Recipient::User => EventRecipient::User,
                core_safety::Recipient::Buddy { index, name, phone } => EventRecipient::Buddy {
                    index: u32_of(index),
                    name,
                    phone,
                },
            },
            text: e.text,
            sms: e.sms.map(|s: m::SmsLength| SmsLength {
                encoding: match s.encoding {
                    m::SmsEncoding::Gsm7 => SmsEncoding::Gsm7,
                    m::SmsEncoding::Ucs2 => SmsEncoding::Ucs2,
                },
                units: u32_of(s.units),
                segments: u32_of(s.segments),
            }),
        }
    }
}

/// The phone's position for alerts (kept only if the running plan shares location).
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct CheckInLocation {
    pub lat: f64,
    pub lon: f64,
    #[uniffi(default = None)]
    pub accuracy_m: Option<f64>,
    pub at: SystemTime,
}

fn events(v: Vec<core_safety::Event>) -> Vec<CheckInEvent> {
    v.into_iter().map(Into::into).collect()
}

// ----- help numbers -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HelpKind {
    Emergency,
    Police,
    Helpline,
    EmotionalSupport,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HelpNumber {
    pub id: String,
    pub name: String,
    /// As people write it.
    pub number: String,
    /// What to hand to the dialler: digits only.
    pub dial: String,
    pub kind: HelpKind,
    pub hours: String,
    pub what_for: String,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HelpRegion {
    pub code: String,
    pub name: String,
    pub emergency_number: String,
    pub silent_call_hint: Option<String>,
    pub entries: Vec<HelpNumber>,
}

impl From<&core_help::Region> for HelpRegion {
    fn from(r: &core_help::Region) -> Self {
        HelpRegion {
            code: r.code.into(),
            name: r.name.into(),
            emergency_number: r.emergency_number.into(),
            silent_call_hint: r.silent_call_hint.map(Into::into),
            entries: r
                .entries
                .iter()
                .map(|e| HelpNumber {
                    id: e.id.into(),
                    name: e.name.into(),
                    number: e.number.into(),
                    dial: e.dial.into(),
                    kind: match e.kind {
                        core_help::HelpKind::Emergency => HelpKind::Emergency,
                        core_help::HelpKind::Police => HelpKind::Police,
                        core_help::HelpKind::Helpline => HelpKind::Helpline,
                        core_help::HelpKind::EmotionalSupport => HelpKind::EmotionalSupport,
                    },
                    hours: e.hours.into(),
                    what_for: e.what_for.into(),
                    notes: e.notes.iter().map(|n| (*n).to_string()).collect(),
                })
                .collect(),
        }
    }
}

/// A helpline the person added themselves.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CustomHelpNumber {
    pub id: String,
    pub name: String,
    pub number: String,
    pub dial: String,
    pub what_for: Option<String>,
}

impl From<core_help::CustomHelpEntry> for CustomHelpNumber {
    fn from(e: core_help::CustomHelpEntry) -> Self {
        CustomHelpNumber {
            id: e.id,
            name: e.name,
            number: e.number,
            dial: e.dial,
            what_for: e.what_for,
        }
    }
}

/// The help numbers of a region ("GB", "IE", ...), without a vault: the lock screen can show
/// them before anyone unlocks.
#[uniffi::export]
pub fn help_directory(region: String) -> Result<HelpRegion> {
    Ok(core_help::directory(&region)?.into())
}

/// The regions the help directory knows, for a picker.
#[uniffi::export]
pub fn help_regions() -> Vec<String> {
    core_help::region_codes()
        .into_iter()
        .map(String::from)
        .collect()
}

// ----- checklist -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChecklistStatus {
    NotDone,
    Done {
        done_at: SystemTime,
        again_at: Option<SystemTime>,
    },
    /// Done once, but it has come round again.
    DueAgain {
        done_at: SystemTime,
        due_since: SystemTime,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistEntry {
    pub number: u32,
    pub id: String,
    pub title: String,
    pub advice: String,
    pub if_found: String,
    pub repeat_days: Option<u32>,
    pub status: ChecklistStatus,
}

impl From<core_checklist::ChecklistEntry> for ChecklistEntry {
    fn from(e: core_checklist::ChecklistEntry) -> Self {
        use core_checklist::ItemStatus as S;
        ChecklistEntry {
            number: u32_of(e.number),
            id: e.item.id.into(),
            title: e.item.title.into(),
            advice: e.item.advice.into(),
            if_found: e.item.if_found.into(),
            repeat_days: e.item.repeat_days,
            status: match e.status {
                S::NotDone => ChecklistStatus::NotDone,
                S::Done { done_at, again_at } => ChecklistStatus::Done {
                    done_at: to_system_time(done_at),
                    again_at: again_at.map(to_system_time),
                },
                S::DueAgain { done_at, due_since } => ChecklistStatus::DueAgain {
                    done_at: to_system_time(done_at),
                    due_since: to_system_time(due_since),
                },
            },
        }
    }
}

// ----- the object -----

/// Contacts, check-ins, help numbers and the checklist of an unlocked vault (`Locked` otherwise).
#[derive(uniffi::Object)]
pub struct Safety {
    pub(crate) vault: Arc<Vault>,
}

impl Safety {
    fn core(&self) -> core_safety::Safety<'_> {
        core_safety::Safety::new(&self.vault.inner)
    }
}

fn now_or(
    now: Option<SystemTime>,
    vault: &waymark_core::vault::Vault,
) -> Result<chrono::DateTime<chrono::Utc>> {
    match now {
        Some(t) => to_chrono(t),
        None => Ok(vault.now()),
    }
}

#[uniffi::export]
impl Safety {
    pub fn add_contact(&self, contact: NewContact) -> Result<Contact> {
        Ok(self.core().add_contact(contact.into())?.into())
    }

    /// In the order they were added.
    pub fn contacts(&self) -> Result<Vec<Contact>> {
        Ok(self
            .core()
            .contacts()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Replaces a contact's details (found by name or id); its id stays.
    pub fn edit_contact(&self, name_or_id: String, contact: NewContact) -> Result<Contact> {
        Ok(self
            .core()
            .edit_contact(&name_or_id, contact.into())?
            .into())
    }

    pub fn remove_contact(&self, name_or_id: String) -> Result<()> {
        Ok(self.core().remove_contact(&name_or_id)?)
    }

    /// Starts a check-in now (only one runs at a time). Its plan text is among the next `tick`'s events.
    pub fn start_checkin(&self, plan: CheckInPlan) -> Result<CheckInView> {
        let core = self.core();
        let plan = plan.into_core(&core)?;
        Ok(core.start_checkin(plan)?.into())
    }

    /// Every text and reminder a plan would produce, without starting it (the plan screen
    /// shows the buddy's text and its SMS count from this).
    pub fn preview_checkin(&self, plan: CheckInPlan) -> Result<Vec<CheckInEvent>> {
        let core = self.core();
        let plan = plan.into_core(&core)?;
        Ok(events(core.preview_checkin(plan)?))
    }

    /// The running check-in, if any.
    pub fn current_checkin(&self) -> Result<Option<CheckInView>> {
        Ok(self.core().current_checkin()?.map(Into::into))
    }

    pub fn checkin_history(&self) -> Result<Vec<CheckInView>> {
        Ok(self
            .core()
            .checkin_history()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// "I'm safe".
    pub fn check_in(&self) -> Result<CheckInState> {
        Ok(self.core().check_in()?.into())
    }

    /// For the duress PIN: looks exactly like `check_in`, but every buddy is alerted at once.
    pub fn check_in_duress(&self) -> Result<CheckInState> {
        Ok(self.core().check_in_duress()?.into())
    }

    /// Adds minutes to the deadline; returns the new deadline.
    pub fn extend_checkin(&self, minutes: u32) -> Result<SystemTime> {
        Ok(to_system_time(self.core().extend(minutes)?))
    }

    pub fn cancel_checkin(&self) -> Result<()> {
        Ok(self.core().cancel()?)
    }

    /// Stores the phone's position for alerts; false when the plan does not share location.
    pub fn record_location(&self, location: CheckInLocation) -> Result<bool> {
        Ok(self.core().record_location(core_safety::Location {
            lat: location.lat,
            lon: location.lon,
            accuracy_m: location.accuracy_m,
            at: to_chrono(location.at)?,
        })?)
    }

    /// Every event due by `now` (the vault's clock when unset), each handed out once.
    #[uniffi::method(default(now = None))]
    pub fn tick(&self, now: Option<SystemTime>) -> Result<Vec<CheckInEvent>> {
        let now = now_or(now, &self.vault.inner)?;
        Ok(events(self.core().tick(now)?))
    }

    /// When the shell must wake the app next (possibly in the past: now). None: nothing due.
    pub fn next_wake(&self) -> Result<Option<SystemTime>> {
        Ok(self.core().next_wake()?.map(to_system_time))
    }

    /// Whether opening the vault with the duress PIN texts every buddy, unseen (as this store
    /// sees it: a decoy session has a switch of its own that changes nothing real).
    pub fn duress_unlock_alert(&self) -> Result<bool> {
        Ok(self.core().duress_unlock_alert()?)
    }

    /// Turns the duress-unlock alert on (the texts to every buddy are written now; needs a
    /// buddy) or off.
    pub fn set_duress_unlock_alert(&self, on: bool) -> Result<()> {
        Ok(self.core().set_duress_unlock_alert(on)?)
    }

    /// Call after every unlock, whichever PIN: after a duress unlock with the alert on, the
    /// texts to send now, unseen (never composed on screen), once; otherwise none.
    pub fn take_unlock_alert(&self) -> Result<Vec<CheckInEvent>> {
        Ok(events(self.core().take_unlock_alert()?))
    }

    /// Folds what the locked (armed) path did into the log. Call right after unlocking.
    pub fn reconcile_armed(&self) -> Result<()> {
        Ok(self.core().reconcile_armed()?)
    }

    /// The help numbers of the region the person chose (UK until they choose).
    pub fn help_region(&self) -> Result<HelpRegion> {
        Ok(self.core().region()?.into())
    }

    pub fn set_help_region(&self, code: String) -> Result<HelpRegion> {
        Ok(self.core().set_region(&code)?.into())
    }

    pub fn add_help_number(
        &self,
        name: String,
        number: String,
        what_for: Option<String>,
    ) -> Result<CustomHelpNumber> {
        Ok(self
            .core()
            .add_help_entry(&name, &number, what_for.as_deref())?
            .into())
    }

    pub fn custom_help_numbers(&self) -> Result<Vec<CustomHelpNumber>> {
        Ok(self
            .core()
            .help_entries()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    pub fn remove_help_number(&self, name_or_id: String) -> Result<()> {
        Ok(self.core().remove_help_entry(&name_or_id)?)
    }

    pub fn checklist(&self) -> Result<Vec<ChecklistEntry>> {
        Ok(self
            .core()
            .checklist()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Marks an item (id or number) done today.
    pub fn checklist_done(&self, item: String) -> Result<ChecklistEntry> {
        Ok(self.core().checklist_done(&item)?.into())
    }

    pub fn checklist_undo(&self, item: String) -> Result<()> {
        Ok(self.core().checklist_undo(&item)?)
    }

    /// When the next done item comes round again.
    pub fn checklist_next_reminder(&self) -> Result<Option<SystemTime>> {
        Ok(self.core().checklist_next_reminder()?.map(to_system_time))
    }
}

/// The check-in without the PIN: works on a locked vault (wake-ups, the lock-screen "I'm safe").
/// It never unlocks the vault; `Safety.reconcile_armed` folds what it did into the log.
#[derive(uniffi::Object)]
pub struct ArmedCheckIn {
    inner: core_safety::ArmedCheckIn,
    clock: Arc<dyn waymark_core::Clock>,
}

#[uniffi::export]
impl ArmedCheckIn {
    #[uniffi::constructor(default(clock = None))]
    pub fn open(
        dir: String,
        prf: Arc<dyn HardwarePrf>,
        clock: Option<Arc<dyn WallClock>>,
    ) -> Result<Arc<Self>> {
        let clock = clock_for(clock);
        let inner = core_safety::ArmedCheckIn::open(
            &vault_dir(&dir)?,
            Arc::new(ShellPrf(prf)),
            clock.clone(),
        )?;
        Ok(Arc::new(ArmedCheckIn { inner, clock }))
    }

    /// Every event due by `now` (the clock's now when unset), each handed out once.
    #[uniffi::method(default(now = None))]
    pub fn tick(&self, now: Option<SystemTime>) -> Result<Vec<CheckInEvent>> {
        let now = match now {
            Some(t) => to_chrono(t)?,
            None => self.clock.now(),
        };
        Ok(events(self.inner.tick(now)?))
    }

    pub fn next_wake(&self) -> Result<Option<SystemTime>> {
        Ok(self.inner.next_wake()?.map(to_system_time))
    }

    /// "I'm safe" with the PIN (or the recovery code), without unlocking. The all-clear texts
    /// are then due: the next `tick` hands them out, to send like any other event. The duress
    /// PIN returns exactly the same, and that `tick` hands out the urgent alert to every buddy
    /// instead, so a shell that sends what `tick` gives does the right thing without knowing
    /// which PIN was typed. (No texts are returned here: under duress they would be all-clear
    /// texts that must reach nobody, and a shell cannot tell the two apart.)
    pub fn check_in(&self, secret: String) -> Result<CheckInState> {
        Ok(self.inner.check_in(&secret)?.into())
    }
}
