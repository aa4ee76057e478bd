//! Every word a person reads on a Waymark screen, one table per language, so Android and iOS say
//! the same thing and a translation is one file (copy `en.rs`, translate the right-hand sides).
//!
//! Templates name their blanks in braces (`{seconds}`); `fill` puts the values in. A blank the
//! caller does not give stays visible, so a mistake shows up in a test rather than as empty text.

mod en;
mod sections;

use waymark_core::log::IncidentKind;

pub use en::EN;
pub use sections::*;

/// Short labels for the quick-log buttons and lists, one per incident kind.
pub struct KindLabels {
    pub followed: &'static str,
    pub watching: &'static str,
    pub turned_up_home: &'static str,
    pub turned_up_work: &'static str,
    pub turned_up_school: &'static str,
    pub unwanted_contact: &'static str,
    pub gifts_left: &'static str,
    pub property_damage: &'static str,
    pub threats: &'static str,
    pub contacting_others: &'static str,
    pub online_accounts: &'static str,
    pub impersonation: &'static str,
    pub tracker_suspected: &'static str,
    pub other: &'static str,
}

/// One language. Field names say where the words appear.
pub struct Strings {
    pub language: &'static str,
    pub app_name: &'static str,
    pub back: &'static str,
    pub cancel: &'static str,
    pub done: &'static str,
    pub next: &'static str,
    pub skip: &'static str,
    pub today: &'static str,
    pub yesterday: &'static str,
    pub save: &'static str,
    pub delete_digit: &'static str,
    pub digits_entered: &'static str,

    // Emergency, on every screen.
    pub emergency_label: &'static str,
    pub help_numbers: &'static str,
    pub help_title: &'static str,
    pub call: &'static str,

    // Lock screen.
    pub lock_title: &'static str,
    pub lock_prompt: &'static str,
    pub unlock: &'static str,
    pub lock_im_safe: &'static str,
    pub lock_wrong_pin: &'static str,
    pub lock_wait: &'static str,
    pub lock_locked_out: &'static str,
    pub lock_checked_in: &'static str,
    pub lock_no_checkin: &'static str,
    pub lock_pin_too_short: &'static str,
    pub lock_unlocking: &'static str,

    // First run.
    pub setup_welcome_title: &'static str,
    pub setup_welcome_body: &'static str,
    pub setup_start: &'static str,
    pub setup_choose_pin_title: &'static str,
    pub setup_choose_pin_body: &'static str,
    pub setup_confirm_pin_title: &'static str,
    pub setup_pins_differ: &'static str,
    pub setup_recovery_title: &'static str,
    pub setup_recovery_body: &'static str,
    pub setup_recovery_written: &'static str,
    pub setup_recovery_confirm_title: &'static str,
    pub setup_recovery_confirm_body: &'static str,
    pub setup_recovery_mismatch: &'static str,
    pub setup_buddy_title: &'static str,
    pub setup_buddy_body: &'static str,
    pub setup_buddy_name: &'static str,
    pub setup_buddy_phone: &'static str,
    pub setup_duress_title: &'static str,
    pub setup_duress_body: &'static str,
    /// The same, on a phone that cannot send a text without showing it (iOS).
    pub setup_duress_body_no_silent_text: &'static str,
    pub setup_duress_same_as_pin: &'static str,
    pub setup_location_title: &'static str,
    pub setup_location_body: &'static str,
    pub setup_location_on: &'static str,
    pub setup_location_off: &'static str,
    pub setup_location_reason: &'static str,
    pub setup_done_title: &'static str,
    pub setup_done_body: &'static str,
    pub setup_creating: &'static str,

