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
use domain::deadline::{DeadlineKind as Kind, DeadlineRule, DurationUnit};
use domain::place::DepartmentCode;
use domain::reminders::ReminderPolicy;
use domain::roles::Role;

use crate::authz::{Operation, Target};
use crate::context::{authorize, calendar, db, staff, today};
use crate::deadlines::DeadlineView;
use crate::enums::{DeadlineKind, DeliveryKind, DeliveryStatus, StartEvent, Track};
use crate::error::{ApiError, ApiResult};
use crate::inputs::{decode_cursor, page_size, ref_code};
use crate::scalars::{Date, Timestamp};

/// A running deadline in a work list, with what identifies its case.
#[derive(SimpleObject)]
pub(crate) struct DeadlineEntry {
    /// The case it belongs to (read it with `case`, officers and supervisors).
    case_id: ID,
    /// The case's file number (`AT-2026-000042`).
    file_number: String,
    /// The measure, for measure deadlines (read it with `measure`).
    measure_id: Option<ID>,
    /// The deadline itself: kind, start, due date, and why.
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

/// How one kind of deadline fared, in the caller's scope.
#[derive(SimpleObject)]
pub(crate) struct ComplianceFigure {
    /// The kind of deadline.
    kind: DeadlineKind,
    /// The kind in Spanish, for people.
    label: &'static str,
    /// Deadlines met in the period on or before their due date.
    met_on_time: i64,
    /// Deadlines met in the period after their due date.
    met_late: i64,
    /// Met on time over all met, from 0 to 1; `null` when none was met.
    on_time_rate: Option<f64>,
    /// Running and already past due today (Lima), whatever the period.
    open_overdue: i64,
}

/// A national holiday, every year (DOMAIN.md §4): on a fixed date or
/// counted from Easter; not moved when it falls on a weekend.
#[derive(SimpleObject)]
#[graphql(name = "HolidayRule")]
pub(crate) struct HolidayRuleView {
    /// Its name in Spanish.
    name: String,
    /// The date, `MM-DD`, for fixed holidays; `null` for those counted from Easter.
    fixed_date: Option<String>,
    /// Days from Easter Sunday (Holy Thursday is -3); `null` for fixed holidays.
    easter_offset: Option<i32>,
    /// The first year it applies, inclusive; `null`: no first year.
    from_year: Option<i32>,
    /// The last year it applies, inclusive; `null`: still in force.
    until_year: Option<i32>,
    /// The law that makes it a holiday (`Ley 31788`).
    legal_basis: String,
}

/// A decreed public-sector non-working day, or a period during which
/// deadlines are suspended.
#[derive(SimpleObject)]
#[graphql(name = "CalendarEntry")]
pub(crate) struct CalendarEntryView {
    /// For `removeNonWorkingDay` or `removeSuspensionPeriod`.
    id: ID,
    /// The first day it covers (Lima).
    first_day: Date,
    /// The last day it covers, inclusive; the same as `firstDay` for a single day.
    last_day: Date,
    /// Two-digit ubigeo code of the only department it applies to; `null`:
    /// the whole country.
    department: Option<String>,
    /// The decree that sets it (`DS 042-2025-PCM`).
    legal_basis: String,
    /// Where the decree was published, if recorded.
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

/// The working-day calendar in force: what is not a working day besides
/// Saturdays and Sundays (DOMAIN.md §4).
#[derive(SimpleObject)]
#[graphql(name = "Calendar")]
pub(crate) struct CalendarView {
    /// Bumped by every change; deadlines remember the version they used.
    version: i64,
    /// National holidays.
    holiday_rules: Vec<HolidayRuleView>,
    /// Public-sector non-working days decreed, national or for one department.
    non_working_days: Vec<CalendarEntryView>,
    /// Periods during which deadlines do not run.
    suspension_periods: Vec<CalendarEntryView>,
}

/// What a change to the calendar did, or with `dryRun` would do.
#[derive(SimpleObject)]
pub(crate) struct CalendarChangeResult {
    /// False for a dry run: nothing was kept, audited or sent.
    applied: bool,
    /// The calendar's version after the change.
    version: i64,
    /// Cases whose running deadlines were (or would be) computed again.
    cases_recomputed: i32,
    /// Deadlines whose due date moved, or would move (their owners are
    /// told by e-mail when it is applied).
    deadlines_moved: i32,
    /// True when the recomputation stopped before the end (the figures are
    /// what it did so far): the delivery worker finishes it, and meanwhile
    /// every deadline is shown with the due date the new calendar gives it.
    recomputation_pending: bool,
}

/// How long a kind of deadline runs, and from which event (data, not code:
/// decision 0004).
#[derive(SimpleObject)]
#[graphql(name = "DeadlineRule")]
pub(crate) struct DeadlineRuleView {
    /// The kind of deadline.
    kind: DeadlineKind,
    /// The track it applies to; `null`: both, unless a track has its own rule.
    track: Option<Track>,
    /// Its length in working days, counted from the working day after the start.
    working_days: i32,
    /// The event the deadline counts from.
    start_event: StartEvent,
    /// Reviews: the type of measure it is for; `null`: every type without its own rule.
    measure_type: Option<String>,
}

impl From<&DeadlineRule> for DeadlineRuleView {
    fn from(rule: &DeadlineRule) -> Self {
        Self {
            kind: rule.kind.into(),
            track: rule.track.map(Into::into),
            working_days: i32::try_from(rule.amount).unwrap_or(i32::MAX),
            start_event: rule.start_event.into(),
            measure_type: rule.measure_type.as_ref().map(ToString::to_string),
        }
    }
}

/// When a track's deadlines are reminded by e-mail to their owners.
#[derive(SimpleObject)]
#[graphql(name = "ReminderPolicy")]
pub(crate) struct ReminderPolicyView {
    /// The track it applies to.
    track: Track,
    /// Working days before the due date a reminder goes out (0: the due date).
    before_due: Vec<i32>,
    /// Whether an overdue deadline is reminded, and escalated, every working day.
    overdue_every_working_day: bool,
    /// Time of day the reminders go out, `HH:MM` in Lima.
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

/// An e-mail planned for one recipient: a message that could not be
/// delivered, or one of a case's delivery records. No address or content.
#[derive(SimpleObject)]
pub(crate) struct Delivery {
    /// Opaque identifier.
    id: ID,
    /// The case it is about, if any.
    case_id: Option<ID>,
    /// A notice, a reminder or a cancelled calendar event.
    kind: DeliveryKind,
    /// What it was about: a topic code or, for reminders, a deadline kind.
    topic: String,
    /// For reminders: `D-2`, `OVERDUE:2026-08-12`…
    milestone: Option<String>,
    /// The staff account it was for; `null` for the requester.
    recipient_id: Option<ID>,
    /// Whether it was for the requester.
    to_requester: bool,
    /// Where it stands.
    status: DeliveryStatus,
    /// How many times sending was tried.
    attempts: i32,
    /// Why the last attempt failed, in Spanish (an SMTP code, never an address).
    last_error: Option<String>,
    /// When it is, or was, due to be sent (the next retry while pending).
    planned_for: Timestamp,
    /// When it was sent.
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
            Kind::ALL.iter().copied().filter(|k| k.is_sectors()).collect(),
            Some(staff.sector.clone().ok_or(ApiError::Forbidden)?),
        ),
        Role::Officer | Role::Admin | Role::Auditor | Role::Public | Role::System | Role::Device => {
            (Kind::ALL.iter().copied().filter(|k| !k.is_sectors()).collect(), None)
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
    /// Running deadlines due from today to `workingDays` working days ahead
    /// (Lima), the earliest first. Officers see decision and information-answer
    /// deadlines, supervisors all, coordinators those of their sector's measures.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn due_soon(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "db::DUE_SOON_WORKING_DAYS as i32",
            desc = "How many working days ahead, 0 (today only) to 60."
        )]
        working_days: i32,
        #[graphql(desc = "Page size, 1 to 100 (20 by default).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> ApiResult<DeadlineConnection> {
        authorize(ctx, Operation::DueSoon, Target::Nothing)?;
        if !(0..=60).contains(&working_days) {
            return Err(ApiError::bad_input("workingDays", "debe estar entre 0 y 60"));
        }
        let today = today(ctx);
        let until = calendar(ctx).await?.add_working_days(today, u32::try_from(working_days).unwrap_or(0), None);
        deadline_list(ctx, first, after, Some(today), Some(until)).await
    }

