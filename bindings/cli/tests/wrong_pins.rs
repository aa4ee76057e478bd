//! Who tried the PIN (issue 15): after a good unlock the CLI says how many wrong PINs were typed
//! since the person last opened the vault and when the last one was, once.

use waymark_test_support::cli::*;
use waymark_test_support::PIN;

#[test]
fn wrong_pins_are_told_once_after_the_next_good_unlock() {
    let (_tmp, dir) = new_vault();
    for _ in 0..3 {
        let out = run(&dir, &["list"], "999999\n");
        assert_clean_failure(&out, 3);
    }
    let before = chrono::Local::now();
    let out = run(&dir, &["list", "--json"], &format!("{PIN}\n"));
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    // The minute may have turned between the attempts and now: accept either.
    let shown = |t: chrono::DateTime<chrono::Local>| {
        format!(
            "waymark: since you last opened your vault: 3 wrong PINs, the last on {}.\n",
            t.format("%a %-d %b at %H:%M")
        )
    };
    assert!(
        err == shown(before) || err == shown(before - chrono::Duration::minutes(1)),
        "{err}"
    );
    // Standard output stays JSON.
    let _: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // Told once: acknowledged.
    let out = run(&dir, &["list"], &format!("{PIN}\n"));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    // One wrong PIN reads as one.
    run(&dir, &["list"], "999999\n");
    let out = run(&dir, &["list"], &format!("{PIN}\n"));
    assert!(String::from_utf8_lossy(&out.stderr).contains(": 1 wrong PIN, on "));
    // verify still passes with the record in place.
    ok(&dir, &["verify"]);
}
