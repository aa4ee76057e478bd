//! Safety data in the vault: contacts, check-ins (with their delivered-event sets), the
//! checklist and the chosen help region. Every table lives in the SQLCipher database, so it
//! is encrypted at rest. Every check-in transition is also an entry in the Merkle log
//! (`checkin.transition`, subject = the check-in id): a missed check-in is itself evidence.
//!
//! Each operation is one vault transaction: load, change, store, log. A tick that returns
//! events has already stored them as delivered, so a restart never hands them out again.
//!
//! Check-in operations of the real vault first fold in what the locked path (`armed`) did
//! since, and end by re-arming the armed file from the database, inside the same transaction
//! and under the armed lock (see `Safety::checkin_write`).

use super::armed;
use super::checkin::{Buddy, CheckIn, CheckInView, Event, Plan, State, Transition};
use super::checklist::{self, ChecklistEntry};
use super::contacts::{Contact, NewContact, Role};
use super::help::{self, CustomHelpEntry, Region};
use super::messages::Location;
use super::relay::{self, KeyCheck, PinnedRelay, RelayOp, RelayRequest};
use super::timer::CheckInDriver;
use crate::error::{Error, Result};
use crate::vault::{random_id, Tx, Vault};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use waymark_relay_proto::RelayPublicKey;

/// Append-only: never edit a batch once released.
pub(crate) const MIGRATIONS: &[&str] = &[
    "CREATE TABLE safety_contacts (id TEXT PRIMARY KEY, added_at TEXT NOT NULL, body TEXT NOT NULL);
     CREATE TABLE safety_checkins (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, pending INTEGER NOT NULL, body TEXT NOT NULL);
     CREATE INDEX safety_checkins_pending ON safety_checkins (pending);
     CREATE TABLE safety_checklist (item TEXT PRIMARY KEY, done_at TEXT NOT NULL);
     CREATE TABLE safety_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    "CREATE TABLE safety_help_custom (id TEXT PRIMARY KEY, added_at TEXT NOT NULL, body TEXT NOT NULL);",
];

const ENTRY_TYPE: &str = "checkin.transition";

fn new_id() -> Result<String> {
    Ok(hex::encode(random_id()?))
}

fn to_json(v: &impl Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|_| Error::storage("could not encode safety data"))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|_| Error::integrity(format!("a stored {what} is unreadable")))
}

/// The Merkle-log payload of a transition. The plan summary goes with the start so the log
/// alone shows where the person was going and when they were due.
#[derive(Serialize)]
struct TransitionEntry<'a> {
    checkin: &'a str,
    #[serde(flatten)]
    transition: &'a Transition,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meeting: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    buddies: Option<usize>,
}

/// The vault-backed safety features. Cheap: borrows the vault.
pub struct Safety<'v> {
    vault: &'v Vault,
}

impl<'v> Safety<'v> {
    pub fn new(vault: &'v Vault) -> Self {
        Safety { vault }
    }

