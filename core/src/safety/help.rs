//! The help directory, as data the shells render with one-tap actions.
//!
//! The region is whatever the person chose (default UK); it is never looked up from the
//! phone's location. Apps cannot place an emergency call themselves: the shell hands
//! `dial` to the phone's own dialler, which also sends the caller's location to the
//! emergency service (Advanced Mobile Location).

use crate::error::{Error, Result};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HelpKind {
    Emergency,
    Police,
    Helpline,
    EmotionalSupport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HelpEntry {
    pub id: &'static str,
    pub name: &'static str,
    /// As people write it.
    pub number: &'static str,
    /// What to hand to the dialler (`tel:` URL / ACTION_DIAL): digits only.
    pub dial: &'static str,
    pub kind: HelpKind,
    /// When it answers.
    pub hours: &'static str,
    pub what_for: &'static str,
    /// Things to know before calling (silent calls, texting).
    pub notes: &'static [&'static str],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
    pub emergency_number: &'static str,
    /// What to do if you cannot speak on an emergency call, where the region has a scheme.
    pub silent_call_hint: Option<&'static str>,
    pub entries: &'static [HelpEntry],
}

const UK_SILENT: &str = "If you can't speak, stay on the line and press 55 when prompted.";

const UK: &[HelpEntry] = &[
    HelpEntry {
        id: "emergency",
        name: "Police, ambulance, fire",
        number: "999",
        dial: "999",
        kind: HelpKind::Emergency,
        hours: "Any time",
        what_for: "Call 999 if you ever feel in danger, or a crime is happening now. 112 works too.",
        notes: &[
            "The Silent Solution: if you can't speak on a 999 call from a mobile, stay on the line, listen to the questions, and press 55 when prompted. The operator will then know you need help.",
            "If you are deaf, hard of hearing or speech-impaired, register for emergencySMS beforehand by texting \"register\" to 999. You can then text 999 in an emergency.",
        ],
    },
    HelpEntry {
        id: "police-non-emergency",
        name: "Police (non-emergency)",
        number: "101",
        dial: "101",
        kind: HelpKind::Police,
        hours: "Any time",
        what_for: "Report stalking or harassment that is not happening right now, or add to a report you made.",
        notes: &["Ask for a crime reference number and write it in your log."],
    },
    HelpEntry {
        id: "stalking-helpline",
        name: "National Stalking Helpline",
        number: "0808 802 0300",
        dial: "08088020300",
        kind: HelpKind::Helpline,
        hours: "Weekdays, daytime (check current hours on the Suzy Lamplugh Trust website)",
        what_for: "Free, confidential advice for anyone affected by stalking, including what to do next and how to report it.",
        notes: &["Calls are free from landlines and mobiles."],
    },
    HelpEntry {
        id: "domestic-abuse-helpline",
        name: "National Domestic Abuse Helpline",
        number: "0808 2000 247",
        dial: "08082000247",
        kind: HelpKind::Helpline,
        hours: "Any time",
        what_for: "Free support if the person stalking you is a partner or ex-partner.",
        notes: &[],
    },
    HelpEntry {
        id: "samaritans",
        name: "Samaritans",
        number: "116 123",
        dial: "116123",
        kind: HelpKind::EmotionalSupport,
        hours: "Any time",
        what_for: "Someone to talk to about anything, whenever you need it.",
        notes: &["Free from any phone."],
    },
];

const EU: &[HelpEntry] = &[HelpEntry {
    id: "emergency",
    name: "Emergency services",
    number: "112",
    dial: "112",
    kind: HelpKind::Emergency,
    hours: "Any time",
    what_for: "The emergency number in every EU country. Call if you are in danger.",
    notes: &["Add your country's helplines in settings."],
}];

const IE: &[HelpEntry] = &[
    HelpEntry {
        id: "emergency",
        name: "Emergency services",
        number: "112 or 999",
        dial: "112",
        kind: HelpKind::Emergency,
        hours: "Any time",
        what_for: "Call if you are in danger or a crime is happening now.",
        notes: &[],
    },
    HelpEntry {
        id: "samaritans",
        name: "Samaritans",
        number: "116 123",
        dial: "116123",
        kind: HelpKind::EmotionalSupport,
        hours: "Any time",
        what_for: "Someone to talk to about anything, whenever you need it.",
        notes: &[],
    },
];

