//! Secrets the API hands out or checks: session tokens, requesters' access
//! keys, idempotency keys. Only their SHA-256 digests are stored.

use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Random bytes from the operating system.
fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| ApiError::Internal)?;
    Ok(bytes)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `purpose` and `value`, hex: the purpose keeps digests of one
/// kind of secret from ever matching another's.
pub(crate) fn digest(purpose: &str, value: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(purpose.as_bytes());
    hasher.update([0]);
    hasher.update(value.as_bytes());
    hex(&hasher.finalize())
}

/// A new session token: 256 random bits, hex.
pub(crate) fn new_session_token() -> Result<String, ApiError> {
    Ok(hex(&random::<32>()?))
}

pub(crate) fn session_token_hash(token: &str) -> String {
    digest("resguardo/session-token/v1", token.trim())
}

/// A new intake token for an app: 160 random bits in Crockford's base32,
/// safe in a URL path and typed into a phone if need be.
pub(crate) fn new_intake_token() -> Result<String, ApiError> {
    let bytes = random::<20>()?;
    let mut bits: u128 = 0;
    let mut token = String::with_capacity(32);
    let mut held = 0;
    for byte in bytes {
        bits = (bits << 8) | u128::from(byte);
        held += 8;
        while held >= 5 {
            held -= 5;
            token.push(char::from(ALPHABET[((bits >> held) & 0x1f) as usize]));
        }
    }
    Ok(token)
}

/// An intake token's keyed hash (HMAC-SHA-256 under a key derived from the
/// server's secret): a copy of the database does not let anyone check a
/// guessed token offline.
pub(crate) fn intake_token_hash(secret: &AccessKeySecret, token: &str) -> String {
    keyed_digest(&secret.derive("intake-token"), &token.trim().to_ascii_uppercase())
}

/// HMAC-SHA-256 of `value` under `key`, hex.
pub(crate) fn keyed_digest(key: &[u8; 32], value: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(value.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Crockford's base32 alphabet: no I, L, O or U, so a key read over a bad
/// phone line or copied by hand survives.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The server's secret that access keys are derived with. It is kept with
/// the encryption keys (the key file's `access_key_secret`, or
/// `RESGUARDO_ACCESS_KEY_SECRET`), never in the database, and does not
/// rotate with them: changing it only stops retries of requests filed
/// before from getting their key back (their keys keep working).
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKeySecret([u8; 32]);

impl AccessKeySecret {
    /// A new random secret.
    pub fn generate() -> Result<Self, ApiError> {
        Ok(Self(random()?))
    }

    /// From its base64 text (32 bytes).
    pub fn from_base64(text: &str) -> Option<Self> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD.decode(text.trim()).ok()?;
        bytes.try_into().ok().map(Self)
    }

    pub fn to_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// A key for another `purpose` (the web forms' tokens), derived from
    /// this one so that the key file keeps one secret and every instance
    /// derives the same key; knowing a derived key tells nothing of this.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use hmac::{KeyInit, Mac};
        let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(b"resguardo/derived/v1\0");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

// Never printed.
impl std::fmt::Debug for AccessKeySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessKeySecret(<redacted>)")
    }
}

/// The requester's access key for the case filed with `idempotency_key`:
/// 100 bits in five groups of four (`7K3Q-…`), HMAC-SHA-256 of the
/// idempotency key under the server's secret. It is derived rather than
/// random so that a client who retries (and lost the first answer) gets the
/// same key again; keyed, so that whoever sees or guesses an idempotency
/// key (a weak client, a proxy's log) cannot compute the access key. Only
/// digests of both are stored.
pub(crate) fn access_key(secret: &AccessKeySecret, idempotency_key: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&secret.0).expect("HMAC takes keys of any length");
    mac.update(b"resguardo/access-key/v2\0");
    mac.update(idempotency_key.as_bytes());
    crockford_groups(&mac.finalize().into_bytes())
}

/// A new random access key (100 bits, as derived ones are), for a case
/// whose requester never got one (filed from an app) or lost theirs.
pub(crate) fn new_access_key() -> Result<String, ApiError> {
    Ok(crockford_groups(&random::<16>()?))
}

