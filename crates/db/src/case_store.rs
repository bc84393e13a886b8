//! Loading a case's workflow state from its rows and saving the state a
//! transition produced. Saving writes only what changed and checks the
//! case's version, so two writers can never both win.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::codes::RefCode;
use domain::deadline::{
    Deadline, DeadlineKey, DeadlineKind, DeadlineRule, DeadlineStatus, DurationUnit, OwnerRole, StartEvent,
};
use domain::place::DepartmentCode;
use domain::text::Text;
use domain::workflow::{
    ActReference, Agreement, AgreementNo, Case, CaseStatus, Complaint, ComplaintNo, ComplaintStatus, Measure,
    MeasureNo, MeasureStatus, OpenInformationRequest, RiskLevel, StaffRef, Track,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Statement};
use uuid::Uuid;

use crate::entities::{agreements, cases, complaints, deadlines, measures};
use crate::error::{DbError, DbResult};
use crate::parse::{parse_code, parse_opt_code, to_u16, to_u32};

/// A case as read inside a write transaction, with the row ids needed to
/// write it back.
pub(crate) struct LoadedCase {
    pub(crate) row: cases::Model,
    pub(crate) case: Case,
    pub(crate) measure_ids: HashMap<MeasureNo, Uuid>,
    pub(crate) deadline_ids: HashMap<DeadlineKey, Uuid>,
}

/// How a deadline key is stored: `DECISION`, `MEASURE_IMPLEMENTATION:2`,
/// `AGREEMENT:1` (the number is the measure's or, for an agreement's
/// deadline, the agreement's).
pub(crate) fn deadline_key_code(key: DeadlineKey) -> String {
    match key.measure.map(|m| m.0).or(key.agreement.map(|a| a.0)) {
        None => key.kind.code().to_owned(),
        Some(no) => format!("{}:{no}", key.kind.code()),
    }
}

/// The inverse of `deadline_key_code`.
pub(crate) fn parse_deadline_key(code: &str) -> Option<DeadlineKey> {
    let (kind, no) = match code.split_once(':') {
        Some((kind, no)) => (DeadlineKind::parse(kind).ok()?, Some(no.parse().ok()?)),
        None => (DeadlineKind::parse(code).ok()?, None),
    };
    Some(deadline_key(kind, no))
}

/// The key of a deadline of `kind` about number `no`.
fn deadline_key(kind: DeadlineKind, no: Option<u16>) -> DeadlineKey {
    match (kind, no) {
        (_, None) => DeadlineKey::case(kind),
        (DeadlineKind::Agreement, Some(no)) => DeadlineKey::agreement(AgreementNo(no)),
        (_, Some(no)) => DeadlineKey::measure(kind, MeasureNo(no)),
    }
}

pub(crate) async fn load(conn: &impl ConnectionTrait, id: Uuid) -> DbResult<LoadedCase> {
    let row = cases::Entity::find_by_id(id).one(conn).await?.ok_or(DbError::CaseNotFound)?;
    let measure_rows = measures::Entity::find()
        .filter(measures::Column::CaseId.eq(id))
        .order_by_asc(measures::Column::MeasureNo)
        .all(conn)
        .await?;
    let deadline_rows = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(id))
        .order_by_asc(deadlines::Column::DeadlineKey)
        .all(conn)
        .await?;
    let complaint_rows = complaints::Entity::find()
        .filter(complaints::Column::CaseId.eq(id))
        .order_by_asc(complaints::Column::ComplaintNo)
        .all(conn)
        .await?;
    let agreement_rows = agreements_of(conn, &deadline_rows).await?;
    let children = Children {
        measures: measure_rows,
        deadlines: deadline_rows,
        complaints: complaint_rows,
        agreements: agreement_rows,
    };
    loaded(row, children)
}

/// A case's rows besides its own.
struct Children {
    measures: Vec<measures::Model>,
    deadlines: Vec<deadlines::Model>,
    complaints: Vec<complaints::Model>,
    agreements: Vec<agreements::Model>,
}