    pub(crate) fn vault(&self) -> &'v Vault {
        self.vault
    }

    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>> {
        self.vault.read(|c| setting(c, key))
    }

    pub(crate) fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.vault.write(|tx| set_setting(tx, key, value))
    }

    /// The duress-unlock alert's sealed texts follow the contacts. Best effort: the contact
    /// change is made either way.
    fn contacts_changed(&self) {
        if let Err(e) = self.refresh_duress_unlock_alert() {
            tracing::warn!(error = %e, "could not update the emergency PIN alert");
        }
    }

    // ----- contacts -----

    pub fn add_contact(&self, new: NewContact) -> Result<Contact> {
        let id = new_id()?;
        let added = self.vault.write(|tx| {
            let contact = new.validate(id, tx.now())?;
            let existing = load_contacts(tx.conn())?;
            if existing
                .iter()
                .any(|c| c.name.to_lowercase() == contact.name.to_lowercase())
            {
                return Err(Error::invalid(
                    "name",
                    "you already have a contact with that name",
                ));
            }
            if existing.iter().any(|c| c.phone == contact.phone) {
                return Err(Error::invalid(
                    "phone",
                    "you already have a contact with that number",
                ));
            }
            tx.conn().execute(
                "INSERT INTO safety_contacts (id, added_at, body) VALUES (?1, ?2, ?3)",
                params![
                    contact.id,
                    contact.added_at.to_rfc3339(),
                    to_json(&contact)?
                ],
            )?;
            Ok(contact)
        });
        if added.is_ok() {
            self.contacts_changed();
        }
        added
    }

    /// In the order they were added.
    pub fn contacts(&self) -> Result<Vec<Contact>> {
        self.vault.read(load_contacts)
    }

    /// By name (any case) or id.
    pub fn find_contact(&self, name_or_id: &str) -> Result<Contact> {
        find_contact(&self.contacts()?, name_or_id)
    }

    /// Changes a contact (found by name or id) to what `new` says; its id and when it was added
    /// stay. Plans already shared keep their own copy of the buddy, so editing is always safe.
    pub fn edit_contact(&self, name_or_id: &str, new: NewContact) -> Result<Contact> {
        let edited = self.vault.write(|tx| {
            let existing = load_contacts(tx.conn())?;
            let old = find_contact(&existing, name_or_id)?;
            let mut contact = new.validate(old.id.clone(), tx.now())?;
            contact.added_at = old.added_at;
            let others = existing.iter().filter(|c| c.id != old.id);
            for c in others {
                if c.name.to_lowercase() == contact.name.to_lowercase() {
                    return Err(Error::invalid(
                        "name",
                        "you already have a contact with that name",
                    ));
                }
                if c.phone == contact.phone {
                    return Err(Error::invalid(
                        "phone",
                        "you already have a contact with that number",
                    ));
                }
            }
            tx.conn().execute(
                "UPDATE safety_contacts SET body = ?2 WHERE id = ?1",
                params![contact.id, to_json(&contact)?],
            )?;
            Ok(contact)
        });
        if edited.is_ok() {
            self.contacts_changed();
        }
        edited
    }

    /// The buddies for a plan: the contacts named (by name or id, in that order), or every
    /// contact with the buddy role when none are named. Errors when that leaves nobody.
    pub fn buddies(&self, names_or_ids: &[String]) -> Result<Vec<Buddy>> {
        let contacts = self.contacts()?;
        let chosen = if names_or_ids.is_empty() {
            contacts
                .into_iter()
                .filter(|c| c.roles.contains(&Role::Buddy))
                .collect::<Vec<_>>()
        } else {
            names_or_ids
                .iter()
                .map(|n| find_contact(&contacts, n))
                .collect::<Result<Vec<_>>>()?
        };
        if chosen.is_empty() {
            return Err(Error::invalid(
                "buddies",
                "you have no buddy yet; add a contact as a buddy first",
            ));
        }
        Ok(chosen
            .into_iter()
            .map(|c| Buddy {
                contact_id: c.id,
                name: c.name,
                phone: c.phone.to_string(),
            })
            .collect())
    }

    /// Plans already shared keep their own copy of the buddy, so removing is always safe.
    pub fn remove_contact(&self, name_or_id: &str) -> Result<()> {
        self.vault.write(|tx| {
            let c = find_contact(&load_contacts(tx.conn())?, name_or_id)?;
            tx.conn()
                .execute("DELETE FROM safety_contacts WHERE id = ?1", [c.id])?;
            Ok(())
        })?;
        self.contacts_changed();
        Ok(())
    }

    // ----- check-ins -----

    /// Start a plan now. Only one check-in runs at a time.
    pub fn start_checkin(&self, plan: Plan) -> Result<CheckInView> {
        let id = new_id()?;
        self.checkin_write(|tx| {
            if let Some(c) = current(tx.conn())? {
                if !c.state().is_closed() {
                    return Err(Error::invalid(
                        "checkin",
                        "a check-in is already running; check in or cancel it first",
                    ));
                }
            }
            let now = tx.now();
            let mut c = CheckIn::new(id, plan, now)?;
            c.start(now)?;
            save(tx, &c, 0)?;
            Ok(c.view())
        })
    }

    /// Start a plan now, held also by the pinned relay (`pin_relay`): the check-in gets its
    /// relay ticket (fresh cancel and duress secrets, the device key) in the same transaction.
    /// Then send `relay_request(id, Arm)`; if that fails, the phone's own timer still runs.
    pub fn start_relayed_checkin(&self, plan: Plan) -> Result<CheckInView> {
        let id = new_id()?;
        self.checkin_write(|tx| {
            let relay = relay_pin(tx.conn())?.ok_or_else(|| {
                Error::invalid(
                    "relay",
                    "no relay is set up; fetch and accept its key first",
                )
            })?;
            if let Some(c) = current(tx.conn())? {
                if !c.state().is_closed() {
                    return Err(Error::invalid(
                        "checkin",
                        "a check-in is already running; check in or cancel it first",
                    ));
                }
            }
            let device = device_seed(tx)?;
            let now = tx.now();
            let mut c = CheckIn::new(id, plan, now)?;
            c.set_relay(relay::RelayTicket::new(&relay, &device)?);
            c.start(now)?;
            relay::alert(&c)?; // the buddies' texts must fit the relay's limits before anything starts
            save(tx, &c, 0)?;
            Ok(c.view())
        })
    }

    /// The signed request for `op` on check-in `id` (running or not), or None if it has no
    /// relay (or, for arm and extend, is no longer running). Reads the latest state, so call it
    /// after the local change (check in, extend, cancel) it reports.
    pub fn relay_request(&self, id: &str, op: RelayOp) -> Result<Option<RelayRequest>> {
        self.reconcile_armed()?;
        let now = self.vault.now();
        let c = self
            .vault
            .read(|conn| load_checkin(conn, id))?
            .ok_or_else(|| Error::not_found("no such check-in"))?;
        relay::request(&c, op, now)
    }

    /// The relay chosen, with its pinned key.
    pub fn relay(&self) -> Result<Option<PinnedRelay>> {
        self.vault.read(relay_pin)
    }

    /// Compare a relay's key (from `relay::parse_key_document`) with the one pinned.
    pub fn check_relay_key(&self, url: &str, key: &RelayPublicKey) -> Result<KeyCheck> {
        let url = relay::normalise_url(url)?;
        let fingerprint = key.fingerprint();
        Ok(match self.relay()? {
            Some(p) if p.url == url && p.key == *key => KeyCheck::Same { fingerprint },
            Some(p) if p.url == url => KeyCheck::Changed {
                pinned: p.fingerprint(),
                offered: fingerprint,
            },
            _ => KeyCheck::First { fingerprint },
        })
    }

    /// Choose this relay and pin its key (first use, or the person accepted a changed key).
    pub fn pin_relay(&self, url: &str, key: &RelayPublicKey) -> Result<PinnedRelay> {
        let pinned = PinnedRelay {
            url: relay::normalise_url(url)?,
            key: *key,
        };
        let json = to_json(&pinned)?;
        self.vault
            .write(|tx| set_setting(tx, relay::SETTING_PIN, &json))?;
        Ok(pinned)
    }

    /// No relay from now on (check-ins already held keep theirs).
    pub fn forget_relay(&self) -> Result<()> {
        self.vault.write(|tx| {
            tx.conn().execute(
                "DELETE FROM safety_settings WHERE key = ?1",
                [relay::SETTING_PIN],
            )?;
            Ok(())
        })
    }

    /// The texts `start_checkin(plan)` would send now; nothing is stored.
    pub fn preview_checkin(&self, plan: Plan) -> Result<Vec<Event>> {
        CheckIn::preview(plan, self.vault.now())
    }

    /// The running check-in, or the latest one that still has messages to deliver.
    pub fn current_checkin(&self) -> Result<Option<CheckInView>> {
        self.reconcile_armed()?;
        self.vault.read(|conn| Ok(current(conn)?.map(|c| c.view())))
    }

    /// Every check-in, newest first.
    pub fn checkin_history(&self) -> Result<Vec<CheckInView>> {
        self.reconcile_armed()?;
        self.vault.read(|conn| {
            let mut stmt = conn
                .prepare("SELECT body FROM safety_checkins ORDER BY created_at DESC, rowid DESC")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.map(|b| from_json::<CheckIn>(&b?, "check-in").map(|c| c.view()))
                .collect()
        })
    }

    pub fn check_in(&self) -> Result<State> {
        self.with_current(|c, now| c.check_in(now))
    }

    /// For the duress PIN: the same result and errors as `check_in`, but every buddy is
    /// alerted at once. Nothing the caller sees afterwards differs.
    pub fn check_in_duress(&self) -> Result<State> {
        self.with_current(|c, now| c.check_in_duress(now))
    }

    pub fn extend(&self, minutes: u32) -> Result<DateTime<Utc>> {
        self.with_current(|c, now| c.extend(minutes, now))
    }

    pub fn cancel(&self) -> Result<()> {
        self.with_current(|c, now| c.cancel(now))
    }

    /// Store the phone's position for alerts (only if the running plan allows it).
    pub fn record_location(&self, location: Location) -> Result<bool> {
        self.with_current(|c, _| c.record_location(location))
    }

    fn with_current<T>(
        &self,
        f: impl FnOnce(&mut CheckIn, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.checkin_write(|tx| {
            let mut c =
                current(tx.conn())?.ok_or_else(|| Error::not_found("no check-in is running"))?;
            let logged = c.transitions().len();
            let out = f(&mut c, tx.now())?;
            save(tx, &c, logged)?;
            Ok(out)
        })
    }

    /// Deliver every due event of every check-in, once: stored as delivered in the same
    /// transaction that returns them.
    pub fn tick(&self, now: DateTime<Utc>) -> Result<Vec<Event>> {
        let _one_at_a_time = delivery_lock();
        let mut events = self.each_pending(false, |c| c.tick(now))?;
        if self.vault.opened_with_duress()? {
            // The decoy is open: the real plan still runs, through the locked path.
            events.extend(armed::tick(self.vault, now)?);
            events.sort_by_key(|e| e.due_at);
        }
        Ok(events)
    }

    /// For a sink that confirms delivery (the timer): offer each due event to `deliver` in
    /// order, recording each one it accepts; stop at the first refusal. Ok(true) when every
    /// due event was delivered.
    pub fn deliver_due(
        &self,
        now: DateTime<Utc>,
        deliver: &mut dyn FnMut(&Event) -> bool,
    ) -> Result<bool> {
        let _one_at_a_time = delivery_lock();
        let decoy = self.vault.opened_with_duress()?;
        // The whole round under the armed lock: a locked tick in another process must not hand
        // out an event between this round offering it and recording it.
        let armed_lock = if decoy {
            None
        } else {
            Some(self.vault.lock_armed()?)
        };
        for event in self.each_pending(true, |c| c.due_events(now))? {
            if !deliver(&event) {
                return Ok(false);
            }
            let id = event.id.as_str();
            self.each_pending(true, |c| {
                c.mark_delivered([id]);
                Vec::new()
            })?;
        }
        drop(armed_lock);
        if decoy {
            return armed::deliver_due(self.vault, now, deliver);
        }
        Ok(true)
    }

    /// `f` on every pending check-in, in one transaction; `armed_held`: the caller holds the
    /// armed lock already.
    fn each_pending(
        &self,
        armed_held: bool,
        mut f: impl FnMut(&mut CheckIn) -> Vec<Event>,
    ) -> Result<Vec<Event>> {
        let round = |tx: &Tx| {
            let mut out = Vec::new();
            for mut c in pending(tx.conn())? {
                let before = c.clone();
                out.extend(f(&mut c));
                // A wake-up with nothing due changes nothing: skip the durable write.
                if c != before {
                    save(tx, &c, before.transitions().len())?;
                }
            }
            out.sort_by_key(|e| e.due_at);
            Ok(out)
        };
        if armed_held {
            self.checkin_write_held(round)
        } else {
            self.checkin_write(round)
        }
    }

    /// The next instant the shell must wake the app (possibly in the past: wake now).
    pub fn next_wake(&self) -> Result<Option<DateTime<Utc>>> {
        self.reconcile_armed()?;
        let own = self
            .vault
            .read(|conn| Ok(pending(conn)?.iter().filter_map(CheckIn::next_wake).min()))?;
        if self.vault.opened_with_duress()? {
            let real = armed::next_wake(self.vault)?;
            return Ok(own.into_iter().chain(real).min());
        }
        Ok(own)
    }

    /// A check-in transaction. In the real vault: under the armed lock, fold in what the
    /// locked path did, run `f`, then re-arm the armed file from the database before the
    /// commit (a failed re-arm rolls everything back: a plan the locked path cannot see must
    /// never look started). The decoy never touches the armed file.
    fn checkin_write<T>(&self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        if self.vault.opened_with_duress()? {
            return self.vault.write(f);
        }
        let _armed = self.vault.lock_armed()?;
        self.checkin_write_held(f)
    }

    /// `checkin_write` for a caller that holds the armed lock.
    fn checkin_write_held<T>(&self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        if self.vault.opened_with_duress()? {
            return self.vault.write(f);
        }
        let (copies, payload) = self.read_armed_or_reset()?;
        self.vault.write(|tx| {
            reconcile(tx, &copies)?;
            let out = f(tx)?;
            let rearmed = armed::payload(&pending(tx.conn())?)?;
            if rearmed != payload {
                self.vault.write_armed(&rearmed)?;
            }
            Ok(out)
        })
    }

    /// Fold in what the locked path did (deliveries, a check-in made with the PIN or the
    /// duress PIN) and log its transitions; nothing is written when there is nothing new.
    /// Every check-in call does this first; a shell may also call it right after unlocking.
    pub fn reconcile_armed(&self) -> Result<()> {
        if self.vault.opened_with_duress()? {
            return Ok(());
        }
        self.checkin_write(|_| Ok(()))
    }

    /// The armed check-ins. An unreadable armed file must not stop the person from checking in
    /// or starting a plan: the database is the authority, and the file is rewritten from it.
    fn read_armed_or_reset(&self) -> Result<(Vec<CheckIn>, Vec<u8>)> {
        let read = self
            .vault
            .read_armed()
            .and_then(|p| Ok((armed::parse(&p)?, p.to_vec())));
        match read {
            Ok(r) => Ok(r),
            Err(e @ Error::Integrity { .. }) => {
                tracing::warn!(error = %e, "armed check-in unreadable; re-arming from the vault");
                Ok((Vec::new(), b"unreadable".to_vec()))
            }
            Err(e) => Err(e),
        }
    }

    // ----- help directory -----

    /// The region the person chose (UK until they choose another).
    pub fn region(&self) -> Result<&'static Region> {
        let code = self.vault.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT value FROM safety_settings WHERE key = 'region'",
                    [],
                    |r| r.get::<_, String>(0),
                )
                .optional()?)
        })?;
        help::directory(code.as_deref().unwrap_or(help::DEFAULT_REGION))
    }

    /// Add a local helpline; it is listed after the region's numbers.
    pub fn add_help_entry(
        &self,
        name: &str,
        number: &str,
        what_for: Option<&str>,
    ) -> Result<CustomHelpEntry> {
        let entry = CustomHelpEntry::new(new_id()?, name, number, what_for)?;
        self.vault.write(|tx| {
            if load_help_entries(tx.conn())?
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(&entry.name))
            {
                return Err(Error::invalid(
                    "name",
                    "you already have a helpline with that name",
                ));
            }
            tx.conn().execute(
                "INSERT INTO safety_help_custom (id, added_at, body) VALUES (?1, ?2, ?3)",
                params![entry.id, tx.now().to_rfc3339(), to_json(&entry)?],
            )?;
            Ok(entry)
        })
    }

    pub fn help_entries(&self) -> Result<Vec<CustomHelpEntry>> {
        self.vault.read(load_help_entries)
    }

    /// By name (any case) or id.
    pub fn remove_help_entry(&self, name_or_id: &str) -> Result<()> {
        self.vault.write(|tx| {
            let key = name_or_id.trim();
            let e = load_help_entries(tx.conn())?
                .into_iter()
                .find(|e| e.id == key || e.name.eq_ignore_ascii_case(key))
                .ok_or_else(|| Error::not_found("no helpline with that name"))?;
            tx.conn()
                .execute("DELETE FROM safety_help_custom WHERE id = ?1", [e.id])?;
            Ok(())
        })
    }

    pub fn set_region(&self, code: &str) -> Result<&'static Region> {
        let region = help::directory(code)?;
        self.vault.write(|tx| {
            tx.conn().execute(
                "INSERT INTO safety_settings (key, value) VALUES ('region', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [region.code],
            )?;
            Ok(())
        })?;
        Ok(region)
    }

    // ----- checklist -----

    pub fn checklist(&self) -> Result<Vec<ChecklistEntry>> {
        let done = self.vault.read(load_checklist)?;
        Ok(checklist::evaluate(&done, self.vault.now()))
    }

    /// Mark an item (id or number) done today; doing it again restarts its period.
    pub fn checklist_done(&self, item: &str) -> Result<ChecklistEntry> {
        let item = checklist::item(item)?;
        self.vault.write(|tx| {
            tx.conn().execute(
                "INSERT INTO safety_checklist (item, done_at) VALUES (?1, ?2)
                 ON CONFLICT(item) DO UPDATE SET done_at = excluded.done_at",
                params![item.id, tx.now().to_rfc3339()],
            )?;
            Ok(())
        })?;
        self.checklist()?
            .into_iter()
            .find(|e| e.item.id == item.id)
            .ok_or_else(|| Error::not_found("checklist item"))
    }

    pub fn checklist_undo(&self, item: &str) -> Result<()> {
        let item = checklist::item(item)?;
        self.vault.write(|tx| {
            tx.conn()
                .execute("DELETE FROM safety_checklist WHERE item = ?1", [item.id])?;
            Ok(())
        })
    }

    /// When the next done checklist item comes round again.
    pub fn checklist_next_reminder(&self) -> Result<Option<DateTime<Utc>>> {
        let done = self.vault.read(load_checklist)?;
        Ok(checklist::next_reminder(&done, self.vault.now()))
    }
}

