//! Deadlines across cases over GraphQL: due soon, overdue and compliance,
//! scoped by role; calendar administration that moves due dates; delivery
//! records and dead letters.

use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::procedure::request_input;
use crate::support::on_both_databases;

on_both_databases!(
    work_lists_are_scoped_by_role,
    a_calendar_change_over_graphql_moves_the_due_date,
    undeliverable_messages_reach_the_dead_letters
);

fn ok(body: Value) -> Value {
    assert!(body["errors"].is_null(), "unexpected errors: {}", body["errors"]);
    body["data"].clone()
}

const ALL_MET: &str = r#"[{criterion: PERSON_IDENTIFIED_AND_LOCATED, met: true}, {criterion: CONSENT, met: true},
    {criterion: FACTS_RELATED, met: true}, {criterion: MEASURE_INDICATED, met: true},
    {criterion: IS_DEFENDER, met: true}, {criterion: RISK_LINKED_TO_DEFENCE, met: true}]"#;

/// Files a request and takes it to an urgent risk assessment; returns the
/// case id.
async fn urgent_case(app: &TestApp, officer: &str, key: &str) -> String {
    let filed = app
        .graphql(
            "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber } }",
            json!({ "i": request_input(key) }),
        )
        .await;
    let number = filed["data"]["submitRequest"]["fileNumber"].as_str().unwrap().to_owned();
    let id = app.db.find_case_by_file_number(&number).await.unwrap().to_string();
    for step in [
        "mutation($c: ID!) { startReview(caseId: $c) { status } }".to_owned(),
        format!("mutation($c: ID!) {{ evaluateAdmissibility(caseId: $c, input: {{ criteria: {ALL_MET}, outcome: ADMIT }}) {{ status }} }}"),
        "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: URGENT, level: HIGH, summary: \"Riesgo\" }) { status } }".to_owned(),
    ] {
        ok(app.graphql_as(Some(officer), &step, json!({ "c": id })).await);
    }
    id
}

async fn resolve_and_notify(app: &TestApp, officer: &str, case: &str, on: &str, measure: &str) -> String {
    let resolve = format!(
        "mutation($c: ID!) {{ issueResolution(caseId: $c, input: {{ act: {{ number: \"RD 9\", date: \"{on}\" }}, granted: [{{ measureType: \"{measure}\" }}] }}) {{ measures {{ id }} }} }}"
    );
    let resolved = ok(app.graphql_as(Some(officer), &resolve, json!({ "c": case })).await);
    let measure = resolved["issueResolution"]["measures"][0]["id"].as_str().unwrap().to_owned();
    ok(app
        .graphql_as(
            Some(officer),
            "mutation($m: ID!) { notifyMeasure(measureId: $m) { status } }",
            json!({ "m": measure }),
        )
        .await);
    measure
}

