//! The view model: everything a shell draws, with ready-to-show words (from `strings`) and the
//! structured values beside them (seconds remaining, ids for actions, colours as roles).
//!
//! Names here must not clash with waymark-ffi's in Swift, where both live in one module:
//! screens end in `Screen`, parts have names of their own.

use std::time::SystemTime;

use waymark_core::log::IncidentKind;

/// Colours as roles; each shell maps them to its theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Tone {
    Neutral,
    Good,
    Caution,
    Danger,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Banner {
    pub text: String,
    pub tone: Tone,
}

/// On every screen, locked or not: the emergency number and how to use it silently.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EmergencyBar {
    /// "Emergency: 999"
    pub label: String,
    /// What `CallEmergency` dials.
    pub number: String,
    /// "If you cannot speak, stay on the line and press 55" (empty where a region has no scheme).
    pub hint: String,
    pub help_label: String,
    /// A check-in was missed, the 999 prompt came, or a text to a buddy failed: draw the
    /// call button large, in the danger colour, with `urgent_text` beside it.
    pub prominent: bool,
    /// "If you are in danger, call 999 now." while `prominent`.
    pub urgent_text: Option<String>,
}

/// Where `Open` can go.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Destination {
    Home,
    Help,
    Export,
    Routes,
    Insights,
    Risk,
    CheckIn,
    /// Everything logged, newest first (a row opens with `OpenIncident { id }`).
    Incidents,
    Settings,
}

/// The incident kinds, as the buttons and lists name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum QuickKind {
    Followed,
    Watching,
    TurnedUpHome,
    TurnedUpWork,
    TurnedUpSchool,
    UnwantedContact,
    GiftsLeft,
    PropertyDamage,
    Threats,
    ContactingOthers,
    OnlineAccounts,
    Impersonation,
    TrackerSuspected,
    Other,
}

impl From<QuickKind> for IncidentKind {
    fn from(k: QuickKind) -> Self {
        match k {
            QuickKind::Followed => IncidentKind::Followed,
            QuickKind::Watching => IncidentKind::Watching,
            QuickKind::TurnedUpHome => IncidentKind::TurnedUpHome,
            QuickKind::TurnedUpWork => IncidentKind::TurnedUpWork,
            QuickKind::TurnedUpSchool => IncidentKind::TurnedUpSchool,
            QuickKind::UnwantedContact => IncidentKind::UnwantedContact,
            QuickKind::GiftsLeft => IncidentKind::GiftsLeft,
            QuickKind::PropertyDamage => IncidentKind::PropertyDamage,
            QuickKind::Threats => IncidentKind::Threats,
            QuickKind::ContactingOthers => IncidentKind::ContactingOthers,
            QuickKind::OnlineAccounts => IncidentKind::OnlineAccounts,
            QuickKind::Impersonation => IncidentKind::Impersonation,
            QuickKind::TrackerSuspected => IncidentKind::TrackerSuspected,
            QuickKind::Other => IncidentKind::Other,
        }
    }
}

impl From<IncidentKind> for QuickKind {
    fn from(k: IncidentKind) -> Self {
        match k {
            IncidentKind::Followed => QuickKind::Followed,
            IncidentKind::Watching => QuickKind::Watching,
            IncidentKind::TurnedUpHome => QuickKind::TurnedUpHome,
            IncidentKind::TurnedUpWork => QuickKind::TurnedUpWork,
            IncidentKind::TurnedUpSchool => QuickKind::TurnedUpSchool,
            IncidentKind::UnwantedContact => QuickKind::UnwantedContact,
            IncidentKind::GiftsLeft => QuickKind::GiftsLeft,
            IncidentKind::PropertyDamage => QuickKind::PropertyDamage,
            IncidentKind::Threats => QuickKind::Threats,
            IncidentKind::ContactingOthers => QuickKind::ContactingOthers,
            IncidentKind::OnlineAccounts => QuickKind::OnlineAccounts,
            IncidentKind::Impersonation => QuickKind::Impersonation,
            IncidentKind::TrackerSuspected => QuickKind::TrackerSuspected,
            IncidentKind::Other => QuickKind::Other,
        }
    }
}

