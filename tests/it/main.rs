//! Resguardo's integration tests: one binary, each database test run on
//! SQLite and (with `TEST_DATABASE_URL`) PostgreSQL, each in a fresh
//! database.
#![expect(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

mod support;

mod abuse;
mod accounts;
mod app;
mod authorization;
mod browser;
mod confidentiality;
mod console;
mod contract;
mod errors;
mod evidence;
mod fixtures;
mod historic;
mod http;
mod import;
mod intake;
mod limits;
mod lists;
mod live;
mod live_client;
mod meetings;
mod observability;
mod openrosa;
mod pages;
mod procedure;
mod protection_cycle;
mod recomputation;
mod reference_data;
mod refusals;
mod reminders;
mod schedule;
mod smtp;
mod statistics;
mod storage;
mod tools;
