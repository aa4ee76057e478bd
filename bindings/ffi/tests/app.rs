//! `open_app`, the shells' way to the app model: bad input is a typed error, and the model it
//! returns works over the FFI types (the shell's PRF and clock).

mod common;

use common::*;
use waymark_ffi::waymark_app::{AppConfig, AppEvent, Screen, SmsAbility};
use waymark_ffi::*;

fn config() -> AppConfig {
    AppConfig {
        language: "en".into(),
        region: "GB".into(),
        sms: SmsAbility::SendSilently,
        utc_offset_minutes: 0,
    }
}

#[test]
fn open_app_rejects_hostile_input() {
    for bad in [String::new(), "a\0b".to_string()] {
        let r = open_app(
            bad,
            TestPrf::new(),
            KeyDerivation::MinimalForTestsOnly,
            config(),
            None,
        );
        assert!(matches!(r, Err(WaymarkError::InvalidInput { .. })));
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let r = open_app(
        tmp.path().to_string_lossy().into_owned(),
        TestPrf::new(),
        KeyDerivation::Calibrated { target_ms: 1 },
        config(),
        None,
    );
    assert!(matches!(r, Err(WaymarkError::InvalidInput { .. })));
}

#[test]
fn an_unknown_region_or_language_falls_back_and_a_broken_prf_is_a_message() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let app = open_app(
        tmp.path().join("v").to_string_lossy().into_owned(),
        std::sync::Arc::new(BrokenPrf),
        KeyDerivation::MinimalForTestsOnly,
        AppConfig {
            language: "xx\0".into(),
            region: "ZZ".into(),
            sms: SmsAbility::ComposeOnly,
            utc_offset_minutes: i32::MAX,
        },
        Some(TestClock::new()),
    )
    .expect("open_app");
    let u = app.dispatch(AppEvent::Started);
    assert_eq!(
        u.view.emergency.number, "999",
        "GB when the region is unknown"
    );
    app.dispatch(AppEvent::SetupStart);
    for _ in 0..2 {
        for d in [1, 3, 5, 7, 9, 2] {
            app.dispatch(AppEvent::PinDigit { digit: d });
        }
        app.dispatch(AppEvent::PinSubmit);
    }
    // The PRF failed: no vault, a message, still on the first run.
    let v = app.view();
    assert!(matches!(v.screen, Screen::FirstRun { .. }));
    assert!(v.banner.is_some());
}

/// A PRF that always fails, as a Keystore might.
struct BrokenPrf;

impl HardwarePrf for BrokenPrf {
    fn evaluate(&self, _input: Vec<u8>) -> Result<Vec<u8>, WaymarkError> {
        Err(WaymarkError::Platform {
            reason: "keystore unavailable".into(),
        })
    }
}
