//! Subscriptions over WebSocket (`/graphql/ws`, graphql-transport-ws):
//! who hears what, the protocol's rules, and deadlines announced once.
//! Across two processes it is `.ci/two-instances`; with the npm client,
//! `.ci/subscriptions`.

use std::time::Duration;

use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::live_client::{Incoming, LiveClient};
use crate::procedure::{grant_two_measures, request_input};
use crate::support::on_both_databases;

on_both_databases!(
    officers_and_requesters_hear_what_concerns_them,
    coordinators_hear_their_own_sector,
    deadlines_are_announced_once,
    the_protocol_rules_are_enforced,
);

const FILE: &str = "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey } }";
const CASE_EVENTS: &str =
    "subscription { caseEvents { kind caseId fileNumber action status previousStatus deadline dueOn previousDue } }";

async fn file(app: &TestApp, key: &str) -> (String, String) {
    let body = app.graphql(FILE, json!({ "i": request_input(key) })).await;
    let filed = &body["data"]["submitRequest"];
    (filed["fileNumber"].as_str().unwrap().to_owned(), filed["accessKey"].as_str().unwrap().to_owned())
}

/// The payload of the next `next` message for `id`.
async fn next_event(client: &mut LiveClient, id: &str, field: &str) -> Value {
    let message = client.next_for(id).await;
    assert_eq!(message["type"], "next", "{message}");
    assert!(message["payload"]["errors"].is_null(), "{message}");
    message["payload"]["data"][field].clone()
}

async fn officers_and_requesters_hear_what_concerns_them(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let mut desk = LiveClient::connect(&app, Some(&officer)).await;
    desk.subscribe("desk", CASE_EVENTS, json!({})).await;
    assert!(desk.round_trip().await.is_empty(), "accepted without a word");

    let (file_number, key) = file(&app, "live-request-first-0001").await;
    let received = next_event(&mut desk, "desk", "caseEvents").await;
    assert_eq!(received["kind"], "REQUEST_RECEIVED");
    assert_eq!(received["fileNumber"], file_number.as_str());
    assert_eq!(received["action"], "RECEIVED");
    assert_eq!(received["status"], "RECEIVED");
    assert!(received["previousStatus"].is_null());
    // Identifiers and codes only: nothing the requester wrote.
    let written = request_input("live-request-first-0001");
    for said in [&written["beneficiaries"][0]["name"], &written["facts"]] {
        assert!(!received.to_string().contains(said.as_str().unwrap()), "{received}");
    }
    let case_id = received["caseId"].as_str().unwrap().to_owned();

    // The requester, with no account, follows their own request.
    let mut requester = LiveClient::connect(&app, None).await;
    let mine = "subscription($f: String!, $k: String!) {
        requestStatusChanges(fileNumber: $f, accessKey: $k) { fileNumber status statusLabel previousStatus } }";
    requester.subscribe("mine", mine, json!({ "f": file_number.to_lowercase(), "k": key })).await;
    assert!(requester.round_trip().await.is_empty());

    // Someone else's request, then a step on theirs.
    let (other_file, _) = file(&app, "live-request-other-0002").await;
    assert_eq!(next_event(&mut desk, "desk", "caseEvents").await["fileNumber"], other_file.as_str());
    let review = "mutation($c: ID!) { startReview(caseId: $c) { status } }";
    let body = app.graphql_as(Some(&officer), review, json!({ "c": case_id })).await;
    assert!(body["errors"].is_null(), "{body}");
    let step = next_event(&mut desk, "desk", "caseEvents").await;
    assert_eq!(
        (&step["kind"], &step["action"], &step["status"], &step["previousStatus"]),
        (&json!("CASE_CHANGED"), &json!("REVIEW_STARTED"), &json!("UNDER_REVIEW"), &json!("RECEIVED"))
    );
    let change = next_event(&mut requester, "mine", "requestStatusChanges").await;
    assert_eq!(
        change,
        json!({ "fileNumber": file_number, "status": "UNDER_REVIEW", "statusLabel": "En calificación",
                "previousStatus": "RECEIVED" })
    );
    assert!(requester.round_trip().await.is_empty(), "the other request is none of theirs");

    // `complete` ends a subscription; the connection stays.
    requester.send(json!({ "type": "complete", "id": "mine" })).await;
    assert!(requester.round_trip().await.is_empty());

    // Signed out: the next event ends the officer's subscription instead
    // of reaching them.
    let body = app.graphql_as(Some(&officer), "mutation { logout }", json!({})).await;
    assert_eq!(body["data"]["logout"], true, "{body}");
    file(&app, "live-request-third-0003").await;
    let refused = desk.next_for("desk").await;
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{refused}");
    assert!(refused["payload"]["data"].is_null(), "{refused}");
    assert_eq!(desk.next_for("desk").await["type"], "complete");
}

