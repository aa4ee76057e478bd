//! Trusted contacts: the people who hold a check-in plan (buddies) or are called in an
//! emergency. Phone numbers are validated and kept in E.164 so the shell can hand them to
//! the phone's own SMS app or dialler without guessing.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Receives check-in plans and alerts.
    Buddy,
    /// Someone to call in an emergency.
    Emergency,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Buddy => "buddy",
            Role::Emergency => "emergency",
        }
    }
    pub fn parse(s: &str) -> Result<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "buddy" => Ok(Role::Buddy),
            "emergency" | "emergency-contact" => Ok(Role::Emergency),
            _ => Err(Error::invalid("role", "use buddy or emergency")),
        }
    }
}

/// A phone number in E.164 form: '+', country code, national number, 8 to 15 digits in all.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// How numbers are written at home in a region: enough to turn a national number into E.164.
struct Dialling {
    code: &'static str,
    country_code: &'static str,
    /// Dropped from national numbers ("0" in the UK); None where numbers have no trunk prefix.
    trunk: Option<&'static str>,
    /// International call prefix ("00", "011").
    international: &'static str,
    /// Allowed lengths of the national significant number (after the trunk prefix).
    nsn_len: (usize, usize),
}

const DIALLING: &[Dialling] = &[
    Dialling {
        code: "GB",
        country_code: "44",
        trunk: Some("0"),
        international: "00",
        nsn_len: (9, 10),
    },
    Dialling {
        code: "IE",
        country_code: "353",
        trunk: Some("0"),
        international: "00",
        nsn_len: (7, 9),
    },
    Dialling {
        code: "FR",
        country_code: "33",
        trunk: Some("0"),
        international: "00",
        nsn_len: (9, 9),
    },
    Dialling {
        code: "DE",
        country_code: "49",
        trunk: Some("0"),
        international: "00",
        nsn_len: (6, 13),
    },
    Dialling {
        code: "NL",
        country_code: "31",
        trunk: Some("0"),
        international: "00",
        nsn_len: (9, 9),
    },
    Dialling {
        code: "ES",
        country_code: "34",
        trunk: None,
        international: "00",
        nsn_len: (9, 9),
    },
    Dialling {
        code: "US",
        country_code: "1",
        trunk: Some("1"),
        international: "011",
        nsn_len: (10, 10),
    },
    Dialling {
        code: "CA",
        country_code: "1",
        trunk: Some("1"),
        international: "011",
        nsn_len: (10, 10),
    },
    Dialling {
        code: "AU",
        country_code: "61",
        trunk: Some("0"),
        international: "0011",
        nsn_len: (9, 9),
    },
    Dialling {
        code: "NZ",
        country_code: "64",
        trunk: Some("0"),
        international: "00",
        nsn_len: (8, 10),
    },
];

fn dialling(region: &str) -> Result<&'static Dialling> {
    DIALLING
        .iter()
        .find(|d| d.code.eq_ignore_ascii_case(region.trim()))
        .ok_or_else(|| {
            Error::invalid(
                "region",
                "unknown region; enter the number with + and its country code",
            )
        })
}

