//! `/consola/segundo-factor`: setting up the account's second factor (the
//! password again, then the authenticator app reads a QR code drawn here
//! as SVG, then a code from it turns the factor on and the ten recovery
//! codes are shown this once), or turning it off. A role that requires a
//! second factor is sent here before anything else.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::frame::{self, Frame, ME_ONLY, OnlyMe, tr};
use super::session::Session;
use super::signed::SignedPost;
use super::{Me, home_of};
use crate::WebState;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{Control, ControlKind, Feedback, Field, Group, InputKind, place_problems};
use crate::pages::operation::{self, Failure};
use crate::pages::posted::{self, Posted};

// Mutations have no `me`: the page reads it after each (`STATE`).
const BEGIN: &str = "mutation ConsolaFactorEmpezar($p: String!) { beginSecondFactor(password: $p) { uri secret } }";
const CONFIRM: &str = "mutation ConsolaFactorConfirmar($c: String!) { confirmSecondFactor(code: $c) }";
const DISABLE: &str =
    "mutation ConsolaFactorQuitar($p: String!, $c: String!) { disableSecondFactor(password: $p, code: $c) }";

const PASSWORD: &str = "password";
const CODE: &str = "code";
const URI: &str = "uri";
const SECRET: &str = "secret";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Begun {
    begin_second_factor: Setup,
}

