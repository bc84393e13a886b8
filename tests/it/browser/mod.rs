//! The public pages in a real browser: headless Debian Chromium driven over
//! WebDriver (`crates/browser`), against the whole app on a loopback port.
//! What plain HTTP cannot see is checked here: layout at 320 px and at
//! 200 % zoom, axe-core's accessibility rules, the keyboard, the back
//! button after "Salir rápido", the Content-Security-Policy at work, a
//! double tap and a reload of the receipt, files chosen and sent.
//!
//! Every test starts its own chromedriver and Chromium (killed when the
//! test ends, even by a panic). A machine without them fails the test with
//! the command that installs them: these tests are never skipped.
//! Screenshots go to `$SCREENSHOT_DIR` (default `/tmp/resguardo-shots`).

mod axe;
mod console;
mod filing;
mod keyboard;
mod layout;
mod officer;
mod safety;
mod tour;
mod uploads;

use std::path::PathBuf;
use std::time::Duration;

use browser::fantoccini::Locator;
use browser::fantoccini::wd::TimeoutConfiguration;
use browser::{Browser, Options};
use serde_json::{Value, json};

use crate::app::TestApp;

/// How long any one condition may take to hold. Generous: two cores run
/// the server, the databases and one or two browsers at once.
const WAIT: Duration = Duration::from_secs(20);

/// A browser tab on the app under test.
pub(crate) struct Page {
    browser: Browser,
    pub(crate) base: String,
    /// What the shots of this page are called (`es-360`).
    shots: String,
}

impl Page {
    pub(crate) async fn open(app: &TestApp, options: Options) -> Self {
        let browser = Browser::start(&options).await.unwrap_or_else(|e| panic!("{e}"));
        let timeouts = TimeoutConfiguration::new(
            Some(Duration::from_secs(60)),
            Some(Duration::from_secs(60)),
            Some(Duration::ZERO),
        );
        browser.client().update_timeouts(timeouts).await.unwrap();
        Self { browser, base: app.base.clone(), shots: String::new() }
    }

    /// Names the screenshots this page takes from now on.
    pub(crate) fn shots_named(&mut self, prefix: &str) {
        prefix.clone_into(&mut self.shots);
    }

    pub(crate) fn browser(&self) -> &Browser {
        &self.browser
    }

    pub(crate) fn client(&self) -> &browser::fantoccini::Client {
        self.browser.client()
    }

    pub(crate) async fn close(self) {
        self.browser.close().await;
    }

    /// Opens `path` (typed into the address bar) and waits for it.
    pub(crate) async fn goto(&self, path: &str) {
        self.client().goto(&format!("{}{path}", self.base)).await.unwrap();
        self.wait_loaded(path).await;
    }

    /// Runs `script` (a function body) in the page.
    pub(crate) async fn js(&self, script: &str) -> Value {
        self.js_with(script, Vec::new()).await
    }