async fn work_lists_are_scoped_by_role(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let supervisor = app.staff(Role::Supervisor, "supervisora@dgdh.gob.pe", None).await;
    let mininter = app.staff(Role::Coordinator, "coordinador@mininter.gob.pe", Some("MININTER")).await;
    let minjusdh = app.staff(Role::Coordinator, "coordinador@minjusdh.gob.pe", Some("MINJUSDH")).await;
    app.set_today("2026-07-15");
    urgent_case(&app, &officer, "schedule-case-one-0001").await;
    let second = urgent_case(&app, &officer, "schedule-case-two-0002").await;
    // The second is resolved at once: a police measure for MININTER (one
    // working day to acknowledge, three to carry out).
    resolve_and_notify(&app, &officer, &second, "2026-07-15", "POLICE_PROTECTION").await;

    let list = "{ dueSoon(workingDays: 20) { edges { node { fileNumber measureId deadline { kind due } } } } }";
    let kinds = |body: Value| -> Vec<String> {
        body["dueSoon"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["deadline"]["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    // The police protection granted is reviewed within 20 working days: the officer's.
    assert_eq!(
        kinds(ok(app.graphql_as(Some(&officer), list, json!({})).await)),
        ["DECISION", "MEASURE_REVIEW"],
        "officers: the DGDH's own deadlines"
    );
    let supervisor_kinds = kinds(ok(app.graphql_as(Some(&supervisor), list, json!({})).await));
    assert_eq!(
        supervisor_kinds,
        ["MEASURE_ACKNOWLEDGEMENT", "MEASURE_IMPLEMENTATION", "DECISION", "MEASURE_REVIEW"],
        "supervisors: everything"
    );
    assert_eq!(
        kinds(ok(app.graphql_as(Some(&mininter), list, json!({})).await)),
        ["MEASURE_ACKNOWLEDGEMENT", "MEASURE_IMPLEMENTATION"]
    );
    assert!(kinds(ok(app.graphql_as(Some(&minjusdh), list, json!({})).await)).is_empty(), "another sector's measures");

    // A week later nothing was acknowledged: MININTER's deadlines are overdue.
    app.set_today("2026-07-24");
    let overdue = ok(app
        .graphql_as(Some(&mininter), "{ overdue { edges { node { deadline { kind due overdue } } } } }", json!({}))
        .await);
    let edges = overdue["overdue"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 2);
    assert!(edges.iter().all(|e| e["node"]["deadline"]["overdue"] == true));

    let compliance =
        "{ compliance(from: \"2026-07-01\", to: \"2026-07-31\") { kind metOnTime metLate openOverdue onTimeRate } }";
    let figures = ok(app.graphql_as(Some(&supervisor), compliance, json!({})).await)["compliance"].clone();
    let decision = figures.as_array().unwrap().iter().find(|f| f["kind"] == "DECISION").unwrap().clone();
    assert_eq!(
        (decision["metOnTime"].as_i64(), decision["metLate"].as_i64(), decision["onTimeRate"].as_f64()),
        (Some(1), Some(0), Some(1.0))
    );
    let acknowledgement =
        figures.as_array().unwrap().iter().find(|f| f["kind"] == "MEASURE_ACKNOWLEDGEMENT").unwrap().clone();
    assert_eq!(acknowledgement["openOverdue"], 1);
}

async fn a_calendar_change_over_graphql_moves_the_due_date(db: Database) {
    let app = TestApp::spawn(db).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    app.set_today("2026-07-15");
    let case = urgent_case(&app, &officer, "schedule-calendar-0001").await;
    let due = "query($c: ID!) { case(id: $c) { nextDueOn deadlines { kind due version explanation { skippedDays { date reasons { kind legalBasis } } } } deliveries { kind topic status } } }";
    let before = ok(app.graphql_as(Some(&officer), due, json!({ "c": case })).await);
    assert_eq!(before["case"]["nextDueOn"], "2026-08-11");

    let add = "mutation { addNonWorkingDay(date: \"2026-08-03\", legalBasis: \"DS 123-2026-PCM\", source: \"El Peruano\") { version casesRecomputed deadlinesMoved } }";
    let result = ok(app.graphql_as(Some(&admin), add, json!({})).await);
    assert_eq!(result["addNonWorkingDay"], json!({ "version": 2, "casesRecomputed": 1, "deadlinesMoved": 1 }));
    let after = ok(app.graphql_as(Some(&officer), due, json!({ "c": case })).await);
    assert_eq!(after["case"]["nextDueOn"], "2026-08-12");
    let decision = &after["case"]["deadlines"][0];
    let decree =
        decision["explanation"]["skippedDays"].as_array().unwrap().iter().find(|d| d["date"] == "2026-08-03").unwrap();
    assert_eq!(decree["reasons"][0]["legalBasis"], "DS 123-2026-PCM");
    let moved_notice = after["case"]["deliveries"].as_array().unwrap().iter().any(|d| d["topic"] == "DEADLINE_MOVED");
    assert!(moved_notice, "the owner is told");

    let calendar =
        ok(app.graphql("{ calendar { version nonWorkingDays { id firstDay legalBasis } } }", json!({})).await);
    let added = calendar["calendar"]["nonWorkingDays"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["firstDay"] == "2026-08-03")
        .unwrap()
        .clone();
    let remove = "mutation($id: ID!) { removeNonWorkingDay(nonWorkingDayId: $id) { version deadlinesMoved } }";
    let removed = ok(app.graphql_as(Some(&admin), remove, json!({ "id": added["id"] })).await);
    assert_eq!(removed["removeNonWorkingDay"], json!({ "version": 3, "deadlinesMoved": 1 }));
    let back = ok(app.graphql_as(Some(&officer), due, json!({ "c": case })).await);
    assert_eq!(
        (back["case"]["nextDueOn"].as_str(), back["case"]["deadlines"][0]["version"].as_i64()),
        (Some("2026-08-11"), Some(4))
    );

    // A two-day suspension of deadlines inside the window: two more days.
    let suspend = "mutation { addSuspensionPeriod(firstDay: \"2026-08-04\", lastDay: \"2026-08-05\", legalBasis: \"DS 124-2026-PCM\") { deadlinesMoved } }";
    assert_eq!(ok(app.graphql_as(Some(&admin), suspend, json!({})).await)["addSuspensionPeriod"]["deadlinesMoved"], 1);
    let suspended = ok(app.graphql_as(Some(&officer), due, json!({ "c": case })).await);
    assert_eq!(suspended["case"]["nextDueOn"], "2026-08-13");

    let bad = app
        .graphql_as(
            Some(&admin),
            "mutation { addNonWorkingDay(date: \"2026-08-04\", legalBasis: \" \") { version } }",
            json!({}),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let rules = "mutation { saveDeadlineRule(kind: DECISION, track: URGENT, workingDays: 10, startEvent: ADMISSION) { kind track workingDays } }";
    let saved = ok(app.graphql_as(Some(&admin), rules, json!({})).await);
    assert!(
        saved["saveDeadlineRule"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["track"] == "URGENT" && r["kind"] == "DECISION" && r["workingDays"] == 10)
    );
}

async fn undeliverable_messages_reach_the_dead_letters(db: Database) {
    let app = TestApp::spawn(db).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    app.set_today("2026-07-15");
    let case = urgent_case(&app, &officer, "schedule-dead-letter-01").await;
    // Nobody coordinates MINCU and there is no supervisor to fall back on.
    resolve_and_notify(&app, &officer, &case, "2026-07-15", "INTERCULTURAL_SUPPORT").await;
    let dead = ok(app.graphql_as(Some(&admin), "{ deadLetters { topic status lastError } }", json!({})).await);
    let letters = dead["deadLetters"].as_array().unwrap();
    assert!(
        letters
            .iter()
            .any(|d| d["topic"] == "MEASURE_NOTIFIED"
                && d["lastError"].as_str().unwrap().contains("SECTOR_COORDINATORS")),
        "{letters:?}"
    );
}
