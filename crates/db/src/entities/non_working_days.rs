//! Calendar: decreed public-sector non-working days, national or for one department.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "non_working_days")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub day: Date,
    pub department_code: Option<String>,
    pub legal_basis: String,
    pub source: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
