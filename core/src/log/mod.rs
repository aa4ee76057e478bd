//! The incident log: append-only entries in an RFC 9162 Merkle tree with a signed head, and the
//! incidents they describe. An edit is an `incident.amend` entry; a removal is an
//! `incident.redact` entry that drops the content but keeps the hashes, so the log still verifies.

mod entries;
mod incident;
pub mod merkle;

pub use entries::{EntryBody, SignedTreeHead, StoredEntry, FORMAT_VERSION};
pub use incident::{
    feeling_label, validate, Incident, IncidentChanges, IncidentKind, NewIncident, Occurred, Place,
    MAX_DESCRIPTION_CHARS,
};

use crate::error::{Error, Result};
use crate::progress::{Progress, Stage};
use crate::vault::{Tx, Vault};
use chrono::{DateTime, Utc};
use entries::{parse_time, time_text};
use incident::IncidentRow;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(crate) const MIGRATIONS: &[&str] = &["
CREATE TABLE log_entries (
    seq INTEGER PRIMARY KEY,
    entry_type TEXT NOT NULL,
    subject TEXT,
    recorded_at TEXT NOT NULL,
    body BLOB,
    leaf_hash BLOB NOT NULL
);
CREATE INDEX log_entries_by_subject ON log_entries (subject);
CREATE TABLE log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL,
    frontier BLOB NOT NULL,
    root BLOB NOT NULL,
    signed_at TEXT NOT NULL,
    signature BLOB NOT NULL
);
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    occurred_start TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX incidents_by_time ON incidents (occurred_start, recorded_at);
CREATE VIRTUAL TABLE incident_text USING fts5 (id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2');
"];

pub const ENTRY_CREATE: &str = "incident.create";
pub const ENTRY_AMEND: &str = "incident.amend";
pub const ENTRY_REDACT: &str = "incident.redact";

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub kinds: Vec<IncidentKind>,
    /// Incidents that started at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Incidents that started at or before this time.
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<usize>,
}

