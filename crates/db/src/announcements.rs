//! Announcing deadlines that became due soon or overdue. Time, not a
//! command, makes them so: the delivery worker's pass calls this, and
//! inserting the announcement's row is how one instance claims it, so each
//! is announced once however many instances run the pass.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::business_day::lima_date;
use domain::codes::RefCode;
use domain::deadline::DeadlineKind;
use domain::workflow::MeasureNo;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::connection::Database;
use crate::entities::{cases, deadline_announcements as announced, deadlines};
use crate::error::DbResult;
use crate::live::{DeadlineRef, LiveEvent, LiveEventKind};
use crate::parse::{parse_code, parse_opt_code, to_u16};

/// "Due soon" means due within this many working days, as in the
/// `dueSoon` list's default.
pub const DUE_SOON_WORKING_DAYS: u32 = 5;

/// Announcements per stage and pass: a backlog (the first pass after an
/// upgrade, a worker that was down) drains over several passes instead of
/// holding one long transaction.
const PER_PASS: u64 = 500;

/// The event of each stage, and how the stage is stored.
const OVERDUE: (LiveEventKind, &str) = (LiveEventKind::DeadlineOverdue, "OVERDUE");
const DUE_SOON: (LiveEventKind, &str) = (LiveEventKind::DeadlineDueSoon, "DUE_SOON");

impl Database {
    /// Announces the running deadlines that are now overdue, or due within
    /// [`DUE_SOON_WORKING_DAYS`], and were not yet announced at that stage
    /// for their current due date. Returns how many this call announced.
    pub async fn announce_deadlines(&self, now: DateTime<Utc>) -> DbResult<usize> {
        let today = lima_date(now);
        let horizon = self.calendar().await?.add_working_days(today, DUE_SOON_WORKING_DAYS, None);
        let overdue = self.announce_stage(OVERDUE, None, today - Duration::days(1), now).await?;
        let due_soon = self.announce_stage(DUE_SOON, Some(today), horizon, now).await?;
        Ok(overdue + due_soon)
    }

    async fn announce_stage(
        &self,
        (kind, stage): (LiveEventKind, &str),
        from: Option<NaiveDate>,
        until: NaiveDate,
        now: DateTime<Utc>,
    ) -> DbResult<usize> {
        let already = Query::select()
            .expr(Expr::val(1))
            .from(announced::Entity)
            .and_where(
                Expr::col((announced::Entity, announced::Column::DeadlineId))
                    .equals((deadlines::Entity, deadlines::Column::Id)),
            )
            .and_where(Expr::col((announced::Entity, announced::Column::Stage)).eq(stage))
            .and_where(
                Expr::col((announced::Entity, announced::Column::Version))
                    .equals((deadlines::Entity, deadlines::Column::Version)),
            )
            .to_owned();
        let mut due = deadlines::Entity::find()
            .filter(deadlines::Column::Status.eq("OPEN"))
            .filter(deadlines::Column::DueOn.lte(until))
            .filter(Expr::exists(already).not());
        if let Some(from) = from {
            due = due.filter(deadlines::Column::DueOn.gte(from));
        }
        let due = due.order_by_asc(deadlines::Column::DueOn).limit(PER_PASS).all(self.connection()).await?;
        if due.is_empty() {
            return Ok(0);
        }
        let case_ids: Vec<Uuid> = due.iter().map(|d| d.case_id).collect();
        let file_numbers: std::collections::HashMap<Uuid, String> = cases::Entity::find()
            .select_only()
            .columns([cases::Column::Id, cases::Column::FileNumber])
            .filter(cases::Column::Id.is_in(case_ids))
            .into_tuple()
            .all(self.connection())
            .await?
            .into_iter()
            .collect();

        let tx = self.write_transaction().await?;
        let mut events = Vec::new();
        for deadline in due {
            let claimed = announced::Entity::insert(announced::ActiveModel {
                deadline_id: Set(deadline.id),
                stage: Set(stage.to_owned()),
                version: Set(deadline.version),
                announced_at: Set(now),
            })
            .on_conflict(
                OnConflict::columns([
                    announced::Column::DeadlineId,
                    announced::Column::Stage,
                    announced::Column::Version,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&tx)
            .await?;
            // Another instance announced it first.
            if claimed == 0 {
                continue;
            }
            let about = DeadlineRef {
                kind: parse_code(DeadlineKind::parse, &deadline.kind, "deadlines.kind")?,
                measure: deadline.measure_no.map(|no| to_u16(no, "deadlines.measure_no").map(MeasureNo)).transpose()?,
                sector: parse_opt_code(RefCode::parse, deadline.sector_code.as_deref(), "deadlines.sector_code")?,
                due_on: deadline.due_on,
            };
            let file_number = file_numbers.get(&deadline.case_id).map_or("", String::as_str);
            events.push(LiveEvent::about_deadline(kind, deadline.case_id, file_number, about, now));
        }
        let count = events.len();
        self.commit_announcing(tx, events).await?;
        Ok(count)
    }
}
