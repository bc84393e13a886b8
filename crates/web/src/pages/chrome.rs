//! What every page has around its content: the language, the stylesheet
//! and script, the language switch, the quick exit. And how a page becomes
//! a response.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::assets;
use super::catalogue::{Lang, Text, Tr};

/// The page around the content.
pub(crate) struct Chrome {
    pub(crate) t: Tr,
    pub(crate) title: Text,
    pub(crate) stylesheet: String,
    pub(crate) script: String,
    pub(crate) switch: LangSwitch,
}

/// How the language switch changes the language without losing anything:
/// on a page without input, links; on a form, buttons of that form, which
/// post what was typed and get the same step back in the other language.
pub(crate) enum LangSwitch {
    Links {
        path: &'static str,
    },
    FormButtons {
        form: &'static str,
    },
    /// None: a page that cannot be drawn again (the receipt, which the
    /// post that filed the request drew).
    Hidden,
}

/// One entry of the switch.
pub(crate) struct LangChoice {
    pub(crate) code: &'static str,
    /// In its own language ("Runasimi").
    pub(crate) name: Text,
    pub(crate) current: bool,
}

impl Chrome {
    pub(crate) fn new(t: Tr, title_id: &str, switch: LangSwitch) -> Self {
        let title = t.t(title_id);
        Self { t, title, stylesheet: assets::stylesheet(), script: assets::script(), switch }
    }

    pub(crate) fn lang(&self) -> &'static str {
        self.t.lang.code()
    }

    pub(crate) fn languages(&self) -> Vec<LangChoice> {
        Lang::ALL
            .into_iter()
            .map(|lang| LangChoice {
                code: lang.code(),
                name: Tr::new(lang).t("lengua-propia"),
                current: lang == self.t.lang,
            })
            .collect()
    }

    /// The switch's links go to `path` in the other language.
    pub(crate) fn link_path(&self) -> Option<&'static str> {
        match self.switch {
            LangSwitch::Links { path } => Some(path),
            LangSwitch::FormButtons { .. } | LangSwitch::Hidden => None,
        }
    }

    /// The form the switch's buttons belong to.
    pub(crate) fn switch_form(&self) -> Option<&'static str> {
        match self.switch {
            LangSwitch::Links { .. } | LangSwitch::Hidden => None,
            LangSwitch::FormButtons { form } => Some(form),
        }
    }

    pub(crate) fn has_switch(&self) -> bool {
        !matches!(self.switch, LangSwitch::Hidden)
    }
}

/// The page's language: the one chosen on the page (`lengua`), else the
/// browser's preference, else Spanish.
pub(crate) fn language(chosen: Option<&str>, headers: &HeaderMap) -> Lang {
    chosen
        .and_then(Lang::parse)
        .unwrap_or_else(|| Lang::negotiate(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())))
}

/// A rendered page as a response.
pub(crate) fn html(status: StatusCode, lang: Lang, page: &impl askama::Template) -> Response {
    match page.render() {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                (header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code())),
            ],
            body,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "a page did not render");
            (StatusCode::INTERNAL_SERVER_ERROR, "error interno").into_response()
        }
    }
}
