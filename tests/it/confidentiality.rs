//! Proof that personal data stays where it belongs: canary strings planted
//! through every intake and update path never appear in the logs, the
//! e-mails, the error responses, or the raw database (the SQLite file and
//! its journal; a `pg_dump` of the PostgreSQL database). The tamper suite:
//! altered or moved ciphertexts, and edited, deleted or reordered audit
//! entries, are all detected. Key rotation keeps everything readable.

use std::sync::Arc;

use db::crypto::{Key, Keyring};
use db::{Actor, Backend, Database};
use domain::categories::Channel;
use domain::roles::Role;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::fixtures::{at, fresh_keys, request};
use crate::support::{captured_logs, on_both_databases};

on_both_databases!(
    canaries_never_leave_their_place,
    tampering_is_always_detected,
    a_list_opens_only_the_requests_it_shows,
    rotated_keys_keep_everything_readable,
    a_key_file_rotated_while_serving_is_followed
);

/// A canary for one field, unique to this run.
fn canary(run: &str, field: &str) -> String {
    format!("KANARI{run}{field}")
}

fn ok(body: Value) -> Value {
    assert!(body["errors"].is_null(), "unexpected errors: {}", body["errors"]);
    body["data"].clone()
}

/// Everything the database holds, as an attacker with the disk (SQLite) or
/// a dump (PostgreSQL) would see it.
pub(crate) async fn raw_storage(db: &Database) -> Vec<u8> {
    let conn = db.connection();
    match db.backend() {
        Backend::Sqlite => {
            let row = conn
                .query_one_raw(Statement::from_string(
                    conn.get_database_backend(),
                    "SELECT file FROM pragma_database_list WHERE name = 'main'",
                ))
                .await
                .unwrap()
                .unwrap();
            let file: String = row.try_get("", "file").unwrap();
            let mut bytes = Vec::new();
            for suffix in ["", "-wal", "-shm"] {
                if let Ok(content) = std::fs::read(format!("{file}{suffix}")) {
                    bytes.extend(content);
                }
            }
            bytes
        }
        Backend::Postgres => {
            let row = conn
                .query_one_raw(Statement::from_string(conn.get_database_backend(), "SELECT current_database() AS name"))
                .await
                .unwrap()
                .unwrap();
            let name: String = row.try_get("", "name").unwrap();
            let server = std::env::var("TEST_DATABASE_URL").unwrap();
            let base = server.rsplit_once('/').map_or(server.as_str(), |(base, _)| base);
            let output = std::process::Command::new("pg_dump")
                .args(["--data-only", &format!("{base}/{name}")])
                .output()
                .unwrap();
            assert!(output.status.success(), "pg_dump failed: {}", String::from_utf8_lossy(&output.stderr));
            output.stdout
        }
    }
}

pub(crate) fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

