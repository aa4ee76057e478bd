//! The evidence store: items encrypted into the vault's blob folder, described by rows in the
//! encrypted database, and tied to the tamper-evident log.
//!
//! - Each item has its own random key, kept only wrapped (ChaCha20-Poly1305 under the vault
//!   subkey "evidence-wrap", associated data = the item id) in the database.
//! - Bytes stream in through an [`EvidenceWriter`] into a randomly named `.incoming-*` file that
//!   holds an advisory lock while it is written. Only after the file is complete and synced does
//!   one transaction store the row, append the log entry carrying the SHA-256, and rename the
//!   file to the item's id. A crash before the commit leaves at most an unreadable file (its key
//!   was only ever in memory) that [`EvidenceStore::sweep_leftovers`] removes later.
//! - Deleting is crypto-shredding: the row holding the wrapped key goes first (committed, WAL
//!   checkpointed, SQLCipher `secure_delete` on), then the file; the log keeps only hashes.

use super::sink::{ParallelSealer, PumpError};
use super::sniff::{sniff, MediaType, SNIFF_LEN};
use super::stream::{StreamDecryptor, StreamError, StreamSummary, FORMAT_VERSION, KEY_LEN};
use super::strip::{strip_metadata, StripError, StripReport};
use crate::error::{Error, Result};
use crate::log::{merkle, IncidentLog};
use crate::progress::{Progress, ProgressWriter, Stage};
use crate::vault::Vault;
use chrono::{DateTime, SecondsFormat, Utc};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub(crate) const MIGRATIONS: &[&str] = &["
CREATE TABLE evidence_items (
    id TEXT PRIMARY KEY,
    format_version INTEGER NOT NULL,
    wrapped_key BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    capture_method TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    location TEXT,
    original_name TEXT,
    derived_from TEXT,
    derivation TEXT,
    log_seq INTEGER NOT NULL
);
CREATE TABLE evidence_links (
    evidence_id TEXT NOT NULL REFERENCES evidence_items (id) ON DELETE CASCADE,
    incident_id TEXT NOT NULL,
    attached_at TEXT NOT NULL,
    log_seq INTEGER NOT NULL,
    PRIMARY KEY (evidence_id, incident_id)
);
CREATE INDEX evidence_links_by_incident ON evidence_links (incident_id);
"];

pub const ENTRY_ADD: &str = "evidence.add";
pub const ENTRY_DERIVE: &str = "evidence.derive";
pub const ENTRY_ATTACH: &str = "evidence.attach";
pub const ENTRY_REDACT: &str = "evidence.redact";
/// The derivation recorded for sharing copies.
pub const STRIP_METADATA: &str = "strip-metadata";

const WRAP_LABEL: &str = "evidence-wrap";
pub(super) const OWNER_LABEL: &str = "evidence-owner";
const INCOMING_PREFIX: &str = ".incoming-";
const MAX_NAME_CHARS: usize = 255;

/// How the item came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaptureMethod {
    /// Taken with the in-app camera.
    Camera,
    /// An existing original brought in from elsewhere.
    Import,
    Screenshot,
    /// An audio recording (in-app or a voicemail).
    Audio,
    /// A letter, note or other document.
    Document,
}

impl CaptureMethod {
    pub const ALL: [CaptureMethod; 5] = [
        CaptureMethod::Camera,
        CaptureMethod::Import,
        CaptureMethod::Screenshot,
        CaptureMethod::Audio,
        CaptureMethod::Document,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureMethod::Camera => "camera",
            CaptureMethod::Import => "import",
            CaptureMethod::Screenshot => "screenshot",
            CaptureMethod::Audio => "audio",
            CaptureMethod::Document => "document",
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim().to_lowercase())
            .ok_or_else(|| {
                Error::invalid(
                    "capture method",
                    "use camera, import, screenshot, audio or document",
                )
            })
    }
}

/// Where the item was captured, if the person chose to record it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
}

impl Location {
    fn validate(&self) -> Result<()> {
        let ok = self.lat.is_finite()
            && self.lon.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon)
            && self.accuracy_m.is_none_or(|a| a.is_finite() && a >= 0.0);
        if ok {
            Ok(())
        } else {
            Err(Error::invalid("location", "is not a valid position"))
        }
    }
}

/// What the caller says about an item it is about to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvidence {
    pub how: CaptureMethod,
    pub original_name: Option<String>,
    pub location: Option<Location>,
}

impl NewEvidence {
    pub fn new(how: CaptureMethod) -> Self {
        NewEvidence {
            how,
            original_name: None,
            location: None,
        }
    }
    fn validate(&self) -> Result<()> {
        if let Some(n) = &self.original_name {
            if n.chars().count() > MAX_NAME_CHARS || n.chars().any(char::is_control) {
                return Err(Error::invalid(
                    "file name",
                    "is too long or contains control characters",
                ));
            }
        }
        if let Some(l) = &self.location {
            l.validate()?;
        }
        Ok(())
    }
}

/// "Derived from sha256 X by strip-metadata, giving sha256 Y."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Derivation {
    pub from_id: String,
    pub from_sha256: String,
    pub method: String,
}

