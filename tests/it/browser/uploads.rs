//! Files of evidence in a real browser: a defender chooses a program, then
//! a photo, in the evidence form on `/seguimiento` and gets the error next
//! to the file, then the receipt; an officer sees the files on the case
//! page and attaches one. Each walk goes with JavaScript off (the forms
//! alone send the files), then with it on, where axe-core runs too (it
//! needs the page's script engine). At each state: no sideways scrolling
//! at 320 px, and screenshots.

use std::path::{Path, PathBuf};

use browser::Options;
use db::Database;
use domain::roles::Role;
use serde_json::json;

use super::Page;
use super::axe::{assert_spanish_passages_marked, axe_source, check};
use super::layout::SIDEWAYS;
use super::tour::look_up;
use crate::app::{PASSWORD, TestApp};
use crate::pages::{jpeg, sha256_hex};
use crate::support::on_both_databases;

on_both_databases!(
    a_defender_sends_a_photo_from_the_tracking_page,
    an_officer_sees_and_attaches_files_on_the_case_page,
);

/// The files a person picks, in a folder of the test's own.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

/// Picks `path` in the file field `#id`, as the file chooser would.
async fn choose_file(page: &Page, id: &str, path: &Path) {
    let field = page.find(&format!("#{id}")).await;
    field.send_keys(&path.display().to_string()).await.unwrap_or_else(|e| panic!("choose a file in #{id}: {e}"));
}

/// Scrolls the element `selector` to the top of the window.
async fn show(page: &Page, selector: &str) {
    page.js_with("document.querySelector(arguments[0]).scrollIntoView();", vec![json!(selector)]).await;
}

/// What each state is checked for: axe at the page's width and at a
/// phone's, no sideways scrolling at 320 px, a screenshot of each.
struct Checks {
    /// axe runs (JavaScript is on).
    axe: bool,
    source: String,
    violations: Vec<String>,
    overflowing: Vec<String>,
    checked: Vec<String>,
}

impl Checks {
    fn new() -> Self {
        Self { axe: false, source: axe_source(), violations: Vec::new(), overflowing: Vec::new(), checked: Vec::new() }
    }

