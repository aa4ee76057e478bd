//! Shared by the journeys: an app model over a temporary vault with a clock the test moves.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use waymark_app::{
    AppConfig, AppCore, AppEvent, AppUpdate, CheckInScreen, Effect, FirstRunScreen, HomeScreen,
    LockScreen, Permission, Screen, SetupStep, SmsAbility, ViewModel,
};
use waymark_core::vault::{KdfChoice, KdfParams, SoftwarePrfNoHardware, Vault};
use waymark_core::ManualClock;

pub const PIN: &str = "246810";
pub const DURESS: &str = "135799";

pub struct Phone {
    pub app: AppCore,
    pub clock: Arc<ManualClock>,
    pub dir: tempfile::TempDir,
    /// Kept across a relaunch: the same phone.
    pub sms: SmsAbility,
    /// How the phone answers the app's question to send texts by itself (Android's SEND_SMS):
    /// at once, as a phone that was given (or refused) it already does; None: the test answers.
    pub sms_permission: Option<bool>,
    /// Every effect the app asked for, in order.
    pub effects: Vec<Effect>,
    pub last: Option<AppUpdate>,
}

pub fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T17:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

impl Phone {
    pub fn new(sms: SmsAbility) -> Phone {
        let clock = Arc::new(ManualClock::new(start()));
        Phone::on(tempfile::tempdir().unwrap(), clock, sms)
    }

    /// The same vault folder, as after the app was killed and launched again.
    pub fn relaunch(self) -> Phone {
        let answer = self.sms_permission;
        let mut p = Phone::on(self.dir, self.clock, self.sms);
        p.sms_permission = answer;
        p
    }

    fn on(dir: tempfile::TempDir, clock: Arc<ManualClock>, sms: SmsAbility) -> Phone {
        let app = AppCore::new(
            dir.path().join("vault"),
            Arc::new(SoftwarePrfNoHardware::default()),
            clock.clone(),
            KdfChoice::Fixed(KdfParams::MIN_FOR_TESTS),
            AppConfig {
                language: "en-GB".into(),
                region: "GB".into(),
                sms,
                utc_offset_minutes: 0,
            },
        );
        Phone {
            app,
            clock,
            dir,
            sms,
            sms_permission: Some(true),
            effects: Vec::new(),
            last: None,
        }
    }

    pub fn send(&mut self, e: AppEvent) -> AppUpdate {
        let mut u = self.app.dispatch(e);
        self.effects.extend(u.effects.iter().cloned());
        let asked = u.effects.iter().any(|e| {
            matches!(
                e,
                Effect::RequestPermission {
                    what: Permission::Sms,
                    ..
                }
            )
        });
        if let (true, Some(granted)) = (asked, self.sms_permission) {
            let answer = self.app.dispatch(AppEvent::PermissionResult {
                what: Permission::Sms,
                granted,
            });
            self.effects.extend(answer.effects.iter().cloned());
            u.effects.extend(answer.effects);
            u.view = answer.view;
        }
        self.last = Some(u.clone());
        u
    }

    pub fn view(&self) -> ViewModel {
        self.app.view()
    }

    pub fn advance(&mut self, secs: i64) -> AppUpdate {
        self.clock.advance(Duration::seconds(secs));
        self.send(AppEvent::Tick)
    }

    pub fn type_pin(&mut self, pin: &str) {
        for c in pin.chars() {
            let digit = c.to_digit(10).unwrap() as u8;
            self.send(AppEvent::PinDigit { digit });
        }
    }

    pub fn enter_pin(&mut self, pin: &str) -> AppUpdate {
        self.type_pin(pin);
        self.send(AppEvent::PinSubmit)
    }

    /// The whole first run with a buddy and a duress PIN; ends on the home screen.
    pub fn set_up(&mut self) {
        self.send(AppEvent::Started);
        self.send(AppEvent::SetupStart);
        self.enter_pin(PIN);
        self.enter_pin(PIN);
        let setup = first_run(&self.view());
        let group = setup.recovery_groups.clone();
        self.send(AppEvent::RecoveryCodeWritten);
        let n = group_asked(&first_run(&self.view()));
        self.send(AppEvent::RecoveryCodeTyped {
            text: group[n - 1].clone(),
        });
        self.send(AppEvent::SetupBuddy {
            name: "Sam".into(),
            phone: "07700 900123".into(),
        });
        self.enter_pin(DURESS);
        self.send(AppEvent::SetupLocation { on: false });
        // The disguise step: the app keeps its own name and icon.
        self.send(AppEvent::SetupSkip);
        self.send(AppEvent::Open {
            to: waymark_app::Destination::Home,
        });
        assert!(matches!(self.view().screen, Screen::Home { .. }));
    }

    /// The vault opened beside the app model (as a second process would) and unlocked with the
    /// PIN, to check what the app stored.
    pub fn second_handle(&self) -> Vault {
        let v = Vault::open(
            &self.dir.path().join("vault"),
            Arc::new(SoftwarePrfNoHardware::default()),
            self.clock.clone(),
        )
        .unwrap();
        v.unlock(PIN).unwrap();
        v
    }

    pub fn lock_and_relaunch(self) -> Phone {
        let mut p = self.relaunch();
        p.send(AppEvent::Started);
        p
    }
}

pub fn first_run(v: &ViewModel) -> FirstRunScreen {
    match &v.screen {
        Screen::FirstRun { setup } => setup.clone(),
        other => panic!("expected the first run, got {other:?}"),
    }
}

pub fn home(v: &ViewModel) -> HomeScreen {
    match &v.screen {
        Screen::Home { home } => home.clone(),
        other => panic!("expected home, got {other:?}"),
    }
}

pub fn checkin(v: &ViewModel) -> CheckInScreen {
    match &v.screen {
        Screen::CheckIn { checkin } => checkin.clone(),
        other => panic!("expected the check-in screen, got {other:?}"),
    }
}

/// The texts (SendSms and ComposeSms) among some effects: (id, to, body).
pub fn texts(effects: &[Effect]) -> Vec<(String, String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SendSms { id, to, body } | Effect::ComposeSms { id, to, body } => {
                Some((id.clone(), to.clone(), body.clone()))
            }
            _ => None,
        })
        .collect()
}

/// The notifications among some effects, shown now or scheduled for later: (id, title, body).
pub fn notifications(effects: &[Effect]) -> Vec<(String, String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ShowNotification { id, title, body }
            | Effect::ScheduleNotification {
                id, title, body, ..
            } => Some((id.clone(), title.clone(), body.clone())),
            _ => None,
        })
        .collect()
}

/// The notifications scheduled for later among some effects: (id, when, body).
pub fn scheduled(effects: &[Effect]) -> Vec<(String, std::time::SystemTime, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ScheduleNotification { id, at, body, .. } => {
                Some((id.clone(), *at, body.clone()))
            }
            _ => None,
        })
        .collect()
}

pub fn lock(v: &ViewModel) -> LockScreen {
    match &v.screen {
        Screen::Lock { lock } => lock.clone(),
        other => panic!("expected the lock screen, got {other:?}"),
    }
}

/// Which group of the recovery code the confirm step asks for (from its words).
pub fn group_asked(s: &FirstRunScreen) -> usize {
    assert_eq!(s.step, SetupStep::ConfirmRecoveryCode);
    s.body
        .chars()
        .find(|c| c.is_ascii_digit())
        .and_then(|c| c.to_digit(10))
        .unwrap() as usize
}

/// A small deterministic generator (xorshift) for the hostile-input suites, so a failure can be
/// replayed from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
