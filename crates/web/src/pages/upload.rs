//! A page's post that may carry one file (a defender's evidence on
//! `/seguimiento`, an officer's on the case page): `multipart/form-data`,
//! read in memory only, never to the disk, under the upload limit
//! (`WebConfig::upload_max_bytes`); any other post is the usual urlencoded
//! form under the router's small limit.
//!
//! A file over the limit is no bare 413: the fields sent before it (the
//! form's hidden fields come first) are kept, the rest of the body is read
//! and dropped so that the browser gets the page rather than a reset
//! connection, and the page says why next to the file's field.

use axum::Form;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::WebState;

/// What the text fields of a multipart post may hold together: as much as
/// an urlencoded post.
const TEXT_MAX_BYTES: usize = crate::MAX_BODY_BYTES;

/// Past the limit, this much more of a file is read and dropped so that
/// the browser hears the answer; a body longer still is cut off.
const DRAIN_MAX_BYTES: usize = 1 << 30;

/// A file as the browser sent it. Its name may say who or where: it is
/// never printed, logged or shown back.
pub(crate) struct PostedFile {
    pub(crate) name: String,
    pub(crate) media_type: Option<String>,
    pub(crate) content: Bytes,
}

impl std::fmt::Debug for PostedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PostedFile({} bytes, <name redacted>)", self.content.len())
    }
}

impl PostedFile {
    /// The file as an upload of a GraphQL request.
    pub(crate) fn into_upload(self) -> async_graphql::UploadValue {
        async_graphql::UploadValue { filename: self.name, content_type: self.media_type, content: self.content }
    }
}

/// The file part of a post.
#[derive(Debug)]
pub(crate) enum Attached {
    /// None sent (a urlencoded post, or the file field left empty).
    Nothing,
    File(PostedFile),
    /// Over the limit: dropped unread.
    TooLarge,
}

/// A post as received: its text fields in order, and its file.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) pairs: Vec<(String, String)>,
    pub(crate) file: Attached,
}

/// The largest file a page takes: the upload limit, less the room the
/// form's other fields may take.
pub(crate) fn largest_file(app: &WebState) -> usize {
    app.config.upload_max_bytes.saturating_sub(TEXT_MAX_BYTES)
}

/// Whether the post carries a file (`multipart/form-data`).
fn is_multipart(request: &Request) -> bool {
    media_type(request).eq_ignore_ascii_case("multipart/form-data")
}

fn media_type(request: &Request) -> &str {
    let value = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    value.split(';').next().unwrap_or("").trim()
}

/// Reads a page's post, multipart or urlencoded; `Err` is the answer to a
/// body no page of ours sends (malformed, text fields too long).
pub(crate) async fn receive(app: &WebState, request: Request) -> Result<Received, Response> {
    if !is_multipart(&request) {
        let Form(pairs) =
            Form::<Vec<(String, String)>>::from_request(request, &()).await.map_err(IntoResponse::into_response)?;
        return Ok(Received { pairs, file: Attached::Nothing });
    }
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|_| malformed())?;
    let multipart = multer::Multipart::new(request.into_body().into_data_stream(), boundary);
    read(multipart, largest_file(app)).await
}

