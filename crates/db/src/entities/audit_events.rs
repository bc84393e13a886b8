//! The audit trail: who did what to which case, when. Append-only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub recorded_at: DateTimeUtc,
    pub actor_id: Option<Uuid>,
    pub actor_role: String,
    pub case_id: Option<Uuid>,
    pub action: String,
    pub measure_no: Option<i32>,
    pub request_id: Option<String>,
    /// What a sensitive read touched, or the operation denied.
    pub fields: Option<String>,
    /// The previous entry's hash (the chain).
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
