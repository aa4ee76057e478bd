//! Time in the app model: chrono inside, `SystemTime` over the FFI (Kotlin `Instant`, Swift
//! `Date`). Conversions never panic.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};

pub(crate) fn to_system_time(t: DateTime<Utc>) -> SystemTime {
    let millis = t.timestamp_millis();
    if millis >= 0 {
        UNIX_EPOCH
            .checked_add(Duration::from_millis(millis.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_millis(millis.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH)
    }
}

/// Whole seconds from `now` until `t`, rounded up, never negative.
pub(crate) fn seconds_until(now: DateTime<Utc>, t: DateTime<Utc>) -> u32 {
    let ms = (t - now).num_milliseconds();
    if ms <= 0 {
        0
    } else {
        u32::try_from((ms + 999) / 1000).unwrap_or(u32::MAX)
    }
}

/// "45 s", "3 min", "1 h 5 min": for countdowns.
pub(crate) fn short_duration(seconds: u32) -> String {
    if seconds < 60 {
        format!("{seconds} s")
    } else if seconds < 3600 {
        format!("{} min", seconds.div_ceil(60))
    } else {
        let m = seconds.div_ceil(60);
        if m % 60 == 0 {
            format!("{} h", m / 60)
        } else {
            format!("{} h {} min", m / 60, m % 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_round_up_and_stop_at_zero() {
        let now = DateTime::from_timestamp(1_000, 0).unwrap_or_default();
        assert_eq!(
            seconds_until(now, now + chrono::Duration::milliseconds(1)),
            1
        );
        assert_eq!(seconds_until(now, now - chrono::Duration::seconds(5)), 0);
        assert_eq!(short_duration(30), "30 s");
        assert_eq!(short_duration(61), "2 min");
        assert_eq!(short_duration(3600), "1 h");
        assert_eq!(short_duration(3900), "1 h 5 min");
    }
}
