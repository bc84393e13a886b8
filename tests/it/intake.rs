//! Public intake over HTTP: errors a person can act on, staff registering
//! requests received by phone, and what a requester can do with their key.

use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::procedure::request_input;
use crate::support::on_both_databases;

on_both_databases!(
    invalid_requests_name_every_field_and_never_echo_values,
    staff_register_requests_received_by_phone,
    requesters_add_evidence_and_withdraw_consent,
    the_demo_loads_once_and_its_accounts_work,
    access_keys_are_keyed_and_old_ones_keep_working,
);

const FILE: &str = "mutation($input: RequestInput!) { submitRequest(input: $input) { fileNumber accessKey } }";

const MY_REQUEST: &str = "query($f: String!, $k: String!) { myRequest(fileNumber: $f, accessKey: $k) { status } }";

fn filed(body: &Value) -> (String, String) {
    assert!(body["errors"].is_null(), "{body}");
    let filed = &body["data"]["submitRequest"];
    (filed["fileNumber"].as_str().unwrap().to_owned(), filed["accessKey"].as_str().unwrap().to_owned())
}

async fn invalid_requests_name_every_field_and_never_echo_values(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let mut input = request_input("a-perfectly-fine-key-0001");
    input["place"]["ubigeo"] = json!("9901");
    input["beneficiaries"][0]["name"] = json!("   ");
    input["contact"]["email"] = json!("maria.secreta@");
    input["facts"] = json!("");
    let body = app.graphql(FILE, json!({ "input": input })).await;
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    let fields: Vec<&str> =
        error["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["input.contact.email", "input.beneficiaries[0].name", "input.place.ubigeo", "input.facts"]);
    assert_eq!(error["extensions"]["field"], "input.contact.email");
    assert!(!body.to_string().contains("secreta"), "messages never repeat what was typed");

    let weak_key = app.graphql(FILE, json!({ "input": request_input("123") })).await;
    assert_eq!(weak_key["errors"][0]["extensions"]["field"], "input.idempotencyKey");
    // A document that does not fit the schema is the client program's
    // mistake: GraphQL's report, in our words, says which field is missing.
    let incomplete = app.graphql(FILE, json!({ "input": { "idempotencyKey": "x" } })).await;
    assert_eq!(incomplete["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{incomplete}");
    // Nothing was filed.
    assert!(db.cases_page(&Default::default(), Default::default(), None, 10).await.unwrap().items.is_empty());
}

async fn staff_register_requests_received_by_phone(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let register =
        "mutation($i: RequestInput!) { registerRequest(channel: PHONE, input: $i) { fileNumber accessKey } }";
    let body =
        app.graphql_as(Some(&officer), register, json!({ "i": request_input("phone-call-2026-07-13-01") })).await;
    let number = body["data"]["registerRequest"]["fileNumber"].as_str().unwrap();
    let id = db.find_case_by_file_number(number).await.unwrap();
    assert_eq!(db.case_file(id).await.unwrap().channel, domain::categories::Channel::Phone);
    let audit = db.audit_trail(id).await.unwrap();
    assert_eq!(audit[0].actor_role, Role::Officer, "registered by an officer, not by the public");
    let anonymous = app.graphql(register, json!({ "i": request_input("phone-call-2026-07-13-02") })).await;
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

async fn requesters_add_evidence_and_withdraw_consent(db: Database) {
    let app = TestApp::spawn(db.clone()).await;
    let (number, key) = filed(&app.graphql(FILE, json!({ "input": request_input("consent-withdrawal-0001") })).await);
    let evidence = "mutation($f: String!, $k: String!) { addEvidence(fileNumber: $f, accessKey: $k, evidence: { description: \"Nueva amenaza escrita\", reference: \"Foto en el teléfono\" }) { status } }";
    let body = app.graphql(evidence, json!({ "f": number, "k": key })).await;
    assert_eq!(body["data"]["addEvidence"]["status"], "RECEIVED");
    let withdraw = "mutation($f: String!, $k: String!) { withdrawConsent(fileNumber: $f, accessKey: $k, reason: \"Se mudó al extranjero\") { status } }";
    let body = app.graphql(withdraw, json!({ "f": number.to_lowercase(), "k": key })).await;
    assert_eq!(body["data"]["withdrawConsent"]["status"], "ARCHIVED", "no measures yet: the request is closed");
    let again = app.graphql(withdraw, json!({ "f": number, "k": key })).await;
    assert_eq!(again["errors"][0]["extensions"]["code"], "INVALID_TRANSITION");
    let id = db.find_case_by_file_number(&number).await.unwrap();
    let actions: Vec<&str> =
        db.case_events(id).await.unwrap().iter().map(|e| e.action.code()).collect::<Vec<_>>().into_iter().collect();
    assert_eq!(actions, ["RECEIVED", "EVIDENCE_ADDED", "CONSENT_WITHDRAWN"]);
}

async fn the_demo_loads_once_and_its_accounts_work(db: Database) {
    let secret = api::AccessKeySecret::generate().unwrap();
    let summary = server::demo::load(&db, &secret, crate::fixtures::at("2026-07-13")).await.unwrap().unwrap();
    assert_eq!(summary.accounts.len(), 7);
    assert_eq!(summary.cases.len(), 5);
    assert!(server::demo::load(&db, &secret, crate::fixtures::at("2026-07-13")).await.unwrap().is_none(), "only once");

    let app = TestApp::spawn(db).await;
    let officer = app.login("oficial@demo.resguardo.pe", server::demo::PASSWORD).await;
    let statuses =
        app.graphql_as(Some(&officer), "{ cases(first: 10) { edges { node { status } } } }", json!({})).await;
    let mut statuses: Vec<&str> = statuses["data"]["cases"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        ["ARCHIVED", "INFORMATION_REQUESTED", "MEASURES_IN_IMPLEMENTATION", "RECEIVED", "RISK_ASSESSED"]
    );

    let coordinator = app.login("mininter@demo.resguardo.pe", server::demo::PASSWORD).await;
    let measures =
        app.graphql_as(Some(&coordinator), "{ measures { edges { node { id status sector } } } }", json!({})).await;
    let edges = measures["data"]["measures"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    let ack = app
        .graphql_as(
            Some(&coordinator),
            "mutation($m: ID!) { acknowledgeMeasure(measureId: $m) { status } }",
            json!({ "m": edges[0]["node"]["id"] }),
        )
        .await;
    assert_eq!(ack["data"]["acknowledgeMeasure"]["status"], "ACKNOWLEDGED");
    // The demo's coordination meeting: MININTER sees its own agreement only.
    let meetings =
        app.graphql_as(Some(&coordinator), "{ meetings { sectors agreements { sector } } }", json!({})).await;
    assert_eq!(
        meetings["data"]["meetings"],
        json!([{ "sectors": ["MINAM", "MININTER"], "agreements": [{ "sector": "MININTER" }] }])
    );

    let (number, _, key) = summary.cases.iter().find(|(_, _, key)| key.is_some()).unwrap();
    let status = app
        .graphql(
            "query($f: String!, $k: String!) { myRequest(fileNumber: $f, accessKey: $k) { pendingQuestion { question } } }",
            json!({ "f": number, "k": key }),
        )
        .await;
    assert!(status["data"]["myRequest"]["pendingQuestion"]["question"].as_str().unwrap().contains("distrito"));
}

/// The access key as it was derived before keys were keyed (an unkeyed
/// SHA-256 of the idempotency key), and the digest stored for it: how a
/// case filed by an earlier version looks in the database.
fn legacy_access_key(idempotency_key: &str) -> (String, String) {
    use sha2::{Digest, Sha256};
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let digest = Sha256::digest(format!("resguardo/access-key/v1\0{idempotency_key}").as_bytes());
    let bits = digest[..13].iter().fold(0u128, |bits, byte| (bits << 8) | u128::from(*byte));
    let mut key = String::new();
    for i in 0..20 {
        if i > 0 && i % 4 == 0 {
            key.push('-');
        }
        key.push(char::from(ALPHABET[((bits >> (104 - 5 * (i + 1))) & 0x1f) as usize]));
    }
    let typed: String = key.chars().filter(char::is_ascii_alphanumeric).collect();
    let hash = Sha256::digest(format!("resguardo/access-key-hash/v1\0{typed}").as_bytes());
    (key, hash.iter().map(|b| format!("{b:02x}")).collect())
}

async fn access_keys_are_keyed_and_old_ones_keep_working(db: Database) {
    let one = TestApp::spawn(db.clone()).await;
    let other_secret = TestApp::spawn(db.clone()).await;
    let key = "keyed-access-5e1d8b0c-93aa";
    let (file, access) = filed(&one.graphql(FILE, json!({ "input": request_input(key) })).await);
    let (legacy, legacy_hash) = legacy_access_key(key);
    assert_ne!(access, legacy, "knowing the idempotency key is not enough to compute the access key");

    // A server with another secret cannot give the key back on a retry; the
    // requester's key still works there.
    let retried = other_secret.graphql(FILE, json!({ "input": request_input(key) })).await;
    assert_eq!(retried["errors"][0]["extensions"]["code"], "CONFLICT", "{retried}");
    assert!(!retried.to_string().contains(&access), "{retried}");
    let status = other_secret.graphql(MY_REQUEST, json!({ "f": file, "k": access })).await;
    assert_eq!(status["data"]["myRequest"]["status"], "RECEIVED", "{status}");

    // A case filed before the change, with the unkeyed key: it still opens,
    // and a retry of it gets that key back.
    let old_key = "legacy-access-2b7c41f9-0d6e";
    let (old_file, keyed) = filed(&one.graphql(FILE, json!({ "input": request_input(old_key) })).await);
    let (legacy, legacy_hash_of_old) = legacy_access_key(old_key);
    use sea_orm::ConnectionTrait;
    db.connection()
        .execute_unprepared(&format!(
            "UPDATE cases SET access_key_hash = '{legacy_hash_of_old}' WHERE file_number = '{old_file}'"
        ))
        .await
        .unwrap();
    let opened = one.graphql(MY_REQUEST, json!({ "f": old_file, "k": legacy })).await;
    assert_eq!(opened["data"]["myRequest"]["status"], "RECEIVED", "{opened}");
    let refused = one.graphql(MY_REQUEST, json!({ "f": old_file, "k": keyed })).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let replay = one.graphql(FILE, json!({ "input": request_input(old_key) })).await;
    assert_eq!(filed(&replay), (old_file, legacy.clone()), "a retry gets the key the request was filed with");
    assert_ne!(legacy_hash, legacy_hash_of_old);

    // A key too regular to be random is refused, saying what to use.
    let weak = one.graphql(FILE, json!({ "input": request_input("aaaaaaaaaaaaaaaaaaaa") })).await;
    assert_eq!(weak["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{weak}");
    assert_eq!(weak["errors"][0]["extensions"]["field"], "input.idempotencyKey");
    assert!(weak["errors"][0]["message"].as_str().unwrap().contains("aleatorio"), "{weak}");
}
