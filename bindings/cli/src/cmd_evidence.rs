//! Evidence: keeping photos, screenshots, recordings and documents encrypted, attaching them to
//! incidents, checking them, and taking copies out.

use crate::app::{App, CliError, CliResult};
use crate::when;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use waymark_core::evidence::{CaptureMethod, EvidenceItem, EvidenceStore, Location, NewEvidence};
use waymark_core::log::IncidentLog;

#[derive(Args)]
pub struct CaptureOptions {
    /// How you got it: camera, screenshot, audio, import (a file you already had) or document.
    #[arg(long, value_name = "HOW", default_value = "import")]
    pub how: String,
    /// Where it was taken (latitude), if you want that kept with it.
    #[arg(long, allow_negative_numbers = true, requires = "lon")]
    pub lat: Option<f64>,
    #[arg(long, allow_negative_numbers = true, requires = "lat")]
    pub lon: Option<f64>,
    /// How precise the location is, in metres.
    #[arg(long, value_name = "METRES", requires = "lat")]
    pub accuracy: Option<f64>,
    /// The largest file to keep (e.g. 500M, 8G); a larger one is refused before anything is
    /// written, so a wrong file cannot fill the disk.
    #[arg(long, value_name = "SIZE", default_value = "4G", value_parser = crate::input::parse_size)]
    pub max_size: u64,
}

impl CaptureOptions {
    fn new_evidence(&self) -> Result<NewEvidence, CliError> {
        let mut new = NewEvidence::new(CaptureMethod::parse(&self.how)?);
        if let (Some(lat), Some(lon)) = (self.lat, self.lon) {
            new.location = Some(Location {
                lat,
                lon,
                accuracy_m: self.accuracy,
            });
        }
        Ok(new)
    }
}

#[derive(Args)]
pub struct AttachArgs {
    /// The incident's id, as shown by `waymark list`.
    pub incident: String,
    /// The files to keep with it (photos, screenshots, recordings, documents).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub options: CaptureOptions,
}

#[derive(Args)]
pub struct CaptureArgs {
    /// The file to keep now; you can attach it to an incident later.
    pub file: PathBuf,
    #[command(flatten)]
    pub options: CaptureOptions,
}

#[derive(Args)]
pub struct EvidenceArgs {
    #[command(subcommand)]
    pub command: EvidenceCommand,
}

#[derive(Subcommand)]
pub enum EvidenceCommand {
    /// Show what you have kept, newest first.
    List,
    /// Save a copy of an item, exactly as it was, to a new file (it is not encrypted there).
    Extract { id: String, out: PathBuf },
    /// Check that kept items have not been changed, cut short or swapped (all, or one).
    Verify { id: Option<String> },
    /// Save a copy of a photo that is safer to share: no location, serial numbers or hidden preview.
    ShareCopy { id: String, out: PathBuf },
    /// Delete an item for good: its key is destroyed, so nobody can open it again.
    Delete { id: String },
    /// Keep an item that is already in your vault with an incident.
    Link { id: String, incident: String },
}

pub fn attach(args: AttachArgs, app: &mut App) -> CliResult {
    let vault = app.vault()?;
    // Fail before keeping anything if the incident is not there.
    let incident = IncidentLog::new(vault).get(&args.incident)?.incident.id;
    let store = EvidenceStore::new(vault);
    let mut kept = Vec::new();
    let mut failed: Vec<(PathBuf, CliError)> = Vec::new();
    for file in &args.files {
        let result = args
            .options
            .new_evidence()
            .and_then(|new| Ok(store.add_file_limited(file, new, args.options.max_size)?))
            .and_then(|item| Ok(store.attach(&item.id, &incident)?));
        match result {
            Ok(item) => kept.push(item),
            Err(e) => failed.push((file.clone(), e)),
        }
    }
    if app.json {
        app.print_json(&kept)?;
    } else {
        for item in &kept {
            println!(
                "Kept {} as item {} with incident {}.",
                describe(item),
                item.short_id(),
                short(&incident)
            );
            print_note(item);
        }
    }
    finish_batch(kept.len(), failed)
}

pub fn capture(args: CaptureArgs, app: &mut App) -> CliResult {
    let new = args.options.new_evidence()?;
    let item = EvidenceStore::new(app.vault()?).add_file_limited(
        &args.file,
        new,
        args.options.max_size,
    )?;
    if app.json {
        return app.print_json(&item);
    }
    println!("Kept {} as item {}.", describe(&item), item.short_id());
    print_note(&item);
    println!(
        "It is encrypted in your vault. The file you gave is untouched; delete it yourself if it"
    );
    println!("should not stay on this computer. Add it to an incident with:");
    println!("  waymark evidence link {} INCIDENT", item.short_id());
    Ok(())
}

pub fn evidence(args: EvidenceArgs, app: &mut App) -> CliResult {
    match args.command {
        EvidenceCommand::List => list(app),
        EvidenceCommand::Extract { id, out } => extract(app, &id, out),
        EvidenceCommand::Verify { id } => verify(app, id),
        EvidenceCommand::ShareCopy { id, out } => share_copy(app, &id, out),
        EvidenceCommand::Delete { id } => delete(app, &id),
        EvidenceCommand::Link { id, incident } => link(app, &id, &incident),
    }
}