    /// Running deadlines due before today (Lima), the oldest first. Scoped
    /// like `dueSoon`: officers, supervisors, coordinators.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn overdue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (20 by default).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> ApiResult<DeadlineConnection> {
        authorize(ctx, Operation::Overdue, Target::Nothing)?;
        let yesterday = today(ctx).pred_opt();
        deadline_list(ctx, first, after, None, yesterday).await
    }

    /// On-time compliance by kind of deadline, for deadlines met from `from`
    /// to `to`, and those overdue today. Scoped like `dueSoon`: officers,
    /// supervisors, coordinators.
    async fn compliance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First day of the period (Lima), inclusive.")] from: Date,
        #[graphql(desc = "Last day of the period, inclusive; not before `from`.")] to: Date,
    ) -> ApiResult<Vec<ComplianceFigure>> {
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
    /// Anyone.
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

    /// The deadline rules in force. Any staff.
    async fn deadline_rules(&self, ctx: &Context<'_>) -> ApiResult<Vec<DeadlineRuleView>> {
        authorize(ctx, Operation::DeadlineRules, Target::Nothing)?;
        Ok(db(ctx).deadline_rules().await?.all().iter().map(Into::into).collect())
    }

    /// How deadlines are reminded, by track. Any staff.
    async fn reminder_policies(&self, ctx: &Context<'_>) -> ApiResult<Vec<ReminderPolicyView>> {
        authorize(ctx, Operation::ReminderPolicies, Target::Nothing)?;
        Ok(db(ctx).reminder_policies().await?.all().into_iter().map(Into::into).collect())
    }

    /// Messages that could not be delivered, newest first. Admins.
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn dead_letters(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, desc = "How many, 1 to 100.")] first: i32,
    ) -> ApiResult<Vec<Delivery>> {
        authorize(ctx, Operation::DeadLetters, Target::Nothing)?;
        let first = page_size(Some(first))?;
        Ok(db(ctx).dead_letters(first).await?.into_iter().map(Into::into).collect())
    }
}

