//! End-to-end: contacts, check-ins, help numbers and the checklist through the real binary.

use chrono::{Duration, Utc};
use serde_json::Value;
use waymark_test_support::cli::*;
use waymark_test_support::scan::copy_dir;
use waymark_test_support::PIN;

fn in_minutes(m: i64) -> String {
    (Utc::now() + Duration::minutes(m)).to_rfc3339()
}

#[test]
fn contacts_add_list_remove() {
    let (_t, dir) = new_vault();
    let c = json(
        &dir,
        &[
            "contacts",
            "add",
            "Sam",
            "07700 900123",
            "--relationship",
            "sister",
            "--role",
            "buddy",
            "--role",
            "emergency",
        ],
    );
    assert_eq!(c["phone"], "+447700900123");
    assert_eq!(c["roles"], serde_json::json!(["buddy", "emergency"]));
    ok(&dir, &["contacts", "add", "Priya", "+1 415 555 2671"]);
    let list = json(&dir, &["contacts", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let text = ok(&dir, &["contacts", "list"]);
    assert!(text.contains("Sam") && text.contains("+447700900123") && text.contains("sister"));
    let (code, err) = fail(&dir, &["contacts", "add", "Jo", "12345"]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("12345"), "the number is not echoed: {err}");
    let (code, _) = fail(
        &dir,
        &["contacts", "add", "Jo", "07700 900777", "--role", "boss"],
    );
    assert_eq!(code, 1);
    ok(&dir, &["contacts", "remove", "sam"]);
    let (code, _) = fail(&dir, &["contacts", "remove", "sam"]);
    assert_eq!(code, 1);
    assert_eq!(
        json(&dir, &["contacts", "list"]).as_array().unwrap().len(),
        1
    );
}

#[test]
fn checkin_start_tick_escalate_ok() {
    let (_t, dir) = new_vault();
    let (code, err) = fail(
        &dir,
        &["checkin", "start", "--to", "Mum's", "--expect", "30m"],
    );
    assert_eq!(code, 1, "no buddy yet");
    assert!(err.contains("buddy"), "{err}");
    ok(&dir, &["contacts", "add", "Sam", "07700 900123"]);
    ok(&dir, &["contacts", "add", "Priya", "07700 900456"]);
    let started = json(
        &dir,
        &[
            "checkin",
            "start",
            "--to",
            "Mum's house",
            "--expect",
            "30m",
            "--grace",
            "10",
            "--buddy",
            "Priya",
            "--buddy",
            "Sam",
            "--meeting",
            "Ruth",
            "--share-location",
        ],
    );
    assert_eq!(started["checkin"]["state"], "active");
    let events = started["events"].as_array().unwrap();
    assert_eq!(
        events.len(),
        2,
        "the plan text for each buddy, printed once at the start"
    );
    assert_eq!(events[0]["type"], "plan");
    assert_eq!(
        events[0]["contact"]["name"], "Priya",
        "buddies in the order given"
    );
    assert!(events[0]["text"].as_str().unwrap().contains("Mum's house"));
    assert!(events[0]["sms"]["segments"].as_u64().unwrap() <= 2);

    let (code, _) = fail(&dir, &["checkin", "start", "--to", "x", "--expect", "30m"]);
    assert_eq!(code, 1, "one check-in at a time");
    assert!(
        json(&dir, &["checkin", "tick"])
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing due twice"
    );

    let saved = json(
        &dir,
        &[
            "checkin",
            "location",
            "--lat",
            "51.50740",
            "--lon",
            "-0.12780",
            "--accuracy",
            "25",
        ],
    );
    assert_eq!(saved["saved"], true);
    let (code, _) = fail(&dir, &["checkin", "location", "--lat", "95", "--lon", "0"]);
    assert_eq!(code, 1);
    let saved = json(
        &dir,
        &[
            "checkin",
            "location",
            "--lat",
            "51.50740",
            "--lon",
            "-0.12780",
            "--accuracy",
            "25",
        ],
    );
    assert_eq!(saved["saved"], true);
    let (code, _) = fail(&dir, &["checkin", "location", "--lat", "95", "--lon", "0"]);
    assert_eq!(code, 1);
    // 45 minutes later: reminders, missed, first alert to Priya.
    let ev = json(&dir, &["checkin", "tick", "--now", &in_minutes(45)]);
    let types: Vec<&str> = ev
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["reminder", "reminder", "missed", "alert"]);
    assert_eq!(ev[3]["contact"]["name"], "Priya");
    let alert = ev[3]["text"].as_str().unwrap();
    assert!(
        alert.contains("osm.org/?mlat=51.50740&mlon=-0.12780"),
        "{alert}"
    );
    assert!(
        ev[3]["text"]
            .as_str()
            .unwrap()
            .contains("osm.org/?mlat=51.50740&mlon=-0.12780"),
        "{}",
        ev[3]
    );
    assert!(json(&dir, &["checkin", "tick", "--now", &in_minutes(45)])
        .as_array()
        .unwrap()
        .is_empty());
    let ev = json(&dir, &["checkin", "tick", "--now", &in_minutes(70)]);
    let types: Vec<&str> = ev
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "alert",
            "call-999-prompt",
            "call-999-prompt",
            "call-999-prompt"
        ]
    );
    assert_eq!(ev[0]["contact"]["name"], "Sam");
    let status = json(&dir, &["checkin", "status"]);
    assert_eq!(status["state"], "escalated");
    let (code, _) = fail(&dir, &["checkin", "extend", "10"]);
    assert_eq!(code, 1, "no extending once buddies are alerted");
    let ev = json(&dir, &["checkin", "ok"]);
    assert_eq!(ev.as_array().unwrap().len(), 2);
    assert!(ev
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["type"] == "all-clear"));
    assert_eq!(json(&dir, &["checkin", "status"]), Value::Null);
    let text = ok(&dir, &["checkin", "status"]);
    assert!(text.contains("No check-in is running"));

    // The transitions are in the tamper-evident log, which still verifies.
    ok(&dir, &["verify"]);
}

