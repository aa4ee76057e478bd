//! `waymark settings erase-after N|off` (issue 15): off by default, turned on only with
//! --confirm after the warning, never shown by `status`, the same in the decoy, and the Nth
//! wrong PIN in a row (from any number of processes) leaves no vault and says so.

use waymark_test_support::cli::*;
use waymark_test_support::PIN;

const DURESS: &str = "975310";
const WRONG: &str = "999999";

fn wrong(dir: &std::path::Path) -> String {
    let out = run(dir, &["list"], &format!("{WRONG}\n"));
    assert_clean_failure(&out, 3)
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn off_by_default_on_only_with_confirm_and_status_never_tells() {
    let (_tmp, dir) = new_vault();
    assert_eq!(
        json(&dir, &["settings"]),
        serde_json::json!({ "erase_after": null, "duress_alert": false })
    );
    let status_off = json(&dir, &["status"]);
    // Without --confirm: the warning, nothing changed.
    let out = run(&dir, &["settings", "erase-after", "5"], &format!("{PIN}\n"));
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("This cannot be undone"), "{err}");
    assert!(err.contains("--confirm"), "{err}");
    assert!(ok(&dir, &["settings"]).starts_with("Erase after wrong PINs: off.\n"));
    // Out of range: refused plainly.
    for bad in ["4", "101", "many", "0"] {
        let out = run(
            &dir,
            &["settings", "erase-after", bad, "--confirm"],
            &format!("{PIN}\n"),
        );
        let err = assert_clean_failure(&out, 1);
        assert!(err.contains("from 5 to 100"), "{bad}: {err}");
    }
    let said = ok(&dir, &["settings", "erase-after", "7", "--confirm"]);
    assert!(said.contains("This cannot be undone"), "{said}");
    assert_eq!(
        json(&dir, &["settings"]),
        serde_json::json!({ "erase_after": 7, "duress_alert": false })
    );
    // `status` needs no PIN and says the same as before.
    assert_eq!(json(&dir, &["status"]), status_off);
    let status_text = ok(&dir, &["status"]);
    assert!(
        !status_text.to_lowercase().contains("erase"),
        "{status_text}"
    );
    ok(&dir, &["settings", "erase-after", "off"]);
    assert_eq!(
        json(&dir, &["settings"]),
        serde_json::json!({ "erase_after": null, "duress_alert": false })
    );
    // Off: many wrong PINs only make you wait.
    for _ in 0..6 {
        let out = run(&dir, &["list"], &format!("{WRONG}\n"));
        assert_eq!(out.status.code(), Some(3));
    }
    assert!(dir.join("vault.keys").is_file());
}

#[test]
fn the_nth_wrong_pin_erases_and_the_folder_then_reads_as_no_vault() {
    let (_tmp, dir) = new_vault();
    ok(&dir, &["log", "followed", "marker-erase-note"]);
    ok(&dir, &["settings", "erase-after", "5", "--confirm"]);
    // Four wrong, then the right one: the count starts again.
    for _ in 0..4 {
        wrong(&dir);
    }
    ok(&dir, &["list"]);
    for _ in 0..4 {
        let err = wrong(&dir);
        assert!(!err.contains("erased"), "{err}");
    }
    assert!(dir.join("vault.keys").is_file());
    let err = wrong(&dir);
    assert!(
        err.contains("it was the last wrong PIN your settings allowed")
            && err.contains("is erased"),
        "{err}"
    );
    assert!(files_in(&dir).is_empty(), "{:?}", files_in(&dir));
    // Every later command: no vault here, and how to start again.
    let out = run(&dir, &["list"], &format!("{PIN}\n"));
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("there is no vault in"), "{err}");
    let out = run(&dir, &["status"], "");
    assert_clean_failure(&out, 1);
    // A new vault can be made in the same folder.
    init(&dir);
    assert_eq!(ok(&dir, &["list"]).contains("marker-erase-note"), false);
}

#[test]
fn the_decoy_sees_and_sets_the_same_setting_and_the_duress_pin_never_erases() {
    let (_tmp, dir) = new_vault();
    let out = run(
        &dir,
        &["passwd", "--duress"],
        &format!("{PIN}\n{DURESS}\n{DURESS}\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    ok(&dir, &["settings", "erase-after", "5", "--confirm"]);
    let decoy = |args: &[&str]| run(&dir, args, &format!("{DURESS}\n"));
    let shown = decoy(&["settings"]);
    assert!(String::from_utf8_lossy(&shown.stdout)
        .starts_with("Erase after wrong PINs: on, after 5 wrong PINs in a row.\n"));
    // Four wrong, then the duress PIN as the fifth try: it opens the decoy, erases nothing,
    // and the count starts again.
    for _ in 0..4 {
        wrong(&dir);
    }
    assert_eq!(decoy(&["list"]).status.code(), Some(0));
    assert!(dir.join("vault.keys").is_file());
    // Changed from the decoy, changed for the real vault.
    assert_eq!(
        decoy(&["settings", "erase-after", "off"]).status.code(),
        Some(0)
    );
    assert!(ok(&dir, &["settings"]).starts_with("Erase after wrong PINs: off.\n"));
}

#[test]
fn two_processes_racing_wrong_pins_do_not_both_miss_the_trigger() {
    for round in 0..3 {
        let (_tmp, dir) = new_vault();
        ok(&dir, &["settings", "erase-after", "5", "--confirm"]);
        for _ in 0..3 {
            wrong(&dir);
        }
        // Tries 4 and 5 at once, in two processes.
        let children: Vec<_> = (0..2)
            .map(|_| spawn(&dir, &["list"], &format!("{WRONG}\n")))
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert_clean_failure(&out, 3);
        }
        assert!(!dir.join("vault.keys").exists(), "round {round}");
        // The slower one may have made its (empty) lock file again after the erase.
        let left = files_in(&dir);
        assert!(
            left.iter().all(|n| n == "vault.lock"),
            "round {round}: {left:?}"
        );
    }
}