fn set_setting(tx: &Tx, key: &str, value: &str) -> Result<()> {
    tx.conn().execute(
        "INSERT INTO safety_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM safety_settings WHERE key = ?1",
            [key],
            |r| r.get::<_, String>(0),
        )
        .optional()?)
}

fn relay_pin(conn: &Connection) -> Result<Option<PinnedRelay>> {
    setting(conn, relay::SETTING_PIN)?
        .map(|s| from_json(&s, "relay"))
        .transpose()
}

/// This phone's relay signing key: made on first use, kept in the vault.
fn device_seed(tx: &Tx) -> Result<relay::Seed> {
    if let Some(s) = setting(tx.conn(), relay::SETTING_DEVICE)? {
        let s = zeroize::Zeroizing::new(s);
        return from_json(&s, "relay device key");
    }
    let seed = relay::new_device_seed()?;
    let json = zeroize::Zeroizing::new(to_json(&seed)?);
    set_setting(tx, relay::SETTING_DEVICE, &json)?;
    Ok(seed)
}

fn load_contacts(conn: &Connection) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare("SELECT body FROM safety_contacts ORDER BY added_at, rowid")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|b| from_json(&b?, "contact")).collect()
}

fn find_contact(all: &[Contact], name_or_id: &str) -> Result<Contact> {
    let key = name_or_id.trim().to_lowercase();
    all.iter()
        .find(|c| c.id == key || c.name.to_lowercase() == key)
        .cloned()
        .ok_or_else(|| Error::not_found("no contact with that name"))
}

