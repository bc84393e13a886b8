//! A deadline of a case, with the rule it was computed with.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deadlines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub deadline_key: String,
    pub kind: String,
    pub measure_no: Option<i32>,
    pub rule_track: Option<String>,
    pub rule_amount: i32,
    pub rule_unit: String,
    pub rule_start_event: String,
    pub rule_owner: String,
    pub start_on: Date,
    pub suspended_working_days: i32,
    pub due_on: Date,
    pub version: i32,
    pub calendar_version: i64,
    pub status: String,
    pub status_on: Option<Date>,
    pub on_time: Option<bool>,
    pub updated_at: DateTimeUtc,
    /// For measure and agreement deadlines: their sector.
    pub sector_code: Option<String>,
    /// Reviews: the type of measure the rule was for; `None` for a rule
    /// for every type.
    pub rule_measure_type: Option<String>,
    /// For an agreement's deadline: the agreement's number.
    pub agreement_no: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