/// One stored item, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    pub id: String,
    /// Hex SHA-256 of the original bytes.
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub how: CaptureMethod,
    pub captured_at: DateTime<Utc>,
    pub location: Option<Location>,
    pub original_name: Option<String>,
    pub derived_from: Option<Derivation>,
    /// Incidents it is attached to.
    pub incidents: Vec<String>,
    /// The log entry that recorded it.
    pub log_seq: u64,
}

impl EvidenceItem {
    pub fn media(&self) -> MediaType {
        MediaType::from_mime(&self.media_type)
    }
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(8)]
    }
}

/// A problem found by [`EvidenceStore::verify_all`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemProblem {
    pub id: String,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceVerifyReport {
    pub checked: u64,
    pub problems: Vec<ItemProblem>,
}

/// The result of making a sharing copy.
#[derive(Debug, Clone, PartialEq)]
pub struct SharingCopy {
    pub item: EvidenceItem,
    pub report: StripReport,
}

#[derive(Serialize, Deserialize)]
struct AddPayload {
    id: String,
    format: u8,
    sha256: String,
    size: u64,
    media_type: String,
    how: CaptureMethod,
    captured_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    original_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    derived_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    method: Option<String>,
}

#[derive(Serialize)]
struct AttachPayload<'a> {
    evidence_id: &'a str,
    incident_id: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct RedactPayload<'a> {
    id: &'a str,
    reason: &'a str,
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Error::integrity("a stored evidence time is unreadable"))
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>> {
    let mut b = Zeroizing::new([0u8; N]);
    SystemRandom::new()
        .fill(b.as_mut())
        .map_err(|_| Error::storage("the system random generator failed"))?;
    Ok(b)
}

fn wrap_aad(id: &str) -> Vec<u8> {
    let mut aad = b"waymark evidence key v1\0".to_vec();
    aad.extend_from_slice(id.as_bytes());
    aad
}

fn wrap_cipher(wrap_key: &[u8; 32]) -> Result<LessSafeKey> {
    UnboundKey::new(&CHACHA20_POLY1305, wrap_key)
        .map(LessSafeKey::new)
        .map_err(|_| Error::storage("could not set up encryption"))
}

/// nonce || sealed item key || tag
fn wrap_item_key(wrap_key: &[u8; 32], id: &str, item_key: &[u8; KEY_LEN]) -> Result<Vec<u8>> {
    let nonce = random::<NONCE_LEN>()?;
    let mut sealed = item_key.to_vec();
    wrap_cipher(wrap_key)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(*nonce),
            Aad::from(wrap_aad(id)),
            &mut sealed,
        )
        .map_err(|_| Error::storage("could not protect the item key"))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn unwrap_item_key(
    wrap_key: &[u8; 32],
    id: &str,
    wrapped: &[u8],
) -> Result<Zeroizing<[u8; KEY_LEN]>> {
    let damaged = || Error::integrity(format!("evidence {}: its key is damaged", short(id)));
    if wrapped.len() != NONCE_LEN + KEY_LEN + 16 {
        return Err(damaged());
    }
    let (nonce, sealed) = wrapped.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| damaged())?;
    let mut buf = Zeroizing::new(sealed.to_vec());
    let opened = wrap_cipher(wrap_key)?
        .open_in_place(nonce, Aad::from(wrap_aad(id)), &mut buf)
        .map_err(|_| damaged())?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(opened);
    Ok(key)
}

/// An item's id, which is also its file's name in the folder both stores share: 8 random bytes
/// then 8 bytes of a MAC of them under this store's key. A store can so tell its own files from
/// the other store's (which its sweep must never remove); without the key the name is random.
pub(super) fn new_id(owner_key: &[u8; 32]) -> Result<String> {
    let r = random::<8>()?;
    let mut id = r.to_vec();
    id.extend_from_slice(&owner_tag(owner_key, r.as_ref()));
    Ok(hex::encode(id))
}

fn owner_tag(owner_key: &[u8; 32], r: &[u8]) -> [u8; 8] {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, owner_key);
    let mut tag = [0u8; 8];
    tag.copy_from_slice(&ring::hmac::sign(&key, r).as_ref()[..8]);
    tag
}

/// Whether a file name is an id this store made. Ids made before the stores shared a folder
/// carry no tag and are never taken for this store's (so never swept).
fn is_own(owner_key: &[u8; 32], name: &str) -> bool {
    let Ok(bytes) = hex::decode(name) else {
        return false;
    };
    // Names are on disk for anyone to read: comparing them need not be constant-time.
    bytes.len() == 16 && owner_tag(owner_key, &bytes[..8])[..] == bytes[8..]
}

/// Evidence files live in their own folder inside the open database's blob folder, so the sweep
/// never touches other modules' files.
fn evidence_dir(vault: &Vault) -> Result<PathBuf> {
    Ok(vault.blob_dir()?.join("evidence"))
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    // Makes a rename or removal durable (directories can be opened and synced on Unix).
    File::open(dir)?.sync_all()
}

const ITEM_COLUMNS: &str = "id, sha256, size, media_type, capture_method, captured_at, location, \
                            original_name, derived_from, derivation, log_seq";

