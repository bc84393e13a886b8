//! The whole procedure over real HTTP, as the people who use it would go
//! through it: a third party files a request, an officer triages it (a
//! failed criterion, a request for information, the answer, admission), the
//! risk is urgent, a resolution grants measures to two sectors, their
//! coordinators acknowledge and report, and the case is archived.

use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::support::on_both_databases;

on_both_databases!(from_intake_to_archive);

const FILE: &str = "mutation($input: RequestInput!) {
    submitRequest(input: $input) { fileNumber accessKey replayed }
}";

const MY_REQUEST: &str = "query($f: String!, $k: String!) {
    myRequest(fileNumber: $f, accessKey: $k) {
        fileNumber status statusLabel pendingQuestion { question answerDue }
        measures { number name status }
    }
}";

const CASE: &str = "query($id: ID!) {
    case(id: $id) {
        status track nextDueOn
        assignedOfficer { displayName }
        request { beneficiaries { name } place { ubigeo detail } facts }
        deadlines { kind due status onTime suspendedWorkingDays explanation { skippedDays { date } } }
        measures { id number measureType sector status }
        history { action description note }
    }
}";

/// The request a federation files for a leader and her community.
pub(crate) fn request_input(idempotency_key: &str) -> Value {
    json!({
        "idempotencyKey": idempotency_key,
        "thirdParty": { "name": "Federación Nativa", "relationship": "ORGANISATION" },
        "contact": { "email": "federacion@example.pe", "instructions": "Llamar por la tarde" },
        "beneficiaries": [
            { "name": "Lideresa shipibo", "gender": "FEMALE" },
            { "name": "Comunidad Nativa Flor de Ucayali", "collective": "INDIGENOUS_COMMUNITY", "approximateMembers": 240 }
        ],
        "place": { "ubigeo": "250101", "detail": "Margen izquierda del río, a dos horas de Pucallpa" },
        "defenderCategory": "INDIGENOUS",
        "aggressionTypes": ["THREAT", "HARASSMENT"],
        "aggressorType": "ILLEGAL_LOGGING",
        "language": "SHIPIBO_KONIBO",
        "interpreterNeeded": true,
        "consent": { "status": "GIVEN" },
        "facts": "Tras denunciar la tala ilegal recibió amenazas de muerte por teléfono.",
        "evidence": [{ "description": "Grabación de la llamada" }],
        "requestedMeasures": [{ "measureType": "POLICE_PROTECTION" }]
    })
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

fn ok(body: Value) -> Value {
    assert!(body["errors"].is_null(), "unexpected errors: {}", body["errors"]);
    body["data"].clone()
}

fn criteria(failed: Option<&str>) -> Value {
    let all = [
        "PERSON_IDENTIFIED_AND_LOCATED",
        "CONSENT",
        "FACTS_RELATED",
        "MEASURE_INDICATED",
        "IS_DEFENDER",
        "RISK_LINKED_TO_DEFENCE",
    ];
    Value::Array(
        all.iter()
            .map(|c| match Some(*c) == failed {
                true => json!({ "criterion": c, "met": false, "note": "No se sabe dónde vive ahora." }),
                false => json!({ "criterion": c, "met": true }),
            })
            .collect(),
    )
}

async fn from_intake_to_archive(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let mininter = app.staff(Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")).await;
    let minjusdh = app.staff(Role::Coordinator, "minjusdh@minjusdh.gob.pe", Some("MINJUSDH")).await;
    let auditor = app.staff(Role::Auditor, "auditoria@dgdh.gob.pe", None).await;

    // Monday 13 July 2026: a federation files for the leader, anonymously.
    app.set_today("2026-07-13");
    let key = "3f6d2b1e-9a7c-4e55-8d21-0c4b7a9e1f20";
    let filed = ok(app.graphql(FILE, json!({ "input": request_input(key) })).await)["submitRequest"].clone();
    let file_number = filed["fileNumber"].as_str().unwrap().to_owned();
    let access_key = filed["accessKey"].as_str().unwrap().to_owned();
    assert_eq!(file_number, "AT-2026-000001");
    assert_eq!(filed["replayed"], false);

    // The connection dropped; the client retries with the same key.
    let again = ok(app.graphql(FILE, json!({ "input": request_input(key) })).await)["submitRequest"].clone();
    assert_eq!(
        (again["fileNumber"].as_str(), again["accessKey"].as_str()),
        (Some(file_number.as_str()), Some(access_key.as_str()))
    );
    assert_eq!(again["replayed"], true);
    let mut changed = request_input(key);
    changed["facts"] = json!("Otros hechos.");
    assert_eq!(code(&app.graphql(FILE, json!({ "input": changed })).await), "CONFLICT");

    let status = ok(app.graphql(MY_REQUEST, json!({ "f": file_number, "k": access_key })).await);
    assert_eq!(status["myRequest"]["status"], "RECEIVED");
    let wrong = app.graphql(MY_REQUEST, json!({ "f": file_number, "k": "AAAA-AAAA-AAAA-AAAA-AAAA" })).await;
    assert_eq!(code(&wrong), "FORBIDDEN");

    // The officer finds it in the list of new requests and takes it.
    let list = ok(app
        .graphql_as(
            Some(&officer),
            "{ cases(filter: { statuses: [RECEIVED] }) { edges { node { id fileNumber } } } }",
            json!({}),
        )
        .await);
    let case_id = list["cases"]["edges"][0]["node"]["id"].as_str().unwrap().to_owned();
    let me = ok(app.graphql_as(Some(&officer), "{ me { id } }", json!({})).await)["me"]["id"].clone();
    let assign = "mutation($c: ID!, $o: ID!) { assignCase(caseId: $c, officerId: $o) { status } }";
    ok(app.graphql_as(Some(&officer), assign, json!({ "c": case_id, "o": me })).await);
    ok(app
        .graphql_as(Some(&officer), "mutation($c: ID!) { startReview(caseId: $c) { status } }", json!({ "c": case_id }))
        .await);

    // Where the leader lives now is unclear: admitting anyway needs a reason.
    let evaluate =
        "mutation($c: ID!, $i: AdmissibilityInput!) { evaluateAdmissibility(caseId: $c, input: $i) { status } }";
    let refused = app
        .graphql_as(Some(&officer), evaluate, json!({ "c": case_id, "i": { "criteria": criteria(Some("PERSON_IDENTIFIED_AND_LOCATED")), "outcome": "ADMIT" } }))
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "input.overrideReason", "the input to fill in");

    // So the officer asks; the requester answers on Tuesday.
    app.set_today("2026-07-14");
    let ask = "mutation($c: ID!, $q: String!) { requestInformation(caseId: $c, question: $q) { status } }";
    let asked =
        ok(app.graphql_as(Some(&officer), ask, json!({ "c": case_id, "q": "¿Dónde vive ahora la lideresa?" })).await);
    assert_eq!(asked["requestInformation"]["status"], "INFORMATION_REQUESTED");
    let status = ok(app.graphql(MY_REQUEST, json!({ "f": file_number, "k": access_key })).await);
    assert_eq!(status["myRequest"]["pendingQuestion"]["question"], "¿Dónde vive ahora la lideresa?");
    assert_eq!(
        status["myRequest"]["pendingQuestion"]["answerDue"], "2026-07-31",
        "10 working days, skipping 23, 28 and 29 July"
    );

    app.set_today("2026-07-15");
    let answer = "mutation($f: String!, $k: String!, $a: String!) { answerInformationRequest(fileNumber: $f, accessKey: $k, answer: $a) { status } }";
    let answered = ok(app
        .graphql(
            answer,
            json!({ "f": file_number, "k": access_key.to_lowercase(), "a": "En la comunidad, casa comunal." }),
        )
        .await);
    assert_eq!(answered["answerInformationRequest"]["status"], "UNDER_REVIEW");

    // Admitted on Wednesday 15 July; the risk is imminent: urgent track.
    let admitted = ok(app
        .graphql_as(
            Some(&officer),
            evaluate,
            json!({ "c": case_id, "i": { "criteria": criteria(None), "outcome": "ADMIT" } }),
        )
        .await);
    assert_eq!(admitted["evaluateAdmissibility"]["status"], "ADMITTED");
    let assess = "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: URGENT, level: EXTREME, summary: \"Amenazas de muerte reiteradas\" }) { track nextDueOn } }";
    let assessed = ok(app.graphql_as(Some(&officer), assess, json!({ "c": case_id })).await);
    assert_eq!(assessed["assessRisk"]["track"], "URGENT");
    assert_eq!(assessed["assessRisk"]["nextDueOn"], "2026-08-11", "15 working days from 15 July (DOMAIN.md §4)");

    // The resolution on 10 August grants measures to two sectors.
    app.set_today("2026-08-10");
    let resolve = "mutation($c: ID!) { issueResolution(caseId: $c, input: {
        act: { number: \"RD N.° 041-2026-JUS/DGDH\", date: \"2026-08-10\" },
        granted: [{ measureType: \"POLICE_PROTECTION\" }, { measureType: \"LEGAL_AID\", details: \"Patrocinio en la denuncia penal\" }],
        denied: [{ description: \"Reubicación de la comunidad\", reason: \"No es competencia del mecanismo\" }]
    }) { status } }";
    assert_eq!(
        ok(app.graphql_as(Some(&officer), resolve, json!({ "c": case_id })).await)["issueResolution"]["status"],
        "RESOLUTION_ISSUED"
    );
    let case = ok(app.graphql_as(Some(&officer), CASE, json!({ "id": case_id })).await)["case"].clone();
    let decision = case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "DECISION").unwrap().clone();
    assert_eq!((decision["status"].as_str(), decision["onTime"].as_bool()), (Some("MET"), Some(true)));
    let measures = case["measures"].as_array().unwrap().clone();
    assert_eq!(measures.len(), 2);
    let measure_of =
        |sector: &str| measures.iter().find(|m| m["sector"] == sector).unwrap()["id"].as_str().unwrap().to_owned();
    let (police, legal) = (measure_of("MININTER"), measure_of("MINJUSDH"));

    let notify = "mutation($m: ID!) { notifyMeasure(measureId: $m) { status deadlines { kind due } } }";
    let notified = ok(app.graphql_as(Some(&officer), notify, json!({ "m": police })).await);
    assert_eq!(notified["notifyMeasure"]["status"], "NOTIFIED");
    ok(app.graphql_as(Some(&officer), notify, json!({ "m": legal })).await);

    // Each coordinator sees their own sector's measure only, with the
    // minimum case data, and acts on it.
    app.set_today("2026-08-11");
    let mine = "{ measures { edges { node { id sector status case { fileNumber beneficiaries placeDetail interpreterNeeded } } } } }";
    let police_list = ok(app.graphql_as(Some(&mininter), mine, json!({})).await);
    let edges = police_list["measures"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["sector"], "MININTER");
    assert_eq!(edges[0]["node"]["case"]["beneficiaries"][0], "Lideresa shipibo");
    let forbidden = app
        .graphql_as(
            Some(&mininter),
            "mutation($m: ID!) { acknowledgeMeasure(measureId: $m) { status } }",
            json!({ "m": legal }),
        )
        .await;
    assert_eq!(code(&forbidden), "FORBIDDEN");
    let facts = app.graphql_as(Some(&mininter), CASE, json!({ "id": case_id })).await;
    assert_eq!(code(&facts), "FORBIDDEN", "coordinators never read the file itself");

    let acknowledge = "mutation($m: ID!) { acknowledgeMeasure(measureId: $m) { status } }";
    assert_eq!(
        ok(app.graphql_as(Some(&mininter), acknowledge, json!({ "m": police })).await)["acknowledgeMeasure"]["status"],
        "ACKNOWLEDGED"
    );
    let progress = "mutation($m: ID!) { reportMeasureProgress(measureId: $m, report: \"Rondas diarias coordinadas con la comisaría\") { status } }";
    ok(app.graphql_as(Some(&mininter), progress, json!({ "m": police })).await);
    app.set_today("2026-08-13");
    let implemented =
        "mutation($m: ID!) { reportMeasureImplemented(measureId: $m, report: \"Protección asignada\") { status } }";
    assert_eq!(
        ok(app.graphql_as(Some(&mininter), implemented, json!({ "m": police })).await)["reportMeasureImplemented"]["status"],
        "IMPLEMENTED"
    );

    ok(app.graphql_as(Some(&minjusdh), acknowledge, json!({ "m": legal })).await);
    let not_feasible = "mutation($m: ID!) { reportMeasureNotFeasible(measureId: $m, reason: \"La lideresa ya cuenta con abogado\") { status } }";
    assert_eq!(
        ok(app.graphql_as(Some(&minjusdh), not_feasible, json!({ "m": legal })).await)["reportMeasureNotFeasible"]["status"],
        "NOT_FEASIBLE"
    );

    // Nothing pending: follow-up, then the officer archives.
    let case = ok(app.graphql_as(Some(&officer), CASE, json!({ "id": case_id })).await)["case"].clone();
    assert_eq!(case["status"], "FOLLOW_UP");
    assert_eq!(case["assignedOfficer"]["displayName"], "Especialista de la DGDH de prueba");
    let history: Vec<&str> =
        case["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        history,
        [
            "RECEIVED",
            "ASSIGNED",
            "REVIEW_STARTED",
            "INFORMATION_REQUESTED",
            "INFORMATION_RECEIVED",
            "ADMISSIBILITY_EVALUATED",
            "RISK_ASSESSED",
            "RESOLUTION_ISSUED",
            "MEASURE_NOTIFIED",
            "MEASURE_NOTIFIED",
            "MEASURE_ACKNOWLEDGED",
            "MEASURE_PROGRESS_REPORTED",
            "MEASURE_IMPLEMENTED",
            "MEASURE_ACKNOWLEDGED",
            "MEASURE_NOT_FEASIBLE",
        ]
    );
    app.set_today("2026-11-02");
    // A measure is still in force: the case closes because the risk
    // ceased, which a new assessment must find first.
    let archive =
        "mutation($c: ID!) { archiveCase(caseId: $c, reason: RISK_CEASED, note: \"Riesgo controlado\") { status } }";
    let refused = app.graphql_as(Some(&officer), archive, json!({ "c": case_id })).await;
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("evalúe antes el riesgo"), "{refused}");
    let reassess = "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: URGENT, level: LOW, summary: \"Sin nuevos hechos\" }) { riskLevel } }";
    ok(app.graphql_as(Some(&officer), reassess, json!({ "c": case_id })).await);
    assert_eq!(
        ok(app.graphql_as(Some(&officer), archive, json!({ "c": case_id })).await)["archiveCase"]["status"],
        "ARCHIVED"
    );

    // The requester sees the outcome, never the internal notes.
    let status = ok(app.graphql(MY_REQUEST, json!({ "f": file_number, "k": access_key })).await)["myRequest"].clone();
    assert_eq!(status["status"], "ARCHIVED");
    let statuses: Vec<&str> =
        status["measures"].as_array().unwrap().iter().map(|m| m["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["IMPLEMENTED", "NOT_FEASIBLE"]);
    assert!(!status.to_string().contains("Amenazas de muerte reiteradas"), "no risk assessment");

    // The auditor reads who did what.
    let trail = "query($c: ID!) { auditTrail(first: 100, filter: { caseId: $c }) { edges { node { action actorRole fields } } } }";
    let entries =
        ok(app.graphql_as(Some(&auditor), trail, json!({ "c": case_id })).await)["auditTrail"]["edges"].clone();
    let (reads, changes): (Vec<&Value>, Vec<&Value>) =
        entries.as_array().unwrap().iter().partition(|e| e["node"]["action"] == "SENSITIVE_READ");
    // Fifteen steps to the sector's last report, the new assessment, the archive.
    assert_eq!(changes.len(), 17, "one entry per change");
    assert_eq!(changes[0]["node"]["actorRole"], "PUBLIC");
    assert_eq!(changes[4]["node"]["actorRole"], "PUBLIC", "the requester's answer");
    assert_eq!(changes[10]["node"]["actorRole"], "COORDINATOR");
    // Every read of the file's personal data is recorded, with the fields.
    let officer_reads: Vec<&str> = reads
        .iter()
        .filter(|e| e["node"]["actorRole"] == "OFFICER")
        .map(|e| e["node"]["fields"].as_str().unwrap())
        .collect();
    // One entry per request that read it (the officer opened the case
    // twice), naming every field the request read.
    assert_eq!(
        officer_reads, ["request:beneficiaries,place,facts; history:action,description,note"; 2],
        "the officer's reads of the file"
    );
    assert!(reads.iter().any(|e| e["node"]["fields"].as_str().unwrap().starts_with("request:beneficiaries")));
    assert!(reads.iter().any(|e| e["node"]["actorRole"] == "COORDINATOR"
        && e["node"]["fields"].as_str().unwrap().starts_with("measure.case")));
    assert!(reads.iter().any(|e| e["node"]["actorRole"] == "PUBLIC" && e["node"]["fields"] == "requester.status"));
}

/// Takes a received case through review, admission and risk to a
/// resolution (act dated `on`) granting a MININTER measure (police
/// patrols) and a MINJUSDH one (legal aid).
pub(crate) async fn grant_two_measures(app: &TestApp, officer: &str, case_id: &str, on: &str) {
    admit(app, officer, case_id).await;
    for step in [
        "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: ORDINARY, level: HIGH, summary: \"Riesgo\" }) { status } }".to_owned(),
        format!("mutation($c: ID!) {{ issueResolution(caseId: $c, input: {{ act: {{ number: \"RD 1\", date: \"{on}\" }},
            granted: [{{ measureType: \"POLICE_PATROLS\" }}, {{ measureType: \"LEGAL_AID\" }}] }}) {{ status }} }}"),
    ] {
        let body = app.graphql_as(Some(officer), &step, json!({ "c": case_id })).await;
        assert!(body["errors"].is_null(), "step failed: {body}");
    }
}

/// Reviews a received case and admits it, every criterion met.
pub(crate) async fn admit(app: &TestApp, officer: &str, case_id: &str) {
    let all_met = r#"[{criterion: PERSON_IDENTIFIED_AND_LOCATED, met: true}, {criterion: CONSENT, met: true},
        {criterion: FACTS_RELATED, met: true}, {criterion: MEASURE_INDICATED, met: true},
        {criterion: IS_DEFENDER, met: true}, {criterion: RISK_LINKED_TO_DEFENCE, met: true}]"#;
    for step in [
        "mutation($c: ID!) { startReview(caseId: $c) { status } }".to_owned(),
        format!(
            "mutation($c: ID!) {{ evaluateAdmissibility(caseId: $c, input: {{ criteria: {all_met}, outcome: ADMIT }}) {{ status }} }}"
        ),
    ] {
        let body = app.graphql_as(Some(officer), &step, json!({ "c": case_id })).await;
        assert!(body["errors"].is_null(), "step failed: {body}");
    }
}
