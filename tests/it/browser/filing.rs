//! People filing and following a request in the browser, on a 360-px
//! phone: a defender step by step with the usual mistakes, with script and
//! without; a third party filing for someone else. What the officer then
//! sees through the API is what the browser sent.

use browser::Options;
use db::Database;
use serde_json::json;

use super::officer::{Officer, note_of};
use super::tour::{self, Filed, NAME, QUESTION};
use super::{Page, button, message};
use crate::app::TestApp;
use crate::support::on_both_databases;

on_both_databases!(
    a_defender_files_on_a_phone_fixes_mistakes_and_follows_the_request,
    a_defender_files_and_follows_without_javascript,
    a_third_party_files_for_someone_else,
);

async fn a_defender_files_on_a_phone_fixes_mistakes_and_follows_the_request(db: Database) {
    defender(db, Options::phone()).await;
}

async fn a_defender_files_and_follows_without_javascript(db: Database) {
    defender(db, Options::phone().without_javascript()).await;
}

const ANSWER: &str = "Ahora vive en la comunidad Santa Rosa, a dos horas de Pucallpa.";
const NEW_EVIDENCE: &str = "Carta anónima dejada en la puerta";
const NEW_REFERENCE: &str = "La guarda la presidenta de la comunidad";
const REASON: &str = "La defensora se mudó fuera del país";

async fn defender(db: Database, options: Options) {
    let javascript = options.javascript;
    let app = TestApp::spawn(db).await;
    let officer = Officer::new(&app).await;
    let page = Page::open(&app, options).await;
    page.goto("/").await;
    let script_ran = page.js("return document.documentElement.classList.contains('js');").await;
    assert_eq!(script_ran, json!(javascript), "the pages' script runs only when JavaScript is on");
    page.press("main a.boton[href^='/solicitud']").await;

    // Step 1: the name forgotten; what was typed stays.
    page.assert_step(1).await;
    page.choose("f-filer-SELF").await;
    page.pick("f-beneficiaries-0-documentKind", "DNI").await;
    page.fill("f-beneficiaries-0-documentNumber", tour::DOCUMENT).await;
    page.action("siguiente").await;
    page.assert_step(1).await;
    page.assert_error_at("f-beneficiaries-0-name").await;
    assert!(page.checked("f-filer-SELF").await, "the choice is kept");
    assert_eq!(page.value("f-beneficiaries-0-documentNumber").await, tour::DOCUMENT, "the input is kept");
    assert_eq!(page.value("f-beneficiaries-0-documentKind").await, "DNI");
    // The summary's link leads to the field.
    page.find(".resumen-errores a[href='#f-beneficiaries-0-name']").await.click().await.unwrap();
    page.wait_until("the summary's link reaches the name", "location.hash === '#f-beneficiaries-0-name'").await;
    page.fill("f-beneficiaries-0-name", NAME).await;
    page.action("siguiente").await;

    page.assert_step(2).await;
    page.pick("f-place-ubigeo", "25").await;
    page.fill("f-place-detail", tour::PLACE).await;
    page.action("siguiente").await;

    // Step 3: no kind of aggression ticked, nothing told.
    page.assert_step(3).await;
    page.choose("f-defenderCategory-INDIGENOUS").await;
    page.fill("f-evidence-0-description", tour::EVIDENCE).await;
    page.action("siguiente").await;
    page.assert_step(3).await;
    page.assert_error_at("f-aggressionTypes").await;
    page.assert_error_at("f-facts").await;
    assert!(page.checked("f-defenderCategory-INDIGENOUS").await, "the category is kept");
    assert_eq!(page.value("f-evidence-0-description").await, tour::EVIDENCE, "the evidence is kept");
    page.choose("f-aggressionTypes-THREAT").await;
    page.choose("f-aggressionTypes-HARASSMENT").await;
    page.fill("f-facts", tour::FACTS).await;
    page.action("siguiente").await;

    page.assert_step(4).await;
    page.choose("f-requestedMeasures-types-POLICE-PATROLS").await;
    page.action("siguiente").await;

    page.assert_step(5).await;
    page.fill("f-contact-phone", tour::PHONE).await;
    page.pick("f-language", "SPANISH").await;
    page.action("siguiente").await;

    // Step 6: sent without consent; then consent given and the button
    // tapped twice in a row.
    page.assert_step(6).await;
    let review = page.text(".revision").await;
    for typed in [NAME, tour::FACTS, tour::PLACE, "Ucayali"] {
        assert!(review.contains(typed), "the review shows {typed:?}: {review}");
    }
    page.action("enviar").await;
    page.assert_step(6).await;
    page.assert_error_at("f-consent-status").await;
    assert_eq!(officer.cases_filed().await, 0, "nothing is filed while a step has errors");
    page.choose("f-consent-status-GIVEN").await;
    let key = page.js("return document.querySelector('input[name=idempotencyKey]').value;").await;
    page.mark().await;
    double_click(&page, &button("enviar")).await;
    page.wait_replaced("the receipt after a double tap").await;
    let filed = tour::receipt(&page, key.as_str().unwrap().to_owned()).await;
    assert_eq!(officer.cases_filed().await, 1, "a double tap files one request");

    // A reload of the receipt posts the last step again, with its key.
    reload_receipt(&page, &filed).await;
    assert_eq!(officer.cases_filed().await, 1, "a reload files nothing more");

    let case = officer.case(&filed.file_number).await;
    let request = &case["request"];
    assert_eq!(case["channel"], "WEB");
    assert!(request["thirdParty"].is_null(), "filed by the defender herself");
    assert_eq!(request["beneficiaries"][0]["name"], NAME);
    assert_eq!(request["beneficiaries"][0]["documentKind"], "DNI");
    assert_eq!(request["beneficiaries"][0]["documentNumber"], tour::DOCUMENT);
    assert_eq!(request["place"]["detail"], tour::PLACE);
    assert!(request["place"]["ubigeo"].as_str().unwrap().starts_with("25"), "{}", request["place"]);
    assert_eq!(request["defenderCategory"], "INDIGENOUS");
    assert_eq!(request["aggressionTypes"], json!(["THREAT", "HARASSMENT"]));
    assert_eq!(request["facts"], tour::FACTS);
    assert_eq!(request["evidence"][0]["description"], tour::EVIDENCE);
    assert_eq!(request["requestedMeasures"][0]["measureType"], "POLICE_PATROLS");
    assert_eq!(request["contact"]["phone"], tour::PHONE);
    assert_eq!(request["language"], "SPANISH");
    assert_eq!(request["consent"]["status"], "GIVEN");

    follow(&page, &officer, &filed).await;
    page.close().await;
}

