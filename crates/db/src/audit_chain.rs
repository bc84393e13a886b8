//! The audit trail's hash chain. Each entry's hash covers the previous
//! entry's hash and its own content, so editing, deleting or reordering any
//! entry breaks the chain from there on; the head row holds the last hash,
//! so removing entries at the end is caught too. Appends lock the head row
//! inside the transaction of the change they record.

use chrono::{DateTime, Utc};
use domain::workflow::AuditAction;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::connection::Database;
use crate::effects::Actor;
use crate::entities::{audit_chain_head, audit_events};
use crate::error::{DbError, DbResult};

/// What the first entry links to.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry to append.
pub(crate) struct NewEntry<'a> {
    pub(crate) actor: &'a Actor,
    pub(crate) at: DateTime<Utc>,
    pub(crate) case_id: Option<Uuid>,
    pub(crate) action: AuditAction,
    pub(crate) measure_no: Option<i32>,
    pub(crate) fields: Option<String>,
}

/// Version 1 of the entry hash (the migration that created the chain
/// documents the same).
#[expect(clippy::too_many_arguments, reason = "the hash covers every column, spelt out")]
fn entry_hash(
    previous: &str,
    id: i64,
    recorded_at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    actor_role: &str,
    case_id: Option<Uuid>,
    action: &str,
    measure_no: Option<i32>,
    request_id: Option<&str>,
    fields: Option<&str>,
) -> String {
    let text = [
        previous.to_owned(),
        id.to_string(),
        recorded_at.timestamp_micros().to_string(),
        actor_id.map(|a| a.to_string()).unwrap_or_default(),
        actor_role.to_owned(),
        case_id.map(|c| c.to_string()).unwrap_or_default(),
        action.to_owned(),
        measure_no.map(|n| n.to_string()).unwrap_or_default(),
        request_id.unwrap_or_default().to_owned(),
        fields.unwrap_or_default().to_owned(),
    ]
    .join("\n");
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn stored_hash(row: &audit_events::Model) -> String {
    entry_hash(
        &row.prev_hash,
        row.id,
        row.recorded_at,
        row.actor_id,
        &row.actor_role,
        row.case_id,
        &row.action,
        row.measure_no,
        row.request_id.as_deref(),
        row.fields.as_deref(),
    )
}

/// Appends entries, chained, within the caller's transaction.
pub(crate) async fn append(conn: &impl ConnectionTrait, entries: &[NewEntry<'_>]) -> DbResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    // Locks the head until the transaction ends (FOR UPDATE on PostgreSQL;
    // SQLite's write transactions are exclusive anyway).
    let head = audit_chain_head::Entity::find_by_id(1)
        .lock_exclusive()
        .one(conn)
        .await?
        .ok_or(DbError::Corrupt("audit_chain_head"))?;
    let (mut id, mut previous) = (head.last_id, head.last_hash);
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        id += 1;
        let role = entry.actor.role.code();
        let hash = entry_hash(
            &previous,
            id,
            entry.at,
            entry.actor.user_id,
            role,
            entry.case_id,
            entry.action.code(),
            entry.measure_no,
            entry.actor.request_id.as_deref(),
            entry.fields.as_deref(),
        );
        rows.push(audit_events::ActiveModel {
            id: Set(id),
            recorded_at: Set(entry.at),
            actor_id: Set(entry.actor.user_id),
            actor_role: Set(role.to_owned()),
            case_id: Set(entry.case_id),
            action: Set(entry.action.code().to_owned()),
            measure_no: Set(entry.measure_no),
            request_id: Set(entry.actor.request_id.clone()),
            fields: Set(entry.fields.clone()),
            prev_hash: Set(previous.clone()),
            hash: Set(hash.clone()),
        });
        previous = hash;
    }
    // One statement, however many entries (a page of 50 cases read at once).
    audit_events::Entity::insert_many(rows).exec_without_returning(conn).await?;
    audit_chain_head::Entity::update(audit_chain_head::ActiveModel {
        id: Set(1),
        last_id: Set(id),
        last_hash: Set(previous),
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Where the chain breaks, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first entry that does not fit (or the last id the head expects).
    pub id: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: u64,
    pub broken: Option<ChainBreak>,
    /// The last entry's id and hash, when the chain is intact: kept
    /// outside the database, it becomes an anchor for the next check.
    pub head: Option<Anchor>,
}

/// An entry's id and hash recorded outside the database. Whoever can write
/// to the database could rebuild a whole consistent chain; an anchor kept
/// elsewhere (a ticket, a printout, another system's log) catches that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub id: i64,
    pub hash: String,
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
}

impl std::str::FromStr for Anchor {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (id, hash) = text.split_once(':').ok_or("expected ID:HASH")?;
        let id = id.trim().parse().map_err(|_| "the id is not a number")?;
        let hash = hash.trim().to_ascii_lowercase();
        if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err("the hash is not 64 hexadecimal digits".into());
        }
        Ok(Anchor { id, hash })
    }
}

