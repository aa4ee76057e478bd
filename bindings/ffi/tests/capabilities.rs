//! Every capability the CLI has, used through the FFI the way a shell uses it: contacts,
//! check-ins (with the PIN-less armed path on a locked vault), help numbers, the checklist,
//! maps, places, routes, plans, insights, the PDF report with progress, bundles, receipts.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use common::*;
use waymark_ffi::*;

fn contact(name: &str, phone: &str) -> NewContact {
    NewContact {
        name: name.into(),
        phone: phone.into(),
        relationship: Some("sister".into()),
        roles: vec![ContactRole::Buddy],
        region: "GB".into(),
    }
}

fn plan(minutes: u32) -> CheckInPlan {
    CheckInPlan {
        destination: "the station".into(),
        expect: CheckInExpect::WithinMinutes { minutes },
        buddies: vec![],
        meeting: None,
        route: None,
        route_ref: None,
        grace_minutes: Some(15),
        escalation_step_minutes: None,
        if_missed: None,
        share_location: true,
        region: None,
        utc_offset_minutes: 0,
    }
}

#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<(ProgressStage, f64)>>,
    cancel_at: Option<(f64, Arc<CancelHandle>)>,
}

impl ProgressListener for Recorder {
    fn on_progress(&self, stage: ProgressStage, fraction: f64) -> Result<(), WaymarkError> {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((stage, fraction));
        if let Some((at, c)) = &self.cancel_at {
            if fraction >= *at {
                c.cancel();
            }
        }
        // A listener that fails must not break the export.
        Err(WaymarkError::Platform {
            reason: "view gone".into(),
        })
    }
}

impl Recorder {
    fn seen(&self) -> Vec<(ProgressStage, f64)> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[test]
fn contacts_and_a_check_in_from_start_to_all_clear() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let clock = TestClock::new();
    let created = new_vault(tmp.path(), clock.clone());
    let safety = created.vault.clone().safety();

    let alex = safety
        .add_contact(contact("Alex", "07700 900123"))
        .expect("add");
    assert_eq!(alex.phone, "+447700900123");
    safety
        .add_contact(contact("Sam", "07700 900456"))
        .expect("add");
    let edited = safety
        .edit_contact(
            "sam".into(),
            NewContact {
                roles: vec![ContactRole::Emergency],
                ..contact("Sam K", "07700 900789")
            },
        )
        .expect("edit");
    assert_eq!(edited.roles, vec![ContactRole::Emergency]);
    assert_eq!(safety.contacts().expect("list").len(), 2);

    // The plan text the buddy will read, with its SMS count, before starting.
    let preview = safety.preview_checkin(plan(30)).expect("preview");
    let text = preview
        .iter()
        .find(|e| e.kind == CheckInEventKind::Plan)
        .expect("a plan text");
    assert!(matches!(&text.to, EventRecipient::Buddy { name, .. } if name == "Alex"));
    assert!(text.sms.expect("sms").segments >= 1);

    let view = safety.start_checkin(plan(30)).expect("start");
    assert_eq!(view.state, CheckInState::Active);
    assert_eq!(view.buddies, vec!["Alex".to_string()]);
    let sent = safety.tick(None).expect("tick");
    assert!(sent.iter().any(|e| e.kind == CheckInEventKind::Plan));
    assert!(
        safety.tick(None).expect("tick").is_empty(),
        "each event once"
    );
    assert!(safety.next_wake().expect("wake").is_some());
    assert!(safety
        .record_location(CheckInLocation {
            lat: 51.5,
            lon: -0.12,
            accuracy_m: Some(20.0),
            at: clock.now(),
        })
        .expect("location"));
    let deadline = safety.extend_checkin(15).expect("extend");
    assert!(deadline > view.deadline.expect("deadline"));
    assert_eq!(safety.check_in().expect("ok"), CheckInState::CheckedIn);
    assert_eq!(
        safety.current_checkin().expect("current").map(|c| c.state),
        Some(CheckInState::CheckedIn)
    );
    assert_eq!(safety.checkin_history().expect("history").len(), 1);

    // Missed: the buddy is alerted exactly once and 999 is offered.
    safety.start_checkin(plan(10)).expect("start");
    safety.tick(None).expect("plan texts");
    let late = clock.now() + Duration::from_secs(60 * 60);
    let due = safety.tick(Some(late)).expect("late tick");
    assert_eq!(
        due.iter()
            .filter(|e| e.kind == CheckInEventKind::Alert)
            .count(),
        1
    );
    assert!(due
        .iter()
        .any(|e| e.kind == CheckInEventKind::Call999Prompt));
    assert!(safety.tick(Some(late)).expect("again").is_empty());
    // Once buddies are being alerted the plan cannot be called off, only checked in.
    assert!(matches!(
        safety.cancel_checkin(),
        Err(WaymarkError::InvalidInput { .. })
    ));
    assert_eq!(safety.check_in().expect("ok"), CheckInState::Resolved);
    safety.start_checkin(plan(30)).expect("start");
    safety.cancel_checkin().expect("cancel");

    safety.remove_contact(alex.id).expect("remove");
    assert_eq!(safety.contacts().expect("list").len(), 1);
}

