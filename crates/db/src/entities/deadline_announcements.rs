//! A deadline announced to live subscribers as due soon or overdue.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deadline_announcements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub deadline_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub announced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
