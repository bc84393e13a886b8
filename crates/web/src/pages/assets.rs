//! The pages' static files: a stylesheet, the console's additions to it,
//! one small script for the public pages and one for the console, built
//! into the binary and served under a name that carries a digest of their
//! content (`/static/paginas-3f2a….css`), so browsers keep them a year and
//! a new release is fetched at once. No third-party host serves anything.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    /// `paginas-<digest>.css`.
    name: String,
    media_type: &'static str,
    body: &'static [u8],
}

fn asset(stem: &str, extension: &str, media_type: &'static str, body: &'static [u8]) -> Asset {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    Asset { name: format!("{stem}-{hex}.{extension}"), media_type, body }
}

static STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    asset("paginas", "css", "text/css; charset=utf-8", include_bytes!("../../assets/pages/paginas.css"))
});
static CONSOLE_STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    asset("consola", "css", "text/css; charset=utf-8", include_bytes!("../../assets/pages/consola.css"))
});
static SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    asset("paginas", "js", "text/javascript; charset=utf-8", include_bytes!("../../assets/pages/paginas.js"))
});
static CONSOLE_SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    asset("consola", "js", "text/javascript; charset=utf-8", include_bytes!("../../assets/pages/consola.js"))
});

/// Where the stylesheet is served.
pub(crate) fn stylesheet() -> String {
    format!("/static/{}", STYLESHEET.name)
}

/// Where the console's own stylesheet (tables, work lists) is served; its
/// pages load it after the shared one.
pub(crate) fn console_stylesheet() -> String {
    format!("/static/{}", CONSOLE_STYLESHEET.name)
}

/// Where the script is served.
pub(crate) fn script() -> String {
    format!("/static/{}", SCRIPT.name)
}

/// Where the console's script (its live notices) is served.
pub(crate) fn console_script() -> String {
    format!("/static/{}", CONSOLE_SCRIPT.name)
}

/// `GET /static/{name}`: only the current names exist; an old digest is
/// gone, as a new release replaced it.
pub(crate) async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) =
        [&*STYLESHEET, &*CONSOLE_STYLESHEET, &*SCRIPT, &*CONSOLE_SCRIPT].into_iter().find(|a| a.name == name)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.media_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        asset.body,
    )
        .into_response()
}
