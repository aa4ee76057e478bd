//! `waymark backup` and `waymark restore` (issue 15): everything comes back on a fresh folder and
//! checks out; a damaged, cut or wrongly opened backup is refused and leaves nothing behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use waymark_test_support::cli::*;
use waymark_test_support::scan::files_under;
use waymark_test_support::PIN;

const NEW_PIN: &str = "975310";
const DURESS: &str = "135790";

/// A vault with incidents, evidence, a duress PIN with something in the decoy, and files a
/// later version might add (one at the top, one in a new folder). Returns its recovery code.
fn full_vault(t: &Path) -> (PathBuf, String) {
    let dir = t.join("vault");
    let out = run(
        &dir,
        &["init", "--insecure-fast-kdf", "--json"],
        &format!("{PIN}\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let code = v["recovery_code"].as_str().unwrap().to_string();
    ok(
        &dir,
        &[
            "log",
            "followed",
            "Followed from the station to the bus stop",
        ],
    );
    ok(&dir, &["log", "watching", "Parked outside the house"]);
    let photo = t.join("photo.jpg");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 13 % 251) as u8).collect();
    std::fs::write(&photo, data).unwrap();
    ok(
        &dir,
        &["capture", photo.to_str().unwrap(), "--how", "camera"],
    );
    let out = run(
        &dir,
        &["passwd", "--duress"],
        &format!("{PIN}\n{DURESS}\n{DURESS}\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run(
        &dir,
        &["log", "other", "Dentist at nine"],
        &format!("{DURESS}\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(dir.join("future.dat"), b"a file a later layout adds").unwrap();
    std::fs::create_dir(dir.join("later")).unwrap();
    std::fs::write(dir.join("later").join("deep.bin"), [7u8; 70_000]).unwrap();
    (dir, code)
}

fn restore(backup: &Path, to: &Path, code: &str) -> std::process::Output {
    run(
        to,
        &["restore", backup.to_str().unwrap()],
        &format!("{code}\n{NEW_PIN}\n{NEW_PIN}\n"),
    )
}

fn with_pin(dir: &Path, pin: &str, args: &[&str]) -> String {
    let out = run(dir, args, &format!("{pin}\n"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every file under `dir` by its path inside it.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Nothing at `to` and no temporary folder beside it.
fn nothing_left(to: &Path) {
    assert!(!to.exists(), "{} was created", to.display());
    let leftovers: Vec<_> = std::fs::read_dir(to.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".tmp-restore"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn backup_then_restore_on_a_fresh_folder_gives_the_same_vault() {
    let t = tempfile::tempdir().unwrap();
    let (dir, code) = full_vault(t.path());
    let backup = t.path().join("waymark.backup");
    let out = with_pin(&dir, PIN, &["backup", backup.to_str().unwrap(), "--json"]);
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        summary["bytes"].as_u64(),
        Some(std::fs::metadata(&backup).unwrap().len())
    );
    // Nothing of the content in the clear.
    let bytes = std::fs::read(&backup).unwrap();
    for marker in [
        "Followed from the station",
        "Dentist at nine",
        "a later layout",
        "photo.jpg",
    ] {
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "{marker} in the backup"
        );
    }
    // An existing file is never replaced.
    let out = run(
        &dir,
        &["backup", backup.to_str().unwrap()],
        &format!("{PIN}\n"),
    );
    assert_clean_failure(&out, 1);
    assert_eq!(std::fs::read(&backup).unwrap(), bytes);

    let to = t.path().join("restored");
    let out = restore(&backup, &to, &code);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for args in [
        &["list", "--json"][..],
        &["evidence", "list", "--json"][..],
        &["verify", "--json"][..],
    ] {
        assert_eq!(
            with_pin(&dir, PIN, args),
            with_pin(&to, NEW_PIN, args),
            "{args:?}"
        );
    }
    // The old PIN is for the old device only; the recovery code still works.
    assert_eq!(
        run(&to, &["list"], &format!("{PIN}\n")).status.code(),
        Some(3)
    );

    // Every file the vault owns came back: found by walking the folder, so the two files no
    // list of today's layout names are here too. Left out, by kind: the key file (rebuilt for
    // this device), the armed file, the erase setting and the duress-unlock alert (sealed to
    // the old device), locks and SQLite's index.
    let before = contents(&dir);
    let after = contents(&to);
    let kept = |name: &&String| {
        ![
            "vault.keys",
            "checkin.armed",
            "erase.seal",
            "duress.seal",
            "vault.lock",
            "checkin.lock",
        ]
        .contains(&name.as_str())
            && !name.ends_with("-shm")
    };
    let names_before: Vec<&String> = before.keys().filter(kept).collect();
    let names_after: Vec<&String> = after.keys().filter(kept).collect();
    assert_eq!(names_before, names_after);
    assert!(after.contains_key("future.dat") && after.contains_key("later/deep.bin"));
    // Byte for byte, except the databases (the restore records the new key file in them) and
    // the attempt record (emptied at each unlock).
    for name in names_before {
        if name.contains(".db") || name == "attempts.seal" {
            continue;
        }
        assert!(before[name] == after[name], "{name} differs");
    }

    // The decoy came too: a duress PIN set again on the new device opens it.
    let out = run(
        &to,
        &["passwd", "--duress"],
        &format!("{NEW_PIN}\n{DURESS}\n{DURESS}\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    let decoy = with_pin(&to, DURESS, &["list", "--json"]);
    assert!(decoy.contains("Dentist at nine"), "{decoy}");
    assert!(!decoy.contains("Followed"), "{decoy}");
}

#[test]
fn a_damaged_cut_or_wrongly_opened_backup_restores_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (dir, code) = full_vault(t.path());
    let backup = t.path().join("waymark.backup");
    with_pin(&dir, PIN, &["backup", backup.to_str().unwrap()]);
    let good = std::fs::read(&backup).unwrap();
    let len = good.len();

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("flipped in the middle", {
            let mut b = good.clone();
            b[len / 2] ^= 0x01;
            b
        }),
        ("flipped in the header", {
            let mut b = good.clone();
            b[20] ^= 0x80;
            b
        }),
        ("flipped in the last byte", {
            let mut b = good.clone();
            b[len - 1] ^= 0x01;
            b
        }),
        ("cut in half", good[..len / 2].to_vec()),
        ("cut by one byte", good[..len - 1].to_vec()),
        ("one byte added", [good.clone(), vec![0]].concat()),
        ("empty", vec![]),
    ];
    for (what, bytes) in cases {
        let bad = t.path().join("bad.backup");
        std::fs::write(&bad, bytes).unwrap();
        let to = t.path().join("restored");
        let out = restore(&bad, &to, &code);
        let err = assert_clean_failure(&out, 2);
        assert!(err.contains("backup is damaged"), "{what}: {err}");
        nothing_left(&to);
    }

    // A recovery code of another vault: exit 3, nothing made.
    let other = tempfile::tempdir().unwrap();
    let (_, other_code) = full_vault(other.path());
    let to = t.path().join("restored");
    let out = restore(&backup, &to, &other_code);
    assert_clean_failure(&out, 3);
    nothing_left(&to);

    // Over an existing vault: refused, exit 1, not touched.
    let before = contents(&dir);
    let out = restore(&backup, &dir, &code);
    assert_clean_failure(&out, 1);
    assert_eq!(contents(&dir), before);
    // Into a folder with something else in it: refused, the file untouched.
    let busy = t.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("mine.txt"), b"mine").unwrap();
    let out = restore(&backup, &busy, &code);
    assert_clean_failure(&out, 1);
    assert_eq!(std::fs::read(busy.join("mine.txt")).unwrap(), b"mine");
    // The good backup still restores (none of the above spent anything).
    let out = restore(&backup, &to, &code);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_backup_is_the_same_size_whatever_the_decoy_holds() {
    let t = tempfile::tempdir().unwrap();
    let (dir, _) = full_vault(t.path());
    let first = t.path().join("1.backup");
    with_pin(&dir, PIN, &["backup", first.to_str().unwrap()]);
    for i in 0..20 {
        with_pin(
            &dir,
            DURESS,
            &["log", "other", &format!("decoy entry {i} with some words")],
        );
    }
    let second = t.path().join("2.backup");
    with_pin(&dir, PIN, &["backup", second.to_str().unwrap()]);
    assert_eq!(
        std::fs::metadata(&first).unwrap().len(),
        std::fs::metadata(&second).unwrap().len()
    );
    // From the decoy no backup is made (it cannot reach the real store's key), and it says so
    // without saying why.
    let third = t.path().join("3.backup");
    let out = run(
        &dir,
        &["backup", third.to_str().unwrap()],
        &format!("{DURESS}\n"),
    );
    assert_clean_failure(&out, 1);
    assert!(!third.exists());
}
