//! The public pages on a slow link (UI.md: under 30 KB compressed per
//! page, usable on one bar of 3G). Two measurements against `resguardo
//! serve` in its own process:
//!
//! - **Weight**: each page and state fetched as a first visit would, with
//!   `Accept-Encoding: gzip` (what goes over the wire: the compressed
//!   body, headers left out), the HTML alone and with the stylesheet and
//!   script it loads. States are reached by posting the forms forward, as
//!   a browser without script would.
//! - **Load time** in headless Chromium (`crates/browser`) under the
//!   DevTools protocol's network emulation of a slow 3G link (400 kbit/s
//!   each way, 400 ms latency), cache disabled (every navigation fetches
//!   its stylesheet and script again: a first visit at every step), for
//!   the start page and each step of the form, reached by posting forward
//!   (Navigation Timing's `loadEventEnd − startTime` of each navigation).
//!   Baselines in the same run: the same navigations with the cache on
//!   (stylesheet and script fetched once), and with no emulation at all.
//!
//! Each page is reported against its budget: 30 KB (30 000 bytes)
//! compressed, 3 s on that link.

use std::io::Read as _;
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use browser::fantoccini::Locator;
use browser::{Browser, Options};
use serde_json::{Value, json};

use crate::fresh::Fresh;
use crate::intake::Server;
use crate::results::Results;

/// UI.md's budgets.
pub(crate) const WEIGHT_BUDGET_BYTES: usize = 30_000;
pub(crate) const LOAD_BUDGET_MS: f64 = 3_000.0;

/// Slow 3G as UI.md describes it: bytes per second each way, latency.
const SLOW_3G_BYTES_PER_SECOND: f64 = 400_000.0 / 8.0;
const SLOW_3G_LATENCY_MS: f64 = 400.0;

