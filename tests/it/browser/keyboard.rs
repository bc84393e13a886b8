//! A keyboard-only pass through the request form, from step 1 to the
//! receipt: Tab, Shift+Tab, Space, Enter, the arrows and typing, through
//! WebDriver's key actions only (no click, no element command). On every
//! page each interactive element is reached by Tab (a group of radio
//! buttons is one stop; its buttons are reached with the arrows), and
//! every element that takes the focus shows it (a computed outline or box
//! shadow).

use browser::fantoccini::actions::{InputSource, KeyAction, KeyActions};
use browser::fantoccini::key::Key;
use db::Database;
use serde_json::{Value, json};

use super::officer::Officer;
use super::tour::{self, NAME};
use super::{Page, message};
use crate::app::TestApp;
use crate::support::on_both_databases;

on_both_databases!(the_form_is_filed_with_the_keyboard_alone);

/// Names each focusable element the same way on each call: a group of
/// radio buttons by its name, anything else by id, or by what it is.
const KEY_OF: &str = "function keyOf(e) {
    if (!e || e === document.body || e === document.documentElement) return '(none)';
    if (e.type === 'radio') return 'radio:' + e.name;
    if (e.id) return '#' + e.id;
    if (e.tagName === 'A') return 'a:' + e.getAttribute('href') + ':' + e.textContent.trim();
    if (e.tagName === 'BUTTON') return 'button:' + (e.name || '') + '=' + (e.value || '') + ':' + e.textContent.trim();
    return e.tagName.toLowerCase() + ':' + (e.name || '');
}";

pub(crate) struct Keyboard<'a> {
    pub(crate) page: &'a Page,
}

