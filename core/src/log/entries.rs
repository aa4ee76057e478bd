//! The append-only entry table, the signed tree head, and verification of both.

use super::merkle::{self, Frontier, Hash};
use crate::error::{Error, Result};
use crate::vault::{SessionKeys, Tx};
use chrono::{DateTime, SecondsFormat, Utc};
use ring::signature::{self, KeyPair};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

pub const FORMAT_VERSION: u8 = 1;

/// What a leaf of the Merkle tree holds: the canonical JSON of this struct. The sequence number
/// and type are inside it, so entries cannot be reordered or relabelled without changing hashes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EntryBody {
    pub v: u8,
    pub seq: u64,
    #[serde(rename = "type")]
    pub entry_type: String,
    pub subject: Option<String>,
    pub recorded_at: String,
    /// serde_json's map keeps keys sorted, so this serialises canonically.
    pub payload: serde_json::Value,
}

impl EntryBody {
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|_| Error::storage("could not encode a log entry"))
    }
}

/// A stored entry. `body` is `None` once redacted: the hash stays so the tree still verifies.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub seq: u64,
    pub entry_type: String,
    pub subject: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub body: Option<Vec<u8>>,
    pub leaf_hash: Hash,
}

impl StoredEntry {
    pub fn parsed(&self) -> Result<Option<EntryBody>> {
        self.body
            .as_ref()
            .map(|b| {
                serde_json::from_slice(b)
                    .map_err(|_| Error::integrity(format!("log entry #{} is unreadable", self.seq)))
            })
            .transpose()
    }
}

/// The signed tree head: this many entries, with this root, signed by the vault's Ed25519 key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SignedTreeHead {
    pub size: u64,
    #[serde(with = "hex_hash")]
    pub root: Hash,
    pub signed_at: DateTime<Utc>,
    #[serde(with = "hex::serde")]
    pub signature: Vec<u8>,
    #[serde(with = "hex::serde")]
    pub public_key: Vec<u8>,
}

impl SignedTreeHead {
    /// Exactly the bytes signed: a fixed text prefix, the size, the root, and the time in ms.
    pub fn message(size: u64, root: &Hash, signed_at: DateTime<Utc>) -> Vec<u8> {
        let mut m = b"waymark tree head v1\n".to_vec();
        m.extend_from_slice(&size.to_be_bytes());
        m.extend_from_slice(root);
        m.extend_from_slice(&signed_at.timestamp_millis().to_be_bytes());
        m
    }

    pub fn signature_is_valid(&self) -> bool {
        let key = signature::UnparsedPublicKey::new(&signature::ED25519, &self.public_key);
        key.verify(
            &Self::message(self.size, &self.root, self.signed_at),
            &self.signature,
        )
        .is_ok()
    }
}

mod hex_hash {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(h))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let v = hex::decode(s).map_err(serde::de::Error::custom)?;
        v.try_into()
            .map_err(|_| serde::de::Error::custom("a hash is 32 bytes"))
    }
}

pub(crate) fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Error::integrity("a stored time is unreadable"))
}

impl Tx<'_> {
    /// Appends an entry to the tamper-evident log and re-signs the tree head.
    pub fn append_entry(
        &self,
        entry_type: &str,
        subject: Option<&str>,
        payload: &impl Serialize,
    ) -> Result<u64> {
        let conn = self.conn();
        let mut frontier = load_frontier(conn)?;
        let seq = frontier.size();
        let recorded_at = self.now();
        let body = EntryBody {
            v: FORMAT_VERSION,
            seq,
            entry_type: entry_type.to_string(),
            subject: subject.map(str::to_string),
            recorded_at: time_text(recorded_at),
            payload: serde_json::to_value(payload)
                .map_err(|_| Error::storage("could not encode a log entry"))?,
        };
        let bytes = body.canonical_bytes()?;
        let leaf = merkle::leaf_hash(&bytes);
        conn.execute(
            "INSERT INTO log_entries (seq, entry_type, subject, recorded_at, body, leaf_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![seq as i64, entry_type, subject, body.recorded_at, bytes, &leaf[..]],
        )?;
        frontier.push(leaf);
        store_head(conn, self.keys(), &frontier, recorded_at)?;
        Ok(seq)
    }

    /// Drops the content of every entry about `subject`, keeping their hashes.
    pub fn redact_subject(&self, subject: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE log_entries SET body = NULL WHERE subject = ?1",
            [subject],
        )?;
        Ok(())
    }
}

