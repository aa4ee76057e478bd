//! End-to-end: `waymark risk` shows the S-DASH questions with what the log says, takes answers,
//! keeps the earlier ones, and the report carries them.

use waymark_test_support::cli::*;
use waymark_test_support::PIN;

#[test]
fn risk_questions_answers_history_and_report() {
    let (tmp, dir) = new_vault();
    for (kind, at) in [
        ("turned-up-home", "2 days ago"),
        ("turned-up-work", "3 days ago"),
        ("turned-up-home", "4 days ago"),
        ("turned-up-school", "5 days ago"),
    ] {
        ok(
            &dir,
            &[
                "log",
                kind,
                "at the door again",
                "--at",
                at,
                "--by",
                "Sam",
                "--feeling",
                "5",
            ],
        );
    }
    let text = ok(&dir, &["risk"]);
    assert!(
        text.contains("not a risk assessment") && text.contains("999"),
        "{text}"
    );
    assert!(text.contains("1. Are you very frightened?"));
    assert!(
        text.contains(
            "Turned up at your home, work or school 4 times in the last 7 days: incidents "
        ),
        "{text}"
    );
    assert!(text.contains("Only you can answer: This is about the person's history"));

    let json: serde_json::Value = serde_json::from_str(&ok(&dir, &["risk", "--json"])).unwrap();
    let qs = json["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 11);
    assert_eq!(qs[3]["id"], "visits-home-or-work");
    assert_eq!(qs[3]["evidence"]["points_to_yes"], true);
    assert_eq!(
        qs[3]["evidence"]["incident_ids"].as_array().unwrap().len(),
        4
    );
    assert!(
        qs[1]["evidence"].is_null(),
        "history is asked, never guessed"
    );
    assert_eq!(json["source"]["published"], "2009");

    ok(&dir, &["risk", "answer", "4", "--no"]);
    let changed: serde_json::Value = serde_json::from_str(&ok(
        &dir,
        &[
            "risk",
            "answer",
            "visits-home-or-work",
            "--yes",
            "--note",
            "every evening now",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(changed["answer"], "yes");
    ok(&dir, &["risk", "answer", "11", "--unsure"]);
    let history = ok(&dir, &["risk", "history"]);
    assert!(history.contains("Question 4: No"), "{history}");
    assert!(history.contains("Question 4: Yes") && history.contains("every evening now"));
    assert!(history.contains("Question 11: Not sure"));
    let shown = ok(&dir, &["risk"]);
    assert!(
        shown.contains("Your answer: Yes") && shown.contains("Earlier: No"),
        "{shown}"
    );

    // Bad input: exit 1, nothing changed.
    let out = run(
        &dir,
        &["risk", "answer", "12", "--yes"],
        &format!("{PIN}\n"),
    );
    assert_clean_failure(&out, 1);
    let out = run(&dir, &["risk", "answer", "3"], &format!("{PIN}\n"));
    assert_clean_failure(&out, 1);
    let out = run(
        &dir,
        &["risk", "answer", "3", "--yes", "--no"],
        &format!("{PIN}\n"),
    );
    assert_clean_failure(&out, 1);
    let json: serde_json::Value =
        serde_json::from_str(&ok(&dir, &["risk", "history", "--json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);

    assert!(ok(&dir, &["verify"]).contains("Your log checks out"));
    let pdf = tmp.path().join("r.pdf");
    ok(&dir, &["report", pdf.to_str().unwrap()]);
    let Ok(out) = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
    else {
        eprintln!("NOTICE: pdftotext is not installed; skipping the PDF text check");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Stalking risk questions (S-DASH)"));
    assert!(text.contains("every evening now") && text.contains("Earlier answers"));
}
