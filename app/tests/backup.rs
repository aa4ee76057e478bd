//! Backup and restore in the app (issue 15): settings makes the backup as long work and hands it
//! to the share sheet; the first run of another phone restores it with the recovery code and a
//! new PIN, shows progress, and opens at home with the same incidents. A wrong code, a damaged or
//! cut file and Cancel each say so and leave nothing; a decoy session's backup is refused in the
//! words a real vault uses when a backup fails.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use waymark_app::{AppEvent, AppUpdate, Destination, Effect, QuickKind, SetupStep, SmsAbility};

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

fn banner(u: &AppUpdate) -> String {
    u.view
        .banner
        .as_ref()
        .map(|b| b.text.clone())
        .unwrap_or_default()
}

fn settings(p: &mut Phone) -> waymark_app::SettingsScreen {
    p.send(AppEvent::Open {
        to: Destination::Settings,
    });
    match p.view().screen {
        waymark_app::Screen::Settings { settings } => settings,
        other => panic!("expected settings, got {other:?}"),
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A set-up phone with two incidents with notes; returns it and its recovery code.
fn phone_with_a_record() -> (Phone, String) {
    let mut p = Phone::new(SmsAbility::SendSilently);
    let code = p.set_up();
    for (kind, note) in [
        (QuickKind::Followed, "Grey car from the station"),
        (QuickKind::GiftsLeft, "Flowers on the doorstep again"),
    ] {
        p.send(AppEvent::QuickLog { kind });
        p.send(AppEvent::AddNote { text: note.into() });
        p.advance(3600);
    }
    (p, code)
}

/// Settings -> Back up -> the work run -> the file handed to the share sheet; returns a copy of
/// it kept elsewhere (as on a cloud drive).
fn back_up(p: &mut Phone, keep: &Path) -> PathBuf {
    let s = settings(p);
    assert_eq!(s.backup_label, "Back up now");
    assert!(s.backup_enabled);
    assert!(s.backup_body.contains("recovery code"), "{}", s.backup_body);
    let u = p.send(AppEvent::SettingsBackup);
    let id = run_work_id(&u);
    let card = u.view.work.expect("the progress card");
    assert_eq!(card.title, "Making a backup");
    match p.view().screen {
        waymark_app::Screen::Settings { settings } => {
            assert!(!settings.backup_enabled, "one backup at a time")
        }
        other => panic!("{other:?}"),
    }
    let done = p.app.run_work(id);
    let files = shared(&done);
    assert_eq!(files.len(), 1, "{:?}", done.effects);
    let (path, mime) = &files[0];
    assert_eq!(mime, "application/octet-stream");
    let name = Path::new(path).file_name().unwrap().to_string_lossy();
    assert!(
        name.starts_with("backup-") && !name.to_lowercase().contains("waymark"),
        "a neutral name: {name}"
    );
    assert!(
        banner(&done).starts_with("Backup made (") && banner(&done).contains("recovery code"),
        "{}",
        banner(&done)
    );
    assert_eq!(done.view.work, None);
    let kept = keep.join("my-backup.bin");
    std::fs::copy(path, &kept).unwrap();
    kept
}

fn step(p: &Phone) -> SetupStep {
    first_run(&p.view()).step
}

#[test]
fn a_backup_made_in_settings_restores_on_a_new_phone_after_a_wrong_code_and_a_damaged_file() {
    let (mut old, code) = phone_with_a_record();
    let drive = tempfile::tempdir().unwrap();
    let backup = back_up(&mut old, drive.path());
    // Another vault's code, to get wrong.
    let other_code = Phone::new(SmsAbility::SendSilently).set_up();

    // The new phone: the welcome offers the restore.
    let mut p = Phone::new(SmsAbility::SendSilently);
    let u = p.send(AppEvent::Started);
    let welcome = first_run(&u.view);
    assert_eq!(welcome.step, SetupStep::Welcome);
    assert_eq!(welcome.secondary_label, "Restore from a backup");
    let u = p.send(AppEvent::RestoreStart);
    let s = first_run(&u.view);
    assert_eq!(s.step, SetupStep::RestoreCode);
    assert_eq!(s.code_label, "Recovery code");
    assert!(u.view.back_label.is_some());
    // A typo is caught at once; the step stays.
    let u = p.send(AppEvent::RestoreCodeTyped {
        text: "not a code".into(),
    });
    assert_eq!(step(&p), SetupStep::RestoreCode);
    assert!(banner(&u).contains("recovery code"), "{}", banner(&u));
    p.send(AppEvent::RestoreCodeTyped {
        text: other_code.to_lowercase(),
    });
    assert_eq!(step(&p), SetupStep::RestorePin);
    assert!(first_run(&p.view()).pad.is_some());
    p.enter_pin("112233");
    assert_eq!(step(&p), SetupStep::RestoreConfirmPin);
    // A different PIN the second time: back to choosing it.
    p.enter_pin("112234");
    assert_eq!(step(&p), SetupStep::RestorePin);
    p.enter_pin("112233");
    let u = p.enter_pin("112233");
    assert_eq!(first_run(&u.view).step, SetupStep::RestorePick);
    assert_eq!(first_run(&u.view).primary_label, "Choose the file");
    assert!(
        u.effects
            .iter()
            .any(|e| matches!(e, Effect::PickFile { .. })),
        "{:?}",
        u.effects
    );

    // The wrong code: long work with progress before any vault exists, then said plainly.
    let u = p.send(AppEvent::FilePicked {
        path: backup.to_string_lossy().into_owned(),
    });
    let id = run_work_id(&u);
    let card = u.view.work.clone().expect("progress on the first run");
    assert_eq!(card.title, "Restoring your backup");
    assert!(first_run(&u.view).busy);
    assert_eq!(u.view.back_label, None, "no way back while it runs");
    let done = p.app.run_work(id);
    assert_eq!(first_run(&done.view).step, SetupStep::RestoreCode);
    assert_eq!(
        banner(&done),
        "That recovery code does not open this backup. Nothing was changed. Check the code, then choose the file again."
    );
    assert!(!p.dir.path().join("vault").exists());
    assert_eq!(
        names_in(p.dir.path()),
        Vec::<String>::new(),
        "no temporary left"
    );

    // The right code: the PIN chosen stays, so the file is asked for again.
    let u = p.send(AppEvent::RestoreCodeTyped { text: code.clone() });
    assert_eq!(first_run(&u.view).step, SetupStep::RestorePick);
    assert!(u
        .effects
        .iter()
        .any(|e| matches!(e, Effect::PickFile { .. })));

    // A damaged copy, then one cut short: refused, nothing left, the file asked for again.
    let bytes = std::fs::read(&backup).unwrap();
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x20;
    let damaged = drive.path().join("damaged.bin");
    std::fs::write(&damaged, flipped).unwrap();
    let cut = drive.path().join("cut.bin");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    for bad in [&damaged, &cut] {
        let u = p.send(AppEvent::FilePicked {
            path: bad.to_string_lossy().into_owned(),
        });
        let done = p.app.run_work(run_work_id(&u));
        assert_eq!(first_run(&done.view).step, SetupStep::RestorePick);
        assert_eq!(
            banner(&done),
            "This backup file is damaged or cut short, so nothing was restored. Choose another copy if you have one."
        );
        assert_eq!(names_in(p.dir.path()), Vec::<String>::new());
    }
    // A file that is not there.
    let u = p.send(AppEvent::FilePicked {
        path: drive.path().join("gone.bin").to_string_lossy().into_owned(),
    });
    let done = p.app.run_work(run_work_id(&u));
    assert_eq!(
        banner(&done),
        "That file could not be read. Choose the backup file again."
    );

    // Cancel half-way through: stopped, nothing left.
    let u = p.send(AppEvent::FilePicked {
        path: backup.to_string_lossy().into_owned(),
    });
    let id = run_work_id(&u);
    let app = &p.app;
    let done = app.run_work_watched(&id, &|_stage, f| {
        if f > 0.0 {
            app.dispatch(AppEvent::CancelWork { id: id.clone() });
        }
    });
    assert_eq!(
        banner(&done),
        "Restore stopped. Nothing was changed on this phone."
    );
    assert_eq!(first_run(&done.view).step, SetupStep::RestorePick);
    assert_eq!(names_in(p.dir.path()), Vec::<String>::new());

    // The good file: home, with the same incidents and notes.
    let u = p.send(AppEvent::RestorePickFile);
    assert!(u
        .effects
        .iter()
        .any(|e| matches!(e, Effect::PickFile { .. })));
    let u = p.send(AppEvent::FilePicked {
        path: backup.to_string_lossy().into_owned(),
    });
    let done = p.app.run_work(run_work_id(&u));
    assert_eq!(banner(&done), "Restored. 2 incidents are back.");
    let h = home(&done.view);
    let mut summaries: Vec<String> = h.recent.iter().map(|r| r.summary.clone()).collect();
    summaries.sort();
    assert_eq!(
        summaries,
        vec![
            "Flowers on the doorstep again".to_string(),
            "Grey car from the station".to_string()
        ]
    );
    // The new PIN opens it after a restart; the old phone's PIN does not.
    let mut p = p.lock_and_relaunch();
    let u = p.enter_pin(PIN);
    assert!(matches!(u.view.screen, waymark_app::Screen::Lock { .. }));
    let u = p.enter_pin("112233");
    assert_eq!(home(&u.view).recent.len(), 2);
}

#[test]
fn a_decoy_backup_is_refused_in_the_words_a_real_failure_uses() {
    let (p, _code) = phone_with_a_record();
    // A real vault whose backup cannot be written (the export folder is a file here).
    let mut p = p.lock_and_relaunch();
    p.enter_pin(PIN);
    let exports = p.dir.path().join("exports");
    let _ = std::fs::remove_dir_all(&exports);
    std::fs::write(&exports, b"in the way").unwrap();
    settings(&mut p);
    let real = p.send(AppEvent::SettingsBackup);
    assert!(shared(&real).is_empty());
    let real_words = banner(&real);
    assert_eq!(
        real_words,
        "The backup could not be made. Please try again later."
    );
    std::fs::remove_file(&exports).unwrap();

    // The duress PIN: the decoy's backup is refused (it has no key to the real store) in the
    // same words, and nothing is handed out or left.
    let mut p = p.lock_and_relaunch();
    p.enter_pin(DURESS);
    settings(&mut p);
    let u = p.send(AppEvent::SettingsBackup);
    let done = p.app.run_work(run_work_id(&u));
    assert!(shared(&done).is_empty());
    assert_eq!(banner(&done), real_words);
    assert_eq!(names_in(&exports), Vec::<String>::new());
}

#[test]
fn a_backup_cancelled_half_way_or_cut_by_the_lock_leaves_nothing() {
    let (mut p, _code) = phone_with_a_record();
    settings(&mut p);
    let exports = p.dir.path().join("exports");
    let u = p.send(AppEvent::SettingsBackup);
    let id = run_work_id(&u);
    let app = &p.app;
    let done = app.run_work_watched(&id, &|_stage, f| {
        if f > 0.0 {
            app.dispatch(AppEvent::CancelWork { id: id.clone() });
        }
    });
    assert!(shared(&done).is_empty());
    assert_eq!(banner(&done), "Backup stopped. Nothing was kept.");
    assert_eq!(names_in(&exports), Vec::<String>::new());

    // Locked while it runs: nothing handed out, nothing left, nothing said on the lock screen.
    let u = p.send(AppEvent::SettingsBackup);
    let id = run_work_id(&u);
    let app = &p.app;
    let done = app.run_work_watched(&id, &|_stage, f| {
        if f > 0.0 {
            app.dispatch(AppEvent::Panic);
        }
    });
    assert!(shared(&done).is_empty());
    assert_eq!(done.view.banner, None);
    assert_eq!(done.view.work, None);
    assert!(matches!(done.view.screen, waymark_app::Screen::Lock { .. }));
    assert_eq!(names_in(&exports), Vec::<String>::new());
}

#[test]
fn panic_during_a_restore_stops_it_and_the_lock_screen_says_nothing() {
    let (mut old, code) = phone_with_a_record();
    let drive = tempfile::tempdir().unwrap();
    let backup = back_up(&mut old, drive.path());
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.send(AppEvent::Started);
    p.send(AppEvent::RestoreStart);
    let code2 = code.clone();
    p.send(AppEvent::RestoreCodeTyped { text: code });
    p.enter_pin("112233");
    p.enter_pin("112233");
    let u = p.send(AppEvent::FilePicked {
        path: backup.to_string_lossy().into_owned(),
    });
    let id = run_work_id(&u);
    let app = &p.app;
    let done = app.run_work_watched(&id, &|_stage, f| {
        if f > 0.0 {
            app.dispatch(AppEvent::Panic);
        }
    });
    // Stopped: no home, no word about a restore, nothing left in the folder.
    assert!(
        !matches!(done.view.screen, waymark_app::Screen::Home { .. }),
        "{:?}",
        done.view.screen
    );
    assert_eq!(done.view.work, None);
    assert!(
        !format!("{:?}", done.view).contains("estor"),
        "{:?}",
        done.view
    );
    assert!(!p.dir.path().join("vault").exists());
    // Prepared but not yet run when panic came: dropped, never run.
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.send(AppEvent::Started);
    p.send(AppEvent::RestoreStart);
    p.send(AppEvent::RestoreCodeTyped { text: code2 });
    p.enter_pin("112233");
    p.enter_pin("112233");
    let u = p.send(AppEvent::FilePicked {
        path: backup.to_string_lossy().into_owned(),
    });
    let id = run_work_id(&u);
    p.send(AppEvent::Panic);
    let done = p.app.run_work(id);
    assert_eq!(done.view.work, None);
    assert!(!matches!(
        done.view.screen,
        waymark_app::Screen::Home { .. }
    ));
    assert!(!p.dir.path().join("vault").exists());
}
