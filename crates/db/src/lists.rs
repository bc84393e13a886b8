//! Work lists: pages of cases and measures with filters and a stable
//! order (keyset pagination on indexed columns), and the batch reads that
//! let a page's nested fields cost one statement each whatever its size.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use domain::categories::Channel;
use domain::codes::RefCode;
use domain::deadline::Deadline;
use domain::place::DepartmentCode;
use domain::workflow::{ActReference, CaseStatus, Measure, MeasureStatus, RiskLevel, Track};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case_store::{self, deadline_from_row, no_due_date};
use crate::connection::Database;
use crate::crypto::Keyring;
use crate::entities::{cases, deadlines, measures};
use crate::error::{DbError, DbResult};
use crate::parse::parse_code;
use crate::sealed::SealedRequest;

/// The measures and deadlines of several cases, by case.
#[derive(Debug, Default)]
pub struct MeasuresAndDeadlines {
    pub measures: HashMap<Uuid, Vec<MeasureRecord>>,
    pub deadlines: HashMap<Uuid, Vec<Deadline>>,
}

/// A case as lists show it: its row, with the request as filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: Uuid,
    pub file_number: String,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub received_on: NaiveDate,
    pub status: CaseStatus,
    pub department: DepartmentCode,
    pub province: Option<String>,
    pub track: Option<Track>,
    pub risk_level: Option<RiskLevel>,
    pub admitted_on: Option<NaiveDate>,
    pub assigned_officer: Option<Uuid>,
    pub consent_withdrawn_on: Option<NaiveDate>,
    pub information_requested_on: Option<NaiveDate>,
    pub resolution: Option<ActReference>,
    /// The earliest due date of a running deadline.
    pub next_due_on: Option<NaiveDate>,
    /// Opened only when a field asks for it.
    pub request: SealedRequest,
}

/// A measure with its row id and case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub measure: Measure,
    pub next_due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// The case with this file number.
    pub file_number: Option<String>,
    /// Any of these (all when empty).
    pub statuses: Vec<CaseStatus>,
    pub track: Option<Track>,
    pub department: Option<DepartmentCode>,
    pub assigned_officer: Option<Uuid>,
    /// Only cases no officer is in charge of.
    pub unassigned: bool,
    /// Cases a step of the procedure changed at or after this instant.
    pub changed_since: Option<DateTime<Utc>>,
    /// Cases with a measure for this sector.
    pub sector: Option<RefCode>,
    /// A running deadline due on or before this date.
    pub due_before: Option<NaiveDate>,
    /// The next running deadline due on or after this date (today: not
    /// yet late).
    pub due_from: Option<NaiveDate>,
    /// A running deadline already past on this date (today).
    pub overdue_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseOrder {
    /// Newest first.
    #[default]
    ReceivedNewestFirst,
    /// The most urgent deadline first; cases with none last.
    DueSoonestFirst,
}

#[derive(Debug, Clone, Default)]
pub struct MeasureFilter {
    pub sector: Option<RefCode>,
    pub statuses: Vec<MeasureStatus>,
    pub case_id: Option<Uuid>,
    pub due_before: Option<NaiveDate>,
    pub overdue_on: Option<NaiveDate>,
}

/// Where a page ends: the sort key of its last item and its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cursor {
    Received(DateTime<Utc>, Uuid),
    Due(NaiveDate, Uuid),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<(T, Cursor)>,
    pub has_next: bool,
}

fn due_or_none(date: NaiveDate) -> Option<NaiveDate> {
    (date != no_due_date()).then_some(date)
}

pub(crate) fn case_record(keys: &Arc<Keyring>, mut row: cases::Model) -> DbResult<CaseRecord> {
    let request = SealedRequest::new(Arc::clone(keys), &mut row);
    let case = case_store::case_from_row(&row, Vec::new(), Vec::new())?;
    Ok(CaseRecord {
        id: row.id,
        channel: parse_code(Channel::parse, &row.channel, "cases.channel")?,
        file_number: row.file_number,
        received_at: row.received_at,
        received_on: row.received_on,
        status: case.status,
        department: case.department,
        province: row.province_code,
        track: case.track,
        risk_level: case.risk_level,
        admitted_on: row.admitted_on,
        assigned_officer: row.assigned_officer_id,
        consent_withdrawn_on: row.consent_withdrawn_on,
        information_requested_on: row.information_requested_on,
        resolution: case.resolution,
        next_due_on: due_or_none(row.next_due_on),
        request,
    })
}

