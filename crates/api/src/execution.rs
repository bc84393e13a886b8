//! Running one GraphQL request: the cost limits before parsing and before
//! executing, who is asking, the per-request loaders and caches, a time
//! limit, the audit of sensitive reads and refusals (written before the
//! answer leaves), and a stable code on every error. No transport here: the
//! `web` crate turns requests into [`Caller`]s and answers into HTTP.

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::parser::types::{ExecutableDocument, OperationType};

use domain::workflow::AuditAction;

use crate::auth::{Principal, RequestContext, secrets};
use crate::authz::Operation;
use crate::context::{ApiState, ReadLog, RequestCache};
use crate::document::{operation_label, selected_operation};
use crate::loaders::{Loaders, RequestLoader};
use crate::{ResguardoSchema, field_order, limits, request_errors};

/// Who sends a request, as the transport knows them.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The bearer token (a session), if any.
    pub token: Option<String>,
    /// An app's intake token (OpenRosa's path), if any: the caller is then
    /// that app, whatever else is sent.
    pub device_token: Option<String>,
    /// The client's address, for the per-address rate limits.
    pub client: Option<IpAddr>,
    /// Ties audit entries to log lines.
    pub request_id: String,
}

/// A request's outcome, with what the metrics count it as.
#[derive(Debug)]
pub struct Executed {
    pub outcome: Result<async_graphql::Response, Refusal>,
    /// The root field asked for (`submitRequest`), `multiple`, `invalid`
    /// (did not parse or validate) or `refused`.
    pub operation: String,
    /// `ok`, or the first error's code.
    pub result: String,
}

/// Why a request was not executed (or its answer withheld).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
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

impl Refusal {
    /// For people, in Spanish.
    pub fn message(self) -> String {
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
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Rejected => "QUERY_REJECTED",
            Refusal::NotOverGet => "NOT_OVER_GET",
            Refusal::MissingQuery => "MISSING_QUERY",
            Refusal::UseWebSocket => "USE_WEBSOCKET",
            Refusal::TimedOut => "TIMEOUT",
            Refusal::Unavailable => "UNAVAILABLE",
        }
    }

    /// The `extensions.code` a client gets: the refusals that are not
    /// about the document itself are all `BAD_REQUEST`.
    pub fn client_code(self) -> &'static str {
        match self {
            Refusal::Rejected | Refusal::TimedOut | Refusal::UseWebSocket => self.code(),
            Refusal::NotOverGet | Refusal::MissingQuery | Refusal::Unavailable => "BAD_REQUEST",
        }
    }
}

