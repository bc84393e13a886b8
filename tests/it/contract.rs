//! The contract's conventions, over HTTP: `node(id:)` finds a case or a
//! measure with the rights of `case` and `measure`; connections count
//! their matches without loading them; instants are to the millisecond;
//! an unknown report table is refused; the workflow's refusals of an
//! input name the field; a request typed in after the day it arrived is
//! counted from that day.

use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::procedure::{admit, request_input};
use crate::support::on_both_databases;

on_both_databases!(
    node_finds_cases_and_measures_with_their_own_rights,
    connections_count_what_they_match,
    instants_report_tables_and_input_fields,
    a_request_registered_late_counts_from_its_receipt,
);

const FILE: &str = "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber } }";

async fn filed_case(app: &TestApp, officer: &str, key: &str) -> String {
    let filed = app.graphql(FILE, json!({ "i": request_input(key) })).await;
    let number = filed["data"]["submitRequest"]["fileNumber"].as_str().unwrap().to_owned();
    let found = app
        .graphql_as(
            Some(officer),
            "query($f: String!) { cases(filter: { fileNumber: $f }) { edges { node { id } } } }",
            json!({ "f": number }),
        )
        .await;
    found["data"]["cases"]["edges"][0]["node"]["id"].as_str().unwrap().to_owned()
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

async fn node_finds_cases_and_measures_with_their_own_rights(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let coordinator = app.staff(Role::Coordinator, "coordinador@mininter.gob.pe", Some("MININTER")).await;
    let case = filed_case(&app, &officer, "contract-node-case-7c1e9a").await;
    crate::procedure::grant_two_measures(&app, &officer, &case, "2026-07-13").await;
    let node = "query($i: ID!) { node(id: $i) { __typename id ... on Case { fileNumber } ... on Measure { sector } } }";

    let as_officer = app.graphql_as(Some(&officer), node, json!({ "i": case })).await;
    assert_eq!(as_officer["data"]["node"]["__typename"], "Case", "{as_officer}");
    assert_eq!(as_officer["data"]["node"]["id"], json!(case));
    let denied = app.graphql_as(Some(&coordinator), node, json!({ "i": case })).await;
    assert_eq!(code(&denied), "FORBIDDEN", "coordinators cannot read cases through node either: {denied}");
    // Nor learn that the id is a case's: a random id is refused alike.
    let random = app.graphql_as(Some(&coordinator), node, json!({ "i": uuid::Uuid::new_v4().to_string() })).await;
    assert_eq!(random["errors"], denied["errors"], "a case id and a random one answer the same");

    let measures = app
        .graphql_as(Some(&officer), "query($c: ID!) { case(id: $c) { measures { id sector } } }", json!({ "c": case }))
        .await;
    for measure in measures["data"]["case"]["measures"].as_array().unwrap() {
        let seen = app.graphql_as(Some(&coordinator), node, json!({ "i": measure["id"] })).await;
        match measure["sector"].as_str().unwrap() {
            "MININTER" => assert_eq!(seen["data"]["node"]["__typename"], "Measure", "{seen}"),
            _ => assert_eq!(code(&seen), "FORBIDDEN", "another sector's measure: {seen}"),
        }
    }
    let unknown = app.graphql_as(Some(&officer), node, json!({ "i": uuid::Uuid::new_v4().to_string() })).await;
    assert!(unknown["errors"].is_null() && unknown["data"]["node"].is_null(), "{unknown}");
    let anonymous = app.graphql(node, json!({ "i": case })).await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
}

async fn connections_count_what_they_match(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let mut filed = Vec::new();
    for n in 0..5 {
        filed.push(filed_case(&app, &officer, &format!("contract-count-{n}-5b8d2f1e")).await);
    }
    let cases = "query($f: CaseFilterInput) { cases(first: 2, filter: $f) { totalCount edges { node { id } } } }";
    let all = app.graphql_as(Some(&officer), cases, json!({})).await;
    assert_eq!(all["data"]["cases"]["totalCount"], 5, "{all}");
    assert_eq!(all["data"]["cases"]["edges"].as_array().unwrap().len(), 2, "a page of two");
    let none = app.graphql_as(Some(&officer), cases, json!({ "f": { "statuses": ["ARCHIVED"] } })).await;
    assert_eq!(none["data"]["cases"]["totalCount"], 0);
    // The count is one statement, whatever the number of rows.
    let before = db.statements_executed();
    app.graphql_as(Some(&officer), "{ cases(first: 1) { totalCount } }", json!({})).await;
    let counted = db.statements_executed() - before;
    assert!(counted <= 8, "{counted} statements for a page and its count");
    // Two admitted: their decision clocks run (30 working days).
    for case in &filed[..2] {
        admit(&app, &officer, case).await;
    }
    let soon = "{ dueSoon(workingDays: 60, first: 1) { totalCount edges { node { fileNumber } } } }";
    let soon = app.graphql_as(Some(&officer), soon, json!({})).await;
    assert_eq!(soon["data"]["dueSoon"]["totalCount"], 2, "{soon}");
    assert_eq!(soon["data"]["dueSoon"]["edges"].as_array().unwrap().len(), 1);
}

async fn instants_report_tables_and_input_fields(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let case = filed_case(&app, &officer, "contract-fields-3e7a0c9d").await;
    let at =
        app.graphql_as(Some(&officer), "query($c: ID!) { case(id: $c) { receivedAt } }", json!({ "c": case })).await;
    let instant = at["data"]["case"]["receivedAt"].as_str().unwrap();
    assert_eq!(instant.len(), "2026-07-13T17:00:00.000Z".len(), "milliseconds, in UTC: {instant}");
    assert!(instant.ends_with('Z') && instant.as_bytes()[19] == b'.', "{instant}");

    let table = "{ statistics(from: \"2026-07-01\", to: \"2026-07-31\") { table(id: \"departamentoz\") { id } } }";
    let body = app.graphql_as(Some(&officer), table, json!({})).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "id");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("departamentos"), "the ids there are: {body}");

    // A resolution dated tomorrow, and one granting and denying nothing:
    // the form can point at the field.
    admit(&app, &officer, &case).await;
    let risk = "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: URGENT, level: HIGH, summary: \"Riesgo\" }) { status } }";
    assert!(app.graphql_as(Some(&officer), risk, json!({ "c": case })).await["errors"].is_null());
    let resolve = "mutation($c: ID!, $i: ResolutionInput!) { issueResolution(caseId: $c, input: $i) { status } }";
    let tomorrow = json!({ "c": case, "i": { "act": { "number": "RD 7", "date": "2026-07-14" }, "granted": [{ "measureType": "POLICE_PATROLS" }] } });
    let body = app.graphql_as(Some(&officer), resolve, tomorrow).await;
    assert_eq!(
        (code(&body), &body["errors"][0]["extensions"]["field"]),
        ("BAD_USER_INPUT", &json!("input.act.date")),
        "{body}"
    );
    let empty = json!({ "c": case, "i": { "act": { "number": "RD 7", "date": "2026-07-13" }, "granted": [] } });
    let body = app.graphql_as(Some(&officer), resolve, empty).await;
    assert_eq!(
        (code(&body), &body["errors"][0]["extensions"]["field"]),
        ("BAD_USER_INPUT", &json!("input.granted")),
        "{body}"
    );
    let wrong_case = app
        .graphql_as(
            Some(&officer),
            resolve,
            json!({ "c": "x", "i": { "act": { "number": "RD 7", "date": "2026-07-13" }, "granted": [] } }),
        )
        .await;
    assert_eq!(wrong_case["errors"][0]["extensions"]["field"], "caseId", "{wrong_case}");
}