async fn coordinators_hear_their_own_sector(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let mininter = app.staff(Role::Coordinator, "coordinador@mininter.gob.pe", Some("MININTER")).await;
    let (file_number, _) = file(&app, "live-measures-request-01").await;
    let case_id = app.db.find_case_by_file_number(&file_number).await.unwrap().to_string();
    grant_two_measures(&app, &officer, &case_id, "2026-07-13").await;

    let fields = "{ kind fileNumber measure sector measureStatus }";
    let mut coordinator = LiveClient::connect(&app, Some(&mininter)).await;
    coordinator.subscribe("sector", &format!("subscription {{ measureEvents {fields} }}"), json!({})).await;
    // Another sector's measures, or every case's events, are not theirs.
    coordinator
        .subscribe("other", &format!("subscription {{ measureEvents(sector: \"MINJUSDH\") {fields} }}"), json!({}))
        .await;
    coordinator.subscribe("cases", "subscription { caseEvents { kind } }", json!({})).await;
    let refusals = coordinator.round_trip().await;
    let codes: Vec<(&Value, &Value)> =
        refusals.iter().map(|m| (&m["id"], &m["payload"]["errors"][0]["extensions"]["code"])).collect();
    assert!(codes.contains(&(&json!("other"), &json!("FORBIDDEN"))), "{refusals:?}");
    assert!(codes.contains(&(&json!("cases"), &json!("FORBIDDEN"))), "{refusals:?}");
    // Each refusal is complete before the pong, and its id free again.
    let completed: Vec<&Value> = refusals.iter().filter(|m| m["type"] == "complete").map(|m| &m["id"]).collect();
    assert_eq!((refusals.len(), completed), (4, vec![&json!("other"), &json!("cases")]), "{refusals:?}");
    coordinator
        .subscribe("other", &format!("subscription {{ measureEvents(sector: \"MININTER\") {fields} }}"), json!({}))
        .await;
    assert!(coordinator.round_trip().await.is_empty());
    let mut desk = LiveClient::connect(&app, Some(&officer)).await;
    desk.subscribe("justice", &format!("subscription {{ measureEvents(sector: \"MINJUSDH\") {fields} }}"), json!({}))
        .await;
    assert!(desk.round_trip().await.is_empty());

    let case = app
        .graphql_as(
            Some(&officer),
            "query($c: ID!) { case(id: $c) { measures { id sector } } }",
            json!({ "c": case_id }),
        )
        .await;
    for measure in case["data"]["case"]["measures"].as_array().unwrap() {
        let notify = "mutation($m: ID!) { notifyMeasure(measureId: $m) { status } }";
        let body = app.graphql_as(Some(&officer), notify, json!({ "m": measure["id"] })).await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let police = next_event(&mut coordinator, "sector", "measureEvents").await;
    assert_eq!(next_event(&mut coordinator, "other", "measureEvents").await, police);
    assert_eq!(
        police,
        json!({ "kind": "MEASURE_CHANGED", "fileNumber": file_number, "measure": police["measure"],
                "sector": "MININTER", "measureStatus": "NOTIFIED" })
    );
    assert!(coordinator.round_trip().await.is_empty(), "the MINJUSDH measure is not theirs");
    let aid = next_event(&mut desk, "justice", "measureEvents").await;
    assert_eq!((&aid["sector"], &aid["measureStatus"]), (&json!("MINJUSDH"), &json!("NOTIFIED")));
    assert!(desk.round_trip().await.is_empty());
}

async fn deadlines_are_announced_once(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let (file_number, _) = file(&app, "live-deadline-request-1").await;
    let case_id = app.db.find_case_by_file_number(&file_number).await.unwrap().to_string();
    // Admitted, the case has its decision deadline.
    crate::procedure::admit(&app, &officer, &case_id).await;
    let deadlines = app
        .graphql_as(
            Some(&officer),
            "query($c: ID!) { case(id: $c) { deadlines { kind due } } }",
            json!({ "c": case_id }),
        )
        .await;
    let due = deadlines["data"]["case"]["deadlines"][0]["due"].as_str().unwrap().to_owned();
    let due_on = crate::fixtures::date(&due);

    let mut desk = LiveClient::connect(&app, Some(&officer)).await;
    desk.subscribe("desk", CASE_EVENTS, json!({})).await;
    assert!(desk.round_trip().await.is_empty());

    // Weeks before: nothing to announce.
    assert_eq!(db.announce_deadlines(crate::fixtures::at("2026-07-20")).await.unwrap(), 0);
    // Two days before it is due soon, once, however many passes run.
    let soon = crate::fixtures::at(&(due_on - chrono::Duration::days(2)).to_string());
    assert_eq!(db.announce_deadlines(soon).await.unwrap(), 1);
    assert_eq!(db.announce_deadlines(soon).await.unwrap(), 0);
    let announced = next_event(&mut desk, "desk", "caseEvents").await;
    assert_eq!(
        (&announced["kind"], &announced["deadline"], &announced["dueOn"], &announced["fileNumber"]),
        (&json!("DEADLINE_DUE_SOON"), &json!("DECISION"), &json!(due), &json!(file_number))
    );

    // A decreed non-working day before it moves it, and says where from.
    let mut holiday = due_on - chrono::Duration::days(1);
    while chrono::Datelike::weekday(&holiday).number_from_monday() > 5 {
        holiday -= chrono::Duration::days(1);
    }
    let holiday = holiday.to_string();
    let decree = "mutation($d: Date!) { addNonWorkingDay(date: $d, legalBasis: \"DS de prueba\") { deadlinesMoved } }";
    let body = app.graphql_as(Some(&admin), decree, json!({ "d": holiday })).await;
    assert_eq!(body["data"]["addNonWorkingDay"]["deadlinesMoved"], 1, "{body}");
    let recomputed = next_event(&mut desk, "desk", "caseEvents").await;
    assert_eq!((&recomputed["kind"], &recomputed["action"]), (&json!("CASE_CHANGED"), &json!("DEADLINES_RECOMPUTED")));
    let moved = next_event(&mut desk, "desk", "caseEvents").await;
    assert_eq!((&moved["kind"], &moved["previousDue"]), (&json!("DEADLINE_MOVED"), &json!(due)));
    let new_due = moved["dueOn"].as_str().unwrap().to_owned();
    assert!(new_due > due, "{moved}");

    // Moved, it is due soon again at its new date; past it, overdue.
    // Two passes racing (two instances) announce it once between them.
    let late = crate::fixtures::at(&(crate::fixtures::date(&new_due) + chrono::Duration::days(3)).to_string());
    let (a, b) = tokio::join!(db.announce_deadlines(late), db.announce_deadlines(late));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let overdue = next_event(&mut desk, "desk", "caseEvents").await;
    assert_eq!((&overdue["kind"], &overdue["dueOn"]), (&json!("DEADLINE_OVERDUE"), &json!(new_due)));
    assert!(desk.round_trip().await.is_empty());
}

async fn the_protocol_rules_are_enforced(db: Database) {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let config = api::ApiConfig { rate_limits: api::RateLimits::OFF, ..api::ApiConfig::default() };
    let transport = web::WebConfig {
        shutdown: Some(stopped),
        ws_allowed_origins: vec!["https://resguardo.example.pe".into()],
        ws_init_timeout: Duration::from_millis(300),
        ..web::WebConfig::default()
    };
    let app = TestApp::spawn_with_web(db, config, transport).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let closed = |incoming: Incoming| match incoming {
        Incoming::Closed(code) => code,
        Incoming::Message(message, _) => panic!("expected the socket to close, got {message}"),
    };

    // A session that is not one: 4403.
    let mut client = LiveClient::open(&app, None).await.unwrap();
    client.init(Some("not-a-session")).await;
    assert_eq!(closed(client.next().await), 4403);
    // Subscribing before connection_init: 4401.
    let mut client = LiveClient::open(&app, None).await.unwrap();
    client.subscribe("1", CASE_EVENTS, json!({})).await;
    assert_eq!(closed(client.next().await), 4401);
    // Silence after connecting: 4408.
    let mut client = LiveClient::open(&app, None).await.unwrap();
    assert_eq!(closed(client.next().await), 4408);
    // Initialising twice: 4429.
    let mut client = LiveClient::connect(&app, Some(&officer)).await;
    client.init(Some(&officer)).await;
    assert_eq!(closed(client.next().await), 4429);
    // Two subscriptions with one id: 4409.
    let mut client = LiveClient::connect(&app, Some(&officer)).await;
    client.subscribe("same", CASE_EVENTS, json!({})).await;
    client.subscribe("same", CASE_EVENTS, json!({})).await;
    assert_eq!(closed(client.next().await), 4409);
    // Not JSON: 4400.
    let mut client = LiveClient::connect(&app, None).await;
    client.send(json!("hola")).await;
    assert_eq!(closed(client.next().await), 4400);
    // Without the subprotocol: 4406.
    let mut client = LiveClient::open_with(&app, None, None).await.unwrap();
    assert_eq!(closed(client.next().await), 4406);

    // A page from another origin is refused before the upgrade; the web
    // client's own origin is let in.
    assert!(LiveClient::open(&app, Some("https://ataque.example")).await.is_err());
    let mut client = LiveClient::open(&app, Some("https://resguardo.example.pe")).await.unwrap();
    client.init(None).await;
    assert!(matches!(client.next().await, Incoming::Message(m, _) if m["type"] == "connection_ack"));

    // Queries and mutations go over HTTP, subscriptions over the socket.
    client.subscribe("q", "{ sectors { code } }", json!({})).await;
    let refused = client.next_for("q").await;
    assert_eq!((&refused["type"], &refused["payload"][0]["extensions"]["code"]), (&json!("error"), &json!("USE_HTTP")));
    let over_http = app.post("/graphql").json(&json!({ "query": CASE_EVENTS })).send().await.unwrap();
    assert_eq!(over_http.status(), 400);
    let body: Value = over_http.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "USE_WEBSOCKET", "{body}");
    // A document that does not validate is an `error` message.
    client.subscribe("bad", "subscription { caseEvents { nope } }", json!({})).await;
    let invalid = client.next_for("bad").await;
    assert_eq!(
        (&invalid["type"], &invalid["payload"][0]["extensions"]["code"]),
        (&json!("error"), &json!("GRAPHQL_VALIDATION_FAILED"))
    );

    // Eight subscriptions per connection at most.
    let mut client = LiveClient::connect(&app, Some(&officer)).await;
    let metrics = app.get("/metrics").send().await.unwrap().text().await.unwrap();
    let open: u64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("resguardo_live_connections "))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(open >= 1, "{metrics}");
    for n in 0..8 {
        client.subscribe(&n.to_string(), CASE_EVENTS, json!({})).await;
    }
    client.subscribe("ninth", CASE_EVENTS, json!({})).await;
    let said = client.round_trip().await;
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0]["payload"][0]["extensions"]["code"], "TOO_MANY_SUBSCRIPTIONS");

    // Fields come in the order asked for, as over HTTP.
    let mut client = LiveClient::connect(&app, Some(&officer)).await;
    client.subscribe("order", "subscription { caseEvents { status fileNumber kind } }", json!({})).await;
    assert!(client.round_trip().await.is_empty());
    file(&app, "live-field-order-000001").await;
    let Some(Incoming::Message(_, text)) = client.next_within(Duration::from_secs(10)).await else { panic!() };
    let at = |field: &str| text.find(&format!("\"{field}\"")).unwrap();
    assert!(at("status") < at("fileNumber") && at("fileNumber") < at("kind"), "{text}");
    // A normal close gets its answering frame.
    assert_eq!(client.close().await, 1000);

    // A server that stops says so (1001), and clients reconnect elsewhere.
    let mut client = LiveClient::connect(&app, None).await;
    stop.send(true).unwrap();
    assert_eq!(closed(client.next().await), 1001);
}
