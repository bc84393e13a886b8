//! Field-level encryption at rest for what identifies or locates a person
//! (the request as filed, the history's texts).
//!
//! XChaCha20-Poly1305 with a random 192-bit nonce per value. The associated
//! data binds each ciphertext to its table, column and row, so a value
//! copied into another row or column does not decrypt. The key id travels
//! with the value (`ENC1.<key id>.<nonce>.<ciphertext>`, base64url), so
//! rotated-out keys keep decrypting until they are retired. Keys come from
//! the server's configuration, never from the database.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use uuid::Uuid;

const PREFIX: &str = "ENC1";

/// A 256-bit key and its id.
#[derive(Clone)]
pub struct Key {
    pub id: u32,
    bytes: [u8; 32],
}

impl Key {
    pub fn new(id: u32, bytes: [u8; 32]) -> Self {
        Self { id, bytes }
    }

    /// A fresh random key.
    pub fn generate(id: u32) -> Result<Self, CryptoError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| CryptoError::Randomness)?;
        Ok(Self { id, bytes })
    }

    /// From its base64 text (standard or URL alphabet).
    pub fn from_base64(id: u32, text: &str) -> Result<Self, CryptoError> {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .or_else(|_| B64.decode(text.trim().trim_end_matches('=')))
            .map_err(|_| CryptoError::BadKey)?;
        let bytes: [u8; 32] = decoded.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(Self { id, bytes })
    }

    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.bytes)
    }
}

// Keys are never printed.
impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({}, <redacted>)", self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("encryption keys must be 32 bytes in base64")]
    BadKey,
    #[error("no encryption key configured")]
    NoKey,
    #[error("the operating system gave no randomness")]
    Randomness,
    /// Unknown (or retired) key, malformed value, or a value that was
    /// altered or moved: all look alike on purpose.
    #[error("a stored value does not decrypt")]
    Undecryptable,
    /// A key list (`id:base64,…`) that does not read as one.
    #[error("{0}")]
    BadList(&'static str),
}

/// The keys in use: one current key encrypts; every key decrypts.
#[derive(Clone, Debug)]
pub struct Keyring {
    current: u32,
    keys: BTreeMap<u32, Key>,
}

/// What a value is bound to: its place and whatever identifies it there
/// (a row id; for a chunk of a file, the file, the case and its number).
fn associated_data(table: &str, column: &str, binding: &dyn fmt::Display) -> Vec<u8> {
    format!("resguardo/v1\0{table}\0{column}\0{binding}").into_bytes()
}

impl Keyring {
    /// `current` must be one of `keys`.
    pub fn new(current: u32, keys: Vec<Key>) -> Result<Self, CryptoError> {
        let keys: BTreeMap<u32, Key> = keys.into_iter().map(|k| (k.id, k)).collect();
        if !keys.contains_key(&current) {
            return Err(CryptoError::NoKey);
        }
        Ok(Self { current, keys })
    }

    /// A keyring with one fresh key (tests and first development runs).
    pub fn generate() -> Result<Self, CryptoError> {
        Self::new(1, vec![Key::generate(1)?])
    }

