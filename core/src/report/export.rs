//! Glue between the vault and the export formats: choose incidents, gather their entries, proofs
//! and evidence, write the PDF or bundle, and log that an export happened.

use super::bundle::{
    write_bundle, BundleIncident, BundleOutput, EvidenceFile, EvidenceRef, EvidenceSource,
    IncidentsFile, Manifest, ManifestEntry, INCIDENTS_FORMAT,
};
use super::pdf::{
    render_report, thumbnail_pixels, HistoryLine, ReportEvidence, ReportIncident, ReportInput,
    Thumbnail, TreeHeadSummary,
};
use crate::insight::{analyse, InsightInput, SavedPlace};
use crate::log::{
    merkle, HistoryEntry, IncidentKind, IncidentLog, IncidentWithHistory, ListFilter, ENTRY_AMEND,
};
use crate::progress::{Progress, ProgressWriter, Stage};
use crate::vault::Vault;
use crate::{Error, Result};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const ENTRY_EXPORT_BUNDLE: &str = "export.bundle";
pub const ENTRY_EXPORT_REPORT: &str = "export.report";

/// One evidence item as the exports need it.
#[derive(Debug, Clone)]
pub struct CatalogItem {
    pub id: String,
    pub name: String,
    pub media_type: String,
    pub sha256_hex: String,
    pub size: u64,
}

/// What the exports need from the evidence store.
pub trait EvidenceCatalog: EvidenceSource {
    fn for_incident(&self, incident_id: &str) -> Result<Vec<CatalogItem>>;
}

/// For vaults or builds without evidence: every incident has none.
pub struct NoEvidence;

impl EvidenceSource for NoEvidence {
    fn copy_original(&self, _evidence_id: &str, _out: &mut dyn Write) -> Result<()> {
        Err(Error::not_found("no such evidence"))
    }
}

impl EvidenceCatalog for NoEvidence {
    fn for_incident(&self, _incident_id: &str) -> Result<Vec<CatalogItem>> {
        Ok(vec![])
    }
}

/// The evidence store is the real catalog: originals are decrypted as they stream out, and the
/// store itself checks each one against the SHA-256 recorded when it was captured.
impl EvidenceSource for crate::evidence::EvidenceStore<'_> {
    fn copy_original(&self, evidence_id: &str, mut out: &mut dyn Write) -> Result<()> {
        self.extract_to(evidence_id, &mut out).map(|_| ())
    }
}

impl EvidenceCatalog for crate::evidence::EvidenceStore<'_> {
    fn for_incident(&self, incident_id: &str) -> Result<Vec<CatalogItem>> {
        let mut found = crate::evidence::EvidenceStore::for_incident(self, incident_id)?;
        // In the order they were captured.
        found.sort_by(|a, b| (a.captured_at, &a.id).cmp(&(b.captured_at, &b.id)));
        Ok(found
            .into_iter()
            .map(|i| CatalogItem {
                // Without the original's name (a camera capture), a name with the extension of
                // what the bytes are, so the recipient's computer opens a video as a video.
                name: i.original_name.clone().unwrap_or_else(|| {
                    match crate::evidence::sniff::MediaType::from_mime(&i.media_type).extension() {
                        "" => format!("evidence-{}", i.short_id()),
                        ext => format!("evidence-{}.{ext}", i.short_id()),
                    }
                }),
                id: i.id,
                media_type: i.media_type,
                sha256_hex: i.sha256,
                size: i.size,
            })
            .collect())
    }
}

/// The chosen incidents with their history, oldest first. No ids means every incident.
fn select(log: &IncidentLog, ids: &[String]) -> Result<Vec<IncidentWithHistory>> {
    let mut out = if ids.is_empty() {
        log.list(&ListFilter::default())?
            .iter()
            .map(|i| log.get(&i.id))
            .collect::<Result<Vec<_>>>()?
    } else {
        let mut seen = BTreeSet::new();
        let mut v = vec![];
        for id in ids {
            let i = log.get(id)?;
            if seen.insert(i.incident.id.clone()) {
                v.push(i);
            }
        }
        v
    };
    out.sort_by(|a, b| {
        (
            a.incident.details.occurred.start,
            a.incident.recorded_at,
            &a.incident.id,
        )
            .cmp(&(
                b.incident.details.occurred.start,
                b.incident.recorded_at,
                &b.incident.id,
            ))
    });
    Ok(out)
}

