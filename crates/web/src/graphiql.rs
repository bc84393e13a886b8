//! GraphiQL, served by the binary itself: the page at `/graphiql` and its
//! three assets (built by `tools/graphiql` into `crates/web/assets/graphiql/`,
//! embedded here) under content-hashed paths, so the page loads nothing from
//! a third-party host. The page has no inline script or style: it runs
//! under [`PAGE_CSP`], and every asset it names carries its SRI hash. The
//! assets' own script (`init.js`) sends queries to `/graphql` and
//! subscriptions to `/graphql/ws`.

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha384};

/// The page's path.
pub(crate) const PATH: &str = "/graphiql";

/// The page's Content-Security-Policy: scripts, styles and connections to
/// this origin only (`'self'` covers `ws:`/`wss:` to the same host),
/// `data:` images for the editor's icons in the stylesheet, nothing else.
/// GraphiQL needs no inline style: its few `<style>` elements (the scroll
/// lock of its dialogs) are refused without harm, and styles set from
/// script are not governed by CSP.
pub(crate) const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The page's icon: none, said inline so that the browser does not ask for
/// `/favicon.ico`.
const NO_ICON: &str = "data:,";

/// The assets, as `tools/graphiql` builds them.
const FILES: [(&str, &str, &str, &[u8]); 3] = [
    ("graphiql", "css", "text/css; charset=utf-8", include_bytes!("../assets/graphiql/graphiql.css")),
    ("graphiql", "js", "text/javascript; charset=utf-8", include_bytes!("../assets/graphiql/graphiql.js")),
    ("init", "js", "text/javascript; charset=utf-8", include_bytes!("../assets/graphiql/init.js")),
];

/// One embedded asset and where it is served.
struct Asset {
    /// `/graphiql/assets/<name>.<first 16 hex digits of its SHA-384>.<ext>`.
    path: String,
    /// `sha384-<base64>`, as the page's `integrity` attribute says.
    integrity: String,
    content_type: &'static str,
    bytes: &'static [u8],
}

struct Page {
    html: String,
    assets: Vec<Asset>,
}

static PAGE: LazyLock<Page> = LazyLock::new(|| {
    let assets: Vec<Asset> = FILES
        .iter()
        .map(|&(name, ext, content_type, bytes)| {
            let digest = Sha384::digest(bytes);
            let hash = digest[..8].iter().fold(String::new(), |mut hex, b| {
                let _ = write!(hex, "{b:02x}");
                hex
            });
            Asset {
                path: format!("{PATH}/assets/{name}.{hash}.{ext}"),
                integrity: format!("sha384-{}", base64(&digest)),
                content_type,
                bytes,
            }
        })
        .collect();
    let mut head = String::new();
    for asset in &assets {
        if asset.path.ends_with(".css") {
            let _ =
                write!(head, "\n  <link rel=\"stylesheet\" href=\"{}\" integrity=\"{}\">", asset.path, asset.integrity);
        } else {
            let _ =
                write!(head, "\n  <script defer src=\"{}\" integrity=\"{}\"></script>", asset.path, asset.integrity);
        }
    }
    let html = format!(
        "<!doctype html>\n<html lang=\"es\">\n<head>\n  <meta charset=\"utf-8\">\n  \
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  \
         <meta name=\"robots\" content=\"noindex\">\n  <title>Resguardo · GraphiQL</title>\n  \
         <link rel=\"icon\" href=\"{NO_ICON}\">{head}\n</head>\n<body>\n  \
         <div id=\"graphiql\"></div>\n  <noscript>GraphiQL necesita JavaScript.</noscript>\n</body>\n</html>\n"
    );
    Page { html, assets }
});

/// `GET /graphiql` and the assets, for any router state.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let page = &*PAGE;
    let mut router = Router::new().route(PATH, get(page_response));
    for asset in &page.assets {
        router = router.route(&asset.path, get(move || async move { asset_response(asset) }));
    }
    router
}

async fn page_response() -> Response {
    let mut response = PAGE.html.as_str().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn asset_response(asset: &'static Asset) -> Response {
    let mut response = asset.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// Whether a `GET /graphql` is a browser opening the address: no `query`
/// parameter, and an `Accept` that ranks `text/html` above the JSON media
/// types (a browser's `text/html,…,*/*;q=0.8` does; `*/*` alone or a
/// GraphQL client's `application/json` does not).
pub(crate) fn wants_page(headers: &HeaderMap, raw_query: Option<&str>) -> bool {
    let has_query =
        raw_query.unwrap_or_default().split('&').any(|pair| pair.split('=').next().is_some_and(|key| key == "query"));
    if has_query {
        return false;
    }
    let accept: Vec<&str> = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect();
    let accept = accept.join(",");
    let html = quality(&accept, "text/html");
    let json = quality(&accept, "application/json").max(quality(&accept, "application/graphql-response+json"));
    html > 0.0 && html > json
}

/// The `q` that an `Accept` value gives `media_type`: that of the most
/// specific range matching it (RFC 9110 §12.5.1), 0 when none does.
fn quality(accept: &str, media_type: &str) -> f32 {
    let (kind, _) = media_type.split_once('/').unwrap_or((media_type, ""));
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let specificity = if name == media_type {
            3
        } else if name.strip_suffix("/*").is_some_and(|k| k == kind) {
            2
        } else if name == "*/*" {
            1
        } else {
            continue;
        };
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// `303 See Other` to the page.
pub(crate) fn see_page() -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, PATH), (header::VARY, "Accept"), (header::CACHE_CONTROL, "no-store")])
        .into_response()
}

