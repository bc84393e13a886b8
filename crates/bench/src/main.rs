//! Resguardo's benchmarks. Each prints its figures (medians over runs, with
//! the fastest and slowest run) and ratios against a baseline measured in
//! the same invocation: this machine is shared and noisy, so only same-run
//! ratios compare. BENCHMARKS.md says how to run them and what each figure
//! means.
//!
//! Without `--database-url` the database is a fresh SQLite file; with a
//! PostgreSQL URL a fresh database is created on that server for each
//! dataset and dropped afterwards.

mod deadlines;
mod fresh;
mod generate;
mod historic;
mod intake;
mod intake_cost;
mod pages;
mod plans;
mod results;
mod sample;
mod stats;
mod triage;
mod versus;

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::fresh::Fresh;
use crate::generate::{Profile, generate};
use crate::results::Results;

#[derive(Parser)]
#[command(name = "bench", about = "Resguardo's benchmarks")]
struct Cli {
    /// A PostgreSQL server (`postgres://user@host:5432/db`); SQLite files otherwise.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Repetitions of each measurement.
    #[arg(long, global = true, default_value_t = 3)]
    runs: usize,
    /// Where to write the figures as JSON.
    #[arg(long, global = true, default_value = "bench-results.json")]
    json: PathBuf,
    /// "Today" for the generated data (default: today in Lima).
    #[arg(long, global = true)]
    today: Option<NaiveDate>,
    /// Leave the generated database in place (its URL and key are
    /// printed), to study its query plans or serve it afterwards.
    #[arg(long, global = true)]
    keep_database: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// What encryption and the audit trail cost on the intake path.
    IntakeCost {
        #[arg(long, default_value_t = 300)]
        requests: usize,
    },
    /// submitRequest over HTTP at several concurrencies, against a database-only baseline.
    Intake(IntakeArgs),
    /// The officer's and the coordinator's lists on a generated registry.
    Triage(ScaleArgs),
    /// The reminder pass, recomputation after a calendar change, add_working_days.
    Deadlines(ScaleArgs),
    /// The public pages: weight of each page and state, load time of each
    /// step on an emulated slow 3G link (headless Chromium), against budget.
    Pages,
    /// The officer's page against PostGraphile 5 on the same database, over
    /// HTTP (PostgreSQL only; `npm ci --prefix bench/postgraphile` first).
    Versus(VersusArgs),
    /// `resguardo import` of generated DGDH files, against writing the
    /// same prepared cases alone.
    Import {
        /// Cases to import (two rows of `solicitudes` and one to four of
        /// `decisiones` each).
        #[arg(long, default_value_t = 50_000)]
        cases: usize,
    },
    /// Everything above but intake-cost, pages and versus, into one table and one JSON file.
    All {
        #[command(flatten)]
        scale: ScaleArgs,
        #[command(flatten)]
        intake: IntakeArgs,
    },
}

#[derive(clap::Args, Clone)]
struct ScaleArgs {
    /// Requests to generate.
    #[arg(long = "requests", default_value_t = 1_000_000)]
    scale: usize,
    /// Requests per list measurement.
    #[arg(long, default_value_t = 200)]
    page_requests: usize,
}

#[derive(clap::Args, Clone)]
struct IntakeArgs {
    /// Requests per concurrency level.
    #[arg(long = "intake-requests", default_value_t = 2000)]
    intake_requests: usize,
    /// Concurrency levels.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    concurrency: Vec<usize>,
    /// Server on core 0, load generator on core 1 (taskset).
    #[arg(long)]
    pin: bool,
}

#[derive(clap::Args, Clone)]
struct VersusArgs {
    /// Requests to generate (not with --reuse).
    #[arg(long = "requests", default_value_t = 1_000_000)]
    scale: usize,
    /// Requests per server, client count and round.
    #[arg(long, default_value_t = 1000)]
    page_requests: usize,
    /// Concurrent clients of each measurement.
    #[arg(long, value_delimiter = ',', default_value = "1,16")]
    clients: Vec<usize>,
    /// Rounds, each measuring both servers at every client count (default: --runs).
    #[arg(long)]
    rounds: Option<usize>,
    /// A database an earlier run kept (`--keep-database`), instead of generating one.
    #[arg(long, requires = "key")]
    reuse: Option<String>,
    /// The keys its data is sealed with (`id:base64,…`, as `--keep-database` printed them).
    #[arg(long, requires = "reuse")]
    key: Option<String>,
    /// PostGraphile's directory (default: the repository's bench/postgraphile).
    #[arg(long)]
    postgraphile: Option<PathBuf>,
}

/// Generates `count` requests of `profile` into a fresh database.
async fn dataset(
    cli: &Cli,
    count: usize,
    profile: Profile,
    today: NaiveDate,
    results: &mut Results,
) -> anyhow::Result<Fresh> {
    let fresh = Fresh::create(cli.database_url.as_deref()).await?;
    eprintln!("generating {count} requests ({profile:?})…");
    let generated = generate(fresh.database(), count, profile, today).await?;
    let name = match profile {
        Profile::Registry => "registry",
        Profile::OpenDeadlines { .. } => "open deadlines",
    };
    results.record("generate", &format!("{name}: requests written"), "requests", generated.requests as f64);
    results.record("generate", &format!("{name}: time"), "s", generated.took.as_secs_f64());
    results.record(
        "generate",
        &format!("{name}: rate"),
        "requests/s",
        generated.requests as f64 / generated.took.as_secs_f64(),
    );
    Ok(fresh)
}

