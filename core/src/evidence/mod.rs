//! Evidence: photos, screenshots, recordings, videos and documents kept encrypted, streamed in
//! and out with bounded memory, tied to the tamper-evident log (see ARCHITECTURE.md).
//!
//! - [`stream`]: age-style chunked encryption of one item.
//! - [`sniff`]: the media type from the content, never the file name.
//! - [`strip`]: a sharing copy without location, serial numbers or thumbnails.
//! - [`store`]: per-item keys, crash-safe files, records and log entries, verify, delete.

mod sink;
pub mod sniff;
pub mod store;
pub mod stream;
pub mod strip;

pub use store::human_size;
pub(crate) use store::MIGRATIONS;
pub use store::{
    CaptureMethod, Derivation, EvidenceItem, EvidenceStore, EvidenceVerifyReport, EvidenceWriter,
    ItemProblem, Location, NewEvidence, SharingCopy, DEFAULT_MAX_FILE_BYTES,
};

#[cfg(test)]
mod tests;
