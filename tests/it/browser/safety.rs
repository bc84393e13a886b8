//! The safety habits of UI.md, in a real browser: after "Salir rápido"
//! the back button shows nothing of what was typed; no page is kept by the
//! browser (`no-store`); nothing personal or secret is ever in a URL, a
//! title, a `<meta>` or the history; the Content-Security-Policy stops a
//! script injected into a page.

use std::collections::{BTreeSet, VecDeque};

use browser::Options;
use db::Database;
use serde_json::{Value, json};

use super::Page;
use super::officer::Officer;
use super::tour::{Filed, Visit, tour};
use crate::app::TestApp;
use crate::support::on_both_databases;

on_both_databases!(
    after_the_quick_exit_back_shows_nothing_typed,
    after_the_quick_exit_back_shows_nothing_typed_without_javascript,
    no_page_is_stored_and_no_address_or_title_holds_a_secret,
    the_content_security_policy_stops_injected_script,
);

const TYPED_SENT: &str = "Nombre Reservado Quispe";
const TYPED_UNSENT: &str = "Detalle sin enviar del caserío";

async fn after_the_quick_exit_back_shows_nothing_typed(db: Database) {
    quick_exit(db, Options::phone()).await;
}

async fn after_the_quick_exit_back_shows_nothing_typed_without_javascript(db: Database) {
    quick_exit(db, Options::phone().without_javascript()).await;
}

/// A step holding what was typed (sent with step 1, travelling in a hidden
/// field, and typed but not sent on step 2), then "Salir rápido", then
/// the browser's back button.
async fn quick_exit(db: Database, options: Options) {
    let javascript = options.javascript;
    let app = TestApp::spawn(db).await;
    let page = Page::open(&app, options).await;
    page.goto("/").await;
    page.press("main a.boton[href^='/solicitud']").await;
    page.choose("f-filer-SELF").await;
    page.fill("f-beneficiaries-0-name", TYPED_SENT).await;
    page.action("siguiente").await;
    page.assert_step(2).await;
    page.fill("f-place-detail", TYPED_UNSENT).await;
    assert!(page.source().await.contains(TYPED_SENT), "the step holds what step 1 sent");

    page.press("a.salir").await;
    assert!(page.url_now().await.ends_with("/salir"), "at the blank page");
    assert_eq!(page.visible_text().await.trim(), "", "the blank page says nothing");
    assert_eq!(page.client().title().await.unwrap(), "Nueva pestaña", "a neutral title");

    let history = page.js("return history.length;").await.as_i64().unwrap();
    page.mark().await;
    page.client().back().await.unwrap();
    page.wait_until(
        "the back button led somewhere",
        "!window.__resguardoOld && document.readyState === 'complete' && !location.pathname.startsWith('/salir')",
    )
    .await;
    let shown = page.url_now().await;
    let source = page.source().await;
    let text = page.visible_text().await;
    let values = page
        .js("return [...document.querySelectorAll('input, textarea, select')].map(e => e.value).join('\\n');")
        .await;
    for typed in [TYPED_SENT, TYPED_UNSENT] {
        assert!(!source.contains(typed), "back after the quick exit shows {typed:?} in the page ({shown}):\n{source}");
        assert!(!text.contains(typed), "back after the quick exit shows {typed:?}");
        assert!(!values.as_str().unwrap().contains(typed), "a field still holds {typed:?}");
    }
    if javascript {
        // location.replace: the step left is gone from the history; back
        // is the first step, drawn again, empty.
        page.assert_step(1).await;
        assert_eq!(page.value("f-beneficiaries-0-name").await, "");
        println!("quick exit with script: {history} history entries; back shows step 1, empty ({shown})");
    } else {
        println!(
            "quick exit without script: {history} history entries; back shows {shown}: {}",
            text.lines().find(|l| !l.trim().is_empty()).unwrap_or("(nothing)")
        );
    }
    page.close().await;
}

