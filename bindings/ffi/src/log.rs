//! The incident log as the shells see it. Records mirror the core's types field for field;
//! times are `SystemTime` (Kotlin `Instant`, Swift `Date`).

use std::sync::Arc;
use std::time::SystemTime;

use waymark_core::log as core_log;

use crate::error::{Result, WaymarkError};
use crate::progress::{with_progress, CancelHandle, ProgressListener};
use crate::time::{to_chrono, to_system_time};
use crate::vault::Vault;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
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

/// One `match` each way, so a kind added to the core fails to compile here until mirrored.
macro_rules! mirror_kinds {
    ($($v:ident),*) => {
        impl From<core_log::IncidentKind> for IncidentKind {
            fn from(k: core_log::IncidentKind) -> Self {
                match k { $(core_log::IncidentKind::$v => IncidentKind::$v,)* }
            }
        }
        impl From<IncidentKind> for core_log::IncidentKind {
            fn from(k: IncidentKind) -> Self {
                match k { $(IncidentKind::$v => core_log::IncidentKind::$v,)* }
            }
        }
    };
}
mirror_kinds!(
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
    Other
);

/// A short human label for a kind ("Turned up at home"), for pickers and lists.
#[uniffi::export]
pub fn incident_kind_label(kind: IncidentKind) -> String {
    core_log::IncidentKind::from(kind).label().to_string()
}

/// A label for a feeling score 1..=5 ("in fear of violence" for 5).
#[uniffi::export]
pub fn feeling_label(feeling: u8) -> Result<String> {
    if !(1..=5).contains(&feeling) {
        return Err(WaymarkError::invalid("feeling", "must be 1 to 5"));
    }
    Ok(core_log::feeling_label(feeling).to_string())
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Place {
    #[uniffi(default = None)]
    pub label: Option<String>,
    #[uniffi(default = None)]
    pub lat: Option<f64>,
    #[uniffi(default = None)]
    pub lon: Option<f64>,
    #[uniffi(default = None)]
    pub accuracy_m: Option<f64>,
}

impl From<Place> for core_log::Place {
    fn from(p: Place) -> Self {
        core_log::Place {
            label: p.label,
            lat: p.lat,
            lon: p.lon,
            accuracy_m: p.accuracy_m,
        }
    }
}
impl From<core_log::Place> for Place {
    fn from(p: core_log::Place) -> Self {
        Place {
            label: p.label,
            lat: p.lat,
            lon: p.lon,
            accuracy_m: p.accuracy_m,
        }
    }
}

/// What the person enters. Everything but kind, time and description is optional.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NewIncident {
    pub kind: IncidentKind,
    /// When it happened (or began), as the person says.
    pub occurred_at: SystemTime,
    /// When it ended, if it was a range or they are unsure.
    #[uniffi(default = None)]
    pub occurred_until: Option<SystemTime>,
    pub description: String,
    #[uniffi(default = None)]
    pub place: Option<Place>,
    #[uniffi(default)]
    pub witnesses: Vec<String>,
    /// 1 uneasy, 2 worried, 3 alarmed, 4 distressed, 5 in fear of violence.
    #[uniffi(default = None)]
    pub feeling: Option<u8>,
    #[uniffi(default = None)]
    pub police_ref: Option<String>,
    #[uniffi(default)]
    pub tags: Vec<String>,
    /// Who the person believes did it.
    #[uniffi(default = None)]
    pub attributed_to: Option<String>,
    /// For unwanted contact: call, text, email, social media, letter...
    #[uniffi(default = None)]
    pub contact_via: Option<String>,
}

fn occurred(start: SystemTime, end: Option<SystemTime>) -> Result<core_log::Occurred> {
    Ok(core_log::Occurred {
        start: to_chrono(start)?,
        end: end.map(to_chrono).transpose()?,
    })
}

impl TryFrom<NewIncident> for core_log::NewIncident {
    type Error = WaymarkError;
    fn try_from(n: NewIncident) -> Result<Self> {
        Ok(core_log::NewIncident {
            kind: n.kind.into(),
            occurred: occurred(n.occurred_at, n.occurred_until)?,
            description: n.description,
            place: n.place.map(Into::into),
            witnesses: n.witnesses,
            feeling: n.feeling,
            police_ref: n.police_ref,
            tags: n.tags,
            attributed_to: n.attributed_to,
            contact_via: n.contact_via,
        })
    }
}

