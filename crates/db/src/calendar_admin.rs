//! Changing the calendar, the deadline rules and the reminder policies.
//!
//! A calendar change (a decreed non-working day, a suspension period, added
//! or removed) bumps the calendar version and asks for the recomputation
//! of every running deadline whose window it touches, which follows in
//! batches (`recomputation`): moved deadlines are recorded, their owners
//! told, their reminders re-planned.

use chrono::{DateTime, NaiveDate, Utc};
use domain::deadline::{DeadlineKind, DeadlineRule, DeadlineRules};
use domain::place::DepartmentCode;
use domain::reminders::{ReminderPolicies, ReminderPolicy};
use domain::workflow::AuditAction;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};

use crate::connection::Database;
use crate::effects::{Actor, audit};
use crate::entities::{calendar_state, deadline_rules, non_working_days, reminder_policies, suspension_periods};
use crate::error::{DbError, DbResult};
use crate::recomputation::{self, Window, stored_version};
use crate::reference;

/// A decreed day or a suspension period, as stored (with its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    pub id: i32,
    pub first_day: NaiveDate,
    /// The same as `first_day` for a single non-working day.
    pub last_day: NaiveDate,
    pub department: Option<DepartmentCode>,
    pub legal_basis: String,
    pub source: Option<String>,
}

/// One change to the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarChange {
    AddNonWorkingDay {
        day: NaiveDate,
        department: Option<DepartmentCode>,
        legal_basis: String,
        source: Option<String>,
    },
    RemoveNonWorkingDay {
        id: i32,
    },
    AddSuspension {
        first_day: NaiveDate,
        last_day: NaiveDate,
        department: Option<DepartmentCode>,
        legal_basis: String,
        source: Option<String>,
    },
    RemoveSuspension {
        id: i32,
    },
}

/// What a calendar change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarChangeReport {
    pub version: u64,
    /// Cases whose running deadlines were computed again.
    pub cases_recomputed: usize,
    /// Deadlines whose due date moved.
    pub deadlines_moved: usize,
    /// Whether every deadline it touches has been recomputed; if not, the
    /// delivery worker finishes the recomputation (the figures above are
    /// then what was done so far).
    pub finished: bool,
}

impl CalendarEntry {
    fn window(&self) -> Window {
        Window { first: self.first_day, last: self.last_day, department: self.department }
    }
}

fn entry_from_day(row: non_working_days::Model) -> DbResult<CalendarEntry> {
    Ok(CalendarEntry {
        id: row.id,
        first_day: row.day,
        last_day: row.day,
        department: department(row.department_code.as_deref())?,
        legal_basis: row.legal_basis,
        source: row.source,
    })
}

fn entry_from_period(row: suspension_periods::Model) -> DbResult<CalendarEntry> {
    Ok(CalendarEntry {
        id: row.id,
        first_day: row.first_day,
        last_day: row.last_day,
        department: department(row.department_code.as_deref())?,
        legal_basis: row.legal_basis,
        source: row.source,
    })
}

pub(crate) fn department(code: Option<&str>) -> DbResult<Option<DepartmentCode>> {
    code.map(|c| DepartmentCode::parse(c).map_err(|_| DbError::Corrupt("department_code"))).transpose()
}

fn check_basis(legal_basis: &str) -> DbResult<()> {
    if legal_basis.trim().is_empty() {
        return Err(DbError::Rejected("indique la norma que lo dispone (base legal)".into()));
    }
    Ok(())
}

impl Database {
    /// The decreed non-working days, oldest first.
    pub async fn non_working_days(&self) -> DbResult<Vec<CalendarEntry>> {
        non_working_days::Entity::find()
            .order_by_asc(non_working_days::Column::Day)
            .all(self.connection())
            .await?
            .into_iter()
            .map(entry_from_day)
            .collect()
    }

    /// The suspension periods, oldest first.
    pub async fn suspension_periods(&self) -> DbResult<Vec<CalendarEntry>> {
        suspension_periods::Entity::find()
            .order_by_asc(suspension_periods::Column::FirstDay)
            .all(self.connection())
            .await?
            .into_iter()
            .map(entry_from_period)
            .collect()
    }

