//! Deadlines across cases and their administration: what is due soon,
//! what is overdue, on-time compliance (scoped by role: the DGDH's own
//! deadlines for officers, everything for supervisors, their sector's
//! measures for coordinators); the calendar, deadline rules and reminder
//! policies, which admins change; and the dead letters admins look after.

use async_graphql::connection::{Connection, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveTime;
use db::{CalendarChange, CalendarEntry, Cursor, DeadlineFilter, DeadlineItem, DeliveryRecord};
use domain::calendar::HolidayDate;
use domain::codes::RefCode;
use domain::deadline::{DeadlineKind as Kind, DeadlineRule, DurationUnit, OwnerRole};
use domain::place::DepartmentCode;
use domain::reminders::ReminderPolicy;
use domain::roles::Role;

use crate::authz::{Operation, Target};
use crate::context::{authorize, calendar, db, staff, today};
use crate::deadlines::DeadlineView;
use crate::enums::{DeadlineKind, DeliveryKind, DeliveryStatus, StartEvent, Track};
use crate::error::{ApiError, ApiResult};
use crate::inputs::{decode_cursor, page_size};
use crate::scalars::{Date, Timestamp};

/// A running deadline in a work list.
#[derive(SimpleObject)]
pub(crate) struct DeadlineEntry {
    case_id: ID,
    file_number: String,
    /// For measure deadlines.
    measure_id: Option<ID>,
    deadline: DeadlineView,
}

impl From<DeadlineItem> for DeadlineEntry {
    fn from(item: DeadlineItem) -> Self {
        Self {
            case_id: ID(item.case_id.to_string()),
            file_number: item.file_number,
            measure_id: item.measure_id.map(|m| ID(m.to_string())),
            deadline: DeadlineView { deadline: item.deadline, department: item.department },
        }
    }
}

#[derive(SimpleObject)]
pub(crate) struct ComplianceFigure {
    kind: DeadlineKind,
    label: &'static str,
    met_on_time: i64,
    met_late: i64,
    /// Met on time over all met, when any was met.
    on_time_rate: Option<f64>,
    /// Running and already past due today.
    open_overdue: i64,
}

#[derive(SimpleObject)]
#[graphql(name = "HolidayRule")]
pub(crate) struct HolidayRuleView {
    name: String,
    /// `MM-DD` for fixed dates.
    fixed_date: Option<String>,
    /// Days from Easter Sunday (Holy Thursday is -3).
    easter_offset: Option<i32>,
    from_year: Option<i32>,
    until_year: Option<i32>,
    legal_basis: String,
}

#[derive(SimpleObject)]
#[graphql(name = "CalendarEntry")]
pub(crate) struct CalendarEntryView {
    id: ID,
    first_day: Date,
    last_day: Date,
    /// None: the whole country.
    department: Option<String>,
    legal_basis: String,
    source: Option<String>,
}

impl From<CalendarEntry> for CalendarEntryView {
    fn from(entry: CalendarEntry) -> Self {
        Self {
            id: ID(entry.id.to_string()),
            first_day: Date(entry.first_day),
            last_day: Date(entry.last_day),
            department: entry.department.map(|d| d.to_string()),
            legal_basis: entry.legal_basis,
            source: entry.source,
        }
    }
}

/// The working-day calendar in force.
#[derive(SimpleObject)]
#[graphql(name = "Calendar")]
pub(crate) struct CalendarView {
    /// Bumped by every change; deadlines remember the version they used.
    version: i64,
    holiday_rules: Vec<HolidayRuleView>,
    non_working_days: Vec<CalendarEntryView>,
    suspension_periods: Vec<CalendarEntryView>,
}

#[derive(SimpleObject)]
pub(crate) struct CalendarChangeResult {
    version: i64,
    /// Cases whose running deadlines were computed again.
    cases_recomputed: i32,
    /// Deadlines whose due date moved (their owners are told by e-mail).
    deadlines_moved: i32,
}

#[derive(SimpleObject)]
#[graphql(name = "DeadlineRule")]
pub(crate) struct DeadlineRuleView {
    kind: DeadlineKind,
    /// None: both tracks.
    track: Option<Track>,
    working_days: i32,
    start_event: StartEvent,
}

impl From<&DeadlineRule> for DeadlineRuleView {
    fn from(rule: &DeadlineRule) -> Self {
        Self {
            kind: rule.kind.into(),
            track: rule.track.map(Into::into),
            working_days: i32::try_from(rule.amount).unwrap_or(i32::MAX),
            start_event: rule.start_event.into(),
        }
    }
}

#[derive(SimpleObject)]
#[graphql(name = "ReminderPolicy")]
pub(crate) struct ReminderPolicyView {
    track: Track,
    /// Working days before the due date (0: the due date).
    before_due: Vec<i32>,
    overdue_every_working_day: bool,
    /// `HH:MM` in Lima.
    send_at: String,
}

impl From<&ReminderPolicy> for ReminderPolicyView {
    fn from(policy: &ReminderPolicy) -> Self {
        Self {
            track: policy.track.into(),
            before_due: policy.before_due.iter().map(|d| i32::try_from(*d).unwrap_or(i32::MAX)).collect(),
            overdue_every_working_day: policy.overdue_every_working_day,
            send_at: policy.send_at.format("%H:%M").to_string(),
        }
    }
}

/// A message that could not be delivered, or a case's delivery record.
#[derive(SimpleObject)]
pub(crate) struct Delivery {
    id: ID,
    case_id: Option<ID>,
    kind: DeliveryKind,
    /// What it was about (a topic or a deadline kind).
    topic: String,
    /// For reminders: `D-2`, `OVERDUE:2026-08-12`…
    milestone: Option<String>,
    /// The staff account it was for; none for the requester.
    recipient_id: Option<ID>,
    to_requester: bool,
    status: DeliveryStatus,
    attempts: i32,
    last_error: Option<String>,
    planned_for: Timestamp,
    sent_at: Option<Timestamp>,
}

impl From<DeliveryRecord> for Delivery {
    fn from(record: DeliveryRecord) -> Self {
        Self {
            id: ID(record.id.to_string()),
            case_id: record.case_id.map(|c| ID(c.to_string())),
            kind: record.kind.into(),
            topic: record.topic,
            milestone: record.milestone,
            recipient_id: record.recipient.map(|r| ID(r.to_string())),
            to_requester: record.to_requester,
            status: record.status.into(),
            attempts: record.attempts,
            last_error: record.last_error,
            planned_for: Timestamp(record.planned_for),
            sent_at: record.sent_at.map(Timestamp),
        }
    }
}

/// Which deadlines the caller looks after.
fn scope(ctx: &Context<'_>) -> ApiResult<(Vec<Kind>, Option<RefCode>)> {
    let staff = staff(ctx)?;
    Ok(match staff.role {
        Role::Supervisor => (Vec::new(), None),
        Role::Coordinator => (
            vec![Kind::MeasureAcknowledgement, Kind::MeasureImplementation],
            Some(staff.sector.clone().ok_or(ApiError::Forbidden)?),
        ),
        Role::Officer | Role::Admin | Role::Auditor | Role::Public | Role::System => {
            (vec![Kind::Decision, Kind::InformationAnswer], None)
        }
    })
}

pub(crate) type DeadlineConnection = Connection<OpaqueCursor<Cursor>, DeadlineEntry, crate::totals::DeadlineTotal>;

async fn deadline_list(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    due_from: Option<chrono::NaiveDate>,
    due_to: Option<chrono::NaiveDate>,
) -> ApiResult<DeadlineConnection> {
    let first = page_size(first)?;
    let cursor = decode_cursor(after.as_deref())?;
    let (kinds, sector) = scope(ctx)?;
    let filter = DeadlineFilter { kinds, sector, due_from, due_to };
    let page = db(ctx).deadlines_page(&filter, cursor.as_ref(), first).await?;
    let total = crate::totals::DeadlineTotal(filter);
    let mut connection = Connection::with_additional_fields(cursor.is_some(), page.has_next, total);
    connection.edges.extend(page.items.into_iter().map(|(item, cursor)| Edge::new(OpaqueCursor(cursor), item.into())));
    Ok(connection)
}

fn parse_department(field: &str, code: Option<&str>) -> ApiResult<Option<DepartmentCode>> {
    code.map(|c| DepartmentCode::parse(c).map_err(|e| ApiError::bad_input(field, e.to_string()))).transpose()
}

fn entry_id(field: &str, raw: &ID) -> ApiResult<i32> {
    raw.parse::<i32>().map_err(|_| ApiError::bad_input(field, "identificador inválido"))
}

#[derive(Default)]
pub(crate) struct ScheduleQuery;

#[derive(Default)]
pub(crate) struct ScheduleMutation;

#[Object]
impl ScheduleQuery {
    /// Running deadlines due within `workingDays` working days (today
    /// included), the earliest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn due_soon(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "db::DUE_SOON_WORKING_DAYS as i32")] working_days: i32,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<DeadlineConnection> {
        authorize(ctx, Operation::DueSoon, Target::Nothing)?;
        if !(0..=60).contains(&working_days) {
            return Err(ApiError::bad_input("workingDays", "debe estar entre 0 y 60"));
        }
        let today = today(ctx);
        let until = calendar(ctx).await?.add_working_days(today, u32::try_from(working_days).unwrap_or(0), None);
        deadline_list(ctx, first, after, Some(today), Some(until)).await
    }

    /// Running deadlines already past due, the oldest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn overdue(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<DeadlineConnection> {
        authorize(ctx, Operation::Overdue, Target::Nothing)?;
        let yesterday = today(ctx).pred_opt();
        deadline_list(ctx, first, after, None, yesterday).await
    }

    /// On-time compliance, by kind of deadline, for deadlines met between
    /// `from` and `to`; and those overdue today.
    async fn compliance(&self, ctx: &Context<'_>, from: Date, to: Date) -> ApiResult<Vec<ComplianceFigure>> {
        authorize(ctx, Operation::Compliance, Target::Nothing)?;
        if to.0 < from.0 {
            return Err(ApiError::bad_input("to", "la fecha final no puede ser anterior a la inicial"));
        }
        let (kinds, sector) = scope(ctx)?;
        let rows = db(ctx).compliance(&kinds, sector.as_ref(), from.0, to.0, today(ctx)).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let met = row.met_on_time + row.met_late;
                ComplianceFigure {
                    kind: row.kind.into(),
                    label: row.kind.label(),
                    met_on_time: row.met_on_time,
                    met_late: row.met_late,
                    on_time_rate: (met > 0).then(|| row.met_on_time as f64 / met as f64),
                    open_overdue: row.open_overdue,
                }
            })
            .collect())
    }

    /// The working-day calendar: holiday rules, decreed days, suspensions.
    async fn calendar(&self, ctx: &Context<'_>) -> ApiResult<CalendarView> {
        authorize(ctx, Operation::Calendar, Target::Nothing)?;
        let in_force = calendar(ctx).await?;
        let db = db(ctx);
        Ok(CalendarView {
            version: i64::try_from(in_force.version()).unwrap_or(i64::MAX),
            holiday_rules: in_force
                .rules()
                .iter()
                .map(|rule| {
                    let (fixed_date, easter_offset) = match rule.date {
                        HolidayDate::Fixed { month, day } => (Some(format!("{month:02}-{day:02}")), None),
                        HolidayDate::EasterOffset { days } => (None, Some(days)),
                    };
                    HolidayRuleView {
                        name: rule.name.clone(),
                        fixed_date,
                        easter_offset,
                        from_year: rule.from_year,
                        until_year: rule.until_year,
                        legal_basis: rule.legal_basis.clone(),
                    }
                })
                .collect(),
            non_working_days: db.non_working_days().await?.into_iter().map(Into::into).collect(),
            suspension_periods: db.suspension_periods().await?.into_iter().map(Into::into).collect(),
        })
    }

    /// The deadline rules in force.
    async fn deadline_rules(&self, ctx: &Context<'_>) -> ApiResult<Vec<DeadlineRuleView>> {
        authorize(ctx, Operation::DeadlineRules, Target::Nothing)?;
        Ok(db(ctx).deadline_rules().await?.all().iter().map(Into::into).collect())
    }

    /// How deadlines are reminded, by track.
    async fn reminder_policies(&self, ctx: &Context<'_>) -> ApiResult<Vec<ReminderPolicyView>> {
        authorize(ctx, Operation::ReminderPolicies, Target::Nothing)?;
        Ok(db(ctx).reminder_policies().await?.all().into_iter().map(Into::into).collect())
    }

    /// Messages that could not be delivered, newest first (admins).
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn dead_letters(&self, ctx: &Context<'_>, #[graphql(default = 50)] first: i32) -> ApiResult<Vec<Delivery>> {
        authorize(ctx, Operation::DeadLetters, Target::Nothing)?;
        let first = page_size(Some(first))?;
        Ok(db(ctx).dead_letters(first).await?.into_iter().map(Into::into).collect())
    }
}

