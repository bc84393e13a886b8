//! Calendar: periods during which deadlines do not run.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suspension_periods")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub first_day: Date,
    pub last_day: Date,
    pub department_code: Option<String>,
    pub legal_basis: String,
    pub source: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
