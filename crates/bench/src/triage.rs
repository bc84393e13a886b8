//! Triage at scale: the officer's page of 50 requests (state and department
//! filter, most urgent first, with beneficiaries, measures and deadlines)
//! and the coordinator's "my sector's measures due soon", through the real
//! GraphQL service (in process, without sockets, so the SQL statements each
//! request costs can be counted), against the generated registry; and the
//! console's officer home (`/consola/casos`: seven queue counts and a page
//! of 25) and a case page, with their weight gzip-compressed.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::body::Body;
use axum::http::{Request, header};
use chrono::NaiveDate;
use db::{Actor, Database, NewUser};
use domain::codes::RefCode;
use domain::roles::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::generate::noon;
use crate::results::{Results, percentile_ms};

const PASSWORD: &str = "contraseña de la prueba de carga";

pub(crate) const OFFICER_PAGE: &str = "query($d: String!) { cases(first: 50, orderBy: DUE_ASC, filter: { department: $d, statuses: [UNDER_REVIEW, ADMITTED, RISK_ASSESSED, MEASURES_IN_IMPLEMENTATION] }) {
  edges { node { fileNumber statusLabel nextDueOn overdue
    request { beneficiaries { name } }
    measures { measureTypeName sector status nextDueOn }
    deadlines { kind due status } } } pageInfo { hasNextPage endCursor } } }";

const COORDINATOR_LIST: &str =
    "{ dueSoon(workingDays: 5, first: 50) { edges { node { fileNumber deadline { kind due status } } } } }";

/// The service and who uses it.
struct Service {
    router: axum::Router,
    db: Database,
}

impl Service {
    async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> anyhow::Result<Value> {
        let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = serde_json::to_vec(&json!({ "query": query, "variables": variables }))?;
        let response = self.router.clone().oneshot(request.body(Body::from(body))?).await?;
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await?;
        let value: Value = serde_json::from_slice(&bytes)?;
        if !value["errors"].is_null() {
            anyhow::bail!("GraphQL errors: {}", value["errors"]);
        }
        Ok(value)
    }

    async fn staff(&self, role: Role, email: &str, sector: Option<&str>) -> anyhow::Result<String> {
        let hash = api::PasswordHasher::new(1).hash(PASSWORD).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let sector = sector.map(RefCode::parse).transpose().map_err(|e| anyhow::anyhow!("{e}"))?;
        let user = NewUser {
            email: email.into(),
            display_name: "Carga".into(),
            role,
            sector,
            lead_coordinator: false,
            password_hash: hash,
        };
        self.db.create_user(user, &Actor::system(), chrono::Utc::now()).await?;
        let login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
        let body = self.graphql(None, login, json!({ "e": email, "p": PASSWORD })).await?;
        body["data"]["login"]["token"].as_str().map(str::to_owned).context("no token")
    }

    /// Latencies and statements per request of `requests` runs of `query`.
    async fn measure(
        &self,
        token: &str,
        query: &str,
        variables: &[Value],
        requests: usize,
    ) -> anyhow::Result<(Vec<Duration>, f64)> {
        let mut latencies = Vec::with_capacity(requests);
        let before = self.db.statements_executed();
        for n in 0..requests {
            let started = Instant::now();
            self.graphql(Some(token), query, variables[n % variables.len()].clone()).await?;
            latencies.push(started.elapsed());
        }
        let statements = (self.db.statements_executed() - before) as f64 / requests as f64;
        Ok((latencies, statements))
    }
}

impl Service {
    /// One console page for the session `token`: its time, and its size
    /// as sent (gzip).
    async fn console_page(&self, token: &str, path: &str) -> anyhow::Result<(Duration, usize)> {
        let request = Request::get(path)
            .header(header::COOKIE, format!("__Host-resguardo-sesion={token}"))
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())?;
        let started = Instant::now();
        let response = self.router.clone().oneshot(request).await?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await?;
        let elapsed = started.elapsed();
        anyhow::ensure!(status.is_success(), "{path} answered {status}");
        Ok((elapsed, bytes.len()))
    }

    async fn measure_page(&self, token: &str, path: &str, requests: usize) -> anyhow::Result<(Vec<Duration>, usize)> {
        let mut latencies = Vec::with_capacity(requests);
        let mut size = 0;
        for _ in 0..requests {
            let (elapsed, bytes) = self.console_page(token, path).await?;
            latencies.push(elapsed);
            size = bytes;
        }
        Ok((latencies, size))
    }
}

