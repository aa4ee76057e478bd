//! Exports for the police, a solicitor or an advocate: the PDF report, the verifiable evidence
//! bundle and the tree-head receipt.

pub mod pdf;

pub use pdf::{render_report, ReportEvidence, ReportIncident, ReportInput, TreeHeadSummary};