#[Object]
impl ScheduleMutation {
    /// Adds a decreed public-sector non-working day (national, or for one
    /// department); running deadlines it touches are recomputed and their
    /// owners told. Admins.
    async fn add_non_working_day(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day (Lima).")] date: Date,
        #[graphql(desc = "Two-digit ubigeo code of the only department it applies to; the whole country when absent.")]
        department: Option<String>,
        #[graphql(desc = "The decree that sets it (`DS 042-2025-PCM`); not blank.")] legal_basis: String,
        #[graphql(desc = "Where the decree was published.")] source: Option<String>,
        #[graphql(default, desc = "Only measure the effect on running deadlines; nothing is kept.")] dry_run: bool,
    ) -> ApiResult<CalendarChangeResult> {
        let change = CalendarChange::AddNonWorkingDay {
            day: date.0,
            department: parse_department("department", department.as_deref())?,
            legal_basis,
            source,
        };
        change_calendar(ctx, Operation::AddNonWorkingDay, change, dry_run).await
    }

    /// Removes a decreed non-working day; running deadlines it touched are
    /// recomputed and their owners told. Admins.
    async fn remove_non_working_day(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `id` of a `Calendar.nonWorkingDays` entry.")] non_working_day_id: ID,
        #[graphql(default, desc = "Only measure the effect on running deadlines; nothing is kept.")] dry_run: bool,
    ) -> ApiResult<CalendarChangeResult> {
        let id = entry_id("nonWorkingDayId", &non_working_day_id)?;
        change_calendar(ctx, Operation::RemoveNonWorkingDay, CalendarChange::RemoveNonWorkingDay { id }, dry_run).await
    }

    /// Adds a period during which deadlines do not run; running deadlines it
    /// touches are recomputed and their owners told. Admins.
    #[expect(clippy::too_many_arguments, reason = "the schema's arguments, each its own")]
    async fn add_suspension_period(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first day suspended (Lima).")] first_day: Date,
        #[graphql(desc = "The last day suspended, inclusive.")] last_day: Date,
        #[graphql(desc = "Two-digit ubigeo code of the only department it applies to; the whole country when absent.")]
        department: Option<String>,
        #[graphql(desc = "The norm that suspends deadlines; not blank.")] legal_basis: String,
        #[graphql(desc = "Where the norm was published.")] source: Option<String>,
        #[graphql(default, desc = "Only measure the effect on running deadlines; nothing is kept.")] dry_run: bool,
    ) -> ApiResult<CalendarChangeResult> {
        let change = CalendarChange::AddSuspension {
            first_day: first_day.0,
            last_day: last_day.0,
            department: parse_department("department", department.as_deref())?,
            legal_basis,
            source,
        };
        change_calendar(ctx, Operation::AddSuspensionPeriod, change, dry_run).await
    }

