//! The phone's side and the relay's together: the real `waymark` command (`checkin start
//! --relay`, `ok`, `extend`, the duress PIN) against the real relay binary on loopback, with a
//! fake SMS gateway. Needs the `waymark` binary: `cargo test --workspace` builds it; for this
//! package alone, `cargo build -p waymark-cli` first.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use waymark_test_support::cli::*;
use waymark_test_support::PIN;

const DURESS: &str = "135790";
const BUDDY: &str = "+447700900123";

fn waymark_built() {
    assert!(
        bin().exists(),
        "{} is missing: run `cargo build -p waymark-cli` (cargo test --workspace builds it)",
        bin().display()
    );
}

fn add_buddy(dir: &Path) {
    ok(
        dir,
        &[
            "contacts",
            "add",
            "Samwise",
            "07700 900123",
            "--role",
            "buddy",
        ],
    );
}

/// Starts a check-in due `secs` from now with no grace, held by the relay at `url`.
fn start(dir: &Path, url: &str, place: &str, secs: i64) -> i64 {
    let due = chrono::Utc::now() + chrono::Duration::seconds(secs);
    let out = ok(
        dir,
        &[
            "checkin",
            "start",
            "--to",
            place,
            "--expect",
            &due.to_rfc3339(),
            "--grace",
            "0",
            "--relay",
            url,
        ],
    );
    assert!(out.contains("The relay holds your plan"), "{out}");
    due.timestamp()
}

fn texts_to_buddy(gw: &FakeGateway, place: &str) -> Vec<Posted> {
    gw.posts()
        .into_iter()
        .filter(|p| p.to == BUDDY && p.body.contains(place))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_arms_the_relay_which_texts_the_buddy_when_nobody_checks_in() {
    waymark_built();
    let files = RelayFiles::new();
    let gw = FakeGateway::start(Duration::ZERO).await;
    let relay = Relay::start(&files, &files.sqlite(), &gw, &RelayOptions::default());
    // Three phones, three plans due in the same minute (the core puts deadlines on whole
    // minutes): one missed, one checked in from the locked vault, one extended.
    let (vaults, due) = tokio::task::block_in_place(|| {
        let vaults: Vec<_> = (0..3).map(|_| new_vault()).collect();
        for (_, dir) in &vaults {
            add_buddy(dir);
        }
        let due = start(&vaults[0].1, &relay.base, "the climbing wall", 4);
        start(&vaults[1].1, &relay.base, "the allotment", 4);
        let out = ok(&vaults[1].1, &["checkin", "ok"]);
        assert!(out.contains("The relay has your check-in too"), "{out}");
        start(&vaults[2].1, &relay.base, "the night bus", 4);
        let out = ok(&vaults[2].1, &["checkin", "extend", "30"]);
        assert!(out.contains("The relay has your new time"), "{out}");
        (vaults, due)
    });
    let deadline_ms = (due + 59) / 60 * 60 * 1000;
    assert!(
        gw.wait_for(Duration::from_secs(80), |g| !texts_to_buddy(
            g,
            "climbing wall"
        )
        .is_empty())
            .await,
        "the relay sent nothing: {}",
        relay.logs()
    );
    let sent = texts_to_buddy(&gw, "climbing wall");
    assert_eq!(sent.len(), 1);
    assert!(sent[0].at_ms >= deadline_ms, "sent before the deadline");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        texts_to_buddy(&gw, "allotment").is_empty(),
        "checked in, yet sent"
    );
    assert!(
        texts_to_buddy(&gw, "night bus").is_empty(),
        "sent at the old deadline"
    );
    drop(vaults);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_duress_pin_through_the_cli_makes_the_relay_send_at_once() {
    waymark_built();
    let files = RelayFiles::new();
    let gw = FakeGateway::start(Duration::ZERO).await;
    let relay = Relay::start(&files, &files.sqlite(), &gw, &RelayOptions::default());
    let mut outputs = Vec::new();
    for pin in [PIN, DURESS] {
        let place = if pin == PIN {
            "the cinema"
        } else {
            "the car park"
        };
        let (_tmp, dir) = new_vault();
        let out = tokio::task::block_in_place(|| {
            let setup = run(
                &dir,
                &["passwd", "--duress"],
                &format!("{PIN}\n{DURESS}\n{DURESS}\n"),
            );
            assert_eq!(setup.status.code(), Some(0));
            add_buddy(&dir);
            start(&dir, &relay.base, place, 3600);
            run(&dir, &["checkin", "ok"], &format!("{pin}\n"))
        });
        assert_eq!(out.status.code(), Some(0));
        // Times differ between the two runs; the words must not.
        let words: String = String::from_utf8_lossy(&out.stdout)
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        outputs.push(words);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "the duress PIN prints what the PIN prints"
    );
    assert!(
        gw.wait_for(Duration::from_secs(5), |g| !texts_to_buddy(g, "car park")
            .is_empty())
            .await,
        "the duress check-in did not make the relay send: {}",
        relay.logs()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(texts_to_buddy(&gw, "cinema").is_empty());
}
