//! `verify` for the vault's own files: every page of both databases, every byte of the key file
//! that does not have to change without the PIN, and the armed file.
//!
//! The key file cannot carry its own MAC (a wrong PIN must be counted before anything is
//! unlocked), so each database vouches for parts of it instead: the SHA-256 of the header and
//! of the slots that database's keys write. The real database vouches for the PIN and recovery
//! slots, the decoy for the duress and spare slots (the spare holds the decoy's own duress PIN); the real database holds the decoy's key,
//! so a check with the PIN covers every slot, and a check with the duress PIN looks the same.
//! A slot is replaced by first adding its new digest, then writing the key file, then dropping
//! the old digest, so a crash in between leaves a key file that still checks out.

use super::keyfile::{KeyFile, SlotRole, HEADER_LEN};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};

fn changed() -> Error {
    Error::integrity("a database in the vault was changed outside Waymark")
}

/// SQLCipher's HMAC over every page of the file, then SQLite's own structural check (which
/// reads every page as the log sees it, write-ahead log included).
///
/// The file may end in padding (see `twins`): random bytes past the database's page count that
/// SQLite never reads. They carry nothing, so a page past that count failing its HMAC is not
/// damage. Pages written since the last checkpoint may still be padding in the file (their
/// content is in the write-ahead log), so the log is copied into the file first.
pub(crate) fn database(conn: &Connection) -> Result<()> {
    settle(conn)?;
    let failed = (|| -> rusqlite::Result<bool> {
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let line: String = row.get(0)?;
            if !is_padding(&line, pages) {
                return Ok(true);
            }
        }
        let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(verdict != "ok")
    })();
    match failed {
        Ok(false) => Ok(()),
        Ok(true) => Err(changed()),
        Err(e) => match Error::from(e) {
            Error::Integrity { .. } => Err(changed()),
            other => Err(other),
        },
    }
}

/// Whether a line of `cipher_integrity_check` is about a page past the database's end.
fn is_padding(line: &str, pages: i64) -> bool {
    line.strip_prefix("HMAC verification failed for page ")
        .and_then(|n| n.parse::<i64>().ok())
        .is_some_and(|n| n > pages)
}

/// Copies every page of the write-ahead log into the database file. A database opened only to
/// read has an empty log (see `open_database_to_read`): nothing to copy.
fn settle(conn: &Connection) -> Result<()> {
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
        return Ok(());
    }
    for _ in 0..20 {
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy == 0 {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(Error::storage(
        "the vault is busy in another app or window; try the check again",
    ))
}

/// The parts of the key file a database can vouch for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Header,
    Slot(SlotRole),
}

impl Part {
    fn meta_key(self) -> String {
        match self {
            Part::Header => "keyfile:header".into(),
            Part::Slot(role) => format!("keyfile:slot:{}", role as u8),
        }
    }
    fn digest(self, kf: &KeyFile) -> [u8; 32] {
        let bytes = kf.to_bytes();
        let part: &[u8] = match self {
            Part::Header => &bytes[..HEADER_LEN],
            Part::Slot(role) => &kf.slots[role as usize],
        };
        let mut d = [0u8; 32];
        d.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, part).as_ref());
        d
    }
}

/// What the real and the decoy database vouch for: the slots that open each (written only by a
/// session with its key). The spare slot holds the decoy's own duress PIN, set from the decoy,
/// so only the decoy vouches for it (vaults made before also have a row for it in the real
/// database, no longer read).
pub(crate) const REAL_PARTS: [Part; 3] = [
    Part::Header,
    Part::Slot(SlotRole::Pin),
    Part::Slot(SlotRole::Recovery),
];
pub(crate) const DECOY_PARTS: [Part; 3] = [
    Part::Header,
    Part::Slot(SlotRole::Duress),
    Part::Slot(SlotRole::Spare),
];

/// Records that `part` may look as in each of `kfs` (one key file, or the old and the new one
/// while a slot is being replaced).
pub(crate) fn vouch(conn: &Connection, part: Part, kfs: &[&KeyFile]) -> Result<()> {
    let mut value = Vec::with_capacity(32 * kfs.len());
    for kf in kfs {
        value.extend_from_slice(&part.digest(kf));
    }
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        rusqlite::params![part.meta_key(), value],
    )?;
    Ok(())
}

/// Checks `parts` of the key file against what `conn` vouches for. A vault made before this
/// check existed vouches for nothing yet; it starts at the next change of a slot.
pub(crate) fn key_file(conn: &Connection, kf: &KeyFile, parts: &[Part]) -> Result<()> {
    for part in parts {
        let known: Option<Vec<u8>> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [part.meta_key()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(known) = known else { continue };
        let digest = part.digest(kf);
        if !known.chunks(32).any(|c| c == digest) {
            return Err(Error::integrity(
                "the vault's key file was changed outside Waymark",
            ));
        }
    }
    Ok(())
}
