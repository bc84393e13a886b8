//! The staff console in a real browser, the README's procedure by
//! clicking: an officer signs in by typing, takes a request from the queue
//! into review, fails a criterion and asks the requester, who answers on
//! the public page; the officer admits it, assesses an urgent risk, issues
//! a resolution for two sectors (its date mistyped first), notifies both
//! measures, opens the second factor's QR code and signs out; MININTER's
//! coordinator acknowledges and reports progress and finds the case closed
//! to them, MINJUSDH's acknowledges and reports its measure carried out;
//! the supervisor sees the decision met on time and the charts; the admin
//! adds a non-working day after seeing its effect, and visits the
//! catalogues and the rules; the officer's deadline moved over that day;
//! the auditor filters the trail and verifies the chain.
//! At every state: axe-core (desktop and phone), no sideways scrolling at
//! 320 px, and the same walk with JavaScript off.

use browser::Options;
use db::Database;
use domain::roles::Role;
use serde_json::json;

use super::Page;
use super::axe::check;
use super::keyboard::Keyboard;
use super::tour::Visit;
use crate::app::{PASSWORD, TestApp};
use crate::support::on_both_databases;

on_both_databases!(
    axe_finds_nothing_on_any_console_page_at_desktop_or_phone_width,
    the_console_works_without_javascript_and_fits_320_px,
    a_resolution_is_issued_with_the_keyboard_alone,
    an_open_case_page_says_when_its_case_changes_elsewhere,
);

/// How many states the walk stops at.
const STATES: usize = 38;

async fn sign_in(page: &Page, email: &str, password: &str) {
    page.fill("f-email", email).await;
    page.fill("f-password", password).await;
    page.press("main form button[type=submit]").await;
}

/// Types `text` into the field `selector` finds (fields whose id carries
/// a measure's id).
async fn type_into(page: &Page, selector: &str, text: &str) {
    page.find(selector).await.send_keys(text).await.unwrap_or_else(|e| panic!("type into {selector}: {e}"));
}

/// The second working day from the app's today: a non-working day there
/// moves the measures' implementation deadlines notified today.
fn working_day_ahead(app: &TestApp) -> chrono::NaiveDate {
    domain::calendar::Calendar::peru_default().add_working_days(app.today(), 2, None)
}

const QUESTION: &str = "¿En qué comunidad ocurrieron las amenazas?";
const ANSWER: &str = "En la comunidad nativa de Santa Rosa, el 3 de julio.";

