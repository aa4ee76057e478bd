//! Logging incidents and reading them back.

use crate::app::{App, CliError, CliResult};
use crate::when;
use clap::Args;
use waymark_core::log::{
    feeling_label, Incident, IncidentChanges, IncidentKind, IncidentLog, ListFilter, NewIncident,
    Occurred, Place,
};

#[derive(Args)]
pub struct DetailArgs {
    /// When it started: "yesterday 18:30", "2 hours ago", "2026-11-20 18:30" (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// If you are not sure exactly when: the latest it could have been.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Where, in your own words ("outside work", "Tesco car park").
    #[arg(long, value_name = "LABEL")]
    pub place: Option<String>,
    #[arg(long, allow_negative_numbers = true, requires = "lon")]
    pub lat: Option<f64>,
    #[arg(long, allow_negative_numbers = true, requires = "lat")]
    pub lon: Option<f64>,
    /// How precise the location is, in metres.
    #[arg(long, value_name = "METRES")]
    pub accuracy: Option<f64>,
    /// Someone who saw or heard it (repeat for more than one).
    #[arg(long = "witness", value_name = "NAME")]
    pub witnesses: Vec<String>,
    /// The reference number the police gave you.
    #[arg(long, value_name = "REF")]
    pub police_ref: Option<String>,
    /// How it made you feel: 1 uneasy, 2 worried, 3 alarmed, 4 distressed, 5 in fear of violence.
    #[arg(long, value_name = "1-5", value_parser = clap::value_parser!(u8).range(1..=5))]
    pub feeling: Option<u8>,
    /// A word to group incidents by (repeat for more than one).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Who you believe did it.
    #[arg(long = "by", value_name = "WHO")]
    pub attributed_to: Option<String>,
    /// For unwanted contact: how (call, text, email, social media, letter).
    #[arg(long = "via", value_name = "HOW")]
    pub contact_via: Option<String>,
}

#[derive(Args)]
pub struct LogArgs {
    /// What kind of thing happened: followed, watching, turned-up-home, turned-up-work,
    /// turned-up-school, unwanted-contact, gifts-left, property-damage, threats,
    /// contacting-others, online-accounts, impersonation, tracker-suspected, other.
    pub kind: String,
    /// What happened, in your own words.
    pub text: String,
    #[command(flatten)]
    pub details: DetailArgs,
}

#[derive(Args)]
pub struct ListArgs {
    /// Only these kinds (repeat for more than one).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Only incidents from this time on.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Only incidents up to this time.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// At most this many.
    #[arg(long)]
    pub limit: Option<usize>,
}

#[derive(Args)]
pub struct ShowArgs {
    /// The incident's id, as shown by `waymark list` (the first few characters are enough).
    pub id: String,
}

#[derive(Args)]
pub struct AmendArgs {
    pub id: String,
    /// The new description.
    #[arg(long)]
    pub text: Option<String>,
    #[arg(long)]
    pub kind: Option<String>,
    /// Why you are changing it (kept in the history).
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub details: DetailArgs,
}

#[derive(Args)]
pub struct RedactArgs {
    pub id: String,
    /// Why (kept in the log).
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Args)]
pub struct SearchArgs {
    /// Words to look for.
    pub words: Vec<String>,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Also show the log still holds everything a receipt you sent earlier covered.
    #[arg(long, value_name = "RECEIPT")]
    pub since: Option<std::path::PathBuf>,
}

fn now(app: &mut App) -> Result<chrono::DateTime<chrono::Utc>, CliError> {
    Ok(app.vault()?.now())
}

fn place(d: &DetailArgs) -> Option<Place> {
    (d.place.is_some() || d.lat.is_some()).then(|| Place {
        label: d.place.clone(),
        lat: d.lat,
        lon: d.lon,
        accuracy_m: d.accuracy,
    })
}

