//! Protecting staff logins: consecutive failures and the lock they cause,
//! and the optional second factor (a TOTP secret, sealed like other
//! secrets, and the hashes of single-use recovery codes).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000004_login_protection"
    }
}

async fn add_column(m: &SchemaManager<'_>, column: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table("users").add_column(column).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add_column(m, integer("failed_logins").default(0).take()).await?;
        add_column(m, timestamp_with_time_zone_null("locked_until")).await?;
        // Sealed with the encryption keys (bound to users.totp_secret and the user).
        add_column(m, text_null("totp_secret")).await?;
        add_column(m, boolean("totp_enabled").default(false).take()).await?;
        add_column(m, big_integer_null("totp_last_step")).await?;
        // SHA-256 hashes of the unused recovery codes, comma-separated.
        add_column(m, text_null("recovery_codes")).await?;
        Ok(())
    }
}