/// A PIN pad: shows dots, never digits.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PinPad {
    pub prompt: String,
    pub dots: u32,
    /// For screen readers: "3 digits entered".
    pub dots_label: String,
    /// False while a wrong-PIN delay runs (the pad greys out and ignores digits).
    pub enabled: bool,
    pub submit_label: String,
    pub delete_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LockScreen {
    pub pad: PinPad,
    /// Wrong PIN, the wait, "checked in".
    pub message: Option<Banner>,
    /// Seconds until the next try is allowed, counting down with `Tick`.
    pub retry_in_seconds: Option<u32>,
    /// Checks in with the PIN typed, without unlocking (`PinCheckIn`).
    pub check_in_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HelpLine {
    /// For `CallHelp { id }`.
    pub id: String,
    pub name: String,
    pub number: String,
    pub call_label: String,
    pub hours: String,
    pub what_for: String,
    pub notes: Vec<String>,
    pub is_emergency: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HelpScreen {
    pub region: String,
    pub numbers: Vec<HelpLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SetupStep {
    Welcome,
    ChoosePin,
    ConfirmPin,
    /// The code is on screen this once.
    ShowRecoveryCode,
    ConfirmRecoveryCode,
    Buddy,
    DuressPin,
    Location,
    /// The name and icon on the home screen: `ChooseDisguise`, or `SetupSkip` for the app's own.
    Disguise,
    Done,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FirstRunScreen {
    pub step: SetupStep,
    pub heading: String,
    pub body: String,
    /// For the PIN steps.
    pub pad: Option<PinPad>,
    /// Only on `ShowRecoveryCode`: the code in groups, never again after that step.
    pub recovery_groups: Vec<String>,
    /// `RecoveryCodeWritten`, `SetupBuddy`, `SetupLocation { on: true }`, `SetupStart`, or the
    /// last step's "done".
    pub primary_label: String,
    /// `SetupSkip` / `SetupLocation { on: false }`; empty when the step cannot be skipped.
    pub secondary_label: String,
    /// Field labels on the buddy step.
    pub name_label: String,
    pub phone_label: String,
    /// Set while the vault is being created (about half a second).
    pub busy: bool,
    /// Only on `Disguise`: each sends `ChooseDisguise { kind }`.
    pub disguises: Vec<DisguiseChoice>,
    /// Only on `Disguise`: what a phone may not change (the name, on some).
    pub disguise_note: String,
}

/// One choice for "erase everything after wrong PINs".
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EraseChoice {
    /// For `SettingsEraseAfter { after }`; 0 is off.
    pub after: u32,
    pub label: String,
    pub selected: bool,
}

/// The question asked before "erase everything after wrong PINs" is turned on.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EraseConfirm {
    pub after: u32,
    /// Says that it cannot be undone.
    pub text: String,
    /// Sends `SettingsEraseConfirm`.
    pub confirm_label: String,
    /// Sends `SettingsEraseCancel`.
    pub cancel_label: String,
}

/// One name and icon the app can wear on the home screen.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DisguiseChoice {
    pub kind: crate::screens::disguise::Disguise,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct KindButton {
    pub kind: QuickKind,
    pub label: String,
}

/// After a quick log: what was logged, Undo while it lasts, and the bar to add details.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LoggedCard {
    pub incident_id: String,
    pub text: String,
    /// Present while Undo is still possible ("Undo (5)").
    pub undo_label: Option<String>,
    pub undo_seconds: u32,
    pub add_note_label: String,
    /// Take a photo, record a video, a photo or screenshot from the library, a file: each
    /// sends `AddEvidence { source }`.
    pub add_evidence: Vec<crate::screens::capture::EvidenceButton>,
    pub add_witness_label: String,
    pub add_feeling_label: String,
    /// For `AddFeeling { level }`: index 0 is level 1.
    pub feelings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct IncidentRow {
    pub id: String,
    pub kind: QuickKind,
    pub kind_label: String,
    /// "Today 18:30", in the phone's time zone.
    pub when: String,
    pub at: SystemTime,
    /// The start of the note, if any.
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NavItem {
    pub to: Destination,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HomeScreen {
    pub quick_log_heading: String,
    /// Most used first; the order stays put while the home screen is showing.
    pub kinds: Vec<KindButton>,
    pub logged: Option<LoggedCard>,
    pub recent_heading: String,
    pub recent: Vec<IncidentRow>,
    /// Shown when `recent` is empty.
    pub empty_text: String,
    pub nav: Vec<NavItem>,
    pub lock_label: String,
    /// The running check-in, with its countdown and "I'm safe".
    pub checkin: Option<CheckInCard>,
    /// Wrong PINs typed since the person last looked ("3 wrong PINs, the last on Tue 1 Dec at
    /// 02:14"), until they tap `seen_label` (`WrongPinsSeen`).
    pub wrong_pins: Option<WrongPinsCard>,
}

/// Who tried the PIN: what the store that was opened recorded (the decoy shows its own).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WrongPinsCard {
    pub text: String,
    pub seen_label: String,
}

/// A contact the person can choose as the buddy for a check-in (`CheckInToggleBuddy`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BuddyChoice {
    pub contact_id: String,
    pub name: String,
    pub phone: String,
    pub selected: bool,
}

/// The check-in form: who, where, how long, how much grace; and the plan text exactly as the
/// buddy will read it (written by the core), with how many text messages it takes.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CheckInForm {
    pub buddy_heading: String,
    pub buddies: Vec<BuddyChoice>,
    /// `CheckInAddBuddy { name, phone }` adds a contact as a buddy and chooses it.
    pub add_buddy_label: String,
    pub name_label: String,
    pub phone_label: String,
    /// `CheckInDestination { text }`.
    pub destination_label: String,
    pub destination: String,
    /// `CheckInMinutes { minutes }`; the choices are offered as buttons.
    pub minutes_label: String,
    pub minutes: u32,
    pub minute_choices: Vec<u32>,
    /// "Due back by 17:30."
    pub due_text: String,
    /// `CheckInGrace { minutes }`.
    pub grace_label: String,
    pub grace_minutes: u32,
    pub grace_choices: Vec<u32>,
    pub preview_heading: String,
    /// The plan text the buddy will get, word for word; None until the form is complete.
    pub preview: Option<String>,
    pub sms_count: u32,
    /// "1 text message(s)".
    pub sms_count_label: String,
    /// iOS: Messages opens for each text and the person presses Send.
    pub compose_note: Option<String>,
    /// Why it cannot start yet ("Add a buddy first.").
    pub problem: Option<String>,
    /// `CheckInStart`.
    pub start_label: String,
    pub can_start: bool,
    /// `CheckInShareLocation { on }`: alerts carry the phone's last known place.
    pub share_location: bool,
    pub share_location_label: String,
}

/// A running check-in, on home and on the check-in screen.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CheckInCard {
    pub title: String,
    pub destination: String,
    /// "Check in within 25 min" / "Check-in overdue by 3 min".
    pub status: String,
    /// Counting down with `Tick`; 0 once the deadline passed.
    pub due_in_seconds: u32,
    /// Counting up once the deadline passed.
    pub overdue_seconds: u32,
    pub deadline: SystemTime,
    /// "Due back by 17:30."
    pub deadline_text: String,
    /// Neutral, Caution in the last 10 minutes, Danger once the deadline passed.
    pub tone: Tone,
    /// `CheckInSafe`.
    pub safe_label: String,
    /// `CheckInExtend { minutes: extend_minutes }`; None once buddies are being alerted
    /// (then only checking in tells them).
    pub extend_label: Option<String>,
    pub extend_minutes: u32,
    /// `CheckInStop`; None once buddies are being alerted.
    pub stop_label: Option<String>,
}

/// One rung of the alert ladder: what is sent when, and whether it went.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LadderRow {
    pub text: String,
    /// "17:45".
    pub when: String,
    pub at: SystemTime,
    pub done: bool,
    /// The phone reported this text as not sent.
    pub failed: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RunningCheckIn {
    pub card: CheckInCard,
    /// While the phone may not send texts by itself (the person refused): each text opens in
    /// the messages app, and a missed check-in alerts the buddy only once the app is opened.
    pub sms_note: Option<String>,
    /// Where things stand, in a sentence.
    pub ladder_status: String,
    pub ladder: Vec<LadderRow>,
}

/// Either the form (nothing running) or the running check-in.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CheckInScreen {
    pub form: Option<CheckInForm>,
    pub running: Option<RunningCheckIn>,
    /// The relay setting and whether the relay holds the plan (issue 16).
    pub relay: RelayCard,
}

