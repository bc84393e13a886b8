//! Staff accounts. The password is stored as an argon2id hash.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub sector_code: Option<String>,
    pub lead_coordinator: bool,
    pub password_hash: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    /// Sealed TOTP secret.
    #[sea_orm(column_type = "Text")]
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    /// The last TOTP time step used (a code is good once).
    pub totp_last_step: Option<i64>,
    /// Hashes of unused recovery codes, comma-separated.
    #[sea_orm(column_type = "Text")]
    pub recovery_codes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
