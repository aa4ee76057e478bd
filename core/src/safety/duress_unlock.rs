//! The silent alert on a duress unlock (issue 15): if the person chose it, opening Waymark with
//! the duress PIN texts every buddy "I had to unlock my phone under pressure", unseen, once per
//! such unlock. Nothing on the decoy's screens differs.
//!
//! The texts are written while the real vault is open (it knows the buddies and the region's
//! emergency number) and sealed to the device (`vault::duress_alert`), because a decoy session
//! holds no key of the real store. They are written again whenever the real vault's contacts
//! change, so they go to the buddies of the moment. Turning it on with no buddy is refused.
//!
//! In a decoy session the choice is the decoy's own (kept in its database, as a real vault's
//! choice looks on screen): the decoy has no buddies of the real record, and must never change
//! the real alert. Someone exploring the decoy's settings sees a working switch.

use super::checkin::{Event, EventKind, Recipient};
use super::contacts::Role;
use super::messages;
use super::sms::sms_length;
use super::store::Safety;
use crate::error::{Error, Result};
use crate::vault::random_id;
use serde::{Deserialize, Serialize};

const FORMAT: u32 = 1;
/// The decoy's own choice, in its `safety_settings`.
pub(crate) const DECOY_SETTING: &str = "duress_unlock_alert";

/// What is sealed: one text per buddy.
#[derive(Serialize, Deserialize)]
struct Sealed {
    v: u32,
    texts: Vec<Text>,
}

#[derive(Serialize, Deserialize)]
struct Text {
    name: String,
    phone: String,
    text: String,
}