#[derive(Debug, Clone)]
pub struct BundleSummary {
    pub path: PathBuf,
    pub format: BundleOutput,
    pub manifest: Manifest,
    /// Sequence number of the log entry recording this export.
    pub logged_as: u64,
}

#[derive(Serialize)]
struct ExportPayload<'a> {
    what: &'a str,
    format: &'a str,
    incidents: Vec<&'a str>,
    evidence: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recipient: Option<&'a str>,
    /// Fingerprint of the exported manifest or PDF, so the export can be matched to this entry.
    sha256: String,
    tree_size: u64,
}

/// Writes an evidence bundle of the chosen incidents (all if none) to `out` (a ".zip" path gives
/// a ZIP, anything else a folder) and logs the export. If logging fails the bundle is removed,
/// so every bundle that exists is in the log.
pub fn export_bundle(
    vault: &Vault,
    incident_ids: &[String],
    recipient: Option<&str>,
    out: &Path,
    catalog: &dyn EvidenceCatalog,
) -> Result<BundleSummary> {
    export_bundle_with_progress(vault, incident_ids, recipient, out, catalog, Progress::NONE)
}

/// As `export_bundle`, reporting progress. Cancelled at any point, it returns `Cancelled`,
/// leaves no partial folder or ZIP and logs nothing.
pub fn export_bundle_with_progress(
    vault: &Vault,
    incident_ids: &[String],
    recipient: Option<&str>,
    out: &Path,
    catalog: &dyn EvidenceCatalog,
    progress: Progress,
) -> Result<BundleSummary> {
    let gathering = progress.span(Stage::GatheringIncidents, 0.0, 0.1);
    gathering.report(0.0)?;
    let recipient = recipient.map(str::trim).filter(|r| !r.is_empty());
    if recipient.is_some_and(|r| r.chars().count() > 200) {
        return Err(Error::invalid(
            "recipient",
            "is too long (at most 200 characters)",
        ));
    }
    let log = IncidentLog::new(vault);
    let chosen = select(&log, incident_ids)?;
    if chosen.is_empty() {
        return Err(Error::invalid(
            "incidents",
            "there are no incidents to export",
        ));
    }
    let (head, entries) = consistent_snapshot(&log)?;
    let leaves: Vec<merkle::Hash> = entries.iter().map(|e| e.leaf_hash).collect();

    let mut bundle_incidents = vec![];
    let mut evidence_files: Vec<EvidenceFile> = vec![];
    let mut subjects = BTreeSet::new();
    for (n, c) in chosen.iter().enumerate() {
        gathering.step(n, chosen.len())?;
        subjects.insert(c.incident.id.clone());
        let mut refs = vec![];
        for item in catalog.for_incident(&c.incident.id)? {
            subjects.insert(item.id.clone());
            let file = EvidenceFile {
                evidence_id: item.id.clone(),
                name: item.name.clone(),
                sha256_hex: item.sha256_hex.to_ascii_lowercase(),
                size: item.size,
            };
            refs.push(EvidenceRef {
                id: item.id.clone(),
                file: super::bundle::evidence_path_for(&file),
                sha256: file.sha256_hex.clone(),
                size: item.size,
                media_type: item.media_type.clone(),
            });
            if !evidence_files.iter().any(|e| e.evidence_id == item.id) {
                evidence_files.push(file);
            }
        }
        bundle_incidents.push(BundleIncident {
            incident: c.incident.clone(),
            history: c.history.clone(),
            evidence: refs,
        });
    }
    let selected_incidents: BTreeSet<&str> =
        chosen.iter().map(|c| c.incident.id.as_str()).collect();
    let mut manifest_entries = vec![];
    for e in &entries {
        let Some(subject) = e.subject.as_deref().filter(|s| subjects.contains(*s)) else {
            continue;
        };
        let Some(body) = &e.body else { continue }; // redacted: nothing to show
                                                    // An evidence item attached to another, unselected incident: leave that link out.
        if let Some(Some(other)) = e.parsed()?.map(|b| {
            b.payload
                .get("incident_id")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        }) {
            if !selected_incidents.contains(other.as_str()) {
                continue;
            }
        }
        let entry = String::from_utf8(body.clone())
            .map_err(|_| Error::integrity(format!("log entry #{} is unreadable", e.seq)))?;
        manifest_entries.push(ManifestEntry {
            seq: e.seq,
            entry_type: e.entry_type.clone(),
            subject: Some(subject.to_string()),
            entry,
            leaf_hash: hex::encode(e.leaf_hash),
            inclusion_proof: merkle::inclusion_proof(&leaves, e.seq as usize)
                .iter()
                .map(hex::encode)
                .collect(),
        });
    }
    let incidents_json = serde_json::to_vec_pretty(&IncidentsFile {
        format: INCIDENTS_FORMAT.into(),
        format_version: 1,
        incidents: bundle_incidents,
    })
    .map_err(|_| Error::storage("could not encode the incidents"))?;
    let format = BundleOutput::for_path(out);
    let parts = super::bundle::BundleParts {
        created_at: vault.now(),
        recipient: recipient.map(str::to_string),
        tree_head: head.clone(),
        incidents: chosen.iter().map(|c| c.incident.id.clone()).collect(),
        incidents_json,
        entries: manifest_entries,
        evidence: evidence_files,
    };
    let manifest = write_bundle(out, format, parts, catalog, vault, progress, 0.1)?;
    let manifest_sha = {
        let bytes = serde_json::to_vec_pretty(&manifest)
            .map_err(|_| Error::storage("could not encode the manifest"))?;
        let mut with_newline = bytes;
        with_newline.push(b'\n');
        hex::encode(ring::digest::digest(&ring::digest::SHA256, &with_newline).as_ref())
    };
    let logged = vault.write(|tx| {
        // Last chance to stop: once logged, the bundle is kept.
        progress.check()?;
        tx.append_entry(
            ENTRY_EXPORT_BUNDLE,
            None,
            &ExportPayload {
                what: "evidence bundle",
                format: if format == BundleOutput::Zip {
                    "zip"
                } else {
                    "folder"
                },
                incidents: manifest.incidents.iter().map(String::as_str).collect(),
                evidence: manifest
                    .files
                    .iter()
                    .filter_map(|f| f.evidence_id.as_deref())
                    .collect(),
                recipient,
                sha256: manifest_sha.clone(),
                tree_size: head.size,
            },
        )
    });
    match logged {
        Ok(seq) => Ok(BundleSummary {
            path: out.to_path_buf(),
            format,
            manifest,
            logged_as: seq,
        }),
        Err(e) => {
            let _ = if out.is_dir() {
                std::fs::remove_dir_all(out)
            } else {
                std::fs::remove_file(out)
            };
            Err(e)
        }
    }
}

