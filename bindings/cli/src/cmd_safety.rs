//! Staying safe: trusted contacts, check-ins with a buddy, help numbers, the digital-safety
//! checklist. The computer cannot send texts: the CLI prints each text and who to send it to.

use crate::app::{App, CliError, CliResult};
use crate::relay;
use crate::when;
use chrono::{DateTime, Duration, Local, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::sync::Arc;
use waymark_core::safety::checklist::ItemStatus;
use waymark_core::safety::help::{self, Region};
use waymark_core::safety::relay::RelayState;
use waymark_core::safety::{
    ArmedCheckIn, Buddy, CheckInView, Event, EventKind, Expect, Location, NewContact, Plan,
    Recipient, RelayOp, Role, Safety, State,
};
use waymark_core::SystemClock;

// ----- contacts -----

#[derive(Args)]
pub struct ContactsArgs {
    #[command(subcommand)]
    pub command: ContactsCommand,
}

#[derive(Subcommand)]
pub enum ContactsCommand {
    /// Add someone you trust. Numbers like 07700 900123 are read as UK numbers.
    Add {
        /// What you call them.
        name: String,
        /// Their mobile number.
        phone: String,
        /// Who they are to you ("sister", "friend", "support worker").
        #[arg(long)]
        relationship: Option<String>,
        /// buddy (gets your check-in plans) or emergency (someone to call); repeat for both.
        #[arg(long = "role", value_name = "buddy|emergency")]
        roles: Vec<String>,
        /// The country their number is written for, if it has no + in front (default GB).
        #[arg(long, default_value = "GB")]
        region: String,
    },
    /// Show your trusted contacts.
    List,
    /// Remove a contact.
    Remove { name: String },
}

pub fn contacts(args: ContactsArgs, app: &mut App) -> CliResult {
    let json = app.json;
    let safety = Safety::new(app.vault()?);
    match args.command {
        ContactsCommand::Add {
            name,
            phone,
            relationship,
            roles,
            region,
        } => {
            let roles = roles
                .iter()
                .map(|r| Role::parse(r))
                .collect::<Result<Vec<_>, _>>()?;
            let c = safety.add_contact(NewContact {
                name,
                phone,
                relationship,
                roles,
                region,
            })?;
            if json {
                return app.print_json(&c);
            }
            out!("Added {} ({}).", c.name, c.phone);
        }
        ContactsCommand::List => {
            let all = safety.contacts()?;
            if json {
                return app.print_json(&all);
            }
            if all.is_empty() {
                out!("You have no trusted contacts yet. Add one with: waymark contacts add NAME PHONE");
            }
            for c in all {
                let roles: Vec<&str> = c.roles.iter().map(|r| r.as_str()).collect();
                let rel = c.relationship.map(|r| format!(", {r}")).unwrap_or_default();
                out!("{}  {}{}  ({})", c.name, c.phone, rel, roles.join(", "));
            }
        }
        ContactsCommand::Remove { name } => {
            safety.remove_contact(&name)?;
            if !json {
                out!("Removed.");
            }
        }
    }
    Ok(())
}

// ----- check-ins -----

#[derive(Args)]
pub struct CheckinArgs {
    #[command(subcommand)]
    pub command: CheckinCommand,
}

#[derive(Subcommand)]
pub enum CheckinCommand {
    /// Tell your buddies where you are going and when to expect you to check in.
    Start(StartArgs),
    /// Where your check-in stands.
    Status,
    /// Check in: you are safe.
    Ok,
    /// Give yourself more time.
    Extend {
        /// Minutes to add.
        minutes: u32,
    },
    /// Call the plan off.
    Cancel,
    /// Note where you are now, for alerts (only if you started with --share-location).
    Location {
        #[arg(long, allow_negative_numbers = true)]
        lat: f64,
        #[arg(long, allow_negative_numbers = true)]
        lon: f64,
        /// How precise it is, in metres.
        #[arg(long, value_name = "METRES")]
        accuracy: Option<f64>,
    },
    /// Show reminders and texts that are due now (each only once). Needs no PIN.
    Tick {
        /// Act as if it were this time (for testing).
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
}

#[derive(Args)]
pub struct StartArgs {
    /// Where you are going.
    #[arg(long = "to", value_name = "PLACE")]
    pub to: String,
    /// When to expect your check-in: a time ("18:30", "2026-11-25 18:30") or how long ("45m", "2h", "1h30m").
    #[arg(long, value_name = "TIME|DURATION")]
    pub expect: String,
    /// Minutes after that before your first buddy is alerted (default 15).
    #[arg(long, value_name = "MIN")]
    pub grace: Option<u32>,
    /// A buddy to tell, by name (repeat; the first is alerted first). Default: all your buddies.
    #[arg(long = "buddy", value_name = "NAME")]
    pub buddies: Vec<String>,
    /// Who you are meeting, if you want your buddy to know.
    #[arg(long, value_name = "WHO")]
    pub meeting: Option<String>,
    /// Your route, in words.
    #[arg(long, value_name = "ROUTE")]
    pub route: Option<String>,
    /// What your buddy should do if you do not check in.
    #[arg(long = "if-missed", value_name = "TEXT")]
    pub if_missed: Option<String>,
    /// Let alerts include where your phone last was (see `waymark checkin location`).
    #[arg(long)]
    pub share_location: bool,
    /// Show the texts your buddies would get, without starting.
    #[arg(long)]
    pub dry_run: bool,
    /// Also give your plan to this relay (https://...), which texts your buddies if you don't
    /// check in even when this device is off or taken. Its key is remembered on first use.
    #[arg(long, value_name = "URL")]
    pub relay: Option<String>,
    /// Accept the relay's changed key, if its fingerprint is exactly this (ask whoever runs it).
    #[arg(long, value_name = "FINGERPRINT", requires = "relay")]
    pub accept_relay_key: Option<String>,
}

/// "45", "45m", "45 min", "2h", "1h30m", "2 hours".
fn parse_duration_minutes(s: &str) -> Option<u32> {
    let s = s.trim().to_lowercase().replace(' ', "");
    if let Ok(m) = s.parse::<u32>() {
        return Some(m);
    }
    let mut total: u32 = 0;
    let mut num = String::new();
    let mut rest = s.as_str();
    let mut any = false;
    while !rest.is_empty() {
        let c = rest.chars().next()?;
        if c.is_ascii_digit() {
            num.push(c);
            rest = &rest[1..];
            continue;
        }
        let n: u32 = num.parse().ok()?;
        num.clear();
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "h" | "hr" | "hrs" | "hour" | "hours" => 60,
            "m" | "min" | "mins" | "minute" | "minutes" => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(factor)?)?;
        rest = &rest[unit_len..];
        any = true;
    }
    (any && num.is_empty()).then_some(total)
}

fn parse_expect(s: &str, now: DateTime<Utc>) -> Result<Expect, CliError> {
    if let Some(m) = parse_duration_minutes(s) {
        return Ok(Expect::WithinMinutes(m));
    }
    let t = when::parse_time(s, now).map_err(|_| {
        CliError::usage(
            "could not understand --expect; give a time like 18:30 or a duration like 45m or 2h",
        )
    })?;
    if t > now {
        return Ok(Expect::At(t));
    }
    // "00:30" typed at 23:45 means after midnight: the next such time, if it is close.
    // Only for a bare clock time; a time with a date means what it says.
    let lower = s.to_lowercase();
    let has_day = lower.contains('-')
        || ["today", "yesterday", "ago", "now"]
            .iter()
            .any(|w| lower.contains(w));
    let tomorrow = t + Duration::days(1);
    if !has_day && tomorrow > now && tomorrow <= now + Duration::hours(12) {
        return Ok(Expect::At(tomorrow));
    }
    Err(CliError::usage(
        "that time has already passed; give a later time or a duration like 45m",
    ))
}

fn local_time(t: DateTime<Utc>) -> String {
    when::show(t)
}

fn state_words(s: State) -> &'static str {
    match s {
        State::Planned => "planned, not started",
        State::Active => "running",
        State::Extended => "running (you added time)",
        State::Missed => "overdue: check in now",
        State::Escalated => "overdue: your buddies are being alerted",
        State::CheckedIn => "checked in",
        State::Resolved => "checked in after your buddies were alerted",
        State::Cancelled => "cancelled",
    }
}

