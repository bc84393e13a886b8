//! What operators watch: `/metrics` in Prometheus' text format, counted
//! from what happened and from the database; a request id on every answer.

use db::Database;
use domain::roles::Role;
use serde_json::json;

use crate::app::TestApp;
use crate::procedure::request_input;
use crate::support::on_both_databases;

on_both_databases!(metrics_count_what_happened_and_what_waits, every_answer_carries_a_request_id);

/// The value of one sample line (`name{labels} value`), if present.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn metrics_count_what_happened_and_what_waits(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    // Someone to tell about new requests, so the notice waits in the outbox.
    app.staff(Role::Officer, "oficial.metricas@dgdh.gob.pe", None).await;
    let submit = "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber } }";
    let filed = app.graphql(submit, json!({ "i": request_input("metrics-observability-0001") })).await;
    assert!(filed["errors"].is_null(), "{filed}");
    app.graphql("{ nothingHere }", json!({})).await;
    app.graphql("{ cases(first: 5) { edges { cursor } } }", json!({})).await;

    let response = app.get("/metrics").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let metrics = response.text().await.unwrap();

    let graphql = |operation: &str, outcome: &str| {
        sample(
            &metrics,
            &format!("resguardo_graphql_requests_total{{operation=\"{operation}\",outcome=\"{outcome}\"}}"),
        )
    };
    assert_eq!(graphql("submitRequest", "ok"), Some(1.0), "{metrics}");
    // An unknown field never becomes a label: the registry cannot be grown by callers.
    assert_eq!(graphql("invalid", "GRAPHQL_VALIDATION_FAILED"), Some(1.0));
    assert!(!metrics.contains("nothingHere"));
    assert_eq!(graphql("cases", "UNAUTHENTICATED"), Some(1.0));
    assert_eq!(graphql("login", "ok"), Some(1.0), "the officer signed in");
    let answered = sample(&metrics, "resguardo_http_request_duration_seconds_count{route=\"/graphql\"}");
    assert_eq!(answered, Some(4.0));
    assert_eq!(sample(&metrics, "resguardo_http_requests_total{route=\"/graphql\",status=\"200\"}"), Some(4.0));

    // The gauges are what the database holds now.
    let today = domain::business_day::lima_date(crate::fixtures::at("2026-07-13"));
    let work = db.work_counts(today).await.unwrap();
    assert_eq!(sample(&metrics, "resguardo_deadlines_open"), Some(work.open_deadlines as f64));
    assert_eq!(sample(&metrics, "resguardo_deadlines_overdue"), Some(work.overdue_deadlines as f64));
    let pending = work.outbox.iter().find(|(state, _)| state == "PENDING").map_or(0, |(_, n)| *n);
    assert!(pending > 0, "filing a request plans the officers' notice");
    assert_eq!(sample(&metrics, "resguardo_outbox_depth"), Some(pending as f64));
    assert_eq!(sample(&metrics, "resguardo_outbox_messages{state=\"pending\"}"), Some(pending as f64));
    assert!(sample(&metrics, "resguardo_db_pool_max_connections").is_some_and(|n| n >= 1.0));
    assert!(sample(&metrics, "resguardo_db_statements_total").is_some_and(|n| n > 0.0));

    // Counts only: nothing of the request filed above.
    for personal in ["Lideresa", "Flor de Ucayali", "federacion@example.pe", "AT-"] {
        assert!(!metrics.contains(personal), "{personal} in /metrics");
    }
}

async fn every_answer_carries_a_request_id(db: Database) {
    let app = TestApp::spawn(db).await;
    let query = json!({ "query": "{ departments { code } }" });
    let given = app.post("/graphql").header("x-request-id", "balancer-7f3a-01").json(&query).send().await.unwrap();
    assert_eq!(given.headers()["x-request-id"], "balancer-7f3a-01");
    let made = app.post("/graphql").json(&query).send().await.unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    // A header that could forge log lines is replaced, not echoed.
    let forged = app.post("/graphql").header("x-request-id", "a b\"c").json(&query).send().await.unwrap();
    assert_ne!(forged.headers()["x-request-id"], "a b\"c");
}
