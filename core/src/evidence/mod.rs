//! Evidence: photos, screenshots, recordings, videos and documents kept encrypted, streamed in
//! and out with bounded memory, tied to the tamper-evident log (see ARCHITECTURE.md).
//!
//! - [`stream`]: age-style chunked encryption of one item.
//! - [`sniff`]: the media type from the content, never the file name.
//! - [`strip`]: a sharing copy without location, serial numbers or thumbnails.

pub mod sniff;
pub mod stream;
pub mod strip;
