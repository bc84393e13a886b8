//! The deadline rules in force.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deadline_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub track: Option<String>,
    pub amount: i32,
    pub unit: String,
    pub start_event: String,
    pub owner: String,
    /// Reviews: the type of measure the rule is for; `None`: every type.
    pub measure_type_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