    /// Applies one calendar change, then recomputes what it touches, a
    /// batch of cases at a time (see `recomputation`).
    pub async fn change_calendar(
        &self,
        change: CalendarChange,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<CalendarChangeReport> {
        let version = self.commit_calendar_change(change, actor, at).await?;
        // The change holds; its deadlines follow. Should that stop half
        // way, the worker finishes it, and until then every deadline is
        // shown as the new calendar makes it.
        match self.recompute(stored_version(version)?, at).await {
            Ok(report) => Ok(report),
            Err(error) => {
                tracing::error!(%error, version, "a calendar change's recomputation stopped; the worker will finish it");
                Ok(CalendarChangeReport { version, cases_recomputed: 0, deadlines_moved: 0, finished: false })
            }
        }
    }

    /// Commits one calendar change with the request to recompute what it
    /// touches, and returns the new calendar version; nothing is
    /// recomputed yet. That is the state a crash right after the commit
    /// leaves: [`Database::change_calendar`] goes on to recompute, and
    /// [`Database::finish_recomputations`] finishes whatever was left.
    pub async fn commit_calendar_change(
        &self,
        change: CalendarChange,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<u64> {
        let tx = self.write_transaction().await?;
        let (version, window) = write_change(&tx, change).await?;
        audit(&tx, actor, at, None, AuditAction::CalendarChanged, None).await?;
        recomputation::request(&tx, version, window, actor, at).await?;
        crate::reference_cache::announce_reference_edit(&tx).await?;
        tx.commit().await?;
        self.reference_cache().forget();
        Ok(version)
    }

    /// What the change would do, exactly as [`Database::change_calendar`]
    /// would do it, computed in a transaction that is then rolled back:
    /// nothing is kept, audited, announced or sent.
    pub async fn preview_calendar_change(&self, change: CalendarChange) -> DbResult<CalendarChangeReport> {
        let tx = self.write_transaction().await?;
        let (version, window) = write_change(&tx, change).await?;
        let report = Self::count_recomputation(&tx, version, window).await?;
        tx.rollback().await?;
        Ok(CalendarChangeReport { finished: true, ..report })
    }

    /// Replaces one deadline rule (by kind, track and, for reviews, type of
    /// measure); the whole set must stay consistent. New deadlines follow
    /// it; running ones keep theirs.
    pub async fn save_deadline_rule(
        &self,
        rule: DeadlineRule,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<DeadlineRules> {
        let tx = self.write_transaction().await?;
        if let Some(measure_type) = &rule.measure_type {
            reference::require_active_measure_types(&tx, [measure_type]).await?;
        }
        let current = reference::load_deadline_rules(&tx).await?;
        let mut all: Vec<DeadlineRule> = current.all().iter().filter(|r| !r.same_slot(&rule)).cloned().collect();
        all.push(rule.clone());
        let checked = DeadlineRules::new(all)?;
        deadline_rules::Entity::delete_many()
            .filter(deadline_rules::Column::Kind.eq(rule.kind.code()))
            .filter(match rule.track {
                Some(track) => deadline_rules::Column::Track.eq(track.code()),
                None => deadline_rules::Column::Track.is_null(),
            })
            .filter(match &rule.measure_type {
                Some(measure_type) => deadline_rules::Column::MeasureTypeCode.eq(measure_type.as_str()),
                None => deadline_rules::Column::MeasureTypeCode.is_null(),
            })
            .exec(&tx)
            .await?;
        deadline_rules::Entity::insert(deadline_rules::ActiveModel {
            id: NotSet,
            kind: Set(rule.kind.code().to_owned()),
            track: Set(rule.track.map(|t| t.code().to_owned())),
            amount: Set(i32::try_from(rule.amount).map_err(|_| DbError::Rejected("duración inválida".into()))?),
            unit: Set(rule.unit.code().to_owned()),
            start_event: Set(rule.start_event.code().to_owned()),
            owner: Set(rule.owner.code().to_owned()),
            measure_type_code: Set(rule.measure_type.as_ref().map(ToString::to_string)),
        })
        .exec_without_returning(&tx)
        .await?;
        // The two decision rules share their start event: keep them in step.
        if rule.kind == DeadlineKind::Decision {
            deadline_rules::Entity::update_many()
                .col_expr(deadline_rules::Column::StartEvent, Expr::value(rule.start_event.code()))
                .filter(deadline_rules::Column::Kind.eq(DeadlineKind::Decision.code()))
                .exec(&tx)
                .await?;
        }
        audit(&tx, actor, at, None, AuditAction::DeadlineRuleSaved, None).await?;
        self.commit_reference_edit(tx).await?;
        Ok(checked)
    }

    pub async fn reminder_policies(&self) -> DbResult<ReminderPolicies> {
        Ok(self.reference_data().await?.reminder_policies.clone())
    }

    /// Replaces one track's reminder policy; applies to reminders planned
    /// from now on.
    pub async fn save_reminder_policy(
        &self,
        policy: ReminderPolicy,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<ReminderPolicies> {
        let tx = self.write_transaction().await?;
        let current = reference::load_reminder_policies(&tx).await?;
        let mut all: Vec<ReminderPolicy> =
            current.all().into_iter().filter(|p| p.track != policy.track).cloned().collect();
        all.push(policy.clone());
        let checked = ReminderPolicies::new(all).map_err(|e| DbError::Rejected(e.to_string()))?;
        let stored = checked.for_track(policy.track);
        let before_due: Vec<String> = stored.before_due.iter().map(u32::to_string).collect();
        reminder_policies::Entity::update_many()
            .col_expr(reminder_policies::Column::BeforeDue, Expr::value(before_due.join(",")))
            .col_expr(reminder_policies::Column::OverdueEveryWorkingDay, Expr::value(stored.overdue_every_working_day))
            .col_expr(reminder_policies::Column::SendAt, Expr::value(stored.send_at.format("%H:%M").to_string()))
            .filter(reminder_policies::Column::Track.eq(policy.track.code()))
            .exec(&tx)
            .await?;
        audit(&tx, actor, at, None, AuditAction::ReminderPolicySaved, None).await?;
        self.commit_reference_edit(tx).await?;
        Ok(checked)
    }
}

/// Writes the change and bumps the calendar version; returns the new
/// version and the days it touches.
async fn write_change(tx: &DatabaseTransaction, change: CalendarChange) -> DbResult<(u64, Window)> {
    let window = match change {
        CalendarChange::AddNonWorkingDay { day, department, legal_basis, source } => {
            check_basis(&legal_basis)?;
            if let Some(code) = department
                && !reference::department_exists(tx, code).await?
            {
                return Err(DbError::UnknownReference("el departamento"));
            }
            non_working_days::Entity::insert(non_working_days::ActiveModel {
                id: NotSet,
                day: Set(day),
                department_code: Set(department.map(|d| d.as_str().to_owned())),
                legal_basis: Set(legal_basis.trim().to_owned()),
                source: Set(source),
            })
            .exec_without_returning(tx)
            .await?;
            Window { first: day, last: day, department }
        }
        CalendarChange::RemoveNonWorkingDay { id } => {
            let row = non_working_days::Entity::find_by_id(id)
                .one(tx)
                .await?
                .ok_or_else(|| DbError::Rejected("no existe ese día no laborable".into()))?;
            non_working_days::Entity::delete_by_id(id).exec(tx).await?;
            entry_from_day(row)?.window()
        }
        CalendarChange::AddSuspension { first_day, last_day, department, legal_basis, source } => {
            check_basis(&legal_basis)?;
            if last_day < first_day {
                return Err(DbError::Rejected("el último día no puede ser anterior al primero".into()));
            }
            suspension_periods::Entity::insert(suspension_periods::ActiveModel {
                id: NotSet,
                first_day: Set(first_day),
                last_day: Set(last_day),
                department_code: Set(department.map(|d| d.as_str().to_owned())),
                legal_basis: Set(legal_basis.trim().to_owned()),
                source: Set(source),
            })
            .exec_without_returning(tx)
            .await?;
            Window { first: first_day, last: last_day, department }
        }
        CalendarChange::RemoveSuspension { id } => {
            let row = suspension_periods::Entity::find_by_id(id)
                .one(tx)
                .await?
                .ok_or_else(|| DbError::Rejected("no existe ese periodo de suspensión".into()))?;
            suspension_periods::Entity::delete_by_id(id).exec(tx).await?;
            entry_from_period(row)?.window()
        }
    };
    calendar_state::Entity::update_many()
        .col_expr(calendar_state::Column::Version, Expr::col(calendar_state::Column::Version).add(1))
        .filter(calendar_state::Column::Id.eq(1))
        .exec(tx)
        .await?;
    Ok((reference::calendar_version(tx).await?, window))
}
