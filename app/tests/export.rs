//! Export: a report made as long work with progress, cancelled half-way with nothing left
//! behind, then made again and shared; the evidence bundle and the receipt; panic during an
//! export; a broken export folder.

mod common;

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Mutex;

use common::*;
use waymark_app::strings::EN;
use waymark_app::{
    AppEvent, AppUpdate, Destination, Effect, ExportKind, ExportScreen, QuickKind, Screen,
    SmsAbility, Tone, ViewModel,
};
use waymark_core::log::IncidentLog;

fn export(v: &ViewModel) -> ExportScreen {
    match &v.screen {
        Screen::Export { export } => export.clone(),
        other => panic!("expected the export screen, got {other:?}"),
    }
}

fn exports_dir(p: &Phone) -> PathBuf {
    p.dir.path().join("exports")
}

/// Names in the export folder (none if it does not exist).
fn exported(p: &Phone) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(exports_dir(p))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn run_work_id(u: &AppUpdate) -> String {
    u.effects
        .iter()
        .find_map(|e| match e {
            Effect::RunWork { id } => Some(id.clone()),
            _ => None,
        })
        .expect("a RunWork effect")
}

fn shared(u: &AppUpdate) -> Vec<(String, String)> {
    u.effects
        .iter()
        .filter_map(|e| match e {
            Effect::ShareFile { path, mime } => Some((path.clone(), mime.clone())),
            _ => None,
        })
        .collect()
}

fn log_size(p: &Phone) -> u64 {
    let v = p.second_handle();
    IncidentLog::new(&v).tree_head().unwrap().size
}

/// A phone set up with `n` incidents, on the export screen.
fn phone_with_incidents(n: usize) -> Phone {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let kinds = [QuickKind::Followed, QuickKind::Watching, QuickKind::Threats];
    for i in 0..n {
        p.send(AppEvent::QuickLog {
            kind: kinds[i % kinds.len()],
        });
        p.advance(3600);
    }
    p.send(AppEvent::Open {
        to: Destination::Export,
    });
    p
}

/// Runs the work on another thread; at the first report at or past `at`, the watcher stops the
/// work thread and hands the fraction to this thread, which acts (`act`) and then lets it go on.
/// Returns the fractions seen, what `act` returned, and the final update.
fn run_and_act_at<T: Send + 'static>(
    p: &Phone,
    id: &str,
    at: f64,
    act: impl FnOnce(&Phone, f64) -> T,
) -> (Vec<f64>, Option<T>, AppUpdate) {
    let seen = Mutex::new(Vec::new());
    let (reached_tx, reached_rx) = mpsc::channel::<f64>();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let reached_tx = Mutex::new(Some(reached_tx));
    let go_rx = Mutex::new(go_rx);
    let (seen_ref, reached_ref, go_ref) = (&seen, &reached_tx, &go_rx);
    let (acted, update) = std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let u = p.app.run_work_watched(id, &|_stage, f| {
                seen_ref.lock().unwrap().push(f);
                if f >= at {
                    if let Some(tx) = reached_ref.lock().unwrap().take() {
                        tx.send(f).unwrap();
                        go_ref.lock().unwrap().recv().unwrap();
                    }
                }
            });
            // Never reached: dropping the sender ends the wait below.
            reached_ref.lock().unwrap().take();
            u
        });
        // A failed assertion in `act` must still let the work go on, or the scope never ends.
        let acted = reached_rx
            .recv()
            .ok()
            .map(|f| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| act(p, f))));
        let _ = go_tx.send(());
        let acted = acted.map(|r| r.unwrap_or_else(|e| std::panic::resume_unwind(e)));
        let update = worker.join().unwrap();
        (acted, update)
    });
    (seen.into_inner().unwrap(), acted, update)
}