    // Home.
    pub home_title: &'static str,
    pub home_quick_log: &'static str,
    pub home_logged: &'static str,
    /// What a quick log writes as the note until the person adds one.
    pub quick_log_description: &'static str,
    pub home_undo: &'static str,
    pub home_undone: &'static str,
    pub home_add_note: &'static str,
    pub home_add_witness: &'static str,
    pub home_add_feeling: &'static str,
    pub home_recent: &'static str,
    pub home_no_incidents: &'static str,
    pub home_place_added: &'static str,
    pub home_note_added: &'static str,
    pub home_witness_added: &'static str,
    pub home_feeling_added: &'static str,
    pub home_lock_now: &'static str,
    /// Wrong PINs since the last look: `{count}` and `{when}` ("Tue 1 Dec at 02:14").
    pub home_wrong_pins: &'static str,
    pub home_wrong_pin_one: &'static str,
    /// When the time of the last one could not be read.
    pub home_wrong_pins_no_time: &'static str,
    pub home_wrong_pins_seen: &'static str,
    pub undo_reason: &'static str,
    pub feelings: [&'static str; 5],

    // Navigation.
    pub nav_checkin: &'static str,
    pub nav_routes: &'static str,
    pub nav_insights: &'static str,
    pub nav_export: &'static str,
    pub nav_settings: &'static str,
    pub nav_risk: &'static str,

    // Export, routes, insights, risk questions (their groups are in sections.rs).
    pub export: ExportWords,
    pub routes: RouteWords,
    pub insights: InsightWords,
    pub risk: RiskWords,
    pub relay: RelayWords,
    pub disguise: DisguiseWords,

    // Check-in.
    pub checkin_title: &'static str,
    pub checkin_running: &'static str,
    pub checkin_due_in: &'static str,
    pub checkin_overdue: &'static str,
    pub checkin_im_safe: &'static str,
    pub checkin_extend: &'static str,
    pub checkin_stop: &'static str,
    pub checkin_safe_done: &'static str,
    pub checkin_cancelled: &'static str,
    pub checkin_extended: &'static str,
    pub checkin_destination: &'static str,
    pub checkin_buddy: &'static str,
    pub checkin_minutes: &'static str,
    pub checkin_grace: &'static str,
    pub checkin_start: &'static str,
    pub checkin_preview: &'static str,
    pub checkin_sms_count: &'static str,
    pub checkin_no_buddy: &'static str,
    pub checkin_ios_compose: &'static str,
    pub ladder_waiting: &'static str,
    pub ladder_reminded: &'static str,
    pub ladder_missed: &'static str,
    pub ladder_alerting: &'static str,
    pub ladder_call_999: &'static str,
    pub ladder_closed: &'static str,
    pub call_999_now: &'static str,
    pub sms_failed: &'static str,
    pub sms_send_yourself: &'static str,
    pub sms_try_again: &'static str,
    /// Beside the phone's question for permission to send texts (asked when a check-in starts).
    pub checkin_sms_reason: &'static str,
    /// The permission was refused: texts open in the messages app instead.
    pub checkin_sms_refused: &'static str,
    pub checkin_no_destination: &'static str,
    pub checkin_add_buddy: &'static str,
    pub checkin_buddy_added: &'static str,
    pub checkin_due_by: &'static str,
    pub checkin_started: &'static str,
    pub checkin_share_location: &'static str,
    pub ladder_plan: &'static str,
    pub ladder_update: &'static str,
    pub ladder_remind_before: &'static str,
    pub ladder_remind_due: &'static str,
    pub ladder_alert: &'static str,
    pub ladder_999: &'static str,
    pub ladder_due_passed: &'static str,

    // Capture (photo, video, a picture or a file already on the phone): the buttons, in order.
    pub add_take_photo: &'static str,
    pub add_record_video: &'static str,
    pub add_from_photos: &'static str,
    pub home_add_file: &'static str,
    pub capture_camera_reason: &'static str,
    pub capture_microphone_reason: &'static str,
    /// Said when the camera opens for a video without sound (the microphone was refused).
    pub capture_video_no_sound: &'static str,
    pub capture_added: &'static str,
    pub video_added: &'static str,
    pub picture_added: &'static str,
    pub file_added: &'static str,
    pub capture_cancelled: &'static str,
    pub video_cancelled: &'static str,
    pub capture_too_large: &'static str,
    pub capture_denied: &'static str,
    pub capture_nothing_to_attach: &'static str,

    // Incidents: list, detail, edit, history.
    pub nav_incidents: &'static str,
    pub incidents_title: &'static str,
    pub incident_title: &'static str,
    pub incident_edit: &'static str,
    pub incident_reason: &'static str,
    pub incident_saved: &'static str,
    pub incident_nothing_changed: &'static str,
    pub incident_remove: &'static str,
    pub incident_remove_warning: &'static str,
    pub incident_removed: &'static str,
    pub evidence_heading: &'static str,
    pub evidence_none: &'static str,
    pub evidence_photo: &'static str,
    pub evidence_picture: &'static str,
    pub evidence_video: &'static str,
    pub evidence_sound: &'static str,
    pub evidence_file: &'static str,
    pub history_heading: &'static str,
    pub history_created: &'static str,
    pub history_changed: &'static str,
    pub history_reason: &'static str,
    pub field_note: &'static str,
    pub field_kind: &'static str,
    pub field_time: &'static str,
    pub field_place: &'static str,
    pub field_witnesses: &'static str,
    pub field_feeling: &'static str,
    pub field_other: &'static str,

    // Settings.
    pub settings_change_pin: &'static str,
    pub settings_set_duress: &'static str,
    pub settings_remove_duress: &'static str,
    pub settings_current_pin: &'static str,
    pub settings_new_pin: &'static str,
    pub settings_confirm_pin: &'static str,
    pub settings_new_duress: &'static str,
    pub settings_confirm_duress: &'static str,
    pub settings_wrong_pin: &'static str,
    pub settings_pin_changed: &'static str,
    pub settings_duress_set: &'static str,
    pub settings_duress_removed: &'static str,
    pub settings_saved: &'static str,
    pub settings_auto_lock: &'static str,
    pub settings_auto_lock_now: &'static str,
    pub settings_auto_lock_after: &'static str,
    pub settings_region: &'static str,
    pub settings_recovery_title: &'static str,
    pub settings_recovery_body: &'static str,
    pub settings_erase: &'static str,
    pub settings_erase_body: &'static str,
    pub settings_erase_off: &'static str,
    pub settings_erase_after: &'static str,
    pub settings_erase_confirm: &'static str,
    pub settings_erase_confirm_yes: &'static str,
    pub settings_erase_confirm_no: &'static str,
    pub settings_erase_on: &'static str,
    pub settings_erase_turned_off: &'static str,
    pub settings_duress_alert: &'static str,
    pub settings_duress_alert_body: &'static str,
    pub settings_duress_alert_unavailable: &'static str,
    pub settings_duress_alert_reason: &'static str,
    pub settings_duress_alert_on: &'static str,
    pub settings_duress_alert_off: &'static str,
    /// First run, after the wrong PIN that erased the vault as its settings asked.
    pub lock_erased: &'static str,

    // Notifications: seen on a lock screen by anyone, so never a place, a name or a note.
    pub notify_title: &'static str,
    pub notify_reminder: &'static str,
    /// Shortly before a check-in is due.
    pub notify_reminder_soon: &'static str,
    pub notify_missed: &'static str,
    pub notify_call_999: &'static str,
    pub notify_undo: &'static str,

    // Errors shown on any screen.
    pub error_invalid: &'static str,
    pub error_storage: &'static str,
    pub error_integrity: &'static str,
    pub error_not_found: &'static str,
    pub error_locked: &'static str,
    pub error_generic: &'static str,
    pub error_cancelled: &'static str,

    pub kinds: KindLabels,
}

impl Strings {
    pub fn kind(&self, kind: IncidentKind) -> &'static str {
        let k = &self.kinds;
        match kind {
            IncidentKind::Followed => k.followed,
            IncidentKind::Watching => k.watching,
            IncidentKind::TurnedUpHome => k.turned_up_home,
            IncidentKind::TurnedUpWork => k.turned_up_work,
            IncidentKind::TurnedUpSchool => k.turned_up_school,
            IncidentKind::UnwantedContact => k.unwanted_contact,
            IncidentKind::GiftsLeft => k.gifts_left,
            IncidentKind::PropertyDamage => k.property_damage,
            IncidentKind::Threats => k.threats,
            IncidentKind::ContactingOthers => k.contacting_others,
            IncidentKind::OnlineAccounts => k.online_accounts,
            IncidentKind::Impersonation => k.impersonation,
            IncidentKind::TrackerSuspected => k.tracker_suspected,
            IncidentKind::Other => k.other,
        }
    }

