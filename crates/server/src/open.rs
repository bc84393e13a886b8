//! How the commands open the database. Only `serve` (when configured to
//! migrate on start) and `migrate` may create or migrate one; every other
//! command finds what it needs or refuses, naming what is missing: the
//! database, its schema at this binary's version, the keys.

use anyhow::{Context as _, bail};
use db::Database;
use db::crypto::Keyring;

use crate::config::{self, Config};
use crate::keys::{self, Source};
use crate::migrate;

/// For `serve`: migrations applied first when `migrate_on_start` (creating
/// an SQLite file on a first run), otherwise the schema must be current;
/// the keys (a development run without any gets a new key file), watched
/// when they are a file, and the access-key secret. A current key that a
/// rotation superseded is refused: those keys are out of date.
pub async fn for_serving(config: &Config) -> anyhow::Result<(Database, api::AccessKeySecret)> {
    let (ring, source) = keys::load(config)?;
    let access_key_secret = keys::access_key_secret(config, &source)?;
    let db = if config.migrate_on_start {
        prepare_sqlite_directory(config)?;
        let applied = migrate::run(&config.database_url).await.context("migrations failed")?;
        tracing::info!(applied, "database schema is up to date");
        connect(config, true).await?
    } else {
        let db = connect(config, false).await?;
        migrate::require_current_schema(&db, &config.database_description()).await?;
        db
    };
    refuse_superseded(&db, &ring).await?;
    Ok((keys::attach(db, ring, &source), access_key_secret))
}

/// For `migrate`: the database is created if it is an SQLite file that does
/// not exist yet.
pub async fn for_migrating(config: &Config) -> anyhow::Result<usize> {
    prepare_sqlite_directory(config)?;
    migrate::run(&config.database_url).await.with_context(|| format!("migrating {}", config.database_description()))
}

/// For every other command: the database must exist with the current
/// schema. Nothing is created or migrated.
pub async fn existing(config: &Config) -> anyhow::Result<Database> {
    let db = connect(config, false).await?;
    migrate::require_current_schema(&db, &config.database_description()).await?;
    Ok(db)
}

/// As [`existing`], with the keys, which must exist too.
pub async fn existing_with_keys(config: &Config) -> anyhow::Result<(Database, Keyring, Source)> {
    let (ring, source) = keys::existing(config)?;
    let db = existing(config).await?;
    Ok((db.with_keys(ring.clone()), ring, source))
}

async fn connect(config: &Config, create: bool) -> anyhow::Result<Database> {
    let description = config.database_description();
    if !create
        && let Some(path) = config::sqlite_file(&config.database_url)
        && !path.exists()
    {
        bail!(
            "no database at {} (RESGUARDO_DATABASE_URL): run the command with the server's settings and \
             from its working directory; a new database is created by `resguardo migrate`",
            path.display()
        );
    }
    let connected = if create {
        Database::connect(&config.database_url, config.database_max_connections).await
    } else {
        Database::connect_existing(&config.database_url, config.database_max_connections).await
    };
    // The driver's message may quote the URL: its credentials are masked.
    connected.map_err(|error| {
        anyhow::anyhow!("cannot connect to {description}: {}", config::mask_credentials(&format!("{error:#}")))
    })
}

async fn refuse_superseded(db: &Database, ring: &Keyring) -> anyhow::Result<()> {
    if db.key_superseded(ring.current_id()).await? {
        bail!(
            "the current encryption key {} was superseded by a rotation: these keys are out of date \
             (update RESGUARDO_ENCRYPTION_KEYS or the key file to the rotated ones)",
            ring.current_id()
        );
    }
    Ok(())
}

/// A first run on SQLite must need no setup: create the data directory.
fn prepare_sqlite_directory(config: &Config) -> anyhow::Result<()> {
    if let Some(dir) = config::sqlite_directory(&config.database_url) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(())
}