/// A row as stored; [`RawItem::into_item`] checks the parts that can be damaged.
struct RawItem {
    item: EvidenceItem,
    how: String,
    captured_at: String,
    location: Option<String>,
    derivation: Option<String>,
}

fn item_from_row(r: &Row) -> rusqlite::Result<RawItem> {
    Ok(RawItem {
        item: EvidenceItem {
            id: r.get(0)?,
            sha256: r.get(1)?,
            size: r.get::<_, i64>(2)? as u64,
            media_type: r.get(3)?,
            how: CaptureMethod::Import,
            captured_at: DateTime::<Utc>::default(),
            location: None,
            original_name: r.get(7)?,
            derived_from: None,
            incidents: Vec::new(),
            log_seq: r.get::<_, i64>(10)? as u64,
        },
        how: r.get(4)?,
        captured_at: r.get(5)?,
        location: r.get(6)?,
        derivation: r.get(9)?,
    })
}

impl RawItem {
    fn into_item(self, c: &Connection) -> Result<EvidenceItem> {
        let mut item = self.item;
        let bad = || {
            Error::integrity(format!(
                "evidence {}: its record is unreadable",
                short(&item.id)
            ))
        };
        item.how = CaptureMethod::parse(&self.how).map_err(|_| bad())?;
        item.captured_at = parse_time(&self.captured_at).map_err(|_| bad())?;
        item.location = self
            .location
            .map(|l| serde_json::from_str(&l))
            .transpose()
            .map_err(|_| bad())?;
        item.derived_from = self
            .derivation
            .map(|d| serde_json::from_str(&d))
            .transpose()
            .map_err(|_| bad())?;
        let mut stmt = c.prepare(
            "SELECT incident_id FROM evidence_links WHERE evidence_id = ?1 ORDER BY attached_at",
        )?;
        item.incidents = stmt
            .query_map([&item.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(item)
    }
}

fn load_item(c: &Connection, id: &str) -> Result<EvidenceItem> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM evidence_items WHERE id = ?1");
    c.query_row(&sql, [id], item_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("no evidence item with that id"))?
        .into_item(c)
}

/// Accepts a full id or a unique prefix of at least 4 hex characters (the CLI shows 8).
fn resolve(c: &Connection, prefix: &str) -> Result<String> {
    let p = prefix.trim().to_lowercase();
    if p.len() < 4 || !p.chars().all(|ch| ch.is_ascii_hexdigit()) {
        return Err(Error::invalid(
            "evidence id",
            "use the id shown by `evidence list` (at least 4 characters)",
        ));
    }
    let mut stmt =
        c.prepare("SELECT id FROM evidence_items WHERE id >= ?1 AND id < ?1 || 'g' LIMIT 2")?;
    let ids: Vec<String> = stmt
        .query_map([&p], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match <[String; 1]>::try_from(ids) {
        Ok([id]) => Ok(id),
        Err(ids) if ids.is_empty() => Err(Error::not_found("no evidence item with that id")),
        Err(_) => Err(Error::invalid(
            "evidence id",
            "matches more than one item; give more characters",
        )),
    }
}

/// Evidence of an unlocked vault. Cheap to create; borrows the vault.
pub struct EvidenceStore<'v> {
    vault: &'v Vault,
}

/// The largest file `add_file` keeps unless told otherwise (4 GiB: an hour of phone video).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 4 << 30;

/// "4.0 GB", "512 MB", "900 bytes": sizes as a person reads them (powers of 1024).
pub fn human_size(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")];
    for (unit, name) in UNITS {
        if n >= unit {
            return format!("{:.1} {name}", n as f64 / unit as f64);
        }
    }
    format!("{n} bytes")
}

impl<'v> EvidenceStore<'v> {
    pub fn new(vault: &'v Vault) -> Self {
        EvidenceStore { vault }
    }

    /// Starts a new item whose bytes arrive piece by piece (camera, microphone). The capture time
    /// is taken now from the vault's clock.
    pub fn begin(&self, new: NewEvidence) -> Result<EvidenceWriter<'v>> {
        new.validate()?;
        let dir = evidence_dir(self.vault)?;
        std::fs::create_dir_all(&dir)?;
        self.sweep_leftovers()?;
        let id = new_id(&*self.vault.subkey(OWNER_LABEL)?)?;
        let key = random::<KEY_LEN>()?;
        let (temp_path, file) = create_locked_temp(&dir)?;
        let enc = ParallelSealer::new(&key, &id, file)?;
        Ok(EvidenceWriter {
            vault: self.vault,
            enc: Some(enc),
            id,
            key,
            temp_path,
            head: Zeroizing::new(Vec::with_capacity(SNIFF_LEN)),
            new,
            captured_at: self.vault.now(),
            committed: false,
        })
    }

    /// Adds everything `input` yields as one item.
    pub fn add_reader(&self, input: &mut impl Read, new: NewEvidence) -> Result<EvidenceItem> {
        let mut w = self.begin(new)?;
        pump(&mut w, input)?;
        w.finish()
    }

    /// Adds a file from disk; its name is kept (encrypted) unless `new` already names it. Files
    /// larger than `DEFAULT_MAX_FILE_BYTES` are refused; see `add_file_limited`.
    pub fn add_file(&self, path: &Path, new: NewEvidence) -> Result<EvidenceItem> {
        self.add_file_inner(path, new, DEFAULT_MAX_FILE_BYTES, Progress::NONE)
    }

