//! A chunk of an evidence file's content, sealed (`sealed::EVIDENCE_CHUNK`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence_chunks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub file_id: Uuid,
    pub case_id: Uuid,
    pub number: i32,
    pub size: i32,
    pub key_id: i32,
    #[sea_orm(column_type = "Blob")]
    pub sealed: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
