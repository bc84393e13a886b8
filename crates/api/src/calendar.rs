//! Due dates for anyone planning: the n-th working day after a date, with
//! every day skipped and why (DOMAIN.md §4).

use async_graphql::{Context, Enum, Object, SimpleObject};
use domain::calendar::{DueDateExplanation, OutOfSpan, SkipReason};
use domain::place::DepartmentCode;

use crate::authz::{Operation, Target};
use crate::context::{authorize, calendar};
use crate::error::{ApiError, ApiResult};
use crate::scalars::Date;

/// The longest period anyone needs to count (a year of working days).
const MAX_WORKING_DAYS: i32 = 365;

/// A due date and how it was counted: the `workingDays`-th working day after
/// `from` (DOMAIN.md §4).
#[derive(SimpleObject)]
pub(crate) struct DueDate {
    /// The date counting starts from (`YYYY-MM-DD`, America/Lima); the first
    /// day counted is the next working day.
    from: Date,
    /// The length of the period, in working days.
    working_days: i32,
    /// The department (two-digit ubigeo) whose regional non-working days were
    /// applied; none for national days only.
    department: Option<String>,
    /// The last day of the period (`YYYY-MM-DD`, America/Lima).
    due: Date,
    /// Every day after `from` up to `due` that did not count.
    skipped_days: Vec<SkippedDay>,
}

/// A day that did not count as a working day, and why.
#[derive(SimpleObject)]
pub(crate) struct SkippedDay {
    /// The day (`YYYY-MM-DD`, America/Lima).
    date: Date,
    /// Every reason that applies: weekend first, then holidays, decreed days
    /// and suspensions.
    reasons: Vec<SkipReasonView>,
}

/// Why a day is not a working day.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SkipKind {
    /// A Saturday or a Sunday.
    Weekend,
    /// A national holiday (*feriado*).
    NationalHoliday,
    /// A public-sector non-working day (*día no laborable*) decreed for the
    /// whole country or for the department.
    NonWorkingDay,
    /// A day within a period in which deadlines are suspended.
    Suspension,
}

/// One reason a day did not count.
#[derive(SimpleObject)]
#[graphql(name = "SkipReason")]
pub(crate) struct SkipReasonView {
    /// What kind of day it is.
    kind: SkipKind,
    /// In Spanish, for people: "Feriado nacional: Navidad".
    description: String,
    /// The law or decree behind it (`DS 042-2025-PCM`); none for weekends.
    legal_basis: Option<String>,
}

#[derive(Default)]
pub(crate) struct CalendarQuery;

#[Object]
impl CalendarQuery {
    /// The due date of a period of `workingDays` working days counted from
    /// the day after `from`, for `department` (two-digit ubigeo) or for the
    /// whole country, with every day skipped and why (anyone).
    async fn due_date(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date of the start event (`YYYY-MM-DD`, America/Lima), within the calendar's span.")]
        from: Date,
        #[graphql(desc = "The length of the period, in working days: 1 to 365.")] working_days: i32,
        #[graphql(
            desc = "A two-digit department ubigeo whose regional non-working days apply; national days only when absent."
        )]
        department: Option<String>,
    ) -> ApiResult<DueDate> {
        if !(1..=MAX_WORKING_DAYS).contains(&working_days) {
            return Err(ApiError::bad_input(
                "workingDays",
                format!("el número de días hábiles debe estar entre 1 y {MAX_WORKING_DAYS}"),
            ));
        }
        let department = department
            .as_deref()
            .map(DepartmentCode::parse)
            .transpose()
            .map_err(|e| ApiError::bad_input("department", e.to_string()))?;
        authorize(ctx, Operation::DueDate, Target::Nothing)?;
        let calendar = calendar(ctx).await?;
        let days = u32::try_from(working_days).unwrap_or(1);
        let explanation = calendar.checked_explain_working_days(from.0, days, department).map_err(|error| {
            let field = match error {
                OutOfSpan::Start => "from",
                OutOfSpan::Due => "workingDays",
            };
            ApiError::bad_input(field, error.to_string())
        })?;
        Ok(explanation_view(explanation))
    }
}

pub(crate) fn explanation_view(explanation: DueDateExplanation) -> DueDate {
    DueDate {
        from: Date(explanation.from),
        working_days: i32::try_from(explanation.working_days).unwrap_or(i32::MAX),
        department: explanation.department.map(|d| d.to_string()),
        due: Date(explanation.due),
        skipped_days: explanation
            .skipped
            .into_iter()
            .map(|day| SkippedDay { date: Date(day.date), reasons: day.reasons.into_iter().map(reason).collect() })
            .collect(),
    }
}

fn reason(reason: SkipReason) -> SkipReasonView {
    let kind = match reason {
        SkipReason::Weekend => SkipKind::Weekend,
        SkipReason::NationalHoliday { .. } => SkipKind::NationalHoliday,
        SkipReason::NonWorkingDay { .. } => SkipKind::NonWorkingDay,
        SkipReason::Suspension { .. } => SkipKind::Suspension,
    };
    SkipReasonView { kind, description: reason.description(), legal_basis: reason.legal_basis().map(str::to_owned) }
}
