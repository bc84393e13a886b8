//! Running one GraphQL request: the cost limits before parsing and before
//! executing, who is asking, the per-request loaders and caches, a time
//! limit, the audit of sensitive reads and refusals (written before the
//! answer leaves), and a stable code on every error.

use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::auth::{Principal, RequestContext, secrets};
use crate::context::{ReadLog, RequestCache};
use crate::http::{AppState, refusal, refusal_with_code};
use crate::limits;
use crate::loaders::{Loaders, RequestLoader};

/// Why a request was not executed (or its answer withheld).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Too long, too many tokens or aliases, unparsable.
    Rejected,
    /// A mutation (or anything but a query) over GET.
    NotOverGet,
    /// No `query` parameter (a misspelt one, say): a malformed request,
    /// not a GraphQL document to report on.
    MissingQuery,
    /// It ran past the time limit.
    TimedOut,
    /// The sessions or the audit trail could not be reached.
    Unavailable,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            // Nothing says which limit was hit, or its value.
            Refusal::Rejected => refusal_with_code(
                StatusCode::BAD_REQUEST,
                "QUERY_REJECTED",
                "consulta rechazada: es demasiado grande o compleja",
            ),
            Refusal::NotOverGet => refusal(StatusCode::METHOD_NOT_ALLOWED, "use POST para esta operación"),
            Refusal::MissingQuery => refusal(StatusCode::BAD_REQUEST, "falta la consulta (el parámetro query)"),
            Refusal::TimedOut => refusal_with_code(
                StatusCode::SERVICE_UNAVAILABLE,
                "TIMEOUT",
                "la consulta tardó demasiado; inténtelo de nuevo o pida menos datos",
            ),
            Refusal::Unavailable => {
                refusal(StatusCode::SERVICE_UNAVAILABLE, "servicio no disponible; inténtelo de nuevo")
            }
        }
    }
}

/// Checks the document's size before parsing and its aliases after; over
/// GET, also that the operation is a query.
fn check(request: &async_graphql::Request, over_get: bool, production: bool) -> Result<(), Refusal> {
    if request.query.trim().is_empty() {
        return Err(Refusal::MissingQuery);
    }
    if request.query.len() > limits::MAX_DOCUMENT_BYTES
        || limits::count_tokens(&request.query, limits::MAX_TOKENS) > limits::MAX_TOKENS
    {
        return Err(Refusal::Rejected);
    }
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        // GraphQL reports syntax errors itself (with positions), except
        // over GET, which must only ever run a query.
        return if over_get { Err(Refusal::NotOverGet) } else { Ok(()) };
    };
    // In production the schema is not published through introspection
    // (clients have `schema.graphql`): asking is refused, not answered empty.
    if limits::count_aliases(&document) > limits::MAX_ALIASES || (production && limits::asks_for_schema(&document)) {
        return Err(Refusal::Rejected);
    }
    if over_get {
        let operation = match (&document.operations, request.operation_name.as_deref()) {
            (DocumentOperations::Single(operation), _) => Some(operation),
            (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
            (DocumentOperations::Multiple(_), None) => None,
        };
        if !operation.is_some_and(|op| op.node.ty == OperationType::Query) {
            return Err(Refusal::NotOverGet);
        }
    }
    Ok(())
}

/// Runs one request.
pub(crate) async fn run(
    app: &AppState,
    request: async_graphql::Request,
    headers: &HeaderMap,
    client: Option<std::net::IpAddr>,
    over_get: bool,
) -> Result<async_graphql::Response, Refusal> {
    check(&request, over_get, app.state.config.production)?;
    let context = request_context(app, headers, client).await?;
    // Per request, so its cache never outlives what this caller may see.
    let loaders: RequestLoader = DataLoader::with_cache(
        Loaders::new(app.state.db.clone()),
        tokio::spawn,
        async_graphql::dataloader::HashMapCache::default(),
    );
    let (actor, now) = (context.actor(), context.now);
    let reads = Arc::new(ReadLog::default());
    let request = request.data(context).data(loaders).data(RequestCache::default()).data(Arc::clone(&reads));
    let mut response = tokio::time::timeout(app.state.config.request_timeout, app.schema.execute(request))
        .await
        .map_err(|_| Refusal::TimedOut)?;

    // The audit trail gets every sensitive read and every refusal before the
    // answer leaves; if it cannot be written, the answer does not leave.
    let denied: Vec<String> = response
        .errors
        .iter()
        .filter(|e| {
            let code = e.extensions.as_ref().and_then(|x| x.get("code"));
            matches!(code, Some(async_graphql::Value::String(c))
                if c == "FORBIDDEN" || c == "UNAUTHENTICATED" || c == "SECOND_FACTOR_SETUP_REQUIRED")
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
        return Err(Refusal::Unavailable);
    }
    // Errors raised by GraphQL itself (syntax, validation, argument types,
    // limits) get a stable code too; ours always carry one.
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            let code = if error.path.is_empty() { "GRAPHQL_VALIDATION_FAILED" } else { "BAD_USER_INPUT" };
            extensions.set("code", code);
        }
    }
    Ok(response)
}

/// Who is asking (from the bearer token), when, and under which request id.
pub(crate) async fn request_context(
    app: &AppState,
    headers: &HeaderMap,
    client: Option<std::net::IpAddr>,
) -> Result<RequestContext, Refusal> {
    let now = app.state.config.clock.now();
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    let session = match token {
        Some(token) => {
            let hash = secrets::session_token_hash(token);
            app.state.db.session(&hash, app.state.config.sessions, now).await.map_err(|error| {
                tracing::error!(error = %error, "session lookup failed");
                Refusal::Unavailable
            })?
        }
        None => None,
    };
    Ok(RequestContext { principal: Principal::from_session(session), request_id: request_id(headers), now, client })
}

/// The caller's `X-Request-Id` when it is a plain token, a new one otherwise.
fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=64).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}