#[Object]
impl ScheduleMutation {
    /// Adds a public-sector non-working day (national, or for one
    /// department); running deadlines it touches are recomputed.
    async fn add_non_working_day(
        &self,
        ctx: &Context<'_>,
        date: Date,
        department: Option<String>,
        legal_basis: String,
        source: Option<String>,
    ) -> ApiResult<CalendarChangeResult> {
        let change = CalendarChange::AddNonWorkingDay {
            day: date.0,
            department: parse_department("department", department.as_deref())?,
            legal_basis,
            source,
        };
        change_calendar(ctx, Operation::AddNonWorkingDay, change).await
    }

    async fn remove_non_working_day(
        &self,
        ctx: &Context<'_>,
        non_working_day_id: ID,
    ) -> ApiResult<CalendarChangeResult> {
        let id = entry_id("nonWorkingDayId", &non_working_day_id)?;
        change_calendar(ctx, Operation::RemoveNonWorkingDay, CalendarChange::RemoveNonWorkingDay { id }).await
    }

    /// Adds a period during which deadlines do not run.
    async fn add_suspension_period(
        &self,
        ctx: &Context<'_>,
        first_day: Date,
        last_day: Date,
        department: Option<String>,
        legal_basis: String,
        source: Option<String>,
    ) -> ApiResult<CalendarChangeResult> {
        let change = CalendarChange::AddSuspension {
            first_day: first_day.0,
            last_day: last_day.0,
            department: parse_department("department", department.as_deref())?,
            legal_basis,
            source,
        };
        change_calendar(ctx, Operation::AddSuspensionPeriod, change).await
    }