    /// As `add_file`, refusing a file larger than `max_bytes` before anything is written.
    pub fn add_file_limited(
        &self,
        path: &Path,
        new: NewEvidence,
        max_bytes: u64,
    ) -> Result<EvidenceItem> {
        self.add_file_inner(path, new, max_bytes, Progress::NONE)
    }

    /// As `add_file`, reporting progress by bytes read; cancelled, the capture is thrown away
    /// (nothing of it stays on disk or in the log) and it returns `Cancelled`.
    pub fn add_file_with_progress(
        &self,
        path: &Path,
        new: NewEvidence,
        progress: Progress,
    ) -> Result<EvidenceItem> {
        self.add_file_inner(path, new, DEFAULT_MAX_FILE_BYTES, progress)
    }

    /// Only plain files: a device (/dev/zero), a pipe or a socket has no end anyone can see, so
    /// it could fill the disk; and nothing over `max_bytes`.
    fn add_file_inner(
        &self,
        path: &Path,
        mut new: NewEvidence,
        max_bytes: u64,
        progress: Progress,
    ) -> Result<EvidenceItem> {
        progress.check()?;
        // Looked at before it is opened: opening a pipe waits for a writer, possibly for ever.
        let before = std::fs::metadata(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => {
                Error::not_found("that file (it may have been moved or deleted)")
            }
            io::ErrorKind::PermissionDenied => {
                Error::invalid("file", "Waymark is not allowed to read it")
            }
            _ => Error::from(e),
        })?;
        if before.is_dir() {
            return Err(Error::invalid("file", "is a folder, not a file"));
        }
        if !before.is_file() {
            return Err(Error::invalid(
                "file",
                "is not a plain file (a device, a pipe or a socket), so it cannot be kept",
            ));
        }
        let file = File::open(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => {
                Error::not_found("that file (it may have been moved or deleted)")
            }
            io::ErrorKind::PermissionDenied => {
                Error::invalid("file", "Waymark is not allowed to read it")
            }
            _ => Error::from(e),
        })?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(Error::invalid("file", "is a folder, not a file"));
        }
        if !meta.is_file() {
            return Err(Error::invalid(
                "file",
                "is not a plain file (a device, a pipe or a socket), so it cannot be kept",
            ));
        }
        if meta.len() == 0 {
            return Err(Error::invalid(
                "file",
                "is empty, so there is nothing to keep",
            ));
        }
        if meta.len() > max_bytes {
            return Err(Error::invalid(
                "file",
                format!(
                    "is {} but the limit for one item is {}; nothing was kept (the limit can be raised)",
                    human_size(meta.len()),
                    human_size(max_bytes)
                ),
            ));
        }
        if new.original_name.is_none() {
            new.original_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        }
        let mut w = self.begin(new)?;
        // One byte more than its size: a file that keeps growing is not read to the end.
        let mut file = file.take(meta.len() + 1);
        let storing = progress.span(Stage::StoringEvidence, 0.0, 0.95);
        let total = meta.len();
        let mut last = 0u64;
        while w.write_from(&mut file)? > 0 {
            // write_from reads in pieces of about a chunk; report every 256 KiB or so.
            if w.size() - last >= 256 * 1024 {
                last = w.size();
                if let Err(e) = storing.report(w.size() as f64 / total.max(1) as f64) {
                    w.abort()?;
                    return Err(e);
                }
            }
        }
        // A regular file that shrank or grew while being read was being changed or removed.
        if w.size() != meta.len() {
            w.abort()?;
            return Err(Error::storage(
                "the file changed or disappeared while it was being read; nothing was kept",
            ));
        }
        // Last chance to stop: once finished, the item is in the vault and the log.
        if progress.is_cancelled() {
            w.abort()?;
            return Err(Error::Cancelled);
        }
        let item = w.finish()?;
        progress.report(Stage::StoringEvidence, 1.0).ok();
        Ok(item)
    }

    /// Attaches an item to an incident (both may be given by unique prefix).
    pub fn attach(&self, evidence_id: &str, incident_id: &str) -> Result<EvidenceItem> {
        let incident = IncidentLog::new(self.vault).get(incident_id)?.incident.id;
        self.vault.write(|tx| {
            let c = tx.conn();
            let id = resolve(c, evidence_id)?;
            let item = load_item(c, &id)?;
            if item.incidents.contains(&incident) {
                return Err(Error::invalid("evidence", "is already attached to that incident"));
            }
            let seq = tx.append_entry(
                ENTRY_ATTACH,
                Some(&id),
                &AttachPayload { evidence_id: &id, incident_id: &incident, sha256: &item.sha256 },
            )?;
            c.execute(
                "INSERT INTO evidence_links (evidence_id, incident_id, attached_at, log_seq) VALUES (?1, ?2, ?3, ?4)",
                params![id, incident, time_text(tx.now()), seq as i64],
            )?;
            tracing::info!(seq, "evidence attached");
            load_item(c, &id)
        })
    }

    /// Every item, newest capture first.
    pub fn list(&self) -> Result<Vec<EvidenceItem>> {
        self.vault.read(|c| {
            let sql =
                format!("SELECT {ITEM_COLUMNS} FROM evidence_items ORDER BY captured_at DESC, id");
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt
                .query_map([], item_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(|raw| raw.into_item(c)).collect()
        })
    }

    pub fn get(&self, id: &str) -> Result<EvidenceItem> {
        self.vault.read(|c| load_item(c, &resolve(c, id)?))
    }

    /// Items attached to an incident (full incident id).
    pub fn for_incident(&self, incident_id: &str) -> Result<Vec<EvidenceItem>> {
        Ok(self
            .list()?
            .into_iter()
            .filter(|i| i.incidents.iter().any(|x| x == incident_id))
            .collect())
    }

    /// Streams the original into `out`, authenticating every chunk and checking the SHA-256
    /// recorded at capture. Bytes already written are untrustworthy if this returns an error.
    pub fn extract_to(&self, id: &str, out: &mut impl Write) -> Result<EvidenceItem> {
        let (item, key, path) = self.open_item(id)?;
        let file = open_blob(&path, &item)?;
        let summary = StreamDecryptor::new(
            &key,
            &item.id,
            io::BufReader::with_capacity(128 * 1024, file),
        )
        .decrypt_to(out)
        .map_err(|e| stream_error(&item, e))?;
        check_summary(&item, &summary)?;
        Ok(item)
    }

    /// Writes the original to a new file at `out`. The file appears only once it is complete and
    /// checked; an existing file is never overwritten.
    pub fn extract_to_path(&self, id: &str, out: &Path) -> Result<EvidenceItem> {
        self.extract_to_path_with_progress(id, out, Progress::NONE)
    }

    /// As `extract_to_path`, reporting progress by bytes written; cancelled, the partial file
    /// is removed and it returns `Cancelled`.
    pub fn extract_to_path_with_progress(
        &self,
        id: &str,
        out: &Path,
        progress: Progress,
    ) -> Result<EvidenceItem> {
        let item = self.get(id)?;
        progress.report(Stage::ExtractingEvidence, 0.0)?;
        let span = progress.span(Stage::ExtractingEvidence, 0.0, 1.0);
        let extracted = write_new_file(out, |f| {
            let mut w = ProgressWriter::new(f, span, 0, item.size);
            let item = self.extract_to(&item.id, &mut w)?;
            progress.check()?;
            Ok(item)
        })
        .map_err(|e| progress.or_cancelled(e))?;
        progress.report(Stage::ExtractingEvidence, 1.0).ok();
        Ok(extracted)
    }

    /// Checks one item: its key opens, every chunk authenticates, the stream ends where it
    /// should, and the SHA-256 and size match both its record and its log entry.
    pub fn verify(&self, id: &str) -> Result<EvidenceItem> {
        let entries = IncidentLog::new(self.vault).entries()?;
        let item = self.get(id)?;
        self.verify_item(&item, &entries)?;
        Ok(item)
    }

    /// Checks every item and the log that records them; lists every problem, naming the item.
    pub fn verify_all(&self) -> Result<EvidenceVerifyReport> {
        // Tidying is not checking: on a full or read-only disk the check still runs.
        let _ = self.sweep_leftovers();
        let log = IncidentLog::new(self.vault);
        let mut problems = Vec::new();
        if let Err(e) = log.verify() {
            problems.push(ItemProblem {
                id: "log".into(),
                problem: e.to_string(),
            });
        }
        let entries = log.entries()?;
        let items = self.list()?;
        for item in &items {
            match self.verify_item(item, &entries) {
                Ok(()) => {}
                Err(Error::Integrity { what }) => problems.push(ItemProblem {
                    id: item.id.clone(),
                    problem: what,
                }),
                Err(e) => return Err(e),
            }
        }
        Ok(EvidenceVerifyReport {
            checked: items.len() as u64,
            problems,
        })
    }

    /// Makes a sharing copy without location, serial numbers, thumbnails and the like, writes
    /// it to `out` (a new file) and keeps it as an item derived from the original.
    pub fn share_copy(&self, id: &str, out: &Path) -> Result<SharingCopy> {
        let (original, key, path) = self.open_item(id)?;
        let media = original.media();
        if !matches!(media, MediaType::Jpeg | MediaType::Png) {
            return Err(Error::invalid(
                "sharing copy",
                format!(
                    "can only be made of JPEG or PNG pictures, and this item is a {}",
                    media.describe()
                ),
            ));
        }
        let file = open_blob(&path, &original)?;
        let mut dec = StreamDecryptor::new(
            &key,
            &original.id,
            io::BufReader::with_capacity(128 * 1024, file),
        );
        let new = NewEvidence {
            how: original.how,
            original_name: original
                .original_name
                .as_ref()
                .map(|n| format!("sharing copy of {n}")),
            location: None,
        };
        let mut derived = self.begin(new)?;
        let outcome = write_new_file(out, |f| {
            let mut tee = Tee {
                item: &mut derived,
                file: f,
            };
            match strip_metadata(media, &mut dec, &mut tee) {
                Ok(report) => Ok(report),
                Err(StripError::Read(_)) if dec.tampered_at().is_some() => Err(Error::integrity(format!(
                    "evidence {}: its file was changed, cut short, reordered or swapped with another",
                    original.short_id()
                ))),
                Err(StripError::Read(_)) => Err(Error::storage("the original could not be read")),
                Err(StripError::Write(e)) => Err(Error::from(e)),
                Err(e @ (StripError::Malformed(_) | StripError::Unsupported(_))) => {
                    Err(Error::invalid("sharing copy", e.to_string()))
                }
            }
            .and_then(|report| {
                // The stripper stops at the image's end; the rest must still authenticate.
                io::copy(&mut dec, &mut io::sink()).map_err(|_| {
                    Error::integrity(format!("evidence {}: its file was changed or cut short", original.short_id()))
                })?;
                let summary = dec.summary().ok_or_else(|| {
                    Error::integrity(format!("evidence {}: its file was changed or cut short", original.short_id()))
                })?;
                check_summary(&original, &summary)?;
                Ok(report)
            })
        });
        let report = match outcome {
            Ok(r) => r,
            Err(e) => {
                let _ = derived.abort();
                return Err(e);
            }
        };
        let derivation = Derivation {
            from_id: original.id.clone(),
            from_sha256: original.sha256.clone(),
            method: STRIP_METADATA.to_string(),
        };
        let item = match derived.finish_derived(Some(derivation)) {
            Ok(item) => item,
            Err(e) => {
                let _ = std::fs::remove_file(out);
                return Err(e);
            }
        };
        Ok(SharingCopy { item, report })
    }

    /// Crypto-shreds an item: the wrapped key is removed from the database (committed, and the
    /// write-ahead log emptied), then the file; every log entry about it keeps only its hash,
    /// and a redact entry records that it was deleted.
    pub fn delete(&self, id: &str) -> Result<()> {
        let dir = evidence_dir(self.vault)?;
        let id = self.vault.write(|tx| {
            let c = tx.conn();
            let id = resolve(c, id)?;
            tx.redact_subject(&id)?;
            c.execute("DELETE FROM evidence_links WHERE evidence_id = ?1", [&id])?;
            c.execute("DELETE FROM evidence_items WHERE id = ?1", [&id])?;
            let seq = tx.append_entry(
                ENTRY_REDACT,
                Some(&id),
                &RedactPayload {
                    id: &id,
                    reason: "deleted; its key was destroyed",
                },
            )?;
            tracing::info!(seq, "evidence deleted");
            Ok(id)
        })?;
        self.vault.checkpoint()?;
        match std::fs::remove_file(dir.join(&id)) {
            Ok(()) => sync_dir(&dir)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// Removes what interrupted work left in the blob folder: `.incoming-*` files nobody is
    /// writing (their keys died with the process) and this store's files no item refers to (a
    /// crash between rename and commit). The other store's files share the folder and are left
    /// alone. Runs inside a write transaction, which serialises it with commits.
    pub fn sweep_leftovers(&self) -> Result<usize> {
        let dir = evidence_dir(self.vault)?;
        self.vault.write(|tx| {
            let mut removed = 0;
            let entries = match std::fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
                Err(e) => return Err(e.into()),
            };
            for entry in entries {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let stale = if name.starts_with(INCOMING_PREFIX) {
                    // Locked means another writer is still busy with it.
                    File::open(entry.path())
                        .map(|f| f.try_lock().is_ok())
                        .unwrap_or(false)
                } else if is_own(&*tx.subkey(OWNER_LABEL), &name) {
                    tx.conn()
                        .query_row(
                            "SELECT 1 FROM evidence_items WHERE id = ?1",
                            [&name],
                            |_| Ok(()),
                        )
                        .optional()?
                        .is_none()
                } else {
                    false
                };
                if stale && std::fs::remove_file(entry.path()).is_ok() {
                    removed += 1;
                }
            }
            if removed > 0 {
                tracing::info!(removed, "leftover evidence files removed");
            }
            Ok(removed)
        })
    }

    fn open_item(&self, id: &str) -> Result<(EvidenceItem, Zeroizing<[u8; KEY_LEN]>, PathBuf)> {
        let dir = evidence_dir(self.vault)?;
        let wrap_key = self.vault.subkey(WRAP_LABEL)?;
        self.vault.read(|c| {
            let id = resolve(c, id)?;
            let item = load_item(c, &id)?;
            let wrapped: Vec<u8> = c.query_row(
                "SELECT wrapped_key FROM evidence_items WHERE id = ?1",
                [&id],
                |r| r.get(0),
            )?;
            let key = unwrap_item_key(&wrap_key, &id, &wrapped)?;
            Ok((item, key, dir.join(&id)))
        })
    }

    fn verify_item(&self, item: &EvidenceItem, entries: &[crate::log::StoredEntry]) -> Result<()> {
        let what = |p: &str| Error::integrity(format!("evidence {}: {p}", item.short_id()));
        let entry = entries
            .iter()
            .find(|e| e.seq == item.log_seq)
            .ok_or_else(|| what("its entry in the log is missing"))?;
        let body = entry
            .body
            .as_ref()
            .ok_or_else(|| what("its entry in the log was removed"))?;
        if entry.subject.as_deref() != Some(item.id.as_str())
            || merkle::leaf_hash(body) != entry.leaf_hash
        {
            return Err(what("its entry in the log was changed"));
        }
        let payload: AddPayload = entry
            .parsed()?
            .and_then(|b| serde_json::from_value(b.payload).ok())
            .ok_or_else(|| what("its entry in the log is unreadable"))?;
        if payload.id != item.id || payload.sha256 != item.sha256 || payload.size != item.size {
            return Err(what("its record does not match the fingerprint in the log"));
        }
        self.extract_to(&item.id, &mut io::sink())?;
        Ok(())
    }
}

/// Creates a new `.incoming-*` file and locks it, which tells `sweep_leftovers` (in this or
/// another process) that it is still being written. A sweep could remove the file in the instant
/// between creating and locking it, so the name is checked to still be this file afterwards.
fn create_locked_temp(dir: &Path) -> Result<(PathBuf, File)> {
    for _ in 0..3 {
        let path = dir.join(format!(
            "{INCOMING_PREFIX}{}",
            hex::encode(*random::<12>()?)
        ));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let file = opts.open(&path)?;
        file.lock()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let same =
                std::fs::metadata(&path).map(|m| m.ino()).ok() == Some(file.metadata()?.ino());
            if !same {
                continue;
            }
        }
        return Ok((path, file));
    }
    Err(Error::storage("could not create a file for the new item"))
}

