//! Deadlines across cases: what is due soon, what is overdue, and how often
//! deadlines were met on time. Everything filters on indexed columns
//! (status, due date, sector) and counts in the database.

use chrono::NaiveDate;
use domain::codes::RefCode;
use domain::deadline::{Deadline, DeadlineKind};
use domain::place::DepartmentCode;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;

use crate::case_store::deadline_from_row;
use crate::connection::Database;
use crate::entities::{cases, deadlines, measures};
use crate::error::{DbError, DbResult};
use crate::lists::{Cursor, Page, after};
use crate::parse::parse_code;

/// Which running deadlines to list.
#[derive(Debug, Clone, Default)]
pub struct DeadlineFilter {
    /// Any of these kinds (all when empty).
    pub kinds: Vec<DeadlineKind>,
    /// Only this sector's measure deadlines.
    pub sector: Option<RefCode>,
    /// Due on or after.
    pub due_from: Option<NaiveDate>,
    /// Due on or before.
    pub due_to: Option<NaiveDate>,
}

/// A running deadline with what identifies its case (and measure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineItem {
    pub id: Uuid,
    pub case_id: Uuid,
    pub file_number: String,
    pub department: DepartmentCode,
    pub measure_id: Option<Uuid>,
    pub deadline: Deadline,
}

/// How one kind of deadline fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplianceRow {
    pub kind: DeadlineKind,
    /// Met on or before the due date, with the act dated in the period.
    pub met_on_time: i64,
    pub met_late: i64,
    /// Still running and already past due (now).
    pub open_overdue: i64,
}

fn scope(filter_kinds: &[DeadlineKind], sector: Option<&RefCode>) -> Condition {
    let mut condition = Condition::all();
    if !filter_kinds.is_empty() {
        condition = condition.add(deadlines::Column::Kind.is_in(filter_kinds.iter().map(|k| k.code())));
    }
    if let Some(sector) = sector {
        condition = condition.add(deadlines::Column::SectorCode.eq(sector.as_str()));
    }
    condition
}

impl Database {
    /// A page of running deadlines, the earliest due first.
    pub async fn deadlines_page(
        &self,
        filter: &DeadlineFilter,
        cursor: Option<&Cursor>,
        first: u64,
    ) -> DbResult<Page<DeadlineItem>> {
        use deadlines::Column as D;
        let mut query = deadlines_matching(filter);
        match cursor {
            Some(Cursor::Due(due, id)) => query = query.filter(after(D::DueOn, D::Id, *due, *id, false)),
            Some(Cursor::Received(..)) => {
                return Err(DbError::Rejected("el cursor no corresponde a este orden".into()));
            }
            None => {}
        }
        // With each deadline, its case's file number and department and its
        // measure's id: one statement.
        let with_case: sea_orm::RelationDef =
            deadlines::Entity::belongs_to(cases::Entity).from(D::CaseId).to(cases::Column::Id).into();
        let with_measure: sea_orm::RelationDef = deadlines::Entity::belongs_to(measures::Entity)
            .from((D::CaseId, D::MeasureNo))
            .to((measures::Column::CaseId, measures::Column::MeasureNo))
            .into();
        let statement = query
            .join(JoinType::InnerJoin, with_case)
            .join(JoinType::LeftJoin, with_measure)
            .column_as(cases::Column::FileNumber, "joined_file_number")
            .column_as(cases::Column::DepartmentCode, "joined_department")
            .column_as(measures::Column::Id, "joined_measure_id")
            .order_by_asc(D::DueOn)
            .order_by_asc(D::Id)
            .limit(first + 1)
            .build(self.connection().get_database_backend());
        let rows = self.connection().query_all_raw(statement).await?;
        let has_next = rows.len() as u64 > first;
        let items = rows
            .iter()
            .take(usize::try_from(first).unwrap_or(usize::MAX))
            .map(|joined| {
                let row = deadlines::Model::from_query_result(joined, "")?;
                let department: String = joined.try_get("", "joined_department")?;
                let cursor = Cursor::Due(row.due_on, row.id);
                let item = DeadlineItem {
                    id: row.id,
                    case_id: row.case_id,
                    file_number: joined.try_get("", "joined_file_number")?,
                    department: parse_code(DepartmentCode::parse, &department, "cases.department_code")?,
                    measure_id: joined.try_get("", "joined_measure_id")?,
                    deadline: deadline_from_row(&row)?,
                };
                Ok((item, cursor))
            })
            .collect::<DbResult<Vec<_>>>()?;
        Ok(Page { items, has_next })
    }

    /// How many running deadlines `filter` matches: one `COUNT(*)`.
    pub async fn count_deadlines(&self, filter: &DeadlineFilter) -> DbResult<u64> {
        Ok(deadlines_matching(filter).count(self.connection()).await?)
    }

    /// On-time compliance by kind: deadlines met in `[from, to]`, on time or
    /// late, and those running past due on `today`. Counted with GROUP BY.
    pub async fn compliance(
        &self,
        kinds: &[DeadlineKind],
        sector: Option<&RefCode>,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> DbResult<Vec<ComplianceRow>> {
        use deadlines::Column as D;
        let met: Vec<(String, Option<bool>, i64)> = deadlines::Entity::find()
            .select_only()
            .column(D::Kind)
            .column(D::OnTime)
            .column_as(D::Id.count(), "n")
            .filter(D::Status.eq("MET"))
            .filter(D::StatusOn.gte(from))
            .filter(D::StatusOn.lte(to))
            .filter(scope(kinds, sector))
            .group_by(D::Kind)
            .group_by(D::OnTime)
            .into_tuple()
            .all(self.connection())
            .await?;
        let overdue: Vec<(String, i64)> = deadlines::Entity::find()
            .select_only()
            .column(D::Kind)
            .column_as(D::Id.count(), "n")
            .filter(D::Status.eq("OPEN"))
            .filter(D::DueOn.lt(today))
            .filter(scope(kinds, sector))
            .group_by(D::Kind)
            .into_tuple()
            .all(self.connection())
            .await?;
        let wanted: Vec<DeadlineKind> = if kinds.is_empty() { DeadlineKind::ALL.to_vec() } else { kinds.to_vec() };
        let mut rows: Vec<ComplianceRow> = wanted
            .iter()
            .map(|kind| ComplianceRow { kind: *kind, met_on_time: 0, met_late: 0, open_overdue: 0 })
            .collect();
        for (kind, on_time, n) in met {
            if let Some(row) = rows.iter_mut().find(|r| r.kind.code() == kind) {
                match on_time {
                    Some(true) => row.met_on_time += n,
                    Some(false) | None => row.met_late += n,
                }
            }
        }
        for (kind, n) in overdue {
            if let Some(row) = rows.iter_mut().find(|r| r.kind.code() == kind) {
                row.open_overdue += n;
            }
        }
        Ok(rows)
    }
}

/// The running deadlines `filter` selects, in no order.
fn deadlines_matching(filter: &DeadlineFilter) -> sea_orm::Select<deadlines::Entity> {
    use deadlines::Column as D;
    let mut query =
        deadlines::Entity::find().filter(D::Status.eq("OPEN")).filter(scope(&filter.kinds, filter.sector.as_ref()));
    if let Some(from) = filter.due_from {
        query = query.filter(D::DueOn.gte(from));
    }
    if let Some(to) = filter.due_to {
        query = query.filter(D::DueOn.lte(to));
    }
    query
}