async fn canaries_never_leave_their_place(db: Database) {
    let run: String = uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase();
    let c = |field: &str| canary(&run, field);
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let coordinator = app.staff(Role::Coordinator, "coordinador@mininter.gob.pe", Some("MININTER")).await;
    app.set_today("2026-07-13");
    let mut planted = Vec::new();
    let mut plant = |field: &str| {
        let value = c(field);
        planted.push(value.clone());
        value
    };

    // Intake: every free-text field of the request.
    let input = json!({
        "idempotencyKey": format!("canaries-{run}-one"),
        "thirdParty": { "name": plant("TERCERO"), "relationship": "FAMILY", "relationshipDetail": plant("RELACION"), "organisation": plant("ORG") },
        "contact": { "email": format!("{}@example.pe", plant("CORREO").to_lowercase()), "phone": "+51 999 111 222", "instructions": plant("INSTRUCCIONES") },
        "beneficiaries": [
            { "name": plant("NOMBRE"), "documentKind": "DNI", "documentNumber": plant("DNI"), "gender": "FEMALE", "ethnicity": plant("ETNIA"), "health": plant("SALUD") },
            { "name": plant("COMUNIDAD"), "collective": "INDIGENOUS_COMMUNITY" }
        ],
        "place": { "ubigeo": "250101", "detail": plant("LUGAR") },
        "defenderCategory": "INDIGENOUS", "defenderCategoryDetail": plant("CATEGORIA"),
        "aggressionTypes": ["THREAT"], "aggressorType": "ILLEGAL_LOGGING",
        "language": "OTHER", "languageDetail": plant("LENGUA"), "interpreterNeeded": true,
        "consent": { "status": "GIVEN" },
        "facts": plant("HECHOS"),
        "evidence": [{ "description": plant("PRUEBA"), "reference": plant("REFERENCIA") }],
        "requestedMeasures": [{ "description": plant("MEDIDA") }]
    });
    let filed = ok(app
        .graphql(
            "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey } }",
            json!({ "i": input }),
        )
        .await);
    let (file, key) = (
        filed["submitRequest"]["fileNumber"].as_str().unwrap().to_owned(),
        filed["submitRequest"]["accessKey"].as_str().unwrap().to_owned(),
    );
    let case = db.find_case_by_file_number(&file).await.unwrap().to_string();

    // Every update path with free text.
    let note = plant("NOTA");
    let criteria: Vec<Value> = [
        "PERSON_IDENTIFIED_AND_LOCATED",
        "CONSENT",
        "FACTS_RELATED",
        "MEASURE_INDICATED",
        "IS_DEFENDER",
        "RISK_LINKED_TO_DEFENCE",
    ]
    .iter()
    .map(|criterion| {
        if *criterion == "CONSENT" {
            json!({ "criterion": criterion, "met": false, "note": note })
        } else {
            json!({ "criterion": criterion, "met": true })
        }
    })
    .collect();
    let steps: Vec<(String, Value)> = vec![
        ("mutation($c: ID!) { startReview(caseId: $c) { status } }".into(), json!({ "c": case })),
        (
            "mutation($c: ID!, $q: String!) { requestInformation(caseId: $c, question: $q) { status } }".into(),
            json!({ "c": case, "q": plant("PREGUNTA") }),
        ),
    ];
    for (query, variables) in steps {
        ok(app.graphql_as(Some(&officer), &query, variables).await);
    }
    let requester = [(
        "mutation($f: String!, $k: String!, $a: String!) { answerInformationRequest(fileNumber: $f, accessKey: $k, answer: $a) { status } }",
        "a",
        plant("RESPUESTA"),
    )];
    for (query, name, value) in requester {
        ok(app.graphql(query, json!({ "f": file, "k": key, name: value })).await);
    }
    let evidence = json!({ "f": file, "k": key, "d": plant("NUEVAPRUEBA"), "r": plant("NUEVAREF") });
    ok(app.graphql("mutation($f: String!, $k: String!, $d: String!, $r: String) { addEvidence(fileNumber: $f, accessKey: $k, evidence: { description: $d, reference: $r }) { status } }", evidence).await);
    let admit =
        json!({ "c": case, "i": { "criteria": criteria, "outcome": "ADMIT", "overrideReason": plant("EXCEPCION") } });
    ok(app
        .graphql_as(
            Some(&officer),
            "mutation($c: ID!, $i: AdmissibilityInput!) { evaluateAdmissibility(caseId: $c, input: $i) { status } }",
            admit,
        )
        .await);
    let risk = json!({ "c": case, "i": { "track": "URGENT", "level": "EXTREME", "summary": plant("RIESGO") } });
    ok(app
        .graphql_as(
            Some(&officer),
            "mutation($c: ID!, $i: RiskInput!) { assessRisk(caseId: $c, input: $i) { status } }",
            risk,
        )
        .await);
    let resolution = json!({ "c": case, "i": {
        "act": { "number": "RD 77", "date": "2026-07-13" },
        "granted": [{ "measureType": "POLICE_PROTECTION", "details": plant("DETALLE") }, { "measureType": "POLICE_PATROLS" }],
        "denied": [{ "description": plant("DENEGADA"), "reason": plant("MOTIVO") }]
    } });
    let resolved = ok(app
        .graphql_as(
            Some(&officer),
            "mutation($c: ID!, $i: ResolutionInput!) { issueResolution(caseId: $c, input: $i) { measures { id } } }",
            resolution,
        )
        .await);
    let measures: Vec<String> = resolved["issueResolution"]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    for measure in &measures {
        ok(app
            .graphql_as(
                Some(&officer),
                "mutation($m: ID!) { notifyMeasure(measureId: $m) { status } }",
                json!({ "m": measure }),
            )
            .await);
    }
    let reports = [
        (
            "mutation($m: ID!, $r: String!) { reportMeasureProgress(measureId: $m, report: $r) { status } }",
            &measures[0],
            plant("AVANCE"),
        ),
        (
            "mutation($m: ID!, $r: String!) { reportMeasureImplemented(measureId: $m, report: $r) { status } }",
            &measures[0],
            plant("INFORME"),
        ),
        (
            "mutation($m: ID!, $r: String!) { reportMeasureNotFeasible(measureId: $m, reason: $r) { status } }",
            &measures[1],
            plant("INVIABLE"),
        ),
    ];
    for (query, measure, text) in reports {
        ok(app.graphql_as(Some(&coordinator), query, json!({ "m": measure, "r": text })).await);
    }
    // The protection cycle's free text: incidents, the complaint.
    let incident = |description: String| json!({ "occurredOn": "2026-07-13", "description": description, "aggressionTypes": ["THREAT"] });
    ok(app.graphql("mutation($f: String!, $k: String!, $i: IncidentInput!) { reportIncident(fileNumber: $f, accessKey: $k, incident: $i) { status } }", json!({ "f": file, "k": key, "i": incident(plant("INCIDENTE")) })).await);
    ok(app
        .graphql_as(
            Some(&officer),
            "mutation($c: ID!, $i: IncidentInput!) { reportCaseIncident(caseId: $c, incident: $i) { status } }",
            json!({ "c": case, "i": incident(plant("INCIDENTEOFICIAL")) }),
        )
        .await);
    let complaint = json!({ "filedOn": "2026-07-13", "office": plant("FISCALIA"), "fileNumber": plant("CARPETA") });
    ok(app
        .graphql_as(
            Some(&officer),
            "mutation($c: ID!, $i: ComplaintInput!) { recordComplaint(caseId: $c, input: $i) { status } }",
            json!({ "c": case, "i": complaint }),
        )
        .await);
    let stage = json!({ "complaintNumber": 1, "status": "PRELIMINARY_INQUIRY", "on": "2026-07-13", "note": plant("DISPOSICION") });
    ok(app
        .graphql_as(
            Some(&officer),
            "mutation($c: ID!, $i: ComplaintUpdateInput!) { updateComplaint(caseId: $c, input: $i) { status } }",
            json!({ "c": case, "i": stage }),
        )
        .await);
    // A coordination meeting: the bodies present, what was agreed, the report.
    let meeting = json!({ "heldOn": "2026-07-13", "sectors": ["MININTER"], "otherBodies": plant("ENTIDADES"),
        "agreements": [{ "caseId": case, "sector": "MININTER", "text": plant("ACUERDO") }] });
    ok(app
        .graphql_as(
            Some(&officer),
            "mutation($i: MeetingInput!) { recordMeeting(input: $i) { id } }",
            json!({ "i": meeting }),
        )
        .await);
    ok(app
        .graphql_as(
            Some(&coordinator),
            "mutation($c: ID!, $r: String) { reportAgreementDone(caseId: $c, agreementNumber: 1, report: $r) { number } }",
            json!({ "c": case, "r": plant("CUMPLIDO") }),
        )
        .await);
    let act = json!({ "number": "RD 78", "date": "2026-07-13" });
    ok(app.graphql_as(Some(&officer), "mutation($m: ID!, $a: ActInput!, $d: String!) { modifyMeasure(measureId: $m, act: $a, details: $d) { status } }", json!({ "m": measures[0], "a": act, "d": plant("CAMBIO") })).await);
    ok(app.graphql_as(Some(&officer), "mutation($m: ID!, $a: ActInput!, $r: String!) { liftMeasure(measureId: $m, act: $a, reason: $r) { status } }", json!({ "m": measures[0], "a": act, "r": plant("LEVANTA") })).await);
    ok(app
        .graphql_as(
            Some(&officer),
            "mutation($c: ID!, $n: String) { archiveCase(caseId: $c, reason: CONCLUDED, note: $n) { status } }",
            json!({ "c": case, "n": plant("ARCHIVO") }),
        )
        .await);
    // A second request, whose requester withdraws consent with a reason.
    let mut second = input.clone();
    second["idempotencyKey"] = json!(format!("canaries-{run}-two"));
    let two = ok(app
        .graphql(
            "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey } }",
            json!({ "i": second }),
        )
        .await);
    let withdraw = json!({ "f": two["submitRequest"]["fileNumber"], "k": two["submitRequest"]["accessKey"], "r": plant("RETIRO") });
    ok(app.graphql("mutation($f: String!, $k: String!, $r: String) { withdrawConsent(fileNumber: $f, accessKey: $k, reason: $r) { status } }", withdraw).await);

    // Reading the file puts the data in responses (to the officer, as it
    // should) and in the audit trail as "read", never the data itself.
    let file_view = app
        .graphql_as(
            Some(&officer),
            "query($c: ID!) { case(id: $c) { request { facts } history { note } } }",
            json!({ "c": case }),
        )
        .await;
    assert!(file_view.to_string().contains(&c("HECHOS")), "officers do read the file");

    // Errors that echo nothing: bad input holding canaries.
    let mut bad = input.clone();
    bad["idempotencyKey"] = json!(format!("canaries-{run}-bad"));
    bad["contact"]["email"] = json!(format!("{}@", plant("MALCORREO")));
    bad["beneficiaries"][0]["name"] = json!(format!("{}{}", plant("LARGO"), "x".repeat(300)));
    bad["place"]["ubigeo"] = json!(plant("UBIGEO"));
    let mut errors = Vec::new();
    errors.push(
        app.graphql("mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber } }", json!({ "i": bad }))
            .await,
    );
    errors.push(
        app.graphql(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            json!({ "e": plant("USUARIO"), "p": plant("CLAVE") }),
        )
        .await,
    );
    errors.push(
        app.graphql(
            "query($f: String!, $k: String!) { myRequest(fileNumber: $f, accessKey: $k) { status } }",
            json!({ "f": plant("EXPEDIENTE"), "k": plant("LLAVE") }),
        )
        .await,
    );
    errors.push(
        app.graphql_as(Some(&officer), "query($c: ID!) { case(id: $c) { status } }", json!({ "c": plant("ID") })).await,
    );
    for error in &errors {
        assert!(!error["errors"].is_null(), "{error}");
    }

    // E-mails: deliver everything planned, as .eml files.
    let mail_dir = tempfile::tempdir().unwrap();
    let mailer = notifier::Mailer::new(&notifier::MailerConfig {
        transport: notifier::Transport::Files { dir: mail_dir.path().to_owned() },
        from: "Resguardo <no-responder@resguardo.test>".into(),
        send_timeout: std::time::Duration::from_secs(5),
    })
    .unwrap();
    let worker =
        server::worker::Worker::new(db.clone(), Arc::new(mailer), server::worker::WorkerConfig::default()).unwrap();
    let pass = worker.run_once(at("2026-07-13")).await.unwrap();
    assert!(pass.sent >= 5, "messages were sent: {pass:?}");
    // A message to the requester is addressed to them: their address in its
    // `To:` header is the one place it belongs. Everything else is searched.
    let mut mails = Vec::new();
    for entry in std::fs::read_dir(mail_dir.path()).unwrap() {
        let text = String::from_utf8_lossy(&std::fs::read(entry.unwrap().path()).unwrap()).into_owned();
        for line in text.lines().filter(|l| !l.starts_with("To: ")) {
            mails.extend_from_slice(line.as_bytes());
            mails.push(b'\n');
        }
    }

    let storage = raw_storage(&db).await;
    let logs = captured_logs();
    let error_text = errors.iter().map(Value::to_string).collect::<String>();
    let mut hits = Vec::new();
    for value in &planted {
        for (place, bytes) in [
            ("database", storage.as_slice()),
            ("e-mails", mails.as_slice()),
            ("logs", logs.as_bytes()),
            ("errors", error_text.as_bytes()),
        ] {
            // E-mail addresses are stored lower-cased.
            if contains(bytes, value) || contains(bytes, &value.to_lowercase()) {
                hits.push(format!("{value} in {place}"));
            }
        }
    }
    assert!(!logs.is_empty() && !storage.is_empty() && !mails.is_empty());
    assert!(hits.is_empty(), "canaries leaked: {hits:?}");
    assert_every_sealed_column_is_listed(&db).await;
    eprintln!(
        "canaries: {} planted, checked in the database ({} bytes), e-mails ({} bytes), logs ({} bytes) and {} error responses: 0 hits",
        planted.len(),
        storage.len(),
        mails.len(),
        logs.len(),
        errors.len()
    );
}

