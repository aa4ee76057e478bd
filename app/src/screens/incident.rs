//! Incidents: the list of everything logged (newest first), one incident in detail with its
//! evidence and its history (every change, from the core's log, with the reason given), editing
//! it (an amendment: the original stays in the history) and removing it (a redaction: the
//! content goes everywhere, the log keeps that something was removed and why).

use waymark_core::evidence::{human_size, EvidenceStore};
use waymark_core::log::{IncidentChanges, IncidentKind, IncidentLog, ENTRY_AMEND, ENTRY_CREATE};

use crate::model::{Model, Route};
use crate::strings::fill;
use crate::view::{
    EvidenceRow, HistoryRow, IncidentDetailScreen, IncidentListScreen, QuickKind, Tone,
};

/// The list shows this many at most (the report and the export have all of them).
const LIST_LIMIT: usize = 500;

impl Model {
    /// The incident open in detail, if that is the screen.
    pub(crate) fn detail_incident(&self) -> Option<String> {
        match &self.route {
            Route::Incident { id } => Some(id.clone()),
            _ => None,
        }
    }

    pub(crate) fn open_incidents(&mut self) {
        if self.is_unlocked() {
            self.go(Route::Incidents);
        }
    }

    pub(crate) fn open_incident(&mut self, id: &str) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match IncidentLog::new(v).get(id) {
            Ok(i) => self.go(Route::Incident { id: i.incident.id }),
            Err(e) => self.fail(&e),
        }
    }

    /// Back from the detail: to the list.
    pub(crate) fn incident_back(&mut self) {
        self.go(Route::Incidents);
    }

    /// The edit form's save: only what changed is recorded, with the reason if one is given.
    pub(crate) fn edit_incident(&mut self, kind: QuickKind, description: &str, reason: &str) {
        let Some(id) = self.detail_incident() else {
            return;
        };
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let log = IncidentLog::new(v);
        let current = match log.get(&id) {
            Ok(i) => i.incident.details,
            Err(e) => return self.fail(&e),
        };
        let kind = IncidentKind::from(kind);
        let changes = IncidentChanges {
            kind: (kind != current.kind).then_some(kind),
            description: (description != current.description).then(|| description.to_string()),
            ..Default::default()
        };
        if changes.is_empty() {
            return self.say(self.s.incident_nothing_changed, Tone::Neutral);
        }
        let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
        match log.amend(&id, changes, reason) {
            Ok(_) => self.say(self.s.incident_saved, Tone::Good),
            Err(e) => self.fail(&e),
        }
    }

    /// Remove: the content goes, the log keeps the fact and the reason.
    pub(crate) fn remove_incident(&mut self, reason: &str) {
        let Some(id) = self.detail_incident() else {
            return;
        };
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
        match IncidentLog::new(v).redact(&id, reason) {
            Ok(()) => {
                if self.home.last.as_ref().is_some_and(|l| l.id == id) {
                    self.home.last = None;
                }
                self.go(Route::Incidents);
                self.say(self.s.incident_removed, Tone::Neutral);
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn incident_list_view(&self) -> IncidentListScreen {
        IncidentListScreen {
            rows: self.recent_rows(LIST_LIMIT),
            empty_text: self.s.home_no_incidents.to_string(),
        }
    }

    fn field_name(&self, key: &str) -> &'static str {
        let s = self.s;
        match key {
            "description" => s.field_note,
            "kind" => s.field_kind,
            "occurred" => s.field_time,
            "place" => s.field_place,
            "witnesses" => s.field_witnesses,
            "feeling" => s.field_feeling,
            _ => s.field_other,
        }
    }

    pub(crate) fn incident_detail_view(&self) -> Option<IncidentDetailScreen> {
        let id = self.detail_incident()?;
        let v = self.unlocked_vault()?;
        let found = IncidentLog::new(v).get(&id).ok()?;
        let s = self.s;
        let d = &found.incident.details;
        let evidence = EvidenceStore::new(v)
            .for_incident(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|e| EvidenceRow {
                id: e.id.clone(),
                label: self.evidence_label(&e.how, &e.media_type).to_string(),
                media_type: e.media_type.clone(),
                size: e.size,
                size_text: human_size(e.size),
                when: self.when_text(e.captured_at),
            })
            .collect();
        let history = found
            .history
            .iter()
            .filter_map(|h| {
                let text = match h.entry_type.as_str() {
                    ENTRY_CREATE => s.history_created.to_string(),
                    ENTRY_AMEND => {
                        let fields: Vec<&str> = h
                            .details
                            .get("changes")
                            .and_then(|c| c.as_object())
                            .map(|c| c.keys().map(|k| self.field_name(k)).collect())
                            .unwrap_or_default();
                        fill(s.history_changed, &[("fields", &fields.join(", "))])
                    }
                    _ => return None,
                };
                let reason = h
                    .details
                    .get("reason")
                    .and_then(|r| r.as_str())
                    .map(|r| fill(s.history_reason, &[("reason", r)]));
                Some(HistoryRow {
                    text,
                    reason,
                    when: self.when_text(h.recorded_at),
                })
            })
            .collect();
        let place = d.place.as_ref().map(|p| match (&p.label, p.lat, p.lon) {
            (Some(l), _, _) => l.clone(),
            (None, Some(lat), Some(lon)) => format!("{lat:.5}, {lon:.5}"),
            _ => String::new(),
        });
        Some(IncidentDetailScreen {
            id: id.clone(),
            kind: d.kind.into(),
            kind_label: s.kind(d.kind).to_string(),
            kinds: IncidentKind::ALL
                .iter()
                .map(|k| crate::view::KindButton {
                    kind: (*k).into(),
                    label: s.kind(*k).to_string(),
                })
                .collect(),
            when: self.when_text(d.occurred.start),
            description: d.description.clone(),
            place,
            witnesses: d.witnesses.clone(),
            feeling: d.feeling.map(|f| s.feeling(f).to_string()),
            evidence_heading: s.evidence_heading.to_string(),
            evidence,
            no_evidence_text: s.evidence_none.to_string(),
            history_heading: s.history_heading.to_string(),
            history,
            edit_label: s.incident_edit.to_string(),
            reason_label: s.incident_reason.to_string(),
            save_label: s.save.to_string(),
            remove_label: s.incident_remove.to_string(),
            remove_warning: s.incident_remove_warning.to_string(),
            add_evidence: self.evidence_buttons(),
            add_witness_label: s.home_add_witness.to_string(),
            add_feeling_label: s.home_add_feeling.to_string(),
            feelings: s.feelings.iter().map(|f| f.to_string()).collect(),
        })
    }
}
