//! Measures: the `Measure` type (with the minimum case data a sector needs
//! to carry it out), lists of measures, and what coordinators report.

use async_graphql::connection::{Connection, Edge, OpaqueCursor};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use db::{Cursor, MeasureFilter, MeasureRecord};
use domain::workflow::Command;

use crate::authz::{Operation, Target};
use crate::context::{authorize, db, loaders, measure_types, record_read, request, selected, staff, today};
use crate::deadlines::DeadlineView;
use crate::enums::{Language, MeasureStatus, Track};
use crate::error::{ApiError, ApiResult};
use crate::inputs::{decode_cursor, id, page_size, ref_code, text};
use crate::loaders::{CaseId, DeadlinesOf, prefetch_measures};
use crate::scalars::Date;

pub(crate) struct MeasureView(pub(crate) MeasureRecord);

/// A protection measure granted by a resolution, carried out by one sector.
/// Officers and supervisors see every measure; coordinators their sector's.
#[Object(name = "Measure")]
impl MeasureView {
    /// Its identifier (a random UUID), for `measure`, `node` and the measure mutations.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Its number within its case (1, 2…), stable for its lifetime.
    async fn number(&self) -> i32 {
        i32::from(self.0.measure.no.0)
    }

    /// Its code in the catalogue (`measureTypes`).
    async fn measure_type(&self) -> String {
        self.0.measure.measure_type.to_string()
    }

    /// Its name in the catalogue, in Spanish (the code if the catalogue lacks it).
    async fn measure_type_name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let types = measure_types(ctx).await?;
        Ok(types
            .iter()
            .find(|t| t.code == self.0.measure.measure_type)
            .map_or_else(|| self.0.measure.measure_type.to_string(), |t| t.name.clone()))
    }

    /// Code of the sector responsible for carrying it out.
    async fn sector(&self) -> String {
        self.0.measure.sector.to_string()
    }

    /// Where it stands with its sector.
    async fn status(&self) -> MeasureStatus {
        self.0.measure.status.into()
    }

    /// The status in Spanish, for people.
    async fn status_label(&self) -> &'static str {
        self.0.measure.status.label()
    }

    /// When it was last notified to its sector (Lima date); its deadlines
    /// count from then. `null` until notified.
    async fn notified_on(&self) -> Option<Date> {
        self.0.measure.notified_on.map(Date)
    }

    /// The date an extension keeps it in force until, once extended.
    async fn extended_until(&self) -> Option<Date> {
        self.0.measure.extended_until.map(Date)
    }

    /// When the officer found it carried out as its sector reported; none
    /// until then, and again once it changed.
    async fn verified_on(&self) -> Option<Date> {
        self.0.measure.verified_on.map(Date)
    }

    /// The earliest due date among its running deadlines; `null` when none runs.
    async fn next_due_on(&self, ctx: &Context<'_>) -> ApiResult<Option<Date>> {
        Ok(self.current_next_due(ctx).await?.map(Date))
    }

    /// Whether `nextDueOn` is before today in Lima.
    async fn overdue(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(self.current_next_due(ctx).await?.is_some_and(|due| due < today(ctx)))
    }

    /// Its acknowledgement and implementation deadlines, running or closed.
    async fn deadlines(&self, ctx: &Context<'_>) -> ApiResult<Vec<DeadlineView>> {
        let case = self.case_record(ctx).await?;
        let deadlines = loaders(ctx).load_one(DeadlinesOf(self.0.case_id)).await?.unwrap_or_default();
        Ok(deadlines
            .into_iter()
            .filter(|d| d.key.measure == Some(self.0.measure.no))
            .map(|deadline| DeadlineView { deadline, department: case.department })
            .collect())
    }

    /// What the sector needs to know about the case to carry the measure
    /// out, and nothing more. Holds personal data: reading it is audited.
    async fn case(&self, ctx: &Context<'_>) -> ApiResult<MeasureCase> {
        let case = self.case_record(ctx).await?;
        let request = case.request.open()?;
        record_read(ctx, case.id, selected(ctx, "measure.case"));
        Ok(MeasureCase {
            case_id: ID(case.id.to_string()),
            file_number: case.file_number,
            track: case.track.map(Into::into),
            department: case.department.to_string(),
            province: case.province,
            beneficiaries: request.beneficiaries().iter().map(|b| b.name().as_str().to_owned()).collect(),
            place: request.place().ubigeo().to_string(),
            place_detail: request.place().detail().map(|d| d.as_str().to_owned()),
            language: request.language().into(),
            interpreter_needed: request.interpreter_needed(),
        })
    }
}

