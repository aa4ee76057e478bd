//! Waymark's core: everything that matters to a person being stalked, in pure Rust.
//!
//! One module per capability (see ARCHITECTURE.md): `vault` (keys, unlock, storage),
//! `log` (incidents, append-only entries, Merkle tree), `evidence`, `safety`, `routes`,
//! `report`, `insight`, `risk` (the police's stalking risk questions). A module reaches another only through its public API.

pub mod clock;
pub mod error;
pub mod evidence;
#[doc(hidden)]
pub mod fuzzing;
pub mod insight;
pub mod log;
pub mod progress;
pub mod report;
pub mod risk;
pub mod routes;
pub mod safety;
pub mod vault;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use progress::{CancelToken, Progress, ProgressSink, Stage};
