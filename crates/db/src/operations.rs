//! What an operator's monitoring reads (`/metrics`): how much work waits in
//! the database and how the connection pool is doing. Counts only: nothing
//! here identifies a case or a person.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::connection::{Backend, Database};
use crate::entities::{deadlines, outbox};
use crate::error::DbResult;

/// The work waiting, counted at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCounts {
    /// E-mails by state: PENDING, SENT, DEAD, CANCELLED.
    pub outbox: Vec<(String, u64)>,
    /// Pending e-mails that failed at least once and wait for a retry.
    pub outbox_retrying: u64,
    /// Running deadlines (open, not suspended).
    pub open_deadlines: u64,
    /// Open deadlines whose due date has passed.
    pub overdue_deadlines: u64,
}

/// The connection pool right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    pub connections: u32,
    pub idle: u32,
    pub max: u32,
}

impl Database {
    /// Counted with indexed statements (`outbox (status, …)`,
    /// `deadlines (status, due_on)`), so a scrape stays cheap at 10⁶ rows.
    pub async fn work_counts(&self, today: NaiveDate) -> DbResult<WorkCounts> {
        let mut by_state: Vec<(String, u64)> =
            self.outbox_counts().await?.into_iter().map(|(state, n)| (state, u64::try_from(n).unwrap_or(0))).collect();
        by_state.sort();
        let retrying = outbox::Entity::find()
            .filter(outbox::Column::Status.eq("PENDING"))
            .filter(outbox::Column::Attempts.gt(0))
            .count(self.connection())
            .await?;
        let open = deadlines::Entity::find().filter(deadlines::Column::Status.eq("OPEN"));
        let open_deadlines = open.clone().count(self.connection()).await?;
        let overdue_deadlines = open.filter(deadlines::Column::DueOn.lt(today)).count(self.connection()).await?;
        Ok(WorkCounts { outbox: by_state, outbox_retrying: retrying, open_deadlines, overdue_deadlines })
    }

    pub fn pool_state(&self) -> PoolState {
        let (connections, idle, max) = match self.backend() {
            Backend::Sqlite => {
                let pool = self.connection().get_sqlite_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            Backend::Postgres => {
                let pool = self.connection().get_postgres_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
        };
        PoolState { connections, idle: u32::try_from(idle).unwrap_or(u32::MAX), max }
    }
}