/// Head and entries that belong together (an append between the two reads is retried).
fn consistent_snapshot(
    log: &IncidentLog,
) -> Result<(crate::log::SignedTreeHead, Vec<crate::log::StoredEntry>)> {
    for _ in 0..3 {
        let head = log.tree_head()?;
        let entries = log.entries()?;
        if head.size == entries.len() as u64 {
            let leaves: Vec<merkle::Hash> = entries.iter().map(|e| e.leaf_hash).collect();
            if merkle::root(&leaves) != head.root || !head.signature_is_valid() {
                return Err(Error::integrity(
                    "the log's signed tree head does not match its entries; run verify",
                ));
            }
            return Ok((head, entries));
        }
    }
    Err(Error::storage(
        "the log kept changing while exporting; try again",
    ))
}

/// What goes into a PDF report.
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub kinds: Vec<IncidentKind>,
    /// Printed on the cover only if given.
    pub name: Option<String>,
    pub saved_places: Vec<SavedPlace>,
    /// Leave out the page of stalking risk questions and answers (it is in by default).
    pub without_risk_questions: bool,
}

/// Photos larger than this are listed but not decoded for a thumbnail.
const MAX_THUMBNAIL_SOURCE: u64 = 48 * 1024 * 1024;

fn history_lines(history: &[HistoryEntry]) -> Vec<HistoryLine> {
    history
        .iter()
        .filter(|h| h.entry_type == ENTRY_AMEND)
        .map(|h| {
            let mut parts = vec![];
            if let Some(changes) = h.details.get("changes").and_then(|c| c.as_object()) {
                for (field, value) in changes {
                    let v = match value {
                        serde_json::Value::String(s) => format!("\"{s}\""),
                        other => other.to_string(),
                    };
                    let v: String = v.chars().take(300).collect();
                    parts.push(format!("{} changed to {v}", field.replace('_', " ")));
                }
            }
            if let Some(r) = h.details.get("reason").and_then(|r| r.as_str()) {
                parts.push(format!("reason given: \"{r}\""));
            }
            HistoryLine {
                at: h.recorded_at,
                what: if parts.is_empty() {
                    "amended".into()
                } else {
                    parts.join("; ")
                },
            }
        })
        .collect()
}