/// Standard base64 with padding (RFC 4648 §4), as SRI wants it.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use axum::http::{HeaderMap, HeaderValue, header};
    use sha2::{Digest, Sha384};

    use super::{PAGE, base64, wants_page};

    /// Every `src="…"` and `href="…"` of the page, with the `integrity` of
    /// the same tag.
    fn references(html: &str) -> Vec<(String, Option<String>)> {
        let attribute = |tag: &str, name: &str| {
            let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(tag[start..].split('"').next()?.to_owned())
        };
        html.split('<')
            .filter_map(|tag| {
                let tag = tag.split('>').next()?;
                let target = attribute(tag, "src").or_else(|| attribute(tag, "href"))?;
                Some((target, attribute(tag, "integrity")))
            })
            .collect()
    }

    /// A real HTTP/1.1 GET against the router, on a loopback port.
    async fn get(path: &str) -> (String, Vec<u8>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let server = tokio::spawn(async move { axum::serve(listener, super::routes::<()>()).await });
        let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
        let raw = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(address).expect("connect");
            stream.write_all(request.as_bytes()).expect("write");
            let mut raw = Vec::new();
            stream.read_to_end(&mut raw).expect("read");
            raw
        })
        .await
        .expect("client");
        server.abort();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response");
        (String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase(), raw[split + 4..].to_vec())
    }

    /// The page names same-origin paths only, has no inline script or
    /// style, and every asset it names is served, under that path, with the
    /// bytes its integrity attribute hashes, the right type and a long cache.
    #[tokio::test]
    async fn graphiql_page_references_only_served_same_origin_assets() {
        let (head, body) = get(super::PATH).await;
        assert!(head.starts_with("http/1.1 200"), "{head}");
        for expected in [
            "content-type: text/html; charset=utf-8",
            "cache-control: no-store",
            "x-content-type-options: nosniff",
            "referrer-policy: no-referrer",
            "x-frame-options: deny",
            "content-security-policy: default-src 'none'; script-src 'self'; style-src 'self';",
        ] {
            assert!(head.contains(expected), "the page lacks {expected:?}: {head}");
        }
        assert!(head.contains("frame-ancestors 'none'"), "{head}");
        let html = String::from_utf8(body).expect("utf-8");
        assert_eq!(html, PAGE.html);
        assert!(!html.contains(" style=") && !html.contains("<style"), "inline style: {html}");
        assert_eq!(html.matches("<script").count(), html.matches("<script defer src=\"/").count(), "{html}");

        let mut references = references(&html);
        references.retain(|(target, _)| target != super::NO_ICON);
        assert_eq!(references.len(), 3, "{references:?}");
        for (target, integrity) in references {
            assert!(target.starts_with('/') && !target.starts_with("//"), "not same-origin: {target}");
            let integrity = integrity.unwrap_or_else(|| panic!("{target} has no integrity attribute"));
            let (head, body) = get(&target).await;
            assert!(head.starts_with("http/1.1 200"), "{target}: {head}");
            assert_eq!(integrity, format!("sha384-{}", base64(&Sha384::digest(&body))), "{target}");
            let kind = if target.ends_with(".css") { "text/css" } else { "text/javascript" };
            assert!(head.contains(&format!("content-type: {kind}; charset=utf-8")), "{target}: {head}");
            assert!(head.contains("cache-control: public, max-age=31536000, immutable"), "{target}: {head}");
            assert!(head.contains("x-content-type-options: nosniff"), "{target}: {head}");
            assert!(!body.is_empty(), "{target} is empty");
        }
        let (head, _) = get("/graphiql/assets/graphiql.0000000000000000.js").await;
        assert!(head.starts_with("http/1.1 404"), "{head}");
    }

    #[test]
    fn only_a_browser_opening_graphql_is_sent_to_the_page() {
        let accept = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, HeaderValue::from_str(value).expect("header"));
            headers
        };
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
        assert!(wants_page(&accept(browser), None));
        assert!(wants_page(&accept(browser), Some("")));
        assert!(wants_page(&accept("text/html"), Some("operationName=x")));
        assert!(!wants_page(&accept(browser), Some("query=%7B__typename%7D")));
        assert!(!wants_page(&accept(browser), Some("variables=%7B%7D&query=")));
        assert!(!wants_page(&accept("*/*"), None));
        assert!(!wants_page(&HeaderMap::new(), None));
        assert!(!wants_page(&accept("application/json"), None));
        assert!(!wants_page(&accept("application/graphql-response+json, application/json;q=0.9"), None));
        assert!(!wants_page(&accept("text/html;q=0.5, application/json"), None));
        assert!(!wants_page(&accept("text/html;q=0, */*"), None));
        assert!(wants_page(&accept("text/*, application/json;q=0.5"), None));
    }
}
