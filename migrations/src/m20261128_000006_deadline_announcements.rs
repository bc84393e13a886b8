//! Which deadlines have been announced to live subscribers as due soon or
//! overdue, at which version of their due date. One row per announcement:
//! inserting it is how one instance (of any number sharing the database)
//! claims the right to announce, so each is announced once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000006_deadline_announcements"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("deadline_announcements")
                .col(uuid("deadline_id"))
                // DUE_SOON or OVERDUE.
                .col(string("stage"))
                // The deadline's version: a moved deadline is announced again.
                .col(integer("version"))
                .col(timestamp_with_time_zone("announced_at"))
                .primary_key(Index::create().col("deadline_id").col("stage").col("version"))
                .foreign_key(ForeignKey::create().from("deadline_announcements", "deadline_id").to("deadlines", "id"))
                .to_owned(),
        )
        .await
    }
}
