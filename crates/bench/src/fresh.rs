//! A fresh, migrated database for one run, removed afterwards.

use anyhow::Context;
use db::Database;
use migrations::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;

pub(crate) struct Fresh {
    db: Database,
    url: String,
    /// PostgreSQL: the server (as given) and the database created on it.
    postgres: Option<(String, String)>,
    sqlite_file: Option<std::path::PathBuf>,
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
        let db = db.with_keys(db::crypto::Keyring::generate().context("a key")?);
        Ok(Self { db, url, postgres, sqlite_file })
    }

    pub(crate) fn database(&self) -> &Database {
        &self.db
    }

    /// Where it is, for another process.
    pub(crate) fn url(&self) -> &str {
        &self.url
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