/// Print due events for a person: texts to send, and reminders.
fn print_events(events: &[Event]) {
    for e in events {
        match &e.to {
            Recipient::Buddy { name, phone, .. } => {
                let n = e.sms.map(|s| s.segments).unwrap_or(1);
                let texts = if n == 1 {
                    "1 text".to_string()
                } else {
                    format!("{n} texts")
                };
                out!("Send this to {name} ({phone}), {texts}:\n  {}\n", e.text);
            }
            Recipient::User => {
                let label = match e.kind {
                    EventKind::Call999Prompt => "Important",
                    EventKind::Missed => "Missed check-in",
                    _ => "Reminder",
                };
                out!("{label}: {}\n", e.text);
            }
        }
    }
}

#[derive(Serialize)]
struct EventJson<'a> {
    #[serde(rename = "type")]
    kind: EventKind,
    id: &'a str,
    due_at: DateTime<Utc>,
    /// "you" or "buddy".
    to: &'static str,
    /// The buddy the text is for; null for reminders to you.
    contact: Option<ContactJson<'a>>,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sms: Option<waymark_core::safety::messages::SmsLength>,
}

#[derive(Serialize)]
struct ContactJson<'a> {
    name: &'a str,
    phone: &'a str,
}

fn events_json(events: &[Event]) -> Vec<EventJson<'_>> {
    events
        .iter()
        .map(|e| {
            let (to, contact) = match &e.to {
                Recipient::Buddy { name, phone, .. } => {
                    ("buddy", Some(ContactJson { name, phone }))
                }
                Recipient::User => ("you", None),
            };
            EventJson {
                kind: e.kind,
                id: &e.id,
                due_at: e.due_at,
                to,
                contact,
                text: &e.text,
                sms: e.sms,
            }
        })
        .collect()
}

