//! What an incident is, and the checks on what a person enters.

use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
const MAX_SHORT_CHARS: usize = 200;
const MAX_LIST: usize = 50;

/// The kinds of behaviour the National Stalking Helpline's advice asks people to note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

impl IncidentKind {
    pub const ALL: [IncidentKind; 14] = [
        IncidentKind::Followed,
        IncidentKind::Watching,
        IncidentKind::TurnedUpHome,
        IncidentKind::TurnedUpWork,
        IncidentKind::TurnedUpSchool,
        IncidentKind::UnwantedContact,
        IncidentKind::GiftsLeft,
        IncidentKind::PropertyDamage,
        IncidentKind::Threats,
        IncidentKind::ContactingOthers,
        IncidentKind::OnlineAccounts,
        IncidentKind::Impersonation,
        IncidentKind::TrackerSuspected,
        IncidentKind::Other,
    ];

    /// The kebab-case name used in the CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Followed => "followed",
            IncidentKind::Watching => "watching",
            IncidentKind::TurnedUpHome => "turned-up-home",
            IncidentKind::TurnedUpWork => "turned-up-work",
            IncidentKind::TurnedUpSchool => "turned-up-school",
            IncidentKind::UnwantedContact => "unwanted-contact",
            IncidentKind::GiftsLeft => "gifts-left",
            IncidentKind::PropertyDamage => "property-damage",
            IncidentKind::Threats => "threats",
            IncidentKind::ContactingOthers => "contacting-others",
            IncidentKind::OnlineAccounts => "online-accounts",
            IncidentKind::Impersonation => "impersonation",
            IncidentKind::TrackerSuspected => "tracker-suspected",
            IncidentKind::Other => "other",
        }
    }

    /// Plain words for a person reading a list or a report.
    pub fn label(self) -> &'static str {
        match self {
            IncidentKind::Followed => "Followed",
            IncidentKind::Watching => "Watched or loitering nearby",
            IncidentKind::TurnedUpHome => "Turned up at home",
            IncidentKind::TurnedUpWork => "Turned up at work",
            IncidentKind::TurnedUpSchool => "Turned up at school",
            IncidentKind::UnwantedContact => {
                "Unwanted contact (call, text, email, social media, letter)"
            }
            IncidentKind::GiftsLeft => "Gifts or items left",
            IncidentKind::PropertyDamage => "Property damaged",
            IncidentKind::Threats => "Threats",
            IncidentKind::ContactingOthers => "Contacted family, friends or colleagues",
            IncidentKind::OnlineAccounts => "Online accounts interfered with",
            IncidentKind::Impersonation => "Impersonation",
            IncidentKind::TrackerSuspected => "Tracker or spyware suspected",
            IncidentKind::Other => "Other",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        let wanted = s.trim().to_lowercase().replace(['_', ' '], "-");
        IncidentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = IncidentKind::ALL.iter().map(|k| k.as_str()).collect();
                Error::invalid("kind", format!("is not one of: {}", names.join(", ")))
            })
    }
}

/// When it happened, as the person says: a moment, or a range when they are unsure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Occurred {
    #[serde(rename = "occurred_at")]
    pub start: DateTime<Utc>,
    #[serde(
        rename = "occurred_until",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<DateTime<Utc>>,
}

impl Occurred {
    pub fn at(t: DateTime<Utc>) -> Self {
        Occurred {
            start: t,
            end: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Place {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
}

/// What the person enters. Everything but kind, time and description is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewIncident {
    pub kind: IncidentKind,
    #[serde(flatten)]
    pub occurred: Occurred,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub witnesses: Vec<String>,
    /// 1 uneasy, 2 worried, 3 alarmed, 4 distressed, 5 in fear of violence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feeling: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Who the person believes did it (a name or a description).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<String>,
    /// For unwanted contact: call, text, email, social media, letter...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_via: Option<String>,
}

impl NewIncident {
    pub fn new(kind: IncidentKind, occurred: Occurred, description: impl Into<String>) -> Self {
        NewIncident {
            kind,
            occurred,
            description: description.into(),
            place: None,
            witnesses: Vec::new(),
            feeling: None,
            police_ref: None,
            tags: Vec::new(),
            attributed_to: None,
            contact_via: None,
        }
    }
}

/// An incident as it stands now (after any amendments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub recorded_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amended_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub details: NewIncident,
}

/// The stored form of an incident: the same JSON as `Incident`, but with every field at the top
/// level. serde's `flatten` buffers each document through a map before decoding it, which made
/// listing 10,000 incidents several times slower; this form decodes directly.
#[derive(Serialize, Deserialize)]
pub(crate) struct IncidentRow {
    id: String,
    recorded_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amended_at: Option<DateTime<Utc>>,
    kind: IncidentKind,
    occurred_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    occurred_until: Option<DateTime<Utc>>,
    description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    place: Option<Place>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    witnesses: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    feeling: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    police_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attributed_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contact_via: Option<String>,
}

impl From<&Incident> for IncidentRow {
    fn from(i: &Incident) -> Self {
        let d = i.details.clone();
        IncidentRow {
            id: i.id.clone(),
            recorded_at: i.recorded_at,
            amended_at: i.amended_at,
            kind: d.kind,
            occurred_at: d.occurred.start,
            occurred_until: d.occurred.end,
            description: d.description,
            place: d.place,
            witnesses: d.witnesses,
            feeling: d.feeling,
            police_ref: d.police_ref,
            tags: d.tags,
            attributed_to: d.attributed_to,
            contact_via: d.contact_via,
        }
    }
}

impl From<IncidentRow> for Incident {
    fn from(r: IncidentRow) -> Self {
        Incident {
            id: r.id,
            recorded_at: r.recorded_at,
            amended_at: r.amended_at,
            details: NewIncident {
                kind: r.kind,
                occurred: Occurred {
                    start: r.occurred_at,
                    end: r.occurred_until,
                },
                description: r.description,
                place: r.place,
                witnesses: r.witnesses,
                feeling: r.feeling,
                police_ref: r.police_ref,
                tags: r.tags,
                attributed_to: r.attributed_to,
                contact_via: r.contact_via,
            },
        }
    }
}

/// A change to an incident. Only the fields that are `Some` change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IncidentChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<IncidentKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred: Option<Occurred>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witnesses: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feeling: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_via: Option<String>,
}