    /// Checks the page as it is; its screenshots show `part` first.
    async fn at(&mut self, page: &Page, state: &str, widths: &[u32], part: &str) {
        for &width in widths {
            let metrics = json!({ "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 800 });
            page.browser().cdp("Emulation.setDeviceMetricsOverride", metrics).await.unwrap();
            if self.axe {
                let verdict = check(page, &self.source, false).await;
                self.violations.extend(verdict.violations.into_iter().map(|v| format!("[{width}px {state}] {v}")));
            }
            show(page, part).await;
            page.shot(&format!("{width}-{state}")).await;
        }
        let metrics = json!({ "width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": true });
        page.browser().cdp("Emulation.setDeviceMetricsOverride", metrics).await.unwrap();
        let measured = page.js(SIDEWAYS).await;
        let (scroll, client) = (measured[0].as_u64().unwrap(), measured[1].as_u64().unwrap());
        assert_eq!(client, 320, "{state}: a 320-px viewport");
        if scroll > client {
            self.overflowing.push(format!("{state}: scrollWidth {scroll} > {client}, sticking out: {}", measured[2]));
        }
        show(page, part).await;
        page.shot(&format!("320-{state}")).await;
        page.browser().cdp("Emulation.clearDeviceMetricsOverride", json!({})).await.unwrap();
        self.checked.push(format!("{state}{}", if self.axe { " (axe)" } else { "" }));
    }

    fn assert_clean(&self) {
        println!("states checked (axe, 320 px): {:?}", self.checked);
        assert!(self.violations.is_empty(), "axe found:\n{}", self.violations.join("\n"));
        assert!(self.overflowing.is_empty(), "pages scroll sideways:\n{}", self.overflowing.join("\n"));
    }
}

/// The evidence form on the status page: a program refused next to the
/// file, then a photo and its receipt; the description typed once.
async fn send_evidence(page: &Page, files: &Files, photo: &[u8], checks: &mut Checks, state: &str) {
    page.fill("f-evidence-description", "Captura del mensaje con la amenaza").await;
    choose_file(page, "f-evidence-file", &files.write("foto.jpg", b"MZ\x90\0\x03\0\0\0un programa")).await;
    page.action("agregar-prueba").await;
    page.assert_error_at("f-evidence-file").await;
    let error = page.text("#f-evidence-file-error").await;
    assert!(error.contains("tipos admitidos"), "{error}");
    assert_eq!(page.value("f-evidence-description").await, "Captura del mensaje con la amenaza", "kept");
    checks.at(page, &format!("{state}-error"), &[360], "#f-evidence-file").await;

    choose_file(page, "f-evidence-file", &files.write("amenaza-de-Rosa.jpg", photo)).await;
    page.action("agregar-prueba").await;
    assert_eq!(page.text("#archivo-huella").await, sha256_hex(photo), "the receipt's digest");
    let receipt = page.text(".recibo").await;
    assert!(receipt.contains("Imagen JPEG") && receipt.contains("120 KB"), "{receipt}");
    assert!(!page.source().await.contains("amenaza-de-Rosa"), "the file's name is never shown back");
    assert!(!page.exists(".resumen-errores").await, "no error left");
    checks.at(page, &format!("{state}-recibo"), &[360], "main").await;
}

async fn a_defender_sends_a_photo_from_the_tracking_page(db: Database) {
    let app = TestApp::spawn(db).await;
    let (number, key) = crate::console::file_request(&app).await;
    let files = Files::new();
    let photo = jpeg(120 * 1024);
    let mut checks = Checks::new();

    // No JavaScript: the form alone sends the file.
    let mut page = Page::open(&app, Options::phone().without_javascript()).await;
    page.shots_named("seguimiento-sin-js");
    page.goto("/seguimiento").await;
    look_up(&page, &number, &key).await;
    let enctype = page.js("return document.querySelector('#f-evidence-file').form.enctype;").await;
    assert_eq!(enctype, json!("multipart/form-data"));
    send_evidence(&page, &files, &photo, &mut checks, "prueba").await;
    page.close().await;

    // With the script, for axe, in Spanish and in Quechua: the same
    // states; the Spanish messages the Quechua catalogue lacks are marked
    // as Spanish.
    checks.axe = true;
    for lang in ["es", "qu"] {
        let mut page = Page::open(&app, Options::phone()).await;
        page.shots_named(&format!("seguimiento-{lang}"));
        page.goto(&format!("/seguimiento?lengua={lang}")).await;
        look_up(&page, &number, &key).await;
        send_evidence(&page, &files, &photo, &mut checks, &format!("prueba-{lang}")).await;
        if lang == "qu" {
            assert_spanish_passages_marked(&page, "prueba-qu-recibo").await;
        }
        page.close().await;
    }

    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let case = crate::pages::case_id(&app, &officer, &number).await;
    let read = app
        .graphql_as(
            Some(&officer),
            "query($c: ID!) { case(id: $c) { evidenceFiles { sha256 } } }",
            json!({ "c": case }),
        )
        .await;
    let digests: Vec<&str> = read["data"]["case"]["evidenceFiles"]
        .as_array()
        .unwrap_or_else(|| panic!("{read}"))
        .iter()
        .map(|f| f["sha256"].as_str().unwrap())
        .collect();
    assert_eq!(digests, vec![sha256_hex(&photo); 3], "the photo, once a walk; never the program");
    checks.assert_clean();
}

async fn sign_in(page: &Page, email: &str) {
    page.goto("/consola/entrar").await;
    page.fill("f-email", email).await;
    page.fill("f-password", PASSWORD).await;
    page.press("main form button[type=submit]").await;
}

async fn an_officer_sees_and_attaches_files_on_the_case_page(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
    let (number, key) = crate::console::file_request(&app).await;
    let photo = jpeg(1_572_864);
    let add = "mutation($f: String!, $k: String!, $file: Upload) { addEvidence(fileNumber: $f, accessKey: $k, \
               evidence: { description: \"Foto de la amenaza\" }, file: $file) { status } }";
    let name = "foto-tomada-frente-a-la-casa-comunal-de-nuevo-amanecer-2026-07-13.jpg";
    let (_, sent) = app.graphql_with_file(None, add, json!({ "f": number, "k": key }), "file", (name, &photo)).await;
    assert!(sent["errors"].is_null(), "{sent}");
    let case = crate::pages::case_id(&app, &officer, &number).await;
    let files = Files::new();
    let mut checks = Checks::new();
    for javascript in [false, true] {
        checks.axe = javascript;
        let options = Options::phone().size(1280, 900);
        let options = if javascript { options } else { options.without_javascript() };
        let mut page = Page::open(&app, options).await;
        page.shots_named(if javascript { "consola" } else { "consola-sin-js" });
        officer_walk(&page, &case, name, &photo, &files, &mut checks).await;
        page.close().await;
    }
    checks.assert_clean();
}

/// The case page's files, their digest and download; a file attached,
/// refused first for want of a description.
async fn officer_walk(page: &Page, case: &str, name: &str, photo: &[u8], files: &Files, checks: &mut Checks) {
    sign_in(page, "oficial@dgdh.gob.pe").await;
    page.goto(&format!("/consola/casos/{case}")).await;
    let table = page.text("#pruebas table").await;
    assert!(table.contains("Imagen JPEG") && table.contains("1,5 MB") && table.contains(name), "{table}");
    let digest = sha256_hex(photo);
    assert!(table.contains(&digest[..12]), "the digest, shortened: {table}");
    // The whole digest, a click away.
    page.find("#pruebas details summary").await.click().await.unwrap();
    assert!(page.text("#pruebas details").await.contains(&digest));
    let href = page.js("return document.querySelector('#pruebas a[download]').getAttribute('href');").await;
    assert!(href.as_str().unwrap().starts_with("/consola/pruebas/"), "{href}");
    checks.at(page, "caso-archivos", &[1280, 360], "#pruebas").await;

    // Attaching a file: without saying what it shows, refused next to it.
    let pdf = files.write("informe.pdf", b"%PDF-1.7\nInforme de la comisaria");
    choose_file(page, "f-adjuntar-prueba-file", &pdf).await;
    page.action("adjuntar-prueba").await;
    page.assert_error_at("f-adjuntar-prueba-evidence-description").await;
    checks.at(page, "caso-adjuntar-errores", &[1280, 360], "#adjuntar-prueba").await;
    page.fill("f-adjuntar-prueba-evidence-description", "Informe de la comisaría").await;
    choose_file(page, "f-adjuntar-prueba-file", &pdf).await;
    page.action("adjuntar-prueba").await;
    assert!(page.visible_text().await.contains("Listo: se registró «Adjuntar un archivo de prueba»"));
    let table = page.text("#pruebas table").await;
    assert!(table.contains("Documento PDF") && table.contains("Especialista de la DGDH"), "{table}");
    checks.at(page, "caso-adjuntado", &[1280, 360], "#pruebas").await;
}
