//! Intake throughput: `submitRequest` over real HTTP on loopback, against
//! `resguardo serve` in its own process, at several concurrencies; and in
//! the same run a baseline that files the same requests straight into the
//! database (`Database::submit_request`: the same transaction, without HTTP
//! or GraphQL). The ratio says what the service layer costs. The server's
//! memory is read from /proc when it is idle and after the load.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use db::{Actor, Database};
use domain::categories::Channel;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::sync::mpsc::RecvTimeoutError;

use crate::fresh::Fresh;
use crate::results::{Results, percentile_ms};
use crate::sample;

const SUBMIT: &str = "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey } }";

/// Request number `n` as a client sends it: the same request the baseline
/// files (`sample::request`).
fn input(n: usize, run: &str) -> Value {
    json!({
        "idempotencyKey": format!("bench-{run}-{n:08}-{}", uuid::Uuid::new_v4().simple()),
        "thirdParty": { "name": format!("Federación de Comunidades Nativas {n}"), "relationship": "ORGANISATION" },
        "contact": { "email": format!("federacion{n}@example.pe"), "phone": "+51 961 000 111", "instructions": sample::INSTRUCTIONS },
        "beneficiaries": [
            { "name": format!("Lideresa {n}"), "gender": "FEMALE", "documentKind": "DNI",
              "documentNumber": format!("{:08}", n % 100_000_000), "ethnicity": "Shipibo-Konibo" },
            { "name": format!("Comunidad Nativa {n}"), "collective": "INDIGENOUS_COMMUNITY", "approximateMembers": 250 }
        ],
        "place": { "ubigeo": "250101", "detail": sample::PLACE },
        "defenderCategory": "INDIGENOUS", "aggressionTypes": ["THREAT", "HARASSMENT"], "aggressorType": "ILLEGAL_LOGGING",
        "language": "SHIPIBO_KONIBO", "interpreterNeeded": true, "consent": { "status": "GIVEN" },
        "facts": sample::facts(n),
        "evidence": [{ "description": "Mensajes de audio con amenazas" }],
        "requestedMeasures": [{ "measureType": "POLICE_PROTECTION" }]
    })
}

/// A server in its own process (`resguardo serve`, or PostGraphile for
/// `bench versus`), started for this run and stopped when dropped.
pub(crate) struct Server {
    child: std::process::Child,
    /// Its GraphQL endpoint (`http://127.0.0.1:PORT/graphql`).
    pub(crate) url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `resguardo serve` on `database_url`, with the keys in
    /// `dir/keys.toml` (a new key is made there when there is none:
    /// `fresh::write_key_file` puts the generated data's keys there first).
    pub(crate) async fn start(database_url: &str, dir: &std::path::Path, pin: bool) -> anyhow::Result<Self> {
        let binary = std::env::current_exe()?.with_file_name("resguardo");
        anyhow::ensure!(
            binary.exists(),
            "{} is missing: build it with `cargo build --release -p server -p bench`",
            binary.display()
        );
        let mut command = if pin {
            let mut taskset = std::process::Command::new("taskset");
            taskset.arg("-c").arg("0").arg(&binary);
            taskset
        } else {
            std::process::Command::new(&binary)
        };
        command
            .arg("serve")
            .env("RESGUARDO_DATABASE_URL", database_url)
            .env("RESGUARDO_KEY_FILE", dir.join("keys.toml"))
            .env("RESGUARDO_MAIL_DIR", dir.join("mail"))
            .env("RESGUARDO_LISTEN", "127.0.0.1:0")
            .env("RESGUARDO_LOG", "warn")
            // The load comes from one address; only the work is measured.
            .env("RESGUARDO_RATE_INTAKE_PER_HOUR", "0")
            .env("RESGUARDO_RATE_INTAKE_GLOBAL_PER_HOUR", "0")
            // Delivery would compete for the cores; intake is measured alone.
            .env("RESGUARDO_WORKER", "false")
            .stderr(Stdio::null());
        Self::spawn(command, "Resguardo listening on ", "resguardo serve").await
    }

    /// Starts `command` and waits (a minute at most) for the line that
    /// begins with `banner` and goes on with the URL it serves.
    pub(crate) async fn spawn(
        mut command: std::process::Command,
        banner: &'static str,
        name: &str,
    ) -> anyhow::Result<Self> {
        command.stdout(Stdio::piped());
        let mut child = command.spawn().with_context(|| format!("start {name}"))?;
        let stdout = child.stdout.take().context("stdout")?;
        // A thread reads the output (the server must never block on a full
        // pipe) and passes on the address it listens on.
        let (found, address) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix(banner) {
                    let _ = found.send(rest.split_whitespace().next().unwrap_or_default().to_owned());
                }
            }
        });
        // Owned from here: a server that never says where it listens is
        // killed on the way out.
        let mut server = Self { child, url: String::new() };
        server.url = tokio::task::spawn_blocking(move || address.recv_timeout(Duration::from_secs(60)))
            .await?
            .map_err(|e| match e {
                RecvTimeoutError::Timeout => anyhow::anyhow!("{name} did not start within a minute"),
                RecvTimeoutError::Disconnected => anyhow::anyhow!("{name} stopped before it listened"),
            })?;
        Ok(server)
    }

    /// Resident memory, in MiB, from /proc (0 when unavailable).
    pub(crate) fn rss_mib(&self) -> f64 {
        let pid = self.child.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    }
}