    async fn remove_suspension_period(
        &self,
        ctx: &Context<'_>,
        suspension_period_id: ID,
    ) -> ApiResult<CalendarChangeResult> {
        let id = entry_id("suspensionPeriodId", &suspension_period_id)?;
        change_calendar(ctx, Operation::RemoveSuspensionPeriod, CalendarChange::RemoveSuspension { id }).await
    }

    /// Changes the length (or, for decisions, the start event) of a kind of
    /// deadline on a track; new deadlines follow it.
    async fn save_deadline_rule(
        &self,
        ctx: &Context<'_>,
        kind: DeadlineKind,
        track: Option<Track>,
        working_days: i32,
        start_event: StartEvent,
    ) -> ApiResult<Vec<DeadlineRuleView>> {
        let request = authorize(ctx, Operation::SaveDeadlineRule, Target::Nothing)?;
        let kind: Kind = kind.into();
        let owner = match kind {
            Kind::Decision => OwnerRole::Officer,
            Kind::InformationAnswer => OwnerRole::Requester,
            Kind::MeasureAcknowledgement | Kind::MeasureImplementation => OwnerRole::Coordinator,
        };
        let rule = DeadlineRule {
            kind,
            track: track.map(Into::into),
            amount: u32::try_from(working_days).map_err(|_| ApiError::bad_input("workingDays", "debe ser positivo"))?,
            unit: DurationUnit::WorkingDays,
            start_event: start_event.into(),
            owner,
        };
        let rules = db(ctx).save_deadline_rule(rule, &request.actor(), request.now).await?;
        Ok(rules.all().iter().map(Into::into).collect())
    }

