//! Evidence files (issue 18): uploaded through the GraphQL multipart
//! request spec in one request or in chunks resumed after a cut, sealed in
//! the database, downloaded by officers only (audited, never cached,
//! checked against the digest at receipt), within their limits.

use db::Database;
use domain::evidence::CHUNK_BYTES;
use domain::roles::Role;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::app::TestApp;
use crate::confidentiality::{contains, raw_storage};
use crate::procedure::request_input;
use crate::support::{captured_logs, on_both_databases};

on_both_databases!(
    a_requester_sends_a_photo_and_only_officers_download_it,
    a_large_file_resumes_after_a_cut,
    files_keep_to_their_kinds_and_limits,
);

const CHUNK: usize = CHUNK_BYTES as usize;

const ADD: &str = "mutation($f: String!, $k: String!, $file: Upload) { addEvidence(fileNumber: $f, accessKey: $k, \
                   evidence: { description: \"Foto de la amenaza\" }, file: $file) { status } }";
const FILES: &str = "query($id: ID!) { case(id: $id) { evidenceFiles { id number kind size sha256 givenName \
                     sentByRequester sentByRole chunks } } }";
const START: &str = "mutation($f: String!, $k: String!, $size: Int!, $name: String) { startEvidenceUpload(\
                     fileNumber: $f, accessKey: $k, size: $size, fileName: $name) { uploadId chunkSize nextOffset } }";
const APPEND: &str = "mutation($u: ID!, $o: Int!, $c: Upload!) { appendEvidence(uploadId: $u, offset: $o, chunk: $c) \
                      { receivedBytes nextOffset complete } }";
const STATUS: &str = "query($u: ID!) { evidenceUpload(uploadId: $u) { receivedBytes nextOffset complete } }";
const FINISH: &str = "mutation($u: ID!, $h: String) { finishEvidenceUpload(uploadId: $u, evidence: { description: \
                      \"Audio de la amenaza\" }, sha256: $h) { number kind size sha256 } }";

/// A file of `kind`'s first bytes, a canary, and filler up to `size`.
fn file_of(head: &[u8], canary: &str, size: usize) -> Vec<u8> {
    let mut bytes = head.to_vec();
    bytes.extend_from_slice(canary.as_bytes());
    let mut n: u32 = 7;
    while bytes.len() < size {
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push((n >> 16) as u8);
    }
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn run_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase()
}