/// What each page weighs, then how long each step takes to load.
pub(crate) async fn run(database_url: Option<&str>, runs: usize, results: &mut Results) -> anyhow::Result<()> {
    browser::check_installed().map_err(|e| anyhow::anyhow!("{e}"))?;
    let dir = std::env::temp_dir().join(format!("resguardo-bench-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let served = Fresh::create(database_url).await?;
    let server = Server::start(served.url(), &dir, false).await?;
    let base = server.url.trim_end_matches("/graphql").to_owned();

    let mut budget = Vec::new();
    for run in 0..runs {
        let weights = weigh(&base).await.with_context(|| format!("weighing the pages (run {run})"))?;
        for (state, html, first_visit) in &weights {
            if let Some(asset) = state.strip_suffix(" alone") {
                results.record("page weight", &format!("{asset}, gzip"), "bytes", *html as f64);
                continue;
            }
            results.record("page weight", &format!("{state}: HTML, gzip"), "bytes", *html as f64);
            results.record("page weight", &format!("{state}: HTML + CSS + JS, gzip"), "bytes", *first_visit as f64);
            if run == 0 {
                budget.push((
                    format!("{state}: HTML + CSS + JS"),
                    *first_visit as f64,
                    WEIGHT_BUDGET_BYTES as f64,
                    "bytes",
                ));
            }
        }
    }

    let mut loads: Vec<(String, Vec<f64>)> = Vec::new();
    for run in 0..runs {
        let mut walks = Vec::new();
        for (link, what) in [
            (Link::Slow3g, "slow 3G, cold"),
            (Link::Slow3gCached, "slow 3G, cached CSS/JS"),
            (Link::Loopback, "loopback, cold"),
        ] {
            let timed = walk(&base, link).await.with_context(|| format!("loading the steps ({what}, run {run})"))?;
            for (step, ms, transferred) in &timed {
                results.record("page load", &format!("{step}: {what}"), "ms", *ms);
                if link == Link::Slow3g {
                    results.record(
                        "page load",
                        &format!("{step}: transferred as Chromium counts it, cold"),
                        "bytes",
                        *transferred,
                    );
                }
            }
            walks.push(timed);
        }
        let [cold, cached, loopback] = &walks[..] else { unreachable!("three walks") };
        for (((step, cold_ms, _), (_, cached_ms, _)), (_, loopback_ms, _)) in cold.iter().zip(cached).zip(loopback) {
            results.record("page load", &format!("{step}: ratio cached / cold on slow 3G"), "×", cached_ms / cold_ms);
            results.record("page load", &format!("{step}: ratio slow 3G / loopback"), "×", cold_ms / loopback_ms);
            match loads.iter_mut().find(|(s, _)| s == step) {
                Some((_, all)) => all.push(*cold_ms),
                None => loads.push((step.clone(), vec![*cold_ms])),
            }
        }
    }
    for (step, all) in loads {
        let figure = crate::results::Figure { group: String::new(), name: String::new(), unit: "ms", runs: all };
        budget.push((format!("{step}: load on slow 3G, cold (median)"), figure.median(), LOAD_BUDGET_MS, "ms"));
    }
    drop(server);
    served.drop().await?;
    let _ = std::fs::remove_dir_all(&dir);

    println!("budget (UI.md: 30 KB compressed, 3 s on slow 3G):");
    for (what, value, limit, unit) in &budget {
        let verdict = if value < limit { "within budget" } else { "OVER BUDGET" };
        println!("  {what:<58} {value:>8.0} {unit:<5} of {limit:>6.0}  {verdict}");
        results.record("budget", &format!("{what} within budget"), "yes=1", f64::from(u8::from(value < limit)));
    }
    Ok(())
}

// ---------------------------------------------------------------------
// Weight, over plain HTTP.

struct Fetched {
    status: u16,
    /// The body as sent (gzip).
    wire: usize,
    html: String,
}

async fn fetch(request: reqwest::RequestBuilder) -> anyhow::Result<Fetched> {
    let answer = request.header("accept-encoding", "gzip").send().await?;
    let status = answer.status().as_u16();
    let gzip = answer.headers().get("content-encoding").is_some_and(|v| v == "gzip");
    let bytes = answer.bytes().await?;
    let html = if gzip {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
        text
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    };
    ensure!(gzip || bytes.len() < 1024, "an answer of {} bytes was not compressed", bytes.len());
    Ok(Fetched { status, wire: bytes.len(), html })
}

/// The hidden fields of the page's first form holding `action` (as the
/// templates write them: `<input type="hidden" name="…" value="…">`).
fn hidden_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let button = format!("value=\"{action}\"");
    let form = html
        .split("<form")
        .skip(1)
        .map(|f| f.split("</form>").next().unwrap_or(""))
        .find(|f| f.contains(&button))
        .or_else(|| html.split("<form").nth(1))
        .unwrap_or("");
    form.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let value = rest.strip_prefix(" value=\"")?.split('"').next()?;
            Some((unescape(name), unescape(value)))
        })
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The stylesheet and script a page loads.
fn assets(html: &str) -> Vec<String> {
    ["href=\"/static/", "src=\"/static/"]
        .iter()
        .flat_map(|marker| {
            html.split(marker).skip(1).filter_map(|rest| rest.split('"').next()).map(|name| format!("/static/{name}"))
        })
        .collect()
}

/// The answers of each step, as a defender types them.
fn answers(step: usize) -> Vec<(&'static str, &'static str)> {
    match step {
        1 => vec![
            ("filer", "SELF"),
            ("beneficiaries[0].collective", "PERSON"),
            ("beneficiaries[0].name", "Rosa Huamán Ccori"),
        ],
        2 => vec![("place.ubigeo", "25"), ("place.detail", "Comunidad nativa Nuevo Amanecer, río Ucayali")],
        3 => vec![
            ("defenderCategory", "INDIGENOUS"),
            ("aggressionTypes", "THREAT"),
            ("facts", "Desde marzo recibo amenazas de muerte por defender el territorio de la comunidad."),
        ],
        4 => vec![("requestedMeasures.types", "POLICE_PATROLS")],
        5 => vec![("contact.phone", "961222333"), ("language", "SPANISH")],
        _ => vec![("consent.status", "GIVEN")],
    }
}