/// Every column of every table that holds a sealed value (`ENC1.…`) is in
/// `db::SEALED_COLUMNS`, the list rotation reseals, counts and retires by:
/// a column sealed later without being listed fails here.
async fn assert_every_sealed_column_is_listed(db: &Database) {
    let conn = db.connection();
    let backend = conn.get_database_backend();
    let columns_sql = match db.backend() {
        db::Backend::Postgres => "SELECT table_name AS t, column_name AS c FROM information_schema.columns \
                                  WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying')"
            .to_owned(),
        db::Backend::Sqlite => "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
                                WHERE m.type = 'table' AND (p.type LIKE '%CHAR%' OR p.type LIKE '%TEXT%' OR p.type = '')"
            .to_owned(),
    };
    let mut sealed = Vec::new();
    for row in conn.query_all_raw(Statement::from_string(backend, columns_sql)).await.unwrap() {
        let (table, column): (String, String) = (row.try_get("", "t").unwrap(), row.try_get("", "c").unwrap());
        let probe = format!("SELECT COUNT(*) AS n FROM {table} WHERE CAST({column} AS TEXT) LIKE 'ENC1.%'");
        let found = conn.query_one_raw(Statement::from_string(backend, probe)).await.unwrap().unwrap();
        if found.try_get::<i64>("", "n").unwrap() > 0 {
            sealed.push((table, column));
        }
    }
    assert!(!sealed.is_empty(), "sealed values were found at all");
    for (table, column) in &sealed {
        assert!(
            db::SEALED_COLUMNS.iter().any(|listed| listed.table == table && listed.column == column),
            "{table}.{column} holds sealed values but is not in db::SEALED_COLUMNS"
        );
    }
    // Binary columns (other than ids) hold sealed chunks, listed as such.
    let binary_sql = match db.backend() {
        db::Backend::Postgres => {
            "SELECT table_name AS t, column_name AS c FROM information_schema.columns \
                                  WHERE table_schema = current_schema() AND data_type = 'bytea'"
        }
        db::Backend::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
                                WHERE m.type = 'table' AND p.type LIKE '%BLOB%'"
        }
    };
    for row in conn.query_all_raw(Statement::from_string(backend, binary_sql)).await.unwrap() {
        let (table, column): (String, String) = (row.try_get("", "t").unwrap(), row.try_get("", "c").unwrap());
        if column == "id" || column.ends_with("_id") {
            continue;
        }
        assert!(
            db::SEALED_COLUMNS
                .iter()
                .any(|listed| listed.table == table && listed.column == column && listed.form == db::SealedForm::Chunk),
            "{table}.{column} holds binary values but is not a sealed chunk column in db::SEALED_COLUMNS"
        );
    }
}