/// One step in an incident's history, straight from its log entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryEntry {
    pub seq: u64,
    #[serde(rename = "type")]
    pub entry_type: String,
    pub recorded_at: DateTime<Utc>,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IncidentWithHistory {
    #[serde(flatten)]
    pub incident: Incident,
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VerifyReport {
    pub entries: u64,
    pub redacted_entries: u64,
    pub incidents: u64,
    pub tree_head: SignedTreeHead,
}

#[derive(Serialize, Deserialize)]
struct AmendPayload {
    changes: IncidentChanges,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct RedactPayload {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// The incident log of an unlocked vault.
pub struct IncidentLog<'v> {
    vault: &'v Vault,
}

impl<'v> IncidentLog<'v> {
    pub fn new(vault: &'v Vault) -> Self {
        IncidentLog { vault }
    }

    /// Records a new incident: one durable transaction holding the entry, the signed head and the
    /// searchable copy.
    pub fn record(&self, new: NewIncident) -> Result<Incident> {
        validate(&new, self.vault.now())?;
        let id = hex::encode(crate::vault::random_id()?);
        self.vault.write(|tx| {
            let seq = tx.append_entry(ENTRY_CREATE, Some(&id), &new)?;
            let incident = Incident {
                id: id.clone(),
                recorded_at: entry_time(tx, seq)?,
                amended_at: None,
                details: new,
            };
            save_incident(tx, &incident, true)?;
            tracing::info!(seq, "incident recorded");
            Ok(incident)
        })
    }

    /// Records many incidents in one transaction (an import): all of them, or none.
    pub fn record_many(&self, all: Vec<NewIncident>) -> Result<Vec<Incident>> {
        let now = self.vault.now();
        for n in &all {
            validate(n, now)?;
        }
        self.vault.write(|tx| {
            let mut out = Vec::with_capacity(all.len());
            for new in all {
                let id = hex::encode(crate::vault::random_id()?);
                let seq = tx.append_entry(ENTRY_CREATE, Some(&id), &new)?;
                let incident = Incident {
                    id,
                    recorded_at: entry_time(tx, seq)?,
                    amended_at: None,
                    details: new,
                };
                save_incident(tx, &incident, true)?;
                out.push(incident);
            }
            Ok(out)
        })
    }

    /// Changes an incident; the original stays readable in its history.
    pub fn amend(
        &self,
        id: &str,
        changes: IncidentChanges,
        reason: Option<String>,
    ) -> Result<Incident> {
        if changes.is_empty() {
            return Err(Error::invalid("amendment", "changes nothing"));
        }
        if let Some(r) = &reason {
            if r.chars().count() > 2000 {
                return Err(Error::invalid(
                    "reason",
                    "is too long (at most 2000 characters)",
                ));
            }
        }
        let now = self.vault.now();
        self.vault.write(|tx| {
            let mut incident = load(tx.conn(), &resolve(tx.conn(), id)?)?;
            changes.apply(&mut incident.details);
            validate(&incident.details, now)?;
            let seq = tx.append_entry(
                ENTRY_AMEND,
                Some(&incident.id),
                &AmendPayload {
                    changes: changes.clone(),
                    reason,
                },
            )?;
            incident.amended_at = Some(entry_time(tx, seq)?);
            save_incident(tx, &incident, false)?;
            tracing::info!(seq, "incident amended");
            Ok(incident)
        })
    }

    /// Removes an incident's content everywhere (its entries keep only their hashes).
    pub fn redact(&self, id: &str, reason: Option<String>) -> Result<()> {
        self.vault.write(|tx| {
            let id = resolve(tx.conn(), id)?;
            tx.redact_subject(&id)?;
            tx.conn()
                .execute("DELETE FROM incidents WHERE id = ?1", [&id])?;
            tx.conn()
                .execute("DELETE FROM incident_text WHERE id = ?1", [&id])?;
            let seq = tx.append_entry(ENTRY_REDACT, Some(&id), &RedactPayload { reason })?;
            tracing::info!(seq, "incident redacted");
            Ok(())
        })?;
        // Old pages must not linger in the write-ahead log.
        self.vault.checkpoint()
    }

    /// Newest first.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<Incident>> {
        self.vault.read(|c| {
            let mut sql = String::from("SELECT doc FROM incidents WHERE 1 = 1");
            let mut args: Vec<String> = Vec::new();
            if let Some(from) = filter.from {
                args.push(time_text(from));
                sql.push_str(&format!(" AND occurred_start >= ?{}", args.len()));
            }
            if let Some(to) = filter.to {
                args.push(time_text(to));
                sql.push_str(&format!(" AND occurred_start <= ?{}", args.len()));
            }
            if !filter.kinds.is_empty() {
                let marks: Vec<String> = filter
                    .kinds
                    .iter()
                    .map(|k| {
                        args.push(k.as_str().to_string());
                        format!("?{}", args.len())
                    })
                    .collect();
                sql.push_str(&format!(" AND kind IN ({})", marks.join(", ")));
            }
            sql.push_str(" ORDER BY occurred_start DESC, recorded_at DESC");
            if let Some(limit) = filter.limit {
                sql.push_str(&format!(" LIMIT {limit}"));
            }
            let mut stmt = c.prepare(&sql)?;
            let docs = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
                r.get::<_, String>(0)
            })?;
            docs.map(|d| decode(&d?)).collect()
        })
    }

    pub fn count(&self) -> Result<u64> {
        self.vault.read(|c| {
            Ok(c.query_row("SELECT count(*) FROM incidents", [], |r| r.get::<_, i64>(0))? as u64)
        })
    }

    /// One incident with every entry about it (creation, amendments, evidence...).
    pub fn get(&self, id: &str) -> Result<IncidentWithHistory> {
        self.vault.read(|c| {
            let id = resolve(c, id)?;
            let incident = load(c, &id)?;
            let mut stmt = c.prepare("SELECT seq, entry_type, recorded_at, body FROM log_entries WHERE subject = ?1 ORDER BY seq")?;
            let rows = stmt.query_map([&id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<Vec<u8>>>(3)?))
            })?;
            let mut history = Vec::new();
            for row in rows {
                let (seq, entry_type, at, body) = row?;
                let details = match body {
                    Some(b) => serde_json::from_slice::<EntryBody>(&b)
                        .map_err(|_| Error::integrity(format!("log entry #{seq} is unreadable")))?
                        .payload,
                    None => serde_json::Value::Null,
                };
                history.push(HistoryEntry { seq: seq as u64, entry_type, recorded_at: parse_time(&at)?, details });
            }
            Ok(IncidentWithHistory { incident, history })
        })
    }

    /// Full-text search over descriptions, places, witnesses, tags and who did it. Every word
    /// must match (as a prefix); accents and case are ignored. Newest first.
    pub fn search(&self, text: &str) -> Result<Vec<Incident>> {
        let terms: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\"*"))
            .collect();
        if terms.is_empty() {
            return Err(Error::invalid(
                "search",
                "give at least one word to look for",
            ));
        }
        let query = terms.join(" ");
        self.vault.read(|c| {
            let mut stmt = c.prepare(
                "SELECT i.doc FROM incident_text t JOIN incidents i ON i.id = t.id
                 WHERE incident_text MATCH ?1 ORDER BY i.occurred_start DESC",
            )?;
            let docs = stmt.query_map([&query], |r| r.get::<_, String>(0))?;
            docs.map(|d| decode(&d?)).collect()
        })
    }

    /// Recomputes everything: each entry's hash, position and form; the tree and its signature;
    /// and every incident from its entries. Names the first thing that is wrong.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.verify_with_progress(Progress::NONE)
    }

    /// As `verify`, reporting progress; cancelled, it returns `Cancelled` (it only reads).
    pub fn verify_with_progress(&self, progress: Progress) -> Result<VerifyReport> {
        let public_key = self.signing_public_key()?;
        progress.report(Stage::CheckingLog, 0.0)?;
        self.vault.read(|c| {
            let all = entries::all_entries(c)?;
            let head = entries::tree_head(c, public_key)?;
            progress.report(Stage::CheckingLog, 0.1)?;
            let bodies =
                entries::verify_entries(&all, &head, progress.span(Stage::CheckingLog, 0.1, 0.7))?;
            progress.report(Stage::CheckingLog, 0.7)?;
            let expected = replay(&all, bodies)?;
            progress.report(Stage::CheckingLog, 0.8)?;
            let mut stmt = c.prepare("SELECT id, doc FROM incidents ORDER BY id")?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut seen = 0usize;
            for row in rows {
                let (id, doc) = row?;
                let short = &id[..id.len().min(8)];
                // Comparing the encoded form is exact and cheaper than decoding every row.
                let expected_doc = expected.get(&id).map(encode).transpose()?;
                match expected_doc {
                    Some(e) if e == doc => seen += 1,
                    _ => {
                        return Err(Error::integrity(format!(
                            "incident {short} does not match its log entries"
                        )))
                    }
                }
            }
            if seen != expected.len() {
                return Err(Error::integrity(
                    "an incident recorded in the log is missing",
                ));
            }
            progress.report(Stage::CheckingLog, 1.0)?;
            Ok(VerifyReport {
                entries: all.len() as u64,
                redacted_entries: all.iter().filter(|e| e.body.is_none()).count() as u64,
                incidents: seen as u64,
                tree_head: head,
            })
        })
    }

    pub fn tree_head(&self) -> Result<SignedTreeHead> {
        let public_key = self.signing_public_key()?;
        self.vault.read(|c| entries::tree_head(c, public_key))
    }

    /// The vault's Ed25519 public key (raw 32 bytes), which verifies every tree head.
    pub fn signing_public_key(&self) -> Result<Vec<u8>> {
        self.vault.with_keys(entries::public_key)
    }

    /// Every entry in order (redacted ones without a body): for exports and proofs.
    pub fn entries(&self) -> Result<Vec<StoredEntry>> {
        self.vault.read(entries::all_entries)
    }

    /// Proof that entry `seq` is in the tree of the current head.
    pub fn inclusion_proof(&self, seq: u64) -> Result<Vec<merkle::Hash>> {
        let leaves = self.leaf_hashes()?;
        if seq >= leaves.len() as u64 {
            return Err(Error::not_found("no such log entry"));
        }
        Ok(merkle::inclusion_proof(&leaves, seq as usize))
    }

    /// Proof that the tree of `old_size` entries is a prefix of the current one.
    pub fn consistency_proof(&self, old_size: u64) -> Result<Vec<merkle::Hash>> {
        let leaves = self.leaf_hashes()?;
        if old_size == 0 || old_size > leaves.len() as u64 {
            return Err(Error::invalid(
                "receipt",
                "covers more entries than this log holds",
            ));
        }
        Ok(merkle::consistency_proof(&leaves, old_size as usize))
    }

    pub fn leaf_hashes(&self) -> Result<Vec<merkle::Hash>> {
        Ok(self.entries()?.into_iter().map(|e| e.leaf_hash).collect())
    }
}

