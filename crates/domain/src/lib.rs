//! The pure core of Resguardo.
//!
//! Everything here is a function of its arguments: no I/O, no clock, no
//! database. The shell (the `db` and `server` crates) loads state, calls a
//! transition with today's date and the calendar, and stores what comes back
//! (the new state and its effects) in one transaction.
//!
//! - [`request`]: what a requester files, parsed once into values that
//!   cannot be wrong.
//! - [`workflow`]: the procedure as a state machine.
//! - [`calendar`]: Peruvian working days; [`deadline`]: deadlines and their
//!   rules.
#![warn(clippy::wildcard_enum_match_arm)]

pub mod business_day;
pub mod calendar;
pub mod categories;
pub mod codes;
pub mod contact;
pub mod deadline;
pub mod evidence;
pub mod historic;
pub mod idempotency;
pub mod place;
#[cfg(test)]
mod purity;
pub mod reminders;
pub mod request;
pub mod roles;
pub mod statistics;
pub mod text;
pub mod workflow;