/// Runs raw SQL, as someone with write access to the database would.
async fn sql(db: &Database, statement: &str) {
    db.connection().execute_unprepared(statement).await.unwrap();
}

/// A row id as an SQL literal of the backend's UUID column type.
fn id_literal(db: &Database, id: uuid::Uuid) -> String {
    match db.backend() {
        Backend::Postgres => format!("'{id}'"),
        Backend::Sqlite => format!("X'{}'", id.simple()),
    }
}

async fn scalar(db: &Database, query: &str) -> String {
    let conn = db.connection();
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), query)).await.unwrap().unwrap();
    row.try_get::<String>("", "v").unwrap()
}

/// A page of cases that shows no personal data never decrypts a request;
/// one that shows it refuses a tampered one (and says nothing of it).
async fn a_list_opens_only_the_requests_it_shows(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let id = db
        .submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-13"), &Actor::public(None))
        .await
        .unwrap()
        .id;
    let id = id_literal(&db, id);
    sql(&db, &format!("UPDATE cases SET request_details = 'v1:not-what-was-sealed' WHERE id = {id}")).await;

    let numbers = "{ cases(first: 10) { edges { node { fileNumber status } } } }";
    let listed = ok(app.graphql_as(Some(&officer), numbers, json!({})).await);
    assert_eq!(listed["cases"]["edges"].as_array().unwrap().len(), 1, "{listed}");

    let names = "{ cases(first: 10) { edges { node { fileNumber request { beneficiaries { name } } } } } }";
    let refused = app.graphql_as(Some(&officer), names, json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "INTERNAL", "{refused}");
    assert!(!refused.to_string().contains("not-what-was-sealed"), "{refused}");
}