/// The check-in screen's relay: which one (if any), its key, and what it holds.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RelayCard {
    pub heading: String,
    pub about: String,
    /// The address field (`RelaySetUp { address }`).
    pub address_label: String,
    pub set_label: String,
    /// "Using https://..." and its key fingerprint, when a relay is chosen.
    pub in_use: Option<String>,
    pub fingerprint: Option<String>,
    /// `RelayForget`, when a relay is chosen.
    pub forget_label: Option<String>,
    /// A key waiting for the person (first use, or a changed key that was refused).
    pub key_prompt: Option<RelayKeyPrompt>,
    /// Whether the relay holds the running plan, or what it did not get: Good, Caution or Danger.
    pub status: Option<Banner>,
    /// `RelayRetry`, when the relay is not holding the running plan.
    pub retry_label: Option<String>,
}

/// A relay's key for the person to compare with what whoever runs the relay says.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RelayKeyPrompt {
    pub text: String,
    pub address: String,
    pub fingerprint: String,
    /// The key is not the one trusted before (then `previous` is that one's fingerprint).
    pub changed: bool,
    pub previous: Option<String>,
    /// `RelayAcceptKey`.
    pub accept_label: String,
    /// `RelayRejectKey`.
    pub reject_label: String,
}

/// A text to a buddy that the phone could not send: said plainly on every screen (locked or
/// not) until it goes, with a way to try again or send it by hand. 999 stays offered.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SmsFailure {
    pub text: String,
    /// How many texts failed (the card shows the oldest first).
    pub count: u32,
    /// For `SmsRetry { id }` / `SmsCompose { id }`.
    pub id: String,
    pub retry_label: String,
    pub compose_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Screen {
    Lock {
        lock: LockScreen,
    },
    FirstRun {
        setup: FirstRunScreen,
    },
    Home {
        home: HomeScreen,
    },
    Help {
        help: HelpScreen,
    },
    CheckIn {
        checkin: CheckInScreen,
    },
    Incidents {
        incidents: IncidentListScreen,
    },
    Incident {
        incident: IncidentDetailScreen,
    },
    Settings {
        settings: SettingsScreen,
    },
    Export {
        export: crate::screens::export::ExportScreen,
    },
    Routes {
        routes: crate::screens::routes::RoutesScreen,
    },
    Insights {
        insights: crate::screens::insights::InsightsScreen,
    },
    Risk {
        risk: crate::screens::risk::RiskScreen,
    },
}

