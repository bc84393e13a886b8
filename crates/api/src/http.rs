//! GraphQL over HTTP, our own small handler rather than the stock
//! integration (which runs mutations sent over GET and ignores body limits,
//! see FACTS.md): POST with a JSON body, GET for queries only, and the
//! response media type the client asked for.

use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::ResguardoSchema;

/// Request bodies larger than this are refused before parsing.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The `/graphql` route.
pub fn router(schema: ResguardoSchema) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(schema)
}

async fn graphql_post(State(schema): State<ResguardoSchema>, headers: HeaderMap, body: Bytes) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case(JSON)));
    if !is_json {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "envíe la consulta como application/json",
        );
    }
    match serde_json::from_slice::<async_graphql::Request>(&body) {
        Ok(request) => execute(&schema, request, &headers).await,
        Err(_) => refusal(
            StatusCode::BAD_REQUEST,
            "el cuerpo no es una solicitud GraphQL en JSON válida",
        ),
    }
}

async fn graphql_get(State(schema): State<ResguardoSchema>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let request = match async_graphql::http::parse_query_string(query.as_deref().unwrap_or_default()) {
        Ok(request) => request,
        Err(_) => return refusal(StatusCode::BAD_REQUEST, "parámetros de consulta inválidos"),
    };
    // GET must be safe: only queries run over it. Anything else, including
    // a document that does not parse, is left to POST.
    if !is_query(&request) {
        let mut response = refusal(StatusCode::METHOD_NOT_ALLOWED, "use POST para esta operación");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
        return response;
    }
    execute(&schema, request, &headers).await
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

async fn execute(schema: &ResguardoSchema, request: async_graphql::Request, headers: &HeaderMap) -> Response {
    let response = schema.execute(request).await;
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

/// `application/graphql-response+json` when the client lists it, plain
/// JSON otherwise.
fn negotiate(headers: &HeaderMap) -> &'static str {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if accept.split(',').any(|t| {
        t.split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case(GRAPHQL_RESPONSE))
    }) {
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
