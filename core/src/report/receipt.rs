//! Receipts: a few lines of text holding the current signed tree head, to send to an advocate or
//! solicitor. Later, `verify --since RECEIPT` proves (RFC 9162 consistency proof) that today's log
//! still contains everything the receipt covered, so nothing before it was changed or removed and
//! nothing was slipped in before it afterwards.

use super::keys::fingerprint;
use crate::log::{merkle, IncidentLog, SignedTreeHead};
use crate::{Error, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

const TITLE: &str = "WAYMARK LOG RECEIPT";

/// The receipt text for a tree head.
pub fn receipt_text(th: &SignedTreeHead) -> String {
    format!(
        "{TITLE}\n\
         A signed summary of a Waymark incident log. Please keep this message: it shows what the log\n\
         held at this time, so entries cannot later be claimed to have been written before it.\n\
         \n\
         version: 1\n\
         entries: {}\n\
         root: {}\n\
         signed-at: {}\n\
         public-key: {}\n\
         fingerprint: {}\n\
         signature: {}\n\
         \n\
         To check later: waymark verify --since <file holding this text>\n",
        th.size,
        hex::encode(th.root),
        th.signed_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        hex::encode(&th.public_key),
        fingerprint(&th.public_key),
        hex::encode(&th.signature),
    )
}

/// Reads a receipt back (tolerating quoting, indentation and extra lines from email or chat) and
/// checks its signature.
pub fn parse_receipt(text: &str) -> Result<SignedTreeHead> {
    let bad = |what: &str| Error::invalid("receipt", format!("{what} is missing or unreadable"));
    let field = |name: &str| -> Option<String> {
        text.lines().find_map(|l| {
            let l = l.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
            l.strip_prefix(name)?
                .strip_prefix(':')
                .map(|v| v.trim().to_string())
        })
    };
    if !text.contains(TITLE) {
        return Err(Error::invalid("receipt", "this is not a Waymark receipt"));
    }
    if field("version").as_deref() != Some("1") {
        return Err(bad("the receipt version"));
    }
    let size: u64 = field("entries")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| bad("the number of entries"))?;
    let root: [u8; 32] = field("root")
        .and_then(|v| hex::decode(v).ok())
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| bad("the root"))?;
    let signed_at: DateTime<Utc> = field("signed-at")
        .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| bad("the time"))?;
    let public_key = field("public-key")
        .and_then(|v| hex::decode(v).ok())
        .filter(|k| k.len() == 32)
        .ok_or_else(|| bad("the key"))?;
    let signature = field("signature")
        .and_then(|v| hex::decode(v).ok())
        .filter(|s| s.len() == 64)
        .ok_or_else(|| bad("the signature"))?;
    let th = SignedTreeHead {
        size,
        root,
        signed_at,
        signature,
        public_key,
    };
    if !th.signature_is_valid() {
        return Err(Error::integrity(
            "the receipt's signature is not valid: it was altered or is not from Waymark",
        ));
    }
    Ok(th)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SinceReport {
    pub receipt_entries: u64,
    pub receipt_signed_at: DateTime<Utc>,
    pub current_entries: u64,
    pub added_since: u64,
}

/// Proves the vault's log today extends the log the receipt describes.
pub fn verify_since(log: &IncidentLog, receipt: &str) -> Result<SinceReport> {
    let old = parse_receipt(receipt)?;
    if old.public_key != log.signing_public_key()? {
        return Err(Error::integrity(
            "this receipt was made by a different Waymark log (its key does not match)",
        ));
    }
    // Head and leaves come from separate reads; retry if an entry was added in between.
    let (head, leaves) = {
        let mut attempt = 0;
        loop {
            let head = log.tree_head()?;
            let leaves = log.leaf_hashes()?;
            if head.size == leaves.len() as u64 || attempt == 2 {
                break (head, leaves);
            }
            attempt += 1;
        }
    };
    if head.size != leaves.len() as u64
        || merkle::root(&leaves) != head.root
        || !head.signature_is_valid()
    {
        return Err(Error::integrity(
            "the log's signed tree head does not match its entries",
        ));
    }
    if old.size > head.size {
        return Err(Error::integrity(format!(
            "the log now has {} entries but the receipt covered {}: entries were removed",
            head.size, old.size
        )));
    }
    if old.size > 0 {
        let proof = merkle::consistency_proof(&leaves, old.size as usize);
        if !merkle::verify_consistency(old.size, head.size, &old.root, &head.root, &proof) {
            return Err(Error::integrity(
                "the log no longer contains exactly what the receipt covered: earlier entries were changed, removed or inserted",
            ));
        }
    }
    Ok(SinceReport {
        receipt_entries: old.size,
        receipt_signed_at: old.signed_at,
        current_entries: head.size,
        added_since: head.size - old.size,
    })
}