#[test]
fn the_armed_check_in_works_while_locked_and_folds_into_the_log() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let clock = TestClock::new();
    let created = new_vault(tmp.path(), clock.clone());
    let safety = created.vault.clone().safety();
    safety
        .add_contact(contact("Alex", "07700 900123"))
        .expect("add");
    safety.start_checkin(plan(30)).expect("start");
    let log = created.vault.clone().incident_log();
    let entries_before = log.verify(None, None).expect("verify").entries;
    created.vault.lock();

    let dir = tmp.path().join("vault").to_string_lossy().into_owned();
    let armed = ArmedCheckIn::open(dir, TestPrf::new(), Some(clock.clone())).expect("armed");
    let wake = armed.next_wake().expect("wake").expect("a wake-up");
    assert!(wake <= clock.now() + Duration::from_secs(31 * 60));
    assert!(armed
        .tick(None)
        .expect("tick")
        .iter()
        .any(|e| e.kind == CheckInEventKind::Plan));
    assert!(matches!(
        armed.check_in("000000".into()),
        Err(WaymarkError::WrongSecret { .. })
    ));
    assert_eq!(
        armed.check_in(PIN.into()).expect("check in"),
        CheckInState::CheckedIn
    );
    // The all-clear comes from the next tick, like every other text.
    let after = armed.tick(None).expect("tick");
    assert!(!after.is_empty());
    assert!(after.iter().all(|e| e.kind == CheckInEventKind::AllClear));

    created.vault.unlock(PIN.into()).expect("unlock");
    safety.reconcile_armed().expect("reconcile");
    assert!(safety
        .current_checkin()
        .expect("current")
        .is_none_or(|c| c.state == CheckInState::CheckedIn));
    assert!(log.verify(None, None).expect("verify").entries > entries_before);
}

#[test]
fn help_numbers_checklist_and_duress() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let safety = created.vault.clone().safety();
    let gb = help_directory("uk".into()).expect("gb");
    assert_eq!(gb.emergency_number, "999");
    assert!(gb
        .entries
        .iter()
        .all(|e| e.dial.chars().all(|c| c.is_ascii_digit())));
    assert!(help_regions().contains(&"IE".to_string()));
    assert_eq!(safety.help_region().expect("region").code, "GB");
    assert_eq!(safety.set_help_region("IE".into()).expect("set").code, "IE");
    let mine = safety
        .add_help_number("Local service".into(), "0800 123 456".into(), None)
        .expect("add");
    assert_eq!(mine.dial, "0800123456");
    assert_eq!(safety.custom_help_numbers().expect("mine").len(), 1);
    safety.remove_help_number(mine.id).expect("remove");

    let list = safety.checklist().expect("checklist");
    assert!(list.iter().all(|e| e.status == ChecklistStatus::NotDone));
    let done = safety.checklist_done("1".into()).expect("done");
    assert!(matches!(done.status, ChecklistStatus::Done { .. }));
    safety.checklist_undo("1".into()).expect("undo");

    created
        .vault
        .set_duress_secret(PIN.into(), "975310".into())
        .expect("set duress");
    created
        .vault
        .remove_duress_secret(PIN.into())
        .expect("remove duress");
    created.vault.lock();
    assert!(matches!(
        created.vault.unlock("975310".into()),
        Err(WaymarkError::WrongSecret { .. })
    ));
}

#[test]
fn routes_between_two_saved_places_on_the_bundled_map_and_a_plan() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let routes = created.vault.clone().routes();
    let info = routes.map_info().expect("info");
    assert!(!info.imported);
    assert_eq!(info.attribution, map_attribution());
    routes
        .add_place("Home".into(), 60.1690, 24.9400)
        .expect("home");
    routes
        .add_place("Work".into(), 60.1760, 24.9480)
        .expect("work");
    assert_eq!(routes.places().expect("places").len(), 2);
    let found = routes
        .routes(
            "home".into(),
            "work".into(),
            TravelProfile::Foot,
            3,
            AvoidOptions {
                incidents: true,
                spots: vec![],
                radius_m: 100.0,
            },
        )
        .expect("routes");
    assert!(!found.is_empty() && found.len() <= 3);
    for r in &found {
        // [lon, lat] in central Helsinki.
        let first = &r.geometry[0];
        assert_eq!(first.len(), 2);
        assert!((24.9..25.0).contains(&first[0]) && (60.1..60.2).contains(&first[1]));
        assert!(r.length_m > 500.0 && r.duration_s > 300.0 && r.extra_s >= 0.0);
    }
    assert!(found.iter().any(|r| !r.street_names.is_empty()));

    let plan = routes
        .plan(PlanRequest {
            from: "Home".into(),
            to: "Work".into(),
            profile: TravelProfile::Foot,
            first_day: UNIX_EPOCH + Duration::from_secs(1_780_000_000),
            utc_offset_minutes: 120,
            days: 5,
            arrive_by_minute: Some(9 * 60),
            leave_after_minute: None,
            extra_minutes: 15,
            watcher_wait_minutes: 10,
            avoid: AvoidOptions {
                incidents: false,
                spots: vec![],
                radius_m: 100.0,
            },
        })
        .expect("plan");
    assert_eq!(plan.trips.len(), 5);
    assert!(plan.trips.iter().all(|t| t.arrive.as_str() <= "09:00"));
    let q = &plan.predictability;
    assert!(q.route_best_guess > 0.0 && q.route_best_guess <= 1.0);
    assert!(q.trip_min_entropy_bits >= 0.0);
    // Kept in the vault (coordinates go through JSON, so compare what is not a float).
    let kept = routes.latest_plan().expect("latest").expect("a plan");
    assert_eq!(
        (kept.trips, kept.routes.len()),
        (plan.trips, plan.routes.len())
    );

    // Importing the same map from a file, with progress, makes it the imported map.
    let pbf = tmp.path().join("centre.osm.pbf");
    std::fs::write(&pbf, waymark_core::routes::BUNDLED_PBF).expect("write");
    let rec = Arc::new(Recorder::default());
    let imported = routes
        .import_map(pbf.to_string_lossy().into_owned(), Some(rec.clone()), None)
        .expect("import");
    assert!(imported.foot_km > 1.0);
    assert!(routes.map_info().expect("info").imported);
    assert_eq!(rec.seen().last(), Some(&(ProgressStage::SavingMap, 1.0)));
    routes.forget_map().expect("forget");
    routes.remove_place("home".into()).expect("remove");
}

