//! The registry of risk situations: a seeded April whose figures are known
//! in advance, read exactly by supervisors and with small counts hidden
//! for officers; coordinators get their sector's; the same figures as CSV
//! and JSON downloads and from the CLI; the anonymised export; and the
//! statements a report costs at 10⁵ requests.

use db::{Actor, Database};
use domain::categories::{AggressionType, Channel, DefenderCategory, Gender, Language};
use domain::request::{BeneficiaryInput, Request};
use domain::roles::Role;
use domain::text::Text;
use domain::workflow::{AdmissibilityDecision, AdmissibilityEvaluation, Command, Criterion, CriterionCheck, Track};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::fixtures::{admit, assess, at, fresh_keys, leader_in_ucayali, resolution};
use crate::support::on_both_databases;

on_both_databases!(
    a_known_april_reads_exactly_for_supervisors,
    officers_see_small_counts_hidden_and_their_partners_withheld,
    coordinators_get_their_sectors_figures_and_files_download,
    the_cli_prints_the_same_report,
    a_report_costs_the_same_statements_at_a_hundred_thousand_requests,
);

const STATISTICS: &str = "query($from: Date!, $to: Date!, $filter: StatisticsFilterInput) {
  statistics(from: $from, to: $to, filter: $filter) {
    threshold received { display } admitted { display } activated { display }
    notAdmitted { display } referred { display } pending { display }
    tables { id rows { groupCode code label values { value display suppressed } } }
  } }";

fn request_in(ubigeo: &str, category: DefenderCategory, aggressions: &[AggressionType], collective: bool) -> Request {
    let mut input = leader_in_ucayali();
    input.place.ubigeo = ubigeo.into();
    input.place.detail = None;
    input.defender_category = Some(category);
    input.aggression_types = aggressions.to_vec();
    if !collective {
        input.beneficiaries =
            vec![BeneficiaryInput { name: "Periodista".into(), gender: Some(Gender::Male), ..Default::default() }];
        input.language = Some(Language::Spanish);
        input.interpreter_needed = false;
    }
    Request::parse(input).unwrap()
}

fn evaluation(decision: AdmissibilityDecision) -> Command {
    let checks = Criterion::ALL
        .iter()
        .map(|c| CriterionCheck {
            criterion: *c,
            met: !matches!(c, Criterion::Consent | Criterion::FactsRelated),
            note: Some(Text::parse("Sin datos suficientes.").unwrap()),
        })
        .collect();
    Command::EvaluateAdmissibility(AdmissibilityEvaluation::new(checks, decision).unwrap())
}

/// April 2026: Ucayali 6 requests (4 activated with police patrols, 1
/// admitted only, 1 pending), Lima 5 journalists (3 not admitted failing
/// consent and facts, 2 referred), Cusco 1 activated; and one Ucayali
/// request in May, outside the period.
async fn seed_april(db: &Database) {
    let officer = Actor { user_id: None, role: Role::Officer, request_id: None };
    let indigenous = [AggressionType::Threat, AggressionType::Harassment];
    let file = |request: Request, on: &'static str| {
        let db = db.clone();
        async move {
            db.submit_request(&request, Channel::Web, &fresh_keys(), at(on), &Actor::public(None)).await.unwrap().id
        }
    };
    let activate = [
        (Command::StartReview, "2026-04-06"),
        (admit(), "2026-04-06"),
        (assess(Track::Urgent), "2026-04-08"),
        (resolution("2026-04-13", &[("POLICE_PATROLS", "MININTER")]), "2026-04-13"),
    ];
    for n in 0..6 {
        let id = file(request_in("250101", DefenderCategory::Indigenous, &indigenous, true), "2026-04-06").await;
        let steps = match n {
            0..=3 => &activate[..],
            4 => &activate[..2],
            _ => &[],
        };
        for (command, on) in steps {
            db.apply(id, command.clone(), at(on), &officer).await.unwrap();
        }
    }
    for n in 0..5 {
        let id = file(
            request_in("150101", DefenderCategory::Journalist, &[AggressionType::Stigmatisation], false),
            "2026-04-07",
        )
        .await;
        let decision = if n < 3 {
            AdmissibilityDecision::NotAdmit { reasons: Text::parse("No consta el consentimiento.").unwrap() }
        } else {
            AdmissibilityDecision::Refer {
                entity: Text::parse("Defensoría del Pueblo").unwrap(),
                reasons: Text::parse("Competencia de otra entidad.").unwrap(),
            }
        };
        for command in [Command::StartReview, evaluation(decision)] {
            db.apply(id, command, at("2026-04-08"), &officer).await.unwrap();
        }
    }
    let id =
        file(request_in("080101", DefenderCategory::Indigenous, &[AggressionType::Threat], true), "2026-04-06").await;
    for (command, on) in &activate {
        db.apply(id, command.clone(), at(on), &officer).await.unwrap();
    }
    file(request_in("250101", DefenderCategory::Indigenous, &indigenous, true), "2026-05-04").await;
}