/// Events as JSON, with what the relay said when there is one: `{"events": [...], "relay": ...}`.
fn print_events_with_relay(
    app: &App,
    events: &[Event],
    outcome: Option<&relay::Outcome>,
) -> CliResult {
    match outcome {
        None => app.print_json(&events_json(events)),
        Some(o) => app.print_json(&serde_json::json!({
            "events": events_json(events),
            "relay": o.json(),
        })),
    }
}

fn relay_status_words(o: &relay::Outcome) -> String {
    match (o.state(), o.problem()) {
        (Some(RelayState::Armed), _) => "holding your plan".into(),
        (Some(RelayState::CheckedIn), _) => "has your check-in".into(),
        (Some(RelayState::Cancelled), _) => "has dropped your plan".into(),
        (Some(RelayState::Alerted), _) => "has texted your buddies".into(),
        (None, Some(why)) => {
            format!("NOT holding your plan as far as this device can tell ({why})")
        }
        (None, None) => "no answer".into(),
    }
}

fn print_status(v: &CheckInView) {
    out!("Check-in: {}", state_words(v.state));
    out!("Going to: {}", v.destination);
    if let Some(m) = &v.meeting {
        out!("Meeting: {m}");
    }
    out!("Buddies: {}", v.buddies.join(", "));
    if let Some(d) = v.deadline {
        out!("Check in by: {}", local_time(d));
    }
    if let (Some(a), true) = (v.alert_at, !v.state.is_closed()) {
        out!("First buddy alerted at: {}", local_time(a));
    }
    if let Some(url) = &v.relay {
        out!("Relay: {url}");
    }
}

