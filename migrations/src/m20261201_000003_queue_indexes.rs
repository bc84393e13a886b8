//! Indexes for the officer's queues. The console's home counts seven
//! queues at every visit and lists one by the nearest deadline; each
//! filters the cases in progress by one more column (the next due date,
//! the track, the assigned officer, the last change). Each index leads
//! with the columns that narrow the queue and ends with the order's
//! (`next_due_on`, `id`), so a count, and the choice of a page's cases,
//! read the index alone: their cost follows the queue's size, not the
//! registry's.

use sea_orm_migration::prelude::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000003_queue_indexes"
    }
}

/// (name, columns) of each index on `cases`.
const INDEXES: [(&str, &[&str]); 4] = [
    // Overdue, due soon, waiting for the requester: a range of due dates
    // within each status.
    ("status_next_due", &["status", "next_due_on", "id"]),
    // New and unassigned; mine.
    ("status_assigned", &["status", "assigned_officer_id", "next_due_on", "id"]),
    // The urgent track.
    ("track_status", &["track", "status", "next_due_on", "id"]),
    // Changed in the last days.
    ("updated_at", &["updated_at", "status", "next_due_on", "id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, columns) in INDEXES {
            let mut index = Index::create();
            index.name(format!("ix_cases_{name}")).table("cases");
            for column in columns {
                index.col(*column);
            }
            m.create_index(index.to_owned()).await?;
        }
        Ok(())
    }
}
