//! Errors say where, never what: canary strings sent through every path an
//! error can take (a syntax error, unknown enum values in the document and
//! in variables, values of the wrong type, unknown fields, arguments,
//! variables and operations, over-limit documents, malformed ids, over
//! POST, GET and the WebSocket) appear in no response body and no log
//! line; cost refusals are `QUERY_REJECTED` without their limits, in
//! development and production alike.

use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::live_client::LiveClient;
use crate::procedure::request_input;
use crate::support::{captured_logs, on_both_databases};

on_both_databases!(canaries_never_come_back_in_errors, cost_refusals_are_query_rejected_and_tell_no_limit);

async fn canaries_never_come_back_in_errors(db: Database) {
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase();
    let canary = |what: &str| format!("CANARIO{what}{run}");
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let mut input = request_input(&format!("errors-canary-{run}-0001"));
    input["defenderCategory"] = json!(canary("ENUMVAR"));
    let mut unknown_key = request_input(&format!("errors-canary-{run}-0002"));
    unknown_key[canary("CLAVE")] = json!(canary("VALORCLAVE"));
    let mut wrong_type = request_input(&format!("errors-canary-{run}-0003"));
    wrong_type["interpreterNeeded"] = json!(canary("BOOLEANO"));
    let aliases: Vec<String> = (0..40).map(|i| format!("{}{i}: departments {{ code }}", canary("ALIAS"))).collect();
    let directives = format!(
        "{{ {}: departments {{ code @include(if: true) @include(if: true) @skip(if: false) @skip(if: false) @include(if: true) }} }}",
        canary("DIRECTIVA")
    );
    let cases: Vec<(&str, Value)> = vec![
        (
            "syntax",
            json!({ "query": format!("mutation {{ submitRequest(input: {{ facts: \"{}\" ", canary("SINTAXIS")) }),
        ),
        (
            "enum in the document",
            json!({ "query": format!("{{ cases(filter: {{ statuses: [{}] }}) {{ edges {{ node {{ id }} }} }} }}", canary("ENUM")) }),
        ),
        (
            "enum in variables",
            json!({ "query": "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber } }", "variables": { "i": input } }),
        ),
        (
            "unknown input field",
            json!({ "query": "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber } }", "variables": { "i": unknown_key } }),
        ),
        (
            "wrong type in variables",
            json!({ "query": "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber } }", "variables": { "i": wrong_type } }),
        ),
        (
            "wrong scalar",
            json!({ "query": "query($d: Int!) { dueDate(from: \"2026-07-15\", workingDays: $d) { due } }", "variables": { "d": canary("ENTERO") } }),
        ),
        (
            "wrong date",
            json!({ "query": format!("{{ dueDate(from: \"{}\", workingDays: 3) {{ due }} }}", canary("FECHA")) }),
        ),
        (
            "wrong literal type",
            json!({ "query": format!("{{ dueDate(from: \"2026-07-15\", workingDays: \"{}\") {{ due }} }}", canary("LITERAL")) }),
        ),
        ("unknown field", json!({ "query": format!("{{ {} {{ code }} }}", canary("CAMPO")) })),
        ("unknown argument", json!({ "query": format!("{{ departments({}: 1) {{ code }} }}", canary("ARGUMENTO")) })),
        (
            "unknown variable",
            json!({ "query": format!("{{ dueDate(from: ${}, workingDays: 3) {{ due }} }}", canary("VARIABLE")) }),
        ),
        (
            "unknown operation",
            json!({ "query": "query A { sectors { code } } query B { departments { code } }", "operationName": canary("OPERACION") }),
        ),
        ("unknown type", json!({ "query": format!("query($x: {}) {{ sectors {{ code }} }}", canary("TIPO")) })),
        ("too many aliases", json!({ "query": format!("{{ {} }}", aliases.join(" ")) })),
        ("too many directives", json!({ "query": directives })),
        ("malformed id", json!({ "query": format!("{{ case(id: \"{}\") {{ fileNumber }} }}", canary("ID")) })),
        (
            "malformed id in a mutation",
            json!({ "query": "mutation($c: ID!) { startReview(caseId: $c) { status } }", "variables": { "c": canary("IDVAR") } }),
        ),
    ];
    let mut bodies = Vec::new();
    for (name, body) in &cases {
        let response = app.post("/graphql").bearer_auth(&officer).json(body).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert!(status < 500, "{name}: {status} {text}");
        let parsed: Value = serde_json::from_str(&text).unwrap();
        let code = parsed["errors"][0]["extensions"]["code"].as_str().unwrap_or("");
        assert!(!code.is_empty(), "{name}: an error with a code: {text}");
        let message = parsed["errors"][0]["message"].as_str().unwrap_or("");
        assert!(!message.is_empty() && !message.contains("Did you mean"), "{name}: {text}");
        bodies.push((name.to_string(), text));
    }
    // The same documents over GET (queries) and over the WebSocket.
    let get = format!("/graphql?query={}", urlencoding(&format!("{{ {} {{ code }} }}", canary("GET"))));
    bodies.push(("GET".into(), app.get(&get).send().await.unwrap().text().await.unwrap()));
    bodies.push((
        "GET syntax".into(),
        app.get(&format!("/graphql?query={}", urlencoding(&format!("{{ x(a: \"{}\" ", canary("GETSINTAXIS")))))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    ));
    for document in [
        format!("subscription {{ requestStatusChanges(fileNumber: \"{}\" ", canary("WSSINTAXIS")),
        format!("subscription {{ {} }}", canary("WSCAMPO")),
        format!("subscription {{ measureEvents(sector: {}) {{ kind }} }}", canary("WSENUM")),
    ] {
        let mut client = LiveClient::connect(&app, None).await;
        client.subscribe("canary", &document, json!({})).await;
        let said = client.round_trip().await;
        bodies.push(("WebSocket".into(), serde_json::to_string(&said).unwrap()));
    }

    let logs = captured_logs();
    let mut leaks: Vec<String> = bodies
        .iter()
        .filter(|(_, body)| body.contains(&run))
        .map(|(name, body)| format!("{name}: {}", &body[..body.len().min(400)]))
        .collect();
    if logs.contains(&run) {
        leaks.push("the logs".into());
    }
    assert!(leaks.is_empty(), "canaries came back: {leaks:#?}");
    // Where is said: a line and column, or the argument's path.
    let syntax = &bodies[0].1;
    assert!(syntax.contains("línea 1, columna") && syntax.contains("GRAPHQL_PARSE_FAILED"), "{syntax}");
    let enumerated = &bodies[2].1;
    assert!(
        enumerated.contains("\"field\":\"input.defenderCategory\"") && enumerated.contains("DefenderCategory"),
        "{enumerated}"
    );
    eprintln!("errors: {} error paths, canaries in 0 bodies and 0 log lines", bodies.len());
}

fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn cost_refusals_are_query_rejected_and_tell_no_limit(db: Database) {
    let deep =
        format!("{{ __schema {{ types {{ fields {{ type {}name{} }} }} }} }}", "{ ofType ".repeat(14), " }".repeat(14));
    let recursive =
        format!("{{ __schema {{ types {{ {}name{} }} }} }}", "fields { type { ".repeat(20), " } }".repeat(20));
    let heavy = format!(
        "{{ {} }}",
        (0..20)
            .map(|i| format!("c{i}: cases(first: 100) {{ edges {{ node {{ fileNumber status statusLabel channel receivedAt receivedOn department track nextDueOn overdue }} }} }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let directives = "{ departments { code @include(if: true) @include(if: true) @skip(if: false) @skip(if: false) @include(if: true) } }";
    for production in [false, true] {
        let config = api::ApiConfig { production, ..api::ApiConfig::default() };
        let transport = web::WebConfig { graphiql: !production, ..web::WebConfig::default() };
        let app = TestApp::spawn_with_web(db.clone(), config, transport).await;
        for (name, query) in [
            ("depth", &deep),
            ("recursion", &recursive),
            ("complexity", &heavy),
            ("directives", &directives.to_owned()),
        ] {
            let response = app.post("/graphql").json(&json!({ "query": query })).send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            assert_eq!(status, 400, "{name} (production: {production}): {body}");
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "QUERY_REJECTED",
                "{name} (production: {production}): {body}"
            );
            let text = body.to_string();
            for limit in ["15", "32", "10000", "4`", "`4"] {
                assert!(!text.contains(limit), "{name} tells a limit ({limit}): {text}");
            }
        }
    }
}