impl From<core_log::NewIncident> for NewIncident {
    fn from(n: core_log::NewIncident) -> Self {
        NewIncident {
            kind: n.kind.into(),
            occurred_at: to_system_time(n.occurred.start),
            occurred_until: n.occurred.end.map(to_system_time),
            description: n.description,
            place: n.place.map(Into::into),
            witnesses: n.witnesses,
            feeling: n.feeling,
            police_ref: n.police_ref,
            tags: n.tags,
            attributed_to: n.attributed_to,
            contact_via: n.contact_via,
        }
    }
}

/// An incident as it stands now (after any amendments).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Incident {
    pub id: String,
    pub recorded_at: SystemTime,
    pub amended_at: Option<SystemTime>,
    pub details: NewIncident,
}

impl From<core_log::Incident> for Incident {
    fn from(i: core_log::Incident) -> Self {
        Incident {
            id: i.id,
            recorded_at: to_system_time(i.recorded_at),
            amended_at: i.amended_at.map(to_system_time),
            details: i.details.into(),
        }
    }
}

/// A change to an incident: only the fields that are set change.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct IncidentChanges {
    #[uniffi(default = None)]
    pub kind: Option<IncidentKind>,
    /// Changes the time; `occurred_until` is taken with it.
    #[uniffi(default = None)]
    pub occurred_at: Option<SystemTime>,
    #[uniffi(default = None)]
    pub occurred_until: Option<SystemTime>,
    #[uniffi(default = None)]
    pub description: Option<String>,
    #[uniffi(default = None)]
    pub place: Option<Place>,
    #[uniffi(default = None)]
    pub witnesses: Option<Vec<String>>,
    #[uniffi(default = None)]
    pub feeling: Option<u8>,
    #[uniffi(default = None)]
    pub police_ref: Option<String>,
    #[uniffi(default = None)]
    pub tags: Option<Vec<String>>,
    #[uniffi(default = None)]
    pub attributed_to: Option<String>,
    #[uniffi(default = None)]
    pub contact_via: Option<String>,
}

impl TryFrom<IncidentChanges> for core_log::IncidentChanges {
    type Error = WaymarkError;
    fn try_from(c: IncidentChanges) -> Result<Self> {
        let occurred = match (c.occurred_at, c.occurred_until) {
            (Some(start), end) => Some(occurred(start, end)?),
            (None, Some(_)) => {
                return Err(WaymarkError::invalid(
                    "time",
                    "give the start as well when changing the end",
                ))
            }
            (None, None) => None,
        };
        Ok(core_log::IncidentChanges {
            kind: c.kind.map(Into::into),
            occurred,
            description: c.description,
            place: c.place.map(Into::into),
            witnesses: c.witnesses,
            feeling: c.feeling,
            police_ref: c.police_ref,
            tags: c.tags,
            attributed_to: c.attributed_to,
            contact_via: c.contact_via,
        })
    }
}

#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ListFilter {
    /// Only these kinds (empty: all).
    #[uniffi(default)]
    pub kinds: Vec<IncidentKind>,
    /// Incidents that started at or after this time.
    #[uniffi(default = None)]
    pub from: Option<SystemTime>,
    /// Incidents that started at or before this time.
    #[uniffi(default = None)]
    pub to: Option<SystemTime>,
    #[uniffi(default = None)]
    pub limit: Option<u32>,
}

impl TryFrom<ListFilter> for core_log::ListFilter {
    type Error = WaymarkError;
    fn try_from(f: ListFilter) -> Result<Self> {
        Ok(core_log::ListFilter {
            kinds: f.kinds.into_iter().map(Into::into).collect(),
            from: f.from.map(to_chrono).transpose()?,
            to: f.to.map(to_chrono).transpose()?,
            limit: f.limit.map(|l| l as usize),
        })
    }
}

/// One step in an incident's history, straight from its log entry.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HistoryEntry {
    /// Position in the tamper-evident log.
    pub seq: u64,
    /// "incident.create", "incident.amend", "incident.redact", "evidence.add"...
    pub entry_type: String,
    pub recorded_at: SystemTime,
    /// The entry's content as JSON (what was entered or changed).
    pub details_json: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct IncidentWithHistory {
    pub incident: Incident,
    pub history: Vec<HistoryEntry>,
}