impl MeasureView {
    async fn case_record(&self, ctx: &Context<'_>) -> ApiResult<db::CaseRecord> {
        loaders(ctx).load_one(CaseId(self.0.case_id)).await?.ok_or(ApiError::Internal)
    }

    async fn current_next_due(&self, ctx: &Context<'_>) -> ApiResult<Option<chrono::NaiveDate>> {
        crate::deadlines::next_due_on(ctx, self.0.case_id, Some(self.0.measure.no), self.0.next_due_on).await
    }
}

/// The minimum a sector needs: whom to protect, where, in which language.
/// No facts, evidence, risk assessment or internal notes.
#[derive(SimpleObject)]
pub(crate) struct MeasureCase {
    /// The case's identifier; coordinators cannot read the case itself.
    case_id: ID,
    /// The file number (`AT-2026-000042`).
    file_number: String,
    /// ORDINARY or URGENT; `null` until the risk is assessed.
    track: Option<Track>,
    /// Two-digit ubigeo code of the department.
    department: String,
    /// Four-digit ubigeo code of the province, when known.
    province: Option<String>,
    /// Names of the people and collectives to protect. Sealed personal data.
    beneficiaries: Vec<String>,
    /// Ubigeo code of the place: 2, 4 or 6 digits, as precise as the request was.
    place: String,
    /// How to find the place (an address, a landmark). Sealed personal data.
    place_detail: Option<String>,
    /// The defender's language.
    language: Language,
    /// Whether an interpreter is needed.
    interpreter_needed: bool,
}

/// Which measures to list; conditions combine with AND.
#[derive(InputObject, Default)]
pub(crate) struct MeasureFilterInput {
    /// Any of these statuses (all when absent or empty).
    statuses: Option<Vec<MeasureStatus>>,
    /// Sector code. Coordinators always get their own sector's: naming
    /// another is FORBIDDEN.
    sector: Option<String>,
    /// The measures of this case.
    case_id: Option<ID>,
    /// Next due on or before this date.
    due_before: Option<Date>,
    /// Only those whose next due date is before today in Lima.
    #[graphql(default)]
    overdue: bool,
}

pub(crate) type MeasureConnection = Connection<OpaqueCursor<Cursor>, MeasureView, crate::totals::MeasureTotal>;

#[derive(Default)]
pub(crate) struct MeasuresQuery;

#[derive(Default)]
pub(crate) struct MeasuresMutation;

#[Object]
impl MeasuresQuery {
    /// Measures, the most urgent first. Officers and supervisors; coordinators
    /// get their sector's.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn measures(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (20 by default).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        #[graphql(desc = "Which measures; all the caller may see when absent.")] filter: Option<MeasureFilterInput>,
    ) -> ApiResult<MeasureConnection> {
        authorize(ctx, Operation::Measures, Target::Nothing)?;
        let first = page_size(first)?;
        let filter = filter.unwrap_or_default();
        let cursor = decode_cursor(after.as_deref())?;
        let asked = filter.sector.as_deref().map(|s| ref_code("filter.sector", s)).transpose()?;
        let staff = staff(ctx)?;
        let sector = match (staff.role, &staff.sector, asked) {
            (domain::roles::Role::Coordinator, Some(own), Some(asked)) if &asked != own => {
                return Err(ApiError::Forbidden);
            }
            (domain::roles::Role::Coordinator, own, _) => Some(own.clone().ok_or(ApiError::Forbidden)?),
            (_, _, asked) => asked,
        };
        let filter = MeasureFilter {
            sector,
            statuses: filter.statuses.unwrap_or_default().into_iter().map(Into::into).collect(),
            case_id: filter.case_id.as_ref().map(|c| id("filter.caseId", c)).transpose()?,
            due_before: filter.due_before.map(|d| d.0),
            overdue_on: filter.overdue.then(|| today(ctx)),
        };
        let page = if crate::totals::reads_page(ctx) {
            db(ctx).measures_page(&filter, cursor.as_ref(), first).await?
        } else {
            db::Page { items: Vec::new(), has_next: false }
        };
        let records: Vec<MeasureRecord> = page.items.iter().map(|(record, _)| record.clone()).collect();
        prefetch_measures(loaders(ctx), ctx.look_ahead().field("edges").field("node"), &records).await?;
        let total = crate::totals::MeasureTotal(filter);
        let mut connection = Connection::with_additional_fields(cursor.is_some(), page.has_next, total);
        connection.edges.extend(
            page.items.into_iter().map(|(record, cursor)| Edge::new(OpaqueCursor(cursor), MeasureView(record))),
        );
        Ok(connection)
    }

    /// One measure. Officers and supervisors; coordinators, of their sector
    /// only (another sector's is FORBIDDEN, like an unknown one).
    async fn measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] id: ID,
    ) -> ApiResult<MeasureView> {
        Ok(MeasureView(authorized_measure(ctx, Operation::Measure, "id", &id).await?))
    }
}

