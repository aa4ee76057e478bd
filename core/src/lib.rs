//! Waymark's core: everything that matters to a person being stalked, in pure Rust.
//!
//! One module per capability (see ARCHITECTURE.md): `vault` (keys, unlock, storage),
//! `log` (incidents, append-only entries, Merkle tree), `evidence`, `safety`, `routes`,
//! `report`, `insight`. A module reaches another only through its public API.
//!
//! TEMPORARY (evidence branch): `log` and `vault` are left out until their files land on main;
//! main's lib.rs wins at that merge.

pub mod clock;
pub mod error;
pub mod evidence;
pub mod insight;
pub mod report;
pub mod routes;
pub mod safety;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