    /// Removes a suspension period; running deadlines it touched are
    /// recomputed and their owners told. Admins.
    async fn remove_suspension_period(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `id` of a `Calendar.suspensionPeriods` entry.")] suspension_period_id: ID,
        #[graphql(default, desc = "Only measure the effect on running deadlines; nothing is kept.")] dry_run: bool,
    ) -> ApiResult<CalendarChangeResult> {
        let id = entry_id("suspensionPeriodId", &suspension_period_id)?;
        change_calendar(ctx, Operation::RemoveSuspensionPeriod, CalendarChange::RemoveSuspension { id }, dry_run).await
    }

    /// Changes the length (or, for decisions, the start event) of a kind of
    /// deadline on a track, and for reviews perhaps of one type of measure;
    /// deadlines set from now on follow it. Returns every rule. Admins.
    async fn save_deadline_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The kind of deadline.")] kind: DeadlineKind,
        #[graphql(desc = "The track; both when absent.")] track: Option<Track>,
        #[graphql(desc = "Its length in working days, 1 to 365.")] working_days: i32,
        #[graphql(desc = "Decisions: RECEIPT, ADMISSION or RISK_ASSESSMENT, the same on both tracks; \
                    answers: INFORMATION_REQUEST; measures: MEASURE_NOTIFICATION; reviews: MEASURE_ACT; \
                    re-assessments: INCIDENT_REPORT.")]
        start_event: StartEvent,
        #[graphql(
            desc = "Reviews only: the type of measure (`measureTypes`) the rule is for; every type when absent."
        )]
        measure_type: Option<String>,
    ) -> ApiResult<Vec<DeadlineRuleView>> {
        let request = authorize(ctx, Operation::SaveDeadlineRule, Target::Nothing)?;
        let kind: Kind = kind.into();
        let owner = kind.owner();
        let rule = DeadlineRule {
            kind,
            track: track.map(Into::into),
            amount: u32::try_from(working_days).map_err(|_| ApiError::bad_input("workingDays", "debe ser positivo"))?,
            unit: DurationUnit::WorkingDays,
            start_event: start_event.into(),
            owner,
            measure_type: measure_type.as_deref().map(|code| ref_code("measureType", code)).transpose()?,
        };
        let rules = db(ctx).save_deadline_rule(rule, &request.actor(), request.now).await?;
        Ok(rules.all().iter().map(Into::into).collect())
    }

    /// Changes when a track's deadlines are reminded. Returns every policy.
    /// Admins.
    async fn save_reminder_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track.")] track: Track,
        #[graphql(desc = "Working days before the due date to remind (0: the due date); none negative.")]
        before_due: Vec<i32>,
        #[graphql(desc = "Whether to remind, and escalate, every working day while overdue.")]
        overdue_every_working_day: bool,
        #[graphql(default = "09:00", desc = "Time of day to send, `HH:MM` in Lima.")] send_at: String,
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
    dry_run: bool,
) -> ApiResult<CalendarChangeResult> {
    let request = authorize(ctx, operation, Target::Nothing)?;
    let report = if dry_run {
        db(ctx).preview_calendar_change(change).await?
    } else {
        db(ctx).change_calendar(change, &request.actor(), request.now).await?
    };
    Ok(CalendarChangeResult {
        applied: !dry_run,
        version: i64::try_from(report.version).unwrap_or(i64::MAX),
        cases_recomputed: i32::try_from(report.cases_recomputed).unwrap_or(i32::MAX),
        deadlines_moved: i32::try_from(report.deadlines_moved).unwrap_or(i32::MAX),
        recomputation_pending: !report.finished,
    })
}

/// A case's delivery records (for the `Case` type).
pub(crate) async fn deliveries_of(ctx: &Context<'_>, case_id: uuid::Uuid) -> ApiResult<Vec<Delivery>> {
    Ok(db(ctx).deliveries(case_id).await?.into_iter().map(Into::into).collect())
}