async fn file_request(app: &TestApp, key: &str) -> (String, String, uuid::Uuid) {
    let body = app
        .graphql(
            "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey } }",
            json!({ "i": request_input(key) }),
        )
        .await;
    let filed = &body["data"]["submitRequest"];
    let number = filed["fileNumber"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let id = app.db.find_case_by_file_number(&number).await.unwrap();
    (number, filed["accessKey"].as_str().unwrap().to_owned(), id)
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no error: {body}"))
}

async fn a_requester_sends_a_photo_and_only_officers_download_it(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let run = run_id();
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let coordinator = app.staff(Role::Coordinator, "coordinador@mininter.gob.pe", Some("MININTER")).await;
    let (number, key, case_id) = file_request(&app, "evidence-photo-0001").await;

    // Two chunks and a bit, in one request, named after the person.
    let photo = file_of(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0", &format!("KANARI{run}FOTO"), 2 * CHUNK + 4321);
    let name = format!("amenaza-KANARI{run}NOMBRE.jpg");
    let (status, body) = app
        .graphql_with_file(None, ADD, json!({ "f": number, "k": key }), "file", (name.as_str(), photo.as_slice()))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["addEvidence"]["status"], "RECEIVED", "{body}");

    let listed = app.graphql_as(Some(&officer), FILES, json!({ "id": case_id.to_string() })).await;
    let file = &listed["data"]["case"]["evidenceFiles"][0];
    assert_eq!(file["number"], 1, "{listed}");
    assert_eq!(file["kind"], "JPEG");
    assert_eq!(file["size"], photo.len());
    assert_eq!(file["sha256"], sha256_hex(&photo), "the digest of what was sent, recorded at receipt");
    assert_eq!(file["givenName"], name.as_str());
    assert_eq!(file["sentByRequester"], true);
    assert_eq!(file["sentByRole"], Value::Null);
    assert_eq!(file["chunks"], 3);
    let file_id = file["id"].as_str().unwrap().to_owned();
    let history = db.case_events(case_id).await.unwrap();
    let recorded = history.iter().filter(|e| e.action == domain::workflow::AuditAction::EvidenceAdded).count();
    assert_eq!(recorded, 1, "the file is on the case's history once");

    // The officer downloads it: an attachment under a neutral name, never
    // cached, never sniffed, byte for byte what was sent.
    let response = app.get(&format!("/consola/pruebas/{file_id}")).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert_eq!(disposition, format!("attachment; filename=\"{number}-prueba-1.jpg\""));
    assert_eq!(response.bytes().await.unwrap().as_ref(), photo.as_slice());
    let reads: Vec<String> = db.audit_trail(case_id).await.unwrap().into_iter().filter_map(|e| e.fields).collect();
    for chunk in 0..3 {
        let read = format!("evidence.1.content.{chunk}");
        assert!(reads.iter().any(|fields| fields.contains(&read)), "the download is audited: {read} in {reads:?}");
    }

    // Coordinators and the public never read it; the requester neither.
    let content = "query($id: ID!) { evidenceFile(id: $id) { content(chunk: 0) } }";
    let refused = app.graphql_as(Some(&coordinator), content, json!({ "id": file_id })).await;
    assert_eq!(code(&refused), "FORBIDDEN");
    assert_eq!(code(&app.graphql(content, json!({ "id": file_id })).await), "UNAUTHENTICATED");
    let path = format!("/consola/pruebas/{file_id}");
    assert_eq!(app.get(&path).bearer_auth(&coordinator).send().await.unwrap().status(), 403);
    assert_eq!(app.get(&path).send().await.unwrap().status(), 401);
    let unknown = format!("/consola/pruebas/{}", uuid::Uuid::new_v4());
    assert_eq!(app.get(&unknown).bearer_auth(&officer).send().await.unwrap().status(), 404);

    // The file and its name are nowhere in clear: not in the database's
    // files (or a dump), not in the logs.
    let storage = raw_storage(&db).await;
    for canary in [format!("KANARI{run}FOTO"), format!("KANARI{run}NOMBRE")] {
        assert!(!contains(&storage, &canary), "{canary} in the database in clear");
        assert!(!captured_logs().contains(&canary), "{canary} in the logs");
    }
    assert!(contains(&photo, &format!("KANARI{run}FOTO")), "the canary was in the file sent");

    // A chunk altered in the database does not open: the download stops
    // before its end rather than hand over another file.
    // A chunk moved in the database (the last one replaced by another of
    // the same file) does not open: the download stops before its end
    // rather than hand over another file.
    let moved =
        "UPDATE evidence_chunks SET sealed = (SELECT sealed FROM evidence_chunks WHERE number = 1) WHERE number = 2";
    db.connection().execute_unprepared(moved).await.unwrap();
    // The connection is cut: before the headers or during the body.
    let whole = match app.get(&path).bearer_auth(&officer).send().await {
        Ok(response) => response.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(!whole, "an altered file never arrives whole");
}

async fn a_large_file_resumes_after_a_cut(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let (number, key, case_id) = file_request(&app, "evidence-resume-0001").await;
    let audio = file_of(b"#!AMR\n", "voz", 2 * CHUNK + 1000);
    let chunk = |n: usize| &audio[n * CHUNK..((n + 1) * CHUNK).min(audio.len())];
    let started =
        app.graphql(START, json!({ "f": number, "k": key, "size": audio.len(), "name": "audio-de-juana.amr" })).await;
    let upload = started["data"]["startEvidenceUpload"]["uploadId"].as_str().unwrap_or_else(|| panic!("{started}"));
    assert_eq!(started["data"]["startEvidenceUpload"]["chunkSize"], CHUNK);
    let append = |n: usize, bytes: &[u8]| {
        let variables = json!({ "u": upload, "o": n * CHUNK });
        let bytes = bytes.to_vec();
        let app = &app;
        async move { app.graphql_with_file(None, APPEND, variables, "c", ("blob", &bytes)).await.1 }
    };

    let first = append(0, chunk(0)).await;
    assert_eq!(first["data"]["appendEvidence"]["nextOffset"], CHUNK, "{first}");
    // The connection dropped before the answer: the same chunk again is
    // taken once; other bytes in its place are refused.
    let again = append(0, chunk(0)).await;
    assert_eq!(again["data"]["appendEvidence"]["receivedBytes"], CHUNK, "{again}");
    let mut changed = chunk(0).to_vec();
    changed[100] ^= 0xFF;
    assert_eq!(code(&append(0, &changed).await), "CONFLICT");
    // Out of place or of the wrong length: refused, named.
    let misplaced = append(1, &chunk(1)[..10]).await;
    assert_eq!(misplaced["errors"][0]["extensions"]["field"], "offset", "{misplaced}");

    let last = append(2, chunk(2)).await;
    assert_eq!(last["data"]["appendEvidence"]["nextOffset"], CHUNK, "chunk 1 is still missing: {last}");
    let early = app.graphql(FINISH, json!({ "u": upload })).await;
    assert_eq!(early["errors"][0]["extensions"]["field"], "chunk", "{early}");
    assert!(early["errors"][0]["message"].as_str().unwrap().contains("faltan partes"), "{early}");
    let status = app.graphql(STATUS, json!({ "u": upload })).await;
    assert_eq!(status["data"]["evidenceUpload"]["receivedBytes"], CHUNK + 1000, "{status}");

    append(1, chunk(1)).await;
    let wrong = app.graphql(FINISH, json!({ "u": upload, "h": sha256_hex(b"otro archivo") })).await;
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "sha256", "{wrong}");
    let done = app.graphql(FINISH, json!({ "u": upload, "h": sha256_hex(&audio) })).await;
    let receipt = &done["data"]["finishEvidenceUpload"];
    assert_eq!(receipt["kind"], "AMR", "{done}");
    assert_eq!(receipt["size"], audio.len());
    // Finishing again after a cut answers the same file, recorded once.
    let twice = app.graphql(FINISH, json!({ "u": upload, "h": sha256_hex(&audio) })).await;
    assert_eq!(twice["data"]["finishEvidenceUpload"], *receipt, "{twice}");
    let history = db.case_events(case_id).await.unwrap();
    let recorded = history.iter().filter(|e| e.action == domain::workflow::AuditAction::EvidenceAdded).count();
    assert_eq!(recorded, 1);
    let files = db.evidence_files(&[case_id]).await.unwrap();
    assert_eq!(files.len(), 1);
    let mut content = Vec::new();
    for n in 0..3 {
        content.extend(db.evidence_chunk(&files[0], n).await.unwrap());
    }
    assert_eq!(content, audio, "stored whole, in order");

    // A staff member's upload is theirs alone.
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let other = app.staff(Role::Officer, "otra@dgdh.gob.pe", None).await;
    let start_staff =
        "mutation($c: ID!, $size: Int!) { startCaseEvidenceUpload(caseId: $c, size: $size) { uploadId } }";
    let started = app.graphql_as(Some(&officer), start_staff, json!({ "c": case_id.to_string(), "size": 10 })).await;
    let theirs = started["data"]["startCaseEvidenceUpload"]["uploadId"].as_str().unwrap_or_else(|| panic!("{started}"));
    let status = app.graphql_as(Some(&other), STATUS, json!({ "u": theirs })).await;
    assert_eq!(code(&status), "NOT_FOUND");
    assert_eq!(code(&app.graphql(STATUS, json!({ "u": theirs })).await), "NOT_FOUND");

    // Unfinished uploads expire and are deleted with their chunks.
    let abandoned = app.graphql(START, json!({ "f": number, "k": key, "size": 2 * CHUNK })).await;
    let abandoned = abandoned["data"]["startEvidenceUpload"]["uploadId"].as_str().unwrap().to_owned();
    let first = app.graphql_with_file(None, APPEND, json!({ "u": abandoned, "o": 0 }), "c", ("blob", chunk(0))).await.1;
    assert!(first["errors"].is_null(), "{first}");
    let later = app.advance_seconds(25 * 3600);
    assert_eq!(code(&app.graphql(STATUS, json!({ "u": abandoned })).await), "NOT_FOUND");
    assert_eq!(db.expire_evidence_uploads(later).await.unwrap(), 2, "the requester's and the officer's");
    assert_eq!(db.evidence_files(&[case_id]).await.unwrap().len(), 1, "the finished file stays");
}

async fn files_keep_to_their_kinds_and_limits(db: Database) {
    let limits =
        domain::evidence::EvidenceLimits { max_file_bytes: 1 << 20, max_case_bytes: 3 << 19, max_files_per_case: 2 };
    let config = api::ApiConfig {
        rate_limits: api::RateLimits::OFF,
        evidence: api::EvidenceSettings { limits, ..api::EvidenceSettings::default() },
        ..api::ApiConfig::default()
    };
    let web = web::WebConfig { upload_max_bytes: (1 << 20) + (64 << 10), ..web::WebConfig::default() };
    let app = TestApp::spawn_with_web(db.clone(), config, web).await;
    let (number, key, case_id) = file_request(&app, "evidence-limits-0001").await;
    let proof = json!({ "f": number, "k": key });
    let send = |name: &'static str, bytes: Vec<u8>| {
        let (app, proof) = (&app, proof.clone());
        async move { app.graphql_with_file(None, ADD, proof, "file", (name, &bytes)).await }
    };

    // A program, a page, a zip: refused whatever their name, nothing kept.
    for (name, head) in [("foto.jpg", &b"MZ\x90\0"[..]), ("audio.mp3", b"<html><script>"), ("doc.pdf", b"PK\x03\x04")] {
        let (status, body) = send(name, file_of(head, "x", 5000)).await;
        assert_eq!(status, 200);
        assert_eq!(body["errors"][0]["extensions"]["field"], "file", "{name}: {body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("tipos admitidos"), "{body}");
    }
    // Over the file limit, said before any byte is stored.
    let big = app.graphql(START, json!({ "f": number, "k": key, "size": (1 << 20) + 1 })).await;
    assert_eq!(big["errors"][0]["extensions"]["field"], "size", "{big}");
    assert!(big["errors"][0]["message"].as_str().unwrap().contains("1048576"), "{big}");
    // Over the request limit: 413 before the body is read.
    let (status, body) = send("video.mp4", file_of(b"\0\0\0\x18ftypmp42", "x", (1 << 20) + (128 << 10))).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");

    // The case's room: 1.5 MiB and two files.
    let pdf = |size| file_of(b"%PDF-1.7\n", "doc", size);
    assert!(send("a.pdf", pdf(900 << 10)).await.1["errors"].is_null());
    let full = send("b.pdf", pdf(700 << 10)).await.1;
    assert!(full["errors"][0]["message"].as_str().unwrap().contains("máximo"), "{full}");
    assert!(send("c.pdf", pdf(100 << 10)).await.1["errors"].is_null());
    let many = send("d.pdf", pdf(10)).await.1;
    assert!(many["errors"][0]["message"].as_str().unwrap().contains("2 archivos"), "{many}");
    assert_eq!(db.evidence_files(&[case_id]).await.unwrap().len(), 2);
    // An archived case takes none.
    let withdraw = domain::workflow::Command::WithdrawConsent { reason: None };
    db.apply(case_id, withdraw, app.advance_seconds(1), &db::Actor::public(None)).await.unwrap();
    let closed = app.graphql(START, json!({ "f": number, "k": key, "size": 10 })).await;
    assert_eq!(code(&closed), "INVALID_TRANSITION", "{closed}");
}
