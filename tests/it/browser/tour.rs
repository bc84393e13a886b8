//! Every page and state a person can reach, in the order they reach them:
//! the start page, each step empty and with errors, the receipt, the
//! lookup (empty, with a wrong key), the status with a pending question,
//! a new incident sent empty, the confirmation of a withdrawal, a page that does not exist, the
//! quick exit's blank page. The accessibility, layout and safety checks
//! each visit them all, in Spanish or with `?lengua=qu`.

use super::Page;
use super::officer::Officer;

/// What a check does at each stop.
pub(crate) trait Visit {
    async fn at(&mut self, page: &Page, state: &'static str);
}

/// What the tour typed and was given, for the checks that look for it.
pub(crate) struct Filed {
    pub(crate) file_number: String,
    pub(crate) access_key: String,
    pub(crate) idempotency_key: String,
    /// Everything personal typed into the form.
    pub(crate) typed: Vec<&'static str>,
}

impl Filed {
    /// The strings no URL, title or history entry may hold.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let mut all: Vec<String> = self.typed.iter().map(|s| (*s).to_owned()).collect();
        all.push(self.file_number.clone());
        all.push(self.access_key.clone());
        all.extend(self.access_key.split('-').filter(|g| g.len() >= 4).map(str::to_owned));
        all.push(self.idempotency_key.clone());
        all
    }
}

pub(crate) const NAME: &str = "Rosa Huamán Ccori";
pub(crate) const DOCUMENT: &str = "40123456";
pub(crate) const PLACE: &str = "Comunidad nativa Nuevo Amanecer, margen izquierda del río Ucayali";
pub(crate) const FACTS: &str = "Desde marzo recibo amenazas de muerte por defender el territorio de la comunidad.";
pub(crate) const EVIDENCE: &str = "Audios de las amenazas recibidas por WhatsApp";
pub(crate) const PHONE: &str = "961222333";
pub(crate) const QUESTION: &str = "¿En qué comunidad vive ahora la defensora?";

/// Step 1 to step 6 as a defender fills them (with the mistakes shown
/// on the way when `mistakes`), ending on the receipt.
pub(crate) async fn file(page: &Page, visit: &mut impl Visit, mistakes: bool) -> Filed {
    page.assert_step(1).await;
    visit.at(page, "paso-1").await;
    if mistakes {
        page.action("siguiente").await;
        page.assert_error_at("f-beneficiaries-0-name").await;
        visit.at(page, "paso-1-errores").await;
    }
    page.choose("f-filer-SELF").await;
    page.fill("f-beneficiaries-0-name", NAME).await;
    page.pick("f-beneficiaries-0-documentKind", "DNI").await;
    page.fill("f-beneficiaries-0-documentNumber", DOCUMENT).await;
    page.action("siguiente").await;

    page.assert_step(2).await;
    visit.at(page, "paso-2").await;
    page.pick("f-place-ubigeo", "25").await;
    page.fill("f-place-detail", PLACE).await;
    page.action("siguiente").await;

    page.assert_step(3).await;
    visit.at(page, "paso-3").await;
    if mistakes {
        page.action("siguiente").await;
        page.assert_error_at("f-aggressionTypes").await;
        page.assert_error_at("f-facts").await;
        visit.at(page, "paso-3-errores").await;
    }
    page.choose("f-defenderCategory-INDIGENOUS").await;
    page.choose("f-aggressionTypes-THREAT").await;
    page.fill("f-facts", FACTS).await;
    page.fill("f-evidence-0-description", EVIDENCE).await;
    page.action("siguiente").await;

    page.assert_step(4).await;
    visit.at(page, "paso-4").await;
    page.choose("f-requestedMeasures-types-POLICE-PATROLS").await;
    page.action("siguiente").await;

    page.assert_step(5).await;
    visit.at(page, "paso-5").await;
    page.fill("f-contact-phone", PHONE).await;
    page.pick("f-language", "SPANISH").await;
    page.action("siguiente").await;

    page.assert_step(6).await;
    visit.at(page, "paso-6").await;
    if mistakes {
        page.action("enviar").await;
        page.assert_error_at("f-consent-status").await;
        visit.at(page, "paso-6-errores").await;
    }
    page.choose("f-consent-status-GIVEN").await;
    let idempotency_key = page
        .js("return document.querySelector('input[name=idempotencyKey]').value;")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    page.action("enviar").await;
    let filed = receipt(page, idempotency_key).await;
    visit.at(page, "recibo").await;
    filed
}

/// The file number and key the receipt shows.
pub(crate) async fn receipt(page: &Page, idempotency_key: String) -> Filed {
    let file_number = page.text("#recibo-expediente").await;
    assert!(file_number.starts_with("AT-2026-"), "the receipt's file number: {file_number:?}");
    let groups =
        page.js("return [...document.querySelectorAll('#recibo-clave .grupo-clave')].map(g => g.textContent);").await;
    let groups: Vec<&str> = groups.as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    assert!(groups.len() >= 4, "the access key in groups: {groups:?}");
    Filed {
        file_number,
        access_key: groups.join("-"),
        idempotency_key,
        typed: vec![NAME, DOCUMENT, PLACE, FACTS, EVIDENCE, PHONE, "Ucayali", "Rosa", "Huamán"],
    }
}

/// The lookup form, filled with `key`, posted.
pub(crate) async fn look_up(page: &Page, file_number: &str, key: &str) {
    page.fill("f-fileNumber", file_number).await;
    page.fill("f-accessKey", key).await;
    page.action("consultar").await;
}

/// The whole tour in one language: `lang` is `""` (Spanish, the
/// browser's own) or `"qu"`.
pub(crate) async fn tour(page: &Page, officer: &Officer<'_>, lang: &str, visit: &mut impl Visit) -> Filed {
    let query = if lang.is_empty() { String::new() } else { format!("?lengua={lang}") };
    page.goto(&format!("/{query}")).await;
    visit.at(page, "inicio").await;
    page.press("main a.boton[href^='/solicitud']").await;
    let filed = file(page, visit, true).await;

    officer.request_information(&filed.file_number, QUESTION).await;
    page.press("main a.boton[href^='/seguimiento']").await;
    assert!(page.exists("#f-fileNumber").await, "the receipt leads to the lookup");
    visit.at(page, "consulta").await;
    look_up(page, &filed.file_number, "AAAA-BBBB-CCCC-DDDD-EEEE").await;
    assert!(
        page.exists("#f-accessKey").await && page.exists(".aviso").await,
        "a wrong key: the form again, with a notice"
    );
    visit.at(page, "consulta-clave-incorrecta").await;
    look_up(page, &filed.file_number, &filed.access_key).await;
    assert!(page.text(".pregunta blockquote").await.contains(QUESTION), "the pending question is shown");
    visit.at(page, "estado-con-pregunta").await;
    // A new incident sent with nothing filled in: every problem at once.
    page.action("informar-incidente").await;
    page.assert_error_at("f-incident-aggressionTypes").await;
    page.assert_error_at("f-incident-occurredOn").await;
    visit.at(page, "incidente-errores").await;
    page.action("retirar").await;
    assert!(page.exists(&super::button("retirar-confirmado")).await, "withdrawing asks to confirm");
    visit.at(page, "retiro-confirmar").await;

    page.goto(&format!("/no-existe{query}")).await;
    visit.at(page, "no-existe").await;
    page.goto(&format!("/{query}")).await;
    page.press("a.salir").await;
    assert!(page.url_now().await.ends_with("/salir"), "the quick exit leads to /salir");
    visit.at(page, "salir").await;
    filed
}