/// The README's procedure, clicked through: each state is handed to `visit`.
async fn walk(page: &Page, app: &TestApp, visit: &mut impl Visit) {
    let (number, key) = crate::console::file_request(app).await;
    page.goto("/consola/entrar").await;
    visit.at(page, "entrar").await;
    sign_in(page, "oficial@dgdh.gob.pe", "no es").await;
    assert!(page.visible_text().await.contains("El correo o la contraseña no son correctos"));
    visit.at(page, "entrar-error").await;
    sign_in(page, "oficial@dgdh.gob.pe", PASSWORD).await;
    assert!(page.url_now().await.ends_with("/consola/casos"), "{}", page.url_now().await);
    visit.at(page, "colas").await;
    page.press("a[href='/consola/casos?cola=nuevas']").await;
    assert!(page.visible_text().await.contains(&number));
    visit.at(page, "colas-nuevas").await;
    page.press("a.expediente").await;
    let case_path = page.url_now().await.split("/consola").nth(1).map(|p| format!("/consola{p}")).unwrap();
    visit.at(page, "caso-recibido").await;

    // Assign (the first officer on the list), start the review.
    page.js("const s = document.getElementById('f-asignar-officerId'); s.selectedIndex = 1;").await;
    page.action("asignar").await;
    page.action("iniciar-calificacion").await;
    // A failed criterion without its note: refused, next to the criterion.
    for i in 0..6 {
        page.choose(&format!("f-calificar-input-criteria-{i}-met-{}", if i == 1 { "false" } else { "true" })).await;
    }
    page.choose("f-calificar-input-outcome-ADMIT").await;
    page.action("calificar").await;
    page.assert_error_at("f-calificar-input-criteria-1-note").await;
    assert!(page.checked("f-calificar-input-criteria-1-met-false").await, "what was chosen is kept");
    visit.at(page, "caso-calificacion-errores").await;
    // The criterion is not met yet: the requester is asked.
    page.fill("f-pedir-informacion-question", QUESTION).await;
    page.action("pedir-informacion").await;
    assert!(page.visible_text().await.contains("Información solicitada"));
    visit.at(page, "caso-informacion-pedida").await;

    // The requester answers on the public page, with the file number and key.
    page.goto("/seguimiento").await;
    super::tour::look_up(page, &number, &key).await;
    assert!(page.text(".pregunta blockquote").await.contains(QUESTION));
    page.fill("f-answer", ANSWER).await;
    page.action("responder").await;
    assert_eq!(page.text(".aviso").await, super::message("seguimiento-respuesta-enviada"));
    visit.at(page, "seguimiento-respondida").await;

    // Back on the case: the answer is in its history; now every criterion is met.
    page.goto(&case_path).await;
    assert!(page.visible_text().await.contains(ANSWER), "the officer reads the answer");
    for i in 0..6 {
        page.choose(&format!("f-calificar-input-criteria-{i}-met-true")).await;
    }
    page.choose("f-calificar-input-outcome-ADMIT").await;
    page.action("calificar").await;
    assert!(page.visible_text().await.contains("Admitida"));
    // "Por qué vence ese día" opens in place.
    page.find("#plazos-titulo ~ ul details summary").await.click().await.unwrap();
    visit.at(page, "caso-admitido").await;

    page.choose("f-evaluar-riesgo-input-track-URGENT").await;
    page.pick("f-evaluar-riesgo-input-level", "EXTREME").await;
    page.fill("f-evaluar-riesgo-input-summary", "Amenazas de muerte tras la denuncia").await;
    page.action("evaluar-riesgo").await;
    // The resolution for two sectors, its date mistyped first.
    let today = page.value("f-resolver-input-act-date").await;
    page.fill("f-resolver-input-act-number", "RD N.° 051-2026-JUS/DGDH").await;
    page.fill("f-resolver-input-act-date", "13/07/2026").await;
    page.pick("f-resolver-input-granted-0-measureType", "POLICE_PROTECTION").await;
    page.pick("f-resolver-input-granted-1-measureType", "LEGAL_AID").await;
    page.action("resolver").await;
    page.assert_error_at("f-resolver-input-act-date").await;
    visit.at(page, "caso-resolucion-errores").await;
    page.fill("f-resolver-input-act-date", &today).await;
    page.action("resolver").await;
    // Each measure notified to its sector.
    page.action("notificar").await;
    page.action("notificar").await;
    assert!(!page.exists(&super::button("notificar")).await, "both measures notified");
    assert!(page.visible_text().await.contains("Notificada al sector"));
    visit.at(page, "caso-medidas").await;
    // A new incident recorded with nothing but its day: what is missing, at once.
    page.action("registrar-incidente").await;
    page.assert_error_at("f-registrar-incidente-incident-description").await;
    page.assert_error_at("f-registrar-incidente-incident-aggressionTypes").await;
    visit.at(page, "caso-incidente-errores").await;
    page.press("nav.menu a[href='/consola/registro']").await;
    assert!(page.exists("svg.grafico[role=img]").await, "the charts are drawn");
    visit.at(page, "registro").await;

    page.goto("/consola/cuenta").await;
    visit.at(page, "cuenta").await;
    page.goto("/consola/segundo-factor").await;
    visit.at(page, "segundo-factor").await;
    page.fill("f-password", PASSWORD).await;
    page.action("empezar").await;
    assert!(page.exists(".qr svg[role=img]").await, "the QR code is drawn");
    visit.at(page, "segundo-factor-qr").await;
    page.action("cerrar-sesion").await;
    assert!(page.visible_text().await.contains("Cerró su sesión"));

    // MININTER's coordinator: an empty progress report is refused next
    // to it; the measure acknowledged, then its progress reported.
    sign_in(page, "mininter@mininter.gob.pe", PASSWORD).await;
    assert!(page.url_now().await.ends_with("/consola/medidas"));
    visit.at(page, "medidas").await;
    page.action("informar-avance").await;
    assert!(page.exists(".resumen-errores").await);
    visit.at(page, "medidas-errores").await;
    page.action("acusar-recibo").await;
    assert!(page.visible_text().await.contains("Recibida por el sector"));
    type_into(page, "textarea[name='informar-avance.report']", "Patrullaje diario coordinado con la comisaría").await;
    page.action("informar-avance").await;
    assert!(page.visible_text().await.contains("Listo: se registró"), "the progress is recorded");
    visit.at(page, "medidas-hecho").await;
    // An e-mail's link to the case leads the coordinator to that case's
    // measures on their desk; the officers' queues are not theirs.
    page.goto(&case_path).await;
    assert!(page.url_now().await.contains("/consola/medidas?caso="), "{}", page.url_now().await);
    visit.at(page, "medidas-del-caso").await;
    page.goto("/consola/casos").await;
    assert!(page.visible_text().await.contains("No tiene acceso a esta página"));
    visit.at(page, "sin-acceso").await;
    page.action("cerrar-sesion").await;

    // MINJUSDH's coordinator: the legal aid acknowledged and carried out.
    sign_in(page, "minjusdh@minjusdh.gob.pe", PASSWORD).await;
    assert!(!page.visible_text().await.contains("Protección policial"), "only the sector's own measures");
    page.action("acusar-recibo").await;
    type_into(page, "textarea[name='informar-implementada.report']", "Abogada asignada; primera reunión hecha").await;
    page.action("informar-implementada").await;
    assert!(page.visible_text().await.contains("Implementada"), "{}", page.visible_text().await);
    visit.at(page, "medidas-minjusdh").await;
    page.action("cerrar-sesion").await;

    // The supervisor: the decision met on time in the compliance table,
    // the month's requests in the charts.
    sign_in(page, "supervision@dgdh.gob.pe", PASSWORD).await;
    page.press("nav.menu a[href='/consola/registro']").await;
    let met = "Array.from(document.querySelectorAll('[aria-labelledby=cumplimiento-titulo] tbody tr'))\
               .some(r => r.cells[1].textContent.trim() !== '0')";
    assert_eq!(page.js(&format!("return {met};")).await, json!(true), "a deadline met on time");
    assert!(page.exists("svg.grafico[role=img]").await, "the charts are drawn");
    visit.at(page, "registro-supervision").await;
    page.action("cerrar-sesion").await;

    // The admin: a non-working day, its effect measured, then saved; the
    // sectors and the catalogue, the rules.
    sign_in(page, "admin@dgdh.gob.pe", PASSWORD).await;
    assert!(page.url_now().await.ends_with("/consola/cuentas"));
    visit.at(page, "cuentas").await;
    page.press("nav.menu a[href='/consola/calendario']").await;
    visit.at(page, "calendario").await;
    page.fill("f-dia-date", &working_day_ahead(app).to_string()).await;
    page.fill("f-dia-legalBasis", "DS 099-2026-PCM").await;
    page.action("revisar-dia").await;
    assert!(page.visible_text().await.contains("Aún no se guardó nada"));
    visit.at(page, "calendario-revisar").await;
    page.action("guardar-dia").await;
    assert!(page.visible_text().await.contains("Guardado: se recalcularon"));
    visit.at(page, "calendario-guardado").await;
    page.press("nav.menu a[href='/consola/catalogos']").await;
    visit.at(page, "catalogos").await;
    page.fill("f-sector-code", "defensoría").await;
    page.fill("f-sector-name", "Defensoría del Pueblo").await;
    page.action("sector").await;
    page.assert_error_at("f-sector-code").await;
    visit.at(page, "catalogos-errores").await;
    page.press("nav.menu a[href='/consola/reglas']").await;
    visit.at(page, "reglas").await;
    page.action("cerrar-sesion").await;

    // The officer: the running deadline moved over the new day, and says why.
    sign_in(page, "oficial@dgdh.gob.pe", PASSWORD).await;
    page.goto(&case_path).await;
    // Said in the deadline's "why that day", folded until opened.
    assert!(page.source().await.contains("DS 099-2026-PCM"), "the deadline skips the new day");
    visit.at(page, "caso-plazo-movido").await;
    // A coordination meeting: a mistyped file number refused next to it,
    // then the meeting recorded with MININTER's agreement.
    page.press("nav.menu a[href='/consola/reuniones']").await;
    visit.at(page, "reuniones").await;
    page.choose("f-reunion-input-sectors-MININTER").await;
    page.fill("f-reunion-input-agreements-0-fileNumber", "AT-2026-999999").await;
    page.pick("f-reunion-input-agreements-0-sector", "MININTER").await;
    page.fill("f-reunion-input-agreements-0-text", "Patrullaje semanal en la comunidad").await;
    page.action("reunion").await;
    page.assert_error_at("f-reunion-input-agreements-0-fileNumber").await;
    visit.at(page, "reuniones-errores").await;
    page.fill("f-reunion-input-agreements-0-fileNumber", &number).await;
    page.action("reunion").await;
    assert!(page.visible_text().await.contains("se registró la reunión"), "{}", page.visible_text().await);
    visit.at(page, "reuniones-registrada").await;
    page.action("cerrar-sesion").await;
    // MININTER's coordinator sees the agreement, with its form.
    sign_in(page, "mininter@mininter.gob.pe", PASSWORD).await;
    page.press("nav.menu a[href='/consola/reuniones']").await;
    assert!(page.visible_text().await.contains("Patrullaje semanal"));
    visit.at(page, "reuniones-sector").await;
    page.action("cerrar-sesion").await;

    // The auditor: the trail, a mistyped date, the chain verified.
    sign_in(page, "auditoria@dgdh.gob.pe", PASSWORD).await;
    assert!(page.url_now().await.ends_with("/consola/auditoria"));
    visit.at(page, "auditoria").await;
    page.fill("f-desde", "13/07/2026").await;
    page.press("main form[method=get] button[type=submit]").await;
    page.assert_error_at("f-desde").await;
    visit.at(page, "auditoria-errores").await;
    page.fill("f-desde", "").await;
    page.action("verificar").await;
    assert!(page.visible_text().await.contains("La cadena está íntegra"));
    assert!(!page.exists(".resumen-errores").await, "a refused filter is not carried into the verification");
    visit.at(page, "auditoria-verificada").await;
}

