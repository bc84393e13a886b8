//! Staff accounts over HTTP: login, logout, session expiry, disabling an
//! account, and what an admin may create.

use db::{Database, SessionPolicy};
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::{PASSWORD, TestApp};
use crate::support::on_both_databases;

on_both_databases!(
    wrong_credentials_are_refused_alike_and_recorded,
    logout_ends_the_session,
    sessions_expire_when_idle_and_absolutely,
    disabling_an_account_ends_its_sessions_at_once,
    moving_a_coordinator_to_another_sector_ends_their_sessions,
    admins_create_accounts_that_follow_the_rules,
    the_first_admin_comes_from_the_command_line,
    a_request_reads_its_session_and_account_in_one_statement,
);

const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { role } } }";
const ME: &str = "{ me { email role } }";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

async fn wrong_credentials_are_refused_alike_and_recorded(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let wrong_password = app.graphql(LOGIN, json!({ "e": "oficial@dgdh.gob.pe", "p": "no es la contraseña" })).await;
    let unknown = app.graphql(LOGIN, json!({ "e": "nadie@dgdh.gob.pe", "p": PASSWORD })).await;
    for body in [&wrong_password, &unknown] {
        assert_eq!(code(body), "UNAUTHENTICATED");
        assert_eq!(
            body["errors"][0]["message"],
            "correo electrónico o contraseña incorrectos (tras varios intentos fallidos, la cuenta se bloquea unos minutos)"
        );
    }
    // E-mail case does not matter.
    let ok = app.graphql(LOGIN, json!({ "e": "Oficial@DGDH.gob.pe", "p": PASSWORD })).await;
    assert_eq!(ok["data"]["login"]["user"]["role"], "OFFICER");
    let entries = db.audit_entries(&db::AuditFilter::default(), None, 100).await.unwrap().0;
    let failed = entries.iter().filter(|e| e.action == domain::workflow::AuditAction::LoginFailed).count();
    assert_eq!(failed, 2);
}

async fn logout_ends_the_session(db: Database) {
    let app = TestApp::spawn(db).await;
    let token = app.staff(Role::Supervisor, "supervisora@dgdh.gob.pe", None).await;
    assert_eq!(app.graphql_as(Some(&token), ME, json!({})).await["data"]["me"]["role"], "SUPERVISOR");
    assert_eq!(app.graphql_as(Some(&token), "mutation { logout }", json!({})).await["data"]["logout"], true);
    assert_eq!(code(&app.graphql_as(Some(&token), ME, json!({})).await), "UNAUTHENTICATED");
    assert_eq!(code(&app.graphql_as(Some("not-a-token"), ME, json!({})).await), "UNAUTHENTICATED");
}

async fn sessions_expire_when_idle_and_absolutely(db: Database) {
    let sessions = SessionPolicy { absolute: chrono::Duration::hours(2), idle: chrono::Duration::minutes(30) };
    let app = TestApp::spawn_with(db, api::ApiConfig { sessions, ..api::ApiConfig::default() }).await;
    app.set_time("2026-07-13T14:00:00Z");
    let token = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    // Active every 20 minutes: the idle limit never hits...
    for time in ["14:20", "14:40", "15:00", "15:20", "15:40"] {
        app.set_time(&format!("2026-07-13T{time}:00Z"));
        assert_eq!(code(&app.graphql_as(Some(&token), ME, json!({})).await), "", "{time}");
    }
    // ...but two hours after login the session is over.
    app.set_time("2026-07-13T16:01:00Z");
    assert_eq!(code(&app.graphql_as(Some(&token), ME, json!({})).await), "UNAUTHENTICATED");

    let token = app.login("oficial@dgdh.gob.pe", PASSWORD).await;
    app.set_time("2026-07-13T16:32:00Z");
    assert_eq!(code(&app.graphql_as(Some(&token), ME, json!({})).await), "UNAUTHENTICATED", "31 minutes idle");
}

async fn disabling_an_account_ends_its_sessions_at_once(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let id = app.graphql_as(Some(&officer), "{ me { id } }", json!({})).await["data"]["me"]["id"].clone();
    let disable = "mutation($u: ID!) { updateUser(userId: $u, input: { active: false }) { active } }";
    assert_eq!(app.graphql_as(Some(&admin), disable, json!({ "u": id })).await["data"]["updateUser"]["active"], false);
    assert_eq!(code(&app.graphql_as(Some(&officer), ME, json!({})).await), "UNAUTHENTICATED");
    let again = app.graphql(LOGIN, json!({ "e": "oficial@dgdh.gob.pe", "p": PASSWORD })).await;
    assert_eq!(code(&again), "UNAUTHENTICATED", "a disabled account cannot sign in");
}

