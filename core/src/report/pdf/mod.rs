//! The PDF report: a document a person can hand to the police or a support worker.
//! Cover page, patterns summary with vector charts, the stalking risk questions with the
//! person's answers, then every selected incident in order.

mod charts;
mod page;
mod text;
mod thumbnail;

pub use thumbnail::{make_thumbnail, thumbnail_pixels, Thumbnail, ThumbnailPixels, THUMB_PX};

#[cfg(test)]
pub(crate) mod tests_support {
    pub fn png(w: u32, h: u32) -> Vec<u8> {
        super::thumbnail::test_png(w, h)
    }
}

use crate::insight::{Insights, TrendDirection, COURSE_OF_CONDUCT_LAW, SAFETY_NOTE};
use crate::log::{feeling_label, Incident, IncidentKind};
use crate::risk::RiskView;
use crate::{Error, Result};
use chrono::{DateTime, TimeZone, Utc};
use page::{Flow, Op, BLACK, GREY, MARGIN};
use std::collections::HashMap;
use text::Fonts;

/// One change to an incident after it was first written down.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    pub at: DateTime<Utc>,
    pub what: String,
}

/// One evidence item attached to an incident.
pub struct ReportEvidence {
    pub id: String,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256_hex: String,
    pub thumbnail: Option<Thumbnail>,
}

pub struct ReportIncident {
    pub incident: Incident,
    pub history: Vec<HistoryLine>,
    pub evidence: Vec<ReportEvidence>,
}

/// The signed tree head printed on the cover so the report can be tied to the log.
#[derive(Debug, Clone)]
pub struct TreeHeadSummary {
    pub size: u64,
    pub root_hex: String,
    pub timestamp: DateTime<Utc>,
    pub signature_hex: String,
    pub public_key_hex: String,
}

pub struct ReportInput {
    /// The person's name, only if they chose to put it on the report.
    pub name: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub kinds: Vec<IncidentKind>,
    pub generated_at: DateTime<Utc>,
    /// Oldest first.
    pub incidents: Vec<ReportIncident>,
    pub insights: Insights,
    pub tree_head: Option<TreeHeadSummary>,
    /// The risk questions page (evidence drawn from these incidents), unless left out.
    pub risk: Option<RiskView>,
}

struct Ctx<'a, Tz: TimeZone> {
    tz: &'a Tz,
    /// Incident id -> its number in this report.
    numbers: HashMap<&'a str, usize>,
}

impl<Tz: TimeZone> Ctx<'_, Tz> {
    fn when(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(self.tz)
            .fixed_offset()
            .format("%a %-d %b %Y, %H:%M (UTC%:z)")
            .to_string()
    }
    fn day(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(self.tz)
            .date_naive()
            .format("%-d %B %Y")
            .to_string()
    }
    fn refs(&self, ids: &[String]) -> String {
        let mut n: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.numbers.get(id.as_str()).copied())
            .collect();
        n.sort_unstable();
        let listed: Vec<String> = n.iter().take(40).map(|n| format!("#{n}")).collect();
        let more = n.len().saturating_sub(40);
        if more > 0 {
            format!("{} and {more} more", listed.join(", "))
        } else {
            listed.join(", ")
        }
    }
}

/// Lays out and renders the report. `tz` is the person's time zone.
pub fn render_report<Tz: TimeZone>(input: &ReportInput, tz: &Tz) -> Result<Vec<u8>> {
    let fonts =
        Fonts::load().ok_or_else(|| Error::storage("the report font could not be loaded"))?;
    let ctx = Ctx {
        tz,
        numbers: input
            .incidents
            .iter()
            .enumerate()
            .map(|(n, i)| (i.incident.id.as_str(), n + 1))
            .collect(),
    };
    let mut flow = Flow::new(&fonts);
    cover(&mut flow, input, &ctx);
    flow.new_page();
    patterns(&mut flow, &input.insights, &ctx);
    flow.new_page();
    if let Some(r) = &input.risk {
        risk_questions(&mut flow, r, &ctx);
        flow.new_page();
    }
    heading(&mut flow, "Incidents, oldest first");
    for (n, item) in input.incidents.iter().enumerate() {
        incident(&mut flow, n + 1, item, &ctx);
    }
    if input.incidents.is_empty() {
        flow.paragraph(
            "No incidents match this selection.",
            10.0,
            false,
            BLACK,
            0.0,
        );
    }
    let footer = format!(
        "Waymark incident record - made {}",
        ctx.when(input.generated_at)
    );
    flow.render(&footer)
        .map_err(|_| Error::storage("the PDF could not be assembled"))
}

