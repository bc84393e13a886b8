//! The `Deadline` type: a case's or a measure's deadline, with the
//! explanation of its due date.

use async_graphql::{Context, Object};
use chrono::NaiveDate;
use domain::deadline::{Deadline, DeadlineStatus as Status, next_due};
use domain::place::DepartmentCode;
use domain::workflow::MeasureNo;
use uuid::Uuid;

use crate::calendar::{DueDate, explanation_view};
use crate::context::{calendar, db, loaders, today};
use crate::enums::{DeadlineKind, DeadlineStatus, Track};
use crate::error::{ApiError, ApiResult};
use crate::loaders::{CaseId, DeadlinesOf};
use crate::scalars::Date;

pub(crate) struct DeadlineView {
    /// As stored: read its dates through `current`.
    pub(crate) deadline: Deadline,
    /// The case's department: selects regional non-working days.
    pub(crate) department: DepartmentCode,
}

/// The earliest running due date of a case, or of one of its measures, as
/// the calendar in force makes it: as stored, unless a calendar change's
/// recomputation is under way in the case's department (then from its
/// deadlines, each as `DeadlineView::current` shows it).
pub(crate) async fn next_due_on(
    ctx: &Context<'_>,
    case_id: Uuid,
    measure: Option<MeasureNo>,
    stored: Option<NaiveDate>,
) -> ApiResult<Option<NaiveDate>> {
    let under_way = db(ctx).recomputations_under_way().await?;
    if under_way.is_empty() {
        return Ok(stored);
    }
    let case = loaders(ctx).load_one(CaseId(case_id)).await?.ok_or(ApiError::Internal)?;
    if !under_way.iter().any(|place| place.is_none_or(|d| d == case.department)) {
        return Ok(stored);
    }
    let calendar = calendar(ctx).await?;
    let deadlines = loaders(ctx).load_one(DeadlinesOf(case_id)).await?.unwrap_or_default();
    let current: Vec<Deadline> = deadlines
        .iter()
        .filter(|d| measure.is_none() || d.key.measure == measure)
        .map(|d| d.on_calendar(&calendar, case.department))
        .collect();
    Ok(next_due(&current))
}

impl DeadlineView {
    /// The deadline as the calendar in force makes it. A calendar change's
    /// recomputation follows the change in batches; until this deadline's
    /// batch is done, the stored due date is the previous calendar's and
    /// is never shown as current.
    async fn current(&self, ctx: &Context<'_>) -> ApiResult<Deadline> {
        Ok(self.deadline.on_calendar(&calendar(ctx).await?, self.department))
    }
}

/// A deadline of a case or of one of its measures: a date, the n-th working
/// day after its start (DOMAIN.md §2.5, §4). Officers and supervisors see
/// every deadline; coordinators those of their sector's measures.
#[Object(name = "Deadline")]
impl DeadlineView {
    /// What it is for.
    async fn kind(&self) -> DeadlineKind {
        self.deadline.key.kind.into()
    }

    /// In Spanish, for people.
    async fn label(&self) -> &'static str {
        self.deadline.key.kind.label()
    }

    /// For measure deadlines: the measure's number in its case.
    async fn measure_number(&self) -> Option<i32> {
        self.deadline.key.measure.map(|m| i32::from(m.0))
    }

    /// The date of the start event (`YYYY-MM-DD`, America/Lima); counting
    /// begins the next working day.
    async fn start(&self) -> Date {
        Date(self.deadline.start)
    }

    /// The last day to act (`YYYY-MM-DD`, America/Lima), counting the
    /// working days added by suspensions that ended.
    async fn due(&self, ctx: &Context<'_>) -> ApiResult<Date> {
        Ok(Date(self.current(ctx).await?.due))
    }

    /// Whether it is running, suspended, met, lapsed or cancelled.
    async fn status(&self) -> DeadlineStatus {
        self.deadline.status.into()
    }

    /// When it was suspended, met, lapsed or cancelled (`YYYY-MM-DD`,
    /// America/Lima); none while open.
    async fn status_on(&self) -> Option<Date> {
        match self.deadline.status {
            Status::Open => None,
            Status::Suspended { since: on }
            | Status::Met { on, .. }
            | Status::Lapsed { on }
            | Status::Cancelled { on } => Some(Date(on)),
        }
    }

    /// For met deadlines: whether on or before the due date; none otherwise.
    async fn on_time(&self) -> Option<bool> {
        match self.deadline.status {
            Status::Met { on_time, .. } => Some(on_time),
            Status::Open | Status::Suspended { .. } | Status::Lapsed { .. } | Status::Cancelled { .. } => None,
        }
    }

    /// Open and past its due date, today in Lima.
    async fn overdue(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(self.deadline.status == Status::Open && self.current(ctx).await?.due < today(ctx))
    }

    /// The length of the period, in working days, from the rule it was set
    /// with.
    async fn working_days(&self) -> i32 {
        i32::try_from(self.deadline.rule.amount).unwrap_or(i32::MAX)
    }

    /// The track of the rule it was set with; none when the rule applies to
    /// both tracks.
    async fn track(&self) -> Option<Track> {
        self.deadline.rule.track.map(Into::into)
    }

    /// Working days added to the period because the clock was suspended.
    async fn suspended_working_days(&self) -> i32 {
        i32::try_from(self.deadline.suspended_working_days).unwrap_or(i32::MAX)
    }

    /// Starts at 1 and is bumped every time the due date moves; reminders
    /// and calendar events follow it.
    async fn version(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        Ok(i32::try_from(self.current(ctx).await?.version).unwrap_or(i32::MAX))
    }

    /// For a running deadline, the working days left to act, counted from
    /// today in Lima with the case's department's calendar: 0 when due
    /// today, 3 when three working days follow today up to the due date,
    /// negative when late (-2: two working days past it). None when it is
    /// not running.
    async fn working_days_left(&self, ctx: &Context<'_>) -> ApiResult<Option<i32>> {
        let calendar = calendar(ctx).await?;
        Ok(self
            .deadline
            .on_calendar(&calendar, self.department)
            .working_days_left(today(ctx), &calendar, self.department)
            .map(|n| i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })))
    }

    /// Every day skipped between the start and the due date, and why.
    async fn explanation(&self, ctx: &Context<'_>) -> ApiResult<DueDate> {
        let calendar = calendar(ctx).await?;
        Ok(explanation_view(self.deadline.explain(&calendar, self.department)))
    }
}
