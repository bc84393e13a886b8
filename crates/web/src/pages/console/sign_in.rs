//! `/consola/entrar`: e-mail, password and, when the account has one or
//! its role requires it, the second factor, in one form (the code field
//! says when it is needed); `login` answers with the session's token,
//! which goes into the cookie and nowhere else. `/consola/salir` ends the
//! session (`logout`) and forgets the cookie.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::frame::{self, Frame, tr};
use super::home_of;
use super::session;
use super::signed::SignedPost;
use crate::WebState;
use crate::graphql_http::{Peer, anonymous_caller};
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{Control, ControlKind, Feedback, Field, Group, InputKind, place_problems};
use crate::pages::form_data::FormData;
use crate::pages::operation::{self, Failure};
use crate::pages::posted::{self, Posted};

const LOGIN: &str = "mutation ConsolaEntrar($e: String!, $p: String!, $c: String) { \
     login(email: $e, password: $p, secondFactor: $c) { token user { role } } }";
const LOGOUT: &str = "mutation ConsolaSalir { logout }";

const EMAIL: &str = "email";
const PASSWORD: &str = "password";
const CODE: &str = "secondFactor";

#[derive(Deserialize)]
struct LoggedIn {
    login: Login,
}

#[derive(Deserialize)]
struct Login {
    token: String,
    user: LoginUser,
}

#[derive(Deserialize)]
struct LoginUser {
    #[serde(deserialize_with = "super::role")]
    role: domain::roles::Role,
}

#[derive(Template)]
#[template(path = "consola/entrar.html")]
struct SignIn {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    groups: Vec<Group>,
    hidden: Vec<(String, String)>,
}

/// Why the sign-in page is shown (`?motivo=`): words, never data.
#[derive(Deserialize)]
pub(crate) struct Reason {
    motivo: Option<String>,
}

/// `GET /consola/entrar`.
pub(crate) async fn page(State(app): State<WebState>, Query(reason): Query<Reason>) -> Response {
    let t = tr();
    let notice = match reason.motivo.as_deref() {
        Some("sesion") => Some(t.t("consola-sesion-terminada")),
        Some("salio") => Some(t.t("consola-salio")),
        _ => None,
    };
    form(&app, &FormData::default(), Feedback { notice, ..Feedback::default() }, Vec::new(), StatusCode::OK)
}

/// `POST /consola/entrar`. The form's token is not bound to a session
/// (there is none yet), but it and the browser's origin check keep
/// another site from signing someone in to an account of its choosing.
pub(crate) async fn post(
    State(app): State<WebState>,
    peer: Peer,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Ok(Posted { form: posted, expired, .. }) = posted::receive(&app, &headers, pairs) else {
        return frame::forbidden_post();
    };
    let t = tr();
    // The e-mail is kept; a password is never written back into a page.
    let mut kept = FormData::default();
    kept.set(EMAIL, posted.value(EMAIL));
    if expired {
        let feedback = Feedback { notice: Some(t.t("aviso-caducado")), ..Feedback::default() };
        return form(&app, &kept, feedback, Vec::new(), StatusCode::OK);
    }
    let missing: Vec<(String, Text)> = [EMAIL, PASSWORD]
        .into_iter()
        .filter(|name| posted.optional(name).is_none())
        .map(|name| (name.to_owned(), t.t("error-obligatorio")))
        .collect();
    if !missing.is_empty() {
        return form(&app, &kept, Feedback::default(), missing, StatusCode::OK);
    }
    let variables = json!({ "e": posted.value(EMAIL).trim(), "p": posted.value(PASSWORD), "c": posted.optional(CODE) });
    let caller = anonymous_caller(&app, &headers, peer);
    match operation::run::<LoggedIn>(&app, &caller, LOGIN, variables).await {
        Ok(LoggedIn { login }) => {
            let mut response = frame::see_other(home_of(login.user.role));
            response.headers_mut().insert(header::SET_COOKIE, session::set_cookie(&login.token));
            response
        }
        Err(failure) => {
            let (problems, general) = match failure {
                Failure::Refused { code, .. } if code == "SECOND_FACTOR_REQUIRED" => {
                    (vec![(CODE.to_owned(), t.t("consola-entrar-falta-codigo"))], None)
                }
                Failure::Refused { code, .. } if code == "BAD_SECOND_FACTOR" => {
                    (vec![(CODE.to_owned(), t.t("consola-entrar-codigo-incorrecto"))], None)
                }
                Failure::Refused { code, .. } if code == "UNAUTHENTICATED" => {
                    (Vec::new(), Some(t.t("consola-entrar-incorrecto")))
                }
                Failure::Input(problems) => (
                    problems
                        .into_iter()
                        .map(|p| {
                            let field = if p.field == "email" { EMAIL } else { PASSWORD };
                            (field.to_owned(), Text::spanish(p.message, Lang::Es))
                        })
                        .collect(),
                    None,
                ),
                Failure::TooMany { retry_after_seconds } => (
                    Vec::new(),
                    Some(t.t1(
                        "aviso-demasiadas-consultas",
                        "minutos",
                        retry_after_seconds.div_ceil(60).max(1) as usize,
                    )),
                ),
                Failure::Refused { message, .. } => (Vec::new(), Some(Text::spanish(message, Lang::Es))),
                Failure::Unavailable => (Vec::new(), Some(t.t("aviso-no-disponible"))),
            };
            let feedback = Feedback { general: general.into_iter().collect(), ..Feedback::default() };
            form(&app, &kept, feedback, problems, StatusCode::OK)
        }
    }
}

fn form(
    app: &WebState,
    kept: &FormData,
    mut feedback: Feedback,
    problems: Vec<(String, Text)>,
    status: StatusCode,
) -> Response {
    let t = tr();
    let email = Field::new(EMAIL, t.t("consola-entrar-correo")).required();
    let password = Field::new(PASSWORD, t.t("consola-entrar-clave")).required();
    let code = Field::new(CODE, t.t("consola-entrar-codigo")).hint(t.t("consola-entrar-codigo-ayuda"));
    let mut groups = vec![Group::untitled(
        "",
        vec![
            Control::input(email, kept.value(EMAIL).to_owned(), InputKind::AccountEmail),
            Control::input(password, String::new(), InputKind::Password),
            Control::input(code, String::new(), InputKind::OneTimeCode),
        ],
    )];
    feedback.summary = place_problems(&mut groups, &problems, &mut feedback.general);
    let page = SignIn {
        frame: Frame::signed_out(t.t("consola-entrar-titulo")),
        t,
        feedback,
        groups,
        hidden: posted::own_fields(app, t),
    };
    frame::html(status, &page)
}

/// `POST /consola/salir`: the session ends in the API at once, and the
/// browser forgets the cookie even if the API could not be reached.
pub(crate) async fn sign_out(State(app): State<WebState>, SignedPost { session, .. }: SignedPost) -> Response {
    if let Err(failure) = operation::run::<serde_json::Value>(&app, &session.caller, LOGOUT, json!({})).await {
        // Already ended (expired, disabled): the cookie goes all the same.
        tracing::debug!(?failure, "logout refused");
    }
    frame::to_sign_in("salio")
}