#[derive(Deserialize)]
struct Setup {
    uri: String,
    secret: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Confirmed {
    confirm_second_factor: Vec<String>,
}

/// Where the setting-up stands.
enum Stage {
    /// Off: the password starts it.
    Start,
    /// Begun: the app reads the QR code; a code from it confirms.
    Scan { qr: String, uri: String, secret: String },
    /// On: the recovery codes, shown this once.
    Codes { codes: Vec<String>, next: &'static str },
    /// On: the password and a code turn it off.
    Active,
}

#[derive(Template)]
#[template(path = "consola/segundo_factor.html")]
struct SecondFactor {
    frame: Frame,
    t: Tr,
    stage: Stage,
    feedback: Feedback,
    groups: Vec<Group>,
    hidden: Vec<(String, String)>,
}

/// `GET /consola/segundo-factor`.
pub(crate) async fn page(State(app): State<WebState>, session: Session) -> Response {
    match operation::run::<OnlyMe>(&app, &session.caller, ME_ONLY, json!({})).await {
        Ok(OnlyMe { me }) => {
            let stage = if me.second_factor { Stage::Active } else { Stage::Start };
            draw(&app, &session, me, stage, Feedback::default(), Vec::new())
        }
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}

/// `POST /consola/segundo-factor`.
pub(crate) async fn post(State(app): State<WebState>, SignedPost { session, posted }: SignedPost) -> Response {
    let Posted { form, expired, .. } = posted;
    let t = tr();
    let action = if expired { "" } else { form.value(posted::ACTION) };
    let caller = &session.caller;
    // `None`: nothing was asked, the page as it stands.
    let (done, on_code_error): (Result<Option<Stage>, Failure>, Option<Stage>) = match action {
        "empezar" => {
            let begun = operation::run::<Begun>(&app, caller, BEGIN, json!({ "p": form.value(PASSWORD) })).await;
            (begun.map(|b| Some(scan(&b.begin_second_factor.uri, b.begin_second_factor.secret))), None)
        }
        "confirmar" => {
            let code = json!({ "c": form.value(CODE).trim() });
            let confirmed = operation::run::<Confirmed>(&app, caller, CONFIRM, code).await;
            let rescan = scan(form.value(URI), form.value(SECRET).to_owned());
            (confirmed.map(|c| Some(Stage::Codes { codes: c.confirm_second_factor, next: "" })), Some(rescan))
        }
        "desactivar" => {
            let variables = json!({ "p": form.value(PASSWORD), "c": form.value(CODE).trim() });
            let disabled = operation::run::<serde_json::Value>(&app, caller, DISABLE, variables).await;
            (disabled.map(|_| Some(Stage::Start)), Some(Stage::Active))
        }
        _ => (Ok(None), None),
    };
    let (done, problems) = match done {
        Ok(stage) => (Some(stage), Vec::new()),
        Err(failure) => match problem_of(t, action, &failure) {
            Some((field, message)) => (None, vec![(field.to_owned(), message)]),
            None => return frame::refused(&app, &session, failure).await,
        },
    };
    // Who is signed in now: the step changed it.
    let me = match operation::run::<OnlyMe>(&app, caller, ME_ONLY, json!({})).await {
        Ok(OnlyMe { me }) => me,
        Err(failure) => return frame::refused(&app, &session, failure).await,
    };
    let standing = if me.second_factor { Stage::Active } else { Stage::Start };
    let notice = match (&done, action) {
        (Some(Some(Stage::Start)), "desactivar") => Some(t.t("consola-factor-desactivado")),
        _ if expired => Some(t.t("aviso-caducado")),
        _ => None,
    };
    let stage = match done {
        Some(Some(Stage::Codes { codes, .. })) => Stage::Codes { codes, next: home_of(me.role) },
        Some(Some(stage)) => stage,
        Some(None) => standing,
        None => on_code_error.unwrap_or(standing),
    };
    draw(&app, &session, me, stage, Feedback { notice, ..Feedback::default() }, problems)
}

/// The field a refused step's problem belongs to, when it is one the
/// person can fix here.
fn problem_of(t: Tr, action: &str, failure: &Failure) -> Option<(&'static str, Text)> {
    match failure {
        Failure::Refused { code, .. } if code == "UNAUTHENTICATED" && action == "empezar" => {
            Some((PASSWORD, t.t("consola-factor-clave-incorrecta")))
        }
        Failure::Refused { code, .. } if code == "BAD_SECOND_FACTOR" => {
            Some((CODE, t.t("consola-entrar-codigo-incorrecto")))
        }
        Failure::Refused { code, message, .. } if code == "CONFLICT" => {
            Some((PASSWORD, Text::spanish(message.clone(), Lang::Es)))
        }
        Failure::Input(problems) => {
            problems.first().map(|p| (if p.field == "code" { CODE } else { PASSWORD }, t.t("error-obligatorio")))
        }
        _ => None,
    }
}

/// The QR code page for `uri`.
fn scan(uri: &str, secret: String) -> Stage {
    Stage::Scan { qr: qr_svg(uri), uri: uri.to_owned(), secret }
}

/// `uri` as an inline SVG QR code, labelled for screen readers (who type
/// the secret in instead).
fn qr_svg(uri: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(uri.as_bytes()) else { return String::new() };
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    let start = svg.find("<svg").unwrap_or(0);
    let label = tr().t("consola-factor-qr");
    svg[start..].replacen("<svg", &format!("<svg role=\"img\" aria-label=\"{}\"", label.as_str()), 1)
}

fn draw(
    app: &WebState,
    session: &Session,
    me: Me,
    stage: Stage,
    mut feedback: Feedback,
    problems: Vec<(String, Text)>,
) -> Response {
    let t = tr();
    let password = || {
        Control::input(Field::new(PASSWORD, t.t("consola-entrar-clave")).required(), String::new(), InputKind::Password)
    };
    let code = || {
        Control::input(
            Field::new(CODE, t.t("consola-entrar-codigo")).required().hint(t.t("consola-factor-codigo-ayuda")),
            String::new(),
            InputKind::OneTimeCode,
        )
    };
    let mut hidden = posted::own_fields_for(app, t, &session.binding);
    let controls = match &stage {
        Stage::Start => vec![password()],
        Stage::Scan { uri, secret, .. } => {
            // Kept to draw the code again after a mistyped code; the same
            // person's page already shows them, and it is never stored.
            hidden.push((URI.to_owned(), uri.clone()));
            hidden.push((SECRET.to_owned(), secret.clone()));
            vec![code()]
        }
        Stage::Codes { .. } => Vec::new(),
        Stage::Active => vec![password(), code()],
    };
    let mut groups = if controls.is_empty() { Vec::new() } else { vec![Group::untitled("", controls)] };
    feedback.summary = place_problems(&mut groups, &problems, &mut feedback.general);
    let frame = Frame::signed_in(app, session, me, t.t("consola-factor-titulo"), "/consola/cuenta");
    frame::html(StatusCode::OK, &SecondFactor { frame, t, stage, feedback, groups, hidden })
}
