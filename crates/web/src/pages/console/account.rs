//! `/consola`, which sends each person to their work (or to sign in), and
//! `/consola/cuenta`: the signed-in account as the API knows it, and its
//! second factor.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::frame::{self, Frame, ME_ONLY, OnlyMe, tr};
use super::{Me, home_of, session};
use crate::WebState;
use crate::graphql_http::Peer;
use crate::pages::catalogue::Tr;
use crate::pages::operation;

/// `GET /consola`.
pub(crate) async fn landing(State(app): State<WebState>, peer: Peer, headers: HeaderMap) -> Response {
    let Some(session) = session::read(&app, &headers, peer) else { return frame::see_other("/consola/entrar") };
    match operation::run::<OnlyMe>(&app, &session.caller, ME_ONLY, json!({})).await {
        Ok(OnlyMe { me }) => frame::see_other(home_of(me.role)),
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}

#[derive(Template)]
#[template(path = "consola/cuenta.html")]
struct Account {
    frame: Frame,
    t: Tr,
    me: Me,
}

/// `GET /consola/cuenta`.
pub(crate) async fn page(State(app): State<WebState>, session: session::Session) -> Response {
    match operation::run::<OnlyMe>(&app, &session.caller, ME_ONLY, json!({})).await {
        Ok(OnlyMe { me }) => {
            let t = tr();
            let frame = Frame::signed_in(&app, &session, me.clone(), t.t("consola-cuenta-titulo"), "/consola/cuenta");
            frame::html(StatusCode::OK, &Account { frame, t, me })
        }
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}
