//! `waymark bundle verify`: every check a sceptical reader would make, in order, stopping at and
//! naming the first failure.

use super::source::printable;
use super::*;
use crate::log::merkle::{self, Hash};
use crate::log::{EntryBody, IncidentChanges, NewIncident};
use crate::progress::{Progress, Stage};
use crate::report::keys::{fingerprint, parse_public_key_pem, verify_signature};
use crate::Result;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BundleCheck {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BundleVerifyReport {
    pub ok: bool,
    /// The first check that failed, in words.
    pub first_failure: Option<String>,
    pub checks: Vec<BundleCheck>,
    pub incidents: usize,
    pub evidence_files: usize,
    pub log_size: Option<u64>,
    pub key_fingerprint: Option<String>,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub recipient: Option<String>,
}

type Step<T> = std::result::Result<T, String>;

struct Checks {
    report: BundleVerifyReport,
}

impl Checks {
    /// Records a check; returns its value, or None after recording the failure.
    fn run<T>(&mut self, name: &str, f: impl FnOnce() -> Step<(T, String)>) -> Option<T> {
        match f() {
            Ok((v, detail)) => {
                self.report.checks.push(BundleCheck {
                    name: name.into(),
                    ok: true,
                    detail,
                });
                Some(v)
            }
            Err(why) => {
                self.report.checks.push(BundleCheck {
                    name: name.into(),
                    ok: false,
                    detail: why.clone(),
                });
                self.report.ok = false;
                self.report.first_failure = Some(format!("{name}: {why}"));
                None
            }
        }
    }
}

fn err(e: crate::Error) -> String {
    e.to_string()
}

/// Verifies a bundle directory or ZIP. Errors only when the path cannot be read at all; every
/// problem with the contents is a failed check in the report.
pub fn verify_bundle(path: &Path) -> Result<BundleVerifyReport> {
    verify_bundle_with_progress(path, Progress::NONE)
}

/// As `verify_bundle`, reporting progress as the files are hashed; cancelled, it returns
/// `Cancelled` rather than a report (it only reads, so nothing is left behind).
pub fn verify_bundle_with_progress(path: &Path, progress: Progress) -> Result<BundleVerifyReport> {
    progress.report(Stage::CheckingBundle, 0.0)?;
    let mut src = BundleSource::open(path)?;
    let mut c = Checks {
        report: BundleVerifyReport {
            ok: true,
            first_failure: None,
            checks: vec![],
            incidents: 0,
            evidence_files: 0,
            log_size: None,
            key_fingerprint: None,
            created_at: None,
            recipient: None,
        },
    };
    let _ = run_checks(&mut src, &mut c, progress);
    // A check stopped by cancelling failed for no reason of the bundle's: no report.
    progress.check()?;
    progress.report(Stage::CheckingBundle, 1.0)?;
    Ok(c.report)
}

fn run_checks(src: &mut BundleSource, c: &mut Checks, progress: Progress) -> Option<()> {
    if let Some(problem) = src.layout_problem().map(str::to_string) {
        c.run("ZIP layout", || Err::<((), String), _>(problem))?;
    }
    let (manifest_bytes, sig, pem) = c.run("required files", || {
        let m = src.read_all(MANIFEST).map_err(err)?;
        let s = src.read_all(SIGNATURE).map_err(err)?;
        let p = src.read_all(PUBLIC_KEY).map_err(err)?;
        if !src.exists(SUMS) {
            return Err(format!("{SUMS} is missing"));
        }
        Ok((
            (m, s, p),
            "manifest, signature, key and checksums are present".into(),
        ))
    })?;
    let key = c.run("manifest signature", || {
        let key = parse_public_key_pem(&String::from_utf8_lossy(&pem)).map_err(err)?;
        if sig.len() != 64 {
            return Err(format!("{SIGNATURE} should be 64 bytes, it is {}", sig.len()));
        }
        if !verify_signature(&key, &manifest_bytes, &sig) {
            return Err(format!("{SIGNATURE} does not match {MANIFEST}: the manifest was changed or signed by another key"));
        }
        Ok((key, format!("signed by key {}", fingerprint(&key))))
    })?;
    c.report.key_fingerprint = Some(fingerprint(&key));
    let manifest: Manifest = c.run("manifest format", || {
        let m: Manifest = serde_json::from_slice(&manifest_bytes)
            .map_err(|_| format!("{MANIFEST} is not a valid manifest"))?;
        if m.format != FORMAT || m.format_version != FORMAT_VERSION {
            return Err(format!(
                "unknown format {} version {}",
                printable(&m.format),
                m.format_version
            ));
        }
        if m.signing_key.public_key_hex != hex::encode(key) || m.tree_head.public_key != key {
            return Err("the manifest names a different key from signing-key.pem".into());
        }
        Ok((m, format!("format {FORMAT} version {FORMAT_VERSION}")))
    })?;
    c.report.created_at = Some(manifest.created_at);
    c.report.recipient = manifest.recipient.clone();
    c.report.log_size = Some(manifest.tree_head.size);
    let th = &manifest.tree_head;
    c.run("signed tree head", || {
        let message = crate::log::SignedTreeHead::message(th.size, &th.root, th.signed_at);
        if manifest.tree_head_signed_bytes != hex::encode(&message) {
            return Err("tree_head_signed_bytes do not match the tree head".into());
        }
        if !th.signature_is_valid() {
            return Err("the tree head's signature is not valid".into());
        }
        Ok((
            (),
            format!(
                "log of {} entries, signed {}",
                th.size,
                th.signed_at.format("%Y-%m-%d %H:%M:%S UTC")
            ),
        ))
    })?;
    let bodies = c.run("inclusion proofs", || {
        let mut bodies = BTreeMap::new();
        for e in &manifest.entries {
            bodies.insert(e.seq, check_entry(e, th.size, &th.root)?);
        }
        Ok((
            bodies,
            format!(
                "{} log entries proven to be in the signed log",
                manifest.entries.len()
            ),
        ))
    })?;
    // Each file is hashed once, however many checks look at it.
    let mut hashes: BTreeMap<String, String> = BTreeMap::new();
    let hashing = progress.span(Stage::CheckingBundle, 0.05, 0.95);
    // Sizes come from the manifest, which may lie; they only steer the progress bar.
    let total: u64 = manifest
        .files
        .iter()
        .fold(0u64, |t, f| t.saturating_add(f.size));
    let mut done = 0u64;
    c.run("file fingerprints", || {
        for f in &manifest.files {
            if !path_is_safe(&f.path) {
                return Err(format!("unsafe path {}", printable(&f.path)));
            }
            let (sha, size) = src
                .hash_tracked(&f.path, &mut |n| {
                    done = done.saturating_add(n);
                    hashing.report(done as f64 / total.max(1) as f64).is_ok()
                })
                .map_err(err)?;
            if sha != f.sha256 || size != f.size {
                return Err(format!(
                    "{} was changed (its SHA-256 does not match the manifest)",
                    printable(&f.path)
                ));
            }
            hashes.insert(f.path.clone(), sha);
        }
        Ok((
            (),
            format!("{} files match the manifest", manifest.files.len()),
        ))
    })?;
    c.run(SUMS, || {
        let text = String::from_utf8(src.read_all(SUMS).map_err(err)?)
            .map_err(|_| format!("{SUMS} is not text"))?;
        let mut listed = BTreeSet::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (sha, path) = line
                .split_once("  ")
                .or_else(|| line.split_once(" *"))
                .ok_or_else(|| format!("{SUMS} has a malformed line"))?;
            let actual = match hashes.get(path) {
                Some(h) => h.clone(),
                None => src.hash(path).map_err(err)?.0,
            };
            if actual != sha.to_ascii_lowercase() {
                return Err(format!(
                    "{} does not match its line in {SUMS}",
                    printable(path)
                ));
            }
            if !listed.insert(path.to_string()) {
                return Err(format!("{SUMS} lists {} twice", printable(path)));
            }
        }
        // Only what the signed manifest names (and the three files that cannot name themselves
        // in it) may be in the bundle: SHA256SUMS is not signed, so a file added to the bundle
        // and to SHA256SUMS alike must still be refused.
        let signed: BTreeSet<&str> = manifest
            .files
            .iter()
            .map(|f| f.path.as_str())
            .chain([MANIFEST, SIGNATURE, SUMS])
            .collect();
        for f in src.list().map_err(err)? {
            if let Some(odd) = f.strip_prefix('!') {
                return Err(format!("{} is not a plain file", printable(odd)));
            }
            if !signed.contains(f.as_str()) {
                return Err(format!(
                    "{} is in the bundle but the signed manifest does not name it",
                    printable(&f)
                ));
            }
            if f != SUMS && !listed.contains(&f) {
                return Err(format!(
                    "{} is in the bundle but not in {SUMS}",
                    printable(&f)
                ));
            }
        }
        for f in manifest
            .files
            .iter()
            .map(|f| f.path.as_str())
            .chain([MANIFEST, SIGNATURE])
        {
            if !listed.contains(f) {
                return Err(format!("{} is not listed in {SUMS}", printable(f)));
            }
        }
        Ok((
            (),
            format!("{} files listed, all match, nothing extra", listed.len()),
        ))
    })?;
    let evidence_count = manifest
        .files
        .iter()
        .filter(|f| f.evidence_id.is_some())
        .count();
    c.run("incidents match the log", || {
        let file: IncidentsFile = serde_json::from_slice(&src.read_all(INCIDENTS).map_err(err)?)
            .map_err(|_| format!("{INCIDENTS} is not readable"))?;
        check_incidents(&file, &manifest, &bodies)?;
        Ok((
            (),
            format!(
                "{} incidents and {evidence_count} evidence files agree with their log entries",
                file.incidents.len()
            ),
        ))
    })?;
    c.report.incidents = manifest.incidents.len();
    c.report.evidence_files = evidence_count;
    Some(())
}