/// Several cases at once, in four statements (five when one has agreements) (the worker's passes); the
/// ids not found are left out.
pub(crate) async fn load_many(conn: &impl ConnectionTrait, ids: &[Uuid]) -> DbResult<Vec<LoadedCase>> {
    let rows = cases::Entity::find().filter(cases::Column::Id.is_in(ids.iter().copied())).all(conn).await?;
    let measures = measures::Entity::find()
        .filter(measures::Column::CaseId.is_in(ids.iter().copied()))
        .order_by_asc(measures::Column::MeasureNo)
        .all(conn)
        .await?;
    let deadlines = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.is_in(ids.iter().copied()))
        .order_by_asc(deadlines::Column::DeadlineKey)
        .all(conn)
        .await?;
    let complaints = complaints::Entity::find()
        .filter(complaints::Column::CaseId.is_in(ids.iter().copied()))
        .order_by_asc(complaints::Column::ComplaintNo)
        .all(conn)
        .await?;
    let agreements = agreements_of(conn, &deadlines).await?;
    let mut measure_rows = by_case(measures, |m| m.case_id);
    let mut agreement_rows = by_case(agreements, |a| a.case_id);
    let mut deadline_rows = by_case(deadlines, |d| d.case_id);
    let mut complaint_rows = by_case(complaints, |c| c.case_id);
    rows.into_iter()
        .map(|row| {
            let children = Children {
                measures: measure_rows.remove(&row.id).unwrap_or_default(),
                deadlines: deadline_rows.remove(&row.id).unwrap_or_default(),
                complaints: complaint_rows.remove(&row.id).unwrap_or_default(),
                agreements: agreement_rows.remove(&row.id).unwrap_or_default(),
            };
            loaded(row, children)
        })
        .collect()
}

/// The agreements of the cases `deadlines` belong to. Every agreement has
/// its deadline from the moment it is made, so a case with no `AGREEMENT`
/// deadline has none: their read is skipped (most cases, every command).
async fn agreements_of(
    conn: &impl ConnectionTrait,
    deadlines: &[deadlines::Model],
) -> DbResult<Vec<agreements::Model>> {
    let kind = DeadlineKind::Agreement.code();
    let cases: std::collections::BTreeSet<Uuid> =
        deadlines.iter().filter(|d| d.kind == kind).map(|d| d.case_id).collect();
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    Ok(agreements::Entity::find()
        .filter(agreements::Column::CaseId.is_in(cases))
        .order_by_asc(agreements::Column::CaseId)
        .order_by_asc(agreements::Column::AgreementNo)
        .all(conn)
        .await?)
}

/// Rows grouped by their case, in the order read.
fn by_case<T>(rows: Vec<T>, case: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut grouped: HashMap<Uuid, Vec<T>> = HashMap::new();
    for row in rows {
        grouped.entry(case(&row)).or_default().push(row);
    }
    grouped
}

fn loaded(row: cases::Model, children: Children) -> DbResult<LoadedCase> {
    let Children {
        measures: measure_rows,
        deadlines: deadline_rows,
        complaints: complaint_rows,
        agreements: agreement_rows,
    } = children;
    let mut measure_ids = HashMap::new();
    let mut case_measures = Vec::with_capacity(measure_rows.len());
    for m in measure_rows {
        let measure = measure_from_row(&m)?;
        measure_ids.insert(measure.no, m.id);
        case_measures.push(measure);
    }
    let mut deadline_ids = HashMap::new();
    let mut case_deadlines = Vec::with_capacity(deadline_rows.len());
    for d in deadline_rows {
        let deadline = deadline_from_row(&d)?;
        deadline_ids.insert(deadline.key, d.id);
        case_deadlines.push(deadline);
    }
    let mut case = case_from_row(&row, case_measures, case_deadlines)?;
    case.complaints = complaint_rows.iter().map(complaint_from_row).collect::<DbResult<_>>()?;
    case.agreements = agreement_rows.iter().map(crate::meetings::agreement_of).collect::<DbResult<_>>()?;
    Ok(LoadedCase { row, case, measure_ids, deadline_ids })
}