impl Keyboard<'_> {
    async fn keys(&self, keys: &[char]) {
        let mut actions = KeyActions::new("teclado".into());
        for key in keys {
            actions = actions.then(KeyAction::Down { value: *key }).then(KeyAction::Up { value: *key });
        }
        self.page.client().perform_actions(actions).await.unwrap();
    }

    pub(crate) async fn press(&self, key: Key) {
        self.keys(&[key.into()]).await;
    }

    async fn shift_tab(&self) {
        let (shift, tab): (char, char) = (Key::Shift.into(), Key::Tab.into());
        let actions = KeyActions::new("teclado".into())
            .then(KeyAction::Down { value: shift })
            .then(KeyAction::Down { value: tab })
            .then(KeyAction::Up { value: tab })
            .then(KeyAction::Up { value: shift });
        self.page.client().perform_actions(actions).await.unwrap();
    }

    pub(crate) async fn type_text(&self, text: &str) {
        let chars: Vec<char> = text.chars().collect();
        self.keys(&chars).await;
    }

    /// The focused element: its key, and whether its focus can be seen.
    pub(crate) async fn focused(&self) -> (String, bool) {
        let found = self
            .page
            .js(&format!(
                "{KEY_OF}
                 const e = document.activeElement; const s = getComputedStyle(e);
                 const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
                 return [keyOf(e), outline || s.boxShadow !== 'none'];"
            ))
            .await;
        (found[0].as_str().unwrap().to_owned(), found[1] == Value::Bool(true))
    }

    /// Every element a keyboard user must be able to reach on this page.
    async fn expected_stops(&self) -> Vec<String> {
        let stops = self
            .page
            .js(&format!(
                "{KEY_OF}
                 const all = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
                   .filter(e => e.type !== 'hidden' && !e.disabled && e.tabIndex >= 0
                           && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
                 return [...new Set(all.map(keyOf))];"
            ))
            .await;
        stops.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
    }

    /// Tabs through the whole page from where the focus is: every expected
    /// element is reached, each with a visible focus.
    pub(crate) async fn tab_through(&self, state: &str) -> Vec<String> {
        let expected = self.expected_stops().await;
        assert!(!expected.is_empty(), "{state}: something to reach");
        let mut reached: Vec<String> = Vec::new();
        for _ in 0..expected.len() + 8 {
            self.press(Key::Tab).await;
            let (key, visible) = self.focused().await;
            if key == "(none)" {
                continue;
            }
            assert!(visible, "{state}: the focus on {key} cannot be seen");
            if reached.contains(&key) && expected.iter().all(|e| reached.contains(e)) {
                break;
            }
            if !reached.contains(&key) {
                reached.push(key);
            }
        }
        let missed: Vec<&String> = expected.iter().filter(|e| !reached.contains(e)).collect();
        assert!(missed.is_empty(), "{state}: Tab never reaches {missed:?} (reached {reached:?})");
        println!("{state}: {} stops reached by Tab, each with a visible focus", reached.len());
        reached
    }

    /// Tabs (forwards) until `key` has the focus (a key ending in `:`, one
    /// that starts so).
    pub(crate) async fn tab_to(&self, key: &str) {
        for _ in 0..200 {
            let focused = self.focused().await.0;
            if focused == key || (key.ends_with(':') && focused.starts_with(key)) {
                return;
            }
            self.press(Key::Tab).await;
        }
        panic!("Tab never reached {key}");
    }

    async fn tab_to_button(&self, action: &str, label_id: &str) {
        self.tab_to(&format!("button:accion={action}:{}", message(label_id))).await;
    }

    /// Presses `key` on the focused button or field and waits for the page
    /// it leads to.
    pub(crate) async fn submit_with(&self, key: Key, what: &str) {
        self.page.mark().await;
        self.press(key).await;
        self.page.wait_replaced(what).await;
    }

    /// The radio button checked in the group `name`.
    pub(crate) async fn checked_radio(&self, name: &str) -> String {
        let id = self
            .page
            .js_with(
                "const r = document.querySelector('input[type=radio][name=\"' + arguments[0] + '\"]:checked'); return r ? r.id : '';",
                vec![json!(name)],
            )
            .await;
        id.as_str().unwrap().to_owned()
    }

    /// Moves through the group with the down arrow until `id` is checked.
    pub(crate) async fn arrow_to(&self, name: &str, id: &str) {
        for _ in 0..30 {
            if self.checked_radio(name).await == id {
                return;
            }
            self.press(Key::Down).await;
        }
        panic!("the arrows never checked #{id}");
    }
}

