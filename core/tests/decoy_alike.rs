//! Someone who copies the vault folder cannot tell which store is the real one (issue 15).
//!
//! A model-based test: random sequences of sessions, each opened with the PIN or the duress PIN
//! and doing random things (logging, editing, removing, attaching and deleting evidence, check-ins,
//! a map import, exports, preferences). After every session, once the vault is locked, the two
//! stores' files must have the same names, sizes and modification times, there must be no
//! per-store evidence folder, and the shared evidence folder must hold exactly the files of both
//! stores (the model counts them).

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;
use waymark_core::evidence::{CaptureMethod, EvidenceStore, NewEvidence};
use waymark_core::log::{
    IncidentChanges, IncidentKind, IncidentLog, ListFilter, NewIncident, Occurred,
};
use waymark_core::report::{export_report, ReportRequest};
use waymark_core::routes::{RouteStore, BUNDLED_PBF};
use waymark_core::safety::{Buddy, Expect, NewContact, Plan, Role, Safety};
use waymark_core::vault::{SoftwarePrfNoHardware, Vault};
use waymark_core::ManualClock;
use waymark_test_support::vault::manual_vault;
use waymark_test_support::PIN;

const DURESS: &str = "86420975";
/// The decoy's own duress PIN (set from the decoy): it opens the decoy too.
const DECOY_DURESS: &str = "531086";

#[derive(Debug, Clone)]
enum Action {
    Log(usize),
    Amend(usize),
    Remove,
    Attach(usize),
    DeleteEvidence,
    CheckIn { cancel: bool },
    ImportMap,
    Export,
    Preference(usize),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (1usize..3000).prop_map(Action::Log),
        2 => (1usize..3000).prop_map(Action::Amend),
        1 => Just(Action::Remove),
        3 => (1usize..300_000).prop_map(Action::Attach),
        1 => Just(Action::DeleteEvidence),
        1 => any::<bool>().prop_map(|cancel| Action::CheckIn { cancel }),
        1 => Just(Action::ImportMap),
        1 => Just(Action::Export),
        1 => (1usize..5000).prop_map(Action::Preference),
    ]
}

/// (opened with the PIN 0, the duress PIN 1 or the decoy's own duress PIN 2, what is done)
fn sessions() -> impl Strategy<Value = Vec<(u8, Vec<Action>)>> {
    prop::collection::vec((0u8..3, prop::collection::vec(action(), 0..6)), 1..5)
}

/// What the test expects each store to hold.
#[derive(Default)]
struct Model {
    evidence: [usize; 2],
}

fn text(len: usize, seed: usize) -> String {
    (0..len)
        .map(|i| (b'a' + ((i * 7 + seed) % 26) as u8) as char)
        .collect()
}

fn bytes(len: usize, seed: usize) -> Vec<u8> {
    (0..len)
        .map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 13) as u8 ^ seed as u8)
        .collect()
}

