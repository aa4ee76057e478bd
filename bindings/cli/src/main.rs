//! `waymark`: the terminal front end over the same core the phone apps use.

/// `println!` for everything the CLI shows: the line goes through `app::terminal_safe`, so text
/// stored in the vault (or read from a file) cannot drive the terminal.
macro_rules! out {
    () => {
        println!()
    };
    ($($arg:tt)*) => {
        println!("{}", $crate::app::terminal_safe(&format!($($arg)*)))
    };
}

mod app;
#[cfg(test)]
mod bindings_table;
mod cmd_evidence;
mod cmd_log;
mod cmd_report;
mod cmd_risk;
mod cmd_routes;
mod cmd_safety;
mod cmd_vault;
mod demo;
mod input;
mod relay;
mod when;

use app::App;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Waymark keeps a private, tamper-evident record of what is happening to you,
/// so that you, a support worker or the police can see the pattern.
///
/// If you are in danger now, call 999. If you cannot speak, stay on the line and press 55.
/// National Stalking Helpline: 0808 802 0300.
#[derive(Parser)]
#[command(name = "waymark", version, after_help = app::AFTER_HELP)]
struct Cli {
    /// The folder that holds your vault (default: your user data folder).
    #[arg(long, global = true, value_name = "DIR", env = "WAYMARK_VAULT")]
    vault: Option<PathBuf>,
    /// Read your PIN (and any new PIN) from standard input, one per line. For scripts and tests.
    #[arg(long, global = true)]
    pin_stdin: bool,
    /// Print machine-readable JSON instead of text (commands that read).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new vault protected by a PIN (6+ digits) or a passphrase.
    Init(cmd_vault::InitArgs),
    /// Write down something that happened.
    Log(cmd_log::LogArgs),
    /// Show what you have logged, newest first.
    List(cmd_log::ListArgs),
    /// Show one incident in full, with every change made to it.
    Show(cmd_log::ShowArgs),
    /// Correct or add to an incident (the original stays in its history).
    Amend(cmd_log::AmendArgs),
    /// Remove an incident's content for good (a marker that something was removed stays).
    Redact(cmd_log::RedactArgs),
    /// Find incidents by words in them.
    Search(cmd_log::SearchArgs),
    /// Check that nothing in the log has been changed or removed.
    Verify(cmd_log::VerifyArgs),
    /// Patterns in your log: how often, when, where, and signs it is getting worse.
    Insights,
    /// The police's stalking risk questions, what your log says about each, and your answers.
    Risk(cmd_risk::RiskArgs),
    /// Make a PDF report to give to the police or a support worker.
    Report(cmd_report::ReportArgs),
    /// Export incidents and their evidence so anyone can check them; or check a bundle.
    Bundle(cmd_report::BundleArgs),
    /// Print a short signed receipt of your log to send to your advocate or solicitor.
    Receipt,
    /// Change your PIN or passphrase; or set, change or remove your duress PIN.
    Passwd(cmd_vault::PasswdArgs),
    /// Forgot your PIN? Open the vault with your recovery code and choose a new PIN.
    Recover,
    /// Show whether a vault exists and how it is protected (no PIN needed).
    Status,
    /// Your vault's settings: see them, or turn "erase after N wrong PINs" on or off.
    Settings(cmd_vault::SettingsArgs),
    /// Write one encrypted file holding everything in your vault, opened only by your recovery code.
    Backup(cmd_vault::BackupArgs),
    /// Make a new vault from a backup, with your recovery code and a new PIN.
    Restore(cmd_vault::RestoreArgs),
    /// Your map: import your area's OpenStreetMap file, or see which map is in use.
    Map(cmd_routes::MapArgs),
    /// Save, list or remove places (home, work, school) - kept only in your vault.
    Places(cmd_routes::PlacesArgs),
    /// Show different ways between two places, so you need not always take the same one.
    Routes(cmd_routes::RoutesArgs),
    /// Plan the coming days with a route and leaving time picked at random for each day.
    Plan(cmd_routes::PlanArgs),
    /// Try Waymark with made-up data in a throw-away vault. Nothing of yours is touched.
    Demo,
    /// Keep files (photos, screenshots, recordings, documents) with an incident.
    Attach(cmd_evidence::AttachArgs),
    /// Keep a file now, encrypted; attach it to an incident later.
    Capture(cmd_evidence::CaptureArgs),
    /// List, check, copy out or delete the evidence you have kept.
    Evidence(cmd_evidence::EvidenceArgs),
    /// The people you trust: buddies who get your check-in plans, emergency contacts.
    Contacts(cmd_safety::ContactsArgs),
    /// Tell a buddy where you are going and when you will check in; they are alerted if you don't.
    Checkin(cmd_safety::CheckinArgs),
    /// Phone numbers for help: 999, 101, the National Stalking Helpline, Samaritans.
    HelpNumbers(cmd_safety::HelpNumbersArgs),
    /// The digital-safety checklist: spyware, privacy settings, passwords, trackers.
    Checklist(cmd_safety::ChecklistArgs),
}

fn main() -> ExitCode {
    app::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    let mut app = match App::new(cli.vault, cli.pin_stdin, cli.json) {
        Ok(a) => a,
        Err(e) => return e.report(),
    };
    let result = match cli.command {
        Command::Init(a) => cmd_vault::init(a, &mut app),
        Command::Log(a) => cmd_log::log(a, &mut app),
        Command::List(a) => cmd_log::list(a, &mut app),
        Command::Show(a) => cmd_log::show(a, &mut app),
        Command::Amend(a) => cmd_log::amend(a, &mut app),
        Command::Redact(a) => cmd_log::redact(a, &mut app),
        Command::Search(a) => cmd_log::search(a, &mut app),
        Command::Verify(a) => cmd_log::verify(a, &mut app),
        Command::Insights => cmd_report::insights(&mut app),
        Command::Risk(a) => cmd_risk::risk(a, &mut app),
        Command::Report(a) => cmd_report::report(a, &mut app),
        Command::Bundle(a) => cmd_report::bundle(a, &mut app),
        Command::Receipt => cmd_report::receipt(&mut app),
        Command::Passwd(a) => cmd_vault::passwd(a, &mut app),
        Command::Recover => cmd_vault::recover(&mut app),
        Command::Status => cmd_vault::status(&mut app),
        Command::Settings(a) => cmd_vault::settings(a, &mut app),
        Command::Backup(a) => cmd_vault::backup(a, &mut app),
        Command::Restore(a) => cmd_vault::restore(a, &mut app),
        Command::Map(a) => cmd_routes::map(a, &mut app),
        Command::Places(a) => cmd_routes::places(a, &mut app),
        Command::Routes(a) => cmd_routes::routes(a, &mut app),
        Command::Plan(a) => cmd_routes::plan(a, &mut app),
        Command::Demo => demo::run(&mut app),
        Command::Attach(a) => cmd_evidence::attach(a, &mut app),
        Command::Capture(a) => cmd_evidence::capture(a, &mut app),
        Command::Evidence(a) => cmd_evidence::evidence(a, &mut app),
        Command::Contacts(a) => cmd_safety::contacts(a, &mut app),
        Command::Checkin(a) => cmd_safety::checkin(a, &mut app),
        Command::HelpNumbers(a) => cmd_safety::help_numbers(a, &mut app),
        Command::Checklist(a) => cmd_safety::checklist(a, &mut app),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
