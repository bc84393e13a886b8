//! The registry as files, for authorised staff with a bearer token (or
//! the console's session, for its links):
//! `GET /reports/statistics.csv`, `/reports/statistics.json` (the
//! `statistics` query's figures, suppressed the same way) and
//! `/reports/cases.csv` (the anonymised export). Query string: `from`,
//! `to` (YYYY-MM-DD) and optionally `department`, `track`,
//! `defenderCategory`, `sector`. Each download is a GraphQL operation run
//! for the caller like any other: the same authorization, limits and
//! audit of refusals.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::WebState;
use crate::graphql_http::{Peer, execute, refusal_response, refusal_with_code};

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/reports/statistics.csv", get(statistics_csv))
        .route("/reports/statistics.json", get(statistics_json))
        .route("/reports/cases.csv", get(cases_csv))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Params {
    from: Option<String>,
    to: Option<String>,
    department: Option<String>,
    track: Option<String>,
    defender_category: Option<String>,
    sector: Option<String>,
}

impl Params {
    /// The operation's variables: the filter's fields, as given (the API
    /// parses and checks them, and names a bad one in its error).
    fn variables(&self) -> Value {
        json!({
            "from": self.from,
            "to": self.to,
            "filter": {
                "department": self.department,
                "track": self.track,
                "defenderCategory": self.defender_category,
                "sector": self.sector,
            },
        })
    }

    fn period(&self) -> String {
        format!("{}-{}", self.from.as_deref().unwrap_or(""), self.to.as_deref().unwrap_or(""))
    }
}

const FILTER: &str = "$from: Date!, $to: Date!, $filter: StatisticsFilterInput";

/// Every figure of the report, as the schema has them.
const STATISTICS_JSON: &str = "query StatisticsDownload($from: Date!, $to: Date!, $filter: StatisticsFilterInput) {
  statistics(from: $from, to: $to, filter: $filter) {
    from to threshold
    received { value display suppressed } admitted { value display suppressed }
    activated { value display suppressed } notAdmitted { value display suppressed }
    referred { value display suppressed } pending { value display suppressed }
    tables { id title columns { id label }
      rows { groupCode group code label values { value display suppressed } } }
  }
}";

/// Runs `query` for the caller (their bearer token or the console's
/// session) and returns its data, or the HTTP answer to its first error.
pub(crate) async fn run(
    app: &WebState,
    headers: &HeaderMap,
    peer: Peer,
    query: String,
    variables: Value,
) -> Result<Value, Response> {
    let caller = crate::pages::staff_caller(app, headers, peer);
    let request = async_graphql::Request::new(query).variables(async_graphql::Variables::from_json(variables));
    let response = execute(app, request, &caller, true).await.map_err(refusal_response)?;
    if let Some(error) = response.errors.first() {
        let code = match error.extensions.as_ref().and_then(|x| x.get("code")) {
            Some(async_graphql::Value::String(code)) => code.clone(),
            _ => "INTERNAL".to_owned(),
        };
        let status = match code.as_str() {
            "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
            "NOT_FOUND" => StatusCode::NOT_FOUND,
            "FORBIDDEN" | "SECOND_FACTOR_SETUP_REQUIRED" => StatusCode::FORBIDDEN,
            "BAD_USER_INPUT" | "GRAPHQL_VALIDATION_FAILED" => StatusCode::BAD_REQUEST,
            "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        return Err(refusal_with_code(status, &code, &error.message));
    }
    response
        .data
        .into_json()
        .map_err(|_| refusal_with_code(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "error interno"))
}

/// What a download holds, and how it is named.
#[derive(Clone, Copy)]
enum Kind {
    StatisticsCsv,
    StatisticsJson,
    CasesCsv,
}

impl Kind {
    fn content_type(self) -> &'static str {
        match self {
            Kind::StatisticsCsv | Kind::CasesCsv => "text/csv; charset=utf-8",
            Kind::StatisticsJson => "application/json",
        }
    }

    /// `resguardo-estadisticas-2026-04-01-2026-04-30.csv`.
    fn file_name(self, params: &Params) -> String {
        let (name, extension) = match self {
            Kind::StatisticsCsv => ("estadisticas", "csv"),
            Kind::StatisticsJson => ("estadisticas", "json"),
            Kind::CasesCsv => ("casos-anonimizados", "csv"),
        };
        format!("resguardo-{name}-{}.{extension}", params.period())
    }
}

/// A download, named after what it holds and its period.
fn file(kind: Kind, params: &Params, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", kind.file_name(params));
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, kind.content_type())], body).into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    // A file of the registry is not kept by browsers or proxies.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn csv_of(data: &Value, root: &str) -> String {
    data[root]["csv"].as_str().unwrap_or_default().to_owned()
}

async fn statistics_csv(
    State(app): State<WebState>,
    peer: Peer,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    let query =
        format!("query StatisticsCsv({FILTER}) {{ statistics(from: $from, to: $to, filter: $filter) {{ csv }} }}");
    match run(&app, &headers, peer, query, params.variables()).await {
        Ok(data) => file(Kind::StatisticsCsv, &params, csv_of(&data, "statistics")),
        Err(answer) => answer,
    }
}

async fn statistics_json(
    State(app): State<WebState>,
    peer: Peer,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    match run(&app, &headers, peer, STATISTICS_JSON.to_owned(), params.variables()).await {
        Ok(data) => file(Kind::StatisticsJson, &params, data["statistics"].to_string()),
        Err(answer) => answer,
    }
}

async fn cases_csv(
    State(app): State<WebState>,
    peer: Peer,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    let query = format!(
        "query AnonymisedCasesCsv({FILTER}) {{ anonymisedCases(from: $from, to: $to, filter: $filter) {{ csv }} }}"
    );
    match run(&app, &headers, peer, query, params.variables()).await {
        Ok(data) => file(Kind::CasesCsv, &params, csv_of(&data, "anonymisedCases")),
        Err(answer) => answer,
    }
}
