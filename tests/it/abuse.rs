//! Abuse resistance over HTTP: failed logins lock an account for growing
//! periods, the TOTP second factor (enrolment, login, replay, recovery
//! codes, reset, roles that require it), and per-address rate limits with
//! 429 and Retry-After, plus the global budget for filing requests.

use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::{PASSWORD, TestApp};
use crate::procedure::request_input;
use crate::support::on_both_databases;

on_both_databases!(
    failed_logins_lock_the_account_for_growing_periods,
    the_second_factor_is_enrolled_asked_for_and_cannot_be_replayed,
    roles_that_require_a_second_factor_can_only_set_it_up,
    anonymous_operations_are_rate_limited_per_address,
    a_retry_recovers_its_answer_whatever_the_limits,
);

const LOGIN: &str = "mutation($e: String!, $p: String!, $c: String) {
    login(email: $e, password: $p, secondFactor: $c) { token user { secondFactor } } }";
const EMAIL: &str = "oficial@dgdh.gob.pe";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

async fn login(app: &TestApp, password: &str, second_factor: Option<&str>) -> Value {
    app.graphql(LOGIN, json!({ "e": EMAIL, "p": password, "c": second_factor })).await
}

fn logged_in(body: &Value) -> bool {
    body["data"]["login"]["token"].is_string()
}

async fn failed_logins_lock_the_account_for_growing_periods(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    app.set_time("2026-07-13T14:00:00Z");
    app.staff(Role::Officer, EMAIL, None).await;
    for _ in 0..5 {
        assert_eq!(code(&login(&app, "no es la contraseña", None).await), "UNAUTHENTICATED");
    }
    // Locked for a minute: the right password is refused, and with the
    // same answer as a wrong one.
    let locked = login(&app, PASSWORD, None).await;
    assert_eq!(code(&locked), "UNAUTHENTICATED");
    assert_eq!(locked["errors"][0]["message"], login(&app, "otra", None).await["errors"][0]["message"]);
    app.set_time("2026-07-13T14:01:01Z");
    assert!(logged_in(&login(&app, PASSWORD, None).await), "the lock ends after a minute");

    // Success clears the count; five more failures lock again for a
    // minute, attempts made while locked are not counted, and the sixth
    // failure in a row locks for two minutes.
    for _ in 0..5 {
        login(&app, "no es la contraseña", None).await;
    }
    for _ in 0..3 {
        login(&app, "mientras está bloqueada", None).await;
    }
    app.set_time("2026-07-13T14:02:02Z");
    login(&app, "no es la contraseña", None).await;
    app.set_time("2026-07-13T14:03:32Z");
    assert!(!logged_in(&login(&app, PASSWORD, None).await), "two minutes after the sixth failure");
    app.set_time("2026-07-13T14:04:03Z");
    assert!(logged_in(&login(&app, PASSWORD, None).await));

    let entries = db.audit_entries(&db::AuditFilter::default(), None, 100).await.unwrap().0;
    let failed = entries.iter().filter(|e| e.action == domain::workflow::AuditAction::LoginFailed).count();
    assert_eq!(failed, 5 + 2 + 5 + 3 + 1 + 1, "every refused attempt is in the audit trail");
}

/// Sets up the second factor of the holder of `token`; returns the secret
/// and the recovery codes.
async fn enrol(app: &TestApp, token: &str) -> (String, Vec<String>) {
    let begin = "mutation($p: String!) { beginSecondFactor(password: $p) { secret uri } }";
    let wrong = app.graphql_as(Some(token), begin, json!({ "p": "no es la contraseña" })).await;
    assert_eq!(code(&wrong), "BAD_USER_INPUT");
    let setup = app.graphql_as(Some(token), begin, json!({ "p": PASSWORD })).await;
    let secret = setup["data"]["beginSecondFactor"]["secret"].as_str().unwrap().to_owned();
    let uri = setup["data"]["beginSecondFactor"]["uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Resguardo:") && uri.contains(&format!("secret={secret}")), "{uri}");

    let confirm = "mutation($c: String!) { confirmSecondFactor(code: $c) }";
    let right = totp_now(app, &secret).await;
    let off_by_one = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    let refused = app.graphql_as(Some(token), confirm, json!({ "c": off_by_one })).await;
    assert_eq!(code(&refused), "BAD_SECOND_FACTOR");
    let confirmed = app.graphql_as(Some(token), confirm, json!({ "c": right })).await;
    let codes: Vec<String> = serde_json::from_value(confirmed["data"]["confirmSecondFactor"].clone()).unwrap();
    assert_eq!(codes.len(), 10, "{confirmed}");
    (secret, codes)
}

