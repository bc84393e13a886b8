//! OpenRosa for ODK Collect and Tella (../shared/OPENROSA.md), under a
//! base URL per app token, `/openrosa/{token}/`: `formList`, the form at
//! `forms/resguardo-solicitud.xml`, `HEAD submission` (204 with the size
//! accepted) and the multipart `POST submission` (201 with the file
//! number). Each is a GraphQL operation run with the token as the caller
//! (`intakeForm`, `submitAppInstance`), so authorization, limits and audit
//! stay the API's. Every answer carries `X-OpenRosa-Version: 1.0`; errors
//! are an `OpenRosaResponse` whose message the app shows.

use api::Caller;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::WebState;
use crate::graphql_http::{Peer, client_address, execute};

const FORM_QUERY: &str = "query OpenRosaForm { intakeForm { formId version name xml } }";
const SUBMIT: &str = "mutation OpenRosaSubmission($instance: String!, $files: [Upload!]!) { \
     submitAppInstance(instance: $instance, files: $files) { fileNumber replayed filesReceived filesOnCase filesNamed } }";
/// The XML part of a submission; every other part is a file it names.
const INSTANCE_PART: &str = "xml_submission_file";
/// Collect marks all but the last of a split submission with this part.
const INCOMPLETE_PART: &str = "*isIncomplete*";

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/openrosa/{token}/formList", get(form_list))
        .route("/openrosa/{token}/forms/{form}", get(form))
        .route("/openrosa/{token}/submission", get(accepts).head(accepts).post(submit))
}

/// The app behind `token`, for the API.
fn app_caller(app: &WebState, headers: &HeaderMap, peer: Peer, token: &str) -> Caller {
    Caller {
        token: None,
        device_token: Some(token.to_owned()),
        client: client_address(app, headers, peer),
        request_id: crate::metrics::request_id(headers),
    }
}

/// Runs `request` for the app; its data, or the OpenRosa answer to its
/// first error.
async fn run(app: &WebState, caller: &Caller, request: async_graphql::Request) -> Result<Value, Response> {
    let response = execute(app, request, caller, false).await.map_err(|_| {
        message(StatusCode::SERVICE_UNAVAILABLE, "El servidor no está disponible; vuelva a intentar más tarde.")
    })?;
    if let Some(error) = response.errors.first() {
        let code = match error.extensions.as_ref().and_then(|x| x.get("code")) {
            Some(async_graphql::Value::String(code)) => code.clone(),
            _ => "INTERNAL".to_owned(),
        };
        return Err(refusal(&code, error));
    }
    response.data.into_json().map_err(|_| message(StatusCode::INTERNAL_SERVER_ERROR, "Error interno."))
}

/// An error as the apps show it: the status they act on, and a message a
/// person can act on (naming the form's questions at fault).
fn refusal(code: &str, error: &async_graphql::ServerError) -> Response {
    let (status, text) = match code {
        // Unknown or revoked: the same answer, so a token cannot be probed.
        "UNAUTHENTICATED" | "FORBIDDEN" => (
            StatusCode::FORBIDDEN,
            "Esta dirección de envío no es válida o fue revocada; pida una nueva a la DGDH.".to_owned(),
        ),
        "BAD_USER_INPUT" => (StatusCode::BAD_REQUEST, problems(error)),
        "CONFLICT" => (
            StatusCode::CONFLICT,
            "Ya se recibió otro formulario con este mismo identificador; no se registró este envío.".to_owned(),
        ),
        "RATE_LIMITED" => {
            (StatusCode::TOO_MANY_REQUESTS, "Demasiados envíos seguidos; vuelva a intentar en unos minutos.".to_owned())
        }
        "INVALID_TRANSITION" => (StatusCode::CONFLICT, error.message.clone()),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "Error interno; vuelva a intentar más tarde.".to_owned()),
    };
    message(status, &text)
}

