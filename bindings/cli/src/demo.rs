//! `waymark demo`: a throw-away vault with a few made-up weeks, and a walk through what Waymark does.

use crate::app::{App, CliError, CliResult};
use crate::cmd_log::{hex_root, short};
use crate::when;
use chrono::{Duration, Utc};
use std::sync::Arc;
use std::time::Instant;
use waymark_core::log::{
    IncidentChanges, IncidentKind, IncidentLog, ListFilter, NewIncident, Occurred, Place,
};
use waymark_core::vault::{CreateOptions, Vault};
use waymark_core::{Error, SystemClock};

const DEMO_PIN: &str = "482913";

/// Runs the real `waymark` binary on the demo vault and shows the command and what it printed.
struct Cli {
    exe: std::path::PathBuf,
    vault_dir: std::path::PathBuf,
}

impl Cli {
    fn run(&self, args: &[&str]) -> Result<(), CliError> {
        use std::io::Write;
        use std::process::{Command, Stdio};
        out!(
            "\n$ waymark {}",
            args.iter()
                .map(|a| if a.contains(' ') {
                    format!("\"{a}\"")
                } else {
                    a.to_string()
                })
                .collect::<Vec<_>>()
                .join(" ")
        );
        let mut child = Command::new(&self.exe)
            .args(args)
            .arg("--vault")
            .arg(&self.vault_dir)
            .arg("--pin-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(format!("{DEMO_PIN}\n").as_bytes());
        }
        let out = child.wait_with_output()?;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            out!("  {line}");
        }
        if !out.status.success() {
            return Err(CliError::usage(format!(
                "the demo step `waymark {}` failed: {}",
                args.first().copied().unwrap_or(""),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(())
    }
}

fn step(title: &str) {
    out!("\n== {title} ==");
}

/// A few weeks that escalate the way many stalking cases do: messages, then being followed,
/// then turning up at home, then threats.
fn story() -> Vec<(i64, IncidentKind, &'static str, Option<&'static str>, u8)> {
    use IncidentKind::*;
    vec![
        (
            27,
            UnwantedContact,
            "Three texts from J. after I said I did not want contact.",
            None,
            2,
        ),
        (
            25,
            UnwantedContact,
            "Missed calls from a withheld number at 23:40 and 00:15.",
            None,
            2,
        ),
        (
            22,
            ContactingOthers,
            "J. messaged my sister asking where I am living now.",
            None,
            3,
        ),
        (
            20,
            UnwantedContact,
            "Eight messages on Instagram from a new account, clearly J.",
            None,
            3,
        ),
        (
            17,
            Followed,
            "Saw J. behind me from the station to the high street.",
            Some("High Street"),
            4,
        ),
        (
            15,
            Watching,
            "J.'s car parked opposite the office at lunchtime.",
            Some("Outside work"),
            3,
        ),
        (
            13,
            GiftsLeft,
            "Flowers left on the doorstep with no note.",
            Some("Home"),
            3,
        ),
        (
            11,
            UnwantedContact,
            "Email saying 'we need to talk, you owe me that'.",
            None,
            3,
        ),
        (
            9,
            Followed,
            "Followed again from the gym; J. stayed across the road.",
            Some("Gym car park"),
            4,
        ),
        (
            7,
            TurnedUpHome,
            "J. knocked on my door at 22:00 and would not leave for ten minutes.",
            Some("Home"),
            5,
        ),
        (
            5,
            TrackerSuspected,
            "J. knew I had been at Mum's, I never told anyone.",
            None,
            4,
        ),
        (
            4,
            PropertyDamage,
            "Car tyre slashed overnight.",
            Some("Home"),
            5,
        ),
        (
            2,
            Threats,
            "Voicemail: 'if I can't have you, nobody will'.",
            None,
            5,
        ),
        (
            1,
            TurnedUpWork,
            "J. waited by the staff entrance when I finished.",
            Some("Outside work"),
            5,
        ),
    ]
}

pub fn run(_app: &mut App) -> CliResult {
    let dir = tempfile::tempdir().map_err(CliError::from)?;
    let vault_dir = dir.path().join("vault");
    out!("Waymark demo: everything below happens in a throw-away vault in a temporary folder,");
    out!("with made-up incidents. Your own vault (if any) is not touched.");

    step("1. Create a vault");
    let started = Instant::now();
    let (vault, code) = Vault::create(
        &vault_dir,
        DEMO_PIN,
        CreateOptions::new(App::prf(), Arc::new(SystemClock)),
    )?;
    let s = vault.status()?;
    out!(
        "Created with the PIN {DEMO_PIN} in {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    out!(
        "Your PIN is stretched with Argon2id ({} MiB of memory, {} passes) chosen to take about half a second here,",
        s.kdf_memory_kib / 1024,
        s.kdf_iterations
    );
    out!(
        "so guessing PINs from a copy of the files is slow. Recovery code (shown once): {}",
        code.as_str()
    );

    step("2. Log what happened");
    let log = IncidentLog::new(&vault);
    let now = Utc::now();
    for (days_ago, kind, text, place, feeling) in story() {
        let mut new = NewIncident::new(
            kind,
            Occurred::at(now - Duration::days(days_ago) - Duration::hours(3)),
            text,
        );
        new.place = place.map(|p| Place {
            label: Some(p.into()),
            ..Default::default()
        });
        new.feeling = Some(feeling);
        new.attributed_to = Some("J.".into());
        if kind == IncidentKind::TurnedUpHome {
            new.witnesses = vec!["Neighbour at no. 12".into()];
        }
        log.record(new)?;
    }
    out!(
        "Logged {} incidents over four weeks. The newest five:",
        log.count()?
    );
    let newest = log.list(&ListFilter {
        limit: Some(5),
        ..Default::default()
    })?;
    for i in &newest {
        out!(
            "  {}  {}  {}",
            short(&i.id),
            when::show(i.details.occurred.start),
            i.details.kind.label()
        );
    }

    step("3. Correct an incident without losing the original");
    let target = newest
        .last()
        .ok_or_else(|| CliError::usage("demo has no incidents"))?;
    let changes = IncidentChanges {
        police_ref: Some("CAD 4471/21NOV".into()),
        ..Default::default()
    };
    log.amend(&target.id, changes, Some("reported to police".into()))?;
    let shown = log.get(&target.id)?;
    out!(
        "Added a police reference to {}. Its history now has {} entries:",
        short(&target.id),
        shown.history.len()
    );
    for h in &shown.history {
        out!("  #{:<3} {}", h.seq, h.entry_type);
    }

    step("4. Search");
    let found = log.search("followed")?;
    out!(
        "'followed' finds {} incident(s); the search index is inside the encrypted database.",
        found.len()
    );

    step("5. Check nothing has been changed");
    let report = log.verify()?;
    out!(
        "{} entries verified against the signed fingerprint {}.",
        report.entries,
        &hex_root(&report.tree_head.root)[..16]
    );

    step("6. Lock, then a wrong PIN");
    vault.lock();
    match vault.unlock("000000") {
        Err(e @ Error::WrongSecret { .. }) => out!("Wrong PIN: \"{e}\""),
        other => {
            return Err(CliError::usage(format!(
                "demo expected a wrong-PIN error, got {other:?}"
            )))
        }
    }
    let started = Instant::now();
    vault.unlock(DEMO_PIN)?;
    out!(
        "Right PIN: unlocked in {} ms.",
        started.elapsed().as_millis()
    );
    out!(
        "After 5 wrong PINs in a row, each further try has to wait (30 s, doubling up to an hour)."
    );

    // The rest runs the real `waymark` commands on the same throw-away vault, as a person would.
    vault.lock();
    drop(vault);
    let cli = Cli {
        exe: std::env::current_exe()?,
        vault_dir: vault_dir.clone(),
    };
    let incident = target.id[..8].to_string();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work)?;

    step("7. Vary your routine on the offline map (bundled: central Helsinki)");
    cli.run(&["places", "add", "home", "60.1655,24.9390"])?;
    cli.run(&["places", "add", "work", "60.1760,24.9480"])?;
    cli.run(&["routes", "home", "work", "--alternatives", "3"])?;
    cli.run(&[
        "plan",
        "--from",
        "home",
        "--to",
        "work",
        "--days",
        "5",
        "--arrive-by",
        "09:00",
        "--extra-minutes",
        "10",
    ])?;

    step("8. Keep evidence safe");
    let note = work.join("voicemail-transcript.txt");
    std::fs::write(
        &note,
        "Voicemail 23:12: 'if I can't have you, nobody will'.\n",
    )?;
    cli.run(&["attach", &incident, &note.to_string_lossy()])?;
    cli.run(&["evidence", "list"])?;
    cli.run(&["evidence", "verify"])?;

    step("9. Tell someone where you are going (buddy check-in)");
    cli.run(&[
        "contacts",
        "add",
        "Sam",
        "07700 900123",
        "--relationship",
        "sister",
        "--role",
        "buddy",
    ])?;
    cli.run(&[
        "checkin", "start", "--to", "the gym", "--expect", "45m", "--buddy", "Sam",
    ])?;
    let late = (Utc::now() + Duration::minutes(75)).to_rfc3339();
    out!("(Pretending 75 minutes pass with no check-in:)");
    cli.run(&["checkin", "tick", "--now", &late])?;
    cli.run(&["checkin", "ok"])?;

    step("10. See the pattern, and prepare for the police");
    cli.run(&["insights"])?;
    let pdf = work.join("report.pdf");
    cli.run(&["report", &pdf.to_string_lossy()])?;
    let bundle = work.join("bundle");
    cli.run(&["bundle", &bundle.to_string_lossy()])?;
    cli.run(&["bundle", "verify", &bundle.to_string_lossy()])?;
    cli.run(&["receipt"])?;

    step("11. Help, any time (no PIN needed)");
    cli.run(&["help-numbers"])?;

    out!("\nThat's the demo. Start your own vault with `waymark init`.");
    out!("If you are in danger now, call 999 (if you cannot speak, press 55). National Stalking Helpline: 0808 802 0300.");
    Ok(())
}
