//! The words Waymark writes: texts to buddies (sent from the person's own phone, so in the
//! first person) and notifications to the person.
//!
//! Notifications to the person can appear on a lock screen someone else is looking at: they
//! never name the place, the buddy or the meeting. Texts to buddies carry the whole plan and
//! are fitted to two SMS segments by shortening the least important free text first.

use super::checkin::Plan;
use super::help;
pub use super::sms::{
    gsm7_length, gsm_friendly, is_gsm7, sms_length, ucs2_length, SmsEncoding, SmsLength,
};
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Texts to buddies are shortened until they fit this many segments.
pub const MAX_PLAN_SEGMENTS: usize = 2;
/// Alerts carry the location link as well; they may take one more.
pub const MAX_ALERT_SEGMENTS: usize = 3;

/// Where the phone last was, if the person allowed it to be shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
    pub at: DateTime<Utc>,
}

impl Location {
    pub fn validate(&self) -> Result<()> {
        if !self.lat.is_finite() || !(-90.0..=90.0).contains(&self.lat) {
            return Err(Error::invalid("latitude", "must be between -90 and 90"));
        }
        if !self.lon.is_finite() || !(-180.0..=180.0).contains(&self.lon) {
            return Err(Error::invalid("longitude", "must be between -180 and 180"));
        }
        if let Some(a) = self.accuracy_m {
            if !a.is_finite() || a < 0.0 {
                return Err(Error::invalid(
                    "accuracy",
                    "must be a positive number of metres",
                ));
            }
        }
        Ok(())
    }
}

/// What a message needs besides the plan.
pub struct MessageContext<'a> {
    pub plan: &'a Plan,
    pub deadline: DateTime<Utc>,
    /// When the first buddy is alerted (deadline + grace).
    pub alert_at: DateTime<Utc>,
    /// When the message goes out: times on another day get their date.
    pub sent_at: DateTime<Utc>,
    /// Present only when the plan allows sharing it.
    pub location: Option<&'a Location>,
}

impl MessageContext<'_> {
    fn local(&self, t: DateTime<Utc>) -> chrono::NaiveDateTime {
        let offset = Duration::minutes(self.plan.utc_offset_minutes.into());
        t.naive_utc()
            .checked_add_signed(offset)
            .unwrap_or(t.naive_utc())
    }
    /// "18:30", or "18:30 Thu 26 Nov" when not on the day the message is sent.
    fn time(&self, t: DateTime<Utc>) -> String {
        let local = self.local(t);
        if local.date() == self.local(self.sent_at).date() {
            local.format("%H:%M").to_string()
        } else {
            local.format("%H:%M %a %-d %b").to_string()
        }
    }
    fn emergency_number(&self) -> &'static str {
        help::directory(&self.plan.region)
            .map(|r| r.emergency_number)
            .unwrap_or("999")
    }
    fn location_sentence(&self) -> String {
        match self.location {
            Some(l) => {
                let acc = l
                    .accuracy_m
                    .map(|a| format!(" (within {} m)", a.round() as i64))
                    .unwrap_or_default();
                format!(
                    " Last location at {}{acc}: https://osm.org/?mlat={:.5}&mlon={:.5}",
                    self.time(l.at),
                    l.lat,
                    l.lon
                )
            }
            None => String::new(),
        }
    }
    fn fields(&self) -> Fields {
        Fields {
            destination: gsm_friendly(&self.plan.destination),
            meeting: self
                .plan
                .meeting
                .as_deref()
                .map(gsm_friendly)
                .unwrap_or_default(),
            route: self
                .plan
                .route
                .as_deref()
                .map(gsm_friendly)
                .unwrap_or_default(),
            if_missed: gsm_friendly(&self.plan.if_missed),
            compact: false,
        }
    }
}

/// The person's free text, which is what gets shortened when a text is too long.
#[derive(Clone)]
struct Fields {
    destination: String,
    meeting: String,
    route: String,
    if_missed: String,
    /// Use the shortest wording.
    compact: bool,
}