/// The case its row holds, with `measures` and `deadlines` and no
/// complaints (a list's row needs none).
pub(crate) fn case_from_row(row: &cases::Model, measures: Vec<Measure>, deadlines: Vec<Deadline>) -> DbResult<Case> {
    let information_request = match (row.information_requested_on, row.information_resume_status.as_deref()) {
        (Some(requested_on), Some(resume)) => Some(OpenInformationRequest {
            requested_on,
            resume_status: parse_code(CaseStatus::parse, resume, "cases.information_resume_status")?,
        }),
        (None, None) => None,
        _ => return Err(DbError::Corrupt("cases.information_requested_on")),
    };
    let resolution = match (row.resolution_act_number.as_deref(), row.resolution_act_date) {
        (Some(number), Some(date)) => Some(ActReference {
            number: Text::parse(number).map_err(|_| DbError::Corrupt("cases.resolution_act_number"))?,
            date,
        }),
        (None, None) => None,
        _ => return Err(DbError::Corrupt("cases.resolution_act_number")),
    };
    Ok(Case {
        status: parse_code(CaseStatus::parse, &row.status, "cases.status")?,
        department: parse_code(DepartmentCode::parse, &row.department_code, "cases.department_code")?,
        received_on: row.received_on,
        admitted_on: row.admitted_on,
        assigned_officer: row.assigned_officer_id.map(|id| StaffRef(id.to_string())),
        consent_withdrawn_on: row.consent_withdrawn_on,
        track: parse_opt_code(Track::parse, row.track.as_deref(), "cases.track")?,
        risk_level: parse_opt_code(RiskLevel::parse, row.risk_level.as_deref(), "cases.risk_level")?,
        risk_assessed_on: row.risk_assessed_on,
        information_request,
        resolution,
        plan_set_on: row.plan_set_on,
        measures,
        complaints: Vec::new(),
        agreements: Vec::new(),
        deadlines,
    })
}

fn complaint_from_row(c: &complaints::Model) -> DbResult<Complaint> {
    Ok(Complaint {
        no: ComplaintNo(to_u16(c.complaint_no, "complaints.complaint_no")?),
        filed_on: c.filed_on,
        status: parse_code(ComplaintStatus::parse, &c.status, "complaints.status")?,
        status_on: c.status_on,
    })
}

fn complaint_model(case_id: Uuid, c: &Complaint) -> complaints::ActiveModel {
    complaints::ActiveModel {
        case_id: Set(case_id),
        complaint_no: Set(i32::from(c.no.0)),
        filed_on: Set(c.filed_on),
        status: Set(c.status.code().to_owned()),
        status_on: Set(c.status_on),
    }
}

fn agreement_model(case_id: Uuid, a: &Agreement) -> DbResult<agreements::ActiveModel> {
    Ok(agreements::ActiveModel {
        case_id: Set(case_id),
        agreement_no: Set(i32::from(a.no.0)),
        meeting_id: Set(Uuid::parse_str(&a.meeting.0).map_err(|_| DbError::Corrupt("agreements.meeting_id"))?),
        sector_code: Set(a.sector.as_str().to_owned()),
        agreed_on: Set(a.agreed_on),
        done_on: Set(a.done_on),
    })
}

fn measure_from_row(m: &measures::Model) -> DbResult<Measure> {
    Ok(Measure {
        no: MeasureNo(to_u16(m.measure_no, "measures.measure_no")?),
        measure_type: parse_code(RefCode::parse, &m.measure_type_code, "measures.measure_type_code")?,
        sector: parse_code(RefCode::parse, &m.sector_code, "measures.sector_code")?,
        status: parse_code(MeasureStatus::parse, &m.status, "measures.status")?,
        notified_on: m.notified_on,
        extended_until: m.extended_until,
        verified_on: m.verified_on,
    })
}

