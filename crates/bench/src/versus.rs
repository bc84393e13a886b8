//! Side by side with PostGraphile 5: the officer's page (`triage`'s
//! `OFFICER_PAGE`) asked of `resguardo serve` and of PostGraphile (the
//! Amber preset and the connection-filter plugin, `bench/postgraphile/`)
//! on the same generated registry, both in their own process, over real
//! HTTP on loopback, with the same load generator (`intake::load`). Each
//! round measures both at each client count, the order alternating (which
//! server goes first changes from one measurement to the next), so neither
//! always finds the caches the other warmed. The figures: throughput, p50
//! and p99 of each, and the ratios Resguardo / PostGraphile.
//!
//! PostGraphile answers the same question the way it can: the same cases
//! (department, the four working states, the same order), their
//! beneficiaries' rows and the sealed request as stored (the names are in
//! it; PostGraphile cannot open it), measures with their type's name, and
//! deadlines. It checks no session, applies no role, decrypts nothing and
//! audits no read.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use db::{Actor, NewUser};
use domain::roles::Role;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::fresh::{Fresh, write_key_file};
use crate::intake::{Server, load};
use crate::results::{Results, percentile_ms};
use crate::triage::OFFICER_PAGE;

/// The departments the officer's page is asked for in turn (Lima,
/// Ucayali, Loreto, Cusco: the largest), as in `triage`.
const DEPARTMENTS: [&str; 4] = ["15", "25", "16", "08"];

/// The four working states, as `cases.status` stores them.
const WORKING: [&str; 4] = ["UNDER_REVIEW", "ADMITTED", "RISK_ASSESSED", "MEASURES_IN_IMPLEMENTATION"];

/// The page's size.
const PAGE: usize = 50;

const PASSWORD: &str = "contraseña de la comparación con PostGraphile";

pub(crate) struct Options {
    /// Concurrent clients of each measurement.
    pub(crate) clients: Vec<usize>,
    pub(crate) rounds: usize,
    /// Requests per server, client count and round.
    pub(crate) requests: usize,
    /// `bench/postgraphile`, with its `node_modules`.
    pub(crate) postgraphile: PathBuf,
}

/// Where PostGraphile's files are: the repository's `bench/postgraphile`.
pub(crate) fn default_postgraphile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/postgraphile")
}

/// Fails early (before any data is generated) when PostGraphile cannot start.
pub(crate) fn check_postgraphile(dir: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        dir.join("start.mjs").exists(),
        "{} has no start.mjs: give the directory with --postgraphile",
        dir.display()
    );
    anyhow::ensure!(
        dir.join("node_modules/postgraphile").exists(),
        "PostGraphile is not installed in {}: run `npm ci --prefix bench/postgraphile` first (from the repository's root)",
        dir.display()
    );
    let node = std::process::Command::new("node").arg("--version").output();
    anyhow::ensure!(
        node.is_ok_and(|o| o.status.success()),
        "node is not on PATH: PostGraphile needs it (node 20 or later)"
    );
    Ok(())
}

/// One of the two servers, and how the officer's page is asked of it.
struct Side {
    name: &'static str,
    url: String,
    token: Option<String>,
    /// The request body for each department, serialised once.
    bodies: Vec<Vec<u8>>,
    /// The connection field of the answer (`cases`, `allCases`).
    field: &'static str,
}

impl Side {
    fn new(name: &'static str, url: &str, token: Option<String>, query: &str, field: &'static str) -> Self {
        let bodies = DEPARTMENTS
            .iter()
            .map(|d| serde_json::to_vec(&json!({ "query": query, "variables": { "d": d } })).unwrap_or_default())
            .collect();
        Self { name, url: url.to_owned(), token, bodies, field }
    }

    fn request(&self, client: &reqwest::Client, n: usize) -> reqwest::RequestBuilder {
        let mut request = client
            .post(&self.url)
            .header(CONTENT_TYPE, "application/json")
            .body(self.bodies[n % self.bodies.len()].clone());
        if let Some(token) = &self.token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        request
    }

