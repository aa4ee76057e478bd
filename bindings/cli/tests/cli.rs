//! End-to-end: every command, and every error exit, through the real binary.

use serde_json::Value;
use waymark_test_support::cli::*;
use waymark_test_support::PIN;

#[test]
fn log_list_show_amend_search_redact_verify() {
    let (_t, dir) = new_vault();
    let out = ok(
        &dir,
        &[
            "log",
            "followed",
            "Followed from Kamppi to the library 🚶 — ścieżka, راستہ",
            "--at",
            "2 hours ago",
            "--place",
            "Kamppi",
            "--lat",
            "60.169",
            "--lon",
            "24.931",
            "--accuracy",
            "15",
            "--witness",
            "Amira",
            "--witness",
            "Tomasz",
            "--police-ref",
            "CAD 123",
            "--feeling",
            "4",
            "--tag",
            "commute",
            "--by",
            "J.",
            "--json",
        ],
    );
    let logged: Value = serde_json::from_str(&out).unwrap();
    let id = logged["id"].as_str().unwrap().to_string();
    assert_eq!(logged["kind"], "followed");
    assert_eq!(logged["witnesses"][1], "Tomasz");
    // Global options work after the subcommand too (they are placed after it by `run`), and before it.
    ok(
        &dir,
        &[
            "log",
            "unwanted-contact",
            "Six texts",
            "--via",
            "text",
            "--at",
            "yesterday 18:30",
        ],
    );
    let out = waymark()
        .arg("--vault")
        .arg(&dir)
        .arg("--pin-stdin")
        .args(["list", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let mut out = out;
    out.stdin
        .take()
        .unwrap()
        .write_all(format!("{PIN}\n").as_bytes())
        .unwrap();
    let list: Value = serde_json::from_slice(&out.wait_with_output().unwrap().stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[0]["kind"], "followed",
        "newest first by when it happened"
    );
    for field in ["id", "kind", "description", "occurred_at", "recorded_at"] {
        assert!(!list[0][field].is_null(), "missing {field}: {}", list[0]);
    }
    let filtered: Value =
        serde_json::from_str(&ok(&dir, &["list", "--kind", "unwanted-contact", "--json"])).unwrap();
    assert_eq!(filtered.as_array().unwrap().len(), 1);

    let text = ok(&dir, &["show", &id[..8]]);
    assert!(
        text.contains("Followed from Kamppi")
            && text.contains("Amira, Tomasz")
            && text.contains("distressed"),
        "{text}"
    );
    ok(
        &dir,
        &[
            "amend",
            &id[..6],
            "--text",
            "Followed from Kamppi to the library, then home",
            "--reason",
            "remembered",
        ],
    );
    let shown: Value = serde_json::from_str(&ok(&dir, &["show", &id, "--json"])).unwrap();
    assert_eq!(shown["history"].as_array().unwrap().len(), 2);
    assert_eq!(
        shown["history"][0]["details"]["description"],
        "Followed from Kamppi to the library 🚶 — ścieżka, راستہ"
    );

    let found: Value = serde_json::from_str(&ok(&dir, &["search", "library", "--json"])).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert!(ok(&dir, &["search", "then", "HOME"]).contains(&id[..8]));

    let verified: Value = serde_json::from_str(&ok(&dir, &["verify", "--json"])).unwrap();
    assert_eq!(verified["entries"], 3);
    ok(&dir, &["redact", &id[..8], "--reason", "logged by mistake"]);
    assert!(ok(&dir, &["list"]).contains("1 incident(s)"));
    let verified: Value = serde_json::from_str(&ok(&dir, &["verify", "--json"])).unwrap();
    assert_eq!(
        (
            verified["entries"].as_u64(),
            verified["redacted_entries"].as_u64()
        ),
        (Some(4), Some(2))
    );
}

#[test]
fn bad_input_exits_1_and_changes_nothing() {
    let (_t, dir) = new_vault();
    let cases: Vec<Vec<&str>> = vec![
        vec!["log", "kidnapped", "text"],
        vec!["log", "followed", "text", "--at", "tomorrow 9am"],
        vec!["log", "followed", "text", "--at", "2099-01-01T00:00:00Z"],
        vec!["log", "followed", "   "],
        vec!["log", "followed", "text", "--feeling", "7"],
        vec!["log", "followed", "text", "--lat", "91", "--lon", "0"],
        vec!["show", "zzzz"],
        vec!["show", "abcdef12"],
        vec!["amend", "abcdef12", "--text", "x"],
        vec!["frobnicate"],
    ];
    for args in cases {
        let out = run(&dir, &args, &format!("{PIN}\n"));
        let err = assert_clean_failure(&out, 1);
        assert!(!err.is_empty(), "{args:?}");
    }
    let huge = "x".repeat(waymark_core::log::MAX_DESCRIPTION_CHARS + 1);
    assert_clean_failure(&run(&dir, &["log", "other", &huge], &format!("{PIN}\n")), 1);
    assert!(ok(&dir, &["list"]).contains("Nothing logged"));
    // No vault at all.
    let empty = tempfile::tempdir().unwrap();
    let err = assert_clean_failure(&run(empty.path(), &["list"], &format!("{PIN}\n")), 1);
    assert!(err.contains("waymark init"), "{err}");
    // --pin-stdin with nothing on stdin.
    assert_clean_failure(&run(&dir, &["list"], ""), 1);
}

#[test]
fn wrong_pin_exits_3_and_throttling_persists_across_processes() {
    let (_t, dir) = new_vault();
    for _ in 0..4 {
        let err = assert_clean_failure(&run(&dir, &["list"], "000000\n"), 3);
        assert!(err.contains("did not open"), "{err}");
    }
    let err = assert_clean_failure(&run(&dir, &["list"], "000000\n"), 3);
    assert!(err.contains("next attempt is allowed after"), "{err}");
    // The right PIN now waits too, in a new process.
    let err = assert_clean_failure(&run(&dir, &["list"], &format!("{PIN}\n")), 3);
    assert!(err.contains("too many wrong attempts"), "{err}");
    let status: Value = serde_json::from_str(&ok(&dir, &["status", "--json"])).unwrap();
    assert_eq!(status["failed_attempts"], 5);
    assert!(!status["locked_until"].is_null());
}

#[test]
fn passwd_and_recover() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let out = run(
        &dir,
        &["init", "--insecure-fast-kdf", "--json"],
        &format!("{PIN}\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    let code = created["recovery_code"].as_str().unwrap().to_string();
    ok(&dir, &["log", "other", "before the PIN change"]);
    let out = run(&dir, &["passwd"], &format!("{PIN}\nnew passphrase here\n"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean_failure(&run(&dir, &["list"], &format!("{PIN}\n")), 3);
    let out = run(&dir, &["list"], "new passphrase here\n");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 incident(s)"));
    // Weak new PIN is refused; the old one still works.
    assert_clean_failure(&run(&dir, &["passwd"], "new passphrase here\n123\n"), 1);
    // Forgot it: the recovery code sets a new one.
    assert_clean_failure(
        &run(
            &dir,
            &["recover"],
            "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA\n135791\n",
        ),
        1,
    );
    let out = run(&dir, &["recover"], &format!("{code}\n135791\n"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&dir, &["list"], "135791\n");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 incident(s)"));
    // A second init on the same folder refuses.
    assert_clean_failure(&run(&dir, &["init", "--insecure-fast-kdf"], "135791\n"), 1);
}

#[test]
fn tampered_database_or_key_file_is_caught_not_silently_accepted() {
    let (_t, dir) = new_vault();
    for i in 0..30 {
        ok(&dir, &["log", "other", &format!("incident number {i}")]);
    }
    let dbs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    assert_eq!(dbs.len(), 2);
    let keys = dir.join("vault.keys");
    let pristine_keys = std::fs::read(&keys).unwrap();
    let pristine: Vec<Vec<u8>> = dbs.iter().map(|p| std::fs::read(p).unwrap()).collect();
    // Flip a byte in several pages of each database: verify fails whichever it is. Only the
    // first pages: past a store's page count lie random padding bytes that make both files one
    // size (docs/ARCHITECTURE.md, two stores that look alike), and changing them changes nothing.
    for (db, original) in dbs.iter().zip(&pristine) {
        for offset in [100usize, 5000, 3 * 4096 + 77, 6 * 4096 + 500] {
            let mut bytes = original.clone();
            bytes[offset] ^= 0x55;
            std::fs::write(db, &bytes).unwrap();
            let out = run(&dir, &["verify"], &format!("{PIN}\n"));
            // Either database, the real one or the decoy: `verify` checks every page of both.
            let err = assert_clean_failure(&out, 2);
            assert!(
                err.contains("damaged") || err.contains("integrity"),
                "{err}"
            );
            std::fs::write(db, original).unwrap();
        }
    }
    // A flipped bit in the PIN slot reads as a wrong PIN (exit 3); a cut file as damage (exit 2).
    let mut bytes = pristine_keys.clone();
    bytes[60] ^= 1;
    std::fs::write(&keys, &bytes).unwrap();
    assert_clean_failure(&run(&dir, &["list"], &format!("{PIN}\n")), 3);
    std::fs::write(&keys, &pristine_keys[..100]).unwrap();
    assert_clean_failure(&run(&dir, &["list"], &format!("{PIN}\n")), 2);
    std::fs::write(&keys, &pristine_keys).unwrap();
    ok(&dir, &["verify"]);
}

#[test]
fn status_demo_and_help_work_without_a_pin() {
    let (_t, dir) = new_vault();
    let out = waymark()
        .arg("--vault")
        .arg(&dir)
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Argon2id"));
    let out = waymark().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("999") && help.contains("0808 802 0300"),
        "{help}"
    );
    let out = waymark().arg("demo").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("entries verified"));
}