fn occurred(
    d: &DetailArgs,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Occurred>, CliError> {
    let start =
        d.at.as_deref()
            .map(|t| when::parse_time(t, now))
            .transpose()
            .map_err(CliError::usage)?;
    let end = d
        .until
        .as_deref()
        .map(|t| when::parse_time(t, now))
        .transpose()
        .map_err(CliError::usage)?;
    Ok(match (start, end) {
        (None, None) => None,
        (s, e) => Some(Occurred {
            start: s.unwrap_or(now),
            end: e,
        }),
    })
}

pub fn log(args: LogArgs, app: &mut App) -> CliResult {
    let kind = IncidentKind::parse(&args.kind)?;
    let now = now(app)?;
    let d = &args.details;
    let mut new = NewIncident::new(
        kind,
        occurred(d, now)?.unwrap_or(Occurred::at(now)),
        args.text.clone(),
    );
    new.place = place(d);
    new.witnesses = d.witnesses.clone();
    new.feeling = d.feeling;
    new.police_ref = d.police_ref.clone();
    new.tags = d.tags.clone();
    new.attributed_to = d.attributed_to.clone();
    new.contact_via = d.contact_via.clone();
    let incident = IncidentLog::new(app.vault()?).record(new)?;
    if app.json {
        return app.print_json(&incident);
    }
    out!(
        "Saved as incident {} ({}, {}).",
        short(&incident.id),
        kind.label(),
        when::show(incident.details.occurred.start)
    );
    out!("It is encrypted and sealed into your log; changes later are kept as history.");
    Ok(())
}

pub fn list(args: ListArgs, app: &mut App) -> CliResult {
    let now = now(app)?;
    let kinds = args
        .kinds
        .iter()
        .map(|k| IncidentKind::parse(k))
        .collect::<Result<Vec<_>, _>>()?;
    let time = |t: &Option<String>| {
        t.as_deref()
            .map(|t| when::parse_time(t, now))
            .transpose()
            .map_err(CliError::usage)
    };
    let filter = ListFilter {
        kinds,
        from: time(&args.from)?,
        to: time(&args.to)?,
        limit: args.limit,
    };
    let incidents = IncidentLog::new(app.vault()?).list(&filter)?;
    print_list(app, &incidents)
}

fn print_list(app: &App, incidents: &[Incident]) -> CliResult {
    if app.json {
        return app.print_json(&incidents);
    }
    if incidents.is_empty() {
        out!("Nothing logged yet that matches.");
        return Ok(());
    }
    for i in incidents {
        let first_line = i.details.description.lines().next().unwrap_or("");
        let text: String = first_line.chars().take(60).collect();
        let more = if first_line.chars().count() > 60 {
            "…"
        } else {
            ""
        };
        out!(
            "{}  {}  {:<28}  {text}{more}",
            short(&i.id),
            when::show(i.details.occurred.start),
            i.details.kind.label().chars().take(28).collect::<String>()
        );
    }
    out!(
        "\n{} incident(s). `waymark show ID` shows one in full.",
        incidents.len()
    );
    Ok(())
}

pub fn show(args: ShowArgs, app: &mut App) -> CliResult {
    let shown = IncidentLog::new(app.vault()?).get(&args.id)?;
    if app.json {
        return app.print_json(&shown);
    }
    let i = &shown.incident;
    let d = &i.details;
    out!("Incident {}", i.id);
    out!("What:       {}", d.kind.label());
    match d.occurred.end {
        Some(end) => out!(
            "When:       between {} and {}",
            when::show(d.occurred.start),
            when::show(end)
        ),
        None => out!("When:       {}", when::show(d.occurred.start)),
    }
    out!("Written:    {}", when::show(i.recorded_at));
    if let Some(p) = &d.place {
        let mut s = p.label.clone().unwrap_or_default();
        if let (Some(lat), Some(lon)) = (p.lat, p.lon) {
            s.push_str(&format!(" ({lat:.5}, {lon:.5})"));
        }
        out!("Where:      {}", s.trim());
    }
    if let Some(who) = &d.attributed_to {
        out!("Who:        {who}");
    }
    if let Some(via) = &d.contact_via {
        out!("How:        {via}");
    }
    if !d.witnesses.is_empty() {
        out!("Witnesses:  {}", d.witnesses.join(", "));
    }
    if let Some(f) = d.feeling {
        out!("Feeling:    {f} of 5 ({})", feeling_label(f));
    }
    if let Some(r) = &d.police_ref {
        out!("Police ref: {r}");
    }
    if !d.tags.is_empty() {
        out!("Tags:       {}", d.tags.join(", "));
    }
    out!("\n{}\n", d.description);
    out!("History:");
    for h in &shown.history {
        out!(
            "  #{:<5} {}  {}",
            h.seq,
            when::show(h.recorded_at),
            h.entry_type
        );
    }
    Ok(())
}

pub fn amend(args: AmendArgs, app: &mut App) -> CliResult {
    let now = now(app)?;
    let d = &args.details;
    let changes = IncidentChanges {
        kind: args.kind.as_deref().map(IncidentKind::parse).transpose()?,
        occurred: occurred(d, now)?,
        description: args.text.clone(),
        place: place(d),
        witnesses: (!d.witnesses.is_empty()).then(|| d.witnesses.clone()),
        feeling: d.feeling,
        police_ref: d.police_ref.clone(),
        tags: (!d.tags.is_empty()).then(|| d.tags.clone()),
        attributed_to: d.attributed_to.clone(),
        contact_via: d.contact_via.clone(),
    };
    if changes.is_empty() {
        return Err(CliError::usage(
            "say what to change, for example --text \"...\" or --feeling 4",
        ));
    }
    let incident = IncidentLog::new(app.vault()?).amend(&args.id, changes, args.reason)?;
    if app.json {
        return app.print_json(&incident);
    }
    out!(
        "Incident {} updated. The earlier version stays in its history.",
        short(&incident.id)
    );
    Ok(())
}

pub fn redact(args: RedactArgs, app: &mut App) -> CliResult {
    IncidentLog::new(app.vault()?).redact(&args.id, args.reason)?;
    out!(
        "The incident's content has been removed. The log keeps a note that an entry was removed,"
    );
    out!("so it still checks out as complete.");
    Ok(())
}

pub fn search(args: SearchArgs, app: &mut App) -> CliResult {
    let found = IncidentLog::new(app.vault()?).search(&args.words.join(" "))?;
    print_list(app, &found)
}

pub fn verify(args: VerifyArgs, app: &mut App) -> CliResult {
    let report = IncidentLog::new(app.vault()?).verify()?;
    // Every evidence file too: "exit 2 if anything was changed" covers them.
    let evidence = waymark_core::evidence::EvidenceStore::new(app.vault()?).verify_all()?;
    if let Some(p) = evidence.problems.first() {
        return Err(waymark_core::Error::integrity(format!(
            "evidence item {}: {}",
            short(&p.id),
            p.problem
        ))
        .into());
    }
    // The risk answers live in the log; their index must agree with it.
    waymark_core::risk::RiskChecklist::new(app.vault()?).verify()?;
    if let Some(receipt) = &args.since {
        return crate::cmd_report::verify_since(receipt, app);
    }
    if app.json {
        return app.print_json(&report);
    }
    out!(
        "Your log checks out: {} entries, none changed or missing.",
        report.entries
    );
    if report.redacted_entries > 0 {
        out!(
            "{} of them were removed on purpose (only their fingerprints remain).",
            report.redacted_entries
        );
    }
    out!(
        "Fingerprint of the whole log: {}",
        hex_root(&report.tree_head.root)
    );
    Ok(())
}

pub fn hex_root(root: &[u8; 32]) -> String {
    root.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}
