//! A fresh, migrated database for one run, removed afterwards; or one a
//! previous run kept (`--keep-database`), opened with the key its data was
//! sealed with and left in place.

use std::path::Path;

use anyhow::Context;
use db::Database;
use db::crypto::Keyring;
use migrations::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;

pub(crate) struct Fresh {
    db: Database,
    url: String,
    /// The keys its data is sealed with (a server on it needs them).
    keys: Keyring,
    /// PostgreSQL: the server (as given) and the database created on it.
    postgres: Option<(String, String)>,
    sqlite_file: Option<std::path::PathBuf>,
    /// Created by this run (dropped by `drop`), not reused.
    created: bool,
}

impl Fresh {
    pub(crate) async fn create(url: Option<&str>) -> anyhow::Result<Self> {
        let (url, postgres, sqlite_file) = match url {
            Some(server) if server.starts_with("postgres") => {
                let name = format!("resguardo_bench_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(server, 1).await.context("connect to PostgreSQL")?;
                admin.connection().execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
                admin.close().await?;
                (db::with_database_name(server, &name), Some((server.to_owned(), name)), None)
            }
            Some(other) => anyhow::bail!("expected a postgres:// URL, got {}", other.split(':').next().unwrap_or("")),
            None => {
                let file = std::env::temp_dir().join(format!("resguardo-bench-{}.db", uuid::Uuid::new_v4().simple()));
                (format!("sqlite://{}?mode=rwc", file.display()), None, Some(file))
            }
        };
        let db = Database::connect(&url, 10).await.context("connect")?;
        Migrator::up(db.connection(), None).await.context("migrations")?;
        let keys = Keyring::generate().context("a key")?;
        let db = db.with_keys(keys.clone());
        Ok(Self { db, url, keys, postgres, sqlite_file, created: true })
    }

    /// A database kept by an earlier run, with its keys (`id:base64,…`, as
    /// `Keyring::to_list` prints them); `drop` leaves it in place.
    pub(crate) async fn reuse(url: &str, keys: &str) -> anyhow::Result<Self> {
        let keys =
            Keyring::from_list(keys).context("--key: expected id:base64 pairs, as --keep-database printed them")?;
        let db = Database::connect(url, 10).await.with_context(|| format!("connect to {url}"))?;
        let db = db.with_keys(keys.clone());
        Ok(Self { db, url: url.to_owned(), keys, postgres: None, sqlite_file: None, created: false })
    }

    pub(crate) fn database(&self) -> &Database {
        &self.db
    }

    /// Where it is, for another process.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn keys(&self) -> &Keyring {
        &self.keys
    }

    /// Created by this run (rather than reused).
    pub(crate) fn created(&self) -> bool {
        self.created
    }

    pub(crate) async fn drop(self) -> anyhow::Result<()> {
        self.db.close().await?;
        if let Some((server, name)) = self.postgres {
            let admin = Database::connect(&server, 1).await?;
            admin.connection().execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)")).await?;
            admin.close().await?;
        }
        if let Some(file) = self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        Ok(())
    }
}

/// Writes `keys` as the key file `resguardo serve` reads (`RESGUARDO_KEY_FILE`).
pub(crate) fn write_key_file(path: &Path, keys: &Keyring) -> anyhow::Result<()> {
    let secret = api::AccessKeySecret::generate().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut text = format!(
        "# The keys bench sealed its generated data with.\ncurrent = {}\naccess_key_secret = \"{}\"\n",
        keys.current_id(),
        secret.to_base64()
    );
    for id in keys.key_ids() {
        if let Some(key) = keys.key(id) {
            text.push_str(&format!("\n[[keys]]\nid = {id}\nkey = \"{}\"\n", key.to_base64()));
        }
    }
    std::fs::write(path, text).with_context(|| format!("write {}", path.display()))
}