fn heading(flow: &mut Flow, s: &str) {
    flow.ensure(40.0);
    flow.gap(6.0);
    flow.paragraph(s, 15.0, true, BLACK, 0.0);
    flow.gap(4.0);
}

/// A heading kept on the same page as the first `keep_with` points of what follows it.
fn subheading(flow: &mut Flow, s: &str, keep_with: f32) {
    flow.ensure(26.0 + keep_with);
    flow.gap(6.0);
    flow.paragraph(s, 11.5, true, BLACK, 0.0);
    flow.gap(2.0);
}

fn cover<Tz: TimeZone>(flow: &mut Flow, input: &ReportInput, ctx: &Ctx<Tz>) {
    flow.gap(60.0);
    flow.paragraph("Record of incidents", 26.0, true, BLACK, 0.0);
    flow.paragraph(
        "Stalking and harassment log, made with Waymark",
        12.0,
        false,
        GREY,
        0.0,
    );
    flow.gap(30.0);
    if let Some(name) = input.name.as_deref().filter(|n| !n.trim().is_empty()) {
        flow.field("Prepared by", name, 11.0);
    }
    let first = input
        .incidents
        .first()
        .map(|i| i.incident.details.occurred.start);
    let last = input
        .incidents
        .last()
        .map(|i| i.incident.details.occurred.start);
    let period = match (input.from.or(first), input.to.or(last)) {
        (Some(a), Some(b)) => format!("{} to {}", ctx.day(a), ctx.day(b)),
        _ => "all dates".to_string(),
    };
    flow.field("Period", &period, 11.0);
    flow.field("Incidents", &input.incidents.len().to_string(), 11.0);
    if !input.kinds.is_empty() {
        let kinds: Vec<&str> = input.kinds.iter().map(|k| k.label()).collect();
        flow.field("Only these kinds", &kinds.join(", "), 11.0);
    }
    flow.field("Report made", &ctx.when(input.generated_at), 11.0);
    flow.gap(24.0);
    subheading(flow, "Can this record be trusted?", 20.0);
    match &input.tree_head {
        Some(th) => {
            flow.paragraph(
                "Every entry in this log is kept in a tamper-evident chain (a Merkle tree, as used by \
                 Certificate Transparency). Changes are added as new entries and never overwrite old ones. \
                 At the time of this report the log's signed summary was:",
                9.5,
                false,
                BLACK,
                0.0,
            );
            flow.gap(4.0);
            flow.field("Entries in log", &th.size.to_string(), 9.0);
            flow.field("Root hash", &th.root_hex, 9.0);
            flow.field("Signed at", &ctx.when(th.timestamp), 9.0);
            flow.field("Signature", &th.signature_hex, 9.0);
            flow.field("Signing key", &th.public_key_hex, 9.0);
            if let Ok(key) = hex::decode(&th.public_key_hex) {
                // The same short fingerprint bundles and receipts show, to compare by eye.
                flow.field(
                    "Key fingerprint",
                    &crate::report::keys::fingerprint(&key),
                    9.0,
                );
            }
            flow.gap(4.0);
            flow.paragraph(
                "How to verify: ask for the evidence bundle made from the same log (\"waymark bundle\"). \
                 It contains the incidents, the original evidence files, proofs that each incident is in \
                 the signed log, and HOW-TO-VERIFY.txt, which explains the checks with standard tools \
                 (sha256sum and openssl) or with \"waymark bundle verify\". A receipt sent to an advocate \
                 earlier can be checked with \"waymark verify --since RECEIPT\".",
                9.5,
                false,
                BLACK,
                0.0,
            );
        }
        None => flow.paragraph(
            "No signed log summary was available for this report.",
            9.5,
            false,
            BLACK,
            0.0,
        ),
    }
    flow.gap(16.0);
    flow.paragraph(SAFETY_NOTE, 10.0, true, BLACK, 0.0);
}

