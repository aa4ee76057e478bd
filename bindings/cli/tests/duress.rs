//! `waymark passwd --duress` (issue 15, first slice): setting, changing and removing the duress
//! PIN from a terminal, what a coercer sees when the duress PIN is used there, and `status`
//! saying nothing about whether a duress PIN exists.

use std::path::Path;
use std::process::Output;
use waymark_test_support::cli::*;
use waymark_test_support::scan::copy_dir;
use waymark_test_support::PIN;

const DURESS: &str = "135790";
const WRONG: &str = "999999";

/// How many incidents `list --json` shows when unlocked with `secret`; None if it did not open.
fn incidents_seen_with(dir: &Path, secret: &str) -> Option<usize> {
    let out = run(dir, &["list", "--json"], &format!("{secret}\n"));
    if out.status.code() == Some(3) {
        return None;
    }
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    Some(v.as_array().expect("a list").len())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn passwd_duress(dir: &Path, stdin: &str) -> Output {
    run(dir, &["passwd", "--duress"], stdin)
}

#[test]
fn passwd_duress_sets_changes_and_removes_the_duress_pin() {
    let (_tmp, dir) = new_vault();
    ok(&dir, &["log", "followed", "Followed from the station"]);
    assert_eq!(incidents_seen_with(&dir, DURESS), None);

    let out = passwd_duress(&dir, &format!("{PIN}\n{DURESS}\n{DURESS}\n"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("duress PIN is set"));
    // The duress PIN opens the (empty) decoy; the PIN still opens the record.
    assert_eq!(incidents_seen_with(&dir, DURESS), Some(0));
    assert_eq!(incidents_seen_with(&dir, PIN), Some(1));
    // Both check out, with either PIN.
    ok(&dir, &["verify"]);
    assert_eq!(
        run(&dir, &["verify"], &format!("{DURESS}\n")).status.code(),
        Some(0)
    );

    // Change it: the old duress PIN opens nothing, the new one the decoy.
    let changed = "864200";
    let out = passwd_duress(&dir, &format!("{PIN}\n{changed}\n{changed}\n"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(incidents_seen_with(&dir, DURESS), None);
    assert_eq!(incidents_seen_with(&dir, changed), Some(0));

    // Remove it: it opens nothing, the PIN still works, and verify does not call it tampering.
    let out = run(
        &dir,
        &["passwd", "--duress", "--remove"],
        &format!("{PIN}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("removed"));
    assert_eq!(incidents_seen_with(&dir, changed), None);
    assert_eq!(incidents_seen_with(&dir, PIN), Some(1));
    ok(&dir, &["verify"]);
}

#[test]
fn bad_duress_pins_are_refused_plainly_and_change_nothing() {
    let (_tmp, dir) = new_vault();
    let cases: [(&str, String, i32, &str); 5] = [
        (
            "same as the PIN",
            format!("{PIN}\n{PIN}\n{PIN}\n"),
            1,
            "duress PIN: must differ from your PIN",
        ),
        (
            "repeats differ",
            format!("{PIN}\n{DURESS}\n{WRONG}\n"),
            1,
            "the two entries were different; nothing was changed",
        ),
        (
            "too short",
            format!("{PIN}\n1357\n1357\n"),
            1,
            "duress PIN: must be at least 6 digits",
        ),
        (
            "weak passphrase",
            format!("{PIN}\nshort\nshort\n"),
            1,
            "duress passphrase: must be at least 8 characters",
        ),
        (
            "wrong PIN",
            format!("{WRONG}\n{DURESS}\n{DURESS}\n"),
            3,
            "did not open the vault",
        ),
    ];
    for (what, stdin, code, says) in cases {
        let err = assert_clean_failure(&passwd_duress(&dir, &stdin), code);
        assert!(err.contains(says), "{what}: {err}");
    }
    // None of them set anything: DURESS opens nothing, the PIN still opens the vault.
    assert_eq!(incidents_seen_with(&dir, DURESS), None);
    assert_eq!(incidents_seen_with(&dir, PIN), Some(0));
    // --remove alone is a usage error (it removes only the duress PIN, never the PIN).
    let out = run(&dir, &["passwd", "--remove"], &format!("{PIN}\n"));
    assert_clean_failure(&out, 1);
    assert_eq!(incidents_seen_with(&dir, PIN), Some(0));
}

/// Someone who forced the duress PIN out of the person and tries `passwd --duress` with it sees
/// what the PIN shows in a real vault: the same words and exit code, and the duress PIN they
/// set then opens something (the decoy again, never the real record); remove likewise.
#[test]
fn in_a_decoy_passwd_duress_behaves_as_in_a_real_vault() {
    let (tmp, dir) = new_vault();
    ok(&dir, &["log", "followed", "the real record"]);
    assert_eq!(
        passwd_duress(&dir, &format!("{PIN}\n{DURESS}\n{DURESS}\n"))
            .status
            .code(),
        Some(0)
    );
    let coerced = tmp.path().join("coerced");
    let real = tmp.path().join("real");
    copy_dir(&dir, &coerced);
    copy_dir(&dir, &real);
    let a = passwd_duress(&coerced, &format!("{DURESS}\n246801\n246801\n"));
    let b = passwd_duress(&real, &format!("{PIN}\n246801\n246801\n"));
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    assert_eq!(
        (a.status.code(), text(&a.stdout), text(&a.stderr)),
        (b.status.code(), text(&b.stdout), text(&b.stderr)),
    );
    // The duress PIN set in the decoy opens the decoy; the real PIN still opens the record.
    assert_eq!(incidents_seen_with(&coerced, "246801"), Some(0));
    assert_eq!(incidents_seen_with(&coerced, DURESS), Some(0));
    assert_eq!(incidents_seen_with(&coerced, PIN), Some(1));
    for secret in [PIN, DURESS, "246801"] {
        assert_eq!(
            run(&coerced, &["verify"], &format!("{secret}\n"))
                .status
                .code(),
            Some(0),
            "verify with {secret}"
        );
    }
    let a = run(
        &coerced,
        &["passwd", "--duress", "--remove"],
        &format!("{DURESS}\n"),
    );
    let b = run(
        &real,
        &["passwd", "--duress", "--remove"],
        &format!("{PIN}\n"),
    );
    assert_eq!(
        (a.status.code(), text(&a.stdout), text(&a.stderr)),
        (b.status.code(), text(&b.stdout), text(&b.stderr)),
    );
    assert_eq!(incidents_seen_with(&coerced, "246801"), None);
    assert_eq!(incidents_seen_with(&coerced, DURESS), Some(0));
    assert_eq!(incidents_seen_with(&coerced, PIN), Some(1));
    // Asked for with a wrong PIN, it is refused there like anywhere (exit 3).
    assert_eq!(
        passwd_duress(&coerced, &format!("{WRONG}\n246802\n246802\n"))
            .status
            .code(),
        Some(3)
    );
}

fn ok_status(dir: &Path) -> Output {
    let out = run(dir, &["status"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    out
}

/// `status` (text and JSON) of `dir`, with the folder's own path replaced.
fn status_of(dir: &Path) -> (String, String) {
    let path = dir.to_str().unwrap();
    let plain = text(&ok_status(dir).stdout).replace(path, "DIR");
    let out = run(dir, &["status", "--json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = text(&out.stdout).replace(path, "DIR");
    (plain, json)
}

/// `status` says nothing about a duress PIN: two copies of one vault, one with a duress PIN and
/// one without, print the same after the same steps, and unlocking with the duress PIN leaves
/// the same status as unlocking with the PIN.
#[test]
fn status_is_the_same_with_or_without_a_duress_pin() {
    let (tmp, dir) = new_vault();
    ok(&dir, &["log", "followed", "Followed from the station"]);
    let with = tmp.path().join("with");
    let without = tmp.path().join("without");
    copy_dir(&dir, &with);
    copy_dir(&dir, &without);
    // One good PIN each: setting the duress PIN in one, removing (a no-op) in the other.
    assert_eq!(
        passwd_duress(&with, &format!("{PIN}\n{DURESS}\n{DURESS}\n"))
            .status
            .code(),
        Some(0)
    );
    let out = run(
        &without,
        &["passwd", "--duress", "--remove"],
        &format!("{PIN}\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(status_of(&with), status_of(&without));
    assert!(status_of(&with).0.contains("No wrong PINs"));

    // The same wrong PIN in both.
    for d in [&with, &without] {
        assert_eq!(
            run(d, &["list"], &format!("{WRONG}\n")).status.code(),
            Some(3)
        );
    }
    let (plain, json) = status_of(&with);
    assert_eq!((plain.clone(), json.clone()), status_of(&without));
    assert!(
        plain.contains("Wrong PINs since the last good one: 1"),
        "{plain}"
    );
    assert!(json.contains("\"failed_attempts\": 1"), "{json}");

    // Unlocking with the duress PIN in one and the PIN in the other: the same status after.
    assert_eq!(incidents_seen_with(&with, DURESS), Some(0));
    assert_eq!(incidents_seen_with(&without, PIN), Some(1));
    assert_eq!(status_of(&with), status_of(&without));
    assert!(status_of(&with).0.contains("No wrong PINs"));

    // And a vault that never had a duress PIN prints the same as one that has it.
    assert_eq!(status_of(&dir).1, status_of(&with).1);
}
