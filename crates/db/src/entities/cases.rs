//! One request and where it stands; `request_details` is the request as filed (sensitive).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub file_number: String,
    pub status: String,
    pub channel: String,
    pub department_code: String,
    pub province_code: Option<String>,
    pub received_on: Date,
    pub received_at: DateTimeUtc,
    pub admitted_on: Option<Date>,
    pub track: Option<String>,
    pub risk_level: Option<String>,
    pub defender_category: String,
    pub aggressor_type: Option<String>,
    pub language: String,
    pub interpreter_needed: bool,
    pub consent_status: String,
    pub is_collective: bool,
    pub beneficiary_count: i32,
    pub information_requested_on: Option<Date>,
    pub information_resume_status: Option<String>,
    pub resolution_act_number: Option<String>,
    pub resolution_act_date: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub request_details: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub assigned_officer_id: Option<Uuid>,
    pub consent_withdrawn_on: Option<Date>,
    pub intake_key_hash: Option<String>,
    pub intake_fingerprint: Option<String>,
    pub access_key_hash: Option<String>,
    /// The earliest due date of an open deadline; 9999-12-31 when none.
    pub next_due_on: Date,
    /// ADMIT, NOT_ADMIT or REFER, once evaluated.
    pub admissibility_outcome: Option<String>,
    pub admissibility_decided_on: Option<Date>,
    /// The day the risk was last assessed.
    pub risk_assessed_on: Option<Date>,
    pub plan_set_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
