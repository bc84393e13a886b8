//! The registry of risk situations: what statistics need that the case row
//! does not say (the admissibility outcome and criteria, written with the
//! evaluation), and the counts behind a report. Every count is one
//! GROUP BY statement over the requests received in the period: a fixed
//! number of statements, whatever the number of cases, and never a case
//! read into memory.

use chrono::NaiveDate;
use domain::categories::AggressionType;
use domain::statistics::anonymised::CaseRecord;
use domain::statistics::{
    AggressionGroup, DeadlineGroup, DurationGroup, Labels, MeasureGroup, Outcome, RegistryCounts, Report, ReportFilter,
    RequestGroup, build_report,
};
use domain::workflow::{AdmissibilityDecision, AdmissibilityEvaluation};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryResult, Statement, TryGetable, Value,
};
use uuid::Uuid;

use crate::connection::Database;
use crate::entities::{case_criteria, cases, incident_aggression_types};
use crate::error::{DbError, DbResult};

/// What an evaluation decided.
pub(crate) fn outcome_of(evaluation: &AdmissibilityEvaluation) -> Outcome {
    match evaluation.decision() {
        AdmissibilityDecision::Admit { .. } => Outcome::Admit,
        AdmissibilityDecision::NotAdmit { .. } => Outcome::NotAdmit,
        AdmissibilityDecision::Refer { .. } => Outcome::Refer,
    }
}

/// The criteria an evaluation checked, as rows.
pub(crate) fn criteria_rows(case_id: Uuid, evaluation: &AdmissibilityEvaluation) -> Vec<case_criteria::ActiveModel> {
    evaluation
        .checks()
        .iter()
        .map(|check| case_criteria::ActiveModel {
            case_id: Set(case_id),
            criterion: Set(check.criterion.code().to_owned()),
            met: Set(check.met),
        })
        .collect()
}

/// Records the outcome and the criteria of an admissibility evaluation, in
/// the transaction of the command.
pub(crate) async fn record_admissibility(
    conn: &impl ConnectionTrait,
    case_id: Uuid,
    evaluation: &AdmissibilityEvaluation,
    on: NaiveDate,
) -> DbResult<()> {
    let outcome = outcome_of(evaluation);
    cases::Entity::update_many()
        .col_expr(cases::Column::AdmissibilityOutcome, sea_orm::sea_query::Expr::value(outcome.code()))
        .col_expr(cases::Column::AdmissibilityDecidedOn, sea_orm::sea_query::Expr::value(on))
        .filter(cases::Column::Id.eq(case_id))
        .exec(conn)
        .await?;
    case_criteria::Entity::delete_many().filter(case_criteria::Column::CaseId.eq(case_id)).exec(conn).await?;
    case_criteria::Entity::insert_many(criteria_rows(case_id, evaluation)).exec_without_returning(conn).await?;
    Ok(())
}

/// Records the aggression types of an incident reported on the case, in
/// the transaction of the command.
pub(crate) async fn record_incident(
    conn: &impl ConnectionTrait,
    case_id: Uuid,
    aggression_types: &[AggressionType],
) -> DbResult<()> {
    let incident_id = Uuid::new_v4();
    let rows = aggression_types.iter().map(|a| incident_aggression_types::ActiveModel {
        incident_id: Set(incident_id),
        case_id: Set(case_id),
        aggression_type: Set(a.code().to_owned()),
    });
    incident_aggression_types::Entity::insert_many(rows).exec_without_returning(conn).await?;
    Ok(())
}

/// 1 when a resolution granted the request at least one measure.
const ACTIVATED: &str =
    "CAST(CASE WHEN EXISTS (SELECT 1 FROM measures am WHERE am.case_id = c.id) THEN 1 ELSE 0 END AS BIGINT)";