fn measure_record(row: measures::Model) -> DbResult<MeasureRecord> {
    Ok(MeasureRecord {
        id: row.id,
        case_id: row.case_id,
        next_due_on: due_or_none(row.next_due_on),
        measure: Measure {
            no: domain::workflow::MeasureNo(
                u16::try_from(row.measure_no).map_err(|_| DbError::Corrupt("measures.measure_no"))?,
            ),
            measure_type: parse_code(RefCode::parse, &row.measure_type_code, "measures.measure_type_code")?,
            sector: parse_code(RefCode::parse, &row.sector_code, "measures.sector_code")?,
            status: parse_code(MeasureStatus::parse, &row.status, "measures.status")?,
            notified_on: row.notified_on,
            extended_until: row.extended_until,
            verified_on: row.verified_on,
        },
    })
}

/// Keyset condition: strictly after `(key, id)` in the given direction.
pub(crate) fn after<V: Into<sea_orm::Value> + Clone>(
    key_column: impl sea_orm::ColumnTrait,
    id_column: impl sea_orm::ColumnTrait,
    key: V,
    id: Uuid,
    descending: bool,
) -> Condition {
    if descending {
        Condition::any()
            .add(key_column.lt(key.clone()))
            .add(Condition::all().add(key_column.eq(key)).add(id_column.lt(id)))
    } else {
        Condition::any()
            .add(key_column.gt(key.clone()))
            .add(Condition::all().add(key_column.eq(key)).add(id_column.gt(id)))
    }
}

/// A row's columns read one after another by position.
struct Columns<'a> {
    row: &'a sea_orm::QueryResult,
    next: usize,
}

impl Columns<'_> {
    fn next<T: sea_orm::TryGetable>(&mut self) -> Result<T, sea_orm::DbErr> {
        self.next += 1;
        self.row.try_get_by_index(self.next - 1)
    }
}

/// A measure's row from its columns in the entity's order (the order of
/// `measures::Column::iter()`, the fields' own: a field added to the
/// entity does not compile here until it is read).
fn measure_at(c: &mut Columns<'_>) -> Result<measures::Model, sea_orm::DbErr> {
    Ok(measures::Model {
        id: c.next()?,
        case_id: c.next()?,
        measure_no: c.next()?,
        measure_type_code: c.next()?,
        sector_code: c.next()?,
        status: c.next()?,
        notified_on: c.next()?,
        extended_until: c.next()?,
        verified_on: c.next()?,
        updated_at: c.next()?,
        next_due_on: c.next()?,
    })
}

/// A deadline's row, the same way.
fn deadline_at(c: &mut Columns<'_>) -> Result<deadlines::Model, sea_orm::DbErr> {
    Ok(deadlines::Model {
        id: c.next()?,
        case_id: c.next()?,
        deadline_key: c.next()?,
        kind: c.next()?,
        measure_no: c.next()?,
        rule_track: c.next()?,
        rule_amount: c.next()?,
        rule_unit: c.next()?,
        rule_start_event: c.next()?,
        rule_owner: c.next()?,
        start_on: c.next()?,
        suspended_working_days: c.next()?,
        due_on: c.next()?,
        version: c.next()?,
        calendar_version: c.next()?,
        status: c.next()?,
        status_on: c.next()?,
        on_time: c.next()?,
        updated_at: c.next()?,
        sector_code: c.next()?,
        rule_measure_type: c.next()?,
        agreement_no: c.next()?,
    })
}

impl Database {
    /// One page of cases, `first` at most, after `cursor`.
    pub async fn cases_page(
        &self,
        filter: &CaseFilter,
        order: CaseOrder,
        cursor: Option<&Cursor>,
        first: u64,
    ) -> DbResult<Page<CaseRecord>> {
        let query = page_query(filter, order, cursor, first)?;
        let rows = query.all(self.connection()).await?;
        let has_next = rows.len() as u64 > first;
        let keys = self.keys()?;
        let items = rows
            .into_iter()
            .take(usize::try_from(first).unwrap_or(usize::MAX))
            .map(|row| {
                let cursor = match order {
                    CaseOrder::ReceivedNewestFirst => Cursor::Received(row.received_at, row.id),
                    CaseOrder::DueSoonestFirst => Cursor::Due(row.next_due_on, row.id),
                };
                case_record(&keys, row).map(|record| (record, cursor))
            })
            .collect::<DbResult<Vec<_>>>()?;
        Ok(Page { items, has_next })
    }