fn load_help_entries(conn: &Connection) -> Result<Vec<CustomHelpEntry>> {
    let mut stmt = conn.prepare("SELECT body FROM safety_help_custom ORDER BY added_at, rowid")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|b| from_json(&b?, "helpline")).collect()
}

fn load_checklist(conn: &Connection) -> Result<BTreeMap<String, DateTime<Utc>>> {
    let mut stmt = conn.prepare("SELECT item, done_at FROM safety_checklist")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (item, at) = row?;
        let at = DateTime::parse_from_rfc3339(&at)
            .map_err(|_| Error::integrity("a stored checklist date is unreadable"))?;
        Ok((item, at.with_timezone(&Utc)))
    })
    .collect()
}

/// Check-ins that are running or still have something to deliver.
fn pending(conn: &Connection) -> Result<Vec<CheckIn>> {
    let mut stmt = conn
        .prepare("SELECT body FROM safety_checkins WHERE pending = 1 ORDER BY created_at, rowid")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|b| from_json(&b?, "check-in")).collect()
}

/// Any check-in by id, finished or not.
fn load_checkin(conn: &Connection, id: &str) -> Result<Option<CheckIn>> {
    conn.query_row(
        "SELECT body FROM safety_checkins WHERE id = ?1",
        [id],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .map(|b| from_json(&b, "check-in"))
    .transpose()
}

/// Fold the armed copies into the database: deliveries and check-ins made while locked join
/// the stored check-ins, and their transitions go into the Merkle log now, stamped with when
/// they happened.
fn reconcile(tx: &Tx, copies: &[CheckIn]) -> Result<()> {
    for copy in copies {
        match load_checkin(tx.conn(), copy.id())? {
            Some(mut stored) => {
                let logged = stored.transitions().len();
                if stored.absorb(copy) {
                    stored.catch_up(tx.now());
                    save(tx, &stored, logged)?;
                }
            }
            // Sealed but never committed (a crash between the two): it may already have
            // reached buddies, so it is kept.
            None => save(tx, copy, 0)?,
        }
    }
    Ok(())
}

/// The newest check-in that is not finished.
fn current(conn: &Connection) -> Result<Option<CheckIn>> {
    Ok(pending(conn)?.into_iter().last())
}

/// Store the check-in and log its transitions from index `logged` on, in the same transaction.
fn save(tx: &Tx, c: &CheckIn, logged: usize) -> Result<()> {
    tx.conn().execute(
        "INSERT INTO safety_checkins (id, created_at, pending, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET pending = excluded.pending, body = excluded.body",
        params![
            c.id(),
            c.created_at().to_rfc3339(),
            !c.is_finished(),
            to_json(c)?
        ],
    )?;
    for t in c.transitions().iter().skip(logged) {
        let started = t.to == State::Active;
        let entry = TransitionEntry {
            checkin: c.id(),
            transition: t,
            destination: started.then_some(c.plan().destination.as_str()),
            meeting: if started {
                c.plan().meeting.as_deref()
            } else {
                None
            },
            buddies: started.then_some(c.plan().buddies.len()),
        };
        tx.append_entry(ENTRY_TYPE, Some(c.id()), &entry)?;
    }
    Ok(())
}

/// In this process, one delivery at a time: a tick (the shell woken by the OS) and a timer
/// round must not both hand out an event that is due but not yet recorded.
static DELIVERY: Mutex<()> = Mutex::new(());

fn delivery_lock() -> MutexGuard<'static, ()> {
    DELIVERY.lock().unwrap_or_else(|p| p.into_inner())
}

/// The vault as a timer driver: the timer and `tick` share the same stored delivered-sets.
/// While the vault is locked the timer keeps going through the armed check-in.
pub struct VaultCheckIns(pub Arc<Vault>);

impl CheckInDriver for VaultCheckIns {
    fn deliver_due(
        &self,
        now: DateTime<Utc>,
        deliver: &mut dyn FnMut(&Event) -> bool,
    ) -> Result<bool> {
        match Safety::new(&self.0).deliver_due(now, deliver) {
            Err(Error::Locked) => armed::deliver_due(&self.0, now, deliver),
            other => other,
        }
    }
    fn next_wake(&self) -> Result<Option<DateTime<Utc>>> {
        match Safety::new(&self.0).next_wake() {
            Err(Error::Locked) => armed::next_wake(&self.0),
            other => other,
        }
    }
}
