//! The administrative commands never create what they should find: only
//! `serve` (configured to migrate) and `migrate` create or migrate a
//! database. Every other command (`audit verify`, `report`, `keys`,
//! `admin create`, `calendar due`) opens through `server::open::existing`,
//! which refuses a missing SQLite file, an empty or foreign database, an
//! older or newer schema, and missing keys, saying what is missing, and
//! leaves nothing behind.

use migrations::{Migrator, MigratorTrait};
use server::config::Config;
use server::open;

use crate::support::EmptyPostgres;

fn config(pairs: &[(&str, String)]) -> Config {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    Config::load(None, &move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).unwrap()
}

async fn refusal(config: &Config) -> String {
    match open::existing(config).await {
        Ok(_) => panic!("a command opened what it should have found missing"),
        Err(error) => format!("{error:#}"),
    }
}

#[tokio::test]
async fn a_missing_sqlite_database_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data").join("resguardo.db");
    // The development default asks SQLite to create the file (`mode=rwc`).
    let config = config(&[("RESGUARDO_DATABASE_URL", format!("sqlite://{}?mode=rwc", file.display()))]);
    let refused = refusal(&config).await;
    assert!(refused.contains("no database at") && refused.contains("resguardo migrate"), "{refused}");
    assert!(!dir.path().join("data").exists(), "nothing was created");
    // Keys are looked for, not made.
    let keys = dir.path().join("keys.toml");
    let with_keys = self::config(&[
        ("RESGUARDO_DATABASE_URL", format!("sqlite://{}?mode=rwc", file.display())),
        ("RESGUARDO_KEY_FILE", keys.display().to_string()),
    ]);
    let refused = open::existing_with_keys(&with_keys).await.err().unwrap().to_string();
    assert!(refused.contains("no encryption keys") && refused.contains("RESGUARDO_KEY_FILE"), "{refused}");
    assert!(!keys.exists(), "no key file was written");
}

#[tokio::test]
async fn an_sqlite_database_at_another_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("resguardo.db").display());
    older_and_newer_schemas_are_refused(&url).await;
}

#[tokio::test]
async fn an_empty_or_older_postgres_database_is_refused_untouched() {
    let Some(empty) = EmptyPostgres::create().await else { return };
    let config = config(&[("RESGUARDO_DATABASE_URL", empty.url.clone())]);
    let refused = refusal(&config).await;
    assert!(refused.contains("holds no Resguardo database"), "{refused}");
    let db = db::Database::connect_existing(&empty.url, 1).await.unwrap();
    assert!(!db.table_exists("seaql_migrations").await.unwrap(), "the check created nothing");
    db.close().await.unwrap();
    older_and_newer_schemas_are_refused(&empty.url).await;
    empty.drop().await;
}

/// One migration short of this binary, then one migration more than it
/// knows: both refused, with what to do.
async fn older_and_newer_schemas_are_refused(url: &str) {
    let config = config(&[("RESGUARDO_DATABASE_URL", url.to_owned())]);
    let db = db::Database::connect(url, 1).await.unwrap();
    let all = Migrator::migrations().len() as u32;
    Migrator::up(db.connection(), Some(all - 1)).await.unwrap();
    let refused = refusal(&config).await;
    assert!(refused.contains("older than this binary (1 migration(s) pending)"), "{refused}");
    assert!(refused.contains("resguardo migrate"), "{refused}");
    assert_eq!(Migrator::get_pending_migrations(db.connection()).await.unwrap().len(), 1, "nothing was migrated");

    Migrator::up(db.connection(), None).await.unwrap();
    assert!(open::existing(&config).await.is_ok(), "the current schema is accepted");
    use sea_orm::ConnectionTrait;
    db.connection()
        .execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29991231_000001_future', 0)")
        .await
        .unwrap();
    let refused = refusal(&config).await;
    assert!(refused.contains("newer Resguardo") && refused.contains("m29991231_000001_future"), "{refused}");
    db.close().await.unwrap();
}
