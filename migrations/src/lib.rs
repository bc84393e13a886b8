//! Schema migrations and reference data for Resguardo.
//!
//! Each migration is a frozen snapshot: it never imports the `db` entities or
//! the `domain` crate, so that later code changes cannot change what an old
//! migration did. The same migrations run on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_schema;
mod m20261127_000002_reference_data;
mod m20261128_000001_accounts_and_intake;
mod m20261128_000002_delivery;
mod m20261128_000003_audit_chain;
mod m20261128_000004_login_protection;
mod m20261128_000005_registry;
mod m20261128_000006_deadline_announcements;
mod m20261201_000001_delivery_attempts;
mod m20261201_000002_superseded_keys;
mod m20261201_000003_queue_indexes;
mod m20261201_000004_audit_read_cases;
mod m20261201_000005_in_progress_indexes;
mod m20261201_000006_calendar_recomputations;
mod m20261202_000001_evidence_files;
mod m20261203_000001_provinces_and_districts;
mod m20261204_000001_protection_cycle;
mod m20261205_000001_plans_and_complaints;
mod m20261206_000001_coordination_meetings;
mod seed;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_schema::Migration),
            Box::new(m20261127_000002_reference_data::Migration),
            Box::new(m20261128_000001_accounts_and_intake::Migration),
            Box::new(m20261128_000002_delivery::Migration),
            Box::new(m20261128_000003_audit_chain::Migration),
            Box::new(m20261128_000004_login_protection::Migration),
            Box::new(m20261128_000005_registry::Migration),
            Box::new(m20261128_000006_deadline_announcements::Migration),
            Box::new(m20261201_000001_delivery_attempts::Migration),
            Box::new(m20261201_000002_superseded_keys::Migration),
            Box::new(m20261201_000003_queue_indexes::Migration),
            Box::new(m20261201_000004_audit_read_cases::Migration),
            Box::new(m20261201_000005_in_progress_indexes::Migration),
            Box::new(m20261201_000006_calendar_recomputations::Migration),
            Box::new(m20261202_000001_evidence_files::Migration),
            Box::new(m20261203_000001_provinces_and_districts::Migration),
            Box::new(m20261204_000001_protection_cycle::Migration),
            Box::new(m20261205_000001_plans_and_complaints::Migration),
            Box::new(m20261206_000001_coordination_meetings::Migration),
        ]
    }
}
