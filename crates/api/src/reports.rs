//! The registry as files, for authorised staff with a bearer token:
//! `GET /reports/statistics.csv`, `/reports/statistics.json` (the
//! `statistics` query's figures, suppressed the same way) and
//! `/reports/cases.csv` (the anonymised export). Query string: `from`,
//! `to` (YYYY-MM-DD) and optionally `department`, `track`,
//! `defenderCategory`, `sector`.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::statistics::ReportFilter;
use serde::Deserialize;

use crate::auth::{Principal, RequestContext};
use crate::authz::{self, Operation, Target};
use crate::error::ApiError;
use crate::execution::request_context;
use crate::http::{AppState, refusal_with_code};
use crate::statistics::{FilterArgs, anonymised_rows, published_report, report_filter};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/statistics.csv", get(statistics_csv))
        .route("/reports/statistics.json", get(statistics_json))
        .route("/reports/cases.csv", get(cases_csv))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Params {
    from: Option<String>,
    to: Option<String>,
    department: Option<String>,
    track: Option<String>,
    defender_category: Option<String>,
    sector: Option<String>,
}

/// An error as the GraphQL API would word it, with its HTTP status.
fn error(error: ApiError) -> Response {
    let status = match error {
        ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden | ApiError::SecondFactorSetupRequired => StatusCode::FORBIDDEN,
        ApiError::BadInput { .. } => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    refusal_with_code(status, error.code(), &error.to_string())
}

fn date(field: &str, text: Option<&str>) -> Result<chrono::NaiveDate, ApiError> {
    text.and_then(|t| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
        .ok_or_else(|| ApiError::bad_input(field, "indique la fecha con el formato AAAA-MM-DD"))
}

/// Who asks (refused unless allowed `operation`; refusals are audited) and
/// which requests they asked about.
async fn prepare(
    app: &AppState,
    headers: &HeaderMap,
    params: Params,
    operation: Operation,
) -> Result<(RequestContext, ReportFilter), Response> {
    let request = request_context(app, headers, None).await.map_err(IntoResponse::into_response)?;
    if let Err(refused) = authz::authorize(app.state.config.policy, &request.principal, operation, Target::Nothing) {
        if let Principal::Staff(_) = request.principal {
            let denied = [format!("/reports ({})", operation.field())];
            if app.state.db.record_denials(&request.actor(), &denied, request.now).await.is_err() {
                return Err(error(ApiError::Internal));
            }
        }
        return Err(error(refused));
    }
    let filter = (|| {
        let args = FilterArgs {
            department: params.department,
            track: params.track,
            defender_category: params.defender_category,
            sector: params.sector,
        };
        report_filter(
            date("from", params.from.as_deref())?,
            date("to", params.to.as_deref())?,
            args,
            &request.principal,
        )
    })()
    .map_err(error)?;
    Ok((request, filter))
}

/// A download, named after what it holds.
fn file(content_type: &'static str, name: &str, filter: &ReportFilter, body: String) -> Response {
    let disposition = format!("attachment; filename=\"resguardo-{name}-{}-{}\"", filter.from, filter.to);
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn statistics_csv(State(app): State<AppState>, headers: HeaderMap, Query(params): Query<Params>) -> Response {
    let (request, filter) = match prepare(&app, &headers, params, Operation::Statistics).await {
        Ok(prepared) => prepared,
        Err(refused) => return refused,
    };
    match published_report(&app.state, &request, &filter).await {
        Ok(report) => {
            let csv = domain::statistics::csv::to_csv(&report);
            file("text/csv; charset=utf-8", "estadisticas", &filter, csv).into_response()
        }
        Err(e) => error(e),
    }
}

async fn statistics_json(State(app): State<AppState>, headers: HeaderMap, Query(params): Query<Params>) -> Response {
    let (request, filter) = match prepare(&app, &headers, params, Operation::Statistics).await {
        Ok(prepared) => prepared,
        Err(refused) => return refused,
    };
    match published_report(&app.state, &request, &filter).await.map(|r| serde_json::to_string(&r)) {
        Ok(Ok(json)) => file("application/json", "estadisticas", &filter, json),
        Ok(Err(_)) => error(ApiError::Internal),
        Err(e) => error(e),
    }
}

async fn cases_csv(State(app): State<AppState>, headers: HeaderMap, Query(params): Query<Params>) -> Response {
    let (_, filter) = match prepare(&app, &headers, params, Operation::AnonymisedCases).await {
        Ok(prepared) => prepared,
        Err(refused) => return refused,
    };
    match anonymised_rows(&app.state, &filter).await {
        Ok((_, rows)) => {
            let csv = domain::statistics::anonymised::to_csv(&rows);
            file("text/csv; charset=utf-8", "casos-anonimizados", &filter, csv)
        }
        Err(e) => error(e),
    }
}
