//! The `resguardo` binary's pieces: configuration (the only code that reads
//! the environment), the HTTP application, migrations at start-up and the
//! CLI subcommands. `main.rs` only parses arguments and dispatches.

pub mod admin;
pub mod app;
pub mod config;
pub mod demo;
pub mod import;
pub mod keys;
pub mod migrate;
pub mod open;
pub mod probe;
pub mod report;
pub mod worker;
