//! End-to-end: insights, report, bundle (+ verify), receipt and verify --since through the real
//! binary.

use waymark_test_support::cli::*;
use waymark_test_support::PIN;

fn log(dir: &std::path::Path, kind: &str, text: &str, at: &str, extra: &[&str]) {
    let mut args = vec!["log", kind, text, "--at", at, "--by", "Sam"];
    args.extend_from_slice(extra);
    ok(dir, &args);
}

#[test]
fn insights_report_bundle_receipt_end_to_end() {
    let (tmp, dir) = new_vault();
    log(
        &dir,
        "unwanted-contact",
        "CLI-ONE texts all night",
        "2026-10-01 22:00",
        &["--feeling", "2"],
    );
    log(
        &dir,
        "followed",
        "CLI-TWO followed from the bus",
        "2026-10-08 08:15",
        &["--feeling", "3"],
    );
    log(
        &dir,
        "turned-up-home",
        "CLI-THREE at my door",
        "2026-10-15 21:40",
        &["--feeling", "5"],
    );

    let text = ok(&dir, &["insights"]);
    assert!(
        text.contains("Risk can rise at any time")
            && text.contains("0808 802 0300")
            && text.contains("999")
    );
    assert!(text.contains("New behaviour"), "{text}");
    assert!(text.contains("Protection from Harassment Act 1997"));
    let json: serde_json::Value = serde_json::from_str(&ok(&dir, &["insights", "--json"])).unwrap();
    assert_eq!(json["incident_count"], 3);
    assert_eq!(
        json["course_of_conduct"][0]["incident_ids"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(json["rate_trend"]["method"]
        .as_str()
        .unwrap()
        .contains("Mann-Kendall"));

    let pdf = tmp.path().join("r.pdf");
    let out = ok(
        &dir,
        &[
            "report",
            pdf.to_str().unwrap(),
            "--from",
            "2026-10-05",
            "--to",
            "2026-10-15",
        ],
    );
    assert!(out.contains("2 incidents"), "{out}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    if let Ok(o) = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
    {
        let t = String::from_utf8_lossy(&o.stdout);
        assert!(
            t.contains("CLI-TWO") && t.contains("CLI-THREE") && !t.contains("CLI-ONE"),
            "{t}"
        );
    } else {
        eprintln!("NOTICE: pdftotext is not installed; skipping the PDF text check");
    }
    assert_clean_failure(
        &run(
            &dir,
            &["report", pdf.to_str().unwrap(), "--kind", "nonsense"],
            &format!("{PIN}\n"),
        ),
        1,
    );

    let receipt = tmp.path().join("receipt.txt");
    std::fs::write(&receipt, ok(&dir, &["receipt"])).unwrap();

    let list: serde_json::Value = serde_json::from_str(&ok(&dir, &["list", "--json"])).unwrap();
    let newest = list[0]["id"].as_str().unwrap().to_string();
    // A file kept with the newest incident travels into the bundle unchanged.
    let voice = tmp.path().join("voicemail.m4a");
    std::fs::write(&voice, b"pretend voicemail bytes").unwrap();
    ok(&dir, &["attach", &newest[..8], voice.to_str().unwrap()]);
    let zip = tmp.path().join("b.zip");
    let out = ok(
        &dir,
        &[
            "bundle",
            zip.to_str().unwrap(),
            "--incident",
            &newest[..8],
            "--to",
            "PC Jones",
        ],
    );
    assert!(
        out.contains("Saved 1 incidents and 1 evidence files"),
        "{out}"
    );
    let checked = ok(&dir, &["bundle", "verify", zip.to_str().unwrap()]);
    assert!(checked.contains("checks out"), "{checked}");

    // The export and the later entries still extend the receipt.
    let since = ok(&dir, &["verify", "--since", receipt.to_str().unwrap()]);
    assert!(since.contains("still holds everything"), "{since}");

    // A damaged bundle: exit code 2 and the failure named.
    let folder = tmp.path().join("b-folder");
    ok(&dir, &["bundle", folder.to_str().unwrap()]);
    let inc = folder.join("incidents.json");
    let t = std::fs::read_to_string(&inc)
        .unwrap()
        .replace("CLI-ONE", "CLI-1NE");
    std::fs::write(&inc, t).unwrap();
    let out = run(&dir, &["bundle", "verify", folder.to_str().unwrap()], "");
    let err = assert_clean_failure(&out, 2);
    assert!(err.contains("incidents.json"), "{err}");

    // A tampered receipt: exit code 2.
    let original = std::fs::read_to_string(&receipt).unwrap();
    let line = original
        .lines()
        .find(|l| l.starts_with("entries: "))
        .unwrap();
    let n: u64 = line["entries: ".len()..].parse().unwrap();
    let r = original.replace(line, &format!("entries: {}", n - 1));
    std::fs::write(&receipt, r).unwrap();
    assert_clean_failure(
        &run(
            &dir,
            &["verify", "--since", receipt.to_str().unwrap()],
            &format!("{PIN}\n"),
        ),
        2,
    );
}

#[test]
fn insights_use_places_saved_for_routes() {
    let (_tmp, dir) = new_vault();
    ok(&dir, &["places", "add", "home", "51.5,-0.1"]);
    for (at, lat) in [
        ("2026-10-01 09:00", "51.56"),
        ("2026-10-03 09:00", "51.55"),
        ("2026-10-05 09:00", "51.5005"),
    ] {
        ok(
            &dir,
            &[
                "log", "watching", "outside", "--at", at, "--lat", lat, "--lon", "-0.1",
            ],
        );
    }
    let text = ok(&dir, &["insights"]);
    assert!(text.contains("started happening near home"), "{text}");
}