#[test]
fn a_report_cancelled_half_way_leaves_nothing_then_one_is_made_and_shared() {
    let mut p = phone_with_incidents(12);
    let v = p.view();
    assert_eq!(v.title, EN.export.title);
    let e = export(&v);
    assert!(e.options_enabled);
    assert_eq!(
        e.options.iter().map(|o| o.what).collect::<Vec<_>>(),
        vec![
            ExportKind::Report,
            ExportKind::BundleZip,
            ExportKind::Receipt
        ]
    );
    assert_eq!(e.warning, EN.export.warning);
    let size_before = log_size(&p);

    // Start: the model only prepares the work and asks the shell to run it.
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::Report,
    });
    let id = run_work_id(&u);
    let card = u.view.work.clone().expect("the progress card");
    assert_eq!(card.id, id);
    assert_eq!(card.title, EN.export.working_report);
    assert_eq!(card.stage, EN.export.stage_starting);
    assert_eq!(card.fraction, 0.0);
    assert_eq!(card.cancel_label, EN.cancel);
    assert!(!card.cancelling);
    assert!(!export(&u.view).options_enabled);
    // A second export is refused while one runs.
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::BundleZip,
    });
    assert!(!u
        .effects
        .iter()
        .any(|e| matches!(e, Effect::RunWork { .. })));
    assert_eq!(u.view.banner.unwrap().text, EN.export.busy);

    // The shell runs it on a background thread; half-way, the person presses Cancel.
    let (seen, acted, done) = run_and_act_at(&p, &id, 0.5, |p, f| {
        // The progress shows from view() while the work runs.
        let during = p.app.view().work.expect("progress while running");
        assert!(during.fraction >= 0.5 && during.fraction == f, "{during:?}");
        assert!(
            [EN.export.stage_thumbnails, EN.export.stage_rendering]
                .contains(&during.stage.as_str()),
            "{}",
            during.stage
        );
        assert_eq!(
            during.percent_label,
            format!("{}%", (f * 100.0).floor() as u32)
        );
        let u = p.app.dispatch(AppEvent::CancelWork { id: id.clone() });
        u.view.work.expect("still running until the core stops")
    });
    let cancelling = acted.expect("the work reached half-way");
    assert!(cancelling.cancelling);
    assert!(seen.len() >= 3, "progress was reported: {seen:?}");
    assert!(seen.windows(2).all(|w| w[1] >= w[0]), "{seen:?}");
    assert!(seen.first().unwrap() < &0.5, "{seen:?}");
    assert!(seen.iter().any(|f| *f > 0.0 && *f < 0.5), "{seen:?}");
    // Nothing left: no share, no file, nothing logged.
    assert!(shared(&done).is_empty(), "{:?}", done.effects);
    assert!(done.view.work.is_none());
    let banner = done.view.banner.clone().unwrap();
    assert_eq!(banner.text, EN.export.stopped);
    assert_eq!(exported(&p), Vec::<String>::new());
    assert_eq!(log_size(&p), size_before);
    assert!(export(&done.view).ready.is_none());
    // The same id again does nothing.
    let again = p.app.run_work(id.clone());
    assert!(again.effects.is_empty());

    // Again, to the end: progress rises to 1 and the share sheet opens for the PDF.
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::Report,
    });
    let id2 = run_work_id(&u);
    assert_ne!(id2, id);
    let (seen, _, done) = run_and_act_at(&p, &id2, 2.0, |_, _| ());
    assert_eq!(seen.last().copied(), Some(1.0), "{seen:?}");
    assert!(seen.windows(2).all(|w| w[1] >= w[0]));
    let files = shared(&done);
    assert_eq!(files.len(), 1, "{:?}", done.effects);
    let (path, mime) = &files[0];
    assert_eq!(mime, "application/pdf");
    assert_eq!(
        PathBuf::from(path),
        exports_dir(&p).join("waymark-report-2026-11-21.pdf")
    );
    let pdf = std::fs::read(path).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(exported(&p), vec!["waymark-report-2026-11-21.pdf"]);
    assert!(done.view.work.is_none());
    let banner = done.view.banner.clone().unwrap();
    assert_eq!(banner.tone, Tone::Good);
    assert_eq!(
        banner.text,
        "Your report is ready (12 incidents). Choose where to send it."
    );
    let ready = export(&done.view).ready.expect("the ready card");
    assert_eq!(ready.share_label, EN.export.share_again);
    // The export was logged.
    assert_eq!(log_size(&p), size_before + 1);

    // The share sheet again, for the same file.
    let u = p.send(AppEvent::ShareExport);
    assert_eq!(shared(&u), files);
}

