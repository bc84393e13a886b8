//! OpenRosa intake (issue 18) as ODK Collect and Tella use it
//! (../shared/OPENROSA.md): the form a running server serves passes ODK
//! Validate (JavaRosa, the apps' engine), is filled by the same engine
//! (tools/openrosa/harness.sh), and is submitted the way each app does:
//! Collect with `HEAD` then a POST split in two with `*isIncomplete*`,
//! Tella with one POST per attachment. The case exists once with its
//! attachments; resends, conflicts, revoked tokens and oversized parts get
//! the answers the apps act on.

use std::path::{Path, PathBuf};

use db::Database;
use domain::roles::Role;
use domain::workflow::AuditAction;
use md5::{Digest, Md5};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::app::TestApp;
use crate::confidentiality::contains;
use crate::support::{captured_logs, on_both_databases};

on_both_databases!(
    collect_and_tella_file_cases_with_their_attachments,
    collect_encrypts_and_the_server_decrypts,
    tokens_limits_and_refusals,
    an_officer_issues_the_access_key_an_app_never_shows,
);

/// The apps' engine, from pyxform's ODK Validate (tools/openrosa/install.sh).
/// In CI it must be there; elsewhere a test without it says so and stops.
fn odk_jar() -> Option<PathBuf> {
    let jar = std::env::var("RESGUARDO_ODK_JAR").unwrap_or_else(|_| "/opt/resguardo-openrosa/ODK_Validate.jar".into());
    let jar = PathBuf::from(jar);
    if jar.exists() {
        return Some(jar);
    }
    assert!(std::env::var("CI").is_err(), "ODK Validate is missing: run tools/openrosa/install.sh");
    eprintln!("skipped: no ODK Validate at {} (tools/openrosa/install.sh)", jar.display());
    None
}

fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/openrosa/harness.sh")
}

