//! The public pages over plain HTTP, as a browser without script uses
//! them: each step posts the form with what the page carried in hidden
//! fields plus what the person typed. What a real browser adds (layout,
//! script, accessibility, the back button) is in `browser`.

use db::Database;
use domain::roles::Role;
use serde_json::json;

use crate::app::TestApp;
use crate::support::on_both_databases;

on_both_databases!(
    a_defender_files_step_by_step_and_a_resend_gets_the_same_receipt,
    a_third_party_says_how_they_know_the_person,
    a_requester_follows_answers_adds_evidence_and_withdraws,
    a_requester_reports_a_new_incident_without_script,
    a_requester_sends_a_file_with_the_evidence_form_and_keeps_its_receipt,
    a_page_drawn_too_long_ago_or_a_busy_hour_loses_nothing,
    posts_from_elsewhere_are_refused_and_every_page_is_private,
    pages_speak_the_language_asked_for_and_fall_back_to_spanish,
);

/// One page as the server answered it.
pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: String,
}

impl Page {
    /// The hidden fields of the form whose buttons include `action`.
    pub(crate) fn hidden_of(&self, action: &str) -> Vec<(String, String)> {
        let button = format!("value=\"{action}\"");
        let form = self
            .body
            .split("<form")
            .skip(1)
            .find(|form| form.split("</form>").next().is_some_and(|f| f.contains(&button)))
            .or_else(|| {
                // The default button before the header names the form by id.
                self.body.split("<form").nth(1)
            })
            .unwrap_or_else(|| panic!("no form with {action}: {}", self.body));
        let form = form.split("</form>").next().unwrap_or("");
        form.split("<input type=\"hidden\" ")
            .skip(1)
            .map(|input| (attribute(input, "name"), attribute(input, "value")))
            .collect()
    }

    pub(crate) fn h1(&self) -> String {
        let start = self.body.find("<h1>").map_or(0, |i| i + 4);
        let end = self.body[start..].find("</h1>").map_or(start, |i| start + i);
        self.body[start..end].trim().to_owned()
    }

    /// Whether the control `id` shows an error next to it.
    pub(crate) fn has_error_at(&self, id: &str) -> bool {
        self.body.contains(&format!("id=\"{id}-error\"")) && self.body.contains(&format!("href=\"#{id}\""))
    }

    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// Every address the page links or posts to.
    pub(crate) fn addresses(&self) -> Vec<String> {
        let mut found = Vec::new();
        for attribute_name in ["href=\"", "action=\"", "src=\""] {
            for piece in self.body.split(attribute_name).skip(1) {
                found.push(piece.split('"').next().unwrap_or("").to_owned());
            }
        }
        found
    }

    /// The text of the element with this id.
    pub(crate) fn text_of(&self, id: &str) -> String {
        let marker = format!("id=\"{id}\">");
        let start = self.body.find(&marker).map(|i| i + marker.len()).unwrap_or_else(|| panic!("no #{id}"));
        let end = self.body[start..].find("</dd>").map_or(start, |i| start + i);
        // Drop the markup between the groups of the key.
        let mut text = String::new();
        let mut in_tag = false;
        for c in self.body[start..end].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.trim().to_owned()
    }
}