    /// Department `n`'s page, parsed: its file numbers and its size in bytes.
    async fn page(&self, client: &reqwest::Client, n: usize) -> anyhow::Result<(Vec<String>, usize)> {
        let response = self.request(client, n).send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        let body: Value = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} answered {status}: {}", self.name, String::from_utf8_lossy(&bytes)))?;
        anyhow::ensure!(
            status.is_success() && body["errors"].is_null(),
            "{} answered {status}: {}",
            self.name,
            body["errors"]
        );
        let edges = body["data"][self.field]["edges"].as_array().context("no edges in the answer")?;
        let files = edges.iter().filter_map(|e| e["node"]["fileNumber"].as_str().map(str::to_owned)).collect();
        Ok((files, bytes.len()))
    }

    /// `total` requests from `clients` concurrent clients: the wall time
    /// and every latency. An answer that is not a success, or that carries
    /// errors, stops the measurement.
    async fn measure(
        self: &std::sync::Arc<Self>,
        client: &reqwest::Client,
        total: usize,
        clients: usize,
    ) -> anyhow::Result<(Duration, Vec<Duration>)> {
        let (side, client) = (self.clone(), client.clone());
        load(total, clients, move |n| {
            let (side, client) = (side.clone(), client.clone());
            async move {
                let response = side.request(&client, n).send().await?;
                let status = response.status();
                let bytes = response.bytes().await?;
                // `"errors":` can only be a key: inside a JSON string the
                // quotes would be escaped.
                let failed = bytes.windows(9).any(|w| w == b"\"errors\":");
                anyhow::ensure!(
                    status.is_success() && !failed,
                    "{} answered {status}: {}",
                    side.name,
                    String::from_utf8_lossy(&bytes[..bytes.len().min(500)])
                );
                Ok(())
            }
        })
        .await
    }
}

/// An officer's account, made in the database, and its session token from
/// `login` over HTTP.
async fn officer(data: &Fresh, client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    let email = format!("versus.{}@dgdh.gob.pe", uuid::Uuid::new_v4().simple());
    let hash = api::PasswordHasher::new(1).hash(PASSWORD).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = NewUser {
        email: email.clone(),
        display_name: "Comparación".into(),
        role: Role::Officer,
        sector: None,
        lead_coordinator: false,
        password_hash: hash,
    };
    data.database().create_user(user, &Actor::system(), chrono::Utc::now()).await?;
    let login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let body: Value = client
        .post(url)
        .json(&json!({ "query": login, "variables": { "e": email, "p": PASSWORD } }))
        .send()
        .await?
        .json()
        .await?;
    body["data"]["login"]["token"].as_str().map(str::to_owned).with_context(|| format!("login failed: {body}"))
}

/// Cases in department `d` in the working states: what a page can hold.
async fn matching(data: &Fresh, department: &str) -> anyhow::Result<usize> {
    let sql = "SELECT COUNT(*) AS n FROM cases WHERE department_code = $1 AND status IN ($2, $3, $4, $5)";
    let mut values: Vec<sea_orm::Value> = vec![department.into()];
    values.extend(WORKING.iter().map(|s| sea_orm::Value::from(*s)));
    let connection = data.database().connection();
    let row = connection
        .query_one_raw(Statement::from_sql_and_values(connection.get_database_backend(), sql, values))
        .await?
        .context("no count")?;
    Ok(usize::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0))
}

/// PostGraphile on `database_url`, from `dir` (`node start.mjs 0 URL`); its
/// standard error goes to `log`.
async fn postgraphile(dir: &Path, database_url: &str, log: &Path) -> anyhow::Result<Server> {
    let mut command = std::process::Command::new("node");
    command
        .arg("start.mjs")
        .arg("0")
        .arg(database_url)
        .current_dir(dir)
        .stderr(std::fs::File::create(log).with_context(|| format!("create {}", log.display()))?);
    Server::spawn(command, "PostGraphile listening on ", "PostGraphile").await.map_err(|e| {
        let said = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = said.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        anyhow::anyhow!("{e}; it said:\n{}", tail.join("\n"))
    })
}

