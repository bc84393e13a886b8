//! Intersectoral coordination meetings over real HTTP (issue 19, the
//! seed's §59–60), on both databases: an officer records a meeting whose
//! agreements give two sectors work on two cases; each sector sees the
//! meeting with only its own agreements and their cases, a sector that was
//! not there sees nothing; an agreement not carried out in time reminds its
//! sector's coordinator by e-mail through a real SMTP server, then goes
//! overdue to the supervisors too, and the registry counts it late.

use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::protection_cycle::granted;
use crate::reminders::{days, summary, worker};
use crate::smtp::SmtpServer;
use crate::support::on_both_databases;

on_both_databases!(an_agreement_runs_late_reminds_its_sector_and_stays_within_it);

const RECORD: &str = "mutation($i: MeetingInput!) {
    recordMeeting(input: $i) { id heldOn sectors caseCount cases { fileNumber } agreements { number sector } }
}";

const MEETINGS: &str = "{ meetings {
    heldOn sectors otherBodies caseCount cases { caseId fileNumber }
    agreements { caseId fileNumber number sector agreedOn doneOn text deadline { kind due status onTime } }
} }";

/// What the meeting agreed and who was there: words that must never reach
/// an e-mail.
const CANARIES: [&str; 2] = ["CANARIO-ACUERDO", "CANARIO-ORGANIZACION"];

const MININTER: &str = "coordinador@mininter.gob.pe";
const MINAM: &str = "coordinadora@minam.gob.pe";
const SUPERVISOR: &str = "supervisora@dgdh.gob.pe";
const OFFICER: &str = "oficial@dgdh.gob.pe";

fn ok(body: Value) -> Value {
    assert!(body["errors"].is_null(), "unexpected errors: {}", body["errors"]);
    body["data"].clone()
}

fn fields(body: &Value) -> Vec<String> {
    let errors = &body["errors"][0]["extensions"];
    match errors["fields"].as_array() {
        Some(problems) => problems.iter().map(|p| p["field"].as_str().unwrap().to_owned()).collect(),
        None => vec![errors["field"].as_str().unwrap_or_default().to_owned()],
    }
}

