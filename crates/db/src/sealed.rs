//! The sensitive columns, sealed and opened in one place: the request as
//! filed (`cases.request_details`) and the history's payloads
//! (`case_events.payload`). Anything that does not decrypt under the
//! keyring, including plaintext, is refused as corrupt.

use domain::request::Request;
use uuid::Uuid;

use crate::crypto::Keyring;
use crate::entities::{case_events, cases};
use crate::error::{DbError, DbResult};

pub(crate) const REQUEST: (&str, &str) = ("cases", "request_details");
pub(crate) const TOTP_SECRET: (&str, &str) = ("users", "totp_secret");
pub(crate) const PAYLOAD: (&str, &str) = ("case_events", "payload");

fn seal(keys: &Keyring, (table, column): (&str, &str), row: Uuid, text: &str) -> DbResult<String> {
    keys.encrypt(table, column, row, text.as_bytes()).map_err(|_| DbError::Corrupt("encryption"))
}

fn open(keys: &Keyring, (table, column): (&'static str, &'static str), row: Uuid, stored: &str) -> DbResult<String> {
    let bytes = keys.decrypt(table, column, row, stored).map_err(|_| DbError::Corrupt(column))?;
    String::from_utf8(bytes).map_err(|_| DbError::Corrupt(column))
}

/// Seals raw bytes (a TOTP secret).
pub(crate) fn seal_secret(keys: &Keyring, (table, column): (&str, &str), row: Uuid, secret: &[u8]) -> DbResult<String> {
    keys.encrypt(table, column, row, secret).map_err(|_| DbError::Corrupt("encryption"))
}

pub(crate) fn open_secret(
    keys: &Keyring,
    (table, column): (&'static str, &'static str),
    row: Uuid,
    stored: &str,
) -> DbResult<Vec<u8>> {
    keys.decrypt(table, column, row, stored).map_err(|_| DbError::Corrupt(column))
}

pub(crate) fn seal_request(keys: &Keyring, case_id: Uuid, request: &Request) -> DbResult<String> {
    let json = serde_json::to_string(request).map_err(|_| DbError::Corrupt("cases.request_details"))?;
    seal(keys, REQUEST, case_id, &json)
}

pub(crate) fn open_request(keys: &Keyring, row: &cases::Model) -> DbResult<Request> {
    let json = open(keys, REQUEST, row.id, &row.request_details)?;
    serde_json::from_str(&json).map_err(|_| DbError::Corrupt("cases.request_details"))
}

pub(crate) fn seal_payload(keys: &Keyring, event_id: Uuid, payload: &serde_json::Value) -> DbResult<String> {
    seal(keys, PAYLOAD, event_id, &payload.to_string())
}

pub(crate) fn open_payload(keys: &Keyring, row: &case_events::Model) -> DbResult<String> {
    open(keys, PAYLOAD, row.id, &row.payload)
}

/// Seals any sensitive column's value again under the current key; the
/// rotation uses it. `legacy_plaintext` accepts values written before
/// encryption existed (an operator's explicit choice, never a read path).
pub(crate) fn reseal(
    keys: &Keyring,
    place: (&'static str, &'static str),
    row: Uuid,
    stored: &str,
    legacy_plaintext: bool,
) -> DbResult<Option<String>> {
    if Keyring::key_of(stored) == Some(keys.current_id()) {
        return Ok(None);
    }
    let text = match open(keys, place, row, stored) {
        Ok(text) => text,
        Err(_) if legacy_plaintext && serde_json::from_str::<serde_json::Value>(stored).is_ok() => stored.to_owned(),
        Err(error) => return Err(error),
    };
    seal(keys, place, row, &text).map(Some)
}
