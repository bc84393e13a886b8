//! An evidence file: its record; its content is in `evidence_chunks`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub number: Option<i32>,
    pub state: String,
    pub declared_size: i64,
    pub received_size: i64,
    pub kind: Option<String>,
    pub sha256: Option<String>,
    /// Sealed (`sealed::EVIDENCE_NAME`).
    #[sea_orm(column_type = "Text", nullable)]
    pub given_name: Option<String>,
    pub sender_role: String,
    pub sender_user_id: Option<Uuid>,
    pub source_key: Option<String>,
    pub started_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
