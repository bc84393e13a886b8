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
use crate::enums::{AggressionType, AggressorType, CaseStatus, Channel, DefenderCategory, Language, RiskLevel, Track};
use crate::error::{ApiError, ApiResult};
use crate::scalars::Date;
use crate::triage::AdmissibilityOutcome;

/// Which requests to count, besides the period; conditions combine with AND.
#[derive(InputObject, Default)]
pub(crate) struct StatisticsFilterInput {
    /// Requests from this department (two-digit ubigeo code).
    pub(crate) department: Option<String>,
    /// Requests on this track.
    pub(crate) track: Option<Track>,
    /// Requests about defenders of this category.
    pub(crate) defender_category: Option<DefenderCategory>,
    /// Requests with a measure for this sector (code), and only its
    /// measures. Ignored for coordinators, who always get their own sector's.
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
        Principal::Staff(_) | Principal::Anonymous | Principal::Device(_) => None,
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

/// One figure: a count, a median in working days, or hidden.
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

/// A column of a statistics table: what its figures count.
#[derive(SimpleObject)]
pub(crate) struct StatisticsColumn {
    /// Stable code (`recibidas`, `activadas`…).
    id: &'static str,
    /// Its heading in Spanish, for people.
    label: &'static str,
}

/// A row of a statistics table: what it counts, with one figure per column.
#[derive(SimpleObject)]
pub(crate) struct StatisticsRow {
    /// Code of the group the row belongs to (a department, a sector), if any.
    group_code: Option<String>,
    /// The group's name in Spanish, if any.
    group: Option<String>,
    /// Stable code of what the row counts (a ubigeo, a category code,
    /// `RECIBIDAS`…).
    code: String,
    /// What the row counts, in Spanish.
    label: String,
    /// One per column, in the order of `columns`.
    values: Vec<StatisticsValue>,
}

/// One table of the registry report, with small counts suppressed as the
/// report says.
#[derive(SimpleObject)]
pub(crate) struct StatisticsTable {
    /// Stable code, for `table(id:)` (`departamentos`).
    id: &'static str,
    /// Its title in Spanish.
    title: &'static str,
    /// What each value of a row counts.
    columns: Vec<StatisticsColumn>,
    /// The rows, in the report's order.
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

/// The registry of risk situations for a period: the requests received in
/// it and what became of them (DOMAIN.md §5). Aggregates only; small counts
/// are suppressed for the roles not allowed exact figures.
#[Object]
impl StatisticsReport {
    /// First day of the period (Lima), inclusive.
    async fn from(&self) -> Date {
        Date(self.0.from)
    }

    /// Last day of the period, inclusive.
    async fn to(&self) -> Date {
        Date(self.0.to)
    }

    /// Counts above zero and below this are shown as `< N` (`null`: exact
    /// figures, for supervisors and auditors by default).
    async fn threshold(&self) -> Option<u64> {
        self.0.threshold
    }

    /// Requests received in the period.
    async fn received(&self) -> StatisticsValue {
        self.summary("RECIBIDAS")
    }

    /// Of those, the ones admitted.
    async fn admitted(&self) -> StatisticsValue {
        self.summary("ADMITIDAS")
    }

    /// Requests with measures granted: the mechanism was activated.
    async fn activated(&self) -> StatisticsValue {
        self.summary("ACTIVADAS")
    }

    /// Requests not admitted.
    async fn not_admitted(&self) -> StatisticsValue {
        self.summary("NO_ADMITIDAS")
    }

    /// Requests referred to another entity.
    async fn referred(&self) -> StatisticsValue {
        self.summary("DERIVADAS")
    }

    /// Requests whose admissibility is not decided yet.
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

    /// One table by its id (one of those `tables` lists); an unknown id is
    /// refused, naming the ones there are.
    async fn table(
        &self,
        #[graphql(desc = "The table's `id` (`departamentos`, `agresiones_por_departamento`…).")] id: String,
    ) -> ApiResult<StatisticsTable> {
        match self.0.tables.iter().find(|t| t.id == id) {
            Some(table) => Ok(StatisticsTable::new(table, self.0.threshold)),
            None => {
                let ids: Vec<&str> = self.0.tables.iter().map(|t| t.id).collect();
                Err(ApiError::bad_input("id", format!("no existe esa tabla; las tablas son: {}", ids.join(", "))))
            }
        }
    }

