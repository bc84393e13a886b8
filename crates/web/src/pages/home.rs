//! `/`: what the mechanism does, who may ask, what happens next, what is
//! kept and who sees it, and the two ways in (ask, follow a request).

use askama::Template;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::catalogue::Tr;
use super::chrome::{self, Chrome, LangSwitch};

#[derive(Deserialize)]
pub(crate) struct LangParam {
    lengua: Option<String>,
}

impl LangParam {
    pub(crate) fn get(&self) -> Option<&str> {
        self.lengua.as_deref()
    }
}

#[derive(Template)]
#[template(path = "inicio.html")]
struct Home {
    chrome: Chrome,
    /// `?lengua=qu` for the links onwards, when not Spanish.
    lang_query: String,
}

pub(crate) async fn page(Query(lang): Query<LangParam>, headers: HeaderMap) -> Response {
    let lang = chrome::language(lang.get(), &headers);
    let t = Tr::new(lang);
    let page =
        Home { chrome: Chrome::new(t, "inicio-titulo", LangSwitch::Links { path: "/" }), lang_query: lang_query(t) };
    chrome::html(StatusCode::OK, lang, &page)
}

/// The query that keeps the chosen language on a link.
pub(crate) fn lang_query(t: Tr) -> String {
    match t.lang {
        super::catalogue::Lang::Es => String::new(),
        other => format!("?lengua={}", other.code()),
    }
}