/// Runs `total` operations with `concurrency` workers; returns the wall
/// time and every latency.
pub(crate) async fn load<F, Fut>(
    total: usize,
    concurrency: usize,
    operation: F,
) -> anyhow::Result<(Duration, Vec<Duration>)>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let operation = operation.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for n in (worker..total).step_by(concurrency) {
                let began = Instant::now();
                operation(n).await?;
                latencies.push(began.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    for worker in workers {
        latencies.extend(worker.await??);
    }
    Ok((started.elapsed(), latencies))
}

pub(crate) struct Options {
    pub(crate) database_url: Option<String>,
    pub(crate) requests: usize,
    pub(crate) concurrency: Vec<usize>,
    pub(crate) pin: bool,
    pub(crate) runs: usize,
}

pub(crate) async fn run(options: &Options, results: &mut Results) -> anyhow::Result<()> {
    if options.pin {
        // The load generator on the second core, the server on the first.
        let pid = std::process::id().to_string();
        let status = std::process::Command::new("taskset").args(["-p", "-c", "1", &pid]).stdout(Stdio::null()).status();
        anyhow::ensure!(status.is_ok_and(|s| s.success()), "taskset failed: --pin needs util-linux and two cores");
    }
    let client = reqwest::Client::new();
    for run in 0..options.runs {
        let dir = tempdir(run)?;
        let served = Fresh::create(options.database_url.as_deref()).await?;
        let server = Server::start(served.url(), &dir, options.pin).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        results.record("memory", "server RSS, idle", "MiB", server.rss_mib());
        let baseline_db = Fresh::create(options.database_url.as_deref()).await?;
        for &concurrency in &options.concurrency {
            let tag = format!("r{run}c{concurrency}");
            let (client, url) = (client.clone(), server.url.clone());
            let (wall, mut latencies) = load(options.requests, concurrency, move |n| {
                let (client, url, tag) = (client.clone(), url.clone(), tag.clone());
                async move {
                    let body: Value = client
                        .post(&url)
                        .json(&json!({ "query": SUBMIT, "variables": { "i": input(n, &tag) } }))
                        .send()
                        .await?
                        .json()
                        .await?;
                    anyhow::ensure!(body["errors"].is_null(), "intake failed: {}", body["errors"]);
                    Ok(())
                }
            })
            .await?;
            let graphql = options.requests as f64 / wall.as_secs_f64();
            let (p50, p99) = (percentile_ms(&mut latencies, 50.0), percentile_ms(&mut latencies, 99.0));

            let (wall, mut latencies) = baseline(baseline_db.database(), options.requests, concurrency, run).await?;
            let direct = options.requests as f64 / wall.as_secs_f64();
            let (base50, base99) = (percentile_ms(&mut latencies, 50.0), percentile_ms(&mut latencies, 99.0));
            let c = format!("c={concurrency}");
            results.record("intake", &format!("{c} GraphQL over HTTP: throughput"), "req/s", graphql);
            results.record("intake", &format!("{c} GraphQL over HTTP: p50"), "ms", p50);
            results.record("intake", &format!("{c} GraphQL over HTTP: p99"), "ms", p99);
            results.record("intake", &format!("{c} baseline (database only): throughput"), "req/s", direct);
            results.record("intake", &format!("{c} baseline (database only): p50"), "ms", base50);
            results.record("intake", &format!("{c} baseline (database only): p99"), "ms", base99);
            results.record("intake", &format!("{c} ratio GraphQL / baseline throughput"), "×", graphql / direct);
            results.record("intake", &format!("{c} ratio GraphQL / baseline p50"), "×", p50 / base50);
        }
        results.record("memory", "server RSS after the intake runs", "MiB", server.rss_mib());
        drop(server);
        served.drop().await?;
        baseline_db.drop().await?;
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// The same requests, parsed and filed straight into the database.
async fn baseline(
    db: &Database,
    total: usize,
    concurrency: usize,
    run: usize,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let db = db.clone();
    load(total, concurrency, move |n| {
        let db = db.clone();
        async move {
            let request = sample::request(n)?;
            let secret = api::AccessKeySecret::generate().map_err(|e| anyhow::anyhow!("{e}"))?;
            let key = format!("baseline-{run}-{concurrency}-{n:08}");
            let (keys, _) =
                api::intake_keys(&secret, &key, &request, Channel::Web).map_err(|e| anyhow::anyhow!("{e}"))?;
            db.submit_request(&request, Channel::Web, &keys, chrono::Utc::now(), &Actor::public(None)).await?;
            Ok(())
        }
    })
    .await
}

fn tempdir(run: usize) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("resguardo-bench-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
