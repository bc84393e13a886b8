//! Key rotation's database side, driven by the one list of sealed columns
//! (`sealed::SEALED_COLUMNS`): seal every value again under the current
//! key, count the values each key seals, record which keys a rotation
//! superseded, and retire a key only once nothing anywhere is sealed under
//! it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use uuid::Uuid;

use crate::connection::Database;
use crate::crypto::Keyring;
use crate::entities::superseded_keys;
use crate::error::{DbError, DbResult};
use crate::key_state::superseded;
use crate::sealed::{ChunkBinding, SEALED_COLUMNS, SealedColumn, SealedForm, open_chunk, reseal, seal_chunk};

/// Values sealed again by a rotation, per column (`table.column`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResealReport {
    pub resealed: BTreeMap<String, u64>,
}

impl ResealReport {
    pub fn total(&self) -> u64 {
        self.resealed.values().sum()
    }
}

impl std::fmt::Display for ResealReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.resealed.iter().map(|(column, n)| format!("{column}: {n}")).collect();
        write!(f, "{}", parts.join(", "))
    }
}

const BATCH: u64 = 500;
/// Chunks of evidence are up to 256 KiB each: fewer at a time.
const CHUNK_BATCH: u64 = 16;

impl Database {
    /// Seals every sensitive value under the current key, column by column
    /// and in batches, each batch in its own transaction. A value changed
    /// meanwhile (a second factor enrolled again) is left as the change
    /// wrote it, under the current key. `legacy_plaintext` also seals JSON
    /// written before encryption existed.
    pub async fn reseal_all(&self, legacy_plaintext: bool) -> DbResult<ResealReport> {
        let keys = self.keys()?;
        let mut report = ResealReport::default();
        for place in SEALED_COLUMNS {
            let count = self.reseal_column(&keys, place, legacy_plaintext).await?;
            report.resealed.insert(format!("{}.{}", place.table, place.column), count);
        }
        Ok(report)
    }

    async fn reseal_column(&self, keys: &Keyring, place: SealedColumn, legacy_plaintext: bool) -> DbResult<u64> {
        if place.form == SealedForm::Chunk {
            return self.reseal_chunks(keys, place).await;
        }
        let (table, column, id) = (Alias::new(place.table), Alias::new(place.column), Alias::new(place.id));
        let mut resealed = 0;
        let mut after = Uuid::nil();
        loop {
            let tx = self.write_transaction().await?;
            let select = Query::select()
                .columns([id.clone(), column.clone()])
                .from(table.clone())
                .and_where(Expr::col(column.clone()).is_not_null())
                .and_where(Expr::col(id.clone()).gt(after))
                .order_by(id.clone(), Order::Asc)
                .limit(BATCH)
                .to_owned();
            let rows = tx.query_all(&select).await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get::<Uuid>("", place.id)?;
            for row in &rows {
                let (row_id, stored): (Uuid, String) = (row.try_get("", place.id)?, row.try_get("", place.column)?);
                let Some(sealed) = reseal(keys, place, row_id, &stored, legacy_plaintext)? else { continue };
                let update = Query::update()
                    .table(table.clone())
                    .value(column.clone(), sealed)
                    .and_where(Expr::col(id.clone()).eq(row_id))
                    .and_where(Expr::col(column.clone()).eq(stored))
                    .to_owned();
                resealed += tx.execute(&update).await?.rows_affected();
            }
            tx.commit().await?;
        }
        Ok(resealed)
    }

    /// Seals again every chunk of evidence not sealed under the current key,
    /// a few at a time. The key id kept beside each chunk says which.
    async fn reseal_chunks(&self, keys: &Keyring, place: SealedColumn) -> DbResult<u64> {
        let current = i32::try_from(keys.current_id()).map_err(|_| DbError::Corrupt("evidence_chunks.key_id"))?;
        let (table, column, id) = (Alias::new(place.table), Alias::new(place.column), Alias::new(place.id));
        let mut resealed = 0;
        let mut after = Uuid::nil();
        loop {
            let tx = self.write_transaction().await?;
            let select = Query::select()
                .columns([id.clone(), Alias::new("file_id"), Alias::new("case_id"), Alias::new("number")])
                .columns([Alias::new("key_id"), column.clone()])
                .from(table.clone())
                .and_where(Expr::col(Alias::new("key_id")).ne(current))
                .and_where(Expr::col(id.clone()).gt(after))
                .order_by(id.clone(), Order::Asc)
                .limit(CHUNK_BATCH)
                .to_owned();
            let rows = tx.query_all(&select).await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get::<Uuid>("", place.id)?;
            for row in &rows {
                let binding = ChunkBinding {
                    file: row.try_get("", "file_id")?,
                    case: row.try_get("", "case_id")?,
                    number: row.try_get("", "number")?,
                };
                let (row_id, old_key): (Uuid, i32) = (row.try_get("", place.id)?, row.try_get("", "key_id")?);
                let stored: Vec<u8> = row.try_get("", place.column)?;
                let plaintext = open_chunk(keys, binding, old_key, &stored)?;
                let (key, sealed) = seal_chunk(keys, binding, &plaintext)?;
                let update = Query::update()
                    .table(table.clone())
                    .value(column.clone(), sealed)
                    .value(Alias::new("key_id"), key)
                    .and_where(Expr::col(id.clone()).eq(row_id))
                    .and_where(Expr::col(Alias::new("key_id")).eq(old_key))
                    .to_owned();
                resealed += tx.execute(&update).await?.rows_affected();
            }
            tx.commit().await?;
        }
        Ok(resealed)
    }

