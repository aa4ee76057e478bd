//! TEMPORARY stand-in for the lead's log types (CONTRACT.md), so insight/report build before
//! main has them. Deleted at merge: main's log module wins.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IncidentKind {
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Occurred {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub label: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub kind: IncidentKind,
    pub occurred: Occurred,
    pub recorded_at: DateTime<Utc>,
    pub description: String,
    pub place: Option<Place>,
    pub witnesses: Vec<String>,
    pub feeling: Option<u8>,
    pub police_ref: Option<String>,
    pub tags: Vec<String>,
    pub attributed_to: Option<String>,
    pub contact_via: Option<String>,
    pub evidence: Vec<String>,
}