/// The access key of requests filed before access keys were keyed: an
/// unkeyed SHA-256 of the idempotency key. Only used to give a retry of
/// such a request back the key it was filed with.
pub(crate) fn legacy_access_key(idempotency_key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"resguardo/access-key/v1\0");
    hasher.update(idempotency_key.as_bytes());
    crockford_groups(&hasher.finalize())
}

/// 100 bits of `digest` as 20 Crockford characters in five groups of four.
fn crockford_groups(digest: &[u8]) -> String {
    // 20 characters × 5 bits = 100 bits, read from the first 13 bytes.
    let mut bits: u128 = 0;
    for byte in &digest[..13] {
        bits = (bits << 8) | u128::from(*byte);
    }
    let mut key = String::with_capacity(24);
    for i in 0..20 {
        if i > 0 && i % 4 == 0 {
            key.push('-');
        }
        let index = ((bits >> (104 - 5 * (i + 1))) & 0x1f) as usize;
        key.push(char::from(ALPHABET[index]));
    }
    key
}

/// A new TOTP secret.
pub(crate) fn new_totp_secret() -> Result<[u8; super::totp::SECRET_BYTES], ApiError> {
    random()
}

/// A single-use recovery code for the second factor: 50 random bits in
/// Crockford's alphabet, `XXXXX-XXXXX`.
pub(crate) fn new_recovery_code() -> Result<String, ApiError> {
    let mut code = String::with_capacity(11);
    for (i, byte) in random::<10>()?.iter().enumerate() {
        if i == 5 {
            code.push('-');
        }
        // The low five bits of its own byte for each character.
        code.push(char::from(ALPHABET[usize::from(byte & 0x1f)]));
    }
    Ok(code)
}

/// A key as typed, tolerant of how people retype it: case, spaces and
/// dashes do not matter, and I/L/O are read as 1/1/0.
fn normalise_typed(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        })
        .collect()
}

/// The stored form of an access key.
pub(crate) fn access_key_hash(key: &str) -> String {
    digest("resguardo/access-key-hash/v1", &normalise_typed(key))
}

/// The stored form of a second-factor recovery code.
pub(crate) fn recovery_code_hash(code: &str) -> String {
    digest("resguardo/recovery-code/v1", &normalise_typed(code))
}

pub(crate) fn idempotency_hash(key: &str) -> String {
    digest("resguardo/idempotency-key/v1", key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_keys_are_stable_readable_and_forgiving() {
        let secret = AccessKeySecret::generate().unwrap();
        let key = access_key(&secret, "0b3c7a52-1f7e-4a5e-9d7c-2f1b9b1c0e11");
        assert_eq!(key, access_key(&secret, "0b3c7a52-1f7e-4a5e-9d7c-2f1b9b1c0e11"), "a retry gets the same key");
        assert_ne!(key, access_key(&secret, "another key, another case"));
        let other = AccessKeySecret::generate().unwrap();
        assert_ne!(key, access_key(&other, "0b3c7a52-1f7e-4a5e-9d7c-2f1b9b1c0e11"), "the server's secret counts");
        assert_ne!(key, legacy_access_key("0b3c7a52-1f7e-4a5e-9d7c-2f1b9b1c0e11"), "not the unkeyed digest");
        assert_eq!(AccessKeySecret::from_base64(&secret.to_base64()), Some(secret.clone()));
        assert_eq!(format!("{secret:?}"), "AccessKeySecret(<redacted>)");
        assert_eq!(key.len(), 24);
        assert!(key.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        let retyped = key.to_lowercase().replace('-', " ");
        assert_eq!(access_key_hash(&retyped), access_key_hash(&key));
    }

    #[test]
    fn digests_depend_on_their_purpose() {
        assert_ne!(idempotency_hash("k"), access_key_hash("k"));
        assert_eq!(session_token_hash(" t "), session_token_hash("t"));
        assert_eq!(new_session_token().unwrap().len(), 64);
        let code = new_recovery_code().unwrap();
        assert_eq!(code.len(), 11);
        assert_eq!(recovery_code_hash(&code.to_lowercase().replace('-', "")), recovery_code_hash(&code));
        assert_ne!(recovery_code_hash(&code), access_key_hash(&code));
    }
}