/// Where a settings PIN flow stands (`Menu`: no flow, the list of settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SettingsStep {
    Menu,
    CurrentPin,
    NewPin,
    ConfirmPin,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AutoLockChoice {
    /// For `SettingsAutoLock { seconds }`; 0 locks as soon as the app leaves the screen.
    pub seconds: u32,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RegionChoice {
    /// For `SettingsRegion { code }`.
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// Settings. On `Menu`: the PIN actions (`SettingsChangePin`, `SettingsSetDuress`,
/// `SettingsRemoveDuress`), the auto-lock delay, the help region, the recovery code's note.
/// On the other steps: `pad` (the shared PIN pad events; `PinSubmit` goes on) and Back.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SettingsScreen {
    pub step: SettingsStep,
    pub heading: String,
    pub pad: Option<PinPad>,
    pub change_pin_label: String,
    pub set_duress_label: String,
    pub remove_duress_label: String,
    /// What the duress PIN does.
    pub duress_body: String,
    pub auto_lock_label: String,
    pub auto_lock: Vec<AutoLockChoice>,
    pub region_label: String,
    pub regions: Vec<RegionChoice>,
    pub recovery_heading: String,
    pub recovery_body: String,
    /// The name and icon on the home screen; each sends `ChooseDisguise { kind }`.
    pub disguise_label: String,
    pub disguises: Vec<DisguiseChoice>,
    pub disguise_note: String,
    /// "Erase everything after wrong PINs": off unless chosen; each choice sends
    /// `SettingsEraseAfter { after }` (0: off, at once; a number asks first, `erase_confirm`).
    pub erase_label: String,
    /// What it does and that it cannot be undone, drawn with the choices at all times.
    pub erase_body: String,
    pub erase_choices: Vec<EraseChoice>,
    /// While present, draw this question over the menu: it is on only once confirmed.
    pub erase_confirm: Option<EraseConfirm>,
    /// "Alert my buddies when the emergency PIN is used": `SettingsDuressAlert { on }`.
    pub duress_alert_label: String,
    /// What it does; or, on a phone that cannot send a text unseen, why it is not offered.
    pub duress_alert_body: String,
    /// Whether to draw the switch (false where a text cannot be sent unseen).
    pub duress_alert_available: bool,
    pub duress_alert_on: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct IncidentListScreen {
    /// Newest first; each opens with `OpenIncident { id }`.
    pub rows: Vec<IncidentRow>,
    pub empty_text: String,
}

/// A photo, video or file kept with an incident.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EvidenceRow {
    pub id: String,
    /// "Photo", "Video", "Picture", "Sound recording" or "File" (from the content's type).
    pub label: String,
    pub media_type: String,
    pub size: u64,
    /// "2.4 MB".
    pub size_text: String,
    pub when: String,
}

/// One step of an incident's history, from the core's log.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HistoryRow {
    /// "Logged", "Changed: note, witnesses".
    pub text: String,
    /// "Why: ..." when a reason was given.
    pub reason: Option<String>,
    pub when: String,
}