pub(crate) async fn run(data: &Fresh, options: &Options, results: &mut Results) -> anyhow::Result<()> {
    anyhow::ensure!(
        data.url().starts_with("postgres"),
        "bench versus compares with PostGraphile, which needs PostgreSQL: give --database-url postgres://…"
    );
    check_postgraphile(&options.postgraphile)?;
    let query = std::fs::read_to_string(options.postgraphile.join("officer-page.graphql"))
        .context("read bench/postgraphile/officer-page.graphql")?;
    let dir = std::env::temp_dir().join(format!("resguardo-bench-versus-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let outcome = measure(data, options, &query, &dir, results).await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn measure(
    data: &Fresh,
    options: &Options,
    query: &str,
    dir: &Path,
    results: &mut Results,
) -> anyhow::Result<()> {
    // The server opens the sealed requests with the keys they were sealed with.
    write_key_file(&dir.join("keys.toml"), data.keys())?;
    let resguardo = Server::start(data.url(), dir, false).await?;
    let postgraphile = postgraphile(&options.postgraphile, data.url(), &dir.join("postgraphile.log")).await?;
    eprintln!("  resguardo serve at {}, PostGraphile at {}", resguardo.url, postgraphile.url);
    let client = reqwest::Client::new();
    let token = officer(data, &client, &resguardo.url).await?;
    let sides = [
        std::sync::Arc::new(Side::new("Resguardo", &resguardo.url, Some(token), OFFICER_PAGE, "cases")),
        std::sync::Arc::new(Side::new("PostGraphile", &postgraphile.url, None, query, "allCases")),
    ];

    // Both answer with the same cases, in the same order, and the pages are
    // as full as the data allows (50 at 10^5 requests and more).
    for (n, department) in DEPARTMENTS.iter().enumerate() {
        let expected = matching(data, department).await?.min(PAGE);
        let (ours, our_bytes) = sides[0].page(&client, n).await?;
        let (theirs, their_bytes) = sides[1].page(&client, n).await?;
        anyhow::ensure!(
            ours.len() == expected,
            "Resguardo's page for {department} holds {} cases, not {expected}",
            ours.len()
        );
        anyhow::ensure!(
            ours == theirs,
            "the two pages for {department} differ: Resguardo {ours:?}, PostGraphile {theirs:?}"
        );
        if expected < PAGE {
            eprintln!(
                "  warning: department {department} has only {expected} working cases: the page is not full at this scale"
            );
        }
        eprintln!(
            "  department {department}: both pages hold the same {expected} cases; {our_bytes} bytes from Resguardo, {their_bytes} from PostGraphile"
        );
        results.record("versus", "answer size: Resguardo", "bytes", our_bytes as f64);
        results.record("versus", "answer size: PostGraphile", "bytes", their_bytes as f64);
    }
    // Warm both up (connections, caches, PostGraphile's JIT) before measuring.
    let most = options.clients.iter().copied().max().unwrap_or(1);
    for side in &sides {
        side.measure(&client, (options.requests / 10).max(4 * most), most).await?;
    }

    for round in 0..options.rounds {
        for (level, &clients) in options.clients.iter().enumerate() {
            // Rotated order: who goes first alternates at each measurement.
            let order: [usize; 2] = if (round + level) % 2 == 0 { [0, 1] } else { [1, 0] };
            let mut figures = [(0.0, 0.0, 0.0); 2];
            for i in order {
                let (wall, mut latencies) = sides[i].measure(&client, options.requests, clients).await?;
                figures[i] = (
                    options.requests as f64 / wall.as_secs_f64(),
                    percentile_ms(&mut latencies, 50.0),
                    percentile_ms(&mut latencies, 99.0),
                );
            }
            let c = format!("c={clients}");
            for (side, (throughput, p50, p99)) in sides.iter().zip(figures) {
                results.record("versus", &format!("{c} {}: throughput", side.name), "req/s", throughput);
                results.record("versus", &format!("{c} {}: p50", side.name), "ms", p50);
                results.record("versus", &format!("{c} {}: p99", side.name), "ms", p99);
            }
            let ([ours, theirs], name) = (figures, "ratio Resguardo / PostGraphile");
            results.record("versus", &format!("{c} {name} throughput"), "×", ours.0 / theirs.0);
            results.record("versus", &format!("{c} {name} p50"), "×", ours.1 / theirs.1);
            results.record("versus", &format!("{c} {name} p99"), "×", ours.2 / theirs.2);
            eprintln!(
                "  round {} c={clients}: Resguardo {:.0} req/s p99 {:.1} ms; PostGraphile {:.0} req/s p99 {:.1} ms",
                round + 1,
                ours.0,
                ours.2,
                theirs.0,
                theirs.2
            );
        }
        // This machine is shared: what else ran shows in the load average
        // (the three processes measured make about 2 of it at 16 clients).
        results.record("versus", "load average (1 min) after each round", "", load_average());
    }
    results.record("versus", "server RSS after the runs: Resguardo", "MiB", resguardo.rss_mib());
    results.record("versus", "server RSS after the runs: PostGraphile", "MiB", postgraphile.rss_mib());
    Ok(())
}

/// The 1-minute load average, from /proc (NaN when unavailable).
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}
