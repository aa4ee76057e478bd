//! Home: one tap logs an incident of that kind, now (with the place when the person allowed
//! location); then a bar to add a note, a photo, a witness or a feeling; Undo for a few seconds,
//! recorded as a redaction that says it was a mistake. The most used kinds come first, and the
//! order stays put while the screen shows so a button never moves under a finger.

use chrono::{DateTime, Duration, FixedOffset, Offset, Utc};
use waymark_core::log::{
    IncidentChanges, IncidentKind, IncidentLog, ListFilter, NewIncident, Occurred, Place,
};
use waymark_core::safety::Location;

use crate::effect::{Effect, HapticKind};
use crate::model::{Model, Route};
use crate::strings::fill;
use crate::time::{seconds_until, to_system_time};
use crate::view::{
    Destination, HomeScreen, IncidentRow, KindButton, LoggedCard, NavItem, QuickKind, Tone,
    WrongPinsCard,
};

/// How long Undo is offered after a quick log.
pub(crate) const UNDO_SECONDS: i64 = 10;
/// A position fix older than this is not the place of something happening now.
const FIX_FRESH_SECONDS: i64 = 120;
const RECENT: usize = 5;

#[derive(Debug, Default)]
pub(crate) struct HomeState {
    /// The button order, fixed when the screen opened.
    pub order: Option<Vec<IncidentKind>>,
    /// The incident the add-details bar works on.
    pub last: Option<Logged>,
}

#[derive(Debug, Clone)]
pub(crate) struct Logged {
    pub id: String,
    pub kind: IncidentKind,
    pub at: DateTime<Utc>,
    pub undo_until: DateTime<Utc>,
    /// Still the quick-log placeholder note: a note replaces it rather than adding to it.
    pub placeholder_note: bool,
    pub has_place: bool,
}

impl HomeState {
    pub fn leave(&mut self) {
        self.order = None;
        self.last = None;
    }
}

impl Model {
    /// Read from the open store each time (one small query), so it is never stale and a
    /// decoy session shows the decoy's own record.
    fn wrong_pins_card(&self) -> Option<WrongPinsCard> {
        let s = self.s;
        let w = self.unlocked_vault()?.wrong_pins().ok()??;
        let count = w.count.to_string();
        let text = match w.last {
            Some(t) => {
                let offset = FixedOffset::east_opt(
                    self.config.utc_offset_minutes.clamp(-18 * 60, 18 * 60) * 60,
                )
                .unwrap_or_else(|| Utc.fix());
                let when = t
                    .with_timezone(&offset)
                    .format("%a %-d %b at %H:%M")
                    .to_string();
                let template = if w.count == 1 {
                    s.home_wrong_pin_one
                } else {
                    s.home_wrong_pins
                };
                fill(template, &[("count", &count), ("when", &when)])
            }
            None => fill(s.home_wrong_pins_no_time, &[("count", &count)]),
        };
        Some(WrongPinsCard {
            text,
            seen_label: s.home_wrong_pins_seen.to_string(),
        })
    }

