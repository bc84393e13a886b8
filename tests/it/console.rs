//! The staff console over plain HTTP, as a browser without script uses
//! it: sign in, the cookie, the officer's queues and case page, the
//! coordinator's desk, the second factor, and what each role reaches.

use db::Database;
use domain::roles::Role;
use serde_json::json;

use crate::app::{PASSWORD, TestApp};
use crate::pages::{Page, form_with_file, get, jpeg, post, sha256_hex};
use crate::support::on_both_databases;

on_both_databases!(
    an_officer_takes_a_request_through_the_procedure_and_a_coordinator_carries_it_out,
    the_session_cookie_is_strict_and_ends_with_logout_or_a_disabled_account,
    a_second_factor_is_set_up_with_a_qr_code_and_then_asked_at_sign_in,
    each_role_reaches_its_own_pages_only,
    an_auditor_reads_the_trail_filters_it_and_verifies_the_chain,
    the_registry_shows_charts_beside_their_tables_and_compliance_to_those_who_follow_deadlines,
    an_admin_sees_a_new_non_working_day_move_deadlines_before_saving_it,
    an_admin_creates_an_account_and_disabling_it_ends_its_session,
    an_admin_keeps_the_sectors_the_catalogue_the_deadline_rules_and_the_reminders,
    a_page_hears_of_a_change_to_its_case_through_server_sent_events,
    an_officer_sees_the_case_files_downloads_them_and_attaches_one,
    an_officer_takes_the_protection_cycle_steps_from_the_case_page,
    an_officer_records_a_meeting_and_its_sector_reports_the_agreement_done,
);

/// A browser signed in to the console: its session cookie.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
}

impl<'a> Browser<'a> {
    /// Signs in through `/consola/entrar`, as a person would.
    async fn sign_in(app: &'a TestApp, email: &str, code: Option<&str>) -> (Page, Option<Browser<'a>>) {
        let form = get(app, "/consola/entrar").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let mut fields = form.hidden_of("");
        fields.push(("email".into(), email.into()));
        fields.push(("password".into(), PASSWORD.into()));
        fields.push(("secondFactor".into(), code.unwrap_or("").into()));
        let answer = post(app, "/consola/entrar", &fields).await;
        let cookie = answer
            .header("set-cookie")
            .split(';')
            .next()
            .filter(|c| c.starts_with("__Host-resguardo-sesion=") && c.len() > 30)
            .map(str::to_owned);
        (answer, cookie.map(|cookie| Browser { app, cookie }))
    }

    async fn get(&self, path: &str) -> Page {
        let response = self.app.get(path).header("cookie", &self.cookie).send().await.unwrap();
        page(response).await
    }

    async fn post(&self, path: &str, fields: &[(String, String)]) -> Page {
        let request = self.app.post(path).header("cookie", &self.cookie).header("origin", self.app.base.clone());
        page(request.form(fields).send().await.unwrap()).await
    }

    /// Posts a form with a file, as the browser sends it.
    async fn post_with_file(&self, path: &str, fields: &[(String, String)], file: (&str, &str, &[u8])) -> Page {
        let (field, name, bytes) = file;
        let (body, content_type) = form_with_file(fields, field, (name, bytes));
        let request = self
            .app
            .post(path)
            .header("cookie", &self.cookie)
            .header("origin", self.app.base.clone())
            .header("content-type", content_type);
        let answer = page(request.body(body).send().await.unwrap()).await;
        if answer.status == 303 {
            let location = answer.header("location").to_owned();
            return self.get(&location).await;
        }
        answer
    }