/// SQL with `?` placeholders and their values, in order.
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(text: &str) -> Self {
        Self { text: text.to_owned(), values: Vec::new() }
    }

    fn push(mut self, text: &str, values: impl IntoIterator<Item = Value>) -> Self {
        self.text.push_str(text);
        self.values.extend(values);
        self
    }

    /// The requests of the report: received in the period, with the
    /// filter's department, track, category and sector.
    fn cohort(mut self, filter: &ReportFilter) -> Self {
        self = self.push(" WHERE c.received_on >= ? AND c.received_on <= ?", [filter.from.into(), filter.to.into()]);
        if let Some(department) = &filter.department {
            self = self.push(" AND c.department_code = ?", [department.as_str().into()]);
        }
        if let Some(track) = &filter.track {
            self = self.push(" AND c.track = ?", [track.as_str().into()]);
        }
        if let Some(category) = &filter.defender_category {
            self = self.push(" AND c.defender_category = ?", [category.as_str().into()]);
        }
        if let Some(sector) = &filter.sector {
            self = self.push(
                " AND EXISTS (SELECT 1 FROM measures sm WHERE sm.case_id = c.id AND sm.sector_code = ?)",
                [sector.as_str().into()],
            );
        }
        self
    }

    /// PostgreSQL numbers its placeholders.
    fn statement(self, backend: DbBackend) -> Statement {
        let text = match backend {
            DbBackend::Postgres => {
                let mut numbered = String::with_capacity(self.text.len() + 16);
                let mut n = 0;
                for ch in self.text.chars() {
                    if ch == '?' {
                        n += 1;
                        numbered.push_str(&format!("${n}"));
                    } else {
                        numbered.push(ch);
                    }
                }
                numbered
            }
            DbBackend::Sqlite | DbBackend::MySql | _ => self.text,
        };
        Statement::from_sql_and_values(backend, text, self.values)
    }
}

fn get<T: TryGetable>(row: &QueryResult, index: usize) -> DbResult<T> {
    row.try_get_by_index(index).map_err(|_| DbError::Corrupt("registry counts"))
}

fn count(row: &QueryResult, index: usize) -> DbResult<u64> {
    u64::try_from(get::<i64>(row, index)?).map_err(|_| DbError::Corrupt("registry counts"))
}

impl Database {
    /// The registry report for the requests `filter` selects, before
    /// disclosure control: counts, names from the reference data, and the
    /// calendar in force to count working days.
    pub async fn registry_report(&self, filter: &ReportFilter, today: NaiveDate) -> DbResult<Report> {
        let counts = self.registry_counts(filter, today).await?;
        let labels = Labels {
            departments: self.departments().await?.into_iter().map(|d| (d.code.as_str().to_owned(), d.name)).collect(),
            sectors: self.sectors().await?.into_iter().map(|s| (s.code.as_str().to_owned(), s.name)).collect(),
            measure_types: self
                .measure_types()
                .await?
                .into_iter()
                .map(|m| (m.code.as_str().to_owned(), m.name))
                .collect(),
        };
        Ok(build_report(filter, &counts, &labels, &self.calendar().await?))
    }

    async fn rows(&self, sql: Sql) -> DbResult<Vec<QueryResult>> {
        let conn = self.connection();
        Ok(conn.query_all_raw(sql.statement(conn.get_database_backend())).await?)
    }

    /// Requests of the cohort counted by one column of `cases`.
    async fn by_column<T: TryGetable>(&self, column: &str, filter: &ReportFilter) -> DbResult<Vec<(T, u64)>> {
        let sql = Sql::new(&format!("SELECT {column}, COUNT(*) FROM cases c")).cohort(filter).push(" GROUP BY 1", []);
        self.rows(sql).await?.iter().map(|row| Ok((get::<T>(row, 0)?, count(row, 1)?))).collect()
    }

    /// Requests of the cohort with a row in `table` (one of several a
    /// request may have), by its `column` and, under `None`, of any:
    /// requests, not rows, so the same suppression holds.
    async fn requests_with(
        &self,
        table: &str,
        column: &str,
        filter: &ReportFilter,
    ) -> DbResult<Vec<(Option<String>, u64)>> {
        let from = format!("FROM {table} x JOIN cases c ON c.id = x.case_id");
        let sql =
            Sql::new(&format!("SELECT x.{column}, COUNT(DISTINCT c.id) {from}")).cohort(filter).push(" GROUP BY 1", []);
        let mut counts: Vec<(Option<String>, u64)> = self
            .rows(sql)
            .await?
            .iter()
            .map(|row| Ok((Some(get(row, 0)?), count(row, 1)?)))
            .collect::<DbResult<_>>()?;
        for row in self.rows(Sql::new(&format!("SELECT COUNT(DISTINCT c.id) {from}")).cohort(filter)).await? {
            counts.push((None, count(&row, 0)?));
        }
        Ok(counts)
    }