const US: &[HelpEntry] = &[
    HelpEntry {
        id: "emergency",
        name: "Emergency services",
        number: "911",
        dial: "911",
        kind: HelpKind::Emergency,
        hours: "Any time",
        what_for: "Call if you are in danger or a crime is happening now.",
        notes: &["In many areas you can text 911 if you cannot speak."],
    },
    HelpEntry {
        id: "victimconnect",
        name: "VictimConnect Resource Center",
        number: "1-855-484-2846",
        dial: "18554842846",
        kind: HelpKind::Helpline,
        hours: "Check current hours",
        what_for: "Confidential help for victims of crime, including stalking.",
        notes: &[],
    },
    HelpEntry {
        id: "domestic-violence-hotline",
        name: "National Domestic Violence Hotline",
        number: "1-800-799-7233",
        dial: "18007997233",
        kind: HelpKind::Helpline,
        hours: "Any time",
        what_for: "Support if the person stalking you is a partner or ex-partner.",
        notes: &[],
    },
    HelpEntry {
        id: "988",
        name: "988 Suicide & Crisis Lifeline",
        number: "988",
        dial: "988",
        kind: HelpKind::EmotionalSupport,
        hours: "Any time",
        what_for: "Call or text 988 to talk to someone.",
        notes: &[],
    },
];

const CA: &[HelpEntry] = &[
    HelpEntry {
        id: "emergency",
        name: "Emergency services",
        number: "911",
        dial: "911",
        kind: HelpKind::Emergency,
        hours: "Any time",
        what_for: "Call if you are in danger or a crime is happening now.",
        notes: &[],
    },
    HelpEntry {
        id: "988",
        name: "9-8-8 Suicide Crisis Helpline",
        number: "988",
        dial: "988",
        kind: HelpKind::EmotionalSupport,
        hours: "Any time",
        what_for: "Call or text 988 to talk to someone.",
        notes: &[],
    },
];

const AU: &[HelpEntry] = &[
    HelpEntry {
        id: "emergency",
        name: "Police, ambulance, fire",
        number: "000",
        dial: "000",
        kind: HelpKind::Emergency,
        hours: "Any time",
        what_for: "Call if you are in danger or a crime is happening now. 112 also works from mobiles.",
        notes: &[],
    },
    HelpEntry {
        id: "police-non-emergency",
        name: "Police Assistance Line",
        number: "131 444",
        dial: "131444",
        kind: HelpKind::Police,
        hours: "Any time",
        what_for: "Report something that is not happening right now.",
        notes: &[],
    },
    HelpEntry {
        id: "1800respect",
        name: "1800RESPECT",
        number: "1800 737 732",
        dial: "1800737732",
        kind: HelpKind::Helpline,
        hours: "Any time",
        what_for: "Support for anyone affected by family, domestic or sexual violence, including stalking.",
        notes: &[],
    },
    HelpEntry {
        id: "lifeline",
        name: "Lifeline",
        number: "13 11 14",
        dial: "131114",
        kind: HelpKind::EmotionalSupport,
        hours: "Any time",
        what_for: "Someone to talk to in a crisis.",
        notes: &[],
    },
];

const NZ: &[HelpEntry] = &[
    HelpEntry {
        id: "emergency",
        name: "Police, ambulance, fire",
        number: "111",
        dial: "111",
        kind: HelpKind::Emergency,
        hours: "Any time",
        what_for: "Call if you are in danger or a crime is happening now.",
        notes: &[],
    },
    HelpEntry {
        id: "police-non-emergency",
        name: "Police (non-emergency)",
        number: "105",
        dial: "105",
        kind: HelpKind::Police,
        hours: "Any time",
        what_for: "Report something that is not happening right now.",
        notes: &[],
    },
    HelpEntry {
        id: "1737",
        name: "Need to talk? 1737",
        number: "1737",
        dial: "1737",
        kind: HelpKind::EmotionalSupport,
        hours: "Any time",
        what_for: "Call or text 1737 to talk to a trained counsellor.",
        notes: &[],
    },
];

pub const REGIONS: &[Region] = &[
    Region {
        code: "GB",
        name: "United Kingdom",
        emergency_number: "999",
        silent_call_hint: Some(UK_SILENT),
        entries: UK,
    },
    Region {
        code: "IE",
        name: "Ireland",
        emergency_number: "112",
        silent_call_hint: None,
        entries: IE,
    },
    Region {
        code: "EU",
        name: "European Union (other)",
        emergency_number: "112",
        silent_call_hint: None,
        entries: EU,
    },
    Region {
        code: "US",
        name: "United States",
        emergency_number: "911",
        silent_call_hint: None,
        entries: US,
    },
    Region {
        code: "CA",
        name: "Canada",
        emergency_number: "911",
        silent_call_hint: None,
        entries: CA,
    },
    Region {
        code: "AU",
        name: "Australia",
        emergency_number: "000",
        silent_call_hint: None,
        entries: AU,
    },
    Region {
        code: "NZ",
        name: "New Zealand",
        emergency_number: "111",
        silent_call_hint: None,
        entries: NZ,
    },
];

pub const DEFAULT_REGION: &str = "GB";

