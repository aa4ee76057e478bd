//! One lock per vault folder, across threads and processes, held for every read-change-write of
//! the key file (a wrong PIN counted while `passwd` replaces a slot must not undo the change).
//! The armed file has its own lock (`armed_file::lock`): a wake-up tick never waits for an
//! unlock's key derivation.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;

pub(crate) const LOCK_FILE: &str = "vault.lock";

/// Held until dropped. `flock` on its own open file: it excludes other processes and other
/// threads of this one alike, and the kernel releases it if the process dies.
pub(crate) struct KeyFileLock {
    _file: Option<File>,
}

pub(crate) fn lock(dir: &Path) -> Result<KeyFileLock> {
    let file = match super::private_file_options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(LOCK_FILE))
    {
        Ok(f) => f,
        // A read-only vault (a read-only mount): nobody can change the key file, so there is
        // nothing to exclude; an existing lock file still takes part.
        Err(e) if is_read_only(&e) => match File::open(dir.join(LOCK_FILE)) {
            Ok(f) => f,
            Err(_) => return Ok(KeyFileLock { _file: None }),
        },
        Err(e) => return Err(Error::from(e)),
    };
    match file.lock() {
        Ok(()) => {}
        // A platform without file locks: nothing better is available.
        Err(e) if e.kind() == ErrorKind::Unsupported => {}
        Err(e) => return Err(Error::from(e)),
    }
    Ok(KeyFileLock { _file: Some(file) })
}

/// The vault folder cannot be written: a read-only mount, or no permission.
pub(crate) fn is_read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied
    )
}
