//! `/consola/cuentas`, for admins: every staff account (`users`) with its
//! role, sector and state; a new account (`createUser`); and each
//! account's changes (`updateUser`: role, sector, lead coordinator,
//! disabled or enabled, a new password, the second factor reset after a
//! lost phone). Disabling an account, or changing its role, sector or
//! password, ends its sessions at once: the API does it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::roles::Role;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Me;
use super::frame::{self, Frame, tr};
use super::session::Session;
use super::signed::SignedPost;
use crate::WebState;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{Choice, Control, ControlKind, Feedback, Field, Group, InputKind, place_problems};
use crate::pages::form_data::FormData;
use crate::pages::operation::{self, Failure};
use crate::pages::posted;

const QUERY: &str = with_me!(
    "query ConsolaCuentas { me { ...Yo } \
     users { id email displayName role sector leadCoordinator active secondFactor } sectors { code name active } }"
);
const CREATE: &str = "mutation ConsolaCrearCuenta($input: NewUserInput!) { createUser(input: $input) { id } }";
const UPDATE: &str = "mutation ConsolaCambiarCuenta($userId: ID!, $input: UserChangesInput!) { updateUser(userId: $userId, input: $input) { id } }";

/// The roles an admin may give (not the public's or the system's).
const STAFF_ROLES: [Role; 5] = [Role::Officer, Role::Supervisor, Role::Coordinator, Role::Admin, Role::Auditor];

/// The new account's fields' prefix.
const NEW: &str = "nueva";
/// An account's changes' prefix.
const CHANGE: &str = "cambio";

#[derive(Deserialize)]
struct Data {
    me: Me,
    users: Vec<User>,
    sectors: Vec<Sector>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    id: String,
    email: String,
    display_name: String,
    #[serde(deserialize_with = "super::role")]
    role: Role,
    sector: Option<String>,
    lead_coordinator: bool,
    active: bool,
    second_factor: bool,
}

#[derive(Deserialize)]
struct Sector {
    code: String,
    name: String,
    active: bool,
}

/// One account as the page lists it, with its form of changes.
struct Account {
    user: User,
    groups: Vec<Group>,
    anchor: String,
}

#[derive(Template)]
#[template(path = "consola/cuentas.html")]
struct Accounts {
    frame: Frame,
    t: Tr,
    feedback: Feedback,
    accounts: Vec<Account>,
    new_groups: Vec<Group>,
    hidden: Vec<(String, String)>,
}

/// `GET /consola/cuentas`.
pub(crate) async fn page(State(app): State<WebState>, session: Session) -> Response {
    draw(&app, &session, &FormData::default(), None, Feedback::default(), Vec::new()).await
}

/// `POST /consola/cuentas`: create an account (`crear`) or change one
/// (`cambiar`, with the account's id in `cuenta`).
pub(crate) async fn post(State(app): State<WebState>, SignedPost { session, posted }: SignedPost) -> Response {
    let t = tr();
    let form = posted.form;
    let action = form.value(posted::ACTION).to_owned();
    let target = form.optional("cuenta");
    if posted.expired {
        let feedback = Feedback { notice: Some(t.t("aviso-caducado")), ..Feedback::default() };
        return draw(&app, &session, &form, target.as_deref(), feedback, Vec::new()).await;
    }
    let (query, variables, prefix, done) = match (action.as_str(), &target) {
        ("crear", _) => (CREATE, json!({ "input": new_user(&form) }), NEW, "cuentas-creada"),
        ("cambiar", Some(id)) => (UPDATE, json!({ "userId": id, "input": changes(&form) }), CHANGE, "cuentas-cambiada"),
        _ => return draw(&app, &session, &FormData::default(), None, Feedback::default(), Vec::new()).await,
    };
    match operation::run::<Value>(&app, &session.caller, query, variables).await {
        Ok(_) => {
            let feedback = Feedback { notice: Some(t.t(done)), ..Feedback::default() };
            draw(&app, &session, &FormData::default(), None, feedback, Vec::new()).await
        }
        Err(Failure::Input(problems)) => {
            let problems = problems
                .into_iter()
                .map(|p| (format!("{prefix}.{}", p.field), Text::spanish(p.message, Lang::Es)))
                .collect();
            draw(&app, &session, &form, target.as_deref(), Feedback::default(), problems).await
        }
        Err(Failure::Refused { code, message, .. }) if code == "CONFLICT" => {
            let feedback = Feedback { general: vec![Text::spanish(message, Lang::Es)], ..Feedback::default() };
            draw(&app, &session, &form, target.as_deref(), feedback, Vec::new()).await
        }
        Err(failure) => frame::refused(&app, &session, failure).await,
    }
}