fn patterns<Tz: TimeZone>(flow: &mut Flow, ins: &Insights, ctx: &Ctx<Tz>) {
    heading(flow, "Patterns");
    flow.paragraph(&ins.safety_note, 9.5, true, BLACK, 0.0);
    flow.gap(4.0);
    if let (Some(a), Some(b)) = (ins.first, ins.last) {
        flow.paragraph(
            &format!(
                "{} incidents between {} and {}.",
                ins.incident_count,
                ctx.day(a),
                ctx.day(b)
            ),
            10.0,
            false,
            BLACK,
            0.0,
        );
    }

    subheading(flow, "Course of conduct", 20.0);
    if ins.course_of_conduct.is_empty() {
        flow.paragraph(
            "No two incidents in this selection are recorded as done by the same named person.",
            9.5,
            false,
            BLACK,
            0.0,
        );
    }
    for c in &ins.course_of_conduct {
        flow.paragraph(
            &format!("{}: {}", c.person, c.statement),
            9.5,
            false,
            BLACK,
            0.0,
        );
        flow.paragraph(
            &format!("Incidents {}", ctx.refs(&c.incident_ids)),
            8.5,
            false,
            GREY,
            12.0,
        );
    }
    flow.paragraph(COURSE_OF_CONDUCT_LAW, 8.5, false, GREY, 0.0);

    subheading(flow, "Signs of escalation", 20.0);
    let t = &ins.rate_trend;
    let rate = match t.direction {
        TrendDirection::NotEnoughData => {
            format!("Rate over time: not enough complete weeks to test ({} so far; at least 6 are needed).", t.n)
        }
        d => format!(
            "Rate over time: {} (tested with the {} on {}: S = {}, z = {:.2}, p = {:.4}).",
            match d {
                TrendDirection::Rising => "rising",
                TrendDirection::Falling => "falling",
                _ => "no clear trend",
            },
            t.method,
            t.series,
            t.s,
            t.z,
            t.p_value
        ),
    };
    flow.paragraph(&rate, 9.0, false, BLACK, 0.0);
    if ins.escalation.is_empty() {
        flow.paragraph("No escalation signal was found in these incidents. That does not mean the risk is low.", 9.5, false, BLACK, 0.0);
    }
    for s in &ins.escalation {
        flow.gap(3.0);
        flow.paragraph(&s.headline, 10.0, true, BLACK, 0.0);
        flow.paragraph(&s.detail, 9.0, false, BLACK, 12.0);
        flow.paragraph(
            &format!("Incidents {}", ctx.refs(&s.incident_ids)),
            8.5,
            false,
            GREY,
            12.0,
        );
    }

    // Weekly bars stay readable up to about three years; beyond that, months.
    let (periods, what) = if ins.weekly.len() <= 156 {
        (&ins.weekly, "Incidents per week, by kind")
    } else {
        (&ins.monthly, "Incidents per month, by kind")
    };
    if !periods.is_empty() {
        subheading(flow, what, 180.0);
        charts::timeline(flow, periods, 130.0);
    }
    subheading(
        flow,
        "Time of day (local time, when each incident started)",
        110.0,
    );
    let hours: Vec<String> = (0..24)
        .map(|h| {
            if h % 3 == 0 {
                format!("{h:02}")
            } else {
                String::new()
            }
        })
        .collect();
    charts::bars(flow, &ins.by_hour, &hours, 80.0, (31, 119, 180));
    subheading(flow, "Day of the week", 90.0);
    let days: Vec<String> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .iter()
        .map(|d| d.to_string())
        .collect();
    charts::bars(flow, &ins.by_day_of_week, &days, 60.0, (44, 160, 44));

    if !ins.place_clusters.is_empty() {
        subheading(flow, "Places where incidents cluster", 20.0);
        for c in &ins.place_clusters {
            let name = c
                .label
                .clone()
                .unwrap_or_else(|| format!("near {:.4}, {:.4}", c.centre_lat, c.centre_lon));
            flow.paragraph(
                &format!(
                    "{name}: {} incidents within {:.0} m ({})",
                    c.incident_ids.len(),
                    c.radius_m,
                    ctx.refs(&c.incident_ids)
                ),
                9.0,
                false,
                BLACK,
                0.0,
            );
        }
    }
}

