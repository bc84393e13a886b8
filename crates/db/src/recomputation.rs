//! Recomputing the running deadlines a calendar change touched, after the
//! change has committed, a batch of cases per transaction.
//!
//! The change commits at once, with a row in `calendar_recomputations`
//! naming the days and the department it touched. The deadlines follow in
//! batches of [`BATCH`] cases, each its own short transaction writing each
//! table in a few statements (plus one update per changed row), so a writer
//! waits for one batch at most, not for the whole recomputation (131 s for
//! one region at 10⁶ when it was the change's own transaction).
//!
//! Until its batch is done, a deadline still stores the previous
//! calendar's due date, and nobody is shown it, sent it or acts on it as
//! current: `Deadline::on_calendar` gives what the batch will write, and
//! the API, the sender and the reminder pass go by it. The row records the
//! end; a recomputation cut short (a crash, a restart) is finished by the
//! next housekeeping of the delivery worker on any instance.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use domain::business_day::lima_date;
use domain::place::DepartmentCode;
use domain::roles::Role;
use domain::workflow::{AuditAction, Case, Context, Effect, Transition};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::calendar_admin::{CalendarChangeReport, department};
use crate::case_store::{self, LoadedCase};
use crate::commands::event_row;
use crate::connection::Database;
use crate::effects::{self, Actor, Deferred, Origin};
use crate::entities::{calendar_recomputations, case_events, cases, deadlines};
use crate::error::{DbError, DbResult};
use crate::live::transition_events;
use crate::outbox::{Collected, Planner};

/// Cases per transaction: a few hundred keep each batch to tens of
/// milliseconds.
const BATCH: usize = 250;

/// A batch that lost a race with a command on one of its cases is taken
/// again (the command's write wins; the batch recomputes on top of it).
const ATTEMPTS: usize = 3;

/// The days a calendar change touched, and where (`None`: everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) first: NaiveDate,
    pub(crate) last: NaiveDate,
    pub(crate) department: Option<DepartmentCode>,
}

