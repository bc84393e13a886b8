//! The pages people use, served by `resguardo serve` itself. The public
//! side (defenders, relatives, organisations; no account): the start page,
//! the request form and its receipt, the follow-up of a request. The
//! staff's side: the console at `/consola` ([`console`]).
//!
//! Every page is a client of the schema: it runs GraphQL operations
//! through the same execution path as `/graphql` ([`operation::run`]), so
//! authorization, limits, rate limits and audit stay in one place. Pages
//! work with no script at all (plain HTML forms); the one small script
//! only enhances (the quick exit's `location.replace`, the print button).

mod assets;
mod catalogue;
mod chrome;
mod console;
mod controls;
mod dates;
mod exit;
mod file_receipt;
mod form_data;
mod form_token;
mod headers;
mod home;
mod notice;
mod operation;
mod posted;
mod request_form;
mod sizes;
mod tracking;
mod upload;

use axum::Router;
use axum::extract::Query;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

pub use form_token::FormSecret;

use crate::WebState;

/// The pages' routes, with the headers every page answers with.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home::page))
        .route("/solicitud", get(request_form::start).post(request_form::post))
        .route("/seguimiento", get(tracking::start).post(tracking::post))
        .route("/salir", get(exit::page))
        .route("/static/{name}", get(assets::serve))
        .merge(console::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(headers::page_headers))
        // gzip for the pages only. A page an attacker could make a browser
        // fetch with text of their choosing next to a secret would let
        // compressed sizes leak the secret (BREACH); the pages refuse
        // cross-site posts before drawing anything, and the API's answers
        // are not compressed at all.
        .layer(tower_http::compression::CompressionLayer::new())
}

/// The caller of a staff download: its bearer token, else the console's
/// session cookie (a link on a console page; the cookie is `SameSite=Strict`,
/// so another site's link does not carry it).
pub(crate) fn staff_caller(app: &WebState, headers: &HeaderMap, peer: crate::graphql_http::Peer) -> api::Caller {
    let bearer = crate::graphql_http::caller(app, headers, peer);
    if bearer.token.is_some() {
        return bearer;
    }
    console::session_caller(app, headers, peer).unwrap_or(bearer)
}

async fn not_found(Query(lang): Query<home::LangParam>, headers: HeaderMap) -> Response {
    notice::not_found(catalogue::Tr::new(chrome::language(lang.get(), &headers)))
}
