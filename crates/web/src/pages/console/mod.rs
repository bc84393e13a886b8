//! The staff console at `/consola`: officers work their queues and cases,
//! coordinators their sector's measures, every account its own sign-in
//! and second factor. Like the public pages, every page is a client of the
//! schema: it runs its operations through [`super::operation::run`] with
//! the session's token, as any client of `/graphql` would, so the API's
//! authorization, limits and audit decide what each person sees and does.
//! Spanish only: the staff's working language.

/// A console operation: `$operation` selects `me { ...Yo }` beside its
/// work, so one round trip draws the menu and the page.
macro_rules! with_me {
    ($operation:literal) => {
        concat!($operation, " fragment Yo on StaffMember { displayName email role sector secondFactor }")
    };
}

mod account;
mod accounts;
mod admin_form;
mod audit;
mod calendar;
mod case_actions;
mod case_page;
mod case_view;
mod catalogues;
mod charts;
mod desk;
mod due;
mod evidence_list;
mod frame;
mod live;
mod meetings;
mod queues;
mod registry;
mod rules;
mod second_factor;
mod session;
mod sign_in;
mod signed;

use axum::Router;
use axum::routing::{get, post};
use domain::roles::Role;
use serde::Deserialize;

use crate::WebState;

/// The console's routes.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/consola", get(account::landing))
        .route("/consola/entrar", get(sign_in::page).post(sign_in::post))
        .route("/consola/salir", post(sign_in::sign_out))
        .route("/consola/cuenta", get(account::page))
        .route("/consola/segundo-factor", get(second_factor::page).post(second_factor::post))
        .route("/consola/casos", get(queues::page).post(queues::open))
        .route("/consola/casos/{id}", get(case_page::page).post(case_page::post))
        .route("/consola/medidas", get(desk::page).post(desk::post))
        .route("/consola/reuniones", get(meetings::page).post(meetings::post))
        .route("/consola/auditoria", get(audit::page).post(audit::verify))
        .route("/consola/registro", get(registry::page))
        .route("/consola/calendario", get(calendar::page).post(calendar::post))
        .route("/consola/cuentas", get(accounts::page).post(accounts::post))
        .route("/consola/catalogos", get(catalogues::page).post(catalogues::post))
        .route("/consola/reglas", get(rules::page).post(rules::post))
        .route("/consola/vivo", get(live::events))
}

/// The console session's caller, for a download a console page links to.
pub(crate) fn session_caller(
    app: &WebState,
    headers: &axum::http::HeaderMap,
    peer: crate::graphql_http::Peer,
) -> Option<api::Caller> {
    session::read(app, headers, peer).map(|session| session.caller)
}

/// The signed-in member of staff, as every console page reads it (`me`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Me {
    pub(crate) display_name: String,
    pub(crate) email: String,
    #[serde(deserialize_with = "role")]
    pub(crate) role: Role,
    pub(crate) sector: Option<String>,
    pub(crate) second_factor: bool,
}

fn role<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Role, D::Error> {
    let code = String::deserialize(deserializer)?;
    Role::parse(&code).map_err(serde::de::Error::custom)
}

/// A list's `pageInfo`: whether a next page exists and where it starts.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageInfo {
    pub(crate) has_next_page: bool,
    pub(crate) end_cursor: Option<String>,
}

/// Where a role's work is.
pub(crate) fn home_of(role: Role) -> &'static str {
    match role {
        Role::Officer | Role::Supervisor => "/consola/casos",
        Role::Coordinator => "/consola/medidas",
        Role::Auditor => "/consola/auditoria",
        Role::Admin => "/consola/cuentas",
        Role::Public | Role::System | Role::Device => "/consola/cuenta",
    }
}