/// The case the console's case page is measured on: the most urgent of
/// Lima's working cases, with its measures and deadlines.
const A_CASE: &str = "{ cases(first: 1, orderBy: DUE_ASC, filter: { department: \"15\", statuses: [MEASURES_IN_IMPLEMENTATION] }) { nodes { id } } }";

/// Measures both lists `runs` times, `requests` requests each.
pub(crate) async fn run(
    db: &Database,
    today: NaiveDate,
    runs: usize,
    requests: usize,
    results: &mut Results,
) -> anyhow::Result<()> {
    let clock = api::Clock::from_fn(move || noon(today));
    let config = api::ApiConfig { clock, rate_limits: api::RateLimits::OFF, ..api::ApiConfig::default() };
    let router = web::router(api::Api::new(db.clone(), config), web::WebConfig::default());
    let service = Service { router, db: db.clone() };
    let officer = service.staff(Role::Officer, "carga.oficial@dgdh.gob.pe", None).await?;
    let coordinator = service.staff(Role::Coordinator, "carga.mininter@dgdh.gob.pe", Some("MININTER")).await?;
    let departments: Vec<Value> = ["15", "25", "16", "08"].iter().map(|d| json!({ "d": d })).collect();

    // One request each, to warm caches; and a check that pages are full.
    let page = service.graphql(Some(&officer), OFFICER_PAGE, departments[0].clone()).await?;
    let rows = page["data"]["cases"]["edges"].as_array().map_or(0, Vec::len);
    service.graphql(Some(&coordinator), COORDINATOR_LIST, json!({})).await?;
    eprintln!("  the officer's page holds {rows} requests");

    for _ in 0..runs {
        let (mut latencies, statements) = service.measure(&officer, OFFICER_PAGE, &departments, requests).await?;
        results.record("triage", "officer page of 50: p50", "ms", percentile_ms(&mut latencies, 50.0));
        results.record("triage", "officer page of 50: p99", "ms", percentile_ms(&mut latencies, 99.0));
        results.record("triage", "officer page of 50: SQL statements per request", "statements", statements);
        let (mut latencies, statements) =
            service.measure(&coordinator, COORDINATOR_LIST, &[json!({})], requests).await?;
        results.record("triage", "coordinator due soon: p50", "ms", percentile_ms(&mut latencies, 50.0));
        results.record("triage", "coordinator due soon: p99", "ms", percentile_ms(&mut latencies, 99.0));
        results.record("triage", "coordinator due soon: SQL statements per request", "statements", statements);
    }

    // The console's pages, as a browser asks for them.
    let case = service.graphql(Some(&officer), A_CASE, json!({})).await?;
    let case_path = case["data"]["cases"]["nodes"][0]["id"]
        .as_str()
        .map(|id| format!("/consola/casos/{id}"))
        .context("no case in implementation in Lima")?;
    for (name, path) in [("officer home (7 queues, 25 cases)", "/consola/casos"), ("case page", case_path.as_str())] {
        service.console_page(&officer, path).await?;
        for _ in 0..runs {
            let (mut latencies, bytes) = service.measure_page(&officer, path, requests).await?;
            results.record("console", &format!("{name}: p50"), "ms", percentile_ms(&mut latencies, 50.0));
            results.record("console", &format!("{name}: p99"), "ms", percentile_ms(&mut latencies, 99.0));
            results.record("console", &format!("{name}: HTML, gzip"), "bytes", bytes as f64);
        }
    }
    crate::plans::record(db, today, results).await
}