fn attribute(tag: &str, name: &str) -> String {
    let marker = format!("{name}=\"");
    let start = tag.find(&marker).map_or(0, |i| i + marker.len());
    let value = tag[start..].split('"').next().unwrap_or("");
    value.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

pub(crate) async fn get(app: &TestApp, path: &str) -> Page {
    page(app.get(path).send().await.unwrap()).await
}

/// Posts a form to `path` as a page of the same site would.
pub(crate) async fn post(app: &TestApp, path: &str, fields: &[(String, String)]) -> Page {
    let origin = app.base.clone();
    page(app.post(path).header("origin", origin).form(fields).send().await.unwrap()).await
}

/// A form with a file as a browser posts it (`multipart/form-data`): the
/// fields in the form's order, the file where the form has it (before
/// the button pressed, `accion`, which comes last).
pub(crate) fn form_with_file(
    fields: &[(String, String)],
    file_field: &str,
    (file_name, bytes): (&str, &[u8]),
) -> (Vec<u8>, String) {
    let boundary = format!("----formulario{}", uuid::Uuid::new_v4().simple());
    let part = |body: &mut Vec<u8>, name: &str, value: &str| {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    };
    let mut body = Vec::new();
    for (name, value) in fields.iter().filter(|(n, _)| n != "accion") {
        part(&mut body, name, value);
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(b"\r\n");
    for (name, value) in fields.iter().filter(|(n, _)| n == "accion") {
        part(&mut body, name, value);
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// Posts a form with a file to `path` from a page of the same site.
pub(crate) async fn post_with_file(
    app: &TestApp,
    path: &str,
    fields: &[(String, String)],
    file_field: &str,
    file: (&str, &[u8]),
) -> Page {
    let (body, content_type) = form_with_file(fields, file_field, file);
    let request = app.post(path).header("origin", app.base.clone()).header("content-type", content_type);
    page(request.body(body).send().await.unwrap()).await
}

/// What a page weighs on the wire the first time (UI.md's budget): its
/// HTML, stylesheet and script, each gzip-compressed as served.
pub(crate) async fn first_visit_weight(app: &TestApp, html_gzip: usize, page: &Page) -> usize {
    let mut total = html_gzip;
    for asset in page.addresses().into_iter().filter(|a| a.starts_with("/static/")) {
        let answer = app.get(&asset).header("accept-encoding", "gzip").send().await.unwrap();
        total += answer.bytes().await.unwrap().len();
    }
    total
}

async fn page(response: reqwest::Response) -> Page {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Page { status, headers, body: response.text().await.unwrap() }
}

/// The page's hidden fields for `action`, what was typed, and the button.
fn answer(page: &Page, action: &str, typed: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = page.hidden_of(action);
    fields.extend(typed.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
    fields.push(("accion".to_owned(), action.to_owned()));
    fields
}

/// The answers of a defender filing for themselves, step by step.
pub(crate) fn defender_steps() -> Vec<Vec<(&'static str, &'static str)>> {
    vec![
        vec![
            ("filer", "SELF"),
            ("beneficiaries[0].collective", "PERSON"),
            ("beneficiaries[0].name", "Rosa Quispe Mamani"),
        ],
        vec![("place.ubigeo", "25"), ("place.detail", "Comunidad nativa a dos horas de Pucallpa")],
        vec![
            ("defenderCategory", "INDIGENOUS"),
            ("aggressionTypes", "THREAT"),
            ("aggressionTypes", "HARASSMENT"),
            ("aggressorType", "ILLEGAL_LOGGING"),
            ("facts", "Tras denunciar la tala ilegal recibió amenazas de muerte."),
            ("evidence[0].description", "Audio de la llamada"),
        ],
        vec![("requestedMeasures.types", "POLICE_PATROLS"), ("requestedMeasures.other", "Un radio para avisar")],
        vec![("contact.phone", "961 234 567"), ("language", "SPANISH")],
        vec![("consent.status", "GIVEN")],
    ]
}

/// Files `steps` from the first step, checking each step leads to the
/// next; returns the last page (the receipt) and the form that sent it.
async fn file(app: &TestApp, steps: &[Vec<(&str, &str)>]) -> (Page, Vec<(String, String)>) {
    let mut page = get(app, "/solicitud").await;
    let mut sent = Vec::new();
    for (i, typed) in steps.iter().enumerate() {
        let action = if i + 1 == steps.len() { "enviar" } else { "siguiente" };
        sent = answer(&page, action, typed);
        page = post(app, "/solicitud", &sent).await;
        assert_eq!(page.status, 200, "step {} refused: {}", i + 1, page.body);
    }
    (page, sent)
}

pub(crate) async fn case_id(app: &TestApp, officer: &str, number: &str) -> String {
    let query = "query($f: String!) { cases(filter: { fileNumber: $f }) { edges { node { id } } } }";
    let found = app.graphql_as(Some(officer), query, json!({ "f": number })).await;
    found["data"]["cases"]["edges"][0]["node"]["id"].as_str().unwrap_or_else(|| panic!("{found}")).to_owned()
}

async fn cases_filed(app: &TestApp, officer: &str) -> u64 {
    let body = app.graphql_as(Some(officer), "{ cases { totalCount } }", json!({})).await;
    body["data"]["cases"]["totalCount"].as_u64().unwrap()
}

async fn a_defender_files_step_by_step_and_a_resend_gets_the_same_receipt(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let steps = defender_steps();

    // The first step, with the name forgotten: the error sits next to the
    // field and in the summary, and what was chosen stays chosen.
    let start = get(&app, "/solicitud").await;
    assert_eq!(start.status, 200);
    assert_eq!(start.h1(), "Quién está en riesgo");
    let forgot = post(&app, "/solicitud", &answer(&start, "siguiente", &[("filer", "SELF")])).await;
    assert_eq!(forgot.status, 422, "{}", forgot.body);
    assert!(forgot.has_error_at("f-beneficiaries-0-name"), "{}", forgot.body);
    assert!(forgot.body.contains("id=\"f-filer-SELF\" name=\"filer\" value=\"SELF\" checked"), "input kept");
    // Step 3 without facts or aggression: both errors, the story kept.
    let mut page = start;
    for typed in &steps[..2] {
        page = post(&app, "/solicitud", &answer(&page, "siguiente", typed)).await;
    }
    assert_eq!(page.h1(), "Qué pasó");
    let partial = post(&app, "/solicitud", &answer(&page, "siguiente", &[("defenderCategory", "INDIGENOUS")])).await;
    assert_eq!(partial.status, 422);
    assert!(partial.has_error_at("f-aggressionTypes") && partial.has_error_at("f-facts"), "{}", partial.body);
    // Back to step 2: what was typed there is still there.
    let back = post(&app, "/solicitud", &answer(&partial, "anterior", &[])).await;
    assert_eq!(back.h1(), "Dónde está");
    assert!(back.body.contains("Comunidad nativa a dos horas de Pucallpa"), "step 2 kept");

    let (receipt, sent) = file(&app, &steps).await;
    assert_eq!(receipt.h1(), "Su solicitud fue registrada", "{}", receipt.body);
    let number = receipt.text_of("recibo-expediente");
    let key = receipt.text_of("recibo-clave");
    assert!(number.starts_with("AT-2026-"), "{number}");
    assert_eq!(key.len(), 24, "five groups of four: {key}");
    assert_eq!(receipt.header("cache-control"), "no-store");
    assert!(!receipt.h1().contains(&number) && !receipt.body.contains(&format!("<title>{number}")));
    for address in receipt.addresses() {
        assert!(!address.contains(&number) && !address.contains(&key), "{address}");
    }

    // A double tap, a reload, a resend after a dropped connection: the same
    // form again, the same receipt, one case.
    let again = post(&app, "/solicitud", &sent).await;
    assert_eq!(again.text_of("recibo-expediente"), number);
    assert_eq!(again.text_of("recibo-clave"), key);
    assert!(again.body.contains("ya estaba registrada"));
    assert_eq!(cases_filed(&app, &officer).await, 1);

    // The officer sees the request the page filed, through the API.
    let found = app
        .graphql_as(
            Some(&officer),
            "query($f: String!) { cases(filter: { fileNumber: $f }) { edges { node { channel department
               request { beneficiaries { name } aggressionTypes facts contact { phone } requestedMeasures { measureType description } } } } } }",
            json!({ "f": number }),
        )
        .await;
    let case = &found["data"]["cases"]["edges"][0]["node"];
    assert_eq!(case["channel"], "WEB", "{found}");
    assert_eq!(case["department"], "25");
    assert_eq!(case["request"]["beneficiaries"][0]["name"], "Rosa Quispe Mamani");
    assert_eq!(case["request"]["aggressionTypes"], json!(["THREAT", "HARASSMENT"]));
    assert_eq!(case["request"]["contact"]["phone"], "961234567");
    assert_eq!(case["request"]["requestedMeasures"][1]["description"], "Un radio para avisar");
    // And the requester, with the key from the receipt.
    let mine = app
        .graphql(
            "query($f: String!, $k: String!) { myRequest(fileNumber: $f, accessKey: $k) { status } }",
            json!({ "f": number, "k": key }),
        )
        .await;
    assert_eq!(mine["data"]["myRequest"]["status"], "RECEIVED", "{mine}");
}

async fn a_third_party_says_how_they_know_the_person(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let mut steps = defender_steps();
    // Without saying how they know the person, the step is refused.
    let start = get(&app, "/solicitud").await;
    let unsaid = [("filer", "OTHER"), ("thirdParty.name", "Juana Pérez"), ("beneficiaries[0].name", "Luis Chávez")];
    let refused = post(&app, "/solicitud", &answer(&start, "siguiente", &unsaid)).await;
    assert_eq!(refused.status, 422);
    assert!(refused.has_error_at("f-thirdParty-relationship"), "{}", refused.body);

    steps[0] = vec![
        ("filer", "OTHER"),
        ("thirdParty.name", "Juana Pérez"),
        ("thirdParty.relationship", "ORGANISATION"),
        ("thirdParty.organisation", "Asociación de Periodistas de Piura"),
        ("beneficiaries[0].collective", "PERSON"),
        ("beneficiaries[0].name", "Luis Chávez"),
    ];
    steps[1] = vec![("place.ubigeo", "20")];
    steps[2][0] = ("defenderCategory", "JOURNALIST");
    let (receipt, _) = file(&app, &steps).await;
    let number = receipt.text_of("recibo-expediente");
    let found = app
        .graphql_as(
            Some(&officer),
            "query($f: String!) { cases(filter: { fileNumber: $f }) { edges { node {
               request { thirdParty { name relationship organisation } beneficiaries { name } } } } } }",
            json!({ "f": number }),
        )
        .await;
    let request = &found["data"]["cases"]["edges"][0]["node"]["request"];
    assert_eq!(
        request["thirdParty"],
        json!({ "name": "Juana Pérez", "relationship": "ORGANISATION", "organisation": "Asociación de Periodistas de Piura" }),
        "{found}"
    );
    assert_eq!(request["beneficiaries"][0]["name"], "Luis Chávez");
}

