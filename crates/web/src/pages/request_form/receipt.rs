//! The receipt: the file number and the access key, large and in groups,
//! once, with plain advice on keeping them; printable. It is the answer to
//! the last step's post, so a reload sends the same idempotency key again
//! and shows the same receipt.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::pages::catalogue::{Text, Tr};
use crate::pages::chrome::{self, Chrome, LangSwitch};
use crate::pages::dates;

#[derive(Deserialize)]
pub(super) struct Submitted {
    #[serde(rename = "submitRequest")]
    pub(super) submit_request: Filed,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Filed {
    file_number: String,
    access_key: String,
    replayed: bool,
    received_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Template)]
#[template(path = "recibo.html")]
struct Receipt {
    chrome: Chrome,
    t: Tr,
    file_number: String,
    /// The key's groups, shown apart so they are easy to copy by hand.
    key_groups: Vec<String>,
    replayed: bool,
    received_on: Text,
    lang_query: String,
}

pub(super) fn page(t: Tr, filed: Filed) -> Response {
    let received_on = dates::long_date(t, domain::business_day::lima_date(filed.received_at));
    let page = Receipt {
        // Nothing could draw it again in another language without filing
        // again: the language stays the one the form was sent in.
        chrome: Chrome::new(t, "recibo-titulo", LangSwitch::Hidden),
        t,
        key_groups: filed.access_key.split('-').map(str::to_owned).collect(),
        file_number: filed.file_number,
        replayed: filed.replayed,
        received_on,
        lang_query: crate::pages::home::lang_query(t),
    };
    chrome::html(StatusCode::OK, t.lang, &page)
}