#[Object]
impl MeasuresMutation {
    /// The sector confirms it received a NOTIFIED measure, which becomes
    /// ACKNOWLEDGED. Coordinators of its sector.
    async fn acknowledge_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::AcknowledgeMeasure, &measure_id, |measure| {
            Ok(Command::AcknowledgeMeasure { measure })
        })
        .await
    }

    /// The sector reports how the work is going (acknowledging the measure if
    /// it had not yet). Coordinators of its sector.
    async fn report_measure_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
        #[graphql(secret, desc = "What was done so far, up to 20 000 characters. Sealed.")] report: String,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::ReportMeasureProgress, &measure_id, |measure| {
            Ok(Command::ReportProgress { measure, report: text("report", &report)? })
        })
        .await
    }

    /// The sector reports a NOTIFIED or ACKNOWLEDGED measure carried out; it
    /// becomes IMPLEMENTED. Coordinators of its sector.
    async fn report_measure_implemented(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
        #[graphql(secret, desc = "How it was carried out, up to 20 000 characters. Sealed.")] report: Option<String>,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::ReportMeasureImplemented, &measure_id, |measure| {
            Ok(Command::ReportImplemented {
                measure,
                report: crate::inputs::optional_text("report", report.as_deref())?,
            })
        })
        .await
    }

    /// The sector reports that a NOTIFIED or ACKNOWLEDGED measure cannot be
    /// carried out, and why; it becomes NOT_FEASIBLE. Coordinators of its sector.
    async fn report_measure_not_feasible(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measure's `id`.")] measure_id: ID,
        #[graphql(secret, desc = "Why, up to 2 000 characters. Sealed.")] reason: String,
    ) -> ApiResult<MeasureView> {
        measure_command(ctx, Operation::ReportMeasureNotFeasible, &measure_id, |measure| {
            Ok(Command::ReportNotFeasible { measure, reason: text("reason", &reason)? })
        })
        .await
    }
}

/// The measure `raw` (the argument `field`) names, once the caller may run
/// `operation` on it: first the role, then (for coordinators) the measure's
/// sector. An unknown measure and another sector's look alike to coordinators.
pub(crate) async fn authorized_measure(
    ctx: &Context<'_>,
    operation: Operation,
    field: &str,
    raw: &ID,
) -> ApiResult<MeasureRecord> {
    authorize(ctx, operation, Target::Nothing)?;
    let measure_id = id(field, raw)?;
    let record = db(ctx).measure_record(measure_id).await?.ok_or_else(|| match request(ctx).principal.role() {
        domain::roles::Role::Officer | domain::roles::Role::Supervisor => {
            ApiError::NotFound("no existe la medida".into())
        }
        _ => ApiError::Forbidden,
    })?;
    authorize(ctx, operation, Target::SectorMeasure { sector: &record.measure.sector })?;
    Ok(record)
}

/// Authorizes `operation` on the measure, applies the command `build`
/// makes for it, and returns the measure as it now stands.
pub(crate) async fn measure_command(
    ctx: &Context<'_>,
    operation: Operation,
    raw: &ID,
    build: impl FnOnce(domain::workflow::MeasureNo) -> ApiResult<Command>,
) -> ApiResult<MeasureView> {
    let record = authorized_measure(ctx, operation, "measureId", raw).await?;
    let request = request(ctx);
    let command = build(record.measure.no)?;
    db(ctx).apply(record.case_id, command, request.now, &request.actor()).await?;
    let updated = db(ctx).measure_record(record.id).await?.ok_or(ApiError::Internal)?;
    Ok(MeasureView(updated))
}