    /// Presses the button `action` of a form on `page`, having typed `typed`;
    /// `measure` picks the measure's form when several share the action.
    async fn press(&self, page: &Page, path: &str, action: &str, typed: &[(&str, &str)]) -> Page {
        let mut fields = page.hidden_of(action);
        fields.extend(typed.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
        fields.push(("accion".into(), action.into()));
        let answer = self.post(path, &fields).await;
        if answer.status == 303 {
            let location = answer.header("location").to_owned();
            return self.get(&location).await;
        }
        answer
    }
}

async fn page(response: reqwest::Response) -> Page {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Page { status, headers, body: response.text().await.unwrap() }
}

pub(crate) async fn file_request(app: &TestApp) -> (String, String) {
    let input = api::request_input_variable(&uuid::Uuid::new_v4().to_string(), &crate::fixtures::leader_in_ucayali())
        .expect("a complete request");
    let filed = app
        .graphql(
            "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey } }",
            json!({ "i": input }),
        )
        .await;
    let number = filed["data"]["submitRequest"]["fileNumber"].as_str().unwrap_or_else(|| panic!("{filed}")).to_owned();
    let key = filed["data"]["submitRequest"]["accessKey"].as_str().unwrap().to_owned();
    (number, key)
}

/// A new request, taken by the officer (`token`) through review to
/// admission through the API: the decision clock runs. Its case id.
pub(crate) async fn admitted_case(app: &TestApp, token: &str) -> String {
    let (number, _) = file_request(app).await;
    admit_filed(app, token, &number).await
}

/// The request filed as `number`, taken by the officer (`token`) through
/// review to admission through the API. Its case id.
pub(crate) async fn admit_filed(app: &TestApp, token: &str, number: &str) -> String {
    let ok = |answer: serde_json::Value| {
        assert!(answer["errors"].is_null(), "{answer}");
        answer["data"].clone()
    };
    let found = ok(app
        .graphql_as(
            Some(token),
            "query($f: String!) { cases(filter: { fileNumber: $f }) { nodes { id } } }",
            json!({ "f": number }),
        )
        .await);
    let case_id = found["cases"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    let me = ok(app.graphql_as(Some(token), "{ me { id } }", json!({})).await)["me"]["id"].clone();
    let assign = "mutation($c: ID!, $o: ID!) { assignCase(caseId: $c, officerId: $o) { id } }";
    ok(app.graphql_as(Some(token), assign, json!({ "c": case_id, "o": me })).await);
    ok(app
        .graphql_as(Some(token), "mutation($c: ID!) { startReview(caseId: $c) { id } }", json!({ "c": case_id }))
        .await);
    let criteria: Vec<serde_json::Value> =
        domain::workflow::Criterion::ALL.iter().map(|c| json!({ "criterion": c.code(), "met": true })).collect();
    let evaluate = "mutation($c: ID!, $i: AdmissibilityInput!) { evaluateAdmissibility(caseId: $c, input: $i) { id } }";
    ok(app
        .graphql_as(Some(token), evaluate, json!({ "c": case_id, "i": { "criteria": criteria, "outcome": "ADMIT" } }))
        .await);
    case_id
}

/// The href of the first link whose text holds `text`.
fn link_to(page: &Page, text: &str) -> String {
    let at = page.body.find(text).unwrap_or_else(|| panic!("no {text}: {}", page.body));
    let before = &page.body[..at];
    let start = before.rfind("href=\"").expect("a link") + 6;
    before[start..].split('"').next().unwrap().to_owned()
}

async fn an_officer_takes_a_request_through_the_procedure_and_a_coordinator_carries_it_out(db: Database) {
    let app = TestApp::spawn(db).await;
    app.set_time("2026-07-13T14:00:00Z");
    app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    app.staff(Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")).await;
    let (number, key) = file_request(&app).await;

    let (signed, officer) = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await;
    assert_eq!((signed.status, signed.header("location")), (303, "/consola/casos"), "{}", signed.body);
    let officer = officer.expect("a session cookie");

    // The home: the queues with counts; the new request is new and unassigned.
    let home = officer.get("/consola/casos?cola=nuevas").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains("Nuevas sin asignar</span> <span class=\"cuenta\">1</span>"), "{}", home.body);
    assert!(home.body.contains(&number), "the case is listed");
    assert!(!home.body.contains("Lideresa Shipibo"), "a list reads no personal data");
    let case_path = link_to(&home, &number);

    // Assign it to oneself and start the review.
    let case = officer.get(&case_path).await;
    assert_eq!(case.status, 200, "{}", case.body);
    assert!(
        case.body.contains("Lideresa Shipibo") && case.body.contains("tala ilegal"),
        "the officer reads the request"
    );
    assert!(case.body.contains("Aviso · Nueva solicitud"), "the e-mails sent, by what they were about: {}", case.body);
    let option = case.body.split("<option value=\"").nth(2).unwrap().split('"').next().unwrap().to_owned();
    let case = officer.press(&case, &case_path, "asignar", &[("asignar.officerId", &option)]).await;
    assert!(case.body.contains("Listo: se registró «Asignar el caso»"), "{}", case.body);
    let case = officer.press(&case, &case_path, "iniciar-calificacion", &[]).await;
    assert!(case.body.contains("En calificación"), "{}", case.body);

    // A failed criterion without its note: the error sits next to it, what
    // was chosen stays chosen.
    let mut criteria: Vec<(String, String)> = (0..6)
        .map(|i| (format!("calificar.input.criteria[{i}].met"), if i == 1 { "false" } else { "true" }.to_owned()))
        .collect();
    criteria.push(("calificar.input.outcome".into(), "ADMIT".into()));
    let typed: Vec<(&str, &str)> = criteria.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let refused = officer.press(&case, &case_path, "calificar", &typed).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.has_error_at("f-calificar-input-criteria-1-note"), "the note asked for: {}", refused.body);
    assert!(refused.body.contains("value=\"false\" checked"), "the choice is kept");

    // Ask the requester instead; they answer on the public side.
    let asked = officer
        .press(&refused, &case_path, "pedir-informacion", &[("pedir-informacion.question", "¿Dónde vive ahora?")])
        .await;
    assert!(asked.body.contains("Información solicitada"), "{}", asked.body);
    let answered = app
        .graphql(
            "mutation($f: String!, $k: String!) { answerInformationRequest(fileNumber: $f, accessKey: $k, answer: \"En la comunidad\") { status } }",
            json!({ "f": number, "k": key }),
        )
        .await;
    assert_eq!(answered["data"]["answerInformationRequest"]["status"], "UNDER_REVIEW", "{answered}");

    // Admit, with every criterion met.
    let case = officer.get(&case_path).await;
    let all_met: Vec<(String, String)> = (0..6)
        .map(|i| (format!("calificar.input.criteria[{i}].met"), "true".to_owned()))
        .chain([("calificar.input.outcome".to_owned(), "ADMIT".to_owned())])
        .collect();
    let typed: Vec<(&str, &str)> = all_met.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let admitted = officer.press(&case, &case_path, "calificar", &typed).await;
    assert!(admitted.body.contains("<strong>Admitida</strong>"), "{}", admitted.body);
    assert!(admitted.body.contains("Decisión sobre la solicitud"), "the decision clock runs");
    assert!(admitted.body.contains("días hábiles contados desde el día siguiente"), "and says why");

    // Urgent risk, then the resolution for two sectors.
    let assessed = officer
        .press(
            &admitted,
            &case_path,
            "evaluar-riesgo",
            &[
                ("evaluar-riesgo.input.track", "URGENT"),
                ("evaluar-riesgo.input.level", "EXTREME"),
                ("evaluar-riesgo.input.summary", "Amenazas de muerte tras la denuncia"),
            ],
        )
        .await;
    assert!(assessed.body.contains("Riesgo evaluado"), "{}", assessed.body);
    // A date that is not one: said next to the field, nothing sent.
    let wrong_date = officer
        .press(
            &assessed,
            &case_path,
            "resolver",
            &[("resolver.input.act.number", "RD N.° 051-2026-JUS/DGDH"), ("resolver.input.act.date", "13/07/2026")],
        )
        .await;
    assert_eq!(wrong_date.status, 422);
    assert!(wrong_date.body.contains("escriba la fecha como año-mes-día"), "{}", wrong_date.body);
    let resolved = officer
        .press(
            &wrong_date,
            &case_path,
            "resolver",
            &[
                ("resolver.input.act.number", "RD N.° 051-2026-JUS/DGDH"),
                ("resolver.input.act.date", "2026-07-13"),
                ("resolver.input.granted[0].measureType", "POLICE_PROTECTION"),
                ("resolver.input.granted[2].measureType", "LEGAL_AID"),
                ("resolver.input.denied[0].description", "Reubicación"),
                ("resolver.input.denied[0].reason", "No procede por ahora"),
            ],
        )
        .await;
    assert!(resolved.body.contains("Resolución emitida"), "{}", resolved.body);
    assert!(resolved.body.contains("Medida n.° 2"), "two measures granted");
    // Notify the police's measure to its sector.
    let notified = officer.press(&resolved, &case_path, "notificar", &[]).await;
    assert!(notified.body.contains("Notificada al sector"), "{}", notified.body);

    // The coordinator's desk: the measure, the minimum case data, acknowledge and report.
    let (_, coordinator) = Browser::sign_in(&app, "mininter@mininter.gob.pe", None).await;
    let coordinator = coordinator.expect("a session cookie");
    let desk = coordinator.get("/consola/medidas").await;
    assert_eq!(desk.status, 200, "{}", desk.body);
    assert!(desk.body.contains(&number) && desk.body.contains("Lideresa Shipibo"), "{}", desk.body);
    assert!(!desk.body.contains("tala ilegal"), "the facts are not the sector's to read");
    let acknowledged = coordinator.press(&desk, "/consola/medidas", "acusar-recibo", &[]).await;
    assert!(acknowledged.body.contains("Recibida por el sector"), "{}", acknowledged.body);
    let reported = coordinator
        .press(
            &acknowledged,
            "/consola/medidas",
            "informar-implementada",
            &[("informar-implementada.report", "Patrullaje diario desde el 15 de julio")],
        )
        .await;
    assert!(reported.body.contains("Implementada"), "{}", reported.body);
    // The case page is not the coordinator's: an e-mail's link to it leads
    // to their desk, that case's measures only.
    let redirected = coordinator.get(&case_path).await;
    let case_id = case_path.trim_start_matches("/consola/casos/");
    assert_eq!(
        (redirected.status, redirected.header("location")),
        (303, format!("/consola/medidas?caso={case_id}").as_str())
    );
    let desk = coordinator.get(redirected.header("location")).await;
    assert!(desk.body.contains(&number) && !desk.body.contains("tala ilegal"), "{}", desk.body);
}

async fn the_session_cookie_is_strict_and_ends_with_logout_or_a_disabled_account(db: Database) {
    let app = TestApp::spawn(db).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let (signed, browser) = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await;
    let cookie = signed.header("set-cookie").to_owned();
    for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    assert!(!cookie.contains("Max-Age") && !cookie.contains("Domain"), "{cookie}");
    let browser = browser.unwrap();
    let home = browser.get("/consola/casos").await;
    assert_eq!(home.status, 200);
    assert_eq!(home.header("cache-control"), "no-store");

    // A wrong password says so and keeps the e-mail, never the password.
    let form = get(&app, "/consola/entrar").await;
    let mut fields = form.hidden_of("");
    fields
        .extend([("email".to_owned(), "oficial@dgdh.gob.pe".to_owned()), ("password".to_owned(), "no es".to_owned())]);
    let wrong = post(&app, "/consola/entrar", &fields).await;
    assert!(wrong.header("set-cookie").is_empty());
    assert!(wrong.body.contains("El correo o la contraseña no son correctos"), "{}", wrong.body);
    assert!(wrong.body.contains("value=\"oficial@dgdh.gob.pe\"") && !wrong.body.contains("no es\""));

    // A form of this session posted without its token, or from another
    // session, or from another site: refused, nothing done.
    let sign_out = home.hidden_of("cerrar-sesion");
    let stolen: Vec<(String, String)> =
        sign_out.iter().map(|(n, v)| (n.clone(), if n == "ficha" { "AAAA".into() } else { v.clone() })).collect();
    assert_eq!(browser.post("/consola/salir", &stolen).await.status, 403);
    let (_, other) = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await;
    assert_eq!(other.unwrap().post("/consola/salir", &sign_out).await.status, 403, "a token is bound to its session");
    let cross_site = app
        .post("/consola/salir")
        .header("cookie", &browser.cookie)
        .header("sec-fetch-site", "cross-site")
        .form(&sign_out)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status().as_u16(), 403);
    assert_eq!(browser.get("/consola/casos").await.status, 200, "still signed in");

    // Logout: the cookie is forgotten and the old one no longer works.
    let out = browser.post("/consola/salir", &sign_out).await;
    assert_eq!(out.status, 303);
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    let after = browser.get("/consola/casos").await;
    assert_eq!((after.status, after.header("location")), (303, "/consola/entrar?motivo=sesion"));

