//! Friendly times for the command line: RFC 3339, "yesterday 18:30", "today 9am", "18:30",
//! "2026-11-20 18:30", "2 hours ago". Interpreted in the computer's local time zone.

use chrono::{DateTime, Duration, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

pub fn parse_time(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = input.trim().to_lowercase();
    let local_now = now.with_timezone(&Local);
    let help = || {
        format!(
            "could not understand the time '{}'; try 'yesterday 18:30', 'today 9am', '2 hours ago' or '2026-11-20 18:30'",
            input.trim()
        )
    };
    if s.is_empty() {
        return Err(help());
    }
    if s == "now" {
        return Ok(now);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(input.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(rest) = s.strip_suffix(" ago") {
        let mut parts = rest.split_whitespace();
        let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(help());
        };
        let n: i64 = n.parse().map_err(|_| help())?;
        if !(0..=100_000).contains(&n) {
            return Err(help());
        }
        let d = match unit.trim_end_matches('s') {
            "minute" | "min" => Duration::minutes(n),
            "hour" | "hr" => Duration::hours(n),
            "day" => Duration::days(n),
            "week" => Duration::weeks(n),
            _ => return Err(help()),
        };
        return Ok(now - d);
    }
    let (day, time_part) = if let Some(rest) = s.strip_prefix("yesterday") {
        (local_now.date_naive() - Duration::days(1), rest.trim())
    } else if let Some(rest) = s.strip_prefix("today") {
        (local_now.date_naive(), rest.trim())
    } else if let Ok(d) =
        NaiveDate::parse_from_str(s.split_whitespace().next().unwrap_or(""), "%Y-%m-%d")
    {
        let rest = s
            .split_once(char::is_whitespace)
            .map(|x| x.1)
            .unwrap_or("")
            .trim();
        (d, if rest.is_empty() { "00:00" } else { rest })
    } else {
        (local_now.date_naive(), s.as_str())
    };
    let time = if time_part.is_empty() {
        local_now.time()
    } else {
        parse_clock(time_part).ok_or_else(help)?
    };
    let wanted = day.and_time(time);
    match local_to_utc(wanted) {
        Some(t) => Ok(t),
        None => Err(skipped_time(input.trim(), wanted).unwrap_or_else(help)),
    }
}

/// A local time the clocks skip (spring forward): say so, and offer the hour after.
fn skipped_time(input: &str, wanted: NaiveDateTime) -> Option<String> {
    let later = (1..=3)
        .map(|h| wanted + Duration::hours(h))
        .find(|t| local_to_utc(*t).is_some())?;
    Some(format!(
        "'{input}' does not exist on {}: the clocks went forward then; did you mean {}?",
        wanted.format("%Y-%m-%d"),
        later.format("%H:%M")
    ))
}

fn parse_clock(s: &str) -> Option<NaiveTime> {
    let s = s.trim().replace(' ', "");
    for f in ["%H:%M", "%H:%M:%S", "%H.%M"] {
        if let Ok(t) = NaiveTime::parse_from_str(&s, f) {
            return Some(t);
        }
    }
    for (suffix, add) in [("am", 0), ("pm", 12)] {
        if let Some(num) = s.strip_suffix(suffix) {
            let (h, m) = match num.split_once(':') {
                Some((h, m)) => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
                None => (num.parse::<u32>().ok()?, 0),
            };
            if !(1..=12).contains(&h) {
                return None;
            }
            return NaiveTime::from_hms_opt(h % 12 + add, m, 0);
        }
    }
    None
}

fn local_to_utc(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    Local
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// How a time is shown to a person: local, weekday, no seconds.
pub fn show(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local)
        .format("%a %d %b %Y %H:%M")
        .to_string()
}

/// "3 wrong PINs, the last on Tue 1 Dec at 02:14" (local time).
pub fn wrong_pins(w: &waymark_core::vault::WrongPins) -> String {
    let what = if w.count == 1 {
        "1 wrong PIN".to_string()
    } else {
        format!("{} wrong PINs", w.count)
    };
    match w.last {
        Some(t) => format!(
            "{what}, {}on {}",
            if w.count == 1 { "" } else { "the last " },
            t.with_timezone(&Local).format("%a %-d %b at %H:%M")
        ),
        None => format!("{what} (when, Waymark could not read)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn friendly_forms() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
        assert_eq!(parse_time("now", now).unwrap(), now);
        assert_eq!(
            parse_time("2 hours ago", now).unwrap(),
            now - Duration::hours(2)
        );
        assert_eq!(
            parse_time("2026-11-20T18:30:00Z", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 20, 18, 30, 0).unwrap()
        );
        let y = parse_time("yesterday 18:30", now)
            .unwrap()
            .with_timezone(&Local);
        assert_eq!(y.format("%H:%M").to_string(), "18:30");
        assert_eq!(
            y.date_naive(),
            now.with_timezone(&Local).date_naive() - Duration::days(1)
        );
        assert_eq!(
            parse_time("today 9am", now)
                .unwrap()
                .with_timezone(&Local)
                .format("%H:%M")
                .to_string(),
            "09:00"
        );
        assert_eq!(
            parse_time("2026-11-20 7:05pm", now)
                .unwrap()
                .with_timezone(&Local)
                .format("%d %H:%M")
                .to_string(),
            "20 19:05"
        );
        for bad in [
            "",
            "tomorrowish",
            "25:00",
            "13pm",
            "x hours ago",
            "yesterday at noonish",
        ] {
            assert!(parse_time(bad, now).is_err(), "{bad}");
        }
    }
}
