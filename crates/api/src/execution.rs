//! Running one GraphQL request: the cost limits before parsing and before
//! executing, who is asking, the per-request loaders and caches, a time
//! limit, the audit of sensitive reads and refusals (written before the
//! answer leaves), and a stable code on every error.

use std::sync::Arc;

use async_graphql::Positioned;
use async_graphql::dataloader::DataLoader;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition, OperationType};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::auth::{Principal, RequestContext, secrets};
use crate::context::{ReadLog, RequestCache};
use crate::http::{AppState, refusal_with_code};
use crate::loaders::{Loaders, RequestLoader};
use crate::metrics::operation_label;
use crate::{field_order, limits, request_errors};

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
    /// A subscription: those run over WebSocket (`/graphql/ws`).
    UseWebSocket,
    /// It ran past the time limit.
    TimedOut,
    /// The sessions or the audit trail could not be reached.
    Unavailable,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = match self {
            Refusal::Rejected | Refusal::MissingQuery | Refusal::UseWebSocket => StatusCode::BAD_REQUEST,
            Refusal::NotOverGet => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::TimedOut | Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        };
        let code = match self {
            Refusal::Rejected | Refusal::TimedOut | Refusal::UseWebSocket => self.code(),
            Refusal::NotOverGet | Refusal::MissingQuery | Refusal::Unavailable => "BAD_REQUEST",
        };
        refusal_with_code(status, code, &self.message())
    }
}

impl Refusal {
    /// For people, in Spanish.
    pub(crate) fn message(self) -> String {
        match self {
            // Nothing says which limit was hit, or its value.
            Refusal::Rejected => "consulta rechazada: es demasiado grande o compleja",
            Refusal::NotOverGet => "use POST para esta operación",
            Refusal::MissingQuery => "falta la consulta (el parámetro query)",
            Refusal::UseWebSocket => {
                "las suscripciones se abren por WebSocket en /graphql/ws (protocolo graphql-transport-ws)"
            }
            Refusal::TimedOut => "la consulta tardó demasiado; inténtelo de nuevo o pida menos datos",
            Refusal::Unavailable => "servicio no disponible; inténtelo de nuevo",
        }
        .to_owned()
    }

    /// For the metrics' `outcome` label.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Refusal::Rejected => "QUERY_REJECTED",
            Refusal::NotOverGet => "NOT_OVER_GET",
            Refusal::MissingQuery => "MISSING_QUERY",
            Refusal::UseWebSocket => "USE_WEBSOCKET",
            Refusal::TimedOut => "TIMEOUT",
            Refusal::Unavailable => "UNAVAILABLE",
        }
    }
}

/// The operation a request runs: the one named, or the only one (named or
/// not: GraphQL runs a lone named operation without being told its name).
pub(crate) fn selected_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// A parse or validation failure (or a refusal before execution): no data,
/// and no error points at a field, as execution errors always do.
pub(crate) fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && response.is_err()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// A document that passed the checks before execution, or the error that
/// says where it does not parse.
pub(crate) type Parsed = Result<ExecutableDocument, async_graphql::ServerError>;

/// Checks the document's size before parsing and its aliases after; over
/// GET, also that the operation is a query. Returns the parsed document,
/// or the syntax error to answer with (in our words: see `request_errors`).
pub(crate) fn check(request: &async_graphql::Request, over_get: bool, production: bool) -> Result<Parsed, Refusal> {
    if request.query.trim().is_empty() {
        return Err(Refusal::MissingQuery);
    }
    if request.query.len() > limits::MAX_DOCUMENT_BYTES
        || limits::count_tokens(&request.query, limits::MAX_TOKENS) > limits::MAX_TOKENS
    {
        return Err(Refusal::Rejected);
    }
    let document = match async_graphql::parser::parse_query(&request.query) {
        Ok(document) => document,
        // Over GET only a query may ever run: what does not parse is not one.
        Err(_) if over_get => return Err(Refusal::NotOverGet),
        Err(error) => return Ok(Err(request_errors::parse_failure(&error))),
    };
    // In production the schema is not published through introspection
    // (clients have `schema.graphql`): asking is refused, not answered empty.
    if limits::count_aliases(&document) > limits::MAX_ALIASES || (production && limits::asks_for_schema(&document)) {
        return Err(Refusal::Rejected);
    }
    if over_get {
        let operation = selected_operation(&document, request.operation_name.as_deref());
        if !operation.is_some_and(|op| op.node.ty == OperationType::Query) {
            return Err(Refusal::NotOverGet);
        }
    }
    Ok(Ok(document))
}

