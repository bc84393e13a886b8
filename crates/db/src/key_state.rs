//! The keys a running instance seals and opens with, and how they follow a
//! rotation without a restart.
//!
//! A key file can be rotated while the server runs (`resguardo keys
//! rotate`). The instance asks its [`KeySource`] at most once a second
//! whether the keys changed (for a file: a `stat`, and a read only when it
//! changed), and at once when a transaction is about to seal with a key
//! that a rotation marked as superseded (`superseded_keys`). An instance
//! whose keys cannot follow (keys in the environment, not yet rolled out)
//! refuses to seal with a superseded key instead of writing values that the
//! rotation would not reach.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::crypto::Keyring;
use crate::entities::superseded_keys;
use crate::error::{DbError, DbResult};

/// Where an instance's keys come from, when they can change while it runs.
pub trait KeySource: Send + Sync {
    /// The keys as they now stand, if they changed since the last call.
    /// Cheap when nothing changed. The error says what is wrong (for the
    /// log), never key material.
    fn reload(&self) -> Result<Option<Keyring>, String>;
}

/// How often a running instance asks its source.
const CHECK_EVERY: Duration = Duration::from_secs(1);

pub(crate) struct KeyState {
    ring: RwLock<Arc<Keyring>>,
    source: Option<Box<dyn KeySource>>,
    checked: Mutex<Instant>,
}

impl KeyState {
    pub(crate) fn fixed(ring: Keyring) -> Self {
        Self { ring: RwLock::new(Arc::new(ring)), source: None, checked: Mutex::new(Instant::now()) }
    }

    pub(crate) fn reloading(ring: Keyring, source: Box<dyn KeySource>) -> Self {
        Self { ring: RwLock::new(Arc::new(ring)), source: Some(source), checked: Mutex::new(Instant::now()) }
    }

    /// The keys now, after asking the source if a second has passed.
    pub(crate) fn current(&self) -> Arc<Keyring> {
        let due = self.checked.lock().is_ok_and(|mut last| {
            let due = last.elapsed() >= CHECK_EVERY;
            if due {
                *last = Instant::now();
            }
            due
        });
        if due {
            self.reload();
        }
        self.ring.read().map(|ring| Arc::clone(&ring)).unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    /// Asks the source now; keeps the keys in use when it fails.
    fn reload(&self) {
        let Some(source) = &self.source else { return };
        match source.reload() {
            Ok(Some(ring)) => {
                tracing::info!(current = ring.current_id(), keys = ?ring.key_ids(), "encryption keys reloaded");
                if let Ok(mut slot) = self.ring.write() {
                    *slot = Arc::new(ring);
                }
            }
            Ok(None) => {}
            Err(error) => {
                tracing::error!(%error, "encryption keys could not be reloaded; the previous ones stay in use")
            }
        }
    }

    /// The keys to seal with in a transaction on `conn`: the current key
    /// must not have been superseded by a rotation. If it was, the source
    /// is asked again at once; if the keys still lag, sealing is refused.
    pub(crate) async fn for_sealing(&self, conn: &impl ConnectionTrait) -> DbResult<Arc<Keyring>> {
        let ring = self.current();
        if !superseded(conn, ring.current_id()).await? {
            return Ok(ring);
        }
        self.reload();
        let ring = self.ring.read().map(|ring| Arc::clone(&ring)).map_err(|_| DbError::NoKeys)?;
        if superseded(conn, ring.current_id()).await? {
            tracing::error!(
                key = ring.current_id(),
                "this instance's current encryption key was superseded by a rotation"
            );
            return Err(DbError::KeySuperseded(ring.current_id()));
        }
        Ok(ring)
    }
}

/// Whether a rotation replaced key `id`.
pub(crate) async fn superseded(conn: &impl ConnectionTrait, id: u32) -> DbResult<bool> {
    Ok(superseded_keys::Entity::find_by_id(i32::try_from(id).unwrap_or(i32::MAX)).one(conn).await?.is_some())
}