    // A disabled account's open page stops at its next request.
    let (_, again) = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await;
    let again = again.unwrap();
    assert_eq!(again.get("/consola/casos").await.status, 200);
    let users = app.graphql_as(Some(&admin), "{ users { id email } }", json!({})).await;
    let id = users["data"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "oficial@dgdh.gob.pe")
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .unwrap();
    let disabled = app
        .graphql_as(
            Some(&admin),
            "mutation($u: ID!) { updateUser(userId: $u, input: { active: false }) { active } }",
            json!({ "u": id }),
        )
        .await;
    assert_eq!(disabled["data"]["updateUser"]["active"], false, "{disabled}");
    assert_eq!(again.get("/consola/casos").await.status, 303);
}

async fn a_second_factor_is_set_up_with_a_qr_code_and_then_asked_at_sign_in(db: Database) {
    let app = TestApp::spawn(db).await;
    app.set_time("2026-07-13T14:00:00Z");
    app.staff(Role::Supervisor, "supervisora@dgdh.gob.pe", None).await;
    let (_, browser) = Browser::sign_in(&app, "supervisora@dgdh.gob.pe", None).await;
    let browser = browser.unwrap();
    let start = browser.get("/consola/segundo-factor").await;
    let scan = browser.press(&start, "/consola/segundo-factor", "empezar", &[("password", PASSWORD)]).await;
    assert!(scan.body.contains("<svg role=\"img\" aria-label=\"Código QR"), "{}", scan.body);
    let secret = scan.body.split("<code class=\"secreto\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let wrong = browser.press(&scan, "/consola/segundo-factor", "confirmar", &[("code", "000000")]).await;
    assert!(wrong.body.contains("<svg"), "a mistyped code shows the QR code again: {}", wrong.body);
    let now = app.advance_seconds(30);
    let code = api::auth::totp::code_at(&secret, now).unwrap();
    let codes = browser.press(&wrong, "/consola/segundo-factor", "confirmar", &[("code", &code)]).await;
    assert!(codes.body.contains("Sus códigos de recuperación"), "{}", codes.body);
    assert_eq!(codes.body.matches("<li><code>").count(), 10, "ten recovery codes, shown once");

    // Next sign-in: the code is asked for, next to its field.
    let (asked, none) = Browser::sign_in(&app, "supervisora@dgdh.gob.pe", None).await;
    assert!(none.is_none());
    assert!(asked.body.contains("su cuenta pide el código"), "{}", asked.body);
    let now = app.advance_seconds(30);
    let code = api::auth::totp::code_at(&secret, now).unwrap();
    let (_, signed) = Browser::sign_in(&app, "supervisora@dgdh.gob.pe", Some(&code)).await;
    assert!(signed.is_some());
}

/// A form posted in the rights table: to a page's pattern, its `accion`,
/// what is typed, and whether each role (officer, coordinator, admin,
/// auditor) may take the step.
type Post<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], [bool; 4]);

