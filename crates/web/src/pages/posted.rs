//! A form posted from one of our pages: refused unless it came from one,
//! read with the language it asks for, and whether the page that sent it
//! is fresh enough (an old one is drawn again with its answers).

use axum::http::HeaderMap;

use super::catalogue::Tr;
use super::chrome;
use super::form_data::FormData;
use super::form_token::{TokenCheck, same_origin};
use crate::WebState;

/// The page's language, carried by every form.
pub(crate) const LANG: &str = "lengua";
/// The language switch's buttons: the same page again in another language.
pub(crate) const SWITCH_LANG: &str = "cambiar-lengua";
/// The signed form token.
pub(crate) const TOKEN: &str = "ficha";
/// Which button was pressed.
pub(crate) const ACTION: &str = "accion";

pub(crate) struct Posted {
    pub(crate) form: FormData,
    pub(crate) t: Tr,
    /// Drawn too long ago: show the page again rather than act on it.
    pub(crate) expired: bool,
}

/// Reads a post of the public pages; `Err` with the page's language when
/// it must be refused (`notice::forbidden` says so).
pub(crate) fn receive(app: &WebState, headers: &HeaderMap, pairs: Vec<(String, String)>) -> Result<Posted, Tr> {
    receive_for(app, headers, pairs, "")
}

/// Reads a post whose token was issued for `binding` (the console's
/// session, so a form drawn for one person cannot be posted by another).
pub(crate) fn receive_for(
    app: &WebState,
    headers: &HeaderMap,
    pairs: Vec<(String, String)>,
    binding: &str,
) -> Result<Posted, Tr> {
    let form = FormData::new(pairs);
    let chosen = form.optional(SWITCH_LANG).or_else(|| form.optional(LANG));
    let t = Tr::new(chrome::language(chosen.as_deref(), headers));
    if !same_origin(headers) {
        return Err(t);
    }
    match app.config.form_secret.verify(form.value(TOKEN), app.api.now(), binding) {
        TokenCheck::Invalid => Err(t),
        TokenCheck::Expired => Ok(Posted { form, t, expired: true }),
        TokenCheck::Valid => Ok(Posted { form, t, expired: false }),
    }
}

/// What every form of the public pages carries: the language and a fresh
/// token.
pub(crate) fn own_fields(app: &WebState, t: Tr) -> Vec<(String, String)> {
    own_fields_for(app, t, "")
}

/// The same, with a token only `binding` may post.
pub(crate) fn own_fields_for(app: &WebState, t: Tr, binding: &str) -> Vec<(String, String)> {
    vec![
        (LANG.to_owned(), t.lang.code().to_owned()),
        (TOKEN.to_owned(), app.config.form_secret.issue(app.api.now(), binding)),
    ]
}

/// Whether `name` is one of the fields above rather than an answer.
pub(crate) fn is_own_field(name: &str) -> bool {
    matches!(name, LANG | SWITCH_LANG | TOKEN | ACTION)
}
