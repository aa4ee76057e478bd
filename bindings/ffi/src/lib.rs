//! The UniFFI surface (see issue: UniFFI surface). Thin facade over waymark-core.
pub use waymark_core;