fn entry_time(tx: &Tx, seq: u64) -> Result<DateTime<Utc>> {
    let at: String = tx.conn().query_row(
        "SELECT recorded_at FROM log_entries WHERE seq = ?1",
        [seq as i64],
        |r| r.get(0),
    )?;
    parse_time(&at)
}

fn save_incident(tx: &Tx, i: &Incident, new: bool) -> Result<()> {
    let doc = encode(i)?;
    let c = tx.conn();
    if new {
        c.execute(
            "INSERT INTO incidents (id, kind, occurred_start, recorded_at, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![i.id, i.details.kind.as_str(), time_text(i.details.occurred.start), time_text(i.recorded_at), doc],
        )?;
    } else {
        c.execute(
            "UPDATE incidents SET kind = ?2, occurred_start = ?3, doc = ?4 WHERE id = ?1",
            params![
                i.id,
                i.details.kind.as_str(),
                time_text(i.details.occurred.start),
                doc
            ],
        )?;
        c.execute("DELETE FROM incident_text WHERE id = ?1", [&i.id])?;
    }
    c.execute(
        "INSERT INTO incident_text (id, body) VALUES (?1, ?2)",
        params![i.id, searchable_text(&i.details)],
    )?;
    Ok(())
}

fn searchable_text(i: &NewIncident) -> String {
    let mut parts = vec![i.description.clone()];
    if let Some(l) = i.place.as_ref().and_then(|p| p.label.clone()) {
        parts.push(l);
    }
    parts.extend(i.witnesses.iter().cloned());
    parts.extend(i.tags.iter().cloned());
    parts.extend(i.attributed_to.iter().cloned());
    parts.join("\n")
}

