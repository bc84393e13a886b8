//! GraphQL over HTTP, our own small handler rather than the stock
//! integration (which runs mutations sent over GET, accepts batches and
//! ignores body limits, see FACTS.md): POST with a JSON body (64 KiB at
//! most, refused with 413 before parsing), GET for queries only (405
//! otherwise), batches only when configured, and the response media type
//! the client asked for; files through the GraphQL multipart request spec,
//! under their own limit. Running one request is the `api` crate's job.

use std::net::{IpAddr, SocketAddr};

use api::{Caller, Executed, Refusal, is_request_error};
use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequest, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::WebState;

/// Request bodies larger than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";

/// The connection's peer address, when the server was started with it.
pub(crate) type Peer = Option<Extension<ConnectInfo<SocketAddr>>>;

/// Who sends this request: their bearer token, address and request id.
pub(crate) fn caller(app: &WebState, headers: &HeaderMap, peer: Peer) -> Caller {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::to_owned);
    Caller {
        token,
        device_token: None,
        client: client_address(app, headers, peer),
        request_id: crate::metrics::request_id(headers),
    }
}

/// Someone on the public pages: no account (a bearer token sent by the
/// browser is not theirs to use here), their address for the rate limits.
pub(crate) fn anonymous_caller(app: &WebState, headers: &HeaderMap, peer: Peer) -> Caller {
    Caller { token: None, ..caller(app, headers, peer) }
}

/// Runs one request through the API and counts it.
pub(crate) async fn execute(
    app: &WebState,
    request: async_graphql::Request,
    caller: &Caller,
    over_get: bool,
) -> Result<async_graphql::Response, Refusal> {
    let Executed { outcome, operation, result } = app.api.execute(request, caller, over_get).await;
    app.metrics.graphql(&operation, &result);
    outcome
}

pub(crate) async fn post(State(app): State<WebState>, peer: Peer, request: axum::extract::Request) -> Response {
    let headers = request.headers().clone();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let media = content_type.split(';').next().map(str::trim).unwrap_or("");
    if media.eq_ignore_ascii_case(MULTIPART) {
        return multipart(&app, peer, &headers, &content_type, request.into_body()).await;
    }
    if !media.eq_ignore_ascii_case(JSON) {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "envíe la consulta como application/json (o multipart/form-data con archivos)",
        );
    }
    // The JSON body is read under the router's limit (413 above it).
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    let media_type = negotiate(&headers);
    let caller = caller(&app, &headers, peer);
    match serde_json::from_slice::<async_graphql::BatchRequest>(&body) {
        Ok(async_graphql::BatchRequest::Single(request)) => {
            respond(execute(&app, request, &caller, false).await, media_type)
        }
        Ok(async_graphql::BatchRequest::Batch(requests)) => {
            let max = app.config.batch_max;
            if max == 0 || requests.is_empty() || requests.len() > max {
                return refusal(StatusCode::BAD_REQUEST, "no se admiten lotes de consultas");
            }
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                match execute(&app, request, &caller, false).await {
                    Ok(response) => responses.push(response),
                    Err(refused) => return refusal_response(refused),
                }
            }
            let retry_after = responses.iter().filter_map(retry_after).max();
            with_retry_after(json(StatusCode::OK, media_type, &responses), retry_after)
        }
        Err(_) => refusal(StatusCode::BAD_REQUEST, "el cuerpo no es una solicitud GraphQL en JSON válida"),
    }
}

/// A request with files, as the GraphQL multipart request spec sends it
/// (an `operations` part, a `map`, and one part per file). Refused with
/// 413 before reading when it announces more than the upload limit, and
/// cut off at the limit when it does not say; parsed by async-graphql in
/// memory (it is built without temporary files: nothing of an upload ever
/// reaches the disk). One operation, at most one file.
async fn multipart(app: &WebState, peer: Peer, headers: &HeaderMap, content_type: &str, body: Body) -> Response {
    let max = app.config.upload_max_bytes;
    let announced = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if announced.is_some_and(|length| length > max) {
        return too_large(max);
    }
    let Ok(body) = axum::body::to_bytes(body, max).await else { return too_large(max) };
    let options = async_graphql::http::MultipartOptions::default().max_file_size(max).max_num_files(1);
    let request = match async_graphql::http::receive_batch_body(Some(content_type), &body[..], options).await {
        Ok(async_graphql::BatchRequest::Single(request)) => request,
        Ok(async_graphql::BatchRequest::Batch(_)) => {
            return refusal(StatusCode::BAD_REQUEST, "no se admiten lotes de consultas con archivos");
        }
        Err(async_graphql::ParseRequestError::PayloadTooLarge) => return too_large(max),
        Err(_) => {
            return refusal(StatusCode::BAD_REQUEST, "el cuerpo no sigue la especificación multipart de GraphQL");
        }
    };
    let caller = caller(app, headers, peer);
    respond(execute(app, request, &caller, false).await, negotiate(headers))
}

