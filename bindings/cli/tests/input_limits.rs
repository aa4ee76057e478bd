//! Inputs someone else may have prepared: a giant armed file, /dev/zero, a FIFO, a file far too
//! large. Each is refused quickly with a clear message (exit 1, or 2 for a changed vault file),
//! with bounded memory and nothing half-written.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use waymark_test_support::cli::*;
use waymark_test_support::PIN;

/// Runs `waymark ARGS --vault DIR --pin-stdin`, killing it (and failing) after `limit`.
fn run_within(dir: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = spawn(dir, args, &format!("{PIN}\n"));
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after {limit:?}: it must refuse, not read for ever");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Peak resident memory, in KiB, of `waymark ARGS` (GNU time); its output too.
fn peak_kib(dir: &Path, args: &[&str]) -> (u64, Output) {
    let report = dir.parent().unwrap().join("time.txt");
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .arg("--vault")
        .arg(dir)
        .env_remove("WAYMARK_VAULT")
        .stdin(Stdio::null())
        .output()
        .expect("GNU time (Debian package `time`, installed by .ci/run)");
    // GNU time writes "Command exited with non-zero status N" first when it did.
    let text = std::fs::read_to_string(&report).unwrap();
    let kib = text.lines().last().unwrap().trim().parse().unwrap();
    (kib, out)
}

fn fifo(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("pipe");
    let made = Command::new("mkfifo").arg(&p).status().unwrap();
    assert!(made.success());
    p
}

#[test]
fn checkin_tick_reads_the_armed_file_as_the_fixed_size_it_is() {
    let (_t, dir) = new_vault();
    // Someone grows the armed file (which needs no PIN to be read) to 1 GiB.
    let armed = dir.join("checkin.armed");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&armed)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let (kib, out) = peak_kib(&dir, &["checkin", "tick"]);
    assert_clean_failure(&out, 2);
    assert!(
        kib < 64 * 1024,
        "checkin tick used {kib} KiB for a 1 GiB armed file"
    );
    // A pipe in its place is not waited on.
    std::fs::remove_file(&armed).unwrap();
    let made = Command::new("mkfifo").arg(&armed).status().unwrap();
    assert!(made.success());
    assert_clean_failure(
        &run_within(&dir, &["checkin", "tick"], Duration::from_secs(30)),
        2,
    );
}

#[test]
fn devices_and_pipes_are_refused_wherever_a_file_is_read() {
    let (t, dir) = new_vault();
    let pipe = fifo(t.path());
    let pipe = pipe.to_str().unwrap();
    let incident = ok(&dir, &["log", "followed", "to the station", "--json"]);
    let incident: serde_json::Value = serde_json::from_str(&incident).unwrap();
    let id = &incident["id"].as_str().unwrap()[..8];
    for file in ["/dev/zero", pipe] {
        for args in [
            vec!["map", "import", file],
            vec!["capture", file],
            vec!["attach", id, file],
            vec!["verify", "--since", file],
            vec!["bundle", "verify", file],
        ] {
            let out = run_within(&dir, &args, Duration::from_secs(30));
            let err = assert_clean_failure(&out, 1);
            assert!(err.contains("plain file"), "{args:?}: {err}");
        }
    }
    assert_eq!(
        ok(&dir, &["evidence", "list", "--json"]).trim(),
        "[]",
        "nothing kept"
    );
}

#[test]
fn a_map_too_large_is_refused_before_it_is_read() {
    let (t, dir) = new_vault();
    let big = t.path().join("planet.osm.pbf");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(300 << 20)
        .unwrap();
    let out = run_within(
        &dir,
        &["map", "import", big.to_str().unwrap()],
        Duration::from_secs(60),
    );
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("256.0 MB"), "{err}");
}

#[test]
fn capture_is_capped_at_a_size_the_person_can_change() {
    let (t, dir) = new_vault();
    let video = t.path().join("doorbell.mp4");
    std::fs::write(&video, vec![7u8; 3 << 20]).unwrap();
    let path = video.to_str().unwrap();
    let out = run_within(
        &dir,
        &["capture", path, "--max-size", "2M"],
        Duration::from_secs(30),
    );
    let err = assert_clean_failure(&out, 1);
    assert!(err.contains("3.0 MB") && err.contains("2.0 MB"), "{err}");
    assert_eq!(
        ok(&dir, &["evidence", "list", "--json"]).trim(),
        "[]",
        "nothing kept"
    );
    let help = String::from_utf8(
        waymark()
            .args(["capture", "--help"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(help.contains("--max-size") && help.contains("4G"), "{help}");
    ok(&dir, &["capture", path, "--max-size", "4M"]);
}
