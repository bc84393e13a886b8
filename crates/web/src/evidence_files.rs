//! An evidence file as a download, for officers (their bearer token or
//! the console's session): `GET /consola/pruebas/{id}`. Like every page it
//! is a client of the schema: one query for what the file is, then its
//! content a few chunks per query, each an audited read. Served as an
//! attachment under a neutral name, never cached, never sniffed, and
//! checked as it goes out against the digest recorded at receipt: a file
//! that changed in the database is cut off before its end, so it never
//! arrives whole.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::WebState;
use crate::downloads::run;
use crate::graphql_http::Peer;

/// Chunks read per query (4 MiB): one audited read per query.
const CHUNKS_PER_QUERY: u64 = 16;

const FILE: &str = "query EvidenceDownload($id: ID!) { \
     evidenceFile(id: $id) { mediaType downloadName size sha256 chunks } }";

pub(crate) fn routes() -> Router<WebState> {
    Router::new().route("/consola/pruebas/{id}", get(download))
}

/// What the first query says of the file.
struct Described {
    media_type: String,
    name: String,
    size: u64,
    sha256: String,
    chunks: u64,
}

impl Described {
    fn of(data: &Value) -> Option<Self> {
        let file = &data["evidenceFile"];
        Some(Self {
            media_type: file["mediaType"].as_str()?.to_owned(),
            name: file["downloadName"].as_str()?.to_owned(),
            size: file["size"].as_u64()?,
            sha256: file["sha256"].as_str()?.to_owned(),
            chunks: file["chunks"].as_u64()?,
        })
    }
}

async fn download(State(app): State<WebState>, peer: Peer, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let data = match run(&app, &headers, peer, FILE.to_owned(), json!({ "id": id })).await {
        Ok(data) => data,
        Err(answer) => return answer,
    };
    let Some(file) = Described::of(&data) else {
        return crate::graphql_http::refusal_with_code(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "error interno");
    };
    let mut response =
        (StatusCode::OK, Body::from_stream(content(app, headers, peer, id, file.chunks, file.sha256.clone())))
            .into_response();
    let set = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, file.media_type.clone()),
        (header::CONTENT_LENGTH, file.size.to_string()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", file.name)),
        (header::CACHE_CONTROL, "no-store".to_owned()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            set.insert(name, value);
        }
    }
    response
}

/// Why the content stopped before its end.
#[derive(Debug, thiserror::Error)]
enum Cut {
    #[error("the evidence file could not be read")]
    Unreadable,
    #[error("the evidence file does not match the digest recorded at receipt")]
    Altered,
}

/// The content, read `CHUNKS_PER_QUERY` chunks per query, hashed as it
/// goes; the last piece is held back unless the whole matches `sha256`.
fn content(
    app: WebState,
    headers: HeaderMap,
    peer: Peer,
    id: String,
    chunks: u64,
    sha256: String,
) -> impl futures_util::Stream<Item = Result<Bytes, Cut>> {
    struct Reading {
        app: WebState,
        headers: HeaderMap,
        peer: Peer,
        id: String,
        next: u64,
        hasher: Sha256,
    }
    let start = Reading { app, headers, peer, id, next: 0, hasher: Sha256::new() };
    futures_util::stream::unfold(Some(start), move |reading| {
        let (chunks, sha256) = (chunks, sha256.clone());
        async move {
            let mut reading = reading?;
            if reading.next >= chunks {
                return None;
            }
            let upto = (reading.next + CHUNKS_PER_QUERY).min(chunks);
            let fields: String =
                (reading.next..upto).map(|n| format!("c{n}: content(chunk: {n}) ")).collect::<Vec<_>>().concat();
            let query = format!("query EvidenceContent($id: ID!) {{ evidenceFile(id: $id) {{ {fields}}} }}");
            let variables = json!({ "id": reading.id });
            let Ok(data) = run(&reading.app, &reading.headers, reading.peer, query, variables).await else {
                return Some((Err(Cut::Unreadable), None));
            };
            let mut piece = Vec::new();
            for n in reading.next..upto {
                let text = data["evidenceFile"][format!("c{n}")].as_str().unwrap_or_default();
                let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text) else {
                    return Some((Err(Cut::Unreadable), None));
                };
                piece.extend_from_slice(&bytes);
            }
            reading.hasher.update(&piece);
            reading.next = upto;
            if upto == chunks {
                let digest = crate::hex(&reading.hasher.clone().finalize());
                if digest != sha256 {
                    tracing::error!("an evidence file does not match its recorded digest; download cut off");
                    return Some((Err(Cut::Altered), None));
                }
            }
            Some((Ok(Bytes::from(piece)), Some(reading)))
        }
    })
}