#[test]
fn cancel_before_the_shell_runs_it_and_an_evidence_bundle_and_a_receipt() {
    let mut p = phone_with_incidents(3);
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::BundleZip,
    });
    let id = run_work_id(&u);
    assert_eq!(u.view.work.unwrap().title, EN.export.working_bundle);
    let u = p.send(AppEvent::CancelWork { id: id.clone() });
    assert!(u.view.work.is_none());
    assert_eq!(u.view.banner.unwrap().text, EN.export.stopped);
    assert!(p.app.run_work(id).effects.is_empty());
    assert_eq!(exported(&p), Vec::<String>::new());

    // The bundle, cancelled at its first step past 0, leaves nothing either.
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::BundleZip,
    });
    let id = run_work_id(&u);
    let (_, acted, done) = run_and_act_at(&p, &id, 0.0001, |p, _| {
        p.app.dispatch(AppEvent::CancelWork { id: id.clone() })
    });
    assert!(acted.is_some());
    assert!(shared(&done).is_empty());
    assert_eq!(exported(&p), Vec::<String>::new());

    // To the end: a ZIP anyone can check.
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::BundleZip,
    });
    let done = p.app.run_work(run_work_id(&u));
    let files = shared(&done);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].1, "application/zip");
    assert!(files[0].0.ends_with("waymark-evidence-2026-11-20.zip"));
    let check =
        waymark_core::report::bundle::verify_bundle(std::path::Path::new(&files[0].0)).unwrap();
    assert!(check.ok, "{:?}", check.first_failure);
    assert_eq!(check.incidents, 3);
    let text = done.view.banner.unwrap().text;
    assert!(
        text.starts_with("Your evidence bundle is ready (3 incidents, 0 files)."),
        "{text}"
    );

    // The receipt is made at once, and the bundle before it is gone from the folder.
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::Receipt,
    });
    assert!(u.view.work.is_none());
    let files = shared(&u);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].1, "text/plain");
    assert_eq!(exported(&p), vec!["waymark-receipt-2026-11-20.txt"]);
    let receipt = std::fs::read_to_string(&files[0].0).unwrap();
    let v = p.second_handle();
    let since = waymark_core::report::receipt::verify_since(&IncidentLog::new(&v), &receipt)
        .expect("the receipt verifies against the log");
    assert_eq!(since.added_since, 0);
    assert_eq!(u.view.banner.unwrap().text, EN.export.ready_receipt);
}

#[test]
fn panic_during_an_export_stops_it_and_the_lock_screen_says_nothing_about_it() {
    let mut p = phone_with_incidents(4);
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::Report,
    });
    let id = run_work_id(&u);
    let (_, acted, done) = run_and_act_at(&p, &id, 0.1, |p, _| p.app.dispatch(AppEvent::Panic));
    let locked = acted.unwrap();
    lock(&locked.view);
    // The lock screen shows nothing of the work still stopping.
    assert!(locked.view.work.is_none());
    lock(&done.view);
    assert!(done.view.work.is_none());
    assert!(done.view.banner.is_none(), "{:?}", done.view.banner);
    assert!(shared(&done).is_empty());
    assert_eq!(exported(&p), Vec::<String>::new());
}

#[test]
fn nothing_to_export_and_a_broken_export_folder_are_said_plainly() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::Open {
        to: Destination::Export,
    });
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::Report,
    });
    assert_eq!(u.view.banner.unwrap().text, EN.export.nothing_yet);
    assert!(u.effects.is_empty());

    p.send(AppEvent::QuickLog {
        kind: QuickKind::Followed,
    });
    p.send(AppEvent::Open {
        to: Destination::Export,
    });
    // A file where the export folder should be: the export cannot start, and says why.
    std::fs::write(exports_dir(&p), b"not a folder").unwrap();
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::Report,
    });
    let banner = u.view.banner.unwrap();
    assert_eq!(banner.tone, Tone::Danger);
    assert_eq!(banner.text, EN.error_storage);
    assert!(u.effects.is_empty());
    assert_eq!(std::fs::read(exports_dir(&p)).unwrap(), b"not a folder");
}

#[test]
fn the_export_folder_is_emptied_on_locking_and_of_leftovers_on_unlocking() {
    let mut p = phone_with_incidents(2);
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::Report,
    });
    let done = p.app.run_work(run_work_id(&u));
    assert_eq!(shared(&done).len(), 1);
    assert_eq!(exported(&p).len(), 1);
    // Locking (panic) removes the unencrypted copy.
    p.send(AppEvent::Panic);
    assert_eq!(exported(&p), Vec::<String>::new());

    // Something left by a session that ended without locking (the app was killed) goes when
    // the vault is next unlocked.
    std::fs::write(exports_dir(&p).join("waymark-report-old.pdf"), b"%PDF old").unwrap();
    std::fs::create_dir(exports_dir(&p).join("waymark-evidence-old")).unwrap();
    let mut p = p.lock_and_relaunch();
    assert_eq!(exported(&p).len(), 2);
    p.enter_pin(PIN);
    assert_eq!(exported(&p), Vec::<String>::new());
}

#[test]
fn work_prepared_but_not_yet_run_when_the_app_locks_is_dropped_and_exports_work_again() {
    let mut p = phone_with_incidents(1);
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::Report,
    });
    let old = run_work_id(&u);
    let u = p.send(AppEvent::Panic);
    assert!(u.view.work.is_none());
    assert!(u.view.banner.is_none());
    p.enter_pin(PIN);
    // The shell runs the old id late: nothing happens, nothing is written.
    assert!(p.app.run_work(old).effects.is_empty());
    assert_eq!(exported(&p), Vec::<String>::new());
    p.send(AppEvent::Open {
        to: Destination::Export,
    });
    let u = p.send(AppEvent::StartExport {
        what: ExportKind::Report,
    });
    let done = p.app.run_work(run_work_id(&u));
    assert_eq!(shared(&done).len(), 1);
}
