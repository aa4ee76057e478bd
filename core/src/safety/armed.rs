//! The armed check-in: a running plan keeps reminding the person and alerting buddies while
//! the vault is LOCKED (the phone's normal state; the OS wakes the shell at `next_wake()` and
//! no PIN is typed), and the duress PIN works even though it only opens the decoy database.
//!
//! Every time the real, unlocked vault changes a check-in, the check-ins that still have
//! something to deliver are copied (compacted, see `CheckIn::armed_copy`) into the vault's
//! armed file: fixed size, sealed with a key bound to the device but not to the PIN (see
//! `vault::armed_file`). The copy is the state machine itself, not a list of pre-written texts,
//! so the locked path runs exactly the code the unlocked path runs: same events, same ids,
//! same texts, same states, same errors.
//!
//! - `ArmedCheckIn::tick(now)` delivers each due event once, recording it in the armed file.
//! - `ArmedCheckIn::check_in(secret)` needs the PIN, checked against the key file like an
//!   unlock (a miss counts and backs off). The duress PIN gives the same answer and silently
//!   leaves an urgent alert to every buddy due at once.
//! - When the real vault is next used unlocked, `Safety` folds the armed copies into the
//!   database first (`CheckIn::absorb`): deliveries join the delivered set, a check-in made
//!   while locked is applied at the instant it happened, and every transition becomes a
//!   `checkin.transition` entry in the Merkle log. Then the armed file is rewritten from the
//!   database. Both paths hold the armed lock for their whole read-change-write, so an event
//!   handed out by one is never handed out by the other.
//! - A decoy session (duress PIN) never writes the armed file: its own check-ins are its own,
//!   and it drives the real plan only through this locked path.

use super::checkin::{CheckIn, Event, State};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::vault::{HardwarePrf, SecretMatch, Vault};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

const FORMAT: u32 = 1;

/// What the armed file holds: the check-ins of the real vault that still have something to
/// deliver, oldest first (the last is the current one, as in the database).
#[derive(Serialize, Deserialize)]
struct Armed {
    v: u32,
    checkins: Vec<CheckIn>,
}

/// The armed payload for these check-ins (empty when nothing is pending).
pub(crate) fn payload(checkins: &[CheckIn]) -> Result<Vec<u8>> {
    if checkins.is_empty() {
        return Ok(Vec::new());
    }
    let armed = Armed {
        v: FORMAT,
        checkins: checkins.iter().map(CheckIn::armed_copy).collect(),
    };
    serde_json::to_vec(&armed).map_err(|_| Error::storage("could not encode the armed check-in"))
}

pub(crate) fn parse(payload: &[u8]) -> Result<Vec<CheckIn>> {
    if payload.is_empty() {
        return Ok(Vec::new());
    }
    let armed: Armed = serde_json::from_slice(payload)
        .map_err(|_| Error::integrity("the armed check-in is unreadable"))?;
    if armed.v != FORMAT {
        return Err(Error::integrity(
            "the armed check-in was written by a newer Waymark",
        ));
    }
    Ok(armed.checkins)
}

/// What the person is shown after checking in, for a screen that lists the texts to send.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckInReceipt {
    /// checked-in, or resolved if buddies were already being alerted.
    pub state: State,
    /// The all-clear texts for the buddies who hold the plan.
    pub events: Vec<Event>,
    /// For a check-in a relay holds: the signed check-in to send it (with the cancel secret, or
    /// with the duress secret after the duress PIN: the caller cannot tell which, and the relay
    /// answers both alike).
    #[serde(skip)]
    pub relay: Option<super::relay::RelayRequest>,
}

/// The check-in timer without the PIN: works on a locked vault.
pub struct ArmedCheckIn {
    vault: Vault,
}

impl ArmedCheckIn {
    /// A handle on the vault in `dir` that never unlocks it.
    pub fn open(dir: &Path, prf: Arc<dyn HardwarePrf>, clock: Arc<dyn Clock>) -> Result<Self> {
        Ok(ArmedCheckIn {
            vault: Vault::open(dir, prf, clock)?,
        })
    }

    /// Deliver every due event of the armed check-ins, each exactly once: recorded in the
    /// armed file before it is returned. Nothing due: nothing is written.
    pub fn tick(&self, now: DateTime<Utc>) -> Result<Vec<Event>> {
        tick(&self.vault, now)
    }

    /// For a sink that confirms delivery (the timer): offer each due event in order, record
    /// each one accepted, stop at the first refusal. Ok(true) when everything due went out.
    pub fn deliver_due(
        &self,
        now: DateTime<Utc>,
        deliver: &mut dyn FnMut(&Event) -> bool,
    ) -> Result<bool> {
        deliver_due(&self.vault, now, deliver)
    }

    /// When the shell must wake the app next (possibly in the past: now). None: nothing armed.
    pub fn next_wake(&self) -> Result<Option<DateTime<Utc>>> {
        next_wake(&self.vault)
    }

    /// Check in with the PIN (or the recovery code) without unlocking the vault. Nothing is
    /// handed out here: the all-clear texts (or, for the duress PIN, the urgent alerts) are
    /// due at once and go to the shell's sink on the next `tick`. The duress PIN returns
    /// exactly what the PIN returns. A wrong secret counts and backs off like an unlock.
    pub fn check_in(&self, secret: &str) -> Result<State> {
        Ok(self.close(secret, false)?.state)
    }