/// The S-DASH questions, the person's answers and the incidents behind each. It says plainly
/// that this is not a risk assessment: the police or an advocate make that.
fn risk_questions<Tz: TimeZone>(flow: &mut Flow, r: &RiskView, ctx: &Ctx<Tz>) {
    heading(flow, "Stalking risk questions (S-DASH)");
    flow.paragraph(r.not_an_assessment, 9.5, true, BLACK, 0.0);
    flow.gap(3.0);
    flow.paragraph(
        &format!(
            "The questions are those of the {} ({}), by {}. Used by {}. \
             Each is put here to the person in plain words, with the checklist's own item beneath it.",
            r.source.title, r.source.published, r.source.authors, r.source.used_by
        ),
        8.0,
        false,
        GREY,
        0.0,
    );
    flow.gap(2.0);
    flow.paragraph(
        &format!(
            "{} of {} questions answered. \"What the log shows\" is worked out from the incidents \
             in this report (their kind, time, recorded feeling, place and who is named), never from \
             guesses; questions about the other person's history are only ever answered by the person.",
            r.answered,
            r.questions.len()
        ),
        9.0,
        false,
        BLACK,
        0.0,
    );
    for q in &r.questions {
        flow.ensure(70.0);
        flow.gap(7.0);
        flow.paragraph(
            &format!("{}. {}", q.question.number, q.question.text),
            10.5,
            true,
            BLACK,
            0.0,
        );
        flow.gap(1.0);
        match &q.answer {
            Some(a) => {
                flow.field(
                    "Answer",
                    &format!(
                        "{} (answered {})",
                        a.answer.label(),
                        ctx.when(a.answered_at)
                    ),
                    9.5,
                );
                if let Some(n) = &a.note {
                    flow.field("Note", n, 9.5);
                }
            }
            None => flow.field("Answer", "not answered", 9.5),
        }
        if !q.earlier.is_empty() {
            let earlier: Vec<String> = q
                .earlier
                .iter()
                .map(|e| {
                    let note = e
                        .note
                        .as_deref()
                        .map(|n| format!(", note: \"{n}\""))
                        .unwrap_or_default();
                    format!("{} ({}{note})", e.answer.label(), ctx.when(e.answered_at))
                })
                .collect();
            flow.field("Earlier answers", &earlier.join("; "), 9.0);
        }
        match &q.evidence {
            Some(e) => {
                flow.field("What the log shows", &e.summary, 9.0);
                let refs = ctx.refs(&e.incident_ids);
                if !refs.is_empty() {
                    flow.field("Incidents", &refs, 9.0);
                }
            }
            None => flow.field(
                "What the log shows",
                &format!("Asked, not taken from the log. {}", q.question.why),
                9.0,
            ),
        }
        flow.paragraph(
            &format!(
                "Checklist item {}: {}",
                q.question.number, q.question.checklist_item
            ),
            8.0,
            false,
            GREY,
            0.0,
        );
    }
}