async fn each_role_reaches_its_own_pages_only(db: Database) {
    let app = TestApp::spawn(db).await;
    for (role, email, sector) in [
        (Role::Officer, "oficial@dgdh.gob.pe", None),
        (Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")),
        (Role::Admin, "admin@dgdh.gob.pe", None),
        (Role::Auditor, "auditoria@dgdh.gob.pe", None),
    ] {
        app.staff(role, email, sector).await;
    }
    let (number, _) = file_request(&app).await;
    let officer_token = app.login("oficial@dgdh.gob.pe", PASSWORD).await;
    let found = app
        .graphql_as(
            Some(&officer_token),
            "query($f: String!) { cases(filter: { fileNumber: $f }) { nodes { id } } }",
            json!({ "f": number }),
        )
        .await;
    let case = format!("/consola/casos/{}", found["data"]["cases"]["nodes"][0]["id"].as_str().unwrap());
    // Every console page × every role: what the API's rights give. The
    // table names every page by its pattern; a page any role's pages link
    // to that is not in it fails the test below.
    let table: [(&str, [u16; 4]); 12] = [
        // officer, coordinator, admin, auditor
        ("/consola/casos", [200, 403, 403, 403]),
        // A coordinator is sent to their desk, that case's measures.
        ("/consola/casos/{id}", [200, 303, 403, 403]),
        ("/consola/medidas", [200, 200, 403, 403]),
        ("/consola/reuniones", [200, 200, 403, 403]),
        ("/consola/auditoria", [403, 403, 403, 200]),
        ("/consola/registro", [200, 200, 403, 200]),
        ("/consola/calendario", [200, 200, 200, 200]),
        ("/consola/cuentas", [403, 403, 200, 403]),
        ("/consola/catalogos", [403, 403, 200, 403]),
        ("/consola/reglas", [200, 200, 200, 200]),
        ("/consola/cuenta", [200, 200, 200, 200]),
        ("/consola/segundo-factor", [200, 200, 200, 200]),
    ];
    let emails = ["oficial@dgdh.gob.pe", "mininter@mininter.gob.pe", "admin@dgdh.gob.pe", "auditoria@dgdh.gob.pe"];
    let path_of = |pattern: &str| pattern.replace("/consola/casos/{id}", &case);
    let pattern_of = |path: &str| -> String {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        match path.strip_prefix("/consola/casos/") {
            Some(id) if !id.is_empty() => "/consola/casos/{id}".to_owned(),
            _ => path.to_owned(),
        }
    };
    for (i, email) in emails.into_iter().enumerate() {
        let (_, browser) = Browser::sign_in(&app, email, None).await;
        let browser = browser.unwrap();
        for (pattern, statuses) in &table {
            assert_eq!(browser.get(&path_of(pattern)).await.status, statuses[i], "{email} {pattern}");
        }
        // Every console page this role's pages link to has its row.
        let mut seen: Vec<String> = vec!["/consola/cuenta".into()];
        let mut queue: Vec<String> = table.iter().filter(|(_, s)| s[i] == 200).map(|(p, _)| path_of(p)).collect();
        while let Some(path) = queue.pop() {
            let page = browser.get(&path).await;
            for linked in page.addresses().into_iter().filter(|a| a.starts_with("/consola") && a != "/consola/salir") {
                let pattern = pattern_of(&linked);
                assert!(
                    pattern == "/consola" || pattern == "/consola/entrar" || table.iter().any(|(p, _)| *p == pattern),
                    "{email}: {path} links to {pattern}, which the rights table lacks"
                );
                if !seen.contains(&pattern) && table.iter().any(|(p, _)| *p == pattern) {
                    seen.push(pattern.clone());
                    queue.push(linked.replace("&amp;", "&"));
                }
            }
        }
    }
    let pages: Vec<String> = table.iter().map(|(p, _)| path_of(p)).collect();
    // Without a session every page sends to the sign-in.
    for path in &pages {
        let page = get(&app, path).await;
        assert_eq!(page.status, 303, "{path}");
        assert!(page.header("location").starts_with("/consola/entrar"), "{path}");
    }
    // Every console form × every role: a role the API refuses the step
    // gets 403, whatever the page; the others are answered (the step taken,
    // or what to correct), never with an error of the server. Posted with a
    // form token of each role's own session, as its pages carry it.
    // Two measures granted on another request: MININTER's (the
    // coordinator's own sector) and MINJUSDH's.
    let (granted, _) = file_request(&app).await;
    let granted = app.db.find_case_by_file_number(&granted).await.unwrap().to_string();
    crate::procedure::grant_two_measures(&app, &officer_token, &granted, "2026-07-13").await;
    let measures = app
        .graphql_as(
            Some(&officer_token),
            "query($c: ID!) { case(id: $c) { measures { id sector } } }",
            json!({ "c": granted }),
        )
        .await;
    let measure_of = |sector: &str| {
        measures["data"]["case"]["measures"].as_array().unwrap().iter().find(|m| m["sector"] == sector).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (own, other) = (measure_of("MININTER"), measure_of("MINJUSDH"));
    let (y, n) = (true, false);
    let posts: [Post; 11] = [
        // officer, coordinator, admin, auditor
        ("/consola/casos", "abrir", &[("expediente", number.as_str())], [y, n, n, n]),
        ("/consola/casos/{id}", "iniciar-calificacion", &[], [y, n, n, n]),
        ("/consola/medidas", "acusar-recibo", &[("medida", own.as_str())], [n, y, n, n]),
        ("/consola/medidas", "acusar-recibo", &[("medida", other.as_str())], [n, n, n, n]),
        ("/consola/auditoria", "verificar", &[], [n, n, n, y]),
        ("/consola/calendario", "revisar-dia", &[("dia.date", "2026-07-20"), ("dia.legalBasis", "DS 1")], [n, n, y, n]),
        (
            "/consola/cuentas",
            "crear",
            &[
                ("nueva.email", "nueva@dgdh.gob.pe"),
                ("nueva.displayName", "Nueva oficial"),
                ("nueva.role", "OFFICER"),
                ("nueva.password", PASSWORD),
            ],
            [n, n, y, n],
        ),
        (
            "/consola/catalogos",
            "sector",
            &[("sector.code", "MINAM"), ("sector.name", "Ministerio del Ambiente"), ("sector.active", "on")],
            [n, n, y, n],
        ),
        (
            "/consola/reglas",
            "regla",
            &[
                ("regla.kind", "DECISION"),
                ("regla.track", "ORDINARY"),
                ("regla.workingDays", "30"),
                ("regla.startEvent", "ADMISSION"),
            ],
            [n, n, y, n],
        ),
        ("/consola/segundo-factor", "empezar", &[("password", "no es")], [y, y, y, y]),
        ("/consola/salir", "cerrar-sesion", &[], [y, y, y, y]),
    ];
    for (i, email) in emails.into_iter().enumerate() {
        let (_, browser) = Browser::sign_in(&app, email, None).await;
        let browser = browser.unwrap();
        let token = browser.get("/consola/cuenta").await.hidden_of("cerrar-sesion");
        for (pattern, action, typed, statuses) in &posts {
            let mut fields = token.clone();
            fields.extend(typed.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
            fields.push(("accion".to_owned(), (*action).to_owned()));
            let answer = browser.post(&path_of(pattern), &fields).await;
            let refused = answer.status == 403;
            assert_eq!(!refused, statuses[i], "{email} posts {action} to {pattern}: {}", answer.status);
            assert!(answer.status < 500, "{email} posts {action} to {pattern}: {}", answer.body);
        }
        // Every form the role's pages hold posts to a page the table has.
        for (pattern, statuses) in &table {
            if statuses[i] != 200 {
                continue;
            }
            let page = browser.get(&path_of(pattern)).await;
            for target in page.body.split("<form method=\"post\" action=\"").skip(1).filter_map(|r| r.split('"').next())
            {
                let target = pattern_of(target);
                assert!(
                    posts.iter().any(|(p, ..)| *p == target),
                    "{email}: {pattern} posts to {target}, which the posts table lacks"
                );
            }
        }
    }
    let unknown = "/consola/casos/00000000-0000-4000-8000-000000000000";
    let (_, officer) = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await;
    assert_eq!(officer.unwrap().get(unknown).await.status, 404);
}

async fn an_auditor_reads_the_trail_filters_it_and_verifies_the_chain(db: Database) {
    let app = TestApp::spawn(db).await;
    app.set_time("2026-07-13T14:00:00Z");
    app.staff(Role::Auditor, "auditoria@dgdh.gob.pe", None).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let (number, _) = file_request(&app).await;
    let found = app
        .graphql_as(
            Some(&officer),
            "query($f: String!) { cases(filter: { fileNumber: $f }) { nodes { id } } }",
            json!({ "f": number }),
        )
        .await;
    let case_id = found["data"]["cases"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    // A page of two cases with their names: one entry naming both.
    file_request(&app).await;
    let names = "{ cases(first: 10) { nodes { request { beneficiaries { name } } } } }";
    assert!(app.graphql_as(Some(&officer), names, json!({})).await["errors"].is_null());

    let (signed, auditor) = Browser::sign_in(&app, "auditoria@dgdh.gob.pe", None).await;
    assert_eq!(signed.header("location"), "/consola/auditoria", "the auditor's home is the trail");
    let auditor = auditor.unwrap();
    let trail = auditor.get("/consola/auditoria").await;
    assert_eq!(trail.status, 200, "{}", trail.body);
    assert!(trail.body.contains("registrar la solicitud") && trail.body.contains("iniciar sesión"), "{}", trail.body);
    assert!(!trail.body.contains("Lideresa Shipibo"), "the trail holds no case contents");

    assert!(trail.body.contains("2 casos leídos a la vez"), "the page's read, folded: {}", trail.body);
    assert!(trail.body.contains(&format!("<a href=\"/consola/casos/{case_id}\">")), "{}", trail.body);

    // Only the case's entries (the page that read it among others too); a
    // mistyped date is said next to its field.
    let of_case = auditor.get(&format!("/consola/auditoria?caso={case_id}")).await;
    assert!(
        of_case.body.contains("registrar la solicitud") && !of_case.body.contains("iniciar sesión"),
        "{}",
        of_case.body
    );
    assert!(of_case.body.contains("2 casos leídos a la vez") && of_case.body.contains("request:beneficiaries"));
    let wrong = auditor.get("/consola/auditoria?desde=13/07/2026").await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.has_error_at("f-desde"), "{}", wrong.body);
    let later = auditor.get("/consola/auditoria?desde=2026-07-14").await;
    assert!(later.body.contains("Ninguna entrada con estos filtros"), "{}", later.body);

    // The chain, verified on request, the filters kept.
    let verified = auditor.press(&of_case, "/consola/auditoria", "verificar", &[]).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert!(verified.body.contains("La cadena está íntegra"), "{}", verified.body);
    assert!(verified.body.contains(&format!("value=\"{case_id}\"")), "the case filter is kept");
}

async fn the_registry_shows_charts_beside_their_tables_and_compliance_to_those_who_follow_deadlines(db: Database) {
    let app = TestApp::spawn(db).await;
    app.set_time("2026-07-13T14:00:00Z");
    app.staff(Role::Supervisor, "supervisora@dgdh.gob.pe", None).await;
    app.staff(Role::Auditor, "auditoria@dgdh.gob.pe", None).await;
    for _ in 0..4 {
        file_request(&app).await;
    }
    let (_, supervisor) = Browser::sign_in(&app, "supervisora@dgdh.gob.pe", None).await;
    let supervisor = supervisor.unwrap();
    let registry = supervisor.get("/consola/registro?desde=2026-07-01&hasta=2026-07-31").await;
    assert_eq!(registry.status, 200, "{}", registry.body);
    assert!(
        registry.body.contains("<dt>Recibidas</dt><dd>4</dd>"),
        "exact figures for a supervisor: {}",
        registry.body
    );
    assert!(registry.body.contains("aria-labelledby=\"embudo-t\""), "the funnel chart");
    assert!(
        registry.body.contains("<svg class=\"grafico\"") && registry.body.contains("Solicitudes por mes de ingreso")
    );
    assert!(registry.body.contains("Cumplimiento de los plazos"), "a supervisor follows deadlines");
    // The CSV behind the page's link, with the console's session.
    let csv = supervisor.get("/reports/statistics.csv?from=2026-07-01&to=2026-07-31").await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.header("content-disposition").contains(".csv"));
    assert!(registry.body.contains("/reports/cases.csv?from=2026-07-01&#38;to=2026-07-31"), "{}", registry.body);

    // A mistyped date is said next to its field.
    let wrong = supervisor.get("/consola/registro?desde=1/7/2026").await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.has_error_at("f-desde"), "{}", wrong.body);

    // The auditor: the registry, not the deadlines' lists.
    let (_, auditor) = Browser::sign_in(&app, "auditoria@dgdh.gob.pe", None).await;
    let audited = auditor.unwrap().get("/consola/registro?desde=2026-07-01&hasta=2026-07-31").await;
    assert_eq!(audited.status, 200, "{}", audited.body);
    assert!(
        audited.body.contains("Solicitudes por mes de ingreso") && !audited.body.contains("Cumplimiento de los plazos")
    );
}

async fn an_admin_sees_a_new_non_working_day_move_deadlines_before_saving_it(db: Database) {
    let app = TestApp::spawn(db).await;
    app.set_time("2026-07-13T14:00:00Z");
    app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let case_id = admitted_case(&app, &officer).await;
    let ask = |query: &'static str, variables: serde_json::Value| {
        let officer = officer.clone();
        let app = &app;
        async move { app.graphql_as(Some(&officer), query, variables).await }
    };
    let due = ask("query($c: ID!) { case(id: $c) { nextDueOn } }", json!({ "c": case_id })).await["data"]["case"]
        ["nextDueOn"]
        .as_str()
        .expect("the decision deadline runs")
        .to_owned();
    let due_now = || async {
        ask("query($c: ID!) { case(id: $c) { nextDueOn } }", json!({ "c": case_id })).await["data"]["case"]["nextDueOn"]
            .clone()
    };

    let (signed, admin) = Browser::sign_in(&app, "admin@dgdh.gob.pe", None).await;
    assert_eq!(signed.header("location"), "/consola/cuentas");
    let admin = admin.unwrap();
    let calendar = admin.get("/consola/calendario").await;
    assert_eq!(calendar.status, 200, "{}", calendar.body);
    // Measured first: the effect is said, nothing is kept.
    let typed = [("dia.date", "2026-07-20"), ("dia.legalBasis", "DS 099-2026-PCM")];
    let measured = admin.press(&calendar, "/consola/calendario", "revisar-dia", &typed).await;
    assert_eq!(measured.status, 200, "{}", measured.body);
    assert!(
        measured.body.contains("Si se guarda, se recalcularán los plazos de 1 caso y 1 plazo cambiará de fecha"),
        "{}",
        measured.body
    );
    assert_eq!(due_now().await, json!(due), "a measure changes nothing");
    assert!(!measured.body.contains("DS 099-2026-PCM</td>"), "not in the list yet");
    // Saved from the page that showed the effect: the officer's due date moves.
    let saved = admin.press(&measured, "/consola/calendario", "guardar-dia", &[]).await;
    assert!(
        saved.body.contains("Guardado: se recalcularon los plazos de 1 caso y 1 plazo cambió de fecha"),
        "{}",
        saved.body
    );
    assert!(saved.body.contains("DS 099-2026-PCM"), "listed");
    let moved = due_now().await;
    assert_ne!(moved, json!(due), "the due date moved");
    let officer_case = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await.1.unwrap();
    let page = officer_case.get(&format!("/consola/casos/{case_id}")).await;
    assert!(page.body.contains("DS 099-2026-PCM"), "the officer's page says why the date moved: {}", page.body);
    // A mistyped date: said next to the field, nothing asked of the API.
    let wrong = admin
        .press(&saved, "/consola/calendario", "revisar-dia", &[("dia.date", "20/07/2026"), ("dia.legalBasis", "x")])
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.has_error_at("f-dia-date"), "{}", wrong.body);
    // Other roles read the calendar but are offered no change.
    assert!(!page.body.contains("revisar-dia"));
    let officer_calendar = officer_case.get("/consola/calendario").await;
    assert!(
        officer_calendar.body.contains("DS 099-2026-PCM") && !officer_calendar.body.contains("value=\"revisar-dia\"")
    );
}

