//! The registry of risk situations: a report for a period (requests
//! received in it and what became of them), with small counts suppressed
//! for everyone but the roles allowed exact figures, and the anonymised
//! case-level export. Figures only: no case is ever reachable from here.

use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject};
use domain::roles::Role;
use domain::statistics::anonymised::{AnonymisedRow, anonymise};
use domain::statistics::report::{PublishedReport, PublishedRow, PublishedTable};
use domain::statistics::{Figure, ReportFilter};

use crate::auth::{Principal, RequestContext};
use crate::authz::{Operation, Target};
use crate::context::{ApiState, authorize, state};
use crate::enums::{DefenderCategory, Track};
use crate::error::{ApiError, ApiResult};
use crate::scalars::Date;

/// Which requests to count, besides the period.
#[derive(InputObject, Default)]
pub(crate) struct StatisticsFilterInput {
    /// Two-digit ubigeo code.
    pub(crate) department: Option<String>,
    pub(crate) track: Option<Track>,
    pub(crate) defender_category: Option<DefenderCategory>,
    /// Requests with a measure for this sector, and only its measures.
    pub(crate) sector: Option<String>,
}

/// The filter as given, from GraphQL or from a download's query string
/// (codes, checked by `ReportFilter::checked`).
#[derive(Debug, Default)]
pub(crate) struct FilterArgs {
    pub(crate) department: Option<String>,
    pub(crate) track: Option<String>,
    pub(crate) defender_category: Option<String>,
    pub(crate) sector: Option<String>,
}

impl From<StatisticsFilterInput> for FilterArgs {
    fn from(input: StatisticsFilterInput) -> Self {
        Self {
            department: input.department,
            track: input.track.map(|t| domain::workflow::Track::from(t).code().to_owned()),
            defender_category: input
                .defender_category
                .map(|c| domain::categories::DefenderCategory::from(c).code().to_owned()),
            sector: input.sector,
        }
    }
}

/// The filter the database applies: checked, and narrowed to their own
/// sector for coordinators.
pub(crate) fn report_filter(
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    args: FilterArgs,
    principal: &Principal,
) -> ApiResult<ReportFilter> {
    let own_sector = match principal {
        Principal::Staff(staff) if staff.role == Role::Coordinator => {
            Some(staff.sector.as_ref().map(|s| s.as_str().to_owned()))
        }
        Principal::Staff(_) | Principal::Anonymous => None,
    };
    let sector = own_sector.unwrap_or(args.sector);
    ReportFilter::checked(
        from,
        to,
        args.department.as_deref(),
        args.track.as_deref(),
        args.defender_category.as_deref(),
        sector.as_deref(),
    )
    .map_err(|e| {
        let field = if e.field == "to" { e.field.to_owned() } else { format!("filter.{}", e.field) };
        ApiError::bad_input(field, e.message)
    })
}

/// The published report for `request`'s caller.
pub(crate) async fn published_report(
    state: &ApiState,
    request: &RequestContext,
    filter: &ReportFilter,
) -> ApiResult<PublishedReport> {
    let today = domain::business_day::lima_date(request.now);
    let report = state.db.registry_report(filter, today).await?;
    Ok(report.publish(state.config.statistics.threshold_for(request.principal.role())))
}

/// One figure: a count, a median, or hidden.
#[derive(SimpleObject)]
pub(crate) struct StatisticsValue {
    /// The number (`null` when hidden, or a median with nothing to
    /// compute it over).
    value: Option<f64>,
    /// As people read it: `12`, `12,5`, `—`, `< 3` (a small count) or
    /// `reservado` (hidden so that a small count cannot be worked out).
    display: String,
    /// Hidden, for either reason.
    suppressed: bool,
}

impl StatisticsValue {
    fn new(figure: Figure, threshold: Option<u64>) -> Self {
        let value = match figure {
            Figure::Count(n) => Some(n as f64),
            Figure::MedianTenths(t) => Some(t as f64 / 10.0),
            Figure::NoMedian | Figure::Suppressed | Figure::Withheld => None,
        };
        Self { value, display: figure.display(threshold.unwrap_or(0)), suppressed: figure.hidden() }
    }
}