    /// Cases by id, in one statement.
    pub async fn cases_by_id(&self, ids: &[Uuid]) -> DbResult<HashMap<Uuid, CaseRecord>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let keys = self.keys()?;
        cases::Entity::find()
            .filter(cases::Column::Id.is_in(ids.iter().copied()))
            .all(self.connection())
            .await?
            .into_iter()
            .map(|row| case_record(&keys, row).map(|r| (r.id, r)))
            .collect()
    }

    pub async fn case_record(&self, id: Uuid) -> DbResult<CaseRecord> {
        self.cases_by_id(&[id]).await?.remove(&id).ok_or(DbError::CaseNotFound)
    }

    /// The measures of several cases, in one statement.
    pub async fn measures_by_case(&self, case_ids: &[Uuid]) -> DbResult<HashMap<Uuid, Vec<MeasureRecord>>> {
        let mut by_case: HashMap<Uuid, Vec<MeasureRecord>> = HashMap::new();
        if case_ids.is_empty() {
            return Ok(by_case);
        }
        let rows = measures::Entity::find()
            .filter(measures::Column::CaseId.is_in(case_ids.iter().copied()))
            .order_by_asc(measures::Column::CaseId)
            .order_by_asc(measures::Column::MeasureNo)
            .all(self.connection())
            .await?;
        for row in rows {
            let record = measure_record(row)?;
            by_case.entry(record.case_id).or_default().push(record);
        }
        Ok(by_case)
    }

    /// The deadlines of several cases, in one statement.
    pub async fn deadlines_by_case(&self, case_ids: &[Uuid]) -> DbResult<HashMap<Uuid, Vec<Deadline>>> {
        let mut by_case: HashMap<Uuid, Vec<Deadline>> = HashMap::new();
        if case_ids.is_empty() {
            return Ok(by_case);
        }
        let rows = deadlines::Entity::find()
            .filter(deadlines::Column::CaseId.is_in(case_ids.iter().copied()))
            .order_by_asc(deadlines::Column::CaseId)
            .order_by_asc(deadlines::Column::DeadlineKey)
            .all(self.connection())
            .await?;
        for row in rows {
            let deadline = deadline_from_row(&row)?;
            by_case.entry(row.case_id).or_default().push(deadline);
        }
        Ok(by_case)
    }

    /// The measures and the deadlines of several cases, in one statement
    /// (a page that shows both: one round trip instead of two). A
    /// `UNION ALL` of the two tables: each row is a part tag, the measure's
    /// columns and the deadline's, the other part's null, read by position
    /// (a page of 50 cases is some 350 rows of 30 columns: looking each up
    /// by a prefixed name cost more than the rest of the page's decoding).
    pub async fn measures_and_deadlines_by_case(&self, case_ids: &[Uuid]) -> DbResult<MeasuresAndDeadlines> {
        use sea_orm::sea_query::UnionType;
        use sea_orm::{ConnectionTrait, Iterable};
        let mut found = MeasuresAndDeadlines::default();
        if case_ids.is_empty() {
            return Ok(found);
        }
        let part = |tag: &str, own: bool| {
            let mut select = Query::select();
            select.expr(Expr::val(tag));
            for column in measures::Column::iter() {
                select.expr(if own { Expr::col((measures::Entity, column)) } else { Expr::cust("NULL") });
            }
            for column in deadlines::Column::iter() {
                select.expr(if own { Expr::cust("NULL") } else { Expr::col((deadlines::Entity, column)) });
            }
            select
        };
        let mut select = part("m", true);
        select.from(measures::Entity).and_where(measures::Column::CaseId.is_in(case_ids.iter().copied()));
        let mut deadline_part = part("d", false);
        deadline_part.from(deadlines::Entity).and_where(deadlines::Column::CaseId.is_in(case_ids.iter().copied()));
        select.union(UnionType::All, deadline_part);
        let statement = self.connection().get_database_backend().build(&select);
        let (mut measure_rows, mut deadline_rows) = (Vec::new(), Vec::new());
        let deadline_columns_at = 1 + measures::Column::iter().count();
        for row in self.connection().query_all_raw(statement).await? {
            if row.try_get_by_index::<String>(0)? == "m" {
                measure_rows.push(measure_at(&mut Columns { row: &row, next: 1 })?);
            } else {
                deadline_rows.push(deadline_at(&mut Columns { row: &row, next: deadline_columns_at })?);
            }
        }
        // The order each list has when read alone.
        measure_rows.sort_by_key(|m| (m.case_id, m.measure_no));
        deadline_rows.sort_by(|a, b| (a.case_id, &a.deadline_key).cmp(&(b.case_id, &b.deadline_key)));
        for row in measure_rows {
            let record = measure_record(row)?;
            found.measures.entry(record.case_id).or_default().push(record);
        }
        for row in deadline_rows {
            found.deadlines.entry(row.case_id).or_default().push(deadline_from_row(&row)?);
        }
        Ok(found)
    }

    pub async fn measure_record(&self, id: Uuid) -> DbResult<Option<MeasureRecord>> {
        measures::Entity::find_by_id(id).one(self.connection()).await?.map(measure_record).transpose()
    }

    /// One page of measures, the most urgent first.
    pub async fn measures_page(
        &self,
        filter: &MeasureFilter,
        cursor: Option<&Cursor>,
        first: u64,
    ) -> DbResult<Page<MeasureRecord>> {
        use measures::Column as M;
        let mut query = measures_matching(filter);
        match cursor {
            Some(Cursor::Due(due, id)) => query = query.filter(after(M::NextDueOn, M::Id, *due, *id, false)),
            Some(Cursor::Received(..)) => {
                return Err(DbError::Rejected("el cursor no corresponde a este orden".into()));
            }
            None => {}
        }
        let rows = query.order_by_asc(M::NextDueOn).order_by_asc(M::Id).limit(first + 1).all(self.connection()).await?;
        let has_next = rows.len() as u64 > first;
        let items = rows
            .into_iter()
            .take(usize::try_from(first).unwrap_or(usize::MAX))
            .map(|row| {
                let cursor = Cursor::Due(row.next_due_on, row.id);
                measure_record(row).map(|record| (record, cursor))
            })
            .collect::<DbResult<Vec<_>>>()?;
        Ok(Page { items, has_next })
    }
}