async fn tampering_is_always_detected(db: Database) {
    let officer = Actor { user_id: None, role: Role::Officer, request_id: None };
    let mut ids = Vec::new();
    for _ in 0..3 {
        let id = db
            .submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-13"), &Actor::public(None))
            .await
            .unwrap()
            .id;
        db.apply(id, domain::workflow::Command::StartReview, at("2026-07-14"), &officer).await.unwrap();
        ids.push(id);
    }
    let (a, b) = (ids[0], ids[1]);
    let mut detected = 0;
    let mut cases = 0;

    // Ciphertexts: flip a byte, swap two rows', put plaintext in place.
    let original =
        scalar(&db, &format!("SELECT request_details AS v FROM cases WHERE id = {}", id_literal(&db, a))).await;
    let other = scalar(&db, &format!("SELECT request_details AS v FROM cases WHERE id = {}", id_literal(&db, b))).await;
    let mut flipped = original.clone().into_bytes();
    let middle = flipped.len() - 10;
    flipped[middle] = if flipped[middle] == b'A' { b'B' } else { b'A' };
    let tampers = [
        vec![(a, String::from_utf8(flipped).unwrap())],
        vec![(a, other.clone()), (b, original.clone())],
        vec![(a, "{\"facts\": \"plaintext\"}".to_owned())],
    ];
    for tamper in tampers {
        cases += 1;
        for (id, value) in &tamper {
            sql(&db, &format!("UPDATE cases SET request_details = '{value}' WHERE id = {}", id_literal(&db, *id)))
                .await;
        }
        let mut refused = true;
        for (id, _) in &tamper {
            refused &= matches!(db.case_file(*id).await, Err(db::DbError::Corrupt(_)));
        }
        if refused {
            detected += 1;
        }
        sql(&db, &format!("UPDATE cases SET request_details = '{original}' WHERE id = {}", id_literal(&db, a))).await;
        sql(&db, &format!("UPDATE cases SET request_details = '{other}' WHERE id = {}", id_literal(&db, b))).await;
    }
    assert!(db.case_file(a).await.is_ok() && db.case_file(b).await.is_ok(), "restored");

    // The audit trail: edit, delete in the middle, reorder, delete the last;
    // and hide a read of several cases from whoever asks by one of them.
    db.record_request(&officer, &[(a, "request:name".into()), (b, "request:name".into())], &[], at("2026-07-14"))
        .await
        .unwrap();
    let read = scalar(&db, "SELECT CAST(MAX(id) AS TEXT) AS v FROM audit_events").await;
    let intact = db.verify_audit_chain().await.unwrap();
    assert_eq!(intact.broken, None);
    let anchor = intact.head.unwrap();
    let tampers: [(&str, Vec<String>, Vec<String>); 6] = [
        (
            "a read's case unindexed",
            vec![format!("DELETE FROM audit_read_cases WHERE case_id = {}", id_literal(&db, b))],
            vec![format!("INSERT INTO audit_read_cases (case_id, event_id) VALUES ({}, {read})", id_literal(&db, b))],
        ),
        (
            "a read indexed under another case",
            vec![format!(
                "INSERT INTO audit_read_cases (case_id, event_id) VALUES ({}, {read})",
                id_literal(&db, ids[2])
            )],
            vec![format!("DELETE FROM audit_read_cases WHERE case_id = {}", id_literal(&db, ids[2]))],
        ),
        (
            "edited",
            vec!["UPDATE audit_events SET action = 'ARCHIVED' WHERE id = 2".into()],
            vec!["UPDATE audit_events SET action = 'REVIEW_STARTED' WHERE id = 2".into()],
        ),
        (
            "reordered",
            vec![
                "UPDATE audit_events SET id = 1000 WHERE id = 2".into(),
                "UPDATE audit_events SET id = 2 WHERE id = 3".into(),
                "UPDATE audit_events SET id = 3 WHERE id = 1000".into(),
            ],
            vec![
                "UPDATE audit_events SET id = 1000 WHERE id = 3".into(),
                "UPDATE audit_events SET id = 3 WHERE id = 2".into(),
                "UPDATE audit_events SET id = 2 WHERE id = 1000".into(),
            ],
        ),
        ("deleted in the middle", vec!["DELETE FROM audit_events WHERE id = 3".into()], vec![]),
        (
            "deleted at the end",
            vec!["DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events)".into()],
            vec![],
        ),
    ];
    for (name, tamper, undo) in tampers {
        cases += 1;
        for statement in &tamper {
            sql(&db, statement).await;
        }
        let report = db.verify_audit_chain().await.unwrap();
        if report.broken.is_some() {
            detected += 1;
        } else {
            panic!("{name}: not detected");
        }
        for statement in &undo {
            sql(&db, statement).await;
        }
    }
    // A wholesale rewrite: with write access to the database, someone
    // replaces the trail with another, consistent one. The chain alone
    // cannot tell; an anchor kept outside the database does.
    cases += 1;
    sql(&db, "DELETE FROM audit_events").await;
    sql(&db, "DELETE FROM audit_read_cases").await;
    sql(&db, &format!("UPDATE audit_chain_head SET last_id = 0, last_hash = '{}'", "0".repeat(64))).await;
    for _ in 0..anchor.id {
        db.record_request(&db::Actor::system(), &[(a, "nada".to_owned())], &[], at("2026-07-14")).await.unwrap();
    }
    assert_eq!(db.verify_audit_chain().await.unwrap().broken, None, "a consistent forgery passes the chain alone");
    let report = db.verify_audit_chain_against(&[anchor]).await.unwrap();
    assert!(report.broken.is_some(), "rewritten: not detected against the anchor");
    detected += 1;
    assert_eq!(detected, cases);
    eprintln!("tamper: {detected} of {cases} tampering cases detected");
}

