//! The HTTP application on a real loopback socket: probes and GraphQL.

use db::Database;
use serde_json::json;

use crate::app::TestApp;
use crate::support::on_both_databases;

on_both_databases!(
    probes_answer,
    due_dates_over_graphql,
    bad_arguments_get_a_spanish_message_and_a_code,
    get_is_for_queries_only,
    bodies_are_bounded_and_must_be_json,
    requests_that_never_ran_have_no_data_entry,
);

async fn probes_answer(db: Database) {
    let app = TestApp::spawn(db).await;
    for probe in ["/healthz", "/readyz"] {
        let response = app.get(probe).send().await.unwrap();
        assert_eq!(response.status(), 200, "{probe}");
        assert_eq!(response.text().await.unwrap(), "ok");
    }
}

async fn due_dates_over_graphql(db: Database) {
    let app = TestApp::spawn(db).await;
    let query = "query($from: Date!, $days: Int!, $department: String) {
        dueDate(from: $from, workingDays: $days, department: $department) {
            due skippedDays { date reasons { kind description legalBasis } }
        }
    }";
    let body = app.graphql(query, json!({ "from": "2025-04-09", "days": 15 })).await;
    assert_eq!(body["data"]["dueDate"]["due"], "2025-05-06");
    let skipped = body["data"]["dueDate"]["skippedDays"].as_array().unwrap();
    let decree = skipped.iter().find(|d| d["date"] == "2025-05-02").unwrap();
    assert_eq!(decree["reasons"][0]["kind"], "NON_WORKING_DAY");
    assert_eq!(decree["reasons"][0]["legalBasis"], "DS 042-2025-PCM");

    // Lima's regional non-working days of November 2024 apply to Lima only.
    let lima = app.graphql(query, json!({ "from": "2024-11-13", "days": 1, "department": "15" })).await;
    assert_eq!(lima["data"]["dueDate"]["due"], "2024-11-18");
    let loreto = app.graphql(query, json!({ "from": "2024-11-13", "days": 1, "department": "16" })).await;
    assert_eq!(loreto["data"]["dueDate"]["due"], "2024-11-14");

    let reference =
        app.graphql("{ departments { code name } sectors { code } measureTypes { code kind } }", json!({})).await;
    assert_eq!(reference["data"]["departments"].as_array().unwrap().len(), 25);
    assert_eq!(reference["data"]["sectors"].as_array().unwrap().len(), 9);
    assert_eq!(reference["data"]["measureTypes"].as_array().unwrap().len(), 13);
}

async fn bad_arguments_get_a_spanish_message_and_a_code(db: Database) {
    let app = TestApp::spawn(db).await;
    let query = "query($days: Int!, $department: String) {
        dueDate(from: \"2026-01-05\", workingDays: $days, department: $department) { due }
    }";
    let body = app.graphql(query, json!({ "days": 0 })).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "workingDays");
    assert_eq!(body["errors"][0]["message"], "el número de días hábiles debe estar entre 1 y 365");

    let body = app.graphql(query, json!({ "days": 5, "department": "99" })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "department");
    assert_eq!(body["errors"][0]["message"], "el código de departamento debe estar entre 01 y 25");

    let body = app.graphql("{ dueDate(from: \"15/07/2026\", workingDays: 3) { due } }", json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("AAAA-MM-DD"));

    // Dates outside the calendar are refused, never answered with `from`.
    let far = "query($from: Date!, $days: Int!) { dueDate(from: $from, workingDays: $days) { due } }";
    for (from, days, field) in
        [("+262142-12-31", 365, "from"), ("1800-01-02", 5, "from"), ("2300-12-20", 30, "workingDays")]
    {
        let body = app.graphql(far, json!({ "from": from, "days": days })).await;
        assert!(body["data"].is_null() || body["data"]["dueDate"].is_null(), "{from}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{from}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{from}: {body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("2300"), "{from}: {body}");
    }
}

async fn get_is_for_queries_only(db: Database) {
    let app = TestApp::spawn(db).await;
    let query = app.get("/graphql?query=%7Bdepartments%7Bcode%7D%7D").send().await.unwrap();
    assert_eq!(query.status(), 200);
    let mutation = app.get("/graphql?query=mutation%20%7B%20x%20%7D").send().await.unwrap();
    assert_eq!(mutation.status(), 405);
    assert_eq!(mutation.headers()["allow"], "GET, POST");
}

async fn bodies_are_bounded_and_must_be_json(db: Database) {
    let app = TestApp::spawn(db).await;
    let huge = format!("{{\"query\":\"{{ departments {{ code }} }}\",\"padding\":\"{}\"}}", "x".repeat(70 * 1024));
    let response = app.post("/graphql").header("content-type", "application/json").body(huge).send().await.unwrap();
    assert_eq!(response.status(), 413);
    let response = app.post("/graphql").header("content-type", "text/plain").body("{}").send().await.unwrap();
    assert_eq!(response.status(), 415);
    let response =
        app.post("/graphql").header("content-type", "application/json").body("not json").send().await.unwrap();
    assert_eq!(response.status(), 400);
}

/// GraphQL over HTTP: a request that could not run (no query, a syntax
/// error, a validation failure) has no `data` entry and, for clients that
/// accept the GraphQL media type, a 400; one that ran keeps its `data`.
async fn requests_that_never_ran_have_no_data_entry(db: Database) {
    let app = TestApp::spawn(db).await;
    let post = |body: serde_json::Value, accept: &'static str| {
        app.post("/graphql").header("content-type", "application/json").header("accept", accept).json(&body).send()
    };
    let graphql_json = "application/graphql-response+json";

    let misspelt = post(json!({ "qeury": "{ departments { code } }" }), "application/json").await.unwrap();
    assert_eq!(misspelt.status(), 400);
    let body: serde_json::Value = misspelt.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    assert_eq!(body["errors"][0]["message"], "falta la consulta (el parámetro query)");

    for (document, code) in
        [("{ departments { code }", "GRAPHQL_PARSE_FAILED"), ("{ nothingHere }", "GRAPHQL_VALIDATION_FAILED")]
    {
        for (accept, status) in [(graphql_json, 400), ("application/json", 200)] {
            let response = post(json!({ "query": document }), accept).await.unwrap();
            assert_eq!(response.status(), status, "{document} with {accept}");
            assert_eq!(response.headers()["content-type"], accept);
            let body: serde_json::Value = response.json().await.unwrap();
            assert!(!body.as_object().unwrap().contains_key("data"), "{document}: {body}");
            assert_eq!(body["errors"][0]["extensions"]["code"], code);
        }
    }

    // An answer keeps the fields in the order the query asked for them
    // (async-graphql alone returns them as they finish).
    for query in ["{ sectors { code } departments { code } }", "{ departments { code } sectors { code } }"] {
        let ordered = post(json!({ "query": query }), graphql_json).await.unwrap();
        let text = ordered.text().await.unwrap();
        let (sectors, departments) = (text.find("\"sectors\"").unwrap(), text.find("\"departments\"").unwrap());
        assert_eq!(sectors < departments, query.starts_with("{ sectors"), "{query}: {text}");
    }

    // A field that fails while running: the request ran, `data` is there.
    let ran = post(json!({ "query": "{ dueDate(from: \"2026-01-05\", workingDays: 0) { due } }" }), graphql_json)
        .await
        .unwrap();
    assert_eq!(ran.status(), 200);
    let body: serde_json::Value = ran.json().await.unwrap();
    assert!(body.as_object().unwrap().contains_key("data"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}