async fn app_with_staff(db: Database) -> TestApp {
    let app = TestApp::spawn(db).await;
    app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    app.staff(Role::Coordinator, "mininter@mininter.gob.pe", Some("MININTER")).await;
    app.staff(Role::Coordinator, "minjusdh@minjusdh.gob.pe", Some("MINJUSDH")).await;
    app.staff(Role::Supervisor, "supervision@dgdh.gob.pe", None).await;
    app.staff(Role::Auditor, "auditoria@dgdh.gob.pe", None).await;
    app.staff(Role::Admin, "admin@dgdh.gob.pe", None).await;
    app
}

/// axe at each state, at a desktop's width and a phone's (the same page
/// drawn again at the other width through DevTools' device metrics).
struct Axe {
    source: String,
    report: Vec<String>,
    violations: Vec<String>,
}

impl Visit for Axe {
    async fn at(&mut self, page: &Page, state: &'static str) {
        assert_eq!(page.js("return document.documentElement.lang;").await, json!("es"), "{state}");
        for (width, height, mobile) in [(1280, 900, false), (360, 800, true)] {
            let metrics = json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile });
            page.browser().cdp("Emulation.setDeviceMetricsOverride", metrics).await.unwrap();
            let verdict = check(page, &self.source, false).await;
            self.report.push(format!(
                "{width:>4}px {state:<28} {:>3} rules passed, {:>2} to review by hand, {} violations",
                verdict.passed,
                verdict.incomplete,
                verdict.violations.len()
            ));
            self.violations.extend(verdict.violations.into_iter().map(|v| format!("[{width}px {state}] {v}")));
            page.shot(&format!("consola-{width}-{state}")).await;
        }
    }
}