async fn an_admin_creates_an_account_and_disabling_it_ends_its_session(db: Database) {
    let app = TestApp::spawn(db).await;
    app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let (signed, admin) = Browser::sign_in(&app, "admin@dgdh.gob.pe", None).await;
    assert_eq!(signed.header("location"), "/consola/cuentas", "the admin's home is the accounts");
    let admin = admin.unwrap();
    let accounts = admin.get("/consola/cuentas").await;
    assert_eq!(accounts.status, 200, "{}", accounts.body);
    let new = [
        ("nueva.email", "minam@minam.gob.pe"),
        ("nueva.displayName", "Coordinación Minam"),
        ("nueva.role", "COORDINATOR"),
        ("nueva.sector", "MINAM"),
    ];
    // Too short a password: said next to it, the rest kept.
    let mut typed = new.to_vec();
    typed.push(("nueva.password", "corta"));
    let refused = admin.press(&accounts, "/consola/cuentas", "crear", &typed).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.has_error_at("f-nueva-password"), "{}", refused.body);
    assert!(refused.body.contains("value=\"minam@minam.gob.pe\""), "what was typed is kept");
    let mut typed = new.to_vec();
    typed.push(("nueva.password", PASSWORD));
    let created = admin.press(&refused, "/consola/cuentas", "crear", &typed).await;
    assert!(created.body.contains("Se creó la cuenta"), "{}", created.body);
    assert!(created.body.contains("Coordinación Minam") && created.body.contains("Coordinador/a sectorial"));

    // The new account signs in; disabling it ends its open session.
    let (_, coordinator) = Browser::sign_in(&app, "minam@minam.gob.pe", None).await;
    let coordinator = coordinator.expect("the new account signs in");
    assert_eq!(coordinator.get("/consola/medidas").await.status, 200);
    let id = created
        .body
        .split("name=\"cuenta\" value=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .find(|id| created.body.contains(&format!("id=\"cuenta-{id}-titulo\">Coordinación Minam")))
        .expect("the new account's form");
    let mut fields = created.hidden_of("cambiar");
    fields.retain(|(n, _)| n != "cuenta");
    fields.extend([
        ("cuenta".to_owned(), id),
        ("cambio.active".to_owned(), "false".to_owned()),
        ("accion".to_owned(), "cambiar".to_owned()),
    ]);
    let changed = admin.post("/consola/cuentas", &fields).await;
    assert!(changed.body.contains("Se guardaron los cambios"), "{}", changed.body);
    assert!(changed.body.contains("<strong>Desactivada</strong>"));
    assert_eq!(coordinator.get("/consola/medidas").await.status, 303, "its session ended");
}

