//! A measure granted to a case and where it stands with its sector.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub measure_no: i32,
    pub measure_type_code: String,
    pub sector_code: String,
    pub status: String,
    pub notified_on: Option<Date>,
    pub extended_until: Option<Date>,
    pub verified_on: Option<Date>,
    pub updated_at: DateTimeUtc,
    /// The earliest due date of an open deadline; 9999-12-31 when none.
    pub next_due_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