/// The directory for a region the person chose. "UK" is accepted for "GB".
pub fn directory(code: &str) -> Result<&'static Region> {
    let code = code.trim();
    let code = if code.eq_ignore_ascii_case("UK") {
        "GB"
    } else {
        code
    };
    REGIONS
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code))
        .ok_or_else(|| {
            Error::invalid(
                "region",
                format!(
                    "unknown region; choose one of {}",
                    region_codes().join(", ")
                ),
            )
        })
}

pub fn region_codes() -> Vec<&'static str> {
    REGIONS.iter().map(|r| r.code).collect()
}

/// A helpline the person added themselves (a local service, their support worker's line).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomHelpEntry {
    pub id: String,
    pub name: String,
    /// As the person wrote it.
    pub number: String,
    /// What to hand to the dialler: digits, with a leading + if given.
    pub dial: String,
    pub what_for: Option<String>,
}

impl CustomHelpEntry {
    /// Check what the person typed. Short codes (e.g. 116 123) are allowed here, unlike contacts.
    pub fn new(
        id: String,
        name: &str,
        number: &str,
        what_for: Option<&str>,
    ) -> Result<CustomHelpEntry> {
        let name = super::contacts::clean_text("name", name, 80)?;
        if name.is_empty() {
            return Err(Error::invalid("name", "a name is needed"));
        }
        let number = super::contacts::clean_text("number", number, 30)?;
        let mut dial = String::new();
        for (i, c) in number.chars().enumerate() {
            match c {
                '0'..='9' => dial.push(c),
                '+' if i == 0 => dial.push(c),
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => {
                    return Err(Error::invalid(
                        "number",
                        "use only digits, spaces and a leading +",
                    ))
                }
            }
        }
        let digits = dial.trim_start_matches('+').len();
        if !(3..=15).contains(&digits) {
            return Err(Error::invalid("number", "must have 3 to 15 digits"));
        }
        let what_for = match what_for {
            Some(w) => {
                Some(super::contacts::clean_text("what_for", w, 200)?).filter(|w| !w.is_empty())
            }
            None => None,
        };
        Ok(CustomHelpEntry {
            id,
            name,
            number,
            dial,
            what_for,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_directory_has_the_advice_numbers_and_the_silent_solution() {
        let uk = directory("uk").unwrap();
        assert_eq!(uk.code, "GB");
        assert_eq!(uk.emergency_number, "999");
        let numbers: Vec<&str> = uk.entries.iter().map(|e| e.number).collect();
        for n in ["999", "101", "0808 802 0300", "116 123"] {
            assert!(numbers.contains(&n), "{n} missing");
        }
        let e999 = &uk.entries[0];
        assert!(e999
            .notes
            .iter()
            .any(|n| n.contains("stay on the line") && n.contains("press 55")));
        assert!(e999
            .notes
            .iter()
            .any(|n| n.contains("emergencySMS") && n.contains("register")));
        assert!(uk.silent_call_hint.unwrap().contains("55"));
    }

    #[test]
    fn custom_entries_are_checked() {
        let e = CustomHelpEntry::new(
            "h1".into(),
            " Local IDVA ",
            "+44 (20) 7946-0999",
            Some("Tuesdays"),
        )
        .unwrap();
        assert_eq!(
            (e.name.as_str(), e.dial.as_str()),
            ("Local IDVA", "+442079460999")
        );
        assert_eq!(
            CustomHelpEntry::new("h2".into(), "Line", "116 123", None)
                .unwrap()
                .dial,
            "116123"
        );
        assert!(CustomHelpEntry::new("h3".into(), "", "116123", None).is_err());
        assert!(CustomHelpEntry::new("h3".into(), "x", "12", None).is_err());
        assert!(CustomHelpEntry::new("h3".into(), "x", "call 0800", None).is_err());
        assert!(CustomHelpEntry::new("h3".into(), "x", "1234567890123456", None).is_err());
    }

    #[test]
    fn other_regions_and_dial_strings_are_well_formed() {
        assert_eq!(directory("US").unwrap().emergency_number, "911");
        assert_eq!(directory("ca").unwrap().emergency_number, "911");
        assert_eq!(directory("AU").unwrap().emergency_number, "000");
        assert_eq!(directory("EU").unwrap().emergency_number, "112");
        assert!(directory("XX").is_err());
        for r in REGIONS {
            assert_eq!(r.entries[0].kind, HelpKind::Emergency, "{}", r.code);
            assert_eq!(r.entries[0].dial, r.emergency_number, "{}", r.code);
            for e in r.entries {
                assert!(
                    !e.dial.is_empty() && e.dial.bytes().all(|b| b.is_ascii_digit()),
                    "{} {}",
                    r.code,
                    e.id
                );
                let digits: String = e.number.chars().filter(char::is_ascii_digit).collect();
                assert!(
                    digits.starts_with(e.dial) || e.dial.starts_with(&digits),
                    "{} {}",
                    r.code,
                    e.id
                );
            }
        }
    }
}
