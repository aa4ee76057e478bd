//! Exports and patterns as the shells see them: the PDF report, the verifiable evidence bundle
//! (folder or ZIP) and its check, the tree-head receipt and verify-since, and insights.

use std::sync::Arc;
use std::time::SystemTime;

use waymark_core::{insight as core_insight, report as core_report};

use crate::error::Result;
use crate::evidence::path_arg;
use crate::log::IncidentKind;
use crate::progress::{with_progress, CancelHandle, ProgressListener};
use crate::routes::utc_offset;
use crate::time::{to_chrono, to_system_time};
use crate::vault::Vault;

fn u64_of(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// What goes into a PDF report. Times print at `utc_offset_minutes`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReportOptions {
    #[uniffi(default = None)]
    pub from: Option<SystemTime>,
    #[uniffi(default = None)]
    pub to: Option<SystemTime>,
    /// Only these kinds; empty means all.
    #[uniffi(default)]
    pub kinds: Vec<IncidentKind>,
    /// Printed on the cover only if given.
    #[uniffi(default = None)]
    pub name: Option<String>,
    #[uniffi(default = 0)]
    pub utc_offset_minutes: i32,
    /// Leave out the page of stalking risk questions (it is in by default).
    #[uniffi(default = false)]
    pub without_risk_questions: bool,
}

