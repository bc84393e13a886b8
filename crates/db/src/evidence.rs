//! Evidence files (decision 0013): an upload is started with the size it
//! will have, receives its chunks in any order and any number of times
//! (a chunk sent again after a cut is taken once), and is finished by
//! checking the content (its kind from its first bytes, its SHA-256) and
//! recording it on the case's history in the same transaction. Every
//! chunk is sealed with the keyring, bound to its file, case and number.
//! Unfinished uploads expire and are deleted.

use chrono::{DateTime, Duration, Utc};
use domain::evidence::{
    CHUNK_BYTES, CaseEvidence, EvidenceFile, EvidenceLimits, EvidenceRefusal, EvidenceType, SNIFF_BYTES, chunk_at,
    chunk_count,
};
use domain::roles::Role;
use domain::text::ShortText;
use domain::workflow::{AuditAction, Case, CaseStatus, Command, TransitionError, steps};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit_chain::hex;
use crate::connection::Database;
use crate::crypto::Keyring;
use crate::effects::Actor;
use crate::entities::{cases, evidence_chunks, evidence_files};
use crate::error::{DbError, DbResult};
use crate::parse::parse_code;
use crate::sealed::{ChunkBinding, EVIDENCE_NAME, open, open_chunk, seal, seal_chunk};

const UPLOADING: &str = "UPLOADING";
const COMPLETE: &str = "COMPLETE";

/// Chunks read at a time when a file is hashed at the end (4 MiB).
const READ_BATCH: u64 = 16;

/// An upload to start: the case, the size announced, the name the file
/// had (sealed; never shown to anyone but officers), who sends it.
#[derive(Debug, Clone)]
pub struct NewUpload<'a> {
    pub case_id: Uuid,
    pub declared_size: u64,
    pub given_name: Option<&'a str>,
    pub limits: EvidenceLimits,
    pub sender: &'a Actor,
    pub at: DateTime<Utc>,
    /// How long it may take before it expires unfinished.
    pub lifetime: Duration,
    /// For a file an app sent with a submission: what identifies it among
    /// the app's resends (a keyed digest of the instance and the name).
    pub source_key: Option<String>,
}

/// An upload and how far it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceUpload {
    pub id: Uuid,
    pub case_id: Uuid,
    pub declared_size: u64,
    pub received_size: u64,
    /// Where the first chunk not yet received starts (`declared_size` when
    /// every chunk is in).
    pub next_offset: u64,
    pub complete: bool,
    pub expires_at: DateTime<Utc>,
    /// Who started it: the requester (no user) or a staff member. Only
    /// they may go on with it.
    pub sender_role: Role,
    pub sender_user_id: Option<Uuid>,
}

/// A file received as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFileRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub file: EvidenceFile,
    /// The name it was sent with, opened (personal data).
    pub given_name: Option<String>,
    pub sender_role: Role,
    pub received_at: DateTime<Utc>,
}

