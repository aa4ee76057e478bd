//! The UniFFI surface the Android and iOS shells call: a thin facade over waymark-core.
//!
//! Records and enums mirror core types with conversions, objects wrap core handles, and every
//! failure is a [`WaymarkError`]. Nothing here may panic on input from a shell: every entry
//! point returns an error instead (see tests/hostile_input.rs), and uniffi catches any panic
//! that slipped through so none ever unwinds into Kotlin or Swift.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

uniffi::setup_scaffolding!();

mod app;
mod error;
mod evidence;
mod log;
mod logging;
mod platform;
mod progress;
mod reports;
mod risk;
mod routes;
mod safety;
mod time;
mod vault;

pub use app::open_app;
pub use error::WaymarkError;
pub use evidence::{
    CaptureMethod, Derivation, EvidenceItem, EvidenceLocation, EvidenceStore, EvidenceVerifyReport,
    EvidenceWriter, ItemProblem, NewEvidence, SharingCopy,
};
pub use log::{
    feeling_label, incident_kind_label, HistoryEntry, Incident, IncidentChanges, IncidentKind,
    IncidentLog, IncidentWithHistory, ListFilter, NewIncident, Place, SignedTreeHead, VerifyReport,
};
pub use logging::{clear_log_sink, set_log_sink, LogEvent, LogLevel, LogSink};
pub use platform::{HardwarePrf, WallClock};
pub use progress::{CancelHandle, ProgressListener, ProgressStage};
pub use reports::{
    verify_bundle, BundleCheck, BundleSummary, BundleVerifyReport, CourseOfConduct,
    EscalationSignal, Insights, PeriodCount, PlaceCluster, ReportOptions, Reports, SignalKind,
    SinceReport, TrendDirection, TrendTest,
};
pub use risk::{
    RiskAnswer, RiskAnswerRecord, RiskChecklist, RiskEvidence, RiskQuestion, RiskQuestions,
};
pub use routes::{
    map_attribution, AvoidOptions, AvoidSpot, MapImportReport, MapInfo, PlanRequest, PlannedTrip,
    Predictability, PredictorScore, RouteOption, Routes, SavedPlace, TravelProfile, TripPlan,
};
pub use safety::{
    help_directory, help_regions, ArmedCheckIn, CheckInEvent, CheckInEventKind, CheckInExpect,
    CheckInLocation, CheckInPlan, CheckInState, CheckInStateChange, CheckInView, ChecklistEntry,
    ChecklistStatus, Contact, ContactRole, CustomHelpNumber, EventRecipient, HelpKind, HelpNumber,
    HelpRegion, NewContact, Safety, SmsEncoding, SmsLength,
};
pub use vault::{
    create_vault, restore_vault, vault_exists, BackupSummary, CreatedVault, KeyDerivation, Vault,
    VaultStatus,
};
pub use waymark_app;

/// The library version, e.g. to show on an About screen. Also the cheapest call there is,
/// which the FFI benchmarks use as their trivial call.
#[uniffi::export]
pub fn waymark_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