    pub(crate) async fn js_with(&self, script: &str, args: Vec<Value>) -> Value {
        self.client().execute(script, args).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until the expression `condition` is true in the page; fails
    /// saying `what` did not happen. Script errors while a page is being
    /// replaced count as "not yet".
    pub(crate) async fn wait_until(&self, what: &str, condition: &str) {
        let script = format!("return !!({condition});");
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let last = match self.client().execute(&script, Vec::new()).await {
                Ok(Value::Bool(true)) => return,
                Ok(other) => other.to_string(),
                Err(e) => e.to_string(),
            };
            if tokio::time::Instant::now() > deadline {
                let url = self.client().current_url().await.map(|u| u.to_string()).unwrap_or_default();
                panic!("{what}: not within {WAIT:?} (last: {last}; at {url}; waited for {condition})");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_loaded(&self, what: &str) {
        self.wait_until(&format!("{what} loaded"), "document.readyState === 'complete' && !window.__resguardoOld")
            .await;
    }

    /// Marks the current document, so that its replacement can be told
    /// from it.
    pub(crate) async fn mark(&self) {
        self.js("window.__resguardoOld = true;").await;
    }

    /// Waits for the document marked by [`Page::mark`] to be replaced.
    pub(crate) async fn wait_replaced(&self, what: &str) {
        self.wait_loaded(what).await;
    }

    /// Clicks `selector` and waits for the page it leads to.
    pub(crate) async fn press(&self, selector: &str) {
        self.mark().await;
        self.find(selector).await.click().await.unwrap_or_else(|e| panic!("click {selector}: {e}"));
        self.wait_replaced(&format!("the page after {selector}")).await;
    }

    /// Presses the form's button `accion=value`.
    pub(crate) async fn action(&self, value: &str) {
        self.press(&button(value)).await;
    }

    pub(crate) async fn find(&self, selector: &str) -> browser::fantoccini::elements::Element {
        match self.client().find(Locator::Css(selector)).await {
            Ok(found) => found,
            Err(e) => panic!("no {selector} on {}: {e}", self.url_now().await),
        }
    }

    pub(crate) async fn exists(&self, selector: &str) -> bool {
        self.js_with("return document.querySelector(arguments[0]) !== null;", vec![json!(selector)]).await
            == Value::Bool(true)
    }

    /// Types `text` into the control `#id` (emptied first).
    pub(crate) async fn fill(&self, id: &str, text: &str) {
        let field = self.find(&format!("#{id}")).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap_or_else(|e| panic!("type into #{id}: {e}"));
    }

    /// Ticks a radio button or a box.
    pub(crate) async fn choose(&self, id: &str) {
        let control = self.find(&format!("#{id}")).await;
        if !control.is_selected().await.unwrap() {
            control.click().await.unwrap_or_else(|e| panic!("click #{id}: {e}"));
        }
    }

    /// Picks `value` in the list `#id`.
    pub(crate) async fn pick(&self, id: &str, value: &str) {
        self.find(&format!("#{id}"))
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("#{id}={value}: {e}"));
    }

    /// The value of a control, as the page holds it now.
    pub(crate) async fn value(&self, id: &str) -> String {
        let found = self
            .js_with("const e = document.getElementById(arguments[0]); return e ? e.value : null;", vec![json!(id)])
            .await;
        found.as_str().unwrap_or_else(|| panic!("no #{id}")).to_owned()
    }

    pub(crate) async fn checked(&self, id: &str) -> bool {
        self.js_with("return document.getElementById(arguments[0]).checked;", vec![json!(id)]).await
            == Value::Bool(true)
    }

    /// The visible text of the first element matching `selector`.
    pub(crate) async fn text(&self, selector: &str) -> String {
        self.find(selector).await.text().await.unwrap()
    }

    /// Everything the page shows as text.
    pub(crate) async fn visible_text(&self) -> String {
        self.js("return document.body ? document.body.innerText : '';").await.as_str().unwrap_or("").to_owned()
    }

    pub(crate) async fn source(&self) -> String {
        self.client().source().await.unwrap()
    }

    pub(crate) async fn url_now(&self) -> String {
        self.client().current_url().await.map(|u| u.to_string()).unwrap_or_default()
    }

    /// "Paso 2 de 6", as the step says it.
    pub(crate) async fn assert_step(&self, number: usize) {
        let progress = self.text(".progreso").await;
        let expected = message("paso-de").replace("{ $numero }", &number.to_string()).replace("{ $total }", "6");
        assert_eq!(progress, expected, "expected step {number} at {}", self.url_now().await);
    }

    /// The error summary's links, as `#ids`.
    pub(crate) async fn summary_links(&self) -> Vec<String> {
        let links = self
            .js("return [...document.querySelectorAll('.resumen-errores a')].map(a => a.getAttribute('href'));")
            .await;
        links.as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_owned()).collect()
    }

    /// The control `id` shows an error next to it, tied to it, and the
    /// summary at the top links to it.
    pub(crate) async fn assert_error_at(&self, id: &str) {
        let tied = self
            .js_with(
                "const id = arguments[0]; const control = document.getElementById(id);
                 const error = document.getElementById(id + '-error');
                 if (!control || !error) return 'control ' + !!control + ', error ' + !!error;
                 const described = (control.getAttribute('aria-describedby') || '').split(' ');
                 if (!described.includes(id + '-error')) return 'aria-describedby is ' + described;
                 const box = error.getBoundingClientRect();
                 if (box.height === 0) return 'the error is not shown';
                 return 'ok';",
                vec![json!(id)],
            )
            .await;
        assert_eq!(tied, json!("ok"), "the error of #{id}");
        let links = self.summary_links().await;
        assert!(links.contains(&format!("#{id}")), "the summary links to #{id}: {links:?}");
    }

    /// Saves what the phone shows (WebDriver's screenshot, the first
    /// screen) and the whole page (DevTools' capture beyond the viewport).
    pub(crate) async fn shot(&self, name: &str) {
        let dir = shot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let stem = if self.shots.is_empty() { name.to_owned() } else { format!("{}-{name}", self.shots) };
        let png = self.client().screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{stem}.png")), png).unwrap();
        let full = self
            .browser
            .cdp("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true }))
            .await
            .unwrap();
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD.decode(full["data"].as_str().unwrap()).unwrap();
        std::fs::write(dir.join(format!("{stem}-entera.png")), bytes).unwrap();
    }
}

/// The button `accion=value` of a form.
pub(crate) fn button(value: &str) -> String {
    format!("button[name=accion][value=\"{value}\"]:not([hidden])")
}

pub(crate) fn shot_dir() -> PathBuf {
    std::env::var_os("SCREENSHOT_DIR").map_or_else(|| PathBuf::from("/tmp/resguardo-shots"), PathBuf::from)
}

/// A Spanish message of the pages' catalogue, as written there (with its
/// placeholders), so the tests follow the wording rather than copy it.
pub(crate) fn message(id: &str) -> String {
    static CATALOGUE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let catalogue = CATALOGUE.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/web/locales/es/paginas.ftl");
        std::fs::read_to_string(path).unwrap()
    });
    catalogue
        .lines()
        .find_map(|line| line.strip_prefix(id)?.trim_start().strip_prefix('=').map(|v| v.trim().to_owned()))
        .unwrap_or_else(|| panic!("no message {id} in the Spanish catalogue"))
}