/// Every page and state, with its HTML's weight and a first visit's.
async fn weigh(base: &str) -> anyhow::Result<Vec<(String, usize, usize)>> {
    let client = reqwest::Client::new();
    let mut asset_weight = std::collections::BTreeMap::new();
    let mut weighed = Vec::new();
    let mut record = async |state: &str, page: &Fetched, expected: u16| -> anyhow::Result<()> {
        ensure!(page.status == expected, "{state}: {} instead of {expected}", page.status);
        let mut first_visit = page.wire;
        for asset in assets(&page.html) {
            if !asset_weight.contains_key(&asset) {
                let fetched = fetch(client.get(format!("{base}{asset}"))).await?;
                ensure!(fetched.status == 200, "{asset}: {}", fetched.status);
                asset_weight.insert(asset.clone(), fetched.wire);
            }
            first_visit += asset_weight[&asset];
        }
        weighed.push((state.to_owned(), page.wire, first_visit));
        Ok(())
    };
    let post = |fields: &Vec<(String, String)>, path: &str| client.post(format!("{base}{path}")).form(fields);

    let home = fetch(client.get(format!("{base}/"))).await?;
    record("home", &home, 200).await?;
    let mut page = fetch(client.get(format!("{base}/solicitud"))).await?;
    record("step 1", &page, 200).await?;
    let mut fields = hidden_fields(&page.html, "siguiente");
    fields.push(("accion".into(), "siguiente".into()));
    let errors = fetch(post(&fields, "/solicitud")).await?;
    record("step 1 with errors", &errors, 422).await?;
    for step in 1..=6 {
        let action = if step == 6 { "enviar" } else { "siguiente" };
        let mut fields = hidden_fields(&page.html, action);
        fields.extend(answers(step).into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())));
        fields.push(("accion".into(), action.into()));
        page = fetch(post(&fields, "/solicitud")).await?;
        ensure!(page.status == 200, "step {step} answered: {} {}", page.status, page.html);
        let state = if step == 6 { "receipt".to_owned() } else { format!("step {}", step + 1) };
        record(&state, &page, 200).await?;
    }
    let file_number = between(&page.html, "id=\"recibo-expediente\">", "<").context("the receipt's file number")?;
    let key_part = between(&page.html, "id=\"recibo-clave\">", "</dd>").context("the receipt's key")?;
    let key: Vec<&str> =
        key_part.split("<span class=\"grupo-clave\">").skip(1).filter_map(|g| g.split('<').next()).collect();
    let key = key.join("-");

    let lookup = fetch(client.get(format!("{base}/seguimiento"))).await?;
    record("lookup", &lookup, 200).await?;
    let mut fields = hidden_fields(&lookup.html, "consultar");
    fields
        .extend([("fileNumber".into(), file_number.clone()), ("accessKey".into(), "AAAA-BBBB-CCCC-DDDD-EEEE".into())]);
    fields.push(("accion".into(), "consultar".into()));
    let wrong = fetch(post(&fields, "/seguimiento")).await?;
    record("lookup, wrong key", &wrong, 200).await?;
    fields.retain(|(n, _)| n != "accessKey");
    fields.push(("accessKey".into(), key));
    let status = fetch(post(&fields, "/seguimiento")).await?;
    ensure!(status.html.contains("estado-actual"), "the status page");
    record("status", &status, 200).await?;
    let mut fields = hidden_fields(&status.html, "retirar");
    fields.push(("accion".into(), "retirar".into()));
    let confirm = fetch(post(&fields, "/seguimiento")).await?;
    ensure!(confirm.html.contains("retirar-confirmado"), "the confirmation");
    record("withdrawal, confirm", &confirm, 200).await?;
    let missing = fetch(client.get(format!("{base}/no-existe"))).await?;
    record("404", &missing, 404).await?;
    let exit = fetch(client.get(format!("{base}/salir"))).await?;
    record("/salir", &exit, 200).await?;
    for (asset, bytes) in asset_weight {
        let kind = if asset.ends_with(".css") { "the stylesheet" } else { "the script" };
        weighed.push((format!("{kind} alone"), bytes, bytes));
    }
    Ok(weighed)
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].trim().to_owned())
}

// ---------------------------------------------------------------------
// Load time, in Chromium.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    Slow3g,
    Slow3gCached,
    Loopback,
}