async fn moving_a_coordinator_to_another_sector_ends_their_sessions(db: Database) {
    let app = TestApp::spawn(db).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let coordinator = app.staff(Role::Coordinator, "coordinador@mininter.gob.pe", Some("MININTER")).await;
    let id = app.graphql_as(Some(&coordinator), "{ me { id } }", json!({})).await["data"]["me"]["id"].clone();
    // Renaming keeps the session: it changes no right.
    let rename = "mutation($u: ID!) { updateUser(userId: $u, input: { displayName: \"Coordinación\" }) { sector } }";
    assert_eq!(
        app.graphql_as(Some(&admin), rename, json!({ "u": id })).await["data"]["updateUser"]["sector"],
        "MININTER"
    );
    assert!(app.graphql_as(Some(&coordinator), ME, json!({})).await["errors"].is_null());
    // A session opened for one ministry's measures must not go on for
    // another's (a live subscription would go silent instead of ending).
    let mv = "mutation($u: ID!) { updateUser(userId: $u, input: { sector: \"MIMP\" }) { sector } }";
    assert_eq!(app.graphql_as(Some(&admin), mv, json!({ "u": id })).await["data"]["updateUser"]["sector"], "MIMP");
    assert_eq!(code(&app.graphql_as(Some(&coordinator), ME, json!({})).await), "UNAUTHENTICATED");
    let again = app.login("coordinador@mininter.gob.pe", PASSWORD).await;
    let me = app.graphql_as(Some(&again), "{ me { sector } }", json!({})).await;
    assert_eq!(me["data"]["me"]["sector"], "MIMP", "a new session, with the new sector");
}

async fn admins_create_accounts_that_follow_the_rules(db: Database) {
    let app = TestApp::spawn(db).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let create = "mutation($i: NewUserInput!) { createUser(input: $i) { email role sector } }";
    let input = |email: &str, role: &str, sector: Option<&str>, password: &str| json!({ "i": { "email": email, "displayName": "Nueva cuenta", "role": role, "sector": sector, "password": password } });
    let made =
        app.graphql_as(Some(&admin), create, input("Coord@MIMP.gob.pe", "COORDINATOR", Some("MIMP"), PASSWORD)).await;
    assert_eq!(
        made["data"]["createUser"],
        json!({ "email": "coord@mimp.gob.pe", "role": "COORDINATOR", "sector": "MIMP" })
    );

    let cases = [
        (input("a@mimp.gob.pe", "COORDINATOR", None, PASSWORD), ""),
        (input("b@dgdh.gob.pe", "OFFICER", Some("MIMP"), PASSWORD), ""),
        (input("c@dgdh.gob.pe", "OFFICER", None, "corta"), "input.password"),
        (input("no-es-correo", "OFFICER", None, PASSWORD), "input.email"),
        (input("coord@mimp.gob.pe", "OFFICER", None, PASSWORD), ""),
        (input("d@x.gob.pe", "COORDINATOR", Some("NO_SUCH_SECTOR"), PASSWORD), ""),
    ];
    for (variables, field) in cases {
        let body = app.graphql_as(Some(&admin), create, variables.clone()).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{variables}: {body}");
        if !field.is_empty() {
            assert_eq!(body["errors"][0]["extensions"]["field"], field);
        }
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(!message.contains(PASSWORD) && !message.contains("corta"), "no secrets in messages");
    }
}

async fn the_first_admin_comes_from_the_command_line(db: Database) {
    // The same code `resguardo admin create` runs, minus the terminal.
    server::admin::create_with_password(&db, "jefa@dgdh.gob.pe", "Jefa de sistemas", PASSWORD).await.unwrap();
    let app = TestApp::spawn(db.clone()).await;
    let token = app.login("jefa@dgdh.gob.pe", PASSWORD).await;
    assert_eq!(app.graphql_as(Some(&token), ME, json!({})).await["data"]["me"]["role"], "ADMIN");
    let weak = server::admin::create_with_password(&db, "otra@dgdh.gob.pe", "Otra", "corta").await;
    assert!(weak.unwrap_err().to_string().contains("12 caracteres"));
}

/// Every signed-in request starts by reading its session; the account
/// comes with it, in the same statement.
async fn a_request_reads_its_session_and_account_in_one_statement(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let token = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let before = db.statements_executed();
    let answer = app.graphql_as(Some(&token), "{ __typename }", json!({})).await;
    assert_eq!(answer["data"]["__typename"], "Query", "{answer}");
    assert_eq!(db.statements_executed() - before, 1, "the session and its account, one statement");
}