/// A bundle that was written.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BundleSummary {
    pub path: String,
    /// A ZIP (path ending ".zip"), otherwise a folder.
    pub zip: bool,
    pub incidents: Vec<String>,
    pub evidence_files: u64,
    /// Give this to the recipient so they can check the signing key.
    pub key_fingerprint: String,
    /// Sequence number of the log entry recording the export.
    pub logged_as: u64,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BundleCheck {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BundleVerifyReport {
    pub ok: bool,
    /// The first check that failed, in words.
    pub first_failure: Option<String>,
    pub checks: Vec<BundleCheck>,
    pub incidents: u64,
    pub evidence_files: u64,
    pub log_size: Option<u64>,
    pub key_fingerprint: Option<String>,
    pub created_at: Option<SystemTime>,
    pub recipient: Option<String>,
}

impl From<core_report::bundle::BundleVerifyReport> for BundleVerifyReport {
    fn from(r: core_report::bundle::BundleVerifyReport) -> Self {
        BundleVerifyReport {
            ok: r.ok,
            first_failure: r.first_failure,
            checks: r
                .checks
                .into_iter()
                .map(|c| BundleCheck {
                    name: c.name,
                    ok: c.ok,
                    detail: c.detail,
                })
                .collect(),
            incidents: u64_of(r.incidents),
            evidence_files: u64_of(r.evidence_files),
            log_size: r.log_size,
            key_fingerprint: r.key_fingerprint,
            created_at: r.created_at.map(to_system_time),
            recipient: r.recipient,
        }
    }
}

/// Checks a bundle folder or ZIP (no vault needed: anyone may check one). Every problem is a
/// failed check in the report; an error only when the path cannot be read at all.
#[uniffi::export(default(listener = None, cancel = None))]
pub fn verify_bundle(
    path: String,
    listener: Option<Arc<dyn ProgressListener>>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<BundleVerifyReport> {
    let path = path_arg("bundle", &path)?;
    with_progress(listener, cancel, |p| {
        Ok(core_report::bundle::verify_bundle_with_progress(&path, p)?.into())
    })
}

/// The log today extends the log a receipt described.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SinceReport {
    pub receipt_entries: u64,
    pub receipt_signed_at: SystemTime,
    pub current_entries: u64,
    pub added_since: u64,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PeriodCount {
    /// "2026-W05" for weeks, "2026-02" for months.
    pub label: String,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlaceCluster {
    pub centre_lat: f64,
    pub centre_lon: f64,
    pub radius_m: f64,
    pub label: Option<String>,
    pub incident_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TrendDirection {
    Rising,
    Falling,
    NoClearTrend,
    NotEnoughData,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TrendTest {
    pub method: String,
    pub series: String,
    pub n: u64,
    pub z: f64,
    pub p_value: f64,
    pub sen_slope: f64,
    pub direction: TrendDirection,
}

impl From<core_insight::TrendTest> for TrendTest {
    fn from(t: core_insight::TrendTest) -> Self {
        TrendTest {
            method: t.method,
            series: t.series,
            n: u64_of(t.n),
            z: t.z,
            p_value: t.p_value,
            sen_slope: t.sen_slope,
            direction: match t.direction {
                core_insight::TrendDirection::Rising => TrendDirection::Rising,
                core_insight::TrendDirection::Falling => TrendDirection::Falling,
                core_insight::TrendDirection::NoClearTrend => TrendDirection::NoClearTrend,
                core_insight::TrendDirection::NotEnoughData => TrendDirection::NotEnoughData,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SignalKind {
    RateRising,
    Burst,
    NewBehaviour,
    CloserToSavedPlace,
    FearRising,
    FearOfViolence,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EscalationSignal {
    pub kind: SignalKind,
    pub headline: String,
    pub detail: String,
    pub incident_ids: Vec<String>,
    pub test: Option<TrendTest>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CourseOfConduct {
    pub person: String,
    pub incident_ids: Vec<String>,
    pub meets_count: bool,
    pub statement: String,
}

/// Patterns in the log, for the insights screen.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Insights {
    /// Shown with every view of patterns, whatever they say.
    pub safety_note: String,
    pub incident_count: u64,
    pub first: Option<SystemTime>,
    pub last: Option<SystemTime>,
    pub weekly: Vec<PeriodCount>,
    pub monthly: Vec<PeriodCount>,
    /// Incidents per local hour, 0 to 23.
    pub by_hour: Vec<u32>,
    /// Incidents per local weekday, Monday first.
    pub by_day_of_week: Vec<u32>,
    pub place_clusters: Vec<PlaceCluster>,
    pub rate_trend: TrendTest,
    pub escalation: Vec<EscalationSignal>,
    pub course_of_conduct: Vec<CourseOfConduct>,
    pub course_of_conduct_law: String,
}

fn periods(v: Vec<core_insight::PeriodCount>) -> Vec<PeriodCount> {
    v.into_iter()
        .map(|p| PeriodCount {
            label: p.label,
            total: p.total,
        })
        .collect()
}

impl From<core_insight::Insights> for Insights {
    fn from(i: core_insight::Insights) -> Self {
        use core_insight::SignalKind as K;
        Insights {
            safety_note: i.safety_note,
            incident_count: u64_of(i.incident_count),
            first: i.first.map(to_system_time),
            last: i.last.map(to_system_time),
            weekly: periods(i.weekly),
            monthly: periods(i.monthly),
            by_hour: i.by_hour.to_vec(),
            by_day_of_week: i.by_day_of_week.to_vec(),
            place_clusters: i
                .place_clusters
                .into_iter()
                .map(|c| PlaceCluster {
                    centre_lat: c.centre_lat,
                    centre_lon: c.centre_lon,
                    radius_m: c.radius_m,
                    label: c.label,
                    incident_ids: c.incident_ids,
                })
                .collect(),
            rate_trend: i.rate_trend.into(),
            escalation: i
                .escalation
                .into_iter()
                .map(|s| EscalationSignal {
                    kind: match s.kind {
                        K::RateRising => SignalKind::RateRising,
                        K::Burst => SignalKind::Burst,
                        K::NewBehaviour => SignalKind::NewBehaviour,
                        K::CloserToSavedPlace => SignalKind::CloserToSavedPlace,
                        K::FearRising => SignalKind::FearRising,
                        K::FearOfViolence => SignalKind::FearOfViolence,
                    },
                    headline: s.headline,
                    detail: s.detail,
                    incident_ids: s.incident_ids,
                    test: s.test.map(Into::into),
                })
                .collect(),
            course_of_conduct: i
                .course_of_conduct
                .into_iter()
                .map(|c| CourseOfConduct {
                    person: c.person,
                    incident_ids: c.incident_ids,
                    meets_count: c.meets_count,
                    statement: c.statement,
                })
                .collect(),
            course_of_conduct_law: i.course_of_conduct_law,
        }
    }
}

/// Reports, bundles, receipts and insights of an unlocked vault (`Locked` otherwise).
#[derive(uniffi::Object)]
pub struct Reports {
    pub(crate) vault: Arc<Vault>,
}

#[uniffi::export]
impl Reports {
    /// Writes the PDF report to `out_path` (never replacing a file there: InvalidInput) and
    /// notes the export in the log. Returns how many incidents it holds. Long: off the main thread.
    #[uniffi::method(default(listener = None, cancel = None))]
    pub fn export_report(
        &self,
        out_path: String,
        options: ReportOptions,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<u64> {
        let out = path_arg("output path", &out_path)?;
        let vault = &self.vault.inner;
        let tz = utc_offset(options.utc_offset_minutes)?;
        let saved_places = waymark_core::routes::RouteStore::new(vault)
            .places()?
            .into_iter()
            .map(|p| core_insight::SavedPlace {
                label: p.name,
                lat: p.lat,
                lon: p.lon,
            })
            .collect();
        let req = core_report::ReportRequest {
            from: options.from.map(to_chrono).transpose()?,
            to: options.to.map(to_chrono).transpose()?,
            kinds: options.kinds.into_iter().map(Into::into).collect(),
            name: options.name,
            saved_places,
            without_risk_questions: options.without_risk_questions,
        };
        let store = waymark_core::evidence::EvidenceStore::new(vault);
        with_progress(listener, cancel, |p| {
            let n = core_report::export_report_with_progress(vault, &req, &store, &tz, &out, p)?;
            Ok(u64_of(n))
        })
    }

    /// Writes a verifiable bundle of the chosen incidents (all when empty) with their evidence
    /// to `out_path` (".zip" gives a ZIP, anything else a folder; it must not exist yet) and
    /// notes the export in the log. Long: off the main thread.
    #[uniffi::method(default(recipient = None, listener = None, cancel = None))]
    pub fn export_bundle(
        &self,
        out_path: String,
        incident_ids: Vec<String>,
        recipient: Option<String>,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<BundleSummary> {
        let out = path_arg("output path", &out_path)?;
        let vault = &self.vault.inner;
        let store = waymark_core::evidence::EvidenceStore::new(vault);
        let s = with_progress(listener, cancel, |p| {
            core_report::export_bundle_with_progress(
                vault,
                &incident_ids,
                recipient.as_deref(),
                &out,
                &store,
                p,
            )
        })?;
        Ok(BundleSummary {
            path: out_path,
            zip: s.format == core_report::bundle::BundleOutput::Zip,
            evidence_files: u64_of(
                s.manifest
                    .files
                    .iter()
                    .filter(|f| f.evidence_id.is_some())
                    .count(),
            ),
            incidents: s.manifest.incidents,
            key_fingerprint: s.manifest.signing_key.fingerprint,
            logged_as: s.logged_as,
        })
    }

    /// A short signed receipt of the log to send to an advocate or solicitor.
    pub fn receipt(&self) -> Result<String> {
        let head = waymark_core::log::IncidentLog::new(&self.vault.inner).tree_head()?;
        if head.size == 0 {
            return Err(crate::error::WaymarkError::invalid(
                "log",
                "is empty; log something first",
            ));
        }
        Ok(core_report::receipt::receipt_text(&head))
    }

    /// Proves the log today still holds, unchanged, everything a receipt covered.
    pub fn verify_since(&self, receipt: String) -> Result<SinceReport> {
        let log = waymark_core::log::IncidentLog::new(&self.vault.inner);
        let r = core_report::receipt::verify_since(&log, &receipt)?;
        Ok(SinceReport {
            receipt_entries: r.receipt_entries,
            receipt_signed_at: to_system_time(r.receipt_signed_at),
            current_entries: r.current_entries,
            added_since: r.added_since,
        })
    }

    /// Patterns in the whole log; hours and weekdays at `utc_offset_minutes`.
    #[uniffi::method(default(utc_offset_minutes = 0))]
    pub fn insights(&self, utc_offset_minutes: i32) -> Result<Insights> {
        let tz = utc_offset(utc_offset_minutes)?;
        Ok(core_insight::for_vault(&self.vault.inner, &tz)?.into())
    }
}