/// What a page said about itself at one stop of the tour.
struct Watch {
    stops: Vec<(&'static str, Value)>,
}

impl Visit for Watch {
    async fn at(&mut self, page: &Page, state: &'static str) {
        let seen = page
            .js("const attrs = [];
                 for (const e of document.querySelectorAll('[href], [src], [action], [formaction]')) {
                     for (const a of ['href', 'src', 'action', 'formaction']) {
                         const raw = e.getAttribute(a);
                        // A link within the page names the page itself.
                        if (raw !== null && !raw.startsWith('#')) attrs.push(e[a] || raw);
                     }
                 }
                 const forms = [...document.forms].map(f => ({ method: f.method, action: f.action,
                     typed: [...f.elements].some(e => e.name && e.type !== 'hidden' && e.type !== 'submit') }));
                 const entries = window.navigation ? navigation.entries().map(e => e.url) : [];
                 return { url: document.URL, title: document.title, history: history.length, entries,
                          metas: [...document.querySelectorAll('meta')].map(m => m.outerHTML), addresses: attrs, forms };")
            .await;
        self.stops.push((state, seen));
    }
}

fn header<'a>(headers: &'a Value, name: &str) -> &'a str {
    headers
        .as_object()
        .and_then(|all| all.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(!text.to_lowercase().contains(&secret.to_lowercase()), "{what} holds {secret:?}: {text}");
    }
}

