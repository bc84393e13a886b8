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