async fn triage(cli: &Cli, args: &ScaleArgs, today: NaiveDate, results: &mut Results) -> anyhow::Result<()> {
    let data = dataset(cli, args.scale, Profile::Registry, today, results).await?;
    triage::run(data.database(), today, cli.runs, args.page_requests, results).await?;
    finish(cli, data).await
}

/// Drops the generated database, unless asked to keep it: then prints
/// where it is and the key its data is sealed with, so that `resguardo
/// serve` (and `bench versus --reuse`) can open it. A reused database is
/// left as it was.
async fn finish(cli: &Cli, data: Fresh) -> anyhow::Result<()> {
    if cli.keep_database && data.created() {
        let (url, keys) = (data.url(), data.keys().to_list());
        eprintln!("kept the database: {url}");
        eprintln!("  its key (for resguardo serve): RESGUARDO_ENCRYPTION_KEYS={keys}");
        eprintln!(
            "  serve it: RESGUARDO_DATABASE_URL='{url}' RESGUARDO_ENCRYPTION_KEYS={keys} target/release/resguardo serve"
        );
        if url.starts_with("postgres") {
            eprintln!("  compare it with PostGraphile: target/release/bench versus --reuse '{url}' --key {keys}");
        }
        return Ok(());
    }
    data.drop().await
}

async fn deadlines(cli: &Cli, args: &ScaleArgs, today: NaiveDate, results: &mut Results) -> anyhow::Result<()> {
    let data = dataset(cli, args.scale, Profile::OpenDeadlines { overdue: 100 }, today, results).await?;
    deadlines::run(data.database(), cli.database_url.as_deref(), today, cli.runs, results).await?;
    finish(cli, data).await
}

async fn versus(cli: &Cli, args: &VersusArgs, today: NaiveDate, results: &mut Results) -> anyhow::Result<()> {
    let postgres_only = "bench versus compares with PostGraphile, which needs PostgreSQL: give --database-url \
                         postgres://… (or --reuse a kept PostgreSQL database); SQLite is not supported";
    let postgraphile = args.postgraphile.clone().unwrap_or_else(versus::default_postgraphile_dir);
    // Before the data is generated: a missing `npm ci` is found in a second, not after minutes.
    versus::check_postgraphile(&postgraphile)?;
    let data = match (&args.reuse, &args.key) {
        (Some(url), Some(key)) => {
            anyhow::ensure!(url.starts_with("postgres"), "{postgres_only}");
            Fresh::reuse(url, key).await?
        }
        _ => {
            anyhow::ensure!(cli.database_url.as_deref().is_some_and(|u| u.starts_with("postgres")), "{postgres_only}");
            dataset(cli, args.scale, Profile::Registry, today, results).await?
        }
    };
    let options = versus::Options {
        clients: args.clients.clone(),
        rounds: args.rounds.unwrap_or(cli.runs),
        requests: args.page_requests,
        postgraphile,
    };
    let outcome = versus::run(&data, &options, results).await;
    // The database goes (unless kept) whatever the outcome.
    let finished = finish(cli, data).await;
    outcome.and(finished)
}

async fn intake(cli: &Cli, args: &IntakeArgs, results: &mut Results) -> anyhow::Result<()> {
    let options = intake::Options {
        database_url: cli.database_url.clone(),
        requests: args.intake_requests,
        concurrency: args.concurrency.clone(),
        pin: args.pin,
        runs: cli.runs,
    };
    intake::run(&options, results).await
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let today = cli.today.unwrap_or_else(|| domain::business_day::lima_date(chrono::Utc::now()));
    let mut results = Results::default();
    match &cli.command {
        Command::IntakeCost { requests } => {
            let db = Fresh::create(cli.database_url.as_deref()).await?;
            let outcome = intake_cost::run(db.database(), *requests).await;
            db.drop().await?;
            return outcome;
        }
        Command::Intake(args) => intake(&cli, args, &mut results).await?,
        Command::Import { cases } => historic::run(cli.database_url.as_deref(), *cases, cli.runs, &mut results).await?,
        Command::Pages => pages::run(cli.database_url.as_deref(), cli.runs, &mut results).await?,
        Command::Triage(args) => triage(&cli, args, today, &mut results).await?,
        Command::Deadlines(args) => deadlines(&cli, args, today, &mut results).await?,
        Command::Versus(args) => versus(&cli, args, today, &mut results).await?,
        Command::All { scale, intake: args } => {
            intake(&cli, args, &mut results).await?;
            triage(&cli, scale, today, &mut results).await?;
            deadlines(&cli, scale, today, &mut results).await?;
        }
    }
    print!("{}", results.table());
    let backend = if cli.database_url.is_some() { "postgres" } else { "sqlite" };
    let context = serde_json::json!({
        "backend": backend,
        "runs": cli.runs,
        "today": today.to_string(),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "arguments": std::env::args().skip(1).collect::<Vec<_>>(),
    });
    let json = serde_json::to_string_pretty(&results.json(context))?;
    std::fs::write(&cli.json, json).with_context(|| format!("write {}", cli.json.display()))?;
    eprintln!("figures written to {}", cli.json.display());
    Ok(())
}