fn run(vault: &Vault, action: &Action, out: &Path, n: usize, model: &mut Model, side: usize) {
    let log = IncidentLog::new(vault);
    let evidence = EvidenceStore::new(vault);
    let incidents = log.list(&ListFilter::default()).unwrap();
    match action {
        Action::Log(len) => {
            log.record(NewIncident::new(
                IncidentKind::Other,
                Occurred::at(vault.now() - Duration::hours(1)),
                text(*len, n),
            ))
            .unwrap();
        }
        Action::Amend(len) => {
            if let Some(i) = incidents.first() {
                let changes = IncidentChanges {
                    description: Some(text(*len, n + 1)),
                    ..Default::default()
                };
                log.amend(&i.id, changes, Some("typo".into())).unwrap();
            }
        }
        Action::Remove => {
            if let Some(i) = incidents.last() {
                log.redact(&i.id, None).unwrap();
            }
        }
        Action::Attach(len) => {
            let item = evidence
                .add_reader(
                    &mut &bytes(*len, n)[..],
                    NewEvidence::new(CaptureMethod::Import),
                )
                .unwrap();
            model.evidence[side] += 1;
            if let Some(i) = incidents.first() {
                evidence.attach(&item.id, &i.id).unwrap();
            }
        }
        Action::DeleteEvidence => {
            if let Some(item) = evidence.list().unwrap().first() {
                evidence.delete(&item.id).unwrap();
                model.evidence[side] -= 1;
            }
        }
        Action::CheckIn { cancel } => {
            let safety = Safety::new(vault);
            let contact = safety
                .add_contact(NewContact {
                    name: format!("Buddy number {n}"),
                    phone: format!("07700 9{:05}", n % 100_000),
                    relationship: None,
                    roles: vec![Role::Buddy],
                    region: "GB".into(),
                })
                .unwrap();
            let buddy = Buddy {
                contact_id: contact.id,
                name: contact.name,
                phone: contact.phone.to_string(),
            };
            safety
                .start_checkin(Plan::new(
                    "The library",
                    Expect::WithinMinutes(30),
                    vec![buddy],
                ))
                .unwrap();
            if *cancel {
                safety.cancel().unwrap();
            } else {
                safety.check_in().unwrap();
            }
        }
        Action::ImportMap => {
            RouteStore::new(vault).import_map(BUNDLED_PBF).unwrap();
        }
        Action::Export => {
            if !incidents.is_empty() {
                let file = out.join(format!("report-{n}.pdf"));
                export_report(vault, &ReportRequest::default(), &evidence, &Utc, &file).unwrap();
                std::fs::remove_file(file).unwrap();
            }
        }
        Action::Preference(len) => {
            vault.set_preference("note", &text(*len, n)).unwrap();
        }
    }
}

/// name -> (is a folder, size, modification time) for everything in the vault folder.
fn listing(dir: &Path) -> BTreeMap<String, (bool, u64, SystemTime)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                (m.is_dir(), m.len(), m.modified().unwrap()),
            )
        })
        .collect()
}

/// The two stores' files look alike; no evidence folder belongs to one store.
fn assert_alike(dir: &Path, model: &Model, after: &str) -> Result<(), TestCaseError> {
    let files = listing(dir);
    for (name, meta) in &files {
        for (mine, theirs) in [("store-0", "store-1"), ("store-1", "store-0")] {
            if let Some(rest) = name.strip_prefix(mine) {
                let twin = format!("{theirs}{rest}");
                let other = files.get(&twin);
                prop_assert!(other.is_some(), "{after}: {name} has no {twin}");
                let other = other.unwrap();
                prop_assert_eq!(meta.1, other.1, "{}: sizes of {} and {}", after, name, twin);
                prop_assert_eq!(meta.2, other.2, "{}: times of {} and {}", after, name, twin);
            }
        }
    }
    prop_assert!(files.contains_key("store-0.db"), "{after}: {files:?}");
    prop_assert!(
        !files
            .keys()
            .any(|n| n.ends_with("-wal") || n.ends_with("-shm")),
        "{after}: a locked vault has no open database: {files:?}"
    );
    prop_assert!(
        !files.keys().any(|n| n.starts_with("files-")),
        "{after}: a folder of one store's evidence: {files:?}"
    );
    let pool = dir.join("files").join("evidence");
    let in_pool = std::fs::read_dir(&pool).map(|d| d.count()).unwrap_or(0);
    prop_assert_eq!(
        in_pool,
        model.evidence[0] + model.evidence[1],
        "{}: evidence files of both stores",
        after
    );
    Ok(())
}