impl Database {
    /// Starts an upload, after checking that the case takes evidence now
    /// and has room for this file under `limits` (unfinished uploads that
    /// have not expired count with the size they announced).
    pub async fn start_evidence_upload(&self, new: NewUpload<'_>) -> DbResult<EvidenceUpload> {
        let tx = self.write_transaction().await?;
        require_open(&tx, new.case_id).await?;
        if let Some(key) = &new.source_key {
            // An earlier try of the same file that expired makes way.
            let expired: Vec<Uuid> = evidence_files::Entity::find()
                .select_only()
                .column(evidence_files::Column::Id)
                .filter(evidence_files::Column::CaseId.eq(new.case_id))
                .filter(evidence_files::Column::SourceKey.eq(key.as_str()))
                .filter(evidence_files::Column::State.eq(UPLOADING))
                .filter(evidence_files::Column::ExpiresAt.lte(new.at))
                .into_tuple()
                .all(&tx)
                .await?;
            delete_unfinished(&tx, expired).await?;
        }
        let held = held(&tx, new.case_id, new.at).await?;
        new.limits.admit(new.declared_size, held).map_err(EvidenceRefusal::from)?;
        let id = Uuid::new_v4();
        let keys = self.sealing_keys(&tx).await?;
        let given_name = match new.given_name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => Some(seal(&keys, EVIDENCE_NAME, id, name.as_bytes())?),
            None => None,
        };
        let row = evidence_files::ActiveModel {
            id: Set(id),
            case_id: Set(new.case_id),
            number: Set(None),
            state: Set(UPLOADING.to_owned()),
            declared_size: Set(to_i64(new.declared_size)?),
            received_size: Set(0),
            kind: Set(None),
            sha256: Set(None),
            given_name: Set(given_name),
            sender_role: Set(new.sender.role.code().to_owned()),
            sender_user_id: Set(new.sender.user_id),
            source_key: Set(new.source_key),
            started_at: Set(new.at),
            expires_at: Set(new.at + new.lifetime),
            completed_at: Set(None),
        };
        evidence_files::Entity::insert(row).exec_without_returning(&tx).await?;
        let upload = upload_state(&tx, id, new.at).await?;
        tx.commit().await?;
        Ok(upload)
    }

    /// An upload and how far it got; refused when it does not exist or
    /// expired.
    pub async fn evidence_upload(&self, id: Uuid, at: DateTime<Utc>) -> DbResult<EvidenceUpload> {
        upload_state(self.connection(), id, at).await
    }

    /// Seals and stores the chunk of upload `id` that starts at `offset`.
    /// The same chunk sent again is taken once; other bytes where a chunk
    /// was already received are refused. The first chunk must show an
    /// accepted kind of file, so that nothing else is uploaded in full.
    pub async fn append_evidence_chunk(
        &self,
        id: Uuid,
        offset: u64,
        bytes: &[u8],
        at: DateTime<Utc>,
    ) -> DbResult<EvidenceUpload> {
        let tx = self.write_transaction().await?;
        let file = uploading(&tx, id, at).await?;
        let declared = to_u64(file.declared_size)?;
        let number = chunk_at(declared, offset, bytes.len() as u64).map_err(EvidenceRefusal::from)?;
        if number == 0 && EvidenceType::sniff(&bytes[..bytes.len().min(SNIFF_BYTES)]).is_none() {
            return Err(EvidenceRefusal::UnknownKind.into());
        }
        let binding = ChunkBinding { file: id, case: file.case_id, number: to_i32(number)? };
        let keys = self.sealing_keys(&tx).await?;
        let (key_id, sealed) = seal_chunk(&keys, binding, bytes)?;
        let row = evidence_chunks::ActiveModel {
            id: Set(Uuid::new_v4()),
            file_id: Set(id),
            case_id: Set(file.case_id),
            number: Set(binding.number),
            size: Set(to_i32(bytes.len() as u64)?),
            key_id: Set(key_id),
            sealed: Set(sealed),
        };
        let once = OnConflict::columns([evidence_chunks::Column::FileId, evidence_chunks::Column::Number])
            .do_nothing()
            .to_owned();
        let inserted = evidence_chunks::Entity::insert(row).on_conflict(once).exec_without_returning(&tx).await?;
        if inserted == 0 {
            // Sent before: the same bytes are a retry, others a mistake.
            let earlier = chunk_row(&tx, id, binding.number).await?;
            if open_chunk(&keys, binding, earlier.key_id, &earlier.sealed)? != bytes {
                return Err(EvidenceRefusal::ChunkChanged.into());
            }
        } else {
            evidence_files::Entity::update_many()
                .col_expr(
                    evidence_files::Column::ReceivedSize,
                    sea_orm::sea_query::ExprTrait::add(
                        Expr::col(evidence_files::Column::ReceivedSize),
                        to_i64(bytes.len() as u64)?,
                    ),
                )
                .filter(evidence_files::Column::Id.eq(id))
                .exec(&tx)
                .await?;
        }
        let upload = upload_state(&tx, id, at).await?;
        tx.commit().await?;
        Ok(upload)
    }

    /// Finishes upload `id`: every chunk in, the content of an accepted
    /// kind and, when `sha256` is given (hex), the digest the sender
    /// computed; then the file gets its number on the case and the case's
    /// history records it (`AddEvidence`), in one transaction. Finishing
    /// again an upload already finished returns the same file.
    pub async fn finish_evidence_upload(&self, finish: FinishUpload<'_>) -> DbResult<EvidenceFileRecord> {
        let tx = self.write_transaction().await?;
        let row = evidence_files::Entity::find_by_id(finish.id).one(&tx).await?;
        let row = match row {
            Some(row) if row.state == COMPLETE => {
                let keys = self.keys()?;
                return file_record(&keys, row);
            }
            Some(row) if row.expires_at > finish.at => row,
            _ => return Err(EvidenceRefusal::NoSuchUpload.into()),
        };
        let keys = self.sealing_keys(&tx).await?;
        let declared = to_u64(row.declared_size)?;
        let chunks = chunk_count(declared);
        let stored =
            evidence_chunks::Entity::find().filter(evidence_chunks::Column::FileId.eq(finish.id)).count(&tx).await?;
        if stored < chunks || to_u64(row.received_size)? != declared {
            return Err(EvidenceRefusal::Incomplete { missing: chunks.saturating_sub(stored), of: chunks }.into());
        }
        let (kind, sha256) = digest(&tx, &keys, &row, chunks).await?;
        if let Some(expected) = finish.sha256
            && !expected.trim().eq_ignore_ascii_case(&sha256)
        {
            return Err(EvidenceRefusal::DigestMismatch.into());
        }
        let number = next_number(&tx, row.case_id).await?;
        let file = EvidenceFile { number, kind, size: declared, sha256: sha256.clone() };
        let command = Command::AddEvidence {
            description: finish.description,
            reference: finish.reference,
            file: Some(file.clone()),
        };
        evidence_files::Entity::update_many()
            .col_expr(evidence_files::Column::State, Expr::value(COMPLETE))
            .col_expr(evidence_files::Column::Number, Expr::value(to_i32(u64::from(number))?))
            .col_expr(evidence_files::Column::Kind, Expr::value(kind.code()))
            .col_expr(evidence_files::Column::Sha256, Expr::value(sha256))
            .col_expr(evidence_files::Column::CompletedAt, Expr::value(finish.at))
            .filter(evidence_files::Column::Id.eq(finish.id))
            .filter(evidence_files::Column::State.eq(UPLOADING))
            .exec(&tx)
            .await?;
        let (_case, events): (Case, _) = self.apply_in(&tx, row.case_id, command, finish.at, finish.actor).await?;
        let completed = evidence_files::Entity::find_by_id(finish.id).one(&tx).await?.ok_or(DbError::Conflict)?;
        self.commit_announcing(tx, events).await?;
        file_record(&keys, completed)
    }

    /// The files received on each of `case_ids`, in the order received.
    pub async fn evidence_files(&self, case_ids: &[Uuid]) -> DbResult<Vec<EvidenceFileRecord>> {
        let keys = self.keys()?;
        let rows = evidence_files::Entity::find()
            .filter(evidence_files::Column::CaseId.is_in(case_ids.iter().copied()))
            .filter(evidence_files::Column::State.eq(COMPLETE))
            .order_by_asc(evidence_files::Column::CaseId)
            .order_by_asc(evidence_files::Column::Number)
            .all(self.connection())
            .await?;
        rows.into_iter().map(|row| file_record(&keys, row)).collect()
    }

    /// Whether a file from `source_key` is on case `case_id` already (or
    /// on its way: an upload not expired).
    pub async fn evidence_source_received(&self, case_id: Uuid, source_key: &str, at: DateTime<Utc>) -> DbResult<bool> {
        let rows = evidence_files::Entity::find()
            .filter(evidence_files::Column::CaseId.eq(case_id))
            .filter(evidence_files::Column::SourceKey.eq(source_key))
            .all(self.connection())
            .await?;
        Ok(rows.iter().any(|row| row.state == COMPLETE || row.expires_at > at))
    }

    /// One file received, by its id.
    pub async fn evidence_file(&self, id: Uuid) -> DbResult<Option<EvidenceFileRecord>> {
        let keys = self.keys()?;
        let row = evidence_files::Entity::find_by_id(id)
            .filter(evidence_files::Column::State.eq(COMPLETE))
            .one(self.connection())
            .await?;
        row.map(|row| file_record(&keys, row)).transpose()
    }

    /// The content of chunk `number` (from 0) of a file received, opened.
    pub async fn evidence_chunk(&self, file: &EvidenceFileRecord, number: u64) -> DbResult<Vec<u8>> {
        let keys = self.keys()?;
        let row = chunk_row(self.connection(), file.id, to_i32(number)?).await?;
        let binding = ChunkBinding { file: file.id, case: file.case_id, number: row.number };
        open_chunk(&keys, binding, row.key_id, &row.sealed)
    }

    /// Deletes the uploads left unfinished past their time, with their
    /// chunks; returns how many.
    pub async fn expire_evidence_uploads(&self, at: DateTime<Utc>) -> DbResult<u64> {
        let tx = self.write_transaction().await?;
        let expired: Vec<Uuid> = evidence_files::Entity::find()
            .select_only()
            .column(evidence_files::Column::Id)
            .filter(evidence_files::Column::State.eq(UPLOADING))
            .filter(evidence_files::Column::ExpiresAt.lte(at))
            .into_tuple()
            .all(&tx)
            .await?;
        let deleted = delete_unfinished(&tx, expired).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// Deletes an unfinished upload at once, with its chunks (a file sent
    /// in one request that was refused midway: nothing of it is kept).
    pub async fn abandon_evidence_upload(&self, id: Uuid) -> DbResult<()> {
        let tx = self.write_transaction().await?;
        delete_unfinished(&tx, vec![id]).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Deletes the uploads `ids` that are still unfinished, chunks first.
async fn delete_unfinished(tx: &DatabaseTransaction, ids: Vec<Uuid>) -> DbResult<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let unfinished: Vec<Uuid> = evidence_files::Entity::find()
        .select_only()
        .column(evidence_files::Column::Id)
        .filter(evidence_files::Column::Id.is_in(ids))
        .filter(evidence_files::Column::State.eq(UPLOADING))
        .into_tuple()
        .all(tx)
        .await?;
    evidence_chunks::Entity::delete_many()
        .filter(evidence_chunks::Column::FileId.is_in(unfinished.iter().copied()))
        .exec(tx)
        .await?;
    let deleted = evidence_files::Entity::delete_many()
        .filter(evidence_files::Column::Id.is_in(unfinished))
        .exec(tx)
        .await?
        .rows_affected;
    Ok(deleted)
}

/// What finishing an upload records with the file.
#[derive(Debug, Clone)]
pub struct FinishUpload<'a> {
    pub id: Uuid,
    /// The SHA-256 the sender computed (hex), to check against.
    pub sha256: Option<&'a str>,
    pub description: ShortText,
    pub reference: Option<ShortText>,
    pub actor: &'a Actor,
    pub at: DateTime<Utc>,
}