pub(crate) fn deadline_from_row(d: &deadlines::Model) -> DbResult<Deadline> {
    let kind = parse_code(DeadlineKind::parse, &d.kind, "deadlines.kind")?;
    let measure = d.measure_no.map(|n| to_u16(n, "deadlines.measure_no")).transpose()?;
    let agreement = d.agreement_no.map(|n| to_u16(n, "deadlines.agreement_no")).transpose()?;
    let on = || d.status_on.ok_or(DbError::Corrupt("deadlines.status_on"));
    let status = match d.status.as_str() {
        "OPEN" => DeadlineStatus::Open,
        "SUSPENDED" => DeadlineStatus::Suspended { since: on()? },
        "MET" => DeadlineStatus::Met { on: on()?, on_time: d.on_time.ok_or(DbError::Corrupt("deadlines.on_time"))? },
        "LAPSED" => DeadlineStatus::Lapsed { on: on()? },
        "CANCELLED" => DeadlineStatus::Cancelled { on: on()? },
        _ => return Err(DbError::Corrupt("deadlines.status")),
    };
    Ok(Deadline {
        key: deadline_key(kind, measure.or(agreement)),
        rule: DeadlineRule {
            kind,
            track: parse_opt_code(Track::parse, d.rule_track.as_deref(), "deadlines.rule_track")?,
            amount: to_u32(d.rule_amount, "deadlines.rule_amount")?,
            unit: parse_code(DurationUnit::parse, &d.rule_unit, "deadlines.rule_unit")?,
            start_event: parse_code(StartEvent::parse, &d.rule_start_event, "deadlines.rule_start_event")?,
            owner: parse_code(OwnerRole::parse, &d.rule_owner, "deadlines.rule_owner")?,
            measure_type: parse_opt_code(
                RefCode::parse,
                d.rule_measure_type.as_deref(),
                "deadlines.rule_measure_type",
            )?,
        },
        start: d.start_on,
        suspended_working_days: to_u32(d.suspended_working_days, "deadlines.suspended_working_days")?,
        due: d.due_on,
        version: to_u32(d.version, "deadlines.version")?,
        calendar_version: u64::try_from(d.calendar_version)
            .map_err(|_| DbError::Corrupt("deadlines.calendar_version"))?,
        status,
    })
}

/// The status columns of a deadline: code, date, punctuality.
fn deadline_status_columns(status: DeadlineStatus) -> (&'static str, Option<chrono::NaiveDate>, Option<bool>) {
    match status {
        DeadlineStatus::Open => ("OPEN", None, None),
        DeadlineStatus::Suspended { since } => ("SUSPENDED", Some(since), None),
        DeadlineStatus::Met { on, on_time } => ("MET", Some(on), Some(on_time)),
        DeadlineStatus::Lapsed { on } => ("LAPSED", Some(on), None),
        DeadlineStatus::Cancelled { on } => ("CANCELLED", Some(on), None),
    }
}

fn to_i32(value: u32, what: &'static str) -> DbResult<i32> {
    i32::try_from(value).map_err(|_| DbError::Corrupt(what))
}

pub(crate) fn deadline_model(
    id: Uuid,
    case_id: Uuid,
    d: &Deadline,
    case: &Case,
    now: DateTime<Utc>,
) -> DbResult<deadlines::ActiveModel> {
    let (status, status_on, on_time) = deadline_status_columns(d.status);
    let sector = case.sector_of(d.key).map(|s| s.as_str().to_owned());
    Ok(deadlines::ActiveModel {
        sector_code: Set(sector),
        id: Set(id),
        case_id: Set(case_id),
        deadline_key: Set(deadline_key_code(d.key)),
        kind: Set(d.key.kind.code().to_owned()),
        measure_no: Set(d.key.measure.map(|m| i32::from(m.0))),
        agreement_no: Set(d.key.agreement.map(|a| i32::from(a.0))),
        rule_track: Set(d.rule.track.map(|t| t.code().to_owned())),
        rule_amount: Set(to_i32(d.rule.amount, "deadlines.rule_amount")?),
        rule_unit: Set(d.rule.unit.code().to_owned()),
        rule_start_event: Set(d.rule.start_event.code().to_owned()),
        rule_owner: Set(d.rule.owner.code().to_owned()),
        rule_measure_type: Set(d.rule.measure_type.as_ref().map(ToString::to_string)),
        start_on: Set(d.start),
        suspended_working_days: Set(to_i32(d.suspended_working_days, "deadlines.suspended_working_days")?),
        due_on: Set(d.due),
        version: Set(to_i32(d.version, "deadlines.version")?),
        calendar_version: Set(
            i64::try_from(d.calendar_version).map_err(|_| DbError::Corrupt("deadlines.calendar_version"))?
        ),
        status: Set(status.to_owned()),
        status_on: Set(status_on),
        on_time: Set(on_time),
        updated_at: Set(now),
    })
}