async fn an_admin_keeps_the_sectors_the_catalogue_the_deadline_rules_and_the_reminders(db: Database) {
    let app = TestApp::spawn(db).await;
    app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    app.staff(Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let admin = Browser::sign_in(&app, "admin@dgdh.gob.pe", None).await.1.unwrap();

    // The sectors with their coordinators, and the catalogue.
    let catalogues = admin.get("/consola/catalogos").await;
    assert_eq!(catalogues.status, 200, "{}", catalogues.body);
    assert!(catalogues.body.contains("Coordinador/a sectorial de prueba"), "MININTER's coordinator is named");
    assert!(catalogues.body.contains("Sin coordinación activa"), "a sector without one says so");
    // A code that is not one: said next to it, the rest kept.
    let typed = [("sector.code", "defensoría"), ("sector.name", "Defensoría del Pueblo"), ("sector.active", "on")];
    let refused = admin.press(&catalogues, "/consola/catalogos", "sector", &typed).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.has_error_at("f-sector-code"), "{}", refused.body);
    assert!(refused.body.contains("value=\"Defensoría del Pueblo\""), "what was typed is kept");
    let typed = [("sector.code", "DEFENSORIA"), ("sector.name", "Defensoría del Pueblo"), ("sector.active", "on")];
    let saved = admin.press(&refused, "/consola/catalogos", "sector", &typed).await;
    assert!(saved.body.contains("Guardado.") && saved.body.contains("<th scope=\"row\">Defensoría del Pueblo</th>"));
    // A row's link opens the form on it.
    let editing = admin.get("/consola/catalogos?sector=DEFENSORIA").await;
    assert!(editing.body.contains("value=\"DEFENSORIA\""), "{}", editing.body);
    let typed = [
        ("medida.code", "ESCOLTA"),
        ("medida.name", "Escolta policial permanente"),
        ("medida.kind", "URGENT"),
        ("medida.defaultSector", "MININTER"),
        ("medida.active", "on"),
    ];
    let saved = admin.press(&saved, "/consola/catalogos", "medida", &typed).await;
    assert!(saved.body.contains("Guardado."), "{}", saved.body);
    let catalogue = app.graphql("{ measureTypes { code kind defaultSector active } }", json!({})).await;
    assert!(
        catalogue["data"]["measureTypes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "code": "ESCOLTA", "kind": "URGENT", "defaultSector": "MININTER", "active": true })),
        "{catalogue}"
    );

    // The rules: a mistyped length is said next to it; a saved one is the API's.
    let rules = admin.get("/consola/reglas").await;
    assert_eq!(rules.status, 200, "{}", rules.body);
    assert!(rules.body.contains("30 días hábiles") && rules.body.contains("15 días hábiles"), "{}", rules.body);
    let rule = [("regla.kind", "DECISION"), ("regla.track", "URGENT"), ("regla.startEvent", "ADMISSION")];
    let mut typed = rule.to_vec();
    typed.push(("regla.workingDays", "diez"));
    let refused = admin.press(&rules, "/consola/reglas", "regla", &typed).await;
    assert_eq!(refused.status, 422);
    assert!(refused.has_error_at("f-regla-workingDays"), "{}", refused.body);
    let mut typed = rule.to_vec();
    typed.push(("regla.workingDays", "400"));
    let refused = admin.press(&refused, "/consola/reglas", "regla", &typed).await;
    assert!(refused.has_error_at("f-regla-workingDays"), "the API's limit, next to the field: {}", refused.body);
    let mut typed = rule.to_vec();
    typed.push(("regla.workingDays", "10"));
    let saved = admin.press(&refused, "/consola/reglas", "regla", &typed).await;
    assert!(saved.body.contains("Guardado.") && saved.body.contains("10 días hábiles"), "{}", saved.body);
    // A type of measure's own review: named in its row, opened by its link.
    assert!(saved.body.contains("Revisión de la medida: Protección policial"), "{}", saved.body);
    let police = admin.get("/consola/reglas?regla=MEASURE_REVIEW&via=&tipo=POLICE_PROTECTION").await;
    assert!(police.body.contains("value=\"POLICE_PROTECTION\" selected") && police.body.contains("value=\"20\""));
    let typed = [
        ("regla.kind", "MEASURE_REVIEW"),
        ("regla.measureType", "POLICE_PROTECTION"),
        ("regla.startEvent", "MEASURE_ACT"),
        ("regla.workingDays", "15"),
    ];
    let saved = admin.press(&police, "/consola/reglas", "regla", &typed).await;
    assert!(saved.body.contains("Guardado."), "{}", saved.body);
    let rules = app.db.deadline_rules().await.unwrap();
    let police_rule =
        rules.all().iter().find(|r| r.measure_type.as_ref().is_some_and(|m| m.as_str() == "POLICE_PROTECTION"));
    assert_eq!(police_rule.map(|r| r.amount), Some(15), "that rule changed, not the one for every type");
    let reminders = [("avisos-URGENT.beforeDue", "3, 1, x"), ("avisos-URGENT.sendAt", "08:30")];
    let refused = admin.press(&saved, "/consola/reglas", "avisos-URGENT", &reminders).await;
    assert!(refused.has_error_at("f-avisos-URGENT-beforeDue"), "{}", refused.body);
    let reminders = [
        ("avisos-URGENT.beforeDue", "3, 1, 0"),
        ("avisos-URGENT.overdueEveryWorkingDay", "on"),
        ("avisos-URGENT.sendAt", "08:30"),
    ];
    let saved = admin.press(&refused, "/consola/reglas", "avisos-URGENT", &reminders).await;
    assert!(saved.body.contains("Guardado."), "{}", saved.body);
    let read = app
        .graphql_as(
            Some(&officer),
            "{ deadlineRules { kind track workingDays } reminderPolicies { track beforeDue sendAt } }",
            json!({}),
        )
        .await;
    assert!(
        read["data"]["deadlineRules"]
            .as_array()
            .unwrap()
            .contains(&json!({ "kind": "DECISION", "track": "URGENT", "workingDays": 10 })),
        "{read}"
    );
    assert!(
        read["data"]["reminderPolicies"]
            .as_array()
            .unwrap()
            .contains(&json!({ "track": "URGENT", "beforeDue": [3, 1, 0], "sendAt": "08:30" })),
        "{read}"
    );
    // An officer reads the rules and is offered no change.
    let officer_page = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await.1.unwrap();
    let read = officer_page.get("/consola/reglas").await;
    assert!(read.body.contains("10 días hábiles") && !read.body.contains("value=\"regla\""), "{}", read.body);
}

/// An open `/consola/vivo` stream: the bytes it sent so far.
struct Stream(reqwest::Response);

impl Stream {
    /// The next `cambio` event within `wait`, if one comes.
    async fn change_within(&mut self, wait: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        let mut seen = String::new();
        while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, self.0.chunk()).await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: cambio") {
                return true;
            }
        }
        false
    }
}