fn too_large(max: usize) -> Response {
    let message = format!("la solicitud supera el máximo de {max} bytes; envíe los archivos grandes por partes");
    crate::closing(refusal_with_code(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", &message))
}

pub(crate) async fn get(
    State(app): State<WebState>,
    peer: Peer,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    // A browser opening the address is shown GraphiQL, when it is served.
    if app.config.graphiql && crate::graphiql::wants_page(&headers, query.as_deref()) {
        return crate::graphiql::see_page();
    }
    let request = match async_graphql::http::parse_query_string(query.as_deref().unwrap_or_default()) {
        Ok(request) => request,
        Err(_) => return refusal(StatusCode::BAD_REQUEST, "parámetros de consulta inválidos"),
    };
    let caller = caller(&app, &headers, peer);
    respond(execute(&app, request, &caller, true).await, negotiate(&headers))
}

/// The client's address: from the configured proxy header (its rightmost
/// entry, which our proxy wrote; entries to its left are whatever the
/// client claimed), else the connection's peer.
pub(crate) fn client_address(app: &WebState, headers: &HeaderMap, peer: Peer) -> Option<IpAddr> {
    if let Some(name) = &app.config.client_ip_header {
        let forwarded = headers.get_all(name.as_str()).iter().next_back().and_then(|v| v.to_str().ok());
        return forwarded.and_then(|v| v.rsplit(',').next()).and_then(|v| v.trim().parse().ok());
    }
    peer.map(|Extension(ConnectInfo(address))| address.ip())
}

/// Seconds to wait when the response was cut short by a rate limit.
fn retry_after(response: &async_graphql::Response) -> Option<u64> {
    response
        .errors
        .iter()
        .filter_map(|e| e.extensions.as_ref()?.get("retryAfter"))
        .filter_map(|v| match v {
            async_graphql::Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .max()
}

/// A rate-limited answer is a 429 with `Retry-After`, whatever else it
/// carries.
fn with_retry_after(mut response: Response, seconds: Option<u64>) -> Response {
    if let Some(seconds) = seconds {
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A refusal before execution, with its HTTP status.
pub(crate) fn refusal_response(refusal: Refusal) -> Response {
    let status = match refusal {
        Refusal::Rejected | Refusal::MissingQuery | Refusal::UseWebSocket => StatusCode::BAD_REQUEST,
        Refusal::NotOverGet => StatusCode::METHOD_NOT_ALLOWED,
        Refusal::TimedOut | Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    };
    refusal_with_code(status, refusal.client_code(), &refusal.message())
}

fn respond(outcome: Result<async_graphql::Response, Refusal>, media_type: &'static str) -> Response {
    let response = match outcome {
        Ok(response) => response,
        Err(refused) => return refusal_response(refused),
    };
    let not_executed = is_request_error(&response);
    // With the GraphQL media type, a request that could not be executed at
    // all is a 400; plain JSON clients always get 200 (GraphQL over HTTP,
    // §6.4).
    let status = if media_type == GRAPHQL_RESPONSE && not_executed { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let answer = if not_executed {
        // A request that never ran has no `data` entry at all, not a null
        // one (which would say execution began and failed at the root).
        json(status, media_type, &NotExecuted { errors: &response.errors })
    } else {
        // Serialised as it is: a round trip through serde_json's map
        // would sort the fields alphabetically.
        json(status, media_type, &response)
    };
    with_retry_after(answer, retry_after(&response))
}

#[derive(serde::Serialize)]
struct NotExecuted<'a> {
    errors: &'a [async_graphql::ServerError],
}

fn json(status: StatusCode, media_type: &'static str, body: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(body) => (status, [(header::CONTENT_TYPE, media_type)], body).into_response(),
        Err(_) => refusal(StatusCode::INTERNAL_SERVER_ERROR, "error interno"),
    }
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
pub(crate) fn refusal(status: StatusCode, message: &str) -> Response {
    refusal_with_code(status, "BAD_REQUEST", message)
}

pub(crate) fn refusal_with_code(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut response = (status, [(header::CONTENT_TYPE, JSON)], body.to_string()).into_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    }
    response
}