pub(crate) fn measure_model(
    id: Uuid,
    case_id: Uuid,
    m: &Measure,
    case: &Case,
    now: DateTime<Utc>,
) -> measures::ActiveModel {
    let own_deadlines = case.deadlines.iter().filter(|d| d.key.measure == Some(m.no));
    measures::ActiveModel {
        next_due_on: Set(next_due(own_deadlines)),
        id: Set(id),
        case_id: Set(case_id),
        measure_no: Set(i32::from(m.no.0)),
        measure_type_code: Set(m.measure_type.as_str().to_owned()),
        sector_code: Set(m.sector.as_str().to_owned()),
        status: Set(m.status.code().to_owned()),
        notified_on: Set(m.notified_on),
        extended_until: Set(m.extended_until),
        verified_on: Set(m.verified_on),
        updated_at: Set(now),
    }
}

/// What `next_due_on` holds when nothing is due.
pub(crate) fn no_due_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// As stored: the earliest running due date, or `no_due_date`.
fn next_due<'a>(deadlines: impl Iterator<Item = &'a Deadline>) -> NaiveDate {
    domain::deadline::next_due(deadlines).unwrap_or_else(no_due_date)
}

/// The account behind a `StaffRef` (always a user id written by the API).
pub(crate) fn staff_id(staff: &StaffRef) -> DbResult<Uuid> {
    Uuid::parse_str(&staff.0).map_err(|_| DbError::Corrupt("cases.assigned_officer_id"))
}

/// The workflow columns of the `cases` row for `case`.
pub(crate) fn case_state_columns(case: &Case, model: &mut cases::ActiveModel) -> DbResult<()> {
    model.assigned_officer_id = Set(case.assigned_officer.as_ref().map(staff_id).transpose()?);
    model.consent_withdrawn_on = Set(case.consent_withdrawn_on);
    model.next_due_on = Set(next_due(case.deadlines.iter()));
    model.status = Set(case.status.code().to_owned());
    model.admitted_on = Set(case.admitted_on);
    model.track = Set(case.track.map(|t| t.code().to_owned()));
    model.risk_level = Set(case.risk_level.map(|r| r.code().to_owned()));
    model.risk_assessed_on = Set(case.risk_assessed_on);
    model.plan_set_on = Set(case.plan_set_on);
    model.information_requested_on = Set(case.information_request.as_ref().map(|i| i.requested_on));
    model.information_resume_status = Set(case.information_request.as_ref().map(|i| i.resume_status.code().to_owned()));
    model.resolution_act_number = Set(case.resolution.as_ref().map(|r| r.number.as_str().to_owned()));
    model.resolution_act_date = Set(case.resolution.as_ref().map(|r| r.date));
    Ok(())
}

/// Writes `new` over the loaded state: the case row (checking its version),
/// then the measures and deadlines that changed. Returns the id of every
/// deadline, including new ones.
pub(crate) async fn save(
    conn: &impl ConnectionTrait,
    loaded: &LoadedCase,
    new: &Case,
    now: DateTime<Utc>,
) -> DbResult<HashMap<DeadlineKey, Uuid>> {
    let case_id = loaded.row.id;
    let mut row =
        cases::ActiveModel { version: Set(loaded.row.version + 1), updated_at: Set(now), ..Default::default() };
    case_state_columns(new, &mut row)?;
    let updated = cases::Entity::update_many()
        .set(row)
        .filter(cases::Column::Id.eq(case_id))
        .filter(cases::Column::Version.eq(loaded.row.version))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DbError::Conflict);
    }
    save_children(conn, case_id, &loaded.case, new, &loaded.measure_ids, loaded.deadline_ids.clone(), now).await
}

