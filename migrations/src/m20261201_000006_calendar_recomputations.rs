//! A calendar change no longer recomputes every deadline it touches in its
//! own transaction (131 s holding writers for one region at 10⁶): it
//! commits with one row here, the window it touches, and the deadlines are
//! recomputed in short batches after it. The row is how an interrupted
//! recomputation is found and finished (by the worker of any instance),
//! and how far it got (the cases and deadlines done so far).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000006_calendar_recomputations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("calendar_recomputations")
                // The calendar version the change made.
                .col(big_integer("calendar_version").primary_key())
                // The changed days, and the department (none: national).
                .col(date("first_day"))
                .col(date("last_day"))
                .col(string_null("department_code"))
                // Who changed the calendar: the recomputation's events are theirs.
                .col(uuid_null("actor_user_id"))
                .col(string("actor_role"))
                .col(string_null("actor_request_id"))
                .col(timestamp_with_time_zone("requested_at"))
                .col(integer("cases_recomputed").default(0))
                .col(integer("deadlines_moved").default(0))
                .col(timestamp_with_time_zone_null("finished_at"))
                .to_owned(),
        )
        .await
    }
}