pub fn checkin(args: CheckinArgs, app: &mut App) -> CliResult {
    let json = app.json;
    // These two work on the locked vault: a wake-up tick needs no PIN, and checking in goes
    // through the armed check-in so that the duress PIN works (it only opens the decoy).
    match args.command {
        CheckinCommand::Tick { now } => return checkin_tick(now, app),
        CheckinCommand::Ok => return checkin_ok(app),
        _ => {}
    }
    let vault = app.vault()?;
    let safety = Safety::new(vault);
    let now = vault.now();
    match args.command {
        CheckinCommand::Start(a) => {
            let expect = parse_expect(&a.expect, now)?;
            let contacts = safety.contacts()?;
            let chosen = if a.buddies.is_empty() {
                contacts
                    .into_iter()
                    .filter(|c| c.roles.contains(&Role::Buddy))
                    .collect::<Vec<_>>()
            } else {
                a.buddies
                    .iter()
                    .map(|n| safety.find_contact(n))
                    .collect::<Result<Vec<_>, _>>()?
            };
            if chosen.is_empty() {
                return Err(CliError::usage(
                    "you have no buddy yet; add one with: waymark contacts add NAME PHONE",
                ));
            }
            let buddies = chosen
                .into_iter()
                .map(|c| Buddy {
                    contact_id: c.id,
                    name: c.name,
                    phone: c.phone.to_string(),
                })
                .collect();
            let mut plan = Plan::new(&a.to, expect, buddies);
            plan.meeting = a.meeting;
            plan.route = a.route;
            if let Some(g) = a.grace {
                plan.grace_minutes = g;
            }
            if let Some(t) = a.if_missed {
                plan.if_missed = t;
            }
            plan.share_location = a.share_location;
            plan.region = safety.region()?.code.to_string();
            plan.utc_offset_minutes = Local::now().offset().local_minus_utc() / 60;
            if a.dry_run {
                let events = safety.preview_checkin(plan)?;
                if json {
                    return app.print_json(&events_json(&events));
                }
                out!("Nothing was started. Your buddies would get:\n");
                print_events(&events);
                return Ok(());
            }
            // The relay's key first: a changed key stops everything before anything starts.
            let chosen = match &a.relay {
                Some(url) => Some(relay::choose(&safety, url, a.accept_relay_key.as_deref())?),
                None => None,
            };
            let view = match &chosen {
                Some(Ok(_)) => safety.start_relayed_checkin(plan)?,
                _ => safety.start_checkin(plan)?,
            };
            let events = safety.tick(vault.now())?;
            let outcome = match &chosen {
                Some(Ok(_)) => relay::Outcome::of(safety.relay_request(&view.id, RelayOp::Arm)?),
                Some(Err(why)) => Some(relay::Outcome {
                    reply: Err(why.clone()),
                }),
                None => None,
            };
            if json {
                #[derive(Serialize)]
                struct Started<'a> {
                    checkin: &'a CheckInView,
                    events: Vec<EventJson<'a>>,
                    #[serde(skip_serializing_if = "Option::is_none")]
                    relay: Option<serde_json::Value>,
                }
                return app.print_json(&Started {
                    checkin: &view,
                    events: events_json(&events),
                    relay: outcome.as_ref().map(relay::Outcome::json),
                });
            }
            if let Some(Ok(said)) = &chosen {
                for line in said {
                    out!("{line}\n");
                }
            }
            out!("Your check-in has started. Now text your buddies your plan:\n");
            print_events(&events);
            if let (Some(d), Some(alert)) = (view.deadline, view.alert_at) {
                out!("Check in with `waymark checkin ok` by {}. If you don't, your first buddy will be alerted at {}.", local_time(d), local_time(alert));
                if let Some(o) = &outcome {
                    match o.problem() {
                        None => out!("\nThe relay holds your plan: if you don't check in, it will text your buddies at {} even if this device is off or taken.", local_time(alert)),
                        Some(why) => out!("\nThe relay is NOT holding your plan ({why}). Only this device's timer is running, so keep it with you and switched on."),
                    }
                }
            }
        }
        CheckinCommand::Status => {
            let view = safety.current_checkin()?;
            let outcome = match &view {
                Some(v) if v.relay.is_some() => {
                    relay::Outcome::of(safety.relay_request(&v.id, RelayOp::Status)?)
                }
                _ => None,
            };
            if json {
                let mut value = serde_json::to_value(&view)
                    .map_err(|_| CliError::usage("could not format JSON"))?;
                if let (Some(o), Some(obj)) = (&outcome, value.as_object_mut()) {
                    obj.insert("relay_status".into(), o.json());
                }
                return app.print_json(&value);
            }
            match view {
                Some(v) => {
                    print_status(&v);
                    if let Some(o) = &outcome {
                        out!("Relay: {}", relay_status_words(o));
                    }
                }
                None => out!("No check-in is running. Start one with: waymark checkin start --to PLACE --expect 45m"),
            }
        }
        CheckinCommand::Extend { minutes } => {
            let id = safety.current_checkin()?.map(|v| v.id);
            let deadline = safety.extend(minutes)?;
            let events = safety.tick(vault.now())?;
            let outcome = match &id {
                Some(id) => relay::Outcome::of(safety.relay_request(id, RelayOp::Extend)?),
                None => None,
            };
            if json {
                return print_events_with_relay(app, &events, outcome.as_ref());
            }
            out!("Done. Check in by {}.\n", local_time(deadline));
            print_events(&events);
            if let Some(o) = &outcome {
                match o.problem() {
                    None => out!("The relay has your new time."),
                    Some(why) => out!("The relay did NOT get your new time ({why}). Unless it does, it will text your buddies at the time you set before. Try `waymark checkin extend` again when you are online, or tell your buddies yourself."),
                }
            }
        }
        CheckinCommand::Cancel => {
            let id = safety.current_checkin()?.map(|v| v.id);
            safety.cancel()?;
            let outcome = match &id {
                Some(id) => relay::Outcome::of(safety.relay_request(id, RelayOp::Cancel)?),
                None => None,
            };
            let events = safety.tick(vault.now())?;
            if json {
                return print_events_with_relay(app, &events, outcome.as_ref());
            }
            out!("Your check-in is cancelled.\n");
            print_events(&events);
            if let Some(o) = &outcome {
                match o.problem() {
                    None if o.state() == Some(RelayState::Alerted) => out!("The relay had already texted your buddies: tell them yourself that the plan is off."),
                    None => out!("The relay has dropped your plan."),
                    Some(why) => out!("The relay did NOT get this ({why}). Unless it does, it will text your buddies when your check-in time runs out: tell them yourself that the plan is off."),
                }
            }
        }
        CheckinCommand::Location { lat, lon, accuracy } => {
            let saved = safety.record_location(Location {
                lat,
                lon,
                accuracy_m: accuracy,
                at: now,
            })?;
            if json {
                return app.print_json(&serde_json::json!({ "saved": saved }));
            }
            if saved {
                out!("Saved. If you miss your check-in, your buddies will get this location.");
            } else {
                out!("Not saved: this check-in was started without --share-location.");
            }
        }
        CheckinCommand::Tick { .. } | CheckinCommand::Ok => {}
    }
    Ok(())
}

