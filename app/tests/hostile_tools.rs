//! Hostile and nonsense input on the export, routes, patterns and risk screens: random events
//! with huge or control-character text, impossible numbers, device paths as picked map files,
//! stale work ids, and any work the model asks for run at once. Nothing panics, nothing is left
//! in the export folder after locking, and the app still opens with the PIN.

mod common;

use common::*;
use waymark_app::{AppEvent, Destination, Effect, ExportKind, RiskChoice, SmsAbility, TravelMode};

/// Text a person might type and text nobody would; coordinates on the map and off any map.
trait Texts {
    fn text(&mut self) -> String;
    fn float(&mut self) -> f64;
}

impl Texts for Rng {
    fn text(&mut self) -> String {
        match self.below(7) {
            0 => String::new(),
            1 => "\u{0}\u{7}\r\n\t".into(),
            2 => "x".repeat(100_000),
            3 => "Home".into(),
            4 => "60.1760,24.9480".into(),
            5 => "🙂 café \u{202e}".into(),
            _ => "91,181".into(),
        }
    }
    fn float(&mut self) -> f64 {
        [
            0.0,
            60.17,
            24.94,
            -91.0,
            181.0,
            f64::NAN,
            f64::INFINITY,
            f64::MIN,
        ][self.below(8) as usize]
    }
}

fn event(r: &mut Rng) -> AppEvent {
    let mode = [TravelMode::Walk, TravelMode::Cycle, TravelMode::Drive][r.below(3) as usize];
    match r.below(17) {
        0 => AppEvent::Open {
            to: [
                Destination::Export,
                Destination::Routes,
                Destination::Insights,
                Destination::Risk,
            ][r.below(4) as usize]
                .clone(),
        },
        1 => AppEvent::StartExport {
            what: [
                ExportKind::Report,
                ExportKind::BundleZip,
                ExportKind::BundleFolder,
                ExportKind::Receipt,
            ][r.below(4) as usize],
        },
        2 => AppEvent::CancelWork {
            id: ["work-1", "work-999", "", "\u{0}"][r.below(4) as usize].into(),
        },
        3 => AppEvent::ShareExport,
        4 => AppEvent::AddPlace {
            name: r.text(),
            lat: r.float(),
            lon: r.float(),
        },
        5 => AppEvent::AddPlaceHere { name: r.text() },
        6 => AppEvent::RemovePlace { name: r.text() },
        7 => AppEvent::FindRoutes {
            from: r.text(),
            to: r.text(),
            mode,
        },
        8 => AppEvent::SelectRoute {
            index: [0, 1, 2, u32::MAX][r.below(4) as usize],
        },
        9 => AppEvent::PlanTrips {
            from: r.text(),
            to: r.text(),
            mode,
            arrive_by_minute: [None, Some(0), Some(540), Some(1440), Some(u32::MAX)]
                [r.below(5) as usize],
        },
        10 => AppEvent::ImportMap,
        11 => AppEvent::FilePicked {
            path: ["/dev/zero", "/", "", "/proc/self/mem", "no/such/file.pbf"][r.below(5) as usize]
                .into(),
        },
        12 => AppEvent::FilePickCancelled,
        13 => AppEvent::ForgetMap,
        14 => AppEvent::AnswerRisk {
            question_id: ["frightened", "4", "q11", "nonsense", ""][r.below(5) as usize].into(),
            choice: [RiskChoice::Yes, RiskChoice::No, RiskChoice::NotSure][r.below(3) as usize],
            note: if r.below(2) == 0 {
                None
            } else {
                Some(r.text())
            },
        },
        15 => AppEvent::LocationFix {
            lat: r.float(),
            lon: r.float(),
            accuracy_m: None,
        },
        _ => AppEvent::Back,
    }
}

#[test]
fn random_and_hostile_events_on_the_later_screens_never_panic() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::QuickLog {
        kind: waymark_app::QuickKind::Followed,
    });
    let mut r = Rng(0xD1B5_4A32_D192_ED03);
    for step in 0..200 {
        let u = p.send(event(&mut r));
        // Run any work asked for, as a shell would (here on this thread).
        for e in &u.effects {
            if let Effect::RunWork { id } = e {
                p.app.run_work(id.clone());
            }
        }
        if step % 100 == 99 {
            p.send(AppEvent::Panic);
            assert_eq!(
                std::fs::read_dir(p.dir.path().join("exports"))
                    .map(|d| d.count())
                    .unwrap_or(0),
                0
            );
            p.enter_pin(PIN);
            home(&p.view());
        }
    }
}
