//! The recomputation a calendar change asked for: its window, who asked,
//! how far it got.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_recomputations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub calendar_version: i64,
    pub first_day: Date,
    pub last_day: Date,
    pub department_code: Option<String>,
    pub actor_user_id: Option<Uuid>,
    pub actor_role: String,
    pub actor_request_id: Option<String>,
    pub requested_at: DateTimeUtc,
    pub cases_recomputed: i32,
    pub deadlines_moved: i32,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