fn armed_checkin(app: &App) -> Result<ArmedCheckIn, CliError> {
    app.locked_vault()?; // the friendly "no vault here" message
    Ok(ArmedCheckIn::open(
        &app.vault_dir,
        App::prf(),
        Arc::new(SystemClock),
    )?)
}

/// `waymark checkin tick`: no PIN, the vault stays locked.
fn checkin_tick(at: Option<String>, app: &mut App) -> CliResult {
    let armed = armed_checkin(app)?;
    let now = Utc::now();
    let at = match at {
        Some(s) => when::parse_time(&s, now).map_err(CliError::usage)?,
        None => now,
    };
    let events = armed.tick(at)?;
    if app.json {
        return app.print_json(&events_json(&events));
    }
    if events.is_empty() {
        match armed.next_wake()? {
            Some(w) => out!("Nothing is due now. Next: {}.", local_time(w)),
            None => out!("Nothing is due."),
        }
    }
    print_events(&events);
    Ok(())
}

/// `waymark checkin ok`: the PIN, checked without unlocking. The duress PIN prints exactly the
/// same; its urgent alerts are left for the next `checkin tick`.
fn checkin_ok(app: &mut App) -> CliResult {
    let armed = armed_checkin(app)?;
    let secret = app.read_secret("PIN: ")?;
    let receipt = armed
        .check_in_with_texts(&secret)
        .map_err(|e| app.erased_or(e))?;
    // The duress PIN's request carries the duress secret; the relay answers both alike, so
    // everything printed below is the same for either PIN.
    let outcome = relay::Outcome::of(receipt.relay.clone());
    if app.json {
        return print_events_with_relay(app, &receipt.events, outcome.as_ref());
    }
    out!("You're checked in. Thank you.\n");
    if receipt.state == State::Resolved {
        out!("Your buddies were being alerted, so please let them know you're safe:\n");
    }
    print_events(&receipt.events);
    if let Some(o) = &outcome {
        match o.problem() {
            None if o.state() == Some(RelayState::Alerted) => out!("The relay had already texted your buddies: tell them yourself that you're safe."),
            None => out!("The relay has your check-in too."),
            Some(why) => out!("The relay did NOT get your check-in ({why}). Unless it does, it will text your buddies when your check-in time runs out: tell them yourself that you're safe."),
        }
    }
    Ok(())
}