    /// The requests `filter` selects, as their clear columns say (no
    /// sealed value is read): the material of the anonymised export.
    pub async fn case_records(&self, filter: &ReportFilter) -> DbResult<Vec<CaseRecord>> {
        let sql = Sql::new(
            "SELECT c.id, c.received_on, c.department_code, c.status, c.track, c.risk_level, c.defender_category, \
             c.aggressor_type, c.language, CAST(CASE WHEN c.is_collective THEN 1 ELSE 0 END AS BIGINT), \
             c.beneficiary_count, c.channel, c.admissibility_outcome, \
             (SELECT COUNT(*) FROM measures m WHERE m.case_id = c.id) FROM cases c",
        )
        .cohort(filter);
        let sql_types = Sql::new(
            "SELECT a.case_id, a.aggression_type FROM case_aggression_types a JOIN cases c ON c.id = a.case_id",
        )
        .cohort(filter);
        let mut types: std::collections::HashMap<Uuid, Vec<String>> = std::collections::HashMap::new();
        for row in self.rows(sql_types).await? {
            types.entry(get(&row, 0)?).or_default().push(get(&row, 1)?);
        }
        self.rows(sql)
            .await?
            .iter()
            .map(|row| {
                let id: Uuid = get(row, 0)?;
                Ok(CaseRecord {
                    received_on: get(row, 1)?,
                    department: get(row, 2)?,
                    status: get(row, 3)?,
                    track: get(row, 4)?,
                    risk_level: get(row, 5)?,
                    defender_category: get(row, 6)?,
                    aggressor_type: get(row, 7)?,
                    language: get(row, 8)?,
                    collective: get::<i64>(row, 9)? == 1,
                    beneficiaries: u32::try_from(get::<i32>(row, 10)?).unwrap_or(0),
                    channel: get(row, 11)?,
                    outcome: get(row, 12)?,
                    measures_granted: u32::try_from(count(row, 13)?).unwrap_or(u32::MAX),
                    aggression_types: types.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Everything a registry report counts, for the requests `filter`
    /// selects; `today` tells running deadlines from overdue ones.
    pub async fn registry_counts(&self, filter: &ReportFilter, today: NaiveDate) -> DbResult<RegistryCounts> {
        let sql = Sql::new(&format!(
            "SELECT c.department_code, c.province_code, c.admissibility_outcome, {ACTIVATED}, COUNT(*) FROM cases c"
        ))
        .cohort(filter)
        .push(" GROUP BY 1, 2, 3, 4", []);
        let requests = self
            .rows(sql)
            .await?
            .iter()
            .map(|row| {
                Ok(RequestGroup {
                    department: get(row, 0)?,
                    province: get(row, 1)?,
                    outcome: get::<Option<String>>(row, 2)?.as_deref().and_then(Outcome::parse),
                    activated: get::<i64>(row, 3)? == 1,
                    count: count(row, 4)?,
                })
            })
            .collect::<DbResult<_>>()?;

        let collective = "CAST(CASE WHEN c.is_collective THEN 1 ELSE 0 END AS BIGINT)";
        let by_collective: Vec<(i64, u64)> = self.by_column(collective, filter).await?;

        let sql = Sql::new(&format!(
            "SELECT c.department_code, a.aggression_type, {ACTIVATED}, COUNT(*) \
             FROM case_aggression_types a JOIN cases c ON c.id = a.case_id"
        ))
        .cohort(filter)
        .push(" GROUP BY 1, 2, 3", []);
        let aggressions = self
            .rows(sql)
            .await?
            .iter()
            .map(|row| {
                Ok(AggressionGroup {
                    department: get(row, 0)?,
                    aggression_type: get(row, 1)?,
                    activated: get::<i64>(row, 2)? == 1,
                    count: count(row, 3)?,
                })
            })
            .collect::<DbResult<_>>()?;

        // Requests with a later incident, of each aggression type, and
        // with a complaint, at each stage.
        let incidents = self.requests_with("incident_aggression_types", "aggression_type", filter).await?;
        let complaints = self.requests_with("complaints", "status", filter).await?;

        let sql = Sql::new("SELECT b.gender, COUNT(*) FROM beneficiaries b JOIN cases c ON c.id = b.case_id")
            .cohort(filter)
            .push(" AND b.kind = 'PERSON' GROUP BY 1", []);
        let people_by_gender =
            self.rows(sql).await?.iter().map(|row| Ok((get(row, 0)?, count(row, 1)?))).collect::<DbResult<_>>()?;

        let sql = Sql::new("SELECT cc.criterion, COUNT(*) FROM case_criteria cc JOIN cases c ON c.id = cc.case_id")
            .cohort(filter)
            .push(
                " AND c.admissibility_outcome = ? AND cc.met = ? GROUP BY 1",
                [Outcome::NotAdmit.code().into(), false.into()],
            );
        let failed_criteria =
            self.rows(sql).await?.iter().map(|row| Ok((get(row, 0)?, count(row, 1)?))).collect::<DbResult<_>>()?;

        let mut sql = Sql::new(
            "SELECT m.measure_type_code, m.sector_code, m.status, \
             CAST(CASE WHEN m.verified_on IS NULL THEN 0 ELSE 1 END AS BIGINT), COUNT(*) \
             FROM measures m JOIN cases c ON c.id = m.case_id",
        )
        .cohort(filter);
        if let Some(sector) = &filter.sector {
            sql = sql.push(" AND m.sector_code = ?", [sector.as_str().into()]);
        }
        let measures = self
            .rows(sql.push(" GROUP BY 1, 2, 3, 4", []))
            .await?
            .iter()
            .map(|row| {
                Ok(MeasureGroup {
                    measure_type: get(row, 0)?,
                    sector: get(row, 1)?,
                    status: get(row, 2)?,
                    verified: get::<i64>(row, 3)? == 1,
                    count: count(row, 4)?,
                })
            })
            .collect::<DbResult<_>>()?;

        let mut sql = Sql::new(
            "SELECT d.kind, d.status, \
             CAST(CASE WHEN d.on_time IS NULL THEN -1 WHEN d.on_time THEN 1 ELSE 0 END AS BIGINT), \
             CAST(CASE WHEN d.status = 'OPEN' AND d.due_on < ? THEN 1 ELSE 0 END AS BIGINT), COUNT(*) \
             FROM deadlines d JOIN cases c ON c.id = d.case_id",
        );
        sql.values.push(today.into());
        let mut sql = sql.cohort(filter);
        if let Some(sector) = &filter.sector {
            sql = sql.push(" AND d.sector_code = ?", [sector.as_str().into()]);
        }
        let deadlines = self
            .rows(sql.push(" GROUP BY 1, 2, 3, 4", []))
            .await?
            .iter()
            .map(|row| {
                Ok(DeadlineGroup {
                    kind: get(row, 0)?,
                    status: get(row, 1)?,
                    on_time: match get::<i64>(row, 2)? {
                        1 => Some(true),
                        0 => Some(false),
                        _ => None,
                    },
                    overdue: get::<i64>(row, 3)? == 1,
                    count: count(row, 4)?,
                })
            })
            .collect::<DbResult<_>>()?;

        let mut sql = Sql::new(
            "SELECT d.kind, c.department_code, d.start_on, d.status_on, d.suspended_working_days, COUNT(*) \
             FROM deadlines d JOIN cases c ON c.id = d.case_id",
        )
        .cohort(filter)
        .push(" AND d.status = 'MET' AND d.status_on IS NOT NULL", []);
        if let Some(sector) = &filter.sector {
            sql = sql.push(" AND d.sector_code = ?", [sector.as_str().into()]);
        }
        let durations = self
            .rows(sql.push(" GROUP BY 1, 2, 3, 4, 5", []))
            .await?
            .iter()
            .map(|row| {
                Ok(DurationGroup {
                    kind: get(row, 0)?,
                    department: get(row, 1)?,
                    start_on: get(row, 2)?,
                    met_on: get(row, 3)?,
                    suspended_working_days: u32::try_from(get::<i32>(row, 4)?).unwrap_or(0),
                    count: count(row, 5)?,
                })
            })
            .collect::<DbResult<_>>()?;

        Ok(RegistryCounts {
            requests,
            by_defender_category: self.by_column("c.defender_category", filter).await?,
            by_aggressor_type: self.by_column("c.aggressor_type", filter).await?,
            by_language: self.by_column("c.language", filter).await?,
            by_collective: by_collective.into_iter().map(|(flag, n)| (flag == 1, n)).collect(),
            by_channel: self.by_column("c.channel", filter).await?,
            by_track: self.by_column("c.track", filter).await?,
            by_received_on: self.by_column("c.received_on", filter).await?,
            aggressions,
            incidents,
            complaints,
            people_by_gender,
            failed_criteria,
            measures,
            deadlines,
            durations,
        })
    }
}