#[test]
fn report_with_progress_bundle_receipt_and_insights() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let created = new_vault(tmp.path(), TestClock::new());
    let log = created.vault.clone().incident_log();
    for k in 0..3u64 {
        log.record(NewIncident {
            kind: IncidentKind::Followed,
            occurred_at: UNIX_EPOCH + Duration::from_secs(1_779_000_000 + k * 86_400),
            occurred_until: None,
            description: format!("followed from the bus stop, day {k}"),
            place: None,
            witnesses: vec![],
            feeling: Some(3),
            police_ref: None,
            tags: vec![],
            attributed_to: Some("Z".into()),
            contact_via: None,
        })
        .expect("record");
    }
    let reports = created.vault.clone().reports();
    let receipt = reports.receipt().expect("receipt");

    let out = tmp.path().join("report.pdf");
    let options = ReportOptions {
        from: None,
        to: None,
        kinds: vec![],
        name: None,
        utc_offset_minutes: 60,
        without_risk_questions: false,
    };
    // Cancelled half-way: Cancelled, and no file.
    let cancel = CancelHandle::new();
    let half = Arc::new(Recorder {
        cancel_at: Some((0.5, cancel.clone())),
        ..Default::default()
    });
    assert!(matches!(
        reports.export_report(
            out.to_string_lossy().into_owned(),
            options.clone(),
            Some(half),
            Some(cancel)
        ),
        Err(WaymarkError::Cancelled)
    ));
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).expect("dir").count(), 1);

    let rec = Arc::new(Recorder::default());
    let n = reports
        .export_report(
            out.to_string_lossy().into_owned(),
            options,
            Some(rec.clone()),
            None,
        )
        .expect("report");
    assert_eq!(n, 3);
    assert!(std::fs::read(&out).expect("pdf").starts_with(b"%PDF"));
    let seen = rec.seen();
    assert!(seen.windows(2).all(|w| w[1].1 >= w[0].1));
    assert_eq!(seen.last().map(|s| s.1), Some(1.0));
    assert!(seen.iter().any(|s| s.0 == ProgressStage::RenderingReport));

    for name in ["bundle", "bundle.zip"] {
        let path = tmp.path().join(name).to_string_lossy().into_owned();
        let summary = reports
            .export_bundle(path.clone(), vec![], Some("Advocate".into()), None, None)
            .expect("bundle");
        assert_eq!(summary.zip, name.ends_with(".zip"));
        assert_eq!(summary.incidents.len(), 3);
        let rec = Arc::new(Recorder::default());
        let check = verify_bundle(path, Some(rec.clone()), None).expect("verify");
        assert!(check.ok, "{:?}", check.first_failure);
        assert_eq!(check.key_fingerprint, Some(summary.key_fingerprint));
        assert_eq!(rec.seen().last().map(|s| s.1), Some(1.0));
    }
    // Three incidents, one report and two bundles since the receipt.
    let since = reports.verify_since(receipt).expect("since");
    assert_eq!(since.added_since, 3);

    let insights = reports.insights(60).expect("insights");
    assert_eq!(insights.incident_count, 3);
    assert_eq!(insights.by_hour.len(), 24);
    assert_eq!(insights.by_day_of_week.len(), 7);
    assert!(!insights.safety_note.is_empty());
    assert_eq!(insights.course_of_conduct.len(), 1);

    let evidence = created.vault.clone().evidence_store();
    assert_eq!(evidence.sweep_leftovers().expect("sweep"), 0);
    let rec = Arc::new(Recorder::default());
    let report = log.verify(Some(rec.clone()), None).expect("verify");
    assert_eq!(report.incidents, 3);
    assert_eq!(rec.seen().last(), Some(&(ProgressStage::CheckingLog, 1.0)));
}