// ----- help numbers -----

#[derive(Args)]
pub struct HelpNumbersArgs {
    /// Show the numbers for this region (GB, IE, EU, US, CA, AU, NZ). Does not need your PIN.
    #[arg(long)]
    pub region: Option<String>,
    /// Remember --region for your check-in messages (needs your PIN).
    #[arg(long, requires = "region")]
    pub remember: bool,
    #[command(subcommand)]
    pub command: Option<HelpCommand>,
}

#[derive(Subcommand)]
pub enum HelpCommand {
    /// Add a local helpline or your support worker's number (needs your PIN).
    Add {
        name: String,
        number: String,
        /// What it is for, or when it answers.
        #[arg(long = "what", value_name = "TEXT")]
        what_for: Option<String>,
    },
    /// Remove a helpline you added.
    Remove { name: String },
    /// Show the helplines you added (needs your PIN).
    Mine,
}

fn print_region(r: &Region) {
    out!(
        "{} - if you are in danger, call {} now.\n",
        r.name,
        r.emergency_number
    );
    for e in r.entries {
        out!("{}: {}  ({})", e.name, e.number, e.hours);
        out!("  {}", e.what_for);
        for n in e.notes {
            out!("  - {n}");
        }
        out!();
    }
    out!(
        "Other regions: waymark help-numbers --region {}",
        help::region_codes().join("|")
    );
}

/// Never asks for a PIN unless asked to remember: help must be one step away.
pub fn help_numbers(args: HelpNumbersArgs, app: &mut App) -> CliResult {
    let json = app.json;
    match args.command {
        Some(HelpCommand::Add {
            name,
            number,
            what_for,
        }) => {
            let e =
                Safety::new(app.vault()?).add_help_entry(&name, &number, what_for.as_deref())?;
            if json {
                return app.print_json(&e);
            }
            out!("Added {} ({}).", e.name, e.number);
            return Ok(());
        }
        Some(HelpCommand::Remove { name }) => {
            Safety::new(app.vault()?).remove_help_entry(&name)?;
            if !json {
                out!("Removed.");
            }
            return Ok(());
        }
        Some(HelpCommand::Mine) => {
            let mine = Safety::new(app.vault()?).help_entries()?;
            if json {
                return app.print_json(&mine);
            }
            if mine.is_empty() {
                out!("You have not added any helplines. Add one with: waymark help-numbers add NAME NUMBER");
            }
            for e in mine {
                let what = e.what_for.map(|w| format!("\n  {w}")).unwrap_or_default();
                out!("{}: {}{what}", e.name, e.number);
            }
            return Ok(());
        }
        None => {}
    }
    let region = help::directory(args.region.as_deref().unwrap_or(help::DEFAULT_REGION))?;
    if args.remember {
        Safety::new(app.vault()?).set_region(region.code)?;
    }
    if app.json {
        return app.print_json(region);
    }
    print_region(region);
    Ok(())
}

