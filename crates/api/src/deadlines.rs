//! The `Deadline` type: a case's or a measure's deadline, with the
//! explanation of its due date.

use async_graphql::{Context, Object};
use domain::deadline::{Deadline, DeadlineStatus as Status};
use domain::place::DepartmentCode;

use crate::calendar::{DueDate, explanation_view};
use crate::context::{calendar, today};
use crate::enums::{DeadlineKind, DeadlineStatus, Track};
use crate::error::ApiResult;
use crate::scalars::Date;

pub(crate) struct DeadlineView {
    pub(crate) deadline: Deadline,
    /// The case's department: selects regional non-working days.
    pub(crate) department: DepartmentCode,
}

#[Object(name = "Deadline")]
impl DeadlineView {
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

    /// The date of the start event; counting begins the next working day.
    async fn start(&self) -> Date {
        Date(self.deadline.start)
    }

    async fn due(&self) -> Date {
        Date(self.deadline.due)
    }

    async fn status(&self) -> DeadlineStatus {
        self.deadline.status.into()
    }

    /// When it was suspended, met, lapsed or cancelled.
    async fn status_on(&self) -> Option<Date> {
        match self.deadline.status {
            Status::Open => None,
            Status::Suspended { since: on }
            | Status::Met { on, .. }
            | Status::Lapsed { on }
            | Status::Cancelled { on } => Some(Date(on)),
        }
    }

    /// For met deadlines: whether on time.
    async fn on_time(&self) -> Option<bool> {
        match self.deadline.status {
            Status::Met { on_time, .. } => Some(on_time),
            Status::Open | Status::Suspended { .. } | Status::Lapsed { .. } | Status::Cancelled { .. } => None,
        }
    }

    /// Running and past its due date.
    async fn overdue(&self, ctx: &Context<'_>) -> bool {
        self.deadline.status == Status::Open && self.deadline.due < today(ctx)
    }

    /// The length of the period, in working days (rule).
    async fn working_days(&self) -> i32 {
        i32::try_from(self.deadline.rule.amount).unwrap_or(i32::MAX)
    }

    /// The track whose rule applies (none: both tracks).
    async fn track(&self) -> Option<Track> {
        self.deadline.rule.track.map(Into::into)
    }

    /// Working days added because the clock was suspended.
    async fn suspended_working_days(&self) -> i32 {
        i32::try_from(self.deadline.suspended_working_days).unwrap_or(i32::MAX)
    }

    /// Bumped every time the due date moved.
    async fn version(&self) -> i32 {
        i32::try_from(self.deadline.version).unwrap_or(i32::MAX)
    }

    /// Every day skipped between the start and the due date, and why.
    async fn explanation(&self, ctx: &Context<'_>) -> ApiResult<DueDate> {
        let calendar = calendar(ctx).await?;
        Ok(explanation_view(self.deadline.explain(&calendar, self.department)))
    }
}