impl Database {
    /// How many cases `filter` matches: one `COUNT(*)`, no row loaded.
    pub async fn count_cases(&self, filter: &CaseFilter) -> DbResult<u64> {
        Ok(cases_matching(filter).count(self.connection()).await?)
    }

    /// How many measures `filter` matches: one `COUNT(*)`, no row loaded.
    pub async fn count_measures(&self, filter: &MeasureFilter) -> DbResult<u64> {
        Ok(measures_matching(filter).count(self.connection()).await?)
    }
}

/// The cases `filter` selects, in no order (pages and counts start here).
/// The statement of a page of cases (one more than `first`, to know
/// whether another page follows).
fn page_query(
    filter: &CaseFilter,
    order: CaseOrder,
    cursor: Option<&Cursor>,
    first: u64,
) -> DbResult<sea_orm::Select<cases::Entity>> {
    use cases::Column as C;
    let query = cases_matching(filter);
    let query = match (order, cursor) {
        (CaseOrder::ReceivedNewestFirst, Some(Cursor::Received(at, id))) => {
            query.filter(after(C::ReceivedAt, C::Id, *at, *id, true))
        }
        (CaseOrder::DueSoonestFirst, Some(Cursor::Due(due, id))) => {
            query.filter(after(C::NextDueOn, C::Id, *due, *id, false))
        }
        (CaseOrder::ReceivedNewestFirst, Some(Cursor::Due(..)))
        | (CaseOrder::DueSoonestFirst, Some(Cursor::Received(..))) => {
            return Err(DbError::Rejected("el cursor no corresponde a este orden".into()));
        }
        (_, None) => query,
    };
    let query = match order {
        CaseOrder::ReceivedNewestFirst => query.order_by_desc(C::ReceivedAt).order_by_desc(C::Id),
        CaseOrder::DueSoonestFirst => {
            // The page's cases are chosen from an index (the queues' carry
            // the due date and id), and only they are read whole: sorting
            // every matching row to keep 25 grows with the registry.
            let chosen = query
                .select_only()
                .column(C::Id)
                .order_by_asc(C::NextDueOn)
                .order_by_asc(C::Id)
                .limit(first + 1)
                .into_query();
            cases::Entity::find().filter(C::Id.in_subquery(chosen)).order_by_asc(C::NextDueOn).order_by_asc(C::Id)
        }
    };
    Ok(query.limit(first + 1))
}