    /// 1 (uneasy) to 5 (in fear of violence), the core's scale.
    pub fn feeling(&self, level: u8) -> &'static str {
        let i = usize::from(level.clamp(1, 5)) - 1;
        self.feelings[i]
    }
}

/// The table for a language code ("en", "en-GB"); English when there is none yet.
pub fn for_language(_code: &str) -> &'static Strings {
    &EN
}

/// Puts values into a template's `{name}` blanks.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_puts_every_value_in_and_leaves_unknown_blanks_visible() {
        assert_eq!(
            fill("wait {s} s, {who}", &[("s", "30")]),
            "wait 30 s, {who}"
        );
    }

    /// The app may wear a disguise (another name and icon): what shows before the PIN, on the
    /// home screen someone glances at, and on the phone's lock screen never names it.
    #[test]
    fn words_seen_without_the_pin_do_not_name_the_app() {
        for (what, text) in [
            ("lock_title", EN.lock_title),
            ("lock_prompt", EN.lock_prompt),
            ("home_title", EN.home_title),
            ("notify_title", EN.notify_title),
            ("notify_reminder", EN.notify_reminder),
            ("notify_reminder_soon", EN.notify_reminder_soon),
            ("notify_missed", EN.notify_missed),
            ("notify_call_999", EN.notify_call_999),
            ("error_locked", EN.error_locked),
            ("relay.lock_not_told", EN.relay.lock_not_told),
            ("relay.already_alerted", EN.relay.already_alerted),
        ] {
            assert!(
                !text.to_lowercase().contains(&EN.app_name.to_lowercase()),
                "{what} names the app: {text}"
            );
        }
    }

    #[test]
    fn every_kind_has_a_label_and_labels_differ() {
        let mut seen = std::collections::BTreeSet::new();
        for k in IncidentKind::ALL {
            let l = EN.kind(k);
            assert!(!l.is_empty());
            assert!(seen.insert(l), "{l} used twice");
        }
    }
}
