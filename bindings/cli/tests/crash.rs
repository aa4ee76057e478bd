//! SIGKILL at random moments during a long run of `waymark log`: afterwards the vault opens,
//! verifies, and holds every incident whose command had returned success.

use std::process::Stdio;
use std::time::{Duration, Instant};
use waymark_test_support::cli::*;
use waymark_test_support::PIN;

#[test]
fn killed_mid_write_loses_nothing_committed_and_shows_nothing_half_written() {
    let (_t, dir) = new_vault();
    let mut committed = Vec::new();
    let mut killed = 0;
    // A cheap, deterministic spread of kill delays (0..200 ms: an unlock is paced to at least 60 ms) without a random-number crate.
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    for i in 0..60 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % 200_000);
        let marker = format!("crash-test incident {i}");
        let mut child = waymark()
            .args(["log", "other", &marker, "--vault"])
            .arg(&dir)
            .arg("--pin-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PIN}\n").as_bytes());
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if started.elapsed() >= delay {
                child.kill().unwrap(); // SIGKILL on Unix
                child.wait().unwrap();
                killed += 1;
                break None;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        if status.is_some_and(|s| s.success()) {
            committed.push(marker);
        }
    }
    assert!(killed > 5, "too few kills to mean anything: {killed}");
    assert!(!committed.is_empty(), "nothing ever completed");
    ok(&dir, &["verify"]);
    let listed: serde_json::Value = serde_json::from_str(&ok(&dir, &["list", "--json"])).unwrap();
    let texts: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["description"].as_str().unwrap())
        .collect();
    for m in &committed {
        assert!(
            texts.contains(&m.as_str()),
            "lost a committed incident: {m}"
        );
    }
    // Whatever did land is whole: every listed incident is one of ours, in full.
    for t in &texts {
        assert!(t.starts_with("crash-test incident "), "{t}");
    }
    eprintln!(
        "{} runs, {killed} killed, {} committed, {} present",
        60,
        committed.len(),
        texts.len()
    );
}
