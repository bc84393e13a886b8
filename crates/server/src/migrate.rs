//! Applying migrations, safely when several instances start at once.

use db::{Backend, Database};
use migrations::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;

/// An arbitrary, fixed key for the PostgreSQL advisory lock that
/// serialises migrations across instances ("RESGUARD" in ASCII).
const MIGRATION_LOCK_KEY: i64 = 0x5245_5347_5541_5244;

/// Applies every pending migration to `url` and returns how many ran.
///
/// On PostgreSQL the work happens on a one-connection pool holding a
/// session advisory lock, so two instances starting together migrate one
/// after the other instead of racing.
pub async fn run(url: &str) -> anyhow::Result<usize> {
    let db = Database::connect(url, 1).await?;
    let conn = db.connection();
    let postgres = db.backend() == Backend::Postgres;
    if postgres {
        conn.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")).await?;
    }
    let pending = Migrator::get_pending_migrations(conn).await?.len();
    let result = Migrator::up(conn, None).await;
    if postgres {
        conn.execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")).await?;
    }
    result?;
    db.close().await?;
    Ok(pending)
}

/// Where a database's schema stands against this binary's migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaState {
    /// No Resguardo schema at all: an empty or a wrong database.
    Missing,
    /// This many migrations of this binary are not applied yet.
    Behind(usize),
    /// Applied migrations this binary does not know: a newer release ran.
    Ahead(Vec<String>),
    Current,
}

/// Reads the applied migrations without creating anything (sea-orm's own
/// status check would create its bookkeeping table in an empty database).
pub async fn schema_state(db: &Database) -> anyhow::Result<SchemaState> {
    if !db.table_exists("seaql_migrations").await? {
        return Ok(SchemaState::Missing);
    }
    let backend = db.connection().get_database_backend();
    let statement = sea_orm::Statement::from_string(backend, "SELECT version FROM seaql_migrations");
    let mut applied = Vec::new();
    for row in db.connection().query_all_raw(statement).await? {
        applied.push(row.try_get::<String>("", "version")?);
    }
    let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let unknown: Vec<String> = applied.iter().filter(|v| !known.contains(v)).cloned().collect();
    if !unknown.is_empty() {
        return Ok(SchemaState::Ahead(unknown));
    }
    let pending = known.iter().filter(|v| !applied.contains(v)).count();
    Ok(if pending == 0 { SchemaState::Current } else { SchemaState::Behind(pending) })
}

/// Refuses, saying what to do, unless the schema is this binary's.
pub async fn require_current_schema(db: &Database, description: &str) -> anyhow::Result<()> {
    match schema_state(db).await? {
        SchemaState::Current => Ok(()),
        SchemaState::Missing => anyhow::bail!(
            "{description} holds no Resguardo database (is RESGUARDO_DATABASE_URL right?); \
             a new one is created by `resguardo migrate` or `resguardo serve`"
        ),
        SchemaState::Behind(pending) => anyhow::bail!(
            "the schema of {description} is older than this binary ({pending} migration(s) pending): \
             back it up, then run `resguardo migrate`"
        ),
        SchemaState::Ahead(unknown) => anyhow::bail!(
            "{description} was migrated by a newer Resguardo ({} migration(s) this binary does not know, \
             the last {}): use that release",
            unknown.len(),
            unknown.last().map_or("", String::as_str)
        ),
    }
}
