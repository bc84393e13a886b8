//! Encryption keys that no longer seal anything new. A rotation records the
//! keys it replaced; every instance checks, in each transaction that seals,
//! that its current key is not among them, so an instance that has not yet
//! seen a rotation refuses to seal with the old key instead of writing
//! values the rotation will not reach. Retiring a key records when. Only
//! key ids are stored here, never key material.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000002_superseded_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("superseded_keys")
                .col(integer("key_id").primary_key())
                // The key that replaced it as the current one.
                .col(integer("superseded_by"))
                .col(timestamp_with_time_zone("superseded_at"))
                // Set once no value is sealed under it and it left the key file.
                .col(timestamp_with_time_zone_null("retired_at"))
                .to_owned(),
        )
        .await
    }
}