    /// `check_in`, also returning the request that tells the check-in's relay (if it has one).
    pub fn check_in_with_relay(&self, secret: &str) -> Result<CheckInReceipt> {
        self.close(secret, false)
    }

    /// The same, for a screen that shows the texts to send (the CLI): with the PIN the
    /// all-clear texts are returned and recorded as delivered; with the duress PIN the same
    /// all-clear texts are returned but recorded nowhere and sent to nobody, and the urgent
    /// alerts stay due for the next `tick`, which the screen does not show.
    pub fn check_in_with_texts(&self, secret: &str) -> Result<CheckInReceipt> {
        self.close(secret, true)
    }

    fn close(&self, secret: &str, take_texts: bool) -> Result<CheckInReceipt> {
        // The secret first: without it nobody learns whether a check-in is running.
        let duress = match self.vault.classify_secret(secret)? {
            SecretMatch::Duress => true,
            SecretMatch::Pin | SecretMatch::Recovery => false,
        };
        let guard = self.vault.lock_armed()?;
        // A damaged armed file must not stop anyone checking in: see `close_unlocked`.
        let mut checkins = match self.vault.read_armed().and_then(|p| parse(&p)) {
            Ok(c) => c,
            Err(Error::Integrity { .. }) => Vec::new(),
            Err(e) => return Err(e),
        };
        let now = self.vault.now();
        let Some(current) = checkins.last_mut() else {
            drop(guard);
            return self.close_unlocked(secret, take_texts);
        };
        // What an honest check-in shows, worked out on a copy so both secrets show the same.
        let mut honest = current.clone();
        let state = honest.check_in(now)?;
        let shown = honest.due_events(now);
        if duress {
            current.check_in_duress(now)?;
        } else {
            current.check_in(now)?;
            if take_texts {
                current.mark_delivered(shown.iter().map(|e| e.id.as_str()));
            }
        }
        // Built before the write: a request that cannot be built must not leave a check-in
        // closed on the phone that its relay was never told about.
        let relay = super::relay::request(current, super::relay::RelayOp::CheckIn, now)?;
        self.vault.write_armed(&payload(&checkins)?)?;
        Ok(CheckInReceipt {
            state,
            events: if take_texts { shown } else { Vec::new() },
            relay,
        })
    }
}

impl ArmedCheckIn {
    /// Nothing armed (or the armed file is damaged): a vault from before armed files may
    /// still hold a running plan. Open the vault with the same secret (the PIN opens the
    /// real plan, the duress PIN the decoy's, as on screen) and check in there, then lock.
    fn close_unlocked(&self, secret: &str, take_texts: bool) -> Result<CheckInReceipt> {
        self.vault.unlock(secret)?;
        let result = (|| {
            let safety = super::store::Safety::new(&self.vault);
            let id = safety.current_checkin()?.map(|c| c.id);
            let state = safety.check_in()?;
            let relay = match id {
                Some(id) => safety.relay_request(&id, super::relay::RelayOp::CheckIn)?,
                None => None,
            };
            let events = if take_texts {
                safety.tick(self.vault.now())?
            } else {
                Vec::new()
            };
            Ok(CheckInReceipt {
                state,
                events,
                relay,
            })
        })();
        self.vault.lock();
        result
    }
}

/// The timer in a process that never unlocks the vault.
impl super::timer::CheckInDriver for ArmedCheckIn {
    fn deliver_due(
        &self,
        now: DateTime<Utc>,
        deliver: &mut dyn FnMut(&Event) -> bool,
    ) -> Result<bool> {
        deliver_due(&self.vault, now, deliver)
    }
    fn next_wake(&self) -> Result<Option<DateTime<Utc>>> {
        next_wake(&self.vault)
    }
}

/// One locked delivery round over the armed file.
pub(crate) fn tick(vault: &Vault, now: DateTime<Utc>) -> Result<Vec<Event>> {
    let _guard = vault.lock_armed()?;
    let mut checkins = parse(&vault.read_armed()?)?;
    let before = checkins.clone();
    let mut events: Vec<Event> = checkins.iter_mut().flat_map(|c| c.tick(now)).collect();
    if checkins != before {
        vault.write_armed(&payload(&checkins)?)?;
    }
    events.sort_by_key(|e| e.due_at);
    Ok(events)
}

pub(crate) fn deliver_due(
    vault: &Vault,
    now: DateTime<Utc>,
    deliver: &mut dyn FnMut(&Event) -> bool,
) -> Result<bool> {
    let _guard = vault.lock_armed()?;
    let mut checkins = parse(&vault.read_armed()?)?;
    let mut due: Vec<Event> = checkins
        .iter_mut()
        .flat_map(|c| c.due_events(now))
        .collect();
    due.sort_by_key(|e| e.due_at);
    let mut all = true;
    for event in &due {
        if !deliver(event) {
            all = false;
            break;
        }
        for c in checkins.iter_mut() {
            c.mark_delivered([event.id.as_str()]);
        }
        // Recorded one by one: a crash after the sink took an event must not repeat it.
        vault.write_armed(&payload(&checkins)?)?;
    }
    Ok(all)
}

pub(crate) fn next_wake(vault: &Vault) -> Result<Option<DateTime<Utc>>> {
    let checkins = parse(&vault.read_armed()?)?;
    Ok(checkins.iter().filter_map(CheckIn::next_wake).min())
}
