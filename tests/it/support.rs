//! Test databases: every test gets a fresh, migrated database of its own,
//! on SQLite (a file in a temporary directory) and, when
//! `TEST_DATABASE_URL` points at a PostgreSQL server, on PostgreSQL too.

use std::future::Future;

use db::Database;
use migrations::{Migrator, MigratorTrait};

/// Runs `test` against both databases; one test function per backend is
/// generated so a failure names the backend.
macro_rules! on_both_databases {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::support::run_on_sqlite(super::$test).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::support::run_on_postgres(super::$test).await
            }
        }
    )+};
}
pub(crate) use on_both_databases;

pub(crate) async fn run_on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Database) -> Fut,
    Fut: Future<Output = ()>,
{
    log_buffer();
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("resguardo.db").display());
    let db = migrated(&url).await;
    test(db.clone()).await;
    db.close().await.expect("close");
}

pub(crate) async fn run_on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Database) -> Fut,
    Fut: Future<Output = ()>,
{
    log_buffer();
    let Some(server) = postgres_server_url() else {
        return;
    };
    let name = format!("resguardo_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&server, 1).await.expect("connect to TEST_DATABASE_URL");
    admin_exec(&admin, &format!("CREATE DATABASE {name}")).await;
    let db = migrated(&db::with_database_name(&server, &name)).await;
    test(db.clone()).await;
    db.close().await.expect("close");
    admin_exec(&admin, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
}

/// A PostgreSQL database of its own, created empty (no migrations), for
/// tests about what finds or refuses a database. `None` skips, as above.
pub(crate) struct EmptyPostgres {
    pub(crate) url: String,
    name: String,
    admin: Database,
}

impl EmptyPostgres {
    pub(crate) async fn create() -> Option<Self> {
        let server = postgres_server_url()?;
        let name = format!("resguardo_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&server, 1).await.expect("connect to TEST_DATABASE_URL");
        admin_exec(&admin, &format!("CREATE DATABASE {name}")).await;
        Some(Self { url: db::with_database_name(&server, &name), name, admin })
    }

    pub(crate) async fn drop(self) {
        admin_exec(&self.admin, &format!("DROP DATABASE {} WITH (FORCE)", self.name)).await;
    }
}

/// `TEST_DATABASE_URL`, or `None` to skip. In CI a missing URL is an error:
/// the PostgreSQL suite must not be skipped silently there.
fn postgres_server_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!("CI is set but TEST_DATABASE_URL is not"),
        _ => None,
    }
}

async fn admin_exec(admin: &Database, sql: &str) {
    use sea_orm::ConnectionTrait;
    admin.connection().execute_unprepared(sql).await.expect(sql);
}

async fn migrated(url: &str) -> Database {
    let db = Database::connect(url, 5).await.expect("connect");
    Migrator::up(db.connection(), None).await.expect("migrations");
    db.with_keys(db::crypto::Keyring::generate().expect("a key"))
}

/// Everything the code under test logs, at every level, into one buffer the
/// confidentiality tests search (installed before the first test runs).
pub(crate) fn captured_logs() -> String {
    let buffer = log_buffer();
    let bytes = buffer.lock().map(|b| b.clone()).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

type LogBuffer = std::sync::Arc<std::sync::Mutex<Vec<u8>>>;

fn log_buffer() -> &'static LogBuffer {
    static BUFFER: std::sync::OnceLock<LogBuffer> = std::sync::OnceLock::new();
    BUFFER.get_or_init(|| {
        let buffer = LogBuffer::default();
        let writer = {
            let buffer = std::sync::Arc::clone(&buffer);
            move || LogWriter(std::sync::Arc::clone(&buffer))
        };
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(writer)
            .try_init();
        buffer
    })
}

struct LogWriter(LogBuffer);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
