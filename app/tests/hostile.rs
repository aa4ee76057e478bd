//! Hostile and nonsense input: thousands of events in a random order, with out-of-range
//! numbers, control characters, huge text, paths to devices and ids that do not exist, never
//! panic (a panic in `dispatch` would fail this test) and always leave a drawable screen.

mod common;

use common::*;
use waymark_app::{AppEvent, Destination, EvidenceSource, Permission, QuickKind, SmsAbility};

/// Text a person might type, and text nobody would.
trait Texts {
    fn text(&mut self) -> String;
}

impl Texts for Rng {
    fn text(&mut self) -> String {
        match self.below(6) {
            0 => String::new(),
            1 => "\u{0}\u{7}\r\n\t".into(),
            2 => "x".repeat(100_000),
            3 => "../../../../etc/passwd".into(),
            4 => "🙂 café \u{202e}".into(),
            _ => format!("place {}", self.next()),
        }
    }
}

fn event(r: &mut Rng, ids: &[String]) -> AppEvent {
    let any_id = |r: &mut Rng| match r.below(3) {
        0 if !ids.is_empty() => ids[r.below(ids.len() as u64) as usize].clone(),
        1 => "nonsense".into(),
        _ => r.text(),
    };
    let n32 = |r: &mut Rng| [0, 1, 15, 59, 1440, 10_081, u32::MAX][r.below(7) as usize];
    match r.below(34) {
        0 => AppEvent::Tick,
        1 => AppEvent::Backgrounded,
        2 => AppEvent::Foregrounded,
        3 => AppEvent::WakeFired { id: any_id(r) },
        4 => AppEvent::Open {
            to: [
                Destination::Home,
                Destination::Help,
                Destination::CheckIn,
                Destination::Incidents,
                Destination::Settings,
            ][r.below(5) as usize]
                .clone(),
        },
        5 => AppEvent::Back,
        6 => AppEvent::PinDigit {
            digit: [0, 5, 9, 10, 255][r.below(5) as usize],
        },
        7 => AppEvent::PinSubmit,
        8 => AppEvent::PinDelete,
        9 => AppEvent::QuickLog {
            kind: QuickKind::Followed,
        },
        10 => AppEvent::Undo,
        11 => AppEvent::AddNote { text: r.text() },
        12 => AppEvent::AddWitness { name: r.text() },
        13 => AppEvent::AddFeeling {
            level: [0, 1, 5, 6, 255][r.below(5) as usize],
        },
        14 => AppEvent::AddEvidence {
            source: [
                EvidenceSource::TakePhoto,
                EvidenceSource::RecordVideo,
                EvidenceSource::Photos,
                EvidenceSource::Files,
            ][r.below(4) as usize],
        },
        15 => AppEvent::CameraChunk {
            bytes: vec![0xAB; r.below(70_000) as usize],
        },
        16 => AppEvent::CameraDone,
        17 => AppEvent::CameraCancelled,
        18 => AppEvent::FilePicked {
            path: ["/dev/zero", "/proc/self/mem", "/", "", "relative/x.jpg"][r.below(5) as usize]
                .into(),
        },
        19 => AppEvent::PermissionResult {
            // The camera, the microphone, or the texts asked for when a check-in starts (answered late, twice,
            // or without being asked).
            what: [Permission::Camera, Permission::Microphone, Permission::Sms]
                [r.below(3) as usize],
            granted: r.below(2) == 0,
        },
        20 => AppEvent::CheckInDestination { text: r.text() },
        21 => AppEvent::CheckInMinutes { minutes: n32(r) },
        22 => AppEvent::CheckInGrace { minutes: n32(r) },
        23 => AppEvent::CheckInToggleBuddy {
            contact_id: any_id(r),
        },
        24 => AppEvent::CheckInAddBuddy {
            name: r.text(),
            phone: r.text(),
        },
        25 => AppEvent::CheckInStart,
        26 => AppEvent::CheckInSafe,
        27 => AppEvent::CheckInExtend { minutes: n32(r) },
        28 => AppEvent::CheckInStop,
        29 => AppEvent::SmsSent {
            id: any_id(r),
            ok: r.below(2) == 0,
        },
        30 => AppEvent::SmsRetry { id: any_id(r) },
        31 => AppEvent::OpenIncident { id: any_id(r) },
        32 => AppEvent::EditIncident {
            kind: QuickKind::Other,
            description: r.text(),
            reason: r.text(),
        },
        _ => match r.below(7) {
            6 => AppEvent::ChooseDisguise {
                kind: waymark_app::Disguise::ALL[r.below(5) as usize],
            },
            0 => AppEvent::SettingsAutoLock { seconds: n32(r) },
            1 => AppEvent::SettingsRegion { code: r.text() },
            2 => AppEvent::LocationFix {
                lat: f64::NAN,
                lon: f64::INFINITY,
                accuracy_m: Some(-1.0),
            },
            3 => AppEvent::CallHelp { id: any_id(r) },
            4 => AppEvent::RemoveIncident { reason: r.text() },
            _ => AppEvent::SettingsChangePin,
        },
    }
}

#[test]
fn thousands_of_random_and_hostile_events_never_panic() {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut ids: Vec<String> = Vec::new();
    for step in 0..3000 {
        let e = event(&mut r, &ids);
        if step % 97 == 0 {
            p.clock.advance(chrono::Duration::minutes(7));
        }
        let u = p.send(e);
        // Ids the app handed out, to come back later as outcomes and retries.
        for text in texts(&u.effects) {
            ids.push(text.0);
        }
        if let waymark_app::Screen::Home { home } = &u.view.screen {
            ids.extend(home.recent.iter().map(|i| i.id.clone()));
        }
        // Never stuck locked out of the app: the PIN always works again when typed whole.
        if step % 500 == 499 {
            p.send(AppEvent::Panic);
            p.clock.advance(chrono::Duration::hours(2));
            p.enter_pin(PIN);
            home(&p.view());
        }
    }
}