async fn read(mut multipart: multer::Multipart<'_>, file_max: usize) -> Result<Received, Response> {
    let mut pairs = Vec::new();
    let mut text_bytes = 0;
    let mut file = Attached::Nothing;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| malformed())? {
        let name = field.name().unwrap_or("").to_owned();
        let Some(given) = field.file_name().map(str::to_owned) else {
            let mut value = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| malformed())? {
                text_bytes += chunk.len();
                if text_bytes > TEXT_MAX_BYTES {
                    return Err(crate::closing(StatusCode::PAYLOAD_TOO_LARGE.into_response()));
                }
                value.extend_from_slice(&chunk);
            }
            pairs.push((name, String::from_utf8(value).map_err(|_| malformed())?));
            continue;
        };
        // One file per post: any other is read and dropped.
        let wanted = matches!(file, Attached::Nothing);
        let media_type = field.content_type().map(ToString::to_string);
        let mut content = Vec::new();
        let mut over = !wanted;
        let mut dropped = 0;
        while let Some(chunk) = field.chunk().await.map_err(|_| malformed())? {
            if !over && content.len() + chunk.len() > file_max {
                over = true;
                content = Vec::new();
            }
            if over {
                dropped += chunk.len();
                if dropped > DRAIN_MAX_BYTES {
                    // Too long to wait for: answer now, the rest unread.
                    return Ok(Received { pairs, file: Attached::TooLarge });
                }
            } else {
                content.extend_from_slice(&chunk);
            }
        }
        if !wanted {
            continue;
        }
        file = match (over, content.is_empty() && given.is_empty()) {
            (true, _) => Attached::TooLarge,
            // The file field left empty: browsers send a nameless, empty part.
            (false, true) => Attached::Nothing,
            (false, false) => Attached::File(PostedFile { name: given, media_type, content: Bytes::from(content) }),
        };
    }
    Ok(Received { pairs, file })
}

fn malformed() -> Response {
    StatusCode::BAD_REQUEST.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, file, content) in parts {
            body.extend_from_slice(b"--B\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(name.as_bytes());
            body.push(b'"');
            if let Some(file) = file {
                body.extend_from_slice(format!("; filename=\"{file}\"\r\nContent-Type: image/jpeg").as_bytes());
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--B--\r\n");
        body
    }

    async fn parse(body: Vec<u8>, file_max: usize) -> Result<Received, Response> {
        let stream = futures_util::stream::iter(
            body.chunks(7).map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c))).collect::<Vec<_>>(),
        );
        read(multer::Multipart::new(stream, "B"), file_max).await
    }

    #[tokio::test]
    async fn fields_in_order_and_one_file_in_memory() {
        let sent = body(&[
            ("ficha", None, b"abc"),
            ("evidence.file", Some("foto de Rosa.jpg"), b"\xFF\xD8\xFFdatos"),
            ("evidence.file", Some("otra.jpg"), b"otra"),
            ("accion", None, "agregar-prueba".as_bytes()),
        ]);
        let received = parse(sent, 1000).await.unwrap();
        assert_eq!(received.pairs, [("ficha".into(), "abc".into()), ("accion".into(), "agregar-prueba".into())]);
        let Attached::File(file) = received.file else { panic!("{:?}", received.file) };
        assert_eq!(&file.content[..], b"\xFF\xD8\xFFdatos");
        assert_eq!(file.media_type.as_deref(), Some("image/jpeg"));
        assert!(!format!("{file:?}").contains("Rosa"), "the name is never printed");
        assert_eq!(file.into_upload().filename, "foto de Rosa.jpg");
    }

    #[tokio::test]
    async fn a_file_over_the_limit_is_dropped_and_the_fields_around_it_kept() {
        let big = vec![7u8; 5000];
        let sent = body(&[("ficha", None, b"abc"), ("evidence.file", Some("v.mp4"), &big), ("accion", None, b"x")]);
        let received = parse(sent, 4999).await.unwrap();
        assert!(matches!(received.file, Attached::TooLarge));
        assert_eq!(received.pairs.len(), 2, "the fields after the file are read too");
        // The file field left empty is no file.
        let empty = parse(body(&[("evidence.file", Some(""), b"")]), 10).await.unwrap();
        assert!(matches!(empty.file, Attached::Nothing));
    }

    #[tokio::test]
    async fn text_fields_keep_to_the_small_limit() {
        let long = vec![b'a'; TEXT_MAX_BYTES + 1];
        let refused = parse(body(&[("evidence.description", None, &long)]), usize::MAX).await;
        assert_eq!(refused.err().map(|r| r.status()), Some(StatusCode::PAYLOAD_TOO_LARGE));
        let broken = parse(b"--B\r\nnot a part".to_vec(), 10).await;
        assert_eq!(broken.err().map(|r| r.status()), Some(StatusCode::BAD_REQUEST));
    }
}