#[test]
fn checkin_extend_cancel_and_bad_input() {
    let (_t, dir) = new_vault();
    ok(&dir, &["contacts", "add", "Sam", "07700 900123"]);
    for bad in [
        vec!["--expect", "soonish"],
        vec!["--expect", "30m", "--grace", "500"],
        vec!["--expect", "30m", "--buddy", "Nobody"],
    ] {
        let mut args = vec!["checkin", "start", "--to", "Work"];
        args.extend(bad);
        let (code, _) = fail(&dir, &args);
        assert_eq!(code, 1, "{args:?}");
    }
    let (code, _) = fail(&dir, &["checkin", "ok"]);
    assert_eq!(code, 1, "nothing to check in to");
    let preview = json(
        &dir,
        &[
            "checkin",
            "start",
            "--to",
            "Work",
            "--expect",
            "1h",
            "--dry-run",
        ],
    );
    assert_eq!(preview[0]["type"], "plan");
    assert_eq!(
        json(&dir, &["checkin", "status"]),
        Value::Null,
        "a dry run starts nothing"
    );
    let text = ok(
        &dir,
        &["checkin", "start", "--to", "Work", "--expect", "1h"],
    );
    assert!(text.contains("Send this to Sam (+447700900123)"), "{text}");
    let saved = json(
        &dir,
        &["checkin", "location", "--lat", "51.5", "--lon", "-0.12"],
    );
    assert_eq!(
        saved["saved"], false,
        "location sharing was not switched on"
    );
    let ev = json(&dir, &["checkin", "extend", "30"]);
    assert_eq!(ev[0]["type"], "update");
    let status = json(&dir, &["checkin", "status"]);
    assert_eq!(status["state"], "extended");
    let ev = json(&dir, &["checkin", "cancel"]);
    assert_eq!(ev[0]["type"], "cancelled");
    let (code, _) = fail(&dir, &["checkin", "cancel"]);
    assert_eq!(code, 1);
}