fn load_frontier(conn: &Connection) -> Result<Frontier> {
    let blob: Option<Vec<u8>> = conn
        .query_row("SELECT frontier FROM log_head WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    match blob {
        None => Ok(Frontier::default()),
        Some(b) => Frontier::from_bytes(&b)
            .ok_or_else(|| Error::integrity("the log's tree head is damaged")),
    }
}

fn store_head(
    conn: &Connection,
    keys: &SessionKeys,
    frontier: &Frontier,
    at: DateTime<Utc>,
) -> Result<()> {
    let root = frontier.root();
    let key = keys.signing_key()?;
    let sig = key.sign(&SignedTreeHead::message(frontier.size(), &root, at));
    conn.execute(
        "INSERT INTO log_head (id, size, frontier, root, signed_at, signature) VALUES (1, ?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET size = excluded.size, frontier = excluded.frontier, root = excluded.root,
             signed_at = excluded.signed_at, signature = excluded.signature",
        params![frontier.size() as i64, frontier.to_bytes(), &root[..], time_text(at), sig.as_ref()],
    )?;
    Ok(())
}

pub(crate) fn public_key(keys: &SessionKeys) -> Result<Vec<u8>> {
    Ok(keys.signing_key()?.public_key().as_ref().to_vec())
}

pub(crate) fn tree_head(conn: &Connection, public_key: Vec<u8>) -> Result<SignedTreeHead> {
    let row: Option<(i64, Vec<u8>, String, Vec<u8>)> = conn
        .query_row(
            "SELECT size, root, signed_at, signature FROM log_head WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    match row {
        None => Ok(SignedTreeHead {
            size: 0,
            root: merkle::root(&[]),
            signed_at: DateTime::<Utc>::UNIX_EPOCH,
            signature: Vec::new(),
            public_key,
        }),
        Some((size, root, at, sig)) => Ok(SignedTreeHead {
            size: size as u64,
            root: root
                .try_into()
                .map_err(|_| Error::integrity("the log's tree head is damaged"))?,
            signed_at: parse_time(&at)?,
            signature: sig,
            public_key,
        }),
    }
}

pub(crate) fn all_entries(conn: &Connection) -> Result<Vec<StoredEntry>> {
    let mut stmt =
        conn.prepare("SELECT seq, entry_type, subject, recorded_at, body, leaf_hash FROM log_entries ORDER BY seq")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<Vec<u8>>>(4)?,
            r.get::<_, Vec<u8>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, entry_type, subject, at, body, leaf) = row?;
        out.push(StoredEntry {
            seq: seq as u64,
            entry_type,
            subject,
            recorded_at: parse_time(&at)?,
            body,
            leaf_hash: leaf
                .try_into()
                .map_err(|_| Error::integrity(format!("log entry #{seq} is damaged")))?,
        });
    }
    Ok(out)
}

/// Checks every entry against its hash and position, then the tree head and its signature.
/// Names the first bad entry. Returns the parsed bodies (None where redacted).
pub(crate) fn verify_entries(
    entries: &[StoredEntry],
    head: &SignedTreeHead,
    progress: crate::progress::Span,
) -> Result<Vec<Option<EntryBody>>> {
    let mut bodies = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        if i % 1024 == 0 {
            progress.step(i, entries.len())?;
        }
        let bad = |why: &str| Error::integrity(format!("log entry #{} {why}", e.seq));
        if e.seq != i as u64 {
            return Err(Error::integrity(format!("log entry #{i} is missing")));
        }
        let Some(bytes) = &e.body else {
            bodies.push(None);
            continue;
        };
        if merkle::leaf_hash(bytes) != e.leaf_hash {
            return Err(bad("was changed after it was written"));
        }
        let body = e.parsed()?.ok_or_else(|| bad("is unreadable"))?;
        if body.seq != e.seq || body.entry_type != e.entry_type || body.subject != e.subject {
            return Err(bad("is out of place"));
        }
        bodies.push(Some(body));
    }
    let leaves: Vec<Hash> = entries.iter().map(|e| e.leaf_hash).collect();
    if head.size != leaves.len() as u64 {
        return Err(Error::integrity(format!(
            "the signed tree head covers {} entries but the log holds {}",
            head.size,
            leaves.len()
        )));
    }
    if head.size > 0 && (merkle::root(&leaves) != head.root || !head.signature_is_valid()) {
        return Err(Error::integrity(
            "the signed tree head does not match the log",
        ));
    }
    Ok(bodies)
}