async fn axe_finds_nothing_on_any_console_page_at_desktop_or_phone_width(db: Database) {
    let app = app_with_staff(db).await;
    let page = Page::open(&app, Options::phone().size(1280, 900)).await;
    let mut axe = Axe { source: super::axe::axe_source(), report: Vec::new(), violations: Vec::new() };
    walk(&page, &app, &mut axe).await;
    page.close().await;
    println!("{}", axe.report.join("\n"));
    assert_eq!(axe.report.len(), 2 * STATES, "every state was checked at both widths");
    assert!(axe.violations.is_empty(), "axe found:\n{}", axe.violations.join("\n"));
}

struct Fits {
    checked: usize,
    overflowing: Vec<String>,
}

impl Visit for Fits {
    async fn at(&mut self, page: &Page, state: &'static str) {
        let measured = page.js(super::layout::SIDEWAYS).await;
        let (scroll, client) = (measured[0].as_u64().unwrap(), measured[1].as_u64().unwrap());
        assert_eq!(client, 320, "{state}: a 320-px viewport");
        if scroll > client {
            self.overflowing.push(format!("{state}: scrollWidth {scroll} > {client}, sticking out: {}", measured[2]));
        }
        self.checked += 1;
        page.shot(&format!("consola-320-sin-js-{state}")).await;
    }
}