async fn the_form_is_filed_with_the_keyboard_alone(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = Officer::new(&app).await;
    let page = Page::open(&app, browser::Options::phone()).await;
    let kb = Keyboard { page: &page };
    page.goto("/solicitud").await;

    // Step 1. The first stop is the link that skips to the content, shown
    // when focused.
    kb.press(Key::Tab).await;
    let (first, _) = kb.focused().await;
    assert!(first.starts_with("a:#contenido"), "the first stop skips to the content: {first}");
    let shown = page.js("return document.activeElement.getBoundingClientRect().width > 0;").await;
    assert_eq!(shown, json!(true), "the skip link shows when focused");
    let order = kb.tab_through("paso 1").await;
    // Shift+Tab goes back one stop.
    kb.tab_to(&order[3]).await;
    kb.shift_tab().await;
    assert_eq!(kb.focused().await.0, order[2], "Shift+Tab goes back");

    // Continuar with nothing typed: the errors, reachable too.
    kb.tab_to_button("siguiente", "siguiente").await;
    kb.submit_with(Key::Enter, "step 1 with errors").await;
    page.assert_error_at("f-beneficiaries-0-name").await;
    kb.tab_through("paso 1 con errores").await;
    // The summary's link takes the focus to the field.
    kb.tab_to("a:#f-beneficiaries-0-name:").await;
    kb.press(Key::Enter).await;
    page.wait_until("the summary's link followed", "location.hash === '#f-beneficiaries-0-name'").await;
    assert_eq!(kb.focused().await.0, "#f-beneficiaries-0-name", "the field has the focus");

    // Who files: Space checks the group's first button, the arrows move.
    kb.tab_to("radio:filer").await;
    kb.press(Key::Space).await;
    assert_eq!(kb.checked_radio("filer").await, "f-filer-SELF");
    kb.press(Key::Down).await;
    assert_eq!(kb.checked_radio("filer").await, "f-filer-OTHER");
    let third = page.js("return getComputedStyle(document.querySelector('fieldset.tercero')).display;").await;
    assert_ne!(third, json!("none"), "filing for another shows the third-party fields");
    kb.press(Key::Up).await;
    assert_eq!(kb.checked_radio("filer").await, "f-filer-SELF");
    kb.tab_to("#f-beneficiaries-0-name").await;
    kb.type_text(NAME).await;
    // Enter in a field is "Continuar".
    kb.submit_with(Key::Enter, "step 2").await;

    page.assert_step(2).await;
    kb.tab_through("paso 2").await;
    kb.tab_to("#f-place-ubigeo").await;
    kb.type_text("Ucay").await;
    assert_eq!(page.value("f-place-ubigeo").await, "25", "typing a department's first letters picks it");
    kb.tab_to("#f-place-detail").await;
    kb.type_text(tour::PLACE).await;
    kb.tab_to_button("siguiente", "siguiente").await;
    kb.submit_with(Key::Enter, "step 3").await;

    page.assert_step(3).await;
    kb.tab_through("paso 3").await;
    kb.tab_to("radio:defenderCategory").await;
    kb.press(Key::Space).await;
    kb.arrow_to("defenderCategory", "f-defenderCategory-INDIGENOUS").await;
    kb.tab_to("#f-aggressionTypes-THREAT").await;
    kb.press(Key::Space).await;
    assert!(page.checked("f-aggressionTypes-THREAT").await, "Space ticks a box");
    kb.tab_to("#f-facts").await;
    kb.type_text(tour::FACTS).await;
    kb.tab_to_button("siguiente", "siguiente").await;
    // Space presses a button too.
    kb.submit_with(Key::Space, "step 4").await;

    page.assert_step(4).await;
    kb.tab_through("paso 4").await;
    kb.tab_to("#f-requestedMeasures-types-POLICE-PATROLS").await;
    kb.press(Key::Space).await;
    assert!(page.checked("f-requestedMeasures-types-POLICE-PATROLS").await);
    kb.tab_to_button("siguiente", "siguiente").await;
    kb.submit_with(Key::Enter, "step 5").await;

    page.assert_step(5).await;
    kb.tab_through("paso 5").await;
    kb.tab_to("#f-contact-phone").await;
    kb.type_text(tour::PHONE).await;
    kb.tab_to("#f-language").await;
    kb.type_text("Cast").await;
    assert_eq!(page.value("f-language").await, "SPANISH", "typing picks the language");
    kb.tab_to_button("siguiente", "siguiente").await;
    kb.submit_with(Key::Enter, "step 6").await;

    page.assert_step(6).await;
    kb.tab_through("paso 6").await;
    kb.tab_to("radio:consent.status").await;
    kb.press(Key::Space).await;
    assert_eq!(kb.checked_radio("consent.status").await, "f-consent-status-GIVEN");
    kb.tab_to_button("enviar", "enviar").await;
    kb.submit_with(Key::Enter, "the receipt").await;

    let filed = tour::receipt(&page, String::new()).await;
    kb.tab_through("recibo").await;
    page.close().await;
    let case = officer.case(&filed.file_number).await;
    assert_eq!(case["request"]["beneficiaries"][0]["name"], NAME, "what was typed is what was filed");
    assert_eq!(case["request"]["facts"], tour::FACTS);
    assert_eq!(case["request"]["aggressionTypes"], json!(["THREAT"]));
    assert_eq!(case["request"]["consent"]["status"], "GIVEN");
}
