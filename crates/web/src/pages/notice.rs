//! Pages that only say something went wrong, plainly, with the next step.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::catalogue::{Text, Tr};
use super::chrome::{self, Chrome, LangSwitch};

#[derive(Template)]
#[template(path = "aviso.html")]
struct Notice {
    chrome: Chrome,
    heading: Text,
    body: Text,
    lang_query: String,
}

fn page(t: Tr, status: StatusCode, heading_id: &str, body_id: &str) -> Response {
    let page = Notice {
        chrome: Chrome::new(t, heading_id, LangSwitch::Links { path: "/" }),
        heading: t.t(heading_id),
        body: t.t(body_id),
        lang_query: super::home::lang_query(t),
    };
    chrome::html(status, t.lang, &page)
}

/// A post that did not come from one of our pages.
pub(crate) fn forbidden(t: Tr) -> Response {
    page(t, StatusCode::FORBIDDEN, "aviso-origen-titulo", "aviso-origen")
}

#[derive(Template)]
#[template(path = "reintentar.html")]
struct Retry {
    chrome: Chrome,
    t: Tr,
    action: &'static str,
    hidden: Vec<(String, String)>,
}

/// The service could not draw the page: a form holding everything that was
/// posted (`kept`, then the form's own `fields`) asks for it again.
pub(crate) fn retry<'a>(
    t: Tr,
    action: &'static str,
    kept: impl Iterator<Item = (&'a str, &'a str)>,
    fields: &[(String, String)],
) -> Response {
    let mut hidden: Vec<(String, String)> = kept
        .filter(|(name, _)| !fields.iter().any(|(own, _)| own == name) && *name != super::posted::ACTION)
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    hidden.extend(fields.iter().cloned());
    let page = Retry { chrome: Chrome::new(t, "aviso-no-disponible-titulo", LangSwitch::Hidden), t, action, hidden };
    chrome::html(StatusCode::SERVICE_UNAVAILABLE, t.lang, &page)
}

/// No such page.
pub(crate) fn not_found(t: Tr) -> Response {
    page(t, StatusCode::NOT_FOUND, "aviso-no-existe-titulo", "aviso-no-existe")
}