    /// Changes when a track's deadlines are reminded.
    async fn save_reminder_policy(
        &self,
        ctx: &Context<'_>,
        track: Track,
        before_due: Vec<i32>,
        overdue_every_working_day: bool,
        #[graphql(default = "09:00")] send_at: String,
    ) -> ApiResult<Vec<ReminderPolicyView>> {
        let request = authorize(ctx, Operation::SaveReminderPolicy, Target::Nothing)?;
        let send_at = NaiveTime::parse_from_str(&send_at, "%H:%M")
            .map_err(|_| ApiError::bad_input("sendAt", "use el formato HH:MM, por ejemplo 09:00"))?;
        let before_due = before_due
            .into_iter()
            .map(|d| u32::try_from(d).map_err(|_| ApiError::bad_input("beforeDue", "los días no pueden ser negativos")))
            .collect::<ApiResult<Vec<_>>>()?;
        let policy = ReminderPolicy { track: track.into(), before_due, overdue_every_working_day, send_at };
        let policies = db(ctx).save_reminder_policy(policy, &request.actor(), request.now).await?;
        Ok(policies.all().into_iter().map(Into::into).collect())
    }
}

async fn change_calendar(
    ctx: &Context<'_>,
    operation: Operation,
    change: CalendarChange,
) -> ApiResult<CalendarChangeResult> {
    let request = authorize(ctx, operation, Target::Nothing)?;
    let report = db(ctx).change_calendar(change, &request.actor(), request.now).await?;
    Ok(CalendarChangeResult {
        version: i64::try_from(report.version).unwrap_or(i64::MAX),
        cases_recomputed: i32::try_from(report.cases_recomputed).unwrap_or(i32::MAX),
        deadlines_moved: i32::try_from(report.deadlines_moved).unwrap_or(i32::MAX),
    })
}

/// A case's delivery records (for the `Case` type).
pub(crate) async fn deliveries_of(ctx: &Context<'_>, case_id: uuid::Uuid) -> ApiResult<Vec<Delivery>> {
    Ok(db(ctx).deliveries(case_id).await?.into_iter().map(Into::into).collect())
}