fn incident<Tz: TimeZone>(flow: &mut Flow, n: usize, item: &ReportIncident, ctx: &Ctx<Tz>) {
    let i = &item.incident;
    flow.ensure(90.0);
    flow.gap(8.0);
    let colour = charts::kind_colour(i.details.kind);
    flow.push(Op::Rect {
        x: MARGIN,
        y: flow.y + 2.0,
        w: 4.0,
        h: 14.0,
        color: colour,
    });
    flow.paragraph(
        &format!(
            "#{n}  {} - {}",
            i.details.kind.label(),
            ctx.day(i.details.occurred.start)
        ),
        12.0,
        true,
        BLACK,
        10.0,
    );
    flow.gap(3.0);
    let happened = match i.details.occurred.end {
        Some(end) => format!(
            "{} until {}",
            ctx.when(i.details.occurred.start),
            ctx.when(end)
        ),
        None => ctx.when(i.details.occurred.start),
    };
    flow.field("Happened", &happened, 9.5);
    flow.field("Written down", &ctx.when(i.recorded_at), 9.5);
    if let Some(p) = &i.details.place {
        let mut s = p.label.clone().unwrap_or_default();
        if let (Some(lat), Some(lon)) = (p.lat, p.lon) {
            if !s.is_empty() {
                s.push_str(" - ");
            }
            s.push_str(&format!("{lat:.5}, {lon:.5}"));
            if let Some(acc) = p.accuracy_m {
                s.push_str(&format!(" (within about {acc:.0} m)"));
            }
        }
        if !s.is_empty() {
            flow.field("Place", &s, 9.5);
        }
    }
    if let Some(who) = &i.details.attributed_to {
        flow.field("Who I think did it", who, 9.5);
    }
    if let Some(via) = &i.details.contact_via {
        flow.field("Contact by", via, 9.5);
    }
    flow.field(
        "Witnesses",
        &if i.details.witnesses.is_empty() {
            "none recorded".to_string()
        } else {
            i.details.witnesses.join("; ")
        },
        9.5,
    );
    flow.field(
        "Police reference",
        i.details.police_ref.as_deref().unwrap_or("none recorded"),
        9.5,
    );
    flow.field(
        "How I felt",
        &i.details
            .feeling
            .map(|f| format!("{f} - {}", feeling_label(f)))
            .unwrap_or_else(|| "not recorded".into()),
        9.5,
    );
    if !i.details.tags.is_empty() {
        flow.field("Tags", &i.details.tags.join(", "), 9.5);
    }
    flow.gap(3.0);
    flow.paragraph("What happened", 9.5, true, GREY, 0.0);
    flow.paragraph(&i.details.description, 10.0, false, BLACK, 0.0);
    if !item.history.is_empty() {
        flow.gap(3.0);
        flow.paragraph(
            "Changes made after it was first written down",
            9.5,
            true,
            GREY,
            0.0,
        );
        for h in &item.history {
            flow.paragraph(
                &format!("{}: {}", ctx.when(h.at), h.what),
                9.0,
                false,
                BLACK,
                12.0,
            );
        }
    }
    if !item.evidence.is_empty() {
        flow.gap(3.0);
        flow.paragraph("Evidence", 9.5, true, GREY, 0.0);
        for e in &item.evidence {
            if let Some(t) = &e.thumbnail {
                let scale = 120.0 / t.width.max(t.height) as f32;
                let (w, h) = (t.width as f32 * scale, t.height as f32 * scale);
                flow.ensure(h + 6.0);
                flow.gap(3.0);
                flow.push(Op::Image {
                    x: MARGIN + 12.0,
                    y: flow.y,
                    w,
                    h,
                    image: t.image.clone(),
                });
                flow.gap(h);
            }
            flow.paragraph(
                &format!(
                    "{} ({}, {} bytes), id {}",
                    e.name, e.media_type, e.size, e.id
                ),
                9.0,
                false,
                BLACK,
                12.0,
            );
            flow.paragraph(&format!("SHA-256 {}", e.sha256_hex), 8.0, false, GREY, 12.0);
        }
    }
    flow.paragraph(&format!("Log id {}", i.id), 7.5, false, GREY, 0.0);
    flow.rule();
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::insight::{analyse, InsightInput};
    use crate::log::{NewIncident, Occurred, Place};
    use chrono::Duration;

    pub(crate) fn sample_incidents(n: usize) -> Vec<Incident> {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 8, 30, 0).unwrap();
        let kinds = [
            IncidentKind::UnwantedContact,
            IncidentKind::Followed,
            IncidentKind::TurnedUpHome,
            IncidentKind::Threats,
        ];
        (0..n)
            .map(|k| {
                let start = t0 + Duration::hours(31 * k as i64);
                let mut d = NewIncident::new(
                    kinds[k % kinds.len()],
                    Occurred { start, end: None },
                    format!("Marker{k} he waited by the gate at Łódź Street again 🫠 and would not leave."),
                );
                d.place = Some(Place { label: Some("Gate".into()), lat: Some(51.5), lon: Some(-0.1), accuracy_m: Some(12.0) });
                d.witnesses = if k % 2 == 0 { vec!["Zoë Bränd".into()] } else { vec![] };
                d.feeling = Some((k % 5 + 1) as u8);
                d.police_ref = (k % 3 == 0).then(|| format!("CAD-{k}"));
                d.attributed_to = Some("Sam".into());
                Incident { id: format!("inc-{k:04}"), recorded_at: start + Duration::hours(2), amended_at: None, details: d }
            })
            .collect()
    }

    pub(crate) fn pdftotext(pdf: &[u8]) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = match std::process::Command::new("pdftotext")
            .arg("-enc")
            .arg("UTF-8")
            .arg(&path)
            .arg("-")
            .output()
        {
            Ok(o) => o,
            Err(_) => {
                eprintln!("NOTICE: pdftotext (poppler-utils) is not installed; skipping the PDF text check");
                return None;
            }
        };
        assert!(
            out.status.success(),
            "pdftotext failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8(out.stdout).unwrap())
    }

    #[test]
    fn report_text_contains_every_incident_and_reads_back() {
        let incidents = sample_incidents(40);
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let insights = analyse(&incidents, &InsightInput::new(now), &Utc);
        let items: Vec<ReportIncident> = incidents
            .iter()
            .enumerate()
            .map(|(k, i)| ReportIncident {
                incident: i.clone(),
                history: if k == 3 {
                    vec![HistoryLine {
                        at: now,
                        what: "Corrected the time it started".into(),
                    }]
                } else {
                    vec![]
                },
                evidence: if k == 5 {
                    vec![ReportEvidence {
                        id: "ev-1".into(),
                        name: "gate.png".into(),
                        media_type: "image/png".into(),
                        size: 1234,
                        sha256_hex: "ab".repeat(32),
                        thumbnail: make_thumbnail(&thumbnail::test_png(400, 300)),
                    }]
                } else {
                    vec![]
                },
            })
            .collect();
        let input = ReportInput {
            name: Some("Zoë Example".into()),
            from: None,
            to: None,
            kinds: vec![],
            generated_at: now,
            incidents: items,
            insights,
            tree_head: Some(TreeHeadSummary {
                size: 99,
                root_hex: "cd".repeat(32),
                timestamp: now,
                signature_hex: "ef".repeat(64),
                public_key_hex: "01".repeat(32),
            }),
            risk: None,
        };
        let pdf = render_report(&input, &Utc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        if let Some(out) = std::env::var_os("WAYMARK_REPORT_SAMPLE") {
            std::fs::write(out, &pdf).unwrap(); // for looking at the layout by eye
        }
        let Some(text) = pdftotext(&pdf) else { return };
        for k in 0..40 {
            assert!(
                text.contains(&format!("Log id inc-{k:04}")),
                "incident {k} missing"
            );
            assert!(
                text.contains(&format!("Marker{k} ")),
                "description of {k} missing"
            );
        }
        assert!(text.contains("Łódź Street"), "non-ASCII text must survive");
        assert!(text.contains("Zoë Example"));
        assert!(
            !text.contains('🫠') && !text.contains("again ? and"),
            "undrawable emoji are dropped, not boxed"
        );
        assert!(text.contains("Corrected the time it started"));
        assert!(text.contains(&format!("SHA-256 {}", "ab".repeat(32))));
        assert!(text.contains("0808 802 0300") && text.contains("999"));
        assert!(text.contains("Protection from Harassment Act 1997"));
        assert!(text.contains("Mann-Kendall"));
        assert!(
            text.contains(&"cd".repeat(32)),
            "tree head root on the cover"
        );
        let pages = text.matches('\u{c}').count();
        assert!(
            text.contains(&format!("Page {pages} of {pages}")),
            "page numbers"
        );
        assert!(text.contains("CAD-0") && text.contains("5 - in fear of violence"));
    }
}