async fn an_agreement_runs_late_reminds_its_sector_and_stays_within_it(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, OFFICER, None).await;
    let supervisor = app.staff(Role::Supervisor, SUPERVISOR, None).await;
    let mininter = app.staff(Role::Coordinator, MININTER, Some("MININTER")).await;
    let minam = app.staff(Role::Coordinator, MINAM, Some("MINAM")).await;
    let absent = app.staff(Role::Coordinator, "coordinador@minjusdh.gob.pe", Some("MINJUSDH")).await;
    let legal_aid = json!([{ "measureType": "LEGAL_AID" }]);
    let (first, _, _) = granted(&app, &officer, legal_aid.clone()).await;
    let (second, _, _) = granted(&app, &officer, legal_aid).await;

    // Friday 7 August's meeting, recorded on Monday 10.
    app.set_today("2026-08-10");
    let agreement = |case: &str, sector: &str, text: &str, days: Option<i32>| json!({ "caseId": case, "sector": sector, "text": text, "workingDays": days });
    let meeting = |held_on: &str, agreements: Vec<Value>| {
        json!({ "i": {
            "heldOn": held_on,
            "sectors": ["MININTER", "MINAM"],
            "otherBodies": "Defensoría del Pueblo, CANARIO-ORGANIZACION",
            "cases": [second],
            "agreements": agreements,
        } })
    };
    // Every problem at once, and nothing written.
    let wrong = meeting(
        "2026-08-11",
        vec![agreement(&first, "MINJUSDH", "Asesoría legal", None), agreement(&second, "MINAM", "Visita", Some(0))],
    );
    let refused = app.graphql_as(Some(&officer), RECORD, wrong).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    assert_eq!(
        fields(&refused),
        ["input.heldOn", "input.agreements.0.sector", "input.agreements.1.workingDays"],
        "{refused}"
    );
    assert_eq!(ok(app.graphql_as(Some(&officer), MEETINGS, json!({})).await)["meetings"], json!([]));
    // An agreement on a closed case: the meeting is not recorded either,
    // and the refusal says which agreement.
    let closed = crate::console::admitted_case(&app, &officer).await;
    let archive = "mutation($c: ID!) { archiveCase(caseId: $c, reason: REQUEST_WITHDRAWN) { status } }";
    ok(app.graphql_as(Some(&officer), archive, json!({ "c": closed })).await);
    let on_closed = meeting(
        "2026-08-07",
        vec![agreement(&first, "MININTER", "Visita", None), agreement(&closed, "MINAM", "Visita", None)],
    );
    let refused = app.graphql_as(Some(&officer), RECORD, on_closed).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "INVALID_TRANSITION", "{refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().starts_with("acuerdo 2: "), "{refused}");
    assert_eq!(ok(app.graphql_as(Some(&officer), MEETINGS, json!({})).await)["meetings"], json!([]));
    let first_case = "query($c: ID!) { case(id: $c) { agreements { number } } }";
    let untouched = ok(app.graphql_as(Some(&officer), first_case, json!({ "c": first })).await);
    assert_eq!(untouched["case"]["agreements"], json!([]), "the first agreement was rolled back with the meeting");

    let agreements = vec![
        agreement(&first, "MININTER", "CANARIO-ACUERDO patrullaje semanal en la comunidad", Some(3)),
        agreement(&second, "MINAM", "Inspección del área deforestada", None),
    ];
    let recorded = ok(app.graphql_as(Some(&officer), RECORD, meeting("2026-08-07", agreements)).await);
    let recorded = &recorded["recordMeeting"];
    assert_eq!((&recorded["caseCount"], &recorded["sectors"]), (&json!(2), &json!(["MINAM", "MININTER"])));

    // The officer reads the whole meeting; each sector its own part.
    let everything = ok(app.graphql_as(Some(&officer), MEETINGS, json!({})).await)["meetings"][0].clone();
    assert_eq!(everything["cases"].as_array().unwrap().len(), 2);
    assert_eq!(everything["agreements"].as_array().unwrap().len(), 2);
    let interior = ok(app.graphql_as(Some(&mininter), MEETINGS, json!({})).await)["meetings"].clone();
    assert_eq!(interior.as_array().unwrap().len(), 1);
    let own = &interior[0];
    assert_eq!(own["caseCount"], 2, "how many cases were discussed is no secret");
    assert_eq!(own["cases"].as_array().unwrap().iter().map(|c| &c["caseId"]).collect::<Vec<_>>(), [&json!(first)]);
    let agreements = own["agreements"].as_array().unwrap();
    assert_eq!(agreements.len(), 1, "only MININTER's: {own}");
    let a = &agreements[0];
    assert_eq!((&a["caseId"], &a["number"], &a["sector"]), (&json!(first), &json!(1), &json!("MININTER")));
    assert!(a["text"].as_str().unwrap().contains("patrullaje"));
    // Three working days from Friday 7: Monday 10, Tuesday 11, Wednesday 12.
    assert_eq!(a["deadline"], json!({ "kind": "AGREEMENT", "due": "2026-08-12", "status": "OPEN", "onTime": null }));
    let environment = ok(app.graphql_as(Some(&minam), MEETINGS, json!({})).await)["meetings"][0].clone();
    assert_eq!(environment["agreements"].as_array().unwrap().len(), 1);
    assert_eq!(environment["agreements"][0]["caseId"], json!(second));
    assert_eq!(environment["agreements"][0]["deadline"]["due"], "2026-08-28", "the rule's 15 working days");
    assert!(!environment.to_string().contains(&first), "no trace of the other sector's case: {environment}");
    let elsewhere = ok(app.graphql_as(Some(&absent), MEETINGS, json!({})).await);
    assert_eq!(elsewhere["meetings"], json!([]), "a sector that was not there sees no meeting");
    let done = "mutation($c: ID!, $n: Int!) { reportAgreementDone(caseId: $c, agreementNumber: $n) { doneOn deadline { status onTime } } }";
    let foreign = app.graphql_as(Some(&minam), done, json!({ "c": first, "n": 1 })).await;
    assert_eq!(foreign["errors"][0]["extensions"]["code"], "FORBIDDEN", "{foreign}");

    // The sector's coordinator is told, reminded on the due day and, once
    // late, every working day with the supervisors; MINAM hears nothing of it.
    let Some(smtp) = SmtpServer::start() else { return };
    let worker = worker(&app.db, &smtp);
    let sent = days(&worker, &smtp, "2026-08-11", "2026-08-13").await;
    let on = |day: &str| sent.get(&day.parse().unwrap()).map(|m| summary(m)).unwrap_or_default();
    let to = |day: &str, who: &str| on(day).into_iter().filter(|(to, _)| to == who).map(|(_, s)| s).collect::<Vec<_>>();
    assert!(to("2026-08-11", MININTER).contains(&"Aviso".to_owned()), "{:?}", on("2026-08-11"));
    assert_eq!(to("2026-08-12", MININTER), ["Plazo que vence hoy"], "{:?}", on("2026-08-12"));
    assert_eq!(to("2026-08-13", MININTER), ["Plazo vencido"]);
    assert_eq!(to("2026-08-13", SUPERVISOR), ["Plazo vencido"]);
    let to_minam: Vec<String> =
        sent.values().flat_map(|m| summary(m)).filter(|(to, _)| to == MINAM).map(|(_, s)| s).collect();
    assert_eq!(to_minam, ["Aviso"], "MINAM is told of its own agreement only");
    for message in smtp.received() {
        for canary in CANARIES {
            assert!(!message.raw.contains(canary) && !message.text.contains(canary), "{canary} in {}", message.subject);
        }
    }

    // Reported done on Friday 14: met, late; the case's officer is told.
    app.set_today("2026-08-14");
    let reported = ok(app.graphql_as(Some(&mininter), done, json!({ "c": first, "n": 1 })).await);
    assert_eq!(
        reported["reportAgreementDone"],
        json!({ "doneOn": "2026-08-14", "deadline": { "status": "MET", "onTime": false } })
    );
    let again = app.graphql_as(Some(&mininter), done, json!({ "c": first, "n": 1 })).await;
    assert_eq!(again["errors"][0]["extensions"]["code"], "INVALID_TRANSITION", "{again}");
    let after = days(&worker, &smtp, "2026-08-17", "2026-08-17").await;
    let after: Vec<(String, String)> = after.values().flat_map(|m| summary(m)).collect();
    assert!(after.contains(&(OFFICER.to_owned(), "Aviso".to_owned())), "{after:?}");
    assert!(after.contains(&(MININTER.to_owned(), "Plazo cumplido o cancelado".to_owned())), "{after:?}");

    // The case page lists its agreements; the registry counts the late one.
    let case = "query($c: ID!) { case(id: $c) { agreements { number sector doneOn } } }";
    let page = ok(app.graphql_as(Some(&officer), case, json!({ "c": first })).await);
    assert_eq!(page["case"]["agreements"], json!([{ "number": 1, "sector": "MININTER", "doneOn": "2026-08-14" }]));
    let statistics = "{ statistics(from: \"2026-07-01\", to: \"2026-07-31\") {
        tables { id columns { id } rows { code values { value } } }
    } }";
    let report = ok(app.graphql_as(Some(&supervisor), statistics, json!({})).await);
    let deadlines = report["statistics"]["tables"].as_array().unwrap().iter().find(|t| t["id"] == "plazos").unwrap();
    let columns: Vec<&str> =
        deadlines["columns"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    let row = deadlines["rows"].as_array().unwrap().iter().find(|r| r["code"] == "AGREEMENT").unwrap();
    let value = |column: &str| row["values"][columns.iter().position(|c| *c == column).unwrap()]["value"].clone();
    assert_eq!(
        (value("total"), value("a_tiempo"), value("con_retraso"), value("en_curso")),
        (json!(2.0), json!(0.0), json!(1.0), json!(1.0))
    );
}
