//! Password hashing with argon2id (OWASP's minimum parameters, ~23 ms and
//! 19 MiB per hash on this hardware). Hashing runs on the blocking pool,
//! at most a few at a time, so a burst of logins cannot exhaust memory or
//! starve the async workers.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Argon2, Params};
use tokio::sync::{OnceCell, Semaphore};

use crate::error::ApiError;

/// Shorter passwords are refused; longer ones are hashed as given.
pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// A real hash of a password nobody has, computed once: logins for
    /// unknown accounts verify against it so that they take as long as
    /// logins for real ones.
    decoy: Arc<OnceCell<String>>,
}

impl PasswordHasher {
    /// At most `concurrent` hashes at once.
    pub fn new(concurrent: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(concurrent.max(1))), decoy: Arc::new(OnceCell::new()) }
    }

    pub async fn hash(&self, password: &str) -> Result<String, ApiError> {
        check_strength(password)?;
        self.hash_unchecked(password).await
    }

    /// Verifies against the account's hash, or against the decoy when there
    /// is no account; the answer is then always `false`.
    pub async fn verify_or_decoy(&self, password: &str, hash: Option<&str>) -> Result<bool, ApiError> {
        match hash {
            Some(hash) => self.verify(password, hash).await,
            None => {
                let decoy = self
                    .decoy
                    .get_or_try_init(|| self.hash_unchecked("señuelo: ninguna cuenta usa esta clave"))
                    .await?;
                self.verify(password, decoy).await.map(|_| false)
            }
        }
    }

    async fn hash_unchecked(&self, password: &str) -> Result<String, ApiError> {
        let password = password.to_owned();
        self.blocking(move || {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).map_err(|_| ApiError::Internal)?;
            let salt = SaltString::encode_b64(&salt).map_err(|_| ApiError::Internal)?;
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|_| ApiError::Internal)
        })
        .await
    }

    /// Whether `password` matches `hash`. A malformed stored hash never
    /// matches.
    pub async fn verify(&self, password: &str, hash: &str) -> Result<bool, ApiError> {
        let (password, hash) = (password.to_owned(), hash.to_owned());
        self.blocking(move || {
            Ok(PasswordHash::new(&hash)
                .is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok()))
        })
        .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(|_| ApiError::Internal)?;
        tokio::task::spawn_blocking(work).await.map_err(|_| ApiError::Internal)?
    }
}

fn argon2() -> Argon2<'static> {
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, Params::default())
}

/// The rules a new password must follow, with a message a person can act on.
pub fn check_strength(password: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(ApiError::bad_input(
            "password",
            format!("la contraseña debe tener al menos {MIN_PASSWORD_CHARS} caracteres"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(ApiError::bad_input(
            "password",
            format!("la contraseña no puede tener más de {MAX_PASSWORD_CHARS} caracteres"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let hasher = PasswordHasher::new(2);
        let hash = hasher.hash("una frase bastante larga").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify("una frase bastante larga", &hash).await.unwrap());
        assert!(!hasher.verify("otra frase bastante larga", &hash).await.unwrap());
        assert!(!hasher.verify("x", "not a hash").await.unwrap());
        assert_ne!(hash, hasher.hash("una frase bastante larga").await.unwrap(), "salted");
        assert!(hasher.hash("corta").await.is_err());
    }
}
