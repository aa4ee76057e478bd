//! Waymark's core: everything that matters to a person being stalked, in pure Rust.
//!
//! TEMPORARY (evidence branch): only the modules that exist before the lead's vault/log land.
//! On merging main, main's lib.rs wins.

pub mod clock;
pub mod error;
pub mod evidence;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