async fn a_requester_follows_answers_adds_evidence_and_withdraws(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let (receipt, _) = file(&app, &defender_steps()).await;
    let (number, key) = (receipt.text_of("recibo-expediente"), receipt.text_of("recibo-clave"));
    let case = case_id(&app, &officer, &number).await;

    // A wrong key: the lookup again, the number kept, the key not.
    let lookup = get(&app, "/seguimiento").await;
    assert_eq!(lookup.status, 200);
    let wrong = [("fileNumber", number.as_str()), ("accessKey", "0000-0000-0000-0000-0000")];
    let refused = post(&app, "/seguimiento", &answer(&lookup, "consultar", &wrong)).await;
    assert!(refused.body.contains("no son correctos"), "{}", refused.body);
    assert!(refused.body.contains(&format!("value=\"{number}\"")) && !refused.body.contains("0000-0000"));

    // The officer asks for more; the requester sees the question and answers.
    let review = "mutation($c: ID!) { startReview(caseId: $c) { status } }";
    app.graphql_as(Some(&officer), review, json!({ "c": case })).await;
    let ask = "mutation($c: ID!, $q: String!) { requestInformation(caseId: $c, question: $q) { status } }";
    let asked =
        app.graphql_as(Some(&officer), ask, json!({ "c": case, "q": "¿Desde cuándo recibe las amenazas?" })).await;
    assert_eq!(asked["data"]["requestInformation"]["status"], "INFORMATION_REQUESTED", "{asked}");
    let credentials = [("fileNumber", number.as_str()), ("accessKey", key.as_str())];
    let status = post(&app, "/seguimiento", &answer(&lookup, "consultar", &credentials)).await;
    assert_eq!(status.status, 200, "{}", status.body);
    assert!(
        status.body.contains("Información solicitada") && status.body.contains("¿Desde cuándo recibe las amenazas?")
    );
    for address in status.addresses() {
        assert!(!address.contains(&number) && !address.contains(&key), "{address}");
    }
    let empty_answer = post(&app, "/seguimiento", &answer(&status, "responder", &[("answer", " ")])).await;
    assert!(empty_answer.has_error_at("f-answer"), "{}", empty_answer.body);
    let answered =
        post(&app, "/seguimiento", &answer(&status, "responder", &[("answer", "Desde marzo, cada semana.")])).await;
    assert!(answered.body.contains("Su respuesta fue enviada"), "{}", answered.body);
    assert!(answered.body.contains("En calificación"), "the review goes on");

    let evidence =
        [("evidence.description", "Captura de los mensajes"), ("evidence.reference", "La tiene la federación")];
    let added = post(&app, "/seguimiento", &answer(&answered, "agregar-prueba", &evidence)).await;
    assert!(added.body.contains("La prueba se agregó"), "{}", added.body);

    // Withdrawing asks first; only the confirmation withdraws.
    let confirm = post(&app, "/seguimiento", &answer(&added, "retirar", &[])).await;
    assert!(confirm.body.contains("value=\"retirar-confirmado\""), "{}", confirm.body);
    let mine = "query($f: String!, $k: String!) { myRequest(fileNumber: $f, accessKey: $k) { consentWithdrawn } }";
    let before = app.graphql(mine, json!({ "f": number, "k": key })).await;
    assert_eq!(before["data"]["myRequest"]["consentWithdrawn"], false);
    let withdrawn =
        post(&app, "/seguimiento", &answer(&confirm, "retirar-confirmado", &[("reason", "Ya estoy a salvo")])).await;
    assert!(withdrawn.body.contains("El consentimiento fue retirado"), "{}", withdrawn.body);

    // The officer sees all three in the case's history.
    let history = app
        .graphql_as(Some(&officer), "query($c: ID!) { case(id: $c) { consentWithdrawnOn request { evidence { description } } history { action } } }", json!({ "c": case }))
        .await;
    let actions: Vec<&str> =
        history["data"]["case"]["history"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for action in ["INFORMATION_RECEIVED", "EVIDENCE_ADDED", "CONSENT_WITHDRAWN"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(!history["data"]["case"]["consentWithdrawnOn"].is_null(), "{history}");
}

/// A request a defender filed through the pages, followed on its status page.
struct Followed {
    status: Page,
    number: String,
    key: String,
    case: String,
}

async fn filed_and_followed(app: &TestApp, officer: &str) -> Followed {
    let (receipt, _) = file(app, &defender_steps()).await;
    let (number, key) = (receipt.text_of("recibo-expediente"), receipt.text_of("recibo-clave"));
    let case = case_id(app, officer, &number).await;
    let lookup = get(app, "/seguimiento").await;
    let credentials = [("fileNumber", number.as_str()), ("accessKey", key.as_str())];
    let status = post(app, "/seguimiento", &answer(&lookup, "consultar", &credentials)).await;
    assert_eq!(status.status, 200, "{}", status.body);
    Followed { status, number, key, case }
}

async fn a_requester_reports_a_new_incident_without_script(db: Database) {
    let app = TestApp::spawn(db).await;
    app.set_today("2026-07-15");
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let Followed { status, case, .. } = filed_and_followed(&app, &officer).await;
    assert!(status.body.contains("value=\"informar-incidente\""), "{}", status.body);

    // A day not written as one, nothing chosen: each said at its field,
    // what was typed kept, nothing recorded.
    let what = ("incident.description", "Dos hombres en moto rondaron la casa de noche.");
    let wrong = [("incident.occurredOn", "ayer"), what];
    let refused = post(&app, "/seguimiento", &answer(&status, "informar-incidente", &wrong)).await;
    assert_eq!(refused.status, 422);
    assert!(refused.has_error_at("f-incident-occurredOn"), "{}", refused.body);
    assert!(refused.body.contains("Dos hombres en moto"), "the account is kept to correct");
    let later = [("incident.occurredOn", "2026-07-16"), what, ("incident.aggressionTypes", "THREAT")];
    let future = post(&app, "/seguimiento", &answer(&status, "informar-incidente", &later)).await;
    assert!(future.has_error_at("f-incident-occurredOn"), "{}", future.body);
    let none = post(&app, "/seguimiento", &answer(&status, "informar-incidente", &[])).await;
    for field in ["occurredOn", "description", "aggressionTypes"] {
        assert!(none.has_error_at(&format!("f-incident-{field}")), "{field}: {}", none.body);
    }

    let typed = [
        ("incident.occurredOn", "2026-07-15"),
        what,
        ("incident.aggressionTypes", "THREAT"),
        ("incident.aggressionTypes", "SURVEILLANCE"),
        ("incident.aggressor", "ILLEGAL_LOGGING"),
    ];
    let reported = post(&app, "/seguimiento", &answer(&status, "informar-incidente", &typed)).await;
    assert_eq!(reported.status, 200, "{}", reported.body);
    assert!(reported.body.contains("El hecho quedó registrado"), "{}", reported.body);
    assert!(!reported.body.contains("Dos hombres en moto"), "the form starts empty again");

    let history = app
        .graphql_as(Some(&officer), "query($c: ID!) { case(id: $c) { history { action note } } }", json!({ "c": case }))
        .await;
    let incidents: Vec<&serde_json::Value> = history["data"]["case"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "INCIDENT_REPORTED")
        .collect();
    assert_eq!(incidents.len(), 1, "{history}");
    assert_eq!(
        incidents[0]["note"],
        "Incidente del 2026-07-15 (Amenaza, Seguimiento o vigilancia): Dos hombres en moto rondaron la casa de noche."
    );
}

async fn a_page_drawn_too_long_ago_or_a_busy_hour_loses_nothing(db: Database) {
    let limits = api::RateLimits { intake: api::Rate { per_hour: 1 }, ..api::RateLimits::OFF };
    let app = TestApp::spawn_with(db, api::ApiConfig { rate_limits: limits, ..api::ApiConfig::default() }).await;
    let steps = defender_steps();
    let (first, sent) = file(&app, &steps).await;
    let number = first.text_of("recibo-expediente");

    // A second request within the hour: refused with the wait, on the last
    // step, every answer still in the form.
    let mut page = get(&app, "/solicitud").await;
    for (i, typed) in steps.iter().enumerate() {
        let action = if i + 1 == steps.len() { "enviar" } else { "siguiente" };
        page = post(&app, "/solicitud", &answer(&page, action, typed)).await;
    }
    assert!(page.body.contains("Sus datos siguen aquí. Espere 60 minutos"), "{}", page.body);
    assert!(page.body.contains("value=\"enviar\"") && page.body.contains("Rosa Quispe Mamani"), "{}", page.body);
    // The first request's resend still gets its receipt: a retry is never
    // rate-limited.
    let replay = post(&app, "/solicitud", &sent).await;
    assert_eq!(replay.text_of("recibo-expediente"), number, "{}", replay.body);

    // A page left open half a day: the step again, with its answers and a
    // fresh token, nothing filed.
    let start = get(&app, "/solicitud").await;
    app.advance_seconds(13 * 3600);
    let late = post(&app, "/solicitud", &answer(&start, "siguiente", &steps[0])).await;
    assert_eq!(late.h1(), "Quién está en riesgo", "{}", late.body);
    assert!(late.body.contains("estuvo abierta mucho tiempo") && late.body.contains("Rosa Quispe Mamani"));
    let on = post(&app, "/solicitud", &answer(&late, "siguiente", &steps[0])).await;
    assert_eq!(on.h1(), "Dónde está", "the fresh token is good");
}

async fn posts_from_elsewhere_are_refused_and_every_page_is_private(db: Database) {
    let web = web::WebConfig { quick_exit_url: Some("https://clima.example/".into()), ..web::WebConfig::default() };
    let app = TestApp::spawn_with_web(db, api::ApiConfig::default(), web).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let start = get(&app, "/solicitud").await;
    let mut last = answer(&start, "siguiente", &defender_steps()[0]);
    let forged: Vec<(String, String)> =
        last.iter().map(|(n, v)| (n.clone(), if n == "ficha" { "AAAA".to_owned() } else { v.clone() })).collect();
    for (origin, site, fields) in [
        ("https://evil.example", None, &last),
        (app.base.as_str(), Some("cross-site"), &last),
        (app.base.as_str(), None, &forged),
    ] {
        let mut request = app.post("/solicitud").header("origin", origin).form(fields);
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        let refused = page(request.send().await.unwrap()).await;
        assert_eq!(refused.status, 403, "{origin} {site:?}");
        assert!(
            refused.body.contains("no vino de nuestra página") && !refused.body.contains("Rosa"),
            "{}",
            refused.body
        );
    }
    assert_eq!(cases_filed(&app, &officer).await, 0);
    // The same post from the page itself goes on.
    last.retain(|(n, _)| n != "accion");
    last.push(("accion".into(), "siguiente".into()));
    assert_eq!(post(&app, "/solicitud", &last).await.h1(), "Dónde está");

    // Every page: never stored, no referrer, our own scripts only.
    for path in ["/", "/solicitud", "/seguimiento", "/no-existe"] {
        let shown = get(&app, path).await;
        assert_eq!(shown.header("cache-control"), "no-store", "{path}");
        assert_eq!(shown.header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(shown.header("x-content-type-options"), "nosniff", "{path}");
        let csp = shown.header("content-security-policy");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("form-action 'self'"));
        assert!(shown.header("set-cookie").is_empty(), "no cookie on the public side");
        for address in shown.addresses() {
            assert!(address.starts_with('/') || address.starts_with('#'), "nothing from another host: {address}");
        }
    }
    // Static files: named by their content, kept a year, compressed.
    let home = get(&app, "/").await;
    let stylesheet = home.addresses().into_iter().find(|a| a.ends_with(".css")).unwrap();
    let css = app.get(&stylesheet).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(css.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(css.headers()["content-encoding"], "gzip");
    assert_eq!(app.get("/static/paginas-000000000000.css").send().await.unwrap().status(), 404);
    // The quick exit, configured: off to the neutral site, the cache cleared.
    let exit = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let left = exit.get(format!("{}/salir", app.base)).send().await.unwrap();
    assert_eq!(left.status(), 303);
    assert_eq!(left.headers()["location"], "https://clima.example/");
    assert_eq!(left.headers()["clear-site-data"], "\"cache\"");
}

async fn pages_speak_the_language_asked_for_and_fall_back_to_spanish(db: Database) {
    let app = TestApp::spawn(db).await;
    let browser_says = |lang: &'static str| app.get("/").header("accept-language", lang).send();
    let quechua = page(browser_says("quz-PE,es;q=0.8").await.unwrap()).await;
    assert!(quechua.body.contains("<html lang=\"qu\">"), "{}", quechua.body);
    assert_eq!(quechua.header("content-language"), "qu");
    // Untranslated messages are Spanish, and say so.
    assert!(quechua.body.contains("<span lang=\"es\">Pida protección"), "{}", quechua.body);
    assert!(quechua.body.contains("aria-current=\"true\">Runasimi</span>"));
    let spanish = page(browser_says("en-GB,es;q=0.5").await.unwrap()).await;
    assert!(spanish.body.contains("<html lang=\"es\">") && !spanish.body.contains("<span lang=\"es\">"));
    let aymara = get(&app, "/?lengua=ay").await;
    assert!(aymara.body.contains("<html lang=\"ay\">") && aymara.body.contains("/solicitud?lengua=ay"));

    // On a form, the switch posts what was typed and draws the same step.
    let start = get(&app, "/solicitud").await;
    let mut typed = answer(&start, "siguiente", &[("beneficiaries[0].name", "Rosa Quispe Mamani")]);
    typed.retain(|(n, _)| n != "accion");
    typed.push(("cambiar-lengua".into(), "qu".into()));
    let switched = post(&app, "/solicitud", &typed).await;
    assert_eq!(switched.status, 200, "no errors for a language switch: {}", switched.body);
    assert!(switched.body.contains("<html lang=\"qu\">") && switched.body.contains("value=\"Rosa Quispe Mamani\""));
    assert!(switched.body.contains("name=\"lengua\" value=\"qu\""), "the next post keeps it");
}

/// A photo of `size` bytes: a JPEG's first bytes, then filler.
pub(crate) fn jpeg(size: usize) -> Vec<u8> {
    let mut bytes = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01".to_vec();
    let mut n: u32 = 11;
    while bytes.len() < size {
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push((n >> 16) as u8);
    }
    bytes
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn a_requester_sends_a_file_with_the_evidence_form_and_keeps_its_receipt(db: Database) {
    // A small limit, so a file over it is cheap to send.
    let web = web::WebConfig { upload_max_bytes: (256 << 10) + (64 << 10), ..web::WebConfig::default() };
    let config = api::ApiConfig { rate_limits: api::RateLimits::OFF, ..api::ApiConfig::default() };
    let app = TestApp::spawn_with_web(db, config, web).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let Followed { status, number, key, case } = filed_and_followed(&app, &officer).await;
    // The evidence form alone sends a file; the file chooser offers what the API takes.
    assert_eq!(status.body.matches("enctype=\"multipart/form-data\"").count(), 1, "{}", status.body);
    assert!(
        status.body.contains("name=\"evidence.file\" type=\"file\" accept=\"image/*,audio/*,video/*,application/pdf\""),
        "{}",
        status.body
    );
    assert!(status.body.contains("de hasta 256 KB"), "the limit is said before choosing: {}", status.body);
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase();
    let name = format!("amenaza-KANARI{run}.jpg");
    let described = [("evidence.description", "Foto del mensaje amenazante"), ("evidence.reference", "")];
    let send = |page: &Page, typed: &[(&str, &str)], bytes: Vec<u8>| {
        let fields = answer(page, "agregar-prueba", typed);
        let name = name.clone();
        let app = &app;
        async move { post_with_file(app, "/seguimiento", &fields, "evidence.file", (&name, &bytes)).await }
    };

    // Not a photo, audio, video or PDF, whatever its name: refused next to
    // the file, what was typed kept, the file to be chosen again.
    let program = send(&status, &described, b"MZ\x90\0\x03\0\0\0programa".to_vec()).await;
    assert_eq!(program.status, 422, "{}", program.body);
    assert!(program.has_error_at("f-evidence-file"), "{}", program.body);
    assert!(program.body.contains("tipos admitidos"), "the API's reason: {}", program.body);
    assert!(program.body.contains("value=\"Foto del mensaje amenazante\""), "typed text kept");
    assert!(program.body.contains("Elija el archivo otra vez"), "{}", program.body);
    // Over the limit: said on the page in Spanish, not a bare 413.
    let video = send(&status, &described, jpeg(300 << 10)).await;
    assert_eq!(video.status, 422, "{}", video.body);
    assert!(video.has_error_at("f-evidence-file"), "{}", video.body);
    assert!(video.body.contains("pesa más de 256 KB, el máximo"), "{}", video.body);
    assert!(video.body.contains("value=\"Foto del mensaje amenazante\""), "typed text kept");
    // A file without saying what it is: the description is asked for.
    let unsaid = send(&status, &[("evidence.description", " ")], jpeg(2000)).await;
    assert!(unsaid.has_error_at("f-evidence-description"), "{}", unsaid.body);
    assert!(!unsaid.has_error_at("f-evidence-file"), "the file was not the problem");

    // A photo (larger than any form without a file may be): added, with
    // its receipt to keep.
    let photo = jpeg(200 * 1024 + 300);
    let added = send(&status, &described, photo.clone()).await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(added.body.contains("La prueba se agregó"), "{}", added.body);
    assert!(added.body.contains("Archivo recibido") && added.body.contains("Imagen JPEG"), "{}", added.body);
    assert!(added.body.contains("200 KB"), "{}", added.body);
    assert!(added.body.contains(&sha256_hex(&photo)), "{}", added.body);
    assert!(!added.body.contains("value=\"Foto del mensaje amenazante\""), "the form starts empty again");
    for shown in [&program, &video, &unsaid, &added] {
        assert!(!shown.body.contains(&format!("KANARI{run}")), "the file's name is never shown back");
        for address in shown.addresses() {
            assert!(!address.contains(&number) && !address.contains(&key) && !address.contains("KANARI"), "{address}");
        }
    }
    assert!(!crate::support::captured_logs().contains(&format!("KANARI{run}")), "nor logged");

    // What the officer reads: one file, the one sent, by the requester.
    let files = "query($c: ID!) { case(id: $c) { evidenceFiles { number kindLabel size sha256 givenName sentByRequester } \
                 request { evidence { description } } } }";
    let read = app.graphql_as(Some(&officer), files, json!({ "c": case })).await;
    let listed = read["data"]["case"]["evidenceFiles"].as_array().unwrap_or_else(|| panic!("{read}"));
    assert_eq!(listed.len(), 1, "only the photo was kept: {read}");
    assert_eq!(listed[0]["sha256"], sha256_hex(&photo), "the receipt's digest is the one recorded");
    assert_eq!(listed[0]["size"], photo.len());
    assert_eq!(listed[0]["kindLabel"], "Imagen JPEG");
    assert_eq!(listed[0]["givenName"], name.as_str());
    assert_eq!(listed[0]["sentByRequester"], true);

    // A post with a file from another site, or a forged token: refused
    // before anything is read or kept.
    let fields = answer(&added, "agregar-prueba", &described);
    let (body, content_type) = form_with_file(&fields, "evidence.file", ("foto.jpg", &photo));
    let evil = app.post("/seguimiento").header("origin", "https://evil.example").header("content-type", &content_type);
    assert_eq!(evil.body(body).send().await.unwrap().status(), 403);
    let forged: Vec<(String, String)> =
        fields.iter().map(|(n, v)| (n.clone(), if n == "ficha" { "AAAA".to_owned() } else { v.clone() })).collect();
    assert_eq!(post_with_file(&app, "/seguimiento", &forged, "evidence.file", ("foto.jpg", &photo)).await.status, 403);
    let read = app.graphql_as(Some(&officer), files, json!({ "c": case })).await;
    assert_eq!(read["data"]["case"]["evidenceFiles"].as_array().map(Vec::len), Some(1), "{read}");

    // The page with the receipt keeps to UI.md's budget (30 KB compressed
    // with its stylesheet and script, on a first visit).
    let fields = answer(&added, "agregar-prueba", &described);
    let (body, content_type) = form_with_file(&fields, "evidence.file", (&name, &jpeg(1000)));
    let request = app.post("/seguimiento").header("origin", app.base.clone()).header("content-type", content_type);
    let compressed = request.header("accept-encoding", "gzip").body(body).send().await.unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    let html = compressed.bytes().await.unwrap().len();
    let weight = first_visit_weight(&app, html, &added).await;
    println!("the status page with a file's receipt: {html} bytes of HTML gzip, {weight} with its CSS and JS");
    assert!(weight < 30_000, "{weight} bytes");
}
