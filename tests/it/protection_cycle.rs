//! After the resolution, over real HTTP (issue 19): granted measures are
//! reviewed and renewed only after the risk is assessed again; a new
//! incident, reported by the requester or by an officer, starts a short
//! re-assessment whose move to the urgent track recomputes the running
//! deadlines; a case closes only for a reason whose condition holds; the
//! measures form a plan with a goal, and the officer verifies each one its
//! sector reports carried out; a
//! complaint to the Public Prosecutor is followed through its stages, past
//! the case's archiving, and counted in the registry.

use db::Database;
use domain::roles::Role;
use domain::workflow::AuditAction;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::console::{admit_filed, file_request};
use crate::live_client::LiveClient;
use crate::support::on_both_databases;

on_both_databases!(a_measure_is_reviewed_and_renewed_only_after_a_new_assessment);
on_both_databases!(an_incident_reopens_the_risk_and_the_urgent_track_moves_the_reviews);
on_both_databases!(a_complaint_is_followed_to_its_end_and_counted_in_the_registry);
on_both_databases!(the_officer_verifies_what_the_sector_reports_under_the_plans_goal);
on_both_databases!(measures_granted_before_reviews_existed_get_theirs_from_the_worker);

const DEADLINES: &str = "query($id: ID!) {
    case(id: $id) {
        track
        deadlines { kind measureNumber start due status onTime overdue workingDays track version }
        measures { id number measureType status }
        history { action note }
    }
}";

fn ok(body: Value) -> Value {
    assert!(body["errors"].is_null(), "unexpected errors: {}", body["errors"]);
    body["data"].clone()
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

/// The case's deadline of `kind` (for measure `number`, if given).
fn deadline(case: &Value, kind: &str, number: Option<u64>) -> Value {
    case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind && d["measureNumber"].as_u64() == number)
        .unwrap_or_else(|| panic!("no {kind} deadline for {number:?}: {}", case["deadlines"]))
        .clone()
}

/// The registry's table `id` for July 2026, as a supervisor (exact
/// figures) reads it: each row's code and first value.
async fn july_table(app: &TestApp, id: &str) -> Vec<(String, Value)> {
    let supervisor = app.staff(Role::Supervisor, "supervisora@dgdh.gob.pe", None).await;
    let statistics =
        "{ statistics(from: \"2026-07-01\", to: \"2026-07-31\") { tables { id rows { code values { value } } } } }";
    let report = ok(app.graphql_as(Some(&supervisor), statistics, json!({})).await);
    let table = report["statistics"]["tables"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap().clone();
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap().to_owned(), r["values"][0]["value"].clone()))
        .collect()
}

/// `(code, value)` pairs as `july_table` gives them.
fn counted(rows: &[(&str, f64)]) -> Vec<(String, Value)> {
    rows.iter().map(|(code, n)| ((*code).to_owned(), json!(n))).collect()
}

/// Who the outbox plans to tell about `topic` in the case: audience and
/// sector.
async fn told(app: &TestApp, case_id: &str, topic: &str) -> Vec<(String, Option<String>)> {
    let notices = app.db.planned_notifications(case_id.parse().unwrap()).await.unwrap();
    notices.into_iter().filter(|n| n.topic == topic).map(|n| (n.audience, n.sector)).collect()
}

/// `mutation` (a field taking `$m`) on the measure `id`, as `token`.
async fn on_measure(app: &TestApp, token: &str, id: &str, mutation: impl AsRef<str>) -> Value {
    let query = format!("mutation($m: ID!) {{ {} }}", mutation.as_ref());
    app.graphql_as(Some(token), &query, json!({ "m": id })).await
}

async fn case(app: &TestApp, token: &str, id: &str) -> Value {
    ok(app.graphql_as(Some(token), DEADLINES, json!({ "id": id })).await)["case"].clone()
}

