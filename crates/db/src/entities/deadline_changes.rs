//! Every change of a deadline: set, moved, suspended, resumed, closed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deadline_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub deadline_id: Uuid,
    pub change: String,
    pub previous_due: Option<Date>,
    pub due_on: Date,
    pub version: i32,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
