//! `resguardo import` on both databases (issue 20): files with errors are
//! refused with every problem named and nothing written; ten thousand
//! valid rows import, their deadlines as they ran, with nothing sent for
//! the past; the same files again change nothing; a changed row is named;
//! `--skip-invalid` imports the rest and lists what it left out.

use db::{Actor, AuditFilter, Database};
use domain::historic::SourceFile;
use domain::roles::Role;
use serde_json::json;
use server::import::{ImportReport, Progress, Refusal, import};

use crate::app::TestApp;
use crate::fixtures::at;
use crate::support::on_both_databases;

on_both_databases!(historic_cases_import_once_with_their_deadlines_as_they_ran);

const REQUESTS: &str = "expediente_origen,fecha_recepcion,canal,ubigeo,lugar_detalle,categoria,agresiones,agresor,lengua,interprete,consentimiento,consentimiento_motivo,hechos,medidas_solicitadas,tercero_nombre,tercero_relacion,tercero_organizacion,correo,telefono,beneficiario_nombre,beneficiario_colectivo,beneficiario_documento_tipo,beneficiario_documento_numero,beneficiario_genero";
const DECISIONS: &str =
    "expediente_origen,fecha,acto,via,nivel_riesgo,numero_acto,tipo_medida,sector,medida,motivo,nota";

/// Counts what it is told, to check the bar reaches the end.
#[derive(Default)]
struct Counted(Vec<(usize, usize)>);

impl Progress for Counted {
    fn advance(&mut self, done: usize, total: usize) {
        self.0.push((done, total));
    }
}

/// `cases` requests received in April 2021, one row each; every one
/// admitted two working days later, every second assessed, every fourth
/// resolved (on time or, every eighth, late) and its measure notified.
fn files(cases: usize) -> (String, String) {
    let mut requests = vec![REQUESTS.to_owned()];
    let mut decisions = vec![DECISIONS.to_owned()];
    for n in 0..cases {
        let source = format!("DGDH-AT-2021-{n:05}");
        requests.push(format!(
            "{source},2021-04-05,Teléfono,250101,,INDIGENOUS,THREAT|HARASSMENT,ILLEGAL_LOGGING,SPANISH,no,,,\"Amenazas, hechos del caso {n}\",POLICE_PROTECTION,,,,,+51 999 111 222,Persona {n},,DNI,{:08},FEMALE",
            10_000_000 + n
        ));
        decisions.push(format!("{source},2021-04-07,ADMISION,,,,,,,,"));
        if n.is_multiple_of(2) {
            decisions.push(format!("{source},2021-04-08,EVALUACION_RIESGO,ORDINARY,HIGH,,,,,,"));
        }
        if n.is_multiple_of(4) {
            // 30 working days from Wednesday 7 April 2021: due Wednesday
            // 19 May; every eighth decided in June, late.
            let on = if n.is_multiple_of(8) { "2021-06-15" } else { "2021-05-10" };
            decisions.push(format!("{source},{on},RESOLUCION,,,RD {n}-2021-JUS/DGDH,POLICE_PROTECTION,MININTER,,,"));
            decisions.push(format!("{source},{on},NOTIFICACION,,,,,,1,,"));
        }
    }
    (requests.join("\n"), decisions.join("\r\n"))
}