fn broken(entries: u64, id: i64, reason: &str) -> ChainReport {
    ChainReport { entries, broken: Some(ChainBreak { id, reason: reason.to_owned() }), head: None }
}

impl Database {
    /// Recomputes the whole chain, in id order, a thousand entries at a
    /// time, and says where it first breaks.
    pub async fn verify_audit_chain(&self) -> DbResult<ChainReport> {
        self.verify_audit_chain_against(&[]).await
    }

    /// The same, and each anchor must match the entry with its id.
    pub async fn verify_audit_chain_against(&self, anchors: &[Anchor]) -> DbResult<ChainReport> {
        let conn = self.connection();
        let mut previous = GENESIS.to_owned();
        let mut expected_id = 1;
        let mut entries = 0;
        loop {
            let rows = audit_events::Entity::find()
                .filter(audit_events::Column::Id.gte(expected_id))
                .order_by_asc(audit_events::Column::Id)
                .limit(1000)
                .all(conn)
                .await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                if row.id != expected_id {
                    return Ok(broken(entries, expected_id, "falta la entrada (borrada)"));
                }
                if row.prev_hash != previous {
                    return Ok(broken(entries, row.id, "no enlaza con la entrada anterior (borrada o reordenada)"));
                }
                if stored_hash(&row) != row.hash {
                    return Ok(broken(entries, row.id, "su contenido fue modificado"));
                }
                if anchors.iter().any(|a| a.id == row.id && a.hash != row.hash) {
                    return Ok(broken(entries, row.id, "no coincide con el ancla guardada (la cadena fue reescrita)"));
                }
                previous = row.hash;
                expected_id += 1;
                entries += 1;
            }
        }
        let head =
            audit_chain_head::Entity::find_by_id(1).one(conn).await?.ok_or(DbError::Corrupt("audit_chain_head"))?;
        if head.last_id != expected_id - 1 || head.last_hash != previous {
            return Ok(broken(entries, head.last_id, "faltan entradas al final de la cadena (borradas)"));
        }
        if let Some(missing) = anchors.iter().find(|a| a.id > head.last_id) {
            return Ok(broken(entries, missing.id, "la entrada del ancla ya no existe (borrada)"));
        }
        let head = (head.last_id > 0).then_some(Anchor { id: head.last_id, hash: head.last_hash });
        Ok(ChainReport { entries, broken: None, head })
    }

    /// Records reads of sensitive fields: one entry per case.
    pub async fn record_reads(&self, actor: &Actor, reads: &[(Uuid, String)], at: DateTime<Utc>) -> DbResult<()> {
        let entries: Vec<NewEntry<'_>> = reads
            .iter()
            .map(|(case_id, fields)| NewEntry {
                actor,
                at,
                case_id: Some(*case_id),
                action: AuditAction::SensitiveRead,
                measure_no: None,
                fields: Some(fields.clone()),
            })
            .collect();
        self.append_entries(&entries).await
    }

    /// Records refused attempts (the operations, by name).
    pub async fn record_denials(&self, actor: &Actor, operations: &[String], at: DateTime<Utc>) -> DbResult<()> {
        let entries: Vec<NewEntry<'_>> = operations
            .iter()
            .map(|operation| NewEntry {
                actor,
                at,
                case_id: None,
                action: AuditAction::AccessDenied,
                measure_no: None,
                fields: Some(operation.clone()),
            })
            .collect();
        self.append_entries(&entries).await
    }

    async fn append_entries(&self, entries: &[NewEntry<'_>]) -> DbResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let tx = self.write_transaction().await?;
        append(&tx, entries).await?;
        tx.commit().await?;
        Ok(())
    }
}