impl Fields {
    fn meeting_clause(&self) -> String {
        if self.meeting.is_empty() {
            String::new()
        } else {
            format!(", meeting {}", self.meeting)
        }
    }
    fn route_clause(&self) -> String {
        if self.route.is_empty() {
            String::new()
        } else {
            format!(". Route: {}", self.route)
        }
    }
}

/// Cut to at most `max` characters, marking the cut with "...".
fn shorten(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    if max <= 3 {
        return String::new();
    }
    let mut out: String = s
        .chars()
        .take(max - 3)
        .collect::<String>()
        .trim_end()
        .to_string();
    out.push_str("...");
    out
}

/// Build the text; if it needs more than `max_segments`, shorten the route, then the
/// meeting, then the if-missed text, then the destination, each only as much as needed and
/// never below a floor that keeps it meaningful. If that is not enough (UCS-2 leaves only
/// 134 characters for two segments), try again with the compact wording and lower floors.
fn fit(fields: Fields, max_segments: usize, build: impl Fn(&Fields) -> String) -> String {
    // A cut field ends in "..." and the sentence then adds its full stop.
    let build = |f: &Fields| build(f).replace("....", "...");
    let fits = |f: &Fields| sms_length(&build(f)).segments <= max_segments;
    if fits(&fields) {
        return build(&fields);
    }
    type Get = fn(&mut Fields) -> &mut String;
    let getters: [Get; 4] = [
        |f| &mut f.route,
        |f| &mut f.meeting,
        |f| &mut f.if_missed,
        |f| &mut f.destination,
    ];
    let stages: [(bool, [usize; 4]); 2] = [(false, [0, 15, 45, 25]), (true, [0, 0, 30, 20])];
    let mut f = fields.clone();
    for (compact, floors) in stages {
        f = fields.clone();
        f.compact = compact;
        for (get, floor) in getters.iter().zip(floors) {
            if fits(&f) {
                return build(&f);
            }
            let full = get(&mut f).clone();
            let len = full.chars().count();
            if len <= floor {
                continue;
            }
            let try_len = |k: usize, f: &Fields| {
                let mut g = f.clone();
                *get(&mut g) = shorten(&full, k);
                fits(&g)
            };
            if !try_len(floor, &f) {
                *get(&mut f) = shorten(&full, floor);
                continue;
            }
            // Largest length in [floor, len) that fits: longer never fits better.
            let (mut lo, mut hi) = (floor, len);
            while lo + 1 < hi {
                let mid = (lo + hi) / 2;
                if try_len(mid, &f) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            *get(&mut f) = shorten(&full, lo);
            return build(&f);
        }
        if fits(&f) {
            return build(&f);
        }
    }
    build(&f)
}

/// To each buddy when the plan starts: the whole plan.
pub fn plan_message(ctx: &MessageContext) -> String {
    let (due, alert) = (ctx.time(ctx.deadline), ctx.time(ctx.alert_at));
    fit(ctx.fields(), MAX_PLAN_SEGMENTS, |f| {
        if f.compact {
            format!(
                "Waymark: going to {}{}. Check-in by {due}. If none by {alert}: {}",
                f.destination,
                f.meeting_clause(),
                f.if_missed
            )
        } else {
            format!(
                "Waymark check-in: I'm going to {}{}{}. I'll check in by {due}. If I haven't by {alert}, please: {}",
                f.destination,
                f.meeting_clause(),
                f.route_clause(),
                f.if_missed
            )
        }
    })
}

/// To each buddy after an extension.
pub fn update_message(ctx: &MessageContext) -> String {
    let (due, alert) = (ctx.time(ctx.deadline), ctx.time(ctx.alert_at));
    fit(ctx.fields(), MAX_PLAN_SEGMENTS, |f| {
        if f.compact {
            format!(
                "Waymark: new check-in time {due} ({}). If none by {alert}: {}",
                f.destination, f.if_missed
            )
        } else {
            format!("Waymark check-in update: I now expect to check in by {due} ({}). If I haven't by {alert}, please: {}", f.destination, f.if_missed)
        }
    })
}

/// To the person, before the deadline. Lock-screen safe.
pub fn reminder_before(ctx: &MessageContext) -> String {
    format!(
        "Check-in due at {}. Check in if you're safe, or add time if you need it.",
        ctx.time(ctx.deadline)
    )
}

/// To the person, at the deadline. Lock-screen safe.
pub fn reminder_due(ctx: &MessageContext) -> String {
    format!(
        "Your check-in is due now ({}). Check in if you're safe. If you don't, your buddy will be alerted at {}.",
        ctx.time(ctx.deadline),
        ctx.time(ctx.alert_at)
    )
}

/// To the person, when the grace period is over. Lock-screen safe.
pub fn missed_notice(ctx: &MessageContext) -> String {
    format!(
        "You didn't check in by {}, so your buddy is being alerted now. Check in as soon as you can to let them know you're safe.",
        ctx.time(ctx.deadline)
    )
}

/// To a buddy, in turn, when no check-in came.
pub fn alert_message(ctx: &MessageContext) -> String {
    let due = ctx.time(ctx.deadline);
    let loc = ctx.location_sentence();
    fit(ctx.fields(), MAX_ALERT_SEGMENTS, |f| {
        format!(
            "Waymark ALERT: I haven't checked in. I was due by {due}, going to {}{}{}.{loc} Please: {}",
            f.destination,
            f.meeting_clause(),
            f.route_clause(),
            f.if_missed
        )
    })
}

/// To the person, after every buddy was alerted. Lock-screen safe.
pub fn call_999_user(ctx: &MessageContext) -> String {
    let number = ctx.emergency_number();
    let mut s = format!("You still haven't checked in. If you are in danger, call {number} now.");
    if let Ok(r) = help::directory(&ctx.plan.region) {
        if let Some(hint) = r.silent_call_hint {
            s.push(' ');
            s.push_str(hint);
        }
    }
    s
}

/// To every buddy, after every buddy was alerted.
pub fn call_999_buddy(ctx: &MessageContext) -> String {
    let due = ctx.time(ctx.deadline);
    let number = ctx.emergency_number();
    let loc = ctx.location_sentence();
    fit(ctx.fields(), MAX_ALERT_SEGMENTS, |f| {
        format!(
            "Waymark: I still haven't checked in (due {due}, going to {}{}). Please call {number} now and tell them where I was going.{loc}",
            f.destination,
            f.meeting_clause()
        )
    })
}

/// To a buddy who holds the plan, once the person checks in.
pub fn all_clear(was_alerted: bool) -> String {
    if was_alerted {
        "Waymark: I've checked in now and I'm OK. Thank you for looking out for me.".to_string()
    } else {
        "Waymark: I've checked in and I'm safe. Thanks for being my buddy.".to_string()
    }
}

/// To every buddy after a duress check-in: urgent, and asks them not to contact the phone.
pub fn duress_alert(ctx: &MessageContext) -> String {
    let number = ctx.emergency_number();
    let loc = ctx.location_sentence();
    fit(ctx.fields(), MAX_ALERT_SEGMENTS, |f| {
        format!(
            "Waymark URGENT: I may be in danger and unable to talk freely. Do not call or text me back. Please call {number} now and tell them I was going to {}{}.{loc}",
            f.destination,
            f.meeting_clause()
        )
    })
}

/// To every buddy when the vault was opened with the duress PIN, if the person chose that.
/// Fixed words (no place, no name): it is written ahead, and sent without anything showing.
pub fn duress_unlock_alert(emergency_number: &str) -> String {
    format!(
        "Waymark URGENT: I had to unlock my phone under pressure. I may not be able to talk freely. Do not call or text me back. If you think I am in danger, call {emergency_number}."
    )
}

/// To a buddy who holds the plan, when it is called off.
pub fn cancelled_message(ctx: &MessageContext) -> String {
    fit(ctx.fields(), MAX_PLAN_SEGMENTS, |f| {
        format!(
            "Waymark: my plan to go to {} is off - no need to wait for my check-in.",
            f.destination
        )
    })
}