/// The log's signed state: this many entries, with this Merkle root, signed by the vault's key.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SignedTreeHead {
    pub size: u64,
    pub root: Vec<u8>,
    pub signed_at: SystemTime,
    /// Ed25519 signature over the head.
    pub signature: Vec<u8>,
    /// The vault's Ed25519 public key (raw 32 bytes).
    pub public_key: Vec<u8>,
}

impl From<core_log::SignedTreeHead> for SignedTreeHead {
    fn from(h: core_log::SignedTreeHead) -> Self {
        SignedTreeHead {
            size: h.size,
            root: h.root.to_vec(),
            signed_at: to_system_time(h.signed_at),
            signature: h.signature,
            public_key: h.public_key,
        }
    }
}

/// The log checked end to end: every entry hashed, the tree rebuilt, the head's signature valid.
#[derive(Debug, Clone, uniffi::Record)]
pub struct VerifyReport {
    pub entries: u64,
    pub redacted_entries: u64,
    pub incidents: u64,
    pub tree_head: SignedTreeHead,
}

/// The incident log of a vault. Every call needs the vault unlocked (`Locked` otherwise).
/// Thread-safe: calls from several threads are serialised by the vault.
#[derive(uniffi::Object)]
pub struct IncidentLog {
    pub(crate) vault: Arc<Vault>,
}

impl IncidentLog {
    fn core(&self) -> core_log::IncidentLog<'_> {
        core_log::IncidentLog::new(&self.vault.inner)
    }
}

#[uniffi::export]
impl IncidentLog {
    /// Records a new incident durably; returns it with its id and recording time.
    pub fn record(&self, incident: NewIncident) -> Result<Incident> {
        Ok(self.core().record(incident.try_into()?)?.into())
    }

    /// Changes an incident; the original stays readable in its history.
    #[uniffi::method(default(reason = None))]
    pub fn amend(
        &self,
        id: String,
        changes: IncidentChanges,
        reason: Option<String>,
    ) -> Result<Incident> {
        Ok(self.core().amend(&id, changes.try_into()?, reason)?.into())
    }

    /// Removes an incident's content everywhere; the log keeps only hashes, so it still verifies.
    #[uniffi::method(default(reason = None))]
    pub fn redact(&self, id: String, reason: Option<String>) -> Result<()> {
        Ok(self.core().redact(&id, reason)?)
    }

    /// Newest first.
    pub fn list(&self, filter: ListFilter) -> Result<Vec<Incident>> {
        let incidents = self.core().list(&filter.try_into()?)?;
        Ok(incidents.into_iter().map(Into::into).collect())
    }

    pub fn count(&self) -> Result<u64> {
        Ok(self.core().count()?)
    }

    /// Full-text search (every word must match as a prefix; accents and case ignored).
    pub fn search(&self, text: String) -> Result<Vec<Incident>> {
        let incidents = self.core().search(&text)?;
        Ok(incidents.into_iter().map(Into::into).collect())
    }

    /// One incident with every entry about it. `id` may be a unique prefix.
    pub fn get(&self, id: String) -> Result<IncidentWithHistory> {
        let found = self.core().get(&id)?;
        let mut history = Vec::with_capacity(found.history.len());
        for h in found.history {
            history.push(HistoryEntry {
                seq: h.seq,
                entry_type: h.entry_type,
                recorded_at: to_system_time(h.recorded_at),
                details_json: serde_json::to_string(&h.details)
                    .map_err(|_| WaymarkError::invalid("history", "could not be encoded"))?,
            });
        }
        Ok(IncidentWithHistory {
            incident: found.incident.into(),
            history,
        })
    }

    /// Checks the whole log; `Integrity` names the first entry that fails. A large log takes
    /// seconds: off the main thread, with progress and a cancel handle if wanted.
    #[uniffi::method(default(listener = None, cancel = None))]
    pub fn verify(
        &self,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<VerifyReport> {
        let r = with_progress(listener, cancel, |p| self.core().verify_with_progress(p))?;
        Ok(VerifyReport {
            entries: r.entries,
            redacted_entries: r.redacted_entries,
            incidents: r.incidents,
            tree_head: r.tree_head.into(),
        })
    }

    pub fn tree_head(&self) -> Result<SignedTreeHead> {
        Ok(self.core().tree_head()?.into())
    }
}