#[test]
fn help_numbers_need_no_pin_and_regions_are_chosen() {
    let out = waymark().args(["help-numbers"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for s in [
        "999",
        "press 55",
        "101",
        "0808 802 0300",
        "116 123",
        "emergencySMS",
    ] {
        assert!(text.contains(s), "{s} missing");
    }
    let out = waymark()
        .args(["help-numbers", "--region", "US", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["emergency_number"], "911");
    let out = waymark()
        .args(["help-numbers", "--region", "Mars"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // Local helplines the person adds.
    let (_t2, dir2) = new_vault();
    ok(
        &dir2,
        &[
            "help-numbers",
            "add",
            "Local IDVA",
            "020 7946 0999",
            "--what",
            "Tuesdays",
        ],
    );
    let mine = json(&dir2, &["help-numbers", "mine"]);
    assert_eq!(mine[0]["dial"], "02079460999");
    let (code, _) = fail(&dir2, &["help-numbers", "add", "Bad", "call me"]);
    assert_eq!(code, 1);
    ok(&dir2, &["help-numbers", "remove", "local idva"]);
    assert_eq!(
        json(&dir2, &["help-numbers", "mine"]),
        serde_json::json!([])
    );

    // Remembered for check-in messages.
    let (_t, dir) = new_vault();
    ok(&dir, &["help-numbers", "--region", "AU", "--remember"]);
    ok(
        &dir,
        &["contacts", "add", "Sam", "0412 345 678", "--region", "AU"],
    );
    ok(
        &dir,
        &[
            "checkin", "start", "--to", "Work", "--expect", "10m", "--grace", "0",
        ],
    );
    let ev = json(&dir, &["checkin", "tick", "--now", &in_minutes(30)]);
    let call = ev
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "call-999-prompt" && e["to"] == "you")
        .unwrap();
    assert!(
        call["text"].as_str().unwrap().contains("call 000"),
        "{call}"
    );
}

#[test]
fn checklist_lists_marks_and_undoes() {
    let (_t, dir) = new_vault();
    let text = ok(&dir, &["checklist"]);
    assert!(text.contains("spyware") && text.contains("tracking devices") && text.contains("[ ]"));
    let e = json(&dir, &["checklist", "done", "change-passwords"]);
    assert_eq!(e["status"], "done");
    assert!(e["again_at"].is_string(), "passwords come round again");
    let list = json(&dir, &["checklist"]);
    let pw = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["item"]["id"] == "change-passwords")
        .unwrap();
    assert_eq!(pw["status"], "done");
    ok(&dir, &["checklist", "undo", "5"]);
    let (code, _) = fail(&dir, &["checklist", "done", "42"]);
    assert_eq!(code, 1);
}

#[test]
fn tick_needs_no_pin_and_the_duress_pin_checks_in_like_the_pin() {
    const DURESS: &str = "135790";
    let (tmp, dir) = new_vault();
    {
        use std::sync::Arc;
        use waymark_core::vault::{SoftwarePrfNoHardware, Vault};
        let v = Vault::open(
            &dir,
            Arc::new(SoftwarePrfNoHardware::default()),
            Arc::new(waymark_core::SystemClock),
        )
        .unwrap();
        v.unlock(PIN).unwrap();
        v.set_duress_secret(PIN, DURESS).unwrap();
    }
    ok(&dir, &["contacts", "add", "Sam", "07700 900123"]);
    ok(&dir, &["contacts", "add", "Priya", "07700 900456"]);
    ok(
        &dir,
        &["checkin", "start", "--to", "Mum's house", "--expect", "30m"],
    );
    // No PIN on standard input at all: a wake-up tick never asks for one.
    let out = run(&dir, &["checkin", "tick", "--json"], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ev: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        ev,
        serde_json::json!([]),
        "the plan texts went out at start"
    );
    let out = run(&dir, &["checkin", "tick", "--now", &in_minutes(25)], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Reminder"), "{text}");

    // Two identical copies: one checks in with the PIN, the other with the duress PIN.
    let coerced = tmp.path().join("coerced");
    copy_dir(&dir, &coerced);
    let honest_out = run(&dir, &["checkin", "ok"], &format!("{PIN}\n"));
    let coerced_out = run(&coerced, &["checkin", "ok"], &format!("{DURESS}\n"));
    assert_eq!(honest_out.status.code(), Some(0));
    assert_eq!(coerced_out.status.code(), Some(0));
    assert_eq!(
        honest_out.stdout, coerced_out.stdout,
        "the screen looks the same"
    );
    assert_eq!(honest_out.stderr, coerced_out.stderr);
    let shown = String::from_utf8_lossy(&honest_out.stdout);
    assert!(
        shown.contains("checked in") && shown.contains("Send this to Sam"),
        "{shown}"
    );

    // The next tick (a script that sends texts, not the screen) carries the urgent alerts.
    let urgent = json(&coerced, &["checkin", "tick"]);
    let urgent = urgent.as_array().unwrap();
    assert_eq!(urgent.len(), 2);
    assert!(urgent
        .iter()
        .all(|e| e["type"] == "alert" && e["text"].as_str().unwrap().contains("URGENT")));
    assert_eq!(json(&dir, &["checkin", "tick"]), serde_json::json!([]));
    // Both vaults, unlocked with the PIN, record the check-in; nothing is running any more.
    for d in [&dir, &coerced] {
        assert_eq!(json(d, &["checkin", "status"]), Value::Null);
        ok(d, &["verify"]);
    }
    let (code, _) = fail(&dir, &["checkin", "ok"]);
    assert_eq!(code, 1, "nothing to check in to");
    let out = run(&dir, &["checkin", "ok"], "000000\n");
    assert_eq!(out.status.code(), Some(3), "a wrong PIN is refused");
}

#[test]
fn concurrent_wake_up_ticks_in_separate_processes_share_one_delivered_set() {
    let (_t, dir) = new_vault();
    ok(&dir, &["contacts", "add", "Sam", "07700 900123"]);
    ok(&dir, &["contacts", "add", "Priya", "07700 900456"]);
    ok(
        &dir,
        &["checkin", "start", "--to", "Work", "--expect", "30m"],
    );
    let later = in_minutes(70);
    let children: Vec<_> = (0..6)
        .map(|_| {
            waymark()
                .args(["checkin", "tick", "--json", "--now", &later, "--vault"])
                .arg(&dir)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ids = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let events: Value = serde_json::from_slice(&out.stdout).unwrap();
        for e in events.as_array().unwrap() {
            ids.push(e["id"].as_str().unwrap().to_string());
        }
    }
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an event went out twice: {ids:?}");
    // Two reminders, missed, an alert to each buddy, the 999 prompt to all three.
    assert_eq!(ids.len(), 8, "{ids:?}");
}