/// Two clicks in a row on `selector`, as a thumb taps twice: WebDriver's
/// pointer actions, without waiting between them.
async fn double_click(page: &Page, selector: &str) {
    use browser::fantoccini::actions::{InputSource, MouseActions, PointerAction};
    let target = page.find(selector).await;
    let mouse = MouseActions::new("dedo".into())
        .then(PointerAction::MoveToElement { element: target, duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: 0 })
        .then(PointerAction::Up { button: 0 })
        .then(PointerAction::Down { button: 0 })
        .then(PointerAction::Up { button: 0 });
    page.client().perform_actions(mouse).await.unwrap();
}

/// The receipt is the answer to a post: reloading it makes the browser
/// send the same form again (Chrome would ask first; chromedriver says
/// yes), and the same key gets the same receipt, marked as a replay.
async fn reload_receipt(page: &Page, filed: &Filed) {
    page.mark().await;
    page.client().refresh().await.unwrap();
    page.wait_replaced("the receipt reloaded").await;
    let again = tour::receipt(page, filed.idempotency_key.clone()).await;
    assert_eq!((&again.file_number, &again.access_key), (&filed.file_number, &filed.access_key), "the same receipt");
    let notice = page.text(".aviso").await;
    assert_eq!(notice, message("recibo-ya-registrada"), "the replay says so");
}

