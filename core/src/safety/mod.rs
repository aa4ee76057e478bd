//! safety: the buddy system and check-in timer, trusted contacts, the help directory and the
//! digital-safety checklist (issue 5).
//!
//! - `contacts`: trusted contacts with validated E.164 numbers and roles.
//! - `checkin`: the plan and its pure, deterministic, idempotent state machine.
//! - `messages` / `sms`: the words sent to buddies and shown to the person, and their SMS cost.
//! - `timer`: a tokio task that delivers the same events to an `EventSink` while the process lives.
//! - `help`: help numbers per region, chosen by the person.
//! - `checklist`: the digital-safety checklist with recurring items.
//! - `armed`: the same check-ins driven from a locked vault (no PIN), and the duress PIN.
//! - `duress_unlock`: the silent alert to the buddies when the duress PIN opens the vault.
//! - `relay`: the requests to an off-phone relay that holds a sealed copy of the alert.
//! - `store`: all of it in the vault (`Safety`), every check-in transition in the Merkle log.

pub mod armed;
pub mod checkin;
pub mod checklist;
pub mod contacts;
pub mod duress_unlock;
pub mod help;
pub mod messages;
pub mod relay;
pub mod sms;
pub mod store;
pub mod timer;

#[cfg(test)]
mod armed_tests;
#[cfg(test)]
mod checkin_tests;
#[cfg(test)]
mod relay_tests;
#[cfg(test)]
mod store_tests;

pub use armed::{ArmedCheckIn, CheckInReceipt};
pub use checkin::{
    Buddy, CheckIn, CheckInView, Event, EventKind, Expect, LadderStep, Plan, Recipient, State,
};
pub use contacts::{Contact, NewContact, PhoneNumber, Role};
pub use messages::Location;
pub use relay::{KeyCheck, PinnedRelay, RelayOp, RelayReply, RelayRequest, RelayTicket};
pub use store::{Safety, VaultCheckIns};
pub use timer::{CheckInDriver, CheckInTimer, EventSink};
pub use waymark_relay_proto::RelayPublicKey;

pub(crate) use store::MIGRATIONS;