/// Refused unless the case is in a state that takes evidence (the same
/// states the `AddEvidence` step is taken in), before any byte is sent.
async fn require_open(conn: &impl ConnectionTrait, case_id: Uuid) -> DbResult<()> {
    let status: Option<String> =
        cases::Entity::find_by_id(case_id).select_only().column(cases::Column::Status).into_tuple().one(conn).await?;
    let status = parse_code(CaseStatus::parse, &status.ok_or(DbError::CaseNotFound)?, "cases.status")?;
    let allowed = steps::case_states(AuditAction::EvidenceAdded);
    match allowed.contains(&status) {
        true => Ok(()),
        false => Err(TransitionError::NotAllowed { action: AuditAction::EvidenceAdded, status, allowed }.into()),
    }
}

/// What a case holds: its files, and the uploads still running with the
/// size they announced.
async fn held(conn: &impl ConnectionTrait, case_id: Uuid, at: DateTime<Utc>) -> DbResult<CaseEvidence> {
    let rows: Vec<(String, i64, DateTime<Utc>)> = evidence_files::Entity::find()
        .select_only()
        .columns([evidence_files::Column::State, evidence_files::Column::DeclaredSize])
        .column(evidence_files::Column::ExpiresAt)
        .filter(evidence_files::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(conn)
        .await?;
    let counted = rows.iter().filter(|(state, _, expires)| state == COMPLETE || *expires > at);
    Ok(counted.fold(CaseEvidence::default(), |held, (_, size, _)| CaseEvidence {
        files: held.files + 1,
        bytes: held.bytes.saturating_add(u64::try_from(*size).unwrap_or(0)),
    }))
}

/// The upload, still running at `at`.
async fn uploading(conn: &impl ConnectionTrait, id: Uuid, at: DateTime<Utc>) -> DbResult<evidence_files::Model> {
    let row = evidence_files::Entity::find_by_id(id).one(conn).await?;
    match row {
        Some(row) if row.state == UPLOADING && row.expires_at > at => Ok(row),
        _ => Err(EvidenceRefusal::NoSuchUpload.into()),
    }
}

async fn upload_state(conn: &impl ConnectionTrait, id: Uuid, at: DateTime<Utc>) -> DbResult<EvidenceUpload> {
    let row = evidence_files::Entity::find_by_id(id).one(conn).await?;
    let row = match row {
        Some(row) if row.state == COMPLETE || row.expires_at > at => row,
        _ => return Err(EvidenceRefusal::NoSuchUpload.into()),
    };
    let declared = to_u64(row.declared_size)?;
    let numbers: Vec<i32> = evidence_chunks::Entity::find()
        .select_only()
        .column(evidence_chunks::Column::Number)
        .filter(evidence_chunks::Column::FileId.eq(id))
        .order_by_asc(evidence_chunks::Column::Number)
        .into_tuple()
        .all(conn)
        .await?;
    // The first number missing from 0, 1, 2, …
    let first_missing =
        numbers.iter().zip(0..).find(|(n, i)| i64::from(**n) != *i).map_or(numbers.len() as u64, |(_, i)| i as u64);
    Ok(EvidenceUpload {
        id,
        case_id: row.case_id,
        declared_size: declared,
        received_size: to_u64(row.received_size)?,
        next_offset: (first_missing * CHUNK_BYTES).min(declared),
        complete: row.state == COMPLETE,
        expires_at: row.expires_at,
        sender_role: parse_code(Role::parse, &row.sender_role, "evidence_files.sender_role")?,
        sender_user_id: row.sender_user_id,
    })
}

async fn chunk_row(conn: &impl ConnectionTrait, file: Uuid, number: i32) -> DbResult<evidence_chunks::Model> {
    evidence_chunks::Entity::find()
        .filter(evidence_chunks::Column::FileId.eq(file))
        .filter(evidence_chunks::Column::Number.eq(number))
        .one(conn)
        .await?
        .ok_or(DbError::Corrupt("evidence_chunks"))
}

/// The kind of the content (from its first bytes) and its SHA-256 (hex),
/// reading the chunks in order, a few at a time.
async fn digest(
    tx: &DatabaseTransaction,
    keys: &Keyring,
    file: &evidence_files::Model,
    chunks: u64,
) -> DbResult<(EvidenceType, String)> {
    let mut hasher = Sha256::new();
    let mut kind = None;
    let mut next = 0;
    while next < chunks {
        let rows = evidence_chunks::Entity::find()
            .filter(evidence_chunks::Column::FileId.eq(file.id))
            .filter(evidence_chunks::Column::Number.gte(to_i32(next)?))
            .order_by_asc(evidence_chunks::Column::Number)
            .limit(READ_BATCH)
            .all(tx)
            .await?;
        if rows.is_empty() {
            return Err(DbError::Corrupt("evidence_chunks"));
        }
        for row in rows {
            if i64::from(row.number) != i64::try_from(next).unwrap_or(-1) {
                return Err(DbError::Corrupt("evidence_chunks"));
            }
            let binding = ChunkBinding { file: file.id, case: file.case_id, number: row.number };
            let plain = open_chunk(keys, binding, row.key_id, &row.sealed)?;
            if next == 0 {
                kind = EvidenceType::sniff(&plain[..plain.len().min(SNIFF_BYTES)]);
            }
            hasher.update(&plain);
            next += 1;
        }
    }
    let kind = kind.ok_or(EvidenceRefusal::UnknownKind)?;
    Ok((kind, hex(&hasher.finalize())))
}

/// The case's next file number: one more than the highest given.
async fn next_number(conn: &impl ConnectionTrait, case_id: Uuid) -> DbResult<u32> {
    let highest: Option<Option<i32>> = evidence_files::Entity::find()
        .select_only()
        .column_as(evidence_files::Column::Number.max(), "highest")
        .filter(evidence_files::Column::CaseId.eq(case_id))
        .into_tuple()
        .one(conn)
        .await?;
    let highest = highest.flatten().unwrap_or(0);
    u32::try_from(highest).map(|n| n + 1).map_err(|_| DbError::Corrupt("evidence_files.number"))
}

fn file_record(keys: &Keyring, row: evidence_files::Model) -> DbResult<EvidenceFileRecord> {
    let corrupt = || DbError::Corrupt("evidence_files");
    let given_name = match &row.given_name {
        Some(stored) => Some(String::from_utf8(open(keys, EVIDENCE_NAME, row.id, stored)?).map_err(|_| corrupt())?),
        None => None,
    };
    let file = EvidenceFile {
        number: row.number.and_then(|n| u32::try_from(n).ok()).ok_or_else(corrupt)?,
        kind: parse_code(EvidenceType::parse, row.kind.as_deref().unwrap_or_default(), "evidence_files.kind")?,
        size: to_u64(row.declared_size)?,
        sha256: row.sha256.ok_or_else(corrupt)?,
    };
    Ok(EvidenceFileRecord {
        id: row.id,
        case_id: row.case_id,
        file,
        given_name,
        sender_role: parse_code(Role::parse, &row.sender_role, "evidence_files.sender_role")?,
        received_at: row.completed_at.ok_or_else(corrupt)?,
    })
}

fn to_i64(n: u64) -> DbResult<i64> {
    i64::try_from(n).map_err(|_| DbError::Corrupt("evidence size"))
}

fn to_u64(n: i64) -> DbResult<u64> {
    u64::try_from(n).map_err(|_| DbError::Corrupt("evidence size"))
}

fn to_i32(n: u64) -> DbResult<i32> {
    i32::try_from(n).map_err(|_| DbError::Corrupt("evidence chunk"))
}
