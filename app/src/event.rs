//! Events: what the person did on a screen, and what the phone reports back (the outcome of an
//! effect, the app going to the background, a wake-up, a clock tick).

use crate::effect::Permission;
use crate::screens::capture::EvidenceSource;
use crate::screens::disguise::Disguise;
use crate::screens::export::ExportKind;
use crate::screens::risk::RiskChoice;
use crate::screens::routes::TravelMode;
use crate::view::{Destination, QuickKind};

#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum AppEvent {
    // ----- life cycle -----
    /// The app was launched (or the shell re-created its UI): answers with the screen to show
    /// and the effects to set up (secure screen, pending wake-ups).
    Started,
    /// The app went to the background: content is hidden and the auto-lock delay starts.
    Backgrounded,
    /// Back in front: locks if the delay has passed.
    Foregrounded,
    /// About once a second while a countdown shows. Time itself always comes from the clock the
    /// app model was built with (the shell's `WallClock`, or the system's), so the vault, the
    /// check-in and the screens never disagree about what time it is.
    Tick,
    /// A wake-up scheduled with `ScheduleWake` fired (the app may have been asleep or killed).
    WakeFired {
        id: String,
    },
    /// Lock at once and show the lock screen (the panic action).
    Panic,

    // ----- navigation -----
    Open {
        to: Destination,
    },
    Back,

    // ----- PIN pad (lock screen, first run, settings) -----
    PinDigit {
        digit: u8,
    },
    PinDelete,
    /// Unlock (lock screen), or accept the PIN typed so far (first run, settings).
    PinSubmit,
    /// Lock screen: check in with the PIN typed so far, without unlocking.
    PinCheckIn,
    /// Home: the person has read the wrong-PIN card; it goes until the next wrong PIN.
    WrongPinsSeen,

    // ----- emergency and help, on any screen, locked or not -----
    CallEmergency,
    CallHelp {
        id: String,
    },

    // ----- first run -----
    SetupStart,
    RecoveryCodeWritten,
    RecoveryCodeTyped {
        text: String,
    },
    SetupBuddy {
        name: String,
        phone: String,
    },
    SetupLocation {
        on: bool,
    },
    SetupSkip,

    // ----- home -----
    QuickLog {
        kind: QuickKind,
    },
    Undo,
    AddNote {
        text: String,
    },
    AddWitness {
        name: String,
    },
    AddFeeling {
        level: u8,
    },
    /// One of the "add evidence" buttons (`LoggedCard.add_evidence`,
    /// `IncidentDetailScreen.add_evidence`), for the incident just logged (or open in detail):
    /// the camera for a photo or a video, or a picker.
    AddEvidence {
        source: EvidenceSource,
    },

    // ----- check-in -----
    CheckInDestination {
        text: String,
    },
    CheckInMinutes {
        minutes: u32,
    },
    CheckInGrace {
        minutes: u32,
    },
    /// Choose a contact as a buddy for this check-in, or un-choose them.
    CheckInToggleBuddy {
        contact_id: String,
    },
    /// Whether alerts to buddies carry the phone's last known place.
    CheckInShareLocation {
        on: bool,
    },
    /// Add a contact as a buddy (kept in the vault) and choose them.
    CheckInAddBuddy {
        name: String,
        phone: String,
    },
    CheckInStart,
    /// "I'm safe" with the vault open (the lock screen uses `PinCheckIn`).
    CheckInSafe,
    CheckInExtend {
        minutes: u32,
    },
    /// Call the check-in off.
    CheckInStop,
    /// The relay setting: fetch this relay's key (then `RelayAcceptKey` after checking its
    /// fingerprint).
    RelaySetUp {
        address: String,
    },
    /// Trust the key shown (first use), or accept a changed key: only after this is it used.
    RelayAcceptKey,
    /// Do not use the key shown.
    RelayRejectKey,
    /// No relay for the next check-ins.
    RelayForget,
    /// The relay is not holding the running plan: give it the plan again.
    RelayRetry,
    /// A text that failed (`SmsFailure.id`): send it again.
    SmsRetry {
        id: String,
    },
    /// A text that failed: open the composer so the person sends it by hand.
    SmsCompose {
        id: String,
    },

    // ----- settings (the PIN flows use the PIN pad events) -----
    SettingsChangePin,
    /// Set the duress PIN, or change it (the same: the new one replaces the old).
    SettingsSetDuress,
    SettingsRemoveDuress,
    SettingsAutoLock {
        seconds: u32,
    },
    SettingsRegion {
        code: String,
    },
    /// "Erase everything after wrong PINs": 0 turns it off at once; a number (one of the
    /// screen's choices) asks first (`SettingsScreen.erase_confirm`).
    SettingsEraseAfter {
        after: u32,
    },
    /// Yes to the question: it is on from now.
    SettingsEraseConfirm,
    /// No to the question: nothing changes.
    SettingsEraseCancel,
    /// Text the buddies, unseen, when the emergency (duress) PIN opens the app.
    SettingsDuressAlert {
        on: bool,
    },
    /// The name and icon on the home screen (set-up's disguise step, or settings).
    ChooseDisguise {
        kind: Disguise,
    },

    // ----- evidence and incidents -----
    /// One incident in detail (a row of home's recent list or of the list of everything).
    OpenIncident {
        id: String,
    },
    /// The incident open in detail, as edited: only what changed is recorded, with `reason`
    /// (may be empty).
    EditIncident {
        kind: QuickKind,
        description: String,
        reason: String,
    },
    /// Remove the incident open in detail (a redaction: the log keeps that it was removed).
    RemoveIncident {
        reason: String,
    },

    // ----- outcomes of effects -----
    SmsSent {
        id: String,
        ok: bool,
    },
    /// The answer to `Effect::Http { id }`, whatever its status.
    HttpDone {
        id: String,
        status: u16,
        body: Vec<u8>,
    },
    /// `Effect::Http { id }` got no answer (no connection, timeout, a certificate refused).
    HttpFailed {
        id: String,
    },
    CameraChunk {
        bytes: Vec<u8>,
    },
    CameraDone,
    CameraCancelled,
    FilePicked {
        path: String,
    },
    FilePickCancelled,
    PermissionResult {
        what: Permission,
        granted: bool,
    },
    LocationFix {
        lat: f64,
        lon: f64,
        accuracy_m: Option<f64>,
    },

    // ----- long work and export -----
    /// Stops the long work with this id (`ViewModel.work.id`); nothing it made is kept.
    CancelWork {
        id: String,
    },
    /// Export screen: make this export (then the share sheet opens for it).
    StartExport {
        what: ExportKind,
    },
    /// Export screen: the share sheet again for the last export.
    ShareExport,

    // ----- routes and plan -----
    /// Saves the phone's position under this name (a fix is asked for if none is fresh).
    AddPlaceHere {
        name: String,
    },
    AddPlace {
        name: String,
        lat: f64,
        lon: f64,
    },
    RemovePlace {
        name: String,
    },
    /// The clearly different routes between two saved places (or "lat,lon"), fastest first.
    FindRoutes {
        from: String,
        to: String,
        mode: TravelMode,
    },
    SelectRoute {
        index: u32,
    },
    /// A plan for the next days between two places: a route and leaving time per day.
    PlanTrips {
        from: String,
        to: String,
        mode: TravelMode,
        /// Minutes after local midnight.
        arrive_by_minute: Option<u32>,
    },
    /// The file picker for an OpenStreetMap file; `FilePicked` then imports it as long work.
    ImportMap,
    /// Back to the bundled sample map.
    ForgetMap,

    // ----- risk questions -----
    AnswerRisk {
        question_id: String,
        choice: RiskChoice,
        note: Option<String>,
    },
}