/// Runs one request, and counts it in the metrics by root field and
/// outcome. The root field is read only from documents that passed
/// validation, so the label is always one of the schema's fields.
pub(crate) async fn run(
    app: &AppState,
    request: async_graphql::Request,
    headers: &HeaderMap,
    client: Option<std::net::IpAddr>,
    over_get: bool,
) -> Result<async_graphql::Response, Refusal> {
    let checked = check(&request, over_get, app.state.config.production).and_then(|parsed| {
        let operation = parsed.as_ref().ok().and_then(|d| selected_operation(d, request.operation_name.as_deref()));
        match operation {
            Some(op) if op.node.ty == OperationType::Subscription => Err(Refusal::UseWebSocket),
            _ => Ok(parsed),
        }
    });
    let document = match checked {
        Ok(Ok(document)) => Some(document),
        Ok(Err(syntax)) => {
            app.state.metrics.graphql("invalid", request_errors::PARSE_FAILED);
            return Ok(async_graphql::Response::from_errors(vec![syntax]));
        }
        Err(refused) => {
            app.state.metrics.graphql("refused", refused.code());
            return Err(refused);
        }
    };
    let name = request.operation_name.clone();
    let mut outcome = run_checked(app, request, headers, client).await;
    let (operation, result) = match &mut outcome {
        Ok(response) => {
            let result = response.errors.first().map_or("ok".to_owned(), error_code);
            if is_request_error(response) {
                ("invalid".to_owned(), result)
            } else {
                if let Some(document) = &document {
                    field_order::restore(&mut response.data, document, name.as_deref());
                }
                (operation_label(document.as_ref(), name.as_deref()), result)
            }
        }
        Err(refused) => ("refused".to_owned(), refused.code().to_owned()),
    };
    app.state.metrics.graphql(&operation, &result);
    outcome
}

pub(crate) fn error_code(error: &async_graphql::ServerError) -> String {
    match error.extensions.as_ref().and_then(|x| x.get("code")) {
        Some(async_graphql::Value::String(code)) => code.clone(),
        _ => "INTERNAL".to_owned(),
    }
}

async fn run_checked(
    app: &AppState,
    request: async_graphql::Request,
    headers: &HeaderMap,
    client: Option<std::net::IpAddr>,
) -> Result<async_graphql::Response, Refusal> {
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
    if is_limit_refusal(&response) {
        return Err(Refusal::Rejected);
    }

    // The audit trail gets every sensitive read and every refusal before the
    // answer leaves; if it cannot be written, the answer does not leave.
    let denied = denied_operations(&response);
    let recorded = async {
        app.state.db.record_reads(&actor, &reads.take(), now).await?;
        app.state.db.record_denials(&actor, &denied, now).await
    };
    if let Err(error) = recorded.await {
        tracing::error!(error = %error, "audit trail unavailable; response withheld");
        return Err(Refusal::Unavailable);
    }
    finish_errors(&mut response);
    Ok(response)
}

/// A document GraphQL refused for its cost (depth, complexity, directives,
/// recursion): refused before execution like our own limits, and as
/// quietly.
pub(crate) fn is_limit_refusal(response: &async_graphql::Response) -> bool {
    is_request_error(response) && response.errors.iter().any(request_errors::is_limit)
}

/// The operations a response refused for want of identity or rights.
pub(crate) fn denied_operations(response: &async_graphql::Response) -> Vec<String> {
    response
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
        .collect()
}

/// Errors raised by GraphQL itself (validation, argument types) are
/// rewritten in our words and get a stable code; ours carry one already.
pub(crate) fn finish_errors(response: &mut async_graphql::Response) {
    request_errors::finish(&mut response.errors);
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
    let session = session_for(app, token, now).await?;
    Ok(RequestContext { principal: Principal::from_session(session), request_id: request_id(headers), now, client })
}

/// The session a bearer token stands for, if it is still valid at `now`.
pub(crate) async fn session_for(
    app: &AppState,
    token: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<db::Session>, Refusal> {
    let Some(token) = token else { return Ok(None) };
    let hash = secrets::session_token_hash(token);
    app.state.db.session(&hash, app.state.config.sessions, now).await.map_err(|error| {
        tracing::error!(error = %error, "session lookup failed");
        Refusal::Unavailable
    })
}

/// The caller's `X-Request-Id` when it is a plain token, a new one otherwise.
pub(crate) fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=64).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}