impl Database {
    /// How the database runs the first page of a list of cases, for
    /// people studying a slow list (and `bench`): on PostgreSQL the plan
    /// run (`EXPLAIN (ANALYZE, BUFFERS)`: rows and pages read), on SQLite
    /// `EXPLAIN QUERY PLAN` (indexes used, sorts). It reads no sealed value.
    pub async fn explain_cases_page(&self, filter: &CaseFilter, order: CaseOrder, first: u64) -> DbResult<String> {
        let backend = self.connection().get_database_backend();
        let statement = page_query(filter, order, None, first)?.build(backend);
        let (prefix, column) = match self.backend() {
            crate::Backend::Postgres => ("EXPLAIN (ANALYZE, BUFFERS) ", "QUERY PLAN"),
            crate::Backend::Sqlite => ("EXPLAIN QUERY PLAN ", "detail"),
        };
        let explained = sea_orm::Statement { sql: format!("{prefix}{}", statement.sql), ..statement };
        let rows = sea_orm::ConnectionTrait::query_all_raw(self.connection(), explained).await?;
        let lines = rows.iter().map(|row| row.try_get::<String>("", column)).collect::<Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }
}

/// The cases in progress (`CaseStatus::is_in_progress`), as the partial
/// indexes of migration `m20261201_000005` say it: the same text, literal.
pub(crate) const IN_PROGRESS: &str = "status NOT IN ('NOT_ADMITTED', 'REFERRED', 'ARCHIVED')";

fn cases_matching(filter: &CaseFilter) -> sea_orm::Select<cases::Entity> {
    use cases::Column as C;
    let mut query = cases::Entity::find();
    if let Some(file_number) = &filter.file_number {
        query = query.filter(C::FileNumber.eq(file_number.trim().to_uppercase()));
    }
    // Every status is no filter: said as one, it would lead the planner to
    // the status index and a lookup of every case.
    let every_status = CaseStatus::ALL.iter().all(|s| filter.statuses.contains(s));
    let in_progress = !filter.statuses.is_empty() && filter.statuses.iter().all(|s| s.is_in_progress());
    if in_progress {
        // Word for word the partial indexes' condition, so they serve.
        query = query.filter(Expr::cust(IN_PROGRESS));
    }
    let every_in_progress =
        in_progress && CaseStatus::ALL.iter().filter(|s| s.is_in_progress()).all(|s| filter.statuses.contains(s));
    if !filter.statuses.is_empty() && !every_status && !every_in_progress {
        query = query.filter(C::Status.is_in(filter.statuses.iter().map(|s| s.code())));
    }
    if let Some(track) = filter.track {
        query = query.filter(C::Track.eq(track.code()));
    }
    if let Some(department) = filter.department {
        query = query.filter(C::DepartmentCode.eq(department.as_str()));
    }
    if let Some(officer) = filter.assigned_officer {
        query = query.filter(C::AssignedOfficerId.eq(officer));
    }
    if filter.unassigned {
        query = query.filter(C::AssignedOfficerId.is_null());
    }
    if let Some(since) = filter.changed_since {
        query = query.filter(C::UpdatedAt.gte(since));
    }
    if let Some(sector) = &filter.sector {
        let with_measure = Query::select()
            .column(measures::Column::CaseId)
            .from(measures::Entity)
            .and_where(Expr::col(measures::Column::SectorCode).eq(sector.as_str()))
            .to_owned();
        query = query.filter(C::Id.in_subquery(with_measure));
    }
    if let Some(date) = filter.due_before {
        query = query.filter(C::NextDueOn.lte(date));
    }
    if let Some(date) = filter.due_from {
        query = query.filter(C::NextDueOn.gte(date));
    }
    if let Some(today) = filter.overdue_on {
        query = query.filter(C::NextDueOn.lt(today));
    }
    query
}

/// The measures `filter` selects, in no order.
fn measures_matching(filter: &MeasureFilter) -> sea_orm::Select<measures::Entity> {
    use measures::Column as M;
    let mut query = measures::Entity::find();
    if let Some(sector) = &filter.sector {
        query = query.filter(M::SectorCode.eq(sector.as_str()));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(M::Status.is_in(filter.statuses.iter().map(|s| s.code())));
    }
    if let Some(case_id) = filter.case_id {
        query = query.filter(M::CaseId.eq(case_id));
    }
    if let Some(date) = filter.due_before {
        query = query.filter(M::NextDueOn.lte(date));
    }
    if let Some(today) = filter.overdue_on {
        query = query.filter(M::NextDueOn.lt(today));
    }
    query
}

#[cfg(test)]
mod tests {
    use domain::workflow::CaseStatus;

    #[test]
    fn the_in_progress_condition_names_every_status_not_in_progress() {
        let named: Vec<&str> = CaseStatus::ALL.iter().filter(|s| !s.is_in_progress()).map(|s| s.code()).collect();
        let listed = super::IN_PROGRESS.trim_start_matches("status NOT IN (").trim_end_matches(')');
        let listed: Vec<&str> = listed.split(", ").map(|c| c.trim_matches('\'')).collect();
        assert_eq!(listed, named);
    }
}