/// Feeds `input` into a capture. On a read error the capture is dropped (and so removed).
fn pump(w: &mut EvidenceWriter, input: &mut impl Read) -> Result<()> {
    while w.write_from(input)? > 0 {}
    Ok(())
}

fn open_blob(path: &Path, item: &EvidenceItem) -> Result<File> {
    File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => {
            Error::integrity(format!("evidence {}: its file is missing", item.short_id()))
        }
        _ => Error::from(e),
    })
}

fn stream_error(item: &EvidenceItem, e: StreamError) -> Error {
    match e {
        StreamError::Tampered { chunk } => Error::integrity(format!(
            "evidence {}: its file was changed, cut short, reordered or swapped with another \
             (damage found near byte {})",
            item.short_id(),
            chunk.saturating_mul(super::stream::CHUNK_SIZE as u64)
        )),
        StreamError::Read(e) | StreamError::Write(e) => Error::from(e),
    }
}

fn check_summary(item: &EvidenceItem, s: &StreamSummary) -> Result<()> {
    if hex::encode(s.sha256) != item.sha256 || s.size != item.size {
        return Err(Error::integrity(format!(
            "evidence {}: its contents do not match the fingerprint recorded when it was added",
            item.short_id()
        )));
    }
    Ok(())
}

/// Creates `out` only when `fill` succeeds: writes to a hidden temporary file beside it, syncs,
/// then renames. Refuses to replace an existing file.
pub(crate) fn write_new_file<T>(
    out: &Path,
    fill: impl FnOnce(&mut io::BufWriter<&File>) -> Result<T>,
) -> Result<T> {
    if out.exists() {
        return Err(Error::invalid(
            "output",
            "a file with that name already exists; choose another name",
        ));
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = dir.join(format!(".waymark-{}.part", hex::encode(*random::<8>()?)));
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let file = opts.open(&temp)?;
    let result = (|| {
        let mut w = io::BufWriter::with_capacity(128 * 1024, &file);
        let value = fill(&mut w)?;
        w.flush()?;
        drop(w);
        file.sync_all()?;
        if out.exists() {
            return Err(Error::invalid(
                "output",
                "a file with that name appeared meanwhile; nothing was replaced",
            ));
        }
        std::fs::rename(&temp, out)?;
        let _ = sync_dir(&dir);
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Sends the sharing copy both into the vault (as a derived item) and to the output file.
struct Tee<'a, 'v, F: Write> {
    item: &'a mut EvidenceWriter<'v>,
    file: &'a mut F,
}

impl<F: Write> Write for Tee<'_, '_, F> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.item
            .write_chunk(buf)
            .map_err(|e| io::Error::other(e.to_string()))?;
        self.file.write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// An item being captured. Bytes are encrypted as they arrive; nothing is visible until
/// [`EvidenceWriter::finish`]. Dropping it without finishing is the same as [`EvidenceWriter::abort`].
pub struct EvidenceWriter<'v> {
    vault: &'v Vault,
    id: String,
    key: Zeroizing<[u8; KEY_LEN]>,
    enc: Option<ParallelSealer>,
    temp_path: PathBuf,
    /// The first bytes, to recognise the media type.
    head: Zeroizing<Vec<u8>>,
    new: NewEvidence,
    captured_at: DateTime<Utc>,
    /// Set once the item is committed; until then dropping removes the temporary file.
    committed: bool,
}

impl EvidenceWriter<'_> {
    /// The id the item will have.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Bytes accepted so far.
    pub fn size(&self) -> u64 {
        self.enc.as_ref().map_or(0, |e| e.size())
    }

    pub fn write_chunk(&mut self, bytes: &[u8]) -> Result<()> {
        let enc = self
            .enc
            .as_mut()
            .ok_or_else(|| Error::invalid("evidence", "this capture already ended"))?;
        if self.head.len() < SNIFF_LEN {
            let take = (SNIFF_LEN - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
        }
        if let Err(e) = enc.push(bytes) {
            self.discard();
            return Err(e.into());
        }
        Ok(())
    }

    /// Reads the next piece straight from `input` (no extra copy); 0 means `input` ended.
    pub fn write_from(&mut self, input: &mut impl Read) -> Result<usize> {
        let enc = self
            .enc
            .as_mut()
            .ok_or_else(|| Error::invalid("evidence", "this capture already ended"))?;
        let head = &mut self.head;
        let read = enc.read_from(input, |new| {
            let take = SNIFF_LEN.saturating_sub(head.len()).min(new.len());
            head.extend_from_slice(&new[..take]);
        });
        match read {
            Ok(n) => Ok(n),
            Err(e) => {
                self.discard();
                Err(match e {
                    PumpError::Input => {
                        Error::storage("the file could not be read to the end; nothing was kept")
                    }
                    PumpError::Output(e) => Error::from(e),
                })
            }
        }
    }

    /// Seals the item and records it: one transaction stores the row and the log entry and
    /// renames the finished file into place.
    pub fn finish(self) -> Result<EvidenceItem> {
        self.finish_derived(None)
    }

    /// Throws the capture away; nothing of it remains.
    pub fn abort(mut self) -> Result<()> {
        self.discard();
        Ok(())
    }

    fn discard(&mut self) {
        self.enc = None; // closes the file and releases its lock
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp_path);
        }
    }

    fn finish_derived(mut self, derived_from: Option<Derivation>) -> Result<EvidenceItem> {
        let enc = self
            .enc
            .take()
            .ok_or_else(|| Error::invalid("evidence", "this capture already ended"))?;
        let sealed = enc.finish().and_then(|(file, summary)| {
            file.sync_all()?;
            Ok((file, summary))
        });
        // On any early return the temporary file is removed by `Drop` (not yet committed).
        let (file, summary) = sealed?;
        if summary.size == 0 {
            return Err(Error::invalid(
                "evidence",
                "is empty, so there is nothing to keep",
            ));
        }
        let media = sniff(&self.head);
        let dir = evidence_dir(self.vault)?;
        let final_path = dir.join(&self.id);
        let item = EvidenceItem {
            id: self.id.clone(),
            sha256: hex::encode(summary.sha256),
            size: summary.size,
            media_type: media.mime().to_string(),
            how: self.new.how,
            captured_at: self.captured_at,
            location: self.new.location,
            original_name: self.new.original_name.clone(),
            derived_from,
            incidents: Vec::new(),
            log_seq: 0,
        };
        let mut renamed = false;
        let result = self.vault.write(|tx| {
            let wrapped = wrap_item_key(&tx.subkey(WRAP_LABEL), &item.id, &self.key)?;
            let payload = AddPayload {
                id: item.id.clone(),
                format: FORMAT_VERSION,
                sha256: item.sha256.clone(),
                size: item.size,
                media_type: item.media_type.clone(),
                how: item.how,
                captured_at: time_text(item.captured_at),
                location: item.location,
                original_name: item.original_name.clone(),
                derived_from: item.derived_from.as_ref().map(|d| d.from_id.clone()),
                from_sha256: item.derived_from.as_ref().map(|d| d.from_sha256.clone()),
                method: item.derived_from.as_ref().map(|d| d.method.clone()),
            };
            let entry_type = if item.derived_from.is_some() { ENTRY_DERIVE } else { ENTRY_ADD };
            let seq = tx.append_entry(entry_type, Some(&item.id), &payload)?;
            let location = item.location.map(|l| serde_json::to_string(&l)).transpose();
            let derivation = item.derived_from.as_ref().map(serde_json::to_string).transpose();
            let (Ok(location), Ok(derivation)) = (location, derivation) else {
                return Err(Error::storage("could not encode an evidence record"));
            };
            tx.conn().execute(
                "INSERT INTO evidence_items (id, format_version, wrapped_key, sha256, size, media_type,
                     capture_method, captured_at, location, original_name, derived_from, derivation, log_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    item.id,
                    FORMAT_VERSION,
                    wrapped,
                    item.sha256,
                    item.size as i64,
                    item.media_type,
                    item.how.as_str(),
                    time_text(item.captured_at),
                    location,
                    item.original_name,
                    item.derived_from.as_ref().map(|d| d.from_id.clone()),
                    derivation,
                    seq as i64
                ],
            )?;
            // Last step before the commit: a crash after this leaves an unreferenced file that
            // the sweep removes, never a row without its file.
            std::fs::rename(&self.temp_path, &final_path)?;
            renamed = true;
            sync_dir(&dir)?;
            tracing::info!(seq, "evidence added");
            Ok(EvidenceItem { log_seq: seq, ..item.clone() })
        });
        drop(file);
        match result {
            Ok(item) => {
                self.committed = true;
                Ok(item)
            }
            Err(e) => {
                if renamed {
                    let _ = std::fs::remove_file(&final_path);
                }
                Err(e)
            }
        }
    }
}

impl Drop for EvidenceWriter<'_> {
    fn drop(&mut self) {
        self.discard();
    }
}
