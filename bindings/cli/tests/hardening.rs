//! What an attack through the command line found (issue 13), each kept found: database pages,
//! key, armed and evidence files changed behind `verify`'s back; parallel PIN guesses and a PIN
//! change racing a wrong guess; a planted lock-out; `init` in someone else's folder; a full or
//! read-only disk; ten processes logging at once; and the smaller ones.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;
use waymark_test_support::cli::*;
use waymark_test_support::scan::copy_dir;
use waymark_test_support::PIN;

const WRONG: &str = "999999";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn flip(path: &Path, offset: usize, len: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    for b in &mut bytes[offset..offset + len] {
        *b ^= 0xA5;
    }
    std::fs::write(path, bytes).unwrap();
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Issue 13, defect 1: every byte `verify` can vouch for is checked.
#[test]
fn verify_authenticates_both_databases_the_key_armed_and_evidence_files() {
    let (tmp, dir) = new_vault();
    for i in 0..3 {
        ok(&dir, &["log", "followed", &format!("incident number {i}")]);
    }
    let photo = tmp.path().join("note.txt");
    std::fs::write(&photo, vec![b'x'; 200_000]).unwrap();
    ok(&dir, &["capture", photo.to_str().unwrap()]);
    ok(&dir, &["verify"]);

    let mut cases: Vec<(String, PathBuf, usize)> = Vec::new();
    for db in ["store-0.db", "store-1.db"] {
        let len = std::fs::metadata(dir.join(db)).unwrap().len() as usize;
        cases.push((format!("{db} middle"), PathBuf::from(db), len / 2));
    }
    // The spare key slot (header 53 bytes + 3 slots of 76): never used to unlock.
    cases.push((
        "spare key slot".into(),
        PathBuf::from("vault.keys"),
        53 + 3 * 76 + 20,
    ));
    cases.push(("armed file".into(), PathBuf::from("checkin.armed"), 30_000));
    // Both stores' evidence files share one folder.
    let evidence = waymark_test_support::scan::files_under(&dir.join("files"));
    assert_eq!(evidence.len(), 1, "{evidence:?}");
    let rel = evidence[0].strip_prefix(&dir).unwrap().to_path_buf();
    cases.push(("evidence file".into(), rel, 100_000));

    for (what, rel, offset) in cases {
        let copy = tmp.path().join(format!("copy-{}", what.replace(' ', "-")));
        copy_dir(&dir, &copy);
        flip(&copy.join(&rel), offset, 16);
        let out = run(&copy, &["verify"], &format!("{PIN}\n"));
        let err = assert_clean_failure(&out, 2);
        assert!(err.contains("integrity check failed"), "{what}: {err}");
    }
}

/// Issue 13, defect 2: the failed-attempt counter is charged before the slow work, under one
/// lock across processes, so ten parallel guesses after four wrong ones get one try, not ten.
#[test]
fn parallel_wrong_pins_get_one_try_once_the_free_tries_are_used() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    // The real (calibrated, about half a second) key derivation: a wide window for a race.
    let out = run(&dir, &["init"], &format!("{PIN}\n"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for _ in 0..4 {
        assert_clean_failure(&run(&dir, &["list"], &format!("{WRONG}\n")), 3);
    }
    let children: Vec<_> = (0..10)
        .map(|_| spawn(&dir, &["list"], &format!("{WRONG}\n")))
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let mut tried = 0;
    let mut refused = 0;
    for o in &outs {
        let err = assert_clean_failure(o, 3);
        if err.contains("did not open") {
            tried += 1;
        } else if err.contains("too many wrong attempts") {
            refused += 1;
        } else {
            panic!("unexpected: {err}");
        }
    }
    assert_eq!((tried, refused), (1, 9), "tried / refused");
    let status = json(&dir, &["status"]);
    assert_eq!(status["failed_attempts"], 5, "{status}");
    assert!(status["locked_until"].is_string(), "{status}");
}

/// Issue 13, defect 2: a wrong PIN overlapping `passwd` cannot undo the PIN change.
#[test]
fn a_wrong_pin_racing_passwd_cannot_undo_the_change() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let out = run(&dir, &["init"], &format!("{PIN}\n"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let new_pin = "13572468";
    let passwd = spawn(&dir, &["passwd"], &format!("{PIN}\n{new_pin}\n"));
    // Wrong guesses back to back while passwd runs (at most 4: no lock-out in the way).
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(150));
        let g = run(&dir, &["list"], &format!("{WRONG}\n"));
        assert_eq!(g.status.code(), Some(3), "{}", stderr(&g));
    }
    let p = passwd.wait_with_output().unwrap();
    assert_eq!(p.status.code(), Some(0), "{}", stderr(&p));
    let new_opens = run(&dir, &["list"], &format!("{new_pin}\n"));
    assert_eq!(
        new_opens.status.code(),
        Some(0),
        "the new PIN was refused after passwd said it was done: {}",
        stderr(&new_opens)
    );
    let old = run(&dir, &["list"], &format!("{PIN}\n"));
    assert_eq!(
        old.status.code(),
        Some(3),
        "the old PIN still opens the vault"
    );
}

fn plant_lockout(dir: &Path, until: i64) {
    let keys = dir.join("vault.keys");
    let mut bytes = std::fs::read(&keys).unwrap();
    let n = bytes.len();
    bytes[n - 8..].copy_from_slice(&until.to_be_bytes());
    std::fs::write(&keys, bytes).unwrap();
}

fn lockout_until(err: &str) -> chrono::DateTime<chrono::Utc> {
    let at = err.find("try again after ").expect(err) + "try again after ".len();
    let text = &err[at..at + 19];
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .unwrap_or_else(|_| panic!("no time in {err}"))
        .and_utc()
}

/// Issue 13, defect 3: a lock-out written into the key file is never believed beyond the
/// longest back-off (an hour) from now, and the recovery code is not locked out by it.
#[test]
fn a_planted_lockout_lasts_at_most_the_longest_backoff() {
    let (_t, dir) = new_vault();
    for planted in [253_402_300_800i64 /* year 10000 */, i64::MAX] {
        plant_lockout(&dir, planted);
        let before = chrono::Utc::now();
        let out = run(&dir, &["list"], &format!("{PIN}\n"));
        let err = assert_clean_failure(&out, 3);
        let until = lockout_until(&err);
        assert!(
            until > before && until <= before + chrono::Duration::seconds(3601),
            "planted {planted}: {err}"
        );
        let status = json(&dir, &["status"]);
        let shown: chrono::DateTime<chrono::Utc> =
            serde_json::from_value(status["locked_until"].clone()).unwrap();
        assert!(
            shown <= before + chrono::Duration::seconds(3601),
            "{status}"
        );
    }
    // The recovery code (128 random bits, nothing to throttle) still opens the vault.
    let fresh = tempfile::tempdir().unwrap();
    let v = fresh.path().join("vault");
    let out = run(
        &v,
        &["init", "--insecure-fast-kdf", "--json"],
        &format!("{PIN}\n"),
    );
    let code = serde_json::from_slice::<Value>(&out.stdout).unwrap()["recovery_code"]
        .as_str()
        .unwrap()
        .to_string();
    plant_lockout(&v, 253_402_300_800);
    let out = run(&v, &["recover"], &format!("{code}\n24681357\n"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&v, &["list"], "24681357\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Issue 13, defect 5: `init` never takes over someone else's folder or changes its mode.
#[test]
fn init_refuses_an_unrelated_folder_and_leaves_modes_alone() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(shared.join("holiday.txt"), "mine").unwrap();
    let out = run(
        &shared,
        &["init", "--insecure-fast-kdf"],
        &format!("{PIN}\n"),
    );
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(mode(&shared), 0o755);
    let names: Vec<_> = std::fs::read_dir(&shared).unwrap().collect();
    assert_eq!(names.len(), 1, "only the person's own file is there");

    // An empty folder someone made: used, its mode kept, a warning that others can look in.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = run(
        &empty,
        &["init", "--insecure-fast-kdf"],
        &format!("{PIN}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&empty), 0o755);
    assert!(stderr(&out).contains("other users"), "{}", stderr(&out));
    // Issue 13, defect 10: vault files are private whatever the folder's mode.
    ok(&empty, &["log", "other", "something"]);
    ok(
        &empty,
        &["capture", empty.join("vault.keys").to_str().unwrap()],
    );
    let files = waymark_test_support::scan::files_under(&empty);
    assert!(files.len() >= 6, "{files:?}");
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }

    // A folder Waymark creates is private.
    let made = tmp.path().join("made");
    init(&made);
    assert_eq!(mode(&made), 0o700);
    for f in waymark_test_support::scan::files_under(&made) {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
    // Issue 13, defect 10: a vault whose folders are links to elsewhere is refused.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::remove_dir(made.join("files")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, made.join("files")).unwrap();
    let note = tmp.path().join("n.txt");
    std::fs::write(&note, "evidence").unwrap();
    let out = run(
        &made,
        &["capture", note.to_str().unwrap()],
        &format!("{PIN}\n"),
    );
    let err = assert_clean_failure(&out, 2);
    assert!(err.contains("link"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// Issue 13, defect 7: ten processes logging at once all succeed (they wait for each other).
#[test]
fn ten_processes_logging_at_once_all_succeed() {
    let (_t, dir) = new_vault();
    for round in 0..2 {
        let children: Vec<_> = (0..10)
            .map(|i| {
                spawn(
                    &dir,
                    &["log", "other", &format!("round {round} tap {i}")],
                    &format!("{PIN}\n"),
                )
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        }
    }
    let list = json(&dir, &["list"]);
    assert_eq!(list.as_array().unwrap().len(), 20);
    ok(&dir, &["verify"]);
}

/// Issue 13, defect 10: `report` never replaces a file that is already there.
#[test]
fn report_refuses_to_replace_an_existing_file() {
    let (tmp, dir) = new_vault();
    ok(&dir, &["log", "other", "something"]);
    let out_pdf = tmp.path().join("report.pdf");
    std::fs::write(&out_pdf, "my thesis").unwrap();
    let out = run(
        &dir,
        &["report", out_pdf.to_str().unwrap()],
        &format!("{PIN}\n"),
    );
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&out_pdf).unwrap(), b"my thesis");
    let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "no partial file left: {names:?}");
}

/// Issue 13, defect 10: terminal control sequences stored in a description are shown as text.
#[test]
fn list_and_show_print_control_characters_harmlessly() {
    let (_t, dir) = new_vault();
    ok(
        &dir,
        &[
            "log",
            "other",
            "plain \u{1b}[2J\u{1b}]0;owned\u{7} \u{9b}31m end",
        ],
    );
    let id = json(&dir, &["list"])[0]["id"].as_str().unwrap().to_string();
    for args in [
        vec!["list"],
        vec!["show", id.as_str()],
        vec!["search", "plain"],
    ] {
        let out = ok(&dir, &args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{9b}'),
            "{args:?}: {out:?}"
        );
        assert!(
            out.contains("plain") && out.contains("[2J"),
            "{args:?}: {out}"
        );
    }
}

/// Issue 13, defect 10: with --pin-stdin, a confirming second line must match the first.
#[test]
fn init_with_pin_stdin_refuses_a_second_line_that_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let out = run(
        &dir,
        &["init", "--insecure-fast-kdf"],
        &format!("{PIN}\n{WRONG}\n"),
    );
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("different"), "{err}");
    assert!(!dir.join("vault.keys").exists());
    let out = run(
        &dir,
        &["init", "--insecure-fast-kdf"],
        &format!("{PIN}\n{PIN}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Issue 13, defect 10: a time the clocks skip is named as such, with the hour after offered.
#[test]
fn a_time_in_the_spring_forward_gap_is_explained() {
    let (_t, dir) = new_vault();
    let out = waymark()
        .env("TZ", "Europe/London")
        .args([
            "log",
            "other",
            "x",
            "--at",
            "2026-03-29 01:30",
            "--pin-stdin",
            "--vault",
        ])
        .arg(&dir)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(format!("{PIN}\n").as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("does not exist"), "{err}");
    assert!(err.contains("02:30"), "{err}");
}

/// A small filesystem of its own (tmpfs), unmounted on drop. Needs root (or CAP_SYS_ADMIN);
/// `None` where mounting is not allowed, and the test says it did not run.
struct SmallDisk {
    path: PathBuf,
    _tmp: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("disk");
        std::fs::create_dir(&path).unwrap();
        let ok = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { path, _tmp: tmp })
    }
    fn remount(&self, how: &str) {
        let s = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{how}")])
            .arg(&self.path)
            .status()
            .unwrap();
        assert!(s.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(&self.path)
            .status();
    }
}

/// Issue 13, defect 6: a full disk and a read-only vault are named plainly (exit 1), never
/// reported as tampering, and reading keeps working when writing cannot.
#[test]
fn full_disk_and_read_only_vault_say_so_and_reading_still_works() {
    let Some(disk) = SmallDisk::mount("8m") else {
        eprintln!("NOT RUN: mounting a small tmpfs needs root (CI runs as root)");
        return;
    };
    let dir = disk.path.join("vault");
    init(&dir);
    ok(&dir, &["log", "followed", "before the disk filled"]);
    // Fill what is left.
    {
        use std::io::Write;
        let mut f = std::fs::File::create(disk.path.join("filler")).unwrap();
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }
    for args in [
        vec!["log", "other", "after the disk filled"],
        vec!["capture", "/etc/hostname"],
    ] {
        let out = run(&dir, &args, &format!("{PIN}\n"));
        let err = assert_clean_failure(&out, 1);
        assert!(
            err.contains("no space left on the device"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("integrity"), "{err}");
    }
    let list = ok(&dir, &["list"]);
    assert!(list.contains("before the disk filled"), "{list}");
    ok(&dir, &["verify"]);

    std::fs::remove_file(disk.path.join("filler")).unwrap();
    disk.remount("ro");
    let list = ok(&dir, &["list"]);
    assert!(list.contains("before the disk filled"), "{list}");
    ok(&dir, &["verify"]);
    let out = run(
        &dir,
        &["log", "other", "while read-only"],
        &format!("{PIN}\n"),
    );
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("cannot write to the vault folder"), "{err}");
    assert!(!err.contains("integrity"), "{err}");
    disk.remount("rw");
    ok(&dir, &["log", "other", "after"]);
    ok(&dir, &["verify"]);
}
