//! Timestamps cross the FFI as `SystemTime` (Kotlin `java.time.Instant`, Swift `Date`).
//! Conversions never panic: out-of-range values from a shell are an `InvalidInput`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};

use crate::error::WaymarkError;

pub(crate) fn to_system_time(t: DateTime<Utc>) -> SystemTime {
    let secs = t.timestamp();
    let nanos = t.timestamp_subsec_nanos();
    let since = Duration::new(secs.unsigned_abs(), nanos.min(999_999_999));
    let result = if secs >= 0 {
        UNIX_EPOCH.checked_add(since)
    } else {
        // For negative seconds chrono's nanos count forwards from the earlier second.
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))
            .and_then(|s| s.checked_add(Duration::from_nanos(u64::from(nanos))))
    };
    result.unwrap_or(UNIX_EPOCH)
}

pub(crate) fn to_chrono(t: SystemTime) -> Result<DateTime<Utc>, WaymarkError> {
    let bad = || WaymarkError::invalid("time", "outside the supported range");
    let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).map_err(|_| bad())?,
            d.subsec_nanos(),
        ),
        Err(e) => {
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).map_err(|_| bad())?;
            if d.subsec_nanos() == 0 {
                (-secs, 0)
            } else {
                (-secs - 1, 1_000_000_000 - d.subsec_nanos())
            }
        }
    };
    DateTime::from_timestamp(secs, nanos).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_before_and_after_the_epoch() {
        for (s, n) in [
            (0, 0),
            (1_700_000_000, 123_456_789),
            (-1, 500),
            (-86_400 * 365, 0),
        ] {
            let t = DateTime::from_timestamp(s, n).expect("valid test time");
            assert_eq!(to_chrono(to_system_time(t)).expect("in range"), t);
        }
    }

    #[test]
    fn far_future_is_invalid_input_not_a_panic() {
        let far = UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX) * 100_000);
        assert!(matches!(
            to_chrono(far),
            Err(WaymarkError::InvalidInput { .. })
        ));
    }
}