    /// `id:base64,id:base64`, the first the current key: the form
    /// `RESGUARDO_ENCRYPTION_KEYS` takes (and `bench --keep-database`
    /// prints).
    pub fn from_list(list: &str) -> Result<Self, CryptoError> {
        let mut keys = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (id, key) = item.split_once(':').ok_or(CryptoError::BadList("expected id:base64 pairs"))?;
            let id: u32 = id.trim().parse().map_err(|_| CryptoError::BadList("key ids are numbers"))?;
            keys.push(Key::from_base64(id, key)?);
        }
        let current = keys.first().map(|k| k.id).ok_or(CryptoError::BadList("no key given"))?;
        Self::new(current, keys)
    }

    /// The inverse of [`Keyring::from_list`]: the current key first.
    pub fn to_list(&self) -> String {
        let others = self.keys.keys().copied().filter(|id| *id != self.current);
        std::iter::once(self.current)
            .chain(others)
            .filter_map(|id| self.keys.get(&id).map(|key| format!("{id}:{}", key.to_base64())))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn current_id(&self) -> u32 {
        self.current
    }

    pub fn key_ids(&self) -> Vec<u32> {
        self.keys.keys().copied().collect()
    }

    pub fn encrypt(&self, table: &str, column: &str, row: Uuid, plaintext: &[u8]) -> Result<String, CryptoError> {
        let (key_id, nonce, sealed) = self.seal(&associated_data(table, column, &row), plaintext)?;
        Ok(format!("{PREFIX}.{key_id}.{}.{}", B64.encode(nonce), B64.encode(sealed)))
    }

    /// Seals bytes for a binary column: the nonce then the ciphertext, and
    /// the key's id, which the row keeps beside them. `binding` says what
    /// the value belongs to (see [`associated_data`]).
    pub fn encrypt_binary(
        &self,
        table: &str,
        column: &str,
        binding: &dyn fmt::Display,
        plaintext: &[u8],
    ) -> Result<(u32, Vec<u8>), CryptoError> {
        let (key_id, nonce, sealed) = self.seal(&associated_data(table, column, binding), plaintext)?;
        let mut stored = Vec::with_capacity(nonce.len() + sealed.len());
        stored.extend_from_slice(&nonce);
        stored.extend_from_slice(&sealed);
        Ok((key_id, stored))
    }

    /// Opens what [`Keyring::encrypt_binary`] sealed under key `key_id`.
    pub fn decrypt_binary(
        &self,
        table: &str,
        column: &str,
        binding: &dyn fmt::Display,
        key_id: u32,
        stored: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let (nonce, sealed) = stored.split_at_checked(24).ok_or(CryptoError::Undecryptable)?;
        let nonce: [u8; 24] = nonce.try_into().map_err(|_| CryptoError::Undecryptable)?;
        self.open(key_id, &associated_data(table, column, binding), &nonce, sealed)
    }

    fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<(u32, [u8; 24], Vec<u8>), CryptoError> {
        let key = self.keys.get(&self.current).ok_or(CryptoError::NoKey)?;
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|_| CryptoError::Randomness)?;
        let cipher = XChaCha20Poly1305::new((&key.bytes).into());
        let sealed = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad })
            .map_err(|_| CryptoError::Undecryptable)?;
        Ok((key.id, nonce, sealed))
    }

    fn open(&self, key_id: u32, aad: &[u8], nonce: &[u8; 24], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let key = self.keys.get(&key_id).ok_or(CryptoError::Undecryptable)?;
        let cipher = XChaCha20Poly1305::new((&key.bytes).into());
        cipher.decrypt(&XNonce::from(*nonce), Payload { msg: sealed, aad }).map_err(|_| CryptoError::Undecryptable)
    }

    pub fn decrypt(&self, table: &str, column: &str, row: Uuid, stored: &str) -> Result<Vec<u8>, CryptoError> {
        let mut parts = stored.split('.');
        let (Some(PREFIX), Some(id), Some(nonce), Some(sealed), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CryptoError::Undecryptable);
        };
        let id: u32 = id.parse().map_err(|_| CryptoError::Undecryptable)?;
        let nonce: [u8; 24] = B64
            .decode(nonce)
            .map_err(|_| CryptoError::Undecryptable)?
            .try_into()
            .map_err(|_| CryptoError::Undecryptable)?;
        let sealed = B64.decode(sealed).map_err(|_| CryptoError::Undecryptable)?;
        self.open(id, &associated_data(table, column, &row), &nonce, &sealed)
    }

    /// The key a stored value was encrypted with.
    pub fn key_of(stored: &str) -> Option<u32> {
        let mut parts = stored.split('.');
        (parts.next() == Some(PREFIX)).then(|| parts.next()?.parse().ok()).flatten()
    }

    /// One key, by id.
    pub fn key(&self, id: u32) -> Option<&Key> {
        self.keys.get(&id)
    }

    /// The same keyring with another current key.
    pub fn with_current(&self, current: u32) -> Result<Self, CryptoError> {
        Self::new(current, self.keys.values().cloned().collect())
    }

    /// The same keyring without `id` (retired).
    pub fn without(&self, id: u32) -> Result<Self, CryptoError> {
        Self::new(self.current, self.keys.values().filter(|k| k.id != id).cloned().collect())
    }

    /// The same keyring with one more key.
    pub fn with_key(&self, key: Key) -> Result<Self, CryptoError> {
        let mut keys: Vec<Key> = self.keys.values().cloned().collect();
        keys.push(key);
        Self::new(self.current, keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lists_read_back_what_they_print() {
        let keys = Keyring::new(2, vec![Key::generate(1).unwrap(), Key::generate(2).unwrap()]).unwrap();
        let list = keys.to_list();
        assert!(list.starts_with("2:"), "the current key first: {list}");
        let read = Keyring::from_list(&list).unwrap();
        assert_eq!((read.current_id(), read.key_ids()), (2, vec![1, 2]));
        for bad in ["", "1", "x:AAAA", "1:not base64"] {
            assert!(Keyring::from_list(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn values_round_trip_and_are_bound_to_their_place() {
        let ring = Keyring::generate().unwrap();
        let row = Uuid::new_v4();
        let stored = ring.encrypt("cases", "request_details", row, b"Maxima").unwrap();
        assert!(stored.starts_with("ENC1.1."));
        assert!(!stored.contains("Maxima"));
        assert_eq!(ring.decrypt("cases", "request_details", row, &stored).unwrap(), b"Maxima");
        // Another row, column or table: refused.
        assert!(ring.decrypt("cases", "request_details", Uuid::new_v4(), &stored).is_err());
        assert!(ring.decrypt("cases", "other", row, &stored).is_err());
        assert!(ring.decrypt("case_events", "request_details", row, &stored).is_err());
        // Same plaintext, different nonce.
        assert_ne!(stored, ring.encrypt("cases", "request_details", row, b"Maxima").unwrap());
    }

    #[test]
    fn binary_values_round_trip_bound_to_what_they_belong_to() {
        let ring = Keyring::generate().unwrap();
        let (key, stored) = ring.encrypt_binary("evidence_chunks", "sealed", &"f/c/3", b"\xFF\xD8canary").unwrap();
        assert_eq!(key, 1);
        assert!(!stored.windows(6).any(|w| w == b"canary"));
        assert_eq!(
            ring.decrypt_binary("evidence_chunks", "sealed", &"f/c/3", key, &stored).unwrap(),
            b"\xFF\xD8canary"
        );
        // Another chunk number, another key id, a flipped byte: refused.
        assert!(ring.decrypt_binary("evidence_chunks", "sealed", &"f/c/4", key, &stored).is_err());
        assert!(ring.decrypt_binary("evidence_chunks", "sealed", &"f/c/3", 2, &stored).is_err());
        let mut flipped = stored.clone();
        flipped[30] ^= 1;
        assert!(ring.decrypt_binary("evidence_chunks", "sealed", &"f/c/3", key, &flipped).is_err());
        assert!(ring.decrypt_binary("evidence_chunks", "sealed", &"f/c/3", key, &stored[..10]).is_err());
    }

    #[test]
    fn any_flipped_byte_is_detected() {
        let ring = Keyring::generate().unwrap();
        let row = Uuid::new_v4();
        let stored = ring.encrypt("t", "c", row, b"sensible").unwrap();
        for i in 0..stored.len() {
            let mut bytes = stored.clone().into_bytes();
            bytes[i] ^= 0x01;
            let tampered = String::from_utf8_lossy(&bytes).into_owned();
            if tampered != stored {
                assert!(ring.decrypt("t", "c", row, &tampered).is_err(), "byte {i}");
            }
        }
        assert!(ring.decrypt("t", "c", row, "{\"plain\": \"json\"}").is_err(), "plaintext is not accepted");
    }

    #[test]
    fn old_keys_decrypt_until_retired() {
        let one = Keyring::generate().unwrap();
        let row = Uuid::new_v4();
        let old = one.encrypt("t", "c", row, b"x").unwrap();
        let two = one.with_key(Key::generate(2).unwrap()).unwrap().with_current(2).unwrap();
        assert_eq!(Keyring::key_of(&two.encrypt("t", "c", row, b"x").unwrap()), Some(2));
        assert_eq!(two.decrypt("t", "c", row, &old).unwrap(), b"x");
        assert!(two.without(1).unwrap().decrypt("t", "c", row, &old).is_err());
        assert!(two.without(2).is_err(), "the current key cannot be retired");
        assert_eq!(format!("{:?}", Key::generate(7).unwrap()), "Key(7, <redacted>)");
    }
}
