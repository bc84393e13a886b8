//! The audit trail becomes tamper-evident: every entry carries the hash of
//! the previous one and its own, and a single head row (locked by every
//! append) holds the last id and hash. Entries written before this
//! migration are chained here, in id order.
//!
//! The hash (version 1) is SHA-256, hex, of these lines joined by `\n`:
//! previous hash, id, recorded_at as microseconds since the epoch, actor id,
//! actor role, case id, action, measure number, request id, fields (absent
//! values as empty lines). `db::audit_chain` computes the same.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sha2::{Digest, Sha256};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000003_audit_chain"
    }
}

/// The hash the first entry links to.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

async fn add_column(m: &SchemaManager<'_>, table: &'static str, column: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(table).add_column(column).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Which fields a sensitive read touched, or which operation was denied.
        add_column(m, "audit_events", string_null("fields")).await?;
        add_column(m, "audit_events", string("prev_hash").default("").take()).await?;
        add_column(m, "audit_events", string("hash").default("").take()).await?;
        m.create_table(
            Table::create()
                .table("audit_chain_head")
                .col(integer("id").primary_key())
                .col(big_integer("last_id"))
                .col(string("last_hash"))
                .to_owned(),
        )
        .await?;

        let conn = m.get_connection();
        let backend = conn.get_database_backend();
        let rows = conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, recorded_at, actor_id, actor_role, case_id, action, measure_no, request_id \
                 FROM audit_events ORDER BY id",
            ))
            .await?;
        let mut previous = GENESIS.to_owned();
        let mut last_id: i64 = 0;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let recorded_at: chrono::DateTime<chrono::Utc> = row.try_get("", "recorded_at")?;
            let actor_id: Option<sea_orm_migration::sea_orm::prelude::Uuid> = row.try_get("", "actor_id")?;
            let actor_role: String = row.try_get("", "actor_role")?;
            let case_id: Option<sea_orm_migration::sea_orm::prelude::Uuid> = row.try_get("", "case_id")?;
            let action: String = row.try_get("", "action")?;
            let measure_no: Option<i32> = row.try_get("", "measure_no")?;
            let request_id: Option<String> = row.try_get("", "request_id")?;
            let text = [
                previous.clone(),
                id.to_string(),
                recorded_at.timestamp_micros().to_string(),
                actor_id.map(|a| a.to_string()).unwrap_or_default(),
                actor_role,
                case_id.map(|c| c.to_string()).unwrap_or_default(),
                action,
                measure_no.map(|n| n.to_string()).unwrap_or_default(),
                request_id.unwrap_or_default(),
                String::new(),
            ]
            .join("\n");
            let hash: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
            m.exec_stmt(
                Query::update()
                    .table("audit_events")
                    .value("prev_hash", previous.clone())
                    .value("hash", hash.clone())
                    .and_where(Expr::col("id").eq(id))
                    .to_owned(),
            )
            .await?;
            previous = hash;
            last_id = id;
        }
        m.exec_stmt(
            Query::insert()
                .into_table("audit_chain_head")
                .columns(["id", "last_id", "last_hash"])
                .values([1.into(), last_id.into(), previous.into()])
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