    /// How many sensitive values each key seals, over every sealed column
    /// (0: not sealed at all). Counted in the database, one GROUP BY per
    /// column.
    pub async fn keys_in_use(&self) -> DbResult<BTreeMap<u32, u64>> {
        let backend = self.connection().get_database_backend();
        let mut counts = BTreeMap::new();
        for place in SEALED_COLUMNS {
            let (table, column) = (place.table, place.column);
            if place.form == SealedForm::Chunk {
                let sql = format!("SELECT key_id, COUNT(*) AS n FROM {table} GROUP BY key_id");
                for row in self.connection().query_all_raw(Statement::from_string(backend, sql)).await? {
                    let (key, n): (i32, i64) = (row.try_get("", "key_id")?, row.try_get("", "n")?);
                    let id = u32::try_from(key).unwrap_or(0);
                    *counts.entry(id).or_insert(0) += u64::try_from(n).unwrap_or(0);
                }
                continue;
            }
            // The key id is the second dot-separated part of `ENC1.<id>.…`.
            let key = match backend {
                DbBackend::Postgres => format!("split_part({column}, '.', 2)"),
                _ => format!("substr({column}, 6, instr(substr({column}, 6), '.') - 1)"),
            };
            let sql = format!(
                "SELECT CASE WHEN {column} LIKE 'ENC1.%' THEN {key} ELSE '0' END AS key_id, COUNT(*) AS n \
                 FROM {table} WHERE {column} IS NOT NULL GROUP BY 1"
            );
            for row in self.connection().query_all_raw(Statement::from_string(backend, sql)).await? {
                let (key, n): (String, i64) = (row.try_get("", "key_id")?, row.try_get("", "n")?);
                // A malformed id counts as unsealed: it opens under no key.
                let id = key.parse().unwrap_or(0);
                *counts.entry(id).or_insert(0) += u64::try_from(n).unwrap_or(0);
            }
        }
        Ok(counts)
    }

    /// Records that `current` replaced every other key of `keys` as the
    /// key new values are sealed with. Refused when `current` itself was
    /// superseded before: a key, once replaced, never seals again.
    pub async fn record_rotation(&self, keys: &Keyring, at: DateTime<Utc>) -> DbResult<()> {
        let current = keys.current_id();
        let tx = self.write_transaction().await?;
        if superseded(&tx, current).await? {
            return Err(DbError::Rejected(format!(
                "key {current} was replaced by an earlier rotation: make a new key (resguardo keys generate)"
            )));
        }
        let rows: Vec<superseded_keys::ActiveModel> = keys
            .key_ids()
            .into_iter()
            .filter(|id| *id != current)
            .map(|id| superseded_keys::ActiveModel {
                key_id: sea_orm::ActiveValue::Set(i32::try_from(id).unwrap_or(i32::MAX)),
                superseded_by: sea_orm::ActiveValue::Set(i32::try_from(current).unwrap_or(i32::MAX)),
                superseded_at: sea_orm::ActiveValue::Set(at),
                retired_at: sea_orm::ActiveValue::Set(None),
            })
            .collect();
        if !rows.is_empty() {
            let upsert = OnConflict::column(superseded_keys::Column::KeyId).do_nothing().to_owned();
            superseded_keys::Entity::insert_many(rows).on_conflict(upsert).exec_without_returning(&tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Marks key `id` retired, after checking that no value anywhere is
    /// sealed under it and that it is not `current`. The caller then
    /// removes it from the key file or the environment.
    pub async fn retire_key(&self, id: u32, current: u32, at: DateTime<Utc>) -> DbResult<()> {
        if id == current {
            return Err(DbError::Rejected(format!("key {id} is the current key: rotate first")));
        }
        if let Some(count) = self.keys_in_use().await?.get(&id) {
            return Err(DbError::Rejected(format!(
                "key {id} still seals {count} value(s): run `resguardo keys reseal`, then retire it"
            )));
        }
        let row = superseded_keys::ActiveModel {
            key_id: sea_orm::ActiveValue::Set(i32::try_from(id).unwrap_or(i32::MAX)),
            superseded_by: sea_orm::ActiveValue::Set(i32::try_from(current).unwrap_or(i32::MAX)),
            superseded_at: sea_orm::ActiveValue::Set(at),
            retired_at: sea_orm::ActiveValue::Set(Some(at)),
        };
        let upsert = OnConflict::column(superseded_keys::Column::KeyId)
            .update_column(superseded_keys::Column::RetiredAt)
            .to_owned();
        superseded_keys::Entity::insert(row).on_conflict(upsert).exec_without_returning(self.connection()).await?;
        Ok(())
    }

    /// Whether a rotation superseded key `id` (an instance must not start
    /// sealing with it).
    pub async fn key_superseded(&self, id: u32) -> DbResult<bool> {
        superseded(self.connection(), id).await
    }
}
