//! Calendar: national holiday rules (fixed date or Easter offset).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "holiday_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub month: Option<i32>,
    pub day: Option<i32>,
    pub easter_offset: Option<i32>,
    pub from_year: Option<i32>,
    pub until_year: Option<i32>,
    pub legal_basis: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