impl PhoneNumber {
    /// Parse a number as a person would type it. National numbers are read in `region`
    /// (ISO 3166 code such as "GB"): "07700 900123" becomes "+447700900123".
    pub fn parse(input: &str, region: &str) -> Result<PhoneNumber> {
        let bad = |reason: &str| Error::invalid("phone", reason);
        // "+44 (0)7700 900123": the "(0)" is a trunk prefix that must not be dialled.
        let cleaned = input.trim().replace("(0)", "");
        let mut digits = String::new();
        let mut plus = false;
        for (i, c) in cleaned.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => plus = true,
                ' ' | '-' | '.' | '(' | ')' | '/' | '\u{00A0}' => {}
                _ => return Err(bad("use only digits, spaces and a leading +")),
            }
        }
        if digits.is_empty() {
            return Err(bad("the number is empty"));
        }
        let e164 = if plus {
            digits
        } else {
            let home = dialling(region)?;
            if let Some(rest) = digits.strip_prefix(home.international) {
                rest.to_string()
            } else {
                let nsn: &str = match home.trunk {
                    // North America: a leading 1 is the trunk prefix only on 11-digit numbers.
                    Some(t) if home.country_code == "1" => match digits.len() {
                        11 => digits.strip_prefix(t).unwrap_or(&digits),
                        _ => &digits,
                    },
                    Some(t) => digits.strip_prefix(t).unwrap_or(&digits),
                    None => &digits,
                };
                if nsn.len() < home.nsn_len.0 {
                    return Err(bad("the number is too short; enter the full number"));
                }
                if nsn.len() > home.nsn_len.1 {
                    return Err(bad("the number is too long"));
                }
                format!("{}{}", home.country_code, nsn)
            }
        };
        Self::check_e164(&e164)?;
        Ok(PhoneNumber(format!("+{e164}")))
    }

    fn check_e164(digits: &str) -> Result<()> {
        let bad = |reason: &str| Error::invalid("phone", reason);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("use only digits, spaces and a leading +"));
        }
        if digits.starts_with('0') {
            return Err(bad("a country code never starts with 0"));
        }
        if digits.len() < 8 {
            return Err(bad(
                "the number is too short; emergency and short numbers cannot be a contact",
            ));
        }
        if digits.len() > 15 {
            return Err(bad("the number is too long"));
        }
        // Numbers we know the shape of get a length check too (+44 then 9 or 10 digits).
        if let Some((d, nsn)) = DIALLING
            .iter()
            .find_map(|d| digits.strip_prefix(d.country_code).map(|n| (d, n)))
        {
            let uk_mobile_short = d.code == "GB" && nsn.starts_with('7') && nsn.len() != 10;
            let trunk_kept = d.trunk.is_some() && nsn.starts_with('0');
            if nsn.len() < d.nsn_len.0 || nsn.len() > d.nsn_len.1 || uk_mobile_short || trunk_kept {
                return Err(bad(
                    "that number has the wrong number of digits for its country",
                ));
            }
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = Error;
    /// Only accepts the stored E.164 form.
    fn try_from(s: String) -> Result<Self> {
        let digits = s
            .strip_prefix('+')
            .ok_or_else(|| Error::invalid("phone", "not in E.164 form"))?;
        Self::check_e164(digits)?;
        Ok(PhoneNumber(s))
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

/// A trusted contact as stored in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: String,
    pub name: String,
    pub phone: PhoneNumber,
    pub relationship: Option<String>,
    pub roles: BTreeSet<Role>,
    pub added_at: DateTime<Utc>,
}

/// What the person typed; `validate` turns it into a contact.
#[derive(Debug, Clone, Default)]
pub struct NewContact {
    pub name: String,
    pub phone: String,
    pub relationship: Option<String>,
    pub roles: Vec<Role>,
    /// Region national numbers are read in (ISO code, "GB" when empty).
    pub region: String,
}

/// Trim, refuse control characters and over-long text. The value never appears in the error.
pub(crate) fn clean_text(field: &str, value: &str, max_chars: usize) -> Result<String> {
    let v = value.trim();
    if v.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(
            field,
            "must be a single line without control characters",
        ));
    }
    if v.chars().count() > max_chars {
        return Err(Error::invalid(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(v.to_string())
}

impl NewContact {
    pub fn validate(&self, id: String, now: DateTime<Utc>) -> Result<Contact> {
        let name = clean_text("name", &self.name, 80)?;
        if name.is_empty() {
            return Err(Error::invalid("name", "a name is needed"));
        }
        let region = if self.region.trim().is_empty() {
            "GB"
        } else {
            self.region.as_str()
        };
        let phone = PhoneNumber::parse(&self.phone, region)?;
        let relationship = match &self.relationship {
            Some(r) => Some(clean_text("relationship", r, 40)?).filter(|r| !r.is_empty()),
            None => None,
        };
        let mut roles: BTreeSet<Role> = self.roles.iter().copied().collect();
        if roles.is_empty() {
            roles.insert(Role::Buddy);
        }
        Ok(Contact {
            id,
            name,
            phone,
            relationship,
            roles,
            added_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb(s: &str) -> Result<String> {
        PhoneNumber::parse(s, "GB").map(|p| p.0)
    }

    #[test]
    fn uk_numbers_in_every_usual_spelling_become_e164() {
        for s in [
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0044 7700 900123",
            "+44-7700-900-123",
            "(07700) 900123",
        ] {
            assert_eq!(gb(s).unwrap(), "+447700900123", "{s}");
        }
        assert_eq!(gb("020 7946 0018").unwrap(), "+442079460018");
    }

    #[test]
    fn other_regions_and_international_numbers() {
        assert_eq!(
            PhoneNumber::parse("(415) 555-2671", "US").unwrap().as_str(),
            "+14155552671"
        );
        assert_eq!(
            PhoneNumber::parse("1 415 555 2671", "US").unwrap().as_str(),
            "+14155552671"
        );
        assert_eq!(
            PhoneNumber::parse("011 44 7700 900123", "US")
                .unwrap()
                .as_str(),
            "+447700900123"
        );
        assert_eq!(
            PhoneNumber::parse("0412 345 678", "AU").unwrap().as_str(),
            "+61412345678"
        );
        assert_eq!(
            PhoneNumber::parse("+33 6 12 34 56 78", "GB")
                .unwrap()
                .as_str(),
            "+33612345678"
        );
        assert_eq!(
            PhoneNumber::parse("612 345 678", "ES").unwrap().as_str(),
            "+34612345678"
        );
    }

    #[test]
    fn bad_numbers_are_refused_with_reasons_that_do_not_echo_the_input() {
        for s in [
            "",
            "999",
            "112",
            "0770090012",
            "077009001234",
            "+44 7700 90012x",
            "07700 900123 ext 5",
            "+0123456789",
            "+44 07700 900123",
            "+4477009001234567",
        ] {
            let err = gb(s).unwrap_err();
            assert!(
                matches!(err, Error::InvalidInput { ref field, .. } if field == "phone"),
                "{s}: {err}"
            );
            let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
            if digits.len() > 3 {
                assert!(!err.to_string().contains(&digits), "{err}");
            }
        }
        assert!(PhoneNumber::parse("07700 900123", "XX").is_err());
    }

    #[test]
    fn stored_form_round_trips_and_rejects_non_e164() {
        let p = PhoneNumber::parse("07700 900123", "GB").unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"+447700900123\"");
        assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), p);
        assert!(serde_json::from_str::<PhoneNumber>("\"07700900123\"").is_err());
    }

    #[test]
    fn contact_validation() {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let c = NewContact {
            name: "  Sam  ".into(),
            phone: "07700 900123".into(),
            relationship: Some("sister".into()),
            roles: vec![],
            region: String::new(),
        }
        .validate("c1".into(), now)
        .unwrap();
        assert_eq!(c.name, "Sam");
        assert_eq!(c.phone.as_str(), "+447700900123");
        assert_eq!(c.roles, BTreeSet::from([Role::Buddy]));
        let empty = NewContact {
            name: " ".into(),
            phone: "07700 900123".into(),
            ..Default::default()
        };
        assert!(empty.validate("c2".into(), now).is_err());
        let ctl = NewContact {
            name: "Sam\nEvil".into(),
            phone: "07700 900123".into(),
            ..Default::default()
        };
        assert!(ctl.validate("c3".into(), now).is_err());
        assert_eq!(Role::parse("Emergency").unwrap(), Role::Emergency);
        assert!(Role::parse("boss").is_err());
    }
}
