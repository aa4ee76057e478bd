//! The evidence bundle: a directory or ZIP that a police officer or solicitor can check with
//! standard tools. Layout:
//!
//! ```text
//! incidents.json      the selected incidents, their history and evidence list
//! evidence/...        the original evidence files, byte for byte
//! manifest.json       tree head, log entries + inclusion proofs, SHA-256 of every file above
//! manifest.sig        raw 64-byte Ed25519 signature over manifest.json
//! signing-key.pem     the vault's public key (SubjectPublicKeyInfo PEM)
//! HOW-TO-VERIFY.txt   the checks, in plain English
//! SHA256SUMS          `sha256sum -c SHA256SUMS` checks every other file
//! ```
//!
//! Only the chosen incidents' entries are included; the inclusion proofs show they belong to the
//! signed log without revealing any other entry (siblings are hashes only).

mod source;
mod verify;
mod write;

pub use source::BundleSource;
pub use verify::{verify_bundle, verify_bundle_with_progress, BundleCheck, BundleVerifyReport};
pub use write::{
    evidence_path as evidence_path_for, write_bundle, BundleOutput, BundleParts, EvidenceFile,
    EvidenceSource,
};

use crate::log::SignedTreeHead;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "waymark-evidence-bundle";
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";
pub const PUBLIC_KEY: &str = "signing-key.pem";
pub const SUMS: &str = "SHA256SUMS";
pub const INCIDENTS: &str = "incidents.json";
pub const HOW_TO: &str = "HOW-TO-VERIFY.txt";
pub const MERKLE_RULES: &str =
    "RFC 9162 (Certificate Transparency v2): leaf hash = SHA-256(0x00 || entry bytes), \
node hash = SHA-256(0x01 || left || right); entry bytes are the UTF-8 of the \"entry\" text";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub created_at: DateTime<Utc>,
    /// Who the person said the bundle is for, if they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    pub signing_key: KeyInfo,
    pub tree_head: SignedTreeHead,
    /// Hex of exactly the bytes the tree-head signature covers.
    pub tree_head_signed_bytes: String,
    pub merkle: String,
    /// Ids of the selected incidents, oldest first.
    pub incidents: Vec<String>,
    pub entries: Vec<ManifestEntry>,
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KeyInfo {
    pub algorithm: String,
    pub public_key_hex: String,
    pub fingerprint: String,
    pub file: String,
}

/// One log entry with the proof that it is leaf `seq` of the signed tree.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ManifestEntry {
    pub seq: u64,
    #[serde(rename = "type")]
    pub entry_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The entry's canonical JSON, exactly as hashed into the tree.
    pub entry: String,
    pub leaf_hash: String,
    /// Sibling hashes from the leaf up to the root (RFC 9162 inclusion proof), hex.
    pub inclusion_proof: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_id: Option<String>,
}

/// A file name safe in a ZIP, on any file system and in SHA256SUMS: letters, digits, ".-_".
pub(crate) fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    let mut s: String = trimmed.chars().take(80).collect();
    if s.is_empty() {
        s.push_str("file");
    }
    s
}

/// A bundle path we are willing to read or write: relative, no "..", no backslashes.
pub(crate) fn path_is_safe(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.contains('\\')
        && !p.contains('\0')
        && p.split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

pub(crate) const HOW_TO_VERIFY_TEXT: &str = "\
HOW TO CHECK THIS EVIDENCE BUNDLE
=================================

This folder was exported from Waymark, an app a person uses to keep a private record of
stalking or harassment. It lets you check three things for yourself:

  1. No file in this folder has been changed since it was exported.
  2. The list of files and the proofs were signed by the key of the person's Waymark log.
  3. Each incident here was in that signed log, and was not added or changed afterwards,
     without anyone having to show you the rest of the log.

You need a terminal with the standard tools sha256sum and openssl (version 3 or later), which
come with Linux and macOS (on macOS use `shasum -a 256 -c` instead of `sha256sum -c`).
If you received a ZIP file, unzip it into a new folder first and run the commands there.

STEP 1 - every file is unchanged
  In this folder, run:
      sha256sum -c SHA256SUMS
  Every line must end in OK. Any FAILED line means that file was changed or replaced.

STEP 2 - the manifest is signed by the log's key
  Run:
      openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin -in manifest.json -sigfile manifest.sig
  It must print \"Signature Verified Successfully\". manifest.json lists the SHA-256 of every file,
  so this signature covers all of them.
  To know the key really is the person's, compare its fingerprint (in manifest.json, under
  signing_key) with one they gave you earlier, for example on a Waymark receipt.

STEP 3 - each incident belongs to the signed log
  manifest.json holds the log's signed tree head (how many entries the log had, and a root hash
  that depends on every one of them) and, for each exported entry, an inclusion proof: the hashes
  needed to rebuild the root from that entry alone (RFC 9162, as used by Certificate Transparency).
  The command below does this, and every other check, and names the first thing that is wrong:
      waymark bundle verify <this folder or zip>
  The tree head's signature can also be checked with openssl: the exact signed bytes are in
  tree_head_signed_bytes (hex). Save them with `xxd -r -p`, save the signature likewise, and run
  the openssl command from step 2 with those two files.

WHAT THIS DOES AND DOES NOT SHOW
  It shows the records were not changed after they were logged, and when they were written down
  (recorded_at). It does not prove that what is described happened; that is for the police and
  the courts. The tree head reveals how many entries the whole log had, but nothing about the
  entries that were not exported.

If you are the person this is about and you are in danger, call 999. National Stalking Helpline:
0808 802 0300.
";

/// incidents.json: the selected incidents as they stand, their history and their evidence.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IncidentsFile {
    pub format: String,
    pub format_version: u32,
    pub incidents: Vec<BundleIncident>,
}

pub const INCIDENTS_FORMAT: &str = "waymark-incidents";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BundleIncident {
    #[serde(flatten)]
    pub incident: crate::log::Incident,
    pub history: Vec<crate::log::HistoryEntry>,
    pub evidence: Vec<EvidenceRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EvidenceRef {
    pub id: String,
    /// Path of the original inside the bundle.
    pub file: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
}
