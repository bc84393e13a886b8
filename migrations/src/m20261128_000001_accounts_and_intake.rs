//! Staff accounts and sessions; what public intake needs on a case
//! (idempotency, the requester's access key); assignment, consent
//! withdrawal; and the earliest pending due date of cases and measures,
//! kept with them so that work lists sort and filter by it with an index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000001_accounts_and_intake"
    }
}

/// Stored for cases and measures with no pending deadline, so that the
/// column is never NULL and keyset pagination stays simple.
const NO_DUE_DATE: &str = "9999-12-31";

async fn add_column(m: &SchemaManager<'_>, table: &'static str, column: ColumnDef) -> Result<(), DbErr> {
    // SQLite takes one column per ALTER TABLE.
    m.alter_table(Table::alter().table(table).add_column(column).to_owned()).await
}

async fn add_index(
    m: &SchemaManager<'_>,
    table: &'static str,
    name: &str,
    columns: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(format!("ix_{table}_{name}")).table(table);
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    m.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("users")
                .col(uuid("id").primary_key())
                // Lower-cased; the login name.
                .col(string_uniq("email"))
                .col(string("display_name"))
                .col(string("role"))
                // Coordinators belong to one sector.
                .col(string_null("sector_code"))
                .col(boolean("lead_coordinator").default(false))
                .col(string("password_hash"))
                .col(boolean("active").default(true))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_users_sector_code")
                        .from("users", "sector_code")
                        .to("sectors", "code")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sessions")
                .col(uuid("id").primary_key())
                .col(uuid("user_id"))
                // SHA-256 of the bearer token; the token itself is never stored.
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_user_id")
                        .from("sessions", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        add_index(m, "sessions", "user", &["user_id"], false).await?;

        add_column(m, "cases", uuid_null("assigned_officer_id")).await?;
        add_column(m, "cases", date_null("consent_withdrawn_on")).await?;
        // Hashes only: the idempotency key and the access key are secrets
        // of the requester's client.
        add_column(m, "cases", string_null("intake_key_hash")).await?;
        add_column(m, "cases", string_null("intake_fingerprint")).await?;
        add_column(m, "cases", string_null("access_key_hash")).await?;
        add_column(m, "cases", date("next_due_on").default(NO_DUE_DATE).take()).await?;
        add_column(m, "measures", date("next_due_on").default(NO_DUE_DATE).take()).await?;
        add_index(m, "cases", "intake_key", &["intake_key_hash"], true).await?;
        add_index(m, "cases", "assigned_officer", &["assigned_officer_id"], false).await?;
        add_index(m, "cases", "next_due", &["next_due_on", "id"], false).await?;
        add_index(m, "cases", "received_at", &["received_at", "id"], false).await?;
        add_index(m, "measures", "sector_next_due", &["sector_code", "next_due_on", "id"], false).await?;
        add_index(m, "deadlines", "case", &["case_id"], false).await?;
        Ok(())
    }
}
