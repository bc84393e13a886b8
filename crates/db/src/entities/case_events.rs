//! The file's history: each command with what it said (sensitive payload).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub seq: i32,
    pub action: String,
    pub measure_no: Option<i32>,
    pub occurred_on: Date,
    pub recorded_at: DateTimeUtc,
    pub actor_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
