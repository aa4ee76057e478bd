//! The one error type of the core. Messages never contain note text, names, places or keys:
//! they may end up in logs, crash reports or on a screen someone else is looking at.

use chrono::{DateTime, Utc};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Wrong PIN, passphrase or recovery code, or a damaged key slot: deliberately the same.
    #[error("that PIN or passphrase did not open the vault{}", retry_hint(.retry_after))]
    WrongSecret { retry_after: Option<DateTime<Utc>> },
    /// Too many wrong attempts: nothing is tried until `until`.
    #[error("too many wrong attempts; try again after {}", .until.format("%Y-%m-%d %H:%M:%S UTC"))]
    LockedOut { until: DateTime<Utc> },
    /// The vault is locked; unlock it first.
    #[error("the vault is locked")]
    Locked,
    /// Tampering or corruption was found. `what` names the item (an id or a sequence number).
    #[error("integrity check failed: {what}")]
    Integrity { what: String },
    /// The caller gave something we cannot accept; nothing was changed.
    #[error("{field}: {reason}")]
    InvalidInput { field: String, reason: String },
    #[error("not found: {what}")]
    NotFound { what: String },
    /// The disk or database failed (full disk, permissions, I/O). Nothing half-written is visible.
    #[error("storage error: {reason}")]
    Storage { reason: String },
    #[error("cancelled")]
    Cancelled,
}

fn retry_hint(t: &Option<DateTime<Utc>>) -> String {
    match t {
        Some(t) => format!(
            "; the next attempt is allowed after {}",
            t.format("%Y-%m-%d %H:%M:%S UTC")
        ),
        None => String::new(),
    }
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }
    pub fn integrity(what: impl Into<String>) -> Self {
        Error::Integrity { what: what.into() }
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound { what: what.into() }
    }
    pub fn storage(reason: impl Into<String>) -> Self {
        Error::Storage {
            reason: reason.into(),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        // io::Error messages name the failure kind, not file contents.
        let reason = match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                NO_SPACE.to_string()
            }
            std::io::ErrorKind::ReadOnlyFilesystem => CANNOT_WRITE.to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::NotFound => "a file is missing".to_string(),
            _ => e.to_string(),
        };
        Error::Storage { reason }
    }
}

/// Full disk and read-only folder, in words a person can act on (never "integrity": nothing
/// was tampered with, and nothing half-written is kept).
pub const NO_SPACE: &str =
    "no space left on the device; free some space and try again (nothing was saved)";
pub const CANNOT_WRITE: &str =
    "cannot write to the vault folder (it is read-only); reading still works";

/// SQLite's SQLITE_IOERR: look at errno, which says whether the disk was full.
fn io_failure(f: &rusqlite::ffi::Error) -> Error {
    match std::io::Error::last_os_error().raw_os_error() {
        Some(28) | Some(122) => Error::storage(NO_SPACE),
        Some(30) => Error::storage(CANNOT_WRITE),
        _ => Error::storage(format!("database error ({:?})", f.code)),
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                ErrorCode::DiskFull => Error::storage(NO_SPACE),
                ErrorCode::ReadOnly => Error::storage(CANNOT_WRITE),
                // An I/O error while writing: on a full disk SQLite may report this instead.
                ErrorCode::SystemIoFailure => io_failure(f),
                ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                    Error::integrity("the database is damaged or was changed outside Waymark")
                }
                // SQL error text can quote values; keep only the code.
                code => Error::storage(format!("database error ({code:?})")),
            },
            rusqlite::Error::QueryReturnedNoRows => Error::not_found("no such record"),
            _ => Error::storage("database error"),
        }
    }
}