fn encode(i: &Incident) -> Result<String> {
    serde_json::to_string(&IncidentRow::from(i))
        .map_err(|_| Error::storage("could not encode an incident"))
}

fn decode(doc: &str) -> Result<Incident> {
    serde_json::from_str::<IncidentRow>(doc)
        .map(Incident::from)
        .map_err(|_| Error::integrity("a stored incident is unreadable"))
}

fn load(c: &Connection, id: &str) -> Result<Incident> {
    let doc: String = c
        .query_row("SELECT doc FROM incidents WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::not_found("no incident with that id"))?;
    decode(&doc)
}

/// Accepts a full id or a unique prefix of at least 4 characters (what the CLI shows is 8).
pub fn resolve(c: &Connection, prefix: &str) -> Result<String> {
    let p = prefix.trim().to_lowercase();
    if p.len() < 4 || !p.chars().all(|ch| ch.is_ascii_hexdigit()) {
        return Err(Error::invalid(
            "incident id",
            "use the id shown by `list` (at least 4 characters)",
        ));
    }
    let mut stmt =
        c.prepare("SELECT id FROM incidents WHERE id >= ?1 AND id < ?1 || 'g' LIMIT 2")?;
    let ids: Vec<String> = stmt
        .query_map([&p], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    match ids.len() {
        0 => Err(Error::not_found("no incident with that id")),
        1 => Ok(ids.into_iter().next().unwrap_or_default()),
        _ => Err(Error::invalid(
            "incident id",
            "matches more than one incident; give more characters",
        )),
    }
}

/// Rebuilds the current incidents from the log entries alone.
fn replay(
    all: &[StoredEntry],
    bodies: Vec<Option<EntryBody>>,
) -> Result<BTreeMap<String, Incident>> {
    let mut out: BTreeMap<String, Incident> = BTreeMap::new();
    for (e, body) in all.iter().zip(bodies) {
        let Some(body) = body else { continue };
        let Some(id) = body.subject.clone() else {
            continue;
        };
        let bad = || Error::integrity(format!("log entry #{} is unreadable", e.seq));
        match e.entry_type.as_str() {
            ENTRY_CREATE => {
                let details: NewIncident =
                    serde_json::from_value(body.payload).map_err(|_| bad())?;
                out.insert(
                    id.clone(),
                    Incident {
                        id,
                        recorded_at: e.recorded_at,
                        amended_at: None,
                        details,
                    },
                );
            }
            ENTRY_AMEND => {
                let p: AmendPayload = serde_json::from_value(body.payload).map_err(|_| bad())?;
                if let Some(i) = out.get_mut(&id) {
                    p.changes.apply(&mut i.details);
                    i.amended_at = Some(e.recorded_at);
                }
            }
            ENTRY_REDACT => {
                out.remove(&id);
            }
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