fn assert_page_headers(what: &str, status: u16, headers: &dyn Fn(&str) -> String) {
    assert_eq!(headers("cache-control"), "no-store", "{what} ({status}) must not be stored");
    assert!(headers("content-security-policy").contains("script-src 'self'"), "{what}: the CSP");
    assert_eq!(headers("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(headers("x-content-type-options"), "nosniff", "{what}");
}

/// A filing and a tracking session in the browser; then every page it
/// got, every address it went to, every address any page links or posts
/// to (followed by a crawler), and every post again with reqwest.
async fn no_page_is_stored_and_no_address_or_title_holds_a_secret(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = Officer::new(&app).await;
    let page = Page::open(&app, Options::phone().with_network_log()).await;
    let mut watch = Watch { stops: Vec::new() };
    let filed: Filed = tour(&page, &officer, "", &mut watch).await;
    let secrets = filed.secrets();
    let mut history = 0;
    let mut addresses = BTreeSet::new();
    for (state, seen) in &watch.stops {
        assert_clean(&format!("{state}: document.URL"), seen["url"].as_str().unwrap(), &secrets);
        assert_clean(&format!("{state}: the title"), seen["title"].as_str().unwrap(), &secrets);
        assert_clean(&format!("{state}: a <meta>"), &seen["metas"].to_string(), &secrets);
        assert_clean(&format!("{state}: the history's entries"), &seen["entries"].to_string(), &secrets);
        for address in seen["addresses"].as_array().unwrap() {
            let address = address.as_str().unwrap();
            assert_clean(&format!("{state}: an address on the page"), address, &secrets);
            addresses.insert(address.to_owned());
        }
        for form in seen["forms"].as_array().unwrap() {
            if form["typed"] == true {
                assert_eq!(form["method"], "post", "{state}: a form that takes input posts it: {form}");
            }
        }
        history = history.max(seen["history"].as_i64().unwrap());
    }

    // What the browser itself sent and got, from the DevTools protocol.
    let events = page.browser().network_log().await.unwrap();
    page.close().await;
    let mut posts = Vec::new();
    let mut documents = 0;
    for event in &events {
        let params = &event["params"];
        match event["method"].as_str() {
            Some("Network.requestWillBeSent") => {
                let request = &params["request"];
                let url = request["url"].as_str().unwrap();
                assert_clean("an address the browser asked for", url, &secrets);
                if request["method"] == "POST" && url.starts_with(&app.base) {
                    let body = request["postData"].as_str().expect("the post's body in the log");
                    posts.push((url.to_owned(), body.to_owned()));
                }
            }
            Some("Network.responseReceived")
                if params["type"] == "Document"
                    && params["response"]["url"].as_str().is_some_and(|u| u.starts_with(&app.base)) =>
            {
                let response = &params["response"];
                let url = response["url"].as_str().unwrap();
                let status = response["status"].as_u64().unwrap() as u16;
                let headers = &response["headers"];
                assert_page_headers(&format!("the browser's {url}"), status, &|name| header(headers, name).to_owned());
                documents += 1;
            }
            _ => {}
        }
    }
    assert!(
        documents >= 17 && posts.len() >= 12,
        "the log holds the session: {documents} pages, {} posts",
        posts.len()
    );

    // Each post again, from reqwest: the answer is not stored either.
    let client = reqwest::Client::new();
    for (url, body) in &posts {
        let answer = client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        assert_page_headers(&format!("POST {url} again"), status, &|name| {
            headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
        });
    }

    // A crawler follows every address any page showed, and every address
    // on the pages it finds.
    let mut queue: VecDeque<String> = addresses.iter().cloned().collect();
    let mut crawled = BTreeSet::new();
    while let Some(address) = queue.pop_front() {
        let Some(path) = address.strip_prefix(&app.base) else {
            assert!(!address.starts_with("http"), "a third-party address: {address}");
            continue;
        };
        let path = path.split('#').next().unwrap_or("").to_owned();
        if !crawled.insert(path.clone()) {
            continue;
        }
        assert!(crawled.len() < 200, "the crawler ran away: {crawled:?}");
        let answer = client.get(format!("{}{path}", app.base)).send().await.unwrap();
        let status = answer.status().as_u16();
        assert!(status == 200 || path.starts_with("/static/"), "GET {path}: {status}");
        let headers = answer.headers().clone();
        let html = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").starts_with("text/html");
        let body = answer.text().await.unwrap();
        if !html {
            continue;
        }
        assert_page_headers(&format!("GET {path}"), status, &|name| {
            headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
        });
        for attribute in ["href=\"", "src=\"", "action=\""] {
            for piece in body.split(attribute).skip(1) {
                let target = piece.split('"').next().unwrap_or("").replace("&amp;", "&");
                if target.starts_with('#') || target.is_empty() {
                    continue;
                }
                let absolute = if target.starts_with('/') { format!("{}{target}", app.base) } else { target };
                assert_clean(&format!("an address on {path}"), &absolute, &secrets);
                queue.push_back(absolute);
            }
        }
    }
    println!(
        "safety: {} stops checked (URL, title, <meta>, history of up to {history} entries), {documents} pages the \
         browser got and {} posts replayed answered no-store, {} addresses crawled: no secret anywhere",
        watch.stops.len(),
        posts.len(),
        crawled.len()
    );
    assert!(crawled.len() >= 6, "the crawler found the site: {crawled:?}");
}

/// A script element with inline text, an inline event handler and a
/// script from another origin, each added to a page already shown: none
/// runs, and the page reports each violation.
async fn the_content_security_policy_stops_injected_script(db: Database) {
    let app = TestApp::spawn(db).await;
    let page = Page::open(&app, Options::phone()).await;
    page.goto("/solicitud").await;
    // The page's own script did run: scripts are on, only foreign ones stop.
    assert_eq!(page.js("return document.documentElement.classList.contains('js');").await, json!(true));
    page.js("window.__violations = [];
         document.addEventListener('securitypolicyviolation', e =>
             window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
         const inline = document.createElement('script');
         inline.textContent = 'window.__pwned = 1;';
         document.head.appendChild(inline);
         const handler = document.createElement('img');
         handler.setAttribute('onerror', 'window.__pwned = 2;');
         handler.src = '/no-existe.png';
         document.body.appendChild(handler);
         const foreign = document.createElement('script');
         foreign.src = 'http://127.0.0.2:9/x.js';
         document.head.appendChild(foreign);")
        .await;
    page.wait_until("three violations reported", "window.__violations.length >= 3").await;
    let violations = page.js("return window.__violations;").await;
    assert_eq!(page.js("return window.__pwned === undefined;").await, json!(true), "an injected script ran");
    let violations: Vec<&str> = violations.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(violations.iter().all(|v| v.starts_with("script-src")), "{violations:?}");
    assert!(violations.iter().any(|v| v.contains("127.0.0.2")), "the foreign script was blocked: {violations:?}");
    println!("CSP: injected inline script, inline handler and foreign script blocked: {violations:?}");
    page.close().await;
}
