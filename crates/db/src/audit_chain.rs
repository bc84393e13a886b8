//! The audit trail's hash chain. Each entry's hash covers the previous
//! entry's hash and its own content, so editing, deleting or reordering any
//! entry breaks the chain from there on; the head row holds the last hash,
//! so removing entries at the end is caught too. Appends lock the head row
//! inside the transaction of the change they record.

use chrono::{DateTime, Utc};
use domain::workflow::AuditAction;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::connection::Database;
use crate::effects::Actor;
use crate::entities::{audit_chain_head, audit_events, audit_read_cases};
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
    /// The cases a read of several names in `fields` (see `reads_entry`),
    /// indexed in `audit_read_cases`; empty otherwise.
    pub(crate) read_cases: Vec<Uuid>,
}

/// Version 1 of the entry hash (the migration that created the chain
/// documents the same): SHA-256, hex, of the previous hash, the id and
/// the entry's `content_lines`, joined by `\n`.
fn entry_hash(previous: &str, id: i64, content: &str) -> String {
    hex(&Sha256::digest(format!("{previous}\n{id}\n{content}").as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the hash covers after the previous hash and the id, each column
/// on its own line (absent values as empty lines).
#[expect(clippy::too_many_arguments, reason = "the hash covers every column, spelt out")]
fn content_lines(
    recorded_at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    actor_role: &str,
    case_id: Option<Uuid>,
    action: &str,
    measure_no: Option<i32>,
    request_id: Option<&str>,
    fields: Option<&str>,
) -> String {
    [
        recorded_at.timestamp_micros().to_string(),
        actor_id.map(|a| a.to_string()).unwrap_or_default(),
        actor_role.to_owned(),
        case_id.map(|c| c.to_string()).unwrap_or_default(),
        action.to_owned(),
        measure_no.map(|n| n.to_string()).unwrap_or_default(),
        request_id.unwrap_or_default().to_owned(),
        fields.unwrap_or_default().to_owned(),
    ]
    .join("\n")
}

fn stored_hash(row: &audit_events::Model) -> String {
    let content = content_lines(
        row.recorded_at,
        row.actor_id,
        &row.actor_role,
        row.case_id,
        &row.action,
        row.measure_no,
        row.request_id.as_deref(),
        row.fields.as_deref(),
    );
    entry_hash(&row.prev_hash, row.id, &content)
}

impl NewEntry<'_> {
    fn content(&self) -> String {
        content_lines(
            self.at,
            self.actor.user_id,
            self.actor.role.code(),
            self.case_id,
            self.action.code(),
            self.measure_no,
            self.actor.request_id.as_deref(),
            self.fields.as_deref(),
        )
    }
}

/// Entries at most this many go through PostgreSQL's one-statement append;
/// more (an import's chunk) are chained here, where the cost stays linear.
const ONE_STATEMENT_MAX: usize = 16;

/// Entries one `append` may be given: the rows of audit_events, about a
/// dozen columns each, stay within the parameter limits.
pub(crate) const ENTRIES_PER_APPEND: usize = crate::bulk::MAX_PARAMETERS / 12;

/// Appends entries, chained, within the caller's transaction (or alone:
/// on PostgreSQL the append is one statement, atomic by itself).
pub(crate) async fn append(conn: &impl ConnectionTrait, entries: &[NewEntry<'_>]) -> DbResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    if conn.get_database_backend() == DbBackend::Postgres && entries.len() <= ONE_STATEMENT_MAX {
        return append_in_one_statement(conn, entries).await;
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
    let mut read_cases = Vec::new();
    for entry in entries {
        id += 1;
        let hash = entry_hash(&previous, id, &entry.content());
        rows.push(audit_events::ActiveModel {
            id: Set(id),
            recorded_at: Set(entry.at),
            actor_id: Set(entry.actor.user_id),
            actor_role: Set(entry.actor.role.code().to_owned()),
            case_id: Set(entry.case_id),
            action: Set(entry.action.code().to_owned()),
            measure_no: Set(entry.measure_no),
            request_id: Set(entry.actor.request_id.clone()),
            fields: Set(entry.fields.clone()),
            prev_hash: Set(previous.clone()),
            hash: Set(hash.clone()),
        });
        read_cases.extend(
            entry
                .read_cases
                .iter()
                .map(|case| audit_read_cases::ActiveModel { case_id: Set(*case), event_id: Set(id) }),
        );
        previous = hash;
    }
    // One statement, however many entries (an import's chunk).
    audit_events::Entity::insert_many(rows).exec_without_returning(conn).await?;
    if !read_cases.is_empty() {
        audit_read_cases::Entity::insert_many(read_cases).exec_without_returning(conn).await?;
    }
    audit_chain_head::Entity::update(audit_chain_head::ActiveModel {
        id: Set(1),
        last_id: Set(id),
        last_hash: Set(previous),
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// The same on PostgreSQL in one statement: it locks the head, chains the
/// entries (SHA-256 in the database, over the same text `entry_hash`
/// hashes), inserts them and their read cases, and moves the head. Alone
/// it is its own transaction, so the head's lock lasts one statement, not
/// the round trips of a transaction; a request's reads cost one round
/// trip.
async fn append_in_one_statement(conn: &impl ConnectionTrait, entries: &[NewEntry<'_>]) -> DbResult<()> {
    const SQL: &str = r"
WITH RECURSIVE head AS (
    SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE
), input AS (
    SELECT * FROM json_to_recordset($1::json) AS t(
        n bigint, recorded_at timestamptz, actor_id uuid, actor_role text, case_id uuid, action text,
        measure_no integer, request_id text, fields text, content text)
), chain(n, id, hash) AS (
    SELECT 0::bigint, last_id, last_hash::text FROM head
    UNION ALL
    SELECT input.n, chain.id + 1,
           encode(sha256(convert_to(chain.hash || E'\n' || (chain.id + 1)::text || E'\n' || input.content, 'UTF8')), 'hex')
    FROM chain JOIN input ON input.n = chain.n + 1
), inserted AS (
    INSERT INTO audit_events
        (id, recorded_at, actor_id, actor_role, case_id, action, measure_no, request_id, fields, prev_hash, hash)
    SELECT chain.id, input.recorded_at, input.actor_id, input.actor_role, input.case_id, input.action,
           input.measure_no, input.request_id, input.fields, previous.hash, chain.hash
    FROM input
    JOIN chain ON chain.n = input.n
    JOIN chain AS previous ON previous.n = input.n - 1
), read_cases AS (
    INSERT INTO audit_read_cases (case_id, event_id)
    SELECT r.case_id, chain.id FROM json_to_recordset($2::json) AS r(n bigint, case_id uuid)
    JOIN chain ON chain.n = r.n
)
UPDATE audit_chain_head SET last_id = last.id, last_hash = last.hash
FROM (SELECT id, hash FROM chain ORDER BY n DESC LIMIT 1) AS last
WHERE audit_chain_head.id = 1";
    let mut input = Vec::with_capacity(entries.len());
    let mut read_cases = Vec::new();
    for (n, entry) in (1_i64..).zip(entries) {
        input.push(serde_json::json!({
            "n": n,
            "recorded_at": entry.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "actor_id": entry.actor.user_id,
            "actor_role": entry.actor.role.code(),
            "case_id": entry.case_id,
            "action": entry.action.code(),
            "measure_no": entry.measure_no,
            "request_id": entry.actor.request_id,
            "fields": entry.fields,
            "content": entry.content(),
        }));
        read_cases.extend(entry.read_cases.iter().map(|case| serde_json::json!({ "n": n, "case_id": case })));
    }
    let values: [sea_orm::Value; 2] =
        [serde_json::Value::Array(input).to_string().into(), serde_json::Value::Array(read_cases).to_string().into()];
    conn.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, SQL, values)).await?;
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
            if let Some(id) = read_index_mismatch(conn, &rows).await? {
                return Ok(broken(entries, id, "el índice de casos leídos no coincide con la entrada"));
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

    /// Records what one request read of sensitive fields (one entry, however
    /// many cases: see `reads_entry`) and the operations it was refused
    /// (one entry each), in one append.
    pub async fn record_request(
        &self,
        actor: &Actor,
        reads: &[(Uuid, String)],
        refused: &[(AuditAction, String)],
        at: DateTime<Utc>,
    ) -> DbResult<()> {
        let denials = refused.iter().map(|(action, operation)| NewEntry {
            actor,
            at,
            case_id: None,
            action: *action,
            measure_no: None,
            fields: Some(operation.clone()),
            read_cases: Vec::new(),
        });
        let entries: Vec<NewEntry<'_>> = reads_entry(actor, reads, at).into_iter().chain(denials).collect();
        self.append_entries(&entries).await
    }

    async fn append_entries(&self, entries: &[NewEntry<'_>]) -> DbResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        if self.backend() == crate::Backend::Postgres && entries.len() <= ONE_STATEMENT_MAX {
            // Atomic alone: no transaction's round trips.
            return append(self.connection(), entries).await;
        }
        let tx = self.write_transaction().await?;
        append(&tx, entries).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The entries about a case: those that name it in `case_id`, and the
/// reads of several cases that include it.
pub(crate) fn about_case(case_id: Uuid) -> sea_orm::Condition {
    let reads = sea_orm::sea_query::Query::select()
        .column(audit_read_cases::Column::EventId)
        .from(audit_read_cases::Entity)
        .and_where(audit_read_cases::Column::CaseId.eq(case_id))
        .to_owned();
    sea_orm::Condition::any()
        .add(audit_events::Column::CaseId.eq(case_id))
        .add(audit_events::Column::Id.in_subquery(reads))
}

/// The first entry of `rows` (in id order) whose cases in
/// `audit_read_cases` differ from those its `fields` name: a deleted index
/// row would hide a read from whoever asks by case.
async fn read_index_mismatch(conn: &impl ConnectionTrait, rows: &[audit_events::Model]) -> DbResult<Option<i64>> {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return Ok(None) };
    let indexed = audit_read_cases::Entity::find()
        .filter(audit_read_cases::Column::EventId.between(first.id, last.id))
        .all(conn)
        .await?;
    let mut indexed: std::collections::BTreeSet<(i64, Uuid)> =
        indexed.into_iter().map(|r| (r.event_id, r.case_id)).collect();
    for row in rows {
        let action = AuditAction::parse(&row.action).ok();
        let named = action.map(|a| cases_read(a, row.case_id, row.fields.as_deref())).unwrap_or_default();
        let listed: std::collections::BTreeSet<Uuid> =
            indexed.extract_if(.., |(event, _)| *event == row.id).map(|(_, case)| case).collect();
        if listed != named.into_iter().collect() {
            return Ok(Some(row.id));
        }
    }
    // Index rows for entries that do not name them.
    Ok(indexed.first().map(|(event, _)| *event))
}

/// One request's reads as one entry. A single case: the entry names it in
/// `case_id` and its `fields` are what was read ("request:name; contact").
/// Several: `fields` has a line per case, `CASE-ID fields`, in the order
/// they were read, so the hash covers every case; `audit_read_cases` finds
/// the entry by any of them.
fn reads_entry<'a>(actor: &'a Actor, reads: &[(Uuid, String)], at: DateTime<Utc>) -> Option<NewEntry<'a>> {
    let mut by_case: Vec<(Uuid, Vec<&str>)> = Vec::new();
    for (case, fields) in reads {
        match by_case.iter_mut().find(|(c, _)| c == case) {
            Some((_, read)) if read.contains(&fields.as_str()) => {}
            Some((_, read)) => read.push(fields),
            None => by_case.push((*case, vec![fields])),
        }
    }
    let (case_id, fields, read_cases) = match by_case.as_slice() {
        [] => return None,
        [(case, fields)] => (Some(*case), fields.join("; "), Vec::new()),
        several => {
            let lines: Vec<String> =
                several.iter().map(|(case, fields)| format!("{case} {}", fields.join("; "))).collect();
            (None, lines.join("\n"), several.iter().map(|(case, _)| *case).collect())
        }
    };
    Some(NewEntry {
        actor,
        at,
        case_id,
        action: AuditAction::SensitiveRead,
        measure_no: None,
        fields: Some(fields),
        read_cases,
    })
}

/// The cases a read entry of several names (its `fields` lines); none for
/// any other entry.
pub(crate) fn cases_read(action: AuditAction, case_id: Option<Uuid>, fields: Option<&str>) -> Vec<Uuid> {
    match (action, case_id, fields) {
        (AuditAction::SensitiveRead, None, Some(fields)) => {
            fields.lines().filter_map(|line| line.split_once(' ')?.0.parse().ok()).collect()
        }
        _ => Vec::new(),
    }
}
