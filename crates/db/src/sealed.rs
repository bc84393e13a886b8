//! The sensitive columns, sealed and opened in one place. [`SEALED_COLUMNS`]
//! is the one list of them: sealing, opening, key rotation (`keys.rs`:
//! resealing, counting values per key, retiring a key) all go through it,
//! so a column sealed later is rotated and counted as soon as it is listed
//! here (a test finds every sealed value in the database and checks its
//! column is listed). Anything that does not decrypt under the keyring,
//! including plaintext, is refused as corrupt.

use std::sync::{Arc, OnceLock};

use domain::request::Request;
use uuid::Uuid;

use crate::crypto::Keyring;
use crate::entities::{case_events, cases};
use crate::error::{DbError, DbResult};

/// A column whose values are sealed, with the table's primary key (the
/// row id bound into each value's associated data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumn {
    pub table: &'static str,
    pub column: &'static str,
    /// The table's primary key (a UUID).
    pub id: &'static str,
    /// Values written before encryption existed were JSON in clear; a
    /// rotation with `--seal-plaintext` may seal them.
    pub legacy_json: bool,
    pub form: SealedForm,
}

/// How a column holds its sealed values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedForm {
    /// Text: `ENC1.<key id>.<nonce>.<ciphertext>`, bound to the row's id.
    Text,
    /// Binary (an evidence file's chunks: base64 would add a third to every
    /// photo and video): nonce and ciphertext, the key id in a `key_id`
    /// column beside, bound to the file, the case and the chunk's number.
    Chunk,
}

/// The request as filed.
pub(crate) const REQUEST: SealedColumn =
    SealedColumn { table: "cases", column: "request_details", id: "id", legacy_json: true, form: SealedForm::Text };
/// The commands in a case's history, with what people wrote.
pub(crate) const PAYLOAD: SealedColumn =
    SealedColumn { table: "case_events", column: "payload", id: "id", legacy_json: true, form: SealedForm::Text };
/// Staff members' TOTP secrets.
pub(crate) const TOTP_SECRET: SealedColumn =
    SealedColumn { table: "users", column: "totp_secret", id: "id", legacy_json: false, form: SealedForm::Text };
/// An evidence file's name as sent (it may name a person or a place).
pub(crate) const EVIDENCE_NAME: SealedColumn = SealedColumn {
    table: "evidence_files",
    column: "given_name",
    id: "id",
    legacy_json: false,
    form: SealedForm::Text,
};
/// The private keys the request form's encrypted submissions open with.
pub(crate) const INTAKE_FORM_KEY: SealedColumn = SealedColumn {
    table: "intake_form_keys",
    column: "private_key",
    id: "id",
    legacy_json: false,
    form: SealedForm::Text,
};
/// An evidence file's content, chunk by chunk.
pub(crate) const EVIDENCE_CHUNK: SealedColumn =
    SealedColumn { table: "evidence_chunks", column: "sealed", id: "id", legacy_json: false, form: SealedForm::Chunk };

/// A coordination meeting's other bodies present (an organisation that
/// accompanies a defender names them by association).
pub(crate) const MEETING_DETAILS: SealedColumn =
    SealedColumn { table: "meetings", column: "details", id: "id", legacy_json: false, form: SealedForm::Text };

/// Every sealed column.
pub const SEALED_COLUMNS: [SealedColumn; 7] =
    [REQUEST, PAYLOAD, TOTP_SECRET, EVIDENCE_NAME, EVIDENCE_CHUNK, INTAKE_FORM_KEY, MEETING_DETAILS];

/// What a chunk of evidence is bound to: a chunk moved to another file,
/// case or place in the file does not open.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChunkBinding {
    pub(crate) file: Uuid,
    pub(crate) case: Uuid,
    pub(crate) number: i32,
}

impl std::fmt::Display for ChunkBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\0{}\0{}", self.file, self.case, self.number)
    }
}

/// Seals a chunk of evidence under the current key: its key id and bytes.
pub(crate) fn seal_chunk(keys: &Keyring, at: ChunkBinding, plaintext: &[u8]) -> DbResult<(i32, Vec<u8>)> {
    let place = EVIDENCE_CHUNK;
    let (key, sealed) =
        keys.encrypt_binary(place.table, place.column, &at, plaintext).map_err(|_| DbError::Corrupt("encryption"))?;
    Ok((i32::try_from(key).map_err(|_| DbError::Corrupt("evidence_chunks.key_id"))?, sealed))
}

/// Opens a chunk of evidence.
pub(crate) fn open_chunk(keys: &Keyring, at: ChunkBinding, key_id: i32, stored: &[u8]) -> DbResult<Vec<u8>> {
    let place = EVIDENCE_CHUNK;
    let key = u32::try_from(key_id).map_err(|_| DbError::Corrupt(place.column))?;
    keys.decrypt_binary(place.table, place.column, &at, key, stored).map_err(|_| DbError::Corrupt("evidence_chunks"))
}