    pub(crate) fn wrong_pins_seen(&mut self) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        if let Err(e) = v.acknowledge_wrong_pins() {
            self.fail(&e);
        }
    }

    pub(crate) fn show_home(&mut self) {
        self.go(Route::Home);
        self.refresh_checkin();
        let order = self.kind_order();
        self.home.order = Some(order);
        if self.location_on() {
            self.effect(Effect::RequestLocation);
        }
    }

    /// Most used first; ties keep the Helpline's order.
    fn kind_order(&self) -> Vec<IncidentKind> {
        let mut counts = [0usize; IncidentKind::ALL.len()];
        if let Some(v) = self.unlocked_vault() {
            if let Ok(all) = IncidentLog::new(v).list(&ListFilter::default()) {
                for i in all {
                    if let Some(n) = IncidentKind::ALL.iter().position(|k| *k == i.details.kind) {
                        counts[n] += 1;
                    }
                }
            }
        }
        let mut order: Vec<(usize, IncidentKind)> =
            IncidentKind::ALL.iter().copied().enumerate().collect();
        order.sort_by_key(|(n, _)| (std::cmp::Reverse(counts[*n]), *n));
        order.into_iter().map(|(_, k)| k).collect()
    }

    fn fresh_place(&self, now: DateTime<Utc>) -> Option<Place> {
        let fix = self.last_fix.as_ref()?;
        if !self.location_on() || (now - fix.at).num_seconds() > FIX_FRESH_SECONDS {
            return None;
        }
        Some(Place {
            label: None,
            lat: Some(fix.lat),
            lon: Some(fix.lon),
            accuracy_m: fix.accuracy_m,
        })
    }

    pub(crate) fn quick_log(&mut self, kind: QuickKind) {
        let Some(vault) = self.unlocked_vault() else {
            return;
        };
        let kind = IncidentKind::from(kind);
        let now = self.now();
        let place = self.fresh_place(now);
        let has_place = place.is_some();
        let mut new = NewIncident::new(
            kind,
            Occurred::at(now),
            fill(self.s.quick_log_description, &[("kind", self.s.kind(kind))]),
        );
        new.place = place;
        match IncidentLog::new(vault).record(new) {
            Ok(incident) => {
                self.home.last = Some(Logged {
                    id: incident.id,
                    kind,
                    at: now,
                    undo_until: now + Duration::seconds(UNDO_SECONDS),
                    placeholder_note: true,
                    has_place,
                });
                self.effect(Effect::Haptic {
                    kind: HapticKind::Confirm,
                });
                if !has_place && self.location_on() {
                    self.effect(Effect::RequestLocation);
                }
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn undo(&mut self) {
        let now = self.now();
        let Some(last) = self.home.last.clone() else {
            return;
        };
        if now > last.undo_until {
            return;
        }
        let Some(vault) = self.unlocked_vault() else {
            return;
        };
        match IncidentLog::new(vault).redact(&last.id, Some(self.s.undo_reason.to_string())) {
            Ok(()) => {
                self.home.last = None;
                self.say(self.s.home_undone, Tone::Neutral);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// The incident the details bar works on: the one open in detail, else the one just logged.
    fn details_target(&self) -> Option<String> {
        self.detail_incident()
            .or_else(|| self.home.last.as_ref().map(|l| l.id.clone()))
    }

    fn amend_last(&mut self, changes: IncidentChanges, done: &'static str) -> bool {
        let Some(id) = self.details_target() else {
            return false;
        };
        let Some(vault) = self.unlocked_vault() else {
            return false;
        };
        match IncidentLog::new(vault).amend(&id, changes, None) {
            Ok(_) => {
                // Details added: Undo would now throw them away too, so it goes.
                if let Some(l) = self.home.last.as_mut().filter(|l| l.id == id) {
                    l.undo_until = l.at;
                }
                self.say(done, Tone::Good);
                true
            }
            Err(e) => {
                self.fail(&e);
                false
            }
        }
    }

    pub(crate) fn add_note(&mut self, text: &str) {
        let Some(id) = self.details_target() else {
            return;
        };
        let placeholder = self.detail_incident().is_none()
            && self.home.last.as_ref().is_some_and(|l| l.placeholder_note);
        let description = if placeholder {
            text.to_string()
        } else {
            let current = self
                .unlocked_vault()
                .and_then(|v| IncidentLog::new(v).get(&id).ok())
                .map(|i| i.incident.details.description)
                .unwrap_or_default();
            format!("{current}\n\n{text}")
        };
        let changes = IncidentChanges {
            description: Some(description),
            ..Default::default()
        };
        if self.amend_last(changes, self.s.home_note_added) {
            if let Some(l) = self.home.last.as_mut().filter(|l| l.id == id) {
                l.placeholder_note = false;
            }
        }
    }

    pub(crate) fn add_witness(&mut self, name: &str) {
        let Some(id) = self.details_target() else {
            return;
        };
        let mut witnesses = self
            .unlocked_vault()
            .and_then(|v| IncidentLog::new(v).get(&id).ok())
            .map(|i| i.incident.details.witnesses)
            .unwrap_or_default();
        witnesses.push(name.trim().to_string());
        let changes = IncidentChanges {
            witnesses: Some(witnesses),
            ..Default::default()
        };
        self.amend_last(changes, self.s.home_witness_added);
    }

    pub(crate) fn add_feeling(&mut self, level: u8) {
        let changes = IncidentChanges {
            feeling: Some(level),
            ..Default::default()
        };
        self.amend_last(changes, self.s.home_feeling_added);
    }

    /// A position fix from the phone: kept for the next log, and added to the incident just
    /// logged if it had none (an amendment, so the history shows when it came).
    pub(crate) fn location_fix(&mut self, lat: f64, lon: f64, accuracy_m: Option<f64>) {
        let fix = Location {
            lat,
            lon,
            accuracy_m,
            at: self.now(),
        };
        if fix.validate().is_err() {
            return;
        }
        self.checkin_location(&fix);
        self.last_fix = Some(fix);
        let Some(last) = self.home.last.clone() else {
            return;
        };
        if last.has_place || (self.now() - last.at).num_seconds() > FIX_FRESH_SECONDS {
            return;
        }
        let changes = IncidentChanges {
            place: self.fresh_place(self.now()),
            ..Default::default()
        };
        if changes.place.is_some() && self.amend_last(changes, self.s.home_place_added) {
            if let Some(l) = self.home.last.as_mut() {
                l.has_place = true;
            }
        }
    }

    /// "Today 18:30", "Yesterday 09:05", "3 Dec 18:30", in the phone's time zone.
    pub(crate) fn when_text(&self, t: DateTime<Utc>) -> String {
        let minutes = self.config.utc_offset_minutes.clamp(-18 * 60, 18 * 60);
        let offset = FixedOffset::east_opt(minutes * 60).unwrap_or(Utc.fix());
        let local = t.with_timezone(&offset);
        let today = self.now().with_timezone(&offset).date_naive();
        let day = local.date_naive();
        let clock = local.format("%H:%M");
        if day == today {
            format!("{} {clock}", self.s.today)
        } else if Some(day) == today.pred_opt() {
            format!("{} {clock}", self.s.yesterday)
        } else {
            format!("{} {clock}", local.format("%-d %b %Y"))
        }
    }

    pub(crate) fn recent_rows(&self, limit: usize) -> Vec<IncidentRow> {
        let Some(v) = self.unlocked_vault() else {
            return Vec::new();
        };
        let filter = ListFilter {
            limit: Some(limit),
            ..Default::default()
        };
        IncidentLog::new(v)
            .list(&filter)
            .unwrap_or_default()
            .into_iter()
            .map(|i| {
                let kind = i.details.kind;
                let summary: String = i.details.description.chars().take(80).collect();
                IncidentRow {
                    id: i.id,
                    kind: kind.into(),
                    kind_label: self.s.kind(kind).to_string(),
                    when: self.when_text(i.details.occurred.start),
                    at: to_system_time(i.details.occurred.start),
                    summary,
                }
            })
            .collect()
    }

    pub(crate) fn home_view(&self) -> HomeScreen {
        let s = self.s;
        let now = self.now();
        let order = self
            .home
            .order
            .clone()
            .unwrap_or_else(|| IncidentKind::ALL.to_vec());
        let logged = self.home.last.as_ref().map(|l| {
            let secs = seconds_until(now, l.undo_until);
            LoggedCard {
                incident_id: l.id.clone(),
                text: fill(s.home_logged, &[("kind", s.kind(l.kind))]),
                undo_label: (secs > 0)
                    .then(|| fill(s.home_undo, &[("seconds", &secs.to_string())])),
                undo_seconds: secs,
                add_note_label: s.home_add_note.to_string(),
                add_evidence: self.evidence_buttons(),
                add_witness_label: s.home_add_witness.to_string(),
                add_feeling_label: s.home_add_feeling.to_string(),
                feelings: s.feelings.iter().map(|f| f.to_string()).collect(),
            }
        });
        HomeScreen {
            wrong_pins: self.wrong_pins_card(),
            quick_log_heading: s.home_quick_log.to_string(),
            kinds: order
                .into_iter()
                .map(|k| KindButton {
                    kind: k.into(),
                    label: s.kind(k).to_string(),
                })
                .collect(),
            logged,
            recent_heading: s.home_recent.to_string(),
            recent: self.recent_rows(RECENT),
            empty_text: s.home_no_incidents.to_string(),
            nav: vec![
                NavItem {
                    to: Destination::CheckIn,
                    label: s.nav_checkin.to_string(),
                },
                NavItem {
                    to: Destination::Incidents,
                    label: s.nav_incidents.to_string(),
                },
                NavItem {
                    to: Destination::Help,
                    label: s.help_numbers.to_string(),
                },
                NavItem {
                    to: Destination::Settings,
                    label: s.nav_settings.to_string(),
                },
                NavItem {
                    to: Destination::Routes,
                    label: s.nav_routes.to_string(),
                },
                NavItem {
                    to: Destination::Insights,
                    label: s.nav_insights.to_string(),
                },
                NavItem {
                    to: Destination::Risk,
                    label: s.nav_risk.to_string(),
                },
                NavItem {
                    to: Destination::Export,
                    label: s.nav_export.to_string(),
                },
            ],
            lock_label: s.home_lock_now.to_string(),
            checkin: self.checkin_card(),
        }
    }
}
