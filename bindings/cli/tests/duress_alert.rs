//! `waymark settings duress-alert on|off` (issue 15): needs a buddy, is written sealed (no
//! number or words in any file), and a duress PIN typed into the command line alerts nobody
//! and prints exactly what it prints without the alert (the command line cannot send a text
//! unseen; the Android app does).

use waymark_test_support::cli::*;
use waymark_test_support::PIN;

const DURESS: &str = "975310";

#[test]
fn set_sealed_and_a_duress_unlock_here_prints_the_same() {
    let (_tmp, dir) = new_vault();
    let out = run(
        &dir,
        &["settings", "duress-alert", "on"],
        &format!("{PIN}\n"),
    );
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("no buddy"), "{err}");
    ok(
        &dir,
        &[
            "contacts",
            "add",
            "Zqxsamname",
            "07700 900123",
            "--role",
            "buddy",
        ],
    );
    let out = run(
        &dir,
        &["passwd", "--duress"],
        &format!("{PIN}\n{DURESS}\n{DURESS}\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    let decoy_list = |dir: &std::path::Path| {
        let out = run(dir, &["list", "--json"], &format!("{DURESS}\n"));
        assert_eq!(out.status.code(), Some(0));
        (out.stdout, out.stderr)
    };
    let before = decoy_list(&dir);
    let said = ok(&dir, &["settings", "duress-alert", "on"]);
    assert!(said.contains("alerts nobody"), "{said}");
    assert_eq!(
        json(&dir, &["settings"])["duress_alert"],
        serde_json::json!(true)
    );
    assert_eq!(
        decoy_list(&dir),
        before,
        "a duress unlock here prints the same"
    );
    let found = waymark_test_support::scan::find_markers(
        &dir,
        &[
            "7700900123",
            "under pressure",
            "Waymark URGENT",
            "Zqxsamname",
        ],
    );
    assert!(found.is_empty(), "{found:?}");
    ok(&dir, &["settings", "duress-alert", "off"]);
    assert_eq!(
        json(&dir, &["settings"])["duress_alert"],
        serde_json::json!(false)
    );
    let out = run(
        &dir,
        &["settings", "duress-alert", "maybe"],
        &format!("{PIN}\n"),
    );
    assert_clean_failure(&out, 1);
}