#[derive(SimpleObject)]
pub(crate) struct StatisticsColumn {
    id: &'static str,
    label: &'static str,
}

#[derive(SimpleObject)]
pub(crate) struct StatisticsRow {
    /// The group the row belongs to (a department, a sector), if any.
    group_code: Option<String>,
    group: Option<String>,
    code: String,
    label: String,
    /// One per column.
    values: Vec<StatisticsValue>,
}

#[derive(SimpleObject)]
pub(crate) struct StatisticsTable {
    id: &'static str,
    title: &'static str,
    columns: Vec<StatisticsColumn>,
    rows: Vec<StatisticsRow>,
}

impl StatisticsTable {
    fn new(table: &PublishedTable, threshold: Option<u64>) -> Self {
        Self {
            id: table.id,
            title: table.title,
            columns: table.columns.iter().map(|c| StatisticsColumn { id: c.id, label: c.label }).collect(),
            rows: table.rows.iter().map(|row| row_view(row, threshold)).collect(),
        }
    }
}

fn row_view(row: &PublishedRow, threshold: Option<u64>) -> StatisticsRow {
    StatisticsRow {
        group_code: row.group_code.clone(),
        group: row.group.clone(),
        code: row.code.clone(),
        label: row.label.clone(),
        values: row.figures.iter().map(|f| StatisticsValue::new(*f, threshold)).collect(),
    }
}

/// The registry report for a period.
pub(crate) struct StatisticsReport(PublishedReport);

impl StatisticsReport {
    fn summary(&self, code: &str) -> StatisticsValue {
        let figure = self
            .0
            .tables
            .iter()
            .find(|t| t.id == "resumen")
            .and_then(|t| t.rows.iter().find(|r| r.code == code))
            .and_then(|r| r.figures.first().copied())
            .unwrap_or(Figure::Withheld);
        StatisticsValue::new(figure, self.0.threshold)
    }
}

#[Object]
impl StatisticsReport {
    async fn from(&self) -> Date {
        Date(self.0.from)
    }

    async fn to(&self) -> Date {
        Date(self.0.to)
    }

    /// Small counts are suppressed below this (`null`: exact figures).
    async fn threshold(&self) -> Option<u64> {
        self.0.threshold
    }

    async fn received(&self) -> StatisticsValue {
        self.summary("RECIBIDAS")
    }

    async fn admitted(&self) -> StatisticsValue {
        self.summary("ADMITIDAS")
    }

    /// Requests with measures granted: the mechanism was activated.
    async fn activated(&self) -> StatisticsValue {
        self.summary("ACTIVADAS")
    }

    async fn not_admitted(&self) -> StatisticsValue {
        self.summary("NO_ADMITIDAS")
    }

    async fn referred(&self) -> StatisticsValue {
        self.summary("DERIVADAS")
    }

    /// Not evaluated yet.
    async fn pending(&self) -> StatisticsValue {
        self.summary("PENDIENTES")
    }

    /// Every table: `resumen`, `departamentos`, `provincias`,
    /// `tipos_de_agresion`, `agresiones_por_departamento`,
    /// `presuntos_agresores`, `categorias`, `lenguas`,
    /// `individual_colectiva`, `canales`, `vias`, `meses`, `genero`,
    /// `criterios_no_cumplidos`, `medidas`, `plazos`, `duraciones`.
    async fn tables(&self) -> Vec<StatisticsTable> {
        self.0.tables.iter().map(|t| StatisticsTable::new(t, self.0.threshold)).collect()
    }

    /// One table by its id.
    async fn table(&self, id: String) -> Option<StatisticsTable> {
        self.0.tables.iter().find(|t| t.id == id).map(|t| StatisticsTable::new(t, self.0.threshold))
    }