/// The code the app shows now, after moving the clock to the next 30-second
/// step (each step's code is good once).
async fn totp_now(app: &TestApp, secret: &str) -> String {
    let now = app.advance_seconds(30);
    api::auth::totp::code_at(secret, now).unwrap()
}

async fn the_second_factor_is_enrolled_asked_for_and_cannot_be_replayed(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    app.set_time("2026-07-13T14:00:00Z");
    let token = app.staff(Role::Officer, EMAIL, None).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let (secret, recovery) = enrol(&app, &token).await;
    assert_eq!(
        app.graphql_as(Some(&token), "{ me { secondFactor } }", json!({})).await["data"]["me"]["secondFactor"],
        true
    );

    // The password alone is no longer enough; the code is good once.
    assert_eq!(code(&login(&app, PASSWORD, None).await), "SECOND_FACTOR_REQUIRED");
    let current = totp_now(&app, &secret).await;
    assert!(logged_in(&login(&app, PASSWORD, Some(&current)).await));
    assert_eq!(code(&login(&app, PASSWORD, Some(&current)).await), "BAD_SECOND_FACTOR", "replayed");
    // A right code with a wrong password says nothing about the code.
    assert_eq!(
        code(&login(&app, "no es la contraseña", Some(&totp_now(&app, &secret).await)).await),
        "UNAUTHENTICATED"
    );

    // Recovery codes, however typed, work once each.
    let typed = recovery[0].to_lowercase().replace('-', " ");
    assert!(logged_in(&login(&app, PASSWORD, Some(&typed)).await));
    assert_eq!(code(&login(&app, PASSWORD, Some(&recovery[0])).await), "BAD_SECOND_FACTOR");
    assert!(logged_in(&login(&app, PASSWORD, Some(&recovery[1])).await));

    // Turning it off takes the password and a code.
    let disable = "mutation($p: String!, $c: String!) { disableSecondFactor(password: $p, code: $c) }";
    let token = login(&app, PASSWORD, Some(&totp_now(&app, &secret).await)).await["data"]["login"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = app.graphql_as(Some(&token), disable, json!({ "p": PASSWORD, "c": "000000" })).await;
    assert!(matches!(code(&refused), "BAD_SECOND_FACTOR"), "{refused}");
    let off = app.graphql_as(Some(&token), disable, json!({ "p": PASSWORD, "c": recovery[2] })).await;
    assert_eq!(off["data"]["disableSecondFactor"], true, "{off}");
    assert!(logged_in(&login(&app, PASSWORD, None).await));

    // A lost phone: an admin removes the second factor.
    let (_, _) = enrol(&app, &token).await;
    assert_eq!(code(&login(&app, PASSWORD, None).await), "SECOND_FACTOR_REQUIRED");
    let officer = db.users().await.unwrap().into_iter().find(|u| u.email == EMAIL).unwrap();
    let reset = app
        .graphql_as(
            Some(&admin),
            "mutation($id: ID!) { updateUser(userId: $id, input: { resetSecondFactor: true }) { secondFactor } }",
            json!({ "id": officer.id.to_string() }),
        )
        .await;
    assert_eq!(reset["data"]["updateUser"]["secondFactor"], false, "{reset}");
    assert!(logged_in(&login(&app, PASSWORD, None).await));

    let entries = db.audit_entries(&db::AuditFilter::default(), None, 200).await.unwrap().0;
    let changes = entries.iter().filter(|e| e.action == domain::workflow::AuditAction::SecondFactorChanged).count();
    assert_eq!(changes, 5, "begin, confirm, disable, begin, confirm (the reset is a user update)");
}

async fn roles_that_require_a_second_factor_can_only_set_it_up(db: Database) {
    let policy = api::authz::Policy {
        second_factor_roles: api::authz::RoleSet::of(&[Role::Admin]),
        ..api::authz::Policy::default()
    };
    let year = chrono::Duration::days(365);
    let config = api::ApiConfig {
        policy,
        sessions: db::SessionPolicy { absolute: year, idle: year },
        rate_limits: api::RateLimits::OFF,
        ..api::ApiConfig::default()
    };
    let app = TestApp::spawn_with(db.clone(), config).await;
    app.set_time("2026-07-13T14:00:00Z");
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let officer = app.staff(Role::Officer, EMAIL, None).await;

    let users = "{ users { email } }";
    let refused = app.graphql_as(Some(&admin), users, json!({})).await;
    assert_eq!(code(&refused), "SECOND_FACTOR_SETUP_REQUIRED", "{refused}");
    assert!(refused["data"].is_null());
    assert_eq!(app.graphql_as(Some(&admin), "{ me { role } }", json!({})).await["data"]["me"]["role"], "ADMIN");
    assert!(
        app.graphql_as(Some(&officer), "{ cases(first: 1) { edges { cursor } } }", json!({})).await["errors"].is_null()
    );

    enrol(&app, &admin).await;
    let allowed = app.graphql_as(Some(&admin), users, json!({})).await;
    assert_eq!(allowed["data"]["users"].as_array().map(Vec::len), Some(2), "{allowed}");

    let entries = db.audit_entries(&db::AuditFilter::default(), None, 100).await.unwrap().0;
    assert!(entries.iter().any(|e| e.action == domain::workflow::AuditAction::AccessDenied), "the refusal is recorded");
}

async fn anonymous_operations_are_rate_limited_per_address(db: Database) {
    let limits = api::RateLimits {
        intake: api::Rate { per_hour: 4 },
        intake_global: api::Rate { per_hour: 12 },
        login: api::Rate { per_hour: 8 },
        requester: api::Rate { per_hour: 4 },
        app: api::Rate { per_hour: 4 },
    };
    let config = api::ApiConfig { rate_limits: limits, ..api::ApiConfig::default() };
    let behind_a_proxy =
        web::WebConfig { client_ip_header: Some("x-forwarded-for".into()), ..web::WebConfig::default() };
    let app = TestApp::spawn_with_web(db.clone(), config, behind_a_proxy).await;
    app.set_time("2026-07-13T14:00:00Z");
    let submit = "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey } }";
    let send = |from: &'static str, query: &'static str, variables: Value| {
        app.post("/graphql")
            .header("x-forwarded-for", format!("10.9.9.9, {from}"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
    };

    // 4 an hour per address: a burst of one, then one every 15 minutes.
    let first = send("203.0.113.1", submit, json!({ "i": request_input("rate-limited-1-0001") })).await.unwrap();
    assert_eq!(first.status(), 200);
    let filed: Value = first.json().await.unwrap();
    assert!(filed["errors"].is_null(), "{filed}");
    let second = send("203.0.113.1", submit, json!({ "i": request_input("rate-limited-2-0001") })).await.unwrap();
    assert_eq!(second.status(), 429);
    assert_eq!(second.headers()["retry-after"], "900");
    let body: Value = second.json().await.unwrap();
    assert_eq!(code(&body), "RATE_LIMITED");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], 900);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("espere"));
    let filed_cases = db.cases_page(&Default::default(), Default::default(), None, 10).await.unwrap().items.len();
    assert_eq!(filed_cases, 1, "nothing filed");

    // Other addresses have their own allowance, until the budget shared by
    // everyone (12 an hour: a burst of 3) runs out.
    for (from, key) in [("203.0.113.2", "rate-limited-a-0001"), ("203.0.113.3", "rate-limited-b-0001")] {
        assert_eq!(send(from, submit, json!({ "i": request_input(key) })).await.unwrap().status(), 200);
    }
    assert_eq!(
        send("203.0.113.4", submit, json!({ "i": request_input("rate-limited-4-0001") })).await.unwrap().status(),
        429
    );
    app.set_time("2026-07-13T14:15:00Z");
    assert_eq!(
        send("203.0.113.1", submit, json!({ "i": request_input("rate-limited-2-0001") })).await.unwrap().status(),
        200
    );

    // Guessing access keys and passwords meets the same wall.
    let my_request = "query($n: String!, $k: String!) { myRequest(fileNumber: $n, accessKey: $k) { status } }";
    let file = filed["data"]["submitRequest"]["fileNumber"].as_str().unwrap();
    let guess = json!({ "n": file, "k": "AAAA-AAAA-AAAA-AAAA-AAAA" });
    let wrong: Value = send("198.51.100.9", my_request, guess.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(code(&wrong), "FORBIDDEN");
    assert_eq!(send("198.51.100.9", my_request, guess).await.unwrap().status(), 429);
    let login = "mutation { login(email: \"nadie@dgdh.gob.pe\", password: \"adivinanza123\") { token } }";
    for _ in 0..2 {
        assert_eq!(send("198.51.100.9", login, json!({})).await.unwrap().status(), 200);
    }
    let limited = send("198.51.100.9", login, json!({})).await.unwrap();
    assert_eq!((limited.status().as_u16(), limited.headers()["retry-after"].to_str().unwrap()), (429, "450"));

    // Staff work is not limited.
    let officer = app.staff(Role::Officer, EMAIL, None).await;
    for n in 0..5 {
        let registered = app
            .graphql_as(
                Some(&officer),
                "mutation($i: RequestInput!) { registerRequest(channel: PHONE, input: $i) { fileNumber } }",
                json!({ "i": request_input(&format!("registered-by-phone-{n}")) }),
            )
            .await;
        assert!(registered["errors"].is_null(), "{registered}");
    }
}

/// With the default limits (20 filings an hour per address, in bursts of
/// five), a defender who filed five requests and lost the answer to the
/// third gets it back on a retry, and the retry costs nothing: the next new
/// request is still refused until a filing's worth of time has passed.
async fn a_retry_recovers_its_answer_whatever_the_limits(db: Database) {
    let config = api::ApiConfig::default();
    assert_eq!(config.rate_limits.intake, api::Rate { per_hour: 20 }, "the defaults");
    let app = TestApp::spawn_with(db.clone(), config).await;
    app.set_time("2026-07-13T14:00:00Z");
    let submit = "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey replayed } }";
    let app = &app;
    let send = |key: String| async move {
        let response =
            app.post("/graphql").json(&json!({ "query": submit, "variables": { "i": request_input(&key) } }));
        let response = response.send().await.unwrap();
        (response.status().as_u16(), response.json::<Value>().await.unwrap())
    };
    let mut answers = Vec::new();
    for n in 1..=5 {
        let (status, body) = send(format!("retry-burst-{n}-7f3a9c2e")).await;
        assert_eq!(status, 200, "{body}");
        answers.push(body["data"]["submitRequest"].clone());
    }
    let (status, body) = send("retry-burst-6-7f3a9c2e".to_owned()).await;
    assert_eq!((status, code(&body)), (429, "RATE_LIMITED"), "the burst of five is spent");

    let (status, body) = send("retry-burst-3-7f3a9c2e".to_owned()).await;
    assert_eq!(status, 200, "the retry is answered: {body}");
    let again = &body["data"]["submitRequest"];
    assert_eq!(again["replayed"], true);
    assert_eq!((&again["fileNumber"], &again["accessKey"]), (&answers[2]["fileNumber"], &answers[2]["accessKey"]));

    // One filing comes back every three minutes; the retry did not take it.
    app.set_time("2026-07-13T14:03:01Z");
    let (status, body) = send("retry-burst-6-7f3a9c2e".to_owned()).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = send("retry-burst-7-7f3a9c2e".to_owned()).await;
    assert_eq!(status, 429);
}