/// Each problem of an input error, `question: message`.
fn problems(error: &async_graphql::ServerError) -> String {
    let listed = error.extensions.as_ref().and_then(|x| x.get("fields")).and_then(|fields| match fields {
        async_graphql::Value::List(items) => Some(
            items
                .iter()
                .filter_map(|item| match item {
                    async_graphql::Value::Object(o) => {
                        let text = |k: &str| match o.get(k) {
                            Some(async_graphql::Value::String(s)) => s.clone(),
                            _ => String::new(),
                        };
                        Some(format!("{}: {}", text("field"), text("message")))
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        _ => None,
    });
    format!(
        "El formulario tiene errores. {}",
        listed.filter(|l| !l.is_empty()).unwrap_or_else(|| error.message.clone())
    )
}

/// An `OpenRosaResponse` with one message.
fn message(status: StatusCode, text: &str) -> Response {
    // `nature` says success only on success.
    let nature = if status.is_success() { " nature=\"submit_success\"" } else { "" };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">\
         <message{nature}>{}</message></OpenRosaResponse>\n",
        escape(text)
    );
    xml(status, body)
}

fn xml(status: StatusCode, body: String) -> Response {
    let mut response = (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response();
    openrosa_headers(response.headers_mut());
    response
}

fn openrosa_headers(headers: &mut HeaderMap) {
    headers.insert("x-openrosa-version", HeaderValue::from_static("1.0"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// This server's address as the app reached it, for the form's download
/// link: the configured public address, else the request's host.
fn base_url(app: &WebState, headers: &HeaderMap) -> String {
    if let Some(public) = &app.config.public_url {
        return public.trim_end_matches('/').to_owned();
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    format!("http://{host}")
}

async fn intake_form(app: &WebState, headers: &HeaderMap, peer: Peer, token: &str) -> Result<Value, Response> {
    let caller = app_caller(app, headers, peer, token);
    run(app, &caller, async_graphql::Request::new(FORM_QUERY)).await
}

async fn form_list(State(app): State<WebState>, peer: Peer, headers: HeaderMap, Path(token): Path<String>) -> Response {
    let data = match intake_form(&app, &headers, peer, &token).await {
        Ok(data) => data,
        Err(answer) => return answer,
    };
    let form = &data["intakeForm"];
    let text = |key: &str| escape(form[key].as_str().unwrap_or_default());
    let hash = crate::hex(&Md5::digest(form["xml"].as_str().unwrap_or_default().as_bytes()));
    let url = format!("{}/openrosa/{}/forms/{}.xml", base_url(&app, &headers), escape(&token), text("formId"));
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">\n\
         <xform><formID>{}</formID><name>{}</name><version>{}</version><hash>md5:{hash}</hash>\
         <downloadUrl>{url}</downloadUrl></xform>\n</xforms>\n",
        text("formId"),
        text("name"),
        text("version"),
    );
    xml(StatusCode::OK, body)
}

async fn form(
    State(app): State<WebState>,
    peer: Peer,
    headers: HeaderMap,
    Path((token, file)): Path<(String, String)>,
) -> Response {
    let data = match intake_form(&app, &headers, peer, &token).await {
        Ok(data) => data,
        Err(answer) => return answer,
    };
    let form = &data["intakeForm"];
    if Some(file.as_str()) != form["formId"].as_str().map(|id| format!("{id}.xml")).as_deref() {
        return message(StatusCode::NOT_FOUND, "No existe ese formulario.");
    }
    xml(StatusCode::OK, form["xml"].as_str().unwrap_or_default().to_owned())
}

/// `HEAD submission`: 204 and the largest submission taken in one POST
/// (Collect splits larger ones). The token is checked as for a POST, so a
/// revoked one learns it before sending anything.
async fn accepts(State(app): State<WebState>, peer: Peer, headers: HeaderMap, Path(token): Path<String>) -> Response {
    if let Err(answer) = intake_form(&app, &headers, peer, &token).await {
        return answer;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    openrosa_headers(response.headers_mut());
    if let Ok(length) = HeaderValue::from_str(&accepted_length(&app).to_string()) {
        response.headers_mut().insert("x-openrosa-accept-content-length", length);
    }
    response
}

/// What a POST may carry: the request limit, less room for the parts'
/// headers.
fn accepted_length(app: &WebState) -> usize {
    app.config.upload_max_bytes.saturating_sub(64 << 10)
}

/// A submission's parts: the instance, and the files by name.
struct Parts {
    instance: String,
    files: Vec<(String, Option<String>, Bytes)>,
}

async fn parts(body: Bytes, boundary: String, limit: usize) -> Result<Parts, Response> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    let constraints = multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limit as u64));
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let unreadable = || message(StatusCode::BAD_REQUEST, "El envío no es un formulario multiparte legible.");
    let mut instance = None;
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let bytes = field.bytes().await.map_err(|_| unreadable())?;
        match name.as_str() {
            INSTANCE_PART => instance = Some(String::from_utf8(bytes.to_vec()).map_err(|_| unreadable())?),
            INCOMPLETE_PART => {}
            _ => files.push((file_name.unwrap_or(name), content_type, bytes)),
        }
    }
    let instance = instance.ok_or_else(|| {
        message(StatusCode::BAD_REQUEST, "Falta el formulario (la parte xml_submission_file) en el envío.")
    })?;
    Ok(Parts { instance, files })
}

/// `POST submission`: the instance and its files, as one GraphQL request
/// with uploads; 201 with the file number (never the access key: the apps
/// keep this message in clear).
async fn submit(State(app): State<WebState>, peer: Peer, Path(token): Path<String>, request: Request) -> Response {
    let headers = request.headers().clone();
    let limit = accepted_length(&app) + (64 << 10);
    let too_large =
        || crate::closing(message(StatusCode::PAYLOAD_TOO_LARGE, "El envío es demasiado grande para una sola vez."));
    let announced = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if announced.is_some_and(|length| length > limit) {
        return too_large();
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return message(StatusCode::BAD_REQUEST, "El envío debe ser multipart/form-data.");
    };
    let Ok(body) = axum::body::to_bytes(request.into_body(), limit).await else { return too_large() };
    let parts = match parts(body, boundary, limit).await {
        Ok(parts) => parts,
        Err(answer) => return answer,
    };
    let placeholders = vec![Value::Null; parts.files.len()];
    let variables = json!({ "instance": parts.instance, "files": placeholders });
    let mut graphql = async_graphql::Request::new(SUBMIT).variables(async_graphql::Variables::from_json(variables));
    for (index, (filename, content_type, content)) in parts.files.into_iter().enumerate() {
        graphql.set_upload(
            &format!("variables.files.{index}"),
            async_graphql::UploadValue { filename, content_type, content },
        );
    }
    let caller = app_caller(&app, &headers, peer, &token);
    let data = match run(&app, &caller, graphql).await {
        Ok(data) => data,
        Err(answer) => return answer,
    };
    let done = &data["submitAppInstance"];
    let number = done["fileNumber"].as_str().unwrap_or_default();
    let (on_case, named) = (done["filesOnCase"].as_u64().unwrap_or(0), done["filesNamed"].as_u64().unwrap_or(0));
    let text = if on_case < named {
        format!(
            "Solicitud recibida con el expediente {number}; faltan por recibir {} de {named} archivos.",
            named - on_case
        )
    } else {
        format!(
            "Solicitud recibida con el expediente {number}. La DGDH se comunicará por el medio de contacto indicado."
        )
    };
    message(StatusCode::CREATED, &text)
}
