//! Partial indexes for the cases still in progress (every status but not
//! admitted, referred and archived): what every officer's queue lists.
//! Full indexes on `(status, …)` read the queue one status at a time and
//! sort; these hold only the cases in progress, in the order the queues
//! show them (`next_due_on`, `id`), so a page reads its own rows and stops,
//! whatever the size of the registry or of the department (outside Lima,
//! 900–1 400 rows read and sorted per page at 10⁶ before).
//!
//! The predicate is text the queries repeat word for word
//! (`db::lists::IN_PROGRESS`): SQLite uses a partial index only when the
//! query's `WHERE` contains its condition, and PostgreSQL's generic plans
//! only when it is a literal, not a bound parameter.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000005_in_progress_indexes"
    }
}

const IN_PROGRESS: &str = "status NOT IN ('NOT_ADMITTED', 'REFERRED', 'ARCHIVED')";

/// (name, columns) of each partial index on `cases`. Each ends with
/// `status`: a list of some of the statuses in progress (the officer's
/// page asks for four) filters on the index alone, without reading the
/// rows it skips (at 10⁶, without it PostgreSQL read 1 534 pages to choose
/// 51 cases; with it, 5).
const INDEXES: [(&str, &str); 4] = [
    // Overdue, due soon, and any list of work by the nearest deadline.
    ("in_progress_due", "next_due_on, id, status"),
    // A department's work (the officer's page).
    ("in_progress_department", "department_code, next_due_on, id, status"),
    // Mine.
    ("in_progress_assigned", "assigned_officer_id, next_due_on, id, status"),
    // The urgent track.
    ("in_progress_track", "track, next_due_on, id, status"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Same syntax on SQLite and PostgreSQL.
        for (name, columns) in INDEXES {
            let sql = format!("CREATE INDEX ix_cases_{name} ON cases ({columns}) WHERE {IN_PROGRESS}");
            m.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