async fn historic_cases_import_once_with_their_deadlines_as_they_ran(db: Database) {
    let imports = |db: Database, requests: String, decisions: String, skip: bool| async move {
        let mut progress = Counted::default();
        let done = import(&db, &requests, &decisions, skip, &Actor::system(), at("2026-07-13"), &mut progress).await;
        (done, progress.0)
    };

    // Files with errors: every problem named by file, line and column.
    let (requests, decisions) = files(3);
    let broken_requests = requests.replace("2021-04-05,Teléfono,250101", "2021-04-05,Paloma,259999");
    let broken_decisions = format!(
        "{decisions}\r\nDGDH-AT-2021-00001,2021-04-01,RESOLUCION,,,RD 9,POLICE_PROTECTION,MININTER,,,\r\nDGDH-AT-2099-1,2021-04-09,ADMISION,,,,,,,,"
    );
    let (refused, _) = imports(db.clone(), broken_requests, broken_decisions, false).await;
    let Err(Refusal::Problems(problems)) = refused else { panic!("refused: {refused:?}") };
    let named: Vec<String> = problems.iter().map(ToString::to_string).collect();
    // Each request's channel (lines 2–4), then the orphan act and the act
    // before the admission.
    assert_eq!(problems.iter().filter(|p| p.column == Some("canal")).count(), 3, "{named:#?}");
    assert!(problems.iter().any(|p| p.file == SourceFile::Decisions && p.column == Some("expediente_origen")));
    assert!(named.iter().all(|line| !line.contains("Paloma")), "no value repeated: {named:#?}");
    assert!(named[0].starts_with("solicitudes, línea 2, columna «canal»"), "{named:#?}");
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    assert_eq!(count(&app, &officer).await, 0, "nothing written");
    let (unplaced, _) = imports(
        db.clone(),
        files(1).0.replace(",250101,", ",259999,"),
        format!("{DECISIONS}\nDGDH-AT-2021-00000,2021-04-01,NOTIFICACION,,,,,,1,,"),
        false,
    )
    .await;
    let Err(Refusal::Problems(problems)) = unplaced else { panic!("{unplaced:?}") };
    assert_eq!(
        problems.iter().map(|p| (p.file, p.line, p.column)).collect::<Vec<_>>(),
        [(SourceFile::Requests, 2, Some("ubigeo"))],
        "a place INEI does not list; its acts are not tried"
    );

    // Ten thousand rows.
    let (requests, decisions) = files(10_000);
    let started = std::time::Instant::now();
    let (done, progress) = imports(db.clone(), requests.clone(), decisions.clone(), false).await;
    let report = done.unwrap_or_else(|e| panic!("{e:?}"));
    eprintln!("import: 10 000 cases in {:.1} s", started.elapsed().as_secs_f64());
    assert_eq!((report.imported, report.already_imported, report.skipped.len()), (10_000, 0, 0));
    assert_eq!(progress.first(), Some(&(0, 10_000)));
    assert_eq!(progress.last(), Some(&(10_000, 10_000)));
    assert_eq!(count(&app, &officer).await, 10_000);
    let audited = |db: Database| async move { db.count_audit_entries(&AuditFilter::default()).await.unwrap() };
    assert!(db.outbox_counts().await.unwrap().values().all(|n| *n == 0), "nothing sent for the past");

    // A case as it ran: received, admitted, assessed, resolved late.
    let late = app
        .graphql_as(
            Some(&officer),
            "{ cases(first: 1, filter: { fileNumber: \"AT-2021-000001\" }) { nodes {
                status receivedOn channel
                deadlines { kind due status onTime }
                measures { status sector }
                history { action occurredOn }
                request { beneficiaries { name documentNumber } place { ubigeo } }
            } } }",
            json!({}),
        )
        .await;
    let case = &late["data"]["cases"]["nodes"][0];
    assert_eq!(
        (&case["status"], &case["receivedOn"], &case["channel"]),
        (&json!("MEASURES_IN_IMPLEMENTATION"), &json!("2021-04-05"), &json!("PHONE")),
        "{late}"
    );
    let decision = case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "DECISION").unwrap();
    assert_eq!((&decision["status"], &decision["onTime"]), (&json!("MET"), &json!(false)), "decided in June: late");
    let actions: Vec<(&str, &str)> = case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["occurredOn"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("RECEIVED", "2021-04-05"),
            ("REVIEW_STARTED", "2021-04-07"),
            ("ADMISSIBILITY_EVALUATED", "2021-04-07"),
            ("RISK_ASSESSED", "2021-04-08"),
            ("RESOLUTION_ISSUED", "2021-06-15"),
            ("MEASURE_NOTIFIED", "2021-06-15"),
        ]
    );
    assert_eq!(case["request"]["beneficiaries"][0], json!({ "name": "Persona 0", "documentNumber": "10000000" }));

    // The same files again: nothing changes.
    let entries = audited(db.clone()).await;
    let (again, _) = imports(db.clone(), requests.clone(), decisions.clone(), false).await;
    let again: ImportReport = again.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((again.imported, again.already_imported), (0, 10_000));
    assert_eq!(count(&app, &officer).await, 10_000);
    assert_eq!(audited(db.clone()).await, entries, "not even an audit entry");

    // A row changed since: named; with --skip-invalid, the others go in.
    let changed = requests.replace("Persona 7,", "Persona siete,")
        + "\nDGDH-AT-2021-99999,2021-04-06,WEB,15,,JOURNALIST,THREAT,,SPANISH,,,,Amenazas,,,,,,+51 999 000 111,Periodista,,,,";
    let (refused, _) = imports(db.clone(), changed.clone(), decisions.clone(), false).await;
    let Err(Refusal::Problems(problems)) = refused else { panic!("{refused:?}") };
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].line, problems[0].column), (9, Some("expediente_origen")), "{}", problems[0]);
    let (skipped, _) = imports(db.clone(), changed, decisions, true).await;
    let skipped = skipped.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((skipped.imported, skipped.already_imported), (1, 9_999));
    assert_eq!(skipped.skipped.keys().collect::<Vec<_>>(), ["DGDH-AT-2021-00007"]);
    assert_eq!(count(&app, &officer).await, 10_001);
    let import_runs = db
        .audit_entries(&AuditFilter::default(), None, 100_000)
        .await
        .unwrap()
        .0
        .iter()
        .filter(|e| e.action == domain::workflow::AuditAction::CasesImported)
        .count();
    assert_eq!(import_runs, 2, "each import that wrote something is audited");
    assert!(db.verify_audit_chain().await.unwrap().broken.is_none());
}

/// How many cases an officer's list counts.
async fn count(app: &TestApp, officer: &str) -> u64 {
    let body = app.graphql_as(Some(officer), "{ cases(first: 1) { totalCount } }", json!({})).await;
    body["data"]["cases"]["totalCount"].as_u64().unwrap()
}