/// Records, in the calendar change's transaction, what it must recompute.
pub(crate) async fn request(
    conn: &impl ConnectionTrait,
    version: u64,
    window: Window,
    actor: &Actor,
    at: DateTime<Utc>,
) -> DbResult<()> {
    calendar_recomputations::Entity::insert(calendar_recomputations::ActiveModel {
        calendar_version: Set(stored_version(version)?),
        first_day: Set(window.first),
        last_day: Set(window.last),
        department_code: Set(window.department.map(|d| d.as_str().to_owned())),
        actor_user_id: Set(actor.user_id),
        actor_role: Set(actor.role.code().to_owned()),
        actor_request_id: Set(actor.request_id.clone()),
        requested_at: Set(at),
        cases_recomputed: Set(0),
        deadlines_moved: Set(0),
        finished_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Where a recomputation is under way: each unfinished one's department
/// (`None`: everywhere).
pub(crate) async fn under_way(conn: &impl ConnectionTrait) -> DbResult<Vec<Option<DepartmentCode>>> {
    let codes: Vec<Option<String>> = calendar_recomputations::Entity::find()
        .select_only()
        .column(calendar_recomputations::Column::DepartmentCode)
        .filter(calendar_recomputations::Column::FinishedAt.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    codes.iter().map(|code| department(code.as_deref())).collect()
}

pub(crate) fn stored_version(version: u64) -> DbResult<i64> {
    i64::try_from(version).map_err(|_| DbError::Corrupt("calendar_state.version"))
}

/// The cases, in id order, with a running deadline computed before
/// `version` whose window (start, due] meets the changed days, in the
/// department concerned. A suspended deadline counts whatever its due date:
/// it is computed again when the clock resumes.
async fn touched_cases(conn: &impl ConnectionTrait, version: i64, window: Window) -> DbResult<Vec<Uuid>> {
    use deadlines::Column as D;
    let mut touched = deadlines::Entity::find()
        .select_only()
        .column(D::CaseId)
        .distinct()
        .filter(D::Status.is_in(["OPEN", "SUSPENDED"]))
        .filter(D::CalendarVersion.lt(version))
        .filter(D::StartOn.lt(window.last))
        .filter(sea_orm::Condition::any().add(D::DueOn.gte(window.first)).add(D::Status.eq("SUSPENDED")))
        .order_by_asc(D::CaseId);
    if let Some(code) = window.department {
        let in_department = Query::select()
            .column(cases::Column::Id)
            .from(cases::Entity)
            .and_where(Expr::col(cases::Column::DepartmentCode).eq(code.as_str()))
            .to_owned();
        touched = touched.filter(D::CaseId.in_subquery(in_department));
    }
    Ok(touched.into_tuple().all(conn).await?)
}

/// The case's deadlines computed again on the calendar in force, or `None`
/// when that changes nothing (a command or another instance did it first).
fn recomputed(loaded: &LoadedCase, ctx: &Context<'_>) -> Option<Transition> {
    let transition = loaded.case.recompute_deadlines(ctx);
    (transition.case.deadlines != loaded.case.deadlines).then_some(transition)
}

fn moved(transition: &Transition) -> usize {
    transition.effects.iter().filter(|e| matches!(e, Effect::Deadline { .. })).count()
}

/// The next history number of each case, in one statement.
async fn next_event_seqs(conn: &impl ConnectionTrait, ids: &[Uuid]) -> DbResult<HashMap<Uuid, i32>> {
    let last: Vec<(Uuid, Option<i32>)> = case_events::Entity::find()
        .select_only()
        .column(case_events::Column::CaseId)
        .column_as(case_events::Column::Seq.max(), "seq")
        .filter(case_events::Column::CaseId.is_in(ids.iter().copied()))
        .group_by(case_events::Column::CaseId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(last.into_iter().map(|(case, seq)| (case, seq.unwrap_or(0) + 1)).collect())
}

fn actor_of(job: &calendar_recomputations::Model) -> DbResult<Actor> {
    Ok(Actor {
        user_id: job.actor_user_id,
        role: Role::parse(&job.actor_role).map_err(|_| DbError::Corrupt("calendar_recomputations.actor_role"))?,
        request_id: job.actor_request_id.clone(),
    })
}

fn report_of(job: &calendar_recomputations::Model) -> CalendarChangeReport {
    CalendarChangeReport {
        version: u64::try_from(job.calendar_version).unwrap_or(0),
        cases_recomputed: usize::try_from(job.cases_recomputed).unwrap_or(0),
        deadlines_moved: usize::try_from(job.deadlines_moved).unwrap_or(0),
        finished: job.finished_at.is_some(),
    }
}

impl Database {
    /// Where a calendar change's recomputation is under way: each one's
    /// department (`None`: the whole country). There, stored due dates may
    /// still be the previous calendar's. From memory; almost always empty.
    pub async fn recomputations_under_way(&self) -> DbResult<Vec<Option<DepartmentCode>>> {
        Ok(self.reference_data().await?.recomputing.clone())
    }

    /// Finishes every recomputation a calendar change asked for and that
    /// was cut short, oldest first; returns how many it finished. Run by
    /// the delivery worker's housekeeping; harmless beside another
    /// instance doing the same (each case is recomputed once).
    pub async fn finish_recomputations(&self, at: DateTime<Utc>) -> DbResult<usize> {
        let pending: Vec<i64> = calendar_recomputations::Entity::find()
            .select_only()
            .column(calendar_recomputations::Column::CalendarVersion)
            .filter(calendar_recomputations::Column::FinishedAt.is_null())
            .order_by_asc(calendar_recomputations::Column::CalendarVersion)
            .into_tuple()
            .all(self.connection())
            .await?;
        for version in &pending {
            self.recompute(*version, at).await?;
        }
        Ok(pending.len())
    }

    /// Runs the recomputation of calendar version `version` to its end.
    pub(crate) async fn recompute(&self, version: i64, at: DateTime<Utc>) -> DbResult<CalendarChangeReport> {
        let job = calendar_recomputations::Entity::find_by_id(version)
            .one(self.connection())
            .await?
            .ok_or(DbError::Corrupt("calendar_recomputations"))?;
        if job.finished_at.is_some() {
            return Ok(report_of(&job));
        }
        let window = Window {
            first: job.first_day,
            last: job.last_day,
            department: department(job.department_code.as_deref())?,
        };
        let actor = actor_of(&job)?;
        let touched = touched_cases(self.connection(), version, window).await?;
        for batch in touched.chunks(BATCH) {
            let mut attempt = 1;
            while let Err(error) = self.recompute_batch(version, &actor, batch, at).await {
                if !matches!(error, DbError::Conflict) || attempt == ATTEMPTS {
                    return Err(error);
                }
                attempt += 1;
            }
        }
        // Every instance forgets that it is under way.
        let tx = self.write_transaction().await?;
        calendar_recomputations::Entity::update_many()
            .col_expr(calendar_recomputations::Column::FinishedAt, Expr::value(Some(at)))
            .filter(calendar_recomputations::Column::CalendarVersion.eq(version))
            .filter(calendar_recomputations::Column::FinishedAt.is_null())
            .exec(&tx)
            .await?;
        self.commit_reference_edit(tx).await?;
        let job = calendar_recomputations::Entity::find_by_id(version)
            .one(self.connection())
            .await?
            .ok_or(DbError::Corrupt("calendar_recomputations"))?;
        Ok(report_of(&job))
    }

    /// One batch in one transaction: the cases read together, each
    /// recomputed and written back, then their history, events, messages
    /// and audit entries written together.
    async fn recompute_batch(&self, version: i64, actor: &Actor, ids: &[Uuid], at: DateTime<Utc>) -> DbResult<()> {
        let tx = self.write_transaction().await?;
        let (calendar, rules, policies) = self.rules_in(&tx).await?;
        let ctx = Context { calendar: &calendar, rules: &rules };
        let sealing = self.sealing_keys(&tx).await?;
        let staff = Arc::new(crate::outbox::active_staff(&tx).await?);
        let today = lima_date(at);
        let payload = json!({ "calendarVersion": calendar.version() });
        let loaded = case_store::load_many(&tx, ids).await?;
        let seqs = next_event_seqs(&tx, ids).await?;
        let (mut events, mut live, mut messages) = (Vec::new(), Vec::new(), Collected::default());
        let mut deferred = Deferred::default();
        let (mut cases_recomputed, mut deadlines_moved) = (0_i32, 0_i32);
        let changed: Vec<(&LoadedCase, Transition)> =
            loaded.iter().filter_map(|loaded| Some((loaded, recomputed(loaded, &ctx)?))).collect();
        let rows: Vec<(&LoadedCase, &Case)> = changed.iter().map(|(loaded, t)| (*loaded, &t.case)).collect();
        case_store::save_recomputed(&tx, &rows, at).await?;
        for (loaded, transition) in &changed {
            let case_id = loaded.row.id;
            // A recomputation adds no deadline: the ids are those read.
            let deadline_ids = &loaded.deadline_ids;
            let origin = Origin { case_id, event_seq: seqs.get(&case_id).copied().unwrap_or(1), actor, now: at };
            events.push(event_row(&sealing, &origin, AuditAction::DeadlinesRecomputed, None, today, &payload)?);
            let reachable = crate::delivery::requester_reachable(&sealing, &loaded.row)?;
            let mut planner = Planner::new(case_id, &transition.case, &calendar, &policies, reachable, at)
                .collecting(Arc::clone(&staff));
            effects::carry_out(&tx, &origin, &transition.effects, deadline_ids, &mut planner, Some(&mut deferred))
                .await?;
            messages.extend(planner.into_collected());
            live.extend(transition_events(
                case_id,
                &loaded.row.file_number,
                Some(&loaded.case),
                &transition.case,
                &transition.effects,
                at,
            ));
            cases_recomputed += 1;
            deadlines_moved += i32::try_from(moved(transition)).unwrap_or(i32::MAX);
        }
        crate::bulk::insert_all(&tx, events).await?;
        messages.write(&tx).await?;
        calendar_recomputations::Entity::update_many()
            .col_expr(
                calendar_recomputations::Column::CasesRecomputed,
                Expr::col(calendar_recomputations::Column::CasesRecomputed).add(cases_recomputed),
            )
            .col_expr(
                calendar_recomputations::Column::DeadlinesMoved,
                Expr::col(calendar_recomputations::Column::DeadlinesMoved).add(deadlines_moved),
            )
            .filter(calendar_recomputations::Column::CalendarVersion.eq(version))
            .exec(&tx)
            .await?;
        deferred.write(&tx, actor, at).await?;
        self.commit_announcing(tx, live).await
    }

    /// What the recomputation of the change just made in `tx` would do,
    /// computed without writing it (a preview, rolled back by the caller).
    pub(crate) async fn count_recomputation(
        tx: &impl ConnectionTrait,
        version: u64,
        window: Window,
    ) -> DbResult<CalendarChangeReport> {
        // Read, not through `rules_in`: a calendar that is rolled back must
        // not be kept for the version a real change will reuse.
        let calendar = crate::reference::load_calendar(tx, version).await?;
        let rules = crate::reference::load_deadline_rules(tx).await?;
        let ctx = Context { calendar: &calendar, rules: &rules };
        let mut report = CalendarChangeReport { version, cases_recomputed: 0, deadlines_moved: 0, finished: false };
        for batch in touched_cases(tx, stored_version(version)?, window).await?.chunks(BATCH) {
            for loaded in case_store::load_many(tx, batch).await? {
                if let Some(transition) = recomputed(&loaded, &ctx) {
                    report.cases_recomputed += 1;
                    report.deadlines_moved += moved(&transition);
                }
            }
        }
        Ok(report)
    }
}
