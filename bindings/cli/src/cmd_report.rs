//! Patterns, reports, evidence bundles and receipts: what a person hands to the police, a
//! solicitor or an advocate, and how anyone can check it.

use crate::app::{App, CliError, CliResult};
use crate::when;
use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use waymark_core::insight::{analyse, InsightInput, Insights, SavedPlace, TrendDirection};
use waymark_core::log::{IncidentKind, IncidentLog, ListFilter};
use waymark_core::report::bundle::verify_bundle;
use waymark_core::report::receipt::{receipt_text, verify_since as check_since};
use waymark_core::report::{export_bundle, export_report, EvidenceCatalog, ReportRequest};
use waymark_core::vault::Vault;

#[derive(Args)]
pub struct ReportArgs {
    /// Where to save the PDF, e.g. report.pdf.
    pub out: PathBuf,
    /// Only incidents from this date or time on ("2026-10-01", "3 weeks ago").
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only incidents up to this date (the whole day) or time.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only these kinds (repeat for more than one).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Your name, to print on the cover (left off unless you give it).
    #[arg(long)]
    pub name: Option<String>,
    /// Leave out the page of stalking risk questions and your answers.
    #[arg(long)]
    pub without_risk_questions: bool,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BundleArgs {
    #[command(subcommand)]
    pub check: Option<BundleCheck>,
    /// Where to save it: a name ending in .zip makes a ZIP file, anything else a folder.
    pub out: Option<PathBuf>,
    /// An incident to include (repeat for more; the first few characters of the id are enough).
    /// Without any, every incident is included.
    #[arg(long = "incident", value_name = "ID")]
    pub incidents: Vec<String>,
    /// Who it is for (kept in your log as a record of who you gave it to).
    #[arg(long = "to", value_name = "WHOM")]
    pub to: Option<String>,
}

#[derive(Subcommand)]
pub enum BundleCheck {
    /// Check a bundle (folder or ZIP): signatures, proofs and every file. No PIN needed.
    Verify {
        /// The bundle folder or ZIP file.
        path: PathBuf,
    },
}

/// Evidence for exports: the vault's evidence store.
fn evidence(vault: &Vault) -> Box<dyn EvidenceCatalog + '_> {
    Box::new(waymark_core::evidence::EvidenceStore::new(vault))
}

/// Places saved for routes (home, work...): "closer to home or work" signals compare with these.
fn saved_places(vault: &Vault) -> Result<Vec<SavedPlace>, CliError> {
    Ok(waymark_core::routes::RouteStore::new(vault)
        .places()?
        .into_iter()
        .map(|p| SavedPlace {
            label: p.name,
            lat: p.lat,
            lon: p.lon,
        })
        .collect())
}

/// A plain date means the start of that day (for --from) or its end (for --to), local time.
fn parse_day_or_time(
    input: &str,
    end_of_day: bool,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, CliError> {
    if let Ok(d) = NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d") {
        let t = if end_of_day {
            d.and_hms_milli_opt(23, 59, 59, 999)
        } else {
            d.and_hms_opt(0, 0, 0)
        };
        return t
            .and_then(|t| Local.from_local_datetime(&t).earliest())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| CliError::usage(format!("{input} is not a date I can use")));
    }
    when::parse_time(input, now).map_err(CliError::usage)
}

fn kinds(names: &[String]) -> Result<Vec<IncidentKind>, CliError> {
    Ok(names
        .iter()
        .map(|k| IncidentKind::parse(k))
        .collect::<Result<_, _>>()?)
}

pub fn insights(app: &mut App) -> CliResult {
    let vault = app.vault()?;
    let mut incidents = IncidentLog::new(vault).list(&ListFilter::default())?;
    incidents.reverse();
    let input = InsightInput {
        saved_places: saved_places(vault)?,
        ..InsightInput::new(vault.now())
    };
    let ins = analyse(&incidents, &input, &Local);
    if app.json {
        return app.print_json(&ins);
    }
    print_insights(&ins);
    Ok(())
}

fn print_insights(ins: &Insights) {
    out!("{}\n", ins.safety_note);
    let (Some(first), Some(last)) = (ins.first, ins.last) else {
        out!("Nothing logged yet. When you log incidents, patterns will show here.");
        return;
    };
    out!(
        "{} incidents, from {} to {}.",
        ins.incident_count,
        when::show(first),
        when::show(last)
    );
    if let Some(w) = ins.weekly.last() {
        out!("This week so far: {}.", w.total);
    }
    out!();
    if ins.escalation.is_empty() {
        out!("No sign of escalation was found. That does not mean you are safe: trust your instincts.");
    } else {
        out!("Signs that things may be getting worse:");
        for s in &ins.escalation {
            out!("  * {}", s.headline);
            out!("    {}", s.detail);
            out!("    Incidents: {}", short_ids(&s.incident_ids));
        }
    }
    let t = &ins.rate_trend;
    match t.direction {
        TrendDirection::NotEnoughData => {
            out!("\nHow often: not enough complete weeks yet to test for a trend ({} so far, 6 needed).", t.n)
        }
        d => out!(
            "\nHow often: {} over the last {} complete weeks (Mann-Kendall trend test; p = {:.4}).",
            match d {
                TrendDirection::Rising => "rising",
                TrendDirection::Falling => "falling",
                _ => "no clear trend",
            },
            t.n,
            t.p_value
        ),
    }
    if !ins.course_of_conduct.is_empty() {
        out!("\nCourse of conduct:");
        for c in &ins.course_of_conduct {
            out!("  * {}: {}", c.person, c.statement);
        }
        out!("  {}", ins.course_of_conduct_law);
    }
    let busiest_hour = (0..24)
        .max_by_key(|h| (ins.by_hour[*h], std::cmp::Reverse(*h)))
        .unwrap_or(0);
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let busiest_day = (0..7)
        .max_by_key(|d| (ins.by_day_of_week[*d], std::cmp::Reverse(*d)))
        .unwrap_or(0);
    out!(
        "\nMost often between {busiest_hour:02}:00 and {:02}:00, and on {}s.",
        (busiest_hour + 1) % 24,
        DAYS[busiest_day]
    );
    for c in &ins.place_clusters {
        let name = c.label.clone().unwrap_or_else(|| "one place".into());
        out!(
            "{} incidents happened around {name} (within {:.0} m).",
            c.incident_ids.len(),
            c.radius_m
        );
    }
    out!("\nMake a report for the police with: waymark report report.pdf");
}

