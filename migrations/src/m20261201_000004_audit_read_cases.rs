//! A request's sensitive reads become one audit entry, whatever the number
//! of cases it read (a page of 50 used to write 50 entries through the
//! chain's head). The entry's `fields` names every case read, one line
//! each, so the chain's hash covers them; this table only finds those
//! entries again by case (an auditor's "who read this case"). It holds
//! nothing the hash does not cover, and the chain's verification checks
//! that it says the same as the entries.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000004_audit_read_cases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key, like the trail itself: it outlives anything.
        m.create_table(
            Table::create()
                .table("audit_read_cases")
                .col(uuid("case_id"))
                .col(big_integer("event_id"))
                .primary_key(Index::create().col("case_id").col("event_id"))
                .to_owned(),
        )
        .await?;
        // The verification reads it in entry order.
        m.create_index(
            Index::create().name("ix_audit_read_cases_event").table("audit_read_cases").col("event_id").to_owned(),
        )
        .await
    }
}