/// Issues a token as an admin; returns its secret (the base URL's part).
async fn issue(app: &TestApp, admin: &str, name: &str, kind: &str) -> (String, String) {
    let body = app
        .graphql_as(
            Some(admin),
            "mutation($n: String!, $a: Channel!) { issueIntakeToken(name: $n, app: $a) { secret token { id } } }",
            json!({ "n": name, "a": kind }),
        )
        .await;
    let issued = &body["data"]["issueIntakeToken"];
    let secret = issued["secret"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    (secret, issued["token"]["id"].as_str().unwrap().to_owned())
}

const ANSWERS: &str = "\
/data/filer=THIRD_PARTY
/data/third_party/name=Federación Nativa del Alto Ucayali
/data/third_party/relationship=ORGANISATION
/data/contact/phone=+51 999 111 222
/data/beneficiary[1]/kind=PERSON
/data/beneficiary[1]/name=Juana KANARIODK
/data/beneficiary[1]/gender=FEMALE
/data/beneficiary[2]/kind=INDIGENOUS_COMMUNITY
/data/beneficiary[2]/name=Comunidad nativa Río Arriba
/data/place/department=25
/data/place/province=2501
/data/place/district=250101
/data/place/detail=A dos horas por el río
/data/defender_category=INDIGENOUS
/data/aggression_types=THREAT HARASSMENT
/data/aggressor_type=ILLEGAL_LOGGING
/data/facts=Llegaron de noche y amenazaron a la familia.
/data/language=SPANISH
/data/interpreter_needed=no
/data/consent=GIVEN
/data/evidence[1]/description=Foto de la amenaza
/data/evidence[1]/photo=amenaza.jpg
/data/evidence[2]/description=Audio de la llamada
/data/evidence[2]/audio=llamada.amr
";

/// Runs the harness's `fill` on `form` with `answers`: its outcome, and the
/// instance it wrote (empty when it refused).
fn run_fill(form: &[u8], answers: &str) -> (std::process::Output, String) {
    let dir = tempfile::tempdir().unwrap();
    let (form_path, answers_path, out) =
        (dir.path().join("form.xml"), dir.path().join("answers.txt"), dir.path().join("out.xml"));
    std::fs::write(&form_path, form).unwrap();
    std::fs::write(&answers_path, answers).unwrap();
    let run = std::process::Command::new("bash")
        .arg(harness())
        .args(["fill", &form_path.display().to_string(), &answers_path.display().to_string()])
        .arg(&out)
        .output()
        .unwrap();
    (run, std::fs::read_to_string(&out).unwrap_or_default())
}

/// Fills `form` with `answers` in the apps' engine: the instance and its id.
fn fill(form: &[u8], answers: &str) -> (String, String) {
    let (run, instance) = run_fill(form, answers);
    assert!(run.status.success(), "the form does not fill: {}", String::from_utf8_lossy(&run.stderr));
    (instance, String::from_utf8_lossy(&run.stdout).trim().to_owned())
}

/// Fills `form` with answers the apps' engine must refuse: what it says.
fn fill_refused(form: &[u8], answers: &str) -> String {
    let (run, _) = run_fill(form, answers);
    assert_eq!(run.status.code(), Some(1), "refused as Collect would: {}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8_lossy(&run.stderr).into_owned()
}

/// One part of a submission: its field name, file name and bytes.
type Part<'a> = (&'a str, &'a str, &'a [u8]);

/// A multipart POST as the apps send it.
fn submission(parts: &[Part<'_>]) -> (Vec<u8>, String) {
    let boundary = format!("odk-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        let kind = if *name == "xml_submission_file" { "text/xml" } else { "application/octet-stream" };
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: {kind}\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

async fn post(app: &TestApp, token: &str, parts: &[Part<'_>]) -> (u16, String) {
    let (body, content_type) = submission(parts);
    let response = app
        .post(&format!("/openrosa/{token}/submission"))
        .header("content-type", content_type)
        .header("x-openrosa-version", "1.0")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-openrosa-version"], "1.0");
    if response.status() == 413 {
        // Refused unread: the next request must not reuse this connection.
        assert_eq!(response.headers()["connection"], "close");
    }
    (response.status().as_u16(), response.text().await.unwrap())
}

fn photo() -> Vec<u8> {
    [&b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"[..], &[3u8; 40_000]].concat()
}

fn voice() -> Vec<u8> {
    [&b"#!AMR\n"[..], &[5u8; 9_000]].concat()
}

/// The form as a phone downloads it: the list, then the form, whose MD5
/// must be the list's.
async fn download_form(app: &TestApp, token: &str) -> Vec<u8> {
    let list = app.get(&format!("/openrosa/{token}/formList")).send().await.unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(list.headers()["x-openrosa-version"], "1.0");
    assert!(list.headers()["content-type"].to_str().unwrap().starts_with("text/xml"));
    let list = list.text().await.unwrap();
    assert!(list.contains("<formID>resguardo-solicitud</formID>"), "{list}");
    let url = list.split("<downloadUrl>").nth(1).and_then(|s| s.split("</downloadUrl>").next()).unwrap();
    assert!(url.starts_with(&app.base), "an absolute address: {url}");
    let hash = list.split("<hash>md5:").nth(1).and_then(|s| s.split("</hash>").next()).unwrap().to_owned();
    let form = app.get(url.strip_prefix(&app.base).unwrap()).send().await.unwrap();
    assert_eq!(form.headers()["x-openrosa-version"], "1.0");
    let form = form.bytes().await.unwrap().to_vec();
    let md5: String = Md5::digest(&form).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(md5, hash, "the list's hash is the form's");
    form
}

async fn collect_and_tella_file_cases_with_their_attachments(db: Database) {
    let Some(jar) = odk_jar() else { return };
    let app = TestApp::spawn(db.clone()).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let (collect, _) = issue(&app, &admin, "Federación Nativa (Collect)", "ODK_COLLECT").await;
    let (tella, _) = issue(&app, &admin, "Defensoras en red (Tella)", "TELLA").await;

    // The form a running server serves passes the apps' own validation.
    let form = download_form(&app, &collect).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("resguardo-solicitud.xml");
    std::fs::write(&path, &form).unwrap();
    let validate = std::process::Command::new("java").arg("-jar").arg(&jar).arg(&path).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&validate.stdout), String::from_utf8_lossy(&validate.stderr));
    assert!(validate.status.success() && said.contains("Xform is valid"), "ODK Validate: {said}");

    // ODK Collect: HEAD, then the submission split in two POSTs.
    let head = app.head(&format!("/openrosa/{collect}/submission")).await;
    assert_eq!(head.status(), 204);
    assert_eq!(head.headers()["x-openrosa-version"], "1.0");
    let accepted: usize = head.headers()["x-openrosa-accept-content-length"].to_str().unwrap().parse().unwrap();
    assert!(accepted > 1 << 20, "{accepted}");
    let (instance, instance_id) = fill(&form, ANSWERS);
    assert!(instance_id.starts_with("uuid:"), "{instance_id}");
    let xml = instance.as_bytes();
    let (photo, voice) = (photo(), voice());
    let (status, answer) = post(
        &app,
        &collect,
        &[
            ("xml_submission_file", "submission.xml", xml),
            ("amenaza.jpg", "amenaza.jpg", &photo),
            ("*isIncomplete*", "", b"yes"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    assert!(answer.contains("<OpenRosaResponse") && answer.contains("faltan por recibir 1 de 2 archivos"), "{answer}");
    let (status, answer) =
        post(&app, &collect, &[("xml_submission_file", "submission.xml", xml), ("llamada.amr", "llamada.amr", &voice)])
            .await;
    assert_eq!(status, 201, "{answer}");
    let number = file_number_in(&answer);
    assert!(number.starts_with("AT-"), "{answer}");
    assert!(!answer.contains("clave"), "never the access key in the app's answer: {answer}");
    // Sent again (the app lost the answer): 201, nothing new.
    let (status, _) =
        post(&app, &collect, &[("xml_submission_file", "submission.xml", xml), ("llamada.amr", "llamada.amr", &voice)])
            .await;
    assert_eq!(status, 201);
    let case_id = db.find_case_by_file_number(&number).await.unwrap();
    let file = db.case_file(case_id).await.unwrap();
    assert_eq!(file.channel, domain::categories::Channel::OdkCollect);
    assert_eq!(file.request.place().ubigeo().as_str(), "250101", "the district chosen in the cascade");
    let files = db.evidence_files(&[case_id]).await.unwrap();
    let kinds: Vec<_> = files.iter().map(|f| f.file.kind).collect();
    assert_eq!(kinds, [domain::evidence::EvidenceType::Jpeg, domain::evidence::EvidenceType::Amr], "each file once");
    let cases = db.cases_page(&Default::default(), Default::default(), None, 10).await.unwrap().items;
    assert_eq!(cases.len(), 1, "one case however many POSTs");
    // The officer downloads what the phone sent.
    let download = app.get(&format!("/consola/pruebas/{}", files[0].id)).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(download.bytes().await.unwrap().as_ref(), photo.as_slice());

    // Different content under the same instanceID: 409, nothing changed.
    let changed = instance.replace("Llegaron de noche", "Llegaron de día");
    let (status, answer) = post(&app, &collect, &[("xml_submission_file", "submission.xml", changed.as_bytes())]).await;
    assert_eq!(status, 409, "{answer}");

    // The cascade offers only the provinces of the department chosen and
    // the districts of the province: Lima's district is not a choice under
    // Coronel Portillo (Ucayali).
    let said = fill_refused(&form, &ANSWERS.replace("district=250101", "district=150101"));
    assert!(said.contains("/data/place/district") && said.contains("250105"), "{said}");

    // Tella: one POST per attachment, each with the XML; this requester
    // knows the department only.
    let form = download_form(&app, &tella).await;
    let department_only = ANSWERS.replace("/data/place/province=2501\n/data/place/district=250101\n", "");
    let (instance, _) = fill(&form, &department_only.replace("Juana", "Rosa"));
    for (name, bytes) in [("amenaza.jpg", &photo), ("llamada.amr", &voice)] {
        let (status, answer) =
            post(&app, &tella, &[("xml_submission_file", "submission.xml", instance.as_bytes()), (name, name, bytes)])
                .await;
        assert_eq!(status, 201, "{answer}");
    }
    let cases = db.cases_page(&Default::default(), Default::default(), None, 10).await.unwrap().items;
    assert_eq!(cases.len(), 2);
    let tella_case = cases.iter().map(|(record, _)| record.id).find(|id| *id != case_id).unwrap();
    let tella_file = db.case_file(tella_case).await.unwrap();
    assert_eq!(tella_file.channel, domain::categories::Channel::Tella);
    assert_eq!(tella_file.request.place().ubigeo().as_str(), "25");
    assert_eq!(db.evidence_files(&[tella_case]).await.unwrap().len(), 2);
}

/// An attribute of the form's XML (`base64RsaPublicKey`, `version`).
fn attribute(form: &str, name: &str) -> String {
    let start = form.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    form[start..].split('"').next().unwrap().to_owned()
}

/// Encrypts a filled instance and its media as ODK Collect does, with the
/// independent Python client (tools/openrosa/encrypt_submission.py):
/// the manifest and the encrypted files by name.
fn encrypt(form: &str, instance: &str, instance_id: &str, media: &[(&str, &[u8])]) -> (String, Vec<(String, Vec<u8>)>) {
    let dir = tempfile::tempdir().unwrap();
    let instance_path = dir.path().join("submission.xml");
    std::fs::write(&instance_path, instance).unwrap();
    let out = dir.path().join("out");
    let mut command = std::process::Command::new("/usr/bin/python3");
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/openrosa/encrypt_submission.py"))
        .args(["--public-key", &attribute(form, "base64RsaPublicKey")])
        .args(["--form-id", "resguardo-solicitud", "--version", &attribute(form, "version")])
        .args(["--instance-id", instance_id])
        .arg("--instance")
        .arg(&instance_path)
        .arg("--out")
        .arg(&out);
    for (name, bytes) in media {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        command.arg(path);
    }
    let run = command.output().unwrap();
    assert!(run.status.success(), "encrypting failed: {}", String::from_utf8_lossy(&run.stderr));
    let manifest = std::fs::read_to_string(out.join("manifest.xml")).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = media
        .iter()
        .map(|(name, _)| (format!("{name}.enc"), std::fs::read(out.join(format!("{name}.enc"))).unwrap()))
        .collect();
    files.push(("submission.xml.enc".into(), std::fs::read(out.join("submission.xml.enc")).unwrap()));
    (manifest, files)
}

async fn post_encrypted(app: &TestApp, token: &str, manifest: &str, files: &[(String, Vec<u8>)]) -> (u16, String) {
    let mut parts: Vec<Part<'_>> = vec![("xml_submission_file", "submission.xml", manifest.as_bytes())];
    parts.extend(files.iter().map(|(name, bytes)| (name.as_str(), name.as_str(), bytes.as_slice())));
    post(app, token, &parts).await
}

async fn collect_encrypts_and_the_server_decrypts(db: Database) {
    if odk_jar().is_none() {
        return;
    }
    let app = TestApp::spawn(db.clone()).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let (token, _) = issue(&app, &admin, "Federación Nativa (Collect)", "ODK_COLLECT").await;
    let form = download_form(&app, &token).await;
    let form_text = String::from_utf8(form.clone()).unwrap();
    assert!(form_text.contains("base64RsaPublicKey"), "the form makes Collect encrypt");
    let (photo, voice) = (photo(), voice());
    let media: [(&str, &[u8]); 2] = [("amenaza.jpg", &photo), ("llamada.amr", &voice)];

    let (instance, instance_id) = fill(&form, ANSWERS);
    let (manifest, files) = encrypt(&form_text, &instance, &instance_id, &media);
    assert!(!manifest.contains("KANARIODK") && !files.iter().any(|(_, b)| contains(b, "KANARIODK")), "encrypted");
    let (status, answer) = post_encrypted(&app, &token, &manifest, &files).await;
    assert_eq!(status, 201, "{answer}");
    let number = file_number_in(&answer);
    let case_id = db.find_case_by_file_number(&number).await.unwrap();
    let file = db.case_file(case_id).await.unwrap();
    let facts = file.request.facts().as_str();
    assert_eq!(facts, "Llegaron de noche y amenazaron a la familia.", "the request was decrypted and parsed");
    let received = db.evidence_files(&[case_id]).await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(db.evidence_chunk(&received[0], 0).await.unwrap(), photo, "the photo, decrypted");
    assert_eq!(db.evidence_chunk(&received[1], 0).await.unwrap(), voice, "the voice note, decrypted");
    // The same encrypted submission again: 201, nothing new.
    assert_eq!(post_encrypted(&app, &token, &manifest, &files).await.0, 201);
    assert_eq!(db.evidence_files(&[case_id]).await.unwrap().len(), 2);

    // A manipulated file (one byte of the encrypted photo): refused whole.
    let (instance, instance_id) = fill(&form, &ANSWERS.replace("Juana", "Rosa"));
    let (manifest, mut files) = encrypt(&form_text, &instance, &instance_id, &media);
    files[0].1[100] ^= 0x01;
    let (status, answer) = post_encrypted(&app, &token, &manifest, &files).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("alterado"), "{answer}");
    // A part missing: refused, said so.
    files.remove(0);
    let (status, answer) = post_encrypted(&app, &token, &manifest, &files).await;
    assert_eq!(status, 400, "{answer}");
    let cases = db.cases_page(&Default::default(), Default::default(), None, 10).await.unwrap().items;
    assert_eq!(cases.len(), 1, "nothing filed by the refused ones");

    // The key rotates: the form changes, and what a phone filled and
    // encrypted before the rotation still opens.
    let (instance, instance_id) = fill(&form, &ANSWERS.replace("Juana", "Ana"));
    let (before, before_files) = encrypt(&form_text, &instance, &instance_id, &media);
    let rotated = app.graphql_as(Some(&admin), "mutation { rotateIntakeFormKey }", json!({})).await;
    let version = rotated["data"]["rotateIntakeFormKey"].as_str().unwrap_or_else(|| panic!("{rotated}"));
    assert_ne!(version, attribute(&form_text, "version"), "a new key, a new form version");
    let new_form = String::from_utf8(download_form(&app, &token).await).unwrap();
    assert_ne!(attribute(&new_form, "base64RsaPublicKey"), attribute(&form_text, "base64RsaPublicKey"));
    assert_eq!(post_encrypted(&app, &token, &before, &before_files).await.0, 201, "older keys keep decrypting");
    // The form's private keys are sealed like every sensitive value.
    let sealed = "SELECT COUNT(*) AS n FROM intake_form_keys WHERE private_key LIKE 'ENC1.%'";
    let row =
        db.connection().query_one_raw(sea_orm::Statement::from_string(db.connection().get_database_backend(), sealed));
    let sealed: i64 = row.await.unwrap().unwrap().try_get("", "n").unwrap();
    assert_eq!(sealed, 2, "both key pairs, their private keys sealed");
}

/// The file number a 201 answer names.
fn file_number_in(answer: &str) -> String {
    answer.split("expediente ").nth(1).unwrap().split(['.', ';']).next().unwrap().to_owned()
}

async fn tokens_limits_and_refusals(db: Database) {
    // A small request limit, so the test's oversized POST is written whole
    // before the server answers it (a larger one may see the connection
    // closed mid-body, as a phone would).
    let config = api::ApiConfig { rate_limits: api::RateLimits::OFF, ..api::ApiConfig::default() };
    let web = web::WebConfig { upload_max_bytes: 512 << 10, ..web::WebConfig::default() };
    let app = TestApp::spawn_with_web(db.clone(), config, web).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let (token, token_id) = issue(&app, &admin, "Teléfono de la federación", "ODK_COLLECT").await;
    let listed = app.graphql_as(Some(&admin), "{ intakeTokens { name app revokedAt } }", json!({})).await;
    assert_eq!(listed["data"]["intakeTokens"][0]["name"], "Teléfono de la federación", "{listed}");
    assert!(!listed.to_string().contains(&token), "the secret is shown once, never listed");

    // A token only submits: the reference data, a case, anything else: refused.
    let caller = app.post(&format!("/openrosa/{token}/submission")).header("content-type", "text/plain").body("x");
    let status = caller.send().await.unwrap().status();
    assert_eq!(status, 400, "not multipart");
    // An instance of another form, or no XML: 400 with a message.
    let (status, answer) = post(&app, &token, &[("xml_submission_file", "s.xml", b"<data id=\"otro\"/>")]).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("no corresponde al formulario"), "{answer}");
    let (status, answer) = post(&app, &token, &[("foto.jpg", "foto.jpg", &photo())]).await;
    assert_eq!(status, 400, "{answer}");
    // A filled form missing what the parse requires: each question named.
    let instance = "<data id=\"resguardo-solicitud\"><filer>SELF</filer><beneficiary><kind>PERSON</kind><name/>\
        </beneficiary><place><department>25</department></place><defender_category>INDIGENOUS</defender_category>\
        <aggression_types>THREAT</aggression_types><facts/><language>SPANISH</language><consent>GIVEN</consent>\
        <meta><instanceID>uuid:0b7c6a2e-4f3d-4e8a-9c1b-5d2e7f6a8b90</instanceID></meta></data>";
    let (status, answer) = post(&app, &token, &[("xml_submission_file", "s.xml", instance.as_bytes())]).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("/data/facts") && answer.contains("/data/beneficiary[1]/name"), "{answer}");
    // A place not sent from the form: a district outside the province, a
    // district INEI does not list. Refused, each said.
    let well_filed = instance.replace("<name/>", "<name>Rosa</name>").replace("<facts/>", "<facts>Amenazas</facts>");
    for (place, said) in [
        ("<province>2501</province><district>150101</district>", "no está dentro"),
        ("<province>2501</province><district>250199</district>", "el distrito indicado no existe"),
    ] {
        let sent = well_filed.replace("</department>", &format!("</department>{place}"));
        let (status, answer) = post(&app, &token, &[("xml_submission_file", "s.xml", sent.as_bytes())]).await;
        assert_eq!(status, 400, "{answer}");
        assert!(answer.contains(said), "{answer}");
    }
    // Nothing was filed by any of it.
    assert!(db.cases_page(&Default::default(), Default::default(), None, 10).await.unwrap().items.is_empty());

    // Over the size taken in one POST: 413 before reading.
    let head = app.head(&format!("/openrosa/{token}/submission")).await;
    let accepted: usize = head.headers()["x-openrosa-accept-content-length"].to_str().unwrap().parse().unwrap();
    let big = vec![0u8; accepted + (128 << 10)];
    let (status, answer) =
        post(&app, &token, &[("xml_submission_file", "s.xml", instance.as_bytes()), ("v.mp4", "v.mp4", &big)]).await;
    assert_eq!(status, 413, "{answer}");

    // Revoked: refused at once, the same answer as an unknown token.
    let revoke = "mutation($t: ID!) { revokeIntakeToken(id: $t) { revokedAt } }";
    let revoked = app.graphql_as(Some(&admin), revoke, json!({ "t": token_id })).await;
    assert!(revoked["data"]["revokeIntakeToken"]["revokedAt"].is_string(), "{revoked}");
    for path in [format!("/openrosa/{token}/formList"), "/openrosa/NOTATOKEN/formList".to_owned()] {
        let response = app.get(&path).send().await.unwrap();
        assert_eq!(response.status(), 403, "{path}");
        assert!(response.text().await.unwrap().contains("revocada"));
    }
    assert_eq!(app.head(&format!("/openrosa/{token}/submission")).await.status(), 403);
    let (status, _) = post(&app, &token, &[("xml_submission_file", "s.xml", instance.as_bytes())]).await;
    assert_eq!(status, 403);

    // Every refusal is on the audit trail: the refused forms with their
    // code, the revoked token's tries as denied access, the token's issue
    // and revocation.
    let (entries, _) = db.audit_entries(&db::AuditFilter::default(), None, 1000).await.unwrap();
    let of = |action: AuditAction| entries.iter().filter(|e| e.action == action).count();
    let refused: Vec<&str> = entries
        .iter()
        .filter(|e| e.action == AuditAction::AppSubmissionRefused)
        .filter_map(|e| e.fields.as_deref())
        .collect();
    // (A body that is not a submission at all, or too large, is refused by
    // the transport before any operation runs: metrics count it.)
    assert_eq!(
        refused, ["submitAppInstance:BAD_USER_INPUT"; 4],
        "the other form, the incomplete form, the two places not from the form"
    );
    assert!(of(AuditAction::AccessDenied) >= 3, "the revoked token's list, HEAD and POST");
    assert_eq!((of(AuditAction::IntakeTokenIssued), of(AuditAction::IntakeTokenRevoked)), (1, 1));
    // The token is in every path the app asks for, and in no log line
    // (requests are logged by their route, `/openrosa/{token}/…`).
    assert!(!captured_logs().contains(&token), "the app's token was logged");
}

/// A request filed from an app never carries its access key back; an
/// officer issues one to tell the requester over a safe channel, and with
/// it the requester follows the request.
async fn an_officer_issues_the_access_key_an_app_never_shows(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let admin = app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let (token, _) = issue(&app, &admin, "Defensoras en red (Tella)", "TELLA").await;
    let instance = "<data id=\"resguardo-solicitud\"><filer>SELF</filer><beneficiary><kind>PERSON</kind>\
        <name>Rosa</name></beneficiary><place><department>25</department></place>\
        <defender_category>INDIGENOUS</defender_category><aggression_types>THREAT</aggression_types>\
        <facts>Amenazas por teléfono</facts><language>SPANISH</language><interpreter_needed>no</interpreter_needed>\
        <consent>GIVEN</consent><meta><instanceID>uuid:7d1f0c3e-2b4a-4c5d-8e6f-9a0b1c2d3e4f</instanceID></meta></data>";
    let (status, answer) = post(&app, &token, &[("xml_submission_file", "s.xml", instance.as_bytes())]).await;
    assert_eq!(status, 201, "{answer}");
    let number = file_number_in(&answer);
    let case_id = db.find_case_by_file_number(&number).await.unwrap();
    let issued = app
        .graphql_as(
            Some(&officer),
            "mutation($c: ID!) { issueAccessKey(caseId: $c) }",
            json!({ "c": case_id.to_string() }),
        )
        .await;
    let key = issued["data"]["issueAccessKey"].as_str().unwrap_or_else(|| panic!("{issued}")).to_owned();
    let follow = "query($f: String!, $k: String!) { myRequest(fileNumber: $f, accessKey: $k) { status } }";
    let status = app.graphql(follow, json!({ "f": number, "k": key })).await;
    assert_eq!(status["data"]["myRequest"]["status"], "RECEIVED", "{status}");
    // Issued again (the first was lost): the earlier key stops working.
    let again = app
        .graphql_as(
            Some(&officer),
            "mutation($c: ID!) { issueAccessKey(caseId: $c) }",
            json!({ "c": case_id.to_string() }),
        )
        .await;
    assert!(again["data"]["issueAccessKey"].is_string());
    let old = app.graphql(follow, json!({ "f": number, "k": key })).await;
    assert_eq!(old["errors"][0]["extensions"]["code"], "FORBIDDEN");
    // The app resending the same submission still gets its 201.
    let (status, answer) = post(&app, &token, &[("xml_submission_file", "s.xml", instance.as_bytes())]).await;
    assert_eq!(status, 201, "a key issued since does not make the resend a conflict: {answer}");
    let audit = db.audit_trail(case_id).await.unwrap();
    let issued = audit.iter().filter(|e| e.action == domain::workflow::AuditAction::AccessKeyIssued).count();
    assert_eq!(issued, 2, "each issue is audited on the case");
}
