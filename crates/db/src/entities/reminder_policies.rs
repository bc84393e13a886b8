//! How each track's deadlines are reminded.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reminder_policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub track: String,
    pub before_due: String,
    pub overdue_every_working_day: bool,
    pub send_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