impl IncidentChanges {
    pub fn is_empty(&self) -> bool {
        *self == IncidentChanges::default()
    }

    pub(crate) fn apply(&self, to: &mut NewIncident) {
        let c = self.clone();
        if let Some(v) = c.kind {
            to.kind = v;
        }
        if let Some(v) = c.occurred {
            to.occurred = v;
        }
        if let Some(v) = c.description {
            to.description = v;
        }
        if let Some(v) = c.place {
            to.place = Some(v);
        }
        if let Some(v) = c.witnesses {
            to.witnesses = v;
        }
        if let Some(v) = c.feeling {
            to.feeling = Some(v);
        }
        if let Some(v) = c.police_ref {
            to.police_ref = Some(v);
        }
        if let Some(v) = c.tags {
            to.tags = v;
        }
        if let Some(v) = c.attributed_to {
            to.attributed_to = Some(v);
        }
        if let Some(v) = c.contact_via {
            to.contact_via = Some(v);
        }
    }
}

fn short_text(field: &str, s: &str) -> Result<()> {
    if s.chars().count() > MAX_SHORT_CHARS {
        return Err(Error::invalid(
            field,
            format!("is too long (at most {MAX_SHORT_CHARS} characters)"),
        ));
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(())
}

fn short_list(field: &str, items: &[String]) -> Result<()> {
    if items.len() > MAX_LIST {
        return Err(Error::invalid(
            field,
            format!("has too many entries (at most {MAX_LIST})"),
        ));
    }
    for i in items {
        if i.trim().is_empty() {
            return Err(Error::invalid(field, "has an empty entry"));
        }
        short_text(field, i)?;
    }
    Ok(())
}

/// Checks what a person entered against what a log can hold. `now` rejects future times.
pub fn validate(i: &NewIncident, now: DateTime<Utc>) -> Result<()> {
    if i.description.trim().is_empty() {
        return Err(Error::invalid(
            "description",
            "is empty: say in a few words what happened",
        ));
    }
    if i.description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(Error::invalid(
            "description",
            format!("is too long (at most {MAX_DESCRIPTION_CHARS} characters)"),
        ));
    }
    if i.description.contains('\0') {
        return Err(Error::invalid("description", "contains a NUL character"));
    }
    // A few minutes of slack for a phone clock that runs slightly behind.
    let latest = now + Duration::minutes(5);
    if i.occurred.start > latest {
        return Err(Error::invalid("time", "is in the future"));
    }
    if i.occurred.start.timestamp() < -2_208_988_800 {
        return Err(Error::invalid("time", "is before 1900"));
    }
    if let Some(end) = i.occurred.end {
        if end < i.occurred.start {
            return Err(Error::invalid(
                "time",
                "the end of the range is before its start",
            ));
        }
        if end > latest {
            return Err(Error::invalid(
                "time",
                "the end of the range is in the future",
            ));
        }
    }
    if let Some(p) = &i.place {
        if let Some(l) = &p.label {
            short_text("place", l)?;
        }
        match (p.lat, p.lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    return Err(Error::invalid(
                        "location",
                        "latitude must be -90..90 and longitude -180..180",
                    ));
                }
            }
            (None, None) => {}
            _ => {
                return Err(Error::invalid(
                    "location",
                    "needs both latitude and longitude",
                ))
            }
        }
        if let Some(a) = p.accuracy_m {
            if !(0.0..=100_000.0).contains(&a) {
                return Err(Error::invalid(
                    "location accuracy",
                    "must be between 0 and 100000 metres",
                ));
            }
        }
    }
    short_list("witness", &i.witnesses)?;
    short_list("tag", &i.tags)?;
    if let Some(f) = i.feeling {
        if !(1..=5).contains(&f) {
            return Err(Error::invalid("feeling", "must be 1 to 5"));
        }
    }
    for (field, v) in [
        ("police reference", &i.police_ref),
        ("attributed to", &i.attributed_to),
        ("contact via", &i.contact_via),
    ] {
        if let Some(v) = v {
            short_text(field, v)?;
        }
    }
    Ok(())
}

/// Words for the 1..5 feeling scale (3 and above is the law's "alarm or distress").
pub fn feeling_label(f: u8) -> &'static str {
    match f {
        1 => "uneasy",
        2 => "worried",
        3 => "alarmed",
        4 => "distressed",
        5 => "in fear of violence",
        _ => "not recorded",
    }
}