fn one_history(history: Vec<(u8, Vec<Action>)>) -> Result<(), TestCaseError> {
    let tv = manual_vault(Utc.with_ymd_and_hms(2026, 11, 24, 20, 0, 0).unwrap());
    tv.vault.set_duress_secret(PIN, DURESS).unwrap();
    tv.vault.set_duress_secret(DURESS, DECOY_DURESS).unwrap();
    let clock: Arc<ManualClock> = tv.clock.clone();
    let dir = tv.dir.clone();
    let out = tempfile::tempdir().unwrap();
    drop(tv.vault);
    let mut model = Model::default();
    assert_alike(&dir, &model, "after set-up")?;
    let mut n = 0;
    for (s, (which, actions)) in history.iter().enumerate() {
        // Each session starts a little later, so a store left untouched would keep an older time.
        clock.advance(Duration::minutes(7));
        std::thread::sleep(std::time::Duration::from_millis(5));
        let vault = Vault::open(
            &dir,
            Arc::new(SoftwarePrfNoHardware::default()),
            clock.clone(),
        )
        .unwrap();
        vault
            .unlock([PIN, DURESS, DECOY_DURESS][usize::from(*which)])
            .unwrap();
        let side = usize::from(*which > 0);
        prop_assert_eq!(
            EvidenceStore::new(&vault).list().unwrap().len(),
            model.evidence[side]
        );
        for a in actions {
            n += 1;
            run(&vault, a, out.path(), n, &mut model, side);
        }
        if s % 2 == 0 {
            vault.lock();
        } else {
            // Closing the app without locking first must leave the same picture.
            drop(vault);
        }
        assert_alike(&dir, &model, &format!("after session {s} {history:?}"))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn a_copied_folder_does_not_say_which_store_is_real(history in sessions()) {
        one_history(history)?;
    }
}

/// The cases the issue names, always run: the real store gets incidents and a file while the
/// decoy is never opened; then the decoy alone grows past the real one (a map import).
#[test]
fn the_measured_case_and_a_decoy_that_outgrows_the_real_store() {
    one_history(vec![(
        0,
        vec![Action::Log(400), Action::Log(900), Action::Attach(50_000)],
    )])
    .unwrap();
    one_history(vec![
        (0, vec![Action::Log(10)]),
        (1, vec![Action::ImportMap, Action::Attach(1000)]),
        (2, vec![Action::Log(10)]),
        (0, vec![Action::DeleteEvidence, Action::Log(10)]),
    ])
    .unwrap();
}

/// A vault made before the stores shared one evidence folder (`files-0/evidence`,
/// `files-1/evidence`) is moved over when it is next unlocked, with either PIN, and its files
/// still open; once locked, it looks like any other.
#[test]
fn an_older_vault_is_moved_to_the_shared_folder_on_unlock() {
    let tv = manual_vault(Utc.with_ymd_and_hms(2026, 11, 24, 20, 0, 0).unwrap());
    tv.vault.set_duress_secret(PIN, DURESS).unwrap();
    let item = EvidenceStore::new(&tv.vault)
        .add_reader(
            &mut &bytes(70_000, 3)[..],
            NewEvidence::new(CaptureMethod::Import),
        )
        .unwrap();
    let clock = tv.clock.clone();
    let dir = tv.dir.clone();
    drop(tv.vault);
    // The old layout: one folder per store (which one is real does not matter to the move).
    std::fs::create_dir(dir.join("files-0")).unwrap();
    std::fs::create_dir(dir.join("files-1")).unwrap();
    std::fs::rename(
        dir.join("files").join("evidence"),
        dir.join("files-1").join("evidence"),
    )
    .unwrap();
    std::fs::remove_dir(dir.join("files")).unwrap();
    std::fs::create_dir(dir.join("files-0").join("evidence")).unwrap();

    let vault = Vault::open(
        &dir,
        Arc::new(SoftwarePrfNoHardware::default()),
        clock.clone(),
    )
    .unwrap();
    vault.unlock(DURESS).unwrap();
    vault.lock();
    let model = Model { evidence: [1, 0] };
    assert_alike(&dir, &model, "after the first unlock").unwrap();
    vault.unlock(PIN).unwrap();
    let mut back = Vec::new();
    EvidenceStore::new(&vault)
        .extract_to(&item.id, &mut back)
        .unwrap();
    assert_eq!(back, bytes(70_000, 3));
    assert!(EvidenceStore::new(&vault)
        .verify_all()
        .unwrap()
        .problems
        .is_empty());
}