// ----- checklist -----

#[derive(Args)]
pub struct ChecklistArgs {
    #[command(subcommand)]
    pub command: Option<ChecklistCommand>,
}

#[derive(Subcommand)]
pub enum ChecklistCommand {
    /// Mark an item done today (by its number or name).
    Done { item: String },
    /// Mark an item not done.
    Undo { item: String },
}

pub fn checklist(args: ChecklistArgs, app: &mut App) -> CliResult {
    let json = app.json;
    let safety = Safety::new(app.vault()?);
    match args.command {
        Some(ChecklistCommand::Done { item }) => {
            let e = safety.checklist_done(&item)?;
            if json {
                return app.print_json(&e);
            }
            match e.status {
                ItemStatus::Done {
                    again_at: Some(t), ..
                } => out!(
                    "Done: {}. I'll remind you again after {}.",
                    e.item.title,
                    local_time(t)
                ),
                _ => out!("Done: {}.", e.item.title),
            }
        }
        Some(ChecklistCommand::Undo { item }) => {
            safety.checklist_undo(&item)?;
            if !json {
                out!("Marked as not done.");
            }
        }
        None => {
            let entries = safety.checklist()?;
            if json {
                return app.print_json(&entries);
            }
            out!("Digital safety checklist (mark one done with: waymark checklist done NUMBER)\n");
            for e in entries {
                let mark = match e.status {
                    ItemStatus::NotDone => "[ ]".to_string(),
                    ItemStatus::Done { done_at, .. } => format!("[x] done {}", local_time(done_at)),
                    ItemStatus::DueAgain { done_at, .. } => {
                        format!("[!] time to do again (last done {})", local_time(done_at))
                    }
                };
                out!("{}. {} {}", e.number, e.item.title, mark);
                out!("   {}", e.item.advice);
                if !e.item.if_found.is_empty() {
                    out!("   If you find something: {}", e.item.if_found);
                }
                out!();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_ways_people_write_them() {
        for (s, m) in [
            ("45", 45),
            ("45m", 45),
            ("45 min", 45),
            ("2h", 120),
            ("1h30m", 90),
            ("2 hours", 120),
            ("1 hour 15 mins", 75),
        ] {
            assert_eq!(parse_duration_minutes(s), Some(m), "{s}");
        }
        for s in ["", "h", "18:30", "2x", "1h30", "99999999999h"] {
            assert_eq!(parse_duration_minutes(s), None, "{s}");
        }
    }

    #[test]
    fn a_clock_time_already_passed_means_after_midnight_only_if_close() {
        use chrono::TimeZone;
        let now = Local
            .with_ymd_and_hms(2026, 11, 25, 23, 45, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc);
        let later = now + Duration::hours(2);
        assert_eq!(
            parse_expect(&later.to_rfc3339(), now).unwrap(),
            Expect::At(later)
        );
        let after_midnight = Local
            .with_ymd_and_hms(2026, 11, 26, 0, 30, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_expect("00:30", now).unwrap(),
            Expect::At(after_midnight)
        );
        assert!(
            parse_expect("12:00", now).is_err(),
            "12 hours 15 minutes ahead is not what was meant"
        );
        let dated = (now - Duration::hours(1)).to_rfc3339();
        assert!(
            parse_expect(&dated, now).is_err(),
            "a dated time in the past is refused"
        );
        assert_eq!(parse_expect("90m", now).unwrap(), Expect::WithinMinutes(90));
        assert!(parse_expect("soonish", now).is_err());
    }
}
