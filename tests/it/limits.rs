//! The limits suite: requests built to exhaust the server (deep nesting,
//! thousands of aliases, huge documents, oversized bodies, batches,
//! mutations over GET, introspection in production) are all refused,
//! cheaply, without a server error and without saying which limit they
//! hit. Legitimate requests (GraphiQL's introspection in development) pass.

use db::Database;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::procedure::request_input;
use crate::support::on_both_databases;

on_both_databases!(hostile_requests_are_all_refused, development_introspection_still_works);

/// The introspection query GraphiQL sends (graphql-js), trimmed of nothing
/// that matters for depth.
const INTROSPECTION: &str = "query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
  types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue }
  type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

enum Sent {
    Post(Value),
    Raw(String),
    Get(String),
}

/// The status and body of one hostile request.
async fn send(app: &TestApp, sent: &Sent) -> (u16, String) {
    let response = match sent {
        Sent::Post(body) => app.post("/graphql").json(body).send().await.unwrap(),
        Sent::Raw(body) => {
            app.post("/graphql").header("content-type", "application/json").body(body.clone()).send().await.unwrap()
        }
        Sent::Get(query) => app.get(&format!("/graphql?query={}", urlencode(query))).send().await.unwrap(),
    };
    (response.status().as_u16(), response.text().await.unwrap())
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Refused: a 4xx, or a GraphQL error with no data at all.
fn refused(status: u16, body: &str) -> bool {
    if (400..500).contains(&status) {
        return true;
    }
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    status == 200 && parsed["data"].is_null() && parsed["errors"].as_array().is_some_and(|e| !e.is_empty())
}

fn hostile() -> Vec<(&'static str, Sent)> {
    let deep =
        format!("{{ __schema {{ types {{ fields {{ type {}name{} }} }} }} }}", "{ ofType ".repeat(14), " }".repeat(14));
    let aliases = |n: usize| {
        format!("{{ {} }}", (0..n).map(|i| format!("a{i}: departments {{ code }}")).collect::<Vec<_>>().join(" "))
    };
    let fields = "fileNumber status statusLabel channel receivedAt receivedOn department province track riskLevel admittedOn nextDueOn overdue";
    let heavy = format!(
        "{{ {} }}",
        (0..20)
            .map(|i| format!("c{i}: cases(first: 100) {{ edges {{ node {{ {fields} }} }} }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    vec![
        ("deep nesting", Sent::Post(json!({ "query": deep }))),
        ("a hundred aliases", Sent::Post(json!({ "query": aliases(100) }))),
        ("thousands of aliases", Sent::Post(json!({ "query": aliases(5_000) }))),
        ("many tokens in a short document", Sent::Post(json!({ "query": format!("{{ {} }}", "a ".repeat(5_000)) }))),
        ("a 100k-token document", Sent::Raw(json!({ "query": format!("{{ {} }}", "a ".repeat(100_000)) }).to_string())),
        (
            "an oversized body",
            Sent::Raw(
                json!({ "query": "{ departments { code } }", "variables": { "x": "x".repeat(100_000) } }).to_string(),
            ),
        ),
        (
            "a batch",
            Sent::Raw(
                json!([{ "query": "{ departments { code } }" }, { "query": "{ sectors { code } }" }]).to_string(),
            ),
        ),
        ("a mutation over GET", Sent::Get("mutation { logout }".into())),
        ("a filing over GET", Sent::Get(format!("mutation {{ submitRequest(input: {}) {{ fileNumber }} }}", "{}"))),
        ("too complex", Sent::Post(json!({ "query": heavy }))),
        (
            "too many directives",
            Sent::Post(
                json!({ "query": "{ departments { code @include(if: true) @include(if: true) @skip(if: false) @skip(if: false) @include(if: true) } }" }),
            ),
        ),
        ("not even GraphQL", Sent::Post(json!({ "query": "{ departments { code " }))),
        ("not even JSON", Sent::Raw("{\"query\": ".into())),
    ]
}

async fn hostile_requests_are_all_refused(db: Database) {
    let production = api::ApiConfig { production: true, ..api::ApiConfig::default() };
    let no_graphiql = web::WebConfig { graphiql: false, ..web::WebConfig::default() };
    let app = TestApp::spawn_with_web(db.clone(), production, no_graphiql).await;
    let mut cases = hostile();
    cases.push(("introspection in production", Sent::Post(json!({ "query": INTROSPECTION }))));
    let total = cases.len();
    let mut refusals = 0;
    for (name, sent) in &cases {
        let (status, body) = send(&app, sent).await;
        assert!(status < 500, "{name}: server error {status} {body}");
        assert!(refused(status, body.as_str()), "{name}: not refused ({status}) {}", &body[..body.len().min(300)]);
        for secret in ["16384", "2000", "10000", "15", "30", "65536"] {
            assert!(
                !body.contains(&format!(" {secret} ")) && !body.contains(&format!("({secret})")),
                "{name} reveals a limit: {body}"
            );
        }
        refusals += 1;
    }
    assert_eq!(refusals, total);
    eprintln!("limits: {refusals} of {total} hostile requests refused, no 5xx");

    // Nothing was filed over GET, and field suggestions are off.
    assert!(db.cases_page(&Default::default(), Default::default(), None, 10).await.unwrap().items.is_empty());
    let (_, misspelt) = send(&app, &Sent::Post(json!({ "query": "{ departmnts { code } }" }))).await;
    assert!(!misspelt.contains("Did you mean"), "{misspelt}");
    // A normal request still works.
    let filed = app
        .graphql(
            "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber } }",
            json!({ "i": request_input("limits-legit-request-01") }),
        )
        .await;
    assert!(filed["data"]["submitRequest"]["fileNumber"].is_string(), "{filed}");
}

async fn development_introspection_still_works(db: Database) {
    let app = TestApp::spawn(db).await;
    let body = app.graphql(INTROSPECTION, json!({})).await;
    assert!(body["errors"].is_null(), "{}", body["errors"]);
    assert!(body["data"]["__schema"]["types"].as_array().unwrap().len() > 50);
    let batches = web::WebConfig { batch_max: 2, ..web::WebConfig::default() };
    let batch_app = TestApp::spawn_with_web(app.db.clone(), api::ApiConfig::default(), batches).await;
    let (status, text) = send(
        &batch_app,
        &Sent::Raw(json!([{ "query": "{ departments { code } }" }, { "query": "{ sectors { code } }" }]).to_string()),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap().as_array().unwrap().len(), 2, "batches when configured");
}