fn optional(form: &FormData, name: &str) -> Value {
    form.optional(name).map_or(Value::Null, |v| json!(v.trim()))
}

fn new_user(form: &FormData) -> Value {
    let field = |f: &str| format!("{NEW}.{f}");
    json!({
        "email": form.value(&field("email")).trim(),
        "displayName": form.value(&field("displayName")).trim(),
        "role": form.value(&field("role")),
        "sector": optional(form, &field("sector")),
        "leadCoordinator": form.contains(&field("leadCoordinator")),
        "password": form.value(&field("password")),
    })
}

/// Only what the admin changed: a field left empty is left out of the
/// input, so the account keeps what it has.
fn changes(form: &FormData) -> Value {
    let field = |f: &str| format!("{CHANGE}.{f}");
    let mut input = serde_json::Map::new();
    for (name, key) in [("role", "role"), ("sector", "sector"), ("password", "password")] {
        if let Some(value) = form.optional(&field(name)) {
            input.insert(key.into(), json!(value.trim()));
        }
    }
    input.insert("leadCoordinator".into(), json!(form.contains(&field("leadCoordinator"))));
    input.insert("active".into(), json!(form.value(&field("active")) != "false"));
    input.insert("resetSecondFactor".into(), json!(form.contains(&field("resetSecondFactor"))));
    Value::Object(input)
}

async fn draw(
    app: &WebState,
    session: &Session,
    form: &FormData,
    target: Option<&str>,
    mut feedback: Feedback,
    problems: Vec<(String, Text)>,
) -> Response {
    let t = tr();
    let data = match frame::load::<Data>(app, session, QUERY, json!({})).await {
        Ok(data) => data,
        Err(page) => return page,
    };
    let sectors: Vec<(String, String)> =
        data.sectors.iter().filter(|s| s.active).map(|s| (s.code.clone(), s.name.clone())).collect();
    let empty = FormData::default();
    let posted_new = target.is_none() && !problems.is_empty();
    let mut new_groups = vec![new_account(t, if posted_new { form } else { &empty }, &sectors)];
    let mut accounts: Vec<Account> = data
        .users
        .into_iter()
        .map(|user| {
            let kept = if target == Some(user.id.as_str()) { form } else { &empty };
            let groups = vec![account_changes(t, &user, kept, &sectors)];
            Account { anchor: format!("cuenta-{}", user.id), user, groups }
        })
        .collect();
    let groups = match target {
        Some(id) => accounts.iter_mut().find(|a| a.user.id == id).map(|a| &mut a.groups),
        None => Some(&mut new_groups),
    };
    match groups {
        Some(groups) => feedback.summary = place_problems(groups, &problems, &mut feedback.general),
        None => feedback.general.extend(problems.into_iter().map(|(_, m)| m)),
    }
    let page = Accounts {
        frame: Frame::signed_in(app, session, data.me, t.t("cuentas-titulo"), "/consola/cuentas"),
        t,
        feedback,
        accounts,
        new_groups,
        hidden: posted::own_fields_for(app, t, &session.binding),
    };
    frame::with_feedback(&page, &page.feedback)
}