fn parse_hash(s: &str) -> Option<Hash> {
    hex::decode(s).ok()?.try_into().ok()
}

fn check_entry(e: &ManifestEntry, size: u64, root: &Hash) -> Step<EntryBody> {
    let bytes = e.entry.as_bytes();
    let leaf = merkle::leaf_hash(bytes);
    if parse_hash(&e.leaf_hash) != Some(leaf) {
        return Err(format!("entry #{} does not match its leaf hash", e.seq));
    }
    let proof: Option<Vec<Hash>> = e.inclusion_proof.iter().map(|h| parse_hash(h)).collect();
    let proof = proof.ok_or_else(|| format!("entry #{} has a malformed proof", e.seq))?;
    if e.seq >= size || !merkle::verify_inclusion(&leaf, e.seq, size, &proof, root) {
        return Err(format!(
            "entry #{} is not proven to be in the signed log",
            e.seq
        ));
    }
    let body: EntryBody =
        serde_json::from_slice(bytes).map_err(|_| format!("entry #{} is unreadable", e.seq))?;
    if body.seq != e.seq || body.entry_type != e.entry_type || body.subject != e.subject {
        return Err(format!(
            "entry #{} is labelled differently from its content",
            e.seq
        ));
    }
    Ok(body)
}

/// Rebuilds each incident from its own log entries and compares it with incidents.json; checks
/// each evidence file against the SHA-256 its log entries recorded.
fn check_incidents(
    file: &IncidentsFile,
    manifest: &Manifest,
    bodies: &BTreeMap<u64, EntryBody>,
) -> Step<()> {
    if file.format != INCIDENTS_FORMAT {
        return Err(format!("{INCIDENTS} has an unknown format"));
    }
    let ids: Vec<&str> = file
        .incidents
        .iter()
        .map(|i| i.incident.id.as_str())
        .collect();
    let wanted: Vec<&str> = manifest.incidents.iter().map(String::as_str).collect();
    if ids != wanted {
        return Err(format!(
            "{INCIDENTS} does not hold exactly the incidents the manifest lists"
        ));
    }
    for bi in &file.incidents {
        let i = &bi.incident;
        let short = printable(&i.id.chars().take(8).collect::<String>());
        let mut rebuilt: Option<(NewIncident, chrono::DateTime<chrono::Utc>)> = None;
        for body in bodies
            .values()
            .filter(|b| b.subject.as_deref() == Some(i.id.as_str()))
        {
            match body.entry_type.as_str() {
                crate::log::ENTRY_CREATE => {
                    let details: NewIncident = serde_json::from_value(body.payload.clone())
                        .map_err(|_| format!("entry #{} is unreadable", body.seq))?;
                    let at = chrono::DateTime::parse_from_rfc3339(&body.recorded_at)
                        .map_err(|_| format!("entry #{} has a bad time", body.seq))?;
                    rebuilt = Some((details, at.with_timezone(&chrono::Utc)));
                }
                crate::log::ENTRY_AMEND => {
                    let changes: IncidentChanges =
                        serde_json::from_value(body.payload["changes"].clone())
                            .map_err(|_| format!("entry #{} is unreadable", body.seq))?;
                    if let Some((d, _)) = rebuilt.as_mut() {
                        changes.apply(d);
                    }
                }
                _ => {}
            }
        }
        let (details, recorded_at) =
            rebuilt.ok_or_else(|| format!("incident {short} has no log entry in the bundle"))?;
        if details != i.details || recorded_at != i.recorded_at {
            return Err(format!(
                "incident {short} in {INCIDENTS} differs from its log entries"
            ));
        }
        for ev in &bi.evidence {
            let eshort = printable(&ev.id.chars().take(8).collect::<String>());
            let in_manifest = manifest.files.iter().any(|f| {
                f.path == ev.file
                    && f.sha256 == ev.sha256
                    && f.evidence_id.as_deref() == Some(ev.id.as_str())
            });
            if !in_manifest {
                return Err(format!("evidence {eshort} is not listed in the manifest"));
            }
            let logged = bodies.values().any(|b| {
                b.subject.as_deref() == Some(ev.id.as_str())
                    && b.payload.get("sha256").and_then(|v| v.as_str()) == Some(ev.sha256.as_str())
            });
            if !logged {
                return Err(format!(
                    "evidence {eshort} has no log entry recording its SHA-256"
                ));
            }
        }
    }
    Ok(())
}