impl Safety<'_> {
    /// Whether opening Waymark with the duress PIN alerts the buddies (as this store sees it).
    pub fn duress_unlock_alert(&self) -> Result<bool> {
        if self.vault().opened_with_duress()? {
            return Ok(self.setting(DECOY_SETTING)?.as_deref() == Some("on"));
        }
        Ok(!self.vault().read_duress_alert()?.is_empty())
    }

    /// Turns the duress-unlock alert on (texts to every buddy, written now) or off. On needs at
    /// least one buddy.
    pub fn set_duress_unlock_alert(&self, on: bool) -> Result<()> {
        if on && self.buddies(&[]).is_err() {
            return Err(Error::invalid(
                "buddies",
                "you have no buddy yet; add a contact as a buddy first",
            ));
        }
        if self.vault().opened_with_duress()? {
            return self.set_setting(DECOY_SETTING, if on { "on" } else { "off" });
        }
        if on {
            self.seal_duress_unlock_alert()
        } else {
            self.vault().write_duress_alert(b"")
        }
    }

    /// After the real vault's contacts changed: the sealed texts follow (only when it is on).
    pub(crate) fn refresh_duress_unlock_alert(&self) -> Result<()> {
        if self.vault().opened_with_duress()? || self.vault().read_duress_alert()?.is_empty() {
            return Ok(());
        }
        self.seal_duress_unlock_alert()
    }

    fn seal_duress_unlock_alert(&self) -> Result<()> {
        let number = self.region()?.emergency_number;
        let text = messages::duress_unlock_alert(number);
        let texts = self
            .contacts()?
            .into_iter()
            .filter(|c| c.roles.contains(&Role::Buddy))
            .map(|c| Text {
                name: c.name,
                phone: c.phone.to_string(),
                text: text.clone(),
            })
            .collect();
        let payload = zeroize::Zeroizing::new(
            serde_json::to_vec(&Sealed { v: FORMAT, texts })
                .map_err(|_| Error::storage("could not encode the emergency PIN alert"))?,
        );
        self.vault().write_duress_alert(&payload)
    }

    /// Call after every unlock, whichever PIN: the texts due now. After an unlock with the
    /// duress PIN, when the person chose the alert, one silent alert per buddy (the first call
    /// of that session only); otherwise nothing. Every call reads the sealed record, so both
    /// kinds of unlock do the same work.
    pub fn take_unlock_alert(&self) -> Result<Vec<Event>> {
        let due = self.vault().take_duress_unlock()?;
        let payload = self.vault().read_duress_alert()?;
        if !due || payload.is_empty() {
            return Ok(Vec::new());
        }
        let sealed: Sealed = serde_json::from_slice(&payload)
            .map_err(|_| Error::integrity("the emergency PIN alert is unreadable"))?;
        if sealed.v != FORMAT {
            return Err(Error::integrity(
                "the emergency PIN alert was written by a newer Waymark",
            ));
        }
        // Ids as a duress check-in's alert ("<id>/urgent/b<n>"): shells treat both alike,
        // sent only unseen and a failure never shown.
        let id = hex::encode(random_id()?);
        let now = self.vault().now();
        Ok(sealed
            .texts
            .into_iter()
            .enumerate()
            .map(|(index, t)| Event {
                id: format!("{id}/urgent/b{index}"),
                checkin_id: id.clone(),
                kind: EventKind::Alert,
                due_at: now,
                sms: Some(sms_length(&t.text)),
                to: Recipient::Buddy {
                    index,
                    name: t.name,
                    phone: t.phone,
                },
                text: t.text,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::safety::contacts::NewContact;
    use crate::vault::{CreateOptions, Vault};
    use chrono::TimeZone;
    use std::sync::Arc;

    const PIN: &str = "246810";
    const DURESS: &str = "975310";

    fn buddy(name: &str, phone: &str) -> NewContact {
        NewContact {
            name: name.into(),
            phone: phone.into(),
            relationship: None,
            roles: vec![Role::Buddy],
            region: "GB".into(),
        }
    }

    /// A vault with one buddy and a duress PIN, open with the PIN.
    fn vault(dir: &std::path::Path) -> Vault {
        let clock = Arc::new(ManualClock::new(
            chrono::Utc
                .with_ymd_and_hms(2026, 11, 25, 18, 0, 0)
                .unwrap(),
        ));
        let (v, _) = Vault::create(dir, PIN, CreateOptions::for_tests(clock)).unwrap();
        v.set_duress_secret(PIN, DURESS).unwrap();
        Safety::new(&v)
            .add_contact(buddy("Sam", "07700 900123"))
            .unwrap();
        v
    }

    fn unlock_and_take(v: &Vault, pin: &str) -> Vec<Event> {
        v.lock();
        v.unlock(pin).unwrap();
        Safety::new(v).take_unlock_alert().unwrap()
    }

    #[test]
    fn off_by_default_no_unlock_alerts_anyone() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        assert!(!Safety::new(&v).duress_unlock_alert().unwrap());
        assert!(unlock_and_take(&v, DURESS).is_empty());
        assert!(unlock_and_take(&v, PIN).is_empty());
    }

    #[test]
    fn on_the_duress_unlock_alerts_every_buddy_once_and_the_real_unlock_never() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let s = Safety::new(&v);
        s.add_contact(buddy("Ali", "07700 900456")).unwrap();
        s.set_duress_unlock_alert(true).unwrap();
        assert!(s.duress_unlock_alert().unwrap());
        assert!(unlock_and_take(&v, PIN).is_empty());
        let sent = unlock_and_take(&v, DURESS);
        assert_eq!(sent.len(), 2, "{sent:?}");
        let to: Vec<String> = sent
            .iter()
            .map(|e| match &e.to {
                Recipient::Buddy { phone, .. } => phone.clone(),
                Recipient::User => panic!("to the person"),
            })
            .collect();
        assert_eq!(to, ["+447700900123", "+447700900456"]);
        for e in &sent {
            assert!(e.is_silent_alert(), "{}", e.id);
            assert_eq!(e.text, messages::duress_unlock_alert("999"));
            assert!(e.text.contains("I had to unlock my phone under pressure"));
        }
        // Once per unlock: asking again in the same session gives nothing.
        assert!(Safety::new(&v).take_unlock_alert().unwrap().is_empty());
        // The next duress unlock alerts again, with new ids.
        let again = unlock_and_take(&v, DURESS);
        assert_eq!(again.len(), 2);
        assert_ne!(again[0].id, sent[0].id);
        assert!(unlock_and_take(&v, PIN).is_empty());
    }

    #[test]
    fn the_texts_follow_the_buddies_and_off_is_off() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let s = Safety::new(&v);
        s.set_duress_unlock_alert(true).unwrap();
        s.add_contact(buddy("Ali", "07700 900456")).unwrap();
        s.remove_contact("Sam").unwrap();
        let sent = unlock_and_take(&v, DURESS);
        assert_eq!(sent.len(), 1);
        assert!(matches!(&sent[0].to, Recipient::Buddy { phone, .. } if phone == "+447700900456"));
        v.lock();
        v.unlock(PIN).unwrap();
        Safety::new(&v).set_duress_unlock_alert(false).unwrap();
        assert!(!Safety::new(&v).duress_unlock_alert().unwrap());
        assert!(unlock_and_take(&v, DURESS).is_empty());
    }

    #[test]
    fn with_no_buddy_it_cannot_be_turned_on() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        Safety::new(&v).remove_contact("Sam").unwrap();
        let err = Safety::new(&v).set_duress_unlock_alert(true).unwrap_err();
        assert!(err.to_string().contains("no buddy"), "{err}");
    }

    #[test]
    fn the_decoys_switch_is_its_own_and_never_changes_the_real_alert() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        Safety::new(&v).set_duress_unlock_alert(true).unwrap();
        let sealed = std::fs::read(dir.path().join(crate::vault::DURESS_ALERT_FILE)).unwrap();
        v.lock();
        v.unlock(DURESS).unwrap();
        let decoy = Safety::new(&v);
        assert_eq!(decoy.take_unlock_alert().unwrap().len(), 1);
        // As a real vault with no buddy would answer.
        assert!(!decoy.duress_unlock_alert().unwrap());
        assert!(decoy.set_duress_unlock_alert(true).is_err());
        decoy.add_contact(buddy("Kim", "07700 900789")).unwrap();
        decoy.set_duress_unlock_alert(true).unwrap();
        assert!(decoy.duress_unlock_alert().unwrap());
        decoy.set_duress_unlock_alert(false).unwrap();
        assert!(!decoy.duress_unlock_alert().unwrap());
        assert_eq!(
            std::fs::read(dir.path().join(crate::vault::DURESS_ALERT_FILE)).unwrap(),
            sealed,
            "the real alert is untouched"
        );
        let sent = unlock_and_take(&v, DURESS);
        assert!(matches!(&sent[0].to, Recipient::Buddy { phone, .. } if phone == "+447700900123"));
    }
}