/// The defender follows the request: answers the officer's question,
/// adds evidence, withdraws consent after confirming.
async fn follow(page: &Page, officer: &Officer<'_>, filed: &Filed) {
    officer.request_information(&filed.file_number, QUESTION).await;
    page.goto("/").await;
    page.press("main a.boton[href^='/seguimiento']").await;
    // Typed as people copy it: small letters.
    tour::look_up(page, &filed.file_number, &filed.access_key.to_lowercase()).await;
    assert!(page.text(".pregunta blockquote").await.contains(QUESTION), "the pending question");
    let status = page.text(".estado-actual").await;
    assert!(!status.is_empty(), "the status is written out");

    page.fill("f-answer", ANSWER).await;
    page.action("responder").await;
    assert_eq!(page.text(".aviso").await, message("seguimiento-respuesta-enviada"));
    assert!(!page.exists(".pregunta").await, "the question is answered");
    let case = officer.case(&filed.file_number).await;
    assert_eq!(case["status"], "UNDER_REVIEW", "the review goes on");
    assert_eq!(note_of(&case, "INFORMATION_RECEIVED").as_deref(), Some(ANSWER), "the officer reads the answer");

    page.fill("f-evidence-description", NEW_EVIDENCE).await;
    page.fill("f-evidence-reference", NEW_REFERENCE).await;
    page.action("agregar-prueba").await;
    assert_eq!(page.text(".aviso").await, message("seguimiento-prueba-enviada"));
    assert_eq!(page.value("f-evidence-description").await, "", "the form starts empty again");
    let case = officer.case(&filed.file_number).await;
    assert_eq!(note_of(&case, "EVIDENCE_ADDED").as_deref(), Some(NEW_EVIDENCE), "the officer sees the evidence");

    page.action("retirar").await;
    assert_eq!(officer.case(&filed.file_number).await["status"], "UNDER_REVIEW", "nothing happens before confirming");
    page.fill("f-reason", REASON).await;
    page.action("retirar-confirmado").await;
    assert_eq!(page.text(".aviso").await, message("seguimiento-retiro-hecho"));
    assert!(!page.exists(&button("retirar")).await, "consent can be withdrawn once");
    let case = officer.case(&filed.file_number).await;
    assert_eq!(case["status"], "ARCHIVED", "withdrawn before any measure: archived");
    assert_eq!(note_of(&case, "CONSENT_WITHDRAWN").as_deref(), Some(REASON), "the officer reads why");
}

async fn a_third_party_files_for_someone_else(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = Officer::new(&app).await;
    let page = Page::open(&app, Options::phone()).await;
    page.goto("/solicitud").await;
    // The requester's own details are asked only of someone filing for
    // another person.
    let third = page.find("fieldset.tercero").await;
    assert!(!third.is_displayed().await.unwrap(), "nothing chosen yet: no third-party fields");
    page.choose("f-filer-SELF").await;
    assert!(!third.is_displayed().await.unwrap(), "filing for oneself: no third-party fields");
    page.choose("f-filer-OTHER").await;
    assert!(third.is_displayed().await.unwrap(), "filing for another: the third-party fields");

    page.action("siguiente").await;
    page.assert_error_at("f-thirdParty-name").await;
    page.assert_error_at("f-thirdParty-relationship").await;
    page.fill("f-thirdParty-name", "Juan Pérez Condori").await;
    page.pick("f-thirdParty-relationship", "ORGANISATION").await;
    page.fill("f-thirdParty-relationshipDetail", "Secretario de la federación").await;
    page.fill("f-thirdParty-organisation", "Federación Nativa del Ucayali").await;
    page.choose("f-beneficiaries-0-collective-INDIGENOUS-COMMUNITY").await;
    page.fill("f-beneficiaries-0-name", "Comunidad Nativa Nuevo Amanecer").await;
    page.fill("f-beneficiaries-0-approximateMembers", "250").await;
    page.action("siguiente").await;
    page.assert_step(2).await;
    page.pick("f-place-ubigeo", "25").await;
    page.action("siguiente").await;
    page.choose("f-defenderCategory-INDIGENOUS").await;
    page.choose("f-aggressionTypes-HARASSMENT").await;
    page.fill("f-facts", tour::FACTS).await;
    page.action("siguiente").await;
    page.action("siguiente").await;
    page.assert_step(5).await;
    page.fill("f-contact-email", "federacion@example.pe").await;
    page.pick("f-language", "SPANISH").await;
    page.action("siguiente").await;
    page.assert_step(6).await;
    let review = page.text(".revision").await;
    assert!(review.contains("Juan Pérez Condori"), "the review names who asks: {review}");
    page.choose("f-consent-status-GIVEN").await;
    page.action("enviar").await;
    let filed = tour::receipt(&page, String::new()).await;
    page.close().await;

    let request = officer.case(&filed.file_number).await["request"].clone();
    assert_eq!(
        request["thirdParty"],
        json!({
            "name": "Juan Pérez Condori",
            "relationship": "ORGANISATION",
            "relationshipDetail": "Secretario de la federación",
            "organisation": "Federación Nativa del Ucayali",
        })
    );
    assert_eq!(request["contact"]["email"], "federacion@example.pe");
    assert_eq!(request["beneficiaries"][0]["collective"], "INDIGENOUS_COMMUNITY");
    assert_eq!(request["beneficiaries"][0]["approximateMembers"], 250);
}
