//! The one error type the shells see. Each variant is something a screen can act on:
//! ask again later, show a lock-out time, say which field is wrong, warn about tampering.
//! Messages come from the core's, which never carry note text, names, places or keys.

use std::time::SystemTime;

use crate::time::to_system_time;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum WaymarkError {
    /// Wrong PIN, passphrase or recovery code. `retry_after` is when the next try is allowed.
    #[error("that PIN or passphrase did not open the vault")]
    WrongSecret { retry_after: Option<SystemTime> },
    /// Too many wrong attempts: nothing is tried until `until`.
    #[error("too many wrong attempts")]
    LockedOut { until: SystemTime },
    /// The vault is locked; unlock it first.
    #[error("the vault is locked")]
    Locked,
    /// Tampering or corruption was found; `what` names the item (an id or a sequence number).
    #[error("integrity check failed: {what}")]
    Integrity { what: String },
    /// The caller gave something we cannot accept; nothing was changed.
    #[error("{field}: {reason}")]
    InvalidInput { field: String, reason: String },
    #[error("not found: {what}")]
    NotFound { what: String },
    /// Disk or database failure (full disk, permissions). Nothing half-written is visible.
    #[error("storage error: {reason}")]
    Storage { reason: String },
    #[error("cancelled")]
    Cancelled,
    /// A shell callback (hardware PRF, clock) failed, or an object was used after `close()`.
    #[error("platform error: {reason}")]
    Platform { reason: String },
}

impl From<waymark_core::Error> for WaymarkError {
    fn from(e: waymark_core::Error) -> Self {
        use waymark_core::Error as E;
        match e {
            E::WrongSecret { retry_after } => WaymarkError::WrongSecret {
                retry_after: retry_after.map(to_system_time),
            },
            E::LockedOut { until } => WaymarkError::LockedOut {
                until: to_system_time(until),
            },
            E::Locked => WaymarkError::Locked,
            E::Integrity { what } => WaymarkError::Integrity { what },
            E::InvalidInput { field, reason } => WaymarkError::InvalidInput { field, reason },
            E::NotFound { what } => WaymarkError::NotFound { what },
            E::Storage { reason } => WaymarkError::Storage { reason },
            E::Cancelled => WaymarkError::Cancelled,
        }
    }
}

/// A foreign callback threw something that was not a `WaymarkError` (Kotlin exception, Swift error).
impl From<uniffi::UnexpectedUniFFICallbackError> for WaymarkError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        // The foreign message may be anything; keep only that a callback failed.
        let _ = e;
        WaymarkError::Platform {
            reason: "a platform callback failed".into(),
        }
    }
}

impl WaymarkError {
    pub(crate) fn invalid(field: &str, reason: &str) -> Self {
        WaymarkError::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Used where the shell's error must go back into the core (e.g. the hardware PRF failed).
impl From<WaymarkError> for waymark_core::Error {
    fn from(e: WaymarkError) -> Self {
        use waymark_core::Error as E;
        match e {
            WaymarkError::WrongSecret { retry_after } => E::WrongSecret {
                retry_after: retry_after.and_then(|t| crate::time::to_chrono(t).ok()),
            },
            WaymarkError::LockedOut { until } => match crate::time::to_chrono(until) {
                Ok(until) => E::LockedOut { until },
                Err(_) => E::storage("the platform reported an invalid lock-out time"),
            },
            WaymarkError::Locked => E::Locked,
            WaymarkError::Integrity { what } => E::Integrity { what },
            WaymarkError::InvalidInput { field, reason } => E::InvalidInput { field, reason },
            WaymarkError::NotFound { what } => E::NotFound { what },
            WaymarkError::Storage { reason } => E::Storage { reason },
            WaymarkError::Cancelled => E::Cancelled,
            WaymarkError::Platform { reason } => E::Storage { reason },
        }
    }
}

pub type Result<T, E = WaymarkError> = std::result::Result<T, E>;