/// Decodes photos into thumbnails, a few at a time on every core: the originals are read (and
/// decrypted) on this thread, only the decoding runs in parallel, and memory stays bounded by the
/// batch. A photo that cannot be read or decoded is simply listed without a thumbnail.
fn add_thumbnails(
    incidents: &mut [ReportIncident],
    pictures: &[(usize, usize)],
    catalog: &dyn EvidenceCatalog,
    progress: Progress,
) -> Result<()> {
    let span = progress.span(Stage::DrawingThumbnails, 0.3, 0.6);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    for (done, batch) in pictures.chunks(workers).enumerate() {
        span.step(done * workers, pictures.len())?;
        let originals: Vec<Option<Vec<u8>>> = batch
            .iter()
            .map(|&(i, e)| {
                let item = &incidents[i].evidence[e];
                let mut bytes = Vec::with_capacity(item.size as usize);
                catalog
                    .copy_original(&item.id, &mut bytes)
                    .ok()
                    .map(|_| bytes)
            })
            .collect();
        let decoded: Vec<Option<super::pdf::ThumbnailPixels>> = std::thread::scope(|s| {
            let handles: Vec<_> = originals
                .iter()
                .map(|b| s.spawn(move || b.as_deref().and_then(thumbnail_pixels)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().flatten())
                .collect()
        });
        for (&(i, e), pixels) in batch.iter().zip(decoded) {
            incidents[i].evidence[e].thumbnail = pixels.map(Thumbnail::from_pixels);
        }
    }
    span.report(1.0)
}

/// Builds the PDF for the incidents matching `req`.
/// Returns the PDF and the ids of the incidents in it, oldest first.
pub fn build_report<Tz: TimeZone>(
    vault: &Vault,
    req: &ReportRequest,
    catalog: &dyn EvidenceCatalog,
    tz: &Tz,
) -> Result<(Vec<u8>, Vec<String>)> {
    build_report_with_progress(vault, req, catalog, tz, Progress::NONE)
}

/// As `build_report`, reporting progress (gathering, thumbnails, drawing); `Cancelled` stops
/// it between steps. Nothing is written, so there is nothing to clean up.
pub fn build_report_with_progress<Tz: TimeZone>(
    vault: &Vault,
    req: &ReportRequest,
    catalog: &dyn EvidenceCatalog,
    tz: &Tz,
    progress: Progress,
) -> Result<(Vec<u8>, Vec<String>)> {
    let gathering = progress.span(Stage::GatheringIncidents, 0.0, 0.3);
    gathering.report(0.0)?;
    if let (Some(a), Some(b)) = (req.from, req.to) {
        if a > b {
            return Err(Error::invalid(
                "dates",
                "the start date is after the end date",
            ));
        }
    }
    // The cover line: one line of sensible length, never a megabyte of control characters.
    if let Some(name) = &req.name {
        if name.chars().any(char::is_control) || name.chars().count() > 200 {
            return Err(Error::invalid(
                "name",
                "must be one line of at most 200 characters",
            ));
        }
    }
    let log = IncidentLog::new(vault);
    let filter = ListFilter {
        kinds: req.kinds.clone(),
        from: req.from,
        to: req.to,
        limit: None,
    };
    let mut listed = log.list(&filter)?;
    listed.reverse();
    let now = vault.now();
    let mut input_now = req.to.map_or(now, |t| t.min(now));
    if let Some(last) = listed.last() {
        input_now = input_now.max(last.details.occurred.start);
    }
    let insights = analyse(
        &listed,
        &InsightInput {
            saved_places: req.saved_places.clone(),
            ..InsightInput::new(input_now)
        },
        tz,
    );
    let mut incidents = Vec::with_capacity(listed.len());
    let mut pictures: Vec<(usize, usize)> = vec![]; // (incident, evidence) positions
    let total = listed.len();
    for (n, i) in listed.into_iter().enumerate() {
        gathering.step(n, total)?;
        let full = log.get(&i.id)?;
        let mut evidence = vec![];
        for item in catalog.for_incident(&i.id)? {
            let is_picture = matches!(item.media_type.as_str(), "image/jpeg" | "image/png");
            if is_picture && item.size <= MAX_THUMBNAIL_SOURCE {
                pictures.push((incidents.len(), evidence.len()));
            }
            evidence.push(ReportEvidence {
                id: item.id,
                name: item.name,
                media_type: item.media_type,
                size: item.size,
                sha256_hex: item.sha256_hex,
                thumbnail: None,
            });
        }
        incidents.push(ReportIncident {
            history: history_lines(&full.history),
            incident: full.incident,
            evidence,
        });
    }
    add_thumbnails(&mut incidents, &pictures, catalog, progress)?;
    let risk = if req.without_risk_questions {
        None
    } else {
        let plain: Vec<crate::log::Incident> =
            incidents.iter().map(|i| i.incident.clone()).collect();
        let answers = crate::risk::RiskChecklist::new(vault).history()?;
        Some(crate::risk::view(&plain, &answers, input_now, tz))
    };
    let head = log.tree_head()?;
    let input = ReportInput {
        name: req.name.clone(),
        from: req.from,
        to: req.to,
        kinds: req.kinds.clone(),
        generated_at: now,
        incidents,
        insights,
        tree_head: (head.size > 0).then(|| TreeHeadSummary {
            size: head.size,
            root_hex: hex::encode(head.root),
            timestamp: head.signed_at,
            signature_hex: hex::encode(&head.signature),
            public_key_hex: hex::encode(&head.public_key),
        }),
        risk,
    };
    let ids = input
        .incidents
        .iter()
        .map(|i| i.incident.id.clone())
        .collect();
    progress.report(Stage::RenderingReport, 0.6)?;
    let pdf = render_report(&input, tz)?;
    progress.report(Stage::RenderingReport, 0.9)?;
    Ok((pdf, ids))
}

/// Writes the report to `out` (replacing it atomically if it exists) and logs the export.
/// Returns how many incidents it holds.
pub fn export_report<Tz: TimeZone>(
    vault: &Vault,
    req: &ReportRequest,
    catalog: &dyn EvidenceCatalog,
    tz: &Tz,
    out: &Path,
) -> Result<usize> {
    export_report_with_progress(vault, req, catalog, tz, out, Progress::NONE)
}

/// As `export_report`, reporting progress. Cancelled at any point, it returns `Cancelled`,
/// leaves no partial file and logs nothing; a file already at `out` is untouched.
pub fn export_report_with_progress<Tz: TimeZone>(
    vault: &Vault,
    req: &ReportRequest,
    catalog: &dyn EvidenceCatalog,
    tz: &Tz,
    out: &Path,
    progress: Progress,
) -> Result<usize> {
    // Never replace a file that is there (a bundle refuses too); checked again when placing it.
    if std::fs::symlink_metadata(out).is_ok() {
        return Err(already_exists());
    }
    let (pdf, ids) = build_report_with_progress(vault, req, catalog, tz, progress)?;
    let head_size = IncidentLog::new(vault).tree_head()?.size;
    let name = out
        .file_name()
        .ok_or_else(|| Error::invalid("output", "needs a file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(
        ".partial-{}",
        hex::encode(crate::vault::random_id()?)
    ));
    let tmp = out.with_file_name(tmp_name);
    let written = (|| -> Result<()> {
        let mut f = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let span = progress.span(Stage::WritingFile, 0.9, 1.0);
        let mut w = ProgressWriter::new(&mut f, span, 0, pdf.len() as u64);
        w.write_all(&pdf)
            .map_err(|e| progress.or_cancelled(e.into()))?;
        f.sync_all()?;
        progress.check()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let sha = hex::encode(ring::digest::digest(&ring::digest::SHA256, &pdf).as_ref());
    let logged = vault.write(|tx| {
        // Last chance to stop: once logged, the report is kept.
        progress.check()?;
        tx.append_entry(
            ENTRY_EXPORT_REPORT,
            None,
            &ExportPayload {
                what: "pdf report",
                format: "pdf",
                incidents: ids.iter().map(String::as_str).collect(),
                evidence: vec![],
                recipient: None,
                sha256: sha.clone(),
                tree_size: head_size,
            },
        )
    });
    if let Err(e) = logged {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    // A hard link appears only if nothing has that name (rename would replace it).
    let placed = match std::fs::hard_link(&tmp, out) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(already_exists()),
        // A file system without hard links: the check above is the best available.
        Err(_) => std::fs::rename(&tmp, out).map_err(Error::from),
        Ok(()) => Ok(()),
    };
    let _ = std::fs::remove_file(&tmp);
    placed?;
    progress.report(Stage::WritingFile, 1.0).ok();
    Ok(ids.len())
}

fn already_exists() -> Error {
    Error::invalid(
        "report",
        "a file with that name already exists; choose another name (nothing was replaced)",
    )
}