async fn rotated_keys_keep_everything_readable(db: Database) {
    let one = Keyring::new(1, vec![Key::generate(1).unwrap()]).unwrap();
    let first = db.clone().with_keys(one.clone());
    let mut ids = Vec::new();
    for _ in 0..4 {
        let id = first
            .submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-13"), &Actor::public(None))
            .await
            .unwrap()
            .id;
        first.apply(id, domain::workflow::Command::StartReview, at("2026-07-14"), &Actor::system()).await.unwrap();
        ids.push(id);
    }
    // A member of staff enrolled a second factor under key 1.
    let officer = first
        .create_user(
            db::NewUser {
                email: "totp@dgdh.gob.pe".into(),
                display_name: "Oficial".into(),
                role: domain::roles::Role::Officer,
                sector: None,
                lead_coordinator: false,
                password_hash: "no se usa".into(),
            },
            &Actor::system(),
            at("2026-07-13"),
        )
        .await
        .unwrap();
    first.begin_totp(officer.id, b"0123456789abcdefghij", &Actor::system(), at("2026-07-13")).await.unwrap();
    // A photo of two chunks on the first case, with its name.
    let photo = [&b"\xFF\xD8\xFF\xE0"[..], &[7u8; 300_000]].concat();
    let evidence = evidence_file(&first, ids[0], &photo, at("2026-07-14")).await;
    // A coordination meeting about the first case, with the bodies present.
    let as_officer = Actor { user_id: Some(officer.id), role: domain::roles::Role::Officer, request_id: None };
    let meeting = db::NewMeeting {
        held_on: crate::fixtures::date("2026-07-14"),
        sectors: vec![domain::codes::RefCode::parse("MININTER").unwrap()],
        other_bodies: Some(domain::text::Text::parse("Defensoría del Pueblo").unwrap()),
        cases: vec![ids[0]],
        agreements: Vec::new(),
    };
    let meeting = first.record_meeting(&meeting, at("2026-07-14"), &as_officer).await.unwrap();
    assert_eq!(
        first.keys_in_use().await.unwrap().into_iter().collect::<Vec<_>>(),
        [(1, 18)],
        "4 requests, 9 history entries, 1 TOTP secret, 1 file's name and its 2 chunks, 1 meeting"
    );

    let two = one.with_key(Key::generate(2).unwrap()).unwrap().with_current(2).unwrap();
    let rotated = db.clone().with_keys(two.clone());
    rotated.record_rotation(&two, at("2026-07-15")).await.unwrap();
    let refused = rotated.retire_key(1, 2, at("2026-07-15")).await.unwrap_err().to_string();
    assert!(refused.contains("18 value(s)"), "retiring a key still in use is refused: {refused}");
    let report = rotated.reseal_all(false).await.unwrap();
    let resealed: Vec<(&str, u64)> = report.resealed.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    assert_eq!(
        resealed,
        [
            ("case_events.payload", 9),
            ("cases.request_details", 4),
            ("evidence_chunks.sealed", 2),
            ("evidence_files.given_name", 1),
            ("intake_form_keys.private_key", 0),
            ("meetings.details", 1),
            ("users.totp_secret", 1)
        ]
    );
    assert_eq!(rotated.keys_in_use().await.unwrap().into_iter().collect::<Vec<_>>(), [(2, 18)]);
    rotated.retire_key(1, 2, at("2026-07-15")).await.unwrap();
    let retired = db.clone().with_keys(two.without(1).unwrap());
    for id in &ids {
        assert_eq!(retired.case_file(*id).await.unwrap().request, request(), "readable with key 1 retired");
        let history = if *id == ids[0] { 3 } else { 2 };
        assert_eq!(retired.case_events(*id).await.unwrap().len(), history, "received, reviewed (and the file)");
    }
    let file = retired.evidence_file(evidence).await.unwrap().unwrap();
    assert_eq!(file.given_name.as_deref(), Some("foto-de-la-amenaza.jpg"));
    let content = [retired.evidence_chunk(&file, 0).await.unwrap(), retired.evidence_chunk(&file, 1).await.unwrap()];
    assert_eq!(content.concat(), photo, "the file opens with key 1 retired");
    let login = retired.credentials("totp@dgdh.gob.pe").await.unwrap().unwrap();
    assert_eq!(login.totp_secret.as_deref(), Some(&b"0123456789abcdefghij"[..]), "the second factor still opens");
    let meetings = retired.meetings(None).await.unwrap();
    assert_eq!((meetings[0].id, meetings[0].other_bodies.as_deref()), (meeting, Some("Defensoría del Pueblo")));
    assert!(first.case_file(ids[0]).await.is_err(), "key 1 alone no longer reads them");
    assert_eq!(rotated.reseal_all(false).await.unwrap().total(), 0, "nothing left to rotate");
    // An instance still on key 1 refuses to seal rather than write values
    // the rotation did not reach.
    let stale = first
        .submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-16"), &Actor::public(None))
        .await
        .unwrap_err();
    assert!(matches!(stale, db::DbError::KeySuperseded(1)), "{stale:?}");
    assert_eq!(rotated.keys_in_use().await.unwrap().into_iter().collect::<Vec<_>>(), [(2, 18)], "nothing written");
    assert_every_sealed_column_is_listed(&db).await;
}