/// Seals `plaintext` for `row` of `place` (a text column) under the current key.
pub(crate) fn seal(keys: &Keyring, place: SealedColumn, row: Uuid, plaintext: &[u8]) -> DbResult<String> {
    keys.encrypt(place.table, place.column, row, plaintext).map_err(|_| DbError::Corrupt("encryption"))
}

/// Opens a value of `row` of `place` (a text column).
pub(crate) fn open(keys: &Keyring, place: SealedColumn, row: Uuid, stored: &str) -> DbResult<Vec<u8>> {
    keys.decrypt(place.table, place.column, row, stored).map_err(|_| DbError::Corrupt(place.column))
}

fn open_text(keys: &Keyring, place: SealedColumn, row: Uuid, stored: &str) -> DbResult<String> {
    String::from_utf8(open(keys, place, row, stored)?).map_err(|_| DbError::Corrupt(place.column))
}

pub(crate) fn seal_request(keys: &Keyring, case_id: Uuid, request: &Request) -> DbResult<String> {
    let json = serde_json::to_string(request).map_err(|_| DbError::Corrupt("cases.request_details"))?;
    seal(keys, REQUEST, case_id, json.as_bytes())
}

pub(crate) fn open_request(keys: &Keyring, row: &cases::Model) -> DbResult<Request> {
    open_request_of(keys, row.id, &row.request_details)
}

fn open_request_of(keys: &Keyring, case_id: Uuid, stored: &str) -> DbResult<Request> {
    let json = open_text(keys, REQUEST, case_id, stored)?;
    serde_json::from_str(&json).map_err(|_| DbError::Corrupt("cases.request_details"))
}

/// A case's request as a list read it: still sealed, opened the first time
/// something asks for it and kept open after. A page that shows no personal
/// data never decrypts it, and copies of a record (a request's loader keeps
/// one) share one opening.
#[derive(Clone)]
pub struct SealedRequest(Arc<SealedRequestInner>);

struct SealedRequestInner {
    case_id: Uuid,
    stored: String,
    keys: Arc<Keyring>,
    opened: OnceLock<Request>,
}

impl SealedRequest {
    pub(crate) fn new(keys: Arc<Keyring>, row: &mut cases::Model) -> Self {
        let stored = std::mem::take(&mut row.request_details);
        Self(Arc::new(SealedRequestInner { case_id: row.id, stored, keys, opened: OnceLock::new() }))
    }

    /// The request, decrypted on the first call; corrupt when it does not
    /// open under the keyring.
    pub fn open(&self) -> DbResult<&Request> {
        let inner = &*self.0;
        if let Some(request) = inner.opened.get() {
            return Ok(request);
        }
        let request = open_request_of(&inner.keys, inner.case_id, &inner.stored)?;
        Ok(inner.opened.get_or_init(|| request))
    }
}

/// Never prints the sealed value (nor, once opened, the request).
impl std::fmt::Debug for SealedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedRequest").field("case_id", &self.0.case_id).finish_non_exhaustive()
    }
}

/// The same sealed value of the same case.
impl PartialEq for SealedRequest {
    fn eq(&self, other: &Self) -> bool {
        self.0.case_id == other.0.case_id && self.0.stored == other.0.stored
    }
}

impl Eq for SealedRequest {}

pub(crate) fn seal_payload(keys: &Keyring, event_id: Uuid, payload: &serde_json::Value) -> DbResult<String> {
    seal(keys, PAYLOAD, event_id, payload.to_string().as_bytes())
}

pub(crate) fn open_payload(keys: &Keyring, row: &case_events::Model) -> DbResult<String> {
    open_text(keys, PAYLOAD, row.id, &row.payload)
}

/// A value sealed again under the current key, or `None` when it already
/// is. `legacy_plaintext` accepts JSON written before encryption existed in
/// the columns that held it (an operator's explicit choice, never a read
/// path).
pub(crate) fn reseal(
    keys: &Keyring,
    place: SealedColumn,
    row: Uuid,
    stored: &str,
    legacy_plaintext: bool,
) -> DbResult<Option<String>> {
    if Keyring::key_of(stored) == Some(keys.current_id()) {
        return Ok(None);
    }
    let plaintext = match open(keys, place, row, stored) {
        Ok(bytes) => bytes,
        Err(_)
            if legacy_plaintext
                && place.legacy_json
                && Keyring::key_of(stored).is_none()
                && serde_json::from_str::<serde_json::Value>(stored).is_ok() =>
        {
            stored.as_bytes().to_vec()
        }
        Err(error) => return Err(error),
    };
    seal(keys, place, row, &plaintext).map(Some)
}
