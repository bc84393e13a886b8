//! `/salir`, where "Salir rápido" leads: a blank page that says nothing of
//! what was open before. The script gets here with `location.replace` (the
//! page left is gone from the history); without script it is a plain link.
//! `Clear-Site-Data: "cache"` also drops what the browser kept of our pages
//! (its back-forward cache among them), where the browser supports it.
//! When the operator named a neutral site, `/salir` sends the browser on
//! there; the history keeps only that site.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::WebState;

#[derive(Template)]
#[template(path = "salir.html")]
struct Blank {
    title: &'static str,
}

pub(crate) async fn page(State(app): State<WebState>) -> Response {
    let mut response = match &app.config.quick_exit_url {
        Some(url) => match HeaderValue::from_str(url) {
            Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        None => super::chrome::html(StatusCode::OK, super::catalogue::Lang::Es, &Blank { title: "Nueva pestaña" }),
    };
    response.headers_mut().insert(HeaderName::from_static("clear-site-data"), HeaderValue::from_static("\"cache\""));
    response.into_response()
}
