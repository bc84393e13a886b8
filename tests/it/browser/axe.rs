//! axe-core (tests/browser/node_modules, installed by `.ci/browser-setup`)
//! on every page and state, in Spanish and with `?lengua=qu`: WCAG 2.1 A
//! and AA, best practices, and the 7:1 text contrast Peru's rules ask
//! (axe's `color-contrast-enhanced`). Zero violations is the bar. A
//! screenshot of each state at 360 px is kept for a person to look at.

use db::Database;
use serde_json::{Value, json};

use super::Page;
use super::officer::Officer;
use super::tour::{Visit, tour};
use crate::app::TestApp;
use crate::support::on_both_databases;

on_both_databases!(axe_finds_nothing_on_any_page_in_spanish_or_quechua);

const AXE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/browser/node_modules/axe-core/axe.min.js");

pub(crate) fn axe_source() -> String {
    std::fs::read_to_string(AXE)
        .unwrap_or_else(|e| panic!("{AXE}: {e}. Install the browser tests' packages with `bash .ci/browser-setup`"))
}

/// What axe said of one state.
pub(crate) struct Verdict {
    pub(crate) passed: usize,
    pub(crate) incomplete: usize,
    pub(crate) violations: Vec<String>,
}

/// Runs axe on the page as it is. `blank`: the quick exit's page, empty by
/// design, is held to WCAG only (best practices want a heading and a main
/// landmark, which a blank page must not have).
pub(crate) async fn check(page: &Page, source: &str, blank: bool) -> Verdict {
    let loaded = page.js(&format!("{source}\n;return typeof window.axe === 'object' && window.axe.version;")).await;
    assert_eq!(loaded, json!("4.14.1"), "axe-core loaded into the page");
    let mut tags = vec!["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
    if !blank {
        tags.push("best-practice");
    }
    let script = "const done = arguments[arguments.length - 1];
        window.axe.run(document, {
            runOnly: { type: 'tag', values: arguments[0] },
            rules: { 'color-contrast-enhanced': { enabled: true } },
            resultTypes: ['violations'],
        }).then(r => done({
            passes: r.passes.map(p => p.id),
            incomplete: r.incomplete.map(p => p.id),
            violations: r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                + v.nodes.map(n => n.target.join(' ') + ' [' + n.failureSummary.replace(/\\s+/g, ' ') + ']').join('; ')),
        }), e => done({ error: String(e) }));";
    let result = page.client().execute_async(script, vec![json!(tags)]).await.unwrap();
    assert!(result["error"].is_null(), "axe failed: {}", result["error"]);
    let list = |key: &str| -> Vec<String> {
        result[key].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
    };
    let passes = list("passes");
    let violations = list("violations");
    if !blank {
        assert!(
            passes.iter().chain(&violations).any(|p| p.starts_with("color-contrast-enhanced")),
            "the 7:1 contrast rule ran: {passes:?} / incomplete {:?}",
            list("incomplete")
        );
    }
    Verdict { passed: passes.len(), incomplete: list("incomplete").len(), violations }
}

struct Axe {
    source: String,
    lang: &'static str,
    /// `state: passed / incomplete / violations`, printed at the end.
    report: Vec<String>,
    violations: Vec<String>,
}

impl Visit for Axe {
    async fn at(&mut self, page: &Page, state: &'static str) {
        let expected_lang = if state == "salir" { "es" } else { self.lang };
        let lang = page.js("return document.documentElement.lang;").await;
        assert_eq!(lang, json!(expected_lang), "<html lang> at {state}");
        if self.lang == "qu" && state != "salir" {
            assert_spanish_passages_marked(page, state).await;
        }
        let verdict = check(page, &self.source, state == "salir").await;
        self.report.push(format!(
            "{:<3} {state:<26} {:>3} rules passed, {:>2} to review by hand, {} violations",
            self.lang,
            verdict.passed,
            verdict.incomplete,
            verdict.violations.len()
        ));
        self.violations.extend(verdict.violations.into_iter().map(|v| format!("[{} {state}] {v}", self.lang)));
        page.shot(&format!("{}-{state}", self.lang)).await;
    }
}

/// On a Quechua page, any text that is still Spanish sits in an element
/// marked `lang="es"`: every text node's closest `lang` is `es`, or `qu`
/// for what the Quechua catalogue translated.
pub(crate) async fn assert_spanish_passages_marked(page: &Page, state: &str) {
    let unmarked: Value = page
        .js("const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
             const langs = new Set(); let node;
             while ((node = walker.nextNode())) {
                 if (!node.textContent.trim()) continue;
                 const owner = node.parentElement.closest('[lang]');
                 langs.add(owner ? owner.getAttribute('lang') : '(none)');
             }
             return [...langs];")
        .await;
    let langs: Vec<&str> = unmarked.as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(langs.contains(&"es"), "at {state} the Spanish fallback is marked lang=\"es\": {langs:?}");
    assert!(langs.iter().all(|l| ["es", "qu", "ay"].contains(l)), "at {state} every text has a language: {langs:?}");
}

async fn axe_finds_nothing_on_any_page_in_spanish_or_quechua(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = Officer::new(&app).await;
    let mut page = Page::open(&app, browser::Options::phone()).await;
    page.shots_named("360");
    let source = axe_source();
    let mut report = Vec::new();
    let mut violations = Vec::new();
    for lang in ["es", "qu"] {
        let mut axe = Axe { source: source.clone(), lang, report: Vec::new(), violations: Vec::new() };
        tour(&page, &officer, if lang == "es" { "" } else { lang }, &mut axe).await;
        assert_eq!(axe.report.len(), 18, "every state was checked: {:#?}", axe.report);
        report.extend(axe.report);
        violations.extend(axe.violations);
    }
    // The checker checks: a field without a label and grey text on white
    // (4.5:1, enough for AA, not for 7:1), added to the last page, are found.
    page.goto("/seguimiento").await;
    page.js("const field = document.createElement('input'); document.querySelector('main').appendChild(field);
             const grey = document.createElement('p'); grey.textContent = 'Texto gris';
             grey.style.color = '#767676'; document.querySelector('main').appendChild(grey);")
        .await;
    let broken = check(&page, &source, false).await;
    page.close().await;
    let found: Vec<&str> = broken.violations.iter().map(|v| v.split(' ').next().unwrap_or("")).collect();
    assert!(
        found.contains(&"label") && found.contains(&"color-contrast-enhanced"),
        "axe misses planted faults: {found:?}"
    );
    println!("axe-core 4.14.1, WCAG 2.1 A/AA + best practices + 7:1 contrast, at 360 px:\n{}", report.join("\n"));
    assert!(violations.is_empty(), "axe found {} violations:\n{}", violations.len(), violations.join("\n"));
}
