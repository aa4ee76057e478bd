//! Exports for the police, a solicitor or an advocate: the PDF report, the verifiable evidence
//! bundle and the tree-head receipt.

pub mod bundle;
mod export;
pub mod keys;
pub mod pdf;
pub mod receipt;

pub use export::*;

pub use pdf::{render_report, ReportEvidence, ReportIncident, ReportInput, TreeHeadSummary};

#[cfg(test)]
mod tests;