/// The start page, then step 1 to 6 and the receipt, each reached as a
/// person does (a link, then posting forward): for each, the navigation's
/// load time and the bytes Chromium counted (document and its resources,
/// headers included).
async fn walk(base: &str, link: Link) -> anyhow::Result<Vec<(String, f64, f64)>> {
    let browser = Browser::start(&Options::phone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let outcome = walk_in(&browser, base, link).await;
    browser.close().await;
    outcome
}

async fn walk_in(browser: &Browser, base: &str, link: Link) -> anyhow::Result<Vec<(String, f64, f64)>> {
    let cdp = |command: &'static str, params: Value| async move {
        browser.cdp(command, params).await.with_context(|| format!("DevTools {command}"))
    };
    cdp("Network.enable", json!({})).await?;
    cdp("Network.clearBrowserCache", json!({})).await?;
    cdp("Network.setCacheDisabled", json!({ "cacheDisabled": link == Link::Slow3g || link == Link::Loopback })).await?;
    if link != Link::Loopback {
        cdp(
            "Network.emulateNetworkConditions",
            json!({ "offline": false, "latency": SLOW_3G_LATENCY_MS,
                    "downloadThroughput": SLOW_3G_BYTES_PER_SECOND, "uploadThroughput": SLOW_3G_BYTES_PER_SECOND,
                    "connectionType": "cellular3g" }),
        )
        .await?;
    }
    let client = browser.client();
    let mut timed = Vec::new();
    client.goto(&format!("{base}/")).await?;
    timed.push(("home".to_owned(), navigation(browser).await?));
    next_page(browser, "main a.boton[href^='/solicitud']").await?;
    timed.push(("step 1".to_owned(), navigation(browser).await?));
    for step in 1..=6 {
        for (name, value) in answers(step) {
            fill(browser, name, value).await?;
        }
        let action = if step == 6 { "enviar" } else { "siguiente" };
        next_page(browser, &format!("button[name=accion][value={action}]:not([hidden])")).await?;
        let reached = if step == 6 { "receipt".to_owned() } else { format!("step {}", step + 1) };
        let progress =
            client.execute("return document.querySelector('.progreso, #recibo-expediente') !== null;", vec![]).await?;
        ensure!(progress == json!(true), "{reached} was not reached");
        timed.push((reached, navigation(browser).await?));
    }
    Ok(timed.into_iter().map(|(step, (ms, bytes))| (step, ms, bytes)).collect())
}

/// Types or ticks `value` for the form field `name`.
async fn fill(browser: &Browser, name: &str, value: &str) -> anyhow::Result<()> {
    let found = browser
        .client()
        .execute(
            "const [name, value] = arguments;
             const all = [...document.getElementsByName(name)];
             const one = all.find(e => e.type === 'radio' || e.type === 'checkbox' ? e.value === value : true);
             if (!one) return 'missing';
             if (one.type === 'radio' || one.type === 'checkbox') { one.checked = true; }
             else { one.value = value; }
             return 'ok';",
            vec![json!(name), json!(value)],
        )
        .await?;
    ensure!(found == json!("ok"), "no field {name}");
    Ok(())
}

/// Clicks `selector` and waits (at most a minute) for the next page to
/// have loaded.
async fn next_page(browser: &Browser, selector: &str) -> anyhow::Result<()> {
    let client = browser.client();
    client.execute("window.__benchOld = true;", vec![]).await?;
    client.find(Locator::Css(selector)).await.with_context(|| format!("no {selector}"))?.click().await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let loaded = client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0];
                 return !window.__benchOld && document.readyState === 'complete' && !!n && n.loadEventEnd > 0;",
                vec![],
            )
            .await;
        if matches!(loaded, Ok(Value::Bool(true))) {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!("the page after {selector} did not load within a minute");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The current page's load time (ms) and what it transferred (bytes).
async fn navigation(browser: &Browser) -> anyhow::Result<(f64, f64)> {
    let client = browser.client();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let measured = client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0];
                 if (!n || n.loadEventEnd <= 0) return null;
                 const resources = performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, 0);
                 return [n.loadEventEnd - n.startTime, n.transferSize + resources];",
                vec![],
            )
            .await?;
        if let Some(pair) = measured.as_array() {
            return Ok((pair[0].as_f64().unwrap_or(f64::NAN), pair[1].as_f64().unwrap_or(f64::NAN)));
        }
        if tokio::time::Instant::now() > deadline {
            bail!("no load event within a minute");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