/// Writes back cases whose recomputation moved only due dates, versions
/// and calendar versions (and so the next due dates): on PostgreSQL three
/// statements whatever their number (cases, deadlines, measures, each an
/// `UPDATE … FROM (VALUES …)`), the cases' versions checked as `save`
/// checks them; on SQLite, where a statement costs no round trip, and for
/// a case where anything else changed, `save` one by one.
pub(crate) async fn save_recomputed(
    conn: &impl ConnectionTrait,
    recomputed: &[(&LoadedCase, &Case)],
    now: DateTime<Utc>,
) -> DbResult<()> {
    if conn.get_database_backend() != DbBackend::Postgres {
        for (loaded, new) in recomputed {
            save(conn, loaded, new, now).await?;
        }
        return Ok(());
    }
    let in_bulk = |(loaded, new): &&(&LoadedCase, &Case)| only_due_dates_moved(&loaded.case, new);
    let (bulk, one_by_one): (Vec<_>, Vec<_>) = recomputed.iter().partition(in_bulk);
    for (loaded, new) in one_by_one {
        save(conn, loaded, new, now).await?;
    }
    let mut case_rows = Vec::new();
    let mut deadline_rows = Vec::new();
    let mut measure_rows = Vec::new();
    for (loaded, new) in bulk {
        let next_due_on = next_due(new.deadlines.iter());
        case_rows.push(vec![loaded.row.id.into(), loaded.row.version.into(), next_due_on.into()]);
        for deadline in &new.deadlines {
            if loaded.case.deadline(deadline.key) == Some(deadline) {
                continue;
            }
            let id = *loaded.deadline_ids.get(&deadline.key).ok_or(DbError::Corrupt("deadlines.id"))?;
            let version = to_i32(deadline.version, "deadlines.version")?;
            let calendar_version =
                i64::try_from(deadline.calendar_version).map_err(|_| DbError::Corrupt("deadlines.calendar_version"))?;
            deadline_rows.push(vec![id.into(), deadline.due.into(), version.into(), calendar_version.into()]);
            if let Some(no) = deadline.key.measure {
                let id = *loaded.measure_ids.get(&no).ok_or(DbError::Corrupt("measures.id"))?;
                let own = new.deadlines.iter().filter(|d| d.key.measure == Some(no));
                let row: Vec<sea_orm::Value> = vec![id.into(), next_due(own).into()];
                if !measure_rows.contains(&row) {
                    measure_rows.push(row);
                }
            }
        }
    }
    let cases = case_rows.len() as u64;
    let updated = update_from_values(
        conn,
        "UPDATE cases AS c SET version = c.version + 1, updated_at = $1, next_due_on = v.next_due_on \
         FROM (VALUES {}) AS v (id, version, next_due_on) WHERE c.id = v.id AND c.version = v.version",
        &["uuid", "int4", "date"],
        case_rows,
        now,
    )
    .await?;
    if updated != cases {
        return Err(DbError::Conflict);
    }
    update_from_values(
        conn,
        "UPDATE deadlines AS d SET due_on = v.due_on, version = v.version, calendar_version = v.calendar_version, \
         updated_at = $1 FROM (VALUES {}) AS v (id, due_on, version, calendar_version) WHERE d.id = v.id",
        &["uuid", "date", "int4", "int8"],
        deadline_rows,
        now,
    )
    .await?;
    update_from_values(
        conn,
        "UPDATE measures AS m SET next_due_on = v.next_due_on, updated_at = $1 \
         FROM (VALUES {}) AS v (id, next_due_on) WHERE m.id = v.id",
        &["uuid", "date"],
        measure_rows,
        now,
    )
    .await?;
    Ok(())
}

