//! Every delivery attempt, one row each: which worker tried, when it began
//! and ended, and how it went. A row is written before the message goes to
//! the SMTP server and completed after, so an attempt cut short by a crash
//! is visible too (started, never finished).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000001_delivery_attempts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("delivery_attempts")
                .col(uuid("id").primary_key())
                .col(uuid("outbox_id"))
                // 1 for the first attempt of that message, 2 for the next…
                .col(integer("attempt"))
                // The lease owner: one name per worker process.
                .col(string("worker"))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                // SENT, RETRY or DEAD; empty while the attempt runs.
                .col(string_null("outcome"))
                // The SMTP code or kind of failure, never an address.
                .col(string_null("error"))
                .foreign_key(ForeignKey::create().from("delivery_attempts", "outbox_id").to("outbox", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_delivery_attempts_outbox")
                .table("delivery_attempts")
                .col("outbox_id")
                .col("attempt")
                .unique()
                .to_owned(),
        )
        .await
    }
}