/// One incident: what it says now, its evidence, its history; edit (`EditIncident`), remove
/// (`RemoveIncident`), and add a photo, video, file, witness or feeling (the same events as home's bar).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct IncidentDetailScreen {
    pub id: String,
    pub kind: QuickKind,
    pub kind_label: String,
    /// The choices for the edit form's kind.
    pub kinds: Vec<KindButton>,
    pub when: String,
    pub description: String,
    pub place: Option<String>,
    pub witnesses: Vec<String>,
    pub feeling: Option<String>,
    pub evidence_heading: String,
    pub evidence: Vec<EvidenceRow>,
    pub no_evidence_text: String,
    pub history_heading: String,
    pub history: Vec<HistoryRow>,
    pub edit_label: String,
    /// The edit and remove forms' optional "why" field.
    pub reason_label: String,
    pub save_label: String,
    pub remove_label: String,
    /// Shown before removing: what stays and what goes.
    pub remove_warning: String,
    /// The same buttons as home's (`LoggedCard.add_evidence`).
    pub add_evidence: Vec<crate::screens::capture::EvidenceButton>,
    pub add_witness_label: String,
    pub add_feeling_label: String,
    pub feelings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewModel {
    pub title: String,
    pub screen: Screen,
    /// A one-off message (saved, an error); cleared by the next event.
    pub banner: Option<Banner>,
    pub emergency: EmergencyBar,
    /// `Back` is allowed; the label to show.
    pub back_label: Option<String>,
    /// The content must be covered (background, panic): draw nothing personal.
    pub hide_content: bool,
    /// Long work under way (an export, a map import), on whichever screen shows: a progress
    /// bar with its stage and a Cancel button (`CancelWork { id }`).
    pub work: Option<crate::screens::work::WorkCard>,
    /// A text to a buddy was not sent (drawn above the screen, on every screen).
    pub sms_failed: Option<SmsFailure>,
}

/// What `dispatch` returns: the screen to draw and what the phone must do.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AppUpdate {
    pub view: ViewModel,
    pub effects: Vec<crate::effect::Effect>,
}
