//! What Waymark's test suites share, so each suite says only what it checks:
//! [`cli`] drives the real `waymark` binary with `--pin-stdin`, [`scan`] looks through every byte
//! of a vault folder for strings that must never be there, and [`vault`] builds a vault on a
//! manual clock with the cheap test key derivation. A dev-dependency only.

pub mod cli;
pub mod scan;
pub mod vault;

/// The PIN every test vault is created with.
pub const PIN: &str = "246810";