async fn the_console_works_without_javascript_and_fits_320_px(db: Database) {
    let app = app_with_staff(db).await;
    let page = Page::open(&app, Options::phone().size(320, 640).without_javascript()).await;
    let mut fits = Fits { checked: 0, overflowing: Vec::new() };
    walk(&page, &app, &mut fits).await;
    page.close().await;
    assert_eq!(fits.checked, STATES);
    assert!(fits.overflowing.is_empty(), "pages scroll sideways:\n{}", fits.overflowing.join("\n"));
}

/// Signing in, the queue, the case page and a resolution for two sectors,
/// with Tab, typing, the arrows and Enter only (WebDriver key actions, no
/// click): every interactive element of the queue and the case page is
/// reached by Tab with a visible focus.
async fn a_resolution_is_issued_with_the_keyboard_alone(db: Database) {
    use browser::fantoccini::key::Key;

    let app = app_with_staff(db).await;
    let token = app.login("oficial@dgdh.gob.pe", PASSWORD).await;
    let case_id = crate::console::admitted_case(&app, &token).await;
    let assess = "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: URGENT, level: HIGH, summary: \"Amenazas\" }) { id } }";
    let assessed = app.graphql_as(Some(&token), assess, json!({ "c": case_id })).await;
    assert!(assessed["errors"].is_null(), "{assessed}");

    let page = Page::open(&app, Options::phone().size(1280, 900)).await;
    let kb = Keyboard { page: &page };
    page.goto("/consola/entrar").await;
    kb.tab_to("#f-email").await;
    kb.type_text("oficial@dgdh.gob.pe").await;
    kb.tab_to("#f-password").await;
    kb.type_text(PASSWORD).await;
    kb.submit_with(Key::Enter, "the queues").await;
    assert!(page.url_now().await.ends_with("/consola/casos"));
    // The filters open from their summary with Enter, then every stop is
    // reached.
    kb.tab_to("summary:").await;
    kb.press(Key::Enter).await;
    page.wait_until("the filters open", "document.querySelector('details.filtros').open").await;
    kb.tab_through("colas").await;
    kb.tab_to("a:/consola/casos?cola=mias:").await;
    kb.submit_with(Key::Enter, "my cases").await;
    kb.tab_to(&format!("a:/consola/casos/{case_id}:")).await;
    kb.submit_with(Key::Enter, "the case").await;
    kb.tab_through("caso").await;

    kb.tab_to("#f-resolver-input-act-number").await;
    kb.type_text("RD N.° 052-2026-JUS/DGDH").await;
    // The act's date is today's, filled in; the first measure is picked by
    // typing its first letters, the second likewise.
    kb.tab_to("#f-resolver-input-granted-0-measureType").await;
    kb.type_text("Protección policial").await;
    assert_eq!(page.value("f-resolver-input-granted-0-measureType").await, "POLICE_PROTECTION");
    kb.tab_to("#f-resolver-input-granted-1-measureType").await;
    kb.type_text("Asistencia legal").await;
    assert_eq!(page.value("f-resolver-input-granted-1-measureType").await, "LEGAL_AID");
    kb.tab_to("button:accion=resolver:").await;
    kb.submit_with(Key::Enter, "the resolution").await;
    let text = page.visible_text().await;
    assert!(text.contains("Listo: se registró «Emitir la resolución»"), "{text}");
    assert!(text.contains("Medida n.° 2"), "two measures granted");
    page.close().await;
}

