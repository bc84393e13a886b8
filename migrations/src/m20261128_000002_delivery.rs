//! Delivery: outbox rows per recipient (notices, deadline reminders and
//! calendar cancellations) with leases and expiry; the reminder policies;
//! the sector of measure deadlines (coordinators' lists filter on it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::seed::insert_rows;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000002_delivery"
    }
}

async fn add_column(m: &SchemaManager<'_>, table: &'static str, column: ColumnDef) -> Result<(), DbErr> {
    // SQLite takes one column per ALTER TABLE.
    m.alter_table(Table::alter().table(table).add_column(column).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // NOTICE (something happened), REMINDER (a deadline milestone) or
        // CANCEL (a deadline's calendar event is withdrawn).
        add_column(m, "outbox", string("kind").default("NOTICE").take()).await?;
        add_column(m, "outbox", uuid_null("deadline_id")).await?;
        add_column(m, "outbox", integer_null("deadline_version")).await?;
        // `D-5`, `D-0`, `OVERDUE:2026-08-12`, `CANCEL`.
        add_column(m, "outbox", string_null("milestone")).await?;
        // `user:<id>` or `requester`; resolved to an address when sending.
        add_column(m, "outbox", string("recipient").default("").take()).await?;
        // Past this instant the message is useless: it expires unsent.
        add_column(m, "outbox", timestamp_with_time_zone_null("expires_at")).await?;
        // Which worker holds the lease, so only it records the result.
        add_column(m, "outbox", string_null("lease_owner")).await?;
        m.create_index(
            Index::create()
                .name("ix_outbox_deadline_status")
                .table("outbox")
                .col("deadline_id")
                .col("status")
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_outbox_case").table("outbox").col("case_id").to_owned()).await?;
        // Rows planned before delivery existed were addressed to roles, not
        // people; they are about past events and are closed, visibly.
        m.exec_stmt(
            Query::update()
                .table("outbox")
                .value("status", "EXPIRED")
                .value("last_error", "planificado antes de que existiera el envío")
                .and_where(Expr::col("recipient").eq(""))
                .and_where(Expr::col("status").eq("PENDING"))
                .to_owned(),
        )
        .await?;

        add_column(m, "deadlines", string_null("sector_code")).await?;
        m.create_index(
            Index::create()
                .name("ix_deadlines_sector_status_due")
                .table("deadlines")
                .col("sector_code")
                .col("status")
                .col("due_on")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("reminder_policies")
                .col(string("track").primary_key())
                // Working days before the due date, e.g. `5,2,1,0`.
                .col(string("before_due"))
                .col(boolean("overdue_every_working_day"))
                // Local time in Lima, `HH:MM`.
                .col(string("send_at"))
                .to_owned(),
        )
        .await?;
        insert_rows(
            m,
            "reminder_policies",
            &["track", "before_due", "overdue_every_working_day", "send_at"],
            vec![
                vec!["ORDINARY".into(), "5,2,1,0".into(), true.into(), "09:00".into()],
                vec!["URGENT".into(), "3,1,0".into(), true.into(), "09:00".into()],
            ],
        )
        .await?;
        Ok(())
    }
}