/// A parse or validation failure (or a refusal before execution): no data,
/// and no error points at a field, as execution errors always do.
pub fn is_request_error(response: &async_graphql::Response) -> bool {
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

/// Runs one request, and says what the metrics count it as: by root field
/// and outcome. The root field is read only from documents that passed
/// validation, so the label is always one of the schema's fields.
pub(crate) async fn run(
    schema: &ResguardoSchema,
    state: &ApiState,
    request: async_graphql::Request,
    caller: &Caller,
    over_get: bool,
) -> Executed {
    let refused = |refusal: Refusal| Executed {
        outcome: Err(refusal),
        operation: "refused".to_owned(),
        result: refusal.code().to_owned(),
    };
    let checked = check(&request, over_get, state.config.production).and_then(|parsed| {
        let operation = parsed.as_ref().ok().and_then(|d| selected_operation(d, request.operation_name.as_deref()));
        match operation {
            Some(op) if op.node.ty == OperationType::Subscription => Err(Refusal::UseWebSocket),
            _ => Ok(parsed),
        }
    });
    let document = match checked {
        Ok(Ok(document)) => Some(document),
        Ok(Err(syntax)) => {
            return Executed {
                outcome: Ok(async_graphql::Response::from_errors(vec![syntax])),
                operation: "invalid".to_owned(),
                result: request_errors::PARSE_FAILED.to_owned(),
            };
        }
        Err(refusal) => return refused(refusal),
    };
    let name = request.operation_name.clone();
    let mut outcome = run_checked(schema, state, request, caller).await;
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
    Executed { outcome, operation, result }
}

pub(crate) fn error_code(error: &async_graphql::ServerError) -> String {
    match error.extensions.as_ref().and_then(|x| x.get("code")) {
        Some(async_graphql::Value::String(code)) => code.clone(),
        _ => "INTERNAL".to_owned(),
    }
}

async fn run_checked(
    schema: &ResguardoSchema,
    state: &ApiState,
    request: async_graphql::Request,
    caller: &Caller,
) -> Result<async_graphql::Response, Refusal> {
    let context = request_context(state, caller).await?;
    // Per request, so its cache never outlives what this caller may see.
    let loaders: RequestLoader = DataLoader::with_cache(
        Loaders::new(state.db.clone()),
        tokio::spawn,
        async_graphql::dataloader::HashMapCache::default(),
    );
    let (actor, now) = (context.actor(), context.now);
    let reads = Arc::new(ReadLog::default());
    let request = request.data(context).data(loaders).data(RequestCache::default()).data(Arc::clone(&reads));
    let mut response = tokio::time::timeout(state.config.request_timeout, schema.execute(request))
        .await
        .map_err(|_| Refusal::TimedOut)?;
    if is_limit_refusal(&response) {
        return Err(Refusal::Rejected);
    }

    // The audit trail gets every sensitive read and every refusal before the
    // answer leaves; if it cannot be written, the answer does not leave.
    let denied = denied_operations(&response);
    // One append for the whole request: one statement on PostgreSQL.
    if let Err(error) = state.db.record_request(&actor, &reads.take(), &denied, now).await {
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

/// The operations a response refused, for the trail: those refused for
/// want of identity or rights, and any app submission refused (the form,
/// a conflict, the rate), with its code.
pub(crate) fn denied_operations(response: &async_graphql::Response) -> Vec<(AuditAction, String)> {
    response
        .errors
        .iter()
        .filter_map(|e| {
            let code = match e.extensions.as_ref().and_then(|x| x.get("code")) {
                Some(async_graphql::Value::String(code)) => code.as_str(),
                _ => "",
            };
            let Some(async_graphql::PathSegment::Field(operation)) = e.path.first() else { return None };
            match code {
                // Failed logins have their own entry.
                "FORBIDDEN" | "UNAUTHENTICATED" | "SECOND_FACTOR_SETUP_REQUIRED" if operation != "login" => {
                    Some((AuditAction::AccessDenied, operation.clone()))
                }
                _ if operation == Operation::SubmitAppInstance.field() => {
                    Some((AuditAction::AppSubmissionRefused, format!("{operation}:{code}")))
                }
                _ => None,
            }
        })
        .collect()
}

/// Errors raised by GraphQL itself (validation, argument types) are
/// rewritten in our words and get a stable code; ours carry one already.
pub(crate) fn finish_errors(response: &mut async_graphql::Response) {
    request_errors::finish(&mut response.errors);
}

/// Who is asking (from the bearer token), when, and under which request id.
pub(crate) async fn request_context(state: &ApiState, caller: &Caller) -> Result<RequestContext, Refusal> {
    let now = state.config.clock.now();
    let principal = match &caller.device_token {
        Some(token) => device_for(state, token).await?,
        None => Principal::from_session(session_for(state, caller.token.as_deref(), now).await?),
    };
    Ok(RequestContext { principal, request_id: caller.request_id.clone(), now, client: caller.client })
}

/// The app an intake token stands for; anonymous (so refused everything
/// an app may do) when it is unknown or revoked.
async fn device_for(state: &ApiState, token: &str) -> Result<Principal, Refusal> {
    let hash = secrets::intake_token_hash(&state.config.access_key_secret, token);
    let found = state.db.active_intake_token(&hash).await.map_err(|error| {
        tracing::error!(error = %error, "intake token lookup failed");
        Refusal::Unavailable
    })?;
    Ok(found.map_or(Principal::Anonymous, |token| {
        Principal::Device(crate::auth::Device { token_id: token.id, app: token.app })
    }))
}

/// The session a bearer token stands for, if it is still valid at `now`.
pub(crate) async fn session_for(
    state: &ApiState,
    token: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<db::Session>, Refusal> {
    let Some(token) = token else { return Ok(None) };
    let hash = secrets::session_token_hash(token);
    state.db.session(&hash, state.config.sessions, now).await.map_err(|error| {
        tracing::error!(error = %error, "session lookup failed");
        Refusal::Unavailable
    })
}