async fn a_page_hears_of_a_change_to_its_case_through_server_sent_events(db: Database) {
    let app = TestApp::spawn(db).await;
    app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    app.staff(Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")).await;
    let token = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let watched = admitted_case(&app, &token).await;
    let other = admitted_case(&app, &token).await;
    let officer = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await.1.unwrap();
    let page = officer.get(&format!("/consola/casos/{watched}")).await;
    let source = format!("/consola/vivo?de=casos&#38;caso={watched}");
    assert!(page.body.contains(&format!("data-vivo=\"{source}\"")), "the case page listens: {}", page.body);
    assert!(page.header("content-security-policy").contains("connect-src 'self'"));

    let open = |cookie: String, path: String| {
        let app = &app;
        async move { app.get(&path).header("cookie", cookie).send().await.unwrap() }
    };
    let response = open(officer.cookie.clone(), source.replace("&#38;", "&")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut stream = Stream(response);
    let assess = |case: String| {
        let token = token.clone();
        let app = &app;
        async move {
            let answer = app
                .graphql_as(
                    Some(&token),
                    "mutation($c: ID!, $i: RiskInput!) { assessRisk(caseId: $c, input: $i) { id } }",
                    json!({ "c": case, "i": { "track": "ORDINARY", "level": "HIGH", "summary": "Amenazas reiteradas" } }),
                )
                .await;
            assert!(answer["errors"].is_null(), "{answer}");
        }
    };
    // Another case's change is not this page's; its own is.
    assess(other).await;
    assert!(!stream.change_within(std::time::Duration::from_millis(800)).await, "another case is not heard");
    assess(watched.clone()).await;
    assert!(stream.change_within(std::time::Duration::from_secs(10)).await, "the watched case is heard");
    // Roles the stream is not for get 204 (the browser does not retry);
    // without a session, the sign-in.
    let admin = Browser::sign_in(&app, "admin@dgdh.gob.pe", None).await.1.unwrap();
    assert_eq!(open(admin.cookie.clone(), "/consola/vivo?de=casos".into()).await.status(), 204);
    let coordinator = Browser::sign_in(&app, "mininter@mininter.gob.pe", None).await.1.unwrap();
    assert_eq!(open(coordinator.cookie.clone(), "/consola/vivo?de=casos".into()).await.status(), 204);
    assert_eq!(open(coordinator.cookie.clone(), "/consola/vivo?de=medidas".into()).await.status(), 200);
    assert_eq!(open(String::new(), "/consola/vivo?de=casos".into()).await.status(), 303);
}

const ADD_WITH_FILE: &str = "mutation($f: String!, $k: String!, $file: Upload) { addEvidence(fileNumber: $f, \
                             accessKey: $k, evidence: { description: \"Foto de la amenaza\" }, file: $file) { status } }";

/// The text of the case page's evidence table.
fn files_table(page: &Page) -> &str {
    let start = page.body.find("id=\"pruebas-titulo\"").unwrap_or_else(|| panic!("no files section: {}", page.body));
    let section = &page.body[start..];
    &section[..section.find("</section>").unwrap_or(section.len())]
}

async fn an_officer_sees_the_case_files_downloads_them_and_attaches_one(db: Database) {
    let app = TestApp::spawn(db).await;
    app.set_time("2026-07-13T19:30:00Z");
    app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    app.staff(Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")).await;
    let (number, key) = file_request(&app).await;
    // The requester sends a photo (two chunks and a bit) named after the place.
    let photo = jpeg(600 * 1024);
    let variables = json!({ "f": number, "k": key });
    let (status, sent) =
        app.graphql_with_file(None, ADD_WITH_FILE, variables, "file", ("casa-de-Rosa.jpg", &photo)).await;
    assert_eq!(status, 200);
    assert!(sent["errors"].is_null(), "{sent}");

    let (_, officer) = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await;
    let officer = officer.expect("a session cookie");
    let home = officer.get("/consola/casos?cola=nuevas").await;
    let case_path = link_to(&home, &number);
    let case = officer.get(&case_path).await;
    assert_eq!(case.status, 200, "{}", case.body);
    let table = files_table(&case);
    let digest = sha256_hex(&photo);
    for shown in ["Imagen JPEG", "600 KB", "La persona solicitante", "casa-de-Rosa.jpg", "lunes 13 de julio, 14:30"] {
        assert!(table.contains(shown), "{shown} in {table}");
    }
    assert!(table.contains(&format!("<summary><code>{}…</code></summary>", &digest[..12])), "{table}");
    assert!(table.contains(&format!("<code class=\"huella\">{digest}</code>")), "the whole digest on request");
    // Reading the name the file was sent with is audited, as the request's other personal data.
    let case_id = case_path.rsplit('/').next().unwrap().to_owned();
    let case_uuid = uuid::Uuid::parse_str(&case_id).unwrap();
    let reads: Vec<String> =
        app.db.audit_trail(case_uuid).await.unwrap().into_iter().filter_map(|e| e.fields).collect();
    assert!(reads.iter().any(|fields| fields.contains("evidence.1.givenName")), "{reads:?}");

    // Its download: the bytes sent, an attachment under a neutral name.
    let download = table.split("href=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(download.starts_with("/consola/pruebas/"), "{download}");
    let got = app.get(&download).header("cookie", &officer.cookie).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-disposition"], format!("attachment; filename=\"{number}-prueba-1.jpg\""));
    assert_eq!(got.headers()["cache-control"], "no-store");
    assert_eq!(got.bytes().await.unwrap().as_ref(), photo.as_slice());

    // Attaching one: the form sends a file; what is missing is said next to it.
    assert!(case.body.contains("enctype=\"multipart/form-data\""), "{}", case.body);
    let attach = |page: &Page, typed: &[(&str, &str)]| {
        let mut fields = page.hidden_of("adjuntar-prueba");
        fields.extend(typed.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
        fields.push(("accion".into(), "adjuntar-prueba".into()));
        fields
    };
    let described = [("adjuntar-prueba.evidence.description", "Informe de la comisaría")];
    let pdf = b"%PDF-1.7\nInforme policial".to_vec();
    let unsaid =
        officer.post_with_file(&case_path, &attach(&case, &[]), ("adjuntar-prueba.file", "informe.pdf", &pdf)).await;
    assert_eq!(unsaid.status, 422, "{}", unsaid.body);
    assert!(unsaid.has_error_at("f-adjuntar-prueba-evidence-description"), "{}", unsaid.body);
    assert!(unsaid.body.contains("Elija el archivo otra vez"), "{}", unsaid.body);
    let no_file =
        officer.post_with_file(&case_path, &attach(&case, &described), ("adjuntar-prueba.file", "", b"")).await;
    assert!(no_file.has_error_at("f-adjuntar-prueba-file"), "{}", no_file.body);
    assert!(no_file.body.contains("Informe de la comisaría"), "what was typed is kept");
    let program = officer
        .post_with_file(
            &case_path,
            &attach(&case, &described),
            ("adjuntar-prueba.file", "informe.pdf", b"PK\x03\x04zip"),
        )
        .await;
    assert!(program.has_error_at("f-adjuntar-prueba-file"), "{}", program.body);
    assert!(program.body.contains("tipos admitidos"), "{}", program.body);
    // The case moved meanwhile (the requester added evidence): a file is
    // still taken, it depends on nothing the page showed.
    let more = "mutation($f: String!, $k: String!) { addEvidence(fileNumber: $f, accessKey: $k, evidence: { description: \"Audio\" }) { status } }";
    assert!(app.graphql(more, json!({ "f": number, "k": key })).await["errors"].is_null());
    let attached = officer
        .post_with_file(&case_path, &attach(&case, &described), ("adjuntar-prueba.file", "informe.pdf", &pdf))
        .await;
    assert_eq!(attached.status, 200, "{}", attached.body);
    assert!(attached.body.contains("Listo: se registró «Adjuntar un archivo de prueba»"), "{}", attached.body);
    let table = files_table(&attached);
    assert!(table.contains("Documento PDF") && table.contains("Especialista de la DGDH"), "{table}");
    assert!(table.contains(&sha256_hex(&pdf)), "{table}");
    assert_eq!(table.matches("href=\"/consola/pruebas/").count(), 2, "{table}");

    // A coordinator never sees the files: the case page sends them to
    // their desk, and a post to attach one is refused.
    let (_, coordinator) = Browser::sign_in(&app, "mininter@mininter.gob.pe", None).await;
    let coordinator = coordinator.unwrap();
    assert_eq!(coordinator.get(&case_path).await.status, 303);
    let desk = coordinator.get("/consola/medidas").await;
    assert!(!desk.body.contains("casa-de-Rosa") && !desk.body.contains("/consola/pruebas/"), "{}", desk.body);
    let mut fields = desk.hidden_of("cerrar-sesion");
    fields.retain(|(n, _)| n == "ficha" || n == "lengua");
    fields.extend(described.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
    fields.push(("accion".into(), "adjuntar-prueba".into()));
    let refused = coordinator.post_with_file(&case_path, &fields, ("adjuntar-prueba.file", "x.pdf", &pdf)).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(app.get(&download).header("cookie", &coordinator.cookie).send().await.unwrap().status(), 403);
    let files = app.db.evidence_files(&[case_uuid]).await.unwrap();
    assert_eq!(files.len(), 2, "the requester's and the officer's");

    // The case page with its files, measured as UI.md measures the public pages.
    let compressed =
        app.get(&case_path).header("cookie", &officer.cookie).header("accept-encoding", "gzip").send().await.unwrap();
    let html = compressed.bytes().await.unwrap().len();
    let weight = crate::pages::first_visit_weight(&app, html, &attached).await;
    println!("the case page with two files: {html} bytes of HTML gzip, {weight} with its CSS and JS");
}

async fn an_officer_takes_the_protection_cycle_steps_from_the_case_page(db: Database) {
    let app = TestApp::spawn(db).await;
    app.set_time("2026-07-13T14:00:00Z");
    let token = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let case_id = admitted_case(&app, &token).await;
    let ok = |answer: serde_json::Value| assert!(answer["errors"].is_null(), "{answer}");
    let assess = "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: ORDINARY, level: HIGH, summary: \"Amenazas\" }) { id } }";
    ok(app.graphql_as(Some(&token), assess, json!({ "c": case_id })).await);
    // Granted the next day: the assessment before it does not renew it.
    app.set_time("2026-07-14T14:00:00Z");
    let resolve = "mutation($c: ID!) { issueResolution(caseId: $c, input: { act: { number: \"RD 060-2026\", date: \"2026-07-14\" }, granted: [{ measureType: \"LEGAL_AID\" }] }) { id } }";
    ok(app.graphql_as(Some(&token), resolve, json!({ "c": case_id })).await);
    let measures = app
        .graphql_as(Some(&token), "query($c: ID!) { case(id: $c) { measures { id } } }", json!({ "c": case_id }))
        .await;
    let notify = "mutation($m: ID!) { notifyMeasure(measureId: $m) { id } }";
    ok(app.graphql_as(Some(&token), notify, json!({ "m": measures["data"]["case"]["measures"][0]["id"] })).await);

    // A week later.
    app.set_time("2026-07-20T14:00:00Z");
    let (_, officer) = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await;
    let officer = officer.expect("a session cookie");
    let case_path = format!("/consola/casos/{case_id}");
    let case = officer.get(&case_path).await;
    assert!(case.body.contains("Revisión de la medida"), "the review deadline shows: {}", case.body);
    assert!(case.body.contains("value=\"renovar\"") && case.body.contains("value=\"registrar-incidente\""));

    // Renewing before a new assessment: refused, said on the page.
    let renew = [("renovar.act.number", "RD 070-2026"), ("renovar.act.date", "2026-07-20")];
    let refused = officer.press(&case, &case_path, "renovar", &renew).await;
    assert!(refused.body.contains("evalúe antes el riesgo"), "{}", refused.body);

    // An incident the officer heard of by phone, without its type first.
    let what = ("registrar-incidente.incident.description", "Llamada: la siguieron hasta su casa.");
    let day = ("registrar-incidente.incident.occurredOn", "2026-07-18");
    let untyped = officer.press(&refused, &case_path, "registrar-incidente", &[day, what]).await;
    assert_eq!(untyped.status, 422, "{}", untyped.body);
    assert!(untyped.has_error_at("f-registrar-incidente-incident-aggressionTypes"), "{}", untyped.body);
    assert!(untyped.body.contains("la siguieron hasta su casa"), "what was typed is kept");
    let typed = [day, what, ("registrar-incidente.incident.aggressionTypes", "SURVEILLANCE")];
    let recorded = officer.press(&untyped, &case_path, "registrar-incidente", &typed).await;
    assert!(recorded.body.contains("Listo: se registró «Registrar un nuevo hecho»"), "{}", recorded.body);
    assert!(recorded.body.contains("Nueva evaluación del riesgo tras un incidente"), "{}", recorded.body);

    // Assessing again meets the re-assessment and lets the renewal through.
    let assessed = officer
        .press(
            &recorded,
            &case_path,
            "evaluar-riesgo",
            &[
                ("evaluar-riesgo.input.track", "ORDINARY"),
                ("evaluar-riesgo.input.level", "HIGH"),
                ("evaluar-riesgo.input.summary", "Persiste la vigilancia"),
            ],
        )
        .await;
    let renewed = officer.press(&assessed, &case_path, "renovar", &renew).await;
    assert!(renewed.body.contains("Listo: se registró «Renovar la medida»"), "{}", renewed.body);
    let history = app
        .graphql_as(Some(&token), "query($c: ID!) { case(id: $c) { history { action } } }", json!({ "c": case_id }))
        .await;
    let actions: Vec<&str> =
        history["data"]["case"]["history"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.ends_with(&["INCIDENT_REPORTED", "RISK_ASSESSED", "MEASURE_RENEWED"]), "{actions:?}");

    // The road to justice: the complaint filed, then its stage.
    assert!(!renewed.body.contains("value=\"actualizar-denuncia\""), "nothing to update before a complaint");
    let filing = [
        ("registrar-denuncia.input.filedOn", "2026-07-18"),
        ("registrar-denuncia.input.office", "Fiscalía Provincial Penal de Pasco"),
        ("registrar-denuncia.input.fileNumber", "CF 506-2026"),
    ];
    let recorded = officer.press(&renewed, &case_path, "registrar-denuncia", &filing).await;
    assert!(recorded.body.contains("Denuncia n.° 1: <strong>Denuncia presentada</strong>"), "{}", recorded.body);
    assert!(recorded.body.contains("Fiscalía Provincial Penal de Pasco · carpeta CF 506-2026"));
    let unchosen = officer
        .press(&recorded, &case_path, "actualizar-denuncia", &[("actualizar-denuncia.input.on", "2026-07-20")])
        .await;
    assert!(unchosen.has_error_at("f-actualizar-denuncia-input-status"), "{}", unchosen.body);
    let stage = [
        ("actualizar-denuncia.input.complaintNumber", "1"),
        ("actualizar-denuncia.input.status", "PRELIMINARY_INQUIRY"),
        ("actualizar-denuncia.input.on", "2026-07-15"),
    ];
    let early = officer.press(&unchosen, &case_path, "actualizar-denuncia", &stage).await;
    assert!(early.has_error_at("f-actualizar-denuncia-input-on"), "before its filing: {}", early.body);
    let mut stage = stage.to_vec();
    stage[2].1 = "2026-07-20";
    stage.push(("actualizar-denuncia.input.note", "Disposición de apertura"));
    let updated = officer.press(&early, &case_path, "actualizar-denuncia", &stage).await;
    assert!(updated.body.contains("Denuncia n.° 1: <strong>Diligencias preliminares</strong>"), "{}", updated.body);
    assert!(updated.body.contains("Diligencias preliminares: Disposición de apertura"));

    // The plan's goal, then the sector's report verified.
    let goal = [("objetivo-plan.goal", "Que la lideresa siga en su comunidad")];
    let planned = officer.press(&updated, &case_path, "objetivo-plan", &goal).await;
    assert!(planned.body.contains("Objetivo del plan de protección:</strong> Que la lideresa siga en su comunidad"));
    assert!(!planned.body.contains("value=\"verificar\""), "nothing to verify before the sector reports");
    app.staff(Role::Coordinator, "minjusdh@minjusdh.gob.pe", Some("MINJUSDH")).await;
    let sector = app.login("minjusdh@minjusdh.gob.pe", crate::app::PASSWORD).await;
    let implemented =
        "mutation($m: ID!) { reportMeasureImplemented(measureId: $m, report: \"Abogada asignada\") { id } }";
    ok(app.graphql_as(Some(&sector), implemented, json!({ "m": measures["data"]["case"]["measures"][0]["id"] })).await);
    let reported = officer.get(&case_path).await;
    assert!(reported.body.contains("Verificación de la implementación de la medida"), "its deadline shows");
    let unchosen = officer.press(&reported, &case_path, "verificar", &[("verificar.note", "Llamada")]).await;
    assert!(unchosen.has_error_at("f-verificar-verified-1"), "{}", unchosen.body);
    let checked = [("verificar.verified", "true"), ("verificar.note", "Llamada a la lideresa: ya tiene abogada")];
    let verified = officer.press(&unchosen, &case_path, "verificar", &checked).await;
    assert!(verified.body.contains("verificada por la DGDH el lunes 20 de julio"), "{}", verified.body);
}

async fn an_officer_records_a_meeting_and_its_sector_reports_the_agreement_done(db: Database) {
    let app = TestApp::spawn(db).await;
    let token = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    app.staff(Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")).await;
    let (case_id, number, _) =
        crate::protection_cycle::granted(&app, &token, json!([{ "measureType": "LEGAL_AID" }])).await;
    app.set_today("2026-08-10");
    let (_, officer) = Browser::sign_in(&app, "oficial@dgdh.gob.pe", None).await;
    let officer = officer.expect("a session cookie");
    let page = officer.get("/consola/reuniones").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Aún no hay reuniones") && page.body.contains("value=\"reunion\""));

    // A file number that names no case and a sector not present: said next
    // to their fields, what was typed kept, nothing recorded.
    let typed = [
        ("reunion.input.heldOn", "2026-08-07"),
        ("reunion.input.sectors", "MININTER"),
        ("reunion.input.otherBodies", "Defensoría del Pueblo"),
        ("reunion.input.agreements.0.fileNumber", "AT-2026-999999"),
        ("reunion.input.agreements.0.sector", "MININTER"),
        ("reunion.input.agreements.0.text", "Patrullaje semanal"),
    ];
    let refused = officer.press(&page, "/consola/reuniones", "reunion", &typed).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.has_error_at("f-reunion-input-agreements-0-fileNumber"), "{}", refused.body);
    assert!(refused.body.contains("Patrullaje semanal"), "what was typed stays");
    let mut typed = typed.to_vec();
    typed[3].1 = &number;
    typed[4].1 = "MINAM";
    let refused = officer.press(&refused, "/consola/reuniones", "reunion", &typed).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.has_error_at("f-reunion-input-agreements-0-sector"), "{}", refused.body);

    typed[4].1 = "MININTER";
    typed.push(("reunion.input.agreements.0.workingDays", "3"));
    let recorded = officer.press(&refused, "/consola/reuniones", "reunion", &typed).await;
    assert_eq!(recorded.status, 200, "{}", recorded.body);
    assert!(recorded.body.contains("se registró la reunión"), "{}", recorded.body);
    assert!(recorded.body.contains(&format!("href=\"/consola/casos/{case_id}\"")), "the case is linked");
    assert!(recorded.body.contains("Patrullaje semanal") && recorded.body.contains("Defensoría del Pueblo"));
    let case_page = officer.get(&format!("/consola/casos/{case_id}")).await;
    assert!(case_page.body.contains("Acuerdos de coordinación") && case_page.body.contains("Patrullaje semanal"));

    // The coordinator finds it in their menu and reports it done.
    let (_, coordinator) = Browser::sign_in(&app, "mininter@mininter.gob.pe", None).await;
    let coordinator = coordinator.expect("a session cookie");
    let desk = coordinator.get("/consola/medidas").await;
    assert!(desk.body.contains("href=\"/consola/reuniones\""), "in the menu");
    let meetings = coordinator.get("/consola/reuniones").await;
    assert!(meetings.body.contains("Patrullaje semanal"), "{}", meetings.body);
    assert!(!meetings.body.contains(&format!("/consola/casos/{case_id}")), "no link to a page not theirs");
    assert!(!meetings.body.contains("value=\"reunion\""), "coordinators do not record meetings");
    let done = coordinator
        .press(&meetings, "/consola/reuniones", "acuerdo-cumplido", &[("acuerdo.report", "Se patrulló el 11 y el 12")])
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("se informó el cumplimiento"), "{}", done.body);
    assert!(done.body.contains("Cumplido el") && done.body.contains("Se patrulló el 11 y el 12"), "{}", done.body);
    assert!(!done.body.contains("value=\"acuerdo-cumplido\""), "nothing left to report");
}