/// An admitted request, assessed on the ordinary track on Monday 13 July
/// 2026 and granted `measures` by the act of Monday 3 August. The case id
/// and the requester's file number and access key.
pub(crate) async fn granted(app: &TestApp, officer: &str, measures: Value) -> (String, String, String) {
    app.set_today("2026-07-13");
    let (number, key) = file_request(app).await;
    let case_id = admit_filed(app, officer, &number).await;
    let assess = "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: ORDINARY, level: HIGH, summary: \"Amenazas reiteradas\" }) { track } }";
    ok(app.graphql_as(Some(officer), assess, json!({ "c": case_id })).await);
    app.set_today("2026-08-03");
    let resolve = "mutation($c: ID!, $g: [GrantedMeasureInput!]!) { issueResolution(caseId: $c, input: {
        act: { number: \"RD N.° 050-2026-JUS/DGDH\", date: \"2026-08-03\" }, granted: $g, denied: []
    }) { status } }";
    ok(app.graphql_as(Some(officer), resolve, json!({ "c": case_id, "g": measures })).await);
    (case_id, number, key)
}

async fn a_measure_is_reviewed_and_renewed_only_after_a_new_assessment(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let mininter = app.staff(Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")).await;
    let measures = json!([{ "measureType": "POLICE_PROTECTION" }, { "measureType": "LEGAL_AID" }]);
    let (case_id, _, _) = granted(&app, &officer, measures).await;

    // Each granted measure is reviewed by the rule for its type: police
    // protection within 20 working days (6 August is a holiday), the
    // others within the ordinary 120.
    let granted = case(&app, &officer, &case_id).await;
    let police = deadline(&granted, "MEASURE_REVIEW", Some(1));
    assert_eq!(
        (&police["start"], &police["due"], &police["workingDays"], &police["status"]),
        (&json!("2026-08-03"), &json!("2026-09-01"), &json!(20), &json!("OPEN"))
    );
    let legal = deadline(&granted, "MEASURE_REVIEW", Some(2));
    assert_eq!(
        (&legal["workingDays"], &legal["track"], &legal["due"]),
        (&json!(120), &json!("ORDINARY"), &json!("2027-01-26"))
    );

    // The sector carries the protection out.
    let police_id = granted["measures"][0]["id"].as_str().unwrap().to_owned();
    ok(on_measure(&app, &officer, &police_id, "notifyMeasure(measureId: $m) { status }").await);
    app.set_today("2026-08-04");
    ok(on_measure(&app, &mininter, &police_id, "acknowledgeMeasure(measureId: $m) { status }").await);
    let implemented = "reportMeasureImplemented(measureId: $m, report: \"Rondas diarias\") { status }";
    ok(on_measure(&app, &mininter, &police_id, implemented).await);

    // Nobody reviewed it by 1 September: on the 2nd it shows overdue.
    app.set_today("2026-09-02");
    let late = deadline(&case(&app, &officer, &case_id).await, "MEASURE_REVIEW", Some(1));
    assert_eq!((&late["status"], &late["overdue"]), (&json!("OPEN"), &json!(true)));

    // Renewing needs the risk assessed again since the grant.
    let renew = "mutation($m: ID!) { renewMeasure(measureId: $m, act: { number: \"RD N.° 071-2026-JUS/DGDH\", date: \"2026-09-02\" }) { status } }";
    let refused = app.graphql_as(Some(&officer), renew, json!({ "m": police_id })).await;
    assert_eq!(code(&refused), "INVALID_TRANSITION", "{refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("evalúe antes el riesgo"), "{refused}");
    let forbidden = app.graphql_as(Some(&mininter), renew, json!({ "m": police_id })).await;
    assert_eq!(code(&forbidden), "FORBIDDEN", "sectors do not renew");

    let reassess = "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: ORDINARY, level: MEDIUM, summary: \"Persisten las amenazas\" }) { riskLevel } }";
    ok(app.graphql_as(Some(&officer), reassess, json!({ "c": case_id })).await);
    let renewed = ok(app.graphql_as(Some(&officer), renew, json!({ "m": police_id })).await);
    assert_eq!(renewed["renewMeasure"]["status"], "IMPLEMENTED", "still carried out");

    // The next review counts from the renewing act; the late one is met.
    let after = case(&app, &officer, &case_id).await;
    let next = deadline(&after, "MEASURE_REVIEW", Some(1));
    assert_eq!(
        (&next["start"], &next["due"], &next["status"], &next["overdue"], &next["version"]),
        (&json!("2026-09-02"), &json!("2026-09-30"), &json!("OPEN"), &json!(false), &json!(2))
    );
    let renewal = after["history"].as_array().unwrap().iter().find(|e| e["action"] == "MEASURE_RENEWED").unwrap();
    assert_eq!(renewal["note"], "Renovada por RD N.° 071-2026-JUS/DGDH del 2026-09-02");
    let changes = app.db.deadline_changes(case_id.parse().unwrap()).await.unwrap();
    let met: Vec<_> = changes.iter().filter(|c| c.deadline == "MEASURE_REVIEW:1" && c.change == "MET").collect();
    assert_eq!(met.len(), 1, "{changes:?}");
    assert_eq!(met[0].due.to_string(), "2026-09-01", "met a day after it was due");

    // Closing: a measure in force bars CONCLUDED; the risk ceased needs an
    // assessment after the resolution, which there is.
    let archive = |reason: &str| {
        format!("mutation($c: ID!) {{ archiveCase(caseId: $c, reason: {reason}, note: \"Cierre\") {{ status }} }}")
    };
    let legal_id = after["measures"][1]["id"].as_str().unwrap();
    let lift = "mutation($m: ID!) { liftMeasure(measureId: $m, act: { number: \"RD N.° 072-2026-JUS/DGDH\", date: \"2026-09-02\" }, reason: \"Ya cuenta con abogado\") { status } }";
    ok(app.graphql_as(Some(&officer), lift, json!({ "m": legal_id })).await);
    let concluded = app.graphql_as(Some(&officer), &archive("CONCLUDED"), json!({ "c": case_id })).await;
    assert_eq!(code(&concluded), "BAD_USER_INPUT", "{concluded}");
    assert_eq!(concluded["errors"][0]["extensions"]["field"], "reason");
    let closed = ok(app.graphql_as(Some(&officer), &archive("RISK_CEASED"), json!({ "c": case_id })).await);
    assert_eq!(closed["archiveCase"]["status"], "ARCHIVED");
    let closed = case(&app, &officer, &case_id).await;
    assert_eq!(deadline(&closed, "MEASURE_REVIEW", Some(1))["status"], "CANCELLED");
}

async fn an_incident_reopens_the_risk_and_the_urgent_track_moves_the_reviews(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let coordinator = app.staff(Role::Coordinator, "minjusdh@minjusdh.gob.pe", Some("MINJUSDH")).await;
    let (case_id, number, key) = granted(&app, &officer, json!([{ "measureType": "LEGAL_AID" }])).await;
    let before = deadline(&case(&app, &officer, &case_id).await, "MEASURE_REVIEW", Some(1));
    assert_eq!((&before["workingDays"], &before["track"]), (&json!(120), &json!("ORDINARY")));

    // Tuesday 1 September: the requester reports a new threat.
    app.set_today("2026-09-01");
    let report = "mutation($f: String!, $k: String!, $i: IncidentInput!) {
        reportIncident(fileNumber: $f, accessKey: $k, incident: $i) { status }
    }";
    let incident = |on: &str, aggression: &str| json!({ "occurredOn": on, "description": "Volvieron a rondar la casa de madrugada.", "aggressionTypes": [aggression], "aggressor": "ILLEGAL_LOGGING" });
    let future = app.graphql(report, json!({ "f": number, "k": key, "i": incident("2026-09-02", "THREAT") })).await;
    assert_eq!(code(&future), "BAD_USER_INPUT");
    assert_eq!(future["errors"][0]["extensions"]["field"], "incident.occurredOn");
    let mut none = incident("2026-09-01", "THREAT");
    none["aggressionTypes"] = json!([]);
    let none = app.graphql(report, json!({ "f": number, "k": key, "i": none })).await;
    assert_eq!(none["errors"][0]["extensions"]["field"], "incident.aggressionTypes");
    let wrong_key = app
        .graphql(report, json!({ "f": number, "k": "AAAA-AAAA-AAAA-AAAA-AAAA", "i": incident("2026-09-01", "THREAT") }))
        .await;
    assert_eq!(code(&wrong_key), "FORBIDDEN");
    assert!(!wrong_key.to_string().contains("rondar"), "an error never repeats what was typed");

    // Officers' pages hear of it live, by codes alone.
    let mut desk = LiveClient::connect(&app, Some(&officer)).await;
    desk.subscribe("desk", "subscription { caseEvents { kind fileNumber action } }", json!({})).await;
    assert!(desk.round_trip().await.is_empty());
    let reported =
        ok(app.graphql(report, json!({ "f": number, "k": key, "i": incident("2026-09-01", "THREAT") })).await);
    let heard = desk.next_for("desk").await;
    let event = &heard["payload"]["data"]["caseEvents"];
    assert_eq!((&event["kind"], &event["action"]), (&json!("CASE_CHANGED"), &json!("INCIDENT_REPORTED")), "{heard}");
    assert_eq!(event["fileNumber"], number.as_str());
    assert!(!heard.to_string().contains("rondar"), "{heard}");
    assert_eq!(reported["reportIncident"]["status"], "RESOLUTION_ISSUED");
    let reassessment = deadline(&case(&app, &officer, &case_id).await, "REASSESSMENT", None);
    assert_eq!(
        (&reassessment["due"], &reassessment["workingDays"]),
        (&json!("2026-09-08"), &json!(5)),
        "5 working days on the ordinary track"
    );
    let id = case_id.parse().unwrap();
    assert_eq!(told(&app, &case_id, "INCIDENT_REPORTED").await, [("ASSIGNED_OFFICER".to_owned(), None)]);

    // Wednesday: the officer learns by phone of an attack on her life:
    // the re-assessment is due within 2 working days, supervisors told.
    app.set_today("2026-09-02");
    let officer_report =
        "mutation($c: ID!, $i: IncidentInput!) { reportCaseIncident(caseId: $c, incident: $i) { status } }";
    let forbidden = app
        .graphql_as(
            Some(&coordinator),
            officer_report,
            json!({ "c": case_id, "i": incident("2026-09-02", "ATTEMPTED_KILLING") }),
        )
        .await;
    assert_eq!(code(&forbidden), "FORBIDDEN", "sectors do not record incidents");
    ok(app
        .graphql_as(
            Some(&officer),
            officer_report,
            json!({ "c": case_id, "i": incident("2026-09-02", "ATTEMPTED_KILLING") }),
        )
        .await);
    let urgent = deadline(&case(&app, &officer, &case_id).await, "REASSESSMENT", None);
    assert_eq!((&urgent["due"], &urgent["workingDays"]), (&json!("2026-09-04"), &json!(2)));
    let audiences = told(&app, &case_id, "INCIDENT_REPORTED").await;
    assert!(audiences.contains(&("SUPERVISORS".to_owned(), None)), "{audiences:?}");

    // Thursday: the re-assessment puts the case on the urgent track: the
    // review's 120 ordinary working days become the urgent 60.
    app.set_today("2026-09-03");
    let reassess = "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: URGENT, level: EXTREME, summary: \"Atentado contra su vida\" }) { track } }";
    assert_eq!(
        ok(app.graphql_as(Some(&officer), reassess, json!({ "c": case_id })).await)["assessRisk"]["track"],
        "URGENT"
    );
    let after = case(&app, &officer, &case_id).await;
    let met = deadline(&after, "REASSESSMENT", None);
    assert_eq!((&met["status"], &met["onTime"]), (&json!("MET"), &json!(true)));
    let moved = deadline(&after, "MEASURE_REVIEW", Some(1));
    assert_eq!(
        (&moved["start"], &moved["workingDays"], &moved["track"], &moved["due"]),
        (&json!("2026-08-03"), &json!(60), &json!("URGENT"), &json!("2026-10-28"))
    );
    let changes = app.db.deadline_changes(id).await.unwrap();
    assert!(changes.iter().any(|c| c.deadline == "MEASURE_REVIEW:1" && c.change == "MOVED"), "{changes:?}");

    // Officers read what happened; the history keeps both reports.
    let history: Vec<&Value> =
        after["history"].as_array().unwrap().iter().filter(|e| e["action"] == "INCIDENT_REPORTED").collect();
    assert_eq!(history.len(), 2);
    assert!(history[0]["note"].as_str().unwrap().contains("Volvieron a rondar"), "{}", history[0]);

    // The registry counts the request once among those with a new
    // incident, and once for each type reported (supervisors read exact
    // figures).
    assert_eq!(
        july_table(&app, "incidentes").await,
        counted(&[("CUALQUIERA", 1.0), ("ATTEMPTED_KILLING", 1.0), ("THREAT", 1.0)])
    );
}

async fn a_complaint_is_followed_to_its_end_and_counted_in_the_registry(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let coordinator = app.staff(Role::Coordinator, "minjusdh@minjusdh.gob.pe", Some("MINJUSDH")).await;
    let (case_id, _, _) = granted(&app, &officer, json!([{ "measureType": "LEGAL_AID" }])).await;
    let record = "mutation($c: ID!, $i: ComplaintInput!) { recordComplaint(caseId: $c, input: $i) { id } }";
    let filing = |on: &str| json!({ "filedOn": on, "office": "Segunda Fiscalía Supraprovincial Especializada en Derechos Humanos", "fileNumber": "CF 2506014500-2026-311-0" });

    // A day to come is refused at its field; the sector may not record one.
    let future = app.graphql_as(Some(&officer), record, json!({ "c": case_id, "i": filing("2026-08-04") })).await;
    assert_eq!(code(&future), "BAD_USER_INPUT", "{future}");
    assert_eq!(future["errors"][0]["extensions"]["field"], "input.filedOn");
    assert!(!future.to_string().contains("Supraprovincial"), "an error never repeats what was typed");
    let forbidden =
        app.graphql_as(Some(&coordinator), record, json!({ "c": case_id, "i": filing("2026-07-20") })).await;
    assert_eq!(code(&forbidden), "FORBIDDEN");
    ok(app.graphql_as(Some(&officer), record, json!({ "c": case_id, "i": filing("2026-07-20") })).await);

    let update = "mutation($c: ID!, $i: ComplaintUpdateInput!) { updateComplaint(caseId: $c, input: $i) { id } }";
    let stage = |status: &str, on: &str| json!({ "complaintNumber": 1, "status": status, "on": on, "note": "Disposición fiscal n.° 1" });
    let early = app
        .graphql_as(Some(&officer), update, json!({ "c": case_id, "i": stage("PRELIMINARY_INQUIRY", "2026-07-01") }))
        .await;
    assert_eq!(early["errors"][0]["extensions"]["field"], "input.on", "{early}");
    let unknown = app
        .graphql_as(
            Some(&officer),
            update,
            json!({ "c": case_id, "i": { "complaintNumber": 2, "status": "TRIAL", "on": "2026-08-03" } }),
        )
        .await;
    assert_eq!(unknown["errors"][0]["extensions"]["field"], "input.complaintNumber", "{unknown}");
    ok(app
        .graphql_as(Some(&officer), update, json!({ "c": case_id, "i": stage("PRELIMINARY_INQUIRY", "2026-07-28") }))
        .await);

    let complaints = "query($id: ID!) { case(id: $id) { complaints { number filedOn office fileNumber status statusLabel statusOn stages { status on note } } } }";
    let read = ok(app.graphql_as(Some(&officer), complaints, json!({ "id": case_id })).await);
    assert_eq!(
        read["case"]["complaints"],
        json!([{
            "number": 1, "filedOn": "2026-07-20",
            "office": "Segunda Fiscalía Supraprovincial Especializada en Derechos Humanos", "fileNumber": "CF 2506014500-2026-311-0",
            "status": "PRELIMINARY_INQUIRY", "statusLabel": "Diligencias preliminares", "statusOn": "2026-07-28",
            "stages": [{ "status": "PRELIMINARY_INQUIRY", "on": "2026-07-28", "note": "Disposición fiscal n.° 1" }]
        }])
    );
    // Reading them is a sensitive read on the trail; sealed at rest.
    let trail = app.db.audit_trail(case_id.parse().unwrap()).await.unwrap();
    let read = |e: &&db::AuditEntry| e.action == AuditAction::SensitiveRead;
    assert!(trail.iter().filter(read).any(|e| e.fields.as_deref().is_some_and(|f| f.contains("complaints"))));
    let stored = crate::confidentiality::raw_storage(&app.db).await;
    assert!(
        !crate::confidentiality::contains(&stored, "Supraprovincial Especializada"),
        "the office is sealed at rest"
    );

    // Archived, the case's complaint is still followed to its end.
    let lift = "mutation($m: ID!) { liftMeasure(measureId: $m, act: { number: \"RD 090-2026\", date: \"2026-08-03\" }, reason: \"Cesó\") { id } }";
    let measures = ok(app.graphql_as(Some(&officer), DEADLINES, json!({ "id": case_id })).await);
    ok(app.graphql_as(Some(&officer), lift, json!({ "m": measures["case"]["measures"][0]["id"] })).await);
    let archive = "mutation($c: ID!) { archiveCase(caseId: $c, reason: CONCLUDED) { status } }";
    ok(app.graphql_as(Some(&officer), archive, json!({ "c": case_id })).await);
    ok(app.graphql_as(Some(&officer), update, json!({ "c": case_id, "i": stage("DISMISSED", "2026-08-03") })).await);
    let refused = app.graphql_as(Some(&officer), record, json!({ "c": case_id, "i": filing("2026-08-03") })).await;
    assert_eq!(code(&refused), "INVALID_TRANSITION", "no new complaint on an archived case");

    // The registry: one request of July with a complaint, now dismissed.
    assert_eq!(july_table(&app, "denuncias").await, counted(&[("CUALQUIERA", 1.0), ("DISMISSED", 1.0)]));
}

async fn the_officer_verifies_what_the_sector_reports_under_the_plans_goal(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let mininter = app.staff(Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")).await;
    let (case_id, _, _) = granted(&app, &officer, json!([{ "measureType": "POLICE_PROTECTION" }])).await;
    let goal = "mutation($c: ID!, $g: String!) { setProtectionPlanGoal(caseId: $c, goal: $g) { protectionPlan { goal setOn } } }";
    let set = ok(app
        .graphql_as(Some(&officer), goal, json!({ "c": case_id, "g": "Que la lideresa pueda seguir en su comunidad." }))
        .await);
    assert_eq!(
        set["setProtectionPlanGoal"]["protectionPlan"],
        json!({ "goal": "Que la lideresa pueda seguir en su comunidad.", "setOn": "2026-08-03" })
    );
    let sector_goal = app.graphql_as(Some(&mininter), goal, json!({ "c": case_id, "g": "Otro" })).await;
    assert_eq!(code(&sector_goal), "FORBIDDEN");

    let police = case(&app, &officer, &case_id).await["measures"][0]["id"].as_str().unwrap().to_owned();
    ok(on_measure(&app, &officer, &police, "notifyMeasure(measureId: $m) { status }").await);
    app.set_today("2026-08-04");
    ok(on_measure(
        &app,
        &mininter,
        &police,
        "reportMeasureImplemented(measureId: $m, report: \"Patrullaje diario\") { status }",
    )
    .await);

    // The sector's report opens the officer's verification: 10 working days.
    let verification = deadline(&case(&app, &officer, &case_id).await, "MEASURE_VERIFICATION", Some(1));
    assert_eq!(
        (&verification["start"], &verification["due"], &verification["workingDays"]),
        (&json!("2026-08-04"), &json!("2026-08-19"), &json!(10)),
        "6 August is a holiday"
    );
    let verify = |verified: bool| {
        format!(
            "verifyMeasure(measureId: $m, verified: {verified}, note: \"Llamada a la lideresa\") {{ status verifiedOn }}"
        )
    };
    assert_eq!(
        code(&on_measure(&app, &mininter, &police, &verify(true)).await),
        "FORBIDDEN",
        "a sector does not verify itself"
    );

    // The lideresa says no patrol came: back to the sector, told, its
    // implementation deadline running again.
    app.set_today("2026-08-05");
    let failed = ok(on_measure(&app, &officer, &police, &verify(false)).await);
    assert_eq!(failed["verifyMeasure"], json!({ "status": "ACKNOWLEDGED", "verifiedOn": null }));
    let again = case(&app, &officer, &case_id).await;
    assert_eq!(deadline(&again, "MEASURE_VERIFICATION", Some(1))["status"], "MET");
    let implementation = deadline(&again, "MEASURE_IMPLEMENTATION", Some(1));
    assert_eq!((&implementation["start"], &implementation["status"]), (&json!("2026-08-05"), &json!("OPEN")));
    assert_eq!(
        told(&app, &case_id, "MEASURE_VERIFICATION_FAILED").await,
        [("SECTOR_COORDINATORS".to_owned(), Some("MININTER".to_owned()))]
    );

    // Carried out at last, and verified.
    app.set_today("2026-08-07");
    ok(on_measure(
        &app,
        &mininter,
        &police,
        "reportMeasureImplemented(measureId: $m, report: \"Patrullaje desde hoy\") { status }",
    )
    .await);
    app.set_today("2026-08-10");
    let verified = ok(on_measure(&app, &officer, &police, &verify(true)).await);
    assert_eq!(verified["verifyMeasure"], json!({ "status": "IMPLEMENTED", "verifiedOn": "2026-08-10" }));
    let desk = app.graphql_as(Some(&mininter), "{ measures { nodes { verifiedOn } } }", json!({})).await;
    assert_eq!(desk["data"]["measures"]["nodes"][0]["verifiedOn"], "2026-08-10", "the sector sees it verified: {desk}");

    // The registry counts it among those implemented and verified.
    let supervisor = app.staff(Role::Supervisor, "supervisora@dgdh.gob.pe", None).await;
    let statistics = "{ statistics(from: \"2026-07-01\", to: \"2026-07-31\") { tables { id columns { id } rows { code values { value } } } } }";
    let report = ok(app.graphql_as(Some(&supervisor), statistics, json!({})).await);
    let table = report["statistics"]["tables"].as_array().unwrap().iter().find(|t| t["id"] == "medidas").unwrap();
    let columns: Vec<&str> = table["columns"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    let verified_column = columns.iter().position(|c| *c == "verificadas").unwrap();
    let total = table["rows"].as_array().unwrap().iter().find(|r| r["code"] == "TOTAL").unwrap();
    assert_eq!(total["values"][verified_column]["value"], json!(1.0), "{table}");
}

async fn measures_granted_before_reviews_existed_get_theirs_from_the_worker(db: Database) {
    use crate::fixtures::{admit, assess, at, fresh_keys, request, resolution};
    use sea_orm::ConnectionTrait;
    let officer = db::Actor { user_id: Some(uuid::Uuid::new_v4()), role: Role::Officer, request_id: None };
    let filed = |db: Database| async move {
        let channel = domain::categories::Channel::Web;
        db.submit_request(&request(), channel, &fresh_keys(), at("2026-07-13"), &db::Actor::public(None))
            .await
            .unwrap()
            .id
    };
    let (granted, lifted) = (filed(db.clone()).await, filed(db.clone()).await);
    for id in [granted, lifted] {
        for command in [
            domain::workflow::Command::StartReview,
            admit(),
            assess(domain::workflow::Track::Ordinary),
            resolution("2026-07-20", &[("LEGAL_AID", "MINJUSDH")]),
        ] {
            db.apply(id, command, at("2026-07-20"), &officer).await.unwrap();
        }
    }
    let lift = domain::workflow::Command::LiftMeasure {
        measure: domain::workflow::MeasureNo(1),
        act: domain::workflow::ActReference {
            number: crate::fixtures::text("RD 9"),
            date: crate::fixtures::date("2026-07-21"),
        },
        reason: crate::fixtures::text("Ya no la necesita."),
    };
    db.apply(lifted, lift, at("2026-07-21"), &officer).await.unwrap();
    // As a database from before reviews holds them: no review deadlines.
    let conn = db.connection();
    conn.execute_unprepared(
        "DELETE FROM deadline_changes WHERE deadline_id IN (SELECT id FROM deadlines WHERE kind = 'MEASURE_REVIEW')",
    )
    .await
    .unwrap();
    conn.execute_unprepared("DELETE FROM deadlines WHERE kind = 'MEASURE_REVIEW'").await.unwrap();

    assert_eq!(db.schedule_missing_reviews(at("2026-08-03")).await.unwrap(), 1, "the lifted measure needs none");
    let file = db.case_file(granted).await.unwrap();
    let key = domain::deadline::DeadlineKey::measure(
        domain::deadline::DeadlineKind::MeasureReview,
        domain::workflow::MeasureNo(1),
    );
    let review = file.case.deadline(key).unwrap();
    assert_eq!((review.start, review.rule.amount), (crate::fixtures::date("2026-07-20"), 120), "from the resolution");
    let trail = db.audit_trail(granted).await.unwrap();
    assert_eq!(trail.last().unwrap().action, AuditAction::ReviewsScheduled);
    assert_eq!(trail.last().unwrap().actor_role, Role::System);
    assert_eq!(db.schedule_missing_reviews(at("2026-08-04")).await.unwrap(), 0, "nothing left to do");
    assert!(db.case_file(lifted).await.unwrap().case.deadline(key).is_none());
}