async fn a_request_registered_late_counts_from_its_receipt(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    // Here the decision clock starts at receipt, not at admission.
    let rule = "mutation { saveDeadlineRule(kind: DECISION, workingDays: 30, startEvent: RECEIPT) { kind } }";
    assert!(app.graphql_as(Some(&admin), rule, json!({})).await["errors"].is_null());
    app.set_today("2026-07-15");
    let register = "mutation($d: Date, $i: RequestInput!) {
        registerRequest(channel: IN_PERSON, receivedOn: $d, input: $i) { fileNumber } }";
    let body = app
        .graphql_as(
            Some(&officer),
            register,
            json!({ "d": "2026-07-08", "i": request_input("contract-paper-9d4b6e21") }),
        )
        .await;
    let number = body["data"]["registerRequest"]["fileNumber"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let case = db.find_case_by_file_number(&number).await.unwrap();
    let record = db.case_record(case).await.unwrap();
    assert_eq!(record.received_on.to_string(), "2026-07-08", "received last week");
    let decision = db.deadlines_by_case(&[case]).await.unwrap().remove(&case).unwrap();
    assert_eq!(decision[0].start.to_string(), "2026-07-08", "the clock runs from the receipt");
    let audit = db.audit_trail(case).await.unwrap();
    assert_eq!(audit[0].actor_role, Role::Officer, "who typed it in");
    assert_eq!(lima(audit[0].recorded_at), "2026-07-15", "and when");

    for (day, expected) in [("2026-07-16", "posterior a hoy"), ("2018-05-01", "anterior a 2019")] {
        let body = app
            .graphql_as(Some(&officer), register, json!({ "d": day, "i": request_input("contract-paper-1a2b3c4d5e") }))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "receivedOn");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains(expected), "{body}");
    }
    // A web filing is the requester's own (`submitRequest`): staff saying
    // WEB would count a paper request as an online one.
    let web = "mutation($i: RequestInput!) { registerRequest(channel: WEB, input: $i) { fileNumber } }";
    let body = app.graphql_as(Some(&officer), web, json!({ "i": request_input("contract-paper-77c1e0aa93") })).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "channel");
    assert_eq!(db.count_cases(&Default::default()).await.unwrap(), 1, "nothing filed");
}

fn lima(at: chrono::DateTime<chrono::Utc>) -> String {
    domain::business_day::lima_date(at).to_string()
}