/// Whether `new` differs from `old` only in its deadlines' due dates,
/// versions and calendar versions.
fn only_due_dates_moved(old: &Case, new: &Case) -> bool {
    let same_case = Case { deadlines: old.deadlines.clone(), ..new.clone() } == *old;
    same_case
        && old.deadlines.len() == new.deadlines.len()
        && old.deadlines.iter().zip(&new.deadlines).all(|(before, after)| {
            Deadline {
                due: before.due,
                version: before.version,
                calendar_version: before.calendar_version,
                ..after.clone()
            } == *before
        })
}

/// Runs `sql` (PostgreSQL; `{}` stands for the `VALUES` rows, `$1` for
/// `now`) over `rows` of values cast to `types`, in chunks within the
/// parameter limit; the rows it updated.
async fn update_from_values(
    conn: &impl ConnectionTrait,
    sql: &str,
    types: &[&str],
    rows: Vec<Vec<sea_orm::Value>>,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let mut updated = 0;
    for chunk in rows.chunks(crate::bulk::MAX_PARAMETERS / types.len()) {
        let mut values: Vec<sea_orm::Value> = vec![now.into()];
        let mut tuples = Vec::with_capacity(chunk.len());
        for row in chunk {
            let cells: Vec<String> =
                types.iter().enumerate().map(|(n, kind)| format!("${}::{kind}", values.len() + n + 1)).collect();
            values.extend(row.iter().cloned());
            tuples.push(format!("({})", cells.join(", ")));
        }
        let statement = sql.replace("{}", &tuples.join(", "));
        updated += conn
            .execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, statement, values))
            .await?
            .rows_affected();
    }
    Ok(updated)
}

/// Inserts or updates the measures, complaints, agreements and deadlines of `new` that
/// differ from `old`.
pub(crate) async fn save_children(
    conn: &impl ConnectionTrait,
    case_id: Uuid,
    old: &Case,
    new: &Case,
    measure_ids: &HashMap<MeasureNo, Uuid>,
    mut deadline_ids: HashMap<DeadlineKey, Uuid>,
    now: DateTime<Utc>,
) -> DbResult<HashMap<DeadlineKey, Uuid>> {
    for measure in &new.measures {
        // A measure's row also holds its next due date: rewrite it when its
        // deadlines changed too.
        let deadlines_of = |case: &Case| -> Vec<Deadline> {
            case.deadlines.iter().filter(|d| d.key.measure == Some(measure.no)).cloned().collect()
        };
        if old.measure(measure.no) == Some(measure) && deadlines_of(old) == deadlines_of(new) {
            continue;
        }
        match measure_ids.get(&measure.no) {
            Some(id) => {
                measures::Entity::update(measure_model(*id, case_id, measure, new, now)).exec(conn).await?;
            }
            None => {
                measures::Entity::insert(measure_model(Uuid::new_v4(), case_id, measure, new, now))
                    .exec_without_returning(conn)
                    .await?;
            }
        }
    }
    for complaint in &new.complaints {
        match old.complaint(complaint.no) {
            Some(same) if same == complaint => {}
            Some(_) => {
                complaints::Entity::update(complaint_model(case_id, complaint)).exec(conn).await?;
            }
            None => {
                complaints::Entity::insert(complaint_model(case_id, complaint)).exec_without_returning(conn).await?;
            }
        }
    }
    for agreement in &new.agreements {
        match old.agreement(agreement.no) {
            Some(same) if same == agreement => {}
            Some(_) => {
                agreements::Entity::update(agreement_model(case_id, agreement)?).exec(conn).await?;
            }
            None => {
                agreements::Entity::insert(agreement_model(case_id, agreement)?).exec_without_returning(conn).await?;
            }
        }
    }
    for deadline in &new.deadlines {
        if old.deadline(deadline.key) == Some(deadline) {
            continue;
        }
        match deadline_ids.get(&deadline.key) {
            Some(id) => {
                deadlines::Entity::update(deadline_model(*id, case_id, deadline, new, now)?).exec(conn).await?;
            }
            None => {
                let id = Uuid::new_v4();
                deadlines::Entity::insert(deadline_model(id, case_id, deadline, new, now)?)
                    .exec_without_returning(conn)
                    .await?;
                deadline_ids.insert(deadline.key, id);
            }
        }
    }
    Ok(deadline_ids)
}