/// Receives `content` as an evidence file of case `id` in one go: started,
/// sent chunk by chunk, finished. Returns the file's id.
async fn evidence_file(db: &Database, id: uuid::Uuid, content: &[u8], at: chrono::DateTime<chrono::Utc>) -> uuid::Uuid {
    let actor = Actor::public(None);
    let upload = db
        .start_evidence_upload(db::NewUpload {
            case_id: id,
            declared_size: content.len() as u64,
            given_name: Some("foto-de-la-amenaza.jpg"),
            limits: domain::evidence::EvidenceLimits::default(),
            sender: &actor,
            at,
            lifetime: chrono::Duration::hours(1),
            source_key: None,
        })
        .await
        .unwrap();
    let chunk = domain::evidence::CHUNK_BYTES as usize;
    for (n, piece) in content.chunks(chunk).enumerate() {
        db.append_evidence_chunk(upload.id, (n * chunk) as u64, piece, at).await.unwrap();
    }
    let description = domain::text::ShortText::parse("Foto").unwrap();
    let finish = db::FinishUpload { id: upload.id, sha256: None, description, reference: None, actor: &actor, at };
    db.finish_evidence_upload(finish).await.unwrap().id
}

/// The runbook's "keep serving" path, in process: a server's database
/// attached to a key file keeps running while `keys rotate` writes a new
/// key to the file, supersedes the old one and reseals; the next request it
/// files is sealed under the new key, so retiring the old key loses
/// nothing, and a "restart" from the file reads everything.
async fn a_key_file_rotated_while_serving_is_followed(db: Database) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keys.toml");
    let vars = [("RESGUARDO_KEY_FILE".to_owned(), file.display().to_string())];
    let config =
        server::config::Config::load(None, &move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .unwrap();
    server::keys::generate(&config, None, Some(&file), false).unwrap();
    let (ring, source) = server::keys::existing(&config).unwrap();
    let serving = server::keys::attach(db.clone(), ring.clone(), &source);
    let before = serving
        .submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-13"), &Actor::public(None))
        .await
        .unwrap();
    assert_eq!(serving.keys_in_use().await.unwrap().into_iter().collect::<Vec<_>>(), [(1, 2)]);

    server::keys::rotate(db.clone().with_keys(ring.clone()), ring, &source, false).await.unwrap();
    let after = serving
        .submit_request(&request(), Channel::Web, &fresh_keys(), at("2026-07-14"), &Actor::public(None))
        .await
        .expect("the running instance follows the rotated key file");
    serving.apply(before.id, domain::workflow::Command::StartReview, at("2026-07-14"), &Actor::system()).await.unwrap();
    assert_eq!(
        serving.keys_in_use().await.unwrap().into_iter().collect::<Vec<_>>(),
        [(2, 5)],
        "what was filed after the rotation is sealed under key 2"
    );

    let (rotated, source) = server::keys::existing(&config).unwrap();
    server::keys::retire(&db.clone().with_keys(rotated.clone()), &rotated, &source, 1).await.unwrap();
    let (restarted, source) = server::keys::existing(&config).unwrap();
    assert_eq!(restarted.key_ids(), [2], "key 1 left the file");
    let restarted = server::keys::attach(db.clone(), restarted, &source);
    for id in [before.id, after.id] {
        assert_eq!(restarted.case_file(id).await.unwrap().request, request());
        assert!(!restarted.case_events(id).await.unwrap().is_empty());
    }
}
