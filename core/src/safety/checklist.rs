//! The digital-safety checklist from the standard advice: each item done or not, the date
//! done, and items that come round again (passwords every 90 days, for example).

use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub id: &'static str,
    pub title: &'static str,
    /// How to do it.
    pub advice: &'static str,
    /// What to do if something is found; empty when not relevant.
    pub if_found: &'static str,
    /// Comes round again this many days after it was done.
    pub repeat_days: Option<u32>,
}

pub const ITEMS: &[ChecklistItem] = &[
    ChecklistItem {
        id: "device-check",
        title: "Check your phone and computer for spyware",
        advice: "Look for apps you don't recognise, apps with access to your location, messages or accessibility, battery draining fast, or settings you didn't change. Check which devices are signed in to your Google, Apple or Microsoft account.",
        if_found: "Don't remove it straight away: removing it can alert the person and destroy evidence. Note what you found, then call the National Stalking Helpline or the police from a phone you trust.",
        repeat_days: Some(30),
    },
    ChecklistItem {
        id: "social-privacy",
        title: "Review the privacy settings on every social media account",
        advice: "Make posts, friends lists, tagged photos and contact details visible only to people you trust. Remove followers you don't know and check old accounts you no longer use.",
        if_found: "",
        repeat_days: Some(90),
    },
    ChecklistItem {
        id: "friends-family",
        title: "Ask friends and family to check their privacy settings too",
        advice: "Ask them not to post about you, tag you, or say where you are or will be, and to tighten their own settings.",
        if_found: "",
        repeat_days: Some(180),
    },
    ChecklistItem {
        id: "search-name",
        title: "Search your own name",
        advice: "Search your name, usernames, phone number and address in search engines and social media to see what others can find.",
        if_found: "Ask sites to remove personal details, and record anything posted about you in your log.",
        repeat_days: Some(90),
    },
    ChecklistItem {
        id: "change-passwords",
        title: "Change your email, social media and bank passwords",
        advice: "Use a different strong password for each account, turn on two-step verification, and sign out of every other device and session.",
        if_found: "",
        repeat_days: Some(90),
    },
    ChecklistItem {
        id: "security-questions",
        title: "Make your security questions unguessable",
        advice: "The person may know your mother's maiden name, first pet or school. Use made-up answers only you know and keep them somewhere safe.",
        if_found: "",
        repeat_days: None,
    },
    ChecklistItem {
        id: "location-photos",
        title: "Don't post photos or details that reveal where you are",
        advice: "Turn off location tagging in your camera and apps, check backgrounds for street names, uniforms or landmarks, and post after you have left a place.",
        if_found: "",
        repeat_days: None,
    },
    ChecklistItem {
        id: "trackers",
        title: "Check for tracking devices",
        advice: "Check your car (wheel arches, under seats, the diagnostic port), bags, coat pockets and gifts. Turn on your phone's unknown-tracker alerts.",
        if_found: "Don't destroy it: it is evidence. Photograph it where you found it and contact the police.",
        repeat_days: Some(30),
    },
    ChecklistItem {
        id: "shared-accounts",
        title: "Check for shared accounts and location sharing",
        advice: "Look at family sharing, Find My, map location sharing, shared photo albums and cloud storage, smart-home and car apps, and any account the person ever had the password to.",
        if_found: "Remove them from shared accounts when it is safe to do so; a helpline can help you plan this.",
        repeat_days: Some(90),
    },
];

/// Find an item by id or by its number in the list (1-based).
pub fn item(key: &str) -> Result<&'static ChecklistItem> {
    let key = key.trim();
    if let Ok(n) = key.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| ITEMS.get(i)).ok_or_else(|| {
            Error::invalid("item", format!("choose a number from 1 to {}", ITEMS.len()))
        });
    }
    ITEMS
        .iter()
        .find(|i| i.id.eq_ignore_ascii_case(key))
        .ok_or_else(|| Error::invalid("item", "no such checklist item"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ItemStatus {
    NotDone,
    Done {
        done_at: DateTime<Utc>,
        again_at: Option<DateTime<Utc>>,
    },
    /// Done once, but it has come round again.
    DueAgain {
        done_at: DateTime<Utc>,
        due_since: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChecklistEntry {
    pub number: usize,
    pub item: &'static ChecklistItem,
    #[serde(flatten)]
    pub status: ItemStatus,
}

/// Where each item stands, given when each was last done.
pub fn evaluate(done: &BTreeMap<String, DateTime<Utc>>, now: DateTime<Utc>) -> Vec<ChecklistEntry> {
    ITEMS
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let status = match done.get(item.id) {
                None => ItemStatus::NotDone,
                Some(&done_at) => {
                    match item.repeat_days.map(|d| done_at + Duration::days(d.into())) {
                        Some(again) if again <= now => ItemStatus::DueAgain {
                            done_at,
                            due_since: again,
                        },
                        again_at => ItemStatus::Done { done_at, again_at },
                    }
                }
            };
            ChecklistEntry {
                number: i + 1,
                item,
                status,
            }
        })
        .collect()
}

/// When the next done item comes round again (for a reminder), if any is still ahead.
pub fn next_reminder(
    done: &BTreeMap<String, DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    evaluate(done, now)
        .into_iter()
        .filter_map(|e| match e.status {
            ItemStatus::Done { again_at, .. } => again_at,
            _ => None,
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(days: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_750_000_000, 0).unwrap() + Duration::days(days)
    }

    #[test]
    fn every_item_of_the_advice_is_there() {
        for id in [
            "device-check",
            "social-privacy",
            "friends-family",
            "search-name",
            "change-passwords",
            "security-questions",
            "location-photos",
            "trackers",
            "shared-accounts",
        ] {
            assert!(item(id).is_ok(), "{id}");
        }
        assert_eq!(item("change-passwords").unwrap().repeat_days, Some(90));
        assert_eq!(item("1").unwrap().id, "device-check");
        assert!(item("0").is_err());
        assert!(item("99").is_err());
        assert!(item("nope").is_err());
    }

    #[test]
    fn done_items_come_round_again_after_their_period() {
        let mut done = BTreeMap::new();
        assert!(evaluate(&done, t(0))
            .iter()
            .all(|e| e.status == ItemStatus::NotDone));
        done.insert("change-passwords".to_string(), t(0));
        done.insert("security-questions".to_string(), t(0));
        let pw = |now| {
            evaluate(&done, now)
                .into_iter()
                .find(|e| e.item.id == "change-passwords")
                .unwrap()
                .status
        };
        assert_eq!(
            pw(t(89)),
            ItemStatus::Done {
                done_at: t(0),
                again_at: Some(t(90))
            }
        );
        assert_eq!(
            pw(t(90)),
            ItemStatus::DueAgain {
                done_at: t(0),
                due_since: t(90)
            }
        );
        let sq = evaluate(&done, t(1000))
            .into_iter()
            .find(|e| e.item.id == "security-questions")
            .unwrap()
            .status;
        assert_eq!(
            sq,
            ItemStatus::Done {
                done_at: t(0),
                again_at: None
            }
        );
        assert_eq!(next_reminder(&done, t(10)), Some(t(90)));
        assert_eq!(next_reminder(&done, t(95)), None);
    }
}
