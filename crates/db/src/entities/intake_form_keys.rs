//! A key pair the request form's submissions are encrypted to.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "intake_form_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub generation: i32,
    #[sea_orm(column_type = "Text")]
    pub public_key: String,
    /// Sealed (`sealed::INTAKE_FORM_KEY`).
    #[sea_orm(column_type = "Text")]
    pub private_key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