async fn statistics(app: &TestApp, token: &str, filter: Value) -> Value {
    let body = app
        .graphql_as(Some(token), STATISTICS, json!({ "from": "2026-04-01", "to": "2026-04-30", "filter": filter }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["statistics"].clone()
}

/// The displays of a row of a table.
fn row(report: &Value, table: &str, code: &str) -> Vec<String> {
    row_in_group(report, table, None, code)
}

fn row_in_group(report: &Value, table: &str, group: Option<&str>, code: &str) -> Vec<String> {
    let table =
        report["tables"].as_array().unwrap().iter().find(|t| t["id"] == table).unwrap_or_else(|| panic!("{table}"));
    let row = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code && group.is_none_or(|g| r["groupCode"] == g))
        .unwrap_or_else(|| panic!("{code} in {table}"));
    row["values"].as_array().unwrap().iter().map(|v| v["display"].as_str().unwrap().to_owned()).collect()
}

async fn a_known_april_reads_exactly_for_supervisors(db: Database) {
    seed_april(&db).await;
    let app = TestApp::spawn(db).await;
    app.set_today("2026-04-30");
    let supervisor = app.staff(Role::Supervisor, "supervisora@dgdh.gob.pe", None).await;
    let report = statistics(&app, &supervisor, json!({})).await;
    assert!(report["threshold"].is_null(), "supervisors see exact figures");
    let summary: Vec<&str> = ["received", "admitted", "activated", "notAdmitted", "referred", "pending"]
        .iter()
        .map(|k| report[k]["display"].as_str().unwrap())
        .collect();
    assert_eq!(summary, ["12", "6", "5", "3", "2", "1"]);
    // The §5 report: by department, and activated requests' aggression types.
    assert_eq!(row(&report, "departamentos", "25"), ["6", "5", "4"]);
    assert_eq!(row(&report, "departamentos", "15"), ["5", "0", "0"]);
    assert_eq!(row(&report, "departamentos", "08"), ["1", "1", "1"]);
    assert_eq!(row_in_group(&report, "agresiones_por_departamento", Some("25"), "THREAT"), ["6", "4"]);
    assert_eq!(row_in_group(&report, "agresiones_por_departamento", Some("08"), "THREAT"), ["1", "1"]);
    assert_eq!(row(&report, "tipos_de_agresion", "THREAT"), ["7", "5"]);
    assert_eq!(row(&report, "tipos_de_agresion", "STIGMATISATION"), ["5", "0"]);
    assert_eq!(row_in_group(&report, "provincias", Some("25"), "2501"), ["6"]);
    assert_eq!(row(&report, "criterios_no_cumplidos", "CONSENT"), ["3"]);
    assert_eq!(row(&report, "criterios_no_cumplidos", "IS_DEFENDER"), ["0"]);
    assert_eq!(row(&report, "categorias", "INDIGENOUS"), ["7"]);
    assert_eq!(row(&report, "individual_colectiva", "COLECTIVA"), ["7"]);
    assert_eq!(row(&report, "genero", "FEMALE"), ["7"]);
    assert_eq!(row(&report, "genero", "MALE"), ["5"]);
    assert_eq!(row(&report, "lenguas", "SPANISH"), ["5"]);
    assert_eq!(row(&report, "canales", "WEB"), ["12"]);
    assert_eq!(row(&report, "vias", "URGENT"), ["5"]);
    assert_eq!(row(&report, "meses", "2026-04"), ["12"]);
    // Granted, implemented, in progress, not feasible, lifted, verified.
    assert_eq!(row_in_group(&report, "medidas", Some("MININTER"), "POLICE_PATROLS"), ["5", "0", "5", "0", "0", "0"]);
    // Five decisions met on time, each 5 working days after admission
    // (7 → 13 April); the one admitted without a resolution still runs.
    assert_eq!(row(&report, "plazos", "DECISION"), ["6", "5", "0", "1", "0", "0", "0"]);
    assert_eq!(row(&report, "duraciones", "DECISION"), ["5", "5"]);
    // Filters: the department, and the period.
    let ucayali = statistics(&app, &supervisor, json!({ "department": "25" })).await;
    assert_eq!(ucayali["received"]["display"], "6");
    let may = app
        .graphql_as(Some(&supervisor), STATISTICS, json!({ "from": "2026-05-01", "to": "2026-05-31", "filter": {} }))
        .await;
    assert_eq!(may["data"]["statistics"]["received"]["display"], "1");
    let backwards = app
        .graphql_as(Some(&supervisor), STATISTICS, json!({ "from": "2026-05-01", "to": "2026-04-01", "filter": {} }))
        .await;
    assert_eq!(backwards["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(backwards["errors"][0]["extensions"]["field"], "to");
}

async fn officers_see_small_counts_hidden_and_their_partners_withheld(db: Database) {
    seed_april(&db).await;
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let report = statistics(&app, &officer, json!({})).await;
    assert_eq!(report["threshold"], 3);
    assert_eq!(report["received"]["display"], "12");
    assert_eq!(report["admitted"]["display"], "6");
    assert_eq!(report["notAdmitted"]["display"], "3");
    assert_eq!(report["referred"]["display"], "< 3");
    assert_eq!(report["pending"]["display"], "< 3");
    // Only one admitted request was not activated: showing 6 admitted and
    // 5 activated would give it away, so "activated" is withheld.
    assert_eq!(report["activated"]["display"], "reservado");
    assert_eq!(row(&report, "departamentos", "08"), ["< 3", "< 3", "< 3"]);
    assert!(
        row(&report, "departamentos", "15")[0] == "reservado" || row(&report, "departamentos", "25")[0] == "reservado"
    );
    // Nothing visible is small, anywhere.
    for table in report["tables"].as_array().unwrap() {
        for r in table["rows"].as_array().unwrap() {
            for value in r["values"].as_array().unwrap() {
                if let Some(n) = value["value"].as_f64() {
                    assert!(n == 0.0 || n >= 3.0 || table["id"] == "duraciones", "{} {}: {n}", table["id"], r["code"]);
                }
            }
        }
    }
}

async fn coordinators_get_their_sectors_figures_and_files_download(db: Database) {
    seed_april(&db).await;
    let app = TestApp::spawn(db).await;
    let coordinator = app.staff(Role::Coordinator, "coordinador@mininter.gob.pe", Some("MININTER")).await;
    let auditor = app.staff(Role::Auditor, "auditor@dgdh.gob.pe", None).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    // Whatever sector they ask for, coordinators count their own.
    let report = statistics(&app, &coordinator, json!({ "sector": "MINJUSDH" })).await;
    assert_eq!(report["received"]["display"], "5");
    let refused = app.graphql_as(Some(&admin), STATISTICS, json!({ "from": "2026-04-01", "to": "2026-04-30" })).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");

    let download = |path: &str, token: Option<&str>| {
        let mut request = app.get(path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let csv = download("/reports/statistics.csv?from=2026-04-01&to=2026-04-30", Some(&auditor)).await.unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers()["content-disposition"],
        "attachment; filename=\"resguardo-estadisticas-2026-04-01-2026-04-30.csv\""
    );
    assert_eq!(csv.headers()["cache-control"], "no-store");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("tabla,titulo,codigo_grupo,grupo,codigo,etiqueta,indicador,valor\r\n"), "{text}");
    assert!(text.contains("departamentos,Solicitudes por departamento,,,25,Ucayali,recibidas,6\r\n"), "{text}");
    let json = download("/reports/statistics.json?from=2026-04-01&to=2026-04-30&department=08", Some(&coordinator))
        .await
        .unwrap();
    assert!(json.headers()["content-disposition"].to_str().unwrap().ends_with(".json\""));
    // The report as the schema has it (`statistics { tables { rows { values } } }`).
    let json: Value = json.json().await.unwrap();
    assert_eq!(json["threshold"], 3);
    let first = &json["tables"][0]["rows"][0]["values"][0];
    assert_eq!((&first["suppressed"], &first["display"]), (&json!(true), &json!("< 3")), "{json}");
    let cases = download("/reports/cases.csv?from=2026-04-01&to=2026-04-30", Some(&auditor)).await.unwrap();
    let cases = cases.text().await.unwrap();
    assert_eq!(cases.lines().count(), 13, "{cases}");
    assert!(!cases.contains("2026-04-0"), "months only");
    assert!(cases.lines().any(|l| l.starts_with("2026-04,25,INDIGENOUS,SHIPIBO_KONIBO,SI,2-5,")), "{cases}");
    assert!(cases.lines().any(|l| l.starts_with("*,*,")), "the lone Cusco request is generalised: {cases}");
    for (path, token, status) in [
        ("/reports/cases.csv?from=2026-04-01&to=2026-04-30", Some(coordinator.as_str()), 403),
        ("/reports/statistics.csv?from=2026-04-01&to=2026-04-30", None, 401),
        ("/reports/statistics.csv?from=2026-04-01", Some(auditor.as_str()), 400),
        ("/reports/statistics.csv?from=2026-04-01&to=2026-04-30&track=FAST", Some(auditor.as_str()), 400),
    ] {
        assert_eq!(download(path, token).await.unwrap().status(), status, "{path}");
    }
}

async fn the_cli_prints_the_same_report(db: Database) {
    seed_april(&db).await;
    let config = server::config::Config::default();
    let args = |extra: &[&str]| {
        let mut argv = vec!["report", "--from", "2026-04-01", "--to", "2026-04-30"];
        argv.extend_from_slice(extra);
        <ReportCli as clap::Parser>::parse_from(argv).args
    };
    let today = crate::fixtures::date("2026-04-30");
    let csv = server::report::render(&config, &db, &args(&[]), today).await.unwrap();
    assert!(csv.contains("resumen,Resumen,,,DERIVADAS,Derivadas a otra entidad,solicitudes,< 3\r\n"), "{csv}");
    let exact = server::report::render(&config, &db, &args(&["--exact", "--format", "json"]), today).await.unwrap();
    let exact: Value = serde_json::from_str(&exact).unwrap();
    assert!(exact["threshold"].is_null());
    let cases = server::report::render(&config, &db, &args(&["--cases", "--department", "15"]), today).await.unwrap();
    assert_eq!(cases.lines().count(), 6);
    let wrong = server::report::render(&config, &db, &args(&["--department", "99"]), today).await.unwrap_err();
    assert!(wrong.to_string().starts_with("--department"), "{wrong}");
}

#[derive(clap::Parser)]
struct ReportCli {
    #[command(flatten)]
    args: server::report::ReportArgs,
}

/// 10⁵ requests written in bulk (as the benchmark's generator will), with
/// aggression types, beneficiaries, a decision deadline each and a measure
/// for one in three.
async fn bulk_requests(db: &Database, count: usize) {
    let departments = ["25", "15", "08", "16", "10", "22", "01", "14", "13", "20"];
    let mut statements = Vec::new();
    for chunk in (0..count).collect::<Vec<_>>().chunks(1000) {
        let mut cases = Vec::new();
        let (mut aggressions, mut people, mut deadlines, mut measures) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for i in chunk {
            let id = uuid::Uuid::from_u128(0x5eed_0000_0000_0000_0000_0000_0000_0000 | *i as u128);
            let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new((*i % 365) as u64);
            let department = departments[i % departments.len()];
            let outcome = ["'ADMIT'", "'NOT_ADMIT'", "'REFER'", "NULL"][i % 4];
            cases.push(format!(
                "('{id}', 'AT-B-{i:07}', 'RECEIVED', 'WEB', '{department}', '{department}01', '{day}', '{day}T12:00:00Z', \
                 'INDIGENOUS', 'SPANISH', FALSE, 'GIVEN', FALSE, 1, 'ENC1.x', 1, '{day}T12:00:00Z', '{day}T12:00:00Z', \
                 '9999-12-31', {outcome})"
            ));
            aggressions.push(format!("('{id}', 'THREAT')"));
            people.push(format!("('{id}', 0, 'PERSON', NULL, 'FEMALE')"));
            let met = if i % 2 == 0 { format!("'MET', '{day}', TRUE") } else { "'OPEN', NULL, NULL".into() };
            deadlines.push(format!(
                "('{}', '{id}', 'DECISION', 'DECISION', NULL, 'ORDINARY', 30, 'WORKING_DAYS', 'ADMISSION', 'DGDH', \
                 '{day}', 0, '{day}', 1, 1, {met}, '{day}T12:00:00Z')",
                uuid::Uuid::from_u128(0xdead_0000_0000_0000_0000_0000_0000_0000 | *i as u128)
            ));
            if i % 3 == 0 {
                measures.push(format!(
                    "('{}', '{id}', 1, 'POLICE_PATROLS', 'MININTER', 'GRANTED', NULL, NULL, '{day}T12:00:00Z')",
                    uuid::Uuid::from_u128(0xbeef_0000_0000_0000_0000_0000_0000_0000 | *i as u128)
                ));
            }
        }
        statements.push(format!(
            "INSERT INTO cases (id, file_number, status, channel, department_code, province_code, received_on, received_at, \
             defender_category, language, interpreter_needed, consent_status, is_collective, beneficiary_count, \
             request_details, version, created_at, updated_at, next_due_on, admissibility_outcome) VALUES {}",
            cases.join(", ")
        ));
        statements.push(format!(
            "INSERT INTO case_aggression_types (case_id, aggression_type) VALUES {}",
            aggressions.join(", ")
        ));
        statements.push(format!(
            "INSERT INTO beneficiaries (case_id, position, kind, collective_kind, gender) VALUES {}",
            people.join(", ")
        ));
        statements.push(format!(
            "INSERT INTO deadlines (id, case_id, deadline_key, kind, measure_no, rule_track, rule_amount, rule_unit, \
             rule_start_event, rule_owner, start_on, suspended_working_days, due_on, version, calendar_version, status, \
             status_on, on_time, updated_at) VALUES {}",
            deadlines.join(", ")
        ));
        if !measures.is_empty() {
            statements.push(format!(
                "INSERT INTO measures (id, case_id, measure_no, measure_type_code, sector_code, status, notified_on, \
                 extended_until, updated_at) VALUES {}",
                measures.join(", ")
            ));
        }
    }
    for statement in statements {
        db.connection().execute_unprepared(&statement).await.unwrap();
    }
}

async fn a_report_costs_the_same_statements_at_a_hundred_thousand_requests(db: Database) {
    let count = 100_000;
    let started = std::time::Instant::now();
    bulk_requests(&db, count).await;
    let seeded = started.elapsed();
    let filter = domain::statistics::ReportFilter::checked(
        crate::fixtures::date("2025-01-01"),
        crate::fixtures::date("2025-12-31"),
        None,
        None,
        None,
        None,
    )
    .unwrap();
    let today = crate::fixtures::date("2026-01-15");
    // What a report costs on an empty period (the calendar cache warm)...
    let empty = domain::statistics::ReportFilter { from: today, to: today, ..filter.clone() };
    db.registry_report(&empty, today).await.unwrap();
    let before = db.statements_executed();
    db.registry_report(&empty, today).await.unwrap();
    let baseline = db.statements_executed() - before;
    // ...is what it costs on the whole year.
    let before = db.statements_executed();
    let started = std::time::Instant::now();
    let report = db.registry_report(&filter, today).await.unwrap();
    let took = started.elapsed();
    let statements = db.statements_executed() - before;
    let published = report.publish(None);
    let received = &published.tables[0].rows[0].figures[0];
    assert_eq!(*received, domain::statistics::Figure::Count(count as u64));
    assert_eq!(statements, baseline, "the statements a report costs do not grow with the requests");
    eprintln!(
        "statistics at {count} requests ({:?}): {statements} statements, {:.0} ms (seeded in {:.1} s)",
        db.backend(),
        took.as_secs_f64() * 1e3,
        seeded.as_secs_f64()
    );
}
