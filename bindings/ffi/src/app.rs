//! The app model (crate waymark-app) for the shells: built here because the platform traits it
//! needs (the hardware PRF, the clock) are this crate's. Everything else about it (`AppCore`,
//! its events, view models and effects) is generated from waymark-app into its own Kotlin
//! package (org.waymark.app.model) and into the same Swift module as this crate.

use std::sync::Arc;

use waymark_app::{AppConfig, AppCore};

use crate::error::Result;
use crate::platform::{HardwarePrf, ShellPrf, WallClock};
use crate::vault::{clock_for, vault_dir, KeyDerivation};

/// The app model over the vault folder `dir` (which may not hold a vault yet: the first run
/// then shows). `key_derivation` is how hard a vault created by the first run stretches its
/// PIN (`Calibrated { targetMs = 500 }` in the app). `clock` is for tests; the app passes null.
#[uniffi::export(default(clock = None))]
pub fn open_app(
    dir: String,
    prf: Arc<dyn HardwarePrf>,
    key_derivation: KeyDerivation,
    config: AppConfig,
    clock: Option<Arc<dyn WallClock>>,
) -> Result<Arc<AppCore>> {
    Ok(Arc::new(AppCore::new(
        vault_dir(&dir)?,
        Arc::new(ShellPrf(prf)),
        clock_for(clock),
        key_derivation.to_core()?,
        config,
    )))
}
