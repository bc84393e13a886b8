//! GraphQL over HTTP, our own small handler rather than the stock
//! integration (which runs mutations sent over GET and ignores body limits,
//! see FACTS.md): POST with a JSON body, GET for queries only, and the
//! response media type the client asked for.

use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use db::Database;

use crate::auth::password::PasswordHasher;
use crate::auth::{Principal, RequestContext, secrets};
use crate::context::{ApiConfig, ApiState, ReadLog, RequestCache};
use crate::loaders::{Loaders, RequestLoader};
use crate::{ResguardoSchema, builder};

/// What the handlers share: the schema and the state it serves from.
#[derive(Clone)]
struct AppState {
    schema: ResguardoSchema,
    state: Arc<ApiState>,
}

/// Request bodies larger than this are refused before parsing.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The `/graphql` route, and `/graphiql` when enabled.
pub fn router(db: Database, config: ApiConfig) -> Router {
    let graphiql = config.graphiql;
    let hasher = PasswordHasher::new(config.concurrent_password_hashes);
    let state = Arc::new(ApiState { db, config, hasher });
    let schema = builder().data(Arc::clone(&state)).finish();
    let mut router = Router::new().route("/graphql", get(graphql_get).post(graphql_post));
    if graphiql {
        router = router.route("/graphiql", get(graphiql_page));
    }
    router.layer(DefaultBodyLimit::max(MAX_BODY_BYTES)).with_state(AppState { schema, state })
}

async fn graphiql_page() -> Html<&'static str> {
    Html(include_str!("graphiql.html"))
}

async fn graphql_post(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case(JSON)));
    if !is_json {
        return refusal(StatusCode::UNSUPPORTED_MEDIA_TYPE, "envíe la consulta como application/json");
    }
    match serde_json::from_slice::<async_graphql::Request>(&body) {
        Ok(request) => execute(&app, request, &headers).await,
        Err(_) => refusal(StatusCode::BAD_REQUEST, "el cuerpo no es una solicitud GraphQL en JSON válida"),
    }
}

async fn graphql_get(State(app): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let request = match async_graphql::http::parse_query_string(query.as_deref().unwrap_or_default()) {
        Ok(request) => request,
        Err(_) => return refusal(StatusCode::BAD_REQUEST, "parámetros de consulta inválidos"),
    };
    // GET must be safe: only queries run over it. Anything else, including
    // a document that does not parse, is left to POST.
    if !is_query(&request) {
        let mut response = refusal(StatusCode::METHOD_NOT_ALLOWED, "use POST para esta operación");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
        return response;
    }
    execute(&app, request, &headers).await
}

/// Whether the operation the request selects is a query.
fn is_query(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let operation = match (&document.operations, request.operation_name.as_deref()) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(_), None) => None,
    };
    operation.is_some_and(|op| op.node.ty == OperationType::Query)
}

async fn execute(app: &AppState, request: async_graphql::Request, headers: &HeaderMap) -> Response {
    let context = match request_context(app, headers).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    // Per request, so its cache never outlives what this caller may see.
    let loaders: RequestLoader = DataLoader::with_cache(
        Loaders::new(app.state.db.clone()),
        tokio::spawn,
        async_graphql::dataloader::HashMapCache::default(),
    );
    let actor = context.actor();
    let now = context.now;
    let reads = Arc::new(ReadLog::default());
    let request = request.data(context).data(loaders).data(RequestCache::default()).data(Arc::clone(&reads));
    let mut response = app.schema.execute(request).await;
    // The audit trail gets every sensitive read and every refusal before the
    // answer leaves; if it cannot be written, the answer does not leave.
    let denied: Vec<String> = response
        .errors
        .iter()
        .filter(|e| {
            let code = e.extensions.as_ref().and_then(|x| x.get("code"));
            matches!(code, Some(async_graphql::Value::String(c)) if c == "FORBIDDEN" || c == "UNAUTHENTICATED")
        })
        .filter_map(|e| match e.path.first() {
            // Failed logins have their own entry.
            Some(async_graphql::PathSegment::Field(operation)) if operation != "login" => Some(operation.clone()),
            Some(async_graphql::PathSegment::Field(_) | async_graphql::PathSegment::Index(_)) | None => None,
        })
        .collect();
    let recorded = async {
        app.state.db.record_reads(&actor, &reads.take(), now).await?;
        app.state.db.record_denials(&actor, &denied, now).await
    };
    if let Err(error) = recorded.await {
        tracing::error!(error = %error, "audit trail unavailable; response withheld");
        return refusal(StatusCode::SERVICE_UNAVAILABLE, "servicio no disponible; inténtelo de nuevo");
    }
    // Errors raised by GraphQL itself (syntax, validation, argument types)
    // get a stable code too; ours always carry one.
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            let code = if error.path.is_empty() { "GRAPHQL_VALIDATION_FAILED" } else { "BAD_USER_INPUT" };
            extensions.set("code", code);
        }
    }
    let media_type = negotiate(headers);
    // With the GraphQL media type, a request that could not be executed at
    // all (parse or validation failure: no data) is a 400; plain JSON
    // clients always get 200 (GraphQL over HTTP, §6.4).
    let status = if media_type == GRAPHQL_RESPONSE && response.data == async_graphql::Value::Null && response.is_err() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    match serde_json::to_vec(&response) {
        Ok(body) => (status, [(header::CONTENT_TYPE, media_type)], body).into_response(),
        Err(_) => refusal(StatusCode::INTERNAL_SERVER_ERROR, "error interno"),
    }
}

/// Who is asking (from the bearer token), when, and under which request id.
async fn request_context(app: &AppState, headers: &HeaderMap) -> Result<RequestContext, Response> {
    let now = app.state.config.clock.now();
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    let session = match token {
        Some(token) => {
            let hash = secrets::session_token_hash(token);
            match app.state.db.session(&hash, app.state.config.sessions, now).await {
                Ok(session) => session,
                Err(error) => {
                    tracing::error!(error = %error, "session lookup failed");
                    return Err(refusal(StatusCode::SERVICE_UNAVAILABLE, "servicio no disponible; inténtelo de nuevo"));
                }
            }
        }
        None => None,
    };
    Ok(RequestContext { principal: Principal::from_session(session), request_id: request_id(headers), now })
}

/// The caller's `X-Request-Id` when it is a plain token, a new one otherwise.
fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=64).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// `application/graphql-response+json` when the client lists it, plain
/// JSON otherwise.
fn negotiate(headers: &HeaderMap) -> &'static str {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if accept.split(',').any(|t| t.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case(GRAPHQL_RESPONSE))) {
        GRAPHQL_RESPONSE
    } else {
        JSON
    }
}

/// A refusal before execution, as a GraphQL error body.
fn refusal(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }] });
    (status, [(header::CONTENT_TYPE, JSON)], body.to_string()).into_response()
}