/// The live notice: a case page left open hears that its case changed
/// (through `/consola/vivo`) and offers to reload; nothing reloads by
/// itself.
async fn an_open_case_page_says_when_its_case_changes_elsewhere(db: Database) {
    let app = app_with_staff(db).await;
    let token = app.login("oficial@dgdh.gob.pe", PASSWORD).await;
    let case = crate::console::admitted_case(&app, &token).await;
    let page = Page::open(&app, Options::phone().size(1280, 900)).await;
    page.goto("/consola/entrar").await;
    sign_in(&page, "oficial@dgdh.gob.pe", PASSWORD).await;
    page.goto(&format!("/consola/casos/{case}")).await;
    page.wait_until("the page listens", "document.querySelector('[data-vivo][data-escuchando]')").await;
    assert!(!page.exists(".vivo #vivo-aviso").await, "nothing to say yet");
    page.fill("f-evaluar-riesgo-input-summary", "Lo que la oficial escribía").await;

    let assess = "mutation($c: ID!, $i: RiskInput!) { assessRisk(caseId: $c, input: $i) { id } }";
    let input = json!({ "track": "URGENT", "level": "HIGH", "summary": "Evaluado por otra oficial" });
    let answer = app.graphql_as(Some(&token), assess, json!({ "c": case, "i": input })).await;
    assert!(answer["errors"].is_null(), "{answer}");
    page.wait_until("the notice shows", "document.querySelector('.vivo #vivo-aviso:not([hidden])')").await;
    assert_eq!(page.value("f-evaluar-riesgo-input-summary").await, "Lo que la oficial escribía", "nothing reloaded");
    let verdict = check(&page, &super::axe::axe_source(), false).await;
    assert!(verdict.violations.is_empty(), "{:?}", verdict.violations);
    page.shot("consola-1280-caso-cambio-en-vivo").await;
    page.press(".vivo #vivo-aviso a").await;
    assert!(page.visible_text().await.contains("Riesgo evaluado"), "the reloaded page shows the change");
    page.close().await;
}