    /// The same figures as one long-format CSV file (`tabla, titulo,
    /// codigo_grupo, grupo, codigo, etiqueta, indicador, valor`), suppressed
    /// the same way: what `/reports/statistics.csv` downloads.
    async fn csv(&self) -> String {
        domain::statistics::csv::to_csv(&self.0)
    }
}

/// The anonymised case-level export, for research: always generalised,
/// whoever asks (DOMAIN.md §11).
#[derive(SimpleObject)]
#[graphql(complex)]
pub(crate) struct AnonymisedCases {
    /// Rows are generalised until each combination of month, department,
    /// category, language, kind and number of people is shared by at
    /// least this many.
    threshold: u64,
    /// One per request received in the period.
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

/// One request, with nothing that identifies or locates anyone. A `null`
/// is a value generalised away (so that no combination of month,
/// department, category, language, kind and number of people is shared by
/// fewer than `threshold` rows) or one the request does not have yet.
#[derive(SimpleObject)]
pub(crate) struct AnonymisedCase {
    /// The month of receipt, `YYYY-MM` (Lima).
    month: Option<String>,
    /// The department's two-digit ubigeo code.
    department: Option<String>,
    /// The defender category.
    defender_category: Option<DefenderCategory>,
    /// The defender's language.
    language: Option<Language>,
    /// Whether it protects a collective (a community, an organisation).
    collective: Option<bool>,
    /// How many people it protects, in bands.
    people: Option<PeopleBand>,
    /// Where the request stands now.
    status: CaseStatus,
    /// The track, once the risk was assessed.
    track: Option<Track>,
    /// The risk level, once assessed.
    risk_level: Option<RiskLevel>,
    /// Who is alleged to be behind the aggression.
    aggressor_type: Option<AggressorType>,
    /// The kinds of aggression reported.
    aggression_types: Option<Vec<AggressionType>>,
    /// How the request arrived.
    channel: Channel,
    /// How admissibility was decided, once it was.
    outcome: Option<AdmissibilityOutcome>,
    /// How many measures were granted.
    measures_granted: u32,
}

/// How many people a request protects, in the bands the export uses.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
pub(crate) enum PeopleBand {
    /// One person.
    One,
    /// Two to five.
    TwoToFive,
    /// Six to twenty.
    SixToTwenty,
    /// Twenty-one or more.
    MoreThanTwenty,
}

/// `None` for a generalised (`*`) or absent value; a code that does not
/// parse is stored data gone wrong.
fn kept<T>(code: &str, parse: impl FnOnce(&str) -> Option<T>) -> ApiResult<Option<T>> {
    if code.is_empty() || code == domain::statistics::anonymised::HIDDEN {
        return Ok(None);
    }
    parse(code).map(Some).ok_or_else(|| {
        tracing::error!(column = "anonymised export", "stored data does not parse");
        ApiError::Internal
    })
}

fn required<T>(code: &str, parse: impl FnOnce(&str) -> Option<T>) -> ApiResult<T> {
    kept(code, parse)?.ok_or(ApiError::Internal)
}

impl TryFrom<&AnonymisedRow> for AnonymisedCase {
    type Error = ApiError;

    fn try_from(row: &AnonymisedRow) -> ApiResult<Self> {
        use domain::categories as c;
        Ok(Self {
            month: kept(&row.month, |m| Some(m.to_owned()))?,
            department: kept(&row.department, |d| Some(d.to_owned()))?,
            defender_category: kept(&row.defender_category, |v| c::DefenderCategory::parse(v).ok().map(Into::into))?,
            language: kept(&row.language, |v| c::Language::parse(v).ok().map(Into::into))?,
            collective: kept(&row.collective, |v| match v {
                "SI" => Some(true),
                "NO" => Some(false),
                _ => None,
            })?,
            people: kept(&row.people, |v| match v {
                "1" => Some(PeopleBand::One),
                "2-5" => Some(PeopleBand::TwoToFive),
                "6-20" => Some(PeopleBand::SixToTwenty),
                "21+" => Some(PeopleBand::MoreThanTwenty),
                _ => None,
            })?,
            status: required(&row.status, |v| domain::workflow::CaseStatus::parse(v).ok().map(Into::into))?,
            track: kept(&row.track, |v| domain::workflow::Track::parse(v).ok().map(Into::into))?,
            risk_level: kept(&row.risk_level, |v| domain::workflow::RiskLevel::parse(v).ok().map(Into::into))?,
            aggressor_type: kept(&row.aggressor_type, |v| c::AggressorType::parse(v).ok().map(Into::into))?,
            aggression_types: kept(&row.aggression_types, |v| {
                v.split(';').map(|code| c::AggressionType::parse(code).ok().map(Into::into)).collect()
            })?,
            channel: required(&row.channel, |v| c::Channel::parse(v).ok().map(Into::into))?,
            outcome: kept(&row.outcome, AdmissibilityOutcome::from_code)?,
            measures_granted: row.measures_granted,
        })
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
        #[graphql(desc = "First day of receipt counted (Lima), inclusive.")] from: Date,
        #[graphql(desc = "Last day of receipt counted, inclusive; not before `from`.")] to: Date,
        #[graphql(desc = "Which requests to count; all received in the period when absent.")] filter: Option<
            StatisticsFilterInput,
        >,
    ) -> ApiResult<StatisticsReport> {
        let request = authorize(ctx, Operation::Statistics, Target::Nothing)?;
        let filter = report_filter(from.0, to.0, filter.unwrap_or_default().into(), &request.principal)?;
        Ok(StatisticsReport(published_report(state(ctx), request, &filter).await?))
    }

    /// One anonymised row per request received in the period, for research:
    /// no identity, no free text, department at most, month not day.
    /// Supervisors and auditors.
    async fn anonymised_cases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First day of receipt exported (Lima), inclusive.")] from: Date,
        #[graphql(desc = "Last day of receipt exported, inclusive; not before `from`.")] to: Date,
        #[graphql(desc = "Which requests to export; all received in the period when absent.")] filter: Option<
            StatisticsFilterInput,
        >,
    ) -> ApiResult<AnonymisedCases> {
        let request = authorize(ctx, Operation::AnonymisedCases, Target::Nothing)?;
        let filter = report_filter(from.0, to.0, filter.unwrap_or_default().into(), &request.principal)?;
        let (threshold, exported) = anonymised_rows(state(ctx), &filter).await?;
        let rows = exported.iter().map(AnonymisedCase::try_from).collect::<ApiResult<_>>()?;
        Ok(AnonymisedCases { threshold, rows, exported })
    }
}