fn short_ids(ids: &[String]) -> String {
    let mut v: Vec<String> = ids
        .iter()
        .take(12)
        .map(|i| i.chars().take(8).collect())
        .collect();
    if ids.len() > 12 {
        v.push("...".into());
    }
    v.join(" ")
}

pub fn report(args: ReportArgs, app: &mut App) -> CliResult {
    let vault = app.vault()?;
    let now = vault.now();
    let places = saved_places(vault)?;
    let req = ReportRequest {
        from: args
            .from
            .as_deref()
            .map(|s| parse_day_or_time(s, false, now))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|s| parse_day_or_time(s, true, now))
            .transpose()?,
        kinds: kinds(&args.kinds)?,
        name: args.name.clone(),
        saved_places: places,
        without_risk_questions: args.without_risk_questions,
    };
    let count = {
        let vault = app.vault()?;
        export_report(vault, &req, evidence(vault).as_ref(), &Local, &args.out)?
    };
    if app.json {
        return app.print_json(&serde_json::json!({ "path": args.out, "incidents": count }));
    }
    out!(
        "Saved a report of {count} incidents to {}.",
        args.out.display()
    );
    out!("It is not protected by your PIN: keep it somewhere safe, or give it straight to the police.");
    Ok(())
}

pub fn bundle(args: BundleArgs, app: &mut App) -> CliResult {
    if let Some(BundleCheck::Verify { path }) = args.check {
        return bundle_verify(&path, app);
    }
    let out = args.out.ok_or_else(|| {
        CliError::usage("say where to save the bundle, e.g. waymark bundle evidence.zip")
    })?;
    let s = {
        let vault = app.vault()?;
        export_bundle(
            vault,
            &args.incidents,
            args.to.as_deref(),
            &out,
            evidence(vault).as_ref(),
        )?
    };
    if app.json {
        return app.print_json(&serde_json::json!({
            "path": s.path,
            "incidents": s.manifest.incidents,
            "files": s.manifest.files.len(),
            "log_entry": s.logged_as,
        }));
    }
    out!(
        "Saved {} incidents and {} evidence files to {}.",
        s.manifest.incidents.len(),
        s.manifest
            .files
            .iter()
            .filter(|f| f.evidence_id.is_some())
            .count(),
        s.path.display()
    );
    out!("Anyone can check it with the steps in HOW-TO-VERIFY.txt inside it.");
    out!(
        "Key fingerprint: {} (give this to the person you send it to).",
        s.manifest.signing_key.fingerprint
    );
    out!("This export has been noted in your log.");
    Ok(())
}

fn bundle_verify(path: &std::path::Path, app: &mut App) -> CliResult {
    let r = verify_bundle(path)?;
    if app.json {
        app.print_json(&r)?;
    } else {
        for c in &r.checks {
            out!(
                "{} {}: {}",
                if c.ok { "OK  " } else { "FAIL" },
                c.name,
                c.detail
            );
        }
        if r.ok {
            out!(
                "\nThis bundle checks out: {} incidents and {} evidence files, unchanged and proven to be in a log of {} entries.",
                r.incidents,
                r.evidence_files,
                r.log_size.unwrap_or(0)
            );
            if let Some(fp) = &r.key_fingerprint {
                out!("Signed by key {fp}. Compare it with the fingerprint you were given.");
            }
        }
    }
    match r.first_failure {
        None => Ok(()),
        // Not the vault's generic integrity message: this is someone else's bundle being checked.
        Some(why) => Err(CliError {
            code: 2,
            message: format!(
                "this bundle failed a check and should not be relied on: {why}\n\
                 Ask the person who sent it for a fresh copy, made with `waymark bundle`."
            ),
        }),
    }
}

pub fn receipt(app: &mut App) -> CliResult {
    let head = IncidentLog::new(app.vault()?).tree_head()?;
    if head.size == 0 {
        return Err(CliError::usage("your log is empty; log something first"));
    }
    if app.json {
        return app
            .print_json(&serde_json::json!({ "receipt": receipt_text(&head), "tree_head": head }));
    }
    print!("{}", receipt_text(&head));
    Ok(())
}

/// Called by `waymark verify --since RECEIPT` after the full log check.
pub fn verify_since(receipt_path: &std::path::Path, app: &mut App) -> CliResult {
    // A receipt is under 1 KiB; pasted into an email with quoting it stays far below this.
    let bytes = crate::input::read_plain_file(receipt_path, "that receipt file", 1 << 20)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::usage(
            "could not read that receipt file (it should be the text of a Waymark receipt)",
        )
    })?;
    let r = check_since(&IncidentLog::new(app.vault()?), &text)?;
    if app.json {
        return app.print_json(&r);
    }
    out!(
        "Your log still holds everything the receipt from {} covered ({} entries), unchanged; {} entries were added after it.",
        when::show(r.receipt_signed_at),
        r.receipt_entries,
        r.added_since
    );
    Ok(())
}
