//! A notification planned in the transaction that caused it, waiting for delivery.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub dedupe_key: String,
    pub audience: String,
    pub sector_code: Option<String>,
    pub topic: String,
    pub topic_ref: Option<String>,
    pub status: String,
    pub not_before: DateTimeUtc,
    pub attempts: i32,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// NOTICE, REMINDER or CANCEL.
    pub kind: String,
    pub deadline_id: Option<Uuid>,
    pub deadline_version: Option<i32>,
    pub milestone: Option<String>,
    /// `user:<id>` or `requester`.
    pub recipient: String,
    pub expires_at: Option<DateTimeUtc>,
    pub lease_owner: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