fn role_choices(field: &str, selected: &str) -> Vec<Choice> {
    STAFF_ROLES.iter().map(|r| Choice::new(field, r.code(), Text::plain(r.label()), selected == r.code())).collect()
}

fn sector_choices(field: &str, sectors: &[(String, String)], selected: &str) -> Vec<Choice> {
    sectors.iter().map(|(code, name)| Choice::new(field, code, Text::plain(name), selected == code)).collect()
}

fn new_account(t: Tr, form: &FormData, sectors: &[(String, String)]) -> Group {
    let name = |f: &str| format!("{NEW}.{f}");
    let input = |f: &str, label: &str, kind: InputKind| {
        Control::input(Field::new(name(f), t.t(label)).required(), form.value(&name(f)).to_owned(), kind)
    };
    // The section's heading says what the group is.
    Group::untitled(
        NEW,
        vec![
            input("email", "consola-cuenta-correo", InputKind::Email),
            input("displayName", "consola-cuenta-nombre", InputKind::Text),
            Control::select(
                Field::new(name("role"), t.t("consola-cuenta-rol")).required(),
                t.t("elija"),
                role_choices(&name("role"), form.value(&name("role"))),
            ),
            Control::select(
                Field::new(name("sector"), t.t("consola-cuenta-sector")).hint(t.t("cuentas-sector-ayuda")),
                t.t("cuentas-sin-sector"),
                sector_choices(&name("sector"), sectors, form.value(&name("sector"))),
            ),
            Control::checkbox(
                Field::new(name("leadCoordinator"), t.t("cuentas-coordinacion-principal")),
                form.contains(&name("leadCoordinator")),
            ),
            Control::input(
                Field::new(name("password"), t.t("cuentas-clave-inicial")).required().hint(t.t1(
                    "cuentas-clave-ayuda",
                    "minimo",
                    api::MIN_PASSWORD_CHARS,
                )),
                String::new(),
                InputKind::NewPassword,
            ),
        ],
    )
}

fn account_changes(t: Tr, user: &User, form: &FormData, sectors: &[(String, String)]) -> Group {
    let name = |f: &str| format!("{CHANGE}.{f}");
    let chosen = |f: &str, current: &str| {
        if form.contains(&name(f)) { form.value(&name(f)).to_owned() } else { current.to_owned() }
    };
    let active = chosen("active", if user.active { "true" } else { "false" });
    let states = [("true", "cuentas-activa"), ("false", "cuentas-desactivada")]
        .into_iter()
        .map(|(value, label)| Choice::new(&name("active"), value, t.t(label), active == value))
        .collect();
    let mut controls = vec![
        Control::select(
            Field::new(name("role"), t.t("consola-cuenta-rol")),
            t.t("cuentas-sin-cambio"),
            // Empty: no change (the account's role is in its row).
            role_choices(&name("role"), form.value(&name("role"))),
        ),
        Control::select(
            Field::new(name("sector"), t.t("consola-cuenta-sector")),
            t.t("cuentas-sin-cambio"),
            sector_choices(&name("sector"), sectors, form.value(&name("sector"))),
        ),
        Control::checkbox(
            Field::new(name("leadCoordinator"), t.t("cuentas-coordinacion-principal")),
            form.contains(&name("leadCoordinator")) || (!form.contains("cuenta") && user.lead_coordinator),
        ),
        Control::radios(Field::new(name("active"), t.t("cuentas-estado")), states),
        Control::input(
            Field::new(name("password"), t.t("cuentas-clave-nueva")).hint(t.t("cuentas-clave-nueva-ayuda")),
            String::new(),
            InputKind::NewPassword,
        ),
    ];
    if user.second_factor {
        controls.push(Control::checkbox(
            Field::new(name("resetSecondFactor"), t.t("cuentas-restablecer-factor"))
                .hint(t.t("cuentas-restablecer-factor-ayuda")),
            false,
        ));
    }
    Group::untitled(name(""), controls).suffix_ids(&user.id)
}