    /// The same figures as one long-format CSV file (`tabla, titulo,
    /// codigo_grupo, grupo, codigo, etiqueta, indicador, valor`), suppressed
    /// the same way: what `/reports/statistics.csv` downloads.
    async fn csv(&self) -> String {
        domain::statistics::csv::to_csv(&self.0)
    }
}

/// The anonymised case-level export.
#[derive(SimpleObject)]
#[graphql(complex)]
pub(crate) struct AnonymisedCases {
    /// Rows are generalised until each combination of month, department,
    /// category, language, kind and number of people is shared by at
    /// least this many.
    threshold: u64,
    rows: Vec<AnonymisedCase>,
    #[graphql(skip)]
    exported: Vec<AnonymisedRow>,
}

#[ComplexObject]
impl AnonymisedCases {
    /// The same rows as a CSV file: what `/reports/cases.csv` downloads.
    async fn csv(&self) -> String {
        domain::statistics::anonymised::to_csv(&self.exported)
    }
}

/// One request, with nothing that identifies or locates anyone.
#[derive(SimpleObject)]
pub(crate) struct AnonymisedCase {
    /// `2026-03`, or `*` when generalised.
    month: String,
    department: String,
    defender_category: String,
    language: String,
    /// `SI`, `NO` or `*`.
    collective: String,
    /// `1`, `2-5`, `6-20`, `21+` or `*`.
    people: String,
    status: String,
    track: String,
    risk_level: String,
    aggressor_type: String,
    /// Codes joined by `;`.
    aggression_types: String,
    channel: String,
    /// ADMIT, NOT_ADMIT, REFER or empty.
    outcome: String,
    measures_granted: u32,
}

impl From<AnonymisedRow> for AnonymisedCase {
    fn from(row: AnonymisedRow) -> Self {
        Self {
            month: row.month,
            department: row.department,
            defender_category: row.defender_category,
            language: row.language,
            collective: row.collective,
            people: row.people,
            status: row.status,
            track: row.track,
            risk_level: row.risk_level,
            aggressor_type: row.aggressor_type,
            aggression_types: row.aggression_types,
            channel: row.channel,
            outcome: row.outcome,
            measures_granted: row.measures_granted,
        }
    }
}

/// The rows of the anonymised export: always generalised, whoever asks
/// (they are meant to leave the institution).
pub(crate) async fn anonymised_rows(state: &ApiState, filter: &ReportFilter) -> ApiResult<(u64, Vec<AnonymisedRow>)> {
    let threshold = state.config.statistics.threshold;
    Ok((threshold, anonymise(state.db.case_records(filter).await?, threshold)))
}

#[derive(Default)]
pub(crate) struct StatisticsQuery;

#[Object]
impl StatisticsQuery {
    /// The registry of risk situations for the requests received from
    /// `from` to `to` (inclusive). Officers, supervisors, coordinators
    /// (their sector's) and auditors; small counts are suppressed except
    /// for the roles allowed exact figures.
    async fn statistics(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        filter: Option<StatisticsFilterInput>,
    ) -> ApiResult<StatisticsReport> {
        let request = authorize(ctx, Operation::Statistics, Target::Nothing)?;
        let filter = report_filter(from.0, to.0, filter.unwrap_or_default().into(), &request.principal)?;
        Ok(StatisticsReport(published_report(state(ctx), request, &filter).await?))
    }

    /// One anonymised row per request received in the period, for research
    /// (supervisors and auditors).
    async fn anonymised_cases(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        filter: Option<StatisticsFilterInput>,
    ) -> ApiResult<AnonymisedCases> {
        let request = authorize(ctx, Operation::AnonymisedCases, Target::Nothing)?;
        let filter = report_filter(from.0, to.0, filter.unwrap_or_default().into(), &request.principal)?;
        let (threshold, exported) = anonymised_rows(state(ctx), &filter).await?;
        Ok(AnonymisedCases { threshold, rows: exported.iter().cloned().map(Into::into).collect(), exported })
    }
}