fn list(app: &mut App) -> CliResult {
    let items = EvidenceStore::new(app.vault()?).list()?;
    if app.json {
        return app.print_json(&items);
    }
    if items.is_empty() {
        println!("No evidence kept yet. Add some with `waymark capture FILE`.");
        return Ok(());
    }
    for i in &items {
        let name = i.original_name.as_deref().unwrap_or("");
        let name: String = name.chars().take(40).collect();
        let with = match i.incidents.len() {
            0 => "not attached yet".to_string(),
            1 => format!("with incident {}", short(&i.incidents[0])),
            n => format!("with {n} incidents"),
        };
        println!(
            "{}  {}  {:<20} {:>9}  {:<10}  {with}  {name}",
            i.short_id(),
            when::show(i.captured_at),
            i.media().describe().chars().take(20).collect::<String>(),
            human_size(i.size),
            i.how.as_str(),
        );
    }
    println!(
        "\n{} item(s). `waymark evidence extract ID FILE` saves a copy.",
        items.len()
    );
    Ok(())
}

fn extract(app: &mut App, id: &str, out: PathBuf) -> CliResult {
    let item = EvidenceStore::new(app.vault()?).extract_to_path(id, &out)?;
    if app.json {
        return app.print_json(&item);
    }
    println!("Saved {} to {}.", describe(&item), out.display());
    println!(
        "It matches what was kept, byte for byte (fingerprint {}).",
        item.sha256
    );
    println!("This copy is NOT encrypted: anyone using this computer can open it.");
    Ok(())
}

fn verify(app: &mut App, id: Option<String>) -> CliResult {
    let store = EvidenceStore::new(app.vault()?);
    if let Some(id) = id {
        let item = store.verify(&id)?;
        if app.json {
            return app.print_json(&item);
        }
        println!(
            "Item {} checks out: unchanged since it was kept on {}.",
            item.short_id(),
            when::show(item.captured_at)
        );
        return Ok(());
    }
    let report = store.verify_all()?;
    if app.json {
        app.print_json(&report)?;
    }
    if report.problems.is_empty() {
        if !app.json {
            println!(
                "All {} item(s) check out: none changed, cut short, swapped or missing.",
                report.checked
            );
        }
        return Ok(());
    }
    let mut message = format!("{} problem(s) found:", report.problems.len());
    for p in &report.problems {
        message.push_str(&format!("\n  {}", p.problem));
    }
    Err(CliError::from(waymark_core::Error::integrity(message)))
}

fn share_copy(app: &mut App, id: &str, out: PathBuf) -> CliResult {
    let copy = EvidenceStore::new(app.vault()?).share_copy(id, &out)?;
    if app.json {
        return app.print_json(&copy.item);
    }
    println!("Saved a copy that is safer to share to {}.", out.display());
    if copy.report.removed.is_empty() {
        println!("The picture carried no hidden details to remove.");
    } else {
        println!("Removed from the copy:");
        for r in &copy.report.removed {
            println!("  - {}", r.describe());
        }
    }
    println!("The picture itself is unchanged, and your original is kept as it was.");
    println!(
        "The copy is also kept as item {}, recorded as made from the original.",
        copy.item.short_id()
    );
    println!("Look at it before sending: anything visible in the picture (a street sign, a face) is still there.");
    Ok(())
}

fn delete(app: &mut App, id: &str) -> CliResult {
    EvidenceStore::new(app.vault()?).delete(id)?;
    println!("Deleted. Its key has been destroyed, so the encrypted file cannot be opened again,");
    println!("not even with your PIN. The log keeps a note that an item was deleted.");
    println!("Copies you saved or shared earlier are not affected.");
    Ok(())
}

fn link(app: &mut App, id: &str, incident: &str) -> CliResult {
    let item = EvidenceStore::new(app.vault()?).attach(id, incident)?;
    if app.json {
        return app.print_json(&item);
    }
    println!(
        "Item {} is now kept with incident {}.",
        item.short_id(),
        short(item.incidents.last().map_or("", |s| s))
    );
    Ok(())
}

fn finish_batch(kept: usize, failed: Vec<(PathBuf, CliError)>) -> CliResult {
    let Some(first) = failed.first() else {
        return Ok(());
    };
    let mut message = format!(
        "{} of {} file(s) could not be kept:",
        failed.len(),
        kept + failed.len()
    );
    for (path, e) in &failed {
        message.push_str(&format!("\n  {}: {}", path.display(), e.message));
    }
    if kept > 0 {
        message.push_str("\nThe others were kept.");
    }
    Err(CliError {
        code: first.1.code,
        message,
    })
}

fn describe(item: &EvidenceItem) -> String {
    format!("a {} ({})", item.media().describe(), human_size(item.size))
}

fn print_note(item: &EvidenceItem) {
    if let Some(note) = item.media().note() {
        println!("{note}");
    }
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut v = bytes as f64;
    let mut unit = "";
    for u in UNITS {
        v /= 1000.0;
        unit = u;
        if v < 1000.0 {
            break;
        }
    }
    format!("{v:.1} {unit}")
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}
