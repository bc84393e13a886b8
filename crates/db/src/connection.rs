//! Opening the database and the transaction discipline every command uses.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::calendar::Calendar;
use domain::deadline::DeadlineRules;
use domain::reminders::ReminderPolicies;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::crypto::Keyring;
use crate::error::{DbError, DbResult};
use crate::key_state::{KeySource, KeyState};
use crate::live::LiveBus;
use crate::reference;

/// `postgres://user@host:5432/test?x=y` with its database name replaced by
/// `name` (tests and benchmarks create a fresh database per run).
pub fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..].find('/').map_or(base.len(), |i| authority + i);
    match query {
        Some(query) => format!("{}/{name}?{query}", &base[..path]),
        None => format!("{}/{name}", &base[..path]),
    }
}

/// Which database is behind the facade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The storage facade. Cheap to clone: clones share the pool.
#[derive(Clone)]
pub struct Database {
    conn: DatabaseConnection,
    /// The calendar built at the version last seen; rebuilt when an admin
    /// change bumps the version (checked with one small query per command).
    calendar: Arc<Mutex<Option<Calendar>>>,
    /// Statements executed through this pool: tests check that a page of
    /// results costs a constant number of them.
    statements: Arc<AtomicU64>,
    /// The keys that seal sensitive columns (reloaded when their source
    /// changes); `None` for maintenance work (migrations) that never
    /// touches them.
    keys: Option<Arc<KeyState>>,
    /// Live events of every instance, for subscriptions.
    live: Arc<LiveBus>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("backend", &self.backend()).finish_non_exhaustive()
    }
}

impl Database {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`),
    /// creating an SQLite file that does not exist yet. Statement logging
    /// stays off: bound values can be personal data.
    pub async fn connect(url: &str, max_connections: u32) -> DbResult<Self> {
        Self::connect_with(url, max_connections, true).await
    }

    /// Connects to a database that must exist already: a missing SQLite
    /// file is an error, never a new empty database.
    pub async fn connect_existing(url: &str, max_connections: u32) -> DbResult<Self> {
        Self::connect_with(url, max_connections, false).await
    }

    async fn connect_with(url: &str, max_connections: u32, create: bool) -> DbResult<Self> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(move |o| {
                // WAL lets readers work while one writer commits; NORMAL
                // synchronous is durable in WAL mode except on power loss
                // of the last transaction, the usual trade-off for WAL.
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .create_if_missing(create)
            });
        let mut conn = sea_orm::Database::connect(options).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&statements);
        conn.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let live = Arc::new(LiveBus::new(conn.get_database_backend(), url));
        Ok(Self { conn, calendar: Arc::new(Mutex::new(None)), statements, keys: None, live })
    }

    /// The same database, sealing and opening sensitive columns with `keys`.
    pub fn with_keys(mut self, keys: Keyring) -> Self {
        self.keys = Some(Arc::new(KeyState::fixed(keys)));
        self
    }

    /// The same database with `keys`, which follow `source` when it changes
    /// (a key file rotated while the server runs).
    pub fn with_key_source(mut self, keys: Keyring, source: Box<dyn KeySource>) -> Self {
        self.keys = Some(Arc::new(KeyState::reloading(keys, source)));
        self
    }

    /// The keys to open values with.
    pub(crate) fn keys(&self) -> DbResult<Arc<Keyring>> {
        Ok(self.keys.as_deref().ok_or(DbError::NoKeys)?.current())
    }

    /// The keys to seal with in a transaction on `conn`: refused when a
    /// rotation superseded this instance's current key.
    pub(crate) async fn sealing_keys(&self, conn: &impl ConnectionTrait) -> DbResult<Arc<Keyring>> {
        self.keys.as_deref().ok_or(DbError::NoKeys)?.for_sealing(conn).await
    }

    pub(crate) fn live(&self) -> &Arc<LiveBus> {
        &self.live
    }

    /// How many statements this pool has executed so far.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The raw connection, for migrations.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> Backend {
        // Only SQLite and PostgreSQL drivers are compiled in.
        if self.conn.get_database_backend() == DbBackend::Sqlite { Backend::Sqlite } else { Backend::Postgres }
    }

    /// Whether a table of that name exists (a schema check that creates
    /// nothing).
    pub async fn table_exists(&self, table: &str) -> DbResult<bool> {
        let backend = self.conn.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => {
                "SELECT COUNT(*) AS n FROM information_schema.tables \
                                    WHERE table_schema = current_schema() AND table_name = $1"
            }
            _ => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1",
        };
        let statement = sea_orm::Statement::from_sql_and_values(backend, sql, [table.into()]);
        let row = self.conn.query_one_raw(statement).await?.ok_or(DbError::Corrupt("table count"))?;
        Ok(row.try_get::<i64>("", "n")? > 0)
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> DbResult<()> {
        self.conn.ping().await?;
        Ok(())
    }

    /// After a bulk load such as `import_cases` or a restore, does on
    /// PostgreSQL what autovacuum does on its own within minutes (its
    /// insert threshold): `VACUUM ANALYZE`. The statistics let the planner
    /// see the tables' sizes (before, it believes them empty and scans them
    /// whole: 108 ms instead of 0.4 ms for one page's deadlines at 10⁵
    /// requests); the visibility map lets a count read an index alone
    /// (before, every row it counts is read from the table: 13 ms instead
    /// of 0.9 ms for the urgent queue's count at 10⁵). SQLite has neither
    /// until asked, and its default plans use the indexes.
    pub async fn settle_after_bulk_load(&self) -> DbResult<()> {
        if self.backend() == Backend::Postgres {
            self.conn.execute_unprepared("VACUUM ANALYZE").await?;
        }
        Ok(())
    }

    /// Closes the pool (tests drop their databases afterwards).
    pub async fn close(self) -> DbResult<()> {
        self.conn.close().await?;
        Ok(())
    }

    /// Starts a transaction that will write. On SQLite it takes the write
    /// lock at once (`BEGIN IMMEDIATE`): a deferred transaction that reads
    /// and then writes can fail with "database is locked" under concurrency
    /// instead of waiting its turn.
    pub(crate) async fn write_transaction(&self) -> DbResult<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.conn.begin_with_options(options).await?)
    }

    /// The calendar and deadline rules in force, read in `conn` so that a
    /// command sees the same data it writes against.
    pub(crate) async fn rules_in(
        &self,
        conn: &impl ConnectionTrait,
    ) -> DbResult<(Calendar, DeadlineRules, ReminderPolicies)> {
        let version = reference::calendar_version(conn).await?;
        let cached = self.cached_calendar().filter(|c| c.version() == version);
        let calendar = match cached {
            Some(calendar) => calendar,
            None => {
                let calendar = reference::load_calendar(conn, version).await?;
                if let Ok(mut slot) = self.calendar.lock() {
                    *slot = Some(calendar.clone());
                }
                calendar
            }
        };
        let rules = reference::load_deadline_rules(conn).await?;
        let policies = reference::load_reminder_policies(conn).await?;
        Ok((calendar, rules, policies))
    }

    fn cached_calendar(&self) -> Option<Calendar> {
        self.calendar.lock().ok().and_then(|slot| slot.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::with_database_name;

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(with_database_name("postgres://root@127.0.0.1:5432/test", "x"), "postgres://root@127.0.0.1:5432/x");
        assert_eq!(with_database_name("postgres://h/test?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
        assert_eq!(with_database_name("postgres://h", "x"), "postgres://h/x");
    }
}
